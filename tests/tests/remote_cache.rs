//! The remote cache against a real server: nginx with WebDAV PUT (see
//! `go_link_build_tests::nginx`), started by each test on a free port.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use go_link_build::Artifact;
use go_link_build_tests::nginx::{Nginx, NginxOptions};
use go_link_build_tests::*;

/// One raw HTTP/1.1 request; returns the status code and the response text.
fn raw_request(port: u16, method: &str, path: &str, headers: &str, body: &[u8]) -> (u16, String) {
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: {}\r\n{headers}\r\n",
        body.len()
    )
    .unwrap();
    s.write_all(body).unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    let status = out.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    (status, out)
}

/// The harness itself: PUT creates the nested path in the data dir, GET and
/// HEAD find it, a missing key is a 404, and the auth variant refuses a
/// request without the right header.
#[test]
fn nginx_harness_speaks_webdav_put() {
    let Some(server) = Nginx::start(&NginxOptions::default()) else { return };
    let key = "ab".repeat(32);
    let (st, _) = raw_request(server.port(), "PUT", &format!("/pre/cas/{key}"), "", b"blob");
    assert!((200..300).contains(&st), "PUT: {st}");
    assert_eq!(std::fs::read(server.data_dir().join("pre/cas").join(&key)).unwrap(), b"blob");
    let (st, text) = raw_request(server.port(), "GET", &format!("/pre/cas/{key}"), "", b"");
    assert_eq!(st, 200);
    assert!(text.ends_with("\r\n\r\nblob"), "{text}");
    assert_eq!(raw_request(server.port(), "GET", &format!("/pre/ac/{key}"), "", b"").0, 404);

    let Some(auth) = Nginx::start(&NginxOptions { require_authorization: Some("Bearer s3cret".into()) }) else {
        return;
    };
    assert_eq!(raw_request(auth.port(), "PUT", &format!("/cas/{key}"), "", b"x").0, 401);
    let (st, _) = raw_request(auth.port(), "PUT", &format!("/cas/{key}"), "Authorization: Bearer s3cret\r\n", b"x");
    assert!((200..300).contains(&st), "authorized PUT: {st}");
}

