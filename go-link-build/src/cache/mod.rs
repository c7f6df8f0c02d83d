//! The content-addressed action cache.
//!
//! # Identity
//!
//! Every action (compile one package, link one program) has an *action ID*:
//! the SHA-256 of a line-oriented description of everything that can change
//! its output. The description is built with [`KeyBuilder`], one `key value`
//! line at a time, so `GO_LINK_BUILD_DEBUG=2` can dump exactly what went into
//! a key (like cmd/go's `GODEBUG=gocachehash=1`). The lines are:
//!
//! - the format version of this cache, go-link-build's own version (the
//!   crate's, so an upgrade never reuses another version's entries) and the
//!   tool identity (`compile -V=full`
//!   plus size and mtime of each tool binary);
//! - the tool environment (GOOS, GOARCH, GO$ARCH, GOEXPERIMENT, CGO_ENABLED);
//! - every flag of every tool run the action makes, with paths that vary
//!   between machines (object dirs, the cache itself) left out: they do not
//!   reach the output because of `-trimpath`;
//! - every input file: its name as the output records it (after `-trimpath`
//!   rewriting) and a digest of its content. Files under GOROOT are
//!   identified by size and modification time instead of content: GOROOT is
//!   an installed, read-only tree, and reading all of std's sources on every
//!   build would cost more than it protects against;
//! - what the action reads of its dependencies, by content: the recorded
//!   SHA-256 and size ([`Entry::digest`]) of each dependency's export data
//!   for a compile (`compile -o`, apart from the object code written with
//!   `-linkobj`), of each package's link object for a link. A dependency
//!   that rebuilds to the same bytes changes no key above it (early cutoff),
//!   and a body edit that leaves export data alone recompiles one package and
//!   relinks. The digests come from the records, so nothing is re-hashed.
//!   No `-buildid` is given to compile: an ID derived from the key would land
//!   in the export data and defeat the cutoff.
//!
//! Because no absolute path of the source tree enters an ID, two checkouts of
//! the same code share cache entries, and two builds in different directories
//! produce byte-identical results.
//!
//! # Layout
//!
//! ```text
//! <cache>/ac/<xx>/<action id>   the record of a finished action (record.rs:
//!                               an REAPI ActionResult: each output file's
//!                               name, size, SHA-256 and executable bit)
//! <cache>/cas/<xx>/<sha256>     file contents, named by their SHA-256
//! <cache>/tmp/<pid>-<n>-<t>/    actions in progress, and temp files
//! <cache>/verified/<xx>/<key>   empty markers: this blob file, unchanged
//!                               since, was hashed (`Cache::verified_marker`)
//! <cache>/cli/<key>/            the command line's no-op stamps and outputs
//! <cache>/trim.txt              when the cache was last trimmed
//! ```
//! `<xx>` is the first two hex digits. The default location is per user
//! (`location.rs`), shared by every workspace, profile and target.
//!
//! # Invariants
//!
//! - **Atomic.** An action runs in a fresh `tmp/` directory. On success
//!   [`Cache::commit`] renames each file into `cas/` under its hash, then
//!   writes the record to `tmp/` and renames it into `ac/`: blobs first,
//!   record last, so a record never names a blob that was not complete.
//!   Racing writers rename identical bytes over each other.
//! - **Verified.** Nothing read is trusted: [`Cache::lookup`] parses the
//!   record and checks that every file is present, a regular file (not a
//!   symlink) and of the recorded size; what is handed to the user (the
//!   program, the archive, the header) is hashed while it is copied and
//!   installed only if the SHA-256 matches ([`Cache::install`],
//!   [`Cache::read_verified`]). Before a link runs, every entry it reads that
//!   came from the cache is hashed ([`Cache::audit_before_link`]), so a
//!   same-size corruption cannot reach a program; a blob hashed before (at
//!   its commit or by an earlier audit) whose file was not written,
//!   replaced or touched since (same inode, size, mtime and ctime) is not
//!   hashed again: a marker under `verified/`, named by those facts, says
//!   so. After a tool fails, every blob it read is hashed
//!   ([`Cache::audit_used`]) to tell whether a damaged input caused it, and
//!   the build retries once.
//!   A damaged entry is a miss: it is removed, named in the debug log
//!   (`GO_LINK_BUILD_DEBUG=1`) and rebuilt.
//! - **Bounded.** Temp directories of dead processes are swept; entries
//!   unused for 5 days are trimmed, as cmd/go's `cache.Trim` does
//!   (`trim.rs`).
//!
//! # For other backends
//!
//! A remote cache stores [`Record::to_bytes`] under `/ac/<action id>` and
//! each file under `/cas/<sha256>`. To use a remote hit, put each fetched
//! blob with [`Cache::put_blob`] (which checks its hash) and then the record
//! with [`Cache::put_record`] (which checks that every blob is present).

pub(crate) mod fsutil;
pub(crate) mod location;
mod public;
pub(crate) mod reapi;
pub(crate) mod record;
pub(crate) mod trim;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use sha2::{Digest as _, Sha256};

use crate::error::{Error, Result};
pub(crate) use fsutil::{copy_atomic, write_atomic};
#[cfg(feature = "remote-cache")]
pub(crate) use public::add_remote_totals;
pub use public::{CacheDir, CacheUsage};
pub(crate) use record::{Digest, OutputFile, Record};

