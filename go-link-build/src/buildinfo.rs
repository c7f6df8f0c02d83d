//! Build information: the text `go version -m` and `debug.ReadBuildInfo`
//! show, and the `modinfo` line of `importcfg.link` that carries it.
//!
//! cmd/go builds a `debug.BuildInfo` in `load.setBuildInfo` and writes
//! `modinfo %q` of `infoStart + info.String() + infoEnd` into importcfg.link
//! (`work.writeLinkImportcfg`, `modload.ModInfoData`). Its BuildInfo has no
//! `GoVersion`, so the text has no `go\t` line: the linker records the Go
//! version itself, and `go version -m` prints it from there. The text
//! therefore starts with `path\t`, and with Go 1.26.8 the modinfo line we
//! produce is byte for byte the one `go build -x` prints (see the tests).
//!
//! Invariants: no IO; `to_text` is `BuildInfo.String()`; values are quoted
//! with `goport::quote` (`strconv.Quote`).

use crate::goport::quote;

/// The build information of one program (`runtime/debug.BuildInfo`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct BuildInfo {
    /// The toolchain version (`go1.26.8`). Not part of the embedded text,
    /// which cmd/go writes without the `go` line; kept for callers.
    pub go_version: String,
    /// The main package's import path (`command-line-arguments` for files
    /// named on the command line).
    pub path: String,
    /// The main module, with version `(devel)` when it has none.
    pub main: Option<ModuleInfo>,
    /// The other modules providing linked packages, sorted like
    /// `gover.ModSort`.
    pub deps: Vec<ModuleInfo>,
    /// The build settings, usually from [`settings`].
    pub settings: Vec<(String, String)>,
}

/// A module line (`mod`, `dep`, or `=>`), as `runtime/debug.Module`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct ModuleInfo {
    /// The module path.
    pub path: String,
    /// The version, `(devel)` when unknown.
    pub version: String,
    /// The go.sum hash (`h1:…`), empty for the main module, for replaced
    /// modules, and with `-mod=vendor`.
    pub sum: String,
    /// The replacement, printed as a `=>` line after the module's.
    pub replace: Option<Box<ModuleInfo>>,
}

/// The `dep` lines of a program: the modules of its packages other than the
/// main package's module, each once, sorted by path then version
/// (`gover.ModSort`), as `load.setBuildInfo` collects them. Other main
/// modules of a workspace are deps at version `(devel)`.
pub(crate) fn deps<'a>(
    modules: impl IntoIterator<Item = &'a crate::load::ModuleRef>,
    main_path: &str,
) -> Vec<ModuleInfo> {
    let mut seen: Vec<&crate::load::ModuleRef> = Vec::new();
    for m in modules {
        if m.path != main_path && !seen.iter().any(|s| s.path == m.path) {
            seen.push(m);
        }
    }
    seen.sort_by(|a, b| a.path.cmp(&b.path).then_with(|| crate::modload::compare_versions(&a.version, &b.version)));
    seen.into_iter()
        .map(|m| ModuleInfo {
            path: m.path.clone(),
            version: if m.version.is_empty() { "(devel)".into() } else { m.version.clone() },
            sum: if m.replace.is_some() { String::new() } else { m.sum.clone() },
            replace: m.replace.as_ref().map(|(path, version)| {
                Box::new(ModuleInfo {
                    path: path.clone(),
                    version: if version.is_empty() { "(devel)".into() } else { version.clone() },
                    sum: m.replace_sum.clone(),
                    replace: None,
                })
            }),
        })
        .collect()
}

