//! Parsing of `go.mod` and `go.work` files: a port of `golang.org/x/mod/modfile`
//! (read.go's lexer and parser, rule.go's and work.go's directive rules), with
//! the checks cmd/go adds when it reads a main module's go.mod
//! (modload.ReadModFile, modload.loadModFile).
//!
//! The input is untrusted text: every path returns an error naming
//! `file:line` (and `:column` where modfile prints one), never a panic, and
//! nothing indexes into the text by a byte position that was not found on a
//! character boundary.
//!
//! Architecture invariant: no IO; callers read the file and pass its text.

use crate::error::{Error, ErrorKind, Result};
use crate::modfetch;

/// A parsed `go.mod`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct GoMod {
    /// The `module` path ("" only for a dependency's go.mod without one).
    pub module: String,
    /// The `go` line (`1.22` or `1.22.3`), if any.
    pub go: Option<String>,
    /// The `toolchain` line, if any.
    pub toolchain: Option<String>,
    /// `godebug` key=value settings, in file order.
    pub godebug: Vec<(String, String)>,
    /// The line of each `godebug` setting (for modload.CheckGodebug's errors).
    pub godebug_lines: Vec<usize>,
    /// `require` lines: (path, canonical version).
    pub require: Vec<(String, String)>,
    /// `replace` lines.
    pub replace: Vec<Replace>,
    /// `exclude` lines: (path, version).
    pub exclude: Vec<(String, String)>,
}

/// A parsed `go.work`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct GoWork {
    pub go: Option<String>,
    pub toolchain: Option<String>,
    pub godebug: Vec<(String, String)>,
    /// The line of each `godebug` setting.
    pub godebug_lines: Vec<usize>,
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

// ---------------------------------------------------------------------------
// read.go: the lexer and the statement parser.

/// modfile.Position without the byte offset: line and rune in line, from 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Pos {
    line: usize,
    rune: usize,
}

/// modfile's tokenKind: `_EOF`, `_EOLCOMMENT`, `_IDENT`, `_STRING`, `_COMMENT`,
/// and punctuation (including the newline) as the character itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Eof,
    EolComment,
    Ident,
    Str,
    Comment,
    Punct(char),
}

impl Kind {
    /// tokenKind.isEOL.
    fn is_eol(self) -> bool {
        matches!(self, Kind::Eof | Kind::EolComment | Kind::Punct('\n'))
    }
}

#[derive(Clone, Copy, Debug)]
struct Token<'a> {
    kind: Kind,
    pos: Pos,
    text: &'a str,
}

/// A statement: modfile.Line (a block's lines have `in_block`).
#[derive(Debug)]
struct Line<'a> {
    start: Pos,
    tokens: Vec<&'a str>,
}

/// modfile.LineBlock.
#[derive(Debug)]
struct Block<'a> {
    start: Pos,
    tokens: Vec<&'a str>,
    lines: Vec<Line<'a>>,
}

#[derive(Debug)]
enum Stmt<'a> {
    Line(Line<'a>),
    Block(Block<'a>),
}

/// modfile.Error's format: `file:line:rune: ` when the rune is past the
/// line's start, `file:line: ` otherwise.
fn located(file: &str, pos: Pos, msg: &str) -> String {
    if pos.rune > 1 {
        format!("{file}:{}:{}: {msg}", pos.line, pos.rune)
    } else {
        format!("{file}:{}: {msg}", pos.line)
    }
}

/// read.go's `input`: the lexing state. Offsets are byte offsets that only
/// ever advance by whole characters, so slicing at them cannot panic.
struct Input<'a> {
    file: &'a str,
    text: &'a str,
    /// Byte offset of the remaining input.
    off: usize,
    pos: Pos,
    token_start: usize,
    /// The lookahead token (what `peek` returns).
    token: Token<'a>,
}

type ParseResult<T> = std::result::Result<T, String>;

