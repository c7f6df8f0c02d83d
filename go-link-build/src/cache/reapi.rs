//! The three REAPI messages an HTTP remote cache stores under `/ac/`:
//! `build.bazel.remote.execution.v2.ActionResult`, `OutputFile` and `Digest`,
//! encoded and decoded by hand. The one protobuf codec of the crate: the
//! local cache's records ([`Record`](super::Record)) are these bytes, and the
//! remote cache stores and fetches them as they are.
//!
//! Field numbers are those of the published `remote_execution.proto`
//! (bazelbuild/remote-apis, `build/bazel/remote/execution/v2/`):
//!
//! ```text
//! Digest       { string hash = 1; int64 size_bytes = 2; }
//! OutputFile   { string path = 1; Digest digest = 2; reserved 3; bool is_executable = 4;
//!                bytes contents = 5; reserved 6; NodeProperties node_properties = 7; }
//! ActionResult { reserved 1; repeated OutputFile output_files = 2;
//!                repeated OutputDirectory output_directories = 3; int32 exit_code = 4;
//!                bytes stdout_raw = 5; Digest stdout_digest = 6; bytes stderr_raw = 7;
//!                Digest stderr_digest = 8; ExecutedActionMetadata execution_metadata = 9;
//!                repeated OutputSymlink output_file_symlinks = 10; … = 11; … = 12; }
//! ExecutedActionMetadata { string worker = 1; … }
//! ```
//!
//! A protobuf crate would cost a build dependency (and prost a proc-macro
//! and a build script) for five fields. The encoder writes the canonical form
//! the REAPI asks of messages whose digest matters: fields in tag order, proto3
//! defaults omitted, nothing unknown or duplicated. The decoder accepts any
//! valid encoding (fields in any order, unknown fields skipped, repeated
//! scalars last-wins, repeated sub-messages merged, as protobuf does) and
//! never panics: whatever a server sends, the worst outcome is an error.

use std::fmt;

/// `Digest`: a blob's SHA-256 as lowercase hex, and its size.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct Digest {
    pub hash: String,
    pub size_bytes: i64,
}

/// `OutputFile`: one output of an action.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct OutputFile {
    /// Relative, `/`-separated.
    pub path: String,
    pub digest: Option<Digest>,
    pub is_executable: bool,
    /// Inlined content; servers only send it when asked, clients never upload it.
    pub contents: Vec<u8>,
}

/// `ActionResult`, restricted to what go-link-build reads or writes. Output
/// directories and symlinks (fields 3, 10, 11, 12), which go-link-build never
/// produces, are skipped when decoding; the caller sees only the files.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct ActionResult {
    pub output_files: Vec<OutputFile>,
    pub exit_code: i32,
    pub stdout_raw: Vec<u8>,
    pub stdout_digest: Option<Digest>,
    pub stderr_raw: Vec<u8>,
    pub stderr_digest: Option<Digest>,
    /// `execution_metadata.worker`: bazel-remote fills it in with the
    /// client's address when it is empty.
    pub worker: String,
    /// Whether the message had output directories or symlinks, which
    /// go-link-build cannot install (a result with them is not one of ours).
    pub has_unsupported_outputs: bool,
}

/// Why bytes are not a valid message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct DecodeError(pub &'static str);

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "malformed ActionResult: {}", self.0)
    }
}

const VARINT: u8 = 0;
const I64: u8 = 1;
const LEN: u8 = 2;
const I32: u8 = 5;

// ---- encoding ----

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn put_tag(out: &mut Vec<u8>, field: u32, wire: u8) {
    put_varint(out, (u64::from(field) << 3) | u64::from(wire));
}

fn put_bytes(out: &mut Vec<u8>, field: u32, data: &[u8]) {
    if !data.is_empty() {
        put_tag(out, field, LEN);
        put_varint(out, data.len() as u64);
        out.extend_from_slice(data);
    }
}

/// A sub-message field: present even when empty (message fields have presence).
fn put_message(out: &mut Vec<u8>, field: u32, body: &[u8]) {
    put_tag(out, field, LEN);
    put_varint(out, body.len() as u64);
    out.extend_from_slice(body);
}

impl Digest {
    pub(crate) fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(70);
        put_bytes(&mut out, 1, self.hash.as_bytes());
        if self.size_bytes != 0 {
            put_tag(&mut out, 2, VARINT);
            // int64: negative values are their two's complement, 10 bytes.
            put_varint(&mut out, self.size_bytes as u64);
        }
        out
    }
}

