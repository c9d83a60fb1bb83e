//! The block view of a page: lines grouped into the paragraphs and elements a reader sees.
//!
//! Converters print the same paragraph in different shapes: one line (w3m with unlimited
//! width, Markdown without wrapping), or hard-wrapped over many lines at a fixed width
//! (`w3m -dump`, `lynx -dump`, Python `html2text`). The region rule scores blocks, so a
//! wrapped paragraph counts as the one paragraph it is, not as many short lines without
//! final punctuation.
//!
//! A page's wrap width is inferred from its own line lengths; a line continues into the
//! next when the next line's first word would not have fitted after it (what a greedy
//! wrapper does) and the next line does not start a new element (a list item, a heading, a
//! quote, a table row). Pages that are not wrapped get one block per line.
//!
//! [`visible`] reads a block's text as a reader sees it: Markdown link and image syntax,
//! list markers, heading marks and emphasis do not count as prose.
//!
//! No I/O; bytes in, ranges out. Lines are never split or merged in the output: a block is
//! only a range of line indexes.

use std::borrow::Cow;
use std::ops::Range;

use super::page::Page;

/// Shortest wrap width recognised: narrower "wrapping" is a column of short items.
const MIN_WIDTH: usize = 40;
/// Widest wrap width recognised: wider lines are paragraphs printed whole.
pub(crate) const MAX_WIDTH: usize = 160;
/// Lines shorter than this say nothing about the wrap width (menu items, labels).
const MEASURED: usize = 20;
/// Lines just past a wrap width, in percent of those just under it, that a wrapped page may
/// have (times three): a URL, a table row or a preformatted line that no wrapper breaks.
const OVER_WIDTH_PERCENT: usize = 5;
/// A wrapped page has at least this share of its lines that go on, in percent, agreeing with
/// its width.
const NEAR_PERCENT: usize = 15;
/// A wrapped page has at least this many lines that stop mid-sentence and agree with its
/// width (and `NEAR_PERCENT` of its lines that go on): a short article wrapped at 120
/// columns has two paragraphs of two or three lines. Fewer would let a few lines that a
/// rule then removes (a footer) decide the page's shape, and the page cleaned again would
/// read otherwise; lines of a sentence each say little (they do not count here).
const MIN_NEAR: usize = 4;
/// "Near the width": within this many characters of it.
const NEAR: usize = 15;
/// Lines a broken link target may run over: a wrapper breaks a URL only at its hyphens and
/// slashes, so a longer "link" is a stray `](` in the text.
const MAX_LINK_LINES: usize = 8;

/// The blocks of a page, as consecutive line ranges (blank lines are blocks of their own).
pub(crate) fn blocks(page: &Page<'_>) -> Vec<Range<usize>> {
    let n = page.len();
    let width = wrap_width(page);
    // Asked only when a line goes on in lower case (see [`broken_sentence`]).
    let pieces = std::cell::OnceCell::new();
    // On a page without one width, a run of lines wrapped at a width of its own.
    let mut local = LocalWrap::default();
    let mut out = Vec::with_capacity(n);
    // Only lines with a `[` open a link: the next one on the page is sought once, not on
    // every line.
    let mut brackets = NextByte::new(page.bytes(), b'[', b'[', true);
    let mut after = |open: LinkOpen, i: usize| {
        let r = page.trimmed_range(i);
        if open.is_open() || brackets.any_in(r.clone()) {
            open.after(&page.bytes()[r])
        } else {
            open
        }
    };
    // Likewise a raw HTML tag (Markdown may hold HTML: pandoc's writes what it cannot say
    // in Markdown), or pandoc's attributes (`{.logo width="400"}`), that the converter
    // wrapped onto the next lines; on a page with no `<` or `{` nothing is asked.
    let markup = page.has_markup();
    let mut angles = NextByte::new(page.bytes(), b'<', b'{', markup);
    let mut tag_after = |cut: Option<Vec<u8>>, i: usize| {
        let r = page.trimmed_range(i);
        if cut.is_some() || angles.any_in(r.clone()) {
            tag_goes_on(cut, &page.bytes()[r])
        } else {
            None
        }
    };
    // No grid table starts before this line (see [`grid_table`]).
    let mut no_grid = 0;
    let mut i = 0;
    while i < n {
        let start = i;
        // A grid table (pandoc's `+---+` and `|` rows, w3m's box drawing) is one block:
        // its cells hold wrapped text that only reads in columns.
        if i >= no_grid {
            match grid_table(page, i) {
                Ok(end) => {
                    out.push(start..end);
                    i = end;
                    continue;
                }
                Err(k) => no_grid = k,
            }
        }
        // A Markdown link broken over lines (by the wrapper, in its text or at a hyphen of
        // its URL, or by the converter, at a line break in its text) goes on to the line
        // that closes it, however short the lines, wrapped page or not. Lines held only by
        // an open link or tag are counted: a stray `[`, `](` or `<` in the text gives up
        // after a few.
        let mut open = after(LinkOpen::default(), i);
        let mut tag = if markup { tag_after(None, i) } else { None };
        let mut held = 0;
        // A list item goes on in the lines indented under its text (`* Title` over
        // `  Its summary.`), wrapped page or not.
        let item = item_column(page.content(i));
        while i + 1 < n {
            if width.is_some_and(|w| continues(page, i, w))
                || item.is_some_and(|c| under_item(page, i + 1, c))
                || broken_sentence(page, i, &pieces)
                || (width.is_none() && local.wraps(page, i))
            {
                held = 0;
            } else if (open.is_open() || tag.is_some())
                && held < MAX_LINK_LINES
                && !page.is_blank(i + 1)
            {
                held += 1;
            } else if open.brackets > 0
                && !open.target
                && link_over_blank(page, i + 1, open.brackets)
            {
                // A link around whole paragraphs (a teaser card's picture, headline and
                // summary): its text goes on after a blank line to the `](…)` that closes
                // it, found within `MAX_LINK_LINES` lines.
                held = 0;
            } else {
                break;
            }
            i += 1;
            open = after(open, i);
            if markup {
                tag = tag_after(tag, i);
            }
        }
        i += 1;
        out.push(start..i);
    }
    out
}

/// Whether blank line `i` lies inside a link around whole paragraphs, as Markdown
/// converters print an HTML link that holds blocks (turndown: `[` / blank / `**Title**` /
/// blank / `](https://…)`, or a linked picture `[` / blank / `![…](…)](https://…)`): one of
/// the `brackets` links open before it closes (`](`) within `MAX_LINK_LINES` lines of text
/// after it.
fn link_over_blank(page: &Page<'_>, i: usize, brackets: usize) -> bool {
    if !page.is_blank(i) {
        return false;
    }
    let mut depth = brackets;
    (i + 1..page.len())
        .filter(|&k| !page.is_blank(k))
        .take(MAX_LINK_LINES)
        .any(|k| {
            let t = page.trimmed(k);
            for j in memchr::memchr2_iter(b'[', b']', t) {
                if t[j] == b'[' {
                    depth += 1;
                } else if depth <= brackets && t.get(j + 1) == Some(&b'(') {
                    return true;
                } else {
                    depth = depth.saturating_sub(1);
                }
            }
            false
        })
}

/// Whether (trimmed) `t` is a grid table's border: `+---+---+`, `+===+`, `├───┼───┤`, or
/// the `_____` over a table that Debian's `html2text` draws (see [`grid_table`]).
fn grid_border(t: &[u8]) -> bool {
    match t.first() {
        Some(b'+') => t.len() >= 3 && t.iter().all(|c| matches!(c, b'+' | b'-' | b'=' | b':')),
        Some(b'_') => t.len() >= 3 && t.iter().all(|&c| c == b'_'),
        // Box drawing (U+2500..U+257F) is `E2 94 xx` or `E2 95 xx`; a border has no text.
        Some(0xE2) => {
            t.len() >= 9
                && t.chunks(3)
                    .all(|c| c.len() == 3 && c[0] == 0xE2 && matches!(c[1], 0x94 | 0x95))
        }
        _ => false,
    }
}

/// Whether (trimmed) `t` is a grid table's row: it starts with `|`, or holds a `│` or `║`
/// (a table drawn without side borders, as the `html2text` crate draws one, has its first
/// cell's text at the start of the row: `Ferry  │Sport`).
fn grid_row(t: &[u8]) -> bool {
    t.first() == Some(&b'|') || box_separator(t).is_some()
}

/// Where the first `│` or `║` of `t` is.
fn box_separator(t: &[u8]) -> Option<usize> {
    // Both are `E2 94 82` / `E2 95 91`: a `0xE2` search, then two bytes compared.
    memchr::memchr_iter(0xE2, t)
        .find(|&k| matches!(t.get(k + 1..k + 3), Some([0x94, 0x82] | [0x95, 0x91])))
}

/// The end of the grid table whose top border is line `i`, if one starts there: border
/// and row lines, at least one row, ending with a border. Debian's `html2text` draws a
/// table as a line of `_` over `|` rows, each row's last line underlined (`|__Sport__|`):
/// such a table ends with its last row, and its top line is as wide as the row under it
/// (a Markdown rule, `___`, over a pipe table is no table's border). `Err(k)`: none starts
/// at any line before `k` either (a run of borders with no row, read once, not from each).
fn grid_table(page: &Page<'_>, i: usize) -> Result<usize, usize> {
    grid_table_before(page, i, page.len())
}

/// [`grid_table`], reading no line from `limit` on. Inlined: [`blocks`] asks at every block
/// start, and a call costs more than the first line's check that answers most of them.
#[inline(always)]
fn grid_table_before(page: &Page<'_>, i: usize, limit: usize) -> Result<usize, usize> {
    let top = page.trimmed(i);
    if !grid_border(top) {
        return Err(i + 1);
    }
    let (mut end, mut rows) = (None, 0);
    let mut k = i + 1;
    if top[0] == b'_' {
        let row = if k < limit { page.trimmed(k) } else { &[] };
        let wide = memchr::memrchr(b'|', row).is_some_and(|last| last <= top.len() + 2);
        if !grid_row(row) || !wide {
            return Err(i + 1);
        }
        while k < limit && grid_row(page.trimmed(k)) {
            k += 1;
        }
        return Ok(k);
    }
    while k < limit {
        let t = page.trimmed(k);
        if grid_border(t) {
            end = Some(k + 1);
        } else if grid_row(t) {
            rows += 1;
        } else {
            break;
        }
        k += 1;
    }
    match end {
        Some(end) if rows > 0 => Ok(end),
        // Only borders up to `k`: from any of them, the same.
        _ if rows == 0 => Err(k),
        _ => Err(i + 1),
    }
}

/// Whether block `block` of the page is a grid table (see [`blocks`]), not a block of
/// other lines that starts with a rule. Only the block's lines are read (a run of rules
/// split into many blocks is not read once per block).
pub(crate) fn is_grid_table(page: &Page<'_>, block: &Range<usize>) -> bool {
    block.len() > 2 && grid_table_before(page, block.start, block.end) == Ok(block.end)
}

