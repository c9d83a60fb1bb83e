//! Malformed rule files are rejected with file, line:column, rule id and the reason.
//! One snapshot per fixture in `tests/fixtures/bad-rules/` (the `dup-*` pair is loaded
//! together below).

use std::fs;

fn error_for(paths: &[&std::path::Path]) -> String {
    let sources: Vec<clean::Source> = paths
        .iter()
        .map(|p| {
            let name = format!("bad-rules/{}", p.file_name().unwrap().to_string_lossy());
            clean::Source::new(name, fs::read_to_string(p).unwrap())
        })
        .collect();
    match clean::load(&sources) {
        Ok(_) => panic!("{paths:?} loaded, but must be rejected"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn bad_rule_files_are_rejected_with_position() {
    insta::glob!("fixtures/bad-rules/*.toml", |path| {
        if path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("dup-")
        {
            return;
        }
        let msg = error_for(&[path]);
        assert!(msg.starts_with("bad-rules/"), "{msg}");
        insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false, omit_expression => true}, {
            insta::assert_snapshot!("rule-error", msg);
        });
    });
}

#[test]
fn duplicate_id_names_both_files() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bad-rules");
    let msg = error_for(&[&dir.join("dup-a.toml"), &dir.join("dup-b.toml")]);
    assert_eq!(
        msg,
        "bad-rules/dup-b.toml:4:6: duplicate rule id `dup/same`: already defined at bad-rules/dup-a.toml:2:6 (rule dup/same)"
    );
}
