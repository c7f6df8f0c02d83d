//! One build, phase by phase: the session behind [`Build::try_binary`] and
//! [`Build::try_c_archive`] (configuration → tools → load → plan → execute →
//! install and directives).

use std::path::{Path, PathBuf};

use crate::cargo::{CargoOutput, Directive};
use crate::context::BuildContext;
use crate::env::Env;
use crate::error::ErrorKind;
use crate::execute::Executor;
use crate::plan::{LinkSettings, PkgIdx, Setup};
use crate::request::{OutputKind, Request};
use crate::stamp::Stamp;
use crate::{
    bindings, buildinfo, cache, cgo, cgoflags, context, ctool, debug_enabled, docsrs, env, exec, godebug, load,
    modload, plan, request, sched, settings, target, toolchain, vcs, Artifact, Build, Commands, Error, Result, Stats,
    RUNTIME_LINKS,
};
#[cfg(feature = "remote-cache")]
use crate::{remote, RemoteStats};

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

/// One build, with its environment view and output channel.
pub(crate) struct Session<'a> {
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
    /// The toolchain's godebug table (`internal/godebugs`), read once: the
    /// load checks settings against it, the link settings compute
    /// DefaultGODEBUG from it.
    godebug_table: Vec<godebug::GodebugInfo>,
    /// Standard packages' files with their identity by stat as the load
    /// found them (`StdCache::file_identities`), for the keys.
    known_files: std::collections::HashMap<PathBuf, String>,
}

impl<'a> Session<'a> {
    pub(crate) fn new(cfg: &'a Build) -> Result<Session<'a>> {
        Ok(Session {
            cfg,
            env: Env::new(cfg.env.clone()),
            out: CargoOutput { metadata: cfg.cargo_metadata, warnings: cfg.warnings },
        })
    }

    /// docs.rs (or a `cargo doc` without Go) is building documentation: see `docsrs`.
    pub(crate) fn docs_rs(&self) -> bool {
        self.env.var("DOCS_RS").is_some()
    }

    /// The DOCS_RS build: placeholders at the usual paths, nothing run.
    pub(crate) fn docs_rs_placeholder(&self, kind: OutputKind, name: &str) -> Result<Artifact> {
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
    pub(crate) fn build(&self, kind: OutputKind, name: &str) -> Result<Artifact> {
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
        let setup =
            Setup { pgo: loaded.pgo.as_ref(), known_files: Some(&loaded.known_files), ..self.setup(&req, &tools) };
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
        let std_loads = load::stdcache::StdCache::open(&tools.cache, &tools.ctx, &tools.tool_id);
        let mut graph = load::load_graph_kept(&tools.ctx, Some(&mods), &load_roots, &std_loads)?;
        let known_files = std_loads.file_identities();
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
        Ok(Loaded { mods, graph, main, vcs, pgo, cgo, godebug_table, known_files })
    }

    /// Link-time settings: DefaultGODEBUG and build info, as cmd/go computes
    /// them, the external linker and the macOS minimum version.
    fn link_settings(&self, req: &Request<'_>, tools: &Tools, loaded: &Loaded) -> Result<LinkSettings> {
        let (tc, ctx, mods) = (&tools.tc, &tools.ctx, &loaded.mods);
        let main_pkg = &loaded.graph.packages[loaded.main];
        let table = &loaded.godebug_table;
        let mut directives = mods.godebug_settings();
        directives.extend(main_pkg.go_debug.iter().cloned());
        let godebug_default = godebug::default_godebug(table, mods.godebug_go_line(), &directives, tc.minor)
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
            known_files: None,
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
                "go-link-build: {}: {} packages cached, {} compiled, linked: {}, tools {:.1} ms",
                req.name,
                stats.cached,
                stats.compiled,
                stats.linked,
                stats.tool_time.as_secs_f64() * 1000.0
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
