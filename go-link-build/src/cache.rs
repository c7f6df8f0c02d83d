//! The content-addressed action cache.
//!
//! # Identity
//!
//! Every action (compile one package, link one program) has an *action ID*:
//! the SHA-256 of a line-oriented description of everything that can change
//! its output. The description is built with [`KeyBuilder`], one `key value`
//! line at a time, so `GO_LINK_BUILD_DEBUG=2` can dump exactly what went into
//! a key (like cmd/go's `GODEBUG=gocachehash=1`). The lines are:
//!
//! - the format version of this cache and the tool identity (`compile -V=full`
//!   plus size and mtime of each tool binary);
//! - the tool environment (GOOS, GOARCH, GO$ARCH, GOEXPERIMENT, CGO_ENABLED);
//! - every flag of every tool run the action makes, with paths that vary
//!   between machines (object dirs, the cache itself) left out: they do not
//!   reach the output because of `-trimpath`;
//! - every input file: its name as the output records it (after `-trimpath`
//!   rewriting) and a digest of its content. Files under GOROOT are
//!   identified by size and modification time instead of content: GOROOT is
//!   an installed, read-only tree, and reading all of std's sources on every
//!   build would cost more than it protects against;
//! - the action IDs of the dependencies. An action's output is a
//!   deterministic function of its inputs, so a dependency's action ID names
//!   its output as well as a content hash would, without hashing megabytes of
//!   archives (which a build script, compiled without optimisation, does slowly).
//!
//! Because no absolute path of the source tree enters an ID, two checkouts of
//! the same code share cache entries, and two builds in different directories
//! produce byte-identical results.
//!
//! # Layout and atomicity
//!
//! ```text
//! <cache>/v1/<aa>/<action id>/...   one directory per finished action
//! <cache>/tmp/<unique>/             actions in progress
//! ```
//! An action runs in a fresh `tmp/` directory that is renamed into place when
//! it succeeded. `rename` of a directory is atomic, so an entry is either
//! complete or absent; when two build scripts race, the loser's rename fails
//! because the entry exists, and it uses the winner's (identical) result. A
//! failed action's temp directory is removed.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// Bump when the meaning of a key line or the entry layout changes.
const FORMAT: &str = "go-link-build cache v1";

/// A finished SHA-256 digest, printed as hex.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct ActionId(pub [u8; 32]);

impl ActionId {
    pub(crate) fn hex(&self) -> String {
        hex(&self.0)
    }

    /// A short form for `-buildid` and logs.
    pub(crate) fn short(&self) -> String {
        hex(&self.0[..15])
    }
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// SHA-256 of some bytes.
pub(crate) fn digest(data: &[u8]) -> [u8; 32] {
    Sha256::digest(data).into()
}

/// Builds an action ID from `key value` lines.
pub(crate) struct KeyBuilder {
    hasher: Sha256,
    /// The text fed to the hasher, kept only when debugging.
    text: Option<String>,
}

impl KeyBuilder {
    pub(crate) fn new(kind: &str) -> KeyBuilder {
        let mut kb = KeyBuilder {
            hasher: Sha256::new(),
            text: if crate::debug_level() >= 2 { Some(String::new()) } else { None },
        };
        kb.line("format", FORMAT);
        kb.line("action", kind);
        kb
    }

    /// Adds one line. Values are escaped so that no value can forge a line.
    pub(crate) fn line(&mut self, key: &str, value: impl std::fmt::Display) -> &mut Self {
        let value = value.to_string().replace('\\', "\\\\").replace('\n', "\\n");
        let line = format!("{key} {value}\n");
        self.hasher.update(line.as_bytes());
        if let Some(t) = &mut self.text {
            t.push_str(&line);
        }
        self
    }

    pub(crate) fn finish(self) -> ActionId {
        let id = ActionId(self.hasher.finalize().into());
        if let Some(t) = self.text {
            eprintln!("go-link-build: action {}:\n{t}", id.short());
        }
        id
    }
}

/// The cache directory.
#[derive(Clone, Debug)]
pub(crate) struct Cache {
    root: PathBuf,
}

static TMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// A temporary action directory, removed on drop unless committed.
pub(crate) struct TempDir {
    path: PathBuf,
    keep: bool,
}

impl TempDir {
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        if !self.keep {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}

impl Cache {
    pub(crate) fn open(root: &Path) -> Result<Cache> {
        for dir in [root.join("v1"), root.join("tmp")] {
            std::fs::create_dir_all(&dir).map_err(|e| Error::io("create cache directory", &dir, e))?;
        }
        // Tell backup and archiving tools this is a cache (https://bford.info/cachedir/).
        let tag = root.join("CACHEDIR.TAG");
        if !tag.exists() {
            let _ = write_atomic(
                &tag,
                b"Signature: 8a477f597d28d172789f06886806bc55\n# This file is a cache directory tag created by go-link-build.\n",
            );
        }
        Ok(Cache { root: root.to_path_buf() })
    }

