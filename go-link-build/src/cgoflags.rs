//! The C flags of a cgo package: its `#cgo` directives, the allowlist that
//! guards them, and the final flag lists the C compiler and cgo see.
//!
//! This is a port of Go 1.26's
//! - `go/build.Context.saveCgo` with `expandSrcDir`, `safeCgoName`,
//!   `splitQuoted`, `makePathsAbsolute` and `matchAuto` (the `#cgo` lines);
//! - `cmd/go/internal/work/security.go`: the allowlists, `checkFlags` with its
//!   `-Wl,--push-state,…` and next-argument rules, `CGO_<KIND>_ALLOW` and
//!   `CGO_<KIND>_DISALLOW`, and `checkCompilerFlagsForInternalLink`;
//! - `cmd/go/internal/work/exec.go`: `CFlags`/`buildFlags`/`envList` (with
//!   `internal/quoted.Split`), `getPkgConfigFlags`' argument checks,
//!   `splitPkgConfigOutput` and `flagsNotCompatibleWithInternalLinking`.
//!
//! Go's regular expressions (RE2 syntax) run on the `regex` crate after a small
//! translation (`go_regex`): `\d \s \w` stay ASCII-only, `\Q…\E` quotes, escaped
//! punctuation stays literal (`\<` is a word boundary in Rust), `[` and `&&` are
//! literal inside classes, a `{` that starts no repetition is literal. Both
//! engines are leftmost-first, so "`FindString(arg) == arg`" (how security.go
//! decides a match, which is *not* the same as an anchored match) carries over.
//!
//! Architecture invariant: no IO here; the environment comes in as a closure.

use std::path::Path;
use std::sync::OnceLock;

use regex::Regex;

use crate::context::BuildContext;
use crate::error::{Error, ErrorKind, Result};

/// `work.DefaultCFlags`: the value of an empty `CGO_CFLAGS`, `CGO_CXXFLAGS`,
/// `CGO_FFLAGS` or `CGO_LDFLAGS` (`CGO_CPPFLAGS` defaults to nothing).
pub(crate) const DEFAULT_CFLAGS: &str = "-O2 -g";

/// Where cmd/go's flag errors send people.
const INVALID_FLAG_URL: &str = "https://go.dev/s/invalidflag";

/// The #cgo directives of one package, evaluated for a build context.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct CgoDirectives {
    pub cflags: Vec<String>,
    pub cppflags: Vec<String>,
    pub cxxflags: Vec<String>,
    pub fflags: Vec<String>,
    pub ldflags: Vec<String>,
    pub pkg_config: Vec<String>,
    /// Where the flags came from, one entry per `#cgo` line that added any,
    /// so a rejected flag can be reported at its `file:line`. Flags added to
    /// the lists by other means simply have no origin.
    pub origins: Vec<CgoOrigin>,
}

/// `count` flags starting at index `first` of the `verb` list came from the
/// `#cgo` line at `pos` (`file.go:12`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct CgoOrigin {
    /// `CFLAGS`, `CPPFLAGS`, `CXXFLAGS`, `FFLAGS`, `LDFLAGS` or `pkg-config`.
    pub verb: &'static str,
    pub first: usize,
    pub count: usize,
    pub pos: String,
}

impl CgoDirectives {
    /// The `file:line` of the `#cgo` line that put element `index` into the
    /// `verb` list.
    pub(crate) fn origin(&self, verb: &str, index: usize) -> Option<&str> {
        self.origins
            .iter()
            .find(|o| o.verb == verb && o.first <= index && index < o.first + o.count)
            .map(|o| o.pos.as_str())
    }

    fn list_mut(&mut self, verb: &str) -> Option<(&'static str, &mut Vec<String>)> {
        Some(match verb {
            "CFLAGS" => ("CFLAGS", &mut self.cflags),
            "CPPFLAGS" => ("CPPFLAGS", &mut self.cppflags),
            "CXXFLAGS" => ("CXXFLAGS", &mut self.cxxflags),
            "FFLAGS" => ("FFLAGS", &mut self.fflags),
            "LDFLAGS" => ("LDFLAGS", &mut self.ldflags),
            "pkg-config" => ("pkg-config", &mut self.pkg_config),
            _ => return None,
        })
    }
}

// ---------------------------------------------------------------------------
// #cgo lines (go/build saveCgo)
// ---------------------------------------------------------------------------

/// Parse the #cgo lines of one cgo preamble (exactly go/build saveCgo):
/// `#cgo [conditions...] VERB: args`. Appends to `out`.
///
/// `preamble` is the `CommentGroup.Text` of the `import "C"` doc comment and
/// line `i` of it (0-based) is reported as line `first_line + i`. That is
/// exact only when the text maps line for line onto the source: `Text` drops
/// leading blank lines (the one after a `/*` included), runs of blank lines
/// and directive comments. Callers that know the source line of every text
/// line should use [`parse_cgo_text_lines`].
#[cfg_attr(not(test), allow(dead_code))] // Tests state expectations as whole texts.
pub(crate) fn parse_cgo_lines(
    ctx: &BuildContext,
    pkg_dir: &Path,
    file: &str,
    preamble: &str,
    first_line: usize,
    out: &mut CgoDirectives,
) -> Result<()> {
    let lines = preamble.split('\n').enumerate().map(|(i, l)| (first_line + i, l));
    parse_cgo_text_lines(ctx, pkg_dir, file, lines, out)
}

/// [`parse_cgo_lines`] over the lines of a preamble text paired with their
/// source line numbers.
pub(crate) fn parse_cgo_text_lines<'a>(
    ctx: &BuildContext,
    pkg_dir: &Path,
    file: &str,
    lines: impl IntoIterator<Item = (usize, &'a str)>,
    out: &mut CgoDirectives,
) -> Result<()> {
    for (lineno, orig) in lines {
        let bad = |what: &str, detail: &str| Error::new(ErrorKind::Load, format!("{file}:{lineno}: {what}: {detail}"));

        // Line is
        //	#cgo [GOOS/GOARCH...] LDFLAGS: stuff
        let line = trim_space(orig);
        let b = line.as_bytes();
        if b.len() < 5 || &b[..4] != b"#cgo" || (b[4] != b' ' && b[4] != b'\t') {
            continue;
        }

        // #cgo (nocallback|noescape) <function name>: handled by cgo itself.
        let words: Vec<&str> = fields(line).collect();
        if words.len() == 3 && (words[1] == "nocallback" || words[1] == "noescape") {
            continue;
        }

        // Split at colon.
        let Some((head, argstr)) = trim_space(&line[4..]).split_once(':') else {
            return Err(bad("invalid #cgo line", orig));
        };

        // Parse GOOS/GOARCH stuff.
        let f: Vec<&str> = fields(head).collect();
        let Some((&verb, cond)) = f.split_last() else {
            return Err(bad("invalid #cgo line", orig));
        };
        if !cond.is_empty() && !cond.iter().any(|c| match_auto(ctx, c)) {
            continue;
        }

        let Ok(mut args) = split_quoted(argstr) else {
            return Err(bad("invalid #cgo line", orig));
        };
        for arg in &mut args {
            let (expanded, ok) = expand_src_dir(arg, pkg_dir, file, lineno)?;
            if !ok {
                return Err(bad("malformed #cgo argument", &expanded));
            }
            *arg = expanded;
        }

        if matches!(verb, "CFLAGS" | "CPPFLAGS" | "CXXFLAGS" | "FFLAGS" | "LDFLAGS") {
            // Change relative paths to absolute.
            make_paths_absolute(&mut args, pkg_dir);
        }

        let Some((verb, list)) = out.list_mut(verb) else {
            return Err(bad("invalid #cgo verb", orig));
        };
        let first = list.len();
        let count = args.len();
        list.extend(args);
        if count > 0 {
            out.origins.push(CgoOrigin { verb, first, count, pos: format!("{file}:{lineno}") });
        }
    }
    Ok(())
}

/// Go's `strings.TrimSpace`.
fn trim_space(s: &str) -> &str {
    s.trim_matches(char::is_whitespace)
}

/// Go's `strings.Fields`.
fn fields(s: &str) -> impl Iterator<Item = &str> {
    s.split(char::is_whitespace).filter(|f| !f.is_empty())
}

/// `go/build.splitQuoted`: splits at runs of white space; single and double
/// quotes group (and are removed), backslash escapes the next character.
fn split_quoted(s: &str) -> std::result::Result<Vec<String>, &'static str> {
    let mut args = Vec::new();
    let mut arg = String::new();
    let mut escaped = false;
    let mut quoted = false;
    let mut quote: Option<char> = None;
    for c in s.chars() {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
            continue;
        } else if let Some(q) = quote {
            if c == q {
                quote = None;
                continue;
            }
        } else if c == '"' || c == '\'' {
            quoted = true;
            quote = Some(c);
            continue;
        } else if c.is_whitespace() {
            if quoted || !arg.is_empty() {
                quoted = false;
                args.push(std::mem::take(&mut arg));
            }
            continue;
        }
        arg.push(c);
    }
    if quoted || !arg.is_empty() {
        args.push(arg);
    }
    if quote.is_some() {
        Err("unclosed quote")
    } else if escaped {
        Err("unfinished escaping")
    } else {
        Ok(args)
    }
}

/// The characters `safeCgoName` allows (besides any non-ASCII byte). `$` is for
/// `-Wl,$ORIGIN`, `@` for macOS, `%` for Jenkins, `!` for module paths, `~` and
/// `^` for sr.ht.
const SAFE_STRING: &[u8] = b"+-.,/0123456789=ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz:$@%! ~^";

/// `go/build.safeCgoName`.
fn safe_cgo_name(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|c| c >= 0x80 || SAFE_STRING.contains(&c))
}

/// `go/build.expandSrcDir`: replaces every `${SRCDIR}` with the package
/// directory (slash-separated) and reports whether the result is safe.
fn expand_src_dir(s: &str, pkg_dir: &Path, file: &str, lineno: usize) -> Result<(String, bool)> {
    let chunks: Vec<&str> = s.split("${SRCDIR}").collect();
    if chunks.len() < 2 {
        return Ok((s.to_string(), safe_cgo_name(s)));
    }
    let srcdir = dir_str(pkg_dir, file, lineno)?;
    // "\" delimited paths cause safeCgoName to fail, so native Windows paths
    // are converted to "/" first (filepath.ToSlash).
    let srcdir = if std::path::MAIN_SEPARATOR == '/' { srcdir } else { srcdir.replace(std::path::MAIN_SEPARATOR, "/") };
    let mut ok = chunks.iter().all(|c| c.is_empty() || safe_cgo_name(c));
    ok = ok && (srcdir.is_empty() || safe_cgo_name(&srcdir));
    let res = chunks.join(&srcdir);
    let ok = ok && !res.is_empty();
    Ok((res, ok))
}

