//! Command-line arguments ("low args"): as close to the flags as possible, no logic.

use std::path::PathBuf;

use clap::{ArgGroup, Args as ClapArgs, Parser, Subcommand, ValueEnum};

/// Strip boilerplate (player widgets, ads labels, captions, footers, related links) from
/// scraped page text and leave the article.
///
/// With no FILE, or when FILE is -, reads standard input. Each FILE is cleaned in turn
/// and written to standard output. Settings come from a `.clean.toml` in the current
/// directory or the nearest parent (see --config).
#[derive(Debug, Parser)]
#[command(
    name = "clean",
    version,
    args_conflicts_with_subcommands = true,
    after_help = EXAMPLES
)]
pub struct Args {
    /// Subcommands; without one, `clean` is a filter.
    #[command(subcommand)]
    pub cmd: Option<Cmd>,
    /// Filter options.
    #[command(flatten)]
    pub filter: FilterArgs,
}

/// One-line examples, shown at the foot of `clean --help`.
const EXAMPLES: &str = "\
Examples:
  clean page.txt > page.clean.txt          clean one page
  clean --url https://www.npr.org/x p.txt  pick site rules by the page's host
  clean --explain page.txt                 list every removal with its rule
  clean --disable generic/byline page.txt  turn one rule off (also `disable` in .clean.toml)
  clean --config ci.toml page.txt          use this configuration file (--no-config: none)
  clean rules --format json                the loaded rules as JSON
  clean rules --dump rules/generic.toml    print an embedded rule file to adapt
  clean test samples/ --format json        check samples, JSON Lines out
  clean completions bash > ~/.local/share/bash-completion/completions/clean
  clean man > ~/.local/share/man/man1/clean.1";

/// Where rules come from; shared by every mode.
#[derive(Debug, Clone, ClapArgs)]
pub struct RuleArgs {
    /// Load rules from a TOML file, or from every *.toml file under a directory
    /// (repeatable; loaded after the embedded defaults, in the order given).
    #[arg(long = "rules", value_name = "PATH")]
    pub rules: Vec<PathBuf>,
    /// Do not load the rules embedded in the binary.
    #[arg(long)]
    pub no_default_rules: bool,
    /// Turn off the rule with this id (repeatable; adds to `disable` in the config).
    #[arg(long = "disable", value_name = "RULE_ID")]
    pub disable: Vec<String>,
    /// Read settings from this file instead of the .clean.toml found from the current
    /// directory up (also: the CLEAN_CONFIG environment variable).
    #[arg(long, value_name = "PATH", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,
    /// Read no configuration file.
    #[arg(long)]
    pub no_config: bool,
}

/// `--max-page-bytes` when neither the command line nor the configuration sets it (4M).
pub const DEFAULT_MAX_PAGE_BYTES: usize = 4 << 20;

