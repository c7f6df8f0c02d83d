//! Repository tasks for go-link-build, run as `cargo xtask <command>`.
//!
//! ```text
//! cargo xtask go-bin [--release] [--target TRIPLE]... [--package CRATE]
//!     Builds the Go sidecars declared in workspace crates' Cargo.toml
//!     (see `go_bin` for the `[package.metadata.go-link-build]` schema).
//! cargo xtask bench [--rounds N] [--quick] [--keep] [--only PROGRAM]
//!     Times go-link-build against `go build` on the same programs.
//! cargo xtask conformance [--go VERSION]... [--only PROGRAM]...
//!     Builds a set of programs with go-link-build and with `go build` under
//!     every Go release found; prints whether output, build info and bytes match.
//! cargo test -p xtask
//!     Runs the tidy checks on go-link-build's sources (see `tidy`).
//! ```
//!
//! xtask is a developer tool, not part of the library: it spawns processes
//! and reads the environment directly, which the library leaves to `exec.rs`
//! and `env.rs` only.
// The workspace's clippy configuration forbids `Command::new` and
// `std::env::var` so that the library has one spawner and one environment
// reader; xtask is outside that invariant, like rust-analyzer's xtask.
#![allow(clippy::disallowed_methods)]

mod bench;
mod conformance;
mod go_bin;
#[cfg(test)]
mod package_tidy;
mod status;
#[cfg(test)]
mod tidy;

use std::process::ExitCode;

const USAGE: &str = "\
Usage: cargo xtask <command> [options]

Commands:
  go-bin    Build the Go sidecars declared in [package.metadata.go-link-build]
            --release          strip every sidecar (-s -w)
            --target TRIPLE    build for TRIPLE instead of the host (repeatable)
            --package CRATE    only the sidecars of workspace crate CRATE
  bench     Time go-link-build against `go build` (cold, no-op, CLI no-op, edits, deep edits, new workspace, remote)
            --rounds N         rounds per scenario (default 3)
            --quick            one round
            --keep             keep the temporary directory and print its path
            --only PROGRAM     one program: hello, server, carchive or modules
  conformance
            Build a set of programs with both builders under every Go release
            found (go on PATH, module-cache toolchains); print a table of
            whether output, build info and bytes match
            --go VERSION       only this Go release (go1.26, 1.26 or go1.26.8; repeatable)
            --only PROGRAM     only this program: hello, multi, modern, pgo, modules,
                               cprog, carchive (repeatable)
  help      Print this message

Tidy checks on the library's sources run with `cargo test -p xtask`.
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            status::error(&format!("{e:#}"));
            ExitCode::FAILURE
        }
    }
}

fn run(args: &[String]) -> anyhow::Result<()> {
    let Some((cmd, rest)) = args.split_first() else {
        eprint!("{USAGE}");
        return Ok(());
    };
    // Every command answers --help (-h) with its part of the usage, before
    // parsing anything else.
    if rest.iter().any(|a| a == "--help" || a == "-h") {
        match command_usage(cmd) {
            Some(text) => {
                print!("{text}");
                return Ok(());
            }
            None => anyhow::bail!("unknown command `{cmd}`; run `cargo xtask help` for the list"),
        }
    }
    match cmd.as_str() {
        "go-bin" => go_bin::run(go_bin::Options::parse(rest)?),
        "bench" => bench::run(bench::Options::parse(rest)?),
        "conformance" => conformance::run(conformance::Options::parse(rest)?),
        "help" | "-h" | "--help" => {
            eprint!("{USAGE}");
            Ok(())
        }
        other => anyhow::bail!("unknown command `{other}`; run `cargo xtask help` for the list"),
    }
}

