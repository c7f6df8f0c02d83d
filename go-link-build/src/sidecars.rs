//! Sidecars (feature `sidecars`): Go programs declared in a workspace's
//! `Cargo.toml` files, built for the host or cargo `--target`s and placed
//! where the Rust program and Tauri look for them.
//!
//! A crate declares its Go programs in its own `Cargo.toml`:
//!
//! ```toml
//! [[package.metadata.go-link-build.sidecar]]
//! name = "hello"                              # output name
//! package = "go/cmd/hello"                    # Go main package dir, relative to the crate's manifest dir
//! tags = ["netgo"]                            # optional build tags
//! ldflags-x = { "main.version" = "1.2.3" }    # optional -X settings
//! strip = false                               # optional; --release forces true
//! ```
//!
//! `name` and `package` are required; any other key, in the sidecar tables or
//! in `[package.metadata.go-link-build]` itself, is an error that names the
//! crate and the key. Names must be unique across the workspace, since they
//! share one output directory.
//!
//! [`Sidecars::build`] reads the declarations with `cargo metadata --no-deps`
//! (run through `exec.rs`, with `$CARGO` as cargo runs it, else `cargo`),
//! then builds each sidecar once per target (the host triple from `rustc -vV`,
//! or every target given) with cgo disabled, through [`Build`], exactly as a
//! build script would call it, and places it twice:
//!
//! ```text
//! <target dir>/
//!     go-bin/
//!         <triple>/go-link-build/...     the library's out_dir for that target (binary + no-op stamp)
//!         <name>-<triple>[.exe]          named as Tauri's `externalBin` expects
//!     debug/<name>[.exe]                 beside the Rust program of `cargo build` (no --target)
//!     release/<name>[.exe]               … of `cargo build --release`
//!     <triple>/debug/<name>[.exe]        … of `cargo build --target <triple>`
//! ```
//!
//! so a Rust program finds its sidecar at run time as
//! `std::env::current_exe()?.with_file_name("hello")`. The cache is the one
//! build scripts use (`GO_LINK_BUILD_CACHE`, else the per-user cache), so a
//! sidecar that a build script also builds compiles once.
//!
//! Nothing declared anywhere is not an error: the run says so and succeeds.

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::Deserialize;

use crate::error::{Error, ErrorKind, Result};
use crate::exec::Invocation;
use crate::{Build, Stats};

/// The usage text of `go-link-build sidecars` and of [`main`].
pub const USAGE: &str = "\
Build the Go sidecars declared in [[package.metadata.go-link-build.sidecar]]

Usage: <command> [--release] [--target TRIPLE]... [--package CRATE] [--manifest-path PATH]

Options:
  --release              strip every sidecar (-s -w) and place it beside target/release programs
  --target TRIPLE        build for TRIPLE instead of the host (repeatable)
  -p, --package CRATE    only the sidecars of workspace crate CRATE
  --manifest-path PATH   the workspace's Cargo.toml (default: found from the current directory)
  -h, --help             print this message
";

/// Builds a workspace's declared sidecars; configured like [`Build`].
///
/// ```no_run
/// // xtask/src/main.rs, with go-link-build's `sidecars` feature
/// let built = go_link_build::sidecars::Sidecars::new().release(true).target("aarch64-unknown-linux-gnu").build()?;
/// for s in &built {
///     println!("{} -> {}", s.name(), s.path().display());
/// }
/// # Ok::<(), go_link_build::Error>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct Sidecars {
    release: bool,
    targets: Vec<String>,
    package: Option<String>,
    manifest_path: Option<PathBuf>,
    cache_dir: Option<PathBuf>,
    goroot: Option<PathBuf>,
    quiet: bool,
}

/// One sidecar built for one target.
#[derive(Clone, Debug)]
pub struct Built {
    name: String,
    krate: String,
    target: String,
    path: PathBuf,
    beside: PathBuf,
    up_to_date: bool,
    stats: Stats,
}

impl Built {
    /// The sidecar's `name`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The workspace crate that declared it.
    pub fn krate(&self) -> &str {
        &self.krate
    }

    /// The Rust target triple it was built for.
    pub fn target(&self) -> &str {
        &self.target
    }