/// Bump when the meaning of a key line or the entry layout changes between
/// two commits of the same crate version (every key also has the crate's
/// version, [`version`], so a release never shares entries with another).
/// v2: build IDs in cmd/go's base64 form (the outputs changed, not the keys).
/// v3: cgo C compiles name their files as cmd/go does, in its per-release order.
const FORMAT: &str = "go-link-build cache v3";

/// go-link-build's version as every key and stamp records it: an upgraded
/// crate computes other keys, so it never reads an entry (or trusts a stamp)
/// that another version made with other rules. Under the `test-hooks`
/// feature a test may salt it ([`set_version_salt_for_test`]).
pub(crate) fn version() -> String {
    #[cfg(feature = "test-hooks")]
    if let Some(salt) = VERSION_SALT.lock().unwrap_or_else(|e| e.into_inner()).as_deref() {
        return format!("{}+{salt}", env!("CARGO_PKG_VERSION"));
    }
    env!("CARGO_PKG_VERSION").to_string()
}

#[cfg(feature = "test-hooks")]
static VERSION_SALT: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);

/// Makes every key and stamp of this process from now on as another version
/// of go-link-build would (`None`: this version again). Process-wide: only
/// for a test executable of its own (tests/tests/version_salt.rs).
#[cfg(feature = "test-hooks")]
pub fn set_version_salt_for_test(salt: Option<&str>) {
    *VERSION_SALT.lock().unwrap_or_else(|e| e.into_inner()) = salt.map(str::to_string);
}

/// A finished SHA-256 digest, printed as hex.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct ActionId(pub [u8; 32]);

impl ActionId {
    pub(crate) fn hex(&self) -> String {
        hex(&self.0)
    }

    /// The 20-character form cmd/go uses in build IDs, `-frandom-seed` and
    /// logs: `buildid.HashToString` (cmd/internal/buildid, unchanged in
    /// 1.21–1.27), the first 15 bytes as 5 big-endian 24-bit groups of 4
    /// characters each from the URL-safe base64 alphabet, no padding. A
    /// package's `-buildid` is then `A/A` (41 bytes) and a program's
    /// `L/L/L/L` (83 bytes), the lengths of cmd/go's IDs, so our binaries
    /// differ from `go build`'s in the ID's bytes only, not in its length.
    pub(crate) fn short(&self) -> String {
        hash_to_string(&self.0)
    }
}

/// `buildid.HashToString` (cmd/internal/buildid/buildid.go).
pub(crate) fn hash_to_string(h: &[u8; 32]) -> String {
    const ENCODE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(20);
    for g in h[..15].chunks_exact(3) {
        let v = u32::from(g[0]) << 16 | u32::from(g[1]) << 8 | u32::from(g[2]);
        for shift in [18, 12, 6, 0] {
            out.push(ENCODE[(v >> shift & 0x3f) as usize] as char);
        }
    }
    out
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    // By table: keys, blob paths and markers hex-format ~10 digests an action
    // (`write!` per byte was 0.85 ms of an edit rebuild's lookups).
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = Vec::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[usize::from(b >> 4)]);
        s.push(DIGITS[usize::from(b & 15)]);
    }
    String::from_utf8(s).unwrap_or_default()
}

/// SHA-256 of some bytes.
pub(crate) fn digest(data: &[u8]) -> [u8; 32] {
    Sha256::digest(data).into()
}

/// Builds an action ID from `key value` lines.
pub(crate) struct KeyBuilder {
    hasher: Sha256,
    /// The text fed to the hasher, kept only when debugging.
    text: Option<String>,
}

impl KeyBuilder {
    pub(crate) fn new(kind: &str) -> KeyBuilder {
        KeyBuilder::start(kind, crate::debug_level() >= 2)
    }

    /// A key `GO_LINK_BUILD_DEBUG=2` does not dump (one per blob would
    /// bury the actions' keys).
    fn quiet(kind: &str) -> KeyBuilder {
        KeyBuilder::start(kind, false)
    }

    fn start(kind: &str, dump: bool) -> KeyBuilder {
        let mut kb = KeyBuilder { hasher: Sha256::new(), text: dump.then(String::new) };
        kb.line("format", FORMAT);
        kb.line("go-link-build", version());
        kb.line("action", kind);
        kb
    }

    /// Adds one line. Values are escaped so that no value can forge a line.
    pub(crate) fn line(&mut self, key: &str, value: impl std::fmt::Display) -> &mut Self {
        let mut value = value.to_string();
        if value.contains(['\\', '\n']) {
            value = value.replace('\\', "\\\\").replace('\n', "\\n");
        }
        // The bytes of `{key} {value}\n`, without building the line (an edit
        // rebuild hashes thousands of lines).
        for part in [key, " ", &value, "\n"] {
            self.hasher.update(part.as_bytes());
            if let Some(t) = &mut self.text {
                t.push_str(part);
            }
        }
        self
    }

    pub(crate) fn finish(self) -> ActionId {
        let id = ActionId(self.hasher.finalize().into());
        if let Some(t) = self.text {
            to_stderr!("go-link-build: action {}:\n{t}", id.short());
        }
        id
    }
}

