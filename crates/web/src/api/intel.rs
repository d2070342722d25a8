//! REST endpoints of the sharing hub under `/api/v1/intel`: bulk indicator matching, object
//! browsing with relationships, and the reporting flow (submit, de-identify, consent,
//! publish). TLP is enforced by the store on every read.

use axum::Json;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use mamori_intel::matching::{Observable, classify};
use mamori_intel::tlp::Tlp;
use mamori_store::intel::{MatchReport, NewReport, ObjectFilter, ReportInfo, SanitiseOptions};
use serde::Deserialize;
use serde_json::{Value, json};

use super::extract::{ApiJson, ApiTenant};
use crate::AppState;
use crate::error::{ApiError, ApiResult};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/intel/match", post(match_observables))
        .route("/intel/objects", get(objects))
        .route("/intel/objects/{id}", get(object))
        .route("/intel/reports", get(reports).post(submit))
        .route("/intel/reports/{id}", get(report))
        .route("/intel/reports/{id}/sanitise", post(sanitise))
        .route("/intel/reports/{id}/approve", post(approve))
        .route("/intel/reports/{id}/withdraw", post(withdraw))
        .route("/intel/reports/{id}/publish", post(publish))
}

#[derive(Deserialize)]
struct MatchRequest {
    observables: Vec<String>,
}

/// Match up to 10,000 raw observables (IPs, CIDRs, domains, URLs, hashes) against the
/// indicators the caller may read. Unsupported indicator patterns are listed.
async fn match_observables(
    State(state): State<AppState>,
    ApiTenant(t): ApiTenant,
    ApiJson(req): ApiJson<MatchRequest>,
) -> ApiResult<Json<MatchReport>> {
    Ok(Json(state.store.intel_match(&t, &req.observables).await?))
}

#[derive(Deserialize)]
struct ObjectsQuery {
    #[serde(rename = "type")]
    object_type: Option<String>,
    q: Option<String>,
    limit: Option<u32>,
    /// `date_added:row_id` of the last item of the previous page.
    after: Option<String>,
}

fn parse_after(a: Option<&str>) -> Result<Option<(i64, i64)>, ApiError> {
    let Some(a) = a else { return Ok(None) };
    let (d, r) =
        a.split_once(':').ok_or_else(|| ApiError::field("after", "use the next_after of the previous page"))?;
    match (d.parse(), r.parse()) {
        (Ok(d), Ok(r)) => Ok(Some((d, r))),
        _ => Err(ApiError::field("after", "use the next_after of the previous page")),
    }
}

/// Objects visible to the caller across readable collections, oldest first.
async fn objects(
    State(state): State<AppState>,
    ApiTenant(t): ApiTenant,
    Query(q): Query<ObjectsQuery>,
) -> ApiResult<Json<Value>> {
    let limit = q.limit.unwrap_or(50);
    if !(1..=500).contains(&limit) {
        return Err(ApiError::field("limit", "must be between 1 and 500"));
    }
    let filter = ObjectFilter {
        types: q.object_type.filter(|s| !s.is_empty()).map(|s| vec![s]),
        text: q.q,
        ..Default::default()
    };
    let page = state.store.intel_objects_page(&t, None, &filter, parse_after(q.after.as_deref())?, limit, true).await?;
    let next = if page.more { page.rows.last().map(|r| format!("{}:{}", r.date_added, r.row_id)) } else { None };
    let items: Vec<Value> = page
        .rows
        .iter()
        .map(|r| {
            json!({"collection_id": r.collection_id, "tlp": r.tlp, "date_added_micros": r.date_added,
                   "object": r.body.as_deref().and_then(|b| serde_json::from_str::<Value>(b).ok())})
        })
        .collect();
    Ok(Json(json!({"items": items, "next_after": next})))
}

/// One object (every visible version) with the relationships that point to or from it.
async fn object(
    State(state): State<AppState>,
    ApiTenant(t): ApiTenant,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    Ok(Json(object_with_relationships(&state, &t, &id).await?))
}

