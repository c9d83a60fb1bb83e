//! Compiled regexes that search with scratch space the caller owns.
//!
//! `regex::bytes::Regex` fetches its search cache from a shared pool on every call; over
//! short lines that is a large share of the work, and the engine makes several calls per
//! line. So the engine builds its regexes with `regex-automata` (the engine under `regex`, with the
//! same syntax and the same configuration) and keeps their caches itself, in a
//! [`Scratch`] per thread and rule set.

use std::ops::Range;
use std::sync::Arc;

use regex_automata::hybrid::dfa as lazy;
use regex_automata::meta::{self, BuildError};
use regex_automata::nfa::thompson;
use regex_automata::nfa::thompson::pikevm::{self, PikeVM};
use regex_automata::util::iter::Searcher;
use regex_automata::util::syntax;
use regex_automata::{Anchored, Input, MatchKind, PatternSet};

use super::prefilter::Prefilter;

/// One compiled regex (or set of regexes), and the slot of its cache in a [`Scratch`].
#[derive(Debug, Clone)]
pub(crate) struct Re {
    re: meta::Regex,
    slot: usize,
}

/// Whole-line patterns searched backwards, from the end of the line: for patterns that
/// begin with an unbounded run (`[^.!?]*\(Photo: …\)`), a forward search reads up to the
/// run's end on every line, a backward one gives up within a few bytes of the end.
#[derive(Debug, Clone)]
pub(crate) struct RevRe {
    dfa: lazy::DFA,
    slot: usize,
}

/// Whole-line patterns (each anchored at the line start) as one forward automaton (see
/// [`Fwd`]), asked whether any matches a line and which do.
#[derive(Debug, Clone)]
pub(crate) struct SetRe {
    parts: SetParts,
    slot: usize,
}

/// A [`SetRe`] built and not yet given its cache slot: its automata, built by
/// [`build_set`] (those of the Unicode classes are most of a rule set's compile time) and
/// shared by every clone.
#[derive(Debug, Clone)]
pub(crate) struct SetParts {
    full: Arc<Fwd>,
}

/// The forward half of a `meta` regex, for the trigger set and the prompt pattern, only
/// asked whether (or which) patterns match: a lazy DFA, and the PikeVM for the rare search the DFA gives up on (a Unicode
/// `\b` next to non-ASCII text, a thrashing cache), as `meta` answers. A `meta` regex also
/// compiles the reverse automaton, which only says where a match starts; nothing here asks
/// that, and building it is start-up time (docs/performance.md, "What keeps it fast").
#[derive(Debug)]
struct Fwd {
    /// `None` when the cache has no room for a few states: the PikeVM alone then.
    dfa: Option<lazy::DFA>,
    vm: PikeVM,
}

/// A [`Fwd`]'s caches: its lazy DFA's (if it has one) and its PikeVM's.
type FwdCaches = (Option<lazy::Cache>, pikevm::Cache);

/// A [`SetRe`]'s caches.
#[derive(Debug)]
struct SetCaches {
    full: FwdCaches,
    which: PatternSet,
}

/// A regex asked whether it matches somewhere in a line, of many lines (the region's
/// `chrome` prompts, over every line of a generic page): a literal prefilter rules out most
/// ASCII lines (see [`Prefilter`]); the others go to the automaton (a [`Fwd`]).
#[derive(Debug, Clone)]
pub(crate) struct ManyRe {
    pre: Option<Prefilter>,
    fwd: Arc<Fwd>,
    slot: usize,
}

/// Search caches for every regex of one rule set. Not shared between threads.
#[derive(Debug)]
pub(crate) struct Scratch {
    /// The rule set these caches belong to.
    pub(crate) owner: u64,
    caches: Vec<meta::Cache>,
    rev_caches: Vec<lazy::Cache>,
    set_caches: Vec<SetCaches>,
    many_caches: Vec<FwdCaches>,
    /// Which patterns of a set matched (used by set regexes only).
    sets: Vec<PatternSet>,
    /// A buffer for the callers of [`Re::which`].
    pub(crate) which: Vec<usize>,
    /// A buffer of unit indexes for the engine's passes (the repeat pass's kept units).
    pub(crate) indexes: Vec<usize>,
    /// A line lowercased, for a [`Prefilter`].
    folded: Vec<u8>,
}

