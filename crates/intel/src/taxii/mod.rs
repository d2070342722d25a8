//! TAXII 2.1 protocol pieces that need no HTTP stack: query parameters, media types and
//! negotiation, and the error resource. The web crate wires them into handlers.

mod error;
mod media;
mod query;
mod recipients;

pub use error::TaxiiError;
pub use media::{
    HEADER_DATE_ADDED_FIRST, HEADER_DATE_ADDED_LAST, MediaError, MediaKind, STIX_MEDIA_TYPE, TAXII_MEDIA_TYPE,
    check_content_type, date_added_headers, negotiate_accept,
};
pub use query::{Endpoint, ObjectQuery, QueryError, QueryLimits, VersionFilter, parse_query};
pub use recipients::{MAX_RECIPIENTS, RECIPIENTS_PROPERTY, envelope_recipients};
