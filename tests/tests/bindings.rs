//! Rust bindings generated from the C archive's header (`Build::rust_bindings`):
//! every export of `fixtures/cffi/bind` called through the generated
//! declarations, and the layout of every generated type checked against the
//! C compiler's `sizeof`/`_Alignof` for the same header: on the host, and for
//! armv7 and aarch64 archives with programs built for those targets and run
//! under qemu-user (`.ci/run` installs the cross compilers, qemu and Rust's
//! standard library for both targets).

use std::ffi::{c_char, c_int, c_void, CStr};
use std::path::Path;
use std::process::Command;

use go_link_build_tests::*;

/// The declarations tests/build.rs had go-link-build generate for `libfx.a`.
#[allow(clippy::all)]
mod go {
    include!(env!("GO_LINK_BUILD_RS_FX"));
}

use go::*;

#[test]
fn every_go_type_crosses_the_boundary() {
    // SAFETY (whole test): arguments are plain values, or pointers and
    // borrowed Go views of Rust data that outlive each call.
    unsafe {
        assert_eq!(BindInts(-1, -2, -3, -4, 5, 6, 7, 8), 16);
        assert_eq!(BindWords(-1, 2, 3), 4, "GoInt and GoUint are pointer-wide");
        assert_eq!(BindFloats(1.5, 4.0), 6.0);
        let c = BindComplex(GoComplex64 { re: 1.0, im: 2.0 }, GoComplex128 { re: 3.0, im: -1.0 });
        assert_eq!(c, GoComplex128 { re: 5.0, im: 5.0 }, "(1+2i)(3-i)");
        assert_eq!(BindNot(0), 1);
        assert_eq!(BindNot(1), 0);

        let text = String::from("hello, go world");
        let r = BindStringLen(GoString::from_str(&text));
        assert_eq!((r.r0, r.r1), (15, 3), "bytes and 'o's of a borrowed GoString");
        let greeting = BindGreeting();
        assert_eq!(greeting.as_bytes(), b"hello from Go");

        let bytes = [1u8, 2, 3, 250];
        assert_eq!(BindSum(GoSlice::from_slice(&bytes)), 256);
        let mut squares = [0i32; 5];
        BindFill(GoSlice::from_mut_slice(&mut squares));
        assert_eq!(squares, [0, 1, 4, 9, 16], "Go wrote through a Rust slice");
        let view = GoSlice::from_slice(&squares);
        assert_eq!(view.as_slice::<i32>(), &squares);

        let nil = BindNilIface();
        assert!(nil.t.is_null() && nil.v.is_null());
        assert_eq!(BindIfaceIsNil(nil), 1);
        assert_eq!(BindMapLen(std::ptr::null_mut()), 0, "a nil map");
        assert_eq!(BindChanCap(std::ptr::null_mut()), 0, "a nil channel");

        let m = BindMulti(7, 3);
        assert_eq!((m.r0, m.r1, m.r2), (10, 4, 1), "sum, diff, ok");

        let before = BindCounter();
        BindNothing();
        BindNothing();
        assert_eq!(BindCounter(), before + 2);

        let mut p = struct_point { x: 2, y: 3 };
        BindMove(&mut p, 10);
        assert_eq!((p.x, p.y), (12, 13), "struct by pointer, void result");
        assert_eq!(BindArea(&mut p), 156);
        assert_eq!(BindPointSum(p), 25, "struct by value");
        assert_eq!(BindBoxed(boxed { v: 2.5, tag: 4 }), 10.0, "anonymous typedef struct by value");
        let mut u = union_num { i: 0x1234 };
        assert_eq!(BindUnionInt(&mut u), 0x1234);

        let s = b"hello, world";
        assert_eq!(BindCString(s.as_ptr() as *mut c_char, s.len()), 3, "char* and size_t");

        extern "C" fn mul(ctx: *mut c_void, a: c_int, b: c_int) -> c_int {
            // SAFETY: ctx is the &mut i32 passed below.
            unsafe { *(ctx as *mut i32) += 1 };
            a * b
        }
        let mut calls = 0i32;
        assert_eq!(BindBinop(Some(mul), &mut calls as *mut i32 as *mut c_void, 6, 7), 42);
        assert_eq!(calls, 1, "Go called the Rust callback once");

        extern "C" fn collect(ctx: *mut c_void, name: *const c_char, len: usize) {
            // SAFETY: ctx is the Vec below; name is a NUL-terminated C string of len bytes.
            let (names, name) = unsafe { (&mut *(ctx as *mut Vec<String>), CStr::from_ptr(name)) };
            assert_eq!(name.to_bytes().len(), len);
            names.push(name.to_string_lossy().into_owned());
        }
        let mut names: Vec<String> = Vec::new();
        BindVisit(Some(collect), &mut names as *mut Vec<String> as *mut c_void);
        assert_eq!(names, ["alpha", "beta", "gamma"]);
    }
}

