//! Many pages: plain page files and JSON Lines records, cleaned on `-j` threads with the
//! output in input order, to stdout, an output folder (`-o`), or in place.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use anyhow::{anyhow, Context, Result};

use super::args::{FilterArgs, OnError};
use super::input::read_input;
use super::jsonl::{clean_record, Fields};
use super::output::{write_atomic, AtomicFile};
use super::parallel::ordered_map;
use super::run::{display_name, report, Run};
use clean::report::stats::Stats;
use clean::{Page, RuleSet};

/// Plain page files (or stdin): each cleaned whole.
pub fn pages(
    rules: &RuleSet,
    args: &FilterArgs,
    files: &[PathBuf],
    jobs: usize,
    out: &mut impl Write,
    run: &mut Run,
) -> Result<()> {
    let want_stats = run.stats.is_some();
    let work = |path: PathBuf| {
        let r = read_input(&path).map(|bytes| {
            let page = Page::new(&bytes);
            let outcome = rules.apply(&page, args.url.as_deref());
            let cleaned = outcome.render(&page);
            let stats = want_stats.then(|| {
                let mut s = Stats::new(rules);
                s.add(&page, &outcome, cleaned.len());
                s
            });
            (cleaned, stats)
        });
        (path, r)
    };
    ordered_map(
        jobs,
        files.iter().cloned(),
        work,
        |(path, r)| -> Result<()> {
            let (cleaned, stats) = match r {
                Ok(x) => x,
                Err(e) => {
                    out.flush()?;
                    report(&e);
                    run.failed += 1;
                    return Ok(());
                }
            };
            if let (Some(total), Some(s)) = (&mut run.stats, stats) {
                total.merge(&s);
            }
            let dest = destination(args, &path);
            match dest {
                None if args.stats => Ok(()),
                None => Ok(out.write_all(&cleaned)?),
                Some(dest) => {
                    if let Err(e) = write_atomic(&dest, &cleaned) {
                        report(&e);
                        run.failed += 1;
                    }
                    Ok(())
                }
            }
        },
    )
}

/// Where an input's cleaned text goes: `None` for stdout.
fn destination(args: &FilterArgs, path: &Path) -> Option<PathBuf> {
    if args.in_place {
        Some(path.to_owned())
    } else {
        let dir = args.output_dir.as_ref()?;
        Some(dir.join(path.file_name().expect("checked before the run")))
    }
}

enum Item {
    Record(usize, Vec<u8>),
    ReadError(io::Error),
}

