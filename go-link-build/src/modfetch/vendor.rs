//! `vendor/modules.txt` (cmd/go/internal/modload/vendor.go `readVendorList`)
//! and cmd/go's `checkVendorConsistency` for a single main module.
//!
//! The format, as `go mod vendor` writes it:
//!
//! ```text
//! ## workspace                          (only from `go work vendor`)
//! # example.com/a v1.2.3                (module line: path [version] [=> new [version]])
//! ## explicit; go 1.20                  (annotations: "explicit", "go X.Y")
//! example.com/a/pkg                     (one line per vendored package)
//! # example.com/old => ../old           (unused or wildcard replacement)
//! ```
//!
//! Reading is as lenient as cmd/go's: lines it does not understand are skipped.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use super::{module, semver};
use crate::error::{Error, ErrorKind, Result};
use crate::gomod::GoMod;

/// A parsed `vendor/modules.txt`.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct VendorList {
    /// A `## workspace` line: written by `go work vendor`.
    pub workspace: bool,
    /// One entry per distinct module line (path and version), in order of first
    /// appearance; annotations and packages of repeated lines are merged.
    pub modules: Vec<VendorModule>,
}

/// One module of `vendor/modules.txt`.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct VendorModule {
    pub path: String,
    /// None for a trailing wildcard replacement line (`# old => ../dir`).
    pub version: Option<String>,
    /// `=> new [version]`: (new path, new version; None for a directory).
    pub replace: Option<(String, Option<String>)>,
    /// `## explicit`: required by the main module's go.mod.
    pub explicit: bool,
    /// `## go 1.20`: the module's go version.
    pub go_version: Option<String>,
    /// The vendored packages, in file order.
    pub packages: Vec<String>,
}

impl VendorModule {
    fn version_str(&self) -> &str {
        self.version.as_deref().unwrap_or("")
    }
}

impl VendorList {
    /// Parses modules.txt text; `file` names it in errors. Like cmd/go's
    /// reader it never fails on content: malformed lines are ignored.
    pub(crate) fn parse(text: &str, file: &str) -> Result<VendorList> {
        let _ = file; // cmd/go reports nothing here; kept for symmetry with the other parsers
        let mut list = VendorList::default();
        let mut index: HashMap<(String, String), usize> = HashMap::new();
        // The current module: None before any module line and after an unreadable one.
        let mut cur: Option<usize> = None;
        for line in text.split('\n') {
            if line.starts_with("# ") {
                let f: Vec<&str> = line.split_whitespace().collect();
                if f.len() < 3 {
                    continue; // cmd/go keeps the current module here
                }
                let (version, rest) = if semver::is_valid(f[2]) {
                    (Some(f[2]), &f[3..])
                } else if f[2] == "=>" {
                    (None, &f[2..])
                } else {
                    cur = None;
                    continue;
                };
                let k = (f[1].to_string(), version.unwrap_or("").to_string());
                let i = *index.entry(k).or_insert_with(|| {
                    list.modules.push(VendorModule {
                        path: f[1].to_string(),
                        version: version.map(str::to_string),
                        ..VendorModule::default()
                    });
                    list.modules.len() - 1
                });
                cur = Some(i);
                if rest.len() >= 2 && rest[0] == "=>" {
                    if rest.len() == 2 {
                        list.modules[i].replace = Some((rest[1].to_string(), None));
                    } else if rest.len() == 3 && semver::is_valid(rest[2]) {
                        list.modules[i].replace = Some((rest[1].to_string(), Some(rest[2].to_string())));
                    }
                }
                continue;
            }
            let Some(i) = cur else {
                if line.trim() == "## workspace" {
                    list.workspace = true;
                }
                continue;
            };
            if let Some(annotations) = line.strip_prefix("## ") {
                for entry in annotations.split(';') {
                    let entry = entry.trim();
                    if entry == "explicit" {
                        list.modules[i].explicit = true;
                    }
                    if let Some(v) = entry.strip_prefix("go ") {
                        list.modules[i].go_version = Some(v.to_string());
                    }
                }
                continue;
            }
            let f: Vec<&str> = line.split_whitespace().collect();
            if f.len() == 1 && module::check_import_path(f[0]).is_ok() {
                list.modules[i].packages.push(f[0].to_string());
            }
        }
        Ok(list)
    }

    /// The module providing vendored package `pkg` (exact package line), if any.
    /// When several list it, the last one wins, as in cmd/go.
    pub(crate) fn module_of(&self, pkg: &str) -> Option<&VendorModule> {
        self.modules.iter().rev().find(|m| m.packages.iter().any(|p| p == pkg))
    }

