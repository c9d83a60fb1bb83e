//! Many pages: plain page files and JSON Lines records, cleaned on `-j` threads with the
//! output in input order, to stdout, an output folder (`-o`), or in place.

use std::borrow::Borrow;
use std::io::{self, BufRead, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{anyhow, Context, Result};

use super::args::{FilterArgs, OnError};
use super::compress::{is_pipe, open_input_codec, Codec, OutFile};
use super::diag::{self, display_name};
use super::jsonl::{clean_record, Fields};
use super::parallel::{ordered_map_batched, ordered_map_live, Flow};
use super::pool::Pool;
use super::progress::Progress;
use super::stream::{lead_gap, Joiner, Piece, Pieces, Separator};
use clean::report::stats::Stats;
use clean::{Page, RuleSet};

/// What the reading thread hands the workers, in input order.
enum Unit {
    /// Input `i` starts, compressed so.
    Begin(usize, Codec),
    /// A page, a piece of one, or a separator line.
    Piece(Piece),
    /// Input `i` could not be opened or read: it ends here.
    Failed(usize, io::Error),
    /// The input is done.
    End,
}

/// What the workers hand back.
enum Done {
    Begin(usize, Codec),
    Page {
        cleaned: Vec<u8>,
        stats: Option<Stats>,
        cont: bool,
        /// The page's first line, when it is blank (see [`Done::Long`]).
        lead_gap: Option<Vec<u8>>,
        gap_after: Option<Vec<u8>>,
        read: usize,
    },
    Separator(Vec<u8>),
    /// A chunk of a line longer than the cap: written as it is. A blank line right after
    /// the long line would be a leading blank line of the next piece, which layout drops:
    /// that piece's `lead_gap` puts it back.
    Long {
        bytes: Vec<u8>,
        add_newline: bool,
    },
    Failed(usize, io::Error),
    End,
}

/// A filter run over many inputs, as `run` sets it up: what every input is cleaned with,
/// the bar that shows how far it is, and what it accumulates.
pub struct Run<'a> {
    /// The rules every page is cleaned with.
    pub rules: &'a RuleSet,
    /// The filter's flags.
    pub args: &'a FilterArgs,
    /// Threads to clean on (`-j`, resolved).
    pub jobs: usize,
    /// The progress bar (or nothing).
    pub progress: Progress,
    /// Inputs or records that failed.
    pub failed: usize,
    /// Counts, under --stats.
    pub stats: Option<Stats>,
}

impl Run<'_> {
    /// Report an input's error on stderr (after what stdout holds so far, with the bar out
    /// of the way) and count it.
    pub fn fail(&mut self, out: &mut impl Write, e: anyhow::Error) -> Result<()> {
        out.flush()?;
        self.progress.suspend(|| diag::error(&e));
        self.failed += 1;
        Ok(())
    }
}

