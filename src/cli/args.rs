//! Command-line arguments ("low args"): as close to the flags as possible, no logic.

use std::path::PathBuf;

use clap::{Args as ClapArgs, Parser, Subcommand};

/// Strip boilerplate (player widgets, ads labels, captions, footers, related links) from
/// scraped page text and leave the article.
///
/// With no FILE, or when FILE is -, reads standard input. Each FILE is cleaned in turn
/// and written to standard output.
#[derive(Debug, Parser)]
#[command(name = "clean", version, args_conflicts_with_subcommands = true)]
pub struct Args {
    /// Subcommands; without one, `clean` is a filter.
    #[command(subcommand)]
    pub cmd: Option<Cmd>,
    /// Filter options.
    #[command(flatten)]
    pub filter: FilterArgs,
}

/// Where rules come from; shared by every mode.
#[derive(Debug, Clone, ClapArgs)]
pub struct RuleArgs {
    /// Load rules from a TOML file, or from every *.toml file under a directory
    /// (repeatable; loaded after the embedded defaults, in the order given).
    #[arg(long = "rules", value_name = "PATH")]
    pub rules: Vec<PathBuf>,
    /// Do not load the rules embedded in the binary.
    #[arg(long)]
    pub no_default_rules: bool,
}

/// The filter mode.
#[derive(Debug, ClapArgs)]
pub struct FilterArgs {
    /// Page files to clean (- for standard input).
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Rule sources.
    #[command(flatten)]
    pub rules: RuleArgs,
    /// The page's URL: its host selects site rules (`hosts` in a rule file).
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// List the loaded rules: id, kind, source file and why.
    Rules {
        /// Rule sources.
        #[command(flatten)]
        rules: RuleArgs,
    },
    /// Learn a site's rule file from its pages (lines that recur across pages are chrome).
    Suggest(super::suggest::SuggestArgs),
}
