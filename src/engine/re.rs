//! Compiled regexes that search with scratch space the caller owns.
//!
//! `regex::bytes::Regex` fetches its search cache from a shared pool on every call. Over
//! short lines that is a large share of the work: 41 ns a call against 16 ns with a cache
//! in hand (measured on 8-byte lines), and the engine makes several calls per line. So
//! the engine builds its regexes with `regex-automata` (the engine under `regex`, with the
//! same syntax and the same configuration) and keeps their caches itself, in a
//! [`Scratch`] per thread and rule set.

use std::ops::Range;

use regex_automata::hybrid::dfa as lazy;
use regex_automata::meta::{self, BuildError};
use regex_automata::nfa::thompson;
use regex_automata::nfa::thompson::pikevm::{self, PikeVM};
use regex_automata::util::iter::Searcher;
use regex_automata::util::syntax;
use regex_automata::{Anchored, Input, MatchKind, PatternSet};

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

/// Whole-line patterns (each anchored at the line start) as one forward automaton, asked
/// whether any matches a line and which do: a lazy DFA, and the PikeVM for the rare search
/// the DFA gives up on (a Unicode `\b` next to non-ASCII text, a thrashing cache), as a
/// `meta` regex would. A `meta` regex also compiles the reverse automaton, which only says
/// where a match starts: a set never asks that, and it was half the set's build time at
/// start-up.
#[derive(Debug, Clone)]
pub(crate) struct SetRe {
    dfa: Option<lazy::DFA>,
    vm: PikeVM,
    slot: usize,
}

/// A [`SetRe`] built and not yet given its cache slot.
pub(crate) type SetParts = (Option<lazy::DFA>, PikeVM);

/// Search caches for every regex of one rule set. Not shared between threads.
#[derive(Debug)]
pub(crate) struct Scratch {
    /// The rule set these caches belong to.
    pub(crate) owner: u64,
    caches: Vec<meta::Cache>,
    rev_caches: Vec<lazy::Cache>,
    set_caches: Vec<(Option<lazy::Cache>, pikevm::Cache, PatternSet)>,
    /// Which patterns of a set matched (used by set regexes only).
    sets: Vec<PatternSet>,
    /// A buffer for the callers of [`Re::which`].
    pub(crate) which: Vec<usize>,
}

/// Every regex of a rule set, in slot order.
#[derive(Debug, Default)]
pub(crate) struct Registry {
    all: Vec<meta::Regex>,
    rev: Vec<lazy::DFA>,
    sets: Vec<SetParts>,
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
    pub(crate) fn register_set(&mut self, (dfa, vm): SetParts) -> SetRe {
        self.sets.push((dfa.clone(), vm.clone()));
        SetRe {
            dfa,
            vm,
            slot: self.sets.len() - 1,
        }
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
            set_caches: self
                .sets
                .iter()
                .map(|(dfa, vm)| {
                    let patterns = vm.get_nfa().pattern_len();
                    (
                        dfa.as_ref().map(lazy::Cache::new),
                        vm.create_cache(),
                        PatternSet::new(patterns),
                    )
                })
                .collect(),
            sets: self
                .all
                .iter()
                .map(|r| PatternSet::new(r.pattern_len()))
                .collect(),
            which: Vec::new(),
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
/// with the syntax of [`build`] and the lazy DFA configured as `meta` configures it.
pub(crate) fn build_set<S: AsRef<str>>(
    patterns: &[S],
    limits: Limits,
) -> Result<SetParts, regex::Error> {
    let nfa = compile_nfa(patterns, nfa_config(limits))?;
    let dfa = lazy::Builder::new()
        .configure(
            lazy::Config::new()
                .match_kind(MatchKind::All)
                .unicode_word_boundary(true)
                .cache_capacity(limits.cache)
                .minimum_cache_clear_count(Some(3))
                .minimum_bytes_per_state(Some(10)),
        )
        .build_from_nfa(nfa.clone())
        // Only a cache capacity too small for a few states fails here: the PikeVM alone.
        .ok();
    let vm = pikevm::Builder::new()
        .configure(pikevm::Config::new().match_kind(MatchKind::All))
        .build_from_nfa(nfa)
        .map_err(|e| regex::Error::Syntax(e.to_string()))?;
    Ok((dfa, vm))
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
        let (dfa_cache, vm_cache, _) = &mut sc.set_caches[self.slot];
        if let (Some(dfa), Some(cache)) = (&self.dfa, dfa_cache) {
            if let Ok(m) = dfa.try_search_fwd(cache, &input) {
                return m.is_some();
            }
        }
        self.vm.is_match(vm_cache, input)
    }

    /// Push the index of every pattern that matches `line` into `out`, in pattern order.
    pub(crate) fn which(&self, sc: &mut Scratch, line: &[u8], out: &mut Vec<usize>) {
        let input = Input::new(line).anchored(Anchored::Yes);
        let (dfa_cache, vm_cache, set) = &mut sc.set_caches[self.slot];
        set.clear();
        let by_dfa = match (&self.dfa, dfa_cache) {
            (Some(dfa), Some(cache)) => dfa
                .try_which_overlapping_matches(cache, &input, set)
                .is_ok(),
            _ => false,
        };
        if !by_dfa {
            set.clear();
            self.vm.which_overlapping_matches(vm_cache, &input, set);
        }
        out.extend(set.iter().map(|p| p.as_usize()));
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
            assert_eq!(set.dfa.is_some(), cache > 1);
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
