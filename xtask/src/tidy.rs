//! Tidy checks on go-link-build's sources, run by `cargo test -p xtask`.
//!
//! They hold the architecture invariants that the compiler cannot:
//!
//! - every `go-link-build/src/**/*.rs` file opens with a `//!` doc comment;
//! - only `cargo.rs` writes to stdout (`println!`, `print!`, `io::stdout`);
//! - no `eprintln!`/`eprint!` (they panic on a closed stderr): `to_stderr!`;
//! - only `exec.rs` spawns processes (`Command::new`);
//! - only `env.rs` reads the process environment (`env::var`, `env::var_os`,
//!   `env::vars`).
//!
//! The command-line tool in `src/bin/` is exempt from all but the first: it is a
//! program, not the library. Comment lines are skipped so that docs may name
//! the forbidden calls. Each test lists every offence at once, as
//! `path:line: text`.

use std::path::{Path, PathBuf};

fn src_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../go-link-build/src")
}

/// Every `.rs` file below `dir`, sorted.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = std::fs::read_dir(&d).unwrap_or_else(|e| panic!("failed to read {}: {e}", d.display()));
        for entry in entries {
            let path = entry.unwrap_or_else(|e| panic!("failed to read an entry of {}: {e}", d.display())).path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    out.sort();
    assert!(!out.is_empty(), "no Rust files under {}", dir.display());
    out
}

/// A source file, with its path relative to `go-link-build/src`.
struct Source {
    rel: String,
    text: String,
}

fn sources() -> Vec<Source> {
    let root = src_dir();
    rust_files(&root)
        .into_iter()
        .map(|p| {
            let rel = p.strip_prefix(&root).unwrap_or(&p).to_string_lossy().replace('\\', "/");
            let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("failed to read {}: {e}", p.display()));
            Source { rel, text }
        })
        .collect()
}

/// Lines (1-based) of code, not comments, that contain any of `needles`.
fn offending_lines(src: &Source, is_match: impl Fn(&str) -> bool) -> Vec<String> {
    src.text
        .lines()
        .enumerate()
        .filter(|(_, line)| {
            let code = line.trim_start();
            !code.starts_with("//") && is_match(code.split(" //").next().unwrap_or(code))
        })
        .map(|(i, line)| format!("go-link-build/src/{}:{}: {}", src.rel, i + 1, line.trim()))
        .collect()
}

/// Fails with every offence of one rule.
#[track_caller]
fn check_only_in(allowed: &str, what: &str, is_match: impl Fn(&str) -> bool) {
    let mut offences = Vec::new();
    for src in sources() {
        if src.rel == allowed || src.rel.starts_with("bin/") {
            continue;
        }
        offences.extend(offending_lines(&src, &is_match));
    }
    assert!(offences.is_empty(), "only {allowed} may {what}; found:\n{}\n", offences.join("\n"));
}

/// True when `code` uses the macro `name!` itself (not `e{name}!`, say).
fn uses_macro(code: &str, name: &str) -> bool {
    let needle = format!("{name}!");
    code.match_indices(&needle).any(|(at, _)| {
        let before = code[..at].chars().next_back();
        !before.is_some_and(|c| c.is_alphanumeric() || c == '_')
    })
}

#[test]
fn every_file_has_a_module_doc() {
    let missing: Vec<String> = sources()
        .into_iter()
        .filter(|s| !s.text.trim_start().starts_with("//!"))
        .map(|s| format!("go-link-build/src/{}", s.rel))
        .collect();
    assert!(
        missing.is_empty(),
        "these files do not start with a `//!` doc comment saying what the module is for:\n{}\n",
        missing.join("\n")
    );
}

#[test]
fn only_cargo_rs_writes_stdout() {
    check_only_in("cargo.rs", "write to stdout (println!, print!, io::stdout)", |code| {
        uses_macro(code, "println") || uses_macro(code, "print") || code.contains("stdout()")
    });
}

/// `eprintln!` panics when stderr is a closed pipe; the library's
/// diagnostics go through `to_stderr!`, which drops a line it cannot write.
#[test]
fn diagnostics_never_panic_on_a_closed_stderr() {
    check_only_in("cargo.rs", "write to stderr directly (eprintln!, eprint!: use to_stderr!)", |code| {
        uses_macro(code, "eprintln") || uses_macro(code, "eprint")
    });
}

#[test]
fn only_exec_rs_spawns() {
    check_only_in("exec.rs", "spawn processes (Command::new)", |code| code.contains("Command::new"));
}

#[test]
fn only_env_rs_reads_env() {
    check_only_in("env.rs", "read the environment (std::env::var, var_os, vars)", |code| {
        ["env::var(", "env::var_os(", "env::vars(", "env::vars_os("].iter().any(|n| code.contains(n))
    });
}

#[test]
fn matcher() {
    assert!(uses_macro("println!(\"x\")", "println"));
    assert!(uses_macro("    print!(\"x\")", "print"));
    assert!(!uses_macro("eprintln!(\"x\")", "println"));
    assert!(!uses_macro("eprint!(\"x\")", "print"));
    assert!(!uses_macro("writeln!(w)", "println"));
    let src = Source {
        rel: "x.rs".into(),
        text: "//! Doc naming println!.\n// println! in a comment\nlet a = 1; // println!\nprintln!(\"{a}\");\n".into(),
    };
    assert_eq!(offending_lines(&src, |c| uses_macro(c, "println")), ["go-link-build/src/x.rs:4: println!(\"{a}\");"]);
}
