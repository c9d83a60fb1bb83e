//! Every page in `seeds/` cleaned with the embedded rules: one insta snapshot per page in
//! `snapshots/`, plus a byte-exact comparison with `seeds/expected/<name>` (insta
//! compares after trimming trailing white space and CRLF→LF, so it cannot prove bytes).

use std::fs;
use std::path::Path;

fn rules() -> clean::RuleSet {
    clean::load(&clean::embedded_sources()).expect("embedded rules load")
}

#[test]
fn seeds_match_snapshots_and_expected_bytes() {
    let rules = rules();
    insta::glob!("../seeds", "*.txt", |path| {
        let input = fs::read(path).unwrap();
        let got = rules.clean(&input, None);
        let name = path.file_name().unwrap();
        let expected_path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("seeds/expected")
            .join(name);
        let expected =
            fs::read(&expected_path).unwrap_or_else(|e| panic!("{}: {e}", expected_path.display()));
        assert!(
            got == expected,
            "{} differs from {} byte for byte:\n--- got ---\n{}",
            path.display(),
            expected_path.display(),
            String::from_utf8_lossy(&got)
        );
        insta::with_settings!({
            snapshot_path => "../snapshots",
            prepend_module_to_snapshot => false,
            omit_expression => true,
        }, {
            insta::assert_snapshot!("seed", String::from_utf8(got).unwrap());
        });
    });
}

#[test]
fn cleaning_a_seed_twice_changes_nothing() {
    let rules = rules();
    for e in fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "txt") {
            let once = rules.clean(&fs::read(&p).unwrap(), None);
            assert_eq!(rules.clean(&once, None), once, "{}", p.display());
        }
    }
}
