//! `golang.org/x/mod/sumdb/dirhash`: the `h1:` hashes of go.sum.
//!
//! `Hash1` is the base64 (standard alphabet, padded) SHA-256 of a summary
//! with one line per file, sorted by name: the file's hex SHA-256, two spaces,
//! the name, a newline. Names are compared and hashed as bytes, like Go strings.

use std::fs;
use std::io::Read;
use std::path::Path;

use sha2::{Digest, Sha256};

use super::zipfile;
use crate::error::{Error, ErrorKind, Result};

/// Standard base64 with padding (`encoding/base64.StdEncoding`).
pub(crate) fn base64(data: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [chunk[0], chunk.get(1).copied().unwrap_or(0), chunk.get(2).copied().unwrap_or(0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// One file of a `Hash1` summary: its name (bytes) and the SHA-256 of its content.
pub(crate) struct Entry {
    pub name: Vec<u8>,
    pub sha256: [u8; 32],
}

/// `dirhash.Hash1` over already-hashed files. Fails on a name with a newline, as Go does.
pub(crate) fn hash1(mut files: Vec<Entry>, what: &dyn std::fmt::Display) -> Result<String> {
    files.sort_by(|a, b| a.name.cmp(&b.name));
    let mut summary = Sha256::new();
    for f in &files {
        if f.name.contains(&b'\n') {
            return Err(Error::new(
                ErrorKind::Load,
                format!(
                    "cannot hash {what}: file name {:?} contains a newline, which go.sum hashes do not support",
                    String::from_utf8_lossy(&f.name)
                ),
            ));
        }
        summary.update(crate::cache::hex(&f.sha256).as_bytes());
        summary.update(b"  ");
        summary.update(&f.name);
        summary.update(b"\n");
    }
    Ok(format!("h1:{}", base64(&summary.finalize())))
}

/// SHA-256 of everything `r` yields.
pub(crate) fn sha256_reader(r: &mut dyn Read) -> std::io::Result<[u8; 32]> {
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        match r.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => h.update(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(h.finalize().into())
}

/// The go.sum `/go.mod` hash of a go.mod file's bytes: `Hash1` of the single file `go.mod`.
pub(crate) fn hash_go_mod(content: &[u8]) -> String {
    let entry = Entry { name: b"go.mod".to_vec(), sha256: Sha256::digest(content).into() };
    // A fixed name without a newline: hash1 cannot fail.
    hash1(vec![entry], &"go.mod").unwrap_or_default()
}

/// A path's bytes as Go sees them (raw bytes on Unix).
#[cfg(unix)]
pub(crate) fn os_bytes(s: &std::ffi::OsStr) -> Vec<u8> {
    use std::os::unix::ffi::OsStrExt;
    s.as_bytes().to_vec()
}

#[cfg(not(unix))]
pub(crate) fn os_bytes(s: &std::ffi::OsStr) -> Vec<u8> {
    s.to_string_lossy().into_owned().into_bytes()
}

/// `dirhash.HashDir(dir, prefix, Hash1)`: every non-directory entry under
/// `dir` (symlinks are followed for content, as Go's `os.Open` does), named
/// `<prefix>/<relative path>`.
///
/// Unlike Go, a FIFO, socket or device is an error instead of being opened:
/// no module tree contains one, and opening a FIFO would block.
pub(crate) fn hash_dir(dir: &Path, prefix: &str) -> Result<String> {
    let meta = fs::symlink_metadata(dir).map_err(|e| Error::io("read directory", dir, e))?;
    if !meta.is_dir() {
        return Err(Error::new(
            ErrorKind::Load,
            format!("cannot hash module tree {}: it is not a directory", dir.display()),
        ));
    }
    let mut files = Vec::new();
    walk(dir, &mut Vec::new(), prefix.as_bytes(), &mut files)?;
    hash1(files, &format_args!("module tree {}", dir.display()))
}

fn walk(dir: &Path, rel: &mut Vec<u8>, prefix: &[u8], files: &mut Vec<Entry>) -> Result<()> {
    let rd = fs::read_dir(dir).map_err(|e| Error::io("read directory", dir, e))?;
    for entry in rd {
        let entry = entry.map_err(|e| Error::io("read directory", dir, e))?;
        let path = entry.path();
        let ft = entry.file_type().map_err(|e| Error::io("stat", &path, e))?;
        let len = rel.len();
        if !rel.is_empty() {
            rel.push(b'/');
        }
        rel.extend_from_slice(&os_bytes(&entry.file_name()));
        if ft.is_dir() {
            walk(&path, rel, prefix, files)?;
        } else {
            if !ft.is_file() && !ft.is_symlink() {
                return Err(Error::new(
                    ErrorKind::Load,
                    format!("cannot hash {}: not a regular file; module trees hold only files", path.display()),
                ));
            }
            let mut f = fs::File::open(&path).map_err(|e| Error::io("open", &path, e))?;
            let sha256 = sha256_reader(&mut f).map_err(|e| Error::io("read", &path, e))?;
            let mut name = prefix.to_vec();
            if !name.is_empty() {
                name.push(b'/');
            }
            name.extend_from_slice(rel);
            files.push(Entry { name: crate::goport::path_clean_bytes(&name), sha256 });
        }
        rel.truncate(len);
    }
    Ok(())
}

/// `dirhash.HashZip(zip, Hash1)`: over the entries' names as stored (bytes)
/// and their uncompressed contents; directory entries count as empty files,
/// as in Go. A zip listing the same name twice is an error (Go would hash the
/// last one twice; cmd/go rejects such zips before it trusts them anyway).
pub(crate) fn hash_zip(zip: &Path) -> Result<String> {
    let mut archive = zipfile::open(zip)?;
    let mut files = Vec::with_capacity(archive.len());
    for i in 0..archive.len() {
        let mut f = archive.by_index(i).map_err(|e| zipfile::zip_error(zip, &e))?;
        let name = f.name_raw().to_vec();
        let sha256 = sha256_reader(&mut f).map_err(|e| {
            Error::new(
                ErrorKind::Load,
                format!(
                    "failed to read {:?} in module zip {}: {e}\n\tDelete the zip so that it is downloaded again.",
                    String::from_utf8_lossy(&name),
                    zip.display()
                ),
            )
        })?;
        files.push(Entry { name, sha256 });
    }
    hash1(files, &format_args!("module zip {}", zip.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::modfetch::testutil::{write_tree, write_zip, TempDir, FIXTURE, FIXTURE_PREFIX};

    // The expected hashes below were computed once with the real Go
    // implementation (golang.org/x/mod v0.43.0, go1.26.8): a throwaway program
    // under /tmp wrote FIXTURE (see testutil.rs) to a directory and printed
    // dirhash.HashDir(dir, "example.com/m@v1.0.0", dirhash.Hash1), then
    // dirhash.HashZip of the zip that x/mod/zip.CreateFromDir made of it, and
    // dirhash.Hash1 of the single file "go.mod" for the go.mod fixture and for
    // an empty go.mod.
    const GO_FIXTURE_HASH: &str = "h1:PpA1Mgl2uQv/Kydln3hOpwjDqQcPDv5rTn9b+5B2nq0=";
    const GO_FIXTURE_GOMOD_HASH: &str = "h1:1PQX3PQCTSLmC0Te0lhrf6lEdhjhPdh+cAdXyv/CpD0=";
    /// cmd/go's emptyGoModHash constant (modfetch/fetch.go) and Go's output alike.
    const GO_EMPTY_GOMOD_HASH: &str = "h1:G7mAYYxgmS0lVkHyy2hEOLQCFB0DlQFTMLWggykrydY=";
    /// HashDir of an empty directory: the SHA-256 of nothing.
    const GO_EMPTY_DIR_HASH: &str = "h1:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";

    #[test]
    fn base64_std_padded() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foob"), "Zm9vYg==");
        assert_eq!(base64(&[0xfb, 0xff, 0xfe]), "+//+");
    }

    #[test]
    fn hash_dir_matches_go() {
        let t = TempDir::new("hashdir");
        let dir = t.path().join("m");
        write_tree(&dir, FIXTURE);
        assert_eq!(hash_dir(&dir, FIXTURE_PREFIX).unwrap(), GO_FIXTURE_HASH);

        let empty = t.path().join("empty");
        fs::create_dir(&empty).unwrap();
        assert_eq!(hash_dir(&empty, "x@v1.0.0").unwrap(), GO_EMPTY_DIR_HASH);

        // Not a directory.
        assert!(hash_dir(&dir.join("go.mod"), FIXTURE_PREFIX).is_err());
        assert!(hash_dir(&t.path().join("missing"), FIXTURE_PREFIX).is_err());
    }

    #[cfg(unix)]
    #[test]
    fn hash_dir_follows_file_symlinks_like_go() {
        let t = TempDir::new("hashdir-link");
        let dir = t.path().join("m");
        write_tree(&dir, FIXTURE);
        // Replace a.go by a symlink to a file with the same content: same hash.
        fs::write(t.path().join("target"), "package m\n").unwrap();
        fs::remove_file(dir.join("a.go")).unwrap();
        std::os::unix::fs::symlink(t.path().join("target"), dir.join("a.go")).unwrap();
        assert_eq!(hash_dir(&dir, FIXTURE_PREFIX).unwrap(), GO_FIXTURE_HASH);
    }

    #[test]
    fn hash_zip_matches_go() {
        let t = TempDir::new("hashzip");
        let zip = t.path().join("m.zip");
        let entries: Vec<(String, &str)> = FIXTURE.iter().map(|(n, c)| (format!("{FIXTURE_PREFIX}/{n}"), *c)).collect();
        write_zip(&zip, &entries);
        assert_eq!(hash_zip(&zip).unwrap(), GO_FIXTURE_HASH);
        // Entry order in the zip does not matter.
        let mut reversed = entries.clone();
        reversed.reverse();
        write_zip(&zip, &reversed);
        assert_eq!(hash_zip(&zip).unwrap(), GO_FIXTURE_HASH);
        // Not a zip.
        fs::write(&zip, "not a zip").unwrap();
        let e = hash_zip(&zip).unwrap_err().to_string();
        assert!(e.contains(&zip.display().to_string()), "{e}");
    }

    #[test]
    fn hash_go_mod_matches_go() {
        assert_eq!(hash_go_mod(FIXTURE[0].1.as_bytes()), GO_FIXTURE_GOMOD_HASH);
        assert_eq!(hash_go_mod(b""), GO_EMPTY_GOMOD_HASH);
    }

    /// A real go.mod from the module proxy and the go.sum line `go get` wrote for it
    /// (golang.org/x/mod v0.43.0, cache/download/golang.org/x/mod/@v/v0.43.0.mod).
    #[test]
    fn hash_go_mod_of_a_real_module() {
        let go_mod = "module golang.org/x/mod\n\ngo 1.26.0\n\nrequire golang.org/x/tools v0.52.0 // tagx:ignore\n";
        let go_sum = "golang.org/x/mod v0.43.0 h1:MFuq5J6s35W9D3IjkwyWc9vHh0nENOrt5K8Iof4ofmg=\n\
                      golang.org/x/mod v0.43.0/go.mod h1:4ec1JnuyBz5+FIVhg86UsA39YG8BpnrZdJYSNHmGzHY=\n";
        let sum = crate::modfetch::GoSum::parse(go_sum, "go.sum").unwrap();
        assert_eq!(sum.mod_hashes("golang.org/x/mod", "v0.43.0"), vec![hash_go_mod(go_mod.as_bytes()).as_str()]);
    }
}
