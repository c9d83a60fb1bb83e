//! The `clean` binary's front end: arguments → loaded rules → one function per mode.
//!
//! The only module that touches files, stdin/stdout and exit codes; the engine does the
//! work. Errors on one input are reported and counted, and the others still run.

pub mod args;
mod input;
#[allow(dead_code)] // used by the modes that write files (test --update, -o, --in-place)
pub mod output;
mod run;
mod suggest;

pub use run::main;
