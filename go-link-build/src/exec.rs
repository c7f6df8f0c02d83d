//! The only spawner of processes.
//!
//! An [`Invocation`] is pure data: program, arguments, working directory and
//! the *complete* environment (we `env_clear` and set only what is listed, so
//! the user's stray `GOFLAGS` or `GODEBUG` can never leak into a tool run, and
//! every input of a tool run is visible in its cache key).
//!
//! How output is reported, following cmd/go's `reportCmd`:
//!
//! | outcome  | stdout+stderr                                  |
//! |----------|------------------------------------------------|
//! | success  | forwarded as `cargo:warning=` lines, if any     |
//! | failure  | in the `Error`, under a `# importpath` header, |
//! |          | with the command line when `GO_LINK_BUILD_DEBUG` is set |

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::error::{Error, ErrorKind, Result};

/// How many tool processes this process has started. Tests and the debug log
/// use it to prove that a no-op rebuild runs nothing.
pub(crate) static SPAWNED: AtomicUsize = AtomicUsize::new(0);

/// A fully described process run.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Invocation {
    pub program: PathBuf,
    pub args: Vec<OsString>,
    pub cwd: PathBuf,
    /// The whole environment of the child.
    pub env: Vec<(OsString, OsString)>,
}

/// What a finished run printed.
#[derive(Debug)]
pub(crate) struct Output {
    pub stdout: Vec<u8>,
    /// stdout and stderr of a tool interleaved as the tool wrote them is not
    /// available portably; cmd/go tools write diagnostics to stdout or stderr
    /// and we keep stderr after stdout.
    pub combined: String,
}

impl Invocation {
    pub(crate) fn new(program: impl Into<PathBuf>, cwd: impl Into<PathBuf>) -> Invocation {
        Invocation { program: program.into(), args: Vec::new(), cwd: cwd.into(), env: Vec::new() }
    }

    pub(crate) fn arg(&mut self, a: impl Into<OsString>) -> &mut Self {
        self.args.push(a.into());
        self
    }

    pub(crate) fn env(&mut self, k: impl Into<OsString>, v: impl Into<OsString>) -> &mut Self {
        self.env.push((k.into(), v.into()));
        self
    }

    /// The command line as a shell would show it, for logs and errors.
    pub(crate) fn display(&self) -> String {
        let mut s = String::new();
        for (k, v) in &self.env {
            if matches!(k.to_str(), Some("PATH" | "HOME" | "SYSTEMROOT" | "USERPROFILE" | "TMPDIR" | "TEMP" | "TMP")) {
                continue;
            }
            s.push_str(&format!("{}={} ", k.to_string_lossy(), shell_quote(&v.to_string_lossy())));
        }
        s.push_str(&shell_quote(&self.program.to_string_lossy()));
        for a in &self.args {
            s.push(' ');
            s.push_str(&shell_quote(&a.to_string_lossy()));
        }
        s
    }

    /// Spawns the command, waits, and returns its status, stdout, and
    /// stdout+stderr as text. `suffix` ends the debug echo (`|| true` for probes).
    fn spawn(&self, suffix: &str) -> std::io::Result<(std::process::ExitStatus, Vec<u8>, String)> {
        if crate::debug_enabled() {
            to_stderr!("go-link-build: (cd {} && {}){suffix}", self.cwd.display(), self.display());
        }
        SPAWNED.fetch_add(1, Ordering::Relaxed);
        #[allow(clippy::disallowed_methods)] // This module is the one place allowed to spawn.
        let mut cmd = Command::new(&self.program);
        cmd.args(&self.args).current_dir(&self.cwd).env_clear().stdin(Stdio::null());
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        let started = std::time::Instant::now();
        let out = cmd.output()?;
        if crate::debug_enabled() {
            // Where a build's time goes, tool by tool (with the phase times session.rs prints).
            to_stderr!(
                "go-link-build: {} {} exited after {:.1} ms",
                tool_name(&self.program),
                self.cwd.display(),
                started.elapsed().as_secs_f64() * 1000.0
            );
        }
        let mut combined = String::from_utf8_lossy(&out.stdout).into_owned();
        combined.push_str(&String::from_utf8_lossy(&out.stderr));
        Ok((out.status, out.stdout, combined))
    }

    /// Runs the command and returns whether it succeeded and everything it
    /// printed, for probes where failure is an answer, not an error.
    pub(crate) fn probe(&self) -> Result<(bool, String)> {
        let (status, _, combined) = self
            .spawn(" || true")
            .map_err(|e| Error::new(ErrorKind::Tool, format!("failed to start {}: {e}", self.program.display())))?;
        Ok((status.success(), combined))
    }

    /// Runs the command to completion. A non-zero exit is an error carrying
    /// everything the tool printed, under `header` (`# fmt`).
    pub(crate) fn run(&self, header: &str) -> Result<Output> {
        let (status, stdout, combined) = self.spawn("").map_err(|e| {
            Error::new(ErrorKind::Tool, format!("{header}\nfailed to start {}: {e}", self.program.display()))
        })?;
        if !status.success() {
            let mut msg = format!("{header}\n{}", combined.trim_end());
            if combined.trim().is_empty() {
                msg.push_str(&format!("\n{} exited with {status}", tool_name(&self.program)));
            }
            if crate::debug_enabled() {
                msg.push_str(&format!("\ncommand: (cd {} && {})", self.cwd.display(), self.display()));
            }
            return Err(Error::new(ErrorKind::Tool, msg));
        }
        Ok(Output { stdout, combined })
    }
}

fn tool_name(p: &Path) -> String {
    p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

fn shell_quote(s: &str) -> String {
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_./=:,+@%^".contains(&b)) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_quotes() {
        let mut inv = Invocation::new("/t/compile", "/w");
        inv.env("GOOS", "linux").env("PATH", "/bin").arg("-trimpath").arg("/a=>b;/c=>").arg("x y.go");
        assert_eq!(inv.display(), "GOOS=linux /t/compile -trimpath '/a=>b;/c=>' 'x y.go'");
    }
}
