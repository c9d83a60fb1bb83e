//! Corpus mode: JSON Lines records, `-j` ordering, `-o` output folders, `--in-place`.

mod common;

use std::fs;
use std::path::Path;

use common::{run, tmp};

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Records built from the seeds, with varied other fields.
fn shard(n: usize) -> String {
    let seeds: Vec<String> = fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .map(|p| fs::read_to_string(p).unwrap())
        .collect();
    (0..n)
        .map(|i| {
            let t = serde_json::to_string(&seeds[i % seeds.len()]).unwrap();
            format!("{{\"id\":\"r{i}\",\"n\":{i}.0,\"text\":{t},\"meta\":{{\"k\":[true,null]}}}}\n")
        })
        .collect()
}

#[test]
fn jsonl_cleans_the_text_field_and_keeps_the_rest() {
    let input = shard(8);
    let out = run(&["--jsonl"], input.as_bytes());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let lines: Vec<&str> = std::str::from_utf8(&out.stdout).unwrap().lines().collect();
    assert_eq!(lines.len(), 8);
    for (i, l) in lines.iter().enumerate() {
        assert!(
            l.starts_with(&format!("{{\"id\":\"r{i}\",\"n\":{i}.0,\"text\":\"")),
            "{l}"
        );
        assert!(l.ends_with(",\"meta\":{\"k\":[true,null]}}"), "{l}");
        let v: serde_json::Value = serde_json::from_str(l).unwrap();
        let seed_clean = run(&[], v["text"].as_str().unwrap().as_bytes());
        assert_eq!(
            text(&seed_clean.stdout),
            v["text"].as_str().unwrap(),
            "cleaning is idempotent on record {i}"
        );
    }
}

#[test]
fn jobs_keep_record_order() {
    let input = shard(300);
    let one = run(&["--jsonl", "-j", "1"], input.as_bytes());
    let four = run(&["--jsonl", "-j", "4"], input.as_bytes());
    assert_eq!(one.stdout, four.stdout);
    assert_eq!(text(&one.stdout).lines().count(), 300);
}

#[test]
fn field_names_and_url_field() {
    let input = "{\"body\":\"Text.\\nNPR thanks our sponsors\\n\",\"link\":\"https://www.npr.org/a\"}\n\
                 {\"body\":\"Text.\\nNPR thanks our sponsors\\n\",\"link\":\"https://example.com/\"}\n";
    let out = run(
        &["--jsonl", "--field", "body", "--url-field", "link"],
        input.as_bytes(),
    );
    assert_eq!(
        text(&out.stdout),
        "{\"body\":\"Text.\\n\",\"link\":\"https://www.npr.org/a\"}\n\
         {\"body\":\"Text.\\nNPR thanks our sponsors\\n\",\"link\":\"https://example.com/\"}\n"
    );
}

