//! Fixture programs built by go-link-build and by `go build`: both run, and
//! their output and build info must be identical.

use go_link_build_tests::*;

/// Builds `pkg` of fixture `fixture` both ways and compares run output and
/// `go version -m`. Returns our binary's output.
fn compare(goroot: &std::path::Path, fixture: &str, pkg: &str, tags: &[&str], x: &[(&str, &str)]) -> String {
    let (scratch, dir) = copy_fixture(fixture);
    let ours = {
        let mut b = builder(goroot, &dir.join(pkg), &scratch.join("out"), &scratch.join("cache"));
        b.tags(tags);
        for (k, v) in x {
            b.ldflag_x(k, v);
        }
        b.try_binary("prog").unwrap_or_else(|e| panic!("go-link-build failed:\n{e}")).path().to_path_buf()
    };
    let mut extra: Vec<String> = Vec::new();
    if !tags.is_empty() {
        extra.push(format!("-tags={}", tags.join(",")));
    }
    if !x.is_empty() {
        extra.push(format!("-ldflags={}", x.iter().map(|(k, v)| format!("-X={k}={v}")).collect::<Vec<_>>().join(" ")));
    }
    let extra: Vec<&str> = extra.iter().map(String::as_str).collect();
    let theirs = go_build(goroot, &dir, &format!("./{pkg}"), &scratch.join("go-built"), &extra);
    let (a, b) = (run(&ours, &[]), run(&theirs, &[]));
    assert_eq!(a, b, "program output differs from go build's");
    let (mut ma, mut mb) = (version_m(goroot, &ours), version_m(goroot, &theirs));
    // -ldflags is omitted from build info under -trimpath; both omit it.
    ma = ma.replace("\r", "");
    mb = mb.replace("\r", "");
    assert_eq!(ma, mb, "go version -m differs from go build -trimpath's");
    a
}

#[test]
fn multi_package_fixture_matches_go_build() {
    let Some(goroot) = host_goroot() else { return };
    let out = compare(&goroot, "multi", "cmd/app", &[], &[("main.version", "1.2.3")]);
    // Sanity: the features the fixture exercises really were exercised.
    assert!(out.contains("version: 1.2.3"), "{out}");
    assert!(out.contains("flavour: plain"), "{out}");
    assert!(out.contains("asm add: 42"), "{out}");
    assert!(out.contains("embedded: data/a.txt data/b.txt data/sub/c.json"), "{out}");
    assert!(out.contains("loopvar: 3 3 3"), "-lang=go1.21 semantics: {out}");
    assert!(out.contains("panicnil: <nil>"), "//go:debug panicnil=1: {out}");
}

#[test]
fn build_tags_select_files_like_go_build() {
    let Some(goroot) = host_goroot() else { return };
    let out = compare(&goroot, "multi", "cmd/app", &["fancy"], &[]);
    assert!(out.contains("flavour: fancy"), "{out}");
}

#[test]
fn go_1_22_semantics_and_net_http() {
    let Some(goroot) = host_goroot() else { return };
    let out = compare(&goroot, "modern", ".", &[], &[]);
    assert!(out.contains("loopvar: 0 1 2"), "{out}");
}

/// The same fixtures under other Go releases (fetched by `.ci/run`).
#[test]
fn go_version_matrix() {
    let Some(_) = host_goroot() else { return };
    let roots = extra_goroots();
    let wanted = ["go1.21", "go1.23"];
    for w in wanted {
        let present = roots.iter().any(|(v, _)| v.starts_with(&format!("{w}.")));
        if !present {
            let msg = format!("{w} is not in the module cache; run `GOTOOLCHAIN={w}.13 go version` (see .ci/run)");
            if std::env::var_os("CI").is_some() {
                panic!("{msg}");
            }
            eprintln!("skipping part of the matrix: {msg}");
        }
    }
    for (version, goroot) in &roots {
        eprintln!("matrix: {version} at {}", goroot.display());
        let out = compare(goroot, "multi", "cmd/app", &[], &[("main.version", version)]);
        assert!(out.contains(&format!("version: {version}")), "{version}: {out}");
        // range-over-int needs go1.22; the modern fixture builds from 1.22 on.
        let minor: u32 = version.split('.').nth(1).and_then(|m| m.parse().ok()).unwrap_or(0);
        if minor >= 22 {
            compare(goroot, "modern", ".", &[], &[]);
        }
    }
}
