//! Bad input loses nothing and crashes nothing: one test per awkward input, with the
//! behaviour README documents.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// `clean ARGS` started with piped standard streams.
fn spawn(args: &[&str]) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_clean"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn run(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = spawn(args);
    let mut w = child.stdin.take().unwrap();
    let input = stdin.to_vec();
    let feeder = std::thread::spawn(move || {
        let _ = w.write_all(&input);
    });
    let out = child.wait_with_output().unwrap();
    feeder.join().unwrap();
    out
}

fn tmp(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = fs::remove_dir_all(&d);
    fs::create_dir_all(&d).unwrap();
    d
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn invalid_utf8_is_kept_byte_for_byte() {
    let out = run(&[], b"\xff\xfe caf\xe9\nAdvertising\n\xc3\x28 end\n");
    assert_eq!(out.stdout, b"\xff\xfe caf\xe9\n\xc3\x28 end\n");
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn nul_bytes_and_binary_are_cleaned_like_text() {
    let input = b"\x00\x01\x02 binary\x00\nAdvertising\n\x7fELF\x02\x01\x01\x00\x00\n";
    let out = run(&[], input);
    assert_eq!(
        out.stdout,
        b"\x00\x01\x02 binary\x00\n\x7fELF\x02\x01\x01\x00\x00\n"
    );
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn crlf_and_lone_cr_line_endings() {
    assert_eq!(run(&[], b"a\r\nAdvertising\r\nb\r\n").stdout, b"a\r\nb\r\n");
    assert_eq!(run(&[], b"a\rAdvertising\rb\r").stdout, b"a\rb\r");
    // Mixed endings: each kept line keeps its own.
    assert_eq!(
        run(&[], b"a\r\nb\nc\rAdvertising\nd").stdout,
        b"a\r\nb\nc\rd\r\n"
    );
}

#[test]
fn bom_is_kept_and_ignored_for_matching() {
    assert_eq!(
        run(&[], b"\xef\xbb\xbfHeadline\nAdvertising\n").stdout,
        b"\xef\xbb\xbfHeadline\n"
    );
    // A first line that is chrome goes, BOM and all.
    assert_eq!(
        run(&[], b"\xef\xbb\xbfAdvertising\nText.\n").stdout,
        b"Text.\n"
    );
}

#[test]
fn empty_input_and_blank_only_input_give_empty_output() {
    for input in [&b""[..], b"\n", b"\n\n  \n\r\n"] {
        let out = run(&[], input);
        assert_eq!(out.stdout, b"", "{input:?}");
        assert_eq!(out.status.code(), Some(0));
    }
}

#[test]
fn no_final_newline_gets_one() {
    assert_eq!(run(&[], b"one\ntwo").stdout, b"one\ntwo\n");
    assert_eq!(run(&[], b"one\r\ntwo").stdout, b"one\r\ntwo\r\n");
}

#[test]
fn a_long_single_line_comes_out_intact() {
    let line: Vec<u8> = b"word ".iter().cycle().take(8 << 20).copied().collect();
    let out = run(&[], &line);
    assert_eq!(out.stdout.len(), line.len() + 1);
    assert_eq!(&out.stdout[..line.len()], &line[..]);
}

/// Lines of link and markup syntax that never closes, or nests without end, are read in
/// one pass and without recursion (a search from every `[` to the line's end took
/// minutes on these; 100,000 nested links overflowed the stack). `bench/scaling.py`
/// measures the growth; here each must clean, and clean again to the same text.
#[test]
fn lines_of_syntax_that_never_closes_are_read() {
    let rules = clean::load(&clean::embedded_sources()).unwrap();
    let prose = "The council met on Monday and agreed to the plan for the harbour.\n\n";
    let nested = format!("{}x{}(u)", "[".repeat(100_000), "]".repeat(100_000));
    let lines = [
        nested,
        "[a](".repeat(200_000),
        "![a](b".repeat(200_000),
        "[http://".repeat(200_000),
        ")http://x".repeat(200_000),
        "<!--".repeat(200_000),
        "a]{.b} ".repeat(100_000),
        "<a href=\"\n".repeat(100_000),
        // Grid-table borders without a row between them: no table, read once.
        "+--+\n".repeat(100_000),
        // A wrapped block of many lines, a span in every line.
        "<!-->#![\n".repeat(20_000),
    ];
    for line in &lines {
        let input = format!("{prose}{line}\n{prose}");
        let once = rules.clean(input.as_bytes(), None);
        assert_eq!(rules.clean(&once, None), once, "{}", &line[..20]);
    }
}

#[test]
fn directory_and_missing_inputs_are_named_and_the_rest_still_run() {
    let d = tmp("robust-dir");
    let out = run(
        &[
            d.to_str().unwrap(),
            "no/such.txt",
            "seeds/003_25cf2292e73eca1d.txt",
        ],
        b"",
    );
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains(&format!("clean: {}: Is a directory", d.display())),
        "{err}"
    );
    assert!(
        err.contains("clean: no/such.txt: No such file or directory"),
        "{err}"
    );
    assert_eq!(
        out.stdout,
        fs::read("seeds/expected/003_25cf2292e73eca1d.txt").unwrap()
    );
}

fn is_root() -> bool {
    fs::read_to_string("/proc/self/status")
        .map(|s| {
            s.lines()
                .any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(2) == Some("0"))
        })
        .unwrap_or(false)
}

#[test]
fn unreadable_input_is_named_and_the_rest_still_run() {
    // chmod 000 stops everyone but root; as root (CI), /proc/self/mem is a file the kernel
    // refuses to read at offset 0 whoever asks.
    let d = tmp("robust-unreadable");
    let locked = d.join("locked.txt");
    let path = if is_root() {
        PathBuf::from("/proc/self/mem")
    } else {
        fs::write(&locked, "secret\n").unwrap();
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
        locked.clone()
    };
    let out = run(
        &[path.to_str().unwrap(), "seeds/003_25cf2292e73eca1d.txt"],
        b"",
    );
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.starts_with(&format!("clean: {}: ", path.display())),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    assert_eq!(
        out.stdout,
        fs::read("seeds/expected/003_25cf2292e73eca1d.txt").unwrap()
    );
}

#[test]
fn broken_pipe_into_head_is_quiet() {
    let d = tmp("robust-pipe");
    let big = d.join("big.txt");
    fs::write(
        &big,
        "A line of article text, long enough to matter.\n".repeat(400_000),
    )
    .unwrap();
    let mut clean = Command::new(env!("CARGO_BIN_EXE_clean"))
        .arg(&big)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let head = Command::new("head")
        .arg("-1")
        .stdin(Stdio::from(clean.stdout.take().unwrap()))
        .output()
        .unwrap();
    let out = clean.wait_with_output().unwrap();
    assert_eq!(
        head.stdout,
        b"A line of article text, long enough to matter.\n"
    );
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stderr(&out), "");
}