impl OutputFile {
    pub(crate) fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        put_bytes(&mut out, 1, self.path.as_bytes());
        if let Some(d) = &self.digest {
            put_message(&mut out, 2, &d.encode());
        }
        if self.is_executable {
            put_tag(&mut out, 4, VARINT);
            out.push(1);
        }
        put_bytes(&mut out, 5, &self.contents);
        out
    }
}

impl ActionResult {
    /// The canonical encoding (tag order, defaults omitted).
    pub(crate) fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        for f in &self.output_files {
            put_message(&mut out, 2, &f.encode());
        }
        if self.exit_code != 0 {
            put_tag(&mut out, 4, VARINT);
            // int32 is sign-extended to 64 bits on the wire.
            put_varint(&mut out, i64::from(self.exit_code) as u64);
        }
        put_bytes(&mut out, 5, &self.stdout_raw);
        if let Some(d) = &self.stdout_digest {
            put_message(&mut out, 6, &d.encode());
        }
        put_bytes(&mut out, 7, &self.stderr_raw);
        if let Some(d) = &self.stderr_digest {
            put_message(&mut out, 8, &d.encode());
        }
        if !self.worker.is_empty() {
            let mut meta = Vec::new();
            put_bytes(&mut meta, 1, self.worker.as_bytes());
            put_message(&mut out, 9, &meta);
        }
        out
    }

    pub(crate) fn decode(data: &[u8]) -> Result<ActionResult, DecodeError> {
        let mut r = ActionResult::default();
        let mut fields = Fields { data };
        while let Some((field, value)) = fields.next_field()? {
            match (field, value) {
                (2, Value::Len(b)) => r.output_files.push(OutputFile::decode(b)?),
                (3 | 10 | 11 | 12, Value::Len(_)) => r.has_unsupported_outputs = true,
                (4, Value::Varint(v)) => r.exit_code = v as i32,
                (5, Value::Len(b)) => r.stdout_raw = b.to_vec(),
                (6, Value::Len(b)) => Digest::merge(r.stdout_digest.get_or_insert_with(Digest::default), b)?,
                (7, Value::Len(b)) => r.stderr_raw = b.to_vec(),
                (8, Value::Len(b)) => Digest::merge(r.stderr_digest.get_or_insert_with(Digest::default), b)?,
                (9, Value::Len(b)) => {
                    let mut meta = Fields { data: b };
                    while let Some((f, v)) = meta.next_field()? {
                        match (f, v) {
                            (1, Value::Len(s)) => r.worker = utf8(s)?,
                            (1, _) => return Err(DecodeError("execution_metadata.worker has the wrong wire type")),
                            _ => {}
                        }
                    }
                }
                (2..=12, _) => return Err(DecodeError("a known field has the wrong wire type")),
                _ => {} // unknown (or reserved) field: skipped
            }
        }
        Ok(r)
    }
}

impl OutputFile {
    fn decode(data: &[u8]) -> Result<OutputFile, DecodeError> {
        let mut o = OutputFile::default();
        let mut fields = Fields { data };
        while let Some((field, value)) = fields.next_field()? {
            match (field, value) {
                (1, Value::Len(b)) => o.path = utf8(b)?,
                (2, Value::Len(b)) => Digest::merge(o.digest.get_or_insert_with(Digest::default), b)?,
                (4, Value::Varint(v)) => o.is_executable = v != 0,
                (5, Value::Len(b)) => o.contents = b.to_vec(),
                (1 | 2 | 4 | 5, _) => return Err(DecodeError("an OutputFile field has the wrong wire type")),
                _ => {}
            }
        }
        Ok(o)
    }
}

impl Digest {
    fn merge(d: &mut Digest, data: &[u8]) -> Result<(), DecodeError> {
        let mut fields = Fields { data };
        while let Some((field, value)) = fields.next_field()? {
            match (field, value) {
                (1, Value::Len(b)) => d.hash = utf8(b)?,
                (2, Value::Varint(v)) => d.size_bytes = v as i64,
                (1 | 2, _) => return Err(DecodeError("a Digest field has the wrong wire type")),
                _ => {}
            }
        }
        Ok(())
    }
}

fn utf8(b: &[u8]) -> Result<String, DecodeError> {
    String::from_utf8(b.to_vec()).map_err(|_| DecodeError("a string field is not UTF-8"))
}

// ---- decoding ----

enum Value<'a> {
    Varint(u64),
    Len(&'a [u8]),
    Fixed,
}

