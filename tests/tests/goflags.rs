//! Go's own flags, the cargo way: `Build::gcflags` / `ldflags` (and GOFLAGS's)
//! against `go build` with the same flags, which packages they reach, what
//! they rebuild, and the flags refused.

use std::path::{Path, PathBuf};

use go_link_build_tests::*;

/// go-link-build with the shared cache (std is compiled once per process and run).
fn ours(goroot: &Path, dir: &Path, out: &Path, gcflags: &[&str], ldflags: &[&str]) -> go_link_build::Build {
    let mut b = builder(goroot, dir, out, &shared_cache("glb"));
    // Relative patterns (`./...=`) from the fixture, as go build's from its cwd.
    b.manifest_dir(dir);
    for g in gcflags {
        b.gcflags(g);
    }
    for l in ldflags {
        b.ldflags(l);
    }
    b
}

/// `go build -trimpath` with the same flags, in `dir`.
fn theirs(goroot: &Path, dir: &Path, out: &Path, flags: &[String]) -> PathBuf {
    let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
    go_build_trimpath(go_command(goroot), dir, ".", out, &flags, "go build with the same flags")
}

#[test]
fn gcflags_and_ldflags_match_go_build() {
    let Some(goroot) = host_goroot() else { return };
    let (scratch, dir) = copy_fixture("goflags");
    let cases: &[(&[&str], &[&str])] = &[
        (&["-N -l"], &["-X main.version=1.2.3"]),
        // A pattern naming the library only; the main package gets nothing.
        (&["example.com/goflags/lib=-N -l"], &["-s -w -X=main.version=stripped"]),
        // The later setting wins for the packages it matches.
        (&["-N", "./...=-l"], &[]),
    ];
    for (i, (gc, ld)) in cases.iter().enumerate() {
        let art = ours(&goroot, &dir, &scratch.join(format!("out{i}")), gc, ld)
            .try_binary("prog")
            .unwrap_or_else(|e| panic!("case {i}: go-link-build failed:\n{e}"));
        let mut flags: Vec<String> = gc.iter().map(|g| format!("-gcflags={g}")).collect();
        flags.extend(ld.iter().map(|l| format!("-ldflags={l}")));
        let go = theirs(&goroot, &dir, &scratch.join(format!("go{i}")), &flags);
        let (a, b) = (run(art.path(), &[]), run(&go, &[]));
        assert_eq!(a, b, "case {i}: output differs from go build's");
        let (ma, mb) = (version_m(&goroot, art.path()), version_m(&goroot, &go));
        assert_eq!(ma, mb, "case {i}: go version -m differs from go build's");
        assert!(ma.contains("build\t-gcflags="), "case {i}: {ma}");
        if i == 0 {
            assert!(a.contains("version: 1.2.3") && a.contains("lib: 42"), "{a}");
            assert!(ma.contains("build\t-gcflags=\"-N -l\""), "{ma}");
        }
        if i == 1 {
            assert!(a.contains("version: stripped"), "{a}");
            // -s: no symbol table, as go build's.
            let bytes = std::fs::read(art.path()).unwrap();
            assert!(!bytes.windows(8).any(|w| w == b".symtab\0"), "-s should drop .symtab");
        }
    }
}

#[test]
fn goflags_from_the_environment_apply_like_go_builds() {
    let Some(goroot) = host_goroot() else { return };
    let (scratch, dir) = copy_fixture("goflags");
    let goflags = "-ldflags=-X=main.version=fromenv '-gcflags=-N -l'";
    let mut b = ours(&goroot, &dir, &scratch.join("out"), &[], &[]);
    b.env("GOFLAGS", goflags);
    let art = b.try_binary("prog").unwrap_or_else(|e| panic!("go-link-build failed:\n{e}"));
    let mut go = go_command(&goroot);
    go.env("GOFLAGS", format!("-mod=mod -buildvcs=false {goflags}"));
    go_build_trimpath(go, &dir, ".", &scratch.join("go"), &[], "GOFLAGS");
    let a = run(art.path(), &[]);
    assert!(a.contains("version: fromenv"), "{a}");
    assert_eq!(a, run(&scratch.join("go"), &[]));
    assert_eq!(version_m(&goroot, art.path()), version_m(&goroot, &scratch.join("go")));

    // The setter's value comes after GOFLAGS's, as the command line does.
    b.ldflags("-X=main.version=setter");
    let art = b.try_binary("prog").unwrap();
    assert!(run(art.path(), &[]).contains("version: setter"));
}