#[test]
fn usage_errors_are_one_clean_line_with_exit_2() {
    let out = run(&["--no-such-flag"], b"");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with("error: unexpected argument '--no-such-flag'"),
        "{}",
        stderr(&out)
    );
    let out = run(&["--diff", "--explain"], b"");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn too_big_regex_names_the_rule() {
    let out = run(
        &["--rules", "tests/fixtures/bad-rules/too-big.toml"],
        b"x\n",
    );
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "clean: tests/fixtures/bad-rules/too-big.toml:5:13: regex `(\\w{50}){50}` is too big: compiled, it exceeds the size limit of 2097152 bytes (rule bad/too-big)\n"
    );
}

/// Regression inputs kept from fuzzing (tests/fixtures/regress/<issue>-<slug>.txt): each
/// must clean without panicking and be idempotent, with and without a URL.
#[test]
fn regressions_from_fuzzing() {
    let rules = clean::load(&clean::embedded_sources()).unwrap();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/regress");
    let mut n = 0;
    for e in fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        let input = fs::read(&p).unwrap();
        for url in [None, Some("https://www.npr.org/x")] {
            let once = rules.clean(&input, url);
            assert_eq!(
                rules.clean(&once, url),
                once,
                "{} is not idempotent (url {url:?})",
                p.display()
            );
        }
        n += 1;
    }
    assert!(n > 0);
}