/// The usage of one command: its block of [`USAGE`], under a usage line.
fn command_usage(cmd: &str) -> Option<String> {
    let line = match cmd {
        "go-bin" => "cargo xtask go-bin [--release] [--target TRIPLE]... [--package CRATE]",
        "bench" => "cargo xtask bench [--rounds N] [--quick] [--keep] [--only PROGRAM]",
        "conformance" => "cargo xtask conformance [--go VERSION]... [--only PROGRAM]...",
        "help" => "cargo xtask help",
        _ => return None,
    };
    let mut block = String::new();
    let mut inside = false;
    for l in USAGE.lines() {
        if l.starts_with("  ") && !l.starts_with("   ") {
            inside = l.split_whitespace().next() == Some(cmd);
        } else if !l.starts_with("  ") {
            inside = false;
        }
        if inside {
            block.push_str(l);
            block.push('\n');
        }
    }
    Some(format!("Usage: {line}\n\n{block}"))
}

/// A tiny flag parser: `--flag`, `--flag VALUE` and `--flag=VALUE`.
pub(crate) struct Args<'a> {
    rest: std::slice::Iter<'a, String>,
    command: &'static str,
}

/// One parsed argument.
pub(crate) enum Arg<'a> {
    /// `--name` or `--name=value` (the value is fetched with [`Args::value`]).
    Flag(&'a str, Option<&'a str>),
    /// Anything that does not start with `--`.
    Positional(&'a str),
}

impl<'a> Args<'a> {
    pub(crate) fn new(command: &'static str, args: &'a [String]) -> Args<'a> {
        Args { rest: args.iter(), command }
    }

    pub(crate) fn next_arg(&mut self) -> Option<Arg<'a>> {
        let a = self.rest.next()?;
        Some(match a.strip_prefix("--") {
            Some(body) => match body.split_once('=') {
                Some((name, value)) => Arg::Flag(name, Some(value)),
                None => Arg::Flag(body, None),
            },
            None => Arg::Positional(a),
        })
    }

    /// The value of `--name`: the inline `=value`, else the next argument.
    pub(crate) fn value(&mut self, name: &str, inline: Option<&'a str>) -> anyhow::Result<&'a str> {
        if let Some(v) = inline {
            return Ok(v);
        }
        match self.rest.next() {
            Some(v) if !v.starts_with("--") => Ok(v),
            _ => anyhow::bail!("`cargo xtask {}`: --{name} needs a value", self.command),
        }
    }

    /// The error for an argument the command does not know.
    pub(crate) fn unknown(&self, arg: &Arg<'_>) -> anyhow::Error {
        let shown = match arg {
            Arg::Flag(name, _) => format!("--{name}"),
            Arg::Positional(p) => (*p).to_string(),
        };
        anyhow::anyhow!("`cargo xtask {}`: unexpected argument `{shown}`; run `cargo xtask help`", self.command)
    }

    /// Rejects `--flag=value` for a flag that takes no value.
    pub(crate) fn no_value(&self, name: &str, inline: Option<&str>) -> anyhow::Result<()> {
        match inline {
            Some(_) => anyhow::bail!("`cargo xtask {}`: --{name} takes no value", self.command),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_answers_help() {
        for cmd in ["go-bin", "bench", "conformance", "help"] {
            let text = command_usage(cmd).unwrap_or_else(|| panic!("no usage for {cmd}"));
            assert!(text.starts_with(&format!("Usage: cargo xtask {cmd}")), "{text}");
            assert!(text.lines().count() > 2, "{cmd}'s usage has no description:\n{text}");
            for flag in ["--help", "-h"] {
                let args: Vec<String> = [cmd, flag].iter().map(|s| s.to_string()).collect();
                // Returns at once: nothing is built or timed.
                run(&args).unwrap_or_else(|e| panic!("{cmd} {flag}: {e}"));
            }
        }
        assert!(command_usage("go-bin").unwrap().contains("--release"));
        assert!(command_usage("bench").unwrap().contains("--rounds"));
        assert!(command_usage("conformance").unwrap().contains("--only PROGRAM"));
        let args: Vec<String> = ["nope", "--help"].iter().map(|s| s.to_string()).collect();
        assert!(run(&args).is_err());
    }
}
