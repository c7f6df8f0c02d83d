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
//! # Calling Go from Rust
//!
//! A C archive's exported functions need no hand-written `extern` block:
//! [`Build::rust_bindings`] generates their declarations from the header cgo
//! wrote for the target, with the target's widths (`GoInt` is 32-bit on armv7).
//!
//! ```no_run
//! // build.rs
//! go_link_build::Build::new().package("go/ffi").rust_bindings(true).c_archive("goffi");
//! ```
//!
//! ```ignore
//! // src/main.rs
//! mod goffi {
//!     include!(env!("GO_LINK_BUILD_RS_GOFFI"));
//! }
//! let sum = unsafe { goffi::GoAdd(40, 2) };
//! ```
//!
//! # A C archive with a hand-written `extern` block
//!
//! ```no_run
//! // build.rs of a crate whose Cargo.toml has `links = "go-runtime"`
//! // (one Go runtime per program: go-link-build checks the key)
//! let lib = go_link_build::Build::new()
//!     .package("go/ffi") // a `package main` with //export functions
//!     .c_archive("goffi"); // lib/libgoffi.a + include/goffi.h, linked into the crate
//! # let _ = lib;
//! ```
//!
//! ```no_run
//! // src/main.rs
//! unsafe extern "C" {
//!     fn GoAdd(a: i32, b: i32) -> i32; // prototype in $OUT_DIR/go-link-build/include/goffi.h
//! }
//! fn main() {
//!     println!("{}", unsafe { GoAdd(1, 2) });
//! }
//! ```
//!
//! Every library the Go side needs (`#cgo LDFLAGS`, pkg-config, `-lpthread`…)
//! is passed to cargo. Put all Go packages in one archive (call `.package`
//! several times): two Go runtimes in one program crash. The Go runtime then
//! lives in your process: it starts on the first call, keeps its own threads,
//! installs signal handlers (install yours first, with `SA_ONSTACK`), and an
//! unrecovered Go panic ends the process. README has the details.
//!
//! # Targets
//!
//! Cargo's `TARGET` decides the Go port (`aarch64-unknown-linux-gnu` →
//! linux/arm64 with `GOARM64=v8.0`, …). Sidecars cross-build with no C
//! toolchain; a C archive for another target uses the C compiler the `cc`
//! crate finds for it (`CC_<target>`). MSVC and musl targets cannot host a Go
//! C archive (an error says why); sidecars work there.
//!
//! # Go's own flags
//!
//! [`Build::gcflags`] and [`Build::ldflags`] take what `go build -gcflags=…`
//! and `-ldflags=…` take, `[pattern=]flags`, with cmd/go's rules (no pattern:
//! the packages given with [`Build::package`]; `all=`, `std=`, `./dir/...=`,
//! import-path patterns; the last matching setting wins), and so does
//! `GOFLAGS`. [`Build::race`] builds with the race detector, as `go build
//! -race`; [`Build::cover`] instruments the main module's packages for
//! coverage, as `go build -cover`, so an integration test can run the
//! program with `GOCOVERDIR` set and read its coverage with `go tool covdata`.
//! Nothing changes by default, whatever cargo's profile: outputs stay
//! identical to `go build -trimpath`'s.
//!
//! ```no_run
//! go_link_build::Build::new()
//!     .package("go/cmd/hello")
//!     .gcflags("all=-N -l") // for a debugger
//!     .ldflags("-X main.commit=abc123")
//!     .binary("hello");
//! ```
//!
//! # docs.rs
//!
//! With `DOCS_RS` set, nothing is built: placeholders (an empty program file
//! behind `GO_LINK_BUILD_BIN_<NAME>`, a header naming the exports) let the crate
//! compile for rustdoc. `DOCS_RS=1 cargo doc` does the same on a machine
//! without Go.
//!
//! # Environment
//!
//! | variable | meaning |
//! |---|---|
//! | `GO_LINK_BUILD_GOROOT`, `GOROOT` | the Go installation to use (else `go env GOROOT`, else the `go` on `PATH`) |
//! | `GO` | the `go` command to ask for GOROOT |
//! | `GO_LINK_BUILD_CACHE` | the action cache (default: per user, `~/.cache/go-link-build` on Linux; see the README) |
//! | `GOAMD64`, `GOARM`, `GOARM64`, `GO386`, `GOMIPS`, `GOMIPS64`, `GOPPC64`, `GORISCV64`, `GOEXPERIMENT` | as for `go build` |
//! | `GOMODCACHE`, `GOPATH` | the module cache (default `$GOPATH/pkg/mod`, `$HOME/go/pkg/mod`) |
//! | `GOFLAGS` | only its `-mod=mod\|readonly\|vendor`, `-modcacherw`, `-buildvcs`, `-gcflags` and `-ldflags` |
//! | `GOWORK` | a go.work file, or `off` |
//! | `GOPROXY` | only its `file://` entries (offline module zips) |
//! | `GOENV` | the `go env -w` file, for the Go variables above when unset |
//! | `CC`, `CC_<target>`, `CFLAGS`, `AR`, … | the C toolchain of a C archive (the `cc` crate's variables) |
//! | `CGO_CFLAGS`, `CGO_LDFLAGS`, `CGO_CFLAGS_ALLOW`, … | as for `go build` |
//! | `NUM_JOBS`, cargo's jobserver | parallelism |
//! | `DOCS_RS` | build nothing, write placeholders (above) |
//! | `GO_LINK_BUILD_DEBUG` | `1`: print every tool command and how long it ran; `2`: also print cache-key inputs |
//! | `GOGC`, `GOMEMLIMIT` | passed to the Go tools (default for compile and link: `GOGC=400`) |
//!
//! Every variable read is reported with `cargo:rerun-if-env-changed`, except
//! `GOGC` and `GOMEMLIMIT`: no output depends on them.
//!
//! # Output layout
//!
//! ```text
//! $OUT_DIR/go-link-build/
//!     bin/<name>[.exe]            the linked program (Build::binary)
//!     lib/lib<name>.a             the C archive (Build::c_archive)
//!     include/<name>.h            its header; <name>.rs with Build::rust_bindings
//!     <name>.<kind>.stamp         the no-op fingerprint of the last build (kind: binary, c_archive)
//! ~/.cache/go-link-build/ (the per-user cache; see `cache/mod.rs`)
//!     ac/<xx>/<action id>   the record of one finished action
//!     cas/<xx>/<sha256>     the files records name
//!     tmp/                  actions in progress
//! ```
#![deny(missing_docs)]

/// `eprintln!` that never panics: diagnostics (warnings, `-x` lines, the
/// debug log) are written to stderr and a failed write is ignored. `eprintln!`
/// panics when stderr is a closed pipe (`go-link-build … 2>&1 | head -1`),
/// which in a scheduler worker would abort or hang the build; a diagnostic
/// nobody can read is no reason to fail it (`cargo::stderr_line`).
macro_rules! to_stderr {
    ($($arg:tt)*) => {
        $crate::cargo::stderr_line(format_args!($($arg)*))
    };
}

mod archive;
mod bindings;
mod buildinfo;
mod cache;
mod cargo;
mod cgo;
mod cgoflags;
mod context;
mod cover;
mod ctool;
mod diag;
mod docsrs;
mod env;
mod error;
mod exec;
mod execute;
#[cfg(any(test, feature = "fuzzing"))]
#[doc(hidden)]
pub mod fuzzing;
mod godebug;
mod goflags;
mod gomod;
mod goport;
mod load;
mod modfetch;
mod modload;
mod plan;
pub mod progress;
#[cfg(feature = "remote-cache")]
mod remote;
mod request;
mod sched;
mod settings;
#[cfg(feature = "sidecars")]
pub mod sidecars;
mod stamp;
mod target;
mod toolchain;
mod tools;
mod vcs;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub use cache::{CacheDir, CacheUsage};
pub use error::{Error, Result};
pub use execute::{RemoteStats, Stats};
/// Hooks for this workspace's integration tests (the loader against
/// `go list`, the bindings generator over every Go release's headers), with
/// the `test-hooks` feature only. Not part of the API.
#[cfg(feature = "test-hooks")]
#[doc(hidden)]
pub mod test_hooks {
    pub use crate::bindings::test_hooks::generate_bindings;
    pub use crate::cache::set_version_salt_for_test;
    pub use crate::load::test_hooks::{list_std_for_test, load_graph_for_test, ListedPackage, TestTarget};
}

