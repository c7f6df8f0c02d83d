//! Package loading: from package directories to a dependency graph of
//! `Package` values, the way `go list` would describe them, without running
//! the `go` command.
//!
//! Loading one directory (`load_package`) is `go/build.Context.Import`: list
//! the directory, drop files by name (`_`/`.` prefixes, unknown extensions,
//! `_GOOS_GOARCH` suffixes), read the header of each remaining file for
//! build constraints, and read Go files up to their imports (`scan`). Files
//! that import `embed` are read to the end for `//go:embed` lines, whose
//! patterns are then resolved against the directory (`embed`). Nothing else
//! is read: most files are read only a few KiB deep.
//!
//! Loading a graph (`load_graph`) is the part of `cmd/go/internal/load` that
//! resolves imports, restricted to what go-link-build supports today:
//! - the standard library, from `$GOROOT/src`, with its vendored
//!   golang.org/x packages: a standard package's import of `P` resolves to
//!   `vendor/P` when `$GOROOT/src/vendor/P` exists (go list's `ImportMap`);
//! - the main module: import paths under the module path, from its directory.
//!
//! Everything else (third-party modules) is reported as unresolved: all such
//! imports at once, each with its file and line. The `internal` rule, the
//! ban on importing `vendor/...` paths and import cycles are checked as cmd/go
//! checks them.
//!
//! Invariants:
//! - `Graph::packages` is topologically sorted: every package comes after all
//!   of its `deps`.
//! - `Package::imports` is exactly `go list`'s `Imports` as a sorted set
//!   (which includes `C` for cgo packages), `Package::import_map` its
//!   `ImportMap`; `deps` adds what cmd/go adds behind go list's back (the
//!   runtime/cgo and syscall imports of cgo packages, `runtime` for main).
//! - The conformance test (`tests/tests/load_conformance.rs`) compares every standard
//!   package on 15 targets with `go list`.

pub(crate) mod constraint;
pub(crate) mod embed;
pub(crate) mod pgo;
pub(crate) mod scan;
pub(crate) mod stdcache;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::context::BuildContext;
use crate::error::{Error, ErrorKind, Result};
#[cfg(any(test, feature = "test-hooks"))]
pub(crate) use crate::modload::find_main_module;
pub(crate) use crate::modload::{has_go_files, has_path_prefix, MainModule, ModuleRef};
use crate::modload::{Modules, Unlocated};

pub(crate) use embed::EmbedCfg;

/// One loaded package: what `go list -json` says about it, plus resolved
/// dependency indices.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Package {
    /// The resolved import path: `fmt`, `vendor/golang.org/x/net/idna`,
    /// `example.com/m/sub`. For a main package, the path from the module.
    pub import_path: String,
    /// The package clause.
    pub name: String,
    /// The absolute package directory.
    pub dir: PathBuf,
    /// Whether the package lives in `$GOROOT/src`.
    pub standard: bool,
    /// The owning module, for packages outside the standard library.
    pub module: Option<ModuleRef>,
    /// `.go` files without `import "C"`. All file lists hold bare names,
    /// sorted.
    pub go_files: Vec<String>,
    /// `.go` files with `import "C"` (only when cgo is enabled).
    pub cgo_files: Vec<String>,
    /// `.go` files excluded by constraints, cgo files when cgo is off, and
    /// `package documentation` files.
    pub ignored_go_files: Vec<String>,
    /// Assembly: `.s`, and `.S`/`.sx` only in cgo packages.
    pub s_files: Vec<String>,
    /// `.c` (cgo only).
    pub c_files: Vec<String>,
    /// `.cc`, `.cpp`, `.cxx` (cgo only).
    pub cxx_files: Vec<String>,
    /// `.m` (cgo only).
    pub m_files: Vec<String>,
    /// `.h`, `.hh`, `.hpp`, `.hxx`.
    pub h_files: Vec<String>,
    /// `.f`, `.F`, `.for`, `.f90`.
    pub f_files: Vec<String>,
    /// `.syso` objects, selected by name only.
    pub syso_files: Vec<String>,
    /// Resolved import paths, sorted and unique (go list's `Imports`,
    /// including `C`).
    pub imports: Vec<String>,
    /// Source import path to resolved path, where they differ.
    pub import_map: BTreeMap<String, String>,
    /// Source import path to `file.go:LINE` of its first occurrence.
    pub import_pos: BTreeMap<String, String>,
    /// `//go:embed` patterns, sorted and unique.
    pub embed_patterns: Vec<String>,
    /// Files matched by the patterns, sorted.
    pub embed_files: Vec<String>,
    /// The resolved patterns, `None` without `//go:embed`.
    pub embed: Option<EmbedCfg>,
    /// `//go:debug key=value` directives of the package's Go files, in file
    /// order.
    pub go_debug: Vec<(String, String)>,
    /// Each `//go:debug` key to its directive's `/abs/file.go:LINE:COL`.
    pub go_debug_pos: BTreeMap<String, String>,
    /// Indices into `Graph::packages` of the packages this one needs to
    /// compile: its imports (without `C` and `unsafe`) and the implicit ones.
    pub deps: Vec<usize>,
    /// The cgo preambles of the cgo files, where the `#cgo` directives
    /// live: (file, lines of the preamble text with their line numbers).
    pub cgo_preambles: Vec<(String, Vec<(u32, String)>)>,
}

/// A loaded package graph.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Graph {
    /// Every package, each after all of its dependencies.
    pub packages: Vec<Package>,
    /// The indices of the requested packages, in request order.
    pub roots: Vec<usize>,
}

fn load_error(msg: impl Into<String>) -> Error {
    Error::new(ErrorKind::Load, msg)
}

/// The kinds of files go/build sorts a directory into (`fileListForExt`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum FileKind {
    Go,
    C,
    Cxx,
    M,
    H,
    F,
    /// `.s`.
    S,
    /// `.S` and `.sx`: assembly for the C compiler, kept only in cgo packages.
    CapS,
    Swig,
    Syso,
}

fn file_kind(ext: &str) -> Option<FileKind> {
    Some(match ext {
        ".go" => FileKind::Go,
        ".c" => FileKind::C,
        ".cc" | ".cpp" | ".cxx" => FileKind::Cxx,
        ".m" => FileKind::M,
        ".h" | ".hh" | ".hpp" | ".hxx" => FileKind::H,
        ".f" | ".F" | ".for" | ".f90" => FileKind::F,
        ".s" => FileKind::S,
        ".S" | ".sx" => FileKind::CapS,
        ".swig" | ".swigcxx" => FileKind::Swig,
        ".syso" => FileKind::Syso,
        _ => return None,
    })
}

/// A file read in growing chunks from its start.
struct FilePrefix {
    path: PathBuf,
    file: std::fs::File,
    buf: Vec<u8>,
    complete: bool,
}

/// Most Go files' headers (license, package clause, imports) fit in this.
const FIRST_CHUNK: u64 = 4096;

impl FilePrefix {
    fn open(path: PathBuf) -> Result<FilePrefix> {
        let file = std::fs::File::open(&path).map_err(|e| Error::io("open", &path, e))?;
        let mut f = FilePrefix { path, file, buf: Vec::new(), complete: false };
        f.more()?;
        Ok(f)
    }

    /// Reads about as much again as has been read so far.
    fn more(&mut self) -> Result<()> {
        let want = (self.buf.len() as u64).max(FIRST_CHUNK);
        // Room for the whole chunk first: read_to_end into a full Vec starts
        // with 32-byte probe reads and grows, six read calls per file header
        // instead of one or two.
        self.buf.reserve(want as usize);
        let n = (&mut self.file).take(want).read_to_end(&mut self.buf).map_err(|e| Error::io("read", &self.path, e))?;
        if (n as u64) < want {
            self.complete = true;
        }
        Ok(())
    }

    fn rest(&mut self) -> Result<()> {
        if !self.complete {
            self.file.read_to_end(&mut self.buf).map_err(|e| Error::io("read", &self.path, e))?;
            self.complete = true;
        }
        Ok(())
    }

    /// The bytes read so far, without a leading byte order mark.
    fn data(&self) -> &[u8] {
        scan::strip_bom(&self.buf)
    }
}

/// Extends `f` until the leading comments are fully read, then evaluates the
/// build constraints in them.
fn read_constraints(
    ctx: &BuildContext,
    f: &mut FilePrefix,
) -> Result<std::result::Result<constraint::Verdict, constraint::HeaderError>> {
    loop {
        match constraint::parse_file_header(f.data()) {
            Ok(h) if !h.reached_code && !f.complete => f.more()?,
            _ => return Ok(constraint::should_build(ctx, f.data())),
        }
    }
}

