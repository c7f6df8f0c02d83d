//! Progress of a build as events ([`Event`], through [`Build::progress`]),
//! and [`Terminal`], the one-line live display that `go-link-build build`,
//! `go-link-build sidecars` and `cargo xtask go-bin` draw with them.
//!
//! The executor only reports; what to show, and whether to show anything,
//! is the caller's decision. The display is for a person at a terminal:
//! [`Terminal::stderr`] gives none when stderr is not a terminal (a pipe, a
//! file, cargo capturing a build script's output), so logs never receive
//! redraw bytes.
//!
//! [`Build::progress`]: crate::Build::progress

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What happened during a build's execution, in the order it happened.
///
/// Actions are numbered `0..total` in plan order: one per package (its cgo
/// steps, compile and asm), the link, a C archive's header, the install.
/// On success every action has exactly one `Started` and one `Finished`.
/// An action whose dependency failed never starts. A build that retries
/// after finding a damaged cache entry starts again with `Planned`.
/// A no-op build (nothing changed) and a dry run (`-n`) send no event.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event {
    /// Execution begins: `total` actions are planned.
    Planned {
        /// How many actions the plan has.
        total: usize,
    },
    /// An action begins: its key is computed, the cache consulted and, on a
    /// miss, its tools run.
    Started {
        /// Its number, `0..total`.
        action: usize,
        /// What it does, for a person: `compile runtime`, `link example.com/app`.
        label: String,
    },
    /// An action succeeded.
    Finished {
        /// Its number, `0..total`.
        action: usize,
        /// As in [`Event::Started`].
        label: String,
        /// Its output came from the cache: no tool ran.
        cached: bool,
    },
    /// An action failed (the build's error says why).
    Failed {
        /// Its number, `0..total`.
        action: usize,
        /// As in [`Event::Started`].
        label: String,
    },
}

/// A callback receiving a build's [`Event`]s; called from the build's
/// worker threads, so it must be quick and thread-safe.
pub(crate) type Observer = Arc<dyn Fn(&Event) + Send + Sync>;

/// A progress callback inside [`crate::Build`]: it changes no output, so it
/// stays out of the no-op fingerprint (the `Debug` form of `Build`).
#[derive(Clone, Default)]
pub(crate) struct Hook(pub Option<Observer>);

impl std::fmt::Debug for Hook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("_")
    }
}

/// Whether a progress line is on stderr now. Held while drawing, and by
/// [`stderr_line`] while the library prints a line of its own (every
/// `to_stderr!` goes through it), so the two never share a line.
static LINE: Mutex<bool> = Mutex::new(false);

