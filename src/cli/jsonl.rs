//! JSON Lines records: clean one field, keep every other field byte for byte.
//!
//! A record is parsed only into its top-level keys and raw values (`RawValue`), so every
//! untouched value is written back exactly as it came (numbers, escapes, nesting); only
//! the text field is re-encoded, and the object is written compactly. [`read_record`] is
//! also how `clean suggest` reads its records.

use std::fmt;

use serde::de::{Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;

use clean::report::stats::Stats;
use clean::RuleSet;

use super::stream::{clean_text, Cleaned};

/// Which fields to read and write.
pub struct Fields<'a> {
    /// The page text.
    pub text: &'a str,
    /// The page URL, if any.
    pub url: Option<&'a str>,
    /// Where to list removals, if asked.
    pub removed: Option<&'a str>,
}

/// The top-level members of a JSON object, in order, values unparsed.
struct Members<'a>(Vec<(String, &'a RawValue)>);

impl<'de: 'a, 'a> Deserialize<'de> for Members<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Members<'a>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<M: MapAccess<'de>>(self, mut m: M) -> Result<Self::Value, M::Error> {
                let mut v = Vec::new();
                while let Some((k, val)) = m.next_entry::<String, &'de RawValue>()? {
                    v.push((k, val));
                }
                Ok(Members(v))
            }
        }
        d.deserialize_map(V(std::marker::PhantomData))
    }
}

/// A record read: its members, its page text and URL, and whether it lacks the URL field
/// asked for.
pub struct Record<'a> {
    members: Members<'a>,
    /// The page text.
    pub text: String,
    /// The page URL.
    pub url: Option<String>,
    /// The URL field asked for is not there.
    pub url_missing: bool,
}

/// Read one record (a line without its newline), or say why it is malformed.
pub fn read_record<'a>(fields: &Fields<'_>, line: &'a [u8]) -> Result<Record<'a>, String> {
    let text = std::str::from_utf8(line).map_err(|e| format!("not UTF-8: {e}"))?;
    let members: Members<'_> =
        serde_json::from_str(text).map_err(|e| format!("not a JSON object: {e}"))?;
    // A JSON parser would keep one of two equal keys and drop the other: never silently.
    for name in [Some(fields.text), fields.url].into_iter().flatten() {
        if members.0.iter().filter(|(k, _)| k == name).count() > 1 {
            return Err(format!("field `{name}` appears more than once"));
        }
    }
    if let Some(name) = fields.removed {
        if members.0.iter().any(|(k, _)| k == name) {
            return Err(format!(
                "field `{name}` already exists (--removed-field would write it twice)"
            ));
        }
    }
    let get = |name: &str| members.0.iter().find(|(k, _)| k == name).map(|(_, v)| *v);
    let page_text: String = match get(fields.text) {
        None => return Err(format!("no field `{}`", fields.text)),
        Some(v) => match decode_str(v.get()) {
            Some(t) => t,
            None => serde_json::from_str(v.get())
                .map_err(|_| format!("field `{}` is not a string", fields.text))?,
        },
    };
    // A top-level key, else a dotted path into nested objects (`metadata.url`).
    let url_raw = fields
        .url
        .and_then(|name| get(name).or_else(|| nested(&members, name)));
    let url_missing = fields.url.is_some() && url_raw.is_none();
    let url: Option<String> =
        match url_raw {
            None => None,
            Some(v) if v.get() == "null" => None,
            Some(v) => Some(serde_json::from_str(v.get()).map_err(|_| {
                format!("field `{}` is not a string", fields.url.unwrap_or_default())
            })?),
        };
    Ok(Record {
        members,
        text: page_text,
        url,
        url_missing,
    })
}

