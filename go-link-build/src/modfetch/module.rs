//! `golang.org/x/mod/module`: path checks (`CheckPath`, `CheckImportPath`,
//! `CheckFilePath`), `Check` of a path/version pair, and the case-escaping of
//! module cache paths (`EscapePath`, `EscapeVersion`).
//!
//! The inner checks return cmd/go's own reason text (`invalid char '!'`), so
//! messages read like the `go` command's.

use super::semver;
use crate::error::{Error, ErrorKind, Result};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Module,
    Import,
    File,
}

/// Windows reserved names, checked case-insensitively on the part before the first dot.
const BAD_WINDOWS_NAMES: [&str; 22] = [
    "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9", "LPT1", "LPT2",
    "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
];

fn first_path_ok(c: char) -> bool {
    c == '-' || c == '.' || c.is_ascii_digit() || c.is_ascii_lowercase()
}

fn mod_path_ok(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~')
}

fn import_path_ok(c: char) -> bool {
    mod_path_ok(c) || c == '+'
}

fn file_name_ok(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric() || "!#$%&()+,-.=@[]^_{}~ ".contains(c)
    } else {
        c.is_alphabetic()
    }
}

/// Go's `%q` of a rune, close enough for the characters these checks reject.
fn quote_char(c: char) -> String {
    match c {
        '\'' => "'\\''".to_string(),
        '\\' => "'\\\\'".to_string(),
        c if c.is_control() => format!("{:?}", c),
        c => format!("'{c}'"),
    }
}

fn check_elem(elem: &str, kind: Kind) -> std::result::Result<(), String> {
    if elem.is_empty() {
        return Err("empty path element".into());
    }
    if elem.bytes().all(|b| b == b'.') {
        return Err(format!("invalid path element {elem:?}"));
    }
    if elem.starts_with('.') && kind == Kind::Module {
        return Err("leading dot in path element".into());
    }
    if elem.ends_with('.') {
        return Err("trailing dot in path element".into());
    }
    for c in elem.chars() {
        let ok = match kind {
            Kind::Module => mod_path_ok(c),
            Kind::Import => import_path_ok(c),
            Kind::File => file_name_ok(c),
        };
        if !ok {
            return Err(format!("invalid char {}", quote_char(c)));
        }
    }
    let short = elem.split('.').next().unwrap_or(elem);
    if BAD_WINDOWS_NAMES.iter().any(|bad| bad.eq_ignore_ascii_case(short)) {
        return Err(format!("{short:?} disallowed as path element component on Windows"));
    }
    if kind == Kind::File {
        return Ok(());
    }
    // Windows short names: a trailing tilde followed by digits.
    if let Some(tilde) = short.rfind('~') {
        let suffix = &short[tilde + 1..];
        if !suffix.is_empty() && suffix.bytes().all(|b| b.is_ascii_digit()) {
            return Err("trailing tilde and digits in path element".into());
        }
    }
    Ok(())
}

fn check_path_kind(path: &str, kind: Kind) -> std::result::Result<(), String> {
    if path.is_empty() {
        return Err("empty string".into());
    }
    if path.starts_with('-') && kind != Kind::File {
        return Err("leading dash".into());
    }
    if path.contains("//") {
        return Err("double slash".into());
    }
    if path.ends_with('/') {
        return Err("trailing slash".into());
    }
    path.split('/').try_for_each(|elem| check_elem(elem, kind))
}

/// `module.CheckPath`'s reason, if `path` is not a valid module path.
fn module_path_problem(path: &str) -> Option<String> {
    if let Err(e) = check_path_kind(path, Kind::Module) {
        return Some(e);
    }
    let first = path.split('/').next().unwrap_or("");
    if first.is_empty() {
        return Some("leading slash".into());
    }
    if !first.contains('.') {
        return Some("missing dot in first path element".into());
    }
    if path.starts_with('-') {
        return Some("leading dash in first path element".into());
    }
    if let Some(c) = first.chars().find(|&c| !first_path_ok(c)) {
        return Some(format!("invalid char {} in first path element", quote_char(c)));
    }
    if split_path_version(path).is_none() {
        return Some("invalid version".into());
    }
    None
}

/// `module.CheckPath`: a valid module path, or an error naming the problem.
pub(crate) fn check_path(path: &str) -> Result<()> {
    match module_path_problem(path) {
        None => Ok(()),
        Some(why) => Err(Error::new(ErrorKind::Load, format!("malformed module path {path:?}: {why}"))),
    }
}

/// `module.CheckImportPath`'s reason, if `path` is not a valid import path.
pub(crate) fn import_path_problem(path: &str) -> Option<String> {
    check_path_kind(path, Kind::Import).err()
}