use cargo::{CargoOutput, Directive};
use context::BuildContext;
use env::Env;
use error::ErrorKind;
use execute::Executor;
use plan::{LinkSettings, PkgIdx, Setup};
use request::{OutputKind, Request};
use stamp::Stamp;

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
    cgo: Option<bool>,
    runtime_links_check: bool,
    allow_musl_c_archive: bool,
    rust_bindings: bool,
    buildvcs: Option<bool>,
    gcflags: Vec<String>,
    ldflags: Vec<String>,
    race: bool,
    cover: bool,
    /// `Build::pgo`: `auto`, `off` or a profile, as given.
    pgo: Option<PathBuf>,
    commands: Commands,
    progress: progress::Hook,
    #[cfg(feature = "remote-cache")]
    remote_cache: Unkeyed,
}

/// Whether a build shows its commands (`go build -x` / `-n`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Commands {
    #[default]
    Quiet,
    /// Print each command to stderr as it runs.
    Print,
    /// Print every command of the plan to stderr; run and write nothing.
    DryRun,
}

/// A setting that changes no output, so it stays out of the no-op
/// fingerprint (which hashes the `Debug` form of [`Build`]), and may hold a
/// secret (URL credentials), so `Debug` does not show it.
#[cfg(feature = "remote-cache")]
#[derive(Clone, Default)]
struct Unkeyed(Option<String>);

#[cfg(feature = "remote-cache")]
impl std::fmt::Debug for Unkeyed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("_")
    }
}

/// The remote cache of one build: its uploads are waited for, and its one
/// warning printed, when the build finishes (or fails: on drop).
#[cfg(feature = "remote-cache")]
struct RemoteRun {
    remote: Option<std::sync::Arc<remote::Remote>>,
    /// A configuration problem (the remote is then not used).
    problem: Option<String>,
    out: CargoOutput,
    done: bool,
}

#[cfg(feature = "remote-cache")]
impl RemoteRun {
    fn finish(&mut self) -> (RemoteStats, Option<String>) {
        self.done = true;
        let mut stats = RemoteStats::default();
        let mut warning = self.problem.take();
        if let Some(r) = &self.remote {
            warning = warning.or(r.finish());
            stats = r.stats();
        }
        if let Some(w) = &warning {
            // One line, wherever warnings go: cargo's report, or stderr outside cargo.
            if self.out.metadata && self.out.warnings {
                self.out.warning(&format!("go-link-build: {w}"));
            } else {
                to_stderr!("warning: go-link-build: {w}");
            }
        }
        (stats, warning)
    }
}

#[cfg(feature = "remote-cache")]
impl Drop for RemoteRun {
    fn drop(&mut self) {
        if !self.done {
            self.finish();
        }
    }
}

/// The `links` value a crate that links a Go C archive declares (the
/// one-Go-runtime rule; see `Build::c_archive`).
pub const RUNTIME_LINKS: &str = "go-runtime";

/// What a build produced.
#[derive(Clone, Debug)]
pub struct Artifact {
    path: PathBuf,
    header: Option<PathBuf>,
    rust_bindings: Option<PathBuf>,
    link_flags: Vec<String>,
    stats: Stats,
    no_op: bool,
    remote_warning: Option<String>,
}

impl Artifact {
    /// The produced file (the program, for [`Build::binary`]).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The C header of a C archive (`<name>.h`), with the prototypes of the
    /// exported Go functions.
    pub fn header(&self) -> Option<&Path> {
        self.header.as_deref()
    }

    /// The Rust declarations generated from the header (`<name>.rs`, see
    /// [`Build::rust_bindings`]), when they were asked for.
    pub fn rust_bindings(&self) -> Option<&Path> {
        self.rust_bindings.as_deref()
    }

    /// The linker flags the C archive needs besides itself, in order
    /// (`-lpthread`, `-lresolv`, `-framework CoreFoundation`, …), collected
    /// from the `#cgo LDFLAGS` of every package in it. Cargo is told about
    /// them already; this is for users linking outside cargo.
    pub fn link_flags(&self) -> &[String] {
        &self.link_flags
    }

    /// What the build did: cached and compiled package counts, whether it linked.
    pub fn stats(&self) -> Stats {
        self.stats
    }