/// A grid table's text as a reader reads it: column by column, each column's cells in
/// order, joined with spaces (a cell's text is wrapped over its rows).
pub(crate) fn grid_text<'p>(rows: impl Iterator<Item = &'p [u8]>) -> Vec<u8> {
    let mut columns: Vec<Vec<u8>> = Vec::new();
    for t in rows.filter(|t| grid_row(t)) {
        // Cells lie between separators; the text before the first is the first column's
        // (none in a table with side borders: that column is empty, and skipped).
        let mut cells = Vec::new();
        let (mut from, mut k) = (0, 0);
        while k < t.len() {
            let sep = match t[k] {
                b'|' => 1,
                0xE2 if t[k..].starts_with("│".as_bytes())
                    || t[k..].starts_with("║".as_bytes()) =>
                {
                    3
                }
                _ => 0,
            };
            if sep > 0 {
                cells.push(&t[from..k]);
                k += sep;
                from = k;
            } else {
                k += 1;
            }
        }
        cells.push(&t[from..]);
        for (k, cell) in cells.into_iter().enumerate() {
            // An underlined cell (`__Sport__`) is read without its underline.
            let cell = cell.trim_ascii().trim_matches_run(b'_');
            if k >= columns.len() {
                columns.resize(k + 1, Vec::new());
            }
            if !cell.is_empty() {
                if !columns[k].is_empty() {
                    columns[k].push(b' ');
                }
                columns[k].extend_from_slice(cell);
            }
        }
    }
    let mut out = Vec::new();
    for c in columns.iter().filter(|c| !c.is_empty()) {
        if !out.is_empty() {
            out.push(b' ');
        }
        out.extend_from_slice(c);
    }
    out
}

/// Where a byte, or either of two (`[`; `<` and `{`), occurs in a page, for lines visited
/// in order: the next occurrence is sought again only once a line past it is asked about.
struct NextByte<'p> {
    bytes: &'p [u8],
    byte: u8,
    other: u8,
    /// The offset of the next `byte` at or after the last line asked about
    /// (`bytes.len()`: none).
    next: usize,
}

impl<'p> NextByte<'p> {
    /// The byte `byte`, or `other` (the same byte again for one); `any`: whether the page
    /// may hold one at all (when it is known not to, it is not sought).
    fn new(bytes: &'p [u8], byte: u8, other: u8, any: bool) -> Self {
        let next = match any {
            true => memchr::memchr2(byte, other, bytes).unwrap_or(bytes.len()),
            false => bytes.len(),
        };
        NextByte {
            bytes,
            byte,
            other,
            next,
        }
    }

    /// Whether bytes `r` (lines asked about in order) hold the byte.
    fn any_in(&mut self, r: Range<usize>) -> bool {
        if self.next < r.start {
            self.next = memchr::memchr2(self.byte, self.other, &self.bytes[r.start..])
                .map_or(self.bytes.len(), |k| r.start + k);
        }
        self.next < r.end
    }
}

/// How the text at a `<` reads as raw HTML (CommonMark's inline HTML: an open tag with
/// its attributes, a closing tag, a comment).
#[derive(Debug, PartialEq)]
enum Tag {
    /// A whole tag, this many bytes long.
    Whole(usize),
    /// The start of a tag that the text ends inside (its attributes go on after it).
    Cut,
    /// Not a tag (`a < b`, `<3`, `x<y.`).
    Not,
}

/// How `t` (starting with `<`) reads: see [`Tag`].
fn tag_at(t: &[u8]) -> Tag {
    if let Some(body) = t.strip_prefix(b"<!--") {
        return match memchr::memmem::find(body, b"-->") {
            Some(k) => Tag::Whole(4 + k + 3),
            None => Tag::Cut,
        };
    }
    let closing = t.get(1) == Some(&b'/');
    let mut i = 1 + usize::from(closing);
    if !t.get(i).is_some_and(u8::is_ascii_alphabetic) {
        return Tag::Not;
    }
    while t
        .get(i)
        .is_some_and(|&c| c.is_ascii_alphanumeric() || c == b'-')
    {
        i += 1;
    }
    loop {
        let ws = white(&t[i..]);
        i += ws;
        match t.get(i) {
            None => return Tag::Cut,
            Some(b'>') => return Tag::Whole(i + 1),
            Some(b'/') if !closing => {
                return match t.get(i + 1) {
                    Some(b'>') => Tag::Whole(i + 2),
                    None => Tag::Cut,
                    _ => Tag::Not,
                }
            }
            Some(&c)
                if !closing && ws > 0 && (c.is_ascii_alphabetic() || c == b'_' || c == b':') =>
            {
                // An attribute: its name, then perhaps `=` and a value.
                while t.get(i).is_some_and(|&c| {
                    c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b':' | b'-')
                }) {
                    i += 1;
                }
                let mut j = i + white(&t[i..]);
                if t.get(j) != Some(&b'=') {
                    continue;
                }
                j += 1;
                j += white(&t[j..]);
                match t.get(j) {
                    None => return Tag::Cut,
                    Some(&q @ (b'"' | b'\'')) => match memchr::memchr(q, &t[j + 1..]) {
                        Some(k) => i = j + 1 + k + 1,
                        None => return Tag::Cut,
                    },
                    Some(c) if !c.is_ascii_whitespace() && !b"\"'=<>`".contains(c) => {
                        i = j;
                        while t
                            .get(i)
                            .is_some_and(|c| !c.is_ascii_whitespace() && !b"\"'=<>`".contains(c))
                        {
                            i += 1;
                        }
                    }
                    _ => return Tag::Not,
                }
            }
            _ => return Tag::Not,
        }
    }
}

/// How the markup at `t` (starting with `<` or `{`) reads: a raw HTML tag or pandoc
/// attributes (see [`attributes_at`]).
fn markup_at(t: &[u8]) -> Tag {
    if t[0] == b'<' {
        tag_at(t)
    } else {
        attributes_at(t)
    }
}

/// Where in `t` a raw HTML tag or a set of attributes starts that `t` does not close.
fn cut_tag(t: &[u8]) -> Option<usize> {
    let mut i = 0;
    while let Some(k) = memchr::memchr2(b'<', b'{', &t[i..]) {
        let at = i + k;
        match markup_at(&t[at..]) {
            Tag::Whole(n) => i = at + n,
            Tag::Cut => return Some(at),
            Tag::Not => i = at + 1,
        }
    }
    None
}

/// The longest raw HTML tag or set of attributes read over several lines.
const MAX_TAG_BYTES: usize = 4096;

/// The text of a raw HTML tag still open after line `t` (trimmed), given the tag open
/// before it (its text so far), if any.
fn tag_goes_on(cut: Option<Vec<u8>>, t: &[u8]) -> Option<Vec<u8>> {
    let Some(mut tag) = cut else {
        return cut_tag(t).map(|k| t[k..].to_vec());
    };
    // A tag this long is no tag a converter wrapped (a stray `<!--` or `<a href="`): it
    // holds no more lines, and each line is not read again with all those before it.
    if tag.len() + t.len() > MAX_TAG_BYTES {
        return None;
    }
    tag.push(b' ');
    tag.extend_from_slice(t);
    match markup_at(&tag) {
        Tag::Whole(n) => cut_tag(&tag[n..]).map(|k| tag[n + k..].to_vec()),
        Tag::Cut => Some(tag),
        Tag::Not => None,
    }
}

/// `t` (a block's trimmed text) without the markup a reader of the rendered page never
/// sees: raw HTML (tags and comments), and pandoc Markdown's attributes (`{#id .class
/// key="value"}`, `{=html}`) and fenced-div marks (`::: {.note}`, `::: sidebar`, `:::`).
/// Borrowed when it holds none.
pub(crate) fn without_markup(t: &[u8]) -> Cow<'_, [u8]> {
    let mut out = Vec::new();
    let (mut from, mut i) = (0, 0);
    // Fenced-div marks open the text (a block's lines joined: one or more marks).
    while t[i..].starts_with(b":::") {
        i += t[i..].iter().take_while(|&&c| c == b':').count();
        i += white(&t[i..]);
        let rest = &t[i..];
        let n = match rest.first() {
            Some(b'{') => match attributes_at(rest) {
                Tag::Whole(n) => n,
                _ => 0,
            },
            Some(c) if c.is_ascii_alphabetic() => rest
                .iter()
                .take_while(|&&c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_'))
                .count(),
            _ => 0,
        };
        i += n;
        i += t[i..].iter().take_while(|&&c| c == b':').count();
        i += white(&t[i..]);
        from = i;
    }
    // A comment that does not close before the end of `t` means none after it does
    // either: not searched for again (a line of `<!--` is read in linear time).
    let mut comments_close = true;
    let mut open_floor = 0;
    while let Some(k) = memchr::memchr2(b'<', b'{', &t[i..]) {
        let at = i + k;
        let comment = t[at..].starts_with(b"<!--");
        let tag = if comment && !comments_close {
            Tag::Cut
        } else {
            markup_at(&t[at..])
        };
        comments_close &= !(comment && tag == Tag::Cut);
        match tag {
            Tag::Whole(n) => {
                // Attributes right after a `]` close a bracketed span (`[text]{.class}`):
                // its brackets are syntax too.
                let span = t[at] == b'{' && at > from && t[at - 1] == b']';
                out.extend_from_slice(&t[from..at - usize::from(span)]);
                if span {
                    drop_open_bracket(&mut out, &mut open_floor);
                }
                out.push(b' ');
                from = at + n;
                i = from;
            }
            _ => i = at + 1,
        }
    }
    if from == 0 {
        return without_fences(Cow::Borrowed(t));
    }
    out.extend_from_slice(&t[from..]);
    without_fences(Cow::Owned(out.trim_ascii().to_vec()))
}

