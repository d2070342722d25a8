//! The attestation body: what a supplier asserts about one assessment result,
//! plus helpers that compute the requirement and evidence digests it carries.

use crate::Level;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;
use time::OffsetDateTime;

/// Schema identifier written into every attestation body.
pub const SCHEMA: &str = "mamori.attestation/v1";

/// The signed body of an attestation. Serialised with RFC 8785 before signing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Attestation {
    /// Schema version, always [`SCHEMA`].
    pub schema: String,
    /// Caller-assigned unique id (e.g. a UUID); revocations name it.
    pub id: String,
    /// The organization the attestation is about (the supplier).
    pub subject: Subject,
    /// Framework and criteria-set version the assessment used.
    pub framework: FrameworkRef,
    /// Per-category scores.
    pub scores: Vec<Score>,
    /// Level and outcome, displayed as e.g. `★3 met`.
    pub verdict: Verdict,
    /// Digest over every requirement's status (see [`requirements_digest`]).
    pub requirements: DigestSummary,
    /// Digest over the evidence list (see [`evidence_digest`]).
    pub evidence: DigestSummary,
    /// When the document was issued.
    #[serde(with = "time::serde::rfc3339")]
    pub issued_at: OffsetDateTime,
    /// Start of validity (inclusive).
    #[serde(with = "time::serde::rfc3339")]
    pub valid_from: OffsetDateTime,
    /// End of validity (exclusive).
    #[serde(with = "time::serde::rfc3339")]
    pub valid_until: OffsetDateTime,
    /// The security expert's sign-off; required for ★3.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review: Option<ReviewerSignOff>,
    /// The executive self-conformity pledge (自己適合宣誓).
    pub pledge: ExecutivePledge,
    /// Key id of the subject's signing key.
    pub key_id: String,
}

/// Subject organization.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Subject {
    /// Stable organization id.
    pub id: String,
    /// Display name.
    pub name: String,
}

/// Framework identifier and version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrameworkRef {
    /// Framework id, e.g. `meti-scs`.
    pub id: String,
    /// Criteria-set version, e.g. `2026-03-27`.
    pub version: String,
}

/// One score line. Integers only, so the signed form is unambiguous.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Score {
    /// Category or axis name.
    pub name: String,
    /// Criteria met.
    pub achieved: u32,
    /// Criteria assessed.
    pub total: u32,
}

/// Whether the level's requirements were met.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// All criteria met.
    Met,
    /// At least one criterion not met.
    NotMet,
}

/// Level plus outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Verdict {
    /// The level assessed against.
    pub level: Level,
    /// The outcome.
    pub outcome: Outcome,
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let outcome = match self.outcome {
            Outcome::Met => "met",
            Outcome::NotMet => "not met",
        };
        write!(f, "{} {outcome}", self.level)
    }
}

/// A count plus a lowercase hex SHA-256.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DigestSummary {
    /// Number of items digested.
    pub count: u32,
    /// Lowercase hex SHA-256 of the canonical item list.
    pub sha256: String,
}

/// The expert reviewer's sign-off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewerSignOff {
    /// Reviewer id (e.g. RISS registration number or user id).
    pub reviewer_id: String,
    /// Reviewer name.
    pub reviewer_name: String,
    /// When the review was completed.
    #[serde(with = "time::serde::rfc3339")]
    pub reviewed_at: OffsetDateTime,
    /// Key id the reviewer countersigns with.
    pub key_id: String,
}

/// The executive pledge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExecutivePledge {
    /// Signer's name.
    pub signer_name: String,
    /// Signer's title.
    pub signer_title: String,
    /// When the pledge was made.
    #[serde(with = "time::serde::rfc3339")]
    pub pledged_at: OffsetDateTime,
}

/// One requirement's status as digested into an attestation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequirementStatus {
    /// Requirement id, e.g. `4-1-3`.
    pub id: String,
    /// Status label from the assessment (e.g. `met`).
    pub status: String,
}

