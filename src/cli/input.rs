//! The rules a run uses: the rule files and folders the flags and the configuration name,
//! read, checked and compiled, less the rules turned off. (Page inputs are opened in
//! [`super::compress`].)

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::args::RuleArgs;
use super::config::{self, Config};
use clean::{RuleSet, Source};

/// Whether the embedded rules are loaded: not under `--no-default-rules`, nor when the
/// configuration says `default-rules = false`.
pub fn default_rules(args: &RuleArgs, cfg: &Config) -> bool {
    !args.no_default_rules && cfg.default_rules.unwrap_or(true)
}

/// The rule sources the arguments and configuration name: embedded defaults first
/// (unless switched off), then the configuration's `rules`, then each `--rules` path in
/// order (a directory gives its `*.toml` files, recursively, sorted by path).
pub fn rule_sources(args: &RuleArgs, cfg: &Config) -> Result<Vec<Source>> {
    let mut sources = if default_rules(args, cfg) {
        clean::embedded_sources()
    } else {
        Vec::new()
    };
    for p in cfg.rules.iter().chain(&args.rules) {
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

/// Load and compile the rules the arguments and the configuration they select name, less
/// the rules turned off.
pub fn rule_set(args: &RuleArgs) -> Result<RuleSet> {
    load_rules(args, &config::find(args)?)
}

/// Rule ids turned off: the configuration's `disable`, then `--disable`.
pub fn disabled<'a>(args: &'a RuleArgs, cfg: &'a Config) -> Vec<&'a str> {
    cfg.disable
        .iter()
        .chain(&args.disable)
        .map(String::as_str)
        .collect()
}

/// Load and compile the rules `args` and `cfg` name; with `keep_disabled`, the rules
/// turned off stay in the set (for `clean rules`, which marks them). An unknown id to turn
/// off is an error, with the closest loaded id as a hint.
pub fn load_rules_with(args: &RuleArgs, cfg: &Config, keep_disabled: bool) -> Result<RuleSet> {
    let sources = rule_sources(args, cfg)?;
    if sources.is_empty() {
        match &cfg.path {
            Some(p) if !args.no_default_rules => anyhow::bail!(
                "no rules: {} says default-rules = false, so give rule files (`rules` there, or --rules PATH)",
                p.display()
            ),
            _ => anyhow::bail!("no rules: --no-default-rules needs at least one --rules PATH"),
        }
    }
    let mut files = sources
        .iter()
        .map(clean::rules::parse_source)
        .collect::<Result<Vec<_>, _>>()?;
    clean::rules::check_unique_ids(&files)?;
    let off = disabled(args, cfg);
    for id in &off {
        if !files.iter().flat_map(|f| &f.rules).any(|r| r.id == *id) {
            let ids = files.iter().flat_map(|f| &f.rules).map(|r| r.id.as_str());
            let hint = clean::rules::closest(id, ids)
                .map(|c| format!(" (did you mean `{c}`?)"))
                .unwrap_or_default();
            let origin = match &cfg.path {
                Some(p) if cfg.disable.iter().any(|d| d == id) => {
                    format!("{}: disable", p.display())
                }
                _ => "--disable".into(),
            };
            anyhow::bail!("{origin}: no rule `{id}` is loaded{hint}");
        }
    }
    if !keep_disabled {
        for f in &mut files {
            f.rules.retain(|r| !off.contains(&r.id.as_str()));
        }
    }
    Ok(clean::engine::compile::compile(files)?)
}

/// [`load_rules_with`], without the rules turned off.
pub fn load_rules(args: &RuleArgs, cfg: &Config) -> Result<RuleSet> {
    load_rules_with(args, cfg, false)
}
