//! The only writer to stdout: Cargo build-script directives.
//!
//! We print the single-colon `cargo:` form, which every Cargo since 1.0 reads,
//! so the crate's MSRV is not tied to the `cargo::` syntax (Cargo 1.77).

use std::io::Write;
use std::path::Path;

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

    pub(crate) fn rerun_if_changed(&self, path: &Path) {
        if self.metadata {
            self.emit(&format!("rerun-if-changed={}", path.display()));
        }
    }

    pub(crate) fn rerun_if_env_changed(&self, var: &str) {
        if self.metadata {
            self.emit(&format!("rerun-if-env-changed={var}"));
        }
    }

    pub(crate) fn rustc_env(&self, key: &str, value: &str) {
        if self.metadata {
            self.emit(&format!("rustc-env={key}={value}"));
        }
    }

    /// A link or metadata directive (`rustc-link-lib=…`, `rustc-link-search=…`,
    /// `rustc-link-arg=…`, `include=…`), printed as given.
    pub(crate) fn directive(&self, line: &str) {
        if self.metadata {
            self.emit(line);
        }
    }

    /// One `cargo:warning=` line per line of `text`, so multi-line tool output
    /// stays readable in cargo's report.
    pub(crate) fn warning(&self, text: &str) {
        if self.warnings {
            for line in text.lines() {
                self.emit(&format!("warning={line}"));
            }
        }
    }
}
