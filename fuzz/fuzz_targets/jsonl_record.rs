//! JSONL records: any line through the record cleaner (the binary's own module) must not
//! panic; a record it accepts comes out as one line of JSON, an object with no duplicate
//! key, whose text field is the page cleaned and every other field byte for byte.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;

#[allow(dead_code)]
#[path = "../../src/cli/jsonl.rs"]
mod jsonl;

static RULES: LazyLock<clean::RuleSet> =
    LazyLock::new(|| clean::load(&clean::embedded_sources()).expect("embedded rules load"));

fuzz_target!(|data: &[u8]| {
    let fields = jsonl::Fields {
        text: "text",
        url: Some("url"),
        removed: (data.first().copied().unwrap_or(0) % 2 == 0).then_some("removed"),
    };
    let Ok((out, _)) = jsonl::clean_record(&RULES, &fields, data, None, Vec::new()) else {
        return;
    };
    assert_eq!(out.last(), Some(&b'\n'));
    assert!(!out[..out.len() - 1].contains(&b'\n'), "one line out");
    let value: serde_json::Map<String, serde_json::Value> =
        serde_json::from_slice(&out).expect("the output is a JSON object");
    let input: serde_json::Map<String, serde_json::Value> =
        serde_json::from_slice(data).expect("an accepted record is a JSON object");
    let text = input["text"].as_str().expect("text is a string");
    let cleaned = RULES.clean(text.as_bytes(), input.get("url").and_then(|u| u.as_str()));
    assert_eq!(
        value["text"].as_str().unwrap().as_bytes(),
        String::from_utf8_lossy(&cleaned).as_bytes()
    );
    for (k, v) in &input {
        if k != "text" {
            assert_eq!(value.get(k), Some(v), "field {k} kept");
        }
    }
});
