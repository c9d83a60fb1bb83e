//! Which rules apply to a page: a site's rules when the page's URL host is one of the
//! site's `hosts` (or a subdomain of one); without a URL, when one of its `detect` patterns
//! matches the page text. A URL decides alone: detection is only the fallback. Generic
//! rules apply to every page, but for those the `disable` list of a site that applies
//! turns off.

use super::compile::{source, Anchor};
use super::re::Re;
use super::{Page, RuleSet, Scratch};

/// A site's `detect` patterns, as one regex searched in the page.
#[derive(Debug)]
pub(crate) struct Detect {
    re: Re,
}

impl Detect {
    pub(crate) fn new(re: Re) -> Self {
        Detect { re }
    }

    /// Whether a pattern matches somewhere in `page`.
    pub(crate) fn is_match(&self, sc: &mut Scratch, page: &Page<'_>) -> bool {
        self.re.is_match(sc, page.bytes())
    }
}

/// For each rule of `rs`, whether it applies to this page ([`RuleSet::select`]).
pub(crate) fn active(
    rs: &RuleSet,
    sc: &mut Scratch,
    page: &Page<'_>,
    url: Option<&str>,
) -> Vec<bool> {
    let host = url.and_then(host_of);
    let site_on: Vec<bool> = rs
        .sites
        .iter()
        .map(|s| match &host {
            Some(h) => s.hosts.iter().any(|sh| host_matches(h, sh)),
            None => s.detect.as_ref().is_some_and(|d| d.is_match(sc, page)),
        })
        .collect();
    let mut active: Vec<bool> = rs
        .rules
        .iter()
        .map(|r| r.site.is_none_or(|s| site_on[s]))
        .collect();
    for (s, _) in rs.sites.iter().zip(&site_on).filter(|(_, on)| **on) {
        for &r in &s.disable {
            active[r as usize] = false;
        }
    }
    active
}

/// The sites of `rs` whose rules apply to this page, and why
/// ([`RuleSet::sites_applied`]).
pub(crate) fn applied(rs: &RuleSet, page: &Page<'_>, url: Option<&str>) -> Vec<SiteApplied> {
    let host = url.and_then(host_of);
    rs.sites
        .iter()
        .enumerate()
        .filter_map(|(site, s)| {
            let reason = match &host {
                Some(h) => Reason::Host {
                    host: h.clone(),
                    matched: s.hosts.iter().find(|sh| host_matches(h, sh))?.clone(),
                },
                None => detect_reason(page, &s.detect_patterns)?,
            };
            Some(SiteApplied { site, reason })
        })
        .collect()
}

/// A site whose rules apply to a page ([`RuleSet::sites_applied`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteApplied {
    /// Index into [`RuleSet::sites`].
    pub site: usize,
    /// Why.
    pub reason: Reason,
}

/// Why a site's rules apply to a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// The page's URL host is one of the site's `hosts` (or a subdomain of one).
    Host {
        /// The URL's host.
        host: String,
        /// The entry of `hosts` it matched.
        matched: String,
    },
    /// No URL: a `detect` pattern matched.
    Detect {
        /// The pattern, as written.
        pattern: String,
        /// 0-based line where its first match starts.
        line: usize,
    },
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Reason::Host { host, matched } if host == matched => {
                write!(f, "the URL's host is {host}")
            }
            Reason::Host { host, matched } => {
                write!(f, "the URL's host {host} is in {matched}")
            }
            Reason::Detect { pattern, line } => write!(
                f,
                "no URL; detect pattern `{pattern}` matches line {}",
                line + 1
            ),
        }
    }
}

