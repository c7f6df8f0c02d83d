//! `go-link-build`: the command-line front end, for anyone with a GOROOT.
//!
//! ```text
//! go-link-build build [--target TRIPLE] [-o OUT] [--tags a,b] [-X k=v]... [--strip] [--buildvcs=BOOL]
//!     [--gcflags [PATTERN=]FLAGS]... [--ldflags [PATTERN=]FLAGS]... [--race] [--cover] [--pgo=auto|off|FILE] PKGDIR
//! go-link-build build --buildmode c-archive [-o DIR/libNAME.a → DIR/libNAME.h] [--print-link-flags] [--allow-musl-c-archive]
//!     [--rust-bindings FILE] PKGDIR...
//! go-link-build cache [trim | clean]
//! go-link-build sidecars [--release] [--target TRIPLE]... [-p CRATE] [--manifest-path PATH]
//! ```
//!
//! It builds exactly what a build script would, through the same public API,
//! with no cargo directives. The default output is `./<dir name>` (plus
//! `.exe` for Windows targets), like `go build`.
//!
//! The build's output directory is kept in the cache (`CacheDir::work_dir`,
//! keyed on the package directories, every option and the output path), so
//! the library's no-op stamp works here too: a rebuild with nothing changed
//! spawns no process and copies nothing. The output is installed like
//! `go build` installs it: never over a directory or over an existing file
//! that is not an object file (cmd/go's `checkDstOverwrite`), and through a
//! temp file beside it that is renamed into place, so a program that is
//! running keeps running and a crash never leaves a torn file.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "go-link-build",
    version,
    about = "Build Go programs with the Go toolchain's compile/asm/link, without `go build`"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build a Go main package into a program.
    Build {
        /// Rust target triple, or Go port GOOS/GOARCH (`linux/arm64`), to build
        /// for (default: $GOOS/$GOARCH when set, as for go build, else this machine).
        #[arg(long)]
        target: Option<String>,
        /// Output file.
        #[arg(short = 'o')]
        output: Option<PathBuf>,
        /// Build tags, comma- or space-separated, as go build's -tags (the last --tags wins).
        #[arg(long)]
        tags: Vec<String>,
        /// Set a string variable at link time: -X importpath.name=value.
        #[arg(short = 'X', value_name = "NAME=VALUE")]
        x: Vec<String>,
        /// Strip symbols and DWARF (-s -w).
        #[arg(long)]
        strip: bool,
        /// Compiler flags, as go build's -gcflags: `[pattern=]flags`; no pattern
        /// means the packages named here, `all=` every package (std included).
        /// Repeatable; each package gets the last setting that matches it.
        #[arg(long, value_name = "[PATTERN=]FLAGS", allow_hyphen_values = true)]
        gcflags: Vec<String>,
        /// Linker flags, as go build's -ldflags (`-X main.v=1 -s -w`); the last
        /// setting matching the main package applies, after --strip and -X.
        #[arg(long, value_name = "[PATTERN=]FLAGS", allow_hyphen_values = true)]
        ldflags: Vec<String>,
        /// Build with the race detector (as go build -race; turns cgo on).
        #[arg(long)]
        race: bool,
        /// Instrument the main module's packages for coverage (as go build
        /// -cover): run the program with GOCOVERDIR=DIR, then read DIR with
        /// `go tool covdata percent -i=DIR`.
        #[arg(long)]
        cover: bool,
        /// The GOROOT to use (default: discovered).
        #[arg(long)]
        goroot: Option<PathBuf>,
        /// The action cache (default: $GO_LINK_BUILD_CACHE, else the user cache dir).
        #[arg(long)]
        cache: Option<PathBuf>,
        /// Keep absolute source paths in the output (no -trimpath).
        #[arg(long)]
        no_trimpath: bool,
        /// `exe` (a program) or `c-archive` (named like go build's: `-o libgo.a`
        /// writes `libgo.a` and `libgo.h`; no -o: `<dir>.a` and `<dir>.h`).
        #[arg(long, default_value = "exe", value_parser = ["exe", "c-archive"])]
        buildmode: String,
        /// Enable cgo for a program (always on for c-archive).
        #[arg(long)]
        cgo: bool,
        /// With c-archive: print only the linker flags the archive needs, one line.
        #[arg(long)]
        print_link_flags: bool,
        /// With c-archive: build for a musl target even though Go C archives
        /// crash there at startup (golang/go#13492); see Build::allow_musl_c_archive.
        #[arg(long)]
        allow_musl_c_archive: bool,
        /// With c-archive: also write Rust declarations of the exported
        /// functions, generated from the header, to FILE (see Build::rust_bindings).
        #[arg(long, value_name = "FILE")]
        rust_bindings: Option<PathBuf>,
        /// Stamp build info with git's revision, time and modified flag
        /// (default: GOFLAGS's -buildvcs, else auto, as go build).
        #[arg(long, value_name = "BOOL", value_parser = clap::value_parser!(bool))]
        buildvcs: Option<bool>,
        /// Profile-guided optimization as go build -pgo: auto (default.pgo in
        /// the main package's directory), off, or a CPU profile file
        /// (default: GOFLAGS's -pgo, else auto).
        #[arg(long, value_name = "auto|off|FILE")]
        pgo: Option<PathBuf>,
        /// Print the commands the build would run, with $WORK/bNNN for action
        /// directories, and run none (as go build -n); nothing is written.
        #[arg(short = 'n')]
        dry_run: bool,
        /// Print each command as it runs, in -n's form (as go build -x).
        #[arg(short = 'x')]
        trace: bool,
        /// The Go package directories: one main package for exe; one or more for c-archive.
        #[arg(required = true)]
        pkgdirs: Vec<PathBuf>,
    },
    /// Build the Go sidecars declared in a workspace's
    /// [[package.metadata.go-link-build.sidecar]] tables (go_link_build::sidecars):
    /// target/go-bin/<name>-<triple>[.exe] (Tauri's naming) and a copy beside
    /// the Rust program (target/[<triple>/]<debug|release>/<name>[.exe]).
    Sidecars {
        /// Strip every sidecar (-s -w) and place it beside target/release programs.
        #[arg(long)]
        release: bool,
        /// Build for this Rust target triple instead of the host (repeatable).
        #[arg(long, value_name = "TRIPLE")]
        target: Vec<String>,
        /// Only the sidecars of this workspace crate.
        #[arg(short = 'p', long, value_name = "CRATE")]
        package: Option<String>,
        /// The workspace's Cargo.toml (default: found from the current directory).
        #[arg(long, value_name = "PATH")]
        manifest_path: Option<PathBuf>,
        /// The GOROOT to use (default: discovered).
        #[arg(long)]
        goroot: Option<PathBuf>,
        /// The action cache (default: $GO_LINK_BUILD_CACHE, else the user cache dir).
        #[arg(long)]
        cache: Option<PathBuf>,
    },
    /// Show where the build cache is, its size and entry count; trim or clean it.
    Cache {
        /// The cache (default: $GO_LINK_BUILD_CACHE, else the user cache dir).
        #[arg(long)]
        cache: Option<PathBuf>,
        #[command(subcommand)]
        action: Option<CacheAction>,
    },
}

