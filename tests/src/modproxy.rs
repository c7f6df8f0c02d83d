//! Third-party Go modules for the module tests, served offline.
//!
//! The fixture modules are real files under `tests/fixtures/modules/<dir>/`,
//! each with its `go.mod`; [`MODULES`] says which module path and version
//! each directory is. [`write_proxy`] turns them into a `GOPROXY=file://…`
//! directory with the layout the go command downloads from
//! (`<escaped path>/@v/list`, `<v>.info`, `<v>.mod`, `<v>.zip`), and
//! [`go_mod_env`] points a `go` command at it, offline and hermetic, so
//! `go mod tidy`, `go mod download`, `go mod vendor` and `go build` work with
//! no network and no state outside the directories given.
//!
//! The zips are byte-for-byte deterministic (sorted entries, a fixed
//! timestamp, fixed permissions), so the `go.sum` that `go mod tidy` writes
//! for the `modapp` fixture is the same on every run and every machine.
//!
//! This file uses only `std` and the `zip` crate: `xtask bench` includes it
//! too (`#[path]`), to set up its `modules` program the same way.

use std::io::{self, Write as _};
use std::path::{Path, PathBuf};
use std::process::Command;

/// One version of one fixture module.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FixtureModule {
    /// The module path, as in its `go.mod` (case preserved).
    pub path: &'static str,
    /// The version the proxy serves it as.
    pub version: &'static str,
    /// Its directory under `tests/fixtures/modules`.
    pub dir: &'static str,
}

const fn m(path: &'static str, version: &'static str, dir: &'static str) -> FixtureModule {
    FixtureModule { path, version, dir }
}

/// Every module version the proxy serves.
///
/// `modapp` uses all but two: `example.com/chain/base v1.0.3` (required by
/// `chain/mid`, but minimal version selection picks `v1.0.4`, which `kvfmt`
/// requires, so only its `go.mod` is ever read) and `example.com/colors-fork`
/// (what the replace and unknown-import tests swap in).
pub const MODULES: &[FixtureModule] = &[
    // Upper-case letters: `example.com/!upper!co/!strutil` in the cache; has a
    // package in an upper-case directory (`Wrap`).
    m("example.com/UpperCo/Strutil", "v1.2.3", "strutil"),
    // Go assembly on amd64 (`sum_amd64.s`), a `//go:build !amd64 || purego` fallback.
    m("example.com/asmsum", "v1.0.0", "asmsum"),
    // `//go:embed` of a directory (skipping `_draft.txt`) and of a file.
    m("example.com/greetings", "v1.1.0", "greetings"),
    // A major-version module: path ending in /v2, version v2.x.y, range over int (go 1.22).
    m("example.com/geom/v2", "v2.1.0", "geom-v2"),
    // A chain: top -> mid -> base, so mid and base are indirect dependencies.
    m("example.com/chain/base", "v1.0.3", "chain-base-1.0.3"),
    m("example.com/chain/base", "v1.0.4", "chain-base-1.0.4"),
    m("example.com/chain/mid", "v1.2.0", "chain-mid"),
    m("example.com/chain/top", "v1.3.0", "chain-top"),
    // `go 1.16`: compiled with -lang=go1.16 (shared loop variable), `// +build` lines only.
    m("example.com/oldlang", "v1.0.0", "oldlang"),
    // No go line at all: the go command assumes go 1.16.
    m("example.com/nogoline", "v0.3.0", "nogoline"),
    // Generics and the go1.21 min/max builtins; a `_test.go` file and a
    // `//go:build ignore` file that must not be compiled.
    m("example.com/mathx", "v1.4.0", "mathx"),
    // Depends on Strutil, mathx and chain/base v1.0.4.
    m("example.com/kvfmt", "v1.0.0", "kvfmt"),
    // Three packages, one of them internal to the module.
    m("example.com/ids", "v1.2.0", "ids"),
    // Two packages; replaced by the fork in the replace tests.
    m("example.com/colors", "v0.9.1", "colors"),
    // A fork as forks usually are: its go.mod and imports keep the original
    // path (`module example.com/colors`), so it only works as a replacement.
    m("example.com/colors-fork", "v0.10.0", "colors-fork"),
];

