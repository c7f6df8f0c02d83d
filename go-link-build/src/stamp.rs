//! The no-op fast path.
//!
//! A finished build leaves a stamp next to its output: a fingerprint of the
//! request and of everything it read, as cheap facts (file size and mtime,
//! directory mtimes for added or removed files, environment values). When
//! cargo reruns the build script and the stamp still matches, the build is
//! done without discovering the toolchain, loading a package or running any
//! tool: only the cargo directives are printed again. Any mismatch falls back
//! to the full build, whose per-action cache keys hash file contents.
//!
//! A file modified while the build ran (mtime at or after the build's start)
//! can never validate a stamp, so an edit racing the build is not missed.

use std::path::{Path, PathBuf};

use crate::cache::write_atomic;
use crate::cargo::Directive;
use crate::env::Env;
use crate::error::Result;
use crate::toolchain::mtime_nanos;

/// What a stamp records.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Stamp {
    pub fingerprint: String,
    /// When the build that wrote the stamp started (ns since the epoch).
    pub started: u128,
    /// Outputs (the program or archive, a header): they must still be as
    /// the build left them, but they may be newer than its start.
    pub outputs: Vec<(PathBuf, u64, u128)>,
    pub files: Vec<(PathBuf, u64, u128)>,
    pub dirs: Vec<(PathBuf, u128)>,
    /// Environment variables read, with the values the build saw (`None`:
    /// unset; `Some("")`: set and empty), as [`Env::read_vars`] recorded them.
    pub env: Vec<(String, Option<String>)>,
    /// Cargo directives to print again.
    pub directives: Vec<Directive>,
    /// The C archive's link flags ([`crate::Artifact::link_flags`]).
    pub link_flags: Vec<String>,
}

fn stat(path: &Path) -> Option<(u64, u128)> {
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.len(), mtime_nanos(&meta)))
}

impl Stamp {
    /// Records a file as it is now.
    pub(crate) fn add_file(&mut self, path: &Path) {
        let (size, mtime) = stat(path).unwrap_or((u64::MAX, 0));
        self.files.push((path.to_path_buf(), size, mtime));
    }

    pub(crate) fn add_dir(&mut self, path: &Path) {
        let mtime = stat(path).map(|s| s.1).unwrap_or(0);
        self.dirs.push((path.to_path_buf(), mtime));
    }

    pub(crate) fn add_output(&mut self, path: &Path) {
        let (size, mtime) = stat(path).unwrap_or((u64::MAX, 0));
        self.outputs.push((path.to_path_buf(), size, mtime));
    }

    fn encode(&self) -> String {
        let esc = |p: &Path| p.display().to_string().replace('\\', "\\\\").replace('\n', "\\n");
        let mut s = format!("go-link-build stamp v1\nfingerprint {}\nstarted {}\n", self.fingerprint, self.started);
        for (p, size, mtime) in &self.outputs {
            s.push_str(&format!("output {size} {mtime} {}\n", esc(p)));
        }
        for (p, size, mtime) in &self.files {
            s.push_str(&format!("file {size} {mtime} {}\n", esc(p)));
        }
        for (p, mtime) in &self.dirs {
            s.push_str(&format!("dir {mtime} {}\n", esc(p)));
        }
        for (k, v) in &self.env {
            match v {
                Some(v) => s.push_str(&format!("env {k} ={}\n", v.replace('\\', "\\\\").replace('\n', "\\n"))),
                None => s.push_str(&format!("env {k} unset\n")),
            }
        }
        let esc_str = |v: &str| v.replace('\\', "\\\\").replace('\n', "\\n");
        for d in &self.directives {
            s.push_str(&format!("directive {}\n", esc_str(&d.line())));
        }
        for f in &self.link_flags {
            s.push_str(&format!("linkflag {}\n", esc_str(f)));
        }
        s
    }

