//! Parsing of `go.mod` and `go.work` files (the subset of
//! `golang.org/x/mod/modfile` a builder needs).
//!
//! Architecture invariant: no IO; callers read the file and pass its text.

use crate::error::{Error, ErrorKind, Result};

/// A parsed `go.mod`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct GoMod {
    /// The `module` path.
    pub module: String,
    /// The `go` line (`1.22` or `1.22.3`), if any.
    pub go: Option<String>,
    /// The `toolchain` line, if any.
    pub toolchain: Option<String>,
    /// `godebug` key=value settings, in file order.
    pub godebug: Vec<(String, String)>,
    /// `require` lines: (path, version).
    pub require: Vec<(String, String)>,
    /// `replace` lines.
    pub replace: Vec<Replace>,
    /// `exclude` lines: (path, version).
    pub exclude: Vec<(String, String)>,
}

/// A parsed `go.work`. (Workspaces are wired in with module support.)
#[allow(dead_code)]
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct GoWork {
    pub go: Option<String>,
    pub toolchain: Option<String>,
    pub godebug: Vec<(String, String)>,
    /// `use` directories, as written.
    pub uses: Vec<String>,
    pub replace: Vec<Replace>,
}

/// One `replace old [v] => new [v]` line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Replace {
    pub old_path: String,
    pub old_version: Option<String>,
    pub new_path: String,
    /// `None` for a local directory replacement.
    pub new_version: Option<String>,
}

#[allow(dead_code)] // Used once third-party modules are resolved.
impl Replace {
    /// A replacement by a directory (`./x`, `../x`, `/abs`), rather than a module version.
    pub(crate) fn is_local(&self) -> bool {
        self.new_version.is_none()
    }
}

/// Splits a go.mod into (verb, args) statements, expanding `verb ( … )` blocks.
fn statements(text: &str, file: &str) -> Result<Vec<(usize, String, Vec<String>)>> {
    let mut out = Vec::new();
    let mut block: Option<String> = None;
    for (i, raw) in text.lines().enumerate() {
        let line_no = i + 1;
        let toks = tokenize(raw).map_err(|e| Error::new(ErrorKind::Load, format!("{file}:{line_no}: {e}")))?;
        if toks.is_empty() {
            continue;
        }
        if let Some(verb) = &block {
            if toks.len() == 1 && toks[0] == ")" {
                block = None;
                continue;
            }
            out.push((line_no, verb.clone(), toks));
            continue;
        }
        if toks.len() == 2 && toks[1] == "(" {
            block = Some(toks[0].clone());
            continue;
        }
        let verb = toks[0].clone();
        out.push((line_no, verb, toks[1..].to_vec()));
    }
    if block.is_some() {
        return Err(Error::new(ErrorKind::Load, format!("{file}: unterminated block")));
    }
    Ok(out)
}

/// Tokenizes one line: words, quoted strings (Go syntax), `(`, `)`, `=>`; `//` starts a comment.
fn tokenize(line: &str) -> std::result::Result<Vec<String>, String> {
    let mut toks = Vec::new();
    let b = line.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b' ' || c == b'\t' || c == b'\r' {
            i += 1;
        } else if line[i..].starts_with("//") {
            break;
        } else if c == b'(' || c == b')' {
            toks.push((c as char).to_string());
            i += 1;
        } else if line[i..].starts_with("=>") {
            toks.push("=>".into());
            i += 2;
        } else if c == b'"' {
            let mut s = String::new();
            i += 1;
            let mut closed = false;
            while i < b.len() {
                match b[i] {
                    b'\\' if i + 1 < b.len() => {
                        s.push(b[i + 1] as char);
                        i += 2;
                    }
                    b'"' => {
                        closed = true;
                        i += 1;
                        break;
                    }
                    _ => {
                        let ch = line[i..].chars().next().unwrap_or('\0');
                        s.push(ch);
                        i += ch.len_utf8();
                    }
                }
            }
            if !closed {
                return Err("unterminated quoted string".into());
            }
            toks.push(s);
        } else if c == b'`' {
            let rest = &line[i + 1..];
            let end = rest.find('`').ok_or("unterminated raw string")?;
            toks.push(rest[..end].to_string());
            i += end + 2;
        } else {
            let start = i;
            while i < b.len() && !matches!(b[i], b' ' | b'\t' | b'\r' | b'(' | b')' | b'"') {
                if line[i..].starts_with("//") || line[i..].starts_with("=>") {
                    break;
                }
                i += 1;
            }
            toks.push(line[start..i].to_string());
        }
    }
    Ok(toks)
}

fn parse_replace(args: &[String], file: &str, line: usize) -> Result<Replace> {
    let bad = || {
        Error::new(
            ErrorKind::Load,
            format!("{file}:{line}: usage: replace module/path [v1.2.3] => other/module v1.4 | replace module/path [v1.2.3] => ../local/directory"),
        )
    };
    let arrow = args.iter().position(|a| a == "=>").ok_or_else(bad)?;
    let (old, new) = (&args[..arrow], &args[arrow + 1..]);
    if old.is_empty() || old.len() > 2 || new.is_empty() || new.len() > 2 {
        return Err(bad());
    }
    let new_path = new[0].clone();
    let is_dir = new_path.starts_with("./")
        || new_path.starts_with("../")
        || new_path.starts_with('/')
        || new_path == "."
        || new_path == ".."
        || new_path.starts_with(".\\")
        || new_path.starts_with("..\\");
    if is_dir && new.len() != 1 || !is_dir && new.len() != 2 {
        return Err(bad());
    }
    Ok(Replace {
        old_path: old[0].clone(),
        old_version: old.get(1).cloned(),
        new_path,
        new_version: new.get(1).cloned(),
    })
}

