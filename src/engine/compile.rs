//! The one place that builds regexes: rule specs in, a compiled [`RuleSet`] out.
//!
//! Every pattern is checked alone first (parsed; compiled with an explicit size limit when
//! its estimated size is large), so an error names its rule and file:line:col. Then the
//! whole-line triggers of all rules are merged into one `LineMatcher` (a hash set for
//! literal lines, a regex set whose `is_match` is the fast "no" and whose `which` says which
//! rules said "yes", and a backward set for patterns that begin with an unbounded run), and
//! the span patterns into one `SpanMatcher`. The regexes themselves live in `engine::re`.

use std::collections::HashMap;

use regex::bytes::{Regex, RegexBuilder};
use regex_automata::meta;

use super::re::{self, Limits, ManyRe, Re, Registry, RevRe, Scratch, SetParts, SetRe};
use super::select::Detect;
use super::{BlockParams, RegionParams, RepeatParams, RuleInfo, RuleSet, Site, Step};
use crate::rules::{
    check_unique_ids, FileSpec, KindSpec, LineSpec, LoadError, PatternSpec, RuleSpec, View,
};

/// Size limit for one compiled pattern (bytes of compiled program).
pub const REGEX_SIZE_LIMIT: usize = 2 << 20;
/// Size limit for the combined matchers built from all patterns.
const COMBINED_SIZE_LIMIT: usize = 512 << 20;
/// Lazy-DFA cache of the combined line matchers, per thread. The default (2 MiB) is too
/// small for a large rule set with Unicode classes: the DFA gives up and the slow PikeVM
/// runs (the `rules_10x` group of `benches/engine.rs` shows it). 16 MiB keeps such a set
/// on the DFA while a thread's memory stays bounded.
const DFA_CACHE_LIMIT: usize = 16 << 20;

/// How a pattern is anchored when compiled.
#[derive(Clone, Copy)]
pub(super) enum Anchor {
    /// Must match the whole trimmed line.
    Line,
    /// Anywhere inside a line.
    Span,
    /// Searched in the page: `^`/`$` match at line breaks (CRLF-aware).
    Page,
}

pub(super) fn source(p: &str, a: Anchor) -> String {
    match a {
        Anchor::Line => format!("^(?:{p})$"),
        Anchor::Span => p.to_owned(),
        Anchor::Page => format!("(?mR:{p})"),
    }
}

/// Patterns whose estimated compiled size ([`cost`]) is over this are compiled alone to
/// check them against [`REGEX_SIZE_LIMIT`]; the rest are only parsed. The estimate is
/// within 2x of the compiled size (tested below), so a pattern under this is under the
/// limit. Compiling every pattern alone would compile each twice and slow start-up; no
/// default pattern is estimated over this.
const CHECK_COST: usize = REGEX_SIZE_LIMIT / 2;

/// Check one pattern that will be compiled as part of a combined matcher: it must parse,
/// and, when it looks big, compile alone within the size limit.
fn check_one(p: &PatternSpec, a: Anchor, rule: Option<&str>) -> Result<(), LoadError> {
    let hir = parse_one(p, rule)?;
    if cost(&hir) > CHECK_COST {
        re::check_size(&source(&p.text, a), ONE).map_err(|e| pattern_error(p, rule, e))?;
    }
    Ok(())
}

/// Parse one pattern as written, so that a syntax error quotes the user's text (and not
/// our anchoring around it).
fn parse_one(p: &PatternSpec, rule: Option<&str>) -> Result<regex_syntax::hir::Hir, LoadError> {
    if p.text.is_empty() {
        return Err(LoadError::new(p.pos.clone(), rule, "empty pattern"));
    }
    regex_syntax::ParserBuilder::new()
        .utf8(false)
        .build()
        .parse(&p.text)
        .map_err(|e| pattern_error(p, rule, regex::Error::Syntax(e.to_string())))
}

