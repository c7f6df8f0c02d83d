//! Reading module zips: the central directory, stored and deflated entries
//! (inflated by `miniz_oxide`), sizes and CRC-32s checked as Go's
//! `archive/zip` checks them. Our own reader rather than the `zip` crate,
//! which with flate2, indexmap, hashbrown, memchr and crc32fast cost a
//! build script about a quarter of go-link-build's dependency compile time
//! for the one thing we need: reading a module zip.
//!
//! Unlike a reader that keeps one entry per name, this one keeps every entry
//! the central directory lists; [`open`] refuses a zip that lists a name
//! twice (a zip that did would hash and extract ambiguously).

use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::Path;

use crate::error::{Error, ErrorKind, Result};

/// What to tell a person about a zip we cannot use.
const REDOWNLOAD: &str = "Delete the zip so that it is downloaded again (`go mod download`).";

/// A problem with the zip's structure or an entry's data.
#[derive(Debug)]
pub(crate) struct ZipError(String);

impl std::fmt::Display for ZipError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn format_error(why: impl Into<String>) -> ZipError {
    ZipError(format!("zip: not a valid zip file ({})", why.into()))
}

pub(crate) fn zip_error(zip: &Path, e: &ZipError) -> Error {
    Error::new(ErrorKind::Load, format!("failed to read module zip {}: {e}\n\t{REDOWNLOAD}", zip.display()))
}

/// One central-directory entry: what `archive/zip.File` holds for us.
#[derive(Clone, Debug)]
pub(crate) struct Entry {
    name: Vec<u8>,
    method: u16,
    flags: u16,
    crc32: u32,
    compressed_size: u64,
    size: u64,
    header_offset: u64,
}

impl Entry {
    /// The name as stored (bytes).
    pub(crate) fn name_raw(&self) -> &[u8] {
        &self.name
    }

    /// The declared uncompressed size.
    pub(crate) fn size(&self) -> u64 {
        self.size
    }
}

/// An open module zip.
pub(crate) struct Archive<R = BufReader<File>> {
    reader: R,
    file_size: u64,
    entries: Vec<Entry>,
}

impl<R> std::fmt::Debug for Archive<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Archive").field("entries", &self.entries.len()).finish()
    }
}

/// An entry's uncompressed contents, checked: reading to the end yields an
/// error if the size or the CRC-32 differs from the central directory's
/// (`archive/zip`'s `checksumReader`). A too-long entry yields its first
/// `size + 1` bytes before the error, so a caller reading at most that much
/// can tell "larger than declared" apart.
pub(crate) struct EntryReader {
    name: Vec<u8>,
    data: Vec<u8>,
    pos: usize,
    error_at_end: Option<String>,
}

impl EntryReader {
    /// The entry's name as stored (bytes).
    pub(crate) fn name_raw(&self) -> &[u8] {
        &self.name
    }

    /// The entry's name, for messages.
    pub(crate) fn name(&self) -> String {
        String::from_utf8_lossy(&self.name).into_owned()
    }
}

impl Read for EntryReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let rest = &self.data[self.pos..];
        if rest.is_empty() {
            return match self.error_at_end.take() {
                Some(e) => Err(std::io::Error::new(std::io::ErrorKind::InvalidData, e)),
                None => Ok(0),
            };
        }
        let n = rest.len().min(buf.len());
        buf[..n].copy_from_slice(&rest[..n]);
        self.pos += n;
        Ok(n)
    }
}

impl<R: Read + Seek> Archive<R> {
    /// The number of entries.
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    /// Entry `i`'s central-directory facts, without reading its data.
    pub(crate) fn by_index_raw(&mut self, i: usize) -> std::result::Result<Entry, ZipError> {
        self.entries.get(i).cloned().ok_or_else(|| format_error(format!("no entry {i}")))
    }

