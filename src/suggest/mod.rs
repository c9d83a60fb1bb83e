//! `clean suggest`: learn a site's rule file from many of its pages.
//!
//! Chrome is what recurs across pages; the article is what does not. Four stages, each a
//! module:
//!
//! 1. [`count`](Counter) shapes: pages in, for every line shape (the trimmed line with
//!    each digit run generalised) and every last sentence of a line of several sentences,
//!    the number of pages it is on; the first pages are kept whole as a sample.
//! 2. `classify`: which recurring shapes are footer markers (`cut`), list headers
//!    (`block`), last sentences glued to article paragraphs (`strip`), and which are
//!    article-like (a recurring sentence inside prose: never proposed).
//! 3. `propose`: a rule per class with an id and a `why`; `drop` for the recurring lines
//!    the cuts and blocks leave; the site's `detect` patterns.
//! 4. `verify`: examples drawn from the sample, each confirmed by the engine; the file
//!    is loaded as written before it is given out.
//!
//! Every threshold the stages use is a field of [`Options`] (and a flag of `clean suggest`).
//! [`Counter::suggest`] runs stages 2-4 and returns the rule file's text. No I/O.

mod classify;
mod count;
mod file;
mod propose;
mod verify;

use std::sync::Arc;

pub use count::{Counter, Crawl, PRUNE_EVERY, SAMPLE_BYTES, SAMPLE_PAGES};
pub use file::namespace;

use classify::Study;
use file::{OutFile, OutRule, OutSite};
use propose::Detect;

/// Naming and thresholds for [`Counter::suggest`]. Shares are fractions of 1; percents
/// are of the occurrences (or sampled pages) in question; counts are inclusive.
#[derive(Debug, Clone)]
pub struct Options {
    /// A line must occur in at least this share of pages (0..=1).
    pub min_share: f64,
    /// ... and in at least this many pages.
    pub min_pages: usize,
    /// Site name: the `[site] name` and the namespace of every rule id.
    pub name: String,
    /// `[site] hosts`.
    pub hosts: Vec<String>,
    /// How the file was made, for the header comment (e.g. the command line).
    pub command: String,
    /// In a crawl of several hosts, the other hosts' evidence ([`Crawl::new`]): a line
    /// that recurs there is generic chrome, never a `detect` signature. `None`: one host.
    pub crawl: Option<Arc<Crawl>>,
    /// A line that does not recur and has at least this many words is article prose; a
    /// recurring line this long that ends like a sentence may be article-like.
    pub prose_words: usize,
    /// A sentence-like recurring line standing between prose lines in at least this
    /// percent of its occurrences is article-like, and never proposed.
    pub article_percent: usize,
    /// A recurring line is a footer marker (`cut`) when only boilerplate follows it in at
    /// least this percent of the sampled pages that have it ...
    pub cut_percent: usize,
    /// ... and at least this many lines follow it per page, on average.
    pub cut_tail_lines: usize,
    /// In a footer's tail, a line of at most this many words that does not end like a
    /// sentence, next to a recurring line, is a list item (a headline beside its time).
    pub tail_item_words: usize,
    /// A recurring line standing after a chosen footer marker in at least this percent
    /// of the sampled pages is in that footer: no rule of its own.
    pub after_percent: usize,
    /// A list header's continuing lines are the recurring lines within this many lines
    /// after it ...
    pub block_window: usize,
    /// ... that follow it in at least this percent of its occurrences.
    pub block_follow_percent: usize,
    /// A list header becomes a `block` when the block takes at least this many lines
    /// after it ...
    pub block_lines: usize,
    /// ... in at least this percent of its occurrences ...
    pub block_percent: usize,
    /// ... and never a line of more than this many words (prose) between two of them.
    pub block_gap_words: usize,
    /// A recurring last sentence of at least this many words ...
    pub strip_words: usize,
    /// ... ending lines that do not recur (article paragraphs) in at least this percent
    /// of its occurrences becomes a `strip`.
    pub glued_percent: usize,
    /// A recurring line the proposed cuts and blocks remove in at least this percent of
    /// its sampled occurrences gets no `drop` of its own.
    pub covered_percent: usize,
    /// A `detect` pattern needs at least this many words of two letters or more.
    pub signature_words: usize,
    /// At most this many `detect` patterns ...
    pub detect_max: usize,
    /// ... added until they cover this percent of the sampled pages.
    pub detect_percent: usize,
    /// A rule's removing example holds at most this many lines.
    pub example_lines: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            min_share: 0.3,
            min_pages: 3,
            name: "site".into(),
            hosts: Vec::new(),
            command: "clean suggest".into(),
            crawl: None,
            prose_words: 6,
            article_percent: 50,
            cut_percent: 97,
            cut_tail_lines: 2,
            tail_item_words: 20,
            after_percent: 90,
            block_window: 3,
            block_follow_percent: 50,
            block_lines: 2,
            block_percent: 60,
            block_gap_words: 25,
            strip_words: 5,
            glued_percent: 50,
            covered_percent: 90,
            signature_words: 3,
            detect_max: 5,
            detect_percent: 95,
            example_lines: 12,
        }
    }
}

