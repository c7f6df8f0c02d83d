//! Third-party modules: go-link-build resolves them itself, offline, from the
//! module cache, a vendor directory, module zips or a `file://` proxy, with
//! `replace`, `exclude` and `go.work`, and verifies them against `go.sum`.
//!
//! Every test sets up its own world (`modproxy::prepare_modapp`): a
//! `GOPROXY=file://` directory made from `fixtures/modules`, the `modapp`
//! fixture tidied against it, and a module cache filled by `go mod download`.
//! The go command is the oracle: `go build -trimpath` with the same module
//! cache and `GOPROXY=off` must give the same program output and the same
//! `go version -m`, and fail where go-link-build fails.
//!
//! go-link-build gets its Go settings through `Build::env` only (`GOMODCACHE`,
//! `GOPROXY`, `GOFLAGS`, `GOWORK`): the tests run in parallel threads and
//! never touch the process environment.
//!
//! `GLB_MODTESTS_ORACLE_ONLY=1` skips every go-link-build step and runs only
//! the go side, to check the fixtures and the oracle on their own.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use go_link_build_tests::modproxy::{self, ModApp};
use go_link_build_tests::*;

/// The action cache shared by every test of this file (the cache is safe for
/// concurrent builds; [`warm_up`] fills it with the standard library once).
fn glb_cache() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("modules-glb-cache")
}

/// The go command's build cache, shared the same way.
fn go_cache() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("modules-gocache")
}

