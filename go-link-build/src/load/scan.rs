//! A small Go lexer for what package loading needs from a source file: the
//! leading comments (build constraints), the package clause, the imports
//! (with `import "C"` and its preamble), `//go:` directives before the package
//! clause, and `//go:embed` patterns anywhere in the file.
//!
//! It mirrors what `go/build` gets from `readGoInfo` (an import reader plus
//! `go/parser` in `ImportsOnly` mode) and `readComments`, and its `//go:embed`
//! scan mirrors `go/scanner` plus `go/ast.ParseDirective`/`ParseArgs`.
//!
//! Every entry point works on a prefix of the file: given `complete = false`
//! it answers [`ScanError::NeedMore`] when the answer could depend on bytes it
//! has not seen, so callers read files in growing chunks and never read past
//! the imports of a file that does not use `//go:embed`.
//!
//! Architecture invariant: no IO here; input is bytes, never assumed UTF-8.

use super::constraint::{first_char, last_char};

/// Why a scan stopped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum ScanError {
    /// The input is a prefix of the file and the answer needs more of it.
    NeedMore,
    /// The file is not valid Go (at `line`:`col`, 1-based).
    Syntax { line: u32, col: u32, msg: String },
}

type SResult<T> = Result<T, ScanError>;

/// Strips a leading UTF-8 byte order mark, which Go ignores.
pub(crate) fn strip_bom(src: &[u8]) -> &[u8] {
    src.strip_prefix(b"\xef\xbb\xbf").unwrap_or(src)
}

/// Why `leading_comments` could not find the end of the leading comments.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CommentsError {
    /// More input is needed.
    NeedMore,
    /// A stray `/`, an unterminated `/*` or a NUL byte: go/build then skips
    /// constraint evaluation for the (non-Go) file and keeps it.
    Invalid,
}

/// The length of the leading run of white space (including `;`) and comments
/// (`go/build.readComments`): the part of a non-Go file searched for build
/// constraints. `src` must not start with a BOM.
pub(crate) fn leading_comments(src: &[u8], complete: bool) -> Result<usize, CommentsError> {
    let need = if complete { CommentsError::Invalid } else { CommentsError::NeedMore };
    let mut i = 0;
    loop {
        let Some(&c) = src.get(i) else {
            return if complete { Ok(i) } else { Err(CommentsError::NeedMore) };
        };
        match c {
            0 => return Err(CommentsError::Invalid),
            b' ' | b'\x0c' | b'\t' | b'\r' | b'\n' | b';' => i += 1,
            b'/' => match src.get(i + 1) {
                None => return Err(need),
                Some(b'/') => match src[i..].iter().position(|&c| c == b'\n') {
                    Some(n) => {
                        if src[i..i + n].contains(&0) {
                            return Err(CommentsError::Invalid);
                        }
                        i += n + 1;
                    }
                    None if complete => {
                        return if src[i..].contains(&0) { Err(CommentsError::Invalid) } else { Ok(src.len()) };
                    }
                    None => return Err(CommentsError::NeedMore),
                },
                Some(b'*') => match find(&src[i + 2..], b"*/") {
                    Some(n) => {
                        if src[i..i + 2 + n].contains(&0) {
                            return Err(CommentsError::Invalid);
                        }
                        i += 2 + n + 2;
                    }
                    None => return Err(need),
                },
                Some(_) => return Err(CommentsError::Invalid),
            },
            _ => return Ok(i),
        }
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    super::constraint::find(hay, needle)
}

/// One comment, as the Go scanner reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Comment {
    /// The comment text with its markers, `\r` removed (as `go/scanner` does).
    pub text: String,
    /// The line it starts on.
    pub line: u32,
    /// The column (in bytes, from 1) it starts at.
    pub col: u32,
    /// The line it ends on.
    pub end_line: u32,
    /// Whether it is a `/* */` comment containing a newline.
    pub multiline_block: bool,
}

/// One import spec.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ImportSpec {
    /// The unquoted import path.
    pub path: String,
    /// Position of the spec (its name if it has one, else its path).
    pub line: u32,
    pub col: u32,
}

/// The cgo preamble: the doc comment of an `import "C"`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct CgoPreamble {
    /// The line the comment group starts on.
    pub line: u32,
    /// The comments of the group, in order.
    pub comments: Vec<Comment>,
}

impl CgoPreamble {
    /// The text of the preamble without comment markers, as
    /// `go/ast.CommentGroup.Text` returns it (what go/build parses `#cgo`
    /// lines from).
    #[cfg_attr(not(test), allow(dead_code))] // Tests state expectations as whole texts.
    pub(crate) fn text(&self) -> String {
        let lines = self.text_lines();
        let mut out: Vec<&str> = lines.iter().map(|(_, l)| l.as_str()).collect();
        if out.last().is_some_and(|l| !l.is_empty()) {
            out.push("");
        }
        out.join("\n")
    }

