//! Revocation lists for attestations and signing keys.

use serde::{Deserialize, Serialize};
use std::fmt;
use time::OffsetDateTime;

/// What a revocation applies to.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum RevocationTarget {
    /// One attestation, by its `id`.
    Attestation(String),
    /// Every attestation signed or countersigned with this key id. Use this
    /// for compromised keys; a routine rotation should not revoke the old key,
    /// so attestations issued before the rotation keep verifying.
    Key(String),
}

impl fmt::Display for RevocationTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RevocationTarget::Attestation(id) => write!(f, "attestation {id}"),
            RevocationTarget::Key(id) => write!(f, "key {id}"),
        }
    }
}

/// One revocation entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Revocation {
    /// What is revoked.
    pub target: RevocationTarget,
    /// Why (shown to verifiers).
    pub reason: String,
    /// When it takes effect.
    #[serde(with = "time::serde::rfc3339")]
    pub revoked_at: OffsetDateTime,
}

/// A set of revocations, consulted by [`crate::attest::verify`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevocationList {
    entries: Vec<Revocation>,
}

impl RevocationList {
    /// An empty list.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a revocation.
    pub fn revoke(&mut self, target: RevocationTarget, reason: impl Into<String>, revoked_at: OffsetDateTime) {
        self.entries.push(Revocation { target, reason: reason.into(), revoked_at });
    }

    /// All entries.
    pub fn entries(&self) -> &[Revocation] {
        &self.entries
    }

    /// The earliest revocation of `target` already in effect at `now`.
    pub fn find(&self, target: &RevocationTarget, now: OffsetDateTime) -> Option<&Revocation> {
        self.entries.iter().filter(|r| r.target == *target && r.revoked_at <= now).min_by_key(|r| r.revoked_at)
    }
}
