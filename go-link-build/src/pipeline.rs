//! From a loaded package graph to archives and a linked output.
//!
//! For each package, in dependency order and in parallel where the graph
//! allows, one *build action* does what cmd/go's does: write the importcfg
//! (and embedcfg), run the assembler's symabis pass, compile, assemble each
//! `.s` file and append the objects (and `.syso` files) to the archive. Then
//! one *link action* writes `importcfg.link` with the whole closure and the
//! `modinfo` line and runs the linker.
//!
//! Every action is looked up in the cache by its action ID first (see
//! `cache.rs` for what goes into the ID); only misses run.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::cache::{digest, hex, ActionId, Cache, KeyBuilder};
use crate::cargo::CargoOutput;
use crate::cgoflags::CgoFlags;
use crate::context::BuildContext;
use crate::ctool::CTool;
use crate::env::Env;
use crate::error::{Error, ErrorKind, Result};
use crate::load::{Graph, Package};
use crate::sched::{self, Jobs};
use crate::toolchain::{mtime_nanos, Toolchain};
use crate::tools::{self, AsmRequest, BuildMode, CompileRequest, LinkRequest};

/// Settings shared by every action of one build.
pub(crate) struct Pipeline<'a> {
    pub tc: &'a Toolchain,
    pub tool_id: &'a str,
    pub ctx: &'a BuildContext,
    pub cache: &'a Cache,
    pub mode: BuildMode,
    pub trimpath: bool,
    pub jobs: &'a Jobs,
    pub out: &'a CargoOutput,
    /// The C toolchain, when cgo is enabled.
    pub ctool: Option<&'a CTool>,
    /// The environment view (for `CGO_*` flags and `PKG_CONFIG`).
    pub env: &'a Env,
}

/// A package archive in the cache.
#[derive(Clone, Debug)]
pub(crate) struct Built {
    pub id: ActionId,
    pub archive: PathBuf,
    /// The cgo flags of a cgo package (their LDFLAGS reach the final link).
    pub cgo: Option<CgoFlags>,
}

/// Counts of what a build did, for tests and the debug log.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Package actions found in the cache.
    pub cached: usize,
    /// Package actions that ran compile (and asm).
    pub compiled: usize,
    /// Whether the link ran (false: the linked output came from the cache).
    pub linked: bool,
    /// What the remote cache did (feature `remote-cache`; all zero without one).
    pub remote: RemoteStats,
}

/// Remote cache counters of one build.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RemoteStats {
    /// Actions missing locally, found remotely and installed into the local cache.
    pub hits: usize,
    /// Actions missing locally that the remote cache could not provide
    /// (absent, or a failure).
    pub misses: usize,
    /// Bytes downloaded (action results and blobs).
    pub bytes_down: u64,
    /// Blobs and action results uploaded.
    pub uploads: usize,
    /// Bytes uploaded.
    pub bytes_up: u64,
}