/// The generated file's shape for the unmappable type: opaque struct, doc
/// comment, function left out (the build printed the warnings; the no-op
/// stamp replays them).
#[test]
fn unmappable_type_is_opaque_and_its_by_value_function_left_out() {
    let text = std::fs::read_to_string(env!("GO_LINK_BUILD_RS_FX")).unwrap();
    assert!(text.contains("/// Opaque: go-link-build cannot map the C type `struct flags` to Rust (it has bit-fields"));
    assert!(text.contains("pub fn BindFlagsMode(f: *mut struct_flags) -> ::core::ffi::c_uint;"));
    assert!(text.contains("// BindFlagsValue is left out: parameter `f`"));
    assert!(!text.contains("pub fn BindFlagsValue"));
    // The opaque type is usable behind a pointer: a C helper could hand one out.
    let _: Option<unsafe extern "C" fn(*mut struct_flags) -> u32> = Some(BindFlagsMode);
}

/// The types whose layout the C compiler and rustc must agree on, as C
/// spells them and as the generated Rust names them.
pub const LAYOUT_TYPES: &[(&str, &str)] = &[
    ("GoInt8", "GoInt8"),
    ("GoUint8", "GoUint8"),
    ("GoInt16", "GoInt16"),
    ("GoUint16", "GoUint16"),
    ("GoInt32", "GoInt32"),
    ("GoUint32", "GoUint32"),
    ("GoInt64", "GoInt64"),
    ("GoUint64", "GoUint64"),
    ("GoInt", "GoInt"),
    ("GoUint", "GoUint"),
    ("GoUintptr", "GoUintptr"),
    ("GoFloat32", "GoFloat32"),
    ("GoFloat64", "GoFloat64"),
    ("GoComplex64", "GoComplex64"),
    ("GoComplex128", "GoComplex128"),
    ("GoString", "GoString"),
    ("GoMap", "GoMap"),
    ("GoChan", "GoChan"),
    ("GoInterface", "GoInterface"),
    ("GoSlice", "GoSlice"),
    ("struct point", "struct_point"),
    ("point_t", "point_t"),
    ("boxed", "boxed"),
    ("union num", "union_num"),
    ("binop_fn", "binop_fn"),
    ("visit_fn", "visit_fn"),
    ("struct BindMulti_return", "BindMulti_return"),
    ("struct BindStringLen_return", "BindStringLen_return"),
];

/// `name size align` lines from a C program compiled against `header`.
pub fn c_layout_program(header: &Path) -> String {
    let mut src = format!("#include <stdio.h>\n#include \"{}\"\nint main(void) {{\n", header.display());
    for (c, _) in LAYOUT_TYPES {
        src.push_str(&format!("    printf(\"%s %zu %zu\\n\", \"{c}\", sizeof({c}), _Alignof({c}));\n"));
    }
    src.push_str("    return 0;\n}\n");
    src
}

#[test]
fn layouts_match_the_c_compiler_on_the_host() {
    macro_rules! rust_layouts {
        ($($t:ident),*) => {
            vec![$((stringify!($t), std::mem::size_of::<$t>(), std::mem::align_of::<$t>())),*]
        };
    }
    let rust = rust_layouts!(
        GoInt8,
        GoUint8,
        GoInt16,
        GoUint16,
        GoInt32,
        GoUint32,
        GoInt64,
        GoUint64,
        GoInt,
        GoUint,
        GoUintptr,
        GoFloat32,
        GoFloat64,
        GoComplex64,
        GoComplex128,
        GoString,
        GoMap,
        GoChan,
        GoInterface,
        GoSlice,
        struct_point,
        point_t,
        boxed,
        union_num,
        binop_fn,
        visit_fn,
        BindMulti_return,
        BindStringLen_return
    );
    let header = Path::new(env!("GO_LINK_BUILD_RS_FX")).with_extension("h");
    let scratch = Scratch::new("bindings-layout");
    let src = scratch.0.join("layout.c");
    std::fs::write(&src, c_layout_program(&header)).unwrap();
    let cc = cc::Build::new()
        .target(env!("GLB_TEST_HOST"))
        .host(env!("GLB_TEST_HOST"))
        .opt_level(0)
        .cargo_metadata(false)
        .try_get_compiler()
        .expect("a host C compiler");
    let exe = scratch.0.join("layout");
    // The preamble of fixtures/cffi/lib includes its helper.h.
    let include = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/cffi/lib");
    let out =
        Command::new(cc.path()).args(cc.args()).arg("-I").arg(&include).arg(&src).arg("-o").arg(&exe).output().unwrap();
    assert!(out.status.success(), "cc: {}", String::from_utf8_lossy(&out.stderr));
    let out = Command::new(&exe).output().unwrap();
    let c_lines: Vec<String> = String::from_utf8_lossy(&out.stdout).lines().map(String::from).collect();
    let rust_lines: Vec<String> = LAYOUT_TYPES
        .iter()
        .zip(&rust)
        .map(|((c, r), (name, size, align))| {
            assert_eq!(r, name, "LAYOUT_TYPES and the list above are in the same order");
            format!("{c} {size} {align}")
        })
        .collect();
    assert_eq!(rust_lines, c_lines, "Rust size/align (left) vs C sizeof/_Alignof (right)");
}

