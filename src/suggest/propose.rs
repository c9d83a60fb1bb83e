//! Stage 3, propose: the classes become rules (`cut`, `block`, `drop`, `strip`) with ids
//! and a `why` each, and the site's `detect` patterns are chosen.

use std::collections::HashMap;

use super::classify::{Cand, Classes, Study};
use super::file::{matcher, quote, shape_regex, shown, slug, OutRule};
use super::verify;
use crate::rules::Kind;

/// The `max-gap` of a proposed block: one line (a headline) between continuing lines, as
/// [`Study`]'s block test simulates.
const BLOCK_MAX_GAP: i64 = 1;

/// The propose stage: a rule for every class, the most frequent first, with unique ids;
/// no examples yet.
pub(super) fn rules(s: &Study, classes: &Classes) -> Vec<OutRule> {
    let n = s.c.pages();
    let mut rules: Vec<OutRule> = Vec::new();
    for &(k, st) in &classes.cuts {
        let (ok, total) = s.cut_evidence(k).unwrap_or_default();
        let why = format!(
            "{} on {} of {n} pages starts the footer: in {ok} of {total} sampled pages only recurring lines and short list items follow it",
            shown(st),
            st.pages
        );
        rules.push(OutRule::on_line(Kind::Cut, st, why));
    }
    for (k, w) in &classes.blocks {
        let Some(st) = s.c.shapes.get(k) else {
            continue;
        };
        let mut while_ = Vec::new();
        let mut shapes_txt = Vec::new();
        for ws in w {
            let Some(ws) = s.c.shapes.get(ws) else {
                continue;
            };
            let (l, p) = matcher(ws);
            while_.extend(l.iter().map(|l| regex::escape(l)));
            while_.extend(p);
            shapes_txt.push(quote(&ws.examples[0]));
        }
        let why = format!(
            "{} on {} of {n} pages is followed by recurring lines ({}), at most one other line (a headline) between them",
            shown(st),
            st.pages,
            shapes_txt.join(", ")
        );
        rules.push(OutRule {
            while_,
            max_gap: Some(BLOCK_MAX_GAP),
            ..OutRule::on_line(Kind::Block, st, why)
        });
    }
    // Drops: everything else that recurs and is not (in `covered_percent` of its
    // occurrences) taken by the cuts and blocks above.
    let gone = verify::compile(&s.ns, &rules)
        .map(|rs| verify::removed_shares(s, &rs))
        .unwrap_or_default();
    for &(k, st) in &classes.lines {
        if gone
            .get(&k)
            .is_some_and(|&(g, t)| g * 100 >= t * s.opts.covered_percent)
        {
            continue;
        }
        let why = format!("{} on {} of {n} pages", shown(st), st.pages);
        rules.push(OutRule::on_line(Kind::Drop, st, why));
    }
    for &(_, st) in &classes.ends {
        let why = format!(
            "{} ends a longer line on {} of {n} pages",
            shown(st),
            st.pages
        );
        rules.push(OutRule {
            lines: Vec::new(),
            patterns: Vec::new(),
            spans: vec![shape_regex(&st.examples[0], &st.digits)],
            ..OutRule::on_line(Kind::Strip, st, why)
        });
    }
    rules.sort_by_key(|r| std::cmp::Reverse(r.pages));
    name(&s.ns, &mut rules);
    rules
}

/// Ids from the text, unique: `ns/slug`, then `ns/slug-2`, ...
fn name(ns: &str, rules: &mut [OutRule]) {
    let mut used: HashMap<String, usize> = HashMap::new();
    for r in rules {
        let base = slug(
            r.lines
                .first()
                .or(r.patterns.first())
                .or(r.spans.first())
                .map_or("", |s| s),
        );
        let base = format!("{ns}/{base}");
        let k = used.entry(base.clone()).or_default();
        *k += 1;
        r.id = if *k == 1 { base } else { format!("{base}-{k}") };
    }
}

/// The site's `detect` patterns, and the evidence for each (a header comment line).
pub(super) struct Detect {
    pub(super) patterns: Vec<String>,
    pub(super) why: Vec<String>,
}

/// Detect: lines on nearly every page first, then (greedily) lines that cover the sampled
/// pages the chosen ones miss, until `detect_percent` of them are covered (at most
/// `detect_max`). Only signatures ([`Study::signature`]) qualify.
pub(super) fn detect(s: &Study, lines: &[Cand]) -> Detect {
    let n = s.c.pages();
    let mut detect: Vec<String> = Vec::new();
    let mut detect_why: Vec<String> = Vec::new();
    let mut covered = vec![false; s.sample.len()];
    let mut pool: Vec<(u64, _, String)> = lines
        .iter()
        .filter_map(|&(k, st)| Some((k, st, s.signature(k, &st.examples[0])?)))
        .collect();
    let missing_allowed = 100usize.saturating_sub(s.opts.detect_percent);
    while detect.len() < s.opts.detect_max {
        let missing = covered.iter().filter(|c| !**c).count();
        if !s.sample.is_empty()
            && missing * 100 <= s.sample.len() * missing_allowed
            && !detect.is_empty()
        {
            break;
        }
        let gain = |k: u64| {
            s.sample
                .iter()
                .zip(&covered)
                .filter(|(lines, c)| !**c && lines.iter().any(|l| l.shape == k))
                .count()
        };
        // Most pages covered; among equals, literal lines before digit patterns.
        let Some((k, st, evidence)) = pool
            .iter()
            .min_by_key(|(k, st, _)| {
                (
                    std::cmp::Reverse(gain(*k)),
                    st.varies,
                    std::cmp::Reverse(st.pages),
                )
            })
            .cloned()
        else {
            break;
        };
        if gain(k) == 0 && !detect.is_empty() {
            break;
        }
        pool.retain(|(p, _, _)| *p != k);
        detect_why.push(format!(
            "# detect {}: on {} of {n} pages; {evidence}\n",
            shown(st),
            st.pages
        ));
        for (lines, c) in s.sample.iter().zip(covered.iter_mut()) {
            *c |= lines.iter().any(|l| l.shape == k);
        }
        let (l, p) = matcher(st);
        let body = l.first().map_or_else(|| p[0].clone(), |l| regex::escape(l));
        detect.push(format!(
            r"^[ \t\x{{A0}}\x{{FEFF}}]*{body}[ \t\x{{A0}}]*\r?$"
        ));
    }
    Detect {
        patterns: detect,
        why: detect_why,
    }
}
