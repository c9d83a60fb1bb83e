//! `clean --warc` (issue 21): WET files written by a real WARC library (warcio, installed
//! in a virtualenv by .ci/warcio.sh) are cleaned and read back by the same library, record
//! for record, with each text equal to what the plain filter makes of it; and the CLI's
//! own behaviours on hand-made records (stdin, malformed records, --explain, --stats).

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{gunzip_members, gzip, ok, run, seeds, tmp};

const ROUNDTRIP: &str = "tests/warc/warcio_roundtrip.py";

/// The warcio virtualenv's python, or `None` (with a message) when python3 or its venv
/// module is missing. Any other failure to install is a test failure.
fn warcio() -> Option<PathBuf> {
    let has_venv = Command::new("python3")
        .args(["-c", "import venv, ensurepip"])
        .status()
        .is_ok_and(|s| s.success());
    if !has_venv {
        eprintln!(
            "SKIPPED: python3 with venv/ensurepip is not available; warcio round trip not run"
        );
        return None;
    }
    let out = Command::new("bash")
        .arg(".ci/warcio.sh")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(PathBuf::from(String::from_utf8(out.stdout).unwrap().trim()))
}

fn py(python: &Path, args: &[&str]) -> Vec<u8> {
    let out = Command::new(python)
        .arg(ROUNDTRIP)
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// The bytes warcio read (the script decodes them as latin-1, one char a byte).
fn latin1(v: &serde_json::Value) -> Vec<u8> {
    v.as_str().unwrap().chars().map(|c| c as u8).collect()
}

/// warcio's reading of a WARC file: one JSON object per record.
fn records(python: &Path, path: &Path) -> Vec<serde_json::Value> {
    let out = py(python, &["read", path.to_str().unwrap()]);
    String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn wet_files_written_by_warcio_are_read_back_by_warcio_after_cleaning() {
    let Some(python) = warcio() else { return };
    let d = tmp("warc-warcio");
    let (gz, plain) = (d.join("in.warc.gz"), d.join("in.warc"));
    for p in [&gz, &plain] {
        py(&python, &["write", p.to_str().unwrap(), "seeds"]);
    }
    let out = d.join("out");
    ok(
        &[
            "--warc",
            "-j",
            "2",
            "-o",
            out.to_str().unwrap(),
            gz.to_str().unwrap(),
            plain.to_str().unwrap(),
        ],
        b"",
    );
    // gzip per record, as the input was; standard input is decompressed the same way
    // and its records go to stdout uncompressed.
    let members = gunzip_members(&fs::read(out.join("in.warc.gz")).unwrap());
    let from_stdin = ok(&["--warc"], &fs::read(&gz).unwrap());
    assert!(members.concat() == from_stdin, "-o and stdin differ");
    assert!(
        ok(&["--warc", plain.to_str().unwrap()], b"") == fs::read(out.join("in.warc")).unwrap()
    );

    let seeds = seeds();
    for (input, path) in [(&gz, out.join("in.warc.gz")), (&plain, out.join("in.warc"))] {
        let before = records(&python, input);
        let after = records(&python, &path); // digests are checked: a wrong one raises
        assert_eq!(after.len(), before.len());
        assert_eq!(members.len(), before.len());
        let (mut texts, mut changed) = (0, 0);
        for (b, a) in before.iter().zip(&after) {
            assert_eq!(a["type"], b["type"]);
            assert_eq!(a["uri"], b["uri"]);
            assert_eq!(
                a["length"].as_u64().unwrap() as usize,
                latin1(&a["text"]).len()
            );
            let names = |r: &serde_json::Value| -> Vec<serde_json::Value> {
                r["headers"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|h| h[0].clone())
                    .collect()
            };
            assert_eq!(names(a), names(b), "every header kept, in order");
            let ty = b["type"].as_str().unwrap();
            if ty == "conversion" || ty == "resource" {
                texts += 1;
                let uri = b["uri"].as_str().unwrap();
                let stem = uri.rsplit('/').next().unwrap();
                let (seed, page) = seeds
                    .iter()
                    .find(|(p, _)| p.file_stem().unwrap() == stem)
                    .unwrap();
                let want = ok(&["--url", uri, seed.to_str().unwrap()], b"");
                assert_eq!(latin1(&b["text"]), *page);
                assert_eq!(latin1(&a["text"]), want, "{uri}");
                if want != *page {
                    changed += 1;
                    assert_ne!(
                        a["headers"], b["headers"],
                        "Content-Length and digests rewritten"
                    );
                }
            } else {
                assert_eq!(a["text"], b["text"]);
                assert_eq!(a["headers"], b["headers"]);
            }
        }
        assert_eq!(texts, 2 * seeds.len());
        assert!(changed > 0, "the seeds lose their chrome");
    }
}

/// A record as a WARC writer frames it.
fn record(kind: &str, uri: &str, block: &str) -> String {
    format!(
        "WARC/1.1\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n\r\n{block}\r\n\r\n",
        block.len()
    )
}

#[test]
fn records_are_cleaned_in_order_from_stdin_and_gzip_members() {
    let chrome = "Advertising\nThe text of the page stays.\n";
    let input = record("conversion", "http://example.org/1", chrome)
        + &record("metadata", "http://example.org/1", chrome)
        + &record("conversion", "http://example.org/2", "Only text.\n");
    let want = record(
        "conversion",
        "http://example.org/1",
        "The text of the page stays.\n",
    ) + &record("metadata", "http://example.org/1", chrome)
        + &record("conversion", "http://example.org/2", "Only text.\n");
    assert_eq!(
        String::from_utf8(ok(&["--warc"], input.as_bytes())).unwrap(),
        want
    );
    // One gzip member a record, as in a .warc.gz file.
    let per_record: Vec<u8> = [0, 1, 2]
        .iter()
        .flat_map(|&i| gzip(record_at(&input, i).as_bytes()))
        .collect();
    assert_eq!(
        String::from_utf8(ok(&["--warc", "-j", "2"], &per_record)).unwrap(),
        want
    );
    // --output FILE.gz writes one member a record.
    let d = tmp("warc-output-gz");
    let p = d.join("o.warc.gz");
    ok(
        &["--warc", "--output", p.to_str().unwrap()],
        input.as_bytes(),
    );
    let members = gunzip_members(&fs::read(&p).unwrap());
    assert_eq!(members.len(), 3);
    assert_eq!(String::from_utf8(members.concat()).unwrap(), want);
}

/// The `i`th record of `input` (records built by `record`).
fn record_at(input: &str, i: usize) -> String {
    let starts: Vec<usize> = input
        .match_indices("WARC/1.1\r\n")
        .map(|(k, _)| k)
        .collect();
    let end = starts.get(i + 1).copied().unwrap_or(input.len());
    input[starts[i]..end].to_string()
}

#[test]
fn a_malformed_record_is_reported_with_its_byte_offset() {
    let good = record("conversion", "http://example.org/1", "Text.\n");
    let bad = good.replace("Content-Length: 6", "Content-Length: 9");
    let out = run(&["--warc"], format!("{good}{bad}").as_bytes());
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(String::from_utf8(out.stdout).unwrap(), good);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("<stdin>: record at byte {}: ", good.len())),
        "{err}"
    );
    // A gzip member cut short.
    let mut gz = gzip(good.as_bytes());
    gz.extend(gzip(good.as_bytes()));
    gz.truncate(gz.len() - 30);
    let out = run(&["--warc"], &gz);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(String::from_utf8(out.stdout).unwrap(), good);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("<stdin>: record at byte {}: ", good.len())),
        "{err}"
    );
}