/// Every regex of a rule set, in slot order.
#[derive(Debug, Default)]
pub(crate) struct Registry {
    all: Vec<meta::Regex>,
    rev: Vec<lazy::DFA>,
    sets: Vec<SetParts>,
    many: Vec<Arc<Fwd>>,
}

/// How to build a regex.
#[derive(Clone, Copy)]
pub(crate) struct Limits {
    /// Size limit of the compiled program, in bytes.
    pub(crate) size: usize,
    /// Size limit of the lazy DFA's cache, in bytes.
    pub(crate) cache: usize,
}

impl Registry {
    /// Compile `patterns` as one regex (one pattern) or a set (which of them match), with
    /// the syntax and configuration of `regex::bytes::{Regex, RegexSet}`.
    pub(crate) fn build<S: AsRef<str>>(
        &mut self,
        patterns: &[S],
        set: bool,
        limits: Limits,
    ) -> Result<Re, regex::Error> {
        build(patterns, set, limits).map(|re| self.register(re))
    }

    /// Give a compiled regex its cache slot.
    pub(crate) fn register(&mut self, re: meta::Regex) -> Re {
        self.all.push(re.clone());
        Re {
            re,
            slot: self.all.len() - 1,
        }
    }

    /// Give a set its cache slot.
    pub(crate) fn register_set(&mut self, parts: SetParts) -> SetRe {
        self.sets.push(parts.clone());
        SetRe {
            parts,
            slot: self.sets.len() - 1,
        }
    }

    /// Compile `pattern` to be asked of many lines (see [`ManyRe`]).
    pub(crate) fn build_many(
        &mut self,
        pattern: &str,
        limits: Limits,
    ) -> Result<ManyRe, regex::Error> {
        let hir = syntax::parse_with(pattern, &syntax::Config::new().utf8(false))
            .map_err(|e| regex::Error::Syntax(e.to_string()))?;
        let nfa = thompson::Compiler::new()
            .configure(nfa_config(limits))
            .build_from_hir(&hir)
            .map_err(nfa_error)?;
        let dfa = lazy::Builder::new()
            .configure(
                lazy::Config::new()
                    .unicode_word_boundary(true)
                    .cache_capacity(limits.cache)
                    // Give up rather than thrash; the PikeVM answers then.
                    .minimum_cache_clear_count(Some(3))
                    .minimum_bytes_per_state(Some(10)),
            )
            .build_from_nfa(nfa.clone())
            .ok();
        let vm = PikeVM::new_from_nfa(nfa).map_err(|e| regex::Error::Syntax(e.to_string()))?;
        let fwd = Arc::new(Fwd { dfa, vm });
        self.many.push(fwd.clone());
        Ok(ManyRe {
            pre: Prefilter::new(&hir),
            fwd,
            slot: self.many.len() - 1,
        })
    }

    /// Compile whole-line `patterns` (anchored at both ends) to be searched backwards.
    pub(crate) fn build_rev<S: AsRef<str>>(
        &mut self,
        patterns: &[S],
        limits: Limits,
    ) -> Result<RevRe, regex::Error> {
        let dfa = lazy::Builder::new()
            .syntax(syntax::Config::new().utf8(false))
            .thompson(nfa_config(limits).reverse(true))
            .configure(
                lazy::Config::new()
                    .match_kind(MatchKind::All)
                    .cache_capacity(limits.cache)
                    // Never give up for a thrashing cache (the search stays correct,
                    // only slower); `\b` on non-ASCII input still stops it (see
                    // `RevRe::is_match`).
                    .minimum_cache_clear_count(None)
                    .unicode_word_boundary(true),
            )
            .build_many(patterns)
            .map_err(|e| regex::Error::Syntax(e.to_string()))?;
        self.rev.push(dfa.clone());
        Ok(RevRe {
            dfa,
            slot: self.rev.len() - 1,
        })
    }

