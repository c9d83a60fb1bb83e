//! A progress bar on stderr for large runs: bytes read, throughput, and files done.
//!
//! Only when stderr is a terminal and the work is large: more than [`MANY_FILES`] files,
//! or more than [`LARGE_INPUT`] bytes in all (known up front from file sizes, or else
//! once that much has been read). Never for `--diff`/`--explain`, which do not come here,
//! and never with `--no-progress`.
//!
//! A display, not a diagnostic: the bar draws on stderr itself, and diagnostics
//! ([`super::diag`]) are written with it out of the way ([`Progress::suspend`]).

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// More files than this show the bar.
pub const MANY_FILES: usize = 16;
/// More input bytes than this show the bar (4 MiB).
pub const LARGE_INPUT: u64 = 4 << 20;

/// The bar, or nothing.
pub struct Progress {
    bar: Option<ProgressBar>,
    /// Not drawn yet: waiting for `LARGE_INPUT` bytes (total size unknown).
    waiting: bool,
    read: u64,
    files: usize,
    files_done: usize,
}

impl Progress {
    /// A bar for `files` when `enabled` and stderr is a terminal and the work is large.
    pub fn new(enabled: bool, files: &[PathBuf]) -> Self {
        let mut p = Progress {
            bar: None,
            waiting: false,
            read: 0,
            files: files.len(),
            files_done: 0,
        };
        if !enabled || !std::io::stderr().is_terminal() {
            return p;
        }
        let total: Option<u64> = files.iter().map(|f| input_size(f)).sum();
        let large = files.len() > MANY_FILES || total.is_some_and(|t| t > LARGE_INPUT);
        let small = !large && total.is_some();
        if small {
            return p;
        }
        let bar = match total {
            Some(t) => ProgressBar::with_draw_target(Some(t), ProgressDrawTarget::hidden())
                .with_style(
                    ProgressStyle::with_template(
                        "{elapsed_precise} [{wide_bar}] {bytes}/{total_bytes} {binary_bytes_per_sec} eta {eta} {msg}",
                    )
                    .expect("a valid template")
                    .progress_chars("=> "),
                ),
            None => ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden()).with_style(
                ProgressStyle::with_template(
                    "{spinner} {elapsed_precise} {bytes} {binary_bytes_per_sec} {msg}",
                )
                .expect("a valid template"),
            ),
        };
        p.waiting = !large;
        if large {
            bar.set_draw_target(ProgressDrawTarget::stderr());
            bar.enable_steady_tick(Duration::from_millis(200));
        }
        p.bar = Some(bar);
        p.set_message();
        p
    }

    /// `n` more input bytes done.
    pub fn add(&mut self, n: u64) {
        let Some(bar) = &self.bar else { return };
        self.read += n;
        bar.inc(n);
        if self.waiting && self.read > LARGE_INPUT {
            self.waiting = false;
            bar.set_draw_target(ProgressDrawTarget::stderr());
            bar.enable_steady_tick(Duration::from_millis(200));
        }
    }

    /// One more input file done.
    pub fn file_done(&mut self) {
        self.files_done += 1;
        self.set_message();
    }

    fn set_message(&self) {
        if let Some(bar) = &self.bar {
            if self.files > 1 {
                bar.set_message(format!("files {}/{}", self.files_done, self.files));
            }
        }
    }

    /// Run `f` (which writes to stderr) with the bar out of the way.
    pub fn suspend<T>(&self, f: impl FnOnce() -> T) -> T {
        match &self.bar {
            Some(bar) => bar.suspend(f),
            None => f(),
        }
    }

    /// Remove the bar.
    pub fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}

/// The size of an input when it is a regular, uncompressed file (standard input too, when
/// redirected from a file).
fn input_size(path: &Path) -> Option<u64> {
    let meta = if path.as_os_str() == "-" {
        std::fs::metadata("/dev/stdin").ok()?
    } else {
        std::fs::metadata(path).ok()?
    };
    if !meta.is_file() {
        return None;
    }
    // The bar counts decompressed bytes: a compressed file's size says nothing of them.
    if path.as_os_str() != "-" {
        let mut head = [0u8; 4];
        let n = std::fs::File::open(path)
            .and_then(|mut f| std::io::Read::read(&mut f, &mut head))
            .ok()?;
        if super::compress::Codec::sniff(&head[..n]) != super::compress::Codec::Plain {
            return None;
        }
    }
    Some(meta.len())
}
