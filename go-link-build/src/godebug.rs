//! DefaultGODEBUG, computed like cmd/go (`cmd/go/internal/load/godebug.go`).
//!
//! A program built by `go build` carries `-X=runtime.godebugDefault=…`: the
//! GODEBUG settings that keep the behaviour of the Go version its main module
//! declares, overlaid with the `godebug` lines of go.mod (go.work in
//! workspace mode) and the `//go:debug` directives of the main package.
//! Leaving it out silently changes program behaviour (HTTP mux patterns, TLS
//! defaults, `panic(nil)`, …), so we compute it from the toolchain's own
//! table, `$GOROOT/src/internal/godebugs/table.go`, which we parse as text
//! because it is Go source, not data.
//!
//! The rules, in cmd/go's order (Go 1.21 through 1.27):
//! 1. Every explicit setting is checked like `modload.CheckGodebug`: no
//!    spaces or commas, `default=` (Go 1.23+) takes `goVERSION` no newer
//!    than the toolchain, and any other key must be in the table. A key of
//!    the `Removed` table (Go 1.24+) is an error, from Go 1.27 only with a
//!    value its `Old` predicate matches. cmd/go rejects a bad go.mod line
//!    when loading the module and a bad `//go:debug` line when building the
//!    package (`go list` merely skips it), so either way it is an error.
//! 2. Settings go into one map, later ones winning: go.mod/go.work, then
//!    `//go:debug`.
//! 3. A `default=goX` entry leaves the map and replaces the base version.
//! 4. The base version `1.N[.P]` (only `1.N` counts) contributes `name=Old`
//!    for every table entry with `N < Changed`. A version that is not
//!    `1.<integer>` after dropping the patch (`1.21rc1`, `1`) contributes
//!    nothing at all, so a `go 1.21rc1` module gets an empty default.
//! 5. The explicit settings override those, and the result is sorted by key
//!    (bytewise) and joined as `k=v,k=v`.
//!
//! Architecture invariant: no IO; the caller reads the table file.

use std::collections::BTreeMap;

use crate::error::{Error, ErrorKind, Result};

/// One entry of $GOROOT/src/internal/godebugs/table.go.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct GodebugInfo {
    /// The setting's name (`panicnil`).
    pub name: String,
    /// The package that uses it (`runtime`).
    pub package: String,
    /// Minor version whose default changed (21 for Go 1.21), 0 if never.
    pub changed: u32,
    /// The value that restores the behaviour before `changed`.
    pub old: String,
    /// The setting does not export a runtime/metrics counter.
    pub opaque: bool,
    /// The setting cannot change after program start.
    pub immutable: bool,
    /// Non-zero for an entry of the `Removed` table (Go 1.24+): the minor
    /// version that removed the setting. Such an entry is not a known
    /// setting and never has a default; it only changes how a use of it is
    /// checked.
    pub removed: u32,
    /// For a removed setting, the values that ask for the removed behaviour
    /// (Go 1.27's `Old` predicate, `one`/`zero`/`s == "1" || s == "2"`):
    /// only those are errors, other values are kept (go.dev/issue/76163).
    /// `None` before Go 1.27, where any use of a removed setting is an error,
    /// and for a predicate we cannot read.
    pub removed_old: Option<Vec<String>>,
}

/// Parse table.go's text (IO is the caller's).
///
/// Reads the `All` table and, when present, the `Removed` table (whose
/// entries come last, with `removed` set). Handles any field order, trailing
/// and commented-out entries (`//{Name: …}`), block comments, raw strings,
/// unknown future fields and entries spread over several lines: the text is
/// tokenized like Go source rather than matched line by line.
pub(crate) fn parse_table(text: &str) -> Result<Vec<GodebugInfo>> {
    let bad = |what: String| {
        Error::new(
            ErrorKind::Toolchain,
            format!(
                "cannot read $GOROOT/src/internal/godebugs/table.go: {what}. \
                 Is the GOROOT a complete Go 1.21 or newer installation?"
            ),
        )
    };
    let tokens = tokenize(text).map_err(bad)?;
    let all = find_table(&tokens, "All", "Info").ok_or_else(|| bad("no `var All = []Info{` table".into()))?;
    let mut out = parse_entries(&tokens, all, None).map_err(bad)?;
    if out.is_empty() {
        return Err(bad("the All table is empty".into()));
    }
    if let Some(removed) = find_table(&tokens, "Removed", "RemovedInfo") {
        out.extend(parse_entries(&tokens, removed, Some(&tokens)).map_err(bad)?);
    }
    Ok(out)
}

/// A token of Go source, as far as the table needs: comments and
/// whitespace are dropped, string literals are unquoted.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Token {
    /// An identifier, keyword or number.
    Word(String),
    /// A string literal's value.
    Str(String),
    /// Any other character.
    Punct(char),
}

fn tokenize(text: &str) -> std::result::Result<Vec<Token>, String> {
    let mut tokens = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            c if c.is_whitespace() => {}
            '/' if text[i..].starts_with("//") => {
                while chars.peek().is_some_and(|&(_, c)| c != '\n') {
                    chars.next();
                }
            }
            '/' if text[i..].starts_with("/*") => {
                let end = text[i + 2..].find("*/").ok_or("unterminated block comment")?;
                let stop = i + 2 + end + 2;
                while chars.peek().is_some_and(|&(j, _)| j < stop) {
                    chars.next();
                }
            }
            '`' => {
                let mut s = String::new();
                loop {
                    match chars.next() {
                        Some((_, '`')) => break,
                        // Go drops carriage returns from raw strings.
                        Some((_, '\r')) => {}
                        Some((_, c)) => s.push(c),
                        None => return Err("unterminated raw string".into()),
                    }
                }
                tokens.push(Token::Str(s));
            }
            '\'' => {
                // A rune literal; its value does not matter here.
                let mut s = String::from('\'');
                loop {
                    match chars.next() {
                        Some((_, '\'')) => break,
                        Some((_, '\\')) => s.push(unescape(&mut chars)?),
                        Some((_, '\n')) | None => return Err("unterminated rune literal".into()),
                        Some((_, c)) => s.push(c),
                    }
                }
                tokens.push(Token::Word(s));
            }
            '"' => {
                let mut s = String::new();
                loop {
                    match chars.next() {
                        Some((_, '"')) => break,
                        Some((_, '\\')) => s.push(unescape(&mut chars)?),
                        Some((_, '\n')) | None => return Err("unterminated string".into()),
                        Some((_, c)) => s.push(c),
                    }
                }
                tokens.push(Token::Str(s));
            }
            c if c.is_alphanumeric() || c == '_' => {
                let mut s = String::from(c);
                while let Some(&(_, c)) = chars.peek() {
                    if !(c.is_alphanumeric() || c == '_') {
                        break;
                    }
                    s.push(c);
                    chars.next();
                }
                tokens.push(Token::Word(s));
            }
            c => tokens.push(Token::Punct(c)),
        }
    }
    Ok(tokens)
}

