//! `--diff` and `--explain` of a plain (or `--split`) input, read as the filter reads it:
//! incrementally, in pages and pieces of at most the cap ([`super::stream::Pieces`]), each
//! cleaned as the filter cleans it and joined as it joins them ([`Joiner`]). So they report
//! on exactly what the filter writes, with the input's line numbers, and their memory
//! follows the cap, not the input.

use std::io::{self, Write};

use anyhow::Result;

use super::args::{FilterArgs, Format};
use super::stream::{lead_gap, Joiner, Piece, Pieces, Separator};
use clean::report::diff::{Diff, SpillFile};
use clean::report::{explain, Styles};
use clean::{Cause, Outcome, Page, RuleSet, SiteApplied};

/// A blank line the [`Joiner`] may write between pieces, and which line it is.
struct Gap {
    bytes: Vec<u8>,
    at: Origin,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Origin {
    /// The last line of the piece before, not reported yet.
    Held,
    /// The last line of the piece being read (held once it is read).
    Next,
    /// The first line of the piece being read.
    Lead,
    /// A line already reported as removed: written later, it is an added line.
    Reported,
}

/// An unnamed temporary file (in `TMPDIR`) for a hunk of `--diff` too large for memory.
pub fn spill_file() -> io::Result<std::fs::File> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir();
    loop {
        let n = N.fetch_add(1, Ordering::Relaxed);
        let path = dir.join(format!(".clean-diff.{}.{n}", std::process::id()));
        match std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(f) => {
                // Unnamed from now on: nothing is left behind, whatever ends the run.
                std::fs::remove_file(&path)?;
                return Ok(f);
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
}

/// What the report does with the pieces.
enum Mode<'a, W: Write> {
    Diff {
        diff: Box<Diff<'a, W>>,
        /// The held line: its bytes, what the page's cleaning made of it, and why.
        held: Option<clean::report::diff::Held>,
    },
    Explain {
        out: W,
        /// The piece whose last line is held: reported once that line's fate is known.
        held: Option<Held>,
    },
}

/// A piece kept for `--explain` until its last line's fate is known.
struct Held {
    bytes: Vec<u8>,
    outcome: Outcome,
    sites: Vec<SiteApplied>,
    offset: usize,
    kept: Vec<usize>,
    /// The bytes at its end that the writer may put back (its last lines).
    hold: usize,
}

struct Report<'a, W: Write> {
    rules: &'a RuleSet,
    name: &'a str,
    st: Styles,
    format: Format,
    mode: Mode<'a, W>,
}

/// The engine's line count of an input read so far: line ends (`\n`, `\r\n`, a lone `\r`),
/// with a `\r` at the end of one read settled by the next.
#[derive(Default)]
struct LineCount {
    ends: usize,
    cr: bool,
}

impl LineCount {
    /// Count `b`; returns the lines ended before it.
    fn add(&mut self, b: &[u8]) -> usize {
        if self.cr && b.first().is_some_and(|&c| c != b'\n') {
            self.ends += 1;
        }
        if !b.is_empty() {
            self.cr = false;
        }
        let before = self.ends;
        self.ends += memchr::memchr_iter(b'\n', b).count();
        self.ends += memchr::memchr_iter(b'\r', b)
            .filter(|&i| b.get(i + 1).is_some_and(|&c| c != b'\n'))
            .count();
        if b.ends_with(b"\r") {
            self.cr = true;
        }
        before
    }
}

