//! The demo: a Rust program that runs a Go sidecar built by go-link-build
//! (from its build script, without `go build`) and shows what it printed.

use std::process::Command;

/// Where the build script put the sidecar (`cargo:rustc-env` from go-link-build).
const HELLO: &str = env!("GO_LINK_BUILD_BIN_HELLO");

fn main() {
    println!("Rust: running the Go sidecar at {HELLO}");
    let out = Command::new(HELLO)
        .arg("Rust")
        .arg("demo")
        .output()
        .unwrap_or_else(|e| {
            eprintln!("error: could not run {HELLO}: {e}");
            std::process::exit(1);
        });
    if !out.status.success() {
        eprintln!(
            "error: the sidecar failed with {}: {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        std::process::exit(1);
    }
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        println!("  go> {line}");
    }
}
