//! Extracting a module zip the way `golang.org/x/mod/zip.Unzip` checks it,
//! but atomically: into a unique sibling temp directory, made read-only like
//! cmd/go's module cache, then renamed into place.
//!
//! Every entry must be `path@version/<name>` with `<name>` clean and a valid
//! module file path (`module.CheckFilePath`: no `..`, no absolute or
//! backslash paths, no Windows-reserved names), no two names may fold to the
//! same case-insensitive path, `go.mod` may only be the root one (and
//! lower-case), and the sizes stay within x/mod/zip's limits. Every entry is
//! written as a regular file whatever mode bits the zip records (as Unzip
//! does), so a zip cannot create a symlink or a device.
//!
//! Concurrency: the rename makes the tree appear whole or not at all. This
//! does not speak cmd/go's own protocol (a `.partial` marker next to the
//! download-cache zip and a `.lock` file); a caller that extracts into a
//! `GOMODCACHE` shared with a running `go` command must check for the marker.

use std::collections::HashMap;
use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use super::{module, zipfile};
use crate::error::{Error, ErrorKind, Result};

/// x/mod/zip.MaxZipFile: the zip file and the total uncompressed size of its files.
pub(crate) const MAX_ZIP_FILE: u64 = 500 << 20;
/// x/mod/zip.MaxGoMod.
pub(crate) const MAX_GO_MOD: u64 = 16 << 20;
/// x/mod/zip.MaxLICENSE.
pub(crate) const MAX_LICENSE: u64 = 16 << 20;

static TMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// x/mod/zip's `strToFold`: the name with every rune replaced by the smallest
/// rune of its case-folding orbit (ASCII upper-case mapped to lower-case).
/// The orbit is approximated with the single-rune upper/lower mappings, which
/// agree with Go's `unicode.SimpleFold` for every letter a module path can hold.
fn str_to_fold(s: &str) -> String {
    if !s.bytes().any(|b| b >= 0x80 || b.is_ascii_uppercase()) {
        return s.to_string();
    }
    s.chars()
        .map(|c| {
            let mut orbit = vec![c];
            let mut i = 0;
            while i < orbit.len() && orbit.len() < 8 {
                let x = orbit[i];
                for mapped in [single(x.to_lowercase()), single(x.to_uppercase())].into_iter().flatten() {
                    if !orbit.contains(&mapped) {
                        orbit.push(mapped);
                    }
                }
                i += 1;
            }
            let min = orbit.into_iter().min().unwrap_or(c);
            min.to_ascii_lowercase()
        })
        .collect()
}

fn single(mut it: impl Iterator<Item = char>) -> Option<char> {
    let c = it.next()?;
    it.next().is_none().then_some(c)
}

/// x/mod/zip's `collisionChecker`: case-insensitive collisions, and names used
/// both as a file and as a directory.
#[derive(Default)]
struct Collisions(HashMap<String, (String, bool)>);

impl Collisions {
    /// Registers `p` and then each of its parent directories (a loop where Go
    /// recurses: an entry name can have thousands of elements).
    fn check(&mut self, mut p: &str, mut is_dir: bool) -> std::result::Result<(), String> {
        loop {
            let fold = str_to_fold(p);
            if let Some((other, other_dir)) = self.0.get(&fold) {
                if p != other {
                    return Err(format!("case-insensitive file name collision: {other:?} and {p:?}"));
                }
                if is_dir != *other_dir {
                    return Err(format!("entry {p:?} is both a file and a directory"));
                }
                if !is_dir {
                    return Err(format!("multiple entries for file {p:?}"));
                }
            } else {
                self.0.insert(fold, (p.to_string(), is_dir));
            }
            match p.rfind('/') {
                Some(i) => (p, is_dir) = (&p[..i], true),
                None => return Ok(()),
            }
        }
    }
}

/// One file to extract: its index in the archive, its name below the prefix, its declared size.
struct Planned {
    index: usize,
    name: String,
    size: u64,
}

