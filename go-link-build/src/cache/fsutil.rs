//! File operations the cache and the installers share: streaming hashes,
//! atomic writes and copies, use-time updates, and telling whether the
//! process that owns a temporary directory is still alive.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use sha2::{Digest as _, Sha256};

use crate::cache::record::Digest;
use crate::error::{Error, Result};

static TMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// A name no other process or thread uses: `.<name>.tmp-<pid>-<n>`.
pub(crate) fn temp_sibling(path: &Path) -> PathBuf {
    let n = TMP_COUNTER.fetch_add(1, Ordering::Relaxed);
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    path.with_file_name(format!(".{name}.tmp-{}-{n}", std::process::id()))
}

/// A process-unique counter for names under the cache's `tmp/`.
pub(crate) fn next_id() -> u64 {
    TMP_COUNTER.fetch_add(1, Ordering::Relaxed)
}

/// The SHA-256 and size of a file, read in chunks.
pub(crate) fn hash_file(path: &Path) -> std::io::Result<Digest> {
    let mut f = std::fs::File::open(path)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    let mut size = 0u64;
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
        size += n as u64;
    }
    Ok(Digest { sha256: h.finalize().into(), size })
}

/// Writes a file atomically: a temp file next to it, then rename.
pub(crate) fn write_atomic(path: &Path, data: &[u8]) -> Result<()> {
    let tmp = temp_sibling(path);
    std::fs::write(&tmp, data).map_err(|e| Error::io("write", &tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        Error::io("rename into place", path, e)
    })
}

/// Copies a file atomically (copy to a temp name beside `to`, then rename),
/// keeping its permissions. A program running from `to` keeps running: the
/// rename replaces the directory entry, not the file it executes.
pub(crate) fn copy_atomic(from: &Path, to: &Path) -> Result<()> {
    let tmp = temp_sibling(to);
    let res = (|| -> std::io::Result<()> {
        let mut src = std::fs::File::open(from)?;
        let meta = src.metadata()?;
        let mut dst = create_new(&tmp, false, meta.len())?;
        copy_whole(&mut src, &mut dst, meta.len())?;
        dst.set_permissions(meta.permissions())
    })();
    if let Err(e) = res {
        let _ = std::fs::remove_file(&tmp);
        return Err(Error::io(&format!("copy {} to", from.display()), &tmp, e));
    }
    rename_into_place(&tmp, to)
}

/// Copies all of `src` to the start of `dst`, which [`create_new`] may have
/// made `reserved` bytes long: the result is exactly as long as what was
/// copied.
fn copy_whole(src: &mut std::fs::File, dst: &mut std::fs::File, reserved: u64) -> std::io::Result<u64> {
    // File to file: copy_file_range on Linux, in the kernel.
    let n = std::io::copy(src, dst)?;
    if n != reserved {
        dst.set_len(n)?;
    }
    Ok(n)
}

/// Copies `from` to `to` atomically while hashing it, and renames it into
/// place only if the bytes are exactly `want`; the file gets mode 0755
/// (`executable`) or 0644 before umask. On a mismatch nothing is written
/// and the error says which file differs.
pub(crate) fn install_verified(from: &Path, want: &Digest, executable: bool, to: &Path) -> Result<()> {
    let tmp = temp_sibling(to);
    let res = (|| -> std::io::Result<Option<Digest>> {
        let mut src = std::fs::File::open(from)?;
        let mut dst = create_new(&tmp, executable, want.size)?;
        let mut h = Sha256::new();
        let mut buf = vec![0u8; 256 * 1024];
        let mut size = 0u64;
        loop {
            let n = src.read(&mut buf)?;
            if n == 0 {
                break;
            }
            h.update(&buf[..n]);
            dst.write_all(&buf[..n])?;
            size += n as u64;
        }
        if size != want.size {
            dst.set_len(size)?;
        }
        let got = Digest { sha256: h.finalize().into(), size };
        Ok((got != *want).then_some(got))
    })();
    match res {
        Ok(None) => rename_into_place(&tmp, to),
        Ok(Some(got)) => {
            let _ = std::fs::remove_file(&tmp);
            Err(Error::new(
                crate::error::ErrorKind::Io,
                format!(
                    "the cached file {} is damaged (SHA-256/size {got:?}, recorded {want:?}); nothing was installed at {}",
                    from.display(),
                    to.display()
                ),
            ))
        }
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(Error::io(&format!("copy {} to", from.display()), &tmp, e))
        }
    }
}