/// Every input of a plain or `--split` run, cleaned on `run.jobs` threads and written in
/// order: to stdout, each input's destination file, or nowhere (`--stats`).
///
/// Inputs are read incrementally and cut into pages (at `--split` separators) of at most
/// `--max-page-bytes` (see [`super::stream`]); at most [`IN_FLIGHT_BYTES`] of pages are in
/// flight, so memory does not grow with the input or page size.
pub fn pages(
    run: &mut Run,
    sep: Option<&Separator>,
    files: &[PathBuf],
    out: &mut impl Write,
) -> Result<()> {
    let (rules, args, jobs) = (run.rules, run.args, run.jobs);
    let cap = args.max_page_bytes.max(1);
    let want_stats = run.stats.is_some();
    // Plain mode: every input is one page, so an empty input is an empty page.
    let empty_page = sep.is_none();
    // Page buffers go round: read into on this thread, cleaned from and written on any.
    let pool = Pool::default();
    let pool = &pool;
    let units = files.iter().enumerate().flat_map(move |(i, path)| {
        let mut codec = Codec::Plain;
        let body: Box<dyn Iterator<Item = Unit> + Send> = match open_input_codec(path) {
            Err(e) => Box::new(std::iter::once(Unit::Failed(i, e))),
            Ok((c, r)) => {
                codec = c;
                let mut failed = false;
                Box::new(
                    Pieces::new(r, sep, cap, empty_page)
                        .with_pool(pool)
                        .map(move |p| match p {
                            Ok(p) => Unit::Piece(p),
                            Err(e) => Unit::Failed(i, e),
                        })
                        .chain(std::iter::once(Unit::End))
                        .take_while(move |u| {
                            // Nothing of an input follows its failure.
                            let go = !failed || !matches!(u, Unit::End);
                            failed |= matches!(u, Unit::Failed(..));
                            go
                        }),
                )
            }
        };
        std::iter::once(Unit::Begin(i, codec)).chain(body)
    });
    let weight = |u: &Unit| match u {
        Unit::Piece(Piece::Page(p)) => p.bytes.len(),
        Unit::Piece(Piece::Separator(s)) => s.len(),
        Unit::Piece(Piece::Long { bytes, .. }) => bytes.len(),
        _ => 0,
    };
    let work = |u: Unit| match u {
        Unit::Begin(i, c) => Done::Begin(i, c),
        Unit::End => Done::End,
        Unit::Failed(i, e) => Done::Failed(i, e),
        Unit::Piece(Piece::Separator(s)) => Done::Separator(s),
        Unit::Piece(Piece::Long { bytes, add_newline }) => Done::Long { bytes, add_newline },
        Unit::Piece(Piece::Page(p)) => {
            let page = Page::new(&p.bytes);
            let outcome = rules.apply(&page, args.url.as_deref());
            let mut cleaned = pool.take(p.bytes.len());
            outcome.render_into(&page, &mut cleaned);
            let lead_gap = lead_gap(p.cont, &page).map(<[u8]>::to_vec);
            let stats = want_stats.then(|| {
                let mut s = Stats::new(rules);
                s.add(&page, &outcome, cleaned.len());
                s
            });
            let read = p.bytes.len();
            pool.give(p.bytes);
            Done::Page {
                cleaned,
                stats,
                cont: p.cont,
                lead_gap,
                gap_after: p.gap_after,
                read,
            }
        }
    };

    // The input being written, and how to join the pieces of a cut page.
    let mut dest = Dest::default();
    let mut join = Joiner::<Vec<u8>>::default();
    let sink = |d: Done| -> Result<()> {
        match d {
            Done::Begin(i, codec) => {
                dest = Dest::default();
                join = Joiner::default();
                if let Some(path) = destination(args, &files[i]) {
                    match OutFile::create(&path, codec) {
                        Ok(f) => dest.file = Some(f),
                        Err(e) => {
                            run.fail(out, e)?;
                            dest.skip = true;
                        }
                    }
                }
            }
            Done::Failed(i, e) => {
                dest.file = None; // dropped uncommitted: the target stays as it was
                if !dest.skip {
                    run.fail(out, anyhow!(e).context(display_name(&files[i])))?;
                }
                dest.skip = true;
                run.progress.file_done();
            }
            Done::End => {
                if let Some(f) = dest.file.take() {
                    if let Err(e) = f.commit() {
                        run.fail(out, e)?;
                    }
                }
                run.progress.file_done();
            }
            Done::Separator(s) => {
                run.progress.add(s.len() as u64);
                join.separator();
                dest.emit(run, out, &s)?;
            }
            Done::Long { bytes, add_newline } => {
                run.progress.add(bytes.len() as u64);
                if let Some(total) = &mut run.stats {
                    total.add_kept(&bytes, add_newline);
                }
                if let Some(g) = join.long() {
                    dest.emit(run, out, &g)?;
                }
                dest.emit(run, out, &bytes)?;
                if add_newline {
                    dest.emit(run, out, b"\n")?;
                }
            }
            Done::Page {
                cleaned,
                stats,
                cont,
                lead_gap,
                gap_after,
                read,
            } => {
                run.progress.add(read as u64);
                if let (Some(total), Some(s)) = (&mut run.stats, stats) {
                    total.merge(&s);
                }
                if let Some(g) = join.page(cont, lead_gap, gap_after, cleaned.is_empty()) {
                    dest.emit(run, out, &g)?;
                }
                if !cleaned.is_empty() {
                    dest.emit(run, out, &cleaned)?;
                }
                pool.give(cleaned);
            }
        }
        Ok(())
    };
    ordered_map_batched(
        jobs,
        IN_FLIGHT_BYTES,
        BATCH_BYTES,
        weight,
        units,
        work,
        sink,
    )
}

