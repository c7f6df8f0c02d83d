//! `-gcflags`, `-asmflags` and `-ldflags` as cmd/go reads them: per-package
//! flag lists (`[pattern=]flags`, the last matching setting wins), their
//! quoting, the package patterns, and the flags that would break the build
//! contract (an output path, a build mode, the inputs go-link-build decides).
//!
//! Ported from `cmd/go/internal/load/flag.go` (`PerPackageFlag.set`, `For`),
//! `cmd/go/internal/load/search.go` (`MatchPackage`),
//! `cmd/go/internal/pkgpattern` (`MatchPattern`) and `cmd/internal/quoted`
//! (`Split`). Pure: no IO.
//!
//! Wiring: `Request::resolve` turns `GOFLAGS`'s `-gcflags`/`-ldflags` and
//! `Build::gcflags`/`Build::ldflags` into one [`GoFlags`] (checked up front),
//! and `plan.rs` adds each package's list to its compile (the main package's
//! to the link), where cmd/go puts them, and so to that action's key.

use std::path::{Path, PathBuf};

/// What a flag pattern is matched against: the facts `MatchPackage` reads.
#[derive(Clone, Copy, Debug)]
pub(crate) struct PkgFacts<'a> {
    pub import_path: &'a str,
    pub dir: &'a Path,
    /// In the standard library (`p.Standard`).
    pub standard: bool,
    /// Named on the command line (`CmdlinePkg`): for a build script, the
    /// packages given to `Build::package` (and a C archive's generated main).
    pub cmdline: bool,
}

/// A compiled pattern (`MatchPackage`'s closure).
#[derive(Clone, Debug, PartialEq, Eq)]
enum Matcher {
    /// No pattern: the command-line packages.
    Cmdline,
    All,
    Std,
    Cmd,
    /// A relative pattern: exactly this directory.
    Dir(PathBuf),
    /// A relative pattern with `...`: below this directory, the rest matched as a path pattern.
    DirPattern(PathBuf, String),
    /// An import-path pattern.
    ImportPath(String),
}

impl Matcher {
    fn matches(&self, p: &PkgFacts<'_>) -> bool {
        match self {
            Matcher::Cmdline => p.cmdline,
            Matcher::All => true,
            Matcher::Std => p.standard,
            Matcher::Cmd => p.standard && p.import_path.starts_with("cmd/"),
            Matcher::Dir(dir) => p.dir == dir,
            Matcher::DirPattern(dir, pattern) => {
                // filepath.Rel(dir, p.Dir): only directories below dir.
                let Ok(rel) = p.dir.strip_prefix(dir) else { return false };
                let rel = rel.to_string_lossy().replace('\\', "/");
                let rel = if rel.is_empty() { ".".to_string() } else { rel };
                match_pattern(pattern, &rel)
            }
            Matcher::ImportPath(pattern) => match_pattern(pattern, p.import_path),
        }
    }
}

/// `search.IsRelativePath`: `.`, `..`, or starting with `./` or `../`.
fn is_relative_path(pattern: &str) -> bool {
    pattern.starts_with("./") || pattern.starts_with("../") || pattern == "." || pattern == ".."
}

/// `load.MatchPackage(pattern, cwd)`.
fn match_package(pattern: &str, cwd: &Path) -> Matcher {
    if is_relative_path(pattern) {
        // The leading pattern-free directory path, then the pattern.
        let (dir, rest) = match pattern.find("...") {
            None => (pattern, ""),
            Some(i) => {
                let j = pattern[..i].rfind('/').unwrap_or(0);
                (&pattern[..j], &pattern[j + 1..])
            }
        };
        let dir = clean_join(cwd, dir);
        return if rest.is_empty() { Matcher::Dir(dir) } else { Matcher::DirPattern(dir, rest.to_string()) };
    }
    match pattern {
        "all" => Matcher::All,
        "std" => Matcher::Std,
        "cmd" => Matcher::Cmd,
        _ => Matcher::ImportPath(pattern.to_string()),
    }
}