// Issue 19, "nothing lost in any mode": one regression test per row of its attack table,
// named `r19_NN_…` after the row.

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn r19_05_duplicate_text_key_is_a_malformed_record() {
    let input = b"{\"text\":\"First.\\n\",\"text\":\"Second.\\n\"}\n{\"text\":\"Kept.\\n\"}\n";
    let out = run(&["--jsonl"], input);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty(), "{}", stdout(&out));
    assert!(
        stderr(&out).contains("<stdin>:1: field `text` appears more than once"),
        "{}",
        stderr(&out)
    );
    // Skipped, the other records still come out.
    let out = run(&["--jsonl", "--on-error", "skip"], input);
    assert_eq!(out.stdout, b"{\"text\":\"Kept.\\n\"}\n");
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn r19_06_removed_field_naming_an_existing_key() {
    let record = b"{\"text\":\"Advertising\\nBody.\\n\",\"removed\":3}\n";
    // The text (or URL) field itself: refused before anything is read or written.
    for args in [
        &["--jsonl", "--removed-field", "text"][..],
        &["--jsonl", "--url-field", "u", "--removed-field", "u"][..],
    ] {
        let out = run(args, record);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty());
        assert!(
            stderr(&out).contains("that field is read, not written"),
            "{}",
            stderr(&out)
        );
    }
    // A key the record already has: that record is malformed, never written twice.
    let out = run(&["--jsonl", "--removed-field", "removed"], record);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(
        stderr(&out).contains("<stdin>:1: field `removed` already exists"),
        "{}",
        stderr(&out)
    );
    // Another name works.
    let out = run(&["--jsonl", "--removed-field", "gone"], record);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        out.stdout,
        b"{\"text\":\"Body.\\n\",\"removed\":3,\"gone\":[{\"rule\":\"generic/ad-label\",\"lines\":[1,1]}]}\n"
    );
}

#[test]
fn r19_07_on_error_fail_stops_the_run_across_files() {
    let d = tmp("r19-07");
    let (a, b) = (d.join("a.jsonl"), d.join("b.jsonl"));
    fs::write(&a, "{\"text\":\"One.\\n\"}\n{\"text\": broken\n").unwrap();
    fs::write(&b, "{\"text\":\"Two.\\n\"}\n").unwrap();
    let (a, b) = (a.to_str().unwrap(), b.to_str().unwrap());
    let out = run(&["--jsonl", a, b], b"");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        out.stdout, b"{\"text\":\"One.\\n\"}\n",
        "b.jsonl is not read"
    );
    assert!(
        stderr(&out).contains(&format!("{a}:2: stopped at this malformed record")),
        "{}",
        stderr(&out)
    );
    // With skip, both files.
    let out = run(&["--jsonl", "--on-error", "skip", a, b], b"");
    assert_eq!(
        out.stdout,
        b"{\"text\":\"One.\\n\"}\n{\"text\":\"Two.\\n\"}\n"
    );
    // --in-place: the second file is left as it was.
    let out = run(&["--jsonl", "--in-place", a, b], b"");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(fs::read(b).unwrap(), b"{\"text\":\"Two.\\n\"}\n");
}

#[test]
fn r19_08_jsonl_record_over_the_limit_is_malformed() {
    // The limit is 16 × --max-page-bytes: 16 KiB here.
    let mut input = vec![b'x'; 40_000];
    input.extend_from_slice(b"\n{\"text\":\"Kept.\\n\"}\n");
    let out = run(
        &["--jsonl", "--max-page-bytes", "1K", "--on-error", "skip"],
        &input,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(out.stdout, b"{\"text\":\"Kept.\\n\"}\n");
    assert!(
        stderr(&out).contains("<stdin>:1: record longer than 16384 bytes"),
        "{}",
        stderr(&out)
    );
    // Under --on-error fail, nothing after it is read: an endless line ends the run at once.
    let out = run(&["--jsonl", "--max-page-bytes", "1K"], &vec![0u8; 1 << 20]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("<stdin>:1: record longer than 16384 bytes"));
    // A record of exactly the limit is not over it.
    let mut rec = b"{\"text\":\"".to_vec();
    rec.resize(16384 - 2, b'a');
    rec.extend_from_slice(b"\"}\n");
    let out = run(&["--jsonl", "--max-page-bytes", "1K"], &rec);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn r19_12_non_utf8_sample_names_keep_their_own_expectation() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let d = tmp("r19-12");
    let a = d.join(OsStr::from_bytes(b"p\xff.txt"));
    let b = d.join(OsStr::from_bytes(b"p\xfe.txt"));
    fs::write(&a, "Advertising\nPage A.\n").unwrap();
    fs::write(&b, "Page B.\n").unwrap();
    let ds = d.to_str().unwrap();
    let out = run(&["test", ds, "--update"], b"");
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert_eq!(
        fs::read(d.join(OsStr::from_bytes(b"p\xff.clean.txt"))).unwrap(),
        b"Page A.\n"
    );
    assert_eq!(
        fs::read(d.join(OsStr::from_bytes(b"p\xfe.clean.txt"))).unwrap(),
        b"Page B.\n"
    );
    let out = run(&["test", ds], b"");
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).contains("samples: 2 passed, 0 failed, 0 new;"));
}

