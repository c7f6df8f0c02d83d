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