    /// The one-line summary of what went wrong with the remote cache in this
    /// build (also printed: a `cargo:warning`, or a line on stderr outside
    /// cargo), if anything did. Never contains credentials.
    pub fn remote_warning(&self) -> Option<&str> {
        self.remote_warning.as_deref()
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
            cgo: None,
            runtime_links_check: true,
            allow_musl_c_archive: false,
            rust_bindings: false,
            buildvcs: None,
            gcflags: Vec::new(),
            ldflags: Vec::new(),
            race: false,
            cover: false,
            pgo: None,
            commands: Commands::Quiet,
            progress: progress::Hook::default(),
            #[cfg(feature = "remote-cache")]
            remote_cache: Unkeyed::default(),
        }
    }

    /// Adds a Go package directory. Relative paths are relative to
    /// `CARGO_MANIFEST_DIR` (or the current directory outside cargo). For
    /// [`Build::binary`] it must be a `package main`.
    pub fn package(&mut self, dir: impl AsRef<Path>) -> &mut Build {
        self.packages.push(dir.as_ref().to_path_buf());
        self
    }

    /// The directory relative [`Build::package`] paths and relative
    /// `-gcflags`/`-ldflags` patterns (`./cmd/...=-N`) are resolved against.
    /// Defaults to `CARGO_MANIFEST_DIR`, else the current directory.
    pub fn manifest_dir(&mut self, dir: impl AsRef<Path>) -> &mut Build {
        self.manifest_dir = Some(dir.as_ref().to_path_buf());
        self
    }

    /// Where outputs go. Defaults to cargo's `OUT_DIR`; required outside cargo.
    pub fn out_dir(&mut self, dir: impl AsRef<Path>) -> &mut Build {
        self.out_dir = Some(dir.as_ref().to_path_buf());
        self
    }

    /// The Rust target triple to build for, or a Go port as `GOOS/GOARCH`
    /// (`linux/arm64`, mapped to a Rust triple of that port). Defaults to
    /// cargo's `TARGET`, or the host outside cargo.
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
        self.tags.extend(tags.into_iter().map(|t| t.as_ref().to_string()));
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
    /// the per-user cache directory: `$XDG_CACHE_HOME/go-link-build` or
    /// `~/.cache/go-link-build`, `~/Library/Caches/go-link-build`,
    /// `%LocalAppData%\go-link-build`; if that cannot be written,
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

    /// Whether cgo is enabled for a program (`CGO_ENABLED`). Off by default
    /// for [`Build::binary`], so sidecars are static and cross-compile
    /// without a C toolchain; always on for [`Build::c_archive`].
    pub fn cgo(&mut self, on: bool) -> &mut Build {
        self.cgo = Some(on);
        self
    }

    /// Whether [`Build::c_archive`] insists on `links = "go-runtime"` in the
    /// crate's Cargo.toml (the one-Go-runtime rule). Turn off only in a crate
    /// that is known to be the only Go archive of every program it ends up
    /// in, such as one of several independent binaries of a workspace (cargo
    /// allows one `links` value per workspace).
    pub fn runtime_links_check(&mut self, on: bool) -> &mut Build {
        self.runtime_links_check = on;
        self
    }

    /// Whether [`Build::c_archive`] may build for a musl target
    /// (`*-linux-musl*`). Off by default: a Go C archive starts its runtime
    /// from an `.init_array` function that expects glibc's `(argc, argv,
    /// envp)` arguments, and musl calls such functions without arguments, so
    /// the program crashes at startup or misbehaves (golang/go#13492, open
    /// since 2015). The default is an error that says so and points to the
    /// glibc target or a sidecar ([`Build::binary`], which works on musl).
    /// Turn on only after checking that the result works for you, for
    /// example with a Go toolchain patched for musl.
    pub fn allow_musl_c_archive(&mut self, on: bool) -> &mut Build {
        self.allow_musl_c_archive = on;
        self
    }

    /// Whether [`Build::c_archive`] also writes Rust declarations of the
    /// exported functions, `<name>.rs` next to the header, generated from the
    /// header cgo wrote for this target (so `GoInt` has the target's width),
    /// and prints `cargo:rustc-env=GO_LINK_BUILD_RS_<NAME>=<path>` for
    /// `include!(env!("GO_LINK_BUILD_RS_<NAME>"))`. Off by default. A C type
    /// with no exact Rust equivalent becomes an opaque struct (behind a
    /// pointer) or leaves its function out, with a build warning. The file
    /// needs Rust 1.82 (`unsafe extern "C"`).
    pub fn rust_bindings(&mut self, on: bool) -> &mut Build {
        self.rust_bindings = on;
        self
    }

    /// Whether to stamp the program's build info with version control
    /// information, like `go build -buildvcs=true|false`: `vcs`,
    /// `vcs.revision`, `vcs.time`, `vcs.modified` of the git checkout that
    /// holds the main module, and (Go 1.24+) the module's version from its
    /// tags instead of `(devel)`. Unset, GOFLAGS's `-buildvcs` decides, as
    /// for `go build`, else `auto`: stamp when the package is in a git
    /// checkout and `git` is on PATH. Only git is supported; other systems
    /// get no stamp (`true` makes that an error). A new commit or checkout
    /// reruns the build script (`.git/HEAD`, its branch's ref, `packed-refs`
    /// and `logs/HEAD` are `rerun-if-changed` files); edits to files that are
    /// not Go inputs change `vcs.modified` only when the build reruns.
    pub fn buildvcs(&mut self, on: bool) -> &mut Build {
        self.buildvcs = Some(on);
        self
    }

    /// Adds one `go build -gcflags` setting: `[pattern=]flags`, compiler
    /// flags for the packages the pattern matches, exactly as cmd/go reads
    /// them. Without a pattern they apply to the package(s) given with
    /// [`Build::package`]; `all=` means every package including the standard
    /// library, `std=` the standard library, `./dir/...` directories below
    /// `CARGO_MANIFEST_DIR`, `example.com/m/...` import paths. As with
    /// repeated `-gcflags` on cmd/go's command line, each package gets the
    /// flags of the **last** setting that matches it (they do not add up);
    /// `GOFLAGS=-gcflags=…` counts as given first. Only the packages whose
    /// flags change are recompiled. Flags that would break the build
    /// (`-o`, `-p`, `-importcfg`, `-pack`, `-buildid`, `-race`, …) are an
    /// error. Example: `.gcflags("all=-N -l")` for a debugger.
    pub fn gcflags(&mut self, value: &str) -> &mut Build {
        self.gcflags.push(value.to_string());
        self
    }

    /// Adds one `go build -ldflags` setting, `[pattern=]flags`: linker flags,
    /// taken from the last setting that matches the main package (cmd/go's
    /// rule; no pattern means the package(s) given with [`Build::package`]).
    /// They come after [`Build::strip`]'s `-s -w` and [`Build::ldflag_x`]'s
    /// `-X` values. A change relinks without recompiling. Flags that would
    /// break the build (`-o`, `-buildmode`, `-importcfg`, `-extld`,
    /// `-linkmode`, `-race`, …) are an error; `-extldflags` is added to the
    /// target flags go-link-build gives the external linker. Example:
    /// `.ldflags("-X main.version=1.2.3 -s -w")`.
    pub fn ldflags(&mut self, value: &str) -> &mut Build {
        self.ldflags.push(value.to_string());
        self
    }

    /// Builds with the race detector, like `go build -race`: every package
    /// (the standard library too, cached apart) compiled with `-race` and
    /// the `race` build tag, `runtime/race` linked, `-race=true` in the build
    /// info. Needs cgo, which it turns on for a program unless
    /// [`Build::cgo`]`(false)` says otherwise (an error then), and a port
    /// that has a race detector (`platform.RaceDetectorSupported`:
    /// linux/amd64, linux/arm64, linux/ppc64le, linux/s390x, linux/loong64
    /// (Go 1.25+), linux/riscv64 (Go 1.26+), darwin/amd64, darwin/arm64,
    /// freebsd/amd64, netbsd/amd64, windows/amd64); elsewhere an error.
    /// A race found at run time prints `WARNING: DATA RACE` and the program
    /// exits with status 66.
    pub fn race(&mut self, on: bool) -> &mut Build {
        self.race = on;
        self
    }

    /// Builds with coverage instrumentation, like `go build -cover`: the
    /// packages of the main module (and those given with [`Build::package`])
    /// go through `go tool cover` before they compile (counter mode `set`;
    /// `atomic` with [`Build::race`]), `runtime/coverage` is linked, and Go
    /// 1.23+ records `-cover=true` in the build info. Run the program with
    /// `GOCOVERDIR=<dir>` and it writes `covmeta.*`/`covcounters.*` files
    /// there when it exits (through `main` returning or `os.Exit`); read
    /// them with `go tool covdata percent -i=<dir>` (or `textfmt` for a
    /// `go tool cover` profile). Made for integration tests: build a sidecar
    /// with it in a test profile only, since the counters slow the program.
    /// Dependencies and the standard library are not instrumented (they
    /// stay shared with other builds); there is no `-coverpkg`. Go 1.21 to
    /// 1.24 with `GOEXPERIMENT=nocoverageredesign` cannot (an error).
    pub fn cover(&mut self, on: bool) -> &mut Build {
        self.cover = on;
        self
    }

    /// Profile-guided optimization, like `go build -pgo=…`: `"auto"` uses
    /// `default.pgo` in the main package's directory when there is one (the
    /// default, as for `go build`); `"off"` uses no profile; anything else
    /// is a CPU profile (pprof) file, relative to `CARGO_MANIFEST_DIR`. Every
    /// package, the standard library included, is compiled with the profile
    /// (Go 1.23+: preprocessed by `preprofile` first), and the build info
    /// records `-pgo=<file name>` (the whole path without `trimpath`). Unset,
    /// GOFLAGS's `-pgo` decides, as for `go build`, else `auto`.
    pub fn pgo(&mut self, profile: impl AsRef<Path>) -> &mut Build {
        self.pgo = Some(profile.as_ref().to_path_buf());
        self
    }

    /// Prints each tool command to stderr as it runs, like `go build -x`
    /// (with the plan's `$WORK/bNNN` paths: what [`Build::dry_run`] prints).
    /// Actions found in the cache run nothing and print nothing.
    pub fn print_commands(&mut self, on: bool) -> &mut Build {
        if on || self.commands == Commands::Print {
            self.commands = if on { Commands::Print } else { Commands::Quiet };
        }
        self
    }

    /// Prints every command the build would run to stderr, like
    /// `go build -n`, and runs none of them: no compile or link, no output
    /// written, no cargo directive. (Finding the toolchain may still ask the
    /// compiler for its version and the target's settings, cached as usual.)
    pub fn dry_run(&mut self, on: bool) -> &mut Build {
        if on || self.commands == Commands::DryRun {
            self.commands = if on { Commands::DryRun } else { Commands::Quiet };
        }
        self
    }

    /// Calls `observer` with each [`progress::Event`] of the build (an
    /// action started or finished, from the cache or not), from the build's
    /// worker threads, for a live display such as [`progress::Terminal`].
    /// Changes nothing else: no output, no cache key, no no-op check.
    pub fn progress(&mut self, observer: impl Fn(&progress::Event) + Send + Sync + 'static) -> &mut Build {
        self.progress = progress::Hook(Some(std::sync::Arc::new(observer)));
        self
    }

    /// Shares actions through a remote cache speaking Bazel's HTTP cache
    /// protocol at `url` (`http(s)://[user:password@]host[:port][/prefix]`),
    /// instead of `GO_LINK_BUILD_REMOTE_CACHE`. See the README, "Sharing the
    /// cache", for the mode and header variables and the trust model. The
    /// remote cache changes no output: a problem with it is one warning, never
    /// an error. Needs the `remote-cache` feature.
    #[cfg(feature = "remote-cache")]
    pub fn remote_cache(&mut self, url: impl Into<String>) -> &mut Build {
        self.remote_cache = Unkeyed(Some(url.into()));
        self
    }

    /// Builds the Go packages as a C archive `lib<name>.a` with a header
    /// `<name>.h` under `$OUT_DIR/go-link-build/`, and tells cargo to link it:
    /// `rustc-link-search`, `rustc-link-lib=static=<name>`, the libraries the
    /// Go side needs (`#cgo LDFLAGS` of every package, such as `-lpthread`),
    /// and `cargo:include=<dir of the header>` for dependents.
    ///
    /// One package `main` with `//export` functions is built as is; several
    /// packages (or a non-main one) are linked into one archive through a
    /// generated main package that imports them all, so the program gets one
    /// Go runtime. A crate calling this must declare `links = "go-runtime"`
    /// (see [`Build::runtime_links_check`]).
    pub fn try_c_archive(&self, name: &str) -> Result<Artifact> {
        let session = Session::new(self)?;
        if session.docs_rs() {
            return session.docs_rs_placeholder(OutputKind::CArchive, name);
        }
        session.build(OutputKind::CArchive, name)
    }

    /// Like [`Build::try_c_archive`], but on failure prints the error as
    /// `error: go-link-build: …` to stderr and exits the process with status 1.
    /// Exits; does not panic.
    pub fn c_archive(&self, name: &str) -> Artifact {
        self.try_c_archive(name).unwrap_or_else(|e| fail(&e))
    }

    /// Builds the single Go main package as a program named `name` (with
    /// `.exe` for Windows targets) in `$OUT_DIR/go-link-build/bin/`, and
    /// prints `cargo:rustc-env=GO_LINK_BUILD_BIN_<NAME>=<path>`.
    pub fn try_binary(&self, name: &str) -> Result<Artifact> {
        let session = Session::new(self)?;
        if session.docs_rs() {
            return session.docs_rs_placeholder(OutputKind::Binary, name);
        }
        session.build(OutputKind::Binary, name)
    }

    /// Like [`Build::try_binary`], but on failure prints the error as
    /// `error: go-link-build: …` to stderr and exits the process with status 1.
    /// Exits; does not panic.
    pub fn binary(&self, name: &str) -> Artifact {
        self.try_binary(name).unwrap_or_else(|e| fail(&e))
    }
}

