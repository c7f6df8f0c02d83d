//! The `go-link-build` command line, run the way a shell user would.

use std::path::PathBuf;
use std::process::Command;

use go_link_build_tests::*;

/// The CLI binary. `cargo test --workspace` builds it next to this test
/// (the tests crate enables the library's `cli` feature); when only this
/// crate is tested, build it here with the same cargo and target dir.
fn cli() -> PathBuf {
    static BUILT: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    BUILT
        .get_or_init(|| {
            let exe = std::env::current_exe().unwrap();
            let profile_dir = exe.parent().and_then(|d| d.parent()).unwrap().to_path_buf();
            let bin = profile_dir.join(format!("go-link-build{}", std::env::consts::EXE_SUFFIX));
            if !bin.exists() {
                let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
                let status = Command::new(cargo)
                    .args([
                        "build",
                        "-p",
                        "go-link-build",
                        "--features",
                        "cli",
                        "--bin",
                        "go-link-build",
                        "--target-dir",
                    ])
                    .arg(profile_dir.parent().unwrap())
                    .status()
                    .unwrap();
                assert!(status.success(), "building the go-link-build CLI failed");
            }
            bin
        })
        .clone()
}

#[test]
fn builds_with_only_a_goroot_and_no_go_on_path() {
    let Some(goroot) = host_goroot() else { return };
    let (scratch, dir) = copy_fixture("multi");
    let out = scratch.join("app-bin");
    // PATH without any `go`: discovery must come from GOROOT alone.
    let res = Command::new(cli())
        .args(["build", "-X", "main.version=cli", "--tags", "fancy", "-o"])
        .arg(&out)
        .arg(dir.join("cmd/app"))
        .env_clear()
        .env("PATH", "/nonexistent")
        .env("GOROOT", &goroot)
        .env("GO_LINK_BUILD_CACHE", scratch.join("cache"))
        .output()
        .unwrap();
    assert!(res.status.success(), "{}", String::from_utf8_lossy(&res.stderr));
    let text = run(&out, &[]);
    assert!(text.contains("version: cli") && text.contains("flavour: fancy"), "{text}");
}

#[test]
fn reports_errors_and_exits_non_zero() {
    let (scratch, dir) = copy_fixture("syntaxerr");
    let res = Command::new(cli())
        .arg("build")
        .arg(&dir)
        .env_clear()
        .env("PATH", "/nonexistent")
        .env("GO_LINK_BUILD_CACHE", scratch.join("cache"))
        .output()
        .unwrap();
    assert!(!res.status.success());
    let err = String::from_utf8_lossy(&res.stderr);
    assert!(err.starts_with("error: no Go toolchain found"), "{err}");
}

#[test]
fn c_archive_and_print_link_flags() {
    let Some(goroot) = host_goroot() else { return };
    let (scratch, dir) = copy_fixture("cffi");
    let out = scratch.join("libcalc.a");
    let res = Command::new(cli())
        .args(["build", "--buildmode", "c-archive", "--print-link-flags", "-o"])
        .arg(&out)
        .arg(dir.join("lib"))
        .arg(dir.join("calc"))
        .env("GOROOT", &goroot)
        .env("GO_LINK_BUILD_CACHE", scratch.join("cache"))
        .output()
        .unwrap();
    assert!(res.status.success(), "{}", String::from_utf8_lossy(&res.stderr));
    // Only the flags line on stdout, for `$(go-link-build … --print-link-flags)`.
    let stdout = String::from_utf8_lossy(&res.stdout);
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert!(stdout.contains("-lpthread"), "{stdout}");
    assert!(out.is_file());
    let header = std::fs::read_to_string(scratch.join("calc.h")).unwrap();
    assert!(header.contains("FxFib") && header.contains("FxScale"), "both packages' exports: {header}");
}
