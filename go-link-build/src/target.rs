//! Rust target → Go port.
//!
//! Cargo describes the target with `TARGET` and `CARGO_CFG_TARGET_*`; the CLI
//! and xtask have only a triple. Both end up as a [`GoTarget`]. Architecture
//! invariant: no IO; a pure table.

use crate::error::{Error, ErrorKind, Result};

/// A Go port, plus an arch level implied by the Rust target (e.g. `armv6` →
/// `GOARM=6`). `None` leaves the level to the environment or the toolchain's
/// default.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct GoTarget {
    pub goos: String,
    pub goarch: String,
    pub arch_level: Option<(String, String)>,
}

/// Maps a Rust target triple (`aarch64-unknown-linux-gnu`) to a Go port.
pub(crate) fn from_triple(triple: &str) -> Result<GoTarget> {
    let unsupported = |why: &str| {
        Error::new(
            ErrorKind::Unsupported,
            format!("the Rust target `{triple}` has no Go port: {why}. Go supports the ports listed by `go tool dist list`; build the Go part for one of those."),
        )
    };
    let parts: Vec<&str> = triple.split('-').collect();
    let arch = *parts.first().ok_or_else(|| unsupported("empty target"))?;
    let goarch = match arch {
        "x86_64" => "amd64",
        "i386" | "i586" | "i686" => "386",
        "aarch64" | "arm64" => "arm64",
        a if a.starts_with("armv7")
            || a.starts_with("thumbv7")
            || a == "arm"
            || a.starts_with("armv6")
            || a.starts_with("armv5") =>
        {
            "arm"
        }
        "riscv64gc" | "riscv64" => "riscv64",
        "powerpc64le" => "ppc64le",
        "powerpc64" => "ppc64",
        "s390x" => "s390x",
        "loongarch64" => "loong64",
        "mips" => "mips",
        "mipsel" => "mipsle",
        "mips64" => "mips64",
        "mips64el" => "mips64le",
        "wasm32" => "wasm",
        other => {
            return Err(unsupported(&format!(
                "Go has no port for the architecture `{other}`"
            )))
        }
    };
    let has = |s: &str| parts.iter().skip(1).any(|p| p.starts_with(s));
    let goos = if has("android") {
        "android"
    } else if has("linux") {
        "linux"
    } else if has("darwin") {
        "darwin"
    } else if has("ios") {
        "ios"
    } else if has("windows") {
        "windows"
    } else if has("freebsd") {
        "freebsd"
    } else if has("netbsd") {
        "netbsd"
    } else if has("openbsd") {
        "openbsd"
    } else if has("dragonfly") {
        "dragonfly"
    } else if has("illumos") {
        "illumos"
    } else if has("solaris") {
        "solaris"
    } else if has("aix") {
        "aix"
    } else if has("wasip1") || triple == "wasm32-wasi" {
        "wasip1"
    } else if triple == "wasm32-unknown-unknown" {
        return Err(unsupported("Go's js/wasm port needs a JavaScript host and Go's wasip1/wasm port needs WASI; use wasm32-wasip1"));
    } else {
        return Err(unsupported("Go has no port for its operating system"));
    };
    let arch_level = match goarch {
        "arm" if arch.starts_with("armv5") || arch == "arm" && triple.ends_with("eabi") => {
            Some(("GOARM".into(), "5".into()))
        }
        "arm" if arch.starts_with("armv6") || arch == "arm" => Some(("GOARM".into(), "6".into())),
        "arm" => Some(("GOARM".into(), "7".into())),
        _ => None,
    };
    Ok(GoTarget {
        goos: goos.into(),
        goarch: goarch.into(),
        arch_level,
    })
}

/// The Rust triple of the machine this code runs on, for builds outside cargo.
pub(crate) fn host_triple() -> &'static str {
    match (std::env::consts::ARCH, std::env::consts::OS) {
        ("x86_64", "linux") => "x86_64-unknown-linux-gnu",
        ("aarch64", "linux") => "aarch64-unknown-linux-gnu",
        ("x86_64", "macos") => "x86_64-apple-darwin",
        ("aarch64", "macos") => "aarch64-apple-darwin",
        ("x86_64", "windows") => "x86_64-pc-windows-msvc",
        ("aarch64", "windows") => "aarch64-pc-windows-msvc",
        ("x86_64", "freebsd") => "x86_64-unknown-freebsd",
        ("riscv64", "linux") => "riscv64gc-unknown-linux-gnu",
        ("x86", "linux") => "i686-unknown-linux-gnu",
        _ => "unknown",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_triples() {
        for (triple, goos, goarch) in [
            ("x86_64-unknown-linux-gnu", "linux", "amd64"),
            ("x86_64-unknown-linux-musl", "linux", "amd64"),
            ("aarch64-apple-darwin", "darwin", "arm64"),
            ("x86_64-pc-windows-gnu", "windows", "amd64"),
            ("i686-pc-windows-msvc", "windows", "386"),
            ("armv7-unknown-linux-gnueabihf", "linux", "arm"),
            ("riscv64gc-unknown-linux-gnu", "linux", "riscv64"),
            ("aarch64-linux-android", "android", "arm64"),
            ("wasm32-wasip1", "wasip1", "wasm"),
            ("powerpc64le-unknown-linux-gnu", "linux", "ppc64le"),
        ] {
            let t = from_triple(triple).unwrap();
            assert_eq!(
                (t.goos.as_str(), t.goarch.as_str()),
                (goos, goarch),
                "{triple}"
            );
        }
        assert_eq!(
            from_triple("armv7-unknown-linux-gnueabihf")
                .unwrap()
                .arch_level,
            Some(("GOARM".into(), "7".into()))
        );
        assert!(from_triple("wasm32-unknown-unknown")
            .unwrap_err()
            .to_string()
            .contains("wasip1"));
        assert!(from_triple("sparc64-unknown-linux-gnu").is_err());
    }
}
