//! STIX 2.1 validation on ingest: common and per-type required properties, identifiers,
//! timestamps, `spec_version` and marking references, with per-object results; plus bundle
//! import with limits. Objects stay `serde_json::Value` so custom properties survive relay.
//!
//! Policy choices:
//! - Types STIX 2.1 does not define (for example ATT&CK's `x-mitre-*`) are accepted as custom
//!   objects: with `created`/`modified` they are checked like SDOs, otherwise like SCOs.
//! - `created`/`modified` with less than millisecond precision are accepted with a warning;
//!   the instant is unambiguous and rejecting it would only hurt interoperability.
//! - Custom `x_` properties are kept and not interpreted; spec properties named `*_ref` and
//!   `*_refs` must hold identifiers.
//! - Exact duplicates inside one envelope are both accepted here; de-duplication by
//!   `(id, version)` is the store's job (TAXII requires duplicates not to be failures).

mod ctx;
mod envelope;
pub mod ids;
mod import;
mod object;
pub mod timestamp;
mod types;

pub use ctx::escape_pointer_token;
pub use envelope::{EnvelopeError, EnvelopeReport, Rejected, validate_envelope, validate_envelope_with_limit};
pub use ids::{IdError, ObjectFamily, parse_id};
pub use import::{ImportError, ImportLimits, parse_bundle};
pub use object::{ObjectRejection, ValidObject, selector_resolves, validate_object};
pub use timestamp::{StixTimestamp, TimestampError};
