//! The record of one cache entry: REAPI's `ActionResult`, restricted to
//! what go-link-build writes.
//!
//! A record lists the files an action produced: a relative name, the
//! SHA-256 and size of the content (`Digest`), and the executable bit. Its
//! bytes are the canonical encoding of `build.bazel.remote.execution.v2.ActionResult`
//! written by [`reapi`](super::reapi) (the one protobuf codec, also the remote
//! cache's), so the bytes stored under `ac/<xx>/<key>` locally are the bytes a
//! Bazel HTTP cache holds under `/ac/<key>`, and the file contents live under
//! their SHA-256 in `cas/`, as on the server.
//!
//! Decoding accepts what a server may add (`exit_code` 0, `execution_metadata`,
//! inline `contents`, unknown fields: skipped) but refuses anything that
//! could make a lookup read the wrong file: a name that is empty, absolute,
//! has a directory part or `..`, a repeated name, a hash that is not 64
//! lowercase hex digits, a negative size, output directories or symlinks, a
//! failed action.

use std::fmt;

use crate::cache::hex;
use crate::cache::reapi;

/// A blob's identity: SHA-256 and size, as REAPI's `Digest`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct Digest {
    pub sha256: [u8; 32],
    pub size: u64,
}

impl Digest {
    /// The digest of some bytes.
    pub(crate) fn of(data: &[u8]) -> Digest {
        Digest { sha256: crate::cache::digest(data), size: data.len() as u64 }
    }

    /// The lowercase hex SHA-256 (the CAS key).
    pub(crate) fn hex(&self) -> String {
        hex(&self.sha256)
    }
}

impl fmt::Debug for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.hex(), self.size)
    }
}

/// One output file of an action (REAPI `OutputFile`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct OutputFile {
    /// A plain file name (no directory part), e.g. `_pkg_.a`.
    pub path: String,
    pub digest: Digest,
    pub executable: bool,
}

/// What a cache entry holds (REAPI `ActionResult` with `output_files` only;
/// exit code 0 is implied: only successful actions are cached).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Record {
    /// Sorted by path.
    pub files: Vec<OutputFile>,
}

impl Record {
    /// A record of these files, sorted by name.
    pub(crate) fn new(mut files: Vec<OutputFile>) -> Record {
        files.sort_by(|a, b| a.path.cmp(&b.path));
        Record { files }
    }

    /// The file named `path`.
    pub(crate) fn file(&self, path: &str) -> Option<&OutputFile> {
        self.files.iter().find(|f| f.path == path)
    }

    /// The canonical protobuf encoding of the `ActionResult`.
    pub(crate) fn to_bytes(&self) -> Vec<u8> {
        let output_files = self
            .files
            .iter()
            .map(|f| reapi::OutputFile {
                path: f.path.clone(),
                digest: Some(reapi::Digest { hash: f.digest.hex(), size_bytes: f.digest.size as i64 }),
                is_executable: f.executable,
                contents: Vec::new(),
            })
            .collect();
        reapi::ActionResult { output_files, ..Default::default() }.encode()
    }

    /// Parses an `ActionResult` (see the module docs for what is refused).
    pub(crate) fn from_bytes(data: &[u8]) -> Result<Record, String> {
        let r = reapi::ActionResult::decode(data).map_err(|e| e.to_string())?;
        if r.exit_code != 0 {
            return Err(format!("exit code {}", r.exit_code));
        }
        if r.has_unsupported_outputs {
            return Err("output directories or symlinks".into());
        }
        let mut files = Vec::with_capacity(r.output_files.len());
        for f in r.output_files {
            let path = f.path;
            let plain = !path.is_empty()
                && path != "."
                && path != ".."
                && !path.contains(['/', '\\', '\0'])
                && !path.starts_with('-');
            if !plain {
                return Err(format!("output file name {path:?} is not a plain file name"));
            }
            let d = f.digest.ok_or_else(|| format!("output file {path:?} has no digest"))?;
            let sha256 = parse_hex32(d.hash.as_bytes())
                .ok_or_else(|| format!("output file {path:?}: digest hash is not 64 lowercase hex digits"))?;
            let size =
                u64::try_from(d.size_bytes).map_err(|_| format!("output file {path:?}: negative digest size"))?;
            files.push(OutputFile { path, digest: Digest { sha256, size }, executable: f.is_executable });
        }
        files.sort_by(|a, b| a.path.cmp(&b.path));
        if let Some(w) = files.windows(2).find(|w| w[0].path == w[1].path) {
            return Err(format!("output file {:?} is listed twice", w[0].path));
        }
        Ok(Record { files })
    }
}

