//! WARC 1.0/1.1 records (Common Crawl WET files) under `--warc`.
//!
//! Records are read one at a time from the (decompressed) stream; a record's text — the
//! block of a `conversion` record, of a text/plain `resource` record, or the body of a
//! `response` record whose HTTP payload is text/plain — is cleaned as a page with
//! WARC-Target-URI as its URL. Every header is kept as it came, except `Content-Length`
//! (rewritten) and sha1 `WARC-Block-Digest`/`WARC-Payload-Digest` (recomputed; a digest of
//! another algorithm is dropped, since it would be wrong). A record whose text loses
//! nothing, and every other record, is written back byte for byte. A record over
//! [`max_record_bytes`] is malformed: it is skipped without being held in memory.

use std::io::{self, BufRead, Read, Write};
use std::ops::Range;
use std::path::Path;

use anyhow::{anyhow, Result};

use super::args::FilterArgs;
use super::compress::{gzip_member, open_input_codec, Codec};
use super::corpus::{destination, RecordsOut, Run, BATCH_BYTES, IN_FLIGHT_BYTES, RECORD_PAGES};
use super::diag::display_name;
use super::parallel::ordered_map_batched;
use super::stream::{clean_text, Cleaned};
use clean::report::stats::Stats;
use clean::RuleSet;

/// The largest record read (header and block), as for JSONL: this many times
/// `--max-page-bytes` (64 MiB by default). A larger one is a malformed record.
pub fn max_record_bytes(args: &FilterArgs) -> usize {
    args.max_page_bytes.saturating_mul(RECORD_PAGES)
}
/// The largest record header (version line and named fields).
const MAX_HEADER_BYTES: usize = 1 << 20;

/// One record as read: its bytes, unchanged.
pub struct Record {
    /// Where it starts in the decompressed stream.
    pub offset: u64,
    raw: Vec<u8>,
    /// The version line and header lines (without the blank line ending them).
    head: Range<usize>,
    /// The content block.
    block: Range<usize>,
}

/// What the reader hands on.
pub enum Item {
    /// A whole record.
    Record(Record),
    /// A malformed record at `offset`; with `lost`, the input cannot be read further.
    Malformed {
        /// Byte offset of the record in the decompressed stream.
        offset: u64,
        /// What is wrong.
        msg: String,
        /// The rest of the input is lost (the framing is broken).
        lost: bool,
    },
    /// The input could not be read (a truncated or corrupt gzip member, a disk error)
    /// inside the record that starts at this byte offset; this ends it.
    Io(u64, io::Error),
}

/// The records of a stream, in order.
pub struct Records<R> {
    r: R,
    offset: u64,
    limit: usize,
    done: bool,
}

impl<R: BufRead> Records<R> {
    /// Records of `r`; one over `limit` bytes is malformed.
    pub fn new(r: R, limit: usize) -> Self {
        Records {
            r,
            offset: 0,
            limit,
            done: false,
        }
    }

    /// Append one line (at most `max` bytes) to `buf`; the number of bytes read.
    fn line(&mut self, buf: &mut Vec<u8>, max: usize) -> io::Result<usize> {
        (&mut self.r).take(max as u64).read_until(b'\n', buf)
    }

