//! A real HTTP cache server for the remote-cache tests: nginx with WebDAV
//! `PUT`, started on 127.0.0.1 with a free port and a configuration, data,
//! pid, log and temp paths all in a scratch directory, killed on drop.
//!
//! Debian's `nginx` package has the DAV module built in (`nginx -V` lists
//! `--with-http_dav_module`); `.ci/run` installs it when missing. Without
//! nginx the tests say so and pass, except under CI (`CI` set), where they fail.
//!
//! Self-contained (std only), so `cargo xtask bench` includes it too.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The server's directory, removed on drop (kept with `GLB_KEEP_SCRATCH`).
struct Dir(PathBuf);

impl Dir {
    fn new() -> Dir {
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("glb-nginx-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Dir(dir)
    }

    fn join(&self, p: impl AsRef<Path>) -> PathBuf {
        self.0.join(p)
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        if std::env::var_os("GLB_KEEP_SCRATCH").is_none() {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

/// The nginx binary, if installed. `/usr/sbin` is not on every user's PATH.
pub fn nginx_binary() -> Option<PathBuf> {
    for candidate in ["nginx", "/usr/sbin/nginx"] {
        if let Ok(o) = Command::new(candidate).arg("-v").output() {
            if o.status.success() {
                return Some(PathBuf::from(candidate));
            }
        }
    }
    let msg = "`nginx` is not installed (Debian: apt-get install nginx)";
    if std::env::var_os("CI").is_some() {
        panic!("{msg}, and CI is set: the remote-cache tests must run");
    }
    eprintln!("skipping: {msg}");
    None
}

/// Options for a test server.
#[derive(Default, Clone)]
pub struct NginxOptions {
    /// Answer 401 unless the request carries exactly this `Authorization` value.
    pub require_authorization: Option<String>,
}

/// A running nginx serving and accepting files under [`Nginx::data_dir`].
pub struct Nginx {
    child: Child,
    port: u16,
    scratch: Dir,
}

impl Nginx {
    /// Starts nginx, or returns `None` (with a message) when it is not installed.
    pub fn start(opts: &NginxOptions) -> Option<Nginx> {
        let bin = nginx_binary()?;
        let scratch = Dir::new();
        for d in ["data", "tmp", "logs"] {
            std::fs::create_dir_all(scratch.join(d)).unwrap();
        }
        // The port is free when we look; another process may take it before
        // nginx binds, so a failed start is retried with a new port.
        let mut last_log = String::new();
        for _ in 0..5 {
            let port = free_port();
            let conf = scratch.join("nginx.conf");
            std::fs::write(&conf, config(&scratch.0, port, opts)).unwrap();
            let mut child = Command::new(&bin)
                .arg("-p")
                .arg(&scratch.0)
                .arg("-e")
                .arg(scratch.join("logs/error.log"))
                .arg("-c")
                .arg(&conf)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("start nginx");
            if wait_listening(&mut child, port) {
                return Some(Nginx { child, port, scratch });
            }
            let _ = child.kill();
            let _ = child.wait();
            last_log = std::fs::read_to_string(scratch.join("logs/error.log")).unwrap_or_default();
        }
        panic!("nginx did not start; its error log:\n{last_log}");
    }

    /// `http://127.0.0.1:<port>` plus `prefix` (e.g. `/cache`).
    pub fn url(&self, prefix: &str) -> String {
        format!("http://127.0.0.1:{}{prefix}", self.port)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Where PUT stores files: `<data>/<prefix>/ac/<hex>`, `<data>/<prefix>/cas/<hex>`.
    pub fn data_dir(&self) -> PathBuf {
        self.scratch.join("data")
    }

    /// nginx's access log (method, path, status of every request).
    pub fn access_log(&self) -> String {
        std::fs::read_to_string(self.scratch.join("logs/access.log")).unwrap_or_default()
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn wait_listening(child: &mut Child, port: u16) -> bool {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            return false;
        }
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn config(dir: &Path, port: u16, opts: &NginxOptions) -> String {
    let d = dir.display();
    // Running as root, nginx would switch its workers to `nobody`, who cannot
    // write the data dir; `master_process off` keeps one process (ours to
    // kill) running as the test's user.
    let auth = match &opts.require_authorization {
        Some(v) => format!("if ($http_authorization != \"{v}\") {{ return 401; }}"),
        None => String::new(),
    };
    format!(
        r#"daemon off;
master_process off;
worker_processes 1;
pid {d}/logs/nginx.pid;
error_log {d}/logs/error.log warn;
events {{ worker_connections 512; }}
http {{
    access_log {d}/logs/access.log;
    client_body_temp_path {d}/tmp/body;
    proxy_temp_path {d}/tmp/proxy;
    fastcgi_temp_path {d}/tmp/fastcgi;
    uwsgi_temp_path {d}/tmp/uwsgi;
    scgi_temp_path {d}/tmp/scgi;
    client_max_body_size 1g;
    keepalive_requests 100000;
    server {{
        listen 127.0.0.1:{port};
        location / {{
            {auth}
            root {d}/data;
            dav_methods PUT;
            create_full_put_path on;
            dav_access user:rw group:r all:r;
        }}
    }}
}}
"#
    )
}