impl<'a> Input<'a> {
    fn new(file: &'a str, text: &'a str) -> Input<'a> {
        let start = Pos { line: 1, rune: 1 };
        Input { file, text, off: 0, pos: start, token_start: 0, token: Token { kind: Kind::Eof, pos: start, text: "" } }
    }

    /// input.Error: the parse stops at the first error, as modfile's does.
    fn error(&self, msg: &str) -> String {
        located(self.file, self.pos, msg)
    }

    fn remaining(&self) -> &'a str {
        self.text.get(self.off..).unwrap_or("")
    }

    fn eof(&self) -> bool {
        self.off >= self.text.len()
    }

    /// input.peekRune ('\0' at end of input, like modfile's 0).
    fn peek_rune(&self) -> char {
        self.remaining().chars().next().unwrap_or('\0')
    }

    fn peek_prefix(&self, prefix: &str) -> bool {
        self.remaining().starts_with(prefix)
    }

    /// input.readRune.
    fn read_rune(&mut self) -> char {
        let Some(c) = self.remaining().chars().next() else { return '\0' };
        self.off += c.len_utf8();
        if c == '\n' {
            self.pos.line += 1;
            self.pos.rune = 1;
        } else {
            self.pos.rune += 1;
        }
        c
    }

    fn start_token(&mut self) {
        self.token_start = self.off;
        self.token.pos = self.pos;
        self.token.text = "";
    }

    /// input.endToken: a comment loses one trailing newline (LF or CRLF).
    fn end_token(&mut self, kind: Kind) {
        let mut text = self.text.get(self.token_start..self.off).unwrap_or("");
        if matches!(kind, Kind::Comment | Kind::EolComment) {
            text = text.strip_suffix("\r\n").or_else(|| text.strip_suffix('\n')).unwrap_or(text);
        }
        self.token.kind = kind;
        self.token.text = text;
    }

    fn peek(&self) -> Kind {
        self.token.kind
    }

    /// input.lex: the lookahead token, reading the next one.
    fn lex(&mut self) -> ParseResult<Token<'a>> {
        let tok = self.token;
        self.read_token()?;
        Ok(tok)
    }

    /// input.readToken.
    fn read_token(&mut self) -> ParseResult<()> {
        while !self.eof() {
            let c = self.peek_rune();
            if c == ' ' || c == '\t' || c == '\r' {
                self.read_rune();
                continue;
            }
            if self.peek_prefix("//") {
                self.start_token();
                // A comment alone on its line is a _COMMENT, else an end-of-line one.
                let before = self.text.get(..self.off).unwrap_or("");
                let line_start = before.rfind('\n').map_or(0, |i| i + 1);
                let suffix = !before.get(line_start..).unwrap_or("").trim().is_empty();
                self.read_rune();
                self.read_rune();
                while !self.eof() && self.read_rune() != '\n' {}
                self.end_token(if suffix { Kind::EolComment } else { Kind::Comment });
                return Ok(());
            }
            if self.peek_prefix("/*") {
                return Err(self.error("mod files must use // comments (not /* */ comments)"));
            }
            break;
        }
        self.start_token();
        if self.eof() {
            self.end_token(Kind::Eof);
            return Ok(());
        }
        let c = self.peek_rune();
        match c {
            '\n' | '(' | ')' | '[' | ']' | '{' | '}' | ',' => {
                self.read_rune();
                self.end_token(Kind::Punct(c));
                return Ok(());
            }
            '"' | '`' => {
                let quote = c;
                self.read_rune();
                loop {
                    if self.eof() {
                        self.pos = self.token.pos;
                        return Err(self.error("unexpected EOF in string"));
                    }
                    if self.peek_rune() == '\n' {
                        return Err(self.error("unexpected newline in string"));
                    }
                    let c = self.read_rune();
                    if c == quote {
                        break;
                    }
                    if c == '\\' && quote != '`' {
                        if self.eof() {
                            self.pos = self.token.pos;
                            return Err(self.error("unexpected EOF in string"));
                        }
                        self.read_rune();
                    }
                }
                self.end_token(Kind::Str);
                return Ok(());
            }
            _ => {}
        }
        if !is_ident(c) {
            return Err(self.error(&format!("unexpected input character {}", go_quote_rune(c))));
        }
        while is_ident(self.peek_rune()) && !self.eof() {
            if self.peek_prefix("//") {
                break;
            }
            if self.peek_prefix("/*") {
                return Err(self.error("mod files must use // comments (not /* */ comments)"));
            }
            self.read_rune();
        }
        self.end_token(Kind::Ident);
        Ok(())
    }

    /// input.parseFile (comments are dropped: nothing here needs them).
    fn parse_file(&mut self) -> ParseResult<Vec<Stmt<'a>>> {
        let mut stmts = Vec::new();
        loop {
            match self.peek() {
                Kind::Punct('\n') | Kind::Comment => {
                    self.lex()?;
                }
                Kind::Eof => return Ok(stmts),
                _ => stmts.push(self.parse_stmt()?),
            }
        }
    }

    /// input.parseStmt.
    fn parse_stmt(&mut self) -> ParseResult<Stmt<'a>> {
        let tok = self.lex()?;
        let start = tok.pos;
        let mut tokens = vec![tok.text];
        loop {
            let tok = self.lex()?;
            if tok.kind.is_eol() {
                return Ok(Stmt::Line(Line { start, tokens }));
            }
            if tok.kind == Kind::Punct('(') {
                let next = self.peek();
                if next.is_eol() {
                    // Start of block: no more tokens on this line.
                    return Ok(Stmt::Block(self.parse_line_block(start, tokens)?));
                } else if next == Kind::Punct(')') {
                    let rparen = self.lex()?;
                    if self.peek().is_eol() {
                        // Empty block.
                        self.lex()?;
                        return Ok(Stmt::Block(Block { start, tokens, lines: Vec::new() }));
                    }
                    // '( )' in the middle of the line, not a block.
                    tokens.push(tok.text);
                    tokens.push(rparen.text);
                } else {
                    // '(' in the middle of the line, not a block.
                    tokens.push(tok.text);
                }
            } else {
                tokens.push(tok.text);
            }
        }
    }

    /// input.parseLineBlock.
    fn parse_line_block(&mut self, start: Pos, tokens: Vec<&'a str>) -> ParseResult<Block<'a>> {
        let mut block = Block { start, tokens, lines: Vec::new() };
        loop {
            match self.peek() {
                Kind::EolComment | Kind::Punct('\n') | Kind::Comment => {
                    self.lex()?;
                }
                Kind::Eof => {
                    return Err(self.error(&format!(
                        "syntax error (unterminated block started at {}:{}:{})",
                        self.file, start.line, start.rune
                    )))
                }
                Kind::Punct(')') => {
                    self.lex()?;
                    if !self.peek().is_eol() {
                        return Err(self.error("syntax error (expected newline after closing paren)"));
                    }
                    self.lex()?;
                    return Ok(block);
                }
                _ => block.lines.push(self.parse_line()?),
            }
        }
    }

    /// input.parseLine: a line inside a block.
    fn parse_line(&mut self) -> ParseResult<Line<'a>> {
        let tok = self.lex()?;
        if tok.kind.is_eol() {
            return Err(self.error("internal parse error: parseLine at end of line"));
        }
        let start = tok.pos;
        let mut tokens = vec![tok.text];
        loop {
            let tok = self.lex()?;
            if tok.kind.is_eol() {
                return Ok(Line { start, tokens });
            }
            tokens.push(tok.text);
        }
    }
}

