//! C archives: Go functions called from Rust through the archive the build
//! script made, and archives compared with `go build -buildmode=c-archive`.

use std::ffi::{c_char, CStr, CString};
use std::process::Command;

use go_link_build_tests::*;

extern "C" {
    fn FxScale(x: i32) -> i32;
    fn FxUpper(s: *const c_char) -> *mut c_char;
    fn FxFree(p: *mut c_char);
    fn FxFib(n: i32) -> i64;
}

#[test]
fn rust_calls_go_in_the_archive() {
    // SAFETY: plain values; the string is valid for the call and freed once.
    unsafe {
        assert_eq!(FxScale(14), 42, "C helper compiled with #cgo CFLAGS -DSCALE=3");
        assert_eq!(FxFib(50), 12586269025, "from the second package of the same archive");
        let s = CString::new("go from rust").unwrap();
        let up = FxUpper(s.as_ptr());
        assert_eq!(CStr::from_ptr(up).to_str().unwrap(), "GO FROM RUST");
        FxFree(up);
    }
}

#[test]
fn many_rust_threads_call_go() {
    let handles: Vec<_> =
        (0..8).map(|t| std::thread::spawn(move || (0..500).map(|i| unsafe { FxScale(i + t) }).sum::<i32>())).collect();
    for (t, h) in handles.into_iter().enumerate() {
        let expect: i32 = (0..500).map(|i| (i + t as i32) * 3).sum();
        assert_eq!(h.join().unwrap(), expect);
    }
}

/// The same C program linked against our archive and against `go build
/// -buildmode=c-archive`'s prints the same thing.
#[test]
fn c_program_matches_go_build_archive() {
    let Some(goroot) = host_goroot() else { return };
    let (scratch, dir) = copy_fixture("cffi");
    let mut b = builder(&goroot, &dir.join("cmd/single"), &scratch.join("out"), &scratch.join("cache"));
    b.runtime_links_check(false);
    let ours = b.try_c_archive("single").unwrap_or_else(|e| panic!("{e}"));
    let header = ours.header().expect("a header");
    assert!(std::fs::read_to_string(header).unwrap().contains("FxDescribe"));

    let go_dir = scratch.join("go");
    std::fs::create_dir_all(&go_dir).unwrap();
    let cache = Scratch::new("gocache-carchive");
    let res = Command::new(goroot.join("bin/go"))
        .args(["build", "-trimpath", "-buildmode=c-archive", "-o"])
        .arg(go_dir.join("libsingle.a"))
        .arg("./cmd/single")
        .current_dir(&dir)
        .env("GOCACHE", &cache.0)
        .env("GOTOOLCHAIN", "local")
        .env("GOFLAGS", "")
        .output()
        .unwrap();
    assert!(res.status.success(), "{}", String::from_utf8_lossy(&res.stderr));

    let prog = "#include <stdio.h>\n#include <stdlib.h>\n#include \"libsingle.h\"\nint main(void) { char *s = FxDescribe(7); printf(\"%s\\n\", s); free(s); return 0; }\n";
    let mut outputs = Vec::new();
    for (name, lib, inc) in [
        ("ours", ours.path().to_path_buf(), header.parent().unwrap().to_path_buf()),
        ("go", go_dir.join("libsingle.a"), go_dir.clone()),
    ] {
        let src = scratch.join(format!("{name}.c"));
        std::fs::write(&src, prog).unwrap();
        // Our header is named after the archive (single.h); go's is libsingle.h.
        let hdr = inc.join("libsingle.h");
        if !hdr.exists() {
            std::fs::copy(inc.join("single.h"), &hdr).unwrap();
        }
        let exe = scratch.join(format!("{name}-prog"));
        let mut cc = Command::new("cc");
        cc.arg("-o").arg(&exe).arg(&src).arg("-I").arg(&inc).arg(&lib);
        cc.args(ours.link_flags());
        let out = cc.output().unwrap();
        assert!(out.status.success(), "{name}: {}", String::from_utf8_lossy(&out.stderr));
        outputs.push(run(&exe, &[]));
    }
    assert_eq!(outputs[0], "n=7 sq=49\n");
    assert_eq!(outputs[0], outputs[1]);
}

