//! Diagnostics of C compiles that succeed reach the user, once each (issue
//! 10; README "What it tells cargo"): `cargo:warning=` lines in a build
//! script, `warning: ` lines on stderr from the command line, where stdout
//! stays empty.

use std::process::Command;

use go_link_build_tests::{cli_binary, go_command, host_goroot, shared_cache, Scratch};

#[test]
fn preamble_warning_is_shown_once_on_stderr() {
    let Some(goroot) = host_goroot() else { return };
    let s = Scratch::new("c-warning");
    let dir = s.join("w");
    std::fs::create_dir_all(&dir).unwrap();
    // A text of its own per run: the shared cache would otherwise answer the
    // package from an earlier run, and a cached compile shows nothing (as
    // with go build).
    let nonce = format!(
        "{}-{}",
        std::process::id(),
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos()
    );
    std::fs::write(dir.join("go.mod"), "module example.com/w\n\ngo 1.21\n").unwrap();
    let main = format!(
        "package main\n\n/*\n#warning hello {nonce}\nstatic int one(void) {{ return 1; }}\n*/\nimport \"C\"\n\n\
         //export Two\nfunc Two() C.int {{ return C.one() + 1 }}\n\nfunc main() {{ println(C.one()) }}\n"
    );
    std::fs::write(dir.join("main.go"), main).unwrap();
    let out = Command::new(cli_binary())
        .args(["build", "--cgo", "--cache"])
        .arg(shared_cache("glb"))
        .arg("-o")
        .arg(s.join("out/w"))
        .arg(".")
        .current_dir(&dir)
        .env("GOROOT", &goroot)
        .env("GOWORK", "off")
        .env("GOENV", "off")
        .env_remove("GOFLAGS")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stderr}");
    assert_eq!(stdout, "", "the CLI writes no cargo directives");
    let warning = format!("#warning hello {nonce}");
    let lines: Vec<&str> = stderr.lines().filter(|l| l.contains(&format!("warning: {warning}"))).collect();
    assert_eq!(lines.len(), 1, "the preamble's #warning once, as a warning: line:\n{stderr}");
    assert!(lines[0].starts_with("warning: "), "{stderr}");
    assert!(lines[0].contains("main.go:4:2: warning: "), "{stderr}");

    // go build shows it too: twice, from x.cgo2.c and from _cgo_export.c
    // (through _cgo_export.h); we show it once.
    let go = go_command(&goroot)
        .args(["build", "-o", "/dev/null", "."])
        .current_dir(&dir)
        .env("CGO_ENABLED", "1")
        .env("GOWORK", "off")
        .output()
        .unwrap();
    let go_err = String::from_utf8_lossy(&go.stderr);
    assert!(go.status.success(), "{go_err}");
    assert!(go_err.matches(&format!("warning: {warning}")).count() >= 1, "{go_err}");
}

/// A setting that cannot apply is a `warning: ` line on the CLI's stderr,
/// never a `cargo:warning=` line on its stdout.
#[test]
fn settings_warning_goes_to_stderr_outside_cargo() {
    let Some(goroot) = host_goroot() else { return };
    let s = Scratch::new("settings-warning");
    let dir = s.join("h");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("go.mod"), "module example.com/h\n\ngo 1.21\n").unwrap();
    std::fs::write(dir.join("main.go"), "package main\n\nfunc main() {}\n").unwrap();
    let out = Command::new(cli_binary())
        .args(["build", "--cache"])
        .arg(shared_cache("glb"))
        .arg("-o")
        .arg(s.join("out/h"))
        .arg(".")
        .current_dir(&dir)
        .env("GOROOT", &goroot)
        .env("GOWORK", "off")
        .env("GOENV", "off")
        .env("GOFLAGS", "-tags=x")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "", "the CLI writes no cargo directives");
    let lines: Vec<&str> = stderr.lines().filter(|l| l.contains("GOFLAGS has -tags=x")).collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(
        lines[0].starts_with("warning: go-link-build: GOFLAGS has -tags=x, which go-link-build does not apply"),
        "{stderr}"
    );
}
