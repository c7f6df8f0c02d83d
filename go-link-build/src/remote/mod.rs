//! The remote cache: Bazel's HTTP cache protocol (`/ac/<action id>` holds an
//! `ActionResult`, `/cas/<sha256>` the blobs), spoken by bazel-remote, nginx
//! or Apache with WebDAV, and object-store gateways. Behind the
//! `remote-cache` feature.
//!
//! # Reading (on a local miss)
//! `GET ac/<id>`; 404 is a miss. The result must be one go-link-build could
//! have written (exit code 0, only plain output files with well-formed
//! digests); each blob the local cache lacks is fetched with
//! `GET cas/<sha256>` and its size and SHA-256 are checked before it is
//! installed into the local cache (blobs first, the record last, each by
//! rename). Anything wrong makes the whole action a miss: it is built
//! locally (and uploaded again in `readwrite` mode).
//!
//! # Writing (after a local build, `readwrite` mode)
//! Queued to a few upload threads so the build goes on: for each blob,
//! `HEAD cas/<sha256>` and `PUT` it (with `Content-Length`) if missing; the
//! `ActionResult` last, only when every blob is there, so no reader sees a
//! result whose blobs are missing. [`Remote::finish`] waits for the queue:
//! the build's outputs are installed before, the process exits after.
//!
//! # Failure is never fatal
//! Every problem is collected and summarised in one warning at the end of
//! the build. The first connection failure (refused, unreachable, timeout)
//! stops all requests to the server for the rest of the build; 401/403 on a
//! write stops writing, on a read stops everything.
//!
//! # Secrets
//! Extra headers (`GO_LINK_BUILD_REMOTE_CACHE_HEADERS`) and URL credentials
//! are sent with requests and appear nowhere else: not in messages, the debug
//! log, `rerun-if-env-changed` (cargo would store the value in its
//! fingerprint), the no-op stamp or any key.

pub(crate) mod http;
mod local;

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Instant;

use crate::cache::{Digest, OutputFile, Record};
use http::{Client, HttpError, Url};

pub(crate) use crate::execute::RemoteStats;

/// Uploads in flight at once; also the parallelism of prefetching.
const PARALLEL: usize = 4;
/// An `ActionResult` larger than this is not one of ours.
const MAX_ACTION_RESULT: u64 = 1 << 20;

/// `read` or `readwrite`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mode {
    Read,
    ReadWrite,
}

/// The remote cache settings of a build.
pub(crate) struct Config {
    pub url: Url,
    pub mode: Mode,
    /// `(name, value)`; values are secrets.
    pub headers: Vec<(String, String)>,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self.headers.iter().map(|(k, _)| k.as_str()).collect();
        write!(f, "Config {{ url: {:?}, mode: {:?}, headers: {names:?} }}", self.url, self.mode)
    }
}

impl Config {
    /// Parses the settings: `url` (from `Build::remote_cache` or
    /// `GO_LINK_BUILD_REMOTE_CACHE`), `mode` (`GO_LINK_BUILD_REMOTE_CACHE_MODE`),
    /// `headers` (`GO_LINK_BUILD_REMOTE_CACHE_HEADERS`: one `Name: value` per
    /// line). Error messages never quote a value: it may hold a secret.
    pub(crate) fn parse(url: &str, mode: Option<&str>, headers: Option<&str>) -> Result<Config, String> {
        let url = Url::parse(url.trim()).map_err(|e| format!("GO_LINK_BUILD_REMOTE_CACHE is not usable: {e}"))?;
        let mode = match mode.map(str::trim) {
            None | Some("") | Some("readwrite") => Mode::ReadWrite,
            Some("read") => Mode::Read,
            Some(_) => return Err("GO_LINK_BUILD_REMOTE_CACHE_MODE must be `read` or `readwrite`".into()),
        };
        let headers = match headers {
            Some(h) => parse_headers(h)?,
            None => Vec::new(),
        };
        let has_credentials = url.userinfo.is_some() || !headers.is_empty();
        if has_credentials && !url.https && !url.is_loopback() {
            return Err(format!(
                "credentials for {} would travel unencrypted: use https:// (plain http only to this machine)",
                url.redacted()
            ));
        }
        Ok(Config { url, mode, headers })
    }
}

