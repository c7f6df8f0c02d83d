//! The module-download side of cmd/go, offline: what it takes to use modules
//! already on disk (module cache trees and zips, `vendor/`) and to verify them
//! against go.sum, without the `go` command.
//!
//! - `module`: `golang.org/x/mod/module` path checks and case-escaping
//!   (`github.com/BurntSushi/toml` → `github.com/!burnt!sushi/toml`).
//! - `semver`: Go's module semver and `gover` comparisons.
//! - `gosum`: go.sum / go.work.sum.
//! - `dirhash`: the go.sum `h1:` hashes of trees, zips and go.mod files.
//! - `unzip`: module zip extraction with x/mod/zip's checks, atomically.
//! - `dirstate`: a stat-only fingerprint of a tree, to cache verification verdicts.
//! - `vendor`: `vendor/modules.txt` and cmd/go's vendor consistency check.
//!
//! Conformance: hashes are checked against values from the real
//! `golang.org/x/mod` in the unit tests; messages copy cmd/go's wording.

mod dirhash;
mod dirstate;
mod gosum;
mod module;
pub(crate) mod semver;
mod unzip;
mod vendor;
mod zipfile;

#[cfg(test)]
pub(crate) mod testutil;

// The crate's API for the module loader (modload.rs).
pub(crate) use dirhash::{hash_dir, hash_go_mod, hash_zip};
pub(crate) use dirstate::dir_state;
pub(crate) use gosum::GoSum;
pub(crate) use module::{
    check, escape_path, escape_version, import_path_problem, path_major_problem, split_path_version,
};
pub(crate) use semver::{canonical_module_version, compare as semver_compare, is_valid as semver_is_valid};
#[cfg(any(test, feature = "fuzzing"))]
pub(crate) use unzip::check_zip_bytes;
pub(crate) use unzip::extract_zip;
pub(crate) use vendor::{check_vendor_consistency, VendorList};