impl Pipeline<'_> {
    /// The `-p` value: `main` for a main package (unless it is a c-archive's
    /// library package), the import path otherwise.
    fn p_flag<'p>(&self, pkg: &'p Package) -> &'p str {
        if pkg.name == "main" {
            "main"
        } else {
            &pkg.import_path
        }
    }

    fn lang(&self, pkg: &Package) -> Option<String> {
        if pkg.standard {
            // Std got no -lang in 1.21/1.22, the toolchain's own version since 1.23.
            (self.tc.minor >= 23).then(|| format!("go1.{}", self.tc.minor))
        } else {
            // Each package gets its own module's go line; none means 1.16.
            let go = pkg.module.as_ref().and_then(|m| m.go.as_deref()).unwrap_or("1.16");
            Some(crate::gomod::lang_version(go))
        }
    }

    /// What `-trimpath` rewrites the package directory to (`Action.trimpath`):
    /// `module@version/sub/dir` for a dependency, the import path otherwise.
    fn trim_target(&self, pkg: &Package) -> String {
        match &pkg.module {
            Some(m) if !m.version.is_empty() => {
                format!("{}@{}{}", m.path, m.version, pkg.import_path.strip_prefix(m.path.as_str()).unwrap_or(""))
            }
            _ => pkg.import_path.clone(),
        }
    }

    fn n_non_go(pkg: &Package) -> usize {
        pkg.cgo_files.len()
            + pkg.c_files.len()
            + pkg.cxx_files.len()
            + pkg.m_files.len()
            + pkg.f_files.len()
            + pkg.s_files.len()
            + pkg.syso_files.len()
    }

    /// The identity of one source file for a cache key.
    fn file_identity(&self, pkg: &Package, path: &Path) -> Result<String> {
        if pkg.standard {
            let meta = std::fs::metadata(path).map_err(|e| Error::io("stat", path, e))?;
            Ok(format!("size={} mtime={}", meta.len(), mtime_nanos(&meta)))
        } else {
            let data = std::fs::read(path).map_err(|e| Error::io("read", path, e))?;
            Ok(format!("sha256={}", hex(&digest(&data))))
        }
    }

    /// The action ID of a package's build action, given its dependencies' IDs.
    fn package_id(&self, pkg: &Package, dep_ids: &[(String, ActionId)], cgo: Option<&CgoFlags>) -> Result<ActionId> {
        let mut k = KeyBuilder::new("build-package");
        k.line("tool", self.tool_id);
        for (key, value) in self.ctx.tool_env() {
            k.line("env", format!("{key}={value}"));
        }
        k.line("goversion", &self.tc.version);
        k.line("importpath", &pkg.import_path);
        k.line("p", self.p_flag(pkg));
        k.line("std", pkg.standard);
        k.line("lang", format!("{:?}", self.lang(pkg)));
        k.line("mode", format!("{:?}", self.mode));
        k.line("shared", self.mode.shared_codegen(&self.ctx.goos, &self.ctx.goarch));
        // The directory reaches the output only when it is not trimmed.
        if self.trimpath {
            k.line("trim", self.trim_target(pkg));
        } else {
            k.line("dir", pkg.dir.display());
        }
        for (src, dst) in &pkg.import_map {
            k.line("importmap", format!("{src}={dst}"));
        }
        for (path, id) in dep_ids {
            k.line("dep", format!("{path} {}", id.hex()));
        }
        if let Some(flags) = cgo {
            k.line("cc", self.ctool.map(|c| c.id.as_str()).unwrap_or("none"));
            k.line("export-header", self.mode == BuildMode::CArchive);
            for (kind, list) in [
                ("cppflags", &flags.cppflags),
                ("cflags", &flags.cflags),
                ("cxxflags", &flags.cxxflags),
                ("fflags", &flags.fflags),
                ("ldflags", &flags.ldflags),
            ] {
                k.line(kind, format!("{list:?}"));
            }
        }
        let kinds: [(&str, &Vec<String>); 9] = [
            ("go", &pkg.go_files),
            ("cgo", &pkg.cgo_files),
            ("s", &pkg.s_files),
            ("h", &pkg.h_files),
            ("c", &pkg.c_files),
            ("cxx", &pkg.cxx_files),
            ("m", &pkg.m_files),
            ("f", &pkg.f_files),
            ("syso", &pkg.syso_files),
        ];
        for (kind, files) in kinds {
            for f in files {
                k.line(kind, format!("{f} {}", self.file_identity(pkg, &pkg.dir.join(f))?));
            }
        }
        if let Some(embed) = &pkg.embed {
            for (pattern, files) in &embed.patterns {
                k.line("embed-pattern", format!("{pattern} {}", files.join(",")));
            }
            for (rel, abs) in &embed.files {
                k.line("embed-file", format!("{rel} {}", self.file_identity(pkg, abs)?));
            }
        }
        Ok(k.finish())
    }

    /// Builds every package of the graph, using the cache where possible.
    pub(crate) fn build_packages(&self, graph: &Graph, stats: &mut Stats) -> Result<Vec<Built>> {
        let n = graph.packages.len();
        let cgo: Vec<Option<CgoFlags>> = graph.packages.iter().map(|p| self.cgo_flags(p)).collect::<Result<_>>()?;
        let mut ids: Vec<ActionId> = Vec::with_capacity(n);
        for (pkg, flags) in graph.packages.iter().zip(&cgo) {
            let dep_ids: Vec<(String, ActionId)> =
                pkg.deps.iter().map(|&d| (graph.packages[d].import_path.clone(), ids[d])).collect();
            ids.push(self.package_id(pkg, &dep_ids, flags.as_ref())?);
        }
        // With a remote cache, what is missing locally is fetched in parallel first.
        self.cache.prefetch(&ids);
        let mut built: Vec<Option<Built>> = vec![None; n];
        let mut todo: Vec<usize> = Vec::new();
        for i in 0..n {
            match self.cache.lookup(&ids[i]).and_then(|e| e.file("_pkg_.a")) {
                Some(archive) => built[i] = Some(Built { id: ids[i], archive, cgo: cgo[i].clone() }),
                None => todo.push(i),
            }
        }
        stats.cached = n - todo.len();
        stats.compiled = todo.len();
        if todo.is_empty() {
            return Ok(built.into_iter().map(|b| b.expect("every package is cached")).collect());
        }
        // Renumber the packages that must run into a dense sub-graph.
        let mut pos = vec![usize::MAX; n];
        for (j, &i) in todo.iter().enumerate() {
            pos[i] = j;
        }
        let deps: Vec<Vec<usize>> = todo
            .iter()
            .map(|&i| graph.packages[i].deps.iter().filter(|&&d| pos[d] != usize::MAX).map(|&d| pos[d]).collect())
            .collect();
        let weight: Vec<u64> = todo.iter().map(|&i| graph.packages[i].go_files.len() as u64 + 1).collect();
        let cached = &built;
        let results = sched::run(self.jobs, &deps, &weight, |j| {
            let i = todo[j];
            let pkg = &graph.packages[i];
            // Dependencies that ran in this build are in the cache by now.
            let dep_archives: Vec<(String, PathBuf)> = pkg
                .deps
                .iter()
                .map(|&d| {
                    let archive = match &cached[d] {
                        Some(b) => b.archive.clone(),
                        None => self.cache.lookup(&ids[d]).and_then(|e| e.file("_pkg_.a")).unwrap_or_default(),
                    };
                    (graph.packages[d].import_path.clone(), archive)
                })
                .collect();
            let syso = self.syso_closure(graph, i);
            self.build_package(pkg, &ids[i], &dep_archives, cgo[i].as_ref(), syso)
        });
        let mut errors = Vec::new();
        for (j, res) in results.into_iter().enumerate() {
            match res {
                Ok(b) => built[todo[j]] = Some(b),
                Err(e) if e.to_string().starts_with("skipped:") => {}
                Err(e) => errors.push(e.to_string()),
            }
        }
        if !errors.is_empty() {
            return Err(Error::new(ErrorKind::Tool, errors.join("\n")));
        }
        Ok(built.into_iter().map(|b| b.expect("every package was built")).collect())
    }

    /// Runs one package's build action in a temp dir and moves it into the cache.
    fn build_package(
        &self,
        pkg: &Package,
        id: &ActionId,
        dep_archives: &[(String, PathBuf)],
        cgo: Option<&CgoFlags>,
        syso: Vec<PathBuf>,
    ) -> Result<Built> {
        let tmp = self.cache.temp_dir()?;
        let o = tmp.path();
        let header = format!("# {}", pkg.import_path);
        let write = |name: &str, data: &[u8]| {
            let p = o.join(name);
            std::fs::write(&p, data).map_err(|e| Error::io("write", &p, e))
        };
        write("importcfg", importcfg(&pkg.import_map, dep_archives).as_bytes())?;
        if let Some(embed) = &pkg.embed {
            write("embedcfg", embed.to_json().as_bytes())?;
        }
        let mut trimpath = String::new();
        if self.trimpath {
            let _ = write!(trimpath, "{}=>{};", pkg.dir.display(), self.trim_target(pkg));
        }
        let _ = write!(trimpath, "{}=>", o.display());
        let shared = self.mode.shared_codegen(&self.ctx.goos, &self.ctx.goarch);
        // In a cgo package, assembly goes to the C compiler (except the
        // non-gcc_ files of runtime/cgo); the rest is Go assembly.
        let go_asm: Vec<&String> = if cgo.is_some() {
            pkg.s_files.iter().filter(|f| !crate::cgo::asm_to_gcc(pkg, f)).collect()
        } else {
            pkg.s_files.iter().collect()
        };
        let has_asm = !go_asm.is_empty();
        let cgo_out = match cgo {
            None => None,
            Some(flags) => {
                let ctool = self.ctool.ok_or_else(|| {
                    Error::new(ErrorKind::Config, format!("{header}\ncgo is enabled but no C toolchain was set up"))
                })?;
                let parallel = |invs: Vec<crate::exec::Invocation>| -> Vec<Result<()>> {
                    let deps = vec![Vec::new(); invs.len()];
                    let weight = vec![1; invs.len()];
                    sched::run(self.jobs, &deps, &weight, |j| {
                        invs[j].run(&header).map(|out| self.forward(out.combined))
                    })
                };
                Some(crate::cgo::run(&crate::cgo::CgoRequest {
                    tc: self.tc,
                    ctx: self.ctx,
                    ctool,
                    pkg,
                    flags,
                    objdir: o,
                    export_header: self.mode == BuildMode::CArchive,
                    trimpath: self.trimpath,
                    seed: id.short(),
                    syso,
                    header: header.clone(),
                    parallel: &parallel,
                })?)
            }
        };
        let asm_req = AsmRequest {
            tc: self.tc,
            ctx: self.ctx,
            import_path: self.p_flag(pkg),
            standard: pkg.standard,
            shared,
            trimpath: trimpath.clone(),
            objdir: o,
            pkg_dir: &pkg.dir,
        };
        if has_asm {
            write("go_asm.h", b"")?;
            let mut inv = tools::asm_base(&asm_req);
            inv.arg("-gensymabis").arg("-o").arg(o.join("symabis"));
            for s in &go_asm {
                inv.arg(format!("./{s}"));
            }
            self.forward(inv.run(&header)?.combined);
        }
        let req = CompileRequest {
            tc: self.tc,
            ctx: self.ctx,
            import_path: &pkg.import_path,
            p: self.p_flag(pkg),
            standard: pkg.standard,
            lang: self.lang(pkg),
            complete: tools::complete(pkg.standard, &pkg.import_path, Self::n_non_go(pkg)),
            shared,
            trimpath: trimpath.clone(),
            objdir: o,
            build_id: format!("{0}/{0}", id.short()),
            has_asm,
            embedcfg: pkg.embed.is_some(),
            files: pkg
                .go_files
                .iter()
                .map(|f| pkg.dir.join(f))
                .chain(cgo_out.iter().flat_map(|c| c.go_files.iter().cloned()))
                .collect(),
            concurrency: self.jobs.threads.min(4),
        };
        let mut inv = tools::compile(&req);
        inv.cwd = pkg.dir.clone();
        self.forward(inv.run(&header)?.combined);
        let mut objects: Vec<PathBuf> = Vec::new();
        for s in &go_asm {
            let obj = o.join(format!("{}.o", s.strip_suffix(".s").unwrap_or(s)));
            let mut inv = tools::asm_base(&asm_req);
            inv.arg("-o").arg(&obj).arg(format!("./{s}"));
            self.forward(inv.run(&header)?.combined);
            objects.push(obj);
        }
        if let Some(c) = &cgo_out {
            objects.extend(c.objects.iter().cloned());
        }
        objects.extend(pkg.syso_files.iter().map(|f| pkg.dir.join(f)));
        let archive = o.join("_pkg_.a");
        if !objects.is_empty() {
            let refs: Vec<&Path> = objects.iter().map(PathBuf::as_path).collect();
            crate::archive::append_files(&archive, &refs)?;
        }
        // Keep only the archive in the cache entry.
        if let Ok(entries) = std::fs::read_dir(o) {
            for e in entries.flatten() {
                if e.file_name() != "_pkg_.a" && e.file_name() != "_cgo_install.h" {
                    let _ = std::fs::remove_file(e.path());
                }
            }
        }
        let entry = self.cache.commit(id, tmp)?;
        let archive = entry.file("_pkg_.a").ok_or_else(|| {
            Error::new(
                ErrorKind::Tool,
                format!(
                    "{header}
the compiler wrote no archive"
                ),
            )
        })?;
        Ok(Built { id: *id, archive, cgo: cgo.cloned() })
    }

    /// The evaluated `#cgo` flags of a cgo package (env flags first, then
    /// the package's own, checked against cmd/go's allowlist), or `None`.
    fn cgo_flags(&self, pkg: &Package) -> Result<Option<CgoFlags>> {
        if pkg.cgo_files.is_empty() {
            return Ok(None);
        }
        let mut directives = crate::cgoflags::CgoDirectives::default();
        for (file, lines) in &pkg.cgo_preambles {
            let lines = lines.iter().map(|(n, l)| (*n as usize, l.as_str()));
            crate::cgoflags::parse_cgo_text_lines(self.ctx, &pkg.dir, file, lines, &mut directives)
                .map_err(|e| e.context(format!("# {}", pkg.import_path)))?;
        }
        let env = |k: &str| self.env.var(k);
        let mut flags =
            crate::cgoflags::cgo_flags(&directives, &env).map_err(|e| e.context(format!("# {}", pkg.import_path)))?;
        crate::cgo::add_pkg_config(&mut flags, &directives, &pkg.import_path, &env, &pkg.dir)?;
        Ok(Some(flags))
    }

    /// `.syso` files of a package and everything it depends on, sorted, for
    /// the cgo dynimport link (`dynimport`'s `gatherSyso`).
    fn syso_closure(&self, graph: &Graph, i: usize) -> Vec<PathBuf> {
        let mut seen = vec![false; graph.packages.len()];
        let mut stack = vec![i];
        let mut out = Vec::new();
        while let Some(j) = stack.pop() {
            if std::mem::replace(&mut seen[j], true) {
                continue;
            }
            let p = &graph.packages[j];
            out.extend(p.syso_files.iter().map(|f| p.dir.join(f)));
            stack.extend(p.deps.iter().copied());
        }
        out.sort();
        out.dedup();
        out
    }

    fn forward(&self, output: String) {
        if !output.trim().is_empty() {
            self.out.warning(&output);
        }
    }

    /// Links the main package (graph root `main_idx`) with every package of
    /// the graph. Returns the cached output file and whether link ran.
    pub(crate) fn link(
        &self,
        graph: &Graph,
        built: &[Built],
        main_idx: usize,
        link: &LinkOptions,
    ) -> Result<(PathBuf, bool)> {
        let mut k = KeyBuilder::new("link");
        k.line("tool", self.tool_id);
        for (key, value) in self.ctx.tool_env() {
            k.line("env", format!("{key}={value}"));
        }
        k.line("mode", format!("{:?}", self.mode));
        k.line("trimpath", self.trimpath);
        k.line("goroot", format!("{:?}", tools::link_goroot(self.tc, self.trimpath)));
        k.line("main", built[main_idx].id.hex());
        for (pkg, b) in graph.packages.iter().zip(built) {
            k.line("pkg", format!("{} {}", pkg.import_path, b.id.hex()));
        }
        k.line("godebug", &link.godebug_default);
        k.line("modinfo", &link.modinfo);
        k.line("strip", link.strip);
        for (a, b) in &link.x {
            k.line("x", format!("{a}={b}"));
        }
        k.line("ext", format!("{:?}", link.ext));
        k.line("macos", format!("{:?}", link.macos_min));
        let id = k.finish();
        if let Some(out) = self.cache.lookup(&id).and_then(|e| e.file("a.out")) {
            return Ok((out, false));
        }
        // The link reads every archive: hash those that came from the cache,
        // so a damaged one (even of the right size) cannot reach the output.
        if self.cache.audit_used() {
            return Err(Error::new(
                ErrorKind::Io,
                format!("damaged package archives in the cache {} were removed", self.cache.root().display()),
            ));
        }
        let tmp = self.cache.temp_dir()?;
        let o = tmp.path();
        let mut cfg = String::new();
        let main = &graph.packages[main_idx];
        let _ = writeln!(cfg, "packagefile {}={}", main.import_path, built[main_idx].archive.display());
        for (i, (pkg, b)) in graph.packages.iter().zip(built).enumerate() {
            if i != main_idx {
                let _ = writeln!(cfg, "packagefile {}={}", pkg.import_path, b.archive.display());
            }
        }
        let _ = writeln!(cfg, "{}", link.modinfo);
        let importcfg = o.join("importcfg.link");
        std::fs::write(&importcfg, cfg).map_err(|e| Error::io("write", &importcfg, e))?;
        let req = LinkRequest {
            tc: self.tc,
            ctx: self.ctx,
            mode: self.mode,
            output: o.join("a.out"),
            importcfg: importcfg.clone(),
            main_archive: built[main_idx].archive.clone(),
            godebug_default: link.godebug_default.clone(),
            build_id: format!("{0}/{0}/{0}/{0}", id.short()),
            strip: link.strip,
            cmd_build_id: tools::cmd_build_id(main.standard, &main.import_path, &self.ctx.goos, &self.ctx.goarch),
            x: link.x.clone(),
            trimpath: self.trimpath,
            ext: link.ext.clone(),
            macos_min: link.macos_min.clone(),
            cwd: o.to_path_buf(),
        };
        let inv = tools::link(&req);
        self.forward(inv.run(&format!("# {}", main.import_path))?.combined);
        let _ = std::fs::remove_file(&importcfg);
        let entry = self.cache.commit(&id, tmp)?;
        let out = entry.file("a.out").ok_or_else(|| {
            Error::new(
                ErrorKind::Tool,
                format!(
                    "# {}
the linker wrote no output",
                    main.import_path
                ),
            )
        })?;
        Ok((out, true))
    }
}

