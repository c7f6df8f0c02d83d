//! The only writer to stdout: Cargo build-script directives; and
//! `stderr_line`, behind every diagnostic line on stderr (`to_stderr!`).
//!
//! We print the single-colon `cargo:` form, which every Cargo since 1.0 reads,
//! so the crate's MSRV is not tied to the `cargo::` syntax (Cargo 1.77).
//!
//! A build's directives are [`Directive`] values: the printer writes them and
//! the no-op stamp stores them (through [`Directive::line`] and
//! [`Directive::parse`]), so a no-op build prints exactly what the full build
//! printed.

use std::io::Write;
use std::path::PathBuf;

/// One cargo directive a build prints.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Directive {
    /// `rerun-if-changed=PATH`.
    RerunIfChanged(PathBuf),
    /// `rerun-if-env-changed=VAR`.
    RerunIfEnvChanged(String),
    /// `rustc-env=KEY=VALUE`.
    RustcEnv(String, String),
    /// `rustc-link-search=native=DIR`.
    LinkSearchNative(PathBuf),
    /// `rustc-link-lib=SPEC` (`static=name`, `framework=name`, `name`).
    LinkLib(String),
    /// `rustc-link-arg=ARG`.
    LinkArg(String),
    /// `include=DIR`: metadata for dependents (`DEP_<links>_INCLUDE`).
    Include(PathBuf),
    /// `warning=TEXT` (one line): printed when warnings are on, repeated by a no-op build.
    Warning(String),
}

impl Directive {
    /// The directive without the `cargo:` prefix.
    pub(crate) fn line(&self) -> String {
        match self {
            Directive::RerunIfChanged(p) => format!("rerun-if-changed={}", p.display()),
            Directive::RerunIfEnvChanged(v) => format!("rerun-if-env-changed={v}"),
            Directive::RustcEnv(k, v) => format!("rustc-env={k}={v}"),
            Directive::LinkSearchNative(d) => format!("rustc-link-search=native={}", d.display()),
            Directive::LinkLib(l) => format!("rustc-link-lib={l}"),
            Directive::LinkArg(a) => format!("rustc-link-arg={a}"),
            Directive::Include(d) => format!("include={}", d.display()),
            Directive::Warning(w) => format!("warning={w}"),
        }
    }

    /// The inverse of [`Directive::line`].
    pub(crate) fn parse(line: &str) -> Option<Directive> {
        let (key, value) = line.split_once('=')?;
        Some(match key {
            "rerun-if-changed" => Directive::RerunIfChanged(value.into()),
            "rerun-if-env-changed" => Directive::RerunIfEnvChanged(value.into()),
            "rustc-env" => {
                let (k, v) = value.split_once('=')?;
                Directive::RustcEnv(k.into(), v.into())
            }
            "rustc-link-search" => Directive::LinkSearchNative(value.strip_prefix("native=")?.into()),
            "rustc-link-lib" => Directive::LinkLib(value.into()),
            "rustc-link-arg" => Directive::LinkArg(value.into()),
            "include" => Directive::Include(value.into()),
            "warning" => Directive::Warning(value.into()),
            _ => return None,
        })
    }
}

/// Writes one line to stderr (the `to_stderr!` macro), ignoring failure: a
/// closed or broken stderr (EPIPE) loses the line but neither panics nor
/// changes the build's result.
pub(crate) fn stderr_line(args: std::fmt::Arguments<'_>) {
    // Erases a drawn progress line first, so no line of ours shares it.
    crate::progress::stderr_line(|| {
        let _ = writeln!(std::io::stderr().lock(), "{args}");
    });
}

/// Where directives go, and whether to print them at all.
#[derive(Clone, Debug)]
pub(crate) struct CargoOutput {
    /// Print `rerun-if-*`, `rustc-env` and link directives.
    pub metadata: bool,
    /// Print Go tool output as `cargo:warning=` lines.
    pub warnings: bool,
}

impl CargoOutput {
    fn emit(&self, line: &str) {
        let stdout = std::io::stdout();
        let mut out = stdout.lock();
        // A closed stdout is not our error to report; cargo is gone.
        let _ = writeln!(out, "cargo:{line}");
    }

    /// Prints a directive: a warning when warnings are on, the others when
    /// metadata is on.
    pub(crate) fn print(&self, d: &Directive) {
        match d {
            Directive::Warning(w) => self.warning(w),
            _ if self.metadata => self.emit(&d.line()),
            _ => {}
        }
    }

    /// One `cargo:warning=` line per line of `text`, so multi-line tool output
    /// stays readable in cargo's report.
    /// Outside cargo (`cargo_metadata(false)`: the CLI, a program calling
    /// the library) they are `warning: ` lines on stderr, where a person
    /// reads them; stdout stays free of `cargo:` lines.
    pub(crate) fn warning(&self, text: &str) {
        if self.warnings {
            for line in text.lines() {
                if self.metadata {
                    self.emit(&format!("warning={line}"));
                } else {
                    to_stderr!("warning: {line}");
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directives_roundtrip() {
        for d in [
            Directive::RerunIfChanged("/a b/c.go".into()),
            Directive::RerunIfEnvChanged("CGO_CFLAGS".into()),
            Directive::RustcEnv("GO_LINK_BUILD_BIN_X".into(), "/o/bin/x=y".into()),
            Directive::LinkSearchNative("/o/lib".into()),
            Directive::LinkLib("static=hello".into()),
            Directive::LinkLib("framework=CoreFoundation".into()),
            Directive::LinkArg("-Wl,--as-needed".into()),
            Directive::Include("/o/include".into()),
            Directive::Warning("go-link-build: GOOS is ignored".into()),
        ] {
            assert_eq!(Directive::parse(&d.line()), Some(d.clone()), "{}", d.line());
        }
        assert_eq!(Directive::parse("go-link-flag=-lpthread"), None);
    }
}
