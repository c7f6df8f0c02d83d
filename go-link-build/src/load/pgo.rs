//! Profile-guided optimization as cmd/go's `-pgo` flag (default `auto` in
//! Go 1.21–1.27): which profile a build uses, the `-pgo` build setting, the
//! `preprofile` step (Go 1.23+) and the compile flag.
//!
//! cmd/go (`load.setPGOProfilePath`, `work/action.go` `pgoActor`,
//! `work/gc.go`, `work/exec.go` `buildActionID`):
//!
//! - `-pgo=auto`: for a main package, `<its directory>/default.pgo` if
//!   `os.Stat` succeeds; the profile is attached to the main package and every
//!   package it imports, std and runtime included.
//! - `-pgo=off`: no profile. `-pgo=FILE`: `filepath.Abs(FILE)`.
//! - 1.21/1.22: compile gets `-pgoprofile=<the pprof file>`, and the package's
//!   action ID a `pgofile <sha256 of it>` line.
//! - 1.23+: a separate action runs `preprofile -o <out> -i <profile>` once per
//!   profile (keyed on the preprofile tool and the profile's content), and
//!   compile gets `-pgoprofile=<the preprocessed file>`; the package's action
//!   ID gets `pgofile <sha256 of the preprocessed file>`.
//! - asm, cgo and link never get a PGO flag.
//! - Build info gets `-pgo=<path>` (the base name with `-trimpath`); 1.21
//!   appends it last, 1.22+ then sorts all settings by key.
//!
//! The profile's *content* is what keys every action that uses it: a
//! package compiled with a profile is a different action from the same
//! package compiled without one (or with another profile).

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use crate::error::{Error, ErrorKind, Result};
use crate::exec::Invocation;

/// What `Build::pgo` / `--pgo` asks for (cmd/go's `-pgo` values).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) enum Pgo {
    /// `default.pgo` in the main package's directory, if there is one.
    #[default]
    Auto,
    /// No profile.
    Off,
    /// This profile (relative paths are taken from the base directory the
    /// caller gives [`Pgo::parse`]).
    File(PathBuf),
}

impl Pgo {
    /// The `-pgo` flag's value: `auto`, `off`, or a file name made absolute
    /// against `base` (cmd/go: `filepath.Abs`, against its working directory).
    pub(crate) fn parse(value: &str, base: &Path) -> Pgo {
        match value {
            "auto" => Pgo::Auto,
            "off" => Pgo::Off,
            file => Pgo::File(base.join(file)),
        }
    }
}

impl Pgo {
    /// The last `-pgo` of a GOFLAGS string, if any (relative files against
    /// `base`): cmd/go reads its flags' defaults from GOFLAGS.
    pub(crate) fn of_goflags(goflags: &str, base: &Path) -> Option<Pgo> {
        goflags.split_whitespace().rev().find_map(|f| {
            let f = f.strip_prefix("--").or_else(|| f.strip_prefix('-'))?;
            f.strip_prefix("pgo=").filter(|v| !v.is_empty()).map(|v| Pgo::parse(v, base))
        })
    }
}

/// The profile a build uses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Profile {
    /// The pprof file, absolute.
    pub path: PathBuf,
    /// SHA-256 of its content: what keys the actions that use it.
    pub sha256: [u8; 32],
}

/// The profile for a program whose main package is in `main_dir`
/// (`setPGOProfilePath`), read and hashed; `None` with `off`, or with `auto`
/// when `main_dir` has no `default.pgo`.
pub(crate) fn select(pgo: &Pgo, main_dir: &Path) -> Result<Option<Profile>> {
    let path = match pgo {
        Pgo::Off => return Ok(None),
        Pgo::Auto => {
            let file = main_dir.join("default.pgo");
            // os.Stat: anything that exists counts, as it does for cmd/go
            // (a directory then fails below, with a clear message).
            if std::fs::metadata(&file).is_err() {
                return Ok(None);
            }
            file
        }
        Pgo::File(file) => file.clone(),
    };
    let data = std::fs::read(&path).map_err(|e| {
        Error::new(
            ErrorKind::Config,
            format!(
                "cannot read the PGO profile {} ({e}); {}",
                path.display(),
                match pgo {
                    Pgo::Auto => "it is used because it is the main package's default.pgo (-pgo=auto); remove it or set Build::pgo(\"off\")",
                    _ => "check the path given to Build::pgo / --pgo",
                }
            ),
        )
    })?;
    Ok(Some(Profile { path, sha256: crate::cache::digest(&data) }))
}