pub(crate) async fn object_with_relationships(
    state: &AppState,
    t: &mamori_store::Tenant,
    id: &str,
) -> Result<Value, mamori_store::StoreError> {
    let filter = ObjectFilter { ids: Some(vec![id.to_owned()]), ..Default::default() };
    let page = state.store.intel_objects_page(t, None, &filter, None, 50, true).await?;
    let first = page.rows.first().ok_or(mamori_store::StoreError::NotFound)?;
    let obj: Value = first.body.as_deref().and_then(|b| serde_json::from_str(b).ok()).unwrap_or(Value::Null);
    let rel_filter = ObjectFilter { touching: Some(id.to_owned()), ..Default::default() };
    let rels = state.store.intel_objects_page(t, None, &rel_filter, None, 500, true).await?;
    let relationships: Vec<Value> =
        rels.rows.iter().filter_map(|r| r.body.as_deref().and_then(|b| serde_json::from_str(b).ok())).collect();
    Ok(json!({"object": obj, "tlp": first.tlp, "collection_id": first.collection_id, "relationships": relationships}))
}

#[derive(Deserialize)]
struct SubmitRequest {
    circle: String,
    collection: String,
    title: String,
    tlp: String,
    description: Option<String>,
    /// One observable per line (IPs, CIDRs, domains, URLs, hashes), turned into indicators.
    observables: Option<String>,
    /// Or a complete STIX 2.1 bundle.
    bundle: Option<Value>,
}

fn escape_pattern(v: &str) -> String {
    v.replace('\\', "\\\\").replace('\'', "\\'")
}

/// The STIX pattern for one raw observable line, or why it is not one.
pub(crate) fn pattern_for(line: &str) -> Result<String, String> {
    let v = line.trim();
    if let Some((ip, prefix)) = v.split_once('/')
        && prefix.parse::<u8>().is_ok()
    {
        return match ip.parse::<std::net::IpAddr>() {
            Ok(std::net::IpAddr::V4(_)) => Ok(format!("[ipv4-addr:value = '{}']", escape_pattern(v))),
            Ok(std::net::IpAddr::V6(_)) => Ok(format!("[ipv6-addr:value = '{}']", escape_pattern(v))),
            Err(_) => Err(format!("`{v}` is not an address or CIDR")),
        };
    }
    match classify(v).map_err(|e| e.to_string())? {
        Observable::Ipv4(a) => Ok(format!("[ipv4-addr:value = '{a}']")),
        Observable::Ipv6(a) => Ok(format!("[ipv6-addr:value = '{a}']")),
        Observable::Domain(d) => Ok(format!("[domain-name:value = '{}']", escape_pattern(&d))),
        Observable::Url(u) => Ok(format!("[url:value = '{}']", escape_pattern(&u))),
        Observable::Hash(h) => Ok(format!("[file:hashes.'{}' = '{}']", h.algorithm(), v.to_ascii_lowercase())),
    }
}