fn dir_str(pkg_dir: &Path, file: &str, lineno: usize) -> Result<String> {
    pkg_dir.to_str().map(str::to_string).ok_or_else(|| {
        Error::new(
            ErrorKind::Load,
            format!(
                "{file}:{lineno}: the package directory {} is not valid UTF-8, so ${{SRCDIR}} cannot be expanded",
                pkg_dir.display()
            ),
        )
    })
}

/// `go/build.makePathsAbsolute`: relative `-I`/`-L` paths (joined or as the
/// next argument) become absolute against the package directory.
fn make_paths_absolute(args: &mut [String], src_dir: &Path) {
    let mut next_path = false;
    for arg in args.iter_mut() {
        if next_path {
            if !Path::new(arg.as_str()).is_absolute() {
                *arg = filepath_join(src_dir, arg);
            }
            next_path = false;
        } else if arg.starts_with("-I") || arg.starts_with("-L") {
            if arg.len() == 2 {
                next_path = true;
            } else if !Path::new(&arg[2..]).is_absolute() {
                *arg = format!("{}{}", &arg[..2], filepath_join(src_dir, &arg[2..]));
            }
        }
    }
}

/// Go's `filepath.Join(dir, rel)` (which cleans the result). On Windows the
/// path is joined but not cleaned.
fn filepath_join(dir: &Path, rel: &str) -> String {
    if cfg!(windows) {
        return dir.join(rel).to_string_lossy().into_owned();
    }
    let dir = dir.to_string_lossy();
    if dir.is_empty() {
        clean(rel)
    } else {
        clean(&format!("{dir}/{rel}"))
    }
}

/// Go's `path.Clean` (slash-separated, lexical).
fn clean(path: &str) -> String {
    if path.is_empty() {
        return ".".to_string();
    }
    let rooted = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|p| *p != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            p => parts.push(p),
        }
    }
    let body = parts.join("/");
    match (rooted, body.is_empty()) {
        (true, _) => format!("/{body}"),
        (false, true) => ".".to_string(),
        (false, false) => body,
    }
}

/// `go/build.Context.matchAuto`: one space-free condition of a `#cgo` line,
/// read as a `//go:build` expression if it contains `&|()`, else as a
/// `// +build` line. Unparsable conditions are false. The parsing is the
/// loader's, so `#cgo` conditions and file constraints cannot disagree.
fn match_auto(ctx: &BuildContext, text: &str) -> bool {
    let line =
        if text.contains(['&', '|', '(', ')']) { format!("//go:build {text}") } else { format!("// +build {text}") };
    crate::load::constraint::parse(&line).map(|x| x.eval(&|t: &str| ctx.match_tag(t))).unwrap_or(false)
}

// ---------------------------------------------------------------------------
// The allowlists (cmd/go/internal/work/security.go, Go 1.26)
// ---------------------------------------------------------------------------

const VALID_COMPILER_FLAGS: &[&str] = &[
    r"-D([A-Za-z_][A-Za-z0-9_]*)(=[^@\-]*)?",
    r"-U([A-Za-z_][A-Za-z0-9_]*)",
    r"-F([^@\-].*)",
    r"-I([^@\-].*)",
    r"-O",
    r"-O([^@\-].*)",
    r"-W",
    r"-W([^@,]+)", // -Wall but not -Wa,-foo.
    r"-Wa,-mbig-obj",
    r"-Wp,-D([A-Za-z_][A-Za-z0-9_]*)(=[^@,\-]*)?",
    r"-Wp,-U([A-Za-z_][A-Za-z0-9_]*)",
    r"-ansi",
    r"-f(no-)?asynchronous-unwind-tables",
    r"-f(no-)?blocks",
    r"-f(no-)builtin-[a-zA-Z0-9_]*",
    r"-f(no-)?common",
    r"-f(no-)?constant-cfstrings",
    r"-fdebug-prefix-map=([^@]+)=([^@]+)",
    r"-fdiagnostics-show-note-include-stack",
    r"-ffile-prefix-map=([^@]+)=([^@]+)",
    r"-fno-canonical-system-headers",
    r"-f(no-)?eliminate-unused-debug-types",
    r"-f(no-)?exceptions",
    r"-f(no-)?fast-math",
    r"-f(no-)?inline-functions",
    r"-finput-charset=([^@\-].*)",
    r"-f(no-)?fat-lto-objects",
    r"-f(no-)?keep-inline-dllexport",
    r"-f(no-)?lto",
    r"-fmacro-backtrace-limit=(.+)",
    r"-fmessage-length=(.+)",
    r"-f(no-)?modules",
    r"-f(no-)?objc-arc",
    r"-f(no-)?objc-nonfragile-abi",
    r"-f(no-)?objc-legacy-dispatch",
    r"-f(no-)?omit-frame-pointer",
    r"-f(no-)?openmp(-simd)?",
    r"-f(no-)?permissive",
    r"-f(no-)?(pic|PIC|pie|PIE)",
    r"-f(no-)?plt",
    r"-f(no-)?rtti",
    r"-f(no-)?split-stack",
    r"-f(no-)?stack-(.+)",
    r"-f(no-)?strict-aliasing",
    r"-f(un)signed-char",
    r"-f(no-)?use-linker-plugin", // safe if -B is not used; we don't permit -B
    r"-f(no-)?visibility-inlines-hidden",
    r"-fsanitize=(.+)",
    r"-fsanitize-undefined-strip-path-components=(-)?[0-9]+",
    r"-ftemplate-depth-(.+)",
    r"-ftls-model=(global-dynamic|local-dynamic|initial-exec|local-exec)",
    r"-fvisibility=(.+)",
    r"-g([^@\-].*)?",
    r"-m32",
    r"-m64",
    r"-m(abi|arch|cpu|fpu|simd|tls-dialect|tune)=([^@\-].*)",
    r"-m(no-)?v?aes",
    r"-marm",
    r"-mcmodel=[0-9a-z-]+",
    r"-mfloat-abi=([^@\-].*)",
    r"-m(soft|single|double)-float",
    r"-mfpmath=[0-9a-z,+]*",
    r"-m(no-)?avx[0-9a-z.]*",
    r"-m(no-)?ms-bitfields",
    r"-m(no-)?stack-(.+)",
    r"-mmacosx-(.+)",
    r"-m(no-)?relax",
    r"-m(no-)?strict-align",
    r"-m(no-)?(lsx|lasx|frecipe|div32|lam-bh|lamcas|ld-seq-sa)",
    r"-mios-simulator-version-min=(.+)",
    r"-miphoneos-version-min=(.+)",
    r"-mlarge-data-threshold=[0-9]+",
    r"-mtvos-simulator-version-min=(.+)",
    r"-mtvos-version-min=(.+)",
    r"-mwatchos-simulator-version-min=(.+)",
    r"-mwatchos-version-min=(.+)",
    r"-mnop-fun-dllimport",
    r"-m(no-)?sse[0-9.]*",
    r"-m(no-)?ssse3",
    r"-mthumb(-interwork)?",
    r"-mthreads",
    r"-mwindows",
    r"-no-canonical-prefixes",
    r"--param=ssp-buffer-size=[0-9]*",
    r"-pedantic(-errors)?",
    r"-pipe",
    r"-pthread",
    r"--static",
    r"-?-std=([^@\-].*)",
    r"-?-stdlib=([^@\-].*)",
    r"--sysroot=([^@\-].*)",
    r"-w",
    r"-x([^@\-].*)",
    r"-v",
];

const VALID_COMPILER_FLAGS_WITH_NEXT_ARG: &[&str] =
    &["-arch", "-D", "-U", "-I", "-F", "-framework", "-include", "-isysroot", "-isystem", "--sysroot", "-target", "-x"];

const INVALID_LINKER_FLAGS: &[&str] = &[
    // On macOS this means the linker loads and executes the next argument.
    // Have to exclude separately because -lfoo is allowed in general.
    r"-lto_library",
];

const VALID_LINKER_FLAGS: &[&str] = &[
    r"-F([^@\-].*)",
    r"-l([^@\-].*)",
    r"-L([^@\-].*)",
    r"-O",
    r"-O([^@\-].*)",
    r"-f(no-)?(pic|PIC|pie|PIE)",
    r"-f(no-)?openmp(-simd)?",
    r"-fsanitize=([^@\-].*)",
    r"-flat_namespace",
    r"-g([^@\-].*)?",
    r"-headerpad_max_install_names",
    r"-m(abi|arch|cpu|fpu|simd|tls-dialect|tune)=([^@\-].*)",
    r"-mcmodel=[0-9a-z-]+",
    r"-mfloat-abi=([^@\-].*)",
    r"-m(soft|single|double)-float",
    r"-m(no-)?relax",
    r"-m(no-)?strict-align",
    r"-m(no-)?(lsx|lasx|frecipe|div32|lam-bh|lamcas|ld-seq-sa)",
    r"-mmacosx-(.+)",
    r"-mios-simulator-version-min=(.+)",
    r"-miphoneos-version-min=(.+)",
    r"-mthreads",
    r"-mwindows",
    r"-(pic|PIC|pie|PIE)",
    r"-pthread",
    r"-rdynamic",
    r"-shared",
    r"-?-static([-a-z0-9+]*)",
    r"-?-stdlib=([^@\-].*)",
    r"-v",
    // Note that any wildcards in -Wl need to exclude comma,
    // since -Wl splits its argument at commas and passes
    // them all to the linker uninterpreted. Allowing comma
    // in a wildcard would allow tunneling arbitrary additional
    // linker arguments through one of these.
    r"-Wl,--(no-)?allow-multiple-definition",
    r"-Wl,--(no-)?allow-shlib-undefined",
    r"-Wl,--(no-)?as-needed",
    r"-Wl,-Bdynamic",
    r"-Wl,-berok",
    r"-Wl,-Bstatic",
    r"-Wl,-Bsymbolic-functions",
    r"-Wl,-O[0-9]+",
    r"-Wl,-d[ny]",
    r"-Wl,--disable-new-dtags",
    r"-Wl,-e[=,][a-zA-Z0-9]+",
    r"-Wl,--enable-new-dtags",
    r"-Wl,--end-group",
    r"-Wl,--(no-)?export-dynamic",
    r"-Wl,-E",
    r"-Wl,-framework,[^,@\-][^,]*",
    r"-Wl,--hash-style=(sysv|gnu|both)",
    r"-Wl,-headerpad_max_install_names",
    r"-Wl,--no-undefined",
    r"-Wl,--pop-state",
    r"-Wl,--push-state",
    r"-Wl,-R,?([^@\-,][^,@]*$)",
    r"-Wl,--just-symbols[=,]([^,@\-][^,@]*)",
    r"-Wl,-rpath(-link)?[=,]([^,@\-][^,]*)",
    r"-Wl,-s",
    r"-Wl,-search_paths_first",
    r"-Wl,-sectcreate,([^,@\-][^,]*),([^,@\-][^,]*),([^,@\-][^,]*)",
    r"-Wl,--start-group",
    r"-Wl,-?-static",
    r"-Wl,-?-subsystem,(native|windows|console|posix|xbox)",
    r"-Wl,-syslibroot[=,]([^,@\-][^,]*)",
    r"-Wl,-undefined[=,]([^,@\-][^,]*)",
    r"-Wl,-?-unresolved-symbols=[^,]+",
    r"-Wl,--(no-)?warn-([^,]+)",
    r"-Wl,-?-wrap[=,][^,@\-][^,]*",
    r"-Wl(,-z,(relro|now|(no)?execstack))+",
    r"[a-zA-Z0-9_/].*\.(a|o|obj|dll|dylib|so|tbd)", // direct linker inputs: x.o or libfoo.so (but not -foo.o or @foo.o)
    r"\./.*\.(a|o|obj|dll|dylib|so|tbd)",
];