/// read.go's isIdent: most printable runes, except a handful of ASCII punctuation.
fn is_ident(c: char) -> bool {
    match c {
        ' ' | '(' | ')' | '[' | ']' | '{' | '}' | ',' => false,
        c => !c.is_whitespace() && is_print(c),
    }
}

/// An approximation of Go's unicode.IsPrint without Unicode tables: not a
/// control character, not a format character of the common kinds (zero-width
/// and bidirectional marks, BOM, soft hyphen), not private use.
fn is_print(c: char) -> bool {
    !(c.is_control()
        || matches!(c, '\u{00AD}' | '\u{061C}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}')
        || matches!(c, '\u{2060}'..='\u{206F}' | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}' | '\u{E000}'..='\u{F8FF}')
        || c >= '\u{F0000}')
}

/// Go's `%#q` of a rune: `'x'` for a printable one, an escape otherwise.
fn go_quote_rune(c: char) -> String {
    if is_print(c) && c != '\'' && c != '\\' {
        return format!("'{c}'");
    }
    match c {
        '\'' => r"'\''".into(),
        '\\' => r"'\\'".into(),
        '\0' => r"'\x00'".into(),
        '\u{7}' => r"'\a'".into(),
        '\u{8}' => r"'\b'".into(),
        '\u{c}' => r"'\f'".into(),
        '\n' => r"'\n'".into(),
        '\r' => r"'\r'".into(),
        '\t' => r"'\t'".into(),
        '\u{b}' => r"'\v'".into(),
        c if (c as u32) < 0x80 => format!(r"'\x{:02x}'", c as u32),
        c if (c as u32) < 0x10000 => format!(r"'\u{:04x}'", c as u32),
        c => format!(r"'\U{:08x}'", c as u32),
    }
}

/// modfile's `parse`: the statements of a file, or its first syntax error.
fn parse_syntax<'a>(file: &'a str, text: &'a str) -> ParseResult<Vec<Stmt<'a>>> {
    let mut input = Input::new(file, text);
    input.read_token()?;
    input.parse_file()
}

// ---------------------------------------------------------------------------
// rule.go: directives.

/// strconv.Unquote of a double-quoted Go string; None for "invalid syntax".
fn unquote(s: &str) -> Option<String> {
    let inner = s.strip_prefix('"')?.strip_suffix('"')?;
    if inner.contains('\n') {
        return None;
    }
    let mut out: Vec<u8> = Vec::with_capacity(inner.len());
    let mut chars = inner.chars();
    let hex = |chars: &mut std::str::Chars<'_>, n: usize| -> Option<u32> {
        let mut v = 0u32;
        for _ in 0..n {
            v = v * 16 + chars.next()?.to_digit(16)?;
        }
        Some(v)
    };
    while let Some(c) = chars.next() {
        match c {
            '"' => return None,
            '\\' => {
                let e = chars.next()?;
                match e {
                    'a' => out.push(7),
                    'b' => out.push(8),
                    'f' => out.push(12),
                    'n' => out.push(b'\n'),
                    'r' => out.push(b'\r'),
                    't' => out.push(b'\t'),
                    'v' => out.push(11),
                    '\\' => out.push(b'\\'),
                    '"' => out.push(b'"'),
                    'x' => out.push(u8::try_from(hex(&mut chars, 2)?).ok()?),
                    'u' | 'U' => {
                        let v = hex(&mut chars, if e == 'u' { 4 } else { 8 })?;
                        let ch = char::from_u32(v)?;
                        out.extend_from_slice(ch.encode_utf8(&mut [0; 4]).as_bytes());
                    }
                    '0'..='7' => {
                        let mut v = e.to_digit(8)?;
                        for _ in 0..2 {
                            v = v * 8 + chars.next()?.to_digit(8)?;
                        }
                        out.push(u8::try_from(v).ok()?);
                    }
                    _ => return None,
                }
            }
            c => out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes()),
        }
    }
    // Go strings may hold invalid UTF-8 (from \x escapes); ours cannot, and no
    // valid path or version contains such bytes.
    String::from_utf8(out).ok()
}

/// rule.go parseString: a quoted token unquoted, or an unquoted one that
/// contains no quote character.
fn parse_string(s: &str) -> std::result::Result<String, String> {
    if s.starts_with('"') {
        unquote(s).ok_or_else(|| "invalid syntax".to_string())
    } else if s.contains(['"', '\'', '`']) {
        Err("unquoted string cannot contain quote".into())
    } else {
        Ok(s.to_string())
    }
}

