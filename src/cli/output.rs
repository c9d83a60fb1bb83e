//! Writing files safely: every mode that writes a file goes through [`AtomicFile`] (or
//! [`write_atomic`] for bytes already in memory).

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, Once};

use anyhow::{Context, Result};

/// The temporary files being written now. SIGINT, SIGTERM and SIGHUP remove them before
/// the process ends as the signal would end it (a `kill -9` cannot be caught; the hidden
/// name then stays). Process-wide state, so it lives here in the binary, not the library.
static LIVE: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Install the signal handler, once, when the first temporary file is created.
fn remove_on_signals() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
            return; // without a handler, a signal leaves the file as before
        };
        std::thread::spawn(move || {
            if let Some(sig) = signals.forever().next() {
                // Held to the end: no file is registered, renamed or removed meanwhile.
                let live = LIVE.lock().unwrap_or_else(|e| e.into_inner());
                for tmp in live.iter() {
                    let _ = fs::remove_file(tmp);
                }
                let _ = signal_hook::low_level::emulate_default_handler(sig);
                std::process::exit(128 + sig);
            }
        });
    });
}

fn live() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    LIVE.lock().unwrap_or_else(|e| e.into_inner())
}

/// A file being written under a temporary name in the target's directory; [`commit`]
/// flushes it to disk and renames it over the target. Dropped without `commit` (an error
/// on the way), it removes the temporary file and leaves the target as it was.
///
/// [`commit`]: AtomicFile::commit
pub struct AtomicFile {
    target: PathBuf,
    tmp: PathBuf,
    file: Option<io::BufWriter<fs::File>>,
}

impl AtomicFile {
    /// Start writing `path`.
    pub fn create(path: &Path) -> Result<Self> {
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        let name = path
            .file_name()
            .with_context(|| format!("{}: not a file path", path.display()))?;
        remove_on_signals();
        let mut n = 0u32;
        loop {
            let tmp = dir.join(format!(
                ".{}.clean-tmp.{}.{n}",
                name.to_string_lossy(),
                std::process::id()
            ));
            // Registered before it exists, so a signal never misses it.
            let mut live = live();
            match fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&tmp)
            {
                Ok(f) => {
                    live.push(tmp.clone());
                    return Ok(AtomicFile {
                        target: path.to_owned(),
                        tmp,
                        file: Some(io::BufWriter::with_capacity(1 << 16, f)),
                    });
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists && n < 1000 => n += 1,
                Err(e) => {
                    return Err(e).with_context(|| {
                        format!("{}: cannot create a temporary file", path.display())
                    })
                }
            }
        }
    }

    /// The file this will replace.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Flush, sync, keep an existing target's permissions, and rename over the target.
    pub fn commit(mut self) -> Result<()> {
        let file = self.file.take().expect("commit runs once");
        let result = (|| -> io::Result<()> {
            let file = file.into_inner().map_err(|e| e.into_error())?;
            if let Ok(meta) = fs::metadata(&self.target) {
                file.set_permissions(meta.permissions())?;
            }
            file.sync_all()?;
            drop(file);
            let mut live = live();
            fs::rename(&self.tmp, &self.target)?;
            live.retain(|t| *t != self.tmp);
            Ok(())
        })();
        result.with_context(|| self.target.display().to_string())
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.file.as_mut().expect("not committed").write(buf)
    }
    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.file.as_mut().expect("not committed").write_all(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.file.as_mut().expect("not committed").flush()
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        // Not committed, or the rename failed: the temporary file goes.
        let mut live = live();
        if let Some(i) = live.iter().position(|t| *t == self.tmp) {
            live.swap_remove(i);
            let _ = fs::remove_file(&self.tmp);
        }
    }
}

/// Write `bytes` to `path` atomically (see [`AtomicFile`]).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut f = AtomicFile::create(path)?;
    f.write_all(bytes)
        .with_context(|| path.display().to_string())?;
    f.commit()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(name: &str) -> std::path::PathBuf {
        let d = std::env::temp_dir().join(format!("clean-output-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&d);
        fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn replaces_content_and_leaves_no_temp_file() {
        let d = dir("replace");
        let p = d.join("a.txt");
        fs::write(&p, "old").unwrap();
        write_atomic(&p, b"new").unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"new");
        assert_eq!(fs::read_dir(&d).unwrap().count(), 1);
    }

    #[test]
    fn failure_leaves_original_untouched() {
        let d = dir("fail");
        // The target is a directory: the rename fails, the directory and its content stay.
        let p = d.join("sub");
        fs::create_dir(&p).unwrap();
        fs::write(p.join("keep"), "x").unwrap();
        assert!(write_atomic(&p, b"new").is_err());
        assert_eq!(fs::read(p.join("keep")).unwrap(), b"x");
        assert_eq!(
            fs::read_dir(&d).unwrap().count(),
            1,
            "temporary file left behind"
        );
    }

    #[test]
    fn abandoned_file_leaves_original_untouched() {
        let d = dir("abandon");
        let p = d.join("a.txt");
        fs::write(&p, "original").unwrap();
        {
            let mut f = AtomicFile::create(&p).unwrap();
            f.write_all(b"half a page").unwrap();
            // dropped without commit, as when an error stops the run midway
        }
        assert_eq!(fs::read(&p).unwrap(), b"original");
        assert_eq!(fs::read_dir(&d).unwrap().count(), 1);
    }
}
