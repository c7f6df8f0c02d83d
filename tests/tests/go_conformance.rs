//! Conformance with `go build` under every Go release of the matrix
//! ([`GO_MATRIX`]): what the linker records about the toolchain, VCS
//! stamps, C archive naming. The caches are shared by all tests and runs
//! (`shared_cache`), so the standard library is built once per release.

use std::path::{Path, PathBuf};
use std::process::Command;

use go_link_build_tests::*;

/// Builds `pkg_dir` with go-link-build (shared cache) and returns the program.
fn ours(goroot: &Path, pkg_dir: &Path, out_dir: &Path, trimpath: bool) -> PathBuf {
    let mut b = builder(goroot, pkg_dir, out_dir, &shared_cache("glb"));
    b.trimpath(trimpath);
    b.try_binary("prog").unwrap_or_else(|e| panic!("go-link-build failed:\n{e}")).path().to_path_buf()
}

/// `go build [-trimpath] -o out .` in `dir`.
fn theirs(goroot: &Path, dir: &Path, out: &Path, trimpath: bool) -> PathBuf {
    let mut cmd = go_command(goroot);
    cmd.arg("build").args(trimpath.then_some("-trimpath")).arg("-o").arg(out).arg(".").current_dir(dir);
    let res = cmd.output().unwrap();
    assert!(res.status.success(), "go build failed: {}", String::from_utf8_lossy(&res.stderr));
    out.to_path_buf()
}