    /// Fresh caches for every regex, for the rule set `owner`.
    pub(crate) fn scratch(&self, owner: u64) -> Scratch {
        Scratch {
            owner,
            caches: self.all.iter().map(meta::Regex::create_cache).collect(),
            rev_caches: self.rev.iter().map(lazy::Cache::new).collect(),
            many_caches: self.many.iter().map(|f| f.create_caches()).collect(),
            set_caches: self
                .sets
                .iter()
                .map(|p| SetCaches {
                    full: p.full.create_caches(),
                    which: PatternSet::new(p.full.vm.pattern_len()),
                })
                .collect(),
            sets: self
                .all
                .iter()
                .map(|r| PatternSet::new(r.pattern_len()))
                .collect(),
            which: Vec::new(),
            indexes: Vec::new(),
            folded: Vec::new(),
        }
    }
}

/// Compile without registering (for a check that only needs the error).
pub(crate) fn build<S: AsRef<str>>(
    patterns: &[S],
    set: bool,
    limits: Limits,
) -> Result<meta::Regex, regex::Error> {
    let config = meta::Config::new()
        .nfa_size_limit(Some(limits.size))
        .hybrid_cache_capacity(limits.cache)
        .utf8_empty(false);
    let config = if set {
        config
            .match_kind(MatchKind::All)
            .which_captures(regex_automata::nfa::thompson::WhichCaptures::None)
    } else {
        config.match_kind(MatchKind::LeftmostFirst)
    };
    meta::Builder::new()
        .configure(config)
        .syntax(syntax::Config::new().utf8(false))
        .build_many(patterns)
        .map_err(to_regex_error)
}

/// Whether `pattern` compiles within `limits.size`, as its forward automaton (the larger of
/// the two a `meta` regex builds, with capture groups) and without building the rest.
pub(crate) fn check_size(pattern: &str, limits: Limits) -> Result<(), regex::Error> {
    let config = nfa_config(limits).which_captures(thompson::WhichCaptures::All);
    compile_nfa(&[pattern], config).map(drop)
}

/// Compile `patterns` into one automaton, with the syntax of [`build`].
fn compile_nfa<S: AsRef<str>>(
    patterns: &[S],
    config: thompson::Config,
) -> Result<thompson::NFA, regex::Error> {
    thompson::Compiler::new()
        .syntax(syntax::Config::new().utf8(false))
        .configure(config)
        .build_many(patterns)
        .map_err(nfa_error)
}

fn nfa_error(e: thompson::BuildError) -> regex::Error {
    match e.size_limit() {
        Some(limit) => regex::Error::CompiledTooBig(limit),
        None => regex::Error::Syntax(e.to_string()),
    }
}

/// The automaton of patterns only asked whether (and which) match: no capture groups.
fn nfa_config(limits: Limits) -> thompson::Config {
    thompson::Config::new()
        .utf8(false)
        .nfa_size_limit(Some(limits.size))
        .which_captures(thompson::WhichCaptures::None)
}

/// Compile `patterns`, each anchored at the start (`^…`), into the parts of a [`SetRe`],
/// with the syntax of [`build`] and the lazy DFA configured as `meta` configures its own,
/// every automaton built here, so that searching never compiles.
pub(crate) fn build_set<S: AsRef<str>>(
    patterns: &[S],
    limits: Limits,
) -> Result<SetParts, regex::Error> {
    let nfa = compile_nfa(patterns, nfa_config(limits))?;
    // Only a cache capacity too small for a few states fails to build a DFA: the PikeVM
    // alone then.
    let dfa = lazy::Builder::new()
        .configure(set_dfa_config(limits.cache).unicode_word_boundary(true))
        .build_from_nfa(nfa.clone())
        .ok();
    let vm = pikevm::Builder::new()
        .configure(pikevm::Config::new().match_kind(MatchKind::All))
        .build_from_nfa(nfa)
        .map_err(nfa_error)?;
    Ok(SetParts {
        full: Arc::new(Fwd { dfa, vm }),
    })
}

/// The lazy DFAs of a set, configured as `meta` configures its own.
fn set_dfa_config(cache: usize) -> lazy::Config {
    lazy::Config::new()
        .match_kind(MatchKind::All)
        .cache_capacity(cache)
        .minimum_cache_clear_count(Some(3))
        .minimum_bytes_per_state(Some(10))
}