    fn meta(&self, path: &str, version: &str) -> Option<&VendorModule> {
        self.modules.iter().find(|m| m.path == path && m.version_str() == version)
    }

    /// cmd/go's `vendorList` (modules that provide packages, a path only
    /// again for a higher version) and `vendorVersion` (path → version).
    fn build_list(&self) -> (Vec<&VendorModule>, HashMap<&str, &str>) {
        let mut list = Vec::new();
        let mut versions: HashMap<&str, &str> = HashMap::new();
        for m in self.modules.iter().filter(|m| !m.packages.is_empty()) {
            let v = m.version_str();
            let newer = versions.get(m.path.as_str()).is_none_or(|old| semver::compare(old, v).is_lt());
            if newer {
                list.push(m);
                versions.insert(&m.path, v);
            }
        }
        (list, versions)
    }
}

/// What `go.mod` replaces `path@version` with (exact version first, then the
/// wildcard), as cmd/go's `Replacement` for a single main module: the main
/// module itself (without version) is never replaced. The last matching line wins.
fn replacement<'a>(go_mod: &'a GoMod, path: &str, version: &str) -> Option<(&'a str, &'a str)> {
    if path == go_mod.module && version.is_empty() {
        return None;
    }
    let find = |v: &str| {
        go_mod
            .replace
            .iter()
            .rev()
            .find(|r| r.old_path == path && r.old_version.as_deref().unwrap_or("") == v)
            .map(|r| (r.new_path.as_str(), r.new_version.as_deref().unwrap_or("")))
    };
    find(version).or_else(|| if version.is_empty() { None } else { find("") })
}

fn describe(path: &str, version: &str) -> String {
    if version.is_empty() {
        path.to_string()
    } else {
        format!("{path}@{version}")
    }
}