/// Clean one record (a line without its newline). Returns the output line (with a
/// newline), written into `out` (emptied first), and whether the record lacks the URL
/// field asked for; when `stats` is given, counts the page into it. A text over the page
/// cap `cap`, or of as many lines as a piece holds, is cleaned in pieces as a page read
/// from a file is ([`clean_text`]).
pub fn clean_record(
    rules: &RuleSet,
    fields: &Fields<'_>,
    line: &[u8],
    mut stats: Option<&mut Stats>,
    cap: usize,
    mut out: Vec<u8>,
) -> Result<(Vec<u8>, bool), String> {
    let Record {
        members,
        text: page_text,
        url,
        url_missing,
    } = read_record(fields, line)?;
    #[derive(serde::Serialize)]
    struct R<'a> {
        rule: &'a str,
        lines: [usize; 2],
    }
    // What `--removed-field` lists: (line, removal), line numbers in the record's text.
    let mut removed: Vec<(usize, R<'_>)> = Vec::new();
    let each = |piece: Cleaned<'_, '_>| {
        let (outcome, first) = match piece {
            Cleaned::Page {
                page,
                outcome,
                first,
                out_len,
            } => {
                if let Some(s) = stats.as_deref_mut() {
                    s.add(page, outcome, out_len);
                }
                (outcome, first)
            }
            Cleaned::Long { bytes, add_newline } => {
                if let Some(s) = stats.as_deref_mut() {
                    s.add_kept(bytes, add_newline);
                }
                return;
            }
        };
        if fields.removed.is_none() {
            return;
        }
        for r in outcome.removals() {
            let (from, to) = (first + r.lines.start, first + r.lines.end);
            let rule = rules.cause_id(r.cause);
            removed.push((
                from,
                R {
                    rule,
                    lines: [from + 1, to],
                },
            ));
        }
        for e in outcome.edits() {
            let line = first + e.line;
            for (_, c) in &e.removed {
                let rule = rules.cause_id(*c);
                removed.push((
                    line,
                    R {
                        rule,
                        lines: [line + 1, line + 1],
                    },
                ));
            }
        }
    };
    let cleaned = clean_text(rules, url.as_deref(), page_text.as_bytes(), cap, each);
    // Kept lines are whole UTF-8 text; a span rule may still cut inside a character.
    let cleaned = match String::from_utf8(cleaned) {
        Ok(s) => s,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    };

    out.clear();
    out.reserve(line.len() + 64);
    out.push(b'{');
    for (i, (k, v)) in members.0.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        serde_json::to_writer(&mut out, k).expect("strings serialise");
        out.push(b':');
        if k == fields.text {
            encode_str(&mut out, &cleaned);
        } else {
            out.extend_from_slice(v.get().as_bytes());
        }
    }
    if let Some(name) = fields.removed {
        // Stable: a line's removals keep the order the piece gave them.
        removed.sort_by_key(|(l, _)| *l);
        let list: Vec<R<'_>> = removed.into_iter().map(|(_, r)| r).collect();
        if !members.0.is_empty() {
            out.push(b',');
        }
        serde_json::to_writer(&mut out, name).expect("strings serialise");
        out.push(b':');
        serde_json::to_writer(&mut out, &list).expect("plain data serialises");
    }
    out.extend_from_slice(b"}\n");
    Ok((out, url_missing))
}

/// The value at a dotted `path` (`a.b.c`) through nested objects, trying the longest key
/// first at each level (`a.b` may itself be a key).
fn nested<'a>(members: &Members<'a>, path: &str) -> Option<&'a RawValue> {
    path.match_indices('.').rev().find_map(|(i, _)| {
        let (head, rest) = (&path[..i], &path[i + 1..]);
        let v = members.0.iter().find(|(k, _)| k == head)?.1;
        let inner: Members<'a> = serde_json::from_str(v.get()).ok()?;
        let found = inner.0.iter().find(|(k, _)| k == rest).map(|(_, v)| *v);
        found.or_else(|| nested(&inner, rest))
    })
}

/// The string a JSON string literal (quotes included) stands for, decoded as serde_json
/// decodes it; `None` for anything but a well-formed literal (serde_json then says why).
/// Page text is long with an escape every line or so: this finds the escapes with
/// `memchr` and copies the runs between them, where serde_json reads byte by byte.
fn decode_str(raw: &str) -> Option<String> {
    let body = raw.strip_prefix('"')?.strip_suffix('"')?;
    let b = body.as_bytes();
    // Four hex digits at `at`.
    let hex = |at: usize| {
        b.get(at..at + 4)?
            .iter()
            .try_fold(0u32, |v, &c| Some(v << 4 | char::from(c).to_digit(16)?))
    };
    let mut out = String::with_capacity(body.len());
    let mut i = 0;
    while i < b.len() {
        let run = memchr::memchr2(b'\\', b'"', &b[i..]).map_or(b.len(), |k| i + k);
        if b[i..run].iter().fold(false, |any, &c| any | (c < 0x20)) {
            return None;
        }
        // Cut at ASCII bytes: the runs are whole characters, and `out` stays UTF-8
        // without checking it again.
        out.push_str(&body[i..run]);
        if run == b.len() {
            break;
        }
        if b[run] == b'"' {
            return None;
        }
        let esc = *b.get(run + 1)?;
        i = run + 2;
        let c = match esc {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let hi = hex(i)?;
                i += 4;
                match hi {
                    0xD800..=0xDBFF => {
                        if b.get(i..i + 2)? != b"\\u" {
                            return None;
                        }
                        let lo = hex(i + 2).filter(|lo| (0xDC00..=0xDFFF).contains(lo))?;
                        i += 6;
                        char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))?
                    }
                    _ => char::from_u32(hi)?, // a lone low surrogate is no char: None
                }
            }
            _ => return None,
        };
        out.push(c);
    }
    Some(out)
}