    /// `<target dir>/go-bin/<name>-<triple>[.exe]` (Tauri's naming).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// `<target dir>[/<triple>]/<debug|release>/<name>[.exe]`, beside the Rust program.
    pub fn beside_program(&self) -> &Path {
        &self.beside
    }

    /// Whether nothing had changed since the last build (no tool ran).
    pub fn was_up_to_date(&self) -> bool {
        self.up_to_date
    }

    /// What the build did (packages compiled and cached, whether it linked).
    pub fn stats(&self) -> Stats {
        self.stats
    }
}

/// `[package.metadata.go-link-build]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CrateMetadata {
    /// Parsed one by one afterwards, so that an error can say which sidecar.
    #[serde(default)]
    sidecar: Vec<serde_json::Value>,
}

/// One `[[package.metadata.go-link-build.sidecar]]` table.
#[derive(Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
struct Sidecar {
    name: String,
    package: PathBuf,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default, rename = "ldflags-x")]
    ldflags_x: BTreeMap<String, String>,
    #[serde(default)]
    strip: bool,
}

/// A sidecar together with the crate that declared it.
#[derive(Debug)]
struct Declared {
    krate: String,
    manifest_dir: PathBuf,
    sidecar: Sidecar,
}

fn config(msg: impl Into<String>) -> Error {
    Error::new(ErrorKind::Config, msg)
}

/// Reads the sidecars of one crate from its `package.metadata` value.
/// `Ok(vec![])` when the crate declares nothing.
fn sidecars_of(krate: &str, manifest: &str, metadata: &serde_json::Value) -> Result<Vec<Sidecar>> {
    let Some(section) = metadata.get("go-link-build") else {
        return Ok(Vec::new());
    };
    let origin = format!("crate `{krate}` ({manifest})");
    let parsed: CrateMetadata = serde_json::from_value(section.clone())
        .map_err(|e| config(format!("{origin}: invalid [package.metadata.go-link-build]: {e}")))?;
    let mut out = Vec::new();
    for (i, value) in parsed.sidecar.into_iter().enumerate() {
        // Name the sidecar by its `name` when it has one, else by position.
        let which = match value.get("name").and_then(|n| n.as_str()) {
            Some(name) => format!("sidecar `{name}`"),
            None => format!("sidecar #{}", i + 1),
        };
        let sidecar: Sidecar = serde_json::from_value(value).map_err(|e| {
            config(format!("{origin}: invalid [[package.metadata.go-link-build.sidecar]] ({which}): {e}"))
        })?;
        if sidecar.name.is_empty() || sidecar.name.contains(['/', '\\']) || sidecar.name.starts_with('.') {
            return Err(config(format!(
                "{origin}: sidecar name {:?} must be a plain file name such as \"hello\"",
                sidecar.name
            )));
        }
        if sidecar.package.as_os_str().is_empty() || sidecar.package.is_absolute() {
            return Err(config(format!(
                "{origin}: sidecar `{}` has package = {:?}; it must be a directory relative to the crate's Cargo.toml",
                sidecar.name, sidecar.package
            )));
        }
        out.push(sidecar);
    }
    Ok(out)
}

/// The declarations of every selected workspace crate, checked for unique names.
fn declarations(metadata: &cargo_metadata::Metadata, package: Option<&str>) -> Result<Vec<Declared>> {
    let members = metadata.workspace_packages();
    if let Some(want) = package {
        if !members.iter().any(|p| p.name.as_str() == want) {
            let names: Vec<&str> = members.iter().map(|p| p.name.as_str()).collect();
            return Err(config(format!("no workspace crate named `{want}` (the workspace has: {})", names.join(", "))));
        }
    }
    let root = metadata.workspace_root.as_std_path();
    // Every crate's declarations are read before anything is built, so a typo
    // anywhere fails first.
    let mut declared = Vec::new();
    for pkg in members {
        if package.is_some_and(|want| want != pkg.name.as_str()) {
            continue;
        }
        let manifest_dir = pkg.manifest_path.parent().map(|d| d.as_std_path().to_path_buf()).unwrap_or_default();
        let manifest = shown(pkg.manifest_path.as_std_path(), root);
        for sidecar in sidecars_of(pkg.name.as_str(), &manifest, &pkg.metadata)? {
            declared.push(Declared { krate: pkg.name.to_string(), manifest_dir: manifest_dir.clone(), sidecar });
        }
    }
    // The copy beside the Rust program must not replace one of cargo's own
    // programs (target/debug/<bin>).
    for pkg in metadata.workspace_packages() {
        for t in pkg.targets.iter().filter(|t| t.is_kind(cargo_metadata::TargetKind::Bin)) {
            if let Some(d) = declared.iter().find(|d| d.sidecar.name == t.name) {
                return Err(config(format!(
                    "sidecar `{}` (crate `{}`) has the name of crate `{}`'s Rust program; it would be placed over it in target/<profile>/: rename the sidecar",
                    d.sidecar.name, d.krate, pkg.name
                )));
            }
        }
    }
    let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
    for d in &declared {
        if let Some(first) = seen.insert(&d.sidecar.name, &d.krate) {
            return Err(config(format!(
                "two sidecars are named `{}` (in crates `{first}` and `{}`); names must be unique because they share target/go-bin/",
                d.sidecar.name, d.krate
            )));
        }
    }
    Ok(declared)
}

