//! Glued lines: a page whose text was taken without the breaks between its elements.
//!
//! BeautifulSoup's `get_text()`, lxml's `text_content()` and the like print a page whose
//! HTML has no line breaks (minified) as one line of thousands of characters: menu items,
//! headline, paragraphs and footer glued together (`NewsSportWeather`, `…went home.The
//! next day…`) or apart by runs of spaces. No line rule can cut such a line, and the
//! region sees one block. Such a line is read as the pieces it was glued from, each a line
//! of its own for every rule: the page is cleaned as a page of pieces, and what happened
//! to the pieces of a line becomes what happens to the line (kept, removed, or kept with
//! the removed pieces cut out as spans). Output stays byte for byte the input's.

use std::ops::Range;

use super::outcome::{Cause, Edit, Fate, Outcome};
use super::page::{Line, Page};

/// A line shorter than this is never read as glued: a long paragraph of an article printed
/// a paragraph per line stays one line.
const MIN_BYTES: usize = 2000;
/// At least one cut (see [`cuts`]) per this many bytes.
const BYTES_PER_CUT: usize = 300;
/// At least one space per this many bytes: text, not an encoded blob (base64, JSON).
const BYTES_PER_SPACE: usize = 12;

/// Where the pieces of `c` (a line's content) start after the first: after a run of two
/// or more spaces or tabs (the source's indentation between elements; not after a
/// sentence's end, where a typist puts two spaces), at an upper-case
/// word glued to a lower-case one (`HomeNews`: two lower-case letters, then an upper-case
/// and a lower-case one), and at an upper-case word glued to a sentence's end
/// (`home.The`, `(2019)The`). Offsets into `c`.
fn cuts(c: &[u8]) -> Vec<usize> {
    let mut out = Vec::new();
    let space = |b: u8| b == b' ' || b == b'\t';
    // Where the current run of spaces starts.
    let mut run = 0;
    for i in 2..c.len().saturating_sub(1) {
        let (a, b, x, y) = (c[i - 2], c[i - 1], c[i], c[i + 1]);
        if !space(b) {
            run = i;
        }
        let word = x.is_ascii_uppercase() && y.is_ascii_lowercase();
        let after_sentence = run.checked_sub(1).is_some_and(|k| b".!?".contains(&c[k]));
        let cut = (space(a) && space(b) && !space(x) && !after_sentence)
            || (word && a.is_ascii_lowercase() && b.is_ascii_lowercase())
            || (word
                && matches!(b, b'.' | b'!' | b'?' | b')')
                && (a.is_ascii_lowercase() || a.is_ascii_digit()));
        if cut {
            out.push(i);
        }
    }
    out
}

/// The cuts of line content `c` when it is a glued line: long, text (spaces, no Markdown
/// links), and cut often enough.
fn glued(c: &[u8]) -> Option<Vec<usize>> {
    if c.len() < MIN_BYTES
        || memchr::memchr_iter(b' ', c).count() * BYTES_PER_SPACE < c.len()
        || memchr::memmem::find(c, b"](").is_some()
    {
        return None;
    }
    let cuts = cuts(c);
    (cuts.len() * BYTES_PER_CUT >= c.len()).then_some(cuts)
}

/// A page read as pieces: the page of pieces, and for each of its lines the line of the
/// page it comes from.
pub(crate) struct Pieces<'a> {
    pub(crate) page: Page<'a>,
    origin: Vec<usize>,
}

/// `page` read as pieces, or `None` when it has no glued line.
pub(crate) fn pieces<'a>(page: &Page<'a>) -> Option<Pieces<'a>> {
    let lines = page.lines();
    let first = lines
        .iter()
        .position(|l| l.content_end - l.start >= MIN_BYTES)?;
    let mut any = false;
    let mut out: Vec<Line> = Vec::with_capacity(lines.len());
    let mut origin = Vec::with_capacity(lines.len());
    out.extend_from_slice(&lines[..first]);
    origin.extend(0..first);
    for (i, l) in lines.iter().enumerate().skip(first) {
        let Some(cuts) = glued(&page.bytes()[l.start..l.content_end]) else {
            out.push(*l);
            origin.push(i);
            continue;
        };
        any = true;
        let mut start = l.start;
        for at in cuts.into_iter().map(|c| l.start + c) {
            out.push(Line {
                start,
                content_end: at,
                end: at,
            });
            origin.push(i);
            start = at;
        }
        out.push(Line { start, ..*l });
        origin.push(i);
    }
    any.then(|| Pieces {
        page: Page::with_lines(page.bytes(), out),
        origin,
    })
}

