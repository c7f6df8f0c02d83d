//! Standard-library package loads, remembered between builds.
//!
//! Loading a standard package reads its directory and the header of each of
//! its files (`scan_dir`): for the ~190 packages of a `net/http` program,
//! about 1,500 files and 25-30 ms of an edit rebuild whose own work (one
//! compile and the link) `go build` does the same. GOROOT rarely changes, so
//! a load is kept, per build context and toolchain, with the identity of
//! what it read: the directory (whose mtime changes when an entry is added,
//! removed or renamed) and every file [`scan_dir`](super::scan_dir) may open
//! (device, inode, size, mtime and ctime: a write, truncation, replacement or
//! touch changes them). A kept load is used only if all of them are
//! unchanged, which costs a `stat` per file instead of an open and a read.
//!
//! Invariants:
//! - A package from here is the package [`super::load_package_with`] would
//!   return (`loads_equal_fresh_loads` compares the ~200 standard packages
//!   of six graphs of the installed Go, cgo off and on).
//! - Identities are taken before the directory is read, so a file changed
//!   while it was read fails the next check; a directory or file modified in
//!   the last [`RACY`] seconds is not kept at all (its mtime may not move on
//!   the next change: git's "racily clean" entries).
//! - The kept loads are one cache value ([`Cache::put_bytes`]), verified by
//!   hash when read and trimmed with the rest of the cache; a damaged or
//!   unreadable one is an empty start.
//! - Only standard packages without `//go:embed` are kept (no module, no
//!   embedded files whose identity would also count).

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use super::Package;
use crate::cache::fsutil::StatId;
use crate::cache::{ActionId, Cache, KeyBuilder};
use crate::context::BuildContext;

/// Directories and files modified this recently (seconds) are not kept.
const RACY: u128 = 2;

/// The identity of a directory and of the files a load of it may read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Stamp {
    dir: StatId,
    files: Vec<(String, StatId)>,
}

struct Kept {
    stamp: Stamp,
    pkg: Package,
}

/// The kept standard-library loads of one build context and toolchain.
pub(crate) struct StdCache<'c> {
    cache: &'c Cache,
    id: ActionId,
    kept: Mutex<HashMap<PathBuf, Arc<Kept>>>,
    changed: AtomicBool,
    /// The identity by stat of each file of the loads checked or stamped in
    /// this build ([`StdCache::file_identities`]).
    seen: Mutex<HashMap<PathBuf, String>>,
}