/// The modules (path, version) the `modapp` program's build list selects:
/// every module it needs a package from, directly or indirectly.
pub fn modapp_build_list() -> Vec<(&'static str, &'static str)> {
    MODULES
        .iter()
        .filter(|m| {
            !(m.path == "example.com/chain/base" && m.version == "v1.0.3") && m.path != "example.com/colors-fork"
        })
        .map(|m| (m.path, m.version))
        .collect()
}

/// `tests/fixtures` (this file is compiled by the tests crate and by xtask,
/// both directly below the workspace root).
pub fn fixtures_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("tests").join("fixtures")
}

/// The source directory of a fixture module.
pub fn module_dir(m: &FixtureModule) -> PathBuf {
    fixtures_root().join("modules").join(m.dir)
}

/// A fixture module by path and version.
pub fn module(path: &str, version: &str) -> &'static FixtureModule {
    MODULES
        .iter()
        .find(|m| m.path == path && m.version == version)
        .unwrap_or_else(|| panic!("no fixture module {path}@{version}"))
}

/// `golang.org/x/mod/module.EscapePath` (and `EscapeVersion`): every
/// upper-case letter becomes `!` and its lower-case form, so module paths
/// are safe on case-insensitive file systems. `example.com/UpperCo/Strutil`
/// becomes `example.com/!upper!co/!strutil`.
pub fn escape_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len() + 4);
    for c in path.chars() {
        if c.is_ascii_uppercase() {
            out.push('!');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// The directory the go command extracts a module into:
/// `<gomodcache>/<escaped path>@<escaped version>`.
pub fn extracted_dir(gomodcache: &Path, path: &str, version: &str) -> PathBuf {
    gomodcache.join(format!("{}@{}", escape_path(path), escape_path(version)))
}

/// The download cache directory of a module: `<gomodcache>/cache/download/<escaped path>/@v`.
pub fn download_dir(gomodcache: &Path, path: &str) -> PathBuf {
    gomodcache.join("cache").join("download").join(escape_path(path)).join("@v")
}

/// Every regular file below `dir`, as (path relative to `dir` with `/`, full path), sorted.
pub fn files_below(dir: &Path) -> io::Result<Vec<(String, PathBuf)>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).map_err(|e| with_path(e, &d))? {
            let entry = entry?;
            let ty = entry.file_type()?;
            let path = entry.path();
            if ty.is_dir() {
                stack.push(path);
            } else if ty.is_file() {
                let rel = path.strip_prefix(dir).expect("below dir").to_string_lossy().replace('\\', "/");
                out.push((rel, path));
            }
        }
    }
    out.sort();
    Ok(out)
}

fn with_path(e: io::Error, p: &Path) -> io::Error {
    io::Error::new(e.kind(), format!("{}: {e}", p.display()))
}

/// The module zip of `m` as the go command expects it: one entry
/// `<path>@<version>/<file>` per file of the module directory, sorted, all
/// dated 1980-01-01. `.go`, `.s` and `go.mod` files are deflated, everything
/// else is stored, so a zip reader has to handle both methods.
pub fn zip_module(m: &FixtureModule) -> io::Result<Vec<u8>> {
    use zip::write::SimpleFileOptions;
    use zip::CompressionMethod;
    let mut zw = zip::ZipWriter::new(io::Cursor::new(Vec::new()));
    for (rel, full) in files_below(&module_dir(m))? {
        let method = if rel.ends_with(".go") || rel.ends_with(".s") || rel == "go.mod" {
            CompressionMethod::Deflated
        } else {
            CompressionMethod::Stored
        };
        let opts = SimpleFileOptions::default()
            .compression_method(method)
            .last_modified_time(zip::DateTime::default())
            .unix_permissions(0o644);
        zw.start_file(format!("{}@{}/{rel}", m.path, m.version), opts).map_err(io::Error::other)?;
        zw.write_all(&std::fs::read(&full).map_err(|e| with_path(e, &full))?)?;
    }
    Ok(zw.finish().map_err(io::Error::other)?.into_inner())
}

