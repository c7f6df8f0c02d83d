//! Build information: the text `go version -m` and `debug.ReadBuildInfo`
//! show, and the `modinfo` line of `importcfg.link` that carries it.
//!
//! The text is `runtime/debug.BuildInfo.String()` without the `go` line (the
//! linker records the Go version itself), exactly as cmd/go's
//! `load.setBuildInfo` produces it; the settings come in cmd/go's order.
//!
//! Architecture invariant: no IO.

/// The build information of one program.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct BuildInfo {
    /// The toolchain version; not part of the embedded text (link adds it).
    #[allow(dead_code)]
    pub go_version: String,
    /// The main package's import path.
    pub path: String,
    pub main: Option<ModuleInfo>,
    pub deps: Vec<ModuleInfo>,
    pub settings: Vec<(String, String)>,
}

/// A module line (`mod`, `dep`, or `=>`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct ModuleInfo {
    pub path: String,
    pub version: String,
    pub sum: String,
    pub replace: Option<Box<ModuleInfo>>,
}

impl BuildInfo {
    /// `BuildInfo.String()` minus the `go` line.
    pub(crate) fn to_text(&self) -> String {
        let mut s = String::new();
        if !self.path.is_empty() {
            s.push_str(&format!("path\t{}\n", self.path));
        }
        fn module(s: &mut String, word: &str, m: &ModuleInfo) {
            s.push_str(&format!("{word}\t{}\t{}", m.path, m.version));
            match &m.replace {
                None => s.push_str(&format!("\t{}", m.sum)),
                Some(r) => {
                    s.push('\n');
                    module(s, "=>", r);
                }
            }
            s.push('\n');
        }
        if let Some(m) = &self.main {
            module(&mut s, "mod", m);
        }
        for d in &self.deps {
            module(&mut s, "dep", d);
        }
        for (k, v) in &self.settings {
            let key = if k.is_empty() || k.contains(['=', ' ', '\t', '\r', '\n', '"', '`']) {
                go_quote(k.as_bytes())
            } else {
                k.clone()
            };
            let value = if v.contains([' ', '\t', '\r', '\n', '"', '`']) { go_quote(v.as_bytes()) } else { v.clone() };
            s.push_str(&format!("build\t{key}={value}\n"));
        }
        s
    }
}

/// The markers around build info in the binary (`cmd/go/internal/modload.ModInfoData`).
const INFO_START: [u8; 16] =
    [0x30, 0x77, 0xaf, 0x0c, 0x92, 0x74, 0x08, 0x02, 0x41, 0xe1, 0xc1, 0x07, 0xe6, 0xd6, 0x18, 0xe6];
const INFO_END: [u8; 16] =
    [0xf9, 0x32, 0x43, 0x31, 0x86, 0x18, 0x20, 0x72, 0x00, 0x82, 0x42, 0x10, 0x41, 0x16, 0xd8, 0xf2];

/// The `modinfo "…"` importcfg.link directive for a build-info text.
pub(crate) fn modinfo_line(text: &str) -> String {
    let mut data = INFO_START.to_vec();
    data.extend_from_slice(text.as_bytes());
    data.extend_from_slice(&INFO_END);
    format!("modinfo {}", go_quote(&data))
}

/// Go's `strconv.Quote` of a byte string (invalid UTF-8 bytes as `\xNN`).
///
/// Printability of non-ASCII characters approximates `unicode.IsPrint`
/// (controls and non-space whitespace are escaped); build info is ASCII in
/// practice, since module paths and settings are.
pub(crate) fn go_quote(bytes: &[u8]) -> String {
    let mut out = String::from("\"");
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let width = match b {
            0x00..=0x7f => 1,
            0xc2..=0xdf => 2,
            0xe0..=0xef => 3,
            0xf0..=0xf4 => 4,
            _ => 0,
        };
        let ch = if width > 1 && i + width <= bytes.len() {
            std::str::from_utf8(&bytes[i..i + width]).ok().and_then(|s| s.chars().next())
        } else if width == 1 {
            Some(b as char)
        } else {
            None
        };
        match ch {
            None => {
                out.push_str(&format!("\\x{b:02x}"));
                i += 1;
            }
            Some(c) => {
                match c {
                    '\x07' => out.push_str("\\a"),
                    '\x08' => out.push_str("\\b"),
                    '\x0c' => out.push_str("\\f"),
                    '\n' => out.push_str("\\n"),
                    '\r' => out.push_str("\\r"),
                    '\t' => out.push_str("\\t"),
                    '\x0b' => out.push_str("\\v"),
                    '\\' => out.push_str("\\\\"),
                    '"' => out.push_str("\\\""),
                    c if (c as u32) < 0x20 || c as u32 == 0x7f => out.push_str(&format!("\\x{:02x}", c as u32)),
                    c if c.is_ascii() => out.push(c),
                    c if c.is_control() || (c.is_whitespace() && c != ' ') => {
                        if (c as u32) < 0x10000 {
                            out.push_str(&format!("\\u{:04x}", c as u32));
                        } else {
                            out.push_str(&format!("\\U{:08x}", c as u32));
                        }
                    }
                    c => out.push(c),
                }
                i += c.len_utf8();
            }
        }
    }
    out.push('"');
    out
}