    /// The lines of [`CgoPreamble::text`] paired with their source line
    /// numbers, so `#cgo` errors point at the right line.
    pub(crate) fn text_lines(&self) -> Vec<(u32, String)> {
        let mut lines: Vec<(u32, String)> = Vec::new();
        for c in &self.comments {
            let body: &str = if let Some(rest) = c.text.strip_prefix("//") {
                if rest.is_empty() {
                    ""
                } else if let Some(r) = rest.strip_prefix(' ') {
                    r
                } else if is_directive(rest) {
                    continue;
                } else {
                    rest
                }
            } else {
                c.text.strip_prefix("/*").and_then(|t| t.strip_suffix("*/")).unwrap_or("")
            };
            for (k, l) in body.split('\n').enumerate() {
                lines.push((c.line + k as u32, l.trim_end_matches([' ', '\t', '\n', '\x0c', '\r']).to_string()));
            }
        }
        // Drop leading blank lines and collapse runs of blank lines.
        let mut out: Vec<(u32, String)> = Vec::new();
        for (n, l) in lines {
            if !l.is_empty() || out.last().is_some_and(|(_, p)| !p.is_empty()) {
                out.push((n, l));
            }
        }
        while out.last().is_some_and(|(_, l)| l.is_empty()) {
            out.pop();
        }
        out
    }
}

/// `go/ast.isDirective` (the `//` already removed).
fn is_directive(c: &str) -> bool {
    if c.starts_with("line ") || c.starts_with("extern ") || c.starts_with("export ") {
        return true;
    }
    let b = c.as_bytes();
    let Some(colon) = c.find(':') else {
        return false;
    };
    if colon == 0 || colon + 1 >= b.len() {
        return false;
    }
    (0..=colon + 1).all(|i| i == colon || b[i].is_ascii_lowercase() || b[i].is_ascii_digit())
}

/// What the header of a Go file says.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct GoHeader {
    /// The package name.
    pub package: String,
    /// The imports, in source order.
    pub imports: Vec<ImportSpec>,
    /// Preambles of `import "C"` specs that have one.
    pub cgo_preambles: Vec<CgoPreamble>,
    /// `//go:` directive comments before the package clause: (line, text).
    pub directives: Vec<(u32, u32, String)>,
    /// Byte offset of the end of the header (the first byte after the imports).
    pub end: usize,
}

impl GoHeader {
    /// Whether the file says `import "C"`.
    pub(crate) fn imports_c(&self) -> bool {
        self.imports.iter().any(|i| i.path == "C")
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Ident,
    Str,
    Punct(u8),
    Other,
    Eof,
}

#[derive(Clone, Copy, Debug)]
struct Token {
    kind: Kind,
    start: usize,
    end: usize,
    line: u32,
    col: u32,
}

/// The header lexer: Go tokens, with comments collected between tokens.
struct Lexer<'a> {
    src: &'a [u8],
    complete: bool,
    pos: usize,
    line: u32,
    line_start: usize,
    comments: Vec<Comment>,
}

