//! A parser for the C header `cgo -exportheader` writes (`_cgo_install.h`,
//! installed as `<name>.h`), not for C in general.
//!
//! The header is mechanical (`writeExportHeader` and `writeExports` in
//! `cmd/cgo/out.go`): a builtin prolog (`_GoString_`), the package's preamble
//! verbatim between `/* Start of preamble … */` and `/* End of preamble … */`,
//! the boilerplate prologue with the Go typedefs for the target (`typedef
//! GoInt64 GoInt;` or `typedef GoInt32 GoInt;`), then per export an optional
//! `struct <Name>_return { … };`, the Go doc comment and one `extern`
//! prototype. go-link-build may concatenate the headers of several packages
//! (a generated main), so the sections can repeat.
//!
//! The preamble is arbitrary C. We tokenize it, follow `#define`/`#ifdef`
//! with what the preamble itself defines (`__cplusplus` and `_MSC_VER` are
//! undefined, as for a C compiler on the targets we build), skip function
//! bodies and keep only `typedef`s and `struct`/`union` definitions. A
//! declaration under a condition we cannot decide (`#ifdef __linux__`, `#if
//! X > 2`) is kept but marked, so the generator declares it opaque rather
//! than guess. Anything we do not understand is an error or an unmappable
//! type, never a panic.

use std::collections::BTreeSet;

/// A C type as written in the header.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum CType {
    /// A base type: `int`, `unsigned long long`, `size_t`, `GoInt`, a typedef name.
    Named(String),
    /// `struct tag` or `union tag` (`union` is true).
    Tagged { tag: String, union: bool },
    /// `enum tag`: its size is the compiler's choice.
    Enum(String),
    /// An inline `struct { … }` or `union { … }` definition (typedef of an anonymous struct).
    Record(Box<Record>),
    /// `float _Complex` (`double_width` false) or `double _Complex`.
    Complex { double_width: bool },
    /// A pointer; `pointee_const` when the pointee is `const`.
    Ptr { pointee: Box<CType>, pointee_const: bool },
    /// `T name[N]`.
    Array(Box<CType>, u64),
    /// A function type (behind a pointer for a callback).
    Func { ret: Box<CType>, params: Vec<Param>, variadic: bool },
    /// Something we recognised but cannot represent, with the reason.
    Unmappable(String),
}

/// A function parameter or struct field.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Param {
    pub name: Option<String>,
    pub ty: CType,
    /// A comment right after the field (`GoInt32 r0; /* x */`).
    pub doc: Option<String>,
}

/// A struct or union body.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Record {
    pub union: bool,
    /// `None` when the body cannot be represented (bit-fields, attributes,
    /// nested definitions), with the reason.
    pub fields: std::result::Result<Vec<Param>, String>,
}

/// Where a declaration was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Section {
    /// cgo's builtin prolog and boilerplate prologue: the Go types.
    Go,
    /// The package's `import "C"` preamble.
    Preamble,
    /// The exports part: `<Name>_return` structs and prototypes.
    Exports,
}

/// A `typedef`.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Typedef {
    pub name: String,
    pub ty: CType,
    pub section: Section,
    /// Under a preprocessor condition we could not decide.
    pub conditional: bool,
}

/// A `struct tag { … }` (or union) definition.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct TagDef {
    pub tag: String,
    pub record: Record,
    pub section: Section,
    pub conditional: bool,
}

/// An exported Go function.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Export {
    pub name: String,
    pub ret: CType,
    pub params: Vec<Param>,
    /// The Go doc comment cgo copied, without comment markers.
    pub doc: Vec<String>,
}

