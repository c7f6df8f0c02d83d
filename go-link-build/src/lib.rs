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
//! | `GOGC`, `GOMEMLIMIT` | passed to the Go tools (default: compile `GOGC=off` up to a share of the memory, link `GOGC=400`) |
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
mod session;
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

use request::OutputKind;
use session::Session;

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