/// `--diff` (a unified diff of the whole input) or `--explain` of one plain input.
/// Returns whether cleaning changes it (`--diff` only).
#[allow(clippy::too_many_arguments)]
pub fn input<W: Write>(
    rules: &RuleSet,
    args: &FilterArgs,
    sep: Option<&Separator>,
    name: &str,
    reader: impl io::BufRead,
    st: &Styles,
    out: W,
    spill: SpillFile,
) -> Result<bool> {
    let url = args.url.as_deref();
    let mode = if args.diff {
        Mode::Diff {
            diff: Box::new(Diff::new(out, name, rules, *st, Some(spill))),
            held: None,
        }
    } else {
        Mode::Explain { out, held: None }
    };
    let mut report = Report {
        rules,
        name,
        st: *st,
        format: args.format,
        mode,
    };
    let mut join = Joiner::<Gap>::default();
    let mut lines = LineCount::default();
    let cap = args.max_page_bytes.max(1);
    for piece in Pieces::new(reader, sep, cap, sep.is_none()) {
        match piece? {
            Piece::Separator(s) => {
                join.separator();
                report.settle(false)?;
                lines.add(&s);
                report.kept(&s)?;
            }
            Piece::Long { bytes, add_newline } => {
                report.written(join.long())?;
                lines.add(&bytes);
                report.kept(&bytes)?;
                if add_newline {
                    report.added(b"\n")?;
                }
            }
            Piece::Page(p) => {
                let offset = lines.add(&p.bytes);
                let page = Page::new(&p.bytes);
                let outcome = rules.apply(&page, url);
                let empty = !(0..page.len()).any(|i| outcome.is_kept(i));
                let lead = lead_gap(p.cont, &page).map(|b| Gap {
                    bytes: b.to_vec(),
                    at: Origin::Lead,
                });
                let hold = p.gap_after.as_ref().map_or(0, Vec::len);
                let after = p.gap_after.map(|bytes| Gap {
                    bytes,
                    at: Origin::Next,
                });
                let gap = join.page(p.cont, lead, after, empty);
                let lead_kept = gap.as_ref().is_some_and(|g| g.at == Origin::Lead);
                report.written(gap)?;
                match &mut report.mode {
                    Mode::Diff { diff, held } => {
                        *held = diff.page(&page, &outcome, lead_kept, hold)?;
                    }
                    Mode::Explain { held, .. } => {
                        let sites = rules.sites_applied(&page, url);
                        drop(page);
                        *held = Some(Held {
                            bytes: p.bytes,
                            outcome,
                            sites,
                            offset,
                            kept: if lead_kept { vec![0] } else { Vec::new() },
                            hold,
                        });
                        if hold == 0 {
                            report.settle(false)?;
                        }
                    }
                }
            }
        }
        // The gap waiting: its line is reported by now, unless it is this piece's last.
        if let Some(g) = join.gap_mut() {
            g.at = match g.at {
                Origin::Next => Origin::Held,
                _ => Origin::Reported,
            };
        }
    }
    report.settle(false)?;
    match report.mode {
        Mode::Diff { diff, .. } => Ok(diff.finish()?),
        Mode::Explain { mut out, .. } => {
            out.flush()?;
            Ok(false)
        }
    }
}

impl<W: Write> Report<'_, W> {
    /// The joiner wrote `gap` (or nothing) before the next text: the held line is kept if
    /// it is that gap, else removed; a gap already reported as removed is an added line.
    fn written(&mut self, gap: Option<Gap>) -> Result<()> {
        self.settle(gap.as_ref().is_some_and(|g| g.at == Origin::Held))?;
        if let Some(g) = gap.filter(|g| g.at == Origin::Reported) {
            self.added(&g.bytes)?;
        }
        Ok(())
    }

    /// Report the held line (`kept` or not) and what is held with it.
    fn settle(&mut self, kept: bool) -> Result<()> {
        match &mut self.mode {
            Mode::Diff { diff, held } => {
                if let Some((raw, mut new, cause)) = held.take() {
                    if kept {
                        new.extend_from_slice(&raw);
                    }
                    diff.segment(&raw, &new, cause)?;
                }
            }
            Mode::Explain { out, held } => {
                if let Some(mut h) = held.take() {
                    let page = Page::new(&h.bytes);
                    if kept {
                        let from = h.bytes.len() - h.hold;
                        let held = (0..page.len()).filter(|&i| page.lines()[i].start >= from);
                        h.kept.extend(held);
                    }
                    let entries = explain::entries_at(
                        self.name, &page, &h.outcome, self.rules, &h.sites, h.offset, &h.kept,
                    );
                    match self.format {
                        Format::Text => explain::write_text(out, &entries, &self.st)?,
                        Format::Json => explain::write_json(out, &entries)?,
                    }
                }
            }
        }
        Ok(())
    }

    /// Bytes kept as they are (a separator line, a chunk of a long line).
    fn kept(&mut self, bytes: &[u8]) -> Result<()> {
        if let Mode::Diff { diff, .. } = &mut self.mode {
            diff.kept(bytes)?;
        }
        Ok(())
    }

    /// Bytes the writer adds.
    fn added(&mut self, bytes: &[u8]) -> Result<()> {
        if let Mode::Diff { diff, .. } = &mut self.mode {
            diff.segment(b"", bytes, Cause::Layout)?;
        }
        Ok(())
    }
}