/// The filter mode.
#[derive(Debug, ClapArgs)]
#[command(group(ArgGroup::new("mode").args(["diff", "explain", "stats"])))]
#[command(group(ArgGroup::new("records").args(["jsonl", "warc"])))]
pub struct FilterArgs {
    /// Page files to clean (- for standard input).
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Rule sources.
    #[command(flatten)]
    pub rules: RuleArgs,
    /// The page's URL: its host selects site rules (`hosts` in a rule file).
    #[arg(long, value_name = "URL", value_parser = parse_url)]
    pub url: Option<String>,
    /// Print a unified diff of what would be removed, each hunk naming its rule; exit 1
    /// when anything would change, 0 when nothing would.
    #[arg(long)]
    pub diff: bool,
    /// List every removal: file, line(s), rule id, why, and the removed text.
    #[arg(long)]
    pub explain: bool,
    /// Count per rule the pages it fired on and the lines and bytes it removed, over all
    /// inputs, and list the rules that never fired.
    #[arg(long)]
    pub stats: bool,
    /// Read JSON Lines: clean one field of every record, keep every other field and the
    /// record order.
    #[arg(long)]
    pub jsonl: bool,
    /// With --jsonl: the field that holds the page text.
    #[arg(long, value_name = "NAME", default_value = "text", requires = "jsonl")]
    pub field: String,
    /// With --jsonl: the field that holds the page URL (its host selects site rules); a
    /// dotted name (metadata.url) reaches into nested objects.
    #[arg(long, value_name = "NAME", requires = "jsonl", conflicts_with = "url")]
    pub url_field: Option<String>,
    /// With --jsonl: add this field to each record, listing its removals (rule, lines).
    #[arg(long, value_name = "NAME", requires = "jsonl")]
    pub removed_field: Option<String>,
    /// Read WARC 1.0/1.1 records (Common Crawl WET files): clean the text of `conversion`
    /// records (and of text/plain `resource`/`response` records), with WARC-Target-URI as
    /// the URL; keep every other record and header, rewrite Content-Length and digests.
    #[arg(long, conflicts_with_all = ["split", "url"])]
    pub warc: bool,
    /// With --jsonl or --warc: what a malformed record does: stop the run (fail) or be
    /// left out and counted (skip).
    #[arg(long, value_enum, default_value_t = OnError::Fail, requires = "records")]
    pub on_error: OnError,
    /// Write each input's cleaned text to DIR/<input file name> (atomically), compressed
    /// as the input was (gzip, zstd).
    #[arg(short = 'o', long = "output-dir", value_name = "DIR", conflicts_with_all = ["in_place", "diff", "explain"])]
    pub output_dir: Option<PathBuf>,
    /// Write what would go to standard output to FILE instead (atomically), compressed
    /// when its name ends in .gz or .zst.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["output_dir", "in_place", "diff", "explain"])]
    pub output: Option<PathBuf>,
    /// Replace each input file with its cleaned text (atomically: a failure leaves the
    /// original untouched), compressed as it was.
    #[arg(long, conflicts_with_all = ["diff", "explain"])]
    pub in_place: bool,
    /// Treat each line matching REGEX as a page separator: the stream is cleaned page by
    /// page (a footer cut never eats the next page) and separator lines are kept as they
    /// are. Pages are read incrementally, so memory follows the page size, not the input's.
    #[arg(long, value_name = "REGEX", conflicts_with_all = ["jsonl"])]
    pub split: Option<String>,
    /// Pages larger than this (bytes; K, M, G suffixes allowed) are cleaned in pieces of at
    /// most this size, cut at a line boundary (after a blank line when there is one in the
    /// piece's second half), each piece as a page of its own; this bounds memory whatever
    /// the page size. So are pages of more than one line per 32 bytes of it (131,072 lines
    /// for 4M). Smaller pages are cleaned whole.
    #[arg(long, value_name = "SIZE", default_value = "4M", value_parser = parse_size)]
    pub max_page_bytes: usize,
    /// Never show the progress bar (shown on a terminal's stderr for large runs only).
    #[arg(long)]
    pub no_progress: bool,
    /// Worker threads for files, pages and JSONL records (default, and 0: all cores; at
    /// most 256). Output keeps the input order.
    #[arg(short = 'j', long = "jobs", value_name = "N")]
    pub jobs: Option<usize>,
    /// Output format of --explain and --stats.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Colour in --diff and --explain output (auto: when stdout is a terminal and NO_COLOR
    /// is not set).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
}

/// A page URL: `scheme://host…`, or a bare host with a dot (`npr.org/x`).
pub fn parse_url(s: &str) -> Result<String, String> {
    let has_scheme = s.split_once("://").is_some_and(|(scheme, _)| {
        scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    });
    let host_ok = clean::engine::host_of(s).is_some_and(|h| {
        h.starts_with('[')
            || (h
                .chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '.')
                && (has_scheme || h.contains('.')))
    });
    if host_ok && !s.contains(char::is_whitespace) {
        Ok(s.to_owned())
    } else {
        Err(format!(
            "`{s}` is not a URL (expected e.g. https://www.example.org/page or example.org/page)"
        ))
    }
}

/// A byte count with an optional K, M or G suffix (powers of 1024).
pub fn parse_size(s: &str) -> Result<usize, String> {
    let t = s.trim();
    let (num, mult) = match t.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => {
            let m: usize = match c.to_ascii_uppercase() {
                'K' => 1 << 10,
                'M' => 1 << 20,
                'G' => 1 << 30,
                _ => return Err(format!("`{s}`: the suffix must be K, M or G")),
            };
            (&t[..i], m)
        }
        _ => (t, 1),
    };
    let n: usize = num
        .parse()
        .map_err(|_| format!("`{s}`: not a size (e.g. 4194304, 512K, 4M)"))?;
    match n.checked_mul(mult) {
        Some(0) => Err("the size must be at least 1 byte".into()),
        Some(v) => Ok(v),
        None => Err(format!("`{s}`: too large")),
    }
}

