//! `clean eval`: score cleaned pages against gold texts with the token measure of the
//! evaluation set's `score.py` (macro P/R/F1 over pages), so users can measure their
//! rules on their own hand-cleaned samples.

use std::fs;
use std::io::{self, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};

use super::args::{EvalArgs, Format};
use super::diag;
use super::input::rule_set;
use super::parallel::{default_jobs, ordered_map};
use clean::eval::{macro_mean, score, PageScore};

fn files(dir: &Path) -> Result<Vec<String>> {
    let mut names = Vec::new();
    for e in fs::read_dir(dir).with_context(|| dir.display().to_string())? {
        let e = e.with_context(|| dir.display().to_string())?;
        if e.file_type()?.is_file() {
            names.push(e.file_name().to_string_lossy().into_owned());
        }
    }
    names.sort();
    Ok(names)
}

/// Run `clean eval`.
pub fn run(a: EvalArgs) -> Result<ExitCode> {
    let names = files(&a.gold)?;
    if names.is_empty() {
        bail!("{}: no gold files", a.gold.display());
    }
    let preds: std::collections::HashSet<String> = files(&a.dir)?.into_iter().collect();
    let missing: Vec<String> = names
        .iter()
        .filter(|n| !preds.contains(*n))
        .cloned()
        .collect();
    let rules = if a.raw {
        Some(rule_set(&a.rules)?)
    } else {
        None
    };
    let mut scores: Vec<(String, PageScore, bool)> = Vec::with_capacity(names.len());
    let work = |name: String| -> Result<(String, PageScore, bool)> {
        let gold = fs::read(a.gold.join(&name)).with_context(|| name.clone())?;
        let pred = if preds.contains(&name) {
            let path = a.dir.join(&name);
            let bytes = fs::read(&path).with_context(|| path.display().to_string())?;
            match &rules {
                Some(r) => r.clean(&bytes, None),
                None => bytes,
            }
        } else {
            Vec::new()
        };
        let pred = String::from_utf8_lossy(&pred);
        let empty = pred.trim().is_empty();
        Ok((name, score(&pred, &String::from_utf8_lossy(&gold)), empty))
    };
    ordered_map(
        default_jobs(),
        usize::MAX,
        |_| 0,
        names.into_iter(),
        work,
        |r| -> Result<()> {
            scores.push(r?);
            Ok(())
        },
    )?;

    let pages: Vec<PageScore> = scores.iter().map(|(_, s, _)| s.clone()).collect();
    let (tok, lines) = macro_mean(&pages);
    let empty = scores.iter().filter(|(_, _, e)| *e).count();
    let mut out = io::BufWriter::new(io::stdout().lock());
    if !missing.is_empty() {
        diag::warn(format_args!(
            "warning: {} gold pages have no prediction (scored as empty): {}",
            missing.len(),
            missing
                .iter()
                .take(5)
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    match a.format {
        Format::Json => {
            let per_doc: Vec<serde_json::Value> = scores
                .iter()
                .map(|(n, s, _)| {
                    serde_json::json!({
                        "name": n, "p": s.tokens.p, "r": s.tokens.r, "f1": s.tokens.f1,
                        "pred_tokens": s.pred_tokens, "gold_tokens": s.gold_tokens,
                        "line_f1": s.lines.f1,
                    })
                })
                .collect();
            let v = serde_json::json!({
                "documents": scores.len(),
                "missing_predictions": missing.len(),
                "empty_predictions": empty,
                "tokens": tok,
                "lines": lines,
                "per_doc": per_doc,
            });
            serde_json::to_writer_pretty(&mut out, &v)?;
            writeln!(out)?;
        }
        Format::Text => {
            writeln!(
                out,
                "documents: {} (missing predictions: {}, empty predictions: {})",
                scores.len(),
                missing.len(),
                empty
            )?;
            writeln!(
                out,
                "{:<9} {:>9} {:>7} {:>7}",
                "view", "precision", "recall", "F1"
            )?;
            for (view, m) in [("tokens", tok), ("lines", lines)] {
                writeln!(out, "{view:<9} {:>9.3} {:>7.3} {:>7.3}", m.p, m.r, m.f1)?;
            }
            if a.per_doc {
                writeln!(
                    out,
                    "\n{:<28} {:>6} {:>6} {:>6} {:>8} {:>8} {:>7}",
                    "document", "P", "R", "F1", "pred_tok", "gold_tok", "line_F1"
                )?;
                let mut order: Vec<&(String, PageScore, bool)> = scores.iter().collect();
                order.sort_by(|x, y| {
                    x.1.tokens
                        .f1
                        .total_cmp(&y.1.tokens.f1)
                        .then_with(|| x.0.cmp(&y.0))
                });
                for (n, s, _) in order {
                    writeln!(
                        out,
                        "{:<28} {:>6.3} {:>6.3} {:>6.3} {:>8} {:>8} {:>7.3}",
                        n,
                        s.tokens.p,
                        s.tokens.r,
                        s.tokens.f1,
                        s.pred_tokens,
                        s.gold_tokens,
                        s.lines.f1
                    )?;
                }
            }
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