/// modfile.GoVersionRE: `^([1-9][0-9]*)\.(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))?([a-z]+[0-9]+)?$`.
pub(crate) fn is_go_version(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    let num = |i: &mut usize, allow_zero: bool| -> bool {
        match b.get(*i) {
            Some(b'0') if allow_zero => {
                *i += 1;
                true
            }
            Some(b'1'..=b'9') => {
                while b.get(*i).is_some_and(u8::is_ascii_digit) {
                    *i += 1;
                }
                true
            }
            _ => false,
        }
    };
    if !num(&mut i, false) || b.get(i) != Some(&b'.') {
        return false;
    }
    i += 1;
    if !num(&mut i, true) {
        return false;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        if !num(&mut i, true) {
            return false;
        }
    }
    if i == b.len() {
        return true;
    }
    let letters = b[i..].iter().take_while(|c| c.is_ascii_lowercase()).count();
    let digits = b[i + letters..].iter().take_while(|c| c.is_ascii_digit()).count();
    letters > 0 && digits > 0 && i + letters + digits == b.len()
}

/// modfile's laxGoVersionRE `^v?(([1-9][0-9]*)\.(0|[1-9][0-9]*))([^0-9].*)$`:
/// the `major.minor` it captures, for a dependency's go line.
fn lax_go_version(s: &str) -> Option<&str> {
    let body = s.strip_prefix('v').unwrap_or(s);
    let b = body.as_bytes();
    let major = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if major == 0 || b[0] == b'0' || b.get(major) != Some(&b'.') {
        return None;
    }
    let rest = &b[major + 1..];
    let minor = match rest.first() {
        Some(b'0') => 1,
        Some(b'1'..=b'9') => rest.iter().take_while(|c| c.is_ascii_digit()).count(),
        _ => return None,
    };
    match rest.get(minor) {
        Some(c) if !c.is_ascii_digit() => body.get(..major + 1 + minor),
        _ => None,
    }
}

/// modfile.ToolchainRE: `^default$|^go1($|\.)`.
fn is_toolchain_name(s: &str) -> bool {
    s == "default" || s == "go1" || s.starts_with("go1.")
}

/// modfile.IsDirectoryPath.
fn is_directory_path(ns: &str) -> bool {
    let b = ns.as_bytes();
    ns == "."
        || ns.starts_with("./")
        || ns.starts_with(".\\")
        || ns == ".."
        || ns.starts_with("../")
        || ns.starts_with("..\\")
        || ns.starts_with('/')
        || ns.starts_with('\\')
        || b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':'
}

/// Whose go.mod this is, which decides modfile's `strict` and `fix`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// A main module's (modfile.Parse with cmd/go's fixVersion): unknown
    /// directives are errors; versions must be canonical, since resolving
    /// any other (fixVersion's Query) needs the network.
    Main,
    /// A dependency's (modfile.ParseLax, no fixer): only go, module, retract,
    /// require and ignore are read; versions are canonicalized.
    Dependency,
}

/// modfile.InvalidVersionError's text.
fn invalid_version(version: &str, why: &str) -> String {
    format!("version {version:?} invalid: {why}")
}

/// rule.go parseVersion, with the fixer of `mode`. The error is the text
/// after `file:line: `: `require example.com/m: version "x" invalid: …`.
fn parse_version(verb: &str, path: &str, s: &str, mode: Mode) -> std::result::Result<String, String> {
    let directive = if path.is_empty() { format!("{verb}: ") } else { format!("{verb} {path}: ") };
    let t = parse_string(s).map_err(|e| format!("{directive}{}", invalid_version(s, &e)))?;
    match mode {
        Mode::Main => {
            // cmd/go modload.fixVersion, without its Query.
            let Some((_, path_major)) = modfetch::split_path_version(path) else {
                return Err(format!("{directive}{}", invalid_version(&t, &format!("malformed module path {path:?}"))));
            };
            if !t.is_empty() && modfetch::canonical_module_version(&t) == t {
                if let Some(why) = modfetch::path_major_problem(&t, path_major) {
                    return Err(format!("{directive}{}", invalid_version(&t, &why)));
                }
                return Ok(t);
            }
            let why = if modfetch::semver_is_valid(&t) {
                format!(
                    "not canonical (should be {:?}); go-link-build does not look up versions: \
                     write the version `go mod tidy` selects",
                    modfetch::canonical_module_version(&t)
                )
            } else {
                "must be of the form v1.2.3; go-link-build does not look up queries like this \
                 (it works offline): write the version `go mod tidy` selects"
                    .to_string()
            };
            Err(format!("{directive}{}", invalid_version(&t, &why)))
        }
        Mode::Dependency => {
            let cv = modfetch::canonical_module_version(&t);
            if cv.is_empty() {
                return Err(format!("{directive}{}", invalid_version(&t, "must be of the form v1.2.3")));
            }
            Ok(cv)
        }
    }
}

/// rule.go modulePathMajor and module.CheckPathMajor, as `require`/`exclude`
/// and the old side of `replace` apply them.
fn check_path_major(verb: &str, path: &str, version: Option<&str>) -> std::result::Result<(), String> {
    let Some((_, major)) = modfetch::split_path_version(path) else {
        return Err("invalid module path".into());
    };
    if let Some(v) = version {
        if let Some(why) = modfetch::path_major_problem(v, major) {
            return Err(format!("{verb} {path}: {}", invalid_version(v, &why)));
        }
    }
    Ok(())
}