impl<'a> Lexer<'a> {
    fn new(src: &'a [u8], complete: bool) -> Lexer<'a> {
        Lexer { src, complete, pos: 0, line: 1, line_start: 0, comments: Vec::new() }
    }

    fn col(&self, at: usize) -> u32 {
        (at - self.line_start + 1) as u32
    }

    fn error<T>(&self, at: usize, line: u32, msg: impl Into<String>) -> SResult<T> {
        let line_start = if line == self.line { self.line_start } else { 0 };
        Err(ScanError::Syntax { line, col: (at.saturating_sub(line_start) + 1) as u32, msg: msg.into() })
    }

    /// Reports the end of input: EOF when complete, else "need more".
    fn at_end(&self) -> SResult<()> {
        if self.complete {
            Ok(())
        } else {
            Err(ScanError::NeedMore)
        }
    }

    fn newline(&mut self, at: usize) {
        self.line += 1;
        self.line_start = at + 1;
    }

    /// Returns the next token, collecting comments into `self.comments`.
    fn next(&mut self) -> SResult<Token> {
        loop {
            let Some(&c) = self.src.get(self.pos) else {
                self.at_end()?;
                return Ok(Token {
                    kind: Kind::Eof,
                    start: self.pos,
                    end: self.pos,
                    line: self.line,
                    col: self.col(self.pos),
                });
            };
            match c {
                b' ' | b'\t' | b'\r' => self.pos += 1,
                b'\n' => {
                    self.newline(self.pos);
                    self.pos += 1;
                }
                b'/' if self.src.get(self.pos + 1).is_none() => {
                    self.at_end()?;
                    return Ok(self.single(Kind::Other));
                }
                b'/' if self.src[self.pos + 1] == b'/' => {
                    let start = self.pos;
                    let Some(n) = self.src[start..].iter().position(|&c| c == b'\n') else {
                        // A line comment running to the end of the file.
                        self.at_end()?;
                        self.pos = self.src.len();
                        self.push_comment(start, self.line, self.col(start), false);
                        continue;
                    };
                    self.pos = start + n;
                    self.push_comment(start, self.line, self.col(start), false);
                }
                b'/' if self.src[self.pos + 1] == b'*' => {
                    let start = self.pos;
                    let (start_line, start_col) = (self.line, self.col(start));
                    let Some(n) = find(&self.src[start + 2..], b"*/") else {
                        self.at_end()?;
                        return self.error(start, start_line, "comment not terminated");
                    };
                    let end = start + 2 + n + 2;
                    let mut multiline = false;
                    for i in start..end {
                        if self.src[i] == b'\n' {
                            self.newline(i);
                            multiline = true;
                        }
                    }
                    self.pos = end;
                    self.push_comment(start, start_line, start_col, multiline);
                }
                b'"' => return self.string(),
                b'`' => return self.raw_string(),
                b'(' | b')' | b';' | b'.' => return Ok(self.single(Kind::Punct(c))),
                c if c == b'_' || c.is_ascii_alphabetic() || c >= 0x80 => return self.ident(),
                _ => return Ok(self.single(Kind::Other)),
            }
        }
    }

    fn single(&mut self, kind: Kind) -> Token {
        let t = Token { kind, start: self.pos, end: self.pos + 1, line: self.line, col: self.col(self.pos) };
        self.pos += 1;
        t
    }

    fn push_comment(&mut self, start: usize, line: u32, col: u32, multiline_block: bool) {
        let raw = &self.src[start..self.pos];
        let text: Vec<u8> = raw.iter().copied().filter(|&c| c != b'\r').collect();
        self.comments.push(Comment {
            text: String::from_utf8_lossy(&text).into_owned(),
            line,
            col,
            end_line: self.line,
            multiline_block,
        });
    }

    fn ident(&mut self) -> SResult<Token> {
        let start = self.pos;
        let mut i = start;
        while i < self.src.len() && (self.src[i] == b'_' || self.src[i].is_ascii_alphanumeric() || self.src[i] >= 0x80)
        {
            i += 1;
        }
        if i == self.src.len() {
            self.at_end()?;
        }
        self.pos = i;
        Ok(Token { kind: Kind::Ident, start, end: i, line: self.line, col: self.col(start) })
    }

    fn string(&mut self) -> SResult<Token> {
        let start = self.pos;
        let mut i = start + 1;
        loop {
            match self.src.get(i) {
                None => {
                    self.at_end()?;
                    return self.error(start, self.line, "string literal not terminated");
                }
                Some(b'\n') => return self.error(start, self.line, "string literal not terminated"),
                Some(b'"') => break,
                Some(b'\\') => {
                    // An escaped quote or backslash does not end the string.
                    match self.src.get(i + 1) {
                        None => {
                            self.at_end()?;
                            return self.error(start, self.line, "string literal not terminated");
                        }
                        Some(b'"' | b'\\') => i += 2,
                        Some(_) => i += 1,
                    }
                }
                Some(_) => i += 1,
            }
        }
        self.pos = i + 1;
        Ok(Token { kind: Kind::Str, start, end: self.pos, line: self.line, col: self.col(start) })
    }

    fn raw_string(&mut self) -> SResult<Token> {
        let start = self.pos;
        let (line, col) = (self.line, self.col(start));
        let Some(n) = self.src[start + 1..].iter().position(|&c| c == b'`') else {
            self.at_end()?;
            return self.error(start, line, "raw string literal not terminated");
        };
        let end = start + 1 + n + 1;
        for i in start..end {
            if self.src[i] == b'\n' {
                self.newline(i);
            }
        }
        self.pos = end;
        Ok(Token { kind: Kind::Str, start, end, line, col })
    }
}

/// The header parser: a token stream plus what `go/parser` would attach as
/// lead (doc) comments.
struct Parser<'a> {
    lx: Lexer<'a>,
    tok: Token,
    /// The doc comment group of `tok`, if any.
    lead: Option<Vec<Comment>>,
    /// The comments before the first token.
    first_comments: Vec<Comment>,
}

impl<'a> Parser<'a> {
    fn new(src: &'a [u8], complete: bool) -> SResult<Parser<'a>> {
        let mut lx = Lexer::new(src, complete);
        let tok = lx.next()?;
        let first_comments = lx.comments.clone();
        let mut p = Parser { lx, tok, lead: None, first_comments };
        // At the start of the file there is no previous token: line 0.
        p.lead = p.take_lead(0, false);
        Ok(p)
    }

    fn text(&self, t: Token) -> &'a [u8] {
        &self.lx.src[t.start..t.end]
    }

    fn is_ident(&self, word: &str) -> bool {
        self.tok.kind == Kind::Ident && self.text(self.tok) == word.as_bytes()
    }

    fn advance(&mut self) -> SResult<()> {
        let prev = self.tok;
        // Go's scanner inserts a semicolon after these tokens at a newline,
        // which ends a same-line comment group at a /* */ comment spanning lines.
        let semi = match prev.kind {
            Kind::Ident => !matches!(self.text(prev), b"import" | b"package"),
            Kind::Str | Kind::Punct(b')') => true,
            _ => false,
        };
        self.tok = self.lx.next()?;
        self.lead = self.take_lead(prev.line, semi);
        Ok(())
    }