/// Builds a program that uses the standard packages the fixtures use, with
/// go-link-build and with go, into the shared caches, once per test process:
/// the tests start together and would otherwise all compile the standard
/// library at the same time.
fn warm_up(goroot: &Path) {
    static DONE: OnceLock<()> = OnceLock::new();
    DONE.get_or_init(|| {
        let s = Scratch::new("mod-warmup");
        std::fs::write(s.join("go.mod"), "module example.com/warmup\n\ngo 1.22\n").unwrap();
        std::fs::write(
            s.join("main.go"),
            r#"package main

import (
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

//go:embed go.mod
var files embed.FS

func main() {
	names, _ := fs.Glob(files, "*")
	sort.Strings(names)
	fmt.Println(strings.Join(names, ","), unicode.IsUpper('A'), utf8.RuneLen('é'))
}
"#,
        )
        .unwrap();
        let empty = s.join("modcache");
        let mut go = Command::new(goroot.join("bin").join("go"));
        modproxy::go_mod_env(&mut go, &empty, None, &go_cache()).current_dir(&s.0).env("GOROOT", goroot);
        modproxy::run_go(go.args(["build", "-trimpath", "-o"]).arg(s.join("warmup-go")).arg(".")).unwrap();
        if ours_enabled() {
            builder(goroot, &s.0, &s.join("out"), &glb_cache()).try_binary("warmup").unwrap();
        }
    });
}

/// Whether to run the go-link-build steps (see the module doc).
fn ours_enabled() -> bool {
    let on = !matches!(std::env::var("GLB_MODTESTS_ORACLE_ONLY").as_deref(), Ok(v) if !v.is_empty() && v != "0");
    if !on {
        eprintln!("GLB_MODTESTS_ORACLE_ONLY: skipping the go-link-build steps");
    }
    on
}

/// One test's world: a scratch dir with the proxy, the tidied `modapp` and a
/// filled module cache.
struct World {
    scratch: Scratch,
    goroot: PathBuf,
    app: ModApp,
}

impl World {
    fn new(label: &str) -> Option<World> {
        let goroot = host_goroot()?;
        warm_up(&goroot);
        let scratch = Scratch::new(label);
        let app = modproxy::prepare_modapp(&goroot, &scratch.0, &go_cache()).unwrap_or_else(|e| panic!("{e}"));
        Some(World { scratch, goroot, app })
    }

    fn go(&self) -> Command {
        let mut cmd = Command::new(self.goroot.join("bin").join("go"));
        cmd.env("GOROOT", &self.goroot);
        cmd
    }

    /// A go command for `dir`, offline (`GOPROXY=off` unless `proxy`), with
    /// module cache `gomodcache`.
    fn go_in(&self, dir: &Path, gomodcache: &Path, proxy: Option<&Path>) -> Command {
        let mut cmd = self.go();
        modproxy::go_mod_env(&mut cmd, gomodcache, proxy, &go_cache()).current_dir(dir);
        cmd
    }

    /// An empty directory in the scratch dir.
    fn empty_dir(&self, name: &str) -> PathBuf {
        let d = self.scratch.join(name);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    /// `go build -trimpath -o <scratch>/<out> <pkg>` in `dir`, offline, with
    /// `GOFLAGS` as given (empty: go's defaults, so vendor/ is used when
    /// present). `env` overrides anything else (`GOWORK`, `GOPROXY`, …).
    /// Returns the program, or go's error output.
    fn go_build(
        &self,
        dir: &Path,
        pkg: &str,
        out: &str,
        gomodcache: &Path,
        goflags: &str,
        env: &[(&str, Option<&str>)],
    ) -> Result<PathBuf, String> {
        let exe = self.scratch.join("go-out").join(out);
        let mut cmd = self.go_in(dir, gomodcache, None);
        cmd.args(["build", "-trimpath", "-o"]).arg(&exe).arg(pkg).env("GOFLAGS", goflags);
        for (k, v) in env {
            match v {
                Some(v) => cmd.env(k, v),
                None => cmd.env_remove(k),
            };
        }
        let res = cmd.output().unwrap();
        if res.status.success() {
            Ok(exe)
        } else {
            Err(format!("{}{}", String::from_utf8_lossy(&res.stdout), String::from_utf8_lossy(&res.stderr)))
        }
    }

    /// `go build` of the modapp from the module cache, which must work.
    fn go_build_app(&self, out: &str, gomodcache: &Path) -> PathBuf {
        self.go_build(&self.app.dir, ".", out, gomodcache, "", &[]).unwrap_or_else(|e| panic!("go build failed:\n{e}"))
    }

    /// A go-link-build builder for `pkg_dir`, out dir `<scratch>/<out>`, with
    /// module cache `gomodcache`, `GOPROXY=off`, `GOFLAGS` empty and no
    /// workspace.
    fn ours(&self, pkg_dir: &Path, out: &str, gomodcache: &Path) -> go_link_build::Build {
        let mut b = builder(&self.goroot, pkg_dir, &self.scratch.join(out), &glb_cache());
        b.env("GOMODCACHE", path_str(gomodcache)).env("GOPROXY", "off").env("GOFLAGS", "").env("GOWORK", "off");
        // Like the go side (go_mod_env): no go env file, whatever this machine has in it.
        b.env("GOENV", "off");
        b
    }

    fn version_m(&self, exe: &Path) -> String {
        version_m(&self.goroot, exe)
    }

    /// The `h1:` hash go.sum has for a module's content.
    fn go_sum_hash(&self, dir: &Path, path: &str, version: &str) -> String {
        let sum = std::fs::read_to_string(dir.join("go.sum")).unwrap();
        sum.lines()
            .find_map(|l| {
                let f: Vec<&str> = l.split_whitespace().collect();
                (f.len() == 3 && f[0] == path && f[1] == version).then(|| f[2].to_string())
            })
            .unwrap_or_else(|| panic!("no go.sum line for {path} {version}:\n{sum}"))
    }
}

fn path_str(p: &Path) -> &str {
    p.to_str().expect("scratch paths are UTF-8")
}

/// Builds with go-link-build, panicking with its error.
fn build_ours(b: &go_link_build::Build, name: &str) -> go_link_build::Artifact {
    b.try_binary(name).unwrap_or_else(|e| panic!("go-link-build failed:\n{e}"))
}

/// The `rerun-if-changed` paths of a finished build: the directives the
/// build printed, as its no-op stamp records them for printing again
/// (`<out>/go-link-build/<name>.binary.stamp`, `directive …` lines).
fn rerun_if_changed(out_dir: &Path, name: &str) -> Vec<PathBuf> {
    let stamp = out_dir.join("go-link-build").join(format!("{name}.binary.stamp"));
    let text = std::fs::read_to_string(&stamp).unwrap_or_else(|e| panic!("{}: {e}", stamp.display()));
    text.lines().filter_map(|l| l.strip_prefix("directive rerun-if-changed=")).map(PathBuf::from).collect()
}

/// The go-link-build error of a build that must fail.
fn build_err(b: &go_link_build::Build, name: &str) -> String {
    match b.try_binary(name) {
        Ok(a) => panic!("go-link-build should have failed, but built {}", a.path().display()),
        Err(e) => e.to_string(),
    }
}

/// Same output, same `go version -m`: returns the output.
fn same_as_go(w: &World, ours: &Path, theirs: &Path) -> String {
    let (a, b) = (run(ours, &[]), run(theirs, &[]));
    assert_eq!(a, b, "program output differs from go build's");
    let (ma, mb) = (w.version_m(ours), w.version_m(theirs));
    assert_eq!(ma, mb, "go version -m differs from go build -trimpath's");
    a
}

/// What the modapp prints when every module is the proxy's.
fn assert_modapp_output(out: &str) {
    for want in [
        "strutil: desserts | Hello Module World | [go...]",
        "greetings: Hello, Gopher! | Bonjour, Gopher ! | messages/de.txt,messages/en.txt,messages/fr.txt | greetings 1.1.0",
        "geom/v2: squares [1x1 2x2 3x3], total area 14.0",
        "chain: top v1.3.0 > mid v1.2.0 > base v1.0.4 | octuple(3) = 24",
        "oldlang: 3 3 3 on unix",
        "nogoline: QUIET! [30 30 30]",
        "mathx: [8 6 4] sum 18 span 4 8",
        "kvfmt: Apples=5, Figs=1, Pears=3; total=9 (doubled 18, base v1.0.4)",
        "ids: 45454805674 a00a-aafd-f802-02bf",
        "colors: colors v0.9.1 | blue | red #ff8000 #fac81e",
        "main: loopvar 0 1 2",
        // -trimpath: a dependency's files are module@version/…, the main module's import-path/….
        "source files: example.com/UpperCo/Strutil@v1.2.3/strutil.go example.com/modapp/main.go",
    ] {
        assert!(out.contains(want), "missing {want:?} in:\n{out}");
    }
    if cfg!(target_arch = "x86_64") {
        assert!(out.contains("asmsum: 55 via amd64 assembly"), "{out}");
    } else {
        assert!(out.contains("asmsum: 55 via pure Go"), "{out}");
    }
}

/// `go version -m` of a modapp built from the module cache: a dep line with
/// version and sum for every module of the build list.
fn assert_deps_with_sums(vm: &str) {
    assert!(vm.contains("\tpath\texample.com/modapp\n"), "{vm}");
    for (path, version) in modproxy::modapp_build_list() {
        let prefix = format!("\tdep\t{path}\t{version}\th1:");
        assert!(vm.contains(&prefix), "no {prefix:?} in:\n{vm}");
    }
}

/// Writes `text` over `path`, which may be a read-only file of the module
/// cache, and gives it back its permissions.
fn rewrite(path: &Path, text: &[u8]) {
    let perm = std::fs::metadata(path).unwrap().permissions();
    modproxy::make_writable(path);
    std::fs::write(path, text).unwrap();
    std::fs::set_permissions(path, perm).unwrap();
}

/// The proxy's zips and go.mod files are what `go mod tidy` recorded in
/// go.sum (checked with our own dirhash), and `go mod download` extracted
/// exactly the zips' files. Oracle only: this checks the fixtures.
#[test]
fn proxy_matches_go_sum() {
    let Some(w) = World::new("mod-sums") else { return };
    let sum = std::fs::read_to_string(w.app.dir.join("go.sum")).unwrap();
    for (path, version) in modproxy::modapp_build_list() {
        let m = modproxy::module(path, version);
        let zip = modproxy::zip_module(m).unwrap();
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
        let files: Vec<(String, Vec<u8>)> = (0..z.len())
            .map(|i| {
                let mut f = z.by_index(i).unwrap();
                let mut data = Vec::new();
                std::io::Read::read_to_end(&mut f, &mut data).unwrap();
                (f.name().to_string(), data)
            })
            .collect();
        let h = dirhash::hash1(&files);
        assert!(sum.contains(&format!("{path} {version} {h}\n")), "{path} {version} {h} not in go.sum:\n{sum}");
        let gomod = std::fs::read(modproxy::module_dir(m).join("go.mod")).unwrap();
        let hm = dirhash::hash_gomod(&gomod);
        assert!(sum.contains(&format!("{path} {version}/go.mod {hm}\n")), "{path} {version}/go.mod {hm}:\n{sum}");
        let dir = modproxy::extracted_dir(&w.app.gomodcache, path, version);
        assert_eq!(dirhash::hash_dir(&dir, path, version), h, "{}", dir.display());
    }
    // Minimal version selection picked base v1.0.4 (kvfmt's) over v1.0.3 (mid's).
    assert!(!sum.contains("example.com/chain/base v1.0.3 h1:"), "{sum}");
    let gomod = std::fs::read_to_string(w.app.dir.join("go.mod")).unwrap();
    assert!(gomod.contains("example.com/chain/base v1.0.4 // indirect"), "{gomod}");
    assert!(modproxy::extracted_dir(&w.app.gomodcache, "example.com/UpperCo/Strutil", "v1.2.3")
        .ends_with("example.com/!upper!co/!strutil@v1.2.3"));
}

/// (1) The module cache as `go mod download` leaves it.
#[test]
fn modules_from_gomodcache() {
    let Some(w) = World::new("mod-cache") else { return };
    let theirs = w.go_build_app("modapp", &w.app.gomodcache);
    assert_modapp_output(&run(&theirs, &[]));
    assert_deps_with_sums(&w.version_m(&theirs));
    if !ours_enabled() {
        return;
    }
    let ours = build_ours(&w.ours(&w.app.dir, "out", &w.app.gomodcache), "modapp");
    same_as_go(&w, ours.path(), &theirs);
}

/// (2) `go mod vendor`: built from vendor/ with an empty module cache (the
/// default `-mod=vendor`), and from the module cache with `GOFLAGS=-mod=mod`.
/// A vendored file is edited (go does not check vendor/ contents) so the
/// output shows which copy was compiled.
#[test]
fn vendor_directory() {
    let Some(w) = World::new("mod-vendor") else { return };
    modproxy::run_go(w.go_in(&w.app.dir, &w.app.gomodcache, None).args(["mod", "vendor"])).unwrap();
    let vendored = w.app.dir.join("vendor/example.com/colors/colors.go");
    let text = std::fs::read_to_string(&vendored).unwrap();
    std::fs::write(&vendored, text.replace("return \"blue\"", "return \"blue (vendored)\"")).unwrap();
    let modules_txt = std::fs::read_to_string(w.app.dir.join("vendor/modules.txt")).unwrap();
    assert!(modules_txt.contains("# example.com/nogoline v0.3.0\n## explicit\n"), "{modules_txt}");
    assert!(modules_txt.contains("# example.com/oldlang v1.0.0\n## explicit; go 1.16\n"), "{modules_txt}");

    let empty = w.empty_dir("empty-modcache");
    let theirs = w.go_build(&w.app.dir, ".", "vendored", &empty, "", &[]).unwrap();
    let out = run(&theirs, &[]);
    assert!(out.contains("colors: colors v0.9.1 | blue (vendored) |"), "{out}");
    let vm = w.version_m(&theirs);
    assert!(vm.contains("\tdep\texample.com/colors\tv0.9.1\t\n"), "vendored deps have no sums: {vm}");
    assert!(!vm.contains("h1:"), "{vm}");

    let theirs_mod = w.go_build(&w.app.dir, ".", "mod-mod", &w.app.gomodcache, "-mod=mod", &[]).unwrap();
    assert_modapp_output(&run(&theirs_mod, &[]));
    assert_deps_with_sums(&w.version_m(&theirs_mod));

    if !ours_enabled() {
        return;
    }
    let ours = build_ours(&w.ours(&w.app.dir, "out", &empty), "vendored");
    same_as_go(&w, ours.path(), &theirs);
    let watched = rerun_if_changed(&w.scratch.join("out"), "vendored");
    for f in ["go.mod", "vendor/modules.txt", "vendor/example.com/colors/colors.go"] {
        assert!(watched.contains(&w.app.dir.join(f)), "{f} is not watched: {watched:#?}");
    }

    let mut b = w.ours(&w.app.dir, "out-mod", &w.app.gomodcache);
    b.env("GOFLAGS", "-mod=mod");
    let ours_mod = build_ours(&b, "mod-mod");
    same_as_go(&w, ours_mod.path(), &theirs_mod);
}

/// (3) vendor/modules.txt out of step with go.mod: go build refuses, and so do we.
#[test]
fn inconsistent_vendor_fails_like_go() {
    let Some(w) = World::new("mod-badvendor") else { return };
    modproxy::run_go(w.go_in(&w.app.dir, &w.app.gomodcache, None).args(["mod", "vendor"])).unwrap();
    let modules_txt = w.app.dir.join("vendor/modules.txt");
    let good = std::fs::read_to_string(&modules_txt).unwrap();
    let empty = w.empty_dir("empty-modcache");
    let edits = [
        // Another version than go.mod requires.
        ("# example.com/colors v0.9.1\n", "# example.com/colors v0.9.0\n", "example.com/colors"),
        // A direct requirement no longer marked explicit.
        (
            "# example.com/greetings v1.1.0\n## explicit; go 1.21\n",
            "# example.com/greetings v1.1.0\n## go 1.21\n",
            "example.com/greetings",
        ),
    ];
    for (i, (from, to, module)) in edits.into_iter().enumerate() {
        assert!(good.contains(from), "{from:?} not in modules.txt:\n{good}");
        std::fs::write(&modules_txt, good.replace(from, to)).unwrap();
        let go_err = w.go_build(&w.app.dir, ".", "bad", &empty, "", &[]).expect_err("go build should fail");
        assert!(go_err.contains("inconsistent vendoring"), "{go_err}");
        assert!(go_err.contains(module), "{go_err}");
        if ours_enabled() {
            let msg = build_err(&w.ours(&w.app.dir, &format!("out{i}"), &empty), "bad");
            assert!(msg.contains("inconsistent vendoring"), "{msg}");
            assert!(msg.contains(module), "names the module: {msg}");
            assert!(msg.contains("go mod vendor"), "says how to fix it: {msg}");
        }
    }
}

/// A copy of the colors module under `dir`, printing something else.
fn local_colors(dir: &Path, label: &str) {
    let m = modproxy::module("example.com/colors", "v0.9.1");
    modproxy::copy_tree(&modproxy::module_dir(m), dir).unwrap();
    let f = dir.join("colors.go");
    let text = std::fs::read_to_string(&f).unwrap();
    let text = text.replace("\"colors v0.9.1\"", &format!("\"{label}\"")).replace("return \"blue\"", "return \"navy\"");
    std::fs::write(&f, text).unwrap();
}

/// (4) `replace example.com/colors => ../colors-local`.
#[test]
fn replace_local_directory() {
    let Some(w) = World::new("mod-replace-dir") else { return };
    local_colors(&w.scratch.join("colors-local"), "colors (local copy)");
    let gomod = w.app.dir.join("go.mod");
    let mut text = std::fs::read_to_string(&gomod).unwrap();
    text.push_str("\nreplace example.com/colors => ../colors-local\n");
    std::fs::write(&gomod, text).unwrap();

    let theirs = w.go_build_app("replaced", &w.app.gomodcache);
    let out = run(&theirs, &[]);
    assert!(out.contains("colors: colors (local copy) | navy | red #ff8000 #fac81e"), "{out}");
    let vm = w.version_m(&theirs);
    assert!(vm.contains("\tdep\texample.com/colors\tv0.9.1\n\t=>\t../colors-local\t(devel)\t\n"), "{vm}");
    if !ours_enabled() {
        return;
    }
    let ours = build_ours(&w.ours(&w.app.dir, "out", &w.app.gomodcache), "replaced");
    same_as_go(&w, ours.path(), &theirs);
}

/// (5) `replace example.com/colors v0.9.1 => example.com/colors-fork v0.10.0`.
#[test]
fn replace_with_other_version() {
    let Some(w) = World::new("mod-replace-ver") else { return };
    let gomod = w.app.dir.join("go.mod");
    let mut text = std::fs::read_to_string(&gomod).unwrap();
    text.push_str("\nreplace example.com/colors v0.9.1 => example.com/colors-fork v0.10.0\n");
    std::fs::write(&gomod, text).unwrap();
    // The fork's sums and files, from the proxy.
    modproxy::run_go(w.go_in(&w.app.dir, &w.app.gomodcache, Some(&w.app.proxy)).args(["mod", "tidy"])).unwrap();
    let sum = std::fs::read_to_string(w.app.dir.join("go.sum")).unwrap();
    assert!(sum.contains("example.com/colors-fork v0.10.0 h1:"), "{sum}");

    let theirs = w.go_build_app("forked", &w.app.gomodcache);
    let out = run(&theirs, &[]);
    assert!(out.contains("colors: colors-fork v0.10.0 | cobalt | crimson #ff8000 #fac81e"), "{out}");
    let vm = w.version_m(&theirs);
    assert!(vm.contains("\tdep\texample.com/colors\tv0.9.1\n\t=>\texample.com/colors-fork\tv0.10.0\th1:"), "{vm}");
    if !ours_enabled() {
        return;
    }
    let ours = build_ours(&w.ours(&w.app.dir, "out", &w.app.gomodcache), "forked");
    same_as_go(&w, ours.path(), &theirs);
}

/// The `modwork` workspace in `<scratch>/ws`: app and lib, a local copy of
/// colors for go.work's `replace`, and lib's go.sum from the proxy (made
/// outside the workspace).
fn workspace(w: &World) -> PathBuf {
    let ws = w.scratch.join("ws");
    modproxy::copy_tree(&modproxy::fixtures_root().join("modwork"), &ws).unwrap();
    local_colors(&ws.join("colors-ws"), "colors (workspace copy)");
    modproxy::run_go(w.go_in(&ws.join("lib"), &w.app.gomodcache, Some(&w.app.proxy)).args(["mod", "tidy"])).unwrap();
    ws
}

/// (6) A workspace: `use ./app ./lib`, app importing lib without requiring it
/// (lib is a workspace module), lib requiring modules from the proxy, and a
/// go.work `replace` of a proxy module by a local directory.
#[test]
fn go_work_two_modules() {
    let Some(w) = World::new("mod-work") else { return };
    let ws = workspace(&w);

    let app = ws.join("app");
    let theirs =
        w.go_build(&app, ".", "workapp", &w.app.gomodcache, "", &[("GOWORK", None)]).unwrap_or_else(|e| panic!("{e}"));
    let out = run(&theirs, &[]);
    assert_eq!(
        out, "workapp: work | top v1.3.0 > mid v1.2.0 > base v1.0.3 | colors (workspace copy) navy\n",
        "base v1.0.3: nothing in this workspace asks for v1.0.4"
    );
    let vm = w.version_m(&theirs);
    assert!(vm.contains("\tmod\texample.com/workapp\t(devel)\t\n"), "{vm}");
    assert!(vm.contains("\tdep\texample.com/colors\tv0.9.1\n\t=>\t./colors-ws\t(devel)\t\n"), "{vm}");
    assert!(vm.contains("\tdep\texample.com/chain/base\tv1.0.3\th1:"), "{vm}");
    // Without the workspace, nothing provides lib.
    let go_err = w.go_build(&app, ".", "nowork", &w.app.gomodcache, "", &[("GOWORK", Some("off"))]).unwrap_err();
    assert!(go_err.contains("example.com/worklib"), "{go_err}");
    if !ours_enabled() {
        return;
    }
    // go.work found by walking up from the package, as go does.
    let mut b = builder(&w.goroot, &app, &w.scratch.join("out"), &glb_cache());
    b.env("GOMODCACHE", path_str(&w.app.gomodcache)).env("GOPROXY", "off").env("GOFLAGS", "").env("GOENV", "off");
    let ours = build_ours(&b, "workapp");
    same_as_go(&w, ours.path(), &theirs);
    // GOWORK naming the file.
    b.env("GOWORK", path_str(&ws.join("go.work")));
    let named = build_ours(&b, "workapp");
    assert_eq!(run(named.path(), &[]), out);
    // GOWORK=off: app alone.
    b.env("GOWORK", "off");
    let msg = build_err(&b, "workapp");
    assert!(msg.contains("example.com/worklib"), "{msg}");
}

/// `go work vendor` (go ≥ 1.22): the workspace's vendor directory serves the
/// dependencies of every workspace module, with an empty module cache; and
/// an inconsistent one fails like go's, pointing to `go work vendor`.
#[test]
fn go_work_vendor() {
    let Some(w) = World::new("mod-workvendor") else { return };
    let ws = workspace(&w);
    modproxy::run_go(w.go_in(&ws, &w.app.gomodcache, None).env_remove("GOWORK").args(["work", "vendor"])).unwrap();
    let modules_txt = ws.join("vendor/modules.txt");
    assert!(std::fs::read_to_string(&modules_txt).unwrap().starts_with("## workspace\n"));

    let empty = w.empty_dir("empty-modcache");
    let app = ws.join("app");
    let theirs = w.go_build(&app, ".", "workvendor", &empty, "", &[("GOWORK", None)]).unwrap_or_else(|e| panic!("{e}"));
    assert!(!w.version_m(&theirs).contains("h1:"), "vendored deps have no sums");
    if ours_enabled() {
        let mut b = builder(&w.goroot, &app, &w.scratch.join("out"), &glb_cache());
        b.env("GOMODCACHE", path_str(&empty)).env("GOPROXY", "off").env("GOFLAGS", "").env("GOENV", "off");
        let ours = build_ours(&b, "workvendor");
        same_as_go(&w, ours.path(), &theirs);
        let watched = rerun_if_changed(&w.scratch.join("out"), "workvendor");
        assert!(watched.contains(&modules_txt), "modules.txt is not watched: {watched:#?}");
    }

    // chain/top no longer marked explicit: both refuse.
    let text = std::fs::read_to_string(&modules_txt).unwrap();
    let edited = text.replace(
        "# example.com/chain/top v1.3.0\n## explicit; go 1.20\n",
        "# example.com/chain/top v1.3.0\n## go 1.20\n",
    );
    assert_ne!(text, edited, "{text}");
    std::fs::write(&modules_txt, edited).unwrap();
    let go_err = w.go_build(&app, ".", "bad", &empty, "", &[("GOWORK", None)]).unwrap_err();
    assert!(go_err.contains("inconsistent vendoring"), "{go_err}");
    if ours_enabled() {
        let mut b = builder(&w.goroot, &app, &w.scratch.join("out-bad"), &glb_cache());
        b.env("GOMODCACHE", path_str(&empty)).env("GOPROXY", "off").env("GOFLAGS", "").env("GOENV", "off");
        let err = build_err(&b, "bad");
        assert!(err.contains("inconsistent vendoring"), "{err}");
        assert!(err.contains("example.com/chain/top@v1.3.0"), "{err}");
        assert!(err.contains("go work vendor"), "{err}");
    }
}

/// `exclude`: a main module that excludes the base version its dependencies
/// ask for. `go mod tidy` moves the requirement to the next version up; the
/// excluded version is never needed after that (its files are removed from
/// the module cache to show it).
#[test]
fn exclude_directive() {
    let Some(w) = World::new("mod-exclude") else { return };
    let dir = w.scratch.join("excl");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("go.mod"),
        "module example.com/excl\n\ngo 1.22\n\nrequire example.com/chain/top v1.3.0\n\nexclude example.com/chain/base v1.0.3\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("main.go"),
        "package main\n\nimport (\n\t\"fmt\"\n\n\t\"example.com/chain/top\"\n)\n\nfunc main() { fmt.Println(top.Describe()) }\n",
    )
    .unwrap();
    modproxy::run_go(w.go_in(&dir, &w.app.gomodcache, Some(&w.app.proxy)).args(["mod", "tidy"])).unwrap();
    let gomod = std::fs::read_to_string(dir.join("go.mod")).unwrap();
    assert!(gomod.contains("example.com/chain/base v1.0.4 // indirect"), "{gomod}");
    let dl = modproxy::download_dir(&w.app.gomodcache, "example.com/chain/base");
    for e in std::fs::read_dir(&dl).unwrap().flatten() {
        if e.file_name().to_string_lossy().starts_with("v1.0.3.") {
            std::fs::remove_file(e.path()).unwrap();
        }
    }
    let _ = modproxy::remove_tree(&modproxy::extracted_dir(&w.app.gomodcache, "example.com/chain/base", "v1.0.3"));

    let theirs = w.go_build(&dir, ".", "excl", &w.app.gomodcache, "", &[]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(run(&theirs, &[]), "top v1.3.0 > mid v1.2.0 > base v1.0.4\n");
    if !ours_enabled() {
        return;
    }
    let ours = build_ours(&w.ours(&dir, "out", &w.app.gomodcache), "excl");
    same_as_go(&w, ours.path(), &theirs);
}

/// A go 1.16 main module has an unpruned module graph: its go.mod lists
/// only what it imports directly, and the rest comes from minimal version
/// selection over the dependencies' go.mod files.
#[test]
fn unpruned_main_module_uses_mvs() {
    let Some(w) = World::new("mod-mvs") else { return };
    let dir = w.scratch.join("old");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("go.mod"), "module example.com/old\n\ngo 1.16\n\nrequire example.com/chain/top v1.3.0\n")
        .unwrap();
    std::fs::write(
        dir.join("main.go"),
        "package main\n\nimport (\n\t\"fmt\"\n\n\t\"example.com/chain/top\"\n)\n\nfunc main() { fmt.Println(top.Describe()) }\n",
    )
    .unwrap();
    modproxy::run_go(w.go_in(&dir, &w.app.gomodcache, Some(&w.app.proxy)).args(["mod", "tidy"])).unwrap();
    let gomod = std::fs::read_to_string(dir.join("go.mod")).unwrap();
    assert!(!gomod.contains("chain/mid"), "a go 1.16 go.mod lists only direct requirements: {gomod}");
    let theirs = w.go_build(&dir, ".", "old", &w.app.gomodcache, "", &[]).unwrap_or_else(|e| panic!("{e}"));
    if !ours_enabled() {
        return;
    }
    let ours = build_ours(&w.ours(&dir, "out", &w.app.gomodcache), "old");
    assert_eq!(same_as_go(&w, ours.path(), &theirs), "top v1.3.0 > mid v1.2.0 > base v1.0.3\n");
}

/// A C archive whose Go code uses third-party modules: built through the
/// cgo pipeline from the module cache, then linked into a C program (the
/// same link a Rust crate makes) that calls the exported function.
#[test]
fn c_archive_with_module_dependencies() {
    let Some(w) = World::new("mod-carchive") else { return };
    if !ours_enabled() {
        return;
    }
    let dir = w.app.dir.join("capi");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("capi.go"),
        "package main\n\n// #include <stdlib.h>\nimport \"C\"\n\nimport (\n\t\"unsafe\"\n\n\
         \tstrutil \"example.com/UpperCo/Strutil\"\n\t\"example.com/kvfmt\"\n)\n\n\
         //export ModReverse\nfunc ModReverse(s *C.char) *C.char { return C.CString(strutil.Reverse(C.GoString(s))) }\n\n\
         //export ModTotal\nfunc ModTotal() *C.char {\n\treturn C.CString(kvfmt.Format(map[string]int{\"a\": 1, \"b\": 2}))\n}\n\n\
         //export ModFree\nfunc ModFree(p *C.char) { C.free(unsafe.Pointer(p)) }\n\nfunc main() {}\n",
    )
    .unwrap();
    let mut b = w.ours(&dir, "out", &w.app.gomodcache);
    b.runtime_links_check(false);
    let art = b.try_c_archive("capi").unwrap_or_else(|e| panic!("go-link-build failed:\n{e}"));
    let header = art.header().expect("a header");
    let prog = w.scratch.join("prog.c");
    std::fs::write(
        &prog,
        "#include <stdio.h>\n#include \"capi.h\"\nint main(void) {\n  char *r = ModReverse(\"stressed\");\n  \
         char *t = ModTotal();\n  printf(\"%s | %s\\n\", r, t);\n  ModFree(r); ModFree(t);\n  return 0;\n}\n",
    )
    .unwrap();
    let exe = w.scratch.join("prog");
    let out = Command::new("cc")
        .arg("-o")
        .arg(&exe)
        .arg(&prog)
        .arg("-I")
        .arg(header.parent().unwrap())
        .arg(art.path())
        .args(art.link_flags())
        .output()
        .unwrap();
    assert!(out.status.success(), "cc: {}", String::from_utf8_lossy(&out.stderr));
    let got = run(&exe, &[]);
    assert_eq!(got, "desserts | A=1, B=2; total=3 (doubled 6, base v1.0.4)\n");
}

