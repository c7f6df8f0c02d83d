//! VCS stamping: the `vcs`, `vcs.revision`, `vcs.time` and `vcs.modified`
//! build settings, and (Go 1.24+) the main module's version, as `go build
//! -buildvcs=auto` records them (`load.setBuildInfo`, `vcs.FromDir`,
//! `vcs.gitStatus` in cmd/go/internal).
//!
//! Only git is supported, as the issue asks; a checkout of another system
//! (hg, svn, bzr, fossil) gets no stamp and a line in the debug log. git is
//! run through `exec.rs`, with cwd = the repository root, as cmd/go runs it.
//!
//! **Which directory.** cmd/go looks for the repository from its working
//! directory and then checks that the package's and the module's
//! directories are in the same one. A build script has no meaningful
//! working directory, so the main package's directory stands for it: the
//! result is the same whenever `go build` runs from inside the module.
//!
//! **Mode.** `Build::buildvcs(bool)` wins; otherwise GOFLAGS's `-buildvcs`
//! (`true`, `false`, `auto`), as cmd/go honours it; otherwise `auto`.
//! `auto` leaves the stamp out when git is not on PATH or the package and
//! module sit in different repositories; `true` makes those errors.

use std::path::{Path, PathBuf};

use crate::error::{Error, ErrorKind, Result};
use crate::exec::Invocation;

/// `-buildvcs`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mode {
    Auto,
    On,
    Off,
}

impl Mode {
    /// The last `-buildvcs` of a GOFLAGS string, if any (a boolean flag with
    /// the extra value `auto`: bare means true).
    pub(crate) fn of_goflags(goflags: &str) -> Option<Mode> {
        goflags.split_whitespace().rev().find_map(|f| {
            let f = f.strip_prefix("--").or_else(|| f.strip_prefix('-'))?;
            match f {
                "buildvcs" | "buildvcs=true" | "buildvcs=1" | "buildvcs=t" | "buildvcs=T" | "buildvcs=TRUE"
                | "buildvcs=True" => Some(Mode::On),
                "buildvcs=false" | "buildvcs=0" | "buildvcs=f" | "buildvcs=F" | "buildvcs=FALSE" | "buildvcs=False" => {
                    Some(Mode::Off)
                }
                "buildvcs=auto" => Some(Mode::Auto),
                _ => None,
            }
        })
    }
}

/// The version control systems `vcs.FromDir` recognises, in `vcsList` order,
/// with their root markers (name, whether it is a directory).
const SYSTEMS: &[(&str, &[(&str, bool)])] = &[
    ("hg", &[(".hg", true)]),
    ("git", &[(".git", true)]),
    ("svn", &[(".svn", true)]),
    ("bzr", &[(".bzr", true)]),
    ("fossil", &[(".fslckout", false), ("_FOSSIL_", false)]),
];

/// `vcs.FromDir(dir, "")`: the nearest directory at or above `dir` that is a
/// checkout root, and its system. Go 1.23+ refuses a checkout of another
/// system above the first one found (git inside git is allowed: submodules),
/// unless GODEBUG=allowmultiplevcs=1; 1.21/1.22 took the first one.
pub(crate) fn from_dir(dir: &Path, minor: u32) -> Result<Option<(PathBuf, &'static str)>> {
    let mut found: Option<(PathBuf, &'static str)> = None;
    let mut cur = Some(dir);
    while let Some(d) = cur {
        for (name, markers) in SYSTEMS {
            let is_root = markers
                .iter()
                .any(|(file, is_dir)| std::fs::metadata(d.join(file)).map(|m| m.is_dir() == *is_dir).unwrap_or(false));
            if !is_root {
                continue;
            }
            match &found {
                None => {
                    found = Some((d.to_path_buf(), name));
                    if minor < 23 {
                        return Ok(found);
                    }
                }
                Some((_, "git")) if *name == "git" => {}
                Some((root, first)) => {
                    return Err(Error::new(
                        ErrorKind::Config,
                        format!(
                            "error obtaining VCS status: multiple VCS detected: {first} in {:?}, and {name} in {:?}\n\
                             \tUse Build::buildvcs(false) (or GOFLAGS=-buildvcs=false) to disable VCS stamping.",
                            root.display(),
                            d.display()
                        ),
                    ))
                }
            }
        }
        cur = d.parent();
    }
    Ok(found)
}

/// What stamping found: the settings to append and the files whose change
/// means a new commit or checkout (for `rerun-if-changed` and the stamp).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Stamp {
    /// `(key, value)` settings in cmd/go's order: `vcs`, `vcs.revision`,
    /// `vcs.time`, `vcs.modified`.
    pub settings: Vec<(String, String)>,
    /// The main module's version from the repository (Go 1.24+), replacing
    /// `(devel)`.
    pub main_version: Option<String>,
    /// `.git/HEAD`, the branch it names, `packed-refs`, `logs/HEAD`: those
    /// that exist.
    pub watch: Vec<PathBuf>,
}

