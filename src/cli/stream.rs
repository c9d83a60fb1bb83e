//! Reading an input incrementally and cutting it into pages, so memory follows the page
//! cap and not the input size.
//!
//! A page is what lies between `--split` separator lines (or the whole input without
//! `--split`). A page of at most the cap (`--max-page-bytes`, 4 MiB by default) comes
//! out whole, exactly as it was read. A larger page is cut into pieces of at most the cap,
//! at a line boundary: after the last blank line in the upper half of the piece when there
//! is one, else before the line that does not fit. So is a page of more lines than a piece
//! may hold (one per 32 bytes of the cap: see [`max_lines`]), which would cost the engine
//! far more memory than its bytes. A line is never cut: a `\n`-line longer
//! than the cap is cut after its last lone CR (a line ending for the engine) when it has
//! one; else it is passed on whole, in chunks of at most the cap, as a [`Piece::Long`]
//! that no rule sees. Each piece is cleaned as a page of its own; [`PagePiece`] records
//! what the writer needs to join the pieces back up.

use std::collections::VecDeque;
use std::io::{self, BufRead};

use regex::bytes::Regex;

use super::pool::Pool;

/// A piece of an input.
#[derive(Debug)]
pub enum Piece {
    /// A page, or a piece of one over the cap.
    Page(PagePiece),
    /// A separator line, written as it is.
    Separator(Vec<u8>),
    /// A chunk of a line longer than the cap, written as it is (rules do not see it).
    Long {
        /// The bytes; the chunk that ends the line holds its terminator.
        bytes: Vec<u8>,
        /// The line is the input's last and has no terminator: the writer adds one.
        add_newline: bool,
    },
}

/// A page or a piece of one.
#[derive(Debug)]
pub struct PagePiece {
    /// The bytes to clean.
    pub bytes: Vec<u8>,
    /// This piece continues the page of the piece before it (that page was over the cap).
    pub cont: bool,
    /// The page was cut right after this blank line (its raw bytes, the last line of
    /// `bytes`): written between this piece's cleaned text and the next piece's when
    /// both have any, so the paragraph break survives the cut.
    pub gap_after: Option<Vec<u8>>,
}

/// How the cleaned pieces of a page are joined back up: the one place that decides it, for
/// the filter and for the modes that report on it (`--diff`, `--explain`, `clean test`), so
/// they agree on what the filter writes.
///
/// A gap is the raw bytes of a blank line (`G`: with whatever the caller needs to know
/// which line it was): the blank line a page was cut after ([`PagePiece::gap_after`]), or
/// a continuing piece's leading blank line. It is written between two pieces' cleaned text
/// when both have any, so the paragraph break survives the cut.
#[derive(Debug)]
pub struct Joiner<G> {
    /// Something of the current page has been written.
    page_written: bool,
    /// The gap to write before the next text of the page, if any comes.
    gap: Option<G>,
}

impl<G> Default for Joiner<G> {
    fn default() -> Self {
        Joiner {
            page_written: false,
            gap: None,
        }
    }
}

impl<G> Joiner<G> {
    /// A separator line: the page ends.
    pub fn separator(&mut self) {
        self.page_written = false;
        self.gap = None;
    }

    /// A chunk of a line longer than the cap: returns the gap to write before it.
    pub fn long(&mut self) -> Option<G> {
        let g = self.gap.take().filter(|_| self.page_written);
        self.page_written = true;
        g
    }

    /// A page piece whose cleaned text is `empty` or not, with its leading blank line
    /// ([`lead_gap`]) and [`PagePiece::gap_after`]: returns the gap to write before its
    /// cleaned text.
    pub fn page(
        &mut self,
        cont: bool,
        lead_gap: Option<G>,
        gap_after: Option<G>,
        empty: bool,
    ) -> Option<G> {
        if !cont {
            self.page_written = false;
            self.gap = None;
        } else if self.gap.is_none() {
            self.gap = lead_gap;
        }
        let mut write = None;
        if !empty {
            write = self.gap.take().filter(|_| self.page_written);
            self.page_written = true;
        }
        self.gap = gap_after.or(if empty { self.gap.take() } else { None });
        write
    }

