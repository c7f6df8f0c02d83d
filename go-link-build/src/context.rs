//! The build context: the facts that decide which files of a package are built
//! and with which tool environment.
//!
//! A `BuildContext` is the Rust twin of `go/build.Context` plus the tool
//! environment cmd/go exports (`GOOS`, `GOARCH`, `GO$ARCH`, `GOEXPERIMENT`).
//! The same value drives file selection (`load`) and every tool invocation
//! (`tools`), so the two can never disagree: the linker rejects objects whose
//! header (`go object linux amd64 go1.26.8 GOAMD64=v1 X:…`) differs from its own.
//!
//! Architecture invariant: no IO here. The enabled experiments and the
//! arch-level value come from the toolchain (see `toolchain::probe_target`).

use std::path::PathBuf;

/// Everything that build constraints and tools see of the target.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct BuildContext {
    /// The GOROOT every tool runs with.
    pub goroot: PathBuf,
    /// Target operating system, as Go spells it (`linux`, `darwin`, `windows`, `wasip1`).
    pub goos: String,
    /// Target architecture, as Go spells it (`amd64`, `arm64`, `386`, `wasm`).
    pub goarch: String,
    /// Whether cgo is enabled (the `cgo` build tag, `CGO_ENABLED`).
    pub cgo_enabled: bool,
    /// The arch-level variable and its value, e.g. `("GOAMD64", "v1")`; `None`
    /// for architectures without one (loong64, s390x, wasm).
    pub arch_level: Option<(String, String)>,
    /// Enabled experiments, baseline ones included, lower case as in the
    /// object header (`regabiwrappers`, `greenteagc`).
    pub experiments: Vec<String>,
    /// The user's `GOEXPERIMENT` value, passed through to every tool unchanged.
    pub goexperiment_env: Option<String>,
    /// The toolchain's minor version: 26 for go1.26.8. Release tags are go1.1 … go1.N.
    pub go_minor: u32,
    /// User build tags (`-tags`).
    pub user_tags: Vec<String>,
    /// `-race`: the `race` tool tag (`instrumentInit`'s `ToolTags`).
    pub race: bool,
    /// `-cover` (`Build::cover`): `runtime/coverage` linked, the main
    /// module's packages instrumented (`cover.rs`).
    pub cover: bool,
}

/// Operating systems Go knows (`internal/syslist.KnownOS`).
pub(crate) const KNOWN_OS: &[&str] = &[
    "aix",
    "android",
    "darwin",
    "dragonfly",
    "freebsd",
    "hurd",
    "illumos",
    "ios",
    "js",
    "linux",
    "nacl",
    "netbsd",
    "openbsd",
    "plan9",
    "solaris",
    "wasip1",
    "windows",
    "zos",
];

/// Operating systems for which the `unix` tag holds (`internal/syslist.UnixOS`).
pub(crate) const UNIX_OS: &[&str] = &[
    "aix",
    "android",
    "darwin",
    "dragonfly",
    "freebsd",
    "hurd",
    "illumos",
    "ios",
    "linux",
    "netbsd",
    "openbsd",
    "solaris",
];

/// Architectures Go knows (`internal/syslist.KnownArch`).
pub(crate) const KNOWN_ARCH: &[&str] = &[
    "386",
    "amd64",
    "amd64p32",
    "arm",
    "armbe",
    "arm64",
    "arm64be",
    "loong64",
    "mips",
    "mipsle",
    "mips64",
    "mips64le",
    "mips64p32",
    "mips64p32le",
    "ppc",
    "ppc64",
    "ppc64le",
    "riscv",
    "riscv64",
    "s390",
    "s390x",
    "sparc",
    "sparc64",
    "wasm",
];

impl BuildContext {
    /// Reports whether a single build tag is satisfied, exactly like
    /// `go/build.Context.matchTag`.
    pub(crate) fn match_tag(&self, name: &str) -> bool {
        if name.is_empty() {
            return false;
        }
        // Legacy: `boringcrypto` is `goexperiment.boringcrypto`.
        if name == "boringcrypto" {
            return self.match_tag("goexperiment.boringcrypto");
        }
        if name == "gc" || name == "cgo" && self.cgo_enabled {
            return true;
        }
        if name == self.goos || name == self.goarch {
            return true;
        }
        if name == "unix" && UNIX_OS.contains(&self.goos.as_str()) {
            return true;
        }
        match (name, self.goos.as_str()) {
            ("linux", "android") | ("solaris", "illumos") | ("darwin", "ios") => return true,
            _ => {}
        }
        if self.tool_tags().iter().any(|t| t == name) {
            return true;
        }
        if self.user_tags.iter().any(|t| t == name) {
            return true;
        }
        if let Some(minor) = name.strip_prefix("go1.") {
            if let Ok(minor) = minor.parse::<u32>() {
                // Release tags are exactly "go1.N" for 1 <= N <= go_minor.
                return minor >= 1 && minor <= self.go_minor && format!("go1.{minor}") == name;
            }
        }
        false
    }