/// `path` relative to `base` when it is below it, for shorter status lines.
fn shown(path: &Path, base: &Path) -> String {
    path.strip_prefix(base).unwrap_or(path).display().to_string()
}

/// A cargo or rustc run: they need the whole environment (`CARGO_HOME`,
/// `RUSTUP_TOOLCHAIN`, `CARGO_TARGET_DIR`, `CARGO_BUILD_*`, …), which is what
/// decides the target directory and the host, so it is passed through as is.
fn rust_tool(program: OsString) -> Result<Invocation> {
    let cwd = std::env::current_dir().map_err(|e| Error::io("read", Path::new("the current directory"), e))?;
    let mut inv = Invocation::new(program, cwd);
    for (k, v) in crate::env::whole() {
        inv.env(k, v);
    }
    Ok(inv)
}

/// `cargo metadata --no-deps`, parsed.
fn cargo_metadata(manifest_path: Option<&Path>) -> Result<cargo_metadata::Metadata> {
    let cargo = crate::env::process_var("CARGO").unwrap_or_else(|| "cargo".into());
    let mut inv = rust_tool(cargo)?;
    inv.arg("metadata").arg("--format-version").arg("1").arg("--no-deps");
    if let Some(p) = manifest_path {
        inv.arg("--manifest-path").arg(p);
    }
    let out = inv.run("# cargo metadata")?;
    let text = String::from_utf8_lossy(&out.stdout);
    cargo_metadata::MetadataCommand::parse(text.as_ref())
        .map_err(|e| Error::new(ErrorKind::Tool, format!("could not parse the output of `cargo metadata`: {e}")))
}

/// The host triple, from `rustc -vV` (honouring `RUSTC`, as cargo does): the
/// triple cargo builds for without `--target`, which the library's own table
/// cannot always tell (`x86_64-pc-windows-gnu` or `-msvc`).
fn host_triple() -> Result<String> {
    let rustc = crate::env::process_var("RUSTC").unwrap_or_else(|| "rustc".into());
    let mut inv = rust_tool(rustc.clone())?;
    inv.arg("-vV");
    let out = inv.run("# rustc -vV (to find the host triple)")?;
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines().find_map(|l| l.strip_prefix("host: ")).map(|h| h.trim().to_string()).ok_or_else(|| {
        Error::new(ErrorKind::Tool, format!("`{} -vV` printed no `host:` line", rustc.to_string_lossy()))
    })
}

/// Cargo's status line: the verb right-aligned to 12 columns, bold green on
/// a terminal (off with `CARGO_TERM_COLOR=never` or `NO_COLOR`).
fn status(quiet: bool, verb: &str, text: &str) {
    if quiet {
        return;
    }
    use std::io::IsTerminal;
    let color = match crate::env::process_var("CARGO_TERM_COLOR").as_ref().and_then(|v| v.to_str()) {
        Some("always") => true,
        Some("never") => false,
        _ => crate::env::process_var("NO_COLOR").is_none() && std::io::stderr().is_terminal(),
    };
    if color {
        to_stderr!("\x1b[1;32m{verb:>12}\x1b[0m {text}");
    } else {
        to_stderr!("{verb:>12} {text}");
    }
}