/// The facts the build settings are made of.
pub(crate) struct SettingsInput {
    pub buildmode: String,
    /// The user's `-ldflags`, recorded only without `-trimpath`.
    pub ldflags: Option<String>,
    pub tags: Vec<String>,
    pub trimpath: bool,
    pub default_godebug: String,
    pub cgo_enabled: bool,
    /// `CGO_CFLAGS`, `CGO_CPPFLAGS`, `CGO_CXXFLAGS`, `CGO_LDFLAGS` values.
    pub cgo_env: [(String, String); 4],
    pub goarch: String,
    /// The raw `GOEXPERIMENT` the user set, if any.
    pub goexperiment: Option<String>,
    pub goos: String,
    pub arch_level: Option<(String, String)>,
}

/// Build settings in cmd/go's order (`load.setBuildInfo`).
pub(crate) fn settings(input: &SettingsInput) -> Vec<(String, String)> {
    let mut s: Vec<(String, String)> = Vec::new();
    let mut add = |k: &str, v: &str| s.push((k.to_string(), v.to_string()));
    add("-buildmode", &input.buildmode);
    add("-compiler", "gc");
    if let Some(ld) = input.ldflags.as_deref().filter(|l| !l.is_empty()) {
        if !input.trimpath {
            add("-ldflags", ld);
        }
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
        for (k, v) in &input.cgo_env {
            add(k, v);
        }
    }
    add("GOARCH", &input.goarch);
    if let Some(x) = input.goexperiment.as_deref().filter(|x| !x.is_empty()) {
        add("GOEXPERIMENT", x);
    }
    add("GOOS", &input.goos);
    if let Some((k, v)) = &input.arch_level {
        if !v.is_empty() {
            add(k, v);
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_modinfo_match_cmd_go() {
        // From `go build -a -x -trimpath` of a `go 1.21` hello module with Go 1.26.8
        // (DefaultGODEBUG shortened to one setting; the framing is what matters).
        let info = BuildInfo {
            go_version: "go1.26.8".into(),
            path: "example.com/hello".into(),
            main: Some(ModuleInfo {
                path: "example.com/hello".into(),
                version: "(devel)".into(),
                ..Default::default()
            }),
            deps: vec![],
            settings: settings(&SettingsInput {
                buildmode: "exe".into(),
                ldflags: Some("-X main.v=1".into()),
                tags: vec![],
                trimpath: true,
                default_godebug: "panicnil=1".into(),
                cgo_enabled: true,
                cgo_env: Default::default(),
                goarch: "amd64".into(),
                goexperiment: None,
                goos: "linux".into(),
                arch_level: Some(("GOAMD64".into(), "v1".into())),
            }),
        };
        let text = info.to_text();
        assert_eq!(
            text,
            "path\texample.com/hello\nmod\texample.com/hello\t(devel)\t\nbuild\t-buildmode=exe\nbuild\t-compiler=gc\nbuild\t-trimpath=true\nbuild\tDefaultGODEBUG=panicnil=1\nbuild\tCGO_ENABLED=1\nbuild\tGOARCH=amd64\nbuild\tGOOS=linux\nbuild\tGOAMD64=v1\n"
        );
        let line = modinfo_line(&text);
        assert!(line.starts_with("modinfo \"0w\\xaf\\f\\x92t\\b\\x02A\\xe1\\xc1\\a\\xe6\\xd6\\x18\\xe6path\\texample.com/hello\\nmod\\texample.com/hello\\t(devel)\\t\\nbuild\\t-buildmode=exe\\n"), "{line}");
        assert!(
            line.ends_with("build\\tGOAMD64=v1\\n\\xf92C1\\x86\\x18 r\\x00\\x82B\\x10A\\x16\\xd8\\xf2\""),
            "{line}"
        );
    }

    #[test]
    fn replaced_deps_and_quoting() {
        let info = BuildInfo {
            path: "p".into(),
            deps: vec![ModuleInfo {
                path: "example.com/Lib".into(),
                version: "v1.0.0".into(),
                sum: String::new(),
                replace: Some(Box::new(ModuleInfo {
                    path: "../lib".into(),
                    version: "(devel)".into(),
                    ..Default::default()
                })),
            }],
            settings: vec![("-tags".into(), "a b".into()), ("k=x".into(), "v".into())],
            ..Default::default()
        };
        // Go's formatMod ends both the dep and its replacement with a newline,
        // so a replaced dep is followed by an empty line; we do the same.
        assert_eq!(
            info.to_text(),
            "path\tp\ndep\texample.com/Lib\tv1.0.0\n=>\t../lib\t(devel)\t\n\nbuild\t-tags=\"a b\"\nbuild\t\"k=x\"=v\n"
        );
    }

    #[test]
    fn quote_like_go() {
        assert_eq!(go_quote(b"a\"b\\c\x7f\x01\n"), "\"a\\\"b\\\\c\\x7f\\x01\\n\"");
        assert_eq!(go_quote("é\u{a0}".as_bytes()), "\"é\\u00a0\"");
        assert_eq!(go_quote(&[0xe6, b'p']), "\"\\xe6p\"");
    }
}