/// The cache directory (see the module docs for the layout and invariants).
#[derive(Debug)]
pub(crate) struct Cache {
    root: PathBuf,
    /// Entries handed out by [`Cache::lookup`] and not hashed yet: what
    /// [`Cache::audit_used`] checks.
    used: Mutex<Vec<Entry>>,
    /// How many damaged entries or blobs this process found.
    damaged: AtomicU64,
    /// How many blobs audits hashed (the memo's effect, for the tests).
    audited: AtomicU64,
    /// The remote cache consulted on a miss and fed after a build.
    #[cfg(feature = "remote-cache")]
    remote: Option<std::sync::Arc<crate::remote::Remote>>,
}

/// A finished action in the cache: its record and where its files are.
#[derive(Clone, Debug)]
pub(crate) struct Entry {
    pub id: ActionId,
    pub record: Record,
    cas: PathBuf,
}

impl Entry {
    /// The path of output file `name` (a blob in `cas/`), if the entry has it.
    /// Its presence, type and size were checked by the lookup; its content is
    /// hashed by [`Cache::install`], [`Cache::read_verified`] and
    /// [`Cache::audit_used`].
    pub(crate) fn file(&self, name: &str) -> Option<PathBuf> {
        self.record.file(name).map(|f| blob_path(&self.cas, &f.digest))
    }

    /// The recorded SHA-256 and size of output file `name` (for keying
    /// dependents on their dependencies' output content).
    pub(crate) fn digest(&self, name: &str) -> Option<Digest> {
        self.record.file(name).map(|f| f.digest)
    }
}

fn blob_path(cas: &Path, d: &Digest) -> PathBuf {
    let hex = d.hex();
    cas.join(&hex[..2]).join(hex)
}

/// Creates a `verified/` marker: an empty file, so there is nothing to tear.
/// A marker that cannot be written costs a hash later, nothing else.
fn mark(marker: &Path) {
    if std::fs::File::create(marker).is_err() {
        if let Some(parent) = marker.parent() {
            let _ = std::fs::create_dir_all(parent);
            let _ = std::fs::File::create(marker);
        }
    }
}

/// A temporary action directory under `tmp/`, removed on drop. Its name
/// starts with the process ID, so a sweep can tell a dead build's leftovers.
pub(crate) struct TempDir {
    path: PathBuf,
}

impl TempDir {
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// Use times older than this are refreshed on use (cmd/go's `mtimeInterval`).
pub(crate) const MTIME_INTERVAL: u64 = 3600;

const README: &str = "This directory holds cached build artifacts from go-link-build.\n\
    It is safe to delete (`go-link-build cache clean`); entries unused for 5 days are trimmed.\n";

impl Cache {
    /// Opens (creating if needed) the cache at `root` and checks that it can
    /// be written.
    pub(crate) fn open(root: &Path) -> Result<Cache> {
        for dir in ["ac", "cas", "tmp"] {
            let dir = root.join(dir);
            std::fs::create_dir_all(&dir).map_err(|e| Error::io("create cache directory", &dir, e))?;
        }
        // Tell backup and archiving tools this is a cache (https://bford.info/cachedir/).
        let tag = root.join("CACHEDIR.TAG");
        if !tag.exists() {
            let probe = tag.with_file_name(format!("CACHEDIR.TAG.{}-{}", std::process::id(), fsutil::next_id()));
            std::fs::write(
                &probe,
                b"Signature: 8a477f597d28d172789f06886806bc55\n# This file is a cache directory tag created by go-link-build.\n",
            )
            .map_err(|e| Error::io("write in the cache directory", &probe, e))?;
            let _ = std::fs::write(root.join("README"), README);
            std::fs::rename(&probe, &tag).map_err(|e| {
                let _ = std::fs::remove_file(&probe);
                Error::io("rename into place", &tag, e)
            })?;
        }
        Ok(Cache {
            root: root.to_path_buf(),
            used: Mutex::new(Vec::new()),
            damaged: AtomicU64::new(0),
            audited: AtomicU64::new(0),
            #[cfg(feature = "remote-cache")]
            remote: None,
        })
    }

    /// The cache's root directory.
    pub(crate) fn root(&self) -> &Path {
        &self.root
    }

    fn record_path(&self, id: &ActionId) -> PathBuf {
        let hex = id.hex();
        self.root.join("ac").join(&hex[..2]).join(hex)
    }

    fn cas(&self) -> PathBuf {
        self.root.join("cas")
    }

    /// Notes a damaged entry: counted, named in the debug log, removed.
    fn damaged(&self, what: &str, path: &Path, why: &str) {
        self.damaged.fetch_add(1, Ordering::Relaxed);
        if crate::debug_enabled() {
            to_stderr!("go-link-build: cache: {what} {} is damaged ({why}); it is removed and rebuilt", path.display());
        }
        match std::fs::symlink_metadata(path) {
            Ok(m) if m.is_dir() => {
                let _ = std::fs::remove_dir_all(path);
            }
            _ => {
                let _ = std::fs::remove_file(path);
            }
        }
    }

    /// How many damaged entries or blobs this process has found so far.
    pub(crate) fn damage_seen(&self) -> u64 {
        self.damaged.load(Ordering::Relaxed)
    }

