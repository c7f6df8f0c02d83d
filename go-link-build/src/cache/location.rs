//! Where the cache is.
//!
//! Like GOCACHE (`cache.DefaultDir`, `os.UserCacheDir`), the default is per
//! user, so every workspace, profile and target on the machine shares one
//! standard library and survives `cargo clean`:
//!
//! | OS | default |
//! |---|---|
//! | Linux and other Unix | `$XDG_CACHE_HOME/go-link-build` (if absolute), else `$HOME/.cache/go-link-build` |
//! | macOS | `$HOME/Library/Caches/go-link-build` |
//! | Windows | `%LocalAppData%\go-link-build` |
//!
//! `Build::cache_dir` and then `GO_LINK_BUILD_CACHE` override it. When the
//! default cannot be created or written (a read-only home in a sandboxed or
//! distribution build), a build script falls back to
//! `<cargo target dir>/go-link-build-cache` and says so in the debug log.
//! It is never inside GOCACHE: cmd/go's trim and `go clean -cache` would
//! delete files of ours there (ENGINE.md §6).

use std::path::{Path, PathBuf};

use crate::cache::Cache;
use crate::env::Env;
use crate::error::{Error, ErrorKind, Result};

/// `os.UserCacheDir()` + `go-link-build`. The variables only place the
/// cache (they change no output), so they are read without being reported.
pub(crate) fn user_cache_dir(env: &Env) -> Option<PathBuf> {
    let var = |k: &str| env.location_var(k).map(PathBuf::from);
    let base = if cfg!(windows) {
        var("LocalAppData")
    } else if cfg!(target_os = "macos") {
        var("HOME").map(|h| h.join("Library").join("Caches"))
    } else {
        // os.UserCacheDir ignores a relative XDG_CACHE_HOME.
        var("XDG_CACHE_HOME").filter(|p| p.is_absolute()).or_else(|| var("HOME").map(|h| h.join(".cache")))
    }?;
    Some(base.join("go-link-build"))
}

/// Opens the cache a build uses: `explicit` (`Build::cache_dir`), then
/// `GO_LINK_BUILD_CACHE`, then the per-user directory, then `fallback()`.
pub(crate) fn open(explicit: Option<&Path>, env: &Env, fallback: impl FnOnce() -> Option<PathBuf>) -> Result<Cache> {
    if let Some(dir) = explicit {
        return Cache::open(dir).map_err(|e| e.context("the cache directory given to Build::cache_dir is not usable"));
    }
    if let Some(dir) = env.var("GO_LINK_BUILD_CACHE") {
        return Cache::open(Path::new(&dir)).map_err(|e| e.context(format!("GO_LINK_BUILD_CACHE={dir} is not usable")));
    }
    let mut why = String::from("no user cache directory ($HOME is not set)");
    if let Some(dir) = user_cache_dir(env) {
        match Cache::open(&dir) {
            Ok(c) => return Ok(c),
            Err(e) => why = e.to_string(),
        }
    }
    match fallback() {
        Some(dir) => {
            if crate::debug_enabled() {
                to_stderr!(
                    "go-link-build: cache: the user cache is not usable ({why}); using {} instead",
                    dir.display()
                );
            }
            Cache::open(&dir)
        }
        None => Err(Error::new(
            ErrorKind::Config,
            format!("no usable cache directory: {why}. Set GO_LINK_BUILD_CACHE to a writable directory."),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn falls_back_when_the_user_cache_is_not_writable() {
        let root = std::env::temp_dir().join(format!("glb-location-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).unwrap();
        // A "home" whose .cache is a regular file cannot hold a cache.
        let home = root.join("home");
        std::fs::create_dir_all(&home).unwrap();
        std::fs::write(home.join(".cache"), b"").unwrap();
        let mut o = BTreeMap::new();
        o.insert("HOME".to_string(), home.display().to_string());
        o.insert("XDG_CACHE_HOME".to_string(), "relative/ignored".to_string());
        o.insert("LocalAppData".to_string(), home.join(".cache").display().to_string());
        // An empty override counts as unset, so a GO_LINK_BUILD_CACHE in the
        // test's own environment (.ci/run exports one) cannot decide for us.
        o.insert("GO_LINK_BUILD_CACHE".to_string(), String::new());
        let env = Env::new(o);
        let fallback = root.join("target-cache");
        let c = open(None, &env, || Some(fallback.clone())).unwrap();
        assert_eq!(c.root(), fallback);
        assert!(open(None, &env, || None).unwrap_err().to_string().contains("GO_LINK_BUILD_CACHE"));
        // A writable home is used, and nothing is reported to cargo for it.
        std::fs::remove_file(home.join(".cache")).unwrap();
        let c = open(None, &env, || Some(fallback.clone())).unwrap();
        if cfg!(all(unix, not(target_os = "macos"))) {
            assert_eq!(c.root(), home.join(".cache").join("go-link-build"));
        }
        assert!(!env.read_vars().contains_key("HOME"));
        std::fs::remove_dir_all(&root).unwrap();
    }
}
