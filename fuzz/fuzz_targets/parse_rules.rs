//! Rule-file parsing and compiling: any bytes must give a rule set or a LoadError, never a
//! panic; a rule set that loads must apply to a page without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(rules) = clean::load(&[clean::Source::new("fuzz.toml", text.as_ref())]) {
        let _ = rules.clean(b"Advertising\nPlay Live Radio\n\ntext. more\n19:04, 07.01.2026\n", None);
        let _ = rules.check_examples();
    }
});