    /// Entry `i`'s contents: stored or deflated (`archive/zip.File.Open`).
    pub(crate) fn by_index(&mut self, i: usize) -> std::result::Result<EntryReader, ZipError> {
        let e = self.by_index_raw(i)?;
        let shown = String::from_utf8_lossy(&e.name).into_owned();
        if e.flags & 0x1 != 0 {
            return Err(ZipError(format!("{shown}: encrypted entries are not supported")));
        }
        // The local header: its name and extra lengths decide where the data starts.
        let mut local = [0u8; 30];
        let io = |err: std::io::Error| ZipError(format!("{shown}: {err}"));
        self.reader.seek(SeekFrom::Start(e.header_offset)).map_err(io)?;
        self.reader.read_exact(&mut local).map_err(io)?;
        if local[..4] != [0x50, 0x4b, 0x03, 0x04] {
            return Err(format_error(format!("{shown}: bad local file header")));
        }
        let name_len = u16_at(&local, 26).unwrap_or(0);
        let extra_len = u16_at(&local, 28).unwrap_or(0);
        let data_start = e.header_offset + 30 + name_len + extra_len;
        if data_start.checked_add(e.compressed_size).is_none_or(|end| end > self.file_size) {
            return Err(format_error(format!("{shown}: data extends past the end of the file")));
        }
        self.reader.seek(SeekFrom::Start(data_start)).map_err(io)?;
        let mut raw = Vec::with_capacity(e.compressed_size.min(1 << 24) as usize);
        (&mut self.reader).take(e.compressed_size).read_to_end(&mut raw).map_err(io)?;
        // At most size + 1 bytes: enough to tell that an entry is too long.
        let limit = usize::try_from(e.size.saturating_add(1)).unwrap_or(usize::MAX);
        let mut data = match e.method {
            0 => raw,
            8 => match miniz_oxide::inflate::decompress_to_vec_with_limit(&raw, limit) {
                Ok(d) => d,
                Err(err) if err.status == miniz_oxide::inflate::TINFLStatus::HasMoreOutput => err.output,
                Err(err) => return Err(ZipError(format!("{shown}: invalid deflate data ({:?})", err.status))),
            },
            m => return Err(ZipError(format!("{shown}: unsupported compression method {m}"))),
        };
        let error_at_end = if (data.len() as u64) > e.size {
            data.truncate(limit);
            Some(format!("{shown}: larger than its declared size ({} bytes)", e.size))
        } else if (data.len() as u64) < e.size {
            Some(format!("{shown}: unexpected EOF ({} of {} bytes)", data.len(), e.size))
        } else if crc32(&data) != e.crc32 {
            Some(format!("{shown}: zip: checksum error"))
        } else {
            None
        };
        Ok(EntryReader { name: e.name, data, pos: 0, error_at_end })
    }
}

/// CRC-32 (IEEE), as zip records it (`hash/crc32.ChecksumIEEE`).
fn crc32(data: &[u8]) -> u32 {
    static TABLE: std::sync::OnceLock<[u32; 256]> = std::sync::OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let mut t = [0u32; 256];
        for (i, slot) in t.iter_mut().enumerate() {
            let mut c = i as u32;
            for _ in 0..8 {
                c = if c & 1 != 0 { 0xedb8_8320 ^ (c >> 1) } else { c >> 1 };
            }
            *slot = c;
        }
        t
    });
    !data.iter().fold(!0u32, |c, &b| table[((c ^ u32::from(b)) & 0xff) as usize] ^ (c >> 8))
}

/// Opens `zip`, refusing archives with duplicate entry names.
pub(crate) fn open(zip: &Path) -> Result<Archive> {
    let file = File::open(zip).map_err(|e| Error::io("open", zip, e))?;
    open_reader(BufReader::new(file), zip)
}

/// [`open`] of zip bytes from any reader; `zip` names it in errors.
pub(crate) fn open_reader<R: Read + Seek>(mut file: R, zip: &Path) -> Result<Archive<R>> {
    let bad = |e: String| {
        Error::new(ErrorKind::Load, format!("failed to read module zip {}: {e}\n\t{REDOWNLOAD}", zip.display()))
    };
    let dir = end_of_central_directory(&mut file).map_err(bad)?;
    let entries = central_directory(&mut file, &dir).map_err(|e| bad(e.to_string()))?;
    let listed = entries.len();
    let distinct = entries.iter().map(|e| e.name.as_slice()).collect::<std::collections::BTreeSet<_>>().len();
    if distinct != listed {
        return Err(Error::new(
            ErrorKind::Load,
            format!(
                "module zip {} is invalid: its central directory lists {listed} entries but only {distinct} distinct names \
                 (duplicate entries)\n\t{REDOWNLOAD}",
                zip.display(),
            ),
        ));
    }
    Ok(Archive { reader: file, file_size: dir.file_size, entries })
}

