//! go-link-build (under construction).
#![allow(dead_code)]
mod context;
mod error;
mod gomod;
pub use error::{Error, Result};