/// `filepath.Join(cwd, dir)`: joined and cleaned (`.` and `..` resolved lexically).
fn clean_join(cwd: &Path, dir: &str) -> PathBuf {
    let mut out = PathBuf::new();
    for c in cwd.join(dir).components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// `pkgpattern.MatchPattern(pattern)(name)`: `...` matches any string, a
/// trailing `/...` also matches nothing (`net/...` matches `net`), and `...`
/// does not match into a `vendor` element unless the pattern names `vendor`
/// there (the vendor exclusion: non-trailing `vendor` elements become a code
/// point `...` cannot cross).
pub(crate) fn match_pattern(pattern: &str, name: &str) -> bool {
    const VENDOR: char = '\0';
    if pattern.contains(VENDOR) || name.contains(VENDOR) {
        return false;
    }
    let pattern = replace_vendor(pattern, VENDOR);
    let name = replace_vendor(name, VENDOR);
    // `x/vendor/...` is the regexp `x(/vendor|/\0/...)`: it also matches
    // `x/vendor` itself, and its `...` cannot enter another vendor directory.
    let v = format!("/{VENDOR}/...");
    if let Some(prefix) = pattern.strip_suffix(&v) {
        return glob(&format!("{prefix}/vendor"), &name) || glob(&pattern, &name);
    }
    if pattern == format!("{VENDOR}/...") {
        return glob("/vendor", &name) || glob(&format!("/{VENDOR}/..."), &name);
    }
    match pattern.strip_suffix("/...") {
        Some(prefix) => glob(prefix, &name) || glob(&pattern, &name),
        None => glob(&pattern, &name),
    }
}

/// `replaceVendor`: non-trailing `vendor` elements replaced by `repl`.
fn replace_vendor(x: &str, repl: char) -> String {
    if !x.contains("vendor") {
        return x.to_string();
    }
    let elems: Vec<&str> = x.split('/').collect();
    let n = elems.len();
    elems
        .iter()
        .enumerate()
        .map(|(i, e)| if i + 1 < n && *e == "vendor" { repl.to_string() } else { e.to_string() })
        .collect::<Vec<_>>()
        .join("/")
}

/// Whole-string match of `pattern`, where `...` matches any run of
/// characters other than the vendor marker. Iterative with one backtrack
/// point (the classic wildcard algorithm), so linear in practice and never
/// exponential, as pkgpattern wants from its regexp.
fn glob(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let s: Vec<char> = name.chars().collect();
    let (mut pi, mut si) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    let is_wild = |i: usize| p.get(i..i + 3) == Some(&['.', '.', '.'][..]);
    while si < s.len() {
        if is_wild(pi) {
            star = Some((pi + 3, si));
            pi += 3;
        } else if pi < p.len() && p[pi] == s[si] {
            pi += 1;
            si += 1;
        } else if let Some((sp, ss)) = star {
            // Let the last `...` take one more character, unless it is the vendor marker.
            if s[ss] == '\0' {
                return false;
            }
            pi = sp;
            si = ss + 1;
            star = Some((sp, ss + 1));
        } else {
            return false;
        }
    }
    while is_wild(pi) {
        pi += 3;
    }
    pi == p.len()
}

use crate::goport::quoted_split as split_quoted;

/// A per-package flag (`load.PerPackageFlag`): settings in the order given.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct PerPackageFlags {
    values: Vec<(Matcher, Vec<String>)>,
    /// The last value set, as given (`PerPackageFlag.String`): what build info records.
    raw: Option<String>,
}

