//! Execution: runs a [`Plan`] with the scheduler and the cache.
//!
//! Actions run in dependency order, in parallel where the plan allows. A
//! cached action first computes its key (the facts the plan recorded, the
//! identity of its source files, and what it reads of its dependencies,
//! which are done by then), and is done at once when the cache has the key;
//! otherwise its steps run in a fresh temporary directory that is committed
//! to the cache. The plan's symbolic directories (`$WORK/bNNN`) become real
//! paths here: a file of a dependency's cache entry, or the running action's
//! temporary directory. Every outcome is typed ([`Outcome`]): done, failed,
//! or skipped because a dependency failed. This is the only module that
//! runs the plan's tools.

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::cache::{digest, hex, ActionId, Cache, Entry, KeyBuilder};
use crate::cargo::CargoOutput;
use crate::error::{Error, ErrorKind, Result};
use crate::exec::Invocation;
use crate::plan::{
    Action, ActionIdx, ActionKind, KeyInput, KeySpec, Member, Plan, Step, Tool, ACTION_ID, CGO_HEADER, WORK,
};
use crate::progress::Event;
use crate::sched::{self, Jobs, Outcome};

/// Counts of what a build did, for tests and the debug log. Read its
/// fields; more may be added.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Stats {
    /// Package actions found in the cache.
    pub cached: usize,
    /// Package actions that ran compile (and asm).
    pub compiled: usize,
    /// Whether the link ran (false: the linked output came from the cache).
    pub linked: bool,
    /// Wall time of the steps of the cached actions that ran (compile, asm,
    /// cgo, pack, link: the Go tools, which `go build` runs the same),
    /// summed over actions. For an edit rebuild, whose actions run one
    /// after another, the part of its time no build engine can save.
    pub tool_time: std::time::Duration,
    /// What the remote cache did (feature `remote-cache`; all zero without one).
    pub remote: RemoteStats,
}

/// Remote cache counters of one build. Read its fields; more may be added.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RemoteStats {
    /// Actions missing locally, found remotely and installed into the local cache.
    pub hits: usize,
    /// Actions missing locally that the remote cache could not provide
    /// (absent, or a failure).
    pub misses: usize,
    /// Bytes downloaded (action results and blobs).
    pub bytes_down: u64,
    /// Blobs and action results uploaded.
    pub uploads: usize,
    /// Bytes uploaded.
    pub bytes_up: u64,
}

/// A finished action.
#[derive(Debug)]
struct Done {
    /// Its cache entry (cached actions only).
    entry: Option<Entry>,
    /// Whether its steps ran (false: found in the cache).
    ran: bool,
    /// How long its steps took (cached actions that ran).
    took: std::time::Duration,
}

/// Runs plans.
pub(crate) struct Executor<'a> {
    pub cache: &'a Cache,
    pub jobs: &'a Jobs,
    pub out: &'a CargoOutput,
    /// Print each step's commands to stderr as it runs (`-x`).
    pub trace: bool,
    /// Receives progress events (`Build::progress`).
    pub progress: Option<&'a crate::progress::Observer>,
}