    /// The cache's root directory.
    pub(crate) fn root(&self) -> &Path {
        &self.root
    }

    fn entry_dir(&self, id: &ActionId) -> PathBuf {
        let hex = id.hex();
        self.root.join("v1").join(&hex[..2]).join(hex)
    }

    /// The directory of a finished action, if the cache has it.
    pub(crate) fn lookup(&self, id: &ActionId) -> Option<PathBuf> {
        let dir = self.entry_dir(id);
        dir.is_dir().then_some(dir)
    }

    /// A fresh, empty directory to run an action in.
    pub(crate) fn temp_dir(&self) -> Result<TempDir> {
        let nanos =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
        let n = TMP_COUNTER.fetch_add(1, Ordering::Relaxed);
        let path = self.root.join("tmp").join(format!("{}-{n}-{nanos:x}", std::process::id()));
        std::fs::create_dir_all(&path).map_err(|e| Error::io("create directory", &path, e))?;
        Ok(TempDir { path, keep: false })
    }

    /// Moves a finished action directory into the cache and returns the entry.
    /// If another process committed the same action first, its entry is used.
    pub(crate) fn commit(&self, id: &ActionId, mut tmp: TempDir) -> Result<PathBuf> {
        let dir = self.entry_dir(id);
        if let Some(parent) = dir.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io("create directory", parent, e))?;
        }
        match std::fs::rename(&tmp.path, &dir) {
            Ok(()) => {
                tmp.keep = true;
                Ok(dir)
            }
            // Lost a race with another build script: the entry is identical.
            Err(_) if dir.is_dir() => Ok(dir),
            Err(e) => Err(Error::io("move into the cache", &dir, e)),
        }
    }
}

/// Writes a file atomically: a temp file next to it, then rename.
pub(crate) fn write_atomic(path: &Path, data: &[u8]) -> Result<()> {
    let n = TMP_COUNTER.fetch_add(1, Ordering::Relaxed);
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.tmp-{}-{n}", std::process::id()));
    std::fs::write(&tmp, data).map_err(|e| Error::io("write", &tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        Error::io("rename into place", path, e)
    })
}

/// Copies a file atomically (copy to a temp name, then rename), keeping its permissions.
pub(crate) fn copy_atomic(from: &Path, to: &Path) -> Result<()> {
    let n = TMP_COUNTER.fetch_add(1, Ordering::Relaxed);
    let name = to.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = to.with_file_name(format!(".{name}.tmp-{}-{n}", std::process::id()));
    std::fs::copy(from, &tmp).map_err(|e| Error::io(&format!("copy {} to", from.display()), &tmp, e))?;
    std::fs::rename(&tmp, to).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        Error::io("rename into place", to, e)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_line_exact() {
        let mut a = KeyBuilder::new("compile");
        a.line("flag", "-p\nflag -std");
        let mut b = KeyBuilder::new("compile");
        b.line("flag", "-p").line("flag", "-std");
        assert_ne!(a.finish(), b.finish(), "a newline in a value must not forge a line");
    }

    #[test]
    fn commit_is_atomic_and_race_tolerant() {
        let root = std::env::temp_dir().join(format!("glb-cache-test-{}", std::process::id()));
        let cache = Cache::open(&root).unwrap();
        let id = KeyBuilder::new("x").finish();
        assert!(cache.lookup(&id).is_none());
        let t1 = cache.temp_dir().unwrap();
        std::fs::write(t1.path().join("out"), b"1").unwrap();
        let t2 = cache.temp_dir().unwrap();
        std::fs::write(t2.path().join("out"), b"1").unwrap();
        let t2_path = t2.path().to_path_buf();
        let e1 = cache.commit(&id, t1).unwrap();
        let e2 = cache.commit(&id, t2).unwrap();
        assert_eq!(e1, e2);
        assert!(!t2_path.exists(), "the loser's temp dir is removed");
        assert_eq!(cache.lookup(&id), Some(e1));
        std::fs::remove_dir_all(&root).unwrap();
    }
}