    fn decode(text: &str) -> Option<Stamp> {
        let unesc = |s: &str| {
            let mut out = String::with_capacity(s.len());
            let mut it = s.chars();
            while let Some(c) = it.next() {
                if c == '\\' {
                    match it.next() {
                        Some('n') => out.push('\n'),
                        Some(o) => out.push(o),
                        None => {}
                    }
                } else {
                    out.push(c);
                }
            }
            out
        };
        let mut lines = text.lines();
        if lines.next()? != "go-link-build stamp v1" {
            return None;
        }
        let mut st = Stamp::default();
        for line in lines {
            let (kind, rest) = line.split_once(' ')?;
            match kind {
                "fingerprint" => st.fingerprint = rest.to_string(),
                "started" => st.started = rest.parse().ok()?,
                "output" | "file" => {
                    let mut it = rest.splitn(3, ' ');
                    let size = it.next()?.parse().ok()?;
                    let mtime = it.next()?.parse().ok()?;
                    let p = PathBuf::from(unesc(it.next()?));
                    if kind == "output" {
                        st.outputs.push((p, size, mtime));
                    } else {
                        st.files.push((p, size, mtime));
                    }
                }
                "dir" => {
                    let (mtime, p) = rest.split_once(' ')?;
                    st.dirs.push((PathBuf::from(unesc(p)), mtime.parse().ok()?));
                }
                "env" => {
                    let (k, v) = rest.split_once(' ')?;
                    let v = if v == "unset" { None } else { Some(unesc(v.strip_prefix('=')?)) };
                    st.env.push((k.to_string(), v));
                }
                "directive" => st.directives.push(Directive::parse(&unesc(rest))?),
                "linkflag" => st.link_flags.push(unesc(rest)),
                _ => return None,
            }
        }
        Some(st)
    }

    pub(crate) fn write(&self, path: &Path) -> Result<()> {
        write_atomic(path, self.encode().as_bytes())
    }

    /// Reads the stamp at `path` and checks it against the world. Returns it
    /// only if every recorded fact still holds. Environment values are read
    /// through `env` exactly as the build read them ([`Env::var`] records the
    /// raw value, an empty one included), so `CFLAGS=` matches itself.
    pub(crate) fn check(path: &Path, fingerprint: &str, env: &Env) -> Option<Stamp> {
        let text = std::fs::read_to_string(path).ok()?;
        let st = Stamp::decode(&text)?;
        if st.fingerprint != fingerprint {
            return None;
        }
        if st.outputs.is_empty() {
            return None;
        }
        for (out, size, mtime) in &st.outputs {
            if stat(out)? != (*size, *mtime) {
                return None;
            }
        }
        for (p, size, mtime) in &st.files {
            if *mtime >= st.started || stat(p) != Some((*size, *mtime)) {
                return None;
            }
        }
        for (p, mtime) in &st.dirs {
            if *mtime >= st.started || stat(p).map(|s| s.1) != Some(*mtime) {
                return None;
            }
        }
        for (k, v) in &st.env {
            if env.current(k) != *v {
                return None;
            }
        }
        Some(st)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roundtrip() {
        let st = Stamp {
            fingerprint: "abc".into(),
            started: 5,
            outputs: vec![("/o/bin x".into(), 10, 3), ("/o/x.h".into(), 1, 4)],
            files: vec![("/a\nb".into(), 1, 2)],
            dirs: vec![("/d".into(), 4)],
            env: vec![("GOFLAGS".into(), None), ("GOAMD64".into(), Some("v3".into()))],
            directives: vec![Directive::RerunIfChanged("/a".into()), Directive::LinkLib("static=x".into())],
            link_flags: vec!["-framework CoreFoundation".into()],
        };
        assert_eq!(Stamp::decode(&st.encode()), Some(st));
    }

    #[test]
    fn an_empty_variable_matches_itself() {
        // A variable set to the empty string in the process environment: the
        // build records Some(""), and the check must see Some("") too.
        let var = format!("GLB_STAMP_EMPTY_{}", std::process::id());
        let dir = std::env::temp_dir().join(format!("glb-stamp-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let out = dir.join("out");
        std::fs::write(&out, b"x").unwrap();
        #[allow(clippy::disallowed_methods)] // The test sets up the process environment.
        std::env::set_var(&var, "");
        let env = Env::new(Default::default());
        assert_eq!(env.var(&var), None, "empty counts as unset for the build");
        let mut st = Stamp { fingerprint: "f".into(), started: u128::MAX, ..Stamp::default() };
        st.add_output(&out);
        st.env = env.read_vars().into_iter().collect();
        assert_eq!(st.env, vec![(var.clone(), Some(String::new()))]);
        let stamp = dir.join("stamp");
        st.write(&stamp).unwrap();
        assert!(Stamp::check(&stamp, "f", &Env::new(Default::default())).is_some());
        #[allow(clippy::disallowed_methods)]
        std::env::set_var(&var, "-O3");
        assert!(Stamp::check(&stamp, "f", &Env::new(Default::default())).is_none());
        #[allow(clippy::disallowed_methods)]
        std::env::remove_var(&var);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