/// Work items of `-j` runs hold about this many bytes of pages or records. 32 KiB to
/// 256 KiB ran as fast on 100 MB of pages and of JSONL at `-j 2`; larger batches hold more
/// in flight (peak RSS of JSONL at `-j 8`: 44 MB with 64 KiB, 59 MB with 256 KiB).
pub const BATCH_BYTES: usize = 64 << 10;

/// Bytes of pages read and not yet written, at most (a single page piece may be larger:
/// it then runs alone). With 4 MiB pieces, two are cleaned while two more wait.
pub const IN_FLIGHT_BYTES: usize = 16 << 20;

/// Where a plain input's cleaned text is going: its destination file (`None`: stdout, or
/// nothing under --stats), and whether the rest of it is skipped (it failed).
#[derive(Default)]
struct Dest {
    file: Option<OutFile>,
    skip: bool,
}

impl Dest {
    /// Write cleaned bytes to the destination file, or stdout, or nowhere under --stats. A
    /// file that cannot be written is reported and the rest of its input skipped; an error
    /// on stdout (a broken pipe) stops the run.
    fn emit(&mut self, run: &mut Run, out: &mut impl Write, bytes: &[u8]) -> Result<()> {
        if self.skip {
            return Ok(());
        }
        match &mut self.file {
            Some(f) => {
                if let Err(e) = f.write_all(bytes) {
                    let e = anyhow!(e).context(f.target().display().to_string());
                    self.file = None;
                    self.skip = true;
                    run.fail(out, e)?;
                }
            }
            None if run.args.stats => {}
            None => out.write_all(bytes)?,
        }
        Ok(())
    }
}

/// Where an input's cleaned text goes: `None` for stdout.
pub fn destination(args: &FilterArgs, path: &Path) -> Option<PathBuf> {
    if args.in_place {
        Some(path.to_owned())
    } else {
        let dir = args.output_dir.as_ref()?;
        Some(dir.join(path.file_name().expect("checked before the run")))
    }
}

/// A JSONL input's items, as [`records`] reads them.
pub enum Item {
    /// A record: its line number and bytes (without the newline).
    Record(usize, Vec<u8>),
    /// A record longer than the limit (its line number and length read so far): its
    /// bytes are dropped as they are read, so memory stays bounded.
    TooLong(usize, usize),
    /// Reading failed: the input ends here.
    ReadError(io::Error),
}

/// Why a record over `limit` bytes is malformed.
pub fn too_long(limit: usize) -> String {
    format!("record longer than {limit} bytes ({RECORD_PAGES} × --max-page-bytes)")
}

/// The error that ends a run at a malformed record under `--on-error fail`; `at` is
/// `FILE:LINE` (JSONL) or `FILE: record at byte N` (WARC).
pub fn stopped(at: &str) -> anyhow::Error {
    anyhow!("{at}: stopped at this malformed record (--on-error skip goes on)")
}

/// The longest JSONL record, in multiples of `--max-page-bytes` (64 MiB by default).
pub const RECORD_PAGES: usize = 16;

/// A record cleaned: its line number, the bytes it was read from, and its output line
/// with its statistics and whether it lacks the `--url-field`, or why it is malformed.
type Cleaned = io::Result<(usize, usize, Result<(Vec<u8>, Option<Stats>, bool), String>)>;

/// The records of one JSONL input, streamed: blank lines are skipped, a read error ends
/// the stream.
pub fn records<'a>(
    mut reader: impl BufRead + 'a,
    limit: usize,
    stop_at_too_long: bool,
    pool: impl Borrow<Pool> + 'a,
) -> impl Iterator<Item = Item> + 'a {
    let mut line_no = 0usize;
    let mut done = false;
    // The rest of a record over the limit is still to be skipped.
    let mut skipping = false;
    // Records of a corpus are of a size: a buffer of twice the last one's, so that
    // `read_until` seldom grows it (growing frees the pooled buffer here, maybe on another
    // thread than the one that allocated it; at most `4 * jobs` records are in flight).
    let mut size_hint = 0;
    std::iter::from_fn(move || loop {
        if done {
            return None;
        }
        if skipping {
            match skip_line(&mut reader) {
                Ok(()) => skipping = false,
                Err(e) => {
                    done = true;
                    return Some(Item::ReadError(e));
                }
            }
        }
        let pool = pool.borrow();
        let mut buf = pool.take((2 * size_hint).min(limit));
        match io::Read::take(&mut reader, limit as u64 + 1).read_until(b'\n', &mut buf) {
            Ok(0) => return None,
            Ok(n) if n > limit && buf.last() != Some(&b'\n') => {
                line_no += 1;
                // Under --on-error fail nothing after it is read (its end may never come).
                skipping = true;
                done = stop_at_too_long;
                pool.give(buf);
                return Some(Item::TooLong(line_no, n));
            }
            Ok(n) => {
                size_hint = n;
                line_no += 1;
                while matches!(buf.last(), Some(b'\n' | b'\r')) {
                    buf.pop();
                }
                if buf.iter().all(u8::is_ascii_whitespace) {
                    continue;
                }
                return Some(Item::Record(line_no, buf));
            }
            Err(e) => {
                done = true;
                return Some(Item::ReadError(e));
            }
        }
    })
}