/// The central directory's extent (`archive/zip.directoryEnd`).
struct DirectoryEnd {
    count: u64,
    size: u64,
    offset: u64,
    file_size: u64,
}

/// `archive/zip.readDirectoryHeader` for every entry.
fn central_directory<R: Read + Seek>(f: &mut R, dir: &DirectoryEnd) -> std::result::Result<Vec<Entry>, ZipError> {
    if dir.offset.checked_add(dir.size).is_none_or(|end| end > dir.file_size) {
        return Err(format_error("central directory extends past the end of the file"));
    }
    let mut bytes = vec![0u8; usize::try_from(dir.size).map_err(|_| format_error("central directory too large"))?];
    f.seek(SeekFrom::Start(dir.offset)).map_err(|e| ZipError(e.to_string()))?;
    f.read_exact(&mut bytes).map_err(|e| ZipError(e.to_string()))?;
    let mut entries = Vec::new();
    let mut p = 0usize;
    let bad = || format_error("truncated central directory header");
    while p + 4 <= bytes.len() && bytes[p..p + 4] == [0x50, 0x4b, 0x01, 0x02] {
        let h = bytes.get(p..p + 46).ok_or_else(bad)?;
        let flags = u16_at(h, 8).ok_or_else(bad)? as u16;
        let method = u16_at(h, 10).ok_or_else(bad)? as u16;
        let crc32 = u32_at(h, 16).ok_or_else(bad)? as u32;
        let mut compressed_size = u32_at(h, 20).ok_or_else(bad)?;
        let mut size = u32_at(h, 24).ok_or_else(bad)?;
        let name_len = u16_at(h, 28).ok_or_else(bad)? as usize;
        let extra_len = u16_at(h, 30).ok_or_else(bad)? as usize;
        let comment_len = u16_at(h, 32).ok_or_else(bad)? as usize;
        let mut header_offset = u32_at(h, 42).ok_or_else(bad)?;
        let name = bytes.get(p + 46..p + 46 + name_len).ok_or_else(bad)?.to_vec();
        let extra = bytes.get(p + 46 + name_len..p + 46 + name_len + extra_len).ok_or_else(bad)?;
        // Zip64: the fields that overflowed are in the 0x0001 extra, in this order.
        let (need_size, need_csize, need_offset) =
            (size == 0xffff_ffff, compressed_size == 0xffff_ffff, header_offset == 0xffff_ffff);
        let mut x = 0usize;
        while x + 4 <= extra.len() {
            let tag = u16_at(extra, x).ok_or_else(bad)?;
            let len = u16_at(extra, x + 2).ok_or_else(bad)? as usize;
            let field = extra.get(x + 4..x + 4 + len).ok_or_else(bad)?;
            if tag == 0x0001 {
                let mut q = 0usize;
                let mut next = |want: bool, v: &mut u64| -> std::result::Result<(), ZipError> {
                    if want {
                        *v = u64_at(field, q).ok_or_else(|| format_error("invalid zip64 extra field"))?;
                        q += 8;
                    }
                    Ok(())
                };
                next(need_size, &mut size)?;
                next(need_csize, &mut compressed_size)?;
                next(need_offset, &mut header_offset)?;
            }
            x += 4 + len;
        }
        entries.push(Entry { name, method, flags, crc32, compressed_size, size, header_offset });
        p += 46 + name_len + extra_len + comment_len;
    }
    if entries.len() as u64 != dir.count {
        return Err(format_error(format!(
            "the end record counts {} entries, the central directory holds {}",
            dir.count,
            entries.len()
        )));
    }
    Ok(entries)
}

fn u16_at(b: &[u8], i: usize) -> Option<u64> {
    Some(u64::from(u16::from_le_bytes(b.get(i..i + 2)?.try_into().ok()?)))
}

fn u32_at(b: &[u8], i: usize) -> Option<u64> {
    Some(u64::from(u32::from_le_bytes(b.get(i..i + 4)?.try_into().ok()?)))
}

