//! Bad input gets a clear error: what failed, where, what the tool said, what to do.

use go_link_build_tests::*;

fn build_err(goroot: &std::path::Path, fixture: &str, pkg: &str) -> String {
    let (scratch, dir) = copy_fixture(fixture);
    let b = builder(goroot, &dir.join(pkg), &scratch.join("out"), &scratch.join("cache"));
    let err = b.try_binary("x").expect_err("the build should fail");
    err.to_string()
}

#[test]
fn syntax_error_shows_compiler_output_under_package_header() {
    let Some(goroot) = host_goroot() else { return };
    let msg = build_err(&goroot, "syntaxerr", ".");
    assert!(msg.contains("# example.com/syntaxerr"), "{msg}");
    assert!(msg.contains("main.go:5:1: syntax error"), "{msg}");
}

#[test]
fn missing_imports_are_all_listed_with_their_files() {
    let Some(goroot) = host_goroot() else { return };
    let msg = build_err(&goroot, "missingimport", ".");
    assert!(msg.contains("example.com/missing/nothere"), "{msg}");
    assert!(msg.contains("github.com/nobody/nothing"), "{msg}");
    assert!(msg.contains("main.go:5"), "names the importing file and line: {msg}");
}

#[test]
fn not_a_main_package() {
    let Some(goroot) = host_goroot() else { return };
    let msg = build_err(&goroot, "notmain", ".");
    assert!(msg.contains("not a main package"), "{msg}");
}

#[test]
fn no_go_toolchain() {
    let (scratch, dir) = copy_fixture("modern");
    let empty = scratch.join("no-goroot");
    std::fs::create_dir_all(&empty).unwrap();
    let mut b = go_link_build::Build::new();
    b.package(&dir).out_dir(scratch.join("out")).cache_dir(scratch.join("cache")).cargo_metadata(false);
    b.env("GO_LINK_BUILD_GOROOT", empty.to_str().unwrap());
    let msg = b.try_binary("x").unwrap_err().to_string();
    assert!(msg.contains("no-goroot"), "names what was tried: {msg}");
    assert!(msg.contains("src/"), "says what is missing: {msg}");
}

#[test]
fn go_too_old() {
    let (scratch, dir) = copy_fixture("modern");
    let old = scratch.join("go1.20");
    let tool = old.join("pkg/tool").join(format!(
        "{}_{}",
        if cfg!(target_os = "macos") { "darwin" } else { std::env::consts::OS },
        match std::env::consts::ARCH {
            "x86_64" => "amd64",
            "aarch64" => "arm64",
            a => a,
        }
    ));
    std::fs::create_dir_all(old.join("src")).unwrap();
    std::fs::create_dir_all(&tool).unwrap();
    std::fs::write(tool.join(format!("compile{}", std::env::consts::EXE_SUFFIX)), "").unwrap();
    std::fs::write(old.join("VERSION"), "go1.20.14\ntime 2024-02-06T00:00:00Z\n").unwrap();
    let mut b = go_link_build::Build::new();
    b.package(&dir).out_dir(scratch.join("out")).cache_dir(scratch.join("cache")).cargo_metadata(false).goroot(&old);
    let msg = b.try_binary("x").unwrap_err().to_string();
    assert!(msg.contains("go1.20.14") && msg.contains("Go 1.21 or newer"), "{msg}");
}

#[test]
fn works_without_a_go_command_when_goroot_is_given() {
    let Some(goroot) = host_goroot() else { return };
    let (scratch, dir) = copy_fixture("modern");
    let mut b = go_link_build::Build::new();
    b.package(&dir).out_dir(scratch.join("out")).cache_dir(scratch.join("cache")).cargo_metadata(false);
    // A broken `go` command and a GOROOT: discovery must not need the former.
    b.env("GO", "/nonexistent/go").env("GO_LINK_BUILD_GOROOT", goroot.to_str().unwrap());
    let art = b.try_binary("x").unwrap();
    assert!(run(art.path(), &[]).contains("loopvar: 0 1 2"));
}

/// A panic inside an action (a go-link-build bug, injected here through the
/// `test-hooks` feature: an action whose label names `glb-test-hook-panic`
/// panics in its temp directory) fails the build with an error naming the
/// action; the scheduler's other workers do not wait for it forever (they
/// did), and nothing is left behind: no output, no temp directory.
#[test]
fn a_panicking_action_fails_the_build_and_leaves_nothing() {
    let Some(goroot) = host_goroot() else { return };
    let s = Scratch::new("panic-hook");
    let dir = s.join("m");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("go.mod"), "module example.com/glb-test-hook-panic\n\ngo 1.21\n").unwrap();
    std::fs::write(dir.join("main.go"), "package main\n\nfunc main() {}\n").unwrap();
    let cache = shared_cache("glb");
    let out = s.join("out");
    let (tx, rx) = std::sync::mpsc::channel();
    {
        let (goroot, dir, out, cache) = (goroot.clone(), dir.clone(), out.clone(), cache.clone());
        std::thread::spawn(move || {
            let _ = tx.send(builder(&goroot, &dir, &out, &cache).try_binary("m").map(|a| a.path().to_path_buf()));
        });
    }
    // Generous: a cold shared cache compiles the runtime first.
    let res = rx.recv_timeout(std::time::Duration::from_secs(1800)).expect("the build hung after a panic");
    let msg = res.expect_err("the build should fail").to_string();
    assert!(
        msg.starts_with("# example.com/glb-test-hook-panic\ngo-link-build bug: the action `compile example.com/glb-test-hook-panic` panicked: test hook"),
        "{msg}"
    );
    assert!(!out.join("go-link-build/bin/m").exists(), "a binary was installed");
    let ours = format!("{}-", std::process::id());
    let left: Vec<_> = std::fs::read_dir(cache.join("tmp"))
        .map(|d| d.flatten().map(|e| e.file_name()).filter(|n| n.to_string_lossy().starts_with(&ours)).collect())
        .unwrap_or_default();
    assert!(left.is_empty(), "temp dirs left in the cache: {left:?}");
}