/// One escape of an interpreted string literal, after the backslash.
fn unescape(chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>) -> std::result::Result<char, String> {
    let escape = chars.next().map(|(_, c)| c);
    // The value of `n` more digits in base `radix`, after `first`.
    let mut digits = |first: u32, n: usize, radix: u32| -> std::result::Result<char, String> {
        let mut v = first;
        for _ in 0..n {
            let d = chars.next().and_then(|(_, c)| c.to_digit(radix)).ok_or("bad escape in string")?;
            v = v * radix + d;
        }
        char::from_u32(v).ok_or_else(|| "bad escape in string".to_string())
    };
    Ok(match escape {
        Some('a') => '\x07',
        Some('b') => '\x08',
        Some('f') => '\x0c',
        Some('n') => '\n',
        Some('r') => '\r',
        Some('t') => '\t',
        Some('v') => '\x0b',
        Some(c @ ('\\' | '"' | '\'')) => c,
        Some('x') => digits(0, 2, 16)?,
        Some('u') => digits(0, 4, 16)?,
        Some('U') => digits(0, 8, 16)?,
        Some(d @ '0'..='7') => digits(d.to_digit(8).unwrap_or(0), 2, 8)?,
        _ => return Err("unsupported escape in string".into()),
    })
}

/// The index just after `var <name> = []<ty>{`.
fn find_table(tokens: &[Token], name: &str, ty: &str) -> Option<usize> {
    let want = [
        Token::Word("var".into()),
        Token::Word(name.into()),
        Token::Punct('='),
        Token::Punct('['),
        Token::Punct(']'),
        Token::Word(ty.into()),
        Token::Punct('{'),
    ];
    tokens.windows(want.len()).position(|w| w == want).map(|i| i + want.len())
}

/// The keyed entries `{Key: value, …},` of a table, up to its closing brace.
/// `removed_table` is the whole file's tokens when reading the `Removed`
/// table, whose `Old` predicates may name functions defined elsewhere.
fn parse_entries(
    tokens: &[Token],
    mut i: usize,
    removed_table: Option<&[Token]>,
) -> std::result::Result<Vec<GodebugInfo>, String> {
    let mut out = Vec::new();
    let at = |i: usize| tokens.get(i).ok_or_else(|| "the table is not closed".to_string());
    loop {
        match at(i)? {
            Token::Punct('}') => return Ok(out),
            Token::Punct(',') => i += 1,
            Token::Punct('{') => {
                i += 1;
                let mut info = GodebugInfo::default();
                loop {
                    match at(i)? {
                        Token::Punct('}') => {
                            i += 1;
                            break;
                        }
                        Token::Punct(',') => i += 1,
                        Token::Word(key) if at(i + 1)? == &Token::Punct(':') => {
                            // The value runs to the next comma or closing
                            // brace outside brackets; known fields take one token.
                            let start = i + 2;
                            let mut depth = 0usize;
                            i = start;
                            loop {
                                match at(i)? {
                                    Token::Punct('(' | '[' | '{') => depth += 1,
                                    Token::Punct(')' | ']' | '}') if depth > 0 => depth -= 1,
                                    Token::Punct(',' | '}') if depth == 0 => break,
                                    _ => {}
                                }
                                i += 1;
                            }
                            set_field(&mut info, key, &tokens[start..i], removed_table)?;
                        }
                        other => {
                            return Err(format!(
                                "unexpected {other:?} in a table entry (only keyed fields are understood)"
                            ))
                        }
                    }
                }
                if info.name.is_empty() {
                    return Err("a table entry has no Name".into());
                }
                if removed_table.is_some() && info.removed == 0 {
                    return Err(format!("the Removed entry {:?} has no Removed version", info.name));
                }
                out.push(info);
            }
            other => return Err(format!("unexpected {other:?} in the table")),
        }
    }
}

fn set_field(
    info: &mut GodebugInfo,
    key: &str,
    value: &[Token],
    removed_table: Option<&[Token]>,
) -> std::result::Result<(), String> {
    if let (Some(file), "Old") = (removed_table, key) {
        info.removed_old = old_predicate(file, value);
        return Ok(());
    }
    let value = match value {
        [one] => one,
        _ if !matches!(key, "Name" | "Package" | "Changed" | "Old" | "Opaque" | "Immutable" | "Removed") => {
            return Ok(())
        }
        _ => return Err(format!("field {key} is not a single literal")),
    };
    let string = || match value {
        Token::Str(s) => Ok(s.clone()),
        other => Err(format!("field {key} is {other:?}, not a string")),
    };
    let int = || match value {
        Token::Word(w) => w.parse::<u32>().map_err(|_| format!("field {key} is {w:?}, not a small integer")),
        other => Err(format!("field {key} is {other:?}, not an integer")),
    };
    let boolean = || match value {
        Token::Word(w) if w == "true" => Ok(true),
        Token::Word(w) if w == "false" => Ok(false),
        other => Err(format!("field {key} is {other:?}, not a bool")),
    };
    match key {
        "Name" => info.name = string()?,
        "Package" => info.package = string()?,
        "Changed" => info.changed = int()?,
        "Old" => info.old = string()?,
        "Opaque" => info.opaque = boolean()?,
        "Immutable" => info.immutable = boolean()?,
        "Removed" if removed_table.is_some() => info.removed = int()?,
        // A field added by a later Go; it cannot matter to DefaultGODEBUG
        // unless cmd/go's algorithm changes too.
        _ => {}
    }
    Ok(())
}

