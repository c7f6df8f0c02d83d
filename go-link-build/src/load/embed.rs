//! `//go:embed` patterns to files: the embedcfg the compiler reads.
//!
//! A port of cmd/go's `load.resolveEmbed` (Go 1.26) with the pieces it relies
//! on: `path.Match`, `fsys.Glob`, `fs.ValidPath` and
//! `module.CheckFilePath` for names. The rules, briefly:
//! - a pattern is a `path.Match` glob relative to the package directory, with
//!   an optional `all:` prefix; `.`, `..`, empty elements and a leading `/`
//!   are invalid;
//! - a matched directory contributes its files recursively, skipping names
//!   starting with `.` or `_` (unless `all:`), never entering `.git`, `.hg`,
//!   `.svn`, `.bzr` or a directory with its own go.mod (another module);
//! - a glob such as `static/*` does match `static/.hidden` directly;
//! - matching a file in another module, an irregular file (a symlink, a
//!   device), an invalid name, or nothing at all is an error.
//!
//! The result is what `go list` shows as `EmbedFiles` and what cmd/go writes
//! as the `-embedcfg` file (`EmbedCfg::to_json`).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::constraint::first_char;

/// The resolved embed configuration of one package.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct EmbedCfg {
    /// Each pattern, exactly as written, to the package-relative slash paths
    /// it matched, sorted.
    pub patterns: BTreeMap<String, Vec<String>>,
    /// Each matched relative path to the absolute file.
    pub files: BTreeMap<String, PathBuf>,
}

impl EmbedCfg {
    /// The embedcfg JSON, formatted as cmd/go writes it
    /// (`json.MarshalIndent(v, "", "\t")`, no trailing newline).
    pub(crate) fn to_json(&self) -> String {
        let mut s = String::from("{\n\t\"Patterns\": ");
        if self.patterns.is_empty() {
            s.push_str("{}");
        } else {
            s.push_str("{\n");
            for (i, (pattern, files)) in self.patterns.iter().enumerate() {
                s.push_str("\t\t");
                json_string(&mut s, pattern);
                s.push_str(": ");
                if files.is_empty() {
                    s.push_str("[]");
                } else {
                    s.push_str("[\n");
                    for (j, f) in files.iter().enumerate() {
                        s.push_str("\t\t\t");
                        json_string(&mut s, f);
                        s.push_str(if j + 1 < files.len() { ",\n" } else { "\n" });
                    }
                    s.push_str("\t\t]");
                }
                s.push_str(if i + 1 < self.patterns.len() { ",\n" } else { "\n" });
            }
            s.push_str("\t}");
        }
        s.push_str(",\n\t\"Files\": ");
        if self.files.is_empty() {
            s.push_str("{}");
        } else {
            s.push_str("{\n");
            for (i, (rel, abs)) in self.files.iter().enumerate() {
                s.push_str("\t\t");
                json_string(&mut s, rel);
                s.push_str(": ");
                json_string(&mut s, &abs.to_string_lossy());
                s.push_str(if i + 1 < self.files.len() { ",\n" } else { "\n" });
            }
            s.push_str("\t}");
        }
        s.push_str("\n}");
        s
    }
}

/// Appends `v` as a JSON string, escaped like Go's encoding/json
/// (HTML-safe: `<`, `>`, `&` and U+2028/U+2029 escaped too).
pub(crate) fn json_string(out: &mut String, v: &str) {
    out.push('"');
    for c in v.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || matches!(c, '<' | '>' | '&' | '\u{2028}' | '\u{2029}') => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// A pattern that could not be resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct EmbedError {
    /// The pattern, as written.
    pub pattern: String,
    /// What is wrong with it (cmd/go's wording).
    pub msg: String,
}

impl std::fmt::Display for EmbedError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "pattern {}: {}", self.pattern, self.msg)
    }
}