/// `name size align` lines from a Rust program that includes the generated
/// `bindings` (the same lines, in the same order, as [`c_layout_program`]'s).
pub fn rust_layout_program(bindings: &Path) -> String {
    let mut src =
        format!("#[allow(warnings, clippy::all)]\nmod go {{\n    include!({:?});\n}}\n\nfn main() {{\n", bindings);
    for (c, r) in LAYOUT_TYPES {
        src.push_str(&format!(
            "    println!(\"{{}} {{}} {{}}\", {c:?}, ::core::mem::size_of::<go::{r}>(), ::core::mem::align_of::<go::{r}>());\n"
        ));
    }
    src.push_str("}\n");
    src
}

/// The same action cache as `cross.rs` and `cross_c_archive.rs`, so each
/// target's cgo standard library is built once per machine.
fn cross_cache() -> std::path::PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("cross-cache")
}

/// The ABI check for a cross target: `libfx.a` built for `triple` with
/// generated bindings (from the header cgo wrote with the target's C
/// compiler), then two programs for the target, run under `qemu`: one in C,
/// compiled by that compiler against the header, printing `sizeof`/`_Alignof`
/// of every type in [`LAYOUT_TYPES`]; one in Rust, compiled by the rustc that
/// compiles these tests (the target's standard library installed, linked by
/// the same compiler), printing `size_of`/`align_of` of the generated types.
/// The two outputs must be equal line for line.
fn layouts_match_the_c_compiler_on(triple: &str, debian_package: &str, qemu: &str) {
    let Some(goroot) = host_goroot() else { return };
    let Some(cc) = cross_cc(triple, debian_package) else { return };
    if !tool_available(qemu, "qemu-user") || !rust_target_available(triple) {
        return;
    }
    let (scratch, dir) = copy_fixture("cffi");
    let mut b = builder(&goroot, &dir.join("lib"), &scratch.join("out"), &cross_cache());
    b.package(dir.join("calc")).package(dir.join("bind")).target(triple).runtime_links_check(false).rust_bindings(true);
    let art = b.try_c_archive("fx").unwrap_or_else(|e| panic!("C archive for {triple} failed:\n{e}"));
    let header = art.header().expect("a header");
    let bindings = art.rust_bindings().expect("generated bindings");
    let sysroot = qemu_sysroot(cc.path());
    let run = |exe: &Path| {
        let mut cmd = Command::new(qemu);
        if let Some(root) = &sysroot {
            cmd.arg("-L").arg(root);
        }
        let out = cmd.arg(exe).output().unwrap();
        assert!(
            out.status.success(),
            "{triple}: {} failed under {qemu}: {}",
            exe.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).lines().map(String::from).collect::<Vec<_>>()
    };

    let c_src = scratch.join("layout.c");
    std::fs::write(&c_src, c_layout_program(header)).unwrap();
    let c_exe = scratch.join("layout-c");
    let mut cmd = cc.to_command();
    // The preamble of fixtures/cffi/lib includes its helper.h.
    cmd.arg("-I").arg(dir.join("lib")).arg(&c_src).arg("-o").arg(&c_exe);
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{triple}: {cmd:?}:\n{}", String::from_utf8_lossy(&out.stderr));

    let rs_src = scratch.join("layout.rs");
    std::fs::write(&rs_src, rust_layout_program(bindings)).unwrap();
    let rs_exe = scratch.join("layout-rs");
    let mut cmd = Command::new(env!("GLB_TEST_RUSTC"));
    cmd.args(["--edition", "2021", "--target", triple, "-C", "opt-level=0"])
        .arg(format!("-Clinker={}", cc.path().display()))
        .arg(&rs_src)
        .arg("-o")
        .arg(&rs_exe);
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{triple}: {cmd:?}:\n{}", String::from_utf8_lossy(&out.stderr));

    let (c_lines, rust_lines) = (run(&c_exe), run(&rs_exe));
    assert_eq!(c_lines.len(), LAYOUT_TYPES.len(), "{triple}: the C program's output: {c_lines:?}");
    assert_eq!(rust_lines, c_lines, "{triple}: Rust size/align (left) vs C sizeof/_Alignof (right)");
}

