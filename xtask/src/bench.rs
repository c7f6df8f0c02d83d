//! `cargo xtask bench`: go-link-build against `go build`, side by side.
//!
//! Five programs, each its own module, written to a temporary directory at
//! run time:
//!
//! - `hello`: `fmt.Println` of a string constant;
//! - `server`: a `net/http` + `encoding/json` server that only listens when
//!   given an address, and otherwise prints its status as JSON and exits;
//! - `carchive`: an exported function, built as a C archive with cgo on;
//! - `modules`: the tests' `modapp` fixture, which uses every fixture module
//!   of `tests/fixtures/modules` (a dozen third-party modules: assembly,
//!   embed, a /v2 module, a dependency chain, …). Each round sets it up with
//!   the tests' own helper (`tests/src/modproxy.rs`): an offline
//!   `GOPROXY=file://` directory, `go mod tidy` against it, and `go mod
//!   download` into a fresh module cache. Both builders then use that module
//!   cache with `GOPROXY=off`; preparing it is not timed.
//! - `gofmt`: a real multi-package program with a deep dependency chain: the
//!   installed Go's own `go/format` and everything under `go/` it imports
//!   (`go/token` ← `go/scanner` ← `go/ast` ← `go/parser`, `go/printer`, …),
//!   copied from `$GOROOT/src` into the module with their imports rewritten,
//!   and a main package that formats a Go source with them. `go/token` gets
//!   one more file, `benchedit.go`, with a non-inlined exported function
//!   whose result the program prints: the deep scenarios edit it.
//!
//! Every program keeps the string constant in its own `msg.go`, which is
//! what the edit scenario rewrites (`modules` prints it from an `init`
//! function before the fixture's own lines). For every round and program, the
//! scenarios run one after the other, each timed for both builders
//! (interleaved, and alternating which one goes first):
//!
//! 1. **cold**: go-link-build with an empty cache and out dir; `go build
//!    -trimpath` with an empty `GOCACHE`. Both compile the standard library.
//! 2. **no-op**: the same build again. go-link-build should answer from its
//!    no-op stamp; `go build` from its cache and the output's build ID.
//! 3. **CLI no-op**: the same build again through the `go-link-build` command
//!    (release build of `go-link-build/src/bin`, built first), after one
//!    untimed CLI build; against the same `go build` no-op. This is the
//!    command-line user's no-op: process start, stamp check, no spawn.
//! 4. **one-file edit**: `msg.go` gets a new constant, so the main package is
//!    recompiled and the program relinked.
//! 5. **dependency comment edit** (`gofmt` only): a comment is appended to
//!    `go/token`, five levels below main. `go build` recompiles `go/token`,
//!    finds identical output and stops; with early cutoff so does
//!    go-link-build.
//! 6. **deep body edit** (`gofmt` only): the string `go/token`'s
//!    `BenchEdit` returns changes (same line count, so no position in any
//!    export data moves). `go build` recompiles `go/token` and, since its
//!    content changed, every package above it, then links; go-link-build,
//!    keying dependents on export data only, recompiles `go/token` and links.
//! 7. **new workspace**: the same sources copied to another directory and
//!    built into another out dir (another checkout or target dir on the same
//!    machine), with the same caches: go-link-build's per-user cache and
//!    GOCACHE. Neither should compile anything.
//!
//! 8. **cold, warm remote cache** (`server` only): go-link-build with an
//!    empty local cache and out dir but a remote cache (nginx with WebDAV on
//!    localhost, as in `tests/src/nginx.rs`) that a build from another empty
//!    cache populated first (not timed); `go build` with an empty `GOCACHE`.
//!    The CI-runner case: nothing local, a team cache nearby. Skipped, with
//!    a message, when nginx is not installed.
//!
//! go-link-build runs in process through its public API with `jobs` = the
//! number of cores (what `go build -p` defaults to); `go build` runs as a
//! child process with `CGO_ENABLED=0 GOFLAGS= GOTOOLCHAIN=local GOWORK=off
//! GOPROXY=off` (and `GOMODCACHE` for `modules`, which go-link-build gets
//! through `Build::env` along with `GOPROXY=off GOFLAGS= GOWORK=off`). Both use the same GOROOT. Wall time comes from
//! `std::time::Instant`. For the edit scenarios the table also gives a
//! *floor*: go-link-build's time in its Go tools (`Stats::tool_time`: the
//! compile and the link, the same commands `go build` runs, one after the
//! other) over `go build`'s time, the ratio an engine that cost nothing
//! would get. After the cold and edit builds both programs are run
//! and must print the same, expected line, so a broken build cannot pass for
//! a fast one.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::Context as _;

