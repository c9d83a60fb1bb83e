//! Stage 2, classify: which recurring shapes are footer markers (`cut`), list headers
//! (`block`), last sentences glued to article paragraphs (`strip`), and which are
//! article-like and never proposed. [`Study`] holds the counts and the sampled pages line
//! by line, and answers where a line stands; [`classify`] is the stage.

use std::cmp::Ordering;
use std::collections::HashMap;

use super::count::{key, last_sentence, trimmed_lines, Counter, Stat, SUFFIX_SEED};
use super::file::{namespace, words};
use super::Options;

/// A shape must recur on at least this many pages whatever the options: one page is no
/// recurrence, and a shape's example text is kept from its second page on.
const MIN_RECURRING_PAGES: u32 = 2;

/// A recurring shape and its counts.
pub(super) type Cand<'a> = (u64, &'a Stat);

/// The recurring shapes by what they are, each list in the order its rules are proposed.
pub(super) struct Classes<'a> {
    /// Recurring whole lines with an example, not article-like: most frequent first (ties
    /// by text). What no cut or block takes becomes a `drop`; `detect` is chosen among them.
    pub(super) lines: Vec<Cand<'a>>,
    /// Footer markers (`cut`), those with the longest tails first, none in another's tail.
    pub(super) cuts: Vec<Cand<'a>>,
    /// List headers (`block`) and the shapes that continue them.
    pub(super) blocks: Vec<(u64, Vec<u64>)>,
    /// Recurring last sentences glued to article paragraphs (`strip`), most frequent first.
    pub(super) ends: Vec<Cand<'a>>,
}

/// The classify stage: the recurring shapes of `s`, sorted into [`Classes`].
pub(super) fn classify<'a>(s: &Study<'a>) -> Classes<'a> {
    // Candidates: recurring shapes with a known example, most frequent first.
    let mut cands: Vec<Cand<'a>> =
        s.c.shapes
            .iter()
            .filter(|(_, st)| st.pages >= s.threshold && !st.examples.is_empty())
            .map(|(&k, st)| (k, st))
            .collect();
    // Last sentences that recur at the end of longer lines (a credit glued to the last
    // paragraph): `strip_words` words at least, and not a whole recurring line already.
    let mut ends: Vec<Cand<'a>> = cands
        .iter()
        .copied()
        .filter(|(_, st)| st.suffix && words(&st.examples[0]) >= s.opts.strip_words)
        .filter(|(k, st)| !s.recurring(key(st.examples[0].as_bytes()).shape) && s.mostly_glued(*k))
        .collect();
    ends.sort_by(most_pages_first);
    cands.retain(|(_, st)| !st.suffix);
    cands.sort_by(most_pages_first);
    cands.retain(|(k, st)| !s.article_like(*k, &st.examples[0]));
    let cuts = footer_markers(s, &cands);
    let blocks = list_headers(s, &cands, &cuts);
    Classes {
        lines: cands,
        cuts,
        blocks,
        ends,
    }
}

/// Most pages first; among equals, by example text.
fn most_pages_first(a: &Cand, b: &Cand) -> Ordering {
    b.1.pages
        .cmp(&a.1.pages)
        .then_with(|| a.1.examples[0].cmp(&b.1.examples[0]))
}

