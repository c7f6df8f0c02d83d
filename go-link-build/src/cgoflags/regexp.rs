//! Go regular expressions (RE2 syntax, Go's `regexp/syntax` meaning) for the
//! cgo flag allowlists and the user's `CGO_<KIND>_ALLOW` / `_DISALLOW`.
//!
//! A small engine instead of the `regex` crate, which cost a clean build
//! dependency compile more than 12 s of CPU. The only question security.go asks
//! is `re.FindString(arg) == arg`, and a flag is a few dozen characters, so:
//! a parser for Go's syntax (`regexp/syntax.Parse` with `syntax.Perl`), a
//! compiler to a Pike-style program, and a backtracking matcher with a visited
//! set over (instruction, position), as RE2's and Go's `backtrack.go` do, which
//! explores alternatives in priority order and so finds Go's leftmost-first
//! match in time linear in program × input.
//!
//! Supported, with Go's meaning: literals, `.`, classes (ranges, negation,
//! `[:alpha:]` and the other ASCII classes, escapes inside), `\d \s \w` and
//! negations (ASCII, as in Go), `\b \B \A \z ^ $`, escaped punctuation and
//! `\a \f \t \n \r \v`, octal and `\x` escapes, `\Q…\E`, groups (`(…)`,
//! `(?:…)`, `(?P<name>…)`, `(?<name>…)`), flags `i m s U` (`(?i)`, `(?i:…)`),
//! alternation, `* + ? {n} {n,} {n,m}` and their lazy forms. Refused with an
//! error naming the construct: Unicode classes (`\p{Greek}`, `\pL`), which
//! need Unicode tables this crate does not carry. Case folding under `(?i)` is
//! Unicode simple folding as far as `char::to_lowercase`/`to_uppercase` give it
//! one character (exact for ASCII, and for the flags these patterns see).

/// A compiled Go regular expression.
#[derive(Debug)]
pub(crate) struct Regexp {
    pattern: String,
    prog: Vec<Inst>,
}

#[derive(Debug, Clone)]
enum Inst {
    /// One character; `fold` compares case-insensitively.
    Char {
        c: char,
        fold: bool,
    },
    /// Any character; `nl` whether it includes `\n` (flag `s`).
    Any {
        nl: bool,
    },
    Class(Class),
    Assert(Look),
    /// Try `.0` first, then `.1` (the priority order that makes leftmost-first).
    Split(usize, usize),
    Jmp(usize),
    Match,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Look {
    BeginText,
    EndText,
    BeginLine,
    EndLine,
    WordBoundary,
    NotWordBoundary,
}

/// A character class: sorted ranges, negation applied at match time.
#[derive(Debug, Clone, Default)]
struct Class {
    negated: bool,
    fold: bool,
    ranges: Vec<(char, char)>,
}

impl Class {
    fn contains(&self, c: char) -> bool {
        let inside = |c: char| self.ranges.iter().any(|&(lo, hi)| lo <= c && c <= hi);
        let hit = inside(c) || (self.fold && fold_variants(c).any(inside));
        hit != self.negated
    }
}

/// The other case forms of `c` that are one character.
fn fold_variants(c: char) -> impl Iterator<Item = char> {
    let lower = single(c.to_lowercase());
    let upper = single(c.to_uppercase());
    lower.into_iter().chain(upper).filter(move |&v| v != c)
}

fn single(mut it: impl Iterator<Item = char>) -> Option<char> {
    let c = it.next()?;
    it.next().is_none().then_some(c)
}

fn chars_fold_eq(a: char, b: char) -> bool {
    a == b || fold_variants(a).any(|v| v == b)
}

/// Go's `syntax.IsWordChar`: ASCII only.
fn is_word(c: Option<char>) -> bool {
    c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
}

// ---------------------------------------------------------------------------
// Parsing (regexp/syntax parse.go, Perl flags)
// ---------------------------------------------------------------------------

#[derive(Debug, Clone)]
enum Node {
    Empty,
    Char(char, bool),
    Any(bool),
    Class(Class),
    Look(Look),
    Concat(Vec<Node>),
    Alt(Vec<Node>),
    Repeat { node: Box<Node>, min: u32, max: Option<u32>, greedy: bool },
}

#[derive(Debug, Clone, Copy, Default)]
struct Flags {
    fold: bool,
    multi_line: bool,
    dot_nl: bool,
    ungreedy: bool,
}

/// Go's `syntax` limit on `{n,m}` counts.
const MAX_REPEAT: u32 = 1000;

/// Go's `syntax` nesting limit.
const MAX_NESTING: usize = 1000;

struct Parser<'a> {
    s: &'a [char],
    i: usize,
}