#[test]
fn r19_13_huge_jobs_count_is_capped() {
    for mode in [&[][..], &["--jsonl"][..]] {
        let mut args = vec!["-j", "50000"];
        args.extend_from_slice(mode);
        let input: &[u8] = if mode.is_empty() {
            b"Advertising\nBody.\n"
        } else {
            b"{\"text\":\"Advertising\\nBody.\\n\"}\n"
        };
        let out = run(&args, input);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        assert!(stdout(&out).contains("Body."));
        assert!(!stdout(&out).contains("Advertising"));
    }
}

#[test]
fn r19_16_test_reports_orphans_and_no_samples() {
    let d = tmp("r19-16");
    let ds = d.to_str().unwrap();
    let out = run(&["test", ds], b"");
    assert_eq!(out.status.code(), Some(1), "no samples is a failure");
    assert!(
        stdout(&out).contains("no samples (*.txt) under"),
        "{}",
        stdout(&out)
    );

    fs::write(d.join("kept.txt"), "Page.\n").unwrap();
    fs::write(d.join("kept.clean.txt"), "Page.\n").unwrap();
    fs::write(d.join("gone.clean.txt"), "Page.\n").unwrap();
    let out = run(&["test", ds], b"");
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let text = stdout(&out);
    assert!(text.contains("ORPHAN  "), "{text}");
    assert!(
        text.contains("gone.clean.txt (its sample is missing"),
        "{text}"
    );
    assert!(text.contains("1 orphaned"), "{text}");
    assert!(!text.contains("no samples"));
    fs::remove_file(d.join("gone.clean.txt")).unwrap();
    assert_eq!(run(&["test", ds], b"").status.code(), Some(0));
}

#[test]
fn r19_01_line_longer_than_page_cap() {
    let long = "The council met on Tuesday and voted on the budget. ".repeat(200); // 10 KB
    for nl in ["\n", "\r\n", "\r"] {
        for last in ["Next paragraph stays here.", "Next paragraph stays here.\n"] {
            let page = format!("Headline{nl}{nl}{long}{nl}Advertising{nl}{last}");
            // The same page, a tenth of the line under the cap, and whole.
            let small = run(&["--max-page-bytes", "1K"], page.as_bytes());
            let whole = run(&[], page.as_bytes());
            assert_eq!(small.status.code(), Some(0));
            let end = if last.ends_with('\n') { "\n" } else { nl };
            let want = format!("Headline{nl}{nl}{long}{nl}Next paragraph stays here.{end}");
            let want = if nl == "\r" && last.ends_with('\n') {
                // A lone-CR page whose last line ends in `\n`: kept as it came.
                format!("Headline\r\r{long}\rNext paragraph stays here.\n")
            } else {
                want
            };
            assert_eq!(stdout(&whole), want, "whole, {nl:?} {last:?}");
            assert_eq!(stdout(&small), want, "1K cap, {nl:?} {last:?}");
        }
    }
    // The long line is the last, without a line ending: one is added, as for any page.
    let page = format!("Advertising\n{long}");
    let out = run(&["--max-page-bytes", "1K"], page.as_bytes());
    assert_eq!(stdout(&out), format!("{long}\n"));
    // Between --split pages, the separator and the next page keep their place.
    let page = format!("=== page 1\n{long}\n=== page 2\nAdvertising\nB.\n");
    let out = run(
        &["--split", "^=== page ", "--max-page-bytes", "1K"],
        page.as_bytes(),
    );
    assert_eq!(
        stdout(&out),
        format!("=== page 1\n{long}\n=== page 2\nB.\n")
    );
}

