//! Module resolution: which module provides an import path, and where its
//! files are.
//!
//! The sources, in cmd/go's order of precedence:
//! - the main modules (the nearest `go.mod`, or every `use` of a `go.work`);
//! - `vendor/` (`-mod=vendor`, the default when it exists and the go line is
//!   ≥ 1.14), after cmd/go's `vendor/modules.txt` consistency checks;
//! - the module cache (`GOMODCACHE`, default `$GOPATH/pkg/mod`): extracted
//!   trees, or, when a tree is missing, a `.zip` from the download cache or
//!   from a `GOPROXY=file://…` directory, checked against `go.sum` and
//!   extracted read-only.
//!
//! Nothing here touches the network: what is not on disk is reported, all at
//! once, with the command that would fetch it.
//!
//! Every module whose packages are compiled is verified against `go.sum`
//! (the `h1:` dirhash of its tree) before anything of it is compiled — which
//! `go build` does only when it downloads. The verdict is cached under a key
//! made of the tree's state (names, sizes, times, inodes), so a no-op build
//! stats files but hashes none.
//!
//! The build list: for main modules at go ≥ 1.17 (graph pruning) go.mod lists
//! every module that provides a package, at its selected version, so the
//! requirements are the build list; for older main modules, minimal version
//! selection runs over the dependencies' go.mod files from the cache.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use crate::error::{Error, ErrorKind, Result};
use crate::gomod::{self, GoMod, GoWork, Replace};
use crate::modfetch::{self, GoSum, VendorList};

fn load_error(msg: impl Into<String>) -> Error {
    Error::new(ErrorKind::Load, msg)
}

/// The module a package belongs to, as cmd/go's `Package.Module` has it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct ModuleRef {
    /// The module path.
    pub path: String,
    /// The selected version; empty for a main module.
    pub version: String,
    /// The module's go line (from its go.mod, or modules.txt); none means 1.16.
    pub go: Option<String>,
    /// The `go.sum` hash of path@version (none when replaced, vendored or main).
    pub sum: String,
    /// The replacement: (path or directory as written, version; empty for a directory).
    pub replace: Option<(String, String)>,
    /// The `go.sum` hash of the replacement module version.
    pub replace_sum: String,
    /// The module's root directory (the vendor directory for a vendored module).
    pub root: PathBuf,
    /// Whether the module's packages come from `vendor/`.
    pub vendored: bool,
}

/// The main module: the nearest go.mod above the package directories.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct MainModule {
    /// The module path.
    pub path: String,
    /// The directory holding go.mod.
    pub dir: PathBuf,
    /// The parsed go.mod.
    pub go_mod: GoMod,
}

/// Finds the main module: the nearest `go.mod` in `start_dir` or above.
pub(crate) fn find_main_module(start_dir: &Path) -> Result<MainModule> {
    for dir in start_dir.ancestors() {
        let go_mod = dir.join("go.mod");
        if go_mod.is_file() {
            let text = std::fs::read_to_string(&go_mod).map_err(|e| Error::io("read", &go_mod, e))?;
            let parsed = crate::gomod::parse_go_mod(&text, &go_mod.display().to_string())?;
            return Ok(MainModule { path: parsed.module.clone(), dir: dir.to_path_buf(), go_mod: parsed });
        }
    }
    Err(load_error(format!(
        "no go.mod in {} or any directory above it: go-link-build builds packages of a Go module; \
         create one with `go mod init example.com/name` (or write a go.mod with a `module` line)",
        start_dir.display()
    )))
}

/// `str.HasPathPrefix`: whether `s` is `prefix` or below it, by path elements.
pub(crate) fn has_path_prefix(s: &str, prefix: &str) -> bool {
    if s.len() == prefix.len() {
        return s == prefix;
    }
    if prefix.is_empty() {
        return true;
    }
    s.len() > prefix.len() && (prefix.ends_with('/') || s.as_bytes()[prefix.len()] == b'/') && s.starts_with(prefix)
}

/// Whether a directory has any `.go` file (`goroot.IsStandardPackage`'s test).
pub(crate) fn has_go_files(dir: &Path) -> bool {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return false;
    };
    rd.filter_map(|e| e.ok()).any(|e| {
        let name = e.file_name();
        name.to_string_lossy().ends_with(".go") && e.file_type().is_ok_and(|t| !t.is_dir())
    })
}

/// Why an import path could not be located.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Unlocated {
    /// A problem of this import (reported with the importing file and line).
    Import(String),
    /// A problem of a whole module (a checksum mismatch, a bad replacement):
    /// reported once, on its own.
    Module(String),
}

impl From<String> for Unlocated {
    fn from(why: String) -> Unlocated {
        Unlocated::Import(why)
    }
}

/// The settings that steer module resolution, read by the caller from the
/// environment (so that each is reported to cargo).
#[derive(Clone, Debug, Default)]
pub(crate) struct ModSettings {
    /// `-mod=` from GOFLAGS.
    pub mod_flag: Option<String>,
    /// `-modcacherw` in GOFLAGS: extracted trees keep writable directories.
    pub modcache_rw: bool,
    /// `GOWORK`: `off`, a path, or unset (search for go.work).
    pub gowork: Option<String>,
    /// The module cache: GOMODCACHE, else `$GOPATH/pkg/mod`, else `$HOME/go/pkg/mod`.
    pub modcache: Option<PathBuf>,
    /// `GOPROXY` as set (only `file://` entries are used).
    pub goproxy: Option<String>,
    /// Where to keep go.sum verification verdicts (inside the action cache).
    pub verdicts: Option<PathBuf>,
    /// Where to extract module zips when the module cache cannot take them
    /// (read-only, or none configured): inside the action cache.
    pub own_modcache: Option<PathBuf>,
}

impl ModSettings {
    /// The `-mod=` value of a GOFLAGS string.
    pub(crate) fn mod_flag_of(goflags: &str) -> Option<String> {
        goflags
            .split_whitespace()
            .rev()
            .find_map(|f| f.strip_prefix("--mod=").or_else(|| f.strip_prefix("-mod=")))
            .map(str::to_string)
    }

    /// Whether a GOFLAGS string sets `-modcacherw` (a boolean flag: bare, or `=true`).
    pub(crate) fn modcache_rw_of(goflags: &str) -> bool {
        goflags.split_whitespace().rev().find_map(|f| {
            let f = f.strip_prefix("--").or_else(|| f.strip_prefix('-'))?;
            match f {
                "modcacherw" | "modcacherw=true" => Some(true),
                "modcacherw=false" => Some(false),
                _ => None,
            }
        }) == Some(true)
    }

    /// The `file://` directories of a GOPROXY list, in order.
    fn file_proxies(goproxy: Option<&str>) -> Vec<PathBuf> {
        let Some(list) = goproxy else { return Vec::new() };
        list.split([',', '|'])
            .filter_map(|e| e.trim().strip_prefix("file://"))
            .map(|p| {
                // file:///C:/x on Windows.
                let p = if cfg!(windows) { p.trim_start_matches('/') } else { p };
                PathBuf::from(p)
            })
            .collect()
    }
}

/// How dependencies are found.
#[derive(Clone, Debug)]
enum Mode {
    /// The module cache (`-mod=readonly` or `-mod=mod`; neither changes go.mod here).
    Cache,
    /// `vendor/` of the main module.
    Vendor { dir: PathBuf, list: VendorList },
}

/// What a dependency is replaced by.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Replacement {
    /// A local directory: as written (for build info) and resolved.
    Dir { written: String, abs: PathBuf },
    /// Another module version.
    Module { path: String, version: String },
}

