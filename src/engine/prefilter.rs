//! A literal prefilter for a regex searched somewhere in a line: strings one of which every
//! match holds (pieces of what matches start with, see [`necessary`]), lowercased, and a
//! SIMD multi-literal search (Teddy, in `aho-corasick`) over the lowercased lines.
//!
//! It answers ASCII lines only, and only "no": a line without any of the strings cannot
//! hold a match. On ASCII text a case-insensitive class (`(?i)k` is `[Kk\u{212A}]`) can
//! only match its ASCII members, so lowercasing the line and the literals keeps every
//! match findable, and a literal with a non-ASCII byte (`©`) can never be part of one.
//! Other lines, and lines where a string turns up, go to the automaton.
//!
//! The automaton steps every byte of every line; the literal search skips ahead many
//! bytes at a time, and on news text most ASCII lines hold none of the strings.

use aho_corasick::{AhoCorasick, Input, MatchKind};
use regex_syntax::hir::{Class, Hir, HirKind};

/// Strings shorter than this make a poor filter (`th`, `co`): no prefilter then.
const MIN_LEN: usize = 3;
/// The shortest piece of a string searched for instead of it (see [`pieces_of`]).
const MIN_PIECE: usize = 5;
/// Strings are cut to this length (a longer one filters no better).
const MAX_LEN: usize = 32;
/// At most this many strings (Teddy's limit).
const MAX_COUNT: usize = 64;
/// A class whose ASCII members lowercase to at most this many bytes is expanded (`[ap]`);
/// a larger one (`\d`, `\w`) ends the strings.
const MAX_CLASS: usize = 3;

/// The prefilter of one regex.
#[derive(Debug, Clone)]
pub(crate) struct Prefilter {
    literals: AhoCorasick,
}

impl Prefilter {
    /// The prefilter of `hir`, when every match starts with a string of at least
    /// [`MIN_LEN`] bytes and there are at most [`MAX_COUNT`] of them.
    pub(crate) fn new(hir: &Hir) -> Option<Prefilter> {
        let strings = necessary(hir)?;
        let literals = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostFirst)
            .build(&strings)
            .ok()?;
        Some(Prefilter { literals })
    }

    /// Set `out[k]` to whether the regex may match somewhere in `lines[k]`, for every `k`.
    /// `buf` is scratch space.
    ///
    /// The ASCII lines are lowercased into one buffer, a `\n` after each, and searched in
    /// one go: a search per line costs more in setting out than in reading a line of prose.
    /// A string never holds a `\n`, so it is found within one line (one that does would
    /// only find more lines).
    pub(crate) fn maybe_each(&self, buf: &mut Vec<u8>, lines: &[&[u8]], out: &mut Vec<bool>) {
        out.clear();
        buf.clear();
        // Where each ASCII line starts in `buf`, and its index.
        let mut starts: Vec<(usize, usize)> = Vec::with_capacity(lines.len());
        for (k, line) in lines.iter().enumerate() {
            let ascii = line.is_ascii();
            out.push(!ascii);
            if ascii {
                let start = buf.len();
                starts.push((start, k));
                buf.extend_from_slice(line);
                buf[start..].make_ascii_lowercase();
                buf.push(b'\n');
            }
        }
        let mut at = 0;
        while let Some(m) = self.literals.find(Input::new(&buf[..]).span(at..buf.len())) {
            // The line the string starts in; the search goes on from the next line.
            let line = starts.partition_point(|&(start, _)| start <= m.start()) - 1;
            out[starts[line].1] = true;
            match starts.get(line + 1) {
                Some(&(next, _)) => at = next,
                None => break,
            }
        }
    }

    /// Whether the regex surely does not match somewhere in `line`. `buf` is scratch space
    /// for the lowercased line.
    #[inline]
    pub(crate) fn rules_out(&self, buf: &mut Vec<u8>, line: &[u8]) -> bool {
        if !line.is_ascii() {
            return false;
        }
        buf.clear();
        buf.extend_from_slice(line);
        buf.make_ascii_lowercase();
        !self.literals.is_match(&buf[..])
    }
}