    /// The gap waiting for the page's next text.
    pub fn gap_mut(&mut self) -> Option<&mut G> {
        self.gap.as_mut()
    }
}

/// A continuing piece's leading blank line (its raw bytes): layout drops it from the
/// piece's cleaned text, the [`Joiner`] may put it back.
pub fn lead_gap<'p>(cont: bool, page: &clean::Page<'p>) -> Option<&'p [u8]> {
    (cont && !page.is_empty() && page.is_blank(0)).then(|| page.raw(0))
}

/// What the filter writes for one input (its pieces cleaned one after the other, joined
/// as the filter joins them): `clean test` checks exactly what the filter prints.
pub fn clean_input(
    rules: &clean::RuleSet,
    url: Option<&str>,
    reader: impl BufRead,
    cap: usize,
) -> io::Result<Vec<u8>> {
    clean_pieces(rules, url, reader, cap, |_| {})
}

/// A text held whole (a JSONL or WARC record's) cleaned as the filter cleans a page read
/// from a file: whole when it is within the cap and the lines a piece may hold (see
/// [`in_pieces`]), else in pieces joined as [`clean_input`] joins them, so that no record
/// costs more memory than a page. `each` is told of every piece (see [`Cleaned`]).
pub fn clean_text(
    rules: &clean::RuleSet,
    url: Option<&str>,
    text: &[u8],
    cap: usize,
    mut each: impl FnMut(Cleaned<'_, '_>),
) -> Vec<u8> {
    if !in_pieces(text, cap) {
        let page = clean::Page::new(text);
        let outcome = rules.apply(&page, url);
        let cleaned = outcome.render(&page);
        each(Cleaned::Page {
            page: &page,
            outcome: &outcome,
            first: 0,
            out_len: cleaned.len(),
        });
        return cleaned;
    }
    // Reading bytes held in memory does not fail.
    clean_pieces(rules, url, text, cap, each).unwrap_or_default()
}

/// Whether a text held whole is cleaned in pieces (see [`clean_text`]): it is over the
/// cap, or holds as many lines as a piece may (counted only when it is long enough to).
pub fn in_pieces(text: &[u8], cap: usize) -> bool {
    let (cap, most) = (cap.max(1), max_lines(cap.max(1)));
    text.len() > cap || (text.len() >= most && memchr::memchr_iter(b'\n', text).count() >= most)
}

