//! A unified diff of an input against its cleaned form, built from the removal record.
//!
//! `patch` applied to the original gives exactly the cleaned output, whatever the line
//! endings: the diff is written in `patch`'s lines (ended by `\n` only), so a `\n`-line
//! that holds several of the engine's lines (ended by a lone CR) is one diff line, shown
//! removed and added back without the lines that went. Each hunk names the cause of its
//! changes after the `@@ … @@` ranges, where diff tools put a section heading and `patch`
//! ignores the text; a hunk holds one run of lines removed for one cause, or one changed
//! line (with the causes of all its changes). Hunks never overlap: context lines shared by
//! two neighbouring hunks go to the first. A hunk has as many context lines before as
//! after unless it reaches the file's start or end (`patch` anchors a hunk with uneven
//! context to that end).
//!
//! [`Diff`] is fed an input in order, as segments (a line's bytes and what they became):
//! a page at a time, and the bytes between pages, so one diff covers an input cleaned in
//! pieces, with the input's line numbers. Memory stays bounded: it holds a hunk being
//! built, at most [`SPILL_BYTES`] of it in memory (the rest in the file `spill` opens),
//! and a kept line longer than [`MAX_CONTEXT_LINE`] is never used as context.

use std::collections::VecDeque;
use std::fs::File;
use std::io::{self, Read, Seek, Write};

use super::Styles;
use crate::{Cause, Outcome, Page, RuleSet};

const CONTEXT: usize = 3;

/// Bytes of a hunk (or of a changed line) held in memory before the rest goes to a file.
pub const SPILL_BYTES: usize = 4 << 20;

/// A kept line longer than this is not shown as context (hunks around it have less).
pub const MAX_CONTEXT_LINE: usize = 64 << 10;

/// Lines held back from a page (see [`Diff::page`]): their bytes, what cleaning made of
/// them, and why.
pub type Held = (Vec<u8>, Vec<u8>, Cause);

/// Opens an unnamed file for a hunk too large to hold in memory.
pub type SpillFile = fn() -> io::Result<File>;

/// Write the diff of one page. `name` labels the `---`/`+++` headers. Writes nothing when
/// cleaning changes nothing; returns whether anything was written.
pub fn write_diff(
    out: &mut impl Write,
    name: &str,
    page: &Page<'_>,
    outcome: &Outcome,
    rules: &RuleSet,
    st: &Styles,
) -> io::Result<bool> {
    let mut d = Diff::new(out, name, rules, *st, None);
    d.page(page, outcome, false, 0)?;
    d.finish()
}

/// Bytes held in memory up to [`SPILL_BYTES`], then in a file.
struct Spill {
    mem: Vec<u8>,
    file: Option<io::BufWriter<File>>,
    open: Option<SpillFile>,
    len: u64,
    newlines: usize,
    last: Option<u8>,
}

impl Spill {
    fn new(open: Option<SpillFile>) -> Self {
        Spill {
            mem: Vec::new(),
            file: None,
            open,
            len: 0,
            newlines: 0,
            last: None,
        }
    }

    fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Empty, or ends a line.
    fn aligned(&self) -> bool {
        self.last.is_none_or(|b| b == b'\n')
    }

    /// Lines, the last one perhaps without its `\n`.
    fn lines(&self) -> usize {
        self.newlines + usize::from(!self.aligned())
    }

    fn push(&mut self, b: &[u8]) -> io::Result<()> {
        let Some(&last) = b.last() else {
            return Ok(());
        };
        self.newlines += memchr::memchr_iter(b'\n', b).count();
        self.last = Some(last);
        self.len += b.len() as u64;
        if let Some(f) = &mut self.file {
            return f.write_all(b);
        }
        self.mem.extend_from_slice(b);
        if let (true, Some(open)) = (self.mem.len() > SPILL_BYTES, self.open) {
            let mut f = io::BufWriter::with_capacity(1 << 16, open()?);
            f.write_all(&self.mem)?;
            self.mem = Vec::new();
            self.file = Some(f);
        }
        Ok(())
    }

    /// The bytes, when held in memory.
    fn in_memory(&self) -> Option<&[u8]> {
        self.file.is_none().then_some(&self.mem[..])
    }

    /// Append a copy of the bytes to `to`.
    fn copy_to(&mut self, to: &mut Spill) -> io::Result<()> {
        match &mut self.file {
            None => to.push(&self.mem),
            Some(w) => {
                use std::os::unix::fs::FileExt;
                w.flush()?;
                let mut buf = vec![0; 1 << 16];
                let mut at = 0;
                while at < self.len {
                    let n = w.get_ref().read_at(&mut buf, at)?;
                    if n == 0 {
                        return Err(io::ErrorKind::UnexpectedEof.into());
                    }
                    to.push(&buf[..n])?;
                    at += n as u64;
                }
                Ok(())
            }
        }
    }

