//! Integration tests for mamori-web: the whole app in process over a fresh database, on
//! SQLite and, when `MAMORI_TEST_DATABASE_URL` is set, on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod audit;
mod auth_flows;
mod bad_input;
#[allow(dead_code)] // shared with the store tests, which use all of it
#[path = "../../../store/tests/it/db.rs"]
mod db;
mod federation;
mod group;
mod intel_ui;
mod invitations;
mod isolation;
mod isolation_assess;
mod isolation_chain;
mod isolation_intel;
mod language;
mod ops;
mod roles;
mod support;
mod tokens;
