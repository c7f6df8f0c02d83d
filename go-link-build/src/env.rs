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
    /// The user's go env file (`go env -w`), once looked for: its path and settings.
    go_env: std::sync::OnceLock<Option<(std::path::PathBuf, BTreeMap<String, String>)>>,
}

impl Env {
    pub(crate) fn new(overrides: BTreeMap<String, String>) -> Env {
        Env { overrides, read: Mutex::new(BTreeMap::new()), go_env: std::sync::OnceLock::new() }
    }

    /// A Go setting as cmd/go's `cfg.Getenv` finds it: `Build::env`, the
    /// environment, then the user's go env file (what `go env -w` wrote:
    /// `$GOENV`, else `<user config dir>/go/env`).
    pub(crate) fn go_var(&self, key: &str) -> Option<String> {
        if let Some(v) = self.var(key) {
            return Some(v);
        }
        self.go_env_file().and_then(|(_, settings)| settings.get(key).cloned()).filter(|v| !v.is_empty())
    }

    /// The go env file, if one exists (for `rerun-if-changed`).
    pub(crate) fn go_env_path(&self) -> Option<std::path::PathBuf> {
        self.go_env.get().and_then(|f| f.as_ref()).map(|(p, _)| p.clone())
    }

    fn go_env_file(&self) -> Option<&(std::path::PathBuf, BTreeMap<String, String>)> {
        self.go_env
            .get_or_init(|| {
                let path = match self.var("GOENV") {
                    Some(v) if v == "off" => return None,
                    Some(v) => std::path::PathBuf::from(v),
                    None => user_config_dir(self)?.join("go").join("env"),
                };
                let text = std::fs::read_to_string(&path).ok()?;
                Some((path, parse_go_env(&text)))
            })
            .as_ref()
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

    /// A setting that changes no output and may hold a secret (the remote
    /// cache's URL, mode and headers): read from `Build::env` or the
    /// environment but never recorded, so it reaches no
    /// `rerun-if-env-changed` (cargo would keep the value in its
    /// fingerprint), no-op stamp or log.
    #[cfg(feature = "remote-cache")]
    pub(crate) fn unrecorded_var(&self, key: &str) -> Option<String> {
        self.location_var(key)
    }

    /// A variable that only locates a cache (`HOME`, `XDG_CACHE_HOME`,
    /// `LocalAppData`): no output depends on it, so it is not reported
    /// (unless `Build::env` set it).
    pub(crate) fn location_var(&self, key: &str) -> Option<String> {
        if let Some(v) = self.overrides.get(key) {
            return Some(v.clone()).filter(|v| !v.is_empty());
        }
        raw(key).and_then(|v| v.into_string().ok()).filter(|v| !v.is_empty())
    }

    /// `PATH`, which is read but never reported.
    pub(crate) fn path(&self) -> Option<OsString> {
        raw("PATH")
    }

    /// A variable's value now, exactly as [`Env::var`] records it (an empty
    /// value is `Some("")`), for checking a recorded read: not recorded.
    pub(crate) fn current(&self, key: &str) -> Option<String> {
        raw(key).and_then(|v| v.into_string().ok())
    }

    /// Variables read so far, sorted, with their values (`None` = unset).
    pub(crate) fn read_vars(&self) -> BTreeMap<String, Option<String>> {
        self.read.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

/// `os.UserConfigDir`.
fn user_config_dir(env: &Env) -> Option<std::path::PathBuf> {
    if cfg!(windows) {
        env.var("AppData").map(Into::into)
    } else if cfg!(target_os = "macos") {
        env.var("HOME").map(|h| std::path::Path::new(&h).join("Library/Application Support"))
    } else {
        env.var("XDG_CONFIG_HOME")
            .map(Into::into)
            .or_else(|| env.var("HOME").map(|h| std::path::Path::new(&h).join(".config")))
    }
}

/// The `KEY=VALUE` lines of a go env file (`cfg.initEnvCache`).
fn parse_go_env(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .filter_map(|l| {
            let (k, v) = l.split_once('=')?;
            let k = k.trim();
            (!k.is_empty() && !k.starts_with('#')).then(|| (k.to_string(), v.to_string()))
        })
        .collect()
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

/// A variable read by a program run outside a build script (the `sidecars`
/// runner: `CARGO`, `RUSTC`, `CARGO_TERM_COLOR`, `NO_COLOR`): there is no
/// cargo to report it to and no output depends on it.
#[cfg(feature = "sidecars")]
pub(crate) fn process_var(key: &str) -> Option<OsString> {
    raw(key).filter(|v| !v.is_empty())
}

/// The whole environment, for the cargo and rustc runs of the `sidecars`
/// runner: what they read (`CARGO_HOME`, `RUSTUP_TOOLCHAIN`,
/// `CARGO_TARGET_DIR`, `CARGO_BUILD_*`, …) is theirs to decide.
#[cfg(feature = "sidecars")]
pub(crate) fn whole() -> Vec<(OsString, OsString)> {
    std::env::vars_os().collect()
}

/// `GO_LINK_BUILD_DEBUG`: 1 echoes every tool command, 2 also dumps cache-key
/// inputs. It changes no output, so it is neither recorded nor reported.
pub(crate) fn debug_level() -> u32 {
    static LEVEL: std::sync::OnceLock<u32> = std::sync::OnceLock::new();
    *LEVEL.get_or_init(|| {
        raw("GO_LINK_BUILD_DEBUG").and_then(|v| v.into_string().ok()).and_then(|v| v.parse().ok()).unwrap_or(0)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_env_file_lines() {
        let m = parse_go_env("GOFLAGS=-mod=mod -trimpath\n# comment\nGOPROXY=file:///srv/p\nbad line\n");
        assert_eq!(m.get("GOFLAGS").map(String::as_str), Some("-mod=mod -trimpath"));
        assert_eq!(m.get("GOPROXY").map(String::as_str), Some("file:///srv/p"));
        assert_eq!(m.len(), 2);
    }

    #[test]
    fn go_var_falls_back_to_the_go_env_file() {
        let dir = std::env::temp_dir().join(format!("glb-goenv-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("env");
        std::fs::write(&file, "GOMODCACHE=/from/file\nGOFLAGS=-mod=vendor\n").unwrap();
        let mut o = BTreeMap::new();
        o.insert("GOENV".to_string(), file.display().to_string());
        o.insert("GOFLAGS".to_string(), "-mod=readonly".to_string());
        let env = Env::new(o);
        assert_eq!(env.go_var("GOMODCACHE").as_deref(), Some("/from/file"));
        assert_eq!(env.go_var("GOFLAGS").as_deref(), Some("-mod=readonly"), "the environment wins");
        assert_eq!(env.go_env_path(), Some(file));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
