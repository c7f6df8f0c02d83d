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
            let res = go_command(goroot)
                .env("GOFLAGS", goflags)
                .args(["build", "-trimpath", "-o"])
                .arg(&theirs)
                .arg(".")
                .current_dir(&dir)
                .output()
                .unwrap();
            assert!(res.status.success(), "{label}: go build: {}", String::from_utf8_lossy(&res.stderr));
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