impl BuildInfo {
    /// `runtime/debug.BuildInfo.String()` without the `go` line, as cmd/go
    /// embeds it.
    ///
    /// Each line ends in `\n`. A replaced module ends with its replacement's
    /// line and then one more newline, so an empty line follows it: that is
    /// what Go prints (`formatMod` writes the newline after recursing), and
    /// `debug.ParseBuildInfo` accepts it.
    pub(crate) fn to_text(&self) -> String {
        fn module(out: &mut String, word: &str, m: &ModuleInfo) {
            out.push_str(word);
            out.push('\t');
            out.push_str(&m.path);
            out.push('\t');
            out.push_str(&m.version);
            match &m.replace {
                None => {
                    out.push('\t');
                    out.push_str(&m.sum);
                }
                Some(r) => {
                    out.push('\n');
                    module(out, "=>", r);
                }
            }
            out.push('\n');
        }
        let mut out = String::new();
        if !self.path.is_empty() {
            out.push_str("path\t");
            out.push_str(&self.path);
            out.push('\n');
        }
        // Go compares Main with the zero Module, so an empty one is no line.
        if let Some(m) = self.main.as_ref().filter(|m| **m != ModuleInfo::default()) {
            module(&mut out, "mod", m);
        }
        for dep in &self.deps {
            module(&mut out, "dep", dep);
        }
        for (key, value) in &self.settings {
            out.push_str("build\t");
            // quoteKey and quoteValue of runtime/debug.
            if key.is_empty() || key.contains(['=', ' ', '\t', '\r', '\n', '"', '`']) {
                out.push_str(&quote(key.as_bytes()));
            } else {
                out.push_str(key);
            }
            out.push('=');
            if value.contains([' ', '\t', '\r', '\n', '"', '`']) {
                out.push_str(&quote(value.as_bytes()));
            } else {
                out.push_str(value);
            }
            out.push('\n');
        }
        out
    }
}

/// The markers around build info in the binary (`modload.infoStart`,
/// `infoEnd`; unchanged since Go 1.18).
const INFO_START: [u8; 16] =
    [0x30, 0x77, 0xaf, 0x0c, 0x92, 0x74, 0x08, 0x02, 0x41, 0xe1, 0xc1, 0x07, 0xe6, 0xd6, 0x18, 0xe6];
const INFO_END: [u8; 16] =
    [0xf9, 0x32, 0x43, 0x31, 0x86, 0x18, 0x20, 0x72, 0x00, 0x82, 0x42, 0x10, 0x41, 0x16, 0xd8, 0xf2];

/// The importcfg.link directive: `modinfo "<Go %q of infoStart + text +
/// infoEnd>"`, without a newline. The markers are not UTF-8, so `%q` writes
/// most of their bytes as `\xNN`.
pub(crate) fn modinfo_line(text: &str) -> String {
    let mut data = Vec::with_capacity(INFO_START.len() + text.len() + INFO_END.len());
    data.extend_from_slice(&INFO_START);
    data.extend_from_slice(text.as_bytes());
    data.extend_from_slice(&INFO_END);
    format!("modinfo {}", quote(&data))
}

/// Settings in cmd/go's order for our builds: builder passes the facts.
pub(crate) struct SettingsInput {
    /// `exe`, `c-archive`, … (cmd/go's `default` is `exe` for a main package).
    pub buildmode: String,
    /// `-race`.
    pub race: bool,
    /// `-cover` (recorded by Go 1.23+ only: the caller decides).
    pub cover: bool,
    /// The last `-gcflags` value as given (`PerPackageFlag.String`), if any.
    pub gcflags: Option<String>,
    /// The user's `-ldflags` as one string; recorded only without `-trimpath`
    /// (go.dev/issue/52372: linker flags can hold system paths).
    pub ldflags: Option<String>,
    /// The build tags, recorded joined with commas.
    pub tags: Vec<String>,
    /// `-trimpath`.
    pub trimpath: bool,
    /// The DefaultGODEBUG string (see `godebug::default_godebug`); omitted when empty.
    pub default_godebug: String,
    /// `CGO_ENABLED`.
    pub cgo_enabled: bool,
    /// `CGO_CFLAGS`, `CGO_CPPFLAGS`, `CGO_CXXFLAGS`, `CGO_LDFLAGS` and their
    /// environment values (empty when unset), recorded only with cgo on and
    /// without `-trimpath`.
    pub cgo_env: [(String, String); 4],
    /// `GOARCH`.
    pub goarch: String,
    /// The raw `GOEXPERIMENT` the user set, if any (`nogreenteagc,jsonv2`).
    pub goexperiment: Option<String>,
    /// `GOOS`.
    pub goos: String,
    /// The arch level variable and value in effect, default included
    /// (`("GOAMD64", "v1")`): cmd/go records it even when unset.
    pub arch_level: Option<(String, String)>,
}