/// A selected dependency module.
#[derive(Clone, Debug)]
struct Dep {
    path: String,
    version: String,
    replace: Option<Replacement>,
}

/// Memoized per-module state.
#[derive(Default)]
struct State {
    /// Module root directories (after extraction), by module path.
    roots: HashMap<String, std::result::Result<PathBuf, Unlocated>>,
    /// go.sum verdicts, by module path.
    verified: HashMap<String, std::result::Result<(), Unlocated>>,
    /// go lines, by module path.
    go_lines: HashMap<String, Option<String>>,
    /// Modules needed but not on disk, as `path@version`.
    missing: BTreeSet<String>,
    /// The running Go version (`1.26.8`), once `check_go_lines` has seen it:
    /// a dependency's go line must not exceed it either.
    running_go: Option<String>,
}

/// The resolved module setting of a build.
pub(crate) struct Modules {
    /// The main modules; the first holds the requested packages.
    pub mains: Vec<MainModule>,
    /// The go.work file and its contents, in workspace mode.
    pub work: Option<(PathBuf, GoWork)>,
    mode: Mode,
    deps: BTreeMap<String, Dep>,
    sums: GoSum,
    modcache: Option<PathBuf>,
    proxies: Vec<PathBuf>,
    settings: ModSettings,
    state: RefCell<State>,
    /// Files whose change changes the resolution: go.mod, go.sum, go.work,
    /// go.work.sum, vendor/modules.txt, replacement go.mod files.
    pub inputs: Vec<PathBuf>,
}

impl Modules {
    /// Modules with only a main module and no dependencies (tests, and
    /// the loader's conformance test hooks).
    #[cfg(any(test, feature = "test-hooks"))]
    pub(crate) fn main_only(main: MainModule) -> Modules {
        Modules {
            mains: vec![main],
            work: None,
            mode: Mode::Cache,
            deps: BTreeMap::new(),
            sums: GoSum::default(),
            modcache: None,
            proxies: Vec::new(),
            settings: ModSettings::default(),
            state: RefCell::new(State::default()),
            inputs: Vec::new(),
        }
    }

    /// Resolves the module setting for packages in `start_dir`.
    pub(crate) fn load(start_dir: &Path, settings: &ModSettings) -> Result<Modules> {
        let main = find_main_module(start_dir)?;
        let mut inputs = Vec::new();
        let push_if_file = |inputs: &mut Vec<PathBuf>, p: PathBuf| {
            if p.is_file() {
                inputs.push(p);
            }
        };

        // Workspace mode.
        let work_file = match settings.gowork.as_deref() {
            Some("off") => None,
            Some(path) => {
                let p = PathBuf::from(path);
                if !p.is_absolute() {
                    return Err(load_error(format!(
                        "GOWORK={path} is not an absolute path: set it to the absolute path of a go.work file, or to `off`"
                    )));
                }
                Some(p)
            }
            None => start_dir.ancestors().map(|d| d.join("go.work")).find(|p| p.is_file()),
        };
        let mut mains = Vec::new();
        let mut work = None;
        if let Some(wf) = work_file {
            let text = std::fs::read_to_string(&wf).map_err(|e| Error::io("read", &wf, e))?;
            let parsed = gomod::parse_go_work(&text, &wf.display().to_string())?;
            let wdir = wf.parent().unwrap_or(Path::new("/")).to_path_buf();
            for u in &parsed.uses {
                let dir = wdir.join(u);
                let go_mod = dir.join("go.mod");
                let text = std::fs::read_to_string(&go_mod).map_err(|e| {
                    load_error(format!(
                        "{}: `use {u}`: cannot read {}: {e}; every directory a go.work uses must hold a go.mod",
                        wf.display(),
                        go_mod.display()
                    ))
                })?;
                let parsed_mod = gomod::parse_go_mod(&text, &go_mod.display().to_string())?;
                let dir = dir.canonicalize().map_err(|e| Error::io("resolve", &dir, e))?;
                push_if_file(&mut inputs, go_mod);
                push_if_file(&mut inputs, dir.join("go.sum"));
                mains.push(MainModule { path: parsed_mod.module.clone(), dir, go_mod: parsed_mod });
            }
            let Some(pos) = mains.iter().position(|m| m.dir == main.dir) else {
                return Err(load_error(format!(
                    "{} is in module {} ({}), which is not one of the modules the workspace {} uses; \
                     add it with `go work use {}`, or build outside the workspace with GOWORK=off",
                    start_dir.display(),
                    main.path,
                    main.dir.display(),
                    wf.display(),
                    main.dir.display()
                )));
            };
            let first = mains.remove(pos);
            mains.insert(0, first);
            inputs.push(wf.clone());
            push_if_file(&mut inputs, wdir.join("go.work.sum"));
            work = Some((wf, parsed));
        } else {
            push_if_file(&mut inputs, main.dir.join("go.mod"));
            push_if_file(&mut inputs, main.dir.join("go.sum"));
            mains.push(main);
        }

        // -mod: vendor by default when vendor/ exists and the go line is ≥ 1.14.
        let go_line = match &work {
            Some((_, w)) => w.go.clone(),
            None => mains[0].go_mod.go.clone(),
        };
        let vendor_dir = match &work {
            Some((wf, _)) => wf.parent().unwrap_or(Path::new("/")).join("vendor"),
            None => mains[0].dir.join("vendor"),
        };
        let mode_name = match settings.mod_flag.as_deref() {
            Some(m @ ("mod" | "readonly" | "vendor")) => m.to_string(),
            Some(other) => {
                return Err(load_error(format!(
                    "GOFLAGS has -mod={other}: the valid values are mod, readonly and vendor"
                )))
            }
            // (Workspaces have a vendor directory from go 1.22.)
            None if vendor_dir.is_dir() && go_at_least(go_line.as_deref(), if work.is_some() { 22 } else { 14 }) => {
                "vendor".into()
            }
            None => "readonly".into(),
        };
        let mode = if mode_name == "vendor" {
            let txt = vendor_dir.join("modules.txt");
            let list = match std::fs::read_to_string(&txt) {
                Ok(text) => VendorList::parse(&text, &txt.display().to_string())?,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    VendorList { workspace: work.is_some(), ..VendorList::default() }
                }
                Err(e) => return Err(Error::io("read", &txt, e)),
            };
            match &work {
                Some((wf, w)) => {
                    let wdir = wf.parent().unwrap_or(Path::new("/"));
                    if !list.workspace {
                        return Err(load_error(format!(
                            "{} was written by `go mod vendor` for one module, but {} makes this a workspace: \
                             run `go work vendor` in {}, or build with GOWORK=off",
                            txt.display(),
                            wf.display(),
                            wdir.display()
                        )));
                    }
                    let merged = workspace_go_mod(&mains, wdir, w);
                    modfetch::check_vendor_consistency(&merged, &list, wdir, true)?;
                }
                None => {
                    if list.workspace {
                        return Err(load_error(format!(
                            "{} was written by `go work vendor`, but no go.work applies here: run `go mod vendor` \
                             in {}, or build from the workspace",
                            txt.display(),
                            mains[0].dir.display()
                        )));
                    }
                    modfetch::check_vendor_consistency(&mains[0].go_mod, &list, &mains[0].dir, false)?;
                }
            }
            push_if_file(&mut inputs, txt);
            Mode::Vendor { dir: vendor_dir, list }
        } else {
            Mode::Cache
        };

