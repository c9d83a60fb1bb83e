//! `--diff` and `--explain`: each input in turn, to stdout (and the colours they, and
//! `clean test`, print with).
//!
//! A WARC or JSONL record is a page of its own, reviewed whole. A plain (or `--split`)
//! input is read as the filter reads it: incrementally, in pages and pieces of at most the
//! cap ([`super::stream::Pieces`]), each cleaned as the filter cleans it and joined as it
//! joins them ([`Joiner`]). So they report on exactly what the filter writes, with the
//! input's line numbers, and their memory follows the cap, not the input.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{anyhow, Result};

use super::args::{ColorChoice, FilterArgs, Format, OnError};
use super::compress::{open_input, Input};
use super::corpus::{self, RECORD_PAGES};
use super::diag::{self, display_name, is_broken_pipe};
use super::jsonl::{read_record, Fields};
use super::pool::Pool;
use super::stream::{lead_gap, Joiner, Piece, Pieces, Separator};
use super::warc;
use clean::report::diff::{self, Diff};
use clean::report::{explain, Styles};
use clean::{Cause, Outcome, Page, RuleSet, SiteApplied};

/// Colour for a stream: `--color`, then NO_COLOR and whether it is a terminal.
pub fn styles(choice: ColorChoice, is_terminal: bool) -> Styles {
    let on = match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            is_terminal
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::env::var_os("TERM").is_none_or(|t| t != "dumb")
        }
    };
    if on {
        Styles::COLOR
    } else {
        Styles::PLAIN
    }
}

/// `--diff` and `--explain`: each input in turn, to stdout. Exits 2 when an input (or a
/// record) failed, else 1 when `--diff` found anything to change.
pub fn run(
    rules: &RuleSet,
    args: &FilterArgs,
    sep: Option<&Separator>,
    files: &[PathBuf],
) -> Result<ExitCode> {
    let stdout = io::stdout();
    let mut review = Review {
        rules,
        args,
        sep,
        st: styles(args.color, stdout.is_terminal()),
        out: io::BufWriter::with_capacity(1 << 16, stdout.lock()),
        failed: 0,
        changed: false,
    };
    for path in files {
        let name = display_name(path);
        let reader = match open_input(path) {
            Ok(r) => r,
            Err(e) => {
                review.fail(anyhow!(e).context(name))?;
                continue;
            }
        };
        if args.warc {
            review.warc(&name, reader)?;
        } else if args.jsonl {
            review.jsonl(&name, reader)?;
        } else {
            match review.plain(&name, reader) {
                Ok(c) => review.changed |= c,
                Err(e) if is_broken_pipe(&e) => return Err(e),
                Err(e) => review.fail(e.context(name))?,
            }
        }
    }
    review.out.flush()?;
    Ok(if review.failed > 0 {
        ExitCode::from(2)
    } else if review.changed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// A review of inputs, one after another, to `out`.
struct Review<'a, W: Write> {
    rules: &'a RuleSet,
    args: &'a FilterArgs,
    /// `--split`: where the pages of a plain input start.
    sep: Option<&'a Separator>,
    st: Styles,
    out: W,
    /// Inputs and records that failed.
    failed: usize,
    /// Whether cleaning changes anything (`--diff` only).
    changed: bool,
}

impl<W: Write> Review<'_, W> {
    /// Report an error on stderr, after what stdout holds so far, and count it.
    fn fail(&mut self, e: anyhow::Error) -> Result<()> {
        self.out.flush()?;
        diag::error(&e);
        self.failed += 1;
        Ok(())
    }

    /// One page read whole (a WARC record's text, a JSONL record's), named `name`. One the
    /// filter cleans in pieces (over the cap, or of as many lines as a piece holds) is
    /// reported piece by piece, as a file's page over the cap is.
    fn page(&mut self, name: &str, bytes: &[u8], url: Option<&str>) -> Result<()> {
        if super::stream::in_pieces(bytes, self.args.max_page_bytes) {
            self.changed |= self.pieces(name, bytes, url, None)?;
            return Ok(());
        }
        let (rules, st, out) = (self.rules, &self.st, &mut self.out);
        let page = Page::new(bytes);
        let outcome = rules.apply(&page, url);
        if self.args.diff {
            self.changed |= diff::write_diff(out, name, &page, &outcome, rules, st)?;
            return Ok(());
        }
        let sites = rules.sites_applied(&page, url);
        let entries = explain::entries(name, &page, &outcome, rules, &sites);
        match self.args.format {
            Format::Text => explain::write_text(out, &entries, st)?,
            Format::Json => explain::write_json(out, &entries)?,
        }
        Ok(())
    }

    /// A WARC input: each record with text is a page, named by its byte offset. A
    /// malformed record is reported and follows `--on-error`, as in the filter; one that
    /// breaks the framing fails the input (counted).
    fn warc(&mut self, name: &str, reader: Input) -> Result<()> {
        let stop = self.args.on_error == OnError::Fail;
        for item in warc::Records::new(reader, warc::max_record_bytes(self.args)) {
            match item {
                warc::Item::Record(r) => {
                    if let Some((text, url)) = r.text() {
                        self.page(&format!("{name}@{}", r.offset), text, url.as_deref())?;
                    }
                }
                warc::Item::Malformed { offset, msg, lost } => {
                    let at = format!("{name}: record at byte {offset}");
                    if lost {
                        self.fail(anyhow!("{at}: {msg}; the rest of the input cannot be read"))?;
                        continue;
                    }
                    self.out.flush()?;
                    diag::error(&anyhow!("{at}: {msg}"));
                    if stop {
                        return Err(corpus::stopped(&at));
                    }
                }
                warc::Item::Io(offset, e) => {
                    self.fail(anyhow!(e).context(format!("{name}: record at byte {offset}")))?;
                }
            }
        }
        Ok(())
    }

    /// A JSONL input: each record is a page of its own, named FILE:LINE. A malformed record
    /// is reported; under `--on-error fail` it stops the run. A read error ends the input,
    /// and is counted.
    fn jsonl(&mut self, name: &str, reader: Input) -> Result<()> {
        let args = self.args;
        let fields = Fields {
            text: &args.field,
            url: args.url_field.as_deref(),
            removed: None,
        };
        let limit = args.max_page_bytes.saturating_mul(RECORD_PAGES);
        let stop = args.on_error == OnError::Fail;
        let pool = Pool::default();
        for item in corpus::records(reader, limit, stop, &pool) {
            let (n, why) = match item {
                corpus::Item::Record(n, line) => match read_record(&fields, &line) {
                    Ok(r) => {
                        self.page(&format!("{name}:{n}"), r.text.as_bytes(), r.url.as_deref())?;
                        continue;
                    }
                    Err(why) => (n, why),
                },
                corpus::Item::TooLong(n, _) => (n, corpus::too_long(limit)),
                corpus::Item::ReadError(e) => {
                    self.fail(anyhow!(e).context(name.to_owned()))?;
                    break;
                }
            };
            self.out.flush()?;
            diag::error(&anyhow!("{name}:{n}: {why}"));
            if stop {
                return Err(corpus::stopped(&format!("{name}:{n}")));
            }
        }
        Ok(())
    }
}

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
fn spill_file() -> io::Result<std::fs::File> {
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
        held: Option<HeldPiece>,
    },
}

