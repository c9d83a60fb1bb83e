//! `clean eval`: evaluation sets (one row per set, identity and harmed pages beside the
//! score, the summary), and the `--gold DIR PRED_DIR` form. Every page here is a few
//! invented lines whose scores are worked out by hand in the comments.

mod common;

use std::fs;
use std::path::Path;

use common::{run, tmp};

/// One rule file: `Menu` and `Read more` lines go. `Read more` is article text on one of
/// the pages below, so that page is harmed.
const RULES: &str = "[[rule]]\nid = \"t/chrome\"\nwhy = \"test\"\nkind = \"drop\"\nlines = [\"Menu\", \"Read more\"]\n";

/// Write `files` ("input/a.txt", text) under `dir`.
fn write_all(dir: &Path, files: &[(&str, &str)]) {
    for (name, text) in files {
        let p = dir.join(name);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
    }
}

/// Two sets:
///
/// alpha/a: cleaned = gold, F1 1. Identity: `Menu The cat sat on a mat` (7) against 6 gold
///   tokens, tp 6: P 6/7, R 1, F1 12/13 = 0.923.
/// alpha/b: the rule drops the gold's only line: cleaned is empty, F1 0. Identity: `Menu
///   Read more` (3) against `Read more` (2): P 2/3, R 1, F1 0.8. 0 < 0.8 - 0.1: harmed.
///   alpha: P = R = F1 = (1 + 0)/2 = 0.5; identity (12/13 + 0.8)/2 = 0.862; harmed 1.
/// beta/c: cleaned = gold, F1 1. Identity: `Menu Snow in May` (4) against 3: P 3/4, R 1,
///   F1 6/7 = 0.857.
/// beta/d: gold with no input: empty both ways, F1 0 and identity 0: not harmed.
/// beta/f: nothing to remove: F1 1, identity 1. beta/e: input with no gold: not scored.
///   beta: P = R = F1 = 2/3 = 0.667; identity (6/7 + 0 + 1)/3 = 0.619; harmed 0.
/// Summary: mean F1 (0.5 + 2/3)/2 = 0.583, min 0.5, alpha below its identity, 1 of 5 pages
/// harmed: 20.0%.
fn two_sets(root: &Path) -> (String, String, String) {
    write_all(
        root,
        &[
            ("rules.toml", RULES),
            ("alpha/input/a.txt", "Menu\nThe cat sat on a mat.\n"),
            ("alpha/gold/a.txt", "The cat sat on a mat.\n"),
            ("alpha/input/b.txt", "Menu\nRead more\n"),
            ("alpha/gold/b.txt", "Read more\n"),
            ("beta/input/c.txt", "Menu\nSnow in May.\n"),
            ("beta/gold/c.txt", "Snow in May.\n"),
            ("beta/gold/d.txt", "Lost page.\n"),
            ("beta/input/e.txt", "No gold for this one.\n"),
            ("beta/input/f.txt", "Snow.\n"),
            ("beta/gold/f.txt", "Snow.\n"),
        ],
    );
    let s = |p: &str| root.join(p).to_str().unwrap().to_owned();
    (s("rules.toml"), s("alpha"), s("beta"))
}

fn eval(rules: &str, rest: &[&str]) -> std::process::Output {
    let mut args = vec![
        "eval",
        "--no-config",
        "--no-default-rules",
        "--rules",
        rules,
    ];
    args.extend_from_slice(rest);
    run(&args, b"")
}