/// Read up to and including the next newline (or to the end), keeping nothing.
fn skip_line(reader: &mut impl BufRead) -> io::Result<()> {
    loop {
        let buf = match reader.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if buf.is_empty() {
            return Ok(());
        }
        match memchr::memchr(b'\n', buf) {
            Some(i) => {
                reader.consume(i + 1);
                return Ok(());
            }
            None => {
                let n = buf.len();
                reader.consume(n);
            }
        }
    }
}

/// One JSONL input (a path or `-`), to stdout or its destination file.
pub fn jsonl_input(run: &mut Run, path: &Path, stdout: &mut impl Write) -> Result<()> {
    let r = jsonl_one(run, path, stdout);
    run.progress.file_done();
    r
}

fn jsonl_one(run: &mut Run, path: &Path, stdout: &mut impl Write) -> Result<()> {
    let (rules, args, jobs) = (run.rules, run.args, run.jobs);
    let name = display_name(path);
    let (codec, reader) = match open_input_codec(path) {
        Ok(r) => r,
        Err(e) => return run.fail(stdout, anyhow!(e).context(name)),
    };
    let mut to = RecordsOut::new(name, args, path, codec)?;
    let fields = Fields {
        text: &args.field,
        url: args.url_field.as_deref(),
        removed: args.removed_field.as_deref(),
    };
    let want_stats = run.stats.is_some();
    let limit = args.max_page_bytes.saturating_mul(RECORD_PAGES);
    // Co-process use (a program writes a record and waits for its answer with the pipe
    // open): from a pipe, each record is answered as soon as it is cleaned. With `-j 1`
    // the next is read only then; with more, records are read on a thread of their own.
    let live = is_pipe(path);
    let mut no_url_count = 0u64;
    // Record and output buffers go round instead of being freed on another thread.
    let pool = Arc::new(Pool::default());
    let work = |item: Item| match item {
        Item::Record(n, line) => {
            let mut stats = want_stats.then(|| Stats::new(rules));
            let r = clean_record(
                rules,
                &fields,
                &line,
                stats.as_mut(),
                args.max_page_bytes,
                pool.take(line.len() + 64),
            );
            let read = line.len() + 1;
            pool.give(line);
            Ok((n, read, r.map(|(o, no_url)| (o, stats, no_url))))
        }
        Item::TooLong(n, read) => Ok((n, read, Err(too_long(limit)))),
        Item::ReadError(e) => Err(e),
    };
    fn weight(item: &Item) -> usize {
        match item {
            Item::Record(_, line) => line.len(),
            Item::TooLong(..) | Item::ReadError(_) => 1,
        }
    }
    // `None`: no more answers are ready for now; from a pipe they are flushed then.
    let mut sink = |r: Option<Cleaned>| -> Result<()> {
        let Some(r) = r else {
            if to.file.is_none() {
                stdout.flush()?;
            }
            return Ok(());
        };
        let (n, read, r) = r.with_context(|| to.name.clone())?;
        run.progress.add(read as u64);
        to.records += 1;
        match r {
            Ok((line, stats, no_url)) => {
                no_url_count += u64::from(no_url);
                if let (Some(total), Some(s)) = (&mut run.stats, stats) {
                    total.merge(&s);
                }
                to.write(stdout, &line)?;
                pool.give(line);
                Ok(())
            }
            Err(msg) => {
                let at = format!("{}:{n}", to.name);
                to.malformed(run, stdout, &at, &msg)
            }
        }
    };
    let stop = args.on_error == OnError::Fail;
    let result = if live && jobs > 1 {
        let flow = Flow {
            jobs,
            budget: IN_FLIGHT_BYTES,
            batch: BATCH_BYTES,
        };
        let items = records(reader, limit, stop, Arc::clone(&pool));
        ordered_map_live(flow, weight, items, work, sink)
    } else {
        let items = records(reader, limit, stop, &*pool);
        ordered_map_batched(
            jobs,
            IN_FLIGHT_BYTES,
            BATCH_BYTES,
            weight,
            items,
            work,
            |r| {
                sink(Some(r))?;
                if live {
                    sink(None)?;
                }
                Ok(())
            },
        )
    };
    if let (Some(url), 1.., true) = (&args.url_field, no_url_count, result.is_ok()) {
        // Not an error (a record may have no URL), but a misspelt name must not go unseen.
        let (name, records_in) = (&to.name, to.records);
        run.progress.suspend(|| {
            diag::warn(format_args!(
                "{name}: {no_url_count} of {records_in} record(s) have no field `{url}` (site rules by host not applied to them)"
            ))
        });
    }
    to.end(result, run, stdout)
}