/// Copies `from` to `to` (temp file beside it, then rename) without
/// hashing, for a file known to match its digest: `unchanged`, asked once
/// the copy is complete, says whether `from` is still the file that was
/// hashed. Returns false (nothing installed) when it is not.
pub(crate) fn install_copy(from: &Path, executable: bool, to: &Path, unchanged: impl Fn() -> bool) -> Result<bool> {
    let tmp = temp_sibling(to);
    let res = (|| -> std::io::Result<()> {
        let mut src = std::fs::File::open(from)?;
        let len = src.metadata()?.len();
        let mut dst = create_new(&tmp, executable, len)?;
        copy_whole(&mut src, &mut dst, len)?;
        Ok(())
    })();
    match res {
        Ok(()) if unchanged() => rename_into_place(&tmp, to).map(|()| true),
        Ok(()) => {
            let _ = std::fs::remove_file(&tmp);
            Ok(false)
        }
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(Error::io(&format!("copy {} to", from.display()), &tmp, e))
        }
    }
}

/// A new file at a temp name of ours ([`temp_sibling`]) for an installed
/// output: executable or not, as the umask allows, with `len` bytes
/// reserved ([`preallocate`]). Opened exclusively, so a symlink planted
/// there is removed, never written through.
fn create_new(path: &Path, executable: bool, len: u64) -> std::io::Result<std::fs::File> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(if executable { 0o777 } else { 0o666 });
    }
    #[cfg(not(unix))]
    let _ = executable;
    // A file of that name is the temp file of a dead process that had our
    // PID (`temp_sibling`): ours to replace.
    let f = match opts.open(path) {
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            std::fs::remove_file(path)?;
            opts.open(path)?
        }
        r => r?,
    };
    preallocate(&f, len);
    Ok(f)
}

/// Reserves the blocks of a file about to be written whole, as the Go
/// linker does for its output (`(*OutBuf).fallocate`,
/// cmd/link/internal/ld/outbuf_linux.go). Besides a contiguous file, this
/// makes the rename that installs it cheap: ext4 flushes a file that still
/// has delayed-allocation blocks when it is renamed over another
/// (`auto_da_alloc`), 2.7-3.8 ms for a 2.7 MB program here, against
/// 0.4-0.6 ms once its blocks are allocated. Best effort: where the file
/// system cannot, the file is written as before. The file is `len` bytes long until
/// written ([`copy_whole`] trims it to what was copied).
#[cfg(target_os = "linux")]
fn preallocate(f: &std::fs::File, len: u64) {
    use std::os::fd::AsRawFd;
    if let Ok(len) = libc::off_t::try_from(len) {
        if len > 0 {
            // SAFETY: fallocate on an open descriptor we own; no memory is passed.
            let _ = unsafe { libc::fallocate(f.as_raw_fd(), 0, 0, len) };
        }
    }
}

#[cfg(not(target_os = "linux"))]
fn preallocate(_f: &std::fs::File, _len: u64) {}

fn rename_into_place(tmp: &Path, to: &Path) -> Result<()> {
    std::fs::rename(tmp, to).map_err(|e| {
        let _ = std::fs::remove_file(tmp);
        Error::io("rename into place", to, e)
    })
}

/// What any write, truncation, replacement or touch of a file changes:
/// device, inode, size, mtime and ctime in nanoseconds (size and mtime off
/// Unix, which has no ctime). The cache's `verified/` markers (by its
/// `Display` form) and the kept standard-library loads (by value) compare
/// it to tell a file unchanged.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct StatId {
    pub dev: u64,
    pub ino: u64,
    pub size: u64,
    pub mtime: (i64, i64),
    pub ctime: (i64, i64),
}