/// Report format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// For people.
    Text,
    /// For tools: JSON Lines for --explain, one object for --stats.
    Json,
}

/// What a malformed JSONL record does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OnError {
    /// Report it and stop (exit 2).
    Fail,
    /// Report it, leave it out, count it, go on.
    Skip,
}

/// When to use colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ColorChoice {
    /// When stdout is a terminal and NO_COLOR is unset.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// Check sample pages: every NAME.txt under DIR must clean to NAME.clean.txt beside it,
    /// and every rule's examples must hold. Exit 1 on any failure or new sample.
    Test {
        /// Folders (searched recursively) or sample files.
        #[arg(value_name = "DIR", required = true)]
        paths: Vec<PathBuf>,
        /// Write the expectations of new and changed samples (after review) and exit 0.
        #[arg(long)]
        update: bool,
        /// The URL samples are cleaned as (its host selects site rules).
        #[arg(long, value_name = "URL", value_parser = parse_url)]
        url: Option<String>,
        /// Output format: text, or JSON Lines (one object per sample and per rule
        /// example, then a summary).
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Rule sources.
        #[command(flatten)]
        rules: RuleArgs,
    },
    /// List the loaded rules: id, kind, source file and why; the configuration and rule
    /// files in use; rules turned off are marked.
    Rules {
        /// Rule sources.
        #[command(flatten)]
        rules: RuleArgs,
        /// Output format: text, or one JSON array of objects (id, kind, source, why, site,
        /// disabled).
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Print an embedded rule file (e.g. rules/generic.toml) to copy and adapt; with
        /// no FILE, list the embedded files.
        #[arg(long, value_name = "FILE", num_args = 0..=1, default_missing_value = "")]
        dump: Option<String>,
    },
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), e.g. `clean man > ~/.local/share/man/man1/clean.1`.
    Man,
    /// Score the loaded rules on evaluation sets (one row per set: token P, R, F1, the
    /// F1 of no cleaning, harmed pages), or a folder of cleaned pages against gold texts.
    Eval(EvalArgs),
    /// Learn a site's rule file from its pages (lines that recur across pages are chrome).
    Suggest(super::suggest::SuggestArgs),
}

/// Arguments of `clean eval`: evaluation sets (SET_DIR...), or with `--gold` one folder of
/// predictions.
#[derive(Debug, ClapArgs)]
#[command(
    override_usage = "clean eval [OPTIONS] <SET_DIR>...\n       clean eval [OPTIONS] --gold <DIR> [--raw] <PRED_DIR>",
    after_help = EVAL_EXAMPLES
)]
pub struct EvalArgs {
    /// Evaluation sets: folders that hold input/ (raw pages) and gold/ (their hand-cleaned
    /// texts, same file names). Each page is cleaned as `clean < page` cleans it, and
    /// scored with the unchanged page beside it. With --gold: the one folder of
    /// predictions (PRED_DIR).
    #[arg(value_name = "SET_DIR", required = true)]
    pub dirs: Vec<PathBuf>,
    /// Score one folder of predictions (PRED_DIR) against this folder of gold texts
    /// instead: every file in it is one page, matched by file name.
    #[arg(long, value_name = "DIR")]
    pub gold: Option<PathBuf>,
    /// With --gold: PRED_DIR holds raw pages; clean each with the loaded rules, then score.
    #[arg(long, requires = "gold")]
    pub raw: bool,
    /// Also list every page: for sets, set, page, F1, identity F1 and their difference,
    /// the most harmed first; with --gold, P, R, F1 and counts, worst F1 first.
    #[arg(long)]
    pub per_doc: bool,
    /// Output format: text, or one JSON object.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Rule sources (evaluation sets, and --raw).
    #[command(flatten)]
    pub rules: RuleArgs,
}

/// Examples at the foot of `clean eval --help`.
const EVAL_EXAMPLES: &str = "\
Examples:
  clean eval eval/dev eval/dev-shapes/*/           one row per set, and the harm rate
  clean eval eval/dev --per-doc                    every page, the most harmed first
  clean eval eval/dev --format json                one JSON object (sets, summary)
  clean eval --gold gold/ --raw pages/             clean pages/, score against gold/
  clean eval --gold gold/ cleaned/                 score a folder of cleaned pages";
