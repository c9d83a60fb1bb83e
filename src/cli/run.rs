//! The top of the binary: the arguments parsed, the filter set up, each mode dispatched
//! to its module, and the exit-code policy. No other module of `cli` depends on this one.
//!
//! Exit codes: 0 success; 1 `--diff` found changes; 2 an error (a bad rule file, an
//! unreadable input). A broken pipe (`clean big.txt | head -1`) ends quietly with 0, as in
//! ripgrep.

use std::ffi::OsString;
use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::parser::ValueSource;
use clap::{ArgMatches, CommandFactory, FromArgMatches};

use super::args::{Args, Cmd, FilterArgs, Format, RuleArgs};
use super::compress::{Codec, OutFile};
use super::config;
use super::corpus::{self, Run};
use super::diag::{self, is_broken_pipe};
use super::input::{disabled, load_rules, load_rules_with};
use super::progress::Progress;
use super::{parallel, review, warc};
use anyhow::Context;
use clean::report::stats::Stats;

/// Run the binary: the error that ends a run is printed here (through [`diag`]), and the
/// exit status picked.
pub fn main() -> ExitCode {
    main_from(std::env::args_os())
}

/// [`main`] on these arguments (the first is the program name). The Python package's
/// `clean` command enters here, with `sys.argv`, so it is the same CLI as the binary.
pub fn main_from<I, T>(argv: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let matches = Args::command().get_matches_from(argv);
    let args = Args::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    let result = match args.cmd {
        None => filter(args.filter, &matches),
        Some(Cmd::Rules {
            rules,
            format,
            dump,
        }) => match dump {
            Some(name) if format == Format::Text => dump_rules(&name),
            Some(_) => Err(anyhow::anyhow!(
                "--dump prints a rule file as it is: drop --format"
            )),
            None => list_rules(&rules, format),
        },
        Some(Cmd::Test {
            paths,
            update,
            url,
            format,
            rules,
        }) => super::verify::run(&paths, update, url.as_deref(), format, &rules),
        Some(Cmd::Completions { shell }) => {
            let mut buf = Vec::new();
            clap_complete::generate(shell, &mut Args::command(), "clean", &mut buf);
            print(&buf)
        }
        Some(Cmd::Man) => {
            let mut buf = Vec::new();
            clap_mangen::Man::new(Args::command())
                .render(&mut buf)
                .map_err(anyhow::Error::from)
                .and_then(|()| print(&buf))
        }
        Some(Cmd::Suggest(a)) => super::suggest::run(a),
        Some(Cmd::Eval(a)) => super::eval::run(a),
    };
    match result {
        Ok(code) => code,
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            diag::error(&e);
            ExitCode::from(2)
        }
    }
}