impl<'c> StdCache<'c> {
    /// The loads kept for `ctx` and the toolchain `tool_id`.
    pub(crate) fn open(cache: &'c Cache, ctx: &BuildContext, tool_id: &str) -> StdCache<'c> {
        let mut k = KeyBuilder::new("std-load");
        k.line("context", format!("{ctx:?}")).line("toolchain", tool_id);
        let id = k.finish();
        let kept = cache.get_bytes(&id).and_then(|data| decode(&data)).unwrap_or_default();
        StdCache { cache, id, kept: Mutex::new(kept), changed: AtomicBool::new(false), seen: Mutex::default() }
    }

    /// The kept load of `dir` as `import_path`, if nothing it read changed.
    pub(crate) fn get(&self, dir: &Path, import_path: &str) -> Option<Package> {
        // Checked outside the lock: the loader's threads check in parallel.
        let k = {
            let kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
            Arc::clone(kept.get(dir).filter(|k| k.pkg.import_path == import_path)?)
        };
        if identity(dir)?.0 != k.stamp.dir {
            return None;
        }
        let mut path = dir.to_path_buf();
        for (name, id) in &k.stamp.files {
            path.push(name);
            if identity(&path)?.0 != *id {
                return None;
            }
            path.pop();
        }
        self.saw(dir, &k.stamp);
        Some(k.pkg.clone())
    }

    /// Remembers the identities of a stamp just checked or taken.
    fn saw(&self, dir: &Path, stamp: &Stamp) {
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        // A file that could not be stat'ed (stamped as the default) is left to the key's own stat.
        for (name, id) in stamp.files.iter().filter(|(_, id)| *id != StatId::default()) {
            seen.insert(dir.join(name), id.size_mtime());
        }
    }

    /// The files of the standard packages this build loaded, each with its
    /// identity by stat (`size=… mtime=…`, a cache key's form) as the load
    /// found it when it checked a kept load or stamped a new one, so that
    /// making the keys does not `stat` them again. A file whose directory
    /// was modified too recently to be stamped is not here.
    pub(crate) fn file_identities(&self) -> HashMap<PathBuf, String> {
        std::mem::take(&mut *self.seen.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// Keeps a load of `dir`, given its [`stamp`] taken before it was read.
    pub(crate) fn put(&self, dir: &Path, stamp: Stamp, pkg: &Package) {
        if pkg.embed.is_some() || pkg.module.is_some() || !pkg.deps.is_empty() || !pkg.standard {
            return;
        }
        self.saw(dir, &stamp);
        let mut kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        kept.insert(dir.to_path_buf(), Arc::new(Kept { stamp, pkg: pkg.clone() }));
        self.changed.store(true, Ordering::Relaxed);
    }

    /// Stores the kept loads if this build added or replaced any. A failure
    /// costs the next build its loads, nothing else.
    pub(crate) fn save(&self) {
        if !self.changed.load(Ordering::Relaxed) {
            return;
        }
        let kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(data) = encode(&kept) {
            let _ = self.cache.put_bytes(&self.id, &data);
        }
    }
}

/// The identity of a directory and of every file a load of it may open
/// (what [`super::scan_dir`] does not pass over by name), or `None` when
/// any of them was modified in the last [`RACY`] seconds or cannot be read.
pub(crate) fn stamp(dir: &Path) -> Option<Stamp> {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).ok()?.as_nanos();
    let recent = |mtime: u128| mtime + RACY * 1_000_000_000 > now;
    let (dir_id, dir_mtime) = identity(dir)?;
    if recent(dir_mtime) {
        return None;
    }
    let mut files = Vec::new();
    for e in std::fs::read_dir(dir).ok()? {
        let e = e.ok()?;
        let name = e.file_name().into_string().ok()?;
        let ext = name.rfind('.').map_or("", |i| &name[i..]);
        if name.starts_with(['_', '.']) || super::file_kind(ext).is_none() || name.ends_with("_test.go") {
            continue;
        }
        if e.file_type().ok()?.is_dir() {
            continue;
        }
        // Broken symlinks, FIFOs: whatever they are, they are recorded as they are.
        let (id, mtime) = identity(&e.path()).unwrap_or_default();
        if recent(mtime) {
            return None;
        }
        files.push((name, id));
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    Some(Stamp { dir: dir_id, files })
}

/// A file's (or directory's) identity and mtime in nanoseconds, following
/// symlinks as the load's reads do.
fn identity(path: &Path) -> Option<(StatId, u128)> {
    let m = std::fs::metadata(path).ok()?;
    Some((StatId::of(&m), crate::toolchain::mtime_nanos(&m)))
}

// The stored form: a format line, then length-prefixed strings.

const FORMAT: &str = "go-link-build std loads 2\n";

struct Enc(Vec<u8>);

impl Enc {
    fn str(&mut self, s: &str) {
        self.0.extend_from_slice(format!("{}:", s.len()).as_bytes());
        self.0.extend_from_slice(s.as_bytes());
    }
    fn num(&mut self, n: usize) {
        self.str(&n.to_string());
    }
    fn list(&mut self, v: &[String]) {
        self.num(v.len());
        v.iter().for_each(|s| self.str(s));
    }
    /// Seven 8-byte little-endian numbers: read without parsing (decimal
    /// ones were 0.85 ms of an edit rebuild's 2 ms open).
    fn id(&mut self, id: &StatId) {
        let StatId { dev, ino, size, mtime: (ms, mn), ctime: (cs, cn) } = *id;
        for n in [dev, ino, size] {
            self.0.extend_from_slice(&n.to_le_bytes());
        }
        for n in [ms, mn, cs, cn] {
            self.0.extend_from_slice(&n.to_le_bytes());
        }
    }
    fn pairs<'a>(&mut self, n: usize, v: impl Iterator<Item = (&'a String, &'a String)>) {
        self.num(n);
        for (a, b) in v {
            self.str(a);
            self.str(b);
        }
    }
}

struct Dec<'a>(&'a [u8]);

impl Dec<'_> {
    fn str(&mut self) -> Option<String> {
        let colon = self.0.iter().position(|&b| b == b':')?;
        let len: usize = std::str::from_utf8(&self.0[..colon]).ok()?.parse().ok()?;
        let rest = &self.0[colon + 1..];
        let s = std::str::from_utf8(rest.get(..len)?).ok()?.to_string();
        self.0 = &rest[len..];
        Some(s)
    }
    fn num(&mut self) -> Option<usize> {
        self.str()?.parse().ok()
    }
    fn list(&mut self) -> Option<Vec<String>> {
        (0..self.num()?).map(|_| self.str()).collect()
    }
    fn id(&mut self) -> Option<StatId> {
        let mut n = [0u64; 7];
        for v in &mut n {
            let (b, rest) = self.0.split_first_chunk::<8>()?;
            *v = u64::from_le_bytes(*b);
            self.0 = rest;
        }
        let [dev, ino, size, ms, mn, cs, cn] = n;
        let i = |v: u64| v as i64;
        Some(StatId { dev, ino, size, mtime: (i(ms), i(mn)), ctime: (i(cs), i(cn)) })
    }
    fn ids(&mut self) -> Option<Vec<(String, StatId)>> {
        (0..self.num()?).map(|_| Some((self.str()?, self.id()?))).collect()
    }
    fn pairs(&mut self) -> Option<Vec<(String, String)>> {
        (0..self.num()?).map(|_| Some((self.str()?, self.str()?))).collect()
    }
}