/// A module cache that cannot be written (here: its path runs through a
/// regular file, which stops root too): modules from a `file://` proxy are
/// verified and extracted into go-link-build's own cache instead, and the
/// build goes on. Its own action cache, so no other test sees those trees.
#[test]
fn unwritable_module_cache_extracts_into_our_cache() {
    let Some(w) = World::new("mod-rocache") else { return };
    if !ours_enabled() {
        return;
    }
    let dir = w.scratch.join("small");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("go.mod"),
        "module example.com/small\n\ngo 1.22\n\nrequire example.com/UpperCo/Strutil v1.2.3\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("main.go"),
        "package main\n\nimport (\n\t\"fmt\"\n\n\tstrutil \"example.com/UpperCo/Strutil\"\n)\n\n\
         func main() { fmt.Println(strutil.Reverse(\"stressed\")) }\n",
    )
    .unwrap();
    modproxy::run_go(w.go_in(&dir, &w.app.gomodcache, Some(&w.app.proxy)).args(["mod", "tidy"])).unwrap();
    let blocker = w.scratch.join("not-a-dir");
    std::fs::write(&blocker, "a file where the module cache's parent should be").unwrap();
    let cache = w.scratch.join("own-cache");
    let mut b = builder(&w.goroot, &dir, &w.scratch.join("out"), &cache);
    b.env("GOMODCACHE", path_str(&blocker.join("modcache")))
        .env("GOPROXY", &modproxy::file_url(&w.app.proxy))
        .env("GOFLAGS", "")
        .env("GOWORK", "off")
        .env("GOENV", "off");
    let art = build_ours(&b, "small");
    assert_eq!(run(art.path(), &[]), "desserts\n");
    let tree = cache.join("modcache/example.com/!upper!co/!strutil@v1.2.3");
    assert!(tree.join("strutil.go").is_file(), "{} was not extracted", tree.display());
    // The next build uses that tree (verified again against go.sum), with the proxy gone.
    std::fs::write(dir.join("main.go"), std::fs::read_to_string(dir.join("main.go")).unwrap() + "\n// edit\n").unwrap();
    b.env("GOPROXY", "off");
    assert_eq!(run(build_ours(&b, "small").path(), &[]), "desserts\n");
}