/// The pattern that matches first in `page`, and the line where that match starts. Only
/// `--explain` asks, so each pattern is compiled here; one the `regex` crate refuses
/// (say, over its default size limit) is passed over.
fn detect_reason(page: &Page<'_>, patterns: &[String]) -> Option<Reason> {
    patterns
        .iter()
        .filter_map(|p| {
            let re = regex::bytes::Regex::new(&source(p, Anchor::Page)).ok()?;
            let at = re.find(page.bytes())?.start();
            let line = page
                .lines()
                .partition_point(|l| l.start <= at)
                .saturating_sub(1);
            Some((
                at,
                Reason::Detect {
                    pattern: p.clone(),
                    line,
                },
            ))
        })
        .min_by_key(|(at, _)| *at)
        .map(|(_, r)| r)
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

    /// Detect patterns as `engine::compile` wraps them (multi-line, CRLF-aware).
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

    proptest::proptest! {
        /// A site's detect patterns match the pages
        /// `regex::bytes::Regex` says they do: lines ending in `\n`, `\r\n` or a lone `\r`,
        /// empty lines, pages ending with or without a line break, invalid UTF-8.
        #[test]
        fn detection_answers_as_regex_does(bytes in page(), k in 0..DETECT.len()) {
            let mut reg = Registry::default();
            let limits = Limits { size: 1 << 20, cache: 1 << 20 };
            let re = reg.build(&[DETECT[k]], false, limits).unwrap();
            let detect = Detect::new(re);
            let mut sc = reg.scratch(12);
            let want = regex::bytes::Regex::new(DETECT[k]).unwrap().is_match(&bytes);
            proptest::prop_assert_eq!(detect.is_match(&mut sc, &Page::new(&bytes)), want);
        }
    }

    /// A site file (`hosts` and `detect`) that drops "Ad" lines and turns off what
    /// `disable` lists, and generic rules: a drop of "Menu" lines, a cut at "Footer".
    fn site_and_generic(disable: &str) -> RuleSet {
        let site = format!(
            "[site]\nhosts = [\"ledger.example\"]\ndetect = ['^Evening Ledger$']\ndisable = [{disable}]\n\
             [[rule]]\nid = \"ledger/ad\"\nwhy = \"ad\"\nkind = \"drop\"\nlines = [\"Ad\"]\n"
        );
        let generic = "[[rule]]\nid = \"g/menu\"\nwhy = \"menu\"\nkind = \"drop\"\nlines = [\"Menu\"]\n\
                       [[rule]]\nid = \"g/footer\"\nwhy = \"footer\"\nkind = \"cut\"\nlines = [\"Footer\"]\n";
        crate::load(&[
            crate::Source::new("g.toml", generic),
            crate::Source::new("ledger.toml", site),
        ])
        .unwrap()
    }

    const PAGE: &[u8] = b"Evening Ledger\nMenu\nAd\nText.\nFooter\nx\n";

    #[test]
    fn a_url_decides_alone_and_detection_is_the_fallback() {
        let rs = site_and_generic("");
        // No URL: the detect line claims the page.
        assert_eq!(rs.clean(PAGE, None), b"Evening Ledger\nText.\n");
        // Another site's URL: the same line does not.
        let other = Some("https://news.example.org/a");
        assert_eq!(rs.clean(PAGE, other), b"Evening Ledger\nAd\nText.\n");
        // The site's own URL (a subdomain), with or without the detect line.
        let own = Some("https://www.ledger.example/a");
        assert_eq!(rs.clean(b"Ad\nText.\n", own), b"Text.\n");
        // A URL without a host is no URL.
        assert_eq!(rs.clean(PAGE, Some("")), b"Evening Ledger\nText.\n");
    }

    #[test]
    fn site_files_add_to_generic_rules_but_for_what_they_disable() {
        let by_id = site_and_generic("\"g/menu\"");
        assert_eq!(by_id.clean(PAGE, None), b"Evening Ledger\nMenu\nText.\n");
        let by_kind = site_and_generic("\"cut\"");
        assert_eq!(
            by_kind.clean(PAGE, None),
            b"Evening Ledger\nText.\nFooter\nx\n"
        );
        // Only on the site's pages: elsewhere the generic rules all run.
        assert_eq!(by_id.clean(b"Menu\nText.\n", None), b"Text.\n");
        // A site never disables its own rules; an id no file has is no error.
        let own = site_and_generic("\"drop\", \"ledger/ad\", \"other/gone\"");
        assert_eq!(own.clean(PAGE, None), b"Evening Ledger\nMenu\nText.\n");
    }

    #[test]
    fn sites_applied_say_why() {
        let rs = site_and_generic("");
        assert_eq!(
            rs.sites_applied(&Page::new(b"x\r\nEvening Ledger\r\n"), None),
            vec![SiteApplied {
                site: 0,
                reason: Reason::Detect {
                    pattern: "^Evening Ledger$".into(),
                    line: 1
                }
            }]
        );
        let reason =
            &rs.sites_applied(&Page::new(PAGE), Some("http://www.ledger.example"))[0].reason;
        assert_eq!(
            reason.to_string(),
            "the URL's host www.ledger.example is in ledger.example"
        );
        assert!(rs
            .sites_applied(&Page::new(PAGE), Some("http://a.example.org"))
            .is_empty());
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