#[derive(Subcommand)]
enum CacheAction {
    /// Remove entries unused for 5 days and temp files of builds no longer running.
    Trim,
    /// Remove everything; the next build compiles again.
    Clean,
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            say(format_args!("error: {e}"));
            ExitCode::FAILURE
        }
    }
}

/// A line for the person on stderr. A failed write is ignored, never a
/// panic: with stderr a closed pipe (`… 2>&1 | head -1`) the build still
/// runs and exits with its own status, as the library's diagnostics do.
fn say(line: std::fmt::Arguments<'_>) {
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

/// A line of the command's result on stdout. A failed write (a closed pipe:
/// `go-link-build cache | head -0`) fails the command without a panic: its
/// output is lost (`go` is killed by SIGPIPE there).
fn print_out(line: std::fmt::Arguments<'_>) -> Result<(), String> {
    writeln!(std::io::stdout().lock(), "{line}").map_err(|e| format!("writing to stdout: {e}"))
}

fn run(cli: Cli) -> Result<(), String> {
    if let Command::Cache { cache, action } = cli.command {
        return cache_command(cache, action);
    }
    if let Command::Sidecars { release, target, package, manifest_path, goroot, cache } = cli.command {
        let mut s = go_link_build::sidecars::Sidecars::new();
        s.release(release);
        for t in &target {
            s.target(t);
        }
        if let Some(p) = &package {
            s.package(p);
        }
        if let Some(p) = &manifest_path {
            s.manifest_path(p);
        }
        if let Some(g) = &goroot {
            s.goroot(g);
        }
        if let Some(c) = &cache {
            s.cache_dir(c);
        }
        return s.build().map(drop).map_err(|e| e.to_string());
    }
    let Command::Build {
        target,
        output,
        tags,
        x,
        strip,
        gcflags,
        ldflags,
        race,
        cover,
        goroot,
        cache,
        no_trimpath,
        buildmode,
        cgo,
        print_link_flags,
        allow_musl_c_archive,
        rust_bindings,
        buildvcs,
        pgo,
        dry_run,
        trace,
        pkgdirs,
    } = cli.command
    else {
        unreachable!("handled above")
    };
    let tags = match tags.last() {
        Some(t) => tags_flag(t).map_err(|e| format!("invalid --tags {t:?}: {e}"))?,
        None => Vec::new(),
    };
    let target = target.or_else(go_port_from_env);
    let mut dirs = Vec::new();
    for d in &pkgdirs {
        dirs.push(std::fs::canonicalize(d).map_err(|e| format!("{}: {e}", d.display()))?);
    }
    let archive = buildmode == "c-archive";
    if !archive && dirs.len() != 1 {
        return Err("build of a program takes exactly one package directory".into());
    }
    if print_link_flags && !archive {
        return Err("--print-link-flags goes with --buildmode c-archive".into());
    }
    if rust_bindings.is_some() && !archive {
        return Err("--rust-bindings goes with --buildmode c-archive".into());
    }
    // The output name: the first package directory's, like go build's
    // DefaultExecName; a C archive's files are named after -o (below).
    let dir_name = dirs[0].file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "a.out".into());
    let archive_paths = archive.then(|| c_archive_paths(output.as_deref(), &dir_name));
    // The library's own name for the archive (lib<name>.a in its out dir): the
    // archive's file name without `lib` and extension.
    let name = match &archive_paths {
        Some((dest, _)) => dest
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .map(|n| n.strip_prefix("lib").unwrap_or(&n).strip_suffix(".a").unwrap_or(&n).to_string())
            .filter(|n| !n.is_empty())
            .unwrap_or(dir_name.clone()),
        None => dir_name.clone(),
    };
    let cache = go_link_build::CacheDir::open(cache.as_deref())
        .map_err(|e| format!("{e}\nChoose a writable cache directory with --cache DIR or GO_LINK_BUILD_CACHE."))?;
    let cwd = std::env::current_dir().map_err(|e| format!("current directory: {e}"))?;
    // The out dir, kept between runs for the no-op stamp: one per request.
    let key = format!(
        "{:?}",
        (
            (&dirs, &target, &output, &cwd, &tags, &x, strip, &goroot, no_trimpath, &buildmode, cgo),
            (allow_musl_c_archive, &gcflags, &ldflags, race, cover, &pgo, buildvcs, &rust_bindings)
        )
    );
    let work = cache.work_dir(&key).map_err(|e| e.to_string())?;
    let mut b = go_link_build::Build::new();
    for d in &dirs {
        b.package(d);
    }
    // Relative -gcflags patterns are relative to where the command runs, as
    // for go build (not to a CARGO_MANIFEST_DIR inherited from `cargo run`).
    b.manifest_dir(&cwd);
    b.out_dir(&work).cargo_metadata(false).strip(strip).tags(&tags).trimpath(!no_trimpath);
    if cgo {
        b.cgo(true);
    }
    b.allow_musl_c_archive(allow_musl_c_archive).rust_bindings(rust_bindings.is_some());
    if let Some(on) = buildvcs {
        b.buildvcs(on);
    }
    if let Some(p) = &pgo {
        // A file is relative to the current directory, as for go build.
        b.pgo(if p.as_os_str() == "auto" || p.as_os_str() == "off" { p.clone() } else { cwd.join(p) });
    }
    if let Some(t) = &target {
        b.target(t);
    }
    if let Some(g) = &goroot {
        b.goroot(g);
    }
    b.cache_dir(cache.path());
    b.dry_run(dry_run).print_commands(trace);
    for kv in &x {
        let (k, v) = kv.split_once('=').ok_or_else(|| format!("-X {kv}: expected importpath.name=value"))?;
        b.ldflag_x(k, v);
    }
    b.race(race).cover(cover);
    for g in &gcflags {
        b.gcflags(g);
    }
    for l in &ldflags {
        b.ldflags(l);
    }
    // Refuse a bad -o before building, as the install would.
    // As go build -o: an existing directory, or a path ending in a
    // separator, receives the program under its default name.
    let exe_dest = |ext: &str| match &output {
        Some(o) if o.is_dir() || o.as_os_str().to_string_lossy().ends_with(std::path::is_separator) => {
            o.join(format!("{name}{ext}"))
        }
        Some(o) => o.clone(),
        None => PathBuf::from(format!("{name}{ext}")),
    };
    match &archive_paths {
        Some((dest, _)) => check_dst_overwrite(dest)?,
        None => {
            if output.as_ref().is_some_and(|o| !o.is_dir()) {
                check_dst_overwrite(&exe_dest(""))?;
            }
        }
    }
    // Live progress on a terminal; none when the commands are printed (-n, -x).
    let term = if dry_run || trace { None } else { go_link_build::progress::Terminal::stderr() };
    if let Some(t) = &term {
        let t = t.clone();
        b.progress(move |e| t.event(e));
    }
    let art = if archive { b.try_c_archive(&name) } else { b.try_binary(&name) };
    if let Some(t) = &term {
        t.clear();
    }
    let art = art.map_err(|e| e.to_string())?;
    if dry_run {
        return Ok(());
    }
    // What the remote cache did, when one was used (its problems were already one warning line).
    let remote = art.stats().remote;
    if remote != go_link_build::RemoteStats::default() {
        say(format_args!("remote cache: {}", remote_summary(&remote)));
    }
    let mut installs = Vec::new();
    if let Some((dest, header)) = &archive_paths {
        installs.push((art.path().to_path_buf(), dest.clone(), true));
        if let Some(h) = art.header() {
            // cmd/go installs the header with force: it is its own output.
            installs.push((h.to_path_buf(), header.clone(), false));
        }
        if let (Some(dest), Some(rs)) = (&rust_bindings, art.rust_bindings()) {
            installs.push((rs.to_path_buf(), dest.clone(), false));
        }
    } else {
        let ext = art.path().extension().map(|e| format!(".{}", e.to_string_lossy())).unwrap_or_default();
        installs.push((art.path().to_path_buf(), exe_dest(&ext), true));
    }
    // The no-op: the build was up to date and every installed file is as
    // this command left it.
    let marker = work.join("installed");
    let facts = install_facts(&installs);
    let up_to_date = art.was_up_to_date() && std::fs::read_to_string(&marker).ok() == facts;
    if !up_to_date {
        for (from, to, check) in &installs {
            if *check {
                check_dst_overwrite(to)?;
            }
            install(&cache, from, to)?;
        }
        if let Some(f) = install_facts(&installs) {
            let _ = std::fs::write(&marker, f);
        }
    }
    if let Some((dest, header)) = &archive_paths {
        let flags = art.link_flags().join(" ");
        if print_link_flags {
            print_out(format_args!("{flags}"))?;
        } else {
            say(format_args!(
                "wrote {} and {}; link with: {} {flags}",
                dest.display(),
                header.display(),
                dest.display()
            ));
        }
    }
    Ok(())
}