/// Position-independent code: the archive links into a Rust cdylib.
#[test]
fn archive_links_into_a_rust_cdylib() {
    let Some(goroot) = host_goroot() else { return };
    let (scratch, dir) = copy_fixture("cffi");
    let mut b = builder(&goroot, &dir.join("calc"), &scratch.join("out"), &scratch.join("cache"));
    b.runtime_links_check(false);
    let art = b.try_c_archive("calc").unwrap_or_else(|e| panic!("{e}"));
    let src = scratch.join("lib.rs");
    std::fs::write(&src, "extern \"C\" { fn FxFib(n: i32) -> i64; }\n#[no_mangle] pub extern \"C\" fn fib(n: i32) -> i64 { unsafe { FxFib(n) } }\n").unwrap();
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let mut cmd = Command::new(rustc);
    cmd.args(["--crate-type", "cdylib", "--edition", "2021", "-o"]).arg(scratch.join("libfib.so")).arg(&src);
    cmd.arg("-L").arg(art.path().parent().unwrap()).args(["-l", "static=calc"]);
    for f in art.link_flags() {
        if let Some(l) = f.strip_prefix("-l") {
            cmd.args(["-l", l]);
        }
    }
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "rustc cdylib: {}", String::from_utf8_lossy(&out.stderr));
}

fn c_error(pkg: &str, cgo: Option<bool>) -> String {
    let goroot = host_goroot().unwrap();
    let (scratch, dir) = copy_fixture("cerrors");
    let mut b = builder(&goroot, &dir.join(pkg), &scratch.join("out"), &scratch.join("cache"));
    b.runtime_links_check(false);
    match cgo {
        Some(on) => b.cgo(on).try_binary("x").expect_err("should fail").to_string(),
        None => b.try_c_archive("x").expect_err("should fail").to_string(),
    }
}

#[test]
fn disallowed_cgo_flag_is_a_clear_error() {
    if host_goroot().is_none() {
        return;
    }
    let msg = c_error("badflag", None);
    assert!(msg.contains("-fplugin=evil.so"), "{msg}");
    assert!(msg.contains("CGO_CFLAGS_ALLOW"), "{msg}");
}

#[test]
fn c_compile_error_shows_the_compiler_message() {
    if host_goroot().is_none() {
        return;
    }
    let msg = c_error("ccerror", None);
    assert!(msg.contains("# example.com/cerrors/ccerror"), "{msg}");
    assert!(msg.contains("not_declared"), "{msg}");
}

#[test]
fn import_c_with_cgo_disabled_says_so() {
    if host_goroot().is_none() {
        return;
    }
    let msg = c_error("nocgo", Some(false));
    assert!(msg.contains("cgo"), "{msg}");
}

#[test]
fn missing_c_compiler() {
    let Some(goroot) = host_goroot() else { return };
    let (scratch, dir) = copy_fixture("cffi");
    let mut b = builder(&goroot, &dir.join("calc"), &scratch.join("out"), &scratch.join("cache"));
    b.runtime_links_check(false).env("CC", "/nonexistent/bin/gcc");
    let msg = b.try_c_archive("calc").expect_err("no compiler").to_string();
    assert!(msg.contains("/nonexistent/bin/gcc"), "{msg}");
    assert!(msg.contains("C compiler"), "{msg}");
}

/// The one-runtime rule, part 1: a crate that builds a C archive must
/// declare `links = "go-runtime"`; go-link-build says so before building.
#[test]
fn c_archive_requires_the_links_key() {
    let Some(goroot) = host_goroot() else { return };
    let (scratch, dir) = copy_fixture("cffi");
    let mut b = builder(&goroot, &dir.join("calc"), &scratch.join("out"), &scratch.join("cache"));
    // As in a build script whose Cargo.toml lacks the key (this test process
    // has no CARGO_MANIFEST_LINKS).
    b.cargo_metadata(true);
    let msg = b.try_c_archive("calc").expect_err("the links key is required").to_string();
    assert!(msg.contains("links = \"go-runtime\""), "{msg}");
    assert!(msg.contains("golang/go#49256"), "{msg}");
}