/// A byte count as cargo prints sizes: `1.9 MiB`, `512.0 KiB`, `17 B`.
fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut size = bytes as f64 / 1024.0;
    let mut unit = 0;
    while size >= 1024.0 && unit + 1 < UNITS.len() {
        size /= 1024.0;
        unit += 1;
    }
    format!("{size:.1} {}", UNITS[unit])
}

impl Sidecars {
    /// Every sidecar of the workspace around the current directory, for the host.
    #[must_use]
    pub fn new() -> Sidecars {
        Sidecars::default()
    }

    /// Reads `go-link-build sidecars`' options ([`USAGE`]): `--release`,
    /// `--target T` (repeatable), `-p`/`--package CRATE`, `--manifest-path P`,
    /// each also as `--name=value`. `--help` is not an option here; [`main`]
    /// answers it.
    pub fn from_args<I, S>(args: I) -> Result<Sidecars>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let args: Vec<String> = args.into_iter().map(|a| a.as_ref().to_string()).collect();
        let mut it = args.iter();
        let mut out = Sidecars::new();
        while let Some(arg) = it.next() {
            let (name, inline) = match arg.split_once('=') {
                Some((n, v)) if n.starts_with("--") => (n, Some(v.to_string())),
                _ => (arg.as_str(), None),
            };
            let mut value = || -> Result<String> {
                match inline.clone() {
                    Some(v) => Ok(v),
                    None => match it.next() {
                        Some(v) if !v.starts_with('-') => Ok(v.clone()),
                        _ => Err(config(format!("{name} needs a value; see --help"))),
                    },
                }
            };
            match name {
                "--release" if inline.is_none() => out.release = true,
                "--release" => return Err(config("--release takes no value")),
                "--target" => out.targets.push(value()?),
                "--package" | "-p" => out.package = Some(value()?),
                "--manifest-path" => out.manifest_path = Some(PathBuf::from(value()?)),
                other => return Err(config(format!("unexpected argument `{other}`; see --help"))),
            }
        }
        Ok(out)
    }

    /// Strip every sidecar (`-s -w`) and place it beside `release` programs.
    pub fn release(&mut self, on: bool) -> &mut Sidecars {
        self.release = on;
        self
    }

    /// Build for this Rust target triple (repeatable; default: the host).
    pub fn target(&mut self, triple: &str) -> &mut Sidecars {
        self.targets.push(triple.to_string());
        self
    }

    /// Build only the sidecars of this workspace crate.
    pub fn package(&mut self, krate: &str) -> &mut Sidecars {
        self.package = Some(krate.to_string());
        self
    }

    /// The workspace's `Cargo.toml` (default: cargo's search from the current directory).
    pub fn manifest_path(&mut self, path: impl AsRef<Path>) -> &mut Sidecars {
        self.manifest_path = Some(path.as_ref().to_path_buf());
        self
    }

    /// The action cache (default: as for [`Build`]).
    pub fn cache_dir(&mut self, dir: impl AsRef<Path>) -> &mut Sidecars {
        self.cache_dir = Some(dir.as_ref().to_path_buf());
        self
    }

    /// The GOROOT (default: discovered, as for [`Build`]).
    pub fn goroot(&mut self, dir: impl AsRef<Path>) -> &mut Sidecars {
        self.goroot = Some(dir.as_ref().to_path_buf());
        self
    }

    /// No status lines on stderr (they are printed by default, as cargo's).
    pub fn quiet(&mut self, on: bool) -> &mut Sidecars {
        self.quiet = on;
        self
    }

    /// Reads the declarations, builds every sidecar for every target, and
    /// places each (module docs). Stops at the first failure, whose error
    /// names the sidecar, its crate, its package and the target.
    pub fn build(&self) -> Result<Vec<Built>> {
        let metadata = cargo_metadata(self.manifest_path.as_deref())?;
        let root = metadata.workspace_root.as_std_path().to_path_buf();
        let target_dir = metadata.target_directory.as_std_path().to_path_buf();
        let declared = declarations(&metadata, self.package.as_deref())?;
        if declared.is_empty() {
            let where_ = match &self.package {
                Some(p) => format!("crate `{p}`"),
                None => "any workspace crate".to_string(),
            };
            status(
                self.quiet,
                "Finished",
                &format!("nothing to build: no Go sidecars are declared in {where_} (see `[[package.metadata.go-link-build.sidecar]]` in the README)"),
            );
            return Ok(Vec::new());
        }

        let mut unique = BTreeSet::new();
        let mut targets: Vec<(String, bool)> = Vec::new();
        for t in &self.targets {
            if unique.insert(t.clone()) {
                targets.push((t.clone(), true));
            }
        }
        if targets.is_empty() {
            targets.push((host_triple()?, false));
        }

        let go_bin = target_dir.join("go-bin");
        let profile = if self.release { "release" } else { "debug" };
        let started = Instant::now();
        let mut built = Vec::new();
        // Live progress under each `Compiling` line, on a terminal only.
        let term = if self.quiet { None } else { crate::progress::Terminal::stderr() };
        for (triple, explicit) in &targets {
            let out_dir = go_bin.join(triple);
            // Where cargo puts the Rust program for the same flags.
            let program_dir = if *explicit { target_dir.join(triple).join(profile) } else { target_dir.join(profile) };
            for d in &declared {
                let s = &d.sidecar;
                status(
                    self.quiet,
                    "Compiling",
                    &format!("{} ({}: {}) for {triple}", s.name, d.krate, s.package.display()),
                );
                let one = Instant::now();
                let mut build = Build::new();
                build
                    .package(d.manifest_dir.join(&s.package))
                    .out_dir(&out_dir)
                    .target(triple)
                    .cargo_metadata(false)
                    .cargo_warnings(false)
                    // A sidecar is a static, pure-Go program (cross builds need
                    // no C toolchain), whatever CGO_ENABLED says.
                    .env("CGO_ENABLED", "0")
                    .strip(s.strip || self.release)
                    .tags(&s.tags);
                if let Some(dir) = &self.cache_dir {
                    build.cache_dir(dir);
                }
                if let Some(dir) = &self.goroot {
                    build.goroot(dir);
                }
                for (k, v) in &s.ldflags_x {
                    build.ldflag_x(k, v);
                }
                if let Some(t) = &term {
                    let t = t.clone();
                    build.progress(move |e| t.event(e));
                }
                let art = build.try_binary(&s.name);
                if let Some(t) = &term {
                    t.clear();
                }
                let art = art.map_err(|e| {
                    e.context(format!(
                        "could not build Go sidecar `{}` (crate `{}`, package {}) for {triple}",
                        s.name,
                        d.krate,
                        s.package.display()
                    ))
                })?;

                // Tauri's naming: <name>-<triple>, keeping the library's
                // extension (.exe on Windows, .wasm for wasip1).
                let ext = art.path().extension().map(|e| format!(".{}", e.to_string_lossy())).unwrap_or_default();
                let dest = go_bin.join(format!("{}-{triple}{ext}", s.name));
                crate::cache::fsutil::copy_atomic(art.path(), &dest)?;
                let beside = program_dir.join(format!("{}{ext}", s.name));
                std::fs::create_dir_all(&program_dir).map_err(|e| Error::io("create directory", &program_dir, e))?;
                crate::cache::fsutil::copy_atomic(art.path(), &beside)?;
                let size = std::fs::metadata(&dest).map_err(|e| Error::io("stat", &dest, e))?.len();
                let stats = art.stats();
                let how = if art.was_up_to_date() {
                    "up to date".to_string()
                } else {
                    format!(
                        "{} packages compiled, {} cached, in {:.2}s",
                        stats.compiled,
                        stats.cached,
                        one.elapsed().as_secs_f64()
                    )
                };
                status(
                    self.quiet,
                    "Finished",
                    &format!(
                        "{} -> {} and {} ({}; {how})",
                        s.name,
                        shown(&dest, &root),
                        shown(&beside, &root),
                        human_size(size)
                    ),
                );
                built.push(Built {
                    name: s.name.clone(),
                    krate: d.krate.clone(),
                    target: triple.clone(),
                    path: dest,
                    beside,
                    up_to_date: art.was_up_to_date(),
                    stats,
                });
            }
        }
        if built.len() > 1 {
            status(
                self.quiet,
                "Finished",
                &format!("{} sidecar build(s) in {:.2}s", built.len(), started.elapsed().as_secs_f64()),
            );
        }
        Ok(built)
    }
}

