//! OSCAL catalogs (JSON and XML), profiles and the OSCAL 1.2 mapping model.

mod catalog;
mod mapping;
mod profile;
mod value;
mod xml;

use sha2::{Digest, Sha256};

pub use catalog::{catalog_from_value, catalog_to_value};
pub use mapping::{mapping_from_value, mapping_to_value};
pub use profile::{ProfileSelection, profile_from_value, resolve_profile};
pub(crate) use xml::relocate;
pub use xml::{catalog_to_xml, xml_to_value};

/// Namespace of the props mamori adds so that its own exports re-import losslessly.
pub const MAMORI_NS: &str = "https://mamori.example/ns/oscal";
/// OSCAL version written by the exporters.
pub const OSCAL_VERSION: &str = "1.2.0";

/// A deterministic, OSCAL-valid UUID (version nibble 5, RFC 4122 variant) derived from `parts` with
/// SHA-256, so exports are stable and need no randomness.
pub fn deterministic_uuid(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update([0]);
    }
    let d = h.finalize();
    let mut b = [0u8; 16];
    b.copy_from_slice(&d[..16]);
    b[6] = (b[6] & 0x0f) | 0x50;
    b[8] = (b[8] & 0x3f) | 0x80;
    let x = hex(&b);
    format!("{}-{}-{}-{}-{}", &x[0..8], &x[8..12], &x[12..16], &x[16..20], &x[20..32])
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 0xf) as usize] as char);
    }
    s
}

/// Lowercase ASCII slug usable as a framework id.
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || c == '.' {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').chars().take(100).collect::<String>();
    if out.is_empty() { "imported".to_owned() } else { out }
}

/// Turns a ref_id into an OSCAL token (letters, digits, `_ . -`, starting with a letter or `_`).
pub(crate) fn token(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-') {
            out.push(c);
        } else {
            for b in c.to_string().bytes() {
                out.push_str(&format!("_{b:02x}"));
            }
        }
    }
    if !out.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        out.insert(0, '_');
    }
    out
}
