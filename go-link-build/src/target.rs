//! Rust target → Go port.
//!
//! A build script learns its target from cargo as `TARGET` plus the
//! `CARGO_CFG_TARGET_*` variables (arch, os, env, abi, vendor, endian, pointer
//! width, features); the CLI and xtask have only a triple. Both become a
//! [`RustTarget`] ([`RustTarget::from_cargo_cfg`], [`RustTarget::from_triple`]),
//! and [`go_target`] maps that to a [`GoTarget`]: GOOS, GOARCH and the arch
//! level the Rust target implies.
//!
//! # Arch levels
//!
//! | GOARCH | variable | from the Rust target |
//! |---|---|---|
//! | amd64 | `GOAMD64` | `v1`; `v2` with sse3, ssse3, sse4.1, sse4.2, popcnt, cmpxchg16b; `v3` adds avx, avx2, bmi1, bmi2, f16c, fma, lzcnt, movbe, xsave; `v4` adds avx512f, avx512bw, avx512cd, avx512dq, avx512vl |
//! | 386 | `GO386` | `sse2` when the target has sse2 (i686), else `softfloat` (i586) |
//! | arm | `GOARM` | the version from the triple (`armv5te` 5, `arm`/`armv6` 6, `armv7`/`thumbv7neon` 7; `v5te`/`v6`/`v7` features win when cargo shows them), `,softfloat` for soft-float targets (`…eabi` without VFP), e.g. `arm-unknown-linux-gnueabi` → `6,softfloat`, `armv7-unknown-linux-gnueabihf` → `7` |
//! | arm64 | `GOARM64` | `v8.0`, or the highest `v8.N`/`v9.N` whose features the target has (`v8.1` = crc, lse, rdm, pan, lor, vh; …); `,lse` with lse; `,crypto` with aes and sha2 |
//! | mips, mipsle | `GOMIPS` | `softfloat` for Rust's soft-float targets (`mips*-unknown-linux-musl`, `*-uclibc`, or the `soft-float` feature), else `hardfloat` |
//! | mips64, mips64le | `GOMIPS64` | the same (`mips64-openwrt-linux-musl` is soft-float) |
//! | ppc64, ppc64le | `GOPPC64` | `power8` (Go's minimum); `power9`/`power10` with the `power9-vector`/`power10-vector` features |
//! | riscv64 | `GORISCV64` | `rva20u64`; `rva22u64` with b (or zba, zbb, zbs), zicbom, zicbop, zicboz, zihintpause, zkt; `rva23u64` adds zicond, zimop, zcmop, zcb, zawrs (e.g. `riscv64a23-unknown-linux-gnu`) |
//!
//! Cargo's `CARGO_CFG_TARGET_FEATURE` includes what `-C target-cpu` and
//! `-C target-feature` add, so `RUSTFLAGS=-Ctarget-cpu=x86-64-v3` gives
//! `GOAMD64=v3`. Stable rustc does not show the ARM version and float features
//! nor MIPS `soft-float`, which is why the triple decides those.
//!
//! **Precedence**, highest first: an explicit `GO$GOARCH` in the environment
//! (or `Build::env`), then what the Rust target implies (this module), then the
//! toolchain's default (`go env GO$GOARCH`, probed from the compiler).
//!
//! A target Go cannot serve is an error that names the target and what to use
//! instead. Architecture invariant: no IO; the caller passes the cfg values.

use crate::error::{Error, ErrorKind, Result};

/// A Go port, plus the arch level implied by the Rust target (e.g. `armv6` →
/// `GOARM=6`). `None` for architectures without a level (s390x, loong64, wasm).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct GoTarget {
    pub goos: String,
    pub goarch: String,
    pub arch_level: Option<(String, String)>,
}

/// What rustc knows about a target, in cargo's `CARGO_CFG_TARGET_*` terms
/// (`target_arch = "x86"`, `target_os = "macos"`, …).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub(crate) struct RustTarget {
    /// The target triple (`TARGET`).
    pub triple: String,
    /// `CARGO_CFG_TARGET_ARCH`: `x86_64`, `x86`, `aarch64`, `arm`, `powerpc64`, `wasm32`, …
    pub arch: String,
    /// `CARGO_CFG_TARGET_OS`: `linux`, `macos`, `ios`, `windows`, `wasi`, `none`, …
    pub os: String,
    /// `CARGO_CFG_TARGET_ENV`: `gnu`, `musl`, `msvc`, `p1`, `sim`, empty, …
    pub env: String,
    /// `CARGO_CFG_TARGET_ABI`: `eabihf`, `eabi`, `macabi`, `sim`, `llvm`, `uwp`, empty, …
    pub abi: String,
    /// `CARGO_CFG_TARGET_VENDOR`: `unknown`, `pc`, `apple`, `win7`, `uwp`, …
    pub vendor: String,
    /// `CARGO_CFG_TARGET_ENDIAN`: `little` or `big`.
    pub endian: String,
    /// `CARGO_CFG_TARGET_POINTER_WIDTH`: 16, 32 or 64.
    pub pointer_width: u32,
    /// `CARGO_CFG_TARGET_FEATURE`, split at commas.
    pub features: Vec<String>,
}

impl RustTarget {
    /// The target cargo describes to a build script. `cfg` looks up a
    /// `CARGO_CFG_TARGET_*` suffix (`"ARCH"`, `"FEATURE"`, …). `None` when
    /// cargo did not set `CARGO_CFG_TARGET_ARCH` (not a build script): then the
    /// triple alone has to do.
    pub(crate) fn from_cargo_cfg(triple: &str, cfg: impl Fn(&str) -> Option<String>) -> Option<RustTarget> {
        let arch = cfg("ARCH")?;
        let fallback = RustTarget::from_triple(triple);
        let s = |k: &str| cfg(k).unwrap_or_default();
        Some(RustTarget {
            triple: triple.to_string(),
            arch,
            os: s("OS"),
            env: s("ENV"),
            // CARGO_CFG_TARGET_ABI exists since Rust 1.78; before that the triple says it.
            abi: cfg("ABI").unwrap_or(fallback.abi),
            vendor: s("VENDOR"),
            endian: cfg("ENDIAN").unwrap_or(fallback.endian),
            pointer_width: cfg("POINTER_WIDTH").and_then(|w| w.parse().ok()).unwrap_or(fallback.pointer_width),
            features: s("FEATURE").split(',').filter(|f| !f.is_empty()).map(str::to_string).collect(),
        })
    }

