//! Portable, offline-verifiable attestations: RFC 8785 canonical JSON bodies
//! signed by the supplier with Ed25519 and countersigned by the reviewer.

mod document;
mod envelope;
pub mod jcs;
mod keys;
mod revocation;
mod strict;

pub use document::{
    Attestation, BodyViolation, DigestSummary, EvidenceItem, ExecutivePledge, FrameworkRef, Outcome, RequirementStatus,
    ReviewerSignOff, SCHEMA, Score, Subject, Verdict, evidence_digest, requirements_digest,
};
pub use envelope::{ALG, Envelope, Role, SignError, SignatureEntry, Verified, VerifyError, countersign, sign, verify};
pub use jcs::{CanonicalError, canonical_bytes, canonical_json};
pub use keys::{Jwk, KeyError, KeyPair, KeyResolver, PublicKey};
pub use revocation::{Revocation, RevocationList, RevocationTarget};
pub use strict::{MAX_DOCUMENT_BYTES, ParseError, parse_strict};
