//! Diagnostics: the one place that writes warnings and errors to stderr, each as one line
//! `clean: …`, and the names inputs go by in them.
//!
//! Modes hand their errors up (`run` prints what ends a run) or call [`error`] and
//! [`warn`] for what a run goes on after (an unreadable input, a malformed record). Two
//! other things write to stderr and are not diagnostics: the progress bar (`progress`, a
//! display it draws and clears itself), and `--stats` counts when stdout carries the
//! cleaned text (`run`: the report asked for, on the one stream left).

use std::fmt::Display;
use std::io::{self, Write};
use std::path::Path;

/// Write `clean: {msg}` to stderr.
pub fn say(msg: impl Display) -> io::Result<()> {
    writeln!(io::stderr().lock(), "clean: {msg}")
}

/// An error, with its causes (`clean: what: why`). If stderr cannot be written, there is
/// nowhere left to say so: the exit status still tells.
pub fn error(e: &anyhow::Error) {
    let _ = say(format_args!("{e:#}"));
}

/// A warning or a note; as [`error`], a stderr that cannot be written is let be.
pub fn warn(msg: impl Display) {
    let _ = say(msg);
}

/// Whether `e` is a broken pipe somewhere in its chain (`clean big.txt | head -1`): not
/// an error to report, the reader has all it wanted.
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}

/// How an input is named in messages and reports: its path, or `<stdin>` for `-`.
pub fn display_name(path: &Path) -> String {
    if path.as_os_str() == "-" {
        "<stdin>".into()
    } else {
        path.display().to_string()
    }
}