#[test]
fn explain_and_stats_see_each_record() {
    let input = record("conversion", "http://example.org/1", "Advertising\nText.\n")
        + &record("conversion", "http://example.org/2", "Text.\nAdvertising\n");
    let explain = String::from_utf8(ok(&["--warc", "--explain"], input.as_bytes())).unwrap();
    let second = record_at(&input, 1);
    assert!(explain.contains("<stdin>@0"), "{explain}");
    assert!(
        explain.contains(&format!("<stdin>@{}", input.len() - second.len())),
        "{explain}"
    );
    let stats = run(&["--warc", "--stats", "--format", "json"], input.as_bytes());
    assert_eq!(stats.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&stats.stderr).unwrap();
    assert!(v.to_string().contains("generic/ad-label"), "{v}");
    assert!(!stats.stdout.is_empty(), "records still go to stdout");
}

#[test]
fn a_record_over_the_limit_is_skipped_under_on_error_skip_and_stops_the_run_otherwise() {
    // 16 × --max-page-bytes: 16 KiB here.
    let big = record(
        "conversion",
        "http://example.org/big",
        &"word ".repeat(4000),
    );
    let small = record("conversion", "http://example.org/2", "Advertising\nText.\n");
    let input = format!("{small}{big}{small}");
    let cleaned = record("conversion", "http://example.org/2", "Text.\n");
    let skip = run(
        &["--warc", "--max-page-bytes", "1K", "--on-error", "skip"],
        input.as_bytes(),
    );
    assert_eq!(skip.status.code(), Some(0));
    assert_eq!(String::from_utf8(skip.stdout).unwrap(), cleaned.repeat(2));
    let err = String::from_utf8_lossy(&skip.stderr);
    assert!(
        err.contains(&format!(
            "<stdin>: record at byte {}: record of {} bytes, over the limit of 16384 bytes",
            small.len(),
            big.len()
        )),
        "{err}"
    );
    assert!(err.contains("skipped 1 malformed record(s) of 3"), "{err}");
    let fail = run(&["--warc", "--max-page-bytes", "1K"], input.as_bytes());
    assert_eq!(fail.status.code(), Some(2));
    assert_eq!(String::from_utf8(fail.stdout).unwrap(), cleaned);
}