impl Pieces<'_> {
    /// What the cleaning of the pieces (`o`, an outcome on [`Pieces::page`]) does to the
    /// lines of `page`: a line whose pieces all went is removed (for the cause that took
    /// most of its bytes), one whose pieces all stayed is kept, and otherwise the removed
    /// pieces and the spans cut from kept ones are the line's removed spans.
    pub(crate) fn outcome_on(&self, page: &Page<'_>, o: Outcome) -> Outcome {
        let mut fate = Vec::with_capacity(page.len());
        let mut edits: Vec<Edit> = Vec::new();
        let mut j = 0;
        while j < self.origin.len() {
            let line = self.origin[j];
            let end = j + self.origin[j..].partition_point(|&k| k == line);
            let mut removed: Vec<(Range<usize>, Cause)> = Vec::new();
            let mut kept = false;
            for v in j..end {
                match o.fate[v] {
                    Fate::Kept => kept = true,
                    Fate::Removed(c) => {
                        let l = self.page.lines()[v];
                        if l.content_end > l.start {
                            removed.push((l.start..l.content_end, c));
                        }
                    }
                    Fate::Edited(e) => {
                        kept = true;
                        removed.extend(o.edits[e as usize].removed.iter().cloned());
                    }
                }
            }
            j = end;
            fate.push(if !kept {
                Fate::Removed(most(&removed).unwrap_or(Cause::Layout))
            } else if removed.is_empty() {
                Fate::Kept
            } else {
                // Adjacent spans of one cause are one span.
                let mut merged: Vec<(Range<usize>, Cause)> = Vec::with_capacity(removed.len());
                for (r, c) in removed {
                    match merged.last_mut() {
                        Some((m, mc)) if *mc == c && m.end == r.start => m.end = r.end,
                        _ => merged.push((r, c)),
                    }
                }
                edits.push(Edit {
                    line,
                    removed: merged,
                });
                Fate::Edited(edits.len() as u32 - 1)
            });
        }
        // No backoff yet: the guard looks at the outcome this makes.
        Outcome::new(page, fate, edits)
    }
}

/// The cause that removed the most bytes of `removed`.
fn most(removed: &[(Range<usize>, Cause)]) -> Option<Cause> {
    let mut by: Vec<(Cause, usize)> = Vec::new();
    for (r, c) in removed {
        match by.iter_mut().find(|(b, _)| b == c) {
            Some((_, n)) => *n += r.len(),
            None => by.push((*c, r.len())),
        }
    }
    // The first of the largest: the earliest cause on the line wins a tie.
    by.iter().rev().max_by_key(|(_, n)| *n).map(|(c, _)| *c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces_of(s: &str) -> Vec<&str> {
        let c = s.as_bytes();
        let mut at = 0;
        let mut out = Vec::new();
        for k in cuts(c) {
            out.push(&s[at..k]);
            at = k;
        }
        out.push(&s[at..]);
        out
    }

    #[test]
    fn cuts_at_glue_and_space_runs_only() {
        assert_eq!(
            pieces_of("HomeNewsSport   The mayor said so.The next day (2019)It rained."),
            vec![
                "Home",
                "News",
                "Sport   ",
                "The mayor said so.",
                "The next day (2019)",
                "It rained."
            ]
        );
        // Not inside a word's capitals, an initial, a decimal, a single space, or two
        // spaces after a sentence.
        assert_eq!(
            pieces_of("The NASA team, J.R. Smith and McDonald paid 3.5 dollars.  Then"),
            vec!["The NASA team, J.R. Smith and McDonald paid 3.5 dollars.  Then"]
        );
    }

    #[test]
    fn only_long_text_lines_are_glued() {
        let menu = "HomeNewsSportWeather ".repeat(20);
        let prose = "The council met on Monday and voted on the plan. ".repeat(45);
        let line = format!("{menu}{prose}");
        assert!(line.len() >= MIN_BYTES);
        assert!(glued(line.as_bytes()).is_some());
        // Too short, a paragraph without cuts, a blob, Markdown.
        assert!(glued(menu.as_bytes()).is_none());
        assert!(glued(prose.as_bytes()).is_none());
        assert!(glued("abCdEfGh".repeat(300).as_bytes()).is_none());
        assert!(glued(format!("{line} [a](https://example.com)").as_bytes()).is_none());
    }

    #[test]
    fn pieces_map_back_to_lines_and_spans() {
        let menu = "HomeNewsSportWeather ".repeat(20);
        let prose = "The council met on Monday and voted on the plan. ".repeat(45);
        let text = format!("Title\n{menu}  {prose}\nEnd\n");
        let page = Page::new(text.as_bytes());
        let p = pieces(&page).expect("glued");
        assert_eq!(p.page.len(), p.origin.len());
        assert!(p.page.len() > page.len());
        // The pieces cover the line: rendering them all kept gives the page back.
        let all = Outcome::new(&p.page, vec![Fate::Kept; p.page.len()], Vec::new());
        assert_eq!(p.outcome_on(&page, all).render(&page), text.as_bytes());
        // Every piece of the glued line but the last removed: the line keeps its prose.
        let rule = Cause::Rule(0);
        let fate: Vec<Fate> = (0..p.page.len())
            .map(|v| match p.origin[v] {
                1 if p.origin.get(v + 1) == Some(&1) => Fate::Removed(rule),
                _ => Fate::Kept,
            })
            .collect();
        let o = p.outcome_on(&page, Outcome::new(&p.page, fate, Vec::new()));
        assert_eq!(o.render(&page), format!("Title\n{prose}\nEnd\n").as_bytes());
        assert_eq!(o.edits().len(), 1);
        assert_eq!(o.edits()[0].removed.len(), 1);
        // All of them removed: the line is removed.
        let fate: Vec<Fate> = (0..p.page.len())
            .map(|v| match p.origin[v] {
                1 => Fate::Removed(rule),
                _ => Fate::Kept,
            })
            .collect();
        let o = p.outcome_on(&page, Outcome::new(&p.page, fate, Vec::new()));
        assert_eq!(o.render(&page), b"Title\nEnd\n");
        assert_eq!(o.removed_by(1), Some(rule));
    }

    #[test]
    fn a_page_without_glued_lines_has_no_pieces() {
        assert!(pieces(&Page::new(b"a\nb\n")).is_none());
    }
}