    /// Hand the bytes to `f` in order, then empty.
    fn drain(&mut self, mut f: impl FnMut(&[u8]) -> io::Result<()>) -> io::Result<()> {
        match self.file.take() {
            None => f(&self.mem)?,
            Some(w) => {
                let mut file = w.into_inner().map_err(io::IntoInnerError::into_error)?;
                file.rewind()?;
                let mut buf = vec![0; 1 << 16];
                loop {
                    match file.read(&mut buf) {
                        Ok(0) => break,
                        Ok(n) => f(&buf[..n])?,
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                        Err(e) => return Err(e),
                    }
                }
            }
        }
        self.clear();
        Ok(())
    }

    fn clear(&mut self) {
        self.mem.clear();
        self.file = None;
        self.len = 0;
        self.newlines = 0;
        self.last = None;
    }
}

impl Write for Spill {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.push(buf)?;
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Writes bytes as diff lines: each line `on`, the mark, its bytes up to its `\n`, `off`,
/// `\n`; a last line without `\n` gets `\ No newline at end of file` after it.
struct Marked<'s> {
    mark: &'s str,
    on: &'s str,
    off: &'s str,
    at_start: bool,
}

impl<'s> Marked<'s> {
    fn new(mark: &'s str, on: &'s str, off: &'s str) -> Self {
        Marked {
            mark,
            on,
            off,
            at_start: true,
        }
    }

    fn feed(&mut self, w: &mut impl Write, mut chunk: &[u8]) -> io::Result<()> {
        while !chunk.is_empty() {
            if self.at_start {
                write!(w, "{}{}", self.on, self.mark)?;
                self.at_start = false;
            }
            match memchr::memchr(b'\n', chunk) {
                Some(i) => {
                    w.write_all(&chunk[..i])?;
                    writeln!(w, "{}", self.off)?;
                    self.at_start = true;
                    chunk = &chunk[i + 1..];
                }
                None => {
                    w.write_all(chunk)?;
                    break;
                }
            }
        }
        Ok(())
    }

    fn end(&mut self, w: &mut impl Write) -> io::Result<()> {
        if !self.at_start {
            write!(w, "{}\n\\ No newline at end of file\n", self.off)?;
            self.at_start = true;
        }
        Ok(())
    }
}

/// A hunk being built: one run of changes, its context still to be settled.
struct Hunk {
    /// Kept lines before the run that may serve as context (at most [`CONTEXT`]).
    lead: Vec<Vec<u8>>,
    /// Old and new lines before the run (0-based index of its first line).
    old_start: usize,
    new_start: usize,
    /// Old and new lines of the run.
    old_len: usize,
    new_len: usize,
    /// The run's diff lines.
    body: Spill,
    /// The causes of its changes, in order of first appearance.
    causes: Vec<Cause>,
    /// A run of whole lines removed for this cause: the next such line joins it.
    removal: Option<Cause>,
}

/// A diff written as the input is fed in, segment by segment (see the module doc).
pub struct Diff<'a, W: Write> {
    out: W,
    name: &'a str,
    rules: &'a RuleSet,
    st: Styles,
    spill: Option<SpillFile>,
    headed: bool,
    /// The block being read: old and new bytes up to where both end a line.
    old: Spill,
    new: Spill,
    causes: Vec<Cause>,
    /// Old and new lines before the block.
    old_lines: usize,
    new_lines: usize,
    /// Kept lines since the last hunk's context (the last [`CONTEXT`] of them).
    recent: VecDeque<Vec<u8>>,
    hunk: Option<Hunk>,
    /// Kept lines after the pending hunk's run.
    after: Vec<Vec<u8>>,
    scratch: Vec<u8>,
}

impl<'a, W: Write> Diff<'a, W> {
    /// A diff of the input `name` to `out`. With `spill`, a hunk over [`SPILL_BYTES`] goes
    /// on in the file it opens (unnamed, read back once); without, it stays in memory.
    pub fn new(
        out: W,
        name: &'a str,
        rules: &'a RuleSet,
        st: Styles,
        spill: Option<SpillFile>,
    ) -> Self {
        Diff {
            out,
            name,
            rules,
            st,
            spill,
            headed: false,
            old: Spill::new(spill),
            new: Spill::new(spill),
            causes: Vec::new(),
            old_lines: 0,
            new_lines: 0,
            recent: VecDeque::new(),
            hunk: None,
            after: Vec::new(),
            scratch: Vec::new(),
        }
    }