/// A changed -gcflags recompiles exactly the packages it matches (and
/// relinks); a changed -ldflags relinks only.
#[test]
fn flags_rebuild_only_what_they_reach() {
    let Some(goroot) = host_goroot() else { return };
    let (scratch, dir) = copy_fixture("goflags");
    // A private cache: the counts below must not depend on other tests.
    let cache = scratch.join("cache");
    let build = |gc: &[&str], ld: &[&str]| {
        let mut b = builder(&goroot, &dir, &scratch.join("out"), &cache);
        b.manifest_dir(&dir);
        for g in gc {
            b.gcflags(g);
        }
        for l in ld {
            b.ldflags(l);
        }
        b.try_binary("prog").unwrap_or_else(|e| panic!("go-link-build failed:\n{e}"))
    };
    let first = build(&[], &[]);
    let total = first.stats().compiled;
    assert!(total > 20, "{:?}", first.stats());

    let main_only = build(&["-N -l"], &[]);
    assert_eq!(main_only.stats().compiled, 1, "no pattern: the main package only: {:?}", main_only.stats());
    assert!(main_only.stats().linked);

    // The library, and main because lib's export data changed (-l drops
    // Answer's inline body); std is untouched.
    let lib = build(&["example.com/goflags/lib=-N -l"], &[]);
    assert_eq!(lib.stats().compiled, 2, "the library and its importer: {:?}", lib.stats());

    let module = build(&["./...=-l"], &[]);
    assert_eq!(module.stats().compiled, 2, "./... from the manifest dir: main and lib: {:?}", module.stats());
    let by_path = build(&["example.com/goflags/...=-l"], &[]);
    assert_eq!(by_path.stats().compiled, 0, "the same packages and flags: {:?}", by_path.stats());
    assert!(by_path.stats().linked, "the build info's -gcflags changed");

    let ld = build(&["./...=-l"], &["-X main.version=2"]);
    assert_eq!(ld.stats().compiled, 0, "ldflags compile nothing: {:?}", ld.stats());
    assert!(ld.stats().linked);
    assert!(run(ld.path(), &[]).contains("version: 2"));

    // Back to no flags: every action is the first build's, from the cache.
    let back = build(&[], &[]);
    assert_eq!(back.stats().compiled, 0, "{:?}", back.stats());
    assert!(!back.stats().linked, "the first link is cached: {:?}", back.stats());
}

#[test]
fn flags_that_break_the_build_are_refused() {
    let Some(goroot) = host_goroot() else { return };
    let (scratch, dir) = copy_fixture("goflags");
    let cases: &[(&[&str], &[&str], &str)] = &[
        (&["-o /tmp/x"], &[], "gcflags flag -o is not allowed: go-link-build sets -o itself for every compile run"),
        (&["all=-p=main"], &[], "gcflags flag -p=main is not allowed"),
        (&["std=-importcfg=/x"], &[], "gcflags flag -importcfg=/x is not allowed"),
        (&["-race"], &[], "gcflags flag -race is not allowed: use Build::race(true)"),
        (&[], &["-buildmode=pie"], "ldflags flag -buildmode=pie is not allowed"),
        (&[], &["-linkmode external"], "ldflags flag -linkmode is not allowed"),
        (&[], &["-extld=clang"], "ldflags flag -extld=clang is not allowed"),
        (&["all"], &[], "invalid value \"all\" for gcflags: missing =<value> in <pattern>=<value>"),
        (&[], &["-X 'main.v=open"], "invalid value \"-X 'main.v=open\" for ldflags: unterminated ' string"),
    ];
    for (gc, ld, want) in cases {
        let e = ours(&goroot, &dir, &scratch.join("out"), gc, ld).try_binary("prog").unwrap_err().to_string();
        assert!(e.contains(want), "{gc:?} {ld:?}: {e}");
    }
    assert!(!scratch.join("out/go-link-build/bin/prog").exists(), "nothing is built");
}

