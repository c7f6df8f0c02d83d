//! The cgo steps of one package, as cmd/go runs them (`runCgo`, the C
//! compile actions, `processCgoOutputs` and `dynimport`):
//!
//! 1. `cgo -objdir $O/ -importpath P … -- $CPPFLAGS -I $O/ $CFLAGS files`
//!    writes `_cgo_gotypes.go`, `x.cgo1.go`, `_cgo_export.c`, `x.cgo2.c`,
//!    `_cgo_main.c` (and `_cgo_install.h` for C archives);
//! 2. the C compiler turns `_cgo_export.c`, each `x.cgo2.c` and the package's
//!    own C/assembly/Objective-C/C++ files into `$O/_x001.o`, `_x002.o`, …,
//!    in parallel;
//! 3. `_cgo_main.c` and those objects are linked into `_cgo_.o` and
//!    `cgo -dynimport` writes `_cgo_import.go`; when that link fails the
//!    package gets a `dynimportfail` marker instead, which makes the Go
//!    linker link externally (golang/go#52863), exactly like cmd/go.
//!
//! The Go compile of the package then takes its Go files plus the generated
//! ones, and the objects are appended to its archive.
//!
//! [`plan`] turns these into steps of the package's action (data; the
//! executor runs them); [`package_flags`] evaluates a package's `#cgo` flags,
//! running pkg-config, before planning.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use crate::cgoflags::CgoFlags;
use crate::context::BuildContext;
use crate::ctool::{self, CTool};
use crate::error::{Error, ErrorKind, Result};
use crate::exec::Invocation;
use crate::load::Package;
use crate::plan::{Member, Setup, Step, Tool};
use crate::tools::BuildMode;

/// The planned cgo steps of one package, and what they produce for the Go
/// compile and the archive.
pub(crate) struct CgoPlan {
    pub steps: Vec<Step>,
    /// Generated Go files to compile with the package.
    pub go_files: Vec<PathBuf>,
    /// `_cgo_import.go`, compiled too when the dynimport step wrote it.
    pub import_go: PathBuf,
    /// Objects (and marker files) to append after the Go assembly objects.
    pub members: Vec<Member>,
}

/// One package's cgo steps to plan.
pub(crate) struct CgoStep<'a> {
    pub setup: &'a Setup<'a>,
    pub ctool: &'a CTool,
    pub pkg: &'a Package,
    pub flags: &'a CgoFlags,
    /// The package action's (symbolic) directory.
    pub objdir: &'a Path,
    /// `.syso` files of this package and its dependencies, for the dynimport link.
    pub syso: Vec<PathBuf>,
    pub label: &'a str,
    /// What cgo translates instead of the package's cgo files: their
    /// instrumented copies under `-cover` (cmd/go runs cover before cgo).
    pub cgo_files: Option<&'a [PathBuf]>,
}

/// Whether an assembly file of a cgo package goes to the C compiler: all of
/// them, except in runtime/cgo where only `gcc_*` files do.
pub(crate) fn asm_to_gcc(pkg: &Package, file: &str) -> bool {
    !(pkg.standard && pkg.import_path == "runtime/cgo") || file.starts_with("gcc_")
}

fn objdir_slash(o: &Path) -> OsString {
    let mut s = o.as_os_str().to_owned();
    s.push(std::path::MAIN_SEPARATOR_STR);
    s
}

/// The quoted `CC` value cgo reads from its environment.
fn cc_env_value(cmd: &[OsString]) -> OsString {
    let parts: Vec<String> = cmd
        .iter()
        .map(|a| {
            let s = a.to_string_lossy().into_owned();
            if s.contains([' ', '\t', '\'', '"']) {
                format!("'{}'", s.replace('\'', "'\\''"))
            } else {
                s
            }
        })
        .collect();
    parts.join(" ").into()
}