/// `3 hits, 1 misses, 12.3 MB down, 4 uploads, 0.1 MB up`.
fn remote_summary(r: &go_link_build::RemoteStats) -> String {
    format!(
        "{} hits, {} misses, {:.1} MB down, {} uploads, {:.1} MB up",
        r.hits,
        r.misses,
        r.bytes_down as f64 / 1e6,
        r.uploads,
        r.bytes_up as f64 / 1e6
    )
}

/// `go-link-build cache [trim | clean]`.
fn cache_command(dir: Option<PathBuf>, action: Option<CacheAction>) -> Result<(), String> {
    let cache = go_link_build::CacheDir::open(dir.as_deref()).map_err(|e| e.to_string())?;
    let mb = |b: u64| format!("{:.1} MB", b as f64 / 1e6);
    match action {
        None => {
            let u = cache.usage();
            print_out(format_args!("location: {}", cache.path().display()))?;
            print_out(format_args!("size: {}", mb(u.bytes())))?;
            print_out(format_args!("entries: {} ({} files)", u.entries(), u.files()))?;
            let r = cache.remote_totals();
            if r != go_link_build::RemoteStats::default() {
                print_out(format_args!(
                    "remote cache, all builds since the cache was created or cleaned: {}",
                    remote_summary(&r)
                ))?;
            }
        }
        Some(CacheAction::Trim) => {
            let t = cache.trim();
            print_out(format_args!(
                "trimmed {} entries and {} files ({}) from {}",
                t.entries(),
                t.files(),
                mb(t.bytes()),
                cache.path().display()
            ))?;
        }
        Some(CacheAction::Clean) => {
            let t = cache.clean();
            print_out(format_args!(
                "removed {} entries ({}) from {}",
                t.entries(),
                mb(t.bytes()),
                cache.path().display()
            ))?;
        }
    }
    Ok(())
}

