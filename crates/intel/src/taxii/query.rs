//! TAXII 2.1 query parameters (§3.4): `added_after`, `limit`, `next` and the `match[...]`
//! filters, parsed from a raw query string into typed values or a typed 400 error.

use crate::cursor::FilterFingerprint;
use crate::stix::ids::{is_valid_type_name, parse_id};
use crate::stix::{StixTimestamp, TimestampError};

use super::error::TaxiiError;

/// Which endpoint the query belongs to; filters an endpoint does not define are ignored, as
/// TAXII allows for unknown `match[...]` fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    /// GET `.../objects/`.
    Objects,
    /// GET `.../manifest/`.
    Manifest,
    /// GET `.../objects/{id}/`.
    Object,
    /// GET `.../objects/{id}/versions/`.
    Versions,
    /// DELETE `.../objects/{id}/`.
    Delete,
}

impl Endpoint {
    fn allows(self, field: Field) -> bool {
        use Field as F;
        match self {
            Self::Objects | Self::Manifest => true,
            Self::Object => !matches!(field, F::Id | F::Type),
            Self::Versions => !matches!(field, F::Id | F::Type | F::Version),
            Self::Delete => matches!(field, F::Version | F::SpecVersion),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    AddedAfter,
    Limit,
    Next,
    Id,
    Type,
    Version,
    SpecVersion,
}

/// Page-size bounds: requests above `max` are clamped (TAXII lets servers return fewer).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueryLimits {
    /// Used when the client sends no `limit`.
    pub default_limit: u32,
    /// Upper bound on any page.
    pub max_limit: u32,
}

impl Default for QueryLimits {
    fn default() -> Self {
        Self { default_limit: 1_000, max_limit: 10_000 }
    }
}

/// `match[version]`: `last` by default; `all` is exclusive; `first`/`last` may combine with
/// exact timestamps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionFilter {
    /// Every version.
    pub all: bool,
    /// The oldest version.
    pub first: bool,
    /// The newest version.
    pub last: bool,
    /// Versions whose `modified` (or `created`) equals one of these instants.
    pub exact: Vec<StixTimestamp>,
}

impl Default for VersionFilter {
    fn default() -> Self {
        Self { all: false, first: false, last: true, exact: Vec::new() }
    }
}

/// A parsed TAXII query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectQuery {
    /// The endpoint the query was parsed for (part of the cursor fingerprint).
    pub endpoint: Endpoint,
    /// Only objects whose `date_added` is strictly after this.
    pub added_after: Option<StixTimestamp>,
    /// Page size after clamping (≥ 1).
    pub limit: u32,
    /// True when the client asked for more than the server maximum.
    pub limit_clamped: bool,
    /// The opaque `next` cursor, to verify with [`crate::cursor::CursorKey::decode`].
    pub next: Option<String>,
    /// `match[id]` (OR within the list).
    pub ids: Option<Vec<String>>,
    /// `match[type]`.
    pub types: Option<Vec<String>>,
    /// `match[version]`.
    pub versions: VersionFilter,
    /// `match[spec_version]`; absent means only the newest spec version per object.
    pub spec_versions: Option<Vec<String>>,
}

/// A malformed query parameter (HTTP 400).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    /// The value does not parse.
    #[error("query parameter `{param}` has an invalid value `{value}`: {reason}")]
    Invalid {
        /// Parameter name as TAXII spells it.
        param: &'static str,
        /// The (truncated) offending value.
        value: String,
        /// The rule it breaks.
        reason: String,
    },
    /// The same parameter appears twice.
    #[error("query parameter `{0}` may appear only once")]
    Repeated(&'static str),
    /// Broken percent-encoding or non-UTF-8 bytes.
    #[error("the query string is not valid percent-encoded UTF-8")]
    Encoding,
}

