//! Compressed corpora (issue 21): gzip (one member or many) and zstd inputs, from files
//! and standard input, in every mode; outputs that keep the input's compression or take
//! it from `--output`'s extension.

mod common;

use std::fs;

use common::{gunzip_members, gzip, ok, run, seeds, tmp, zstd};

/// JSON Lines records of the seed pages.
fn shard() -> Vec<u8> {
    seeds()
        .iter()
        .enumerate()
        .map(|(i, (_, b))| {
            let t = serde_json::to_string(std::str::from_utf8(b).unwrap()).unwrap();
            format!("{{\"id\":{i},\"text\":{t}}}\n")
        })
        .collect::<String>()
        .into_bytes()
}

/// The same bytes as one gzip member, as two, and as two zstd frames.
fn compressed_forms(plain: &[u8]) -> Vec<(&'static str, Vec<u8>)> {
    let half = plain.len() / 2;
    let mut multi = gzip(&plain[..half]);
    multi.extend(gzip(&plain[half..]));
    let mut frames = zstd(&plain[..half]);
    frames.extend(zstd(&plain[half..]));
    vec![("gzip", gzip(plain)), ("gzip-2", multi), ("zstd", frames)]
}

#[test]
fn compressed_inputs_clean_as_their_plain_bytes_from_files_and_stdin() {
    let d = tmp("compressed-inputs");
    let jsonl = shard();
    let (seed, page) = &seeds()[0];
    let seed_expected = fs::read(
        seed.parent()
            .unwrap()
            .join("expected")
            .join(seed.file_name().unwrap()),
    )
    .unwrap();
    let want_jsonl = ok(&["--jsonl"], &jsonl);
    for (form, bytes) in compressed_forms(&jsonl) {
        let p = d.join(format!("{form}.jsonl"));
        fs::write(&p, &bytes).unwrap();
        assert_eq!(
            ok(&["--jsonl", p.to_str().unwrap()], b""),
            want_jsonl,
            "{form} file"
        );
        assert_eq!(
            ok(&["--jsonl", "-j", "3"], &bytes),
            want_jsonl,
            "{form} stdin"
        );
    }
    for (form, bytes) in compressed_forms(page) {
        let p = d.join(format!("{form}.txt"));
        fs::write(&p, &bytes).unwrap();
        assert_eq!(
            ok(&[p.to_str().unwrap()], b""),
            seed_expected,
            "{form} page file"
        );
        assert_eq!(ok(&[], &bytes), seed_expected, "{form} page on stdin");
        let diff = run(&["--diff", p.to_str().unwrap()], b"");
        assert_eq!(diff.status.code(), Some(1), "{form}: --diff reads it too");
    }
}

#[test]
fn output_dir_and_in_place_keep_the_compression() {
    let d = tmp("compressed-outputs");
    let jsonl = shard();
    let want = ok(&["--jsonl"], &jsonl);
    let gz = d.join("a.jsonl.gz");
    let zst = d.join("b.jsonl.zst");
    fs::write(&gz, gzip(&jsonl)).unwrap();
    fs::write(&zst, zstd(&jsonl)).unwrap();
    let out = d.join("out");
    ok(
        &[
            "--jsonl",
            "-o",
            out.to_str().unwrap(),
            gz.to_str().unwrap(),
            zst.to_str().unwrap(),
        ],
        b"",
    );
    assert_eq!(
        gunzip_members(&fs::read(out.join("a.jsonl.gz")).unwrap()).concat(),
        want
    );
    assert_eq!(
        zstd::decode_all(&fs::read(out.join("b.jsonl.zst")).unwrap()[..]).unwrap(),
        want
    );

    // A page file in place, in zstd.
    let (_, page) = &seeds()[1];
    let page_zst = d.join("page.txt.zst");
    fs::write(&page_zst, zstd(page)).unwrap();
    ok(&["--in-place", page_zst.to_str().unwrap()], b"");
    let bytes = fs::read(&page_zst).unwrap();
    assert_eq!(&bytes[..4], b"\x28\xb5\x2f\xfd", "still zstd");
    assert_eq!(zstd::decode_all(&bytes[..]).unwrap(), ok(&[], page));
}

#[test]
fn output_file_is_compressed_by_its_extension() {
    let d = tmp("compressed-output-file");
    let jsonl = shard();
    let want = ok(&["--jsonl"], &jsonl);
    for name in ["x.jsonl.gz", "x.jsonl.zst", "x.jsonl"] {
        let p = d.join(name);
        let out = ok(&["--jsonl", "--output", p.to_str().unwrap()], &gzip(&jsonl));
        assert!(out.is_empty(), "nothing on stdout");
        let bytes = fs::read(&p).unwrap();
        let got = if name.ends_with(".gz") {
            gunzip_members(&bytes).concat()
        } else if name.ends_with(".zst") {
            zstd::decode_all(&bytes[..]).unwrap()
        } else {
            bytes
        };
        assert_eq!(got, want, "{name}");
    }
}

#[test]
fn a_truncated_gzip_input_is_an_error_naming_the_file() {
    let d = tmp("compressed-truncated");
    let mut gz = gzip(&shard());
    gz.truncate(gz.len() - 100);
    let p = d.join("cut.jsonl.gz");
    fs::write(&p, gz).unwrap();
    let out = run(&["--jsonl", p.to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cut.jsonl.gz"), "{err}");
}

#[test]
fn suggest_reads_compressed_json_lines_as_their_plain_bytes() {
    let d = tmp("compressed-suggest");
    let jsonl = shard();
    let plain = d.join("plain.jsonl");
    fs::write(&plain, &jsonl).unwrap();
    // The first line of the file names the command; the rules under it must not differ.
    let suggest = |args: &[&str], stdin: &[u8]| {
        let mut all = vec!["suggest", "--jsonl", "--min-pages", "2", "--name", "x"];
        all.extend_from_slice(args);
        let out = String::from_utf8(ok(&all, stdin)).unwrap();
        out.split_once('\n').unwrap().1.to_string()
    };
    let want = suggest(&[plain.to_str().unwrap()], b"");
    assert!(want.contains("[[rule]]"), "{want}");
    for (form, bytes) in compressed_forms(&jsonl) {
        let p = d.join(format!("{form}.jsonl.gz"));
        fs::write(&p, &bytes).unwrap();
        assert_eq!(suggest(&[p.to_str().unwrap()], b""), want, "{form} file");
        assert_eq!(suggest(&[], &bytes), want, "{form} stdin");
    }
}