    fn read_one(&mut self) -> Result<Option<Record>, Item> {
        let lost = |offset, msg: String| Item::Malformed {
            offset,
            msg,
            lost: true,
        };
        // Where the record being read starts (blank lines before it included).
        let start = self.offset;
        let mut raw = Vec::new();
        // Blank lines between records are tolerated.
        loop {
            let n = self
                .line(&mut raw, MAX_HEADER_BYTES)
                .map_err(|e| Item::Io(start, e))?;
            if n == 0 {
                return Ok(None);
            }
            if raw == b"\n" || raw == b"\r\n" {
                self.offset += n as u64;
                raw.clear();
                continue;
            }
            break;
        }
        let offset = self.offset;
        if !raw.starts_with(b"WARC/") || !raw.ends_with(b"\n") {
            return Err(lost(
                offset,
                "no WARC/ version line where a record starts".into(),
            ));
        }
        let mut length: Option<Result<u64, String>> = None;
        let head_end;
        loop {
            let at = raw.len();
            let room = MAX_HEADER_BYTES.saturating_sub(at);
            let n = self.line(&mut raw, room).map_err(|e| Item::Io(start, e))?;
            if n == 0 || !raw.ends_with(b"\n") {
                let msg = if room == 0 || n == room {
                    format!("header longer than {MAX_HEADER_BYTES} bytes")
                } else {
                    "the input ends inside the record's header".into()
                };
                return Err(lost(offset, msg));
            }
            if matches!(&raw[at..], b"\n" | b"\r\n") {
                head_end = at;
                break;
            }
            if let Some(v) = field(&raw[at..], "Content-Length") {
                length = Some(
                    std::str::from_utf8(v)
                        .ok()
                        .and_then(|s| s.parse::<u64>().ok())
                        .ok_or_else(|| {
                            format!(
                                "Content-Length `{}` is not a number",
                                String::from_utf8_lossy(v)
                            )
                        }),
                );
            }
        }
        let length = match length {
            None => return Err(lost(offset, "no Content-Length".into())),
            Some(v) => v.map_err(|msg| lost(offset, msg))?,
        };
        let block_start = raw.len();
        let too_big = length > (self.limit.saturating_sub(block_start)) as u64;
        let got = if too_big {
            // Read past the block without keeping it.
            io::copy(&mut (&mut self.r).take(length), &mut io::sink())
                .map_err(|e| Item::Io(start, e))?
        } else {
            (&mut self.r)
                .take(length)
                .read_to_end(&mut raw)
                .map_err(|e| Item::Io(start, e))? as u64
        };
        if got < length {
            return Err(lost(
                offset,
                format!("the input ends inside the block ({got} of the {length} bytes of Content-Length)"),
            ));
        }
        let block_end = raw.len();
        // Two line ends of one style (CRLF in the standard): a block one byte too long
        // or short would leave a mixed pair.
        let tail = raw.len();
        for _ in 0..2 {
            let at = raw.len();
            self.line(&mut raw, 2).map_err(|e| Item::Io(start, e))?;
            if !matches!(&raw[at..], b"\n" | b"\r\n") || (at > tail && raw[at..] != raw[tail..at]) {
                return Err(lost(
                    offset,
                    "the block is not followed by two line ends (is Content-Length right?)".into(),
                ));
            }
        }
        let read = (raw.len() as u64) + if too_big { length } else { 0 };
        self.offset += read;
        if too_big {
            return Err(Item::Malformed {
                offset,
                msg: format!(
                    "record of {read} bytes, over the limit of {} bytes ({RECORD_PAGES} × --max-page-bytes)",
                    self.limit
                ),
                lost: false,
            });
        }
        Ok(Some(Record {
            offset,
            raw,
            head: 0..head_end,
            block: block_start..block_end,
        }))
    }
}

impl<R: BufRead> Iterator for Records<R> {
    type Item = Item;
    fn next(&mut self) -> Option<Item> {
        if self.done {
            return None;
        }
        match self.read_one() {
            Ok(Some(r)) => Some(Item::Record(r)),
            Ok(None) => {
                self.done = true;
                None
            }
            Err(e) => {
                self.done = matches!(e, Item::Io(..) | Item::Malformed { lost: true, .. });
                Some(e)
            }
        }
    }
}

/// The value of header line `line` when its name is `name` (ASCII case ignored).
fn field<'a>(line: &'a [u8], name: &str) -> Option<&'a [u8]> {
    let colon = memchr::memchr(b':', line)?;
    if !line[..colon]
        .trim_ascii()
        .eq_ignore_ascii_case(name.as_bytes())
    {
        return None;
    }
    Some(line[colon + 1..].trim_ascii())
}

/// Lines of `bytes`, each with its line end.
fn lines(bytes: &[u8]) -> impl Iterator<Item = &[u8]> {
    bytes.split_inclusive(|&b| b == b'\n')
}

