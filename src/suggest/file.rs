//! The rule file being written: its serialisable shape (that of `rules::raw`, written with
//! the `toml` serializer), the one constructor of a proposed rule, and how shapes become
//! text (escaped regexes, quotes for a `why`, ids).

use serde::{Serialize, Serializer};

use super::count::Stat;
use crate::rules::Kind;

#[derive(Serialize)]
pub(super) struct OutFile {
    pub(super) site: OutSite,
    pub(super) rule: Vec<OutRule>,
}

#[derive(Serialize)]
pub(super) struct OutSite {
    pub(super) name: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) hosts: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) detect: Vec<String>,
}

/// A proposed rule.
#[derive(Serialize, Clone)]
#[serde(rename_all = "kebab-case")]
pub(super) struct OutRule {
    pub(super) id: String,
    pub(super) why: String,
    #[serde(serialize_with = "kind_name")]
    pub(super) kind: Kind,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) lines: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) patterns: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) spans: Vec<String>,
    #[serde(rename = "while", skip_serializing_if = "Vec::is_empty")]
    pub(super) while_: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) max_gap: Option<i64>,
    pub(super) examples: Vec<OutExample>,
    /// Pages the line recurs on: rules are ordered by it.
    #[serde(skip)]
    pub(super) pages: u32,
}

#[derive(Serialize, Clone)]
pub(super) struct OutExample {
    pub(super) input: String,
    pub(super) output: String,
}

fn kind_name<S: Serializer>(kind: &Kind, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(kind.name())
}

impl OutRule {
    /// A rule of `kind` on the recurring line `st`: its text as `lines`, or, where only
    /// digits vary, its shape as `patterns`. No id yet, no examples.
    pub(super) fn on_line(kind: Kind, st: &Stat, why: String) -> OutRule {
        let (lines, patterns) = matcher(st);
        OutRule {
            id: String::new(),
            why,
            kind,
            lines,
            patterns,
            spans: Vec::new(),
            while_: Vec::new(),
            max_gap: None,
            examples: Vec::new(),
            pages: st.pages,
        }
    }
}

/// How a rule matches the recurring line `st`: (`lines`, `patterns`).
pub(super) fn matcher(st: &Stat) -> (Vec<String>, Vec<String>) {
    if st.varies {
        (Vec::new(), vec![shape_regex(&st.examples[0], &st.digits)])
    } else {
        (vec![st.examples[0].to_string()], Vec::new())
    }
}

/// The recurring line `st` quoted for a `why` (with a second example where digits vary).
pub(super) fn shown(st: &Stat) -> String {
    let mut s = quote(&st.examples[0]);
    if st.varies {
        if let Some(e) = st.examples.get(1) {
            s.push_str(&format!(", {}", quote(e)));
        }
        s.push_str(" (only digits vary)");
    }
    s
}

/// Words in `s`, split at white space.
pub(super) fn words(s: &str) -> usize {
    s.split_whitespace().count()
}

/// The regex for a shape: the example text escaped, each digit run as `\d{a,b}`.
pub(super) fn shape_regex(example: &str, digits: &[(u8, u8)]) -> String {
    let mut out = String::new();
    let mut lit = String::new();
    let mut runs = digits.iter();
    let mut chars = example.chars().peekable();
    while let Some(ch) = chars.next() {
        if ch.is_ascii_digit() {
            while chars.peek().is_some_and(char::is_ascii_digit) {
                chars.next();
            }
            out.push_str(&regex::escape(&lit));
            lit.clear();
            match runs.next() {
                Some(&(a, b)) if a == b => out.push_str(&format!(r"\d{{{a}}}")),
                Some(&(a, b)) => out.push_str(&format!(r"\d{{{a},{b}}}")),
                None => out.push_str(r"\d+"),
            }
        } else {
            lit.push(ch);
        }
    }
    out.push_str(&regex::escape(&lit));
    out
}

/// A line quoted for a `why`: in double quotes, cut to 80 characters.
pub(super) fn quote(s: &str) -> String {
    match s.char_indices().nth(80) {
        Some((i, _)) => format!("\"{}…\"", &s[..i]),
        None => format!("\"{s}\""),
    }
}

/// A kebab slug of the first words of `text` (digits dropped).
pub(super) fn slug(text: &str) -> String {
    let mut s = String::new();
    for (words, w) in text
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty() && !w.bytes().all(|b| b.is_ascii_digit()))
        .enumerate()
    {
        if words == 5 || s.len() + w.len() > 40 {
            break;
        }
        if !s.is_empty() {
            s.push('-');
        }
        s.push_str(&w.to_ascii_lowercase());
    }
    if s.is_empty() {
        s.push_str("line");
    }
    s
}

/// A site name as an id namespace: lower-case letters, digits and `-`.
pub fn namespace(name: &str) -> String {
    let s: String = name
        .to_ascii_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let s = s.trim_matches('-').to_string();
    if s.is_empty() {
        "site".into()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shape_regex_escapes_metacharacters_and_generalises_digits() {
        let re = shape_regex(r"Price (USD) 12.5$ [x]+ \d", &[(1, 3), (1, 1)]);
        assert_eq!(re, r"Price \(USD\) \d{1,3}\.\d{1}\$ \[x\]\+ \\d");
        let re = regex::Regex::new(&format!("^{re}$")).unwrap();
        assert!(re.is_match(r"Price (USD) 999.0$ [x]+ \d"));
        assert!(!re.is_match(r"Price (USD) 9990.0$ [x]+ \d"));
    }

    #[test]
    fn quotes_are_short() {
        assert_eq!(quote("Menu"), "\"Menu\"");
        let long = "ä".repeat(100);
        assert_eq!(quote(&long), format!("\"{}…\"", "ä".repeat(80)));
    }

    #[test]
    fn slugs_are_kebab_ids() {
        assert_eq!(slug("Play Live Radio"), "play-live-radio");
        assert_eq!(
            slug("© 2013 NPR. All rights reserved."),
            "npr-all-rights-reserved"
        );
        assert_eq!(slug("19:04, 07.01.2026"), "line");
        assert_eq!(slug("Über «quotes»"), "ber-quotes");
        assert_eq!(namespace("www.Example.com"), "www-example-com");
        assert_eq!(namespace("!!"), "site");
    }
}