#[test]
fn r19_14_wrong_url_field_is_reported_and_dotted_paths_reach_nested_fields() {
    let records = concat!(
        r#"{"text":"Body.\nNPR thanks our sponsors\n","meta":{"url":"https://www.npr.org/x"}}"#,
        "\n",
        r#"{"text":"Other.\n","meta":{}}"#,
        "\n",
    );
    let out = run(&["--jsonl", "--url-field", "nope"], records.as_bytes());
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stderr(&out).contains("<stdin>: 2 of 2 record(s) have no field `nope`"),
        "{}",
        stderr(&out)
    );
    let out = run(&["--jsonl", "--url-field", "meta.url"], records.as_bytes());
    assert_eq!(
        stdout(&out),
        concat!(
            r#"{"text":"Body.\n","meta":{"url":"https://www.npr.org/x"}}"#,
            "\n",
            r#"{"text":"Other.\n","meta":{}}"#,
            "\n",
        )
    );
    assert!(
        stderr(&out).contains("<stdin>: 1 of 2 record(s) have no field `meta.url`"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn r19_11_signal_during_in_place_leaves_no_temporary_file() {
    use std::os::unix::process::ExitStatusExt;
    let d = tmp("r19-11");
    for (sig, n) in [("INT", 2), ("TERM", 15), ("HUP", 1)] {
        // A FIFO as the input: the run holds its temporary file open while it waits for
        // the rest of the page, until the signal comes.
        let fifo = d.join("page.txt");
        assert!(Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success());
        let mut child = Command::new(env!("CARGO_BIN_EXE_clean"))
            .args(["-j", "1", "--in-place"])
            .arg(&fifo)
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut w = fs::OpenOptions::new().write(true).open(&fifo).unwrap();
        w.write_all(b"Advertising\nBody.\n").unwrap();
        let names = || -> Vec<String> {
            fs::read_dir(&d)
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        };
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while !names().iter().any(|n| n.contains(".clean-tmp.")) {
            assert!(std::time::Instant::now() < deadline, "no temporary file");
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        let kill = Command::new("kill")
            .arg(format!("-{sig}"))
            .arg(child.id().to_string())
            .status()
            .unwrap();
        assert!(kill.success());
        let status = child.wait().unwrap();
        assert_eq!(status.signal(), Some(n), "SIG{sig}: {status:?}");
        assert_eq!(names(), ["page.txt"], "SIG{sig}: temporary file left");
        drop(w);
        fs::remove_file(&fifo).unwrap();
    }
}

#[test]
fn r19_10_explain_and_diff_with_jsonl_go_record_by_record() {
    let records = concat!(
        r#"{"text":"Advertising\nBody.\n"}"#,
        "\n\n",
        r#"{"text":"Kept.\n"}"#,
        "\n",
        r#"{"text":"Para.\nAdvertising\n"}"#,
        "\n",
    );
    let out = run(&["--jsonl", "--explain"], records.as_bytes());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "<stdin>:1:1  generic/ad-label  A lone ad-slot label printed where an advertisement was\n    | Advertising\n\
         <stdin>:4:2  generic/ad-label  A lone ad-slot label printed where an advertisement was\n    | Advertising\n"
    );
    let out = run(&["--jsonl", "--diff"], records.as_bytes());
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stdout(&out),
        "--- <stdin>:1\t(original)\n+++ <stdin>:1\t(cleaned)\n@@ -1,2 +1 @@ generic/ad-label\n-Advertising\n Body.\n\
         --- <stdin>:4\t(original)\n+++ <stdin>:4\t(cleaned)\n@@ -1,2 +1 @@ generic/ad-label\n Para.\n-Advertising\n"
    );
    // A malformed record: named, and under the default --on-error fail the run stops.
    let bad = b"{\"text\":\"Advertising\\n\"}\nnot json\n{\"text\":\"Advertising\\n\"}\n";
    let out = run(&["--jsonl", "--explain"], bad);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stdout(&out).matches("generic/ad-label").count(), 1);
    assert!(stderr(&out).contains("<stdin>:2: not a JSON object"));
    let out = run(&["--jsonl", "--explain", "--on-error", "skip"], bad);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out).matches("generic/ad-label").count(), 2);
}

/// A WARC record over the record limit is a malformed record that leaves the framing
/// whole: under `--diff` and `--explain` it follows `--on-error` as the filter does (and as
/// a JSONL record does), instead of failing the input.
#[test]
fn r19_10_explain_and_diff_on_warc_follow_on_error_as_the_filter_does() {
    let record = |block: &str| {
        format!(
            "WARC/1.0\r\nWARC-Type: conversion\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n\r\n{block}\r\n\r\n",
            block.len()
        )
    };
    let warc = [
        record("Advertising\nThe first record stays.\n"),
        record(&"x".repeat(2000)),
        record("Advertising\nThe third record stays.\n"),
    ]
    .concat();
    // 16 × 64 bytes: the second record is over the limit, the others are not (and their
    // texts are under the cap: cleaned whole).
    let args = ["--warc", "--max-page-bytes", "64"];
    for (mode, changed) in [(None, 0), (Some("--diff"), 1), (Some("--explain"), 0)] {
        let with = |on_error: &str| {
            let mut a = args.to_vec();
            a.extend(mode);
            a.extend(["--on-error", on_error]);
            run(&a, warc.as_bytes())
        };
        let out = with("skip");
        assert_eq!(
            out.status.code(),
            Some(changed),
            "{mode:?}: {}",
            stderr(&out)
        );
        assert!(
            stderr(&out).contains("record at byte 121: record of 2087 bytes"),
            "{}",
            stderr(&out)
        );
        if mode.is_some() {
            assert_eq!(
                stdout(&out).matches("generic/ad-label").count(),
                2,
                "{mode:?}"
            );
        }
        let out = with("fail");
        assert_eq!(out.status.code(), Some(2), "{mode:?}");
        assert!(
            stderr(&out).contains("stopped at this malformed record"),
            "{}",
            stderr(&out)
        );
    }
}

