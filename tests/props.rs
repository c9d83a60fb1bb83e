//! Property tests over arbitrary bytes and random rule sets built from every rule kind:
//! layout normalisation is all that happens with no rules; drop rules only ever remove
//! whole lines; the default rules are idempotent (for the same site selection, and without
//! a URL on pages no site claims); `--diff` applied as `patch` applies it gives the filter's
//! output; nothing panics.

use proptest::prelude::*;

#[path = "support/patch.rs"]
mod patch;

/// Lines with their terminators (`\n`, `\r\n`, lone `\r`), as the engine splits them.
fn lines(b: &[u8]) -> Vec<&[u8]> {
    let mut v = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\n' => {
                v.push(&b[start..=i]);
                start = i + 1;
            }
            b'\r' if b.get(i + 1) == Some(&b'\n') => {
                v.push(&b[start..i + 2]);
                i += 1;
                start = i + 1;
            }
            b'\r' => {
                v.push(&b[start..=i]);
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    if start < b.len() {
        v.push(&b[start..]);
    }
    v
}

fn content(l: &[u8]) -> &[u8] {
    let l = l.strip_suffix(b"\n").unwrap_or(l);
    l.strip_suffix(b"\r").unwrap_or(l)
}

fn blank(l: &[u8]) -> bool {
    let s = clean::engine::page::trim(content(l));
    s.is_empty()
}

/// Is `sub` a subsequence of `of`, comparing lines byte for byte — except that the last
/// line of `sub` may have gained the newline its source lacked.
fn is_subsequence(sub: &[&[u8]], of: &[&[u8]]) -> bool {
    let mut it = of.iter();
    sub.iter().enumerate().all(|(k, s)| {
        let last = k + 1 == sub.len();
        it.any(|o| {
            o == s
                || (last && content(o) == content(s) && !o.ends_with(b"\n") && !o.ends_with(b"\r"))
        })
    })
}

/// Page-like bytes: lines from a small alphabet (so rules match), plus arbitrary bytes.
fn page() -> impl Strategy<Value = Vec<u8>> {
    let line = prop_oneof![
        Just(b"Advertising".to_vec()),
        Just(b"Play Live Radio".to_vec()),
        Just(b"Next Up:".to_vec()),
        Just(b"MORE ABOUT".to_vec()),
        Just(b"19:04, 07.01.2026".to_vec()),
        Just(b"A caption that is long enough.".to_vec()),
        Just(b"Jane Doe/AP".to_vec()),
        Just(b"Thanks. Transcript provided by NPR, Copyright NPR.".to_vec()),
        Just(b"Copyright 2019 NPR. To see more, visit".to_vec()),
        Just(b"".to_vec()),
        Just(b"   ".to_vec()),
        Just("  \u{2022} Embed".as_bytes().to_vec()),
        // Prose, so that the region rule has a run to find, and Markdown, so that the
        // strip rules change lines.
        Just(
            b"The council voted on Monday to close the old bridge for repairs next year.".to_vec()
        ),
        Just(
            b"Residents said the detour would add twenty minutes to their daily commute.".to_vec()
        ),
        Just(
            b"Read the [full report](https://example.com/r) before the meeting, she said.".to_vec()
        ),
        Just(b"* [Home](https://example.com/)".to_vec()),
        "[a-z ]{0,12}".prop_map(|s| s.into_bytes()),
        proptest::collection::vec(any::<u8>(), 0..12),
    ];
    let term = prop_oneof![
        Just(&b"\n"[..]),
        Just(&b"\r\n"[..]),
        Just(&b"\r"[..]),
        Just(&b""[..])
    ];
    proptest::collection::vec((line, term), 0..24).prop_map(|v| {
        let mut out = Vec::new();
        for (l, t) in v {
            out.extend_from_slice(&l);
            out.extend_from_slice(t);
        }
        out
    })
}

/// A random rule file using every kind, with patterns drawn from a small set.
fn rule_file() -> impl Strategy<Value = String> {
    let pat = prop_oneof![
        Just("Advertising"),
        Just("[A-Z ]+"),
        Just(r"\d\d:\d\d, .*"),
        Just("Next Up:"),
        Just(".{1,5}"),
        Just(r"•\s*\w+"),
        Just(".*NPR.*"),
    ];
    let kind = prop_oneof![
        pat.clone().prop_map(|p| format!("kind = \"drop\"\npatterns = ['{p}']\nlines = [\"Play Live Radio\"]")),
        pat.clone().prop_map(|p| format!("kind = \"strip\"\nspans = ['{p}']")),
        pat.clone().prop_map(|p| format!("kind = \"cut\"\nspans = ['{p}']")),
        (pat.clone(), pat.clone(), 0..3i64, any::<bool>()).prop_map(|(a, b, g, sb)| format!(
            "kind = \"block\"\npatterns = ['{a}']\nwhile = ['{b}']\nmax-gap = {g}\nskip-blank = {sb}"
        )),
        (pat.clone(), pat.clone()).prop_map(|(a, b)| format!("kind = \"block\"\npatterns = ['{a}']\nend = ['{b}']")),
        (1..4i64, any::<bool>(), 1..10i64).prop_map(|(w, d, m)| format!(
            "kind = \"repeat\"\nwithin = {w}\ndrop-between = {d}\nmin-chars = {m}"
        )),
    ];
    proptest::collection::vec(kind, 0..6).prop_map(|ks| {
        ks.iter()
            .enumerate()
            .map(|(i, k)| format!("[[rule]]\nid = \"p/r{i}\"\nwhy = \"property test\"\n{k}\n"))
            .collect()
    })
}

