//! Project configuration: a `.clean.toml` in the current directory or the nearest parent,
//! or the file `--config` or `CLEAN_CONFIG` names; `--no-config` reads none.
//!
//! The file only gives defaults: flags on the command line win (and `--rules`, `--disable`
//! add to the file's lists). Keys are kebab-case and an unknown key is an error that names
//! the file, line and column, like a rule file's. Reference: docs/configuration.md.

use std::fs;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result};
use serde::Deserialize;
use toml::Spanned;

use super::args::{parse_size, ColorChoice, RuleArgs};

/// The file name looked for from the current directory up.
pub const FILE_NAME: &str = ".clean.toml";

/// The environment variable that names a configuration file.
pub const ENV_VAR: &str = "CLEAN_CONFIG";

/// The keys of a configuration file, as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    #[serde(default)]
    rules: Vec<PathBuf>,
    default_rules: Option<bool>,
    #[serde(default)]
    disable: Vec<String>,
    jobs: Option<usize>,
    max_page_bytes: Option<Spanned<Size>>,
    color: Option<ColorChoice>,
}

/// `max-page-bytes`: a number of bytes, or a string with a K, M or G suffix.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Size {
    Bytes(u64),
    Text(String),
}

/// A configuration file, read and checked.
#[derive(Debug, Default)]
pub struct Config {
    /// The file it was read from (`None`: no configuration).
    pub path: Option<PathBuf>,
    /// Rule files and directories, resolved against the file's directory.
    pub rules: Vec<PathBuf>,
    /// Whether to load the embedded rules (`None`: not said).
    pub default_rules: Option<bool>,
    /// Rule ids to turn off.
    pub disable: Vec<String>,
    /// Default for `-j`.
    pub jobs: Option<usize>,
    /// Default for `--max-page-bytes`.
    pub max_page_bytes: Option<usize>,
    /// Default for `--color`.
    pub color: Option<ColorChoice>,
}

/// The configuration the arguments select: none under `--no-config`, else the file
/// `--config` names, else the one `CLEAN_CONFIG` names, else the nearest `.clean.toml`
/// from the current directory up, else none.
pub fn find(args: &RuleArgs) -> Result<Config> {
    if args.no_config {
        return Ok(Config::default());
    }
    let named = args.config.clone().or_else(|| {
        std::env::var_os(ENV_VAR)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    });
    let path = match named {
        Some(p) => Some(p),
        None => {
            let cwd = std::env::current_dir().context("the current directory")?;
            cwd.ancestors()
                .map(|d| d.join(FILE_NAME))
                .find(|p| p.is_file())
        }
    };
    match path {
        Some(p) => read(&p),
        None => Ok(Config::default()),
    }
}

/// Read and check one configuration file.
pub fn read(path: &Path) -> Result<Config> {
    let text = fs::read_to_string(path)
        .with_context(|| format!("{}: cannot read configuration", path.display()))?;
    parse(path, &text)
}

fn parse(path: &Path, text: &str) -> Result<Config> {
    let name: Arc<str> = Arc::from(path.display().to_string());
    let at =
        |span: Option<Range<usize>>| clean::rules::pos_at(&name, text, span.map_or(0, |s| s.start));
    let raw: RawConfig = toml::from_str(text).map_err(|e| {
        anyhow::anyhow!(
            "{}: {}",
            at(e.span()),
            e.message().trim().replace('\n', " ")
        )
    })?;
    let max_page_bytes = match raw.max_page_bytes {
        None => None,
        Some(s) => {
            let span = s.span();
            let parsed = match s.into_inner() {
                Size::Bytes(n) => parse_size(&n.to_string()),
                Size::Text(t) => parse_size(&t),
            };
            Some(parsed.map_err(|e| anyhow::anyhow!("{}: max-page-bytes: {e}", at(Some(span))))?)
        }
    };
    let dir = path.parent().unwrap_or(Path::new(""));
    Ok(Config {
        path: Some(path.to_owned()),
        rules: raw.rules.iter().map(|r| dir.join(r)).collect(),
        default_rules: raw.default_rules,
        disable: raw.disable,
        jobs: raw.jobs,
        max_page_bytes,
        color: raw.color,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_is_read_and_rules_are_relative_to_the_file() {
        let c = parse(
            Path::new("proj/.clean.toml"),
            "rules = [\"my-rules\"]\ndefault-rules = false\ndisable = [\"generic/byline\"]\n\
             jobs = 3\nmax-page-bytes = \"2M\"\ncolor = \"never\"\n",
        )
        .unwrap();
        assert_eq!(c.rules, [Path::new("proj/my-rules")]);
        assert_eq!(c.default_rules, Some(false));
        assert_eq!(c.disable, ["generic/byline"]);
        assert_eq!(c.jobs, Some(3));
        assert_eq!(c.max_page_bytes, Some(2 << 20));
        assert_eq!(c.color, Some(ColorChoice::Never));
        let n = parse(Path::new("c.toml"), "max-page-bytes = 1000\n").unwrap();
        assert_eq!(n.max_page_bytes, Some(1000));
    }

    #[test]
    fn errors_name_file_line_and_column() {
        let e = parse(Path::new("c.toml"), "jobs = 2\ndefault_rules = true\n").unwrap_err();
        let msg = e.to_string();
        assert!(
            msg.starts_with("c.toml:2:1: unknown field `default_rules`"),
            "{msg}"
        );
        let e = parse(Path::new("c.toml"), "\nmax-page-bytes = \"4X\"\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "c.toml:2:18: max-page-bytes: `4X`: the suffix must be K, M or G"
        );
        let e = parse(Path::new("c.toml"), "color = \"blue\"\n").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("c.toml:1:9: unknown variant `blue`"),
            "{e}"
        );
    }
}
