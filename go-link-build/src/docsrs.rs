//! docs.rs mode: when `DOCS_RS` is set, build nothing and run nothing, but
//! leave everything a crate needs to *compile* for documentation.
//!
//! docs.rs builds documentation in a sandbox with no Go toolchain and no
//! network, so a build script that calls [`crate::Build::binary`] or
//! [`crate::Build::c_archive`] would fail there and the crate would have no
//! docs. `rustdoc` type-checks the crate but links nothing and runs nothing,
//! so placeholders are enough:
//!
//! - `binary(name)`: an empty file at the program's usual path, and
//!   `GO_LINK_BUILD_BIN_<NAME>` pointing at it (`env!` and `include_bytes!`
//!   compile);
//! - `c_archive(name)`: the header at its usual path, holding the names of the
//!   `//export` functions found by reading the packages' `.go` files (no tool
//!   runs, so no prototypes), the Rust bindings file when asked for (empty of
//!   declarations), `GO_LINK_BUILD_RS_<NAME>` and `cargo:include`, and no link
//!   directives (nothing is linked when documenting);
//! - one `cargo:warning` saying so.
//!
//! The same switch serves `cargo doc` on a machine without Go: set
//! `DOCS_RS=1` for that command.

use std::path::{Path, PathBuf};

use crate::cargo::{CargoOutput, Directive};
use crate::error::{Error, ErrorKind, Result};
use crate::{Artifact, OutputKind, Stats};

/// What a placeholder build needs to know.
pub(crate) struct Placeholder<'a> {
    pub kind: OutputKind,
    pub name: &'a str,
    /// `$OUT_DIR/go-link-build`.
    pub base: &'a Path,
    /// The program's extension for the target (`.exe`, `.wasm` or none).
    pub exe_ext: &'a str,
    /// The package directories, absolute.
    pub packages: &'a [PathBuf],
    pub rust_bindings: bool,
    pub out: &'a CargoOutput,
}

fn write(path: &Path, contents: &[u8]) -> Result<()> {
    let io_err = |e: std::io::Error| {
        Error::new(ErrorKind::Io, format!("DOCS_RS mode: cannot write the placeholder {}: {e}", path.display()))
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(io_err)?;
    }
    std::fs::write(path, contents).map_err(io_err)
}

/// The names after `//export` in the `.go` files (tests excluded) of `dirs`,
/// in file order: what a header would declare. Unreadable files are skipped:
/// this is documentation, not a build.
fn exported_names(dirs: &[PathBuf]) -> Vec<String> {
    let mut names = Vec::new();
    for dir in dirs {
        let Ok(entries) = std::fs::read_dir(dir) else { continue };
        let mut files: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                let n = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
                n.ends_with(".go") && !n.ends_with("_test.go")
            })
            .collect();
        files.sort();
        for f in files {
            let Ok(text) = std::fs::read_to_string(&f) else { continue };
            for line in text.lines() {
                // cgo's rule: `//export Name` with no space after `//`.
                if let Some(name) = line.strip_prefix("//export ") {
                    let name = name.trim();
                    if !name.is_empty() && !names.iter().any(|n| n == name) {
                        names.push(name.to_string());
                    }
                }
            }
        }
    }
    names
}

/// The environment-variable suffix for an output name (`my-tool` → `MY_TOOL`).
pub(crate) fn env_name(name: &str) -> String {
    name.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_uppercase() } else { '_' }).collect()
}

/// Writes the placeholders and prints the directives; runs nothing.
pub(crate) fn build(p: &Placeholder<'_>) -> Result<Artifact> {
    let env = env_name(p.name);
    p.out.print(&Directive::RerunIfEnvChanged("DOCS_RS".into()));
    let mut artifact = Artifact {
        path: PathBuf::new(),
        header: None,
        rust_bindings: None,
        link_flags: Vec::new(),
        stats: Stats::default(),
        no_op: false,
        remote_warning: None,
    };
    match p.kind {
        OutputKind::Binary => {
            let path = p.base.join("bin").join(format!("{}{}", p.name, p.exe_ext));
            write(&path, b"")?;
            p.out.print(&Directive::RustcEnv(format!("GO_LINK_BUILD_BIN_{env}"), path.display().to_string()));
            artifact.path = path;
        }
        OutputKind::CArchive => {
            let lib = p.base.join("lib").join(format!("lib{}.a", p.name));
            let header = p.base.join("include").join(format!("{}.h", p.name));
            let names = exported_names(p.packages);
            let mut h = String::from(
                "/* Written by go-link-build in DOCS_RS mode: no Go toolchain ran, so this header\n   \
                 declares nothing. The Go code exports: */\n",
            );
            for n in &names {
                h.push_str(&format!("/*   {n} */\n"));
            }
            write(&header, h.as_bytes())?;
            if p.rust_bindings {
                let rs = header.with_extension("rs");
                write(&rs, b"// Written by go-link-build in DOCS_RS mode: no declarations (no Go toolchain ran).\n")?;
                p.out.print(&Directive::RustcEnv(format!("GO_LINK_BUILD_RS_{env}"), rs.display().to_string()));
                artifact.rust_bindings = Some(rs);
            }
            if let Some(dir) = header.parent() {
                p.out.print(&Directive::Include(dir.to_path_buf()));
            }
            artifact.path = lib;
            artifact.header = Some(header);
        }
    }
    p.out.warning(&format!(
        "go-link-build: DOCS_RS is set: {} `{}` not built (placeholders only, for documentation)",
        p.kind.label(),
        p.name
    ));
    Ok(artifact)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_and_export_names() {
        let dir = std::env::temp_dir().join(format!("glb-docsrs-{}", std::process::id()));
        let pkg = dir.join("pkg");
        std::fs::create_dir_all(&pkg).unwrap();
        std::fs::write(
            pkg.join("a.go"),
            "package main\n\nimport \"C\"\n\n//export GoAdd\nfunc GoAdd(a, b C.int) C.int { return a + b }\n// export NotThis\n",
        )
        .unwrap();
        std::fs::write(pkg.join("a_test.go"), "package main\n//export InTest\n").unwrap();
        std::fs::write(pkg.join("b.go"), "package main\n//export GoFree\n").unwrap();
        assert_eq!(exported_names(std::slice::from_ref(&pkg)), ["GoAdd", "GoFree"]);

        let out = CargoOutput { metadata: false, warnings: false };
        let base = dir.join("out");
        let packages = [pkg];
        let p = |kind, rust_bindings| Placeholder {
            kind,
            name: "my-lib",
            base: &base,
            exe_ext: ".exe",
            packages: &packages,
            rust_bindings,
            out: &out,
        };
        let a = build(&p(OutputKind::Binary, false)).unwrap();
        assert_eq!(a.path(), base.join("bin/my-lib.exe"));
        assert_eq!(std::fs::read(a.path()).unwrap(), b"");
        let a = build(&p(OutputKind::CArchive, true)).unwrap();
        let h = std::fs::read_to_string(a.header().unwrap()).unwrap();
        assert!(h.contains("GoAdd") && h.contains("GoFree") && !h.contains("InTest"), "{h}");
        assert!(a.rust_bindings().unwrap().exists());
        assert!(!a.path().exists(), "no archive is written");
        assert_eq!(env_name("my-lib"), "MY_LIB");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