fn stdout(out: &std::process::Output) -> String {
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

#[test]
fn one_row_per_set_with_identity_harmed_pages_and_the_summary() {
    let root = tmp("eval-sets-text");
    let (rules, alpha, beta) = two_sets(&root);
    let out = eval(&rules, &[&alpha, &beta]);
    let text = stdout(&out);
    let rows: Vec<Vec<&str>> = text
        .lines()
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(
        rows[0],
        ["set", "pages", "P", "R", "F1", "identity", "harmed"],
        "{text}"
    );
    assert_eq!(
        rows[1],
        ["alpha", "2", "0.500", "0.500", "0.500", "0.862", "1"],
        "{text}"
    );
    assert_eq!(
        rows[2],
        ["beta", "3", "0.667", "0.667", "0.667", "0.619", "0"],
        "{text}"
    );
    assert_eq!(
        text.lines().nth(3),
        Some(
            "mean F1 0.583, min 0.500, sets below identity: alpha, harm rate 20.0% (1 of 5 pages)"
        ),
        "{text}"
    );
    assert_eq!(text.lines().count(), 4, "{text}");
    // The unpaired pages are reported, by name.
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("1 of 3 gold pages have no input page (scored as empty): d.txt"),
        "{err}"
    );
    assert!(
        err.contains("1 files have no gold text") && err.contains("e.txt"),
        "{err}"
    );
}

#[test]
fn json_has_every_set_and_the_summary() {
    let root = tmp("eval-sets-json");
    let (rules, alpha, beta) = two_sets(&root);
    let v: serde_json::Value =
        serde_json::from_str(&stdout(&eval(&rules, &[&alpha, &beta, "--format", "json"]))).unwrap();
    let close = |x: &serde_json::Value, want: f64| {
        assert!((x.as_f64().unwrap() - want).abs() < 1e-9, "{x} != {want}")
    };
    let a = &v["sets"][0];
    assert_eq!(a["set"], "alpha");
    assert_eq!(a["pages"], 2);
    assert_eq!(a["harmed"], 1);
    for k in ["p", "r", "f1"] {
        close(&a[k], 0.5);
    }
    close(&a["identity_f1"], (12.0 / 13.0 + 0.8) / 2.0);
    let b = &v["sets"][1];
    assert_eq!(
        (&b["set"], &b["pages"], &b["harmed"]),
        (&"beta".into(), &3.into(), &0.into())
    );
    close(&b["f1"], 2.0 / 3.0);
    close(&b["identity_f1"], (6.0 / 7.0 + 1.0) / 3.0);
    assert_eq!(v["sets"].as_array().unwrap().len(), 2);
    close(&v["mean_f1"], (0.5 + 2.0 / 3.0) / 2.0);
    close(&v["min_f1"], 0.5);
    close(&v["harm_rate"], 0.2);
    assert_eq!((&v["harmed"], &v["pages"]), (&1.into(), &5.into()));
    assert_eq!(v["below_identity"], serde_json::json!(["alpha"]));
    // Pages are listed only when asked for.
    assert!(v.get("per_doc").is_none(), "{v}");
}

#[test]
fn per_doc_lists_the_most_harmed_page_first() {
    let root = tmp("eval-sets-per-doc");
    let (rules, alpha, beta) = two_sets(&root);
    let text = stdout(&eval(&rules, &[&alpha, &beta, "--per-doc"]));
    let pages: Vec<Vec<&str>> = text
        .split("\n\n")
        .nth(1)
        .expect("a second table")
        .lines()
        .map(|l| l.split_whitespace().collect())
        .collect();
    // delta = F1 - identity: b -0.8; d and f 0 (set, then name order); a +1/13; c +1/7.
    assert_eq!(
        pages,
        [
            vec!["set", "page", "F1", "identity", "delta"],
            vec!["alpha", "b.txt", "0.000", "0.800", "-0.800"],
            vec!["beta", "d.txt", "0.000", "0.000", "+0.000"],
            vec!["beta", "f.txt", "1.000", "1.000", "+0.000"],
            vec!["alpha", "a.txt", "1.000", "0.923", "+0.077"],
            vec!["beta", "c.txt", "1.000", "0.857", "+0.143"],
        ],
        "{text}"
    );
    let v: serde_json::Value = serde_json::from_str(&stdout(&eval(
        &rules,
        &[&alpha, &beta, "--per-doc", "--format", "json"],
    )))
    .unwrap();
    let first = &v["per_doc"][0];
    assert_eq!(
        (&first["set"], &first["name"]),
        (&"alpha".into(), &"b.txt".into())
    );
    assert_eq!(v["per_doc"].as_array().unwrap().len(), 5);
}

