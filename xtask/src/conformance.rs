//! `cargo xtask conformance`: builds a set of programs with go-link-build and
//! with `go build -trimpath` under every Go toolchain found (the `go` on
//! PATH and the `golang.org/toolchain` releases in the module cache, which
//! `.ci/run` fetches), and prints per program and Go version whether the
//! output, the build info and the bytes match.
//!
//! Columns: `output` (the program's stdout; a C archive's header text),
//! `info` (`go version -m`; C archives have none), `bytes`: `identical`, or
//! how many bytes differ once each file's Go build ID (`go tool buildid`) is
//! blanked, or the two sizes when they differ.

use std::cell::OnceCell;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context};

use crate::bench::modproxy;

/// How a program of the set is built.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A program, cgo off.
    Go,
    /// A program with cgo on (C code, so it links externally with runtime/cgo).
    Cgo,
    /// The `modapp` fixture: third-party modules from a module cache that
    /// the tests' offline `file://` proxy filled (`modproxy::prepare_modapp`).
    Modules,
    /// A `-buildmode=c-archive` library (cgo on).
    CArchive,
}

/// One program of the set.
struct Program {
    name: &'static str,
    /// The name `--only` takes.
    short: &'static str,
    /// Fixture directory under tests/fixtures, and the package in it.
    fixture: &'static str,
    pkg: &'static str,
    kind: Kind,
    /// The oldest Go minor version that builds it.
    min_minor: u32,
}

const fn program(
    name: &'static str,
    short: &'static str,
    fixture: &'static str,
    pkg: &'static str,
    kind: Kind,
    min_minor: u32,
) -> Program {
    Program { name, short, fixture, pkg, kind, min_minor }
}

const PROGRAMS: &[Program] = &[
    program("hello (runtime)", "hello", "goroot", ".", Kind::Go, 21),
    program("multi (embed, asm)", "multi", "multi", "cmd/app", Kind::Go, 21),
    program("modern (net/http)", "modern", "modern", ".", Kind::Go, 22),
    program("pgo (default.pgo)", "pgo", "pgo", ".", Kind::Go, 21),
    program("modules (13 modules)", "modules", "modapp", ".", Kind::Modules, 22),
    program("cgo program", "cprog", "cprog", ".", Kind::Cgo, 21),
    program("C archive (cgo)", "carchive", "cffi", "cmd/single", Kind::CArchive, 22),
];

pub(crate) struct Options {
    /// `--go`: Go versions to keep (`go1.26`, `1.26`, `go1.26.8`); empty keeps all.
    go: Vec<String>,
    /// `--only`: program short names to keep; empty keeps all.
    only: Vec<String>,
}

impl Options {
    pub(crate) fn parse(args: &[String]) -> anyhow::Result<Options> {
        let mut a = crate::Args::new("conformance", args);
        let mut opts = Options { go: Vec::new(), only: Vec::new() };
        while let Some(arg) = a.next_arg() {
            match arg {
                crate::Arg::Flag("go", v) => {
                    let v = a.value("go", v)?;
                    opts.go.push(if v.starts_with("go") { v.to_string() } else { format!("go{v}") });
                }
                crate::Arg::Flag("only", v) => {
                    let v = a.value("only", v)?;
                    if !PROGRAMS.iter().any(|p| p.short == v) {
                        let names: Vec<_> = PROGRAMS.iter().map(|p| p.short).collect();
                        bail!("`cargo xtask conformance`: unknown program `{v}` (one of {})", names.join(", "));
                    }
                    opts.only.push(v.to_string());
                }
                other => return Err(a.unknown(&other)),
            }
        }
        Ok(opts)
    }

    /// Whether `version` (`go1.26.8`) is selected: `--go go1.26` matches
    /// every go1.26 patch, `--go go1.26.8` only that one.
    fn wants_go(&self, version: &str) -> bool {
        self.go.is_empty()
            || self
                .go
                .iter()
                .any(|g| version == g || version.strip_prefix(g.as_str()).is_some_and(|r| r.starts_with('.')))
    }

