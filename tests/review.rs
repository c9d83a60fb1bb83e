//! The review modes on the seeds: `--diff`, `--explain`, `--stats`, `clean test`, with
//! their exit codes. Output is snapshotted in `snapshots/`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn clean(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_clean"))
        .args(args)
        .current_dir(root())
        .env_remove("NO_COLOR")
        .output()
        .unwrap()
}

fn snap(name: &str, out: &Output) {
    let text = format!(
        "exit: {:?}\n--- stdout\n{}--- stderr\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false, omit_expression => true}, {
        insta::assert_snapshot!(name, text);
    });
}

const SEEDS: [&str; 4] = [
    "seeds/000_d808dda28e326986.txt",
    "seeds/001_c3bc9897c56d68f0.txt",
    "seeds/002_d1f2f8b50bd03d84.txt",
    "seeds/003_25cf2292e73eca1d.txt",
];

#[test]
fn diff_of_the_seeds() {
    let out = clean(&[&["--diff"][..], &SEEDS].concat());
    assert_eq!(out.status.code(), Some(1), "changes → exit 1");
    snap("review-diff-seeds", &out);
}

#[test]
fn diff_applies_with_patch_to_give_the_cleaned_output() {
    if Command::new("patch").arg("--version").output().is_err() {
        eprintln!("skipped: GNU patch not installed");
        return;
    }
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR")).join("review-patch");
    fs::create_dir_all(&tmp).unwrap();
    for seed in SEEDS
        .iter()
        .chain(["tests/fixtures/pages/plain-crlf.txt"].iter())
    {
        let d = clean(&["--diff", seed]);
        let patch_file = tmp.join("d.patch");
        fs::write(&patch_file, &d.stdout).unwrap();
        let patched = tmp.join("patched.txt");
        let st = Command::new("patch")
            .args(["-s", "-o"])
            .arg(&patched)
            .arg(root().join(seed))
            .arg(&patch_file)
            .status()
            .unwrap();
        assert!(st.success(), "patch failed on {seed}");
        assert_eq!(fs::read(&patched).unwrap(), clean(&[seed]).stdout, "{seed}");
    }
}

#[test]
fn diff_of_a_clean_page_is_empty_and_exit_0() {
    let out = clean(&["--diff", "seeds/expected/003_25cf2292e73eca1d.txt"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
}

#[test]
fn diff_colour_is_opt_in_off_a_terminal() {
    let plain = clean(&["--diff", SEEDS[0]]);
    assert!(!plain.stdout.contains(&0x1b));
    let colour = clean(&["--diff", "--color", "always", SEEDS[0]]);
    assert!(String::from_utf8_lossy(&colour.stdout).contains("\x1b[31m-Play Live Radio"));
}

#[test]
fn explain_text_and_json() {
    snap("review-explain-002", &clean(&["--explain", SEEDS[2]]));
    let out = clean(&["--explain", "--format", "json", SEEDS[0]]);
    assert_eq!(out.status.code(), Some(0));
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    // First why the NPR file applies (no URL: a detect pattern), then the removals.
    assert_eq!(lines[0]["action"], "site");
    assert_eq!(lines[0]["rule"], "npr");
    assert_eq!(lines[0]["lines"], serde_json::json!([1, 1]));
    assert_eq!(lines[1]["rule"], "npr/player-widget");
    assert_eq!(lines[1]["lines"], serde_json::json!([1, 3]));
    let strip = lines
        .iter()
        .find(|l| l["action"] == "stripped")
        .expect("the transcript credit");
    assert_eq!(strip["rule"], "npr/transcript-footer");
    assert_eq!(strip["text"], " Transcript provided by NPR, Copyright NPR.");
}

#[test]
fn stats_text_and_json() {
    snap(
        "review-stats-seeds",
        &clean(&[&["--stats"][..], &SEEDS].concat()),
    );
    let out = clean(&[&["--stats", "--format", "json"][..], &SEEDS].concat());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["pages"], 4);
    let widget = v["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["rule"] == "npr/player-widget")
        .unwrap();
    assert_eq!(widget["pages"], 2);
    assert_eq!(widget["lines"], 7);
    assert!(v["never_fired"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r == "npr/iframe"));
}

fn sample_dir(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = fs::remove_dir_all(&d);
    fs::create_dir_all(d.join("sub")).unwrap();
    for (i, s) in SEEDS.iter().enumerate() {
        let to = if i < 2 {
            d.join(format!("s{i}.txt"))
        } else {
            d.join("sub").join(format!("s{i}.txt"))
        };
        fs::copy(root().join(s), &to).unwrap();
        let exp = root()
            .join("seeds/expected")
            .join(Path::new(s).file_name().unwrap());
        fs::copy(exp, to.with_file_name(format!("s{i}.clean.txt"))).unwrap();
    }
    d
}

#[test]
fn test_mode_passes_fails_and_updates() {
    let d = sample_dir("review-test");
    let ds = d.to_str().unwrap();
    let ok = clean(&["test", ds]);
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stdout)
    );
    assert!(String::from_utf8_lossy(&ok.stdout).contains("samples: 4 passed, 0 failed, 0 new;"));

    // A changed expectation fails with a diff; a sample without one is new.
    fs::write(d.join("s0.clean.txt"), "something else\n").unwrap();
    fs::write(d.join("sub/extra.txt"), "Advertising\nA new page.\n").unwrap();
    let bad = clean(&["test", ds]);
    assert_eq!(bad.status.code(), Some(1));
    let text = String::from_utf8_lossy(&bad.stdout).replace(ds, "<dir>");
    insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false, omit_expression => true}, {
        insta::assert_snapshot!("review-test-failing", text);
    });

    let upd = clean(&["test", ds, "--update"]);
    assert_eq!(upd.status.code(), Some(0));
    assert_eq!(
        fs::read(d.join("sub/extra.clean.txt")).unwrap(),
        b"A new page.\n"
    );
    assert_eq!(
        fs::read(d.join("s0.clean.txt")).unwrap(),
        fs::read(root().join("seeds/expected").join(&SEEDS[0][6..])).unwrap()
    );
    assert_eq!(clean(&["test", ds]).status.code(), Some(0));
}

#[test]
fn test_mode_on_the_project_samples() {
    let out = clean(&["test", "tests/fixtures/pages"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn test_mode_missing_dir_is_an_error() {
    let out = clean(&["test", "no/such/dir"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "clean: no/such/dir: No such file or directory (os error 2)\n"
    );
}
