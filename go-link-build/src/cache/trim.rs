//! Keeping the cache bounded: sweeping dead builds' temp directories and
//! trimming unused entries, as cmd/go's `(*DiskCache).Trim`
//! (`cmd/go/internal/cache/cache.go`) does:
//!
//! - every use refreshes the file's mtime if it is an hour old or more
//!   (`markUsed`, `mtimeInterval`; see [`Cache::lookup`]);
//! - at most once a day (`trimInterval`), recorded in `trim.txt` (written
//!   before trimming, so racing builds rarely both trim), every record and
//!   blob unused for 5 days plus the hour of mtime slack (`trimLimit`) is
//!   deleted. A blob trimmed under a younger record makes that record miss.
//!
//! A temp directory under `tmp/` is named `<pid>-…`: it is removed once that
//! process is gone (on Unix `kill(pid, 0)` says so, which works after
//! `kill -9`), or when it is a day old, whatever the PID says (a reused PID).
//! The command line's per-invocation directories (`cli/<key>`) are trimmed
//! by the mtime of their `used` marker.

use std::path::Path;

use crate::cache::{fsutil, Cache, MTIME_INTERVAL};

/// `trimInterval`: trim at most this often.
pub(crate) const TRIM_INTERVAL: u64 = 24 * 3600;
/// `trimLimit`: entries unused this long are deleted.
pub(crate) const TRIM_LIMIT: u64 = 5 * 24 * 3600;
/// Temp directories of live processes older than this are removed anyway.
const TEMP_LIMIT: u64 = 24 * 3600;

/// What a trim removed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Trimmed {
    pub records: u64,
    pub blobs: u64,
    pub temp: u64,
    pub bytes: u64,
}

/// Sizes of the cache's parts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Usage {
    pub records: u64,
    pub blobs: u64,
    /// Every file under the root, module extractions included.
    pub bytes: u64,
}

impl Cache {
    /// Removes the temp directories and files of processes that are gone.
    pub(crate) fn sweep(&self, now: u64) -> Trimmed {
        let mut t = Trimmed::default();
        let me = std::process::id();
        let Ok(entries) = std::fs::read_dir(self.root.join("tmp")) else { return t };
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let pid = name.split('-').next().and_then(|p| p.parse::<u32>().ok());
            if pid == Some(me) {
                continue;
            }
            let old = e.metadata().map(|m| now.saturating_sub(fsutil::mtime_secs(&m)) > TEMP_LIMIT).unwrap_or(true);
            if pid.is_none_or(|p| !fsutil::process_alive(p)) || old {
                t.bytes += remove_all(&e.path());
                t.temp += 1;
            }
        }
        t
    }

    /// Trims if the last trim was a day ago or more (or the clock went back
    /// more than an hour), as `Trim` does; then sweeps temp directories.
    pub(crate) fn maybe_trim(&self) -> Trimmed {
        let now = fsutil::now_secs();
        let stamp = self.root.join("trim.txt");
        let last = std::fs::read_to_string(&stamp).ok().and_then(|s| s.trim().parse::<u64>().ok());
        let mut t = self.sweep(now);
        if let Some(last) = last {
            // "skip if -1h < now-last < 24h"
            let since = now as i128 - last as i128;
            if since > -(MTIME_INTERVAL as i128) && since < TRIM_INTERVAL as i128 {
                return t;
            }
        }
        // Record the trim first, so concurrent builds do not all trim.
        let _ = fsutil::write_atomic(&stamp, format!("{now}\n").as_bytes());
        let r = self.trim_at(now);
        t.records += r.records;
        t.blobs += r.blobs;
        t.bytes += r.bytes;
        t
    }

    /// Deletes every record and blob unused since before `now - 5 days - 1
    /// hour`, and command-line directories unused as long.
    pub(crate) fn trim_at(&self, now: u64) -> Trimmed {
        let cutoff = now.saturating_sub(TRIM_LIMIT + MTIME_INTERVAL);
        let mut t = Trimmed::default();
        // `verified/` markers are counted as nothing: empty, and named by
        // stat facts that change when their blob is touched, so unused ones
        // age like the rest.
        for (part, count_records) in [("ac", true), ("cas", false), ("verified", false)] {
            let Ok(subdirs) = std::fs::read_dir(self.root.join(part)) else { continue };
            for sub in subdirs.flatten() {
                let Ok(files) = std::fs::read_dir(sub.path()) else { continue };
                for f in files.flatten() {
                    let Ok(m) = std::fs::symlink_metadata(f.path()) else { continue };
                    if fsutil::mtime_secs(&m) < cutoff && std::fs::remove_file(f.path()).is_ok() {
                        t.bytes += m.len();
                        if count_records {
                            t.records += 1;
                        } else if part == "cas" {
                            t.blobs += 1;
                        }
                    }
                }
            }
        }
        if let Ok(dirs) = std::fs::read_dir(self.root.join("cli")) {
            for d in dirs.flatten() {
                let used = std::fs::metadata(d.path().join("used")).map(|m| fsutil::mtime_secs(&m)).unwrap_or(0);
                if used < cutoff {
                    t.bytes += remove_all(&d.path());
                }
            }
        }
        // The layout before records and blobs (one directory per action).
        t.bytes += remove_all(&self.root.join("v1"));
        t
    }

    /// Counts records and blobs and adds up the size of everything.
    pub(crate) fn usage(&self) -> Usage {
        let count = |part: &str| -> u64 {
            std::fs::read_dir(self.root.join(part))
                .map(|subs| subs.flatten().map(|s| std::fs::read_dir(s.path()).map_or(0, |f| f.count() as u64)).sum())
                .unwrap_or(0)
        };
        Usage { records: count("ac"), blobs: count("cas"), bytes: tree_size(&self.root) }
    }

    /// Removes every entry, blob, command-line directory and module
    /// extraction, and the temp directories of dead processes.
    pub(crate) fn clean(&self) -> Trimmed {
        let mut t = self.sweep(fsutil::now_secs());
        let u = self.usage();
        t.records = u.records;
        t.blobs = u.blobs;
        for part in ["ac", "cas", "verified", "cli", "v1", "modverify", "modcache", "trim.txt"] {
            t.bytes += remove_all(&self.root.join(part));
        }
        for part in ["ac", "cas"] {
            let _ = std::fs::create_dir_all(self.root.join(part));
        }
        t
    }
}

