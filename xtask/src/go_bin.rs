//! `cargo xtask go-bin`: build the Go sidecars that workspace crates declare.
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
//! Each sidecar is built once per target (the host, or every `--target`
//! given) with cgo disabled, through go-link-build's public API, exactly as a
//! build script would call it:
//!
//! ```text
//! <target dir>/
//!     go-link-build-cache/               the action cache, shared with build scripts
//!     go-bin/
//!         <triple>/go-link-build/...     the library's out_dir for that target (binary + no-op stamp)
//!         <name>-<triple>[.exe]          the sidecar, named as Tauri's `externalBin` expects
//! ```
//!
//! Nothing declared anywhere is not an error: the command says so and exits 0.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context as _;
use serde::Deserialize;

use crate::status::{human_size, status, warning};
use crate::{Arg, Args};

/// The command line of `cargo xtask go-bin`.
#[derive(Debug, Default)]
pub(crate) struct Options {
    release: bool,
    targets: Vec<String>,
    package: Option<String>,
    manifest_path: Option<PathBuf>,
}

impl Options {
    pub(crate) fn parse(args: &[String]) -> anyhow::Result<Options> {
        let mut opts = Options::default();
        let mut it = Args::new("go-bin", args);
        while let Some(arg) = it.next_arg() {
            match arg {
                Arg::Flag("release", inline) => {
                    it.no_value("release", inline)?;
                    opts.release = true;
                }
                Arg::Flag("target", inline) => opts.targets.push(it.value("target", inline)?.to_string()),
                Arg::Flag("package", inline) => opts.package = Some(it.value("package", inline)?.to_string()),
                // For trying the command on another workspace; undocumented in the usage text.
                Arg::Flag("manifest-path", inline) => {
                    opts.manifest_path = Some(PathBuf::from(it.value("manifest-path", inline)?))
                }
                other => return Err(it.unknown(&other)),
            }
        }
        Ok(opts)
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

/// Reads the sidecars of one crate from its `package.metadata` value.
/// `Ok(vec![])` when the crate declares nothing.
fn sidecars_of(krate: &str, manifest: &str, metadata: &serde_json::Value) -> anyhow::Result<Vec<Sidecar>> {
    let Some(section) = metadata.get("go-link-build") else {
        return Ok(Vec::new());
    };
    let origin = format!("crate `{krate}` ({manifest})");
    let parsed: CrateMetadata = serde_json::from_value(section.clone())
        .with_context(|| format!("{origin}: invalid [package.metadata.go-link-build]"))?;
    let mut out = Vec::new();
    for (i, value) in parsed.sidecar.into_iter().enumerate() {
        // Name the sidecar by its `name` when it has one, else by position.
        let which = match value.get("name").and_then(|n| n.as_str()) {
            Some(name) => format!("sidecar `{name}`"),
            None => format!("sidecar #{}", i + 1),
        };
        let sidecar: Sidecar = serde_json::from_value(value)
            .with_context(|| format!("{origin}: invalid [[package.metadata.go-link-build.sidecar]] ({which})"))?;
        if sidecar.name.is_empty() || sidecar.name.contains(['/', '\\']) || sidecar.name.starts_with('.') {
            anyhow::bail!("{origin}: sidecar name {:?} must be a plain file name such as \"hello\"", sidecar.name);
        }
        if sidecar.package.as_os_str().is_empty() || sidecar.package.is_absolute() {
            anyhow::bail!(
                "{origin}: sidecar `{}` has package = {:?}; it must be a directory relative to the crate's Cargo.toml",
                sidecar.name,
                sidecar.package
            );
        }
        out.push(sidecar);
    }
    Ok(out)
}

/// The host triple, from `rustc -vV` (honouring `RUSTC`, as cargo does).
fn host_triple() -> anyhow::Result<String> {
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let out = std::process::Command::new(&rustc)
        .arg("-vV")
        .output()
        .with_context(|| format!("failed to run `{} -vV` to find the host triple", rustc.to_string_lossy()))?;
    anyhow::ensure!(
        out.status.success(),
        "`{} -vV` failed: {}",
        rustc.to_string_lossy(),
        String::from_utf8_lossy(&out.stderr).trim()
    );
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines()
        .find_map(|l| l.strip_prefix("host: "))
        .map(|h| h.trim().to_string())
        .with_context(|| format!("`{} -vV` printed no `host:` line", rustc.to_string_lossy()))
}

/// `path` relative to `base` when it is below it, for shorter status lines.
fn shown(path: &Path, base: &Path) -> String {
    path.strip_prefix(base).unwrap_or(path).display().to_string()
}

/// Copies `from` to `to` through a temporary file and a rename, so a reader
/// (a running Tauri dev build, say) never sees a half-written sidecar.
fn copy_atomic(from: &Path, to: &Path) -> anyhow::Result<()> {
    let tmp = to.with_file_name(format!(
        ".{}.tmp{}",
        to.file_name().unwrap_or_default().to_string_lossy(),
        std::process::id()
    ));
    std::fs::copy(from, &tmp).with_context(|| format!("failed to copy {} to {}", from.display(), tmp.display()))?;
    std::fs::rename(&tmp, to).with_context(|| {
        let _ = std::fs::remove_file(&tmp);
        format!("failed to rename {} to {}", tmp.display(), to.display())
    })
}

pub(crate) fn run(opts: Options) -> anyhow::Result<()> {
    let mut cmd = cargo_metadata::MetadataCommand::new();
    cmd.no_deps();
    if let Some(p) = &opts.manifest_path {
        cmd.manifest_path(p);
    }
    let metadata = cmd.exec().context("`cargo metadata` failed")?;
    let workspace_root = metadata.workspace_root.as_std_path().to_path_buf();
    let target_dir = metadata.target_directory.as_std_path().to_path_buf();

    let members = metadata.workspace_packages();
    if let Some(want) = &opts.package {
        if !members.iter().any(|p| p.name.as_str() == want.as_str()) {
            let names: Vec<&str> = members.iter().map(|p| p.name.as_str()).collect();
            anyhow::bail!("no workspace crate named `{want}` (the workspace has: {})", names.join(", "));
        }
    }

    // Read every crate's declarations first, so a typo anywhere fails before
    // anything is built.
    let mut declared: Vec<Declared> = Vec::new();
    for pkg in &members {
        if opts.package.as_deref().is_some_and(|want| want != pkg.name.as_str()) {
            continue;
        }
        let manifest_dir = pkg.manifest_path.parent().map(|d| d.as_std_path().to_path_buf()).unwrap_or_default();
        let manifest = shown(pkg.manifest_path.as_std_path(), &workspace_root);
        for sidecar in sidecars_of(pkg.name.as_str(), &manifest, &pkg.metadata)? {
            declared.push(Declared { krate: pkg.name.to_string(), manifest_dir: manifest_dir.clone(), sidecar });
        }
    }
    let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
    for d in &declared {
        if let Some(first) = seen.insert(&d.sidecar.name, &d.krate) {
            anyhow::bail!(
                "two sidecars are named `{}` (in crates `{first}` and `{}`); names must be unique because they share target/go-bin/",
                d.sidecar.name,
                d.krate
            );
        }
    }
    if declared.is_empty() {
        let where_ = match &opts.package {
            Some(p) => format!("crate `{p}`"),
            None => "any workspace crate".to_string(),
        };
        status("Finished", &format!("nothing to build: no Go sidecars are declared in {where_} (see `[[package.metadata.go-link-build.sidecar]]` in the README)"));
        return Ok(());
    }

    let mut targets: Vec<String> = Vec::new();
    let mut unique = BTreeSet::new();
    for t in &opts.targets {
        if unique.insert(t.clone()) {
            targets.push(t.clone());
        } else {
            warning(&format!("--target {t} given twice; building it once"));
        }
    }
    if targets.is_empty() {
        targets.push(host_triple()?);
    }

    let go_bin = target_dir.join("go-bin");
    let cache_dir = target_dir.join("go-link-build-cache");
    let started = Instant::now();
    for triple in &targets {
        let out_dir = go_bin.join(triple);
        for d in &declared {
            let s = &d.sidecar;
            status("Compiling", &format!("{} ({}: {}) for {triple}", s.name, d.krate, s.package.display()));
            let one = Instant::now();
            let mut build = go_link_build::Build::new();
            build
                .package(d.manifest_dir.join(&s.package))
                .out_dir(&out_dir)
                .target(triple)
                .cache_dir(&cache_dir)
                .cargo_metadata(false)
                .cargo_warnings(false)
                // The library builds pure-Go programs; say so explicitly so
                // that sidecars stay static once it learns cgo.
                .env("CGO_ENABLED", "0")
                .strip(s.strip || opts.release)
                .tags(&s.tags);
            for (k, v) in &s.ldflags_x {
                build.ldflag_x(k, v);
            }
            let art = build.try_binary(&s.name).map_err(|e| {
                anyhow::anyhow!(
                    "could not build Go sidecar `{}` (crate `{}`, package {}) for {triple}:\n{e}",
                    s.name,
                    d.krate,
                    s.package.display()
                )
            })?;

            // Tauri's naming: <name>-<triple>, keeping the library's extension
            // (.exe on Windows, .wasm for wasip1).
            let ext = art.path().extension().map(|e| format!(".{}", e.to_string_lossy())).unwrap_or_default();
            let dest = go_bin.join(format!("{}-{triple}{ext}", s.name));
            copy_atomic(art.path(), &dest)?;
            let size = std::fs::metadata(&dest).with_context(|| format!("failed to stat {}", dest.display()))?.len();
            let how = if art.was_up_to_date() {
                "up to date".to_string()
            } else {
                let st = art.stats();
                format!(
                    "{} packages compiled, {} cached, in {:.2}s",
                    st.compiled,
                    st.cached,
                    one.elapsed().as_secs_f64()
                )
            };
            status(
                "Finished",
                &format!("{} -> {} ({}; {how})", s.name, shown(&dest, &workspace_root), human_size(size)),
            );
        }
    }
    if declared.len() * targets.len() > 1 {
        status(
            "Finished",
            &format!("{} sidecar build(s) in {:.2}s", declared.len() * targets.len(), started.elapsed().as_secs_f64()),
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> anyhow::Result<Vec<Sidecar>> {
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
        let e = format!(
            "{:#}",
            parse(r#"{"go-link-build": {"sidecar": [{"name": "hello", "package": "p", "tag": ["x"]}]}}"#).unwrap_err()
        );
        assert!(
            e.contains("crate `demo`") && e.contains("sidecar `hello`") && e.contains("unknown field `tag`"),
            "{e}"
        );
        let e = format!("{:#}", parse(r#"{"go-link-build": {"sidecars": []}}"#).unwrap_err());
        assert!(e.contains("crate `demo`") && e.contains("unknown field `sidecars`"), "{e}");
        let e = format!("{:#}", parse(r#"{"go-link-build": {"sidecar": [{"package": "p"}]}}"#).unwrap_err());
        assert!(e.contains("sidecar #1") && e.contains("missing field `name`"), "{e}");
    }

    #[test]
    fn bad_names_and_paths() {
        assert!(parse(r#"{"go-link-build": {"sidecar": [{"name": "a/b", "package": "p"}]}}"#).is_err());
        assert!(parse(r#"{"go-link-build": {"sidecar": [{"name": "a", "package": "/abs"}]}}"#).is_err());
    }

    #[test]
    fn options() {
        let args: Vec<String> = ["--release=yes"].iter().map(|s| s.to_string()).collect();
        assert!(Options::parse(&args).is_err());
        let args: Vec<String> =
            ["--release", "--target", "a", "--target=b", "--package", "x"].iter().map(|s| s.to_string()).collect();
        let o = Options::parse(&args).unwrap();
        assert!(o.release);
        assert_eq!(o.targets, ["a", "b"]);
        assert_eq!(o.package.as_deref(), Some("x"));
    }
}