    /// Looks up a finished action. Returns it only if its record parses and
    /// every file it lists is present, a regular file and of the recorded
    /// size; otherwise the entry is damaged: removed, logged, and a miss.
    /// Refreshes the use time of the record and its blobs (at most hourly).
    /// With a remote cache, a local miss is looked up there and, if found
    /// and verified, installed locally first.
    pub(crate) fn lookup(&self, id: &ActionId) -> Option<Entry> {
        let found = self.lookup_local(id);
        #[cfg(feature = "remote-cache")]
        if found.is_none() {
            if let Some(r) = &self.remote {
                if r.fetch(&id.hex(), self) {
                    return self.lookup_local(id);
                }
            }
        }
        found
    }

    /// Uses a remote cache for the rest of this build.
    #[cfg(feature = "remote-cache")]
    pub(crate) fn set_remote(&mut self, remote: std::sync::Arc<crate::remote::Remote>) {
        remote.keep_totals_in(&self.root);
        self.remote = Some(remote);
    }

    /// Whether a remote cache backs this one (worth a [`Cache::prefetch`]).
    pub(crate) fn has_remote(&self) -> bool {
        #[cfg(feature = "remote-cache")]
        return self.remote.is_some();
        #[cfg(not(feature = "remote-cache"))]
        false
    }

    /// Fetches, in parallel, the actions among `ids` that the local cache
    /// lacks and the remote one has, so the lookups that follow hit.
    pub(crate) fn prefetch(&self, ids: &[ActionId]) {
        #[cfg(feature = "remote-cache")]
        if let Some(r) = &self.remote {
            let missing: Vec<String> =
                ids.iter().filter(|id| !self.record_path(id).is_file()).map(ActionId::hex).collect();
            r.fetch_many(&missing, self);
        }
        let _ = ids;
    }

    /// Whether a blob with this digest is present with the right size.
    #[cfg(feature = "remote-cache")]
    pub(crate) fn has_blob(&self, d: &Digest) -> bool {
        std::fs::symlink_metadata(blob_path(&self.cas(), d)).is_ok_and(|m| m.is_file() && m.len() == d.size)
    }

    /// [`Cache::lookup`] in the local cache only.
    pub(crate) fn lookup_local(&self, id: &ActionId) -> Option<Entry> {
        let entry = self.lookup_untracked(id)?;
        self.used.lock().unwrap_or_else(|e| e.into_inner()).push(entry.clone());
        Some(entry)
    }

    /// [`Cache::lookup_local`] of an entry that [`Cache::audit_used`] need not
    /// hash later (nothing of it reaches a tool).
    fn lookup_untracked(&self, id: &ActionId) -> Option<Entry> {
        let rec_path = self.record_path(id);
        let meta = std::fs::symlink_metadata(&rec_path).ok()?;
        if !meta.is_file() {
            self.damaged("record", &rec_path, "not a regular file");
            return None;
        }
        let data = match std::fs::read(&rec_path) {
            Ok(d) => d,
            Err(e) => {
                self.damaged("record", &rec_path, &e.to_string());
                return None;
            }
        };
        let record = match Record::from_bytes(&data) {
            Ok(r) if !r.files.is_empty() => r,
            Ok(_) => {
                self.damaged("record", &rec_path, "no files");
                return None;
            }
            Err(e) => {
                self.damaged("record", &rec_path, &e);
                return None;
            }
        };
        let now = fsutil::now_secs();
        let cas = self.cas();
        for f in &record.files {
            let blob = blob_path(&cas, &f.digest);
            let why = match std::fs::symlink_metadata(&blob) {
                Err(_) => Some("a file is missing".to_string()),
                Ok(m) if !m.is_file() => Some(format!("{} is not a regular file", f.path)),
                Ok(m) if m.len() != f.digest.size => {
                    Some(format!("{} has {} bytes, recorded {}", f.path, m.len(), f.digest.size))
                }
                Ok(m) => {
                    if now.saturating_sub(fsutil::mtime_secs(&m)) >= MTIME_INTERVAL {
                        fsutil::touch(&blob);
                    }
                    None
                }
            };
            if let Some(why) = why {
                if std::fs::symlink_metadata(&blob).is_ok() {
                    self.damaged("blob", &blob, &why);
                }
                self.damaged("entry", &rec_path, &why);
                return None;
            }
        }
        if now.saturating_sub(fsutil::mtime_secs(&meta)) >= MTIME_INTERVAL {
            fsutil::touch(&rec_path);
        }
        Some(Entry { id: *id, record, cas })
    }

    /// Hashes every file of every entry [`Cache::lookup`] handed out since
    /// the last audit. Damaged entries (and their bad blobs) are removed and
    /// logged. Returns whether any was damaged. (After a tool failed: every
    /// blob is hashed, whatever was verified before.)
    pub(crate) fn audit_used(&self) -> bool {
        self.audit(false)
    }

    /// [`Cache::audit_used`] before a link, which reads every archive it is
    /// given. A blob this cache hashed before (when it was committed, or by
    /// an earlier audit) and whose file has not changed since (same inode,
    /// size, mtime and ctime: not written, truncated, replaced or touched)
    /// is not hashed again (a `verified/` marker, [`Cache::verified_marker`]): an edit rebuild relinks
    /// against the same standard library entries every time, and hashing
    /// their ~25 MB took longer than compiling the edited package (hello:
    /// 30-70 ms of a 200-400 ms rebuild).
    pub(crate) fn audit_before_link(&self) -> bool {
        self.audit(true)
    }