/// The set `root/set` (one page, `page`, and its gold) scored by `clean eval` with `opts`,
/// and the filter's output for `page` (with `opts`) scored against the same gold by
/// `clean eval --gold`: (set's F1, filter output's F1, filter output).
fn set_and_filter(root: &Path, opts: &[&str], page: &str, gold: &str) -> (f64, f64, Vec<u8>) {
    write_all(root, &[("set/input/p.txt", page), ("set/gold/p.txt", gold)]);
    let filtered = common::ok(opts, page.as_bytes());
    fs::create_dir_all(root.join("pred")).unwrap();
    fs::write(root.join("pred/p.txt"), &filtered).unwrap();
    let json = |args: &[&str]| -> serde_json::Value {
        let mut all = vec!["eval"];
        all.extend_from_slice(opts);
        all.extend_from_slice(args);
        all.extend_from_slice(&["--format", "json"]);
        serde_json::from_slice(&common::ok(&all, b"")).unwrap()
    };
    let (set, gold_dir, pred) = (root.join("set"), root.join("set/gold"), root.join("pred"));
    let sets = json(&[set.to_str().unwrap()]);
    let preds = json(&["--gold", gold_dir.to_str().unwrap(), pred.to_str().unwrap()]);
    (
        sets["sets"][0]["f1"].as_f64().unwrap(),
        preds["tokens"]["f1"].as_f64().unwrap(),
        filtered,
    )
}

#[test]
fn the_page_scored_is_what_the_filter_prints() {
    // The default rules, no URL: a menu, an article, a share bar.
    let root = tmp("eval-sets-filter");
    let page = "Skip to content\n  • Home\n  • World\n\nHarbour town votes to rebuild its old sea wall\nThe council met on Monday evening and voted to rebuild the old sea wall before the winter storms arrive.\nEngineers told the meeting that the wall, built in 1911, has cracked in four places since the spring tides.\nThe work will cost about 2 million euros and is expected to take eight months.\nShare this:\n  • Facebook\n  • Twitter\n";
    let gold =
        "Harbour town votes to rebuild its old sea wall\nThe council met on Monday evening.\n";
    let (set, filter, out) = set_and_filter(&root, &["--no-config"], page, gold);
    assert_ne!(out, page.as_bytes(), "the filter removes something");
    assert_eq!(set, filter);

    // A page over the configured page cap is cleaned in pieces, as the filter cleans it:
    // the cut in the first piece leaves the later pieces. Cleaned whole, nothing would be
    // left and F1 would be 0.
    let root = tmp("eval-sets-filter-cap");
    write_all(
        &root,
        &[
            (
                "clean.toml",
                "default-rules = false\nrules = [\"cut.toml\"]\nmax-page-bytes = 100\n",
            ),
            (
                "cut.toml",
                "[[rule]]\nid = \"t/cut\"\nwhy = \"test\"\nkind = \"cut\"\nlines = [\"Share this\"]\n",
            ),
        ],
    );
    let page: String = std::iter::once("Share this\n".to_owned())
        .chain((1..=10).map(|i| format!("Line {i} of the article goes on here.\n")))
        .collect();
    let config = root.join("clean.toml");
    let opts = ["--config", config.to_str().unwrap()];
    let (set, filter, out) = set_and_filter(&root, &opts, &page, &page);
    assert!(!out.is_empty(), "the filter keeps the later pieces");
    assert!(filter > 0.5, "{filter}");
    assert_eq!(set, filter);
}

