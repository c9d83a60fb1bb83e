//! Reports over a cleaned page: a unified diff with the responsible rule on every hunk
//! ([`diff`]), the list of removals with each rule's `why` ([`explain`]), and per-rule
//! counts over many pages ([`stats`]).
//!
//! All read the engine's [`Outcome`](crate::Outcome) and write to a caller's `Write`; none
//! opens files or decides exit codes.

pub mod diff;
pub mod explain;
pub mod stats;

/// ANSI styles for terminal output; all empty when colour is off.
#[derive(Debug, Clone, Copy)]
pub struct Styles {
    /// Removed lines.
    pub removed: &'static str,
    /// Added lines.
    pub added: &'static str,
    /// Hunk headers.
    pub hunk: &'static str,
    /// File headers.
    pub header: &'static str,
    /// Rule ids and other secondary text.
    pub dim: &'static str,
    /// Emphasis inside a line (the span a rule cut out).
    pub emph: &'static str,
    /// Back to normal.
    pub reset: &'static str,
}

impl Styles {
    /// Colour on.
    pub const COLOR: Styles = Styles {
        removed: "\x1b[31m",
        added: "\x1b[32m",
        hunk: "\x1b[36m",
        header: "\x1b[1m",
        dim: "\x1b[2m",
        emph: "\x1b[7m",
        reset: "\x1b[0m",
    };
    /// Colour off.
    pub const PLAIN: Styles = Styles {
        removed: "",
        added: "",
        hunk: "",
        header: "",
        dim: "",
        emph: "",
        reset: "",
    };
}

/// At most `max` characters of `text` (invalid UTF-8 shown as U+FFFD), with `…` when cut.
pub fn truncate(text: &[u8], max: usize) -> String {
    let s = String::from_utf8_lossy(text);
    let s = s.trim_end_matches(['\r', '\n']);
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_owned(),
    }
}
