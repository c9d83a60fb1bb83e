//! `clean test`: sample pages against their recorded expectations, plus every rule's
//! examples. What users put in CI to keep their rules honest.

use std::fs;
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use similar::TextDiff;

use super::args::{parse_url, ColorChoice, Format, RuleArgs};
use super::input::rule_set;
use super::output::write_atomic;
use super::review::styles;

/// A file name's bytes (names are bytes: `p\xff.txt` and `p\xfe.txt` are two samples).
fn name_bytes(p: &Path) -> &[u8] {
    p.file_name().map_or(&[], |n| n.as_encoded_bytes())
}

/// Expectations are `*.clean.txt` files.
fn is_expectation(p: &Path) -> bool {
    name_bytes(p).ends_with(b".clean.txt")
}

/// Samples are `*.txt` files that are not themselves expectations (`*.clean.txt`).
fn is_sample(p: &Path) -> bool {
    name_bytes(p).ends_with(b".txt") && !is_expectation(p)
}

/// `NAME{suffix}` beside `NAME.txt`, built from the name's bytes (never a lossy copy).
fn beside(sample: &Path, suffix: &str) -> PathBuf {
    // `file_stem` drops the last extension only: `a.b.txt` → `a.b`.
    let mut name = sample
        .file_stem()
        .expect("a sample has a file name")
        .to_os_string();
    name.push(suffix);
    sample.with_file_name(name)
}

/// `NAME.clean.txt`: the sample's expected output.
fn expectation(sample: &Path) -> PathBuf {
    beside(sample, ".clean.txt")
}

/// `NAME.url`: the sample page's URL, so host-scoped rules are tested (the sample's own
/// bytes stay as they were scraped).
fn url_file(sample: &Path) -> PathBuf {
    beside(sample, ".url")
}

/// The URL a sample is cleaned as: its `NAME.url` side file (one URL on its first line;
/// blank lines and lines starting with `#` skipped), else `default` (`clean test --url`).
fn sample_url(sample: &Path, default: Option<&str>) -> Result<Option<String>> {
    let path = url_file(sample);
    let text = match fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(default.map(str::to_owned)),
        Err(e) => return Err(e).with_context(|| path.display().to_string()),
    };
    let Some((n, line)) = text
        .lines()
        .map(str::trim)
        .enumerate()
        .find(|(_, l)| !l.is_empty() && !l.starts_with('#'))
    else {
        anyhow::bail!("{}: no URL in the file", path.display());
    };
    parse_url(line)
        .map(Some)
        .map_err(|e| anyhow::anyhow!("{}:{}: {e}", path.display(), n + 1))
}

/// Samples under `p`, and the expectations found beside them (to find those whose sample
/// is gone).
fn collect(p: &Path, out: &mut Vec<PathBuf>, expectations: &mut Vec<PathBuf>) -> Result<()> {
    let meta = fs::metadata(p).with_context(|| p.display().to_string())?;
    if meta.is_dir() {
        for e in fs::read_dir(p).with_context(|| p.display().to_string())? {
            let path = e.with_context(|| p.display().to_string())?.path();
            if path.is_dir() || is_sample(&path) {
                collect(&path, out, expectations)?;
            } else if is_expectation(&path) {
                expectations.push(path);
            }
        }
    } else {
        out.push(p.to_owned());
    }
    Ok(())
}

/// One JSON Lines record of `clean test --format json`.
fn json_line(out: &mut impl Write, v: serde_json::Value) -> Result<()> {
    serde_json::to_writer(&mut *out, &v)?;
    writeln!(out)?;
    Ok(())
}

