//! Request and response bodies of the sharing-hub endpoints (`/api/v1/intel`), with their
//! OpenAPI schemas. STIX objects travel as free-form JSON objects.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use mamori_store::intel::{MatchHit, MatchProblem, MatchReport, MatchResult, ObjectRow, ReportInfo, SanitiseOptions};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use crate::error::ApiError;

/// Raw observables to check against the indicators the caller may read.
#[derive(Debug, Deserialize, ToSchema)]
pub struct MatchRequest {
    /// Up to 10,000 IPv4/IPv6 addresses, CIDRs, domains, URLs or file hashes.
    pub observables: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MatchHitDto {
    pub indicator_id: String,
    /// `exact`, `cidr/<prefix>`, `parent-domain` or `url-host`.
    pub how: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MatchResultDto {
    pub value: String,
    /// ipv4, ipv6, cidr, domain, url or hash.
    pub kind: String,
    pub matches: Vec<MatchHitDto>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MatchProblemDto {
    pub value: String,
    pub error: String,
}

/// The outcome of one match call. Only indicators visible to the caller take part.
#[derive(Debug, Serialize, ToSchema)]
pub struct MatchReportDto {
    /// Indicators visible to the caller and indexed.
    pub indicators: usize,
    pub checked: usize,
    /// Observables that matched at least one indicator.
    pub results: Vec<MatchResultDto>,
    /// Inputs that are not an IP, CIDR, domain, URL or hash.
    pub invalid: Vec<MatchProblemDto>,
    /// Visible indicators whose pattern is not supported (value = indicator id).
    pub unsupported: Vec<MatchProblemDto>,
}

fn problem(p: MatchProblem) -> MatchProblemDto {
    MatchProblemDto { value: p.value, error: p.error }
}

fn hit(h: MatchHit) -> MatchHitDto {
    MatchHitDto { indicator_id: h.indicator_id, how: h.how }
}

fn result(r: MatchResult) -> MatchResultDto {
    MatchResultDto { value: r.value, kind: r.kind.to_owned(), matches: r.matches.into_iter().map(hit).collect() }
}

impl From<MatchReport> for MatchReportDto {
    fn from(r: MatchReport) -> Self {
        MatchReportDto {
            indicators: r.indicators,
            checked: r.checked,
            results: r.results.into_iter().map(result).collect(),
            invalid: r.invalid.into_iter().map(problem).collect(),
            unsupported: r.unsupported.into_iter().map(problem).collect(),
        }
    }
}

/// Filters and paging of the object listing.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ObjectsQuery {
    /// Only objects of this STIX type, e.g. `indicator`.
    #[serde(rename = "type")]
    #[param(rename = "type")]
    pub object_type: Option<String>,
    /// Case-insensitive text in name, description, pattern, value or external ids.
    pub q: Option<String>,
    /// Items per page, 1–200 (default 50).
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

impl ObjectsQuery {
    pub fn limit(&self) -> Result<u32, ApiError> {
        match self.limit {
            None => Ok(50),
            Some(n @ 1..=200) => Ok(n),
            Some(_) => Err(ApiError::field("limit", "must be between 1 and 200")),
        }
    }

    /// The keyset position `(date_added, row_id)` the cursor names.
    pub fn position(&self) -> Result<Option<(i64, i64)>, ApiError> {
        let Some(c) = &self.cursor else { return Ok(None) };
        let bad = || ApiError::field("cursor", "is not a cursor returned by this endpoint");
        let bytes = URL_SAFE_NO_PAD.decode(c.as_bytes()).map_err(|_| bad())?;
        let text = String::from_utf8(bytes).map_err(|_| bad())?;
        let (d, r) = text.strip_prefix("o:").and_then(|t| t.split_once(':')).ok_or_else(bad)?;
        match (d.parse(), r.parse()) {
            (Ok(d), Ok(r)) => Ok(Some((d, r))),
            _ => Err(bad()),
        }
    }
}

/// The cursor that continues after `row`.
pub fn object_cursor(row: &ObjectRow) -> String {
    URL_SAFE_NO_PAD.encode(format!("o:{}:{}", row.date_added, row.row_id))
}

/// One stored object version the caller may read.
#[derive(Debug, Serialize, ToSchema)]
pub struct IntelObjectDto {
    pub collection_id: String,
    /// clear, green, amber, amber+strict or red.
    pub tlp: String,
    /// When the hub stored it, in microseconds since the epoch.
    pub date_added_micros: i64,
    /// The STIX 2.1 object.
    #[schema(value_type = Object)]
    pub object: Value,
}

impl From<&ObjectRow> for IntelObjectDto {
    fn from(r: &ObjectRow) -> Self {
        IntelObjectDto {
            collection_id: r.collection_id.clone(),
            tlp: r.tlp.clone(),
            date_added_micros: r.date_added,
            object: r.body.as_deref().and_then(|b| serde_json::from_str(b).ok()).unwrap_or(Value::Null),
        }
    }
}

/// A page of objects.
#[derive(Debug, Serialize, ToSchema)]
pub struct IntelObjectPage {
    pub items: Vec<IntelObjectDto>,
    /// Pass as `cursor` to get the next page; null on the last page.
    pub next_cursor: Option<String>,
}

/// One object with the relationships and sightings that point to or from it.
#[derive(Debug, Serialize, ToSchema)]
pub struct IntelObjectDetail {
    /// The latest visible version.
    #[schema(value_type = Object)]
    pub object: Value,
    pub tlp: String,
    pub collection_id: String,
    /// Every visible version, newest first.
    #[schema(value_type = Vec<Object>)]
    pub versions: Vec<Value>,
    /// Visible relationships and sightings whose source or target is this object.
    #[schema(value_type = Vec<Object>)]
    pub relationships: Vec<Value>,
}

/// A report for a circle's hub: observables (one per line) turned into indicators, or a bundle.
#[derive(Debug, Deserialize, ToSchema)]
pub struct SubmitRequest {
    /// The circle's API root, e.g. `council`.
    pub circle: String,
    /// The collection the report is to be published to.
    pub collection: String,
    pub title: String,
    /// clear, green, amber, amber+strict or red.
    pub tlp: String,
    pub description: Option<String>,
    /// One observable per line (IPs, CIDRs, domains, URLs, hashes), turned into indicators.
    pub observables: Option<String>,
    /// Or a complete STIX 2.1 bundle.
    #[schema(value_type = Option<Object>)]
    pub bundle: Option<Value>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SubmitResponse {
    pub id: String,
    pub state: String,
}

/// A report as its reporter or a hub analyst sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportDto {
    pub id: String,
    pub circle_id: String,
    pub collection_id: String,
    pub org_id: String,
    pub user_id: String,
    pub title: String,
    pub tlp: String,
    /// submitted, sanitised, approved, published or withdrawn.
    pub state: String,
    /// The bundle as submitted.
    #[schema(value_type = Object)]
    pub original: Value,
    /// The de-identified bundle the reporter approves.
    #[schema(value_type = Option<Object>)]
    pub sanitised: Option<Value>,
    /// The preview: every change made by de-identification (path, before, after, rule).
    #[schema(value_type = Option<Vec<Object>>)]
    pub changes: Option<Value>,
    pub created_at: i64,
    pub updated_at: i64,
    pub viewer_is_analyst: bool,
    pub viewer_is_reporter: bool,
}

impl From<ReportInfo> for ReportDto {
    fn from(r: ReportInfo) -> Self {
        ReportDto {
            id: r.id,
            circle_id: r.circle_id,
            collection_id: r.collection_id,
            org_id: r.org_id,
            user_id: r.user_id,
            title: r.title,
            tlp: r.tlp,
            state: r.state.as_str().to_owned(),
            original: r.original,
            sanitised: r.sanitised,
            changes: r.changes,
            created_at: r.created_at,
            updated_at: r.updated_at,
            viewer_is_analyst: r.viewer_is_analyst,
            viewer_is_reporter: r.viewer_is_reporter,
        }
    }
}

/// What de-identification replaces beyond identities, e-mail addresses and names.
#[derive(Debug, Deserialize, Default, ToSchema)]
pub struct SanitiseRequest {
    /// Host names under these suffixes are internal (e.g. `corp.example`).
    #[serde(default)]
    pub internal_domains: Vec<String>,
    /// Further words to replace (product names, site names).
    #[serde(default)]
    pub terms: Vec<String>,
    /// Replace private (RFC 1918, ULA) addresses too.
    #[serde(default)]
    pub private_ips: bool,
    /// Replace only e-mail addresses under the internal domains.
    #[serde(default)]
    pub internal_emails_only: bool,
}

impl SanitiseRequest {
    pub fn options(self) -> SanitiseOptions {
        let clean = |v: Vec<String>| v.into_iter().map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect();
        SanitiseOptions {
            internal_domain_suffixes: clean(self.internal_domains),
            terms: clean(self.terms),
            private_ips: self.private_ips,
            internal_emails_only: self.internal_emails_only,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PublishResponse {
    /// Objects published to the report's collection.
    pub published_objects: usize,
}