impl Executor<'_> {
    /// Runs every action of the plan. Returns what the build did, or the
    /// errors of every action that failed, in plan order.
    pub(crate) fn run(&self, plan: &Plan) -> Result<Stats> {
        let n = plan.actions.len();
        let done: Vec<OnceLock<Done>> = (0..n).map(|_| OnceLock::new()).collect();
        let deps: Vec<Vec<usize>> = plan.actions.iter().map(|a| a.deps.iter().map(|d| d.get()).collect()).collect();
        let weight: Vec<u64> = plan.actions.iter().map(|a| a.weight).collect();
        // With a remote cache, what is missing locally is fetched in parallel first.
        if self.cache.has_remote() {
            self.cache.prefetch(&early_keys(plan));
        }
        // Progress events, made only when someone listens.
        let notify = |i: usize, event: &dyn Fn(usize, String) -> Event| {
            if let Some(f) = self.progress {
                f(&event(i, crate::progress::label(plan.actions[i].kind, &plan.actions[i].label)));
            }
        };
        if let Some(f) = self.progress {
            f(&Event::Planned { total: n });
        }
        let outcomes = sched::run(self.jobs, &deps, &weight, |i| {
            notify(i, &|action, label| Event::Started { action, label });
            let d = self
                .action(plan, ActionIdx(i as u32), &done)
                .inspect_err(|_| notify(i, &|action, label| Event::Failed { action, label }))?;
            let cached = !d.ran;
            notify(i, &|action, label| Event::Finished { action, label, cached });
            let _ = done[i].set(d);
            Ok(())
        });
        let mut errors: Vec<Error> = Vec::new();
        for (i, o) in outcomes.into_iter().enumerate() {
            match o {
                Outcome::Done(()) | Outcome::Skipped => {}
                Outcome::Failed(e) => errors.push(e),
                Outcome::Panicked(msg) => {
                    // The panic unwound past the worker's Failed event.
                    notify(i, &|action, label| Event::Failed { action, label });
                    errors.push(panicked(&plan.actions[i], &msg))
                }
            }
        }
        if errors.len() == 1 {
            return Err(errors.remove(0));
        }
        if !errors.is_empty() {
            let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
            return Err(Error::new(ErrorKind::Tool, text.join("\n")));
        }
        let mut stats = Stats::default();
        for (a, d) in plan.actions.iter().zip(&done) {
            let d = d.get().ok_or_else(|| internal("an action finished without a result"))?;
            stats.tool_time += d.took;
            match a.kind {
                ActionKind::Package(_) if d.ran => stats.compiled += 1,
                ActionKind::Package(_) => stats.cached += 1,
                ActionKind::Link => stats.linked = d.ran,
                ActionKind::Header | ActionKind::Install | ActionKind::Preprofile => {}
            }
        }
        Ok(stats)
    }

    fn action(&self, plan: &Plan, idx: ActionIdx, done: &[OnceLock<Done>]) -> Result<Done> {
        let a = &plan.actions[idx.get()];
        let Some(spec) = &a.key else {
            let x = Expander { plan, done, own: None, id: None };
            self.steps(a, &x, done)?;
            return Ok(Done { entry: None, ran: true, took: std::time::Duration::ZERO });
        };
        let id = key(spec, a.outputs, done)?;
        if let Some(entry) = self.cache.lookup(&id) {
            return Ok(Done { entry: Some(entry), ran: false, took: std::time::Duration::ZERO });
        }
        if a.kind == ActionKind::Link && self.cache.audit_before_link() {
            // The link reads every archive: those that came from the cache
            // were just hashed (or were hashed before and have not changed
            // since), so a damaged one (even of the right size) cannot reach
            // the output.
            return Err(Error::new(
                ErrorKind::Io,
                format!("damaged package archives in the cache {} were removed", self.cache.root().display()),
            ));
        }
        let tmp = self.cache.temp_dir()?;
        let x = Expander { plan, done, own: Some((idx, tmp.path())), id: Some(id.short()) };
        #[cfg(feature = "test-hooks")]
        if a.label.contains(PANIC_HOOK) {
            panic!("test hook: {PANIC_HOOK} in the action's label");
        }
        let start = std::time::Instant::now();
        self.steps(a, &x, done)?;
        let took = start.elapsed();
        // Keep only the outputs in the cache entry.
        if let Ok(entries) = std::fs::read_dir(tmp.path()) {
            for e in entries.flatten() {
                if !a.outputs.iter().any(|o| e.file_name() == *o) {
                    let _ = std::fs::remove_file(e.path());
                }
            }
        }
        let entry = self.cache.commit(&id, tmp)?;
        // Every output but the cgo export header (only cgo packages of a C
        // archive write one) is what the action exists for.
        if let Some(main) = a.outputs.iter().find(|o| **o != CGO_HEADER && entry.file(o).is_none()) {
            let tool = match a.kind {
                ActionKind::Link => "linker",
                ActionKind::Preprofile => "preprofile tool",
                _ => "compiler",
            };
            return Err(Error::new(ErrorKind::Tool, format!("{}\nthe {tool} wrote no {main}", a.label)));
        }
        Ok(Done { entry: Some(entry), ran: true, took })
    }

    fn steps(&self, a: &Action, x: &Expander<'_>, done: &[OnceLock<Done>]) -> Result<()> {
        for step in &a.steps {
            if self.trace {
                // One write, so lines of parallel actions do not interleave.
                to_stderr!("{}", x.plan.step_lines(step).join("\n"));
            }
            match step {
                Step::Write { path, contents } => {
                    let p = x.path(path)?;
                    let data = x.bytes(contents.as_bytes())?;
                    std::fs::write(&p, data).map_err(|e| Error::io("write", &p, e))?;
                }
                Step::Run { tool, inv } => {
                    let out = x.inv(inv)?.run(&a.label)?;
                    self.forward(*tool, out.combined);
                }
                Step::Parallel { tool, invs } => {
                    let invs: Vec<Invocation> = invs.iter().map(|i| x.inv(i)).collect::<Result<_>>()?;
                    let deps = vec![Vec::new(); invs.len()];
                    let weight = vec![1; invs.len()];
                    // What the compiles print when they succeed, shown once
                    // they are all done, each diagnostic once (a cgo preamble
                    // is compiled in x.cgo2.c and again in _cgo_export.c).
                    let shown = std::sync::Mutex::new(Vec::new());
                    let results = sched::run(self.jobs, &deps, &weight, |j| {
                        invs[j].run(&a.label).map(|out| {
                            shown.lock().unwrap_or_else(|e| e.into_inner()).push((j, out.combined));
                        })
                    });
                    let mut shown = shown.into_inner().unwrap_or_else(|e| e.into_inner());
                    shown.sort_by_key(|(j, _)| *j);
                    let text = crate::diag::dedup_blocks(shown.iter().map(|(_, t)| t.as_str()));
                    if !text.is_empty() {
                        self.forward(*tool, format!("{}\n{text}", a.label));
                    }
                    let errors: Vec<String> = results
                        .into_iter()
                        .filter_map(|r| match r {
                            Outcome::Failed(e) => Some(e.to_string()),
                            Outcome::Panicked(msg) => Some(panicked(a, &msg).to_string()),
                            _ => None,
                        })
                        .collect();
                    if !errors.is_empty() {
                        return Err(Error::new(ErrorKind::Tool, errors.join("\n")));
                    }
                }
                Step::DynImport { link, dynimport, fail_marker } => {
                    let (linked, _) = x.inv(link)?.probe()?;
                    if linked {
                        x.inv(dynimport)?.run(&a.label)?;
                    } else {
                        let p = x.path(fail_marker)?;
                        std::fs::write(&p, b"").map_err(|e| Error::io("write", &p, e))?;
                    }
                }
                Step::Compile { inv, optional } => {
                    let mut inv = x.inv(inv)?;
                    for f in optional {
                        let p = x.path(f)?;
                        if p.is_file() {
                            inv.arg(p);
                        }
                    }
                    let out = inv.run(&a.label)?;
                    self.forward(Tool::Compile, out.combined);
                }
                Step::Pack { archive, members } => {
                    let mut files = Vec::new();
                    for m in members {
                        match m {
                            Member::File(f) => files.push(x.path(f)?),
                            Member::IfExists(f) => files.extend(Some(x.path(f)?).filter(|p| p.is_file())),
                        }
                    }
                    if !files.is_empty() {
                        let refs: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
                        crate::archive::append_files(&x.path(archive)?, &refs)?;
                    }
                }
                Step::Header { main, others, dest } => {
                    let header_of = |a: &ActionIdx| {
                        done.get(a.get())
                            .and_then(|d| d.get())
                            .and_then(|d| d.entry.as_ref())
                            .and_then(|e| e.file(CGO_HEADER))
                    };
                    let sources: Vec<PathBuf> = match header_of(main) {
                        Some(h) => vec![h],
                        None => others.iter().filter_map(header_of).collect(),
                    };
                    self.write_header(&sources, dest)?;
                }
                Step::Install { from, file, to, executable } => {
                    let blob = x.output(*from, file)?;
                    if let Some(parent) = to.parent() {
                        std::fs::create_dir_all(parent).map_err(|e| Error::io("create directory", parent, e))?;
                    }
                    self.cache.install(&blob, to, *executable)?;
                }
            }
        }
        Ok(())
    }

    /// Writes the archive's C header from the cached `_cgo_install.h` files
    /// (each checked against its hash), or a note when there is none.
    fn write_header(&self, sources: &[PathBuf], dest: &Path) -> Result<()> {
        let mut text = String::new();
        for h in sources {
            text.push_str(&String::from_utf8_lossy(&self.cache.read_verified(h)?));
        }
        if sources.is_empty() {
            text.push_str(
                "/* Code generated by go-link-build. The Go packages export no functions (no //export). */\n",
            );
        }
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io("create directory", parent, e))?;
        }
        if std::fs::read_to_string(dest).ok().as_deref() != Some(text.as_str()) {
            crate::cache::write_atomic(dest, text.as_bytes())?;
        }
        Ok(())
    }

    /// Tool output on success becomes cargo warnings, except the cgo tool's
    /// (which repeats what the C compiles report).
    fn forward(&self, tool: Tool, output: String) {
        if tool != Tool::Cgo && !output.trim().is_empty() {
            self.out.warning(&output);
        }
    }
}

