//! STIX identifiers (`<type>--<UUID>`), type names and object families.

/// The STIX object families, which decide the common required properties.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ObjectFamily {
    /// STIX Domain Object (one of the 19 SDO types).
    Sdo,
    /// STIX Relationship Object (`relationship`, `sighting`).
    Sro,
    /// STIX Cyber-observable Object (one of the 18 SCO types).
    Sco,
    /// `marking-definition`.
    MarkingDefinition,
    /// `language-content`.
    LanguageContent,
    /// `extension-definition`.
    ExtensionDefinition,
    /// `bundle` (file format only, never inside TAXII).
    Bundle,
    /// A type that STIX 2.1 does not define (for example `x-mitre-tactic`).
    Custom,
}

/// The 19 STIX 2.1 SDO types.
pub const SDO_TYPES: [&str; 19] = [
    "attack-pattern",
    "campaign",
    "course-of-action",
    "grouping",
    "identity",
    "incident",
    "indicator",
    "infrastructure",
    "intrusion-set",
    "location",
    "malware",
    "malware-analysis",
    "note",
    "observed-data",
    "opinion",
    "report",
    "threat-actor",
    "tool",
    "vulnerability",
];

/// The 18 STIX 2.1 SCO types.
pub const SCO_TYPES: [&str; 18] = [
    "artifact",
    "autonomous-system",
    "directory",
    "domain-name",
    "email-addr",
    "email-message",
    "file",
    "ipv4-addr",
    "ipv6-addr",
    "mac-addr",
    "mutex",
    "network-traffic",
    "process",
    "software",
    "url",
    "user-account",
    "windows-registry-key",
    "x509-certificate",
];

impl ObjectFamily {
    /// Classifies a type name.
    #[must_use]
    pub fn of(type_name: &str) -> Self {
        match type_name {
            "relationship" | "sighting" => Self::Sro,
            "marking-definition" => Self::MarkingDefinition,
            "language-content" => Self::LanguageContent,
            "extension-definition" => Self::ExtensionDefinition,
            "bundle" => Self::Bundle,
            t if SDO_TYPES.contains(&t) => Self::Sdo,
            t if SCO_TYPES.contains(&t) => Self::Sco,
            _ => Self::Custom,
        }
    }
}

/// Why a string is not a STIX identifier.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    /// No `--` separator.
    #[error("`{0}` is not of the form <type>--<UUID>")]
    Shape(String),
    /// The type part breaks the type-name rules.
    #[error("`{0}` has an invalid type part (a-z, 0-9 and single hyphens, 3-250 characters)")]
    Type(String),
    /// The UUID part is not an RFC 4122 UUID.
    #[error("`{0}` has an invalid UUID part (RFC 4122, 8-4-4-4-12 hex digits, variant 10xx)")]
    Uuid(String),
}

/// Splits and checks a STIX identifier, returning `(type, uuid)`.
///
/// # Errors
/// [`IdError`] naming which part is wrong.
pub fn parse_id(id: &str) -> Result<(&str, &str), IdError> {
    let short = || id.chars().take(300).collect::<String>();
    let Some(idx) = id.rfind("--") else {
        return Err(IdError::Shape(short()));
    };
    let (ty, uuid) = (&id[..idx], &id[idx + 2..]);
    if !is_valid_type_name(ty) {
        return Err(IdError::Type(short()));
    }
    if !is_valid_uuid(uuid) {
        return Err(IdError::Uuid(short()));
    }
    Ok((ty, uuid))
}

/// True when `id` is a well-formed identifier whose type part is `expected_type`.
#[must_use]
pub fn is_id_of_type(id: &str, expected_type: &str) -> bool {
    matches!(parse_id(id), Ok((t, _)) if t == expected_type)
}

/// STIX type names: lowercase ASCII letters, digits and hyphens, 3 to 250 characters,
/// no `--`, and no leading or trailing hyphen.
#[must_use]
pub fn is_valid_type_name(name: &str) -> bool {
    (3..=250).contains(&name.len())
        && name.bytes().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-')
        && !name.contains("--")
        && !name.starts_with('-')
        && !name.ends_with('-')
}

/// RFC 4122 UUID text: 8-4-4-4-12 hexadecimal digits with the `10xx` variant.
#[must_use]
pub fn is_valid_uuid(uuid: &str) -> bool {
    let b = uuid.as_bytes();
    if b.len() != 36 {
        return false;
    }
    for (i, &c) in b.iter().enumerate() {
        let dash = matches!(i, 8 | 13 | 18 | 23);
        if dash != (c == b'-') || (!dash && !c.is_ascii_hexdigit()) {
            return false;
        }
    }
    matches!(b[19], b'8' | b'9' | b'a' | b'b' | b'A' | b'B')
}

/// The version nibble of a UUID that passed [`is_valid_uuid`].
#[must_use]
pub fn uuid_version(uuid: &str) -> Option<u8> {
    uuid.as_bytes().get(14).and_then(|c| (*c as char).to_digit(16)).map(|d| d as u8)
}

/// Formats 16 bytes as an RFC 4122 UUID, forcing the given version nibble and the `10xx`
/// variant. Used to derive deterministic pseudonymous identifiers from a keyed hash.
#[must_use]
pub fn format_uuid(mut bytes: [u8; 16], version: u8) -> String {
    bytes[6] = (bytes[6] & 0x0f) | (version << 4);
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let h = hex::encode(bytes);
    format!("{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_split_and_checked() {
        assert_eq!(
            parse_id("indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"),
            Ok(("indicator", "8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"))
        );
        assert!(matches!(parse_id("x-mitre-tactic--69da72d2-f550-41c5-ab9e-e8255707f28a"), Ok(("x-mitre-tactic", _))));
        assert!(matches!(parse_id("indicator"), Err(IdError::Shape(_))));
        assert!(matches!(parse_id("Indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"), Err(IdError::Type(_))));
        assert!(matches!(parse_id("indicator--8e2e2d2b-17d4-4cbf-c38f-98ee46b3cd3f"), Err(IdError::Uuid(_))));
        assert!(matches!(parse_id("indicator--8e2e2d2b17d44cbf938f98ee46b3cd3f"), Err(IdError::Uuid(_))));
    }

    #[test]
    fn formatted_uuids_are_valid_and_versioned() {
        let u = format_uuid([0xff; 16], 4);
        assert!(is_valid_uuid(&u));
        assert_eq!(uuid_version(&u), Some(4));
    }
}