/// Size and mtime of each source and installed file, one line each.
fn install_facts(installs: &[(PathBuf, PathBuf, bool)]) -> Option<String> {
    let stat = |p: &std::path::Path| -> Option<String> {
        let m = std::fs::metadata(p).ok()?;
        let t = m.modified().ok()?.duration_since(std::time::UNIX_EPOCH).ok()?.as_nanos();
        Some(format!("{} {t}", m.len()))
    };
    let mut s = String::new();
    for (from, to, _) in installs {
        let to_abs = std::path::absolute(to).unwrap_or_else(|_| to.clone());
        s.push_str(&format!("{} {} {}\n", stat(from)?, stat(to)?, to_abs.display()));
    }
    Some(s)
}

/// Copies `from` to a temp file beside `to` and renames it into place
/// (`CacheDir::install`): a program running from `to` keeps its old file
/// (no "text file busy"), and `to` is never half-written.
fn install(cache: &go_link_build::CacheDir, from: &std::path::Path, to: &std::path::Path) -> Result<(), String> {
    // As go build -o a/b/prog: the directory is created (cmd/go's
    // moveOrCopyFile runs after `sh.Mkdir(filepath.Dir(a.Target))`).
    if let Some(dir) = to.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| format!("failed to create {}: {e}", dir.display()))?;
    }
    cache.install(from, to).map_err(|e| format!("failed to install {}: {e}", to.display()))
}