#[test]
fn a_folder_that_is_not_a_set_is_an_error_naming_it() {
    let root = tmp("eval-sets-bad");
    let (rules, alpha, _) = two_sets(&root);
    write_all(&root, &[("half/gold/a.txt", "Only gold.\n")]);
    let half = root.join("half");
    let out = eval(&rules, &[&alpha, half.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!(
            "{}: not an evaluation set: no input/",
            half.display()
        )),
        "{err}"
    );
    // A path that does not exist, likewise.
    let gone = root.join("gone");
    let out = eval(&rules, &[gone.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains(&gone.display().to_string()),
        "{out:?}"
    );
    // A file among the folders (a README next to the sets) is skipped, with a warning.
    write_all(&root, &[("README.md", "About the sets.\n")]);
    let readme = root.join("README.md");
    let out = eval(&rules, &[&alpha, readme.to_str().unwrap()]);
    assert_eq!(stdout(&out).lines().count(), 3);
    assert!(String::from_utf8_lossy(&out.stderr).contains("README.md: not a folder, skipped"));
    // With --gold, one folder of predictions only.
    let out = eval(&rules, &["--gold", &alpha, &alpha, &alpha]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("with --gold, give one PRED_DIR"));
}

#[test]
fn gold_and_predictions_give_token_scores_like_score_py() {
    let dir = tmp("eval");
    for d in ["gold", "pred", "raw"] {
        fs::create_dir_all(dir.join(d)).unwrap();
    }
    // a: P = 5/7, R = 5/6 (hand-computed in src/eval.rs); b: perfect; c: no prediction.
    fs::write(dir.join("gold/a.txt"), "The cat sat on a mat.\n").unwrap();
    fs::write(dir.join("pred/a.txt"), "The cat sat on the mat today.\n").unwrap();
    fs::write(dir.join("gold/b.txt"), "Ein Satz.\n").unwrap();
    fs::write(dir.join("pred/b.txt"), "Ein Satz.\n").unwrap();
    fs::write(dir.join("gold/c.txt"), "Lost.\n").unwrap();
    let out = run(
        &[
            "eval",
            "--gold",
            dir.join("gold").to_str().unwrap(),
            dir.join("pred").to_str().unwrap(),
        ],
        b"",
    );
    assert_eq!(out.status.code(), Some(0));
    let s = String::from_utf8_lossy(&out.stdout);
    // Macro means over 3 pages: P = (5/7 + 1 + 0)/3, R = (5/6 + 1 + 0)/3,
    // F1 = (2*(5/7)*(5/6)/(5/7+5/6) + 1 + 0)/3 = (0.769231 + 1)/3.
    let p = (5.0 / 7.0 + 1.0) / 3.0;
    let r = (5.0 / 6.0 + 1.0) / 3.0;
    let f = (2.0 * (5.0 / 7.0) * (5.0 / 6.0) / (5.0 / 7.0 + 5.0 / 6.0) + 1.0) / 3.0;
    let want = format!("tokens    {p:>9.3} {r:>7.3} {f:>7.3}");
    assert!(s.contains(&want), "{s}\nwant: {want}");
    assert!(s.starts_with("documents: 3 (missing predictions: 1, empty predictions: 1)"));
    assert!(String::from_utf8_lossy(&out.stderr).contains("c.txt"));

    // --raw cleans the inputs first: the menu goes, the article stays.
    fs::write(
        dir.join("raw/a.txt"),
        format!(
            "  • Home\n  • News\n\n{}",
            "The cat sat on a mat, and everyone in the village came to see it happen.\n"
        ),
    )
    .unwrap();
    fs::write(
        dir.join("gold/a.txt"),
        "The cat sat on a mat, and everyone in the village came to see it happen.\n",
    )
    .unwrap();
    fs::remove_file(dir.join("gold/b.txt")).unwrap();
    fs::remove_file(dir.join("gold/c.txt")).unwrap();
    let out = run(
        &[
            "eval",
            "--gold",
            dir.join("gold").to_str().unwrap(),
            "--raw",
            dir.join("raw").to_str().unwrap(),
            "--format",
            "json",
        ],
        b"",
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["tokens"]["f1"], 1.0, "{v}");
}