#[test]
fn r19_15_co_process_gets_each_record_answered_before_eof() {
    use std::io::BufRead;
    // One thread reads, cleans and answers in turn; with more, records are read on a
    // thread of their own while the workers clean.
    for jobs in ["1", "2", "4"] {
        let mut child = spawn(&["--jsonl", "-j", jobs]);
        let mut w = child.stdin.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let mut r = std::io::BufReader::new(child.stdout.take().unwrap());
        let reader = std::thread::spawn(move || {
            let mut line = String::new();
            while r.read_line(&mut line).unwrap() > 0 {
                tx.send(std::mem::take(&mut line)).unwrap();
            }
        });
        let wait = std::time::Duration::from_secs(20);
        for round in 0..3 {
            // Stdin stays open: each answer must come all the same, in order.
            let input = format!(
                "{{\"text\":\"Advertising\\nOne {round}.\\n\"}}\n{{\"text\":\"Two {round}.\\n\"}}\n"
            );
            w.write_all(input.as_bytes()).unwrap();
            w.flush().unwrap();
            for answer in [
                format!("{{\"text\":\"One {round}.\\n\"}}\n"),
                format!("{{\"text\":\"Two {round}.\\n\"}}\n"),
            ] {
                let got = rx.recv_timeout(wait);
                assert_eq!(
                    got.as_deref(),
                    Ok(answer.as_str()),
                    "-j {jobs}: no answer before EOF"
                );
            }
        }
        drop(w);
        assert_eq!(child.wait().unwrap().code(), Some(0), "-j {jobs}");
        reader.join().unwrap();
    }
}

#[path = "support/patch.rs"]
mod patch;

/// `diff` applied to `page` by GNU patch with no fuzz allowed (`None` when `patch` is not
/// installed), and by the test reader of `tests/support/patch.rs`: both must give the same.
fn patched(dir: &Path, page: &[u8], diff: &[u8]) -> Vec<u8> {
    let ours = patch::apply(page, diff);
    if diff.is_empty() || Command::new("patch").arg("--version").output().is_err() {
        return ours;
    }
    let (p, d, o) = (dir.join("page"), dir.join("d.patch"), dir.join("out"));
    fs::write(&p, page).unwrap();
    fs::write(&d, diff).unwrap();
    let _ = fs::remove_file(&o);
    let st = Command::new("patch")
        .args(["-s", "-F0", "-o"])
        .arg(&o)
        .arg(&p)
        .arg("-i")
        .arg(&d)
        .output()
        .unwrap();
    assert!(
        st.status.success(),
        "patch: {}{}",
        String::from_utf8_lossy(&st.stdout),
        stderr(&st)
    );
    let gnu = fs::read(&o).unwrap();
    assert_eq!(gnu, ours, "GNU patch and the test reader disagree");
    gnu
}

/// Pages made of lines like the embedded rules' targets, with every line ending, from a
/// fixed pseudo-random sequence.
/// A JSONL record's text over the cap (or of more lines than a piece holds) is cleaned in
/// pieces, as a file's page is: the filter writes what it writes for the file, and
/// `--diff`/`--explain` report the same pieces (named `FILE:LINE`).
#[test]
fn a_jsonl_record_over_the_cap_is_cleaned_as_a_file_page() {
    let d = tmp("record-pieces");
    for (k, page) in mixed_pages(12).iter().enumerate() {
        let text = String::from_utf8_lossy(page).into_owned();
        let record = format!("{}\n", serde_json::json!({ "text": text }));
        // Records are at most 16 caps long; these pages are up to about 8 KB.
        for cap in ["600", "1K"] {
            let file = run(&["--max-page-bytes", cap], text.as_bytes());
            let out = run(&["--jsonl", "--max-page-bytes", cap], record.as_bytes());
            let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            let cleaned = v["text"].as_str().unwrap();
            assert_eq!(cleaned, stdout(&file), "page {k}, cap {cap}");
            let diff = run(
                &["--jsonl", "--diff", "--max-page-bytes", cap],
                record.as_bytes(),
            );
            assert_eq!(
                patched(&d, text.as_bytes(), &diff.stdout),
                cleaned.as_bytes(),
                "page {k}, cap {cap}"
            );
            let explain = |args: &[&str], input: &[u8]| -> Vec<String> {
                let all = [&["--explain", "--max-page-bytes", cap], args].concat();
                let o = run(&all, input);
                stdout(&o)
                    .lines()
                    .map(|l| l.replacen("<stdin>:1:", "<stdin>:", 1))
                    .collect()
            };
            assert_eq!(
                explain(&["--jsonl"], record.as_bytes()),
                explain(&[], text.as_bytes()),
                "page {k}, cap {cap}"
            );
        }
    }
}