/// x/mod/zip's `checkZip`: the files to extract, or every problem found
/// (one `<entry>: <reason>` line each, like Go's `FileErrorList`).
fn check_entries<R: Read + std::io::Seek>(
    archive: &mut zipfile::Archive<R>,
    zip: &Path,
    prefix: &str,
) -> Result<Vec<Planned>> {
    let mut invalid: Vec<String> = Vec::new();
    let mut size_error: Option<String> = None;
    let mut collisions = Collisions::default();
    let mut total: u64 = 0;
    let mut planned = Vec::new();
    for index in 0..archive.len() {
        let zf = archive.by_index_raw(index).map_err(|e| zipfile::zip_error(zip, &e))?;
        let raw = zf.name_raw().to_vec();
        let size = zf.size();
        drop(zf);
        let shown = String::from_utf8_lossy(&raw).into_owned();
        let mut bad = |why: String| invalid.push(format!("{shown}: {why}"));
        let Some(name) = raw.strip_prefix(prefix.as_bytes()) else {
            bad(format!("path does not have prefix {prefix:?}"));
            continue;
        };
        let Ok(name) = std::str::from_utf8(name) else {
            bad(format!("malformed file path {:?}: invalid UTF-8", String::from_utf8_lossy(name)));
            continue;
        };
        if name.is_empty() {
            continue;
        }
        let (name, is_dir) = match name.strip_suffix('/') {
            Some(n) => (n, true),
            None => (name, false),
        };
        if crate::goport::path_clean_bytes(name.as_bytes()) != name.as_bytes() {
            bad("file path is not clean".into());
            continue;
        }
        if let Some(why) = module::file_path_problem(name) {
            bad(why);
            continue;
        }
        if let Err(why) = collisions.check(name, is_dir) {
            bad(why);
            continue;
        }
        if is_dir {
            continue;
        }
        let base = name.rsplit('/').next().unwrap_or(name);
        if base.eq_ignore_ascii_case("go.mod") {
            if base != name {
                bad("go.mod file not in module root directory".into());
                continue;
            }
            if name != "go.mod" {
                bad("go.mod files must have lowercase names".into());
                continue;
            }
        }
        match total.checked_add(size) {
            Some(t) if t <= MAX_ZIP_FILE => total = t,
            _ => {
                size_error.get_or_insert_with(|| {
                    format!("total uncompressed size of module contents too large (max size is {MAX_ZIP_FILE} bytes)")
                });
            }
        }
        if name == "go.mod" && size > MAX_GO_MOD {
            bad(format!("go.mod file too large (max size is {MAX_GO_MOD} bytes)"));
            continue;
        }
        if name == "LICENSE" && size > MAX_LICENSE {
            bad(format!("LICENSE file too large (max size is {MAX_LICENSE} bytes)"));
            continue;
        }
        planned.push(Planned { index, name: name.to_string(), size });
    }
    if let Some(e) = size_error {
        return Err(invalid_zip(zip, &e));
    }
    if !invalid.is_empty() {
        return Err(invalid_zip(zip, &invalid.join("\n\t")));
    }
    Ok(planned)
}

/// The checks of [`extract_zip`] on zip bytes, without extracting: the
/// number of files it would write. (The fuzz targets' entry point.)
#[cfg(any(test, feature = "fuzzing"))]
pub(crate) fn check_zip_bytes(bytes: &[u8], path: &str, version: &str) -> Result<usize> {
    let zip = Path::new("fuzz.zip");
    let mut archive = zipfile::open_reader(std::io::Cursor::new(bytes), zip)?;
    Ok(check_entries(&mut archive, zip, &format!("{path}@{version}/"))?.len())
}

fn invalid_zip(zip: &Path, problems: &str) -> Error {
    Error::new(
        ErrorKind::Load,
        format!(
            "unzip {}: invalid module zip:\n\t{problems}\n\tThe zip does not hold a valid module; delete it and \
             download the module again (`go mod download`).",
            zip.display()
        ),
    )
}