#[test]
fn cli_takes_gcflags_and_ldflags() {
    let Some(goroot) = host_goroot() else { return };
    let (scratch, dir) = copy_fixture("goflags");
    let cli = cli_binary();
    let help = std::process::Command::new(&cli).args(["build", "--help"]).output().unwrap();
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(help.contains("--gcflags") && help.contains("--ldflags"), "{help}");
    let out = scratch.join("prog");
    let res = std::process::Command::new(&cli)
        .args(["build", "--gcflags", "./...=-N -l", "--ldflags=-X main.version=cli", "-o"])
        .arg(&out)
        .arg("--goroot")
        .arg(&goroot)
        .arg(".")
        .current_dir(&dir)
        .env("GO_LINK_BUILD_CACHE", shared_cache("glb"))
        .output()
        .unwrap();
    assert!(res.status.success(), "{}", String::from_utf8_lossy(&res.stderr));
    assert!(run(&out, &[]).contains("version: cli"));
    assert!(version_m(&goroot, &out).contains("build\t-gcflags=\"./...=-N -l\""));
    // -n shows where the flags went: the module's two compiles, after -c=N
    // as in `go build -x`, and no std compile.
    let plan = std::process::Command::new(&cli)
        .args(["build", "-n", "--gcflags=./...=-N -l", "--goroot"])
        .arg(&goroot)
        .arg(".")
        .current_dir(&dir)
        .env("GO_LINK_BUILD_CACHE", shared_cache("glb"))
        .output()
        .unwrap();
    let plan = String::from_utf8_lossy(&plan.stderr);
    let with: Vec<&str> = plan.lines().filter(|l| l.contains(" -N -l -nolocalimports ")).collect();
    assert_eq!(with.len(), 2, "{plan}");
    assert!(
        with.iter().any(|l| l.contains(" -p main ")) && with.iter().any(|l| l.contains(" -p example.com/goflags/lib "))
    );
}

/// `Build::race(true)`: the fixture's data race is reported, as by a
/// `go build -race` program, with the same build info.
#[test]
fn race_detector_reports_the_data_race() {
    let Some(goroot) = host_goroot() else { return };
    if !cfg!(all(target_os = "linux", any(target_arch = "x86_64", target_arch = "aarch64"))) {
        return;
    }
    let (scratch, dir) = copy_fixture("goflags");
    let pkg = dir.join("cmd/race");
    let mut b = ours(&goroot, &pkg, &scratch.join("out"), &[], &[]);
    b.race(true);
    let art = b.try_binary("race").unwrap_or_else(|e| panic!("go-link-build failed:\n{e}"));
    let out = std::process::Command::new(art.path()).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("WARNING: DATA RACE"), "{stderr}");
    assert_eq!(out.status.code(), Some(66), "{stderr}");
    let go = scratch.join("go-race");
    let mut cmd = go_command(&goroot);
    cmd.env("CGO_ENABLED", "1");
    go_build_trimpath(cmd, &pkg, ".", &go, &["-race"], "-race");
    let (ma, mb) = (version_m(&goroot, art.path()), version_m(&goroot, &go));
    assert_eq!(ma, mb, "go version -m differs from go build -race's");
    assert!(ma.contains("build\t-race=true"), "{ma}");

    // The same program without race: nothing reported, std from the
    // ordinary cache entries (race builds keep their own).
    let plain = ours(&goroot, &pkg, &scratch.join("out-plain"), &[], &[]).try_binary("race").unwrap();
    let out = std::process::Command::new(plain.path()).output().unwrap();
    assert!(out.status.success() && !String::from_utf8_lossy(&out.stderr).contains("DATA RACE"));

    // A port without a race detector, and cgo turned off: clear errors.
    let mut b = ours(&goroot, &pkg, &scratch.join("out-386"), &[], &[]);
    b.race(true).target("i686-unknown-linux-gnu");
    let e = b.try_binary("race").unwrap_err().to_string();
    assert!(e.contains("-race is not supported on linux/386"), "{e}");
    let mut b = ours(&goroot, &pkg, &scratch.join("out-nocgo"), &[], &[]);
    b.race(true).cgo(false);
    let e = b.try_binary("race").unwrap_err().to_string();
    assert!(e.contains("-race requires cgo"), "{e}");
}

