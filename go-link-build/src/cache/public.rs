//! The cache as the public API shows it: for front ends (the command line)
//! that inspect or maintain it, or keep per-invocation state in it.

use std::path::{Path, PathBuf};

use crate::cache::{fsutil, location, Cache, KeyBuilder, MTIME_INTERVAL};
use crate::env::Env;
use crate::error::Result;
use crate::execute::RemoteStats;

/// The file in the cache's root to which every build with a remote cache
/// adds its counters, for `go-link-build cache` (see [`CacheDir::remote_totals`]).
pub(crate) const REMOTE_TOTALS: &str = "remote-stats.txt";

/// `name value` lines of [`REMOTE_TOTALS`].
fn format_remote_totals(s: &RemoteStats) -> String {
    format!(
        "hits {}\nmisses {}\nbytes_down {}\nuploads {}\nbytes_up {}\n",
        s.hits, s.misses, s.bytes_down, s.uploads, s.bytes_up
    )
}

/// Parses [`REMOTE_TOTALS`]; an unknown or malformed line counts as nothing
/// (the file is a summary for people, never an input of a build).
fn parse_remote_totals(text: &str) -> RemoteStats {
    let mut s = RemoteStats::default();
    for line in text.lines() {
        let Some((name, value)) = line.split_once(' ') else { continue };
        let Ok(v) = value.trim().parse::<u64>() else { continue };
        match name {
            "hits" => s.hits = v as usize,
            "misses" => s.misses = v as usize,
            "bytes_down" => s.bytes_down = v,
            "uploads" => s.uploads = v as usize,
            "bytes_up" => s.bytes_up = v,
            _ => {}
        }
    }
    s
}

/// Adds one build's remote counters to the cache's totals: read, add, write
/// a temp file and rename it into place. Two builds finishing at the same
/// moment may lose one's counts (a summary, not a ledger); the file is never
/// torn. Errors are ignored: the totals must never fail a build.
#[cfg_attr(not(feature = "remote-cache"), allow(dead_code))] // Called by the remote cache.
pub(crate) fn add_remote_totals(root: &Path, add: &RemoteStats) {
    let path = root.join(REMOTE_TOTALS);
    let mut s = parse_remote_totals(&std::fs::read_to_string(&path).unwrap_or_default());
    s.hits += add.hits;
    s.misses += add.misses;
    s.bytes_down += add.bytes_down;
    s.uploads += add.uploads;
    s.bytes_up += add.bytes_up;
    let _ = fsutil::write_atomic(&path, format_remote_totals(&s).as_bytes());
}

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

    /// What the remote cache did for the builds that used this cache since
    /// it was created or cleaned: hits, misses, uploads and bytes each way,
    /// summed over builds (the `go-link-build cache` summary). Zero without
    /// a remote cache.
    pub fn remote_totals(&self) -> RemoteStats {
        parse_remote_totals(&std::fs::read_to_string(self.cache.root().join(REMOTE_TOTALS)).unwrap_or_default())
    }

    /// Removes every entry (and go-link-build's own module extractions) and
    /// the remote cache totals; the next build compiles everything again.
    pub fn clean(&self) -> CacheUsage {
        let _ = std::fs::remove_file(self.cache.root().join(REMOTE_TOTALS));
        let t = self.cache.clean();
        CacheUsage { bytes: t.bytes, entries: t.records, files: t.blobs }
    }

    /// Copies a build's output `from` to `to`, as a front end installs it:
    /// to a temp file beside `to` with its blocks reserved first, then
    /// renamed into place, so a program running from `to` keeps its old
    /// file, `to` is never half-written, and the rename does not make the
    /// file system flush the new file (ext4 does for a file with unallocated
    /// blocks renamed over another: 7-8 ms for an 8 MB program here).
    /// Permissions are the source's.
    pub fn install(&self, from: &Path, to: &Path) -> Result<()> {
        fsutil::copy_atomic(from, to)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remote_totals_add_up_and_survive_garbage() {
        let root = std::env::temp_dir().join(format!("glb-remote-totals-{}", std::process::id()));
        std::fs::create_dir_all(&root).unwrap();
        let one = RemoteStats { hits: 2, misses: 1, bytes_down: 300, uploads: 4, bytes_up: 5000 };
        add_remote_totals(&root, &one);
        add_remote_totals(&root, &one);
        let text = std::fs::read_to_string(root.join(REMOTE_TOTALS)).unwrap();
        assert_eq!(
            parse_remote_totals(&text),
            RemoteStats { hits: 4, misses: 2, bytes_down: 600, uploads: 8, bytes_up: 10000 }
        );
        std::fs::write(root.join(REMOTE_TOTALS), "hits x\nmisses 3\njunk\n").unwrap();
        add_remote_totals(&root, &one);
        let s = parse_remote_totals(&std::fs::read_to_string(root.join(REMOTE_TOTALS)).unwrap());
        assert_eq!((s.hits, s.misses), (2, 4));
        std::fs::remove_dir_all(&root).unwrap();
    }
}