/// The values a Go 1.27 `Old` predicate accepts, when it is a function (named
/// and defined in the file, or a literal) whose body is `return` followed by
/// `param == "v"` comparisons joined with `||`, as all of Go 1.27's are.
fn old_predicate(file: &[Token], value: &[Token]) -> Option<Vec<String>> {
    let func: &[Token] = match value {
        [Token::Word(name)] => {
            let start = file.windows(3).position(|w| {
                w[0] == Token::Word("func".into()) && w[1] == Token::Word(name.clone()) && w[2] == Token::Punct('(')
            })?;
            &file[start + 1..]
        }
        [Token::Word(kw), ..] if kw == "func" => value,
        _ => return None,
    };
    // func [name] ( param string ) bool { body }
    let open = func.iter().position(|t| *t == Token::Punct('('))?;
    let Token::Word(param) = func.get(open + 1)? else { return None };
    let body_start = open + func[open..].iter().position(|t| *t == Token::Punct('{'))? + 1;
    let body_len = func[body_start..].iter().position(|t| *t == Token::Punct('}'))?;
    let body: Vec<&Token> =
        func[body_start..body_start + body_len].iter().filter(|t| !matches!(t, Token::Punct('(' | ')'))).collect();
    let (first, rest) = body.split_first()?;
    if **first != Token::Word("return".into()) {
        return None;
    }
    let mut values = Vec::new();
    for clause in rest.split(|t| **t == Token::Punct('|')).filter(|c| !c.is_empty()) {
        match clause {
            [Token::Word(p), Token::Punct('='), Token::Punct('='), Token::Str(v)]
            | [Token::Str(v), Token::Punct('='), Token::Punct('='), Token::Word(p)]
                if p == param =>
            {
                values.push(v.clone())
            }
            _ => return None,
        }
    }
    (!values.is_empty()).then_some(values)
}

/// Checks one `key=value` setting exactly like `modload.CheckGodebug`, with
/// its messages of the toolchain's version. `verb` is `"godebug"` for
/// go.mod/go.work lines and `"//go:debug setting"` for directives, as cmd/go
/// says. Versions differ: `default=` exists from Go 1.23 (Go 1.21 and 1.22
/// call it an unknown setting), removed settings from 1.24 (taken from the
/// table), and from 1.27 a removed setting is fine with a value its `Old`
/// predicate rejects.
///
/// cmd/go compares `default=goX` against the full toolchain version; with
/// only the minor version known, `default=go1.26.9` passes on Go 1.26.8.
pub(crate) fn check_setting(
    table: &[GodebugInfo],
    verb: &str,
    key: &str,
    value: &str,
    toolchain_minor: u32,
) -> std::result::Result<(), String> {
    if key.contains([' ', '\t']) {
        return Err("key contains space".into());
    }
    if value.contains([' ', '\t']) {
        return Err("value contains space".into());
    }
    if key.contains(',') {
        return Err("key contains comma".into());
    }
    if value.contains(',') {
        return Err("value contains comma".into());
    }
    if key == "default" && toolchain_minor >= 23 {
        let Some(version) = value.strip_prefix("go").filter(|v| crate::goport::gover_is_valid(v)) else {
            return Err("value for default= must be goVERSION".into());
        };
        if newer_than_minor(version, toolchain_minor) {
            return Err(format!("default={value} too new (toolchain is go1.{toolchain_minor})"));
        }
        return Ok(());
    }
    if table.iter().any(|info| info.removed == 0 && info.name == key) {
        return Ok(());
    }
    if let Some(info) = table.iter().find(|info| info.removed != 0 && info.name == key) {
        let go_doc = format!("https://go.dev/doc/godebug#go-1{}", info.removed);
        return match &info.removed_old {
            None => Err(format!("use of removed {verb} {}, see {go_doc}", quote(key))),
            Some(old) if old.iter().any(|o| o == value) => {
                Err(format!("removed GODEBUG {} set to old value {} ({go_doc})", quote(key), quote(value)))
            }
            Some(_) => Ok(()),
        };
    }
    Err(format!("unknown {verb} {}", quote(key)))
}

/// Go's `%q`.
fn quote(s: &str) -> String {
    crate::goport::quote(s.as_bytes())
}

/// modload.CheckGodebug of the main go.mod's (or go.work's) `godebug`
/// lines, as cmd/go's module loading reports them: `go.mod:7: unknown godebug
/// "x"` (`lines`: the `file:line`, key and value of each).
pub(crate) fn check_module_lines(table: &[GodebugInfo], lines: &[(String, &str, &str)], minor: u32) -> Result<()> {
    for (at, key, value) in lines {
        check_setting(table, "godebug", key, value, minor).map_err(|reason| {
            Error::new(ErrorKind::Load, format!("{at}: {reason}\nSee https://go.dev/doc/godebug for the settings."))
        })?;
    }
    Ok(())
}