fn mixed_pages(n: usize) -> Vec<Vec<u8>> {
    let lines: &[&[u8]] = &[
        b"Advertising",
        b"Play Live Radio",
        b"Next Up:",
        b"A paragraph of the article, long enough to be text that stays.",
        b"Another sentence of the story, kept as it came.",
        b"",
        b"  ",
        "  \u{2022} Embed".as_bytes(),
        b"Jane Doe/AP",
        b"\xff\xfe bytes",
    ];
    let ends: &[&[u8]] = &[b"\n", b"\r\n", b"\r", b"\n", b"\n"];
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = |m: usize| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x % m as u64) as usize
    };
    (0..n)
        .map(|_| {
            let mut p = Vec::new();
            for _ in 0..next(120) {
                p.extend_from_slice(lines[next(lines.len())]);
                p.extend_from_slice(ends[next(ends.len())]);
            }
            if next(3) == 0 {
                p.extend_from_slice(b"No final newline.");
            }
            p
        })
        .collect()
}

#[test]
fn r19_02_diff_over_the_page_cap_patches_to_the_filter_output() {
    let d = tmp("r19-02");
    // The issue's case: seed 000 repeated 1,500 times (5 MB, over the 4 MiB cap).
    let seed = fs::read("seeds/000_d808dda28e326986.txt").unwrap();
    let big: Vec<u8> = seed.repeat(1500);
    let path = d.join("big.txt");
    fs::write(&path, &big).unwrap();
    let p = path.to_str().unwrap();
    let filtered = run(&[p], b"");
    let diff = run(&["--diff", p], b"");
    assert_eq!(diff.status.code(), Some(1), "{}", stderr(&diff));
    assert_eq!(patched(&d, &big, &diff.stdout), filtered.stdout);
    // Any page, any cap: what --diff says is what the filter writes; what --explain
    // lists is named by the input's own line numbers.
    for (k, page) in mixed_pages(30).iter().enumerate() {
        for cap in ["64", "300"] {
            for split in [None, Some("^Next Up:")] {
                let mut args = vec!["--max-page-bytes", cap];
                if let Some(s) = split {
                    args.extend(["--split", s]);
                }
                let filtered = run(&args, page);
                let diff = run(&[&args[..], &["--diff"]].concat(), page);
                assert_eq!(
                    patched(&d, page, &diff.stdout),
                    filtered.stdout,
                    "page {k}, cap {cap}, split {split:?}:\n{}",
                    String::from_utf8_lossy(&diff.stdout)
                );
                let explain = run(
                    &[&args[..], &["--explain", "--format", "json"]].concat(),
                    page,
                );
                let engine_lines = clean::Page::new(page);
                for l in stdout(&explain).lines() {
                    let e: serde_json::Value = serde_json::from_str(l).unwrap();
                    if e["action"] != "removed" {
                        continue;
                    }
                    let [a, b] = [0, 1].map(|i| e["lines"][i].as_u64().unwrap() as usize);
                    let text: Vec<u8> = (a - 1..b)
                        .flat_map(|i| engine_lines.raw(i).to_vec())
                        .collect();
                    assert_eq!(
                        String::from_utf8_lossy(&text),
                        e["text"].as_str().unwrap(),
                        "page {k}, cap {cap}: {l}"
                    );
                }
            }
        }
    }
}

