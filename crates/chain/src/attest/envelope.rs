//! Signing, countersigning and offline verification of attestation envelopes.
//!
//! Signed messages (documented so other implementations can interoperate):
//! - subject: the RFC 8785 bytes of the `attestation` member;
//! - reviewer: the same bytes followed by the 64 raw bytes of the subject
//!   signature, so the countersignature also covers the supplier's signature.

use super::document::{Attestation, hex_lower};
use super::jcs::canonical_bytes;
use super::keys::{KeyPair, KeyResolver};
use super::revocation::{RevocationList, RevocationTarget};
use super::strict::{ParseError, parse_strict};
use crate::Level;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ed25519_dalek::Signature;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;
use time::OffsetDateTime;

/// The only signature algorithm accepted.
pub const ALG: &str = "Ed25519";

/// Who produced a signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The supplier organization the attestation is about.
    Subject,
    /// The expert reviewer (countersignature).
    Reviewer,
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Role::Subject => "subject",
            Role::Reviewer => "reviewer",
        })
    }
}

/// One signature in an envelope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignatureEntry {
    /// Signer role.
    pub role: Role,
    /// Signer key id.
    pub key_id: String,
    /// Always [`ALG`].
    pub alg: String,
    /// base64url (no padding) of the 64-byte signature.
    pub sig: String,
}

/// An attestation with its signatures; the exported file format.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Envelope {
    /// The signed body.
    pub attestation: Attestation,
    /// Subject signature first, then the reviewer countersignature if any.
    pub signatures: Vec<SignatureEntry>,
}

impl Envelope {
    /// Compact JSON text of the envelope (the attestation member is in RFC 8785 form).
    pub fn to_json(&self) -> Result<String, SignError> {
        let body = serde_json::to_value(&self.attestation).map_err(|e| SignError::Encode(e.to_string()))?;
        let body = String::from_utf8(canonical_bytes(&body).map_err(|e| SignError::Encode(e.to_string()))?)
            .map_err(|e| SignError::Encode(e.to_string()))?;
        let sigs = serde_json::to_string(&self.signatures).map_err(|e| SignError::Encode(e.to_string()))?;
        Ok(format!(r#"{{"attestation":{body},"signatures":{sigs}}}"#))
    }
}

/// Errors while producing signatures.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignError {
    /// The body breaks a rule.
    #[error("attestation is invalid at {pointer}: {reason}")]
    Invalid {
        /// JSON pointer.
        pointer: &'static str,
        /// Rule broken.
        reason: String,
    },
    /// The key does not match the key id named in the body.
    #[error("{role} key {actual} does not match key id {expected} in the attestation")]
    KeyMismatch {
        /// Which signer.
        role: Role,
        /// Id in the body.
        expected: String,
        /// Id of the key supplied.
        actual: String,
    },
    /// Countersigning needs exactly one existing subject signature.
    #[error("countersigning requires exactly one valid subject signature and no reviewer signature")]
    NotCountersignable,
    /// Serialisation failure.
    #[error("could not encode the attestation: {0}")]
    Encode(String),
}

/// Signs `attestation` with the subject organization's key.
pub fn sign(attestation: Attestation, key: &KeyPair) -> Result<Envelope, SignError> {
    attestation.validate().map_err(|v| SignError::Invalid { pointer: v.pointer, reason: v.reason })?;
    if attestation.key_id != key.key_id() {
        return Err(SignError::KeyMismatch {
            role: Role::Subject,
            expected: attestation.key_id.clone(),
            actual: key.key_id(),
        });
    }
    let body = body_bytes(&attestation)?;
    let sig = key.sign(&body);
    Ok(Envelope {
        attestation,
        signatures: vec![SignatureEntry {
            role: Role::Subject,
            key_id: key.key_id(),
            alg: ALG.to_owned(),
            sig: URL_SAFE_NO_PAD.encode(sig.to_bytes()),
        }],
    })
}

/// Adds the reviewer's countersignature over the body and the subject signature.
pub fn countersign(mut envelope: Envelope, reviewer: &KeyPair) -> Result<Envelope, SignError> {
    let expected = match &envelope.attestation.review {
        Some(r) => r.key_id.clone(),
        None => {
            return Err(SignError::Invalid {
                pointer: "/review",
                reason: "a countersignature needs the reviewer's sign-off in the body".to_owned(),
            });
        }
    };
    if expected != reviewer.key_id() {
        return Err(SignError::KeyMismatch { role: Role::Reviewer, expected, actual: reviewer.key_id() });
    }
    let [subject] = envelope.signatures.as_slice() else {
        return Err(SignError::NotCountersignable);
    };
    if subject.role != Role::Subject {
        return Err(SignError::NotCountersignable);
    }
    let subject_sig = decode_sig(&subject.sig).ok_or(SignError::NotCountersignable)?;
    let mut message = body_bytes(&envelope.attestation)?;
    message.extend_from_slice(&subject_sig.to_bytes());
    let sig = reviewer.sign(&message);
    envelope.signatures.push(SignatureEntry {
        role: Role::Reviewer,
        key_id: reviewer.key_id(),
        alg: ALG.to_owned(),
        sig: URL_SAFE_NO_PAD.encode(sig.to_bytes()),
    });
    Ok(envelope)
}

fn body_bytes(attestation: &Attestation) -> Result<Vec<u8>, SignError> {
    let value = serde_json::to_value(attestation).map_err(|e| SignError::Encode(e.to_string()))?;
    canonical_bytes(&value).map_err(|e| SignError::Encode(e.to_string()))
}

fn decode_sig(text: &str) -> Option<Signature> {
    // The base64 engine rejects non-zero trailing bits, so each signature has
    // exactly one accepted encoding and a flipped padding bit is detected.
    let raw = URL_SAFE_NO_PAD.decode(text.as_bytes()).ok()?;
    let bytes: [u8; 64] = raw.as_slice().try_into().ok()?;
    Some(Signature::from_bytes(&bytes))
}

/// A successfully verified attestation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// The body.
    pub attestation: Attestation,
    /// Lowercase hex SHA-256 of the canonical body.
    pub digest: String,
    /// Key that produced the subject signature.
    pub subject_key_id: String,
    /// Key that produced the countersignature, if present.
    pub reviewer_key_id: Option<String>,
}

