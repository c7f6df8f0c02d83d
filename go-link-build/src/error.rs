//! The crate's one error type.
//!
//! `Error` is opaque: a kind (private) and a message written for a person. Every
//! message answers what failed, on which input, what the tool said, and what to
//! do about it. IO errors always carry the path.

use std::fmt;
use std::path::Path;

/// What went wrong, broadly. Private so it can grow without breaking users.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ErrorKind {
    /// No usable Go toolchain (missing, too old, broken).
    Toolchain,
    /// The builder was configured wrongly (missing OUT_DIR, bad target, bad setter value).
    Config,
    /// A Go package could not be loaded (bad file, missing import, bad go.mod).
    Load,
    /// A Go tool (compile, asm, link) ran and failed.
    Tool,
    /// A file-system operation failed.
    Io,
    /// The request is valid but not supported (a target Go cannot serve).
    Unsupported,
}

/// An error from go-link-build. Its `Display` is a complete, multi-line
/// message, and so is its `Debug`, so that an `unwrap()` panic in a build
/// script is readable. An IO error keeps the `std::io::Error` as `source()`.
#[derive(Clone)]
pub struct Error {
    kind: ErrorKind,
    message: String,
    source: Option<std::sync::Arc<std::io::Error>>,
}

/// `Result` with go-link-build's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub(crate) fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error { kind, message: message.into(), source: None }
    }

    /// An IO error on `path`, with what we were doing (`"read"`, `"create directory"`).
    pub(crate) fn io(what: &str, path: &Path, err: std::io::Error) -> Error {
        let mut e = Error::new(ErrorKind::Io, format!("failed to {what} {}: {err}", path.display()));
        e.source = Some(std::sync::Arc::new(err));
        e
    }

    pub(crate) fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// Prefixes the message with context (`"loading package example.com/x"`).
    pub(crate) fn context(mut self, ctx: impl fmt::Display) -> Error {
        self.message = format!("{ctx}: {}", self.message);
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `unwrap()` prints this: the message as written, not a struct dump.
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_deref().map(|e| e as &(dyn std::error::Error + 'static))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_reads_like_display_and_io_keeps_its_source() {
        let e = Error::io("read", Path::new("/x/go.mod"), std::io::Error::from(std::io::ErrorKind::NotFound));
        assert_eq!(format!("{e:?}"), format!("{e}"));
        assert!(format!("{e:?}").starts_with("failed to read /x/go.mod: "));
        let src = std::error::Error::source(&e).expect("an IO error keeps its source");
        assert_eq!(src.to_string(), std::io::Error::from(std::io::ErrorKind::NotFound).to_string());
        assert!(std::error::Error::source(&Error::new(ErrorKind::Config, "x")).is_none());
    }
}
