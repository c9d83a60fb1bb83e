//! Which rules apply to a page: generic rules always; a site's rules when the page's URL
//! host is one of the site's `hosts` (or a subdomain of one), or when one of its `detect`
//! patterns matches the page text.

use regex_syntax::hir::literal::{ExtractKind, Extractor};
use regex_syntax::hir::{Hir, HirKind, Look};

use super::re::Re;
use super::{Page, RuleSet, Scratch};

/// A site's `detect` patterns, as one regex searched in the page.
#[derive(Debug)]
pub(crate) struct Detect {
    re: Re,
    /// When every match starts at a line start, with one of a few bytes: those bytes. The
    /// page is then searched from the start of each line that begins with one of them
    /// (anchored there), and its other bytes are never read: a pattern such as
    /// `^[0-9]{2}:[0-9]{2}, …$` has no literal to look for, and searching for it read
    /// every byte of every page that was not the site's.
    first: Option<Box<[bool; 256]>>,
}

impl Detect {
    /// `re`, compiled from `hir`.
    pub(crate) fn new(re: Re, hir: &Hir) -> Self {
        let first = starts_at_line(hir).then(|| first_bytes(hir)).flatten();
        Detect { re, first }
    }

    /// Whether a pattern matches somewhere in `page`.
    pub(crate) fn is_match(&self, sc: &mut Scratch, page: &Page<'_>) -> bool {
        let bytes = page.bytes();
        match &self.first {
            None => self.re.is_match(sc, bytes),
            // A page's lines start where a multi-line `^` (CRLF-aware or not) can match,
            // but for the end of a page that ends with a line break: only an empty match
            // could start there, and a pattern with first bytes has none.
            Some(first) => page.lines().iter().any(|l| {
                first[usize::from(bytes[l.start])] && self.re.is_match_at(sc, bytes, l.start)
            }),
        }
    }
}

/// Whether every match of `h` starts where a line starts: it begins with `^` (multi-line,
/// CRLF-aware or not) or `\A`, in every alternative.
fn starts_at_line(h: &Hir) -> bool {
    match h.kind() {
        HirKind::Look(Look::Start | Look::StartLF | Look::StartCRLF) => true,
        HirKind::Concat(xs) => xs.first().is_some_and(starts_at_line),
        HirKind::Alternation(xs) => xs.iter().all(starts_at_line),
        HirKind::Capture(c) => starts_at_line(&c.sub),
        HirKind::Repetition(r) => r.min > 0 && starts_at_line(&r.sub),
        _ => false,
    }
}

/// The bytes a match of `h` can start with, when they are known and no match is empty:
/// the first bytes of its literal prefixes, each of which begins every match.
fn first_bytes(h: &Hir) -> Option<Box<[bool; 256]>> {
    let seq = Extractor::new().kind(ExtractKind::Prefix).extract(h);
    let mut first = Box::new([false; 256]);
    for lit in seq.literals()? {
        first[usize::from(*lit.as_bytes().first()?)] = true;
    }
    Some(first)
}

impl RuleSet {
    /// For each rule, whether it applies to this page.
    pub fn select(&self, page: &Page<'_>, url: Option<&str>) -> Vec<bool> {
        self.with_scratch(|sc| self.select_with(sc, page, url))
    }

    pub(crate) fn select_with(
        &self,
        sc: &mut Scratch,
        page: &Page<'_>,
        url: Option<&str>,
    ) -> Vec<bool> {
        let host = url.and_then(host_of);
        let site_on: Vec<bool> = self
            .sites
            .iter()
            .map(|s| {
                host.as_deref()
                    .is_some_and(|h| s.hosts.iter().any(|sh| host_matches(h, sh)))
                    || s.detect.as_ref().is_some_and(|d| d.is_match(sc, page))
            })
            .collect();
        self.rules
            .iter()
            .map(|r| r.site.is_none_or(|s| site_on[s]))
            .collect()
    }
}

