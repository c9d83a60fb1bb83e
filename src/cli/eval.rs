//! `clean eval`: the loaded rules scored on evaluation sets, or a folder of cleaned pages
//! scored against gold texts, with the measure of the evaluation set's `score.py`
//! ([`clean::eval`]).
//!
//! An evaluation set is a folder with `input/` (raw pages) and `gold/` (their hand-cleaned
//! texts, same file names). Each page is cleaned as `clean < page` cleans it (no URL, a
//! page over the page cap in pieces) and scored, and scored again as it is (the identity);
//! one row per set, then the mean over sets and the harm rate, as `score_sets.py` prints
//! them. Warnings (a page without its pair, an argument that is not a folder) go through
//! [`diag`].

use std::collections::HashSet;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};

use super::args::{EvalArgs, Format, RuleArgs, DEFAULT_MAX_PAGE_BYTES};
use super::compress::read_input;
use super::config;
use super::diag;
use super::input::load_rules;
use super::parallel::{default_jobs, ordered_map};
use super::stream::clean_input;
use clean::eval::{macro_mean, score, summarize, PageScore, SetScore, Summary};
use clean::RuleSet;

/// Run `clean eval`.
pub fn run(a: EvalArgs) -> Result<ExitCode> {
    match &a.gold {
        Some(gold) => match a.dirs.as_slice() {
            [dir] => predictions(&a, gold, dir),
            _ => bail!(
                "with --gold, give one PRED_DIR (the folder of predictions), not {} folders; evaluation sets go without --gold",
                a.dirs.len()
            ),
        },
        None => sets(&a),
    }
}

/// The rules and the page cap: a page cleaned here is what the filter prints for it.
struct Cleaner {
    rules: RuleSet,
    cap: usize,
}

impl Cleaner {
    fn load(args: &RuleArgs) -> Result<Self> {
        let cfg = config::find(args)?;
        Ok(Cleaner {
            rules: load_rules(args, &cfg)?,
            cap: cfg.max_page_bytes.unwrap_or(DEFAULT_MAX_PAGE_BYTES),
        })
    }

    /// What `clean < page` prints for this (decompressed) page.
    fn clean(&self, page: &[u8]) -> io::Result<Vec<u8>> {
        clean_input(&self.rules, None, page, self.cap)
    }
}

/// The file names in a folder, sorted (sub-folders are not pages).
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

/// The pages of a gold folder, and which of them `other` has a file for.
struct Pairs {
    /// Gold file names, sorted: the pages scored.
    names: Vec<String>,
    /// The names `other` has too.
    present: HashSet<String>,
}

/// Match `gold`'s files with `other`'s by name. A gold page with no partner is scored as
/// empty, a file of `other` with no gold is not scored: both are warned about, naming
/// `what` the partners are.
fn pair(gold: &Path, other: &Path, what: &str) -> Result<Pairs> {
    let names = files(gold)?;
    if names.is_empty() {
        bail!("{}: no gold files", gold.display());
    }
    let others = files(other)?;
    let golds: HashSet<&String> = names.iter().collect();
    let present: HashSet<String> = others
        .iter()
        .filter(|n| golds.contains(n))
        .cloned()
        .collect();
    let missing: Vec<&String> = names.iter().filter(|n| !present.contains(*n)).collect();
    let (n, dir) = (names.len(), gold.display());
    warn_names(
        other,
        &format!("of {n} gold pages have no {what} (scored as empty)"),
        &missing,
    );
    let extra: Vec<&String> = others.iter().filter(|n| !golds.contains(n)).collect();
    warn_names(
        other,
        &format!("files have no gold text in {dir} (not scored)"),
        &extra,
    );
    Ok(Pairs { names, present })
}

