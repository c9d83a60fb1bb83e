//! `clean suggest`: learn a site's rule file from many of its pages.
//!
//! Chrome is what recurs across pages; the article is what does not. A [`Counter`] takes
//! pages (bytes) and counts, for every line *shape* (the trimmed line with each digit run
//! generalised) and for the last sentence of every line of several sentences, in how many
//! pages it occurs. Only 64-bit hashes are kept per shape, plus one or two example texts
//! once a shape has been seen on two pages; rare shapes are pruned by lossy counting every
//! [`PRUNE_EVERY`] pages, so memory stays bounded however many pages go in. The first
//! pages are also kept whole (up to [`SAMPLE_PAGES`] pages and [`SAMPLE_BYTES`] bytes, or a
//! budget shared by several counters) to study where recurring lines stand: what follows a
//! footer marker (`cut`), which shapes follow a list header (`block`), whether a recurring
//! last sentence is glued to article paragraphs (`strip`), and whether a recurring line
//! sits inside prose (then it is article-like and never proposed).
//!
//! [`Counter::suggest`] turns the counts into a rule file's text: made with the `toml`
//! serializer, loaded back with the engine, every example checked by the engine. No I/O.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use serde::Serialize;

use crate::engine::page::{strip_bom, trim};
use crate::{load, Page, RuleSet, Source};

/// Pages between two lossy-counting prunes: a shape seen on fewer than one page in this
/// many is forgotten (its count is then a lower bound, short by at most n / PRUNE_EVERY).
pub const PRUNE_EVERY: u64 = 1000;
/// Pages kept whole for the positional analysis.
pub const SAMPLE_PAGES: usize = 1000;
/// Bytes kept whole for the positional analysis.
pub const SAMPLE_BYTES: usize = 32 << 20;

/// Thresholds and naming for [`Counter::suggest`].
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
}

/// What several hosts' pages say together: for each line shape, on how many hosts it
/// recurs (two pages or more). One map for the whole crawl, so it stays as bounded as
/// the counters it is made from.
#[derive(Debug, Default)]
pub struct Crawl {
    hosts: usize,
    recurs_on: HashMap<u64, u32, BuildHasherDefault<KeyHasher>>,
}

impl Crawl {
    /// The evidence of `counters`, one per host.
    pub fn new<'a>(counters: impl IntoIterator<Item = &'a Counter>) -> Self {
        let mut c = Crawl::default();
        for counter in counters {
            c.hosts += 1;
            for (&k, st) in &counter.shapes {
                if st.pages >= 2 {
                    *c.recurs_on.entry(k).or_default() += 1;
                }
            }
        }
        c
    }
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
        }
    }
}

#[derive(Debug, Default)]
struct Stat {
    pages: u32,
    /// Lossy-counting error bound: pages this shape may have been on before it was tracked.
    delta: u32,
    literal: u64,
    varies: bool,
    /// Up to two distinct example texts (kept from the second page on).
    examples: Vec<Box<str>>,
    /// Length range of each digit run, in order.
    digits: Vec<(u8, u8)>,
    /// Counts the last sentence of longer lines, not whole lines.
    suffix: bool,
}

/// One normalised line of a page, or the last sentence of one (`from` > 0).
#[derive(Debug, Clone, Copy)]
struct LineKey {
    shape: u64,
    literal: u64,
    /// Byte offset of the counted text in the trimmed line (0: the whole line).
    from: usize,
}

/// Seed that keeps last-sentence keys apart from whole-line keys.
const SUFFIX_SEED: u64 = 0x5bd1_e995_9e37_79b9;

/// Where the last sentence of a line of several sentences starts: after the last `.`,
/// `?` or `!` that a space follows.
fn last_sentence(line: &[u8]) -> Option<usize> {
    let p = line
        .windows(2)
        .rposition(|w| matches!(w[0], b'.' | b'?' | b'!') && w[1] == b' ')?;
    let from = p + 2;
    (from < line.len()).then_some(from)
}

/// A page's trimmed lines and its distinct line keys.
type Prepared<'a> = (Vec<&'a [u8]>, Vec<(LineKey, usize)>);

/// Counts line shapes over pages. Feed it with [`Counter::add`] or [`Counter::add_batch`].
#[derive(Debug, Default)]
pub struct Counter {
    pages: u64,
    shapes: HashMap<u64, Stat, BuildHasherDefault<KeyHasher>>,
    sample: Vec<String>,
    sample_bytes: usize,
    /// Bytes of whole pages that counters sharing this budget may still keep (several
    /// hosts counted at once share one budget; see [`Counter::sharing`]).
    budget: Option<Arc<AtomicUsize>>,
}