/// Runs `print` (which writes whole lines to stderr) after erasing the
/// progress line, if one is drawn; the next event draws it again below.
pub(crate) fn stderr_line<T>(print: impl FnOnce() -> T) -> T {
    let mut line = LINE.lock().unwrap_or_else(|e| e.into_inner());
    if std::mem::take(&mut *line) {
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r\x1b[K");
        let _ = err.flush();
    }
    print()
}

/// The smallest interval between two redraws: faster is flicker that no
/// one can read, and costs terminal output on a build of many small actions.
const REDRAW: Duration = Duration::from_millis(50);

/// A one-line live display of build progress on stderr, drawn over itself
/// (`\r`, clear to end of line): `[ 37/212] compile runtime`, the count of
/// finished actions and the longest-running action. [`Terminal::clear`]
/// erases it; so does dropping the last handle.
///
/// ```no_run
/// let term = go_link_build::progress::Terminal::stderr();
/// let mut b = go_link_build::Build::new();
/// if let Some(t) = &term {
///     let t = t.clone();
///     b.progress(move |e| t.event(e));
/// }
/// let res = b.package("cmd/hello").out_dir("out").cargo_metadata(false).try_binary("hello");
/// if let Some(t) = &term {
///     t.clear();
/// }
/// # let _ = res;
/// ```
#[derive(Debug)]
pub struct Terminal {
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    total: usize,
    done: usize,
    /// Running actions, oldest first.
    running: Vec<(usize, String)>,
    last_draw: Option<Instant>,
    /// Whether a line is on screen.
    drawn: bool,
}

impl Terminal {
    /// A display on stderr, or `None` when stderr is not a terminal, or
    /// when `GO_LINK_BUILD_DEBUG` has the build print lines there (a redrawn
    /// line would mix with them).
    #[must_use]
    pub fn stderr() -> Option<Arc<Terminal>> {
        use std::io::IsTerminal;
        (std::io::stderr().is_terminal() && !crate::debug_enabled())
            .then(|| Arc::new(Terminal { state: Mutex::new(State::default()) }))
    }

    /// Takes one event into account and redraws, at most every 50 ms.
    pub fn event(&self, e: &Event) {
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        match e {
            Event::Planned { total } => {
                st.total = *total;
                st.done = 0;
                st.running.clear();
            }
            Event::Started { action, label } => st.running.push((*action, label.clone())),
            Event::Finished { action, .. } | Event::Failed { action, .. } => {
                st.running.retain(|(a, _)| a != action);
                st.done += 1;
            }
        }
        let now = Instant::now();
        if st.last_draw.is_some_and(|t| now.duration_since(t) < REDRAW) {
            return;
        }
        st.last_draw = Some(now);
        let running = st.running.first().map(|(_, l)| l.as_str());
        let text = line(st.done, st.total, running, width());
        st.drawn = true;
        let mut line = LINE.lock().unwrap_or_else(|e| e.into_inner());
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r\x1b[K{text}");
        let _ = err.flush();
        *line = true;
    }

    /// Erases the line, if one is drawn (before other output, and at the end).
    pub fn clear(&self) {
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if std::mem::take(&mut st.drawn) {
            let mut line = LINE.lock().unwrap_or_else(|e| e.into_inner());
            if std::mem::take(&mut *line) {
                let mut err = std::io::stderr().lock();
                let _ = write!(err, "\r\x1b[K");
                let _ = err.flush();
            }
        }
        // The next build's first event draws at once.
        st.last_draw = None;
    }
}

impl Drop for Terminal {
    fn drop(&mut self) {
        self.clear();
    }
}

/// `[ 37/212] compile runtime`, cut to fit `width` columns (a line that
/// wraps could not be drawn over).
fn line(done: usize, total: usize, running: Option<&str>, width: usize) -> String {
    let digits = total.to_string().len();
    let mut s = format!("[{done:>digits$}/{total}]");
    if let Some(r) = running {
        s.push(' ');
        s.push_str(r);
    }
    // The last column stays empty: some terminals wrap on writing it.
    let max = width.saturating_sub(1).max(10);
    if s.chars().count() > max {
        s = s.chars().take(max.saturating_sub(1)).collect();
        s.push('…');
    }
    s
}

/// The terminal's width in columns: stderr's window size, else `COLUMNS`,
/// else 80.
fn width() -> usize {
    #[cfg(unix)]
    {
        // SAFETY: TIOCGWINSZ writes one `winsize` into the struct we pass; on
        // failure (not a terminal) it writes nothing and returns -1.
        let mut ws: libc::winsize = unsafe { std::mem::zeroed() };
        if unsafe { libc::ioctl(2, libc::TIOCGWINSZ, &mut ws) } == 0 && ws.ws_col > 0 {
            return usize::from(ws.ws_col);
        }
    }
    crate::env::passthrough("COLUMNS")
        .and_then(|v| v.to_str().and_then(|v| v.trim().parse().ok()))
        .filter(|w| *w > 0)
        .unwrap_or(80)
}

/// The label of an action in events: what it does and to which package.
pub(crate) fn label(kind: crate::plan::ActionKind, header: &str) -> String {
    use crate::plan::ActionKind;
    let name = header.strip_prefix("# ").unwrap_or(header);
    let verb = match kind {
        ActionKind::Package(_) => "compile",
        ActionKind::Link => "link",
        ActionKind::Header => "header",
        ActionKind::Install => "install",
        // Its header already says what it does: `# preprofile <profile>`.
        ActionKind::Preprofile => return name.to_string(),
    };
    format!("{verb} {name}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines() {
        assert_eq!(line(37, 212, Some("compile runtime"), 80), "[ 37/212] compile runtime");
        assert_eq!(line(0, 9, None, 80), "[0/9]");
        assert_eq!(line(5, 10, Some("compile a/very/long/import/path"), 21), "[ 5/10] compile a/v…");
        assert_eq!(line(5, 10, Some("compile x"), 21).chars().count(), 17);
    }

    #[test]
    fn labels() {
        use crate::plan::{ActionKind, PkgIdx};
        assert_eq!(label(ActionKind::Package(PkgIdx(3)), "# runtime"), "compile runtime");
        assert_eq!(label(ActionKind::Link, "# example.com/app"), "link example.com/app");
    }

    #[test]
    fn hook_is_not_in_the_fingerprint() {
        let h = Hook(Some(Arc::new(|_: &Event| {})));
        assert_eq!(format!("{h:?}"), format!("{:?}", Hook::default()));
    }
}
