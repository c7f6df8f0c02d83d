//! Builds the Go side of the demo with go-link-build, exactly as a user would:
//! a C archive that Rust calls into, and a sidecar program it runs.

fn main() {
    // Go functions for Rust to call: lib goffi.a + goffi.h, linked
    // automatically, and goffi.rs, their Rust declarations generated from the
    // header (src/main.rs includes it through GO_LINK_BUILD_RS_GOFFI).
    go_link_build::Build::new().package("go/ffi").rust_bindings(true).c_archive("goffi");

    // A standalone Go program shipped beside the Rust one.
    go_link_build::Build::new()
        .package("go/cmd/hello")
        .ldflag_x("main.version", env!("CARGO_PKG_VERSION"))
        .binary("hello");
}