/// Everything the generator needs from a header.
#[derive(Debug, Default)]
pub(crate) struct Header {
    pub typedefs: Vec<Typedef>,
    pub tags: Vec<TagDef>,
    pub exports: Vec<Export>,
    /// Pointer width in bits from cgo's `_check_for_<N>_bit_pointer_matching_GoInt`.
    pub pointer_bits: Option<u32>,
    /// Preamble declarations that could not be parsed, with the reason.
    pub skipped: Vec<String>,
    /// Number of cgo headers found (several when packages were concatenated).
    pub headers: usize,
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Ident(String),
    Num(String),
    Punct(&'static str),
    /// A string or character literal (content irrelevant here).
    Lit,
    Comment(String),
    /// A preprocessor line, without the `#`, continuations joined.
    Directive(String),
}

/// Splits C text into tokens. Errors carry the 1-based line.
fn tokenize(src: &str) -> Result<Vec<(Tok, usize)>, String> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut line = 1;
    let mut at_line_start = true;
    const PUNCTS: [&str; 25] = [
        "...", "->", "<<", ">>", "==", "!=", "&&", "||", "{", "}", "(", ")", "[", "]", ";", ",", "*", "=", ":", "&",
        "<", ">", "!", "?", ".",
    ];
    while i < b.len() {
        let c = b[i];
        if c == b'\n' {
            line += 1;
            at_line_start = true;
            i += 1;
            continue;
        }
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let start_line = line;
        if c == b'#' && at_line_start {
            let mut text = String::new();
            i += 1;
            while i < b.len() && b[i] != b'\n' {
                if b[i] == b'\\' && b.get(i + 1) == Some(&b'\n') {
                    i += 2;
                    line += 1;
                    text.push(' ');
                    continue;
                }
                // A comment on a directive line ends the directive's text.
                if b[i] == b'/' && matches!(b.get(i + 1), Some(b'/') | Some(b'*')) {
                    break;
                }
                text.push(b[i] as char);
                i += 1;
            }
            out.push((Tok::Directive(text.trim().to_string()), start_line));
            continue;
        }
        at_line_start = false;
        if c == b'/' && b.get(i + 1) == Some(&b'/') {
            let end = src[i..].find('\n').map_or(b.len(), |n| i + n);
            out.push((Tok::Comment(src[i + 2..end].to_string()), start_line));
            i = end;
            continue;
        }
        if c == b'/' && b.get(i + 1) == Some(&b'*') {
            let Some(n) = src[i + 2..].find("*/") else {
                return Err(format!("line {start_line}: unterminated /* comment"));
            };
            let body = &src[i + 2..i + 2 + n];
            line += body.matches('\n').count();
            out.push((Tok::Comment(body.to_string()), start_line));
            i += 2 + n + 2;
            continue;
        }
        if c == b'"' || c == b'\'' {
            i += 1;
            loop {
                match b.get(i) {
                    None | Some(b'\n') => return Err(format!("line {start_line}: unterminated literal")),
                    Some(b'\\') => i += 2,
                    Some(&q) if q == c => {
                        i += 1;
                        break;
                    }
                    Some(_) => i += 1,
                }
            }
            out.push((Tok::Lit, start_line));
            continue;
        }
        if c.is_ascii_alphabetic() || c == b'_' || c >= 0x80 {
            let s = i;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] >= 0x80) {
                i += 1;
            }
            out.push((Tok::Ident(String::from_utf8_lossy(&b[s..i]).into_owned()), start_line));
            continue;
        }
        if c.is_ascii_digit() {
            let s = i;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'.') {
                i += 1;
            }
            out.push((Tok::Num(src[s..i].to_string()), start_line));
            continue;
        }
        if let Some(p) = PUNCTS.iter().find(|p| src[i..].starts_with(**p)) {
            out.push((Tok::Punct(p), start_line));
            i += p.len();
            continue;
        }
        // Other operators (`+`, `-`, `%`, `~`, `^`, `|`, `/`) matter only
        // inside expressions and bodies we skip; one token each.
        out.push((Tok::Punct("op"), start_line));
        i += if c.is_ascii() { 1 } else { src[i..].chars().next().map_or(1, char::len_utf8) };
    }
    Ok(out)
}

/// The state of one `#if` group.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Cond {
    True,
    False,
    Unknown,
}

struct Group {
    /// The value of the branch we are in.
    current: Cond,
    /// Whether an earlier branch was (or may have been) taken.
    taken: Cond,
    /// Whether the enclosing region is active at all.
    parent_active: bool,
}