/// An untidy go.mod (a dependency requires a higher version than go.mod
/// lists): go build refuses, and so do we, naming the requirement; with
/// GOFLAGS=-mod=mod we build with the higher version, as go would after
/// updating go.mod (we never write it).
#[test]
fn untidy_go_mod_needs_updates() {
    let Some(w) = World::new("mod-untidy") else { return };
    let go_mod = w.app.dir.join("go.mod");
    let tidy = std::fs::read_to_string(&go_mod).unwrap();
    assert!(tidy.contains("example.com/chain/base v1.0.4"), "{tidy}");
    std::fs::write(&go_mod, tidy.replace("example.com/chain/base v1.0.4", "example.com/chain/base v1.0.3")).unwrap();
    let go_err = w.go_build(&w.app.dir, ".", "untidy", &w.app.gomodcache, "", &[]).unwrap_err();
    assert!(go_err.contains("go.mod") || go_err.contains("go.sum"), "{go_err}");
    if !ours_enabled() {
        return;
    }
    let err = build_err(&w.ours(&w.app.dir, "out", &w.app.gomodcache), "untidy");
    assert!(err.contains("needs updates"), "{err}");
    assert!(err.contains("example.com/kvfmt@v1.0.0 requires example.com/chain/base@v1.0.4"), "{err}");
    assert!(err.contains("go mod tidy"), "{err}");
    let mut b = w.ours(&w.app.dir, "out-mod", &w.app.gomodcache);
    b.env("GOFLAGS", "-mod=mod");
    let ours = build_ours(&b, "untidy");
    assert_modapp_output(&run(ours.path(), &[]));
    assert!(w.version_m(ours.path()).contains("\tdep\texample.com/chain/base\tv1.0.4\t"));
    assert_eq!(
        std::fs::read_to_string(&go_mod).unwrap(),
        tidy.replace("base v1.0.4", "base v1.0.3"),
        "go.mod untouched"
    );
}