/// A piece of a text as [`clean_text`] cleaned it.
pub enum Cleaned<'p, 'o> {
    /// A page: what became of it, its first line's index in the text, and the length of
    /// its cleaned text.
    Page {
        page: &'p clean::Page<'p>,
        outcome: &'o clean::Outcome,
        first: usize,
        out_len: usize,
    },
    /// A chunk of a line longer than the cap, written as it is.
    Long { bytes: &'p [u8], add_newline: bool },
}

/// [`clean_input`], with `each` told of every piece (see [`clean_text`]).
fn clean_pieces(
    rules: &clean::RuleSet,
    url: Option<&str>,
    reader: impl BufRead,
    cap: usize,
    mut each: impl FnMut(Cleaned<'_, '_>),
) -> io::Result<Vec<u8>> {
    let mut out = Vec::new();
    let mut lines = LineCount::default();
    let mut join = Joiner::<Vec<u8>>::default();
    for piece in Pieces::new(reader, None, cap, true) {
        match piece? {
            Piece::Separator(s) => {
                join.separator();
                lines.add(&s);
                out.extend_from_slice(&s);
            }
            Piece::Long { bytes, add_newline } => {
                if let Some(g) = join.long() {
                    out.extend_from_slice(&g);
                }
                lines.add(&bytes);
                each(Cleaned::Long {
                    bytes: &bytes,
                    add_newline,
                });
                out.extend_from_slice(&bytes);
                if add_newline {
                    out.push(b'\n');
                }
            }
            Piece::Page(p) => {
                let first = lines.add(&p.bytes);
                let page = clean::Page::new(&p.bytes);
                let outcome = rules.apply(&page, url);
                let cleaned = outcome.render(&page);
                each(Cleaned::Page {
                    page: &page,
                    outcome: &outcome,
                    first,
                    out_len: cleaned.len(),
                });
                let lead = lead_gap(p.cont, &page).map(<[u8]>::to_vec);
                if let Some(g) = join.page(p.cont, lead, p.gap_after, cleaned.is_empty()) {
                    out.extend_from_slice(&g);
                }
                out.extend_from_slice(&cleaned);
            }
        }
    }
    Ok(out)
}

/// The engine's line count of an input read so far: line ends (`\n`, `\r\n`, a lone `\r`),
/// with a `\r` at the end of one read settled by the next.
#[derive(Default)]
pub struct LineCount {
    ends: usize,
    cr: bool,
}

impl LineCount {
    /// Count `b`; returns the lines ended before it.
    pub fn add(&mut self, b: &[u8]) -> usize {
        if self.cr && b.first().is_some_and(|&c| c != b'\n') {
            self.ends += 1;
        }
        if !b.is_empty() {
            self.cr = false;
        }
        let before = self.ends;
        self.ends += memchr::memchr_iter(b'\n', b).count();
        self.ends += memchr::memchr_iter(b'\r', b)
            .filter(|&i| b.get(i + 1).is_some_and(|&c| c != b'\n'))
            .count();
        if b.ends_with(b"\r") {
            self.cr = true;
        }
        before
    }
}

/// A `--split` separator regex, with a fast path for the common case of a plain literal
/// (`^=== page `: a line prefix; `=== page`: anywhere in the line), where calling the regex
/// once per line cost more than finding the lines.
#[derive(Debug)]
pub struct Separator {
    re: Regex,
    fast: Fast,
}

#[derive(Debug)]
enum Fast {
    None,
    Prefix(Vec<u8>),
    Contains(Box<memchr::memmem::Finder<'static>>),
}

impl Separator {
    /// Wrap a compiled separator regex.
    pub fn new(re: Regex) -> Self {
        let fast = literal(re.as_str()).unwrap_or(Fast::None);
        Separator { re, fast }
    }

    /// Whether `line` (without its line ending) is a separator.
    pub fn is_match(&self, line: &[u8]) -> bool {
        match &self.fast {
            Fast::Prefix(p) => line.starts_with(p),
            Fast::Contains(f) => f.find(line).is_some(),
            Fast::None => self.re.is_match(line),
        }
    }
}

/// The fast path for `pattern`, when it is a literal, optionally anchored at the start.
fn literal(pattern: &str) -> Option<Fast> {
    use regex_syntax::hir::{HirKind, Look};
    // As `regex::bytes::Regex` parses: Unicode on, arbitrary bytes allowed.
    let hir = regex_syntax::ParserBuilder::new()
        .utf8(false)
        .build()
        .parse(pattern)
        .ok()?;
    let lit = |h: &regex_syntax::hir::Hir| match h.kind() {
        HirKind::Literal(l) => Some(l.0.to_vec()),
        _ => None,
    };
    match hir.kind() {
        HirKind::Literal(l) => Some(Fast::Contains(Box::new(
            memchr::memmem::Finder::new(&l.0[..]).into_owned(),
        ))),
        // `^` in a line without its ending; (?m)`^` too, as the line holds no `\n`.
        HirKind::Concat(parts) => match &parts[..] {
            [first, rest] if matches!(first.kind(), HirKind::Look(Look::Start | Look::StartLF)) => {
                lit(rest).map(Fast::Prefix)
            }
            _ => None,
        },
        _ => None,
    }
}

/// An iterator of the pieces of one input. A read error ends it.
pub struct Pieces<'a, R> {
    reader: R,
    sep: Option<&'a Separator>,
    cap: usize,
    /// Yield one empty page for an empty input (plain mode: every input is a page).
    empty_page: bool,
    page: Vec<u8>,
    /// Where the line being read starts in `page`.
    line_start: usize,
    /// The line being read began in an earlier [`Piece::Long`] (it is longer than the cap).
    line_cont: bool,
    /// The last blank line in `page` (start, end).
    last_blank: Option<(usize, usize)>,
    /// `\n`s in `page`, and how many a page may hold (see [`max_lines`]).
    lines: usize,
    max_lines: usize,
    /// `page` continues a page already cut.
    cont: bool,
    yielded: bool,
    queue: VecDeque<io::Result<Piece>>,
    done: bool,
    /// Where page buffers come from, if not from the allocator.
    pool: Option<&'a Pool>,
}

impl<'a, R: BufRead> Pieces<'a, R> {
    /// Pieces of `reader`: pages cut at lines matching `sep` (searched in each line without
    /// its line ending), each at most `cap` bytes. With `empty_page`, an empty input gives
    /// one empty page.
    pub fn new(reader: R, sep: Option<&'a Separator>, cap: usize, empty_page: bool) -> Self {
        Pieces {
            reader,
            sep,
            cap: cap.max(1),
            empty_page,
            page: Vec::new(),
            line_start: 0,
            line_cont: false,
            last_blank: None,
            lines: 0,
            max_lines: max_lines(cap.max(1)),
            cont: false,
            yielded: false,
            queue: VecDeque::new(),
            done: false,
            pool: None,
        }
    }

