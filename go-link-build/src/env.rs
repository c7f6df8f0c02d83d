//! The only reader of the process environment.
//!
//! Every variable go-link-build consults goes through [`Env`], which records it
//! so the build can print `cargo:rerun-if-env-changed` for it (except `PATH`,
//! which cargo already accounts for and which would make every PATH tweak a
//! rebuild). Values set with `Build::env` shadow the process environment and
//! are not reported to cargo: they live in the build script's source.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::sync::Mutex;

/// A recording view of the environment.
#[derive(Debug, Default)]
pub(crate) struct Env {
    /// Overrides from `Build::env`.
    overrides: BTreeMap<String, String>,
    /// Variables read from the real environment, with the value seen (for the cache key).
    read: Mutex<BTreeMap<String, Option<String>>>,
}

impl Env {
    pub(crate) fn new(overrides: BTreeMap<String, String>) -> Env {
        Env { overrides, read: Mutex::new(BTreeMap::new()) }
    }

    /// Reads a user-facing variable and records it for `rerun-if-env-changed`.
    /// Empty values count as unset, as in cmd/go.
    pub(crate) fn var(&self, key: &str) -> Option<String> {
        if let Some(v) = self.overrides.get(key) {
            return Some(v.clone()).filter(|v| !v.is_empty());
        }
        let value = raw(key).and_then(|v| v.into_string().ok());
        self.read.lock().unwrap_or_else(|e| e.into_inner()).insert(key.to_string(), value.clone());
        value.filter(|v| !v.is_empty())
    }

    /// Reads a variable cargo sets for build scripts (`OUT_DIR`, `TARGET`, …):
    /// not reported, since cargo reruns the script when they change anyway.
    pub(crate) fn cargo_var(&self, key: &str) -> Option<String> {
        raw(key).and_then(|v| v.into_string().ok()).filter(|v| !v.is_empty())
    }

    /// A value set with `Build::env`, if any (for settings that a tool reads
    /// itself, such as `CC` for the `cc` crate).
    pub(crate) fn overridden(&self, key: &str) -> Option<String> {
        self.overrides.get(key).cloned()
    }

    /// `PATH`, which is read but never reported.
    pub(crate) fn path(&self) -> Option<OsString> {
        raw("PATH")
    }

    /// Variables read so far, sorted, with their values (`None` = unset).
    pub(crate) fn read_vars(&self) -> BTreeMap<String, Option<String>> {
        self.read.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

#[allow(clippy::disallowed_methods)] // This module is the one place allowed to read the environment.
fn raw(key: &str) -> Option<OsString> {
    std::env::var_os(key)
}

/// Variables passed through to every tool unchanged, because the OS needs them
/// (`SYSTEMROOT` on Windows) or a host linker may (`PATH`, `TMPDIR`).
pub(crate) const PASSTHROUGH: &[&str] = &["PATH", "SYSTEMROOT", "HOME", "USERPROFILE", "TMPDIR", "TEMP", "TMP"];

/// Reads a pass-through variable for a tool's environment, unrecorded.
pub(crate) fn passthrough(key: &str) -> Option<OsString> {
    raw(key)
}

/// `GO_LINK_BUILD_DEBUG`: 1 echoes every tool command, 2 also dumps cache-key
/// inputs. It changes no output, so it is neither recorded nor reported.
pub(crate) fn debug_level() -> u32 {
    static LEVEL: std::sync::OnceLock<u32> = std::sync::OnceLock::new();
    *LEVEL.get_or_init(|| {
        raw("GO_LINK_BUILD_DEBUG").and_then(|v| v.into_string().ok()).and_then(|v| v.parse().ok()).unwrap_or(0)
    })
}
