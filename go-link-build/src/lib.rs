//! Build Go code from a Cargo build script, without `go build`.
//!
//! go-link-build drives the Go toolchain's own tools (`compile`, `asm`,
//! `link` in `$GOROOT/pkg/tool/<host>`) directly: it loads packages itself,
//! compiles the standard library from `$GOROOT/src` with the flags cmd/go
//! uses, caches every action by content, and tells cargo exactly which files
//! and variables to rerun on. It needs no network, no module download, no
//! `GOCACHE` and no working `go` command: only a GOROOT.
//!
//! # Example
//!
//! ```no_run
//! // build.rs
//! let bin = go_link_build::Build::new()
//!     .package("go/cmd/hello") // a Go main package, relative to CARGO_MANIFEST_DIR
//!     .ldflag_x("main.version", "1.2.3")
//!     .binary("hello");
//! // The sidecar is at bin.path(); the crate can find it at compile time
//! // through env!("GO_LINK_BUILD_BIN_HELLO").
//! # let _ = bin;
//! ```
//!
//! # Environment
//!
//! | variable | meaning |
//! |---|---|
//! | `GO_LINK_BUILD_GOROOT`, `GOROOT` | the Go installation to use (else `go env GOROOT`, else the `go` on `PATH`) |
//! | `GO` | the `go` command to ask for GOROOT |
//! | `GO_LINK_BUILD_CACHE` | the action cache (default: `go-link-build-cache` in cargo's target dir) |
//! | `GOAMD64`, `GOARM`, `GOARM64`, `GO386`, `GOMIPS`, `GOMIPS64`, `GOPPC64`, `GORISCV64` | the arch level, as for `go build` |
//! | `GOEXPERIMENT` | toolchain experiments, as for `go build` |
//! | `GO_LINK_BUILD_DEBUG` | `1`: print every tool command; `2`: also print cache-key inputs |
//!
//! Every variable read is reported with `cargo:rerun-if-env-changed`.
//!
//! # Output layout
//!
//! ```text
//! $OUT_DIR/go-link-build/
//!     bin/<name>[.exe]      the linked program (Build::binary)
//!     <name>.stamp          the no-op fingerprint of the last build
//! <target dir>/go-link-build-cache/
//!     v1/<aa>/<action id>/  one finished action (package archive or linked output)
//!     tmp/                  actions in progress
//! ```
#![deny(missing_docs)]

mod archive;
mod buildinfo;
mod cache;
mod cargo;
mod context;
mod env;
mod error;
mod exec;
mod godebug;
mod gomod;
mod load;
mod pipeline;
mod sched;
mod stamp;
mod target;
mod toolchain;
mod tools;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub use error::{Error, Result};
#[doc(hidden)]
pub use load::__private;
pub use pipeline::Stats;

use cargo::CargoOutput;
use context::BuildContext;
use env::Env;
use error::ErrorKind;
use pipeline::{LinkOptions, Pipeline};
use stamp::Stamp;
use tools::BuildMode;

pub(crate) fn debug_level() -> u32 {
    env::debug_level()
}

pub(crate) fn debug_enabled() -> bool {
    debug_level() >= 1
}

/// A Go build, configured like a `cc::Build`.
#[derive(Clone, Debug)]
pub struct Build {
    packages: Vec<PathBuf>,
    out_dir: Option<PathBuf>,
    target: Option<String>,
    cargo_metadata: bool,
    warnings: bool,
    goroot: Option<PathBuf>,
    x: Vec<(String, String)>,
    strip: bool,
    tags: Vec<String>,
    env: BTreeMap<String, String>,
    cache_dir: Option<PathBuf>,
    trimpath: bool,
    jobs: Option<usize>,
    manifest_dir: Option<PathBuf>,
}

/// What a build produced.
#[derive(Clone, Debug)]
pub struct Artifact {
    path: PathBuf,
    stats: Stats,
    no_op: bool,
}

impl Artifact {
    /// The produced file (the program, for [`Build::binary`]).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// What the build did: cached and compiled package counts, whether it linked.
    pub fn stats(&self) -> Stats {
        self.stats
    }

    /// True when the build was a no-op: nothing changed since the last build,
    /// so no toolchain lookup, no package loading and no tool ran.
    pub fn was_up_to_date(&self) -> bool {
        self.no_op
    }
}