    /// Splits the comments between the previous token (on `prev_line`) and
    /// the current one into groups as `go/parser.next` does, and returns the
    /// last group if it ends on the line just before the current token.
    fn take_lead(&mut self, prev_line: u32, semi: bool) -> Option<Vec<Comment>> {
        let comments = std::mem::take(&mut self.lx.comments);
        let mut i = 0;
        if comments.first().is_some_and(|c| c.line == prev_line) {
            // The line comment of the previous token: comments that start on
            // the line where the previous one ended.
            let mut end = comments[0].end_line;
            let mut stop = semi && comments[0].multiline_block;
            i = 1;
            while !stop && i < comments.len() && comments[i].line <= end {
                end = comments[i].end_line;
                stop = semi && comments[i].multiline_block;
                i += 1;
            }
        }
        let mut last: Option<(usize, usize, u32)> = None;
        while i < comments.len() {
            let start = i;
            let mut end = comments[i].end_line;
            i += 1;
            while i < comments.len() && comments[i].line <= end + 1 {
                end = comments[i].end_line;
                i += 1;
            }
            last = Some((start, i, end));
        }
        match last {
            Some((a, b, end)) if end + 1 == self.tok.line => Some(comments[a..b].to_vec()),
            _ => None,
        }
    }

    fn describe(&self, t: Token) -> String {
        match t.kind {
            Kind::Eof => "EOF".to_string(),
            _ => format!("'{}'", String::from_utf8_lossy(self.text(t))),
        }
    }

    fn error<T>(&self, t: Token, msg: impl Into<String>) -> SResult<T> {
        Err(ScanError::Syntax { line: t.line, col: t.col, msg: msg.into() })
    }

    fn skip_semis(&mut self) -> SResult<()> {
        while self.tok.kind == Kind::Punct(b';') {
            self.advance()?;
        }
        Ok(())
    }

    /// Parses one import spec starting at the current token; returns the spec
    /// and its own doc comment.
    fn import_spec(&mut self) -> SResult<(ImportSpec, Option<Vec<Comment>>)> {
        let doc = self.lead.take();
        let first = self.tok;
        if self.tok.kind == Kind::Ident || self.tok.kind == Kind::Punct(b'.') {
            self.advance()?;
        }
        let t = self.tok;
        match t.kind {
            Kind::Str => {}
            Kind::Other if matches!(self.text(t).first(), Some(b'0'..=b'9' | b'\'')) => {
                return self.error(t, "import path must be a string")
            }
            _ => return self.error(t, format!("missing import path; found {}", self.describe(t))),
        }
        let lit = self.text(t);
        let path = unquote(lit).and_then(|b| String::from_utf8(b).ok());
        let path = match path {
            Some(p) if is_valid_import(&p) => p,
            _ => {
                let shown = String::from_utf8_lossy(lit);
                return self.error(t, format!("invalid import path: {shown}"));
            }
        };
        self.advance()?;
        Ok((ImportSpec { path, line: first.line, col: first.col }, doc))
    }
}

/// Scans a Go file's header: package clause and imports (`src` without BOM).
pub(crate) fn scan_header(src: &[u8], complete: bool) -> SResult<GoHeader> {
    let mut p = Parser::new(src, complete)?;
    let mut h = GoHeader::default();
    if !p.is_ident("package") {
        return p.error(p.tok, format!("expected 'package', found {}", p.describe(p.tok)));
    }
    // Directives are the //go: comments before the package clause.
    h.directives = p
        .first_comments
        .iter()
        .filter(|c| c.text.starts_with("//go:"))
        .map(|c| (c.line, c.col, c.text.clone()))
        .collect();
    p.advance()?;
    if p.tok.kind != Kind::Ident {
        return p.error(p.tok, format!("expected package name, found {}", p.describe(p.tok)));
    }
    let name = p.text(p.tok);
    let Ok(name) = std::str::from_utf8(name) else {
        return p.error(p.tok, "invalid UTF-8 encoding");
    };
    if name == "_" {
        return p.error(p.tok, "invalid package name _");
    }
    h.package = name.to_string();
    p.advance()?;
    p.skip_semis()?;
    while p.is_ident("import") {
        let decl_doc = p.lead.take();
        p.advance()?;
        let mut specs = Vec::new();
        if p.tok.kind == Kind::Punct(b'(') {
            p.advance()?;
            loop {
                p.skip_semis()?;
                match p.tok.kind {
                    Kind::Punct(b')') => break,
                    Kind::Eof => return p.error(p.tok, "expected ')', found EOF"),
                    _ => specs.push(p.import_spec()?),
                }
            }
            p.advance()?;
        } else {
            specs.push(p.import_spec()?);
        }
        let n_specs = specs.len();
        for (spec, doc) in specs {
            // A lone spec without its own doc takes the declaration's.
            let doc = if doc.is_none() && n_specs == 1 { decl_doc.clone() } else { doc };
            if spec.path == "C" {
                if let Some(comments) = doc {
                    h.cgo_preambles.push(CgoPreamble { line: comments[0].line, comments });
                }
            }
            h.imports.push(spec);
        }
        p.skip_semis()?;
    }
    h.end = p.tok.start;
    Ok(h)
}

/// A `//go:embed` pattern and where it was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct EmbedPattern {
    pub pattern: String,
    pub line: u32,
    pub col: u32,
}