/// The records of one JSONL input, streamed: blank lines are skipped, a read error ends
/// the stream.
fn records(mut reader: impl BufRead) -> impl Iterator<Item = Item> {
    let mut line_no = 0usize;
    let mut done = false;
    std::iter::from_fn(move || loop {
        if done {
            return None;
        }
        let mut buf = Vec::new();
        match reader.read_until(b'\n', &mut buf) {
            Ok(0) => return None,
            Ok(_) => {
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

/// A piece of a split stream.
enum Piece {
    /// A page to clean.
    Page(Vec<u8>),
    /// A separator line, written as it is.
    Separator(Vec<u8>),
}

/// Cut a stream into pages at separator lines, reading it incrementally.
fn pieces<'a>(
    mut reader: impl BufRead + 'a,
    sep: &'a regex::bytes::Regex,
) -> impl Iterator<Item = io::Result<Piece>> + 'a {
    let mut page: Vec<u8> = Vec::new();
    let mut pending_sep: Option<Vec<u8>> = None;
    let mut done = false;
    std::iter::from_fn(move || {
        if let Some(s) = pending_sep.take() {
            return Some(Ok(Piece::Separator(s)));
        }
        if done {
            return None;
        }
        loop {
            let mut line = Vec::new();
            match reader.read_until(b'\n', &mut line) {
                Ok(0) => {
                    done = true;
                    return (!page.is_empty()).then(|| Ok(Piece::Page(std::mem::take(&mut page))));
                }
                Ok(_) => {
                    let content = line.strip_suffix(b"\n").unwrap_or(&line);
                    let content = content.strip_suffix(b"\r").unwrap_or(content);
                    if sep.is_match(content) {
                        if page.is_empty() {
                            return Some(Ok(Piece::Separator(line)));
                        }
                        pending_sep = Some(line);
                        return Some(Ok(Piece::Page(std::mem::take(&mut page))));
                    }
                    page.extend_from_slice(&line);
                }
                Err(e) => {
                    done = true;
                    return Some(Err(e));
                }
            }
        }
    })
}

/// One input split into pages at `--split` separators, to stdout or its destination file.
pub fn split_input(
    rules: &RuleSet,
    args: &FilterArgs,
    sep: &regex::bytes::Regex,
    path: &Path,
    jobs: usize,
    stdout: &mut impl Write,
    run: &mut Run,
) -> Result<()> {
    let name = display_name(path);
    let reader: Box<dyn BufRead + Send> = if path.as_os_str() == "-" {
        Box::new(BufReader::with_capacity(1 << 16, io::stdin()))
    } else {
        match File::open(path) {
            Ok(f) => Box::new(BufReader::with_capacity(1 << 16, f)),
            Err(e) => {
                report(&anyhow!(e).context(name));
                run.failed += 1;
                return Ok(());
            }
        }
    };
    let mut file_out = match destination(args, path) {
        Some(dest) => Some(AtomicFile::create(&dest)?),
        None => None,
    };
    let want_stats = run.stats.is_some();
    let work = |piece: io::Result<Piece>| -> io::Result<(Vec<u8>, Option<Stats>)> {
        match piece? {
            Piece::Separator(line) => Ok((line, None)),
            Piece::Page(bytes) => {
                let page = Page::new(&bytes);
                let outcome = rules.apply(&page, args.url.as_deref());
                let cleaned = outcome.render(&page);
                let stats = want_stats.then(|| {
                    let mut s = Stats::new(rules);
                    s.add(&page, &outcome, cleaned.len());
                    s
                });
                Ok((cleaned, stats))
            }
        }
    };
    let result = ordered_map(jobs, pieces(reader, sep), work, |r| -> Result<()> {
        let (bytes, stats) = r.with_context(|| name.clone())?;
        if let (Some(total), Some(s)) = (&mut run.stats, stats) {
            total.merge(&s);
        }
        match &mut file_out {
            Some(f) => f.write_all(&bytes).with_context(|| name.clone())?,
            None if args.stats => {}
            None => stdout.write_all(&bytes)?,
        }
        Ok(())
    });
    if let Err(e) = result {
        if e.chain().any(|c| {
            c.downcast_ref::<io::Error>()
                .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
        }) {
            return Err(e);
        }
        report(&e);
        run.failed += 1;
        return Ok(());
    }
    if let Some(f) = file_out {
        f.commit()?;
    }
    Ok(())
}

/// One JSONL input (a path or `-`), to stdout or its destination file.
pub fn jsonl_input(
    rules: &RuleSet,
    args: &FilterArgs,
    path: &Path,
    jobs: usize,
    stdout: &mut impl Write,
    run: &mut Run,
) -> Result<()> {
    let name = display_name(path);
    let reader: Box<dyn BufRead + Send> = if path.as_os_str() == "-" {
        Box::new(BufReader::with_capacity(1 << 16, io::stdin()))
    } else {
        match File::open(path) {
            Ok(f) => Box::new(BufReader::with_capacity(1 << 16, f)),
            Err(e) => {
                report(&anyhow!(e).context(name));
                run.failed += 1;
                return Ok(());
            }
        }
    };
    let mut file_out = match destination(args, path) {
        Some(dest) => Some(AtomicFile::create(&dest)?),
        None => None,
    };
    let fields = Fields {
        text: &args.field,
        url: args.url_field.as_deref(),
        removed: args.removed_field.as_deref(),
    };
    let want_stats = run.stats.is_some();
    let (mut records_in, mut skipped) = (0u64, 0u64);
    let work = |item: Item| match item {
        Item::Record(n, line) => {
            let mut stats = want_stats.then(|| Stats::new(rules));
            let r = clean_record(rules, &fields, &line, stats.as_mut());
            Ok((n, r.map(|o| (o, stats))))
        }
        Item::ReadError(e) => Err(e),
    };
    let result = ordered_map(jobs, records(reader), work, |r| -> Result<()> {
        let (n, r) = r.with_context(|| name.clone())?;
        records_in += 1;
        match r {
            Ok((line, stats)) => {
                if let (Some(total), Some(s)) = (&mut run.stats, stats) {
                    total.merge(&s);
                }
                match &mut file_out {
                    Some(f) => f.write_all(&line).with_context(|| name.clone())?,
                    None => stdout.write_all(&line)?,
                }
                Ok(())
            }
            Err(msg) => {
                stdout.flush()?;
                let _ = writeln!(io::stderr().lock(), "clean: {name}:{n}: {msg}");
                match args.on_error {
                    OnError::Fail => Err(anyhow!(
                        "{name}:{n}: stopped at this malformed record (--on-error skip goes on)"
                    )),
                    OnError::Skip => {
                        skipped += 1;
                        Ok(())
                    }
                }
            }
        }
    });
    if let Err(e) = result {
        if e.chain().any(|c| {
            c.downcast_ref::<io::Error>()
                .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
        }) {
            return Err(e);
        }
        report(&e);
        run.failed += 1;
        return Ok(()); // the destination file, if any, is dropped uncommitted
    }
    if skipped > 0 {
        let _ = writeln!(
            io::stderr().lock(),
            "clean: {name}: skipped {skipped} malformed record(s) of {records_in}"
        );
    }
    if let Some(f) = file_out {
        f.commit()?;
    }
    Ok(())
}
