//! Cargo-style status lines on stderr: a right-aligned bold verb, then text.
//!
//! Colour follows cargo's rules closely enough for a dev tool: on when stderr
//! is a terminal, off when `CARGO_TERM_COLOR=never` or `NO_COLOR` is set, and
//! forced on by `CARGO_TERM_COLOR=always`.

use std::io::IsTerminal;

fn color() -> bool {
    match std::env::var("CARGO_TERM_COLOR").as_deref() {
        Ok("always") => true,
        Ok("never") => false,
        _ => std::env::var_os("NO_COLOR").is_none() && std::io::stderr().is_terminal(),
    }
}

/// `   Compiling hello (…)`: the verb right-aligned to 12 columns, in bold green.
pub(crate) fn status(verb: &str, text: &str) {
    if color() {
        eprintln!("\x1b[1;32m{verb:>12}\x1b[0m {text}");
    } else {
        eprintln!("{verb:>12} {text}");
    }
}

/// `warning: …` in bold yellow.
pub(crate) fn warning(text: &str) {
    if color() {
        eprintln!("\x1b[1;33mwarning\x1b[0m: {text}");
    } else {
        eprintln!("warning: {text}");
    }
}

/// `error: …` in bold red.
pub(crate) fn error(text: &str) {
    if color() {
        eprintln!("\x1b[1;31merror\x1b[0m: {text}");
    } else {
        eprintln!("error: {text}");
    }
}

/// A byte count as cargo prints sizes: `1.9 MiB`, `512.0 KiB`, `17 B`.
pub(crate) fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut size = bytes as f64 / 1024.0;
    let mut unit = 0;
    while size >= 1024.0 && unit + 1 < UNITS.len() {
        size /= 1024.0;
        unit += 1;
    }
    format!("{size:.1} {}", UNITS[unit])
}

#[cfg(test)]
mod tests {
    use super::human_size;

    #[test]
    fn sizes() {
        assert_eq!(human_size(17), "17 B");
        assert_eq!(human_size(1536), "1.5 KiB");
        assert_eq!(human_size(2_000_000), "1.9 MiB");
    }
}