/// The `.info` file of a version: `{"Version":…,"Time":…}`, with a fixed time.
pub fn info_json(m: &FixtureModule) -> String {
    format!("{{\"Version\":\"{}\",\"Time\":\"2024-05-06T07:08:09Z\"}}\n", m.version)
}

/// Writes a `GOPROXY=file://<dir>` module proxy serving every module of
/// [`MODULES`]: `<escaped path>/@v/list` and, per version, `.info`, `.mod`
/// (the module's `go.mod`) and `.zip`.
pub fn write_proxy(dir: &Path) -> io::Result<()> {
    for m in MODULES {
        let v = dir.join(escape_path(m.path)).join("@v");
        std::fs::create_dir_all(&v).map_err(|e| with_path(e, &v))?;
        let ver = escape_path(m.version);
        std::fs::write(v.join(format!("{ver}.info")), info_json(m))?;
        std::fs::copy(module_dir(m).join("go.mod"), v.join(format!("{ver}.mod")))
            .map_err(|e| with_path(e, &module_dir(m)))?;
        std::fs::write(v.join(format!("{ver}.zip")), zip_module(m)?)?;
        let list: String = MODULES.iter().filter(|o| o.path == m.path).map(|o| format!("{}\n", o.version)).collect();
        std::fs::write(v.join("list"), list)?;
    }
    Ok(())
}

/// `GOPROXY=file://…` for a proxy directory.
pub fn file_url(dir: &Path) -> String {
    let p = dir.to_string_lossy().replace('\\', "/");
    if p.starts_with('/') {
        format!("file://{p}")
    } else {
        format!("file:///{p}")
    }
}

/// Sets up `cmd` (a `go` command) to work offline against the proxy at
/// `proxy` (or with `GOPROXY=off` when `None`) and the module cache
/// `gomodcache`, with `gocache` as its build cache: no checksum database, no
/// user config file (`GOENV=off`), no toolchain switch, no workspace, no
/// cgo, and `GOFLAGS=-mod=mod` (callers that test vendoring override it).
/// Variables that would make the go command ask the network or change the
/// build are cleared.
pub fn go_mod_env<'c>(
    cmd: &'c mut Command,
    gomodcache: &Path,
    proxy: Option<&Path>,
    gocache: &Path,
) -> &'c mut Command {
    cmd.env("GOMODCACHE", gomodcache)
        .env("GOPROXY", proxy.map(file_url).unwrap_or_else(|| "off".to_string()))
        .env("GOSUMDB", "off")
        .env("GONOSUMDB", "")
        .env("GOPRIVATE", "")
        .env("GONOPROXY", "")
        .env("GOINSECURE", "")
        .env("GOVCS", "")
        .env("GOFLAGS", "-mod=mod")
        .env("GOENV", "off")
        .env("GOTOOLCHAIN", "local")
        .env("GOWORK", "off")
        .env("GOCACHE", gocache)
        .env("CGO_ENABLED", "0")
        .env_remove("GOOS")
        .env_remove("GOARCH")
        .env_remove("GOAMD64")
        .env_remove("GOEXPERIMENT")
        .env_remove("GODEBUG")
}