use crate::status::status;
use crate::{Arg, Args};

/// The offline module proxy and the `modapp` setup, shared with the tests.
#[path = "../../tests/src/modproxy.rs"]
#[allow(dead_code)] // The tests use more of it than the benchmark.
pub(crate) mod modproxy;

/// nginx as a remote cache server, shared with the tests.
#[path = "../../tests/src/nginx.rs"]
#[allow(dead_code)]
mod nginx;

/// The command line of `cargo xtask bench`.
#[derive(Debug)]
pub(crate) struct Options {
    rounds: usize,
    keep: bool,
    /// `--only NAME`: one program.
    only: Option<String>,
}

impl Options {
    pub(crate) fn parse(args: &[String]) -> anyhow::Result<Options> {
        let mut opts = Options { rounds: 3, keep: false, only: None };
        let mut it = Args::new("bench", args);
        while let Some(arg) = it.next_arg() {
            match arg {
                Arg::Flag("rounds", inline) => {
                    let v = it.value("rounds", inline)?;
                    opts.rounds = v
                        .parse()
                        .ok()
                        .filter(|n| *n > 0)
                        .with_context(|| format!("--rounds wants a positive number, not `{v}`"))?;
                }
                Arg::Flag("quick", inline) => {
                    it.no_value("quick", inline)?;
                    opts.rounds = 1;
                }
                Arg::Flag("only", inline) => {
                    let v = it.value("only", inline)?;
                    anyhow::ensure!(
                        PROGRAMS.iter().any(|p| p.name == v),
                        "--only wants one of {}, not `{v}`",
                        PROGRAMS.iter().map(|p| p.name).collect::<Vec<_>>().join(", ")
                    );
                    opts.only = Some(v.to_string());
                }
                Arg::Flag("keep", inline) => {
                    it.no_value("keep", inline)?;
                    opts.keep = true;
                }
                other => return Err(it.unknown(&other)),
            }
        }
        Ok(opts)
    }
}

/// A benchmark program: fixed files plus the edited `msg.go`.
struct Program {
    name: &'static str,
    main_go: &'static str,
    /// The line the program prints, given the current greeting.
    expected: fn(&str) -> String,
    /// Built as a C archive (`-buildmode=c-archive`, cgo on) instead of a program.
    c_archive: bool,
    /// The `modapp` fixture with its modules instead of `main_go`; the
    /// expected line is the first one it prints.
    modules: bool,
    /// The `gofmt` program: `go/...` copied from GOROOT, edited deep down.
    deep: bool,
}

const CARCHIVE_MAIN: &str = r#"package main

import "C"

import "strings"

//export Greeting
func Greeting() *C.char { return C.CString(strings.ToUpper(greeting)) }

func main() {}
"#;

const HELLO_MAIN: &str = r#"package main

import "fmt"

func main() {
	fmt.Println(greeting)
}
"#;

const SERVER_MAIN: &str = r#"package main

import (
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"os"
	"time"
)

type status struct {
	Greeting string `json:"greeting"`
	Routes   int    `json:"routes"`
	Time     string `json:"time,omitempty"`
}

func newMux() (*http.ServeMux, int) {
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, greeting)
	})
	mux.HandleFunc("/status", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(status{Greeting: greeting, Routes: 2, Time: time.Now().UTC().Format(time.RFC3339)})
	})
	return mux, 2
}

