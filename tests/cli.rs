//! Black-box runs of the `clean` binary: stdin/stdout, several files, errors and exit
//! codes.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn clean(args: &[&str], stdin: &[u8]) -> Output {
    common::run(args, stdin)
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

const SEED: &str = "seeds/000_d808dda28e326986.txt";

#[test]
fn filters_stdin_to_stdout() {
    let input = std::fs::read(root().join(SEED)).unwrap();
    let out = clean(&[], &input);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        out.stdout,
        std::fs::read(root().join("seeds/expected/000_d808dda28e326986.txt")).unwrap()
    );
    assert!(out.stderr.is_empty());
}

#[test]
fn several_files_are_cleaned_in_turn() {
    let out = clean(
        &[SEED, "-", "seeds/003_25cf2292e73eca1d.txt"],
        b"Advertising\nfrom stdin\n",
    );
    let mut want = std::fs::read(root().join("seeds/expected/000_d808dda28e326986.txt")).unwrap();
    want.extend_from_slice(b"from stdin\n");
    want.extend(std::fs::read(root().join("seeds/expected/003_25cf2292e73eca1d.txt")).unwrap());
    assert_eq!(text(&out.stdout), text(&want));
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn missing_file_is_named_and_the_rest_still_run() {
    let out = clean(&["no/such/page.txt", SEED], b"");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        "clean: no/such/page.txt: No such file or directory (os error 2)\n"
    );
    assert!(text(&out.stdout).starts_with("John Kerry Meets"));
}

#[test]
fn bad_rule_file_is_rejected_before_any_input() {
    let out = clean(
        &["--rules", "tests/fixtures/bad-rules/bad-regex.toml"],
        b"Advertising\n",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert_eq!(
        text(&out.stderr),
        "clean: tests/fixtures/bad-rules/bad-regex.toml:5:19: bad regex `(unclosed`: unclosed group (rule bad/regex)\n"
    );
}

#[test]
fn duplicate_ids_across_rule_files() {
    let out = clean(
        &[
            "--rules",
            "tests/fixtures/bad-rules/dup-a.toml",
            "--rules",
            "tests/fixtures/bad-rules/dup-b.toml",
        ],
        b"",
    );
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains(
            "dup-b.toml:4:6: duplicate rule id `dup/same`: already defined at tests/fixtures/bad-rules/dup-a.toml:2:6"
        ),
        "{err}"
    );
}

#[test]
fn only_my_rules() {
    let dir = tempdir("only-mine");
    let mine = dir.join("mine.toml");
    std::fs::write(
        &mine,
        "[[rule]]\nid = \"me/x\"\nwhy = \"test\"\nkind = \"drop\"\nlines = [\"X\"]\n",
    )
    .unwrap();
    let mine = mine.to_str().unwrap();
    let out = clean(
        &["--no-default-rules", "--rules", mine],
        b"X\nAdvertising\n",
    );
    assert_eq!(text(&out.stdout), "Advertising\n");
    let out = clean(&["--rules", mine], b"X\nAdvertising\nY\n");
    assert_eq!(text(&out.stdout), "Y\n");
    // A directory of rule files.
    let out = clean(
        &["--no-default-rules", "--rules", dir.to_str().unwrap()],
        b"X\nY\n",
    );
    assert_eq!(text(&out.stdout), "Y\n");
    let out = clean(&["--no-default-rules"], b"X\n");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        "clean: no rules: --no-default-rules needs at least one --rules PATH\n"
    );
}

#[test]
fn url_host_selects_site_rules() {
    // Nothing in this page identifies NPR, so only its URL can switch the NPR rules on.
    let page = b"Headline\n\nText.\n\nNPR thanks our sponsors\n";
    assert_eq!(text(&clean(&[], page).stdout), text(page));
    let out = clean(&["--url", "https://www.npr.org/2019/01/01/1/x"], page);
    assert_eq!(text(&out.stdout), "Headline\n\nText.\n");
}

#[test]
fn invalid_utf8_and_crlf_pass_through() {
    let out = clean(&[], b"caf\xE9 au lait\r\nAdvertising\r\nend");
    assert_eq!(out.stdout, b"caf\xE9 au lait\r\nend\r\n");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(clean(&[], b"").stdout, b"");
}

#[test]
fn rules_lists_every_rule() {
    let out = clean(&["rules"], b"");
    assert_eq!(out.status.code(), Some(0));
    let t = text(&out.stdout);
    assert!(t.starts_with("ID "), "{t}");
    for id in [
        "generic/ad-label",
        "npr/player-widget",
        "ukrinform/related-lists",
    ] {
        assert!(t.lines().any(|l| l.starts_with(id)), "{id} missing:\n{t}");
    }
}

#[test]
fn broken_pipe_ends_quietly() {
    let big = "Line of article text that goes on.\n".repeat(200_000);
    let mut child = Command::new(env!("CARGO_BIN_EXE_clean"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(big.as_bytes());
    });
    drop(child.stdout.take()); // the reader goes away, like `| head -0`
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(text(&out.stderr), "");
}

