//! The sidecar workflow (`go_link_build::sidecars`, feature `sidecars`): a
//! workspace declares Go programs in `[[package.metadata.go-link-build.sidecar]]`;
//! they are built as `go build` builds them and placed where Tauri and the
//! Rust program look for them. The CLI's `go-link-build sidecars` is tested in
//! cli.rs.

use std::path::{Path, PathBuf};

use go_link_build::sidecars::Sidecars;
use go_link_build_tests::*;

/// A workspace of one crate that declares `sidecars` (TOML tables) over a copy
/// of the `multi` fixture at `<ws>/multi`. Returns (scratch, manifest path).
pub fn workspace(sidecars: &str) -> (Scratch, PathBuf) {
    let (scratch, multi) = copy_fixture("multi");
    let ws = scratch.join("ws");
    std::fs::create_dir_all(ws.join("src")).unwrap();
    std::fs::rename(&multi, ws.join("multi")).unwrap();
    // `[workspace]`: the crate is its own workspace, whatever is above the temp dir.
    let manifest = format!(
        "[package]\nname = \"sidecar-user\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n[workspace]\n\n{sidecars}"
    );
    std::fs::write(ws.join("Cargo.toml"), manifest).unwrap();
    std::fs::write(ws.join("src/main.rs"), "fn main() {}\n").unwrap();
    let path = ws.join("Cargo.toml");
    (scratch, path)
}

const APP: &str = r#"
[[package.metadata.go-link-build.sidecar]]
name = "app"
package = "multi/cmd/app"
tags = ["fancy"]
ldflags-x = { "main.version" = "1.2.3" }
"#;

#[test]
fn declared_sidecar_is_built_like_go_build_and_placed_for_tauri_and_the_program() {
    let Some(goroot) = host_goroot() else { return };
    let (scratch, manifest) = workspace(APP);
    let ws = manifest.parent().unwrap().to_path_buf();
    let build = || {
        Sidecars::new()
            .manifest_path(&manifest)
            .goroot(&goroot)
            .cache_dir(shared_cache("glb"))
            .quiet(true)
            .build()
            .unwrap_or_else(|e| panic!("sidecars failed:\n{e}"))
    };
    let built = build();
    assert_eq!(built.len(), 1);
    let s = &built[0];
    assert_eq!((s.name(), s.krate()), ("app", "sidecar-user"));
    // The host triple, as rustc says it; the test binary was built for it.
    let triple = s.target().to_string();
    assert!(triple.contains(std::env::consts::ARCH), "{triple}");
    let target_dir = ws.join("target");
    assert_eq!(s.path(), target_dir.join("go-bin").join(format!("app-{triple}")), "Tauri's name-<triple>");
    assert_eq!(s.beside_program(), target_dir.join("debug/app"), "beside `cargo build`'s program");

    // Both copies are the program go build builds from the same settings.
    let theirs = go_build(
        &goroot,
        &ws.join("multi"),
        "./cmd/app",
        &scratch.join("go-built"),
        &["-tags=fancy", "-ldflags=-X=main.version=1.2.3"],
    );
    let expected = run(&theirs, &[]);
    assert!(expected.contains("version: 1.2.3") && expected.contains("flavour: fancy"), "{expected}");
    for copy in [s.path(), s.beside_program()] {
        assert_eq!(run(copy, &[]), expected, "{}", copy.display());
        assert_eq!(version_m(&goroot, copy), version_m(&goroot, &theirs), "{}", copy.display());
    }

    // Again: nothing changed, nothing runs.
    let again = build();
    assert!(again[0].was_up_to_date(), "second build was not a no-op: {:?}", again[0].stats());

    // --release strips and places beside release programs.
    let release = Sidecars::new()
        .manifest_path(&manifest)
        .goroot(&goroot)
        .cache_dir(shared_cache("glb"))
        .quiet(true)
        .release(true)
        .build()
        .unwrap();
    assert_eq!(release[0].beside_program(), target_dir.join("release/app"));
    assert_eq!(run(release[0].beside_program(), &[]), expected);
    let size = |p: &Path| std::fs::metadata(p).unwrap().len();
    assert!(size(release[0].path()) < size(s.beside_program()), "--release did not strip");
}

#[test]
fn nothing_declared_is_not_an_error() {
    let (_scratch, manifest) = workspace("");
    let built = Sidecars::new().manifest_path(&manifest).quiet(true).build().unwrap();
    assert!(built.is_empty());
}

#[test]
fn bad_declarations_name_the_crate_and_fail_before_building() {
    let (_scratch, manifest) = workspace(
        "[[package.metadata.go-link-build.sidecar]]\nname = \"app\"\npackage = \"multi/cmd/app\"\ntag = [\"x\"]\n",
    );
    // No GOROOT is given and none is needed: the declaration fails first.
    let e = Sidecars::new().manifest_path(&manifest).quiet(true).build().unwrap_err().to_string();
    assert!(e.contains("crate `sidecar-user`") && e.contains("unknown field `tag`"), "{e}");

    // The copy beside the program would replace cargo's `sidecar-user` binary.
    let (_scratch, manifest) =
        workspace("[[package.metadata.go-link-build.sidecar]]\nname = \"sidecar-user\"\npackage = \"multi/cmd/app\"\n");
    let e = Sidecars::new().manifest_path(&manifest).quiet(true).build().unwrap_err().to_string();
    assert!(e.contains("has the name of crate `sidecar-user`'s Rust program"), "{e}");

    let (_scratch, manifest) = workspace(APP);
    let e = Sidecars::new().manifest_path(&manifest).package("nope").quiet(true).build().unwrap_err().to_string();
    assert!(e.contains("no workspace crate named `nope`") && e.contains("sidecar-user"), "{e}");

    let e = Sidecars::new().manifest_path("/nonexistent/Cargo.toml").quiet(true).build().unwrap_err().to_string();
    assert!(e.starts_with("# cargo metadata") && e.contains("/nonexistent/Cargo.toml"), "{e}");
}

#[test]
fn a_go_error_names_the_sidecar_crate_and_target() {
    let Some(goroot) = host_goroot() else { return };
    let (_scratch, manifest) =
        workspace("[[package.metadata.go-link-build.sidecar]]\nname = \"gone\"\npackage = \"multi/cmd/missing\"\n");
    let e = Sidecars::new()
        .manifest_path(&manifest)
        .goroot(&goroot)
        .cache_dir(shared_cache("glb"))
        .quiet(true)
        .build()
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("could not build Go sidecar `gone` (crate `sidecar-user`, package multi/cmd/missing) for "),
        "{e}"
    );
}