/// The lower-case host of a URL (`https://user@www.NPR.org:443/x` → `www.npr.org`); a bare
/// host (`npr.org/x`) works too.
pub fn host_of(url: &str) -> Option<String> {
    let rest = url.trim();
    let rest = rest.split_once("://").map_or(rest, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if host.starts_with('[') {
        host.split_inclusive(']').next().unwrap_or(host)
    } else {
        host.split(':').next().unwrap_or(host)
    };
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    (!host.is_empty()).then_some(host)
}

fn host_matches(host: &str, site: &str) -> bool {
    host == site || host.strip_suffix(site).is_some_and(|p| p.ends_with('.'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::re::{Limits, Registry};

    /// Detect patterns as `engine::compile` wraps them (multi-line, CRLF-aware): some that
    /// only match from a line start, with few first bytes (searched line by line); some
    /// that do not, or that start with any byte or can match empty (searched as a whole).
    const DETECT: [&str; 9] = [
        r"(?mR:^[0-9]{2}:[0-9]{2}, [0-9]{2}\.[0-9]{2}\.[0-9]{4}$)",
        r"(?mR:^Play Live Radio$)|(?mR:^(?i)copyright 20\d\d)",
        r"(?mR:^ *Next Up:)",
        r"(?mR:^$)",
        r"(?mR:^(a|b)+\r?$)",
        r"(?mR:\AHeadline)",
        r"(?mR:^é)",
        r"(?mR:Radio$)|(?mR:^Play)",
        r"(?mR:^.)",
    ];

    fn page() -> impl proptest::strategy::Strategy<Value = Vec<u8>> {
        use proptest::strategy::Strategy;
        let pieces: Vec<&[u8]> = vec![
            b"12",
            b"07",
            b":",
            b"34",
            b", ",
            b".",
            b"2024",
            b"\n",
            b"\r",
            b"\r\n",
            b" ",
            b"\t",
            b"Play Live Radio",
            b"Radio",
            b"Play",
            b"COPYRIGHT 2019",
            b"Next Up:",
            b"a",
            b"b",
            b"Headline",
            "é".as_bytes(),
            b"\xC3",
            b"\xFF",
            b"x",
        ];
        proptest::collection::vec(proptest::sample::select(pieces), 0..24)
            .prop_map(|ps| ps.concat())
    }

    #[test]
    fn line_anchored_patterns_are_searched_by_line() {
        let lined = |src: &str| {
            let hir = regex_syntax::ParserBuilder::new()
                .utf8(false)
                .build()
                .parse(src)
                .unwrap();
            starts_at_line(&hir)
                .then(|| first_bytes(&hir))
                .flatten()
                .is_some()
        };
        let got: Vec<bool> = DETECT.iter().map(|p| lined(p)).collect();
        let want = [true, true, true, false, true, true, true, false, false];
        assert_eq!(got, want);
    }

    proptest::proptest! {
        /// Searched line by line or as a whole, a site's detect patterns match the pages
        /// `regex::bytes::Regex` says they do: lines ending in `\n`, `\r\n` or a lone `\r`,
        /// empty lines, pages ending with or without a line break, invalid UTF-8.
        #[test]
        fn detection_answers_as_regex_does(bytes in page(), k in 0..DETECT.len()) {
            let mut reg = Registry::default();
            let limits = Limits { size: 1 << 20, cache: 1 << 20 };
            let re = reg.build(&[DETECT[k]], false, limits).unwrap();
            let hir = regex_syntax::ParserBuilder::new().utf8(false).build().parse(DETECT[k]).unwrap();
            let detect = Detect::new(re, &hir);
            let mut sc = reg.scratch(12);
            let want = regex::bytes::Regex::new(DETECT[k]).unwrap().is_match(&bytes);
            proptest::prop_assert_eq!(detect.is_match(&mut sc, &Page::new(&bytes)), want);
        }
    }

    #[test]
    fn hosts() {
        assert_eq!(
            host_of("https://user@www.NPR.org:443/x?y").as_deref(),
            Some("www.npr.org")
        );
        assert_eq!(host_of("npr.org/sections").as_deref(), Some("npr.org"));
        assert_eq!(host_of("http://[::1]:80/").as_deref(), Some("[::1]"));
        assert_eq!(host_of(""), None);
        assert!(host_matches("www.npr.org", "npr.org"));
        assert!(host_matches("npr.org", "npr.org"));
        assert!(!host_matches("notnpr.org", "npr.org"));
    }
}