/// The error of an action whose run panicked (a bug in go-link-build): the
/// scheduler caught the panic, the other actions finished or were skipped,
/// and the action's temp directory went with the unwinding.
fn panicked(a: &Action, msg: &str) -> Error {
    Error::new(
        ErrorKind::Tool,
        format!(
            "{}\ngo-link-build bug: the action `{}` panicked: {msg}\nnothing was installed; please report this \
             with the output of GO_LINK_BUILD_DEBUG=1",
            a.label,
            crate::progress::label(a.kind, &a.label)
        ),
    )
}

/// Under the `test-hooks` feature, an action whose label contains this
/// panics when it runs (tests/tests/errors.rs).
#[cfg(feature = "test-hooks")]
const PANIC_HOOK: &str = "glb-test-hook-panic";

fn internal(what: &str) -> Error {
    Error::new(ErrorKind::Tool, format!("internal error in go-link-build's executor: {what}"))
}

fn done_entry(done: &[OnceLock<Done>], a: ActionIdx) -> Option<&Entry> {
    done.get(a.get()).and_then(|d| d.get()).and_then(|d| d.entry.as_ref())
}

/// The action ID of a cached action whose dependencies are done.
fn key(spec: &KeySpec, outputs: &[&str], done: &[OnceLock<Done>]) -> Result<ActionId> {
    key_with(spec, outputs, |input| {
        let entry = done_entry(done, input.action)
            .ok_or_else(|| internal(&format!("{} is not done before its dependents", input.label)))?;
        Ok(match input.file {
            None => entry.id.hex(),
            Some(file) => {
                let d = entry.digest(file).ok_or_else(|| {
                    Error::new(ErrorKind::Io, format!("the cache entry of {} has no {file}", input.label))
                })?;
                format!("{file} {} {}", d.hex(), d.size)
            }
        })
    })
}

