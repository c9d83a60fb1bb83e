//! A line index over one page's bytes.
//!
//! Owns line splitting and the "trimmed content" view that rules match against. It never
//! copies or decodes the page: every line is a pair of byte ranges into the input, so kept
//! lines can be written back byte for byte (invalid UTF-8, CRLF and all).

use std::ops::Range;

/// One line of a page: `content` excludes the terminator, `end` includes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Line {
    /// Offset of the first byte of the line.
    pub start: usize,
    /// Offset one past the last content byte (where the terminator starts).
    pub content_end: usize,
    /// Offset one past the terminator (`\n`, `\r\n` or a lone `\r`); equals
    /// `content_end` for a last line with no terminator.
    pub end: usize,
}

/// A page: the input bytes plus the index of its lines.
///
/// Line terminators are `\n`, `\r\n` and a lone `\r` (old Mac files); each line keeps its
/// own terminator.
#[derive(Debug)]
pub struct Page<'a> {
    bytes: &'a [u8],
    lines: Vec<Line>,
    /// The trimmed content of each line, as offsets into `bytes`: rules look at it many
    /// times per line.
    trimmed: Vec<(usize, usize)>,
    /// Whether the page may hold markup (see [`Page::has_markup`]), once asked.
    markup: std::sync::OnceLock<bool>,
}

impl<'a> Page<'a> {
    /// Index the lines of `bytes`.
    pub fn new(bytes: &'a [u8]) -> Self {
        let mut lines = Vec::with_capacity(bytes.len() / 64 + 1);
        let mut start = 0;
        while start < bytes.len() {
            match memchr::memchr2(b'\n', b'\r', &bytes[start..]) {
                None => {
                    lines.push(Line {
                        start,
                        content_end: bytes.len(),
                        end: bytes.len(),
                    });
                    break;
                }
                Some(off) => {
                    let at = start + off;
                    let end = if bytes[at] == b'\r' && bytes.get(at + 1) == Some(&b'\n') {
                        at + 2
                    } else {
                        at + 1
                    };
                    lines.push(Line {
                        start,
                        content_end: at,
                        end,
                    });
                    start = end;
                }
            }
        }
        Page::with_lines(bytes, lines)
    }

    /// A page over `bytes` with the given line index (lines in order, covering the bytes):
    /// see [`super::glued`], which splits a glued line into pieces.
    pub(crate) fn with_lines(bytes: &'a [u8], lines: Vec<Line>) -> Self {
        let trimmed = lines
            .iter()
            .map(|l| {
                let t = trim(strip_bom(&bytes[l.start..l.content_end]));
                let at = t.as_ptr() as usize - bytes.as_ptr() as usize;
                (at, at + t.len())
            })
            .collect();
        Page {
            bytes,
            lines,
            trimmed,
            markup: std::sync::OnceLock::new(),
        }
    }

    /// Whether the page may hold markup that the block view reads as markup: raw HTML
    /// (`<`) or pandoc attributes (`{`). Sought once a page.
    pub(crate) fn has_markup(&self) -> bool {
        *self
            .markup
            .get_or_init(|| memchr::memchr2(b'<', b'{', self.bytes).is_some())
    }

    /// The whole input.
    pub fn bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// The line index.
    pub fn lines(&self) -> &[Line] {
        &self.lines
    }

    /// Number of lines.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    /// True for an empty page.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// Line `i` with its terminator.
    pub fn raw(&self, i: usize) -> &'a [u8] {
        let l = self.lines[i];
        &self.bytes[l.start..l.end]
    }

    /// Line `i` without its terminator.
    pub fn content(&self, i: usize) -> &'a [u8] {
        let l = self.lines[i];
        &self.bytes[l.start..l.content_end]
    }

    /// The terminator of line `i` (empty for a last line without one).
    pub fn terminator(&self, i: usize) -> &'a [u8] {
        let l = self.lines[i];
        &self.bytes[l.content_end..l.end]
    }

    /// Line `i` without terminator and without surrounding white space (see [`trim`]).
    ///
    /// A byte-order mark starts the first line of a file, and of every file in a
    /// concatenation (`cat a.txt b.txt`): it is ignored for matching wherever a line starts.
    #[inline]
    pub fn trimmed(&self, i: usize) -> &'a [u8] {
        let (from, to) = self.trimmed[i];
        &self.bytes[from..to]
    }

    /// Byte range of the trimmed content of line `i`, as offsets into the page.
    pub fn trimmed_range(&self, i: usize) -> Range<usize> {
        let (from, to) = self.trimmed[i];
        from..to
    }

    /// True when line `i` holds nothing but white space.
    #[inline]
    pub fn is_blank(&self, i: usize) -> bool {
        let (from, to) = self.trimmed[i];
        from == to
    }

    /// The newline to add when the last kept line has none: the page's first terminator,
    /// or `\n` when it has none.
    pub fn newline(&self) -> &'a [u8] {
        self.lines
            .iter()
            .find(|l| l.end > l.content_end)
            .map(|l| &self.bytes[l.content_end..l.end])
            .unwrap_or(b"\n")
    }
}

/// Strip a leading UTF-8 byte order mark.
pub fn strip_bom(b: &[u8]) -> &[u8] {
    b.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(b)
}

/// Trim ASCII white space and no-break spaces (U+00A0, as `&nbsp;` renders) from both ends.
pub fn trim(mut b: &[u8]) -> &[u8] {
    loop {
        match b {
            [c, rest @ ..] if c.is_ascii_whitespace() => b = rest,
            [0xC2, 0xA0, rest @ ..] => b = rest,
            _ => break,
        }
    }
    loop {
        match b {
            [rest @ .., c] if c.is_ascii_whitespace() => b = rest,
            [rest @ .., 0xC2, 0xA0] => b = rest,
            _ => break,
        }
    }
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(s: &[u8]) -> Vec<(&[u8], &[u8])> {
        let p = Page::new(s);
        (0..p.len())
            .map(|i| (p.content(i), p.terminator(i)))
            .collect()
    }

    #[test]
    fn empty_page_has_no_lines() {
        assert!(Page::new(b"").is_empty());
    }

    #[test]
    fn terminators_are_kept_per_line() {
        let got = split(b"a\nb\r\nc\rd");
        assert_eq!(
            got,
            vec![
                (&b"a"[..], &b"\n"[..]),
                (b"b", b"\r\n"),
                (b"c", b"\r"),
                (b"d", b"")
            ]
        );
    }

    #[test]
    fn cr_at_end_and_blank_lines() {
        assert_eq!(
            split(b"\n\r\n\r"),
            vec![(&b""[..], &b"\n"[..]), (b"", b"\r\n"), (b"", b"\r")]
        );
    }

    #[test]
    fn trim_handles_nbsp_and_invalid_utf8() {
        assert_eq!(trim(b"\xC2\xA0 x\xFF \t"), b"x\xFF");
        assert_eq!(trim(b"\xA0"), b"\xA0");
        assert_eq!(trim(b"  "), b"");
    }

    #[test]
    fn bom_is_ignored_for_matching_only() {
        let p = Page::new(b"\xEF\xBB\xBFAdvertising\nx");
        assert_eq!(p.trimmed(0), b"Advertising");
        assert_eq!(p.raw(0), b"\xEF\xBB\xBFAdvertising\n");
        assert_eq!(p.trimmed_range(0), 3..14);
    }

    #[test]
    fn newline_follows_the_page() {
        assert_eq!(Page::new(b"a\r\nb").newline(), b"\r\n");
        assert_eq!(Page::new(b"ab").newline(), b"\n");
    }
}
