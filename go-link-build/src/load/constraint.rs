//! Build constraints: `//go:build` expressions, legacy `// +build` lines, the
//! file header they must live in, and the `_GOOS_GOARCH` file-name rule.
//!
//! This is a port of `go/build/constraint` (`Parse`, the expression parser,
//! `parsePlusBuildExpr`) and of `go/build`'s `parseFileHeader`,
//! `shouldBuild` and `goodOSArchFile` from Go 1.26, kept deliberately close to
//! the original so the two can be compared line by line. Tags are evaluated
//! with `BuildContext::match_tag`, the twin of `go/build.Context.matchTag`.
//!
//! Some rules that surprise people, all inherited from go/build:
//! - A `//go:build` line anywhere in the leading comments decides, even with no
//!   blank line after it; `// +build` lines count only before the last blank
//!   line that precedes the first non-comment text.
//! - A `// +build` line that does not parse is ignored; a `//go:build` line that
//!   does not parse is an error (for `.go` files; other files are then dropped).
//! - `foo_linux.go` is constrained by its name, `linux.go` is not, and
//!   `foo_unix.go` is not (`unix` is not a GOOS).
//!
//! Architecture invariant: no IO here.

use crate::context::{BuildContext, KNOWN_ARCH, KNOWN_OS};

/// A parsed build constraint expression (`constraint.Expr`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Expr {
    /// A single tag, such as `linux` or `go1.21`.
    Tag(String),
    /// `!x`.
    Not(Box<Expr>),
    /// `x && y`.
    And(Box<Expr>, Box<Expr>),
    /// `x || y`.
    Or(Box<Expr>, Box<Expr>),
}

impl Expr {
    /// Evaluates the expression, asking `ok` about each tag.
    pub(crate) fn eval(&self, ok: &dyn Fn(&str) -> bool) -> bool {
        match self {
            Expr::Tag(t) => ok(t),
            Expr::Not(x) => !x.eval(ok),
            Expr::And(x, y) => x.eval(ok) && y.eval(ok),
            Expr::Or(x, y) => x.eval(ok) || y.eval(ok),
        }
    }

    fn tag(s: &str) -> Expr {
        Expr::Tag(s.to_string())
    }
}

/// Prints the expression the way `constraint.Expr.String` does.
impl std::fmt::Display for Expr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Expr::Tag(t) => f.write_str(t),
            Expr::Not(x) => match **x {
                Expr::And(..) | Expr::Or(..) => write!(f, "!({x})"),
                _ => write!(f, "!{x}"),
            },
            Expr::And(x, y) => {
                let arg = |e: &Expr| {
                    if matches!(e, Expr::Or(..)) {
                        format!("({e})")
                    } else {
                        e.to_string()
                    }
                };
                write!(f, "{} && {}", arg(x), arg(y))
            }
            Expr::Or(x, y) => {
                let arg = |e: &Expr| {
                    if matches!(e, Expr::And(..)) {
                        format!("({e})")
                    } else {
                        e.to_string()
                    }
                };
                write!(f, "{} || {}", arg(x), arg(y))
            }
        }
    }
}

/// Why a line is not a usable constraint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum ParseError {
    /// The line is neither a `//go:build` nor a `// +build` line.
    NotConstraint,
    /// A syntax error, with the byte offset into the expression text.
    Syntax { offset: usize, message: String },
    /// A `// +build` line with more than 100 terms.
    TooComplex,
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ParseError::NotConstraint => f.write_str("not a build constraint"),
            ParseError::Syntax { message, .. } => f.write_str(message),
            ParseError::TooComplex => f.write_str("expression too complex for // +build lines"),
        }
    }
}

/// Parses a single `//go:build` or `// +build` line (`constraint.Parse`).
pub(crate) fn parse(line: &str) -> Result<Expr, ParseError> {
    if let Some(text) = split_go_build(line) {
        return parse_expr(text);
    }
    if let Some(text) = split_plus_build(line) {
        return parse_plus_build_expr(text);
    }
    Err(ParseError::NotConstraint)
}

/// Reports whether the line is a `//go:build` line (`constraint.IsGoBuild`).
#[cfg(test)]
pub(crate) fn is_go_build(line: &str) -> bool {
    split_go_build(line).is_some()
}

/// Reports whether the line is a `// +build` line (`constraint.IsPlusBuild`).
pub(crate) fn is_plus_build(line: &str) -> bool {
    split_plus_build(line).is_some()
}

