//! A cheap fingerprint of a directory tree: the cache key under which a
//! go.sum verdict for a module tree is remembered, so that no-op builds do not
//! rehash module trees.
//!
//! It covers, for every non-directory entry, its relative name, kind, size,
//! modification time in nanoseconds and, on Unix, inode and change time
//! (ctime cannot be set by a user, so even a same-size rewrite that restores
//! the mtime is seen), plus the target of each symlink. It reads no content.

use std::fs;
use std::path::Path;

use sha2::{Digest, Sha256};

use super::dirhash::os_bytes;
use crate::error::{Error, Result};

/// The fingerprint of the tree under `dir`, as lower-case hex SHA-256.
pub(crate) fn dir_state(dir: &Path) -> Result<String> {
    let mut lines: Vec<Vec<u8>> = Vec::new();
    walk(dir, &mut Vec::new(), &mut lines)?;
    lines.sort();
    let mut h = Sha256::new();
    h.update(b"go-link-build dir_state v1\n");
    for line in &lines {
        h.update(line);
    }
    Ok(crate::cache::hex(&h.finalize()))
}

fn walk(dir: &Path, rel: &mut Vec<u8>, lines: &mut Vec<Vec<u8>>) -> Result<()> {
    let rd = fs::read_dir(dir).map_err(|e| Error::io("read directory", dir, e))?;
    for entry in rd {
        let entry = entry.map_err(|e| Error::io("read directory", dir, e))?;
        let path = entry.path();
        let len = rel.len();
        if !rel.is_empty() {
            rel.push(b'/');
        }
        rel.extend_from_slice(&os_bytes(&entry.file_name()));
        let meta = fs::symlink_metadata(&path).map_err(|e| Error::io("stat", &path, e))?;
        if meta.is_dir() {
            walk(&path, rel, lines)?;
        } else {
            // Names hold no NUL, and the fields no NUL or newline: one line per entry, unambiguous.
            let mut line = rel.clone();
            line.push(0);
            line.extend_from_slice(facts(&meta).as_bytes());
            if meta.file_type().is_symlink() {
                let target = fs::read_link(&path).map_err(|e| Error::io("read link", &path, e))?;
                line.extend_from_slice(b" -> ");
                line.extend_from_slice(&os_bytes(target.as_os_str()));
                line.retain(|&b| b != b'\n');
            }
            line.push(b'\n');
            lines.push(line);
        }
        rel.truncate(len);
    }
    Ok(())
}

/// `l` symlink, `f` regular file, `o` anything else.
fn kind(meta: &fs::Metadata) -> &'static str {
    if meta.file_type().is_symlink() {
        "l"
    } else if meta.is_file() {
        "f"
    } else {
        "o"
    }
}

#[cfg(unix)]
fn facts(meta: &fs::Metadata) -> String {
    use std::os::unix::fs::MetadataExt;
    let kind = kind(meta);
    format!(
        "{kind} {} {}.{:09} {} {}.{:09} {:o}",
        meta.size(),
        meta.mtime(),
        meta.mtime_nsec(),
        meta.ino(),
        meta.ctime(),
        meta.ctime_nsec(),
        meta.mode()
    )
}

#[cfg(not(unix))]
fn facts(meta: &fs::Metadata) -> String {
    let kind = kind(meta);
    let mtime = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!("{kind} {} {mtime} {}", meta.len(), meta.permissions().readonly())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::modfetch::testutil::{write_tree, TempDir, FIXTURE};

    #[test]
    fn changes_with_the_tree_and_only_then() {
        let t = TempDir::new("dirstate");
        let dir = t.path().join("m");
        write_tree(&dir, FIXTURE);
        let s0 = dir_state(&dir).unwrap();
        assert_eq!(s0.len(), 64);
        assert_eq!(dir_state(&dir).unwrap(), s0, "stable when nothing changed");

        // Same content rewritten, same size: the ctime (and mtime) moves on.
        let f = dir.join("sub/b.txt");
        let before = fs::metadata(&f).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        fs::write(&f, "HELLO\n").unwrap();
        let after = fs::metadata(&f).unwrap();
        if before.modified().unwrap() != after.modified().unwrap() {
            assert_ne!(dir_state(&dir).unwrap(), s0);
        }
        let s1 = dir_state(&dir).unwrap();

        // A new file, an empty dir (ignored), a removal.
        fs::write(dir.join("new.go"), "package m\n").unwrap();
        let s2 = dir_state(&dir).unwrap();
        assert_ne!(s2, s1);
        fs::create_dir(dir.join("emptydir")).unwrap();
        assert_eq!(dir_state(&dir).unwrap(), s2);
        fs::remove_file(dir.join("new.go")).unwrap();
        assert_ne!(dir_state(&dir).unwrap(), s2);

        // A rename keeps size/mtime/inode but changes the name.
        let s3 = dir_state(&dir).unwrap();
        fs::rename(dir.join("a.go"), dir.join("b.go")).unwrap();
        assert_ne!(dir_state(&dir).unwrap(), s3);

        assert!(dir_state(&t.path().join("missing")).is_err());
    }
}