impl Fwd {
    fn create_caches(&self) -> FwdCaches {
        (
            self.dfa.as_ref().map(lazy::Cache::new),
            self.vm.create_cache(),
        )
    }

    /// Whether it matches `input` (asked for the earliest match).
    #[inline]
    fn is_match(&self, (dfa_cache, vm_cache): &mut FwdCaches, input: Input<'_>) -> bool {
        if let (Some(dfa), Some(cache)) = (&self.dfa, dfa_cache) {
            if let Ok(m) = dfa.try_search_fwd(cache, &input) {
                return m.is_some();
            }
        }
        self.vm.is_match(vm_cache, input)
    }
}

/// The error `regex` reports for the same failure.
fn to_regex_error(e: BuildError) -> regex::Error {
    if let Some(limit) = e.size_limit() {
        regex::Error::CompiledTooBig(limit)
    } else if let Some(s) = e.syntax_error() {
        regex::Error::Syntax(s.to_string())
    } else {
        regex::Error::Syntax(e.to_string())
    }
}

impl Re {
    /// Whether it matches anywhere in `hay`.
    #[inline]
    pub(crate) fn is_match(&self, sc: &mut Scratch, hay: &[u8]) -> bool {
        self.re
            .is_match_with(&mut sc.caches[self.slot], &Input::new(hay))
    }

    /// The leftmost-first match in `hay`.
    pub(crate) fn find(&self, sc: &mut Scratch, hay: &[u8]) -> Option<Range<usize>> {
        self.re
            .search_with(&mut sc.caches[self.slot], &Input::new(hay))
            .map(|m| m.range())
    }

    /// Every successive non-overlapping match, as `regex`'s `find_iter` gives them.
    pub(crate) fn find_each(
        &self,
        sc: &mut Scratch,
        hay: &[u8],
        mut each: impl FnMut(Range<usize>),
    ) {
        let cache = &mut sc.caches[self.slot];
        let mut it = Searcher::new(Input::new(hay));
        while let Some(m) = it.advance(|input| Ok(self.re.search_with(cache, input))) {
            each(m.range());
        }
    }

    /// Every successive non-overlapping match, as [`Re::find_each`] gives them, less what
    /// the pattern's group named `keep` matched (a match with such a group gives the parts
    /// before and after it). A pattern without that group gives whole matches.
    pub(crate) fn find_each_unkept(
        &self,
        sc: &mut Scratch,
        hay: &[u8],
        mut each: impl FnMut(Range<usize>),
    ) {
        let Some(keep) = self
            .re
            .group_info()
            .to_index(regex_automata::PatternID::ZERO, "keep")
        else {
            return self.find_each(sc, hay, each);
        };
        let cache = &mut sc.caches[self.slot];
        let mut caps = self.re.create_captures();
        let mut at = 0;
        while at <= hay.len() {
            self.re
                .search_captures_with(cache, &Input::new(hay).range(at..), &mut caps);
            let Some(m) = caps.get_match() else {
                break;
            };
            match caps.get_group(keep) {
                Some(k) => {
                    each(m.start()..k.start);
                    each(k.end..m.end());
                }
                None => each(m.range()),
            }
            at = if m.is_empty() { m.end() + 1 } else { m.end() };
        }
    }

    /// For a set: push the index of every pattern that matches somewhere in `hay` into
    /// `out`, in pattern order.
    pub(crate) fn which(&self, sc: &mut Scratch, hay: &[u8], out: &mut Vec<usize>) {
        let set = &mut sc.sets[self.slot];
        set.clear();
        self.re
            .which_overlapping_matches_with(&mut sc.caches[self.slot], &Input::new(hay), set);
        out.extend(set.iter().map(|p| p.as_usize()));
    }
}

impl SetRe {
    /// Whether any pattern matches `line`.
    #[inline]
    pub(crate) fn is_match(&self, sc: &mut Scratch, line: &[u8]) -> bool {
        let input = Input::new(line).anchored(Anchored::Yes).earliest(true);
        let c = &mut sc.set_caches[self.slot];
        self.parts.full.is_match(&mut c.full, input)
    }