#[test]
fn the_url_field_wins_over_detection() {
    let dir = tmp("url-field-precedence");
    let rules = dir.join("radio.toml");
    fs::write(
        &rules,
        "[site]\nhosts = [\"radio.example\"]\ndetect = ['^Radio Hour$']\n\
         [[rule]]\nid = \"radio/title\"\nwhy = \"show title\"\nkind = \"drop\"\nlines = [\"Radio Hour\"]\n",
    )
    .unwrap();
    let record = |url: &str| format!("{{\"text\":\"Radio Hour\\nText.\\n\"{url}}}\n");
    let input = [
        record(",\"url\":\"https://other.example/a\""),
        record(",\"url\":\"https://www.radio.example/a\""),
        record(""),
    ]
    .concat();
    let out = run(
        &[
            "--no-default-rules",
            "--rules",
            rules.to_str().unwrap(),
            "--jsonl",
            "--url-field",
            "url",
        ],
        input.as_bytes(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    // Another host's URL: the detect line does not claim the page. Its own host, or no
    // URL and the detect line: the site's rule applies.
    assert_eq!(
        text(&out.stdout),
        "{\"text\":\"Radio Hour\\nText.\\n\",\"url\":\"https://other.example/a\"}\n\
         {\"text\":\"Text.\\n\",\"url\":\"https://www.radio.example/a\"}\n\
         {\"text\":\"Text.\\n\"}\n"
    );
}

#[test]
fn malformed_records_fail_or_are_skipped_and_counted() {
    let input = "{\"text\":\"a\\n\"}\nnot json\n{\"text\":\"b\\n\"}\n";
    let fail = run(&["--jsonl"], input.as_bytes());
    assert_eq!(fail.status.code(), Some(2));
    assert_eq!(text(&fail.stdout), "{\"text\":\"a\\n\"}\n");
    assert!(
        text(&fail.stderr).starts_with("clean: <stdin>:2: not a JSON object: "),
        "{}",
        text(&fail.stderr)
    );

    let skip = run(&["--jsonl", "--on-error", "skip"], input.as_bytes());
    assert_eq!(skip.status.code(), Some(0));
    assert_eq!(
        text(&skip.stdout),
        "{\"text\":\"a\\n\"}\n{\"text\":\"b\\n\"}\n"
    );
    assert!(text(&skip.stderr).ends_with("clean: <stdin>: skipped 1 malformed record(s) of 3\n"));
}

#[test]
fn a_malformed_record_deep_in_a_batch_stops_or_is_skipped_under_any_jobs() {
    // 200 records of seed pages span several batches of the -j run; record 121 is broken.
    let mut lines: Vec<String> = shard(200).lines().map(String::from).collect();
    lines[120] = "{\"text\":".into();
    let input = lines.join("\n") + "\n";
    let one = run(&["--jsonl", "-j", "1"], input.as_bytes());
    assert_eq!(one.status.code(), Some(2));
    assert_eq!(text(&one.stdout).lines().count(), 120);
    let skipped = run(
        &["--jsonl", "-j", "1", "--on-error", "skip"],
        input.as_bytes(),
    );
    assert_eq!(text(&skipped.stdout).lines().count(), 199);
    for jobs in ["2", "3"] {
        let many = run(&["--jsonl", "-j", jobs], input.as_bytes());
        assert_eq!(many.status.code(), Some(2), "-j {jobs}");
        assert_eq!(many.stdout, one.stdout, "-j {jobs}");
        assert_eq!(many.stderr, one.stderr, "-j {jobs}");
        let many = run(
            &["--jsonl", "-j", jobs, "--on-error", "skip"],
            input.as_bytes(),
        );
        assert_eq!(many.stdout, skipped.stdout, "-j {jobs}");
        assert_eq!(many.stderr, skipped.stderr, "-j {jobs}");
    }
}

#[test]
fn jsonl_stats_go_to_stderr() {
    let out = run(
        &["--jsonl", "--stats", "--format", "json"],
        shard(4).as_bytes(),
    );
    assert_eq!(text(&out.stdout).lines().count(), 4);
    let v: serde_json::Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(v["pages"], 4);
}

#[test]
fn output_dir_gets_one_file_per_input() {
    let d = tmp("corpus-o");
    let out = run(
        &[
            "-o",
            d.to_str().unwrap(),
            "seeds/000_d808dda28e326986.txt",
            "seeds/003_25cf2292e73eca1d.txt",
        ],
        b"",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(out.stdout.is_empty());
    for n in ["000_d808dda28e326986.txt", "003_25cf2292e73eca1d.txt"] {
        assert_eq!(
            fs::read(d.join(n)).unwrap(),
            fs::read(Path::new("seeds/expected").join(n)).unwrap()
        );
    }
    let clash = run(
        &[
            "-o",
            d.to_str().unwrap(),
            "seeds/000_d808dda28e326986.txt",
            "seeds/expected/000_d808dda28e326986.txt",
        ],
        b"",
    );
    assert_eq!(clash.status.code(), Some(2));
    assert!(text(&clash.stderr).contains("would both be written to"));
    let stdin = run(&["-o", d.to_str().unwrap()], b"x\n");
    assert_eq!(stdin.status.code(), Some(2));
}

#[test]
fn in_place_rewrites_and_a_failure_keeps_the_original() {
    let d = tmp("corpus-in-place");
    let page = d.join("p.txt");
    fs::write(&page, "Advertising\nBody.\n").unwrap();
    let out = run(&["--in-place", page.to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(fs::read_to_string(&page).unwrap(), "Body.\n");

    // A malformed record stops the run: the shard stays exactly as it was, no temp file.
    let shard = d.join("s.jsonl");
    let original = "{\"text\":\"Advertising\\nok\\n\"}\n{\"text\":\n";
    fs::write(&shard, original).unwrap();
    let out = run(&["--jsonl", "--in-place", shard.to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(fs::read_to_string(&shard).unwrap(), original);
    assert_eq!(
        fs::read_dir(&d).unwrap().count(),
        2,
        "a temporary file was left behind"
    );
}
