//! One function per mode, and the exit-code policy.
//!
//! Exit codes: 0 success; 2 an error (a bad rule file, an unreadable input). A broken
//! pipe (`clean big.txt | head -1`) ends quietly with 0, as in ripgrep.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::Parser;

use super::args::{Args, Cmd, FilterArgs, RuleArgs};
use super::input::{read_input, rule_set};
use clean::Page;

/// Run the binary; the only place that prints errors and picks the exit status.
pub fn main() -> ExitCode {
    let args = Args::parse();
    let result = match args.cmd {
        None => filter(args.filter),
        Some(Cmd::Rules { rules }) => list_rules(&rules),
        Some(Cmd::Suggest(a)) => super::suggest::run(a),
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

fn report(e: &anyhow::Error) {
    let _ = writeln!(io::stderr().lock(), "clean: {e:#}");
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}

/// The filter: clean each input in turn to stdout.
fn filter(args: FilterArgs) -> Result<ExitCode> {
    let rules = rule_set(&args.rules)?;
    let files = if args.files.is_empty() {
        vec![PathBuf::from("-")]
    } else {
        args.files
    };
    let stdout = io::stdout();
    let mut out = io::BufWriter::with_capacity(1 << 16, stdout.lock());
    let mut failed = 0usize;
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
        let page = Page::new(&bytes);
        buf.clear();
        rules
            .apply(&page, args.url.as_deref())
            .render_into(&page, &mut buf);
        out.write_all(&buf)?;
    }
    out.flush()?;
    Ok(if failed > 0 {
        ExitCode::from(2)
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