/// `t` without the fenced-div marks that close divs (`:::` alone between words): a block
/// that ends a div ends with one (`Log out :::`), and would end like a sentence.
fn without_fences(t: Cow<'_, [u8]>) -> Cow<'_, [u8]> {
    let fence = |w: &[u8]| w.len() >= 3 && w.iter().all(|&c| c == b':');
    let at_word = |i: usize| i == 0 || t[i - 1].is_ascii_whitespace();
    let mut colons = memchr::memchr_iter(b':', &t);
    let any = colons.any(|i| {
        at_word(i)
            && fence(
                t[i..]
                    .split(u8::is_ascii_whitespace)
                    .next()
                    .unwrap_or_default(),
            )
    });
    if !any {
        return t;
    }
    let mut out = Vec::with_capacity(t.len());
    for w in t.split(u8::is_ascii_whitespace) {
        if w.is_empty() || fence(w) {
            continue;
        }
        if !out.is_empty() {
            out.push(b' ');
        }
        out.extend_from_slice(w);
    }
    Cow::Owned(out)
}

/// Remove the `[` that opens the bracketed span whose `]` was just left out of `out`.
/// `out[..*floor]` holds no `[` left open (an earlier search found none there), and is not
/// searched again: a line of `]{.x}` without their `[` is read in linear time.
fn drop_open_bracket(out: &mut Vec<u8>, floor: &mut usize) {
    let mut depth = 0usize;
    let searched = out.len();
    for k in (*floor..out.len()).rev() {
        match out[k] {
            b']' => depth += 1,
            b'[' if depth == 0 => {
                out.remove(k);
                return;
            }
            b'[' => depth -= 1,
            _ => {}
        }
    }
    *floor = searched;
}

/// Where the `"` that closes a quoted value is in `t` (the text after the opening quote),
/// past quotes escaped with a backslash.
fn quoted_end(t: &[u8]) -> Option<usize> {
    let mut i = 0;
    loop {
        i += memchr::memchr2(b'"', b'\\', &t[i..])?;
        if t[i] == b'"' {
            return Some(i);
        }
        i += 2;
        if i >= t.len() {
            return None;
        }
    }
}

/// How `t` (starting with `{`) reads as pandoc Markdown attributes (`{#id .class k=v}`,
/// `{=html}`): a `{` followed by `#`, `.` or `=` and a letter, or by a `key=`, up to its
/// `}`.
fn attributes_at(t: &[u8]) -> Tag {
    let body = &t[1..];
    let Some(first) = body.first() else {
        return Tag::Not;
    };
    let start = match first {
        b'#' | b'.' | b'=' => body.get(1).is_some_and(u8::is_ascii_alphabetic),
        c if c.is_ascii_alphabetic() => {
            let key = body
                .iter()
                .take_while(|&&c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_'))
                .count();
            body.get(key) == Some(&b'=')
        }
        _ => false,
    };
    if !start {
        return Tag::Not;
    }
    // Up to the `}`; a quoted value may hold braces and escaped quotes
    // (`data="[{\"w\":160}]"`).
    let mut i = 0;
    while let Some(k) = memchr::memchr3(b'}', b'{', b'"', &body[i..]) {
        i += k;
        match body[i] {
            b'}' => return Tag::Whole(i + 2),
            b'{' => return Tag::Not,
            _ => match quoted_end(&body[i + 1..]) {
                Some(q) => i += q + 2,
                None => return Tag::Cut,
            },
        }
    }
    Tag::Cut
}

/// How much of a Markdown link is still open at the end of a line: `[` not yet closed by
/// `]`, and whether a link target (`](…`) waits for its `)`.
#[derive(Clone, Copy, Default, PartialEq)]
struct LinkOpen {
    brackets: usize,
    target: bool,
}

impl LinkOpen {
    fn is_open(self) -> bool {
        self != Self::default()
    }

    /// The state after line `t`, given the state at its start.
    fn after(mut self, t: &[u8]) -> Self {
        // Only the bytes that change the state are visited.
        let mut i = 0;
        loop {
            let rest = &t[i..];
            let next = if self.target {
                memchr::memchr(b')', rest)
            } else if self.brackets == 0 {
                memchr::memchr(b'[', rest)
            } else {
                memchr::memchr2(b'[', b']', rest)
            };
            let Some(k) = next else {
                return self;
            };
            i += k;
            match t[i] {
                b')' => self.target = false,
                b'[' => self.brackets += 1,
                _ => {
                    self.brackets -= 1;
                    if t.get(i + 1) == Some(&b'(') {
                        self.target = true;
                        i += 1;
                    }
                }
            }
            i += 1;
        }
    }
}

/// The columns `b` takes in a terminal: one a character, two an East Asian wide one (CJK
/// ideographs, kana, Hangul, fullwidth forms, most emoji), as `w3m` and `lynx` count when
/// they wrap, and as much as a reader reads in two Latin letters.
pub(crate) fn columns(b: &[u8]) -> usize {
    // Counted in byte-wide lanes, 255 bytes at a time (which the compiler vectorises),
    // with the largest byte beside the count.
    let (chars, top) = b.chunks(255).fold((0usize, 0u8), |(n, top), c| {
        let (k, t) = c.iter().fold((0u8, 0u8), |(k, t), &x| {
            (k + u8::from((x as i8) >= -0x40), t.max(x))
        });
        (n + usize::from(k), top.max(t))
    });
    // A wide character is three or four bytes, nearly always led by 0xE3 or above: text
    // without such a byte (Latin text with its curly quotes and dashes, led by 0xE2) is
    // read once. (Conjoining Hangul Jamo and CJK radicals, led by 0xE1 and 0xE2, count two
    // only in a text that has other wide characters.)
    if top < 0xE3 {
        return chars;
    }
    chars
        + (0..b.len())
            .filter(|&i| b[i] >= 0xE1 && is_wide(b[i], &b[i + 1..]))
            .count()
}

/// Whether the character led by `lead`, `rest` following it, is East Asian wide.
fn is_wide(lead: u8, rest: &[u8]) -> bool {
    let at = |k: usize| rest.get(k).copied().unwrap_or(0);
    match (lead, at(0)) {
        (0xE1, 0x84..=0x85) => true,                    // Hangul Jamo
        (0xE2, s) => s >= 0xBA,                         // CJK radicals, U+2E80..
        (0xE3..=0xE9, _) => true,                       // CJK symbols, kana, ideographs
        (0xEA, s) => s <= 0x92 || s >= 0xB0,            // Yi; Hangul syllables
        (0xEB..=0xEC, _) => true,                       // Hangul syllables
        (0xED, s) => s < 0x9E,                          // Hangul syllables
        (0xEF, 0xA4..=0xAB) => true,                    // CJK compatibility ideographs
        (0xEF, 0xBC) => true,                           // fullwidth forms
        (0xEF, 0xBD) => at(1) <= 0xA0,                  // fullwidth forms, ..U+FF60
        (0xEF, 0xBF) => (0xA0..=0xA6).contains(&at(1)), // fullwidth signs
        (0xF0, 0x9F) => at(1) >= 0x8C,                  // emoji, U+1F300..
        (0xF0, 0xA0..=0xBF) => true,                    // CJK extensions, U+20000..
        _ => false,
    }
}

/// The page's wrap width, or `None` for a page that is not hard-wrapped.
///
/// A greedy wrapper ends a line where the next word would not fit: a line of `here`
/// columns that goes on into a line starting with a word of `word` columns says the width
/// is from `here` to `here + word + 1` (a column of slack). The width is the one the most
/// such lines agree with, if enough of them do and few other lines run just past it (a
/// long URL or table row that no wrapper breaks). Only lines that go on count: on a page
/// of one paragraph a line, lines of one length (labels, dates, a menu) stand between
/// blank lines and say nothing, and the cleaned page, with fewer of them, would read
/// otherwise. One line past the others (a heading set with another margin) is outvoted.
fn wrap_width(page: &Page<'_>) -> Option<usize> {
    const LEN: usize = MAX_WIDTH + NEAR + 2;
    // Lines by width (of more than one word and without a link target, which no wrapper
    // breaks), for "just past the width"; and, as differences (`agree[x]` is the change
    // from `x - 1` to `x`), the lines that go on and agree with width `x`.
    let mut hist = [0usize; LEN];
    let mut agree = [0isize; LEN + 1];
    // Lines that go on (the lines that could be a wrapped paragraph's).
    let mut measured = 0usize;
    // Lines that stop mid-sentence and agree with some width.
    let mut agreeing = 0usize;
    let mut markup = NextByte::new(page.bytes(), b'<', b'{', page.has_markup());
    for i in 0..page.len() {
        if page.is_blank(i) {
            continue;
        }
        let content = page.content(i);
        // Too short to measure, at one byte a character.
        if content.len() < MEASURED {
            continue;
        }
        // A Markdown list item or table row with a link is printed whole by Markdown
        // converters (html2text leaves list items unwrapped), its URL making it long: it
        // says nothing about the width paragraphs wrap at.
        let t = page.trimmed(i);
        if starts_element(t) && link_close(t).is_some() {
            continue;
        }
        // Nor does a line that starts with a web address: a text browser's list of link
        // targets (`[12] https://…`, w3m's References), whose lines go on into the next.
        if starts_with_address(t) {
            continue;
        }
        // Nor does a line with markup: a pandoc fenced-div mark (`::: {.story}`), which
        // no writer wraps, pandoc's attributes or a raw HTML tag (`<` and `{` are rare in
        // prose), which run past the width.
        if t.starts_with(b":::") || markup.any_in(page.trimmed_range(i)) {
            continue;
        }
        let word = next_word(page, i);
        measured += usize::from(word.is_some());
        // Too long to be under any wrap width, even at four bytes a character.
        if content.len() > 4 * LEN {
            continue;
        }
        // A prefix of `LEN` bytes takes at most the columns of the line: a line of one
        // paragraph is seldom read whole.
        if content.len() > LEN && columns(&content[..LEN]) >= LEN {
            continue;
        }
        let here = columns(content);
        if !(MEASURED..LEN).contains(&here) {
            continue;
        }
        let link = link_close(t).is_some();
        if !link && !one_word(t) {
            hist[here] += 1;
        }
        // A line holding a link target may run past the width: it agrees with none.
        if let (Some(word), false) = (word, link) {
            let hi = (here + word + 1).min(2 * here).min(LEN - 1);
            if here <= hi {
                agree[here] += 1;
                agree[hi + 1] -= 1;
                // Lines of one sentence each that happen to be of a length say little.
                agreeing += usize::from(!ends_sentence(t));
            }
        }
    }
    // Too few lines that stop mid-sentence to agree on any width (most pages of one
    // paragraph a line).
    if agreeing < MIN_NEAR {
        return None;
    }
    // `hist` summed below each width: the lines just past `x` are
    // `sum[x + NEAR + 1] - sum[x + 1]`.
    let mut sum = [0usize; LEN + 1];
    for (x, h) in hist.iter().enumerate() {
        sum[x + 1] = sum[x] + h;
    }
    let mut best: Option<(usize, usize)> = None;
    let mut votes = 0isize;
    for (x, d) in agree.iter().enumerate().take(MAX_WIDTH + 1) {
        votes += d;
        if x < MIN_WIDTH || votes <= 0 {
            continue;
        }
        let votes = votes as usize;
        // Lines just past the width are rare on a wrapped page.
        let above = sum[x + NEAR + 1] - sum[x + 1];
        if above * 100 > votes * OVER_WIDTH_PERCENT * 3 {
            continue;
        }
        if best.is_none_or(|(_, b)| votes > b) {
            best = Some((x, votes));
        }
    }
    let (w, votes) = best?;
    (votes >= MIN_NEAR && votes * 100 >= measured * NEAR_PERCENT).then_some(w)
}

/// Line breaks a run of lines needs to be read as wrapped at a width of its own, on a page
/// that shows no wrap width (most pages of one paragraph a line may still hold a letter or
/// a transcript printed preformatted, an indented quote).
const LOCAL_BREAKS: usize = 2;
/// The share of a run's line breaks, in percent, that agree with its width (a line of a
/// page laid out in columns may run past it).
const LOCAL_AGREE_PERCENT: usize = 80;

/// Whether the lines of a run of consecutive lines (no blank line, no element after the
/// first) were wrapped at one width, remembered for the run (see [`LocalWrap::wraps`]).
#[derive(Default)]
struct LocalWrap {
    /// The run asked last, and the first of its lines that wraps on, if they do.
    run: Range<usize>,
    from: Option<usize>,
    /// Whether the page is laid out in columns (see [`laid_out_in_columns`]), asked once.
    columns: std::cell::OnceCell<bool>,
}

impl LocalWrap {
    /// Whether line `i` wraps on into line `i + 1` as one of a run of lines that agree
    /// on a width of their own (see [`local_wrap`]).
    fn wraps(&mut self, page: &Page<'_>, i: usize) -> bool {
        if !self.run.contains(&i) {
            // A blank line starts no run; nor does a line shorter than half the narrowest
            // width, at one byte a character (a heading over the text: the run is asked
            // from the next line).
            if page.is_blank(i) || page.content(i).len() * 2 < MIN_WIDTH {
                return false;
            }
            (self.run.end, self.from) = local_wrap(page, i);
            self.run.start = i;
            // On a page laid out in columns, consecutive lines hold pieces of several
            // columns: lines that seem to agree on a width are no surer a paragraph than
            // those that do not.
            if self.from.is_some() && *self.columns.get_or_init(|| laid_out_in_columns(page)) {
                self.from = None;
            }
        }
        self.from.is_some_and(|f| f <= i) && i + 1 < self.run.end
    }
}

/// The end of the run of lines from line `i` (consecutive, no blank line and no element
/// after the first), and the first of its lines if they were wrapped at one width:
/// `LOCAL_BREAKS` or more line breaks, `LOCAL_AGREE_PERCENT` of them agreeing with one
/// width as in [`wrap_width`] (the next line's first word would not fit), and two in three
/// going on in lower case (`the board` / `said`), which a list of headlines or names, each
/// capitalised, does not. A first line shorter than half that width (a heading over the
/// text) is left out.
fn local_wrap(page: &Page<'_>, i: usize) -> (usize, Option<usize>) {
    // The run and its breaks that go on in lower case first: most runs (a line alone, a
    // menu) end there, and their widths are not measured.
    let lower = |k: usize| usize::from(goes_on_in_lower_case(page.trimmed(k), page.trimmed(k + 1)));
    let (mut j, mut lowers) = (i, 0);
    while next_word(page, j).is_some() {
        lowers += lower(j);
        j += 1;
    }
    let end = j + 1;
    if j - i < LOCAL_BREAKS || lowers * 3 < (j - i) * 2 {
        return (end, None);
    }
    // `agree[x]` is the change from `x - 1` to `x` of the breaks agreeing with width `x`.
    let mut agree = [0i32; MAX_WIDTH + 2];
    let mut first = None;
    for k in i..j {
        let Some(word) = next_word(page, k) else {
            break;
        };
        let here = columns(page.content(k));
        let hi = (here + word + 1).min(2 * here).min(MAX_WIDTH);
        if here <= hi {
            agree[here] += 1;
            agree[hi + 1] -= 1;
        }
        first.get_or_insert((here, hi));
    }
    let width = |agree: &[i32]| {
        let (mut votes, mut most, mut width) = (0i32, 0, 0);
        for (x, d) in agree[..=MAX_WIDTH].iter().enumerate() {
            votes += d;
            if x >= MIN_WIDTH && votes.max(0) as usize > most {
                (most, width) = (votes as usize, x);
            }
        }
        (most, width)
    };
    let wrapped = |from: usize, (most, width): (usize, usize), lowers: usize| {
        let breaks = j - from;
        breaks >= LOCAL_BREAKS
            && most * 100 >= breaks * LOCAL_AGREE_PERCENT
            && lowers * 3 >= breaks * 2
            && columns(page.content(from)) * 2 >= width
    };
    let votes = width(&agree);
    if wrapped(i, votes, lowers) {
        return (end, Some(i));
    }
    // Without a short first line.
    let (here, hi) = first.unwrap_or_default();
    if here * 2 >= votes.1 {
        return (end, None);
    }
    if here <= hi {
        agree[here] -= 1;
        agree[hi + 1] += 1;
    }
    (
        end,
        wrapped(i + 1, width(&agree), lowers - lower(i)).then_some(i + 1),
    )
}

/// Lines with a gap between columns that a page laid out in columns has.
const GAP_LINES: usize = 5;

/// Whether the page was laid out in columns (a table layout printed by a text browser):
/// `GAP_LINES` or more lines hold a gap of two or more spaces between two words (`the
/// heart of  Archives`), not after a sentence's end, which no paragraph has.
fn laid_out_in_columns(page: &Page<'_>) -> bool {
    (0..page.len())
        .filter(|&i| {
            let t = page.trimmed(i);
            memchr::memmem::find_iter(t, b"  ").any(|g| {
                g > 0
                    && (t[g - 1].is_ascii_alphanumeric() || t[g - 1] == b',')
                    && t[g..]
                        .iter()
                        .find(|&&b| b != b' ')
                        .is_some_and(u8::is_ascii_alphabetic)
            })
        })
        .nth(GAP_LINES - 1)
        .is_some()
}

/// The column a Markdown list item's text starts at (`  * Text`: 4), if line `content`
/// starts one.
fn item_column(content: &[u8]) -> Option<usize> {
    let lead = spaces(content);
    let t = &content[lead..];
    let marker = match *t.first()? {
        b'*' | b'-' | b'+' if t.get(1) == Some(&b' ') => 1,
        b'0'..=b'9' => {
            let digits = t.iter().take_while(|c| c.is_ascii_digit()).count();
            (digits <= 3 && matches!(t.get(digits), Some(b'.' | b')'))).then_some(digits + 1)?
        }
        // A converter's bullets (`•`) are not Markdown's: under them w3m and lynx print
        // the item's other parts (an embed code under `• Embed`), which are not its text.
        _ => return None,
    };
    let gap = spaces(&t[marker..]);
    // A marker alone, or one not followed by a space, starts no item text.
    (gap > 0 && marker + gap < t.len()).then_some(lead + marker + gap)
}

/// The spaces `b` starts with.
fn spaces(b: &[u8]) -> usize {
    b.iter().take_while(|&&b| b == b' ').count()
}

/// How many bytes of ASCII white space `b` starts with (a tag's attributes may run over
/// line breaks, which a block's joined text holds).
fn white(b: &[u8]) -> usize {
    b.iter().take_while(|c| c.is_ascii_whitespace()).count()
}

/// Whether line `i` is indented under a list item's text at `column`: not blank, indented
/// at least as far, and no element of its own.
fn under_item(page: &Page<'_>, i: usize, column: usize) -> bool {
    let content = page.content(i);
    !page.is_blank(i) && spaces(content) >= column && !starts_element(page.trimmed(i))
}

/// Whether trimmed line `t` is one word, after a list marker if it starts an element (a
/// URL, its tail, a numbered reference): a wrapper had no space to break it at, so it may
/// run past any width.
fn one_word(t: &[u8]) -> bool {
    let mut words = t.split(u8::is_ascii_whitespace).filter(|w| !w.is_empty());
    let (_, second, third) = (words.next(), words.next(), words.next());
    second.is_none() || (third.is_none() && starts_element(t))
}

/// Whether `t` starts with a web address (`scheme://`), after a link number (`[12] `,
/// `12. `) if any.
fn starts_with_address(t: &[u8]) -> bool {
    // Most lines start with a word and hold no `:` near their start.
    let Some(colon) = memchr::memchr(b':', &t[..t.len().min(32)]) else {
        return false;
    };
    if !t[colon + 1..].starts_with(b"//") {
        return false;
    }
    let digits = |t: &[u8]| t.iter().take_while(|b| b.is_ascii_digit()).count();
    let rest = match t.first() {
        Some(b'[') => match digits(&t[1..]) {
            n @ 1.. if t.get(n + 1) == Some(&b']') => &t[n + 2..],
            _ => t,
        },
        Some(b'0'..=b'9') => match digits(t) {
            n if t.get(n) == Some(&b'.') => &t[n + 1..],
            _ => t,
        },
        _ => t,
    };
    let rest = rest.trim_ascii_start();
    let scheme = rest
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'.' | b'-'))
        .count();
    scheme > 0 && rest[scheme..].starts_with(b"://")
}

