//! Conformance of the package loader with `go list`, the oracle.
//!
//! For 15 targets (GOOS/GOARCH × CGO_ENABLED), every package of `go list std`
//! is loaded by go-link-build's own loader and compared field by field with
//! `go list -e -json std`: GoFiles, CgoFiles, IgnoredGoFiles, SFiles, CFiles,
//! HFiles, SysoFiles, EmbedPatterns, EmbedFiles, Imports, ImportMap (and Name).
//! A small module fixture is also loaded as a graph and compared with
//! `go list -deps -json`, which checks import resolution, the implicit cgo
//! and linker dependencies, and the topological order.
//!
//! The build context for each target (enabled experiments, arch level) comes
//! from the compiler itself, as the library gets it: compile an empty
//! package and read the `go object …` header of the archive.
//!
//! Without a `go` command the tests print why and pass, unless `CI` is set.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::time::Instant;

use go_link_build::test_hooks::{self as hooks, ListedPackage, TestTarget};
use serde::Deserialize;

/// The part of `go list -json` output we compare.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct GoPackage {
    import_path: String,
    name: String,
    dir: PathBuf,
    standard: bool,
    go_files: Vec<String>,
    cgo_files: Vec<String>,
    ignored_go_files: Vec<String>,
    s_files: Vec<String>,
    c_files: Vec<String>,
    h_files: Vec<String>,
    syso_files: Vec<String>,
    embed_patterns: Vec<String>,
    embed_files: Vec<String>,
    imports: Vec<String>,
    import_map: BTreeMap<String, String>,
    error: Option<GoError>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct GoError {
    err: String,
}

/// The `go` command and what it says about itself.
struct Go {
    goroot: PathBuf,
    tool_dir: PathBuf,
    minor: u32,
}

/// A `go` command with an environment that cannot surprise the test.
#[allow(clippy::disallowed_methods)] // Tests spawn the oracle directly.
fn go_command(args: &[&str]) -> Command {
    let mut cmd = Command::new("go");
    cmd.args(args).env("GOFLAGS", "").env("GOTOOLCHAIN", "local").env("GOWORK", "off");
    cmd
}

#[allow(clippy::disallowed_methods)] // Tests read CI directly.
fn in_ci() -> bool {
    std::env::var_os("CI").is_some()
}

/// Finds the Go toolchain, or explains why the test is skipped.
fn find_go() -> Option<Go> {
    let out = go_command(&["env", "GOROOT", "GOTOOLDIR", "GOVERSION"]).output();
    let why = match out {
        Ok(o) if o.status.success() => {
            let text = String::from_utf8_lossy(&o.stdout).into_owned();
            let lines: Vec<&str> = text.lines().collect();
            if let [goroot, tool_dir, version] = lines[..] {
                let minor = version
                    .strip_prefix("go1.")
                    .and_then(|v| v.split(['.', 'r', 'b']).next())
                    .and_then(|m| m.parse().ok());
                if let Some(minor) = minor {
                    return Some(Go { goroot: goroot.into(), tool_dir: tool_dir.into(), minor });
                }
            }
            format!("unexpected `go env` output {text:?}")
        }
        Ok(o) => format!("`go env` failed: {}", String::from_utf8_lossy(&o.stderr)),
        Err(e) => format!("no `go` command on PATH ({e})"),
    };
    assert!(!in_ci(), "CI is set, so the conformance test must run, but: {why}");
    eprintln!("skipping the go list conformance test: {why}");
    None
}

/// A scratch directory, removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("go-link-build-conformance-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    fn write(&self, rel: &str, text: &str) {
        let p = self.0.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Asks the compiler for a target's experiments and arch level by compiling