/// The whole sidecar command for a program's `main`: answers `--help`/`-h`
/// with [`USAGE`], reads the options ([`Sidecars::from_args`]), builds, and
/// prints any error as `error: …`. A user's xtask is one call of it.
pub fn main<S: AsRef<str>>(args: &[S]) -> std::process::ExitCode {
    if args.iter().any(|a| matches!(a.as_ref(), "--help" | "-h")) {
        to_stderr!("{}", USAGE.trim_end_matches('\n'));
        return std::process::ExitCode::SUCCESS;
    }
    match Sidecars::from_args(args).and_then(|s| s.build()) {
        Ok(_) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            to_stderr!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Result<Vec<Sidecar>> {
        sidecars_of("demo", "demo/Cargo.toml", &serde_json::from_str(json).unwrap())
    }

    #[test]
    fn full_and_minimal_tables() {
        let got = parse(
            r#"{"go-link-build": {"sidecar": [
                {"name": "hello", "package": "go/cmd/hello", "tags": ["netgo"],
                 "ldflags-x": {"main.version": "1.2.3"}, "strip": true},
                {"name": "min", "package": "go/cmd/min"}
            ]}}"#,
        )
        .unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].tags, ["netgo"]);
        assert_eq!(got[0].ldflags_x["main.version"], "1.2.3");
        assert!(got[0].strip);
        assert_eq!(
            got[1],
            Sidecar {
                name: "min".into(),
                package: "go/cmd/min".into(),
                tags: vec![],
                ldflags_x: BTreeMap::new(),
                strip: false
            }
        );
    }

    #[test]
    fn no_section_is_no_sidecars() {
        assert!(parse("null").unwrap().is_empty());
        assert!(parse(r#"{"other-tool": {"x": 1}}"#).unwrap().is_empty());
        assert!(parse(r#"{"go-link-build": {}}"#).unwrap().is_empty());
    }

    #[test]
    fn unknown_fields_name_crate_sidecar_and_field() {
        let e = parse(r#"{"go-link-build": {"sidecar": [{"name": "hello", "package": "p", "tag": ["x"]}]}}"#)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("crate `demo`") && e.contains("sidecar `hello`") && e.contains("unknown field `tag`"),
            "{e}"
        );
        let e = parse(r#"{"go-link-build": {"sidecars": []}}"#).unwrap_err().to_string();
        assert!(e.contains("crate `demo`") && e.contains("unknown field `sidecars`"), "{e}");
        let e = parse(r#"{"go-link-build": {"sidecar": [{"package": "p"}]}}"#).unwrap_err().to_string();
        assert!(e.contains("sidecar #1") && e.contains("missing field `name`"), "{e}");
    }

    #[test]
    fn bad_names_and_paths() {
        let e = parse(r#"{"go-link-build": {"sidecar": [{"name": "a/b", "package": "p"}]}}"#).unwrap_err();
        assert!(e.to_string().contains("must be a plain file name"), "{e}");
        let e = parse(r#"{"go-link-build": {"sidecar": [{"name": "a", "package": "/abs"}]}}"#).unwrap_err();
        assert!(e.to_string().contains("relative to the crate's Cargo.toml"), "{e}");
    }

    #[test]
    fn args() {
        let s = Sidecars::from_args([
            "--release",
            "--target",
            "a",
            "--target=b",
            "-p",
            "x",
            "--manifest-path=m/Cargo.toml",
        ])
        .unwrap();
        assert!(s.release);
        assert_eq!(s.targets, ["a", "b"]);
        assert_eq!(s.package.as_deref(), Some("x"));
        assert_eq!(s.manifest_path.as_deref(), Some(Path::new("m/Cargo.toml")));
        let no_args: [&str; 0] = [];
        assert!(!Sidecars::from_args(no_args).unwrap().release);
        for bad in [&["--release=yes"][..], &["--target"], &["--target", "--release"], &["build"], &["--jobs", "2"]] {
            assert!(Sidecars::from_args(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn sizes() {
        assert_eq!(human_size(17), "17 B");
        assert_eq!(human_size(1536), "1.5 KiB");
        assert_eq!(human_size(2_000_000), "1.9 MiB");
    }
}