    fn wants_program(&self, prog: &Program) -> bool {
        self.only.is_empty() || self.only.iter().any(|o| o == prog.short)
    }
}

fn output(cmd: &mut Command) -> anyhow::Result<String> {
    let out = cmd.output().with_context(|| format!("running {cmd:?}"))?;
    if !out.status.success() {
        bail!("{cmd:?} failed:\n{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The toolchains to compare under: (version, GOROOT), oldest first.
fn toolchains() -> anyhow::Result<Vec<(String, PathBuf)>> {
    let host = PathBuf::from(
        output(Command::new("go").args(["env", "GOROOT"]).env("GOTOOLCHAIN", "local"))
            .context("the `go` command is the oracle and must be on PATH")?
            .trim(),
    );
    let mut all = Vec::new();
    let version = |root: &Path| -> Option<String> {
        std::fs::read_to_string(root.join("VERSION")).ok()?.lines().next().map(str::to_string)
    };
    all.extend(version(&host).map(|v| (v, host.clone())));
    let modcache =
        PathBuf::from(output(Command::new("go").args(["env", "GOMODCACHE"]).env("GOTOOLCHAIN", "local"))?.trim());
    if let Ok(entries) = std::fs::read_dir(modcache.join("golang.org")) {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with("toolchain@v0.0.1-") && e.path().join("bin/go").is_file() {
                if let Some(v) = version(&e.path()) {
                    if !all.iter().any(|(w, _)| *w == v) {
                        all.push((v, e.path()));
                    }
                }
            }
        }
    }
    all.sort_by_key(|(v, _)| minor_patch(v));
    Ok(all)
}

fn minor_patch(v: &str) -> (u32, u32) {
    let mut it = v.trim_start_matches("go").split('.').skip(1).map(|p| p.parse().unwrap_or(0));
    (it.next().unwrap_or(0), it.next().unwrap_or(0))
}

fn go(goroot: &Path, cache: &Path, cgo: bool) -> Command {
    let mut c = Command::new(goroot.join("bin/go"));
    c.env("GOROOT", goroot)
        .env("GOTOOLCHAIN", "local")
        .env("GOCACHE", cache)
        .env("GOFLAGS", "-mod=mod -buildvcs=false")
        .env("CGO_ENABLED", if cgo { "1" } else { "0" })
        .env_remove("GOAMD64")
        .env_remove("GOEXPERIMENT");
    c
}

/// Bytes with every occurrence of the file's Go build ID zeroed.
fn blanked(goroot: &Path, file: &Path) -> anyhow::Result<Vec<u8>> {
    let mut data = std::fs::read(file)?;
    let id =
        output(Command::new(goroot.join("bin/go")).args(["tool", "buildid"]).arg(file).env("GOTOOLCHAIN", "local"))
            .unwrap_or_default();
    let id = id.trim().as_bytes();
    if !id.is_empty() {
        let mut i = 0;
        while i + id.len() <= data.len() {
            if &data[i..i + id.len()] == id {
                data[i..i + id.len()].fill(0);
                i += id.len();
            } else {
                i += 1;
            }
        }
    }
    Ok(data)
}

fn bytes_verdict(goroot: &Path, a: &Path, b: &Path) -> anyhow::Result<String> {
    if std::fs::read(a)? == std::fs::read(b)? {
        return Ok("identical".into());
    }
    let (x, y) = (blanked(goroot, a)?, blanked(goroot, b)?);
    Ok(if x.len() != y.len() {
        format!("sizes {} vs {}", x.len(), y.len())
    } else {
        format!("{} differ", x.iter().zip(&y).filter(|(p, q)| p != q).count())
    })
}

fn copy_dir(from: &Path, to: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(to)?;
    for e in std::fs::read_dir(from)? {
        let e = e?;
        let dest = to.join(e.file_name());
        if e.file_type()?.is_dir() {
            copy_dir(&e.path(), &dest)?;
        } else {
            std::fs::copy(e.path(), dest)?;
        }
    }
    Ok(())
}

/// The `modapp` fixture set up once per run for the `modules` rows: the
/// tidied main module and the module cache both builders read offline.
struct Modules {
    dir: PathBuf,
    gomodcache: PathBuf,
}

/// The `modapp` fixture under `root`, set up when the first `modules` row
/// needs it, with the `go` on PATH (as the tests do).
fn prepared<'a>(cell: &'a OnceCell<Modules>, root: &Path, caches: &Path) -> anyhow::Result<&'a Modules> {
    if let Some(m) = cell.get() {
        return Ok(m);
    }
    let host = PathBuf::from(output(Command::new("go").args(["env", "GOROOT"]).env("GOTOOLCHAIN", "local"))?.trim());
    let app = modproxy::prepare_modapp(&host, &root.join("modules"), &caches.join("gocache"))
        .context("failed to set up the modapp fixture (offline proxy, go mod tidy, go mod download)")?;
    Ok(cell.get_or_init(|| Modules { dir: app.dir, gomodcache: app.gomodcache }))
}