fn drop_file() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            Just("Advertising"),
            Just("[A-Z ]+"),
            Just(".{1,5}"),
            Just(r"\d.*"),
            Just(".*NPR.*")
        ],
        1..4,
    )
    .prop_map(|ps| {
        ps.iter()
            .enumerate()
            .map(|(i, p)| {
                format!(
                    "[[rule]]\nid = \"p/d{i}\"\nwhy = \"w\"\nkind = \"drop\"\npatterns = ['{p}']\n"
                )
            })
            .collect()
    })
}

fn layout_holds(input: &[u8], out: &[u8]) {
    let (i, o) = (lines(input), lines(out));
    assert!(is_subsequence(&o, &i), "output lines are not input lines");
    if !out.is_empty() {
        assert!(
            out.ends_with(b"\n") || out.ends_with(b"\r"),
            "no final newline"
        );
        assert!(
            !blank(o[0]) && !blank(o[o.len() - 1]),
            "leading or trailing blank line"
        );
    }
    assert!(
        !o.windows(2).any(|w| blank(w[0]) && blank(w[1])),
        "a blank-line run survived"
    );
}

static DEFAULT_RULES: std::sync::LazyLock<clean::RuleSet> =
    std::sync::LazyLock::new(|| clean::load(&clean::embedded_sources()).unwrap());

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn no_rules_is_layout_only(input in page()) {
        let rules = clean::load(&[]).unwrap();
        let out = rules.clean(&input, None);
        layout_holds(&input, &out);
        // Every non-blank line survives, in order.
        let kept: Vec<&[u8]> = lines(&input).into_iter().filter(|l| !blank(l)).map(content).collect();
        let got: Vec<&[u8]> = lines(&out).into_iter().filter(|l| !blank(l)).map(content).collect();
        prop_assert_eq!(kept, got);
    }

    #[test]
    fn drop_rules_only_remove_whole_lines(input in page(), file in drop_file()) {
        let rules = clean::load(&[clean::Source::new("p.toml", file)]).unwrap();
        layout_holds(&input, &rules.clean(&input, None));
    }

    /// Cleaning the output again with the same rules changes nothing. "The same rules":
    /// the site a page was detected as is kept for the second pass (with `--url` it would
    /// be), since cleaning removes the very markers that detect it.
    #[test]
    fn default_rules_are_idempotent(input in page()) {
        let rules = &*DEFAULT_RULES;
        let page = clean::Page::new(&input);
        let active = rules.select(&page, None);
        let once = rules.apply_active(&page, &active).render(&page);
        let again = clean::Page::new(&once);
        prop_assert_eq!(rules.apply_active(&again, &active).render(&again), once);
    }

    /// Without a URL, as a second `clean` runs: the second pass picks its site rules from
    /// the cleaned text. A page no site claims comes out the same (a page a site's markers
    /// claimed may lose them in cleaning: docs/robustness.md).
    #[test]
    fn default_rules_are_idempotent_without_a_url(input in page()) {
        let rules = &*DEFAULT_RULES;
        let page = clean::Page::new(&input);
        let active = rules.select(&page, None);
        if active == rules.select(&clean::Page::new(b""), None) {
            let once = rules.clean(&input, None);
            prop_assert_eq!(rules.clean(&once, None), once);
        }
    }

    #[test]
    fn any_rule_set_on_any_bytes_never_panics(input in page(), raw in proptest::collection::vec(any::<u8>(), 0..64), file in rule_file()) {
        let rules = clean::load(&[clean::Source::new("p.toml", file)]).unwrap();
        let _ = rules.clean(&input, None);
        let _ = rules.clean(&raw, None);
        let page = clean::Page::new(&input);
        let o = rules.apply(&page, Some("https://npr.org/x"));
        for r in o.removals() {
            prop_assert!(r.bytes.end <= input.len());
        }
    }

    /// `--diff` and the filter agree: the diff applied as `patch` applies it gives what
    /// the filter prints, for LF, CRLF, lone CR and mixed line endings, with and without a
    /// URL (pages over the cap: `r19_02_…` in `tests/robustness.rs`).
    #[test]
    fn diff_applies_to_the_filter_output(input in page(), url in proptest::bool::ANY) {
        static RULES: std::sync::LazyLock<clean::RuleSet> = std::sync::LazyLock::new(|| {
            clean::load(&clean::embedded_sources()).unwrap()
        });
        let rules = &*RULES;
        let url = url.then_some("https://www.npr.org/x");
        let page = clean::Page::new(&input);
        let outcome = rules.apply(&page, url);
        let cleaned = outcome.render(&page);
        let mut diff = Vec::new();
        let changed = clean::report::diff::write_diff(
            &mut diff, "f", &page, &outcome, rules, &clean::report::Styles::PLAIN,
        ).unwrap();
        prop_assert_eq!(changed, cleaned != input);
        prop_assert_eq!(patch::apply(&input, &diff), cleaned);
    }
}