/// The build settings, in `load.setBuildInfo` order:
/// `-buildmode`, `-compiler`, `-gcflags`, `-ldflags`, `-cover`, `-race`,
/// `-tags`, `-trimpath`, `DefaultGODEBUG`, `CGO_ENABLED`, `CGO_*FLAGS`,
/// `GOARCH`, `GOEXPERIMENT`, `GOOS`, `GO$GOARCH` (`-pgo` and the `vcs.*`
/// settings are added by the caller). cmd/go also knows `-asan`,
/// `-asmflags`, `-msan` and `GOFIPS140`, none of which our builds use.
pub(crate) fn settings(input: &SettingsInput) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    // appendBuildSetting: a newline would end the line, so it becomes a space.
    let mut add = |key: &str, value: &str| out.push((key.to_string(), value.replace('\n', " ")));
    add("-buildmode", &input.buildmode);
    add("-compiler", "gc");
    if let Some(gcflags) = input.gcflags.as_deref().filter(|g| !g.is_empty()) {
        add("-gcflags", gcflags);
    }
    if let Some(ldflags) = input.ldflags.as_deref().filter(|l| !l.is_empty()) {
        if !input.trimpath {
            add("-ldflags", ldflags);
        }
    }
    // setBuildInfo: -cover after -ldflags, before -msan and -race.
    if input.cover {
        add("-cover", "true");
    }
    if input.race {
        add("-race", "true");
    }
    if !input.tags.is_empty() {
        add("-tags", &input.tags.join(","));
    }
    if input.trimpath {
        add("-trimpath", "true");
    }
    if !input.default_godebug.is_empty() {
        add("DefaultGODEBUG", &input.default_godebug);
    }
    add("CGO_ENABLED", if input.cgo_enabled { "1" } else { "0" });
    if input.cgo_enabled && !input.trimpath {
        for (key, value) in &input.cgo_env {
            add(key, value);
        }
    }
    add("GOARCH", &input.goarch);
    if let Some(x) = input.goexperiment.as_deref().filter(|x| !x.is_empty()) {
        add("GOEXPERIMENT", x);
    }
    add("GOOS", &input.goos);
    if let Some((key, value)) = &input.arch_level {
        if !key.is_empty() && !value.is_empty() {
            add(key, value);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const GO121_GODEBUG: &str = "asynctimerchan=1,containermaxprocs=0,cryptocustomrand=1,decoratemappings=0,gotestjsonbuildtext=1,gotypesalias=0,httpcookiemaxnum=0,httplaxcontentlength=1,httpmuxgo121=1,httpservecontentkeepheaders=1,multipathtcp=0,randseednop=0,rsa1024min=0,tls10server=1,tls3des=1,tlsmlkem=0,tlsrsakex=1,tlssecpmlkem=0,tlssha1=1,tlsunsafeekm=1,updatemaxprocs=0,urlmaxqueryparams=0,urlstrictcolons=0,winreadlinkvolume=0,winsymlink=0,x509keypairleaf=0,x509negativeserial=1,x509rsacrt=0,x509sha256skid=0,x509usepolicies=0";

    /// The scratch module of the cmd/go comparisons: example.com/app (go
    /// 1.21) imports example.com/lib v1.2.3, replaced by ../lib.
    fn app(settings: Vec<(String, String)>) -> BuildInfo {
        BuildInfo {
            go_version: "go1.26.8".into(),
            path: "example.com/app".into(),
            main: Some(ModuleInfo {
                path: "example.com/app".into(),
                version: "(devel)".into(),
                ..ModuleInfo::default()
            }),
            deps: vec![ModuleInfo {
                path: "example.com/lib".into(),
                version: "v1.2.3".into(),
                sum: String::new(),
                replace: Some(Box::new(ModuleInfo {
                    path: "../lib".into(),
                    version: "(devel)".into(),
                    ..ModuleInfo::default()
                })),
            }],
            settings,
        }
    }

    fn input() -> SettingsInput {
        SettingsInput {
            buildmode: "exe".into(),
            race: false,
            cover: false,
            gcflags: None,
            ldflags: None,
            tags: vec![],
            trimpath: false,
            default_godebug: GO121_GODEBUG.into(),
            cgo_enabled: false,
            cgo_env: ["CGO_CFLAGS", "CGO_CPPFLAGS", "CGO_CXXFLAGS", "CGO_LDFLAGS"]
                .map(|k| (k.to_string(), String::new())),
            goarch: "amd64".into(),
            goexperiment: None,
            goos: "linux".into(),
            arch_level: Some(("GOAMD64".into(), "v1".into())),
        }
    }

    /// Go 1.26.8, `GOCACHE=$(mktemp -d) go build -a -x -trimpath -o x .` in
    /// example.com/app: the modinfo line of the `cat >$WORK/b001/importcfg.link
    /// << 'EOF'` block, verbatim.
    #[test]
    fn modinfo_matches_go_build_trimpath() {
        let info = app(settings(&SettingsInput {
            trimpath: true,
            cgo_enabled: true,
            ldflags: Some("-s -w".into()),
            ..input()
        }));
        assert_eq!(
            modinfo_line(&info.to_text()),
            r#"modinfo "0w\xaf\f\x92t\b\x02A\xe1\xc1\a\xe6\xd6\x18\xe6path\texample.com/app\nmod\texample.com/app\t(devel)\t\ndep\texample.com/lib\tv1.2.3\n=>\t../lib\t(devel)\t\n\nbuild\t-buildmode=exe\nbuild\t-compiler=gc\nbuild\t-trimpath=true\nbuild\tDefaultGODEBUG=asynctimerchan=1,containermaxprocs=0,cryptocustomrand=1,decoratemappings=0,gotestjsonbuildtext=1,gotypesalias=0,httpcookiemaxnum=0,httplaxcontentlength=1,httpmuxgo121=1,httpservecontentkeepheaders=1,multipathtcp=0,randseednop=0,rsa1024min=0,tls10server=1,tls3des=1,tlsmlkem=0,tlsrsakex=1,tlssecpmlkem=0,tlssha1=1,tlsunsafeekm=1,updatemaxprocs=0,urlmaxqueryparams=0,urlstrictcolons=0,winreadlinkvolume=0,winsymlink=0,x509keypairleaf=0,x509negativeserial=1,x509rsacrt=0,x509sha256skid=0,x509usepolicies=0\nbuild\tCGO_ENABLED=1\nbuild\tGOARCH=amd64\nbuild\tGOOS=linux\nbuild\tGOAMD64=v1\n\xf92C1\x86\x18 r\x00\x82B\x10A\x16\xd8\xf2""#
        );
    }

    /// Go 1.26.8, as above without -trimpath: `CGO_ENABLED=0 go build -a -x
    /// -tags 'ü,x' -ldflags="-X main.v=é<U+00A0><U+0001>😀<U+200B>`q"`.
    #[test]
    fn modinfo_matches_go_build_ldflags_and_tags() {
        let info = app(settings(&SettingsInput {
            ldflags: Some("-X main.v=é\u{a0}\x01😀\u{200b}`q".into()),
            tags: vec!["ü".into(), "x".into()],
            ..input()
        }));
        assert_eq!(
            modinfo_line(&info.to_text()),
            r#"modinfo "0w\xaf\f\x92t\b\x02A\xe1\xc1\a\xe6\xd6\x18\xe6path\texample.com/app\nmod\texample.com/app\t(devel)\t\ndep\texample.com/lib\tv1.2.3\n=>\t../lib\t(devel)\t\n\nbuild\t-buildmode=exe\nbuild\t-compiler=gc\nbuild\t-ldflags=\"-X main.v=é\\u00a0\\x01😀\\u200b`q\"\nbuild\t-tags=ü,x\nbuild\tDefaultGODEBUG=asynctimerchan=1,containermaxprocs=0,cryptocustomrand=1,decoratemappings=0,gotestjsonbuildtext=1,gotypesalias=0,httpcookiemaxnum=0,httplaxcontentlength=1,httpmuxgo121=1,httpservecontentkeepheaders=1,multipathtcp=0,randseednop=0,rsa1024min=0,tls10server=1,tls3des=1,tlsmlkem=0,tlsrsakex=1,tlssecpmlkem=0,tlssha1=1,tlsunsafeekm=1,updatemaxprocs=0,urlmaxqueryparams=0,urlstrictcolons=0,winreadlinkvolume=0,winsymlink=0,x509keypairleaf=0,x509negativeserial=1,x509rsacrt=0,x509sha256skid=0,x509usepolicies=0\nbuild\tCGO_ENABLED=0\nbuild\tGOARCH=amd64\nbuild\tGOOS=linux\nbuild\tGOAMD64=v1\n\xf92C1\x86\x18 r\x00\x82B\x10A\x16\xd8\xf2""#
        );
    }

    /// Go 1.26.8, `CGO_ENABLED=0 go build -a -x -ldflags=-X=main.v=…` with
    /// format, soft hyphen, tag, private-use, unassigned, replacement, DEL and
    /// ideographic space characters: an unquoted value (no ASCII space), so
    /// only the outer %q escapes them.
    #[test]
    fn modinfo_matches_go_build_unicode() {
        let info = app(settings(&SettingsInput {
            ldflags: Some("-X=main.v=a\u{200b}b\u{ad}\u{e0001}\u{10fffd}\u{378}\u{fffd}\x7f\u{3000}ok".into()),
            ..input()
        }));
        assert_eq!(
            modinfo_line(&info.to_text()),
            r#"modinfo "0w\xaf\f\x92t\b\x02A\xe1\xc1\a\xe6\xd6\x18\xe6path\texample.com/app\nmod\texample.com/app\t(devel)\t\ndep\texample.com/lib\tv1.2.3\n=>\t../lib\t(devel)\t\n\nbuild\t-buildmode=exe\nbuild\t-compiler=gc\nbuild\t-ldflags=-X=main.v=a\u200bb\u00ad\U000e0001\U0010fffd\u0378�\x7f\u3000ok\nbuild\tDefaultGODEBUG=asynctimerchan=1,containermaxprocs=0,cryptocustomrand=1,decoratemappings=0,gotestjsonbuildtext=1,gotypesalias=0,httpcookiemaxnum=0,httplaxcontentlength=1,httpmuxgo121=1,httpservecontentkeepheaders=1,multipathtcp=0,randseednop=0,rsa1024min=0,tls10server=1,tls3des=1,tlsmlkem=0,tlsrsakex=1,tlssecpmlkem=0,tlssha1=1,tlsunsafeekm=1,updatemaxprocs=0,urlmaxqueryparams=0,urlstrictcolons=0,winreadlinkvolume=0,winsymlink=0,x509keypairleaf=0,x509negativeserial=1,x509rsacrt=0,x509sha256skid=0,x509usepolicies=0\nbuild\tCGO_ENABLED=0\nbuild\tGOARCH=amd64\nbuild\tGOOS=linux\nbuild\tGOAMD64=v1\n\xf92C1\x86\x18 r\x00\x82B\x10A\x16\xd8\xf2""#
        );
    }

    /// Go 1.26.8 `go version -m` lines of the same module built with
    /// `go build -tags 'a b'` and `CGO_CFLAGS='-O2 -g -DX="a b"'` (cgo on, no
    /// -trimpath), and with `CGO_ENABLED=0 GOAMD64=v3
    /// GOEXPERIMENT=nogreenteagc,jsonv2 go build -trimpath -tags foo -ldflags=-s`.
    #[test]
    fn settings_match_go_version_m() {
        let mut cgo_env = input().cgo_env;
        cgo_env[0].1 = "-O2 -g -DX=\"a b\"".into();
        let s = settings(&SettingsInput {
            tags: vec!["a".into(), "b".into()],
            cgo_enabled: true,
            cgo_env,
            default_godebug: String::new(),
            ..input()
        });
        let text = BuildInfo { settings: s, ..BuildInfo::default() }.to_text();
        assert_eq!(
            text,
            "build\t-buildmode=exe\nbuild\t-compiler=gc\nbuild\t-tags=a,b\nbuild\tCGO_ENABLED=1\n\
             build\tCGO_CFLAGS=\"-O2 -g -DX=\\\"a b\\\"\"\nbuild\tCGO_CPPFLAGS=\nbuild\tCGO_CXXFLAGS=\n\
             build\tCGO_LDFLAGS=\nbuild\tGOARCH=amd64\nbuild\tGOOS=linux\nbuild\tGOAMD64=v1\n"
        );
        let s = settings(&SettingsInput {
            ldflags: Some("-s".into()),
            tags: vec!["foo".into()],
            trimpath: true,
            default_godebug: String::new(),
            goexperiment: Some("nogreenteagc,jsonv2".into()),
            arch_level: Some(("GOAMD64".into(), "v3".into())),
            ..input()
        });
        let text = BuildInfo { settings: s, ..BuildInfo::default() }.to_text();
        assert_eq!(
            text,
            "build\t-buildmode=exe\nbuild\t-compiler=gc\nbuild\t-tags=foo\nbuild\t-trimpath=true\n\
             build\tCGO_ENABLED=0\nbuild\tGOARCH=amd64\nbuild\tGOEXPERIMENT=nogreenteagc,jsonv2\n\
             build\tGOOS=linux\nbuild\tGOAMD64=v3\n"
        );
    }

    #[test]
    fn settings_edge_cases() {
        let s = settings(&SettingsInput {
            buildmode: "c-archive".into(),
            gcflags: Some("all=-N -l".into()),
            ldflags: Some("-X 'main.v=a\nb'".into()),
            cover: true,
            race: true,
            default_godebug: String::new(),
            goexperiment: Some(String::new()),
            arch_level: Some(("GOAMD64".into(), String::new())),
            ..input()
        });
        let pairs: Vec<String> = s.iter().map(|(k, v)| format!("{k}={v}")).collect();
        // A newline in a value becomes a space (appendBuildSetting); empty
        // GOEXPERIMENT and arch level values are left out.
        assert_eq!(
            pairs,
            [
                "-buildmode=c-archive",
                "-compiler=gc",
                "-gcflags=all=-N -l",
                "-ldflags=-X 'main.v=a b'",
                "-cover=true",
                "-race=true",
                "CGO_ENABLED=0",
                "GOARCH=amd64",
                "GOOS=linux"
            ]
        );
    }

    #[test]
    fn text_quoting_and_lines() {
        let info = BuildInfo {
            path: "p".into(),
            main: Some(ModuleInfo::default()),
            deps: vec![ModuleInfo { path: "a".into(), version: "v1.0.0".into(), sum: "h1:x=".into(), replace: None }],
            settings: vec![
                ("-tags".into(), "a b".into()),
                ("k=x".into(), "v".into()),
                (String::new(), "e".into()),
                ("k`".into(), "v=\"".into()),
                ("vcs.modified".into(), "é\u{a0}".into()),
                ("v".into(), "a\rb".into()),
            ],
            ..BuildInfo::default()
        };
        // An all-empty main module prints no mod line, like Go's zero Module.
        assert_eq!(
            info.to_text(),
            "path\tp\ndep\ta\tv1.0.0\th1:x=\nbuild\t-tags=\"a b\"\nbuild\t\"k=x\"=v\nbuild\t\"\"=e\n\
             build\t\"k`\"=\"v=\\\"\"\nbuild\tvcs.modified=é\u{a0}\nbuild\tv=\"a\\rb\"\n"
        );
    }
}
