//! Validation of a whole TAXII envelope (or STIX bundle) with per-object results, so a partly
//! invalid envelope is partly accepted and the status resource can list per-object reasons.

use serde_json::Value;

use super::ids::is_id_of_type;
use super::object::{ValidObject, validate_object};

/// One rejected object of an envelope.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Rejected {
    /// Position in the envelope's `objects` list.
    pub index: usize,
    /// The object's `id`, if it had a string one (TAXII status lists failures by id).
    pub id: Option<String>,
    /// Every violated rule, each prefixed with the JSON pointer inside the object.
    pub reasons: Vec<String>,
}

/// The outcome of validating an envelope: accepted objects in input order, and rejections.
#[derive(Debug, Clone, Default)]
pub struct EnvelopeReport {
    /// Objects that passed validation.
    pub accepted: Vec<ValidObject>,
    /// Objects that failed, with reasons.
    pub rejected: Vec<Rejected>,
}

impl EnvelopeReport {
    /// Total number of objects examined.
    #[must_use]
    pub fn total(&self) -> usize {
        self.accepted.len() + self.rejected.len()
    }
}

/// Problems with the envelope itself, which make the whole request unusable (HTTP 400/422).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EnvelopeError {
    /// The body is not a JSON object.
    #[error("the body must be a JSON object (a TAXII envelope or a STIX bundle)")]
    NotAnObject,
    /// `objects` is present but not a list.
    #[error("/objects: must be a list of STIX objects")]
    ObjectsNotList,
    /// A bundle whose `id` is not `bundle--<UUID>`.
    #[error("/id: a bundle id must be bundle--<UUID>")]
    BundleId,
    /// A STIX 2.0 bundle (it carries `spec_version`, which 2.1 bundles do not).
    #[error("/spec_version: `{0}` bundles are not supported; this hub accepts STIX 2.1 only")]
    UnsupportedBundleVersion(String),
    /// A `type` other than `bundle` at the top level.
    #[error("/type: `{0}` is not an envelope or a bundle")]
    UnexpectedType(String),
    /// More objects than the caller allows in one request.
    #[error("/objects: {count} objects exceed the limit of {max} per request")]
    TooManyObjects {
        /// Objects present.
        count: usize,
        /// Configured maximum.
        max: usize,
    },
}

/// Validates a TAXII 2.1 envelope (`{"objects": [...]}`) or a STIX 2.1 bundle
/// (`{"type": "bundle", "id": ..., "objects": [...]}`), object by object.
///
/// # Errors
/// [`EnvelopeError`] when the container itself is malformed; per-object problems are
/// reported in [`EnvelopeReport::rejected`] instead.
pub fn validate_envelope(body: &Value) -> Result<EnvelopeReport, EnvelopeError> {
    validate_envelope_with_limit(body, usize::MAX)
}

/// Like [`validate_envelope`] with a cap on the number of objects.
///
/// # Errors
/// As [`validate_envelope`], plus [`EnvelopeError::TooManyObjects`].
pub fn validate_envelope_with_limit(body: &Value, max_objects: usize) -> Result<EnvelopeReport, EnvelopeError> {
    let Value::Object(map) = body else {
        return Err(EnvelopeError::NotAnObject);
    };
    if let Some(t) = map.get("type") {
        match t.as_str() {
            Some("bundle") => {
                let ok = map.get("id").and_then(Value::as_str).is_some_and(|id| is_id_of_type(id, "bundle"));
                if !ok {
                    return Err(EnvelopeError::BundleId);
                }
                if let Some(sv) = map.get("spec_version") {
                    return Err(EnvelopeError::UnsupportedBundleVersion(sv.as_str().unwrap_or("?").to_owned()));
                }
            }
            other => {
                return Err(EnvelopeError::UnexpectedType(other.unwrap_or("(not a string)").to_owned()));
            }
        }
    }
    let objects = match map.get("objects") {
        None => return Ok(EnvelopeReport::default()),
        Some(Value::Array(a)) => a,
        Some(_) => return Err(EnvelopeError::ObjectsNotList),
    };
    if objects.len() > max_objects {
        return Err(EnvelopeError::TooManyObjects { count: objects.len(), max: max_objects });
    }
    let mut report = EnvelopeReport::default();
    for (index, obj) in objects.iter().enumerate() {
        match validate_object(obj) {
            Ok(v) => report.accepted.push(v),
            Err(r) => report.rejected.push(Rejected { index, id: r.id, reasons: r.reasons }),
        }
    }
    Ok(report)
}