/// The map keys are already hashes: mix them once instead of hashing them again.
#[derive(Debug, Default)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(FNV_PRIME);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (n ^ (n >> 29)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    }
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// The hashes of a trimmed line: its shape (digit runs as one marker) and its literal text.
fn key(line: &[u8]) -> LineKey {
    let (mut s, mut l) = (FNV_OFFSET, FNV_OFFSET);
    let mut in_digits = false;
    for &b in line {
        l = (l ^ u64::from(b)).wrapping_mul(FNV_PRIME);
        if b.is_ascii_digit() {
            if !in_digits {
                s = (s ^ 0xFF).wrapping_mul(FNV_PRIME);
                in_digits = true;
            }
        } else {
            in_digits = false;
            s = (s ^ u64::from(b)).wrapping_mul(FNV_PRIME);
        }
    }
    LineKey {
        shape: s,
        literal: l,
        from: 0,
    }
}

/// Lengths of the digit runs in `line`.
fn digit_runs(line: &[u8]) -> Vec<u8> {
    let mut v = Vec::new();
    let mut n = 0usize;
    for &b in line.iter().chain(std::iter::once(&b' ')) {
        if b.is_ascii_digit() {
            n += 1;
        } else if n > 0 {
            v.push(n.min(255) as u8);
            n = 0;
        }
    }
    v
}

/// The trimmed lines of a page (BOM stripped), blank lines included as empty slices.
fn trimmed_lines(bytes: &[u8]) -> Vec<&[u8]> {
    let page = Page::new(bytes);
    (0..page.len())
        .map(|i| {
            let t = trim(page.trimmed(i));
            if i == 0 {
                trim(strip_bom(t))
            } else {
                t
            }
        })
        .collect()
}

/// The distinct non-blank line keys of a page, with each one's first line index.
fn page_keys(lines: &[&[u8]]) -> Vec<(LineKey, usize)> {
    let mut seen: HashMap<u64, (), BuildHasherDefault<KeyHasher>> =
        HashMap::with_capacity_and_hasher(lines.len(), Default::default());
    let mut out = Vec::with_capacity(lines.len());
    for (i, l) in lines.iter().enumerate() {
        if l.is_empty() {
            continue;
        }
        let k = key(l);
        if seen.insert(k.shape, ()).is_none() {
            out.push((k, i));
        }
        if let Some(from) = last_sentence(l) {
            let mut k = key(&l[from..]);
            k.shape ^= SUFFIX_SEED;
            k.from = from;
            if seen.insert(k.shape, ()).is_none() {
                out.push((k, i));
            }
        }
    }
    out
}

impl Counter {
    /// An empty counter.
    pub fn new() -> Self {
        Counter::default()
    }

    /// An empty counter whose kept whole pages come out of `budget` (bytes), shared with
    /// other counters: with one counter per host, the sample stays bounded however many
    /// hosts there are.
    pub fn sharing(budget: Arc<AtomicUsize>) -> Self {
        Counter {
            budget: Some(budget),
            ..Counter::default()
        }
    }

