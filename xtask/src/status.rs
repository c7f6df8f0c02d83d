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

/// `error: …` in bold red.
pub(crate) fn error(text: &str) {
    if color() {
        eprintln!("\x1b[1;31merror\x1b[0m: {text}");
    } else {
        eprintln!("error: {text}");
    }
}