/// Why verification failed. Each variant reads as a clear reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    /// Not JSON, not the envelope shape, or a field breaks a rule.
    #[error("malformed attestation at {location}: {reason}")]
    Malformed {
        /// `line L, column C` for syntax errors, a JSON pointer otherwise.
        location: String,
        /// What is wrong.
        reason: String,
    },
    /// A signature uses an algorithm other than Ed25519.
    #[error("signature {index} uses unsupported algorithm {alg:?}; only Ed25519 is accepted")]
    UnsupportedAlgorithm {
        /// Index in `signatures`.
        index: usize,
        /// The algorithm named.
        alg: String,
    },
    /// No subject signature.
    #[error("the subject organization's signature is missing")]
    SubjectSignatureMissing,
    /// ★3 without a countersignature.
    #[error("the expert reviewer's countersignature is missing; ★3 requires it")]
    ReviewerSignatureMissing,
    /// The signature names a different key than the body.
    #[error("wrong key: the {role} signature uses key {found} but the attestation names {expected}")]
    WrongKey {
        /// Which signer.
        role: Role,
        /// Key id in the body.
        expected: String,
        /// Key id on the signature.
        found: String,
    },
    /// The key id is not trusted by the resolver.
    #[error("unknown key: the {role} key {key_id} is not among the trusted keys")]
    UnknownKey {
        /// Which signer.
        role: Role,
        /// The key id.
        key_id: String,
    },
    /// Cryptographic check failed: the canonical body differs from what was signed.
    #[error(
        "the {role} signature by key {key_id} is invalid: the document was altered after signing or signed with another key"
    )]
    SignatureInvalid {
        /// Which signer.
        role: Role,
        /// The key id.
        key_id: String,
    },
    /// Revoked attestation or signing key.
    #[error("revoked {target} on {revoked_at}: {reason}")]
    Revoked {
        /// What was revoked.
        target: RevocationTarget,
        /// Recorded reason.
        reason: String,
        /// When the revocation took effect.
        revoked_at: OffsetDateTime,
    },
    /// `now` is before `valid_from`.
    #[error("not yet valid: valid from {valid_from}")]
    NotYetValid {
        /// Start of validity.
        valid_from: OffsetDateTime,
    },
    /// `now` is at or after `valid_until`.
    #[error("expired on {valid_until}")]
    Expired {
        /// End of validity.
        valid_until: OffsetDateTime,
    },
}

fn malformed(location: impl Into<String>, reason: impl Into<String>) -> VerifyError {
    VerifyError::Malformed { location: location.into(), reason: reason.into() }
}

fn path_to_pointer(prefix: &str, path: &serde_path_to_error::Path) -> String {
    let mut out = prefix.to_owned();
    for seg in path.iter() {
        match seg {
            serde_path_to_error::Segment::Seq { index } => out.push_str(&format!("/{index}")),
            serde_path_to_error::Segment::Map { key } => {
                out.push('/');
                out.push_str(&key.replace('~', "~0").replace('/', "~1"));
            }
            serde_path_to_error::Segment::Enum { variant } => {
                out.push('/');
                out.push_str(variant);
            }
            serde_path_to_error::Segment::Unknown => out.push_str("/?"),
        }
    }
    out
}

fn typed<T: serde::de::DeserializeOwned>(value: serde_json::Value, prefix: &str) -> Result<T, VerifyError> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let pointer = path_to_pointer(prefix, e.path());
        malformed(if pointer.is_empty() { "/".to_owned() } else { pointer }, e.inner().to_string())
    })
}

