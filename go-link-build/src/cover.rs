//! `go build -cover`: which packages are instrumented, the cover tool's run
//! and what the compile gets from it, planned as data.
//!
//! Ported from cmd/go (the coverage redesign, the only `-cover` of `go build`
//! since Go 1.20): `load.PrepareForCoverageBuild` and `SelectCoverPackages`
//! (which packages), `work.BuildInit` (the mode: `set`, `atomic` with
//! `-race`), `Builder.runCover` (Go 1.26+; in `Builder.build` before) and
//! `Builder.cover` (`cover2` before Go 1.25) with `writeCoverPkgInputs` (the
//! cover tool's inputs and outputs), `gcToolchain.gc` (`-coveragecfg`) and
//! `load.LinkerDeps` (`runtime/coverage`, in `load/mod.rs`). Pure: no IO.
//!
//! The cover tool runs inside the package action, before cgo (which then
//! translates the instrumented files) and the compile, as in cmd/go, where
//! the cover action's outputs are the build action's inputs and cached with
//! it. The instrumented files name the source by its absolute path
//! (`//line`), which the compile's `-trimpath` rewrites like the source's.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::exec::Invocation;
use crate::load::Package;
use crate::plan::{Step, Tool};

/// The coverage mode (`BuildInit`: `-covermode` is `set` by default,
/// `atomic` with `-race`; go-link-build has no `-covermode`).
pub(crate) fn mode(race: bool) -> &'static str {
    if race {
        "atomic"
    } else {
        "set"
    }
}

/// Whether `go build -cover` instruments `pkg` (`PrepareForCoverageBuild`
/// without `-coverpkg`: the command-line packages and the main module's,
/// then `SelectCoverPackages`'s exclusions). `cmdline`: given with
/// `Build::package` (or the program's main package).
pub(crate) fn selected(pkg: &Package, cmdline: bool, atomic: bool) -> bool {
    // matchMainModAndCommandLine: a main module's packages have no version.
    let main_module = !pkg.standard && pkg.module.as_ref().is_some_and(|m| m.version.is_empty());
    if !(cmdline || main_module) {
        return false;
    }
    // Nothing to cover in unsafe, nor in a package without Go files.
    if pkg.import_path == "unsafe" || pkg.go_files.len() + pkg.cgo_files.len() == 0 {
        return false;
    }
    // Atomic mode uses sync/atomic, which cannot be covered then.
    !(atomic
        && pkg.standard
        && matches!(pkg.import_path.as_str(), "sync/atomic" | "internal/runtime/atomic" | "runtime/internal/atomic"))
    // Not ported: SelectCoverPackages's "regonly" mode for the runtime's
    // packages under -race, reachable only when such a package is named on
    // the command line (or by -coverpkg, which go-link-build does not have).
}

/// Why `Build::cover` cannot build with this toolchain: Go 1.21 to 1.24 with
/// `GOEXPERIMENT=nocoverageredesign` have no `go build -cover` (cmd/go adds
/// the flag only with the `CoverageRedesign` experiment; the older coverage
/// is `go test`'s alone). The experiment is gone, always on, since Go 1.25.
pub(crate) fn check(minor: u32, experiments: &[String]) -> Result<(), String> {
    if minor < 25 && !experiments.iter().any(|e| e == "coverageredesign") {
        return Err(format!(
            "Build::cover needs Go's coverage redesign, which GOEXPERIMENT turns off (nocoverageredesign) for \
             this Go 1.{minor} build: go build has no -cover then; remove nocoverageredesign from GOEXPERIMENT"
        ));
    }
    Ok(())
}

/// The prefix of the variables the cover tool adds to a package
/// (`runCover`: `goCover_` and 12 hex digits of the import path's SHA-256,
/// so they cannot collide with the package's own names by accident).
pub(crate) fn var_name(import_path: &str) -> String {
    let sum = crate::cache::digest(import_path.as_bytes());
    format!("goCover_{}_", crate::cache::hex(&sum[..6]))
}

