//! Reading inputs and rule files.

use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::args::RuleArgs;
use clean::{load, RuleSet, Source};

/// Read a whole input: a path, or standard input for `-`.
pub fn read_input(path: &Path) -> Result<Vec<u8>> {
    if path == Path::new("-") {
        let mut buf = Vec::new();
        io::stdin()
            .lock()
            .read_to_end(&mut buf)
            .context("<stdin>")?;
        return Ok(buf);
    }
    fs::read(path).with_context(|| path.display().to_string())
}

/// Open an input for streaming: a path, or standard input for `-`.
pub fn open_input(path: &Path) -> io::Result<Box<dyn io::BufRead + Send>> {
    Ok(if path == Path::new("-") {
        Box::new(io::BufReader::with_capacity(1 << 16, io::stdin()))
    } else {
        Box::new(io::BufReader::with_capacity(1 << 16, fs::File::open(path)?))
    })
}

/// The rule sources the arguments name: embedded defaults first (unless switched off),
/// then each `--rules` path in order (a directory gives its `*.toml` files, recursively,
/// sorted by path).
pub fn rule_sources(args: &RuleArgs) -> Result<Vec<Source>> {
    let mut sources = if args.no_default_rules {
        Vec::new()
    } else {
        clean::embedded_sources()
    };
    for p in &args.rules {
        let meta =
            fs::metadata(p).with_context(|| format!("{}: cannot read rules", p.display()))?;
        let files = if meta.is_dir() {
            let mut v = Vec::new();
            toml_files(p, &mut v)
                .with_context(|| format!("{}: cannot read rules directory", p.display()))?;
            v.sort();
            if v.is_empty() {
                anyhow::bail!("{}: no *.toml rule files in this directory", p.display());
            }
            v
        } else {
            vec![p.clone()]
        };
        for f in files {
            let text = fs::read_to_string(&f)
                .with_context(|| format!("{}: cannot read rules", f.display()))?;
            sources.push(Source::new(f.display().to_string(), text));
        }
    }
    Ok(sources)
}

fn toml_files(dir: &Path, out: &mut Vec<PathBuf>) -> io::Result<()> {
    for e in fs::read_dir(dir)? {
        let p = e?.path();
        if p.is_dir() {
            toml_files(&p, out)?;
        } else if p.extension().is_some_and(|x| x == "toml") {
            out.push(p);
        }
    }
    Ok(())
}

/// Load and compile the rules the arguments name.
pub fn rule_set(args: &RuleArgs) -> Result<RuleSet> {
    let sources = rule_sources(args)?;
    if sources.is_empty() {
        anyhow::bail!("no rules: --no-default-rules needs at least one --rules PATH");
    }
    Ok(load(&sources)?)
}
