//! The `go-link-build` command line, run the way a shell user would.

use std::path::PathBuf;
use std::process::Command;

use go_link_build_tests::*;

/// The `go-link-build` CLI binary.
fn cli() -> PathBuf {
    cli_binary()
}

#[test]
fn builds_with_only_a_goroot_and_no_go_on_path() {
    let Some(goroot) = host_goroot() else { return };
    let (scratch, dir) = copy_fixture("multi");
    // -o into directories that do not exist yet: created, as go build does.
    let out = scratch.join("bin/sub/app-bin");
    // PATH without any `go`: discovery must come from GOROOT alone.
    let res = Command::new(cli())
        .args(["build", "-X", "main.version=cli", "--tags", "fancy", "-o"])
        .arg(&out)
        .arg(dir.join("cmd/app"))
        .env_clear()
        .env("PATH", "/nonexistent")
        .env("GOROOT", &goroot)
        .env("GO_LINK_BUILD_CACHE", scratch.join("cache"))
        .output()
        .unwrap();
    assert!(res.status.success(), "{}", String::from_utf8_lossy(&res.stderr));
    // stderr is a pipe: no live progress, not one redraw byte.
    assert!(!res.stderr.iter().any(|b| *b == b'\r' || *b == 0x1b), "{:?}", String::from_utf8_lossy(&res.stderr));
    let text = run(&out, &[]);
    assert!(text.contains("version: cli") && text.contains("flavour: fancy"), "{text}");
}

/// On a terminal (a pseudo-terminal from util-linux's `script`), the build
/// draws `[done/total] action` over one line and erases it at the end; with
/// `-x` it draws nothing, so the printed commands are not mixed with it.
#[test]
fn live_progress_on_a_terminal_only() {
    let Some(goroot) = host_goroot() else { return };
    if !tool_available("script", "util-linux") {
        return;
    }
    let (scratch, dir) = copy_fixture("multi");
    let on_tty = |flags: &str, out: &str| -> String {
        // `script -q -e -c CMD /dev/null`: runs CMD with a pty as its
        // terminal and copies what it wrote to our pipe.
        let cmd = format!(
            "{} build {flags} --goroot {} --cache {} -o {} {} </dev/null",
            cli().display(),
            goroot.display(),
            shared_cache("glb").display(),
            scratch.join(out).display(),
            dir.join("cmd/app").display()
        );
        let res = Command::new("script").args(["-q", "-e", "-c", &cmd, "/dev/null"]).output().unwrap();
        let text = String::from_utf8_lossy(&res.stdout).into_owned();
        assert!(res.status.success(), "{cmd}: {text}");
        text
    };
    let text = on_tty("", "app1");
    // A warm cache makes the build quicker than one redraw interval: the
    // first event's line (`[ 0/70]`) at least is drawn.
    assert!(text.contains("\r\x1b[K[ 0/"), "no progress line drawn: {text:?}");
    assert!(text.ends_with("\r\x1b[K"), "the line is not erased at the end: {text:?}");
    let traced = on_tty("-x", "app2");
    assert!(!traced.contains("\x1b[K"), "progress mixed with -x: {traced:?}");
}

#[test]
fn reports_errors_and_exits_non_zero() {
    let (scratch, dir) = copy_fixture("syntaxerr");
    let res = Command::new(cli())
        .arg("build")
        .arg(&dir)
        .env_clear()
        .env("PATH", "/nonexistent")
        .env("GO_LINK_BUILD_CACHE", scratch.join("cache"))
        .output()
        .unwrap();
    assert!(!res.status.success());
    let err = String::from_utf8_lossy(&res.stderr);
    assert!(err.starts_with("error: no Go toolchain found"), "{err}");
}

#[test]
fn c_archive_and_print_link_flags() {
    let Some(goroot) = host_goroot() else { return };
    let (scratch, dir) = copy_fixture("cffi");
    let out = scratch.join("libcalc.a");
    let res = Command::new(cli())
        .args(["build", "--buildmode", "c-archive", "--print-link-flags", "-o"])
        .arg(&out)
        .arg(dir.join("lib"))
        .arg(dir.join("calc"))
        .env("GOROOT", &goroot)
        .env("GO_LINK_BUILD_CACHE", scratch.join("cache"))
        .output()
        .unwrap();
    assert!(res.status.success(), "{}", String::from_utf8_lossy(&res.stderr));
    // Only the flags line on stdout, for `$(go-link-build … --print-link-flags)`.
    let stdout = String::from_utf8_lossy(&res.stdout);
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert!(stdout.contains("-lpthread"), "{stdout}");
    assert!(out.is_file());
    // Named like go build's: -o libcalc.a writes libcalc.h beside it.
    let header = std::fs::read_to_string(scratch.join("libcalc.h")).unwrap();
    assert!(header.contains("FxFib") && header.contains("FxScale"), "both packages' exports: {header}");
}