/// Evaluates a `#if` expression we can decide: `0`, `1`, `defined(X)`,
/// `defined X`, `!defined(X)`, `X` (a macro we defined as a number).
fn eval_if(expr: &str, defined: &BTreeSet<String>) -> Cond {
    let e: String = expr.chars().filter(|c| !c.is_whitespace()).collect();
    let (neg, e) = match e.strip_prefix('!') {
        Some(rest) => (true, rest.to_string()),
        None => (false, e),
    };
    let v = if e == "0" {
        Cond::False
    } else if e == "1" {
        Cond::True
    } else if let Some(name) =
        e.strip_prefix("defined(").and_then(|r| r.strip_suffix(')')).or(e.strip_prefix("defined"))
    {
        is_defined(name, defined)
    } else {
        Cond::Unknown
    };
    match (neg, v) {
        (true, Cond::True) => Cond::False,
        (true, Cond::False) => Cond::True,
        (_, v) => v,
    }
}

/// Whether a macro is defined: what the header defined, and the two
/// compiler macros the header tests that we know are absent for a C compile
/// on the targets cgo serves (gcc and clang in C mode).
fn is_defined(name: &str, defined: &BTreeSet<String>) -> Cond {
    if defined.contains(name) {
        Cond::True
    } else if name == "__cplusplus" || name == "_MSC_VER" || name.starts_with("GO_CGO_") {
        // GO_CGO_* guards: cgo's own header guards (set by #define above) or
        // opt-outs such as GO_CGO_GOSTRING_TYPEDEF that a user would set in
        // C code including the header, not in the header.
        Cond::False
    } else if name.starts_with("_check_for") {
        Cond::False
    } else {
        Cond::Unknown
    }
}

