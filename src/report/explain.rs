//! Every removal of one page, in page order: where, which rule, why, and what went.

use std::borrow::Cow;
use std::io::{self, Write};

use serde::Serialize;

use super::{truncate, Styles};
use crate::{Cause, Outcome, Page, Reason, RuleSet, SiteApplied};

/// Longest text line shown, in characters.
const MAX_CHARS: usize = 100;
/// Most lines shown per removal.
const MAX_LINES: usize = 4;

/// One removal or edit, as `--explain --format json` prints it (one JSON object a line).
#[derive(Debug, Serialize)]
pub struct Entry<'a> {
    /// The input's name.
    pub file: &'a str,
    /// First and last line, 1-based.
    pub lines: [usize; 2],
    /// Rule id (`layout` for layout normalisation); for `site`, the site's name.
    pub rule: &'a str,
    /// The rule's reason; for `site`, why the site's rules apply.
    pub why: Cow<'a, str>,
    /// `removed` (whole lines), `stripped` (spans inside a kept line), `backed-off`
    /// (a guard rule switched generic rules off for the page; `text` says how far), or
    /// `site` (a site file's rules apply: `why` says why, `text` is the detect line or the
    /// site's file).
    pub action: &'static str,
    /// The removed text, as UTF-8 (invalid bytes replaced).
    pub text: String,
}

/// The entries of one page, in page order: first the sites whose rules apply to it
/// (from [`RuleSet::sites_applied`]), then what was removed.
pub fn entries<'a>(
    file: &'a str,
    page: &Page<'_>,
    outcome: &Outcome,
    rules: &'a RuleSet,
    sites: &[SiteApplied],
) -> Vec<Entry<'a>> {
    entries_at(file, page, outcome, rules, sites, 0, &[])
}

/// [`entries`] of a page that starts at line `offset + 1` of its input (a piece of a page
/// cleaned in pieces), whose lines `kept` were written all the same (the blank line
/// between two pieces): they are not reported as removed.
pub fn entries_at<'a>(
    file: &'a str,
    page: &Page<'_>,
    outcome: &Outcome,
    rules: &'a RuleSet,
    sites: &[SiteApplied],
    offset: usize,
    kept: &[usize],
) -> Vec<Entry<'a>> {
    let mut v: Vec<(usize, Entry<'a>)> = Vec::new();
    let entry = |lines: [usize; 2], cause: Cause, action, text: &[u8]| Entry {
        file,
        lines,
        rule: rules.cause_id(cause),
        why: Cow::Borrowed(rules.cause_why(cause)),
        action,
        text: String::from_utf8_lossy(text).into_owned(),
    };
    let n = page.len().max(1);
    for a in sites {
        let site = &rules.sites()[a.site];
        let (lines, text) = match &a.reason {
            Reason::Detect { line, .. } => (
                [line + 1, line + 1],
                String::from_utf8_lossy(page.trimmed(*line)).into_owned(),
            ),
            Reason::Host { .. } => ([1, n], site.file.clone()),
        };
        v.push((
            0,
            Entry {
                file,
                lines,
                rule: &site.name,
                why: Cow::Owned(a.reason.to_string()),
                action: "site",
                text,
            },
        ));
    }
    if let Some(b) = outcome.backoff() {
        v.push((
            0,
            entry([1, n], b.guard, "backed-off", b.to_string().as_bytes()),
        ));
    }
    for r in outcome.removals() {
        // A removal less the lines kept all the same: the runs that are left of it.
        let mut from = r.lines.start;
        for to in r.lines.clone().chain([r.lines.end]) {
            if to < r.lines.end && !kept.contains(&to) {
                continue;
            }
            if from < to {
                let lines = page.lines();
                let text = &page.bytes()[lines[from].start..lines[to - 1].end];
                v.push((from, entry([from + 1, to], r.cause, "removed", text)));
            }
            from = to + 1;
        }
    }
    for e in outcome.edits() {
        for (range, cause) in &e.removed {
            let text = &page.bytes()[range.clone()];
            v.push((
                e.line,
                entry([e.line + 1, e.line + 1], *cause, "stripped", text),
            ));
        }
    }
    v.sort_by_key(|(line, _)| *line);
    v.into_iter()
        .map(|(_, mut e)| {
            e.lines = e.lines.map(|l| l + offset);
            e
        })
        .collect()
}

/// Write the entries of one page as text.
pub fn write_text(out: &mut impl Write, entries: &[Entry<'_>], st: &Styles) -> io::Result<()> {
    for e in entries {
        let lines = if e.lines[0] == e.lines[1] {
            e.lines[0].to_string()
        } else {
            format!("{}-{}", e.lines[0], e.lines[1])
        };
        let what = match e.action {
            "stripped" => " (span)",
            "backed-off" => " (backed off)",
            "site" => " (site rules apply)",
            _ => "",
        };
        writeln!(
            out,
            "{}{}:{}{}  {}{}  {}{}{}",
            st.header, e.file, lines, st.reset, e.rule, what, st.dim, e.why, st.reset
        )?;
        let text_lines: Vec<&str> = e.text.lines().collect();
        for l in text_lines.iter().take(MAX_LINES) {
            writeln!(
                out,
                "    {}| {}{}",
                st.removed,
                truncate(l.as_bytes(), MAX_CHARS),
                st.reset
            )?;
        }
        if text_lines.len() > MAX_LINES {
            writeln!(
                out,
                "    {}| … ({} more lines){}",
                st.dim,
                text_lines.len() - MAX_LINES,
                st.reset
            )?;
        }
    }
    Ok(())
}

/// Write the entries of one page as JSON Lines.
pub fn write_json(out: &mut impl Write, entries: &[Entry<'_>]) -> io::Result<()> {
    for e in entries {
        serde_json::to_writer(&mut *out, e)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}