    /// Take `n` bytes for the sample, if this counter's limits and the shared budget allow.
    fn take_sample_bytes(&mut self, n: usize) -> bool {
        if self.sample.len() >= SAMPLE_PAGES || self.sample_bytes + n > SAMPLE_BYTES {
            return false;
        }
        if let Some(b) = &self.budget {
            let got = b.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| {
                left.checked_sub(n)
            });
            if got.is_err() {
                return false;
            }
        }
        self.sample_bytes += n;
        true
    }

    /// Pages counted so far.
    pub fn pages(&self) -> u64 {
        self.pages
    }

    /// Count one page.
    pub fn add(&mut self, page: &[u8]) {
        let lines = trimmed_lines(page);
        let keys = page_keys(&lines);
        self.merge(page, &lines, &keys);
    }

    /// Count a batch of pages, splitting the line hashing over `threads` threads; the
    /// result is the same as adding the pages one by one, in order.
    pub fn add_batch(&mut self, pages: &[&[u8]], threads: usize) {
        let threads = threads.max(1).min(pages.len().max(1));
        let chunk = pages.len().div_ceil(threads).max(1);
        let prepared: Vec<Vec<Prepared<'_>>> = std::thread::scope(|s| {
            let handles: Vec<_> = pages
                .chunks(chunk)
                .map(|c| {
                    s.spawn(move || {
                        c.iter()
                            .map(|p| {
                                let lines = trimmed_lines(p);
                                let keys = page_keys(&lines);
                                (lines, keys)
                            })
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("a counting thread panicked"))
                .collect()
        });
        for (page, (lines, keys)) in pages.iter().zip(prepared.into_iter().flatten()) {
            self.merge(page, &lines, &keys);
        }
    }

    fn merge(&mut self, page: &[u8], lines: &[&[u8]], keys: &[(LineKey, usize)]) {
        self.pages += 1;
        let bucket = self.pages.div_ceil(PRUNE_EVERY) as u32;
        for &(k, i) in keys {
            let text = &lines[i][k.from..];
            let st = self.shapes.entry(k.shape).or_insert_with(|| Stat {
                delta: bucket - 1,
                literal: k.literal,
                suffix: k.from > 0,
                ..Stat::default()
            });
            st.pages += 1;
            if st.literal != k.literal {
                st.varies = true;
            }
            if st.pages >= 2 && st.examples.len() < 2 {
                if let Ok(t) = std::str::from_utf8(text) {
                    if !st.examples.iter().any(|e| &**e == t) {
                        st.examples.push(t.into());
                    }
                }
            }
            if st.pages >= 2 {
                let runs = digit_runs(text);
                if st.digits.is_empty() {
                    st.digits = runs.iter().map(|&n| (n, n)).collect();
                } else if st.digits.len() == runs.len() {
                    for (d, n) in st.digits.iter_mut().zip(runs) {
                        d.0 = d.0.min(n);
                        d.1 = d.1.max(n);
                    }
                }
            }
        }
        if self.take_sample_bytes(page.len()) {
            self.sample.push(String::from_utf8_lossy(page).into_owned());
        }
        if self.pages % PRUNE_EVERY == 0 {
            self.shapes
                .retain(|_, st| u64::from(st.pages) + u64::from(st.delta) > u64::from(bucket));
        }
    }

    /// Shapes currently tracked (for memory accounting).
    pub fn tracked_shapes(&self) -> usize {
        self.shapes.len()
    }

    /// Propose a rule file from what was counted. Returns the TOML text (with a header
    /// comment) and the number of rules in it; the text loads with [`crate::load`] and every
    /// example in it holds.
    pub fn suggest(&self, opts: &Options) -> Suggestion {
        Analysis::new(self, opts).run()
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

// ---------------------------------------------------------------------------------------
// Serialisable rule file (the shape of `rules::raw`, written with the toml serializer).

#[derive(Serialize)]
struct OutFile {
    site: OutSite,
    rule: Vec<OutRule>,
}

#[derive(Serialize)]
struct OutSite {
    name: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    hosts: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    detect: Vec<String>,
}

#[derive(Serialize, Clone)]
#[serde(rename_all = "kebab-case")]
struct OutRule {
    id: String,
    why: String,
    kind: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    lines: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    patterns: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    spans: Vec<String>,
    #[serde(rename = "while", skip_serializing_if = "Vec::is_empty")]
    while_: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_gap: Option<i64>,
    examples: Vec<OutExample>,
    #[serde(skip)]
    pages: u32,
}

#[derive(Serialize, Clone)]
struct OutExample {
    input: String,
    output: String,
}

// ---------------------------------------------------------------------------------------

/// One line of a sampled page.
struct SLine<'a> {
    text: &'a str,
    shape: u64,
    blank: bool,
}

struct Analysis<'a> {
    c: &'a Counter,
    opts: &'a Options,
    threshold: u32,
    sample: Vec<Vec<SLine<'a>>>,
    /// For each sampled page, the words of its prose lines before each line (one more
    /// entry than lines: the last is the page's total).
    prose_before: Vec<Vec<usize>>,
}

fn words(s: &str) -> usize {
    s.split_whitespace().count()
}