fn u64_at(b: &[u8], i: usize) -> Option<u64> {
    Some(u64::from_le_bytes(b.get(i..i + 8)?.try_into().ok()?))
}

/// The end-of-central-directory record (zip64 aware), found the way Go's
/// archive/zip finds it: the last signature whose comment fits in the rest of
/// the file.
fn end_of_central_directory<R: Read + Seek>(f: &mut R) -> std::result::Result<DirectoryEnd, String> {
    const EOCD_LEN: usize = 22;
    const MAX_COMMENT: u64 = 0xffff;
    let size = f.seek(SeekFrom::End(0)).map_err(|e| e.to_string())?;
    let tail_len = size.min(EOCD_LEN as u64 + MAX_COMMENT);
    let tail_start = size - tail_len;
    let mut tail = vec![0u8; tail_len as usize];
    f.seek(SeekFrom::Start(tail_start)).map_err(|e| e.to_string())?;
    f.read_exact(&mut tail).map_err(|e| e.to_string())?;
    let not_zip = || "not a valid zip file (no end of central directory record)".to_string();
    if tail.len() < EOCD_LEN {
        return Err(not_zip());
    }
    let eocd = (0..=tail.len() - EOCD_LEN)
        .rev()
        .find(|&p| {
            tail[p..p + 4] == [0x50, 0x4b, 0x05, 0x06]
                && u16_at(&tail, p + 20).is_some_and(|c| p + EOCD_LEN + c as usize <= tail.len())
        })
        .ok_or_else(not_zip)?;
    let count = u16_at(&tail, eocd + 10).ok_or_else(not_zip)?;
    let dir_size = u32_at(&tail, eocd + 12).ok_or_else(not_zip)?;
    let dir_offset = u32_at(&tail, eocd + 16).ok_or_else(not_zip)?;
    let plain = DirectoryEnd { count, size: dir_size, offset: dir_offset, file_size: size };
    if count != 0xffff && dir_size != 0xffff_ffff && dir_offset != 0xffff_ffff {
        return Ok(plain);
    }
    // Zip64: the locator sits just before the record and points at the zip64 record.
    let bad64 = || "invalid zip64 end of central directory".to_string();
    let abs_eocd = tail_start + eocd as u64;
    if abs_eocd < 20 {
        return Ok(plain);
    }
    let mut loc = [0u8; 20];
    f.seek(SeekFrom::Start(abs_eocd - 20)).map_err(|e| e.to_string())?;
    f.read_exact(&mut loc).map_err(|e| e.to_string())?;
    if loc[..4] != [0x50, 0x4b, 0x06, 0x07] {
        return Ok(plain); // no zip64 record: the 16/32-bit values are real
    }
    let rec_offset = u64_at(&loc, 8).ok_or_else(bad64)?;
    if rec_offset.checked_add(56).is_none_or(|end| end > size) {
        return Err(bad64());
    }
    let mut rec = [0u8; 56];
    f.seek(SeekFrom::Start(rec_offset)).map_err(|e| e.to_string())?;
    f.read_exact(&mut rec).map_err(|e| e.to_string())?;
    if rec[..4] != [0x50, 0x4b, 0x06, 0x06] {
        return Err(bad64());
    }
    Ok(DirectoryEnd {
        count: u64_at(&rec, 32).ok_or_else(bad64)?,
        size: u64_at(&rec, 40).ok_or_else(bad64)?,
        offset: u64_at(&rec, 48).ok_or_else(bad64)?,
        file_size: size,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::modfetch::testutil::{write_zip, TempDir};

    #[test]
    fn counts_entries_and_rejects_duplicates() {
        let t = TempDir::new("zipfile");
        let z = t.path().join("a.zip");
        write_zip(&z, &[("m@v1.0.0/a".into(), "1"), ("m@v1.0.0/b".into(), "2")]);
        assert_eq!(open(&z).unwrap().len(), 2);

        // The zip crate's writer refuses duplicate names, so patch one name in place.
        write_zip(&z, &[("m@v1.0.0/a".into(), "1"), ("m@v1.0.0/b".into(), "2")]);
        let mut bytes = std::fs::read(&z).unwrap();
        let mut patched = 0;
        for i in 0..bytes.len() - 10 {
            if &bytes[i..i + 10] == b"m@v1.0.0/b" {
                bytes[i + 9] = b'a';
                patched += 1;
            }
        }
        assert_eq!(patched, 2); // local header and central directory
        std::fs::write(&z, &bytes).unwrap();
        let e = open(&z).unwrap_err().to_string();
        assert!(e.contains("lists 2 entries but only 1 distinct names"), "{e}");

        std::fs::write(&z, b"PK\x05\x06").unwrap();
        assert!(open(&z).unwrap_err().to_string().contains("not a valid zip file"));
        std::fs::write(&z, b"").unwrap();
        assert!(open(&z).is_err());
    }

    fn read_all(archive: &mut Archive, i: usize) -> std::result::Result<Vec<u8>, String> {
        let mut r = archive.by_index(i).map_err(|e| e.to_string())?;
        let mut out = Vec::new();
        r.read_to_end(&mut out).map_err(|e| e.to_string())?;
        Ok(out)
    }

    #[test]
    fn crc32_ieee() {
        assert_eq!(crc32(b"123456789"), 0xcbf4_3926);
        assert_eq!(crc32(b""), 0);
    }

    #[test]
    fn stored_and_deflated_entries_read_back() {
        use std::io::Write as _;
        let t = TempDir::new("zipfile-methods");
        let z = t.path().join("a.zip");
        let big = "0123456789abcdef".repeat(5000);
        let mut w = zip::ZipWriter::new(std::fs::File::create(&z).unwrap());
        for (name, method) in [("s", zip::CompressionMethod::Stored), ("d", zip::CompressionMethod::Deflated)] {
            w.start_file(name, zip::write::SimpleFileOptions::default().compression_method(method)).unwrap();
            w.write_all(big.as_bytes()).unwrap();
        }
        w.add_directory("dir/", zip::write::SimpleFileOptions::default()).unwrap();
        w.finish().unwrap();
        let mut a = open(&z).unwrap();
        assert_eq!(a.len(), 3);
        assert_eq!(a.by_index_raw(1).unwrap().name_raw(), b"d");
        assert_eq!(a.by_index_raw(1).unwrap().size(), big.len() as u64);
        assert_eq!(read_all(&mut a, 0).unwrap(), big.as_bytes());
        assert_eq!(read_all(&mut a, 1).unwrap(), big.as_bytes());
        assert_eq!(read_all(&mut a, 2).unwrap(), b"");
        assert!(a.by_index(3).is_err());
    }

    #[test]
    fn wrong_crc_and_sizes_are_errors_at_the_end() {
        let t = TempDir::new("zipfile-checks");
        let z = t.path().join("a.zip");
        let name = "m@v1.0.0/f";
        let content = "hello, module";
        let make = |patch: &dyn Fn(&mut Vec<u8>, usize)| {
            write_zip(&z, &[(name.into(), content)]);
            let mut bytes = std::fs::read(&z).unwrap();
            // The central directory header: its signature precedes the name by 46 bytes.
            let cd = bytes.windows(4).rposition(|w| w == [0x50, 0x4b, 0x01, 0x02]).unwrap();
            patch(&mut bytes, cd);
            std::fs::write(&z, &bytes).unwrap();
            let mut a = open(&z).unwrap();
            read_all(&mut a, 0)
        };
        assert_eq!(make(&|_, _| {}).unwrap(), content.as_bytes());
        let e = make(&|b, cd| b[cd + 16] ^= 1).unwrap_err();
        assert!(e.contains("checksum error") && e.contains(name), "{e}");
        // Declared shorter than it is: the first size + 1 bytes, then an error.
        let e = make(&|b, cd| b[cd + 24] = 5).unwrap_err();
        assert!(e.contains("larger than its declared size (5 bytes)"), "{e}");
        let mut a = open(&z).unwrap();
        let mut first = Vec::new();
        a.by_index(0).unwrap().take(6).read_to_end(&mut first).unwrap();
        assert_eq!(first, b"hello,");
        // Declared longer than it is.
        let e = make(&|b, cd| b[cd + 24] = 200).unwrap_err();
        assert!(e.contains("unexpected EOF"), "{e}");
        // A method we do not read.
        let e = make(&|b, cd| b[cd + 10] = 12).unwrap_err();
        assert!(e.contains("unsupported compression method 12"), "{e}");
    }
}
