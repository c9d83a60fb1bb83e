//! Black-box runs of `clean suggest`: page files to stdout, JSON Lines with one rule file
//! per host into --out-dir, and the suggested files loading with `clean --rules`.

use std::fs;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn clean(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_clean"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("clean-suggest-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&d);
    fs::create_dir_all(&d).unwrap();
    d
}

const WORDS: &[&str] = &[
    "harbour", "budget", "railway", "museum", "drought", "festival", "senate", "orchard", "bridge",
    "tariff", "library", "vaccine", "glacier",
];

/// Page `i` of a site: constant chrome, a digit-varying stamp, and a unique article.
fn page(site: &str, i: usize) -> String {
    let w = |k: usize| WORDS[(i * k + k) % WORDS.len()];
    format!(
        "{site} Home\nSubscribe now\n\nThe {} and the {} of {site} met over the {} after {} hours of debate.\n\nPosted {}:{:02} by the {site} desk\n",
        w(1),
        w(3),
        w(5),
        i * 7 % 13 + 1,
        i % 12 + 1,
        i * 11 % 60
    )
}

#[test]
fn files_to_stdout_load_with_rules_and_clean_other_pages() {
    let d = tmp("files");
    let mut args = vec!["suggest".to_string()];
    for i in 0..8 {
        let p = d.join(format!("p{i}.txt"));
        fs::write(&p, page("Gazette", i)).unwrap();
        args.push(p.display().to_string());
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = clean(&args, b"");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let toml = String::from_utf8(out.stdout).unwrap();
    assert!(toml.starts_with("# Suggested by `clean suggest "), "{toml}");
    assert!(toml.contains("on 8 of 8 pages"), "{toml}");
    let rules = d.join("gazette.toml");
    fs::write(&rules, &toml).unwrap();
    let cleaned = clean(
        &["--no-default-rules", "--rules", rules.to_str().unwrap()],
        page("Gazette", 99).as_bytes(),
    );
    assert_eq!(
        cleaned.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&cleaned.stderr)
    );
    let article = page("Gazette", 99).lines().nth(3).unwrap().to_string();
    assert!(article.starts_with("The "), "{article}");
    assert_eq!(String::from_utf8_lossy(&cleaned.stdout), article + "\n");
}