/// `Name: value` lines (newline-separated: `;` and `,` occur inside header
/// values). Blank lines are ignored.
fn parse_headers(text: &str) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let bad = || format!("GO_LINK_BUILD_REMOTE_CACHE_HEADERS line {} is not `Name: value`", i + 1);
        let (name, value) = line.split_once(':').ok_or_else(bad)?;
        let name = name.trim();
        let value = value.trim();
        let token =
            !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
        if !token || value.bytes().any(|b| b < b' ' && b != b'\t' || b == 0x7f) {
            return Err(bad());
        }
        out.push((name.to_string(), value.to_string()));
    }
    Ok(out)
}

/// What the local cache offers the remote one. Implemented by the cache
/// module; a trait so this module needs nothing of its layout.
pub(crate) trait LocalStore: Send + Sync {
    /// Whether the local cache holds a blob with this digest.
    fn has_blob(&self, digest: &Digest) -> bool;
    /// Installs a fetched action: blobs first, then the record, atomically.
    /// `files` come with their (verified) contents, or `None` when the local
    /// cache has the blob already.
    fn install(&self, action_hex: &str, files: Vec<(OutputFile, Option<Vec<u8>>)>) -> Result<(), String>;
}

/// One action to upload: its id and its output files.
pub(crate) struct Upload {
    pub action_hex: String,
    pub files: Vec<UploadFile>,
}

/// An output file to upload.
pub(crate) struct UploadFile {
    /// The plain file name recorded in the `ActionResult`.
    pub name: String,
    pub path: PathBuf,
    pub executable: bool,
    /// The recorded digest, when the local cache has one; the bytes read
    /// must match it. Without one it is computed from the bytes read.
    pub digest: Option<Digest>,
}

/// The remote cache of one build.
pub(crate) struct Remote {
    client: Client,
    mode: Mode,
    /// Set at the first connection failure (or 401/403 on a read).
    off: AtomicBool,
    /// Set at 401/403 on a write.
    no_writes: AtomicBool,
    problems: Mutex<Problems>,
    hits: AtomicU64,
    misses: AtomicU64,
    bytes_down: AtomicU64,
    uploads: AtomicU64,
    bytes_up: AtomicU64,
    queue: Arc<(Mutex<Queue>, Condvar)>,
    workers: Mutex<Vec<std::thread::JoinHandle<()>>>,
    /// Actions already asked for in this build (each is asked at most once).
    tried: Mutex<std::collections::HashSet<String>>,
    /// Blobs the server returned with the wrong content: uploaded again
    /// without asking whether it has them.
    bad_blobs: Mutex<std::collections::HashSet<String>>,
    /// The local cache's root, where [`Remote::finish`] adds this build's
    /// counters to the totals `go-link-build cache` shows.
    totals: Mutex<Option<PathBuf>>,
}

impl std::fmt::Debug for Remote {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Remote({:?}, {:?})", self.client.url(), self.mode)
    }
}

#[derive(Default)]
struct Queue {
    jobs: VecDeque<Upload>,
    closed: bool,
}

#[derive(Default)]
struct Problems {
    count: usize,
    /// Distinct descriptions, in order, at most a few.
    first: Vec<String>,
}

impl Remote {
    pub(crate) fn new(cfg: &Config) -> Result<Arc<Remote>, String> {
        let client = Client::new(cfg.url.clone(), &cfg.headers)?;
        Ok(Arc::new(Remote {
            client,
            mode: cfg.mode,
            off: AtomicBool::new(false),
            no_writes: AtomicBool::new(false),
            problems: Mutex::new(Problems::default()),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
            bytes_down: AtomicU64::new(0),
            uploads: AtomicU64::new(0),
            bytes_up: AtomicU64::new(0),
            queue: Arc::new((Mutex::new(Queue::default()), Condvar::new())),
            workers: Mutex::new(Vec::new()),
            tried: Mutex::new(std::collections::HashSet::new()),
            bad_blobs: Mutex::new(std::collections::HashSet::new()),
            totals: Mutex::new(None),
        }))
    }