/// (7) A module edited in the module cache: go build uses it without a word
/// (it trusts the extracted directory); go-link-build checks every module
/// against go.sum on every build and refuses, naming both hashes.
#[test]
fn tampered_module_refuses() {
    let Some(w) = World::new("mod-tamper") else { return };
    let (path, version) = ("example.com/colors", "v0.9.1");
    let file = modproxy::extracted_dir(&w.app.gomodcache, path, version).join("colors.go");
    let good = std::fs::read(&file).unwrap();
    let want = w.go_sum_hash(&w.app.dir, path, version);
    let b = w.ours(&w.app.dir, "out", &w.app.gomodcache);
    if ours_enabled() {
        // A good build first, so a remembered verdict must not hide the edit.
        assert_modapp_output(&run(build_ours(&b, "modapp").path(), &[]));
    }

    let bad = String::from_utf8(good.clone()).unwrap().replace("return \"blue\"", "return \"tampered blue\"");
    rewrite(&file, bad.as_bytes());
    let got = dirhash::hash_dir(file.parent().unwrap(), path, version);
    assert_ne!(got, want);
    let theirs = w.go_build_app("tampered", &w.app.gomodcache);
    assert!(run(&theirs, &[]).contains("| tampered blue |"), "go build compiles the edited module");

    if ours_enabled() {
        let msg = build_err(&b, "modapp");
        assert!(msg.contains("checksum mismatch"), "{msg}");
        assert!(msg.contains(&format!("{path}@{version}")), "{msg}");
        assert!(msg.contains(&want), "the go.sum hash {want}: {msg}");
        assert!(msg.contains(&got), "the module cache's hash {got}: {msg}");
        assert!(msg.contains("module cache"), "{msg}");
    }

    // Put back, the module verifies again.
    rewrite(&file, &good);
    if ours_enabled() {
        let again = build_ours(&b, "modapp");
        assert_modapp_output(&run(again.path(), &[]));
    }
}

