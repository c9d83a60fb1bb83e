//! The record of one page's cleaning: what each line became and why.
//!
//! `apply` fills it; `render` turns it into the cleaned bytes; diff, explain, stats and
//! JSON reports read [`Outcome::removals`] and [`Outcome::edits`]. Kept lines are written
//! as the input's own bytes; the only bytes `render` adds is a final newline when the
//! last kept line has none.

use std::ops::Range;

use super::Page;

/// Why a line or span went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Cause {
    /// A rule: index into [`crate::RuleSet::rules`].
    Rule(u32),
    /// Layout normalisation (a blank line in a run, or a leading/trailing blank line).
    Layout,
}

/// A run of whole lines removed for one cause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Removal {
    /// Who removed them.
    pub cause: Cause,
    /// Line indices (0-based, end exclusive).
    pub lines: Range<usize>,
    /// Byte range in the page, terminators included.
    pub bytes: Range<usize>,
}

/// A kept line with spans cut out of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    /// Line index.
    pub line: usize,
    /// Removed byte ranges (page offsets, inside the line's content, in order), each with
    /// its cause.
    pub removed: Vec<(Range<usize>, Cause)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fate {
    Kept,
    Removed(Cause),
    /// Kept with spans removed: index into `edits`.
    Edited(u32),
}

/// What cleaning did to one page.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub(crate) fate: Vec<Fate>,
    pub(crate) edits: Vec<Edit>,
    removals: Vec<Removal>,
    pub(crate) backoff: Option<Backoff>,
}

/// A `guard` rule stopped the generic rules: they would have removed more of the page's
/// words than it allows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Backoff {
    /// The guard rule.
    pub guard: Cause,
    /// The share of the page's words the generic rules would have removed (0 to 1).
    pub share: f64,
    /// The guard's cap, in percent.
    pub max_percent: usize,
    /// What was switched off for this page.
    pub level: BackoffLevel,
}

/// How far the generic rules backed off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackoffLevel {
    /// The generic `region` rules were switched off.
    Region,
    /// All generic rules were switched off.
    Generic,
}

impl std::fmt::Display for Backoff {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "generic rules would remove {:.0}% of the words (cap {}%): {} off",
            self.share * 100.0,
            self.max_percent,
            match self.level {
                BackoffLevel::Region => "region rules",
                BackoffLevel::Generic => "all generic rules",
            }
        )
    }
}

impl Outcome {
    pub(crate) fn new(page: &Page<'_>, fate: Vec<Fate>, edits: Vec<Edit>) -> Self {
        let mut removals: Vec<Removal> = Vec::new();
        let lines = page.lines();
        for (i, f) in fate.iter().enumerate() {
            if let Fate::Removed(c) = *f {
                match removals.last_mut() {
                    Some(r) if r.cause == c && r.lines.end == i => {
                        r.lines.end = i + 1;
                        r.bytes.end = lines[i].end;
                    }
                    _ => removals.push(Removal {
                        cause: c,
                        lines: i..i + 1,
                        bytes: lines[i].start..lines[i].end,
                    }),
                }
            }
        }
        Outcome {
            fate,
            edits,
            removals,
            backoff: None,
        }
    }

    /// Set when a `guard` rule made the generic rules back off on this page.
    pub fn backoff(&self) -> Option<&Backoff> {
        self.backoff.as_ref()
    }

    /// Runs of removed lines, in page order.
    pub fn removals(&self) -> &[Removal] {
        &self.removals
    }

    /// Kept lines that lost spans, in page order.
    pub fn edits(&self) -> &[Edit] {
        &self.edits
    }

    /// True when line `i` (or part of it) is in the output.
    pub fn is_kept(&self, i: usize) -> bool {
        !matches!(self.fate[i], Fate::Removed(_))
    }

    /// The edit applied to line `i`, if any.
    pub fn edit_of(&self, i: usize) -> Option<&Edit> {
        match self.fate[i] {
            Fate::Edited(e) => Some(&self.edits[e as usize]),
            _ => None,
        }
    }

    /// The cause that removed line `i`, if it was removed.
    pub fn removed_by(&self, i: usize) -> Option<Cause> {
        match self.fate[i] {
            Fate::Removed(c) => Some(c),
            _ => None,
        }
    }

    /// What [`Outcome::render`] writes for line `i`: nothing for a removed line, the line
    /// with its spans cut out, and a newline added to a last line without one. The lines'
    /// renderings, in order, are the page's.
    pub fn render_line(&self, page: &Page<'_>, i: usize, out: &mut Vec<u8>) {
        let bytes = page.bytes();
        let line = page.lines()[i];
        match self.fate[i] {
            Fate::Removed(_) => return,
            Fate::Kept => out.extend_from_slice(page.raw(i)),
            Fate::Edited(e) => {
                let mut at = line.start;
                for (r, _) in &self.edits[e as usize].removed {
                    out.extend_from_slice(&bytes[at..r.start]);
                    at = r.end;
                }
                out.extend_from_slice(&bytes[at..line.end]);
            }
        }
        if line.end == line.content_end {
            out.extend_from_slice(page.newline());
        }
    }

    /// True when cleaning changes nothing (no removal, no edit, no added newline).
    pub fn is_unchanged(&self, page: &Page<'_>) -> bool {
        self.removals.is_empty()
            && self.edits.is_empty()
            && page.lines().last().is_none_or(|l| l.end > l.content_end)
    }

    /// The cleaned bytes.
    pub fn render(&self, page: &Page<'_>) -> Vec<u8> {
        let mut out = Vec::with_capacity(page.bytes().len());
        self.render_into(page, &mut out);
        out
    }

    /// Append the cleaned bytes to `out`.
    pub fn render_into(&self, page: &Page<'_>, out: &mut Vec<u8>) {
        let bytes = page.bytes();
        let mut needs_newline = false;
        for (i, f) in self.fate.iter().enumerate() {
            match *f {
                Fate::Removed(_) => continue,
                Fate::Kept => out.extend_from_slice(page.raw(i)),
                Fate::Edited(e) => {
                    let line = page.lines()[i];
                    let mut at = line.start;
                    for (r, _) in &self.edits[e as usize].removed {
                        out.extend_from_slice(&bytes[at..r.start]);
                        at = r.end;
                    }
                    out.extend_from_slice(&bytes[at..line.end]);
                }
            }
            needs_newline = page.terminator(i).is_empty();
        }
        if needs_newline {
            out.extend_from_slice(page.newline());
        }
    }
}
