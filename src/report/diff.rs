//! A unified diff of a page against its cleaned form, built from the removal record.
//!
//! Each hunk holds the changes of exactly one cause, and names it after the `@@ … @@`
//! ranges, where diff tools put a section heading and `patch` ignores the text: so every
//! removed or changed line has its rule id next to it, and `patch` applied to the
//! original gives exactly the cleaned output. Hunks never overlap: context lines shared
//! by two neighbouring hunks go to the first.

use std::io::{self, Write};

use super::Styles;
use crate::{Cause, Outcome, Page, RuleSet};

const CONTEXT: usize = 3;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Change {
    Keep,
    Remove(Cause),
    /// Kept with spans removed, or with a newline added at the end of the page.
    Edit(Cause),
}

/// Write the diff of one page. `name` labels the `---`/`+++` headers. Writes nothing when
/// cleaning changes nothing; returns whether anything was written.
pub fn write_diff(
    out: &mut impl Write,
    name: &str,
    page: &Page<'_>,
    outcome: &Outcome,
    rules: &RuleSet,
    st: &Styles,
) -> io::Result<bool> {
    let n = page.len();
    let last_kept = (0..n).rev().find(|&i| outcome.is_kept(i));
    let changes: Vec<Change> = (0..n)
        .map(|i| {
            if let Some(r) = outcome.removals().iter().find(|r| r.lines.contains(&i)) {
                Change::Remove(r.cause)
            } else if let Some(e) = outcome.edit_of(i) {
                Change::Edit(e.removed[0].1)
            } else if Some(i) == last_kept && page.terminator(i).is_empty() {
                Change::Edit(Cause::Layout)
            } else {
                Change::Keep
            }
        })
        .collect();
    if changes.iter().all(|c| *c == Change::Keep) {
        return Ok(false);
    }
    writeln!(out, "{}--- {name}\t(original){}", st.header, st.reset)?;
    writeln!(out, "{}+++ {name}\t(cleaned){}", st.header, st.reset)?;

    // new_index[i]: how many output lines precede old line i.
    let mut new_index = Vec::with_capacity(n + 1);
    let mut k = 0;
    for c in &changes {
        new_index.push(k);
        if !matches!(c, Change::Remove(_)) {
            k += 1;
        }
    }
    new_index.push(k);

    // Runs of changed lines with one cause; an edited line is a run of its own.
    let mut runs: Vec<(usize, usize, Cause)> = Vec::new();
    for (i, c) in changes.iter().enumerate() {
        match *c {
            Change::Keep => {}
            Change::Remove(cause) => match runs.last_mut() {
                Some((_, end, rc))
                    if *end == i && *rc == cause && !matches!(changes[i - 1], Change::Edit(_)) =>
                {
                    *end = i + 1
                }
                _ => runs.push((i, i + 1, cause)),
            },
            Change::Edit(cause) => runs.push((i, i + 1, cause)),
        }
    }

    // Context per hunk: up to CONTEXT kept lines, a gap between two runs shared out so
    // hunks never overlap, and the same on both sides of a hunk unless one side reaches
    // the file's start or end (patch anchors a hunk with uneven context to an end).
    let k = runs.len();
    let mut ctx = vec![(0usize, 0usize); k];
    for r in 0..k {
        let (start, end, _) = runs[r];
        let lead = if r == 0 {
            start.min(CONTEXT)
        } else {
            (start - runs[r - 1].1 - ctx[r - 1].1).min(CONTEXT)
        };
        let trail = if r + 1 < k {
            ((runs[r + 1].0 - end) / 2).min(CONTEXT)
        } else {
            (n - end).min(CONTEXT)
        };
        let at_start = r == 0 && start < CONTEXT;
        let at_end = r + 1 == k && n - end < CONTEXT;
        ctx[r] = if at_start || at_end {
            (lead, trail)
        } else {
            (lead.min(trail), lead.min(trail))
        };
    }
    for (r, &(start, end, cause)) in runs.iter().enumerate() {
        let lead = start - ctx[r].0;
        let trail = end + ctx[r].1;
        let old_len = trail - lead;
        let new_len = new_index[trail] - new_index[lead];
        let new_start = if new_len == 0 {
            new_index[lead]
        } else {
            new_index[lead] + 1
        };
        writeln!(
            out,
            "{}@@ -{} +{} @@{} {}{}{}",
            st.hunk,
            range(lead + 1, old_len),
            range(new_start, new_len),
            st.reset,
            st.dim,
            rules.cause_id(cause),
            st.reset
        )?;
        for (i, change) in changes.iter().enumerate().take(trail).skip(lead) {
            match change {
                Change::Keep => line(out, " ", page.raw(i), "", "")?,
                Change::Remove(_) => line(out, "-", page.raw(i), st.removed, st.reset)?,
                Change::Edit(_) => {
                    line(out, "-", page.raw(i), st.removed, st.reset)?;
                    let mut new = Vec::new();
                    edited(page, outcome, i, &mut new);
                    line(out, "+", &new, st.added, st.reset)?;
                }
            }
        }
    }
    Ok(true)
}

