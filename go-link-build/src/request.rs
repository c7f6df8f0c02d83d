//! The build request: a [`Build`](crate::Build) configuration resolved once,
//! against the environment, into the values every later phase borrows.
//!
//! Resolving reads the environment (through [`Env`], so every variable is
//! reported to cargo) and nothing else: no process, no file but one stat
//! (the anchor of relative `-gcflags` patterns). Everything a
//! phase needs from the user's configuration is a field here; no phase
//! copies settings into a request of its own.

use std::path::{Path, PathBuf};

use crate::cache::KeyBuilder;
use crate::env::Env;
use crate::error::{Error, ErrorKind, Result};
use crate::goflags::GoFlags;
use crate::target::{self, GoTarget, RustTarget};
use crate::tools::BuildMode;
use crate::Build;

/// What a build produces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum OutputKind {
    Binary,
    CArchive,
}

impl OutputKind {
    pub(crate) fn label(self) -> &'static str {
        match self {
            OutputKind::Binary => "binary",
            OutputKind::CArchive => "c_archive",
        }
    }

    pub(crate) fn build_mode(self) -> BuildMode {
        match self {
            OutputKind::Binary => BuildMode::Exe,
            OutputKind::CArchive => BuildMode::CArchive,
        }
    }
}

/// One resolved build request.
#[derive(Debug)]
pub(crate) struct Request<'a> {
    /// The configuration as the user wrote it (for what needs no resolving).
    pub cfg: &'a Build,
    pub kind: OutputKind,
    pub mode: BuildMode,
    /// The output name (`hello`).
    pub name: String,
    /// `name` as an environment-variable suffix (`HELLO`).
    pub env_name: String,
    pub out_dir: PathBuf,
    /// `$OUT_DIR/go-link-build`.
    pub base: PathBuf,
    /// The program or archive.
    pub out_path: PathBuf,
    /// The C archive's header.
    pub header_path: Option<PathBuf>,
    /// The Rust bindings generated from the header (`Build::rust_bindings`).
    pub rs_path: Option<PathBuf>,
    pub stamp_path: PathBuf,
    /// The fingerprint of the request for the no-op stamp.
    pub fingerprint: String,
    /// Where relative package directories are resolved.
    pub manifest_dir: PathBuf,
    pub triple: String,
    pub host: String,
    pub rust_target: RustTarget,
    pub go_target: GoTarget,
    pub cgo_enabled: bool,
    /// Worker count without a jobserver (`Build::jobs`, else `NUM_JOBS`).
    pub jobs: Option<usize>,
    /// `-gcflags`/`-ldflags`: GOFLAGS's, then `Build::gcflags`/`ldflags`, checked.
    pub goflags: GoFlags,
    /// `Build::race`: `-race` on every compile and the link, `runtime/race` linked.
    pub race: bool,
    /// `Build::cover`: the main module's packages through `go tool cover`, `runtime/coverage` linked.
    pub cover: bool,
}