/// Resolves a package's embed patterns (sorted, unique, as go list's
/// `EmbedPatterns`). Returns the sorted list of all matched files (go list's
/// `EmbedFiles`) and the embedcfg.
pub(crate) fn resolve(pkg_dir: &Path, patterns: &[String]) -> Result<(Vec<String>, EmbedCfg), EmbedError> {
    let mut cfg = EmbedCfg::default();
    // have[rel] = the last pattern (1-based) that added rel.
    let mut have: HashMap<String, usize> = HashMap::new();
    let mut dir_ok: HashSet<PathBuf> = HashSet::new();
    for (i, pattern) in patterns.iter().enumerate() {
        let pid = i + 1;
        let err = |msg: String| EmbedError { pattern: pattern.clone(), msg };
        let (glob, all) = match pattern.strip_prefix("all:") {
            Some(g) => (g, true),
            None => (pattern.as_str(), false),
        };
        if path_match(glob.as_bytes(), b"").is_err() || !valid_embed_pattern(glob) {
            return Err(err("invalid pattern syntax".into()));
        }
        let matches = glob_files(pkg_dir, glob).map_err(|_| err("invalid pattern syntax".into()))?;
        let mut list: Vec<String> = Vec::new();
        for file in matches {
            let rel = rel_slash(pkg_dir, &file);
            let info = std::fs::symlink_metadata(&file).map_err(|e| err(format!("lstat {}: {e}", file.display())))?;
            let what = if info.is_dir() { "directory" } else { "file" };
            // The directories along the path must not start another module,
            // be something other than directories, or have invalid names.
            let mut dir = file.clone();
            while dir.starts_with(pkg_dir) && dir != pkg_dir && !dir_ok.contains(&dir) {
                if std::fs::metadata(dir.join("go.mod")).is_ok() {
                    return Err(err(format!("cannot embed {what} {rel}: in different module")));
                }
                if dir != file {
                    if let Ok(m) = std::fs::symlink_metadata(&dir) {
                        if !m.is_dir() {
                            return Err(err(format!(
                                "cannot embed {what} {rel}: in non-directory {}",
                                rel_slash(pkg_dir, &dir)
                            )));
                        }
                    }
                }
                dir_ok.insert(dir.clone());
                let elem = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                if is_bad_embed_name(dir.file_name().and_then(|n| n.to_str())) {
                    return Err(err(if dir == file {
                        format!("cannot embed {what} {rel}: invalid name {elem}")
                    } else {
                        format!("cannot embed {what} {rel}: in invalid directory {elem}")
                    }));
                }
                if !dir.pop() {
                    break;
                }
            }
            if info.is_file() {
                if have.get(&rel) != Some(&pid) {
                    have.insert(rel.clone(), pid);
                    list.push(rel);
                }
            } else if info.is_dir() {
                let mut count = 0;
                let mut walk = Walk { pkg_dir, all, pid, have: &mut have, list: &mut list, count: &mut count };
                walk.dir(&file).map_err(err)?;
                if count == 0 {
                    return Err(err(format!("cannot embed directory {rel}: contains no embeddable files")));
                }
            } else {
                return Err(err(format!("cannot embed irregular file {rel}")));
            }
        }
        if list.is_empty() {
            return Err(err("no matching files found".into()));
        }
        list.sort();
        cfg.patterns.insert(pattern.clone(), list);
    }
    let mut files: Vec<String> = have.into_keys().collect();
    files.sort();
    for f in &files {
        cfg.files.insert(f.clone(), pkg_dir.join(f));
    }
    Ok((files, cfg))
}

/// A directory walk for one pattern (the `fsys.WalkDir` callback).
struct Walk<'a> {
    pkg_dir: &'a Path,
    all: bool,
    pid: usize,
    have: &'a mut HashMap<String, usize>,
    list: &'a mut Vec<String>,
    count: &'a mut usize,
}