        // go.sum of every main module, and go.work.sum.
        let mut sums = GoSum::default();
        let mut sum_files: Vec<PathBuf> = mains.iter().map(|m| m.dir.join("go.sum")).collect();
        if let Some((wf, _)) = &work {
            sum_files.push(wf.with_file_name("go.work.sum"));
        }
        for f in sum_files {
            match std::fs::read_to_string(&f) {
                Ok(text) => sums.merge(GoSum::parse(&text, &f.display().to_string())?),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(Error::io("read", &f, e)),
            }
        }

        let mut mods = Modules {
            mains,
            work,
            mode,
            deps: BTreeMap::new(),
            sums,
            modcache: settings.modcache.clone(),
            proxies: ModSettings::file_proxies(settings.goproxy.as_deref()),
            settings: settings.clone(),
            state: RefCell::new(State::default()),
            inputs,
        };
        if matches!(mods.mode, Mode::Cache) {
            mods.deps = mods.build_list()?;
            for dep in mods.deps.values() {
                if let Some(Replacement::Dir { abs, .. }) = &dep.replace {
                    push_if_file(&mut mods.inputs, abs.join("go.mod"));
                }
            }
        }
        mods.inputs.sort();
        mods.inputs.dedup();
        Ok(mods)
    }

    /// gover.TooNewError, as modload.ReadModFile and loadWorkFile raise it: a
    /// go.work or main module go.mod whose go line is newer than the Go
    /// release that builds it. (cmd/go would switch toolchains, downloading
    /// one; go-link-build uses the installation it was given, like
    /// GOTOOLCHAIN=local.) `toolchain_version` is `$GOROOT/VERSION`'s `go1.26.8`.
    pub(crate) fn check_go_lines(&self, toolchain_version: &str) -> Result<()> {
        let running = toolchain_version.split_whitespace().next().unwrap_or("");
        let running = running.strip_prefix("go").unwrap_or(running);
        let mut files: Vec<(PathBuf, Option<&str>)> = Vec::new();
        if let Some((wf, w)) = &self.work {
            files.push((wf.clone(), w.go.as_deref()));
        }
        for m in &self.mains {
            files.push((m.dir.join("go.mod"), m.go_mod.go.as_deref()));
        }
        self.state.borrow_mut().running_go = Some(running.to_string());
        for (file, go) in files {
            let Some(go) = go else { continue };
            if let Some(e) = too_new(&file.display().to_string(), go, running, "lower the go line") {
                return Err(Error::new(ErrorKind::Toolchain, e));
            }
        }
        Ok(())
    }

    /// cmd/go's check of a dependency's go line (`modfetch.Download` in
    /// modfetch/fetch.go, `rawGoModSummary` in modload/modfile.go, and
    /// modules.txt's `## go` annotation in modload/vendor.go): newer than the
    /// running Go is a `TooNewError` naming the module (`what`: the
    /// replacement when there is one, as cmd/go reads the replacement's go.mod).
    fn check_dep_go_line(&self, what: &str, go: Option<&str>) -> std::result::Result<(), Unlocated> {
        let running = self.state.borrow().running_go.clone();
        match (go, running) {
            (Some(go), Some(running)) => match too_new(what, go, &running, "require an older version of it") {
                Some(e) => Err(Unlocated::Module(e)),
                None => Ok(()),
            },
            _ => Ok(()),
        }
    }

    /// The go line that drives DefaultGODEBUG: go.work's in a workspace.
    pub(crate) fn godebug_go_line(&self) -> Option<&str> {
        match &self.work {
            Some((_, w)) => w.go.as_deref(),
            None => self.mains[0].go_mod.go.as_deref(),
        }
    }

    /// The `godebug` settings of go.work (workspace) or the main go.mod.
    pub(crate) fn godebug_settings(&self) -> Vec<(String, String)> {
        match &self.work {
            Some((_, w)) => w.godebug.clone(),
            None => self.mains[0].go_mod.godebug.clone(),
        }
    }

    /// The `godebug` settings cmd/go checks as it loads the modules
    /// (modload.loadWorkFile, loadModFile): go.work's in a workspace, else
    /// the main go.mod's; each with the `/abs/go.mod:LINE` it is on.
    pub(crate) fn godebug_lines(&self) -> Vec<(String, &str, &str)> {
        let (file, settings, lines) = match &self.work {
            Some((f, w)) => (f.clone(), &w.godebug, &w.godebug_lines),
            None => {
                (self.mains[0].dir.join("go.mod"), &self.mains[0].go_mod.godebug, &self.mains[0].go_mod.godebug_lines)
            }
        };
        settings
            .iter()
            .zip(lines)
            .map(|((k, v), line)| (format!("{}:{line}", file.display()), k.as_str(), v.as_str()))
            .collect()
    }

    /// The replacement for `path@version`: go.work's first, then the main
    /// modules'; a versioned `replace` beats a wildcard one.
    fn replacement(&self, path: &str, version: &str) -> Option<Replacement> {
        let mut sources: Vec<(&[Replace], PathBuf)> = Vec::new();
        if let Some((wf, w)) = &self.work {
            sources.push((&w.replace, wf.parent().unwrap_or(Path::new("/")).to_path_buf()));
        }
        for m in &self.mains {
            sources.push((&m.go_mod.replace, m.dir.clone()));
        }
        for (list, base) in sources {
            let exact = list.iter().find(|r| r.old_path == path && r.old_version.as_deref() == Some(version));
            let any = list.iter().find(|r| r.old_path == path && r.old_version.is_none());
            if let Some(r) = exact.or(any) {
                return Some(match &r.new_version {
                    Some(v) => Replacement::Module { path: r.new_path.clone(), version: v.clone() },
                    None => Replacement::Dir { written: r.new_path.clone(), abs: base.join(&r.new_path) },
                });
            }
        }
        None
    }

    fn is_main_path(&self, path: &str) -> bool {
        self.mains.iter().any(|m| m.path == path)
    }

    /// The selected dependency versions.
    fn build_list(&self) -> Result<BTreeMap<String, Dep>> {
        let excluded = |path: &str, version: &str| {
            self.mains.iter().any(|m| m.go_mod.exclude.iter().any(|(p, v)| p == path && v == version))
        };
        let mut selected: BTreeMap<String, String> = BTreeMap::new();
        let select = |selected: &mut BTreeMap<String, String>, p: &str, v: &str| {
            let e = selected.entry(p.to_string()).or_insert_with(|| v.to_string());
            if compare_versions(v, e) == std::cmp::Ordering::Greater {
                *e = v.to_string();
            }
        };
        let pruned = self.mains.iter().all(|m| go_at_least(m.go_mod.go.as_deref(), 17));
        let mut queue: Vec<(String, String)> = Vec::new();
        for m in &self.mains {
            for (p, v) in &m.go_mod.require {
                if self.is_main_path(p) {
                    continue;
                }
                modfetch::check(p, v).map_err(|e| e.context(format!("{}/go.mod: require {p} {v}", m.dir.display())))?;
                if excluded(p, v) {
                    return Err(load_error(format!(
                        "{}/go.mod requires {p} {v}, which it also excludes: remove one of the two \
                         (`go mod tidy` on a machine with network access picks the next version)",
                        m.dir.display()
                    )));
                }
                select(&mut selected, p, v);
                queue.push((p.clone(), v.clone()));
            }
        }
        if !pruned {
            // Minimal version selection over the unpruned graph.
            let mut seen: BTreeSet<(String, String)> = BTreeSet::new();
            while let Some((p, v)) = queue.pop() {
                if !seen.insert((p.clone(), v.clone())) {
                    continue;
                }
                let go_mod = self.dep_go_mod(&p, &v, true).map_err(|why| {
                    load_error(format!(
                        "building the module graph (the main module's go line is below 1.17, so every \
                         dependency's go.mod is needed): {why}"
                    ))
                })?;
                for (rp, rv) in go_mod.require {
                    if self.is_main_path(&rp) || excluded(&rp, &rv) {
                        continue;
                    }
                    select(&mut selected, &rp, &rv);
                    queue.push((rp, rv));
                }
            }
        } else {
            // go.mod lists the selected version of every module that matters.
            // A dependency asking for a higher one means go.mod is not tidy:
            // cmd/go says "updates to go.mod needed" (-mod=readonly), or
            // raises the version (-mod=mod). Do the same, without writing go.mod.
            let mut raised = Vec::new();
            loop {
                let mut changed = false;
                for (p, v) in selected.clone() {
                    let Ok(go_mod) = self.dep_go_mod(&p, &v, false) else { continue };
                    for (rp, rv) in go_mod.require {
                        if self.is_main_path(&rp) || excluded(&rp, &rv) {
                            continue;
                        }
                        if let Some(cur) = selected.get(&rp) {
                            if compare_versions(&rv, cur) == std::cmp::Ordering::Greater {
                                raised.push(format!("{p}@{v} requires {rp}@{rv}, but go.mod has {rp}@{cur}"));
                                selected.insert(rp, rv);
                                changed = true;
                            }
                        }
                    }
                }
                if !changed {
                    break;
                }
            }
            if !raised.is_empty() && self.settings.mod_flag.as_deref() != Some("mod") {
                let file = match &self.work {
                    Some((wf, _)) => wf.display().to_string(),
                    None => self.mains[0].dir.join("go.mod").display().to_string(),
                };
                return Err(load_error(format!(
                    "{file} needs updates (go build says \"updates to go.mod needed\"):\n\t{}\n\
                     Run `go mod tidy`, or build with GOFLAGS=-mod=mod to use the higher versions without \
                     changing go.mod",
                    raised.join("\n\t")
                )));
            }
        }
        Ok(selected
            .into_iter()
            .map(|(path, version)| {
                let replace = self.replacement(&path, &version);
                (path.clone(), Dep { path, version, replace })
            })
            .collect())
    }

    /// The go.mod of a dependency version (for MVS): the replacement
    /// directory's, else `cache/download/…/@v/V.mod`, else a proxy
    /// directory's (checked against go.sum's `/go.mod` line), else the
    /// extracted tree's (covered by the tree's own hash). `record_missing`:
    /// whether its absence counts as a missing module.
    fn dep_go_mod(&self, path: &str, version: &str, record_missing: bool) -> std::result::Result<GoMod, String> {
        let (p, v) = match self.replacement(path, version) {
            Some(Replacement::Dir { abs, .. }) => {
                let f = abs.join("go.mod");
                let text = std::fs::read_to_string(&f).map_err(|e| format!("read {}: {e}", f.display()))?;
                return gomod::parse_go_mod_lax(&text, &f.display().to_string()).map_err(|e| e.to_string());
            }
            Some(Replacement::Module { path, version }) => (path, version),
            None => (path.to_string(), version.to_string()),
        };
        let (ep, ev) = escape(&p, &v)?;
        for (dir, _) in self.version_dirs(&ep) {
            let f = dir.join(format!("{ev}.mod"));
            if let Ok(bytes) = std::fs::read(&f) {
                let want = self.sums.mod_hashes(&p, &v);
                let got = modfetch::hash_go_mod(&bytes);
                if !want.is_empty() && !want.contains(&got.as_str()) {
                    return Err(format!(
                        "verifying {p}@{v}/go.mod: checksum mismatch\n\t{}: {got}\n\tgo.sum:  {}\n\
                         the file differs from what go.sum records: restore it (`go clean -modcache` and \
                         `go mod download` on a machine with network access)",
                        f.display(),
                        want.join(", ")
                    ));
                }
                let text = String::from_utf8_lossy(&bytes);
                let go_mod = gomod::parse_go_mod_lax(&text, &f.display().to_string())
                    .map_err(|e| format!("{p}@{v}: parsing go.mod: {e}"))?;
                check_declared_path(path, &p, &v, &go_mod, &f)?;
                return Ok(go_mod);
            }
        }
        if let Some(mc) = &self.modcache {
            let f = mc.join(format!("{ep}@{ev}")).join("go.mod");
            if let Ok(text) = std::fs::read_to_string(&f) {
                let go_mod = gomod::parse_go_mod_lax(&text, &f.display().to_string())
                    .map_err(|e| format!("{p}@{v}: parsing go.mod: {e}"))?;
                check_declared_path(path, &p, &v, &go_mod, &f)?;
                return Ok(go_mod);
            }
        }
        if record_missing {
            self.state.borrow_mut().missing.insert(format!("{p}@{v}"));
        }
        Err(format!("the go.mod of {p}@{v} is not in the module cache"))
    }

    /// Resolves a non-standard import path: the package directory and its module.
    pub(crate) fn locate(&self, path: &str) -> std::result::Result<(PathBuf, ModuleRef), Unlocated> {
        // Main modules: longest module path first; a nested go.mod ends a module.
        let mut main_candidates: Vec<&MainModule> =
            self.mains.iter().filter(|m| has_path_prefix(path, &m.path)).collect();
        main_candidates.sort_by_key(|m| std::cmp::Reverse(m.path.len()));
        let mut main_problem = None;
        for m in &main_candidates {
            match main_package_dir(m, path) {
                Ok(dir) => {
                    return Ok((dir, self.main_ref(m)));
                }
                Err(why) => main_problem = main_problem.or(Some(why)),
            }
        }
        match &self.mode {
            Mode::Vendor { dir, list } => {
                let pkg_dir = path.split('/').fold(dir.clone(), |d, e| d.join(e));
                if let Some(vm) = list.module_of(path) {
                    if !has_go_files(&pkg_dir) {
                        return Err(Unlocated::Import(format!(
                            "vendor/modules.txt lists it (module {}), but {} has no Go files: run `go mod vendor`",
                            vm.path,
                            pkg_dir.display()
                        )));
                    }
                    let replace = vm.replace.as_ref().map(|(p, v)| (p.clone(), v.clone().unwrap_or_default()));
                    let m = ModuleRef {
                        path: vm.path.clone(),
                        version: vm.version.clone().unwrap_or_default(),
                        go: vm.go_version.clone(),
                        sum: String::new(),
                        replace,
                        replace_sum: String::new(),
                        root: dir.clone(),
                        vendored: true,
                    };
                    self.check_dep_go_line(
                        &format!("{} in {}", vm.path, dir.join("modules.txt").display()),
                        m.go.as_deref(),
                    )?;
                    return Ok((pkg_dir, m));
                }
                if let Some(why) = main_problem {
                    return Err(why.into());
                }
                if has_go_files(&pkg_dir) {
                    return Err(Unlocated::Import(format!(
                        "{} exists but vendor/modules.txt does not list the package: run `go mod vendor`",
                        pkg_dir.display()
                    )));
                }
                Err(Unlocated::Import(format!(
                    "cannot find module providing package {path}: import lookup disabled by -mod=vendor \
                     (vendor/ exists and the go line is at least 1.14); add the requirement with `go get {path}` \
                     and run `go mod vendor` on a machine with network access"
                )))
            }
            Mode::Cache => {
                let mut candidates: Vec<&Dep> = self.deps.values().filter(|d| has_path_prefix(path, &d.path)).collect();
                candidates.sort_by_key(|d| std::cmp::Reverse(d.path.len()));
                let mut found: Vec<(PathBuf, &Dep)> = Vec::new();
                let mut problems = Vec::new();
                for dep in &candidates {
                    let root = match self.root(dep) {
                        Ok(root) => root,
                        Err(Unlocated::Module(why)) => return Err(Unlocated::Module(why)),
                        Err(Unlocated::Import(why)) => {
                            problems.push(why);
                            continue;
                        }
                    };
                    let rel = path[dep.path.len()..].trim_start_matches('/');
                    let dir = rel.split('/').filter(|e| !e.is_empty()).fold(root.clone(), |d, e| d.join(e));
                    if has_go_files(&dir) && !nested_module(&root, &dir) {
                        found.push((dir, dep));
                    }
                }
                // A module that might hold the package is not on disk: which
                // module provides it cannot be decided (cmd/go would fetch it).
                if !found.is_empty() && !problems.is_empty() {
                    return Err(problems.join("; ").into());
                }
                match found.len() {
                    1 => {
                        let (dir, dep) = found.remove(0);
                        self.verify(dep)?;
                        let r = self.dep_ref(dep);
                        // As go build names it: modfetch.Download's check of a
                        // module from the cache; the graph's (`module ../dir`)
                        // for a directory replacement.
                        let what = match &dep.replace {
                            None => format!("{}@{}", dep.path, dep.version),
                            Some(Replacement::Module { path, version }) => format!("{path}@{version}"),
                            Some(Replacement::Dir { written, .. }) => format!("module {written}"),
                        };
                        self.check_dep_go_line(&what, r.go.as_deref())?;
                        Ok((dir, r))
                    }
                    0 => {
                        if let Some(why) = main_problem {
                            return Err(why.into());
                        }
                        if !problems.is_empty() {
                            return Err(problems.join("; ").into());
                        }
                        if let Some(dep) = candidates.first() {
                            return Err(Unlocated::Import(format!(
                                "module {}@{} provides no package {path}; check the import path, or run \
                                 `go get {path}` / `go mod tidy` on a machine with network access if it moved to \
                                 another module",
                                dep.path, dep.version
                            )));
                        }
                        Err(Unlocated::Import(format!(
                            "no required module provides package {path}; add it with `go get {path}` (or \
                             `go mod tidy`) on a machine with network access, then make the module available here \
                             (module cache or vendor/)"
                        )))
                    }
                    _ => Err(Unlocated::Import(format!(
                        "ambiguous import: found package {path} in multiple modules: {}",
                        found
                            .iter()
                            .map(|(d, m)| format!("{} {} ({})", m.path, m.version, d.display()))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ))),
                }
            }
        }
    }

    /// The module reference of main module `m`.
    pub(crate) fn main_ref(&self, m: &MainModule) -> ModuleRef {
        ModuleRef { path: m.path.clone(), go: m.go_mod.go.clone(), root: m.dir.clone(), ..ModuleRef::default() }
    }

    fn dep_ref(&self, dep: &Dep) -> ModuleRef {
        let first = |v: Vec<&str>| v.first().map(|s| s.to_string()).unwrap_or_default();
        let go = self.go_line(dep);
        let root = self.root(dep).unwrap_or_default();
        match &dep.replace {
            None => ModuleRef {
                path: dep.path.clone(),
                version: dep.version.clone(),
                go,
                sum: first(self.sums.zip_hashes(&dep.path, &dep.version)),
                replace: None,
                replace_sum: String::new(),
                root,
                vendored: false,
            },
            Some(Replacement::Dir { written, .. }) => ModuleRef {
                path: dep.path.clone(),
                version: dep.version.clone(),
                go,
                sum: String::new(),
                replace: Some((written.clone(), String::new())),
                replace_sum: String::new(),
                root,
                vendored: false,
            },
            Some(Replacement::Module { path, version }) => ModuleRef {
                path: dep.path.clone(),
                version: dep.version.clone(),
                go,
                sum: String::new(),
                replace: Some((path.clone(), version.clone())),
                replace_sum: first(self.sums.zip_hashes(path, version)),
                root,
                vendored: false,
            },
        }
    }

    /// The go line of a dependency: its (replacement's) root go.mod; none → 1.16 later.
    fn go_line(&self, dep: &Dep) -> Option<String> {
        if let Some(g) = self.state.borrow().go_lines.get(&dep.path) {
            return g.clone();
        }
        let g = self.root(dep).ok().and_then(|root| {
            let f = root.join("go.mod");
            let text = std::fs::read_to_string(&f).ok()?;
            gomod::parse_go_mod_lax(&text, &f.display().to_string()).ok()?.go
        });
        self.state.borrow_mut().go_lines.insert(dep.path.clone(), g.clone());
        g
    }

    /// The module (path, version) whose files a dependency's tree holds.
    fn source_version(dep: &Dep) -> Option<(&str, &str)> {
        match &dep.replace {
            None => Some((&dep.path, &dep.version)),
            Some(Replacement::Module { path, version }) => Some((path, version)),
            Some(Replacement::Dir { .. }) => None,
        }
    }

    /// The root directory of a dependency, extracting it from a zip if needed.
    fn root(&self, dep: &Dep) -> std::result::Result<PathBuf, Unlocated> {
        if let Some(r) = self.state.borrow().roots.get(&dep.path) {
            return r.clone();
        }
        let r = self.find_root(dep);
        self.state.borrow_mut().roots.insert(dep.path.clone(), r.clone());
        r
    }

    fn find_root(&self, dep: &Dep) -> std::result::Result<PathBuf, Unlocated> {
        let Some((p, v)) = Self::source_version(dep) else {
            let Some(Replacement::Dir { written, abs }) = &dep.replace else {
                return Err(Unlocated::Module(format!("{}: no source for the module", dep.path)));
            };
            if abs.exists() && !abs.is_dir() {
                // cmd/go: "reading …/file.go/go.mod: open …: not a directory".
                return Err(Unlocated::Module(format!(
                    "{}@{} (replaced by {written}): reading {}: not a directory: {} is a file, and a \
                     replacement must be a directory holding a go.mod",
                    dep.path,
                    dep.version,
                    abs.join("go.mod").display(),
                    abs.display()
                )));
            }
            if !abs.join("go.mod").is_file() {
                return Err(Unlocated::Module(format!(
                    "{} is replaced by {written} ({}), which {}: a replacement directory must hold a go.mod",
                    dep.path,
                    abs.display(),
                    if abs.is_dir() { "has no go.mod" } else { "does not exist" }
                )));
            }
            return abs.canonicalize().map_err(|e| Unlocated::Module(format!("resolve {}: {e}", abs.display())));
        };
        let (ep, ev) = escape(p, v).map_err(Unlocated::Module)?;
        let name = format!("{ep}@{ev}");
        // The module cache's tree, unless cmd/go marked its extraction as
        // interrupted (`cache/download/…/@v/V.partial`).
        let dir = self.modcache.as_ref().map(|mc| mc.join(&name));
        let download = self.modcache.as_ref().map(|mc| mc.join("cache/download").join(&ep).join("@v"));
        let partial = download.as_ref().map(|d| d.join(format!("{ev}.partial")));
        if let Some(dir) = dir.as_ref().filter(|d| d.is_dir()) {
            if !partial.as_ref().is_some_and(|p| p.exists()) {
                return Ok(dir.clone());
            }
        }
        // Trees we extracted into our own cache because the module cache could not take them.
        let own = self.settings.own_modcache.as_ref().map(|d| d.join(&name));
        if let Some(own) = own.as_ref().filter(|d| d.is_dir()) {
            return Ok(own.clone());
        }
        for (vdir, from_proxy) in self.version_dirs(&ep) {
            let zip = vdir.join(format!("{ev}.zip"));
            if !zip.is_file() {
                continue;
            }
            let want = self.sums.zip_hashes(p, v);
            if want.is_empty() {
                return Err(Unlocated::Module(missing_sum(p, v)));
            }
            let got = modfetch::hash_zip(&zip).map_err(|e| Unlocated::Module(e.to_string()))?;
            if !want.contains(&got.as_str()) {
                return Err(Unlocated::Module(mismatch(p, v, &zip, &got, &want)));
            }
            let failed = match (&dir, &partial) {
                (Some(dir), Some(partial)) if dir.is_dir() => {
                    // A partial extraction: cmd/go would redo it; we leave its tree alone.
                    return Err(Unlocated::Module(format!(
                        "{} is a partly extracted module ({} exists); remove both with `go clean -modcache` \
                         or delete them by hand (chmod -R u+w first), then build again",
                        dir.display(),
                        partial.display()
                    )));
                }
                (Some(dir), _) => match modfetch::extract_zip(&zip, p, v, dir, self.settings.modcache_rw) {
                    Ok(()) => {
                        if let (true, Some(download)) = (from_proxy, &download) {
                            // Keep the download cache complete for the go command too.
                            let _ = populate_download_cache(&vdir, download, &ev, &got);
                        }
                        return Ok(dir.clone());
                    }
                    // A zip that is itself bad fails the same way anywhere:
                    // say so once, with no talk of where it was written.
                    Err(e) if e.kind() != crate::error::ErrorKind::Io => return Err(Unlocated::Module(e.to_string())),
                    Err(e) => e.to_string(),
                },
                (None, _) => "there is no module cache (GOMODCACHE, GOPATH and HOME are unset)".to_string(),
            };
            // The module cache cannot take it (read-only, or none): our own cache can.
            let Some(own) = &own else { return Err(Unlocated::Module(failed)) };
            modfetch::extract_zip(&zip, p, v, own, self.settings.modcache_rw).map_err(|e| {
                Unlocated::Module(format!("{failed}\nand extracting into {} failed too: {e}", own.display()))
            })?;
            return Ok(own.clone());
        }
        self.state.borrow_mut().missing.insert(format!("{p}@{v}"));
        let place = dir.map(|d| d.display().to_string()).unwrap_or_else(|| "no module cache is set".into());
        Err(Unlocated::Import(format!("module {p}@{v} is not in the module cache ({place})")))
    }

    /// Checks a dependency's tree against go.sum (once per build; the verdict
    /// is cached by tree state).
    fn verify(&self, dep: &Dep) -> std::result::Result<(), Unlocated> {
        let Some((p, v)) = Self::source_version(dep) else { return Ok(()) };
        if let Some(r) = self.state.borrow().verified.get(&dep.path) {
            return r.clone();
        }
        let r = self.verify_uncached(p, v, dep).and_then(|()| {
            // After the hash check, so the go.mod read is the verified one.
            let root = self.root(dep)?;
            let f = root.join("go.mod");
            match std::fs::read_to_string(&f) {
                Ok(text) => {
                    let go_mod = gomod::parse_go_mod_lax(&text, &f.display().to_string())
                        .map_err(|e| Unlocated::Module(format!("{p}@{v}: parsing go.mod: {e}")))?;
                    check_declared_path(&dep.path, p, v, &go_mod, &f).map_err(Unlocated::Module)
                }
                // A module without a go.mod (cmd/go synthesizes `module <path>`).
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
                Err(e) => Err(Unlocated::Module(format!("read {}: {e}", f.display()))),
            }
        });
        self.state.borrow_mut().verified.insert(dep.path.clone(), r.clone());
        r
    }

    fn verify_uncached(&self, p: &str, v: &str, dep: &Dep) -> std::result::Result<(), Unlocated> {
        let root = self.root(dep)?;
        let want = self.sums.zip_hashes(p, v);
        if want.is_empty() {
            return Err(Unlocated::Module(missing_sum(p, v)));
        }
        let state = modfetch::dir_state(&root).map_err(|e| Unlocated::Module(e.to_string()))?;
        let key = {
            let mut k = crate::cache::KeyBuilder::new("verify-module");
            k.line("module", format!("{p}@{v}"));
            k.line("dir", root.display());
            k.line("state", &state);
            for w in &want {
                k.line("want", w);
            }
            k.finish().hex()
        };
        let marker = self.settings.verdicts.as_ref().map(|d| d.join(&key[..2]).join(&key));
        if marker.as_ref().is_some_and(|m| m.is_file()) {
            return Ok(());
        }
        let got = modfetch::hash_dir(&root, &format!("{p}@{v}")).map_err(|e| Unlocated::Module(e.to_string()))?;
        if !want.contains(&got.as_str()) {
            return Err(Unlocated::Module(mismatch(p, v, &root, &got, &want)));
        }
        if let Some(m) = marker {
            if let Some(parent) = m.parent() {
                let _ = std::fs::create_dir_all(parent);
            }
            let _ = crate::cache::write_atomic(&m, format!("{p}@{v} {got}\n").as_bytes());
        }
        Ok(())
    }

    /// Every module that was needed and is not on disk, and then every other
    /// module of the build list that is not on disk either (`go mod download`
    /// fetches them all at once), as `path@version`.
    pub(crate) fn missing(&self) -> Vec<String> {
        let needed: Vec<String> = self.state.borrow().missing.iter().cloned().collect();
        if needed.is_empty() {
            return needed;
        }
        let mut all = needed.clone();
        for dep in self.deps.values() {
            let Some((p, v)) = Self::source_version(dep) else { continue };
            let id = format!("{p}@{v}");
            if !all.contains(&id) && !self.on_disk(p, v) {
                all.push(id);
            }
        }
        all[needed.len()..].sort();
        all
    }

    /// Whether module `p@v` is extracted, or has a zip in the download cache or a file:// proxy.
    fn on_disk(&self, p: &str, v: &str) -> bool {
        let Ok((ep, ev)) = escape(p, v) else { return false };
        [&self.modcache, &self.settings.own_modcache]
            .iter()
            .any(|root| root.as_ref().is_some_and(|r| r.join(format!("{ep}@{ev}")).is_dir()))
            || self.version_dirs(&ep).iter().any(|(d, _)| d.join(format!("{ev}.zip")).is_file())
    }

    /// The `@v` directories that may hold an escaped module path's `.mod` and
    /// `.zip` files, in order: the download cache's, then each file:// proxy's
    /// (marked `true`).
    fn version_dirs(&self, ep: &str) -> Vec<(PathBuf, bool)> {
        let cache = self.modcache.iter().map(|mc| (mc.join("cache/download").join(ep).join("@v"), false));
        cache.chain(self.proxies.iter().map(|p| (p.join(ep).join("@v"), true))).collect()
    }

    /// The advice for missing modules, naming where we looked.
    pub(crate) fn missing_advice(&self) -> String {
        let cache = match &self.modcache {
            Some(mc) => mc.display().to_string(),
            None => "(none)".into(),
        };
        let proxy = self.settings.goproxy.clone().unwrap_or_else(|| "(unset)".into());
        format!(
            "looked in the module cache {cache} (extracted trees and cache/download zips) and the file:// entries \
             of GOPROXY={proxy}. go-link-build never downloads: on a machine with network access run\n\
             \tgo mod download\nin {} and make that module cache available here (GOMODCACHE), or vendor the \
             dependencies with `go mod vendor`, or point GOPROXY at a file:// directory holding the modules' \
             .mod and .zip files",
            self.mains[0].dir.display()
        )
    }

    /// The main module that contains `dir` (the deepest), if any.
    pub(crate) fn main_containing(&self, dir: &Path) -> Option<&MainModule> {
        self.mains.iter().filter(|m| dir.starts_with(&m.dir)).max_by_key(|m| m.dir.as_os_str().len())
    }
}