fn parse_godebug(args: &[String], file: &str, line: usize) -> Result<(String, String)> {
    let joined = args.join(" ");
    match joined.split_once('=') {
        Some((k, v)) if !k.is_empty() && !k.contains(' ') && !v.contains(' ') => Ok((k.to_string(), v.to_string())),
        _ => Err(Error::new(ErrorKind::Load, format!("{file}:{line}: invalid godebug {joined:?}: expected key=value"))),
    }
}

/// Parses a go.mod file's text. `file` names it in errors.
pub(crate) fn parse_go_mod(text: &str, file: &str) -> Result<GoMod> {
    let mut m = GoMod::default();
    let mut saw_module = false;
    for (line, verb, args) in statements(text, file)? {
        match verb.as_str() {
            "module" => {
                let p = args
                    .first()
                    .ok_or_else(|| Error::new(ErrorKind::Load, format!("{file}:{line}: usage: module module/path")))?;
                m.module = p.clone();
                saw_module = true;
            }
            "go" => m.go = args.first().cloned(),
            "toolchain" => m.toolchain = args.first().cloned(),
            "godebug" => m.godebug.push(parse_godebug(&args, file, line)?),
            "require" if args.len() >= 2 => m.require.push((args[0].clone(), args[1].clone())),
            "exclude" if args.len() >= 2 => m.exclude.push((args[0].clone(), args[1].clone())),
            "replace" => m.replace.push(parse_replace(&args, file, line)?),
            "retract" | "ignore" | "tool" => {}
            "require" | "exclude" => {
                return Err(Error::new(ErrorKind::Load, format!("{file}:{line}: usage: {verb} module/path v1.2.3")))
            }
            other => return Err(Error::new(ErrorKind::Load, format!("{file}:{line}: unknown directive: {other}"))),
        }
    }
    if !saw_module {
        return Err(Error::new(
            ErrorKind::Load,
            format!("{file}: no module declaration in go.mod; add `module example.com/name` at the top"),
        ));
    }
    Ok(m)
}

/// Parses a go.work file's text.
#[allow(dead_code)]
pub(crate) fn parse_go_work(text: &str, file: &str) -> Result<GoWork> {
    let mut w = GoWork::default();
    for (line, verb, args) in statements(text, file)? {
        match verb.as_str() {
            "go" => w.go = args.first().cloned(),
            "toolchain" => w.toolchain = args.first().cloned(),
            "godebug" => w.godebug.push(parse_godebug(&args, file, line)?),
            "use" => w.uses.extend(args.first().cloned()),
            "replace" => w.replace.push(parse_replace(&args, file, line)?),
            other => return Err(Error::new(ErrorKind::Load, format!("{file}:{line}: unknown directive: {other}"))),
        }
    }
    Ok(w)
}

/// `gover.Lang`: the language version `go1.N` of a go line (`1.22.3` → `go1.22`).
pub(crate) fn lang_version(go_line: &str) -> String {
    let mut parts = go_line.split('.');
    let major = parts.next().unwrap_or("1");
    let minor: String = parts.next().unwrap_or("0").chars().take_while(|c| c.is_ascii_digit()).collect();
    format!("go{major}.{minor}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_full_go_mod() {
        let text = r#"
// comment
module example.com/App // trailing

go 1.22.3
toolchain go1.23.1

godebug (
	panicnil=1
	default=go1.21
)

require (
	example.com/Lib v1.0.0 // indirect
	"example.com/q" v0.1.0
)
require golang.org/x/text v0.3.0
exclude example.com/bad v0.0.1
replace example.com/Lib v1.0.0 => ../lib
replace (
	example.com/q => example.com/q2 v0.2.0
)
"#;
        let m = parse_go_mod(text, "go.mod").unwrap();
        assert_eq!(m.module, "example.com/App");
        assert_eq!(m.go.as_deref(), Some("1.22.3"));
        assert_eq!(m.toolchain.as_deref(), Some("go1.23.1"));
        assert_eq!(m.godebug, vec![("panicnil".into(), "1".into()), ("default".into(), "go1.21".into())]);
        assert_eq!(m.require.len(), 3);
        assert_eq!(m.require[1], ("example.com/q".into(), "v0.1.0".into()));
        assert_eq!(m.exclude, vec![("example.com/bad".into(), "v0.0.1".into())]);
        assert!(m.replace[0].is_local());
        assert_eq!(m.replace[0].old_version.as_deref(), Some("v1.0.0"));
        assert_eq!(m.replace[1].new_version.as_deref(), Some("v0.2.0"));
    }

    #[test]
    fn errors_name_the_line() {
        let err = parse_go_mod("module x\nfrobnicate y\n", "/p/go.mod").unwrap_err();
        assert_eq!(err.to_string(), "/p/go.mod:2: unknown directive: frobnicate");
        let err = parse_go_mod("go 1.21\n", "/p/go.mod").unwrap_err();
        assert!(err.to_string().contains("no module declaration"));
    }

    #[test]
    fn versions() {
        assert_eq!(lang_version("1.22.3"), "go1.22");
        assert_eq!(lang_version("1.21"), "go1.21");
        assert_eq!(lang_version("1.21rc1"), "go1.21");
    }

    #[test]
    fn go_work() {
        let w = parse_go_work("go 1.22\nuse (\n\t./a\n\t./b\n)\nreplace x => ../y\n", "go.work").unwrap();
        assert_eq!(w.uses, vec!["./a", "./b"]);
        assert_eq!(w.replace.len(), 1);
    }
}
