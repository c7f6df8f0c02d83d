//! The action cache as a user and a hostile environment meet it: damaged
//! entries, killed builds, trimming, concurrent builds, a second workspace,
//! and installing outputs.
//!
//! Every test works on a private copy of one warmed cache (the standard
//! library the `multi` fixture needs, built once per test process into
//! [`shared_cache`]), so damage never reaches the shared copy and no test
//! compiles `runtime` again. Nothing here touches the user's cache: every
//! build names its cache explicitly (or, for the default-location test, a
//! private `XDG_CACHE_HOME`).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

use go_link_build_tests::*;
use sha2::{Digest as _, Sha256};

/// The `go-link-build` CLI binary.
fn cli() -> PathBuf {
    cli_binary()
}

/// The warmed cache and the reference program (`multi/cmd/app` built into a
/// clean cache), once per process.
struct Warm {
    goroot: PathBuf,
    cache: PathBuf,
    reference: Vec<u8>,
}

fn warm() -> Option<&'static Warm> {
    static WARM: OnceLock<Option<Warm>> = OnceLock::new();
    WARM.get_or_init(|| {
        let goroot = host_goroot()?;
        let cache = shared_cache("cache-tests");
        let (scratch, dir) = copy_fixture("multi");
        let art = builder(&goroot, &dir.join("cmd/app"), &scratch.join("out"), &cache)
            .try_binary("app")
            .unwrap_or_else(|e| panic!("warm-up build failed:\n{e}"));
        let reference = std::fs::read(art.path()).unwrap();
        Some(Warm { goroot, cache, reference })
    })
    .as_ref()
}

/// A private copy of the warmed cache.
fn private_cache(w: &Warm, scratch: &Scratch, name: &str) -> PathBuf {
    let dst = scratch.join(name);
    let st = Command::new("cp").arg("-a").arg(&w.cache).arg(&dst).status().unwrap();
    assert!(st.success(), "copying the warmed cache");
    let _ = std::fs::remove_dir_all(dst.join("tmp"));
    std::fs::create_dir_all(dst.join("tmp")).unwrap();
    dst
}

fn sha256_hex(data: &[u8]) -> String {
    Sha256::digest(data).iter().map(|b| format!("{b:02x}")).collect()
}

