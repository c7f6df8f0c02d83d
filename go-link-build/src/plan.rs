//! Planning: from a loaded package graph to a list of actions, as data.
//!
//! Every package becomes one *package action* (importcfg, the cgo steps, the
//! assembler's symabis pass, compile, assemble, pack: what cmd/go's build
//! action does), then one *link action* links the main package with the
//! whole closure, and, for a C archive, a *header action* gathers the
//! exported functions' prototypes. An *install action* puts the linked
//! output where the user asked.
//!
//! Planning reads nothing and runs nothing: each action carries its
//! dependencies, the facts its cache key is made of, the commands it runs
//! and the files it keeps, with symbolic directories. `$WORK/b001` stands
//! for the directory of action 1 (its temporary directory while it runs,
//! the file of its cache entry after), as in `go build -n`; `$ACTIONID` for the action's
//! own ID, which is known only once its dependencies are done. The executor
//! (`execute.rs`) fills those in, computes keys, consults the cache and runs
//! what is missing.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::cgoflags::CgoFlags;
use crate::context::BuildContext;
use crate::ctool::{CTool, ExtLink};
use crate::error::{Error, ErrorKind, Result};
use crate::exec::Invocation;
use crate::load::pgo::{self, Profile, PREPROFILE};
use crate::load::{Graph, Package};
use crate::request::{OutputKind, Request};
use crate::toolchain::Toolchain;
use crate::tools::{self, AsmRequest, BuildMode, CompileRequest};

/// The index of an action in [`Plan::actions`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct ActionIdx(pub u32);

/// The index of a package in the loaded graph (`Graph::packages`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct PkgIdx(pub u32);

impl ActionIdx {
    pub(crate) fn get(self) -> usize {
        self.0 as usize
    }
}

impl PkgIdx {
    pub(crate) fn get(self) -> usize {
        self.0 as usize
    }
}

/// The placeholder for an action's own ID in planned commands.
pub(crate) const ACTION_ID: &str = "$ACTIONID";
/// The prefix of the placeholder for an action's directory.
pub(crate) const WORK: &str = "$WORK/b";

/// Everything resolved before planning that the plan is made from.
pub(crate) struct Setup<'a> {
    pub req: &'a Request<'a>,
    pub tc: &'a Toolchain,
    /// The compiler's identity (`compile -V=full` and the tool binaries).
    pub tool_id: &'a str,
    pub ctx: &'a BuildContext,
    /// The C toolchain, when cgo is enabled.
    pub ctool: Option<&'a CTool>,
    /// Worker threads, for the compiler's `-c`.
    pub threads: usize,
    /// The PGO profile every compile uses (`-pgo`), if any.
    pub pgo: Option<&'a Profile>,
    /// Identities by stat of standard packages' files, taken by the load
    /// (`StdCache::file_identities`).
    pub known_files: Option<&'a std::collections::HashMap<PathBuf, String>>,
}

/// What the link adds on top of the packages, computed before planning.
pub(crate) struct LinkSettings {
    pub godebug_default: String,
    /// The whole `modinfo "…"` importcfg line.
    pub modinfo: String,
    /// The external linker and archiver (cgo builds).
    pub ext: Option<ExtLink>,
    /// The minimum macOS version for the internal linker's `-macos` (Go 1.27+).
    pub macos_min: Option<String>,
}

/// The kind of an action: what it produces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ActionKind {
    /// A package archive (`_pkg_.a`, and `_cgo_install.h` for a C archive's cgo packages). Cached.
    Package(PkgIdx),
    /// The linked program or archive (`a.out`). Cached.
    Link,
    /// The C archive's header, written to its destination.
    Header,
    /// The linked output copied to its destination.
    Install,
    /// The PGO profile preprocessed for the compiler (`pgo.preprofile`, Go 1.23+). Cached.
    Preprofile,
}

/// Which tool a command runs, for reporting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Tool {
    Cgo,
    CCompile,
    Symabis,
    Compile,
    Asm,
    Link,
    Preprofile,
    Cover,
}