/// An action's key, given what each of its inputs contributes: a
/// dependency's action ID, or the digest of the output file it reads.
fn key_with(spec: &KeySpec, outputs: &[&str], input: impl Fn(&KeyInput) -> Result<String>) -> Result<ActionId> {
    let mut k = KeyBuilder::new(spec.kind);
    // What an entry holds is part of its key: an entry of another layout
    // (an older go-link-build's) is never taken for this one.
    k.line("outputs", outputs.join(" "));
    for (key, value) in &spec.lines {
        k.line(key, value);
    }
    for i in &spec.inputs {
        k.line("input", format!("{} {}", i.label, input(i)?));
    }
    for f in &spec.files {
        let id = match &f.known {
            Some(id) => id.clone(),
            None => file_identity(&f.path, f.by_stat)?,
        };
        k.line("file", format!("{} {id}", f.label));
    }
    Ok(k.finish())
}

/// The keys that can be known before anything runs: those of actions whose
/// inputs are all keyed by their dependencies' action IDs, recursively.
fn early_keys(plan: &Plan) -> Vec<ActionId> {
    let mut ids: Vec<Option<ActionId>> = Vec::with_capacity(plan.actions.len());
    for a in &plan.actions {
        let id = a.key.as_ref().and_then(|spec| {
            key_with(spec, a.outputs, |i| match (i.file, ids.get(i.action.get()).copied().flatten()) {
                (None, Some(id)) => Ok(id.hex()),
                _ => Err(internal("not known early")),
            })
            .ok()
        });
        ids.push(id);
    }
    ids.into_iter().flatten().collect()
}

/// The identity of one source file for a cache key.
fn file_identity(path: &Path, by_stat: bool) -> Result<String> {
    if by_stat {
        let meta = std::fs::metadata(path).map_err(|e| Error::io("stat", path, e))?;
        Ok(crate::cache::fsutil::StatId::of(&meta).size_mtime())
    } else {
        let data = std::fs::read(path).map_err(|e| Error::io("read", path, e))?;
        Ok(format!("sha256={}", hex(&digest(&data))))
    }
}

/// Turns the plan's symbolic directories and action ID into real ones.
struct Expander<'a> {
    plan: &'a Plan,
    done: &'a [OnceLock<Done>],
    /// The running action and its temporary directory.
    own: Option<(ActionIdx, &'a Path)>,
    /// The running action's ID (short form), for `$ACTIONID`.
    id: Option<String>,
}

