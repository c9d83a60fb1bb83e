//! Black-box runs of the conventions issue 22 added: project configuration, `--disable`,
//! completions and man page, JSON from `clean rules` and `clean test`, `--dump`, and
//! flag-combination errors.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A fresh, empty directory for one test.
fn project(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("conventions")
        .join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// Run `clean` in `dir` with no CLEAN_CONFIG unless `env` sets one; no stdin.
fn run_in(dir: &Path, args: &[&str], env: &[(&str, &Path)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_clean"));
    cmd.args(args).current_dir(dir).env_remove("CLEAN_CONFIG");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.stdin(std::process::Stdio::null()).output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A site-free rule file of our own: drops the line "Sponsored widget".
const WIDGET_RULES: &str = r#"
[[rule]]
id = "mine/widget"
why = "A sponsored widget line"
kind = "drop"
lines = ["Sponsored widget"]
"#;

const PAGE: &str = "Sponsored widget\nThe council met on Tuesday to vote on the budget.\n";

#[test]
fn config_is_found_in_a_parent_and_its_rules_are_relative_to_it() {
    let d = project("found");
    write(&d.join(".clean.toml"), "rules = [\"my-rules\"]\n");
    write(&d.join("my-rules/widget.toml"), WIDGET_RULES);
    write(&d.join("sub/deeper/page.txt"), PAGE);
    let o = run_in(&d.join("sub/deeper"), &["page.txt"], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "The council met on Tuesday to vote on the budget.\n"
    );
    // --no-config ignores it: the line stays.
    let o = run_in(&d.join("sub/deeper"), &["--no-config", "page.txt"], &[]);
    assert_eq!(stdout(&o), PAGE);
    // `clean rules` says which config and rule files are in use.
    let o = run_in(&d.join("sub"), &["rules"], &[]);
    let t = stdout(&o);
    assert!(
        t.contains(&format!("config: {}", d.join(".clean.toml").display())),
        "{t}"
    );
    assert!(
        t.contains("rule files: ") && t.contains("rules/generic.toml"),
        "{t}"
    );
    assert!(t.contains("my-rules/widget.toml"), "{t}");
}

#[test]
fn config_flag_and_env_name_a_file_and_the_flag_wins() {
    let d = project("named");
    write(
        &d.join("a.toml"),
        "default-rules = false\nrules = [\"w.toml\"]\n",
    );
    write(&d.join("w.toml"), WIDGET_RULES);
    write(&d.join("b.toml"), "disable = [\"generic/no-such\"]\n");
    write(&d.join("page.txt"), PAGE);
    let o = run_in(&d, &["rules", "--config", "a.toml"], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let t = stdout(&o);
    assert!(t.contains("mine/widget"), "{t}");
    assert!(!t.contains("generic/"), "default-rules = false: {t}");
    let o = run_in(&d, &["rules"], &[("CLEAN_CONFIG", &d.join("a.toml"))]);
    assert!(stdout(&o).contains("mine/widget"));
    let o = run_in(
        &d,
        &["--config", "a.toml", "page.txt"],
        &[("CLEAN_CONFIG", &d.join("b.toml"))],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = run_in(&d, &["--config", "missing.toml", "page.txt"], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).starts_with("clean: missing.toml: cannot read configuration"),
        "{}",
        stderr(&o)
    );
    let o = run_in(&d, &["--config", "a.toml", "--no-config", "page.txt"], &[]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn config_errors_name_file_line_and_column() {
    let d = project("bad");
    write(&d.join(".clean.toml"), "jobs = 2\nmax_page_bytes = 10\n");
    let o = run_in(&d, &["rules"], &[]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(
        e.starts_with(&format!(
            "clean: {}:2:1: unknown field `max_page_bytes`",
            d.join(".clean.toml").display()
        )),
        "{e}"
    );
}

#[test]
fn config_gives_defaults_for_jobs_page_size_and_colour() {
    let d = project("defaults");
    // jobs = 0 (all cores) and a page-size cap are accepted; a bad size is not (below).
    write(
        &d.join(".clean.toml"),
        "jobs = 0\nmax-page-bytes = \"1K\"\ncolor = \"always\"\n",
    );
    write(&d.join("page.txt"), "Advertising\nText of the story.\n");
    let o = run_in(&d, &["page.txt"], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), "Text of the story.\n");
    // color = "always" reaches --diff; --color on the command line wins.
    let o = run_in(&d, &["--diff", "page.txt"], &[]);
    assert!(stdout(&o).contains("\x1b["), "{}", stdout(&o));
    let o = run_in(&d, &["--diff", "--color", "never", "page.txt"], &[]);
    assert!(!stdout(&o).contains("\x1b["), "{}", stdout(&o));
    write(&d.join(".clean.toml"), "max-page-bytes = \"lots\"\n");
    let o = run_in(&d, &["page.txt"], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains(".clean.toml:1:18: max-page-bytes:"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn disable_turns_a_rule_off_and_unknown_ids_get_a_hint() {
    let d = project("disable");
    write(&d.join("page.txt"), "Advertising\nText of the story.\n");
    let o = run_in(&d, &["page.txt"], &[]);
    assert_eq!(stdout(&o), "Text of the story.\n");
    let o = run_in(&d, &["--disable", "generic/ad-label", "page.txt"], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), "Advertising\nText of the story.\n");
    let o = run_in(&d, &["--disable", "generic/ad-lable", "page.txt"], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "clean: --disable: no rule `generic/ad-lable` is loaded (did you mean `generic/ad-label`?)\n"
    );
    // The same from the config, and `clean rules` marks it.
    write(&d.join(".clean.toml"), "disable = [\"generic/ad-label\"]\n");
    let o = run_in(&d, &["page.txt"], &[]);
    assert_eq!(stdout(&o), "Advertising\nText of the story.\n");
    let o = run_in(&d, &["rules"], &[]);
    let line = stdout(&o)
        .lines()
        .find(|l| l.starts_with("generic/ad-label "))
        .map(str::to_owned)
        .unwrap();
    assert!(line.contains("(disabled)"), "{line}");
    write(&d.join(".clean.toml"), "disable = [\"generic/nope\"]\n");
    let o = run_in(&d, &["page.txt"], &[]);
    assert!(
        stderr(&o).contains(".clean.toml: disable: no rule `generic/nope` is loaded"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn completions_and_man_page_come_from_the_flags() {
    let d = project("completions");
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let o = run_in(&d, &["completions", shell], &[]);
        assert_eq!(o.status.code(), Some(0), "{shell}: {}", stderr(&o));
        let t = stdout(&o);
        assert!(t.contains("no-default-rules"), "{shell}: {t}");
        assert!(t.contains("disable"), "{shell}");
    }
    let o = run_in(&d, &["completions", "tcsh"], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("invalid value 'tcsh'"),
        "{}",
        stderr(&o)
    );
    let o = run_in(&d, &["man"], &[]);
    assert_eq!(o.status.code(), Some(0));
    let t = stdout(&o);
    assert!(t.contains("\n.TH clean 1 "), "{t}");
    assert!(t.contains("\\-\\-max\\-page\\-bytes"), "{t}");
}

#[test]
fn help_lists_examples() {
    let o = run_in(&project("help"), &["--help"], &[]);
    let t = stdout(&o);
    for ex in [
        "clean completions bash",
        "clean man >",
        "clean rules --format json",
    ] {
        assert!(t.contains(ex), "{ex} missing:\n{t}");
    }
}

#[test]
fn rules_as_json_and_dump() {
    let d = project("rules-json");
    let o = run_in(
        &d,
        &[
            "rules",
            "--format",
            "json",
            "--disable",
            "npr/player-widget",
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let list = v.as_array().unwrap();
    let npr = list
        .iter()
        .find(|r| r["id"] == "npr/player-widget")
        .unwrap();
    assert_eq!(npr["kind"], "block");
    assert_eq!(npr["site"], "npr");
    assert_eq!(npr["disabled"], true);
    assert!(npr["source"]
        .as_str()
        .unwrap()
        .starts_with("rules/npr.toml:"));
    assert!(!npr["why"].as_str().unwrap().is_empty());
    let ad = list.iter().find(|r| r["id"] == "generic/ad-label").unwrap();
    assert_eq!(ad["site"], serde_json::Value::Null);
    assert_eq!(ad["disabled"], false);

    let o = run_in(&d, &["rules", "--dump"], &[]);
    assert!(
        stdout(&o).lines().any(|l| l == "rules/generic.toml"),
        "{}",
        stdout(&o)
    );
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for name in ["rules/npr.toml", "npr.toml", "npr"] {
        let o = run_in(&d, &["rules", "--dump", name], &[]);
        assert_eq!(o.status.code(), Some(0));
        assert_eq!(
            o.stdout,
            std::fs::read(root.join("rules/npr.toml")).unwrap()
        );
    }
    let o = run_in(&d, &["rules", "--dump", "nrp"], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("(did you mean `rules/npr.toml`?)"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn test_samples_carry_their_url_in_a_side_file() {
    let d = project("test-url-file");
    write(
        &d.join("site.toml"),
        "[site]\nhosts = [\"example.org\"]\n\n[[rule]]\nid = \"ex/footer\"\n\
         why = \"The site's sign-off line\"\nkind = \"drop\"\nlines = [\"Thanks for reading Example\"]\n",
    );
    let page = "Story line here.\nThanks for reading Example\n";
    write(&d.join("s/a.txt"), page);
    write(&d.join("s/a.clean.txt"), "Story line here.\n");
    // Another site's page with the same line: its side file names its own host.
    write(&d.join("s/b.txt"), page);
    write(&d.join("s/b.clean.txt"), page);
    write(
        &d.join("s/b.url"),
        "# where b.txt was scraped\nhttps://other.example.net/b\n",
    );
    let args = ["test", "s", "--no-default-rules", "--rules", "site.toml"];
    let o = run_in(&d, &args, &[]);
    assert_eq!(o.status.code(), Some(1), "a.txt has no URL yet");
    write(&d.join("s/a.url"), "https://www.example.org/a\n");
    let o = run_in(&d, &args, &[]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    // The side file wins over --url; the sample's bytes are untouched.
    let mut with_url = args.to_vec();
    with_url.extend(["--url", "https://www.example.org/x"]);
    assert_eq!(run_in(&d, &with_url, &[]).status.code(), Some(0));
    assert_eq!(std::fs::read_to_string(d.join("s/b.txt")).unwrap(), page);
    // A side file without a URL is an error naming it and the line.
    write(&d.join("s/b.url"), "\nnot a url\n");
    let o = run_in(&d, &args, &[]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("b.url:2: `not a url` is not a URL"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn test_as_json_lines_and_with_a_default_url() {
    let d = project("test-json");
    // A site rule that only applies to pages of example.org.
    write(
        &d.join("site.toml"),
        "[site]\nhosts = [\"example.org\"]\n\n[[rule]]\nid = \"ex/footer\"\n\
         why = \"The site's sign-off line\"\nkind = \"drop\"\nlines = [\"Thanks for reading Example\"]\n",
    );
    write(
        &d.join("s/a.txt"),
        "Story line here.\nThanks for reading Example\n",
    );
    write(&d.join("s/a.clean.txt"), "Story line here.\n");
    let args = ["test", "s", "--no-default-rules", "--rules", "site.toml"];
    let o = run_in(&d, &args, &[]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "without --url the site rule is off"
    );
    let mut with_url = args.to_vec();
    with_url.extend(["--url", "https://www.example.org/a", "--format", "json"]);
    let o = run_in(&d, &with_url, &[]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let lines: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines[0]["type"], "sample");
    assert_eq!(lines[0]["status"], "ok");
    assert!(lines[0]["path"].as_str().unwrap().ends_with("a.txt"));
    let last = lines.last().unwrap();
    assert_eq!(last["type"], "summary");
    assert_eq!(last["failed"], 0);
    assert_eq!(last["samples"]["passed"], 1);
    // A failing sample and a new one are reported as such.
    write(&d.join("s/a.clean.txt"), "Something else.\n");
    write(&d.join("s/b.txt"), "Another story.\n");
    let o = run_in(&d, &with_url, &[]);
    assert_eq!(o.status.code(), Some(1));
    let statuses: Vec<String> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|v| v["type"] == "sample")
        .map(|v| v["status"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(statuses, ["failed", "new"]);
    // An expectation whose sample is gone is an orphan record, counted as a failure.
    std::fs::remove_file(d.join("s/a.txt")).unwrap();
    let o = run_in(&d, &with_url, &[]);
    let records: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let orphan = records.iter().find(|v| v["type"] == "orphan").unwrap();
    assert!(orphan["expected"]
        .as_str()
        .unwrap()
        .ends_with("a.clean.txt"));
    let summary = records.last().unwrap();
    assert_eq!(summary["samples"]["orphaned"], 1);
    assert_eq!(summary["failed"], 2, "{summary}");
}

#[test]
fn test_json_reports_every_rule_example() {
    let d = project("test-examples");
    write(
        &d.join("r.toml"),
        "[[rule]]\nid = \"x/w\"\nwhy = \"w\"\nkind = \"drop\"\nlines = [\"Widget\"]\n\
         [[rule.examples]]\ninput = \"Widget\\nText.\\n\"\noutput = \"Text.\\n\"\n\
         [[rule.examples]]\ninput = \"Widget\\nMore.\\n\"\noutput = \"Widget\\nMore.\\n\"\n",
    );
    write(&d.join("s/empty.txt"), "");
    write(&d.join("s/empty.clean.txt"), "");
    let o = run_in(
        &d,
        &[
            "test",
            "s",
            "--no-default-rules",
            "--rules",
            "r.toml",
            "--format",
            "json",
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(1));
    let ex: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|v| v["type"] == "example")
        .collect();
    assert_eq!(ex.len(), 2);
    assert_eq!(ex[0]["status"], "ok");
    assert_eq!(ex[0]["rule"], "x/w");
    assert_eq!(ex[1]["status"], "noisy");
    assert_eq!(ex[1]["actual"], "More.\n");
    assert!(ex[1]["at"].as_str().unwrap().starts_with("r.toml:"));
}

#[test]
fn meaningless_flags_are_errors_with_a_hint() {
    let d = project("flags");
    write(&d.join("page.txt"), "Text.\n");
    let o = run_in(&d, &["--format", "json", "page.txt"], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("add one of them, or drop --format"),
        "{}",
        stderr(&o)
    );
    let o = run_in(&d, &["--format", "json", "--stats", "page.txt"], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    for bad in ["notaurl", "http://", "https://exa mple.org/"] {
        let o = run_in(&d, &["--url", bad, "page.txt"], &[]);
        assert_eq!(o.status.code(), Some(2), "{bad}");
        assert!(stderr(&o).contains("is not a URL"), "{bad}: {}", stderr(&o));
    }
    for good in [
        "https://www.npr.org/x",
        "npr.org/x",
        "http://localhost:8080/",
    ] {
        let o = run_in(&d, &["--url", good, "page.txt"], &[]);
        assert_eq!(o.status.code(), Some(0), "{good}: {}", stderr(&o));
    }
    let o = run_in(&d, &["test", "page.txt", "--url", "notaurl"], &[]);
    assert_eq!(o.status.code(), Some(2));
    // -j 0 means all cores, as when -j is left out.
    let o = run_in(&d, &["-j", "0", "page.txt"], &[]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout(&o), "Text.\n");
    let o = run_in(&d, &["rules", "--dump", "npr", "--format", "json"], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("drop --format"), "{}", stderr(&o));
}
