//! Stage 4, verify: every rule gets examples drawn from the sampled pages, each confirmed
//! by the engine, and the file is loaded as written before it is given out. Also the
//! engine runs the propose stage needs (what the chosen cuts and blocks remove).

use std::collections::HashMap;

use super::classify::Study;
use super::file::{OutExample, OutFile, OutRule, OutSite};
use super::Suggestion;
use crate::rules::Kind;
use crate::{load, Page, RuleSet, Source};

/// The rules alone as a loaded rule set (ids renumbered, detecting every page), or `None`
/// when they do not load.
pub(super) fn compile(ns: &str, rules: &[OutRule]) -> Option<RuleSet> {
    let mut rules = rules.to_vec();
    for (i, r) in rules.iter_mut().enumerate() {
        r.id = format!("{ns}/r{i}");
    }
    let text = toml::to_string(&OutFile {
        site: OutSite {
            name: ns.into(),
            hosts: Vec::new(),
            detect: vec!["(?s).".into()],
        },
        rule: rules,
    })
    .ok()?;
    load(&[Source::new("suggested", text)]).ok()
}

/// For every shape in the sample: (occurrences `rs` removes, occurrences).
pub(super) fn removed_shares(s: &Study, rs: &RuleSet) -> HashMap<u64, (usize, usize)> {
    let active = vec![true; rs.rules().len()];
    let mut m: HashMap<u64, (usize, usize)> = HashMap::new();
    for (p, lines) in s.c.sample.iter().zip(&s.sample) {
        let page = Page::new(p.as_bytes());
        let out = rs.apply_active(&page, &active);
        for (i, l) in lines.iter().enumerate() {
            if !l.blank {
                let e = m.entry(l.shape).or_default();
                e.1 += 1;
                e.0 += usize::from(!out.is_kept(i));
            }
        }
    }
    m
}

/// Give every rule a removing example drawn from the sampled pages and a look-alike
/// that must stay; keep only the examples the engine confirms.
pub(super) fn add_examples(s: &Study, rules: &mut [OutRule]) {
    for r in rules.iter_mut() {
        let Some(rs) = compile_one(&s.ns, r) else {
            continue;
        };
        let active = vec![true];
        let run = |input: &str| -> String {
            let page = Page::new(input.as_bytes());
            String::from_utf8_lossy(&rs.apply_active(&page, &active).render(&page)).into_owned()
        };
        // Removing: a window of a sampled page around the first line the rule removes.
        'pages: for lines in &s.sample {
            let text: String = lines.iter().map(|l| format!("{}\n", l.text)).collect();
            let page = Page::new(text.as_bytes());
            let out = rs.apply_active(&page, &active);
            let changed = |i: usize| !out.is_kept(i) || out.edit_of(i).is_some();
            let Some(first) = (0..page.len()).find(|&i| changed(i) && !lines[i].blank) else {
                continue;
            };
            let start = if r.kind == Kind::Strip {
                first
            } else {
                (0..first).rev().find(|&j| !lines[j].blank).unwrap_or(first)
            };
            let mut end = first;
            while end < lines.len() && !out.is_kept(end) {
                end += 1;
            }
            let end = (end + 1).min(lines.len());
            let input: String = lines[start..end]
                .iter()
                .filter(|l| !l.blank)
                .take(s.opts.example_lines)
                .map(|l| format!("{}\n", l.text))
                .collect();
            let output = run(&input);
            if output != input {
                r.examples.push(OutExample { input, output });
                break 'pages;
            }
        }
        // Keeping: the first matched text quoted inside a sentence, or else (a span
        // matches inside any line) its first half quoted.
        let seed = r.lines.first().cloned().or_else(|| {
            s.sample.iter().flatten().find_map(|l| {
                let t = format!("{}\n", l.text);
                let out = run(&t);
                if l.blank || out == t {
                    return None;
                }
                if r.spans.is_empty() {
                    return out.is_empty().then(|| l.text.to_string());
                }
                // The span itself: what the strip took out of the line.
                let kept = out.trim_end_matches('\n');
                let (a, b) = (l.text.find(kept).unwrap_or(0), kept.len());
                let span = if b == 0 {
                    l.text
                } else if a == 0 {
                    &l.text[b..]
                } else {
                    &l.text[..a]
                };
                Some(span.trim().to_string())
            })
        });
        if let Some(s) = seed {
            let words: Vec<&str> = s.split_whitespace().collect();
            let half = words[..words.len().div_ceil(2)].join(" ");
            for input in [
                format!("The report quoted \"{s}\" in full.\n"),
                format!("The report quoted \"{half}\" in part.\n"),
            ] {
                if run(&input) == input {
                    r.examples.push(OutExample {
                        output: input.clone(),
                        input,
                    });
                    break;
                }
            }
        }
    }
}

fn compile_one(ns: &str, r: &OutRule) -> Option<RuleSet> {
    let mut r = r.clone();
    r.examples.clear();
    compile(ns, std::slice::from_ref(&r))
}

/// The verify stage's last step: `file` as TOML after the header `text`, once it loads
/// with the engine. A rule the loader rejects (say, a pattern over the regex size limit)
/// is left out, and so is a detect pattern it rejects.
pub(super) fn loadable(mut text: String, mut file: OutFile) -> Suggestion {
    loop {
        let body = toml::to_string(&file).expect("a rule file serialises");
        let err = match load(&[Source::new("suggested", body.clone())]) {
            Ok(_) => {
                text.push_str(&body);
                return Suggestion {
                    toml: text,
                    rules: file.rule.len(),
                };
            }
            Err(e) => e,
        };
        let before = (file.rule.len(), file.site.detect.len());
        match &err.rule {
            Some(id) => file.rule.retain(|r| &r.id != id),
            None => {
                file.site.detect.pop();
            }
        }
        if (file.rule.len(), file.site.detect.len()) == before
            || (file.site.detect.is_empty() && file.site.hosts.is_empty())
        {
            text.push_str(&format!("# No loadable rule file: {err}\n"));
            return Suggestion {
                toml: text,
                rules: 0,
            };
        }
    }
}