    /// The next bytes of the input, `old`, became `new` in the output (`cause`: why, when
    /// they differ).
    pub fn segment(&mut self, old: &[u8], new: &[u8], cause: Cause) -> io::Result<()> {
        if old != new {
            if self.causes.is_empty() {
                // Until now the new bytes were the old ones, not stored twice.
                self.old.copy_to(&mut self.new)?;
            }
            if !self.causes.contains(&cause) {
                self.causes.push(cause);
            }
        }
        self.old.push(old)?;
        if !self.causes.is_empty() {
            self.new.push(new)?;
        }
        let new_aligned = if self.causes.is_empty() {
            self.old.aligned()
        } else {
            self.new.aligned()
        };
        if (!self.old.is_empty() || !self.new.is_empty()) && self.old.aligned() && new_aligned {
            self.block()?;
        }
        Ok(())
    }

    /// The next bytes of the input, kept as they are.
    pub fn kept(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.segment(bytes, bytes, Cause::Layout)
    }

    /// One page of the input, cleaned to `outcome`. With `lead_kept`, its first line is
    /// also written before it (the writer put it back). Its lines in the last `hold` bytes
    /// are left out and returned as one segment (their bytes, what they became, and why):
    /// the caller feeds it once it knows whether the writer put them back.
    pub fn page(
        &mut self,
        page: &Page<'_>,
        outcome: &Outcome,
        lead_kept: bool,
        hold: usize,
    ) -> io::Result<Option<Held>> {
        let hold_from = page.bytes().len() - hold;
        let mut new = std::mem::take(&mut self.scratch);
        let mut held: Option<Held> = None;
        for i in 0..page.len() {
            new.clear();
            if i == 0 && lead_kept {
                new.extend_from_slice(page.raw(0));
            }
            outcome.render_line(page, i, &mut new);
            let cause = outcome
                .removed_by(i)
                .or_else(|| outcome.edit_of(i).map(|e| e.removed[0].1))
                .unwrap_or(Cause::Layout);
            if hold > 0 && page.lines()[i].start >= hold_from {
                let h = held.get_or_insert_with(|| (Vec::new(), Vec::new(), cause));
                h.0.extend_from_slice(page.raw(i));
                h.1.extend_from_slice(&new);
            } else {
                self.segment(page.raw(i), &new, cause)?;
            }
        }
        self.scratch = new;
        Ok(held)
    }

    /// The block read is complete: a kept line, or changed lines.
    fn block(&mut self) -> io::Result<()> {
        if self.causes.is_empty() {
            // Unchanged: one line.
            match self.old.in_memory().filter(|b| b.len() <= MAX_CONTEXT_LINE) {
                Some(line) => {
                    let line = line.to_vec();
                    self.keep(line)?;
                }
                None => self.barrier()?,
            }
            self.old.clear();
            self.new.clear();
            self.old_lines += 1;
            self.new_lines += 1;
            return Ok(());
        }
        let (old_n, new_n) = (self.old.lines(), self.new.lines());
        let causes = std::mem::take(&mut self.causes);
        let removal = match causes[..] {
            [c] if self.new.is_empty() => Some(c),
            _ => None,
        };
        let merge = self.after.is_empty()
            && removal.is_some()
            && self.hunk.as_ref().is_some_and(|h| h.removal == removal);
        if !merge {
            if self.hunk.is_some() {
                let g = self.after.len();
                self.close((g / 2).min(CONTEXT), false)?;
            }
            self.hunk = Some(Hunk {
                lead: self.recent.drain(..).collect(),
                old_start: self.old_lines,
                new_start: self.new_lines,
                old_len: 0,
                new_len: 0,
                body: Spill::new(self.spill),
                causes,
                removal,
            });
        }
        let st = self.st;
        let h = self.hunk.as_mut().expect("a hunk is open");
        h.old_len += old_n;
        h.new_len += new_n;
        let body = &mut h.body;
        let mut m = Marked::new("-", st.removed, st.reset);
        self.old.drain(|c| m.feed(body, c))?;
        m.end(body)?;
        let mut m = Marked::new("+", st.added, st.reset);
        self.new.drain(|c| m.feed(body, c))?;
        m.end(body)?;
        self.old_lines += old_n;
        self.new_lines += new_n;
        Ok(())
    }

    /// A kept line that may serve as context.
    fn keep(&mut self, line: Vec<u8>) -> io::Result<()> {
        if self.hunk.is_some() {
            self.after.push(line);
            if self.after.len() >= 2 * CONTEXT {
                self.close(CONTEXT, false)?;
            }
        } else {
            self.recent.push_back(line);
            if self.recent.len() > CONTEXT {
                self.recent.pop_front();
            }
        }
        Ok(())
    }