/// Warn, unless `names` is empty, `{dir}: {count} {what}: ` and the first few names (and
/// how many more there are).
fn warn_names(dir: &Path, what: &str, names: &[&String]) {
    const SHOWN: usize = 5;
    if names.is_empty() {
        return;
    }
    let mut list = names
        .iter()
        .take(SHOWN)
        .map(|n| n.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > SHOWN {
        list.push_str(&format!(" and {} more", names.len() - SHOWN));
    }
    diag::warn(format_args!(
        "warning: {}: {} {what}: {list}",
        dir.display(),
        names.len()
    ));
}

/// A file's bytes as text, invalid UTF-8 replaced (as `score.py` reads a file).
fn read_text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// One evaluation set given on the command line.
struct Set {
    name: String,
    dir: PathBuf,
    pairs: Pairs,
}

/// A set's name: its folder's (`eval/dev-shapes/w3m/` is `w3m`).
fn set_name(dir: &Path) -> String {
    dir.file_name()
        .map(|n| n.to_owned())
        .or_else(|| {
            fs::canonicalize(dir)
                .ok()?
                .file_name()
                .map(|n| n.to_owned())
        })
        .map_or_else(
            || dir.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        )
}

/// Check an argument is an evaluation set and pair its pages; `None` for a file (a
/// README among `sets/*`), which is skipped with a warning.
fn open_set(dir: &Path) -> Result<Option<Set>> {
    let meta = fs::metadata(dir).with_context(|| dir.display().to_string())?;
    if !meta.is_dir() {
        diag::warn(format_args!(
            "warning: {}: not a folder, skipped (an evaluation set is a folder with input/ and gold/)",
            dir.display()
        ));
        return Ok(None);
    }
    let (input, gold) = (dir.join("input"), dir.join("gold"));
    let lacks: Vec<&str> = [("input/", &input), ("gold/", &gold)]
        .into_iter()
        .filter(|(_, p)| !p.is_dir())
        .map(|(n, _)| n)
        .collect();
    if !lacks.is_empty() {
        bail!(
            "{}: not an evaluation set: no {} in it (a set holds input/, the raw pages, and gold/, their hand-cleaned texts under the same file names)",
            dir.display(),
            lacks.join(" and ")
        );
    }
    let pairs = pair(&gold, &input, "input page")?;
    Ok(Some(Set {
        name: set_name(dir),
        dir: dir.to_owned(),
        pairs,
    }))
}

/// One page of a set: its name, then its scores cleaned and as it is.
type Scored = (String, PageScore, PageScore);

/// `clean eval SET_DIR...`: every page of every set cleaned and scored in parallel, one
/// row per set, then the summary.
fn sets(a: &EvalArgs) -> Result<ExitCode> {
    let mut sets = Vec::new();
    for dir in &a.dirs {
        sets.extend(open_set(dir)?);
    }
    if sets.is_empty() {
        bail!("no evaluation set among the arguments (folders with input/ and gold/)");
    }
    let cleaner = Cleaner::load(&a.rules)?;
    let items = sets
        .iter()
        .enumerate()
        .flat_map(|(s, set)| set.pairs.names.iter().map(move |n| (s, n)));
    let work = |(s, name): (usize, &String)| -> Result<(usize, Scored)> {
        let set: &Set = &sets[s];
        let gold_path = set.dir.join("gold").join(name);
        let gold = fs::read(&gold_path).with_context(|| gold_path.display().to_string())?;
        let gold = read_text(&gold);
        let (cleaned, raw) = if set.pairs.present.contains(name) {
            let path = set.dir.join("input").join(name);
            let raw = read_input(&path)?;
            let cleaned = cleaner
                .clean(&raw)
                .with_context(|| path.display().to_string())?;
            (cleaned, raw)
        } else {
            (Vec::new(), Vec::new())
        };
        let cleaned = score(&read_text(&cleaned), &gold);
        let identity = score(&read_text(&raw), &gold);
        Ok((s, (name.clone(), cleaned, identity)))
    };
    let mut pages: Vec<Vec<Scored>> = sets.iter().map(|_| Vec::new()).collect();
    ordered_map(
        default_jobs(),
        usize::MAX,
        |_| 0,
        items,
        work,
        |r| -> Result<()> {
            let (s, page) = r?;
            pages[s].push(page);
            Ok(())
        },
    )?;

    let scores: Vec<SetScore> = sets
        .iter()
        .zip(&pages)
        .map(|(set, p)| {
            let pairs: Vec<(PageScore, PageScore)> =
                p.iter().map(|(_, c, i)| (c.clone(), i.clone())).collect();
            SetScore::new(set.name.clone(), &pairs)
        })
        .collect();
    let summary = summarize(&scores);
    let per_doc = a.per_doc.then(|| worst_first(&sets, &pages));
    let mut out = io::BufWriter::new(io::stdout().lock());
    match a.format {
        Format::Json => {
            #[derive(serde::Serialize)]
            struct Report<'a> {
                sets: &'a [SetScore],
                #[serde(flatten)]
                summary: &'a Summary,
                #[serde(skip_serializing_if = "Option::is_none")]
                per_doc: Option<Vec<PageRow<'a>>>,
            }
            let report = Report {
                sets: &scores,
                summary: &summary,
                per_doc,
            };
            serde_json::to_writer_pretty(&mut out, &report)?;
            writeln!(out)?;
        }
        Format::Text => {
            write_sets(&mut out, &scores, &summary)?;
            if let Some(rows) = per_doc {
                writeln!(out)?;
                write_pages(&mut out, &rows)?;
            }
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// One page under `--per-doc`.
#[derive(serde::Serialize)]
struct PageRow<'a> {
    set: &'a str,
    name: &'a str,
    f1: f64,
    identity_f1: f64,
    /// `f1 - identity_f1`: below 0, cleaning lost tokens of the gold.
    delta: f64,
}

/// Every page of every set, the most harmed first (lowest F1 minus identity F1), then
/// in set and page order.
fn worst_first<'a>(sets: &'a [Set], pages: &'a [Vec<Scored>]) -> Vec<PageRow<'a>> {
    let mut rows: Vec<(usize, PageRow)> = sets
        .iter()
        .zip(pages)
        .enumerate()
        .flat_map(|(s, (set, p))| {
            p.iter().map(move |(name, c, i)| {
                let (f1, identity_f1) = (c.tokens.f1, i.tokens.f1);
                (
                    s,
                    PageRow {
                        set: &set.name,
                        name,
                        f1,
                        identity_f1,
                        delta: f1 - identity_f1,
                    },
                )
            })
        })
        .collect();
    rows.sort_by(|(sx, x), (sy, y)| {
        x.delta
            .total_cmp(&y.delta)
            .then(sx.cmp(sy))
            .then_with(|| x.name.cmp(y.name))
    });
    rows.into_iter().map(|(_, r)| r).collect()
}

/// The table of sets and the summary line.
fn write_sets(out: &mut impl Write, sets: &[SetScore], s: &Summary) -> io::Result<()> {
    let w = sets.iter().map(|s| s.set.len()).max().unwrap_or(0).max(3);
    writeln!(
        out,
        "{:<w$}  {:>5}  {:>5}  {:>5}  {:>5}  {:>8}  {:>6}",
        "set", "pages", "P", "R", "F1", "identity", "harmed"
    )?;
    for r in sets {
        writeln!(
            out,
            "{:<w$}  {:>5}  {:>5.3}  {:>5.3}  {:>5.3}  {:>8.3}  {:>6}",
            r.set, r.pages, r.p, r.r, r.f1, r.identity_f1, r.harmed
        )?;
    }
    let below = if s.below_identity.is_empty() {
        "none".to_owned()
    } else {
        s.below_identity.join(",")
    };
    writeln!(
        out,
        "mean F1 {:.3}, min {:.3}, sets below identity: {below}, harm rate {:.1}% ({} of {} pages)",
        s.mean_f1,
        s.min_f1,
        100.0 * s.harm_rate,
        s.harmed,
        s.pages
    )
}

/// The `--per-doc` table of a run over sets.
fn write_pages(out: &mut impl Write, rows: &[PageRow]) -> io::Result<()> {
    let sw = rows.iter().map(|r| r.set.len()).max().unwrap_or(0).max(3);
    let nw = rows.iter().map(|r| r.name.len()).max().unwrap_or(0).max(4);
    writeln!(
        out,
        "{:<sw$}  {:<nw$}  {:>5}  {:>8}  {:>6}",
        "set", "page", "F1", "identity", "delta"
    )?;
    for r in rows {
        writeln!(
            out,
            "{:<sw$}  {:<nw$}  {:>5.3}  {:>8.3}  {:>+6.3}",
            r.set, r.name, r.f1, r.identity_f1, r.delta
        )?;
    }
    Ok(())
}

/// `clean eval --gold DIR PRED_DIR [--raw]`: one folder of predictions (or, with --raw,
/// of raw pages cleaned first) against one folder of gold texts.
fn predictions(a: &EvalArgs, gold: &Path, dir: &Path) -> Result<ExitCode> {
    let Pairs { names, present } = pair(gold, dir, "prediction")?;
    let missing = names.len() - present.len();
    let cleaner = if a.raw {
        Some(Cleaner::load(&a.rules)?)
    } else {
        None
    };
    let mut scores: Vec<(String, PageScore, bool)> = Vec::with_capacity(names.len());
    let work = |name: String| -> Result<(String, PageScore, bool)> {
        let gold_path = gold.join(&name);
        let gold = fs::read(&gold_path).with_context(|| gold_path.display().to_string())?;
        let pred = if present.contains(&name) {
            let path = dir.join(&name);
            match &cleaner {
                Some(c) => c
                    .clean(&read_input(&path)?)
                    .with_context(|| path.display().to_string())?,
                None => fs::read(&path).with_context(|| path.display().to_string())?,
            }
        } else {
            Vec::new()
        };
        let pred = read_text(&pred);
        let empty = pred.trim().is_empty();
        Ok((name, score(&pred, &read_text(&gold)), empty))
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
                "missing_predictions": missing,
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
                missing,
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
