//! The one place that builds regexes: rule specs in, a compiled [`RuleSet`] out.
//!
//! Every pattern is compiled alone first, with an explicit size limit, so an error names
//! its rule and file:line:col. Then the whole-line triggers of all rules are merged into
//! one [`LineMatcher`] (a hash set for literal lines, one combined regex for a fast "no"
//! and a `RegexSet` to say which rules said "yes"), and the span patterns into one
//! [`SpanMatcher`].

use std::collections::HashMap;

use regex::bytes::{Regex, RegexBuilder, RegexSet, RegexSetBuilder};

use super::{BlockParams, RegionParams, RepeatParams, RuleInfo, RuleSet, Site, Step};
use crate::rules::{check_unique_ids, FileSpec, KindSpec, LoadError, PatternSpec, RuleSpec};

/// Size limit for one compiled pattern (bytes of compiled program).
pub const REGEX_SIZE_LIMIT: usize = 2 << 20;
/// Size limit for the combined matchers built from all patterns.
const COMBINED_SIZE_LIMIT: usize = 512 << 20;
/// Lazy-DFA cache of the combined line matchers, per thread. The default (2 MiB) is too
/// small for a large rule set with Unicode classes: the DFA gives up and the slow PikeVM
/// runs (40x the time for 10x the rules, measured in `benches/engine.rs`). 16 MiB keeps
/// such a set near 1.2x while a thread's memory stays bounded.
const DFA_CACHE_LIMIT: usize = 16 << 20;

/// How a pattern is anchored when compiled.
#[derive(Clone, Copy)]
enum Anchor {
    /// Must match the whole trimmed line.
    Line,
    /// Anywhere inside a line.
    Span,
    /// Searched in the page: `^`/`$` match at line breaks (CRLF-aware).
    Page,
}

fn source(p: &str, a: Anchor) -> String {
    match a {
        Anchor::Line => format!("^(?:{p})$"),
        Anchor::Span => p.to_owned(),
        Anchor::Page => format!("(?mR:{p})"),
    }
}

fn compile_one(p: &PatternSpec, a: Anchor, rule: Option<&str>) -> Result<Regex, LoadError> {
    if p.text.is_empty() {
        return Err(LoadError::new(p.pos.clone(), rule, "empty pattern"));
    }
    // Compile the pattern as written first, so a syntax error quotes the user's text and
    // not our anchoring around it.
    let build = |src: &str| RegexBuilder::new(src).size_limit(REGEX_SIZE_LIMIT).build();
    build(&p.text)
        .and_then(|_| build(&source(&p.text, a)))
        .map_err(|e| {
            let what = match e {
                regex::Error::CompiledTooBig(limit) => {
                    format!(
                    "regex `{}` is too big: compiled, it exceeds the size limit of {limit} bytes",
                    p.text
                )
                }
                regex::Error::Syntax(msg) => {
                    let reason = msg
                        .lines()
                        .find_map(|l| l.trim().strip_prefix("error: "))
                        .unwrap_or("invalid syntax");
                    format!("bad regex `{}`: {reason}", p.text)
                }
                e => format!("bad regex `{}`: {}", p.text, one_line(&e.to_string())),
            };
            LoadError::new(p.pos.clone(), rule, what)
        })
}