/// The output bytes of a kept line `i` (spans removed, newline added at the page end).
fn edited(page: &Page<'_>, outcome: &Outcome, i: usize, buf: &mut Vec<u8>) {
    let line = page.lines()[i];
    let bytes = page.bytes();
    let mut at = line.start;
    if let Some(e) = outcome.edit_of(i) {
        for (r, _) in &e.removed {
            buf.extend_from_slice(&bytes[at..r.start]);
            at = r.end;
        }
    }
    buf.extend_from_slice(&bytes[at..line.end]);
    if line.end == line.content_end {
        buf.extend_from_slice(page.newline());
    }
}

fn range(start: usize, len: usize) -> String {
    if len == 1 {
        start.to_string()
    } else {
        format!("{start},{len}")
    }
}

/// One diff line: marker, the line's bytes with its own terminator, and the
/// `\ No newline at end of file` marker when it has none.
fn line(out: &mut impl Write, mark: &str, raw: &[u8], on: &str, off: &str) -> io::Result<()> {
    let content = raw.strip_suffix(b"\n").unwrap_or(raw);
    write!(out, "{on}{mark}")?;
    out.write_all(content)?;
    write!(out, "{off}")?;
    if raw.ends_with(b"\n") {
        out.write_all(b"\n")
    } else {
        out.write_all(b"\n\\ No newline at end of file\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{load, Source};

    fn diff(rules: &str, input: &[u8]) -> String {
        let rs = load(&[Source::new("t.toml", rules)]).unwrap();
        let page = Page::new(input);
        let o = rs.apply(&page, None);
        let mut out = Vec::new();
        write_diff(&mut out, "p.txt", &page, &o, &rs, &Styles::PLAIN).unwrap();
        String::from_utf8(out).unwrap()
    }

    const DROP_AD: &str =
        "[[rule]]\nid = \"t/ad\"\nwhy = \"w\"\nkind = \"drop\"\nlines = [\"Ad\"]\n";

    #[test]
    fn unchanged_page_has_no_diff() {
        assert_eq!(diff(DROP_AD, b"a\nb\n"), "");
    }

    #[test]
    fn one_hunk_per_cause_with_ids() {
        let got = diff(DROP_AD, b"a\n\n\nAd\nb\nc\nd\ne\nf\ng\nAd\nh");
        assert_eq!(
            got,
            "--- p.txt\t(original)\n+++ p.txt\t(cleaned)\n\
             @@ -1,3 +1,2 @@ layout\n a\n \n-\n\
             @@ -4 +2,0 @@ t/ad\n-Ad\n\
             @@ -11 +8,0 @@ t/ad\n-Ad\n\
             @@ -12 +9 @@ layout\n-h\n\\ No newline at end of file\n+h\n"
        );
    }
}
