//! What a rule with a `view` sees of a page: its units (lines or blocks) and their text.
//!
//! `view = "line"` (the default) sees each trimmed line as written; rules with it never
//! come here for their triggers, which the whole-line trigger set matches. `view =
//! "visible"` sees each line as a reader does (no list bullet, heading or quote mark, no
//! Markdown link or emphasis syntax); `view = "block"` sees each block of
//! [`blocks`](super::blocks::blocks) — a hard-wrapped paragraph is one — its kept lines
//! joined with one space and read as `visible` reads a line. A unit is a range of page
//! lines: what a rule does to a unit it does to all of its lines, so output lines are never
//! split or joined.
//!
//! No I/O, and nothing is built for rules without a view: units are made only when an
//! active rule asks for them, and on a page that is not hard-wrapped a block is one line
//! (its text borrowed unless Markdown syntax must be taken out).

use std::borrow::Cow;
use std::ops::Range;

use super::blocks::{strip_marks, visible, BULLETS};
use super::outcome::Fate;
use super::page::Page;
use crate::rules::View;

/// One unit of a view: page lines and the text a rule sees of them.
#[derive(Clone)]
pub(super) struct Seen<'p> {
    /// The page lines (one, or a block's).
    pub(super) lines: Range<usize>,
    /// What the rule sees: empty for a blank unit, or one whose lines earlier rules removed
    /// (in the block view), or one with nothing a reader reads (an image).
    pub(super) text: Cow<'p, [u8]>,
    /// Every line of the unit is blank.
    pub(super) blank: bool,
}

impl Seen<'_> {
    /// Whether some line of the unit is still kept.
    pub(super) fn kept(&self, fate: &[Fate]) -> bool {
        fate[self.lines.clone()].contains(&Fate::Kept)
    }
}

/// The units of the block view over lines `..limit`, blank ones included, in page order:
/// one per block of `blocks` (see [`blocks`](super::blocks::blocks)). `read` holds the
/// visible view's units ([`line_units`]), whose text a one-line block shares.
pub(super) fn block_units<'p>(
    page: &Page<'p>,
    blocks: &[Range<usize>],
    read: &[Seen<'p>],
    fate: &[Fate],
    limit: usize,
) -> Vec<Seen<'p>> {
    blocks
        .iter()
        .take_while(|b| b.start < limit)
        .map(|b| {
            let lines = b.start..b.end.min(limit);
            let text = match lines.len() {
                1 if fate[b.start] == Fate::Kept => read[b.start].text.clone(),
                1 => Cow::Borrowed(&[][..]),
                _ => kept_text(page, fate, lines.clone()),
            };
            Seen {
                blank: lines.clone().all(|i| page.is_blank(i)),
                text,
                lines,
            }
        })
        .collect()
}

/// The units of the line or the visible view over lines `..limit`: one per line, whatever
/// earlier rules removed (see [`Seen::kept`]).
pub(super) fn line_units<'p>(page: &Page<'p>, limit: usize, view: View) -> Vec<Seen<'p>> {
    let line = |i: usize, text: Cow<'p, [u8]>| Seen {
        lines: i..i + 1,
        blank: page.is_blank(i),
        text,
    };
    match view {
        View::Visible => {
            // A page without Markdown links (most) needs no line searched for one.
            let links = memchr::memmem::find(page.bytes(), b"](").is_some();
            (0..limit)
                .map(|i| {
                    let t = page.trimmed(i);
                    line(
                        i,
                        if links {
                            read(t)
                        } else {
                            Cow::Borrowed(read_marks(t))
                        },
                    )
                })
                .collect()
        }
        _ => (0..limit)
            .map(|i| line(i, Cow::Borrowed(page.trimmed(i))))
            .collect(),
    }
}

/// The kept lines of `lines`, trimmed, joined with one space, and read (see [`read`]).
fn kept_text<'p>(page: &Page<'p>, fate: &[Fate], lines: Range<usize>) -> Cow<'p, [u8]> {
    match kept_joined(page, fate, lines).1 {
        Cow::Borrowed(t) => read(t),
        Cow::Owned(t) => Cow::Owned(read(&t).into_owned()),
    }
}

