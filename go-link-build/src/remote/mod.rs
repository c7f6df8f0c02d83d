//! The remote cache: Bazel's HTTP cache protocol (`/ac/<action id>` holds an
//! `ActionResult`, `/cas/<sha256>` the blobs), spoken by bazel-remote, nginx
//! or Apache with WebDAV, and object-store gateways. Behind the
//! `remote-cache` feature.

// Wired into the build by the integration step; until then only the tests use it.
#![allow(dead_code)]

pub(crate) mod http;
pub(crate) mod reapi;