/// What `go work vendor` checks modules.txt against, as one go.mod: the
/// requirements of every workspace module (not on each other), and the
/// replacements of go.work, then of the modules, local paths made relative to
/// the workspace directory (cmd/go's `canonicalizeReplacePath`).
fn workspace_go_mod(mains: &[MainModule], wdir: &Path, work: &GoWork) -> GoMod {
    let is_main = |p: &str| mains.iter().any(|m| m.path == p);
    let mut merged = GoMod { go: work.go.clone(), ..GoMod::default() };
    for m in mains {
        for r in &m.go_mod.require {
            if !is_main(&r.0) && !merged.require.contains(r) {
                merged.require.push(r.clone());
            }
        }
    }
    let sources =
        std::iter::once((wdir, &work.replace)).chain(mains.iter().map(|m| (m.dir.as_path(), &m.go_mod.replace)));
    for (base, replaces) in sources {
        for r in replaces {
            if merged.replace.iter().any(|x| x.old_path == r.old_path && x.old_version == r.old_version) {
                continue;
            }
            let mut r = r.clone();
            if r.new_version.is_none() && !Path::new(&r.new_path).is_absolute() {
                r.new_path = relative_dir(wdir, &base.join(&r.new_path));
            }
            merged.replace.push(r);
        }
    }
    merged
}