impl Default for Build {
    fn default() -> Build {
        Build::new()
    }
}

impl Build {
    /// A build with the defaults: host or cargo's `TARGET`, cargo directives
    /// on, `-trimpath` on (the output does not depend on where the sources
    /// are), cgo off.
    #[must_use]
    pub fn new() -> Build {
        Build {
            packages: Vec::new(),
            out_dir: None,
            target: None,
            cargo_metadata: true,
            warnings: true,
            goroot: None,
            x: Vec::new(),
            strip: false,
            tags: Vec::new(),
            env: BTreeMap::new(),
            cache_dir: None,
            trimpath: true,
            jobs: None,
            manifest_dir: None,
        }
    }

    /// Adds a Go package directory. Relative paths are relative to
    /// `CARGO_MANIFEST_DIR` (or the current directory outside cargo). For
    /// [`Build::binary`] it must be a `package main`.
    pub fn package(&mut self, dir: impl AsRef<Path>) -> &mut Build {
        self.packages.push(dir.as_ref().to_path_buf());
        self
    }

    /// Where outputs go. Defaults to cargo's `OUT_DIR`; required outside cargo.
    pub fn out_dir(&mut self, dir: impl AsRef<Path>) -> &mut Build {
        self.out_dir = Some(dir.as_ref().to_path_buf());
        self
    }

    /// The Rust target triple to build for. Defaults to cargo's `TARGET`,
    /// or the host outside cargo.
    pub fn target(&mut self, triple: &str) -> &mut Build {
        self.target = Some(triple.to_string());
        self
    }

    /// Whether to print `cargo:` directives (rerun-if-changed, rustc-env). On
    /// by default; turn off outside build scripts.
    pub fn cargo_metadata(&mut self, on: bool) -> &mut Build {
        self.cargo_metadata = on;
        self
    }

    /// Whether Go tool output on success becomes `cargo:warning=` lines. On by default.
    pub fn cargo_warnings(&mut self, on: bool) -> &mut Build {
        self.warnings = on;
        self
    }

    /// Use this GOROOT instead of discovering one.
    pub fn goroot(&mut self, dir: impl AsRef<Path>) -> &mut Build {
        self.goroot = Some(dir.as_ref().to_path_buf());
        self
    }

    /// Sets a string variable at link time, like `go build -ldflags=-X
    /// importpath.name=value`. Use `main.name` for the main package.
    pub fn ldflag_x(&mut self, name: &str, value: &str) -> &mut Build {
        self.x.push((name.to_string(), value.to_string()));
        self
    }

    /// Strips the symbol table and DWARF (`-ldflags=-s -w`).
    pub fn strip(&mut self, on: bool) -> &mut Build {
        self.strip = on;
        self
    }

    /// Adds build tags, like `go build -tags`.
    pub fn tags<I, S>(&mut self, tags: I) -> &mut Build
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.tags
            .extend(tags.into_iter().map(|t| t.as_ref().to_string()));
        self
    }

    /// Sets a Go environment setting for this build only (`GOAMD64`,
    /// `GOEXPERIMENT`, `GO_LINK_BUILD_GOROOT`, …), shadowing the process
    /// environment. Never changes the build script's own environment.
    pub fn env(&mut self, key: &str, value: &str) -> &mut Build {
        self.env.insert(key.to_string(), value.to_string());
        self
    }

    /// Where the action cache lives (default: `GO_LINK_BUILD_CACHE`, else
    /// `go-link-build-cache` in cargo's target directory).
    pub fn cache_dir(&mut self, dir: impl AsRef<Path>) -> &mut Build {
        self.cache_dir = Some(dir.as_ref().to_path_buf());
        self
    }

    /// Whether to rewrite source paths recorded in the output, like `go build
    /// -trimpath`. On by default, so builds are reproducible across
    /// checkouts; turn off to keep absolute paths for debuggers.
    pub fn trimpath(&mut self, on: bool) -> &mut Build {
        self.trimpath = on;
        self
    }

    /// How many tools may run at once when no jobserver is present
    /// (default: cargo's `NUM_JOBS`, else the number of cores).
    pub fn jobs(&mut self, n: usize) -> &mut Build {
        self.jobs = Some(n);
        self
    }

    /// Builds the single Go main package as a program named `name` (with
    /// `.exe` for Windows targets) in `$OUT_DIR/go-link-build/bin/`, and
    /// prints `cargo:rustc-env=GO_LINK_BUILD_BIN_<NAME>=<path>`.
    pub fn try_binary(&self, name: &str) -> Result<Artifact> {
        Session::new(self)?.binary(name)
    }

    /// Like [`Build::try_binary`], but on failure prints the error as
    /// `error: go-link-build: …` to stderr and exits the process with status 1.
    /// Exits; does not panic.
    pub fn binary(&self, name: &str) -> Artifact {
        self.try_binary(name).unwrap_or_else(|e| fail(&e))
    }
}