/// Finds the `//go:embed` patterns in a whole Go file (`src` without BOM),
/// as go/build does after seeing `import "embed"`: every line comment that
/// is a well-formed `//go:embed` directive, wherever it is. Badly formed
/// ones are skipped; the compiler reports them.
pub(crate) fn find_embeds(src: &[u8]) -> Vec<EmbedPattern> {
    let mut out = Vec::new();
    let mut i = 0;
    let mut line = 1u32;
    let mut line_start = 0usize;
    let n = src.len();
    while i < n {
        match src[i] {
            b'\n' => {
                line += 1;
                line_start = i + 1;
                i += 1;
            }
            b'/' if src.get(i + 1) == Some(&b'/') => {
                let end = src[i..].iter().position(|&c| c == b'\n').map_or(n, |k| i + k);
                let text = &src[i..end];
                if text.starts_with(b"//go:embed") {
                    let stripped: Vec<u8> = text.iter().copied().filter(|&c| c != b'\r').collect();
                    let col = (i - line_start + 1) as u32;
                    if let Some(args) = parse_embed_directive(&stripped) {
                        out.extend(args.into_iter().map(|(pattern, off)| EmbedPattern {
                            pattern,
                            line,
                            col: col + off as u32,
                        }));
                    }
                }
                i = end;
            }
            b'/' if src.get(i + 1) == Some(&b'*') => {
                let end = find(&src[i + 2..], b"*/").map_or(n, |k| i + 2 + k + 2);
                for (k, &c) in src[i..end].iter().enumerate() {
                    if c == b'\n' {
                        line += 1;
                        line_start = i + k + 1;
                    }
                }
                i = end;
            }
            q @ (b'"' | b'\'') => {
                // Interpreted string or rune literal: ends at the closing
                // quote, or (unterminated) before a newline.
                i += 1;
                while i < n && src[i] != b'\n' {
                    if src[i] == q {
                        i += 1;
                        break;
                    }
                    if src[i] == b'\\' && i + 1 < n && (src[i + 1] == q || src[i + 1] == b'\\') {
                        i += 1;
                    }
                    i += 1;
                }
            }
            b'`' => {
                let end = src[i + 1..].iter().position(|&c| c == b'`').map_or(n, |k| i + 1 + k + 1);
                for (k, &c) in src[i..end].iter().enumerate() {
                    if c == b'\n' {
                        line += 1;
                        line_start = i + k + 1;
                    }
                }
                i = end;
            }
            _ => i += 1,
        }
    }
    out
}

fn is_unicode_space_at(s: &[u8]) -> Option<usize> {
    match first_char(s) {
        Some((c, n)) if c.is_whitespace() => Some(n),
        _ => None,
    }
}

/// Parses a `//go:embed` comment (`ast.ParseDirective` + `ParseArgs`):
/// returns each argument with its byte offset in the comment, or `None` if
/// the comment is not a well-formed `//go:embed` directive.
fn parse_embed_directive(c: &[u8]) -> Option<Vec<(String, usize)>> {
    // "//go:" is a valid tool prefix; the name runs to the first space.
    let rest = c.strip_prefix(b"//go:")?;
    let mut name_len = 0;
    while name_len < rest.len() && is_unicode_space_at(&rest[name_len..]).is_none() {
        name_len += first_char(&rest[name_len..]).map_or(1, |(_, n)| n);
    }
    if &rest[..name_len] != b"embed" {
        return None;
    }
    let mut i = 5 + name_len;
    // Trailing space is not part of the arguments.
    let end = i + trim_end_space(&c[i..]).len();
    let mut list = Vec::new();
    loop {
        while i < end {
            match is_unicode_space_at(&c[i..end]) {
                Some(n) => i += n,
                None => break,
            }
        }
        if i >= end {
            break;
        }
        let start = i;
        let arg = match c[i] {
            b'"' | b'`' => {
                let len = quoted_prefix(&c[i..end])?;
                let value = unquote(&c[i..i + len])?;
                i += len;
                // A quoted argument must be followed by space or the end.
                if i < end && is_unicode_space_at(&c[i..end]).is_none() {
                    return None;
                }
                String::from_utf8_lossy(&value).into_owned()
            }
            _ => {
                while i < end && is_unicode_space_at(&c[i..end]).is_none() {
                    i += first_char(&c[i..end]).map_or(1, |(_, n)| n);
                }
                String::from_utf8_lossy(&c[start..i]).into_owned()
            }
        };
        list.push((arg, start));
    }
    Some(list)
}

/// Strips trailing Unicode white space.
fn trim_end_space(mut s: &[u8]) -> &[u8] {
    while let Some((c, n)) = last_char(s) {
        if !c.is_whitespace() {
            break;
        }
        s = &s[..s.len() - n];
    }
    s
}

/// The length of the Go string literal at the start of `s`
/// (`strconv.QuotedPrefix`), if it is one.
fn quoted_prefix(s: &[u8]) -> Option<usize> {
    let quote = *s.first()?;
    if quote == b'`' {
        return s[1..].iter().position(|&c| c == b'`').map(|n| n + 2);
    }
    let mut i = 1;
    while i < s.len() && s[i] != quote {
        if s[i] == b'\n' {
            return None;
        }
        i += unquote_char(&s[i..], quote)?.1;
    }
    (i < s.len()).then_some(i + 1)
}