impl PerPackageFlags {
    /// `PerPackageFlag.set`: one `-gcflags` value, `[pattern=]flags`; `cwd`
    /// anchors relative patterns (for a build script, the crate's directory).
    pub(crate) fn add(&mut self, value: &str, cwd: &Path) -> Result<(), String> {
        self.raw = Some(value.to_string());
        let v = value.trim();
        if v.is_empty() {
            // -gcflags="" means no flags for the command-line packages.
            self.values.push((Matcher::Cmdline, Vec::new()));
            return Ok(());
        }
        let (matcher, flags) = if v.starts_with('-') {
            (Matcher::Cmdline, v)
        } else {
            let i = v.find('=').ok_or("missing =<value> in <pattern>=<value>")?;
            if i == 0 {
                return Err("missing <pattern> in <pattern>=<value>".into());
            }
            if v.starts_with('\'') || v.starts_with('"') {
                return Err(format!("parameter may not start with quote character {}", &v[..1]));
            }
            (match_package(v[..i].trim(), cwd), &v[i + 1..])
        };
        self.values.push((matcher, split_quoted(flags)?));
        Ok(())
    }

    /// `PerPackageFlag.For`: the flags of the last setting that matches `p`.
    pub(crate) fn for_package(&self, p: &PkgFacts<'_>) -> Vec<String> {
        self.values.iter().rev().find(|(m, _)| m.matches(p)).map(|(_, f)| f.clone()).unwrap_or_default()
    }

    /// The last value set, as given (`PerPackageFlag.String`), if any.
    pub(crate) fn raw(&self) -> Option<&str> {
        self.raw.as_deref()
    }

    /// Every flag of every setting, for checking them all up front.
    pub(crate) fn all_flags(&self) -> impl Iterator<Item = &str> {
        self.values.iter().flat_map(|(_, f)| f.iter().map(String::as_str))
    }
}

/// The per-package compiler and linker flags of one build: `GOFLAGS`'s
/// `-gcflags`/`-ldflags` first, then the `Build` setters' values, each one
/// setting as if given on cmd/go's command line after `$GOFLAGS`
/// (`base.SetFromGOFLAGS` runs before the command line is parsed).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct GoFlags {
    pub gcflags: PerPackageFlags,
    pub ldflags: PerPackageFlags,
}

impl GoFlags {
    /// Parses and checks every setting; `cwd` anchors relative patterns.
    /// The error names the setting, as cmd/go's flag errors do.
    pub(crate) fn resolve(goflags: Option<&str>, gc: &[String], ld: &[String], cwd: &Path) -> Result<GoFlags, String> {
        let mut out = GoFlags::default();
        for (name, value) in goflags_settings(goflags.unwrap_or(""))? {
            let target = if name == "gcflags" { &mut out.gcflags } else { &mut out.ldflags };
            target
                .add(&value, cwd)
                .map_err(|e| format!("invalid value {value:?} for flag -{name} (from $GOFLAGS): {e}"))?;
        }
        for (name, values) in [("gcflags", gc), ("ldflags", ld)] {
            for value in values {
                let target = if name == "gcflags" { &mut out.gcflags } else { &mut out.ldflags };
                target.add(value, cwd).map_err(|e| format!("invalid value {value:?} for {name}: {e}"))?;
            }
        }
        check("compile", &out.gcflags.all_flags().collect::<Vec<_>>())?;
        check("link", &out.ldflags.all_flags().collect::<Vec<_>>())?;
        Ok(out)
    }
}

/// The `-gcflags=` and `-ldflags=` entries of a `GOFLAGS` value, in order
/// (`base.InitGOFLAGS`: `quoted.Split`, each word one flag, `-name=value` or
/// `--name=value`; a value flag without `=value` is an error).
fn goflags_settings(goflags: &str) -> Result<Vec<(&'static str, String)>, String> {
    let words = split_quoted(goflags).map_err(|e| format!("parsing $GOFLAGS: {e}"))?;
    let mut out = Vec::new();
    for w in words {
        let body = w.strip_prefix("--").or_else(|| w.strip_prefix('-')).unwrap_or(&w);
        let (name, value) = match body.split_once('=') {
            Some((n, v)) => (n, Some(v)),
            None => (body, None),
        };
        let name = match name {
            "gcflags" => "gcflags",
            "ldflags" => "ldflags",
            _ => continue,
        };
        let value = value.ok_or_else(|| format!("flag needs an argument: -{name} (from $GOFLAGS)"))?;
        out.push((name, value.to_string()));
    }
    Ok(out)
}

