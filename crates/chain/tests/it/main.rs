//! Integration tests for mamori-chain.
#![allow(clippy::unwrap_used)]

mod advice;
mod attest;
mod graph;
mod jcs;
mod keys;