/// Go's `strings.TrimSpace`: Unicode white space on both ends.
fn trim_space(s: &str) -> &str {
    s.trim_matches(char::is_whitespace)
}

fn split_go_build(line: &str) -> Option<&str> {
    let line = line.strip_suffix('\n').unwrap_or(line);
    if line.contains('\n') || !line.starts_with("//go:build") {
        return None;
    }
    let line = &trim_space(line)["//go:build".len()..];
    let trim = trim_space(line);
    // "//go:buildx" is not a //go:build line: the keyword must be followed by
    // space or nothing.
    if line.len() == trim.len() && !line.is_empty() {
        return None;
    }
    Some(trim)
}

fn split_plus_build(line: &str) -> Option<&str> {
    let line = line.strip_suffix('\n').unwrap_or(line);
    if line.contains('\n') {
        return None;
    }
    let line = trim_space(line.strip_prefix("//")?);
    let line = line.strip_prefix("+build")?;
    let trim = trim_space(line);
    if line.len() == trim.len() && !line.is_empty() {
        return None;
    }
    Some(trim)
}

/// The maximum number of `!`-terms in a `//go:build` expression.
const MAX_SIZE: usize = 1000;

/// A recursive-descent parser for `//go:build` expressions (`exprParser`).
struct ExprParser<'a> {
    s: &'a str,
    i: usize,
    tok: &'a str,
    is_tag: bool,
    pos: usize,
    size: usize,
}

type PResult<T> = Result<T, ParseError>;

fn syntax(offset: usize, message: impl Into<String>) -> ParseError {
    ParseError::Syntax { offset, message: message.into() }
}

fn parse_expr(text: &str) -> PResult<Expr> {
    let mut p = ExprParser { s: text, i: 0, tok: "", is_tag: false, pos: 0, size: 0 };
    let x = p.or()?;
    if !p.tok.is_empty() {
        return Err(syntax(p.pos, format!("unexpected token {}", p.tok)));
    }
    Ok(x)
}

/// Characters allowed in a tag: Go's `unicode.IsLetter || unicode.IsDigit || '_' || '.'`.
/// Rust's `is_alphanumeric` is a slightly larger set for non-ASCII text, which
/// never names a real tag.
fn is_tag_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '.'
}

impl<'a> ExprParser<'a> {
    fn or(&mut self) -> PResult<Expr> {
        let mut x = self.and()?;
        while self.tok == "||" {
            x = Expr::Or(Box::new(x), Box::new(self.and()?));
        }
        Ok(x)
    }

    fn and(&mut self) -> PResult<Expr> {
        let mut x = self.not()?;
        while self.tok == "&&" {
            x = Expr::And(Box::new(x), Box::new(self.not()?));
        }
        Ok(x)
    }

    fn not(&mut self) -> PResult<Expr> {
        self.size += 1;
        if self.size > MAX_SIZE {
            return Err(syntax(self.pos, "build expression too large"));
        }
        self.lex()?;
        if self.tok == "!" {
            self.lex()?;
            if self.tok == "!" {
                return Err(syntax(self.pos, "double negation not allowed"));
            }
            return Ok(Expr::Not(Box::new(self.atom()?)));
        }
        self.atom()
    }

    fn atom(&mut self) -> PResult<Expr> {
        if self.tok == "(" {
            let pos = self.pos;
            let x = self.or().map_err(|e| match e {
                ParseError::Syntax { offset, message } if message == "unexpected end of expression" => {
                    syntax(offset, "missing close paren")
                }
                e => e,
            })?;
            if self.tok != ")" {
                return Err(syntax(pos, "missing close paren"));
            }
            self.lex()?;
            return Ok(x);
        }
        if !self.is_tag {
            if self.tok.is_empty() {
                return Err(syntax(self.pos, "unexpected end of expression"));
            }
            return Err(syntax(self.pos, format!("unexpected token {}", self.tok)));
        }
        let tok = self.tok;
        self.lex()?;
        Ok(Expr::tag(tok))
    }