#[test]
fn jsonl_by_host_into_out_dir() {
    let d = tmp("jsonl");
    let mut input = String::new();
    for i in 0..10 {
        for (host, site) in [
            ("www.gazette.example", "Gazette"),
            ("herald.example", "Herald"),
        ] {
            let rec =
                serde_json::json!({"link": format!("https://{host}/{i}"), "body": page(site, i)});
            input.push_str(&format!("{rec}\n"));
        }
    }
    let out_dir = d.join("rules");
    let out = clean(
        &[
            "suggest",
            "--jsonl",
            "--url-field",
            "link",
            "--field",
            "body",
            "--out-dir",
            out_dir.to_str().unwrap(),
        ],
        input.as_bytes(),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let g = fs::read_to_string(out_dir.join("gazette-example.toml")).unwrap();
    let h = fs::read_to_string(out_dir.join("herald-example.toml")).unwrap();
    assert!(g.contains("hosts = [\"gazette.example\"]"), "{g}");
    assert!(h.contains("\"Herald Home\""), "{h}");
    // Both files load together (unique ids), and the host picks the site's rules.
    let cleaned = clean(
        &[
            "--no-default-rules",
            "--rules",
            out_dir.to_str().unwrap(),
            "--url",
            "https://herald.example/x",
        ],
        b"Herald Home\nText.\n",
    );
    assert_eq!(String::from_utf8_lossy(&cleaned.stdout), "Text.\n");
}

#[test]
fn several_hosts_need_out_dir_and_bad_inputs_are_reported_and_skipped() {
    let input = "{\"url\":\"https://a.example/\",\"text\":\"x\"}\n{\"url\":\"https://b.example/\",\"text\":\"y\"}\n";
    let out = clean(
        &["suggest", "--jsonl", "--url-field", "url"],
        input.as_bytes(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--out-dir"));
    // A bad record is reported by line and skipped; the others still count.
    let mut input = String::new();
    for i in 0..6 {
        input.push_str(&format!(
            "{}\n",
            serde_json::json!({"text": page("Gazette", i)})
        ));
        if i == 2 {
            input.push_str("not json\n{\"body\":\"no text field\"}\n");
        }
    }
    let out = clean(&["suggest", "--jsonl"], input.as_bytes());
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("-:4: not a JSON record"), "{err}");
    assert!(err.contains("-:5: no field `text`"), "{err}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("on 6 of 6 pages"));
    // A missing page file likewise.
    let d = tmp("missing");
    let mut args = vec!["suggest".to_string(), "no/such/page.txt".to_string()];
    for i in 0..4 {
        let p = d.join(format!("p{i}.txt"));
        fs::write(&p, page("Gazette", i)).unwrap();
        args.push(p.display().to_string());
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = clean(&args, b"");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no/such/page.txt"));
    assert!(String::from_utf8_lossy(&out.stdout).contains("on 4 of 4 pages"));
}

#[test]
fn files_from_two_folders_get_their_folder_as_namespace_and_load_together() {
    let d = tmp("folders");
    let mut files = Vec::new();
    for site in ["Gazette", "Herald"] {
        let dir = d.join(site.to_lowercase());
        fs::create_dir_all(&dir).unwrap();
        let mut args = vec!["suggest".to_string()];
        for i in 0..8 {
            let p = dir.join(format!("p{i}.txt"));
            fs::write(&p, page(site, i)).unwrap();
            args.push(p.display().to_string());
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = clean(&args, b"");
        assert_eq!(out.status.code(), Some(0));
        let toml = String::from_utf8(out.stdout).unwrap();
        let ns = site.to_lowercase();
        assert!(toml.contains(&format!("name = \"{ns}\"")), "{toml}");
        assert!(
            toml.contains(&format!("id = \"{ns}/subscribe-now\"")),
            "{toml}"
        );
        let f = d.join(format!("{ns}.toml"));
        fs::write(&f, toml).unwrap();
        files.push(f.display().to_string());
    }
    // Both learned files load at once (the same chrome line, two namespaces).
    let out = clean(
        &[
            "--no-default-rules",
            "--rules",
            &files[0],
            "--rules",
            &files[1],
        ],
        page("Herald", 20).as_bytes(),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!String::from_utf8_lossy(&out.stdout).contains("Subscribe now"));
}

#[test]
fn records_are_read_as_clean_jsonl_reads_them_dotted_url_field_and_duplicate_keys() {
    let d = tmp("dotted");
    let mut input = String::new();
    for i in 0..6 {
        let rec = serde_json::json!({"meta": {"url": format!("https://gazette.example/{i}")}, "text": page("Gazette", i)});
        input.push_str(&format!("{rec}\n"));
    }
    input.push_str(
        "{\"text\":\"a\",\"text\":\"b\",\"meta\":{\"url\":\"https://gazette.example/x\"}}\n",
    );
    let out_dir = d.join("rules");
    let out = clean(
        &[
            "suggest",
            "--jsonl",
            "--url-field",
            "meta.url",
            "--out-dir",
            out_dir.to_str().unwrap(),
        ],
        input.as_bytes(),
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("-:7: field `text` appears more than once"),
        "{err}"
    );
    let g = fs::read_to_string(out_dir.join("gazette-example.toml")).unwrap();
    assert!(g.contains("hosts = [\"gazette.example\"]"), "{g}");
    assert!(g.contains("on 6 of 6 pages"), "{g}");
}

#[test]
fn thresholds_are_flags_with_the_library_defaults() {
    let out = clean(&["suggest", "--help"], b"");
    let help = String::from_utf8_lossy(&out.stdout);
    for flag in [
        "--min-share <SHARE>",
        "--cut-percent <PCT>",
        "--block-gap-words <N>",
        "--detect-max <N>",
    ] {
        assert!(help.contains(flag), "{help}");
    }
    assert!(help.contains("[default: 97]"), "{help}");
    let out = clean(&["suggest", "--cut-percent", "101"], b"");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--cut-percent"));
    // No detect pattern, when none is allowed: the file then asks for URLs.
    let d = tmp("detect-max");
    let mut files = Vec::new();
    for i in 0..6 {
        let f = d.join(format!("p{i}.txt"));
        fs::write(&f, page("Gazette Evening Courier", i)).unwrap();
        files.push(f.display().to_string());
    }
    let files: Vec<&str> = files.iter().map(String::as_str).collect();
    let with = |extra: &[&str]| {
        let args: Vec<&str> = [&["suggest"], extra, &files].concat();
        String::from_utf8(clean(&args, b"").stdout).unwrap()
    };
    assert_eq!(with(&[]).matches("\n# detect ").count(), 1);
    let toml = with(&["--detect-max", "0"]);
    assert_eq!(toml.matches("\n# detect ").count(), 0, "{toml}");
    assert!(toml.contains("distinctive enough"), "{toml}");
}