/// The result of scanning a directory, before the checks that need all files.
struct Scanned {
    pkg: Package,
    /// Test files whose constraints hold (they make a directory a package
    /// for `go list std`, but are otherwise ignored).
    n_test_files: usize,
    /// The file that gave the package its name.
    first_file: String,
    /// The package name of the first test file (without `_test`).
    test_name: String,
    /// (file, line, column, text) of `//go:` directives in Go files, in order.
    directives: Vec<(String, u32, u32, String)>,
    /// Pattern to `file.go:LINE:COL` of its first occurrence.
    embed_pos: BTreeMap<String, String>,
    swig_files: Vec<String>,
    cap_s_files: Vec<String>,
    /// `_test.go` files were passed over unread (see [`scan_dir`]).
    skipped_tests: bool,
}

/// Reads a directory's files and their headers (go/build's `Import` loop).
/// Without `tests`, `_test.go` files are passed over unread: a build never
/// uses them, and in the standard library they are a third of the Go files
/// a program's packages hold. (Only the "no non-test Go files" error and
/// `IgnoredGoFiles` see them; [`finish`] scans again with them for that
/// error, and packages outside GOROOT always read them, as their excluded
/// test files are inputs the no-op stamp watches.)
fn scan_dir(ctx: &BuildContext, dir: &Path, import_path: &str, standard: bool, tests: bool) -> Result<Scanned> {
    let rd = std::fs::read_dir(dir).map_err(|e| Error::io("read directory", dir, e))?;
    let mut entries: Vec<(String, std::fs::FileType)> = Vec::new();
    for entry in rd {
        let entry = entry.map_err(|e| Error::io("read directory", dir, e))?;
        let ft = entry.file_type().map_err(|e| Error::io("stat", &entry.path(), e))?;
        let name = match entry.file_name().into_string() {
            Ok(n) => n,
            Err(os) => {
                let lossy = os.to_string_lossy().into_owned();
                let ext = lossy.rfind('.').map_or("", |i| &lossy[i..]);
                if lossy.starts_with(['_', '.']) || file_kind(ext).is_none() {
                    continue;
                }
                return Err(load_error(format!(
                    "{}: file name {lossy:?} is not valid UTF-8; rename it",
                    dir.display()
                )));
            }
        };
        entries.push((name, ft));
    }
    entries.sort_by(|a, b| a.0.cmp(&b.0));

    let mut s = Scanned {
        pkg: Package { import_path: import_path.to_string(), dir: dir.to_path_buf(), standard, ..Package::default() },
        n_test_files: 0,
        first_file: String::new(),
        test_name: String::new(),
        directives: Vec::new(),
        embed_pos: BTreeMap::new(),
        swig_files: Vec::new(),
        cap_s_files: Vec::new(),
        skipped_tests: false,
    };
    let mut embed_patterns: BTreeSet<String> = BTreeSet::new();
    for (name, ft) in entries {
        if ft.is_dir() {
            continue;
        }
        let path = dir.join(&name);
        if ft.is_symlink() && path.is_dir() {
            // Symlinks to directories are not source files.
            continue;
        }
        if name.starts_with(['_', '.']) {
            continue;
        }
        let ext = name.rfind('.').map_or("", |i| &name[i..]);
        let Some(kind) = file_kind(ext) else { continue };
        if !tests && kind == FileKind::Go && name.ends_with("_test.go") {
            s.skipped_tests = true;
            continue;
        }
        // Opening a FIFO or device would block or worse; go/build would try.
        if !ft.is_file() && !ft.is_symlink() {
            continue;
        }
        // A broken symlink: an error for a Go file, ignored otherwise (as go/build).
        if ft.is_symlink() && kind != FileKind::Go && !path.exists() {
            continue;
        }
        let p = &mut s.pkg;
        if !constraint::good_os_arch_file(ctx, &name) {
            if kind == FileKind::Go {
                p.ignored_go_files.push(name);
            }
            continue;
        }
        if kind == FileKind::Syso {
            // Binary, never read.
            p.syso_files.push(name);
            continue;
        }
        if kind != FileKind::Go {
            let mut f = FilePrefix::open(path)?;
            let end = loop {
                match scan::leading_comments(f.data(), f.complete) {
                    Err(scan::CommentsError::NeedMore) => f.more()?,
                    Ok(n) => break Some(n),
                    // go/build keeps such a file without evaluating constraints.
                    Err(scan::CommentsError::Invalid) => break None,
                }
            };
            if let Some(end) = end {
                match constraint::should_build(ctx, &f.data()[..end]) {
                    Ok(v) if v.build => {}
                    // Excluded, or a //go:build line go/build cannot parse:
                    // either way the file is dropped.
                    _ => continue,
                }
            }
            let list = match kind {
                FileKind::C => &mut p.c_files,
                FileKind::Cxx => &mut p.cxx_files,
                FileKind::M => &mut p.m_files,
                FileKind::H => &mut p.h_files,
                FileKind::F => &mut p.f_files,
                FileKind::S => &mut p.s_files,
                FileKind::CapS => &mut s.cap_s_files,
                FileKind::Swig => &mut s.swig_files,
                FileKind::Go | FileKind::Syso => unreachable!("handled above"),
            };
            list.push(name);
            continue;
        }
        scan_go_file(ctx, &mut s, &mut embed_patterns, name, path)?;
    }
    s.pkg.embed_patterns = embed_patterns.into_iter().collect();
    Ok(s)
}

/// Reads one `.go` file's header and files it into the package.
fn scan_go_file(
    ctx: &BuildContext,
    s: &mut Scanned,
    embed_patterns: &mut BTreeSet<String>,
    name: String,
    path: PathBuf,
) -> Result<()> {
    let is_test = name.ends_with("_test.go");
    let mut f = FilePrefix::open(path)?;
    let verdict = match read_constraints(ctx, &mut f)? {
        Ok(v) => v,
        // We do not build tests: a broken test file is not our business.
        Err(_) if is_test => return Ok(()),
        Err(e) => return Err(load_error(format!("{}: {e}", f.path.display()))),
    };
    if !verdict.build {
        s.pkg.ignored_go_files.push(name);
        return Ok(());
    }
    let header = loop {
        match scan::scan_header(f.data(), f.complete) {
            Err(scan::ScanError::NeedMore) => f.more()?,
            Err(scan::ScanError::Syntax { .. }) if is_test => {
                s.n_test_files += 1;
                return Ok(());
            }
            Err(scan::ScanError::Syntax { line, col, msg }) => {
                return Err(load_error(format!("{}:{line}:{col}: {msg}", f.path.display())));
            }
            Ok(h) => break h,
        }
    };
    if !is_test {
        check_header_bytes(&f, header.end)?;
    }
    if header.package == "documentation" {
        s.pkg.ignored_go_files.push(name);
        return Ok(());
    }
    if is_test {
        s.n_test_files += 1;
        if s.test_name.is_empty() {
            s.test_name = header.package.strip_suffix("_test").unwrap_or(&header.package).to_string();
        }
        return Ok(());
    }
    if verdict.binary_only {
        return Err(load_error(format!(
            "{}: binary-only packages (//go:binary-only-package) are no longer supported by Go",
            f.path.display()
        )));
    }
    let p = &mut s.pkg;
    if p.name.is_empty() {
        p.name = header.package.clone();
        s.first_file = name.clone();
    } else if p.name != header.package {
        return Err(load_error(format!(
            "found packages {} ({}) and {} ({name}) in {}: every non-test Go file of a directory must have the same package clause",
            p.name,
            s.first_file,
            header.package,
            p.dir.display()
        )));
    }
    if header.imports_c() {
        if !ctx.cgo_enabled {
            // Ignore imports and embeds from cgo files when cgo is off.
            p.ignored_go_files.push(name);
            return Ok(());
        }
        p.cgo_files.push(name.clone());
        for pre in &header.cgo_preambles {
            p.cgo_preambles.push((name.clone(), pre.text_lines()));
        }
    } else {
        p.go_files.push(name.clone());
    }
    for imp in &header.imports {
        p.import_pos.entry(imp.path.clone()).or_insert_with(|| format!("{name}:{}", imp.line));
    }
    for (line, col, text) in &header.directives {
        s.directives.push((name.clone(), *line, *col, text.clone()));
    }
    if header.imports.iter().any(|i| i.path == "embed") {
        f.rest()?;
        if constraint::find(f.data(), b"//go:embed").is_some() {
            for e in scan::find_embeds(f.data()) {
                s.embed_pos.entry(e.pattern.clone()).or_insert_with(|| format!("{name}:{}:{}", e.line, e.col));
                embed_patterns.insert(e.pattern);
            }
        }
    }
    Ok(())
}

/// Rejects NUL bytes and invalid UTF-8 in the part of a Go file that was
/// parsed, as go/build and go/scanner do.
fn check_header_bytes(f: &FilePrefix, end: usize) -> Result<()> {
    let data = f.data();
    let region = &data[..(end + 1).min(data.len())];
    let line_of = |at: usize| 1 + data[..at].iter().filter(|&&c| c == b'\n').count();
    if let Some(at) = region.iter().position(|&c| c == 0) {
        return Err(load_error(format!("{}:{}: unexpected NUL in input", f.path.display(), line_of(at))));
    }
    if let Err(e) = std::str::from_utf8(&data[..end]) {
        return Err(load_error(format!(
            "{}:{}: illegal UTF-8 encoding: Go source files must be UTF-8",
            f.path.display(),
            line_of(e.valid_up_to())
        )));
    }
    Ok(())
}

