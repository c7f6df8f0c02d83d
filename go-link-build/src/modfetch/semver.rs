//! `golang.org/x/mod/semver` (module versions: `v1.2.3-pre+build`, with the
//! `v1`/`v1.2` shorthands) and `internal/gover` (Go versions: `1.21rc1`), the
//! parts module loading needs. Go's rules, not the `semver` crate's: Go's
//! semver requires the leading `v`, accepts shorthands and compares
//! prereleases its own way.

use std::cmp::Ordering;

use crate::goport::{compare_int, parse_int};

#[derive(Default)]
struct Parsed<'a> {
    major: &'a str,
    minor: &'a str,
    patch: &'a str,
    short: &'static str,
    prerelease: &'a str,
    build: &'a str,
}

/// `semver.IsValid`.
pub(crate) fn is_valid(v: &str) -> bool {
    parse(v).is_some()
}

/// `semver.Canonical`: `v1.2` → `v1.2.0`, `v1.2.3+build` → `v1.2.3`; "" if invalid.
pub(crate) fn canonical(v: &str) -> String {
    match parse(v) {
        None => String::new(),
        Some(p) if !p.build.is_empty() => v[..v.len() - p.build.len()].to_string(),
        Some(p) => format!("{v}{}", p.short),
    }
}

/// `semver.Major`: `v1.2.3` → `v1`; "" if invalid.
pub(crate) fn major(v: &str) -> &str {
    match parse(v) {
        Some(p) => &v[..1 + p.major.len()],
        None => "",
    }
}

/// `semver.Build`: `v1.2.3+incompatible` → `+incompatible`.
pub(crate) fn build(v: &str) -> &str {
    parse(v).map(|p| p.build).unwrap_or("")
}

/// `semver.Compare`: invalid versions sort before valid ones and equal each other.
pub(crate) fn compare(v: &str, w: &str) -> Ordering {
    let (pv, pw) = match (parse(v), parse(w)) {
        (None, None) => return Ordering::Equal,
        (None, Some(_)) => return Ordering::Less,
        (Some(_), None) => return Ordering::Greater,
        (Some(a), Some(b)) => (a, b),
    };
    compare_int(pv.major, pw.major)
        .then_with(|| compare_int(pv.minor, pw.minor))
        .then_with(|| compare_int(pv.patch, pw.patch))
        .then_with(|| compare_prerelease(pv.prerelease, pw.prerelease))
}

/// `module.CanonicalVersion`: `semver.Canonical`, keeping a `+incompatible` build suffix.
pub(crate) fn canonical_module_version(v: &str) -> String {
    let mut c = canonical(v);
    if build(v) == "+incompatible" {
        c.push_str("+incompatible");
    }
    c
}

fn parse(v: &str) -> Option<Parsed<'_>> {
    let mut p = Parsed::default();
    let v = v.strip_prefix('v')?;
    let (major, v) = parse_int(v)?;
    p.major = major;
    if v.is_empty() {
        p.minor = "0";
        p.patch = "0";
        p.short = ".0.0";
        return Some(p);
    }
    let (minor, v) = parse_int(v.strip_prefix('.')?)?;
    p.minor = minor;
    if v.is_empty() {
        p.patch = "0";
        p.short = ".0";
        return Some(p);
    }
    let (patch, mut v) = parse_int(v.strip_prefix('.')?)?;
    p.patch = patch;
    if v.starts_with('-') {
        let (pre, rest) = parse_prerelease(v)?;
        p.prerelease = pre;
        v = rest;
    }
    if v.starts_with('+') {
        let (b, rest) = parse_build(v)?;
        p.build = b;
        v = rest;
    }
    if !v.is_empty() {
        return None;
    }
    Some(p)
}

fn is_ident_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'-'
}

fn is_bad_num(v: &str) -> bool {
    v.len() > 1 && v.bytes().all(|c| c.is_ascii_digit()) && v.starts_with('0')
}

fn is_num(v: &str) -> bool {
    v.bytes().all(|c| c.is_ascii_digit())
}

fn parse_prerelease(v: &str) -> Option<(&str, &str)> {
    let b = v.as_bytes();
    if b.first() != Some(&b'-') {
        return None;
    }
    let (mut i, mut start) = (1, 1);
    while i < b.len() && b[i] != b'+' {
        if !is_ident_char(b[i]) && b[i] != b'.' {
            return None;
        }
        if b[i] == b'.' {
            if start == i || is_bad_num(&v[start..i]) {
                return None;
            }
            start = i + 1;
        }
        i += 1;
    }
    if start == i || is_bad_num(&v[start..i]) {
        return None;
    }
    Some((&v[..i], &v[i..]))
}

fn parse_build(v: &str) -> Option<(&str, &str)> {
    let b = v.as_bytes();
    if b.first() != Some(&b'+') {
        return None;
    }
    let (mut i, mut start) = (1, 1);
    while i < b.len() {
        if !is_ident_char(b[i]) && b[i] != b'.' {
            return None;
        }
        if b[i] == b'.' {
            if start == i {
                return None;
            }
            start = i + 1;
        }
        i += 1;
    }
    if start == i {
        return None;
    }
    Some((&v[..i], &v[i..]))
}

/// Decimal strings without leading zeros: shorter is smaller.
fn compare_prerelease(x: &str, y: &str) -> Ordering {
    if x == y {
        return Ordering::Equal;
    }
    if x.is_empty() {
        return Ordering::Greater;
    }
    if y.is_empty() {
        return Ordering::Less;
    }
    // Both start with '-' and are split on '.'.
    let mut xs = x[1..].split('.');
    let mut ys = y[1..].split('.');
    loop {
        match (xs.next(), ys.next()) {
            (Some(dx), Some(dy)) => {
                if dx != dy {
                    let (ix, iy) = (is_num(dx), is_num(dy));
                    if ix != iy {
                        return if ix { Ordering::Less } else { Ordering::Greater };
                    }
                    if ix {
                        return compare_int(dx, dy);
                    }
                    return dx.cmp(dy);
                }
            }
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cmp::Ordering::*;

    #[test]
    fn semver_like_x_mod() {
        for v in ["v1", "v1.2", "v1.2.3", "v1.2.3-pre.1", "v1.2.3+meta", "v0.0.0-20200101000000-abcdef123456"] {
            assert!(is_valid(v), "{v}");
        }
        for v in ["", "1.2.3", "v01.2.3", "v1.2-pre", "v1.2.3-", "v1.2.3-01", "v1.2.3+", "v1.2.3.4", "V1.2.3"] {
            assert!(!is_valid(v), "{v}");
        }
        assert_eq!(canonical("v1.2"), "v1.2.0");
        assert_eq!(canonical("v1"), "v1.0.0");
        assert_eq!(canonical("v1.2.3+build"), "v1.2.3");
        assert_eq!(canonical_module_version("v2.0.0+incompatible"), "v2.0.0+incompatible");
        assert_eq!(major("v2.3.4"), "v2");
        assert_eq!(compare("v1.2.3", "v1.10.0"), Less);
        assert_eq!(compare("v1.2.3-pre", "v1.2.3"), Less);
        assert_eq!(compare("v1.2.3-alpha.2", "v1.2.3-alpha.10"), Less);
        assert_eq!(compare("v1.2.3-alpha.beta", "v1.2.3-alpha.1"), Greater);
        assert_eq!(compare("v1.2.3-alpha", "v1.2.3-alpha.1"), Less);
        assert_eq!(compare("bad", "v0.0.1"), Less);
        assert_eq!(compare("v1.2.3+a", "v1.2.3+b"), Equal);
    }
}