/// One JSONL or WARC input as its records are written: its name, its destination file
/// (`None`: stdout), and what its end reports.
pub struct RecordsOut {
    /// The input's name in messages.
    pub name: String,
    /// The destination file, or `None` for stdout.
    pub file: Option<OutFile>,
    /// Records read, malformed ones included.
    pub records: u64,
    /// Malformed records left out (--on-error skip).
    pub skipped: u64,
    /// A malformed record under --on-error fail stopped the whole run, not only this input.
    pub stop: bool,
}

impl RecordsOut {
    /// The way out of input `path` (named `name`) compressed with `codec`: its destination
    /// file, created so, or stdout.
    pub fn new(name: String, args: &FilterArgs, path: &Path, codec: Codec) -> Result<Self> {
        let file = match destination(args, path) {
            Some(dest) => Some(OutFile::create(&dest, codec)?),
            None => None,
        };
        Ok(RecordsOut {
            name,
            file,
            records: 0,
            skipped: 0,
            stop: false,
        })
    }

    /// Write a record's output to the destination file, or stdout.
    pub fn write(&mut self, stdout: &mut impl Write, bytes: &[u8]) -> Result<()> {
        match &mut self.file {
            Some(f) => f.write_all(bytes).with_context(|| self.name.clone())?,
            None => stdout.write_all(bytes)?,
        }
        Ok(())
    }

    /// A malformed record at `at` (`file:line`, `file: record at byte N`): reported; under
    /// `--on-error fail` the run stops here (`stop` is set), under `skip` it is counted
    /// and left out.
    pub fn malformed(
        &mut self,
        run: &Run,
        stdout: &mut impl Write,
        at: &str,
        msg: &str,
    ) -> Result<()> {
        stdout.flush()?;
        run.progress
            .suspend(|| diag::warn(format_args!("{at}: {msg}")));
        match run.args.on_error {
            OnError::Fail => {
                self.stop = true;
                Err(stopped(at))
            }
            OnError::Skip => {
                self.skipped += 1;
                Ok(())
            }
        }
    }

    /// The end of the input, which `result` ended: a failed input is reported and counted
    /// (a broken pipe, or a malformed record under --on-error fail, stops everything),
    /// skipped records are counted on stderr, and the destination file, if any, is
    /// committed (or, on failure, dropped uncommitted: the target stays as it was).
    pub fn end(self, result: Result<()>, run: &mut Run, stdout: &mut impl Write) -> Result<()> {
        if let Err(e) = result {
            if diag::is_broken_pipe(&e) || self.stop {
                return Err(e);
            }
            return run.fail(stdout, e);
        }
        if self.skipped > 0 {
            let (name, skipped, records_in) = (&self.name, self.skipped, self.records);
            run.progress.suspend(|| {
                diag::warn(format_args!(
                    "{name}: skipped {skipped} malformed record(s) of {records_in}"
                ))
            });
        }
        if let Some(f) = self.file {
            f.commit()?;
        }
        Ok(())
    }
}
