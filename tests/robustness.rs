//! Bad input loses nothing and crashes nothing: one test per awkward input, with the
//! behaviour README documents.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn run(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_clean"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
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