    pub(crate) fn stats(&self) -> RemoteStats {
        RemoteStats {
            hits: self.hits.load(Ordering::Relaxed) as usize,
            misses: self.misses.load(Ordering::Relaxed) as usize,
            bytes_down: self.bytes_down.load(Ordering::Relaxed),
            uploads: self.uploads.load(Ordering::Relaxed) as usize,
            bytes_up: self.bytes_up.load(Ordering::Relaxed),
        }
    }

    /// Adds this build's counters to the totals of the cache at `root` when it finishes.
    pub(crate) fn keep_totals_in(&self, root: &std::path::Path) {
        *self.totals.lock().unwrap_or_else(|e| e.into_inner()) = Some(root.to_path_buf());
    }

    fn problem(&self, what: String) {
        let mut p = self.problems.lock().unwrap_or_else(|e| e.into_inner());
        p.count += 1;
        if p.first.len() < 3 && !p.first.contains(&what) {
            p.first.push(what);
        }
    }

    /// One request, logged under `GO_LINK_BUILD_DEBUG`; a connection failure
    /// turns the remote off for the rest of the build.
    fn request(&self, method: &str, path: &str, body: Option<&[u8]>, max: u64) -> Option<http::Response> {
        if self.off.load(Ordering::Relaxed) {
            return None;
        }
        let start = Instant::now();
        let res = self.client.request(method, path, body, max);
        if crate::debug_enabled() {
            let ms = start.elapsed().as_secs_f64() * 1000.0;
            match &res {
                Ok(r) => to_stderr!("go-link-build: remote {method} {path}: {} ({ms:.1} ms)", r.status),
                Err(e) => to_stderr!("go-link-build: remote {method} {path}: {e} ({ms:.1} ms)"),
            }
        }
        match res {
            Ok(r) => Some(r),
            Err(e) => {
                if e.is_connection_failure() {
                    // Only the first one is reported; later requests are not made.
                    if !self.off.swap(true, Ordering::Relaxed) {
                        self.problem(format!("{method} {path}: {e}; not used for the rest of this build"));
                    }
                } else {
                    self.problem(format!("{method} {path}: {}", describe(&e)));
                }
                None
            }
        }
    }

    /// Looks an action up remotely and installs it into the local cache.
    /// Returns whether it was installed (the local lookup will now hit).
    pub(crate) fn fetch(&self, action_hex: &str, local: &dyn LocalStore) -> bool {
        if self.off.load(Ordering::Relaxed)
            || !self.tried.lock().unwrap_or_else(|e| e.into_inner()).insert(action_hex.to_string())
        {
            return false;
        }
        let ok = self.fetch_inner(action_hex, local);
        if ok {
            self.hits.fetch_add(1, Ordering::Relaxed);
        } else {
            self.misses.fetch_add(1, Ordering::Relaxed);
        }
        ok
    }

    fn fetch_inner(&self, action_hex: &str, local: &dyn LocalStore) -> bool {
        let path = format!("ac/{action_hex}");
        let Some(r) = self.request("GET", &path, None, MAX_ACTION_RESULT) else { return false };
        match r.status {
            200..=299 => {}
            404 => return false,
            401 | 403 => {
                self.problem(format!("GET {path}: {} (check GO_LINK_BUILD_REMOTE_CACHE_HEADERS)", r.status));
                self.off.store(true, Ordering::Relaxed);
                return false;
            }
            s => {
                self.problem(format!("GET {path}: HTTP {s}"));
                return false;
            }
        }
        self.bytes_down.fetch_add(r.body.len() as u64, Ordering::Relaxed);
        // The one codec of the local cache's records: what it refuses (a
        // failed action, names with a directory part, malformed digests, …)
        // could not be installed locally either.
        let record = match Record::from_bytes(&r.body) {
            Ok(rec) if rec.files.is_empty() => {
                self.problem(format!("GET {path}: the action result lists no output file"));
                return false;
            }
            Ok(rec) => rec,
            Err(e) => {
                self.problem(format!("GET {path}: malformed ActionResult: {e}"));
                return false;
            }
        };
        let mut files = Vec::with_capacity(record.files.len());
        for f in record.files {
            let d = f.digest;
            if local.has_blob(&d) {
                files.push((f, None));
                continue;
            }
            let blob_path = format!("cas/{}", d.hex());
            let Some(r) = self.request("GET", &blob_path, None, d.size) else { return false };
            match r.status {
                200..=299 => {}
                // Evicted independently of the result (bazel#18696): a miss.
                404 => {
                    self.problem(format!("GET {blob_path}: 404, but action {action_hex} names it"));
                    return false;
                }
                s => {
                    self.problem(format!("GET {blob_path}: HTTP {s}"));
                    return false;
                }
            }
            self.bytes_down.fetch_add(r.body.len() as u64, Ordering::Relaxed);
            let got = Digest::of(&r.body);
            if got != d {
                self.bad_blobs.lock().unwrap_or_else(|e| e.into_inner()).insert(d.hex());
                self.problem(format!(
                    "blob {}/{} from the remote cache has the wrong content (sha256 {}, {} bytes); built locally{}",
                    d.hex(),
                    d.size,
                    got.hex(),
                    got.size,
                    if self.mode == Mode::ReadWrite { " and uploaded again" } else { "" }
                ));
                return false;
            }
            files.push((f, Some(r.body)));
        }
        match local.install(action_hex, files) {
            Ok(()) => true,
            Err(e) => {
                self.problem(format!("installing action {action_hex} from the remote cache: {e}"));
                false
            }
        }
    }

