//! Score cleaned pages against hand-cleaned (gold) texts: token and line precision,
//! recall and F1, per page and macro-averaged over pages.
//!
//! The same measure as the evaluation set's `score.py`: tokens are runs of letters,
//! digits and `_` (Python's `\w+` on `str`); a page's true positives are the size of the
//! multiset intersection of its predicted and gold tokens; P = tp / |pred|,
//! R = tp / |gold|, F1 = 2PR / (P + R); an empty prediction scores 0 unless the gold is
//! empty too (then 1). The `lines` view does the same over whitespace-normalised
//! non-blank lines.
//!
//! An evaluation set is scored twice, cleaned and as it is (the identity); a page is
//! *harmed* when cleaning leaves its token F1 more than [`HARM_MARGIN`] below the
//! identity's, as the evaluation set's `score_sets.py` counts it. No I/O: texts in,
//! numbers out.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::LazyLock;

use regex::Regex;

/// Precision, recall and F1 of one page (or their macro means over pages).
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize)]
pub struct Prf {
    /// Precision.
    pub p: f64,
    /// Recall.
    pub r: f64,
    /// F1.
    pub f1: f64,
}

/// One page's scores and counts.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PageScore {
    /// Token view (the primary score).
    pub tokens: Prf,
    /// Line view.
    pub lines: Prf,
    /// Tokens in the prediction.
    pub pred_tokens: usize,
    /// Tokens in the gold text.
    pub gold_tokens: usize,
}

/// A token: Python's `\w+` on `str` (letters, digits and `_`; combining marks are not
/// word characters, so Arabic vowel marks split words as they do there). The one
/// difference: letters and digits assigned after the Unicode version of the Python that
/// runs `score.py` (14.0 for Python 3.11) are word characters here and not there.
pub const TOKEN: &str = r"[\p{L}\p{N}_]+";

static TOKEN_RE: LazyLock<Regex> = LazyLock::new(|| Regex::new(TOKEN).expect("valid regex"));

/// The tokens of a text, in order.
pub fn tokens(text: &str) -> impl Iterator<Item = &str> {
    TOKEN_RE.find_iter(text).map(|m| m.as_str())
}

/// Python's `str.splitlines()` boundaries.
fn is_line_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r'
            | '\x0b'
            | '\x0c'
            | '\x1c'
            | '\x1d'
            | '\x1e'
            | '\u{85}'
            | '\u{2028}'
            | '\u{2029}'
    )
}

/// Python's `str.split()` separators: Unicode white space, and U+001C..U+001F (the
/// first three also end lines, so only U+001F is left to add).
fn is_python_space(c: char) -> bool {
    c.is_whitespace() || c == '\x1f'
}