/// Footer markers: keep the earliest ones (not inside another marker's tail).
fn footer_markers<'a>(s: &Study<'a>, cands: &[Cand<'a>]) -> Vec<Cand<'a>> {
    let mut cuts: Vec<Cand<'a>> = cands
        .iter()
        .copied()
        .filter(|(k, _)| s.is_cut(*k))
        .collect();
    cuts.sort_by_key(|(k, _)| std::cmp::Reverse(s.mean_tail(*k)));
    let mut chosen: Vec<Cand<'a>> = Vec::new();
    for (k, st) in cuts {
        if chosen.iter().any(|&(c, _)| s.mostly_after(k, c)) {
            continue;
        }
        chosen.push((k, st));
    }
    chosen
}

/// List headers outside the footers' tails. A header that continues another chosen block
/// is merged into it: the earlier header takes both `while` sets.
fn list_headers(s: &Study, cands: &[Cand], cuts: &[Cand]) -> Vec<(u64, Vec<u64>)> {
    let mut blocks: Vec<(u64, Vec<u64>)> = Vec::new();
    for &(k, _) in cands {
        if cuts.iter().any(|&(c, _)| c == k || s.mostly_after(k, c)) {
            continue;
        }
        if blocks.iter().any(|(_, w)| w.contains(&k)) {
            continue;
        }
        let Some(mut w) = s.block_while(k) else {
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
    blocks
}

/// One line of a sampled page.
pub(super) struct SLine<'a> {
    pub(super) text: &'a str,
    pub(super) shape: u64,
    pub(super) blank: bool,
}

/// The counts, the options and the sampled pages line by line: what every later stage
/// reads, and the questions they ask of where a line stands.
pub(super) struct Study<'a> {
    pub(super) c: &'a Counter,
    pub(super) opts: &'a Options,
    /// The rule-id namespace.
    pub(super) ns: String,
    /// Pages a shape must be on to recur.
    pub(super) threshold: u32,
    pub(super) sample: Vec<Vec<SLine<'a>>>,
    /// For each sampled page, the words of its prose lines before each line (one more
    /// entry than lines: the last is the page's total).
    prose_before: Vec<Vec<usize>>,
}

impl<'a> Study<'a> {
    pub(super) fn new(c: &'a Counter, opts: &'a Options) -> Self {
        let n = c.pages() as f64;
        let threshold = ((opts.min_share * n).ceil() as u32)
            .max(opts.min_pages as u32)
            .max(MIN_RECURRING_PAGES);
        let sample = c
            .sample
            .iter()
            .map(|p| {
                trimmed_lines(p.as_bytes())
                    .into_iter()
                    .map(|t| {
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
        let mut a = Study {
            c,
            opts,
            ns: namespace(&opts.name),
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

    pub(super) fn recurring(&self, shape: u64) -> bool {
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

    /// Prose that is not chrome: a non-recurring line of `prose_words` words or more.
    fn prose(&self, l: &SLine) -> bool {
        !l.blank && !self.recurring(l.shape) && words(l.text) >= self.opts.prose_words
    }

    /// A sentence-like recurring line (`prose_words` words or more) standing between prose
    /// lines in `article_percent` of its sampled occurrences.
    fn article_like(&self, shape: u64, text: &str) -> bool {
        if words(text) < self.opts.prose_words
            || !text.ends_with(['.', '!', '?', '"', '\'', '”', '’'])
        {
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
        total > 0 && inside * 100 >= total * self.opts.article_percent
    }

    /// Is line `j` boilerplate in a tail: recurring, or a short line that is not a
    /// sentence, of at most `tail_item_words` words, next to a recurring one (a headline
    /// beside its time stamp)?
    fn tail_boilerplate(&self, lines: &[SLine], j: usize) -> bool {
        if self.recurring(lines[j].shape) {
            return true;
        }
        let t = lines[j].text;
        if words(t) > self.opts.tail_item_words || t.ends_with(['.', '!', '?', '"', '\'', '”', '’'])
        {
            return false;
        }
        let (p, n) = Self::prev_next(lines, j);
        p.is_some_and(|p| self.recurring(lines[p].shape))
            || n.is_some_and(|n| self.recurring(lines[n].shape))
    }

    /// Is `shape` a footer marker: in `cut_percent` of the sampled pages that have it, only
    /// boilerplate follows its first occurrence, and something does follow.
    fn is_cut(&self, shape: u64) -> bool {
        self.cut_evidence(shape).is_some()
    }

    /// (sampled pages where only boilerplate follows `shape`, sampled pages with it), when
    /// `shape` is a footer marker. Never a line that comes before the article text on
    /// any sampled page (more prose words after it than before: a byline, a date line),
    /// where a cut would take the whole article.
    pub(super) fn cut_evidence(&self, shape: u64) -> Option<(usize, usize)> {
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
        (total > 0
            && ok * 100 >= total * self.opts.cut_percent
            && tail_lines >= self.opts.cut_tail_lines * total)
            .then_some((ok, total))
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
    /// distinctive text (`signature_words` words of two letters or more: never a bare label such as
    /// "Subscribe", a bullet or a symbol), and in a crawl of several hosts recur on none
    /// of the others (there it would be generic chrome).
    pub(super) fn signature(&self, shape: u64, text: &str) -> Option<String> {
        let long_words = text
            .split(|c: char| !c.is_alphabetic())
            .filter(|w| w.chars().count() >= 2)
            .count();
        if long_words < self.opts.signature_words {
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

    /// For a list header: the recurring shapes that follow it (within `block_window` lines)
    /// in `block_follow_percent` of its sampled occurrences, when the run of lines after it is made of
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
                for l in lines[i + 1..]
                    .iter()
                    .take(self.opts.block_window)
                    .take_while(|l| !l.blank)
                {
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
            .filter(|&(_, n)| n * 100 >= total * self.opts.block_follow_percent)
            .map(|(s, _)| s)
            .collect();
        if w.is_empty() {
            return None;
        }
        w.sort_unstable();
        // Simulate max-gap 1: the block must take at least `block_lines` lines after the
        // header in `block_percent` of the occurrences, and never a long (prose) gap line.
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
                        if words(lines[j].text) > self.opts.block_gap_words {
                            prose_gaps += 1;
                        }
                        taken += 2;
                        j += 2;
                    } else {
                        break;
                    }
                }
                if taken >= self.opts.block_lines {
                    long += 1;
                }
            }
        }
        (long * 100 >= total * self.opts.block_percent && prose_gaps == 0).then_some(w)
    }

    /// Does the last sentence `k` end lines that are not themselves recurring (article
    /// paragraphs) in `glued_percent` of its sampled occurrences? Otherwise it is only the
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
        total > 0 && glued * 100 >= total * self.opts.glued_percent
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

    /// Does `shape` stand after the first `marker` in `after_percent` of the sampled pages
    /// that have it?
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
        total > 0 && after * 100 >= total * self.opts.after_percent
    }
}