    /// Take page buffers from `pool` (the cleaning side gives them back).
    pub fn with_pool(mut self, pool: &'a Pool) -> Self {
        self.pool = Some(pool);
        self
    }

    fn push_page(&mut self, piece: PagePiece) {
        self.yielded = true;
        self.queue.push_back(Ok(Piece::Page(piece)));
    }

    /// The page ends here (a separator, or the end of input with `eof`).
    fn end_page(&mut self, eof: bool) {
        if !self.page.is_empty() || (eof && self.empty_page && !self.yielded) {
            let bytes = std::mem::take(&mut self.page);
            let cont = self.cont;
            self.push_page(PagePiece {
                bytes,
                cont,
                gap_after: None,
            });
        }
        self.line_start = 0;
        self.line_cont = false;
        self.last_blank = None;
        self.lines = 0;
        self.cont = false;
    }

    /// A chunk of a long line: all of `page`.
    fn long(&mut self, add_newline: bool) {
        let bytes = std::mem::take(&mut self.page);
        self.yielded = true;
        self.queue.push_back(Ok(Piece::Long { bytes, add_newline }));
        self.line_start = 0;
        self.last_blank = None;
        self.lines = 0;
        // What follows the line continues its page.
        self.cont = true;
    }

    /// A chunk of a long line: `page` up to its first lone CR, where the line ends for the
    /// engine (what follows is lines of a page again, `line_start` 0); all of `page`
    /// without one. Returns whether the line ended.
    fn long_upto_cr(&mut self, eof: bool) -> bool {
        match first_lone_cr(&self.page, eof) {
            Some(i) => {
                let rest = self.page.split_off(i + 1);
                self.long(false);
                self.page = rest;
                self.lines = memchr::memchr_iter(b'\n', &self.page).count();
                self.line_cont = false;
                true
            }
            None => {
                self.long(false);
                false
            }
        }
    }