#[test]
fn layouts_match_the_c_compiler_on_armv7() {
    layouts_match_the_c_compiler_on("armv7-unknown-linux-gnueabihf", "gcc-arm-linux-gnueabihf", "qemu-arm");
}

#[test]
fn layouts_match_the_c_compiler_on_aarch64() {
    layouts_match_the_c_compiler_on("aarch64-unknown-linux-gnu", "gcc-aarch64-linux-gnu", "qemu-aarch64");
}

/// The header `cgo -exportheader` writes for `fixtures/cffi/bind` with the Go
/// at `goroot`, for `goarch` (cgo runs the C compiler `cc` to learn the types).
fn cgo_header(goroot: &Path, goarch: &str, cc: &str, scratch: &Path) -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/cffi/bind");
    let objdir = scratch.join(format!("obj-{goarch}"));
    std::fs::create_dir_all(&objdir).unwrap();
    let header = objdir.join("bind.h");
    let out = Command::new(goroot.join("bin/go"))
        .args(["tool", "cgo", "-objdir"])
        .arg(&objdir)
        .arg(format!("-exportheader={}", header.display()))
        .args(["-importpath", "example.com/cffi/bind", "--", "bind.go"])
        .current_dir(&dir)
        .env("GOTOOLCHAIN", "local")
        .env("GOROOT", goroot)
        .env("GOARCH", goarch)
        .env("GOOS", "linux")
        .env("CGO_ENABLED", "1")
        .env("CC", cc)
        .env("GOCACHE", scratch.join("gocache"))
        .output()
        .unwrap();
    assert!(out.status.success(), "go tool cgo ({}): {}", goroot.display(), String::from_utf8_lossy(&out.stderr));
    std::fs::read_to_string(&header).unwrap()
}

/// Every export of fixtures/cffi/bind, with the one left out.
const BIND_EXPORTS: &[&str] = &[
    "BindInts",
    "BindWords",
    "BindFloats",
    "BindComplex",
    "BindNot",
    "BindStringLen",
    "BindGreeting",
    "BindSum",
    "BindFill",
    "BindIfaceIsNil",
    "BindNilIface",
    "BindMapLen",
    "BindChanCap",
    "BindMulti",
    "BindNothing",
    "BindCounter",
    "BindMove",
    "BindArea",
    "BindPointSum",
    "BindBoxed",
    "BindUnionInt",
    "BindCString",
    "BindBinop",
    "BindVisit",
    "BindFlagsMode",
];

fn check_generated(label: &str, text: &str, warnings: &[String], goint: &str) {
    for f in BIND_EXPORTS {
        assert!(text.contains(&format!("    pub fn {f}(")), "{label}: {f} not declared:\n{text}");
    }
    assert!(text.contains("// BindFlagsValue is left out"), "{label}:\n{text}");
    assert!(text.contains(&format!("pub type GoInt = {goint};")), "{label}:\n{text}");
    assert_eq!(warnings.len(), 2, "{label}: the opaque type and the left-out function: {warnings:?}");
}

/// A header from each Go release in the test matrix (the installed one and
/// those .ci/run fetches into the module cache) parses and yields the same
/// declarations; for arm (when its cross compiler is installed) GoInt is 32-bit.
#[test]
fn headers_of_every_go_release_parse() {
    let Some(host) = host_goroot() else { return };
    let scratch = Scratch::new("bindings-versions");
    let mut goroots = vec![("host".to_string(), host.clone())];
    goroots.extend(extra_goroots());
    println!("Go releases: {:?}", goroots.iter().map(|g| &g.0).collect::<Vec<_>>());
    let mut texts = Vec::new();
    for (version, goroot) in &goroots {
        let header = cgo_header(goroot, "amd64", "cc", &scratch.0.join(version));
        let (text, warnings) = go_link_build::test_hooks::generate_bindings(&header, true)
            .unwrap_or_else(|e| panic!("Go {version}: the header does not parse: {e}"));
        check_generated(&format!("Go {version} amd64"), &text, &warnings, "GoInt64");
        // Doc comments differ between releases (go.dev/issue/76697); the declarations do not.
        texts.push(text.lines().filter(|l| !l.trim_start().starts_with("///")).collect::<Vec<_>>().join("\n"));
    }
    for (t, (v, _)) in texts.iter().zip(&goroots) {
        assert_eq!(t, &texts[0], "Go {v} gives other declarations than Go {}", goroots[0].0);
    }
    if tool_available("arm-linux-gnueabihf-gcc", "gcc-arm-linux-gnueabihf") {
        let header = cgo_header(&host, "arm", "arm-linux-gnueabihf-gcc", &scratch.0.join("arm"));
        let (text, warnings) = go_link_build::test_hooks::generate_bindings(&header, true).unwrap();
        check_generated("host Go, arm", &text, &warnings, "GoInt32");
        assert!(text.contains("size_of::<*const u8>() * 8 == 32"));
    }
}