/// Whether a path is a standard-library path: no dot in its first element
/// (`search.IsStandardImportPath`).
fn is_standard_import_path(path: &str) -> bool {
    !path.split('/').next().unwrap_or("").contains('.')
}

/// The directory of a standard import path.
fn std_dir(goroot: &Path, path: &str) -> PathBuf {
    path.split('/').fold(goroot.join("src"), |d, e| d.join(e))
}

/// The path a standard package's import of `path` resolves to
/// (`modload.(*loader).stdVendor`, the same in Go 1.21–1.27): for an
/// importer in the `cmd` module (`cmd` or `cmd/...`), `cmd/vendor/P` when
/// `$GOROOT/src/cmd/vendor/P` exists; for other standard packages,
/// `vendor/P` when `$GOROOT/src/vendor/P` exists. (cmd/go skips the rewrite
/// only for `go mod vendor`-like commands run inside the cmd module.)
fn std_vendor(goroot: &Path, importer: &str, path: &str) -> String {
    if is_standard_import_path(path) {
        return path.to_string();
    }
    let prefix = if importer == "cmd" || importer.starts_with("cmd/") { "cmd/vendor" } else { "vendor" };
    let vendored = format!("{prefix}/{path}");
    if std_dir(goroot, &vendored).exists() {
        vendored
    } else {
        path.to_string()
    }
}

/// `load.SafeArg`: a file name that cannot be mistaken for a flag.
fn safe_arg(name: &str) -> bool {
    name.bytes().next().is_some_and(|c| c.is_ascii_alphanumeric() || c == b'.' || c == b'_' || c == b'/' || c >= 0x80)
}

/// Completes a scanned directory into a package: the "no Go files" and
/// "C files without cgo" checks, import resolution within the standard
/// library, embed patterns and `//go:debug` lines.
fn finish(ctx: &BuildContext, s: Scanned) -> Result<Package> {
    // The error of a package without Go files depends on its test files.
    let s = if s.skipped_tests && s.pkg.go_files.is_empty() && s.pkg.cgo_files.is_empty() {
        scan_dir(ctx, &s.pkg.dir, &s.pkg.import_path, s.pkg.standard, true)?
    } else {
        s
    };
    let Scanned { mut pkg, n_test_files, directives, embed_pos, swig_files, cap_s_files, .. } = s;
    let dir = pkg.dir.display().to_string();
    if pkg.go_files.is_empty() && pkg.cgo_files.is_empty() {
        let why = if n_test_files > 0 {
            format!("no non-test Go files in {dir}")
        } else if !pkg.ignored_go_files.is_empty() {
            format!(
                "build constraints exclude all Go files in {dir} (ignored: {}); check the //go:build lines and _GOOS/_GOARCH file name suffixes against GOOS={} GOARCH={} CGO_ENABLED={}",
                pkg.ignored_go_files.join(", "),
                ctx.goos,
                ctx.goarch,
                u8::from(ctx.cgo_enabled)
            ) + if ctx.cgo_enabled {
                ""
            } else {
                "; files that import \"C\" need cgo, which is off for this build (enable it with Build::cgo(true), or build a C archive)"
            }
        } else {
            format!("no Go files in {dir}")
        };
        return Err(load_error(why));
    }
    if !swig_files.is_empty() {
        return Err(load_error(format!(
            "{dir}: SWIG files ({}) are not supported by go-link-build",
            swig_files.join(", ")
        )));
    }
    let uses_cgo = !pkg.cgo_files.is_empty();
    // .S/.sx files go to the C compiler, so only cgo packages keep them.
    if uses_cgo {
        pkg.s_files.extend(cap_s_files);
        pkg.s_files.sort();
    }
    if !ctx.cgo_enabled {
        // As cmd/go: without cgo, C sources are ignored (SFiles, HFiles and
        // SysoFiles stay; FFiles too, and then fail below).
        pkg.c_files.clear();
        pkg.cxx_files.clear();
        pkg.m_files.clear();
    }
    for (files, what) in
        [(&pkg.c_files, "C"), (&pkg.cxx_files, "C++"), (&pkg.m_files, "Objective-C"), (&pkg.f_files, "Fortran")]
    {
        if !files.is_empty() && !uses_cgo {
            return Err(load_error(format!(
                "{dir}: {what} source files not allowed when not using cgo: {} (a package needs a Go file with import \"C\" to compile them)",
                files.join(" ")
            )));
        }
    }
    let all_inputs = [
        &pkg.go_files,
        &pkg.cgo_files,
        &pkg.s_files,
        &pkg.c_files,
        &pkg.cxx_files,
        &pkg.m_files,
        &pkg.h_files,
        &pkg.f_files,
        &pkg.syso_files,
    ];
    if let Some(bad) = all_inputs.into_iter().flatten().find(|f| !safe_arg(f) || f.starts_with("_cgo_")) {
        return Err(load_error(format!("{dir}: invalid input file name {bad:?}; rename it")));
    }

    // Imports, resolved as far as a directory allows: standard packages see
    // GOROOT's vendored copies.
    let mut imports = BTreeSet::new();
    for src in pkg.import_pos.keys() {
        let resolved = if pkg.standard { std_vendor(&ctx.goroot, &pkg.import_path, src) } else { src.clone() };
        if &resolved != src {
            pkg.import_map.insert(src.clone(), resolved.clone());
        }
        imports.insert(resolved);
    }
    pkg.imports = imports.into_iter().collect();

    if !pkg.embed_patterns.is_empty() {
        let (files, cfg) = embed::resolve(&pkg.dir, &pkg.embed_patterns).map_err(|e| {
            let pos = embed_pos.get(&e.pattern).map(String::as_str).unwrap_or("?");
            load_error(format!("{}: {e}", pkg.dir.join(pos).display()))
        })?;
        pkg.embed_files = files;
        pkg.embed = Some(cfg);
    }

    let mut seen: HashMap<String, String> = HashMap::new();
    for (file, line, col, text) in &directives {
        // A directive's position is token.Position, `file:line:col`, as
        // cmd/go's checkDirectives prints it.
        let at = format!("{}:{line}:{col}", pkg.dir.join(file).display());
        match scan::parse_go_debug(text) {
            Ok(None) => {}
            Ok(Some((k, v))) => {
                if let Some(prev) = seen.get(&k) {
                    return Err(load_error(format!(
                        "{at}: repeated //go:debug for {k}\n\t{prev}: previous //go:debug"
                    )));
                }
                seen.insert(k.clone(), at.clone());
                pkg.go_debug_pos.insert(k.clone(), at);
                pkg.go_debug.push((k, v));
            }
            Err(e) => return Err(load_error(format!("{at}: invalid //go:debug: {e}"))),
        }
    }
    Ok(pkg)
}

/// [`load_package_with`] as a build loads (the unit tests' entry point).
#[cfg(test)]
fn load_package(ctx: &BuildContext, dir: &Path, import_path: &str, standard: bool) -> Result<Package> {
    load_package_with(ctx, dir, import_path, standard, false)
}

/// Loads the package in one directory, without loading its imports.
/// Standard packages (`standard`) get their vendored imports resolved.
/// `std_tests`: read a standard package's test files too (for the `go list`
/// conformance hooks, whose `IgnoredGoFiles` list them; see [`scan_dir`]).
fn load_package_with(
    ctx: &BuildContext,
    dir: &Path,
    import_path: &str,
    standard: bool,
    std_tests: bool,
) -> Result<Package> {
    let scanned = scan_dir(ctx, dir, import_path, standard, !standard || std_tests)?;
    finish(ctx, scanned)
}

/// An import that could not be resolved, for the combined error.
struct Unresolved {
    /// `/abs/dir/file.go:LINE` of the import.
    at: String,
    path: String,
    importer: String,
    why: String,
}

/// Where an import comes from, once found.
struct Located {
    path: String,
    dir: PathBuf,
    standard: bool,
    module: Option<ModuleRef>,
}

/// `findInternal`: the index of the last `internal` element of a path.
fn find_internal(path: &str) -> Option<usize> {
    if path.ends_with("/internal") {
        Some(path.len() - "internal".len())
    } else if let Some(i) = path.rfind("/internal/") {
        Some(i + 1)
    } else if path == "internal" || path.starts_with("internal/") {
        Some(0)
    } else {
        None
    }
}

/// `FindVendor`: the index of the last `vendor` element of a path.
fn find_vendor(path: &str) -> Option<usize> {
    if let Some(i) = path.rfind("/vendor/") {
        Some(i + 1)
    } else if path.starts_with("vendor/") {
        Some(0)
    } else {
        None
    }
}

