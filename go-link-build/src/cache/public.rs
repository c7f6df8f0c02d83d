//! The cache as the public API shows it: for front ends (the command line)
//! that inspect or maintain it, or keep per-invocation state in it.

use std::path::{Path, PathBuf};

use crate::cache::{fsutil, location, Cache, KeyBuilder, MTIME_INTERVAL};
use crate::env::Env;
use crate::error::Result;

/// The build cache on disk (see the crate README's "The cache"): what
/// `go-link-build cache` shows, trims and cleans.
#[derive(Debug)]
pub struct CacheDir {
    cache: Cache,
}

/// How much the cache holds, or how much a trim or clean removed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CacheUsage {
    bytes: u64,
    entries: u64,
    files: u64,
}

impl CacheUsage {
    /// Bytes on disk (file sizes).
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// Cached actions (compiled packages, linked outputs, probes).
    pub fn entries(&self) -> u64 {
        self.entries
    }

    /// Distinct stored files (entries share identical files).
    pub fn files(&self) -> u64 {
        self.files
    }
}

impl CacheDir {
    /// Opens the cache a build outside cargo uses, creating it if needed:
    /// `dir` if given, else `GO_LINK_BUILD_CACHE`, else the per-user
    /// directory (`~/.cache/go-link-build` on Linux).
    pub fn open(dir: Option<&Path>) -> Result<CacheDir> {
        let env = Env::new(Default::default());
        Ok(CacheDir { cache: location::open(dir, &env, || None)? })
    }

    /// The cache's directory.
    pub fn path(&self) -> &Path {
        self.cache.root()
    }

    /// What the cache holds now.
    pub fn usage(&self) -> CacheUsage {
        let u = self.cache.usage();
        CacheUsage { bytes: u.bytes, entries: u.records, files: u.blobs }
    }

    /// Removes what has not been used for 5 days and the temp files of
    /// builds that are no longer running, now (a build does this by itself
    /// at most once a day).
    pub fn trim(&self) -> CacheUsage {
        let now = fsutil::now_secs();
        let mut t = self.cache.sweep(now);
        let r = self.cache.trim_at(now);
        t.bytes += r.bytes;
        let _ = fsutil::write_atomic(&self.cache.root().join("trim.txt"), format!("{now}\n").as_bytes());
        CacheUsage { bytes: t.bytes, entries: r.records, files: r.blobs }
    }

    /// Removes every entry (and go-link-build's own module extractions);
    /// the next build compiles everything again.
    pub fn clean(&self) -> CacheUsage {
        let t = self.cache.clean();
        CacheUsage { bytes: t.bytes, entries: t.records, files: t.blobs }
    }

    /// A directory in the cache that belongs to `key`, created if needed,
    /// for a front end to keep a build's output directory (and so its no-op
    /// stamp) between runs. It is trimmed with the entries when unused for
    /// 5 days; each call counts as a use.
    pub fn work_dir(&self, key: &str) -> Result<PathBuf> {
        let mut k = KeyBuilder::new("work-dir");
        k.line("key", key);
        let dir = self.cache.root().join("cli").join(&k.finish().hex()[..32]);
        let used = dir.join("used");
        match std::fs::metadata(&used) {
            Ok(m) if fsutil::now_secs().saturating_sub(fsutil::mtime_secs(&m)) < MTIME_INTERVAL => {}
            Ok(_) => fsutil::touch(&used),
            Err(_) => {
                std::fs::create_dir_all(&dir).map_err(|e| crate::error::Error::io("create directory", &dir, e))?;
                std::fs::write(&used, b"").map_err(|e| crate::error::Error::io("write", &used, e))?;
            }
        }
        Ok(dir)
    }
}