/// Append `s` as a JSON string literal, escaped exactly as serde_json escapes it.
fn encode_str(out: &mut Vec<u8>, s: &str) {
    let b = s.as_bytes();
    out.reserve(b.len() + 2);
    out.push(b'"');
    let mut start = 0;
    while let Some(k) = next_special(&b[start..]) {
        let i = start + k;
        let c = b[i];
        let esc: &[u8] = match c {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x08 => b"\\b",
            0x0C => b"\\f",
            _ => &[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[usize::from(c >> 4)],
                HEX[usize::from(c & 15)],
            ],
        };
        out.extend_from_slice(&b[start..i]);
        out.extend_from_slice(esc);
        start = i + 1;
    }
    out.extend_from_slice(&b[start..]);
    out.push(b'"');
}

/// The first byte JSON must escape (a control character, `"` or `\\`): 32 bytes at a
/// time, in a form the compiler vectorises.
fn next_special(b: &[u8]) -> Option<usize> {
    let special = |c: u8| (c < 0x20) | (c == b'"') | (c == b'\\');
    let mut chunks = b.chunks_exact(32);
    let mut at = 0;
    for w in chunks.by_ref() {
        if w.iter().fold(false, |any, &c| any | special(c)) {
            return w.iter().position(|&c| special(c)).map(|k| at + k);
        }
        at += 32;
    }
    chunks
        .remainder()
        .iter()
        .position(|&c| special(c))
        .map(|k| at + k)
}

