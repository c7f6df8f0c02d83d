//! Builds the Go sidecar `hello` with go-link-build, exactly as a user would.

fn main() {
    go_link_build::Build::new()
        .package("go/cmd/hello")
        .ldflag_x("main.version", env!("CARGO_PKG_VERSION"))
        .binary("hello");
}