    /// What a bare triple implies, as rustc would describe it (`rustc --print
    /// cfg --target T`), including the baseline features that decide an arch
    /// level. Unknown triples give an `arch`/`os` that [`go_target`] rejects.
    pub(crate) fn from_triple(triple: &str) -> RustTarget {
        let parts: Vec<&str> = triple.split('-').collect();
        let first = parts[0];
        let rest = &parts[1..];
        let has = |p: &str| rest.iter().any(|c| c.starts_with(p));
        let last = rest.last().copied().unwrap_or("");

        let (arch, big, width) = match first {
            "x86_64" | "x86_64h" => ("x86_64", false, if last.ends_with("x32") { 32 } else { 64 }),
            "i386" | "i486" | "i586" | "i686" => ("x86", false, 32),
            "aarch64" | "arm64" | "arm64e" | "arm64ec" => (
                if first == "arm64ec" { "arm64ec" } else { "aarch64" },
                false,
                if last.ends_with("ilp32") { 32 } else { 64 },
            ),
            "aarch64_be" => ("aarch64", true, if last.ends_with("ilp32") { 32 } else { 64 }),
            "arm64_32" => ("aarch64", false, 32),
            a if a.starts_with("armeb") => ("arm", true, 32),
            a if a.starts_with("arm") || a.starts_with("thumb") => ("arm", false, 32),
            "powerpc64le" => ("powerpc64", false, 64),
            "powerpc64" => ("powerpc64", true, 64),
            "powerpc" => ("powerpc", true, 32),
            "s390x" => ("s390x", true, 64),
            "loongarch64" => ("loongarch64", false, 64),
            "mips" => ("mips", true, 32),
            "mipsel" => ("mips", false, 32),
            "mips64" => ("mips64", true, 64),
            "mips64el" => ("mips64", false, 64),
            "mipsisa32r6" => ("mips32r6", true, 32),
            "mipsisa32r6el" => ("mips32r6", false, 32),
            "mipsisa64r6" => ("mips64r6", true, 64),
            "mipsisa64r6el" => ("mips64r6", false, 64),
            "sparc64" | "sparcv9" => ("sparc64", true, 64),
            "sparc" => ("sparc", true, 32),
            "wasm32" | "wasm32v1" => ("wasm32", false, 32),
            "wasm64" => ("wasm64", false, 64),
            a if a.starts_with("riscv64") => ("riscv64", false, 64),
            a if a.starts_with("riscv32") => ("riscv32", false, 32),
            other => (other, false, 64),
        };

        let os = if has("android") {
            "android"
        } else if has("linux") {
            "linux"
        } else if has("darwin") || has("macos") {
            "macos"
        } else if has("ios") {
            "ios"
        } else if has("tvos") {
            "tvos"
        } else if has("watchos") {
            "watchos"
        } else if has("visionos") {
            "visionos"
        } else if has("wasi") {
            "wasi"
        } else {
            [
                "windows",
                "freebsd",
                "netbsd",
                "openbsd",
                "dragonfly",
                "illumos",
                "solaris",
                "aix",
                "hurd",
                "cygwin",
                "fuchsia",
                "redox",
                "haiku",
                "uefi",
                "none",
                "emscripten",
            ]
            .into_iter()
            .find(|o| has(o))
            .or_else(|| (triple.ends_with("-unknown-unknown")).then_some("unknown"))
            .or_else(|| (triple.ends_with("-none-elf") || last.starts_with("none")).then_some("none"))
            .unwrap_or(last)
        };
        let env = if os == "wasi" {
            // wasm32-wasip1, wasm32-wasip1-threads, wasm32-wasip2; the old wasm32-wasi is p1.
            let v = rest.iter().find_map(|c| c.strip_prefix("wasi")).unwrap_or("");
            if v.is_empty() { "p1" } else { v }.to_string()
        } else if first == "x86_64" && os == "ios" && last == "ios" {
            // x86_64 iOS is the simulator.
            "sim".to_string()
        } else if last.starts_with("gnu") {
            "gnu".to_string()
        } else if last.starts_with("musl") {
            "musl".to_string()
        } else if last.starts_with("uclibc") {
            "uclibc".to_string()
        } else if last == "msvc" || last == "ohos" || last == "sim" || last == "macabi" {
            last.to_string()
        } else {
            String::new()
        };
        let abi = if last.ends_with("eabihf") {
            "eabihf"
        } else if last.ends_with("eabi") {
            "eabi"
        } else if last == "gnullvm" {
            "llvm"
        } else if last == "gnux32" {
            "x32"
        } else if last.ends_with("ilp32") {
            "ilp32"
        } else if arch == "mips64" && width == 64 {
            "abi64"
        } else if last == "sim" || last == "macabi" {
            last
        } else if rest.first() == Some(&"uwp") {
            "uwp"
        } else if first == "x86_64" && os == "ios" {
            "sim"
        } else if first == "powerpc64le" || first == "powerpc64" && os != "aix" && !(os == "linux" && env == "gnu") {
            "elfv2"
        } else if first == "powerpc64" && os == "linux" {
            "elfv1"
        } else if os == "aix" {
            "vec-extabi"
        } else if arch == "arm" && os == "freebsd" {
            "eabihf"
        } else if arch == "arm" && (os == "linux" || os == "android") {
            // arm-linux-androideabi, armv7-unknown-linux-ohos.
            "eabi"
        } else {
            ""
        };
        let vendor = if parts.len() >= 3 && !["linux", "none"].contains(&rest[0]) && !rest[0].starts_with("wasi") {
            rest[0]
        } else {
            "unknown"
        };

        // Baseline features that decide an arch level (rustc's target specs).
        let features: &[&str] = match (first, os, abi) {
            ("x86_64h", _, _) => X86_64_V3,
            ("x86_64", _, _) | ("i686", _, _) => &["fxsr", "sse", "sse2"],
            ("aarch64" | "arm64e", "macos", _) => APPLE_M1,
            ("aarch64", "ios", "sim" | "macabi") | ("arm64e", "ios", _) => APPLE_A12,
            ("aarch64", "ios", _) => &["aes", "neon", "sha2"],
            ("aarch64" | "aarch64_be", _, _) => &["neon"],
            ("riscv64a23", _, _) => RVA23,
            ("riscv64" | "riscv64gc", _, _) => &["a", "c", "m"],
            _ => &[],
        };
        RustTarget {
            triple: triple.to_string(),
            arch: arch.to_string(),
            os: os.to_string(),
            env,
            abi: abi.to_string(),
            vendor: vendor.to_string(),
            endian: if big { "big" } else { "little" }.to_string(),
            pointer_width: width,
            features: features.iter().map(|f| f.to_string()).collect(),
        }
    }

    fn has(&self, feature: &str) -> bool {
        self.features.iter().any(|f| f == feature)
    }

    fn has_all(&self, features: &[&str]) -> bool {
        features.iter().all(|f| self.has(f))
    }
}

/// x86-64-v3 (Haswell), as `x86_64h-apple-darwin` has it.
const X86_64_V3: &[&str] = &[
    "avx",
    "avx2",
    "bmi1",
    "bmi2",
    "cmpxchg16b",
    "f16c",
    "fma",
    "fxsr",
    "lzcnt",
    "movbe",
    "popcnt",
    "sse",
    "sse2",
    "sse3",
    "sse4.1",
    "sse4.2",
    "ssse3",
    "xsave",
];
/// `apple-m1`, the baseline of `aarch64-apple-darwin`.
const APPLE_M1: &[&str] = &[
    "aes", "crc", "dit", "dotprod", "dpb", "dpb2", "fcma", "fhm", "flagm", "fp16", "frintts", "jsconv", "lor", "lse",
    "neon", "paca", "pacg", "pan", "pmuv3", "ras", "rcpc", "rcpc2", "rdm", "sb", "sha2", "sha3", "ssbs", "vh",
];
/// `apple-a12`, the baseline of the iOS simulator and Mac Catalyst on arm64.
const APPLE_A12: &[&str] = &[
    "aes", "crc", "dpb", "fcma", "fp16", "jsconv", "lor", "lse", "neon", "paca", "pacg", "pan", "pmuv3", "ras", "rcpc",
    "rdm", "sha2", "vh",
];
/// The RVA23U64 features stable rustc reports (`riscv64a23-unknown-linux-gnu`).
const RVA23: &[&str] = &[
    "a",
    "b",
    "c",
    "m",
    "zawrs",
    "zba",
    "zbb",
    "zbs",
    "zcb",
    "zcmop",
    "zicbom",
    "zicbop",
    "zicboz",
    "zicond",
    "zihintntl",
    "zihintpause",
    "zimop",
    "zkt",
];

/// Go's ports (`go tool dist list`, 1.26 and 1.27).
const PORTS: &[(&str, &str)] = &[
    ("aix", "ppc64"),
    ("android", "386"),
    ("android", "amd64"),
    ("android", "arm"),
    ("android", "arm64"),
    ("darwin", "amd64"),
    ("darwin", "arm64"),
    ("dragonfly", "amd64"),
    ("freebsd", "386"),
    ("freebsd", "amd64"),
    ("freebsd", "arm"),
    ("freebsd", "arm64"),
    ("illumos", "amd64"),
    ("ios", "amd64"),
    ("ios", "arm64"),
    ("linux", "386"),
    ("linux", "amd64"),
    ("linux", "arm"),
    ("linux", "arm64"),
    ("linux", "loong64"),
    ("linux", "mips"),
    ("linux", "mips64"),
    ("linux", "mips64le"),
    ("linux", "mipsle"),
    ("linux", "ppc64"),
    ("linux", "ppc64le"),
    ("linux", "riscv64"),
    ("linux", "s390x"),
    ("netbsd", "386"),
    ("netbsd", "amd64"),
    ("netbsd", "arm"),
    ("netbsd", "arm64"),
    ("openbsd", "386"),
    ("openbsd", "amd64"),
    ("openbsd", "arm"),
    ("openbsd", "arm64"),
    ("openbsd", "ppc64"),
    ("openbsd", "riscv64"),
    ("solaris", "amd64"),
    ("wasip1", "wasm"),
    ("windows", "386"),
    ("windows", "amd64"),
    ("windows", "arm64"),
];

/// Maps a Rust target triple (`aarch64-unknown-linux-gnu`) to a Go port, from
/// the triple alone. (The library goes through `RustTarget`, so that cargo's
/// cfg can take part; the tests state expectations per triple.)
#[cfg(test)]
pub(crate) fn from_triple(triple: &str) -> Result<GoTarget> {
    go_target(&RustTarget::from_triple(triple))
}