impl<'a> Request<'a> {
    pub(crate) fn resolve(cfg: &'a Build, env: &Env, kind: OutputKind, name: &str) -> Result<Request<'a>> {
        check_name(name)?;
        let out_dir = out_dir(cfg, env)?;
        let manifest_dir = manifest_dir(cfg, env);
        // Relative flag patterns (`./cmd/...=-N`) are matched against package
        // directories, which the loader has canonicalized: so is their anchor.
        // (The one file-system call of resolving: a stat of the directory.)
        let flags_cwd = std::fs::canonicalize(&manifest_dir).unwrap_or_else(|_| manifest_dir.clone());
        let goflags = GoFlags::resolve(env.go_var("GOFLAGS").as_deref(), &cfg.gcflags, &cfg.ldflags, &flags_cwd)
            .map_err(|e| Error::new(ErrorKind::Config, e))?;
        let rust_target = rust_target(cfg, env);
        let triple = rust_target.triple.clone();
        let go_target = target::go_target(&rust_target)?;
        let base = out_dir.join("go-link-build");
        let (out_path, header_path) = match kind {
            OutputKind::Binary => (base.join("bin").join(format!("{name}{}", exe_ext(&go_target.goos))), None),
            OutputKind::CArchive => {
                (base.join("lib").join(format!("lib{name}.a")), Some(base.join("include").join(format!("{name}.h"))))
            }
        };
        let rs_path = header_path.as_ref().filter(|_| cfg.rust_bindings).map(|h| h.with_extension("rs"));
        let stamp_path = base.join(format!("{name}.{}.stamp", kind.label()));
        // Everything that can change the result and that the stamp's file and
        // env lists don't cover.
        let mut k = KeyBuilder::new("stamp");
        k.line("version", env!("CARGO_PKG_VERSION"));
        k.line("config", format!("{cfg:?}"));
        if cfg.rust_bindings {
            // The generated file changes with the generator, not only with the version.
            k.line("bindings", crate::bindings::generator_id());
        }
        k.line("name", name);
        k.line("target", format!("{rust_target:?}"));
        k.line("out", out_path.display());
        k.line("manifest", manifest_dir.display());
        k.line("path", env.path().unwrap_or_default().to_string_lossy());
        let fingerprint = k.finish().hex();
        let cgo_enabled = match kind {
            OutputKind::CArchive => true,
            // The race detector's runtime is a cgo package (cmd/go: "-race requires cgo").
            OutputKind::Binary => cfg.cgo.unwrap_or(cfg.race),
        };
        Ok(Request {
            cfg,
            kind,
            mode: kind.build_mode(),
            name: name.to_string(),
            env_name: crate::docsrs::env_name(name),
            host: env.cargo_var("HOST").unwrap_or_else(|| target::host_triple().to_string()),
            out_dir,
            base,
            out_path,
            header_path,
            rs_path,
            stamp_path,
            fingerprint,
            manifest_dir,
            triple,
            rust_target,
            go_target,
            cgo_enabled,
            jobs: cfg.jobs.or_else(|| env.cargo_var("NUM_JOBS").and_then(|n| n.parse().ok())),
            goflags,
            race: cfg.race,
            cover: cfg.cover,
        })
    }

    /// Checks what only a full build needs to know (the no-op path never
    /// gets here): the package count and, for a C archive, cgo.
    pub(crate) fn check(&self) -> Result<()> {
        if self.kind == OutputKind::CArchive && self.cfg.cgo == Some(false) {
            return Err(Error::new(
                ErrorKind::Config,
                "a C archive needs cgo (its exported functions are cgo), but Build::cgo(false) was set",
            ));
        }
        let n = self.cfg.packages.len();
        if n == 0 || self.kind == OutputKind::Binary && n != 1 {
            return Err(Error::new(
                ErrorKind::Config,
                format!(
                    "Build::{} needs {} Go package given with Build::package, but {n} were given",
                    self.kind.label(),
                    if self.kind == OutputKind::Binary { "exactly one main" } else { "at least one" },
                ),
            ));
        }
        Ok(())
    }

    /// The package directories, relative to the manifest directory.
    pub(crate) fn packages(&self) -> &[PathBuf] {
        &self.cfg.packages
    }

    /// What `go build -ldflags` would have been given, for build info: the
    /// `-s -w` of `Build::strip`, the `-X` values, then the last `-ldflags`
    /// setting as written (`PerPackageFlag.String`).
    pub(crate) fn ldflags(&self) -> String {
        self.cfg
            .strip
            .then(|| "-s -w".to_string())
            .into_iter()
            .chain(self.cfg.x.iter().map(|(k, v)| format!("-X={k}={v}")))
            .chain(self.goflags.ldflags.raw().filter(|r| !r.is_empty()).map(str::to_string))
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The cache when the per-user one is not usable: `go-link-build-cache`
    /// in cargo's target dir (or in OUT_DIR outside cargo's layout).
    pub(crate) fn target_cache_dir(&self) -> PathBuf {
        target_cache_dir(&self.out_dir)
    }
}

/// An output name must be a plain file name.
pub(crate) fn check_name(name: &str) -> Result<()> {
    if name.is_empty() || name.contains(['/', '\\']) {
        return Err(Error::new(
            ErrorKind::Config,
            format!("invalid output name {name:?}: use a plain name such as \"hello\""),
        ));
    }
    Ok(())
}

/// The program file extension of a GOOS.
pub(crate) fn exe_ext(goos: &str) -> &'static str {
    match goos {
        "windows" => ".exe",
        "wasip1" | "js" => ".wasm",
        _ => "",
    }
}

pub(crate) fn out_dir(cfg: &Build, env: &Env) -> Result<PathBuf> {
    cfg.out_dir.clone().or_else(|| env.cargo_var("OUT_DIR").map(PathBuf::from)).ok_or_else(|| {
        Error::new(ErrorKind::Config, "OUT_DIR is not set: outside a cargo build script, call Build::out_dir")
    })
}

pub(crate) fn manifest_dir(cfg: &Build, env: &Env) -> PathBuf {
    cfg.manifest_dir
        .clone()
        .or_else(|| env.cargo_var("CARGO_MANIFEST_DIR").map(PathBuf::from))
        .or_else(|| std::env::current_dir().ok())
        .unwrap_or_default()
}

/// The Rust target: cargo's `CARGO_CFG_TARGET_*` when building for cargo's
/// own `TARGET` (they describe only that one, `-C target-cpu` included),
/// else what the triple implies.
pub(crate) fn rust_target(cfg: &Build, env: &Env) -> RustTarget {
    let triple = cfg
        .target
        .clone()
        .map(|t| target::triple_for_port(&t).unwrap_or(t))
        .or_else(|| env.cargo_var("TARGET"))
        .unwrap_or_else(|| target::host_triple().to_string());
    let cargos_own = cfg.target.is_none() && env.cargo_var("TARGET").is_some();
    cargos_own
        .then(|| RustTarget::from_cargo_cfg(&triple, |k| env.cargo_var(&format!("CARGO_CFG_TARGET_{k}"))))
        .flatten()
        .unwrap_or_else(|| RustTarget::from_triple(&triple))
}

fn target_cache_dir(out_dir: &Path) -> PathBuf {
    // OUT_DIR is <target>/[<triple>/]<profile>/build/<pkg>-<hash>/out; cargo
    // marks <target> with CACHEDIR.TAG. Sharing it across profiles and
    // triples is safe: action IDs include everything that differs.
    for dir in out_dir.ancestors().skip(1) {
        if dir.join("CACHEDIR.TAG").is_file()
            && dir.join("debug").exists() | dir.join("release").exists() | dir.join(".rustc_info.json").exists()
        {
            return dir.join("go-link-build-cache");
        }
    }
    out_dir.join("go-link-build").join("cache")
}
