//! One function per mode, and the exit-code policy.
//!
//! Exit codes: 0 success; 2 an error (a bad rule file, an unreadable input). A broken
//! pipe (`clean big.txt | head -1`) ends quietly with 0, as in ripgrep.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::Parser;

use super::args::{Args, Cmd, ColorChoice, FilterArgs, Format, RuleArgs};
use super::input::{read_input, rule_set};
use clean::report::{diff, explain, stats::Stats, Styles};
use clean::Page;

/// Run the binary; the only place that prints errors and picks the exit status.
pub fn main() -> ExitCode {
    let args = Args::parse();
    let result = match args.cmd {
        None => filter(args.filter),
        Some(Cmd::Rules { rules }) => list_rules(&rules),
        Some(Cmd::Test {
            paths,
            update,
            rules,
        }) => super::verify::run(&paths, update, &rules),
    };
    match result {
        Ok(code) => code,
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            report(&e);
            ExitCode::from(2)
        }
    }
}

pub fn report(e: &anyhow::Error) {
    let _ = writeln!(io::stderr().lock(), "clean: {e:#}");
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}

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

/// The filter and its review modes: clean each input in turn, and write the cleaned text,
/// its diff, its removals, or (at the end) the counts.
fn filter(args: FilterArgs) -> Result<ExitCode> {
    use std::io::IsTerminal;
    let rules = rule_set(&args.rules)?;
    let files = if args.files.is_empty() {
        vec![PathBuf::from("-")]
    } else {
        args.files
    };
    let stdout = io::stdout();
    let st = styles(args.color, stdout.is_terminal());
    let mut out = io::BufWriter::with_capacity(1 << 16, stdout.lock());
    let mut failed = 0usize;
    let mut changed = false;
    let mut stats = Stats::new(&rules);
    let mut buf = Vec::new();
    for path in &files {
        let bytes = match read_input(path) {
            Ok(b) => b,
            Err(e) => {
                out.flush()?;
                report(&e);
                failed += 1;
                continue;
            }
        };
        let name = if path.as_os_str() == "-" {
            "<stdin>".into()
        } else {
            path.display().to_string()
        };
        let page = Page::new(&bytes);
        let outcome = rules.apply(&page, args.url.as_deref());
        if args.diff {
            changed |= diff::write_diff(&mut out, &name, &page, &outcome, &rules, &st)?;
        } else if args.explain {
            let entries = explain::entries(&name, &page, &outcome, &rules);
            match args.format {
                Format::Text => explain::write_text(&mut out, &entries, &st)?,
                Format::Json => explain::write_json(&mut out, &entries)?,
            }
        } else {
            buf.clear();
            outcome.render_into(&page, &mut buf);
            if args.stats {
                stats.add(&page, &outcome, buf.len());
            } else {
                out.write_all(&buf)?;
            }
        }
    }
    if args.stats {
        match args.format {
            Format::Text => stats.write_text(&mut out, &rules)?,
            Format::Json => stats.write_json(&mut out, &rules)?,
        }
    }
    out.flush()?;
    Ok(if failed > 0 {
        ExitCode::from(2)
    } else if changed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// `clean rules`: id, kind, source file:line and why of every loaded rule.
fn list_rules(args: &RuleArgs) -> Result<ExitCode> {
    let rules = rule_set(args)?;
    let mut out = io::BufWriter::new(io::stdout().lock());
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
        writeln!(
            out,
            "{:<id_w$}  {:<6}  {:<28}  {}",
            r.id, r.kind, src, r.why
        )?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