type PResult<T> = std::result::Result<T, String>;

impl Parser<'_> {
    fn err(&self, what: &str, at: usize, end: usize) -> String {
        let text: String = self.s[at.min(self.s.len())..end.min(self.s.len())].iter().collect();
        format!("error parsing regexp: {what}: `{text}`")
    }

    fn peek(&self) -> Option<char> {
        self.s.get(self.i).copied()
    }

    /// alternation := concat ('|' concat)*; stops at ')' or the end.
    fn alternation(&mut self, flags: &mut Flags, depth: usize) -> PResult<Node> {
        // Go's syntax.maxHeight-like guard: the parser and compiler recurse.
        if depth > MAX_NESTING {
            return Err("error parsing regexp: expression nests too deeply".to_string());
        }
        let mut alts = vec![self.concat(flags, depth)?];
        while self.peek() == Some('|') {
            self.i += 1;
            alts.push(self.concat(flags, depth)?);
        }
        Ok(if alts.len() == 1 { alts.pop().unwrap() } else { Node::Alt(alts) })
    }

    fn concat(&mut self, flags: &mut Flags, depth: usize) -> PResult<Node> {
        let mut items: Vec<Node> = Vec::new();
        // Whether the last item is a repetition: Go refuses `a**` and `a{2}{3}`.
        let mut after_repeat: Option<usize> = None;
        while let Some(c) = self.peek() {
            let start = self.i;
            let repeat = match c {
                '*' => Some((0, None, 1)),
                '+' => Some((1, None, 1)),
                '?' => Some((0, Some(1), 1)),
                '{' => self.repeat_braces(),
                _ => None,
            };
            if let Some((min, max, len)) = repeat {
                let mut end = start + len;
                let lazy = self.s.get(end) == Some(&'?');
                if lazy {
                    end += 1;
                }
                if let Some(prev) = after_repeat {
                    return Err(self.err("invalid nested repetition operator", prev, end));
                }
                let Some(node) = items.pop() else {
                    return Err(self.err("missing argument to repetition operator", start, end));
                };
                if matches!(node, Node::Empty) {
                    return Err(self.err("missing argument to repetition operator", start, end));
                }
                if max.is_some_and(|m| m < min) || min > MAX_REPEAT || max.is_some_and(|m| m > MAX_REPEAT) {
                    return Err(self.err("invalid repeat count", start, end));
                }
                self.i = end;
                items.push(Node::Repeat { node: Box::new(node), min, max, greedy: lazy == flags.ungreedy });
                after_repeat = Some(start);
                continue;
            }
            after_repeat = None;
            match c {
                '|' | ')' => break,
                '(' => {
                    self.i += 1;
                    let mut inner = *flags;
                    if self.peek() == Some('?') {
                        match self.group_flags(flags)? {
                            Some(group_flags) => inner = group_flags,
                            // A flag-only group `(?i)` changes `flags` for the rest.
                            None => continue,
                        }
                    }
                    let node = self.alternation(&mut inner, depth + 1)?;
                    self.close(start)?;
                    items.push(node);
                }
                '[' => {
                    let class = self.class(flags)?;
                    items.push(Node::Class(class));
                }
                '.' => {
                    self.i += 1;
                    items.push(Node::Any(flags.dot_nl));
                }
                '^' => {
                    self.i += 1;
                    items.push(Node::Look(if flags.multi_line { Look::BeginLine } else { Look::BeginText }));
                }
                '$' => {
                    self.i += 1;
                    items.push(Node::Look(if flags.multi_line { Look::EndLine } else { Look::EndText }));
                }
                '\\' => {
                    if self.s.get(self.i + 1) == Some(&'Q') {
                        self.i += 2;
                        while self.i < self.s.len() {
                            if self.s[self.i] == '\\' && self.s.get(self.i + 1) == Some(&'E') {
                                self.i += 2;
                                break;
                            }
                            items.push(Node::Char(self.s[self.i], flags.fold));
                            self.i += 1;
                        }
                        continue;
                    }
                    items.push(self.escape(flags, false)?);
                }
                c => {
                    self.i += 1;
                    items.push(Node::Char(c, flags.fold));
                }
            }
        }
        Ok(match items.len() {
            0 => Node::Empty,
            1 => items.pop().unwrap(),
            _ => Node::Concat(items),
        })
    }

    fn close(&mut self, open: usize) -> PResult<()> {
        if self.peek() == Some(')') {
            self.i += 1;
            Ok(())
        } else {
            Err(self.err("missing closing )", open, self.s.len()))
        }
    }

    /// After `(?`: a named group, a non-capturing group with flags, or flags
    /// alone (which then apply to the rest of the enclosing group: `flags` is
    /// updated and the result is None). Otherwise the flags of the group's
    /// body, whose parsing the caller continues.
    fn group_flags(&mut self, flags: &mut Flags) -> PResult<Option<Flags>> {
        let open = self.i - 1;
        self.i += 1; // '?'
                     // (?P<name>re) and (?<name>re)
        let named = if self.peek() == Some('P') && self.s.get(self.i + 1) == Some(&'<') {
            Some(self.i + 2)
        } else if self.peek() == Some('<') {
            Some(self.i + 1)
        } else {
            None
        };
        if let Some(name_start) = named {
            let Some(len) = self.s[name_start..].iter().position(|&c| c == '>') else {
                return Err(self.err("invalid named capture", open, self.s.len()));
            };
            let name = &self.s[name_start..name_start + len];
            if name.is_empty() || !name.iter().all(|c| c.is_alphanumeric() || *c == '_') {
                return Err(self.err("invalid named capture", open, name_start + len + 1));
            }
            self.i = name_start + len + 1;
            return Ok(Some(*flags));
        }
        let mut new = *flags;
        let mut negate = false;
        let mut any = false;
        loop {
            let Some(c) = self.peek() else {
                return Err(self.err("missing argument to repetition operator", open, self.s.len()));
            };
            self.i += 1;
            match c {
                'i' => new.fold = !negate,
                'm' => new.multi_line = !negate,
                's' => new.dot_nl = !negate,
                'U' => new.ungreedy = !negate,
                '-' if !negate => {
                    negate = true;
                    any = false;
                    continue;
                }
                ':' | ')' => {
                    if negate && !any {
                        return Err(self.err("invalid or unsupported Perl syntax", open, self.i));
                    }
                    if c == ')' {
                        *flags = new;
                        return Ok(None);
                    }
                    return Ok(Some(new));
                }
                _ => return Err(self.err("invalid or unsupported Perl syntax", open, self.i)),
            }
            any = true;
        }
    }

    /// `{n}`, `{n,}` or `{n,m}` at `self.i`: (min, max, length). Anything else
    /// is not a repetition, and the `{` is a literal (Go's rule).
    fn repeat_braces(&self) -> Option<(u32, Option<u32>, usize)> {
        let s = &self.s[self.i..];
        let mut i = 1;
        let number = |i: &mut usize| -> Option<u32> {
            let start = *i;
            while *i < s.len() && s[*i].is_ascii_digit() {
                *i += 1;
            }
            if *i == start {
                return None;
            }
            let text: String = s[start..*i].iter().collect();
            // Too large to be a count still parses as a repetition that Go rejects.
            Some(text.parse::<u32>().unwrap_or(u32::MAX))
        };
        let min = number(&mut i)?;
        let max = if s.get(i) == Some(&',') {
            i += 1;
            if s.get(i) == Some(&'}') {
                None
            } else {
                Some(number(&mut i)?)
            }
        } else {
            Some(min)
        };
        (s.get(i) == Some(&'}')).then_some((min, max, i + 1))
    }

    /// The escape at `self.i` (a backslash), outside or inside a class.
    fn escape(&mut self, flags: &Flags, in_class: bool) -> PResult<Node> {
        let start = self.i;
        let Some(&e) = self.s.get(self.i + 1) else {
            return Err(self.err("trailing backslash at end of expression", start, self.s.len()));
        };
        self.i += 2;
        let perl = |negated: bool, ranges: &[(char, char)]| {
            Node::Class(Class { negated, fold: false, ranges: ranges.to_vec() })
        };
        const DIGIT: &[(char, char)] = &[('0', '9')];
        const SPACE: &[(char, char)] = &[('\t', '\n'), ('\x0C', '\r'), (' ', ' ')];
        const WORD: &[(char, char)] = &[('0', '9'), ('A', 'Z'), ('_', '_'), ('a', 'z')];
        Ok(match e {
            'd' => perl(false, DIGIT),
            'D' => perl(true, DIGIT),
            's' => perl(false, SPACE),
            'S' => perl(true, SPACE),
            'w' => perl(false, WORD),
            'W' => perl(true, WORD),
            'A' if !in_class => Node::Look(Look::BeginText),
            'z' if !in_class => Node::Look(Look::EndText),
            'b' if !in_class => Node::Look(Look::WordBoundary),
            'B' if !in_class => Node::Look(Look::NotWordBoundary),
            'p' | 'P' => {
                let end = if self.peek() == Some('{') {
                    self.s[self.i..].iter().position(|&c| c == '}').map_or(self.s.len(), |k| self.i + k + 1)
                } else {
                    (self.i + 1).min(self.s.len())
                };
                return Err(format!(
                    "{}; go-link-build's regexp engine has no Unicode tables: list the characters in a class instead",
                    self.err("unsupported Unicode class", start, end)
                ));
            }
            'a' => Node::Char('\x07', flags.fold),
            'f' => Node::Char('\x0C', flags.fold),
            't' => Node::Char('\t', flags.fold),
            'n' => Node::Char('\n', flags.fold),
            'r' => Node::Char('\r', flags.fold),
            'v' => Node::Char('\x0B', flags.fold),
            // Octal: \0 and up to two more digits, or \1-\7 followed by
            // another octal digit (a lone \1 would be a backreference: error).
            '0'..='7' => {
                let is_oct = |c: Option<&char>| c.is_some_and(|c| ('0'..='7').contains(c));
                if e != '0' && !is_oct(self.s.get(self.i)) {
                    return Err(self.err("invalid escape sequence", start, self.i));
                }
                let mut v = e as u32 - '0' as u32;
                for _ in 0..2 {
                    if !is_oct(self.s.get(self.i)) {
                        break;
                    }
                    v = v * 8 + (self.s[self.i] as u32 - '0' as u32);
                    self.i += 1;
                }
                Node::Char(char::from_u32(v).unwrap_or('\0'), flags.fold)
            }
            'x' => {
                let digits: String;
                if self.peek() == Some('{') {
                    let Some(len) = self.s[self.i + 1..].iter().position(|&c| c == '}') else {
                        return Err(self.err("invalid escape sequence", start, self.s.len()));
                    };
                    digits = self.s[self.i + 1..self.i + 1 + len].iter().collect();
                    self.i += len + 2;
                } else {
                    let end = (self.i + 2).min(self.s.len());
                    digits = self.s[self.i..end].iter().collect();
                    self.i = end;
                    if digits.len() != 2 {
                        return Err(self.err("invalid escape sequence", start, end));
                    }
                }
                match u32::from_str_radix(&digits, 16).ok().and_then(char::from_u32) {
                    Some(c) if !digits.is_empty() => Node::Char(c, flags.fold),
                    _ => return Err(self.err("invalid escape sequence", start, self.i)),
                }
            }
            // Go: any escaped ASCII punctuation is that character.
            e if e.is_ascii() && !e.is_ascii_alphanumeric() => Node::Char(e, flags.fold),
            _ => return Err(self.err("invalid escape sequence", start, self.i)),
        })
    }

    /// A class `[...]` at `self.i`. Go has no nesting or set operations: `[`,
    /// `&&`, `~` are literal; `[:alpha:]` is a POSIX (ASCII) class.
    fn class(&mut self, flags: &Flags) -> PResult<Class> {
        let open = self.i;
        self.i += 1;
        let mut class = Class { fold: flags.fold, ..Class::default() };
        if self.peek() == Some('^') {
            class.negated = true;
            self.i += 1;
        }
        let mut first = true;
        loop {
            let Some(c) = self.peek() else {
                return Err(self.err("missing closing ]", open, self.s.len()));
            };
            if c == ']' && !first {
                self.i += 1;
                break;
            }
            first = false;
            // A POSIX class.
            if c == '[' && self.s.get(self.i + 1) == Some(&':') {
                let rest = &self.s[self.i + 2..];
                if let Some(len) = rest.windows(2).position(|w| w == [':', ']']) {
                    let name: String = rest[..len].iter().collect();
                    let (neg, name) = match name.strip_prefix('^') {
                        Some(n) => (true, n.to_string()),
                        None => (false, name),
                    };
                    let Some(ranges) = posix_class(&name) else {
                        return Err(self.err("invalid character class range", self.i, self.i + len + 4));
                    };
                    add_ranges(&mut class.ranges, ranges, neg);
                    self.i += len + 4;
                    continue;
                }
            }
            let item_start = self.i;
            let lo = match self.class_char(flags)? {
                Ok(ch) => ch,
                Err(ranges) => {
                    class.ranges.extend(ranges);
                    continue;
                }
            };
            if self.peek() == Some('-') && self.s.get(self.i + 1).is_some_and(|&c| c != ']') {
                self.i += 1;
                let hi = match self.class_char(flags)? {
                    Ok(ch) => ch,
                    Err(_) => return Err(self.err("invalid character class range", item_start, self.i)),
                };
                if hi < lo {
                    return Err(self.err("invalid character class range", item_start, self.i));
                }
                class.ranges.push((lo, hi));
            } else {
                class.ranges.push((lo, lo));
            }
        }
        Ok(class)
    }

    /// One character of a class, or the ranges of a `\d`-like escape in it.
    fn class_char(&mut self, flags: &Flags) -> PResult<std::result::Result<char, Vec<(char, char)>>> {
        let c = self.s[self.i];
        if c != '\\' {
            self.i += 1;
            return Ok(Ok(c));
        }
        match self.escape(flags, true)? {
            Node::Char(ch, _) => Ok(Ok(ch)),
            Node::Class(cl) => {
                let mut out = Vec::new();
                add_ranges(&mut out, &cl.ranges, cl.negated);
                Ok(Err(out))
            }
            _ => Err(self.err("invalid escape sequence", self.i - 2, self.i)),
        }
    }
}

