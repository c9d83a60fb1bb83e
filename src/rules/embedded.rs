//! The default rule files, embedded at build time from `rules/*.toml` (see `build.rs`).
//!
//! They go through the same loader as `--rules` files, so built-ins and user rules share
//! one schema and one execution path.

use super::Source;

static EMBEDDED: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/embedded_rules.rs"));

/// The embedded rule files as sources named `rules/<file>.toml`, in name order.
pub fn embedded_sources() -> Vec<Source> {
    EMBEDDED
        .iter()
        .map(|(name, text)| Source::new(*name, *text))
        .collect()
}