    /// Fetches several actions with bounded parallelism; returns which were installed.
    pub(crate) fn fetch_many(&self, actions: &[String], local: &dyn LocalStore) -> Vec<bool> {
        let next = std::sync::atomic::AtomicUsize::new(0);
        let out: Vec<AtomicBool> = actions.iter().map(|_| AtomicBool::new(false)).collect();
        std::thread::scope(|s| {
            for _ in 0..PARALLEL.min(actions.len()) {
                s.spawn(|| loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(a) = actions.get(i) else { break };
                    if self.fetch(a, local) {
                        out[i].store(true, Ordering::Relaxed);
                    }
                });
            }
        });
        out.into_iter().map(AtomicBool::into_inner).collect()
    }

    /// Whether this build uploads.
    pub(crate) fn writes(&self) -> bool {
        self.mode == Mode::ReadWrite && !self.no_writes.load(Ordering::Relaxed) && !self.off.load(Ordering::Relaxed)
    }

    /// Queues an action for upload; returns at once.
    pub(crate) fn upload(self: &Arc<Self>, job: Upload) {
        if !self.writes() {
            return;
        }
        let (lock, cv) = &*self.queue;
        let mut q = lock.lock().unwrap_or_else(|e| e.into_inner());
        if q.closed {
            return;
        }
        q.jobs.push_back(job);
        cv.notify_one();
        drop(q);
        let mut workers = self.workers.lock().unwrap_or_else(|e| e.into_inner());
        if workers.len() < PARALLEL {
            let me = Arc::clone(self);
            workers.push(std::thread::spawn(move || me.upload_worker()));
        }
    }

    fn upload_worker(&self) {
        let (lock, cv) = &*self.queue;
        loop {
            let job = {
                let mut q = lock.lock().unwrap_or_else(|e| e.into_inner());
                loop {
                    if let Some(j) = q.jobs.pop_front() {
                        break j;
                    }
                    if q.closed {
                        return;
                    }
                    q = cv.wait(q).unwrap_or_else(|e| e.into_inner());
                }
            };
            if self.writes() {
                self.upload_one(job);
            }
        }
    }

    /// Sends an upload's status to the problem list; true if it succeeded.
    fn check_write(&self, method: &str, path: &str, status: u16) -> bool {
        match status {
            200..=299 => true,
            401 | 403 => {
                if !self.no_writes.swap(true, Ordering::Relaxed) {
                    self.problem(format!(
                        "{method} {path}: {status}: not allowed to write; no more uploads in this build"
                    ));
                }
                false
            }
            s => {
                self.problem(format!("{method} {path}: HTTP {s}"));
                false
            }
        }
    }

    fn upload_one(&self, job: Upload) {
        let mut outputs = Vec::with_capacity(job.files.len());
        for f in &job.files {
            let data = match std::fs::read(&f.path) {
                Ok(d) => d,
                Err(e) => {
                    self.problem(format!("reading {} for upload: {e}", f.path.display()));
                    return;
                }
            };
            let d = Digest::of(&data);
            // A damaged local entry must not spread.
            if f.digest.is_some_and(|want| want != d) {
                self.problem(format!("local blob {} does not match its record; not uploaded", d.hex()));
                return;
            }
            outputs.push(OutputFile { path: f.name.clone(), digest: d, executable: f.executable });
            let blob_path = format!("cas/{}", d.hex());
            // A blob the server returned damaged is replaced, not asked about.
            if !self.bad_blobs.lock().unwrap_or_else(|e| e.into_inner()).contains(&d.hex()) {
                let Some(r) = self.request("HEAD", &blob_path, None, 0) else { return };
                if (200..300).contains(&r.status) {
                    continue;
                }
                if r.status != 404 && !self.check_write("HEAD", &blob_path, r.status) {
                    return;
                }
            }
            let Some(r) = self.request("PUT", &blob_path, Some(&data), 4096) else { return };
            if !self.check_write("PUT", &blob_path, r.status) {
                return;
            }
            self.uploads.fetch_add(1, Ordering::Relaxed);
            self.bytes_up.fetch_add(data.len() as u64, Ordering::Relaxed);
        }
        // Every blob is on the server: now the result.
        let body = Record::new(outputs).to_bytes();
        let path = format!("ac/{}", job.action_hex);
        let Some(r) = self.request("PUT", &path, Some(&body), 4096) else { return };
        if self.check_write("PUT", &path, r.status) {
            self.uploads.fetch_add(1, Ordering::Relaxed);
            self.bytes_up.fetch_add(body.len() as u64, Ordering::Relaxed);
        }
    }

    /// Waits for the uploads and returns the one-line summary of what went
    /// wrong in this build, if anything did.
    pub(crate) fn finish(&self) -> Option<String> {
        {
            let (lock, cv) = &*self.queue;
            lock.lock().unwrap_or_else(|e| e.into_inner()).closed = true;
            cv.notify_all();
        }
        let workers = std::mem::take(&mut *self.workers.lock().unwrap_or_else(|e| e.into_inner()));
        for w in workers {
            let _ = w.join();
        }
        if let Some(root) = self.totals.lock().unwrap_or_else(|e| e.into_inner()).take() {
            let s = self.stats();
            if s != RemoteStats::default() {
                crate::cache::add_remote_totals(&root, &s);
            }
        }
        let p = self.problems.lock().unwrap_or_else(|e| e.into_inner());
        if p.count == 0 {
            return None;
        }
        let more =
            if p.count > p.first.len() { format!(" (and {} more)", p.count - p.first.len()) } else { String::new() };
        Some(format!(
            "remote cache {}: {}{more}; the build went on with the local cache",
            self.client.url().redacted(),
            p.first.join("; "),
        ))
    }
}