    fn audit(&self, memo: bool) -> bool {
        let used = std::mem::take(&mut *self.used.lock().unwrap_or_else(|e| e.into_inner()));
        let mut bad = false;
        let mut seen = std::collections::HashSet::new();
        for entry in &used {
            for f in &entry.record.files {
                if !seen.insert(f.digest) {
                    continue;
                }
                let blob = blob_path(&entry.cas, &f.digest);
                let marker = if memo { self.verified_marker(&blob, &f.digest) } else { None };
                if marker.as_deref().is_some_and(Path::exists) {
                    continue;
                }
                self.audited.fetch_add(1, Ordering::Relaxed);
                match fsutil::hash_file(&blob) {
                    Ok(got) if got == f.digest => {
                        // Remembered only if the file did not change while it was hashed.
                        if let Some(m) = marker.filter(|m| self.verified_marker(&blob, &f.digest).as_ref() == Some(m)) {
                            mark(&m);
                        }
                    }
                    other => {
                        let why = match other {
                            Ok(got) => format!("{}: SHA-256/size {got:?}, recorded {:?}", f.path, f.digest),
                            Err(e) => format!("{}: {e}", f.path),
                        };
                        self.damaged("blob", &blob, &why);
                        self.damaged("entry", &self.record_path(&entry.id), &why);
                        bad = true;
                    }
                }
            }
        }
        bad
    }

    /// `verified/<xx>/<key>`: the marker saying that `blob`, as its file is
    /// now, was hashed and matched `digest`. The key covers the digest and
    /// the stat facts any write, truncation, replacement or touch changes
    /// (device, inode, size, mtime and ctime in nanoseconds). `None` when
    /// the file cannot be stat'ed, and off Unix (no ctime there: every link
    /// hashes its inputs).
    fn verified_marker(&self, blob: &Path, digest: &Digest) -> Option<PathBuf> {
        #[cfg(unix)]
        {
            let m = std::fs::symlink_metadata(blob).ok().filter(|m| m.is_file() && m.len() == digest.size)?;
            let mut k = KeyBuilder::quiet("verified");
            k.line("blob", digest.hex()).line("stat", fsutil::StatId::of(&m));
            let hex = k.finish().hex();
            Some(self.root.join("verified").join(&hex[..2]).join(hex))
        }
        #[cfg(not(unix))]
        {
            let _ = (blob, digest);
            None
        }
    }

    /// Removes an entry's record (its blobs stay; others may share them).
    pub(crate) fn remove(&self, id: &ActionId) {
        let _ = std::fs::remove_file(self.record_path(id));
    }

    /// A fresh, empty directory to run an action in.
    pub(crate) fn temp_dir(&self) -> Result<TempDir> {
        let nanos =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
        let path = self.root.join("tmp").join(format!("{}-{}-{nanos:x}", std::process::id(), fsutil::next_id()));
        std::fs::create_dir_all(&path).map_err(|e| Error::io("create directory", &path, e))?;
        Ok(TempDir { path })
    }

    /// Moves every file of a finished action directory into the cache (blobs
    /// first, the record last) and returns the entry. If another process
    /// committed the same action meanwhile, the last record wins; both are
    /// complete.
    /// With a remote cache in `readwrite` mode, the entry is queued for upload.
    pub(crate) fn commit(&self, id: &ActionId, tmp: TempDir) -> Result<Entry> {
        let entry = self.commit_local(id, tmp)?;
        #[cfg(feature = "remote-cache")]
        if let Some(r) = &self.remote {
            r.upload_entry(&entry);
        }
        Ok(entry)
    }

    /// [`Cache::commit`] without the upload.
    pub(crate) fn commit_local(&self, id: &ActionId, tmp: TempDir) -> Result<Entry> {
        let dir = tmp.path();
        let entries = std::fs::read_dir(dir).map_err(|e| Error::io("read directory", dir, e))?;
        let mut files = Vec::new();
        for e in entries {
            let e = e.map_err(|e| Error::io("read directory", dir, e))?;
            let path = e.path();
            let meta = std::fs::symlink_metadata(&path).map_err(|e| Error::io("stat", &path, e))?;
            let name = e.file_name().to_string_lossy().into_owned();
            if !meta.is_file() {
                return Err(Error::new(
                    crate::error::ErrorKind::Io,
                    format!("an action left {} in its directory, which is not a regular file", path.display()),
                ));
            }
            #[cfg(unix)]
            let executable = std::os::unix::fs::PermissionsExt::mode(&meta.permissions()) & 0o111 != 0;
            #[cfg(not(unix))]
            let executable = false;
            let digest = fsutil::hash_file(&path).map_err(|e| Error::io("read", &path, e))?;
            let (blob, placed) = self.store_blob(&path, &digest)?;
            if placed {
                // Just hashed: the link that reads it next need not hash it again.
                if let Some(m) = self.verified_marker(&blob, &digest) {
                    mark(&m);
                }
            }
            files.push(OutputFile { path: name, digest, executable });
        }
        let record = Record::new(files);
        let rec_tmp = dir.join(".record");
        std::fs::write(&rec_tmp, record.to_bytes()).map_err(|e| Error::io("write", &rec_tmp, e))?;
        let rec_path = self.record_path(id);
        self.place(&rec_tmp, &rec_path)?;
        Ok(Entry { id: *id, record, cas: self.cas() })
    }