/// A C archive's files are named as `go build -buildmode=c-archive` names
/// them (`-o DIR/libgo.a` → `DIR/libgo.h`; `-o DIR/` → `DIR/single.a` and
/// `DIR/single.h`), and the header is the same text.
#[test]
fn c_archive_files_named_like_go_build() {
    let Some(goroot) = host_goroot() else { return };
    let (scratch, dir) = copy_fixture("cffi");
    let pkg = dir.join("cmd/single");
    for (i, o) in ["libgo.a", "libgo", ""].into_iter().enumerate() {
        let (ours, theirs) = (scratch.join(format!("ours{i}")), scratch.join(format!("theirs{i}")));
        std::fs::create_dir_all(&ours).unwrap();
        std::fs::create_dir_all(&theirs).unwrap();
        // -o "" stands for -o DIR/ (an existing directory).
        let res = Command::new(cli())
            .args(["build", "--buildmode", "c-archive", "-o"])
            .arg(ours.join(o))
            .arg(&pkg)
            .env("GOROOT", &goroot)
            .env("GO_LINK_BUILD_CACHE", shared_cache("glb"))
            .output()
            .unwrap();
        assert!(res.status.success(), "{}", String::from_utf8_lossy(&res.stderr));
        let res = go_command(&goroot)
            .env("CGO_ENABLED", "1")
            .args(["build", "-trimpath", "-buildmode=c-archive", "-o"])
            .arg(theirs.join(o))
            .arg("./cmd/single")
            .current_dir(&dir)
            .output()
            .unwrap();
        assert!(res.status.success(), "{}", String::from_utf8_lossy(&res.stderr));
        let names = |d: &std::path::Path| {
            let mut v: Vec<String> =
                std::fs::read_dir(d).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
            v.sort();
            v
        };
        assert_eq!(names(&ours), names(&theirs), "-o {o:?}");
        let header = names(&theirs).into_iter().find(|n| n.ends_with(".h")).expect("go build wrote a header");
        assert_eq!(
            std::fs::read_to_string(ours.join(&header)).unwrap(),
            std::fs::read_to_string(theirs.join(&header)).unwrap(),
            "-o {o:?}: header text"
        );
    }
}

/// `go-link-build sidecars`: the sidecar workflow for users without an xtask,
/// here for a cross target (cgo off: no C toolchain needed) with --release.
#[test]
fn sidecars_subcommand_builds_declared_programs_for_a_target() {
    use object::Object as _;
    let help = Command::new(cli()).args(["sidecars", "--help"]).output().unwrap();
    let text = String::from_utf8_lossy(&help.stdout);
    assert!(help.status.success() && text.contains("--target") && text.contains("--release"), "{text}");

    let Some(goroot) = host_goroot() else { return };
    let (scratch, multi) = copy_fixture("multi");
    let ws = scratch.join("ws");
    std::fs::create_dir_all(ws.join("src")).unwrap();
    std::fs::rename(&multi, ws.join("multi")).unwrap();
    std::fs::write(ws.join("src/main.rs"), "fn main() {}\n").unwrap();
    std::fs::write(
        ws.join("Cargo.toml"),
        "[package]\nname = \"user\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\n[workspace]\n\n\
         [[package.metadata.go-link-build.sidecar]]\nname = \"app\"\npackage = \"multi/cmd/app\"\n",
    )
    .unwrap();
    let triple = "aarch64-unknown-linux-gnu";
    let res = Command::new(cli())
        .args(["sidecars", "--release", "--target", triple, "--goroot"])
        .arg(&goroot)
        .arg("--cache")
        // The cross tests' cache: the arm64 standard library is already there.
        .arg(std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("cross-cache"))
        .current_dir(&ws)
        .env("CARGO_TERM_COLOR", "never")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&res.stderr);
    assert!(res.status.success(), "{err}");
    assert!(err.contains("   Compiling app (user: multi/cmd/app) for aarch64-unknown-linux-gnu"), "{err}");
    for path in [ws.join(format!("target/go-bin/app-{triple}")), ws.join(format!("target/{triple}/release/app"))] {
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let file = object::File::parse(&*bytes).unwrap();
        assert_eq!(file.architecture(), object::Architecture::Aarch64, "{}", path.display());
        assert!(file.section_by_name(".symtab").is_none(), "--release did not strip {}", path.display());
    }
}

