//! `clean` strips page chrome (player widgets, share bars, ads labels, captions, footers,
//! related-link lists) from text scraped off web pages, and leaves the article.
//!
//! The work is driven by declarative rule files ([`rules`]) compiled into a [`RuleSet`]
//! and applied to one page's bytes at a time ([`RuleSet::apply`]), which returns an
//! [`Outcome`]: the record of every removal, from which the cleaned bytes are rendered.
//! The library does no I/O; the `clean` binary is a thin front end over it.
//!
//! ```
//! let rules = clean::load(&clean::embedded_sources()).unwrap();
//! let out = rules.clean(b"Play Live Radio\nNext Up:\n\nHeadline\n\nText.\n", None);
//! assert_eq!(out, b"Headline\n\nText.\n");
//! ```
#![warn(missing_docs, clippy::print_stdout, clippy::print_stderr)]

pub mod engine;
pub mod eval;
pub mod parallel;
pub mod report;
pub mod rules;
pub mod suggest;

pub use engine::{
    load, words, Backoff, BackoffLevel, Cause, Edit, ExampleFailure, ExampleResult, Outcome, Page,
    Reason, Removal, RuleInfo, RuleSet, SiteApplied,
};
pub use rules::{embedded_sources, LoadError, Source};