impl QueryError {
    /// The parameter at fault, when one is known.
    #[must_use]
    pub fn param(&self) -> Option<&'static str> {
        match self {
            Self::Invalid { param, .. } | Self::Repeated(param) => Some(param),
            Self::Encoding => None,
        }
    }

    /// The TAXII error body for this problem (HTTP 400).
    #[must_use]
    pub fn to_taxii_error(&self) -> TaxiiError {
        let mut e = TaxiiError::new(400, "Invalid query parameter")
            .with_description(self.to_string())
            .with_error_code("invalid-query-parameter");
        if let Some(p) = self.param() {
            e = e.with_detail("parameter", p);
        }
        e
    }
}

fn invalid(param: &'static str, value: &str, reason: impl Into<String>) -> QueryError {
    QueryError::Invalid { param, value: value.chars().take(80).collect(), reason: reason.into() }
}

/// Parses a raw query string (without the leading `?`).
///
/// # Errors
/// [`QueryError`] for any malformed or repeated parameter.
pub fn parse_query(raw: &str, endpoint: Endpoint, limits: QueryLimits) -> Result<ObjectQuery, QueryError> {
    let mut q = ObjectQuery {
        endpoint,
        added_after: None,
        limit: limits.default_limit.clamp(1, limits.max_limit.max(1)),
        limit_clamped: false,
        next: None,
        ids: None,
        types: None,
        versions: VersionFilter::default(),
        spec_versions: None,
    };
    let mut seen: Vec<Field> = Vec::new();
    for pair in raw.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let key = percent_decode(k)?;
        let value = percent_decode(v)?;
        let (field, name) = match key.as_str() {
            "added_after" => (Field::AddedAfter, "added_after"),
            "limit" => (Field::Limit, "limit"),
            "next" => (Field::Next, "next"),
            "match[id]" => (Field::Id, "match[id]"),
            "match[type]" => (Field::Type, "match[type]"),
            "match[version]" => (Field::Version, "match[version]"),
            "match[spec_version]" => (Field::SpecVersion, "match[spec_version]"),
            _ => continue,
        };
        if seen.contains(&field) {
            return Err(QueryError::Repeated(name));
        }
        seen.push(field);
        if !endpoint.allows(field) {
            continue;
        }
        match field {
            Field::AddedAfter => {
                q.added_after = Some(
                    StixTimestamp::parse(&value).map_err(|e: TimestampError| invalid(name, &value, e.to_string()))?,
                );
            }
            Field::Limit => {
                let (limit, clamped) = parse_limit(&value, limits)?;
                q.limit = limit;
                q.limit_clamped = clamped;
            }
            Field::Next => {
                if value.is_empty()
                    || value.len() > 512
                    || !value.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_')
                {
                    return Err(invalid(name, &value, "not a cursor issued by this server"));
                }
                q.next = Some(value);
            }
            Field::Id => {
                let ids = list(name, &value, |s| parse_id(s).map(|_| ()).map_err(|e| e.to_string()))?;
                q.ids = Some(ids);
            }
            Field::Type => {
                let types = list(name, &value, |s| {
                    if is_valid_type_name(s) {
                        Ok(())
                    } else {
                        Err("type names use a-z, 0-9 and hyphens, 3-250 characters".to_owned())
                    }
                })?;
                q.types = Some(types);
            }
            Field::Version => q.versions = parse_versions(&value)?,
            Field::SpecVersion => {
                let v = list(name, &value, |s| {
                    let ok = s.split_once('.').is_some_and(|(a, b)| {
                        !a.is_empty()
                            && !b.is_empty()
                            && a.len() <= 3
                            && b.len() <= 3
                            && a.bytes().chain(b.bytes()).all(|c| c.is_ascii_digit())
                    });
                    if ok { Ok(()) } else { Err("spec versions look like 2.1".to_owned()) }
                })?;
                q.spec_versions = Some(v);
            }
        }
    }
    Ok(q)
}