/// The one-runtime rule, part 2: with the key, a program that would contain
/// two Go archives is refused by cargo when it resolves the graph, before
/// anything is built or linked.
#[test]
fn two_go_archives_in_one_program_fail_at_resolve_time() {
    let s = Scratch::new("two-runtimes");
    std::fs::write(s.join("Cargo.toml"), "[workspace]\nmembers = [\"a\", \"b\", \"app\"]\nresolver = \"2\"\n").unwrap();
    for (name, extra) in [("a", ""), ("b", ""), ("app", "a = { path = \"../a\" }\nb = { path = \"../b\" }\n")] {
        let dir = s.join(name);
        std::fs::create_dir_all(dir.join("src")).unwrap();
        let links = if name == "app" { "" } else { "links = \"go-runtime\"\n" };
        std::fs::write(
            dir.join("Cargo.toml"),
            format!("[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n{links}\n[dependencies]\n{extra}"),
        )
        .unwrap();
        std::fs::write(dir.join("src/lib.rs"), "").unwrap();
        std::fs::write(dir.join("build.rs"), "fn main() {}\n").unwrap();
    }
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let out = Command::new(cargo)
        .args(["metadata", "--offline", "--format-version", "1"])
        .current_dir(&s.0)
        .output()
        .unwrap();
    assert!(!out.status.success(), "cargo accepted two go-runtime crates");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("links=go-runtime") || err.contains("links = \"go-runtime\""), "{err}");
}

/// A C archive rebuild with nothing changed runs no tool, like a program's.
#[test]
fn c_archive_no_op_rebuild_runs_no_tool() {
    let Some(goroot) = host_goroot() else { return };
    let (scratch, dir) = copy_fixture("cffi");
    let mut b = builder(&goroot, &dir.join("lib"), &scratch.join("out"), &scratch.join("cache"));
    b.package(dir.join("calc")).runtime_links_check(false);
    let first = b.try_c_archive("fx").unwrap_or_else(|e| panic!("{e}"));
    assert!(!first.was_up_to_date());
    let second = b.try_c_archive("fx").unwrap();
    assert!(second.was_up_to_date(), "the second build should be a no-op");
    assert_eq!(second.link_flags(), first.link_flags(), "link flags survive a no-op");
    assert!(second.header().is_some_and(|h| h.is_file()));
}

/// Packages that import nothing still make a C archive: the generated main
/// links `runtime` (and, on arm, `math`) as cmd/go's `load.LinkerDeps` adds
/// them to every program. Before, an archive of only import-less packages
/// failed with "the package graph has no runtime package". Both archives
/// link into a C program that runs; the //export one is called from C.
#[test]
fn import_less_packages_make_a_c_archive() {
    let Some(goroot) = host_goroot() else { return };
    let s = Scratch::new("importless");
    let m = s.join("m");
    for (dir, src) in [
        ("plain", "// Package plain imports nothing at all.\npackage plain\n\nfunc Add(a, b int) int { return a + b }\n"),
        (
            "exp",
            "// Package exp imports only \"C\".\npackage exp\n\nimport \"C\"\n\n//export ExpTwice\nfunc ExpTwice(x C.int) C.int { return 2 * x }\n",
        ),
    ] {
        std::fs::create_dir_all(m.join(dir)).unwrap();
        std::fs::write(m.join(dir).join(format!("{dir}.go")), src).unwrap();
    }
    std::fs::write(m.join("go.mod"), "module example.com/m\n\ngo 1.21\n").unwrap();
    let cache = s.join("cache");
    for (pkgs, call) in
        [(&["plain"][..], "return 0;"), (&["plain", "exp"][..], "printf(\"%d\\n\", ExpTwice(21)); return 0;")]
    {
        let name = pkgs.join("_");
        let mut b = builder(&goroot, &m.join(pkgs[0]), &s.join(format!("out-{name}")), &cache);
        for p in &pkgs[1..] {
            b.package(m.join(p));
        }
        b.runtime_links_check(false);
        let art = b.try_c_archive(&name).unwrap_or_else(|e| panic!("{name}: {e}"));
        let header = art.header().expect("a header");
        let src = s.join(format!("{name}.c"));
        let include = format!("#include <stdio.h>\n#include \"{}\"\n", header.display());
        std::fs::write(&src, format!("{include}int main(void) {{ {call} }}\n")).unwrap();
        let exe = s.join(format!("{name}-prog"));
        let mut cc = Command::new("cc");
        cc.arg("-o").arg(&exe).arg(&src).arg(art.path()).args(art.link_flags());
        let out = cc.output().unwrap();
        assert!(out.status.success(), "{name}: {}", String::from_utf8_lossy(&out.stderr));
        let expect = if pkgs.len() == 2 { "42\n" } else { "" };
        assert_eq!(run(&exe, &[]), expect, "{name}");
    }
}