/// Whether line `i` (non-blank) wraps on into line `i + 1`.
fn continues(page: &Page<'_>, i: usize, width: usize) -> bool {
    if page.is_blank(i) {
        return false;
    }
    let Some(word) = next_word(page, i) else {
        return false;
    };
    let here = columns(page.content(i));
    // A wrapper moves a word to the next line when it does not fit after this one (with
    // the column of slack the width was inferred with).
    if here * 2 >= width && here + 1 + word + 1 > width {
        return true;
    }
    // A sentence that goes on in lower case: a wrapped line that an earlier cleaning made
    // shorter (a link's target stripped), so the output, cleaned again, has the blocks
    // its input had.
    goes_on_in_lower_case(page.trimmed(i), page.trimmed(i + 1))
}

/// Whether line `i` is a sentence's part that a converter broke off at an inline element
/// (a link, an emphasis) by printing every piece of text on a line of its own
/// (BeautifulSoup's `get_text("\n")`: `Skipping meals leads to` / `cravings` / `, and…`):
/// line `i + 1` goes on with the punctuation after the element (`, and`, `).`), or line
/// `i` opens a bracket (`a higher risk (` / `2` / `).`). Going on in lower case is not
/// enough: so does a line of a paragraph wrapped at a width the page did not show.
fn broken_sentence(page: &Page<'_>, i: usize, pieces: &std::cell::OnceCell<bool>) -> bool {
    if i + 1 >= page.len() {
        return false;
    }
    let (here, next) = (page.trimmed(i), page.trimmed(i + 1));
    // On a page printed a text node a line (see [`text_nodes_a_line`]), a line that goes
    // on in lower case is the rest of the sentence too: `I ended up getting` / `this`.
    if goes_on_in_lower_case(here, next) && *pieces.get_or_init(|| text_nodes_a_line(page)) {
        return next_word(page, i).is_some();
    }
    let goes_on = match here.last() {
        None | Some(b'.' | b'!' | b'?' | b':' | b';' | b'"') => false,
        Some(b'(' | b'[') => true,
        // The punctuation that follows an element ends it or goes on: `, and`, `).`.
        Some(_) => after_element(next, b",.;:)]"),
    };
    // Asked last: whether the next line could go on at all (not blank, no element).
    goes_on && next_word(page, i).is_some()
}

/// Lines that start with the punctuation after an inline element (`, and…`, `. But…`)
/// that a page needs to be read as printed a text node a line.
const PIECE_LINES: usize = 5;

/// Whether the page was printed a text node a line (BeautifulSoup's `get_text("\n")`):
/// `PIECE_LINES` or more lines start with the punctuation that followed a link or an
/// emphasis (`, and`, `. But`, `).`), which no wrapper and no writer of paragraphs
/// prints.
fn text_nodes_a_line(page: &Page<'_>) -> bool {
    (0..page.len())
        .filter(|&i| after_element(page.trimmed(i), b",.;:)"))
        .nth(PIECE_LINES - 1)
        .is_some()
}

/// Whether (trimmed) `t` starts with one of `marks`, the punctuation after an inline
/// element, followed by a space, another mark or nothing (`, and`, `).`).
fn after_element(t: &[u8], marks: &[u8]) -> bool {
    match t {
        [p, rest @ ..] if marks.contains(p) => {
            rest.first().is_none_or(|b| *b == b' ' || marks.contains(b))
        }
        _ => false,
    }
}

/// Whether trimmed text `t` ends like a sentence (or a quote or bracket after one).
fn ends_sentence(t: &[u8]) -> bool {
    matches!(
        t.last(),
        Some(b'.' | b'!' | b'?' | b':' | b';' | b'"' | b')' | b']')
    )
}

/// Whether text ending in `here` (trimmed) stops mid-sentence and `next` (trimmed) goes
/// on with it in lower case.
pub(crate) fn goes_on_in_lower_case(here: &[u8], next: &[u8]) -> bool {
    next.first().is_some_and(u8::is_ascii_lowercase) && !ends_sentence(here)
}