/// What one stamping needs.
pub(crate) struct Request<'a> {
    pub mode: Mode,
    pub minor: u32,
    pub pkg_dir: &'a Path,
    pub module_dir: &'a Path,
    pub module_path: &'a str,
    /// The `git` found on PATH, if any.
    pub git: Option<PathBuf>,
    /// The environment git runs with.
    pub env: Vec<(std::ffi::OsString, std::ffi::OsString)>,
}

fn has_prefix(p: &Path, prefix: &Path) -> bool {
    p.starts_with(prefix)
}

/// `load.setBuildInfo`'s VCS part for a main-module package. `Ok(None)`: no
/// stamp (off, no checkout, another system, or auto mode's silent cases).
pub(crate) fn stamp(req: &Request<'_>) -> Result<Option<Stamp>> {
    if req.mode == Mode::Off {
        return Ok(None);
    }
    let Some((root, system)) = from_dir(req.pkg_dir, req.minor)? else { return Ok(None) };
    // The module and the repository must overlap.
    if !has_prefix(req.module_dir, &root) && !has_prefix(&root, req.module_dir) {
        return Ok(None);
    }
    if system != "git" {
        let msg = format!(
            "VCS stamping: {system} checkout at {} is not supported (only git); no vcs settings recorded",
            root.display()
        );
        if req.mode == Mode::On {
            return Err(Error::new(ErrorKind::Config, format!("{msg}. Use Build::buildvcs(false) to build without.")));
        }
        if crate::debug_enabled() {
            to_stderr!("go-link-build: {msg}");
        }
        return Ok(None);
    }
    let Some(git) = req.git.clone() else {
        if req.mode == Mode::On {
            return Err(Error::new(
                ErrorKind::Config,
                format!(
                    "error obtaining VCS status: git is not on PATH ({} is a git checkout)\n\
                     \tUse Build::buildvcs(false) (or GOFLAGS=-buildvcs=false) to disable VCS stamping.",
                    root.display()
                ),
            ));
        }
        return Ok(None);
    };
    // The module's directory must be in the same repository as the package's.
    if from_dir(req.module_dir, req.minor)?.map(|(r, _)| r) != Some(root.clone()) {
        if req.mode == Mode::On {
            return Err(Error::new(
                ErrorKind::Config,
                format!(
                    "main package is in repository {:?} but module is in another repository; \
                     use Build::buildvcs(false) to disable VCS stamping",
                    root.display()
                ),
            ));
        }
        return Ok(None);
    }
    // Runs git in the repository root: (succeeded, stdout or everything printed).
    let git_run = |args: &[&str]| -> Result<(bool, String)> {
        let mut inv = Invocation::new(&git, &root);
        inv.env = req.env.clone();
        for a in args {
            inv.arg(*a);
        }
        match inv.run("# git") {
            Ok(out) => Ok((true, String::from_utf8_lossy(&out.stdout).into_owned())),
            Err(e) => Ok((false, e.to_string())),
        }
    };
    let vcs_err = |what: &str, out: &str| {
        Error::new(
            ErrorKind::Tool,
            format!(
                "error obtaining VCS status: {what} in {}:\n{}\n\
                 \tUse Build::buildvcs(false) (or GOFLAGS=-buildvcs=false) to disable VCS stamping.",
                root.display(),
                out.trim_end()
            ),
        )
    };
    // vcs.gitStatus.
    let (ok, status) = git_run(&["status", "--porcelain"])?;
    if !ok {
        return Err(vcs_err("git status --porcelain failed", &status));
    }
    let modified = !status.is_empty();
    // 1.21/1.22 ran `show -s`, 1.23+ `log -1`; same output.
    let log: &[&str] = if req.minor >= 23 {
        &["-c", "log.showsignature=false", "log", "-1", "--format=%H:%ct"]
    } else {
        &["-c", "log.showsignature=false", "show", "-s", "--format=%H:%ct"]
    };
    let (ok, out) = git_run(log)?;
    let mut rev_time = None;
    if !ok && !modified {
        return Err(vcs_err("git log failed", &out));
    } else if ok {
        rev_time = Some(parse_rev_time(&out).ok_or_else(|| vcs_err("unexpected git log output", &out))?);
    }
    let mut settings = vec![("vcs".to_string(), "git".to_string())];
    if let Some((rev, secs)) = &rev_time {
        settings.push(("vcs.revision".into(), rev.clone()));
        settings.push(("vcs.time".into(), rfc3339_utc(*secs)));
    }
    settings.push(("vcs.modified".into(), modified.to_string()));

    let main_version = match &rev_time {
        Some((rev, secs)) if req.minor >= 24 && req.module_dir == root.as_path() => {
            // 1.25+ reads the module path from go.mod at the repository root.
            if req.minor >= 25 && !root.join("go.mod").is_file() {
                None
            } else {
                let (ok, tags_here) = git_run(&["tag", "--points-at", rev])?;
                let (ok2, tags_before) =
                    git_run(&["for-each-ref", "--format=%(refname)", &format!("--merged={rev}"), "refs/tags"])?;
                (ok && ok2).then(|| {
                    let here: Vec<&str> = tags_here.lines().collect();
                    let before: Vec<&str> = tags_before.lines().filter_map(|l| l.strip_prefix("refs/tags/")).collect();
                    main_version(req.module_path, rev, *secs, &here, &before, modified)
                })
            }
        }
        _ => None,
    };

    let git_dir = root.join(".git");
    let mut watch = vec![git_dir.join("HEAD")];
    if let Ok(head) = std::fs::read_to_string(git_dir.join("HEAD")) {
        if let Some(r) = head.trim().strip_prefix("ref: ") {
            watch.push(git_dir.join(r));
        }
    }
    watch.push(git_dir.join("packed-refs"));
    watch.push(git_dir.join("logs").join("HEAD"));
    watch.retain(|p| p.is_file());
    Ok(Some(Stamp { settings, main_version, watch }))
}