impl Expander<'_> {
    /// The path of output `file` of finished action `a`: a blob of its
    /// cache entry. A dependency without it is an error, never an empty path.
    fn output(&self, a: ActionIdx, file: &str) -> Result<PathBuf> {
        let label = || self.plan.actions.get(a.get()).map_or("?", |x| x.label.as_str());
        let entry =
            done_entry(self.done, a).ok_or_else(|| internal(&format!("the output of {} is not available", label())))?;
        entry.file(file).ok_or_else(|| {
            Error::new(ErrorKind::Io, format!("{}\nits cache entry {} has no {file}", label(), entry.id.hex()))
        })
    }

    /// Replaces `$WORK/bNNN` (the running action's directory) and
    /// `$WORK/bNNN/<output>` (a finished dependency's output file) and
    /// `$ACTIONID` with real values.
    fn bytes(&self, s: &[u8]) -> Result<Vec<u8>> {
        let width = self.plan.width;
        let mut out = Vec::with_capacity(s.len());
        let mut i = 0;
        while i < s.len() {
            let rest = &s[i..];
            if rest.starts_with(WORK.as_bytes()) {
                let digits = &rest[WORK.len()..];
                let n =
                    digits.get(..width).and_then(|d| std::str::from_utf8(d).ok()).and_then(|d| d.parse::<u32>().ok());
                if let Some(a) = n.filter(|n| *n >= 1).map(|n| ActionIdx(n - 1)) {
                    i += WORK.len() + width;
                    match self.own {
                        Some((own, dir)) if own == a => out.extend_from_slice(&path_bytes(dir)),
                        _ => {
                            // A dependency's directory is only ever named with one of its outputs.
                            let after = &s[i..];
                            let file = self.plan.actions[a.get()]
                                .outputs
                                .iter()
                                .find(|f| after.starts_with(b"/") && after[1..].starts_with(f.as_bytes()))
                                .ok_or_else(|| internal("a dependency's directory named without one of its outputs"))?;
                            out.extend_from_slice(&path_bytes(&self.output(a, file)?));
                            i += 1 + file.len();
                        }
                    }
                    continue;
                }
            } else if rest.starts_with(ACTION_ID.as_bytes()) {
                let id = self.id.as_deref().ok_or_else(|| internal("$ACTIONID in an uncached action"))?;
                out.extend_from_slice(id.as_bytes());
                i += ACTION_ID.len();
                continue;
            }
            out.push(s[i]);
            i += 1;
        }
        Ok(out)
    }

    fn os(&self, s: &OsStr) -> Result<OsString> {
        // Off Unix, a value that is not Unicode is passed through as it is
        // (placeholders are only ever joined with Unicode text there).
        #[cfg(not(unix))]
        if s.to_str().is_none() {
            return Ok(s.to_owned());
        }
        Ok(bytes_os(self.bytes(&os_bytes(s))?))
    }

    fn path(&self, p: &Path) -> Result<PathBuf> {
        Ok(PathBuf::from(self.os(p.as_os_str())?))
    }

    fn inv(&self, inv: &Invocation) -> Result<Invocation> {
        let mut out = Invocation::new(self.path(&inv.program)?, self.path(&inv.cwd)?);
        for a in &inv.args {
            out.args.push(self.os(a)?);
        }
        for (k, v) in &inv.env {
            out.env.push((k.clone(), self.os(v)?));
        }
        Ok(out)
    }
}

#[cfg(unix)]
fn os_bytes(s: &OsStr) -> Vec<u8> {
    use std::os::unix::ffi::OsStrExt;
    s.as_bytes().to_vec()
}

#[cfg(unix)]
fn bytes_os(b: Vec<u8>) -> OsString {
    use std::os::unix::ffi::OsStringExt;
    OsString::from_vec(b)
}

#[cfg(not(unix))]
fn os_bytes(s: &OsStr) -> Vec<u8> {
    // Placeholders are ASCII; a path that is not Unicode keeps its
    // replacement characters here, as it would in any tool's command line.
    s.to_string_lossy().into_owned().into_bytes()
}

#[cfg(not(unix))]
fn bytes_os(b: Vec<u8>) -> OsString {
    String::from_utf8_lossy(&b).into_owned().into()
}

fn path_bytes(p: &Path) -> Vec<u8> {
    os_bytes(p.as_os_str())
}