    fn lex(&mut self) -> PResult<()> {
        self.is_tag = false;
        let b = self.s.as_bytes();
        while self.i < b.len() && (b[self.i] == b' ' || b[self.i] == b'\t') {
            self.i += 1;
        }
        if self.i >= b.len() {
            self.tok = "";
            self.pos = self.i;
            return Ok(());
        }
        match b[self.i] {
            b'(' | b')' | b'!' => {
                self.pos = self.i;
                self.i += 1;
                self.tok = &self.s[self.pos..self.i];
                return Ok(());
            }
            c @ (b'&' | b'|') => {
                if self.i + 1 >= b.len() || b[self.i + 1] != c {
                    return Err(syntax(self.i, format!("invalid syntax at {}", c as char)));
                }
                self.pos = self.i;
                self.i += 2;
                self.tok = &self.s[self.pos..self.i];
                return Ok(());
            }
            _ => {}
        }
        let rest = &self.s[self.i..];
        let len = rest.find(|c: char| !is_tag_char(c)).unwrap_or(rest.len());
        if len == 0 {
            let c = rest.chars().next().unwrap_or('\u{fffd}');
            return Err(syntax(self.i, format!("invalid syntax at {c}")));
        }
        self.pos = self.i;
        self.i += len;
        self.tok = &self.s[self.pos..self.i];
        self.is_tag = true;
        Ok(())
    }
}

/// Parses the text after `// +build`: space-separated options are ORed,
/// comma-separated terms ANDed, `!` negates; invalid words become `ignore`.
fn parse_plus_build_expr(text: &str) -> PResult<Expr> {
    const MAX_OLD_SIZE: usize = 100;
    let mut size = 0;
    let mut x: Option<Expr> = None;
    for clause in text.split(char::is_whitespace).filter(|s| !s.is_empty()) {
        let mut y: Option<Expr> = None;
        for lit in clause.split(',') {
            let z = if lit.starts_with("!!") || lit == "!" {
                Expr::tag("ignore")
            } else {
                let (neg, word) = match lit.strip_prefix('!') {
                    Some(w) => (true, w),
                    None => (false, lit),
                };
                let t = if is_valid_tag(word) { Expr::tag(word) } else { Expr::tag("ignore") };
                if neg {
                    Expr::Not(Box::new(t))
                } else {
                    t
                }
            };
            y = Some(match y {
                None => z,
                Some(y) => {
                    size += 1;
                    if size > MAX_OLD_SIZE {
                        return Err(ParseError::TooComplex);
                    }
                    Expr::And(Box::new(y), Box::new(z))
                }
            });
        }
        let y = y.unwrap_or_else(|| Expr::tag("ignore"));
        x = Some(match x {
            None => y,
            Some(x) => {
                size += 1;
                if size > MAX_OLD_SIZE {
                    return Err(ParseError::TooComplex);
                }
                Expr::Or(Box::new(x), Box::new(y))
            }
        });
    }
    Ok(x.unwrap_or_else(|| Expr::tag("ignore")))
}

fn is_valid_tag(word: &str) -> bool {
    !word.is_empty() && word.chars().all(is_tag_char)
}

/// What `parse_file_header` found in a file's leading comments.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct FileHeader<'a> {
    /// The region where `// +build` lines count: up to the last blank line
    /// before the first non-comment text.
    pub trimmed: &'a [u8],
    /// The `//go:build` line, trimmed, if any.
    pub go_build: Option<&'a [u8]>,
    /// Whether a `//go:binary-only-package` line was seen.
    pub binary_only: bool,
    /// Whether the scan reached non-comment text. When it did not, the
    /// header may continue beyond `content` (if `content` is a prefix).
    pub reached_code: bool,
}

/// The `//go:build` lines were ambiguous: more than one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct MultipleGoBuild;

/// Go's `bytes.TrimSpace`: strips Unicode white space from both ends;
/// invalid UTF-8 is never space.
pub(crate) fn trim_space_bytes(mut s: &[u8]) -> &[u8] {
    while let Some((c, n)) = first_char(s) {
        if !c.is_whitespace() {
            break;
        }
        s = &s[n..];
    }
    while let Some((c, n)) = last_char(s) {
        if !c.is_whitespace() {
            break;
        }
        s = &s[..s.len() - n];
    }
    s
}

/// Decodes the first UTF-8 character of `s`, if valid.
pub(crate) fn first_char(s: &[u8]) -> Option<(char, usize)> {
    let n = match *s.first()? {
        c if c < 0x80 => return Some((c as char, 1)),
        c if c >= 0xf0 => 4,
        c if c >= 0xe0 => 3,
        _ => 2,
    };
    let c = std::str::from_utf8(s.get(..n)?).ok()?.chars().next()?;
    Some((c, n))
}

