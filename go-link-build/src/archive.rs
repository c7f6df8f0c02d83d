//! Appending objects to a Go package archive, in-process.
//!
//! This is what cmd/go's `pack r` (`packInternal`) does; the `pack` tool is not
//! shipped since Go 1.25, so we never run it. The format is the one
//! `compile -pack` writes: `!<arch>\n`, then members with a 60-byte header
//! `%-16s%-12d%-6d%-6d%-8o%-10d` + "`\n", names cut to 16 bytes with no `/`
//! terminator and no long-name table, mtime/uid/gid 0, mode 644, and data
//! padded to an even length with one `\0` byte.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::Path;

use crate::error::{Error, Result};

/// The 60-byte member header for `name` and `size` bytes of data.
pub(crate) fn member_header(name: &str, size: u64) -> Vec<u8> {
    let name_bytes = name.as_bytes();
    let name = &name_bytes[..name_bytes.len().min(16)];
    let mut h = Vec::with_capacity(60);
    h.extend_from_slice(name);
    h.resize(16, b' ');
    h.extend_from_slice(format!("{:<12}{:<6}{:<6}{:<8o}{:<10}`\n", 0, 0, 0, 0o644, size).as_bytes());
    debug_assert_eq!(h.len(), 60);
    h
}

/// Appends `(member name, data)` pairs to the archive at `archive`.
pub(crate) fn append(archive: &Path, members: &[(String, Vec<u8>)]) -> Result<()> {
    let mut f = OpenOptions::new().append(true).open(archive).map_err(|e| Error::io("open", archive, e))?;
    let mut buf = Vec::new();
    for (name, data) in members {
        buf.extend_from_slice(&member_header(name, data.len() as u64));
        buf.extend_from_slice(data);
        if data.len() % 2 == 1 {
            buf.push(0);
        }
    }
    f.write_all(&buf).map_err(|e| Error::io("append to", archive, e))?;
    Ok(())
}

/// Appends object files, naming each member after its file name.
pub(crate) fn append_files(archive: &Path, files: &[&Path]) -> Result<()> {
    let mut members = Vec::with_capacity(files.len());
    for f in files {
        let data = std::fs::read(f).map_err(|e| Error::io("read", f, e))?;
        let name = f.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        members.push((name, data));
    }
    append(archive, &members)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_layout() {
        let h = member_header("indexbyte_amd64.o", 1234);
        assert_eq!(String::from_utf8(h).unwrap(), "indexbyte_amd64.0           0     0     644     1234      `\n");
    }
}