/// Iterates over the fields of one message's bytes.
struct Fields<'a> {
    data: &'a [u8],
}

impl<'a> Fields<'a> {
    fn varint(&mut self) -> Result<u64, DecodeError> {
        let mut v: u64 = 0;
        for i in 0..10 {
            let Some((&b, rest)) = self.data.split_first() else {
                return Err(DecodeError("truncated varint"));
            };
            self.data = rest;
            if i == 9 && b > 1 {
                return Err(DecodeError("varint overflows 64 bits"));
            }
            v |= u64::from(b & 0x7f) << (7 * i);
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(DecodeError("varint longer than 10 bytes"))
    }

    fn take(&mut self, n: u64) -> Result<&'a [u8], DecodeError> {
        let n = usize::try_from(n).map_err(|_| DecodeError("length out of range"))?;
        if n > self.data.len() {
            return Err(DecodeError("a length runs past the end of the message"));
        }
        let (head, rest) = self.data.split_at(n);
        self.data = rest;
        Ok(head)
    }

    fn next_field(&mut self) -> Result<Option<(u32, Value<'a>)>, DecodeError> {
        if self.data.is_empty() {
            return Ok(None);
        }
        let key = self.varint()?;
        let field = key >> 3;
        if field == 0 || field > (1 << 29) - 1 {
            return Err(DecodeError("invalid field number"));
        }
        let value = match (key & 7) as u8 {
            VARINT => Value::Varint(self.varint()?),
            I64 => {
                self.take(8)?;
                Value::Fixed
            }
            LEN => {
                let n = self.varint()?;
                Value::Len(self.take(n)?)
            }
            I32 => {
                self.take(4)?;
                Value::Fixed
            }
            // Groups (3, 4) are proto2-only and not in these messages; 6, 7 do not exist.
            _ => return Err(DecodeError("unsupported wire type")),
        };
        Ok(Some((field as u32, value)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHA_ABC: &str = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    const SHA_EMPTY: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    fn unhex(s: &str) -> Vec<u8> {
        let s: String = s.split_whitespace().collect();
        (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
    }

    /// ENGINE.md §4.2's worked example, checked there against protobuf 5.29:
    /// `12 4d | 0a 05 "pkg.x" | 12 44 | 0a 40 <hex> | 10 03 | 32 42 | 0a 40 <hex>`.
    #[test]
    fn worked_example_is_byte_exact() {
        let r = ActionResult {
            output_files: vec![OutputFile {
                path: "pkg.x".into(),
                digest: Some(Digest { hash: SHA_ABC.into(), size_bytes: 3 }),
                ..Default::default()
            }],
            stdout_digest: Some(Digest { hash: SHA_EMPTY.into(), size_bytes: 0 }),
            ..Default::default()
        };
        let mut want = vec![0x12, 0x4d, 0x0a, 0x05];
        want.extend_from_slice(b"pkg.x");
        want.extend_from_slice(&[0x12, 0x44, 0x0a, 0x40]);
        want.extend_from_slice(SHA_ABC.as_bytes());
        want.extend_from_slice(&[0x10, 0x03, 0x32, 0x42, 0x0a, 0x40]);
        want.extend_from_slice(SHA_EMPTY.as_bytes());
        assert_eq!(want.len(), 147);
        assert_eq!(r.encode(), want);
        assert_eq!(ActionResult::decode(&want).unwrap(), r);
    }

    /// Bytes produced by python protobuf 7 (`SerializeToString`) from a
    /// descriptor of the real messages, for a result that uses every field
    /// the encoder writes: two files (one executable, one with a size needing
    /// a two-byte varint), a negative exit code (10-byte varint), both
    /// stdout/stderr digests and raw bytes, and execution_metadata.worker.
    /// `protoc --decode_raw` shows the same field numbers.
    #[test]
    fn matches_python_protobuf() {
        let golden = unhex(GOLDEN_PY);
        let r = ActionResult {
            output_files: vec![
                OutputFile {
                    path: "a/pkg.x".into(),
                    digest: Some(Digest { hash: SHA_ABC.into(), size_bytes: 300 }),
                    is_executable: false,
                    contents: Vec::new(),
                },
                OutputFile {
                    path: "bin/prog".into(),
                    digest: Some(Digest { hash: SHA_EMPTY.into(), size_bytes: 0 }),
                    is_executable: true,
                    contents: Vec::new(),
                },
            ],
            exit_code: -1,
            stdout_raw: b"out".to_vec(),
            stdout_digest: Some(Digest { hash: SHA_ABC.into(), size_bytes: 3 }),
            stderr_raw: b"err".to_vec(),
            stderr_digest: Some(Digest { hash: SHA_EMPTY.into(), size_bytes: 0 }),
            worker: "127.0.0.1".into(),
            has_unsupported_outputs: false,
        };
        assert_eq!(r.encode(), golden);
        assert_eq!(ActionResult::decode(&golden).unwrap(), r);
    }

    /// python protobuf's encoding of a message with fields go-link-build does
    /// not know (an output directory, a symlink, node properties, metadata
    /// timestamps, inline contents) in non-canonical order.
    #[test]
    fn skips_unknown_fields() {
        let r = ActionResult::decode(&unhex(GOLDEN_PY_EXTRA)).unwrap();
        assert_eq!(r.output_files.len(), 1);
        assert_eq!(r.output_files[0].path, "x.o");
        assert_eq!(r.output_files[0].contents, b"hi");
        assert_eq!(r.output_files[0].digest, Some(Digest { hash: SHA_ABC.into(), size_bytes: 3 }));
        assert_eq!(r.worker, "w");
        assert!(r.has_unsupported_outputs);
    }

    #[test]
    fn empty_message_is_default() {
        assert_eq!(ActionResult::decode(&[]).unwrap(), ActionResult::default());
        assert!(ActionResult::default().encode().is_empty());
    }

    #[test]
    fn bad_bytes_are_errors_never_panics() {
        for bad in [
            &[0x12][..],                     // truncated length
            &[0x12, 0x05, 0x0a],             // length past the end
            &[0x0b],                         // start group (wire type 3)
            &[0x00, 0x00],                   // field 0
            &[0x20, 0xff, 0xff, 0xff],       // truncated varint
            &[0x12, 0x02, 0x0a, 0xff],       // inner truncated
            &[0x12, 0x02, 0x20, 0x01][..3],  // inner truncated varint
            &[0x10, 0x01],                   // output_files as varint
            &[0x12, 0x03, 0x0a, 0x01, 0xff], // path not UTF-8
        ] {
            assert!(ActionResult::decode(bad).is_err(), "{bad:02x?}");
        }
        // Overlong varint (11 bytes).
        let mut v = vec![0x20];
        v.extend_from_slice(&[0xff; 10]);
        v.push(0x01);
        assert!(ActionResult::decode(&v).is_err());
    }

    /// Every prefix and many byte flips of a real encoding decode without panic.
    #[test]
    fn mangled_encodings_never_panic() {
        let golden = unhex(GOLDEN_PY);
        for n in 0..golden.len() {
            let _ = ActionResult::decode(&golden[..n]);
        }
        let mut state: u32 = 12345;
        for _ in 0..5000 {
            let mut m = golden.clone();
            for _ in 0..3 {
                state = state.wrapping_mul(1_103_515_245).wrapping_add(12345);
                let i = (state >> 8) as usize % m.len();
                m[i] = (state >> 20) as u8;
            }
            let _ = ActionResult::decode(&m);
        }
    }

    // Printed by tests/fixtures/reapi/gen.py (python protobuf, from
    // reapi_min.proto: the messages of remote_execution.proto with their field numbers).
    const GOLDEN_PY: &str = concat!(
        "12500a07612f706b672e7812450a40626137383136626638663031636665613431343134306465356461653232323362",
        "3030333631613339363137376139636234313066663631663230303135616410ac0212500a0862696e2f70726f671242",
        "0a4065336230633434323938666331633134396166626634633839393666623932343237616534316534363439623933",
        "346361343935393931623738353262383535200120ffffffffffffffffff012a036f757432440a406261373831366266",
        "386630316366656134313431343064653564616532323233623030333631613339363137376139636234313066663631",
        "663230303135616410033a0365727242420a406533623063343432393866633163313439616662663463383939366662",
        "39323432376165343165343634396239333463613439353939316237383532623835354a0b0a093132372e302e302e31",
    );
    const GOLDEN_PY_EXTRA: &str = concat!(
        "1a4b0a036469721a420a4065336230633434323938666331633134396166626634633839393666623932343237616534",
        "31653436343962393334636134393539393162373835326238353520014a0d0a017712080880e2cfaa06100562080a01",
        "6c1203782e6f125d0a03782e6f12440a4062613738313662663866303163666561343134313430646535646165323232",
        "33623030333631613339363137376139636234313066663631663230303135616410032a0268693a0c0a060a016e1201",
        "7612020801",
    );
}
