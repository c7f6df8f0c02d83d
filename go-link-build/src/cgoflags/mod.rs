//! The C flags of a cgo package: its `#cgo` directives, the allowlist that
//! guards them, and the final flag lists the C compiler and cgo see.
//!
//! - this file: `go/build.Context.saveCgo` with `expandSrcDir`,
//!   `safeCgoName`, `splitQuoted`, `makePathsAbsolute` and `matchAuto` (the
//!   `#cgo` lines, Go 1.26);
//! - [`security`]: `cmd/go/internal/work/security.go`'s allowlist tables and
//!   `checkFlags`, `CGO_<KIND>_ALLOW` / `_DISALLOW`,
//!   `checkCompilerFlagsForInternalLink`;
//! - [`flags`]: `cmd/go/internal/work/exec.go`'s `CFlags`/`buildFlags`/`envList`
//!   (with `internal/quoted.Split`), `getPkgConfigFlags`' argument checks,
//!   `splitPkgConfigOutput` and `flagsNotCompatibleWithInternalLinking`;
//! - [`regexp`]: the Go regular expressions security.go's patterns are written in.
//!
//! Architecture invariant: no IO here; the environment comes in as a closure.

mod flags;
mod regexp;
mod security;

/// Helpers shared by the unit tests of this module's files.
#[cfg(test)]
mod testutil {
    use std::collections::HashMap;

    pub(super) fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    pub(super) fn no_env(_: &str) -> Option<String> {
        None
    }

    pub(super) fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let m: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        move |k| m.get(k).cloned()
    }
}

pub(crate) use flags::{
    cgo_flags, env_list, ldflags_option, not_compatible_with_internal_linking, pkg_config_args,
    split_pkg_config_output, CgoFlags,
};
pub(crate) use security::check_flags;

use std::path::Path;

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
        crate::goport::path_clean(rel)
    } else {
        crate::goport::path_clean(&format!("{dir}/{rel}"))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::tests::linux_amd64;
    use std::path::PathBuf;

    use super::testutil::strings;

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