/// The strings (lowercase ASCII) one of which every match of `hir` in ASCII text holds;
/// `None` when some match may start with fewer than [`MIN_LEN`] known bytes, or there are
/// too many strings.
///
/// The strings matches start with are not searched for themselves but through pieces of
/// them, chosen greedily: the piece held by the most strings not yet covered, then the
/// longest. A line with a string has its piece, so nothing is lost; "cookie policy", "accept all cookies" and
/// "we use cookies" are one search for "cookie", and "the privacy" is searched as
/// "privacy", where the search no longer stops at every "the". Fewer strings (at most 32)
/// also let the search take 32 bytes a step instead of 16.
fn necessary(hir: &Hir) -> Option<Vec<Vec<u8>>> {
    let mut strings: Vec<Vec<u8>> = prefixes(hir).into_iter().map(|(s, _)| s).collect();
    if strings.iter().any(|s| s.len() < MIN_LEN) {
        return None;
    }
    strings.sort();
    strings.dedup();
    if strings.len() > MAX_COUNT {
        return None;
    }
    // Every piece, and which strings hold it (a bit per string).
    let mut pieces: Vec<&[u8]> = strings.iter().flat_map(|s| pieces_of(s)).collect();
    pieces.sort_unstable();
    pieces.dedup();
    let pieces: Vec<(&[u8], u64)> = pieces
        .into_iter()
        .map(|piece| {
            let held = strings
                .iter()
                .enumerate()
                .filter(|(_, t)| contains(t, piece))
                .fold(0u64, |m, (k, _)| m | 1 << k);
            (piece, held)
        })
        .collect();
    let mut left: u64 = if strings.len() == 64 {
        u64::MAX
    } else {
        (1 << strings.len()) - 1
    };
    let mut chosen = Vec::new();
    while left != 0 {
        let (piece, held) =
            pieces
                .iter()
                .filter(|(_, held)| held & left != 0)
                .min_by(|(a, ha), (b, hb)| {
                    (hb & left)
                        .count_ones()
                        .cmp(&(ha & left).count_ones())
                        .then_with(|| b.len().cmp(&a.len()))
                        .then_with(|| a.cmp(b))
                })?;
        chosen.push(piece.to_vec());
        left &= !held;
    }
    Some(chosen)
}

/// The pieces of `s` a search may stand on: whole words of it, one or more in a row, of
/// at least [`MIN_PIECE`] bytes, and `s` itself. Not from inside a word: there bytes are
/// far from independent ("his" is rare by its letters and in every "this").
fn pieces_of(s: &[u8]) -> impl Iterator<Item = &[u8]> {
    let starts = (0..s.len()).filter(move |&at| s[at] != b' ' && (at == 0 || s[at - 1] == b' '));
    let ends = move |from: usize| {
        (from + 1..=s.len())
            .filter(move |&end| end == s.len() || (s[end] == b' ' && s[end - 1] != b' '))
    };
    starts
        .flat_map(move |at| ends(at).map(move |end| &s[at..end]))
        .filter(|piece| piece.len() >= MIN_PIECE)
        .chain(std::iter::once(s))
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// A string a match starts with (lowercased), and whether it is the whole match.
type Prefix = (Vec<u8>, bool);

/// What every match of `hir` on ASCII text starts with: an empty list when it cannot match
/// ASCII text at all; an empty, inexact string where nothing is known.
fn prefixes(hir: &Hir) -> Vec<Prefix> {
    let unknown = || vec![(Vec::new(), false)];
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => vec![(Vec::new(), true)],
        HirKind::Literal(lit) => {
            if lit.0.is_ascii() {
                vec![cut(lit.0.to_ascii_lowercase(), true)]
            } else {
                Vec::new()
            }
        }
        HirKind::Class(class) => {
            let mut folded: Vec<u8> = ascii_members(class)
                .map(|b| b.to_ascii_lowercase())
                .collect();
            folded.sort_unstable();
            folded.dedup();
            if folded.len() > MAX_CLASS {
                return unknown();
            }
            folded.into_iter().map(|b| (vec![b], true)).collect()
        }
        HirKind::Capture(cap) => prefixes(&cap.sub),
        HirKind::Repetition(rep) => {
            let sub = prefixes(&rep.sub);
            let sub = if rep.max == Some(1) {
                sub
            } else {
                inexact(sub)
            };
            if rep.min == 0 {
                let mut all = vec![(Vec::new(), true)];
                all.extend(sub);
                all
            } else {
                sub
            }
        }
        HirKind::Concat(parts) => {
            let mut acc: Vec<Prefix> = vec![(Vec::new(), true)];
            for part in parts {
                if acc.iter().all(|(_, exact)| !exact) {
                    break;
                }
                let next = prefixes(part);
                let mut grown = Vec::new();
                for (a, exact) in &acc {
                    if !exact {
                        grown.push((a.clone(), false));
                        continue;
                    }
                    for (b, b_exact) in &next {
                        let mut s = a.clone();
                        s.extend_from_slice(b);
                        grown.push(cut(s, *b_exact));
                    }
                }
                grown.sort();
                grown.dedup();
                if grown.len() > MAX_COUNT {
                    // Too many to follow: what is known so far still starts every match.
                    return inexact(acc);
                }
                acc = grown;
            }
            acc
        }
        HirKind::Alternation(alts) => alts.iter().flat_map(prefixes).collect(),
    }
}