/// One row: (output, info, bytes).
fn compare(
    prog: &Program,
    goroot: &Path,
    root: &Path,
    caches: &Path,
    modules: &OnceCell<Modules>,
) -> anyhow::Result<[String; 3]> {
    let fixture = if prog.kind == Kind::Modules {
        prepared(modules, root, caches)?.dir.clone()
    } else {
        let fixture = root.join(prog.fixture);
        if !fixture.exists() {
            copy_dir(&workspace_root().join("tests/fixtures").join(prog.fixture), &fixture)?;
        }
        fixture
    };
    let c_archive = prog.kind == Kind::CArchive;
    let tag = format!("{}-{}", prog.fixture, goroot.file_name().unwrap_or_default().to_string_lossy());
    let out_dir = root.join("out").join(&tag);
    let mut b = go_link_build::Build::new();
    b.package(fixture.join(prog.pkg))
        .out_dir(&out_dir)
        .cache_dir(caches.join("glb"))
        .goroot(goroot)
        .cargo_metadata(false)
        .cargo_warnings(false)
        .runtime_links_check(false)
        .env("GOFLAGS", "-mod=mod -buildvcs=false");
    if prog.kind == Kind::Cgo {
        b.cgo(true);
    }
    let theirs = root.join("go-out").join(&tag);
    std::fs::create_dir_all(&theirs)?;
    let target = theirs.join(if c_archive { "libprog.a" } else { "prog" });
    let mut cmd = go(goroot, &caches.join("gocache"), matches!(prog.kind, Kind::Cgo | Kind::CArchive));
    if prog.kind == Kind::Modules {
        let gomodcache = &prepared(modules, root, caches)?.gomodcache;
        let modcache = gomodcache.to_str().context("the module cache path is not UTF-8")?;
        b.env("GOMODCACHE", modcache).env("GOPROXY", "off").env("GOWORK", "off").env("GOENV", "off");
        modproxy::go_mod_env(&mut cmd, gomodcache, None, &caches.join("gocache"));
        cmd.env("GOFLAGS", "-mod=mod -buildvcs=false");
    }
    let art = if c_archive { b.try_c_archive("prog") } else { b.try_binary("prog") }
        .map_err(|e| anyhow::anyhow!("go-link-build: {e}"))?;
    cmd.args(["build", "-trimpath", "-o"]).arg(&target);
    if c_archive {
        cmd.arg("-buildmode=c-archive");
    }
    output(cmd.arg(format!("./{}", prog.pkg)).current_dir(&fixture))?;
    let same = |a: &str, b: &str| if a == b { "same".to_string() } else { "DIFFERS".to_string() };
    let (out, info) = if c_archive {
        let a = std::fs::read_to_string(art.header().context("no header")?)?;
        let b = std::fs::read_to_string(theirs.join("libprog.h"))?;
        (same(&a, &b), "-".to_string())
    } else {
        let a = output(&mut Command::new(art.path()))?;
        let b = output(&mut Command::new(&target))?;
        let info = |f: &Path| -> anyhow::Result<String> {
            let text =
                output(Command::new(goroot.join("bin/go")).args(["version", "-m"]).arg(f).env("GOTOOLCHAIN", "local"))?;
            Ok(text.lines().skip(1).collect::<Vec<_>>().join("\n"))
        };
        (same(&a, &b), same(&info(art.path())?, &info(&target)?))
    };
    Ok([out, info, bytes_verdict(goroot, art.path(), &target)?])
}

