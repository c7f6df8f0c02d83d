//! DOCS_RS mode, as docs.rs runs it: a crate whose build script builds a Go
//! sidecar and a C archive is documented with `DOCS_RS=1`, no `go` on PATH
//! and no GOROOT, and its code (which uses `GO_LINK_BUILD_BIN_*`, the bindings
//! file and an `unsafe extern "C"` block) compiles for rustdoc.

use std::path::{Path, PathBuf};
use std::process::Command;

use go_link_build_tests::Scratch;

fn write(path: PathBuf, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// PATH without any directory that holds a `go` program.
fn path_without_go() -> std::ffi::OsString {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let dirs: Vec<PathBuf> =
        std::env::split_paths(&path).filter(|d| !d.join("go").exists() && !d.join("go.exe").exists()).collect();
    std::env::join_paths(dirs).unwrap()
}

#[test]
fn cargo_doc_with_docs_rs_and_no_go() {
    let s = Scratch::new("docs-rs");
    let glb = Path::new(env!("CARGO_MANIFEST_DIR")).join("../go-link-build").canonicalize().unwrap();
    let krate = s.join("fixture");
    write(
        krate.join("Cargo.toml"),
        &format!(
            r#"[package]
name = "docsrs-fixture"
version = "0.1.0"
edition = "2024"
links = "go-runtime"

[build-dependencies]
go-link-build = {{ path = {:?} }}

[workspace]
"#,
            glb.display().to_string()
        ),
    );
    write(
        krate.join("build.rs"),
        r#"fn main() {
    go_link_build::Build::new().package("go/hello").binary("hello");
    go_link_build::Build::new().package("go/ffi").rust_bindings(true).c_archive("goffi");
}
"#,
    );
    write(
        krate.join("src/lib.rs"),
        r#"//! A crate with Go inside, documented without Go.

/// The sidecar program's bytes.
pub static HELLO: &[u8] = include_bytes!(env!("GO_LINK_BUILD_BIN_HELLO"));

unsafe extern "C" {
    /// Adds in Go.
    pub fn GoAdd(a: i32, b: i32) -> i32;
}

/// The generated declarations (none in DOCS_RS mode).
pub mod generated {
    include!(env!("GO_LINK_BUILD_RS_GOFFI"));
}
"#,
    );
    write(krate.join("go/hello/main.go"), "package main\n\nfunc main() { println(\"hello\") }\n");
    write(
        krate.join("go/ffi/ffi.go"),
        "package main\n\nimport \"C\"\n\n//export GoAdd\nfunc GoAdd(a, b C.int) C.int { return a + b }\n\nfunc main() {}\n",
    );
    // The workspace's lock file, so the offline resolution picks the same versions.
    std::fs::copy(Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.lock"), krate.join("Cargo.lock")).unwrap();

    // A target dir kept between runs (not the test's own: cargo test holds its lock).
    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).join("docs-rs-fixture-target");
    let out = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["doc", "--offline", "--no-deps"])
        .current_dir(&krate)
        .env("DOCS_RS", "1")
        .env("PATH", path_without_go())
        .env("CARGO_TARGET_DIR", &target)
        .env_remove("GOROOT")
        .env_remove("GO_LINK_BUILD_GOROOT")
        .env_remove("GO")
        .env_remove("GOPATH")
        .output()
        .expect("run cargo doc");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "cargo doc failed:\n{stderr}");
    assert!(stderr.contains("DOCS_RS is set: binary `hello` not built"), "{stderr}");
    assert!(stderr.contains("DOCS_RS is set: c_archive `goffi` not built"), "{stderr}");
    assert!(target.join("doc/docsrs_fixture/index.html").exists());
    assert!(target.join("doc/docsrs_fixture/fn.GoAdd.html").exists());
}