/// One evidence file as digested into an attestation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceItem {
    /// Evidence id.
    pub id: String,
    /// Lowercase hex SHA-256 of the evidence content.
    pub sha256: String,
}

/// Digest of requirement statuses: SHA-256 over the RFC 8785 form of the list
/// sorted by id, so that the order the caller passes does not matter.
pub fn requirements_digest(items: &[RequirementStatus]) -> DigestSummary {
    let mut sorted: Vec<&RequirementStatus> = items.iter().collect();
    sorted.sort_by(|a, b| a.id.cmp(&b.id).then(a.status.cmp(&b.status)));
    digest_list(sorted.iter().map(|r| serde_json::json!({ "id": r.id, "status": r.status })))
}

/// Digest of the evidence list, computed like [`requirements_digest`].
pub fn evidence_digest(items: &[EvidenceItem]) -> DigestSummary {
    let mut sorted: Vec<&EvidenceItem> = items.iter().collect();
    sorted.sort_by(|a, b| a.id.cmp(&b.id).then(a.sha256.cmp(&b.sha256)));
    digest_list(sorted.iter().map(|e| serde_json::json!({ "id": e.id, "sha256": e.sha256 })))
}

fn digest_list(items: impl Iterator<Item = serde_json::Value>) -> DigestSummary {
    let list: Vec<serde_json::Value> = items.collect();
    let count = u32::try_from(list.len()).unwrap_or(u32::MAX);
    // Strings and objects only: canonicalisation cannot fail here, and an
    // empty string would still be a well-defined digest input.
    let text = super::jcs::canonical_json(&serde_json::Value::Array(list)).unwrap_or_default();
    DigestSummary { count, sha256: hex_lower(&Sha256::digest(text.as_bytes())) }
}

/// Lowercase hex encoding.
pub(crate) fn hex_lower(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(HEX[(b >> 4) as usize] as char);
        s.push(HEX[(b & 15) as usize] as char);
    }
    s
}

/// A semantic rule the body breaks, with the JSON pointer of the field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyViolation {
    /// JSON pointer into the attestation body.
    pub pointer: &'static str,
    /// The rule broken.
    pub reason: String,
}

impl Attestation {
    /// Checks the rules serde cannot express. Returns the first violation.
    pub fn validate(&self) -> Result<(), BodyViolation> {
        let v = |pointer: &'static str, reason: &str| Err(BodyViolation { pointer, reason: reason.to_owned() });
        if self.schema != SCHEMA {
            return v("/schema", &format!("must be {SCHEMA:?}, got {:?}", self.schema));
        }
        let required = [
            ("/id", &self.id),
            ("/subject/id", &self.subject.id),
            ("/subject/name", &self.subject.name),
            ("/framework/id", &self.framework.id),
            ("/framework/version", &self.framework.version),
            ("/pledge/signer_name", &self.pledge.signer_name),
            ("/pledge/signer_title", &self.pledge.signer_title),
            ("/key_id", &self.key_id),
        ];
        for (pointer, value) in required {
            if value.trim().is_empty() {
                return v(pointer, "must not be empty");
            }
        }
        for (pointer, d) in
            [("/requirements/sha256", &self.requirements.sha256), ("/evidence/sha256", &self.evidence.sha256)]
        {
            if d.len() != 64 || !d.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
                return v(pointer, "must be 64 lowercase hex digits (SHA-256)");
            }
        }
        if self.scores.iter().any(|s| s.achieved > s.total) {
            return v("/scores", "achieved must not exceed total");
        }
        if self.valid_from >= self.valid_until {
            return v("/valid_until", "must be later than valid_from");
        }
        match (&self.review, self.verdict.level) {
            (None, Level::Star3) => v("/review", "★3 requires the expert reviewer's sign-off"),
            (Some(r), _) if r.reviewer_id.trim().is_empty() => v("/review/reviewer_id", "must not be empty"),
            (Some(r), _) if r.key_id.trim().is_empty() => v("/review/key_id", "must not be empty"),
            _ => Ok(()),
        }
    }
}