    /// `page` is full and more input follows: cut off a piece.
    fn cut(&mut self) {
        if self.line_cont {
            self.long_upto_cr(false);
            return;
        }
        let (at, gap_after) = match self.last_blank {
            // The page is `cap` bytes long when full by bytes; shorter when full by lines.
            Some((s, e)) if e > self.page.len() / 2 => (e, Some(self.page[s..e].to_vec())),
            // Cut right after a blank line: it is the gap all the same.
            _ if self.line_start > 0 => (
                self.line_start,
                self.last_blank
                    .filter(|&(_, e)| e == self.line_start)
                    .map(|(s, e)| self.page[s..e].to_vec()),
            ),
            _ => match last_lone_cr(&self.page) {
                Some(i) => (i + 1, None),
                None => {
                    // One line fills the page: it goes on whole, in chunks.
                    self.line_cont = true;
                    self.long(false);
                    return;
                }
            },
        };
        // A cut after a blank line ended by a lone CR: that line is the gap.
        let gap_after = gap_after.or_else(|| {
            let line_start =
                memchr::memrchr2(b'\r', b'\n', &self.page[..at - 1]).map_or(0, |i| i + 1);
            (at > self.line_start
                && self.page[line_start..at - 1]
                    .iter()
                    .all(u8::is_ascii_whitespace))
            .then(|| self.page[line_start..at].to_vec())
        });
        let mut rest = Vec::new();
        append(&mut rest, self.cap, self.pool, &self.page[at..]);
        self.page.truncate(at);
        let bytes = std::mem::replace(&mut self.page, rest);
        self.lines = memchr::memchr_iter(b'\n', &self.page).count();
        let cont = self.cont;
        self.push_page(PagePiece {
            bytes,
            cont,
            gap_after,
        });
        // After a lone CR the line being read starts the new page.
        self.line_start = self.line_start.saturating_sub(at);
        self.last_blank = None;
        self.cont = true;
    }

    /// A separator line: the page before it ends, the line itself is passed on as it is.
    fn separator(&mut self, line: Vec<u8>) {
        self.end_page(false);
        self.yielded = true;
        self.queue.push_back(Ok(Piece::Separator(line)));
    }

    /// The line `page[line_start..]` is complete.
    fn end_line(&mut self) {
        if self.line_cont {
            // The end of a long line: `page` holds its last chunk, or ends a line of a page
            // after a lone CR.
            if self.long_upto_cr(false) {
                self.line_start = self.page.len();
            } else {
                self.line_cont = false;
            }
            return;
        }
        let line = &self.page[self.line_start..];
        let content = line.strip_suffix(b"\n").unwrap_or(line);
        let content = content.strip_suffix(b"\r").unwrap_or(content);
        if self.sep.is_some_and(|s| s.is_match(content)) {
            let sep_line = self.page.split_off(self.line_start);
            self.separator(sep_line);
            return;
        }
        if content.iter().all(u8::is_ascii_whitespace) {
            self.last_blank = Some((self.line_start, self.page.len()));
        }
        self.line_start = self.page.len();
    }

    fn fill(&mut self) {
        while self.queue.is_empty() && !self.done {
            let buf = match self.reader.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.done = true;
                    self.queue.push_back(Err(e));
                    return;
                }
            };
            if buf.is_empty() {
                self.done = true;
                if self.line_cont && !self.long_upto_cr(true) {
                    // A long line ends the input without a terminator.
                    self.line_cont = false;
                    self.long(true);
                } else if self.page.len() > self.line_start {
                    self.end_line();
                }
                self.end_page(true);
                return;
            }
            if self.page.len() >= self.cap || self.lines >= self.max_lines {
                self.cut();
                continue;
            }
            let room = self.cap - self.page.len();
            let avail = &buf[..buf.len().min(room)];
            if self.page.len() > self.line_start || self.line_cont {
                // A line begun in an earlier read (or piece): finish it first.
                match memchr::memchr(b'\n', avail) {
                    Some(i) => {
                        append(&mut self.page, self.cap, self.pool, &avail[..=i]);
                        self.lines += 1;
                        self.reader.consume(i + 1);
                        self.end_line();
                    }
                    None => {
                        let n = avail.len();
                        append(&mut self.page, self.cap, self.pool, avail);
                        self.reader.consume(n);
                    }
                }
                continue;
            }
            // Whole lines straight from the read buffer, appended in one go up to the
            // next separator (per line, only the separator and blank-line checks).
            let base = self.page.len();
            let mut whole = 0;
            let mut sep_end = None;
            // The page holds as many lines as it may: it is cut before the next.
            let mut full = false;
            for nl in memchr::memchr_iter(b'\n', avail) {
                let line = &avail[whole..nl];
                let content = line.strip_suffix(b"\r").unwrap_or(line);
                if self.sep.is_some_and(|s| s.is_match(content)) {
                    sep_end = Some(nl + 1);
                    break;
                }
                if content.iter().all(u8::is_ascii_whitespace) {
                    self.last_blank = Some((base + whole, base + nl + 1));
                }
                whole = nl + 1;
                self.lines += 1;
                if self.lines >= self.max_lines {
                    full = true;
                    break;
                }
            }
            append(&mut self.page, self.cap, self.pool, &avail[..whole]);
            self.line_start = self.page.len();
            match sep_end {
                Some(end) => {
                    let sep_line = avail[whole..end].to_vec();
                    self.reader.consume(end);
                    self.separator(sep_line);
                }
                None if full => self.reader.consume(whole),
                None => {
                    // What follows the last newline starts a line.
                    let n = avail.len();
                    append(&mut self.page, self.cap, self.pool, &avail[whole..]);
                    self.reader.consume(n);
                }
            }
        }
    }
}