    /// The toolchain's tags: `goexperiment.*` for enabled experiments and the
    /// cumulative arch-level tags (`internal/buildcfg.ToolTags`).
    pub(crate) fn tool_tags(&self) -> Vec<String> {
        let mut tags: Vec<String> = self.experiments.iter().map(|e| format!("goexperiment.{e}")).collect();
        tags.extend(self.arch_tags());
        if self.race {
            tags.push("race".into());
        }
        tags
    }

    /// Cumulative microarchitecture tags, as `internal/buildcfg.gogoarchTags`.
    pub(crate) fn arch_tags(&self) -> Vec<String> {
        let arch = self.goarch.as_str();
        let level = self.arch_level.as_ref().map(|(_, v)| v.as_str()).unwrap_or("");
        // GOARM may carry ",softfloat"/",hardfloat"; GOARM64 may carry ",lse"/",crypto".
        let base = level.split(',').next().unwrap_or("");
        let mut tags = Vec::new();
        match arch {
            "386" | "mips" | "mipsle" | "mips64" | "mips64le" => tags.push(format!("{arch}.{base}")),
            "amd64" => {
                let n: u32 = base.trim_start_matches('v').parse().unwrap_or(1);
                tags.extend((1..=n).map(|i| format!("amd64.v{i}")));
            }
            "arm" => {
                let n: u32 = base.parse().unwrap_or(7);
                tags.extend((5..=n).map(|i| format!("arm.{i}")));
            }
            "arm64" => {
                let (major, minor) = parse_arm64_level(base);
                tags.extend((0..=minor).map(|i| format!("arm64.v{major}.{i}")));
                if major == 9 {
                    tags.extend((0..=(minor + 5).min(9)).map(|i| format!("arm64.v8.{i}")));
                }
            }
            "ppc64" | "ppc64le" => {
                let n: u32 = base.trim_start_matches("power").parse().unwrap_or(8);
                tags.extend((8..=n).map(|i| format!("{arch}.power{i}")));
            }
            "riscv64" => {
                let n: u32 = base.trim_start_matches("rva").trim_end_matches("u64").parse().unwrap_or(20);
                tags.push("riscv64.rva20u64".into());
                if n >= 22 {
                    tags.push("riscv64.rva22u64".into());
                }
                if n >= 23 {
                    tags.push("riscv64.rva23u64".into());
                }
            }
            "wasm" => {
                tags.push("wasm.satconv".into());
                tags.push("wasm.signext".into());
            }
            _ => {}
        }
        tags
    }

    /// The environment every Go tool runs with (besides `GOROOT`, which the
    /// caller sets per tool and Go version). Identical for compile, asm and link.
    pub(crate) fn tool_env(&self) -> Vec<(String, String)> {
        let mut env = vec![
            ("GOOS".to_string(), self.goos.clone()),
            ("GOARCH".to_string(), self.goarch.clone()),
            ("CGO_ENABLED".to_string(), if self.cgo_enabled { "1" } else { "0" }.to_string()),
        ];
        if let Some((k, v)) = &self.arch_level {
            env.push((k.clone(), v.clone()));
        }
        env.push(("GOEXPERIMENT".to_string(), self.goexperiment_env.clone().unwrap_or_default()));
        env
    }
}

/// Parses `v8.0`, `v9.3` (optionally followed by `,lse`) into (major, minor).
fn parse_arm64_level(level: &str) -> (u32, u32) {
    let v = level.trim_start_matches('v');
    let mut it = v.split('.');
    let major = it.next().and_then(|s| s.parse().ok()).unwrap_or(8);
    let minor = it.next().and_then(|s| s.parse().ok()).unwrap_or(0);
    (major, minor)
}

