//! The TAXII 2.1 error resource (§3.6), sent with the TAXII media type on every 4xx/5xx.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A TAXII `error` body. Optional members are omitted when absent; `http_status` is a string
/// equal to the HTTP status code, as the specification requires.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaxiiError {
    /// Short human-readable summary (required).
    pub title: String,
    /// Longer explanation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Identifier of this occurrence, for support (the caller supplies it; no randomness here).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_id: Option<String>,
    /// Identifier of the error type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    /// The HTTP status as a string, for example `"400"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_status: Option<String>,
    /// A URL with more information.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_details: Option<String>,
    /// Structured details.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<Map<String, Value>>,
}

impl TaxiiError {
    /// An error with a title and HTTP status.
    #[must_use]
    pub fn new(http_status: u16, title: impl Into<String>) -> Self {
        Self {
            title: title.into(),
            description: None,
            error_id: None,
            error_code: None,
            http_status: Some(http_status.to_string()),
            external_details: None,
            details: None,
        }
    }

    /// The numeric status (400 when absent or unparsable).
    #[must_use]
    pub fn status(&self) -> u16 {
        self.http_status.as_deref().and_then(|s| s.parse().ok()).unwrap_or(400)
    }

    /// Sets `description`.
    #[must_use]
    pub fn with_description(mut self, d: impl Into<String>) -> Self {
        self.description = Some(d.into());
        self
    }

    /// Sets `error_id`.
    #[must_use]
    pub fn with_error_id(mut self, id: impl Into<String>) -> Self {
        self.error_id = Some(id.into());
        self
    }

    /// Sets `error_code`.
    #[must_use]
    pub fn with_error_code(mut self, code: impl Into<String>) -> Self {
        self.error_code = Some(code.into());
        self
    }

    /// Sets `external_details`.
    #[must_use]
    pub fn with_external_details(mut self, url: impl Into<String>) -> Self {
        self.external_details = Some(url.into());
        self
    }

    /// Adds one entry to `details`.
    #[must_use]
    pub fn with_detail(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.details.get_or_insert_with(Map::new).insert(key.into(), value.into());
        self
    }
}

impl From<crate::cursor::CursorError> for TaxiiError {
    fn from(e: crate::cursor::CursorError) -> Self {
        Self::new(400, "Invalid pagination cursor")
            .with_description(e.to_string())
            .with_error_code("invalid-next")
            .with_detail("parameter", "next")
    }
}

impl From<super::media::MediaError> for TaxiiError {
    fn from(e: super::media::MediaError) -> Self {
        let (status, code) = match e {
            super::media::MediaError::NotAcceptable => (406, "not-acceptable"),
            super::media::MediaError::UnsupportedMediaType => (415, "unsupported-media-type"),
        };
        Self::new(status, e.to_string()).with_error_code(code)
    }
}