/// rule.go parseVersionInterval: `v1.2.3` or `[v1.2.3, v1.3.0]`; the tokens
/// left over.
fn parse_version_interval<'t>(
    verb: &str,
    path: &str,
    toks: &'t [&'t str],
    check: &dyn Fn(&str, &str, &str) -> std::result::Result<String, String>,
) -> std::result::Result<&'t [&'t str], String> {
    match toks.first() {
        None | Some(&"(") => return Err("expected '[' or version".into()),
        Some(&"[") => {}
        Some(v) => {
            check(verb, path, v)?;
            return Ok(&toks[1..]);
        }
    }
    let toks = &toks[1..];
    let Some(low) = toks.first() else { return Err("expected version after '['".into()) };
    check(verb, path, low)?;
    if toks.get(1) != Some(&",") {
        return Err("expected ',' after version".into());
    }
    let Some(high) = toks.get(2) else { return Err("expected version after ','".into()) };
    check(verb, path, high)?;
    if toks.get(3) != Some(&"]") {
        return Err("expected ']' after version".into());
    }
    Ok(&toks[4..])
}

/// rule.go parseReplace.
fn parse_replace(verb: &str, args: &[&str], mode: Mode) -> std::result::Result<Replace, String> {
    let arrow = if args.len() >= 2 && args[1] == "=>" { 1 } else { 2 };
    if args.len() < arrow + 2 || args.len() > arrow + 3 || args[arrow] != "=>" {
        return Err(format!(
            "usage: {verb} module/path [v1.2.3] => other/module v1.4\n\t or {verb} module/path [v1.2.3] => ../local/directory"
        ));
    }
    let s = parse_string(args[0]).map_err(|e| format!("invalid quoted string: {e}"))?;
    if modfetch::split_path_version(&s).is_none() {
        return Err(format!("{verb} {s}: invalid module path"));
    }
    let mut old_version = None;
    if arrow == 2 {
        let v = parse_version(verb, &s, args[1], mode)?;
        check_path_major(verb, &s, Some(&v))?;
        old_version = Some(v);
    }
    let ns = parse_string(args[arrow + 1]).map_err(|e| format!("invalid quoted string: {e}"))?;
    let mut new_version = None;
    if args.len() == arrow + 2 {
        if !is_directory_path(&ns) {
            if ns.contains('@') {
                return Err("replacement module must match format 'path version', not 'path@version'".into());
            }
            return Err(
                "replacement module without version must be directory path (rooted or starting with . or ..)".into()
            );
        }
        if cfg!(not(windows)) && ns.contains('\\') {
            return Err("replacement directory appears to be Windows path (on a non-windows system)".into());
        }
    }
    if args.len() == arrow + 3 {
        let nv = parse_version(verb, &ns, args[arrow + 2], mode)?;
        if is_directory_path(&ns) {
            return Err(format!("replacement module directory path {ns:?} cannot have version"));
        }
        new_version = Some(nv);
    }
    Ok(Replace { old_path: s, old_version, new_path: ns, new_version })
}

/// The `godebug` directive's rule (rule.go and work.go alike).
fn parse_godebug(args: &[&str]) -> std::result::Result<(String, String), String> {
    let usage = || "usage: godebug key=value".to_string();
    if args.len() != 1 || args[0].contains(['"', '`', '\'', ',']) {
        return Err(usage());
    }
    let (k, v) = args[0].split_once('=').ok_or_else(usage)?;
    Ok((k.to_string(), v.to_string()))
}

/// The `go` directive's rule.
fn parse_go_line(args: &[&str], lax: bool) -> std::result::Result<String, String> {
    if args.len() != 1 {
        return Err("go directive expects exactly one argument".into());
    }
    if is_go_version(args[0]) {
        return Ok(args[0].to_string());
    }
    if lax {
        if let Some(v) = lax_go_version(args[0]) {
            return Ok(v.to_string());
        }
    }
    Err(format!("invalid go version '{}': must match format 1.23.0", args[0]))
}

/// The `toolchain` directive's rule.
fn parse_toolchain_line(args: &[&str]) -> std::result::Result<String, String> {
    if args.len() != 1 {
        return Err("toolchain directive expects exactly one argument".into());
    }
    if !is_toolchain_name(args[0]) {
        return Err(format!("invalid toolchain version '{}': must match format go1.23.0 or default", args[0]));
    }
    Ok(args[0].to_string())
}

/// What the directives of a go.mod collect beyond [`GoMod`].
#[derive(Default)]
struct ModExtra {
    module_pos: Option<Pos>,
    retracts: Vec<(Pos, Vec<String>)>,
}