/// Decodes one character or escape at the start of `s` inside a string
/// quoted with `quote` (`strconv.UnquoteChar`): the bytes it stands for
/// and how many input bytes it used.
fn unquote_char(s: &[u8], quote: u8) -> Option<(Vec<u8>, usize)> {
    let c = *s.first()?;
    if c == quote {
        return None;
    }
    if c >= 0x80 {
        return Some(match first_char(s) {
            Some((ch, n)) => (ch.to_string().into_bytes(), n),
            None => ("\u{fffd}".as_bytes().to_vec(), 1),
        });
    }
    if c != b'\\' {
        return Some((vec![c], 1));
    }
    let e = *s.get(1)?;
    let simple = |b: u8| Some((vec![b], 2));
    match e {
        b'a' => simple(7),
        b'b' => simple(8),
        b'f' => simple(12),
        b'n' => simple(b'\n'),
        b'r' => simple(b'\r'),
        b't' => simple(b'\t'),
        b'v' => simple(11),
        b'\\' => simple(b'\\'),
        b'\'' | b'"' if e == quote => simple(e),
        b'x' | b'u' | b'U' => {
            let n = match e {
                b'x' => 2,
                b'u' => 4,
                _ => 8,
            };
            let digits = std::str::from_utf8(s.get(2..2 + n)?).ok()?;
            if !digits.bytes().all(|d| d.is_ascii_hexdigit()) {
                return None;
            }
            let v = u32::from_str_radix(digits, 16).ok()?;
            if e == b'x' {
                return Some((vec![v as u8], 2 + n));
            }
            let ch = char::from_u32(v)?;
            Some((ch.to_string().into_bytes(), 2 + n))
        }
        b'0'..=b'7' => {
            let d = s.get(1..4)?;
            if !d.iter().all(|c| (b'0'..=b'7').contains(c)) {
                return None;
            }
            let v = (u32::from(d[0] - b'0') << 6) | (u32::from(d[1] - b'0') << 3) | u32::from(d[2] - b'0');
            (v <= 255).then(|| (vec![v as u8], 4))
        }
        _ => None,
    }
}

/// Unquotes a Go string literal (`strconv.Unquote` for `"` and `` ` ``).
/// The result may be invalid UTF-8 (from `\x` escapes).
pub(crate) fn unquote(lit: &[u8]) -> Option<Vec<u8>> {
    if lit.len() < 2 {
        return None;
    }
    match lit[0] {
        b'`' => {
            let inner = lit.strip_suffix(b"`")?.get(1..)?;
            if inner.contains(&b'`') {
                return None;
            }
            // Carriage returns are discarded from raw strings.
            Some(inner.iter().copied().filter(|&c| c != b'\r').collect())
        }
        b'"' => {
            let mut out = Vec::new();
            let mut i = 1;
            while i < lit.len() && lit[i] != b'"' {
                if lit[i] == b'\n' {
                    return None;
                }
                let (bytes, n) = unquote_char(&lit[i..], b'"')?;
                out.extend(bytes);
                i += n;
            }
            (i == lit.len() - 1).then_some(out)
        }
        _ => None,
    }
}

/// `go/build.isValidImport`: non-empty, only graphic, non-space characters
/// outside ``!"#$%&'()*,:;<=>?[\]^{|}` `` and U+FFFD.
///
/// Go's `unicode.IsGraphic` is approximated for non-ASCII characters by
/// rejecting control, space and format characters; cmd/go rejects
/// non-ASCII import paths of modules later anyway.
pub(crate) fn is_valid_import(s: &str) -> bool {
    const ILLEGAL: &str = "!\"#$%&'()*,:;<=>?[\\]^{|}`\u{fffd}";
    !s.is_empty()
        && s.chars().all(|c| {
            !c.is_control()
                && !c.is_whitespace()
                && !ILLEGAL.contains(c)
                && !matches!(c, '\u{ad}' | '\u{600}'..='\u{605}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{206f}' | '\u{feff}' | '\u{e000}'..='\u{f8ff}')
        })
}