/// A member of a package archive appended after the compiler's output.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Member {
    File(PathBuf),
    /// A marker file that an earlier step may have written (`dynimportfail`).
    IfExists(PathBuf),
}

/// One step of an action, in order.
#[derive(Clone, Debug)]
pub(crate) enum Step {
    /// Writes a file (importcfg, embedcfg, an empty `go_asm.h`, a marker).
    Write { path: PathBuf, contents: String },
    /// Runs a tool.
    Run { tool: Tool, inv: Invocation },
    /// Runs independent commands of one tool in parallel (cgo's C compiles).
    Parallel { tool: Tool, invs: Vec<Invocation> },
    /// cgo's dynimport: link a test executable with the C compiler; when that
    /// works, `cgo -dynimport` writes `_cgo_import.go`, else the package gets
    /// the `fail_marker` member, which makes the Go linker link externally
    /// (golang/go#52863), exactly like cmd/go.
    DynImport { link: Invocation, dynimport: Invocation, fail_marker: PathBuf },
    /// Runs the compiler, with `optional` files appended when an earlier step
    /// wrote them (`_cgo_import.go`).
    Compile { inv: Invocation, optional: Vec<PathBuf> },
    /// Appends objects to the archive the compiler wrote.
    Pack { archive: PathBuf, members: Vec<Member> },
    /// Writes a C archive's header: the `_cgo_install.h` of action `main`
    /// if it has one, else those of `others` that have one, in order.
    Header { main: ActionIdx, others: Vec<ActionIdx>, dest: PathBuf },
    /// Copies output `file` of action `from` to its destination, atomically,
    /// after checking it against its recorded hash.
    Install { from: ActionIdx, file: &'static str, to: PathBuf, executable: bool },
}

/// A source file that is part of an action's key.
#[derive(Clone, Debug)]
pub(crate) struct KeyFile {
    /// The kind and name, as the key line shows them (`go main.go`).
    pub label: String,
    pub path: PathBuf,
    /// Identified by size and mtime (GOROOT, which does not change under a
    /// toolchain) instead of by content.
    pub by_stat: bool,
    /// That identity, when the load already took it (a standard package's
    /// file, checked or stamped by the kept loads, `Setup::known_files`):
    /// no second `stat` when the key is made.
    pub known: Option<String>,
}

/// An output of another action whose content is part of a key.
#[derive(Clone, Debug)]
pub(crate) struct KeyInput {
    /// The key line's label (the import path).
    pub label: String,
    pub action: ActionIdx,
    /// The output file of that action whose content is keyed, or `None`
    /// for that action's own ID.
    pub file: Option<&'static str>,
}

/// What an action's cache key is made of.
#[derive(Clone, Debug, Default)]
pub(crate) struct KeySpec {
    pub kind: &'static str,
    /// Facts known at planning time.
    pub lines: Vec<(&'static str, String)>,
    /// Outputs of dependencies, keyed by their content (cmd/go's content
    /// IDs): a dependency that is rebuilt to the same bytes changes no key.
    pub inputs: Vec<KeyInput>,
    /// Source files, identified when the action runs.
    pub files: Vec<KeyFile>,
}

impl KeySpec {
    fn line(&mut self, key: &'static str, value: impl std::fmt::Display) {
        self.lines.push((key, value.to_string()));
    }
}

/// One action of the plan.
#[derive(Clone, Debug)]
pub(crate) struct Action {
    pub kind: ActionKind,
    /// The header of its errors and log lines (`# fmt`).
    pub label: String,
    /// Actions that must be done first (all with smaller indices).
    pub deps: Vec<ActionIdx>,
    /// The cache key, for cached actions.
    pub key: Option<KeySpec>,
    pub steps: Vec<Step>,
    /// The files of its directory that a cache entry keeps.
    pub outputs: &'static [&'static str],
    /// Scheduling weight (longest path first).
    pub weight: u64,
}

/// The whole build, as data.
#[derive(Debug)]
pub(crate) struct Plan {
    pub actions: Vec<Action>,
    /// The digits in `$WORK/bNNN`: the same for every action, so no
    /// placeholder is a prefix of another.
    pub width: usize,
}

impl Plan {
    /// The commands of one step as a shell would show them, with the plan's
    /// symbolic paths (`$WORK/b001/…`): what `-n` prints for every step and
    /// `-x` for each step as it runs, so the two agree.
    pub(crate) fn step_lines(&self, step: &Step) -> Vec<String> {
        let cmd = |inv: &Invocation| format!("cd {}\n{}", inv.cwd.display(), inv.display());
        let file = |a: &ActionIdx, f: &str| work_dir(*a, self.width).join(f).display().to_string();
        match step {
            Step::Write { path, contents } => {
                vec![format!("cat >{} << 'EOF' # internal\n{}EOF", path.display(), contents)]
            }
            Step::Run { inv, .. } => vec![cmd(inv)],
            Step::Parallel { invs, .. } => invs.iter().map(cmd).collect(),
            Step::DynImport { link, dynimport, fail_marker } => vec![
                cmd(link),
                format!("{}\n# if that link failed instead: touch {}", cmd(dynimport), fail_marker.display()),
            ],
            Step::Compile { inv, optional } => {
                let mut line = cmd(inv);
                for f in optional {
                    line.push_str(&format!(" [{} if written]", f.display()));
                }
                vec![line]
            }
            Step::Pack { archive, members } => {
                let mut line = format!("pack r {}", archive.display());
                for m in members {
                    match m {
                        Member::File(f) => line.push_str(&format!(" {}", f.display())),
                        Member::IfExists(f) => line.push_str(&format!(" [{} if written]", f.display())),
                    }
                }
                vec![line]
            }
            Step::Header { main, others, dest } => {
                let list: Vec<String> = others.iter().map(|a| file(a, CGO_HEADER)).collect();
                vec![format!(
                    "cat {} >{} # else: cat {} >{}",
                    file(main, CGO_HEADER),
                    dest.display(),
                    list.join(" "),
                    dest.display()
                )]
            }
            Step::Install { from, file: f, to, .. } => vec![format!("cp {} {}", file(from, f), to.display())],
        }
    }