/// `target` relative to `base`, lexically, as `./x` or `../x` (`modload.ToDirectoryPath`).
fn relative_dir(base: &Path, target: &Path) -> String {
    use std::path::Component;
    let norm = |p: &Path| {
        let mut out: Vec<String> = Vec::new();
        for c in p.components() {
            match c {
                Component::ParentDir => {
                    out.pop();
                }
                Component::Normal(s) => out.push(s.to_string_lossy().into_owned()),
                _ => {}
            }
        }
        out
    };
    let (b, t) = (norm(base), norm(target));
    let common = b.iter().zip(&t).take_while(|(x, y)| x == y).count();
    let mut parts: Vec<String> = vec!["..".to_string(); b.len() - common];
    parts.extend(t[common..].iter().cloned());
    let rel = parts.join("/");
    if rel.starts_with("..") {
        rel
    } else if rel.is_empty() {
        ".".into()
    } else {
        format!("./{rel}")
    }
}

/// The directory of `path` inside main module `m`, unless a nested go.mod
/// makes it another module's.
fn main_package_dir(m: &MainModule, path: &str) -> std::result::Result<PathBuf, String> {
    let rel = path[m.path.len()..].trim_start_matches('/');
    let dir = rel.split('/').filter(|e| !e.is_empty()).fold(m.dir.clone(), |d, e| d.join(e));
    if nested_module(&m.dir, &dir) {
        return Err(format!(
            "{} has its own go.mod: it is a separate module; require it in {}/go.mod (with a replace to the \
             directory), or add it to a go.work",
            dir.display(),
            m.dir.display()
        ));
    }
    if !dir.is_dir() {
        return Err(format!("in the main module {}, but {} does not exist", m.path, dir.display()));
    }
    if !has_go_files(&dir) {
        return Err(format!("in the main module {}, but {} has no Go files", m.path, dir.display()));
    }
    Ok(dir)
}