pub(crate) fn run(opts: Options) -> anyhow::Result<()> {
    let target_dir = workspace_root().join("target");
    // Caches persist between runs (content-addressed), the rest is temporary.
    // The integration tests' shared caches (tests/src/lib.rs shared_cache), so a run after them is warm.
    let caches = target_dir.join("tmp/shared-caches");
    let root = target_dir.join(format!("tmp/xtask-conformance-{}", std::process::id()));
    std::fs::create_dir_all(&root)?;
    let tcs = toolchains()?;
    let modules = OnceCell::new();
    let mut rows = Vec::new();
    println!("| program | Go | output | build info | bytes (Go build IDs blanked) |");
    println!("|---|---|---|---|---|");
    for (version, goroot) in tcs.iter().filter(|(v, _)| opts.wants_go(v)) {
        for prog in PROGRAMS.iter().filter(|p| opts.wants_program(p)) {
            if minor_patch(version).0 < prog.min_minor {
                continue;
            }
            crate::status::status("Comparing", &format!("{} with {version}", prog.name));
            let cells = compare(prog, goroot, &root, &caches, &modules).unwrap_or_else(|e| {
                ["error".into(), "error".into(), format!("error: {}", e.to_string().lines().next().unwrap_or(""))]
            });
            // Each row as soon as it is known: the whole matrix takes a while.
            let [o, i, b] = &cells;
            println!("| {} | {version} | {o} | {i} | {b} |", prog.name);
            rows.push((prog.name, version.clone(), cells));
        }
    }
    // The module cache is read-only, as the go command leaves it.
    let _ = modproxy::remove_tree(&root);
    let differing = rows.iter().filter(|(_, _, c)| c[0] != "same" || c[1] == "DIFFERS").count();
    eprintln!("{} rows, {differing} with differing output or build info", rows.len());
    Ok(())
}

/// The workspace root: xtask's manifest directory's parent.
fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask is in the workspace").to_path_buf()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> anyhow::Result<Options> {
        Options::parse(&args.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn filters_select_versions_and_programs() {
        let o = parse(&["--go", "1.26", "--go=go1.22.12", "--only", "hello"]).unwrap();
        assert!(o.wants_go("go1.26.8") && o.wants_go("go1.22.12"));
        assert!(!o.wants_go("go1.2") && !o.wants_go("go1.22.1") && !o.wants_go("go1.27.3"));
        assert!(o.wants_program(&PROGRAMS[0]) && !o.wants_program(&PROGRAMS[4]));
        let o = parse(&["--only", "cprog", "--only", "modules"]).unwrap();
        assert!(PROGRAMS.iter().filter(|p| o.wants_program(p)).map(|p| p.kind).eq([Kind::Modules, Kind::Cgo]));
        let all = parse(&[]).unwrap();
        assert!(all.wants_go("go1.21.13") && PROGRAMS.iter().all(|p| all.wants_program(p)));
        assert!(parse(&["--only", "nope"]).is_err());
        assert!(parse(&["--go"]).is_err());
        assert!(parse(&["extra"]).is_err());
    }
}
