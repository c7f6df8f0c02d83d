//! A catalogue of bad inputs (issue 10): for each, the exact first line of
//! go-link-build's error, that nothing was written into the source tree or
//! beside the output and cache dirs, and, for the cases marked `go`, that
//! `go build` refuses the same input with the same message (the go command
//! is the oracle; it names files relatively).
//!
//! Every case fails before any compile, so the whole catalogue takes seconds.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use go_link_build_tests::{builder, go_command, host_goroot, Scratch};

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
    ("missing module", &[("go.mod", "go 1.21\n"), MAIN], "{dir}/go.mod: missing module declaration: add a line such as `module example.com/name` at the top", false),
    ("block comment", &[("go.mod", "module example.com/m /* c */\n"), MAIN], "{dir}/go.mod:1:22: mod files must use // comments (not /* */ comments)", true),
    ("newline in string", &[("go.mod", "module \"example.com/m\n"), MAIN], "{dir}/go.mod:1:22: unexpected newline in string", true),
    ("control character", &[("go.mod", "module example.com/m\n\u{1}\n"), MAIN], "{dir}/go.mod:2: unexpected input character '\\x01'", true),
    ("unterminated block", &[("go.mod", "module example.com/m\nrequire (\n"), MAIN], "{dir}/go.mod:3: syntax error (unterminated block started at {dir}/go.mod:2:1)", false),
    ("junk after paren", &[("go.mod", "module example.com/m\nrequire (\n) x\n"), MAIN], "{dir}/go.mod:3:4: syntax error (expected newline after closing paren)", true),
    ("unknown block", &[("go.mod", "module example.com/m\nfoo (\n)\n"), MAIN], "{dir}/go.mod:2: unknown block type: foo", true),
    ("require usage", &[("go.mod", "module example.com/m\nrequire example.com/a\n"), MAIN], "{dir}/go.mod:2: usage: require module/path v1.2.3", true),
    ("require in block usage", &[("go.mod", "module example.com/m\nrequire (\n\texample.com/a v1.0.0 x\n)\n"), MAIN], "{dir}/go.mod:3:2: usage: require module/path v1.2.3", true),
    ("require bad version", &[("go.mod", "module example.com/m\nrequire example.com/a 1.0.0\n"), MAIN], "{dir}/go.mod:2: require example.com/a: version \"1.0.0\" invalid: must be of the form v1.2.3", false),
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
        if !first.starts_with(&want) {
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
