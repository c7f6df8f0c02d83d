//! go.sum and go.work.sum (cmd/go/internal/modfetch `readGoSum`).
//!
//! Lines are `<path> <version> <hash>` and `<path> <version>/go.mod <hash>`.
//! Like cmd/go, a line is only checked for having three fields, every hash
//! is kept (also several for one module), the old bogus empty-go.mod hash is
//! dropped, and only `h1:` hashes are used for verification: hashes of
//! unknown kinds are kept but never match nor conflict.

use std::collections::HashMap;

use crate::error::{Error, ErrorKind, Result};

/// The hash of a 1-file tree holding an empty go.mod: an old cmd/go bug wrote
/// it for non-modules, and cmd/go drops such lines when reading.
const EMPTY_GO_MOD_HASH: &str = "h1:G7mAYYxgmS0lVkHyy2hEOLQCFB0DlQFTMLWggykrydY=";

/// The recorded hashes of a go.sum (or several merged).
#[derive(Debug, Default, Clone)]
pub(crate) struct GoSum {
    /// "<path> <version>" or "<path> <version>/go.mod" → hashes in file order.
    sums: HashMap<String, Vec<String>>,
}

fn key(path: &str, version: &str) -> String {
    format!("{path} {version}")
}

impl GoSum {
    /// Parses go.sum text; `file` names it in errors. A line without exactly
    /// three fields is an error naming `file:line`, as in cmd/go.
    pub(crate) fn parse(text: &str, file: &str) -> Result<GoSum> {
        let mut sum = GoSum::default();
        for (i, line) in text.split('\n').enumerate() {
            let f: Vec<&str> = line.split_whitespace().collect();
            if f.is_empty() {
                continue;
            }
            if f.len() != 3 {
                return Err(Error::new(
                    ErrorKind::Load,
                    format!(
                        "malformed go.sum:\n{file}:{}: wrong number of fields {}\n\tEach line must be \
                         `<module> <version>[/go.mod] <hash>`; fix or delete the line and run `go mod tidy` \
                         to restore it.",
                        i + 1,
                        f.len()
                    ),
                ));
            }
            if f[2] == EMPTY_GO_MOD_HASH {
                continue;
            }
            sum.add(key(f[0], f[1]), f[2].to_string());
        }
        Ok(sum)
    }

    fn add(&mut self, k: String, hash: String) {
        let v = self.sums.entry(k).or_default();
        if !v.contains(&hash) {
            v.push(hash);
        }
    }

    /// Adds every hash of `other` (go.work.sum into go.sum, for a workspace).
    pub(crate) fn merge(&mut self, other: GoSum) {
        for (k, hashes) in other.sums {
            for h in hashes {
                self.add(k.clone(), h);
            }
        }
    }

    fn h1(&self, k: &str) -> Vec<&str> {
        self.sums
            .get(k)
            .map(|v| v.iter().map(String::as_str).filter(|h| h.starts_with("h1:")).collect())
            .unwrap_or_default()
    }

    /// The `h1:` hashes recorded for the module's file tree (zip), all of them.
    pub(crate) fn zip_hashes(&self, path: &str, version: &str) -> Vec<&str> {
        self.h1(&key(path, version))
    }

    /// The `h1:` hashes recorded for the module's go.mod (`<version>/go.mod` lines).
    pub(crate) fn mod_hashes(&self, path: &str, version: &str) -> Vec<&str> {
        self.h1(&key(path, &format!("{version}/go.mod")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SUM: &str = "\
golang.org/x/mod v0.43.0 h1:MFuq5J6s35W9D3IjkwyWc9vHh0nENOrt5K8Iof4ofmg=
golang.org/x/mod v0.43.0/go.mod h1:4ec1JnuyBz5+FIVhg86UsA39YG8BpnrZdJYSNHmGzHY=

example.com/two v1.0.0 h1:AAAA
example.com/two v1.0.0 h1:BBBB
example.com/two v1.0.0 h2:future-kind\r
example.com/old v1.0.0/go.mod h1:G7mAYYxgmS0lVkHyy2hEOLQCFB0DlQFTMLWggykrydY=
  example.com/spaced   v1.0.0\th1:CCCC   \r
";

    #[test]
    fn parses_like_cmd_go() {
        let s = GoSum::parse(SUM, "go.sum").unwrap();
        assert_eq!(
            s.zip_hashes("golang.org/x/mod", "v0.43.0"),
            vec!["h1:MFuq5J6s35W9D3IjkwyWc9vHh0nENOrt5K8Iof4ofmg="]
        );
        assert_eq!(
            s.mod_hashes("golang.org/x/mod", "v0.43.0"),
            vec!["h1:4ec1JnuyBz5+FIVhg86UsA39YG8BpnrZdJYSNHmGzHY="]
        );
        assert_eq!(s.zip_hashes("example.com/two", "v1.0.0"), vec!["h1:AAAA", "h1:BBBB"]);
        assert!(s.mod_hashes("example.com/two", "v1.0.0").is_empty());
        // The bogus empty-go.mod hash is dropped.
        assert!(s.mod_hashes("example.com/old", "v1.0.0").is_empty());
        assert_eq!(s.zip_hashes("example.com/spaced", "v1.0.0"), vec!["h1:CCCC"]);
        assert!(s.zip_hashes("example.com/missing", "v1.0.0").is_empty());
    }

    #[test]
    fn bad_lines_name_file_and_line() {
        let e = GoSum::parse("a v1 h1:x\nexample.com/x v1.0.0\n", "/m/go.sum").unwrap_err().to_string();
        assert!(e.starts_with("malformed go.sum:\n/m/go.sum:2: wrong number of fields 2\n"), "{e}");
        let e = GoSum::parse("\n\na b c d\n", "go.work.sum").unwrap_err().to_string();
        assert!(e.contains("go.work.sum:3: wrong number of fields 4"), "{e}");
        assert!(GoSum::parse("", "go.sum").unwrap().sums.is_empty());
    }

    #[test]
    fn merge() {
        let mut s = GoSum::parse("example.com/a v1.0.0 h1:AAAA\n", "go.sum").unwrap();
        s.merge(
            GoSum::parse("example.com/a v1.0.0 h1:AAAA\nexample.com/b v1.0.0/go.mod h1:BBBB\n", "go.work.sum").unwrap(),
        );
        assert_eq!(s.zip_hashes("example.com/a", "v1.0.0"), vec!["h1:AAAA"]);
        assert_eq!(s.mod_hashes("example.com/b", "v1.0.0"), vec!["h1:BBBB"]);
    }
}