    /// Every command of the plan, in order (`-n`).
    pub(crate) fn commands(&self) -> Vec<String> {
        self.actions.iter().flat_map(|a| a.steps.iter().flat_map(|s| self.step_lines(s))).collect()
    }
}

fn work_dir(a: ActionIdx, width: usize) -> PathBuf {
    PathBuf::from(format!("{WORK}{:0width$}", a.0 + 1))
}

/// A package's link object inside its action's directory: the object code
/// (`compile -linkobj`) with the assembly, cgo and `.syso` objects appended.
/// What the link reads.
pub(crate) const ARCHIVE: &str = "_pkg_.a";
/// A package's export data inside its action's directory (`compile -o`):
/// what its importers compile against, and all they are keyed on.
pub(crate) const EXPORT: &str = "_pkg_.x";
/// The linked output inside the link action's directory.
pub(crate) const LINKED: &str = "a.out";
/// The cgo export header inside a package action's directory.
pub(crate) const CGO_HEADER: &str = "_cgo_install.h";

/// Plans the build of `graph` linked at `main`. `cgo` holds each package's
/// evaluated `#cgo` flags (`None`: not a cgo package).
pub(crate) fn plan(
    s: &Setup<'_>,
    graph: &Graph,
    cgo: &[Option<CgoFlags>],
    main: PkgIdx,
    link: &LinkSettings,
) -> Result<Plan> {
    let n = graph.packages.len();
    let header = s.req.kind == OutputKind::CArchive;
    let width = (n + 4).to_string().len().max(3);
    let dir = |a: ActionIdx| work_dir(a, width);
    let mut actions = Vec::with_capacity(n + 4);
    // PGO: the preprofile action (Go 1.23+) comes first, as every package depends on it.
    let pgo = s.pgo.map(|profile| pgo_use(s, profile, &mut actions, width));
    let first = actions.len();
    let pkg_action = |p: usize| ActionIdx((p + first) as u32);
    for (i, pkg) in graph.packages.iter().enumerate() {
        let mut deps: Vec<ActionIdx> = pkg.deps.iter().map(|&d| pkg_action(d)).collect();
        let dep_archives: Vec<(String, PathBuf)> = pkg
            .deps
            .iter()
            .map(|&d| (graph.packages[d].import_path.clone(), dir(pkg_action(d)).join(EXPORT)))
            .collect();
        let syso = syso_closure(graph, i);
        let idx = PkgIdx(i as u32);
        let mut gcflags = s.req.goflags.gcflags.for_package(&pkg_facts(graph, pkg, i, main));
        if s.req.race {
            // `instrumentInit`'s forcedGcflags, before the package's -gcflags.
            gcflags.insert(0, "-race".into());
        }
        // After the imports: their export data is zipped with the first deps.
        deps.extend(pgo.as_ref().and_then(|p| p.action));
        let (o, c) = (dir(pkg_action(i)), cgo[i].as_ref());
        // -cover: the main module's and the command-line packages (`PrepareForCoverageBuild`).
        let cmdline = graph.roots.contains(&i) || i == main.get();
        let cover = s.req.cover && crate::cover::selected(pkg, cmdline, s.req.race);
        let extra = Extra { gcflags, pgo: pgo.as_ref(), cover };
        actions.push(package_action(s, pkg, idx, &o, deps, &dep_archives, c, syso, extra)?);
    }
    let packages: Vec<ActionIdx> = (0..n).map(pkg_action).collect();
    let link_idx = ActionIdx((n + first) as u32);
    actions.push(link_action(s, graph, main, width, first, link_idx, link));
    if header {
        let others = graph
            .packages
            .iter()
            .enumerate()
            .filter(|(_, p)| !p.standard && !p.cgo_files.is_empty())
            .map(|(i, _)| pkg_action(i))
            .collect();
        let dest = s.req.header_path.clone().ok_or_else(|| internal("a C archive without a header path"))?;
        actions.push(Action {
            kind: ActionKind::Header,
            label: format!("# {}", graph.packages[main.get()].import_path),
            deps: packages.clone(),
            key: None,
            steps: vec![Step::Header { main: pkg_action(main.get()), others, dest }],
            outputs: &[],
            weight: 1,
        });
    }
    actions.push(Action {
        kind: ActionKind::Install,
        label: format!("# {}", graph.packages[main.get()].import_path),
        deps: vec![link_idx],
        key: None,
        steps: vec![Step::Install {
            from: link_idx,
            file: LINKED,
            to: s.req.out_path.clone(),
            executable: s.req.kind == OutputKind::Binary,
        }],
        outputs: &[],
        weight: 1,
    });
    Ok(Plan { actions, width })
}

/// What `-gcflags`/`-ldflags` patterns match a package against: a package
/// given with `Build::package` (and a C archive's generated main) is a
/// command-line package, which settings without a pattern apply to.
fn pkg_facts<'g>(graph: &'g Graph, pkg: &'g Package, i: usize, main: PkgIdx) -> crate::goflags::PkgFacts<'g> {
    crate::goflags::PkgFacts {
        import_path: &pkg.import_path,
        dir: &pkg.dir,
        standard: pkg.standard,
        cmdline: graph.roots.contains(&i) || i == main.get(),
    }
}

fn internal(what: &str) -> Error {
    Error::new(ErrorKind::Config, format!("internal error in go-link-build's planner: {what}"))
}

/// The `-p` value: `main` for a main package, the import path otherwise.
fn p_flag(pkg: &Package) -> &str {
    if pkg.name == "main" {
        "main"
    } else {
        &pkg.import_path
    }
}

fn lang(tc: &Toolchain, pkg: &Package) -> Option<String> {
    if pkg.standard {
        // Std got no -lang in 1.21/1.22, the toolchain's own version since 1.23.
        (tc.minor >= 23).then(|| format!("go1.{}", tc.minor))
    } else {
        // Each package gets its own module's go line; none means 1.16.
        let go = pkg.module.as_ref().and_then(|m| m.go.as_deref()).unwrap_or("1.16");
        Some(crate::gomod::lang_version(go))
    }
}

/// What `-trimpath` rewrites the package directory to (`Action.trimpath`):
/// `module@version/sub/dir` for a dependency, the import path otherwise.
fn trim_target(pkg: &Package) -> String {
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

/// `.syso` files of a package and everything it depends on, sorted, for
/// the cgo dynimport link (`dynimport`'s `gatherSyso`).
fn syso_closure(graph: &Graph, i: usize) -> Vec<PathBuf> {
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

/// The facts of a package action's key.
fn package_key(s: &Setup<'_>, pkg: &Package, deps: &[(String, ActionIdx)], cgo: Option<&CgoFlags>) -> KeySpec {
    let mut k = KeySpec { kind: "build-package", ..KeySpec::default() };
    k.line("tool", s.tool_id);
    for (key, value) in s.ctx.tool_env() {
        k.line("env", format!("{key}={value}"));
    }
    k.line("goversion", &s.tc.version);
    k.line("importpath", &pkg.import_path);
    k.line("p", p_flag(pkg));
    k.line("std", pkg.standard);
    k.line("lang", format!("{:?}", lang(s.tc, pkg)));
    k.line("mode", format!("{:?}", s.req.mode));
    k.line("shared", s.req.mode.shared_codegen(&s.ctx.goos, &s.ctx.goarch));
    // The directory reaches the output only when it is not trimmed.
    if s.req.cfg.trimpath {
        k.line("trim", trim_target(pkg));
    } else {
        k.line("dir", pkg.dir.display());
    }
    for (src, dst) in &pkg.import_map {
        k.line("importmap", format!("{src}={dst}"));
    }
    if let Some(flags) = cgo {
        k.line("cc", s.ctool.map(|c| c.id.as_str()).unwrap_or("none"));
        k.line("export-header", s.req.mode == BuildMode::CArchive);
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
    // What the compiler reads of each import: its export data.
    k.inputs =
        deps.iter().map(|(label, a)| KeyInput { label: label.clone(), action: *a, file: Some(EXPORT) }).collect();
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
            let path = pkg.dir.join(f);
            let known = s.known_files.filter(|_| pkg.standard).and_then(|m| m.get(&path).cloned());
            k.files.push(KeyFile { label: format!("{kind} {f}"), path, by_stat: pkg.standard, known });
        }
    }
    if let Some(embed) = &pkg.embed {
        for (pattern, files) in &embed.patterns {
            k.line("embed-pattern", format!("{pattern} {}", files.join(",")));
        }
        for (rel, abs) in &embed.files {
            k.files.push(KeyFile {
                label: format!("embed-file {rel}"),
                path: abs.clone(),
                by_stat: pkg.standard,
                known: None,
            });
        }
    }
    k
}

/// What a package's compile gets beyond its sources: the user's
/// `-gcflags`, the PGO profile, and whether `-cover` instruments it.
struct Extra<'a> {
    gcflags: Vec<String>,
    pgo: Option<&'a PgoUse>,
    cover: bool,
}

#[allow(clippy::too_many_arguments)]
fn package_action(
    s: &Setup<'_>,
    pkg: &Package,
    idx: PkgIdx,
    o: &Path,
    deps: Vec<ActionIdx>,
    dep_archives: &[(String, PathBuf)],
    cgo: Option<&CgoFlags>,
    syso: Vec<PathBuf>,
    extra: Extra<'_>,
) -> Result<Action> {
    let Extra { gcflags, pgo, cover } = extra;
    let label = format!("# {}", pkg.import_path);
    let key_deps: Vec<(String, ActionIdx)> =
        dep_archives.iter().map(|(path, _)| path.clone()).zip(deps.iter().copied()).collect();
    let mut key = package_key(s, pkg, &key_deps, cgo);
    // The user's -gcflags for this package (none: no line, so keys of
    // builds without them stay what they were).
    if !gcflags.is_empty() {
        key.line("gcflags", format!("{gcflags:?}"));
    }
    if let Some(p) = pgo {
        p.key(&mut key);
    }
    let mut steps = Vec::new();
    steps.push(Step::Write { path: o.join("importcfg"), contents: importcfg(&pkg.import_map, dep_archives) });
    if let Some(embed) = &pkg.embed {
        steps.push(Step::Write { path: o.join("embedcfg"), contents: embed.to_json() });
    }
    // -cover: the cover tool first (cmd/go's cover action), its outputs
    // are what cgo and the compile read. Keyed as `buildActionID`'s
    // `cover` line: the mode and the tool; the rest of the pkgcfg (import
    // path, package name, module path) is in the key already or here.
    let cover_plan = cover.then(|| {
        let mode = crate::cover::mode(s.req.race);
        let tool = s.tc.tool(crate::toolchain::Tool::Cover);
        key.line("cover", format!("{mode} {}", pkg.module.as_ref().map(|m| m.path.as_str()).unwrap_or("")));
        key.files.push(KeyFile { label: "tool cover".into(), path: tool.clone(), by_stat: true, known: None });
        let mut inv = Invocation::new(tool, &pkg.dir);
        inv.env = tools::tool_env(s.ctx, Some(&s.tc.goroot));
        crate::cover::plan(pkg, o, mode, inv)
    });
    if let Some(c) = &cover_plan {
        steps.extend(c.steps.iter().cloned());
    }
    let mut trimpath = String::new();
    if s.req.cfg.trimpath {
        let _ = write!(trimpath, "{}=>{};", pkg.dir.display(), trim_target(pkg));
    }
    let _ = write!(trimpath, "{}=>", o.display());
    let shared = s.req.mode.shared_codegen(&s.ctx.goos, &s.ctx.goarch);
    // In a cgo package, assembly goes to the C compiler (except the
    // non-gcc_ files of runtime/cgo); the rest is Go assembly.
    let go_asm: Vec<&String> = if cgo.is_some() {
        pkg.s_files.iter().filter(|f| !crate::cgo::asm_to_gcc(pkg, f)).collect()
    } else {
        pkg.s_files.iter().collect()
    };
    let has_asm = !go_asm.is_empty();
    let cgo_plan = match cgo {
        None => None,
        Some(flags) => {
            let ctool = s.ctool.ok_or_else(|| {
                Error::new(ErrorKind::Config, format!("{label}\ncgo is enabled but no C toolchain was set up"))
            })?;
            Some(crate::cgo::plan(&crate::cgo::CgoStep {
                setup: s,
                ctool,
                pkg,
                flags,
                objdir: o,
                syso,
                label: &label,
                cgo_files: cover_plan.as_ref().map(|c| c.cgo_files.as_slice()),
            })?)
        }
    };
    if let Some(c) = &cgo_plan {
        steps.extend(c.steps.iter().cloned());
    }
    let asm_req = AsmRequest {
        tc: s.tc,
        ctx: s.ctx,
        import_path: p_flag(pkg),
        standard: pkg.standard,
        shared,
        trimpath: trimpath.clone(),
        objdir: o,
        pkg_dir: &pkg.dir,
    };
    if has_asm {
        steps.push(Step::Write { path: o.join("go_asm.h"), contents: String::new() });
        let mut inv = tools::asm_base(&asm_req);
        inv.arg("-gensymabis").arg("-o").arg(o.join("symabis"));
        for f in &go_asm {
            inv.arg(format!("./{f}"));
        }
        steps.push(Step::Run { tool: Tool::Symabis, inv });
    }
    let req = CompileRequest {
        tc: s.tc,
        ctx: s.ctx,
        import_path: &pkg.import_path,
        p: p_flag(pkg),
        standard: pkg.standard,
        lang: lang(s.tc, pkg),
        complete: tools::complete(pkg.standard, &pkg.import_path, n_non_go(pkg)),
        shared,
        trimpath: trimpath.clone(),
        objdir: o,
        output: o.join(EXPORT),
        linkobj: Some(o.join(ARCHIVE)),
        build_id: None,
        has_asm,
        embedcfg: pkg.embed.is_some(),
        files: match &cover_plan {
            Some(c) => c.go_files.clone(),
            None => pkg.go_files.iter().map(|f| pkg.dir.join(f)).collect(),
        }
        .into_iter()
        .chain(cgo_plan.iter().flat_map(|c| c.go_files.iter().cloned()))
        .collect(),
        concurrency: s.threads.min(4),
        gcflags,
        installsuffix: s.req.race.then_some("race"),
        pgoprofile: pgo.map(|p| p.file.clone()),
        coveragecfg: cover_plan.as_ref().map(|c| c.cfg.clone()),
    };
    let mut inv = tools::compile(&req);
    inv.cwd = pkg.dir.clone();
    steps.push(Step::Compile { inv, optional: cgo_plan.iter().map(|c| c.import_go.clone()).collect() });
    let mut members = Vec::new();
    for f in &go_asm {
        let obj = o.join(format!("{}.o", f.strip_suffix(".s").unwrap_or(f)));
        let mut inv = tools::asm_base(&asm_req);
        inv.arg("-o").arg(&obj).arg(format!("./{f}"));
        steps.push(Step::Run { tool: Tool::Asm, inv });
        members.push(Member::File(obj));
    }
    if let Some(c) = &cgo_plan {
        members.extend(c.members.iter().cloned());
    }
    members.extend(pkg.syso_files.iter().map(|f| Member::File(pkg.dir.join(f))));
    if !members.is_empty() {
        steps.push(Step::Pack { archive: o.join(ARCHIVE), members });
    }
    Ok(Action {
        kind: ActionKind::Package(idx),
        label,
        deps,
        key: Some(key),
        steps,
        outputs: &[ARCHIVE, EXPORT, CGO_HEADER],
        weight: pkg.go_files.len() as u64 + 1,
    })
}

/// How the package actions use the PGO profile (cmd/go's `-pgo`).
struct PgoUse {
    /// What compile gets as `-pgoprofile`.
    file: PathBuf,
    /// The preprofile action (Go 1.23+), whose output is keyed by content.
    action: Option<ActionIdx>,
    /// The raw profile's SHA-256 (Go 1.21/1.22, where compile reads it).
    sha256: String,
}

impl PgoUse {
    /// The profile in a package's key (`buildActionID`'s `pgofile` line):
    /// what compile reads of it, by content.
    fn key(&self, k: &mut KeySpec) {
        match self.action {
            Some(action) => k.inputs.push(KeyInput { label: "pgofile".into(), action, file: Some(PREPROFILE) }),
            None => k.line("pgofile", &self.sha256),
        }
    }
}

/// Sets up PGO for the packages: Go 1.21/1.22 compile with the profile
/// itself; 1.23+ with its preprocessed form (`pgoActor`: `preprofile -o
/// pgo.preprofile -i <profile>`, once per build, cached on the profile's
/// content), an action pushed onto `actions` here.
fn pgo_use(s: &Setup<'_>, profile: &Profile, actions: &mut Vec<Action>, width: usize) -> PgoUse {
    let sha256 = crate::cache::hex(&profile.sha256);
    if !pgo::preprocesses(s.tc.minor) {
        return PgoUse { file: profile.path.clone(), action: None, sha256 };
    }
    let idx = ActionIdx(actions.len() as u32);
    let o = work_dir(idx, width);
    let tool = s.tc.tool(crate::toolchain::Tool::Preprofile);
    let mut k = KeySpec { kind: "preprofile", ..KeySpec::default() };
    k.line("tool", s.tool_id);
    k.lines.extend(pgo::preprofile_key_lines(profile));
    k.files.push(KeyFile { label: "tool preprofile".into(), path: tool.clone(), by_stat: true, known: None });
    let env = tools::tool_env(s.ctx, Some(&s.tc.goroot));
    let inv = pgo::preprofile_invocation(&tool, &profile.path, &o.join(PREPROFILE), &o, env);
    actions.push(Action {
        kind: ActionKind::Preprofile,
        label: format!("# preprofile {}", profile.path.display()),
        deps: Vec::new(),
        key: Some(k),
        steps: vec![Step::Run { tool: Tool::Preprofile, inv }],
        outputs: &[PREPROFILE],
        weight: 1,
    });
    PgoUse { file: o.join(PREPROFILE), action: Some(idx), sha256 }
}

fn link_action(
    s: &Setup<'_>,
    graph: &Graph,
    main: PkgIdx,
    width: usize,
    first: usize,
    idx: ActionIdx,
    link: &LinkSettings,
) -> Action {
    // Package i is action first + i (a preprofile action comes before them).
    let pkg_idx = |i: usize| ActionIdx((i + first) as u32);
    let pkg_dir = |i: usize| work_dir(pkg_idx(i), width);
    let o = &work_dir(idx, width);
    let mut k = KeySpec { kind: "link", ..KeySpec::default() };
    k.line("tool", s.tool_id);
    for (key, value) in s.ctx.tool_env() {
        k.line("env", format!("{key}={value}"));
    }
    k.line("mode", format!("{:?}", s.req.mode));
    k.line("trimpath", s.req.cfg.trimpath);
    k.line("goroot", format!("{:?}", tools::link_goroot(s.tc, s.req.cfg.trimpath)));
    k.line("main", &graph.packages[main.get()].import_path);
    k.line("godebug", &link.godebug_default);
    k.line("modinfo", &link.modinfo);
    k.line("strip", s.req.cfg.strip);
    for (a, b) in &s.req.cfg.x {
        k.line("x", format!("{a}={b}"));
    }
    k.line("ext", format!("{:?}", link.ext));
    k.line("macos", format!("{:?}", link.macos_min));
    // The user's -ldflags for the main package (cmd/go: `BuildLdflags.For(root.Package)`).
    let main_pkg = &graph.packages[main.get()];
    let mut ldflags = s.req.goflags.ldflags.for_package(&pkg_facts(graph, main_pkg, main.get(), main));
    if s.req.race {
        // forcedLdflags, before the package's -ldflags.
        ldflags.insert(0, "-race".into());
    }
    if !ldflags.is_empty() {
        k.line("ldflags", format!("{ldflags:?}"));
    }
    // What the linker reads of each package: its link object.
    k.inputs = graph
        .packages
        .iter()
        .enumerate()
        .map(|(i, p)| KeyInput { label: p.import_path.clone(), action: pkg_idx(i), file: Some(ARCHIVE) })
        .collect();
    let mut cfg = String::new();
    let main_archive = pkg_dir(main.get()).join(ARCHIVE);
    let _ = writeln!(cfg, "packagefile {}={}", main_pkg.import_path, main_archive.display());
    for (i, pkg) in graph.packages.iter().enumerate() {
        if i != main.get() {
            let _ = writeln!(cfg, "packagefile {}={}", pkg.import_path, pkg_dir(i).join(ARCHIVE).display());
        }
    }
    let _ = writeln!(cfg, "{}", link.modinfo);
    let importcfg = o.join("importcfg.link");
    let inv = tools::link(&tools::LinkRequest {
        tc: s.tc,
        ctx: s.ctx,
        cfg: s.req.into(),
        output: o.join(LINKED),
        importcfg: importcfg.clone(),
        main_archive,
        godebug_default: &link.godebug_default,
        build_id: format!("{0}/{0}/{0}/{0}", ACTION_ID),
        cmd_build_id: tools::cmd_build_id(main_pkg.standard, &main_pkg.import_path, &s.ctx.goos, &s.ctx.goarch),
        ldflags: &ldflags,
        installsuffix: s.req.race.then_some("race"),
        ext: link.ext.as_ref(),
        macos_min: link.macos_min.as_deref(),
        cwd: o.to_path_buf(),
    });
    Action {
        kind: ActionKind::Link,
        label: format!("# {}", main_pkg.import_path),
        deps: (0..graph.packages.len()).map(pkg_idx).collect(),
        key: Some(k),
        steps: vec![Step::Write { path: importcfg, contents: cfg }, Step::Run { tool: Tool::Link, inv }],
        outputs: &[LINKED],
        weight: 1,
    }
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

    #[test]
    fn work_dirs_have_one_width() {
        assert_eq!(work_dir(ActionIdx(0), 3), PathBuf::from("$WORK/b001"));
        assert_eq!(work_dir(ActionIdx(1233), 4), PathBuf::from("$WORK/b1234"));
    }
}