    /// Renames a complete file to its final name, creating the `<xx>` directory.
    fn place(&self, from: &Path, to: &Path) -> Result<()> {
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io("create directory", parent, e))?;
        }
        std::fs::rename(from, to).map_err(|e| Error::io("move into the cache", to, e))
    }

    /// Moves a complete file whose digest is known into `cas/`. An existing
    /// blob is replaced (the rename is atomic and the bytes are identical),
    /// unless the platform refuses to replace a file in use; then an existing
    /// blob of the right size is kept.
    /// Returns the blob's path and whether `from` became it.
    fn store_blob(&self, from: &Path, digest: &Digest) -> Result<(PathBuf, bool)> {
        let blob = blob_path(&self.cas(), digest);
        match self.place(from, &blob) {
            Ok(()) => Ok((blob, true)),
            Err(_) if std::fs::symlink_metadata(&blob).is_ok_and(|m| m.is_file() && m.len() == digest.size) => {
                let _ = std::fs::remove_file(from);
                Ok((blob, false))
            }
            Err(e) => Err(e),
        }
    }

    /// Stores bytes fetched from elsewhere (a remote cache) as a blob, after
    /// checking they are what `want` names.
    #[cfg_attr(not(feature = "remote-cache"), allow(dead_code))] // The remote cache's entry point.
    pub(crate) fn put_blob(&self, data: &[u8], want: &Digest) -> Result<PathBuf> {
        let got = Digest::of(data);
        if got != *want {
            return Err(Error::new(
                crate::error::ErrorKind::Io,
                format!("a fetched blob does not match its digest (got {got:?}, want {want:?})"),
            ));
        }
        let tmp = self.temp_dir()?;
        let file = tmp.path().join("blob");
        std::fs::write(&file, data).map_err(|e| Error::io("write", &file, e))?;
        self.store_blob(&file, want).map(|(blob, _)| blob)
    }

    /// Installs a record whose blobs were put with [`Cache::put_blob`]:
    /// written only if every blob it names is present with the right size.
    #[cfg_attr(not(feature = "remote-cache"), allow(dead_code))] // The remote cache's entry point.
    pub(crate) fn put_record(&self, id: &ActionId, record: &Record) -> Result<Entry> {
        let cas = self.cas();
        for f in &record.files {
            let blob = blob_path(&cas, &f.digest);
            if !std::fs::symlink_metadata(&blob).is_ok_and(|m| m.is_file() && m.len() == f.digest.size) {
                return Err(Error::new(
                    crate::error::ErrorKind::Io,
                    format!("cannot record action {}: blob {} of {} is missing", id.short(), f.digest.hex(), f.path),
                ));
            }
        }
        let tmp = self.temp_dir()?;
        let rec_tmp = tmp.path().join(".record");
        std::fs::write(&rec_tmp, record.to_bytes()).map_err(|e| Error::io("write", &rec_tmp, e))?;
        self.place(&rec_tmp, &self.record_path(id))?;
        Ok(Entry { id: *id, record: record.clone(), cas })
    }

    /// The expected digest of a blob path handed out by [`Entry::file`]: its
    /// file name is the SHA-256.
    fn blob_digest(&self, blob: &Path) -> Result<[u8; 32]> {
        let in_cas = blob.parent().and_then(Path::parent).is_some_and(|p| p == self.cas());
        blob.file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| record::parse_hex32(n.as_bytes()))
            .filter(|_| in_cas)
            .ok_or_else(|| {
                Error::new(crate::error::ErrorKind::Io, format!("{} is not a file of the cache", blob.display()))
            })
    }

    /// Copies a cached file to `to` (temp file beside it, then rename), only
    /// if its content matches the SHA-256 it is stored under. A mismatch
    /// removes the blob (so the entries naming it miss next time) and fails.
    ///
    /// A blob this cache hashed before and whose file has not changed since
    /// (its [`Cache::verified_marker`] exists, as the link's audit uses it)
    /// is copied without hashing it again, if it is still unchanged once
    /// copied: a program just linked and committed (hashed then) is
    /// installed at the cost of a copy.
    pub(crate) fn install(&self, blob: &Path, to: &Path, executable: bool) -> Result<()> {
        let sha256 = self.blob_digest(blob)?;
        let size = std::fs::symlink_metadata(blob).map(|m| m.len()).map_err(|e| Error::io("stat", blob, e))?;
        let digest = Digest { sha256, size };
        if let Some(marker) = self.verified_marker(blob, &digest).filter(|m| m.exists()) {
            let same = || self.verified_marker(blob, &digest).as_ref() == Some(&marker);
            if fsutil::install_copy(blob, executable, to, same)? {
                return Ok(());
            }
        }
        fsutil::install_verified(blob, &digest, executable, to).map_err(|e| {
            self.damaged("blob", blob, "content does not match its hash");
            e.context(format!("cache {}", self.root.display()))
        })
    }

    /// Reads a (small) cached file, checking it against its SHA-256.
    pub(crate) fn read_verified(&self, blob: &Path) -> Result<Vec<u8>> {
        let sha256 = self.blob_digest(blob)?;
        let data = std::fs::read(blob).map_err(|e| Error::io("read", blob, e))?;
        if digest(&data) != sha256 {
            self.damaged("blob", blob, "content does not match its hash");
            return Err(Error::new(
                crate::error::ErrorKind::Io,
                format!("the cached file {} is damaged (cache {})", blob.display(), self.root.display()),
            ));
        }
        Ok(data)
    }

    /// A small value stored under `id` (a probe result, a tool identity),
    /// verified by hash; `None` on a miss or damage.
    pub(crate) fn get_bytes(&self, id: &ActionId) -> Option<Vec<u8>> {
        // Probe results and tool identities describe this machine: local only.
        let entry = self.lookup_local(id)?;
        let blob = entry.file("value")?;
        let data = self.read_verified(&blob).ok();
        if data.is_none() {
            self.remove(id);
        }
        data
    }

    /// Stores a small value under `id`.
    pub(crate) fn put_bytes(&self, id: &ActionId, data: &[u8]) -> Result<()> {
        let tmp = self.temp_dir()?;
        let file = tmp.path().join("value");
        std::fs::write(&file, data).map_err(|e| Error::io("write", &file, e))?;
        self.commit_local(id, tmp).map(drop)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn build_id_parts_are_cmd_gos_hash_to_string() {
        // Expected values printed by cmd/internal/buildid.HashToString
        // (copied into a Go program) for sha256 of each input.
        for (input, want) in
            [("", "47DEQpj8HBSa-_TImW-5"), ("hello", "LPJNul-wow4m6Dsqxbni"), ("go-link-build", "UlUreu22xiETHReVX5DK")]
        {
            assert_eq!(hash_to_string(&digest(input.as_bytes())), want, "{input:?}");
            assert_eq!(ActionId(digest(input.as_bytes())).short(), want);
        }
    }

    #[test]
    fn keys_are_line_exact() {
        let mut a = KeyBuilder::new("compile");
        a.line("flag", "-p\nflag -std");
        let mut b = KeyBuilder::new("compile");
        b.line("flag", "-p").line("flag", "-std");
        assert_ne!(a.finish(), b.finish(), "a newline in a value must not forge a line");
    }

    fn scratch(label: &str) -> (PathBuf, Cache) {
        let root = std::env::temp_dir().join(format!("glb-cache-{label}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let cache = Cache::open(&root).unwrap();
        (root, cache)
    }

    fn put(cache: &Cache, id: &ActionId, files: &[(&str, &[u8])]) -> Entry {
        let t = cache.temp_dir().unwrap();
        for (name, data) in files {
            std::fs::write(t.path().join(name), data).unwrap();
        }
        cache.commit(id, t).unwrap()
    }

    #[test]
    fn commit_is_atomic_and_race_tolerant() {
        let (root, cache) = scratch("commit");
        let id = KeyBuilder::new("x").finish();
        assert!(cache.lookup(&id).is_none());
        let t1 = cache.temp_dir().unwrap();
        std::fs::write(t1.path().join("out"), b"1").unwrap();
        let t2 = cache.temp_dir().unwrap();
        std::fs::write(t2.path().join("out"), b"1").unwrap();
        let t2_path = t2.path().to_path_buf();
        let e1 = cache.commit(&id, t1).unwrap();
        let e2 = cache.commit(&id, t2).unwrap();
        assert_eq!(e1.record, e2.record);
        assert!(!t2_path.exists(), "the loser's temp dir is removed");
        let found = cache.lookup(&id).unwrap();
        assert_eq!(found.record, e1.record);
        assert_eq!(found.digest("out"), Some(Digest::of(b"1")));
        assert_eq!(std::fs::read(found.file("out").unwrap()).unwrap(), b"1");
        assert_eq!(std::fs::read_dir(root.join("tmp")).unwrap().count(), 0, "no temp dir is left");
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn damage_is_a_miss() {
        let (root, cache) = scratch("damage");
        type Damage = fn(&Path);
        let damages: [(&str, Damage); 5] = [
            ("truncated", |p| std::fs::write(p, b"hello wor").unwrap()),
            ("emptied", |p| std::fs::write(p, b"").unwrap()),
            ("deleted", |p| std::fs::remove_file(p).unwrap()),
            ("longer", |p| std::fs::write(p, b"hello world!").unwrap()),
            ("symlink", |p| {
                std::fs::remove_file(p).unwrap();
                let other = p.with_file_name("other");
                std::fs::write(&other, b"hello world").unwrap();
                #[cfg(unix)]
                std::os::unix::fs::symlink(&other, p).unwrap();
            }),
        ];
        for (i, (what, damage)) in damages.iter().enumerate() {
            let id = KeyBuilder::new(&format!("d{i}")).finish();
            let e = put(&cache, &id, &[("a.out", b"hello world")]);
            damage(&e.file("a.out").unwrap());
            assert!(cache.lookup(&id).is_none(), "{what}: a damaged entry is a miss");
            assert!(!cache.record_path(&id).exists(), "{what}: the record is removed");
            let e = put(&cache, &id, &[("a.out", b"hello world")]);
            assert!(cache.lookup(&id).is_some(), "{what}: rebuilt");
            assert_eq!(std::fs::read(e.file("a.out").unwrap()).unwrap(), b"hello world");
        }
        // Same size, other bytes: the lookup cannot see it; install and audit do.
        let id = KeyBuilder::new("same-size").finish();
        let e = put(&cache, &id, &[("a.out", b"hello world")]);
        std::fs::write(e.file("a.out").unwrap(), b"HELLO WORLD").unwrap();
        let e = cache.lookup(&id).unwrap();
        let dest = root.join("installed");
        let err = cache.install(&e.file("a.out").unwrap(), &dest, true).unwrap_err().to_string();
        assert!(err.contains("damaged") && err.contains(&root.display().to_string()), "{err}");
        assert!(!dest.exists(), "nothing is installed");
        assert!(cache.lookup(&id).is_none(), "the entry misses after that");
        let _ = cache.audit_used();
        let e = put(&cache, &id, &[("a.out", b"hello world")]);
        std::fs::write(e.file("a.out").unwrap(), b"HELLO WORLD").unwrap();
        assert!(cache.lookup(&id).is_some());
        assert!(cache.audit_used(), "the audit hashes what lookups handed out");
        assert!(cache.lookup(&id).is_none());
        // A garbled record is a miss too.
        put(&cache, &id, &[("a.out", b"hello world")]);
        std::fs::write(cache.record_path(&id), b"\x12\xff garbage").unwrap();
        assert!(cache.lookup(&id).is_none());
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn link_audits_remember_verified_unchanged_blobs() {
        let (root, cache) = scratch("audit-memo");
        let ids: Vec<ActionId> = (0..3).map(|i| KeyBuilder::new(&format!("pkg{i}")).finish()).collect();
        for (i, id) in ids.iter().enumerate() {
            put(&cache, id, &[("_pkg_.a", format!("archive {i}").as_bytes()), ("_pkg_.x", b"export")]);
        }
        let audited = || cache.audited.load(Ordering::Relaxed);
        let look_up_all = || ids.iter().for_each(|id| assert!(cache.lookup(id).is_some()));
        look_up_all();
        assert!(!cache.audit_before_link());
        assert_eq!(audited(), 0, "blobs hashed by their commit are not hashed again");
        // Without the markers (another machine's cache, say), every blob is hashed once.
        std::fs::remove_dir_all(root.join("verified")).unwrap();
        look_up_all();
        assert!(!cache.audit_before_link());
        assert_eq!(audited(), 4, "each blob once (the export data is shared)");
        look_up_all();
        assert!(!cache.audit_before_link());
        assert_eq!(audited(), 4, "unchanged blobs are not hashed again");
        // A same-size rewrite changes the blob's mtime and ctime: hashed again, and caught.
        look_up_all();
        let blob = cache.lookup(&ids[1]).unwrap().file("_pkg_.a").unwrap();
        std::fs::write(&blob, b"ARCHIVE 1").unwrap();
        assert!(cache.audit_before_link(), "a damaged blob is found despite its marker");
        assert_eq!(audited(), 5);
        assert!(cache.lookup(&ids[1]).is_none(), "its entry is removed");
        // After a tool failure every blob is hashed, markers or not.
        look_up_all_but(&cache, &ids, 1);
        assert!(!cache.audit_used());
        assert_eq!(audited(), 8);
        std::fs::remove_dir_all(&root).unwrap();
    }

    fn look_up_all_but(cache: &Cache, ids: &[ActionId], skip: usize) {
        for (i, id) in ids.iter().enumerate() {
            assert_eq!(cache.lookup(id).is_some(), i != skip);
        }
    }

    #[test]
    fn install_is_verified_and_atomic() {
        let (root, cache) = scratch("install");
        let id = KeyBuilder::new("prog").finish();
        let e = put(&cache, &id, &[("a.out", b"\x7fELF program")]);
        let dest = root.join("prog");
        std::fs::write(&dest, b"old").unwrap();
        cache.install(&e.file("a.out").unwrap(), &dest, true).unwrap();
        assert_eq!(std::fs::read(&dest).unwrap(), b"\x7fELF program");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_ne!(std::fs::metadata(&dest).unwrap().permissions().mode() & 0o111, 0);
        }
        assert!(cache.install(&dest, &root.join("x"), false).is_err(), "only cache files are installed");
        // The blob was hashed when committed and is unchanged: copied without
        // hashing. Damaged since (same size), it is hashed and refused.
        let blob = e.file("a.out").unwrap();
        assert!(
            cache.verified_marker(&blob, &e.digest("a.out").unwrap()).is_some_and(|m| m.exists()) || cfg!(not(unix))
        );
        std::fs::write(&blob, b"\x7fELF prograM").unwrap();
        let err = cache.install(&blob, &dest, true).unwrap_err().to_string();
        assert!(err.contains("damaged"), "{err}");
        assert_eq!(std::fs::read(&dest).unwrap(), b"\x7fELF program", "the installed file is untouched");
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn remote_seam() {
        let (root, cache) = scratch("remote");
        let id = KeyBuilder::new("remote").finish();
        let d = Digest::of(b"blob");
        let record = Record::new(vec![OutputFile { path: "_pkg_.a".into(), digest: d, executable: false }]);
        assert!(cache.put_record(&id, &record).is_err(), "no record before its blobs");
        assert!(cache.put_blob(b"blub", &d).is_err(), "a blob must match its digest");
        cache.put_blob(b"blob", &d).unwrap();
        cache.put_record(&id, &record).unwrap();
        let e = cache.lookup(&id).unwrap();
        assert_eq!(Record::from_bytes(&std::fs::read(cache.record_path(&id)).unwrap()).unwrap(), e.record);
        assert_eq!(cache.read_verified(&e.file("_pkg_.a").unwrap()).unwrap(), b"blob");
        std::fs::remove_dir_all(&root).unwrap();
    }
}
