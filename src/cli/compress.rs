//! Inputs opened and outputs created, compressed or not: gzip (multi-member included) and
//! zstd.
//!
//! An input is a path, or standard input for `-` ([`open_input`]). Inputs are recognised
//! by their first bytes, never by their name, and decompressed while they are read, so
//! every mode reads `.jsonl.gz`, `.txt.zst` or a WET file as if it were plain. Outputs are
//! compressed on the way to the file ([`OutFile`]); the codec comes from the input (`-o
//! DIR`, `--in-place`) or from the file name (`--output FILE`).

use std::fs;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::Path;

use anyhow::{Context, Result};
use flate2::write::GzEncoder;

use super::diag::display_name;
use super::output::AtomicFile;

/// How a stream is compressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Codec {
    /// Not compressed.
    Plain,
    /// gzip (RFC 1952), one member or many.
    Gzip,
    /// Zstandard frames.
    Zstd,
}

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];
const ZSTD_MAGIC: [u8; 4] = [0x28, 0xb5, 0x2f, 0xfd];

/// The gzip level of outputs: the default of gzip(1).
pub const GZIP_LEVEL: u32 = 6;
/// The zstd level of outputs: the default of zstd(1).
pub const ZSTD_LEVEL: i32 = 3;

impl Codec {
    /// The codec a file name asks for: `.gz` gzip, `.zst` zstd, anything else plain.
    pub fn from_extension(path: &Path) -> Codec {
        match path.extension().and_then(|e| e.to_str()) {
            Some("gz") => Codec::Gzip,
            Some("zst") => Codec::Zstd,
            _ => Codec::Plain,
        }
    }

    /// The codec whose magic number `head` starts with.
    pub fn sniff(head: &[u8]) -> Codec {
        if head.starts_with(&GZIP_MAGIC) {
            Codec::Gzip
        } else if head.starts_with(&ZSTD_MAGIC) {
            Codec::Zstd
        } else {
            Codec::Plain
        }
    }
}

/// A byte stream as it is read (a file, standard input).
pub type Input = Box<dyn BufRead + Send>;