/// Parses the text of a header written by `cgo -exportheader` (possibly several concatenated).
pub(crate) fn parse(text: &str) -> Result<Header, String> {
    let toks = tokenize(text)?;
    let mut header = Header::default();
    let mut section: Option<Section> = None;
    let mut defined: BTreeSet<String> = BTreeSet::new();
    let mut groups: Vec<Group> = Vec::new();
    // The tokens of the current statement, its leading comments, and whether
    // any of it is under an undecided condition.
    let mut stmt: Vec<(Tok, usize)> = Vec::new();
    let mut docs: Vec<String> = Vec::new();
    let mut conditional = false;
    let mut depth: i32 = 0;
    let mut fn_body = false;
    let active = |groups: &[Group]| match groups.last() {
        Some(g) => g.parent_active && g.current != Cond::False,
        None => true,
    };
    let undecided = |groups: &[Group]| groups.iter().any(|g| g.current == Cond::Unknown);
    let mut idx = 0;
    while idx < toks.len() {
        let (tok, line) = &toks[idx];
        idx += 1;
        match tok {
            Tok::Directive(d) => {
                let (word, rest) = d.split_once(|c: char| c.is_whitespace()).unwrap_or((d.as_str(), ""));
                let rest = rest.trim();
                let parent_active = active(&groups);
                match word {
                    "ifdef" | "ifndef" | "if" => {
                        let mut v = match word {
                            "ifdef" => is_defined(rest, &defined),
                            "ifndef" => eval_if(&format!("!defined({rest})"), &defined),
                            _ => eval_if(rest, &defined),
                        };
                        if !parent_active {
                            v = Cond::False;
                        }
                        groups.push(Group { current: v, taken: v, parent_active });
                    }
                    "elif" | "else" => {
                        let Some(g) = groups.last_mut() else {
                            return Err(format!("line {line}: #{word} without #if"));
                        };
                        let v = if word == "else" { Cond::True } else { eval_if(rest, &defined) };
                        g.current = match (g.taken, v) {
                            (Cond::True, _) => Cond::False,
                            (_, Cond::False) => Cond::False,
                            (Cond::False, v) => v,
                            (Cond::Unknown, _) => Cond::Unknown,
                        };
                        if !g.parent_active {
                            g.current = Cond::False;
                        }
                        g.taken = match (g.taken, g.current) {
                            (Cond::True, _) | (_, Cond::True) => Cond::True,
                            (Cond::Unknown, _) | (_, Cond::Unknown) => Cond::Unknown,
                            _ => Cond::False,
                        };
                    }
                    "endif" if groups.pop().is_none() => {
                        return Err(format!("line {line}: #endif without #if"));
                    }
                    "define" if active(&groups) => {
                        let name: String =
                            rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
                        if !name.is_empty() {
                            defined.insert(name);
                        }
                    }
                    "undef" if active(&groups) => {
                        defined.remove(rest);
                    }
                    _ => {}
                }
            }
            Tok::Comment(c) => {
                let marker = c.trim();
                let new_section = if marker.starts_with("Code generated by cmd/cgo") {
                    header.headers += 1;
                    // A new header: a concatenated one starts over with its
                    // own preamble; the prologue guard stays defined as in C.
                    Some(Section::Go)
                } else if marker.starts_with("Start of preamble from import \"C\"") {
                    Some(Section::Preamble)
                } else if marker.starts_with("End of preamble from import \"C\"") {
                    Some(Section::Go)
                } else if marker.starts_with("End of boilerplate cgo prologue") {
                    Some(Section::Exports)
                } else {
                    None
                };
                if let Some(s) = new_section {
                    if !stmt.is_empty() || depth != 0 {
                        return Err(format!("line {line}: unterminated declaration before the {marker:?} marker"));
                    }
                    section = Some(s);
                    docs.clear();
                } else if active(&groups) {
                    if stmt.is_empty() {
                        docs.push(c.clone());
                    } else {
                        stmt.push((tok.clone(), *line));
                    }
                }
            }
            _ if !active(&groups) => {}
            _ => {
                if section.is_none() {
                    return Err(format!(
                        "line {line}: C code before the `/* Code generated by cmd/cgo; DO NOT EDIT. */` line: \
                         this is not a header written by cgo -exportheader"
                    ));
                }
                conditional |= undecided(&groups);
                match tok {
                    Tok::Punct("{") => {
                        if depth == 0 {
                            // A function definition (`static inline int f(int x) { … }`)
                            // ends at its closing brace, with no `;`.
                            fn_body = stmt
                                .iter()
                                .rev()
                                .find(|(t, _)| !matches!(t, Tok::Comment(_)))
                                .is_some_and(|(t, _)| *t == Tok::Punct(")"))
                                && !stmt.first().is_some_and(|(t, _)| *t == Tok::Ident("typedef".into()));
                        }
                        depth += 1;
                    }
                    Tok::Punct("}") => depth -= 1,
                    _ => {}
                }
                if depth < 0 {
                    return Err(format!("line {line}: unbalanced `}}`"));
                }
                let is_fn_body_end = depth == 0 && fn_body && *tok == Tok::Punct("}");
                stmt.push((tok.clone(), *line));
                let ends = (depth == 0 && *tok == Tok::Punct(";")) || is_fn_body_end;
                if ends {
                    let s = section.unwrap_or(Section::Go);
                    if !is_fn_body_end {
                        statement(&stmt, &docs, s, conditional, &mut header)?;
                    }
                    stmt.clear();
                    docs.clear();
                    conditional = false;
                    fn_body = false;
                }
            }
        }
    }
    if !groups.is_empty() {
        return Err("unterminated #if at the end of the header".into());
    }
    if !stmt.is_empty() {
        return Err(format!("unterminated declaration at the end of the header (line {})", stmt[0].1));
    }
    if header.headers == 0 && !text.trim().is_empty() && !text.contains("Code generated by go-link-build") {
        return Err(
            "no `/* Code generated by cmd/cgo; DO NOT EDIT. */` line: not a header written by cgo -exportheader".into(),
        );
    }
    Ok(header)
}

/// Handles one complete top-level statement. A preamble declaration we
/// cannot parse is skipped (and noted): a type it declares that an export
/// uses is then unknown, which the generator reports. A prototype cgo wrote
/// that we cannot parse is an error.
fn statement(
    stmt: &[(Tok, usize)],
    docs: &[String],
    section: Section,
    conditional: bool,
    header: &mut Header,
) -> Result<(), String> {
    let line = stmt.first().map_or(0, |t| t.1);
    let mut p = Parser { toks: stmt, pos: 0, line, tag_defs: Vec::new() };
    let res = statement_inner(&mut p, docs, section, conditional, header);
    for (tag, record) in p.tag_defs {
        header.tags.push(TagDef { tag, record, section, conditional });
    }
    match res {
        Err(e) if section == Section::Preamble => {
            header.skipped.push(e);
            Ok(())
        }
        other => other,
    }
}