/// Where the last lone CR of `page` is: a `\r` with a byte after it that is not `\n` (one
/// at the very end may yet be followed by a `\n`).
fn last_lone_cr(page: &[u8]) -> Option<usize> {
    let body = page.get(..page.len().checked_sub(1)?)?;
    memchr::memrchr_iter(b'\r', body).find(|&i| page[i + 1] != b'\n')
}

/// Where the first lone CR of a long line's chunk is: a `\r` followed by a byte that is not
/// `\n`, or the last byte at the end of the input (`eof`).
fn first_lone_cr(page: &[u8], eof: bool) -> Option<usize> {
    memchr::memchr_iter(b'\r', page).find(|&i| match page.get(i + 1) {
        Some(&b) => b != b'\n',
        None => eof,
    })
}

/// How many lines a page of at most `cap` bytes may hold: one per 32 bytes of the cap
/// (131,072 for 4 MiB), and never fewer than 4,096. The engine keeps a few hundred bytes
/// for each line of a page, so a page of millions of tiny lines is cut into pieces as a
/// page over the cap is; a page of text reaches the byte cap first.
fn max_lines(cap: usize) -> usize {
    (cap / 32).max(4096)
}

/// Append `data` to `page`, growing it no further than `cap` needs. A page's first buffer
/// comes from `pool` when there is one, sized for what is appended first (a page read in
/// one go gets its size, rounded up to a power of two; a stream of tiny pages must not
/// hold a large buffer each); one that grows over several reads doubles.
fn append(page: &mut Vec<u8>, cap: usize, pool: Option<&Pool>, data: &[u8]) {
    let need = page.len() + data.len();
    if need > page.capacity() {
        let want = (page.capacity() * 2).max(need).min(cap.max(need));
        if let (0, Some(pool)) = (page.capacity(), pool) {
            *page = pool.take(want);
        }
        page.reserve_exact(want - page.len());
    }
    page.extend_from_slice(data);
}