/// Go's POSIX classes (ASCII).
fn posix_class(name: &str) -> Option<&'static [(char, char)]> {
    Some(match name {
        "alnum" => &[('0', '9'), ('A', 'Z'), ('a', 'z')],
        "alpha" => &[('A', 'Z'), ('a', 'z')],
        "ascii" => &[('\0', '\x7F')],
        "blank" => &[('\t', '\t'), (' ', ' ')],
        "cntrl" => &[('\0', '\x1F'), ('\x7F', '\x7F')],
        "digit" => &[('0', '9')],
        "graph" => &[('!', '~')],
        "lower" => &[('a', 'z')],
        "print" => &[(' ', '~')],
        "punct" => &[('!', '/'), (':', '@'), ('[', '`'), ('{', '~')],
        "space" => &[('\t', '\r'), (' ', ' ')],
        "upper" => &[('A', 'Z')],
        "word" => &[('0', '9'), ('A', 'Z'), ('_', '_'), ('a', 'z')],
        "xdigit" => &[('0', '9'), ('A', 'F'), ('a', 'f')],
        _ => return None,
    })
}

/// Adds `ranges` (sorted, disjoint), or their complement, to `out`.
fn add_ranges(out: &mut Vec<(char, char)>, ranges: &[(char, char)], negate: bool) {
    if !negate {
        out.extend_from_slice(ranges);
        return;
    }
    let mut next = 0u32;
    for &(lo, hi) in ranges {
        if (lo as u32) > next {
            push_range(out, next, lo as u32 - 1);
        }
        next = hi as u32 + 1;
    }
    push_range(out, next, char::MAX as u32);
}