const HEX: &[u8; 16] = b"0123456789abcdef";

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> RuleSet {
        clean::load(&clean::embedded_sources()).unwrap()
    }

    const F: Fields<'static> = Fields {
        text: "text",
        url: Some("url"),
        removed: None,
    };

    #[test]
    fn other_fields_are_kept_exactly() {
        let line =
            br#"{"id": 1.50, "meta":{"a":[1,"\u00e9"]},"text":"Advertising\nBody.\n","url":null}"#;
        let out = clean_record(&rules(), &F, line, None, 1 << 22, Vec::new())
            .unwrap()
            .0;
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "{\"id\":1.50,\"meta\":{\"a\":[1,\"\\u00e9\"]},\"text\":\"Body.\\n\",\"url\":null}\n"
        );
    }

    #[test]
    fn removed_field_lists_rules_and_lines() {
        let f = Fields {
            removed: Some("removed"),
            ..F
        };
        let out = clean_record(
            &rules(),
            &f,
            br#"{"text":"Advertising\nBody.\n"}"#,
            None,
            1 << 22,
            Vec::new(),
        )
        .unwrap()
        .0;
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "{\"text\":\"Body.\\n\",\"removed\":[{\"rule\":\"generic/ad-label\",\"lines\":[1,1]}]}\n"
        );
    }

    /// A text over the cap is cleaned in pieces, as a file's page is: the same text comes
    /// out as `clean_input` gives it, and removals are numbered in the record's lines.
    #[test]
    fn a_record_over_the_cap_is_cleaned_in_pieces() {
        let f = Fields {
            removed: Some("removed"),
            ..F
        };
        let text: String = (0..30)
            .map(|k| {
                format!(
                    "The council met for the {k}th time and agreed to the plan.\n\nAdvertising\n\n"
                )
            })
            .collect();
        let line = serde_json::to_vec(&serde_json::json!({ "text": text })).unwrap();
        let cap = 1024;
        assert!(super::super::stream::in_pieces(text.as_bytes(), cap));
        let rules = rules();
        let mut stats = Stats::new(&rules);
        let (out, _) = clean_record(&rules, &f, &line, Some(&mut stats), cap, Vec::new()).unwrap();
        assert!(stats.pages > 1, "cleaned in {} piece(s)", stats.pages);
        assert_eq!(stats.lines_in, 120);
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        let want = super::super::stream::clean_input(&rules, None, text.as_bytes(), cap).unwrap();
        assert_eq!(v["text"].as_str().unwrap().as_bytes(), &want[..]);
        // Every "Advertising" line is named where it is in the record: 3, 7, 11, ...
        let ads: Vec<u64> = v["removed"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["rule"] == "generic/ad-label")
            .map(|r| r["lines"][0].as_u64().unwrap())
            .collect();
        assert_eq!(ads, (0..30).map(|k| 3 + 4 * k).collect::<Vec<u64>>());
    }

    #[test]
    fn url_field_may_be_a_dotted_path_and_is_reported_missing() {
        let f = Fields {
            url: Some("meta.page.url"),
            ..F
        };
        let text = r#""Body.\nNPR thanks our sponsors\n""#;
        let line =
            format!(r#"{{"text":{text},"meta":{{"page":{{"url":"https://www.npr.org/x"}}}}}}"#);
        let (out, missing) =
            clean_record(&rules(), &f, line.as_bytes(), None, 1 << 22, Vec::new()).unwrap();
        assert!(!missing);
        assert!(String::from_utf8(out)
            .unwrap()
            .starts_with("{\"text\":\"Body.\\n\""));
        // A key with a dot in it is a key first.
        let line = format!(r#"{{"text":{text},"meta.page":{{"url":"https://www.npr.org/x"}}}}"#);
        let (out, missing) =
            clean_record(&rules(), &f, line.as_bytes(), None, 1 << 22, Vec::new()).unwrap();
        assert!(!missing);
        assert!(String::from_utf8(out)
            .unwrap()
            .starts_with("{\"text\":\"Body.\\n\""));
        // Absent: no site rules by host, and the caller is told.
        let line = format!(r#"{{"text":{text},"meta":{{"page":{{}}}}}}"#);
        let (out, missing) =
            clean_record(&rules(), &f, line.as_bytes(), None, 1 << 22, Vec::new()).unwrap();
        assert!(missing);
        assert!(String::from_utf8(out).unwrap().contains("NPR thanks"));
    }

    #[test]
    fn url_field_selects_site_rules() {
        let line = br#"{"text":"Body.\nNPR thanks our sponsors\n","url":"https://www.npr.org/x"}"#;
        let out = clean_record(&rules(), &F, line, None, 1 << 22, Vec::new())
            .unwrap()
            .0;
        assert!(String::from_utf8(out)
            .unwrap()
            .starts_with("{\"text\":\"Body.\\n\""));
    }

    /// Strings with every kind of character: escapes, controls, non-ASCII, astral.
    fn strings() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::strategy::Strategy;
        proptest::collection::vec(
            proptest::prop_oneof![
                proptest::char::range('\0', '\u{7f}'),
                proptest::char::any(),
                proptest::sample::select(vec![
                    '"',
                    '\\',
                    '\n',
                    '/',
                    '\u{7f}',
                    '\u{2028}',
                    '\u{1f600}'
                ]),
            ],
            0..40,
        )
        .prop_map(|cs| cs.into_iter().collect())
    }

    proptest::proptest! {
        #[test]
        fn strings_encode_as_serde_json_encodes_them(s in strings()) {
            let mut ours = Vec::new();
            encode_str(&mut ours, &s);
            proptest::prop_assert_eq!(ours, serde_json::to_vec(&s).unwrap());
        }

        #[test]
        fn strings_decode_as_serde_json_decodes_them(s in strings(), ascii in proptest::bool::ANY) {
            // Both ways a producer writes them: raw UTF-8, or everything past ASCII as
            // `\u` escapes (surrogate pairs for astral characters), with `\/` too.
            let raw = if ascii {
                let mut r = String::from("\"");
                for c in s.chars() {
                    match c {
                        '/' => r.push_str("\\/"),
                        c if c.is_ascii() => {
                            let e = serde_json::to_string(&c.to_string()).unwrap();
                            r.push_str(&e[1..e.len() - 1]);
                        }
                        c => {
                            for u in c.encode_utf16(&mut [0; 2]) {
                                r.push_str(&format!("\\u{u:04X}"));
                            }
                        }
                    }
                }
                r.push('"');
                r
            } else {
                serde_json::to_string(&s).unwrap()
            };
            proptest::prop_assert_eq!(decode_str(&raw), Some(s));
        }
    }

    #[test]
    fn odd_string_literals_are_left_to_serde_json() {
        for raw in [
            r#""\ud800""#,
            r#""\udc00x""#,
            r#""\ud800\u0041""#,
            r#""\x""#,
            r#""\u12""#,
            r#""\u+123""#,
            "\"\\\u{e9}x\"",
            "\"\\u12\u{e9}\"",
            "\"a\u{1}b\"",
            r#""a"b""#,
            r#""\"#,
            "x",
        ] {
            assert_eq!(decode_str(raw), None, "{raw}");
        }
        assert_eq!(
            decode_str(r#""\ud83d\ude00 \u00e9\/""#).as_deref(),
            Some("\u{1f600} \u{e9}/")
        );
    }

    #[test]
    fn malformed_records_say_why() {
        let r = rules();
        assert!(clean_record(&r, &F, b"[1,2]", None, 1 << 22, Vec::new())
            .unwrap_err()
            .starts_with("not a JSON object"));
        assert!(
            clean_record(&r, &F, b"{\"text\":", None, 1 << 22, Vec::new())
                .unwrap_err()
                .starts_with("not a JSON object")
        );
        assert_eq!(
            clean_record(&r, &F, b"{\"body\":\"x\"}", None, 1 << 22, Vec::new()).unwrap_err(),
            "no field `text`"
        );
        assert_eq!(
            clean_record(&r, &F, b"{\"text\":3}", None, 1 << 22, Vec::new()).unwrap_err(),
            "field `text` is not a string"
        );
    }
}
