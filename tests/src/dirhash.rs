//! `golang.org/x/mod/sumdb/dirhash.Hash1`: the `h1:` hashes of `go.sum`.
//!
//! A module's hash covers the file names (`<path>@<version>/<file>`) and
//! contents of its zip; the `/go.mod` hash covers one file named `go.mod`.
//! The tests use it to check that the proxy zips match what `go mod tidy`
//! wrote, and to know the hash a tampered module has.

use std::path::Path;

use sha2::{Digest as _, Sha256};

/// `Hash1` of (name, content) pairs: SHA-256 over the lines
/// `"<hex sha256 of content>  <name>\n"` in name order, base64, prefixed `h1:`.
pub fn hash1<N: AsRef<str>, C: AsRef<[u8]>>(files: &[(N, C)]) -> String {
    let mut sorted: Vec<(&str, &[u8])> = files.iter().map(|(n, c)| (n.as_ref(), c.as_ref())).collect();
    sorted.sort_by(|a, b| a.0.cmp(b.0));
    let mut summary = Sha256::new();
    for (name, content) in sorted {
        assert!(!name.contains('\n'), "file name with a newline: {name:?}");
        summary.update(format!("{:x}  {name}\n", Sha256::digest(content)).as_bytes());
    }
    let summary = summary.finalize();
    format!("h1:{}", base64(&summary))
}

/// The `h1:` hash of an extracted module directory, as `go mod verify` computes it.
pub fn hash_dir(dir: &Path, path: &str, version: &str) -> String {
    let files: Vec<(String, Vec<u8>)> = crate::modproxy::files_below(dir)
        .unwrap()
        .into_iter()
        .map(|(rel, full)| (format!("{path}@{version}/{rel}"), std::fs::read(full).unwrap()))
        .collect();
    hash1(&files)
}

/// The `h1:` hash of a `go.mod` file's content (the `/go.mod` lines of go.sum).
pub fn hash_gomod(content: &[u8]) -> String {
    hash1(&[("go.mod", content)])
}

/// Standard base64 with padding.
fn base64(data: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc4648_vectors() {
        for (input, want) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(input.as_bytes()), want);
        }
    }
}