/// Whether a directory between `root` (exclusive) and `dir` (inclusive) has a go.mod.
fn nested_module(root: &Path, dir: &Path) -> bool {
    let mut d = dir.to_path_buf();
    while d.starts_with(root) && d != root {
        if d.join("go.mod").is_file() {
            return true;
        }
        d.pop();
    }
    false
}

fn escape(p: &str, v: &str) -> std::result::Result<(String, String), String> {
    let ep = modfetch::escape_path(p).map_err(|e| e.to_string())?;
    let ev = modfetch::escape_version(v).map_err(|e| e.to_string())?;
    Ok((ep, ev))
}

fn missing_sum(p: &str, v: &str) -> String {
    format!(
        "missing go.sum entry for module {p}@{v}: go-link-build verifies every module against go.sum; run \
         `go mod download {p}` (or `go mod tidy`) on a machine with network access and commit go.sum"
    )
}

fn mismatch(p: &str, v: &str, source: &Path, got: &str, want: &[&str]) -> String {
    format!(
        "verifying {p}@{v}: checksum mismatch\n\tmodule cache: {got} ({})\n\tgo.sum:       {}\n\
         The module's files differ from what go.sum records: most likely they were modified in the module \
         cache. Restore them (`go clean -modcache`, then `go mod download` on a machine with network access); \
         if go.sum itself is wrong, fix go.sum. Nothing of the module was compiled.",
        source.display(),
        want.join(" or ")
    )
}