/// `vcs.parseRevTime`: `HASH:SECONDS`.
fn parse_rev_time(out: &str) -> Option<(String, i64)> {
    let (rev, t) = out.trim().split_once(':')?;
    let secs = t.parse().ok()?;
    (!rev.is_empty() && rev.bytes().all(|b| b.is_ascii_hexdigit())).then(|| (rev.to_string(), secs))
}

/// Days since 1970-01-01 to (year, month, day) in the proleptic Gregorian
/// calendar (Howard Hinnant's `civil_from_days`).
fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// `time.Unix(secs, 0).UTC()` as (y, mo, d, h, mi, s).
fn utc(secs: i64) -> (i64, u32, u32, u32, u32, u32) {
    let (y, mo, d) = civil(secs.div_euclid(86_400));
    let s = secs.rem_euclid(86_400) as u32;
    (y, mo, d, s / 3600, s / 60 % 60, s % 60)
}

/// `time.Unix(secs, 0).UTC().Format(time.RFC3339Nano)` (no fraction for whole seconds).
fn rfc3339_utc(secs: i64) -> String {
    let (y, mo, d, h, mi, s) = utc(secs);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
}

/// The main module's version from its repository (Go 1.24+, modfetch's
/// `codeRepo.Stat` for the local repository): a semver tag on the revision
/// that fits the module's major version, else a pseudo-version based on
/// the highest such tag among its ancestors (`module.PseudoVersion`); `+dirty`
/// when the tree has changes. Only a module at the repository root is
/// handled (no tag prefixes for modules in subdirectories).
pub(crate) fn main_version(
    module_path: &str,
    rev: &str,
    secs: i64,
    tags_here: &[&str],
    tags_before: &[&str],
    dirty: bool,
) -> String {
    use crate::modfetch::semver;
    // `module.SplitPathVersion`: a /vN suffix (N ≥ 2) names the major version.
    let path_major = module_path
        .rsplit_once("/v")
        .filter(|(_, n)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) && !n.starts_with('0') && *n != "1")
        .map(|(_, n)| format!("v{n}"));
    let fits = |t: &str| {
        semver::is_valid(t)
            && semver::canonical(t) == t
            && match &path_major {
                Some(m) => semver::major(t) == m,
                None => matches!(semver::major(t), "v0" | "v1"),
            }
    };
    let best = |tags: &[&str]| -> Option<String> {
        tags.iter().copied().filter(|t| fits(t)).max_by(|a, b| semver::compare(a, b)).map(str::to_string)
    };
    let mut v = if let Some(tag) = best(tags_here) {
        tag
    } else {
        let (y, mo, d, h, mi, s) = utc(secs);
        let ts = format!("{y:04}{mo:02}{d:02}{h:02}{mi:02}{s:02}");
        let short = &rev[..rev.len().min(12)];
        match best(tags_before) {
            None => format!("{}.0.0-{ts}-{short}", path_major.as_deref().unwrap_or("v0")),
            Some(base) if base.contains('-') => format!("{base}.0.{ts}-{short}"),
            Some(base) => {
                // vX.Y.Z → vX.Y.(Z+1)-0.
                let (head, patch) = base.rsplit_once('.').unwrap_or((&base, "0"));
                let next = patch.parse::<u64>().unwrap_or(0) + 1;
                format!("{head}.{next}-0.{ts}-{short}")
            }
        }
    };
    if dirty {
        v.push_str("+dirty");
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn goflags_buildvcs() {
        assert_eq!(Mode::of_goflags("-mod=mod -buildvcs=false"), Some(Mode::Off));
        assert_eq!(Mode::of_goflags("-buildvcs=false --buildvcs"), Some(Mode::On));
        assert_eq!(Mode::of_goflags("-buildvcs=auto"), Some(Mode::Auto));
        assert_eq!(Mode::of_goflags("-trimpath"), None);
    }

    #[test]
    fn times_like_go() {
        assert_eq!(rfc3339_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339_utc(1_704_164_645), "2024-01-02T03:04:05Z");
        assert_eq!(rfc3339_utc(951_782_400), "2000-02-29T00:00:00Z");
    }

    #[test]
    fn pseudo_versions() {
        let rev = "a54d905aa416ffffffffffffffffffffffffffff";
        let t = 1_704_164_645;
        assert_eq!(main_version("example.com/m", rev, t, &[], &[], false), "v0.0.0-20240102030405-a54d905aa416");
        assert_eq!(main_version("example.com/m", rev, t, &["v1.2.3"], &["v1.2.3"], false), "v1.2.3");
        assert_eq!(
            main_version("example.com/m", rev, t, &[], &["v1.2.3", "v1.0.0"], true),
            "v1.2.4-0.20240102030405-a54d905aa416+dirty"
        );
        assert_eq!(
            main_version("example.com/m", rev, t, &[], &["v1.3.0-rc.1"], false),
            "v1.3.0-rc.1.0.20240102030405-a54d905aa416"
        );
        assert_eq!(
            main_version("example.com/m/v2", rev, t, &["v1.0.0"], &["v1.0.0"], false),
            "v2.0.0-20240102030405-a54d905aa416"
        );
        assert_eq!(
            main_version("example.com/m", rev, t, &["v2.0.0", "junk"], &[], false),
            "v0.0.0-20240102030405-a54d905aa416"
        );
    }
}
