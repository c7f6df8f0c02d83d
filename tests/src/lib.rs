//! Helpers for the integration tests: fixtures, the `go` command as an
//! oracle, and building with go-link-build's public API.
//!
//! The `go` command is used here, and only here, to produce the expected
//! results (`go build`, `go version -m`, `go list`). When it is missing the
//! tests say so and pass, except under CI (`CI` set), where they fail.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

pub mod dirhash;
pub mod modproxy;
pub mod nginx;

/// The tests crate's fixtures directory.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// A scratch directory under the system temp dir, removed on drop.
pub struct Scratch(pub PathBuf);

impl Scratch {
    /// A new empty scratch directory, unique to this process and call.
    pub fn new(label: &str) -> Scratch {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "glb-{label}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    /// A path inside the scratch directory.
    pub fn join(&self, p: impl AsRef<Path>) -> PathBuf {
        self.0.join(p)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if std::env::var_os("GLB_KEEP_SCRATCH").is_none() {
            // A module cache inside is read-only, as the go command leaves it.
            let _ = modproxy::remove_tree(&self.0);
        }
    }
}

/// Copies fixture `name` into a fresh scratch dir; returns (scratch, module dir).
pub fn copy_fixture(name: &str) -> (Scratch, PathBuf) {
    let s = Scratch::new(name);
    let mut opts = fs_extra::dir::CopyOptions::new();
    opts.copy_inside = true;
    fs_extra::dir::copy(fixtures().join(name), s.join(name), &opts).unwrap();
    let dir = s.join(name);
    (s, dir)
}

/// The GOROOT of the `go` on PATH, or `None` (with a message) when there is
/// no `go`. Panics under CI, where a missing Go is a broken machine.
pub fn host_goroot() -> Option<PathBuf> {
    let out = Command::new("go").args(["env", "GOROOT"]).env("GOTOOLCHAIN", "local").output();
    match out {
        Ok(o) if o.status.success() => Some(PathBuf::from(String::from_utf8_lossy(&o.stdout).trim())),
        _ => {
            if std::env::var_os("CI").is_some() {
                panic!("no working `go` command on PATH, and CI is set: the oracle is required");
            }
            eprintln!("skipping: no working `go` command on PATH (the oracle for these tests)");
            None
        }
    }
}

/// The target's C compiler as the `cc` crate finds it (the one go-link-build
/// uses), or `None` (with a message; a failure under CI) when it is missing.
pub fn cross_cc(triple: &str, debian_package: &str) -> Option<cc::Tool> {
    let tool = cc::Build::new()
        .target(triple)
        .host(env!("GLB_TEST_HOST"))
        .opt_level(0)
        .debug(false)
        .cargo_metadata(false)
        .warnings(false)
        .try_get_compiler()
        .unwrap_or_else(|e| panic!("cc finds no C compiler for {triple}: {e}"));
    tool_available(tool.path(), debian_package).then_some(tool)
}

/// Whether `program --version` runs: a cross compiler or qemu-user that some
/// tests need. When not, says why and which Debian package provides it
/// (`.ci/run` installs them); under CI (`CI` set) that is a failure, not a skip.
pub fn tool_available(program: impl AsRef<std::ffi::OsStr>, debian_package: &str) -> bool {
    let program = program.as_ref();
    match Command::new(program).arg("--version").output() {
        Ok(o) if o.status.success() => true,
        _ => {
            let msg =
                format!("`{}` is not installed (Debian: apt-get install {debian_package})", program.to_string_lossy());
            if std::env::var_os("CI").is_some() {
                panic!("{msg}, and CI is set: the cross tests must run completely");
            }
            eprintln!("skipping: {msg}");
            false
        }
    }
}

/// Whether rustc (the one cargo compiles the tests with) has the standard
/// library for `triple`, to build a Rust program for a cross target. When not,
/// says so and how to add it (`.ci/run` does); under CI that is a failure.
pub fn rust_target_available(triple: &str) -> bool {
    let out = Command::new(env!("GLB_TEST_RUSTC"))
        .args(["--print", "target-libdir", "--target", triple])
        .output()
        .unwrap_or_else(|e| panic!("{}: {e}", env!("GLB_TEST_RUSTC")));
    let libdir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    let has_core = std::fs::read_dir(&libdir)
        .map(|d| d.flatten().any(|e| e.file_name().to_string_lossy().starts_with("libcore-")))
        .unwrap_or(false);
    if !has_core {
        let msg = format!("Rust's standard library for {triple} is not installed (rustup target add {triple})");
        if std::env::var_os("CI").is_some() {
            panic!("{msg}, and CI is set: the cross tests must run completely");
        }
        eprintln!("skipping: {msg}");
    }
    has_core
}

/// The sysroot qemu-user needs for a dynamically linked program of the cross
/// compiler `cc`: Debian's `/usr/<triple>`, else what the compiler reports.
pub fn qemu_sysroot(cc: &Path) -> Option<PathBuf> {
    let ask = |flag: &str| {
        let out = Command::new(cc).arg(flag).output().ok()?;
        let s = String::from_utf8_lossy(&out.stdout).trim().to_string();
        (out.status.success() && !s.is_empty()).then_some(s)
    };
    let debian = ask("-dumpmachine").map(|m| Path::new("/usr").join(m)).filter(|p| p.join("lib").is_dir());
    debian.or_else(|| ask("-print-sysroot").map(PathBuf::from).filter(|p| p.is_dir() && p != Path::new("/")))
}

/// Runs `<goroot>/bin/go build -trimpath -o out ./pkg` in `module_dir` with a
/// private GOCACHE, CGO off, and returns the output path.
pub fn go_build(goroot: &Path, module_dir: &Path, pkg: &str, out: &Path, extra: &[&str]) -> PathBuf {
    let cache = Scratch::new("gocache");
    let mut cmd = Command::new(goroot.join("bin").join("go"));
    cmd.arg("build").arg("-trimpath").arg("-o").arg(out).args(extra).arg(pkg);
    cmd.current_dir(module_dir)
        .env("GOCACHE", &cache.0)
        .env("GOROOT", goroot)
        .env("GOTOOLCHAIN", "local")
        .env("GOFLAGS", "-mod=mod")
        .env("CGO_ENABLED", "0")
        .env_remove("GOAMD64")
        .env_remove("GOEXPERIMENT");
    let res = cmd.output().unwrap();
    assert!(res.status.success(), "go build failed: {}", String::from_utf8_lossy(&res.stderr));
    // The cache is read-only module-cache style in some versions; make it removable.
    let _ = Command::new("chmod").arg("-R").arg("u+w").arg(&cache.0).status();
    out.to_path_buf()
}

/// A go-link-build builder set up for tests: explicit out dir, cache and
/// GOROOT, no cargo directives.
pub fn builder(goroot: &Path, pkg_dir: &Path, out_dir: &Path, cache: &Path) -> go_link_build::Build {
    let mut b = go_link_build::Build::new();
    b.package(pkg_dir).out_dir(out_dir).cache_dir(cache).goroot(goroot).cargo_metadata(false).cargo_warnings(false);
    b
}

/// Runs a program and returns its stdout; panics with stderr on failure.
pub fn run(program: &Path, args: &[&str]) -> String {
    let out = Command::new(program).args(args).output().unwrap_or_else(|e| panic!("run {}: {e}", program.display()));
    assert!(out.status.success(), "{} failed: {}", program.display(), String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `go version -m` output without the first line (the file name and Go
/// version) and without lines that legitimately differ (VCS stamping).
pub fn version_m(goroot: &Path, binary: &Path) -> String {
    let out = Command::new(goroot.join("bin").join("go"))
        .arg("version")
        .arg("-m")
        .arg(binary)
        .env("GOTOOLCHAIN", "local")
        .output()
        .unwrap();
    assert!(out.status.success(), "go version -m: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .skip(1)
        .filter(|l| !l.trim_start().starts_with("build\tvcs"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Other Go releases to test against: the GOROOTs of `golang.org/toolchain`
/// modules in the module cache (`.ci/run` fetches go1.21, go1.23 and the
/// newest release with `GOTOOLCHAIN=goX go version`).
pub fn extra_goroots() -> Vec<(String, PathBuf)> {
    let Ok(out) = Command::new("go").args(["env", "GOMODCACHE"]).env("GOTOOLCHAIN", "local").output() else {
        return Vec::new();
    };
    let modcache = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    let mut found = Vec::new();
    if let Ok(entries) = std::fs::read_dir(modcache.join("golang.org")) {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if let Some(rest) = name.strip_prefix("toolchain@v0.0.1-") {
                let version = rest.split('.').take(3).collect::<Vec<_>>().join(".");
                if rest.ends_with(&format!("{}-{}", std::env::consts::OS, go_arch())) && e.path().join("src").is_dir() {
                    found.push((version, e.path()));
                }
            }
        }
    }
    found.sort();
    found
}

fn go_arch() -> &'static str {
    match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        other => other,
    }
}

/// Prints what a (cross) build did and how long it took, for the test log.
pub fn report_build(label: &str, art: &go_link_build::Artifact, started: std::time::Instant) {
    let st = art.stats();
    eprintln!(
        "{label}: {} packages compiled, {} cached, {:.1}s",
        st.compiled,
        st.cached,
        started.elapsed().as_secs_f64()
    );
}

/// The newest patch release of every Go minor version the conformance tests
/// compare against (`.ci/run` fetches them with `GOTOOLCHAIN=<v> go version`).
pub const GO_MATRIX: &[&str] =
    &["go1.21.13", "go1.22.12", "go1.23.12", "go1.24.13", "go1.25.5", "go1.26.8", "go1.27.3"];

/// Every Go toolchain to test against: the `go` on PATH and the releases in
/// the module cache, one per version, oldest first. A release of
/// [`GO_MATRIX`] that is missing is a skip with a message, or a failure
/// under CI.
pub fn matrix() -> Vec<(String, PathBuf)> {
    let Some(host) = host_goroot() else { return Vec::new() };
    let host_version = std::fs::read_to_string(host.join("VERSION"))
        .ok()
        .and_then(|v| v.lines().next().map(str::to_string))
        .unwrap_or_default();
    let mut all = extra_goroots();
    if !all.iter().any(|(v, _)| *v == host_version) {
        all.push((host_version, host));
    }
    for want in GO_MATRIX {
        if !all.iter().any(|(v, _)| v == want) {
            let msg = format!("{want} is not in the module cache; run `GOTOOLCHAIN={want} go version` (see .ci/run)");
            assert!(std::env::var_os("CI").is_none(), "{msg}");
            eprintln!("skipping part of the matrix: {msg}");
        }
    }
    all.sort_by_key(|(v, _)| go_minor_patch(v));
    all
}

/// `(minor, patch)` of `go1.N.P`.
pub fn go_minor_patch(version: &str) -> (u32, u32) {
    let mut it = version.trim_start_matches("go").split('.').skip(1).map(|p| p.parse().unwrap_or(0));
    (it.next().unwrap_or(0), it.next().unwrap_or(0))
}

/// A cache directory shared by every test process and run (go-link-build's
/// action cache, or a GOCACHE for the oracle): under cargo's
/// `CARGO_TARGET_TMPDIR`, never the user's caches. Both caches are content
/// addressed, so sharing them only saves rebuilding the standard library.
pub fn shared_cache(label: &str) -> PathBuf {
    // A test executable is target/<profile>/deps/<name>; cargo's
    // CARGO_TARGET_TMPDIR (only known to integration tests) is target/tmp.
    let exe = std::env::current_exe().unwrap();
    let target = exe.ancestors().nth(3).unwrap().to_path_buf();
    let dir = target.join("tmp").join("shared-caches").join(label);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The `go` command of `goroot` set up as the oracle: local toolchain only,
/// a shared GOCACHE, no VCS stamping unless asked, CGO off unless asked.
pub fn go_command(goroot: &Path) -> Command {
    let mut cmd = Command::new(goroot.join("bin").join("go"));
    cmd.env("GOCACHE", shared_cache("gocache"))
        .env("GOROOT", goroot)
        .env("GOTOOLCHAIN", "local")
        .env("GOFLAGS", "-mod=mod -buildvcs=false")
        .env("CGO_ENABLED", "0")
        .env_remove("GOAMD64")
        .env_remove("GOEXPERIMENT");
    cmd
}

/// `go build -trimpath <flags> -o out pkg` run in `dir` by `cmd` (a
/// [`go_command`], with whatever environment the test gave it); a failure
/// panics with `what` and go's stderr. Returns `out`.
pub fn go_build_trimpath(mut cmd: Command, dir: &Path, pkg: &str, out: &Path, flags: &[&str], what: &str) -> PathBuf {
    let res =
        cmd.args(["build", "-trimpath"]).args(flags).arg("-o").arg(out).arg(pkg).current_dir(dir).output().unwrap();
    assert!(res.status.success(), "{what}: go build failed: {}", String::from_utf8_lossy(&res.stderr));
    out.to_path_buf()
}

/// The `go-link-build` CLI binary, built once per test process with the
/// same cargo, target dir and features (`cli,remote-cache`) for every test
/// file. Always through cargo, which does nothing when it is up to date: a
/// binary left in the target dir by an older checkout or another feature set
/// would test old code.
pub fn cli_binary() -> PathBuf {
    static BUILT: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    BUILT
        .get_or_init(|| {
            let exe = std::env::current_exe().unwrap();
            let profile_dir = exe.parent().and_then(|d| d.parent()).unwrap().to_path_buf();
            let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
            let status = Command::new(cargo)
                .args([
                    "build",
                    "-q",
                    "-p",
                    "go-link-build",
                    "--features",
                    "cli,remote-cache",
                    "--bin",
                    "go-link-build",
                ])
                .arg("--target-dir")
                .arg(profile_dir.parent().unwrap())
                .status()
                .unwrap();
            assert!(status.success(), "building the go-link-build CLI failed");
            profile_dir.join(format!("go-link-build{}", std::env::consts::EXE_SUFFIX))
        })
        .clone()
}