/// The regex for a shape: the example text escaped, each digit run as `\d{a,b}`.
fn shape_regex(example: &str, digits: &[(u8, u8)]) -> String {
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
fn quote(s: &str) -> String {
    match s.char_indices().nth(80) {
        Some((i, _)) => format!("\"{}…\"", &s[..i]),
        None => format!("\"{s}\""),
    }
}

/// A kebab slug of the first words of `text` (digits dropped).
fn slug(text: &str) -> String {
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

impl<'a> Analysis<'a> {
    fn new(c: &'a Counter, opts: &'a Options) -> Self {
        let n = c.pages as f64;
        let threshold = ((opts.min_share * n).ceil() as u32)
            .max(opts.min_pages as u32)
            .max(2);
        let sample = c
            .sample
            .iter()
            .map(|p| {
                let page = Page::new(p.as_bytes());
                (0..page.len())
                    .map(|i| {
                        let t = trim(page.trimmed(i));
                        let t = if i == 0 { trim(strip_bom(t)) } else { t };
                        let t = std::str::from_utf8(t).unwrap_or("");
                        SLine {
                            text: t,
                            shape: key(t.as_bytes()).shape,
                            blank: t.is_empty(),
                        }
                    })
                    .collect::<Vec<_>>()
            })
            .collect();
        let mut a = Analysis {
            c,
            opts,
            threshold,
            sample,
            prose_before: Vec::new(),
        };
        a.prose_before = a
            .sample
            .iter()
            .map(|lines| {
                let mut sum = 0;
                let mut v = vec![0];
                for l in lines {
                    if a.prose(l) {
                        sum += words(l.text);
                    }
                    v.push(sum);
                }
                v
            })
            .collect();
        a
    }

    fn recurring(&self, shape: u64) -> bool {
        self.c
            .shapes
            .get(&shape)
            .is_some_and(|s| s.pages >= self.threshold)
    }

    fn prev_next(lines: &[SLine], i: usize) -> (Option<usize>, Option<usize>) {
        let p = (0..i).rev().find(|&j| !lines[j].blank);
        let n = (i + 1..lines.len()).find(|&j| !lines[j].blank);
        (p, n)
    }

    /// Prose that is not chrome: a non-recurring line of six words or more.
    fn prose(&self, l: &SLine) -> bool {
        !l.blank && !self.recurring(l.shape) && words(l.text) >= 6
    }

    /// A sentence-like recurring line standing between prose lines in most of its
    /// sampled occurrences.
    fn article_like(&self, shape: u64, text: &str) -> bool {
        if words(text) < 6 || !text.ends_with(['.', '!', '?', '"', '\'', '”', '’']) {
            return false;
        }
        let (mut inside, mut total) = (0, 0);
        for lines in &self.sample {
            for i in 0..lines.len() {
                if lines[i].shape != shape || lines[i].blank {
                    continue;
                }
                total += 1;
                let (p, n) = Self::prev_next(lines, i);
                if p.is_some_and(|p| self.prose(&lines[p]))
                    && n.is_some_and(|n| self.prose(&lines[n]))
                {
                    inside += 1;
                }
            }
        }
        total > 0 && inside * 2 >= total
    }

    /// Is line `j` boilerplate in a tail: recurring, or a short line that is not a
    /// sentence next to a recurring one (a headline beside its time stamp)?
    fn tail_boilerplate(&self, lines: &[SLine], j: usize) -> bool {
        if self.recurring(lines[j].shape) {
            return true;
        }
        let t = lines[j].text;
        if words(t) > 20 || t.ends_with(['.', '!', '?', '"', '\'', '”', '’']) {
            return false;
        }
        let (p, n) = Self::prev_next(lines, j);
        p.is_some_and(|p| self.recurring(lines[p].shape))
            || n.is_some_and(|n| self.recurring(lines[n].shape))
    }

    /// Is `shape` a footer marker: in nearly every sampled page that has it, only
    /// boilerplate follows its first occurrence, and something does follow.
    fn is_cut(&self, shape: u64) -> bool {
        self.cut_evidence(shape).is_some()
    }

    /// (sampled pages where only boilerplate follows `shape`, sampled pages with it), when
    /// `shape` is a footer marker. Never a line that comes before the article text on
    /// any sampled page (more prose words after it than before: a byline, a date line),
    /// where a cut would take the whole article.
    fn cut_evidence(&self, shape: u64) -> Option<(usize, usize)> {
        let (mut ok, mut total, mut tail_lines) = (0usize, 0usize, 0usize);
        for (lines, before) in self.sample.iter().zip(&self.prose_before) {
            let Some(i) = lines.iter().position(|l| l.shape == shape && !l.blank) else {
                continue;
            };
            if before[lines.len()] - before[i + 1] > before[i] {
                return None;
            }
            total += 1;
            let tail: Vec<usize> = (i + 1..lines.len()).filter(|&j| !lines[j].blank).collect();
            tail_lines += tail.len();
            if !tail.is_empty() && tail.iter().all(|&j| self.tail_boilerplate(lines, j)) {
                ok += 1;
            }
        }
        (total > 0 && ok * 100 >= total * 97 && tail_lines >= 2 * total).then_some((ok, total))
    }

    /// On how many other hosts of the crawl `shape` recurs (0 with one host).
    fn other_hosts(&self, shape: u64) -> usize {
        let Some(crawl) = &self.opts.crawl else {
            return 0;
        };
        let all = crawl.recurs_on.get(&shape).copied().unwrap_or(0) as usize;
        let own = self.c.shapes.get(&shape).is_some_and(|s| s.pages >= 2);
        all.saturating_sub(usize::from(own))
    }

    /// Why `shape` (text `text`) may tell the site's pages apart, or `None`: it must be
    /// distinctive text (three words of two letters or more: never a bare label such as
    /// "Subscribe", a bullet or a symbol), and in a crawl of several hosts recur on none
    /// of the others (there it would be generic chrome).
    fn signature(&self, shape: u64, text: &str) -> Option<String> {
        let long_words = text
            .split(|c: char| !c.is_alphabetic())
            .filter(|w| w.chars().count() >= 2)
            .count();
        if long_words < 3 {
            return None;
        }
        match &self.opts.crawl {
            Some(crawl) if crawl.hosts > 1 => (self.other_hosts(shape) == 0).then(|| {
                format!(
                    "recurs on none of the {} other hosts of the crawl",
                    crawl.hosts - 1
                )
            }),
            _ => Some(format!("one host: distinctive text ({long_words} words)")),
        }
    }

    /// For a list header: the recurring shapes that follow it (within three lines) in at
    /// least half of its sampled occurrences, when the run of lines after it is made of
    /// those shapes and short gap lines (headlines).
    fn block_while(&self, shape: u64) -> Option<Vec<u64>> {
        let mut follow: HashMap<u64, usize> = HashMap::new();
        let mut total = 0usize;
        for lines in &self.sample {
            for i in 0..lines.len() {
                if lines[i].shape != shape || lines[i].blank {
                    continue;
                }
                total += 1;
                let mut seen = Vec::new();
                for l in lines[i + 1..].iter().take(3).take_while(|l| !l.blank) {
                    if l.shape != shape && self.recurring(l.shape) && !seen.contains(&l.shape) {
                        seen.push(l.shape);
                    }
                }
                for s in seen {
                    *follow.entry(s).or_default() += 1;
                }
            }
        }
        let mut w: Vec<u64> = follow
            .into_iter()
            .filter(|&(_, n)| n * 2 >= total)
            .map(|(s, _)| s)
            .collect();
        if w.is_empty() {
            return None;
        }
        w.sort_unstable();
        // Simulate max-gap 1: the block must take at least two lines after the header in
        // most occurrences, and never a long (prose) gap line.
        let (mut long, mut prose_gaps) = (0usize, 0usize);
        for lines in &self.sample {
            for i in 0..lines.len() {
                if lines[i].shape != shape || lines[i].blank {
                    continue;
                }
                let mut j = i + 1;
                let mut taken = 0;
                while j < lines.len() && !lines[j].blank {
                    if w.contains(&lines[j].shape) {
                        taken += 1;
                        j += 1;
                    } else if j + 1 < lines.len()
                        && !lines[j + 1].blank
                        && w.contains(&lines[j + 1].shape)
                    {
                        if words(lines[j].text) > 25 {
                            prose_gaps += 1;
                        }
                        taken += 2;
                        j += 2;
                    } else {
                        break;
                    }
                }
                if taken >= 2 {
                    long += 1;
                }
            }
        }
        (long * 10 >= total * 6 && prose_gaps == 0).then_some(w)
    }

    fn run(self) -> Suggestion {
        let ns = namespace(&self.opts.name);
        let n = self.c.pages;
        // Candidates: recurring shapes with a known example, most frequent first.
        let mut cands: Vec<(u64, &Stat)> = self
            .c
            .shapes
            .iter()
            .filter(|(_, st)| st.pages >= self.threshold && !st.examples.is_empty())
            .map(|(&k, st)| (k, st))
            .collect();
        // Last sentences that recur at the end of longer lines (a credit glued to the last
        // paragraph): five words at least, and not a whole recurring line already.
        let mut ends: Vec<(u64, &Stat)> = cands
            .iter()
            .copied()
            .filter(|(_, st)| st.suffix && words(&st.examples[0]) >= 5)
            .filter(|(k, st)| {
                !self.recurring(key(st.examples[0].as_bytes()).shape) && self.mostly_glued(*k)
            })
            .collect();
        ends.sort_by(|a, b| {
            b.1.pages
                .cmp(&a.1.pages)
                .then_with(|| a.1.examples[0].cmp(&b.1.examples[0]))
        });
        cands.retain(|(_, st)| !st.suffix);
        cands.sort_by(|a, b| {
            b.1.pages
                .cmp(&a.1.pages)
                .then_with(|| a.1.examples[0].cmp(&b.1.examples[0]))
        });
        cands.retain(|(k, st)| !self.article_like(*k, &st.examples[0]));

        let matcher = |st: &Stat| -> (Vec<String>, Vec<String>) {
            if st.varies {
                (Vec::new(), vec![shape_regex(&st.examples[0], &st.digits)])
            } else {
                (vec![st.examples[0].to_string()], Vec::new())
            }
        };
        let shown = |st: &Stat| -> String {
            let mut s = quote(&st.examples[0]);
            if st.varies {
                if let Some(e) = st.examples.get(1) {
                    s.push_str(&format!(", {}", quote(e)));
                }
                s.push_str(" (only digits vary)");
            }
            s
        };

        let mut rules: Vec<OutRule> = Vec::new();
        let mut cut_shapes = Vec::new();
        // Footer markers: keep the earliest ones (not inside another marker's tail).
        let mut cuts: Vec<(u64, &Stat)> = cands
            .iter()
            .copied()
            .filter(|(k, _)| self.is_cut(*k))
            .collect();
        cuts.sort_by_key(|(k, _)| std::cmp::Reverse(self.mean_tail(*k)));
        for (k, st) in cuts {
            if cut_shapes.iter().any(|&c| self.mostly_after(k, c)) {
                continue;
            }
            cut_shapes.push(k);
            let (lines, patterns) = matcher(st);
            rules.push(OutRule {
                id: String::new(),
                why: {
                    let (ok, total) = self.cut_evidence(k).unwrap_or_default();
                    format!(
                        "{} on {} of {n} pages starts the footer: in {ok} of {total} sampled pages only recurring lines and short list items follow it",
                        shown(st),
                        st.pages
                    )
                },
                kind: "cut",
                lines,
                patterns,
                spans: Vec::new(),
                while_: Vec::new(),
                max_gap: None,
                examples: Vec::new(),
                pages: st.pages,
            });
        }
        // List headers. A header that continues another chosen block is merged into it:
        // the earlier header takes both `while` sets.
        let mut blocks: Vec<(u64, Vec<u64>)> = Vec::new();
        for &(k, _) in &cands {
            if cut_shapes.contains(&k) || cut_shapes.iter().any(|&c| self.mostly_after(k, c)) {
                continue;
            }
            if blocks.iter().any(|(_, w)| w.contains(&k)) {
                continue;
            }
            let Some(mut w) = self.block_while(k) else {
                continue;
            };
            blocks.retain(|(h, hw)| {
                if w.contains(h) {
                    w.extend(hw.iter().filter(|&&s| s != k));
                    false
                } else {
                    true
                }
            });
            w.sort_unstable();
            w.dedup();
            blocks.push((k, w));
        }
        for (k, w) in blocks {
            let Some(st) = self.c.shapes.get(&k) else {
                continue;
            };
            let mut while_ = Vec::new();
            let mut shapes_txt = Vec::new();
            for s in &w {
                let Some(ws) = self.c.shapes.get(s) else {
                    continue;
                };
                let (l, p) = matcher(ws);
                while_.extend(l.iter().map(|l| regex::escape(l)));
                while_.extend(p);
                shapes_txt.push(quote(&ws.examples[0]));
            }
            let (lines, patterns) = matcher(st);
            rules.push(OutRule {
                id: String::new(),
                why: format!(
                    "{} on {} of {n} pages is followed by recurring lines ({}), at most one other line (a headline) between them",
                    shown(st),
                    st.pages,
                    shapes_txt.join(", ")
                ),
                kind: "block",
                lines,
                patterns,
                spans: Vec::new(),
                while_,
                max_gap: Some(1),
                examples: Vec::new(),
                pages: st.pages,
            });
        }
        // Drops: everything else that recurs and is not (nearly always) taken by the
        // cuts and blocks above.
        let gone = self
            .compile(&ns, &rules)
            .map(|rs| self.removed_shares(&rs))
            .unwrap_or_default();
        for &(k, st) in &cands {
            if gone.get(&k).is_some_and(|&(g, t)| g * 10 >= t * 9) {
                continue;
            }
            let (lines, patterns) = matcher(st);
            rules.push(OutRule {
                id: String::new(),
                why: format!("{} on {} of {n} pages", shown(st), st.pages),
                kind: "drop",
                lines,
                patterns,
                spans: Vec::new(),
                while_: Vec::new(),
                max_gap: None,
                examples: Vec::new(),
                pages: st.pages,
            });
        }
        for (_, st) in ends {
            rules.push(OutRule {
                id: String::new(),
                why: format!(
                    "{} ends a longer line on {} of {n} pages",
                    shown(st),
                    st.pages
                ),
                kind: "strip",
                lines: Vec::new(),
                patterns: Vec::new(),
                spans: vec![shape_regex(&st.examples[0], &st.digits)],
                while_: Vec::new(),
                max_gap: None,
                examples: Vec::new(),
                pages: st.pages,
            });
        }
        rules.sort_by_key(|r| std::cmp::Reverse(r.pages));
        // Ids from the text, unique.
        let mut used: HashMap<String, usize> = HashMap::new();
        for r in &mut rules {
            let base = slug(
                r.lines
                    .first()
                    .or(r.patterns.first())
                    .or(r.spans.first())
                    .map_or("", |s| s),
            );
            let base = format!("{ns}/{base}");
            let k = used.entry(base.clone()).or_default();
            *k += 1;
            r.id = if *k == 1 { base } else { format!("{base}-{k}") };
        }
        self.add_examples(&mut rules);

        // Detect: lines on nearly every page first, then (greedily) lines that cover the
        // sampled pages the chosen ones miss, until 95% of them are covered (at most 5).
        let mut detect: Vec<String> = Vec::new();
        let mut detect_why: Vec<String> = Vec::new();
        let mut covered = vec![false; self.sample.len()];
        let mut pool: Vec<(u64, &Stat, String)> = cands
            .iter()
            .filter_map(|&(k, st)| Some((k, st, self.signature(k, &st.examples[0])?)))
            .collect();
        while detect.len() < 5 {
            let missing = covered.iter().filter(|c| !**c).count();
            if !self.sample.is_empty() && missing * 20 <= self.sample.len() && !detect.is_empty() {
                break;
            }
            let gain = |k: u64| {
                self.sample
                    .iter()
                    .zip(&covered)
                    .filter(|(lines, c)| !**c && lines.iter().any(|l| l.shape == k))
                    .count()
            };
            // Most pages covered; among equals, literal lines before digit patterns.
            let Some((k, st, evidence)) = pool
                .iter()
                .min_by_key(|(k, st, _)| {
                    (
                        std::cmp::Reverse(gain(*k)),
                        st.varies,
                        std::cmp::Reverse(st.pages),
                    )
                })
                .cloned()
            else {
                break;
            };
            if gain(k) == 0 && !detect.is_empty() {
                break;
            }
            pool.retain(|(p, _, _)| *p != k);
            detect_why.push(format!(
                "# detect {}: on {} of {n} pages; {evidence}\n",
                shown(st),
                st.pages
            ));
            for (lines, c) in self.sample.iter().zip(covered.iter_mut()) {
                *c |= lines.iter().any(|l| l.shape == k);
            }
            let (l, p) = matcher(st);
            let body = l.first().map_or_else(|| p[0].clone(), |l| regex::escape(l));
            detect.push(format!(
                r"^[ \t\x{{A0}}\x{{FEFF}}]*{body}[ \t\x{{A0}}]*\r?$"
            ));
        }
        let file = OutFile {
            site: OutSite {
                name: ns.clone(),
                hosts: self.opts.hosts.clone(),
                detect,
            },
            rule: rules,
        };
        let mut text = format!(
            "# Suggested by `{}`\n# from {n} pages; a line must recur on at least {} pages (--min-share {}, --min-pages {}).\n# {} of the pages were studied whole for cuts and blocks. Review with `clean --diff --rules FILE PAGE` before committing.\n\n",
            self.opts.command.replace('\n', " "),
            self.threshold,
            self.opts.min_share,
            self.opts.min_pages,
            self.sample.len(),
        );
        if !detect_why.is_empty() {
            text.push_str(
                "# Without a URL, the site's rules apply to the pages a detect pattern matches:\n",
            );
            text.extend(detect_why);
            text.push('\n');
        }
        let mut file = file;
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
        // The file must load as written: a rule the loader rejects (say, a pattern over the
        // regex size limit) is left out, and so is a detect pattern it rejects.
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

    /// Does the last sentence `k` end lines that are not themselves recurring (article
    /// paragraphs) in at least half of its sampled occurrences? Otherwise it is only the
    /// end of a recurring line, which a line rule takes whole.
    fn mostly_glued(&self, k: u64) -> bool {
        let (mut glued, mut total) = (0, 0);
        for l in self.sample.iter().flatten() {
            let Some(from) = last_sentence(l.text.as_bytes()) else {
                continue;
            };
            if key(&l.text.as_bytes()[from..]).shape ^ SUFFIX_SEED == k {
                total += 1;
                glued += usize::from(!self.recurring(l.shape));
            }
        }
        total > 0 && glued * 2 >= total
    }

    fn mean_tail(&self, shape: u64) -> usize {
        let mut sum = 0;
        for lines in &self.sample {
            if let Some(i) = lines.iter().position(|l| l.shape == shape) {
                sum += lines.len() - i;
            }
        }
        sum
    }

    /// Does `shape` stand after the first `marker` in (nearly) every sampled page that has
    /// it?
    fn mostly_after(&self, shape: u64, marker: u64) -> bool {
        let (mut after, mut total) = (0, 0);
        for lines in &self.sample {
            let Some(i) = lines.iter().position(|l| l.shape == shape && !l.blank) else {
                continue;
            };
            total += 1;
            if lines[..i].iter().any(|l| l.shape == marker) {
                after += 1;
            }
        }
        total > 0 && after * 10 >= total * 9
    }

    fn compile(&self, ns: &str, rules: &[OutRule]) -> Option<RuleSet> {
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
    fn removed_shares(&self, rs: &RuleSet) -> HashMap<u64, (usize, usize)> {
        let active = vec![true; rs.rules().len()];
        let mut m: HashMap<u64, (usize, usize)> = HashMap::new();
        for (p, lines) in self.c.sample.iter().zip(&self.sample) {
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
    fn add_examples(&self, rules: &mut [OutRule]) {
        for r in rules.iter_mut() {
            let Some(rs) = self.compile_one(r) else {
                continue;
            };
            let active = vec![true];
            let run = |input: &str| -> String {
                let page = Page::new(input.as_bytes());
                String::from_utf8_lossy(&rs.apply_active(&page, &active).render(&page)).into_owned()
            };
            // Removing: a window of a sampled page around the first line the rule removes.
            'pages: for lines in &self.sample {
                let text: String = lines.iter().map(|l| format!("{}\n", l.text)).collect();
                let page = Page::new(text.as_bytes());
                let out = rs.apply_active(&page, &active);
                let changed = |i: usize| !out.is_kept(i) || out.edit_of(i).is_some();
                let Some(first) = (0..page.len()).find(|&i| changed(i) && !lines[i].blank) else {
                    continue;
                };
                let start = if r.kind == "strip" {
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
                    .take(12)
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
                self.sample.iter().flatten().find_map(|l| {
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

    fn compile_one(&self, r: &OutRule) -> Option<RuleSet> {
        let mut r = r.clone();
        r.examples.clear();
        self.compile(&namespace(&self.opts.name), std::slice::from_ref(&r))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digit_runs_make_one_shape() {
        let a = key(b"19:04, 07.01.2026");
        let b = key(b"18:27, 30.12.2025");
        assert_eq!(a.shape, b.shape);
        assert_ne!(a.literal, b.literal);
        assert_ne!(key(b"19:04").shape, key(b"19-04").shape);
        assert_eq!(digit_runs(b"19:04, 7.1.2026"), vec![2, 2, 1, 1, 4]);
    }

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
    fn last_sentences() {
        let l = b"KELEMEN: Thank you, Audie. Transcript provided by NPR, Copyright NPR.";
        assert_eq!(
            &l[last_sentence(l).unwrap()..],
            b"Transcript provided by NPR, Copyright NPR."
        );
        assert_eq!(last_sentence(b"One sentence only."), None);
        assert_eq!(last_sentence(b"Ends with a space. "), None);
        assert_eq!(last_sentence(b"Really? Yes"), Some(8));
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

    #[test]
    fn rare_shapes_are_pruned_and_frequent_ones_kept() {
        let mut c = Counter::new();
        for i in 0..(2 * PRUNE_EVERY) {
            c.add(format!("Site header\nunique line {i} x{}\n", i * 7919).as_bytes());
        }
        // Every "unique line" has the same shape (digits generalised); use letters.
        let mut d = Counter::new();
        for i in 0..(2 * PRUNE_EVERY) {
            let word: String = format!("{i:x}")
                .chars()
                .map(|ch| (b'g' + ch as u8 % 16) as char)
                .collect();
            d.add(format!("Site header\nunique {word}\n").as_bytes());
        }
        assert!(
            d.tracked_shapes() < PRUNE_EVERY as usize + 2,
            "{}",
            d.tracked_shapes()
        );
        let header = key(b"Site header").shape;
        assert_eq!(d.shapes[&header].pages as u64, 2 * PRUNE_EVERY);
        assert_eq!(c.tracked_shapes(), 2);
    }

    #[test]
    fn counters_sharing_a_budget_keep_no_more_pages_than_it_allows() {
        let budget = Arc::new(AtomicUsize::new(100));
        let (mut a, mut b) = (
            Counter::sharing(budget.clone()),
            Counter::sharing(budget.clone()),
        );
        let page = "x".repeat(30);
        for _ in 0..3 {
            a.add(page.as_bytes());
            b.add(page.as_bytes());
        }
        assert_eq!(a.sample.len() + b.sample.len(), 3);
        assert_eq!(budget.load(Ordering::Relaxed), 10);
        assert_eq!(a.pages() + b.pages(), 6);
    }

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