fn fail(e: &Error) -> ! {
    to_stderr!("error: go-link-build: {e}");
    std::process::exit(1)
}

/// One build, with its environment view and output channel.
struct Session<'a> {
    cfg: &'a Build,
    env: Env,
    out: CargoOutput,
}

/// The tools of a build: the Go toolchain and what it says about the target,
/// the cache, the C toolchain and the workers.
struct Tools {
    tc: toolchain::Toolchain,
    tool_id: String,
    cache: cache::Cache,
    ctx: BuildContext,
    ctool: Option<ctool::CTool>,
    jobs: sched::Jobs,
    #[cfg(feature = "remote-cache")]
    remote: RemoteRun,
}

/// The loaded packages.
struct Loaded {
    mods: modload::Modules,
    graph: load::Graph,
    /// The package linked as `main` (possibly generated, for a C archive).
    main: usize,
    /// The main package's VCS stamp, when there is one.
    vcs: Option<vcs::Stamp>,
    /// The PGO profile every package is compiled with, if any.
    pgo: Option<load::pgo::Profile>,
    /// Each package's evaluated `#cgo` flags (`None`: not a cgo package).
    cgo: Vec<Option<cgoflags::CgoFlags>>,
}

impl<'a> Session<'a> {
    fn new(cfg: &'a Build) -> Result<Session<'a>> {
        Ok(Session {
            cfg,
            env: Env::new(cfg.env.clone()),
            out: CargoOutput { metadata: cfg.cargo_metadata, warnings: cfg.warnings },
        })
    }

    /// docs.rs (or a `cargo doc` without Go) is building documentation: see `docsrs`.
    fn docs_rs(&self) -> bool {
        self.env.var("DOCS_RS").is_some()
    }

    /// The DOCS_RS build: placeholders at the usual paths, nothing run.
    fn docs_rs_placeholder(&self, kind: OutputKind, name: &str) -> Result<Artifact> {
        request::check_name(name)?;
        let base = request::out_dir(self.cfg, &self.env)?.join("go-link-build");
        let goos =
            target::go_target(&request::rust_target(self.cfg, &self.env)).map(|t| t.goos.clone()).unwrap_or_default();
        let manifest = request::manifest_dir(self.cfg, &self.env);
        let packages: Vec<PathBuf> = self.cfg.packages.iter().map(|p| manifest.join(p)).collect();
        docsrs::build(&docsrs::Placeholder {
            kind,
            name,
            base: &base,
            exe_ext: request::exe_ext(&goos),
            packages: &packages,
            rust_bindings: self.cfg.rust_bindings,
            out: &self.out,
        })
    }

    /// The phases of a build: resolve the request, stop early if nothing
    /// changed, find the tools, load the packages, compute the link
    /// settings, build and install, and report to cargo.
    fn build(&self, kind: OutputKind, name: &str) -> Result<Artifact> {
        let req = Request::resolve(self.cfg, &self.env, kind, name)?;
        let dry_run = self.cfg.commands == Commands::DryRun;
        if let Some(art) = self.up_to_date(&req).filter(|_| !dry_run) {
            return Ok(art);
        }
        let started = now_nanos();
        let mut phases = PhaseTimes::new(&req.name);
        let mut tools = self.tools(&req)?;
        phases.done("tools");
        let loaded = self.load(&req, &tools)?;
        phases.done("load");
        let link = self.link_settings(&req, &tools, &loaded)?;
        let setup = Setup { pgo: loaded.pgo.as_ref(), ..self.setup(&req, &tools) };
        let plan = plan::plan(&setup, &loaded.graph, &loaded.cgo, PkgIdx(loaded.main as u32), &link)?;
        phases.done("plan");
        if dry_run {
            return Ok(self.print_plan(&req, &plan));
        }
        let stats = self.execute(&req, &tools, &plan)?;
        phases.done("execute");
        let art = self.finish(&req, &mut tools, &loaded, started, stats);
        phases.done("finish");
        art
    }

    /// The no-op path: the stamp says nothing changed since the last build,
    /// so its directives are printed again and nothing else happens. The
    /// check reads the environment as this session's `Env` recorded it.
    fn up_to_date(&self, req: &Request<'_>) -> Option<Artifact> {
        let st = Stamp::check(&req.stamp_path, &req.fingerprint, &self.env)?;
        for d in &st.directives {
            self.out.print(d);
        }
        Some(Artifact {
            path: req.out_path.clone(),
            header: req.header_path.clone(),
            rust_bindings: req.rs_path.clone(),
            link_flags: st.link_flags,
            stats: Stats::default(),
            no_op: true,
            remote_warning: None,
        })
    }

    /// Finds the Go toolchain, opens the cache, asks the compiler about the
    /// target and sets up the C toolchain for cgo.
    fn tools(&self, req: &Request<'_>) -> Result<Tools> {
        if req.kind == OutputKind::CArchive {
            self.check_one_runtime()?;
        }
        #[allow(unused_mut)] // mutated only with the remote cache
        let mut cache =
            cache::location::open(self.cfg.cache_dir.as_deref(), &self.env, || Some(req.target_cache_dir()))?;
        let tc = toolchain::discover(self.cfg.goroot.as_deref(), &self.env, &cache)?;
        if req.kind == OutputKind::CArchive {
            target::check_c_archive(&req.rust_target, &req.go_target, tc.minor, self.cfg.allow_musl_c_archive)?;
        }
        let tool_id = tc.tool_id(&cache)?;
        #[cfg(feature = "remote-cache")]
        let remote = self.remote_run();
        #[cfg(feature = "remote-cache")]
        if let Some(r) = &remote.remote {
            cache.set_remote(r.clone());
        }
        if debug_enabled() {
            to_stderr!("go-link-build: using {} at {} (found by {})", tc.version, tc.goroot.display(), tc.found_by);
        }
        req.check()?;
        if req.race {
            crate::goflags::check_race(&req.go_target.goos, &req.go_target.goarch, tc.minor, req.cgo_enabled)
                .map_err(|e| Error::new(ErrorKind::Config, e))?;
        }
        let ctx = self.context(req, &tc, &tool_id, &cache)?;
        if req.cover {
            crate::cover::check(tc.minor, &ctx.experiments).map_err(|e| Error::new(ErrorKind::Config, e))?;
        }
        let ctool = if req.cgo_enabled {
            Some(ctool::CTool::discover(
                &ctool::CToolRequest {
                    target: &req.triple,
                    host: &req.host,
                    out_dir: &req.out_dir,
                    env: &self.env,
                    cc: self.env.overridden("CC"),
                    cxx: self.env.overridden("CXX"),
                    ar: self.env.overridden("AR"),
                },
                &cache,
            )?)
        } else {
            None
        };
        Ok(Tools {
            tc,
            tool_id,
            cache,
            ctx,
            ctool,
            jobs: sched::Jobs::new(req.jobs),
            #[cfg(feature = "remote-cache")]
            remote,
        })
    }

    /// Loads the requested packages and everything they import, and the
    /// main package's VCS stamp.
    fn load(&self, req: &Request<'_>, tools: &Tools) -> Result<Loaded> {
        let mut roots = Vec::new();
        for p in req.packages() {
            let dir = req.manifest_dir.join(p);
            roots.push(std::fs::canonicalize(&dir).map_err(|e| {
                Error::new(
                    ErrorKind::Config,
                    format!(
                        "Go package directory {} does not exist ({e}); Build::package paths are relative to {}",
                        dir.display(),
                        req.manifest_dir.display()
                    ),
                )
            })?);
        }
        let mods = modload::Modules::load(&roots[0], &self.mod_settings(&tools.cache))?;
        mods.check_go_lines(&tools.tc.version)?;
        // The godebug keys this toolchain knows, checked where cmd/go checks
        // them: go.mod/go.work lines as the modules load, each package's
        // //go:debug directives once it is loaded.
        let table_path = godebug_table(&tools.tc);
        let table_text = std::fs::read_to_string(&table_path).map_err(|e| Error::io("read", &table_path, e))?;
        let godebug_table = godebug::parse_table(&table_text)?;
        godebug::check_module_lines(&godebug_table, &mods.godebug_lines(), tools.tc.minor)?;
        let main_module = &mods.mains[0];
        // A C archive of library packages gets a generated main (below), so
        // what the linker loads for a program (`runtime`, ...) is loaded too,
        // even when the packages import nothing; for a main package it is
        // loaded anyway. They come after `roots` and are not roots.
        let mut load_roots = roots.clone();
        if req.kind == OutputKind::CArchive {
            let src = tools.ctx.goroot.join("src");
            load_roots.extend(load::linker_deps(&tools.ctx).iter().map(|(p, _)| src.join(p)));
        }
        let mut graph = load::load_graph(&tools.ctx, Some(&mods), &load_roots)?;
        godebug::check_directives(&godebug_table, &graph.packages, tools.tc.minor)?;
        graph.roots.truncate(roots.len());
        let main = match req.kind {
            OutputKind::Binary => {
                let main_pkg = &graph.packages[graph.roots[0]];
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
                graph.roots[0]
            }
            OutputKind::CArchive => {
                let single_main = graph.roots.len() == 1 && graph.packages[graph.roots[0]].name == "main";
                if single_main {
                    graph.roots[0]
                } else {
                    let dir = req.base.join(format!("{}-main", req.name));
                    synthesize_main(&mut graph, &tools.ctx, &dir, &mods.main_ref(main_module))?
                }
            }
        };
        let main_pkg = &graph.packages[main];
        // A standard main package (a command of $GOROOT/src/cmd) has no
        // module and no VCS stamp (`load.setBuildInfo`: `!p.Standard`).
        let vcs = if main_pkg.standard {
            None
        } else {
            let main_mod_path = main_pkg.module.as_ref().map_or(main_module.path.as_str(), |m| m.path.as_str());
            self.vcs_stamp(&tools.tc, &roots[0], &main_module.dir, main_mod_path)?
        };
        // -pgo=auto looks beside the main package (a generated one has none).
        let pgo = load::pgo::select(&self.pgo_mode(req), &main_pkg.dir)?;
        // pkg-config runs here, before planning (which runs nothing).
        let cgo = graph.packages.iter().map(|p| cgo::package_flags(&tools.ctx, &self.env, p)).collect::<Result<_>>()?;
        Ok(Loaded { mods, graph, main, vcs, pgo, cgo })
    }

    /// Link-time settings: DefaultGODEBUG and build info, as cmd/go computes
    /// them, the external linker and the macOS minimum version.
    fn link_settings(&self, req: &Request<'_>, tools: &Tools, loaded: &Loaded) -> Result<LinkSettings> {
        let (tc, ctx, mods) = (&tools.tc, &tools.ctx, &loaded.mods);
        let main_pkg = &loaded.graph.packages[loaded.main];
        let table_path = godebug_table(tc);
        let table_text = std::fs::read_to_string(&table_path).map_err(|e| Error::io("read", &table_path, e))?;
        let table = godebug::parse_table(&table_text)?;
        let mut directives = mods.godebug_settings();
        directives.extend(main_pkg.go_debug.iter().cloned());
        let godebug_default = godebug::default_godebug(&table, mods.godebug_go_line(), &directives, tc.minor)
            .map_err(|e| e.context(format!("computing DefaultGODEBUG for {}", main_pkg.import_path)))?;
        let cgo_env = ["CGO_CFLAGS", "CGO_CPPFLAGS", "CGO_CXXFLAGS", "CGO_LDFLAGS"].map(|k| {
            (k.to_string(), if req.cgo_enabled { self.env.var(k).unwrap_or_default() } else { String::new() })
        });
        let mut settings = buildinfo::settings(&buildinfo::SettingsInput {
            buildmode: req.mode.info_name().to_string(),
            race: req.race,
            // `setBuildInfo` records -cover since Go 1.23.
            cover: req.cover && tc.minor >= 23,
            gcflags: req.goflags.gcflags.raw().map(str::to_string),
            // What `go build -ldflags` would have been given (recorded only
            // without -trimpath, as cmd/go does).
            ldflags: Some(req.ldflags()),
            tags: self.cfg.tags.clone(),
            trimpath: self.cfg.trimpath,
            default_godebug: godebug_default.clone(),
            cgo_enabled: ctx.cgo_enabled,
            cgo_env,
            goarch: ctx.goarch.clone(),
            goexperiment: ctx.goexperiment_env.clone(),
            goos: ctx.goos.clone(),
            arch_level: ctx.arch_level.clone(),
        });
        let main_module = &mods.mains[0];
        let main_mod_path = main_pkg.module.as_ref().map_or_else(|| main_module.path.clone(), |m| m.path.clone());
        if let Some(stamp) = &loaded.vcs {
            settings.extend(stamp.settings.iter().cloned());
        }
        if let Some(p) = &loaded.pgo {
            load::pgo::add_setting(&mut settings, load::pgo::setting_value(&p.path, self.cfg.trimpath), tc.minor);
        }
        let info = buildinfo::BuildInfo {
            go_version: tc.version.clone(),
            path: main_pkg.import_path.clone(),
            main: (!main_pkg.standard).then(|| buildinfo::ModuleInfo {
                path: main_mod_path.clone(),
                version: loaded.vcs.as_ref().and_then(|v| v.main_version.clone()).unwrap_or_else(|| "(devel)".into()),
                sum: String::new(),
                replace: None,
            }),
            deps: buildinfo::deps(loaded.graph.packages.iter().filter_map(|p| p.module.as_ref()), &main_mod_path),
            settings,
        };
        Ok(LinkSettings {
            godebug_default,
            modinfo: buildinfo::modinfo_line(&info.to_text()),
            ext: tools.ctool.as_ref().map(|c| c.ext_link(req.kind == OutputKind::CArchive)),
            macos_min: self.macos_min(ctx)?,
        })
    }

    /// `-n`: the plan's commands on stderr, nothing run or written.
    fn print_plan(&self, req: &Request<'_>, plan: &plan::Plan) -> Artifact {
        for line in plan.commands() {
            to_stderr!("{line}");
        }
        Artifact {
            path: req.out_path.clone(),
            header: req.header_path.clone(),
            rust_bindings: req.rs_path.clone(),
            link_flags: Vec::new(),
            stats: Stats::default(),
            no_op: false,
            remote_warning: None,
        }
    }

    fn setup<'t>(&self, req: &'t Request<'t>, tools: &'t Tools) -> Setup<'t> {
        Setup {
            req,
            tc: &tools.tc,
            tool_id: &tools.tool_id,
            ctx: &tools.ctx,
            ctool: tools.ctool.as_ref(),
            threads: tools.jobs.threads,
            pgo: None,
        }
    }

    /// Runs the plan: builds, links and installs the output (the install
    /// checks the output's SHA-256). A failure caused by a damaged cache
    /// entry (a tool rejecting a cached input, a hash mismatch) removes the
    /// entry; the plan then runs again, which rebuilds it. Each retry needs
    /// newly found damage, so this ends.
    fn execute(&self, req: &Request<'_>, tools: &Tools, plan: &plan::Plan) -> Result<Stats> {
        let cache = &tools.cache;
        let trace = self.cfg.commands == Commands::Print;
        let progress = self.cfg.progress.0.as_ref();
        let executor = Executor { cache, jobs: &tools.jobs, out: &self.out, trace, progress };
        let mut tries = 0;
        loop {
            let damage_before = cache.damage_seen();
            match executor.run(plan) {
                Ok(stats) => return Ok(stats),
                Err(e) => {
                    cache.audit_used();
                    tries += 1;
                    if cache.damage_seen() == damage_before {
                        return Err(if tries == 1 {
                            e
                        } else {
                            e.context(format!(
                                "building again after removing damaged entries from the cache {}",
                                cache.root().display()
                            ))
                        });
                    }
                    if tries == 3 {
                        return Err(
                            e.context(format!("the cache {} keeps yielding damaged entries", cache.root().display()))
                        );
                    }
                    if debug_enabled() {
                        to_stderr!("go-link-build: {}: damaged cache entries were removed; building again", req.name);
                    }
                }
            }
        }
    }

    /// Trims the cache, waits for the remote cache, writes the C header and
    /// bindings, tells cargo what to watch and how to link, and writes the
    /// stamp of this build: every input outside GOROOT, GOROOT's VERSION and
    /// tools, and every variable read.
    #[allow(unused_mut, unused_variables)] // `tools` and `stats` are changed only with the remote cache
    fn finish(
        &self,
        req: &Request<'_>,
        tools: &mut Tools,
        loaded: &Loaded,
        started: u128,
        mut stats: Stats,
    ) -> Result<Artifact> {
        let cache = &tools.cache;
        // Sweep dead builds' temp dirs; trim unused entries at most daily.
        let trimmed = cache.maybe_trim();
        if debug_enabled() && trimmed != cache::trim::Trimmed::default() {
            to_stderr!("go-link-build: cache {}: trimmed {trimmed:?}", cache.root().display());
        }
        // The output is in place; now wait for the uploads.
        #[cfg(feature = "remote-cache")]
        let remote_warning = {
            let (remote_stats, warning) = tools.remote.finish();
            stats.remote = remote_stats;
            warning
        };
        #[cfg(not(feature = "remote-cache"))]
        let remote_warning = None;

        let (tc, ctx, graph) = (&tools.tc, &tools.ctx, &loaded.graph);
        let mut st = Stamp { fingerprint: req.fingerprint.clone(), started, ..Stamp::default() };
        let mut directives: Vec<Directive> = Vec::new();
        let applied = settings::Applied {
            explicit_target: self.cfg.target.is_some(),
            triple: &req.rust_target.triple,
            goos: &req.go_target.goos,
            goarch: &req.go_target.goarch,
            cgo: req.cgo_enabled,
            c_archive: req.kind == OutputKind::CArchive,
        };
        directives.extend(
            settings::unapplied(&self.env, &applied)
                .into_iter()
                .map(|w| Directive::Warning(format!("go-link-build: {w}"))),
        );
        let mut inputs: Vec<PathBuf> = Vec::new();
        // A generated main package lives in OUT_DIR: never an input.
        for pkg in graph.packages.iter().filter(|p| !p.standard && !p.dir.starts_with(&req.out_dir)) {
            let lists = [
                &pkg.go_files,
                &pkg.cgo_files,
                &pkg.ignored_go_files,
                &pkg.s_files,
                &pkg.h_files,
                &pkg.c_files,
                &pkg.cxx_files,
                &pkg.m_files,
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
        // go.mod, go.sum, go.work, go.work.sum, vendor/modules.txt, replacement go.mod files.
        inputs.extend(loaded.mods.inputs.iter().cloned());
        inputs.extend(self.env.go_env_path());
        inputs.extend(loaded.vcs.iter().flat_map(|v| v.watch.iter().cloned()));
        inputs.extend(loaded.pgo.iter().map(|p| p.path.clone()));
        inputs.sort();
        inputs.dedup();
        for p in &inputs {
            directives.push(Directive::RerunIfChanged(p.clone()));
            st.add_file(p);
        }
        directives.push(Directive::RerunIfChanged(tc.version_file()));
        st.add_file(&tc.version_file());
        for tool in [toolchain::Tool::Compile, toolchain::Tool::Asm, toolchain::Tool::Link, toolchain::Tool::Cgo] {
            st.add_file(&tc.tool(tool));
        }
        st.add_file(&godebug_table(tc));
        if loaded.pgo.is_some() && load::pgo::preprocesses(tc.minor) {
            st.add_file(&tc.tool(toolchain::Tool::Preprofile));
        }
        if req.cover {
            st.add_file(&tc.tool(toolchain::Tool::Cover));
        }
        let mut link_flags = Vec::new();
        match req.kind {
            OutputKind::Binary => {
                directives.push(Directive::RustcEnv(
                    format!("GO_LINK_BUILD_BIN_{}", req.env_name),
                    req.out_path.display().to_string(),
                ));
            }
            OutputKind::CArchive => {
                // The plan wrote it.
                let header = req.header_path.as_ref().ok_or_else(|| internal("a C archive without a header path"))?;
                if let Some(rs) = &req.rs_path {
                    let complex =
                        bindings::complex_abi_is_struct(&ctx.goarch, ctx.arch_level.as_ref().map(|l| l.1.as_str()));
                    for w in bindings::write(header, rs, &format!("{}/{}", ctx.goos, ctx.goarch), complex)? {
                        directives.push(Directive::Warning(format!("go-link-build: {w}")));
                    }
                    directives.push(Directive::RustcEnv(
                        format!("GO_LINK_BUILD_RS_{}", req.env_name),
                        rs.display().to_string(),
                    ));
                }
                let lib_dir = req.out_path.parent().unwrap_or(&req.base);
                directives.push(Directive::LinkSearchNative(lib_dir.to_path_buf()));
                directives.push(Directive::LinkLib(format!("static={}", req.name)));
                if let Some(dir) = header.parent() {
                    directives.push(Directive::Include(dir.to_path_buf()));
                }
                link_flags = cgo_link_flags(&loaded.cgo, ctx);
                directives.extend(link_directives(&link_flags));
            }
        }
        for (var, value) in self.env.read_vars() {
            directives.push(Directive::RerunIfEnvChanged(var.clone()));
            st.env.push((var, value));
        }
        for d in &directives {
            self.out.print(d);
        }
        st.directives = directives;
        st.link_flags = link_flags.clone();
        st.add_output(&req.out_path);
        for h in req.header_path.iter().chain(&req.rs_path) {
            st.add_output(h);
        }
        st.write(&req.stamp_path)?;
        if debug_enabled() {
            to_stderr!(
                "go-link-build: {}: {} packages cached, {} compiled, linked: {}",
                req.name,
                stats.cached,
                stats.compiled,
                stats.linked
            );
        }
        Ok(Artifact {
            path: req.out_path.clone(),
            header: req.header_path.clone(),
            rust_bindings: req.rs_path.clone(),
            link_flags,
            stats,
            no_op: false,
            remote_warning,
        })
    }

    /// The one-Go-runtime rule: a crate that links a Go C archive declares
    /// `links = "go-runtime"`, so cargo itself refuses a dependency graph
    /// with two of them, at resolve time, with a clear message.
    fn check_one_runtime(&self) -> Result<()> {
        if !self.cfg.cargo_metadata || !self.cfg.runtime_links_check {
            return Ok(());
        }
        match self.env.cargo_var("CARGO_MANIFEST_LINKS") {
            Some(v) if v == RUNTIME_LINKS => Ok(()),
            other => Err(Error::new(
                ErrorKind::Config,
                format!(
                    "a crate that links a Go C archive must declare `links = \"{RUNTIME_LINKS}\"` in the [package] section of its Cargo.toml{}.\n\
                     A program can hold only one Go runtime (golang/go#49256); the `links` key makes cargo refuse, at build time, \
                     a dependency graph with two Go archives. Put all Go packages into one archive with several Build::package calls.\n\
                     If this crate is the only one in the final program that links Go (for example one of several independent \
                     binaries in a workspace), call Build::runtime_links_check(false) instead.",
                    match other {
                        Some(v) => format!(" (it declares `links = \"{v}\"`)"),
                        None => String::new(),
                    }
                ),
            )),
        }
    }

    /// `MACOSX_DEPLOYMENT_TARGET` for a darwin link, checked the way the Go
    /// linker's `-macos` parses it (up to three numbers 0–255).
    fn macos_min(&self, ctx: &context::BuildContext) -> Result<Option<String>> {
        if ctx.goos != "darwin" {
            return Ok(None);
        }
        let Some(v) = self.env.var("MACOSX_DEPLOYMENT_TARGET") else { return Ok(None) };
        let parts: Vec<&str> = v.split('.').collect();
        if parts.len() > 3 || parts.iter().any(|p| p.parse::<u8>().is_err()) {
            return Err(Error::new(
                ErrorKind::Config,
                format!("MACOSX_DEPLOYMENT_TARGET={v} is not a macOS version like 11.0 or 10.15.7"),
            ));
        }
        Ok(Some(v))
    }

    /// Module settings from the environment (each read is reported to cargo).
    fn mod_settings(&self, cache: &cache::Cache) -> modload::ModSettings {
        let modcache = self.env.go_var("GOMODCACHE").map(PathBuf::from).or_else(|| {
            let gopath = self
                .env
                .go_var("GOPATH")
                .map(PathBuf::from)
                .or_else(|| self.env.var("HOME").map(|h| Path::new(&h).join("go")))?;
            // GOPATH is a list; the module cache lives in its first entry.
            let first = std::env::split_paths(gopath.as_os_str()).next()?;
            Some(first.join("pkg").join("mod"))
        });
        let goflags = self.env.go_var("GOFLAGS").unwrap_or_default();
        modload::ModSettings {
            mod_flag: modload::ModSettings::mod_flag_of(&goflags),
            modcache_rw: modload::ModSettings::modcache_rw_of(&goflags),
            gowork: self.env.go_var("GOWORK"),
            modcache,
            goproxy: self.env.go_var("GOPROXY"),
            verdicts: Some(cache.root().join("modverify")),
            own_modcache: Some(cache.root().join("modcache")),
        }
    }

    /// The remote cache of this build, from `Build::remote_cache` or
    /// `GO_LINK_BUILD_REMOTE_CACHE` (none of its settings is recorded: see
    /// `Env::unrecorded_var`). A configuration problem is the build's one
    /// remote-cache warning.
    #[cfg(feature = "remote-cache")]
    fn remote_run(&self) -> RemoteRun {
        let mut run = RemoteRun { remote: None, problem: None, out: self.out.clone(), done: false };
        let Some(url) =
            self.cfg.remote_cache.0.clone().or_else(|| self.env.unrecorded_var("GO_LINK_BUILD_REMOTE_CACHE"))
        else {
            return run;
        };
        let mode = self.env.unrecorded_var("GO_LINK_BUILD_REMOTE_CACHE_MODE");
        let headers = self.env.unrecorded_var("GO_LINK_BUILD_REMOTE_CACHE_HEADERS");
        match remote::Config::parse(&url, mode.as_deref(), headers.as_deref()).and_then(|c| remote::Remote::new(&c)) {
            Ok(r) => run.remote = Some(r),
            Err(e) => run.problem = Some(format!("remote cache not used: {e}")),
        }
        run
    }

    /// What `-pgo` is: `Build::pgo`, else GOFLAGS's `-pgo`, else auto (files
    /// relative to the manifest directory).
    fn pgo_mode(&self, req: &Request<'_>) -> load::pgo::Pgo {
        use load::pgo::Pgo;
        match &self.cfg.pgo {
            Some(v) => match v.to_str() {
                Some(s) => Pgo::parse(s, &req.manifest_dir),
                None => Pgo::File(req.manifest_dir.join(v)),
            },
            None => {
                self.env.go_var("GOFLAGS").and_then(|f| Pgo::of_goflags(&f, &req.manifest_dir)).unwrap_or(Pgo::Auto)
            }
        }
    }

    /// The VCS stamp of the main package (see `vcs.rs`): `Build::buildvcs`,
    /// else GOFLAGS's `-buildvcs`, else auto.
    fn vcs_stamp(
        &self,
        tc: &toolchain::Toolchain,
        pkg_dir: &Path,
        module_dir: &Path,
        module_path: &str,
    ) -> Result<Option<vcs::Stamp>> {
        let mode = match self.cfg.buildvcs {
            Some(true) => vcs::Mode::On,
            Some(false) => vcs::Mode::Off,
            None => vcs::Mode::of_goflags(&self.env.go_var("GOFLAGS").unwrap_or_default()).unwrap_or(vcs::Mode::Auto),
        };
        if mode == vcs::Mode::Off {
            return Ok(None);
        }
        // `git` on PATH (PATH is part of the no-op fingerprint, not a reported variable).
        let path = env::passthrough("PATH").unwrap_or_default();
        let git = std::env::split_paths(&path)
            .map(|d| d.join(format!("git{}", std::env::consts::EXE_SUFFIX)))
            .find(|p| p.is_file());
        let mut git_env = Vec::new();
        for k in env::PASSTHROUGH {
            if let Some(v) = env::passthrough(k) {
                git_env.push(((*k).into(), v));
            }
        }
        vcs::stamp(&vcs::Request { mode, minor: tc.minor, pkg_dir, module_dir, module_path, git, env: git_env })
    }

    /// The build context for a target: user settings, then what the
    /// toolchain says (arch level default, enabled experiments).
    fn context(
        &self,
        req: &Request<'_>,
        tc: &toolchain::Toolchain,
        tool_id: &str,
        cache: &cache::Cache,
    ) -> Result<BuildContext> {
        let t = &req.go_target;
        let level_var = context::arch_level_var(&t.goarch);
        // An explicit GO$ARCH wins over what the Rust target implies, which
        // wins over the toolchain's default (the probe reports that one).
        let explicit = level_var.and_then(|v| self.env.var(v).map(|val| (v.to_string(), val)));
        if let Some((var, value)) = &explicit {
            // The compiler would fall back to the default level; go build refuses.
            context::check_arch_level(var, value, tc.minor).map_err(|e| {
                Error::new(ErrorKind::Config, format!("{e} ({var}={value:?} from the environment or Build::env)"))
            })?;
        }
        let level = explicit.or_else(|| t.arch_level.clone());
        let goexperiment = self.env.var("GOEXPERIMENT");
        let mut probe_env: Vec<(String, String)> =
            vec![("GOOS".into(), t.goos.clone()), ("GOARCH".into(), t.goarch.clone())];
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
            cgo_enabled: req.cgo_enabled,
            // As requested (what cmd/go records: `GOARM=7`, not the
            // compiler's `7,hardfloat`), else the toolchain's default.
            arch_level: level.or(probe.arch_level),
            experiments: probe.experiments,
            goexperiment_env: goexperiment,
            go_minor: tc.minor,
            user_tags: self.cfg.tags.clone(),
            race: req.race,
            cover: req.cover,
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
    if let Some(probe) =
        cache.get_bytes(&id).and_then(|b| toolchain::parse_object_header(String::from_utf8_lossy(&b).trim()))
    {
        return Ok(probe);
    }
    let tmp = cache.temp_dir()?;
    let o = tmp.path();
    let src = o.join("probe.go");
    std::fs::write(&src, "package probe\n").map_err(|e| Error::io("write", &src, e))?;
    std::fs::write(o.join("importcfg"), "").map_err(|e| Error::io("write", &o.join("importcfg"), e))?;
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
    let header = toolchain::header_of_archive(&data)
        .ok_or_else(|| Error::new(ErrorKind::Toolchain, "the compiler wrote an archive without an object header"))?;
    let probe = toolchain::parse_object_header(&header)
        .ok_or_else(|| Error::new(ErrorKind::Toolchain, format!("unrecognised object header {header:?}")))?;
    drop(tmp);
    cache.put_bytes(&id, header.as_bytes())?;
    Ok(probe)
}

/// Adds a generated `package main` that imports every requested package, so
/// several Go packages become one C archive with one Go runtime. Returns its
/// index in the graph.
fn synthesize_main(
    graph: &mut load::Graph,
    ctx: &BuildContext,
    dir: &Path,
    main_module: &load::ModuleRef,
) -> Result<usize> {
    let mut src = String::from(
        "// Code generated by go-link-build. DO NOT EDIT.\n\n// Package main links the requested packages into one C archive.\npackage main\n\nimport (\n",
    );
    let mut imports = Vec::new();
    for &r in &graph.roots {
        let p = &graph.packages[r];
        if p.name == "main" {
            return Err(Error::new(
                ErrorKind::Config,
                format!(
                    "{} is a main package; a C archive of several packages takes library packages (their //export functions are exported all the same)",
                    p.dir.display()
                ),
            ));
        }
        src.push_str(&format!("\t_ {:?}\n", p.import_path));
        imports.push(p.import_path.clone());
    }
    src.push_str(")\n\nfunc main() {}\n");
    std::fs::create_dir_all(dir).map_err(|e| Error::io("create directory", dir, e))?;
    let file = dir.join("main.go");
    if std::fs::read_to_string(&file).ok().as_deref() != Some(src.as_str()) {
        cache::write_atomic(&file, src.as_bytes())?;
    }
    // A main package's implicit imports (`load.LinkerDeps`), which `load`
    // loaded for a C archive.
    let mut deps = graph.roots.clone();
    for (path, _) in load::linker_deps(ctx) {
        let dep = graph.packages.iter().position(|p| p.standard && p.import_path == path).ok_or_else(|| {
            Error::new(ErrorKind::Load, format!("the package graph has no {path} package (a go-link-build bug)"))
        })?;
        deps.push(dep);
    }
    deps.sort();
    deps.dedup();
    graph.packages.push(load::Package {
        import_path: format!("{}/go-link-build-main", main_module.path),
        name: "main".into(),
        dir: dir.to_path_buf(),
        module: Some(main_module.clone()),
        go_files: vec!["main.go".into()],
        imports: imports.clone(),
        import_pos: imports.iter().map(|i| (i.clone(), "main.go:1".to_string())).collect(),
        deps,
        ..load::Package::default()
    });
    Ok(graph.packages.len() - 1)
}

/// The link flags a C archive needs, from the `#cgo LDFLAGS` (and pkg-config
/// libraries) of every package in it, in package order, without the
/// compiler-only defaults (`-O2 -g`) and without repeats.
fn cgo_link_flags(cgo: &[Option<cgoflags::CgoFlags>], ctx: &BuildContext) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for flags in cgo.iter().flatten() {
        let mut it = flags.ldflags.iter();
        while let Some(f) = it.next() {
            let keep = if f == "-framework" {
                if let Some(name) = it.next() {
                    let pair = format!("-framework {name}");
                    if !out.contains(&pair) {
                        out.push(pair);
                    }
                }
                continue;
            } else {
                f.starts_with("-l")
                    || f.starts_with("-L")
                    || f.starts_with("-Wl,")
                    || f == "-pthread"
                    || f.ends_with(".a")
            };
            if keep && !out.contains(f) {
                out.push(f.clone());
            }
        }
    }
    // The Go runtime in an archive uses threads on every Unix.
    if ctx.goos != "windows" && !out.iter().any(|f| f == "-lpthread" || f == "-pthread") {
        out.push("-lpthread".into());
    }
    out
}

/// Turns link flags into cargo directives.
fn link_directives(flags: &[String]) -> Vec<Directive> {
    let mut out = Vec::new();
    for f in flags {
        if let Some(lib) = f.strip_prefix("-l") {
            out.push(Directive::LinkLib(lib.to_string()));
        } else if let Some(dir) = f.strip_prefix("-L") {
            out.push(Directive::LinkSearchNative(dir.into()));
        } else if let Some(fw) = f.strip_prefix("-framework ") {
            out.push(Directive::LinkLib(format!("framework={fw}")));
        } else if f == "-pthread" {
            out.push(Directive::LinkLib("pthread".into()));
        } else {
            out.push(Directive::LinkArg(f.clone()));
        }
    }
    out
}

/// The table of GODEBUG settings and their defaults, read for DefaultGODEBUG.
fn godebug_table(tc: &toolchain::Toolchain) -> PathBuf {
    tc.goroot.join("src/internal/godebugs/table.go")
}

/// Wall time of each phase of a build, printed at `GO_LINK_BUILD_DEBUG=1`
/// when the build ends (where an edit rebuild spends its time).
struct PhaseTimes<'a> {
    name: &'a str,
    last: Option<std::time::Instant>,
    text: String,
}

impl<'a> PhaseTimes<'a> {
    fn new(name: &'a str) -> PhaseTimes<'a> {
        PhaseTimes { name, last: debug_enabled().then(std::time::Instant::now), text: String::new() }
    }

    fn done(&mut self, phase: &str) {
        if let Some(last) = self.last {
            let now = std::time::Instant::now();
            let sep = if self.text.is_empty() { "" } else { ", " };
            self.text.push_str(&format!("{sep}{phase} {:.1} ms", (now - last).as_secs_f64() * 1000.0));
            self.last = Some(now);
        }
    }
}

impl Drop for PhaseTimes<'_> {
    fn drop(&mut self) {
        if self.last.is_some() {
            to_stderr!("go-link-build: {}: {}", self.name, self.text);
        }
    }
}

fn now_nanos() -> u128 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0)
}

fn internal(what: &str) -> Error {
    Error::new(ErrorKind::Config, format!("internal error in go-link-build: {what}"))
}
