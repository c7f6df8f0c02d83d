//! Builds the Go side of the demo with go-link-build, exactly as a user would:
//! a C archive that Rust calls into, and a sidecar program it runs.

fn main() {
    // Go functions for Rust to call: lib goffi.a + goffi.h, linked automatically.
    go_link_build::Build::new().package("go/ffi").c_archive("goffi");

    // A standalone Go program shipped beside the Rust one.
    go_link_build::Build::new()
        .package("go/cmd/hello")
        .ldflag_x("main.version", env!("CARGO_PKG_VERSION"))
        .binary("hello");
}