/// Every blob of a cache, with its content.
fn blobs(cache: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    for sub in std::fs::read_dir(cache.join("cas")).unwrap().flatten() {
        for f in std::fs::read_dir(sub.path()).unwrap().flatten() {
            if let Ok(data) = std::fs::read(f.path()) {
                out.push((f.path(), data));
            }
        }
    }
    out.sort();
    out
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// The blobs the damage tests aim at: the linked program, the archives of the
/// fixture's own packages, and the smallest standard-library archive.
fn targets(cache: &Path, program: &[u8]) -> Vec<PathBuf> {
    let all = blobs(cache);
    let program_hash = sha256_hex(program);
    let mut t: Vec<PathBuf> = all.iter().filter(|(p, _)| p.ends_with(&program_hash)).map(|(p, _)| p.clone()).collect();
    assert_eq!(t.len(), 1, "the linked program is in the cache under its SHA-256");
    let archives: Vec<&(PathBuf, Vec<u8>)> = all.iter().filter(|(_, d)| d.starts_with(b"!<arch>\n")).collect();
    let ours: Vec<PathBuf> =
        archives.iter().filter(|(_, d)| contains(d, b"example.com/Multi")).map(|(p, _)| p.clone()).collect();
    assert!(ours.len() >= 3, "the fixture's package archives are in the cache");
    t.extend(ours);
    let std_smallest = archives
        .iter()
        .filter(|(_, d)| !contains(d, b"example.com/Multi"))
        .min_by_key(|(_, d)| d.len())
        .map(|(p, _)| p.clone())
        .unwrap();
    t.push(std_smallest);
    t
}

#[test]
fn damaged_entries_are_rebuilt_never_installed() {
    let Some(w) = warm() else { return };
    let scratch = Scratch::new("cache-damage");
    let cache = private_cache(w, &scratch, "cache");
    let (_src, dir) = copy_fixture("multi");
    type Damage = fn(&Path, &Path);
    let damages: [(&str, Damage); 5] = [
        ("truncated", |p, _| {
            let d = std::fs::read(p).unwrap();
            std::fs::write(p, &d[..d.len() / 2]).unwrap();
        }),
        ("emptied", |p, _| std::fs::write(p, b"").unwrap()),
        ("garbage of the same size", |p, _| {
            let d = std::fs::read(p).unwrap();
            let g: Vec<u8> = (0..d.len()).map(|i| (i as u8).wrapping_mul(31) ^ 0x5a).collect();
            std::fs::write(p, g).unwrap();
        }),
        ("a symlink to another file", |p, other| {
            std::fs::remove_file(p).unwrap();
            std::os::unix::fs::symlink(other, p).unwrap();
        }),
        ("deleted", |p, _| std::fs::remove_file(p).unwrap()),
    ];
    for (i, (what, damage)) in damages.iter().enumerate() {
        let t = targets(&cache, &w.reference);
        // Something of another size to point symlinks at.
        let other = scratch.join("other");
        std::fs::write(&other, b"not a Go archive").unwrap();
        for p in &t {
            damage(p, &other);
        }
        let out = scratch.join(format!("out{i}"));
        match builder(&w.goroot, &dir.join("cmd/app"), &out, &cache).try_binary("app") {
            Ok(art) => {
                let got = std::fs::read(art.path()).unwrap();
                assert!(got == w.reference, "{what}: exit 0 with a program that differs from a clean-cache build");
                let st = art.stats();
                assert!(st.linked && st.compiled >= 4, "{what}: the damaged entries were rebuilt: {st:?}");
            }
            Err(e) => {
                let msg = e.to_string();
                assert!(msg.contains("cache"), "{what}: an error that does not name the cache:\n{msg}");
            }
        }
    }
    // After all that, a build is a plain hit.
    let art = builder(&w.goroot, &dir.join("cmd/app"), &scratch.join("out-final"), &cache).try_binary("app").unwrap();
    assert_eq!(std::fs::read(art.path()).unwrap(), w.reference);
    assert_eq!((art.stats().compiled, art.stats().linked), (0, false));
}

#[test]
fn killed_cold_builds_leave_nothing_behind() {
    let Some(w) = warm() else { return };
    let scratch = Scratch::new("cache-kill");
    let cache = scratch.join("cold-cache");
    let (_src, dir) = copy_fixture("multi");
    let out = scratch.join("app");
    let build = || {
        let mut cmd = Command::new(cli());
        cmd.arg("build").arg("--goroot").arg(&w.goroot).arg("--cache").arg(&cache).arg("-o").arg(&out);
        cmd.arg(dir.join("cmd/app"));
        cmd
    };
    let mut killed = Vec::new();
    for delay_ms in [300u64, 1500, 4000, 9000] {
        let mut child = build().stderr(std::process::Stdio::null()).spawn().unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        // SIGKILL: no destructor, no cleanup.
        let _ = child.kill();
        let _ = child.wait();
        killed.push(child.id());
        assert!(!out.exists() || std::fs::read(&out).unwrap() == w.reference, "no torn output after a kill");
    }
    let res = build().output().unwrap();
    assert!(res.status.success(), "the build after the kills failed:\n{}", String::from_utf8_lossy(&res.stderr));
    assert_eq!(std::fs::read(&out).unwrap(), w.reference, "the rebuilt program equals a clean build's");
    let left: Vec<String> = std::fs::read_dir(cache.join("tmp"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| killed.iter().any(|pid| n.starts_with(&format!("{pid}-"))))
        .collect();
    assert!(left.is_empty(), "temp dirs of killed builds are left: {left:?}");
}

/// Sets a file's mtime to `secs` since the epoch with touch(1).
fn set_mtime(path: &Path, secs: u64) {
    let st = Command::new("touch").arg("-m").arg("-d").arg(format!("@{secs}")).arg(path).status().unwrap();
    assert!(st.success());
}

fn all_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for sub in std::fs::read_dir(dir).unwrap().flatten() {
        for f in std::fs::read_dir(sub.path()).unwrap().flatten() {
            out.push(f.path());
        }
    }
    out
}

#[test]
fn trim_removes_unused_entries_and_keeps_used_ones() {
    let Some(w) = warm() else { return };
    let scratch = Scratch::new("cache-trim");
    let cache = private_cache(w, &scratch, "cache");
    let (_src, dir) = copy_fixture("multi");
    let app = |out: &str, x: &str| {
        builder(&w.goroot, &dir.join("cmd/app"), &scratch.join(out), &cache)
            .ldflag_x("main.version", x)
            .try_binary("app")
    };
    // Two programs share every package; only their links differ.
    app("a1", "a").unwrap();
    let b = app("b1", "b").unwrap();
    let b_bytes = std::fs::read(b.path()).unwrap();
    // Everything was last used ten days ago…
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    for f in all_files(&cache.join("ac")).into_iter().chain(all_files(&cache.join("cas"))) {
        set_mtime(&f, now - 10 * 24 * 3600);
    }
    // …then `a` is built again (in a new out dir: no stamp), which uses its entries.
    let a = app("a2", "a").unwrap();
    assert_eq!((a.stats().compiled, a.stats().linked), (0, false));
    let res = Command::new(cli()).arg("cache").arg("--cache").arg(&cache).arg("trim").output().unwrap();
    assert!(res.status.success(), "{}", String::from_utf8_lossy(&res.stderr));
    let said = String::from_utf8_lossy(&res.stdout);
    assert!(said.starts_with("trimmed ") && !said.starts_with("trimmed 0 "), "{said}");
    assert!(!cache.join("cas").join(&sha256_hex(&b_bytes)[..2]).join(sha256_hex(&b_bytes)).exists());
    // `a` is still a complete hit; `b` links again, compiling nothing.
    let a = app("a3", "a").unwrap();
    assert_eq!((a.stats().compiled, a.stats().linked), (0, false));
    let b = app("b2", "b").unwrap();
    assert_eq!((b.stats().compiled, b.stats().linked), (0, true));
    assert_eq!(std::fs::read(b.path()).unwrap(), b_bytes);
    // `cache` shows the location and counts; `cache clean` empties it.
    let res = Command::new(cli()).arg("cache").arg("--cache").arg(&cache).output().unwrap();
    let said = String::from_utf8_lossy(&res.stdout);
    assert!(said.contains(&format!("location: {}", cache.display())) && said.contains("entries: "), "{said}");
    let res = Command::new(cli()).arg("cache").arg("--cache").arg(&cache).arg("clean").output().unwrap();
    assert!(res.status.success());
    assert!(all_files(&cache.join("ac")).is_empty() && all_files(&cache.join("cas")).is_empty());
}

#[test]
fn concurrent_builds_share_one_cache() {
    let Some(w) = warm() else { return };
    let scratch = Scratch::new("cache-concurrent");
    let shared = private_cache(w, &scratch, "cache");
    let (_src, dir) = copy_fixture("multi");
    let (_csrc, cdir) = copy_fixture("cffi");
    // (label, x value or C archive)
    let jobs: Vec<(String, Option<&str>)> = (0..7)
        .map(|i| (format!("app{i}"), Some(["one", "two", "three"][i % 3])))
        .chain(std::iter::once(("carchive".to_string(), None)))
        .collect();
    let build = |cache: &Path, label: &str, x: Option<&str>| -> Vec<u8> {
        let out = scratch.join(format!("{}-{label}", cache.file_name().unwrap().to_string_lossy()));
        let art = match x {
            Some(x) => {
                builder(&w.goroot, &dir.join("cmd/app"), &out, cache).ldflag_x("main.version", x).try_binary("app")
            }
            None => builder(&w.goroot, &cdir.join("lib"), &out, cache)
                .package(cdir.join("calc"))
                .runtime_links_check(false)
                .try_c_archive("fx"),
        };
        std::fs::read(art.unwrap_or_else(|e| panic!("{label}: {e}")).path()).unwrap()
    };
    let parallel: Vec<Vec<u8>> = std::thread::scope(|s| {
        let handles: Vec<_> = jobs.iter().map(|(l, x)| s.spawn(|| build(&shared, l, *x))).collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let serial_cache = private_cache(w, &scratch, "serial");
    for ((label, x), got) in jobs.iter().zip(&parallel) {
        assert!(*got == build(&serial_cache, label, *x), "{label}: a concurrent build differs from a serial one");
    }
}

#[test]
fn a_second_workspace_compiles_no_standard_package() {
    let Some(w) = warm() else { return };
    let scratch = Scratch::new("cache-workspaces");
    // The per-user default location, in a private XDG_CACHE_HOME, seeded with the warm cache.
    let xdg = scratch.join("xdg");
    std::fs::create_dir_all(&xdg).unwrap();
    std::fs::rename(private_cache(w, &scratch, "cache"), xdg.join("go-link-build")).unwrap();
    let build = |ws: &str| {
        let (_src, dir) = copy_fixture("multi");
        let mut b = go_link_build::Build::new();
        b.package(dir.join("cmd/app"))
            .out_dir(scratch.join(ws).join("target/debug/build/x/out"))
            .goroot(&w.goroot)
            .cargo_metadata(false)
            .cargo_warnings(false)
            .env("GO_LINK_BUILD_CACHE", "")
            .env("XDG_CACHE_HOME", xdg.to_str().unwrap())
            .env("HOME", scratch.join("home").to_str().unwrap());
        b.try_binary("app").unwrap()
    };
    let first = build("ws1");
    let second = build("ws2");
    assert_eq!(second.stats().compiled, 0, "the second workspace compiled packages: {:?}", second.stats());
    assert_eq!(std::fs::read(first.path()).unwrap(), std::fs::read(second.path()).unwrap());
    assert!(!scratch.join("ws1/target/go-link-build-cache").exists(), "the target dir holds no cache");
}

#[test]
fn cli_installs_over_a_running_program_and_never_over_a_source_file() {
    let Some(w) = warm() else { return };
    let scratch = Scratch::new("cache-install");
    let cache = private_cache(w, &scratch, "cache");
    let module = scratch.join("sleeper");
    std::fs::create_dir_all(&module).unwrap();
    std::fs::write(module.join("go.mod"), "module example.com/sleeper\n\ngo 1.21\n").unwrap();
    let source = |v: &str| {
        format!(
            "package main\n\nimport (\n\t\"fmt\"\n\t\"os\"\n\t\"time\"\n)\n\nfunc main() {{\n\tif len(os.Args) > 1 {{\n\t\ttime.Sleep(60 * time.Second)\n\t}}\n\tfmt.Println(\"{v}\")\n}}\n"
        )
    };
    std::fs::write(module.join("main.go"), source("v1")).unwrap();
    let prog = scratch.join("prog");
    let build = |o: &Path| {
        Command::new(cli())
            .arg("build")
            .arg("--goroot")
            .arg(&w.goroot)
            .arg("--cache")
            .arg(&cache)
            .arg("-o")
            .arg(o)
            .arg(&module)
            .output()
            .unwrap()
    };
    let res = build(&prog);
    assert!(res.status.success(), "{}", String::from_utf8_lossy(&res.stderr));
    let mut running = Command::new(&prog).arg("sleep").spawn().unwrap();
    std::fs::write(module.join("main.go"), source("v2")).unwrap();
    let res = build(&prog);
    let _ = running.kill();
    let _ = running.wait();
    assert!(res.status.success(), "installing over a running program: {}", String::from_utf8_lossy(&res.stderr));
    assert_eq!(run(&prog, &[]).trim(), "v2");
    // -o naming a source file: refused, the file unchanged.
    let main_go = module.join("main.go");
    let before = std::fs::read(&main_go).unwrap();
    let res = build(&main_go);
    assert!(!res.status.success(), "-o main.go must be refused");
    let err = String::from_utf8_lossy(&res.stderr);
    assert!(err.contains("already exists and is not an object file"), "{err}");
    assert_eq!(std::fs::read(&main_go).unwrap(), before, "the source file is unchanged");
    // No temp file is left beside the output.
    let stray: Vec<_> = std::fs::read_dir(&scratch.0)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(".prog"))
        .collect();
    assert!(stray.is_empty(), "{stray:?}");
}