/// A module zip in the proxy that is not the one go.sum knows: go and
/// go-link-build both refuse it, and nothing of it is extracted.
#[test]
fn tampered_proxy_zip_refuses() {
    let Some(w) = World::new("mod-badzip") else { return };
    let (path, version) = ("example.com/colors", "v0.9.1");
    let want = w.go_sum_hash(&w.app.dir, path, version);
    let zip_path = w.app.proxy.join(modproxy::escape_path(path)).join("@v").join(format!("{version}.zip"));
    // The same entries, one of them changed.
    let mut files = Vec::new();
    {
        let mut z = zip::ZipArchive::new(std::fs::File::open(&zip_path).unwrap()).unwrap();
        for i in 0..z.len() {
            let mut f = z.by_index(i).unwrap();
            let mut data = Vec::new();
            std::io::Read::read_to_end(&mut f, &mut data).unwrap();
            if f.name().ends_with("/colors.go") {
                data = String::from_utf8(data).unwrap().replace("\"blue\"", "\"zipped blue\"").into_bytes();
            }
            files.push((f.name().to_string(), data));
        }
    }
    let got = dirhash::hash1(&files);
    assert_ne!(got, want);
    {
        let mut zw = zip::ZipWriter::new(std::fs::File::create(&zip_path).unwrap());
        for (name, data) in &files {
            zw.start_file(name.as_str(), zip::write::SimpleFileOptions::default()).unwrap();
            std::io::Write::write_all(&mut zw, data).unwrap();
        }
        zw.finish().unwrap();
    }
    let empty = w.empty_dir("empty-modcache");
    let go_err = w
        .go_build(&w.app.dir, ".", "badzip", &empty, "", &[("GOPROXY", Some(&modproxy::file_url(&w.app.proxy)))])
        .expect_err("go build should refuse the zip");
    assert!(go_err.contains("checksum mismatch"), "{go_err}");
    if !ours_enabled() {
        return;
    }
    let mut b = w.ours(&w.app.dir, "out", &empty);
    b.env("GOPROXY", &modproxy::file_url(&w.app.proxy));
    let msg = build_err(&b, "badzip");
    assert!(msg.contains("checksum mismatch"), "{msg}");
    assert!(msg.contains(&format!("{path}@{version}")), "{msg}");
    assert!(msg.contains(&want), "the go.sum hash {want}: {msg}");
    assert!(msg.contains(&got), "the zip's hash {got}: {msg}");
    assert!(!modproxy::extracted_dir(&empty, path, version).exists(), "an unverified zip was extracted");
}