/// `platform.RaceDetectorSupported` for the toolchain's minor version
/// (openbsd/amd64 until Go 1.22, linux/loong64 from 1.25, linux/riscv64
/// from 1.26), and `instrumentInit`'s cgo requirement (not on darwin).
pub(crate) fn check_race(goos: &str, goarch: &str, minor: u32, cgo: bool) -> Result<(), String> {
    let supported = match goos {
        "linux" => {
            matches!(goarch, "amd64" | "ppc64le" | "arm64" | "s390x")
                || goarch == "loong64" && minor >= 25
                || goarch == "riscv64" && minor >= 26
        }
        "darwin" => matches!(goarch, "amd64" | "arm64"),
        "freebsd" | "netbsd" | "windows" => goarch == "amd64",
        "openbsd" => goarch == "amd64" && minor <= 22,
        _ => false,
    };
    if !supported {
        return Err(format!(
            "-race is not supported on {goos}/{goarch} (Go 1.{minor} has a race detector for linux/amd64, \
             linux/arm64, linux/ppc64le, linux/s390x, darwin, freebsd/amd64, netbsd/amd64 and windows/amd64, \
             and newer releases for more ports): build without Build::race for this target"
        ));
    }
    if !cgo && goos != "darwin" {
        return Err("-race requires cgo, but Build::cgo(false) was set: remove it (Build::race turns cgo on)".into());
    }
    Ok(())
}

/// The flag's name without dashes and value: `-N` → `N`, `--o=x` → `o`.
fn flag_name(arg: &str) -> Option<&str> {
    let body = arg.strip_prefix("--").or_else(|| arg.strip_prefix('-'))?;
    Some(body.split('=').next().unwrap_or(body))
}

/// Compiler flags go-link-build sets itself (outputs, inputs, identity,
/// -trimpath's rewrite and the build mode's codegen): a user's value would
/// write elsewhere, read other inputs or make the key lie.
const COMPILE_OWNED: &[&str] = &[
    "o",
    "p",
    "importcfg",
    "embedcfg",
    "buildid",
    "pack",
    "symabis",
    "asmhdr",
    "trimpath",
    "complete",
    "std",
    "lang",
    "goversion",
    "linkobj",
    "shared",
    "dynlink",
    "D",
    "I",
    "pgoprofile",
    "installsuffix",
    "coveragecfg",
];

/// Linker flags go-link-build sets itself: the output, the build mode and
/// what it implies, the inputs, the identity, and the external linker that
/// comes from the target's C toolchain.
const LINK_OWNED: &[&str] = &[
    "o",
    "buildmode",
    "importcfg",
    "buildid",
    "extld",
    "extar",
    "installsuffix",
    "L",
    "pluginpath",
    "linkshared",
    "linkmode",
    "tmpdir",
    "r",
    "fipso",
];

/// The compiler's flags that take a value (`go tool compile -help` lists
/// them with a type; Go 1.21 to 1.27). Every other flag is a boolean or a
/// counter, which takes none.
#[rustfmt::skip]
const COMPILE_VALUE_FLAGS: &[&str] = &[
    "D", "I", "asmhdr", "bench", "blockprofile", "buildid", "c", "coveragecfg", "cpuprofile", "d", "embedcfg", "env",
    "gendwarfinl", "goversion", "importcfg", "installsuffix", "json", "lang", "linkobj", "memprofile",
    "memprofilerate", "mutexprofile", "o", "p", "pgoprofile", "spectre", "symabis", "traceprofile", "trimpath",
];

/// The linker's flags that take a value (`go tool link -help`, Go 1.21 to 1.27).
#[rustfmt::skip]
const LINK_VALUE_FLAGS: &[&str] = &[
    "B", "D", "E", "H", "I", "L", "R", "T", "X", "benchmark", "benchmarkprofile", "buildid", "buildmode",
    "capturehostobjs", "cpuprofile", "debugtextsize", "debugtramp", "extar", "extld", "extldflags", "fipso",
    "funcalign", "importcfg", "installsuffix", "k", "libgcc", "linkmode", "macos", "macsdk", "memprofile",
    "memprofilerate", "o", "pluginpath", "r", "randlayout", "strictdups", "tmpdir",
];

