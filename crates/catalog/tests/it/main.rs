//! Integration tests for mamori-catalog.
#![allow(clippy::unwrap_used)]

mod builtin;
mod formats;
mod oscal;
mod xlsx;