fn tempdir(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

// Issue 8: no progress bar unless stderr is a terminal, however large the run.
#[test]
fn no_progress_output_when_stderr_is_not_a_terminal() {
    let seed = std::fs::read(root().join(SEED)).unwrap();
    let mut big = Vec::new();
    let mut n = 0;
    while big.len() < 6 << 20 {
        n += 1;
        big.extend_from_slice(format!("=== page {n}\n").as_bytes());
        big.extend_from_slice(&seed);
        big.push(b'\n');
    }
    let out = clean(&["--split", "^=== page "], &big);
    assert_eq!(out.status.code(), Some(0));
    assert!(!out.stdout.is_empty());
    assert_eq!(text(&out.stderr), "", "progress-like output on a pipe");

    // Many files (more than 16) and a large file.
    let d = tempdir("cli-no-progress");
    let big_file = d.join("big.txt");
    std::fs::write(&big_file, &big).unwrap();
    let mut args: Vec<String> = vec![big_file.display().to_string()];
    args.extend(std::iter::repeat_n(SEED.to_string(), 20));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = clean(&args, b"");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(text(&out.stderr), "", "progress-like output on a pipe");
}

// Issue 8: a page over --max-page-bytes is cleaned in pieces; a page under it whole.
#[test]
fn pages_over_the_cap_are_cleaned_in_pieces() {
    let page = "Play Live Radio\nNext Up:\n\nFirst paragraph of the article.\n\nAdvertising\n\nSecond paragraph, after the ad.\n\nThird paragraph closes it.\n";
    let whole = clean(&[], page.as_bytes());
    assert_eq!(
        text(&whole.stdout),
        "First paragraph of the article.\n\nSecond paragraph, after the ad.\n\nThird paragraph closes it.\n"
    );
    // Exactly the cap: still whole.
    let cap = page.len().to_string();
    let out = clean(&["--max-page-bytes", &cap], page.as_bytes());
    assert_eq!(out.stdout, whole.stdout);
    // Small pieces, cut after blank lines: the paragraph breaks survive the cuts, and
    // every piece is cleaned.
    for cap in ["40", "64", "80"] {
        let out = clean(&["--max-page-bytes", cap], page.as_bytes());
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        assert_eq!(text(&out.stdout), text(&whole.stdout), "cap {cap}");
    }
    // A line longer than the cap is cut inside and comes out whole.
    let line = "word ".repeat(100);
    let out = clean(&["--max-page-bytes", "64", "-j", "2"], line.as_bytes());
    assert_eq!(text(&out.stdout), format!("{line}\n"));
    let out = clean(&["--max-page-bytes", "0"], b"x\n");
    assert_eq!(out.status.code(), Some(2));
}

/// A made-up page with a Ukrinform-style time stamp line, which the shipped Ukrinform
/// file detects.
const STAMPED: &[u8] = b"Harbour Town News\n\nThe ferry timetable changes next week, the port authority said on Friday.\n\nMORE ABOUT\nOlder headline\n08:15, 03.02.2025\n";

fn site_entries(args: &[&str]) -> Vec<String> {
    let mut all = vec!["--explain", "--format", "json"];
    all.extend_from_slice(args);
    all.push("-");
    let out = clean(&all, STAMPED);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    text(&out.stdout)
        .lines()
        .filter(|l| l.contains("\"action\":\"site\""))
        .map(str::to_owned)
        .collect()
}

#[test]
fn an_explicit_url_wins_over_detection() {
    // Without a URL the time stamp line claims the page for Ukrinform, and --explain
    // says so.
    let detected = site_entries(&[]);
    assert_eq!(detected.len(), 1, "{detected:?}");
    assert!(
        detected[0].contains("\"rule\":\"ukrinform\"") && detected[0].contains("matches line 7"),
        "{}",
        detected[0]
    );
    let out = clean(&[], STAMPED);
    assert!(!text(&out.stdout).contains("Older headline"));
    // Another site's URL: no site rules at all, the same text or not.
    assert!(site_entries(&["--url", "https://www.harbour.example/ferry"]).is_empty());
    let out = clean(&["--url", "https://www.harbour.example/ferry"], STAMPED);
    assert!(
        !text(&out.stderr).contains("ukrinform")
            && text(&out.stdout).contains("The ferry timetable")
    );
    let ex = clean(
        &[
            "--explain",
            "--url",
            "https://www.harbour.example/ferry",
            "-",
        ],
        STAMPED,
    );
    assert!(
        !text(&ex.stdout).contains("ukrinform/"),
        "{}",
        text(&ex.stdout)
    );
    // Its own URL: the host decides, and --explain names it.
    let own = site_entries(&["--url", "https://www.ukrinform.net/rubric/1.html"]);
    assert!(
        own.len() == 1 && own[0].contains("the URL's host www.ukrinform.net is in ukrinform.net"),
        "{own:?}"
    );
}