/// cmd/go's checkDirectives (cmd/go/internal/work/exec.go) for every
/// package's `//go:debug` directives, whose syntax the loader checked:
/// `load.ParseGoDebug`'s modload.CheckGodebug against this toolchain's table,
/// reported at the directive (`/abs/main.go:1:1: invalid //go:debug: unknown
/// //go:debug setting "x"`).
pub(crate) fn check_directives(table: &[GodebugInfo], pkgs: &[crate::load::Package], minor: u32) -> Result<()> {
    for p in pkgs {
        for (key, value) in &p.go_debug {
            check_setting(table, "//go:debug setting", key, value, minor).map_err(|reason| {
                let at = p.go_debug_pos.get(key).map_or("?", String::as_str);
                Error::new(
                    ErrorKind::Load,
                    format!(
                        "loading package {}: {at}: invalid //go:debug: {reason}\nSee https://go.dev/doc/godebug \
                         for the settings.",
                        p.import_path
                    ),
                )
            })?;
        }
    }
    Ok(())
}

/// directives: module/work godebug settings then //go:debug k=v lines of the main package, in order.
///
/// `go_version` is the main module's go line ("1.21", "1.22.3"); in
/// workspace mode, go.work's. `None` is a go.mod without a go line, which
/// cmd/go reads as 1.16 (`gover.DefaultGoModVersion`; verified: such a
/// module gets `netedns0=0`, which a `go 1.20` module does not). Other
/// cases are for the caller to spell out: a go.work without a go line is
/// `Some("1.18")`, a build outside any module is the toolchain's own
/// version, `go install pkg@version` of a module without a go line is
/// `Some("1.20")`, and GOPATH mode is `None` before Go 1.27 and
/// `Some("1.20")` from 1.27 on. `toolchain_minor` is 26 for Go 1.26.x.
///
/// cmd/go also starts the map with `fips140=on` when `GOFIPS140` is set to
/// anything but `off`; a caller supporting GOFIPS140 passes that as the
/// first directive, which is exactly equivalent.
pub(crate) fn default_godebug(
    table: &[GodebugInfo],
    go_version: Option<&str>,
    directives: &[(String, String)],
    toolchain_minor: u32,
) -> Result<String> {
    let mut explicit: BTreeMap<&str, &str> = BTreeMap::new();
    for (key, value) in directives {
        check_setting(table, "//go:debug setting", key, value, toolchain_minor).map_err(|reason| {
            Error::new(
                ErrorKind::Load,
                format!(
                    "invalid godebug setting {key}={value} (from a go.mod/go.work godebug line or a //go:debug \
                     directive of the main package): {reason}\n\
                     See https://go.dev/doc/godebug for the settings and their meaning."
                ),
            )
        })?;
        explicit.insert(key, value);
    }
    let mut base = go_version.unwrap_or("1.16");
    if let Some(value) = explicit.remove("default") {
        // cmd/go trims one "go" and ignores a version it cannot parse (which
        // check_setting has already ruled out).
        let value = value.strip_prefix("go").unwrap_or(value);
        if crate::goport::gover_is_valid(value) {
            base = value;
        }
    }
    let mut settings: BTreeMap<&str, &str> = version_defaults(table, base).unwrap_or_default();
    settings.extend(explicit);
    let mut out = String::new();
    for (key, value) in settings {
        if !out.is_empty() {
            out.push(',');
        }
        out.push_str(key);
        out.push('=');
        out.push_str(value);
    }
    Ok(out)
}

/// `godebugForGoVersion`: the `Old` values of settings changed after the
/// version, or `None` when the version is not `1.<integer>[.…]`.
fn version_defaults<'a>(table: &'a [GodebugInfo], version: &str) -> Option<BTreeMap<&'a str, &'a str>> {
    // Keep "1.22" of "1.22.3" (and of "1.22.3.4", as cmd/go does).
    let mut v = version;
    if v.matches('.').count() >= 2 {
        let first = v.find('.').unwrap_or(0);
        let second = first + 1 + v[first + 1..].find('.').unwrap_or(0);
        v = &v[..second];
    }
    // strconv.Atoi semantics: an optional sign, then decimal digits, in range.
    let minor: i64 = v.strip_prefix("1.")?.parse().ok()?;
    Some(
        table
            .iter()
            .filter(|info| info.removed == 0 && minor < i64::from(info.changed))
            .map(|info| (info.name.as_str(), info.old.as_str()))
            .collect(),
    )
}