const VALID_LINKER_FLAGS_WITH_NEXT_ARG: &[&str] = &[
    "-arch",
    "-F",
    "-l",
    "-L",
    "-framework",
    "-isysroot",
    "--sysroot",
    "-target",
    "-Wl,-framework",
    "-Wl,-rpath",
    "-Wl,-R",
    "-Wl,--just-symbols",
    "-Wl,-undefined",
];

const VALID_PKG_CONFIG_FLAGS: &[&str] = &[
    r"--atleast-pkgconfig-version=\d+\.\d+\.\d+",
    r"--atleast-version=\d+\.\d+\.\d+",
    r"--cflags-only-I",
    r"--cflags",
    r"--define-prefix",
    r"--define-variable=[A-Za-z_][A-Za-z0-9_]*=[^@\-]*",
    r"--digraph",
    r"--dont-define-prefix",
    r"--dont-relocate-paths",
    r"--dump-personality",
    r"--env-only",
    r"--errors-to-stdout",
    r"--exact-version=\d+\.\d+\.\d+",
    r"--exists",
    r"--fragment-filter=[A-Za-z_][a-zA-Z0-9_]*",
    r"--ignore-conflicts",
    r"--internal-cflags",
    r"--keep-system-cflags",
    r"--keep-system-libs",
    r"--libs-only-l",
    r"--libs-only-L",
    r"--libs",
    r"--list-all",
    r"--list-package-names",
    r"--max-version=\d+\.\d+\.\d+",
    r"--maximum-traverse-depth=[0-9]+",
    r"--modversion",
    r"--msvc-syntax",
    r"--no-cache",
    r"--no-provides",
    r"--no-uninstalled",
    r"--path",
    r"--personality=(triplet|filename)",
    r"--prefix-variable=[A-Za-z_][a-zA-Z0-9_]*",
    r"--print-errors",
    r"--print-provides",
    r"--print-requires-private",
    r"--print-requires",
    r"--print-variables",
    r"--pure",
    r"--shared",
    r"--short-errors",
    r"--silence-errors",
    r"--simulate",
    r"--static",
    r"--uninstalled",
    r"--validate",
    r"--variable=[A-Za-z_][a-zA-Z0-9_]*",
    r"--with-path=[^@\-].*",
];

/// One of security.go's rule sets, compiled.
struct Rules {
    invalid: Vec<Regex>,
    valid: Vec<Regex>,
    valid_next: &'static [&'static str],
}

fn compile_all(patterns: &[&str]) -> Vec<Regex> {
    patterns.iter().map(|p| go_regex(p).unwrap_or_else(|e| panic!("allowlist pattern {p}: {e}"))).collect()
}

fn compiler_rules() -> &'static Rules {
    static R: OnceLock<Rules> = OnceLock::new();
    R.get_or_init(|| Rules {
        invalid: Vec::new(),
        valid: compile_all(VALID_COMPILER_FLAGS),
        valid_next: VALID_COMPILER_FLAGS_WITH_NEXT_ARG,
    })
}

fn linker_rules() -> &'static Rules {
    static R: OnceLock<Rules> = OnceLock::new();
    R.get_or_init(|| Rules {
        invalid: compile_all(INVALID_LINKER_FLAGS),
        valid: compile_all(VALID_LINKER_FLAGS),
        valid_next: VALID_LINKER_FLAGS_WITH_NEXT_ARG,
    })
}

fn pkg_config_rules() -> &'static Rules {
    static R: OnceLock<Rules> = OnceLock::new();
    R.get_or_init(|| Rules { invalid: Vec::new(), valid: compile_all(VALID_PKG_CONFIG_FLAGS), valid_next: &[] })
}

/// `load.SafeArg`: rejects arguments that start with a non-alphanumeric ASCII
/// character other than `.`, `_` and `/` (so `@file` and `-flag` are unsafe).
pub(crate) fn safe_arg(name: &str) -> bool {
    match name.as_bytes().first() {
        None => false,
        Some(&c) => c.is_ascii_alphanumeric() || c == b'.' || c == b'_' || c == b'/' || c >= 0x80,
    }
}

/// Go's `re.FindString(s) == s`: the leftmost-first match is all of `s`
/// (an empty `s` "matches" even when nothing does, as in Go).
fn full_match(re: &Regex, s: &str) -> bool {
    match re.find(s) {
        Some(m) => m.start() == 0 && m.end() == s.len(),
        None => s.is_empty(),
    }
}

/// Why `check_list` refused a list.
#[derive(Debug)]
enum Rejection {
    /// `list[index]` is not allowed.
    Flag(usize),
    /// `list[index]` matched `CGO_<KIND>_DISALLOW`.
    Disallowed(usize),
    /// `list[index]` takes an argument and `list[index + 1]` is not safe.
    Pair(usize),
    /// `list[index]` takes an argument and is last.
    NoArg(usize),
}

/// The user's `CGO_<KIND>_ALLOW` and `CGO_<KIND>_DISALLOW` patterns.
struct Overrides {
    allow: Option<Regex>,
    disallow: Option<Regex>,
}

fn overrides(kind: &str, env: &dyn Fn(&str) -> Option<String>) -> Result<Overrides> {
    let get = |which: &str| -> Result<Option<Regex>> {
        let var = format!("CGO_{kind}_{which}");
        match env(&var).filter(|v| !v.is_empty()) {
            None => Ok(None),
            Some(v) => go_regex(&v).map(Some).map_err(|e| {
                Error::new(
                    ErrorKind::Config,
                    format!("parsing ${var}: {e}\n${var} is {v:?}; it must be a Go regular expression (RE2 syntax)"),
                )
            }),
        }
    };
    Ok(Overrides { allow: get("ALLOW")?, disallow: get("DISALLOW")? })
}

/// `work.checkFlags`.
fn check_list(list: &[String], rules: &Rules, ov: Option<&Overrides>) -> std::result::Result<(), Rejection> {
    let (allow, disallow) = match ov {
        Some(o) => (o.allow.as_ref(), o.disallow.as_ref()),
        None => (None, None),
    };
    let any = |res: &[Regex], s: &str| res.iter().any(|re| full_match(re, s));
    let mut i = 0;
    'args: while i < list.len() {
        let arg = list[i].as_str();
        if disallow.is_some_and(|re| full_match(re, arg)) {
            return Err(Rejection::Disallowed(i));
        }
        if allow.is_some_and(|re| full_match(re, arg)) {
            i += 1;
            continue 'args;
        }
        if any(&rules.invalid, arg) {
            return Err(Rejection::Flag(i));
        }
        for re in &rules.valid {
            if full_match(re, arg) {
                i += 1;
                continue 'args;
            } else if arg.starts_with("-Wl,--push-state,") {
                // Examples for --push-state are written
                //     -Wl,--push-state,--as-needed
                // Support other commands in the same -Wl arg.
                for a in arg.split(',').skip(1) {
                    let a = format!("-Wl,{a}");
                    if !any(&rules.valid, &a) || any(&rules.invalid, &a) {
                        return Err(Rejection::Flag(i));
                    }
                }
                i += 1;
                continue 'args;
            }
        }
        if rules.valid_next.contains(&arg) {
            if let Some(next) = list.get(i + 1) {
                if safe_arg(next) {
                    i += 2;
                    continue 'args;
                }
                // Permit -Wl,-framework -Wl,name.
                if arg.starts_with("-Wl,") {
                    if let Some(rest) = next.strip_prefix("-Wl,") {
                        if safe_arg(rest) && !rest.contains(',') {
                            i += 2;
                            continue 'args;
                        }
                    }
                }
                // Permit -I= /path, -I $SYSROOT.
                if arg == "-I" && (next.starts_with('=') || next.starts_with("$SYSROOT")) && safe_arg(&next[1..]) {
                    i += 2;
                    continue 'args;
                }
                return Err(Rejection::Pair(i));
            }
            return Err(Rejection::NoArg(i));
        }
        return Err(Rejection::Flag(i));
    }
    Ok(())
}

/// The rules for a flag kind.
fn rules_for(kind: &str) -> Result<&'static Rules> {
    match kind {
        "CFLAGS" | "CPPFLAGS" | "CXXFLAGS" | "FFLAGS" => Ok(compiler_rules()),
        "LDFLAGS" => Ok(linker_rules()),
        _ => Err(Error::new(ErrorKind::Config, format!("internal error: unknown cgo flag kind {kind:?}"))),
    }
}