/// Every file below `dir` is read-only.
#[cfg(unix)]
fn assert_read_only(dir: &Path) {
    use std::os::unix::fs::PermissionsExt as _;
    let files = modproxy::files_below(dir).unwrap();
    assert!(!files.is_empty(), "{} is empty", dir.display());
    for (_, f) in files {
        let mode = std::fs::metadata(&f).unwrap().permissions().mode();
        assert_eq!(mode & 0o222, 0, "{} is writable ({mode:o})", f.display());
    }
}

#[cfg(not(unix))]
fn assert_read_only(_: &Path) {}

/// (8) A module whose extracted directory is gone but whose zip is in
/// cache/download: extracted again, read-only. Then a module cache with
/// nothing at all and `GOPROXY=file://`: every module comes from the proxy's
/// zips, verified against go.sum.
#[test]
fn zip_only_module_is_extracted() {
    let Some(w) = World::new("mod-ziponly") else { return };
    let (path, version) = ("example.com/UpperCo/Strutil", "v1.2.3");
    let dir = modproxy::extracted_dir(&w.app.gomodcache, path, version);
    modproxy::remove_tree(&dir).unwrap();
    assert!(modproxy::download_dir(&w.app.gomodcache, path).join(format!("{version}.zip")).is_file());
    let want = w.go_sum_hash(&w.app.dir, path, version);

    if ours_enabled() {
        // go-link-build first: go build would extract it itself.
        let ours = build_ours(&w.ours(&w.app.dir, "out", &w.app.gomodcache), "modapp");
        assert!(dir.is_dir(), "{} was not extracted", dir.display());
        assert_eq!(dirhash::hash_dir(&dir, path, version), want);
        assert_read_only(&dir);
        let theirs = w.go_build_app("modapp", &w.app.gomodcache);
        assert_modapp_output(&same_as_go(&w, ours.path(), &theirs));
    } else {
        let theirs = w.go_build_app("modapp", &w.app.gomodcache);
        assert_modapp_output(&run(&theirs, &[]));
        assert!(dir.is_dir(), "go build extracts from cache/download too");
    }

    // Nothing in the module cache; the proxy has everything.
    let empty = w.empty_dir("fresh-modcache");
    let proxy = modproxy::file_url(&w.app.proxy);
    let theirs = w
        .go_build(&w.app.dir, ".", "from-proxy", &w.empty_dir("go-fresh-modcache"), "", &[("GOPROXY", Some(&proxy))])
        .unwrap_or_else(|e| panic!("{e}"));
    assert_modapp_output(&run(&theirs, &[]));
    if !ours_enabled() {
        return;
    }
    let mut b = w.ours(&w.app.dir, "out-proxy", &empty);
    b.env("GOPROXY", &proxy);
    let ours = build_ours(&b, "from-proxy");
    same_as_go(&w, ours.path(), &theirs);
    for (path, version) in modproxy::modapp_build_list() {
        let d = modproxy::extracted_dir(&empty, path, version);
        assert!(d.is_dir(), "{} was not extracted", d.display());
        assert_read_only(&d);
    }
}

