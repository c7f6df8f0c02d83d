//! DefaultGODEBUG, computed like cmd/go (`cmd/go/internal/load/godebug.go`).
//!
//! A program built by `go build` carries `-X=runtime.godebugDefault=…`: the
//! GODEBUG settings that keep the behaviour of the Go version its main module
//! declares, overlaid with `godebug` lines of go.mod/go.work and `//go:debug`
//! directives of the main package. Leaving it out silently changes program
//! behaviour (HTTP mux patterns, TLS defaults, `panic(nil)`, …), so we compute
//! it from the toolchain's own table, `$GOROOT/src/internal/godebugs/table.go`.
//!
//! Architecture invariant: no IO; the caller reads the table file.

use std::collections::BTreeMap;

use crate::error::{Error, ErrorKind, Result};

/// One entry of `internal/godebugs.All`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct GodebugInfo {
    pub name: String,
    pub package: String,
    /// Minor version whose default changed (21 for Go 1.21), 0 if never.
    pub changed: u32,
    /// The value that restores the behaviour before `changed`.
    pub old: String,
    pub opaque: bool,
    pub immutable: bool,
}

/// Parses the `All` table of `table.go`. Handles any field order, trailing
/// comments and commented-out entries, as found in Go 1.21 through 1.27.
pub(crate) fn parse_table(text: &str) -> Result<Vec<GodebugInfo>> {
    let start = text.find("var All = []Info{").ok_or_else(|| {
        Error::new(
            ErrorKind::Toolchain,
            "internal/godebugs/table.go has no `var All = []Info{` table; is this a Go 1.21+ GOROOT?",
        )
    })?;
    let mut out = Vec::new();
    for line in text[start..].lines().skip(1) {
        let line = line.trim();
        if line.starts_with('}') {
            break;
        }
        let Some(body) = line.strip_prefix('{') else {
            continue;
        };
        let body = match body.find('}') {
            Some(end) => &body[..end],
            None => continue,
        };
        let mut info = GodebugInfo::default();
        for field in split_fields(body) {
            let Some((key, value)) = field.split_once(':') else {
                continue;
            };
            let value = value.trim();
            let unquoted = value.trim_matches('"').to_string();
            match key.trim() {
                "Name" => info.name = unquoted,
                "Package" => info.package = unquoted,
                "Changed" => info.changed = value.parse().unwrap_or(0),
                "Old" => info.old = unquoted,
                "Opaque" => info.opaque = value == "true",
                "Immutable" => info.immutable = value == "true",
                _ => {}
            }
        }
        if !info.name.is_empty() {
            out.push(info);
        }
    }
    if out.is_empty() {
        return Err(Error::new(
            ErrorKind::Toolchain,
            "internal/godebugs/table.go: the All table is empty or unreadable",
        ));
    }
    Ok(out)
}