/// Runs a `go` command and returns its stdout, or an error with the command
/// line and everything it printed.
pub fn run_go(cmd: &mut Command) -> io::Result<String> {
    let out = cmd.output().map_err(|e| io::Error::new(e.kind(), format!("failed to run {cmd:?}: {e}")))?;
    if !out.status.success() {
        return Err(io::Error::other(format!(
            "{cmd:?} failed ({}):\n{}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Copies the directory tree `from` to `to` (created), files only.
pub fn copy_tree(from: &Path, to: &Path) -> io::Result<()> {
    for (rel, full) in files_below(from)? {
        let dest = to.join(&rel);
        std::fs::create_dir_all(dest.parent().expect("a file has a parent"))?;
        std::fs::copy(&full, &dest).map_err(|e| with_path(e, &full))?;
    }
    std::fs::create_dir_all(to)
}

/// Makes everything below `dir` writable by its owner again (the go command
/// makes the module cache read-only), so that it can be edited or removed.
pub fn make_writable(dir: &Path) {
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(meta) = std::fs::symlink_metadata(&d) else { continue };
        if meta.file_type().is_symlink() {
            continue;
        }
        let mut perm = meta.permissions();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            perm.set_mode(perm.mode() | 0o200);
        }
        #[cfg(not(unix))]
        #[allow(clippy::permissions_set_readonly_false)]
        perm.set_readonly(false);
        let _ = std::fs::set_permissions(&d, perm);
        if meta.is_dir() {
            if let Ok(entries) = std::fs::read_dir(&d) {
                stack.extend(entries.flatten().map(|e| e.path()));
            }
        }
    }
}

/// Removes a tree that may hold a read-only module cache.
pub fn remove_tree(dir: &Path) -> io::Result<()> {
    make_writable(dir);
    match std::fs::remove_dir_all(dir) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(with_path(e, dir)),
        _ => Ok(()),
    }
}

/// The `modapp` main module, ready to build offline.
#[derive(Clone, Debug)]
pub struct ModApp {
    /// The main module: the fixture with `go.mod` and `go.sum` from `go mod tidy`.
    pub dir: PathBuf,
    /// The `GOPROXY=file://` directory.
    pub proxy: PathBuf,
    /// A module cache filled by `go mod download` (read-only, as go leaves it).
    pub gomodcache: PathBuf,
}

/// Sets up the `modapp` fixture under `work` for building offline:
///
/// 1. the proxy in `work/proxy` ([`write_proxy`]);
/// 2. the fixture copied to `work/modapp`, then `go mod tidy` against the
///    proxy (with a throwaway module cache, `work/tidy-modcache`), which
///    writes the requirements into `go.mod` and the sums into `go.sum`;
/// 3. `go mod download` into `work/gomodcache`.
///
/// `gocache` is the go command's build cache (shareable between calls).
pub fn prepare_modapp(goroot: &Path, work: &Path, gocache: &Path) -> io::Result<ModApp> {
    let proxy = work.join("proxy");
    write_proxy(&proxy)?;
    let dir = work.join("modapp");
    copy_tree(&fixtures_root().join("modapp"), &dir)?;
    let go = goroot.join("bin").join("go");
    let tidy_cache = work.join("tidy-modcache");
    run_go(go_mod_env(Command::new(&go).args(["mod", "tidy"]).current_dir(&dir), &tidy_cache, Some(&proxy), gocache))?;
    remove_tree(&tidy_cache)?;
    let gomodcache = work.join("gomodcache");
    run_go(go_mod_env(
        Command::new(&go).args(["mod", "download"]).current_dir(&dir),
        &gomodcache,
        Some(&proxy),
        gocache,
    ))?;
    Ok(ModApp { dir, proxy, gomodcache })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(escape_path("example.com/UpperCo/Strutil"), "example.com/!upper!co/!strutil");
        assert_eq!(escape_path("github.com/Azure/go-autorest"), "github.com/!azure/go-autorest");
        assert_eq!(escape_path("v1.0.0-RC1"), "v1.0.0-!r!c1");
        assert_eq!(escape_path("example.com/geom/v2"), "example.com/geom/v2");
    }

    #[test]
    fn zips_are_deterministic_and_prefixed() {
        let strutil = module("example.com/UpperCo/Strutil", "v1.2.3");
        let a = zip_module(strutil).unwrap();
        assert_eq!(a, zip_module(strutil).unwrap());
        let mut z = zip::ZipArchive::new(io::Cursor::new(a)).unwrap();
        let names: Vec<String> = (0..z.len()).map(|i| z.by_index(i).unwrap().name().to_string()).collect();
        assert_eq!(
            names,
            [
                "example.com/UpperCo/Strutil@v1.2.3/Wrap/wrap.go",
                "example.com/UpperCo/Strutil@v1.2.3/go.mod",
                "example.com/UpperCo/Strutil@v1.2.3/strutil.go",
            ]
        );
    }

    #[test]
    fn every_fixture_module_declares_its_path() {
        for m in MODULES {
            let gomod = std::fs::read_to_string(module_dir(m).join("go.mod")).unwrap();
            let declared = if m.path == "example.com/colors-fork" { "example.com/colors" } else { m.path };
            assert_eq!(gomod.lines().next(), Some(format!("module {declared}").as_str()), "{}", m.dir);
        }
    }
}