fn parse_limit(value: &str, limits: QueryLimits) -> Result<(u32, bool), QueryError> {
    let name = "limit";
    if value.is_empty() || !value.bytes().all(|c| c.is_ascii_digit()) {
        return Err(invalid(name, value, "must be a positive integer"));
    }
    let max = limits.max_limit.max(1);
    // Very long digit strings are still positive integers; they are simply clamped.
    let n: u64 = value.parse().unwrap_or(u64::MAX);
    if n == 0 {
        return Err(invalid(name, value, "must be at least 1"));
    }
    if n > u64::from(max) { Ok((max, true)) } else { Ok((u32::try_from(n).unwrap_or(max), false)) }
}

const MAX_LIST_ITEMS: usize = 1_000;

fn list(
    name: &'static str,
    value: &str,
    check: impl Fn(&str) -> Result<(), String>,
) -> Result<Vec<String>, QueryError> {
    if value.is_empty() {
        return Err(invalid(name, value, "must not be empty"));
    }
    let items: Vec<&str> = value.split(',').collect();
    if items.len() > MAX_LIST_ITEMS {
        return Err(invalid(name, value, format!("at most {MAX_LIST_ITEMS} values per filter")));
    }
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        if item.is_empty() || item.contains(char::is_whitespace) {
            return Err(invalid(name, value, "values are comma-separated without spaces or empty items"));
        }
        check(item).map_err(|reason| invalid(name, item, reason))?;
        if !out.iter().any(|o: &String| o == item) {
            out.push(item.to_owned());
        }
    }
    Ok(out)
}

fn parse_versions(value: &str) -> Result<VersionFilter, QueryError> {
    let name = "match[version]";
    let items = list(name, value, |_| Ok(()))?;
    let mut f = VersionFilter { all: false, first: false, last: false, exact: Vec::new() };
    for item in &items {
        match item.as_str() {
            "all" => f.all = true,
            "first" => f.first = true,
            "last" => f.last = true,
            ts => f.exact.push(
                StixTimestamp::parse(ts)
                    .map_err(|e| invalid(name, ts, format!("expected first, last, all or a timestamp: {e}")))?,
            ),
        }
    }
    if f.all && items.len() > 1 {
        return Err(invalid(name, value, "`all` cannot be combined with other values"));
    }
    Ok(f)
}

fn percent_decode(s: &str) -> Result<String, QueryError> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' => {
                let hex = b.get(i + 1..i + 3).ok_or(QueryError::Encoding)?;
                let h = std::str::from_utf8(hex).map_err(|_| QueryError::Encoding)?;
                out.push(u8::from_str_radix(h, 16).map_err(|_| QueryError::Encoding)?);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8(out).map_err(|_| QueryError::Encoding)
}

impl ObjectQuery {
    /// The fingerprint a `next` cursor is bound to: the collection, the caller and every
    /// filter, but not `limit` (clients such as taxii2-client change it between pages).
    #[must_use]
    pub fn fingerprint(&self, collection_id: &str, principal: &str) -> FilterFingerprint {
        let sorted = |v: &Option<Vec<String>>| {
            v.as_ref().map_or_else(
                || "-".to_owned(),
                |l| {
                    let mut l = l.clone();
                    l.sort();
                    l.join(",")
                },
            )
        };
        let added = self.added_after.as_ref().map_or_else(|| "-".to_owned(), |t| t.unix_micros().to_string());
        let mut exact: Vec<String> =
            self.versions.exact.iter().map(|t| t.instant().unix_timestamp_nanos().to_string()).collect();
        exact.sort();
        let versions = format!(
            "{}{}{}:{}",
            u8::from(self.versions.all),
            u8::from(self.versions.first),
            u8::from(self.versions.last),
            exact.join(",")
        );
        let ids = sorted(&self.ids);
        let types = sorted(&self.types);
        let specs = sorted(&self.spec_versions);
        let endpoint = format!("{:?}", self.endpoint);
        FilterFingerprint::from_parts([
            "taxii-query-v1",
            &endpoint,
            collection_id,
            principal,
            &added,
            &ids,
            &types,
            &versions,
            &specs,
        ])
    }
}