fn norm_lines(text: &str) -> Vec<String> {
    text.split(is_line_break)
        .map(|l| {
            l.split(is_python_space)
                .filter(|w| !w.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .filter(|l| !l.is_empty())
        .collect()
}

/// P/R/F1 of two multisets given as sequences, and their sizes.
fn prf<T: Eq + Hash>(
    pred: impl IntoIterator<Item = T>,
    gold: impl IntoIterator<Item = T>,
) -> (Prf, usize, usize) {
    let mut counts: HashMap<T, (usize, usize)> = HashMap::new();
    let (mut n_pred, mut n_gold) = (0, 0);
    for t in pred {
        counts.entry(t).or_default().0 += 1;
        n_pred += 1;
    }
    for t in gold {
        counts.entry(t).or_default().1 += 1;
        n_gold += 1;
    }
    if n_pred == 0 && n_gold == 0 {
        return (
            Prf {
                p: 1.0,
                r: 1.0,
                f1: 1.0,
            },
            0,
            0,
        );
    }
    let tp: usize = counts.values().map(|&(a, b)| a.min(b)).sum();
    let ratio = |n: usize| if n == 0 { 0.0 } else { tp as f64 / n as f64 };
    let (p, r) = (ratio(n_pred), ratio(n_gold));
    let f1 = if p + r > 0.0 {
        2.0 * p * r / (p + r)
    } else {
        0.0
    };
    (Prf { p, r, f1 }, n_pred, n_gold)
}

/// Score one prediction against its gold text.
pub fn score(pred: &str, gold: &str) -> PageScore {
    let (tokens, pred_tokens, gold_tokens) = prf(tokens(pred), tokens(gold));
    let (lines, _, _) = prf(norm_lines(pred), norm_lines(gold));
    PageScore {
        tokens,
        lines,
        pred_tokens,
        gold_tokens,
    }
}

/// Macro means over pages: (tokens, lines).
pub fn macro_mean(pages: &[PageScore]) -> (Prf, Prf) {
    let n = pages.len().max(1) as f64;
    let mean = |f: &dyn Fn(&PageScore) -> Prf| {
        let sum = pages.iter().map(f).fold(Prf::default(), |a, b| Prf {
            p: a.p + b.p,
            r: a.r + b.r,
            f1: a.f1 + b.f1,
        });
        Prf {
            p: sum.p / n,
            r: sum.r / n,
            f1: sum.f1 / n,
        }
    };
    (mean(&|s| s.tokens), mean(&|s| s.lines))
}

/// How far below the identity's token F1 a page's must fall to count as harmed.
pub const HARM_MARGIN: f64 = 0.10;

/// Whether cleaning harmed a page: its token F1 is more than [`HARM_MARGIN`] below the
/// token F1 of the page left as it is.
pub fn harmed(f1: f64, identity_f1: f64) -> bool {
    f1 < identity_f1 - HARM_MARGIN
}

/// One evaluation set's result: macro token P/R/F1 of the cleaned pages, the identity's
/// macro token F1 and the harmed pages.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SetScore {
    /// The set's name.
    pub set: String,
    /// Pages scored (the gold texts).
    pub pages: usize,
    /// Macro token precision of the cleaned pages.
    pub p: f64,
    /// Macro token recall of the cleaned pages.
    pub r: f64,
    /// Macro token F1 of the cleaned pages.
    pub f1: f64,
    /// Macro token F1 of the pages left as they are.
    pub identity_f1: f64,
    /// Pages cleaning [`harmed`].
    pub harmed: usize,
}

impl SetScore {
    /// Score a set from each page's (cleaned, identity) scores, in page order.
    pub fn new(set: impl Into<String>, pages: &[(PageScore, PageScore)]) -> Self {
        let cleaned: Vec<PageScore> = pages.iter().map(|(c, _)| c.clone()).collect();
        let identity: Vec<PageScore> = pages.iter().map(|(_, i)| i.clone()).collect();
        let (tokens, _) = macro_mean(&cleaned);
        let (identity_tokens, _) = macro_mean(&identity);
        SetScore {
            set: set.into(),
            pages: pages.len(),
            p: tokens.p,
            r: tokens.r,
            f1: tokens.f1,
            identity_f1: identity_tokens.f1,
            harmed: pages
                .iter()
                .filter(|(c, i)| harmed(c.tokens.f1, i.tokens.f1))
                .count(),
        }
    }
}

/// What several sets come to together.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Summary {
    /// Mean of the sets' F1 (each set counts once, whatever its size).
    pub mean_f1: f64,
    /// The lowest set F1.
    pub min_f1: f64,
    /// Sets whose F1 is below their identity F1, in the order given.
    pub below_identity: Vec<String>,
    /// Harmed pages over all sets.
    pub harmed: usize,
    /// Pages over all sets.
    pub pages: usize,
    /// `harmed / pages` (0 with no pages).
    pub harm_rate: f64,
}

/// Sum up sets as `score_sets.py` does.
pub fn summarize(sets: &[SetScore]) -> Summary {
    let harmed: usize = sets.iter().map(|s| s.harmed).sum();
    let pages: usize = sets.iter().map(|s| s.pages).sum();
    Summary {
        mean_f1: sets.iter().map(|s| s.f1).sum::<f64>() / sets.len().max(1) as f64,
        min_f1: sets.iter().map(|s| s.f1).reduce(f64::min).unwrap_or(0.0),
        below_identity: sets
            .iter()
            .filter(|s| s.f1 < s.identity_f1)
            .map(|s| s.set.clone())
            .collect(),
        harmed,
        pages,
        harm_rate: if pages == 0 {
            0.0
        } else {
            harmed as f64 / pages as f64
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_computed_case() {
        // Case is kept, so `The` and `the` differ. pred: The cat sat on the mat today (7);
        // gold: The cat sat on a mat (6); shared as multisets: The cat sat on mat (5).
        let s = score("The cat sat on the mat today.\n", "The cat sat on a mat.\n");
        assert_eq!((s.pred_tokens, s.gold_tokens), (7, 6));
        assert!((s.tokens.p - 5.0 / 7.0).abs() < 1e-12);
        assert!((s.tokens.r - 5.0 / 6.0).abs() < 1e-12);
        let f1 = 2.0 * (5.0 / 7.0) * (5.0 / 6.0) / (5.0 / 7.0 + 5.0 / 6.0);
        assert!((s.tokens.f1 - f1).abs() < 1e-12);
        // Lines: one line each, different: 0.
        assert_eq!(s.lines.f1, 0.0);
    }

    #[test]
    fn empty_cases_and_unicode_tokens() {
        assert_eq!(score("", "").tokens.f1, 1.0);
        assert_eq!(score("", "gold").tokens.f1, 0.0);
        assert_eq!(score("pred", "").tokens.f1, 0.0);
        // Non-Latin letters are word characters; punctuation and U+FFFD are not.
        let t: Vec<&str> = tokens("Привет, мир! 日本語です。a_b \u{FFFD}x").collect();
        assert_eq!(t, ["Привет", "мир", "日本語です", "a_b", "x"]);
    }

    #[test]
    fn lines_are_whitespace_normalised_multisets() {
        let s = score("a  b\n\nc\nc\n", " a b \nc\nd\n");
        // pred lines: [a b, c, c]; gold: [a b, c, d]; shared 2.
        assert!((s.lines.p - 2.0 / 3.0).abs() < 1e-12);
        assert!((s.lines.r - 2.0 / 3.0).abs() < 1e-12);
        // U+001F separates words in Python's str.split(), though it is not Unicode white
        // space.
        assert_eq!(score("a\x1fb\n", "a b\n").lines.f1, 1.0);
    }

    #[test]
    fn macro_mean_averages_pages() {
        let a = score("x y", "x y");
        let b = score("x", "y");
        let (t, _) = macro_mean(&[a, b]);
        assert!((t.f1 - 0.5).abs() < 1e-12);
    }

    #[test]
    fn a_page_is_harmed_only_past_the_margin() {
        assert!(harmed(0.5, 0.61));
        assert!(!harmed(0.55, 0.6));
        assert!(!harmed(0.9, 0.6));
    }

    #[test]
    fn sets_sum_up_as_score_sets_py() {
        // Page 1: cleaning perfect (1.0), identity 0.5 (pred "x y", gold "x": P 1/2, R 1,
        // F1 2/3). Page 2: cleaning took the only word (0), identity perfect (1): harmed.
        let one = (score("x", "x"), score("x y", "x"));
        let two = (score("", "y"), score("y", "y"));
        let a = SetScore::new("a", &[one.clone(), two]);
        assert_eq!((a.pages, a.harmed), (2, 1));
        assert!((a.f1 - 0.5).abs() < 1e-12);
        assert!((a.identity_f1 - (2.0 / 3.0 + 1.0) / 2.0).abs() < 1e-12);
        let b = SetScore::new("b", &[one]);
        let s = summarize(&[a, b]);
        assert!((s.mean_f1 - 0.75).abs() < 1e-12);
        assert_eq!(s.min_f1, 0.5);
        assert_eq!(s.below_identity, ["a"]);
        assert_eq!((s.harmed, s.pages), (1, 3));
        assert!((s.harm_rate - 1.0 / 3.0).abs() < 1e-12);
    }
}