/// Write generated text (a completion script, the man page) to stdout.
fn print(bytes: &[u8]) -> Result<ExitCode> {
    let mut out = io::stdout().lock();
    out.write_all(bytes)?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// The filter: dispatch to the review modes (sequential, to stdout), JSONL, or plain
/// pages (in parallel, to stdout, an output folder, or in place).
fn filter(mut args: FilterArgs, matches: &ArgMatches) -> Result<ExitCode> {
    let given = |id: &str| matches.value_source(id) == Some(ValueSource::CommandLine);
    if given("format") && !(args.explain || args.stats) {
        anyhow::bail!(
            "--format applies to --explain and --stats only (and to `clean rules`, `clean test`): add one of them, or drop --format"
        );
    }
    // The configuration gives defaults; flags on the command line win.
    let cfg = config::find(&args.rules)?;
    if let (false, Some(n)) = (given("max_page_bytes"), cfg.max_page_bytes) {
        args.max_page_bytes = n;
    }
    if let (false, Some(c)) = (given("color"), cfg.color) {
        args.color = c;
    }
    args.jobs = args.jobs.or(cfg.jobs);
    let rules = load_rules(&args.rules, &cfg)?;
    let files = if args.files.is_empty() {
        vec![PathBuf::from("-")]
    } else {
        args.files.clone()
    };
    if let Some(removed) = &args.removed_field {
        if *removed == args.field || args.url_field.as_ref() == Some(removed) {
            anyhow::bail!("--removed-field {removed}: that field is read, not written");
        }
    }
    let sep = match &args.split {
        Some(split) => Some(super::stream::Separator::new(
            clean::engine::compile::separator_regex(split).map_err(|e| anyhow::anyhow!(e))?,
        )),
        None => None,
    };
    if args.diff || args.explain {
        return review::run(&rules, &args, sep.as_ref(), &files);
    }
    let to_files = args.output_dir.is_some() || args.in_place;
    if to_files && files.iter().any(|p| p.as_os_str() == "-") {
        anyhow::bail!("-o/--output-dir and --in-place need file inputs, not standard input");
    }
    if let Some(dir) = &args.output_dir {
        let mut seen = std::collections::HashMap::new();
        for f in &files {
            let name = f
                .file_name()
                .with_context(|| format!("{}: not a file name", f.display()))?;
            if let Some(first) = seen.insert(name.to_owned(), f) {
                anyhow::bail!(
                    "{} and {} would both be written to {}",
                    first.display(),
                    f.display(),
                    dir.join(name).display()
                );
            }
        }
        std::fs::create_dir_all(dir).with_context(|| dir.display().to_string())?;
    }
    // More threads than this only cost memory (and the system may refuse to start them).
    let jobs = args
        .jobs
        .filter(|&j| j > 0)
        .unwrap_or_else(parallel::default_jobs)
        .min(parallel::MAX_JOBS);
    // --output FILE takes what stdout would; WARC records into a .gz file are gzipped
    // one by one (as WET files are), everything else as one stream.
    let gzip_records = args.warc
        && args
            .output
            .as_deref()
            .is_some_and(|p| Codec::from_extension(p) == Codec::Gzip);
    let mut out = match &args.output {
        None => Out::Stdout(io::BufWriter::with_capacity(1 << 16, io::stdout().lock())),
        Some(p) if gzip_records => Out::File(Box::new(OutFile::create(p, Codec::Plain)?)),
        Some(p) => Out::File(Box::new(OutFile::create(p, Codec::from_extension(p))?)),
    };
    let mut run = Run {
        rules: &rules,
        args: &args,
        jobs,
        progress: Progress::new(!args.no_progress, &files),
        failed: 0,
        stats: args.stats.then(|| Stats::new(&rules)),
    };
    if args.warc {
        for path in &files {
            warc::warc_input(&mut run, path, gzip_records, &mut out)?;
        }
    } else if args.jsonl {
        for path in &files {
            corpus::jsonl_input(&mut run, path, &mut out)?;
        }
    } else {
        corpus::pages(&mut run, sep.as_ref(), &files, &mut out)?;
    }
    run.progress.finish();
    if let Some(stats) = &run.stats {
        // With a destination for the cleaned text, the counts go to stderr.
        if to_files || args.jsonl || args.warc || args.output.is_some() {
            out.flush()?;
            let mut err = io::stderr().lock();
            match args.format {
                Format::Text => stats.write_text(&mut err, &rules)?,
                Format::Json => stats.write_json(&mut err, &rules)?,
            }
        } else {
            match args.format {
                Format::Text => stats.write_text(&mut out, &rules)?,
                Format::Json => stats.write_json(&mut out, &rules)?,
            }
        }
    }
    match out {
        Out::Stdout(mut o) => o.flush()?,
        // A failed run leaves an --output file as it was.
        Out::File(f) if run.failed == 0 => f.commit()?,
        Out::File(_) => {}
    }
    Ok(if run.failed > 0 {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

/// Where the filter's output goes: standard output, or an `--output` file.
enum Out<'a> {
    Stdout(io::BufWriter<io::StdoutLock<'a>>),
    File(Box<OutFile>),
}

impl Write for Out<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Out::Stdout(o) => o.write(buf),
            Out::File(f) => f.write(buf),
        }
    }
    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match self {
            Out::Stdout(o) => o.write_all(buf),
            Out::File(f) => f.write_all(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match self {
            Out::Stdout(o) => o.flush(),
            Out::File(f) => f.flush(),
        }
    }
}

/// `clean rules`: id, kind, source file:line and why of every loaded rule, rules turned
/// off marked; in text, then the configuration and the rule files in use.
fn list_rules(args: &RuleArgs, format: Format) -> Result<ExitCode> {
    let cfg = config::find(args)?;
    let rules = load_rules_with(args, &cfg, true)?;
    let off = disabled(args, &cfg);
    let is_off = |id: &str| off.contains(&id);
    let mut out = io::BufWriter::new(io::stdout().lock());
    if format == Format::Json {
        let list: Vec<_> = rules
            .rules()
            .iter()
            .map(|r| {
                serde_json::json!({
                    "id": r.id,
                    "kind": r.kind,
                    "source": format!("{}:{}", r.file, r.line),
                    "why": r.why,
                    "site": r.site.map(|s| rules.sites()[s].name.as_str()),
                    "disabled": is_off(&r.id),
                })
            })
            .collect();
        serde_json::to_writer(&mut out, &list)?;
        writeln!(out)?;
        out.flush()?;
        return Ok(ExitCode::SUCCESS);
    }
    let id_w = rules
        .rules()
        .iter()
        .map(|r| r.id.len())
        .max()
        .unwrap_or(2)
        .max(2);
    writeln!(out, "{:<id_w$}  {:<6}  {:<28}  WHY", "ID", "KIND", "SOURCE")?;
    for r in rules.rules() {
        let src = format!("{}:{}", r.file, r.line);
        let mark = if is_off(&r.id) { "(disabled) " } else { "" };
        writeln!(
            out,
            "{:<id_w$}  {:<6}  {:<28}  {mark}{}",
            r.id, r.kind, src, r.why
        )?;
    }
    let mut files: Vec<&str> = rules.rules().iter().map(|r| r.file.as_str()).collect();
    files.sort_unstable();
    files.dedup();
    let config = cfg
        .path
        .as_ref()
        .map_or("none".into(), |p| p.display().to_string());
    writeln!(out, "\nconfig: {config}\nrule files: {}", files.join(", "))?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// `clean rules --dump [FILE]`: an embedded rule file as it is (`rules/NAME.toml`,
/// `NAME.toml` or `NAME`), or with no name the list of them.
fn dump_rules(name: &str) -> Result<ExitCode> {
    let embedded = clean::embedded_sources();
    let mut out = io::stdout().lock();
    if name.is_empty() {
        for s in &embedded {
            writeln!(out, "{}", s.name)?;
        }
        out.flush()?;
        return Ok(ExitCode::SUCCESS);
    }
    let stem = |n: &str| {
        let n = n.strip_prefix("rules/").unwrap_or(n);
        n.strip_suffix(".toml").unwrap_or(n).to_owned()
    };
    match embedded.iter().find(|s| stem(&s.name) == stem(name)) {
        Some(s) => {
            out.write_all(s.text.as_bytes())?;
            out.flush()?;
            Ok(ExitCode::SUCCESS)
        }
        None => {
            let stems: Vec<String> = embedded.iter().map(|s| stem(&s.name)).collect();
            let hint = clean::rules::closest(&stem(name), stems.iter().map(String::as_str))
                .map(|c| format!(" (did you mean `rules/{c}.toml`?)"))
                .unwrap_or_default();
            anyhow::bail!(
                "--dump: no embedded rule file `{name}`{hint}; `clean rules --dump` lists them"
            )
        }
    }
}