impl StatId {
    pub(crate) fn of(m: &std::fs::Metadata) -> StatId {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            StatId {
                dev: m.dev(),
                ino: m.ino(),
                size: m.len(),
                mtime: (m.mtime(), m.mtime_nsec()),
                ctime: (m.ctime(), m.ctime_nsec()),
            }
        }
        #[cfg(not(unix))]
        {
            let ns = crate::toolchain::mtime_nanos(m);
            let mtime = (i64::try_from(ns / 1_000_000_000).unwrap_or(i64::MAX), (ns % 1_000_000_000) as i64);
            StatId { size: m.len(), mtime, ..StatId::default() }
        }
    }

    /// `size=… mtime=…` (mtime in nanoseconds since 1970, 0 before): how a
    /// cache key identifies a file by stat (GOROOT's sources).
    pub(crate) fn size_mtime(&self) -> String {
        let (secs, nsec) = self.mtime;
        let nanos = u128::try_from(secs).map_or(0, |s| s * 1_000_000_000 + u128::try_from(nsec).unwrap_or(0));
        format!("size={} mtime={nanos}", self.size)
    }
}

impl std::fmt::Display for StatId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let StatId { dev, ino, size, mtime: (ms, mn), ctime: (cs, cn) } = self;
        if cfg!(unix) {
            write!(f, "dev={dev} ino={ino} size={size} mtime={ms}.{mn} ctime={cs}.{cn}")
        } else {
            write!(f, "size={size} mtime={}", i128::from(*ms) * 1_000_000_000 + i128::from(*mn))
        }
    }
}

/// Sets a file's modification time to now (the use time `Trim` reads).
/// Errors are ignored: a missed update costs at most a rebuild after a trim.
pub(crate) fn touch(path: &Path) {
    if let Ok(f) = std::fs::OpenOptions::new().write(true).open(path) {
        let _ = f.set_modified(std::time::SystemTime::now());
    }
}

/// Whether process `pid` may still be running. On Unix, `kill(pid, 0)`
/// failing with ESRCH proves it is gone; elsewhere we cannot tell and say yes
/// (the caller then relies on an age limit).
pub(crate) fn process_alive(pid: u32) -> bool {
    #[cfg(unix)]
    {
        let Ok(pid) = libc::pid_t::try_from(pid) else { return true };
        if pid <= 0 {
            return true;
        }
        // SAFETY: signal 0 only checks for existence and permission.
        let r = unsafe { libc::kill(pid, 0) };
        r == 0 || std::io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        true
    }
}

/// Seconds since the Unix epoch of a file's modification time.
pub(crate) fn mtime_secs(meta: &std::fs::Metadata) -> u64 {
    meta.modified().ok().and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok()).map(|d| d.as_secs()).unwrap_or(0)
}

/// Now, in seconds since the Unix epoch.
pub(crate) fn now_secs() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_copy_is_as_long_as_its_source_whatever_was_reserved() {
        let dir = std::env::temp_dir().join(format!("glb-fsutil-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let src = dir.join("src");
        std::fs::write(&src, b"ten bytes!").unwrap();
        for reserved in [0, 4, 10, 1 << 20] {
            let to = dir.join(format!("dst-{reserved}"));
            // A dead process's leftover at the temp name is replaced.
            std::fs::write(&to, b"stale, longer than ten bytes").unwrap();
            let mut dst = create_new(&to, true, reserved).unwrap();
            let n = copy_whole(&mut std::fs::File::open(&src).unwrap(), &mut dst, reserved).unwrap();
            assert_eq!((n, std::fs::read(&to).unwrap()), (10, b"ten bytes!".to_vec()), "reserved {reserved}");
        }
        // copy_atomic over an existing file keeps the source's permissions.
        let to = dir.join("copy");
        std::fs::write(&to, vec![7u8; 100_000]).unwrap();
        copy_atomic(&src, &to).unwrap();
        assert_eq!(std::fs::read(&to).unwrap(), b"ten bytes!");
        assert_eq!(std::fs::metadata(&to).unwrap().permissions(), std::fs::metadata(&src).unwrap().permissions());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_key_by_stat_reads_the_same_from_a_stat_id() {
        // The kept loads' identities stand in for the keys' own stat: same text.
        for path in [std::env::current_exe().unwrap(), std::env::temp_dir()] {
            let m = std::fs::metadata(&path).unwrap();
            let by_stat = format!("size={} mtime={}", m.len(), crate::toolchain::mtime_nanos(&m));
            assert_eq!(StatId::of(&m).size_mtime(), by_stat, "{}", path.display());
        }
    }
}
