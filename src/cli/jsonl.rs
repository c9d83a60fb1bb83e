//! JSON Lines records: clean one field, keep every other field byte for byte.
//!
//! A record is parsed only into its top-level keys and raw values (`RawValue`), so every
//! untouched value is written back exactly as it came (numbers, escapes, nesting); only
//! the text field is re-encoded, and the object is written compactly.

use std::fmt;

use serde::de::{Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;

use clean::report::stats::Stats;
use clean::{Page, RuleSet};

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

/// Clean one record (a line without its newline). Returns the output line (with a
/// newline) and, when `stats` is given, counts the page into it.
pub fn clean_record(
    rules: &RuleSet,
    fields: &Fields<'_>,
    line: &[u8],
    stats: Option<&mut Stats>,
) -> Result<Vec<u8>, String> {
    let text = std::str::from_utf8(line).map_err(|e| format!("not UTF-8: {e}"))?;
    let members: Members<'_> =
        serde_json::from_str(text).map_err(|e| format!("not a JSON object: {e}"))?;
    let get = |name: &str| members.0.iter().find(|(k, _)| k == name).map(|(_, v)| *v);
    let page_text: String = match get(fields.text) {
        None => return Err(format!("no field `{}`", fields.text)),
        Some(v) => serde_json::from_str(v.get())
            .map_err(|_| format!("field `{}` is not a string", fields.text))?,
    };
    let url: Option<String> =
        match fields.url.and_then(get) {
            None => None,
            Some(v) if v.get() == "null" => None,
            Some(v) => Some(serde_json::from_str(v.get()).map_err(|_| {
                format!("field `{}` is not a string", fields.url.unwrap_or_default())
            })?),
        };
    let page = Page::new(page_text.as_bytes());
    let outcome = rules.apply(&page, url.as_deref());
    let cleaned = outcome.render(&page);
    if let Some(s) = stats {
        s.add(&page, &outcome, cleaned.len());
    }
    let cleaned = String::from_utf8_lossy(&cleaned);

    let mut out = Vec::with_capacity(line.len() + 64);
    out.push(b'{');
    for (i, (k, v)) in members.0.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        serde_json::to_writer(&mut out, k).expect("strings serialise");
        out.push(b':');
        if k == fields.text {
            serde_json::to_writer(&mut out, cleaned.as_ref()).expect("strings serialise");
        } else {
            out.extend_from_slice(v.get().as_bytes());
        }
    }
    if let Some(name) = fields.removed {
        #[derive(serde::Serialize)]
        struct R<'a> {
            rule: &'a str,
            lines: [usize; 2],
        }
        let mut list: Vec<(usize, R<'_>)> = outcome
            .removals()
            .iter()
            .map(|r| {
                (
                    r.lines.start,
                    R {
                        rule: rules.cause_id(r.cause),
                        lines: [r.lines.start + 1, r.lines.end],
                    },
                )
            })
            .collect();
        for e in outcome.edits() {
            for (_, c) in &e.removed {
                list.push((
                    e.line,
                    R {
                        rule: rules.cause_id(*c),
                        lines: [e.line + 1, e.line + 1],
                    },
                ));
            }
        }
        list.sort_by_key(|(l, _)| *l);
        let list: Vec<R<'_>> = list.into_iter().map(|(_, r)| r).collect();
        if !members.0.is_empty() {
            out.push(b',');
        }
        serde_json::to_writer(&mut out, name).expect("strings serialise");
        out.push(b':');
        serde_json::to_writer(&mut out, &list).expect("plain data serialises");
    }
    out.extend_from_slice(b"}\n");
    Ok(out)
}

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
        let out = clean_record(&rules(), &F, line, None).unwrap();
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
        let out = clean_record(&rules(), &f, br#"{"text":"Advertising\nBody.\n"}"#, None).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "{\"text\":\"Body.\\n\",\"removed\":[{\"rule\":\"generic/ad-label\",\"lines\":[1,1]}]}\n"
        );
    }

    #[test]
    fn url_field_selects_site_rules() {
        let line = br#"{"text":"Body.\nNPR thanks our sponsors\n","url":"https://www.npr.org/x"}"#;
        let out = clean_record(&rules(), &F, line, None).unwrap();
        assert!(String::from_utf8(out)
            .unwrap()
            .starts_with("{\"text\":\"Body.\\n\""));
    }

    #[test]
    fn malformed_records_say_why() {
        let r = rules();
        assert!(clean_record(&r, &F, b"[1,2]", None)
            .unwrap_err()
            .starts_with("not a JSON object"));
        assert!(clean_record(&r, &F, b"{\"text\":", None)
            .unwrap_err()
            .starts_with("not a JSON object"));
        assert_eq!(
            clean_record(&r, &F, b"{\"body\":\"x\"}", None).unwrap_err(),
            "no field `text`"
        );
        assert_eq!(
            clean_record(&r, &F, b"{\"text\":3}", None).unwrap_err(),
            "field `text` is not a string"
        );
    }
}
