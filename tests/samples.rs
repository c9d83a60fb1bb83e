//! Hand-written sample pages in `tests/fixtures/pages/`: `NAME.txt` must clean to
//! `NAME.clean.txt` byte for byte with the embedded rules. They hold the traps of other
//! pages of the seed sites: other reporters, years, captions, timestamps, and article
//! lines that merely resemble noise.

use std::fs;
use std::path::Path;

#[test]
fn samples_clean_to_their_expectations() {
    let rules = clean::load(&clean::embedded_sources()).unwrap();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pages");
    let mut failures = Vec::new();
    let mut n = 0;
    for e in fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        if !name.ends_with(".txt") || name.ends_with(".clean.txt") {
            continue;
        }
        n += 1;
        let want = fs::read(dir.join(name.replace(".txt", ".clean.txt"))).unwrap();
        let got = rules.clean(&fs::read(&p).unwrap(), None);
        if got != want {
            failures.push(format!("{name}:\n{}", String::from_utf8_lossy(&got)));
        }
    }
    assert!(n >= 5, "samples missing");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