/// `s`, cut to [`MAX_LEN`] bytes (no longer the whole match then).
fn cut(mut s: Vec<u8>, exact: bool) -> Prefix {
    if s.len() > MAX_LEN {
        s.truncate(MAX_LEN);
        return (s, false);
    }
    (s, exact)
}

fn inexact(v: Vec<Prefix>) -> Vec<Prefix> {
    v.into_iter().map(|(s, _)| (s, false)).collect()
}

/// The ASCII bytes a class matches.
fn ascii_members(class: &Class) -> impl Iterator<Item = u8> + '_ {
    let ranges: Vec<(u32, u32)> = match class {
        Class::Unicode(c) => c
            .ranges()
            .iter()
            .map(|r| (r.start() as u32, r.end() as u32))
            .collect(),
        Class::Bytes(c) => c
            .ranges()
            .iter()
            .map(|r| (u32::from(r.start()), u32::from(r.end())))
            .collect(),
    };
    ranges
        .into_iter()
        .filter(|&(lo, _)| lo < 0x80)
        .flat_map(|(lo, hi)| lo..=hi.min(0x7F))
        .map(|b| b as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(p: &str) -> Hir {
        regex_syntax::ParserBuilder::new()
            .utf8(false)
            .build()
            .parse(p)
            .unwrap()
    }

    fn strings(p: &str) -> Option<Vec<String>> {
        necessary(&parse(p)).map(|v| {
            v.into_iter()
                .map(|s| String::from_utf8(s).unwrap())
                .collect()
        })
    }

    #[test]
    fn strings_are_lowercased_and_expanded() {
        assert_eq!(
            strings("(?i)(our|the) privacy|e-?mail:|(?-u:\\b)said:$").unwrap(),
            ["privacy", "e-mail:", "email:", "said:"]
        );
    }

    #[test]
    fn strings_that_share_a_piece_are_searched_by_it() {
        assert_eq!(
            strings("(?i)cookies? policy|(use|accept)( all)? cookies|terms (of|and) (use|service)")
                .unwrap(),
            ["cookie", "terms"]
        );
    }

    #[test]
    fn non_ascii_alternatives_cannot_match_ascii_lines() {
        assert_eq!(strings("©|click here").unwrap(), ["click here"]);
    }

    #[test]
    fn short_or_unknown_starts_give_no_prefilter() {
        assert_eq!(strings("(?i)ab|click"), None);
        assert_eq!(strings("\\d+ shares"), None);
        assert_eq!(strings("x*"), None);
        assert_eq!(strings("(?i)[a-z]+ing"), None);
    }

    #[test]
    fn long_strings_are_cut() {
        assert_eq!(
            strings("all rights reserved, now and for ever, by the owners").unwrap(),
            ["all rights reserved, now and for"]
        );
    }

    #[test]
    fn lines_are_ruled_out_only_when_no_string_is_there() {
        let pre = Prefilter::new(&parse("(?i)sign (up|in)")).unwrap();
        let mut buf = Vec::new();
        assert!(pre.rules_out(&mut buf, b"The treaty was signed in May."));
        assert!(!pre.rules_out(&mut buf, b"Please SIGN UP today"));
        assert!(
            !pre.rules_out(&mut buf, b"Sign\xC3\xA9 up"),
            "not ASCII: not answered"
        );
    }
}