/// Runs `program` with `GOCOVERDIR` set to a new directory `dir` and returns
/// its stdout; the directory then holds the program's coverage profile.
fn run_covered(program: &Path, dir: &Path) -> String {
    std::fs::create_dir_all(dir).unwrap();
    let out = std::process::Command::new(program).env("GOCOVERDIR", dir).output().unwrap();
    assert!(out.status.success(), "{} failed: {}", program.display(), String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The names of the profile's files (`covmeta.<meta hash>`, the counters'
/// names end in a PID and a time) and `go tool covdata percent` / `textfmt`.
fn coverage_of(goroot: &Path, dir: &Path, scratch: &Path) -> (Vec<String>, String, String) {
    let mut meta: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("covmeta."))
        .collect();
    meta.sort();
    let counters = std::fs::read_dir(dir)
        .unwrap()
        .filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().starts_with("covcounters."))
        .count();
    assert!(!meta.is_empty() && counters > 0, "no covmeta/covcounters files in {}", dir.display());
    let covdata = |args: &[&str]| {
        let res = go_command(goroot).args(["tool", "covdata"]).args(args).arg(format!("-i={}", dir.display())).output();
        let res = res.unwrap();
        assert!(res.status.success(), "go tool covdata {args:?}: {}", String::from_utf8_lossy(&res.stderr));
        String::from_utf8_lossy(&res.stdout).into_owned()
    };
    let percent = covdata(&["percent"]);
    let text = scratch.join(format!("{}.txt", dir.file_name().unwrap().to_string_lossy()));
    covdata(&["textfmt", &format!("-o={}", text.display())]);
    (meta, percent, std::fs::read_to_string(text).unwrap())
}

/// `Build::cover(true)`: the program writes a coverage profile into
/// GOCOVERDIR equal to the one of the same program built by
/// `go build -cover -trimpath` (same meta-data file, same percentages and
/// counters), with the same build info.
#[test]
fn cover_writes_the_profile_go_build_cover_writes() {
    let Some(goroot) = host_goroot() else { return };
    let (scratch, dir) = copy_fixture("goflags");
    let pkg = dir.join("cmd/cover");
    let mut b = ours(&goroot, &pkg, &scratch.join("out"), &[], &[]);
    b.cover(true);
    let art = b.try_binary("cover").unwrap_or_else(|e| panic!("go-link-build failed:\n{e}"));
    let go = theirs(&goroot, &pkg, &scratch.join("go-cover"), &["-cover".to_string()]);
    let a = run_covered(art.path(), &scratch.join("cov-ours"));
    assert_eq!(a, run_covered(&go, &scratch.join("cov-go")));
    let ours_cov = coverage_of(&goroot, &scratch.join("cov-ours"), &scratch.0);
    let go_cov = coverage_of(&goroot, &scratch.join("cov-go"), &scratch.0);
    assert_eq!(ours_cov, go_cov, "the coverage profile differs from go build -cover's");
    // Both packages of the module, neither at 0% or 100%: the counters count.
    let percent = &ours_cov.1;
    assert!(percent.contains("example.com/goflags/cmd/cover\t\tcoverage: 50.0% of statements"), "{percent}");
    assert!(percent.contains("example.com/goflags/lib\t\tcoverage: 60.0% of statements"), "{percent}");
    assert!(!percent.contains("fmt"), "the standard library is not instrumented: {percent}");
    let (ma, mb) = (version_m(&goroot, art.path()), version_m(&goroot, &go));
    assert_eq!(ma, mb, "go version -m differs from go build -cover's");
    assert!(ma.contains("build\t-cover=true"), "{ma}");

    // Off again: the plain program writes nothing.
    let plain = ours(&goroot, &pkg, &scratch.join("out"), &[], &[]).try_binary("cover").unwrap();
    assert!(!version_m(&goroot, plain.path()).contains("-cover"));
    run_covered(plain.path(), &scratch.join("cov-plain"));
    assert_eq!(std::fs::read_dir(scratch.join("cov-plain")).unwrap().count(), 0);
}