impl<R: BufRead> Iterator for Pieces<'_, R> {
    type Item = io::Result<Piece>;

    fn next(&mut self) -> Option<Self::Item> {
        self.fill();
        self.queue.pop_front()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(input: &[u8], sep: Option<&str>, cap: usize) -> Vec<Piece> {
        let re = sep.map(|s| Separator::new(Regex::new(s).unwrap()));
        // A tiny buffer, so lines straddle reads.
        let reader = io::BufReader::with_capacity(7, input);
        Pieces::new(reader, re.as_ref(), cap, re.is_none())
            .map(Result::unwrap)
            .collect()
    }

    fn joined(ps: &[Piece]) -> Vec<u8> {
        ps.iter()
            .flat_map(|p| match p {
                Piece::Page(p) => p.bytes.clone(),
                Piece::Separator(s) => s.clone(),
                Piece::Long { bytes, .. } => bytes.clone(),
            })
            .collect()
    }

    #[test]
    fn under_the_cap_a_page_is_whole() {
        let input = b"a\n\nb\r\nc";
        let ps = pieces(input, None, 100);
        assert_eq!(ps.len(), 1);
        assert_eq!(joined(&ps), input);
        let ps = pieces(input, None, input.len());
        assert_eq!(ps.len(), 1, "a page of exactly the cap is whole");
    }

    #[test]
    fn empty_input_is_one_empty_page() {
        let ps = pieces(b"", None, 10);
        assert!(matches!(&ps[..], [Piece::Page(p)] if p.bytes.is_empty()));
    }

    #[test]
    fn separators_cut_pages_and_are_kept() {
        let input = b"=== page 1\nA\nB\n=== page 2\nC\n=== page 3";
        let ps = pieces(input, Some("^=== page "), 100);
        assert_eq!(joined(&ps), input);
        let kinds: Vec<_> = ps
            .iter()
            .map(|p| match p {
                Piece::Page(_) => 'P',
                Piece::Separator(_) => 'S',
                Piece::Long { .. } => 'L',
            })
            .collect();
        assert_eq!(kinds, ['S', 'P', 'S', 'P', 'S']);
    }

    #[test]
    fn over_the_cap_cuts_after_a_blank_line_in_the_upper_half() {
        let input = b"aaaa\nbbbb\n\ncccc\ndddd\n";
        let ps = pieces(input, None, 14);
        assert_eq!(joined(&ps), input);
        let Piece::Page(first) = &ps[0] else { panic!() };
        assert_eq!(first.bytes, b"aaaa\nbbbb\n\n");
        assert_eq!(first.gap_after.as_deref(), Some(&b"\n"[..]));
        assert!(!first.cont);
        let Piece::Page(second) = &ps[1] else {
            panic!()
        };
        assert!(second.cont);
        for p in &ps {
            let Piece::Page(p) = p else { panic!() };
            assert!(p.bytes.len() <= 14);
        }
    }

    #[test]
    fn without_a_blank_line_cuts_at_a_line_boundary() {
        let input = b"aaaa\nbbbb\ncccc\ndddd\n";
        let ps = pieces(input, None, 12);
        assert_eq!(joined(&ps), input);
        let Piece::Page(first) = &ps[0] else { panic!() };
        assert_eq!(first.bytes, b"aaaa\nbbbb\n");
        assert!(first.gap_after.is_none());
    }

    #[test]
    fn a_line_longer_than_the_cap_is_passed_on_whole() {
        let input = b"ab\n0123456789abcdef\ncd\n";
        let ps = pieces(input, Some("^x"), 8);
        assert_eq!(joined(&ps), input);
        let shape: Vec<String> = ps
            .iter()
            .map(|p| match p {
                Piece::Page(p) => format!("P{}", String::from_utf8_lossy(&p.bytes)),
                Piece::Long { bytes, add_newline } => {
                    format!("L{}{}", String::from_utf8_lossy(bytes), add_newline)
                }
                Piece::Separator(_) => "S".into(),
            })
            .collect();
        // Every page piece holds whole lines; the long line's chunks go on as they are.
        assert_eq!(
            shape,
            [
                "Pab\n",
                "L01234567false",
                "L89abcdeffalse",
                "L\nfalse",
                "Pcd\n"
            ]
        );
        // At the end of the input without a terminator: the writer adds one.
        let ps = pieces(b"ab\n0123456789", None, 8);
        assert!(matches!(
            ps.last(),
            Some(Piece::Long {
                add_newline: true,
                ..
            })
        ));
    }

    #[test]
    fn a_long_line_with_lone_crs_is_cut_after_one() {
        let input = b"0123\r4567\r89ab\rcdef\r";
        let ps = pieces(input, None, 8);
        assert_eq!(joined(&ps), input);
        for p in &ps {
            let Piece::Page(p) = p else { panic!("{p:?}") };
            assert!(p.bytes.ends_with(b"\r"), "{p:?}");
        }
    }

    #[test]
    fn the_literal_fast_path_agrees_with_the_regex() {
        let lines: &[&[u8]] = &[
            b"=== page 1",
            b"=== page",
            b" === page 2",
            b"x=== page 3",
            b"=== PAGE 4",
            b"",
            b"== page",
            b"\xff=== page \xfe",
            b"=== page \r",
        ];
        let patterns = [
            ("^=== page ", true),
            ("=== page", true),
            ("(?m)^=== page", true),
            ("^=== page$", false),
            ("(?i)^=== page", false),
            ("^=== page \\d+", false),
            ("^(=== page|--- page)", false),
            ("(?mR)^=== page", false),
            ("\\A=== page", true),
        ];
        for (p, fast) in patterns {
            let sep = Separator::new(Regex::new(p).unwrap());
            assert_eq!(!matches!(sep.fast, Fast::None), fast, "{p}");
            for line in lines {
                assert_eq!(sep.is_match(line), sep.re.is_match(line), "{p} on {line:?}");
            }
        }
    }

    /// A page of more lines than its cap allows is cut as a page over the byte cap is: after
    /// a blank line in the upper half, else at the line that fills it; however it is read.
    #[test]
    fn a_page_of_too_many_lines_is_cut_into_pieces() {
        let cap = 64 << 10;
        let most = max_lines(cap);
        assert_eq!(most, 4096);
        let input = b"a\n".repeat(10_000);
        let lens = |ps: &[Piece]| -> Vec<usize> {
            ps.iter()
                .map(|p| match p {
                    Piece::Page(p) => p.bytes.iter().filter(|&&b| b == b'\n').count(),
                    _ => usize::MAX,
                })
                .collect()
        };
        for size in [7, 4096, 1 << 16] {
            let reader = io::BufReader::with_capacity(size, &input[..]);
            let ps: Vec<Piece> = Pieces::new(reader, None, cap, true)
                .map(Result::unwrap)
                .collect();
            assert_eq!(lens(&ps), [most, most, 10_000 - 2 * most], "buffer {size}");
            assert_eq!(joined(&ps), input);
        }
        // A blank line in the upper half: the cut comes after it.
        let mut input = b"a\n".repeat(3000);
        input.extend_from_slice(b"\n");
        input.extend_from_slice(&b"b\n".repeat(3000));
        let ps = pieces(&input, None, cap);
        assert_eq!(lens(&ps), [3001, 3000]);
        assert!(matches!(&ps[0], Piece::Page(p) if p.gap_after.as_deref() == Some(&b"\n"[..])));
        assert_eq!(joined(&ps), input);
    }

    #[test]
    fn any_cap_keeps_every_byte() {
        let input = b"=== page 1\nline one\n\n\nline two is longer\r\n\nx\n=== page 2\n\nlast";
        for cap in 1..input.len() + 2 {
            for sep in [None, Some("^=== page ")] {
                let ps = pieces(input, sep, cap);
                assert_eq!(joined(&ps), input, "cap {cap}");
            }
        }
    }

    /// What the pieces look like, flags included.
    fn shape(ps: &[Piece]) -> Vec<String> {
        ps.iter().map(|p| format!("{p:?}")).collect()
    }

    #[test]
    fn pieces_do_not_depend_on_how_the_input_is_read() {
        let input = b"=== page 1\nline one\n\n \t\nline two is longer\r\n\nx\n=== page 2\r\n\nlast\n=== page 3\n=== page 4\nno end";
        for cap in [3, 9, 16, 40, 1 << 20] {
            for sep in [None, Some("^=== page "), Some("^=== page \\d$")] {
                let re = sep.map(|s| Separator::new(Regex::new(s).unwrap()));
                let read = |size: usize| {
                    let reader = io::BufReader::with_capacity(size, &input[..]);
                    let ps: Vec<Piece> = Pieces::new(reader, re.as_ref(), cap, re.is_none())
                        .map(Result::unwrap)
                        .collect();
                    shape(&ps)
                };
                let one_byte = read(1);
                for size in [2, 5, 7, 13, 64, 4096] {
                    assert_eq!(
                        read(size),
                        one_byte,
                        "cap {cap}, sep {sep:?}, buffer {size}"
                    );
                }
            }
        }
    }
}
