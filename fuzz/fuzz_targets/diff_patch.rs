//! `--diff` output: for any page, applying the diff as `patch` does (lines split at `\n`,
//! `\ No newline at end of file` after a line without one) gives exactly what the filter
//! prints, whatever the line endings (`\n`, `\r\n`, lone `\r`, mixed).
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;

static RULES: LazyLock<clean::RuleSet> =
    LazyLock::new(|| clean::load(&clean::embedded_sources()).expect("embedded rules load"));

#[path = "../../tests/support/patch.rs"]
mod patch;

fuzz_target!(|data: &[u8]| {
    let url = (data.first().copied().unwrap_or(0) % 2 == 0).then_some("https://www.npr.org/x");
    let page = clean::Page::new(data);
    let outcome = RULES.apply(&page, url);
    let cleaned = outcome.render(&page);
    let mut diff = Vec::new();
    let changed = clean::report::diff::write_diff(
        &mut diff,
        "f",
        &page,
        &outcome,
        &RULES,
        &clean::report::Styles::PLAIN,
    )
    .unwrap();
    assert_eq!(changed, cleaned != data);
    assert_eq!(patch::apply(data, &diff), cleaned);
});