/// Copies `V.mod`, `V.info`, `V.zip` from a proxy directory into the
/// download cache and writes `V.ziphash`, as `go mod download` would.
fn populate_download_cache(src: &Path, dst: &Path, ev: &str, ziphash: &str) -> Result<()> {
    std::fs::create_dir_all(dst).map_err(|e| Error::io("create directory", dst, e))?;
    for ext in ["mod", "info", "zip"] {
        let (from, to) = (src.join(format!("{ev}.{ext}")), dst.join(format!("{ev}.{ext}")));
        if from.is_file() && !to.exists() {
            crate::cache::copy_atomic(&from, &to)?;
        }
    }
    let zh = dst.join(format!("{ev}.ziphash"));
    if !zh.exists() {
        crate::cache::write_atomic(&zh, ziphash.as_bytes())?;
    }
    Ok(())
}

/// Whether a go line (`1.21`, `1.21.3`) is at least 1.`minor`. No line → 1.16.
/// modload.goModSummary's check of a dependency's go.mod (from the module
/// cache, a zip or a proxy's `.mod`): it must have a module line, declaring
/// the path the module was required as, or the path of the module version
/// that replaces it (`actual`). Local directory replacements are not checked,
/// as cmd/go does not check them.
fn check_declared_path(
    required: &str,
    actual: &str,
    version: &str,
    go_mod: &GoMod,
    file: &Path,
) -> std::result::Result<(), String> {
    let declared = go_mod.module.as_str();
    if declared.is_empty() {
        return Err(format!(
            "{actual}@{version}: parsing go.mod: missing module line\n\t({} has no `module` line; the module \
             version is broken: use another version)",
            file.display()
        ));
    }
    if declared != required && declared != actual {
        return Err(format!(
            "{actual}@{version}: parsing go.mod:\n\tmodule declares its path as: {declared}\n\t        but was \
             required as: {required}\n\t({}): the module moved or was published under another path; require it \
             by its declared path (and update the imports), or use a `replace` directive",
            file.display()
        ));
    }
    Ok(())
}