/// Checks flags for `tool` (`"compile"` for gcflags, `"link"` for ldflags):
/// every flag is kept as cmd/go would pass it, except those go-link-build
/// decides, which are an error naming the setter or reason.
///
/// cmd/go checks none of these (it passes them on); the tool parses them
/// with Go's `flag` package, so they are walked as `flag.(*FlagSet).parseOne`
/// does: `-name=value` carries its value, a flag that takes a value and has
/// no `=` takes the next word as its value (`-extldflags -r` is the linker's
/// `-extldflags` with the value `-r`, not `-r`), other flags take none.
pub(crate) fn check(tool: &str, flags: &[&str]) -> Result<(), String> {
    let owned = if tool == "link" { LINK_OWNED } else { COMPILE_OWNED };
    let takes_value = if tool == "link" { LINK_VALUE_FLAGS } else { COMPILE_VALUE_FLAGS };
    let setting = if tool == "link" { "ldflags" } else { "gcflags" };
    let mut words = flags.iter();
    while let Some(f) = words.next() {
        let Some(name) = flag_name(f) else { continue };
        if !f.contains('=') && takes_value.contains(&name) {
            // Its value is the next word, whatever it looks like.
            words.next();
        }
        // cmd/go adds -race to every compile and to the link itself
        // (`instrumentInit`'s forcedGcflags/forcedLdflags), with the race
        // runtime linked and std built apart: one flag alone builds a program
        // that does not link or does not detect races.
        if matches!(name, "race" | "msan" | "asan") {
            let what = if name == "race" {
                "use Build::race(true) (CLI: --race), which also links the race runtime".to_string()
            } else {
                format!("go-link-build does not build -{name} programs")
            };
            return Err(format!("{setting} flag {f} is not allowed: {what}"));
        }
        if owned.contains(&name) {
            return Err(format!(
                "{setting} flag {f} is not allowed: go-link-build sets -{name} itself for every {tool} run \
                 (outputs, build mode and inputs are decided by the build; use the Build setters)"
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pkg<'a>(import_path: &'a str, dir: &'a str, standard: bool, cmdline: bool) -> PkgFacts<'a> {
        PkgFacts { import_path, dir: Path::new(dir), standard, cmdline }
    }

    #[test]
    fn patterns_like_pkgpattern() {
        // From cmd/go/internal/pkgpattern's TestMatchPattern.
        let cases: &[(&str, &[&str], &[&str])] = &[
            ("...", &["foo"], &[]),
            ("net", &["net"], &["net/http"]),
            ("net/http", &["net/http"], &["net"]),
            ("net...", &["net", "net/http", "netchan"], &["not/http", "not/net/http"]),
            ("net/...", &["net", "net/http"], &["not/http", "not/net/http", "netchan"]),
            ("./...", &["./vendor", "./mycode/vendor"], &["./vendor/foo", "./mycode/vendor/foo"]),
            ("./vendor/...", &["./vendor/foo", "./vendor/foo/vendor"], &["./vendor/foo/vendor/bar"]),
            (
                "mycode/vendor/...",
                &["mycode/vendor", "mycode/vendor/foo", "mycode/vendor/foo/vendor"],
                &["mycode/vendor/foo/vendor/bar"],
            ),
            ("x/vendor/y", &["x/vendor/y"], &["x/vendor"]),
            (
                "x/vendor/y/...",
                &["x/vendor/y", "x/vendor/y/z", "x/vendor/y/vendor", "x/vendor/y/z/vendor"],
                &["x/vendor/y/vendor/z"],
            ),
            (".../vendor/...", &["x/vendor/y", "x/vendor/y/z", "x/vendor/y/vendor", "x/vendor/y/z/vendor"], &[]),
            // Not in Go's table, but what its regexp says: `...` alone does not enter vendor directories.
            ("...", &["vendor", "x/vendor"], &["x/vendor/y"]),
        ];
        for (pattern, yes, no) in cases {
            for name in *yes {
                assert!(match_pattern(pattern, name), "{pattern} should match {name}");
            }
            for name in *no {
                assert!(!match_pattern(pattern, name), "{pattern} should not match {name}");
            }
        }
    }

    #[test]
    fn quoted_split() {
        assert_eq!(split_quoted("  -N   -l ").unwrap(), ["-N", "-l"]);
        assert_eq!(split_quoted("-X 'main.v=a b' \"-d=x y\"").unwrap(), ["-X", "main.v=a b", "-d=x y"]);
        assert_eq!(split_quoted("a'b c'").unwrap(), ["a'b", "c'"], "quotes count only at a field's start");
        assert!(split_quoted("-X 'open").unwrap_err().contains("unterminated ' string"));
        assert!(split_quoted("").unwrap().is_empty());
    }

    #[test]
    fn per_package_settings_last_match_wins() {
        let cwd = Path::new("/w/app");
        let main = pkg("example.com/app", "/w/app", false, true);
        let lib = pkg("example.com/app/internal/lib", "/w/app/internal/lib", false, false);
        let fmt = pkg("fmt", "/goroot/src/fmt", true, false);
        let mut f = PerPackageFlags::default();
        f.add("-N -l", cwd).unwrap();
        assert_eq!(f.for_package(&main), ["-N", "-l"]);
        assert!(f.for_package(&lib).is_empty() && f.for_package(&fmt).is_empty(), "no pattern: command line only");
        f.add("all=-d=checkptr", cwd).unwrap();
        assert_eq!(f.for_package(&main), ["-d=checkptr"], "the later setting wins");
        assert_eq!(f.for_package(&fmt), ["-d=checkptr"]);
        f.add("std=-B", cwd).unwrap();
        assert_eq!(f.for_package(&fmt), ["-B"]);
        assert_eq!(f.for_package(&lib), ["-d=checkptr"]);
        f.add("./internal/...=-m", cwd).unwrap();
        assert_eq!(f.for_package(&lib), ["-m"]);
        assert_eq!(f.for_package(&main), ["-d=checkptr"], "./internal/... is below the cwd only");
        f.add("example.com/app=-S", cwd).unwrap();
        assert_eq!(f.for_package(&main), ["-S"]);
        f.add("", cwd).unwrap();
        assert!(f.for_package(&main).is_empty(), "-gcflags= clears the command-line packages' flags");
        assert_eq!(f.for_package(&lib), ["-m"]);
        f.add(".=-l", cwd).unwrap();
        assert_eq!(f.for_package(&main), ["-l"]);
        assert_eq!(f.all_flags().count(), 7);
    }

    #[test]
    fn bad_settings() {
        let mut f = PerPackageFlags::default();
        let cwd = Path::new("/w");
        assert_eq!(f.add("all", cwd).unwrap_err(), "missing =<value> in <pattern>=<value>");
        assert_eq!(f.add("=-N", cwd).unwrap_err(), "missing <pattern> in <pattern>=<value>");
        assert_eq!(f.add("'all'=-N", cwd).unwrap_err(), "parameter may not start with quote character '");
        assert!(f.add("all='-N", cwd).is_err());
    }

    #[test]
    fn contract_flags_are_refused() {
        assert!(check("compile", &["-N", "-l", "-d=checkptr", "-m=2"]).is_ok());
        let e = check("compile", &["-race"]).unwrap_err();
        assert!(e.contains("gcflags flag -race is not allowed: use Build::race(true)"), "{e}");
        assert!(check("link", &["-race"]).is_err() && check("compile", &["-installsuffix=x"]).is_err());
        assert!(check("link", &["-s", "-w", "-X", "main.v=1", "-extldflags", "-static"]).is_ok());
        let e = check("link", &["-o", "x"]).unwrap_err();
        assert!(e.starts_with("ldflags flag -o is not allowed"), "{e}");
        assert!(check("link", &["-buildmode=pie"]).is_err());
        assert!(check("link", &["--linkmode=external"]).is_err());
        assert!(check("compile", &["-importcfg", "/x"]).is_err());
        assert!(check("compile", &["-p=main"]).unwrap_err().contains("gcflags flag -p=main"));
        // A value is not a flag, even when it starts with a dash (the linker
        // reads `-extldflags -r` as -extldflags="-r"); a flag after it is.
        assert!(check("link", &["-extldflags", "-r", "-X", "main.o=-o", "-B", "-linkmode"]).is_ok());
        assert!(check("link", &["-extldflags", "-r", "-r", "/x"]).is_err());
        assert!(check("link", &["-extldflags=-static", "-r", "/x"]).is_err());
        assert!(check("link", &["-s", "-o", "x"]).is_err(), "-s takes no value");
        assert!(check("compile", &["-d", "-p", "-N", "-p", "x"]).unwrap_err().contains("gcflags flag -p is"));
    }

    #[test]
    fn race_ports_like_platform() {
        assert!(check_race("linux", "amd64", 21, true).is_ok());
        assert!(check_race("linux", "riscv64", 25, true).is_err() && check_race("linux", "riscv64", 26, true).is_ok());
        assert!(check_race("linux", "loong64", 24, true).is_err() && check_race("linux", "loong64", 25, true).is_ok());
        assert!(check_race("openbsd", "amd64", 22, true).is_ok() && check_race("openbsd", "amd64", 23, true).is_err());
        assert!(check_race("darwin", "arm64", 26, false).is_ok(), "darwin needs no cgo for -race");
        let e = check_race("linux", "386", 26, true).unwrap_err();
        assert!(e.starts_with("-race is not supported on linux/386"), "{e}");
        assert!(check_race("linux", "amd64", 26, false).unwrap_err().starts_with("-race requires cgo"));
    }

    #[test]
    fn goflags_come_first_and_everything_is_checked() {
        let cwd = Path::new("/w/app");
        let main = pkg("example.com/app", "/w/app", false, true);
        let fmt = pkg("fmt", "/goroot/src/fmt", true, false);
        let gc = vec!["-N".to_string()];
        let f = GoFlags::resolve(Some("-mod=mod '-gcflags=all=-l -B' --ldflags=-s"), &gc, &[], cwd).unwrap();
        assert_eq!(f.gcflags.for_package(&main), ["-N"], "the setter's value is given after GOFLAGS's");
        assert_eq!(f.gcflags.for_package(&fmt), ["-l", "-B"]);
        assert_eq!(f.gcflags.raw(), Some("-N"), "build info records the last value");
        assert_eq!(f.ldflags.for_package(&main), ["-s"]);
        assert_eq!(f.ldflags.raw(), Some("-s"));
        let none = GoFlags::resolve(None, &[], &[], cwd).unwrap();
        assert!(none.gcflags.raw().is_none() && none.ldflags.for_package(&main).is_empty());
        let e = GoFlags::resolve(Some("-gcflags"), &[], &[], cwd).unwrap_err();
        assert_eq!(e, "flag needs an argument: -gcflags (from $GOFLAGS)");
        let e = GoFlags::resolve(Some("-ldflags=-o=x"), &[], &[], cwd).unwrap_err();
        assert!(e.starts_with("ldflags flag -o=x is not allowed"), "{e}");
        let e = GoFlags::resolve(None, &["all".to_string()], &[], cwd).unwrap_err();
        assert_eq!(e, "invalid value \"all\" for gcflags: missing =<value> in <pattern>=<value>");
        let e = GoFlags::resolve(None, &[], &["std=-buildmode=pie".to_string()], cwd).unwrap_err();
        assert!(e.starts_with("ldflags flag -buildmode=pie is not allowed"), "{e}");
    }
}