/// The security check (work/security.go) for flags from #cgo lines and
/// pkg-config: `kind` is "CFLAGS"|"CPPFLAGS"|"CXXFLAGS"|"FFLAGS"|"LDFLAGS";
/// `env` reads CGO_<kind>_ALLOW / CGO_<kind>_DISALLOW; `source` names where
/// the flags came from in the message (`#cgo CFLAGS`, `pkg-config --libs`).
#[allow(dead_code)] // until the cgo pipeline calls it
pub(crate) fn check_flags(
    kind: &str,
    source: &str,
    flags: &[String],
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<()> {
    check_flags_at(kind, source, flags, env, &|_| None)
}

/// [`check_flags`], with `pos(i)` naming the `file:line` of `flags[i]`.
fn check_flags_at(
    kind: &str,
    source: &str,
    flags: &[String],
    env: &dyn Fn(&str) -> Option<String>,
    pos: &dyn Fn(usize) -> Option<String>,
) -> Result<()> {
    let rules = rules_for(kind)?;
    let ov = overrides(kind, env)?;
    match check_list(flags, rules, Some(&ov)) {
        Ok(()) => Ok(()),
        Err(r) => Err(rejection_error(kind, source, flags, r, &ov, env, pos)),
    }
}

/// The message for a refused flag: cmd/go's words, prefixed with the flag's
/// position when known, and a line on how to allow the flag.
fn rejection_error(
    kind: &str,
    source: &str,
    list: &[String],
    r: Rejection,
    ov: &Overrides,
    env: &dyn Fn(&str) -> Option<String>,
    pos: &dyn Fn(usize) -> Option<String>,
) -> Error {
    let allow_var = format!("CGO_{kind}_ALLOW");
    let hint = |flags: &[&str]| {
        let mut alts: Vec<String> = flags.iter().map(|f| quote_meta(f)).collect();
        // Longest first: the match is leftmost-first, not longest.
        alts.sort_by_key(|a| std::cmp::Reverse(a.len()));
        alts.dedup();
        let example = alts.join("|");
        let what = if flags.len() == 1 { "the whole flag" } else { "each of them as a whole" };
        let current = match env(&allow_var).filter(|v| !v.is_empty()) {
            Some(v) => format!(" (it is now {v:?}, which does not match)"),
            None => String::new(),
        };
        format!(
            "#cgo and pkg-config flags must be on the Go command's allowlist. If the flag is safe, set the environment variable {allow_var} to a Go regular expression that matches {what}{current}, e.g. {allow_var}='{example}'"
        )
    };
    let (index, head, help) = match r {
        Rejection::Flag(i) => (i, format!("invalid flag in {source}: {} (see {INVALID_FLAG_URL})", list[i]), hint(&[&list[i]])),
        Rejection::Disallowed(i) => {
            let pattern = ov.disallow.as_ref().map(|r| r.as_str().to_string()).unwrap_or_default();
            let var = format!("CGO_{kind}_DISALLOW");
            (
                i,
                format!("invalid flag in {source}: {} (see {INVALID_FLAG_URL})", list[i]),
                format!(
                    "the flag is refused because it matches ${var} ({}), which takes precedence over ${allow_var}",
                    env(&var).unwrap_or(pattern)
                ),
            )
        }
        Rejection::Pair(i) => (
            i,
            format!("invalid flag in {source}: {} {} (see {INVALID_FLAG_URL})", list[i], list[i + 1]),
            format!(
                "{} takes an argument, and an argument that starts with '-' or '@' (or another character other than a letter, digit, '.', '_' or '/') is refused. {}",
                list[i],
                hint(&[&list[i], &list[i + 1]])
            ),
        ),
        Rejection::NoArg(i) => (
            i,
            format!("invalid flag in {source}: {} without argument (see {INVALID_FLAG_URL})", list[i]),
            format!("{} takes an argument: put it after the flag in the same list", list[i]),
        ),
    };
    let msg = match pos(index) {
        Some(p) => format!("{p}: {head}\n{help}"),
        None => format!("{head}\n{help}"),
    };
    Error::new(ErrorKind::Load, msg)
}

/// Go's `regexp.QuoteMeta`.
fn quote_meta(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if r"\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

// ---------------------------------------------------------------------------
// Final flag lists (exec.go CFlags / buildFlags / envList)
// ---------------------------------------------------------------------------

/// The final flag lists like exec.go CFlags/buildFlags: for each kind, the
/// `CGO_<KIND>` environment value (split like `envList`), then the package's
/// own flags.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct CgoFlags {
    pub cppflags: Vec<String>,
    pub cflags: Vec<String>,
    pub cxxflags: Vec<String>,
    pub fflags: Vec<String>,
    pub ldflags: Vec<String>,
}

/// `exec.go CFlags`: checks the package's flags of every kind (not the
/// environment's) and puts `CGO_<KIND>` (default `-O2 -g`, none for
/// CPPFLAGS) before them. Errors name the `#cgo` line of a refused flag.
pub(crate) fn cgo_flags(d: &CgoDirectives, env: &dyn Fn(&str) -> Option<String>) -> Result<CgoFlags> {
    let one = |kind: &'static str, default: &str, pkg: &[String]| -> Result<Vec<String>> {
        let pos = |i: usize| d.origin(kind, i).map(str::to_string);
        check_flags_at(kind, &format!("#cgo {kind}"), pkg, env, &pos)?;
        let mut out = env_list(&format!("CGO_{kind}"), default, env)?;
        out.extend(pkg.iter().cloned());
        Ok(out)
    };
    Ok(CgoFlags {
        cppflags: one("CPPFLAGS", "", &d.cppflags)?,
        cflags: one("CFLAGS", DEFAULT_CFLAGS, &d.cflags)?,
        cxxflags: one("CXXFLAGS", DEFAULT_CFLAGS, &d.cxxflags)?,
        fflags: one("FFLAGS", DEFAULT_CFLAGS, &d.fflags)?,
        ldflags: one("LDFLAGS", DEFAULT_CFLAGS, &d.ldflags)?,
    })
}

/// `work.envList`: the variable's value, or `default` when it is unset or
/// empty, split by `quoted.Split`.
pub(crate) fn env_list(key: &str, default: &str, env: &dyn Fn(&str) -> Option<String>) -> Result<Vec<String>> {
    let v = env(key).filter(|v| !v.is_empty()).unwrap_or_else(|| default.to_string());
    quoted_split(&v).map_err(|e| {
        Error::new(
            ErrorKind::Config,
            format!("could not parse environment variable {key} with value {v:?}: {e}\nOnly whole words may be quoted, with '…' or \"…\" and no escapes (the Go command's rule)"),
        )
    })
}

/// `internal/quoted.Split`: fields separated by ASCII white space; a field
/// that starts with `'` or `"` runs to the matching quote, with no escapes.
pub(crate) fn quoted_split(s: &str) -> std::result::Result<Vec<String>, String> {
    let is_space = |c: u8| matches!(c, b' ' | b'\t' | b'\n' | b'\r');
    let b = s.as_bytes();
    let mut f = Vec::new();
    let mut i = 0;
    while i < b.len() {
        while i < b.len() && is_space(b[i]) {
            i += 1;
        }
        if i >= b.len() {
            break;
        }
        if b[i] == b'"' || b[i] == b'\'' {
            let quote = b[i];
            let start = i + 1;
            let Some(len) = b[start..].iter().position(|&c| c == quote) else {
                return Err(format!("unterminated {} string", quote as char));
            };
            f.push(s[start..start + len].to_string());
            i = start + len + 1;
            continue;
        }
        let start = i;
        while i < b.len() && !is_space(b[i]) {
            i += 1;
        }
        f.push(s[start..i].to_string());
    }
    Ok(f)
}

/// `flagsNotCompatibleWithInternalLinking`: true when any of the given
/// (env+package) CFLAGS/CXXFLAGS/FFLAGS would make cmd/go write the
/// `preferlinkext` marker: a flag off the compiler allowlist (overrides not
/// applied) or one starting with `-flto`.
#[allow(dead_code)] // until the cgo pipeline calls it
pub(crate) fn not_compatible_with_internal_linking(lists: &[&[String]]) -> bool {
    lists
        .iter()
        .any(|list| check_list(list, compiler_rules(), None).is_err() || list.iter().any(|f| f.starts_with("-flto")))
}

/// Go's `strconv.Quote` of one flag.
#[allow(dead_code)] // until the cgo pipeline calls it
pub(crate) fn go_quote(flag: &str) -> String {
    crate::buildinfo::go_quote(flag.as_bytes())
}

/// cgo's `-ldflags=` option for the final LDFLAGS (Go 1.23+): each flag
/// Go-quoted, joined by spaces; `None` when there are none (and then cmd/go
/// also leaves `CGO_LDFLAGS` alone).
#[allow(dead_code)] // until the cgo pipeline calls it
pub(crate) fn ldflags_option(ldflags: &[String]) -> Option<String> {
    if ldflags.is_empty() {
        return None;
    }
    let quoted: Vec<String> = ldflags.iter().map(|f| go_quote(f)).collect();
    Some(format!("-ldflags={}", quoted.join(" ")))
}

// ---------------------------------------------------------------------------
// pkg-config (exec.go getPkgConfigFlags, splitPkgConfigOutput)
// ---------------------------------------------------------------------------

/// The `pkg-config` command line parts of `#cgo pkg-config:` arguments, as
/// `getPkgConfigFlags` builds them: (`--` options, package names). `--` itself
/// is dropped (the caller puts its own between the two). Package names must
/// be safe and options on cmd/go's pkg-config allowlist. Run
/// `pkg-config --cflags <options> -- <packages>` (and `--libs`), split the
/// output with [`split_pkg_config_output`], then check it with
/// `check_flags("CFLAGS", "pkg-config --cflags", …)` and
/// `check_flags("LDFLAGS", "pkg-config --libs", …)`; cmd/go appends the
/// results to the final CPPFLAGS and LDFLAGS.
#[allow(dead_code)] // until the cgo pipeline calls it
pub(crate) fn pkg_config_args(args: &[String]) -> Result<(Vec<String>, Vec<String>)> {
    let mut flags = Vec::new();
    let mut pkgs = Vec::new();
    for a in args {
        if a == "--" {
            // cmd/go adds its own "--".
        } else if a.starts_with("--") {
            flags.push(a.clone());
        } else {
            pkgs.push(a.clone());
        }
    }
    if let Some(bad) = pkgs.iter().find(|p| !safe_arg(p)) {
        return Err(Error::new(ErrorKind::Load, format!("invalid pkg-config package name: {bad}")));
    }
    if let Err(r) = check_list(&flags, pkg_config_rules(), None) {
        let (Rejection::Flag(i) | Rejection::Disallowed(i) | Rejection::Pair(i) | Rejection::NoArg(i)) = r;
        return Err(Error::new(
            ErrorKind::Load,
            format!(
                "invalid flag in pkg-config: {} (see {INVALID_FLAG_URL})\ncmd/go passes only known pkg-config options from #cgo pkg-config lines",
                flags[i]
            ),
        ));
    }
    Ok((flags, pkgs))
}