func main() {
	mux, routes := newMux()
	if len(os.Args) < 2 {
		// Benchmark mode: prove the program works, then exit without listening.
		_ = json.NewEncoder(os.Stdout).Encode(status{Greeting: greeting, Routes: routes})
		return
	}
	srv := &http.Server{Addr: os.Args[1], Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	log.Fatal(srv.ListenAndServe())
}
"#;

/// Added to the `modapp` fixture: prints the greeting first.
const MODULES_GREETING: &str = r#"package main

import "fmt"

func init() { fmt.Println(greeting) }
"#;

/// The `gofmt` program's main package: the greeting, what the deep package
/// returns, and a Go source formatted by the copied `go/format`.
const GOFMT_MAIN: &str = r#"package main

import (
	"fmt"
	"os"

	"example.com/bench/gofmt/go/format"
	"example.com/bench/gofmt/go/token"
)

const source = "package p\n\nimport \"fmt\"\n\nfunc  f( a int)int{\nreturn a*2 }\nfunc g() { fmt.Println( f(1) ) }\n"

func main() {
	fmt.Println(greeting)
	fmt.Println(token.BenchEdit())
	out, err := format.Source([]byte(source))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Stdout.Write(out)
}
"#;

/// The module path the `gofmt` program's copy of `go/...` lives under.
const GOFMT_MODULE: &str = "example.com/bench/gofmt";

/// `go/token/benchedit.go` of the `gofmt` program, returning `deep`.
fn benchedit_go(deep: &str) -> String {
    format!(
        "package token\n\n// BenchEdit is what `cargo xtask bench` edits in its deep body edit: a\n\
         // function that is never inlined, so its body is not part of go/token's\n\
         // export data.\n//\n//go:noinline\nfunc BenchEdit() string {{\n\treturn \"{deep}\"\n}}\n"
    )
}

const PROGRAMS: [Program; 5] = [
    Program {
        name: "hello",
        main_go: HELLO_MAIN,
        expected: |g| g.to_string(),
        c_archive: false,
        modules: false,
        deep: false,
    },
    Program {
        name: "server",
        main_go: SERVER_MAIN,
        expected: |g| format!(r#"{{"greeting":"{g}","routes":2}}"#),
        c_archive: false,
        modules: false,
        deep: false,
    },
    Program {
        name: "carchive",
        main_go: CARCHIVE_MAIN,
        expected: |g| g.to_uppercase(),
        c_archive: true,
        modules: false,
        deep: false,
    },
    Program {
        name: "modules",
        main_go: MODULES_GREETING,
        expected: |g| g.to_string(),
        c_archive: false,
        modules: true,
        deep: false,
    },
    Program {
        name: "gofmt",
        main_go: GOFMT_MAIN,
        expected: |g| g.to_string(),
        c_archive: false,
        modules: false,
        deep: true,
    },
];

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Scenario {
    Cold,
    NoOp,
    CliNoOp,
    Edit,
    DepComment,
    DeepEdit,
    NewWorkspace,
    ColdRemote,
}

impl Scenario {
    fn label(self) -> &'static str {
        match self {
            Scenario::Cold => "cold",
            Scenario::NoOp => "no-op",
            Scenario::CliNoOp => "CLI no-op",
            Scenario::Edit => "one-file edit",
            Scenario::DepComment => "dep comment edit",
            Scenario::DeepEdit => "deep body edit",
            Scenario::NewWorkspace => "new workspace",
            Scenario::ColdRemote => "cold, warm remote cache",
        }
    }

    /// Rebuilds after an edit: their actions run one after another.
    fn is_edit(self) -> bool {
        matches!(self, Scenario::Edit | Scenario::DepComment | Scenario::DeepEdit)
    }
}

/// One timed pair, with what go-link-build said it did.
#[derive(Clone, Debug)]
struct Sample {
    ours_ms: f64,
    go_ms: f64,
    /// go-link-build's time in the Go tools (`Stats::tool_time`).
    tools_ms: f64,
    note: String,
}

/// Everything one program's builds share within a round.
#[derive(Clone)]
struct Workdir {
    src: PathBuf,
    ours_out: PathBuf,
    ours_cache: PathBuf,
    go_cache: PathBuf,
    go_exe: PathBuf,
    /// The module cache both builders use (`modules` only).
    gomodcache: Option<PathBuf>,
    /// The remote cache go-link-build uses, if any.
    remote: Option<String>,
}

/// The tools and settings shared by every build.
struct Bench {
    go: PathBuf,
    goroot: PathBuf,
    /// The `go-link-build` command (release build).
    cli: PathBuf,
    jobs: usize,
    /// Bumped on every edit so that no cache has seen the new source.
    edits: usize,
    /// The installed Go's language version (`1.26`), for the `gofmt` module.
    go_line: String,
}

fn msg_go(greeting: &str) -> String {
    format!(
        "package main\n\n// greeting is what the benchmark edits between builds.\nconst greeting = \"{greeting}\"\n"
    )
}

fn write(path: &Path, text: &str) -> anyhow::Result<()> {
    std::fs::write(path, text).with_context(|| format!("failed to write {}", path.display()))
}

fn ms(since: Instant) -> f64 {
    since.elapsed().as_secs_f64() * 1000.0
}

impl Bench {
    fn ours(&self, w: &Workdir, prog: &Program) -> anyhow::Result<(f64, go_link_build::Artifact)> {
        let name = prog.name;
        let start = Instant::now();
        let mut b = go_link_build::Build::new();
        b.package(&w.src)
            .out_dir(&w.ours_out)
            .cache_dir(&w.ours_cache)
            .goroot(&self.goroot)
            .cargo_metadata(false)
            .cargo_warnings(false)
            .jobs(self.jobs);
        if let Some(url) = &w.remote {
            b.remote_cache(url);
        }
        if let Some(modcache) = &w.gomodcache {
            let modcache = modcache.to_str().context("the module cache path is not UTF-8")?;
            b.env("GOMODCACHE", modcache).env("GOPROXY", "off").env("GOFLAGS", "").env("GOWORK", "off");
        }
        // cgo: off for a program (Build::cgo's default, as `go build` here with CGO_ENABLED=0), on for a C archive.
        let res = if prog.c_archive { b.try_c_archive(name) } else { b.try_binary(name) };
        let art = res.map_err(|e| anyhow::anyhow!("go-link-build failed on the `{name}` benchmark program:\n{e}"))?;
        Ok((ms(start), art))
    }

    fn go_build(&self, w: &Workdir, prog: &Program) -> anyhow::Result<f64> {
        let mut cmd = Command::new(&self.go);
        cmd.current_dir(&w.src).args(["build", "-trimpath"]);
        if prog.c_archive {
            cmd.arg("-buildmode=c-archive");
        }
        cmd.arg("-o")
            .arg(&w.go_exe)
            .arg(".")
            .env("GOCACHE", &w.go_cache)
            .env("CGO_ENABLED", if prog.c_archive { "1" } else { "0" })
            .env("GOFLAGS", "")
            .env("GOTOOLCHAIN", "local")
            .env("GOWORK", "off")
            .env("GOPROXY", "off");
        if let Some(modcache) = &w.gomodcache {
            cmd.env("GOMODCACHE", modcache);
        }
        timed(&mut cmd, "go build", &w.src)
    }

    /// One build through the `go-link-build` command, into `w.ours_out/cli`.
    fn cli(&self, w: &Workdir, prog: &Program) -> anyhow::Result<f64> {
        let mut cmd = Command::new(&self.cli);
        cmd.arg("build").arg("--goroot").arg(&self.goroot).arg("--cache").arg(&w.ours_cache);
        cmd.arg("-o").arg(w.ours_out.join("cli").join(if prog.c_archive {
            format!("lib{}.a", prog.name)
        } else {
            prog.name.to_string()
        }));
        if prog.c_archive {
            cmd.args(["--buildmode", "c-archive"]);
        }
        // The CLI decides cgo by its flags, as the library by Build::cgo: CGO_ENABLED would only warn.
        cmd.arg(&w.src).env_remove("CGO_ENABLED").env("GOFLAGS", "");
        if let Some(modcache) = &w.gomodcache {
            cmd.env("GOMODCACHE", modcache).env("GOPROXY", "off").env("GOWORK", "off");
        }
        timed(&mut cmd, "go-link-build build", &w.src)
    }

    /// Times both builders, alternating which goes first.
    fn pair(
        &self,
        w: &Workdir,
        prog: &Program,
        ours_first: bool,
    ) -> anyhow::Result<(f64, f64, go_link_build::Artifact)> {
        if ours_first {
            let (ours, art) = self.ours(w, prog)?;
            let go = self.go_build(w, prog)?;
            Ok((ours, go, art))
        } else {
            let go = self.go_build(w, prog)?;
            let (ours, art) = self.ours(w, prog)?;
            Ok((ours, go, art))
        }
    }
}

/// Runs a build command in milliseconds of wall time; its failure, with
/// what it printed, is an error.
fn timed(cmd: &mut Command, what: &str, dir: &Path) -> anyhow::Result<f64> {
    let start = Instant::now();
    let out = cmd.output().with_context(|| format!("failed to run {}", cmd.get_program().to_string_lossy()))?;
    let elapsed = ms(start);
    anyhow::ensure!(
        out.status.success(),
        "`{what}` failed in {}:\n{}",
        dir.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(elapsed)
}

/// Copies a source tree (regular files and directories).
fn copy_tree(from: &Path, to: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(to).with_context(|| format!("failed to create {}", to.display()))?;
    for e in std::fs::read_dir(from).with_context(|| format!("failed to read {}", from.display()))? {
        let e = e?;
        let (src, dst) = (e.path(), to.join(e.file_name()));
        if e.file_type()?.is_dir() {
            copy_tree(&src, &dst)?;
        } else {
            std::fs::copy(&src, &dst).with_context(|| format!("failed to copy {}", src.display()))?;
        }
    }
    Ok(())
}

/// Runs both outputs and checks they print the expected line (and, for
/// `gofmt`, the deep package's string as the second line).
fn verify(prog: &Program, ours: &Path, go: &Path, greeting: &str, deep: &str) -> anyhow::Result<()> {
    if prog.c_archive {
        // Both archives exist and export the function; tests/ links and runs them.
        for a in [ours, go] {
            let data = std::fs::read(a).with_context(|| format!("failed to read {}", a.display()))?;
            anyhow::ensure!(data.starts_with(b"!<arch>\n"), "{} is not an archive", a.display());
            anyhow::ensure!(data.windows(8).any(|w| w == b"Greeting"), "{} does not export Greeting", a.display());
        }
        return Ok(());
    }
    let run = |exe: &Path| -> anyhow::Result<String> {
        let out = Command::new(exe).output().with_context(|| format!("failed to run {}", exe.display()))?;
        anyhow::ensure!(
            out.status.success(),
            "{} exited with {}: {}",
            exe.display(),
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        Ok(String::from_utf8_lossy(&out.stdout).trim_end().to_string())
    };
    let want = (prog.expected)(greeting);
    let (a, b) = (run(ours)?, run(go)?);
    // `modules` prints the greeting, then a line per module, `gofmt` the
    // greeting, the deep string and a formatted file: both must agree on all.
    let checked = if prog.modules || prog.deep { a.lines().next().unwrap_or("") } else { a.as_str() };
    let deep_ok = !prog.deep || a.lines().nth(1) == Some(deep);
    anyhow::ensure!(
        checked == want && deep_ok && a == b,
        "the `{}` programs disagree: want {want:?} (deep: {deep:?})\n  go-link-build ({}) printed {a:?}\n  go build ({}) printed {b:?}",
        prog.name,
        ours.display(),
        go.display()
    );
    Ok(())
}

fn note(art: &go_link_build::Artifact) -> String {
    if art.was_up_to_date() {
        return "stamp hit".to_string();
    }
    let st = art.stats();
    let tools = st.tool_time.as_secs_f64() * 1000.0;
    format!(
        "{} compiled, {} cached{}{}",
        st.compiled,
        st.cached,
        if st.linked { ", linked" } else { "" },
        if st.compiled > 0 || st.linked { format!(", tools {tools:.0} ms") } else { String::new() }
    )
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    let n = xs.len();
    if n % 2 == 1 {
        xs[n / 2]
    } else {
        (xs[n / 2 - 1] + xs[n / 2]) / 2.0
    }
}

/// Copies the installed Go's `go/format` and every `go/...` package it
/// imports, directly or not, into `dir` as packages of [`GOFMT_MODULE`]
/// (non-test files only, imports rewritten), plus `go/token/benchedit.go`.
fn prepare_gofmt(goroot: &Path, dir: &Path, deep: &str) -> anyhow::Result<()> {
    let mut todo = vec!["go/format".to_string()];
    let mut seen = std::collections::BTreeSet::new();
    while let Some(pkg) = todo.pop() {
        if !seen.insert(pkg.clone()) {
            continue;
        }
        let from = goroot.join("src").join(&pkg);
        let to = dir.join(&pkg);
        std::fs::create_dir_all(&to).with_context(|| format!("failed to create {}", to.display()))?;
        for e in std::fs::read_dir(&from).with_context(|| format!("failed to read {}", from.display()))? {
            let e = e?;
            let name = e.file_name().to_string_lossy().into_owned();
            if !e.file_type()?.is_file() || !name.ends_with(".go") || name.ends_with("_test.go") {
                continue;
            }
            let text =
                std::fs::read_to_string(e.path()).with_context(|| format!("failed to read {}", e.path().display()))?;
            let (text, imports) = rewrite_go_imports(&text);
            for imp in imports {
                if goroot.join("src").join(&imp).is_dir() {
                    todo.push(imp);
                }
            }
            write(&to.join(&name), &text)?;
        }
    }
    write(&dir.join("go/token/benchedit.go"), &benchedit_go(deep))
}

/// Rewrites the `"go/..."` imports of a Go file to [`GOFMT_MODULE`]`/go/...`
/// and returns them. Only the import declarations (between the package
/// clause and the first other top-level declaration) are touched.
fn rewrite_go_imports(text: &str) -> (String, Vec<String>) {
    let mut out = String::with_capacity(text.len() + 256);
    let mut imports = Vec::new();
    let mut in_header = true;
    for line in text.split_inclusive('\n') {
        let t = line.trim_start();
        if ["func ", "type ", "var ", "const "].iter().any(|k| t.starts_with(k) && !line.starts_with([' ', '\t'])) {
            in_header = false;
        }
        match line.find("\"go/") {
            Some(at) if in_header && !t.starts_with("//") => {
                let rest = &line[at + 1..];
                if let Some(end) = rest.find('"') {
                    imports.push(rest[..end].to_string());
                }
                out.push_str(&line[..at + 1]);
                out.push_str(GOFMT_MODULE);
                out.push('/');
                out.push_str(rest);
            }
            _ => out.push_str(line),
        }
    }
    (out, imports)
}

fn go_env(go: &Path, var: &str) -> anyhow::Result<String> {
    let out = Command::new(go).args(["env", var]).env("GOTOOLCHAIN", "local").output().with_context(|| {
        format!("failed to run `{} env {var}`; is Go installed? Set GO to the go command", go.display())
    })?;
    anyhow::ensure!(out.status.success(), "`go env {var}` failed: {}", String::from_utf8_lossy(&out.stderr).trim());
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

pub(crate) fn run(opts: Options) -> anyhow::Result<()> {
    let go = PathBuf::from(std::env::var_os("GO").unwrap_or_else(|| "go".into()));
    let goroot = PathBuf::from(go_env(&go, "GOROOT")?);
    let version = go_env(&go, "GOVERSION")?;
    let jobs = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    let root = std::env::temp_dir().join(format!("go-link-build-bench-{}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&root).with_context(|| format!("failed to create {}", root.display()))?;
    eprintln!(
        "bench: {version} ({}), {jobs} cores, {} round(s), work dir {}",
        goroot.display(),
        opts.rounds,
        root.display()
    );

    let cli = build_cli()?;
    // go1.26.8 → 1.26 (a go line without the patch is valid since Go 1.21).
    let go_line = version.trim_start_matches("go").split('.').take(2).collect::<Vec<_>>().join(".");
    let mut bench = Bench { go, goroot, cli, jobs, edits: 0, go_line };
    let res = run_rounds(&mut bench, &opts, &root);
    if opts.keep {
        eprintln!("bench: kept {}", root.display());
    } else {
        let _ = modproxy::remove_tree(&root);
    }
    let samples = res?;

    println!();
    println!(
        "{:<8} {:<24} {:>14} {:>11} {:>7} {:>7}   go-link-build did (last round)",
        "program", "scenario", "go-link-build", "go build", "ratio", "floor"
    );
    for ((prog, scenario), runs) in &samples {
        let ours = median(runs.iter().map(|s| s.ours_ms).collect());
        let go = median(runs.iter().map(|s| s.go_ms).collect());
        // The tools of an edit rebuild run one after another: their time is
        // what remains with an engine that costs nothing.
        let floor = if scenario.is_edit() {
            format!("{:.2}x", median(runs.iter().map(|s| s.tools_ms / s.go_ms).collect()))
        } else {
            String::new()
        };
        println!(
            "{:<8} {:<24} {:>11.1} ms {:>8.1} ms {:>6.2}x {:>7}   {}",
            prog,
            scenario.label(),
            ours,
            go,
            ours / go,
            floor,
            runs.last().map(|s| s.note.as_str()).unwrap_or("")
        );
    }
    println!();
    println!(
        "medians of {} round(s); ratio = go-link-build / go build (below 1 means go-link-build is faster); \
         floor (edits) = go-link-build's time in compile and link, the same commands go build runs, / go build",
        opts.rounds
    );
    Ok(())
}

/// Builds the `go-link-build` command in release mode (what `cargo install`
/// gives a user) and returns its path, beside this xtask's target dir.
fn build_cli() -> anyhow::Result<PathBuf> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    status("Building", "the go-link-build command (release) for the CLI no-op scenario");
    let ok = Command::new(&cargo)
        .args(["build", "--quiet", "--release", "-p", "go-link-build", "--features", "cli", "--bin", "go-link-build"])
        .status()
        .context("failed to run cargo")?
        .success();
    anyhow::ensure!(ok, "`cargo build --release --bin go-link-build` failed");
    // target/<profile>/xtask → target/release/go-link-build
    let exe = std::env::current_exe().context("cannot find the xtask executable")?;
    let target = exe.parent().and_then(Path::parent).context("the xtask executable is not in a target dir")?;
    let cli = target.join("release").join(format!("go-link-build{}", std::env::consts::EXE_SUFFIX));
    anyhow::ensure!(cli.is_file(), "{} was not built", cli.display());
    Ok(cli)
}

type Samples = BTreeMap<(&'static str, Scenario), Vec<Sample>>;

fn run_rounds(bench: &mut Bench, opts: &Options, root: &Path) -> anyhow::Result<Samples> {
    let mut samples: Samples = BTreeMap::new();
    // The remote cache scenario's server (one for the whole run; each round
    // uses its own prefix, so each round starts from an empty server).
    let remote_server = if nginx::nginx_binary().is_some() {
        nginx::Nginx::start(&nginx::NginxOptions::default())
    } else {
        status("Skipping", "the remote cache scenario: nginx is not installed (Debian: apt-get install nginx)");
        None
    };
    for round in 0..opts.rounds {
        for (i, prog) in PROGRAMS.iter().enumerate() {
            if opts.only.as_deref().is_some_and(|o| o != prog.name) {
                continue;
            }
            let dir = root.join(format!("round{}", round + 1)).join(prog.name);
            let mut w = Workdir {
                src: dir.join("src"),
                ours_out: dir.join("ours-out"),
                ours_cache: dir.join("ours-cache"),
                go_cache: dir.join("gocache"),
                go_exe: dir.join("go-out").join(prog.name),
                gomodcache: None,
                remote: None,
            };
            if prog.modules {
                // The proxy, the tidied fixture and a downloaded module cache,
                // made with a go cache of their own so both builds start cold.
                let app = modproxy::prepare_modapp(&bench.goroot, &dir.join("modules"), &dir.join("prep-gocache"))
                    .context("failed to set up the `modules` benchmark program")?;
                w.src = app.dir;
                w.gomodcache = Some(app.gomodcache);
                write(&w.src.join("greeting.go"), prog.main_go)?;
            }
            for d in [&w.src, &w.ours_out, &w.ours_cache, &w.go_cache] {
                std::fs::create_dir_all(d).with_context(|| format!("failed to create {}", d.display()))?;
            }
            let mut deep = "deep 0".to_string();
            if prog.deep {
                prepare_gofmt(&bench.goroot, &w.src, &deep)
                    .context("failed to copy go/format and its packages for the `gofmt` benchmark program")?;
            }
            if !prog.modules {
                // `gofmt` is the installed Go's own code, which may use its newest language features.
                let go_line = if prog.deep { bench.go_line.as_str() } else { "1.21" };
                write(&w.src.join("go.mod"), &format!("module example.com/bench/{}\n\ngo {go_line}\n", prog.name))?;
                write(&w.src.join("main.go"), prog.main_go)?;
            }
            let mut greeting = "hello, world".to_string();
            write(&w.src.join("msg.go"), &msg_go(&greeting))?;
            let benchedit = w.src.join("go/token/benchedit.go");

            // Alternate the order by round and program, so neither builder
            // always runs on a warmer page cache.
            let ours_first = (round + i) % 2 == 0;
            for scenario in [
                Scenario::Cold,
                Scenario::NoOp,
                Scenario::CliNoOp,
                Scenario::Edit,
                Scenario::DepComment,
                Scenario::DeepEdit,
                Scenario::NewWorkspace,
            ] {
                if matches!(scenario, Scenario::DepComment | Scenario::DeepEdit) && !prog.deep {
                    continue;
                }
                if scenario == Scenario::Edit {
                    bench.edits += 1;
                    greeting = format!("hello, world #{}", bench.edits);
                    write(&w.src.join("msg.go"), &msg_go(&greeting))?;
                }
                if scenario == Scenario::DepComment {
                    bench.edits += 1;
                    let text = std::fs::read_to_string(&benchedit)?;
                    write(&benchedit, &format!("{text}\n// edit #{} (a comment only)\n", bench.edits))?;
                }
                if scenario == Scenario::DeepEdit {
                    bench.edits += 1;
                    let new = format!("deep {}", bench.edits);
                    let text = std::fs::read_to_string(&benchedit)?;
                    let edited = text.replace(&format!("\"{deep}\""), &format!("\"{new}\""));
                    anyhow::ensure!(edited != text, "{} does not return {deep:?}", benchedit.display());
                    write(&benchedit, &edited)?;
                    deep = new;
                }
                if scenario == Scenario::CliNoOp {
                    // The first CLI build installs its output (from the cache); the second is the no-op.
                    bench.cli(&w, prog)?;
                    let (ours, go) = if ours_first {
                        let ours = bench.cli(&w, prog)?;
                        (ours, bench.go_build(&w, prog)?)
                    } else {
                        let go = bench.go_build(&w, prog)?;
                        (bench.cli(&w, prog)?, go)
                    };
                    let sample = Sample { ours_ms: ours, go_ms: go, tools_ms: 0.0, note: "CLI stamp".to_string() };
                    status(
                        "Measured",
                        &format!(
                            "{} {} (round {}/{}): go-link-build {:.1} ms, go build {:.1} ms",
                            prog.name,
                            scenario.label(),
                            round + 1,
                            opts.rounds,
                            ours,
                            go
                        ),
                    );
                    samples.entry((prog.name, scenario)).or_default().push(sample);
                    continue;
                }
                if scenario == Scenario::NewWorkspace {
                    // Another checkout of the same code, another target dir; same caches.
                    let src2 = dir.join("workspace2").join("src");
                    copy_tree(&w.src, &src2)?;
                    w.src = src2;
                    w.ours_out = dir.join("workspace2").join("ours-out");
                    w.go_exe = dir.join("workspace2").join("go-out").join(prog.name);
                }
                let (ours, go, art) = bench.pair(&w, prog, ours_first)?;
                if scenario != Scenario::NoOp {
                    verify(prog, art.path(), &w.go_exe, &greeting, &deep)?;
                }
                let sample = Sample {
                    ours_ms: ours,
                    go_ms: go,
                    tools_ms: art.stats().tool_time.as_secs_f64() * 1000.0,
                    note: note(&art),
                };
                status(
                    "Measured",
                    &format!(
                        "{} {} (round {}/{}): go-link-build {:.1} ms, go build {:.1} ms ({})",
                        prog.name,
                        scenario.label(),
                        round + 1,
                        opts.rounds,
                        ours,
                        go,
                        sample.note
                    ),
                );
                samples.entry((prog.name, scenario)).or_default().push(sample);
            }
            if prog.name == "server" {
                if let Some(server) = &remote_server {
                    let remote_dir = dir.join("remote");
                    let url = server.url(&format!("/round{}", round + 1));
                    // Populate the server from a cache of its own (not timed).
                    let populate = Workdir {
                        ours_out: remote_dir.join("populate-out"),
                        ours_cache: remote_dir.join("populate-cache"),
                        remote: Some(url.clone()),
                        ..w.clone()
                    };
                    let (_, art) = bench.ours(&populate, prog)?;
                    anyhow::ensure!(art.remote_warning().is_none(), "{:?}", art.remote_warning());
                    let cold = Workdir {
                        ours_out: remote_dir.join("ours-out"),
                        ours_cache: remote_dir.join("ours-cache"),
                        go_cache: remote_dir.join("gocache"),
                        remote: Some(url),
                        ..w.clone()
                    };
                    for d in [&cold.ours_out, &cold.ours_cache, &cold.go_cache] {
                        std::fs::create_dir_all(d).with_context(|| format!("failed to create {}", d.display()))?;
                    }
                    let (ours, go, art) = bench.pair(&cold, prog, ours_first)?;
                    verify(prog, art.path(), &cold.go_exe, &greeting, &deep)?;
                    let st = art.stats();
                    anyhow::ensure!(
                        st.compiled == 0 && !st.linked && art.remote_warning().is_none(),
                        "the remote cache did not serve the whole build: {st:?} {:?}",
                        art.remote_warning()
                    );
                    let scenario = Scenario::ColdRemote;
                    let sample = Sample {
                        ours_ms: ours,
                        go_ms: go,
                        tools_ms: art.stats().tool_time.as_secs_f64() * 1000.0,
                        note: note(&art),
                    };
                    status(
                        "Measured",
                        &format!(
                            "{} {} (round {}/{}): go-link-build {:.1} ms, go build {:.1} ms ({}, {} remote hits, {:.1} MB down)",
                            prog.name,
                            scenario.label(),
                            round + 1,
                            opts.rounds,
                            ours,
                            go,
                            sample.note,
                            st.remote.hits,
                            st.remote.bytes_down as f64 / 1e6
                        ),
                    );
                    samples.entry((prog.name, scenario)).or_default().push(sample);
                }
            }
            // A round's caches are a few hundred MB; drop them as we go (the
            // module cache is read-only, as the go command leaves it).
            if !opts.keep {
                let _ = modproxy::remove_tree(&dir);
            }
        }
    }
    Ok(samples)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians() {
        assert_eq!(median(vec![3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(vec![4.0, 1.0, 2.0, 3.0]), 2.5);
        assert_eq!(median(vec![7.0]), 7.0);
    }

    #[test]
    fn options() {
        let parse = |a: &[&str]| Options::parse(&a.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(parse(&[]).unwrap().rounds, 3);
        assert_eq!(parse(&["--quick"]).unwrap().rounds, 1);
        assert_eq!(parse(&["--rounds", "5"]).unwrap().rounds, 5);
        assert_eq!(parse(&["--rounds=2"]).unwrap().rounds, 2);
        assert!(parse(&["--rounds", "0"]).is_err());
        assert!(parse(&["--rounds"]).is_err());
        assert!(parse(&["--fast"]).is_err());
        assert_eq!(parse(&["--only", "server"]).unwrap().only.as_deref(), Some("server"));
        assert!(parse(&["--only", "nope"]).is_err());
    }
}