/// rule.go (*File).add.
fn add_mod_directive(
    m: &mut GoMod,
    extra: &mut ModExtra,
    saw: &mut [bool; 3],
    verb: &str,
    args: &[&str],
    pos: Pos,
    mode: Mode,
) -> std::result::Result<(), String> {
    if mode == Mode::Dependency && !matches!(verb, "go" | "module" | "retract" | "require" | "ignore") {
        return Ok(());
    }
    match verb {
        "go" => {
            if std::mem::replace(&mut saw[0], true) {
                return Err("repeated go statement".into());
            }
            m.go = Some(parse_go_line(args, mode == Mode::Dependency)?);
        }
        "toolchain" => {
            if std::mem::replace(&mut saw[1], true) {
                return Err("repeated toolchain statement".into());
            }
            m.toolchain = Some(parse_toolchain_line(args)?);
        }
        "module" => {
            if std::mem::replace(&mut saw[2], true) {
                return Err("repeated module statement".into());
            }
            extra.module_pos = Some(pos);
            if args.len() != 1 {
                return Err("usage: module module/path".into());
            }
            m.module = parse_string(args[0]).map_err(|e| format!("invalid quoted string: {e}"))?;
        }
        "godebug" => {
            m.godebug.push(parse_godebug(args)?);
            m.godebug_lines.push(pos.line);
        }
        "require" | "exclude" => {
            if args.len() != 2 {
                return Err(format!("usage: {verb} module/path v1.2.3"));
            }
            let s = parse_string(args[0]).map_err(|e| format!("invalid quoted string: {e}"))?;
            let v = parse_version(verb, &s, args[1], mode)?;
            check_path_major(verb, &s, Some(&v))?;
            if verb == "require" {
                m.require.push((s, v));
            } else {
                m.exclude.push((s, v));
            }
        }
        "replace" => m.replace.push(parse_replace(verb, args, mode)?),
        "retract" => {
            // Any token is a version here (dontFixRetract); the versions are
            // checked once the module path is known (fixRetract).
            let rest = parse_version_interval(verb, "", args, &|_, _, v| {
                parse_string(v).map_err(|e| format!("{verb}: {}", invalid_version(v, &e)))
            });
            match rest {
                Err(e) if mode == Mode::Main => return Err(e),
                Err(_) => {}
                Ok(rest) => {
                    if let (Some(tok), Mode::Main) = (rest.first(), mode) {
                        return Err(format!("unexpected token after version: {tok:?}"));
                    }
                    extra.retracts.push((pos, args.iter().map(|s| s.to_string()).collect()));
                }
            }
        }
        "tool" | "ignore" => {
            if args.len() != 1 {
                return Err(format!("{verb} directive expects exactly one argument"));
            }
            parse_string(args[0]).map_err(|e| format!("invalid quoted string: {e}"))?;
        }
        _ => return Err(format!("unknown directive: {verb}")),
    }
    Ok(())
}

fn load_error(errs: Vec<String>) -> Error {
    Error::new(ErrorKind::Load, errs.join("\n"))
}

/// rule.go parseToFile.
fn parse_mod(text: &str, file: &str, mode: Mode) -> Result<(GoMod, ModExtra)> {
    let stmts = parse_syntax(file, text).map_err(|e| load_error(vec![e]))?;
    let mut m = GoMod::default();
    let mut extra = ModExtra::default();
    let mut saw = [false; 3];
    let mut errs = Vec::new();
    for stmt in &stmts {
        match stmt {
            Stmt::Line(l) => {
                let (verb, args) = l.tokens.split_first().map_or(("", &[][..]), |(v, a)| (*v, a));
                if let Err(e) = add_mod_directive(&mut m, &mut extra, &mut saw, verb, args, l.start, mode) {
                    errs.push(located(file, l.start, &e));
                }
            }
            Stmt::Block(b) => {
                let known = matches!(
                    b.tokens.as_slice(),
                    ["module" | "godebug" | "require" | "exclude" | "replace" | "retract" | "tool" | "ignore"]
                );
                if !known {
                    if mode == Mode::Main {
                        errs.push(located(file, b.start, &format!("unknown block type: {}", b.tokens.join(" "))));
                    }
                    continue;
                }
                for l in &b.lines {
                    if let Err(e) =
                        add_mod_directive(&mut m, &mut extra, &mut saw, b.tokens[0], &l.tokens, l.start, mode)
                    {
                        errs.push(located(file, l.start, &e));
                    }
                }
            }
        }
    }
    // (*File).fixRetract, which runs with cmd/go's fixer on main modules.
    if mode == Mode::Main && errs.is_empty() {
        for (pos, args) in &extra.retracts {
            if m.module.is_empty() {
                errs.push(located(file, *pos, "no module directive found, so retract cannot be used"));
                break;
            }
            let toks: Vec<&str> = args.iter().map(String::as_str).collect();
            let check = |verb: &str, path: &str, v: &str| parse_version(verb, path, v, Mode::Main);
            if let Err(e) = parse_version_interval("retract", &m.module, &toks, &check) {
                errs.push(located(file, *pos, &e));
            }
        }
    }
    if !errs.is_empty() {
        return Err(load_error(errs));
    }
    Ok((m, extra))
}

/// Parses a main module's go.mod (modfile.Parse, then modload.ReadModFile's
/// and loadModFile's checks of the module line). `file` names it in errors.
pub(crate) fn parse_go_mod(text: &str, file: &str) -> Result<GoMod> {
    let (m, extra) = parse_mod(text, file, Mode::Main)?;
    let Some(pos) = extra.module_pos else {
        return Err(load_error(vec![format!(
            "{file}: missing module declaration: add a line such as `module example.com/name` at the top \
             (go mod edit -module=example.com/name)"
        )]));
    };
    // modload.CheckReservedModulePath.
    if m.module == "go" || m.module == "toolchain" {
        return Err(load_error(vec![located(file, pos, &format!("invalid module path {:?}: reserved", m.module))]));
    }
    // modload.loadModFile: module.CheckImportPath, reported as a module path.
    if let Some(why) = modfetch::import_path_problem(&m.module) {
        return Err(load_error(vec![located(file, pos, &format!("malformed module path {:?}: {why}", m.module))]));
    }
    Ok(m)
}