/// The `-pgo` build setting's value: the base name with `-trimpath`, else the
/// absolute path (`setPGOProfilePath`'s `updateBuildInfo`).
pub(crate) fn setting_value(profile: &Path, trimpath: bool) -> String {
    if trimpath {
        profile.file_name().map_or_else(|| profile.display().to_string(), |n| n.to_string_lossy().into_owned())
    } else {
        profile.display().to_string()
    }
}

/// Adds `-pgo=<value>` to build settings already in `load.setBuildInfo`
/// order: 1.21 appends it (after the `vcs.*` settings), 1.22+ then sorts
/// every setting by key ("Adding -pgo breaks the sort order in
/// BuildInfo.Settings. Restore it.": `strings.Compare` on the key).
pub(crate) fn add_setting(settings: &mut Vec<(String, String)>, value: String, go_minor: u32) {
    settings.push(("-pgo".to_string(), value));
    if go_minor >= 22 {
        settings.sort_by(|a, b| a.0.cmp(&b.0));
    }
}

/// Whether this Go release preprocesses the profile (`preprofile`, 1.23+).
pub(crate) fn preprocesses(go_minor: u32) -> bool {
    go_minor >= 23
}

/// The key lines of the preprofile action (`Builder.pgoActionID`): the step
/// and the input's content hash (the tool's identity is keyed by the caller:
/// the compiler's version and the preprofile binary's size and mtime).
pub(crate) fn preprofile_key_lines(profile: &Profile) -> Vec<(&'static str, String)> {
    vec![("step", "preprocess PGO profile".to_string()), ("input", crate::cache::hex(&profile.sha256))]
}

/// The name of the preprocessed profile in the preprofile action's directory.
pub(crate) const PREPROFILE: &str = "pgo.preprofile";

/// `preprofile -o <output> -i <input>` as `pgoActor.Act` runs it. The output
/// (text starting `GO PREPROFILE V1`) has no build ID and does not depend on
/// the working directory or on the input's path.
pub(crate) fn preprofile_invocation(
    tool: &Path,
    input: &Path,
    output: &Path,
    cwd: &Path,
    env: Vec<(OsString, OsString)>,
) -> Invocation {
    let mut inv = Invocation::new(tool, cwd);
    inv.env = env;
    inv.arg("-o").arg(output).arg("-i").arg(input);
    inv
}