impl Walk<'_> {
    fn dir(&mut self, dir: &Path) -> Result<(), String> {
        // A directory with a go.mod is another module: skip it.
        if std::fs::metadata(dir.join("go.mod")).is_ok() {
            return Ok(());
        }
        let rd = std::fs::read_dir(dir).map_err(|e| format!("open {}: {e}", dir.display()))?;
        let mut entries: Vec<(String, Option<String>, std::fs::FileType)> = Vec::new();
        for entry in rd {
            let entry = entry.map_err(|e| format!("readdir {}: {e}", dir.display()))?;
            let ft = entry.file_type().map_err(|e| format!("lstat {}: {e}", entry.path().display()))?;
            let os_name = entry.file_name();
            entries.push((os_name.to_string_lossy().into_owned(), os_name.to_str().map(str::to_string), ft));
        }
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        for (name, utf8_name, ft) in entries {
            let path = dir.join(&name);
            let rel = rel_slash(self.pkg_dir, &path);
            let hidden = name.starts_with('.') || name.starts_with('_');
            let bad = is_bad_embed_name(utf8_name.as_deref());
            if bad || hidden && !self.all {
                // Hidden files and directories are skipped (go.dev/issue/42328);
                // so are VCS directories even with all:.
                if ft.is_dir() || hidden {
                    continue;
                }
                // Invalid names are errors (go.dev/issue/54003).
                return Err(format!("cannot embed file {rel}: invalid name {name}"));
            }
            if ft.is_dir() {
                self.dir(&path)?;
                continue;
            }
            if !ft.is_file() {
                continue;
            }
            *self.count += 1;
            if self.have.get(&rel) != Some(&self.pid) {
                self.have.insert(rel.clone(), self.pid);
                self.list.push(rel);
            }
        }
        Ok(())
    }
}

/// The slash-separated path of `file` relative to `base`.
fn rel_slash(base: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(base).unwrap_or(file);
    let parts: Vec<String> = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
    parts.join("/")
}

/// `validEmbedPattern`: not `.`, and `fs.ValidPath`.
fn valid_embed_pattern(p: &str) -> bool {
    p != "." && p.split('/').all(|e| !e.is_empty() && e != "." && e != "..")
}

/// `isBadEmbedName`: names that cannot be in a module zip (`None`: not UTF-8).
fn is_bad_embed_name(name: Option<&str>) -> bool {
    let Some(name) = name else { return true };
    !check_file_name(name) || matches!(name, "" | ".bzr" | ".hg" | ".git" | ".svn")
}

/// `module.CheckFilePath` for a single path element.
fn check_file_name(elem: &str) -> bool {
    if elem.is_empty() || elem.bytes().all(|b| b == b'.') || elem.ends_with('.') {
        return false;
    }
    let ok_char = |c: char| {
        if c.is_ascii() {
            c.is_ascii_alphanumeric() || "!#$%&()+,-.=@[]^_{}~ ".contains(c)
        } else {
            // Go: unicode.IsLetter.
            c.is_alphabetic()
        }
    };
    if !elem.chars().all(ok_char) {
        return false;
    }
    const BAD_WINDOWS: [&str; 22] = [
        "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9", "LPT1",
        "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
    ];
    let short = elem.split('.').next().unwrap_or(elem);
    !BAD_WINDOWS.iter().any(|b| b.eq_ignore_ascii_case(short))
}

fn has_meta(s: &str) -> bool {
    s.contains(['*', '?', '[', '\\'])
}

/// `fsys.Glob(pkgdir + "/" + glob)`: matching paths, each directory's matches
/// in name order. Unreadable directories match nothing.
fn glob_files(pkg_dir: &Path, glob: &str) -> Result<Vec<PathBuf>, BadPattern> {
    let elems: Vec<&str> = glob.split('/').collect();
    glob_elems(pkg_dir, &elems)
}

fn glob_elems(base: &Path, elems: &[&str]) -> Result<Vec<PathBuf>, BadPattern> {
    let join = |elems: &[&str]| elems.iter().fold(base.to_path_buf(), |p, e| p.join(e));
    if !elems.iter().any(|e| has_meta(e)) {
        let p = join(elems);
        return Ok(if std::fs::symlink_metadata(&p).is_ok() { vec![p] } else { vec![] });
    }
    // (Non-empty: an element has meta characters.)
    let Some((file, dir_elems)) = elems.split_last() else { return Ok(Vec::new()) };
    let dirs = if dir_elems.iter().any(|e| has_meta(e)) { glob_elems(base, dir_elems)? } else { vec![join(dir_elems)] };
    let mut out = Vec::new();
    for dir in dirs {
        if !std::fs::metadata(&dir).is_ok_and(|m| m.is_dir()) {
            continue;
        }
        let Ok(rd) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut names: Vec<String> =
            rd.filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().into_owned()).collect();
        names.sort();
        for name in names {
            if path_match(file.as_bytes(), name.as_bytes())? {
                out.push(dir.join(name));
            }
        }
    }
    Ok(out)
}

