//! The `#cgo` flag allowlists and their check: a port of Go 1.26's
//! `cmd/go/internal/work/security.go` (`checkFlags` with its
//! `-Wl,--push-state,…` and next-argument rules, `CGO_<KIND>_ALLOW` and
//! `CGO_<KIND>_DISALLOW`, `checkCompilerFlagsForInternalLink`).
//!
//! The patterns are security.go's, copied exactly; they run on the Go regexp
//! engine of [`super::regexp`], so "`FindString(arg) == arg`" (how security.go
//! decides a match, which is *not* an anchored match) keeps Go's meaning.

use std::sync::OnceLock;

use super::regexp::Regexp;
use super::INVALID_FLAG_URL;
use crate::error::{Error, ErrorKind, Result};

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
pub(super) struct Rules {
    invalid: Vec<Regexp>,
    valid: Vec<Regexp>,
    valid_next: &'static [&'static str],
}

fn compile_all(patterns: &[&str]) -> Vec<Regexp> {
    patterns.iter().map(|p| Regexp::new(p).unwrap_or_else(|e| panic!("allowlist pattern {p}: {e}"))).collect()
}

pub(super) fn compiler_rules() -> &'static Rules {
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

pub(super) fn pkg_config_rules() -> &'static Rules {
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

/// Go's `re.FindString(s) == s` (see [`Regexp::find_is_whole`]).
fn full_match(re: &Regexp, s: &str) -> bool {
    re.find_is_whole(s)
}

/// Why `check_list` refused a list.
#[derive(Debug)]
pub(super) enum Rejection {
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
pub(super) struct Overrides {
    allow: Option<Regexp>,
    disallow: Option<Regexp>,
}

fn overrides(kind: &str, env: &dyn Fn(&str) -> Option<String>) -> Result<Overrides> {
    let get = |which: &str| -> Result<Option<Regexp>> {
        let var = format!("CGO_{kind}_{which}");
        match env(&var).filter(|v| !v.is_empty()) {
            None => Ok(None),
            Some(v) => Regexp::new(&v).map(Some).map_err(|e| {
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
pub(super) fn check_list(list: &[String], rules: &Rules, ov: Option<&Overrides>) -> std::result::Result<(), Rejection> {
    let (allow, disallow) = match ov {
        Some(o) => (o.allow.as_ref(), o.disallow.as_ref()),
        None => (None, None),
    };
    let any = |res: &[Regexp], s: &str| res.iter().any(|re| full_match(re, s));
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
pub(crate) fn check_flags(
    kind: &str,
    source: &str,
    flags: &[String],
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<()> {
    check_flags_at(kind, source, flags, env, &|_| None)
}

/// [`check_flags`], with `pos(i)` naming the `file:line` of `flags[i]`.
pub(super) fn check_flags_at(
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

#[cfg(test)]
mod tests {
    use super::super::{cgo_flags, not_compatible_with_internal_linking, parse_cgo_lines, CgoDirectives};
    use super::*;
    use crate::context::tests::linux_amd64;
    use crate::context::BuildContext;
    use std::path::Path;

    use super::super::testutil::{env_of, no_env, strings};

    fn parse(ctx: &BuildContext, text: &str) -> Result<CgoDirectives> {
        let mut d = CgoDirectives::default();
        parse_cgo_lines(ctx, Path::new("/src/pkg"), "a.go", text, 10, &mut d)?;
        Ok(d)
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
    fn every_allowlist_pattern_compiles() {
        let _ = (compiler_rules(), linker_rules(), pkg_config_rules());
    }
}