#[test]
fn cli_takes_cover() {
    let Some(goroot) = host_goroot() else { return };
    let (scratch, dir) = copy_fixture("goflags");
    let cli = cli_binary();
    let help = std::process::Command::new(&cli).args(["build", "--help"]).output().unwrap();
    assert!(String::from_utf8_lossy(&help.stdout).contains("--cover"));
    let pkg = dir.join("cmd/cover");
    let cli_run = |extra: &[&str]| {
        std::process::Command::new(&cli)
            .args(["build", "--cover"])
            .args(extra)
            .arg("--goroot")
            .arg(&goroot)
            .arg(".")
            .current_dir(&pkg)
            .env("GO_LINK_BUILD_CACHE", shared_cache("glb"))
            .output()
            .unwrap()
    };
    let out = scratch.join("prog");
    let res = cli_run(&["-o", out.to_str().unwrap()]);
    assert!(res.status.success(), "{}", String::from_utf8_lossy(&res.stderr));
    run_covered(&out, &scratch.join("cov-cli"));
    let go = theirs(&goroot, &pkg, &scratch.join("go-cover"), &["-cover".to_string()]);
    run_covered(&go, &scratch.join("cov-go"));
    let (cli_cov, go_cov) = (
        coverage_of(&goroot, &scratch.join("cov-cli"), &scratch.0),
        coverage_of(&goroot, &scratch.join("cov-go"), &scratch.0),
    );
    assert_eq!(cli_cov.1, go_cov.1, "covdata percent differs from go build -cover's");
    // -n: the cover tool runs for the module's two packages, as in
    // `go build -x -cover`, and their compiles (only) get -coveragecfg.
    let plan = cli_run(&["-n"]);
    let plan = String::from_utf8_lossy(&plan.stderr);
    let cover: Vec<&str> = plan.lines().filter(|l| l.contains("/cover -pkgcfg ")).collect();
    assert_eq!(cover.len(), 2, "{plan}");
    assert!(cover.iter().any(|l| l.contains(" -mode set -var goCover_64fa3c348c4e_ -outfilelist ")), "{plan}");
    let compiles: Vec<&str> = plan.lines().filter(|l| l.contains("-coveragecfg=$WORK/")).collect();
    assert_eq!(compiles.len(), 2, "{plan}");
    assert!(compiles.iter().all(|l| l.contains("covervars.go") && l.contains(".cover.go")), "{plan}");
}

/// `Build::cover` with cgo (the cgo file instrumented before cgo translates
/// it) and with `Build::race` (atomic mode: covered packages import
/// sync/atomic): the profile and build info of `go build -cover` (`-race`).
#[test]
fn cover_with_cgo_and_with_race_like_go_build() {
    let Some(goroot) = host_goroot() else { return };
    if !cfg!(all(target_os = "linux", any(target_arch = "x86_64", target_arch = "aarch64"))) {
        return;
    }
    let (scratch, dir) = copy_fixture("goflags");
    let cases: &[(&str, &str)] = &[("cmd/covercgo", ""), ("cmd/cover", "-race")];
    for (i, (pkg, flag)) in cases.iter().enumerate() {
        let pkg = dir.join(pkg);
        let mut b = ours(&goroot, &pkg, &scratch.join(format!("out{i}")), &[], &[]);
        b.cover(true).cgo(true).race(!flag.is_empty());
        let art = b.try_binary("prog").unwrap_or_else(|e| panic!("case {i}: go-link-build failed:\n{e}"));
        let go = scratch.join(format!("go{i}"));
        let mut cmd = go_command(&goroot);
        cmd.env("CGO_ENABLED", "1");
        let flags: &[&str] = if flag.is_empty() { &["-cover"] } else { &["-cover", flag] };
        go_build_trimpath(cmd, &pkg, ".", &go, flags, &format!("case {i}"));
        let (da, db) = (scratch.join(format!("cov-ours{i}")), scratch.join(format!("cov-go{i}")));
        assert_eq!(run_covered(art.path(), &da), run_covered(&go, &db), "case {i}");
        let (a, b) = (coverage_of(&goroot, &da, &scratch.0), coverage_of(&goroot, &db, &scratch.0));
        assert_eq!(a, b, "case {i}: the coverage profile differs from go build -cover {flag}'s");
        let mode = if flag.is_empty() { "mode: set\n" } else { "mode: atomic\n" };
        assert!(a.2.starts_with(mode), "case {i}: {}", a.2);
        assert!(!a.1.contains("100.0%") && !a.1.contains(" 0.0%"), "case {i}: {}", a.1);
        assert_eq!(version_m(&goroot, art.path()), version_m(&goroot, &go), "case {i}: go version -m differs");
    }
}

