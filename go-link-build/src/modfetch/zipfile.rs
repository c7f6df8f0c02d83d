//! Opening module zips with the `zip` crate, plus the one check it cannot
//! make for us: its reader keeps one entry per name, so a zip that lists a
//! name twice would look clean. We count the central directory's entries
//! from the end-of-central-directory record ourselves and refuse such zips.

use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::Path;

use zip::result::ZipError;
use zip::ZipArchive;

use crate::error::{Error, ErrorKind, Result};

pub(crate) type Archive<R = BufReader<File>> = ZipArchive<R>;

/// What to tell a person about a zip we cannot use.
const REDOWNLOAD: &str = "Delete the zip so that it is downloaded again (`go mod download`).";

pub(crate) fn zip_error(zip: &Path, e: &ZipError) -> Error {
    Error::new(ErrorKind::Load, format!("failed to read module zip {}: {e}\n\t{REDOWNLOAD}", zip.display()))
}

/// Opens `zip`, refusing archives with duplicate entry names.
pub(crate) fn open(zip: &Path) -> Result<Archive> {
    let file = File::open(zip).map_err(|e| Error::io("open", zip, e))?;
    open_reader(BufReader::new(file), zip)
}

/// [`open`] of zip bytes from any reader; `zip` names it in errors.
pub(crate) fn open_reader<R: Read + Seek>(mut file: R, zip: &Path) -> Result<Archive<R>> {
    let listed = central_directory_count(&mut file).map_err(|e| {
        Error::new(ErrorKind::Load, format!("failed to read module zip {}: {e}\n\t{REDOWNLOAD}", zip.display()))
    })?;
    file.seek(SeekFrom::Start(0)).map_err(|e| Error::io("read", zip, e))?;
    let archive = ZipArchive::new(file).map_err(|e| zip_error(zip, &e))?;
    if listed != archive.len() as u64 {
        return Err(Error::new(
            ErrorKind::Load,
            format!(
                "module zip {} is invalid: its central directory lists {listed} entries but only {} distinct names \
                 (duplicate entries)\n\t{REDOWNLOAD}",
                zip.display(),
                archive.len()
            ),
        ));
    }
    Ok(archive)
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

/// The total entry count of the end-of-central-directory record (zip64 aware),
/// found the way Go's archive/zip finds it: the last signature whose comment
/// fits in the rest of the file.
fn central_directory_count<R: Read + Seek>(f: &mut R) -> std::result::Result<u64, String> {
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
    if count != 0xffff && dir_size != 0xffff_ffff && dir_offset != 0xffff_ffff {
        return Ok(count);
    }
    // Zip64: the locator sits just before the record and points at the zip64 record.
    let bad64 = || "invalid zip64 end of central directory".to_string();
    let abs_eocd = tail_start + eocd as u64;
    if abs_eocd < 20 {
        return Ok(count);
    }
    let mut loc = [0u8; 20];
    f.seek(SeekFrom::Start(abs_eocd - 20)).map_err(|e| e.to_string())?;
    f.read_exact(&mut loc).map_err(|e| e.to_string())?;
    if loc[..4] != [0x50, 0x4b, 0x06, 0x07] {
        return Ok(count); // no zip64 record: the 16/32-bit values are real
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
    u64_at(&rec, 32).ok_or_else(bad64)
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
}
