//! A catalogue of bad inputs (issue 10): for each, the exact first line of
//! go-link-build's error, that nothing was written into the source tree or
//! beside the output and cache dirs, and, for the cases marked `go`, that
//! `go build` refuses the same input with the same message (the go command
//! is the oracle; it names files relatively).
//!
//! `catalogue` covers go.mod and go.work; `other_inputs` the other kinds of
//! input (Go source directives, cgo lines, go.sum, vendor/modules.txt,
//! module zips, settings, the toolchain) through the library
//! (`try_binary`, `try_c_archive`) and the command line (exit status 1, the
//! message on stderr). All but one case fail before any compile (the one
//! compile error uses the shared warmed cache), so both take seconds.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use go_link_build_tests::{builder, cli_binary, go_command, host_goroot, shared_cache, Scratch};

/// (name, files, expected first line with `{dir}` for the module directory,
/// whether `go build` prints the same line for the same files).
type Case = (&'static str, &'static [(&'static str, &'static str)], &'static str, bool);

const MAIN: (&str, &str) = ("main.go", "package main\n\nfunc main() {}\n");
const M: &str = "module example.com/m\n";

#[rustfmt::skip]
const CASES: &[Case] = &[
    ("unknown directive", &[("go.mod", "module example.com/m\nfrobnicate y\n"), MAIN], "{dir}/go.mod:2: unknown directive: frobnicate", true),
    ("repeated go", &[("go.mod", "module example.com/m\ngo 1.21\ngo 1.22\n"), MAIN], "{dir}/go.mod:3: repeated go statement", true),
    ("repeated module", &[("go.mod", "module example.com/m\nmodule example.com/n\n"), MAIN], "{dir}/go.mod:2: repeated module statement", true),
    ("repeated toolchain", &[("go.mod", "module example.com/m\ntoolchain go1.21.0\ntoolchain go1.21.1\n"), MAIN], "{dir}/go.mod:3: repeated toolchain statement", true),
    ("go line without minor", &[("go.mod", "module example.com/m\ngo 1\n"), MAIN], "{dir}/go.mod:2: invalid go version '1': must match format 1.23.0", true),
    ("go line with junk", &[("go.mod", "module example.com/m\ngo 1.21.x\n"), MAIN], "{dir}/go.mod:2: invalid go version '1.21.x': must match format 1.23.0", true),
    ("go line two args", &[("go.mod", "module example.com/m\ngo 1.21 1.22\n"), MAIN], "{dir}/go.mod:2: go directive expects exactly one argument", true),
    ("toolchain bad", &[("go.mod", "module example.com/m\ngo 1.21\ntoolchain 1.21\n"), MAIN], "{dir}/go.mod:3: invalid toolchain version '1.21': must match format go1.23.0 or default", true),
    ("module usage", &[("go.mod", "module\n"), MAIN], "{dir}/go.mod:1: usage: module module/path", true),
    ("module trailing slash", &[("go.mod", "module example.com/\n"), MAIN], "{dir}/go.mod:1: malformed module path \"example.com/\": trailing slash", false),
    ("module with =", &[("go.mod", "module example.com/a=b\n"), MAIN], "{dir}/go.mod:1: malformed module path \"example.com/a=b\": invalid char '='", false),
    ("module with tab", &[("go.mod", "module \"example.com/a\\tb\"\n"), MAIN], "{dir}/go.mod:1: malformed module path \"example.com/a\\tb\": invalid char '\\t'", false),
    ("module reserved", &[("go.mod", "module go\n"), MAIN], "{dir}/go.mod:1: invalid module path \"go\": reserved", false),
    ("module single quotes", &[("go.mod", "module 'm'\n"), MAIN], "{dir}/go.mod:1: invalid quoted string: unquoted string cannot contain quote", true),
    ("module bad escape", &[("go.mod", "module \"a\\qb\"\n"), MAIN], "{dir}/go.mod:1: invalid quoted string: invalid syntax", true),
    ("missing module", &[("go.mod", "go 1.21\n"), MAIN], "{dir}/go.mod: missing module declaration: add a line such as `module example.com/name` at the top (go mod edit -module=example.com/name)", false),
    ("block comment", &[("go.mod", "module example.com/m /* c */\n"), MAIN], "{dir}/go.mod:1:22: mod files must use // comments (not /* */ comments)", true),
    ("newline in string", &[("go.mod", "module \"example.com/m\n"), MAIN], "{dir}/go.mod:1:22: unexpected newline in string", true),
    ("control character", &[("go.mod", "module example.com/m\n\u{1}\n"), MAIN], "{dir}/go.mod:2: unexpected input character '\\x01'", true),
    ("unterminated block", &[("go.mod", "module example.com/m\nrequire (\n"), MAIN], "{dir}/go.mod:3: syntax error (unterminated block started at {dir}/go.mod:2:1)", false),
    ("junk after paren", &[("go.mod", "module example.com/m\nrequire (\n) x\n"), MAIN], "{dir}/go.mod:3:4: syntax error (expected newline after closing paren)", true),
    ("unknown block", &[("go.mod", "module example.com/m\nfoo (\n)\n"), MAIN], "{dir}/go.mod:2: unknown block type: foo", true),
    ("require usage", &[("go.mod", "module example.com/m\nrequire example.com/a\n"), MAIN], "{dir}/go.mod:2: usage: require module/path v1.2.3", true),
    ("require in block usage", &[("go.mod", "module example.com/m\nrequire (\n\texample.com/a v1.0.0 x\n)\n"), MAIN], "{dir}/go.mod:3:2: usage: require module/path v1.2.3", true),
    ("require bad version", &[("go.mod", "module example.com/m\nrequire example.com/a 1.0.0\n"), MAIN], "{dir}/go.mod:2: require example.com/a: version \"1.0.0\" invalid: must be of the form v1.2.3; go-link-build does not look up queries like this (it works offline): write the version `go mod tidy` selects", false),
    ("require wrong major", &[("go.mod", "module example.com/m\nrequire example.com/a/v2 v1.0.0\n"), MAIN], "{dir}/go.mod:2: require example.com/a/v2: version \"v1.0.0\" invalid: should be v2, not v1", true),
    ("require v2 without suffix", &[("go.mod", "module example.com/m\nrequire example.com/a v2.0.0\n"), MAIN], "{dir}/go.mod:2: require example.com/a: version \"v2.0.0\" invalid: should be v0 or v1, not v2", true),
    ("exclude usage", &[("go.mod", "module example.com/m\nexclude example.com/a\n"), MAIN], "{dir}/go.mod:2: usage: exclude module/path v1.2.3", true),
    ("replace usage", &[("go.mod", "module example.com/m\nreplace example.com/a\n"), MAIN], "{dir}/go.mod:2: usage: replace module/path [v1.2.3] => other/module v1.4", true),
    ("replace module without version", &[("go.mod", "module example.com/m\nreplace example.com/a => example.com/b\n"), MAIN], "{dir}/go.mod:2: replacement module without version must be directory path (rooted or starting with . or ..)", true),
    ("replace path@version", &[("go.mod", "module example.com/m\nreplace example.com/a => example.com/b@v1.0.0\n"), MAIN], "{dir}/go.mod:2: replacement module must match format 'path version', not 'path@version'", true),
    ("replace dir with version", &[("go.mod", "module example.com/m\nreplace example.com/a => ./b v1.0.0\n"), MAIN], "{dir}/go.mod:2: replacement module directory path \"./b\" cannot have version", true),
    ("replace windows path", &[("go.mod", "module example.com/m\nreplace example.com/a => .\\b\n"), MAIN], "{dir}/go.mod:2: replacement directory appears to be Windows path (on a non-windows system)", true),
    ("godebug usage", &[("go.mod", "module example.com/m\ngodebug x\n"), MAIN], "{dir}/go.mod:2: usage: godebug key=value", true),
    ("retract empty", &[("go.mod", "module example.com/m\nretract\n"), MAIN], "{dir}/go.mod:2: expected '[' or version", true),
    ("retract interval", &[("go.mod", "module example.com/m\nretract [v1.0.0 v1.1.0]\n"), MAIN], "{dir}/go.mod:2: expected ',' after version", true),
    ("tool usage", &[("go.mod", "module example.com/m\ntool a b\n"), MAIN], "{dir}/go.mod:2: tool directive expects exactly one argument", true),
    ("go line too new", &[("go.mod", "module example.com/m\ngo 1.99\n"), MAIN], "{dir}/go.mod requires go >= 1.99 (running go {gover}; GOTOOLCHAIN=local)", false),
    ("work go line", &[("go.work", "go 1/.22\nuse .\n"), ("go.mod", M), MAIN], "{dir}/go.work:1: invalid go version '1/.22': must match format 1.23.0", false),
    ("work unknown", &[("go.work", "go 1.22\nuse .\nfoo\n"), ("go.mod", M), MAIN], "{dir}/go.work:3: unknown directive: foo", false),
    ("work repeated go", &[("go.work", "go 1.22\ngo 1.23\nuse .\n"), ("go.mod", M), MAIN], "{dir}/go.work:2: repeated go statement", false),
    ("work use usage", &[("go.work", "go 1.22\nuse\n"), ("go.mod", M), MAIN], "{dir}/go.work:2: usage: use local/dir", false),
];

/// Every file below `dir` with its content, to compare before and after.
fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.insert(p.clone(), std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

#[test]
fn catalogue() {
    let Some(goroot) = host_goroot() else { return };
    let version = std::fs::read_to_string(goroot.join("VERSION")).unwrap();
    let gover = version.lines().next().unwrap().trim_start_matches("go").to_string();
    assert!(CASES.len() >= 40, "{} cases", CASES.len());
    let mut failures = Vec::new();
    let mut compared = 0;
    for (name, files, want, go_too) in CASES {
        let s = Scratch::new("bad-input");
        let dir = s.join("m");
        std::fs::create_dir_all(&dir).unwrap();
        for (f, text) in *files {
            std::fs::write(dir.join(f), text).unwrap();
        }
        let before = tree(&dir);
        let mut b = builder(&goroot, &dir, &s.join("out"), &s.join("cache"));
        let uses_work = files.iter().any(|(f, _)| *f == "go.work");
        b.env("GOWORK", if uses_work { "" } else { "off" }).env("GOFLAGS", "-mod=mod").env("GOENV", "off");
        let err = match b.try_binary("m") {
            Ok(_) => {
                failures.push(format!("{name}: built"));
                continue;
            }
            Err(e) => e.to_string(),
        };
        let first = err.lines().next().unwrap_or("").to_string();
        let want = want.replace("{dir}", &dir.display().to_string()).replace("{gover}", &gover);
        if first != want {
            failures.push(format!("{name}:\n   got {first:?}\n  want {want:?}"));
        }
        assert_eq!(tree(&dir), before, "{name}: the source tree changed");
        let written: Vec<_> = std::fs::read_dir(&s.0).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert!(written.iter().all(|n| n == "m" || n == "out" || n == "cache"), "{name}: wrote {written:?}");
        if *go_too {
            compared += 1;
            let out = go_command(&goroot)
                .args(["build", "-o", "/dev/null", "."])
                .current_dir(&dir)
                .env("GOWORK", "off")
                .env("GOPROXY", "off")
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
            // Ours names the file by absolute path; go by a relative one.
            let gist = first.replace(&format!("{}/", dir.display()), "");
            if out.status.success() || !stderr.lines().any(|l| l == gist) {
                failures.push(format!("{name}: go build says {stderr:?}, we say {gist:?}"));
            }
        }
    }
    assert!(failures.is_empty(), "{} of {} cases:\n{}", failures.len(), CASES.len(), failures.join("\n"));
    assert!(compared >= 12, "{compared} compared with go build");
}

/// How a case of [`OTHER`] is built.
#[derive(Clone, Copy)]
enum How {
    /// `try_binary`.
    Binary,
    /// `try_binary` with `Build::cgo(true)` (and `CGO_ENABLED=1` for go build).
    Cgo,
    /// `try_binary` into the shared warmed cache: a case that compiles.
    Compiles,
    /// `try_binary` with `Build::target`.
    Target(&'static str),
    /// `try_c_archive` with `Build::target`.
    ArchiveTarget(&'static str),
    /// `try_binary` with `Build::goroot` (`{s}` is the scratch dir).
    Goroot(&'static str),
    /// The `go-link-build build` command with these arguments, run in the
    /// package directory; `--cache` and `-o` point into the scratch dir
    /// unless the arguments give their own `-o`.
    Cli(&'static [&'static str]),
}

/// One bad input besides go.mod/go.work.
struct Other {
    name: &'static str,
    /// Files relative to the scratch dir; the package is `m`, a module
    /// cache `mc` (GOMODCACHE), a proxy `proxy`.
    files: &'static [(&'static str, &'static str)],
    how: How,
    /// Extra environment (the builder's `env` setter, the CLI's process
    /// environment, go build's); `{s}` is the scratch dir.
    env: &'static [(&'static str, &'static str)],
    /// The exact start of our error's first line (`{s}` scratch, `{dir}` the package).
    want: &'static str,
    /// When go build refuses the same input: a part of its message that ours
    /// must contain too (`{dir}` for the package dir).
    go: Option<&'static str>,
}

const GOMOD: (&str, &str) = ("m/go.mod", "module example.com/m\n\ngo 1.21\n");
const MAIN_GO: (&str, &str) = ("m/main.go", "package main\n\nfunc main() {}\n");
const DEP_GOMOD: (&str, &str) = ("m/go.mod", "module example.com/m\n\ngo 1.21\n\nrequire example.com/dep v1.0.0\n");
const DEP_MAIN: (&str, &str) = ("m/main.go", "package main\n\nimport \"example.com/dep\"\n\nfunc main() { dep.X() }\n");
const DEP_TREE: [(&str, &str); 2] = [
    ("mc/example.com/dep@v1.0.0/go.mod", "module example.com/dep\ngo 1.21\n"),
    ("mc/example.com/dep@v1.0.0/dep.go", "package dep\n\nfunc X() {}\n"),
];
/// go.sum lines for [`DEP_TREE`] (dirhash `h1:` of the tree and of its go.mod).
const DEP_SUM: (&str, &str) = (
    "m/go.sum",
    "example.com/dep v1.0.0 h1:a3lYDOetAXhdgVyHdCgIWARpRAXyN2CQmKY/HSc69m8=\nexample.com/dep v1.0.0/go.mod h1:MDlrTb2k1AHqLoJAEwAJA/H5F471Ow1SEkry/VLBDG0=\n",
);
const MC: (&str, &str) = ("GOMODCACHE", "{s}/mc");

macro_rules! files {
    ($($f:expr),* $(,)?) => { &[$($f),*] };
}

#[rustfmt::skip]
const OTHER: &[Other] = &[
    // Go source: build constraints, directives, imports, package clauses.
    Other { name: "bad //go:build", files: files![GOMOD, ("m/main.go", "//go:build linux &&\n\npackage main\n\nfunc main() {}\n")], how: How::Binary, env: &[],
        want: "loading package example.com/m: {dir}/main.go: parsing //go:build line: unexpected end of expression", go: Some("main.go: parsing //go:build line: unexpected end of expression") },
    Other { name: "embed no match", files: files![GOMOD, ("m/main.go", "package main\n\nimport _ \"embed\"\n\n//go:embed missing.txt\nvar s string\n\nfunc main() {}\n")], how: How::Binary, env: &[],
        want: "loading package example.com/m: {dir}/main.go:5:12: pattern missing.txt: no matching files found", go: Some("main.go:5:12: pattern missing.txt: no matching files found") },
    Other { name: "embed outside module", files: files![GOMOD, ("m/main.go", "package main\n\nimport _ \"embed\"\n\n//go:embed ../x.txt\nvar s string\n\nfunc main() {}\n"), ("x.txt", "x")], how: How::Binary, env: &[],
        want: "loading package example.com/m: {dir}/main.go:5:12: pattern ../x.txt: invalid pattern syntax", go: Some("main.go:5:12: pattern ../x.txt: invalid pattern syntax") },
    Other { name: "go:debug without value", files: files![GOMOD, ("m/main.go", "//go:debug panicnil\n\npackage main\n\nfunc main() {}\n")], how: How::Binary, env: &[],
        want: "loading package example.com/m: {dir}/main.go:1:1: invalid //go:debug: missing key=value", go: Some("main.go:1:1: invalid //go:debug: missing key=value") },
    Other { name: "go:debug unknown", files: files![GOMOD, ("m/main.go", "//go:debug nosuchsetting=1\n\npackage main\n\nfunc main() {}\n")], how: How::Binary, env: &[],
        want: "loading package example.com/m: {dir}/main.go:1:1: invalid //go:debug: unknown //go:debug setting \"nosuchsetting\"", go: Some("main.go:1:1: invalid //go:debug: unknown //go:debug setting \"nosuchsetting\"") },
    Other { name: "go:debug unknown in an imported package", files: files![GOMOD, ("m/main.go", "package main\n\nimport _ \"example.com/m/p\"\n\nfunc main() {}\n"),
            ("m/p/p.go", "// Package p.\n//go:debug nosuchsetting=1\npackage p\n")], how: How::Binary, env: &[],
        want: "loading package example.com/m/p: {dir}/p/p.go:2:1: invalid //go:debug: unknown //go:debug setting \"nosuchsetting\"", go: Some("p.go:2:1: invalid //go:debug: unknown //go:debug setting \"nosuchsetting\"") },
    Other { name: "go.mod godebug unknown", files: files![("m/go.mod", "module example.com/m\n\ngo 1.21\n\ngodebug (\n\tpanicnil=1\n\tnosuchsetting=1\n)\n"), MAIN_GO], how: How::Binary, env: &[],
        want: "{dir}/go.mod:7: unknown godebug \"nosuchsetting\"", go: Some("go.mod:7: unknown godebug \"nosuchsetting\"") },
    Other { name: "go.work godebug unknown", files: files![GOMOD, MAIN_GO, ("m/go.work", "go 1.22\n\nuse .\n\ngodebug nosuch=1\n")], how: How::Binary, env: &[("GOWORK", ""), ("GOFLAGS", "-buildvcs=false")],
        want: "{dir}/go.work:5: unknown godebug \"nosuch\"", go: Some("go.work:5: unknown godebug \"nosuch\"") },
    Other { name: "unterminated import", files: files![GOMOD, ("m/main.go", "package main\n\nimport \"fmt\n\nfunc main() {}\n")], how: How::Binary, env: &[],
        want: "loading package example.com/m: {dir}/main.go:3:8: string literal not terminated", go: Some("main.go:3:8: string literal not terminated") },
    Other { name: "two packages", files: files![GOMOD, MAIN_GO, ("m/b.go", "package other\n")], how: How::Binary, env: &[],
        want: "loading package example.com/m: found packages other (b.go) and main (main.go) in {dir}: every non-test Go file of a directory must have the same package clause", go: Some("found packages other (b.go) and main (main.go) in {dir}") },
    Other { name: "no Go files", files: files![GOMOD, ("m/README", "")], how: How::Binary, env: &[],
        want: "loading package example.com/m: no Go files in {dir}", go: Some("no Go files in {dir}") },
    Other { name: "not a main package", files: files![GOMOD, ("m/lib.go", "package lib\n")], how: How::Binary, env: &[],
        want: "{dir} is package lib, not a main package: Build::binary links a `package main` with a `func main`", go: None },
    Other { name: "import cycle", files: files![GOMOD,
            ("m/main.go", "package main\n\nimport \"example.com/m/a\"\n\nfunc main() { a.A() }\n"),
            ("m/a/a.go", "package a\n\nimport \"example.com/m/b\"\n\nfunc A() { b.B() }\n"),
            ("m/b/b.go", "package b\n\nimport \"example.com/m/a\"\n\nfunc B() { a.A() }\n")], how: How::Binary, env: &[],
        want: "import cycle not allowed: example.com/m/a", go: Some("import cycle not allowed") },
    Other { name: "internal of another tree", files: files![GOMOD,
            ("m/main.go", "package main\n\nimport \"example.com/m/x/internal/y\"\n\nfunc main() { y.Y() }\n"),
            ("m/x/internal/y/y.go", "package y\n\nfunc Y() {}\n")], how: How::Binary, env: &[],
        want: "{dir}/main.go:3: use of internal package example.com/m/x/internal/y not allowed: only packages under example.com/m/x may import it, and example.com/m is not one", go: Some("use of internal package example.com/m/x/internal/y not allowed") },
    Other { name: "internal of std", files: files![GOMOD, ("m/main.go", "package main\n\nimport \"internal/abi\"\n\nfunc main() { _ = abi.FuncPCABI0 }\n")], how: How::Binary, env: &[],
        want: "{dir}/main.go:3: use of internal package internal/abi not allowed: only packages of the standard library may import it, and example.com/m is not one", go: Some("use of internal package internal/abi not allowed") },
    Other { name: "missing package of the main module", files: files![GOMOD, ("m/main.go", "package main\n\nimport \"example.com/m/nope\"\n\nfunc main() { nope.X() }\n")], how: How::Binary, env: &[],
        want: "cannot resolve 1 import:", go: Some("example.com/m/nope") },
    Other { name: "compile error", files: files![GOMOD, ("m/main.go", "package main\n\nfunc main() { undefinedThing() }\n")], how: How::Compiles, env: &[],
        want: "# example.com/m", go: Some("main.go:3:15: undefined: undefinedThing") },
    // cgo: #cgo lines and flags (checked before any C compiler runs).
    Other { name: "#cgo CFLAGS not allowed", files: files![GOMOD, ("m/main.go", "package main\n\n// #cgo CFLAGS: -fplugin=evil.so\nimport \"C\"\n\nfunc main() {}\n")], how: How::Cgo, env: &[],
        want: "# example.com/m: main.go:3: invalid flag in #cgo CFLAGS: -fplugin=evil.so (see https://go.dev/s/invalidflag)", go: Some("invalid flag in #cgo CFLAGS: -fplugin=evil.so") },
    Other { name: "#cgo LDFLAGS not allowed", files: files![GOMOD, ("m/main.go", "package main\n\n// #cgo LDFLAGS: -Wl,--plugin=x\nimport \"C\"\n\nfunc main() {}\n")], how: How::Cgo, env: &[],
        want: "# example.com/m: main.go:3: invalid flag in #cgo LDFLAGS: -Wl,--plugin=x (see https://go.dev/s/invalidflag)", go: Some("invalid flag in #cgo LDFLAGS: -Wl,--plugin=x") },
    Other { name: "#cgo line syntax", files: files![GOMOD, ("m/main.go", "package main\n\n// #cgo linux CFLAGS -O2\nimport \"C\"\n\nfunc main() {}\n")], how: How::Cgo, env: &[],
        want: "# example.com/m: main.go:3: invalid #cgo line: #cgo linux CFLAGS -O2", go: Some("invalid #cgo line: #cgo linux CFLAGS -O2") },
    Other { name: "pkg-config package name", files: files![GOMOD, ("m/main.go", "package main\n\n// #cgo pkg-config: -lfoo\nimport \"C\"\n\nfunc main() {}\n")], how: How::Cgo, env: &[],
        want: "# example.com/m: invalid pkg-config package name: -lfoo", go: Some("invalid pkg-config package name: -lfoo") },
    // getPkgConfigFlags's report: the package, then the command as cmdError shows it (`--` before the names);
    // only PKG_CONFIG's first word runs (Builder.PkgconfigCmd).
    Other { name: "pkg-config package missing", files: files![GOMOD, ("m/main.go", "package main\n\n// #cgo pkg-config: nosuchpkg\nimport \"C\"\n\nfunc main() {}\n")], how: How::Cgo, env: &[("PKG_CONFIG_PATH", "{s}"), ("PKG_CONFIG", "pkg-config --static")],
        want: "# example.com/m", go: Some("# example.com/m\n# [pkg-config --cflags  -- nosuchpkg]\nPackage nosuchpkg was not found in the pkg-config search path.") },
    // Modules: go.sum, the module cache, vendor/, zips, replacements, workspaces.
    Other { name: "missing go.sum entry", files: files![DEP_GOMOD, DEP_MAIN, DEP_TREE[0], DEP_TREE[1]], how: How::Binary, env: &[MC],
        want: "missing go.sum entry for module example.com/dep@v1.0.0: go-link-build verifies every module against go.sum; run `go mod download example.com/dep` (or `go mod tidy`) on a machine with network access and commit go.sum", go: None },
    Other { name: "go.sum mismatch", files: files![DEP_GOMOD, DEP_MAIN, DEP_TREE[0], DEP_TREE[1],
            ("m/go.sum", "example.com/dep v1.0.0 h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n")], how: How::Binary, env: &[MC],
        want: "verifying example.com/dep@v1.0.0: checksum mismatch", go: None },
    Other { name: "malformed go.sum", files: files![DEP_GOMOD, DEP_MAIN, DEP_TREE[0], DEP_TREE[1], ("m/go.sum", "example.com/dep\n")], how: How::Binary, env: &[MC],
        want: "malformed go.sum:", go: None },
    Other { name: "module not on disk", files: files![DEP_GOMOD, DEP_MAIN], how: How::Binary, env: &[MC],
        want: "cannot resolve 1 import:", go: Some("example.com/dep") },
    Other { name: "dependency declares another path", files: files![DEP_GOMOD, DEP_MAIN,
            ("m/go.sum", "example.com/dep v1.0.0 h1:60z6346xfsKXyHwUX+Zaipfmo7KyYPB/LfQeCX77nHk=\n"),
            ("mc/example.com/dep@v1.0.0/go.mod", "module example.com/other\ngo 1.21\n"), DEP_TREE[1]], how: How::Binary, env: &[MC],
        want: "example.com/dep@v1.0.0: parsing go.mod:", go: None },
    Other { name: "dependency's go line too new", files: files![DEP_GOMOD, DEP_MAIN,
            ("m/go.sum", "example.com/dep v1.0.0 h1:JZITR7mvOH56NMKTR9EgSG/ydy/w0qg0hvkzHPxHROs=\nexample.com/dep v1.0.0/go.mod h1:aoBQn6QGCr8jo/IDiBNfS/lE9/P+EyLEJ+3QWUy6PFU=\n"),
            ("mc/cache/download/example.com/dep/@v/v1.0.0.mod", "module example.com/dep\ngo 1.99\n"),
            ("mc/cache/download/example.com/dep/@v/v1.0.0.ziphash", "h1:JZITR7mvOH56NMKTR9EgSG/ydy/w0qg0hvkzHPxHROs="),
            ("mc/cache/download/example.com/dep/@v/v1.0.0.info", "{\"Version\":\"v1.0.0\"}"),
            ("mc/example.com/dep@v1.0.0/go.mod", "module example.com/dep\ngo 1.99\n"), DEP_TREE[1]], how: How::Binary, env: &[MC],
        want: "example.com/dep@v1.0.0 requires go >= 1.99 (running go {gover}; GOTOOLCHAIN=local)",
        go: Some("example.com/dep@v1.0.0 requires go >= 1.99 (running go {gover}; GOTOOLCHAIN=local)") },
    Other { name: "replacement's go line too new", files: files![
            ("m/go.mod", "module example.com/m\n\ngo 1.21\n\nrequire example.com/dep v1.0.0\n\nreplace example.com/dep => ../dep\n"), DEP_MAIN,
            ("dep/go.mod", "module example.com/dep\n\ngo 1.99\n"), ("dep/dep.go", "package dep\n\nfunc X() {}\n")], how: How::Binary, env: &[],
        want: "module ../dep requires go >= 1.99 (running go {gover}; GOTOOLCHAIN=local)",
        go: Some("module ../dep requires go >= 1.99 (running go {gover}; GOTOOLCHAIN=local)") },
    Other { name: "vendored go line too new", files: files![DEP_GOMOD, DEP_MAIN, ("m/vendor/example.com/dep/dep.go", "package dep\n\nfunc X() {}\n"),
            ("m/vendor/modules.txt", "# example.com/dep v1.0.0\n## explicit; go 1.99\nexample.com/dep\n")], how: How::Binary, env: &[("GOFLAGS", "-mod=vendor")],
        want: "example.com/dep in {dir}/vendor/modules.txt requires go >= 1.99 (running go {gover}; GOTOOLCHAIN=local)",
        go: Some("vendor/modules.txt requires go >= 1.99 (running go {gover}; GOTOOLCHAIN=local)") },
    Other { name: "inconsistent vendoring", files: files![DEP_GOMOD, DEP_MAIN, ("m/vendor/example.com/dep/dep.go", "package dep\n\nfunc X() {}\n"),
            ("m/vendor/modules.txt", "# example.com/dep v1.0.0\nexample.com/dep\n")], how: How::Binary, env: &[("GOFLAGS", "-mod=vendor")],
        want: "inconsistent vendoring in {dir}:", go: Some("inconsistent vendoring in {dir}:") },
    Other { name: "invalid module zip", files: files![DEP_GOMOD, DEP_MAIN, DEP_SUM,
            ("proxy/example.com/dep/@v/v1.0.0.mod", "module example.com/dep\ngo 1.21\n"), ("proxy/example.com/dep/@v/v1.0.0.zip", "not a zip"),
            ("proxy/example.com/dep/@v/list", "v1.0.0\n"), ("mc/.keep", "")], how: How::Binary, env: &[MC, ("GOPROXY", "file://{s}/proxy")],
        want: "failed to read module zip {s}/proxy/example.com/dep/@v/v1.0.0.zip: not a valid zip file (no end of central directory record)", go: None },
    Other { name: "replace with a file", files: files![
            ("m/go.mod", "module example.com/m\n\ngo 1.21\n\nrequire example.com/dep v1.0.0\n\nreplace example.com/dep => ../dep.go\n"), DEP_MAIN, ("dep.go", "package dep\n")], how: How::Binary, env: &[],
        want: "example.com/dep@v1.0.0 (replaced by ../dep.go): reading {dir}/../dep.go/go.mod: not a directory: {dir}/../dep.go is a file, and a replacement must be a directory holding a go.mod", go: Some("not a directory") },
    Other { name: "replace with a missing dir", files: files![
            ("m/go.mod", "module example.com/m\n\ngo 1.21\n\nrequire example.com/dep v1.0.0\n\nreplace example.com/dep => ../nope\n"), DEP_MAIN], how: How::Binary, env: &[],
        want: "example.com/dep is replaced by ../nope ({dir}/../nope), which does not exist: a replacement directory must hold a go.mod", go: Some("../nope") },
    Other { name: "go.work use of a missing dir", files: files![GOMOD, MAIN_GO, ("m/go.work", "go 1.21\n\nuse (\n\t.\n\t./nope\n)\n")], how: How::Binary, env: &[("GOWORK", "")],
        want: "{dir}/go.work: `use ./nope`: cannot read {dir}/./nope/go.mod: No such file or directory (os error 2); every directory a go.work uses must hold a go.mod", go: None },
    Other { name: "GOWORK names a missing file", files: files![GOMOD, MAIN_GO], how: How::Binary, env: &[("GOWORK", "{s}/nope/go.work")],
        want: "failed to read {s}/nope/go.work: No such file or directory (os error 2)", go: None },
    Other { name: "GOFLAGS -mod bad", files: files![GOMOD, MAIN_GO], how: How::Binary, env: &[("GOFLAGS", "-mod=bogus")],
        want: "GOFLAGS has -mod=bogus: the valid values are mod, readonly and vendor", go: Some("-mod=bogus") },
    // Settings and the toolchain.
    Other { name: "unknown Rust target", files: files![GOMOD, MAIN_GO], how: How::Target("bogus"), env: &[],
        want: "the Rust target `bogus` has no Go port: Go has no port for the architecture `bogus`. Build the Go part for a Linux target of the same architecture (e.g. `aarch64-unknown-linux-gnu`, `x86_64-unknown-linux-gnu`) if the device runs Linux, or write that part in Rust.", go: None },
    Other { name: "unknown Go port", files: files![GOMOD, MAIN_GO], how: How::Target("linux/nosuch"), env: &[],
        want: "target `linux/nosuch` is not a Go port go-link-build can build for: a target is a Rust triple (`aarch64-unknown-linux-gnu`) or one of Go's ports as GOOS/GOARCH (`linux/arm64`; `go tool dist list` lists them)", go: None },
    // Go 1.21's go build refuses these with the same message (`go env` still
    // does); from 1.22 on it builds for the default level and records the bad
    // value in the build info, so they are not compared.
    Other { name: "bad GOAMD64", files: files![GOMOD, MAIN_GO], how: How::Binary, env: &[("GOAMD64", "v9")],
        want: "invalid GOAMD64: must be v1, v2, v3, v4 (GOAMD64=\"v9\" from the environment or Build::env)", go: None },
    Other { name: "CLI: bad GOARM", files: files![GOMOD, MAIN_GO], how: How::Cli(&["--target", "linux/arm"]), env: &[("GOARM", "8")],
        want: "error: invalid GOARM: must start with 5, 6, or 7, and may optionally end in either \",hardfloat\" or \",softfloat\" (GOARM=\"8\" from the environment or Build::env)", go: None },
    Other { name: "unknown GOEXPERIMENT", files: files![GOMOD, MAIN_GO], how: How::Binary, env: &[("GOEXPERIMENT", "nosuchexp")],
        want: "the Go compiler rejects this target environment:", go: Some("unknown GOEXPERIMENT suchexp") },
    Other { name: "GOROOT missing", files: files![GOMOD, MAIN_GO], how: How::Goroot("{s}/nope"), env: &[],
        want: "the GOROOT given to Build::goroot is not usable: {s}/nope has no src/ directory; go-link-build compiles the standard library from source, so it needs a complete GOROOT", go: None },
    Other { name: "GOROOT without tools", files: files![GOMOD, MAIN_GO, ("goroot/VERSION", "garbage\n"), ("goroot/src/.keep", "")], how: How::Goroot("{s}/goroot"), env: &[],
        want: "the GOROOT given to Build::goroot is not usable: {s}/goroot has no compiler at {s}/goroot/pkg/tool/{host}; is this a GOROOT for this machine ({host})?", go: None },
    Other { name: "c-archive for wasm", files: files![GOMOD, MAIN_GO], how: How::ArchiveTarget("wasm32-wasip1"), env: &[],
        want: "cannot build a Go C archive for `wasm32-wasip1`: Go does not support -buildmode=c-archive on wasip1/wasm. Go builds C archives for darwin, ios, windows, aix, freebsd/amd64 and linux on 386, amd64, arm, arm64, loong64, ppc64le, riscv64 and s390x (ppc64 from Go 1.27). For this target, build the Go code as a separate program with Build::binary instead (a sidecar: cgo off, no C toolchain needed, supported on every Go port) and talk to it over a pipe or socket.", go: None },
    Other { name: "c-archive for musl", files: files![GOMOD, MAIN_GO], how: How::ArchiveTarget("x86_64-unknown-linux-musl"), env: &[],
        want: "refusing to build a Go C archive for the musl target `x86_64-unknown-linux-musl`: a Go C archive starts its runtime from an `.init_array` function that expects glibc's (argc, argv, envp) arguments, and musl calls those functions without arguments, so the program crashes at startup or misbehaves (golang/go#13492, open).", go: None },
    // The command line: exit status 1, `error: ` and the message on stderr.
    Other { name: "CLI: go.mod", files: files![("m/go.mod", "module example.com/m\nfrobnicate y\n"), MAIN_GO], how: How::Cli(&[]), env: &[],
        want: "error: {dir}/go.mod:2: unknown directive: frobnicate", go: Some("go.mod:2: unknown directive: frobnicate") },
    Other { name: "CLI: bad --target", files: files![GOMOD, MAIN_GO], how: How::Cli(&["--target", "linux/nosuch"]), env: &[],
        want: "error: target `linux/nosuch` is not a Go port go-link-build can build for: a target is a Rust triple (`aarch64-unknown-linux-gnu`) or one of Go's ports as GOOS/GOARCH (`linux/arm64`; `go tool dist list` lists them)", go: None },
    Other { name: "CLI: GOOS/GOARCH", files: files![GOMOD, MAIN_GO], how: How::Cli(&[]), env: &[("GOOS", "linux"), ("GOARCH", "nosuch")],
        want: "error: target `linux/nosuch` is not a Go port go-link-build can build for: a target is a Rust triple (`aarch64-unknown-linux-gnu`) or one of Go's ports as GOOS/GOARCH (`linux/arm64`; `go tool dist list` lists them)", go: Some("linux/nosuch") },
    Other { name: "CLI: --tags quote", files: files![GOMOD, MAIN_GO], how: How::Cli(&["--tags", "a \"b"]), env: &[],
        want: "error: invalid --tags \"a \\\"b\": unterminated \" string", go: None },
    Other { name: "CLI: -X without =", files: files![GOMOD, MAIN_GO], how: How::Cli(&["-X", "noequals"]), env: &[],
        want: "error: -X noequals: expected importpath.name=value", go: None },
    Other { name: "CLI: --print-link-flags for a program", files: files![GOMOD, MAIN_GO], how: How::Cli(&["--print-link-flags"]), env: &[],
        want: "error: --print-link-flags goes with --buildmode c-archive", go: None },
    Other { name: "CLI: two package dirs", files: files![GOMOD, MAIN_GO, ("m/b/b.go", "package main\n\nfunc main() {}\n")], how: How::Cli(&["b"]), env: &[],
        want: "error: build of a program takes exactly one package directory", go: None },
    Other { name: "CLI: -o over a source file", files: files![GOMOD, MAIN_GO], how: How::Cli(&["-o", "main.go"]), env: &[],
        want: "error: build output \"main.go\" already exists and is not an object file", go: Some("build output \"main.go\" already exists and is not an object file") },
    Other { name: "CLI: -o over a directory's go.mod", files: files![GOMOD, MAIN_GO], how: How::Cli(&["-o", "go.mod"]), env: &[],
        want: "error: build output \"go.mod\" already exists and is not an object file", go: Some("build output \"go.mod\" already exists and is not an object file") },
    Other { name: "CLI: missing package dir", files: files![GOMOD, MAIN_GO], how: How::Cli(&["nope"]), env: &[],
        want: "error: nope: No such file or directory (os error 2)", go: None },
];

/// Every file below `dir` except the output and cache dirs at its top.
fn tree_but_outputs(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut t = tree(dir);
    t.retain(|p, _| !p.starts_with(dir.join("out")) && !p.starts_with(dir.join("cache")));
    t
}

#[test]
fn other_inputs() {
    let Some(goroot) = host_goroot() else { return };
    let version = std::fs::read_to_string(goroot.join("VERSION")).unwrap();
    let gover = version.lines().next().unwrap().trim_start_matches("go").to_string();
    let mut failures = Vec::new();
    let mut compared = 0;
    let mut cli_cases = 0;
    // GOHOSTOS_GOHOSTARCH, the name of the tool directory in a GOROOT.
    let arch = match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "x86" => "386",
        a => a,
    };
    let host = format!("{}_{arch}", std::env::consts::OS);
    for case in OTHER {
        let s = Scratch::new("bad-other");
        let root = s.0.display().to_string();
        let dir = s.join("m");
        let fill = |t: &str| {
            t.replace("{s}", &root)
                .replace("{dir}", &dir.display().to_string())
                .replace("{gover}", &gover)
                .replace("{host}", &host)
        };
        for (f, text) in case.files {
            let p = s.join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(&p, text).unwrap();
        }
        let env: Vec<(String, String)> = case.env.iter().map(|(k, v)| (k.to_string(), fill(v))).collect();
        let has = |k: &str| env.iter().any(|(e, _)| e == k);
        let before = tree_but_outputs(&s.0);
        let err = if let How::Cli(args) = case.how {
            cli_cases += 1;
            let mut cmd = std::process::Command::new(cli_binary());
            cmd.arg("build").arg("--cache").arg(s.join("cache")).args(args);
            if !args.contains(&"-o") {
                cmd.arg("-o").arg(s.join("out/prog"));
            }
            cmd.arg(".").current_dir(&dir).env_clear().env("PATH", std::env::var_os("PATH").unwrap());
            cmd.env("GOROOT", &goroot).env("GOENV", "off").env("GOWORK", "off").env("HOME", s.join("out"));
            for (k, v) in &env {
                cmd.env(k, v);
            }
            let out = cmd.output().unwrap();
            if out.status.code() != Some(1) {
                failures.push(format!("{}: exit status {:?}, not 1", case.name, out.status));
            }
            String::from_utf8_lossy(&out.stderr).into_owned()
        } else {
            let cache = if matches!(case.how, How::Compiles) { shared_cache("glb") } else { s.join("cache") };
            let mut b = builder(&goroot, &dir, &s.join("out"), &cache);
            b.env("GOENV", "off").env("GOFLAGS", "-mod=mod").env("GOWORK", "off").env("GOMODCACHE", &fill("{s}/mc"));
            for (k, v) in &env {
                b.env(k, v);
            }
            match case.how {
                How::Cgo => {
                    b.cgo(true);
                }
                How::Target(t) | How::ArchiveTarget(t) => {
                    b.target(t);
                }
                How::Goroot(g) => {
                    b.goroot(fill(g));
                }
                _ => {}
            }
            let res = if matches!(case.how, How::ArchiveTarget(_)) {
                b.try_c_archive("m").map(drop)
            } else {
                b.try_binary("m").map(drop)
            };
            match res {
                Ok(()) => {
                    failures.push(format!("{}: built", case.name));
                    continue;
                }
                Err(e) => e.to_string(),
            }
        };
        let first = err.lines().next().unwrap_or("").to_string();
        let want = fill(case.want);
        if first != want {
            failures.push(format!("{}:\n   got {first:?}\n  want {want:?}\n  (all: {err:?})", case.name));
        }
        if tree_but_outputs(&s.0) != before {
            failures.push(format!("{}: files outside the output and cache dirs changed", case.name));
        }
        if let Some(gist) = case.go {
            compared += 1;
            let gist = fill(gist);
            let mut cmd = go_command(&goroot);
            cmd.arg("build");
            match case.how {
                How::Cli(args) if args.contains(&"-o") => cmd.args(args),
                _ => cmd.args(["-o", "/dev/null"]),
            };
            cmd.arg(".").current_dir(&dir).env("GOWORK", "off").env("GOPROXY", "off").env("GOENV", "off");
            cmd.env("GOMODCACHE", s.join("mc"));
            if matches!(case.how, How::Cgo) {
                cmd.env("CGO_ENABLED", "1");
            }
            for (k, v) in &env {
                cmd.env(k, v);
            }
            if !has("GOFLAGS") {
                cmd.env("GOFLAGS", "-mod=mod -buildvcs=false");
            }
            let out = cmd.output().unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
            if out.status.success() || !stderr.contains(&gist) || !err.contains(&gist) {
                failures.push(format!(
                    "{}: go build says {stderr:?}, we say {err:?}; both should contain {gist:?}",
                    case.name
                ));
            }
            // go build may have written into its module cache; make it removable.
            if s.join("mc").exists() {
                let _ = std::process::Command::new("chmod").arg("-R").arg("u+w").arg(s.join("mc")).status();
            }
        }
    }
    let total = CASES.len() + OTHER.len();
    eprintln!(
        "{} other cases ({cli_cases} through the CLI), {compared} compared with go build; {total} in all",
        OTHER.len()
    );
    assert!(failures.is_empty(), "{} of {} cases:\n{}", failures.len(), OTHER.len(), failures.join("\n\n"));
}
