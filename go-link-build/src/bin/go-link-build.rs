//! `go-link-build`: the command-line front end, for anyone with a GOROOT.
//!
//! ```text
//! go-link-build build [--target TRIPLE] [-o OUT] [--tags a,b] [-X k=v]... [--strip] [--buildvcs=BOOL] PKGDIR
//! go-link-build build --buildmode c-archive [-o DIR/libNAME.a → DIR/libNAME.h] [--print-link-flags] [--allow-musl-c-archive]
//!     [--rust-bindings FILE] PKGDIR...
//! ```
//!
//! It builds exactly what a build script would, through the same public API,
//! with no cargo directives. The default output is `./<dir name>` (plus
//! `.exe` for Windows targets), like `go build`.

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
        /// Rust target triple to build for (default: this machine).
        #[arg(long)]
        target: Option<String>,
        /// Output file.
        #[arg(short = 'o')]
        output: Option<PathBuf>,
        /// Build tags, comma-separated.
        #[arg(long, value_delimiter = ',')]
        tags: Vec<String>,
        /// Set a string variable at link time: -X importpath.name=value.
        #[arg(short = 'X', value_name = "NAME=VALUE")]
        x: Vec<String>,
        /// Strip symbols and DWARF (-s -w).
        #[arg(long)]
        strip: bool,
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
        /// The Go package directories: one main package for exe; one or more for c-archive.
        #[arg(required = true)]
        pkgdirs: Vec<PathBuf>,
    },
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<(), String> {
    let Command::Build {
        target,
        output,
        tags,
        x,
        strip,
        goroot,
        cache,
        no_trimpath,
        buildmode,
        cgo,
        print_link_flags,
        allow_musl_c_archive,
        rust_bindings,
        buildvcs,
        pkgdirs,
    } = cli.command;
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
    let work = std::env::temp_dir().join(format!("go-link-build-cli-{}", std::process::id()));
    let mut b = go_link_build::Build::new();
    for d in &dirs {
        b.package(d);
    }
    b.out_dir(&work).cargo_metadata(false).strip(strip).tags(&tags).trimpath(!no_trimpath);
    if cgo {
        b.cgo(true);
    }
    b.allow_musl_c_archive(allow_musl_c_archive).rust_bindings(rust_bindings.is_some());
    if let Some(on) = buildvcs {
        b.buildvcs(on);
    }
    if let Some(t) = &target {
        b.target(t);
    }
    if let Some(g) = &goroot {
        b.goroot(g);
    }
    let cache = cache.or_else(|| {
        #[allow(clippy::disallowed_methods)] // The CLI reads its own defaults; the library never does.
        let explicit = std::env::var_os("GO_LINK_BUILD_CACHE").map(PathBuf::from);
        explicit.or_else(user_cache_dir)
    });
    if let Some(c) = &cache {
        b.cache_dir(c);
    }
    for kv in &x {
        let (k, v) = kv.split_once('=').ok_or_else(|| format!("-X {kv}: expected importpath.name=value"))?;
        b.ldflag_x(k, v);
    }
    let res = if archive { b.try_c_archive(&name) } else { b.try_binary(&name) };
    let result = res.map_err(|e| e.to_string()).and_then(|art| {
        if archive {
            let (dest, header) = archive_paths.clone().expect("c-archive paths");
            std::fs::copy(art.path(), &dest).map_err(|e| format!("copy to {}: {e}", dest.display()))?;
            if let Some(h) = art.header() {
                std::fs::copy(h, &header).map_err(|e| format!("copy to {}: {e}", header.display()))?;
            }
            if let (Some(dest), Some(rs)) = (&rust_bindings, art.rust_bindings()) {
                std::fs::copy(rs, dest).map_err(|e| format!("copy to {}: {e}", dest.display()))?;
            }
            let flags = art.link_flags().join(" ");
            if print_link_flags {
                println!("{flags}");
            } else {
                eprintln!("wrote {} and {}; link with: {} {flags}", dest.display(), header.display(), dest.display());
            }
        } else {
            let ext = art.path().extension().map(|e| format!(".{}", e.to_string_lossy())).unwrap_or_default();
            let dest = output.clone().unwrap_or_else(|| PathBuf::from(format!("{name}{ext}")));
            std::fs::copy(art.path(), &dest).map_err(|e| format!("copy to {}: {e}", dest.display()))?;
        }
        Ok(())
    });
    let _ = std::fs::remove_dir_all(&work);
    result
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

/// `$XDG_CACHE_HOME/go-link-build`, `~/Library/Caches/go-link-build`, or `%LocalAppData%\go-link-build`.
#[allow(clippy::disallowed_methods)]
fn user_cache_dir() -> Option<PathBuf> {
    let var = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty()).map(PathBuf::from);
    let base = if cfg!(windows) {
        var("LocalAppData")
    } else if cfg!(target_os = "macos") {
        var("HOME").map(|h| h.join("Library/Caches"))
    } else {
        var("XDG_CACHE_HOME").or_else(|| var("HOME").map(|h| h.join(".cache")))
    }?;
    Some(base.join("go-link-build"))
}
