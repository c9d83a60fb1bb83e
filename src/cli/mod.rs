//! The `clean` binary's front end: arguments → loaded rules → one function per mode.
//!
//! The only module that touches files, stdin/stdout and exit codes; the engine does the
//! work. Errors on one input are reported and counted, and the others still run.

pub mod args;
mod compress;
pub mod config;
mod corpus;
pub(crate) mod diag;
mod eval;
pub mod input;
mod jsonl;
pub mod output;
pub mod parallel;
mod pool;
mod progress;
mod review;
pub mod run;
pub mod stream;
mod suggest;
mod verify;
mod warc;

pub use run::main;