/// Pushes `lo..=hi` as chars, skipping the surrogate gap.
fn push_range(out: &mut Vec<(char, char)>, lo: u32, hi: u32) {
    let (s_lo, s_hi) = (0xD800, 0xDFFF);
    for (a, b) in [(lo, hi.min(s_lo - 1)), (lo.max(s_hi + 1), hi)] {
        if a <= b {
            if let (Some(a), Some(b)) = (char::from_u32(a), char::from_u32(b)) {
                out.push((a, b));
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Compiling and matching
// ---------------------------------------------------------------------------

fn compile(node: &Node, prog: &mut Vec<Inst>) {
    match node {
        Node::Empty => {}
        Node::Char(c, fold) => prog.push(Inst::Char { c: *c, fold: *fold }),
        Node::Any(nl) => prog.push(Inst::Any { nl: *nl }),
        Node::Class(c) => prog.push(Inst::Class(c.clone())),
        Node::Look(l) => prog.push(Inst::Assert(*l)),
        Node::Concat(items) => items.iter().for_each(|n| compile(n, prog)),
        Node::Alt(alts) => {
            // split L1, next; L1: alt0; jmp end; next: split L2, ... ; last alt
            let mut jumps = Vec::new();
            for (k, alt) in alts.iter().enumerate() {
                if k + 1 < alts.len() {
                    let split = prog.len();
                    prog.push(Inst::Split(split + 1, 0));
                    compile(alt, prog);
                    jumps.push(prog.len());
                    prog.push(Inst::Jmp(0));
                    let next = prog.len();
                    prog[split] = Inst::Split(split + 1, next);
                } else {
                    compile(alt, prog);
                }
            }
            let end = prog.len();
            for j in jumps {
                prog[j] = Inst::Jmp(end);
            }
        }
        Node::Repeat { node, min, max, greedy } => {
            for _ in 0..*min {
                compile(node, prog);
            }
            let split = |prog: &mut Vec<Inst>, at: usize, body: usize, out: usize| {
                prog[at] = if *greedy { Inst::Split(body, out) } else { Inst::Split(out, body) };
            };
            match max {
                None => {
                    // L: split body, out; body; jmp L
                    let at = prog.len();
                    prog.push(Inst::Match);
                    compile(node, prog);
                    prog.push(Inst::Jmp(at));
                    let out = prog.len();
                    split(prog, at, at + 1, out);
                }
                Some(max) => {
                    // (body)? nested max-min times: each optional copy may be skipped to the end.
                    let mut splits = Vec::new();
                    for _ in *min..*max {
                        splits.push(prog.len());
                        prog.push(Inst::Match);
                        compile(node, prog);
                    }
                    let out = prog.len();
                    for at in splits {
                        split(prog, at, at + 1, out);
                    }
                }
            }
        }
    }
}

impl Regexp {
    /// Parses and compiles `pattern` (Go syntax with `syntax.Perl` flags).
    pub(crate) fn new(pattern: &str) -> std::result::Result<Regexp, String> {
        let chars: Vec<char> = pattern.chars().collect();
        let mut p = Parser { s: &chars, i: 0 };
        let mut flags = Flags::default();
        let node = p.alternation(&mut flags, 0)?;
        if p.i < chars.len() {
            // Only an unmatched ')' stops the top level early.
            return Err(format!("error parsing regexp: unexpected ): `{pattern}`"));
        }
        let mut prog = Vec::new();
        compile(&node, &mut prog);
        prog.push(Inst::Match);
        Ok(Regexp { pattern: pattern.to_string(), prog })
    }

    /// The pattern as written.
    pub(crate) fn as_str(&self) -> &str {
        &self.pattern
    }

    /// The end of Go's leftmost-first match that starts at the beginning of
    /// `s`, if there is one.
    fn match_at_start(&self, s: &[char]) -> Option<usize> {
        let width = s.len() + 1;
        let mut visited = vec![false; self.prog.len() * width];
        let mut stack = vec![(0usize, 0usize)];
        while let Some((mut pc, mut pos)) = stack.pop() {
            loop {
                let seen = &mut visited[pc * width + pos];
                if *seen {
                    break;
                }
                *seen = true;
                match &self.prog[pc] {
                    Inst::Match => return Some(pos),
                    Inst::Char { c, fold } => match s.get(pos) {
                        Some(&x) if x == *c || (*fold && chars_fold_eq(x, *c)) => {
                            pc += 1;
                            pos += 1;
                        }
                        _ => break,
                    },
                    Inst::Any { nl } => match s.get(pos) {
                        Some(&x) if *nl || x != '\n' => {
                            pc += 1;
                            pos += 1;
                        }
                        _ => break,
                    },
                    Inst::Class(class) => match s.get(pos) {
                        Some(&x) if class.contains(x) => {
                            pc += 1;
                            pos += 1;
                        }
                        _ => break,
                    },
                    Inst::Assert(look) => {
                        let before = pos.checked_sub(1).map(|i| s[i]);
                        let after = s.get(pos).copied();
                        let ok = match look {
                            Look::BeginText => pos == 0,
                            Look::EndText => pos == s.len(),
                            Look::BeginLine => pos == 0 || before == Some('\n'),
                            Look::EndLine => pos == s.len() || after == Some('\n'),
                            Look::WordBoundary => is_word(before) != is_word(after),
                            Look::NotWordBoundary => is_word(before) == is_word(after),
                        };
                        if !ok {
                            break;
                        }
                        pc += 1;
                    }
                    Inst::Jmp(to) => pc = *to,
                    Inst::Split(first, second) => {
                        stack.push((*second, pos));
                        pc = *first;
                    }
                }
            }
        }
        None
    }

    /// Go's `re.FindString(s) == s`, how security.go decides that a pattern
    /// allows an argument. That is not an anchored match: the leftmost-first
    /// match must be all of `s` (`a|ab` does not allow `ab`). An empty `s`
    /// "matches" even when nothing does, as in Go, where no match is also "".
    pub(crate) fn find_is_whole(&self, s: &str) -> bool {
        if s.is_empty() {
            return true;
        }
        // A match that starts later cannot be all of a non-empty `s`, so only
        // the match at position 0 matters.
        let chars: Vec<char> = s.chars().collect();
        self.match_at_start(&chars) == Some(chars.len())
    }
}

#[cfg(test)]
mod tests {
    use super::Regexp;

    fn m(pat: &str, s: &str) -> bool {
        Regexp::new(pat).unwrap_or_else(|e| panic!("{pat}: {e}")).find_is_whole(s)
    }

    #[test]
    fn go_dialect() {
        // \d \s \w are ASCII in Go.
        assert!(m(r"\d+", "123"));
        assert!(!m(r"\d+", "١٢٣"));
        assert!(m(r"\w+", "a_1"));
        assert!(!m(r"\w+", "é"));
        assert!(m(r"[\w.]+", "a.b"));
        assert!(m(r"\S+", "é"));
        assert!(m(r"[^\d]", "x"));
        assert!(!m(r"[^\d]", "5"));
        // Escaped punctuation is literal; \< is not a word boundary.
        assert!(m(r"\<a\>", "<a>"));
        assert!(m(r"-Wl,\-z", "-Wl,-z"));
        assert!(m(r"[\-a]+", "-a-"));
        assert!(m(r"[\--\/]+", "-./"));
        // \Q…\E quotes.
        assert!(m(r"\Q-fplugin=x.so\E", "-fplugin=x.so"));
        assert!(!m(r"\Q-fplugin=x.so\E", "-fplugin=xXso"));
        assert!(m(r"-I\Q/a+b\E.*", "-I/a+b/c"));
        assert!(m(r"\Qa+", "a+"));
        // Literal [ & ~ inside classes, POSIX classes still work.
        assert!(m(r"[[]", "["));
        assert!(m(r"[a&&b]+", "a&b"));
        assert!(m(r"[~-]+", "~-"));
        assert!(m(r"[[:alpha:]]+", "abc"));
        assert!(!m(r"[[:alpha:]]+", "ab1"));
        assert!(m(r"[[:^alpha:]]+", "12"));
        assert!(m(r"[]a]+", "]a"));
        // A brace that is not a repetition is literal.
        assert!(m(r"a{", "a{"));
        assert!(m(r"a{,2}", "a{,2}"));
        assert!(m(r"a{2}", "aa"));
        assert!(!m(r"a{2}", "aaa"));
        assert!(m(r"x{1,}", "xxx"));
        assert!(m(r"x{1,3}y", "xxxy"));
        assert!(!m(r"x{1,3}y", "xxxxy"));
        assert!(m(r"\x41\x{42}\101", "ABA"));
        assert!(m(r"(?i)-FPLUGIN", "-fplugin"));
        assert!(m(r"(?i:A)b", "ab"));
        assert!(!m(r"(?i:A)b", "aB"));
        assert!(m(r"(?i)[a-c]+", "AbC"));
        assert!(m(r"\bx\b", "x"));
        assert!(m(r"^-O$", "-O"));
        assert!(m(r"(?P<n>a)(?<m>b)(?:c)", "abc"));
        assert!(!m(r".", "\n"));
        assert!(m(r"(?s).", "\n"));
        // Stacked repetitions are an error in Go.
        assert!(Regexp::new("a**").is_err());
        assert!(Regexp::new("a{2}{3}").is_err());
        assert!(Regexp::new("a*?").is_ok());
        assert!(Regexp::new("*a").is_err());
        assert!(Regexp::new("(a").is_err());
        assert!(Regexp::new("a)").is_err());
        assert!(Regexp::new("[a").is_err());
        assert!(Regexp::new("[z-a]").is_err());
        assert!(Regexp::new(r"a\").is_err());
        assert!(Regexp::new(r"\1").is_err());
        assert!(Regexp::new("a{1001}").is_err());
        // Unicode classes are refused with a message that says why.
        let e = Regexp::new(r"\pL+").unwrap_err();
        assert!(e.contains("Unicode") && e.contains(r"\pL"), "{e}");
        assert!(Regexp::new(r"[\p{Greek}]").is_err());
        // Leftmost-first, not longest: Go's FindString on "ab" is "a".
        assert!(!m("a|ab", "ab"));
        assert!(m("ab|a", "ab"));
        assert!(!m("a*?", "aa"));
        assert!(m("a*?b", "aab"));
        assert!(m("(a|ab)(c|bcd)", "abcd"));
        assert!(!m("(a|ab)c?", "abc"));
        assert!(m("(a+)(b+)", "aabb"));
        // Empty input "matches" everything, as FindString's "" does.
        assert!(m("x", ""));
    }

    #[test]
    fn pathological_patterns_stay_linear() {
        // Exponential for a naive backtracker; the visited set bounds it.
        let s = "a".repeat(200) + "b";
        assert!(!m("(a*)*c", &s));
        assert!(!m("(a|a)*c", &s));
    }
}
