//! Integration tests of the intel crate, one binary with a module per area.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod cursor;
mod import;
mod matching;
mod sanitize;
mod stix;
mod taxii;
mod tlp;

/// Reads a fixture from `tests/fixtures/`.
pub fn fixture(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Parses a fixture as JSON.
pub fn fixture_json(name: &str) -> serde_json::Value {
    serde_json::from_slice(&fixture(name)).unwrap()
}