    /// A kept line too long to be context: no hunk's context reaches past it.
    fn barrier(&mut self) -> io::Result<()> {
        if self.hunk.is_some() {
            let g = self.after.len();
            self.close(g.min(CONTEXT), false)?;
        }
        self.recent.clear();
        Ok(())
    }

    /// Write the pending hunk with at most `trail` of the kept lines after it as context
    /// (`at_end`: those reach the end of the input); what is left of them may lead the
    /// next hunk.
    fn close(&mut self, trail: usize, at_end: bool) -> io::Result<()> {
        let Some(mut h) = self.hunk.take() else {
            return Ok(());
        };
        let st = self.st;
        let mut lead = h.lead.len();
        let mut trail = trail.min(self.after.len());
        // Uneven context anchors a hunk to the file's start or end: only where it is.
        if lead > trail && !at_end {
            lead = trail;
        }
        if trail > lead && h.old_start - lead != 0 {
            trail = lead;
        }
        if !self.headed {
            writeln!(
                self.out,
                "{}--- {}\t(original){}",
                st.header, self.name, st.reset
            )?;
            writeln!(
                self.out,
                "{}+++ {}\t(cleaned){}",
                st.header, self.name, st.reset
            )?;
            self.headed = true;
        }
        let old_len = lead + h.old_len + trail;
        let new_len = lead + h.new_len + trail;
        let start = |before: usize, len: usize| if len == 0 { before } else { before + 1 };
        let label: Vec<&str> = h.causes.iter().map(|&c| self.rules.cause_id(c)).collect();
        writeln!(
            self.out,
            "{}@@ -{} +{} @@{} {}{}{}",
            st.hunk,
            range(start(h.old_start - lead, old_len), old_len),
            range(start(h.new_start - lead, new_len), new_len),
            st.reset,
            st.dim,
            label.join(", "),
            st.reset
        )?;
        let out = &mut self.out;
        for l in &h.lead[h.lead.len() - lead..] {
            context(out, l)?;
        }
        h.body.drain(|c| out.write_all(c))?;
        for l in &self.after[..trail] {
            context(out, l)?;
        }
        for l in self.after.drain(..).skip(trail) {
            self.recent.push_back(l);
            if self.recent.len() > CONTEXT {
                self.recent.pop_front();
            }
        }
        Ok(())
    }

    /// The input has ended: write what is pending. Returns whether anything was written
    /// (whether cleaning changes the input).
    pub fn finish(mut self) -> io::Result<bool> {
        if !self.old.is_empty() || !self.new.is_empty() {
            self.block()?;
        }
        let g = self.after.len();
        self.close(g.min(CONTEXT), g <= CONTEXT)?;
        self.out.flush()?;
        Ok(self.headed)
    }
}

/// A context line.
fn context(out: &mut impl Write, line: &[u8]) -> io::Result<()> {
    let mut m = Marked::new(" ", "", "");
    m.feed(out, line)?;
    m.end(out)
}

fn range(start: usize, len: usize) -> String {
    if len == 1 {
        start.to_string()
    } else {
        format!("{start},{len}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{load, Source};

    fn diff(rules: &str, input: &[u8]) -> String {
        let rs = load(&[Source::new("t.toml", rules)]).unwrap();
        let page = Page::new(input);
        let o = rs.apply(&page, None);
        let mut out = Vec::new();
        write_diff(&mut out, "p.txt", &page, &o, &rs, &Styles::PLAIN).unwrap();
        String::from_utf8(out).unwrap()
    }

    const DROP_AD: &str =
        "[[rule]]\nid = \"t/ad\"\nwhy = \"w\"\nkind = \"drop\"\nlines = [\"Ad\"]\n";

    #[test]
    fn unchanged_page_has_no_diff() {
        assert_eq!(diff(DROP_AD, b"a\nb\n"), "");
    }

    /// The first hunk has no context: two lines before it and none after (the next hunk
    /// starts right after it) would make `patch` anchor it to the end of the file.
    #[test]
    fn one_hunk_per_cause_with_ids() {
        let got = diff(DROP_AD, b"a\n\n\nAd\nb\nc\nd\ne\nf\ng\nAd\nh");
        assert_eq!(
            got,
            "--- p.txt\t(original)\n+++ p.txt\t(cleaned)\n\
             @@ -3 +2,0 @@ layout\n-\n\
             @@ -4 +2,0 @@ t/ad\n-Ad\n\
             @@ -11 +8,0 @@ t/ad\n-Ad\n\
             @@ -12 +9 @@ layout\n-h\n\\ No newline at end of file\n+h\n"
        );
    }
}