/// Plans the cgo steps of a package. Runs nothing.
pub(crate) fn plan(req: &CgoStep<'_>) -> Result<CgoPlan> {
    let (pkg, o, ctx, tc) = (req.pkg, req.objdir, req.setup.ctx, req.setup.tc);
    if !pkg.f_files.is_empty() {
        return Err(Error::new(
            ErrorKind::Unsupported,
            format!("{}\nFortran files ({}) are not supported by go-link-build", req.label, pkg.f_files.join(", ")),
        ));
    }
    let mut steps = Vec::new();
    let mut tool_env = crate::tools::tool_env(ctx, Some(&tc.goroot));
    tool_env.push(("TERM".into(), "dumb".into()));
    tool_env.push(("CC".into(), cc_env_value(&req.ctool.cc)));
    tool_env.extend(req.ctool.env.iter().cloned());

    // 1. The cgo tool.
    let cgo_bin = tc.tool_dir.join(format!("cgo{}", std::env::consts::EXE_SUFFIX));
    let mut inv = Invocation::new(&cgo_bin, &pkg.dir);
    inv.env = tool_env.clone();
    inv.arg("-objdir").arg(objdir_slash(o));
    inv.arg("-importpath").arg(&pkg.import_path);
    if pkg.standard && pkg.import_path == "runtime/cgo" {
        inv.arg("-import_runtime_cgo=false");
    }
    if pkg.standard
        && matches!(pkg.import_path.as_str(), "runtime/cgo" | "runtime/race" | "runtime/msan" | "runtime/asan")
    {
        inv.arg("-import_syscall=false");
    }
    if req.setup.req.mode == BuildMode::CArchive {
        let mut f = OsString::from("-exportheader=");
        f.push(o.join(crate::plan::CGO_HEADER));
        inv.arg(f);
    }
    if let Some(option) = crate::cgoflags::ldflags_option(&req.flags.ldflags) {
        if tc.minor >= 23 {
            // 1.23+: LDFLAGS as a flag, with CGO_LDFLAGS blanked so cgo does
            // not copy them a second time (golang/go#66456).
            inv.arg(option);
            inv.env("CGO_LDFLAGS", "");
        } else {
            inv.env("CGO_LDFLAGS", req.flags.ldflags.join(" "));
        }
    }
    inv.arg("--");
    for f in &req.flags.cppflags {
        inv.arg(f);
    }
    inv.arg("-I").arg(objdir_slash(o));
    for f in &req.flags.cflags {
        inv.arg(f);
    }
    let inputs: Vec<PathBuf> = match req.cgo_files {
        Some(files) => files.to_vec(),
        None => pkg.cgo_files.iter().map(|f| pkg.dir.join(f)).collect(),
    };
    for f in &inputs {
        inv.arg(f);
    }
    steps.push(Step::Run { tool: Tool::Cgo, inv });

    let mut go_files = vec![o.join("_cgo_gotypes.go")];
    let mut c_sources: Vec<(PathBuf, bool)> = vec![(o.join("_cgo_export.c"), false)];
    for f in &inputs {
        // cgo names its outputs after the input's base name (`x.cover.cgo1.go` under -cover).
        let f = f.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let stem = f.strip_suffix(".go").unwrap_or(&f);
        go_files.push(o.join(format!("{stem}.cgo1.go")));
        c_sources.push((o.join(format!("{stem}.cgo2.c")), false));
    }
    // The package's own files, numbered `_x%03d.o` in cmd/go's order (the
    // names are archive members, so the order shows in the output):
    // 1.21-1.25 (`Builder.cgo`, gccfiles = C then .S/.sx): C, assembly, C++,
    // Objective-C; 1.26+ (`Builder.cgoAction`): assembly, C and
    // Objective-C, C++.
    let asm = pkg.s_files.iter().filter(|f| asm_to_gcc(pkg, f));
    let own: Vec<(&String, bool)> = if tc.minor >= 26 {
        asm.chain(&pkg.c_files)
            .chain(&pkg.m_files)
            .map(|f| (f, false))
            .chain(pkg.cxx_files.iter().map(|f| (f, true)))
            .collect()
    } else {
        pkg.c_files
            .iter()
            .chain(asm)
            .map(|f| (f, false))
            .chain(pkg.cxx_files.iter().map(|f| (f, true)))
            .chain(pkg.m_files.iter().map(|f| (f, false)))
            .collect()
    };
    for (f, cxx) in own {
        c_sources.push((pkg.dir.join(f), cxx));
    }

    // 2. C compiles, in parallel.
    let mut cflags: Vec<OsString> = req.flags.cppflags.iter().map(OsString::from).collect();
    cflags.push("-I".into());
    cflags.push(objdir_slash(o));
    let cxxflags: Vec<OsString> = cflags.iter().cloned().chain(req.flags.cxxflags.iter().map(OsString::from)).collect();
    cflags.extend(req.flags.cflags.iter().map(OsString::from));
    let mut prefix: Vec<OsString> = Vec::new();
    if req.setup.req.cfg.trimpath || pkg.standard {
        // `Builder.ccompile`: GOROOT, the vendor directory, or the module root.
        let (from, to) = match &pkg.module {
            _ if pkg.standard => (tc.goroot.clone(), "GOROOT".to_string()),
            Some(m) if m.vendored => (m.root.clone(), "vendor".to_string()),
            Some(m) if m.version.is_empty() => (m.root.clone(), m.path.clone()),
            Some(m) => (m.root.clone(), format!("{}@{}", m.path, m.version)),
            None => (pkg.dir.clone(), pkg.import_path.clone()),
        };
        prefix.extend(req.ctool.prefix_map(&from, &to));
    }
    if req.ctool.supports("-frandom-seed=1") {
        prefix.push(format!("-frandom-seed={}", crate::plan::ACTION_ID).into());
    }
    let c_env = ctool::base_env(&req.ctool.env);
    let compile = |src: &Path, out: &Path, cxx: bool, extra: &[OsString]| -> Invocation {
        let compiler = if cxx { &req.ctool.cxx } else { &req.ctool.cc };
        let argv = req.ctool.base_cmd(compiler, ctx, &pkg.dir, o);
        // `Builder.ccompile` runs the compiler in the file's directory (the
        // package directory, or the objdir for cgo's generated files) with
        // the bare file name, so the DWARF names the file `helper.c` under a
        // comp_dir the prefix maps rewrite, as in `go build`'s output.
        let mut inv = Invocation::new(&argv[0], src.parent().unwrap_or(o));
        inv.env = c_env.clone();
        for a in &argv[1..] {
            inv.arg(a);
        }
        for a in if cxx { &cxxflags } else { &cflags } {
            inv.arg(a);
        }
        for a in extra {
            inv.arg(a);
        }
        inv.arg("-o").arg(out).arg("-c").arg(src.file_name().unwrap_or(src.as_os_str()));
        inv
    };
    let mut members = Vec::new();
    let mut objects = Vec::new();
    // Flags the internal linker cannot honour (-flto, …) make cmd/link prefer
    // external linking, through this marker member.
    let f = req.flags;
    if crate::cgoflags::not_compatible_with_internal_linking(&[&f.cflags, &f.cxxflags, &f.fflags]) {
        let marker = o.join("preferlinkext");
        steps.push(Step::Write { path: marker.clone(), contents: String::new() });
        members.push(Member::File(marker.clone()));
        objects.push(marker);
    }
    let mut invs = Vec::new();
    for (i, (src, cxx)) in c_sources.iter().enumerate() {
        let out = o.join(format!("_x{:03}.o", i + 1));
        invs.push(compile(src, &out, *cxx, &prefix));
        members.push(Member::File(out.clone()));
        objects.push(out);
    }
    steps.push(Step::Parallel { tool: Tool::CCompile, invs });

    // 3. dynimport: link a test executable, read its dynamic imports.
    let main_o = o.join("_cgo_main.o");
    steps.push(Step::Run { tool: Tool::CCompile, inv: compile(&o.join("_cgo_main.c"), &main_o, false, &prefix) });
    let argv = req.ctool.base_cmd(&req.ctool.cc, ctx, &pkg.dir, o);
    let dynobj = o.join("_cgo_.o");
    let mut link = Invocation::new(&argv[0], o);
    link.env = c_env.clone();
    for a in &argv[1..] {
        link.arg(a);
    }
    link.arg("-o").arg(&dynobj).arg(&main_o);
    for obj in &objects {
        link.arg(obj);
    }
    for s in &req.syso {
        link.arg(s);
    }
    let mut ldflags = req.flags.ldflags.clone();
    if (ctx.goarch == "arm" && ctx.goos == "linux") || ctx.goos == "android" {
        if !ldflags.iter().any(|f| f == "-no-pie") {
            ldflags.push("-pie".into());
        }
        if ldflags.iter().any(|f| f == "-pie") && ldflags.iter().any(|f| f == "-static") {
            ldflags.retain(|f| f != "-static");
        }
    }
    for f in &ldflags {
        link.arg(f);
    }
    let import_go = o.join("_cgo_import.go");
    let mut dynimport = Invocation::new(&cgo_bin, o);
    dynimport.env = tool_env;
    dynimport.arg("-dynpackage").arg(&pkg.name).arg("-dynimport").arg(&dynobj).arg("-dynout").arg(&import_go);
    if pkg.standard && pkg.import_path == "runtime/cgo" {
        dynimport.arg("-dynlinker");
    }
    // Only internal linking needs this information; cmd/link reads the
    // marker's name and links externally.
    let fail_marker = o.join("dynimportfail");
    steps.push(Step::DynImport { link, dynimport, fail_marker: fail_marker.clone() });
    members.push(Member::IfExists(fail_marker));
    Ok(CgoPlan { steps, go_files, import_go, members })
}

