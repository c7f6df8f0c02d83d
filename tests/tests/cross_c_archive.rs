//! Cross C archives: `Build::target(T).try_c_archive(..)` for Linux arm64 and
//! armv7 (glibc) and Windows x86_64 (mingw-w64), with the C toolchain the
//! `cc` crate finds for T (Debian's `gcc-aarch64-linux-gnu`,
//! `gcc-arm-linux-gnueabihf`, `gcc-mingw-w64-x86-64`; `CC_<target>`
//! overrides), and the targets that get a clear error instead.
//!
//! A C program compiled by the same cross compiler stands in for the Rust
//! link step (so this test needs no Rust standard library for the target;
//! bindings.rs builds Rust programs for armv7 and aarch64): it links against the
//! archive plus [`Artifact::link_flags`] (what cargo is told to link), exactly
//! as rustc's link of a Rust program for T would. The Linux programs then run
//! under qemu-user with the target's sysroot (`qemu-aarch64 -L
//! /usr/aarch64-linux-gnu`) and must print what the Go code computes. The
//! Windows program is linked only (running it needs wine) and checked to be a
//! PE x86-64 console program.
//!
//! A missing cross compiler or qemu skips the test with a message, except
//! under CI (`CI` set), where it fails (`.ci/run` installs them).
//!
//! The action cache is the one `cross.rs` uses (kept in cargo's test tmpdir),
//! so each target's cgo standard library is built once per machine.
//!
//! [`Artifact::link_flags`]: go_link_build::Artifact::link_flags

use std::path::{Path, PathBuf};
use std::process::Command;

use go_link_build_tests::*;
use object::{Architecture, BinaryFormat, FileKind, Object as _};

/// The same action cache as `cross.rs`.
fn shared_cache() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("cross-cache")
}

/// What the C program prints, from the Go functions of `fixtures/cffi`
/// (`lib`, with its C helper built by the cross compiler, and `calc`, in one
/// archive through a generated main package).
const PROGRAM: &str = r#"#include <stdio.h>
#include <stdlib.h>
#include "fx.h"

int main(void) {
    char text[] = "go from c";
    char *up = FxUpper(text);
    printf("scale=%d fib=%lld upper=%s\n", (int)FxScale(14), (long long)FxFib(50), up);
    FxFree(up);
    return 0;
}
"#;
const EXPECTED: &str = "scale=42 fib=12586269025 upper=GO FROM C\n";

/// Checks the object format and architecture of a file (or of every member
/// of an archive).
fn check_object(path: &Path, data: &[u8], format: BinaryFormat, arch: Architecture) {
    let file = object::File::parse(data).unwrap_or_else(|e| panic!("{}: not an object file: {e}", path.display()));
    assert_eq!(file.format(), format, "{}: object format", path.display());
    assert_eq!(file.architecture(), arch, "{}: architecture", path.display());
}

/// Every member of the archive (`go.o` and the C objects) is an object of
/// the target's format and architecture.
fn check_archive(lib: &Path, format: BinaryFormat, arch: Architecture) {
    let data = std::fs::read(lib).unwrap();
    let archive = object::read::archive::ArchiveFile::parse(&*data)
        .unwrap_or_else(|e| panic!("{}: not an archive: {e}", lib.display()));
    let mut names = Vec::new();
    for member in archive.members() {
        let member = member.unwrap();
        let name = String::from_utf8_lossy(member.name()).into_owned();
        check_object(&lib.join(&name), member.data(&*data).unwrap(), format, arch);
        names.push(name);
    }
    assert!(names.iter().any(|n| n == "go.o"), "{}: no go.o in {names:?}", lib.display());
    assert!(names.len() > 10, "{}: the C objects of runtime/cgo and the fixture are missing: {names:?}", lib.display());
}

