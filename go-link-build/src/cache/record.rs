//! The record of one cache entry, shaped like REAPI's `ActionResult`.
//!
//! A record lists the files an action produced: a relative name, the
//! SHA-256 and size of the content (`Digest`), and the executable bit. It is
//! serialized as the canonical protobuf encoding of
//! `build.bazel.remote.execution.v2.ActionResult` (fields in tag order, zero
//! values omitted; see ENGINE.md §4.2), so the bytes stored under
//! `ac/<xx>/<key>` locally are the bytes a Bazel HTTP cache holds under
//! `/ac/<key>`, and the file contents live under their SHA-256 in `cas/`, as
//! on the server.
//!
//! Decoding accepts what a server may add (`exit_code`, `execution_metadata`,
//! inline `contents`, unknown fields: skipped) but refuses anything that
//! could make a lookup read the wrong file: a name that is empty, absolute,
//! has a directory part or `..`, a repeated name, a hash that is not 64
//! lowercase hex digits, a negative size.

use std::fmt;

use crate::cache::hex;

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
        let mut out = Vec::new();
        for f in &self.files {
            let mut digest = Vec::new();
            put_bytes(&mut digest, 1, f.digest.hex().as_bytes());
            if f.digest.size != 0 {
                put_varint_field(&mut digest, 2, f.digest.size);
            }
            let mut file = Vec::new();
            put_bytes(&mut file, 1, f.path.as_bytes());
            put_bytes(&mut file, 2, &digest);
            if f.executable {
                put_varint_field(&mut file, 4, 1);
            }
            put_bytes(&mut out, 2, &file);
        }
        out
    }

    /// Parses an `ActionResult` (see the module docs for what is refused).
    pub(crate) fn from_bytes(data: &[u8]) -> Result<Record, String> {
        let mut files: Vec<OutputFile> = Vec::new();
        for field in Fields(data) {
            let (tag, value) = field?;
            match (tag, value) {
                (2, Value::Bytes(b)) => files.push(parse_output_file(b)?),
                (2, _) => return Err("output_files is not a message".into()),
                (4, Value::Varint(code)) if code != 0 => return Err(format!("exit code {code}")),
                _ => {}
            }
        }
        files.sort_by(|a, b| a.path.cmp(&b.path));
        if files.windows(2).any(|w| w[0].path == w[1].path) {
            return Err("a file is listed twice".into());
        }
        Ok(Record { files })
    }
}

fn parse_output_file(data: &[u8]) -> Result<OutputFile, String> {
    let mut path = None;
    let mut digest = None;
    let mut executable = false;
    for field in Fields(data) {
        match field? {
            (1, Value::Bytes(b)) => path = Some(String::from_utf8(b.to_vec()).map_err(|_| "path is not UTF-8")?),
            (2, Value::Bytes(b)) => digest = Some(parse_digest(b)?),
            (4, Value::Varint(v)) => executable = v != 0,
            (1 | 2 | 4, _) => return Err("malformed OutputFile".into()),
            _ => {}
        }
    }
    let path = path.ok_or("an output file without a path")?;
    let plain =
        !path.is_empty() && path != "." && path != ".." && !path.contains(['/', '\\', '\0']) && !path.starts_with('-');
    if !plain {
        return Err(format!("output file name {path:?} is not a plain file name"));
    }
    Ok(OutputFile { path, digest: digest.ok_or("an output file without a digest")?, executable })
}

fn parse_digest(data: &[u8]) -> Result<Digest, String> {
    let mut hash = None;
    let mut size = 0u64;
    for field in Fields(data) {
        match field? {
            (1, Value::Bytes(b)) => hash = Some(parse_hex32(b).ok_or("digest hash is not 64 lowercase hex digits")?),
            (2, Value::Varint(v)) => {
                // int64 on the wire: a negative size is a huge varint.
                if v > i64::MAX as u64 {
                    return Err("negative digest size".into());
                }
                size = v;
            }
            (1 | 2, _) => return Err("malformed Digest".into()),
            _ => {}
        }
    }
    Ok(Digest { sha256: hash.ok_or("a digest without a hash")?, size })
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

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn put_varint_field(out: &mut Vec<u8>, tag: u64, v: u64) {
    put_varint(out, tag << 3);
    put_varint(out, v);
}

fn put_bytes(out: &mut Vec<u8>, tag: u64, b: &[u8]) {
    put_varint(out, tag << 3 | 2);
    put_varint(out, b.len() as u64);
    out.extend_from_slice(b);
}

enum Value<'a> {
    Varint(u64),
    Bytes(&'a [u8]),
    Fixed,
}

/// Iterates over the fields of a protobuf message.
struct Fields<'a>(&'a [u8]);

impl<'a> Fields<'a> {
    fn varint(&mut self) -> Result<u64, String> {
        let mut v = 0u64;
        for i in 0..10 {
            let (&b, rest) = self.0.split_first().ok_or("truncated varint")?;
            self.0 = rest;
            v |= u64::from(b & 0x7f) << (7 * i);
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err("varint too long".into())
    }

    fn take(&mut self, n: u64) -> Result<&'a [u8], String> {
        if n > self.0.len() as u64 {
            return Err("truncated field".into());
        }
        let (a, b) = self.0.split_at(n as usize);
        self.0 = b;
        Ok(a)
    }
}

impl<'a> Iterator for Fields<'a> {
    type Item = Result<(u64, Value<'a>), String>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.0.is_empty() {
            return None;
        }
        let r = (|| {
            let key = self.varint()?;
            let tag = key >> 3;
            if tag == 0 {
                return Err("field number 0".to_string());
            }
            let value = match key & 7 {
                0 => Value::Varint(self.varint()?),
                1 => {
                    self.take(8)?;
                    Value::Fixed
                }
                2 => {
                    let n = self.varint()?;
                    Value::Bytes(self.take(n)?)
                }
                5 => {
                    self.take(4)?;
                    Value::Fixed
                }
                w => return Err(format!("unsupported wire type {w}")),
            };
            Ok((tag, value))
        })();
        if r.is_err() {
            self.0 = &[];
        }
        Some(r)
    }
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
    }
}