/// The name of the arch-level variable for a GOARCH (`internal/buildcfg.GOGOARCH`).
pub(crate) fn arch_level_var(goarch: &str) -> Option<&'static str> {
    Some(match goarch {
        "386" => "GO386",
        "amd64" => "GOAMD64",
        "arm" => "GOARM",
        "arm64" => "GOARM64",
        "mips" | "mipsle" => "GOMIPS",
        "mips64" | "mips64le" => "GOMIPS64",
        "ppc64" | "ppc64le" => "GOPPC64",
        "riscv64" => "GORISCV64",
        "wasm" => "GOWASM",
        _ => return None,
    })
}

/// `internal/buildcfg`'s check of an arch-level variable (`goamd64`,
/// `goarm`, `ParseGoarm64`, `gomips`, `goppc64`, `goriscv64`, `gowasm`) for
/// Go 1.`minor`, with its message. The compiler does not reject a bad value:
/// it falls back to the default (`GOAMD64=v9` builds for v1). Go 1.21's `go
/// build` refuses it (`buildcfg.Check`), and `go env` still does; later
/// releases build for the default level and record the bad value in the
/// build info, which we do not copy: the user asked for something they do
/// not get. `GO386` is not checked by buildcfg; a variable the release does
/// not know (`GOARM64` before 1.23) is not checked either.
pub(crate) fn check_arch_level(var: &str, value: &str, minor: u32) -> std::result::Result<(), String> {
    let ok = match var {
        "GOAMD64" => matches!(value, "v1" | "v2" | "v3" | "v4"),
        "GOARM" if minor < 22 => matches!(value, "5" | "6" | "7"),
        "GOARM" => {
            let v = value.strip_suffix(",softfloat").unwrap_or(value);
            let v = v.strip_suffix(",hardfloat").unwrap_or(v);
            matches!(v, "5" | "6" | "7")
        }
        "GOARM64" if minor >= 23 => {
            let mut v = value;
            while let Some(rest) = v.strip_suffix(",lse").or_else(|| v.strip_suffix(",crypto")) {
                v = rest;
            }
            let minor_ok =
                |m: &str, max: u8| m.len() == 1 && m.as_bytes()[0].is_ascii_digit() && m.as_bytes()[0] - b'0' <= max;
            match v.strip_prefix("v8.") {
                Some(m) => minor_ok(m, 9),
                None => v.strip_prefix("v9.").is_some_and(|m| minor_ok(m, 5)),
            }
        }
        "GOMIPS" | "GOMIPS64" => matches!(value, "hardfloat" | "softfloat"),
        "GOPPC64" => matches!(value, "power8" | "power9" | "power10"),
        "GORISCV64" if minor >= 25 => matches!(value, "rva20u64" | "rva22u64" | "rva23u64"),
        "GORISCV64" if minor >= 23 => matches!(value, "rva20u64" | "rva22u64"),
        "GOWASM" => {
            return match value.split(',').find(|o| !matches!(*o, "satconv" | "signext" | "")) {
                Some(o) => Err(format!("invalid GOWASM: no such feature {o:?}")),
                None => Ok(()),
            }
        }
        _ => true,
    };
    if ok {
        return Ok(());
    }
    Err(match var {
        "GOAMD64" => "invalid GOAMD64: must be v1, v2, v3, v4".to_string(),
        "GOARM" if minor < 22 => "invalid GOARM: must be 5, 6, 7".to_string(),
        "GOARM" => {
            "invalid GOARM: must start with 5, 6, or 7, and may optionally end in either \",hardfloat\" or \",softfloat\""
                .to_string()
        }
        "GOARM64" => "invalid GOARM64: must start with v8.{0-9} or v9.{0-5} and may optionally end in \",lse\" and/or \
                      \",crypto\""
            .to_string(),
        "GORISCV64" if minor >= 25 => "invalid GORISCV64: must be rva20u64, rva22u64, rva23u64".to_string(),
        "GORISCV64" => "invalid GORISCV64: must be rva20u64, rva22u64".to_string(),
        "GOPPC64" => "invalid GOPPC64: must be power8, power9, power10".to_string(),
        other => format!("invalid {other}: must be hardfloat, softfloat"),
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A linux/amd64 context with go1.26-like experiments, for unit tests.
    pub(crate) fn linux_amd64() -> BuildContext {
        BuildContext {
            race: false,
            cover: false,
            goroot: PathBuf::from("/goroot"),
            goos: "linux".into(),
            goarch: "amd64".into(),
            cgo_enabled: false,
            arch_level: Some(("GOAMD64".into(), "v3".into())),
            experiments: vec!["regabiwrappers".into(), "greenteagc".into()],
            goexperiment_env: None,
            go_minor: 26,
            user_tags: vec!["mytag".into()],
        }
    }

    #[test]
    fn tags() {
        let ctx = linux_amd64();
        for yes in [
            "linux",
            "amd64",
            "unix",
            "gc",
            "go1.1",
            "go1.26",
            "amd64.v2",
            "amd64.v3",
            "goexperiment.greenteagc",
            "mytag",
        ] {
            assert!(ctx.match_tag(yes), "{yes}");
        }
        for no in ["cgo", "darwin", "go1.27", "go1.0", "amd64.v4", "gccgo", "goexperiment.x", "", "go1.01"] {
            assert!(!ctx.match_tag(no), "{no}");
        }
    }

    #[test]
    fn aliases() {
        let mut ctx = linux_amd64();
        ctx.goos = "android".into();
        assert!(ctx.match_tag("linux") && ctx.match_tag("unix"));
        ctx.goos = "ios".into();
        assert!(ctx.match_tag("darwin"));
        ctx.goos = "wasip1".into();
        assert!(!ctx.match_tag("unix"));
    }

    #[test]
    fn arm64_v9_implies_v8() {
        let mut ctx = linux_amd64();
        ctx.goarch = "arm64".into();
        ctx.arch_level = Some(("GOARM64".into(), "v9.1,lse".into()));
        let tags = ctx.arch_tags();
        assert!(tags.contains(&"arm64.v9.1".to_string()));
        assert!(tags.contains(&"arm64.v8.6".to_string()));
        assert!(!tags.contains(&"arm64.v8.7".to_string()));
    }

    #[test]
    fn arch_levels_checked_like_buildcfg() {
        assert_eq!(check_arch_level("GOAMD64", "v3", 26), Ok(()));
        assert_eq!(check_arch_level("GOAMD64", "v9", 26).unwrap_err(), "invalid GOAMD64: must be v1, v2, v3, v4");
        assert!(check_arch_level("GOAMD64", "", 26).is_err());
        assert_eq!(check_arch_level("GOARM", "7,softfloat", 26), Ok(()));
        assert_eq!(check_arch_level("GOARM", "7,softfloat", 21).unwrap_err(), "invalid GOARM: must be 5, 6, 7");
        assert!(check_arch_level("GOARM", "8", 26).unwrap_err().ends_with("either \",hardfloat\" or \",softfloat\""));
        for ok in ["v8.0", "v8.9,lse", "v9.5,crypto,lse", "v8.4,lse,crypto"] {
            assert_eq!(check_arch_level("GOARM64", ok, 26), Ok(()), "{ok}");
        }
        for bad in ["v9.6", "v8", "v8.10", "8.0", "v8.0,sve"] {
            let e = check_arch_level("GOARM64", bad, 26).unwrap_err();
            assert_eq!(e, "invalid GOARM64: must start with v8.{0-9} or v9.{0-5} and may optionally end in \",lse\" and/or \",crypto\"", "{bad}");
        }
        assert_eq!(check_arch_level("GOARM64", "v9.6", 22), Ok(()), "no GOARM64 before 1.23");
        assert_eq!(check_arch_level("GORISCV64", "rva23u64", 25), Ok(()));
        assert_eq!(
            check_arch_level("GORISCV64", "rva23u64", 24).unwrap_err(),
            "invalid GORISCV64: must be rva20u64, rva22u64"
        );
        assert_eq!(
            check_arch_level("GOMIPS64", "soft", 26).unwrap_err(),
            "invalid GOMIPS64: must be hardfloat, softfloat"
        );
        assert_eq!(
            check_arch_level("GOPPC64", "power7", 26).unwrap_err(),
            "invalid GOPPC64: must be power8, power9, power10"
        );
        assert_eq!(check_arch_level("GOWASM", "satconv,signext", 26), Ok(()));
        assert_eq!(
            check_arch_level("GOWASM", "satconv,simd", 26).unwrap_err(),
            "invalid GOWASM: no such feature \"simd\""
        );
        assert_eq!(check_arch_level("GO386", "anything", 26), Ok(()));
    }
}