/// Parses a `//go:debug key=value` directive (`load.ParseGoDebug`).
/// `Ok(None)`: not a `//go:debug` line.
pub(crate) fn parse_go_debug(text: &str) -> Result<Option<(String, String)>, String> {
    if !text.starts_with("//go:debug") {
        return Ok(None);
    }
    let Some(i) = text.find([' ', '\t']) else {
        if text.trim() == "//go:debug" {
            return Err("missing key=value".into());
        }
        return Ok(None);
    };
    let Some((k, v)) = text[i..].trim().split_once('=') else {
        return Err("missing key=value".into());
    };
    // modload.CheckGodebug's syntax checks; whether the key exists is the
    // business of the GODEBUG table.
    if k.contains([' ', '\t']) {
        return Err("key contains space".into());
    }
    if v.contains([' ', '\t']) {
        return Err("value contains space".into());
    }
    if k.contains(',') {
        return Err("key contains comma".into());
    }
    if v.contains(',') {
        return Err("value contains comma".into());
    }
    Ok(Some((k.to_string(), v.to_string())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn header(src: &str) -> GoHeader {
        scan_header(src.as_bytes(), true).unwrap_or_else(|e| panic!("{src:?}: {e:?}"))
    }

    #[track_caller]
    fn header_err(src: &str) -> String {
        match scan_header(src.as_bytes(), true) {
            Err(ScanError::Syntax { line, col, msg }) => format!("{line}:{col}: {msg}"),
            other => panic!("{src:?}: expected an error, got {other:?}"),
        }
    }

    fn paths(h: &GoHeader) -> Vec<String> {
        h.imports.iter().map(|i| format!("{}@{}:{}", i.path, i.line, i.col)).collect()
    }

    #[test]
    fn imports_in_every_syntax() {
        let src = "// Copyright\n\n//go:build linux\n\n// Package p does things.\npackage p // trailing\n\nimport \"fmt\"\nimport (\n\t\"os\"; _ \"embed\"\n\tstr \"strings\"\n\t. `math`\n)\nimport x \"a/b\"\n\nfunc main() { import_ = 1 }\n";
        let h = header(src);
        assert_eq!(h.package, "p");
        assert_eq!(paths(&h), ["fmt@8:8", "os@10:2", "embed@10:8", "strings@11:2", "math@12:2", "a/b@14:8"]);
        assert_eq!(h.directives, vec![(3, 1, "//go:build linux".to_string())]);
        // go/build's directive positions have the column (an indented one too).
        let h2 = header("// Doc.\n\t//go:debug a=1\n/* x */ //go:debug b=2\npackage p\n");
        assert_eq!(h2.directives, vec![(2, 2, "//go:debug a=1".to_string()), (3, 9, "//go:debug b=2".to_string())]);
        assert_eq!(&src[h.end..h.end + 4], "func");
        // Escapes in import paths.
        let h = header("package p; import \"\\x61/\\u0062\"; import ()");
        assert_eq!(paths(&h), ["a/b@1:19"]);
        // No imports at all, and EOF right after the clause.
        assert_eq!(header("package main").imports, vec![]);
        assert_eq!(header("/* a */ package /* b */ main /* c */\n").package, "main");
    }

    #[test]
    fn comments_and_strings_do_not_confuse_it() {
        let h = header(
            "package p\n/* import \"no\" */\nimport (\n// \"no\"\n\"yes\" /* ) */\n)\nvar s = `\nimport \"no\"\n`\n",
        );
        assert_eq!(paths(&h), ["yes@5:1"]);
    }

    #[test]
    fn header_errors() {
        assert_eq!(header_err("packag p\n"), "1:1: expected 'package', found 'packag'");
        assert_eq!(header_err(""), "1:1: expected 'package', found EOF");
        assert_eq!(header_err("package _\n"), "1:9: invalid package name _");
        assert_eq!(header_err("package p\nimport \"a\nb\"\n"), "2:8: string literal not terminated");
        assert_eq!(header_err("package p\nimport 42\n"), "2:8: import path must be a string");
        assert_eq!(header_err("package p\nimport (\n\"a\"\n"), "4:1: expected ')', found EOF");
        assert_eq!(header_err("package p\nimport \"a b\"\n"), "2:8: invalid import path: \"a b\"");
        assert_eq!(header_err("package p\nimport \"\"\n"), "2:8: invalid import path: \"\"");
        assert_eq!(header_err("package p\nimport \"\\q\"\n"), "2:8: invalid import path: \"\\q\"");
        assert_eq!(header_err("/* never closed\npackage p\n"), "1:1: comment not terminated");
        assert_eq!(header_err("package p\nimport `a\n"), "2:8: raw string literal not terminated");
        assert_eq!(header_err("package p\nimport x\n"), "3:1: missing import path; found EOF");
        // Invalid UTF-8 never panics.
        assert!(scan_header(b"package \xff\xfe\nimport \"\xff\"\n", true).is_err());
    }

    #[test]
    fn prefixes_ask_for_more() {
        let src = "// c\npackage p\n\nimport (\n\t\"a\"\n\t\"b\"\n)\n\nfunc f() {}\n";
        let full = header(src);
        for n in 0..src.len() {
            match scan_header(&src.as_bytes()[..n], false) {
                Err(ScanError::NeedMore) => {}
                Ok(h) => {
                    assert_eq!(h, full, "prefix {n}");
                    assert!(n > full.end, "prefix {n} is past the header");
                }
                Err(e) => panic!("prefix {n}: {e:?}"),
            }
        }
        assert_eq!(leading_comments(b"// a\n/* b", false), Err(CommentsError::NeedMore));
        assert_eq!(leading_comments(b"// a\n/* b */\n#include", false), Ok(13));
        assert_eq!(leading_comments(b"// a\n/* b */\n", true), Ok(13));
        assert_eq!(leading_comments(b"// a\n/ b", true), Err(CommentsError::Invalid));
        assert_eq!(leading_comments(b"/* a", true), Err(CommentsError::Invalid));
        assert_eq!(leading_comments(b"// \0\n", true), Err(CommentsError::Invalid));
    }

    #[test]
    fn cgo_preamble() {
        let src = "package p\n\n// #include <stdio.h>\n// #cgo LDFLAGS: -lm\n//go:noinline\n/* int x; */\nimport \"C\"\n\nimport (\n\t// not this one\n\n\t// #define Y 1\n\t\"C\"\n)\n";
        let h = header(src);
        assert!(h.imports_c());
        assert_eq!(h.cgo_preambles.len(), 2);
        assert_eq!(h.cgo_preambles[0].line, 3);
        assert_eq!(h.cgo_preambles[0].text(), "#include <stdio.h>\n#cgo LDFLAGS: -lm\n int x;\n");
        assert_eq!(h.cgo_preambles[1].text(), "#define Y 1\n");
        // A blank line between the comment and the import: no preamble.
        let h = header("package p\n// #include <x.h>\n\nimport \"C\"\n");
        assert!(h.cgo_preambles.is_empty());
        // A comment trailing the previous import is not part of the preamble.
        let h = header("package p\nimport \"fmt\" // fmt\n// #define A\nimport \"C\"\n");
        assert_eq!(h.cgo_preambles[0].text(), "#define A\n");
        // A /* */ comment spanning lines after a token ends its line comment.
        let h = header("package p\nimport \"fmt\" /* a\n */ // b\n// c\nimport \"C\"\n");
        assert_eq!(h.cgo_preambles[0].text(), "b\nc\n");
    }

    #[test]
    fn embeds() {
        let src = "package p\n\nimport _ \"embed\"\n\n//go:embed a.txt  b/*.json\n//go:embed \"with space.txt\" `raw\\name`\r\nvar x string\n\
            var s = \"//go:embed no\"\nvar r = '\"' // go:embed no\n/* //go:embed no */\n//go:embedded no\n//go:embed \"bad\"x\nvar t = `\n//go:embed no\n`\n  //go:embed all:static\n";
        let got: Vec<String> =
            find_embeds(src.as_bytes()).iter().map(|e| format!("{}@{}:{}", e.pattern, e.line, e.col)).collect();
        assert_eq!(got, ["a.txt@5:12", "b/*.json@5:19", "with space.txt@6:12", "raw\\name@6:29", "all:static@16:14"]);
        assert!(find_embeds(b"//go:embed \"unterminated\n\"\xff").is_empty());
        assert!(find_embeds(b"'\\''//go:embed x\n").len() == 1);
    }

    #[test]
    fn unquoting() {
        assert_eq!(unquote(b"\"a\\tb\\\"\\101\\x41\\u00e9\""), Some(b"a\tb\"AA\xc3\xa9".to_vec()));
        assert_eq!(unquote(b"`a\r\\n`"), Some(b"a\\n".to_vec()));
        assert_eq!(unquote(b"\"\\'\""), None);
        assert_eq!(unquote(b"\"\\400\""), None);
        assert_eq!(unquote(b"\"\\ud800\""), None);
        assert_eq!(unquote(b"\"a"), None);
        assert_eq!(quoted_prefix(b"\"a\\\"b\" rest"), Some(6));
        assert_eq!(quoted_prefix(b"`a` rest"), Some(3));
        assert!(is_valid_import("golang.org/x/net/idna"));
        assert!(!is_valid_import("a\u{200b}b"));
    }

    #[test]
    fn garbage_never_panics() {
        // A fixed pseudo-random stream over an alphabet of Go's special bytes.
        const ALPHABET: &[u8] =
            b"package import C \"`'/*\\\n\r\t ;().x_go:embed//go:build +\xff\xe2\x80\xa8\0\xef\xbb\xbf";
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        for _ in 0..3000 {
            let mut src = Vec::new();
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let len = (seed >> 58) as usize;
            for _ in 0..len {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                src.push(ALPHABET[(seed >> 33) as usize % ALPHABET.len()]);
            }
            for n in 0..=src.len() {
                let prefix = &src[..n];
                let _ = scan_header(prefix, n == src.len());
                let _ = leading_comments(prefix, n == src.len());
            }
            let _ = find_embeds(&src);
            let _ = parse_embed_directive(&src);
            let _ = unquote(&src);
            let _ = quoted_prefix(&src);
            let _ = super::super::constraint::parse_file_header(&src);
            let _ = super::super::constraint::parse(&String::from_utf8_lossy(&src));
        }
    }

    #[test]
    fn go_debug_lines() {
        assert_eq!(parse_go_debug("//go:debug panicnil=1"), Ok(Some(("panicnil".into(), "1".into()))));
        assert_eq!(parse_go_debug("//go:debug\tk=v "), Ok(Some(("k".into(), "v".into()))));
        assert_eq!(parse_go_debug("//go:build x"), Ok(None));
        assert_eq!(parse_go_debug("//go:debugx"), Ok(None));
        assert_eq!(parse_go_debug("//go:debug"), Err("missing key=value".into()));
        assert_eq!(parse_go_debug("//go:debug k"), Err("missing key=value".into()));
        assert_eq!(parse_go_debug("//go:debug k=a,b"), Err("value contains comma".into()));
        assert_eq!(parse_go_debug("//go:debug k v=1"), Err("key contains space".into()));
    }
}