/// Parses 64 lowercase hex digits.
pub(crate) fn parse_hex32(b: &[u8]) -> Option<[u8; 32]> {
    if b.len() != 64 {
        return None;
    }
    let nib = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    };
    let mut out = [0u8; 32];
    for (i, pair) in b.chunks(2).enumerate() {
        out[i] = nib(pair[0])? << 4 | nib(pair[1])?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, data: &[u8], executable: bool) -> OutputFile {
        OutputFile { path: path.into(), digest: Digest::of(data), executable }
    }

    #[test]
    fn matches_the_reapi_encoding() {
        // ENGINE.md §4.2's worked example, without its stdout digest:
        // 12 4d | 0a 05 "pkg.x" | 12 44 | 0a 40 <64 hex> | 10 03
        let r = Record::new(vec![file("pkg.x", b"abc", false)]);
        let b = r.to_bytes();
        assert_eq!(b.len(), 2 + 0x4d);
        assert_eq!(&b[..9], b"\x12\x4d\x0a\x05pkg.x");
        assert_eq!(&b[9..13], b"\x12\x44\x0a\x40");
        assert_eq!(&b[13..77], Digest::of(b"abc").hex().as_bytes());
        assert_eq!(&b[77..], b"\x10\x03");
    }

    #[test]
    fn roundtrip_and_server_additions() {
        let r = Record::new(vec![file("a.out", b"\x7fELF", true), file("_pkg_.a", b"", false)]);
        let mut b = r.to_bytes();
        assert_eq!(Record::from_bytes(&b).unwrap(), r);
        // What a server may add: exit_code 0, execution_metadata { worker }.
        b.extend_from_slice(b"\x20\x00\x4a\x08\x0a\x06worker");
        assert_eq!(Record::from_bytes(&b).unwrap(), r);
    }

    #[test]
    fn refuses_what_could_mislead_a_lookup() {
        for name in ["", "..", "../x", "/etc/passwd", "a/b", "a\\b"] {
            let b = Record { files: vec![file(name, b"x", false)] }.to_bytes();
            assert!(Record::from_bytes(&b).is_err(), "{name:?}");
        }
        let dup = Record { files: vec![file("a", b"x", false), file("a", b"y", false)] }.to_bytes();
        assert!(Record::from_bytes(&dup).is_err());
        let good = Record::new(vec![file("a", b"x", false)]).to_bytes();
        for cut in 1..good.len() {
            assert!(Record::from_bytes(&good[..cut]).is_err(), "truncated at {cut}");
        }
        let upper = String::from_utf8(good.clone()).unwrap().replace(|c: char| c.is_ascii_lowercase() && c != 'a', "F");
        assert!(Record::from_bytes(upper.as_bytes()).is_err());
        assert!(Record::from_bytes(b"\x20\x01").is_err(), "a failed action");
        let negative = reapi::ActionResult {
            output_files: vec![reapi::OutputFile {
                path: "a".into(),
                digest: Some(reapi::Digest { hash: "ab".repeat(32), size_bytes: -1 }),
                ..Default::default()
            }],
            ..Default::default()
        };
        assert!(Record::from_bytes(&negative.encode()).is_err(), "a negative size");
        let no_digest = reapi::ActionResult {
            output_files: vec![reapi::OutputFile { path: "a".into(), ..Default::default() }],
            ..Default::default()
        };
        assert!(Record::from_bytes(&no_digest.encode()).is_err(), "no digest");
        for name in ["-o", ".", "a\0b"] {
            let b = Record { files: vec![file(name, b"x", false)] }.to_bytes();
            assert!(Record::from_bytes(&b).is_err(), "{name:?}");
        }
        // An output directory (field 3) or a symlink (field 10): not ours.
        for extra in [&b"\x1a\x00"[..], b"\x52\x00"] {
            let mut b = good.clone();
            b.extend_from_slice(extra);
            assert!(Record::from_bytes(&b).is_err(), "{extra:02x?}");
        }
    }
}
