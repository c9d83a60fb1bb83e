//! `clean suggest`: read pages (files, or JSON Lines records), count them with
//! `clean::suggest::Counter` and write the proposed rule file(s).
//!
//! Pages are read in batches of [`BATCH`] so memory stays bounded; within a batch, JSON
//! parsing and line hashing run on `-j` threads.

use std::collections::BTreeMap;
use std::io::{self, BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::AtomicUsize;
use std::sync::{Arc, LazyLock};

use anyhow::{bail, Context, Result};
use clap::Args as ClapArgs;

use super::compress::{open_input, read_input};
use super::diag;
use super::jsonl::{read_record, Fields};
use super::output::write_atomic;
use super::parallel::{default_jobs, map_slice};
use clean::engine::host_of;
use clean::suggest::{namespace, Counter, Crawl, Options};

/// Pages per batch.
const BATCH: usize = 2048;
/// Bytes of whole pages kept for the positional analysis, over all hosts together.
const SAMPLE_BUDGET: usize = 256 << 20;

/// Learn a site's rule file from its pages: lines that recur across pages are chrome.
#[derive(Debug, ClapArgs)]
pub struct SuggestArgs {
    /// Page files, one page each (- for standard input); with --jsonl, JSON Lines files
    /// (standard input when none is given).
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Inputs are JSON Lines, one page per record.
    #[arg(long)]
    pub jsonl: bool,
    /// With --jsonl: the field holding the page text.
    #[arg(long, value_name = "NAME", default_value = "text")]
    pub field: String,
    /// With --jsonl: the field holding the page URL; pages are grouped by host, one rule
    /// file per host, and each file's `hosts` names it.
    #[arg(long, value_name = "NAME")]
    pub url_field: Option<String>,
    /// Write one `<site>.toml` per site into this directory instead of standard output.
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
    /// Site name (rule-id namespace); by default the host, else the input files' folder name
    /// (`site` for stdin).
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// Threads for counting (default: all cores).
    #[arg(short = 'j', long, value_name = "N")]
    pub jobs: Option<usize>,
    #[command(flatten)]
    pub thresholds: Thresholds,
}

/// The thresholds of `clean::suggest::Options`, as flags; the defaults are the library's.
/// Percents are of the occurrences (or sampled pages) in question.
#[derive(Debug, ClapArgs)]
#[command(next_help_heading = "Thresholds")]
pub struct Thresholds {
    /// A line must occur in at least this share of the pages (0 to 1) ...
    #[arg(long, value_name = "SHARE", default_value_t = D.min_share)]
    pub min_share: f64,
    /// ... and in at least this many pages.
    #[arg(long, value_name = "N", default_value_t = D.min_pages)]
    pub min_pages: usize,
    /// A line that does not recur and has at least this many words is article prose; a
    /// recurring line this long that ends like a sentence may be article-like.
    #[arg(long, value_name = "N", default_value_t = D.prose_words)]
    pub prose_words: usize,
    /// A sentence-like recurring line between prose lines in at least this percent of its
    /// occurrences is article-like, and never proposed.
    #[arg(long, value_name = "PCT", default_value_t = D.article_percent)]
    pub article_percent: usize,
    /// A recurring line is a footer marker (`cut`) when only boilerplate follows it in at
    /// least this percent of the sampled pages that have it ...
    #[arg(long, value_name = "PCT", default_value_t = D.cut_percent)]
    pub cut_percent: usize,
    /// ... and at least this many lines follow it per page, on average.
    #[arg(long, value_name = "N", default_value_t = D.cut_tail_lines)]
    pub cut_tail_lines: usize,
    /// In a footer's tail, a line of at most this many words that does not end like a
    /// sentence, next to a recurring line, is a list item.
    #[arg(long, value_name = "N", default_value_t = D.tail_item_words)]
    pub tail_item_words: usize,
    /// A recurring line after a chosen footer marker in at least this percent of the
    /// sampled pages is part of that footer: no rule of its own.
    #[arg(long, value_name = "PCT", default_value_t = D.after_percent)]
    pub after_percent: usize,
    /// A list header's continuing lines are the recurring lines within this many lines
    /// after it ...
    #[arg(long, value_name = "N", default_value_t = D.block_window)]
    pub block_window: usize,
    /// ... that follow it in at least this percent of its occurrences.
    #[arg(long, value_name = "PCT", default_value_t = D.block_follow_percent)]
    pub block_follow_percent: usize,
    /// A list header becomes a `block` when the block takes at least this many lines
    /// after it ...
    #[arg(long, value_name = "N", default_value_t = D.block_lines)]
    pub block_lines: usize,
    /// ... in at least this percent of its occurrences ...
    #[arg(long, value_name = "PCT", default_value_t = D.block_percent)]
    pub block_percent: usize,
    /// ... and never a line of more than this many words between two of them.
    #[arg(long, value_name = "N", default_value_t = D.block_gap_words)]
    pub block_gap_words: usize,
    /// A recurring last sentence of at least this many words ...
    #[arg(long, value_name = "N", default_value_t = D.strip_words)]
    pub strip_words: usize,
    /// ... that ends non-recurring lines in at least this percent of its occurrences
    /// becomes a `strip`.
    #[arg(long, value_name = "PCT", default_value_t = D.glued_percent)]
    pub glued_percent: usize,
    /// A recurring line the proposed cuts and blocks remove in at least this percent of
    /// its occurrences gets no `drop` of its own.
    #[arg(long, value_name = "PCT", default_value_t = D.covered_percent)]
    pub covered_percent: usize,
    /// A `detect` pattern needs at least this many words of two letters or more.
    #[arg(long, value_name = "N", default_value_t = D.signature_words)]
    pub signature_words: usize,
    /// At most this many `detect` patterns ...
    #[arg(long, value_name = "N", default_value_t = D.detect_max)]
    pub detect_max: usize,
    /// ... added until they cover this percent of the sampled pages.
    #[arg(long, value_name = "PCT", default_value_t = D.detect_percent)]
    pub detect_percent: usize,
    /// A rule's removing example holds at most this many lines.
    #[arg(long, value_name = "N", default_value_t = D.example_lines)]
    pub example_lines: usize,
}

/// The library's defaults, which the flags show.
static D: LazyLock<Options> = LazyLock::new(Options::default);

impl Thresholds {
    /// Options with these thresholds, naming as `base`.
    fn options(&self, base: Options) -> Result<Options> {
        if !(0.0..=1.0).contains(&self.min_share) {
            bail!("--min-share must be between 0 and 1");
        }
        for (flag, pct) in [
            ("--article-percent", self.article_percent),
            ("--cut-percent", self.cut_percent),
            ("--after-percent", self.after_percent),
            ("--block-follow-percent", self.block_follow_percent),
            ("--block-percent", self.block_percent),
            ("--glued-percent", self.glued_percent),
            ("--covered-percent", self.covered_percent),
            ("--detect-percent", self.detect_percent),
        ] {
            if pct > 100 {
                bail!("{flag} must be between 0 and 100");
            }
        }
        Ok(Options {
            min_share: self.min_share,
            min_pages: self.min_pages,
            prose_words: self.prose_words,
            article_percent: self.article_percent,
            cut_percent: self.cut_percent,
            cut_tail_lines: self.cut_tail_lines,
            tail_item_words: self.tail_item_words,
            after_percent: self.after_percent,
            block_window: self.block_window,
            block_follow_percent: self.block_follow_percent,
            block_lines: self.block_lines,
            block_percent: self.block_percent,
            block_gap_words: self.block_gap_words,
            strip_words: self.strip_words,
            glued_percent: self.glued_percent,
            covered_percent: self.covered_percent,
            signature_words: self.signature_words,
            detect_max: self.detect_max,
            detect_percent: self.detect_percent,
            example_lines: self.example_lines,
            ..base
        })
    }
}

/// Run `clean suggest`.
pub fn run(args: SuggestArgs) -> Result<ExitCode> {
    let thresholds = args.thresholds.options(Options::default())?;
    let threads = args.jobs.unwrap_or_else(default_jobs);
    let mut counters: BTreeMap<String, Counter> = BTreeMap::new();
    // Unreadable files and bad records are reported and skipped; the status is then 2.
    let mut failed = 0usize;
    let budget = Arc::new(AtomicUsize::new(SAMPLE_BUDGET));
    if args.jsonl {
        let files = if args.files.is_empty() {
            vec![PathBuf::from("-")]
        } else {
            args.files.clone()
        };
        for f in &files {
            // Decompressed as every other input is (`.jsonl.gz`, `.jsonl.zst`, by magic).
            let reader: Box<dyn BufRead> = match open_input(f) {
                Ok(r) => r,
                Err(e) => {
                    failed += 1;
                    diag::say(format_args!("{}: {e}", f.display()))?;
                    continue;
                }
            };
            read_jsonl(
                &budget,
                reader,
                &f.display().to_string(),
                &args,
                threads,
                &mut counters,
                &mut failed,
            )?;
        }
    } else {
        let files = if args.files.is_empty() {
            vec![PathBuf::from("-")]
        } else {
            args.files.clone()
        };
        let counter = counters.entry(String::new()).or_default();
        for chunk in files.chunks(BATCH) {
            let mut pages = Vec::with_capacity(chunk.len());
            for p in chunk {
                match read_input(p) {
                    Ok(b) => pages.push(b),
                    Err(e) => {
                        failed += 1;
                        diag::say(format_args!("{e:#}"))?;
                    }
                }
            }
            let refs: Vec<&[u8]> = pages.iter().map(Vec::as_slice).collect();
            counter.add_batch(&refs, threads);
        }
    }
    if counters.len() > 1 && args.out_dir.is_none() {
        bail!(
            "the pages come from {} hosts: give --out-dir DIR for one rule file per host",
            counters.len()
        );
    }
    if counters.len() > 1 && args.name.is_some() {
        bail!(
            "--name names one site, but the pages come from {} hosts",
            counters.len()
        );
    }
    let command = command_line();
    let stdout = io::stdout();
    let crawl = (counters.len() > 1).then(|| Arc::new(Crawl::new(counters.values())));
    for (host, counter) in &counters {
        let name = match (&args.name, host.is_empty()) {
            (Some(n), _) => n.clone(),
            (None, false) => host.trim_start_matches("www.").to_string(),
            (None, true) => folder_name(&args.files).unwrap_or_else(|| "site".into()),
        };
        let opts = Options {
            name: namespace(&name),
            hosts: if host.is_empty() {
                Vec::new()
            } else {
                vec![host.trim_start_matches("www.").to_string()]
            },
            command: command.clone(),
            crawl: crawl.clone(),
            ..thresholds.clone()
        };
        let s = counter.suggest(&opts);
        match &args.out_dir {
            Some(dir) => {
                std::fs::create_dir_all(dir).with_context(|| dir.display().to_string())?;
                let path = dir.join(format!("{}.toml", opts.name));
                write_atomic(&path, s.toml.as_bytes())?;
                diag::say(format_args!(
                    "{}: {} rules from {} pages",
                    path.display(),
                    s.rules,
                    counter.pages()
                ))?;
            }
            None => {
                let mut out = stdout.lock();
                out.write_all(s.toml.as_bytes())?;
                out.flush()?;
            }
        }
    }
    Ok(if failed > 0 {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

/// The name of the folder the (first) input file is in, for the namespace of plain files'
/// rules: files suggested from different folders then load together.
fn folder_name(files: &[PathBuf]) -> Option<String> {
    let first = files.first().filter(|f| f.as_os_str() != "-")?;
    let dir = std::fs::canonicalize(first).ok()?;
    let name = dir.parent()?.file_name()?.to_string_lossy().into_owned();
    Some(name)
}

fn command_line() -> String {
    let mut v: Vec<String> = std::env::args().collect();
    if let Some(first) = v.first_mut() {
        *first = "clean".into();
    }
    if v.len() > 12 {
        let n = v.len() - 12;
        v.truncate(12);
        v.push(format!("... ({n} more)"));
    }
    v.join(" ")
}

/// Read JSON Lines records in batches, parse them on `threads` threads and count each
/// record's text under its URL's host ("" without --url-field).
fn read_jsonl(
    budget: &Arc<AtomicUsize>,
    mut reader: Box<dyn BufRead>,
    name: &str,
    args: &SuggestArgs,
    threads: usize,
    counters: &mut BTreeMap<String, Counter>,
    failed: &mut usize,
) -> Result<()> {
    let mut lineno = 0usize;
    loop {
        let mut batch: Vec<(usize, Vec<u8>)> = Vec::with_capacity(BATCH);
        while batch.len() < BATCH {
            let mut line = Vec::new();
            let n = reader
                .read_until(b'\n', &mut line)
                .with_context(|| name.to_string())?;
            if n == 0 {
                break;
            }
            lineno += 1;
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            batch.push((lineno, line));
        }
        if batch.is_empty() {
            return Ok(());
        }
        let parsed = parse_batch(&batch, args, threads);
        let mut by_host: BTreeMap<String, Vec<&[u8]>> = BTreeMap::new();
        for r in &parsed {
            match r {
                Ok((host, text)) => by_host
                    .entry(host.clone())
                    .or_default()
                    .push(text.as_bytes()),
                Err((line, e)) => {
                    *failed += 1;
                    diag::say(format_args!("{name}:{line}: {e} (record skipped)"))?;
                }
            }
        }
        for (host, pages) in by_host {
            counters
                .entry(host)
                .or_insert_with(|| Counter::sharing(budget.clone()))
                .add_batch(&pages, threads);
        }
    }
}

type Parsed = std::result::Result<(String, String), (usize, String)>;

fn parse_batch(batch: &[(usize, Vec<u8>)], args: &SuggestArgs, threads: usize) -> Vec<Parsed> {
    map_slice(batch, threads, |(n, l)| {
        parse_record(l, args).map_err(|e| (*n, e))
    })
}

/// A record's (host, text): the host of its `--url-field` ("" without one).
fn parse_record(line: &[u8], args: &SuggestArgs) -> std::result::Result<(String, String), String> {
    let fields = Fields {
        text: &args.field,
        url: args.url_field.as_deref(),
        removed: None,
    };
    let record = read_record(&fields, line).map_err(|e| {
        // A line that does not parse is "not a JSON record" here, as it always was.
        match e.strip_prefix("not a JSON object") {
            Some(rest) => format!("not a JSON record{rest}"),
            None => e,
        }
    })?;
    let host = match (&args.url_field, &record.url) {
        (None, _) => String::new(),
        (Some(f), Some(u)) => host_of(u).ok_or_else(|| format!("field `{f}`: no host in {u:?}"))?,
        (Some(f), None) => return Err(format!("no string field `{f}`")),
    };
    Ok((host, record.text))
}

#[cfg(test)]
mod tests {
    use clean::engine::host_of;

    /// Pages are grouped by the host the engine selects site rules by.
    #[test]
    fn hosts_from_urls() {
        assert_eq!(
            host_of("https://www.npr.org/x?y").as_deref(),
            Some("www.npr.org")
        );
        assert_eq!(
            host_of("http://u@Example.COM:8080/").as_deref(),
            Some("example.com")
        );
        assert_eq!(host_of("https:///x"), None);
        // What the copy this replaced got wrong: a file learned for `example.com.` or `[`
        // would never apply to the pages it was learned from.
        assert_eq!(
            host_of(" http://Example.com./x").as_deref(),
            Some("example.com")
        );
        assert_eq!(host_of("http://[::1]:80/").as_deref(), Some("[::1]"));
    }
}