/// Runs a program with GOROOT unset, so runtime.GOROOT() shows what link recorded.
fn run_without_goroot(program: &Path) -> String {
    let out = Command::new(program).env_remove("GOROOT").output().unwrap();
    assert!(out.status.success(), "{}: {}", program.display(), String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// runtime.GOROOT() and runtime.Version() equal go build's, with and without
/// -trimpath, under every Go of the matrix (1.21/1.22 get GOROOT_FINAL=$GOROOT
/// with -trimpath, 1.23+ an empty GOROOT).
#[test]
fn runtime_goroot_and_version_match_go_build() {
    let (scratch, dir) = copy_fixture("goroot");
    for (version, goroot) in matrix() {
        for trimpath in [true, false] {
            let label = format!("{version}-{trimpath}");
            let a = run_without_goroot(&ours(&goroot, &dir, &scratch.join(format!("out-{label}")), trimpath));
            let b = run_without_goroot(&theirs(&goroot, &dir, &scratch.join(format!("go-{label}")), trimpath));
            eprintln!("{label}: {}", a.replace('\n', " "));
            assert_eq!(a, b, "{label}: runtime.GOROOT()/Version() differ from go build's");
            assert!(a.contains(&format!("version={version}\n")), "{label}: {a}");
            let want_root = if trimpath { String::new() } else { goroot.display().to_string() };
            assert!(a.starts_with(&format!("GOROOT={want_root:?}\n")), "{label}: {a}");
        }
    }
}

/// `go version -m` without its first line (file name and Go version).
fn build_info(goroot: &Path, binary: &Path) -> String {
    let out = go_command(goroot).args(["version", "-m"]).arg(binary).output().unwrap();
    assert!(out.status.success(), "go version -m: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).lines().skip(1).collect::<Vec<_>>().join("\n")
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// VCS stamping (-buildvcs) in a temporary git repository: the build info,
/// vcs lines and (1.24+) the module version from tags included, equals go
/// build's for a clean tree, a tagged commit and a modified tree, under
/// every Go of the matrix; GOFLAGS=-buildvcs=false turns it off as for go.
#[test]
fn vcs_stamp_matches_go_build() {
    if !tool_available("git", "git") {
        return;
    }
    let (scratch, dir) = copy_fixture("goroot");
    git(&dir, &["init", "-q"]);
    git(&dir, &["add", "."]);
    git(&dir, &["commit", "-q", "-m", "one"]);
    let matrix = matrix();
    let compare = |label: &str, goflags: &str, glb: Option<bool>| {
        for (version, goroot) in &matrix {
            let label = format!("{version}-{label}");
            let ours = {
                let mut b = builder(goroot, &dir, &scratch.join(format!("out-{label}")), &shared_cache("glb"));
                b.env("GOFLAGS", goflags);
                if let Some(on) = glb {
                    b.buildvcs(on);
                }
                b.try_binary("prog")
                    .unwrap_or_else(|e| panic!("{label}: go-link-build failed:\n{e}"))
                    .path()
                    .to_path_buf()
            };
            let theirs = scratch.join(format!("go-{label}"));
            let mut go = go_command(goroot);
            go.env("GOFLAGS", goflags);
            go_build_trimpath(go, &dir, ".", &theirs, &[], &label);
            let (a, b) = (build_info(goroot, &ours), build_info(goroot, &theirs));
            eprintln!("{label}:\n{a}");
            assert_eq!(a, b, "{label}: build info differs from go build's");
            let stamped = goflags != "-buildvcs=false" && glb != Some(false);
            assert_eq!(a.contains("build\tvcs=git"), stamped, "{label}: {a}");
        }
    };
    compare("clean", "-buildvcs=auto", None);
    compare("goflags-off", "-buildvcs=false", None);
    compare("api-on", "-buildvcs=true", Some(true));
    git(&dir, &["tag", "v1.2.3"]);
    compare("tagged", "-buildvcs=true", None);
    std::fs::write(dir.join("notes.txt"), "untracked\n").unwrap();
    compare("modified", "-buildvcs=auto", None);
    git(&dir, &["add", "notes.txt"]);
    git(&dir, &["commit", "-q", "-m", "two"]);
    compare("after-tag", "-buildvcs=auto", None);

    // The no-op stamp watches .git/HEAD and the branch: a new commit is a
    // rebuild with the new revision, in the same out dir.
    let Some((_, goroot)) = matrix.last() else { return };
    let out_dir = scratch.join("rerun");
    let build = || {
        let mut b = builder(goroot, &dir, &out_dir, &shared_cache("glb"));
        b.env("GOFLAGS", "-buildvcs=auto");
        build_info(goroot, b.try_binary("prog").unwrap().path())
    };
    let before = build();
    let stamp = std::fs::read_to_string(out_dir.join("go-link-build/prog.binary.stamp")).unwrap();
    let head = std::fs::read_to_string(dir.join(".git/HEAD")).unwrap();
    let branch = head.trim().strip_prefix("ref: ").unwrap();
    for watched in [".git/HEAD".to_string(), format!(".git/{branch}")] {
        let line = format!("directive rerun-if-changed={}", dir.join(&watched).display());
        assert!(stamp.lines().any(|l| l == line), "{watched} is not watched:\n{stamp}");
    }
    std::fs::write(dir.join("notes.txt"), "changed\n").unwrap();
    git(&dir, &["commit", "-q", "-am", "three"]);
    let after = build();
    assert_ne!(before, after, "a new commit must change the stamp");
    assert!(after.contains("vcs.modified=false"), "{after}");
}

/// Builds a command of `$GOROOT/src/cmd` with go-link-build (the cmd
/// module: standard packages, `cmd/vendor` imports).
fn ours_cmd(goroot: &Path, cmd: &str, out_dir: &Path) -> PathBuf {
    let dir = cmd.split('/').fold(goroot.join("src"), |d, e| d.join(e));
    ours(goroot, &dir, out_dir, true)
}

/// Go's own commands built from `$GOROOT/src/cmd` behave like the installed
/// ones: gofmt on real input (and its build info equals go build's), vet as
/// `go vet -vettool`, and the go command itself (`version`, `env GOROOT`,
/// `build` and run of a hello program). One test: cmd/go is big.
#[test]
fn cmd_module_commands_behave_like_installed_ones() {
    let Some(goroot) = host_goroot() else { return };
    let scratch = Scratch::new("cmdmod");

    // gofmt: the same diff as the installed gofmt, and go build's build info.
    let gofmt = ours_cmd(&goroot, "cmd/gofmt", &scratch.join("gofmt"));
    let messy = scratch.join("messy.go");
    std::fs::write(&messy, "package  p\nimport \"fmt\"\nfunc F( ) {x:=1\nfmt.Println( x )}\n").unwrap();
    let gofmt_out = |prog: &Path| {
        let out = Command::new(prog).arg("-d").arg(&messy).output().unwrap();
        String::from_utf8_lossy(&out.stdout).replace(&prog.display().to_string(), "gofmt")
    };
    let installed = gofmt_out(&goroot.join("bin/gofmt"));
    assert!(installed.contains("+func F() {"), "{installed}");
    assert_eq!(gofmt_out(&gofmt), installed, "gofmt -d differs from the installed gofmt");
    let theirs = scratch.join("gofmt-go");
    go_build_trimpath(go_command(&goroot), &scratch.0, "cmd/gofmt", &theirs, &[], "cmd/gofmt");
    assert_eq!(build_info(&goroot, &gofmt), build_info(&goroot, &theirs), "cmd/gofmt build info");

    // vet, run by go vet as its vet tool, finds the same problems.
    let vet = ours_cmd(&goroot, "cmd/vet", &scratch.join("vet"));
    let (_s, fixture) = copy_fixture("goroot");
    std::fs::write(
        fixture.join("bad.go"),
        "package main\n\nimport \"fmt\"\n\nfunc bad() { fmt.Printf(\"%d\\n\", \"x\") }\n",
    )
    .unwrap();
    let go_vet = |tool: Option<&Path>| {
        let mut cmd = go_command(&goroot);
        cmd.arg("vet");
        if let Some(t) = tool {
            cmd.arg(format!("-vettool={}", t.display()));
        }
        let out = cmd.arg(".").current_dir(&fixture).output().unwrap();
        assert!(!out.status.success(), "go vet must report the Printf misuse");
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let installed = go_vet(None);
    assert!(installed.contains("bad.go:5"), "{installed}");
    assert_eq!(go_vet(Some(&vet)), installed, "vet's findings differ from the installed vet's");

    // The go command itself.
    let go = ours_cmd(&goroot, "cmd/go", &scratch.join("go"));
    // Ours runs with the oracle's environment (GOROOT, GOCACHE, GOFLAGS, …).
    let ours_go = |args: &[&str], dir: &Path| {
        let mut c = Command::new(&go);
        for (k, v) in go_command(&goroot).get_envs() {
            match v {
                Some(v) => c.env(k, v),
                None => c.env_remove(k),
            };
        }
        let out = c.args(args).current_dir(dir).output().unwrap();
        assert!(out.status.success(), "our go {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let installed = |args: &[&str]| {
        let out = go_command(&goroot).args(args).output().unwrap();
        assert!(out.status.success());
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    assert_eq!(ours_go(&["version"], &scratch.0), installed(&["version"]));
    assert_eq!(ours_go(&["env", "GOROOT"], &scratch.0).trim(), goroot.display().to_string());
    let hello = scratch.join("hello");
    std::fs::create_dir_all(&hello).unwrap();
    std::fs::write(hello.join("go.mod"), "module example.com/hello\n\ngo 1.21\n").unwrap();
    std::fs::write(
        hello.join("main.go"),
        "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"hello from our go\") }\n",
    )
    .unwrap();
    ours_go(&["build", "-o", "hello-bin", "."], &hello);
    assert_eq!(run(&hello.join("hello-bin"), &[]), "hello from our go\n");
}

/// The program's bytes with its Go build ID (every occurrence of the
/// `.note.go.buildid` string) and the GNU build ID (`.note.gnu.build-id`,
/// which Go 1.24+ derives from the Go build ID) zeroed: what is left is the
/// code and data both builders must agree on.
fn without_build_ids(file: &Path) -> Vec<u8> {
    use object::{Object as _, ObjectSection as _};
    let mut data = std::fs::read(file).unwrap();
    let mut blank: Vec<(usize, usize)> = Vec::new();
    let mut go_id: Vec<u8> = Vec::new();
    {
        let obj = object::File::parse(&*data).unwrap();
        for (name, skip) in [(".note.go.buildid", 16usize), (".note.gnu.build-id", 16)] {
            if let Some((off, size)) = obj.section_by_name(name).and_then(|s| s.file_range()) {
                let (off, size) = (off as usize + skip, size as usize - skip);
                if name == ".note.go.buildid" {
                    go_id = data[off..off + size].iter().copied().take_while(|&b| b != 0).collect();
                }
                blank.push((off, size));
            }
        }
    }
    for (off, size) in blank {
        data[off..off + size].fill(0);
    }
    if !go_id.is_empty() {
        let mut i = 0;
        while i + go_id.len() <= data.len() {
            if data[i..i + go_id.len()] == go_id[..] {
                data[i..i + go_id.len()].fill(0);
                i += go_id.len();
            } else {
                i += 1;
            }
        }
    }
    data
}

/// A pure-Go program with embed, assembly and several packages (the `multi`
/// fixture) built by go-link-build and by `go build -trimpath` under every Go
/// of the matrix: the same output, the same build info, and the same bytes
/// once the build IDs are blanked (our action IDs are not cmd/go's, but the
/// IDs have cmd/go's format and length, so nothing else moves).
#[test]
fn pure_go_program_is_go_builds_but_for_the_build_ids() {
    let (scratch, dir) = copy_fixture("multi");
    let pkg = dir.join("cmd/app");
    for (version, goroot) in matrix() {
        let a = ours(&goroot, &pkg, &scratch.join(format!("out-{version}")), true);
        let b = theirs(&goroot, &pkg, &scratch.join(format!("go-{version}")), true);
        assert_eq!(run(&a, &[]), run(&b, &[]), "{version}: output");
        assert_eq!(build_info(&goroot, &a), build_info(&goroot, &b), "{version}: build info");
        let (x, y) = (without_build_ids(&a), without_build_ids(&b));
        assert_eq!(x.len(), y.len(), "{version}: sizes");
        let differ = x.iter().zip(&y).filter(|(p, q)| p != q).count();
        eprintln!("{version}: {} bytes, {differ} differ with build IDs blanked", x.len());
        assert_eq!(differ, 0, "{version}: bytes differ outside the build IDs");
    }
}

/// A cgo C archive (the `cffi` fixture) built by both under every Go of the
/// matrix that builds it (its go.mod says go 1.22): the same header and the
/// same archive size (the C compiles get cmd/go's flags, not the cc crate's
/// defaults, and name their files as cmd/go does, so the DWARF names match).
#[test]
fn c_archive_matches_go_build_across_the_matrix() {
    let (scratch, dir) = copy_fixture("cffi");
    for (version, goroot) in matrix().into_iter().filter(|(v, _)| go_minor_patch(v).0 >= 22) {
        let mut b =
            builder(&goroot, &dir.join("cmd/single"), &scratch.join(format!("out-{version}")), &shared_cache("glb"));
        b.runtime_links_check(false);
        let art = b.try_c_archive("single").unwrap_or_else(|e| panic!("{version}: {e}"));
        let go_dir = scratch.join(format!("go-{version}"));
        let res = go_command(&goroot)
            .env("CGO_ENABLED", "1")
            .args(["build", "-trimpath", "-buildmode=c-archive", "-o"])
            .arg(go_dir.join("libsingle.a"))
            .arg("./cmd/single")
            .current_dir(&dir)
            .output()
            .unwrap();
        assert!(res.status.success(), "{version}: {}", String::from_utf8_lossy(&res.stderr));
        let header = |p: &Path| std::fs::read_to_string(p).unwrap();
        assert_eq!(header(art.header().unwrap()), header(&go_dir.join("libsingle.h")), "{version}: header");
        let size = |p: &Path| std::fs::metadata(p).unwrap().len();
        eprintln!("{version}: archive {} bytes, go build's {}", size(art.path()), size(&go_dir.join("libsingle.a")));
        assert_eq!(size(art.path()), size(&go_dir.join("libsingle.a")), "{version}: archive size");
    }
}

/// Bytes that differ between two programs once their build IDs are blanked
/// (sizes must match).
fn differing_bytes(label: &str, a: &Path, b: &Path) -> usize {
    let (x, y) = (without_build_ids(a), without_build_ids(b));
    assert_eq!(x.len(), y.len(), "{label}: sizes");
    x.iter().zip(&y).filter(|(p, q)| p != q).count()
}

/// PGO as `go build -pgo=auto` applies it: the `pgo` fixture's main package
/// has a real CPU profile, `default.pgo`, which every compile (std included)
/// gets, raw under Go 1.21/1.22, preprocessed by `preprofile` under 1.23+.
/// Under the releases where cmd/go's handling differs (1.21: `-pgo` appended
/// to the build settings; 1.22: settings sorted; 1.23: the preprofile step)
/// and the host Go: the same output, build info (`-pgo=default.pgo`) and
/// bytes as `go build -trimpath`'s. With the host Go: `Build::pgo("off")`
/// is `go build -pgo=off` (so the profile is in every key: no PGO-compiled
/// package is reused), an explicit file is `-pgo=FILE`, the profile is a
/// `rerun-if-changed` input, and `-n` shows `-pgoprofile` on every compile.
#[test]
fn pgo_program_matches_go_build() {
    let (scratch, dir) = copy_fixture("pgo");
    let Some(host) = host_goroot() else { return };
    let matrix = matrix();
    let wanted = |v: &str| matches!(go_minor_patch(v).0, 21..=23) || matrix.last().is_some_and(|(l, _)| l == v);
    for (version, goroot) in matrix.iter().filter(|(v, _)| wanted(v)) {
        let a = ours(goroot, &dir, &scratch.join(format!("out-{version}")), true);
        let b = theirs(goroot, &dir, &scratch.join(format!("go-{version}")), true);
        assert_eq!(run(&a, &[]), run(&b, &[]), "{version}: output");
        let info = build_info(goroot, &a);
        assert_eq!(info, build_info(goroot, &b), "{version}: build info");
        assert!(info.contains("build\t-pgo=default.pgo"), "{version}: {info}");
        let differ = differing_bytes(version, &a, &b);
        eprintln!("{version}: {differ} bytes differ with build IDs blanked");
        assert_eq!(differ, 0, "{version}: bytes differ outside the build IDs");
    }

    // -pgo=off: go build's program without the profile, not the PGO one.
    let go_with = |flag: &str, out: &Path| {
        let res = go_command(&host)
            .args(["build", "-trimpath", flag, "-o"])
            .arg(out)
            .arg(".")
            .current_dir(&dir)
            .output()
            .unwrap();
        assert!(res.status.success(), "go build {flag}: {}", String::from_utf8_lossy(&res.stderr));
        out.to_path_buf()
    };
    let ours_with = |pgo: &Path, out_dir: &str| {
        let mut b = builder(&host, &dir, &scratch.join(out_dir), &shared_cache("glb"));
        b.pgo(pgo);
        b.try_binary("prog").unwrap_or_else(|e| panic!("pgo {}: {e}", pgo.display())).path().to_path_buf()
    };
    let off = ours_with(Path::new("off"), "off");
    let go_off = go_with("-pgo=off", &scratch.join("go-off"));
    assert!(!build_info(&host, &off).contains("-pgo"), "{}", build_info(&host, &off));
    assert_eq!(build_info(&host, &off), build_info(&host, &go_off), "-pgo=off build info");
    assert_eq!(differing_bytes("off", &off, &go_off), 0, "-pgo=off: bytes differ outside the build IDs");
    let auto = scratch.join(format!("out-{}", matrix.last().unwrap().0)).join("go-link-build/bin/prog");
    assert_ne!(without_build_ids(&off), without_build_ids(&auto), "the profile changed nothing");

    // An explicit profile file (a relative one is taken from CARGO_MANIFEST_DIR).
    std::fs::create_dir_all(dir.join("prof")).unwrap();
    std::fs::copy(dir.join("default.pgo"), dir.join("prof/cpu.pprof")).unwrap();
    let file = ours_with(&dir.join("prof/cpu.pprof"), "file");
    let go_file = go_with("-pgo=prof/cpu.pprof", &scratch.join("go-file"));
    assert!(build_info(&host, &file).contains("build\t-pgo=cpu.pprof"), "{}", build_info(&host, &file));
    assert_eq!(build_info(&host, &file), build_info(&host, &go_file), "-pgo=FILE build info");
    assert_eq!(differing_bytes("file", &file, &go_file), 0, "-pgo=FILE: bytes differ outside the build IDs");

    // The profile is watched: an edit reruns the build script.
    let stamp = std::fs::read_to_string(scratch.join("file/go-link-build/prog.binary.stamp")).unwrap();
    let line = format!("directive rerun-if-changed={}", dir.join("prof/cpu.pprof").display());
    assert!(stamp.lines().any(|l| l == line), "the profile is not watched:\n{stamp}");

    // -n: the preprofile step once (Go 1.23+), -pgoprofile on every compile.
    let dry_run = |pgo: &str| {
        let res = Command::new(cli_binary())
            .args(["build", "-n", "--pgo", pgo, "--goroot"])
            .arg(&host)
            .arg("--cache")
            .arg(shared_cache("glb"))
            .arg("-o")
            .arg(scratch.join("dry"))
            .arg(&dir)
            .output()
            .unwrap();
        assert!(res.status.success(), "-n --pgo {pgo}: {}", String::from_utf8_lossy(&res.stderr));
        String::from_utf8_lossy(&res.stderr).into_owned()
    };
    let text = dry_run("auto");
    let compiles: Vec<&str> = text.lines().filter(|l| l.contains("/compile ")).collect();
    assert!(compiles.len() > 20 && compiles.iter().any(|l| l.contains(" -p runtime ")), "{text}");
    let preprofile: Vec<&str> = text.lines().filter(|l| l.contains("/preprofile ")).collect();
    assert_eq!(preprofile.len(), 1, "{text}");
    // Shell-quoted, as -n prints them.
    let flag = "'-pgoprofile=$WORK/b001/pgo.preprofile'";
    let want = format!("-o '$WORK/b001/pgo.preprofile' -i {}", dir.join("default.pgo").display());
    assert!(preprofile[0].ends_with(&want), "{} does not end with {want}", preprofile[0]);
    assert!(compiles.iter().all(|l| l.contains(flag)), "a compile without {flag}:\n{text}");
    let off = dry_run("off");
    assert!(!off.contains("pgoprofile") && !off.contains("/preprofile "), "-pgo=off still uses a profile:\n{off}");
}

/// A cgo program (the `cprog` fixture: C in the preamble and in a `.c` file,
/// a callback into Go through `//export`, so it links externally with
/// runtime/cgo) built by both under every Go of the matrix: the same output,
/// build info and bytes but for the build IDs.
#[test]
fn cgo_program_matches_go_build_across_the_matrix() {
    let (scratch, dir) = copy_fixture("cprog");
    for (version, goroot) in matrix() {
        let mut b = builder(&goroot, &dir, &scratch.join(format!("out-{version}")), &shared_cache("glb"));
        b.cgo(true);
        let a = b.try_binary("prog").unwrap_or_else(|e| panic!("{version}: go-link-build failed:\n{e}"));
        let theirs = scratch.join(format!("go-{version}"));
        let mut go = go_command(&goroot);
        go.env("CGO_ENABLED", "1");
        go_build_trimpath(go, &dir, ".", &theirs, &[], &version);
        let out = run(a.path(), &[]);
        assert_eq!(out, "cgo program 42 13 11\n", "{version}");
        assert_eq!(out, run(&theirs, &[]), "{version}: output");
        let info = build_info(&goroot, a.path());
        assert!(info.contains("build\tCGO_ENABLED=1"), "{version}: {info}");
        assert_eq!(info, build_info(&goroot, &theirs), "{version}: build info");
        let differ = differing_bytes(&version, a.path(), &theirs);
        eprintln!("{version}: {differ} bytes differ with build IDs blanked");
        assert_eq!(differ, 0, "{version}: bytes differ outside the build IDs");
    }
}

/// A program with thirteen third-party modules (the `modapp` fixture, its
/// modules served by the test-built `file://` proxy into one module cache
/// that both builders use offline) built by both under every Go of the
/// matrix that builds it (its go.mod says go 1.22): the same output, build
/// info (`dep` lines with sums, `=>` replacements) and bytes but for the
/// build IDs.
#[test]
fn modules_program_matches_go_build_across_the_matrix() {
    let Some(host) = host_goroot() else { return };
    let scratch = Scratch::new("conf-modules");
    let app = go_link_build_tests::modproxy::prepare_modapp(&host, &scratch.0, &shared_cache("gocache"))
        .unwrap_or_else(|e| panic!("{e}"));
    let modcache = app.gomodcache.to_str().expect("scratch paths are UTF-8");
    for (version, goroot) in matrix().into_iter().filter(|(v, _)| go_minor_patch(v).0 >= 22) {
        let mut b = builder(&goroot, &app.dir, &scratch.join(format!("out-{version}")), &shared_cache("glb"));
        b.env("GOMODCACHE", modcache).env("GOPROXY", "off").env("GOFLAGS", "").env("GOWORK", "off").env("GOENV", "off");
        let a = b.try_binary("prog").unwrap_or_else(|e| panic!("{version}: go-link-build failed:\n{e}"));
        let theirs = scratch.join(format!("go-{version}"));
        let mut go = go_command(&goroot);
        go_link_build_tests::modproxy::go_mod_env(&mut go, &app.gomodcache, None, &shared_cache("gocache"));
        go.env("GOFLAGS", "-mod=mod -buildvcs=false");
        go_build_trimpath(go, &app.dir, ".", &theirs, &[], &version);
        assert_eq!(run(a.path(), &[]), run(&theirs, &[]), "{version}: output");
        let info = build_info(&goroot, a.path());
        assert!(info.lines().filter(|l| l.starts_with("\tdep\t")).count() >= 10, "{version}: {info}");
        assert_eq!(info, build_info(&goroot, &theirs), "{version}: build info");
        let differ = differing_bytes(&version, a.path(), &theirs);
        eprintln!("{version}: {differ} bytes differ with build IDs blanked");
        assert_eq!(differ, 0, "{version}: bytes differ outside the build IDs");
    }
}
