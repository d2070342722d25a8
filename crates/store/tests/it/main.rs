//! Storage conformance suite for mamori-store: the same tests on SQLite and, when
//! `MAMORI_TEST_DATABASE_URL` is set, on PostgreSQL (each test in a fresh database).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod accounts;
mod audit;
mod backup;
mod db;
mod demo;
mod fixtures;
mod migrations;
mod tenancy;
