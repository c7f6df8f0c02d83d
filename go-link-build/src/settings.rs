//! Settings that `go build` would apply and go-link-build does not: each is
//! named in one warning with the setter to use instead, rather than ignored
//! in silence (a `GOFLAGS=-tags=x` that changes nothing looks like a bug in
//! the Go code).
//!
//! What is checked: `GOFLAGS` entries other than `-mod`, `-modcacherw`,
//! `-buildvcs`, `-gcflags`, `-ldflags` and `-pgo` (the ones go-link-build applies), `CGO_ENABLED` where it has no effect
//! (cgo is a setter: `Build::cgo`; a C archive always uses it), and
//! `GOOS`/`GOARCH` when the target comes from cargo or the host (the CLI
//! turns them into its target itself, as `go build` does).

use crate::env::Env;

/// What the build is, for the checks.
pub(crate) struct Applied<'a> {
    /// `Build::target` was given (so GOOS/GOARCH were not what chose the target).
    pub explicit_target: bool,
    /// The Rust triple built for, and its Go port.
    pub triple: &'a str,
    pub goos: &'a str,
    pub goarch: &'a str,
    /// Whether cgo is on for this build.
    pub cgo: bool,
    /// A C archive (cgo always on) rather than a program.
    pub c_archive: bool,
}

/// The advice for a `GOFLAGS` flag go-link-build does not apply.
fn goflag_advice(name: &str) -> &'static str {
    match name {
        "tags" => "set build tags with Build::tags (CLI: --tags)",
        "trimpath" => "-trimpath is Build::trimpath, on by default (CLI: --no-trimpath turns it off)",
        "race" => "use Build::race(true) (CLI: --race)",
        "cover" => "use Build::cover(true) (CLI: --cover)",
        "coverpkg" | "covermode" => {
            "Build::cover (CLI: --cover) instruments the main module's packages in mode set (atomic with \
             Build::race), as go build -cover does without -coverpkg and -covermode, which have no setter"
        }
        "msan" | "asan" => "go-link-build does not build -msan/-asan code; remove it from GOFLAGS for this build",
        "asmflags" => "go-link-build passes cmd/go's own assembler flags; there is no setter",
        "buildmode" => "the build mode is the call: Build::binary or Build::c_archive (CLI: --buildmode)",
        _ => "go-link-build has no equivalent; remove it from GOFLAGS for this build",
    }
}

/// One warning per setting that cannot apply.
pub(crate) fn unapplied(env: &Env, b: &Applied<'_>) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(goflags) = env.go_var("GOFLAGS") {
        // base.InitGOFLAGS: quoted.Split, each word one flag, `-x` or `--x`.
        // (A quoting error is the build's error, from goflags.rs.)
        let words = crate::goport::quoted_split(&goflags).unwrap_or_default();
        for flag in &words {
            let name = flag.trim_start_matches('-');
            let name = name.split_once('=').map_or(name, |(n, _)| n);
            if matches!(name, "mod" | "modcacherw" | "buildvcs" | "gcflags" | "ldflags" | "pgo" | "") {
                continue;
            }
            out.push(format!("GOFLAGS has {flag}, which go-link-build does not apply: {}", goflag_advice(name)));
        }
    }
    match env.go_var("CGO_ENABLED").as_deref() {
        Some("1") if !b.cgo => out.push(
            "CGO_ENABLED=1 has no effect: cgo for a program is enabled with Build::cgo(true) (CLI: --cgo)".into(),
        ),
        Some("0") if b.c_archive => {
            out.push("CGO_ENABLED=0 has no effect: a C archive is built with cgo, which its exports need".into())
        }
        Some("0") if b.cgo => {
            out.push("CGO_ENABLED=0 has no effect: Build::cgo(true) was set (CLI: --cgo), which decides".into())
        }
        _ => {}
    }
    if !b.explicit_target {
        let goos = env.go_var("GOOS").filter(|v| v != b.goos);
        let goarch = env.go_var("GOARCH").filter(|v| v != b.goarch);
        if goos.is_some() || goarch.is_some() {
            let set: Vec<String> = [("GOOS", goos), ("GOARCH", goarch)]
                .into_iter()
                .filter_map(|(k, v)| v.map(|v| format!("{k}={v}")))
                .collect();
            out.push(format!(
                "{} set, but this build is for {} ({}/{}), the target cargo builds for (or this machine): \
                 choose the target with Build::target (a Rust triple, or GOOS/GOARCH like linux/arm64) or \
                 cargo's --target",
                set.join(" and ") + if set.len() == 1 { " is" } else { " are" },
                b.triple,
                b.goos,
                b.goarch
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn env(vars: &[(&str, &str)]) -> Env {
        let mut m: BTreeMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        // A go env file must not take part: GOENV=off as cmd/go reads it.
        m.insert("GOENV".into(), "off".into());
        for k in ["GOFLAGS", "CGO_ENABLED", "GOOS", "GOARCH"] {
            m.entry(k.into()).or_default();
        }
        Env::new(m)
    }

    fn program() -> Applied<'static> {
        Applied {
            explicit_target: false,
            triple: "x86_64-unknown-linux-gnu",
            goos: "linux",
            goarch: "amd64",
            cgo: false,
            c_archive: false,
        }
    }

    #[test]
    fn names_what_does_not_apply() {
        let e = env(&[
            ("GOFLAGS", "-mod=mod -tags=x '-gcflags=all=-N -l' -ldflags=-s -asmflags=-S --race -modcacherw"),
            ("CGO_ENABLED", "1"),
        ]);
        let w = unapplied(&e, &program());
        assert_eq!(w.len(), 4, "{w:?}");
        assert!(w[0]
            .starts_with("GOFLAGS has -tags=x, which go-link-build does not apply: set build tags with Build::tags"));
        assert!(w[1].starts_with("GOFLAGS has -asmflags=-S"), "-gcflags and -ldflags are applied: {w:?}");
        assert!(w[2].starts_with("GOFLAGS has --race"));
        assert!(w[3].starts_with("CGO_ENABLED=1 has no effect"));
        let w = unapplied(&env(&[("GOOS", "plan9"), ("GOARCH", "arm")]), &program());
        assert_eq!(w.len(), 1);
        assert!(w[0].starts_with("GOOS=plan9 and GOARCH=arm are set, but this build is for x86_64-unknown-linux-gnu"));
        // Settings that agree with the build, or were applied, say nothing.
        let quiet = env(&[("GOFLAGS", "-mod=vendor"), ("CGO_ENABLED", "0"), ("GOOS", "linux")]);
        assert!(unapplied(&quiet, &program()).is_empty());
        let explicit = Applied { explicit_target: true, ..program() };
        assert!(unapplied(&env(&[("GOOS", "plan9")]), &explicit).is_empty());
    }
}