/// The first kept non-blank line of `lines`, and the kept non-blank lines trimmed and
/// joined with one space (borrowed when there is one; empty when there is none).
pub(super) fn kept_joined<'p>(
    page: &Page<'p>,
    fate: &[Fate],
    lines: Range<usize>,
) -> (Option<usize>, Cow<'p, [u8]>) {
    let mut kept = lines.filter(|&i| !page.is_blank(i) && fate[i] == Fate::Kept);
    let first = kept.next();
    let text = match (first, kept.next()) {
        (None, _) => Cow::Borrowed(&[][..]),
        (Some(one), None) => Cow::Borrowed(page.trimmed(one)),
        (Some(one), Some(two)) => {
            let mut t = page.trimmed(one).to_vec();
            for i in std::iter::once(two).chain(kept) {
                t.push(b' ');
                t.extend_from_slice(page.trimmed(i));
            }
            Cow::Owned(t)
        }
    };
    (first, text)
}

/// The text of lines `lines` of the page whatever became of them, joined by a space.
pub(super) fn joined(page: &Page<'_>, lines: Range<usize>) -> Vec<u8> {
    let mut t = Vec::new();
    for i in lines.filter(|&i| !page.is_blank(i)) {
        if !t.is_empty() {
            t.push(b' ');
        }
        t.extend_from_slice(page.trimmed(i));
    }
    t
}

/// A (trimmed) line or block as a reader sees it: without a leading list bullet (`•`, `*`,
/// `-`, `+`, `·`, `▪` …), heading or quote mark, `[text](url)` as `text`, images as nothing,
/// emphasis marks at the ends dropped. Borrowed when there is no link syntax.
pub(super) fn read(t: &[u8]) -> Cow<'_, [u8]> {
    visible(strip_bullet(t)).text
}

/// [`read`] for a line without Markdown link syntax (no `](`).
fn read_marks(t: &[u8]) -> &[u8] {
    strip_marks(strip_bullet(t))
}

fn strip_bullet(t: &[u8]) -> &[u8] {
    BULLETS
        .iter()
        .find_map(|b| t.strip_prefix(b.as_bytes()))
        .map_or(t, <[u8]>::trim_ascii_start)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reader_sees_no_bullets_and_no_markdown() {
        for t in [
            "Playlist",
            "\u{2022} Playlist",
            "* Playlist",
            "- Playlist",
            "+ Playlist",
            "\u{b7} Playlist",
            "\u{25aa}  Playlist",
            "* [Playlist](https://example.com/p)",
            "\u{2022} **Playlist**",
            "## Playlist",
        ] {
            assert_eq!(&*read(t.as_bytes()), b"Playlist", "{t}");
        }
        assert!(matches!(
            read("\u{2022} Playlist".as_bytes()),
            Cow::Borrowed(_)
        ));
        // Not bullets: a word, a minus sign, emphasis inside the text.
        assert_eq!(&*read(b"-5 degrees"), b"-5 degrees");
        assert_eq!(&*read(b"Playlists *we* like"), b"Playlists *we* like");
    }

    #[test]
    fn a_block_is_its_kept_lines_joined() {
        let text = format!(
            "Ferry news\n\n{}",
            "The harbour board met on Monday and voted to move the morning ferry to a later\nhour, which the council had asked for since the spring of last year, said the\nchair.\n\n".repeat(4)
        );
        let page = Page::new(text.as_bytes());
        let fate = vec![Fate::Kept; page.len()];
        let blocks = super::super::blocks::blocks(&page);
        let units = |fate: &[Fate], limit: usize| {
            let read = line_units(&page, limit, View::Visible);
            block_units(&page, &blocks, &read, fate, limit)
        };
        let u = units(&fate, page.len());
        let joined = u
            .iter()
            .find(|u| u.lines.len() == 3)
            .expect("a wrapped block");
        assert!(joined.text.starts_with(b"The harbour board"));
        assert!(joined.text.ends_with(b"later hour, which the council had asked for since the spring of last year, said the chair."));
        // Lines removed earlier are not read; a unit cut by the limit ends there.
        let mut fate = fate;
        fate[joined.lines.start] = Fate::Removed(super::super::Cause::Layout);
        let u = units(&fate, joined.lines.end - 1);
        assert_eq!(
            u.last().unwrap().lines,
            joined.lines.start..joined.lines.end - 1
        );
        assert!(u.last().unwrap().text.starts_with(b"hour, which"));
        // The line views: one unit per line, blank ones too.
        assert_eq!(line_units(&page, 3, View::Visible).len(), 3);
        assert!(line_units(&page, 3, View::Line)[1].blank);
        // A one-line block shares the visible view's text, and has none once removed.
        let first = &units(&fate, page.len())[0];
        assert_eq!(&*first.text, b"Ferry news");
        let mut gone = fate.clone();
        gone[0] = Fate::Removed(super::super::Cause::Layout);
        assert!(units(&gone, page.len())[0].text.is_empty());
    }
}