/// Removes a tree that may contain read-only directories (and, on Windows, read-only files).
pub(crate) fn remove_tree(path: &Path) -> std::io::Result<()> {
    fn make_writable(p: &Path) {
        let Ok(meta) = fs::symlink_metadata(p) else { return };
        if meta.is_dir() {
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let mode = meta.permissions().mode();
                if mode & 0o700 != 0o700 {
                    let _ = fs::set_permissions(p, fs::Permissions::from_mode(mode | 0o700));
                }
            }
            if let Ok(rd) = fs::read_dir(p) {
                for e in rd.flatten() {
                    make_writable(&e.path());
                }
            }
        } else {
            #[cfg(not(unix))]
            {
                let mut perm = meta.permissions();
                if perm.readonly() {
                    #[allow(clippy::permissions_set_readonly_false)]
                    perm.set_readonly(false);
                    let _ = fs::set_permissions(p, perm);
                }
            }
        }
    }
    match fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
        Ok(m) if !m.is_dir() => return fs::remove_file(path),
        Ok(_) => {}
    }
    make_writable(path);
    fs::remove_dir_all(path)
}

/// Clears the write bits of every directory under (and including) `dir`,
/// children first, like cmd/go's `makeDirsReadOnly`.
fn make_dirs_read_only(dir: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let rd = fs::read_dir(dir).map_err(|e| Error::io("read directory", dir, e))?;
        for e in rd {
            let e = e.map_err(|e| Error::io("read directory", dir, e))?;
            if e.file_type().map_err(|err| Error::io("stat", &e.path(), err))?.is_dir() {
                make_dirs_read_only(&e.path())?;
            }
        }
        let mode = fs::metadata(dir).map_err(|e| Error::io("stat", dir, e))?.permissions().mode();
        fs::set_permissions(dir, fs::Permissions::from_mode(mode & !0o222))
            .map_err(|e| Error::io("make read-only", dir, e))?;
    }
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

fn create_temp_sibling(dest: &Path) -> Result<PathBuf> {
    let parent = dest.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    fs::create_dir_all(parent).map_err(|e| Error::io("create directory", parent, e))?;
    let base = dest.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "module".into());
    loop {
        let nanos =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
        let n = TMP_COUNTER.fetch_add(1, Ordering::Relaxed);
        let tmp = parent.join(format!(".{base}.tmp-{}-{n}-{nanos:x}", std::process::id()));
        match fs::create_dir(&tmp) {
            Ok(()) => return Ok(tmp),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(Error::io("create directory", &tmp, e)),
        }
    }
}

/// Extracts the module zip `zip` of `path@version` into `dest`, atomically.
///
/// The zip is checked as x/mod/zip's `Unzip` checks it (see the module doc)
/// before anything is written; the files go into a unique sibling temp
/// directory with mode 0444, its directories lose their write bits (0555),
/// and it is renamed to `dest`. If `dest` already exists as a directory at
/// that point (another process won the race), the temp tree is discarded and
/// the call succeeds. On any error the temp tree is removed; `dest` is never
/// left half-written. `writable_dirs` is `GOFLAGS=-modcacherw`: directories
/// keep their write bits (files are 0444 either way, as with cmd/go).
pub(crate) fn extract_zip(zip: &Path, path: &str, version: &str, dest: &Path, writable_dirs: bool) -> Result<()> {
    module::check(path, version).map_err(|e| e.context(format_args!("unzip {}", zip.display())))?;
    let size = fs::metadata(zip).map_err(|e| Error::io("stat", zip, e))?.len();
    if size > MAX_ZIP_FILE {
        return Err(invalid_zip(
            zip,
            &format!("module zip file is too large ({size} bytes; limit is {MAX_ZIP_FILE} bytes)"),
        ));
    }
    let mut archive = zipfile::open(zip)?;
    let prefix = format!("{path}@{version}/");
    let planned = check_entries(&mut archive, zip, &prefix)?;

    let tmp = create_temp_sibling(dest)?;
    let result = write_files(&mut archive, zip, &tmp, &planned).and_then(|()| {
        if writable_dirs {
            Ok(())
        } else {
            make_dirs_read_only(&tmp)
        }
    });
    if let Err(e) = result {
        let _ = remove_tree(&tmp);
        return Err(e.context(format_args!("extracting {path}@{version} into {}", dest.display())));
    }
    match fs::rename(&tmp, dest) {
        Ok(()) => Ok(()),
        Err(e) => {
            let _ = remove_tree(&tmp);
            if dest.is_dir() {
                Ok(()) // another process extracted the same module first
            } else {
                Err(Error::io("rename the extracted module into place at", dest, e))
            }
        }
    }
}