/// A shorter text for non-connection errors.
fn describe(e: &HttpError) -> String {
    e.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_parsing_hides_values() {
        let c =
            Config::parse("http://127.0.0.1:9/c", None, Some("Authorization: Bearer s3cret\nX-A: b; c\n\n")).unwrap();
        assert_eq!(c.mode, Mode::ReadWrite);
        assert_eq!(c.headers.len(), 2);
        assert_eq!(c.headers[1], ("X-A".to_string(), "b; c".to_string()));
        assert!(!format!("{c:?}").contains("s3cret"));
        assert_eq!(Config::parse("http://localhost", Some("read"), None).unwrap().mode, Mode::Read);
        let e = Config::parse("http://localhost", Some("write-only s3cret"), None).unwrap_err();
        assert!(!e.contains("s3cret"), "{e}");
        let e = Config::parse("http://localhost", None, Some("Bearer s3cret")).unwrap_err();
        assert!(!e.contains("s3cret"), "{e}");
        let e = Config::parse("http://cache.example.com", None, Some("Authorization: Bearer s3cret")).unwrap_err();
        assert!(e.contains("https") && !e.contains("s3cret"), "{e}");
        let e = Config::parse("http://u:s3cret@cache.example.com", None, None).unwrap_err();
        assert!(!e.contains("s3cret"), "{e}");
        assert!(Config::parse("https://u:s3cret@cache.example.com", None, None).is_ok());
        let e = Config::parse("ftp://u:s3cret@x", None, None).unwrap_err();
        assert!(!e.contains("s3cret"), "{e}");
    }
}