/// Verifies an exported envelope offline.
///
/// Checks, in order: JSON syntax and shape; every signature (algorithm, key
/// id bound to the body, trusted key, Ed25519 strict verification over the
/// RFC 8785 bytes); the ★3 countersignature requirement; revocation of the
/// attestation or either key; and finally the validity window at `now`.
pub fn verify(
    envelope: &[u8],
    keys: &dyn KeyResolver,
    now: OffsetDateTime,
    revoked: &RevocationList,
) -> Result<Verified, VerifyError> {
    let value = parse_strict(envelope).map_err(|e| match e {
        ParseError::TooLarge { .. } => malformed("/", e.to_string()),
        ParseError::Syntax { line, column, message } => malformed(format!("line {line}, column {column}"), message),
    })?;
    let serde_json::Value::Object(mut top) = value else {
        return Err(malformed("/", "the envelope must be a JSON object"));
    };
    if let Some(extra) = top.keys().find(|k| *k != "attestation" && *k != "signatures") {
        return Err(malformed(format!("/{extra}"), "unknown envelope member"));
    }
    let body_value = top.remove("attestation").ok_or_else(|| malformed("/attestation", "missing"))?;
    let sigs_value = top.remove("signatures").ok_or_else(|| malformed("/signatures", "missing"))?;
    let canonical = canonical_bytes(&body_value).map_err(|e| malformed("/attestation", e.to_string()))?;
    let attestation: Attestation = typed(body_value, "/attestation")?;
    attestation.validate().map_err(|v| malformed(format!("/attestation{}", v.pointer), v.reason))?;
    let signatures: Vec<SignatureEntry> = typed(sigs_value, "/signatures")?;

    let mut subject: Option<(usize, &SignatureEntry)> = None;
    let mut reviewer: Option<(usize, &SignatureEntry)> = None;
    for (index, entry) in signatures.iter().enumerate() {
        if entry.alg != ALG {
            return Err(VerifyError::UnsupportedAlgorithm { index, alg: entry.alg.clone() });
        }
        let slot = match entry.role {
            Role::Subject => &mut subject,
            Role::Reviewer => &mut reviewer,
        };
        if slot.is_some() {
            return Err(malformed(format!("/signatures/{index}/role"), format!("duplicate {} signature", entry.role)));
        }
        *slot = Some((index, entry));
    }
    let (subject_index, subject) = subject.ok_or(VerifyError::SubjectSignatureMissing)?;
    let subject_sig = check_signature(subject_index, subject, &attestation.key_id, keys, &canonical)?;

    let reviewer_key_id = match (reviewer, &attestation.review) {
        (Some((index, entry)), Some(review)) => {
            let mut message = canonical.clone();
            message.extend_from_slice(&subject_sig.to_bytes());
            check_signature(index, entry, &review.key_id, keys, &message)?;
            Some(entry.key_id.clone())
        }
        (Some((index, _)), None) => {
            return Err(malformed(
                format!("/signatures/{index}"),
                "a reviewer signature requires the reviewer's sign-off in the attestation",
            ));
        }
        (None, _) if attestation.verdict.level == Level::Star3 => {
            return Err(VerifyError::ReviewerSignatureMissing);
        }
        (None, _) => None,
    };

    let mut targets =
        vec![RevocationTarget::Attestation(attestation.id.clone()), RevocationTarget::Key(subject.key_id.clone())];
    if let Some(k) = &reviewer_key_id {
        targets.push(RevocationTarget::Key(k.clone()));
    }
    for target in &targets {
        if let Some(r) = revoked.find(target, now) {
            return Err(VerifyError::Revoked {
                target: r.target.clone(),
                reason: r.reason.clone(),
                revoked_at: r.revoked_at,
            });
        }
    }
    if now < attestation.valid_from {
        return Err(VerifyError::NotYetValid { valid_from: attestation.valid_from });
    }
    if now >= attestation.valid_until {
        return Err(VerifyError::Expired { valid_until: attestation.valid_until });
    }
    Ok(Verified {
        digest: hex_lower(&Sha256::digest(&canonical)),
        subject_key_id: subject.key_id.clone(),
        reviewer_key_id,
        attestation,
    })
}

fn check_signature(
    index: usize,
    entry: &SignatureEntry,
    expected_key_id: &str,
    keys: &dyn KeyResolver,
    message: &[u8],
) -> Result<Signature, VerifyError> {
    if entry.key_id != expected_key_id {
        return Err(VerifyError::WrongKey {
            role: entry.role,
            expected: expected_key_id.to_owned(),
            found: entry.key_id.clone(),
        });
    }
    let key = keys
        .resolve(&entry.key_id)
        .ok_or_else(|| VerifyError::UnknownKey { role: entry.role, key_id: entry.key_id.clone() })?;
    let sig = decode_sig(&entry.sig).ok_or_else(|| {
        malformed(format!("/signatures/{index}/sig"), "must be the unpadded base64url encoding of 64 bytes")
    })?;
    if key.key_id() != entry.key_id || !key.verify_strict(message, &sig) {
        return Err(VerifyError::SignatureInvalid { role: entry.role, key_id: entry.key_id.clone() });
    }
    Ok(sig)
}