/// Source files a build output must never replace, whatever their content.
const SOURCE_EXTENSIONS: &[&str] = &[
    "go", "mod", "sum", "work", "s", "S", "sx", "c", "h", "hh", "hpp", "hxx", "cc", "cpp", "cxx", "c++", "m", "f", "F",
    "for", "f90", "swig", "swigcxx", "syso", "rs", "toml",
];

/// cmd/go's `checkDstOverwrite` (`cmd/go/internal/work/shell.go`): an
/// existing directory, or an existing non-empty regular file that is not an
/// object file (`isObject`, `work/exec.go`), is never replaced by a build
/// output. Stricter than cmd/go: an existing file with a source extension
/// (`.go`, `.c`, …) is refused even when empty.
fn check_dst_overwrite(dst: &std::path::Path) -> Result<(), String> {
    let Ok(meta) = std::fs::metadata(dst) else { return Ok(()) };
    if meta.is_dir() {
        return Err(format!("build output {:?} already exists and is a directory", dst.display().to_string()));
    }
    let ext = dst.extension().map(|e| e.to_string_lossy().into_owned()).unwrap_or_default();
    let source = SOURCE_EXTENSIONS.contains(&ext.as_str());
    if meta.is_file() && (source || meta.len() != 0 && !is_object(dst)) {
        return Err(format!("build output {:?} already exists and is not an object file", dst.display().to_string()));
    }
    Ok(())
}

/// cmd/go's `objectMagic` (`cmd/go/internal/work/exec.go`).
const OBJECT_MAGIC: &[&[u8]] = &[
    b"!<arch>\n",                          // Package archive
    b"<bigaf>\n",                          // Package AIX big archive
    b"\x7FELF",                            // ELF
    &[0xFE, 0xED, 0xFA, 0xCE],             // Mach-O big-endian 32-bit
    &[0xFE, 0xED, 0xFA, 0xCF],             // Mach-O big-endian 64-bit
    &[0xCE, 0xFA, 0xED, 0xFE],             // Mach-O little-endian 32-bit
    &[0xCF, 0xFA, 0xED, 0xFE],             // Mach-O little-endian 64-bit
    &[0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00], // PE (Windows) as generated by 6l/8l and gcc
    &[0x4d, 0x5a, 0x78, 0x00, 0x01, 0x00], // PE (Windows) as generated by llvm for dll
    &[0x00, 0x00, 0x01, 0xEB],             // Plan 9 i386
    &[0x00, 0x00, 0x8a, 0x97],             // Plan 9 amd64
    &[0x00, 0x00, 0x06, 0x47],             // Plan 9 arm
    &[0x00, 0x61, 0x73, 0x6D],             // WASM
    &[0x01, 0xDF],                         // XCOFF 32bit
    &[0x01, 0xF7],                         // XCOFF 64bit
];

