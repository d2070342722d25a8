//! TAXII and STIX media types, `Accept` negotiation and `Content-Type` checks (§1.6.7-1.6.8),
//! and the `X-TAXII-Date-Added-*` headers.

use time::OffsetDateTime;

use crate::stix::timestamp::format_taxii;

/// The TAXII 2.1 media type, sent as `Content-Type` on every response.
pub const TAXII_MEDIA_TYPE: &str = "application/taxii+json;version=2.1";
/// The STIX 2.1 media type, listed in collections' `media_types`.
pub const STIX_MEDIA_TYPE: &str = "application/stix+json;version=2.1";
/// Header with the `date_added` of the first object of a page.
pub const HEADER_DATE_ADDED_FIRST: &str = "X-TAXII-Date-Added-First";
/// Header with the `date_added` of the last object of a page.
pub const HEADER_DATE_ADDED_LAST: &str = "X-TAXII-Date-Added-Last";

/// The two media types this server speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaKind {
    /// `application/taxii+json`.
    Taxii,
    /// `application/stix+json`.
    Stix,
}

impl MediaKind {
    fn subtype(self) -> &'static str {
        match self {
            Self::Taxii => "taxii+json",
            Self::Stix => "stix+json",
        }
    }

    /// The full media type with `version=2.1`.
    #[must_use]
    pub fn media_type(self) -> &'static str {
        match self {
            Self::Taxii => TAXII_MEDIA_TYPE,
            Self::Stix => STIX_MEDIA_TYPE,
        }
    }
}

/// A negotiation failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MediaError {
    /// No acceptable media range in `Accept` (HTTP 406).
    #[error("the Accept header must allow application/taxii+json;version=2.1")]
    NotAcceptable,
    /// The request body has the wrong `Content-Type` (HTTP 415).
    #[error("the Content-Type must be application/taxii+json;version=2.1")]
    UnsupportedMediaType,
}

struct MediaRange<'a> {
    main: &'a str,
    sub: &'a str,
    version: Option<&'a str>,
    q_zero: bool,
}

fn parse_range(text: &str) -> Option<MediaRange<'_>> {
    let mut parts = text.split(';');
    let (main, sub) = parts.next()?.trim().split_once('/')?;
    let (main, sub) = (main.trim(), sub.trim());
    if main.is_empty() || sub.is_empty() {
        return None;
    }
    let mut version = None;
    let mut q_zero = false;
    for p in parts {
        let Some((k, v)) = p.split_once('=') else {
            continue;
        };
        let v = v.trim().trim_matches('"');
        match k.trim().to_ascii_lowercase().as_str() {
            "version" => version = Some(v),
            "q" => q_zero = v.parse::<f32>().is_ok_and(|q| q <= 0.0),
            _ => {}
        }
    }
    Some(MediaRange { main, sub, version, q_zero })
}

fn range_matches(r: &MediaRange<'_>, kind: MediaKind) -> bool {
    let main = r.main.eq_ignore_ascii_case("application");
    let any = r.main == "*" && r.sub == "*";
    let app_any = main && r.sub == "*";
    let exact = main && r.sub.eq_ignore_ascii_case(kind.subtype());
    // An unversioned TAXII/STIX media type means the latest version, which is 2.1.
    (any || app_any) || (exact && r.version.is_none_or(|v| v == "2.1"))
}

/// Checks an `Accept` header against the media types an endpoint can produce, returning the
/// one to send. A missing header accepts anything (RFC 9110); wildcards are accepted so that
/// browsers and curl work, which TAXII permits since 406 is optional.
///
/// # Errors
/// [`MediaError::NotAcceptable`] when no range allows any of `offered`.
pub fn negotiate_accept(accept: Option<&str>, offered: &[MediaKind]) -> Result<MediaKind, MediaError> {
    let first = offered.first().copied().ok_or(MediaError::NotAcceptable)?;
    let Some(accept) = accept.filter(|a| !a.trim().is_empty()) else {
        return Ok(first);
    };
    let ranges: Vec<MediaRange<'_>> = accept.split(',').filter_map(parse_range).collect();
    for kind in offered {
        if ranges.iter().any(|r| !r.q_zero && range_matches(r, *kind)) {
            return Ok(*kind);
        }
    }
    Err(MediaError::NotAcceptable)
}

/// Checks a request `Content-Type`: exactly one of `allowed`, unversioned or `version=2.1`
/// (other parameters such as `charset` are ignored; wildcards are not content types).
///
/// # Errors
/// [`MediaError::UnsupportedMediaType`] otherwise.
pub fn check_content_type(content_type: Option<&str>, allowed: &[MediaKind]) -> Result<MediaKind, MediaError> {
    let r = content_type.and_then(parse_range).ok_or(MediaError::UnsupportedMediaType)?;
    if r.main == "*" || r.sub == "*" {
        return Err(MediaError::UnsupportedMediaType);
    }
    allowed.iter().copied().find(|k| range_matches(&r, *k)).ok_or(MediaError::UnsupportedMediaType)
}

/// The `X-TAXII-Date-Added-First`/`-Last` header pairs for a page, with microseconds.
#[must_use]
pub fn date_added_headers(first: OffsetDateTime, last: OffsetDateTime) -> [(&'static str, String); 2] {
    [(HEADER_DATE_ADDED_FIRST, format_taxii(first)), (HEADER_DATE_ADDED_LAST, format_taxii(last))]
}