/// Decodes the last UTF-8 character of `s`, if valid.
pub(crate) fn last_char(s: &[u8]) -> Option<(char, usize)> {
    let last = *s.last()?;
    if last < 0x80 {
        return Some((last as char, 1));
    }
    for n in 2..=4.min(s.len()) {
        if let Ok(text) = std::str::from_utf8(&s[s.len() - n..]) {
            return text.chars().next().map(|c| (c, n));
        }
    }
    None
}

fn is_go_build_comment(line: &[u8]) -> bool {
    let Some(rest) = line.strip_prefix(b"//go:build") else {
        return false;
    };
    // The line is already trimmed; the keyword must end the line or be
    // followed by space.
    rest.is_empty() || trim_space_bytes(rest).len() < rest.len()
}

/// Finds the leading run of `//` comments and blank lines and any
/// `//go:build` line in it (`go/build.parseFileHeader`).
pub(crate) fn parse_file_header(content: &[u8]) -> Result<FileHeader<'_>, MultipleGoBuild> {
    let mut end = 0;
    let mut p = content;
    let mut ended = false;
    let mut in_slash_star = false;
    let mut go_build = None;
    let mut binary_only = false;
    let mut reached_code = false;
    'lines: while !p.is_empty() {
        let mut line = match p.iter().position(|&c| c == b'\n') {
            Some(i) => {
                let l = &p[..i];
                p = &p[i + 1..];
                l
            }
            None => std::mem::take(&mut p),
        };
        line = trim_space_bytes(line);
        if line.is_empty() && !ended {
            // Remember the most recent blank line: `// +build` lines must
            // come before it.
            end = content.len() - p.len();
            continue 'lines;
        }
        if !line.starts_with(b"//") {
            ended = true;
        }
        if !in_slash_star && is_go_build_comment(line) {
            if go_build.is_some() {
                return Err(MultipleGoBuild);
            }
            go_build = Some(line);
        }
        if !in_slash_star && line == b"//go:binary-only-package" {
            binary_only = true;
        }
        while !line.is_empty() {
            if in_slash_star {
                match find(line, b"*/") {
                    Some(i) => {
                        in_slash_star = false;
                        line = trim_space_bytes(&line[i + 2..]);
                        continue;
                    }
                    None => continue 'lines,
                }
            }
            if line.starts_with(b"//") {
                continue 'lines;
            }
            if let Some(rest) = line.strip_prefix(b"/*") {
                in_slash_star = true;
                line = trim_space_bytes(rest);
                continue;
            }
            reached_code = true;
            break 'lines;
        }
    }
    Ok(FileHeader { trimmed: &content[..end], go_build, binary_only, reached_code })
}

pub(crate) fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Why a file's header could not be evaluated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum HeaderError {
    /// More than one `//go:build` line.
    MultipleGoBuild,
    /// A `//go:build` line that does not parse.
    BadGoBuild(String),
}

impl std::fmt::Display for HeaderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HeaderError::MultipleGoBuild => f.write_str("multiple //go:build comments"),
            HeaderError::BadGoBuild(e) => write!(f, "parsing //go:build line: {e}"),
        }
    }
}

/// The verdict of `should_build`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Verdict {
    /// The file's constraints are satisfied.
    pub build: bool,
    /// It says `//go:binary-only-package`.
    pub binary_only: bool,
}

/// Decides whether a file with this header is built (`go/build.shouldBuild`).
/// `content` must extend at least to the first non-comment text (or be the
/// whole file).
pub(crate) fn should_build(ctx: &BuildContext, content: &[u8]) -> Result<Verdict, HeaderError> {
    let header = parse_file_header(content).map_err(|_| HeaderError::MultipleGoBuild)?;
    let ok = |tag: &str| ctx.match_tag(tag);
    let build = match header.go_build {
        Some(line) => {
            let line = String::from_utf8_lossy(line);
            let x = parse(&line).map_err(|e| HeaderError::BadGoBuild(e.to_string()))?;
            x.eval(&ok)
        }
        None => {
            let mut build = true;
            for line in header.trimmed.split(|&c| c == b'\n') {
                let line = trim_space_bytes(line);
                if !line.starts_with(b"//") || find(line, b"+build").is_none() {
                    continue;
                }
                let text = String::from_utf8_lossy(line);
                if !is_plus_build(&text) {
                    continue;
                }
                // A `// +build` line that does not parse is ignored.
                if let Ok(x) = parse(&text) {
                    if !x.eval(&ok) {
                        build = false;
                    }
                }
            }
            build
        }
    };
    Ok(Verdict { build, binary_only: header.binary_only })
}