/// cmd/go's `isObject`: the first 64 bytes start with a known magic.
fn is_object(path: &std::path::Path) -> bool {
    use std::io::Read;
    let Ok(f) = std::fs::File::open(path) else { return false };
    let mut buf = Vec::with_capacity(64);
    if f.take(64).read_to_end(&mut buf).is_err() {
        return false;
    }
    OBJECT_MAGIC.iter().any(|m| buf.starts_with(m))
}

/// cmd/go's `tagsFlag.Set` (work/build.go): a value with a space or a quote
/// is split like `base.StringsFlag` (`quoted.Split`), else at commas, empty
/// names dropped.
fn tags_flag(s: &str) -> Result<Vec<String>, String> {
    if s.contains(' ') || s.contains('\'') {
        return quoted_split(s);
    }
    Ok(s.split(',').filter(|t| !t.is_empty()).map(str::to_string).collect())
}

/// `internal/quoted.Split`: fields separated by white space; a field that
/// starts with a quote runs to the same quote, with no escapes.
fn quoted_split(s: &str) -> Result<Vec<String>, String> {
    let space = [' ', '\t', '\n', '\r'];
    let mut fields = Vec::new();
    let mut rest = s;
    loop {
        rest = rest.trim_start_matches(space);
        let Some(first) = rest.chars().next() else { return Ok(fields) };
        if first == '"' || first == '\'' {
            let inner = &rest[1..];
            let end = inner.find(first).ok_or_else(|| format!("unterminated {first} string"))?;
            fields.push(inner[..end].to_string());
            rest = &inner[end + 1..];
        } else {
            let end = rest.find(space).unwrap_or(rest.len());
            fields.push(rest[..end].to_string());
            rest = &rest[end..];
        }
    }
}

/// The Go port named by GOOS/GOARCH, as `go build` takes its target from
/// them (each defaults to this machine's); `None` when neither is set. The
/// arch levels (GOAMD64, GOARM, …) the library reads itself.
fn go_port_from_env() -> Option<String> {
    #[allow(clippy::disallowed_methods)] // The CLI reads its own defaults; the library never does.
    let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    let (goos, goarch) = (var("GOOS"), var("GOARCH"));
    if goos.is_none() && goarch.is_none() {
        return None;
    }
    let host_arch = match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "x86" => "386",
        "aarch64" => "arm64",
        "powerpc64" if cfg!(target_endian = "little") => "ppc64le",
        "powerpc64" => "ppc64",
        "loongarch64" => "loong64",
        other => other,
    };
    let host_os = match std::env::consts::OS {
        "macos" => "darwin",
        other => other,
    };
    Some(format!("{}/{}", goos.as_deref().unwrap_or(host_os), goarch.as_deref().unwrap_or(host_arch)))
}

/// Where `go build -buildmode=c-archive [-o OUT]` puts the archive and its
/// header: the archive is OUT, or `<dir>.a` (in OUT when OUT is an existing
/// directory or ends in a separator, else in the current directory), and
/// the header is the archive's path with its extension replaced by `.h`
/// (`work.addInstallHeaderAction`: `Target[:len(Target)-len(filepath.Ext(Target))] + ".h"`),
/// so `-o out/libgo.a` gives `out/libgo.h` and `-o out/libgo` gives `out/libgo.h`.
fn c_archive_paths(output: Option<&std::path::Path>, dir_name: &str) -> (PathBuf, PathBuf) {
    let default = format!("{dir_name}.a");
    let target = match output {
        None => PathBuf::from(default),
        Some(o) if o.is_dir() || o.as_os_str().to_string_lossy().ends_with(std::path::is_separator) => o.join(default),
        Some(o) => o.to_path_buf(),
    };
    // filepath.Ext: from the last dot of the last element, dot included.
    let file = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let stem = file.rfind('.').map_or(file.as_str(), |i| &file[..i]);
    let header = target.with_file_name(format!("{stem}.h"));
    (target, header)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_split_like_go_build() {
        assert_eq!(tags_flag("a,b,,c").unwrap(), ["a", "b", "c"]);
        assert_eq!(tags_flag("a b").unwrap(), ["a", "b"]);
        assert_eq!(tags_flag("'a b' c").unwrap(), ["a b", "c"]);
        assert_eq!(tags_flag("a b,c").unwrap(), ["a", "b,c"]);
        assert_eq!(tags_flag("").unwrap(), Vec::<String>::new());
        assert!(tags_flag("'a").is_err());
    }
}