/// The first header of `head` named `name`.
fn header<'a>(head: &'a [u8], name: &str) -> Option<&'a [u8]> {
    lines(head).skip(1).find_map(|l| field(l, name))
}

fn is_text_plain(content_type: Option<&[u8]>) -> bool {
    content_type.is_some_and(|t| t.len() >= 10 && t[..10].eq_ignore_ascii_case(b"text/plain"))
}

impl Record {
    fn head(&self) -> &[u8] {
        &self.raw[self.head.clone()]
    }

    fn block(&self) -> &[u8] {
        &self.raw[self.block.clone()]
    }

    /// Where the text to clean starts in the block (after an HTTP header), if this record
    /// has text to clean.
    fn text_start(&self) -> Option<usize> {
        let head = self.head();
        let kind = header(head, "WARC-Type")?;
        let ct = header(head, "Content-Type");
        if kind.eq_ignore_ascii_case(b"conversion") {
            (ct.is_none() || is_text_plain(ct)).then_some(0)
        } else if kind.eq_ignore_ascii_case(b"resource") {
            is_text_plain(ct).then_some(0)
        } else if kind.eq_ignore_ascii_case(b"response")
            && ct.is_some_and(|t| t.to_ascii_lowercase().starts_with(b"application/http"))
        {
            let block = self.block();
            let end = memchr::memmem::find(block, b"\r\n\r\n").map(|i| i + 4)?;
            let http = &block[..end];
            let coded =
                |name| header(http, name).is_some_and(|v| !v.eq_ignore_ascii_case(b"identity"));
            (http.starts_with(b"HTTP/")
                && is_text_plain(header(http, "Content-Type"))
                && !coded("Content-Encoding")
                && !coded("Transfer-Encoding"))
            .then_some(end)
        } else {
            None
        }
    }

    /// The record's text and URL, if it has text to clean.
    pub fn text(&self) -> Option<(&[u8], Option<String>)> {
        let start = self.text_start()?;
        let url = header(self.head(), "WARC-Target-URI").map(|u| {
            let u = u
                .strip_prefix(b"<")
                .and_then(|u| u.strip_suffix(b">"))
                .unwrap_or(u);
            String::from_utf8_lossy(u).into_owned()
        });
        Some((&self.block()[start..], url))
    }

    /// The record cleaned, written into `out` (emptied first); `stats` counts its page.
    /// A text over the page cap `cap`, or of as many lines as a piece holds, is cleaned in
    /// pieces as a page read from a file is ([`super::stream::clean_text`]).
    pub fn clean(
        &self,
        rules: &RuleSet,
        mut stats: Option<&mut Stats>,
        cap: usize,
        out: &mut Vec<u8>,
    ) {
        out.clear();
        let Some((text, url)) = self.text() else {
            out.extend_from_slice(&self.raw);
            return;
        };
        let cleaned = clean_text(rules, url.as_deref(), text, cap, |piece| {
            let Some(s) = stats.as_deref_mut() else {
                return;
            };
            match piece {
                Cleaned::Page {
                    page,
                    outcome,
                    out_len,
                    ..
                } => s.add(page, outcome, out_len),
                Cleaned::Long { bytes, add_newline } => s.add_kept(bytes, add_newline),
            }
        });
        if cleaned == text {
            out.extend_from_slice(&self.raw);
            return;
        }
        let block = self.block();
        let prefix = &block[..block.len() - text.len()];
        let mut new_block = Vec::with_capacity(prefix.len() + cleaned.len());
        rewrite(prefix, cleaned.len(), None, &mut new_block);
        new_block.extend_from_slice(&cleaned);
        // The payload is the HTTP body of a response, the whole block otherwise.
        let digests = Digests {
            block: &new_block,
            payload: &cleaned,
        };
        rewrite(self.head(), new_block.len(), Some(&digests), out);
        out.extend_from_slice(&self.raw[self.head.end..self.block.start]);
        out.extend_from_slice(&new_block);
        out.extend_from_slice(&self.raw[self.block.end..]);
    }
}