/// The `internal` rule (`load.disallowInternal`): may `importer` import `p`?
/// Returns why not.
fn disallow_internal(importer: &Package, p: &Package) -> Option<String> {
    // Rewind over the slash before "internal".
    let i = find_internal(&p.import_path)?.saturating_sub(1);
    // FIPS 140 packages have their own rule: crypto/... may use
    // crypto/internal/fips140/..., which may use only crypto/internal/....
    if has_path_prefix(&importer.import_path, "crypto") && has_path_prefix(&p.import_path, "crypto/internal/fips140") {
        return None;
    }
    if has_path_prefix(&importer.import_path, "crypto/internal/fips140") {
        if has_path_prefix(&p.import_path, "crypto/internal") {
            return None;
        }
        return Some(format!("{} may only use crypto/internal packages, not {}", importer.import_path, p.import_path));
    }
    match &p.module {
        None => {
            // Standard library: by directory, the tree rooted at the parent
            // of "internal".
            let n_up = p.import_path[i..].trim_start_matches('/').split('/').count();
            let mut parent = p.dir.clone();
            for _ in 0..n_up {
                parent.pop();
            }
            let inside = |a: &Path, b: &Path| a.starts_with(b);
            if inside(&importer.dir, &parent) {
                return None;
            }
            // Look through symlinks before complaining.
            if let (Ok(a), Ok(b)) = (importer.dir.canonicalize(), parent.canonicalize()) {
                if inside(&a, &b) {
                    return None;
                }
            }
            let root = if i == 0 {
                "the standard library".to_string()
            } else {
                format!("{} (in {})", &p.import_path[..i], parent.display())
            };
            Some(format!("only packages of {root} may import it, and {} is not one", importer.import_path))
        }
        Some(_) => {
            // Modules: by import path (go.dev/issue/23970).
            let parent = &p.import_path[..i];
            if has_path_prefix(&importer.import_path, parent) {
                return None;
            }
            Some(format!("only packages under {parent} may import it, and {} is not one", importer.import_path))
        }
    }
}

/// The graph under construction.
struct Loader<'a> {
    ctx: &'a BuildContext,
    mods: Option<&'a Modules>,
    packages: Vec<Package>,
    by_path: HashMap<String, usize>,
    /// For each package, (source import path, dependency index).
    edges: Vec<Vec<(String, usize)>>,
    unresolved: Vec<Unresolved>,
    errors: Vec<String>,
    /// Read standard packages' test files ([`load_package_with`]).
    std_tests: bool,
    /// Packages loaded ahead, in parallel ([`Loader::prefetch`]), by what
    /// [`load_package_with`] was given: (dir, import path, standard).
    prefetched: HashMap<(PathBuf, String, bool), Result<Package>>,
    /// Import paths [`Loader::prefetch`] found to be standard packages with
    /// Go files: [`Loader::locate`]'s first answer, which depends on nothing
    /// but the path, so it does not list the directory again.
    std_located: std::collections::HashSet<String>,
    /// Standard packages' loads kept from earlier builds.
    std_cache: Option<&'a stdcache::StdCache<'a>>,
}

/// [`load_package_with`], through the kept loads of standard packages
/// (`std_cache`) when there are some.
fn load_dir(
    ctx: &BuildContext,
    std_cache: Option<&stdcache::StdCache<'_>>,
    dir: &Path,
    import_path: &str,
    standard: bool,
    std_tests: bool,
) -> Result<Package> {
    let Some(kept) = std_cache.filter(|_| standard && !std_tests) else {
        return load_package_with(ctx, dir, import_path, standard, std_tests);
    };
    if let Some(pkg) = kept.get(dir, import_path) {
        return Ok(pkg);
    }
    // Taken before the directory is read: a change while it is read shows next time.
    let stamp = stdcache::stamp(dir);
    let pkg = load_package_with(ctx, dir, import_path, standard, std_tests)?;
    if let Some(stamp) = stamp {
        kept.put(dir, stamp, &pkg);
    }
    Ok(pkg)
}

impl<'a> Loader<'a> {
    /// Locates a (resolved) import path `path` imported by `importer`.
    fn locate(&self, importer: &Package, path: &str) -> std::result::Result<Located, Unlocated> {
        if path == "builtin" {
            return Err("\"builtin\" is a pseudo-package for documentation, not an importable package"
                .to_string()
                .into());
        }
        let goroot_src = self.ctx.goroot.join("src");
        let std_pkg_dir = std_dir(&self.ctx.goroot, path);
        if self.std_located.contains(path) || (is_standard_import_path(path) && has_go_files(&std_pkg_dir)) {
            return Ok(Located { path: path.to_string(), dir: std_pkg_dir, standard: true, module: None });
        }
        if importer.standard {
            return Err(format!(
                "standard package {} imports {path}, which is not in {}: is GOROOT complete?",
                importer.import_path,
                goroot_src.display()
            )
            .into());
        }
        let Some(mods) = self.mods else {
            return Err(format!("not in the standard library (no Go files in {})", std_pkg_dir.display()).into());
        };
        if is_standard_import_path(path) && !mods.mains.iter().any(|m| has_path_prefix(path, &m.path)) {
            return Err(format!(
                "not in the standard library (no Go files in {}); a path whose first element has no dot \
                 is reserved for the standard library",
                std_pkg_dir.display()
            )
            .into());
        }
        let (dir, module) = mods.locate(path)?;
        Ok(Located { path: path.to_string(), dir, standard: false, module: Some(module) })
    }

    /// Adds a loaded package and returns its index.
    fn add(&mut self, pkg: Package) -> usize {
        let idx = self.packages.len();
        self.by_path.insert(pkg.import_path.clone(), idx);
        self.packages.push(pkg);
        self.edges.push(Vec::new());
        idx
    }

    /// Resolves the import `src` of package `from` (as written at `at`) and
    /// records the edge; returns the index of a newly loaded package.
    fn import(&mut self, from: usize, src: &str, at: &str) -> Option<usize> {
        let importer = &self.packages[from];
        let resolved = importer.import_map.get(src).cloned().unwrap_or_else(|| src.to_string());
        if resolved == "C" || resolved == "unsafe" {
            return None;
        }
        let unresolved = |why: String| Unresolved {
            at: at.to_string(),
            path: src.to_string(),
            importer: importer.import_path.clone(),
            why,
        };
        if let Some(i) = find_vendor(src) {
            let u = unresolved(format!(
                "vendored packages are imported by their own path: write \"{}\"",
                &src[i + "vendor/".len()..]
            ));
            self.unresolved.push(u);
            return None;
        }
        if src == "." || src == ".." || src.starts_with("./") || src.starts_with("../") {
            let u =
                unresolved("relative import paths are not supported in module mode; use the full import path".into());
            self.unresolved.push(u);
            return None;
        }
        let mut new = None;
        let idx = match self.by_path.get(&resolved) {
            Some(&i) => i,
            None => {
                let loc = match self.locate(importer, &resolved) {
                    Ok(loc) => loc,
                    Err(Unlocated::Import(why)) => {
                        let u = unresolved(why);
                        self.unresolved.push(u);
                        return None;
                    }
                    Err(Unlocated::Module(why)) => {
                        // Once per module, however many imports reach it.
                        if !self.errors.contains(&why) {
                            self.errors.push(why);
                        }
                        return None;
                    }
                };
                let module = loc.module;
                let loaded = match self.prefetched.remove(&(loc.dir.clone(), loc.path.clone(), loc.standard)) {
                    Some(r) => r,
                    None => load_dir(self.ctx, self.std_cache, &loc.dir, &loc.path, loc.standard, self.std_tests),
                };
                match loaded {
                    Ok(mut pkg) => {
                        pkg.module = module;
                        let i = self.add(pkg);
                        new = Some(i);
                        i
                    }
                    Err(e) => {
                        self.errors.push(format!("{at}: import \"{src}\": {e}"));
                        return None;
                    }
                }
            }
        };
        let (importer, p) = (&self.packages[from], &self.packages[idx]);
        if let Some(why) = disallow_internal(importer, p) {
            self.errors.push(format!("{at}: use of internal package {} not allowed: {why}", p.import_path));
        } else if p.name == "main" {
            self.errors.push(format!("{at}: import \"{src}\" is a program (package main), not an importable package"));
        }
        self.edges[from].push((src.to_string(), idx));
        new
    }