/// A malformed `path.Match` pattern.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct BadPattern;

/// Decodes one character as Go's `utf8.DecodeRuneInString` does (invalid
/// input is U+FFFD, width 1).
fn decode(s: &[u8]) -> (u32, usize) {
    match first_char(s) {
        Some((c, n)) => (c as u32, n),
        None => (0xfffd, 1),
    }
}

/// Go's `path.Match`: whether `name` matches the shell pattern.
pub(crate) fn path_match(pattern: &[u8], name: &[u8]) -> Result<bool, BadPattern> {
    let mut pattern = pattern;
    let mut name = name;
    'pattern: while !pattern.is_empty() {
        let (star, chunk, rest) = scan_chunk(pattern);
        pattern = rest;
        if star && chunk.is_empty() {
            // A trailing * matches the rest of the name unless it has a /.
            return Ok(!name.contains(&b'/'));
        }
        let res = match_chunk(chunk, name);
        if let Ok(Some(t)) = res {
            // The last chunk must consume the whole name.
            if t.is_empty() || !pattern.is_empty() {
                name = t;
                continue;
            }
        }
        res?;
        if star {
            // Look for a match skipping i+1 bytes; * cannot skip a /.
            let mut i = 0;
            while i < name.len() && name[i] != b'/' {
                if let Some(t) = match_chunk(chunk, &name[i + 1..])? {
                    if pattern.is_empty() && !t.is_empty() {
                        i += 1;
                        continue;
                    }
                    name = t;
                    continue 'pattern;
                }
                i += 1;
            }
        }
        // Before failing, check that the rest of the pattern is well formed.
        while !pattern.is_empty() {
            let (_, chunk, rest) = scan_chunk(pattern);
            pattern = rest;
            match_chunk(chunk, b"")?;
        }
        return Ok(false);
    }
    Ok(name.is_empty())
}

/// Splits off the next chunk: an optional run of `*`, then everything up to
/// the next `*` outside a character class.
fn scan_chunk(mut pattern: &[u8]) -> (bool, &[u8], &[u8]) {
    let mut star = false;
    while pattern.first() == Some(&b'*') {
        pattern = &pattern[1..];
        star = true;
    }
    let mut in_range = false;
    let mut i = 0;
    while i < pattern.len() {
        match pattern[i] {
            // An escaped character; a trailing backslash is an error for match_chunk.
            b'\\' if i + 1 < pattern.len() => i += 1,
            b'[' => in_range = true,
            b']' => in_range = false,
            b'*' if !in_range => return (star, &pattern[..i], &pattern[i..]),
            _ => {}
        }
        i += 1;
    }
    (star, pattern, &[])
}

/// Matches a star-free chunk at the start of `s`; returns the rest of `s`.
fn match_chunk<'a>(mut chunk: &[u8], mut s: &'a [u8]) -> Result<Option<&'a [u8]>, BadPattern> {
    // After a mismatch keep going, to check that the chunk is well formed.
    let mut failed = false;
    while let Some(&c) = chunk.first() {
        failed = failed || s.is_empty();
        match c {
            b'[' => {
                let mut r = 0;
                if !failed {
                    let (rr, n) = decode(s);
                    r = rr;
                    s = &s[n..];
                }
                chunk = &chunk[1..];
                let negated = chunk.first() == Some(&b'^');
                if negated {
                    chunk = &chunk[1..];
                }
                let mut matched = false;
                let mut n_range = 0;
                loop {
                    if chunk.first() == Some(&b']') && n_range > 0 {
                        chunk = &chunk[1..];
                        break;
                    }
                    let (lo, rest) = get_esc(chunk)?;
                    chunk = rest;
                    let mut hi = lo;
                    if chunk[0] == b'-' {
                        let (h, rest) = get_esc(&chunk[1..])?;
                        hi = h;
                        chunk = rest;
                    }
                    matched = matched || lo <= r && r <= hi;
                    n_range += 1;
                }
                failed = failed || matched == negated;
            }
            b'?' => {
                if !failed {
                    failed = s[0] == b'/';
                    s = &s[decode(s).1..];
                }
                chunk = &chunk[1..];
            }
            _ => {
                if c == b'\\' {
                    chunk = &chunk[1..];
                    if chunk.is_empty() {
                        return Err(BadPattern);
                    }
                }
                if !failed {
                    failed = chunk[0] != s[0];
                    s = &s[1..];
                }
                chunk = &chunk[1..];
            }
        }
    }
    Ok(if failed { None } else { Some(s) })
}