fn write_files(archive: &mut zipfile::Archive, zip: &Path, tmp: &Path, planned: &[Planned]) -> Result<()> {
    for p in planned {
        let mut dst = tmp.to_path_buf();
        dst.extend(p.name.split('/'));
        if let Some(parent) = dst.parent() {
            fs::create_dir_all(parent).map_err(|e| Error::io("create directory", parent, e))?;
        }
        let mut opts = fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o444);
        let mut w = opts.open(&dst).map_err(|e| Error::io("create", &dst, e))?;
        let zf = archive.by_index(p.index).map_err(|e| zipfile::zip_error(zip, &e))?;
        let name = zf.name().to_string();
        let mut limited = zf.take(p.size.saturating_add(1));
        let mut buf = vec![0u8; 64 * 1024];
        let mut written: u64 = 0;
        loop {
            let n = match limited.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    return Err(Error::new(
                        ErrorKind::Load,
                        format!(
                            "failed to read {name:?} in module zip {}: {e}\n\tDelete the zip so that it is \
                             downloaded again.",
                            zip.display()
                        ),
                    ))
                }
            };
            written += n as u64;
            if written > p.size {
                return Err(invalid_zip(
                    zip,
                    &format!("uncompressed size of file {name} is larger than declared size ({} bytes)", p.size),
                ));
            }
            w.write_all(&buf[..n]).map_err(|e| Error::io("write", &dst, e))?;
        }
        drop(limited);
        // No fsync per file, like x/mod/zip's Unzip: atomicity comes from the
        // rename of the whole tree, and a module can have thousands of files.
        #[cfg(not(unix))]
        {
            let mut perm = w.metadata().map_err(|e| Error::io("stat", &dst, e))?.permissions();
            perm.set_readonly(true);
            fs::set_permissions(&dst, perm).map_err(|e| Error::io("make read-only", &dst, e))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::modfetch::testutil::{write_zip, TempDir, FIXTURE, FIXTURE_PREFIX};

    fn fixture_entries() -> Vec<(String, &'static str)> {
        FIXTURE.iter().map(|(n, c)| (format!("{FIXTURE_PREFIX}/{n}"), *c)).collect()
    }

    /// Nothing but `dest` (if made) next to it: no temp dir left behind.
    fn siblings(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> =
            fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        v.sort();
        v
    }

    #[test]
    fn extracts_read_only_and_matches_hash() {
        let t = TempDir::new("unzip-ok");
        let zip = t.path().join("m.zip");
        let mut entries = fixture_entries();
        entries.push((format!("{FIXTURE_PREFIX}/emptydir/"), ""));
        write_zip(&zip, &entries);
        let out = t.path().join("out");
        let dest = out.join("example.com/m@v1.0.0");
        extract_zip(&zip, "example.com/m", "v1.0.0", &dest, false).unwrap();
        for (name, content) in FIXTURE {
            assert_eq!(fs::read_to_string(dest.join(name)).unwrap(), *content, "{name}");
        }
        // Directory entries are not materialised (Unzip skips them).
        assert!(!dest.join("emptydir").exists());
        assert_eq!(siblings(&out.join("example.com")), vec!["m@v1.0.0"]);
        // The tree hashes like the zip (and like Go: see dirhash.rs).
        assert_eq!(
            super::super::hash_dir(&dest, FIXTURE_PREFIX).unwrap(),
            "h1:PpA1Mgl2uQv/Kydln3hOpwjDqQcPDv5rTn9b+5B2nq0="
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&dest.join("go.mod")), 0o444);
            assert_eq!(mode(&dest.join("sub/deeper/c")), 0o444);
            assert_eq!(mode(&dest) & 0o222, 0);
            assert_eq!(mode(&dest.join("sub/deeper")) & 0o222, 0);
        }
        // -modcacherw: the directories stay writable, the files do not.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let rw = out.join("example.com/rw@v1.0.0");
            extract_zip(&zip, "example.com/m", "v1.0.0", &rw, true).unwrap();
            let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_ne!(mode(&rw.join("sub/deeper")) & 0o200, 0);
            assert_eq!(mode(&rw.join("go.mod")), 0o444);
            remove_tree(&rw).unwrap();
        }
        // A second extraction finds dest there: discards its temp tree and succeeds.
        extract_zip(&zip, "example.com/m", "v1.0.0", &dest, false).unwrap();
        assert_eq!(siblings(&out.join("example.com")), vec!["m@v1.0.0"]);
        // A file in the way is an error, and the temp tree still goes away.
        let blocked = out.join("blocked");
        fs::write(&blocked, "x").unwrap();
        let e = extract_zip(&zip, "example.com/m", "v1.0.0", &blocked, false).unwrap_err().to_string();
        assert!(e.contains("rename the extracted module into place"), "{e}");
        assert_eq!(siblings(&out), vec!["blocked", "example.com"]);
    }

    fn expect_rejected(tag: &str, entries: &[(String, &str)], path: &str, version: &str, want: &str) {
        let t = TempDir::new(tag);
        let zip = t.path().join("m.zip");
        write_zip(&zip, entries);
        let out = t.path().join("out");
        fs::create_dir(&out).unwrap();
        let dest = out.join("m");
        let e = extract_zip(&zip, path, version, &dest, false).unwrap_err().to_string();
        assert!(e.contains(want), "{tag}: want {want:?} in:\n{e}");
        assert!(siblings(&out).is_empty(), "{tag}: left {:?}", siblings(&out));
    }

    #[test]
    fn rejects_bad_entries() {
        let p = FIXTURE_PREFIX;
        let ok = (format!("{p}/a.go"), "package m\n");
        let m = "example.com/m";
        let v = "v1.0.0";
        let cases: Vec<(&str, (String, &str), &str)> = vec![
            ("dotdot", (format!("{p}/../evil"), "x"), "malformed file path \"../evil\": invalid path element \"..\""),
            ("dotdot-inner", (format!("{p}/a/../../evil"), "x"), "file path is not clean"),
            ("outside", ("evil/x.go".into(), "x"), "evil/x.go: path does not have prefix \"example.com/m@v1.0.0/\""),
            ("other-version", ("example.com/m@v1.0.1/x.go".into(), "x"), "path does not have prefix"),
            ("absolute", ("/etc/passwd".into(), "x"), "path does not have prefix"),
            ("absolute-inside", (format!("{p}//etc/passwd"), "x"), "\"/etc/passwd\": empty path element"),
            ("backslash", (format!("{p}/a\\..\\evil"), "x"), "invalid char '\\\\'"),
            ("nested-gomod", (format!("{p}/sub/go.mod"), "x"), "go.mod file not in module root directory"),
            ("upper-gomod", (format!("{p}/GO.MOD"), "x"), "go.mod files must have lowercase names"),
            ("windows-name", (format!("{p}/con.go"), "x"), "disallowed as path element component on Windows"),
        ];
        for (tag, bad, want) in cases {
            expect_rejected(tag, &[ok.clone(), bad], m, v, want);
        }
        // Case-insensitive duplicates, of files and of directories.
        expect_rejected(
            "case-dup",
            &[(format!("{p}/README"), "a"), (format!("{p}/readme"), "b")],
            m,
            v,
            "case-insensitive file name collision: \"README\" and \"readme\"",
        );
        expect_rejected(
            "case-dup-dir",
            &[(format!("{p}/Sub/a.go"), "a"), (format!("{p}/sub/b.go"), "b")],
            m,
            v,
            "case-insensitive file name collision: \"Sub\" and \"sub\"",
        );
        expect_rejected(
            "file-and-dir",
            &[(format!("{p}/x"), "a"), (format!("{p}/x/y"), "b")],
            m,
            v,
            "entry \"x\" is both a file and a directory",
        );
        // Bad module path or version.
        expect_rejected("bad-version", std::slice::from_ref(&ok), m, "v1.0", "not canonical");
        expect_rejected("bad-path", &[ok], "example.com/M!", v, "malformed module path");
    }

    #[test]
    fn rejects_oversized_go_mod_and_garbage() {
        let t = TempDir::new("unzip-garbage");
        let zip = t.path().join("m.zip");
        fs::write(&zip, "not a zip at all").unwrap();
        let out = t.path().join("out");
        fs::create_dir(&out).unwrap();
        let e = extract_zip(&zip, "example.com/m", "v1.0.0", &out.join("m"), false).unwrap_err().to_string();
        assert!(e.contains("failed to read module zip"), "{e}");
        assert!(siblings(&out).is_empty());
        let e = extract_zip(&t.path().join("missing.zip"), "example.com/m", "v1.0.0", &out.join("m"), false);
        assert!(e.is_err());
        assert!(siblings(&out).is_empty());
    }

    #[test]
    fn failure_while_writing_leaves_nothing() {
        // A corrupt deflate stream passes the name checks and fails while
        // writing: the temp tree (already holding files) must go away.
        let t = TempDir::new("unzip-corrupt");
        let zip = t.path().join("m.zip");
        let big = "0123456789".repeat(1000);
        write_zip(
            &zip,
            &[(format!("{FIXTURE_PREFIX}/a.go"), "package m\n"), (format!("{FIXTURE_PREFIX}/z/big.txt"), big.as_str())],
        );
        let mut bytes = fs::read(&zip).unwrap();
        // Corrupt the middle of the second entry's data (the CRC check or inflate fails).
        let name = format!("{FIXTURE_PREFIX}/z/big.txt");
        let pos = bytes.windows(name.len()).position(|w| w == name.as_bytes()).unwrap() + name.len() + 5;
        for b in &mut bytes[pos..pos + 8] {
            *b ^= 0x5a;
        }
        fs::write(&zip, &bytes).unwrap();
        let out = t.path().join("out");
        fs::create_dir(&out).unwrap();
        let e = extract_zip(&zip, "example.com/m", "v1.0.0", &out.join("m"), false).unwrap_err().to_string();
        assert!(e.contains("big.txt"), "{e}");
        assert!(siblings(&out).is_empty(), "left {:?}", siblings(&out));
    }

    #[test]
    fn fold_like_go() {
        assert_eq!(str_to_fold("abc/def"), "abc/def");
        assert_eq!(str_to_fold("ABC/Def"), "abc/def");
        // Kelvin sign, long s and final sigma fold with their ASCII/Greek relatives, as in Go.
        assert_eq!(str_to_fold("\u{212A}"), "k");
        assert_eq!(str_to_fold("\u{17F}"), "s");
        assert_eq!(str_to_fold("ς"), str_to_fold("Σ"));
        assert_eq!(str_to_fold("é"), str_to_fold("É"));
    }
}