/// Reports whether a file name's `_GOOS`, `_GOARCH` or `_GOOS_GOARCH`
/// suffix (before the first `.`, ignoring a final `_test`) matches the
/// context (`go/build.goodOSArchFile`).
pub(crate) fn good_os_arch_file(ctx: &BuildContext, name: &str) -> bool {
    let name = name.split('.').next().unwrap_or("");
    // Since Go 1.4 only a non-empty prefix counts: "linux.go" is not
    // constrained, so everything before the first '_' is dropped.
    let Some(i) = name.find('_') else { return true };
    let mut l: Vec<&str> = name[i..].split('_').collect();
    if l.last() == Some(&"test") {
        l.pop();
    }
    let n = l.len();
    let known_os = |s: &str| KNOWN_OS.contains(&s);
    let known_arch = |s: &str| KNOWN_ARCH.contains(&s);
    if n >= 2 && known_os(l[n - 2]) && known_arch(l[n - 1]) {
        return ctx.match_tag(l[n - 1]) && ctx.match_tag(l[n - 2]);
    }
    if n >= 1 && (known_os(l[n - 1]) || known_arch(l[n - 1])) {
        return ctx.match_tag(l[n - 1]);
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::tests::linux_amd64;

    #[track_caller]
    fn check_parse(line: &str, expect: &str) {
        let got = match parse(line) {
            Ok(x) => x.to_string(),
            Err(e) => format!("error: {e}"),
        };
        assert_eq!(got, expect, "parse({line:?})");
    }

    #[test]
    fn go_build_expressions() {
        check_parse("//go:build linux", "linux");
        check_parse("//go:build linux && amd64 || darwin", "(linux && amd64) || darwin");
        check_parse("//go:build linux && (amd64 || darwin)", "linux && (amd64 || darwin)");
        check_parse("//go:build !(a || b) && c", "!(a || b) && c");
        check_parse("//go:build a || b && c", "a || (b && c)");
        check_parse("//go:build (a || b) && c", "(a || b) && c");
        check_parse("//go:build\tgo1.21\n", "go1.21");
        check_parse("  //go:build   x  ", "error: not a build constraint");
        check_parse("//go:buildx", "error: not a build constraint");
        check_parse("//go:build", "error: unexpected end of expression");
        check_parse("//go:build !!a", "error: double negation not allowed");
        check_parse("//go:build a &", "error: invalid syntax at &");
        check_parse("//go:build a | b", "error: invalid syntax at |");
        check_parse("//go:build (a", "error: missing close paren");
        check_parse("//go:build (a ||", "error: missing close paren");
        check_parse("//go:build a b", "error: unexpected token b");
        check_parse("//go:build a )", "error: unexpected token )");
        check_parse("//go:build a,b", "error: invalid syntax at ,");
        check_parse("//go:build ☺", "error: invalid syntax at ☺");
        check_parse("// go:build a", "error: not a build constraint");
        let huge = format!("//go:build {}", vec!["a"; 1001].join(" || "));
        check_parse(&huge, "error: build expression too large");
    }

    #[test]
    fn plus_build_lines() {
        check_parse("// +build linux darwin", "linux || darwin");
        check_parse("// +build linux,amd64 !cgo", "(linux && amd64) || !cgo");
        check_parse("//+build a", "a");
        check_parse("// +build !!a b", "ignore || b");
        check_parse("// +build ! a", "ignore || a");
        check_parse("// +build a-b", "ignore");
        check_parse("// +build", "ignore");
        check_parse("// +buildx", "error: not a build constraint");
        assert!(is_plus_build("// +build x"));
        assert!(!is_go_build("// +build x"));
        assert!(is_go_build("//go:build x"));
        let huge = format!("// +build {}", vec!["a"; 102].join(" "));
        check_parse(&huge, "error: expression too complex for // +build lines");
    }

    #[track_caller]
    fn check_build(src: &str, expect: &str) {
        let ctx = linux_amd64();
        let got = match should_build(&ctx, src.as_bytes()) {
            Ok(v) => format!("{}{}", v.build, if v.binary_only { " binary-only" } else { "" }),
            Err(e) => format!("error: {e}"),
        };
        assert_eq!(got, expect, "{src:?}");
    }

    #[test]
    fn file_headers() {
        check_build("//go:build linux\n\npackage x\n", "true");
        check_build("//go:build windows\n\npackage x\n", "false");
        // No blank line needed for //go:build.
        check_build("//go:build windows\npackage x\n", "false");
        // But +build needs one.
        check_build("// +build windows\npackage x\n", "true");
        check_build("// +build windows\n\npackage x\n", "false");
        // //go:build wins over +build.
        check_build("//go:build linux\n// +build windows\n\npackage x\n", "true");
        // +build lines are ANDed.
        check_build("// +build linux\n// +build amd64,!cgo\n\npackage x\n", "true");
        check_build("// +build linux\n// +build cgo\n\npackage x\n", "false");
        // A //go:build line inside /* */ does not count.
        check_build("/*\n//go:build windows\n*/\n\npackage x\n", "true");
        // After a /* */ comment, a //go:build line still counts.
        check_build("/* c */\n//go:build windows\n\npackage x\n", "false");
        // ... but not on the same line, and +build lines no longer count.
        check_build("/* c */ //go:build windows\n\npackage x\n", "true");
        check_build("/* c */\n// +build windows\n\npackage x\n", "true");
        // Only the header counts.
        check_build("package x\n\n//go:build windows\n", "true");
        check_build("//go:build a\n//go:build b\n\npackage x\n", "error: multiple //go:build comments");
        check_build("//go:build a &&\n\npackage x\n", "error: parsing //go:build line: unexpected end of expression");
        // Invalid +build lines are ignored.
        check_build("// +build !!linux\n\npackage x\n", "false");
        check_build("//go:binary-only-package\n\npackage x\n", "true binary-only");
        check_build("//go:build go1.26 && amd64.v3 && goexperiment.greenteagc && mytag\n", "true");
        check_build("//go:build go1.27\n", "false");
        check_build("", "true");
        // Unicode space around a comment counts as space, as in bytes.TrimSpace.
        check_build("\u{a0}//go:build windows\u{2003}\n", "false");
    }

    #[test]
    fn header_regions() {
        let h = parse_file_header(b"// a\n\n// +build x\n\n// c\npackage p\n").unwrap();
        assert_eq!(h.trimmed, b"// a\n\n// +build x\n\n");
        assert!(h.reached_code);
        let h = parse_file_header(b"// a\n/* b\nc */ d\n").unwrap();
        assert!(h.reached_code);
        assert_eq!(h.trimmed, b"");
        let h = parse_file_header(b"// only comments\n").unwrap();
        assert!(!h.reached_code);
    }

    #[track_caller]
    fn check_names(ctx: &BuildContext, yes: &[&str], no: &[&str]) {
        for n in yes {
            assert!(good_os_arch_file(ctx, n), "{n} should match");
        }
        for n in no {
            assert!(!good_os_arch_file(ctx, n), "{n} should not match");
        }
    }

    #[test]
    fn file_names() {
        let ctx = linux_amd64();
        check_names(
            &ctx,
            &[
                "linux.go",
                "windows.go",
                "x_linux.go",
                "x_amd64.s",
                "x_linux_amd64.go",
                "x_linux_test.go",
                "x_unix.go",
                "x_test.go",
                "abi_test.s",
                "x_windows_x.go",
                "x.linux_arm.go",
            ],
            &[
                "x_windows.go",
                "x_arm64.s",
                "x_linux_arm64.go",
                "x_windows_amd64.go",
                "x_windows_test.go",
                "x_hurd.go",
                "x_nacl.go",
                "x_riscv.go",
                "x_amd64p32.go",
                "x_linux_amd64p32.go",
                "x_zos_test.go",
                "_windows.go",
            ],
        );
        let mut android = linux_amd64();
        android.goos = "android".into();
        check_names(&android, &["x_linux.go", "x_android_amd64.go", "x_linux_amd64.go"], &["x_darwin.go"]);
        let mut ios = linux_amd64();
        ios.goos = "ios".into();
        ios.goarch = "arm64".into();
        check_names(&ios, &["x_darwin_arm64.go", "x_ios.go"], &["x_darwin_amd64.go", "x_linux.go"]);
    }
}