/// Every file under `dir`, relative path → bytes (the server's state).
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else { continue };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.insert(p.strip_prefix(dir).unwrap().to_path_buf(), std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

fn sha256_hex(data: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(data).iter().map(|b| format!("{b:02x}")).collect()
}

/// The server's CAS is consistent: every blob is named by its SHA-256, and
/// every action result names only blobs that are there.
fn assert_consistent(server: &Nginx, prefix: &str) {
    let snap = snapshot(&server.data_dir().join(prefix));
    let cas: BTreeMap<String, &Vec<u8>> = snap
        .iter()
        .filter_map(|(p, d)| p.strip_prefix("cas").ok().map(|n| (n.to_string_lossy().into_owned(), d)))
        .collect();
    assert!(!cas.is_empty(), "no blobs on the server");
    for (name, data) in &cas {
        assert_eq!(&sha256_hex(data), name, "blob {name} does not hash to its name");
    }
    let mut results = 0;
    for (p, data) in &snap {
        if p.starts_with("ac") {
            results += 1;
            // An ActionResult names each blob as a 64-hex-digit string field.
            let text = String::from_utf8_lossy(data);
            let named: Vec<&str> = cas.keys().map(String::as_str).filter(|h| text.contains(h)).collect::<Vec<_>>();
            assert!(!named.is_empty(), "action result {} names no blob on the server", p.display());
        }
    }
    assert!(results > 0, "no action results on the server");
}

struct Builds {
    goroot: PathBuf,
    dir: PathBuf,
    scratch: Scratch,
}

impl Builds {
    /// The multi-package program with `-X main.version=<version>` (cgo on, so
    /// it shares the standard library's actions with the C archive).
    fn program(&self, cache: &str, out: &str, url: &str, version: &str, mode: Option<&str>) -> Artifact {
        let mut b =
            builder(&self.goroot, &self.dir.join("multi/cmd/app"), &self.scratch.join(out), &self.scratch.join(cache));
        b.cgo(true).ldflag_x("main.version", version).remote_cache(url);
        if let Some(m) = mode {
            b.env("GO_LINK_BUILD_REMOTE_CACHE_MODE", m);
        }
        b.try_binary("app").unwrap_or_else(|e| panic!("{e}"))
    }

    fn archive(&self, cache: &str, out: &str, url: &str) -> Artifact {
        let mut b =
            builder(&self.goroot, &self.dir.join("cffi/calc"), &self.scratch.join(out), &self.scratch.join(cache));
        b.runtime_links_check(false).remote_cache(url);
        b.try_c_archive("calc").unwrap_or_else(|e| panic!("{e}"))
    }
}

fn read(p: &Path) -> Vec<u8> {
    std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The whole protocol against one nginx, sharing one populated server (the
/// standard library is compiled once, by builder A):
/// - A (empty local cache) populates the server; B (another empty local
///   cache) then compiles and links nothing, and its outputs are A's bytes;
/// - `read` mode uploads nothing;
/// - a server that is down, and one that accepts and never answers: the
///   build succeeds locally with one warning, within the timeout bound;
/// - a corrupted blob on the server is detected, named, and built locally;
/// - concurrent builders writing the same actions leave a consistent cache.
#[test]
fn remote_cache_end_to_end() {
    let Some(goroot) = host_goroot() else { return };
    let Some(server) = Nginx::start(&NginxOptions::default()) else { return };
    let scratch = Scratch::new("remote");
    for f in ["multi", "cffi"] {
        let mut opts = fs_extra::dir::CopyOptions::new();
        opts.copy_inside = true;
        fs_extra::dir::copy(fixtures().join(f), scratch.join("src").join(f), &opts).unwrap();
    }
    let builds = Builds { goroot, dir: scratch.join("src"), scratch };
    let url = server.url("/cache");

    // A: everything is built and uploaded.
    let a_prog = builds.program("cache-a", "out-a", &url, "1", None);
    let a_lib = builds.archive("cache-a", "out-a", &url);
    for art in [&a_prog, &a_lib] {
        let st = art.stats();
        assert!(st.compiled > 0 && st.linked, "{st:?}");
        assert_eq!(st.remote.hits, 0, "{st:?}");
        assert!(st.remote.uploads > 0 && st.remote.bytes_up > 0, "{st:?}");
        assert_eq!(art.remote_warning(), None);
    }
    assert_consistent(&server, "cache");

    // B: nothing compiled, nothing linked, byte-identical outputs.
    let b_prog = builds.program("cache-b", "out-b", &url, "1", None);
    let b_lib = builds.archive("cache-b", "out-b", &url);
    for (a, b) in [(&a_prog, &b_prog), (&a_lib, &b_lib)] {
        let st = b.stats();
        assert_eq!((st.compiled, st.linked), (0, false), "B built something: {st:?}");
        assert!(st.remote.hits > 0 && st.remote.bytes_down > 0, "{st:?}");
        assert_eq!(st.remote.uploads, 0, "{st:?}");
        assert_eq!(b.remote_warning(), None);
        assert!(read(a.path()) == read(b.path()), "{} differs from A's", b.path().display());
    }
    assert_eq!(read(a_lib.header().unwrap()), read(b_lib.header().unwrap()));
    // B's cache keeps the sum of both builds' counters (`go-link-build cache` shows it).
    let totals = go_link_build::CacheDir::open(Some(&builds.scratch.join("cache-b"))).unwrap().remote_totals();
    let (p, l) = (b_prog.stats().remote, b_lib.stats().remote);
    assert_eq!(
        (totals.hits, totals.misses, totals.bytes_down, totals.uploads),
        (p.hits + l.hits, p.misses + l.misses, p.bytes_down + l.bytes_down, 0),
        "{totals:?}"
    );
    assert_eq!(run(b_prog.path(), &[]), run(a_prog.path(), &[]));

    // read mode: the link runs locally, and nothing is uploaded.
    let before = snapshot(&server.data_dir());
    let r = builds.program("cache-b", "out-r", &url, "2", Some("read"));
    assert!(r.stats().linked && r.stats().remote.misses > 0, "{:?}", r.stats());
    assert_eq!(r.stats().remote.uploads, 0);
    assert_eq!(r.remote_warning(), None);
    assert!(snapshot(&server.data_dir()) == before, "read mode changed the server's data");

    // Server down: nothing listens on the port.
    let down = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://127.0.0.1:{}", l.local_addr().unwrap().port())
    };
    let d = builds.program("cache-b", "out-down", &down, "3", None);
    assert!(d.stats().linked);
    let w = d.remote_warning().expect("a warning when the server is down");
    assert!(w.contains("cannot connect"), "{w}");
    assert!(run(d.path(), &[]).contains("version: 3"));

    // A server that accepts and never answers: bounded by the I/O timeout.
    let hang = TcpListener::bind("127.0.0.1:0").unwrap();
    let hang_url = format!("http://127.0.0.1:{}", hang.local_addr().unwrap().port());
    let stop = Arc::new(AtomicBool::new(false));
    let holder = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut held = Vec::new();
            for conn in hang.incoming() {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                held.push(conn);
            }
        })
    };
    let started = Instant::now();
    let h = builds.program("cache-b", "out-hang", &hang_url, "4", None);
    let took = started.elapsed();
    stop.store(true, Ordering::Relaxed);
    let _ = std::net::TcpStream::connect(hang_url.trim_start_matches("http://"));
    holder.join().unwrap();
    assert!(h.stats().linked);
    let w = h.remote_warning().expect("a warning when the server hangs");
    assert!(w.contains("no answer within the timeout"), "{w}");
    // One I/O timeout (10 s) and a link; generous for a loaded machine.
    assert!(took < Duration::from_secs(90), "a hanging server held the build for {took:?}");

    // A corrupted blob: A's program, same size, different bytes.
    let prog_hex = sha256_hex(&read(a_prog.path()));
    let blob = server.data_dir().join("cache/cas").join(&prog_hex);
    let mut bad = read(&blob);
    let mid = bad.len() / 2;
    bad[mid] ^= 0xff;
    std::fs::write(&blob, &bad).unwrap();
    let c = builds.program("cache-c", "out-c", &url, "1", None);
    let st = c.stats();
    assert_eq!(st.compiled, 0, "the packages still come from the server: {st:?}");
    assert!(st.linked, "the program was linked locally: {st:?}");
    let w = c.remote_warning().expect("a warning about the corrupted blob");
    assert!(w.contains(&prog_hex), "the warning names the digest: {w}");
    assert!(read(c.path()) == read(a_prog.path()), "the locally linked program is A's");
    // The builder that found the damage uploaded the right bytes again.
    assert!(read(&blob) == read(a_prog.path()), "the damaged blob on the server was not replaced");

    // Concurrent builders writing the same (new) actions.
    let arts: Vec<Artifact> = std::thread::scope(|s| {
        let hs: Vec<_> = ["e1", "e2", "e3"]
            .iter()
            .map(|n| {
                let builds = &builds;
                let url = &url;
                s.spawn(move || builds.program(&format!("cache-{n}"), &format!("out-{n}"), url, "5", None))
            })
            .collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for a in &arts {
        assert_eq!(a.remote_warning(), None, "{:?}", a.stats());
        assert!(read(a.path()) == read(arts[0].path()));
    }
    assert_consistent(&server, "cache");
    let f = builds.program("cache-f", "out-f", &url, "5", None);
    assert_eq!((f.stats().compiled, f.stats().linked), (0, false), "{:?}", f.stats());
    assert!(read(f.path()) == read(arts[0].path()));

    header_authentication(&builds);
}

/// The `go-link-build` CLI binary.
fn cli() -> PathBuf {
    cli_binary()
}

/// A server that requires `Authorization: Bearer <secret>`: the right
/// header uploads, a wrong one gives one warning line and a local build; no
/// secret ever appears in the CLI's output, even with the debug log on.
fn header_authentication(builds: &Builds) {
    const RIGHT: &str = "s3cret-right-t0ken";
    const WRONG: &str = "s3cret-wrong-t0ken";
    let Some(server) = Nginx::start(&NginxOptions { require_authorization: Some(format!("Bearer {RIGHT}")) }) else {
        return;
    };
    let cli = cli();
    let run_cli = |token: &str, version: &str| {
        let out = builds.scratch.join(format!("auth-{version}"));
        let res = Command::new(&cli)
            .args(["build", "--cgo", "-X"])
            .arg(format!("main.version={version}"))
            .arg("--goroot")
            .arg(&builds.goroot)
            .arg("--cache")
            .arg(builds.scratch.join("cache-b"))
            .arg("-o")
            .arg(&out)
            .arg(builds.dir.join("multi/cmd/app"))
            .env("GO_LINK_BUILD_REMOTE_CACHE", server.url("/c"))
            .env("GO_LINK_BUILD_REMOTE_CACHE_HEADERS", format!("Authorization: Bearer {token}\nX-Team: go"))
            .env("GO_LINK_BUILD_DEBUG", "1")
            .output()
            .unwrap();
        let text = format!("{}{}", String::from_utf8_lossy(&res.stdout), String::from_utf8_lossy(&res.stderr));
        assert!(res.status.success(), "{text}");
        assert!(!text.contains(RIGHT) && !text.contains(WRONG), "a secret was printed:\n{text}");
        assert!(run(&out, &[]).contains(&format!("version: {version}")));
        text
    };
    // Right token: the link's action is uploaded (the packages were local hits).
    let text = run_cli(RIGHT, "6");
    assert!(text.contains("remote GET ac/"), "the debug log shows each request:\n{text}");
    // The CLI's one summary line: the link missed remotely and was uploaded.
    let summary = text.lines().find(|l| l.starts_with("remote cache: ")).unwrap_or_else(|| panic!("{text}"));
    assert!(summary.contains(" misses, ") && !summary.contains(" 0 uploads"), "{summary}");
    assert!(!text.contains("warning: go-link-build: remote"), "{text}");
    let stored = snapshot(&server.data_dir().join("c"));
    assert!(stored.keys().any(|p| p.starts_with("ac")) && stored.keys().any(|p| p.starts_with("cas")), "{stored:?}");
    // Wrong token: one warning line, a local link, nothing stored.
    let text = run_cli(WRONG, "7");
    let warnings: Vec<&str> = text.lines().filter(|l| l.starts_with("warning:")).collect();
    assert_eq!(warnings.len(), 1, "{text}");
    assert!(warnings[0].contains("401"), "{text}");
    assert!(snapshot(&server.data_dir().join("c")) == stored, "a refused client changed the server's data");
    // `go-link-build cache` sums what the remote cache did for every build of this cache.
    let out = Command::new(&cli).arg("cache").arg("--cache").arg(builds.scratch.join("cache-b")).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    let line = text.lines().find(|l| l.starts_with("remote cache, all builds")).unwrap_or_else(|| panic!("{text}"));
    assert!(line.contains(" hits, ") && line.contains(" MB down, ") && line.contains(" MB up"), "{line}");
}