/// an empty package and reading the object header
/// (`go object linux amd64 go1.26.8 GOAMD64=v1 X:regabiwrappers,…`).
#[allow(clippy::disallowed_methods)] // Tests spawn the compiler directly.
fn probe(go: &Go, goos: &str, goarch: &str, cgo: bool) -> TestTarget {
    let dir = Scratch::new(&format!("probe-{goos}-{goarch}-{}", u8::from(cgo)));
    dir.write("p.go", "package p\n");
    dir.write("importcfg", "");
    let out = Command::new(go.tool_dir.join(format!("compile{}", std::env::consts::EXE_SUFFIX)))
        .args(["-p", "p", "-importcfg", "importcfg", "-pack", "-o", "p.a", "p.go"])
        .current_dir(&dir.0)
        .env("GOOS", goos)
        .env("GOARCH", goarch)
        .env("GOROOT", &go.goroot)
        .output()
        .expect("run compile");
    assert!(out.status.success(), "compile for {goos}/{goarch}: {}", String::from_utf8_lossy(&out.stderr));
    let archive = std::fs::read(dir.0.join("p.a")).unwrap();
    let start = archive.windows(10).position(|w| w == b"go object ").expect("an object header in the archive");
    let line = archive[start..].split(|&c| c == b'\n').next().unwrap();
    let line = String::from_utf8_lossy(line).into_owned();
    let mut target = TestTarget {
        goroot: go.goroot.clone(),
        goos: goos.into(),
        goarch: goarch.into(),
        cgo_enabled: cgo,
        experiments: Vec::new(),
        arch_level: None,
        go_minor: go.minor,
    };
    for field in line.split(' ').skip(5) {
        if let Some(x) = field.strip_prefix("X:") {
            target.experiments = x.split(',').filter(|e| !e.is_empty()).map(String::from).collect();
        } else if let Some((k, v)) = field.split_once('=') {
            target.arch_level = Some((k.into(), v.into()));
        }
    }
    target
}