fn statement_inner(
    p: &mut Parser<'_>,
    docs: &[String],
    section: Section,
    conditional: bool,
    header: &mut Header,
) -> Result<(), String> {
    let line = p.line;
    match p.peek_ident().as_deref() {
        Some("typedef") => {
            p.pos += 1;
            let (base, base_const) = p.specifiers()?;
            loop {
                let (name, ty) = p.declarator(base.clone(), base_const)?;
                let Some(name) = name else {
                    return Err(format!("line {line}: typedef without a name"));
                };
                // `typedef char _check_for_64_bit_pointer_matching_GoInt[…]`.
                if let Some(rest) = name.strip_prefix("_check_for_") {
                    header.pointer_bits = rest.split('_').next().and_then(|n| n.parse().ok());
                } else {
                    header.typedefs.push(Typedef { name, ty, section, conditional });
                }
                if !p.eat(",") {
                    break;
                }
            }
            p.expect(";")
        }
        Some("extern") if section == Section::Exports => {
            let (base, base_const) = p.specifiers()?;
            let (name, ty) = p.declarator(base, base_const)?;
            p.expect(";")?;
            let (Some(name), CType::Func { ret, params, variadic }) = (name, ty) else {
                return Err(format!("line {line}: an extern declaration that is not a function prototype"));
            };
            if variadic {
                return Err(format!("line {line}: exported function {name} is variadic, which cgo never writes"));
            }
            let doc = docs.iter().flat_map(|d| doc_lines(d)).collect();
            header.exports.push(Export { name, ret: *ret, params, doc });
            Ok(())
        }
        // `struct tag { … };`: `specifiers` records the definition. Other
        // statements (variables, C prototypes, helpers) are not our business.
        Some("struct") | Some("union") => p.specifiers().map(|_| ()),
        _ => Ok(()),
    }
}

/// The lines of a comment, without `//`, `*` decorations or surrounding blank lines.
fn doc_lines(comment: &str) -> Vec<String> {
    let mut lines: Vec<String> = comment
        .lines()
        .map(|l| {
            let t = l.trim();
            let t = t.strip_prefix('*').unwrap_or(t);
            t.strip_prefix(' ').unwrap_or(t).trim_end().to_string()
        })
        .skip_while(|l| l.is_empty())
        .collect();
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    lines
}

/// Qualifiers and storage classes that do not change a type's layout.
const IGNORED: [&str; 16] = [
    "const",
    "volatile",
    "restrict",
    "__restrict",
    "__restrict__",
    "static",
    "extern",
    "inline",
    "__inline",
    "__inline__",
    "__extension__",
    "register",
    "_Noreturn",
    "__const",
    "__volatile__",
    "auto",
];

/// Words of a builtin base type.
const BASE_WORDS: [&str; 14] = [
    "void",
    "char",
    "short",
    "int",
    "long",
    "float",
    "double",
    "signed",
    "unsigned",
    "_Bool",
    "bool",
    "_Complex",
    "__int128",
    "__signed__",
];