/// (9) An empty module cache and no proxy (`off`, or one on the network):
/// one error naming every missing module.
#[test]
fn missing_modules_are_listed() {
    let Some(w) = World::new("mod-missing") else { return };
    let empty = w.empty_dir("empty-modcache");
    let go_err = w.go_build(&w.app.dir, ".", "missing", &empty, "", &[]).expect_err("go build should fail");
    assert!(go_err.contains("GOPROXY=off"), "{go_err}");
    if !ours_enabled() {
        return;
    }
    let mut b = w.ours(&w.app.dir, "out", &empty);
    let msg = build_err(&b, "missing");
    for (path, version) in modproxy::modapp_build_list() {
        assert!(msg.contains(&format!("{path}@{version}")), "{path}@{version} not listed: {msg}");
    }
    assert!(msg.contains("go mod download"), "{msg}");
    // A network proxy is never asked (go-link-build works offline): the same error.
    b.env("GOPROXY", "https://goproxy.invalid,direct");
    let msg = build_err(&b, "missing");
    for (path, version) in modproxy::modapp_build_list() {
        assert!(msg.contains(&format!("{path}@{version}")), "{path}@{version} not listed: {msg}");
    }
    assert!(msg.contains("go mod download"), "{msg}");
}

/// (10) An import that no required module provides (the package exists in the
/// proxy, but go.mod does not require its module).
#[test]
fn unknown_import() {
    let Some(w) = World::new("mod-unknown") else { return };
    let stray = w.app.dir.join("cmd/stray");
    std::fs::create_dir_all(&stray).unwrap();
    std::fs::write(
        stray.join("main.go"),
        "package main\n\nimport (\n\t\"fmt\"\n\n\t\"example.com/colors-fork/palette\"\n)\n\nfunc main() { fmt.Println(palette.Warm) }\n",
    )
    .unwrap();
    let go_err = w.go_build(&w.app.dir, "./cmd/stray", "stray", &w.app.gomodcache, "", &[]).unwrap_err();
    assert!(
        go_err.contains("main.go:6:2: no required module provides package example.com/colors-fork/palette"),
        "{go_err}"
    );
    if !ours_enabled() {
        return;
    }
    let msg = build_err(&w.ours(&stray, "out", &w.app.gomodcache), "stray");
    assert!(msg.contains("example.com/colors-fork/palette"), "{msg}");
    assert!(msg.contains("example.com/modapp/cmd/stray"), "names the importing package: {msg}");
    assert!(msg.contains("main.go:6"), "names the file and line: {msg}");
    assert!(msg.contains("go get") || msg.contains("go mod tidy"), "says what to do: {msg}");
}

/// (11) Rebuilds with modules: a no-op runs nothing; touching files (of the
/// main module, then of the module cache) compiles nothing and does not relink.
///
/// Not covered: the `rerun-if-changed` lines for go.mod, go.sum and go.work,
/// since `Artifact` does not expose the build's inputs and cargo directives
/// go to stdout.
#[test]
fn no_op_rebuild_with_modules() {
    let Some(w) = World::new("mod-noop") else { return };
    if !ours_enabled() {
        return;
    }
    let b = w.ours(&w.app.dir, "out", &w.app.gomodcache);
    let first = build_ours(&b, "modapp");
    assert!(!first.was_up_to_date());
    assert_modapp_output(&run(first.path(), &[]));

    // Cargo is told to watch go.mod, go.sum and every module file compiled.
    let watched = rerun_if_changed(&w.scratch.join("out"), "modapp");
    for f in [w.app.dir.join("go.mod"), w.app.dir.join("go.sum"), w.app.dir.join("main.go")] {
        assert!(watched.contains(&f), "{} is not watched: {watched:#?}", f.display());
    }
    let mathx = modproxy::extracted_dir(&w.app.gomodcache, "example.com/mathx", "v1.4.0").join("mathx.go");
    assert!(watched.contains(&mathx), "{} is not watched", mathx.display());

    let second = build_ours(&b, "modapp");
    assert!(second.was_up_to_date(), "second build should be a no-op");
    assert_eq!(second.stats(), go_link_build::Stats::default());

    let touch = |f: &Path| {
        let text = std::fs::read(f).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        rewrite(f, &text);
    };
    touch(&w.app.dir.join("main.go"));
    let third = build_ours(&b, "modapp");
    assert!(!third.was_up_to_date());
    assert_eq!(third.stats().compiled, 0, "{:?}", third.stats());
    assert!(!third.stats().linked);

    touch(&modproxy::extracted_dir(&w.app.gomodcache, "example.com/mathx", "v1.4.0").join("mathx.go"));
    let fourth = build_ours(&b, "modapp");
    assert_eq!(fourth.stats().compiled, 0, "{:?}", fourth.stats());
    assert!(!fourth.stats().linked);

    // An edit of the main module recompiles only it.
    let main_go = w.app.dir.join("main.go");
    // The action cache outlives this process (it is shared between runs), so
    // the edit carries a nonce: an edit made by an earlier run would be a hit.
    let nonce = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    let text = std::fs::read_to_string(&main_go).unwrap().replace("\"main:\"", "\"main =\"")
        + &format!("\nvar _ = \"edit {} {nonce}\"\n", std::process::id());
    std::fs::write(&main_go, text).unwrap();
    let fifth = build_ours(&b, "modapp");
    assert_eq!(fifth.stats().compiled, 1, "{:?}", fifth.stats());
    assert!(run(fifth.path(), &[]).contains("main = loopvar 0 1 2"));
}