fn go_list(target: &TestTarget, cwd: &Path, args: &[&str]) -> Vec<GoPackage> {
    let out = go_command(args)
        .current_dir(cwd)
        .env("GOOS", &target.goos)
        .env("GOARCH", &target.goarch)
        .env("CGO_ENABLED", if target.cgo_enabled { "1" } else { "0" })
        .output()
        .expect("run go list");
    assert!(out.status.success(), "go {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::Deserializer::from_slice(&out.stdout)
        .into_iter::<GoPackage>()
        .collect::<Result<_, _>>()
        .expect("go list -json output parses")
}

fn label(t: &TestTarget) -> String {
    format!("{}/{} cgo={}", t.goos, t.goarch, u8::from(t.cgo_enabled))
}

/// Compares one package; appends a line per differing field.
fn compare(cfg: &str, ours: &ListedPackage, theirs: &GoPackage, out: &mut Vec<String>) {
    let mut imports = theirs.imports.clone();
    // go list replaces vendored imports in place, so its list is not sorted.
    imports.sort();
    imports.dedup();
    let fields: [(&str, &dyn std::fmt::Debug, &dyn std::fmt::Debug, bool); 13] = [
        ("Name", &ours.name, &theirs.name, ours.name == theirs.name),
        ("GoFiles", &ours.go_files, &theirs.go_files, ours.go_files == theirs.go_files),
        ("CgoFiles", &ours.cgo_files, &theirs.cgo_files, ours.cgo_files == theirs.cgo_files),
        (
            "IgnoredGoFiles",
            &ours.ignored_go_files,
            &theirs.ignored_go_files,
            ours.ignored_go_files == theirs.ignored_go_files,
        ),
        ("SFiles", &ours.s_files, &theirs.s_files, ours.s_files == theirs.s_files),
        ("CFiles", &ours.c_files, &theirs.c_files, ours.c_files == theirs.c_files),
        ("HFiles", &ours.h_files, &theirs.h_files, ours.h_files == theirs.h_files),
        ("SysoFiles", &ours.syso_files, &theirs.syso_files, ours.syso_files == theirs.syso_files),
        ("EmbedPatterns", &ours.embed_patterns, &theirs.embed_patterns, ours.embed_patterns == theirs.embed_patterns),
        ("EmbedFiles", &ours.embed_files, &theirs.embed_files, ours.embed_files == theirs.embed_files),
        ("Imports", &ours.imports, &imports, ours.imports == imports),
        ("ImportMap", &ours.import_map, &theirs.import_map, ours.import_map == theirs.import_map),
        ("Dir", &ours.dir, &theirs.dir, ours.dir == theirs.dir),
    ];
    for (field, a, b, same) in fields {
        if !same {
            out.push(format!("{cfg} {}: {field}: ours {a:?} vs go list {b:?}", theirs.import_path));
        }
    }
}

/// Loads std for one target with both loaders; returns the mismatches.
fn check_std(go: &Go, goos: &str, goarch: &str, cgo: bool, cwd: &Path) -> (Vec<String>, String) {
    let started = Instant::now();
    let target = probe(go, goos, goarch, cgo);
    let cfg = label(&target);
    let t_go = Instant::now();
    let theirs = go_list(&target, cwd, &["list", "-e", "-json", "std"]);
    let go_time = t_go.elapsed();
    let t_ours = Instant::now();
    let ours = hooks::list_std_for_test(&target);
    let our_time = t_ours.elapsed();
    let mut out = Vec::new();
    let ours: BTreeMap<String, Result<ListedPackage, String>> = ours.into_iter().collect();
    let mut seen = BTreeSet::new();
    for p in &theirs {
        seen.insert(p.import_path.clone());
        match (ours.get(&p.import_path), &p.error) {
            (None, _) => out.push(format!("{cfg} {}: listed by go list, not by us", p.import_path)),
            (Some(Err(_)), Some(_)) => {}
            (Some(Err(e)), None) => out.push(format!("{cfg} {}: we fail ({e}), go list does not", p.import_path)),
            (Some(Ok(_)), Some(e)) => {
                out.push(format!("{cfg} {}: go list fails ({}), we do not", p.import_path, e.err))
            }
            (Some(Ok(o)), None) => compare(&cfg, o, p, &mut out),
        }
        if !p.standard {
            out.push(format!("{cfg} {}: go list says it is not standard", p.import_path));
        }
    }
    for path in ours.keys().filter(|k| !seen.contains(*k)) {
        out.push(format!("{cfg} {path}: listed by us, not by go list"));
    }
    let timing = format!(
        "{cfg}: {} packages; go list {:.0?}, our loader {:.0?}, total {:.0?}",
        theirs.len(),
        go_time,
        our_time,
        started.elapsed()
    );
    (out, timing)
}

#[test]
fn std_matches_go_list_on_every_target() {
    let Some(go) = find_go() else { return };
    let targets: &[(&str, &str, &[bool])] = &[
        ("linux", "amd64", &[false, true]),
        ("linux", "arm64", &[false, true]),
        ("linux", "386", &[false, true]),
        ("linux", "riscv64", &[false, true]),
        ("darwin", "arm64", &[false, true]),
        ("windows", "amd64", &[false, true]),
        ("freebsd", "amd64", &[false, true]),
        ("wasip1", "wasm", &[false]),
    ];
    let jobs: Vec<(&str, &str, bool)> =
        targets.iter().flat_map(|&(os, arch, cgos)| cgos.iter().map(move |&c| (os, arch, c))).collect();
    // An empty directory outside any module, for go list.
    let cwd = Scratch::new("std");
    let started = Instant::now();
    let queue = Mutex::new(jobs);
    let results = Mutex::new(Vec::new());
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get()).clamp(2, 8);
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| loop {
                let Some((os, arch, cgo)) = queue.lock().unwrap().pop() else {
                    break;
                };
                let r = check_std(&go, os, arch, cgo, &cwd.0);
                results.lock().unwrap().push(r);
            });
        }
    });
    let mut results = results.into_inner().unwrap();
    results.sort_by(|a, b| a.1.cmp(&b.1));
    let mut mismatches = Vec::new();
    for (m, timing) in results {
        eprintln!("{timing}");
        mismatches.extend(m);
    }
    eprintln!("all targets: {:.1?} with {workers} workers", started.elapsed());
    assert!(
        mismatches.is_empty(),
        "the loader disagrees with go list in {} places:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}

/// A module with a main package, an internal package with embeds, and
/// imports that pull in cgo (net) and vendored std packages (net/http).
fn write_fixture(s: &Scratch) {
    s.write("go.mod", "module example.com/fixture\n\ngo 1.22\n");
    s.write(
        "cmd/app/main.go",
        "//go:debug panicnil=1\n\n// Command app.\npackage main\n\nimport (\n\t\"fmt\"\n\t\"net/http\"\n\n\t\"example.com/fixture/internal/greet\"\n)\n\nfunc main() {\n\tfmt.Println(greet.Hello(), http.StatusOK)\n}\n",
    );
    s.write("cmd/app/main_windows.go", "package main\n\nimport _ \"syscall\"\n");
    s.write("cmd/app/main_test.go", "package main\n\nimport \"testing\"\n\nfunc TestX(t *testing.T) {}\n");
    s.write(
        "internal/greet/greet.go",
        "package greet\n\nimport (\n\t\"embed\"\n\t\"strings\"\n)\n\n//go:embed hello.txt data\nvar files embed.FS\n\nfunc Hello() string {\n\tb, _ := files.ReadFile(\"hello.txt\")\n\treturn strings.TrimSpace(string(b))\n}\n",
    );
    s.write("internal/greet/hello.txt", "hello\n");
    s.write("internal/greet/data/a.txt", "a\n");
    s.write("internal/greet/data/.hidden", "h\n");
    s.write("internal/greet/data/sub/b.txt", "b\n");
}

#[test]
fn module_graph_matches_go_list_deps() {
    let Some(go) = find_go() else { return };
    let s = Scratch::new("module");
    write_fixture(&s);
    let app = s.0.join("cmd/app");
    let mut mismatches = Vec::new();
    for (goos, goarch, cgo) in [("linux", "amd64", false), ("linux", "amd64", true), ("windows", "amd64", false)] {
        let target = probe(&go, goos, goarch, cgo);
        let cfg = label(&target);
        let theirs = go_list(&target, &app, &["list", "-deps", "-json", "."]);
        let (ours, root) = hooks::load_graph_for_test(&target, &app).unwrap_or_else(|e| panic!("{cfg}: {e}"));
        assert_eq!(ours[root].import_path, "example.com/fixture/cmd/app");
        assert_eq!(ours[root].go_debug, [("panicnil".to_string(), "1".to_string())]);
        // Every package comes after its dependencies.
        let pos: BTreeMap<&str, usize> = ours.iter().enumerate().map(|(i, p)| (p.import_path.as_str(), i)).collect();
        for (i, p) in ours.iter().enumerate() {
            for d in &p.deps {
                if pos[d.as_str()] >= i {
                    mismatches.push(format!("{cfg} {}: dependency {d} comes later", p.import_path));
                }
            }
        }
        // The same packages as go list -deps ("unsafe" is no package to build).
        let their_set: BTreeSet<&str> =
            theirs.iter().map(|p| p.import_path.as_str()).filter(|p| *p != "unsafe").collect();
        let our_set: BTreeSet<&str> = ours.iter().map(|p| p.import_path.as_str()).collect();
        for p in their_set.difference(&our_set) {
            mismatches.push(format!("{cfg} {p}: in go list -deps, not in our graph"));
        }
        for p in our_set.difference(&their_set) {
            mismatches.push(format!("{cfg} {p}: in our graph, not in go list -deps"));
        }
        let by_path: BTreeMap<&str, &ListedPackage> = ours.iter().map(|p| (p.import_path.as_str(), p)).collect();
        for p in &theirs {
            if let Some(o) = by_path.get(p.import_path.as_str()) {
                compare(&cfg, o, p, &mut mismatches);
            }
        }
        let greet = by_path["example.com/fixture/internal/greet"];
        assert_eq!(greet.embed_files, ["data/a.txt", "data/sub/b.txt", "hello.txt"], "{cfg}");
    }
    assert!(mismatches.is_empty(), "the graph disagrees with go list -deps:\n{}", mismatches.join("\n"));
}