struct Digests<'a> {
    block: &'a [u8],
    payload: &'a [u8],
}

/// Copy header lines `head` (the first line, a version or status line, as it is) into
/// `out` with Content-Length set to `length` and, with `digests`, the WARC digests
/// recomputed (sha1) or dropped (other algorithms).
fn rewrite(head: &[u8], length: usize, digests: Option<&Digests<'_>>, out: &mut Vec<u8>) {
    let mut dropping = false;
    for (i, l) in lines(head).enumerate() {
        if i > 0 && matches!(l.first(), Some(b' ' | b'\t')) {
            // A continuation line belongs to the field before it.
            if !dropping {
                out.extend_from_slice(l);
            }
            continue;
        }
        dropping = false;
        let eol: &[u8] = if l.ends_with(b"\r\n") {
            b"\r\n"
        } else if l.ends_with(b"\n") {
            b"\n"
        } else {
            b""
        };
        let name_end = memchr::memchr(b':', l).unwrap_or(0);
        let name = &l[..name_end];
        if i > 0 && field(l, "Content-Length").is_some() {
            out.extend_from_slice(name);
            out.extend_from_slice(format!(": {length}").as_bytes());
            out.extend_from_slice(eol);
            continue;
        }
        let digest_of = digests.and_then(|d| {
            if field(l, "WARC-Block-Digest").is_some() {
                Some(d.block)
            } else if field(l, "WARC-Payload-Digest").is_some() {
                Some(d.payload)
            } else {
                None
            }
        });
        match (i > 0).then_some(digest_of).flatten() {
            Some(bytes) => {
                let value = &l[name_end + 1..];
                if value.trim_ascii_start().len() >= 5
                    && value.trim_ascii_start()[..5].eq_ignore_ascii_case(b"sha1:")
                {
                    out.extend_from_slice(name);
                    out.extend_from_slice(b": sha1:");
                    out.extend_from_slice(&base32(&sha1_smol::Sha1::from(bytes).digest().bytes()));
                    out.extend_from_slice(eol);
                } else {
                    dropping = true;
                }
            }
            None => out.extend_from_slice(l),
        }
    }
}

/// RFC 4648 base32 (upper case), as WARC writers print sha1 digests (20 bytes: 32
/// characters, no padding).
fn base32(bytes: &[u8]) -> Vec<u8> {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut out = Vec::with_capacity(bytes.len().div_ceil(5) * 8);
    for chunk in bytes.chunks(5) {
        let mut buf = [0u8; 5];
        buf[..chunk.len()].copy_from_slice(chunk);
        let v = buf.iter().fold(0u64, |v, &b| v << 8 | u64::from(b));
        let chars = (chunk.len() * 8).div_ceil(5);
        for k in 0..8 {
            if k < chars {
                out.push(ALPHABET[((v >> (35 - 5 * k)) & 31) as usize]);
            } else {
                out.push(b'=');
            }
        }
    }
    out
}

/// What a worker hands back for one item.
enum Done {
    /// The output bytes of a record, its statistics and the bytes read.
    Record(Vec<u8>, Option<Stats>, usize),
    Malformed {
        offset: u64,
        msg: String,
        lost: bool,
    },
    Io(u64, io::Error),
}

/// One WARC input (a path or `-`), to stdout or its destination file. Records go out
/// gzipped one by one when the input was gzip and goes to a file (`-o`, `--in-place`),
/// or when `gzip_stdout` (an `--output` file named .gz).
pub fn warc_input(
    run: &mut Run,
    path: &Path,
    gzip_stdout: bool,
    stdout: &mut impl Write,
) -> Result<()> {
    let r = warc_one(run, path, gzip_stdout, stdout);
    run.progress.file_done();
    r
}