/// A Rust triple for a Go port written `GOOS/GOARCH` (as `Build::target` and
/// the CLI's `--target` accept it), checked to map back to that port; `None`
/// for anything else. The arch level then comes from `GO$GOARCH` or Go's
/// default, as for `go build`.
pub(crate) fn triple_for_port(port: &str) -> Option<String> {
    let (goos, goarch) = port.split_once('/')?;
    let arch = match goarch {
        "amd64" => "x86_64",
        "386" => "i686",
        "arm64" => "aarch64",
        "arm" => "armv7",
        "riscv64" => "riscv64gc",
        "ppc64le" => "powerpc64le",
        "ppc64" => "powerpc64",
        "s390x" => "s390x",
        "loong64" => "loongarch64",
        "mips" => "mips",
        "mipsle" => "mipsel",
        "mips64" => "mips64",
        "mips64le" => "mips64el",
        "wasm" => "wasm32",
        _ => return None,
    };
    let rest = match (goos, goarch) {
        ("linux", "arm") => "unknown-linux-gnueabihf",
        ("linux", "mips64" | "mips64le") => "unknown-linux-gnuabi64",
        ("linux", _) => "unknown-linux-gnu",
        ("android", "arm") => "linux-androideabi",
        ("android", _) => "linux-android",
        ("darwin", _) => "apple-darwin",
        ("ios", _) => "apple-ios",
        ("windows", _) => "pc-windows-gnu",
        ("freebsd", "arm") => "unknown-freebsd",
        ("freebsd" | "netbsd" | "openbsd" | "dragonfly" | "illumos", _) => {
            return Some(format!("{arch}-unknown-{goos}"))
        }
        ("solaris", _) => "pc-solaris",
        ("aix", _) => "ibm-aix",
        ("wasip1", _) => return Some("wasm32-wasip1".into()).filter(|_| goarch == "wasm"),
        _ => return None,
    };
    let triple = format!("{arch}-{rest}");
    let back = go_target(&RustTarget::from_triple(&triple)).ok()?;
    (back.goos == goos && back.goarch == goarch).then_some(triple)
}

