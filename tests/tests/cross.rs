//! Cross builds with cgo off: `Build::target(T)` for Linux, Windows, macOS,
//! FreeBSD and WASI targets. Every output is checked for its format and
//! architecture with the `object` crate (ELF machine, class, endianness and OS
//! ABI; Mach-O CPU type; PE machine and subsystem; the wasm magic), its build
//! info is checked for the port and arch level the Rust target implies, and the
//! Linux ones run (under qemu-user, or natively) with output identical to the
//! host build's.
//!
//! qemu-user missing: the run part is skipped with a message, except under CI
//! (`CI` set), where it fails (`.ci/run` installs Debian's `qemu-user`).
//!
//! The action cache is shared by all tests of this file and kept in cargo's
//! test tmpdir, so each target's standard library is built once per machine,
//! not once per test run.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use go_link_build_tests::*;
use object::read::elf::FileHeader as _;
use object::read::macho::MachHeader as _;
use object::read::pe::{ImageNtHeaders as _, ImageOptionalHeader as _};
use object::{elf, macho, pe, Endianness, FileKind};

/// What an output must look like.
#[derive(Clone, Copy, Debug)]
enum Format {
    Elf { is_64: bool, big_endian: bool, machine: elf::Machine, os_abi: elf::OsAbi },
    MachO { cputype: macho::CpuType },
    Pe { machine: pe::Machine },
    Wasm,
}

/// How to run a Linux output on this machine.
#[derive(Clone, Copy, Debug)]
enum Runner {
    /// The host runs it (same architecture).
    Native,
    /// The host may run it (i386 on x86_64 needs the kernel's IA-32 support); else qemu.
    NativeOrQemu(&'static str),
    /// qemu-user for this architecture.
    Qemu(&'static str),
    /// Not run: only the format is checked.
    No,
}

/// The host's build of the fixture and its output, built once.
fn host_output(goroot: &Path) -> &'static str {
    static OUT: OnceLock<String> = OnceLock::new();
    OUT.get_or_init(|| {
        let (scratch, dir) = copy_fixture("multi");
        let art = builder(goroot, &dir.join("cmd/app"), &scratch.join("out"), &shared_cache())
            .ldflag_x("main.version", "cross")
            .try_binary("app")
            .unwrap_or_else(|e| panic!("host build failed:\n{e}"));
        run(art.path(), &[])
    })
}

/// One action cache for every test here, kept between runs.
fn shared_cache() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("cross-cache")
}

/// Whether a qemu-user binary can be run. When not, says why; under CI that
/// is a failure.
fn have(program: &str) -> bool {
    tool_available(program, "qemu-user")
}

