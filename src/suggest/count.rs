//! Stage 1, count shapes: pages in, per-shape page counts out ([`Counter`]).
//!
//! Every line is reduced to its *shape* (the trimmed line with each digit run generalised)
//! and, for a line of several sentences, its last sentence; a [`Counter`] counts in how many
//! pages each occurs. Only 64-bit hashes are kept per shape, plus one or two example texts
//! once a shape has been seen on two pages; rare shapes are pruned by lossy counting every
//! [`PRUNE_EVERY`] pages, so memory stays bounded however many pages go in. The first
//! pages are also kept whole (up to [`SAMPLE_PAGES`] pages and [`SAMPLE_BYTES`] bytes, or a
//! budget shared by several counters) for the positional study of the later stages.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use crate::engine::page::{strip_bom, trim};
use crate::parallel::map_slice;
use crate::Page;

/// Pages between two lossy-counting prunes: a shape seen on fewer than one page in this
/// many is forgotten (its count is then a lower bound, short by at most n / PRUNE_EVERY).
pub const PRUNE_EVERY: u64 = 1000;
/// Pages kept whole for the positional analysis.
pub const SAMPLE_PAGES: usize = 1000;
/// Bytes kept whole for the positional analysis.
pub const SAMPLE_BYTES: usize = 32 << 20;

/// recurs (two pages or more). One map for the whole crawl, so it stays as bounded as
/// the counters it is made from.
#[derive(Debug, Default)]
pub struct Crawl {
    pub(super) hosts: usize,
    pub(super) recurs_on: HashMap<u64, u32, BuildHasherDefault<KeyHasher>>,
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

#[derive(Debug, Default)]
pub(super) struct Stat {
    pub(super) pages: u32,
    /// Lossy-counting error bound: pages this shape may have been on before it was tracked.
    delta: u32,
    literal: u64,
    pub(super) varies: bool,
    /// Up to two distinct example texts (kept from the second page on).
    pub(super) examples: Vec<Box<str>>,
    /// Length range of each digit run, in order.
    pub(super) digits: Vec<(u8, u8)>,
    /// Counts the last sentence of longer lines, not whole lines.
    pub(super) suffix: bool,
}

/// One normalised line of a page, or the last sentence of one (`from` > 0).
#[derive(Debug, Clone, Copy)]
pub(super) struct LineKey {
    pub(super) shape: u64,
    literal: u64,
    /// Byte offset of the counted text in the trimmed line (0: the whole line).
    from: usize,
}

/// Seed that keeps last-sentence keys apart from whole-line keys.
pub(super) const SUFFIX_SEED: u64 = 0x5bd1_e995_9e37_79b9;

/// Where the last sentence of a line of several sentences starts: after the last `.`,
/// `?` or `!` that a space follows.
pub(super) fn last_sentence(line: &[u8]) -> Option<usize> {
    let p = line
        .windows(2)
        .rposition(|w| matches!(w[0], b'.' | b'?' | b'!') && w[1] == b' ')?;
    let from = p + 2;
    (from < line.len()).then_some(from)
}

/// Counts line shapes over pages. Feed it with [`Counter::add`] or [`Counter::add_batch`].
#[derive(Debug, Default)]
pub struct Counter {
    pages: u64,
    pub(super) shapes: HashMap<u64, Stat, BuildHasherDefault<KeyHasher>>,
    /// The pages kept whole, in the order they came.
    pub(super) sample: Vec<String>,
    sample_bytes: usize,
    /// Bytes of whole pages that counters sharing this budget may still keep (several
    /// hosts counted at once share one budget; see [`Counter::sharing`]).
    budget: Option<Arc<AtomicUsize>>,
}

/// The map keys are already hashes: mix them once instead of hashing them again.
#[derive(Debug, Default)]
pub(super) struct KeyHasher(u64);

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
pub(super) fn key(line: &[u8]) -> LineKey {
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
pub(super) fn trimmed_lines(bytes: &[u8]) -> Vec<&[u8]> {
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
        let prepared = map_slice(pages, threads, |p| {
            let lines = trimmed_lines(p);
            let keys = page_keys(&lines);
            (lines, keys)
        });
        for (page, (lines, keys)) in pages.iter().zip(prepared) {
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
}
