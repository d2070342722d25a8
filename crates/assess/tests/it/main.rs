//! Integration tests for mamori-assess: every scheme score is checked against hand-worked arithmetic.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod answer;
mod charts;
mod csf;
mod gaps;
mod guidelines;
mod infer;
mod lifecycle;
mod rollup;
mod scs;
mod security_action;
mod support;
mod svg;
