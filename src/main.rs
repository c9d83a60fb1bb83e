//! The `clean` binary: see `cli`.

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    // A bug must still end in one line in our error style, never a Rust panic dump.
    std::panic::set_hook(Box::new(|info| {
        let msg = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".into());
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        cli::diag::error(&anyhow::anyhow!(
            "internal error: {msg}{at} (a bug: please report it with the input that caused it)"
        ));
    }));
    std::panic::catch_unwind(cli::main).unwrap_or(ExitCode::from(2))
}