/// `raw`, decompressed if it starts with a gzip or zstd magic number, and the codec found.
pub fn decode(mut raw: Input) -> io::Result<(Codec, Input)> {
    // The magic may come in pieces (a pipe): gather up to four bytes.
    let mut head = [0u8; 4];
    let mut n = 0;
    while n < head.len() {
        match raw.read(&mut head[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    let codec = Codec::sniff(&head[..n]);
    let whole = io::Cursor::new(head[..n].to_vec()).chain(raw);
    let stream: Input = match codec {
        Codec::Plain => Box::new(whole),
        Codec::Gzip => Box::new(BufReader::with_capacity(
            1 << 16,
            flate2::bufread::MultiGzDecoder::new(whole),
        )),
        Codec::Zstd => Box::new(BufReader::with_capacity(
            1 << 16,
            zstd::stream::read::Decoder::with_buffer(whole)?,
        )),
    };
    Ok((codec, stream))
}

/// Read a whole input: a path, or standard input for `-`, decompressed (see
/// this module).
pub fn read_input(path: &Path) -> Result<Vec<u8>> {
    let mut buf = Vec::new();
    open_input(path)
        .and_then(|mut r| r.read_to_end(&mut buf))
        .with_context(|| display_name(path))?;
    Ok(buf)
}

/// Open an input for streaming: a path, or standard input for `-`, decompressed.
pub fn open_input(path: &Path) -> io::Result<Input> {
    open_input_codec(path).map(|(_, r)| r)
}

/// [`open_input`], with how the input was compressed.
pub fn open_input_codec(path: &Path) -> io::Result<(Codec, Input)> {
    let raw: Input = if path == Path::new("-") {
        Box::new(io::BufReader::with_capacity(1 << 16, io::stdin()))
    } else {
        Box::new(io::BufReader::with_capacity(1 << 16, fs::File::open(path)?))
    };
    decode(raw)
}

/// Whether an input (a path, or standard input for `-`) is a pipe, socket or terminal:
/// something that may wait for its writer, unlike a file.
pub fn is_pipe(path: &Path) -> bool {
    use std::os::fd::AsFd;
    use std::os::unix::fs::FileTypeExt;
    let meta = if path == Path::new("-") {
        io::stdin()
            .as_fd()
            .try_clone_to_owned()
            .map(fs::File::from)
            .and_then(|f| f.metadata())
    } else {
        fs::metadata(path)
    };
    meta.is_ok_and(|m| {
        let t = m.file_type();
        t.is_fifo() || t.is_socket() || t.is_char_device()
    })
}

/// A writer that compresses with a codec.
pub enum Encoder<W: Write> {
    /// As is.
    Plain(W),
    /// gzip, one member.
    Gzip(GzEncoder<W>),
    /// One zstd frame.
    Zstd(zstd::stream::write::Encoder<'static, W>),
}

impl<W: Write> Encoder<W> {
    /// Compress what is written to `w` with `codec`.
    pub fn new(w: W, codec: Codec) -> io::Result<Self> {
        Ok(match codec {
            Codec::Plain => Encoder::Plain(w),
            Codec::Gzip => Encoder::Gzip(GzEncoder::new(w, flate2::Compression::new(GZIP_LEVEL))),
            Codec::Zstd => Encoder::Zstd(zstd::stream::write::Encoder::new(w, ZSTD_LEVEL)?),
        })
    }

    /// Write the end of the compressed stream and give the writer back.
    pub fn finish(self) -> io::Result<W> {
        match self {
            Encoder::Plain(w) => Ok(w),
            Encoder::Gzip(e) => e.finish(),
            Encoder::Zstd(e) => e.finish(),
        }
    }

    /// The writer underneath.
    pub fn get_ref(&self) -> &W {
        match self {
            Encoder::Plain(w) => w,
            Encoder::Gzip(e) => e.get_ref(),
            Encoder::Zstd(e) => e.get_ref(),
        }
    }
}

impl<W: Write> Write for Encoder<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Encoder::Plain(w) => w.write(buf),
            Encoder::Gzip(e) => e.write(buf),
            Encoder::Zstd(e) => e.write(buf),
        }
    }
    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match self {
            Encoder::Plain(w) => w.write_all(buf),
            Encoder::Gzip(e) => e.write_all(buf),
            Encoder::Zstd(e) => e.write_all(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match self {
            Encoder::Plain(w) => w.flush(),
            Encoder::Gzip(e) => e.flush(),
            Encoder::Zstd(e) => e.flush(),
        }
    }
}

/// `bytes` as one gzip member (a WARC record of a `.warc.gz` file).
pub fn gzip_member(bytes: &[u8], out: &mut Vec<u8>) {
    out.clear();
    let mut e = GzEncoder::new(std::mem::take(out), flate2::Compression::new(GZIP_LEVEL));
    e.write_all(bytes).expect("writing to a Vec cannot fail");
    *out = e.finish().expect("writing to a Vec cannot fail");
}

/// An output file written atomically (see [`AtomicFile`]) and compressed on the way.
pub struct OutFile(Encoder<AtomicFile>);

impl OutFile {
    /// Start writing `path`, compressed with `codec`.
    pub fn create(path: &Path, codec: Codec) -> Result<Self> {
        let f = AtomicFile::create(path)?;
        Ok(OutFile(Encoder::new(f, codec)?))
    }

    /// The file this will replace.
    pub fn target(&self) -> &Path {
        self.0.get_ref().target()
    }

    /// End the compressed stream, then commit the file.
    pub fn commit(self) -> Result<()> {
        let target = self.target().to_owned();
        let f = self
            .0
            .finish()
            .map_err(|e| anyhow::anyhow!(e).context(target.display().to_string()))?;
        f.commit()
    }
}

impl Write for OutFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write(buf)
    }
    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.0.write_all(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decoded(bytes: Vec<u8>) -> (Codec, Vec<u8>) {
        let (codec, mut r) = decode(Box::new(io::Cursor::new(bytes))).unwrap();
        let mut out = Vec::new();
        r.read_to_end(&mut out).unwrap();
        (codec, out)
    }

    fn encoded(bytes: &[u8], codec: Codec) -> Vec<u8> {
        let mut e = Encoder::new(Vec::new(), codec).unwrap();
        e.write_all(bytes).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn plain_input_passes_through_byte_for_byte() {
        for input in [&b""[..], b"\x1f", b"ab", b"\x1f\x8cxyz\r\n", b"\xff\xfe\r"] {
            assert_eq!(decoded(input.to_vec()), (Codec::Plain, input.to_vec()));
        }
    }

    #[test]
    fn gzip_members_and_zstd_frames_are_read_whole() {
        let mut two = encoded(b"first member\n", Codec::Gzip);
        two.extend(encoded(b"second\r\nmember", Codec::Gzip));
        assert_eq!(
            decoded(two),
            (Codec::Gzip, b"first member\nsecond\r\nmember".to_vec())
        );
        let mut frames = encoded(b"one\n", Codec::Zstd);
        frames.extend(encoded(b"two\n", Codec::Zstd));
        assert_eq!(decoded(frames), (Codec::Zstd, b"one\ntwo\n".to_vec()));
    }

    #[test]
    fn a_truncated_member_is_an_error() {
        let mut gz = encoded(&b"some text that compresses\n".repeat(50), Codec::Gzip);
        gz.truncate(gz.len() / 2);
        let (_, mut r) = decode(Box::new(io::Cursor::new(gz))).unwrap();
        assert!(r.read_to_end(&mut Vec::new()).is_err());
    }

    #[test]
    fn gzip_member_is_one_member() {
        let mut m = Vec::new();
        gzip_member(b"record\r\n", &mut m);
        assert_eq!(decoded(m), (Codec::Gzip, b"record\r\n".to_vec()));
    }

    #[test]
    fn extensions_pick_the_codec() {
        assert_eq!(Codec::from_extension(Path::new("a.jsonl.gz")), Codec::Gzip);
        assert_eq!(Codec::from_extension(Path::new("a.zst")), Codec::Zstd);
        assert_eq!(Codec::from_extension(Path::new("a.gzip.txt")), Codec::Plain);
    }
}