/// Builds a STIX bundle (a report plus one indicator per observable) from the form fields.
pub(crate) fn report_bundle(title: &str, description: &str, tlp: Tlp, observables: &str) -> Result<Value, Vec<String>> {
    let now = mamori_intel::stix::timestamp::format_taxii(time::OffsetDateTime::now_utc());
    let marking = tlp.marking_id();
    let mut errors = Vec::new();
    let mut objects = vec![tlp.marking_definition()];
    let mut refs = Vec::new();
    for line in observables.lines().map(str::trim).filter(|l| !l.is_empty()).take(1_000) {
        match pattern_for(line) {
            Ok(pattern) => {
                let id = format!("indicator--{}", uuid::Uuid::new_v4());
                refs.push(Value::from(id.clone()));
                objects.push(
                    json!({"type": "indicator", "spec_version": "2.1", "id": id, "created": now, "modified": now,
                    "name": line, "indicator_types": ["malicious-activity"], "pattern": pattern, "pattern_type": "stix",
                    "valid_from": now, "object_marking_refs": [marking]}),
                );
            }
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    if refs.is_empty() {
        return Err(vec!["enter at least one observable".into()]);
    }
    let mut report = json!({"type": "report", "spec_version": "2.1", "id": format!("report--{}", uuid::Uuid::new_v4()),
        "created": now, "modified": now, "name": title.trim(), "published": now, "report_types": ["threat-report"],
        "object_refs": refs, "object_marking_refs": [marking]});
    if !description.trim().is_empty() {
        report["description"] = json!(description.trim());
    }
    objects.push(report);
    Ok(json!({"type": "bundle", "id": format!("bundle--{}", uuid::Uuid::new_v4()), "objects": objects}))
}

fn parse_tlp(s: &str) -> Result<Tlp, ApiError> {
    Tlp::parse(s).ok_or_else(|| ApiError::field("tlp", "use clear, green, amber, amber+strict or red"))
}

/// Submit a report to a circle's hub: STIX built from observables, or a bundle.
async fn submit(
    State(state): State<AppState>,
    ApiTenant(t): ApiTenant,
    ApiJson(req): ApiJson<SubmitRequest>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let tlp = parse_tlp(&req.tlp)?;
    let bundle = match (req.bundle, req.observables) {
        (Some(b), _) => b,
        (None, Some(lines)) => report_bundle(&req.title, req.description.as_deref().unwrap_or(""), tlp, &lines)
            .map_err(|e| ApiError::field("observables", e.join("; ")))?,
        (None, None) => return Err(ApiError::field("observables", "send observables or a bundle")),
    };
    let id = state
        .store
        .intel_submit_report(
            &t,
            NewReport { root: &req.circle, collection_id: &req.collection, title: &req.title, tlp, bundle },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(json!({"id": id, "state": "submitted"}))))
}

async fn reports(State(state): State<AppState>, ApiTenant(t): ApiTenant) -> ApiResult<Json<Vec<ReportInfo>>> {
    Ok(Json(state.store.intel_reports(&t).await?))
}

async fn report(
    State(state): State<AppState>,
    ApiTenant(t): ApiTenant,
    Path(id): Path<String>,
) -> ApiResult<Json<ReportInfo>> {
    Ok(Json(state.store.intel_report(&t, &id).await?))
}

#[derive(Deserialize, Default)]
pub(crate) struct SanitiseRequest {
    #[serde(default)]
    pub internal_domains: Vec<String>,
    #[serde(default)]
    pub terms: Vec<String>,
    #[serde(default)]
    pub private_ips: bool,
    #[serde(default)]
    pub internal_emails_only: bool,
}

impl SanitiseRequest {
    pub(crate) fn options(self) -> SanitiseOptions {
        let clean = |v: Vec<String>| v.into_iter().map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect();
        SanitiseOptions {
            internal_domain_suffixes: clean(self.internal_domains),
            terms: clean(self.terms),
            private_ips: self.private_ips,
            internal_emails_only: self.internal_emails_only,
        }
    }
}

/// Hub analysts: de-identify and return the preview (sanitised content and change list).
async fn sanitise(
    State(state): State<AppState>,
    ApiTenant(t): ApiTenant,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<SanitiseRequest>,
) -> ApiResult<Json<ReportInfo>> {
    Ok(Json(state.store.intel_sanitise_report(&t, &id, &req.options()).await?))
}

/// The reporter consents to publishing the current sanitised content.
async fn approve(
    State(state): State<AppState>,
    ApiTenant(t): ApiTenant,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    state.store.intel_approve_report(&t, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn withdraw(
    State(state): State<AppState>,
    ApiTenant(t): ApiTenant,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    state.store.intel_withdraw_report(&t, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Hub analysts: publish an approved report to its collection.
async fn publish(
    State(state): State<AppState>,
    ApiTenant(t): ApiTenant,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let n = state.store.intel_publish_report(&t, &id).await?;
    Ok(Json(json!({"published_objects": n})))
}