fn encode(kept: &HashMap<PathBuf, Arc<Kept>>) -> Option<Vec<u8>> {
    let mut e = Enc(FORMAT.as_bytes().to_vec());
    let mut dirs: Vec<&PathBuf> = kept.keys().collect();
    dirs.sort();
    e.num(dirs.len());
    for dir in dirs {
        let k = &kept[dir];
        e.str(dir.to_str()?);
        e.id(&k.stamp.dir);
        e.num(k.stamp.files.len());
        for (name, id) in &k.stamp.files {
            e.str(name);
            e.id(id);
        }
        let mut pkg = k.pkg.clone();
        e.str(&pkg.import_path);
        e.str(&pkg.name);
        e.str(pkg.dir.to_str()?);
        for v in string_lists(&mut pkg) {
            e.list(v);
        }
        let Package { import_map, import_pos, go_debug, go_debug_pos, cgo_preambles, .. } = &pkg;
        e.pairs(import_map.len(), import_map.iter());
        e.pairs(import_pos.len(), import_pos.iter());
        e.pairs(go_debug.len(), go_debug.iter().map(|(a, b)| (a, b)));
        e.pairs(go_debug_pos.len(), go_debug_pos.iter());
        e.num(cgo_preambles.len());
        for (file, lines) in cgo_preambles {
            e.str(file);
            e.num(lines.len());
            for (n, text) in lines {
                e.num(*n as usize);
                e.str(text);
            }
        }
    }
    Some(e.0)
}