/// A proposed rule file.
#[derive(Debug, Clone)]
pub struct Suggestion {
    /// The rule file's text.
    pub toml: String,
    /// How many rules it has.
    pub rules: usize,
}

impl Counter {
    /// Propose a rule file from what was counted. Returns the TOML text (with a header
    /// comment) and the number of rules in it; the text loads with [`crate::load`] and every
    /// example in it holds.
    pub fn suggest(&self, opts: &Options) -> Suggestion {
        let study = Study::new(self, opts);
        let classes = classify::classify(&study);
        let mut rules = propose::rules(&study, &classes);
        verify::add_examples(&study, &mut rules);
        let detect = propose::detect(&study, &classes.lines);
        write(&study, rules, detect)
    }
}

/// The rule file: a header comment with the command, the thresholds and the evidence for
/// `detect`, then the rules, once the file loads ([`verify::loadable`]).
fn write(s: &Study, rules: Vec<OutRule>, detect: Detect) -> Suggestion {
    let n = s.c.pages();
    let file = OutFile {
        site: OutSite {
            name: s.ns.clone(),
            hosts: s.opts.hosts.clone(),
            detect: detect.patterns,
        },
        rule: rules,
    };
    let mut text = format!(
        "# Suggested by `{}`\n# from {n} pages; a line must recur on at least {} pages (--min-share {}, --min-pages {}).\n# {} of the pages were studied whole for cuts and blocks. Review with `clean --diff --rules FILE PAGE` before committing.\n\n",
        s.opts.command.replace('\n', " "),
        s.threshold,
        s.opts.min_share,
        s.opts.min_pages,
        s.sample.len(),
    );
    if !detect.why.is_empty() {
        text.push_str(
            "# Without a URL, the site's rules apply to the pages a detect pattern matches:\n",
        );
        text.extend(detect.why);
        text.push('\n');
    }
    if file.site.detect.is_empty() && file.site.hosts.is_empty() {
        text.push_str(if file.rule.is_empty() {
            "# Nothing recurs often enough: no rules.\n"
        } else {
            "# No recurring line is distinctive enough to detect the site by (a bare label, a\n# bullet or a symbol is not): give the pages' URLs (--jsonl --url-field) for `hosts`.\n"
        });
        return Suggestion {
            toml: text,
            rules: 0,
        };
    }
    verify::loadable(text, file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batch_and_single_counting_agree() {
        let pages: Vec<String> = (0..50)
            .map(|i| format!("Head\n\nBody {i} {}\nFoot {}\n", "w".repeat(i % 7), i % 3))
            .collect();
        let refs: Vec<&[u8]> = pages.iter().map(|p| p.as_bytes()).collect();
        let (mut a, mut b) = (Counter::new(), Counter::new());
        a.add_batch(&refs, 3);
        for p in &refs {
            b.add(p);
        }
        let o = Options::default();
        assert_eq!(a.suggest(&o).toml, b.suggest(&o).toml);
    }
}
