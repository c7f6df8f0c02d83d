//! `go-link-build`: the command-line front end, for anyone with a GOROOT.
//!
//! ```text
//! go-link-build build [--target TRIPLE] [-o OUT] [--tags a,b] [-X k=v]... [--strip] PKGDIR
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
        /// The Go main package directory.
        pkgdir: PathBuf,
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
        pkgdir,
    } = cli.command;
    let pkgdir =
        std::fs::canonicalize(&pkgdir).map_err(|e| format!("{}: {e}", pkgdir.display()))?;
    let name = pkgdir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "a.out".into());
    let work = std::env::temp_dir().join(format!("go-link-build-cli-{}", std::process::id()));
    let mut b = go_link_build::Build::new();
    b.package(&pkgdir)
        .out_dir(&work)
        .cargo_metadata(false)
        .strip(strip)
        .tags(&tags)
        .trimpath(!no_trimpath);
    if let Some(t) = &target {
        b.target(t);
    }
    if let Some(g) = &goroot {
        b.goroot(g);
    }
    let cache = cache.or_else(|| {
        #[allow(clippy::disallowed_methods)]
        // The CLI reads its own defaults; the library never does.
        let explicit = std::env::var_os("GO_LINK_BUILD_CACHE").map(PathBuf::from);
        explicit.or_else(user_cache_dir)
    });
    if let Some(c) = &cache {
        b.cache_dir(c);
    }
    for kv in &x {
        let (k, v) = kv
            .split_once('=')
            .ok_or_else(|| format!("-X {kv}: expected importpath.name=value"))?;
        b.ldflag_x(k, v);
    }
    let res = b.try_binary(&name);
    let out = res.map_err(|e| e.to_string());
    let art = match out {
        Ok(a) => a,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&work);
            return Err(e);
        }
    };
    let ext = art
        .path()
        .extension()
        .map(|e| format!(".{}", e.to_string_lossy()))
        .unwrap_or_default();
    let dest = output.unwrap_or_else(|| PathBuf::from(format!("{name}{ext}")));
    std::fs::copy(art.path(), &dest).map_err(|e| format!("copy to {}: {e}", dest.display()))?;
    let _ = std::fs::remove_dir_all(&work);
    Ok(())
}

/// `$XDG_CACHE_HOME/go-link-build`, `~/Library/Caches/go-link-build`, or `%LocalAppData%\go-link-build`.
#[allow(clippy::disallowed_methods)]
fn user_cache_dir() -> Option<PathBuf> {
    let var = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    let base = if cfg!(windows) {
        var("LocalAppData")
    } else if cfg!(target_os = "macos") {
        var("HOME").map(|h| h.join("Library/Caches"))
    } else {
        var("XDG_CACHE_HOME").or_else(|| var("HOME").map(|h| h.join(".cache")))
    }?;
    Some(base.join("go-link-build"))
}
