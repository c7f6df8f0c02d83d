//! Test helpers: temp directories that can hold read-only trees, fixture trees and zips.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// The tree whose Go hashes the dirhash tests hard-code (names are slash-separated).
pub(crate) const FIXTURE: &[(&str, &str)] = &[
    ("go.mod", "module example.com/m\n\ngo 1.20\n"),
    ("a.go", "package m\n"),
    ("a/x.go", "package a\n"),
    ("Z.txt", "upper\n"),
    ("LICENSE", "MIT\n"),
    ("sub/b.txt", "hello\n"),
    ("sub/deeper/c", ""),
    ("sp ace/é.txt", "unicode\n"),
];
pub(crate) const FIXTURE_PREFIX: &str = "example.com/m@v1.0.0";

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// A fresh directory under the system temp dir, removed (read-only parts included) on drop.
pub(crate) struct TempDir(PathBuf);

impl TempDir {
    pub(crate) fn new(tag: &str) -> TempDir {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let p = std::env::temp_dir().join(format!("glb-modfetch-{tag}-{}-{n}", std::process::id()));
        let _ = super::unzip::remove_tree(&p);
        fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }

    pub(crate) fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = super::unzip::remove_tree(&self.0);
    }
}

pub(crate) fn write_tree(dir: &Path, files: &[(&str, &str)]) {
    for (name, content) in files {
        let p = dir.join(name);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, content).unwrap();
    }
}

/// Writes a zip with the given (name, content) entries, deflated, names as given.
pub(crate) fn write_zip(path: &Path, entries: &[(String, &str)]) {
    let mut w = zip::ZipWriter::new(fs::File::create(path).unwrap());
    let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, content) in entries {
        if name.ends_with('/') {
            w.add_directory(name.as_str(), opts).unwrap();
        } else {
            w.start_file(name.as_str(), opts).unwrap();
            w.write_all(content.as_bytes()).unwrap();
        }
    }
    w.finish().unwrap();
}