/// Splits `Name: "a", Changed: 21, Old: "x,y"` at commas outside quotes.
fn split_fields(body: &str) -> Vec<&str> {
    let mut fields = Vec::new();
    let (mut start, mut in_quote) = (0, false);
    for (i, c) in body.char_indices() {
        match c {
            '"' => in_quote = !in_quote,
            ',' if !in_quote => {
                fields.push(&body[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    fields.push(&body[start..]);
    fields
}

/// Checks one `key=value` setting like `modload.CheckGodebug`.
pub(crate) fn check_setting(
    table: &[GodebugInfo],
    key: &str,
    value: &str,
    toolchain_minor: u32,
) -> std::result::Result<(), String> {
    if key.contains([' ', '\t']) {
        return Err("key contains space".into());
    }
    if value.contains([' ', '\t']) {
        return Err("value contains space".into());
    }
    if key.contains(',') {
        return Err("key contains comma".into());
    }
    if value.contains(',') {
        return Err("value contains comma".into());
    }
    if key == "default" {
        let minor = value.strip_prefix("go").and_then(crate::gomod::go_minor);
        return match minor {
            None => Err("value for default= must be goVERSION".into()),
            Some(m) if m > toolchain_minor => {
                Err(format!("default={value} too new (toolchain is go1.{toolchain_minor})"))
            }
            Some(_) => Ok(()),
        };
    }
    if table.iter().any(|i| i.name == key) {
        return Ok(());
    }
    Err(format!("unknown //go:debug setting {key:?}"))
}

/// The DefaultGODEBUG string for a main package.
///
/// `go_version` is the main module's go line (in workspace mode, go.work's);
/// `None` means go.mod has no go line, which cmd/go reads as 1.16.
/// `directives` are go.mod/go.work `godebug` settings followed by the main
/// package's `//go:debug` lines, in order; later ones win.
pub(crate) fn default_godebug(
    table: &[GodebugInfo],
    go_version: Option<&str>,
    directives: &[(String, String)],
    toolchain_minor: u32,
) -> Result<String> {
    let mut base = go_version.unwrap_or("1.16").to_string();
    let mut explicit: BTreeMap<String, String> = BTreeMap::new();
    for (k, v) in directives {
        check_setting(table, k, v, toolchain_minor)
            .map_err(|e| Error::new(ErrorKind::Load, format!("invalid godebug setting {k}={v}: {e}")))?;
        explicit.insert(k.clone(), v.clone());
    }
    if let Some(v) = explicit.remove("default") {
        base = v.trim_start_matches("go").to_string();
    }
    let mut settings: BTreeMap<String, String> = BTreeMap::new();
    if let Some(minor) = crate::gomod::go_minor(&base) {
        for info in table {
            if minor < info.changed {
                settings.insert(info.name.clone(), info.old.clone());
            }
        }
    }
    settings.extend(explicit);
    Ok(settings.into_iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(","))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"
var All = []Info{
	{Name: "asynctimerchan", Package: "time", Changed: 23, Old: "1"},
	{Name: "execerrdot", Package: "os/exec"},
	//{Name: "multipartfiles", Package: "mime/multipart"},
	{Name: "jstmpllitinterp", Package: "html/template", Opaque: true}, // bug #66217: remove Opaque
	{Name: "panicnil", Package: "runtime", Changed: 21, Old: "1"},
	{Name: "tlsmlkem", Package: "crypto/tls", Changed: 24, Old: "0", Opaque: true},
}

type setting struct {
"#;

    fn table() -> Vec<GodebugInfo> {
        parse_table(SAMPLE).unwrap()
    }

    #[test]
    fn parses_the_table() {
        let t = table();
        assert_eq!(t.len(), 5);
        assert_eq!(
            t[0],
            GodebugInfo {
                name: "asynctimerchan".into(),
                package: "time".into(),
                changed: 23,
                old: "1".into(),
                opaque: false,
                immutable: false
            }
        );
        assert!(t[2].opaque);
        assert!(t[4].opaque && t[4].changed == 24);
    }

    #[test]
    fn version_defaults_and_overrides() {
        let t = table();
        assert_eq!(default_godebug(&t, Some("1.20"), &[], 26).unwrap(), "asynctimerchan=1,panicnil=1,tlsmlkem=0");
        assert_eq!(default_godebug(&t, Some("1.22.3"), &[], 26).unwrap(), "asynctimerchan=1,tlsmlkem=0");
        assert_eq!(default_godebug(&t, Some("1.24"), &[], 26).unwrap(), "");
        // No go line means 1.16.
        assert_eq!(default_godebug(&t, None, &[], 26).unwrap(), "asynctimerchan=1,panicnil=1,tlsmlkem=0");
        let d = vec![("panicnil".to_string(), "1".to_string()), ("tlsmlkem".to_string(), "1".to_string())];
        assert_eq!(default_godebug(&t, Some("1.24"), &d, 26).unwrap(), "panicnil=1,tlsmlkem=1");
        let d = vec![("default".to_string(), "go1.22".to_string())];
        assert_eq!(default_godebug(&t, Some("1.26"), &d, 26).unwrap(), "asynctimerchan=1,tlsmlkem=0");
    }

    #[test]
    fn bad_settings_are_errors() {
        let t = table();
        for (k, v, want) in [
            ("nosuch", "1", "unknown //go:debug setting"),
            ("panicnil", "1,2", "value contains comma"),
            ("default", "1.21", "must be goVERSION"),
            ("default", "go1.99", "too new"),
        ] {
            let err = default_godebug(&t, Some("1.21"), &[(k.into(), v.into())], 26).unwrap_err().to_string();
            assert!(err.contains(want), "{k}={v}: {err}");
        }
    }

    /// The real table of the installed Go, against what `go build` of a
    /// `go 1.21` module embedded with Go 1.26.8 on this machine.
    #[test]
    fn matches_go_1_26_for_go_1_21_module() {
        let Ok(text) = std::fs::read_to_string("/usr/local/go/src/internal/godebugs/table.go") else {
            return;
        };
        let Ok(version) = std::fs::read_to_string("/usr/local/go/VERSION") else {
            return;
        };
        if !version.starts_with("go1.26.") {
            return;
        }
        let t = parse_table(&text).unwrap();
        assert_eq!(
            default_godebug(&t, Some("1.21"), &[], 26).unwrap(),
            "asynctimerchan=1,containermaxprocs=0,cryptocustomrand=1,decoratemappings=0,gotestjsonbuildtext=1,gotypesalias=0,httpcookiemaxnum=0,httplaxcontentlength=1,httpmuxgo121=1,httpservecontentkeepheaders=1,multipathtcp=0,randseednop=0,rsa1024min=0,tls10server=1,tls3des=1,tlsmlkem=0,tlsrsakex=1,tlssecpmlkem=0,tlssha1=1,tlsunsafeekm=1,updatemaxprocs=0,urlmaxqueryparams=0,urlstrictcolons=0,winreadlinkvolume=0,winsymlink=0,x509keypairleaf=0,x509negativeserial=1,x509rsacrt=0,x509sha256skid=0,x509usepolicies=0"
        );
    }
}