    /// Push the index of every pattern that matches `line` into `out`, in pattern order.
    pub(crate) fn which(&self, sc: &mut Scratch, line: &[u8], out: &mut Vec<usize>) {
        let input = Input::new(line).anchored(Anchored::Yes);
        let c = &mut sc.set_caches[self.slot];
        let (full, (dfa_cache, vm_cache)) = (&self.parts.full, &mut c.full);
        let which = &mut c.which;
        which.clear();
        // This search reads to the end of the line (or of the last pattern alive).
        let decided = match (&full.dfa, dfa_cache) {
            (Some(dfa), Some(cache)) => dfa
                .try_which_overlapping_matches(cache, &input, which)
                .is_ok(),
            _ => false,
        };
        if !decided {
            which.clear();
            full.vm.which_overlapping_matches(vm_cache, &input, which);
        }
        out.extend(which.iter().map(|p| p.as_usize()));
    }
}

impl ManyRe {
    /// Whether it matches somewhere in `hay`.
    #[inline]
    pub(crate) fn is_match(&self, sc: &mut Scratch, hay: &[u8]) -> bool {
        if let Some(pre) = &self.pre {
            if pre.rules_out(&mut sc.folded, hay) {
                return false;
            }
        }
        self.search(sc, hay)
    }

    /// Whether a literal prefilter stands in front of the automaton.
    #[cfg(test)]
    pub(crate) fn has_prefilter(&self) -> bool {
        self.pre.is_some()
    }

    /// Whether it matches somewhere in `hay`, asking the automaton.
    fn search(&self, sc: &mut Scratch, hay: &[u8]) -> bool {
        let input = Input::new(hay).earliest(true);
        self.fwd.is_match(&mut sc.many_caches[self.slot], input)
    }

    /// Set `out[k]` to whether it matches somewhere in `lines[k]`, for every `k`: the
    /// prefilter asked of all the lines in one go (see [`Prefilter::maybe_each`]), the
    /// automaton of the lines it does not rule out.
    pub(crate) fn is_match_each(&self, sc: &mut Scratch, lines: &[&[u8]], out: &mut Vec<bool>) {
        match &self.pre {
            Some(pre) => pre.maybe_each(&mut sc.folded, lines, out),
            None => {
                out.clear();
                out.resize(lines.len(), true);
            }
        }
        for (k, line) in lines.iter().enumerate() {
            if out[k] {
                out[k] = self.search(sc, line);
            }
        }
    }
}