/// What the link step adds on top of the packages.
pub(crate) struct LinkOptions {
    pub godebug_default: String,
    /// The whole `modinfo "…"` importcfg line.
    pub modinfo: String,
    pub strip: bool,
    pub x: Vec<(String, String)>,
    /// The external linker and archiver (cgo builds).
    pub ext: Option<crate::ctool::ExtLink>,
    /// The minimum macOS version for the internal linker's `-macos` (Go 1.27+).
    pub macos_min: Option<String>,
}

/// A compile importcfg: `importmap` lines, then one `packagefile` per direct
/// dependency, sorted so the file is deterministic.
pub(crate) fn importcfg(import_map: &BTreeMap<String, String>, deps: &[(String, PathBuf)]) -> String {
    let mut s = String::from("# import config\n");
    for (src, dst) in import_map {
        let _ = writeln!(s, "importmap {src}={dst}");
    }
    let mut deps: Vec<&(String, PathBuf)> = deps.iter().collect();
    deps.sort();
    for (path, file) in deps {
        let _ = writeln!(s, "packagefile {path}={}", file.display());
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn importcfg_is_sorted() {
        let mut map = BTreeMap::new();
        map.insert("golang.org/x/net/idna".to_string(), "vendor/golang.org/x/net/idna".to_string());
        let deps = vec![
            ("vendor/golang.org/x/net/idna".to_string(), PathBuf::from("/c/2/_pkg_.a")),
            ("errors".to_string(), PathBuf::from("/c/1/_pkg_.a")),
        ];
        assert_eq!(
            importcfg(&map, &deps),
            "# import config\nimportmap golang.org/x/net/idna=vendor/golang.org/x/net/idna\npackagefile errors=/c/1/_pkg_.a\npackagefile vendor/golang.org/x/net/idna=/c/2/_pkg_.a\n"
        );
    }
}