/// The compile flag: `-pgoprofile=<file>`, the raw profile (1.21/1.22) or the
/// preprocessed one (1.23+). `gcToolchain.gc` puts it after `-goversion`
/// (and `-coveragecfg`), before `-symabis` and `-c=N`.
pub(crate) fn compile_flag(file: &Path) -> OsString {
    let mut f = OsString::from("-pgoprofile=");
    f.push(file.as_os_str());
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auto_finds_default_pgo_in_the_main_directory_only() {
        let dir = std::env::temp_dir().join(format!("glb-pgo-{}", std::process::id()));
        let sub = dir.join("cmd/app");
        std::fs::create_dir_all(&sub).unwrap();
        // A default.pgo above the main package does not count.
        std::fs::write(dir.join("default.pgo"), b"above").unwrap();
        assert_eq!(select(&Pgo::Auto, &sub).unwrap(), None);
        std::fs::write(sub.join("default.pgo"), b"profile").unwrap();
        let p = select(&Pgo::Auto, &sub).unwrap().unwrap();
        assert_eq!(p.path, sub.join("default.pgo"));
        assert_eq!(p.sha256, crate::cache::digest(b"profile"));
        assert_eq!(select(&Pgo::Off, &sub).unwrap(), None);
        let explicit = Pgo::parse("../../default.pgo", &sub);
        assert_eq!(select(&explicit, &sub).unwrap().unwrap().sha256, crate::cache::digest(b"above"));
        let missing = select(&Pgo::parse("nope.pgo", &sub), &sub).unwrap_err().to_string();
        assert!(missing.contains("nope.pgo") && missing.contains("Build::pgo"), "{missing}");
        // A directory named default.pgo passes os.Stat, then fails clearly.
        std::fs::remove_file(sub.join("default.pgo")).unwrap();
        std::fs::create_dir(sub.join("default.pgo")).unwrap();
        let dir_err = select(&Pgo::Auto, &sub).unwrap_err().to_string();
        assert!(dir_err.contains("default.pgo") && dir_err.contains("-pgo=auto"), "{dir_err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn setting_order_per_go_release() {
        let base = || -> Vec<(String, String)> {
            [
                ("-buildmode", "exe"),
                ("-compiler", "gc"),
                ("-trimpath", "true"),
                ("CGO_ENABLED", "1"),
                ("GOARCH", "amd64"),
                ("GOOS", "linux"),
                ("GOAMD64", "v1"),
                ("vcs", "git"),
                ("vcs.revision", "abc"),
                ("vcs.time", "2024-01-02T03:04:05Z"),
                ("vcs.modified", "false"),
            ]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
        };
        let keys = |s: &[(String, String)]| s.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>().join(" ");
        let value = setting_value(Path::new("/src/app/default.pgo"), true);
        assert_eq!(value, "default.pgo");
        assert_eq!(setting_value(Path::new("/src/app/default.pgo"), false), "/src/app/default.pgo");
        let mut s21 = base();
        add_setting(&mut s21, value.clone(), 21);
        assert_eq!(
            keys(&s21),
            "-buildmode -compiler -trimpath CGO_ENABLED GOARCH GOOS GOAMD64 vcs vcs.revision vcs.time vcs.modified -pgo"
        );
        // The order go version -m prints for go1.22-1.27 builds (CONFORMANCE.md §2).
        let mut s22 = base();
        add_setting(&mut s22, value, 22);
        assert_eq!(
            keys(&s22),
            "-buildmode -compiler -pgo -trimpath CGO_ENABLED GOAMD64 GOARCH GOOS vcs vcs.modified vcs.revision vcs.time"
        );
    }

    #[test]
    fn tool_arguments() {
        let inv = preprofile_invocation(
            Path::new("/go/pkg/tool/linux_amd64/preprofile"),
            Path::new("/src/default.pgo"),
            Path::new("/o/pgo.preprofile"),
            Path::new("/o"),
            Vec::new(),
        );
        assert_eq!(inv.program, Path::new("/go/pkg/tool/linux_amd64/preprofile"));
        assert_eq!(inv.args, ["-o", "/o/pgo.preprofile", "-i", "/src/default.pgo"]);
        assert_eq!(compile_flag(Path::new("/o/pgo.preprofile")), "-pgoprofile=/o/pgo.preprofile");
        assert!(!preprocesses(22) && preprocesses(23) && preprocesses(27));
        let p = Profile { path: "/src/default.pgo".into(), sha256: [7; 32] };
        assert!(preprofile_key_lines(&p).iter().any(|(k, v)| *k == "input" && *v == crate::cache::hex(&[7; 32])));
        let base = Path::new("/m");
        assert_eq!(Pgo::of_goflags("-mod=mod -pgo=off", base), Some(Pgo::Off));
        assert_eq!(Pgo::of_goflags("--pgo=auto -pgo=p/x.pgo", base), Some(Pgo::File("/m/p/x.pgo".into())));
        assert_eq!(Pgo::of_goflags("-pgo=/abs.pgo -buildvcs=false", base), Some(Pgo::File("/abs.pgo".into())));
        assert_eq!(Pgo::of_goflags("-mod=mod -pgo=", base), None);
    }
}