/// `gover.TooNewError`'s message when `go` is newer than `running`, with
/// what to do (`remedy`: the other way out besides a newer Go).
fn too_new(what: &str, go: &str, running: &str, remedy: &str) -> Option<String> {
    (crate::goport::gover_compare(go, running) == std::cmp::Ordering::Greater).then(|| {
        format!(
            "{what} requires go >= {go} (running go {running}; GOTOOLCHAIN=local)\n\
             go-link-build builds with the Go installation it finds and never downloads another: install Go {go} \
             or newer and point GO_LINK_BUILD_GOROOT at it, or {remedy} if the code does not need Go {go}"
        )
    })
}

fn go_at_least(go: Option<&str>, minor: u32) -> bool {
    crate::goport::gover_compare(go.unwrap_or("1.16"), &format!("1.{minor}")) != std::cmp::Ordering::Less
}

/// Compares two module versions by semantic-version precedence (`semver.Compare`).
pub(crate) fn compare_versions(a: &str, b: &str) -> std::cmp::Ordering {
    modfetch::semver_compare(a, b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn goflags_and_goproxy() {
        assert_eq!(ModSettings::mod_flag_of("-buildvcs=false -mod=vendor"), Some("vendor".into()));
        assert_eq!(ModSettings::mod_flag_of("--mod=mod -mod=readonly"), Some("readonly".into()));
        assert_eq!(ModSettings::mod_flag_of("-trimpath"), None);
        assert!(ModSettings::modcache_rw_of("-mod=mod -modcacherw"));
        assert!(ModSettings::modcache_rw_of("--modcacherw=true"));
        assert!(!ModSettings::modcache_rw_of("-modcacherw -modcacherw=false"));
        assert!(!ModSettings::modcache_rw_of("-mod=vendor"));
        let p = ModSettings::file_proxies(Some("https://proxy.golang.org,file:///srv/a|file:///srv/b,direct"));
        if !cfg!(windows) {
            assert_eq!(p, vec![PathBuf::from("/srv/a"), PathBuf::from("/srv/b")]);
        }
        assert!(ModSettings::file_proxies(Some("off")).is_empty());
    }

    #[test]
    fn workspace_relative_replacements() {
        assert_eq!(relative_dir(Path::new("/w"), Path::new("/w/./colors-ws")), "./colors-ws");
        assert_eq!(relative_dir(Path::new("/w"), Path::new("/w/app/../lib")), "./lib");
        assert_eq!(relative_dir(Path::new("/w"), Path::new("/w/app/../../x")), "../x");
        assert_eq!(relative_dir(Path::new("/w"), Path::new("/w")), ".");
    }

    #[test]
    fn versions() {
        use std::cmp::Ordering::*;
        assert_eq!(compare_versions("v1.10.0", "v1.9.0"), Greater);
        assert_eq!(compare_versions("v1.0.0-rc.1", "v1.0.0"), Less);
        assert_eq!(compare_versions("v2.0.0+incompatible", "v1.9.9"), Greater);
        assert_eq!(compare_versions("v0.0.0-20200101000000-abcdefabcdef", "v0.0.0-20210101000000-abcdefabcdef"), Less);
        assert!(go_at_least(Some("1.17"), 17));
        assert!(go_at_least(Some("1.22.3"), 14));
        assert!(!go_at_least(Some("1.13"), 14));
        assert!(!go_at_least(None, 17));
    }

    #[test]
    fn bad_requirements_name_go_mod() {
        let dir = std::env::temp_dir().join(format!("glb-modload-bad-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let settings = ModSettings { gowork: Some("off".into()), ..Default::default() };
        for (require, want) in [
            ("example.com/a v1.2", "go.mod:5: require example.com/a: version \"v1.2\" invalid: not canonical"),
            ("example.com/a latest", "go.mod:5: require example.com/a: version \"latest\" invalid"),
            ("Example.com/UPPER!x v1.0.0", "Example.com/UPPER!x"),
        ] {
            std::fs::write(dir.join("go.mod"), format!("module example.com/m\n\ngo 1.22\n\nrequire {require}\n"))
                .unwrap();
            let err = Modules::load(&dir, &settings).err().expect("an invalid requirement is an error").to_string();
            assert!(err.contains("go.mod") && err.contains(want), "{err}");
        }
        std::fs::write(
            dir.join("go.mod"),
            "module example.com/m\n\ngo 1.22\n\nrequire example.com/a v1.0.0\n\nexclude example.com/a v1.0.0\n",
        )
        .unwrap();
        let err = Modules::load(&dir, &settings).err().expect("requiring an excluded version is an error").to_string();
        assert!(err.contains("which it also excludes"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn go_line_newer_than_the_toolchain() {
        let go_mod = |go: &str| GoMod { module: "example.com/m".into(), go: Some(go.into()), ..GoMod::default() };
        let main = |go: &str| MainModule { path: "example.com/m".into(), dir: PathBuf::from("/p"), go_mod: go_mod(go) };
        let err = Modules::main_only(main("1.99")).check_go_lines("go1.26.8").unwrap_err().to_string();
        assert!(err.starts_with("/p/go.mod requires go >= 1.99 (running go 1.26.8; GOTOOLCHAIN=local)\n"), "{err}");
        assert!(err.contains("GO_LINK_BUILD_GOROOT"), "{err}");
        assert!(Modules::main_only(main("1.26.99")).check_go_lines("go1.26.8").is_err());
        assert!(Modules::main_only(main("1.26.8")).check_go_lines("go1.26.8").is_ok());
        assert!(Modules::main_only(main("1.26")).check_go_lines("go1.26.8").is_ok());
        assert!(Modules::main_only(main("1.27rc1")).check_go_lines("go1.26.8").is_err());
        // A dependency's go line is checked against the version check_go_lines saw.
        let mods = Modules::main_only(main("1.21"));
        assert_eq!(mods.check_dep_go_line("example.com/dep@v1.0.0", Some("1.99")), Ok(()), "before the check");
        mods.check_go_lines("go1.26.8").unwrap();
        let Err(Unlocated::Module(e)) = mods.check_dep_go_line("example.com/dep@v1.0.0", Some("1.26.9")) else {
            panic!("a dependency's newer go line is accepted")
        };
        assert!(
            e.starts_with("example.com/dep@v1.0.0 requires go >= 1.26.9 (running go 1.26.8; GOTOOLCHAIN=local)\n"),
            "{e}"
        );
        assert_eq!(mods.check_dep_go_line("example.com/dep@v1.0.0", Some("1.26.8")), Ok(()));
        assert_eq!(mods.check_dep_go_line("example.com/dep@v1.0.0", None), Ok(()));
    }

    #[test]
    fn declared_path_must_match() {
        let m = |path: &str| GoMod { module: path.into(), ..GoMod::default() };
        let f = Path::new("/mc/example.com/evil@v1.0.0/go.mod");
        let err = check_declared_path("example.com/evil", "example.com/evil", "v1.0.0", &m("example.com/other"), f)
            .unwrap_err();
        assert!(
            err.starts_with(
                "example.com/evil@v1.0.0: parsing go.mod:\n\tmodule declares its path as: example.com/other\n\t        \
                 but was required as: example.com/evil\n"
            ),
            "{err}"
        );
        // A replacement module version may declare either path.
        assert!(check_declared_path("example.com/a", "example.com/b", "v1.0.0", &m("example.com/a"), f).is_ok());
        assert!(check_declared_path("example.com/a", "example.com/b", "v1.0.0", &m("example.com/b"), f).is_ok());
        let err = check_declared_path("example.com/a", "example.com/a", "v1.0.0", &m(""), f).unwrap_err();
        assert!(err.starts_with("example.com/a@v1.0.0: parsing go.mod: missing module line"), "{err}");
    }
}