    /// Loads, in parallel, the packages that the imports of packages
    /// `from..` will load one at a time: [`Loader::import`] takes them from
    /// `prefetched` instead of reading the directory itself. Loading a
    /// package depends only on the arguments it is memoized under, so the
    /// graph, its order and its errors are what a sequential load gives.
    /// Imports that cannot be located, and implicit ones, are left to
    /// [`Loader::import`].
    fn prefetch(&mut self, from: usize) {
        let mut batch: Vec<(PathBuf, String, bool)> = Vec::new();
        for importer in &self.packages[from..] {
            for src in importer.import_pos.keys() {
                let resolved = importer.import_map.get(src).map_or(src.as_str(), String::as_str);
                if matches!(resolved, "C" | "unsafe")
                    || self.by_path.contains_key(resolved)
                    || find_vendor(src).is_some()
                    || src.starts_with('.')
                    || batch.iter().any(|(_, p, _)| p == resolved)
                {
                    continue;
                }
                if let Ok(loc) = self.locate(importer, resolved) {
                    batch.push((loc.dir, loc.path, loc.standard));
                }
            }
        }
        self.std_located.extend(batch.iter().filter(|(_, _, standard)| *standard).map(|(_, p, _)| p.clone()));
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(4).min(batch.len());
        if threads < 2 {
            return;
        }
        let next = std::sync::atomic::AtomicUsize::new(0);
        let (ctx, std_tests, batch, std_cache) = (self.ctx, self.std_tests, &batch, self.std_cache);
        let results: Vec<(usize, Result<Package>)> = std::thread::scope(|s| {
            let workers: Vec<_> = (0..threads)
                .map(|_| {
                    s.spawn(|| {
                        let mut out = Vec::new();
                        loop {
                            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                            let Some((dir, path, standard)) = batch.get(i) else { break out };
                            out.push((i, load_dir(ctx, std_cache, dir, path, *standard, std_tests)));
                        }
                    })
                })
                .collect();
            // A worker that panicked loaded nothing for us: those packages are loaded again, in order.
            workers.into_iter().flat_map(|w| w.join().unwrap_or_default()).collect()
        });
        for (i, r) in results {
            self.prefetched.insert(batch[i].clone(), r);
        }
    }

    /// Adds an implicit dependency (not written in the source).
    fn implicit(&mut self, from: usize, path: &str, why: &str) -> Option<usize> {
        let at = format!("{} ({why})", self.packages[from].dir.display());
        self.import(from, path, &at)
    }
}

/// The standard packages the linker loads for every program, whatever it
/// imports, each with why: `load.LinkerDeps` (cmd/go/internal/load/pkg.go)
/// without its build-mode cases (`runtime/cgo` when external linking is forced:
/// `-buildmode=c-shared`/`plugin`, `-linkmode=external`, targets that must link
/// externally; `runtime/race` and friends), which go-link-build does not build.
/// A main package imports them implicitly; so does the `package main` that a
/// C archive of library packages is given (they may import nothing at all).
pub(crate) fn linker_deps(ctx: &BuildContext) -> Vec<(&'static str, &'static str)> {
    let mut deps = vec![("runtime", "linked into every program")];
    if ctx.goarch == "arm" {
        deps.push(("math", "linked into every program on arm for soft float"));
    }
    if ctx.race {
        deps.push(("runtime/race", "linked into every -race program"));
    }
    if ctx.cover {
        deps.push(("runtime/coverage", "linked into every -cover program"));
    }
    deps
}

/// Loads the packages in `roots` (absolute directories inside the main
/// module, or inside `$GOROOT/src`) and everything they import (the unit
/// tests' entry point; a build uses [`load_graph_kept`]).
#[cfg(test)]
pub(crate) fn load_graph(ctx: &BuildContext, mods: Option<&Modules>, roots: &[PathBuf]) -> Result<Graph> {
    load_graph_with(ctx, mods, roots, false, None)
}

/// [`load_graph`], with the standard packages' loads kept in `std_cache`
/// (used where nothing they read changed, updated where something did).
pub(crate) fn load_graph_kept(
    ctx: &BuildContext,
    mods: Option<&Modules>,
    roots: &[PathBuf],
    std_cache: &stdcache::StdCache<'_>,
) -> Result<Graph> {
    let graph = load_graph_with(ctx, mods, roots, false, Some(std_cache))?;
    std_cache.save();
    Ok(graph)
}

/// [`load_graph`]; `std_tests` as for [`load_package_with`].
fn load_graph_with(
    ctx: &BuildContext,
    mods: Option<&Modules>,
    roots: &[PathBuf],
    std_tests: bool,
    std_cache: Option<&stdcache::StdCache<'_>>,
) -> Result<Graph> {
    let mut ld = Loader {
        std_cache,
        std_tests,
        ctx,
        mods,
        packages: Vec::new(),
        by_path: HashMap::new(),
        edges: Vec::new(),
        unresolved: Vec::new(),
        errors: Vec::new(),
        prefetched: HashMap::new(),
        std_located: std::collections::HashSet::new(),
    };
    let goroot_src = ctx.goroot.join("src");
    let mut root_idx = Vec::new();
    for root in roots {
        let main = mods.and_then(|m| m.main_containing(root));
        let (path, standard) = root_import_path(root, main, &goroot_src)?;
        let idx = match ld.by_path.get(&path) {
            Some(&i) => i,
            None => {
                let mut pkg = load_dir(ctx, std_cache, root, &path, standard, std_tests)
                    .map_err(|e| e.context(format!("loading package {path}")))?;
                pkg.module = match (standard, mods, main) {
                    (false, Some(mods), Some(m)) => Some(mods.main_ref(m)),
                    _ => None,
                };
                ld.add(pkg)
            }
        };
        root_idx.push(idx);
    }

    // Breadth-first over imports, collecting every problem before failing.
    let mut next = 0;
    let mut prefetched_to = 0;
    while next < ld.packages.len() {
        if next >= prefetched_to {
            ld.prefetch(next);
            prefetched_to = ld.packages.len();
        }
        let i = next;
        next += 1;
        let pkg = &ld.packages[i];
        let sources: Vec<(String, String)> =
            pkg.import_pos.iter().map(|(src, pos)| (src.clone(), format!("{}", pkg.dir.join(pos).display()))).collect();
        let uses_cgo = !pkg.cgo_files.is_empty();
        let (std, path, is_main) = (pkg.standard, pkg.import_path.clone(), pkg.name == "main");
        for (src, at) in sources {
            ld.import(i, &src, &at);
        }
        // What cgo's generated code imports (`load.(*Package).load`).
        if uses_cgo {
            if !(std && path == "runtime/cgo") {
                ld.implicit(i, "runtime/cgo", "imported by cgo-generated code");
            }
            if !(std && matches!(path.as_str(), "runtime/cgo" | "runtime/race" | "runtime/msan" | "runtime/asan")) {
                ld.implicit(i, "syscall", "imported by cgo-generated code");
            }
        }
        // What the linker loads for a program (`load.LinkerDeps`).
        if is_main && root_idx.contains(&i) {
            for (dep, why) in linker_deps(ctx) {
                ld.implicit(i, dep, why);
            }
        }
        // -cover's atomic mode (with -race) makes every covered package
        // import sync/atomic (`SelectCoverPackages`' `EnsureImport`). The
        // linker dependencies a C archive loads as roots are not
        // command-line packages.
        if ctx.cover && ctx.race {
            let pkg = &ld.packages[i];
            let cmdline = root_idx.contains(&i) && !(std && linker_deps(ctx).iter().any(|(d, _)| *d == path));
            if crate::cover::selected(pkg, cmdline, true) {
                ld.implicit(i, "sync/atomic", "imported by -cover's atomic mode");
            }
        }
    }
    report(&ld)?;
    let order = topological_order(&ld, &root_idx)?;

    // Renumber in topological order.
    let mut new_index = vec![usize::MAX; ld.packages.len()];
    for (new, &old) in order.iter().enumerate() {
        new_index[old] = new;
    }
    let mut slots: Vec<Option<Package>> = ld.packages.into_iter().map(Some).collect();
    let mut packages = Vec::with_capacity(order.len());
    for &old in &order {
        let mut pkg = slots[old].take().expect("each package appears once in the order");
        let mut deps: Vec<usize> = ld.edges[old].iter().map(|&(_, d)| new_index[d]).collect();
        deps.sort_unstable();
        deps.dedup();
        pkg.deps = deps;
        packages.push(pkg);
    }
    let roots = root_idx.iter().map(|&i| new_index[i]).collect();
    Ok(Graph { packages, roots })
}