/// The cover tool's package configuration (`writeCoverPkgInputs`:
/// `covcmd.CoverPkgConfig` as `json.Marshal` writes it; granularity is
/// always `perblock`, `Local` false in module mode, no meta-data file for
/// a build).
pub(crate) fn pkgcfg_json(out_config: &Path, pkg: &Package) -> String {
    let module = pkg.module.as_ref().map(|m| m.path.as_str()).unwrap_or("");
    let mut s = String::from("{\"OutConfig\":");
    crate::load::embed::json_string(&mut s, &out_config.display().to_string());
    s.push_str(",\"PkgPath\":");
    crate::load::embed::json_string(&mut s, &pkg.import_path);
    s.push_str(",\"PkgName\":");
    crate::load::embed::json_string(&mut s, &pkg.name);
    s.push_str(",\"Granularity\":\"perblock\",\"ModulePath\":");
    crate::load::embed::json_string(&mut s, module);
    s.push_str(",\"Local\":false,\"EmitMetaFile\":\"\"}");
    s
}

/// The cover step of one package, and what the later steps use instead of
/// the package's own files.
pub(crate) struct CoverPlan {
    pub steps: Vec<Step>,
    /// What the compile gets instead of the package's Go files (without
    /// `import "C"`): `covervars.go` first, then each file's instrumented copy.
    pub go_files: Vec<PathBuf>,
    /// What cgo translates instead of the package's cgo files.
    pub cgo_files: Vec<PathBuf>,
    /// The compiler's `-coveragecfg` (written by the cover tool).
    pub cfg: PathBuf,
}