/// The columns of the first word of line `i + 1`, if that line can go on from line `i`:
/// it is not blank and starts no element of its own (a quote goes on under the same marks,
/// `> `, `> > `).
fn next_word(page: &Page<'_>, i: usize) -> Option<usize> {
    if i + 1 >= page.len() || page.is_blank(i + 1) {
        return None;
    }
    let mut next = page.trimmed(i + 1);
    let quote = |t: &[u8]| {
        let len = t.iter().take_while(|&&b| b == b'>' || b == b' ').count();
        (len, t[..len].iter().filter(|&&b| b == b'>').count())
    };
    if next.first() == Some(&b'>') {
        let (len, depth) = quote(next);
        if quote(page.trimmed(i)).1 != depth {
            return None;
        }
        next = &next[len..];
        if next.is_empty() {
            return None;
        }
    }
    if starts_element(next) {
        return None;
    }
    let first_word = next
        .iter()
        .position(|b| b.is_ascii_whitespace())
        .map_or(next, |p| &next[..p]);
    Some(columns(first_word))
}

/// Bullets a converter prints: •, ●, ○, ▪, ◦, ·, ►, ▸, □, ☆.
pub(crate) const BULLETS: [&str; 10] = ["•", "●", "○", "▪", "◦", "·", "►", "▸", "□", "☆"];

/// Whether a (trimmed) line starts an element of its own: a list item, a heading, a
/// quote, a table row, a rule or an image.
pub(crate) fn starts_element(t: &[u8]) -> bool {
    let Some(&b) = t.first() else {
        return false;
    };
    let second = t.get(1).copied();
    match b {
        b'#' | b'>' | b'|' => true,
        // `* item`, `- item`, a rule (`* * *`, `---`); not `**bold**` starting a line.
        b'*' | b'-' | b'+' => match second {
            None | Some(b' ') => true,
            Some(b'*' | b'-') => t.iter().all(|c| matches!(c, b'*' | b'-' | b'_' | b' ')),
            _ => false,
        },
        b'!' => second == Some(b'['),
        b'0'..=b'9' => {
            let digits = t.iter().take_while(|c| c.is_ascii_digit()).count();
            digits <= 3
                && matches!(t.get(digits), Some(b'.' | b')'))
                && t.get(digits + 1) == Some(&b' ')
        }
        // Every bullet is a multi-byte character.
        0x80.. => BULLETS.iter().any(|m| t.starts_with(m.as_bytes())),
        _ => false,
    }
}

/// A block's text as a reader sees it, and how much of it is link text.
pub(crate) struct Visible<'a> {
    /// The text without Markdown syntax (or the input itself when it has none).
    pub(crate) text: Cow<'a, [u8]>,
    /// Bytes of `text` that were inside Markdown links.
    pub(crate) link_bytes: usize,
    /// Markdown links in the block (not counting images).
    pub(crate) links: usize,
    /// Markdown images in the block.
    pub(crate) images: usize,
}

/// Where the first `](` of `t` is (a Markdown link's text meeting its target). A `]`
/// search and one byte compared: `memmem::find` builds a searcher on every call.
fn link_close(t: &[u8]) -> Option<usize> {
    memchr::memchr_iter(b']', t).find(|&i| t.get(i + 1) == Some(&b'('))
}

/// Read `t` (a block's trimmed text) as a reader sees it: `[text](url)` is `text`,
/// `![alt](src)` is nothing, a leading list marker, heading mark or quote mark is dropped,
/// and `*`/`_` emphasis at the ends is ignored.
pub(crate) fn visible(t: &[u8]) -> Visible<'_> {
    visible_in(t, 0)
}

/// How deep [`visible`] reads links inside links' text: a linked picture is one level; a
/// line of brackets nested thousands deep is not read level by level.
const MAX_LINK_NESTING: usize = 2;

/// [`visible`] of a link's text `nesting` links deep.
fn visible_in(t: &[u8], nesting: usize) -> Visible<'_> {
    if let Some(v) = visible_bracketed(t) {
        return v;
    }
    let mut v = Visible {
        text: Cow::Borrowed(t),
        link_bytes: 0,
        links: 0,
        images: 0,
    };
    if !has_link_syntax(t) {
        v.text = Cow::Borrowed(strip_marks(t));
        (v.links, v.link_bytes) = underscored_links(&v.text);
        return v;
    }
    let mut out = Vec::with_capacity(t.len());
    let closes = Closes::new(t);
    let mut i = 0;
    // The end of a link opened before this block (`[` over a teaser's lines, then
    // `… text](url "title")`, or a line an earlier rule removed held the `[`): its text is
    // link text, its target syntax.
    if let Some(close) = link_close(t) {
        if memchr::memchr(b'[', &t[..close]).is_none() {
            if let Some(end) = closes.paren(close + 1) {
                let text = trim_ascii(&t[..close]);
                v.links += 1;
                v.link_bytes += text.len();
                out.extend_from_slice(text);
                i = end;
            }
        }
    }
    while i < t.len() {
        let image = t[i] == b'!' && t.get(i + 1) == Some(&b'[');
        if t[i] == b'[' || image {
            let open = if image { i + 1 } else { i };
            if let Some((text, end)) = link_at(t, open, &closes) {
                if image {
                    v.images += 1;
                } else {
                    // A link's text may hold an image (a linked picture): read it too.
                    let inner = if nesting < MAX_LINK_NESTING {
                        visible_in(text, nesting + 1)
                    } else {
                        Visible {
                            text: Cow::Borrowed(strip_marks(text)),
                            link_bytes: 0,
                            links: 0,
                            images: 0,
                        }
                    };
                    v.images += inner.images;
                    v.links += 1;
                    let inner = trim_ascii(&inner.text);
                    v.link_bytes += inner.len();
                    out.extend_from_slice(inner);
                }
                i = end;
                continue;
            }
        }
        out.push(t[i]);
        i += 1;
    }
    v.text = Cow::Owned(strip_marks(&out).to_vec());
    v
}

/// The links of `t` printed as their words joined by `_` (`Council_passes_budget`), and
/// their bytes: the Debian `html2text` underlines a link's text so, at its defaults. A
/// run counts when `_` joins two words in it (each `_` between two letters or digits)
/// and it is not an address (no `/`, `@` or `.` followed by a letter): a `snake_case`
/// name in a sentence is a few bytes of it, a line of such runs is a link list.
fn underscored_links(t: &[u8]) -> (usize, usize) {
    let mut links = 0;
    let mut bytes = 0;
    // Only the runs that hold a `_` are read, each once.
    let mut end = 0;
    for at in memchr::memchr_iter(b'_', t) {
        if at < end {
            continue;
        }
        let start = t[..at]
            .iter()
            .rposition(u8::is_ascii_whitespace)
            .map_or(0, |k| k + 1);
        end = t[at..]
            .iter()
            .position(u8::is_ascii_whitespace)
            .map_or(t.len(), |k| at + k);
        let run = &t[start..end];
        let joined = run
            .windows(3)
            .any(|w| w[1] == b'_' && word_byte(w[0]) && word_byte(w[2]));
        let address = run.iter().any(|&b| b == b'/' || b == b'@')
            || run
                .windows(2)
                .any(|w| w[0] == b'.' && w[1].is_ascii_alphabetic());
        if joined && !address {
            links += 1;
            bytes += run.len();
        }
    }
    (links, bytes)
}

/// A byte of a word: an ASCII letter or digit, or a byte of a multi-byte character.
fn word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b >= 0x80
}

/// How many words of text before a bracketed address are read as its link's text: a menu
/// item or a teaser title, not a sentence with a link in it.
const BRACKETED_LINK_WORDS: usize = 6;

/// `t` read as a reader sees it when it holds addresses in brackets after a link's text,
/// as html-to-text (npm) prints links (`Contact Us [https://…]Careers [/careers]`), or
/// `None` when it holds none. The addresses are not text; the text since the last one is
/// the link's when it is a few words (`BRACKETED_LINK_WORDS`), an image's when there is
/// none (`[https://…/photo.jpg]` alone).
fn visible_bracketed(t: &[u8]) -> Option<Visible<'_>> {
    let mut at = memchr::memchr_iter(b'[', t).filter_map(|i| bracketed_url(t, i).map(|e| (i, e)));
    let first = at.next()?;
    let mut v = Visible {
        text: Cow::Borrowed(t),
        link_bytes: 0,
        links: 0,
        images: 0,
    };
    let mut out = Vec::with_capacity(t.len());
    let mut from = 0;
    for (open, end) in std::iter::once(first).chain(at) {
        let text = trim_ascii(&t[from..open]);
        let words = text
            .split(u8::is_ascii_whitespace)
            .filter(|w| !w.is_empty())
            .count();
        if words == 0 {
            v.images += 1;
        } else if words <= BRACKETED_LINK_WORDS {
            v.links += 1;
            v.link_bytes += text.len();
        }
        out.extend_from_slice(&t[from..open]);
        from = end;
    }
    out.extend_from_slice(&t[from..]);
    v.text = Cow::Owned(strip_marks(&out).to_vec());
    Some(v)
}

/// The end (one past `]`) of an address in brackets whose `[` is at `open`: a web address,
/// a site path (or `//host/…`), a data URI or a mail or phone link, with no space or
/// bracket in it (so each search ends by the next `[`), and no Markdown target after it.
fn bracketed_url(t: &[u8], open: usize) -> Option<usize> {
    let rest = &t[open + 1..];
    const STARTS: [&[u8]; 7] = [
        b"http://",
        b"https://",
        b"/",
        b"mailto:",
        b"tel:",
        b"data:",
        b"ftp://",
    ];
    STARTS.iter().find(|s| rest.starts_with(s))?;
    let stop = |b: u8| matches!(b, b']' | b'[' | b'\\') || b.is_ascii_whitespace();
    let mut len = rest.iter().position(|&b| stop(b))?;
    // A wrapped block is read joined by spaces: an address the wrapper broke (lynx puts a
    // long one's tail, or its `]`, on the next line) has one space in it, then no other.
    if rest[len] == b' ' {
        let tail = len + 1;
        len = tail + rest[tail..].iter().position(|&b| stop(b))?;
    }
    let end = open + len + 2;
    // `[https://…](https://…)` is a Markdown link whose text is its address, and
    // `\[https://…\]` Markdown's escaped brackets around an address in text.
    (rest[len] == b']' && t.get(end) != Some(&b'(')).then_some(end)
}

/// The link text and the end (one past `)`) of a Markdown link whose `[` is at `open`.
fn link_at<'t>(t: &'t [u8], open: usize, closes: &Closes) -> Option<(&'t [u8], usize)> {
    // The text may hold brackets of its own (an image inside a link): they are matched.
    let close = closes.bracket(open)?;
    let text = &t[open + 1..close];
    let end = match t.get(close + 1) {
        Some(b'(') => closes.paren(close + 1),
        // A number is no link text: `[1][2]` are two footnote marks.
        Some(b'[') if text.is_empty() || !text.iter().all(u8::is_ascii_digit) => {
            ref_end(t, close + 1)
        }
        _ => None,
    };
    end.map(|end| (text, end))
}

/// Where each `[` and `(` of a text is closed: its matching `]` or `)`, brackets nested.
/// Found in one pass, so that a line of many links that never close (`[a](` a thousand
/// times) is read in linear time, not by a search to the line's end from each.
struct Closes {
    /// (opening, one past the closing) byte offsets, in order of the opening.
    brackets: Vec<(usize, usize)>,
    parens: Vec<(usize, usize)>,
}