struct Parser<'a> {
    toks: &'a [(Tok, usize)],
    pos: usize,
    line: usize,
    /// `struct tag { … }` definitions met on the way.
    tag_defs: Vec<(String, Record)>,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.toks[self.pos.min(self.toks.len())..].iter().map(|(t, _)| t).find(|t| !matches!(t, Tok::Comment(_)))
    }

    /// The token after the next one (comments skipped).
    fn peek2(&self) -> Option<&Tok> {
        self.toks[self.pos.min(self.toks.len())..]
            .iter()
            .map(|(t, _)| t)
            .filter(|t| !matches!(t, Tok::Comment(_)))
            .nth(1)
    }

    fn skip_comments(&mut self) {
        while matches!(self.toks.get(self.pos), Some((Tok::Comment(_), _))) {
            self.pos += 1;
        }
    }

    fn next(&mut self) -> Option<Tok> {
        self.skip_comments();
        let t = self.toks.get(self.pos).map(|(t, _)| t.clone());
        if t.is_some() {
            self.pos += 1;
        }
        t
    }

    fn peek_ident(&self) -> Option<String> {
        match self.peek() {
            Some(Tok::Ident(s)) => Some(s.clone()),
            _ => None,
        }
    }

    fn is_punct(&self, p: &str) -> bool {
        matches!(self.peek(), Some(Tok::Punct(q)) if *q == p)
    }

    fn eat(&mut self, p: &str) -> bool {
        if self.is_punct(p) {
            self.skip_comments();
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, p: &str) -> Result<(), String> {
        if self.eat(p) {
            Ok(())
        } else {
            Err(format!("line {}: expected `{p}`, found {}", self.line, self.describe()))
        }
    }

    fn describe(&self) -> String {
        match self.peek() {
            None => "the end of the declaration".into(),
            Some(Tok::Ident(s)) | Some(Tok::Num(s)) => format!("`{s}`"),
            Some(Tok::Punct(p)) => format!("`{p}`"),
            Some(_) => "a literal".into(),
        }
    }

    /// The index just past the token that closes the group opened at `self.pos`.
    fn matching(&self, open: &str, close: &str) -> Result<usize, String> {
        let mut d = 0;
        for (i, (t, _)) in self.toks.iter().enumerate().skip(self.pos) {
            match t {
                Tok::Punct(p) if *p == open => d += 1,
                Tok::Punct(p) if *p == close => {
                    d -= 1;
                    if d == 0 {
                        return Ok(i + 1);
                    }
                }
                _ => {}
            }
        }
        Err(format!("line {}: unbalanced `{open}`", self.line))
    }

    fn skip_group(&mut self) -> Result<(), String> {
        self.skip_comments();
        self.pos = self.matching("(", ")")?;
        Ok(())
    }

    /// Declaration specifiers: the base type and whether it is `const`.
    fn specifiers(&mut self) -> Result<(CType, bool), String> {
        let mut words: Vec<String> = Vec::new();
        let mut ty: Option<CType> = None;
        let mut is_const = false;
        let mut attribute: Option<String> = None;
        while let Some(word) = self.peek_ident() {
            if IGNORED.contains(&word.as_str()) {
                is_const |= word == "const" || word == "__const";
                self.next();
            } else if word == "__declspec" || word == "__asm__" || word == "__asm" {
                // `__declspec(dllexport)` on old Windows headers: no effect on types.
                self.next();
                self.skip_group()?;
            } else if word == "__attribute__" || word == "_Alignas" || word == "alignas" {
                self.next();
                self.skip_group()?;
                attribute = Some(format!("it has `{word}`, which can change its layout"));
            } else if word == "struct" || word == "union" {
                if ty.is_some() || !words.is_empty() {
                    break;
                }
                self.next();
                ty = Some(self.record(word == "union")?);
            } else if word == "enum" {
                if ty.is_some() || !words.is_empty() {
                    break;
                }
                self.next();
                let tag = self.peek_ident();
                if tag.is_some() {
                    self.next();
                }
                if self.is_punct("{") {
                    self.skip_comments();
                    self.pos = self.matching("{", "}")?;
                }
                ty = Some(CType::Enum(tag.unwrap_or_default()));
            } else if BASE_WORDS.contains(&word.as_str()) {
                if ty.is_some() {
                    break;
                }
                words.push(word);
                self.next();
            } else if ty.is_none() && words.is_empty() {
                // A typedef name (GoInt, size_t, visit_fn, …).
                ty = Some(CType::Named(word));
                self.next();
            } else {
                break;
            }
        }
        let ty = match (ty, words.is_empty()) {
            (Some(t), true) => t,
            (None, false) => base_type(&words),
            (None, true) => return Err(format!("line {}: expected a type, found {}", self.line, self.describe())),
            (Some(_), false) => return Err(format!("line {}: two types in one declaration", self.line)),
        };
        Ok(match attribute {
            Some(why) => (CType::Unmappable(why), is_const),
            None => (ty, is_const),
        })
    }

    /// After `struct`/`union`: an optional tag and an optional body.
    fn record(&mut self, union: bool) -> Result<CType, String> {
        let tag = self.peek_ident();
        if tag.is_some() {
            self.next();
        }
        if !self.is_punct("{") {
            return match tag {
                Some(tag) => Ok(CType::Tagged { tag, union }),
                None => Err(format!("line {}: `struct` without a tag or a body", self.line)),
            };
        }
        self.skip_comments();
        let open = self.pos;
        let end = self.matching("{", "}")?;
        let mut body = Parser { toks: &self.toks[open + 1..end - 1], pos: 0, line: self.line, tag_defs: Vec::new() };
        let fields = body.fields();
        self.pos = end;
        let record = Record { union, fields };
        match tag {
            Some(tag) => {
                self.tag_defs.push((tag.clone(), record));
                Ok(CType::Tagged { tag, union })
            }
            None => Ok(CType::Record(Box::new(record))),
        }
    }

    /// A struct body: fields, or why it cannot be represented.
    fn fields(&mut self) -> Result<Vec<Param>, String> {
        let mut out = Vec::new();
        while self.peek().is_some() {
            if self.peek_ident().is_some_and(|w| w == "struct" || w == "union")
                && matches!(self.peek2(), Some(Tok::Punct("{")))
                || matches!(self.peek2(), Some(Tok::Ident(_))) && {
                    let mut look = Parser { toks: self.toks, pos: self.pos, line: self.line, tag_defs: Vec::new() };
                    look.next();
                    look.next();
                    look.is_punct("{")
                }
            {
                return Err("it has a nested struct or union definition".into());
            }
            let (base, base_const) = self.specifiers()?;
            loop {
                let (name, ty) = self.declarator(base.clone(), base_const)?;
                if self.is_punct(":") {
                    return Err("it has bit-fields, whose layout C leaves to the compiler".into());
                }
                let Some(name) = name else {
                    return Err("it has an unnamed member".into());
                };
                out.push(Param { name: Some(name), ty, doc: None });
                if !self.eat(",") {
                    break;
                }
            }
            self.skip_comments();
            let semi_line = self.toks.get(self.pos).map(|t| t.1);
            self.expect(";")?;
            // cgo's `GoInt32 r0; /* x */`: the Go result name.
            if let (Some((Tok::Comment(c), l)), Some(last)) = (self.toks.get(self.pos), out.last_mut()) {
                if Some(*l) == semi_line {
                    last.doc = Some(c.trim().to_string());
                    self.pos += 1;
                }
            }
        }
        if out.is_empty() {
            return Err("it has no members".into());
        }
        Ok(out)
    }

    /// A declarator (named or abstract) applied to `base`.
    fn declarator(&mut self, base: CType, base_const: bool) -> Result<(Option<String>, CType), String> {
        let mut ty = base;
        let mut pointee_const = base_const;
        while self.eat("*") {
            ty = CType::Ptr { pointee: Box::new(ty), pointee_const };
            pointee_const = false;
            while let Some(q) = self.peek_ident().filter(|w| IGNORED.contains(&w.as_str())) {
                pointee_const |= q == "const";
                self.next();
            }
        }
        let mut name = None;
        let mut inner: Option<(usize, usize)> = None;
        if self.is_punct("(") && matches!(self.peek2(), Some(Tok::Punct("*")) | Some(Tok::Punct("("))) {
            self.skip_comments();
            let start = self.pos;
            let end = self.matching("(", ")")?;
            inner = Some((start + 1, end - 1));
            self.pos = end;
        } else if let Some(w) = self.peek_ident() {
            if w == "__attribute__" {
                return Err(format!("line {}: `__attribute__` in a declarator", self.line));
            }
            name = Some(w);
            self.next();
        }
        let mut suffixes: Vec<CType> = Vec::new();
        loop {
            if self.is_punct("[") {
                self.skip_comments();
                let end = self.matching("[", "]")?;
                let inside: Vec<&Tok> = self.toks[self.pos + 1..end - 1].iter().map(|(t, _)| t).collect();
                self.pos = end;
                let elem = Box::new(CType::Named(String::new()));
                suffixes.push(match inside.as_slice() {
                    [] => CType::Array(elem, 0),
                    [Tok::Num(n)] => match parse_c_int(n) {
                        Some(n) => CType::Array(elem, n),
                        None => CType::Unmappable(format!("array length {n} is not a plain number")),
                    },
                    // `sizeof(void*)==64/8 ? 1:-1` and other constant expressions.
                    _ => CType::Unmappable("its array length is an expression".into()),
                });
            } else if self.is_punct("(") {
                let (params, variadic) = self.params()?;
                suffixes.push(CType::Func { ret: Box::new(CType::Named(String::new())), params, variadic });
            } else {
                break;
            }
        }
        for s in suffixes.into_iter().rev() {
            ty = match s {
                CType::Array(_, n) => CType::Array(Box::new(ty), n),
                u @ CType::Unmappable(_) => u,
                CType::Func { params, variadic, .. } => CType::Func { ret: Box::new(ty), params, variadic },
                other => other,
            };
        }
        if let Some((start, end)) = inner {
            let mut sub = Parser { toks: &self.toks[start..end], pos: 0, line: self.line, tag_defs: Vec::new() };
            let (n, t) = sub.declarator(ty, false)?;
            if sub.peek().is_some() {
                return Err(format!("line {}: unexpected {} in a declarator", self.line, sub.describe()));
            }
            name = n;
            ty = t;
        }
        Ok((name, ty))
    }

    /// A parameter list `( … )`: parameters and whether it ends with `...`.
    fn params(&mut self) -> Result<(Vec<Param>, bool), String> {
        self.expect("(")?;
        let mut params = Vec::new();
        if self.peek_ident().is_some_and(|w| w == "void") && matches!(self.peek2(), Some(Tok::Punct(")"))) {
            self.next();
            self.next();
            return Ok((params, false));
        }
        if self.eat(")") {
            // `f()`: unspecified parameters in C before C23; cgo writes `(void)`.
            return Ok((params, false));
        }
        loop {
            if self.eat("...") {
                self.expect(")")?;
                return Ok((params, true));
            }
            let (base, base_const) = self.specifiers()?;
            let (name, ty) = self.declarator(base, base_const)?;
            // Parameters of array and function type are pointers (C11 6.7.6.3).
            let ty = match ty {
                CType::Array(elem, _) => CType::Ptr { pointee: elem, pointee_const: base_const },
                f @ CType::Func { .. } => CType::Ptr { pointee: Box::new(f), pointee_const: false },
                t => t,
            };
            params.push(Param { name, ty, doc: None });
            if self.eat(")") {
                return Ok((params, false));
            }
            self.expect(",")?;
        }
    }
}

