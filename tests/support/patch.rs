//! A minimal `patch`: apply a unified diff as GNU patch reads it (lines split at `\n`,
//! `\ No newline at end of file` taking the newline off the line before), checking every
//! context and removed line, and that a hunk with uneven context reaches the end it is
//! anchored to (GNU patch would need fuzz to apply it elsewhere). Shared by
//! `tests/props.rs`, `tests/robustness.rs` and `fuzz/fuzz_targets/diff_patch.rs`.

/// `text` split after each `\n` (the last piece may have none).
fn lines(text: &[u8]) -> Vec<&[u8]> {
    text.split_inclusive(|&b| b == b'\n').collect()
}

/// Apply a unified diff to `old`, hunk by hunk, checking every context and removed line.
pub fn apply(old: &[u8], diff: &[u8]) -> Vec<u8> {
    let old = lines(old);
    let mut out = Vec::new();
    let mut at = 0; // next old line to copy
    let mut d = lines(diff).into_iter().skip(2).peekable();
    while let Some(h) = d.next() {
        assert!(h.starts_with(b"@@ -"), "hunk header: {h:?}");
        let h = std::str::from_utf8(h).unwrap();
        let start: usize = h[4..].split([',', ' ']).next().unwrap().parse().unwrap();
        let first = if h[4..].split(' ').next().unwrap().ends_with(",0") {
            start
        } else {
            start - 1
        };
        out.extend(old[at..first].iter().copied().flatten());
        at = first;
        // Context lines before and after the hunk's changes.
        let (mut prefix, mut suffix, mut changed) = (0, 0, false);
        while let Some(l) = d.next_if(|l| !l.starts_with(b"@@ ")) {
            match (l[0], changed) {
                (b' ', false) => prefix += 1,
                (b' ', true) => suffix += 1,
                _ => {
                    changed = true;
                    suffix = 0;
                }
            }
            let (tag, body) = (l[0], &l[1..]);
            // `\ No newline at end of file` takes the newline off the line before.
            let no_nl = d.next_if(|n| n.starts_with(b"\\ ")).is_some();
            let body = if no_nl { &body[..body.len() - 1] } else { body };
            match tag {
                b' ' | b'-' => {
                    assert_eq!(old[at], body, "old line {}", at + 1);
                    at += 1;
                    if tag == b' ' {
                        out.extend_from_slice(body);
                    }
                }
                b'+' => out.extend_from_slice(body),
                _ => panic!("diff line {l:?}"),
            }
        }
        // GNU patch anchors uneven context: less before, to line 1; less after, to the end.
        assert!(
            prefix >= suffix || first == 0,
            "{h}: less context before, not at line 1"
        );
        assert!(
            prefix <= suffix || at == old.len(),
            "{h}: less context after, not at the end"
        );
    }
    out.extend(old[at..].iter().copied().flatten());
    out
}