impl Closes {
    fn new(t: &[u8]) -> Self {
        let pairs = |a: u8, b: u8| {
            let (mut open, mut out) = (Vec::new(), Vec::new());
            for i in memchr::memchr2_iter(a, b, t) {
                if t[i] == a {
                    open.push(i);
                } else if let Some(o) = open.pop() {
                    out.push((o, i));
                }
            }
            out.sort_unstable();
            out
        };
        Closes {
            brackets: pairs(b'[', b']'),
            parens: pairs(b'(', b')'),
        }
    }

    fn find(pairs: &[(usize, usize)], open: usize) -> Option<usize> {
        pairs
            .binary_search_by_key(&open, |p| p.0)
            .ok()
            .map(|k| pairs[k].1)
    }

    /// The `]` that closes the `[` at `open`.
    fn bracket(&self, open: usize) -> Option<usize> {
        Self::find(&self.brackets, open)
    }

    /// One past the `)` that closes the `(` at `open` (a link target: a wrapped URL holds
    /// white space where its lines were joined, so it is read to the `)`).
    fn paren(&self, open: usize) -> Option<usize> {
        Self::find(&self.parens, open).map(|c| c + 1)
    }
}

/// Whether `t` holds a Markdown link's `](` or a reference-style link's `][12]` (see
/// [`ref_end`]): one pass over its `]`s.
fn has_link_syntax(t: &[u8]) -> bool {
    memchr::memchr_iter(b']', t).any(|i| t.get(i + 1) == Some(&b'(') || ref_end(t, i + 1).is_some())
}

/// One past the `]` that closes a reference-style link's label whose `[` is at `open`:
/// `[text][12]` (html2text's `inline_links = False`), `[text][]` (a collapsed reference).
/// Only a number or nothing: `[16][IMG]` is a text browser's link number and image.
fn ref_end(t: &[u8], open: usize) -> Option<usize> {
    if t.get(open) != Some(&b'[') {
        return None;
    }
    let digits = t[open + 1..]
        .iter()
        .take(6)
        .take_while(|b| b.is_ascii_digit())
        .count();
    (digits <= 5 && t.get(open + 1 + digits) == Some(&b']')).then_some(open + digits + 2)
}

/// Drop a leading list marker, heading mark or quote mark, and emphasis marks at the end.
pub(crate) fn strip_marks(t: &[u8]) -> &[u8] {
    let mut t = trim_ascii(t);
    loop {
        let before = t.len();
        if let Some(rest) = t.strip_prefix(b"#") {
            t = rest.trim_ascii_start_matches(b'#');
        } else if let Some(rest) = t.strip_prefix(b">") {
            t = rest;
        } else if t.len() >= 2 && matches!(t[0], b'*' | b'-' | b'+') && t[1] == b' ' {
            t = &t[2..];
        }
        t = trim_ascii(t);
        if t.len() == before {
            break;
        }
    }
    while let Some((&b, rest)) = t.split_last() {
        if matches!(b, b'*' | b'_') {
            t = trim_ascii(rest);
        } else {
            break;
        }
    }
    while let Some((&b, rest)) = t.split_first() {
        if matches!(b, b'*' | b'_') {
            t = rest;
        } else {
            break;
        }
    }
    t
}

fn trim_ascii(t: &[u8]) -> &[u8] {
    t.trim_ascii()
}

trait TrimRun {
    fn trim_ascii_start_matches(&self, b: u8) -> &Self;
    /// Without the runs of `b` at both ends.
    fn trim_matches_run(&self, b: u8) -> &Self;
}

impl TrimRun for [u8] {
    fn trim_ascii_start_matches(&self, b: u8) -> &[u8] {
        let k = self.iter().take_while(|&&c| c == b).count();
        &self[k..]
    }