/// Run the samples under `paths` (each cleaned as the URL of its `NAME.url` side file, else
/// as `url` when given) and the rules' examples;
/// with `update`, record new and changed expectations instead of failing on them. `format`
/// picks text for people or JSON Lines: one object per sample and per example, then a
/// summary.
pub fn run(
    paths: &[PathBuf],
    update: bool,
    url: Option<&str>,
    format: Format,
    rule_args: &RuleArgs,
) -> Result<ExitCode> {
    let json = format == Format::Json;
    let rules = rule_set(rule_args)?;
    // Samples are cleaned as the filter cleans them: a page over the cap in pieces.
    let cap = super::config::find(rule_args)?
        .max_page_bytes
        .unwrap_or(super::args::DEFAULT_MAX_PAGE_BYTES);
    let (mut samples, mut expectations) = (Vec::new(), Vec::new());
    for p in paths {
        collect(p, &mut samples, &mut expectations)?;
    }
    samples.sort();
    samples.dedup();
    expectations.sort();
    expectations.dedup();
    let wanted: std::collections::HashSet<PathBuf> =
        samples.iter().map(|s| expectation(s)).collect();
    let orphans: Vec<&PathBuf> = expectations
        .iter()
        .filter(|e| !wanted.contains(*e))
        .collect();
    let stdout = io::stdout();
    let st = styles(ColorChoice::Auto, stdout.is_terminal());
    let mut out = io::BufWriter::new(stdout.lock());
    let (mut passed, mut failed, mut new, mut written) = (0, 0, 0, 0);
    for sample in &samples {
        let url = sample_url(sample, url)?;
        let got = fs::File::open(sample)
            .and_then(|f| {
                super::stream::clean_input(&rules, url.as_deref(), io::BufReader::new(f), cap)
            })
            .with_context(|| sample.display().to_string())?;
        let exp_path = expectation(sample);
        let expected = match fs::read(&exp_path) {
            Ok(b) => Some(b),
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => return Err(e).with_context(|| exp_path.display().to_string()),
        };
        if json {
            let status = match &expected {
                Some(exp) if *exp == got => "ok",
                Some(_) if update => "updated",
                Some(_) => "failed",
                None if update => "recorded",
                None => "new",
            };
            match status {
                "ok" => passed += 1,
                "failed" => failed += 1,
                "new" => new += 1,
                _ => {
                    write_atomic(&exp_path, &got)?;
                    written += 1;
                }
            }
            json_line(
                &mut out,
                serde_json::json!({
                    "type": "sample",
                    "path": sample.display().to_string(),
                    "expected": exp_path.display().to_string(),
                    "status": status,
                }),
            )?;
            continue;
        }
        match expected {
            Some(exp) if exp == got => {
                passed += 1;
                writeln!(out, "{}ok{}      {}", st.added, st.reset, sample.display())?;
            }
            Some(exp) => {
                if update {
                    write_atomic(&exp_path, &got)?;
                    written += 1;
                    writeln!(out, "updated {}", exp_path.display())?;
                } else {
                    failed += 1;
                    writeln!(
                        out,
                        "{}FAILED{}  {}",
                        st.removed,
                        st.reset,
                        sample.display()
                    )?;
                    let (exp_s, got_s) =
                        (String::from_utf8_lossy(&exp), String::from_utf8_lossy(&got));
                    let d = TextDiff::from_lines(exp_s.as_ref(), got_s.as_ref());
                    let header_a = format!("{} (expected)", exp_path.display());
                    let header_b = format!("{} (cleaned now)", sample.display());
                    write!(
                        out,
                        "{}",
                        d.unified_diff()
                            .context_radius(2)
                            .header(&header_a, &header_b)
                    )?;
                }
            }
            None => {
                if update {
                    write_atomic(&exp_path, &got)?;
                    written += 1;
                    writeln!(out, "recorded {}", exp_path.display())?;
                } else {
                    new += 1;
                    writeln!(
                        out,
                        "{}NEW{}     {} (no {}; review its output, then run with --update)",
                        st.removed,
                        st.reset,
                        sample.display(),
                        exp_path.display()
                    )?;
                }
            }
        }
    }
    // An expectation without its sample guards nothing: the sample was renamed or lost.
    for e in &orphans {
        if json {
            json_line(
                &mut out,
                serde_json::json!({"type": "orphan", "expected": e.display().to_string()}),
            )?;
            continue;
        }
        writeln!(
            out,
            "{}ORPHAN{}  {} (its sample is missing: restore it, or delete this file)",
            st.removed,
            st.reset,
            e.display()
        )?;
    }
    if samples.is_empty() && !json {
        writeln!(
            out,
            "{}FAILED{}  no samples (*.txt) under {}",
            st.removed,
            st.reset,
            paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )?;
    }
    let results = rules.example_results();
    let examples = results.len();
    if json {
        for r in &results {
            let mut v = serde_json::json!({
                "type": "example",
                "rule": rules.rules()[r.rule].id,
                "at": r.pos.to_string(),
                "status": r.failure.as_ref().map_or("ok", |f| f.status),
            });
            if let Some(f) = &r.failure {
                v["expected"] = f.expected.clone().into();
                v["actual"] = f.actual.clone().into();
            }
            json_line(&mut out, v)?;
        }
    }
    let ex_failures: Vec<_> = results.into_iter().filter_map(|r| r.failure).collect();
    let ex_passed = examples - ex_failures.len();
    let all_failed =
        failed + new + orphans.len() + usize::from(samples.is_empty()) + ex_failures.len();
    if json {
        json_line(
            &mut out,
            serde_json::json!({
                "type": "summary",
                "samples": {
                    "passed": passed, "failed": failed, "new": new, "written": written,
                    "orphaned": orphans.len(),
                },
                "examples": {"passed": ex_passed, "failed": ex_failures.len()},
                "passed": passed + ex_passed,
                "failed": all_failed,
            }),
        )?;
    }
    for f in ex_failures.iter().filter(|_| !json) {
        writeln!(
            out,
            "{}FAILED{}  example at {} of rule {} ({}):\n  expected {:?}\n  got      {:?}",
            st.removed, st.reset, f.pos, f.rule, f.status, f.expected, f.actual
        )?;
    }
    if !json {
        writeln!(
        out,
        "samples: {passed} passed, {failed} failed, {new} new{}{}; examples: {ex_passed} passed, {} failed",
        if update { format!(", {written} written") } else { String::new() },
        if orphans.is_empty() { String::new() } else { format!(", {} orphaned", orphans.len()) },
        ex_failures.len()
    )?;
        writeln!(
            out,
            "clean-test: {} passed, {} failed",
            passed + ex_passed,
            all_failed
        )?;
    }
    out.flush()?;
    Ok(if all_failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