/// An estimate of a pattern's compiled size in bytes, as the size limit counts it: a cost
/// per node of the syntax tree (a state or two each), per literal byte and per class range
/// (a UTF-8 class compiles to a few states per range), multiplied out by repetitions. The
/// weights are fitted to the compiler's counts for the worst cases of each kind (see the
/// test `the_size_estimate_is_within_2x`).
fn cost(h: &regex_syntax::hir::Hir) -> usize {
    use regex_syntax::hir::{Class, HirKind};
    match h.kind() {
        HirKind::Empty | HirKind::Look(_) => 48,
        HirKind::Literal(l) => l.0.len().saturating_mul(32),
        // The compiler spells a Unicode class out as UTF-8 byte sequences: a few wide
        // ranges (`.`, `\S`) are many sequences each, and are counted; a class of many
        // ranges (`\p{L}`: 650) is about 32 bytes a range, and counting its sequences for
        // every such class would be a noticeable part of start-up.
        HirKind::Class(Class::Unicode(c)) if c.ranges().len() > 16 => {
            c.ranges().len().saturating_mul(32)
        }
        HirKind::Class(Class::Unicode(c)) => {
            let mut seqs = regex_syntax::utf8::Utf8Sequences::new('\0', '\0');
            c.iter().fold(48usize, |n, r| {
                seqs.reset(r.start(), r.end());
                (&mut seqs).fold(n, |n, seq| n.saturating_add(8 * seq.len()))
            })
        }
        HirKind::Class(Class::Bytes(c)) => c.ranges().len().saturating_mul(16).saturating_add(48),
        HirKind::Repetition(r) => {
            let times = r.max.unwrap_or(r.min).max(1) as usize;
            cost(&r.sub)
                .saturating_add(48)
                .saturating_mul(times)
                .saturating_add(48)
        }
        HirKind::Capture(c) => cost(&c.sub).saturating_add(64),
        HirKind::Concat(xs) | HirKind::Alternation(xs) => xs
            .iter()
            .fold(16usize, |n, x| n.saturating_add(cost(x)).saturating_add(16)),
    }
}

