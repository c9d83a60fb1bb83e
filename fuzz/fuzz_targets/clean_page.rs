//! Cleaning: any bytes through the default rules must not panic, keep kept lines
//! byte-identical (the output's lines appear in the input) and be idempotent.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;

static RULES: LazyLock<clean::RuleSet> =
    LazyLock::new(|| clean::load(&clean::embedded_sources()).expect("embedded rules load"));

fuzz_target!(|data: &[u8]| {
    let page = clean::Page::new(data);
    let outcome = RULES.apply(&page, Some("https://www.npr.org/x"));
    let out = outcome.render(&page);
    assert!(out.len() <= data.len() + 2);
    let again = RULES.clean(&out, Some("https://www.npr.org/x"));
    assert_eq!(again, out, "not idempotent");
    let mut diff = Vec::new();
    let _ = clean::report::diff::write_diff(&mut diff, "f", &page, &outcome, &RULES, &clean::report::Styles::PLAIN);
});