/// `-n` prints the plan's compile and link commands and writes nothing; `-x`
/// on an empty cache runs exactly those commands and prints them the same way.
#[test]
fn dry_run_prints_the_commands_that_x_runs() {
    let Some(goroot) = host_goroot() else { return };
    let (scratch, dir) = copy_fixture("multi");
    let out = scratch.join("app-bin");
    let cli_build = |flag: &str, cache: &str| {
        let res = Command::new(cli())
            .args(["build", flag, "--goroot"])
            .arg(&goroot)
            .arg("--cache")
            .arg(scratch.join(cache))
            .arg("-o")
            .arg(&out)
            .arg(dir.join("cmd/app"))
            .output()
            .unwrap();
        assert!(res.status.success(), "{flag}: {}", String::from_utf8_lossy(&res.stderr));
        String::from_utf8_lossy(&res.stderr).into_owned()
    };
    // The tool command lines (not the files written or the cd lines).
    let commands = |text: &str| -> Vec<String> {
        let mut v: Vec<String> =
            text.lines().filter(|l| l.contains("/pkg/tool/")).map(str::to_string).collect::<Vec<_>>();
        v.sort();
        v
    };
    let planned = cli_build("-n", "cache-n");
    assert!(!out.exists(), "-n wrote the program");
    let n = commands(&planned);
    assert!(n.iter().any(|l| l.contains("/compile") && l.contains(" -p main ")), "no compile of main in:\n{planned}");
    assert!(n.iter().filter(|l| l.contains("/link ")).count() == 1, "not one link in:\n{planned}");
    let ran = cli_build("-x", "cache-x");
    assert!(out.exists(), "-x built nothing");
    assert_eq!(commands(&ran), n, "-x ran other commands than -n printed");
}

/// Runs the CLI with its stderr (or stdout) a pipe whose reader is gone, so
/// every write to it fails with EPIPE, as under `… 2>&1 | head -0`. Returns
/// the exit status and the other stream. A hang (a worker that panicked on
/// its write) fails the test after two minutes instead of hanging it.
fn run_with_closed_pipe(args: &[std::ffi::OsString], close_stdout: bool) -> (std::process::ExitStatus, String) {
    use std::io::Read;
    use std::process::Stdio;
    let mut cmd = Command::new(cli());
    cmd.args(args).stdin(Stdio::null());
    // Closed before the CLI starts: closing our end after spawning raced with
    // a fast command (`cache`), whose few lines could reach the pipe first.
    if close_stdout {
        cmd.stdout(closed_pipe()).stderr(Stdio::piped());
    } else {
        cmd.stdout(Stdio::piped()).stderr(closed_pipe());
    }
    let mut child = cmd.spawn().unwrap();
    let mut other: Box<dyn Read + Send> =
        if close_stdout { Box::new(child.stderr.take().unwrap()) } else { Box::new(child.stdout.take().unwrap()) };
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = other.read_to_string(&mut s);
        s
    });
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    let status = loop {
        if let Some(st) = child.try_wait().unwrap() {
            break st;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("go-link-build {args:?} hung with a closed pipe");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    (status, reader.join().unwrap())
}

/// The write end of a pipe whose read end is already closed, so that every
/// write to it fails (EPIPE), whatever the timing: the read end was the
/// stdin of a process (this test binary, listing its tests) that has exited.
fn closed_pipe() -> std::process::Stdio {
    use std::process::Stdio;
    let mut reader = Command::new(std::env::current_exe().unwrap())
        .arg("--list")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let write_end = reader.stdin.take().unwrap();
    reader.wait().unwrap();
    Stdio::from(write_end)
}

/// A closed stderr or stdout never makes the CLI panic (exit 101) or hang:
/// diagnostics that cannot be written are dropped and the build exits with
/// its own status; a result that cannot be written to stdout is an error.
#[test]
fn closed_stderr_or_stdout_is_not_a_panic() {
    let Some(goroot) = host_goroot() else { return };
    let (scratch, dir) = copy_fixture("multi");
    let out = scratch.join("app-bin");
    let os = |s: &str| std::ffi::OsString::from(s);
    // The shared warmed cache: -x still prints the main package's compile and the link.
    let common = [os("--goroot"), goroot.clone().into(), os("--cache"), shared_cache("glb").into()];
    let build = |extra: &[&str], pkg: PathBuf| {
        let mut a: Vec<std::ffi::OsString> = vec![os("build")];
        a.extend(extra.iter().map(|s| os(s)));
        a.extend(common.iter().cloned());
        a.extend([os("-o"), out.clone().into(), pkg.into()]);
        a
    };

    // -x writes every command to stderr from the scheduler's workers.
    // A new -X value: the link runs (and is printed) even when everything else is cached.
    let x = format!("main.version=closed-pipe-{}-{:?}", std::process::id(), std::time::SystemTime::now());
    let (st, _) = run_with_closed_pipe(&(build(&["-x", "-X", &x], dir.join("cmd/app"))), false);
    assert_eq!(st.code(), Some(0), "-x build with a closed stderr");
    assert!(out.is_file());
    // A failing build: its error cannot be shown; the status is still 1.
    let (st, _) = run_with_closed_pipe(&(build(&[], dir.join("no/such/pkg"))), false);
    assert_eq!(st.code(), Some(1), "failing build with a closed stderr");
    // stdout closed: the result is lost, so the command fails, and says so.
    let mut cache = vec![os("cache"), os("--cache"), scratch.join("cache").into()];
    let (st, err) = run_with_closed_pipe(&cache, true);
    assert_eq!(st.code(), Some(1), "{err}");
    assert!(err.starts_with("error: writing to stdout:") && !err.contains("panicked"), "{err}");
    cache.push(os("--help"));
    let (st, err) = run_with_closed_pipe(&cache, true);
    assert!(!err.contains("panicked") && st.code() != Some(101), "{st:?} {err}");
}