fn one_line(s: &str) -> String {
    s.lines()
        .map(str::trim_end)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whole-line triggers of many rules, matched against a trimmed line.
#[derive(Debug, Default)]
pub(crate) struct LineMatcher {
    literals: HashMap<Box<[u8]>, Vec<u32>>,
    max_literal: usize,
    any: Option<Regex>,
    set: Option<RegexSet>,
    set_rules: Vec<u32>,
}

impl LineMatcher {
    /// Push the indices of every rule whose trigger matches `line` (trimmed) into `out`,
    /// in rule order.
    pub(crate) fn matches(&self, line: &[u8], out: &mut Vec<u32>) {
        out.clear();
        if line.len() <= self.max_literal {
            if let Some(rules) = self.literals.get(line) {
                out.extend_from_slice(rules);
            }
        }
        if let (Some(any), Some(set)) = (&self.any, &self.set) {
            if any.is_match(line) {
                out.extend(set.matches(line).iter().map(|i| self.set_rules[i]));
            }
        }
        if out.len() > 1 {
            out.sort_unstable();
            out.dedup();
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.literals.is_empty() && self.any.is_none()
    }
}

/// Span patterns of many rules, searched inside a line.
#[derive(Debug, Default)]
pub(crate) struct SpanMatcher {
    any: Option<Regex>,
    /// (rule, pattern) in rule order.
    pub(crate) each: Vec<(u32, Regex)>,
}

impl SpanMatcher {
    pub(crate) fn maybe(&self, line: &[u8]) -> bool {
        self.any.as_ref().is_some_and(|r| r.is_match(line))
    }
}

#[derive(Default)]
struct Builder {
    literals: HashMap<Box<[u8]>, Vec<u32>>,
    patterns: Vec<(u32, String)>,
}

impl Builder {
    fn build(self) -> Result<LineMatcher, LoadError> {
        let max_literal = self.literals.keys().map(|k| k.len()).max().unwrap_or(0);
        let (any, set) = if self.patterns.is_empty() {
            (None, None)
        } else {
            let alts: Vec<String> = self
                .patterns
                .iter()
                .map(|(_, p)| format!("(?:{p})"))
                .collect();
            let any = RegexBuilder::new(&format!("^(?:{})$", alts.join("|")))
                .size_limit(COMBINED_SIZE_LIMIT)
                .dfa_size_limit(DFA_CACHE_LIMIT)
                .build()
                .map_err(combined_error)?;
            let set =
                RegexSetBuilder::new(self.patterns.iter().map(|(_, p)| source(p, Anchor::Line)))
                    .size_limit(COMBINED_SIZE_LIMIT)
                    .dfa_size_limit(DFA_CACHE_LIMIT)
                    .build()
                    .map_err(combined_error)?;
            (Some(any), Some(set))
        };
        Ok(LineMatcher {
            literals: self.literals,
            max_literal,
            any,
            set,
            set_rules: self.patterns.iter().map(|(r, _)| *r).collect(),
        })
    }
}

fn combined_error(e: regex::Error) -> LoadError {
    LoadError::new(
        crate::rules::Pos {
            file: "<rules>".into(),
            line: 0,
            col: 0,
        },
        None,
        format!(
            "the rule set as a whole is too large to compile: {}",
            one_line(&e.to_string())
        ),
    )
}

/// Compile validated rule files into a [`RuleSet`]. Rule order (and so precedence) is: site
/// files before generic ones (the specific rule claims a line both would remove), then the
/// order of `files`, then the order inside each file.
pub fn compile(mut files: Vec<FileSpec>) -> Result<RuleSet, LoadError> {
    check_unique_ids(&files)?;
    files.sort_by_key(|f| f.site.is_none());
    let mut sites = Vec::new();
    let mut specs: Vec<RuleSpec> = Vec::new();
    for f in files {
        let site_idx = match f.site {
            Some(s) => {
                let detect = if s.detect.is_empty() {
                    None
                } else {
                    for p in &s.detect {
                        compile_one(p, Anchor::Page, None)?;
                    }
                    let alts: Vec<String> = s
                        .detect
                        .iter()
                        .map(|p| source(&p.text, Anchor::Page))
                        .collect();
                    Some(
                        RegexBuilder::new(&alts.join("|"))
                            .size_limit(COMBINED_SIZE_LIMIT)
                            .build()
                            .map_err(combined_error)?,
                    )
                };
                sites.push(Site {
                    name: s.name,
                    file: s.file.to_string(),
                    hosts: s.hosts,
                    detect,
                });
                Some(sites.len() - 1)
            }
            None => None,
        };
        for mut r in f.rules {
            r.site = site_idx;
            specs.push(r);
        }
    }

    let mut triggers = Builder::default();
    let mut spans = SpanMatcher::default();
    let mut span_alts = Vec::new();
    let mut rules = Vec::with_capacity(specs.len());
    for (i, r) in specs.into_iter().enumerate() {
        let idx = u32::try_from(i).expect("fewer than 2^32 rules");
        let id = Some(r.id.as_str());
        let (trigger, span_list) = match &r.kind {
            KindSpec::Drop { trigger } | KindSpec::Block { trigger, .. } => {
                (Some(trigger), &[][..])
            }
            KindSpec::Cut { trigger, spans } => (Some(trigger), &spans[..]),
            KindSpec::Strip { spans } => (None, &spans[..]),
            KindSpec::Repeat { .. } | KindSpec::Region(_) | KindSpec::Guard { .. } => {
                (None, &[][..])
            }
        };
        if let Some(t) = trigger {
            for l in &t.lines {
                triggers
                    .literals
                    .entry(l.as_bytes().into())
                    .or_default()
                    .push(idx);
            }
            for p in &t.patterns {
                compile_one(p, Anchor::Line, id)?;
                triggers.patterns.push((idx, p.text.clone()));
            }
        }
        for p in span_list {
            let re = compile_one(p, Anchor::Span, id)?;
            span_alts.push(format!("(?:{})", p.text));
            spans.each.push((idx, re));
        }
        let step = match &r.kind {
            KindSpec::Drop { .. } => Step::Drop,
            KindSpec::Strip { .. } => Step::Strip,
            KindSpec::Cut { .. } => Step::Cut,
            KindSpec::Block {
                while_,
                end,
                max_gap,
                max_lines,
                skip_blank,
                ..
            } => Step::Block(BlockParams {
                while_: line_regex(while_, id)?,
                end: line_regex(end, id)?,
                max_gap: *max_gap,
                max_lines: *max_lines,
                skip_blank: *skip_blank,
            }),
            KindSpec::Repeat {
                within,
                drop_between,
                min_chars,
                between,
            } => Step::Repeat(RepeatParams {
                within: *within,
                drop_between: *drop_between,
                min_chars: *min_chars,
                between: line_regex(between, id)?,
            }),
            KindSpec::Region(p) => Step::Region(RegionParams {
                prose: span_regex(&p.prose, id)?.expect("checked by the loader"),
                list: line_regex(&p.list, id)?,
                chrome: span_regex(&p.chrome, id)?,
                stop: line_regex(&p.stop, id)?,
                prose_chars: p.prose_chars,
                long_chars: p.long_chars,
                chars_per_point: p.chars_per_point as f64,
                short_penalty: p.short_penalty as f64,
                list_penalty: p.list_penalty as f64,
                removed_penalty: p.removed_penalty as f64,
                min_run: p.min_run,
                chrome_penalty: p.chrome_penalty as f64,
                stop_after: p.stop_after as f64,
                site_pages: p.site_pages,
                heading: p.heading,
                trailing_sentences: p.trailing_sentences,
            }),
            KindSpec::Guard {
                max_percent,
                min_words,
            } => {
                if r.site.is_some() {
                    return Err(LoadError::new(
                        r.pos.clone(),
                        id,
                        "a `guard` rule caps generic rules: it belongs in a file without `[site]`",
                    ));
                }
                Step::Guard(*max_percent, *min_words)
            }
        };
        rules.push(RuleInfo {
            id: r.id,
            why: r.why,
            kind: r.kind.name(),
            file: r.pos.file.to_string(),
            line: r.pos.line,
            site: r.site,
            examples: r.examples,
            step,
        });
    }
    if !span_alts.is_empty() {
        spans.any = Some(
            RegexBuilder::new(&span_alts.join("|"))
                .size_limit(COMBINED_SIZE_LIMIT)
                .build()
                .map_err(combined_error)?,
        );
    }
    Ok(RuleSet {
        triggers: triggers.build()?,
        spans,
        sites,
        rules,
    })
}

/// Compile a list of whole-line patterns into one regex (`None` when empty), checking
/// each alone first so an error points at the right one.
fn line_regex(ps: &[PatternSpec], rule: Option<&str>) -> Result<Option<Regex>, LoadError> {
    combined(ps, Anchor::Line, rule)
}

/// Compile a list of span patterns into one regex (`None` when empty), checking each
/// alone first.
fn span_regex(ps: &[PatternSpec], rule: Option<&str>) -> Result<Option<Regex>, LoadError> {
    combined(ps, Anchor::Span, rule)
}

fn combined(ps: &[PatternSpec], a: Anchor, rule: Option<&str>) -> Result<Option<Regex>, LoadError> {
    if ps.is_empty() {
        return Ok(None);
    }
    for p in ps {
        compile_one(p, a, rule)?;
    }
    let alts: Vec<String> = ps.iter().map(|p| format!("(?:{})", p.text)).collect();
    RegexBuilder::new(&source(&alts.join("|"), a))
        .size_limit(COMBINED_SIZE_LIMIT)
        .build()
        .map(Some)
        .map_err(combined_error)
}

/// Compile a page-separator regex (`--split`): searched in each line without its line
/// ending. Errors read like rule errors, without a position.
pub fn separator_regex(pattern: &str) -> Result<Regex, String> {
    RegexBuilder::new(pattern)
        .size_limit(REGEX_SIZE_LIMIT)
        .build()
        .map_err(|e| match e {
            regex::Error::Syntax(msg) => {
                let reason = msg
                    .lines()
                    .find_map(|l| l.trim().strip_prefix("error: "))
                    .unwrap_or("invalid syntax");
                format!("bad --split regex `{pattern}`: {reason}")
            }
            e => format!(
                "bad --split regex `{pattern}`: {}",
                one_line(&e.to_string())
            ),
        })
}