/// Parses a dependency's go.mod (modfile.ParseLax): directives a dependency
/// cannot use are ignored; the module line may be missing (the caller
/// decides, as modload.goModSummary does).
pub(crate) fn parse_go_mod_lax(text: &str, file: &str) -> Result<GoMod> {
    parse_mod(text, file, Mode::Dependency).map(|(m, _)| m)
}

/// Parses a go.work file's text (modfile.ParseWork).
pub(crate) fn parse_go_work(text: &str, file: &str) -> Result<GoWork> {
    let stmts = parse_syntax(file, text).map_err(|e| load_error(vec![e]))?;
    let mut w = GoWork::default();
    let mut saw = [false; 2];
    let mut errs = Vec::new();
    // work.go (*WorkFile).add.
    let mut add = |w: &mut GoWork, verb: &str, args: &[&str], pos: Pos| -> std::result::Result<(), String> {
        match verb {
            "go" => {
                if std::mem::replace(&mut saw[0], true) {
                    return Err("repeated go statement".into());
                }
                w.go = Some(parse_go_line(args, false)?);
            }
            "toolchain" => {
                if std::mem::replace(&mut saw[1], true) {
                    return Err("repeated toolchain statement".into());
                }
                w.toolchain = Some(parse_toolchain_line(args)?);
            }
            "godebug" => {
                w.godebug.push(parse_godebug(args)?);
                w.godebug_lines.push(pos.line);
            }
            "use" => {
                if args.len() != 1 {
                    return Err(format!("usage: {verb} local/dir"));
                }
                w.uses.push(parse_string(args[0]).map_err(|e| format!("invalid quoted string: {e}"))?);
            }
            "replace" => w.replace.push(parse_replace(verb, args, Mode::Main)?),
            _ => return Err(format!("unknown directive: {verb}")),
        }
        Ok(())
    };
    for stmt in &stmts {
        match stmt {
            Stmt::Line(l) => {
                let (verb, args) = l.tokens.split_first().map_or(("", &[][..]), |(v, a)| (*v, a));
                if let Err(e) = add(&mut w, verb, args, l.start) {
                    errs.push(located(file, l.start, &e));
                }
            }
            Stmt::Block(b) => {
                if !matches!(b.tokens.as_slice(), ["godebug" | "use" | "replace"]) {
                    errs.push(located(file, b.start, &format!("unknown block type: {}", b.tokens.join(" "))));
                    continue;
                }
                for l in &b.lines {
                    if let Err(e) = add(&mut w, b.tokens[0], &l.tokens, l.start) {
                        errs.push(located(file, l.start, &e));
                    }
                }
            }
        }
    }
    if !errs.is_empty() {
        return Err(load_error(errs));
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
retract [v0.0.1, v0.0.2] // bad
retract v0.0.3
tool example.com/q/cmd/x
"#;
        let m = parse_go_mod(text, "go.mod").unwrap();
        assert_eq!(m.module, "example.com/App");
        assert_eq!(m.go.as_deref(), Some("1.22.3"));
        assert_eq!(m.toolchain.as_deref(), Some("go1.23.1"));
        assert_eq!(m.godebug, vec![("panicnil".into(), "1".into()), ("default".into(), "go1.21".into())]);
        assert_eq!(m.godebug_lines, [9, 10]);
        assert_eq!(m.require.len(), 3);
        assert_eq!(m.require[1], ("example.com/q".into(), "v0.1.0".into()));
        assert_eq!(m.exclude, vec![("example.com/bad".into(), "v0.0.1".into())]);
        assert!(m.replace[0].new_version.is_none());
        assert_eq!(m.replace[0].old_version.as_deref(), Some("v1.0.0"));
        assert_eq!(m.replace[1].new_version.as_deref(), Some("v0.2.0"));
    }

    #[test]
    fn non_ascii_tokens_are_tokens() {
        // The panic of issue 10: a multi-byte character in an unquoted token.
        let m = parse_go_mod("module example.com/m\nreplace example.com/lib => ./lib_ü // é\n", "go.mod").unwrap();
        assert_eq!(m.replace[0].new_path, "./lib_ü");
        let w = parse_go_work("go 1.22\nuse ./é\nuse (\n\t./ß/π\n)\n", "go.work").unwrap();
        assert_eq!(w.uses, vec!["./é", "./ß/π"]);
    }

    fn err(text: &str) -> String {
        parse_go_mod(text, "go.mod").unwrap_err().to_string()
    }

    /// Messages as `go build` prints them for the same go.mod (Go 1.26),
    /// after its `go: errors parsing go.mod:` line.
    #[test]
    fn errors_like_modfile() {
        for (text, want) in [
            ("module x\nfrobnicate y\n", "go.mod:2: unknown directive: frobnicate"),
            ("go 1.21\n", "go.mod: missing module declaration"),
            ("module example.com/\n", "go.mod:1: malformed module path \"example.com/\": trailing slash"),
            (
                "module \"example.com/a\\tb\"\n",
                "go.mod:1: malformed module path \"example.com/a\\tb\": invalid char '\\t'",
            ),
            ("module example.com/a=b\n", "go.mod:1: malformed module path \"example.com/a=b\": invalid char '='"),
            ("module m\ngo 1.21\ngo 1.22\n", "go.mod:3: repeated go statement"),
            ("module m\nmodule n\n", "go.mod:2: repeated module statement"),
            ("module m\ngo 1.21.x\n", "go.mod:2: invalid go version '1.21.x': must match format 1.23.0"),
            ("module m\ngo 1\n", "go.mod:2: invalid go version '1': must match format 1.23.0"),
            (
                "module m\ntoolchain 1.21\n",
                "go.mod:2: invalid toolchain version '1.21': must match format go1.23.0 or default",
            ),
            (
                "module m\nrequire x.com/a 1.0.0\n",
                "go.mod:2: require x.com/a: version \"1.0.0\" invalid: must be of the form v1.2.3",
            ),
            (
                "module m\nrequire x.com/a/v2 v1.0.0\n",
                "go.mod:2: require x.com/a/v2: version \"v1.0.0\" invalid: should be v2, not v1",
            ),
            ("module m\nrequire x.com/a\n", "go.mod:2: usage: require module/path v1.2.3"),
            ("module m\nrequire (\n\tx.com/a v1.0.0 extra\n)\n", "go.mod:3:2: usage: require module/path v1.2.3"),
            ("module m\nrequire (\n", "go.mod:3: syntax error (unterminated block started at go.mod:2:1)"),
            (
                "module m\nreplace x.com/a => x.com/b\n",
                "go.mod:2: replacement module without version must be directory path (rooted or starting with . or ..)",
            ),
            (
                "module m\nreplace x.com/a => x.com/b@v1.0.0\n",
                "go.mod:2: replacement module must match format 'path version', not 'path@version'",
            ),
            (
                "module m\nreplace x.com/a => ./b v1.0.0\n",
                "go.mod:2: replacement module directory path \"./b\" cannot have version",
            ),
            ("module m /* c */\n", "go.mod:1:10: mod files must use // comments (not /* */ comments)"),
            ("module \"m\n", "go.mod:1:10: unexpected newline in string"),
            ("module 'm'\n", "go.mod:1: invalid quoted string: unquoted string cannot contain quote"),
            ("module m\nfoo (\n)\n", "go.mod:2: unknown block type: foo"),
            ("module m\ngodebug x\n", "go.mod:2: usage: godebug key=value"),
            ("module m\nretract\n", "go.mod:2: expected '[' or version"),
            ("module m\nretract [v1.0.0 v1.1.0]\n", "go.mod:2: expected ',' after version"),
            ("retract v1.0.0\n", "go.mod:1: no module directive found, so retract cannot be used"),
            ("module m\nrequire (\n) x\n", "go.mod:3:4: syntax error (expected newline after closing paren)"),
            ("module m\n\u{1}\n", "go.mod:2: unexpected input character '\\x01'"),
            ("module go\n", "go.mod:1: invalid module path \"go\": reserved"),
        ] {
            let got = err(text);
            assert!(got.starts_with(want), "{text:?}:\n got {got:?}\nwant {want:?}");
        }
    }

    #[test]
    fn all_errors_are_listed() {
        let got = err("module m\nfoo\nbar\n");
        assert_eq!(got, "go.mod:2: unknown directive: foo\ngo.mod:3: unknown directive: bar");
    }

    #[test]
    fn dependencies_are_read_leniently() {
        // ParseLax: main-module-only and unknown directives are ignored,
        // a go line like `1.22beta` is read as 1.22, versions are canonicalized.
        let m = parse_go_mod_lax(
            "module example.com/d\ngo 1.18-pre\nfrobnicate x\nreplace a => b\nrequire example.com/e v1.2\n",
            "go.mod",
        )
        .unwrap();
        assert_eq!(m.go.as_deref(), Some("1.18"));
        assert_eq!(m.require, vec![("example.com/e".to_string(), "v1.2.0".to_string())]);
        assert!(m.replace.is_empty());
        assert_eq!(parse_go_mod_lax("go 1.21\n", "go.mod").unwrap().module, "");
        // A main module's go.mod must say exactly which version it means.
        assert!(err("module m\nrequire example.com/e v1.2\n").contains("not canonical (should be \"v1.2.0\")"));
    }

    #[test]
    fn go_versions() {
        for ok in ["1.21", "1.21.0", "1.21rc1", "1.21.3", "10.0", "1.0beta2"] {
            assert!(is_go_version(ok), "{ok}");
        }
        for bad in ["1", "1.", "01.2", "1.02", "1.2.03", "1.21rc", "1.21-rc1", "1/.22", "v1.21", "1.2.3.4", ""] {
            assert!(!is_go_version(bad), "{bad}");
        }
        assert_eq!(lax_go_version("v1.19beta"), Some("1.19"));
        assert_eq!(lax_go_version("1.19"), None);
        assert_eq!(lax_go_version("1.023x"), None);
    }

    #[test]
    fn quoted_strings() {
        assert_eq!(unquote(r#""a\tb\u00e9\x41\101""#).as_deref(), Some("a\tbéAA"));
        assert_eq!(unquote(r#""a"b""#), None);
        assert_eq!(unquote(r#""\'""#), None);
        assert_eq!(unquote(r#""\xff""#), None);
        assert_eq!(unquote(r#"""#), None);
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
        let e = parse_go_work("go 1/.22\n", "go.work").unwrap_err().to_string();
        assert_eq!(e, "go.work:1: invalid go version '1/.22': must match format 1.23.0");
        let e = parse_go_work("go 1.22\ngo 1.23\n", "go.work").unwrap_err().to_string();
        assert_eq!(e, "go.work:2: repeated go statement");
    }
}