fn tree_size(path: &Path) -> u64 {
    let Ok(m) = std::fs::symlink_metadata(path) else { return 0 };
    if !m.is_dir() {
        return m.len();
    }
    std::fs::read_dir(path).map(|es| es.flatten().map(|e| tree_size(&e.path())).sum()).unwrap_or(0)
}

/// Removes a file or a tree, making read-only directories writable first
/// (extracted modules are read-only, as the go command leaves them).
/// Returns the bytes freed.
pub(crate) fn remove_all(path: &Path) -> u64 {
    let size = tree_size(path);
    let Ok(m) = std::fs::symlink_metadata(path) else { return 0 };
    if !m.is_dir() {
        return if std::fs::remove_file(path).is_ok() { size } else { 0 };
    }
    if std::fs::remove_dir_all(path).is_err() {
        make_writable(path);
        let _ = std::fs::remove_dir_all(path);
    }
    size
}

fn make_writable(path: &Path) {
    let Ok(m) = std::fs::symlink_metadata(path) else { return };
    if m.is_dir() {
        let mut p = m.permissions();
        #[allow(clippy::permissions_set_readonly_false)] // Only our own cache directories.
        p.set_readonly(false);
        let _ = std::fs::set_permissions(path, p);
        if let Ok(es) = std::fs::read_dir(path) {
            for e in es.flatten() {
                make_writable(&e.path());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::cache::{fsutil, Cache, KeyBuilder};

    fn set_mtime(path: &std::path::Path, secs: u64) {
        use std::os::unix::ffi::OsStrExt;
        let c = std::ffi::CString::new(path.as_os_str().as_bytes()).unwrap();
        let t = libc::timespec { tv_sec: secs as libc::time_t, tv_nsec: 0 };
        // SAFETY: a valid path and two valid timespecs.
        assert_eq!(unsafe { libc::utimensat(libc::AT_FDCWD, c.as_ptr(), [t, t].as_ptr(), 0) }, 0);
    }

    #[test]
    #[cfg(unix)]
    fn trims_unused_entries_and_dead_temp_dirs() {
        let root = std::env::temp_dir().join(format!("glb-trim-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let cache = Cache::open(&root).unwrap();
        let now = fsutil::now_secs();
        let old = KeyBuilder::new("old").finish();
        let fresh = KeyBuilder::new("fresh").finish();
        for (id, data) in [(&old, b"old".as_slice()), (&fresh, b"fresh".as_slice())] {
            let t = cache.temp_dir().unwrap();
            std::fs::write(t.path().join("a.out"), data).unwrap();
            cache.commit(id, t).unwrap();
        }
        let e = cache.lookup(&old).unwrap();
        let days_ago = now - 6 * 24 * 3600;
        set_mtime(&cache.record_path(&old), days_ago);
        set_mtime(&e.file("a.out").unwrap(), days_ago);
        // A fresh use refreshes an entry unused for over an hour.
        let f = cache.lookup(&fresh).unwrap();
        set_mtime(&cache.record_path(&fresh), now - 2 * 3600);
        assert!(cache.lookup(&fresh).is_some());
        let m = std::fs::metadata(cache.record_path(&fresh)).unwrap();
        assert!(fsutil::mtime_secs(&m) + 60 >= now, "use time refreshed");
        // A dead process's temp dir (PID 0 is never a user process; i32::MAX is never allocated).
        let dead = root.join("tmp").join(format!("{}-0-0", i32::MAX));
        std::fs::create_dir_all(dead.join("sub")).unwrap();
        let mine = cache.temp_dir().unwrap();
        let t = cache.trim_at(now);
        assert_eq!((t.records, t.blobs), (1, 1));
        assert!(cache.lookup(&old).is_none());
        assert!(cache.lookup(&fresh).is_some() && f.file("a.out").unwrap().exists());
        let s = cache.sweep(now);
        assert_eq!(s.temp, 1);
        assert!(!dead.exists() && mine.path().exists(), "a live process's temp dir stays");
        // maybe_trim: at most daily.
        std::fs::write(root.join("trim.txt"), format!("{}\n", now - 3600)).unwrap();
        set_mtime(&cache.record_path(&fresh), days_ago);
        assert_eq!(cache.maybe_trim().records, 0, "trimmed an hour ago: skipped");
        std::fs::write(root.join("trim.txt"), format!("{}\n", now - 25 * 3600)).unwrap();
        assert_eq!(cache.maybe_trim().records, 1);
        let stamp: u64 = std::fs::read_to_string(root.join("trim.txt")).unwrap().trim().parse().unwrap();
        assert!(stamp >= now);
        let u = cache.usage();
        assert_eq!(u.records, 0);
        drop(mine);
        std::fs::remove_dir_all(&root).unwrap();
    }
}