/// A piece kept for `--explain` until its last line's fate is known (what `--diff` holds
/// is that line alone: [`clean::report::diff::Held`]).
struct HeldPiece {
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

impl<W: Write> Review<'_, W> {
    /// `--diff` (a unified diff of the whole input) or `--explain` of one plain input.
    /// Returns whether cleaning changes it (`--diff` only).
    fn plain(&mut self, name: &str, reader: impl io::BufRead) -> Result<bool> {
        let (url, sep) = (self.args.url.as_deref(), self.sep);
        self.pieces(name, reader, url, sep)
    }

    /// [`Self::plain`] of an input read as pieces of pages (see [`Pieces`]), with `url`
    /// and the `--split` separator `sep`.
    fn pieces(
        &mut self,
        name: &str,
        reader: impl io::BufRead,
        url: Option<&str>,
        sep: Option<&Separator>,
    ) -> Result<bool> {
        let (rules, args, st) = (self.rules, self.args, self.st);
        let out = &mut self.out;
        let mode = if args.diff {
            Mode::Diff {
                diff: Box::new(Diff::new(out, name, rules, st, Some(spill_file))),
                held: None,
            }
        } else {
            Mode::Explain { out, held: None }
        };
        let mut report = Report {
            rules,
            name,
            st,
            format: args.format,
            mode,
        };
        let mut join = Joiner::<Gap>::default();
        let mut lines = super::stream::LineCount::default();
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
                            *held = Some(HeldPiece {
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
            Mode::Explain { out, .. } => {
                out.flush()?;
                Ok(false)
            }
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