/// A possibly escaped character of a character class; the rest of the chunk
/// must not be empty.
fn get_esc(mut chunk: &[u8]) -> Result<(u32, &[u8]), BadPattern> {
    match chunk.first() {
        None | Some(b'-' | b']') => return Err(BadPattern),
        Some(b'\\') => {
            chunk = &chunk[1..];
            if chunk.is_empty() {
                return Err(BadPattern);
            }
        }
        _ => {}
    }
    let (r, n) = decode(chunk);
    if r == 0xfffd && n == 1 {
        return Err(BadPattern);
    }
    let rest = &chunk[n..];
    if rest.is_empty() {
        return Err(BadPattern);
    }
    Ok((r, rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matching() {
        let cases: &[(&str, &str, Result<bool, BadPattern>)] = &[
            ("abc", "abc", Ok(true)),
            ("*", "abc", Ok(true)),
            ("*c", "abc", Ok(true)),
            ("a*", "a", Ok(true)),
            ("a*", "ab/c", Ok(false)),
            ("a*/b", "abc/b", Ok(true)),
            ("a*b*c*d*e*/f", "axbxcxdxe/f", Ok(true)),
            ("a*b*c*d*e*/f", "axbxcxdxexxx/fff", Ok(false)),
            ("ab[c]", "abc", Ok(true)),
            ("ab[b-d]", "abc", Ok(true)),
            ("ab[^c]", "abc", Ok(false)),
            ("ab[^b-d]", "abe", Ok(true)),
            ("a\\*b", "a*b", Ok(true)),
            ("a\\*b", "ab", Ok(false)),
            ("a?b", "a☺b", Ok(true)),
            ("a?b", "a/b", Ok(false)),
            ("[\\]a]", "]", Ok(true)),
            ("[x\\-]", "-", Ok(true)),
            ("*x", "xxx", Ok(true)),
            ("[", "a", Err(BadPattern)),
            ("[^", "a", Err(BadPattern)),
            ("[]a]", "]", Err(BadPattern)),
            ("[-]", "-", Err(BadPattern)),
            ("a[", "a", Err(BadPattern)),
            ("a[", "x", Err(BadPattern)),
            ("*x[", "abc", Err(BadPattern)),
            ("a\\", "a", Err(BadPattern)),
            ("", "", Ok(true)),
            ("", "x", Ok(false)),
        ];
        for (pattern, name, want) in cases {
            assert_eq!(path_match(pattern.as_bytes(), name.as_bytes()), *want, "Match({pattern:?}, {name:?})");
        }
    }

    #[test]
    fn names() {
        assert!(!is_bad_embed_name(Some("a.txt")));
        assert!(!is_bad_embed_name(Some(".hidden")));
        assert!(!is_bad_embed_name(Some("héllo.txt")));
        for bad in [".git", ".svn", "aux.go", "Com1", "a.", "..", "a\"b", "a*b", "a:b"] {
            assert!(is_bad_embed_name(Some(bad)), "{bad}");
        }
        assert!(is_bad_embed_name(None));
        assert!(valid_embed_pattern("a/b*"));
        for bad in [".", "./a", "a/../b", "/a", "a//b", "a/", ""] {
            assert!(!valid_embed_pattern(bad), "{bad}");
        }
    }

    /// A scratch directory removed on drop.
    struct Scratch(PathBuf);

    impl Scratch {
        fn new(name: &str) -> Scratch {
            let dir = std::env::temp_dir().join(format!("go-link-build-embed-{name}-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            Scratch(dir)
        }

        fn file(&self, rel: &str) {
            let p = self.0.join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, rel).unwrap();
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn resolve_str(dir: &Path, patterns: &[&str]) -> Result<(Vec<String>, EmbedCfg), String> {
        let patterns: Vec<String> = patterns.iter().map(|s| s.to_string()).collect();
        resolve(dir, &patterns).map_err(|e| e.to_string())
    }

    #[test]
    fn resolution() {
        let s = Scratch::new("resolve");
        for f in [
            "version.txt",
            "static/a.txt",
            "static/.hidden",
            "static/_under",
            "static/sub/b.txt",
            "static/sub/.git/config",
            "static/sub/.hidden2",
            "other/go.mod",
            "other/x.txt",
            "static/sub/mod/go.mod",
            "static/sub/mod/y.txt",
            "empty/.only",
            "x<y>.txt",
        ] {
            s.file(f);
        }
        let (files, cfg) = resolve_str(&s.0, &["static", "static/*", "version.txt"]).unwrap();
        assert_eq!(cfg.patterns["static"], ["static/a.txt", "static/sub/b.txt"]);
        // An explicit glob matches dot files; walks skip VCS directories and other modules.
        assert_eq!(cfg.patterns["static/*"], ["static/.hidden", "static/_under", "static/a.txt", "static/sub/b.txt"]);
        assert_eq!(cfg.patterns["version.txt"], ["version.txt"]);
        assert_eq!(files, ["static/.hidden", "static/_under", "static/a.txt", "static/sub/b.txt", "version.txt"]);
        assert_eq!(cfg.files["version.txt"], s.0.join("version.txt"));

        let (_, cfg) = resolve_str(&s.0, &["all:static"]).unwrap();
        assert_eq!(
            cfg.patterns["all:static"],
            ["static/.hidden", "static/_under", "static/a.txt", "static/sub/.hidden2", "static/sub/b.txt"]
        );

        let err = |p: &[&str]| resolve_str(&s.0, p).unwrap_err();
        assert_eq!(err(&["nothing*"]), "pattern nothing*: no matching files found");
        assert_eq!(err(&["other/x.txt"]), "pattern other/x.txt: cannot embed file other/x.txt: in different module");
        assert_eq!(err(&["other"]), "pattern other: cannot embed directory other: in different module");
        assert_eq!(err(&["empty"]), "pattern empty: cannot embed directory empty: contains no embeddable files");
        assert_eq!(err(&["../x"]), "pattern ../x: invalid pattern syntax");
        assert_eq!(err(&["a["]), "pattern a[: invalid pattern syntax");
        assert_eq!(
            err(&["static/sub/.git"]),
            "pattern static/sub/.git: cannot embed directory static/sub/.git: invalid name .git"
        );
        assert_eq!(
            err(&["static/sub/.git/config"]),
            "pattern static/sub/.git/config: cannot embed file static/sub/.git/config: in invalid directory .git"
        );
        assert_eq!(
            err(&["static/sub/*"]),
            "pattern static/sub/*: cannot embed directory static/sub/.git: invalid name .git"
        );
        assert_eq!(err(&["x*"]), "pattern x*: cannot embed file x<y>.txt: invalid name x<y>.txt");

        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(s.0.join("version.txt"), s.0.join("link.txt")).unwrap();
            assert_eq!(err(&["link.txt"]), "pattern link.txt: cannot embed irregular file link.txt");
        }
    }

    #[test]
    fn json() {
        let mut cfg = EmbedCfg::default();
        cfg.patterns.insert("a*".into(), vec!["a<1>.txt".into(), "a\"2".into()]);
        cfg.files.insert("a<1>.txt".into(), PathBuf::from("/p/a<1>.txt"));
        cfg.files.insert("a\"2".into(), PathBuf::from("/p/a\"2"));
        expect_json(&cfg, "{\n\t\"Patterns\": {\n\t\t\"a*\": [\n\t\t\t\"a\\u003c1\\u003e.txt\",\n\t\t\t\"a\\\"2\"\n\t\t]\n\t},\n\t\"Files\": {\n\t\t\"a\\\"2\": \"/p/a\\\"2\",\n\t\t\"a\\u003c1\\u003e.txt\": \"/p/a\\u003c1\\u003e.txt\"\n\t}\n}");
        expect_json(&EmbedCfg::default(), "{\n\t\"Patterns\": {},\n\t\"Files\": {}\n}");
    }

    #[track_caller]
    fn expect_json(cfg: &EmbedCfg, want: &str) {
        assert_eq!(cfg.to_json(), want);
    }
}