/// Runs a program, directly or through `runner`, and returns its stdout.
fn run_with(runner: Option<&str>, program: &Path) -> String {
    let mut cmd = match runner {
        Some(qemu) => {
            let mut c = Command::new(qemu);
            c.arg(program);
            c
        }
        None => Command::new(program),
    };
    let out = cmd.output().unwrap_or_else(|e| panic!("run {}: {e}", program.display()));
    assert!(
        out.status.success(),
        "{} ({}) failed with {}: {}",
        program.display(),
        runner.unwrap_or("native"),
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Checks the output's format and architecture.
fn check_format(path: &Path, want: Format) {
    let data = std::fs::read(path).unwrap();
    if let Format::Wasm = want {
        // `object` reads wasm only with its wasmparser feature; the magic is enough.
        assert_eq!(&data[..8], b"\0asm\x01\0\0\0", "{}: wasm magic and version 1", path.display());
        return;
    }
    let kind = FileKind::parse(&*data).unwrap_or_else(|e| panic!("{}: not an object file: {e}", path.display()));
    match want {
        Format::Elf { is_64, big_endian, machine, os_abi } => {
            let (class, endian, m, abi) = if is_64 {
                assert_eq!(kind, FileKind::Elf64, "{}", path.display());
                let h = elf::FileHeader64::<Endianness>::parse(&*data).unwrap();
                let e = h.endian().unwrap();
                (h.e_ident().class, e, h.e_machine(e), h.e_ident().os_abi)
            } else {
                assert_eq!(kind, FileKind::Elf32, "{}", path.display());
                let h = elf::FileHeader32::<Endianness>::parse(&*data).unwrap();
                let e = h.endian().unwrap();
                if machine == elf::EM_ARM {
                    // Go marks its ARM executables "EABI version 5, has entry point".
                    assert_eq!(h.e_flags(e).arm_eabi(), elf::EF_ARM_EABI_VER5, "{}: ARM EABI version", path.display());
                }
                (h.e_ident().class, e, h.e_machine(e), h.e_ident().os_abi)
            };
            assert_eq!(class, if is_64 { elf::ELFCLASS64 } else { elf::ELFCLASS32 }, "{}: ELF class", path.display());
            assert_eq!(endian, if big_endian { Endianness::Big } else { Endianness::Little }, "{}", path.display());
            assert_eq!(m, machine, "{}: ELF machine", path.display());
            assert_eq!(abi, os_abi, "{}: ELF OS ABI", path.display());
        }
        Format::MachO { cputype } => {
            assert_eq!(kind, FileKind::MachO64, "{}", path.display());
            let h = macho::MachHeader64::<Endianness>::parse(&*data, 0).unwrap();
            let e = h.endian().unwrap();
            assert_eq!(h.cputype(e), cputype, "{}: Mach-O CPU type", path.display());
            assert_eq!(h.filetype(e), macho::MH_EXECUTE, "{}: Mach-O file type", path.display());
        }
        Format::Pe { machine } => {
            assert_eq!(kind, FileKind::Pe64, "{}", path.display());
            let file = object::read::pe::PeFile64::parse(&*data).unwrap();
            let nt = file.nt_headers();
            assert_eq!(nt.file_header().machine.get(object::LittleEndian), machine, "{}: PE machine", path.display());
            assert_eq!(nt.optional_header().subsystem(), pe::IMAGE_SUBSYSTEM_WINDOWS_CUI, "{}", path.display());
        }
        Format::Wasm => unreachable!(),
    }
}

/// `go version -m` lines that must be present: the port and the arch level.
fn check_build_info(goroot: &Path, path: &Path, want: &[&str]) {
    let info = if path.extension().is_some_and(|e| e == "wasm") {
        // `go version -m` does not read wasm modules; the build info text is
        // in the data section as it is.
        let data = std::fs::read(path).unwrap();
        let text = String::from_utf8_lossy(&data);
        let start = text.find("path\t").expect("build info in the wasm module");
        text[start..].lines().take_while(|l| !l.is_empty()).map(|l| format!("\t{l}\n")).collect()
    } else {
        version_m(goroot, path)
    };
    for line in want {
        assert!(
            info.lines().any(|l| l.trim() == format!("build\t{line}")),
            "{}: no `build {line}` in:\n{info}",
            path.display()
        );
    }
    assert!(info.lines().any(|l| l.trim() == "build\tCGO_ENABLED=0"), "{}: cgo must be off:\n{info}", path.display());
}

/// Builds the multi fixture's `cmd/app` for `triple` and checks it.
fn cross(triple: &str, ext: &str, format: Format, build_info: &[&str], runner: Runner) {
    let Some(goroot) = host_goroot() else { return };
    let (scratch, dir) = copy_fixture("multi");
    let started = std::time::Instant::now();
    let art = builder(&goroot, &dir.join("cmd/app"), &scratch.join("out"), &shared_cache())
        .target(triple)
        .ldflag_x("main.version", "cross")
        .try_binary("app")
        .unwrap_or_else(|e| panic!("cross build for {triple} failed:\n{e}"));
    report_build(triple, &art, started);
    let path = art.path();
    assert_eq!(path.file_name().unwrap().to_string_lossy(), format!("app{ext}"), "output name for {triple}");
    check_format(path, format);
    check_build_info(&goroot, path, build_info);

    let runner = match runner {
        Runner::No => return,
        Runner::Native => None,
        Runner::Qemu(q) => {
            if !have(q) {
                return;
            }
            Some(q)
        }
        Runner::NativeOrQemu(q) => {
            // Native when the kernel runs it; else qemu.
            match Command::new(path).output() {
                Ok(o) if o.status.success() => None,
                _ if have(q) => Some(q),
                _ => return,
            }
        }
    };
    let want = host_output(&goroot);
    let got = run_with(runner, path);
    assert_eq!(got, want, "{triple}: output differs from the host build's");
    assert!(got.contains("version: cross") && got.contains("asm add: 42"), "{got}");
}

fn elf(is_64: bool, big_endian: bool, machine: elf::Machine) -> Format {
    Format::Elf { is_64, big_endian, machine, os_abi: elf::ELFOSABI_NONE }
}

#[test]
fn aarch64_linux() {
    cross(
        "aarch64-unknown-linux-gnu",
        "",
        elf(true, false, elf::EM_AARCH64),
        &["GOARCH=arm64", "GOOS=linux", "GOARM64=v8.0"],
        Runner::Qemu("qemu-aarch64"),
    );
}

#[test]
fn armv7_linux_hardfloat() {
    cross(
        "armv7-unknown-linux-gnueabihf",
        "",
        elf(false, false, elf::EM_ARM),
        &["GOARCH=arm", "GOOS=linux", "GOARM=7"],
        Runner::Qemu("qemu-arm"),
    );
}

/// ARMv6 with the soft-float ABI (Raspberry Pi 1/Zero class): GOARM=6,softfloat.
#[test]
fn armv6_linux_softfloat() {
    cross(
        "arm-unknown-linux-gnueabi",
        "",
        elf(false, false, elf::EM_ARM),
        &["GOARCH=arm", "GOOS=linux", "GOARM=6,softfloat"],
        Runner::Qemu("qemu-arm"),
    );
}

#[test]
fn i686_linux() {
    cross(
        "i686-unknown-linux-gnu",
        "",
        elf(false, false, elf::EM_386),
        &["GOARCH=386", "GOOS=linux", "GO386=sse2"],
        Runner::NativeOrQemu("qemu-i386"),
    );
}

#[test]
fn riscv64_linux() {
    cross(
        "riscv64gc-unknown-linux-gnu",
        "",
        elf(true, false, elf::EM_RISCV),
        &["GOARCH=riscv64", "GOOS=linux", "GORISCV64=rva20u64"],
        Runner::Qemu("qemu-riscv64"),
    );
}

#[test]
fn ppc64le_linux() {
    cross(
        "powerpc64le-unknown-linux-gnu",
        "",
        elf(true, false, elf::EM_PPC64),
        &["GOARCH=ppc64le", "GOOS=linux", "GOPPC64=power8"],
        Runner::Qemu("qemu-ppc64le"),
    );
}

#[test]
fn s390x_linux() {
    cross(
        "s390x-unknown-linux-gnu",
        "",
        elf(true, true, elf::EM_S390),
        &["GOARCH=s390x", "GOOS=linux"],
        Runner::Qemu("qemu-s390x"),
    );
}

/// musl sidecars: cgo off, so the Go binary is static and libc-agnostic.
#[test]
fn x86_64_linux_musl() {
    cross(
        "x86_64-unknown-linux-musl",
        "",
        elf(true, false, elf::EM_X86_64),
        &["GOARCH=amd64", "GOOS=linux", "GOAMD64=v1"],
        if cfg!(all(target_arch = "x86_64", target_os = "linux")) { Runner::Native } else { Runner::No },
    );
}

/// An arm64 musl sidecar is the same linux/arm64 program (its packages come
/// from the cache of the glibc target's), and runs under qemu without a
/// sysroot because it is static.
#[test]
fn aarch64_linux_musl() {
    cross(
        "aarch64-unknown-linux-musl",
        "",
        elf(true, false, elf::EM_AARCH64),
        &["GOARCH=arm64", "GOOS=linux", "GOARM64=v8.0"],
        Runner::Qemu("qemu-aarch64"),
    );
}

#[test]
fn x86_64_windows_gnu() {
    cross(
        "x86_64-pc-windows-gnu",
        ".exe",
        Format::Pe { machine: pe::IMAGE_FILE_MACHINE_AMD64 },
        &["GOARCH=amd64", "GOOS=windows", "GOAMD64=v1"],
        Runner::No,
    );
}

#[test]
fn aarch64_darwin() {
    cross(
        "aarch64-apple-darwin",
        "",
        Format::MachO { cputype: macho::CPU_TYPE_ARM64 },
        // apple-m1's features: ARMv8.4 with LSE and the crypto extension.
        &["GOARCH=arm64", "GOOS=darwin", "GOARM64=v8.4,lse,crypto"],
        Runner::No,
    );
}

#[test]
fn x86_64_darwin() {
    cross(
        "x86_64-apple-darwin",
        "",
        Format::MachO { cputype: macho::CPU_TYPE_X86_64 },
        &["GOARCH=amd64", "GOOS=darwin", "GOAMD64=v1"],
        Runner::No,
    );
}

#[test]
fn wasm32_wasip1() {
    cross("wasm32-wasip1", ".wasm", Format::Wasm, &["GOARCH=wasm", "GOOS=wasip1"], Runner::No);
}

#[test]
fn x86_64_freebsd() {
    cross(
        "x86_64-unknown-freebsd",
        "",
        Format::Elf { is_64: true, big_endian: false, machine: elf::EM_X86_64, os_abi: elf::ELFOSABI_FREEBSD },
        &["GOARCH=amd64", "GOOS=freebsd", "GOAMD64=v1"],
        Runner::No,
    );
}

/// For cross targets too, the build info is what `go build -trimpath` writes
/// when given the port and arch level the Rust target implies.
#[test]
fn build_info_matches_go_build() {
    let Some(goroot) = host_goroot() else { return };
    let (scratch, dir) = copy_fixture("multi");
    let gocache = scratch.join("gocache");
    for (triple, env) in [
        ("arm-unknown-linux-gnueabi", [("GOOS", "linux"), ("GOARCH", "arm"), ("GOARM", "6,softfloat")]),
        ("aarch64-apple-darwin", [("GOOS", "darwin"), ("GOARCH", "arm64"), ("GOARM64", "v8.4,lse,crypto")]),
        ("x86_64-pc-windows-gnu", [("GOOS", "windows"), ("GOARCH", "amd64"), ("GOAMD64", "v1")]),
    ] {
        let ours = builder(&goroot, &dir.join("cmd/app"), &scratch.join(triple), &shared_cache())
            .target(triple)
            .try_binary("app")
            .unwrap_or_else(|e| panic!("{triple}: {e}"));
        let theirs = scratch.join(format!("go-built-{triple}"));
        let out = Command::new(goroot.join("bin/go"))
            .args(["build", "-trimpath", "-o"])
            .arg(&theirs)
            .arg("./cmd/app")
            .current_dir(&dir)
            .env("GOCACHE", &gocache)
            .env("GOROOT", &goroot)
            .env("GOTOOLCHAIN", "local")
            .env("GOFLAGS", "-mod=mod")
            .env("CGO_ENABLED", "0")
            .env_remove("GOEXPERIMENT")
            .envs(env)
            .output()
            .unwrap();
        assert!(out.status.success(), "go build for {triple}: {}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(version_m(&goroot, ours.path()), version_m(&goroot, &theirs), "{triple}: go version -m differs");
    }
    let _ = Command::new("chmod").arg("-R").arg("u+w").arg(&gocache).status();
}

/// A target Go cannot serve fails before anything is built, naming the target
/// and the alternative.
#[test]
fn unsupported_target_is_a_clear_error() {
    let Some(goroot) = host_goroot() else { return };
    let (scratch, dir) = copy_fixture("multi");
    for (triple, hint) in [("wasm32-unknown-unknown", "wasm32-wasip1"), ("thumbv7em-none-eabihf", "TinyGo")] {
        let e = builder(&goroot, &dir.join("cmd/app"), &scratch.join("out"), &scratch.join("cache"))
            .target(triple)
            .try_binary("app")
            .expect_err(triple)
            .to_string();
        assert!(e.contains(triple) && e.contains(hint), "{triple}: {e}");
    }
    assert!(!scratch.join("out/go-link-build/bin").exists(), "nothing may be written for an unsupported target");
}

/// The minimum macOS version of a Mach-O executable (`LC_BUILD_VERSION`'s
/// `minos`, or `LC_VERSION_MIN_MACOSX`'s `version`), as `major.minor.patch`.
fn macho_min_os(path: &Path) -> String {
    let data = std::fs::read(path).unwrap();
    let h = macho::MachHeader64::<Endianness>::parse(&*data, 0).unwrap();
    let e = h.endian().unwrap();
    let mut cmds = h.load_commands(e, &*data, 0).unwrap();
    while let Some(cmd) = cmds.next().unwrap() {
        let v = match cmd.cmd() {
            macho::LC_BUILD_VERSION => cmd.data::<macho::BuildVersionCommand<Endianness>>().unwrap().minos.get(e),
            macho::LC_VERSION_MIN_MACOSX => cmd.data::<macho::VersionMinCommand<Endianness>>().unwrap().version.get(e),
            _ => continue,
        };
        return format!("{}.{}.{}", v.major(), v.minor(), v.update());
    }
    panic!("{}: no minimum-OS load command", path.display());
}

/// `MACOSX_DEPLOYMENT_TARGET` reaches the Mach-O of a sidecar. The internal
/// linker takes it as `-macos` from Go 1.27 (older linkers write a fixed
/// version), so this needs a Go 1.27+ toolchain: the machine's or one that
/// `.ci/run` fetched into the module cache.
#[test]
fn darwin_deployment_target_reaches_the_binary() {
    let Some(host) = host_goroot() else { return };
    let mut goroots: Vec<(String, PathBuf)> = extra_goroots();
    goroots.push(("host".into(), host));
    let Some((_, goroot)) = goroots.into_iter().find(|(_, g)| {
        let v = std::fs::read_to_string(g.join("VERSION")).unwrap_or_default();
        let minor = v.trim_start_matches("go1.").split(['.', '\n']).next().and_then(|m| m.parse::<u32>().ok());
        minor.is_some_and(|m| m >= 27)
    }) else {
        assert!(std::env::var_os("CI").is_none(), "CI must provide a Go 1.27+ toolchain (.ci/run fetches go1.27.3)");
        eprintln!("skipping: no Go 1.27+ toolchain here");
        return;
    };
    let (scratch, dir) = copy_fixture("multi");
    let cache = scratch.join("cache");
    for (deployment, want) in [(Some("11.0"), "11.0.0"), (Some("14.2.1"), "14.2.1")] {
        let mut b = builder(&goroot, &dir.join("cmd/app"), &scratch.join("out"), &cache);
        b.target("aarch64-apple-darwin");
        if let Some(d) = deployment {
            b.env("MACOSX_DEPLOYMENT_TARGET", d);
        }
        let art = b.try_binary("app").unwrap_or_else(|e| panic!("darwin build failed:\n{e}"));
        assert_eq!(macho_min_os(art.path()), want, "MACOSX_DEPLOYMENT_TARGET={deployment:?}");
    }
    let err = builder(&goroot, &dir.join("cmd/app"), &scratch.join("out"), &cache)
        .target("aarch64-apple-darwin")
        .env("MACOSX_DEPLOYMENT_TARGET", "eleven")
        .try_binary("app")
        .unwrap_err()
        .to_string();
    assert!(err.contains("MACOSX_DEPLOYMENT_TARGET=eleven is not a macOS version"), "{err}");
}