/// The file and path lists of a package, in their stored order. Every
/// field is named: a new one does not compile until it is stored (here or
/// in [`encode`] and [`decode`]) or said not to be.
fn string_lists(pkg: &mut Package) -> [&mut Vec<String>; 13] {
    let Package {
        // Stored by encode/decode.
        import_path: _,
        name: _,
        dir: _,
        import_map: _,
        import_pos: _,
        go_debug: _,
        go_debug_pos: _,
        cgo_preambles: _,
        // Never kept: true, none, none, empty (see StdCache::put).
        standard: _,
        module: _,
        embed: _,
        deps: _,
        go_files,
        cgo_files,
        ignored_go_files,
        s_files,
        c_files,
        cxx_files,
        m_files,
        h_files,
        f_files,
        syso_files,
        imports,
        embed_patterns,
        embed_files,
    } = pkg;
    [
        go_files,
        cgo_files,
        ignored_go_files,
        s_files,
        c_files,
        cxx_files,
        m_files,
        h_files,
        f_files,
        syso_files,
        imports,
        embed_patterns,
        embed_files,
    ]
}

fn decode(data: &[u8]) -> Option<HashMap<PathBuf, Arc<Kept>>> {
    let mut d = Dec(data.strip_prefix(FORMAT.as_bytes())?);
    let mut kept = HashMap::new();
    for _ in 0..d.num()? {
        let dir = PathBuf::from(d.str()?);
        let stamp = Stamp { dir: d.id()?, files: d.ids()? };
        let mut pkg = Package {
            import_path: d.str()?,
            name: d.str()?,
            dir: PathBuf::from(d.str()?),
            standard: true,
            ..Package::default()
        };
        for v in string_lists(&mut pkg) {
            *v = d.list()?;
        }
        pkg.import_map = d.pairs()?.into_iter().collect::<BTreeMap<_, _>>();
        pkg.import_pos = d.pairs()?.into_iter().collect();
        pkg.go_debug = d.pairs()?;
        pkg.go_debug_pos = d.pairs()?.into_iter().collect();
        for _ in 0..d.num()? {
            let file = d.str()?;
            let lines =
                (0..d.num()?).map(|_| Some((u32::try_from(d.num()?).ok()?, d.str()?))).collect::<Option<_>>()?;
            pkg.cgo_preambles.push((file, lines));
        }
        kept.insert(dir, Arc::new(Kept { stamp, pkg }));
    }
    d.0.is_empty().then_some(kept)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::tests::linux_amd64;
    use crate::load::tests::Scratch;
    use crate::load::{load_graph, load_graph_kept, Graph};

    /// Sets the mtime of everything under `dir` an hour back (older than [`RACY`]).
    fn age(dir: &Path) {
        let old = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            if e.file_type().unwrap().is_dir() {
                age(&e.path());
            }
            std::fs::File::open(e.path()).unwrap().set_modified(old).unwrap();
        }
        std::fs::File::open(dir).unwrap().set_modified(old).unwrap();
    }

    fn graph(ctx: &BuildContext, cache: &Cache, roots: &[PathBuf]) -> (Graph, usize) {
        let kept = StdCache::open(cache, ctx, "go1.26 test");
        let before = kept.kept.lock().unwrap().len();
        (load_graph_kept(ctx, None, roots, &kept).unwrap(), before)
    }

    #[test]
    fn kept_loads_are_used_until_what_they_read_changes() {
        let s = Scratch::new("stdcache-fake");
        let goroot = s.0.join("goroot");
        s.write("goroot/src/runtime/runtime.go", "package runtime\n");
        s.write("goroot/src/runtime/asm_amd64.s", "#include \"textflag.h\"\n");
        s.write("goroot/src/errors/errors.go", "package errors\n\nimport \"runtime\"\n");
        s.write("goroot/src/errors/errors_test.go", "package errors\n");
        s.write("goroot/src/fmt/print.go", "package fmt\n\nimport \"errors\"\n");
        age(&s.0);
        let mut ctx = linux_amd64();
        ctx.goroot = goroot.clone();
        let cache = Cache::open(&s.0.join("cache")).unwrap();
        let roots = [goroot.join("src/fmt"), goroot.join("src/runtime")];
        let fresh = load_graph(&ctx, None, &roots).unwrap();
        let (first, kept) = graph(&ctx, &cache, &roots);
        assert_eq!((&first, kept), (&fresh, 0), "nothing kept at first");
        let (second, kept) = graph(&ctx, &cache, &roots);
        assert_eq!((&second, kept), (&fresh, 3), "the three loads are kept and give the same graph");

        // An edit (which makes the file racily new: not kept) is seen.
        s.write("goroot/src/errors/errors.go", "package errors\n");
        let (edited, _) = graph(&ctx, &cache, &roots);
        let errors = edited.packages.iter().find(|p| p.import_path == "errors").unwrap();
        assert!(errors.imports.is_empty(), "errors no longer imports runtime: {errors:?}");
        assert_eq!(edited, load_graph(&ctx, None, &roots).unwrap());
        // A build constraint in an assembly file: same size, another mtime.
        age(&s.0);
        let (_, _) = graph(&ctx, &cache, &roots);
        s.write("goroot/src/runtime/asm_amd64.s", "//go:build ignore\n\n#inc\n");
        age(&s.0);
        let (g, _) = graph(&ctx, &cache, &roots);
        let runtime = g.packages.iter().find(|p| p.import_path == "runtime").unwrap();
        assert!(runtime.s_files.is_empty(), "the excluded .s file is seen: {runtime:?}");
        // A new file: the directory changed.
        s.write("goroot/src/fmt/scan.go", "package fmt\n\nimport \"runtime\"\n");
        age(&s.0);
        let (g, _) = graph(&ctx, &cache, &roots);
        assert_eq!(g, load_graph(&ctx, None, &roots).unwrap());
        assert!(g.packages.iter().any(|p| p.go_files.contains(&"scan.go".to_string())));
        // A test file's content is never read for a build: not part of the stamp.
        assert!(stamp(&goroot.join("src/errors")).unwrap().files.iter().all(|(n, _)| n == "errors.go"));
    }

    #[test]
    fn a_damaged_store_is_an_empty_start() {
        assert!(decode(b"go-link-build std loads 2\n1:1").is_none());
        assert!(decode(b"something else").is_none());
        assert_eq!(decode(b"go-link-build std loads 2\n1:0").map(|k| k.len()), Some(0));
        assert!(decode(b"go-link-build std loads 2\n1:0trailing").is_none());
        assert!(decode(b"go-link-build std loads 1\n1:0").is_none(), "an older format is not read");
    }

    /// The installed Go's standard library, loaded through kept loads and
    /// fresh, with cgo off and on (cgo preambles are kept too).
    #[test]
    fn loads_equal_fresh_loads() {
        let s = Scratch::new("stdcache-real");
        let cache = Cache::open(&s.0.join("cache")).unwrap();
        let Ok(tc) = crate::toolchain::discover(None, &crate::env::Env::new(Default::default()), &cache) else {
            return;
        };
        let mut ctx = linux_amd64();
        ctx.goroot = tc.goroot.clone();
        ctx.go_minor = tc.minor;
        let goroot = tc.goroot;
        let src = goroot.join("src");
        let roots: Vec<PathBuf> = ["net/http", "os/user", "go/format", "crypto/tls", "embed", "runtime/cgo"]
            .iter()
            .map(|p| src.join(p))
            .collect();
        for cgo in [false, true] {
            ctx.cgo_enabled = cgo;
            let fresh = load_graph(&ctx, None, &roots).unwrap();
            let (_, _) = graph(&ctx, &cache, &roots);
            let (kept_graph, kept) = graph(&ctx, &cache, &roots);
            assert!(kept > 100, "cgo {cgo}: {kept} loads kept");
            assert_eq!(kept_graph, fresh, "cgo {cgo}");
        }
    }
}
