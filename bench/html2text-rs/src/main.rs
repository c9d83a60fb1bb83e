//! Print the HTML read from stdin as the `html2text` crate renders it, at the width given
//! (80 by default): `html2text-rs [WIDTH] < page.html`.
use std::io::{Read, Write};

fn main() {
    let mut html = Vec::new();
    if let Err(e) = std::io::stdin().read_to_end(&mut html) {
        eprintln!("html2text-rs: {e}");
        std::process::exit(1);
    }
    let width = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(80);
    match html2text::from_read(&html[..], width) {
        Ok(text) => {
            let _ = std::io::stdout().write_all(text.as_bytes());
        }
        Err(e) => {
            eprintln!("html2text-rs: {e}");
            std::process::exit(1);
        }
    }
}
