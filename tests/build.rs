//! Builds the C-archive fixture the tests call over FFI: three Go packages
//! (`fixtures/cffi/lib` with C code, `fixtures/cffi/calc`, and
//! `fixtures/cffi/bind`, which exports every kind of type) linked into one
//! archive `libfx.a`, one Go runtime, with Rust declarations generated from
//! its header (`GO_LINK_BUILD_RS_FX`, used by tests/bindings.rs).

fn main() {
    // The host triple, for tests that ask the `cc` crate about a cross target.
    println!("cargo:rustc-env=GLB_TEST_HOST={}", std::env::var("HOST").expect("cargo sets HOST"));
    // The rustc that compiles the tests, for tests that compile a Rust program for a cross target.
    println!("cargo:rustc-env=GLB_TEST_RUSTC={}", std::env::var("RUSTC").expect("cargo sets RUSTC"));
    go_link_build::Build::new()
        .package("fixtures/cffi/lib")
        .package("fixtures/cffi/calc")
        .package("fixtures/cffi/bind")
        .rust_bindings(true)
        // demo-crate declares `links = "go-runtime"`, and cargo allows one
        // `links` value per workspace; this crate is the only Go archive in
        // the test binaries, so the check is off here.
        .runtime_links_check(false)
        // Never the user's cache: the tests keep theirs in cargo's target dir.
        .cache_dir(test_cache())
        .c_archive("fx");
}

/// `<target dir>/go-link-build-cache` (cargo marks the target dir with CACHEDIR.TAG).
fn test_cache() -> std::path::PathBuf {
    let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let target = out.ancestors().find(|d| d.join("CACHEDIR.TAG").is_file()).unwrap_or(&out);
    target.join("go-link-build-cache")
}