/// The evaluated `#cgo` flags of a cgo package (env flags first, then the
/// package's own, checked against cmd/go's allowlist, then pkg-config's),
/// or `None` for a package without cgo. Runs pkg-config, so it belongs to
/// the phase before planning.
pub(crate) fn package_flags(ctx: &BuildContext, env: &crate::env::Env, pkg: &Package) -> Result<Option<CgoFlags>> {
    if pkg.cgo_files.is_empty() {
        return Ok(None);
    }
    let mut directives = crate::cgoflags::CgoDirectives::default();
    for (file, lines) in &pkg.cgo_preambles {
        let lines = lines.iter().map(|(n, l)| (*n as usize, l.as_str()));
        crate::cgoflags::parse_cgo_text_lines(ctx, &pkg.dir, file, lines, &mut directives)
            .map_err(|e| e.context(format!("# {}", pkg.import_path)))?;
    }
    let var = |k: &str| env.var(k);
    let mut flags =
        crate::cgoflags::cgo_flags(&directives, &var).map_err(|e| e.context(format!("# {}", pkg.import_path)))?;
    add_pkg_config(&mut flags, &directives, &pkg.import_path, &var, &pkg.dir)?;
    Ok(Some(flags))
}

/// Runs `pkg-config --cflags` and `--libs` for a package's `#cgo
/// pkg-config:` names, as cmd/go's `getPkgConfigFlags` does: options on
/// cmd/go's allowlist go before `--`, package names after it, and the output
/// is checked against the flag allowlist like `#cgo` flags before it is
/// appended to the final CPPFLAGS and LDFLAGS.
pub(crate) fn add_pkg_config(
    flags: &mut CgoFlags,
    d: &crate::cgoflags::CgoDirectives,
    import_path: &str,
    env: &dyn Fn(&str) -> Option<String>,
    dir: &Path,
) -> Result<()> {
    use crate::cgoflags::{check_flags, env_list, pkg_config_args, split_pkg_config_output};
    if d.pkg_config.is_empty() {
        return Ok(());
    }
    let ctx = |e: Error| e.context(format!("# {import_path}"));
    let (opts, pkgs) = pkg_config_args(&d.pkg_config).map_err(ctx)?;
    let program = env_list("PKG_CONFIG", "pkg-config", env).map_err(ctx)?;
    if program.is_empty() {
        // Only white space: no program to run (cmd/go indexes an empty list here).
        return Err(ctx(Error::new(
            crate::error::ErrorKind::Config,
            format!(
                "PKG_CONFIG is {:?}, which names no program: unset it to run pkg-config, or set it to the \
                 pkg-config to run",
                env("PKG_CONFIG").unwrap_or_default()
            ),
        )));
    }
    // Builder.PkgconfigCmd: only the first word of PKG_CONFIG runs; cmd/go
    // (1.21 to 1.27) drops the others (`PKG_CONFIG="pkg-config --static"`
    // runs `pkg-config`), and so does a build here.
    let program = &program[0];
    let run = |what: &str| -> Result<Vec<String>> {
        let mut inv = Invocation::new(program, dir);
        inv.env = ctool::base_env(&[]);
        for var in ["PKG_CONFIG_PATH", "PKG_CONFIG_LIBDIR", "PKG_CONFIG_SYSROOT_DIR", "PKG_CONFIG_ALLOW_CROSS"] {
            if let Some(v) = env(var) {
                inv.env(var, v);
            }
        }
        inv.arg(what);
        for o in &opts {
            inv.arg(o);
        }
        inv.arg("--");
        for p in &pkgs {
            inv.arg(p);
        }
        // getPkgConfigFlags's description of the command (the words joined
        // as it joins them, so no options leave two spaces), under the
        // package's header as cmdError prints it: `# importpath` then
        // `# [desc]`; then pkg-config's output, then what to do.
        let desc = format!("{program} {what} {} -- {}", opts.join(" "), pkgs.join(" "));
        let out = inv.run(&format!("# {import_path}\n# [{desc}]")).map_err(|e| {
            Error::new(
                e.kind(),
                format!(
                    "{e}\npkg-config failed for the `#cgo pkg-config:` line of {import_path}: install pkg-config \
                     and the development files that provide {}, or point PKG_CONFIG_PATH (and \
                     PKG_CONFIG_SYSROOT_DIR when cross-compiling) at the directory holding the .pc files",
                    pkgs.iter().map(|p| format!("{p}.pc")).collect::<Vec<_>>().join(", ")
                ),
            )
        })?;
        split_pkg_config_output(&out.stdout).map_err(ctx)
    };
    let cflags = run("--cflags")?;
    check_flags("CFLAGS", "pkg-config --cflags", &cflags, env).map_err(ctx)?;
    let libs = run("--libs")?;
    check_flags("LDFLAGS", "pkg-config --libs", &libs, env).map_err(ctx)?;
    flags.cppflags.extend(cflags);
    flags.ldflags.extend(libs);
    Ok(())
}
