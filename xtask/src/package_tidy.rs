//! Tidy checks on what go-link-build promises as a published crate, run by
//! `cargo test -p xtask`:
//!
//! - its declared `rust-version` is at least the highest `rust-version` of any
//!   crate in its normal and build dependency closure, as resolved in this
//!   workspace's `Cargo.lock` (with all of go-link-build's features, so the
//!   `cli` binary counts too);
//! - `cargo package` would publish the sources, README and both licence
//!   files, and nothing test-only or machine-specific.
//!
//! Both ask cargo itself (`cargo tree`, `cargo metadata`, `cargo package
//! --list`), offline, so the answer is the one a user's cargo would give.

use std::path::{Path, PathBuf};
use std::process::Command;

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn cargo() -> Command {
    let mut c = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    c.current_dir(workspace_root());
    c
}

/// Runs `cmd` and returns its stdout, failing the test with its stderr.
fn output(mut cmd: Command) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("failed to run {cmd:?}: {e}"));
    assert!(out.status.success(), "{cmd:?} failed:\n{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("cargo printed UTF-8")
}

/// `1.85`, `1.71.1` → comparable triple (missing parts are 0, as cargo reads them).
fn parse_rust_version(v: &str) -> (u64, u64, u64) {
    let mut it = v.trim().split('.').map(|p| p.parse::<u64>().unwrap_or_else(|_| panic!("bad rust-version {v:?}")));
    (it.next().unwrap_or(0), it.next().unwrap_or(0), it.next().unwrap_or(0))
}

fn host_triple() -> String {
    let mut c = Command::new(std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into()));
    c.arg("-vV");
    output(c).lines().find_map(|l| l.strip_prefix("host: ")).expect("rustc -vV names the host").to_string()
}

/// `name vX.Y.Z` of every crate go-link-build (all features) needs to compile,
/// from `cargo tree`, which resolves features for this one package as
/// `cargo build -p go-link-build` would (dev-dependencies excluded).
fn dependency_closure() -> Vec<(String, String)> {
    let mut c = cargo();
    c.args(["tree", "--offline", "-p", "go-link-build", "--all-features", "-e", "normal,build"]);
    c.args(["--prefix", "none", "--format", "{p}"]);
    let mut out: Vec<(String, String)> = output(c)
        .lines()
        .filter_map(|l| {
            let mut f = l.split_whitespace();
            let name = f.next()?;
            let version = f.next()?.strip_prefix('v')?;
            Some((name.to_string(), version.to_string()))
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

#[test]
fn declared_rust_version_covers_the_dependencies() {
    let closure = dependency_closure();
    assert!(closure.iter().any(|(n, _)| n == "cc"), "cargo tree lost the dependencies: {closure:?}");
    let meta = cargo_metadata::MetadataCommand::new()
        .manifest_path(workspace_root().join("Cargo.toml"))
        // All features, as for cargo tree above: optional dependencies (clap, rustls) are listed only then.
        .other_options(vec![
            "--offline".to_string(),
            "--all-features".to_string(),
            "--filter-platform".to_string(),
            host_triple(),
        ])
        .exec()
        .expect("cargo metadata");
    let rust_version = |name: &str, version: &str| {
        let p = meta
            .packages
            .iter()
            .find(|p| p.name == name && p.version.to_string() == version)
            .unwrap_or_else(|| panic!("{name} {version} is in cargo tree but not in cargo metadata"));
        p.rust_version.as_ref().map(|v| v.to_string())
    };
    let glb = meta.packages.iter().find(|p| p.name == "go-link-build").expect("go-link-build in cargo metadata");
    let declared = glb.rust_version.as_ref().expect("go-link-build declares a rust-version").to_string();
    let declared_t = parse_rust_version(&declared);
    let mut too_new = Vec::new();
    let mut highest = ((0, 0, 0), String::new());
    for (name, version) in &closure {
        if name == "go-link-build" {
            continue;
        }
        let Some(needed) = rust_version(name, version) else { continue };
        let t = parse_rust_version(&needed);
        if t > highest.0 {
            highest = (t, format!("{name} {version} (rust-version {needed})"));
        }
        if t > declared_t {
            too_new.push(format!("  {name} {version} needs Rust {needed}"));
        }
    }
    assert!(
        too_new.is_empty(),
        "go-link-build declares rust-version {declared}, but Cargo.lock resolves dependencies that need more:\n{}\n\
         Raise rust-version in the workspace Cargo.toml, or pin an older dependency with \
         `cargo update -p NAME --precise VERSION`.\n",
        too_new.join("\n")
    );
    // Not lower than needed either, so the field stays a fact rather than a guess: the
    // declared version is the highest of the closure (or the code's own need, above it).
    eprintln!("rust-version {declared}; highest in the closure: {}", highest.1);
}

/// The files `cargo package -p go-link-build` would publish.
fn package_files() -> Vec<String> {
    let mut c = cargo();
    c.args(["package", "--offline", "--list", "--allow-dirty", "-p", "go-link-build"]);
    output(c).lines().map(str::to_string).collect()
}

#[test]
fn package_holds_sources_readme_and_licences_only() {
    let files = package_files();
    for needed in ["Cargo.toml", "README.md", "LICENSE-MIT", "LICENSE-APACHE", "src/lib.rs"] {
        assert!(files.iter().any(|f| f == needed), "the package lacks {needed}: {files:?}");
    }
    // What cargo itself adds, plus the crate's sources; nothing else. Test-only
    // files (tests/, fixtures, test helpers) need Go and the workspace; tool
    // configuration (clippy.toml) and anything machine-specific mean nothing
    // to a user.
    let allowed = |f: &str| {
        matches!(
            f,
            "Cargo.toml"
                | "Cargo.toml.orig"
                | "Cargo.lock"
                | ".cargo_vcs_info.json"
                | "README.md"
                | "LICENSE-MIT"
                | "LICENSE-APACHE"
        ) || (f.starts_with("src/") && f.ends_with(".rs") && !f.contains("testutil"))
    };
    let extra: Vec<&String> = files.iter().filter(|f| !allowed(f)).collect();
    assert!(extra.is_empty(), "cargo package would publish test-only or machine-specific files: {extra:?}");

    // The published manifest names no local path.
    let manifest = std::fs::read_to_string(workspace_root().join("go-link-build/Cargo.toml")).unwrap();
    for line in manifest.lines().filter(|l| !l.trim_start().starts_with('#')) {
        assert!(!line.contains("path = \"/"), "go-link-build/Cargo.toml names an absolute path: {line}");
    }
}

#[test]
fn licence_files_are_the_same_at_the_root_and_in_the_package() {
    for name in ["LICENSE-MIT", "LICENSE-APACHE"] {
        let root = std::fs::read(workspace_root().join(name)).unwrap_or_else(|e| panic!("{name} at the root: {e}"));
        let pkg = std::fs::read(workspace_root().join("go-link-build").join(name))
            .unwrap_or_else(|e| panic!("{name} in go-link-build/: {e}"));
        assert_eq!(root, pkg, "{name} differs between the root and go-link-build/");
    }
}

#[test]
fn rust_version_parsing() {
    assert_eq!(parse_rust_version("1.85"), (1, 85, 0));
    assert_eq!(parse_rust_version("1.71.1"), (1, 71, 1));
    assert!(parse_rust_version("1.88") > parse_rust_version("1.85.1"));
}