impl RevRe {
    /// Whether one of the patterns matches the whole of `line`; `None` when the lazy DFA
    /// cannot tell (a Unicode `\b` next to a non-ASCII byte): ask each pattern forwards.
    #[inline]
    pub(crate) fn is_match(&self, sc: &mut Scratch, line: &[u8]) -> Option<bool> {
        let input = Input::new(line).anchored(Anchored::Yes).earliest(true);
        self.dfa
            .try_search_rev(&mut sc.rev_caches[self.slot], &input)
            .ok()
            .map(|m| m.is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: Limits = Limits {
        size: 1 << 20,
        cache: 1 << 20,
    };

    /// A set answers as `regex::bytes::RegexSet` does, also where its lazy DFA gives up (a
    /// Unicode `\b` next to non-ASCII text) or cannot be built (no room for its states).
    #[test]
    fn sets_answer_as_regex_sets_do() {
        let patterns = [
            r"^(?:\w+ (said|says)\b.*)$",
            r"^(?:(?i)photo: .*)$",
            r"^(?:[^.!?]{1,20})$",
            r"^(?:\d{2}:\d{2})$",
        ];
        let lines: [&[u8]; 7] = [
            b"She said it",
            "Вона said\u{e9} it".as_bytes(),
            "Вона said it".as_bytes(),
            b"PHOTO: a cat",
            b"12:30",
            b"One. Two.",
            b"\xff said x",
        ];
        let theirs = regex::bytes::RegexSet::new(patterns).unwrap();
        for cache in [LIMITS.cache, 1] {
            let mut reg = Registry::default();
            let set = reg.register_set(build_set(&patterns, Limits { cache, ..LIMITS }).unwrap());
            assert_eq!(set.parts.full.dfa.is_some(), cache > 1);
            let mut sc = reg.scratch(1);
            for line in lines {
                let want: Vec<usize> = theirs.matches(line).into_iter().collect();
                let mut got = Vec::new();
                set.which(&mut sc, line, &mut got);
                assert_eq!(got, want, "{:?}", String::from_utf8_lossy(line));
                assert_eq!(set.is_match(&mut sc, line), !want.is_empty());
            }
        }
    }

    /// Trigger-set patterns of many kinds: Unicode classes (`\p{Lu}`, `\w`, `\s`), a
    /// Unicode `\b`, case-insensitive letters with non-ASCII case partners (`k` and the
    /// Kelvin sign, `s` and the long s), non-ASCII literals and class members after ASCII
    /// text, a byte class, and the end of the line.
    const SET_PATTERNS: [&str; 10] = [
        r"^(?:(\p{Lu}[\p{L}.'’-]*\s){1,3}(is|was) an? \w+)$",
        r"^(?:(?i)kiss · \d+)$",
        r"^(?:x+[ \x{A0}]\d)$",
        r"^(?:(?i)kiss\b.*)$",
        r"^(?:\w+ said\b.*)$",
        r"^(?:[^.!?]{1,10})$",
        r"^(?:(©|\(c\)) ?\d{4}.*)$",
        r"^(?:(?i)photo ?(by|:) (?-u:[^.\n]){1,12})$",
        r"^(?:(?-u:\xFF)x)$",
        r"^(?:• \S+)$",
    ];

    fn set_line() -> impl proptest::strategy::Strategy<Value = Vec<u8>> {
        lines_of(vec![
            b"a",
            b"K",
            b"s",
            b"I",
            b"Ss",
            b"kiss",
            b"KISS",
            b" ",
            b"  ",
            b".",
            b"-",
            b"'",
            b"7",
            b"2024",
            b"is",
            b" was a ",
            b" said",
            b"photo",
            b"Photo by ",
            b": ",
            b"(c)",
            b"x",
            b"\xFF",
            b" 1 ",
            "·".as_bytes(),
            " · ".as_bytes(),
            "’".as_bytes(),
            "é".as_bytes(),
            "Élan".as_bytes(),
            "\u{212A}".as_bytes(),
            "\u{17F}".as_bytes(),
            "©".as_bytes(),
            "• ".as_bytes(),
            "\u{a0}".as_bytes(),
            "Σ".as_bytes(),
        ])
    }

    proptest::proptest! {
        /// Which patterns of a set match, and whether any does, are those of
        /// `regex::bytes::RegexSet`, for sets of any few of the patterns.
        #[test]
        fn sets_answer_as_regex_sets_do_on_any_line(
            line in set_line(),
            pick in 1u32..(1 << SET_PATTERNS.len()),
        ) {
            let patterns: Vec<&str> = (0..SET_PATTERNS.len())
                .filter(|k| pick & (1 << k) != 0)
                .map(|k| SET_PATTERNS[k])
                .collect();
            let mut reg = Registry::default();
            let set = reg.register_set(build_set(&patterns, LIMITS).unwrap());
            let theirs = regex::bytes::RegexSet::new(&patterns).unwrap();
            let mut sc = reg.scratch(9);
            let want: Vec<usize> = theirs.matches(&line).into_iter().collect();
            let mut got = Vec::new();
            set.which(&mut sc, &line, &mut got);
            proptest::prop_assert_eq!(&got, &want);
            proptest::prop_assert_eq!(set.is_match(&mut sc, &line), !want.is_empty());
        }
    }

    /// The automata are built by `build_set` and shared by every clone of the set; an
    /// error building them is returned there (nothing is left to compile, or to fail,
    /// while searching).
    #[test]
    fn the_automata_are_built_with_the_set_and_their_errors_returned() {
        let mut reg = Registry::default();
        let parts = build_set(&SET_PATTERNS, LIMITS).unwrap();
        let set = reg.register_set(parts.clone());
        assert!(Arc::ptr_eq(&parts.full, &set.parts.full));
        let mut sc = reg.scratch(11);
        assert!(set.is_match(&mut sc, "\u{212A}iss".as_bytes()));

        // Spelled out in UTF-8, `\p{L}{20}` does not fit in 64 KiB.
        let small = Limits {
            size: 64 << 10,
            ..LIMITS
        };
        let err = build_set(&[r"\p{L}{20}"], small).unwrap_err();
        assert!(matches!(err, regex::Error::CompiledTooBig(_)), "{err:?}");
    }

    /// Patterns searched with a literal prefilter in front (see [`Prefilter`]): a
    /// case-insensitive alternation as the region's prompts are, with optional parts,
    /// small classes, a non-ASCII alternative, long strings cut, and `(?i)s`/`(?i)k`, whose
    /// classes hold `ſ` and the Kelvin sign; and a case-sensitive one.
    const PREFILTERED: [&str; 4] = [
        r"(?i)(cookies? (policy|settings)|(use|accept)( of)?( all)? cookies|newsletter|subscribe(?-u:\b)|log ?in(?-u:\b)|e-?mail:|©|copyright (©|\(c\)|\d{4})|(our|the) privacy (policy|notice)|(?-u:\b)said:$)",
        r"(?i)ki[sx]s(ing)? me",
        r"all rights reserved (?i:by the owners of this page)",
        r"Share ON Facebook",
    ];

    fn many_line() -> impl proptest::strategy::Strategy<Value = Vec<u8>> {
        lines_of(vec![
            b" ",
            b"a",
            b"the",
            b"THE ",
            b"privacy",
            b"PRIVACY",
            b" policy",
            b" notice",
            b"cookie",
            b"Cookies",
            b" settings",
            b"use",
            b" of",
            b" all",
            b" accept",
            b"NewsLetter",
            b"subscribe",
            b"SUBSCRIBEd",
            b"log",
            b"in",
            b"Login",
            b"e-",
            b"mail",
            b":",
            b"said",
            b"copyright",
            b"(C)",
            b"2024",
            b"kiss",
            b"KIXS",
            b"ing",
            b" me",
            b"all rights reserved ",
            b"BY THE OWNERS OF THIS PAGE",
            b"\xFF",
            b"Share",
            b" ON",
            b" Facebook",
            b"share on facebook",
            b"Share ON Facebook",
            "©".as_bytes(),
            "é".as_bytes(),
            "\u{17F}".as_bytes(),
            "\u{212A}".as_bytes(),
            "Σ".as_bytes(),
        ])
    }

    /// Lines of up to 11 pieces drawn from `pieces`.
    fn lines_of(pieces: Vec<&'static [u8]>) -> impl proptest::strategy::Strategy<Value = Vec<u8>> {
        use proptest::strategy::Strategy;
        proptest::collection::vec(proptest::sample::select(pieces), 0..12)
            .prop_map(|ps| ps.concat())
    }

    proptest::proptest! {
        /// With the prefilter in front, lines asked one at a time and many at once get the
        /// answers of `regex::bytes::Regex`.
        #[test]
        fn prefiltered_searches_answer_as_regex_does_on_any_line(
            lines in proptest::collection::vec(many_line(), 1..6),
            k in 0..PREFILTERED.len(),
        ) {
            let mut reg = Registry::default();
            let re = reg.build_many(PREFILTERED[k], LIMITS).unwrap();
            let theirs = regex::bytes::Regex::new(PREFILTERED[k]).unwrap();
            let mut sc = reg.scratch(4);
            let refs: Vec<&[u8]> = lines.iter().map(Vec::as_slice).collect();
            let want: Vec<bool> = refs.iter().map(|l| theirs.is_match(l)).collect();
            let mut got = Vec::new();
            re.is_match_each(&mut sc, &refs, &mut got);
            proptest::prop_assert_eq!(&got, &want);
            for (l, w) in refs.iter().zip(&want) {
                proptest::prop_assert_eq!(re.is_match(&mut sc, l), *w);
            }
        }
    }

    #[test]
    fn the_prompt_patterns_get_a_prefilter() {
        for p in PREFILTERED {
            let re = Registry::default().build_many(p, LIMITS).unwrap();
            assert!(re.has_prefilter(), "{p}");
        }
        let unfiltered = Registry::default().build_many(r"\w+ing", LIMITS).unwrap();
        assert!(!unfiltered.has_prefilter());
    }

    /// Lines asked at once get the answers they get one at a time: with lines of every
    /// length (empty ones too), with a pattern that matches the empty string, where the DFA
    /// quits (a Unicode `\b` next to non-ASCII text), and with caches small enough to be
    /// cleared (and given up on).
    #[test]
    fn lines_asked_at_once_answer_as_one_at_a_time() {
        let patterns = [
            r"(?i)(cookies? (policy|settings)|newsletter|subscribe(?-u:\b)|©|said:$)",
            r"[a-z]{3}\d|q",
            r"\bsaid\b",
            r"x*",
            r"(?-u:\xFF)z",
        ];
        let mut lines: Vec<Vec<u8>> = [
            "",
            "Subscribe to our NEWSLETTER",
            "He said: it was fine",
            "He said:",
            "Вона said it",
            "Вона saidé it",
            "abc1",
            "© 2024",
            "cookie policy",
            "no match here at all, none",
        ]
        .iter()
        .map(|l| l.as_bytes().to_vec())
        .collect();
        lines.push(b"\xFFz\xFE".to_vec());
        // Lines of many lengths, some with a match at the very end.
        for n in 0..40 {
            let mut l: Vec<u8> = (0..n * 7).map(|k| b"abcdefgh ij"[k % 11]).collect();
            if n % 3 == 0 {
                l.extend_from_slice(b" subscribe");
            }
            lines.push(l);
        }
        let refs: Vec<&[u8]> = lines.iter().map(Vec::as_slice).collect();
        for pattern in patterns {
            let theirs = regex::bytes::Regex::new(pattern).unwrap();
            let want: Vec<bool> = refs.iter().map(|l| theirs.is_match(l)).collect();
            for cache in [LIMITS.cache, 20_000, 6_000, 1] {
                let mut reg = Registry::default();
                let re = reg.build_many(pattern, Limits { cache, ..LIMITS }).unwrap();
                let mut sc = reg.scratch(3);
                for n in [0, 1, 3, refs.len()] {
                    let mut got = Vec::new();
                    re.is_match_each(&mut sc, &refs[..n], &mut got);
                    assert_eq!(got, want[..n], "{pattern} cache {cache}, {n} lines");
                }
            }
        }
    }

    #[test]
    fn searches_as_regex_does() {
        let mut reg = Registry::default();
        let re = reg.build(&[r"a+|(?-u:\xFF)"], false, LIMITS).unwrap();
        let set = reg.build(&["^b$", "a", "x"], true, LIMITS).unwrap();
        let mut sc = reg.scratch(7);
        let hay = b"baa\xFF a";
        let ours: Vec<_> = {
            let mut v = Vec::new();
            re.find_each(&mut sc, hay, |m| v.push(m));
            v
        };
        let theirs: Vec<_> = regex::bytes::Regex::new(r"a+|(?-u:\xFF)")
            .unwrap()
            .find_iter(hay)
            .map(|m| m.range())
            .collect();
        assert_eq!(ours, theirs);
        assert_eq!(re.find(&mut sc, hay), Some(1..3));
        assert!(re.is_match(&mut sc, b"\xFF"));
        assert!(!re.is_match(&mut sc, b"bcd"));
        let mut which = Vec::new();
        set.which(&mut sc, b"b", &mut which);
        assert_eq!(which, [0]);
        which.clear();
        set.which(&mut sc, b"xa", &mut which);
        assert_eq!(which, [1, 2]);
        // Empty matches advance one byte at a time, even inside UTF-8.
        let empty = reg.build(&[""], false, LIMITS).unwrap();
        let mut sc = reg.scratch(8);
        let mut n = 0;
        empty.find_each(&mut sc, "é".as_bytes(), |_| n += 1);
        assert_eq!(n, 3);
    }

    #[test]
    fn errors_read_as_regex_errors() {
        assert!(matches!(
            build(&["("], false, LIMITS),
            Err(regex::Error::Syntax(_))
        ));
        assert!(matches!(
            build(
                &[r"\w{1000}"],
                false,
                Limits {
                    size: 100,
                    cache: 1 << 20
                }
            ),
            Err(regex::Error::CompiledTooBig(100))
        ));
    }
}