fn fail(e: &Error) -> ! {
    eprintln!("error: go-link-build: {e}");
    std::process::exit(1)
}

/// One build, with its environment view and output channel.
struct Session<'a> {
    cfg: &'a Build,
    env: Env,
    out: CargoOutput,
}

impl<'a> Session<'a> {
    fn new(cfg: &'a Build) -> Result<Session<'a>> {
        Ok(Session {
            cfg,
            env: Env::new(cfg.env.clone()),
            out: CargoOutput {
                metadata: cfg.cargo_metadata,
                warnings: cfg.warnings,
            },
        })
    }

    fn out_dir(&self) -> Result<PathBuf> {
        self.cfg
            .out_dir
            .clone()
            .or_else(|| self.env.cargo_var("OUT_DIR").map(PathBuf::from))
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::Config,
                    "OUT_DIR is not set: outside a cargo build script, call Build::out_dir",
                )
            })
    }

    fn manifest_dir(&self) -> PathBuf {
        self.cfg
            .manifest_dir
            .clone()
            .or_else(|| self.env.cargo_var("CARGO_MANIFEST_DIR").map(PathBuf::from))
            .or_else(|| std::env::current_dir().ok())
            .unwrap_or_default()
    }

    fn triple(&self) -> String {
        self.cfg
            .target
            .clone()
            .or_else(|| self.env.cargo_var("TARGET"))
            .unwrap_or_else(|| target::host_triple().to_string())
    }

    /// The cache root: setter, `GO_LINK_BUILD_CACHE`, else cargo's target dir.
    fn cache_root(&self, out_dir: &Path) -> PathBuf {
        if let Some(d) = &self.cfg.cache_dir {
            return d.clone();
        }
        if let Some(d) = self.env.var("GO_LINK_BUILD_CACHE") {
            return PathBuf::from(d);
        }
        // OUT_DIR is <target>/[<triple>/]<profile>/build/<pkg>-<hash>/out; cargo
        // marks <target> with CACHEDIR.TAG. Sharing it across profiles and
        // triples is safe: action IDs include everything that differs.
        for dir in out_dir.ancestors().skip(1) {
            if dir.join("CACHEDIR.TAG").is_file()
                && dir.join("debug").exists()
                    | dir.join("release").exists()
                    | dir.join(".rustc_info.json").exists()
            {
                return dir.join("go-link-build-cache");
            }
        }
        out_dir.join("go-link-build").join("cache")
    }

    /// The fingerprint of the request, computed without IO beyond the
    /// environment: everything that can change the result and that the
    /// stamp's file and env lists don't cover.
    fn fingerprint(&self, name: &str, out_path: &Path) -> String {
        let mut k = cache::KeyBuilder::new("stamp");
        k.line("version", env!("CARGO_PKG_VERSION"));
        k.line("config", format!("{:?}", self.cfg));
        k.line("name", name);
        k.line("triple", self.triple());
        k.line("out", out_path.display());
        k.line("manifest", self.manifest_dir().display());
        k.line(
            "path",
            self.env.path().unwrap_or_default().to_string_lossy(),
        );
        k.finish().hex()
    }

    fn binary(&self, name: &str) -> Result<Artifact> {
        if name.is_empty() || name.contains(['/', '\\']) {
            return Err(Error::new(
                ErrorKind::Config,
                format!("invalid binary name {name:?}: use a plain file name such as \"hello\""),
            ));
        }
        let out_dir = self.out_dir()?;
        let triple = self.triple();
        let gotarget = target::from_triple(&triple)?;
        let exe = if gotarget.goos == "windows" {
            ".exe"
        } else if gotarget.goos == "wasip1" {
            ".wasm"
        } else {
            ""
        };
        let base = out_dir.join("go-link-build");
        let out_path = base.join("bin").join(format!("{name}{exe}"));
        let stamp_path = base.join(format!("{name}.stamp"));
        let env_name: String = name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_uppercase()
                } else {
                    '_'
                }
            })
            .collect();
        let fingerprint = self.fingerprint(name, &out_path);

        // The no-op path: nothing changed since the last build.
        let real_env = |k: &str| Env::new(BTreeMap::new()).cargo_var(k);
        if let Some(st) = Stamp::check(&stamp_path, &fingerprint, real_env) {
            for d in &st.directives {
                self.reprint(d);
            }
            return Ok(Artifact {
                path: out_path,
                stats: Stats::default(),
                no_op: true,
            });
        }

        let started = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let mut st = Stamp {
            fingerprint,
            started,
            ..Stamp::default()
        };
        let tc = toolchain::discover(self.cfg.goroot.as_deref(), &self.env)?;
        let cache = cache::Cache::open(&self.cache_root(&out_dir))?;
        let tool_id = tc.tool_id()?;
        if debug_enabled() {
            eprintln!(
                "go-link-build: using {} at {} (found by {})",
                tc.version,
                tc.goroot.display(),
                tc.found_by
            );
        }
        let ctx = self.context(&tc, &tool_id, &cache, &gotarget)?;

        // Load the main package and everything it imports.
        let manifest = self.manifest_dir();
        if self.cfg.packages.len() != 1 {
            return Err(Error::new(
                ErrorKind::Config,
                format!("Build::binary needs exactly one Go main package, but {} were given with Build::package", self.cfg.packages.len()),
            ));
        }
        let pkg_dir = manifest.join(&self.cfg.packages[0]);
        let pkg_dir = std::fs::canonicalize(&pkg_dir).map_err(|e| {
            Error::new(ErrorKind::Config, format!("Go package directory {} does not exist ({e}); Build::package paths are relative to {}", pkg_dir.display(), manifest.display()))
        })?;
        let main_module = load::find_main_module(&pkg_dir)?;
        let roots = vec![pkg_dir.clone()];
        let graph = load::load_graph(&ctx, Some(&main_module), &roots)?;
        let main_idx = graph.roots[0];
        let main_pkg = &graph.packages[main_idx];
        if main_pkg.name != "main" {
            return Err(Error::new(
                ErrorKind::Config,
                format!(
                    "{} is package {}, not a main package: Build::binary links a `package main` with a `func main`",
                    main_pkg.dir.display(),
                    main_pkg.name
                ),
            ));
        }

        // Link-time settings: DefaultGODEBUG and build info, as cmd/go computes them.
        let table_path = tc.goroot.join("src/internal/godebugs/table.go");
        let table_text =
            std::fs::read_to_string(&table_path).map_err(|e| Error::io("read", &table_path, e))?;
        let table = godebug::parse_table(&table_text)?;
        let mut directives = main_module.go_mod.godebug.clone();
        directives.extend(main_pkg.go_debug.iter().cloned());
        let godebug_default = godebug::default_godebug(
            &table,
            main_module.go_mod.go.as_deref(),
            &directives,
            tc.minor,
        )
        .map_err(|e| {
            e.context(format!(
                "computing DefaultGODEBUG for {}",
                main_pkg.import_path
            ))
        })?;
        let settings = buildinfo::settings(&buildinfo::SettingsInput {
            buildmode: BuildMode::Exe.info_name().to_string(),
            ldflags: None,
            tags: self.cfg.tags.clone(),
            trimpath: self.cfg.trimpath,
            default_godebug: godebug_default.clone(),
            cgo_enabled: ctx.cgo_enabled,
            cgo_env: Default::default(),
            goarch: ctx.goarch.clone(),
            goexperiment: ctx.goexperiment_env.clone(),
            goos: ctx.goos.clone(),
            arch_level: ctx.arch_level.clone(),
        });
        let info = buildinfo::BuildInfo {
            go_version: tc.version.clone(),
            path: main_pkg.import_path.clone(),
            main: Some(buildinfo::ModuleInfo {
                path: main_module.path.clone(),
                version: "(devel)".into(),
                sum: String::new(),
                replace: None,
            }),
            deps: Vec::new(),
            settings,
        };
        let modinfo = buildinfo::modinfo_line(&info.to_text());

        let jobs = sched::Jobs::new(
            self.cfg
                .jobs
                .or_else(|| self.env.cargo_var("NUM_JOBS").and_then(|n| n.parse().ok())),
        );
        let pipeline = Pipeline {
            tc: &tc,
            tool_id: &tool_id,
            ctx: &ctx,
            cache: &cache,
            mode: BuildMode::Exe,
            trimpath: self.cfg.trimpath,
            jobs: &jobs,
            out: &self.out,
            main_lang: gomod::lang_version(main_module.go_mod.go.as_deref().unwrap_or("1.16")),
        };
        let mut stats = Stats::default();
        let built = pipeline.build_packages(&graph, &mut stats)?;
        let (linked, ran) = pipeline.link(
            &graph,
            &built,
            main_idx,
            &LinkOptions {
                godebug_default,
                modinfo,
                strip: self.cfg.strip,
                x: self.cfg.x.clone(),
                extld: None,
            },
        )?;
        stats.linked = ran;
        let bin_dir = base.join("bin");
        std::fs::create_dir_all(&bin_dir)
            .map_err(|e| Error::io("create directory", &bin_dir, e))?;
        cache::copy_atomic(&linked, &out_path)?;

        // Tell cargo what to watch: every input outside GOROOT, GOROOT's
        // VERSION, and every variable read.
        let mut directives: Vec<String> = Vec::new();
        let mut inputs: Vec<PathBuf> = Vec::new();
        for pkg in graph.packages.iter().filter(|p| !p.standard) {
            let lists = [
                &pkg.go_files,
                &pkg.cgo_files,
                &pkg.ignored_go_files,
                &pkg.s_files,
                &pkg.h_files,
                &pkg.c_files,
                &pkg.syso_files,
            ];
            for f in lists.into_iter().flatten() {
                inputs.push(pkg.dir.join(f));
            }
            if let Some(embed) = &pkg.embed {
                for abs in embed.files.values() {
                    inputs.push(abs.clone());
                    if let Some(parent) = abs.parent() {
                        st.add_dir(parent);
                    }
                }
            }
            st.add_dir(&pkg.dir);
        }
        for f in ["go.mod", "go.sum", "go.work"] {
            let p = main_module.dir.join(f);
            if p.is_file() {
                inputs.push(p);
            }
        }
        inputs.sort();
        inputs.dedup();
        for p in &inputs {
            directives.push(format!("rerun-if-changed={}", p.display()));
            st.add_file(p);
        }
        directives.push(format!("rerun-if-changed={}", tc.version_file().display()));
        st.add_file(&tc.version_file());
        for tool in [
            toolchain::Tool::Compile,
            toolchain::Tool::Asm,
            toolchain::Tool::Link,
        ] {
            st.add_file(&tc.tool(tool));
        }
        st.add_file(&table_path);
        for (var, value) in self.env.read_vars() {
            directives.push(format!("rerun-if-env-changed={var}"));
            st.env.push((var, value));
        }
        directives.push(format!(
            "rustc-env=GO_LINK_BUILD_BIN_{env_name}={}",
            out_path.display()
        ));
        for d in &directives {
            self.reprint(d);
        }
        st.directives = directives;
        st.set_output(&out_path);
        st.write(&stamp_path)?;
        if debug_enabled() {
            eprintln!(
                "go-link-build: {name}: {} packages cached, {} compiled, linked: {}",
                stats.cached, stats.compiled, stats.linked
            );
        }
        Ok(Artifact {
            path: out_path,
            stats,
            no_op: false,
        })
    }

    fn reprint(&self, directive: &str) {
        if let Some(p) = directive.strip_prefix("rerun-if-changed=") {
            self.out.rerun_if_changed(Path::new(p));
        } else if let Some(v) = directive.strip_prefix("rerun-if-env-changed=") {
            self.out.rerun_if_env_changed(v);
        } else if let Some(kv) = directive.strip_prefix("rustc-env=") {
            if let Some((k, v)) = kv.split_once('=') {
                self.out.rustc_env(k, v);
            }
        }
    }

    /// The build context for a target: user settings, then what the
    /// toolchain says (arch level default, enabled experiments).
    fn context(
        &self,
        tc: &toolchain::Toolchain,
        tool_id: &str,
        cache: &cache::Cache,
        t: &target::GoTarget,
    ) -> Result<BuildContext> {
        let level_var = context::arch_level_var(&t.goarch);
        // An explicit GO$ARCH wins over what the Rust target implies.
        let level = level_var
            .and_then(|v| self.env.var(v).map(|val| (v.to_string(), val)))
            .or_else(|| t.arch_level.clone());
        let goexperiment = self.env.var("GOEXPERIMENT");
        let mut probe_env: Vec<(String, String)> = vec![
            ("GOOS".into(), t.goos.clone()),
            ("GOARCH".into(), t.goarch.clone()),
        ];
        if let Some(l) = &level {
            probe_env.push(l.clone());
        }
        if let Some(x) = &goexperiment {
            probe_env.push(("GOEXPERIMENT".into(), x.clone()));
        }
        let probe = probe_target(tc, tool_id, cache, &probe_env)?;
        Ok(BuildContext {
            goroot: tc.goroot.clone(),
            goos: t.goos.clone(),
            goarch: t.goarch.clone(),
            cgo_enabled: false,
            arch_level: probe.arch_level.or(level),
            experiments: probe.experiments,
            goexperiment_env: goexperiment,
            go_minor: tc.minor,
            user_tags: self.cfg.tags.clone(),
        })
    }
}

