//! `cargo xtask go-bin`: build the Go sidecars that workspace crates declare
//! in `[[package.metadata.go-link-build.sidecar]]`.
//!
//! A thin caller of the library's `sidecars` feature (`go_link_build::sidecars`,
//! which documents the schema and the output layout), as a user's own xtask
//! would be; `go-link-build sidecars` is the same for users without one.

use std::path::PathBuf;

use crate::{Arg, Args};

/// The command line of `cargo xtask go-bin`.
#[derive(Debug, Default)]
pub(crate) struct Options {
    release: bool,
    targets: Vec<String>,
    package: Option<String>,
    manifest_path: Option<PathBuf>,
}

impl Options {
    pub(crate) fn parse(args: &[String]) -> anyhow::Result<Options> {
        let mut opts = Options::default();
        let mut it = Args::new("go-bin", args);
        while let Some(arg) = it.next_arg() {
            match arg {
                Arg::Flag("release", inline) => {
                    it.no_value("release", inline)?;
                    opts.release = true;
                }
                Arg::Flag("target", inline) => opts.targets.push(it.value("target", inline)?.to_string()),
                Arg::Flag("package", inline) => opts.package = Some(it.value("package", inline)?.to_string()),
                // For trying the command on another workspace; undocumented in the usage text.
                Arg::Flag("manifest-path", inline) => {
                    opts.manifest_path = Some(PathBuf::from(it.value("manifest-path", inline)?))
                }
                other => return Err(it.unknown(&other)),
            }
        }
        Ok(opts)
    }
}

pub(crate) fn run(opts: Options) -> anyhow::Result<()> {
    let mut sidecars = go_link_build::sidecars::Sidecars::new();
    sidecars.release(opts.release);
    for t in &opts.targets {
        sidecars.target(t);
    }
    if let Some(p) = &opts.package {
        sidecars.package(p);
    }
    if let Some(p) = &opts.manifest_path {
        sidecars.manifest_path(p);
    }
    sidecars.build()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options() {
        let args: Vec<String> = ["--release=yes"].iter().map(|s| s.to_string()).collect();
        assert!(Options::parse(&args).is_err());
        let args: Vec<String> =
            ["--release", "--target", "a", "--target=b", "--package", "x"].iter().map(|s| s.to_string()).collect();
        let o = Options::parse(&args).unwrap();
        assert!(o.release);
        assert_eq!(o.targets, ["a", "b"]);
        assert_eq!(o.package.as_deref(), Some("x"));
    }
}