/// `splitPkgConfigOutput(bytes.TrimSpace(out))`: POSIX shell word splitting
/// of pkg-config's output (quotes, backslash escapes), refusing shell
/// metacharacters. Non-UTF-8 output is converted lossily.
#[allow(dead_code)] // until the cgo pipeline calls it
pub(crate) fn split_pkg_config_output(out: &[u8]) -> Result<Vec<String>> {
    let text = String::from_utf8_lossy(out);
    let out = trim_space(&text).as_bytes();
    let err = |m: String| Error::new(ErrorKind::Tool, m);
    let mut flags = Vec::new();
    let mut flag: Vec<u8> = Vec::new();
    let mut did_quote = false;
    let mut escaped = false;
    let mut quote = 0u8;
    for &c in out {
        if escaped {
            if quote == b'"' {
                // The backslash keeps its meaning only before $ ` " \ newline.
                if !matches!(c, b'$' | b'`' | b'"' | b'\\' | b'\n') {
                    flag.push(b'\\');
                    flag.push(c);
                    escaped = false;
                    continue;
                }
            }
            if c != b'\n' {
                // A backslash-newline is a line continuation.
                flag.push(c);
            }
            escaped = false;
            continue;
        }
        if quote != 0 && c == quote {
            quote = 0;
            continue;
        }
        match quote {
            b'\'' => {
                flag.push(c);
                continue;
            }
            b'"' if !matches!(c, b'`' | b'$' | b'\\') => {
                flag.push(c);
                continue;
            }
            _ => {}
        }
        match c {
            b'|' | b'&' | b';' | b'<' | b'>' | b'(' | b')' | b'$' | b'`' => {
                return Err(err(format!("unexpected shell character {:?} in pkgconf output", c as char)));
            }
            b'\\' => escaped = true,
            b'"' | b'\'' => {
                quote = c;
                did_quote = true;
            }
            b' ' | b'\t' | b'\n' => {
                if !flag.is_empty() || did_quote {
                    flags.push(String::from_utf8_lossy(&flag).into_owned());
                }
                flag.clear();
                did_quote = false;
            }
            _ => flag.push(c),
        }
    }
    if quote != 0 {
        return Err(err("unterminated quoted string in pkgconf output".into()));
    }
    if escaped {
        return Err(err("broken character escaping in pkgconf output".into()));
    }
    if !flag.is_empty() || did_quote {
        flags.push(String::from_utf8_lossy(&flag).into_owned());
    }
    Ok(flags)
}

// ---------------------------------------------------------------------------
// Go regular expressions on the regex crate
// ---------------------------------------------------------------------------

/// Compiles a Go (RE2) regular expression with Go's meaning.
fn go_regex(pattern: &str) -> std::result::Result<Regex, String> {
    let translated = translate_go_regex(pattern).map_err(|e| format!("error parsing regexp: {e}"))?;
    regex::RegexBuilder::new(&translated)
        .octal(true)
        .build()
        .map_err(|e| format!("error parsing regexp {pattern:?}: {e}"))
}