/// `module.CheckImportPath`.
pub(crate) fn check_import_path(path: &str) -> Result<()> {
    check_path_kind(path, Kind::Import)
        .map_err(|why| Error::new(ErrorKind::Load, format!("malformed import path {path:?}: {why}")))
}

/// `module.CheckFilePath`'s reason, if `path` (slash-separated) is not a valid module file path.
pub(crate) fn file_path_problem(path: &str) -> Option<String> {
    check_path_kind(path, Kind::File).err().map(|why| format!("malformed file path {path:?}: {why}"))
}

/// `module.SplitPathVersion`: (prefix, "/vN" or ".vN" or ""), or None when the
/// final element is a malformed major-version suffix (`/v1`, `/v0`, `/v2.0`).
pub(crate) fn split_path_version(path: &str) -> Option<(&str, &str)> {
    if path.starts_with("gopkg.in/") {
        return split_gopkg_in(path);
    }
    let b = path.as_bytes();
    let mut i = b.len();
    let mut dot = false;
    while i > 0 && (b[i - 1].is_ascii_digit() || b[i - 1] == b'.') {
        dot |= b[i - 1] == b'.';
        i -= 1;
    }
    if i <= 1 || i == b.len() || b[i - 1] != b'v' || b[i - 2] != b'/' {
        return Some((path, ""));
    }
    let (prefix, major) = path.split_at(i - 2);
    if dot || major.len() <= 2 || major.as_bytes()[2] == b'0' || major == "/v1" {
        return None;
    }
    Some((prefix, major))
}

fn split_gopkg_in(path: &str) -> Option<(&str, &str)> {
    let b = path.as_bytes();
    let mut i = b.len();
    if path.ends_with("-unstable") {
        i -= "-unstable".len();
    }
    while i > 0 && b[i - 1].is_ascii_digit() {
        i -= 1;
    }
    if i <= 1 || b[i - 1] != b'v' || b[i - 2] != b'.' {
        return None;
    }
    let (prefix, major) = path.split_at(i - 2);
    if major.len() <= 2 || (major.as_bytes()[2] == b'0' && major != ".v0") {
        return None;
    }
    Some((prefix, major))
}

/// `module.CheckPathMajor`'s reason, if version `v` does not fit the path's major suffix.
pub(crate) fn path_major_problem(v: &str, path_major: &str) -> Option<String> {
    let mut pm = path_major;
    if pm.starts_with(".v") {
        pm = pm.strip_suffix("-unstable").unwrap_or(pm);
    }
    if v.starts_with("v0.0.0-") && pm == ".v1" {
        return None; // an old bug in gopkg.in pseudo-versions, allowed by cmd/go
    }
    let m = semver::major(v);
    let want = if pm.is_empty() {
        if m == "v0" || m == "v1" || semver::build(v) == "+incompatible" {
            return None;
        }
        "v0 or v1"
    } else {
        if m == &pm[1..] {
            return None;
        }
        &pm[1..]
    };
    Some(format!("should be {want}, not {m}"))
}

/// `module.Check` plus the canonical-version requirement of module zips: the
/// pair names a real module version (`example.com/m/v2` at `v2.x.y`).
pub(crate) fn check(path: &str, version: &str) -> Result<()> {
    check_path(path)?;
    let bad = |why: String| Error::new(ErrorKind::Load, format!("{path}@{version}: invalid version: {why}"));
    if !semver::is_valid(version) {
        return Err(bad("not a semantic version".into()));
    }
    let canon = semver::canonical_module_version(version);
    if canon != version {
        return Err(bad(format!("not canonical (should be {canon:?})")));
    }
    let (_, major) = split_path_version(path).unwrap_or((path, ""));
    if let Some(why) = path_major_problem(version, major) {
        return Err(bad(why));
    }
    Ok(())
}