/// Whether `gover.Compare(v, go1.<toolchain_minor>.<any patch>) > 0` for sure.
fn newer_than_minor(v: &str, toolchain_minor: u32) -> bool {
    use crate::goport::compare_int;
    let (major, minor, ..) = crate::goport::gover_parse(v);
    match compare_int(major, "1") {
        std::cmp::Ordering::Greater => true,
        std::cmp::Ordering::Less => false,
        std::cmp::Ordering::Equal => compare_int(minor, &toolchain_minor.to_string()).is_gt(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shape of the real file, with its quirks: a trailing comment, a
    /// commented-out entry, fields in varying order, the Removed table.
    const SAMPLE: &str = r#"
package godebugs

type Info struct {
	Name      string // name of the setting ("panicnil")
	Changed   int    // minor version when default changed, if any; 21 means Go 1.21
}

// All is the table of known settings, sorted by Name.
var All = []Info{
	{Name: "asynctimerchan", Package: "time", Changed: 23, Old: "1"},
	{Name: "decoratemappings", Package: "runtime", Opaque: true, Changed: 25, Old: "0"},
	{Name: "execerrdot", Package: "os/exec"},
	{Name: "fips140", Package: "crypto/fips140", Opaque: true, Immutable: true},
	{Name: "jstmpllitinterp", Package: "html/template", Opaque: true}, // bug #66217: remove Opaque
	//{Name: "multipartfiles", Package: "mime/multipart"},
	/* {Name: "blocked", Package: "x"}, */
	{Name: "netedns0", Package: "net", Changed: 19, Old: "0"},
	{Name: "panicnil", Package: "runtime", Changed: 21, Old: "1"},
	{
		Package: "crypto/tls",
		Old:     "0",
		Changed: 24,
		Name:    "tlsmlkem",
		Opaque:  true,
		Future:  []string{"a", "b"}[0],
	},
}

type RemovedInfo struct {
	Name    string // name of the removed GODEBUG setting.
	Removed int    // minor version of Go, when the removal happened
}

// Removed contains all GODEBUGs that we have removed.
var Removed = []RemovedInfo{
	{Name: "x509sha1", Removed: 24},
}

func Lookup(name string) *Info {
	return nil
}
"#;

    fn table() -> Vec<GodebugInfo> {
        parse_table(SAMPLE).unwrap()
    }

    fn owned(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[track_caller]
    fn check(go_version: Option<&str>, directives: &[(&str, &str)], expect: &str) {
        assert_eq!(default_godebug(&table(), go_version, &owned(directives), 26).unwrap(), expect);
    }

    #[test]
    fn parses_the_table() {
        let t = table();
        let names: Vec<&str> = t.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "asynctimerchan",
                "decoratemappings",
                "execerrdot",
                "fips140",
                "jstmpllitinterp",
                "netedns0",
                "panicnil",
                "tlsmlkem",
                "x509sha1"
            ]
        );
        assert_eq!(
            t[0],
            GodebugInfo {
                name: "asynctimerchan".into(),
                package: "time".into(),
                changed: 23,
                old: "1".into(),
                ..GodebugInfo::default()
            }
        );
        assert!(t[1].opaque && t[1].changed == 25 && t[1].old == "0");
        assert!(t[3].opaque && t[3].immutable);
        assert_eq!(
            t[7],
            GodebugInfo {
                name: "tlsmlkem".into(),
                package: "crypto/tls".into(),
                changed: 24,
                old: "0".into(),
                opaque: true,
                ..GodebugInfo::default()
            }
        );
        // Before Go 1.27 a Removed entry has no Old predicate.
        assert_eq!(t[8], GodebugInfo { name: "x509sha1".into(), removed: 24, ..GodebugInfo::default() });
    }

    /// Go 1.27's Removed table: `Old` is a predicate, named or literal.
    const SAMPLE_127: &str = r#"
var All = []Info{
	{Name: "panicnil", Package: "runtime", Changed: 21, Old: "1"},
}

var Removed = []RemovedInfo{
	{Name: "x509sha1", Removed: 24, Old: one},                                                       // Old: "1"
	{Name: "tlskyber", Removed: 24, Old: zero},                                                      // Old: "0"
	{Name: "asynctimerchan", Removed: 27, Old: func(s string) bool { return s == "1" || s == "2" }}, // Old: "1" or "2"
	{Name: "oddity", Removed: 27, Old: func(s string) bool { return len(s) > 3 }},
}

func zero(s string) bool { return s == "0" }
func one(s string) bool  { return (s == "1") }
"#;

    #[test]
    fn removed_settings_by_version() {
        let t = parse_table(SAMPLE_127).unwrap();
        let olds: Vec<_> = t.iter().map(|i| (i.name.as_str(), i.removed, i.removed_old.clone())).collect();
        let strings = |v: &[&str]| Some(v.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(
            olds,
            [
                ("panicnil", 0, None),
                ("x509sha1", 24, strings(&["1"])),
                ("tlskyber", 24, strings(&["0"])),
                ("asynctimerchan", 27, strings(&["1", "2"])),
                // A predicate we cannot read: every value is an error, as before 1.27.
                ("oddity", 27, None),
            ]
        );
        // Go 1.27: a removed setting is fine unless set to an old value; it
        // then stays in the string.
        let run = |d: &[(&str, &str)]| default_godebug(&t, Some("1.21"), &owned(d), 27).map_err(|e| e.to_string());
        assert_eq!(run(&[("asynctimerchan", "0"), ("x509sha1", "0")]).unwrap(), "asynctimerchan=0,x509sha1=0");
        let err = run(&[("asynctimerchan", "2")]).unwrap_err();
        assert!(
            err.contains(
                "removed GODEBUG \"asynctimerchan\" set to old value \"2\" (https://go.dev/doc/godebug#go-127)"
            ),
            "{err}"
        );
        assert!(run(&[("oddity", "x")]).unwrap_err().contains("use of removed //go:debug setting \"oddity\""));
        // Go 1.21 and 1.22 have no default= (Go 1.21.13: `invalid //go:debug:
        // unknown //go:debug setting "default"`).
        let t = table();
        let err = default_godebug(&t, Some("1.21"), &owned(&[("default", "go1.21")]), 21).unwrap_err().to_string();
        assert!(err.contains("unknown //go:debug setting \"default\""), "{err}");
    }

    #[test]
    fn table_errors() {
        assert!(parse_table("package godebugs\n").unwrap_err().to_string().contains("no `var All = []Info{` table"));
        assert!(parse_table("var All = []Info{\n}\n").unwrap_err().to_string().contains("empty"));
        assert!(parse_table("var All = []Info{\n\t{\"x\", \"y\"},\n}\n").unwrap_err().to_string().contains("keyed"));
        assert!(parse_table("var All = []Info{\n\t{Name: \"x\"},\n").unwrap_err().to_string().contains("not closed"));
    }

    #[test]
    fn version_defaults_and_overrides() {
        check(Some("1.20"), &[], "asynctimerchan=1,decoratemappings=0,panicnil=1,tlsmlkem=0");
        check(Some("1.22.3"), &[], "asynctimerchan=1,decoratemappings=0,tlsmlkem=0");
        check(Some("1.25"), &[], "");
        // No go line means 1.16, which predates netedns0's change in 1.19.
        check(None, &[], "asynctimerchan=1,decoratemappings=0,netedns0=0,panicnil=1,tlsmlkem=0");
        // Not 1.<integer>: no version defaults at all.
        check(Some("1.21rc1"), &[("panicnil", "0")], "panicnil=0");
        check(Some("1"), &[], "");
        check(Some("1.25"), &[("panicnil", "1"), ("tlsmlkem", "1")], "panicnil=1,tlsmlkem=1");
        // Later settings win; explicit settings override version defaults.
        check(
            Some("1.20"),
            &[("panicnil", "1"), ("panicnil", "0")],
            "asynctimerchan=1,decoratemappings=0,panicnil=0,tlsmlkem=0",
        );
        // The last default= wins, and it may name a newer or older version.
        check(
            Some("1.26"),
            &[("default", "go1.20"), ("default", "go1.22")],
            "asynctimerchan=1,decoratemappings=0,tlsmlkem=0",
        );
        check(Some("1.20"), &[("default", "go1.25.1"), ("execerrdot", "0")], "execerrdot=0");
        check(Some("1.26"), &[("default", "go1.21rc1")], "");
        // GOFIPS140 is the caller's first directive; go.mod may override it.
        check(Some("1.26"), &[("fips140", "on")], "fips140=on");
        check(Some("1.26"), &[("fips140", "on"), ("fips140", "off")], "fips140=off");
    }

    #[test]
    fn bad_settings_are_errors() {
        let t = table();
        for (k, v, want) in [
            ("nosuch", "1", "unknown //go:debug setting \"nosuch\""),
            ("x509sha1", "1", "use of removed //go:debug setting \"x509sha1\", see https://go.dev/doc/godebug#go-124"),
            ("panicnil", "1,2", "value contains comma"),
            ("pan,icnil", "1", "key contains comma"),
            ("panicnil", "1 2", "value contains space"),
            ("pan\ticnil", "1", "key contains space"),
            ("", "1", "unknown //go:debug setting \"\""),
            ("default", "1.21", "value for default= must be goVERSION"),
            ("default", "go1.021", "value for default= must be goVERSION"),
            ("default", "go1.21.3rc1", "value for default= must be goVERSION"),
            ("default", "go1.27", "default=go1.27 too new (toolchain is go1.26)"),
            ("default", "go2", "default=go2 too new"),
        ] {
            let err = default_godebug(&t, Some("1.21"), &owned(&[(k, v)]), 26).unwrap_err().to_string();
            assert!(err.contains(want), "{k}={v}: {err}");
        }
        assert_eq!(check_setting(&t, "godebug", "nosuch", "1", 26), Err("unknown godebug \"nosuch\"".to_string()));
        for ok in ["go1", "go1.26", "go1.26.8", "go1.26rc1", "go1.20", "go0.1"] {
            assert_eq!(check_setting(&t, "godebug", "default", ok, 26), Ok(()), "{ok}");
        }
    }

    /// The expected strings come from `go list -f '{{.DefaultGODEBUG}}' .`
    /// (and `go build`) with Go 1.26.8 on scratch modules; the go.mod and
    /// main.go of each case are in the comment before it.
    #[test]
    fn matches_go_1_26_8() {
        let Ok(text) = std::fs::read_to_string("/usr/local/go/src/internal/godebugs/table.go") else {
            to_stderr!("skipped: no /usr/local/go/src/internal/godebugs/table.go");
            return;
        };
        match std::fs::read_to_string("/usr/local/go/VERSION") {
            Ok(v) if v.starts_with("go1.26.") => {}
            _ => {
                to_stderr!("skipped: /usr/local/go is not Go 1.26.x");
                return;
            }
        }
        let t = parse_table(&text).unwrap();
        let run = |go: Option<&str>, d: &[(&str, &str)]| default_godebug(&t, go, &owned(d), 26).unwrap();
        const GO121: &str = "asynctimerchan=1,containermaxprocs=0,cryptocustomrand=1,decoratemappings=0,gotestjsonbuildtext=1,gotypesalias=0,httpcookiemaxnum=0,httplaxcontentlength=1,httpmuxgo121=1,httpservecontentkeepheaders=1,multipathtcp=0,randseednop=0,rsa1024min=0,tls10server=1,tls3des=1,tlsmlkem=0,tlsrsakex=1,tlssecpmlkem=0,tlssha1=1,tlsunsafeekm=1,updatemaxprocs=0,urlmaxqueryparams=0,urlstrictcolons=0,winreadlinkvolume=0,winsymlink=0,x509keypairleaf=0,x509negativeserial=1,x509rsacrt=0,x509sha256skid=0,x509usepolicies=0";
        const GO120: &str = "asynctimerchan=1,containermaxprocs=0,cryptocustomrand=1,decoratemappings=0,gotestjsonbuildtext=1,gotypesalias=0,httpcookiemaxnum=0,httplaxcontentlength=1,httpmuxgo121=1,httpservecontentkeepheaders=1,multipathtcp=0,panicnil=1,randseednop=0,rsa1024min=0,tls10server=1,tls3des=1,tlsmlkem=0,tlsrsakex=1,tlssecpmlkem=0,tlssha1=1,tlsunsafeekm=1,updatemaxprocs=0,urlmaxqueryparams=0,urlstrictcolons=0,winreadlinkvolume=0,winsymlink=0,x509keypairleaf=0,x509negativeserial=1,x509rsacrt=0,x509sha256skid=0,x509usepolicies=0";
        const GO122: &str = "asynctimerchan=1,containermaxprocs=0,cryptocustomrand=1,decoratemappings=0,gotestjsonbuildtext=1,gotypesalias=0,httpcookiemaxnum=0,httpservecontentkeepheaders=1,multipathtcp=0,randseednop=0,rsa1024min=0,tls3des=1,tlsmlkem=0,tlssecpmlkem=0,tlssha1=1,updatemaxprocs=0,urlmaxqueryparams=0,urlstrictcolons=0,winreadlinkvolume=0,winsymlink=0,x509keypairleaf=0,x509negativeserial=1,x509rsacrt=0,x509sha256skid=0,x509usepolicies=0";
        // go 1.21 (also `go 1.26` + `godebug default=go1.21`, and default=go1.21.0).
        assert_eq!(run(Some("1.21"), &[]), GO121);
        assert_eq!(run(Some("1.26"), &[("default", "go1.21")]), GO121);
        assert_eq!(run(Some("1.26"), &[("default", "go1.21.0")]), GO121);
        // go 1.20 (also `go 1.26` + `godebug default=go1.20`).
        assert_eq!(run(Some("1.20"), &[]), GO120);
        assert_eq!(run(Some("1.26"), &[("default", "go1.20")]), GO120);
        // go 1.22 and go 1.22.3.
        assert_eq!(run(Some("1.22"), &[]), GO122);
        assert_eq!(run(Some("1.22.3"), &[]), GO122);
        // go 1.25, go 1.26, go 1.21rc1.
        assert_eq!(run(Some("1.25"), &[]), "cryptocustomrand=1,tlssecpmlkem=0,urlstrictcolons=0");
        assert_eq!(run(Some("1.26"), &[]), "");
        assert_eq!(run(Some("1.21rc1"), &[]), "");
        // No go line (also GO111MODULE=off): 1.16, so netedns0 too.
        assert_eq!(
            run(None, &[]),
            "asynctimerchan=1,containermaxprocs=0,cryptocustomrand=1,decoratemappings=0,gotestjsonbuildtext=1,gotypesalias=0,httpcookiemaxnum=0,httplaxcontentlength=1,httpmuxgo121=1,httpservecontentkeepheaders=1,multipathtcp=0,netedns0=0,panicnil=1,randseednop=0,rsa1024min=0,tls10server=1,tls3des=1,tlsmlkem=0,tlsrsakex=1,tlssecpmlkem=0,tlssha1=1,tlsunsafeekm=1,updatemaxprocs=0,urlmaxqueryparams=0,urlstrictcolons=0,winreadlinkvolume=0,winsymlink=0,x509keypairleaf=0,x509negativeserial=1,x509rsacrt=0,x509sha256skid=0,x509usepolicies=0"
        );
        // go 1.26; godebug ( panicnil=1 httpmuxgo121=1 ).
        assert_eq!(run(Some("1.26"), &[("panicnil", "1"), ("httpmuxgo121", "1")]), "httpmuxgo121=1,panicnil=1");
        // go 1.21; godebug default=go1.25.
        assert_eq!(run(Some("1.21"), &[("default", "go1.25")]), "cryptocustomrand=1,tlssecpmlkem=0,urlstrictcolons=0");
        // go 1.26; godebug default=go1.21; main.go: //go:debug panicnil=0, //go:debug default=go1.24.
        assert_eq!(
            run(Some("1.26"), &[("default", "go1.21"), ("panicnil", "0"), ("default", "go1.24")]),
            "containermaxprocs=0,cryptocustomrand=1,decoratemappings=0,panicnil=0,tlssecpmlkem=0,tlssha1=1,updatemaxprocs=0,urlstrictcolons=0,x509sha256skid=0"
        );
        // go 1.22; main.go: //go:debug panicnil=1, //go:debug tlssha1=0.
        assert_eq!(
            run(Some("1.22"), &[("panicnil", "1"), ("tlssha1", "0")]),
            "asynctimerchan=1,containermaxprocs=0,cryptocustomrand=1,decoratemappings=0,gotestjsonbuildtext=1,gotypesalias=0,httpcookiemaxnum=0,httpservecontentkeepheaders=1,multipathtcp=0,panicnil=1,randseednop=0,rsa1024min=0,tls3des=1,tlsmlkem=0,tlssecpmlkem=0,tlssha1=0,updatemaxprocs=0,urlmaxqueryparams=0,urlstrictcolons=0,winreadlinkvolume=0,winsymlink=0,x509keypairleaf=0,x509negativeserial=1,x509rsacrt=0,x509sha256skid=0,x509usepolicies=0"
        );
        // go 1.26; godebug ( panicnil=1 panicnil=0 ) (repeats are fine in go.mod),
        // and godebug panicnil=1 + //go:debug panicnil=0.
        assert_eq!(run(Some("1.26"), &[("panicnil", "1"), ("panicnil", "0")]), "panicnil=0");
        // go 1.26; godebug default=go1.21rc1 (valid, but not 1.<integer>) and default=go1.
        assert_eq!(run(Some("1.26"), &[("default", "go1.21rc1")]), "");
        assert_eq!(run(Some("1.26"), &[("default", "go1")]), "");
        // go 1.26; godebug fips140=on (GOFIPS140=latest gives the same).
        assert_eq!(run(Some("1.26"), &[("fips140", "on")]), "fips140=on");
        // go.work `go 1.25` + `godebug tlssha1=0` (the module's own godebug is ignored).
        assert_eq!(
            run(Some("1.25"), &[("tlssha1", "0")]),
            "cryptocustomrand=1,tlssecpmlkem=0,tlssha1=0,urlstrictcolons=0"
        );

        // go build's errors: `go.mod:3: unknown godebug "nosuch"`,
        // `./main.go:1:1: invalid //go:debug: unknown //go:debug setting "nosuch"`,
        // `use of removed godebug "x509sha1", see https://go.dev/doc/godebug#go-124`,
        // `default=go1.27 too new (toolchain is go1.26.8)`, `value for default= must be goVERSION`.
        for (k, v, want) in [
            ("nosuch", "1", "unknown //go:debug setting \"nosuch\""),
            ("x509sha1", "1", "use of removed //go:debug setting \"x509sha1\", see https://go.dev/doc/godebug#go-124"),
            ("default", "go1.27", "default=go1.27 too new (toolchain is go1.26)"),
            ("default", "1.21", "value for default= must be goVERSION"),
        ] {
            let err = default_godebug(&t, Some("1.26"), &owned(&[(k, v)]), 26).unwrap_err().to_string();
            assert!(err.contains(want), "{k}={v}: {err}");
        }
        assert_eq!(check_setting(&t, "godebug", "nosuch", "1", 26), Err("unknown godebug \"nosuch\"".into()));
    }

    /// Other toolchains' tables, where this machine has them (module-cache
    /// toolchains from `GOTOOLCHAIN=go1.X.Y`); expected strings from
    /// `go list -f '{{.DefaultGODEBUG}}' .` of each toolchain.
    #[test]
    fn matches_go_1_21_1_23_1_27() {
        let dir = |v: &str| {
            format!("/root/go/pkg/mod/golang.org/toolchain@v0.0.1-go{v}.linux-amd64/src/internal/godebugs/table.go")
        };
        type Case<'a> = (Option<&'a str>, &'a [(&'a str, &'a str)], Result<&'a str, &'a str>);
        let cases: [(&str, u32, Vec<Case>); 3] = [
            ("1.21.13", 21, vec![
                (None, &[], Ok("netedns0=0,panicnil=1")),
                (Some("1.21"), &[], Ok("")),
                (Some("1.21"), &[("panicnil", "1")], Ok("panicnil=1")),
                (Some("1.20"), &[("default", "go1.21")], Err("unknown //go:debug setting \"default\"")),
            ]),
            ("1.23.12", 23, vec![
                (Some("1.21"), &[], Ok("asynctimerchan=1,gotypesalias=0,httplaxcontentlength=1,httpmuxgo121=1,httpservecontentkeepheaders=1,tls10server=1,tls3des=1,tlskyber=0,tlsrsakex=1,tlsunsafeekm=1,winreadlinkvolume=0,winsymlink=0,x509keypairleaf=0,x509negativeserial=1")),
                (None, &[("asynctimerchan", "0"), ("default", "go1.22")], Ok("asynctimerchan=0,gotypesalias=0,httpservecontentkeepheaders=1,tls3des=1,tlskyber=0,winreadlinkvolume=0,winsymlink=0,x509keypairleaf=0,x509negativeserial=1")),
                (Some("1.22.3"), &[("default", "go1.20"), ("panicnil", "0")], Ok("asynctimerchan=1,gotypesalias=0,httplaxcontentlength=1,httpmuxgo121=1,httpservecontentkeepheaders=1,panicnil=0,tls10server=1,tls3des=1,tlskyber=0,tlsrsakex=1,tlsunsafeekm=1,winreadlinkvolume=0,winsymlink=0,x509keypairleaf=0,x509negativeserial=1")),
            ]),
            ("1.27.3", 27, vec![
                (Some("1.21"), &[], Ok("containermaxprocs=0,cryptocustomrand=1,decoratemappings=0,gotestjsonbuildtext=1,httpcookiemaxnum=0,httplaxcontentlength=1,httpmuxgo121=1,httpservecontentkeepheaders=1,httpservecontentmaxranges=1,multipathtcp=0,randseednop=0,rsa1024min=0,tlsmlkem=0,tlssecpmlkem=0,tlssha1=1,tracebacklabels=0,updatemaxprocs=0,urlmaxqueryparams=0,urlstrictcolons=0,winreadlinkvolume=0,winsymlink=0,x509negativeserial=1,x509rsacrt=0,x509sha256skid=0,x509sslcertoverrideplatform=0,x509usepolicies=0")),
                (None, &[("panicnil", "1")], Ok("containermaxprocs=0,cryptocustomrand=1,decoratemappings=0,gotestjsonbuildtext=1,httpcookiemaxnum=0,httplaxcontentlength=1,httpmuxgo121=1,httpservecontentkeepheaders=1,httpservecontentmaxranges=1,multipathtcp=0,netedns0=0,panicnil=1,randseednop=0,rsa1024min=0,tlsmlkem=0,tlssecpmlkem=0,tlssha1=1,tracebacklabels=0,updatemaxprocs=0,urlmaxqueryparams=0,urlstrictcolons=0,winreadlinkvolume=0,winsymlink=0,x509negativeserial=1,x509rsacrt=0,x509sha256skid=0,x509sslcertoverrideplatform=0,x509usepolicies=0")),
                (Some("1.22.3"), &[("asynctimerchan", "0"), ("default", "go1.22")], Ok("asynctimerchan=0,containermaxprocs=0,cryptocustomrand=1,decoratemappings=0,gotestjsonbuildtext=1,httpcookiemaxnum=0,httpservecontentkeepheaders=1,httpservecontentmaxranges=1,multipathtcp=0,randseednop=0,rsa1024min=0,tlsmlkem=0,tlssecpmlkem=0,tlssha1=1,tracebacklabels=0,updatemaxprocs=0,urlmaxqueryparams=0,urlstrictcolons=0,winreadlinkvolume=0,winsymlink=0,x509negativeserial=1,x509rsacrt=0,x509sha256skid=0,x509sslcertoverrideplatform=0,x509usepolicies=0")),
                (Some("1.27"), &[("x509sha1", "0")], Ok("x509sha1=0")),
                (Some("1.27"), &[("gotypesalias", "1")], Ok("gotypesalias=1")),
                (Some("1.27"), &[("asynctimerchan", "2")], Err("removed GODEBUG \"asynctimerchan\" set to old value \"2\" (https://go.dev/doc/godebug#go-127)")),
                (Some("1.27"), &[("x509sha1", "1")], Err("removed GODEBUG \"x509sha1\" set to old value \"1\" (https://go.dev/doc/godebug#go-124)")),
            ]),
        ];
        for (version, minor, cases) in cases {
            let Ok(text) = std::fs::read_to_string(dir(version)) else {
                to_stderr!("skipped: no Go {version} toolchain in the module cache");
                continue;
            };
            let t = parse_table(&text).unwrap();
            for (go, d, want) in cases {
                let got = default_godebug(&t, go, &owned(d), minor).map_err(|e| e.to_string());
                match (want, &got) {
                    (Ok(want), Ok(got)) => assert_eq!(got, want, "go{version} {go:?} {d:?}"),
                    (Err(want), Err(got)) => assert!(got.contains(want), "go{version} {go:?} {d:?}: {got}"),
                    _ => panic!("go{version} {go:?} {d:?}: want {want:?}, got {got:?}"),
                }
            }
        }
    }
}