/// Plans `cover -pkgcfg … -mode … -var … -outfilelist … <files>` for `pkg`
/// in its action directory `o` (`runCover` and `Builder.cover`): every Go
/// and cgo file becomes `<o>/<name>.cover.go`, plus `<o>/covervars.go` with
/// the counters and meta-data. `inv` is the cover tool with the package's
/// directory as cwd and the tool environment.
pub(crate) fn plan(pkg: &Package, o: &Path, mode: &str, mut inv: Invocation) -> CoverPlan {
    let cover_file = |f: &String| o.join(format!("{}.cover.go", f.strip_suffix(".go").unwrap_or(f)));
    let go_out: Vec<PathBuf> = pkg.go_files.iter().map(cover_file).collect();
    let cgo_out: Vec<PathBuf> = pkg.cgo_files.iter().map(cover_file).collect();
    let covervars = o.join("covervars.go");
    let cfg = o.join("coveragecfg");
    let pkgcfg = o.join("pkgcfg.txt");
    let outfilelist = o.join("coveroutfiles.txt");
    let mut list = String::new();
    for f in std::iter::once(&covervars).chain(&go_out).chain(&cgo_out) {
        let _ = writeln!(list, "{}", f.display());
    }
    inv.arg("-pkgcfg").arg(&pkgcfg);
    inv.arg("-mode").arg(mode);
    inv.arg("-var").arg(var_name(&pkg.import_path));
    inv.arg("-outfilelist").arg(&outfilelist);
    for f in pkg.go_files.iter().chain(&pkg.cgo_files) {
        inv.arg(pkg.dir.join(f));
    }
    let steps = vec![
        Step::Write { path: pkgcfg, contents: pkgcfg_json(&cfg, pkg) },
        Step::Write { path: outfilelist, contents: list },
        Step::Run { tool: Tool::Cover, inv },
    ];
    let go_files = std::iter::once(covervars).chain(go_out).collect();
    CoverPlan { steps, go_files, cgo_files: cgo_out, cfg }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::modload::ModuleRef;

    fn pkg(import_path: &str, name: &str, module: Option<(&str, &str)>, standard: bool) -> Package {
        Package {
            import_path: import_path.into(),
            name: name.into(),
            dir: PathBuf::from("/src/m/lib"),
            standard,
            module: module.map(|(path, version)| ModuleRef {
                path: path.into(),
                version: version.into(),
                ..ModuleRef::default()
            }),
            go_files: vec!["a.go".into(), "b.go".into()],
            ..Package::default()
        }
    }

    #[test]
    fn var_names_like_run_cover() {
        // From `go build -x -cover` of tests/fixtures/goflags (Go 1.26).
        assert_eq!(var_name("example.com/goflags/lib"), "goCover_64fa3c348c4e_");
        assert_eq!(var_name("example.com/goflags"), "goCover_497a2f6a73e4_");
    }

    #[test]
    fn pkgcfg_like_write_cover_pkg_inputs() {
        let p = pkg("example.com/goflags/lib", "lib", Some(("example.com/goflags", "")), false);
        assert_eq!(
            pkgcfg_json(Path::new("$WORK/b002/coveragecfg"), &p),
            r#"{"OutConfig":"$WORK/b002/coveragecfg","PkgPath":"example.com/goflags/lib","PkgName":"lib","Granularity":"perblock","ModulePath":"example.com/goflags","Local":false,"EmitMetaFile":""}"#
        );
        let std = pkg("fmt<&>", "fmt", None, true);
        assert!(pkgcfg_json(Path::new("/o"), &std).contains(r#""PkgPath":"fmt\u003c\u0026\u003e""#));
        assert!(pkgcfg_json(Path::new("/o"), &std).contains(r#""ModulePath":"""#));
    }

    #[test]
    fn main_module_and_command_line_packages_are_covered() {
        let main_mod = pkg("example.com/m/lib", "lib", Some(("example.com/m", "")), false);
        assert!(selected(&main_mod, false, false));
        let dep = pkg("golang.org/x/text", "text", Some(("golang.org/x/text", "v0.3.0")), false);
        assert!(!selected(&dep, false, false), "a dependency module is not covered");
        assert!(selected(&dep, true, false), "unless named on the command line");
        let fmt = pkg("fmt", "fmt", None, true);
        assert!(!selected(&fmt, false, false));
        let atomic = pkg("sync/atomic", "atomic", None, true);
        assert!(selected(&atomic, true, false) && !selected(&atomic, true, true));
        let mut empty = main_mod.clone();
        empty.go_files.clear();
        assert!(!selected(&empty, true, false), "no Go files, nothing to cover");
        empty.cgo_files.push("c.go".into());
        assert!(selected(&empty, true, false));
        assert!(!selected(&pkg("unsafe", "unsafe", None, true), true, false));
        assert_eq!((mode(false), mode(true)), ("set", "atomic"));
    }

    #[test]
    fn coverage_redesign_is_required() {
        assert!(check(26, &[]).is_ok(), "always on since 1.25");
        assert!(check(24, &["coverageredesign".into()]).is_ok());
        let e = check(21, &["regabiwrappers".into()]).unwrap_err();
        assert!(e.contains("nocoverageredesign"), "{e}");
    }

    #[test]
    fn cover_step_like_go_build_x() {
        let mut p = pkg("example.com/m/lib", "lib", Some(("example.com/m", "")), false);
        p.cgo_files = vec!["c.go".into()];
        let o = Path::new("$WORK/b002");
        let c = plan(&p, o, "set", Invocation::new("/goroot/pkg/tool/linux_amd64/cover", "/src/m/lib"));
        let names: Vec<String> = c.go_files.iter().map(|f| f.display().to_string()).collect();
        assert_eq!(names, ["$WORK/b002/covervars.go", "$WORK/b002/a.cover.go", "$WORK/b002/b.cover.go"]);
        assert_eq!(c.cgo_files, [PathBuf::from("$WORK/b002/c.cover.go")]);
        assert_eq!(c.cfg, PathBuf::from("$WORK/b002/coveragecfg"));
        let Step::Write { contents, .. } = &c.steps[1] else { panic!("the output list") };
        assert_eq!(
            contents,
            "$WORK/b002/covervars.go\n$WORK/b002/a.cover.go\n$WORK/b002/b.cover.go\n$WORK/b002/c.cover.go\n"
        );
        let Step::Run { inv, .. } = &c.steps[2] else { panic!("the cover run") };
        let args: Vec<String> = inv.args.iter().map(|a| a.to_string_lossy().into_owned()).collect();
        assert_eq!(
            args,
            [
                "-pkgcfg",
                "$WORK/b002/pkgcfg.txt",
                "-mode",
                "set",
                "-var",
                "goCover_4f133a07d8c8_",
                "-outfilelist",
                "$WORK/b002/coveroutfiles.txt",
                "/src/m/lib/a.go",
                "/src/m/lib/b.go",
                "/src/m/lib/c.go"
            ]
        );
    }
}