fn warc_one(run: &mut Run, path: &Path, gzip_stdout: bool, stdout: &mut impl Write) -> Result<()> {
    let (rules, args, jobs) = (run.rules, run.args, run.jobs);
    let name = display_name(path);
    let (codec, reader) = match open_input_codec(path) {
        Ok(r) => r,
        Err(e) => return run.fail(stdout, anyhow!(e).context(name)),
    };
    let gzip_records = match destination(args, path) {
        Some(_) => codec == Codec::Gzip,
        None => gzip_stdout,
    };
    // gzip is written record by record; zstd as one stream.
    let file_codec = if codec == Codec::Gzip {
        Codec::Plain
    } else {
        codec
    };
    let mut to = RecordsOut::new(name, args, path, file_codec)?;
    let want_stats = run.stats.is_some();
    let work = |item: Item| match item {
        Item::Record(rec) => {
            let mut stats = want_stats.then(|| Stats::new(rules));
            let mut out = Vec::with_capacity(rec.raw.len());
            rec.clean(rules, stats.as_mut(), args.max_page_bytes, &mut out);
            if gzip_records {
                let plain = out;
                out = Vec::with_capacity(plain.len() / 3);
                gzip_member(&plain, &mut out);
            }
            Done::Record(out, stats, rec.raw.len())
        }
        Item::Malformed { offset, msg, lost } => Done::Malformed { offset, msg, lost },
        Item::Io(offset, e) => Done::Io(offset, e),
    };
    let weight = |item: &Item| match item {
        Item::Record(r) => r.raw.len(),
        _ => 0,
    };
    let sink = |d: Done| -> Result<()> {
        match d {
            Done::Record(bytes, stats, read) => {
                run.progress.add(read as u64);
                to.records += 1;
                if let (Some(total), Some(s)) = (&mut run.stats, stats) {
                    total.merge(&s);
                }
                to.write(stdout, &bytes)
            }
            Done::Io(offset, e) => {
                Err(anyhow!(e).context(format!("{}: record at byte {offset}", to.name)))
            }
            Done::Malformed { offset, msg, lost } => {
                to.records += 1;
                let at = format!("{}: record at byte {offset}", to.name);
                if lost {
                    return Err(anyhow!("{at}: {msg}; the rest of the input cannot be read"));
                }
                to.malformed(run, stdout, &at, &msg)
            }
        }
    };
    let result = ordered_map_batched(
        jobs,
        IN_FLIGHT_BYTES,
        BATCH_BYTES,
        weight,
        Records::new(reader, max_record_bytes(args)),
        work,
        sink,
    );
    to.end(result, run, stdout)
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMIT: usize = 64 << 20;

    fn rules() -> RuleSet {
        clean::load(&clean::embedded_sources()).unwrap()
    }

    fn record(kind: &str, extra: &str, block: &str) -> String {
        format!(
            "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: http://example.org/a\r\n{extra}Content-Length: {}\r\n\r\n{block}\r\n\r\n",
            block.len()
        )
    }

    fn read_all(input: &[u8], limit: usize) -> Vec<Item> {
        Records::new(input, limit).collect()
    }

    fn cleaned(input: &str) -> String {
        let mut all = String::new();
        for item in read_all(input.as_bytes(), LIMIT) {
            let Item::Record(r) = item else {
                panic!("not a record")
            };
            let mut out = Vec::new();
            r.clean(&rules(), None, 1 << 22, &mut out);
            all.push_str(std::str::from_utf8(&out).unwrap());
        }
        all
    }

    #[test]
    fn base32_matches_rfc4648_vectors() {
        for (input, want) in [
            ("", ""),
            ("f", "MY======"),
            ("fo", "MZXQ===="),
            ("foo", "MZXW6==="),
            ("foob", "MZXW6YQ="),
            ("fooba", "MZXW6YTB"),
            ("foobar", "MZXW6YTBOI======"),
        ] {
            assert_eq!(base32(input.as_bytes()), want.as_bytes());
        }
    }

    #[test]
    fn conversion_text_is_cleaned_and_framing_rewritten() {
        let block = "Advertising\nA sentence of the article.\n";
        let input = record(
            "conversion",
            "WARC-Block-Digest: sha1:AAAA\r\nContent-Type: text/plain\r\n",
            block,
        );
        let out = cleaned(&input);
        let text = "A sentence of the article.\n";
        let digest =
            String::from_utf8(base32(&sha1_smol::Sha1::from(text).digest().bytes())).unwrap();
        assert_eq!(
            out,
            record(
                "conversion",
                &format!("WARC-Block-Digest: sha1:{digest}\r\nContent-Type: text/plain\r\n"),
                text,
            )
        );
    }

    /// A text over the cap is cleaned in pieces, as a page read from a file is, and counted
    /// piece by piece.
    #[test]
    fn a_text_over_the_cap_is_cleaned_in_pieces() {
        let block: String = (0..30)
            .map(|k| format!("Advertising\n\nThe council met for the {k}th time and agreed.\n\n"))
            .collect();
        let input = record("conversion", "Content-Type: text/plain\r\n", &block);
        let (rules, cap) = (rules(), 512);
        let mut stats = Stats::new(&rules);
        let mut out = Vec::new();
        for item in read_all(input.as_bytes(), LIMIT) {
            let Item::Record(r) = item else {
                panic!("not a record")
            };
            r.clean(&rules, Some(&mut stats), cap, &mut out);
        }
        let want = super::super::stream::clean_input(&rules, None, block.as_bytes(), cap).unwrap();
        let want = String::from_utf8(want).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            record("conversion", "Content-Type: text/plain\r\n", &want)
        );
        assert!(stats.pages > 1, "{} piece(s)", stats.pages);
    }

    #[test]
    fn other_records_and_unchanged_text_pass_through() {
        let input = record(
            "warcinfo",
            "Content-Type: application/warc-fields\r\n",
            "Advertising\n",
        ) + &record(
            "conversion",
            "WARC-Block-Digest: sha1:KEEP\r\n",
            "Nothing to remove.\n",
        ) + &record("resource", "Content-Type: image/png\r\n", "Advertising\n");
        assert_eq!(cleaned(&input), input);
    }

    #[test]
    fn response_bodies_of_text_plain_are_cleaned_behind_their_http_header() {
        let http = |body: &str| {
            format!(
                "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            )
        };
        let input = record(
            "response",
            "Content-Type: application/http; msgtype=response\r\nWARC-Payload-Digest: md5:XYZ\r\n",
            &http("Advertising\nBody.\n"),
        );
        assert_eq!(
            cleaned(&input),
            record(
                "response",
                "Content-Type: application/http; msgtype=response\r\n",
                &http("Body.\n")
            )
        );
    }

    #[test]
    fn malformed_records_name_their_offset() {
        let good = record("conversion", "", "Body.\n");
        let cut = good.len();
        // A Content-Length one byte too long breaks the framing.
        let bad = good.replace("Content-Length: 6", "Content-Length: 7");
        let items = read_all(format!("{good}{bad}{good}").as_bytes(), LIMIT);
        assert_eq!(items.len(), 2);
        assert!(
            matches!(&items[1], Item::Malformed { offset, lost: true, .. } if *offset == cut as u64)
        );
        // Truncated, and not a record at all.
        let items = read_all(&good.as_bytes()[..good.len() - 5], LIMIT);
        assert!(
            matches!(&items[0], Item::Malformed { offset: 0, lost: true, msg } if msg.contains("ends inside the block"))
        );
        let items = read_all(b"HTTP/1.1 200 OK\r\n\r\n", LIMIT);
        assert!(matches!(
            &items[0],
            Item::Malformed {
                offset: 0,
                lost: true,
                ..
            }
        ));
    }

    #[test]
    fn a_record_over_the_limit_is_skipped_and_the_next_one_read() {
        let small = record("conversion", "", "Body.\n");
        let big = record("conversion", "", &"x".repeat(500));
        let items = read_all(format!("{big}{small}").as_bytes(), 300);
        assert!(matches!(
            &items[0],
            Item::Malformed {
                offset: 0,
                lost: false,
                ..
            }
        ));
        assert!(
            matches!(&items[1], Item::Record(r) if r.offset == big.len() as u64 && r.raw == small.as_bytes())
        );
        assert_eq!(items.len(), 2);
    }
}