    fn trim_matches_run(&self, b: u8) -> &[u8] {
        let t = self.trim_ascii_start_matches(b);
        let k = t.iter().rev().take_while(|&&c| c == b).count();
        &t[..t.len() - k]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn para(words: usize, seed: usize) -> String {
        (0..words)
            .map(|k| ["river", "council", "a", "budget", "night", "vote"][(k + seed) % 6])
            .collect::<Vec<_>>()
            .join(" ")
            + "."
    }

    /// The first line of `page` that starts with `needle`.
    fn line_starting(page: &Page<'_>, needle: &str) -> usize {
        (0..page.len())
            .find(|&i| page.trimmed(i).starts_with(needle.as_bytes()))
            .unwrap()
    }

    /// Greedy wrap at `w` columns.
    fn wrap(text: &str, w: usize) -> String {
        let mut out = String::new();
        let mut line = String::new();
        for word in text.split(' ') {
            if !line.is_empty() && line.len() + 1 + word.len() > w {
                out.push_str(&line);
                out.push('\n');
                line.clear();
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        out + &line + "\n"
    }

    #[test]
    fn wrapped_paragraphs_are_one_block_each() {
        let text = format!(
            "{}\n{}\n  * Home\n  * News\n",
            wrap(&para(60, 0), 78),
            wrap(&para(45, 1), 78)
        );
        let page = Page::new(text.as_bytes());
        let b = blocks(&page);
        let lens: Vec<usize> = b.iter().map(|r| r.len()).collect();
        let first = wrap(&para(60, 0), 78).lines().count();
        let second = wrap(&para(45, 1), 78).lines().count();
        assert_eq!(lens, [first, 1, second, 1, 1, 1]);
    }

    /// A wrapped quote (`> ` on every line, as Markdown converters print one) is one block
    /// per quoted paragraph, not a block per line.
    #[test]
    fn a_wrapped_quote_is_one_block() {
        let quoted = |t: String| t.lines().map(|l| format!("> {l}\n")).collect::<String>();
        let text = format!(
            "{}\n{}>\n{}\n{}",
            wrap(&para(60, 0), 78),
            quoted(wrap(&para(40, 1), 76)),
            quoted(wrap(&para(30, 2), 76)),
            wrap(&para(45, 3), 78)
        );
        let page = Page::new(text.as_bytes());
        let lens: Vec<usize> = blocks(&page).iter().map(|r| r.len()).collect();
        let n = |w, s, width| wrap(&para(w, s), width).lines().count();
        assert_eq!(
            lens,
            [
                n(60, 0, 78),
                1,
                n(40, 1, 76),
                1,
                n(30, 2, 76),
                1,
                n(45, 3, 78)
            ]
        );
    }

    #[test]
    fn unwrapped_pages_have_a_block_per_line() {
        let text = format!("{}\n{}\nShort line\n", para(80, 0), para(90, 2));
        let page = Page::new(text.as_bytes());
        assert!(blocks(&page).iter().all(|r| r.len() == 1));
    }

    #[test]
    fn a_short_line_ends_its_paragraph() {
        // Lines of a menu column, all short: no wrap width, no joins.
        let text = "Home\nNews\nSport\nWeather\n".repeat(5);
        let page = Page::new(text.as_bytes());
        assert!(blocks(&page).iter().all(|r| r.len() == 1));
    }

    /// Found by the idempotence property: four 30-column lines made a "wrap width" of 31
    /// that joined lines the cleaned page, with fewer lines, no longer joined.
    #[test]
    fn a_few_lines_of_one_length_are_not_a_wrapped_page() {
        let text = "A caption that is long enough.\nMORE ABOUT\n".repeat(4);
        let page = Page::new(text.as_bytes());
        assert_eq!(wrap_width(&page), None);
        let text = format!("{}\n", wrap(&para(90, 3), 40)).repeat(2);
        assert!(wrap_width(&Page::new(text.as_bytes())).is_some());
    }

    /// html2text wraps paragraphs at 78 columns but prints list items whole: their long
    /// link lines are not "lines past the width" that would disprove the wrap.
    #[test]
    fn unwrapped_markdown_link_items_do_not_hide_the_wrap() {
        let menu: String = (0..40)
            .map(|k| format!("  * [Section {k}](https://example.com/news/sections/section-number-{k}/index-page-of-the-section)\n"))
            .collect();
        let text = format!(
            "{menu}\n{}\n{}",
            wrap(&para(60, 0), 78),
            wrap(&para(45, 1), 78)
        );
        let page = Page::new(text.as_bytes());
        assert!(wrap_width(&page).is_some_and(|w| (70..=78).contains(&w)));
        // The same items without links still count: past the cliff, they disprove it.
        let plain = menu.replace("](", " ").replace("[", "");
        let text = format!(
            "{plain}\n{}\n{}",
            wrap(&para(60, 0), 78),
            wrap(&para(45, 1), 78)
        );
        assert!(!wrap_width(&Page::new(text.as_bytes())).is_some_and(|w| (70..=78).contains(&w)));
    }

    /// A text browser's list of link targets (w3m's `References:`, `[12] https://…`), a
    /// target a line, goes on line after line: those lines say nothing of the width a
    /// short article above them was wrapped at.
    #[test]
    fn a_list_of_link_targets_does_not_hide_the_wrap() {
        let refs: String = (1..120)
            .map(|k| format!("[{k}] https://example.com/news/city/2024/03/story-{k}.html\n"))
            .collect();
        let text = format!(
            "{}\n{}\nReferences:\n\n{refs}",
            wrap(&para(45, 0), 80),
            wrap(&para(40, 1), 80)
        );
        let page = Page::new(text.as_bytes());
        assert!(wrap_width(&page).is_some_and(|w| (72..=80).contains(&w)));
        assert!(starts_with_address(b"[12] https://example.com/"));
        assert!(starts_with_address(b"12. ftp://example.com/"));
        assert!(!starts_with_address(
            b"See https://example.com/ for the timetable"
        ));
        assert!(!starts_with_address(b"[12]Home"));
    }

    /// html2text breaks a long link in its text or at a hyphen of its URL: the short lines
    /// that close it belong to the link's block, not blocks of their own (a URL tail alone
    /// would read as a long word of prose).
    #[test]
    fn a_broken_markdown_link_is_one_block() {
        let text = format!(
            "{}\n\n#### [Harbour board moves the morning ferry to ten past eight from\nMay](https://example.com/news/harbour-board-moves-the-morning-\nferry-\nto-ten-past-eight/index.html)\n\n[![Harbour at\ndawn](https://example.com/p.jpg)](https://example.com/a)\n\n{}",
            wrap(&para(60, 0), 78),
            wrap(&para(45, 1), 78)
        );
        let page = Page::new(text.as_bytes());
        assert!(wrap_width(&page).is_some());
        let line = |needle: &str| line_starting(&page, needle);
        let b = blocks(&page);
        let heading = b.iter().find(|r| r.start == line("#### ")).unwrap();
        assert_eq!(heading.end, line("to-ten-past") + 1);
        let image = b.iter().find(|r| r.start == line("[![Harbour")).unwrap();
        assert_eq!(image.end, line("dawn]") + 1);
        // Read as one, the heading is its link text.
        let joined: Vec<u8> = heading
            .clone()
            .flat_map(|i| [page.trimmed(i), b" "].concat())
            .collect();
        assert_eq!(
            &*visible(joined.trim_ascii()).text,
            b"Harbour board moves the morning ferry to ten past eight from May"
        );
        // A stray `](` does not swallow the page: the link is given up after a few lines.
        let stray = format!(
            "{}\nsee ](the list\n{}",
            wrap(&para(60, 0), 78),
            "Short\n".repeat(20)
        );
        let page = Page::new(stray.as_bytes());
        assert!(blocks(&page).iter().all(|r| r.len() <= MAX_LINK_LINES + 1));
    }

    /// A Markdown list item goes on in the lines indented under its text, wrapped page or
    /// not; a converter's own bullet does not (w3m prints an embed code under `• Embed`).
    #[test]
    fn list_items_take_the_lines_indented_under_them() {
        let text = "* Harbour board moves the ferry\n  Its summary, indented under the title.\n* Next item\n\n  • Embed\n    <iframe src=\"x\">\n";
        let page = Page::new(text.as_bytes());
        let b = blocks(&page);
        assert_eq!(b[0], 0..2);
        assert_eq!(b[1], 2..3);
        assert!(b.iter().skip(2).all(|r| r.len() == 1));
    }

    #[test]
    fn a_grid_table_is_one_block_read_by_columns() {
        let text = "Intro.\n+------------+---------+\n| The ferry  | Menu    |\n| leaves at  |         |\n| six.       | Sport   |\n+============+=========+\n| It is late | News    |\n+------------+---------+\nAfter.\n+--+\nNo rows.\n";
        let page = Page::new(text.as_bytes());
        let b = blocks(&page);
        assert_eq!(b[1], 1..8);
        assert!(is_grid_table(&page, &b[1]));
        assert_eq!(b[2..], [8..9, 9..10, 10..11]);
        let read = grid_text(b[1].clone().map(|i| page.trimmed(i)));
        assert_eq!(read, b"The ferry leaves at six. It is late Menu Sport News");
        let boxed = "┌──────┬─────┐\n│ One  │ Two │\n│ more │     │\n└──────┴─────┘\n";
        let page = Page::new(boxed.as_bytes());
        assert_eq!(blocks(&page).len(), 1);
        assert_eq!(blocks(&page)[0], 0..4);
        assert_eq!(grid_text((0..4).map(|i| page.trimmed(i))), b"One more Two");
        // The html2text crate draws a table without side borders: the first column's text
        // starts the row, and a row whose first cell is empty starts with `│`.
        let open = "─────┬──────────\nFerry│The ferry\nnews │leaves at six.\n     │It is late.\n─────┴──────────\n";
        let page = Page::new(open.as_bytes());
        let b = blocks(&page);
        assert_eq!((b.len(), b[0].clone()), (1, 0..5));
        assert!(is_grid_table(&page, &(0..5)));
        assert_eq!(
            grid_text((0..5).map(|i| page.trimmed(i))),
            b"Ferry news The ferry leaves at six. It is late."
        );
    }

    /// Debian's `html2text` draws a table as a line of `_` over `|` rows, and underlines
    /// each row's last line; text beside the table (a sidebar) is a column of its own.
    #[test]
    fn an_underscored_table_is_one_block_read_by_columns() {
        let text = "Intro.\n _______________________________\n|__Ferry_times___|___Sport______|\n|The ferry leaves|The match is  | Side\n|at six.         |on Sunday.    | bar\n|________________|______________|\nAfter.\n";
        let page = Page::new(text.as_bytes());
        let b = blocks(&page);
        assert_eq!(b[1], 1..6);
        assert!(is_grid_table(&page, &b[1]));
        assert_eq!(
            grid_text(b[1].clone().map(|i| page.trimmed(i))),
            b"Ferry_times The ferry leaves at six. Sport The match is on Sunday. Side bar"
        );
        // A Markdown rule over a pipe table is a rule: the table is read as its rows.
        let rule = "___\n| Ferry | Sport |\n| ----- | ----- |\n| six   | two   |\n";
        let page = Page::new(rule.as_bytes());
        assert!(blocks(&page).iter().all(|b| !is_grid_table(&page, b)));
    }

    #[test]
    fn a_block_that_starts_with_a_rule_is_no_grid_table() {
        // A full-width rule wraps on into the next line by its width, and a link's brackets
        // run on from there: such a block is read as its lines, not as a table's cells.
        let text = "──────────────────\nGolf Club [Details][2\n]\nWelcome to the club.\n";
        let page = Page::new(text.as_bytes());
        assert!(!is_grid_table(&page, &(0..4)));
        let table = "──────────────────\n│ Golf Club │ Bay │\n──────────────────\n";
        assert!(is_grid_table(&Page::new(table.as_bytes()), &(0..3)));
    }

    #[test]
    fn raw_html_tags_and_comments_are_read() {
        assert_eq!(tag_at(b"<div class=\"a b\" hidden>x"), Tag::Whole(24));
        assert_eq!(tag_at(b"</span >"), Tag::Whole(8));
        assert_eq!(tag_at(b"<br/>"), Tag::Whole(5));
        assert_eq!(tag_at(b"<!-- ad -->x"), Tag::Whole(11));
        assert_eq!(tag_at(b"<img src='a.png'"), Tag::Cut);
        assert_eq!(tag_at(b"<a href=\"https://example.com/a"), Tag::Cut);
        assert_eq!(tag_at(b"<!-- open"), Tag::Cut);
        for not in ["< b", "<3 ferries", "<b.", "</b c>", "<a href=>", "<"] {
            assert_eq!(tag_at(not.as_bytes()), Tag::Not, "{not}");
        }
    }

    #[test]
    fn pandoc_attributes_are_read() {
        assert_eq!(attributes_at(b"{#id .note key=\"v\"} x"), Tag::Whole(19));
        assert_eq!(attributes_at(b"{=html}"), Tag::Whole(7));
        assert_eq!(attributes_at(b"{data=\"[{\\\"w\\\":1}]\"}"), Tag::Whole(20));
        assert_eq!(attributes_at(b"{.logo width=\"400\""), Tag::Cut);
        for not in ["{1, 2}", "{name}", "{.5 kg}", "{ .a}", "{.a {b}}"] {
            assert_eq!(attributes_at(not.as_bytes()), Tag::Not, "{not}");
        }
    }

    #[test]
    fn markup_is_not_text() {
        let read = |t: &str| String::from_utf8(without_markup(t.as_bytes()).into_owned()).unwrap();
        assert_eq!(read("<div class=\"story\">"), "");
        assert_eq!(read("::: {#main .story}"), "");
        assert_eq!(read("::: sidebar ::: {.box data=\"{\\\"a\\\":1}\"}"), "");
        assert_eq!(
            read("The <b>ferry</b> leaves.<span class=\"x\"></span>"),
            "The  ferry  leaves."
        );
        assert_eq!(read("## Ferries {#ferries .h2}"), "## Ferries");
        assert_eq!(
            read("The set {1, 2} and a < b stay."),
            "The set {1, 2} and a < b stay."
        );
        assert!(matches!(without_markup(b"No markup."), Cow::Borrowed(_)));
        // A bracketed span's brackets are syntax; a closing div mark is no word.
        assert_eq!(
            read("[[Ferry fares [rise]]{.title}](/f) By [Ann]{.who} :::"),
            "[Ferry fares [rise] ](/f) By Ann"
        );
        assert_eq!(read("Log out ::: :::"), "Log out");
        assert_eq!(
            read("Time: 10:30 and a::b stay."),
            "Time: 10:30 and a::b stay."
        );
    }

    #[test]
    fn a_tag_is_not_read_over_more_than_its_bound() {
        let cut = tag_goes_on(None, b"Text <!-- a comment").unwrap();
        assert_eq!(cut, b"<!-- a comment");
        let cut = tag_goes_on(Some(cut), b"goes on -->");
        assert_eq!(cut, None, "closed");
        // A quote that never closes holds lines up to the bound, then none.
        let mut cut = tag_goes_on(None, b"<a href=\"https://example.com/");
        let (line, mut longest) = ([b'x'; 100], 0);
        while let Some(c) = cut {
            longest = longest.max(c.len());
            cut = tag_goes_on(Some(c), &line);
        }
        assert!(
            (MAX_TAG_BYTES - 101..=MAX_TAG_BYTES).contains(&longest),
            "{longest}"
        );
    }

    #[test]
    fn a_tag_broken_over_lines_is_one_block() {
        let text = "Short.\n<div class=\"story\"\nid=\"main\">\nText.\n![logo](a.png){.logo\nwidth=\"400\"}\nA < b\nstays.\n";
        let page = Page::new(text.as_bytes());
        assert_eq!(wrap_width(&page), None);
        let lens: Vec<usize> = blocks(&page).iter().map(|r| r.len()).collect();
        assert_eq!(lens, [1, 2, 1, 2, 1, 1]);
    }

    /// A link the converter broke at a line break of its text is one block on any page.
    #[test]
    fn a_broken_link_holds_its_lines_on_an_unwrapped_page() {
        let text = "Short.\nA [broken\nlink](https://example.com/b) goes.\nA [bracket\n\nstays.\n";
        let page = Page::new(text.as_bytes());
        assert_eq!(wrap_width(&page), None);
        let lens: Vec<usize> = blocks(&page).iter().map(|r| r.len()).collect();
        assert_eq!(lens, [1, 2, 1, 1, 1]);
    }

    /// A link around whole paragraphs (turndown's teaser card) holds its blank lines up to
    /// the `](` that closes it; a `[` that no `](` closes within a few lines does not.
    #[test]
    fn a_link_around_paragraphs_is_one_block() {
        let text = "Short.\n\n[\n\n![](a.jpg)\n\n**Fares rise**_In May._\n\n](/f \"Fares\")[\n\n**Next**\n\n](/n)\n\nAfter.\n\nA [bracket\n\nstays.\n";
        let page = Page::new(text.as_bytes());
        let lens: Vec<usize> = blocks(&page).iter().map(|r| r.len()).collect();
        assert_eq!(lens, [1, 1, 11, 1, 1, 1, 1, 1, 1]);
    }

    /// On a page printed a text node a line, a sentence broken at its links is one block,
    /// whether the next piece starts with punctuation or goes on in lower case; on a page
    /// without five such punctuation lines, lower case alone does not join.
    #[test]
    fn a_page_printed_a_text_node_a_line_reads_its_sentences_whole() {
        let pieces = "The ferry was late\nagain\n, and the board\nsaid so\n. Fares rise\n. Boats\n; in May\n) said\n, he wrote that\ntoday.\n";
        let page = Page::new(pieces.as_bytes());
        assert!(text_nodes_a_line(&page));
        assert_eq!(blocks(&page).len(), 1);
        let plain = "The ferry was late\nagain today.\n";
        let page = Page::new(plain.as_bytes());
        assert!(!text_nodes_a_line(&page));
        assert_eq!(blocks(&page), [0..1, 1..2]);
    }

    /// On a page of one paragraph a line, a run of lines that agree on a width of their
    /// own and go on in lower case is one block (a heading line over it is left out); a
    /// run of capitalised headlines is not, nor is a wrapped run on a page laid out in
    /// columns.
    #[test]
    fn a_run_wrapped_at_its_own_width_is_one_block() {
        let letter = wrap(&para(60, 0), 50);
        let n = letter.lines().count();
        assert!(n >= 5);
        // Lines just past that width: the page as a whole shows none.
        let past = "A note of about sixty columns, a sentence standing on its own.\n\n".repeat(3);
        let text = format!("{past}Letter\n{letter}\n");
        let page = Page::new(text.as_bytes());
        assert_eq!(wrap_width(&page), None);
        let lens: Vec<usize> = blocks(&page).iter().map(|r| r.len()).collect();
        assert_eq!(lens, [1, 1, 1, 1, 1, 1, 1, n, 1]);
        let headlines = "Ferry Fares Rise In May After A Year Of Losses\nBoard Meets The Council On Tuesday Night Again\nSchool Roof Fixed Before Winter Storms Arrive\n";
        let page = Page::new(headlines.as_bytes());
        assert_eq!(blocks(&page).len(), 3);
        let columns =
            format!("{past}{letter}\nHome  the\nNews  ferry\nSport  board\nJobs  said\nHelp  so\n");
        let page = Page::new(columns.as_bytes());
        assert!(laid_out_in_columns(&page));
        assert_eq!(blocks(&page).len(), page.len());
    }

    #[test]
    fn addresses_in_brackets_are_read_as_links() {
        // html-to-text's links: a menu of them is a link list, the addresses are no text.
        let v = visible(b"Contact Us [https://example.com/c]Careers [/careers] Help [//x.org/h]");
        assert_eq!(&*v.text, b"Contact Us Careers  Help");
        assert_eq!((v.links, v.images), (3, 0));
        assert_eq!(v.link_bytes, b"Contact UsCareersHelp".len());
        // In a sentence the words before the address are too many to be its link's.
        let v =
            visible(b"The council met on Monday and the mayor said so [https://example.com/a].");
        assert_eq!((v.links, v.link_bytes), (0, 0));
        assert_eq!(
            &*v.text,
            b"The council met on Monday and the mayor said so ."
        );
        // An address alone is an image's; a bracketed word, a Markdown link whose text is
        // its address, and escaped brackets are not addresses.
        assert_eq!(visible(b"[https://example.com/p.jpg]").images, 1);
        assert_eq!(&*visible(b"He said [sic] it.").text, b"He said [sic] it.");
        let md = visible(b"See [https://example.com](https://example.com) now.");
        assert_eq!(
            (md.links, &*md.text),
            (1, &b"See https://example.com now."[..])
        );
        assert_eq!(visible(br"An \[https://example.com\] note.").links, 0);
        // A wrapped block is read joined by spaces: an address lynx broke over two lines,
        // or whose `]` it moved to the next, is still an address, and the block no text.
        for joined in [
            &b"[12][https://example.com/images/harbour-wall-plan-final-version- two.jpg]"[..],
            b"[12][https://example.com/images/harbour-wall-plan.jpg ]",
        ] {
            let v = visible(joined);
            assert_eq!((&*v.text, v.links + v.images), (&b"[12]"[..], 1));
        }
        // Two spaces are no break of one address.
        assert_eq!(visible(b"[https://example.com/a b c]").images, 0);
    }

    #[test]
    fn words_joined_by_underscores_are_read_as_links() {
        // Debian's html2text prints a link's spaces as `_`: a menu of them is a link list.
        let v = visible(b"* Ferry_timetables Harbour_news Contact_us");
        assert_eq!((v.links, v.link_bytes), (3, v.text.len() - 2));
        assert!(link_list(&v));
        let v = visible(b"Storm_closes_the_coast_road_for_a_week");
        assert_eq!((v.links, v.link_bytes), (1, v.text.len()));
        // A sentence with a linked name in it, or a `snake_case` name, is not one.
        let v = visible(b"The mayor told the_Harbour_Gazette that the road would open on Monday.");
        assert_eq!((v.links, v.link_bytes), (1, b"the_Harbour_Gazette".len()));
        assert!(!link_list(&v));
        // Emphasis, an address, a mail address and a file name are no link.
        for t in [
            &b"It was _very_ cold and __wet__ all week."[..],
            b"See https://example.com/a_b and mail jo_ann@example.com today.",
            b"Open report_2024.pdf and www.my_site.org first.",
        ] {
            assert_eq!(visible(t).links, 0, "{}", String::from_utf8_lossy(t));
        }
    }

    /// Whether [`visible`] reads as a link list (the region's test, one that does not end
    /// like a sentence).
    fn link_list(v: &Visible<'_>) -> bool {
        v.link_bytes * 2 > v.text.len()
    }

    #[test]
    fn a_sentence_broken_at_inline_elements_is_one_block() {
        // Every piece of text on its own line: a link and a citation broke the sentence.
        let text =
            "Skipping meals leads to\ncravings\n, and a higher risk (\n4\n).\nA new one\nNext\n";
        let page = Page::new(text.as_bytes());
        assert!(wrap_width(&page).is_none());
        let b = blocks(&page);
        // `cravings` goes on in lower case, which a line of a wrapped paragraph does too:
        // that alone does not join; the comma after it and the bracket do.
        assert_eq!(b, vec![0..1, 1..5, 5..6, 6..7]);
    }

    /// Cleaning a wrapped page can shorten a line (a link target stripped): the line still
    /// goes on into a next line that continues its sentence in lower case, so the page,
    /// cleaned again, has the blocks it had. A line that ends a sentence does not.
    #[test]
    fn a_shortened_wrapped_line_goes_on_in_lower_case() {
        let body = format!("{}\n{}", wrap(&para(60, 0), 78), wrap(&para(45, 1), 78));
        let text = format!("{body}\nthe timetable for the\nwinter season before they book.\nIt ends here.\nthen a new one\n");
        let page = Page::new(text.as_bytes());
        assert!(wrap_width(&page).is_some());
        let line = |needle: &str| line_starting(&page, needle);
        let b = blocks(&page);
        let start = line("the timetable");
        assert!(b.contains(&(start..start + 2)));
        assert!(b.contains(&(line("then a new")..line("then a new") + 1)));
    }

    /// The width is the one most lines agree with: one line set with another margin (a
    /// heading printed wider) is outvoted.
    #[test]
    fn the_width_most_lines_agree_with_wins() {
        let wide = "Council votes on the budget for the harbour, the river and the night ferries";
        let text = format!(
            "{}\n{wide}\nand more.\n\n{}",
            wrap(&para(80, 0), 60),
            wrap(&para(80, 1), 60)
        );
        let page = Page::new(text.as_bytes());
        assert!(wrap_width(&page).is_some_and(|w| (55..=62).contains(&w)));
    }

    #[test]
    fn markdown_is_read_as_text() {
        let v = visible(b"* [Council passes budget](https://example.com/a/b)");
        assert_eq!(&*v.text, b"Council passes budget");
        assert_eq!((v.link_bytes, v.links), (v.text.len(), 1));
        let v = visible(b"![a photo](https://example.com/p.jpg)");
        assert_eq!((&*v.text, v.images), (&b""[..], 1));
        let v = visible(b"The [council](https://example.com/c) voted 7 to 2.");
        assert_eq!(&*v.text, b"The council voted 7 to 2.");
        assert_eq!(v.link_bytes, 7);
        let v = visible(b"[![pic](https://e.com/p.jpg) Storm](https://e.com/s x)");
        assert_eq!((&*v.text, v.images), (&b"Storm"[..], 1));
        assert_eq!(&*visible(b"## **A heading**").text, b"A heading");
        assert_eq!(&*visible(b"An [unclosed link").text, b"An [unclosed link");
        // The tail of a link opened in an earlier block is not text.
        let v = visible(b"](/news/ferry-times \"Ferry times change\")");
        assert_eq!((&*v.text, v.links), (&b""[..], 1));
        let v = visible(b"change](/news/ferry-times) and more");
        assert_eq!(
            (&*v.text, v.links, v.link_bytes),
            (&b"change and more"[..], 1, 6)
        );
    }

    #[test]
    fn brackets_and_parentheses_are_matched_as_nested() {
        let t = b"[a [b] c](x (y) z) ] ) [open (open";
        let c = Closes::new(t);
        assert_eq!(c.bracket(0), Some(8));
        assert_eq!(c.bracket(3), Some(5));
        assert_eq!(c.paren(9), Some(18), "one past the `)` of the target");
        assert_eq!(c.paren(12), Some(15));
        // Stray closers match nothing; openers never closed have no end.
        assert_eq!(c.bracket(23), None);
        assert_eq!(c.paren(29), None);
        assert_eq!(c.bracket(1), None, "no `[` there");
    }

    /// Lines no converter prints, read whole all the same: links nested thousands deep
    /// (read two levels deep, not one call per level), and many that never close.
    #[test]
    fn pathological_link_syntax_is_read_without_recursion() {
        let deep = format!("{}x{}(u)", "[".repeat(100_000), "]".repeat(100_000));
        let v = visible(deep.as_bytes());
        assert_eq!(v.links, 1);
        assert!(v.text.starts_with(b"["), "the inner levels stay text");
        let open = "[a](".repeat(10_000);
        let v = visible(open.as_bytes());
        assert_eq!((v.links, v.text.len()), (0, open.len()));
        // A bracketed span's `]` without its `[`: the `]` goes, as in a short line.
        let read = |t: &str| without_markup(t.as_bytes()).into_owned();
        let one = read("a]{.b} a]{.b}");
        assert_eq!(one, b"a  a");
        let many = read(&"a]{.b} ".repeat(10_000));
        assert_eq!(many, "a  ".repeat(10_000).trim_end().as_bytes());
    }

    #[test]
    fn reference_style_links_are_read_as_links() {
        let v = visible(b"* [Council passes budget][12]");
        assert_eq!(&*v.text, b"Council passes budget");
        assert_eq!((v.link_bytes, v.links), (v.text.len(), 1));
        let v = visible(b"The [council][] voted, see [the report][3].");
        assert_eq!(&*v.text, b"The council voted, see the report.");
        assert_eq!((v.link_bytes, v.links), (17, 2));
        let v = visible(b"[![][6]][7]");
        assert_eq!((&*v.text, v.images, v.links), (&b""[..], 1, 1));
        // Two footnote marks, a text browser's link number and image: no links.
        let v = visible(b"The vote was 7 to 2 [1][2].");
        assert_eq!(
            (&*v.text, v.links),
            (&b"The vote was 7 to 2 [1][2]."[..], 0)
        );
        assert_eq!(visible(b"[16][IMG] Home").links, 0);
    }

    #[test]
    fn east_asian_wide_characters_take_two_columns() {
        assert_eq!(columns(b"plain text"), 10);
        // Narrow: accented Latin, Cyrillic, typographic punctuation, halfwidth katakana.
        assert_eq!(
            columns("caf\u{e9} \u{43c}\u{438}\u{440} \u{201c}\u{2014}\u{201d} \u{ff76}".as_bytes()),
            14
        );
        // Wide: ideographs, kana, Hangul, fullwidth forms, the ideographic full stop, emoji.
        for wide in [
            "\u{6d77}",
            "\u{3042}",
            "\u{30ab}",
            "\u{d55c}",
            "\u{ff21}",
            "\u{3002}",
            "\u{1f600}",
            "\u{20000}",
        ] {
            assert_eq!(columns(wide.as_bytes()), 2, "{wide}");
        }
        assert_eq!(columns("\u{6e2f}\u{53e3} ok".as_bytes()), 7);
    }

    #[test]
    fn elements_start_blocks() {
        for t in [
            "* item",
            "- item",
            "12. item",
            "# Head",
            "> quote",
            "| a | b |",
            "• x",
            "![x](y)",
        ] {
            assert!(starts_element(t.as_bytes()), "{t}");
        }
        for t in ["*emphasis* here", "2019 was a year", "-5 degrees", "word"] {
            assert!(!starts_element(t.as_bytes()), "{t}");
        }
    }
}