#[test]
fn r19_03_test_checks_what_the_filter_writes_for_a_page_over_the_cap() {
    let d = tmp("r19-03");
    let seed = fs::read("seeds/000_d808dda28e326986.txt").unwrap();
    let big: Vec<u8> = seed.repeat(1500);
    fs::write(d.join("big.txt"), &big).unwrap();
    let ds = d.to_str().unwrap();
    let filtered = run(&[&format!("{ds}/big.txt")], b"").stdout;
    // The page cleaned whole is not what the filter writes: `clean test` must fail it.
    let whole = clean::load(&clean::embedded_sources())
        .unwrap()
        .clean(&big, None);
    assert_ne!(whole, filtered);
    fs::write(d.join("big.clean.txt"), &whole).unwrap();
    assert_eq!(
        run(&["test", "--no-config", ds], b"").status.code(),
        Some(1)
    );
    // Recorded, the expectation is the filter's output, and it passes.
    assert_eq!(
        run(&["test", "--no-config", "--update", ds], b"")
            .status
            .code(),
        Some(0)
    );
    assert_eq!(fs::read(d.join("big.clean.txt")).unwrap(), filtered);
    let out = run(&["test", "--no-config", ds], b"");
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

#[test]
fn r19_04_diff_of_any_line_endings_applies_with_patch() {
    let d = tmp("r19-04");
    let mut pages: Vec<Vec<u8>> = vec![b"Advertising\rKeep this line.\r".to_vec()];
    for body in [
        "Headline{n}{n}Advertising{n}Keep this line.{n}",
        "Keep this line.{n}Advertising{n}",
        "Keep{n}Advertising",
        "Advertising{n}Keep this line.",
        "{n}{n}Text.{n}{n}{n}More text.{n}Advertising",
    ] {
        for n in ["\n", "\r\n", "\r"] {
            pages.push(body.replace("{n}", n).into_bytes());
        }
    }
    // Mixed: engine lines ended by a lone CR inside `\n`-lines, removed and kept.
    pages.push(b"Keep\rAdvertising\nNext line.\nAdvertising\r\nText\rmore\r\n".to_vec());
    pages.push(b"Text.\r\rAdvertising\rKept\n\nAdvertising\r".to_vec());
    pages.extend(mixed_pages(60));
    for (k, page) in pages.iter().enumerate() {
        let filtered = run(&[], page).stdout;
        let diff = run(&["--diff"], page);
        let code = if filtered == *page { 0 } else { 1 };
        assert_eq!(diff.status.code(), Some(code), "page {k}");
        assert_eq!(
            patched(&d, page, &diff.stdout),
            filtered,
            "page {k} {page:?}:\n{}",
            String::from_utf8_lossy(&diff.stdout)
        );
    }
}

/// Peak resident memory of a running process, in KiB.
fn peak_rss_kib(pid: u32) -> usize {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[test]
fn r19_09_diff_and_explain_of_a_huge_page_stay_bounded() {
    // One 64 MiB line, written to standard input; before the input ends, the run must
    // hold far less than the page (the filter holds about the cap).
    let line: Vec<u8> = b"word ".iter().cycle().take(64 << 20).copied().collect();
    for mode in ["--diff", "--explain"] {
        let mut child = spawn(&[mode, "--max-page-bytes", "1M"]);
        let mut w = child.stdin.take().unwrap();
        w.write_all(&line).unwrap();
        w.flush().unwrap();
        // The pipe holds at most 64 KiB: the run has read the rest.
        std::thread::sleep(std::time::Duration::from_millis(200));
        let peak = peak_rss_kib(child.id());
        drop(w);
        let out = child.wait_with_output().unwrap();
        assert!(
            peak < 32 << 10,
            "{mode}: {peak} KiB resident for a 64 MiB page"
        );
        if mode == "--diff" {
            // The line is kept; the filter adds the newline it lacks.
            assert_eq!(out.status.code(), Some(1));
            let mut want =
                b"--- <stdin>\t(original)\n+++ <stdin>\t(cleaned)\n@@ -1 +1 @@ layout\n-".to_vec();
            want.extend_from_slice(&line);
            want.extend_from_slice(b"\n\\ No newline at end of file\n+");
            want.extend_from_slice(&line);
            want.push(b'\n');
            assert!(out.stdout == want, "{mode}: not the diff expected");
        } else {
            assert_eq!(out.status.code(), Some(0));
            assert_eq!(stdout(&out), "");
        }
    }
    // --split and --jsonl are accepted.
    let page = b"=== page 1\nAdvertising\nText.\n=== page 2\nMore.\nAdvertising\n";
    let out = run(&["--diff", "--split", "^=== page "], page);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(
        patch::apply(page, &out.stdout),
        run(&["--split", "^=== page "], page).stdout
    );
    let out = run(&["--explain", "--split", "^=== page "], page);
    assert_eq!(
        stdout(&out),
        "<stdin>:2  generic/ad-label  A lone ad-slot label printed where an advertisement was\n    | Advertising\n\
         <stdin>:6  generic/ad-label  A lone ad-slot label printed where an advertisement was\n    | Advertising\n"
    );
    let out = run(
        &["--diff", "--jsonl"],
        b"{\"text\":\"Advertising\\nBody.\\n\"}\n",
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
}