fn escape_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 4);
    for c in s.chars() {
        if c.is_ascii_uppercase() {
            out.push('!');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// `module.EscapePath`: the module cache / proxy form of a module path, every
/// upper-case letter `X` written `!x`. Fails for an invalid module path.
pub(crate) fn escape_path(path: &str) -> Result<String> {
    if let Some(why) = module_path_problem(path) {
        return Err(Error::new(
            ErrorKind::Load,
            format!(
                "malformed module path {path:?}: {why}\n\tThe module cache has no directory for it; \
                 fix the path in go.mod, go.sum or vendor/modules.txt."
            ),
        ));
    }
    Ok(escape_string(path))
}

/// `module.EscapeVersion`: like [`escape_path`] for a version, which must be a
/// valid file-name element without `!` (non-semver versions are allowed).
pub(crate) fn escape_version(version: &str) -> Result<String> {
    if check_elem(version, Kind::File).is_err() || version.contains('!') {
        return Err(Error::new(
            ErrorKind::Load,
            format!(
                "version {version:?} invalid: disallowed version string\n\tThe module cache has no directory \
                 for it; fix the version in go.mod, go.sum or vendor/modules.txt."
            ),
        ));
    }
    Ok(escape_string(version))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Expected values printed by x/mod v0.43.0's module.EscapePath/EscapeVersion
    /// (a throwaway Go program; see dirhash.rs for how).
    #[test]
    fn escape_path_like_x_mod() {
        for (p, want) in [
            ("github.com/BurntSushi/toml", "github.com/!burnt!sushi/toml"),
            ("rsc.io/QUOTE", "rsc.io/!q!u!o!t!e"),
            ("example.com/a/b", "example.com/a/b"),
            ("gopkg.in/yaml.v2", "gopkg.in/yaml.v2"),
            ("x.y/z/v2", "x.y/z/v2"),
            ("example.com/~x", "example.com/~x"),
            ("x.com/v2", "x.com/v2"),
            ("github.com/Azure/azure-sdk-for-go", "github.com/!azure/azure-sdk-for-go"),
        ] {
            assert_eq!(escape_path(p).unwrap(), want, "{p}");
        }
        for (p, why) in [
            ("x.y/z/v1", "invalid version"),
            ("x.y/z/v0", "invalid version"),
            ("x.y/z/v2.0", "invalid version"),
            ("x.y/../z", "invalid path element \"..\""),
            ("Example.com/x", "invalid char 'E' in first path element"),
            ("example.com/x/", "trailing slash"),
            ("example.com//x", "double slash"),
            ("", "empty string"),
            ("example.com/x!y", "invalid char '!'"),
            ("example.com/.x", "leading dot in path element"),
            ("example.com/x.", "trailing dot in path element"),
            ("example.com/con", "\"con\" disallowed as path element component on Windows"),
            ("example.com/x~1", "trailing tilde and digits in path element"),
            ("example/x", "missing dot in first path element"),
            ("-x.com/y", "leading dash"),
            ("example.com/é", "invalid char 'é'"),
            ("example.com/a b", "invalid char ' '"),
            ("/example.com", "empty path element"),
        ] {
            let err = escape_path(p).unwrap_err().to_string();
            assert!(err.starts_with(&format!("malformed module path {p:?}: {why}\n")), "{p}: {err}");
        }
    }

    #[test]
    fn escape_version_like_x_mod() {
        for (v, want) in [
            ("v1.2.3", "v1.2.3"),
            ("v1.2.3-Pre", "v1.2.3-!pre"),
            ("v1.0.0+Build", "v1.0.0+!build"),
            ("latest", "latest"),
            ("v1.2.3 x", "v1.2.3 x"),
            ("V1.0.0", "!v1.0.0"),
            ("v1.0.0-20200101000000-abcdefABCDEF", "v1.0.0-20200101000000-abcdef!a!b!c!d!e!f"),
        ] {
            assert_eq!(escape_version(v).unwrap(), want, "{v}");
        }
        for v in ["", "v1!", "..", "v1/2", "nul"] {
            let err = escape_version(v).unwrap_err().to_string();
            assert!(err.contains("disallowed version string"), "{v}: {err}");
        }
    }

    #[test]
    fn import_and_file_paths() {
        assert!(check_import_path("example.com/c++").is_ok());
        assert!(check_import_path("example.com/x y").is_err());
        assert!(check_import_path("example.com/-x").is_ok());
        assert!(check_import_path("-x").is_err());
        assert_eq!(file_path_problem("a b/é.txt"), None);
        assert_eq!(file_path_problem("-x/@.go"), None);
        assert!(file_path_problem("../evil").unwrap().contains("invalid path element \"..\""));
        assert!(file_path_problem("a\\b").is_some());
        assert!(file_path_problem("a:b").is_some());
        assert!(file_path_problem("/abs").is_some());
        assert!(file_path_problem("x/AUX.txt").is_some());
    }

    #[test]
    fn module_check() {
        assert!(check("example.com/m", "v1.2.3").is_ok());
        assert!(check("example.com/m/v2", "v2.0.1").is_ok());
        assert!(check("example.com/m", "v2.0.0+incompatible").is_ok());
        assert!(check("gopkg.in/yaml.v2", "v2.4.0").is_ok());
        assert!(check("gopkg.in/check.v1", "v0.0.0-20161208181325-20d25e280405").is_ok());
        let e = check("example.com/m/v2", "v1.0.0").unwrap_err().to_string();
        assert!(e.contains("should be v2, not v1"), "{e}");
        let e = check("example.com/m", "v2.0.0").unwrap_err().to_string();
        assert!(e.contains("should be v0 or v1, not v2"), "{e}");
        assert!(check("example.com/m", "v1.2").unwrap_err().to_string().contains("not canonical"));
        assert!(check("example.com/m", "latest").is_err());
    }
}