/// Rewrites Go regexp syntax into the `regex` crate's where they differ:
/// - `\d \s \w` (and negations) are ASCII-only in Go;
/// - `\b`/`\B` are ASCII word boundaries in Go;
/// - `\Q…\E` quotes a literal, `\p{^Greek}` negates (Go only);
/// - an escaped punctuation character is always that character in Go
///   (`\<`, `\>` are word boundaries in Rust), so it becomes `\x{HH}`;
/// - inside a class, Go has no nesting or set operations: `[`, `&`, `~` and
///   a `-` that is not a range are literal;
/// - a `{` that does not start a repetition (`{n}`, `{n,}`, `{n,m}`) is literal.
///
/// Stacked repetitions are refused here as in Go; other syntax errors are
/// left for the `regex` crate to report.
fn translate_go_regex(p: &str) -> std::result::Result<String, String> {
    let chars: Vec<char> = p.chars().collect();
    let mut out = String::with_capacity(p.len() * 2);
    let mut i = 0;
    // Whether the previous item was a repetition operator: Go (like Perl)
    // refuses `a**`, `a+*`, `a{2}{3}`; the regex crate would accept them.
    let mut after_repeat = false;
    while i < chars.len() {
        let c = chars[i];
        let repeat_op = match c {
            '*' | '+' | '?' => Some(1),
            '{' => repeat_len(&chars[i..]),
            _ => None,
        };
        if let Some(n) = repeat_op {
            if after_repeat {
                let op: String = chars[i.saturating_sub(1)..i + n].iter().collect();
                return Err(format!("invalid nested repetition operator: `{op}`"));
            }
            out.extend(&chars[i..i + n]);
            i += n;
            if chars.get(i) == Some(&'?') {
                out.push('?'); // non-greedy
                i += 1;
            }
            after_repeat = true;
            continue;
        }
        after_repeat = false;
        match c {
            '\\' => {
                if chars.get(i + 1) == Some(&'Q') {
                    i += 2;
                    let mut lit = String::new();
                    while i < chars.len() && !(chars[i] == '\\' && chars.get(i + 1) == Some(&'E')) {
                        lit.push(chars[i]);
                        i += 1;
                    }
                    if i < chars.len() {
                        i += 2; // \E
                    }
                    for ch in lit.chars() {
                        push_literal(&mut out, ch);
                    }
                } else {
                    i = translate_escape(&chars, i, &mut out, false);
                }
            }
            '[' => i = translate_class(&chars, i, &mut out),
            '(' if chars.get(i + 1) == Some(&'?') => {
                out.push_str("(?");
                i += 2;
            }
            '{' => {
                // Not a repetition (those were handled above): literal.
                out.push_str(r"\{");
                i += 1;
            }
            '}' => {
                out.push_str(r"\}");
                i += 1;
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    Ok(out)
}

/// Emits a literal character so that the `regex` crate reads it literally
/// in or out of a class.
fn push_literal(out: &mut String, c: char) {
    if c.is_ascii() && !c.is_ascii_alphanumeric() {
        out.push_str(&format!("\\x{{{:02X}}}", c as u32));
    } else {
        out.push(c);
    }
}

/// The length of a Go repetition `{n}`, `{n,}` or `{n,m}` at the start of `s`.
fn repeat_len(s: &[char]) -> Option<usize> {
    let mut i = 1;
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < s.len() && s[*i].is_ascii_digit() {
            *i += 1;
        }
        *i > start
    };
    if !digits(&mut i) {
        return None;
    }
    if s.get(i) == Some(&',') {
        i += 1;
        digits(&mut i);
    }
    (s.get(i) == Some(&'}')).then_some(i + 1)
}

/// Translates the escape at `chars[i]` (a backslash); returns the index after it.
fn translate_escape(chars: &[char], i: usize, out: &mut String, in_class: bool) -> usize {
    let Some(&e) = chars.get(i + 1) else {
        out.push('\\'); // trailing backslash: let the regex crate complain
        return i + 1;
    };
    let mut j = i + 2;
    match e {
        'd' => out.push_str("[0-9]"),
        'D' => out.push_str("[^0-9]"),
        's' => out.push_str(r"[\t\n\x0C\r ]"),
        'S' => out.push_str(r"[^\t\n\x0C\r ]"),
        'w' => out.push_str("[0-9A-Za-z_]"),
        'W' => out.push_str("[^0-9A-Za-z_]"),
        'b' if !in_class => out.push_str(r"(?-u:\b)"),
        'B' if !in_class => out.push_str(r"(?-u:\B)"),
        'p' | 'P' if chars.get(j) == Some(&'{') && chars.get(j + 1) == Some(&'^') => {
            // Go's negated form \p{^Greek} is \P{Greek} (and the reverse).
            let end = chars[j..].iter().position(|&c| c == '}').map_or(chars.len(), |k| j + k + 1);
            out.push_str(if e == 'p' { r"\P{" } else { r"\p{" });
            out.extend(&chars[j + 2..end]);
            j = end;
        }
        'x' | 'p' | 'P' if chars.get(j) == Some(&'{') => {
            // \x{10FFFF}, \p{Greek}: copy through the closing brace.
            let end = chars[j..].iter().position(|&c| c == '}').map_or(chars.len(), |k| j + k + 1);
            out.extend(&chars[i..end]);
            j = end;
        }
        'x' => {
            // \xHH
            let end = (j + 2).min(chars.len());
            out.extend(&chars[i..end]);
            j = end;
        }
        e if e.is_ascii() && !e.is_ascii_alphanumeric() => push_literal(out, e),
        e => {
            out.push('\\');
            out.push(e);
        }
    }
    j
}

/// Translates the class starting at `chars[i]` (`[`); returns the index after it.
fn translate_class(chars: &[char], mut i: usize, out: &mut String) -> usize {
    out.push('[');
    i += 1;
    if chars.get(i) == Some(&'^') {
        out.push('^');
        i += 1;
    }
    let mut first = true;
    // One class item: a POSIX class, an escape, or a character. Returns
    // whether it was a single character (a possible range end).
    let item = |i: &mut usize, out: &mut String| -> bool {
        let c = chars[*i];
        if c == '[' && chars.get(*i + 1) == Some(&':') {
            let rest: String = chars[*i..].iter().collect();
            if let Some(end) = rest.find(":]") {
                out.push_str(&rest[..end + 2]);
                *i += rest[..end + 2].chars().count();
                return false;
            }
        }
        if c == '\\' {
            let before = out.len();
            *i = translate_escape(chars, *i, out, true);
            return !out[before..].starts_with('[');
        }
        push_literal(out, c);
        *i += 1;
        true
    };
    while i < chars.len() {
        if chars[i] == ']' && !first {
            out.push(']');
            return i + 1;
        }
        first = false;
        let single = item(&mut i, out);
        if single && chars.get(i) == Some(&'-') && chars.get(i + 1).is_some_and(|&c| c != ']') {
            out.push('-');
            i += 1;
            item(&mut i, out);
        }
    }
    // Unterminated: the regex crate reports it.
    i
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::tests::linux_amd64;
    use std::collections::HashMap;
    use std::path::PathBuf;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    fn no_env(_: &str) -> Option<String> {
        None
    }

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let m: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        move |k| m.get(k).cloned()
    }

    fn parse(ctx: &BuildContext, text: &str) -> Result<CgoDirectives> {
        let mut d = CgoDirectives::default();
        parse_cgo_lines(ctx, Path::new("/src/pkg"), "a.go", text, 10, &mut d)?;
        Ok(d)
    }

    #[test]
    fn parses_verbs_and_conditions() {
        let ctx = linux_amd64();
        let d = parse(
            &ctx,
            "#cgo CFLAGS: -DA=1 -Wall\n\
             #include <stdio.h>\n\
             #cgo linux,amd64 CFLAGS: -DLINUX_AMD64\n\
             #cgo linux,arm64 CFLAGS: -DLINUX_ARM64\n\
             #cgo !windows LDFLAGS: -lm\n\
             #cgo windows LDFLAGS: -lws2_32\n\
             #cgo darwin freebsd,!arm linux,!amd64 CPPFLAGS: -DNO\n\
             #cgo darwin linux CPPFLAGS: -DYES\n\
             #cgo linux&&(amd64||arm64) CXXFLAGS: -DEXPR\n\
             #cgo linux&&!amd64 CXXFLAGS: -DNOT\n\
             \t#cgo\tmytag FFLAGS: -O3\n\
             #cgo pkg-config: --static libfoo\n\
             #cgo noescape myfunc\n\
             #cgo nocallback myfunc\n\
             #cgoo CFLAGS: nothing\n\
             #cgo !!linux CFLAGS: -DIGNORE\n\
             #cgo !linux-gnu CFLAGS: -DBADTAG\n",
        )
        .unwrap();
        assert_eq!(d.cflags, strings(&["-DA=1", "-Wall", "-DLINUX_AMD64", "-DBADTAG"]));
        assert_eq!(d.ldflags, strings(&["-lm"]));
        assert_eq!(d.cppflags, strings(&["-DYES"]));
        assert_eq!(d.cxxflags, strings(&["-DEXPR"]));
        assert_eq!(d.fflags, strings(&["-O3"]));
        assert_eq!(d.pkg_config, strings(&["--static", "libfoo"]));
        assert_eq!(d.origin("CFLAGS", 1), Some("a.go:10"));
        assert_eq!(d.origin("CFLAGS", 2), Some("a.go:12"));
        assert_eq!(d.origin("LDFLAGS", 0), Some("a.go:14"));
        assert_eq!(d.origin("CFLAGS", 4), None);
    }

    #[test]
    fn cgo_tag_and_release_tags() {
        let mut ctx = linux_amd64();
        let d =
            parse(&ctx, "#cgo cgo CFLAGS: -DCGO\n#cgo go1.20 CFLAGS: -DGO120\n#cgo go1.99 CFLAGS: -DGO199\n").unwrap();
        assert_eq!(d.cflags, strings(&["-DGO120"]));
        ctx.cgo_enabled = true;
        let d = parse(&ctx, "#cgo cgo CFLAGS: -DCGO\n#cgo gc,unix CFLAGS: -DGC\n").unwrap();
        assert_eq!(d.cflags, strings(&["-DCGO", "-DGC"]));
    }

    #[test]
    fn quoting_and_srcdir() {
        let ctx = linux_amd64();
        let d = parse(&ctx, r#"#cgo CFLAGS: -I${SRCDIR}/include "-DMSG=hello world" '-DX=y z' -DA\ B -I${SRCDIR}"#)
            .unwrap();
        assert_eq!(d.cflags, strings(&["-I/src/pkg/include", "-DMSG=hello world", "-DX=y z", "-DA B", "-I/src/pkg"]));
        // Quotes that survive splitting are not safe (safeCgoName).
        assert!(parse(&ctx, r#"#cgo CFLAGS: '-DX="y"'"#).is_err());
        // Relative -I and -L become absolute, joined or as the next argument.
        let d = parse(&ctx, "#cgo CFLAGS: -Iinc -I ../other -I /abs\n#cgo LDFLAGS: -Llib/./x -L . -lfoo").unwrap();
        assert_eq!(d.cflags, strings(&["-I/src/pkg/inc", "-I", "/src/other", "-I", "/abs"]));
        assert_eq!(d.ldflags, strings(&["-L/src/pkg/lib/x", "-L", "/src/pkg", "-lfoo"]));
        // pkg-config arguments are not made absolute.
        let d = parse(&ctx, "#cgo pkg-config: -Ifoo").unwrap();
        assert_eq!(d.pkg_config, strings(&["-Ifoo"]));
    }

    #[test]
    fn srcdir_with_unsafe_characters() {
        let ctx = linux_amd64();
        let mut d = CgoDirectives::default();
        let err = parse_cgo_lines(&ctx, Path::new("/src/we\"ird"), "b.go", "\n#cgo CFLAGS: -I${SRCDIR}/x\n", 3, &mut d)
            .unwrap_err()
            .to_string();
        assert_eq!(err, "b.go:4: malformed #cgo argument: -I/src/we\"ird/x");
        // The directory is only checked where it is used.
        parse_cgo_lines(&ctx, Path::new("/src/we\"ird"), "b.go", "#cgo CFLAGS: -I/x", 3, &mut d).unwrap();
        // Spaces are safe.
        let mut d = CgoDirectives::default();
        parse_cgo_lines(&ctx, Path::new("/my dir"), "b.go", "#cgo LDFLAGS: -L${SRCDIR}", 1, &mut d).unwrap();
        assert_eq!(d.ldflags, strings(&["-L/my dir"]));
    }

    #[test]
    fn bad_lines() {
        let ctx = linux_amd64();
        let e = |text: &str| parse(&ctx, text).unwrap_err().to_string();
        assert_eq!(e("#include <x.h>\n#cgo CFLAGS -DX"), "a.go:11: invalid #cgo line: #cgo CFLAGS -DX");
        assert_eq!(e("#cgo : -DX"), "a.go:10: invalid #cgo line: #cgo : -DX");
        assert_eq!(e("\n\n  #cgo CFLAG: -DX  "), "a.go:12: invalid #cgo verb:   #cgo CFLAG: -DX  ");
        assert_eq!(e("#cgo CFLAGS: \"-DX"), "a.go:10: invalid #cgo line: #cgo CFLAGS: \"-DX");
        assert_eq!(e("#cgo CFLAGS: -DX\\"), "a.go:10: invalid #cgo line: #cgo CFLAGS: -DX\\");
        assert_eq!(e("#cgo CFLAGS: -D`x`"), "a.go:10: malformed #cgo argument: -D`x`");
        assert_eq!(e("#cgo CFLAGS: ''"), "a.go:10: malformed #cgo argument: ");
        assert_eq!(e("#cgo LDFLAGS: -lfoo;rm"), "a.go:10: malformed #cgo argument: -lfoo;rm");
        // A line whose condition fails is skipped before its verb or
        // arguments are looked at (as in go/build).
        parse(&ctx, "#cgo windows CFLAG: -DX\n#cgo windows CFLAGS: `x`").unwrap();
        // The verb is checked after the arguments.
        assert_eq!(e("#cgo BOGUS: `x`"), "a.go:10: malformed #cgo argument: `x`");
    }

    #[test]
    fn split_quoted_like_go() {
        assert_eq!(split_quoted(r#"a b:"c d" 'e''f'  "g\"""#).unwrap(), strings(&["a", "b:c d", "ef", "g\""]));
        assert_eq!(split_quoted("  ").unwrap(), Vec::<String>::new());
        assert_eq!(split_quoted("'' x").unwrap(), strings(&["", "x"]));
        assert!(split_quoted("'a").is_err());
        assert!(split_quoted("a\\").is_err());
    }

    #[test]
    fn clean_paths() {
        for (p, want) in [
            ("/a/b/../c", "/a/c"),
            ("/../x", "/x"),
            ("a/../../b", "../b"),
            ("./", "."),
            ("/a//b/./", "/a/b"),
            ("", "."),
        ] {
            assert_eq!(clean(p), want, "{p}");
        }
    }

    // The vectors of cmd/go/internal/work/security_test.go (Go 1.26).
    const GOOD_COMPILER: &[&[&str]] = &[
        &["-DFOO"],
        &["-Dfoo=bar"],
        &["-Ufoo"],
        &["-Ufoo1"],
        &["-F/Qt"],
        &["-F", "/Qt"],
        &["-I/"],
        &["-I/etc/passwd"],
        &["-I."],
        &["-O"],
        &["-O2"],
        &["-Osmall"],
        &["-W"],
        &["-Wall"],
        &["-Wp,-Dfoo=bar"],
        &["-Wp,-Ufoo"],
        &["-Wp,-Dfoo1"],
        &["-Wp,-Ufoo1"],
        &["-flto"],
        &["-fobjc-arc"],
        &["-fno-objc-arc"],
        &["-fomit-frame-pointer"],
        &["-fno-omit-frame-pointer"],
        &["-fpic"],
        &["-fno-pic"],
        &["-fPIC"],
        &["-fno-PIC"],
        &["-fpie"],
        &["-fno-pie"],
        &["-fPIE"],
        &["-fno-PIE"],
        &["-fsplit-stack"],
        &["-fno-split-stack"],
        &["-fstack-xxx"],
        &["-fno-stack-xxx"],
        &["-fsanitize=hands"],
        &["-ftls-model=local-dynamic"],
        &["-g"],
        &["-ggdb"],
        &["-mabi=lp64d"],
        &["-march=souza"],
        &["-mcmodel=medium"],
        &["-mcpu=123"],
        &["-mfpu=123"],
        &["-mtls-dialect=gnu"],
        &["-mtls-dialect=gnu2"],
        &["-mtls-dialect=trad"],
        &["-mtls-dialect=desc"],
        &["-mtls-dialect=xyz"],
        &["-msimd=lasx"],
        &["-msimd=xyz"],
        &["-mdouble-float"],
        &["-mrelax"],
        &["-mstrict-align"],
        &["-mlsx"],
        &["-mlasx"],
        &["-mfrecipe"],
        &["-mlam-bh"],
        &["-mlamcas"],
        &["-mld-seq-sa"],
        &["-mno-relax"],
        &["-mno-strict-align"],
        &["-mno-lsx"],
        &["-mno-lasx"],
        &["-mno-frecipe"],
        &["-mno-lam-bh"],
        &["-mno-lamcas"],
        &["-mno-ld-seq-sa"],
        &["-mlarge-data-threshold=16"],
        &["-mtune=happybirthday"],
        &["-mstack-overflow"],
        &["-mno-stack-overflow"],
        &["-mmacosx-version"],
        &["-mnop-fun-dllimport"],
        &["-pthread"],
        &["-std=c99"],
        &["-xc"],
        &["-D", "FOO"],
        &["-D", "foo=bar"],
        &["-I", "."],
        &["-I", "/etc/passwd"],
        &["-I", "世界"],
        &["-I", "=/usr/include/libxml2"],
        &["-I", "dir"],
        &["-I", "$SYSROOT/dir"],
        &["-isystem", "/usr/include/mozjs-68"],
        &["-include", "/usr/include/mozjs-68/RequiredDefines.h"],
        &["-framework", "Chocolate"],
        &["-x", "c"],
        &["-v"],
    ];

    const BAD_COMPILER: &[&[&str]] = &[
        &["-D@X"],
        &["-D-X"],
        &["-Ufoo=bar"],
        &["-F@dir"],
        &["-F-dir"],
        &["-I@dir"],
        &["-I-dir"],
        &["-O@1"],
        &["-Wa,-foo"],
        &["-W@foo"],
        &["-Wp,-DX,-D@X"],
        &["-Wp,-UX,-U@X"],
        &["-g@gdb"],
        &["-g-gdb"],
        &["-march=@dawn"],
        &["-march=-dawn"],
        &["-mcmodel=@model"],
        &["-mfpu=@0"],
        &["-mfpu=-0"],
        &["-mlarge-data-threshold=@12"],
        &["-mtls-dialect=@gnu"],
        &["-mtls-dialect=-gnu"],
        &["-msimd=@none"],
        &["-msimd=-none"],
        &["-std=@c99"],
        &["-std=-c99"],
        &["-x@c"],
        &["-x-c"],
        &["-D", "@foo"],
        &["-D", "-foo"],
        &["-I", "@foo"],
        &["-I", "-foo"],
        &["-I", "=@obj"],
        &["-include", "@foo"],
        &["-framework", "-Caffeine"],
        &["-framework", "@Home"],
        &["-x", "--c"],
        &["-x", "@obj"],
    ];

    const GOOD_LINKER: &[&[&str]] = &[
        &["-Fbar"],
        &["-lbar"],
        &["-Lbar"],
        &["-fpic"],
        &["-fno-pic"],
        &["-fPIC"],
        &["-fno-PIC"],
        &["-fpie"],
        &["-fno-pie"],
        &["-fPIE"],
        &["-fno-PIE"],
        &["-fsanitize=hands"],
        &["-g"],
        &["-ggdb"],
        &["-march=souza"],
        &["-mcpu=123"],
        &["-mfpu=123"],
        &["-mtune=happybirthday"],
        &["-pic"],
        &["-pthread"],
        &["-Wl,--hash-style=both"],
        &["-Wl,-rpath,foo"],
        &["-Wl,-rpath,$ORIGIN/foo"],
        &["-Wl,-R", "/foo"],
        &["-Wl,-R", "foo"],
        &["-Wl,-R,foo"],
        &["-Wl,--just-symbols=foo"],
        &["-Wl,--just-symbols,foo"],
        &["-Wl,--warn-error"],
        &["-Wl,--no-warn-error"],
        &["foo.so"],
        &["_世界.dll"],
        &["./x.o"],
        &["libcgosotest.dylib"],
        &["-F", "framework"],
        &["-l", "."],
        &["-l", "/etc/passwd"],
        &["-l", "世界"],
        &["-L", "framework"],
        &["-framework", "Chocolate"],
        &["-v"],
        &["-Wl,-sectcreate,__TEXT,__info_plist,${SRCDIR}/Info.plist"],
        &["-Wl,-framework", "-Wl,Chocolate"],
        &["-Wl,-framework,Chocolate"],
        &["-Wl,-unresolved-symbols=ignore-all"],
        &["-Wl,-z,relro"],
        &["-Wl,-z,relro,-z,now"],
        &["-Wl,-z,now"],
        &["-Wl,-z,noexecstack"],
        &["libcgotbdtest.tbd"],
        &["./libcgotbdtest.tbd"],
        &["-Wl,--push-state"],
        &["-Wl,--pop-state"],
        &["-Wl,--push-state,--as-needed"],
        &["-Wl,--push-state,--no-as-needed,-Bstatic"],
        &["-Wl,--just-symbols,."],
        &["-Wl,-framework,."],
        &["-Wl,-rpath,."],
        &["-Wl,-rpath-link,."],
        &["-Wl,-sectcreate,.,.,."],
        &["-Wl,-syslibroot,."],
        &["-Wl,-undefined,."],
    ];

    const BAD_LINKER: &[&[&str]] = &[
        &["-DFOO"],
        &["-Dfoo=bar"],
        &["-W"],
        &["-Wall"],
        &["-fobjc-arc"],
        &["-fno-objc-arc"],
        &["-fomit-frame-pointer"],
        &["-fno-omit-frame-pointer"],
        &["-fsplit-stack"],
        &["-fno-split-stack"],
        &["-fstack-xxx"],
        &["-fno-stack-xxx"],
        &["-mstack-overflow"],
        &["-mno-stack-overflow"],
        &["-mnop-fun-dllimport"],
        &["-std=c99"],
        &["-xc"],
        &["-D", "FOO"],
        &["-D", "foo=bar"],
        &["-I", "FOO"],
        &["-L", "@foo"],
        &["-L", "-foo"],
        &["-x", "c"],
        &["-D@X"],
        &["-D-X"],
        &["-I@dir"],
        &["-I-dir"],
        &["-O@1"],
        &["-Wa,-foo"],
        &["-W@foo"],
        &["-g@gdb"],
        &["-g-gdb"],
        &["-march=@dawn"],
        &["-march=-dawn"],
        &["-std=@c99"],
        &["-std=-c99"],
        &["-x@c"],
        &["-x-c"],
        &["-D", "@foo"],
        &["-D", "-foo"],
        &["-I", "@foo"],
        &["-I", "-foo"],
        &["-l", "@foo"],
        &["-l", "-foo"],
        &["-framework", "-Caffeine"],
        &["-framework", "@Home"],
        &["-Wl,-framework,-Caffeine"],
        &["-Wl,-framework", "-Wl,@Home"],
        &["-Wl,-framework", "@Home"],
        &["-Wl,-framework,Chocolate,@Home"],
        &["-Wl,--hash-style=foo"],
        &["-x", "--c"],
        &["-x", "@obj"],
        &["-Wl,-rpath,@foo"],
        &["-Wl,-R,foo,bar"],
        &["-Wl,-R,@foo"],
        &["-Wl,--just-symbols,@foo"],
        &["../x.o"],
        &["-Wl,-R,"],
        &["-Wl,-O"],
        &["-Wl,-e="],
        &["-Wl,-e,"],
        &["-Wl,-R,-flag"],
        &["-Wl,--push-state,"],
        &["-Wl,--push-state,@foo"],
        &["-fplugin=./-Wl,--push-state,-R.so"],
        &["./-Wl,--push-state,-R.c"],
    ];

    fn check(kind: &str, flags: &[&str]) -> Result<()> {
        check_flags(kind, "test", &strings(flags), &no_env)
    }

    #[test]
    fn go_security_vectors() {
        for f in GOOD_COMPILER {
            for kind in ["CFLAGS", "CPPFLAGS", "CXXFLAGS", "FFLAGS"] {
                check(kind, f).unwrap_or_else(|e| panic!("{kind} {f:?}: {e}"));
            }
        }
        for f in BAD_COMPILER {
            assert!(check("CFLAGS", f).is_err(), "{f:?}");
        }
        for f in GOOD_LINKER {
            check("LDFLAGS", f).unwrap_or_else(|e| panic!("{f:?}: {e}"));
        }
        for f in BAD_LINKER {
            assert!(check("LDFLAGS", f).is_err(), "{f:?}");
        }
    }

    #[test]
    fn internal_link_vectors() {
        for f in BAD_COMPILER {
            assert!(not_compatible_with_internal_linking(&[&strings(f)]), "{f:?}");
        }
        for f in GOOD_COMPILER {
            let lto = f.iter().any(|s| s.contains("-flto"));
            assert_eq!(not_compatible_with_internal_linking(&[&strings(f)]), lto, "{f:?}");
        }
        let ok = strings(&["-O2", "-g"]);
        let plugin = strings(&["-fplugin=x.so"]);
        assert!(!not_compatible_with_internal_linking(&[&ok, &ok, &ok]));
        assert!(not_compatible_with_internal_linking(&[&ok, &plugin, &ok]));
        assert!(not_compatible_with_internal_linking(&[&strings(&["-flto=thin"])]));
    }

    #[test]
    fn representative_flags() {
        for f in [
            &["-I/x"][..],
            &["-DFOO=1"],
            &["-O2"],
            &["-Wall"],
            &["-fPIC"],
            &["-std=c11"],
            &["-pthread"],
            &["-I", "/x"],
            &["-D", "X"],
        ] {
            check("CFLAGS", f).unwrap_or_else(|e| panic!("{f:?}: {e}"));
        }
        for f in [
            &["-lfoo"][..],
            &["-L/x"],
            &["-Wl,-rpath,/x"],
            &["-framework", "CoreFoundation"],
            &["-Wl,--push-state,--as-needed,-Bstatic,--pop-state"],
            &["-Wl,--push-state,--no-as-needed", "-lfoo", "-Wl,--pop-state"],
            &["-pthread", "-lm", "libx.a", "-Wl,--no-undefined"],
            &["-Wl,-z,relro,-z,now"],
        ] {
            check("LDFLAGS", f).unwrap_or_else(|e| panic!("{f:?}: {e}"));
        }
        for f in [&["-fplugin=x"][..], &["@file"], &["-o", "x"], &["--foo"], &["-I"], &["-include", "-x"], &[""]] {
            if !f[0].is_empty() {
                assert!(check("CFLAGS", f).is_err(), "{f:?}");
            }
            assert!(check("LDFLAGS", f).is_err(), "{f:?}");
        }
        // Every part of -Wl,--push-state,… must be an allowed -Wl, option on its
        // own, and -Wl,-lfoo is not one (Go 1.26 refuses this too).
        for f in [
            &["-Wl,-z,execstack-bad"][..],
            &["-Wl,-z,something"],
            &["-Wl,--push-state,--as-needed,-lfoo,--pop-state"],
            &["-Wl,--push-state,--script=x"],
        ] {
            assert!(check("LDFLAGS", f).is_err(), "{f:?}");
        }
        // -lto_library is refused although -lfoo is allowed; also inside --push-state.
        assert!(check("LDFLAGS", &["-lto_library"]).is_err());
        assert!(check("LDFLAGS", &["-Wl,--push-state,-lto_library"]).is_err());
        // The leftmost-first rule: "foo.obj" matches `…\.(a|o|obj…)` only up to "foo.o".
        assert!(check("LDFLAGS", &["foo.obj"]).is_err());
        assert!(check("LDFLAGS", &["foo.o", "foo.dll", "x.tbd"]).is_ok());
        // An empty argument passes the compiler allowlist (Go's FindString
        // returns "" for no match) but not the linker's (-lto_library "matches").
        assert!(check("CFLAGS", &[""]).is_ok());
    }

    #[test]
    fn error_messages() {
        let e =
            check_flags("CFLAGS", "#cgo CFLAGS", &strings(&["-O2", "-fplugin=x"]), &no_env).unwrap_err().to_string();
        assert!(e.starts_with("invalid flag in #cgo CFLAGS: -fplugin=x (see https://go.dev/s/invalidflag)\n"), "{e}");
        assert!(e.contains("CGO_CFLAGS_ALLOW='-fplugin=x'"), "{e}");
        let e = check("LDFLAGS", &["-L", "-foo"]).unwrap_err().to_string();
        assert!(e.starts_with("invalid flag in test: -L -foo (see https://go.dev/s/invalidflag)\n"), "{e}");
        assert!(e.contains("CGO_LDFLAGS_ALLOW='-foo|-L'"), "{e}");
        let e = check("CFLAGS", &["-O2", "-I"]).unwrap_err().to_string();
        assert!(e.starts_with("invalid flag in test: -I without argument (see https://go.dev/s/invalidflag)\n"), "{e}");
        let e = check("CFLAGS", &["-Dx.y"]).unwrap_err().to_string();
        assert!(e.contains(r"CGO_CFLAGS_ALLOW='-Dx\.y'"), "{e}");

        // Through cgo_flags, the #cgo line is named.
        let ctx = linux_amd64();
        let d = parse(&ctx, "#cgo CFLAGS: -O2\n#cgo LDFLAGS: -lm\n#cgo CFLAGS: -DX -fplugin=evil.so").unwrap();
        let e = cgo_flags(&d, &no_env).unwrap_err().to_string();
        assert!(e.starts_with("a.go:12: invalid flag in #cgo CFLAGS: -fplugin=evil.so (see"), "{e}");
        let d = parse(&ctx, "#cgo LDFLAGS: -lm -Wl,--script=x.ld").unwrap();
        let e = cgo_flags(&d, &no_env).unwrap_err().to_string();
        assert!(e.starts_with("a.go:10: invalid flag in #cgo LDFLAGS: -Wl,--script=x.ld (see"), "{e}");
        assert!(e.contains("CGO_LDFLAGS_ALLOW"), "{e}");
    }

    #[test]
    fn allow_disallow() {
        // The vectors of TestCheckFlagAllowDisallow.
        let c = |env: &[(&str, &str)], flag: &str| check_flags("CFLAGS", "test", &strings(&[flag]), &env_of(env));
        assert!(c(&[], "-disallow").is_err());
        assert!(c(&[("CGO_CFLAGS_ALLOW", "-disallo")], "-disallow").is_err());
        assert!(c(&[("CGO_CFLAGS_ALLOW", "-disallow")], "-disallow").is_ok());
        assert!(c(&[], "-Wall").is_ok());
        assert!(c(&[("CGO_CFLAGS_DISALLOW", "-Wall")], "-Wall").is_err());
        let both = [("CGO_CFLAGS_DISALLOW", "-Wall"), ("CGO_CFLAGS_ALLOW", "-Wall")];
        let e = c(&both, "-Wall").unwrap_err().to_string();
        assert!(e.contains("CGO_CFLAGS_DISALLOW"), "{e}");
        let plugin = [("CGO_CFLAGS_ALLOW", "-fplugin.*"), ("CGO_CFLAGS_DISALLOW", "-fplugin=lint.so")];
        assert!(c(&plugin, "-fplugin=faster.so").is_ok());
        assert!(c(&plugin, "-fplugin=lint.so").is_err());
        // Empty means unset; other kinds' variables do not count.
        assert!(c(&[("CGO_CFLAGS_ALLOW", "")], "-fplugin=x").is_err());
        assert!(c(&[("CGO_LDFLAGS_ALLOW", ".*")], "-fplugin=x").is_err());
        assert!(c(&[("CGO_CFLAGS_ALLOW", "-fplugin=.*")], "-fplugin=x").is_ok());
        let l = |env: &[(&str, &str)], flag: &str| check_flags("LDFLAGS", "test", &strings(&[flag]), &env_of(env));
        assert!(l(&[("CGO_LDFLAGS_ALLOW", r"-Wl,--script=\S+")], "-Wl,--script=x.ld").is_ok());
        assert!(l(&[("CGO_LDFLAGS_ALLOW", r"-Wl,--script=\S+")], "-Wl,--script=x y").is_err());
        // ALLOW beats the invalid list (-lto_library), DISALLOW beats the allowlist.
        assert!(l(&[("CGO_LDFLAGS_ALLOW", "-lto_library")], "-lto_library").is_ok());
        assert!(l(&[("CGO_LDFLAGS_DISALLOW", "-l.*")], "-lm").is_err());
        // A bad pattern is a configuration error naming the variable.
        let e = c(&[("CGO_CFLAGS_ALLOW", "(")], "-O2").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Config);
        assert!(e.to_string().starts_with("parsing $CGO_CFLAGS_ALLOW: "), "{e}");
        // Overrides do not apply to the internal-linking check.
        assert!(not_compatible_with_internal_linking(&[&strings(&["-fplugin=x"])]));
    }

    #[test]
    fn go_regex_dialect() {
        let m = |pat: &str, s: &str| full_match(&go_regex(pat).unwrap(), s);
        // \d \s \w are ASCII in Go.
        assert!(m(r"\d+", "123"));
        assert!(!m(r"\d+", "١٢٣"));
        assert!(m(r"\w+", "a_1"));
        assert!(!m(r"\w+", "é"));
        assert!(m(r"[\w.]+", "a.b"));
        assert!(m(r"\S+", "é"));
        assert!(m(r"[^\d]", "x"));
        // Escaped punctuation is literal; \< is not a word boundary.
        assert!(m(r"\<a\>", "<a>"));
        assert!(m(r"-Wl,\-z", "-Wl,-z"));
        assert!(m(r"[\-a]+", "-a-"));
        assert!(m(r"[\--\/]+", "-./"));
        // \Q…\E quotes.
        assert!(m(r"\Q-fplugin=x.so\E", "-fplugin=x.so"));
        assert!(!m(r"\Q-fplugin=x.so\E", "-fplugin=xXso"));
        assert!(m(r"-I\Q/a+b\E.*", "-I/a+b/c"));
        // Literal [ & ~ inside classes, POSIX classes still work.
        assert!(m(r"[[]", "["));
        assert!(m(r"[a&&b]+", "a&b"));
        assert!(m(r"[~-]+", "~-"));
        assert!(m(r"[[:alpha:]]+", "abc"));
        assert!(m(r"[]a]+", "]a"));
        // A brace that is not a repetition is literal.
        assert!(m(r"a{", "a{"));
        assert!(m(r"a{,2}", "a{,2}"));
        assert!(m(r"a{2}", "aa"));
        assert!(m(r"x{1,}", "xxx"));
        assert!(m(r"\x41\x{42}", "AB"));
        assert!(m(r"\pL+", "é"));
        assert!(m(r"\p{^Greek}", "a"));
        assert!(!m(r"\P{Greek}", "Γ"));
        assert!(m(r"\P{^Greek}", "Γ"));
        assert!(m(r"[\p{^Greek}]", "a"));
        assert!(m(r"(?i)-FPLUGIN", "-fplugin"));
        assert!(m(r"\bx\b", "x"));
        // Stacked repetitions are an error in Go.
        assert!(go_regex("a**").is_err());
        assert!(go_regex("a{2}{3}").is_err());
        assert!(go_regex("a*?").is_ok());
        // Leftmost-first, not longest: Go's FindString on "ab" is "a".
        assert!(!m("a|ab", "ab"));
        assert!(m("ab|a", "ab"));
        // Every allowlist compiles (exercised in compile_all).
        let _ = (compiler_rules(), linker_rules(), pkg_config_rules());
    }

    #[test]
    fn env_defaults_and_quoting() {
        let d = CgoDirectives {
            cflags: strings(&["-DX"]),
            ldflags: strings(&["-lm"]),
            cppflags: strings(&["-I/inc"]),
            ..Default::default()
        };
        let f = cgo_flags(&d, &no_env).unwrap();
        assert_eq!(f.cppflags, strings(&["-I/inc"]));
        assert_eq!(f.cflags, strings(&["-O2", "-g", "-DX"]));
        assert_eq!(f.cxxflags, strings(&["-O2", "-g"]));
        assert_eq!(f.fflags, strings(&["-O2", "-g"]));
        assert_eq!(f.ldflags, strings(&["-O2", "-g", "-lm"]));

        let env = env_of(&[
            ("CGO_CFLAGS", "'a b' c \"d e\"  "),
            ("CGO_CPPFLAGS", "-DENV"),
            ("CGO_CXXFLAGS", ""),
            // Env flags are not checked.
            ("CGO_LDFLAGS", "-fplugin=ok-from-env"),
        ]);
        let f = cgo_flags(&d, &env).unwrap();
        assert_eq!(f.cflags, strings(&["a b", "c", "d e", "-DX"]));
        assert_eq!(f.cppflags, strings(&["-DENV", "-I/inc"]));
        assert_eq!(f.cxxflags, strings(&["-O2", "-g"]));
        assert_eq!(f.ldflags, strings(&["-fplugin=ok-from-env", "-lm"]));

        let e = cgo_flags(&d, &env_of(&[("CGO_CFLAGS", "'-O2")])).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Config);
        assert!(
            e.to_string().starts_with(
                "could not parse environment variable CGO_CFLAGS with value \"'-O2\": unterminated ' string"
            ),
            "{e}"
        );

        assert_eq!(quoted_split("a'b c'd").unwrap(), strings(&["a'b", "c'd"]));
        assert_eq!(quoted_split("'' \"\"").unwrap(), strings(&["", ""]));
        assert_eq!(quoted_split("  \t\n").unwrap(), Vec::<String>::new());
        assert!(quoted_split("\"x").is_err());
    }

    #[test]
    fn quoting_for_cgo_ldflags() {
        assert_eq!(go_quote("-lm"), "\"-lm\"");
        assert_eq!(go_quote("a\"b\\c"), "\"a\\\"b\\\\c\"");
        assert_eq!(ldflags_option(&[]), None);
        assert_eq!(
            ldflags_option(&strings(&["-O2", "-g", "-L/my dir"])).unwrap(),
            "-ldflags=\"-O2\" \"-g\" \"-L/my dir\""
        );
    }

    #[test]
    fn pkg_config() {
        let (flags, pkgs) = pkg_config_args(&strings(&["--static", "libfoo", "--", "bar-2.0"])).unwrap();
        assert_eq!(flags, strings(&["--static"]));
        assert_eq!(pkgs, strings(&["libfoo", "bar-2.0"]));
        let e = pkg_config_args(&strings(&["-lfoo"])).unwrap_err().to_string();
        assert_eq!(e, "invalid pkg-config package name: -lfoo");
        let e = pkg_config_args(&strings(&["--foo", "x"])).unwrap_err().to_string();
        assert!(e.starts_with("invalid flag in pkg-config: --foo (see https://go.dev/s/invalidflag)"), "{e}");
        pkg_config_args(&strings(&["--define-variable=prefix=/usr", "--atleast-version=1.2.3", "x"])).unwrap();

        assert_eq!(
            split_pkg_config_output(b"  -I/usr/include/foo -DX=\"a b\" 'c d' e\\ f -g\\\nx\n").unwrap(),
            strings(&["-I/usr/include/foo", "-DX=a b", "c d", "e f", "-gx"])
        );
        assert_eq!(split_pkg_config_output(b"\"a\\b\" \"\"").unwrap(), strings(&["a\\b", ""]));
        assert_eq!(split_pkg_config_output(b"").unwrap(), Vec::<String>::new());
        assert!(split_pkg_config_output(b"-lfoo; rm -rf /").is_err());
        assert!(split_pkg_config_output(b"\"abc").is_err());
        assert!(split_pkg_config_output(b"abc\\").is_err());
    }

    #[test]
    fn text_lines_with_exact_positions() {
        let ctx = linux_amd64();
        let mut d = CgoDirectives::default();
        parse_cgo_text_lines(
            &ctx,
            &PathBuf::from("/p"),
            "c.go",
            [(5, "#cgo CFLAGS: -DA"), (9, "#cgo LDFLAGS: -lz")],
            &mut d,
        )
        .unwrap();
        assert_eq!(d.origin("CFLAGS", 0), Some("c.go:5"));
        assert_eq!(d.origin("LDFLAGS", 0), Some("c.go:9"));
    }
}