/// How the linked C program is checked.
enum Check {
    /// Run under this qemu-user, with the compiler's sysroot.
    Qemu(&'static str),
    /// Only the format (PE: the machine and the console subsystem).
    PeOnly,
}

/// Builds `libfx.a` for `triple`, links the C program with the target's C
/// compiler, and checks (and on Linux runs) the result.
fn c_archive_for(triple: &str, debian_package: &str, format: BinaryFormat, arch: Architecture, check: Check) {
    let Some(goroot) = host_goroot() else { return };
    let Some(cc) = cross_cc(triple, debian_package) else { return };
    let (scratch, dir) = copy_fixture("cffi");
    let started = std::time::Instant::now();
    let mut b = builder(&goroot, &dir.join("lib"), &scratch.join("out"), &shared_cache());
    b.package(dir.join("calc")).target(triple).runtime_links_check(false);
    let art = b.try_c_archive("fx").unwrap_or_else(|e| panic!("C archive for {triple} failed:\n{e}"));
    report_build(triple, &art, started);
    check_archive(art.path(), format, arch);
    let header = art.header().expect("a header");
    let text = std::fs::read_to_string(header).unwrap();
    assert!(text.contains("FxScale") && text.contains("FxFib"), "{}:\n{text}", header.display());

    // The C program, compiled and linked by the same cross compiler, with the
    // archive and the flags cargo would be given.
    let src = scratch.join("prog.c");
    std::fs::write(&src, PROGRAM).unwrap();
    let exe = scratch.join(if matches!(check, Check::PeOnly) { "prog.exe" } else { "prog" });
    let mut cmd = cc.to_command();
    cmd.arg("-o").arg(&exe).arg(&src).arg("-I").arg(header.parent().unwrap());
    // The header repeats lib.go's cgo preamble (`#include "helper.h"`), as
    // the one from `go build -buildmode=c-archive` does.
    cmd.arg("-I").arg(dir.join("lib")).arg(art.path());
    cmd.args(art.link_flags());
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{triple}: linking the C program failed ({cmd:?}):\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let data = std::fs::read(&exe).unwrap();
    // COFF objects make a PE program.
    check_object(&exe, &data, if format == BinaryFormat::Coff { BinaryFormat::Pe } else { format }, arch);

    match check {
        Check::PeOnly => {
            use object::read::pe::{ImageNtHeaders as _, ImageOptionalHeader as _};
            assert_eq!(FileKind::parse(&*data).unwrap(), FileKind::Pe64, "{}", exe.display());
            let pe = object::read::pe::PeFile64::parse(&*data).unwrap();
            let nt = pe.nt_headers();
            assert_eq!(nt.file_header().machine.get(object::LittleEndian), object::pe::IMAGE_FILE_MACHINE_AMD64);
            assert_eq!(nt.optional_header().subsystem(), object::pe::IMAGE_SUBSYSTEM_WINDOWS_CUI);
        }
        Check::Qemu(qemu) => {
            if !tool_available(qemu, "qemu-user") {
                return;
            }
            let mut run = Command::new(qemu);
            if let Some(root) = qemu_sysroot(cc.path()) {
                run.arg("-L").arg(root);
            }
            let out = run.arg(&exe).output().unwrap();
            assert!(
                out.status.success(),
                "{triple}: the C program failed under {qemu} ({}):\n{}",
                out.status,
                String::from_utf8_lossy(&out.stderr)
            );
            assert_eq!(String::from_utf8_lossy(&out.stdout), EXPECTED, "{triple}");
        }
    }
}

#[test]
fn aarch64_linux_gnu() {
    c_archive_for(
        "aarch64-unknown-linux-gnu",
        "gcc-aarch64-linux-gnu",
        BinaryFormat::Elf,
        Architecture::Aarch64,
        Check::Qemu("qemu-aarch64"),
    );
}

#[test]
fn armv7_linux_gnueabihf() {
    c_archive_for(
        "armv7-unknown-linux-gnueabihf",
        "gcc-arm-linux-gnueabihf",
        BinaryFormat::Elf,
        Architecture::Arm,
        Check::Qemu("qemu-arm"),
    );
}

/// mingw-w64: the archive's objects are COFF; the program links (running it
/// would need wine).
#[test]
fn x86_64_windows_gnu() {
    c_archive_for(
        "x86_64-pc-windows-gnu",
        "gcc-mingw-w64-x86-64",
        BinaryFormat::Coff,
        Architecture::X86_64,
        Check::PeOnly,
    );
}

/// The refusal of a target, before anything is built or written.
fn refused(triple: &str, configure: impl FnOnce(&mut go_link_build::Build)) -> Option<String> {
    let goroot = host_goroot()?;
    let (scratch, dir) = copy_fixture("cffi");
    let mut b = builder(&goroot, &dir.join("calc"), &scratch.join("out"), &scratch.join("cache"));
    b.target(triple).runtime_links_check(false);
    configure(&mut b);
    let e = b.try_c_archive("calc").expect_err(triple).to_string();
    assert!(!scratch.join("out/go-link-build/lib").exists(), "{triple}: nothing may be written");
    Some(e)
}

/// MSVC: cgo needs a gcc-compatible compiler; the error names the
/// windows-gnu target and the sidecar mode.
#[test]
fn windows_msvc_is_a_clear_error() {
    let Some(e) = refused("x86_64-pc-windows-msvc", |_| {}) else { return };
    assert!(e.contains("x86_64-pc-windows-msvc") && e.contains("gcc-compatible"), "{e}");
    assert!(e.contains("x86_64-pc-windows-gnu") && e.contains("Build::binary"), "{e}");
}

/// musl: refused with the reason (golang/go#13492), the glibc target and the
/// sidecar mode, unless the user opts in; then the build goes on (here to the
/// missing C compiler it is given).
#[test]
fn musl_is_refused_unless_allowed() {
    let Some(e) = refused("aarch64-unknown-linux-musl", |_| {}) else { return };
    assert!(e.contains("golang/go#13492") && e.contains(".init_array"), "{e}");
    assert!(e.contains("aarch64-unknown-linux-gnu") && e.contains("Build::binary"), "{e}");
    assert!(e.contains("allow_musl_c_archive(true)"), "{e}");

    let Some(e) = refused("aarch64-unknown-linux-musl", |b| {
        b.allow_musl_c_archive(true).env("CC", "/nonexistent/aarch64-linux-musl-gcc");
    }) else {
        return;
    };
    assert!(!e.contains("13492"), "the opt-in must pass the musl check: {e}");
    assert!(e.contains("/nonexistent/aarch64-linux-musl-gcc") && e.contains("C compiler"), "{e}");
}

/// A port without -buildmode=c-archive (Android) says so and points to the
/// sidecar mode.
#[test]
fn port_without_c_archive_is_a_clear_error() {
    let Some(e) = refused("aarch64-linux-android", |_| {}) else { return };
    assert!(e.contains("android/arm64") && e.contains("c-archive") && e.contains("Build::binary"), "{e}");
}

/// A C archive for macOS from Linux: the host gcc cannot compile for Apple
/// targets, and the error says what is needed (Apple's clang and SDK, or a
/// cross toolchain through CC_<target>) instead of failing in runtime/cgo.
#[cfg(target_os = "linux")]
#[test]
fn darwin_without_an_apple_toolchain_is_a_clear_error() {
    let Some(e) = refused("aarch64-apple-darwin", |b| {
        b.env("CC", "gcc");
    }) else {
        return;
    };
    assert!(e.contains("aarch64-apple-darwin") && e.contains("cannot compile an empty C file"), "{e}");
    assert!(e.contains("-mmacosx-version-min="), "the deployment target reaches the compiler: {e}");
    assert!(e.contains("Apple's clang and SDK") && e.contains("CC_aarch64_apple_darwin"), "{e}");
}