/// The import path of a root directory: under the main module, or in std.
fn root_import_path(root: &Path, main: Option<&MainModule>, goroot_src: &Path) -> Result<(String, bool)> {
    let rel_path = |rel: &Path| -> Option<String> {
        let parts: Option<Vec<&str>> = rel.components().map(|c| c.as_os_str().to_str()).collect();
        parts.map(|p| p.join("/"))
    };
    // A directory under $GOROOT/src is a standard package even when the
    // main module is `cmd` ($GOROOT/src/cmd/go.mod): cmd/go loads cmd/gofmt
    // with Standard set and no Module (`modload.PackageModuleInfo` is nil
    // for standard import paths).
    if let Ok(rel) = root.strip_prefix(goroot_src) {
        if let Some(rel) = rel_path(rel).filter(|r| !r.is_empty()) {
            return Ok((rel, true));
        }
    }
    if let Some(m) = main {
        if let Ok(rel) = root.strip_prefix(&m.dir) {
            let rel =
                rel_path(rel).ok_or_else(|| load_error(format!("{} is not a valid UTF-8 path", root.display())))?;
            let path = if rel.is_empty() { m.path.clone() } else { format!("{}/{rel}", m.path) };
            return Ok((path, false));
        }
    }
    Err(load_error(match main {
        Some(m) => format!(
            "{} is not inside the main module {} ({}): go-link-build builds packages of one module",
            root.display(),
            m.path,
            m.dir.display()
        ),
        None => format!("{} is not inside a Go module (no go.mod found)", root.display()),
    }))
}

/// Fails with every unresolved import and every other problem at once.
fn report(ld: &Loader<'_>) -> Result<()> {
    if ld.unresolved.is_empty() && ld.errors.is_empty() {
        return Ok(());
    }
    let mut msg = String::new();
    if !ld.unresolved.is_empty() {
        let n = ld.unresolved.len();
        msg.push_str(&format!("cannot resolve {n} import{}:\n", if n == 1 { "" } else { "s" }));
        for u in &ld.unresolved {
            msg.push_str(&format!("\t{}: import \"{}\" (in package {}): {}\n", u.at, u.path, u.importer, u.why));
        }
        let missing = ld.mods.map(|m| m.missing()).unwrap_or_default();
        if !missing.is_empty() {
            let n = missing.len();
            msg.push_str(&format!(
                "{n} module{} of the build list {} not on disk (the modules this build imports first, then \
                 the rest of go.mod's requirements):\n",
                if n == 1 { "" } else { "s" },
                if n == 1 { "is" } else { "are" }
            ));
            for m in &missing {
                msg.push_str(&format!("\t{m}\n"));
            }
            msg.push_str(&ld.mods.map(|m| m.missing_advice()).unwrap_or_default());
        } else {
            let main = match ld.mods {
                Some(m) => {
                    format!(", the main module {} ({}) and its dependencies", m.mains[0].path, m.mains[0].dir.display())
                }
                None => String::new(),
            };
            msg.push_str(&format!(
                "go-link-build resolves imports from the standard library ({}){main}. \
                 Fix the import paths, or add the missing requirements to go.mod.",
                ld.ctx.goroot.join("src").display()
            ));
        }
    }
    for e in &ld.errors {
        if !msg.is_empty() {
            msg.push('\n');
        }
        msg.push_str(e);
    }
    Err(load_error(msg))
}

/// Orders the packages so that dependencies come first; fails on a cycle.
fn topological_order(ld: &Loader<'_>, roots: &[usize]) -> Result<Vec<usize>> {
    #[derive(Clone, Copy, PartialEq, Eq)]
    enum Mark {
        New,
        Active,
        Done,
    }
    struct Dfs<'l> {
        ld: &'l Loader<'l>,
        mark: Vec<Mark>,
        order: Vec<usize>,
        stack: Vec<(usize, String)>,
    }
    impl Dfs<'_> {
        fn visit(&mut self, i: usize) -> std::result::Result<(), String> {
            match self.mark[i] {
                Mark::Done => return Ok(()),
                Mark::Active => {
                    let start = self.stack.iter().position(|(p, _)| *p == i).unwrap_or(0);
                    let pkgs = &self.ld.packages;
                    let mut msg = format!("import cycle not allowed: {}", pkgs[i].import_path);
                    for (p, src) in &self.stack[start..] {
                        let pos = pkgs[*p].import_pos.get(src).map(String::as_str).unwrap_or("implicit");
                        msg.push_str(&format!("\n\timports {src} ({})", pkgs[*p].dir.join(pos).display()));
                    }
                    return Err(msg);
                }
                Mark::New => {}
            }
            self.mark[i] = Mark::Active;
            let mut edges = self.ld.edges[i].clone();
            edges.sort_by(|a, b| self.ld.packages[a.1].import_path.cmp(&self.ld.packages[b.1].import_path));
            for (src, d) in edges {
                self.stack.push((i, src));
                self.visit(d)?;
                self.stack.pop();
            }
            self.mark[i] = Mark::Done;
            self.order.push(i);
            Ok(())
        }
    }
    let mut dfs = Dfs { ld, mark: vec![Mark::New; ld.packages.len()], order: Vec::new(), stack: Vec::new() };
    for &r in roots {
        dfs.visit(r).map_err(load_error)?;
    }
    Ok(dfs.order)
}

/// Hooks for the loader's conformance test with `go list`
/// (`tests/tests/load_conformance.rs`), exported as `go_link_build::test_hooks`
/// with the `test-hooks` feature. Not part of the API.
#[cfg(feature = "test-hooks")]
#[allow(missing_docs)] // Not an API: the field names say it (go list's).
pub(crate) mod test_hooks {
    use std::collections::BTreeMap;
    use std::path::{Path, PathBuf};

    use crate::context::BuildContext;

    /// A target, as the tests describe it.
    #[derive(Clone, Debug)]
    pub struct TestTarget {
        pub goroot: PathBuf,
        pub goos: String,
        pub goarch: String,
        pub cgo_enabled: bool,
        /// Enabled experiments, as in the object header (`regabiwrappers`).
        pub experiments: Vec<String>,
        /// `("GOAMD64", "v1")` and the like.
        pub arch_level: Option<(String, String)>,
        /// 26 for go1.26.x.
        pub go_minor: u32,
    }

    impl TestTarget {
        fn context(&self) -> BuildContext {
            BuildContext {
                race: false,
                cover: false,
                goroot: self.goroot.clone(),
                goos: self.goos.clone(),
                goarch: self.goarch.clone(),
                cgo_enabled: self.cgo_enabled,
                arch_level: self.arch_level.clone(),
                experiments: self.experiments.clone(),
                goexperiment_env: None,
                go_minor: self.go_minor,
                user_tags: Vec::new(),
            }
        }
    }

    /// The fields of a package that `go list -json` also reports.
    #[derive(Clone, Debug, Default, PartialEq, Eq)]
    pub struct ListedPackage {
        pub import_path: String,
        pub name: String,
        pub dir: PathBuf,
        pub go_files: Vec<String>,
        pub cgo_files: Vec<String>,
        pub ignored_go_files: Vec<String>,
        pub s_files: Vec<String>,
        pub c_files: Vec<String>,
        pub h_files: Vec<String>,
        pub syso_files: Vec<String>,
        pub embed_patterns: Vec<String>,
        pub embed_files: Vec<String>,
        pub imports: Vec<String>,
        pub import_map: BTreeMap<String, String>,
        /// Dependencies (import paths), for graphs.
        pub deps: Vec<String>,
        pub go_debug: Vec<(String, String)>,
    }

    fn listed(p: &super::Package) -> ListedPackage {
        ListedPackage {
            import_path: p.import_path.clone(),
            name: p.name.clone(),
            dir: p.dir.clone(),
            go_files: p.go_files.clone(),
            cgo_files: p.cgo_files.clone(),
            ignored_go_files: p.ignored_go_files.clone(),
            s_files: p.s_files.clone(),
            c_files: p.c_files.clone(),
            h_files: p.h_files.clone(),
            syso_files: p.syso_files.clone(),
            embed_patterns: p.embed_patterns.clone(),
            embed_files: p.embed_files.clone(),
            imports: p.imports.clone(),
            import_map: p.import_map.clone(),
            deps: Vec::new(),
            go_debug: p.go_debug.clone(),
        }
    }

    /// Loads every package `go list std` would list for the target: each
    /// directory of `$GOROOT/src` (not `cmd`, `testdata`, `.x` or `_x`) with a
    /// Go file, test files included, whose constraints hold. Returns the
    /// import path and the package or the loader's error message.
    pub fn list_std_for_test(t: &TestTarget) -> Vec<(String, Result<ListedPackage, String>)> {
        let ctx = t.context();
        let src = t.goroot.join("src");
        let mut dirs = Vec::new();
        walk(&src, &src, &mut dirs);
        dirs.sort();
        let mut out = Vec::new();
        for (path, dir) in dirs {
            // cmd/go leaves runtime/cgo out of "std" without cgo, and the
            // documentation-only "builtin" always.
            if path == "runtime/cgo" && !t.cgo_enabled || path == "builtin" {
                continue;
            }
            let scanned = match super::scan_dir(&ctx, &dir, &path, true, true) {
                Ok(s) => s,
                Err(e) => {
                    out.push((path, Err(e.to_string())));
                    continue;
                }
            };
            if scanned.pkg.go_files.is_empty() && scanned.pkg.cgo_files.is_empty() {
                if scanned.n_test_files == 0 {
                    continue;
                }
                // A test-only package: go list shows it (building it fails).
                let mut l = listed(&scanned.pkg);
                l.name = scanned.test_name.clone();
                out.push((path, Ok(l)));
                continue;
            }
            out.push((path, super::finish(&ctx, scanned).map(|p| listed(&p)).map_err(|e| e.to_string())));
        }
        out
    }

    fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, PathBuf)>) {
        let Ok(rd) = std::fs::read_dir(dir) else {
            return;
        };
        let mut has_go = false;
        for e in rd.filter_map(|e| e.ok()) {
            let name = e.file_name().to_string_lossy().into_owned();
            let Ok(ft) = e.file_type() else { continue };
            if ft.is_dir() {
                if name.starts_with(['.', '_']) || name == "testdata" || (dir == root && name == "cmd") {
                    continue;
                }
                if e.path().join("go.mod").is_file() {
                    continue;
                }
                walk(root, &e.path(), out);
            } else if name.ends_with(".go") {
                has_go = true;
            }
        }
        if has_go && dir != root {
            let rel: Vec<String> = dir
                .strip_prefix(root)
                .unwrap_or(dir)
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            out.push((rel.join("/"), dir.to_path_buf()));
        }
    }

    /// Loads the graph of the package in `dir` (inside a module) and returns
    /// its packages in order, with deps as import paths, and the root's index.
    pub fn load_graph_for_test(t: &TestTarget, dir: &Path) -> Result<(Vec<ListedPackage>, usize), String> {
        let ctx = t.context();
        let main = super::find_main_module(dir).map_err(|e| e.to_string())?;
        let g = super::load_graph_with(
            &ctx,
            Some(&crate::modload::Modules::main_only(main)),
            &[dir.to_path_buf()],
            true,
            None,
        )
        .map_err(|e| e.to_string())?;
        let pkgs = g
            .packages
            .iter()
            .map(|p| {
                let mut l = listed(p);
                l.deps = p.deps.iter().map(|&d| g.packages[d].import_path.clone()).collect();
                l
            })
            .collect();
        Ok((pkgs, g.roots[0]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::tests::linux_amd64;

    /// A scratch directory tree, removed on drop (also the kept loads' tests').
    pub(in crate::load) struct Scratch(pub(in crate::load) PathBuf);

    impl Scratch {
        pub(in crate::load) fn new(name: &str) -> Scratch {
            let dir = std::env::temp_dir().join(format!("go-link-build-load-{name}-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            Scratch(dir)
        }

        pub(in crate::load) fn write(&self, rel: &str, text: &str) -> &Scratch {
            let p = self.0.join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
            self
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    /// A fake GOROOT with a tiny standard library, and a context for it.
    fn fake_goroot(s: &Scratch) -> BuildContext {
        s.write("goroot/src/runtime/runtime.go", "package runtime\n")
            .write("goroot/src/internal/cpu/cpu.go", "package cpu\n")
            .write("goroot/src/errors/errors.go", "package errors\nimport \"internal/cpu\"\n")
            .write(
                "goroot/src/fmt/print.go",
                "// Package fmt.\npackage fmt\n\nimport (\n\t\"errors\"\n\t\"golang.org/x/text/width\"\n)\n",
            )
            .write("goroot/src/fmt/print_windows.go", "package fmt\nimport \"syscall\"\n")
            .write("goroot/src/fmt/print_test.go", "package fmt_test\nimport \"testing\"\n")
            .write("goroot/src/vendor/golang.org/x/text/width/width.go", "package width\nimport \"unsafe\"\n")
            .write("goroot/src/unsafe/unsafe.go", "package unsafe\n")
            .write("goroot/src/embed/embed.go", "package embed\n");
        let mut ctx = linux_amd64();
        ctx.goroot = s.0.join("goroot");
        ctx
    }

    fn fixture_module(s: &Scratch) -> MainModule {
        s.write("m/go.mod", "module example.com/m\n\ngo 1.22\n")
            .write(
                "m/cmd/app/main.go",
                "//go:debug panicnil=1\n\n// Command app.\npackage main\n\nimport (\n\t\"fmt\"\n\t\"example.com/m/internal/util\"\n)\n\nfunc main() { fmt.Println(util.X) }\n",
            )
            .write("m/cmd/app/doc.go", "package documentation\n")
            .write("m/cmd/app/skip_windows.go", "package main\nimport \"nothere.example/x\"\n")
            .write("m/internal/util/util.go", "package util\n\nimport _ \"embed\"\n\n//go:embed data.txt\nvar X string\n")
            .write("m/internal/util/data.txt", "hello\n")
            .write("m/internal/util/asm_amd64.s", "// +build ignore\n\nTEXT x(SB)\n")
            .write("m/internal/util/util.h", "//go:build linux\n\n#define A\n")
            .write("m/internal/util/x.syso", "\0binary");
        find_main_module(&s.0.join("m/cmd/app")).unwrap()
    }

    #[test]
    fn builds_pass_over_standard_test_files() {
        let s = Scratch::new("stdtests");
        let ctx = fake_goroot(&s);
        s.write("goroot/src/fmt/scan_test.go", "//go:build windows\n\npackage fmt\n")
            .write("goroot/src/testonly/x_test.go", "package testonly\n")
            .write("m/m_test.go", "//go:build windows\n\npackage m\n")
            .write("m/m.go", "package m\n");
        let fmt = ctx.goroot.join("src/fmt");
        let built = load_package(&ctx, &fmt, "fmt", true).unwrap();
        assert_eq!(built.ignored_go_files, ["print_windows.go"], "test files are not read for a build");
        let listed = load_package_with(&ctx, &fmt, "fmt", true, true).unwrap();
        assert_eq!(listed.ignored_go_files, ["print_windows.go", "scan_test.go"], "go list's view reads them");
        assert_eq!((built.go_files, built.import_pos), (listed.go_files, listed.import_pos));
        let err = load_package(&ctx, &ctx.goroot.join("src/testonly"), "testonly", true).unwrap_err().to_string();
        assert!(err.contains("no non-test Go files"), "{err}");
        // Outside GOROOT, excluded test files stay inputs (the stamp watches them).
        let m = load_package(&ctx, &s.0.join("m"), "example.com/m", false).unwrap();
        assert_eq!(m.ignored_go_files, ["m_test.go"]);
    }

    #[test]
    fn graph_of_a_small_module() {
        let s = Scratch::new("graph");
        let ctx = fake_goroot(&s);
        let main = fixture_module(&s);
        assert_eq!(main.path, "example.com/m");
        let g = load_graph(&ctx, Some(&Modules::main_only(main.clone())), &[s.0.join("m/cmd/app")]).unwrap();
        let order: Vec<&str> = g.packages.iter().map(|p| p.import_path.as_str()).collect();
        assert_eq!(
            order,
            [
                "embed",
                "example.com/m/internal/util",
                "internal/cpu",
                "errors",
                "vendor/golang.org/x/text/width",
                "fmt",
                "runtime",
                "example.com/m/cmd/app"
            ]
        );
        for (i, p) in g.packages.iter().enumerate() {
            assert!(p.deps.iter().all(|&d| d < i), "{} comes after its deps", p.import_path);
        }
        let app = &g.packages[g.roots[0]];
        assert_eq!(app.name, "main");
        assert_eq!(app.go_files, ["main.go"]);
        assert_eq!(app.ignored_go_files, ["doc.go", "skip_windows.go"]);
        assert_eq!(app.go_debug, [("panicnil".to_string(), "1".to_string())]);
        assert_eq!(app.import_pos["fmt"], "main.go:7");
        assert_eq!(app.module.as_ref().map(|m| m.path.as_str()), Some("example.com/m"));
        let dep_paths: Vec<&str> = app.deps.iter().map(|&d| g.packages[d].import_path.as_str()).collect();
        assert_eq!(dep_paths, ["example.com/m/internal/util", "fmt", "runtime"]);
        let fmt = &g.packages[5];
        assert!(fmt.standard && fmt.module.is_none());
        assert_eq!(fmt.imports, ["errors", "vendor/golang.org/x/text/width"]);
        assert_eq!(fmt.import_map["golang.org/x/text/width"], "vendor/golang.org/x/text/width");
        assert_eq!(fmt.ignored_go_files, ["print_windows.go"]);
        let util = &g.packages[1];
        assert_eq!(util.embed_patterns, ["data.txt"]);
        assert_eq!(util.embed_files, ["data.txt"]);
        assert!(util.embed.as_ref().unwrap().to_json().contains("\"data.txt\": ["));
        assert_eq!(util.s_files, Vec::<String>::new());
        assert_eq!(util.h_files, ["util.h"]);
        assert_eq!(util.syso_files, ["x.syso"]);
        // "unsafe" is an import but never a node.
        let width = &g.packages[4];
        assert_eq!(width.imports, ["unsafe"]);
        assert!(width.deps.is_empty());
    }

    #[test]
    fn all_unresolved_imports_at_once() {
        let s = Scratch::new("unresolved");
        let ctx = fake_goroot(&s);
        s.write("m/go.mod", "module example.com/m\n\ngo 1.22\n\nrequire github.com/some/lib v1.2.3\n")
            .write(
                "m/main.go",
                "package main\n\nimport (\n\t\"example.com/m/nothere\"\n\t\"github.com/some/lib/pkg\"\n\t\"github.com/nobody/nothing\"\n\t\"notstd\"\n)\n",
            )
            .write("m/other.go", "package main\n\nimport \"vendor/golang.org/x/text/width\"\n");
        let settings = crate::modload::ModSettings {
            modcache: Some(s.0.join("modcache")),
            gowork: Some("off".into()),
            ..Default::default()
        };
        let mods = Modules::load(&s.0.join("m"), &settings).unwrap();
        let err = load_graph(&ctx, Some(&mods), &[s.0.join("m")]).unwrap_err().to_string();
        let main_go = s.0.join("m/main.go").display().to_string();
        assert!(err.starts_with("cannot resolve 5 imports:\n"), "{err}");
        assert!(err.contains("1 module of the build list is not on disk"), "{err}");
        assert!(err.contains("\tgithub.com/some/lib@v1.2.3\n"), "{err}");
        assert!(err.contains("go mod download"), "{err}");
        for needle in [
            format!("{main_go}:4: import \"example.com/m/nothere\" (in package example.com/m): in the main module example.com/m, but"),
            format!("{main_go}:5: import \"github.com/some/lib/pkg\" (in package example.com/m): module github.com/some/lib@v1.2.3 is not in the module cache"),
            format!("{main_go}:6: import \"github.com/nobody/nothing\" (in package example.com/m): no required module provides package github.com/nobody/nothing; add it with `go get github.com/nobody/nothing`"),
            format!("{main_go}:7: import \"notstd\" (in package example.com/m): not in the standard library (no Go files in "),
            "other.go:3: import \"vendor/golang.org/x/text/width\" (in package example.com/m): vendored packages are imported by their own path: write \"golang.org/x/text/width\"".to_string(),
        ] {
            assert!(err.contains(&needle), "missing {needle:?} in:\n{err}");
        }
    }

    #[test]
    fn internal_and_cycles() {
        let s = Scratch::new("internal");
        let ctx = fake_goroot(&s);
        s.write("m/go.mod", "module example.com/m\n")
            .write("m/a/internal/x/x.go", "package x\n")
            .write("m/a/ok/ok.go", "package ok\nimport _ \"example.com/m/a/internal/x\"\n")
            .write("m/b/b.go", "package b\nimport (\n\t_ \"example.com/m/a/internal/x\"\n\t_ \"internal/cpu\"\n\t_ \"example.com/m/a/ok\"\n)\n")
            .write("m/c1/c1.go", "package c1\nimport _ \"example.com/m/c2\"\n")
            .write("m/c2/c2.go", "package c2\nimport _ \"example.com/m/c1\"\n");
        let main = find_main_module(&s.0.join("m")).unwrap();
        let err =
            load_graph(&ctx, Some(&Modules::main_only(main.clone())), &[s.0.join("m/b")]).unwrap_err().to_string();
        let b_go = s.0.join("m/b/b.go").display().to_string();
        assert!(err.contains(&format!("{b_go}:3: use of internal package example.com/m/a/internal/x not allowed: only packages under example.com/m/a may import it, and example.com/m/b is not one")), "{err}");
        assert!(err.contains(&format!("{b_go}:4: use of internal package internal/cpu not allowed: only packages of the standard library may import it")), "{err}");
        assert_eq!(err.matches("not allowed").count(), 2, "{err}");

        let err =
            load_graph(&ctx, Some(&Modules::main_only(main.clone())), &[s.0.join("m/c1")]).unwrap_err().to_string();
        assert!(err.starts_with("import cycle not allowed: example.com/m/c1\n\timports example.com/m/c2 ("), "{err}");
        assert!(err.contains("c2.go:2)"), "{err}");
    }

    #[test]
    fn package_errors() {
        let s = Scratch::new("pkgerr");
        let ctx = fake_goroot(&s);
        s.write("mixed/a.go", "package a\n")
            .write("mixed/b.go", "package b\n")
            .write("mixed/c_test.go", "package zzz\n");
        let err = load_package(&ctx, &s.0.join("mixed"), "x/mixed", false).unwrap_err().to_string();
        assert!(err.starts_with("found packages a (a.go) and b (b.go) in "), "{err}");

        s.write("excluded/a_windows.go", "package a\n").write("excluded/b.go", "//go:build ignore\n\npackage a\n");
        let err = load_package(&ctx, &s.0.join("excluded"), "x/excluded", false).unwrap_err().to_string();
        assert!(err.starts_with("build constraints exclude all Go files in "), "{err}");
        assert!(err.contains("(ignored: a_windows.go, b.go)"), "{err}");

        s.write("tests/a_test.go", "package a\n");
        let err = load_package(&ctx, &s.0.join("tests"), "x/tests", false).unwrap_err().to_string();
        assert!(err.starts_with("no non-test Go files in "), "{err}");

        s.write("syntax/a.go", "package a\n\nimport \"fmt\n");
        let err = load_package(&ctx, &s.0.join("syntax"), "x/syntax", false).unwrap_err().to_string();
        assert!(err.ends_with("a.go:3:8: string literal not terminated"), "{err}");

        s.write("badutf8/a.go", "// caf\u{e9}\npackage a\n");
        std::fs::write(s.0.join("badutf8/a.go"), b"// caf\xe9\npackage a\n").unwrap();
        let err = load_package(&ctx, &s.0.join("badutf8"), "x/badutf8", false).unwrap_err().to_string();
        assert!(err.ends_with("a.go:1: illegal UTF-8 encoding: Go source files must be UTF-8"), "{err}");

        s.write("cfiles/a.go", "package a\n").write("cfiles/a.c", "int x;\n");
        let mut cgo = ctx.clone();
        cgo.cgo_enabled = true;
        let err = load_package(&cgo, &s.0.join("cfiles"), "x/cfiles", false).unwrap_err().to_string();
        assert!(err.contains("C source files not allowed when not using cgo: a.c"), "{err}");
        // Without cgo, C files are ignored.
        assert!(load_package(&ctx, &s.0.join("cfiles"), "x/cfiles", false).unwrap().c_files.is_empty());

        s.write("debug/a.go", "//go:debug a=1\n//go:debug a=2\npackage a\n");
        let err = load_package(&ctx, &s.0.join("debug"), "x/debug", false).unwrap_err().to_string();
        assert!(err.contains("a.go:2:1: repeated //go:debug for a\n\t"), "{err}");
        assert!(err.ends_with("a.go:1:1: previous //go:debug"), "{err}");

        s.write("embederr/a.go", "package a\n\nimport \"embed\"\n\n//go:embed missing.txt\nvar f embed.FS\n");
        let err = load_package(&ctx, &s.0.join("embederr"), "x/embederr", false).unwrap_err().to_string();
        assert!(err.ends_with("a.go:5:12: pattern missing.txt: no matching files found"), "{err}");
    }

    #[test]
    fn cgo_files_and_s_files() {
        let s = Scratch::new("cgo");
        let mut ctx = fake_goroot(&s);
        s.write("p/a.go", "package p\n\n// #include \"p.h\"\nimport \"C\"\n")
            .write("p/b.go", "package p\n")
            .write("p/x.S", "nop\n")
            .write("p/y.sx", "nop\n")
            .write("p/z.s", "// +build amd64\n\nnop\n")
            .write("p/w.c", "/* +build !linux */\n// +build ignore\n\nint x;\n")
            .write("p/v.c", "int v;\n")
            .write("p/.hidden.go", "package p\n")
            .write("p/_x.go", "package p\n")
            .write("p/README", "x");
        let p = load_package(&ctx, &s.0.join("p"), "x/p", false).unwrap();
        assert_eq!(p.go_files, ["b.go"]);
        assert_eq!(p.ignored_go_files, ["a.go"]);
        assert_eq!(p.s_files, ["z.s"]);
        assert!(p.c_files.is_empty());
        ctx.cgo_enabled = true;
        let p = load_package(&ctx, &s.0.join("p"), "x/p", false).unwrap();
        assert_eq!(p.cgo_files, ["a.go"]);
        assert_eq!(p.s_files, ["x.S", "y.sx", "z.s"]);
        // A /* */ comment ends the header region where +build lines count:
        // go/build keeps w.c.
        assert_eq!(p.c_files, ["v.c", "w.c"]);
        assert_eq!(p.imports, ["C"]);
        // Everything at once: files that need more than one read chunk.
        let long = format!("// {}\npackage p\n\nimport \"os\"\n", "x".repeat(10_000));
        s.write("p/b.go", &long);
        let p = load_package(&ctx, &s.0.join("p"), "x/p", false).unwrap();
        assert_eq!(p.imports, ["C", "os"]);
    }
}