/// `Build::cover` against other Go releases: the oldest (1.21, where cover
/// runs inside the build action), the last that records no `-cover` in the
/// build info (1.22) and the newest; Go 1.24 with the coverage redesign
/// turned off has no `go build -cover`, nor `Build::cover`.
#[test]
fn cover_across_go_releases() {
    let (scratch, dir) = copy_fixture("goflags");
    let pkg = dir.join("cmd/cover");
    let roots = extra_goroots();
    let mut tested = 0;
    for (version, goroot) in roots.iter().filter(|(v, _)| matches!(go_minor_patch(v).0, 21 | 22 | 27)) {
        tested += 1;
        let mut b = ours(goroot, &pkg, &scratch.join(format!("out-{version}")), &[], &[]);
        b.cover(true);
        let art = b.try_binary("cover").unwrap_or_else(|e| panic!("{version}: go-link-build failed:\n{e}"));
        let go = theirs(goroot, &pkg, &scratch.join(format!("go-{version}")), &["-cover".to_string()]);
        let (da, db) = (scratch.join(format!("cov-ours-{version}")), scratch.join(format!("cov-go-{version}")));
        assert_eq!(run_covered(art.path(), &da), run_covered(&go, &db), "{version}");
        let (a, b) = (coverage_of(goroot, &da, &scratch.0), coverage_of(goroot, &db, &scratch.0));
        assert_eq!(a, b, "{version}: the coverage profile differs from go build -cover's");
        assert!(a.1.contains("coverage: 50.0% of statements"), "{version}: {}", a.1);
        let (ma, mb) = (version_m(goroot, art.path()), version_m(goroot, &go));
        assert_eq!(ma, mb, "{version}: go version -m differs from go build -cover's");
        assert_eq!(ma.contains("build\t-cover=true"), go_minor_patch(version).0 >= 23, "{version}: {ma}");
    }
    // .ci/run fetches the whole matrix (see `matrix`): there, nothing may be skipped.
    assert!(
        tested == 3 || std::env::var_os("CI").is_none(),
        "go1.21, go1.22 and go1.27 are not all in the module cache"
    );
    for (version, goroot) in roots.iter().filter(|(v, _)| go_minor_patch(v).0 == 24) {
        let mut b = ours(goroot, &pkg, &scratch.join("out-noredesign"), &[], &[]);
        b.cover(true).env("GOEXPERIMENT", "nocoverageredesign");
        let e = b.try_binary("cover").unwrap_err().to_string();
        assert!(e.contains("Build::cover needs Go's coverage redesign") && e.contains("nocoverageredesign"), "{e}");
        let res = go_command(goroot)
            .env("GOEXPERIMENT", "nocoverageredesign")
            .args(["build", "-cover", "-o"])
            .arg(scratch.join("go-noredesign"))
            .arg(".")
            .current_dir(&pkg)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&res.stderr);
        assert!(!res.status.success() && stderr.contains("-cover"), "{version}: go build -cover: {stderr}");
    }
}

/// Cover is in the keys of what it changes only: turning it on compiles
/// the instrumented packages and runtime/coverage's closure and relinks;
/// the plain build's actions stay cached beside the covered ones.
#[test]
fn cover_rebuilds_only_what_it_changes() {
    let Some(goroot) = host_goroot() else { return };
    let (scratch, dir) = copy_fixture("goflags");
    let pkg = dir.join("cmd/cover");
    // A private cache: the counts below must not depend on other tests.
    let cache = scratch.join("cache");
    let build = |cover: bool| {
        let mut b = builder(&goroot, &pkg, &scratch.join("out"), &cache);
        b.cover(cover);
        b.try_binary("cover").unwrap_or_else(|e| panic!("go-link-build failed:\n{e}"))
    };
    let plain = build(false);
    assert!(plain.stats().compiled > 20, "{:?}", plain.stats());
    let covered = build(true);
    // cmd/cover and lib instrumented, runtime/coverage and the internal/coverage packages it needs.
    assert!(covered.stats().compiled > 2, "{:?}", covered.stats());
    assert!(covered.stats().compiled < plain.stats().compiled, "std is shared: {:?}", covered.stats());
    assert!(covered.stats().linked);
    let again = build(true);
    assert_eq!((again.stats().compiled, again.stats().linked), (0, false), "{:?}", again.stats());
    let back = build(false);
    assert_eq!((back.stats().compiled, back.stats().linked), (0, false), "plain actions cached: {:?}", back.stats());
    assert!(!version_m(&goroot, back.path()).contains("-cover"));
}