/// Asks the compiler what it makes of a target environment by compiling an
/// empty package and reading the object header. Cached by tool and env.
fn probe_target(
    tc: &toolchain::Toolchain,
    tool_id: &str,
    cache: &cache::Cache,
    env: &[(String, String)],
) -> Result<toolchain::TargetProbe> {
    let mut k = cache::KeyBuilder::new("probe");
    k.line("tool", tool_id);
    for (a, b) in env {
        k.line("env", format!("{a}={b}"));
    }
    let id = k.finish();
    let read = |dir: &Path| -> Option<toolchain::TargetProbe> {
        let line = std::fs::read_to_string(dir.join("header")).ok()?;
        toolchain::parse_object_header(line.trim())
    };
    if let Some(probe) = cache.lookup(&id).and_then(|d| read(&d)) {
        return Ok(probe);
    }
    let tmp = cache.temp_dir()?;
    let o = tmp.path();
    let src = o.join("probe.go");
    std::fs::write(&src, "package probe\n").map_err(|e| Error::io("write", &src, e))?;
    std::fs::write(o.join("importcfg"), "")
        .map_err(|e| Error::io("write", &o.join("importcfg"), e))?;
    let mut inv = exec::Invocation::new(tc.tool(toolchain::Tool::Compile), o);
    for (a, b) in env {
        inv.env(a, b);
    }
    inv.env("GOROOT", &tc.goroot);
    inv.arg("-p")
        .arg("probe")
        .arg("-importcfg")
        .arg(o.join("importcfg"))
        .arg("-pack")
        .arg("-o")
        .arg(o.join("probe.a"))
        .arg(&src);
    inv.run(&format!("# probing the target ({})", env.iter().map(|(a, b)| format!("{a}={b}")).collect::<Vec<_>>().join(" ")))
        .map_err(|e| Error::new(ErrorKind::Toolchain, format!("the Go compiler rejects this target environment:\n{e}\nCheck GOOS/GOARCH, the GO$GOARCH level and GOEXPERIMENT.")))?;
    let archive = o.join("probe.a");
    let data = std::fs::read(&archive).map_err(|e| Error::io("read", &archive, e))?;
    let header = toolchain::header_of_archive(&data).ok_or_else(|| {
        Error::new(
            ErrorKind::Toolchain,
            "the compiler wrote an archive without an object header",
        )
    })?;
    let probe = toolchain::parse_object_header(&header).ok_or_else(|| {
        Error::new(
            ErrorKind::Toolchain,
            format!("unrecognised object header {header:?}"),
        )
    })?;
    for f in ["probe.go", "importcfg", "probe.a"] {
        let _ = std::fs::remove_file(o.join(f));
    }
    std::fs::write(o.join("header"), &header)
        .map_err(|e| Error::io("write", &o.join("header"), e))?;
    cache.commit(&id, tmp)?;
    Ok(probe)
}
