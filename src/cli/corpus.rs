//! Many pages: plain page files and JSON Lines records, cleaned on `-j` threads with the
//! output in input order, to stdout, an output folder (`-o`), or in place.

use std::io::{self, BufRead, Write};
use std::path::{Path, PathBuf};

use anyhow::{anyhow, Context, Result};

use super::args::{FilterArgs, OnError};
use super::compress::{Codec, OutFile};
use super::diag::{self, display_name};
use super::input::open_input_codec;
use super::jsonl::{clean_record, Fields};
use super::parallel::ordered_map_batched;
use super::pool::Pool;
use super::progress::Progress;
use super::run::Run;
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

/// Every input of a plain or `--split` run, cleaned on `jobs` threads and written in
/// order: to stdout, each input's destination file, or nowhere (`--stats`).
///
/// Inputs are read incrementally and cut into pages (at `--split` separators) of at most
/// `--max-page-bytes` (see [`super::stream`]); at most [`IN_FLIGHT_BYTES`] of pages are in
/// flight, so memory does not grow with the input or page size.
#[allow(clippy::too_many_arguments)]
pub fn pages(
    rules: &RuleSet,
    args: &FilterArgs,
    sep: Option<&Separator>,
    files: &[PathBuf],
    jobs: usize,
    out: &mut impl Write,
    run: &mut Run,
    progress: &mut Progress,
) -> Result<()> {
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

    // The input being written: its destination file (None: stdout, or nothing under
    // --stats), whether it failed, and how to join the pieces of a cut page.
    let mut file_out: Option<OutFile> = None;
    let mut skip = false;
    let mut join = Joiner::<Vec<u8>>::default();
    let sink = |d: Done| -> Result<()> {
        match d {
            Done::Begin(i, codec) => {
                skip = false;
                join = Joiner::default();
                if let Some(dest) = destination(args, &files[i]) {
                    match OutFile::create(&dest, codec) {
                        Ok(f) => file_out = Some(f),
                        Err(e) => {
                            fail(out, e, progress)?;
                            run.failed += 1;
                            skip = true;
                        }
                    }
                }
            }
            Done::Failed(i, e) => {
                file_out = None; // dropped uncommitted: the target stays as it was
                if !skip {
                    fail(out, anyhow!(e).context(display_name(&files[i])), progress)?;
                    run.failed += 1;
                }
                skip = true;
                progress.file_done();
            }
            Done::End => {
                if let Some(f) = file_out.take() {
                    if let Err(e) = f.commit() {
                        fail(out, e, progress)?;
                        run.failed += 1;
                    }
                }
                progress.file_done();
            }
            Done::Separator(s) => {
                progress.add(s.len() as u64);
                join.separator();
                emit(args, &mut file_out, &mut skip, out, &s, run, progress)?;
            }
            Done::Long { bytes, add_newline } => {
                progress.add(bytes.len() as u64);
                if let Some(total) = &mut run.stats {
                    total.add_kept(&bytes, add_newline);
                }
                if let Some(g) = join.long() {
                    emit(args, &mut file_out, &mut skip, out, &g, run, progress)?;
                }
                emit(args, &mut file_out, &mut skip, out, &bytes, run, progress)?;
                if add_newline {
                    emit(args, &mut file_out, &mut skip, out, b"\n", run, progress)?;
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
                progress.add(read as u64);
                if let (Some(total), Some(s)) = (&mut run.stats, stats) {
                    total.merge(&s);
                }
                if let Some(g) = join.page(cont, lead_gap, gap_after, cleaned.is_empty()) {
                    emit(args, &mut file_out, &mut skip, out, &g, run, progress)?;
                }
                if !cleaned.is_empty() {
                    emit(args, &mut file_out, &mut skip, out, &cleaned, run, progress)?;
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

/// Report an input's error on stderr (after what stdout holds so far, with the bar out of
/// the way).
pub fn fail(out: &mut impl Write, e: anyhow::Error, progress: &Progress) -> Result<()> {
    out.flush()?;
    progress.suspend(|| diag::error(&e));
    Ok(())
}

/// Bytes of pages read and not yet written, at most (a single page piece may be larger:
/// it then runs alone). With 4 MiB pieces, two are cleaned while two more wait.
pub const IN_FLIGHT_BYTES: usize = 16 << 20;

/// Write cleaned bytes to the input's destination file, or stdout, or nowhere under
/// --stats. A file that cannot be written is reported and the rest of its input skipped;
/// an error on stdout (a broken pipe) stops the run.
#[allow(clippy::too_many_arguments)]
fn emit(
    args: &FilterArgs,
    file_out: &mut Option<OutFile>,
    skip: &mut bool,
    out: &mut impl Write,
    bytes: &[u8],
    run: &mut Run,
    progress: &Progress,
) -> Result<()> {
    if *skip {
        return Ok(());
    }
    match file_out {
        Some(f) => {
            if let Err(e) = f.write_all(bytes) {
                let e = anyhow!(e).context(f.target().display().to_string());
                *file_out = None;
                *skip = true;
                fail(out, e, progress)?;
                run.failed += 1;
            }
        }
        None if args.stats => {}
        None => out.write_all(bytes)?,
    }
    Ok(())
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
    pool: &'a Pool,
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
pub fn jsonl_input(
    rules: &RuleSet,
    args: &FilterArgs,
    path: &Path,
    jobs: usize,
    stdout: &mut impl Write,
    run: &mut Run,
    progress: &mut Progress,
) -> Result<()> {
    let r = jsonl_one(rules, args, path, jobs, stdout, run, progress);
    progress.file_done();
    r
}

#[allow(clippy::too_many_arguments)]
fn jsonl_one(
    rules: &RuleSet,
    args: &FilterArgs,
    path: &Path,
    jobs: usize,
    stdout: &mut impl Write,
    run: &mut Run,
    progress: &mut Progress,
) -> Result<()> {
    let name = display_name(path);
    let (codec, reader) = match open_input_codec(path) {
        Ok(r) => r,
        Err(e) => {
            fail(stdout, anyhow!(e).context(name), progress)?;
            run.failed += 1;
            return Ok(());
        }
    };
    let mut file_out = match destination(args, path) {
        Some(dest) => Some(OutFile::create(&dest, codec)?),
        None => None,
    };
    let fields = Fields {
        text: &args.field,
        url: args.url_field.as_deref(),
        removed: args.removed_field.as_deref(),
    };
    let want_stats = run.stats.is_some();
    let limit = args.max_page_bytes.saturating_mul(RECORD_PAGES);
    // Co-process use (a pipe in, `-j 1`): each record is answered as soon as it is cleaned,
    // before the next is read, so a caller may wait for the answer with its input open.
    let answer_each = jobs == 1 && super::input::is_pipe(path);
    let (mut records_in, mut skipped, mut no_url_count) = (0u64, 0u64, 0u64);
    // A malformed record under --on-error fail stops the whole run, not only this input.
    let mut stop = false;
    // Record and output buffers go round instead of being freed on another thread.
    let pool = &Pool::default();
    let work = |item: Item| match item {
        Item::Record(n, line) => {
            let mut stats = want_stats.then(|| Stats::new(rules));
            let r = clean_record(
                rules,
                &fields,
                &line,
                stats.as_mut(),
                pool.take(line.len() + 64),
            );
            let read = line.len() + 1;
            pool.give(line);
            Ok((n, read, r.map(|(o, no_url)| (o, stats, no_url))))
        }
        Item::TooLong(n, read) => Ok((n, read, Err(too_long(limit)))),
        Item::ReadError(e) => Err(e),
    };
    let weight = |item: &Item| match item {
        Item::Record(_, line) => line.len(),
        Item::TooLong(..) | Item::ReadError(_) => 1,
    };
    let sink = |r: Cleaned| -> Result<()> {
        let (n, read, r) = r.with_context(|| name.clone())?;
        progress.add(read as u64);
        records_in += 1;
        match r {
            Ok((line, stats, no_url)) => {
                no_url_count += u64::from(no_url);
                if let (Some(total), Some(s)) = (&mut run.stats, stats) {
                    total.merge(&s);
                }
                match &mut file_out {
                    Some(f) => f.write_all(&line).with_context(|| name.clone())?,
                    None => {
                        stdout.write_all(&line)?;
                        if answer_each {
                            stdout.flush()?;
                        }
                    }
                }
                pool.give(line);
                Ok(())
            }
            Err(msg) => malformed(
                &format!("{name}:{n}"),
                &msg,
                args.on_error,
                (&mut skipped, &mut stop),
                stdout,
                progress,
            ),
        }
    };
    let result = ordered_map_batched(
        jobs,
        IN_FLIGHT_BYTES,
        BATCH_BYTES,
        weight,
        records(reader, limit, args.on_error == OnError::Fail, pool),
        work,
        sink,
    );
    if let (Some(url), 1.., true) = (&args.url_field, no_url_count, result.is_ok()) {
        // Not an error (a record may have no URL), but a misspelt name must not go unseen.
        progress.suspend(|| {
            diag::warn(format_args!(
                "{name}: {no_url_count} of {records_in} record(s) have no field `{url}` (site rules by host not applied to them)"
            ))
        });
    }
    end_of_records(
        result,
        stop,
        &name,
        (skipped, records_in),
        file_out,
        stdout,
        run,
        progress,
    )
}

/// A malformed record at `at` (`file:line`, `file: record at byte N`): reported; under
/// `--on-error fail` the run stops here (`stop` is set), under `skip` it is counted and
/// left out.
pub fn malformed(
    at: &str,
    msg: &str,
    on_error: OnError,
    (skipped, stop): (&mut u64, &mut bool),
    stdout: &mut impl Write,
    progress: &Progress,
) -> Result<()> {
    stdout.flush()?;
    progress.suspend(|| diag::warn(format_args!("{at}: {msg}")));
    match on_error {
        OnError::Fail => {
            *stop = true;
            Err(stopped(at))
        }
        OnError::Skip => {
            *skipped += 1;
            Ok(())
        }
    }
}

/// The end of a JSONL or WARC input: a failed input is reported and counted (a broken
/// pipe, or `stop` for a malformed record under --on-error fail, stops everything), skipped records are counted on stderr, and the destination file,
/// if any, is committed (or, on failure, dropped uncommitted: the target stays as it was).
#[allow(clippy::too_many_arguments)]
pub fn end_of_records(
    result: Result<()>,
    stop: bool,
    name: &str,
    (skipped, records_in): (u64, u64),
    file_out: Option<OutFile>,
    stdout: &mut impl Write,
    run: &mut Run,
    progress: &mut Progress,
) -> Result<()> {
    if let Err(e) = result {
        if diag::is_broken_pipe(&e) || stop {
            return Err(e);
        }
        fail(stdout, e, progress)?;
        run.failed += 1;
        return Ok(());
    }
    if skipped > 0 {
        progress.suspend(|| {
            diag::warn(format_args!(
                "{name}: skipped {skipped} malformed record(s) of {records_in}"
            ))
        });
    }
    if let Some(f) = file_out {
        f.commit()?;
    }
    Ok(())
}
