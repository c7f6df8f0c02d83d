//! The final flag lists the C compiler, cgo and the linker see: a port of Go
//! 1.26's `cmd/go/internal/work/exec.go` `CFlags`/`buildFlags`/`envList`
//! (with `internal/quoted.Split`), `getPkgConfigFlags`' argument checks,
//! `splitPkgConfigOutput` and `flagsNotCompatibleWithInternalLinking`.

use super::security::{check_flags_at, check_list, compiler_rules, pkg_config_rules, safe_arg, Rejection};
use super::CgoDirectives;
use super::{trim_space, DEFAULT_CFLAGS, INVALID_FLAG_URL};
use crate::error::{Error, ErrorKind, Result};

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
    crate::goport::quoted_split(&v).map_err(|e| {
        Error::new(
            ErrorKind::Config,
            format!("could not parse environment variable {key} with value {v:?}: {e}\nOnly whole words may be quoted, with '…' or \"…\" and no escapes (the Go command's rule)"),
        )
    })
}

/// `flagsNotCompatibleWithInternalLinking`: true when any of the given
/// (env+package) CFLAGS/CXXFLAGS/FFLAGS would make cmd/go write the
/// `preferlinkext` marker: a flag off the compiler allowlist (overrides not
/// applied) or one starting with `-flto`.
pub(crate) fn not_compatible_with_internal_linking(lists: &[&[String]]) -> bool {
    lists
        .iter()
        .any(|list| check_list(list, compiler_rules(), None).is_err() || list.iter().any(|f| f.starts_with("-flto")))
}

/// Go's `strconv.Quote` of one flag.
pub(crate) fn go_quote(flag: &str) -> String {
    crate::goport::quote(flag.as_bytes())
}

/// cgo's `-ldflags=` option for the final LDFLAGS (Go 1.23+): each flag
/// Go-quoted, joined by spaces; `None` when there are none (and then cmd/go
/// also leaves `CGO_LDFLAGS` alone).
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

#[cfg(test)]
mod tests {
    use super::*;

    use super::super::testutil::{env_of, no_env, strings};

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
}
