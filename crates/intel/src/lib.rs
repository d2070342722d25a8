//! Threat-intelligence domain logic for mamori: STIX 2.1 validation, TLP 2.0 access policy,
//! TAXII 2.1 query parsing and pagination cursors, indicator matching and de-identification.
//!
//! The crate is pure: it performs no IO, reads no clock and draws no randomness. Callers pass
//! the current time, keys and seeds explicitly, so every function is deterministic and testable.
//!
//! Module map:
//! - [`stix`]: STIX 2.1 object and envelope validation on ingest, bundle import with limits.
//! - [`tlp`]: TLP 2.0 / 1.0 marking recognition and the read-access rule (Rust and SQL-shaped).
//! - [`cursor`]: the signed, stateless TAXII pagination cursor over `(date_added, row_id)`.
//! - [`federation`]: peer collection URLs, the push ceiling, TAXII answers and retry backoff.
//! - [`taxii`]: TAXII 2.1 query parameters, media-type negotiation and the TAXII error body.
//! - [`matching`]: simple STIX pattern compilation and the indicator [`matching::MatchIndex`].
//! - [`sanitize`]: de-identification of reports with a preview of every change.

pub mod cursor;
pub mod federation;
pub mod matching;
pub mod sanitize;
pub mod stix;
pub mod taxii;
pub mod tlp;
