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
#![allow(dead_code)] // Wired into the package loader separately.

mod dirhash;
mod dirstate;
mod gosum;
mod module;
mod semver;
mod unzip;
mod vendor;
mod zipfile;

#[cfg(test)]
mod testutil;

// The crate's API for the package loader (unused until it is wired in).
#[allow(unused_imports)]
pub(crate) use dirhash::{hash_dir, hash_go_mod, hash_zip};
#[allow(unused_imports)]
pub(crate) use dirstate::dir_state;
#[allow(unused_imports)]
pub(crate) use gosum::GoSum;
#[allow(unused_imports)]
pub(crate) use module::{check, check_import_path, check_path, escape_path, escape_version};
#[allow(unused_imports)]
pub(crate) use semver::{compare as semver_compare, gover_compare, is_valid as semver_is_valid};
#[allow(unused_imports)]
pub(crate) use unzip::{extract_zip, remove_tree};
#[allow(unused_imports)]
pub(crate) use vendor::{check_vendor_consistency, VendorList, VendorModule};