fn pattern_error(p: &PatternSpec, rule: Option<&str>, e: regex::Error) -> LoadError {
    let what = match e {
        regex::Error::CompiledTooBig(limit) => format!(
            "regex `{}` is too big: compiled, it exceeds the size limit of {limit} bytes",
            p.text
        ),
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
}

/// Limits of one pattern compiled alone.
const ONE: Limits = Limits {
    size: REGEX_SIZE_LIMIT,
    cache: 2 << 20,
};

/// Limits of a regex combined from many patterns.
const COMBINED: Limits = Limits {
    size: COMBINED_SIZE_LIMIT,
    cache: 2 << 20,
};

/// Limits of a set combined from many patterns, searched on every line.
const COMBINED_SET: Limits = Limits {
    size: COMBINED_SIZE_LIMIT,
    cache: DFA_CACHE_LIMIT,
};

/// Compile one pattern alone, anchored as it will be used.
fn compile_one(p: &PatternSpec, a: Anchor, rule: Option<&str>) -> Result<meta::Regex, LoadError> {
    // A span compiles as written: its errors quote the user's text already.
    if !matches!(a, Anchor::Span) || p.text.is_empty() {
        parse_one(p, rule)?;
    }
    build_one(p, a, rule)
}

/// Compile one pattern that parses, anchored as it will be used. (Parsing first is cheap;
/// compiling the pattern as written as well doubled the start-up cost of the large
/// Unicode patterns.)
fn build_one(p: &PatternSpec, a: Anchor, rule: Option<&str>) -> Result<meta::Regex, LoadError> {
    re::build(&[source(&p.text, a)], false, ONE).map_err(|e| pattern_error(p, rule, e))
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
    /// All whole-line patterns; `is_match` is the fast "no" (one lazy DFA over all of
    /// them), `which` says which rules said "yes".
    set: Option<SetRe>,
    set_rules: Vec<u32>,
    /// The patterns that begin with an unbounded run (see [`from_end`]): searched together
    /// backwards, then one by one on the rare line that matches.
    tail: Option<(RevRe, Vec<(u32, Re)>)>,
}

impl LineMatcher {
    /// Push the indices of every rule whose trigger matches `line` (trimmed) into `out`,
    /// in rule order.
    pub(crate) fn matches(&self, sc: &mut Scratch, line: &[u8], out: &mut Vec<u32>) {
        out.clear();
        if line.len() <= self.max_literal {
            if let Some(rules) = self.literals.get(line) {
                out.extend_from_slice(rules);
            }
        }
        if let Some(set) = &self.set {
            if set.is_match(sc, line) {
                let mut which = std::mem::take(&mut sc.which);
                set.which(sc, line, &mut which);
                out.extend(which.drain(..).map(|i| self.set_rules[i]));
                sc.which = which;
            }
        }
        if let Some((rev, each)) = &self.tail {
            if rev.is_match(sc, line) != Some(false) {
                for (r, re) in each {
                    if re.is_match(sc, line) {
                        out.push(*r);
                    }
                }
            }
        }
        if out.len() > 1 {
            out.sort_unstable();
            out.dedup();
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.literals.is_empty() && self.set.is_none() && self.tail.is_none()
    }
}

/// Span patterns of many rules, searched inside a line.
#[derive(Debug, Default)]
pub(crate) struct SpanMatcher {
    /// All span patterns as one regex: whether any matches a line (with a literal
    /// prefilter, which a set does not get).
    any: Option<Re>,
    /// All span patterns as a set: which match, asked only of lines `any` matched.
    set: Option<Re>,
    /// (rule, pattern) in rule order; index `k` is pattern `k` of `set`.
    pub(crate) each: Vec<(u32, Re)>,
    /// The patterns of `view = "block"` strip rules as one regex: whether any matches a
    /// wrapped block's joined lines.
    wrapped: Option<Re>,
}

impl SpanMatcher {
    pub(crate) fn maybe(&self, sc: &mut Scratch, line: &[u8]) -> bool {
        self.any.as_ref().is_some_and(|r| r.is_match(sc, line))
    }

    /// Whether a pattern of a `view = "block"` strip rule may match `joined`.
    pub(crate) fn maybe_wrapped(&self, sc: &mut Scratch, joined: &[u8]) -> bool {
        self.wrapped
            .as_ref()
            .is_some_and(|r| r.is_match(sc, joined))
    }

    /// The indexes in `each` of the (rule, pattern) pairs whose pattern matches somewhere
    /// in `line`, in rule order: with many span rules, only these are searched for their
    /// spans.
    pub(crate) fn candidates(&self, sc: &mut Scratch, line: &[u8]) -> Vec<usize> {
        let mut out = Vec::new();
        if let Some(set) = &self.set {
            set.which(sc, line, &mut out);
        }
        out
    }
}

#[derive(Default)]
struct Builder {
    literals: HashMap<Box<[u8]>, Vec<u32>>,
    patterns: Vec<(u32, String)>,
}

impl Builder {
    /// The matcher. `backward[k]` says whether pattern `k` is searched from the end (see
    /// [`from_end`]); `set` is compiled from the others, in order.
    fn build(
        self,
        reg: &mut Registry,
        set: SetResult,
        backward: &[bool],
    ) -> Result<LineMatcher, LoadError> {
        let max_literal = self.literals.keys().map(|k| k.len()).max().unwrap_or(0);
        assert_eq!(backward.len(), self.patterns.len(), "one flag per pattern");
        let (tail, head): (Vec<_>, Vec<_>) = self
            .patterns
            .into_iter()
            .zip(backward)
            .partition(|(_, &b)| b);
        let tail: Vec<(u32, String)> = tail.into_iter().map(|(p, _)| p).collect();
        let head: Vec<(u32, String)> = head.into_iter().map(|(p, _)| p).collect();
        debug_assert_eq!(set.is_some(), !head.is_empty());
        let set = match set {
            None => None,
            Some(built) => Some(reg.register_set(built.map_err(combined_error)?)),
        };
        let tail = if tail.is_empty() {
            None
        } else {
            let sources: Vec<String> = tail.iter().map(|(_, p)| source(p, Anchor::Line)).collect();
            let rev = reg
                .build_rev(&sources, COMBINED_SET)
                .map_err(combined_error)?;
            let each = tail
                .iter()
                .zip(&sources)
                .map(|((r, _), src)| Ok((*r, reg.build(&[src], false, ONE)?)))
                .collect::<Result<Vec<_>, regex::Error>>()
                .map_err(combined_error)?;
            Some((rev, each))
        };
        Ok(LineMatcher {
            literals: self.literals,
            max_literal,
            set,
            set_rules: head.iter().map(|(r, _)| *r).collect(),
            tail,
        })
    }
}

impl Builder {
    /// The matcher, its set compiled on this thread (for the few triggers of rules with a
    /// view).
    fn build_here(self, reg: &mut Registry) -> Result<LineMatcher, LoadError> {
        let backward: Vec<bool> = self.patterns.iter().map(|(_, p)| from_end(p)).collect();
        let sources: Vec<String> = self
            .patterns
            .iter()
            .zip(&backward)
            .filter(|(_, &b)| !b)
            .map(|((_, p), _)| source(p, Anchor::Line))
            .collect();
        let set = (!sources.is_empty()).then(|| re::build_set(&sources, COMBINED_SET));
        self.build(reg, set, &backward)
    }
}

/// Whether a whole-line pattern is better searched from the end of the line: it begins
/// with an unbounded repetition (`[^.!?]*…`, `(\S+ )+…`) and does not end with one. Searched
/// forwards, such a pattern keeps a line's search going for as long as the run could; the
/// two photo-credit rules alone doubled the time of the trigger set over all the others.
///
/// Decided on the syntax tree as written (no Unicode tables are built for it: the set of
/// the other patterns waits for this), and only ever a question of speed: both directions
/// find the same lines.
fn from_end(pattern: &str) -> bool {
    use regex_syntax::ast::{Ast, RepetitionKind, RepetitionRange};
    fn ends(a: &Ast, first: bool) -> Option<&Ast> {
        match a {
            Ast::Group(g) => ends(&g.ast, first),
            Ast::Concat(c) => {
                // Flags (`(?i)`) and empty pieces match nothing themselves.
                let mut items = c
                    .asts
                    .iter()
                    .filter(|x| !matches!(x, Ast::Flags(_) | Ast::Empty(_)));
                let x = if first {
                    items.next()
                } else {
                    items.next_back()
                }?;
                ends(x, first)
            }
            _ => Some(a),
        }
    }
    let run = |a: Option<&Ast>| {
        a.is_some_and(|a| match a {
            Ast::Repetition(r) => matches!(
                r.op.kind,
                RepetitionKind::ZeroOrMore
                    | RepetitionKind::OneOrMore
                    | RepetitionKind::Range(RepetitionRange::AtLeast(_))
            ),
            _ => false,
        })
    };
    let Ok(ast) = regex_syntax::ast::parse::Parser::new().parse(pattern) else {
        return false;
    };
    run(ends(&ast, true)) && !run(ends(&ast, false))
}

/// `pattern` with its named groups (`(?P<keep>…)`, `(?<keep>…)`) made non-capturing, for a
/// regex that joins the patterns of several rules. A pattern that does not parse is
/// returned as it is (its own compile reports it).
fn without_names(pattern: &str) -> String {
    use regex_syntax::ast::{Ast, GroupKind};
    fn opens(a: &Ast, out: &mut Vec<(usize, usize)>) {
        match a {
            Ast::Group(g) => {
                if let GroupKind::CaptureName { name, .. } = &g.kind {
                    // From `(` to the `>` after the name.
                    out.push((g.span.start.offset, name.span.end.offset + 1));
                }
                opens(&g.ast, out);
            }
            Ast::Concat(c) => c.asts.iter().for_each(|x| opens(x, out)),
            Ast::Alternation(x) => x.asts.iter().for_each(|x| opens(x, out)),
            Ast::Repetition(r) => opens(&r.ast, out),
            _ => {}
        }
    }
    let Ok(ast) = regex_syntax::ast::parse::Parser::new().parse(pattern) else {
        return pattern.to_string();
    };
    let mut spans = Vec::new();
    opens(&ast, &mut spans);
    spans.sort_unstable();
    let mut out = String::with_capacity(pattern.len());
    let mut at = 0;
    for (from, to) in spans {
        out.push_str(&pattern[at..from]);
        out.push_str("(?:");
        at = to;
    }
    out.push_str(&pattern[at..]);
    out
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
    // The set of all whole-line triggers is the largest piece of work (the Unicode classes
    // of the patterns compile to large automata): it is built on a second, scoped thread
    // while this one checks and compiles the rest, and that thread is joined before
    // `compile` returns. Everything is compiled, and every error reported, here.
    let patterns: Vec<&str> = files
        .iter()
        .flat_map(|f| &f.rules)
        .filter_map(|r| trigger(&r.kind))
        .flat_map(|t| &t.patterns)
        .map(|p| p.text.as_str())
        .collect();
    let backward: Vec<bool> = patterns.iter().map(|p| from_end(p)).collect();
    let sources: Vec<String> = patterns
        .iter()
        .zip(&backward)
        .filter(|(_, &b)| !b)
        .map(|(p, _)| source(p, Anchor::Line))
        .collect();
    let build_set = || (!sources.is_empty()).then(|| re::build_set(&sources, COMBINED_SET));
    std::thread::scope(|s| {
        let helper = std::thread::Builder::new()
            .name("clean-compile".into())
            .spawn_scoped(s, build_set);
        let set = || match helper {
            // A helper that panicked: building here panics as it did.
            Ok(h) => h.join().unwrap_or_else(|_| build_set()),
            // No thread to be had: build it here.
            Err(_) => build_set(),
        };
        compile_with(files, &backward, set)
    })
}

/// The whole-line trigger of a rule kind, if it has one.
fn trigger(kind: &KindSpec) -> Option<&LineSpec> {
    match kind {
        KindSpec::Drop { trigger } | KindSpec::Block { trigger, .. } => Some(trigger),
        KindSpec::Cut { trigger, .. } => Some(trigger),
        _ => None,
    }
}

type SetResult = Option<Result<SetParts, regex::Error>>;

/// [`compile`], given which whole-line trigger patterns are searched backwards and the set
/// of the others (both from the same files, in rule order).
fn compile_with(
    files: Vec<FileSpec>,
    backward: &[bool],
    set: impl FnOnce() -> SetResult,
) -> Result<RuleSet, LoadError> {
    let mut reg = Registry::default();
    let mut sites = Vec::new();
    let mut disables = Vec::new();
    let mut specs: Vec<RuleSpec> = Vec::new();
    for f in files {
        let site_idx = match f.site {
            Some(s) => {
                let detect = if s.detect.is_empty() {
                    None
                } else {
                    for p in &s.detect {
                        check_one(p, Anchor::Page, None)?;
                    }
                    let alts: Vec<String> = s
                        .detect
                        .iter()
                        .map(|p| source(&p.text, Anchor::Page))
                        .collect();
                    let src = alts.join("|");
                    let re = reg
                        .build(&[&src], false, COMBINED)
                        .map_err(combined_error)?;
                    Some(Detect::new(re))
                };
                sites.push(Site {
                    name: s.name,
                    file: s.file.to_string(),
                    hosts: s.hosts,
                    detect_patterns: s.detect.iter().map(|p| p.text.clone()).collect(),
                    detect,
                    disable: Vec::new(),
                });
                disables.push(s.disable);
                Some(sites.len() - 1)
            }
            None => None,
        };
        for mut r in f.rules {
            r.site = site_idx;
            specs.push(r);
        }
    }

    for (i, (site, list)) in sites.iter_mut().zip(&disables).enumerate() {
        site.disable = disabled_rules(&specs, i, list);
    }

    let mut triggers = Builder::default();
    // The triggers of rules that read the page through a view: matched against the text of
    // a view's unit that is not just its line. They are in the main set too, which answers
    // for a unit that is one line read as written (most units, on most pages).
    let mut viewed = Builder::default();
    let mut spans = SpanMatcher::default();
    let mut span_alts = Vec::new();
    let mut wrapped_alts: Vec<String> = Vec::new();
    let mut rules = Vec::with_capacity(specs.len());
    for (i, r) in specs.into_iter().enumerate() {
        let idx = u32::try_from(i).expect("fewer than 2^32 rules");
        let id = Some(r.id.as_str());
        let span_list = match &r.kind {
            KindSpec::Cut { spans, .. } | KindSpec::Strip { spans } => &spans[..],
            _ => &[][..],
        };
        if let Some(t) = trigger(&r.kind) {
            let sets = match r.view {
                View::Line => [Some(&mut triggers), None],
                View::Visible | View::Block => [Some(&mut triggers), Some(&mut viewed)],
            };
            for p in &t.patterns {
                check_one(p, Anchor::Line, id)?;
            }
            for set in sets.into_iter().flatten() {
                for l in &t.lines {
                    set.literals
                        .entry(l.as_bytes().into())
                        .or_default()
                        .push(idx);
                }
                for p in &t.patterns {
                    set.patterns.push((idx, p.text.clone()));
                }
            }
        }
        for p in span_list {
            let re = compile_one(p, Anchor::Span, id)?;
            // The set only says whether (and which) spans match somewhere, and `\s*X`
            // matches somewhere exactly when `X` does: without the leading `\s*` it can skip
            // ahead to X's literal text instead of trying every position.
            // Only asked whether (and which) patterns match: no group is read, and two
            // rules' `keep` groups must not clash in one regex.
            let text = without_names(p.text.strip_prefix(r"\s*").unwrap_or(&p.text));
            if r.view == View::Block {
                wrapped_alts.push(format!("(?:{text})"));
            }
            span_alts.push(text);
            spans.each.push((idx, reg.register(re)));
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
                while_: line_regex(&mut reg, while_, id)?,
                end: line_regex(&mut reg, end, id)?,
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
                between: line_regex(&mut reg, between, id)?,
            }),
            KindSpec::Region(p) => Step::Region(RegionParams {
                prose: span_regex(&mut reg, &p.prose, id)?.expect("checked by the loader"),
                list: line_regex(&mut reg, &p.list, id)?,
                chrome: many_regex(&mut reg, &p.chrome, id)?,
                footer: span_regex(&mut reg, &p.footer, id)?,
                prompt_sentences: p.prompt_sentences,
                stop: line_regex(&mut reg, &p.stop, id)?,
                prose_chars: p.prose_chars,
                long_chars: p.long_chars,
                chars_per_point: p.chars_per_point as f64,
                short_penalty: p.short_penalty as f64,
                list_penalty: p.list_penalty as f64,
                sentence_item_penalty: p.sentence_item_penalty.unwrap_or(p.list_penalty) as f64,
                removed_penalty: p.removed_penalty as f64,
                min_run: p.min_run,
                chrome_penalty: p.chrome_penalty as f64,
                chrome_max_chars: p.chrome_max_chars,
                stop_after: p.stop_after as f64,
                heading: p.heading,
                trailing_sentences: p.trailing_sentences,
                leading_sentences: p.leading_sentences,
                introduced_lists: p.introduced_lists,
                bridge: p.bridge_percent as f64 / 100.0,
                bridge_min: p.bridge_min as f64,
                min_prose_percent: p.min_prose_percent as f64,
                glued_min: p.glued_min,
                glued_percent: p.glued_percent,
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
            view: r.view,
            file: r.pos.file.to_string(),
            line: r.pos.line,
            site: r.site,
            examples: r.examples,
            step,
        });
    }
    if !span_alts.is_empty() {
        let alts: Vec<String> = span_alts.iter().map(|p| format!("(?:{p})")).collect();
        spans.any = Some(
            reg.build(&[alts.join("|")], false, COMBINED)
                .map_err(combined_error)?,
        );
        spans.set = Some(
            reg.build(&span_alts, true, COMBINED_SET)
                .map_err(combined_error)?,
        );
    }
    if !wrapped_alts.is_empty() {
        spans.wrapped = Some(
            reg.build(&[wrapped_alts.join("|")], false, COMBINED)
                .map_err(combined_error)?,
        );
    }
    let triggers = triggers.build(&mut reg, set(), backward)?;
    let viewed = viewed.build_here(&mut reg)?;
    Ok(RuleSet {
        id: super::next_rule_set_id(),
        regexes: reg,
        triggers,
        viewed,
        spans,
        sites,
        rules,
    })
}

/// The rules of other files that a site's `disable` list names, by id or kind. An id no
/// loaded rule has is no error: a site file stays usable with or without the rules it
/// turns off (say, without the embedded generic rules).
fn disabled_rules(specs: &[RuleSpec], site: usize, list: &[String]) -> Vec<u32> {
    specs
        .iter()
        .enumerate()
        .filter(|(_, r)| r.site != Some(site))
        .filter(|(_, r)| list.iter().any(|d| *d == r.id || d == r.kind.name()))
        .map(|(i, _)| u32::try_from(i).expect("fewer than 2^32 rules"))
        .collect()
}

/// Compile a list of whole-line patterns into one regex (`None` when empty), checking
/// each alone first so an error points at the right one.
fn line_regex(
    reg: &mut Registry,
    ps: &[PatternSpec],
    rule: Option<&str>,
) -> Result<Option<Re>, LoadError> {
    combined(reg, ps, Anchor::Line, rule)
}

/// Compile a list of span patterns into one regex (`None` when empty), checking each
/// alone first.
fn span_regex(
    reg: &mut Registry,
    ps: &[PatternSpec],
    rule: Option<&str>,
) -> Result<Option<Re>, LoadError> {
    combined(reg, ps, Anchor::Span, rule)
}

fn combined(
    reg: &mut Registry,
    ps: &[PatternSpec],
    a: Anchor,
    rule: Option<&str>,
) -> Result<Option<Re>, LoadError> {
    let Some(src) = combined_source(ps, a, rule)? else {
        return Ok(None);
    };
    reg.build(&[src], false, COMBINED)
        .map(Some)
        .map_err(combined_error)
}

/// Span patterns asked of many lines at once (see [`ManyRe`]).
fn many_regex(
    reg: &mut Registry,
    ps: &[PatternSpec],
    rule: Option<&str>,
) -> Result<Option<ManyRe>, LoadError> {
    let Some(src) = combined_source(ps, Anchor::Span, rule)? else {
        return Ok(None);
    };
    reg.build_many(&src, COMBINED)
        .map(Some)
        .map_err(combined_error)
}

/// The source of `ps` as one pattern (`None` when empty), each checked alone first.
fn combined_source(
    ps: &[PatternSpec],
    a: Anchor,
    rule: Option<&str>,
) -> Result<Option<String>, LoadError> {
    if ps.is_empty() {
        return Ok(None);
    }
    for p in ps {
        check_one(p, a, rule)?;
    }
    let alts: Vec<String> = ps.iter().map(|p| format!("(?:{})", p.text)).collect();
    Ok(Some(source(&alts.join("|"), a)))
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The smallest size limit `p` compiles within, as [`check_one`] compiles it.
    fn compiled_size(p: &str) -> usize {
        let fits = |size| re::check_size(&source(p, Anchor::Line), Limits { size, ..ONE }).is_ok();
        let (mut lo, mut hi) = (1usize, 1usize << 30);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if fits(mid) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        lo
    }

    /// [`cost`] is within 2x of the compiled size either way, so a pattern it puts under
    /// [`CHECK_COST`] compiles within [`REGEX_SIZE_LIMIT`] and the check of the default
    /// rules compiles none alone: degenerate patterns (empty groups, nested captures, runs
    /// of optional pieces), long literals, byte and Unicode classes, case folding, and the
    /// default rules' largest triggers.
    #[test]
    fn the_size_estimate_is_within_2x() {
        let mut patterns: Vec<String> = [
            "(){200}",
            r"(\b){200}",
            "(^|$){200}",
            "((((a)))){200}",
            "(a?){200}",
            "(a*){200}",
            "(a|b|c|d|e|f|g|h){200}",
            "(?i)(abc|def|ghi|jkl){50}",
            ".{200}",
            "(?-u:.){200}",
            "[^a]{200}",
            "[a-z]{200}",
            r"\S{50}",
            r"\s{100}",
            r"\d{200}",
            r"\w{20}",
            r"\W{20}",
            r"\p{L}{20}",
            r"(?i)\p{Lu}{20}",
            r"(\b\w+\b ){10}",
            r"\pL*",
        ]
        .map(String::from)
        .into();
        for p in ["a", "k", "s", "é"] {
            patterns.push(p.repeat(200));
            patterns.push(format!("(?i){}", p.repeat(200)));
        }
        let big = [
            r"(\p{Lu}[\p{L}.\x27’-]+ ){1,3}(is|was) an? ([\p{L}-]+ ){0,4}(writer|reporter)",
            r"(\p{Lu}[\p{L}.\x27’-]*\s){1,4}(\p{Lu}[\p{L}.\x27’-]*)?\s?(/?(AP|AFP|NPR))",
            r"Copyright (©\s*)?\d{4} [\p{L}\d&.\x27’-]+(\s[\p{L}\d&.\x27’-]+){0,4}\.(\s.*)?",
        ];
        patterns.extend(big.map(String::from));
        for p in &patterns {
            let hir = regex_syntax::ParserBuilder::new()
                .utf8(false)
                .build()
                .parse(p)
                .unwrap();
            let (est, size) = (cost(&hir), compiled_size(p));
            // (With a little room for the fixed cost of a pattern.)
            assert!(
                size <= 2 * est + 1024 && est <= 2 * size,
                "{p}: estimated {est}, compiled {size}"
            );
        }
        for p in big {
            let hir = regex_syntax::ParserBuilder::new()
                .utf8(false)
                .build()
                .parse(p)
                .unwrap();
            assert!(cost(&hir) < CHECK_COST, "{p}");
        }
    }

    #[test]
    fn patterns_that_begin_with_a_run_are_searched_from_the_end() {
        assert!(from_end(r"[^.!?]*\(Photo: [^)]+\)"));
        assert!(from_end(r"(\S+ )+via Getty Images"));
        assert!(!from_end(r"Read also:.*"));
        assert!(!from_end(r".*Getty.*"));
        assert!(!from_end(r"(\w{1,4} )?Photo"));
        assert!(!from_end(r"Photo"));
        assert!(!from_end(r"("));
        // Flags are not a first piece; bounded runs are not runs.
        assert!(from_end(r"(?i)[^.!?]*photo"));
        assert!(from_end(r"(?:(?i)\w{2,}) credit"));
        assert!(!from_end(r"\w{2,5} credit"));
        assert!(!from_end(r"(?i)photo.*"));
    }

    /// Whatever the direction, a trigger matches the lines the plain regex matches.
    #[test]
    fn named_groups_become_plain_groups_where_rules_are_joined() {
        assert_eq!(
            without_names(r"\[(?P<keep>[^\]]*)\]\(x\)"),
            r"\[(?:[^\]]*)\]\(x\)"
        );
        assert_eq!(
            without_names(r"a(?<keep>b|(?P<in>c))[(?P<n>]"),
            r"a(?:b|(?:c))[(?P<n>]"
        );
        assert_eq!(without_names(r"(unclosed"), r"(unclosed");
        // Two strip rules with a `keep` group each load together.
        let two = "[[rule]]\nid = \"t/a\"\nwhy = \"w\"\nkind = \"strip\"\nspans = ['<(?P<keep>a)>']\n\n\
                   [[rule]]\nid = \"t/b\"\nwhy = \"w\"\nkind = \"strip\"\nspans = ['\\{(?P<keep>b)\\}']\n";
        let rs = crate::load(&[crate::Source::new("t.toml", two)]).unwrap();
        assert_eq!(rs.clean(b"x <a> {b} y\n", None), b"x a b y\n");
    }

    #[test]
    fn backward_triggers_match_as_forward_ones() {
        let patterns = [
            r"[^.!?]*\((Photo|Image)s?: ?[^)\n]{1,30}\)",
            r"[^.!?]*( / |\()(Getty Images|AFP)\)?",
            r".*\bпідпис",
            r"Read also:.*",
        ];
        let lines: [&[u8]; 10] = [
            b"A dog (Photo: Jane Doe)",
            b"He said so. A dog (Photo: Jane Doe)",
            b"Crowds in the square / AFP",
            b"Crowds in the square (Getty Images)",
            b"Crowds. In the square / AFP",
            "Фото \u{43f}ідпис".as_bytes(),
            "Фото підпис".as_bytes(),
            b"Read also: more",
            b"Nothing here",
            b"\xff\xfe (Photo: x)",
        ];
        let mut b = Builder::default();
        for (i, p) in patterns.iter().enumerate() {
            b.patterns.push((i as u32, (*p).to_owned()));
        }
        let head: Vec<String> = patterns
            .iter()
            .filter(|p| !from_end(p))
            .map(|p| source(p, Anchor::Line))
            .collect();
        let mut reg = Registry::default();
        let set = Some(re::build_set(&head, COMBINED_SET));
        let backward: Vec<bool> = patterns.iter().map(|p| from_end(p)).collect();
        let m = b.build(&mut reg, set, &backward).unwrap();
        assert!(m.tail.as_ref().is_some_and(|(_, each)| each.len() == 3));
        let mut sc = reg.scratch(0);
        let mut got = Vec::new();
        for line in lines {
            m.matches(&mut sc, line, &mut got);
            let want: Vec<u32> = patterns
                .iter()
                .enumerate()
                .filter(|(_, p)| {
                    regex::bytes::Regex::new(&source(p, Anchor::Line))
                        .unwrap()
                        .is_match(line)
                })
                .map(|(i, _)| i as u32)
                .collect();
            assert_eq!(got, want, "{:?}", String::from_utf8_lossy(line));
        }
    }
}