/// A C integer constant (`16`, `0x10`, `16u`).
fn parse_c_int(s: &str) -> Option<u64> {
    let t = s.trim_end_matches(['u', 'U', 'l', 'L']);
    match t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        Some(h) => u64::from_str_radix(h, 16).ok(),
        None if t.len() > 1 && t.starts_with('0') => u64::from_str_radix(&t[1..], 8).ok(),
        None => t.parse().ok(),
    }
}

/// The canonical spelling of a builtin type from its words in any order
/// (`unsigned long long int` → `unsigned long long`).
fn base_type(words: &[String]) -> CType {
    let count = |w: &str| words.iter().filter(|x| *x == w).count();
    let unsigned = count("unsigned") > 0;
    let signed = count("signed") + count("__signed__") > 0;
    let longs = count("long");
    if count("_Complex") > 0 {
        return match (count("float"), count("double"), longs) {
            (1, 0, 0) => CType::Complex { double_width: false },
            (0, 1, 0) => CType::Complex { double_width: true },
            _ => CType::Unmappable(format!("`{}` has no Rust equivalent", words.join(" "))),
        };
    }
    let name = if count("void") > 0 {
        "void".to_string()
    } else if count("_Bool") + count("bool") > 0 {
        "_Bool".to_string()
    } else if count("__int128") > 0 {
        return CType::Unmappable("`__int128` has no stable C ABI in Rust".into());
    } else if count("float") > 0 {
        "float".to_string()
    } else if count("double") > 0 {
        if longs > 0 {
            return CType::Unmappable("`long double` has no Rust equivalent".into());
        }
        "double".to_string()
    } else if count("char") > 0 {
        match (signed, unsigned) {
            (_, true) => "unsigned char",
            (true, _) => "signed char",
            _ => "char",
        }
        .to_string()
    } else {
        let core = match (count("short"), longs) {
            (1, 0) => "short",
            (0, 1) => "long",
            (0, 2) => "long long",
            _ => "int",
        };
        if unsigned {
            format!("unsigned {core}")
        } else {
            core.to_string()
        }
    };
    CType::Named(name)
}