/// Maps a Rust target to a Go port and the arch level it implies.
pub(crate) fn go_target(t: &RustTarget) -> Result<GoTarget> {
    let triple = t.triple.as_str();
    if triple.contains('/') {
        return Err(Error::new(
            ErrorKind::Unsupported,
            format!(
                "target `{triple}` is not a Go port go-link-build can build for: a target is a Rust triple \
                 (`aarch64-unknown-linux-gnu`) or one of Go's ports as GOOS/GOARCH (`linux/arm64`; \
                 `go tool dist list` lists them)"
            ),
        ));
    }
    let no_port = |why: &str, instead: &str| {
        Error::new(
            ErrorKind::Unsupported,
            format!(
                "the Rust target `{triple}` has no Go port: {why}. {instead}\n\
                 (Go's ports are listed by `go tool dist list`; the README's Targets table lists the Rust targets go-link-build maps to them.)"
            ),
        )
    };
    let linux_instead = "Build the Go part for a Linux target of the same architecture (e.g. `aarch64-unknown-linux-gnu`, `x86_64-unknown-linux-gnu`) if the device runs Linux, or write that part in Rust.";

    let goarch = match t.arch.as_str() {
        "x86_64" if t.pointer_width == 32 => {
            return Err(no_port("Go has no x32 (ILP32 on x86-64) port", "Use `x86_64-unknown-linux-gnu`."))
        }
        "x86_64" => "amd64",
        "x86" => "386",
        "aarch64" if t.endian == "big" => {
            return Err(no_port("Go has no big-endian arm64 port (`arm64be` is only a reserved name)", "Use a little-endian target such as `aarch64-unknown-linux-gnu`."))
        }
        "aarch64" if t.pointer_width == 32 => {
            return Err(no_port("Go has no ILP32 arm64 port", "Use a 64-bit target such as `aarch64-unknown-linux-gnu` (or `aarch64-apple-ios` for Apple devices)."))
        }
        "aarch64" => "arm64",
        "arm64ec" => {
            return Err(no_port("Go has no arm64ec port", "Use `aarch64-pc-windows-msvc` (or `aarch64-pc-windows-gnullvm`); Go builds native windows/arm64 programs."))
        }
        "arm" if t.endian == "big" => {
            return Err(no_port("Go has no big-endian ARM port (`armbe` is only a reserved name)", "Use a little-endian target such as `armv7-unknown-linux-gnueabihf`."))
        }
        "arm" => "arm",
        "riscv64" => "riscv64",
        "riscv32" => {
            return Err(no_port("Go has no 32-bit RISC-V port", "Use `riscv64gc-unknown-linux-gnu` for 64-bit RISC-V Linux; for microcontrollers, TinyGo (not the gc toolchain) is the Go option."))
        }
        "powerpc64" if t.endian == "little" => "ppc64le",
        "powerpc64" => "ppc64",
        "powerpc" => {
            return Err(no_port("Go has no 32-bit PowerPC port", "Use `powerpc64le-unknown-linux-gnu` or `powerpc64-unknown-linux-gnu` for 64-bit POWER machines."))
        }
        "s390x" => "s390x",
        "loongarch64" => "loong64",
        "mips" if t.endian == "little" => "mipsle",
        "mips" => "mips",
        "mips64" if t.pointer_width == 32 => {
            return Err(no_port("Go has no MIPS n32 port", "Use a 64-bit (N64 ABI) target such as `mips64-unknown-linux-gnuabi64`."))
        }
        "mips64" if t.endian == "little" => "mips64le",
        "mips64" => "mips64",
        "mips32r6" | "mips64r6" => {
            return Err(no_port("Go's MIPS ports target MIPS32/MIPS64 release 1-5; release 6 re-encodes instructions Go uses", "Use `mips-unknown-linux-gnu`, `mipsel-unknown-linux-gnu` or the `mips64*-unknown-linux-gnuabi64` targets on pre-R6 hardware."))
        }
        "wasm32" => "wasm",
        "wasm64" => {
            return Err(no_port("Go's WebAssembly ports are 32-bit", "Use `wasm32-wasip1`."))
        }
        "sparc64" | "sparc" => {
            return Err(no_port("Go has no SPARC port (linux/sparc64 is unfinished and hidden from `go tool dist list`)", "Build the Go part for another machine, or write that part in Rust."))
        }
        "nvptx64" | "amdgpu" => {
            return Err(no_port("GPU targets run no Go code", "Build the Go part for the host (e.g. `x86_64-unknown-linux-gnu`)."))
        }
        other => {
            return Err(no_port(&format!("Go has no port for the architecture `{other}`"), linux_instead))
        }
    };

    let goos = match (t.os.as_str(), t.env.as_str(), t.abi.as_str()) {
        (_, _, "uwp") => {
            return Err(no_port("Go builds Win32 programs, not UWP apps", "Use `x86_64-pc-windows-msvc`, `i686-pc-windows-msvc` or `aarch64-pc-windows-msvc`."))
        }
        ("windows", _, _) if t.vendor == "win7" => {
            return Err(no_port("Go 1.21 and newer need Windows 10 or later", "Use the `*-pc-windows-msvc` or `*-pc-windows-gnu` target of the same architecture."))
        }
        ("linux", _, _) if goarch == "wasm" => {
            return Err(no_port("Go has no Linux-on-WebAssembly (WALI) port", "Use `wasm32-wasip1` for a WASI module."))
        }
        ("linux", _, _) => "linux",
        ("android", _, _) => "android",
        // Mac Catalyst runs on macOS: gomobile builds it as darwin too.
        ("macos", _, _) | ("ios", _, "macabi") => "darwin",
        ("ios", _, _) => "ios",
        ("windows", _, _) => "windows",
        ("freebsd" | "netbsd" | "openbsd" | "dragonfly" | "illumos" | "solaris" | "aix", _, _) => t.os.as_str(),
        ("wasi", "p1", _) => "wasip1",
        ("wasi", _, _) => {
            return Err(no_port(&format!("Go's `wasip1` port produces WASI preview 1 modules, not {} components", if t.env.is_empty() { "WASI".to_string() } else { format!("WASI {}", t.env) }), "Use `wasm32-wasip1`; a preview 2 host can run it through a preview 1 adapter."))
        }
        ("unknown", _, _) if goarch == "wasm" => {
            return Err(no_port("Go's `js/wasm` port needs Go's own JavaScript glue (`wasm_exec.js`) and `wasip1/wasm` needs a WASI host; neither is a `wasm32-unknown-unknown` module", "Use `wasm32-wasip1` for a WASI module."))
        }
        ("emscripten", _, _) => {
            return Err(no_port("Go has no Emscripten port", "Use `wasm32-wasip1` for a WASI module."))
        }
        ("tvos" | "watchos" | "visionos", _, _) => {
            return Err(no_port(&format!("Go has no {} port", t.os), "Go runs on Apple platforms as `ios` and `darwin`: use `aarch64-apple-ios` or `aarch64-apple-darwin`."))
        }
        ("none" | "unknown" | "", _, _) if goarch == "wasm" => {
            return Err(no_port("a WebAssembly module without WASI has no operating system for the Go runtime", "Go needs an OS interface: use `wasm32-wasip1`."))
        }
        ("none" | "uefi" | "unknown" | "" | "cuda" | "amdhsa", _, _) => {
            return Err(no_port("bare-metal targets have no operating system for the Go runtime", "Go needs an OS: use a Linux target (e.g. `armv7-unknown-linux-gnueabihf`); for microcontrollers, TinyGo (not the gc toolchain) is the Go option."))
        }
        (os, _, _) => {
            return Err(no_port(&format!("Go has no port for the operating system `{os}`"), linux_instead))
        }
    };

    if !PORTS.contains(&(goos, goarch)) {
        let broken = if (goos, goarch) == ("freebsd", "riscv64") {
            " (freebsd/riscv64 is marked broken since Go 1.26)"
        } else {
            ""
        };
        return Err(no_port(
            &format!("Go supports {goos} and {goarch}, but not the pair {goos}/{goarch}{broken}"),
            &format!(
                "Go's {goos} ports are {}.",
                PORTS
                    .iter()
                    .filter(|(o, _)| *o == goos)
                    .map(|(o, a)| format!("{o}/{a}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }

    let arch_level = arch_level(t, goarch)?;
    Ok(GoTarget { goos: goos.into(), goarch: goarch.into(), arch_level })
}

/// The `GO$GOARCH` value a Rust target implies (see the module doc).
fn arch_level(t: &RustTarget, goarch: &str) -> Result<Option<(String, String)>> {
    let first = t.triple.split('-').next().unwrap_or("");
    let level = match goarch {
        "amd64" => {
            const V2: &[&str] = &["sse3", "ssse3", "sse4.1", "sse4.2", "popcnt", "cmpxchg16b"];
            const V3: &[&str] = &["avx", "avx2", "bmi1", "bmi2", "f16c", "fma", "lzcnt", "movbe", "xsave"];
            const V4: &[&str] = &["avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl"];
            let v = if !t.has_all(V2) {
                1
            } else if !t.has_all(V3) {
                2
            } else if !t.has_all(V4) {
                3
            } else {
                4
            };
            ("GOAMD64", format!("v{v}"))
        }
        "386" => ("GO386", if t.has("sse2") { "sse2" } else { "softfloat" }.to_string()),
        "arm" => {
            // Nightly rustc shows the version and FPU features; stable rustc
            // does not, and the triple's architecture name decides.
            let version = if t.has("v7") || t.has("v8") {
                7
            } else if t.has("v6") || t.has("v6k") || t.has("v6t2") {
                6
            } else if t.has("v5te") {
                5
            } else if first.starts_with("armv7") || first.starts_with("thumbv7") || first.starts_with("armv8") {
                7
            } else if first.starts_with("armv6") || first == "arm" && t.os != "android" {
                6
            } else if first.starts_with("armv5") || first == "arm" {
                // arm-linux-androideabi is `+v5te` (Android's old armeabi).
                5
            } else {
                return Err(Error::new(
                    ErrorKind::Unsupported,
                    format!(
                        "the Rust target `{}` has no Go port: Go's oldest ARM level is GOARM=5 (ARMv5). Use `armv5te-unknown-linux-gnueabi` or newer.",
                        t.triple
                    ),
                ));
            };
            let fpu = ["vfp2", "vfp3", "vfp4", "d32", "neon", "fp-armv8"].iter().any(|f| t.has(f));
            let hard = !t.has("soft-float")
                && (fpu
                    || t.abi == "eabihf"
                    || t.os == "android" && version >= 7
                    || t.os == "ios"
                    || t.os == "windows");
            let value = match (version, hard) {
                (5, false) => "5".to_string(),
                (5, true) => "5,hardfloat".to_string(),
                (v, true) => v.to_string(),
                (v, false) => format!("{v},softfloat"),
            };
            ("GOARM", value)
        }
        "arm64" => ("GOARM64", arm64_level(t)),
        "mips" | "mipsle" | "mips64" | "mips64le" => {
            let soft = t.has("soft-float")
                || t.env == "uclibc"
                || t.env == "musl" && (goarch == "mips" || goarch == "mipsle" || t.vendor == "openwrt");
            let var = if goarch.starts_with("mips64") { "GOMIPS64" } else { "GOMIPS" };
            (var, if soft { "softfloat" } else { "hardfloat" }.to_string())
        }
        "ppc64" | "ppc64le" => {
            let p = if t.has("power10-vector") {
                10
            } else if t.has("power9-vector") || t.has("power9-altivec") {
                9
            } else {
                8
            };
            ("GOPPC64", format!("power{p}"))
        }
        "riscv64" => {
            let b = t.has("b") || t.has_all(&["zba", "zbb", "zbs"]);
            let rva22 = b && t.has_all(&["zicbom", "zicbop", "zicboz", "zihintpause", "zkt"]);
            let rva23 = rva22 && t.has_all(&["zicond", "zimop", "zcmop", "zcb", "zawrs"]);
            let p = if rva23 {
                23
            } else if rva22 {
                22
            } else {
                20
            };
            ("GORISCV64", format!("rva{p}u64"))
        }
        _ => return Ok(None),
    };
    Ok(Some((level.0.to_string(), level.1)))
}

/// `GOARM64` from aarch64 features: the highest `v8.N` (or `v9.N`) whose
/// features are all present (rustc's `v8.Na` definitions), plus `,lse` and
/// `,crypto` (FEAT_AES + FEAT_PMULL = `aes`, FEAT_SHA1 + FEAT_SHA256 = `sha2`).
fn arm64_level(t: &RustTarget) -> String {
    const STEPS: &[&[&str]] = &[
        &["crc", "lse", "rdm", "pan", "lor", "vh"], // v8.1
        &["ras", "dpb"],                            // v8.2
        &["rcpc", "paca", "pacg", "jsconv"],        // v8.3
        &["dotprod", "dit", "flagm"],               // v8.4
        &["ssbs", "sb", "dpb2", "bti"],             // v8.5
        &["bf16", "i8mm"],                          // v8.6
        &["wfxt"],                                  // v8.7
        &["hbc", "mops"],                           // v8.8
        &["cssc"],                                  // v8.9
    ];
    let minor = STEPS.iter().take_while(|s| t.has_all(s)).count();
    // v9.N = v8.(N+5) + SVE2; Go knows v9.0 … v9.5.
    let mut version = format!("v8.{minor}");
    if t.has("sve2") && minor >= 5 {
        version = format!("v9.{}", minor - 5);
    }
    if minor >= 1 || t.has("lse") {
        version.push_str(",lse");
    }
    if t.has_all(&["aes", "sha2"]) {
        version.push_str(",crypto");
    }
    version
}

/// Whether Go can build a C archive (`-buildmode=c-archive`) that the Rust
/// target's link can use. Checked before anything is built:
///
/// - the port must support the build mode (`internal/platform.BuildModeSupported`:
///   aix, darwin, ios, windows; linux on 386, amd64, arm, arm64, loong64,
///   ppc64le, riscv64, s390x, and ppc64 from Go 1.27; freebsd/amd64);
/// - `*-windows-msvc`: cgo needs a gcc-compatible compiler and the archive's
///   objects are GNU-style (golang/go#20982), so the MSVC link cannot take it;
/// - `*-linux-musl`: the Go runtime of an archive starts from `.init_array`
///   with glibc's `(argc, argv, envp)` arguments, which musl does not pass
///   (golang/go#13492), unless the user opted in with
///   `Build::allow_musl_c_archive`.
pub(crate) fn check_c_archive(t: &RustTarget, g: &GoTarget, go_minor: u32, allow_musl: bool) -> Result<()> {
    let triple = t.triple.as_str();
    let sidecar = "build the Go code as a separate program with Build::binary instead (a sidecar: cgo off, no C \
                   toolchain needed, supported on every Go port) and talk to it over a pipe or socket";
    if t.os == "windows" && t.env == "msvc" {
        let gnu = match t.arch.as_str() {
            "aarch64" => triple.replace("-msvc", "-gnullvm"),
            _ => triple.replace("-msvc", "-gnu"),
        };
        return Err(Error::new(
            ErrorKind::Unsupported,
            format!(
                "cannot build a Go C archive for `{triple}`: cgo needs a gcc-compatible C compiler, and the archive holds \
                 GNU-style objects and runtime that the MSVC toolchain cannot link (Go does not support MSVC, golang/go#20982).\n\
                 Build the Rust program for `{gnu}` instead (mingw-w64; Debian: gcc-mingw-w64-x86-64 for x86_64), \
                 which links Go C archives, or {sidecar}."
            ),
        ));
    }
    if t.env == "musl" && !allow_musl {
        return Err(Error::new(
            ErrorKind::Unsupported,
            format!(
                "refusing to build a Go C archive for the musl target `{triple}`: a Go C archive starts its runtime from \
                 an `.init_array` function that expects glibc's (argc, argv, envp) arguments, and musl calls those \
                 functions without arguments, so the program crashes at startup or misbehaves (golang/go#13492, open).\n\
                 Use the glibc target (`{}`) for a program that links Go, or {sidecar}.\n\
                 If you have checked that it works for you (for example with a patched Go toolchain), call \
                 Build::allow_musl_c_archive(true) to build it anyway.",
                triple.replace("-musl", "-gnu"),
            ),
        ));
    }
    let linux_ok = ["386", "amd64", "arm", "arm64", "loong64", "ppc64le", "riscv64", "s390x"];
    let supported = match g.goos.as_str() {
        "aix" | "darwin" | "ios" | "windows" => true,
        "linux" => linux_ok.contains(&g.goarch.as_str()) || g.goarch == "ppc64" && go_minor >= 27,
        "freebsd" => g.goarch == "amd64",
        _ => false,
    };
    if !supported {
        let newer = if g.goos == "linux" && g.goarch == "ppc64" { " before Go 1.27" } else { "" };
        return Err(Error::new(
            ErrorKind::Unsupported,
            format!(
                "cannot build a Go C archive for `{triple}`: Go does not support -buildmode=c-archive on {}/{}{newer}. \
                 Go builds C archives for darwin, ios, windows, aix, freebsd/amd64 and linux on 386, amd64, arm, arm64, \
                 loong64, ppc64le, riscv64 and s390x (ppc64 from Go 1.27). For this target, {sidecar}.",
                g.goos, g.goarch
            ),
        ));
    }
    Ok(())
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
mod port_tests {
    use super::*;

    #[test]
    fn go_ports_map_to_triples_and_back() {
        assert_eq!(triple_for_port("linux/arm64").as_deref(), Some("aarch64-unknown-linux-gnu"));
        assert_eq!(triple_for_port("windows/amd64").as_deref(), Some("x86_64-pc-windows-gnu"));
        assert_eq!(triple_for_port("plan9/arm"), None);
        assert_eq!(triple_for_port("linux"), None);
        let mapped = PORTS.iter().filter(|(os, arch)| triple_for_port(&format!("{os}/{arch}")).is_some()).count();
        assert!(mapped >= 30, "only {mapped} of {} ports map to a Rust triple", PORTS.len());
        let err = go_target(&RustTarget::from_triple("plan9/arm")).unwrap_err().to_string();
        assert!(err.starts_with("target `plan9/arm` is not a Go port"), "{err}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every tier-1 and tier-2 Rust target (rustc 1.95 `--print target-list`,
    /// tiers from the platform-support page) whose OS and architecture Go
    /// serves, plus a few tier-3 ones, with the expected port and arch level.
    const SUPPORTED: &[(&str, &str, &str, &str)] = &[
        // Tier 1.
        ("aarch64-apple-darwin", "darwin", "arm64", "v8.4,lse,crypto"),
        ("aarch64-pc-windows-msvc", "windows", "arm64", "v8.0"),
        ("aarch64-unknown-linux-gnu", "linux", "arm64", "v8.0"),
        ("i686-pc-windows-msvc", "windows", "386", "sse2"),
        ("i686-unknown-linux-gnu", "linux", "386", "sse2"),
        ("x86_64-pc-windows-gnu", "windows", "amd64", "v1"),
        ("x86_64-pc-windows-msvc", "windows", "amd64", "v1"),
        ("x86_64-unknown-linux-gnu", "linux", "amd64", "v1"),
        // Tier 2 with host tools.
        ("aarch64-pc-windows-gnullvm", "windows", "arm64", "v8.0"),
        ("aarch64-unknown-linux-musl", "linux", "arm64", "v8.0"),
        ("aarch64-unknown-linux-ohos", "linux", "arm64", "v8.0"),
        ("arm-unknown-linux-gnueabi", "linux", "arm", "6,softfloat"),
        ("arm-unknown-linux-gnueabihf", "linux", "arm", "6"),
        ("armv7-unknown-linux-gnueabihf", "linux", "arm", "7"),
        ("i686-pc-windows-gnu", "windows", "386", "sse2"),
        ("loongarch64-unknown-linux-gnu", "linux", "loong64", ""),
        ("loongarch64-unknown-linux-musl", "linux", "loong64", ""),
        ("powerpc64-unknown-linux-gnu", "linux", "ppc64", "power8"),
        ("powerpc64le-unknown-linux-gnu", "linux", "ppc64le", "power8"),
        ("powerpc64le-unknown-linux-musl", "linux", "ppc64le", "power8"),
        ("riscv64gc-unknown-linux-gnu", "linux", "riscv64", "rva20u64"),
        ("s390x-unknown-linux-gnu", "linux", "s390x", ""),
        ("x86_64-apple-darwin", "darwin", "amd64", "v1"),
        ("x86_64-pc-windows-gnullvm", "windows", "amd64", "v1"),
        ("x86_64-unknown-freebsd", "freebsd", "amd64", "v1"),
        ("x86_64-unknown-illumos", "illumos", "amd64", "v1"),
        ("x86_64-unknown-linux-musl", "linux", "amd64", "v1"),
        ("x86_64-unknown-linux-ohos", "linux", "amd64", "v1"),
        ("x86_64-unknown-netbsd", "netbsd", "amd64", "v1"),
        // Tier 2 without host tools.
        ("aarch64-apple-ios", "ios", "arm64", "v8.0,crypto"),
        ("aarch64-apple-ios-macabi", "darwin", "arm64", "v8.3,lse,crypto"),
        ("aarch64-apple-ios-sim", "ios", "arm64", "v8.3,lse,crypto"),
        ("aarch64-linux-android", "android", "arm64", "v8.0"),
        ("aarch64-unknown-freebsd", "freebsd", "arm64", "v8.0"),
        ("arm-linux-androideabi", "android", "arm", "5"),
        ("arm-unknown-linux-musleabi", "linux", "arm", "6,softfloat"),
        ("arm-unknown-linux-musleabihf", "linux", "arm", "6"),
        ("armv5te-unknown-linux-gnueabi", "linux", "arm", "5"),
        ("armv5te-unknown-linux-musleabi", "linux", "arm", "5"),
        ("armv7-linux-androideabi", "android", "arm", "7"),
        ("armv7-unknown-linux-gnueabi", "linux", "arm", "7,softfloat"),
        ("armv7-unknown-linux-musleabi", "linux", "arm", "7,softfloat"),
        ("armv7-unknown-linux-musleabihf", "linux", "arm", "7"),
        ("armv7-unknown-linux-ohos", "linux", "arm", "7,softfloat"),
        ("i586-unknown-linux-gnu", "linux", "386", "softfloat"),
        ("i586-unknown-linux-musl", "linux", "386", "softfloat"),
        ("i686-linux-android", "android", "386", "sse2"),
        ("i686-unknown-freebsd", "freebsd", "386", "sse2"),
        ("i686-unknown-linux-musl", "linux", "386", "sse2"),
        ("riscv64gc-unknown-linux-musl", "linux", "riscv64", "rva20u64"),
        ("s390x-unknown-linux-musl", "linux", "s390x", ""),
        ("thumbv7neon-linux-androideabi", "android", "arm", "7"),
        ("thumbv7neon-unknown-linux-gnueabihf", "linux", "arm", "7"),
        ("wasm32-wasip1", "wasip1", "wasm", ""),
        ("wasm32-wasip1-threads", "wasip1", "wasm", ""),
        ("x86_64-apple-ios", "ios", "amd64", "v1"),
        ("x86_64-apple-ios-macabi", "darwin", "amd64", "v1"),
        ("x86_64-linux-android", "android", "amd64", "v1"),
        ("x86_64-pc-solaris", "solaris", "amd64", "v1"),
        // Tier 3 that Go serves.
        ("aarch64-unknown-netbsd", "netbsd", "arm64", "v8.0"),
        ("aarch64-unknown-openbsd", "openbsd", "arm64", "v8.0"),
        ("arm64e-apple-darwin", "darwin", "arm64", "v8.4,lse,crypto"),
        ("armv6-unknown-freebsd", "freebsd", "arm", "6"),
        ("armv6-unknown-netbsd-eabihf", "netbsd", "arm", "6"),
        ("armv7-unknown-freebsd", "freebsd", "arm", "7"),
        ("armv7-unknown-netbsd-eabihf", "netbsd", "arm", "7"),
        ("i686-unknown-netbsd", "netbsd", "386", "sse2"),
        ("i686-unknown-openbsd", "openbsd", "386", "sse2"),
        ("mips-unknown-linux-gnu", "linux", "mips", "hardfloat"),
        ("mips-unknown-linux-musl", "linux", "mips", "softfloat"),
        ("mips-unknown-linux-uclibc", "linux", "mips", "softfloat"),
        ("mips64-openwrt-linux-musl", "linux", "mips64", "softfloat"),
        ("mips64-unknown-linux-gnuabi64", "linux", "mips64", "hardfloat"),
        ("mips64-unknown-linux-muslabi64", "linux", "mips64", "hardfloat"),
        ("mips64el-unknown-linux-gnuabi64", "linux", "mips64le", "hardfloat"),
        ("mips64el-unknown-linux-muslabi64", "linux", "mips64le", "hardfloat"),
        ("mipsel-unknown-linux-gnu", "linux", "mipsle", "hardfloat"),
        ("mipsel-unknown-linux-musl", "linux", "mipsle", "softfloat"),
        ("powerpc64-ibm-aix", "aix", "ppc64", "power8"),
        ("powerpc64-unknown-linux-musl", "linux", "ppc64", "power8"),
        ("powerpc64-unknown-openbsd", "openbsd", "ppc64", "power8"),
        ("riscv64a23-unknown-linux-gnu", "linux", "riscv64", "rva23u64"),
        ("riscv64gc-unknown-openbsd", "openbsd", "riscv64", "rva20u64"),
        ("x86_64-unknown-dragonfly", "dragonfly", "amd64", "v1"),
        ("x86_64-unknown-linux-none", "linux", "amd64", "v1"),
        ("x86_64-unknown-openbsd", "openbsd", "amd64", "v1"),
        ("x86_64h-apple-darwin", "darwin", "amd64", "v3"),
    ];

    /// Targets Go cannot serve, with a word the error must contain (the
    /// alternative it suggests).
    const UNSUPPORTED: &[(&str, &str)] = &[
        ("wasm32-unknown-unknown", "wasm32-wasip1"),
        ("wasm32-unknown-emscripten", "wasm32-wasip1"),
        ("wasm32-wasip2", "wasm32-wasip1"),
        ("wasm32v1-none", "Go needs an OS"),
        ("wasm64-unknown-unknown", "wasm32-wasip1"),
        ("thumbv7em-none-eabihf", "TinyGo"),
        ("thumbv6m-none-eabi", "TinyGo"),
        ("thumbv8m.main-none-eabihf", "TinyGo"),
        ("aarch64-unknown-none", "Go needs an OS"),
        ("x86_64-unknown-none", "Go needs an OS"),
        ("riscv32imac-unknown-none-elf", "TinyGo"),
        ("riscv32gc-unknown-linux-gnu", "riscv64gc-unknown-linux-gnu"),
        ("nvptx64-nvidia-cuda", "host"),
        ("sparc64-unknown-linux-gnu", "sparc64"),
        ("sparcv9-sun-solaris", "sparc64"),
        ("powerpc-unknown-linux-gnu", "powerpc64le-unknown-linux-gnu"),
        ("powerpc-unknown-linux-musl", "powerpc64le-unknown-linux-gnu"),
        ("powerpc64-unknown-freebsd", "freebsd/amd64"),
        ("x86_64-unknown-redox", "redox"),
        ("x86_64-unknown-fuchsia", "fuchsia"),
        ("x86_64-unknown-hurd-gnu", "hurd"),
        ("x86_64-pc-cygwin", "cygwin"),
        ("x86_64-unknown-linux-gnux32", "x86_64-unknown-linux-gnu"),
        ("aarch64_be-unknown-linux-gnu", "aarch64-unknown-linux-gnu"),
        ("aarch64-unknown-linux-gnu_ilp32", "aarch64-unknown-linux-gnu"),
        ("arm64_32-apple-watchos", "aarch64-apple-ios"),
        ("arm64ec-pc-windows-msvc", "aarch64-pc-windows-msvc"),
        ("armeb-unknown-linux-gnueabi", "armv7-unknown-linux-gnueabihf"),
        ("armv4t-unknown-linux-gnueabi", "GOARM=5"),
        ("armv7s-apple-ios", "ios/arm64"),
        ("thumbv7a-pc-windows-msvc", "windows/arm64"),
        ("aarch64-apple-tvos", "aarch64-apple-ios"),
        ("aarch64-apple-visionos", "aarch64-apple-ios"),
        ("i386-apple-ios", "ios/amd64"),
        ("i686-apple-darwin", "darwin/amd64"),
        ("mipsisa32r6-unknown-linux-gnu", "mipsel-unknown-linux-gnu"),
        ("mipsisa64r6el-unknown-linux-gnuabi64", "release 6"),
        ("mipsel-unknown-netbsd", "netbsd/arm64"),
        ("riscv64gc-unknown-freebsd", "freebsd/arm64"),
        ("riscv64-linux-android", "android/arm64"),
        ("aarch64-unknown-illumos", "illumos/amd64"),
        ("x86_64-uwp-windows-msvc", "x86_64-pc-windows-msvc"),
        ("x86_64-win7-windows-msvc", "Windows 10"),
        ("i686-win7-windows-gnu", "Windows 10"),
        ("wasm32-wali-linux-musl", "wasm32-wasip1"),
        ("csky-unknown-linux-gnuabiv2", "csky"),
        ("m68k-unknown-linux-gnu", "m68k"),
        ("x86_64-unknown-uefi", "Go needs an OS"),
        ("aarch64-unknown-hermit", "hermit"),
    ];

    #[test]
    fn supported_targets_from_a_triple() {
        for &(triple, goos, goarch, level) in SUPPORTED {
            let t = from_triple(triple).unwrap_or_else(|e| panic!("{triple}: {e}"));
            assert_eq!((t.goos.as_str(), t.goarch.as_str()), (goos, goarch), "{triple}");
            let want = (!level.is_empty())
                .then(|| (crate::context::arch_level_var(goarch).unwrap().to_string(), level.to_string()));
            assert_eq!(t.arch_level, want, "{triple}");
        }
    }

    #[test]
    fn unsupported_targets_name_the_target_and_an_alternative() {
        for &(triple, hint) in UNSUPPORTED {
            let e = from_triple(triple).expect_err(triple).to_string();
            assert!(e.contains(&format!("`{triple}`")), "{triple}: {e}");
            assert!(e.contains(hint), "{triple}: expected {hint:?} in: {e}");
        }
    }

    /// `RustTarget::from_triple` agrees with what rustc prints (`rustc --print
    /// cfg --target T`, 1.95; atomics and families left out): the same fields,
    /// and features that give the same Go port and arch level.
    #[test]
    fn triple_parsing_matches_rustc_cfg() {
        #[allow(clippy::too_many_arguments)]
        let cfg = |triple: &str,
                   arch: &str,
                   os: &str,
                   env: &str,
                   abi: &str,
                   vendor: &str,
                   endian: &str,
                   width: u32,
                   features: &str| {
            RustTarget {
                triple: triple.into(),
                arch: arch.into(),
                os: os.into(),
                env: env.into(),
                abi: abi.into(),
                vendor: vendor.into(),
                endian: endian.into(),
                pointer_width: width,
                features: features.split_whitespace().map(str::to_string).collect(),
            }
        };
        let apple_x86 = "cmpxchg16b fxsr sse sse2 sse3 sse4.1 ssse3";
        for want in [
            cfg("x86_64-unknown-linux-gnu", "x86_64", "linux", "gnu", "", "unknown", "little", 64, "fxsr sse sse2"),
            cfg("i586-unknown-linux-gnu", "x86", "linux", "gnu", "", "unknown", "little", 32, ""),
            cfg("i686-linux-android", "x86", "android", "", "", "unknown", "little", 32, "fxsr sse sse2 sse3 ssse3"),
            cfg("x86_64-unknown-linux-gnux32", "x86_64", "linux", "gnu", "x32", "unknown", "little", 32, "fxsr sse sse2"),
            cfg("x86_64-linux-android", "x86_64", "android", "", "", "unknown", "little", 64, "fxsr popcnt sse sse2 sse3 sse4.1 sse4.2 ssse3"),
            cfg("x86_64-apple-darwin", "x86_64", "macos", "", "", "apple", "little", 64, apple_x86),
            cfg("x86_64h-apple-darwin", "x86_64", "macos", "", "", "apple", "little", 64, &(X86_64_V3.join(" ") + " xsaveopt")),
            cfg("x86_64-apple-ios", "x86_64", "ios", "sim", "sim", "apple", "little", 64, apple_x86),
            cfg("x86_64-apple-ios-macabi", "x86_64", "ios", "macabi", "macabi", "apple", "little", 64, apple_x86),
            cfg("x86_64-pc-windows-gnullvm", "x86_64", "windows", "gnu", "llvm", "pc", "little", 64, "cmpxchg16b fxsr sse sse2 sse3"),
            cfg("x86_64-win7-windows-msvc", "x86_64", "windows", "msvc", "", "win7", "little", 64, "fxsr sse sse2"),
            cfg("x86_64-uwp-windows-gnu", "x86_64", "windows", "gnu", "uwp", "uwp", "little", 64, "cmpxchg16b fxsr sse sse2 sse3"),
            cfg("armv7-unknown-linux-gnueabihf", "arm", "linux", "gnu", "eabihf", "unknown", "little", 32, ""),
            cfg("armv7-unknown-linux-ohos", "arm", "linux", "ohos", "eabi", "unknown", "little", 32, ""),
            cfg("arm-linux-androideabi", "arm", "android", "", "eabi", "unknown", "little", 32, ""),
            cfg("armv6-unknown-freebsd", "arm", "freebsd", "", "eabihf", "unknown", "little", 32, ""),
            cfg("aarch64-apple-darwin", "aarch64", "macos", "", "", "apple", "little", 64, &APPLE_M1.join(" ")),
            cfg("aarch64-apple-ios", "aarch64", "ios", "", "", "apple", "little", 64, "aes neon pmuv3 sha2"),
            cfg("aarch64-apple-ios-macabi", "aarch64", "ios", "macabi", "macabi", "apple", "little", 64, &APPLE_A12.join(" ")),
            cfg("aarch64-unknown-linux-gnu_ilp32", "aarch64", "linux", "gnu", "ilp32", "unknown", "little", 32, "neon"),
            cfg("aarch64_be-unknown-linux-gnu", "aarch64", "linux", "gnu", "", "unknown", "big", 64, "neon"),
            cfg("powerpc64le-unknown-linux-gnu", "powerpc64", "linux", "gnu", "elfv2", "unknown", "little", 64, ""),
            cfg("powerpc64-unknown-linux-gnu", "powerpc64", "linux", "gnu", "elfv1", "unknown", "big", 64, ""),
            cfg("powerpc64-unknown-linux-musl", "powerpc64", "linux", "musl", "elfv2", "unknown", "big", 64, ""),
            cfg("powerpc64-ibm-aix", "powerpc64", "aix", "", "vec-extabi", "ibm", "big", 64, ""),
            cfg("mips-unknown-linux-musl", "mips", "linux", "musl", "", "unknown", "big", 32, ""),
            cfg("mips64-openwrt-linux-musl", "mips64", "linux", "musl", "abi64", "openwrt", "big", 64, ""),
            cfg("mips64el-unknown-linux-muslabi64", "mips64", "linux", "musl", "abi64", "unknown", "little", 64, ""),
            cfg("mipsisa32r6el-unknown-linux-gnu", "mips32r6", "linux", "gnu", "", "unknown", "little", 32, ""),
            cfg("wasm32-wasip1", "wasm32", "wasi", "p1", "", "unknown", "little", 32, "bulk-memory crt-static multivalue mutable-globals nontrapping-fptoint reference-types sign-ext"),
            cfg("wasm32-wasip1-threads", "wasm32", "wasi", "p1", "", "unknown", "little", 32, ""),
            cfg("wasm32-wasip2", "wasm32", "wasi", "p2", "", "unknown", "little", 32, ""),
            cfg("wasm32-unknown-unknown", "wasm32", "unknown", "", "", "unknown", "little", 32, ""),
            cfg("riscv64gc-unknown-linux-gnu", "riscv64", "linux", "gnu", "", "unknown", "little", 64, "a c m zaamo zalrsc zca zicsr zifencei"),
            cfg("riscv64a23-unknown-linux-gnu", "riscv64", "linux", "gnu", "", "unknown", "little", 64, "a b c m za128rs za64rs zaamo zalrsc zawrs zba zbb zbs zca zcb zcmop zic64b zicbom zicbop zicboz ziccamoa ziccif zicclsm ziccrse zicntr zicond zicsr zihintntl zihintpause zihpm zimop zkt"),
            cfg("riscv64-linux-android", "riscv64", "android", "", "", "unknown", "little", 64, "a b c m zaamo zalrsc zba zbb zbs zca zicsr zifencei"),
            cfg("x86_64-pc-solaris", "x86_64", "solaris", "", "", "pc", "little", 64, "fxsr sse sse2"),
            cfg("thumbv7em-none-eabihf", "arm", "none", "", "eabihf", "unknown", "little", 32, ""),
        ] {
            let got = RustTarget::from_triple(&want.triple);
            let fields = |t: &RustTarget| {
                (t.arch.clone(), t.os.clone(), t.env.clone(), t.abi.clone(), t.vendor.clone(), t.endian.clone(), t.pointer_width)
            };
            assert_eq!(fields(&got), fields(&want), "{}", want.triple);
            match (go_target(&got), go_target(&want)) {
                (Ok(a), Ok(b)) => assert_eq!(a, b, "{}", want.triple),
                (Err(_), Err(_)) => {}
                (a, b) => panic!("{}: from the triple {a:?}, from rustc's cfg {b:?}", want.triple),
            }
        }
    }

    fn cargo(triple: &str, vars: &[(&str, &str)]) -> RustTarget {
        RustTarget::from_cargo_cfg(triple, |k| vars.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string())).unwrap()
    }

    #[test]
    fn cargo_cfg_features_raise_the_level() {
        let v3 =
            "avx,avx2,bmi1,bmi2,cmpxchg16b,f16c,fma,fxsr,lzcnt,movbe,popcnt,sse,sse2,sse3,sse4.1,sse4.2,ssse3,xsave";
        let base = [("ARCH", "x86_64"), ("OS", "linux"), ("ENV", "gnu"), ("ENDIAN", "little"), ("POINTER_WIDTH", "64")];
        let level = |features: &str| {
            let mut vars = base.to_vec();
            vars.push(("FEATURE", features));
            go_target(&cargo("x86_64-unknown-linux-gnu", &vars)).unwrap().arch_level.unwrap().1
        };
        assert_eq!(level("fxsr,sse,sse2"), "v1");
        assert_eq!(level("cmpxchg16b,fxsr,popcnt,sse,sse2,sse3,sse4.1,sse4.2,ssse3"), "v2");
        assert_eq!(level(v3), "v3");
        assert_eq!(level(&format!("{v3},avx512f,avx512bw,avx512cd,avx512dq,avx512vl")), "v4");
        // One v3 feature missing (-Ctarget-feature=-movbe) is v2.
        assert_eq!(level(&v3.replace("movbe,", "")), "v2");

        // i686 with -Ctarget-feature=-sse2 is soft-float; i586 with +sse2 is sse2.
        let x86 = |triple: &str, features: &str| {
            let vars = [("ARCH", "x86"), ("OS", "linux"), ("ENV", "gnu"), ("FEATURE", features)];
            go_target(&cargo(triple, &vars)).unwrap().arch_level.unwrap().1
        };
        assert_eq!(x86("i686-unknown-linux-gnu", "fxsr,sse"), "softfloat");
        assert_eq!(x86("i586-unknown-linux-gnu", "fxsr,sse,sse2"), "sse2");

        // aarch64 with -Ctarget-cpu=neoverse-n1 (v8.2 + crypto) and a bare lse.
        let a64 = |features: &str| {
            let vars = [("ARCH", "aarch64"), ("OS", "linux"), ("ENV", "gnu"), ("FEATURE", features)];
            go_target(&cargo("aarch64-unknown-linux-gnu", &vars)).unwrap().arch_level.unwrap().1
        };
        assert_eq!(a64("aes,crc,dotprod,dpb,fp16,lor,lse,neon,pan,ras,rcpc,rdm,sha2,ssbs,vh"), "v8.2,lse,crypto");
        assert_eq!(a64("lse,neon"), "v8.0,lse");
        assert_eq!(a64("neon"), "v8.0");
        let v9 = format!("{},sve,sve2", APPLE_M1.join(","));
        assert_eq!(a64(&(v9 + ",bti")), "v9.0,lse,crypto");

        // ppc64le with -Ctarget-cpu=pwr9 / pwr10 (nightly shows the features).
        let ppc = |features: &str| {
            let vars =
                [("ARCH", "powerpc64"), ("OS", "linux"), ("ENV", "gnu"), ("ENDIAN", "little"), ("FEATURE", features)];
            go_target(&cargo("powerpc64le-unknown-linux-gnu", &vars)).unwrap().arch_level.unwrap().1
        };
        assert_eq!(ppc(""), "power8");
        assert_eq!(ppc("altivec,power8-vector,power9-altivec,power9-vector,vsx"), "power9");
        assert_eq!(ppc("altivec,power10-vector,power9-vector,vsx"), "power10");

        // riscv64 with the RVA22 features.
        let rv = |features: &str| {
            let vars = [("ARCH", "riscv64"), ("OS", "linux"), ("ENV", "gnu"), ("FEATURE", features)];
            go_target(&cargo("riscv64gc-unknown-linux-gnu", &vars)).unwrap().arch_level.unwrap().1
        };
        assert_eq!(rv("a,c,m,zba,zbb,zbs"), "rva20u64");
        assert_eq!(rv("a,c,m,zba,zbb,zbs,zicbom,zicbop,zicboz,zihintpause,zkt"), "rva22u64");
        assert_eq!(rv(&RVA23.join(",")), "rva23u64");

        // Nightly shows ARM's FPU and `soft-float`: they win over the ABI name.
        let arm = |triple: &str, abi: &str, features: &str| {
            let vars = [("ARCH", "arm"), ("OS", "linux"), ("ENV", "gnu"), ("ABI", abi), ("FEATURE", features)];
            go_target(&cargo(triple, &vars)).unwrap().arch_level.unwrap().1
        };
        assert_eq!(arm("armv7-unknown-linux-gnueabihf", "eabihf", ""), "7");
        assert_eq!(arm("armv7-unknown-linux-gnueabi", "eabi", ""), "7,softfloat");
        assert_eq!(arm("armv7-unknown-linux-gnueabi", "eabi", "v7,vfp3,d32"), "7");
        assert_eq!(arm("arm-unknown-linux-gnueabihf", "eabihf", "v6,vfp2,soft-float"), "6,softfloat");
        assert_eq!(arm("arm-unknown-linux-gnueabi", "eabi", "v7"), "7,softfloat");

        // MIPS `soft-float` (nightly) on a glibc target.
        let vars = [("ARCH", "mips"), ("OS", "linux"), ("ENV", "gnu"), ("ENDIAN", "big"), ("FEATURE", "soft-float")];
        assert_eq!(go_target(&cargo("mips-unknown-linux-gnu", &vars)).unwrap().arch_level.unwrap().1, "softfloat");
    }

    #[test]
    fn cargo_cfg_is_used_over_the_triple() {
        // A custom target name (a target JSON file): only the cfg tells.
        let vars = [("ARCH", "aarch64"), ("OS", "linux"), ("ENV", "musl"), ("ENDIAN", "little"), ("FEATURE", "neon")];
        let t = go_target(&cargo("my-custom-board", &vars)).unwrap();
        assert_eq!((t.goos.as_str(), t.goarch.as_str()), ("linux", "arm64"));
        // Without CARGO_CFG_TARGET_ARCH there is no cfg view.
        assert!(RustTarget::from_cargo_cfg("x86_64-unknown-linux-gnu", |_| None).is_none());
        // ABI/endian/width missing (old cargo): the triple fills them in.
        let t = cargo("armv7-unknown-linux-gnueabihf", &[("ARCH", "arm"), ("OS", "linux"), ("ENV", "gnu")]);
        assert_eq!((t.abi.as_str(), t.endian.as_str(), t.pointer_width), ("eabihf", "little", 32));
    }

    /// Which Rust targets get a C archive: Go's c-archive ports, minus MSVC
    /// and (without the opt-in) musl; each refusal names the way out.
    #[test]
    fn c_archive_targets() {
        let check = |triple: &str, minor: u32, allow_musl: bool| {
            let t = RustTarget::from_triple(triple);
            let g = go_target(&t).unwrap();
            check_c_archive(&t, &g, minor, allow_musl).map_err(|e| e.to_string())
        };
        for ok in [
            "x86_64-unknown-linux-gnu",
            "aarch64-unknown-linux-gnu",
            "armv7-unknown-linux-gnueabihf",
            "arm-unknown-linux-gnueabi",
            "i686-unknown-linux-gnu",
            "riscv64gc-unknown-linux-gnu",
            "powerpc64le-unknown-linux-gnu",
            "s390x-unknown-linux-gnu",
            "loongarch64-unknown-linux-gnu",
            "x86_64-pc-windows-gnu",
            "i686-pc-windows-gnu",
            "aarch64-pc-windows-gnullvm",
            "aarch64-apple-darwin",
            "x86_64-apple-darwin",
            "aarch64-apple-ios",
            "x86_64-unknown-freebsd",
        ] {
            assert_eq!(check(ok, 26, false), Ok(()), "{ok}");
        }
        // MSVC: the gnu (or gnullvm) target and the sidecar.
        for (msvc, gnu) in [
            ("x86_64-pc-windows-msvc", "x86_64-pc-windows-gnu"),
            ("i686-pc-windows-msvc", "i686-pc-windows-gnu"),
            ("aarch64-pc-windows-msvc", "aarch64-pc-windows-gnullvm"),
        ] {
            let e = check(msvc, 26, true).unwrap_err();
            assert!(e.contains(msvc) && e.contains(gnu) && e.contains("Build::binary"), "{e}");
            assert!(e.contains("gcc-compatible") && e.contains("golang/go#20982"), "{e}");
        }
        // musl: the issue, the glibc target, the sidecar and the opt-in.
        for (musl, gnu) in [
            ("x86_64-unknown-linux-musl", "x86_64-unknown-linux-gnu"),
            ("aarch64-unknown-linux-musl", "aarch64-unknown-linux-gnu"),
            ("armv7-unknown-linux-musleabihf", "armv7-unknown-linux-gnueabihf"),
        ] {
            let e = check(musl, 26, false).unwrap_err();
            assert!(e.contains("golang/go#13492") && e.contains(".init_array"), "{e}");
            assert!(e.contains(gnu) && e.contains("Build::binary") && e.contains("allow_musl_c_archive(true)"), "{e}");
            assert_eq!(check(musl, 26, true), Ok(()), "{musl} with the opt-in");
        }
        // Ports without -buildmode=c-archive.
        for (triple, port) in [
            ("aarch64-linux-android", "android/arm64"),
            ("mips-unknown-linux-gnu", "linux/mips"),
            ("mips64el-unknown-linux-gnuabi64", "linux/mips64le"),
            ("wasm32-wasip1", "wasip1/wasm"),
            ("aarch64-unknown-freebsd", "freebsd/arm64"),
            ("x86_64-unknown-netbsd", "netbsd/amd64"),
        ] {
            let e = check(triple, 27, false).unwrap_err();
            assert!(e.contains(triple) && e.contains(port) && e.contains("Build::binary"), "{e}");
        }
        // linux/ppc64 (big endian) gained c-archive in Go 1.27.
        assert!(check("powerpc64-unknown-linux-gnu", 26, false).unwrap_err().contains("before Go 1.27"));
        assert_eq!(check("powerpc64-unknown-linux-gnu", 27, false), Ok(()));
    }

    #[test]
    fn levels_are_spelled_as_go_accepts_them() {
        // internal/buildcfg: GOARM is 5|6|7 with an optional ,softfloat/,hardfloat;
        // GOARM64 is v8.0…v8.9|v9.0…v9.5 with ,lse and/or ,crypto.
        for &(triple, _, goarch, level) in SUPPORTED {
            if level.is_empty() {
                continue;
            }
            let ok = match goarch {
                "arm" => {
                    let v = level.trim_end_matches(",softfloat").trim_end_matches(",hardfloat");
                    ["5", "6", "7"].contains(&v)
                }
                "arm64" => {
                    let v = level.trim_end_matches(",crypto").trim_end_matches(",lse");
                    v.len() == 4 && (v.starts_with("v8.") || v.starts_with("v9.") && v <= "v9.5")
                }
                "amd64" => ["v1", "v2", "v3", "v4"].contains(&level),
                "386" => ["sse2", "softfloat"].contains(&level),
                "mips" | "mipsle" | "mips64" | "mips64le" => ["hardfloat", "softfloat"].contains(&level),
                "ppc64" | "ppc64le" => ["power8", "power9", "power10"].contains(&level),
                "riscv64" => ["rva20u64", "rva22u64", "rva23u64"].contains(&level),
                _ => false,
            };
            assert!(ok, "{triple}: {goarch} level {level:?}");
        }
    }
}