/// cmd/go's `checkVendorConsistency` for a single main module (not a
/// workspace): modules.txt must record exactly go.mod's requirements (as
/// `## explicit`) and replacements. For go.mod files before `go 1.14` only
/// contradictions are reported, as cmd/go does. Checking `## go X` against
/// the toolchain is the caller's job.
///
/// In a workspace (`workspace`), `go_mod` holds the requirements of every
/// workspace module and the replacements of go.work and of the modules (local
/// paths relative to the workspace directory, as `go work vendor` writes
/// them), and the wording is cmd/go's workspace wording.
pub(crate) fn check_vendor_consistency(
    go_mod: &GoMod,
    list: &VendorList,
    main_dir: &Path,
    workspace: bool,
) -> Result<()> {
    let pre114 = crate::goport::gover_compare(go_mod.go.as_deref().unwrap_or(""), "1.14").is_lt();
    let (vendor_list, vendor_version) = list.build_list();
    let mut errs = String::new();
    let mut problem = |path: &str, version: &str, detail: String| {
        errs.push_str(&format!("\n\t{}: {detail}", describe(path, version)));
    };

    for (path, version) in &go_mod.require {
        if list.meta(path, version).is_some_and(|m| m.explicit) {
            continue;
        }
        if pre114 {
            if let Some(vv) = vendor_version.get(path.as_str()).filter(|vv| **vv != version.as_str()) {
                problem(
                    path,
                    version,
                    format!("is explicitly required in go.mod, but vendor/modules.txt indicates {path}@{vv}"),
                );
            }
        } else {
            problem(
                path,
                version,
                "is explicitly required in go.mod, but not marked as explicit in vendor/modules.txt".into(),
            );
        }
    }

    let mut seen: HashSet<(&str, &str)> = HashSet::new();
    for r in &go_mod.replace {
        let old_version = r.old_version.as_deref().unwrap_or("");
        if !seen.insert((&r.old_path, old_version)) {
            continue;
        }
        let new = replacement(go_mod, &r.old_path, old_version);
        let recorded = list
            .meta(&r.old_path, old_version)
            .and_then(|m| m.replace.as_ref())
            .map(|(p, v)| (p.as_str(), v.as_deref().unwrap_or("")));
        match (recorded, new) {
            (None, None) => {} // not actually replaced: the main module
            (None, Some(_))
                if pre114
                    && (old_version.is_empty() || vendor_version.get(r.old_path.as_str()) != Some(&old_version)) => {}
            (None, Some(_)) => problem(
                &r.old_path,
                old_version,
                "is replaced in go.mod, but not marked as replaced in vendor/modules.txt".into(),
            ),
            (Some(vr), new) if Some(vr) != new => {
                let (np, nv) = new.unwrap_or(("", ""));
                problem(
                    &r.old_path,
                    old_version,
                    format!(
                        "is replaced by {} in go.mod, but marked as replaced by {} in vendor/modules.txt",
                        describe(np, nv),
                        describe(vr.0, vr.1)
                    ),
                );
            }
            (Some(_), _) => {}
        }
    }

    for m in vendor_list.iter().filter(|m| m.explicit) {
        if !go_mod.require.iter().any(|(p, v)| *p == m.path && v == m.version_str()) {
            problem(
                &m.path,
                m.version_str(),
                format!(
                    "is marked as explicit in vendor/modules.txt, but not explicitly required in {}go.mod",
                    if workspace { "a " } else { "" }
                ),
            );
        }
    }

    let mut seen_replaced: HashSet<(&str, &str)> = HashSet::new();
    for m in list.modules.iter().filter(|m| m.replace.is_some()) {
        if seen_replaced.insert((&m.path, m.version_str())) && replacement(go_mod, &m.path, m.version_str()).is_none() {
            problem(
                &m.path,
                m.version_str(),
                format!(
                    "is marked as replaced in vendor/modules.txt, but not replaced in {}",
                    if workspace { "the workspace" } else { "go.mod" }
                ),
            );
        }
    }

    if errs.is_empty() {
        return Ok(());
    }
    Err(Error::new(
        ErrorKind::Load,
        format!(
            "inconsistent vendoring in {}:{errs}\n\n\
             \tTo ignore the vendor directory, use -mod=readonly or -mod=mod.\n\
             \tTo sync the vendor directory, run:\n\
             \t\tgo {} vendor",
            main_dir.display(),
            if workspace { "work" } else { "mod" }
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gomod::parse_go_mod;

    // A vendored module made with `go mod vendor` (go1.26.8): three local
    // replacements, one of them a wildcard, plus an unused wildcard replacement.
    const GO_MOD: &str = "module example.com/main

go 1.22

require (
\texample.com/Other v1.2.0
\texample.com/lib v1.0.0
)

require example.com/dep v1.0.0 // indirect

replace example.com/lib => ../lib

replace example.com/Other v1.2.0 => ../other

replace example.com/dep v1.0.0 => ../dep

replace example.com/unusedwild => ../unused
";

    const MODULES_TXT: &str = "# example.com/Other v1.2.0 => ../other
## explicit; go 1.19
example.com/Other/sub
# example.com/dep v1.0.0 => ../dep
## explicit; go 1.20
example.com/dep
# example.com/lib v1.0.0 => ../lib
## explicit; go 1.21
example.com/lib
# example.com/lib => ../lib
# example.com/unusedwild => ../unused
";

    const FOOTER: &str = "\n\n\tTo ignore the vendor directory, use -mod=readonly or -mod=mod.\n\
                          \tTo sync the vendor directory, run:\n\t\tgo mod vendor";

    fn check(go_mod: &str, modules_txt: &str) -> std::result::Result<(), String> {
        let m = parse_go_mod(go_mod, "go.mod").unwrap();
        let l = VendorList::parse(modules_txt, "vendor/modules.txt").unwrap();
        check_vendor_consistency(&m, &l, Path::new("/src/main"), false).map_err(|e| e.to_string())
    }

    /// The problem lines of the error, which must otherwise be cmd/go's text.
    fn problems(go_mod: &str, modules_txt: &str) -> String {
        let e = check(go_mod, modules_txt).unwrap_err();
        let body = e.strip_prefix("inconsistent vendoring in /src/main:").expect(&e);
        body.strip_suffix(FOOTER).expect(&e).to_string()
    }

    #[test]
    fn parses_modules_txt() {
        let l = VendorList::parse(MODULES_TXT, "vendor/modules.txt").unwrap();
        assert!(!l.workspace);
        let m = |path: &str,
                 version: Option<&str>,
                 replace: (&str, Option<&str>),
                 explicit,
                 go: Option<&str>,
                 pkgs: &[&str]| {
            VendorModule {
                path: path.into(),
                version: version.map(Into::into),
                replace: Some((replace.0.into(), replace.1.map(Into::into))),
                explicit,
                go_version: go.map(Into::into),
                packages: pkgs.iter().map(|p| p.to_string()).collect(),
            }
        };
        assert_eq!(
            l.modules,
            vec![
                m(
                    "example.com/Other",
                    Some("v1.2.0"),
                    ("../other", None),
                    true,
                    Some("1.19"),
                    &["example.com/Other/sub"]
                ),
                m("example.com/dep", Some("v1.0.0"), ("../dep", None), true, Some("1.20"), &["example.com/dep"]),
                m("example.com/lib", Some("v1.0.0"), ("../lib", None), true, Some("1.21"), &["example.com/lib"]),
                m("example.com/lib", None, ("../lib", None), false, None, &[]),
                m("example.com/unusedwild", None, ("../unused", None), false, None, &[]),
            ]
        );
        assert_eq!(l.module_of("example.com/Other/sub").unwrap().path, "example.com/Other");
        assert_eq!(l.module_of("example.com/lib").unwrap().version.as_deref(), Some("v1.0.0"));
        assert!(l.module_of("example.com/Other").is_none());
    }

    #[test]
    fn parses_leniently_like_cmd_go() {
        let text = "## workspace\r
## explicit\r
stray/pkg\r
# example.com/a v1.0.0 => example.com/fork v1.1.0\r
## explicit\r
## go 1.21; future-annotation\r
example.com/a\r
example.com/a/sub extra-field\r
bad path!\r
# example.com/b\r
example.com/a/still\r
# example.com/c notaversion\r
example.com/c\r
# example.com/d v1.0.0 => weird replacement here\r
example.com/d\r
# example.com/a v1.0.0\r
example.com/a/again\r
";
        let l = VendorList::parse(text, "vendor/modules.txt").unwrap();
        assert!(l.workspace);
        assert_eq!(l.modules.len(), 2);
        let a = &l.modules[0];
        assert_eq!(a.replace, Some(("example.com/fork".into(), Some("v1.1.0".into()))));
        assert!(a.explicit);
        assert_eq!(a.go_version.as_deref(), Some("1.21"));
        // "# example.com/b" has too few fields: the current module stays example.com/a.
        assert_eq!(a.packages, vec!["example.com/a", "example.com/a/still", "example.com/a/again"]);
        let d = &l.modules[1];
        assert_eq!((d.path.as_str(), d.replace.as_ref()), ("example.com/d", None));
        assert_eq!(d.packages, vec!["example.com/d"]);
        assert!(l.module_of("example.com/c").is_none());
        assert!(l.module_of("stray/pkg").is_none());
    }

    #[test]
    fn consistent_vendor_passes() {
        check(GO_MOD, MODULES_TXT).unwrap();
    }

    // Every expected text below is what `go build` (go1.26.8, -mod=vendor)
    // printed for the same edit of the fixture, without the "go: " prefix.
    #[test]
    fn missing_explicit() {
        let txt = MODULES_TXT.replace(
            "# example.com/lib v1.0.0 => ../lib\n## explicit; go 1.21",
            "# example.com/lib v1.0.0 => ../lib\n## go 1.21",
        );
        assert_eq!(
            problems(GO_MOD, &txt),
            "\n\texample.com/lib@v1.0.0: is explicitly required in go.mod, but not marked as explicit in vendor/modules.txt"
        );
    }

    #[test]
    fn explicit_not_required() {
        let m = GO_MOD.replace("require example.com/dep v1.0.0 // indirect\n", "");
        assert_eq!(
            problems(&m, MODULES_TXT),
            "\n\texample.com/dep@v1.0.0: is marked as explicit in vendor/modules.txt, but not explicitly required in go.mod"
        );
    }

    #[test]
    fn replacement_mismatch() {
        let m = GO_MOD.replace(
            "replace example.com/Other v1.2.0 => ../other",
            "replace example.com/Other v1.2.0 => example.com/fork v1.3.0",
        );
        assert_eq!(
            problems(&m, MODULES_TXT),
            "\n\texample.com/Other@v1.2.0: is replaced by example.com/fork@v1.3.0 in go.mod, but marked as replaced by ../other in vendor/modules.txt"
        );
        let m = GO_MOD.replace("replace example.com/lib => ../lib", "replace example.com/lib => ../lib2");
        assert_eq!(
            problems(&m, MODULES_TXT),
            "\n\texample.com/lib: is replaced by ../lib2 in go.mod, but marked as replaced by ../lib in vendor/modules.txt"
        );
    }

    #[test]
    fn replaced_but_not_marked_and_marked_but_not_replaced() {
        let m = format!("{GO_MOD}\nreplace example.com/new v1.0.0 => ../new\n");
        assert_eq!(
            problems(&m, MODULES_TXT),
            "\n\texample.com/new@v1.0.0: is replaced in go.mod, but not marked as replaced in vendor/modules.txt"
        );
        let txt = format!("{MODULES_TXT}# example.com/ghost v1.0.0 => ../ghost\n");
        assert_eq!(
            problems(GO_MOD, &txt),
            "\n\texample.com/ghost@v1.0.0: is marked as replaced in vendor/modules.txt, but not replaced in go.mod"
        );
        let m = GO_MOD.replace("replace example.com/unusedwild => ../unused\n", "");
        assert_eq!(
            problems(&m, MODULES_TXT),
            "\n\texample.com/unusedwild: is marked as replaced in vendor/modules.txt, but not replaced in go.mod"
        );
    }

    #[test]
    fn pre_go_1_14_only_reports_contradictions() {
        for go_line in ["go 1.13\n", ""] {
            let m =
                GO_MOD.replace("go 1.22\n", go_line).replace("example.com/lib v1.0.0\n", "example.com/lib v1.0.1\n");
            assert_eq!(
                problems(&m, MODULES_TXT),
                "\n\texample.com/lib@v1.0.1: is explicitly required in go.mod, but vendor/modules.txt indicates example.com/lib@v1.0.0\
                 \n\texample.com/lib@v1.0.0: is marked as explicit in vendor/modules.txt, but not explicitly required in go.mod",
                "{go_line:?}"
            );
        }
        // Without explicit markers (as go 1.13 wrote them) and without the trailing
        // replacement lines, a matching pre-1.14 vendor directory is fine.
        let old_txt = "# example.com/Other v1.2.0 => ../other\nexample.com/Other/sub\n\
                       # example.com/dep v1.0.0 => ../dep\nexample.com/dep\n\
                       # example.com/lib v1.0.0 => ../lib\nexample.com/lib\n";
        let m = GO_MOD.replace("go 1.22\n", "go 1.13\n");
        check(&m, old_txt).unwrap();
        // The same at go 1.22 is inconsistent.
        assert_eq!(
            problems(GO_MOD, old_txt),
            "\n\texample.com/Other@v1.2.0: is explicitly required in go.mod, but not marked as explicit in vendor/modules.txt\
             \n\texample.com/lib@v1.0.0: is explicitly required in go.mod, but not marked as explicit in vendor/modules.txt\
             \n\texample.com/dep@v1.0.0: is explicitly required in go.mod, but not marked as explicit in vendor/modules.txt\
             \n\texample.com/lib: is replaced in go.mod, but not marked as replaced in vendor/modules.txt\
             \n\texample.com/unusedwild: is replaced in go.mod, but not marked as replaced in vendor/modules.txt"
        );
    }

    #[test]
    fn several_problems_in_cmd_go_order() {
        let m = format!(
            "{}\nreplace example.com/new v1.0.0 => ../new\n",
            GO_MOD
                .replace("require example.com/dep v1.0.0 // indirect\n", "")
                .replace("replace example.com/lib => ../lib", "replace example.com/lib => ../lib2")
        );
        let txt = format!(
            "{}# example.com/ghost v1.0.0 => ../ghost\n",
            MODULES_TXT.replace("## explicit; go 1.19", "## go 1.19")
        );
        assert_eq!(
            problems(&m, &txt),
            "\n\texample.com/Other@v1.2.0: is explicitly required in go.mod, but not marked as explicit in vendor/modules.txt\
             \n\texample.com/lib: is replaced by ../lib2 in go.mod, but marked as replaced by ../lib in vendor/modules.txt\
             \n\texample.com/new@v1.0.0: is replaced in go.mod, but not marked as replaced in vendor/modules.txt\
             \n\texample.com/dep@v1.0.0: is marked as explicit in vendor/modules.txt, but not explicitly required in go.mod\
             \n\texample.com/ghost@v1.0.0: is marked as replaced in vendor/modules.txt, but not replaced in go.mod"
        );
    }

    #[test]
    fn missing_modules_txt_reports_every_requirement() {
        assert_eq!(
            problems(GO_MOD, ""),
            "\n\texample.com/Other@v1.2.0: is explicitly required in go.mod, but not marked as explicit in vendor/modules.txt\
             \n\texample.com/lib@v1.0.0: is explicitly required in go.mod, but not marked as explicit in vendor/modules.txt\
             \n\texample.com/dep@v1.0.0: is explicitly required in go.mod, but not marked as explicit in vendor/modules.txt\
             \n\texample.com/lib: is replaced in go.mod, but not marked as replaced in vendor/modules.txt\
             \n\texample.com/Other@v1.2.0: is replaced in go.mod, but not marked as replaced in vendor/modules.txt\
             \n\texample.com/dep@v1.0.0: is replaced in go.mod, but not marked as replaced in vendor/modules.txt\
             \n\texample.com/unusedwild: is replaced in go.mod, but not marked as replaced in vendor/modules.txt"
        );
    }
}
