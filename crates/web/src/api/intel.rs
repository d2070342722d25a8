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
use mamori_store::intel::{NewReport, ObjectFilter, ObjectRow, VersionSel};
use serde_json::{Value, json};
use utoipa::OpenApi;

use super::extract::{ApiJson, ApiTenant, Page, PageQuery};
use super::intel_dto::*;
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

/// The sharing-hub part of the OpenAPI document, merged into the main one.
#[derive(OpenApi)]
#[openapi(
    paths(match_observables, objects, object, reports, submit, report, sanitise, approve, withdraw, publish),
    components(schemas(MatchRequest, MatchReportDto, MatchResultDto, MatchHitDto, MatchProblemDto, IntelObjectDto,
        IntelObjectPage, IntelObjectDetail, SubmitRequest, SubmitResponse, ReportDto, SanitiseRequest,
        PublishResponse, Page<ReportDto>))
)]
pub struct IntelApi;

/// Match up to 10,000 raw observables (IPs, CIDRs, domains, URLs, hashes) against the
/// indicators the caller may read. Unsupported indicator patterns are listed.
#[utoipa::path(post, path = "/api/v1/intel/match", tag = "intel", request_body = MatchRequest,
    security(("bearer" = [])),
    responses((status = 200, body = MatchReportDto), (status = 401, body = crate::Problem),
        (status = 422, body = crate::Problem)))]
async fn match_observables(
    State(state): State<AppState>,
    ApiTenant(t): ApiTenant,
    ApiJson(req): ApiJson<MatchRequest>,
) -> ApiResult<Json<MatchReportDto>> {
    Ok(Json(state.store.intel_match(&t, &req.observables).await?.into()))
}

/// Objects visible to the caller across readable collections, oldest first, filtered by
/// type and text.
#[utoipa::path(get, path = "/api/v1/intel/objects", tag = "intel", params(ObjectsQuery), security(("bearer" = [])),
    responses((status = 200, body = IntelObjectPage), (status = 401, body = crate::Problem),
        (status = 422, body = crate::Problem)))]
async fn objects(
    State(state): State<AppState>,
    ApiTenant(t): ApiTenant,
    Query(q): Query<ObjectsQuery>,
) -> ApiResult<Json<IntelObjectPage>> {
    let limit = q.limit()?;
    let filter = ObjectFilter {
        types: q.object_type.clone().filter(|s| !s.trim().is_empty()).map(|s| vec![s.trim().to_owned()]),
        text: q.q.clone().filter(|s| !s.trim().is_empty()),
        ..Default::default()
    };
    let page = state.store.intel_objects_page(&t, None, &filter, q.position()?, limit, true).await?;
    let next_cursor = if page.more { page.rows.last().map(object_cursor) } else { None };
    Ok(Json(IntelObjectPage { items: page.rows.iter().map(IntelObjectDto::from).collect(), next_cursor }))
}

/// One object (every visible version) with the relationships that point to or from it.
#[utoipa::path(get, path = "/api/v1/intel/objects/{id}", tag = "intel", params(("id" = String, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = IntelObjectDetail), (status = 404, body = crate::Problem)))]
async fn object(
    State(state): State<AppState>,
    ApiTenant(t): ApiTenant,
    Path(id): Path<String>,
) -> ApiResult<Json<IntelObjectDetail>> {
    let view = object_view(&state, &t, &id).await?;
    let parse = |r: &ObjectRow| r.body.as_deref().and_then(|b| serde_json::from_str::<Value>(b).ok());
    let latest = view.versions.first().ok_or(ApiError::new(crate::error::Code::NotFound))?;
    Ok(Json(IntelObjectDetail {
        object: parse(latest).unwrap_or(Value::Null),
        tlp: latest.tlp.clone(),
        collection_id: latest.collection_id.clone(),
        versions: view.versions.iter().filter_map(parse).collect(),
        relationships: view.relationships.iter().filter_map(parse).collect(),
    }))
}

/// What the caller may see of one object.
pub(crate) struct ObjectView {
    /// Every visible version, newest first (never empty).
    pub versions: Vec<ObjectRow>,
    /// The newest visible version of every relationship or sighting touching the object.
    pub relationships: Vec<ObjectRow>,
}

/// An object the tenant may read, its visible versions and the visible relationships and
/// sightings touching it; `NotFound` when no version is visible.
pub(crate) async fn object_view(
    state: &AppState,
    t: &mamori_store::Tenant,
    id: &str,
) -> Result<ObjectView, mamori_store::StoreError> {
    let filter = ObjectFilter { ids: Some(vec![id.to_owned()]), versions: VersionSel::all(), ..Default::default() };
    let mut versions = state.store.intel_objects_page(t, None, &filter, None, 200, true).await?.rows;
    if versions.is_empty() {
        return Err(mamori_store::StoreError::NotFound);
    }
    // Newest version first: by `modified`, then by when it was added.
    versions.sort_by(|a, b| b.version.cmp(&a.version).then(b.date_added.cmp(&a.date_added)));
    let rel_filter = ObjectFilter { touching: Some(id.to_owned()), ..Default::default() };
    let relationships = state.store.intel_objects_page(t, None, &rel_filter, None, 500, true).await?.rows;
    Ok(ObjectView { versions, relationships })
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
#[utoipa::path(post, path = "/api/v1/intel/reports", tag = "intel", request_body = SubmitRequest,
    security(("bearer" = [])),
    responses((status = 201, body = SubmitResponse), (status = 403, body = crate::Problem),
        (status = 404, body = crate::Problem), (status = 422, body = crate::Problem)))]
async fn submit(
    State(state): State<AppState>,
    ApiTenant(t): ApiTenant,
    ApiJson(req): ApiJson<SubmitRequest>,
) -> ApiResult<(StatusCode, Json<SubmitResponse>)> {
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
    Ok((StatusCode::CREATED, Json(SubmitResponse { id, state: "submitted".into() })))
}

/// Reports the caller may see, newest first: its organization's own and, for hub
/// analysts, every report submitted to their hub.
#[utoipa::path(get, path = "/api/v1/intel/reports", tag = "intel", params(PageQuery), security(("bearer" = [])),
    responses((status = 200, body = Page<ReportDto>), (status = 401, body = crate::Problem)))]
async fn reports(
    State(state): State<AppState>,
    ApiTenant(t): ApiTenant,
    Query(q): Query<PageQuery>,
) -> ApiResult<Json<Page<ReportDto>>> {
    let all = state.store.intel_reports(&t).await?.into_iter().map(ReportDto::from).collect();
    Ok(Json(Page::from_vec(all, &q)?))
}

/// One report, with its original, its de-identified content and the change list.
#[utoipa::path(get, path = "/api/v1/intel/reports/{id}", tag = "intel", params(("id" = String, Path)),
    security(("bearer" = [])), responses((status = 200, body = ReportDto), (status = 404, body = crate::Problem)))]
async fn report(
    State(state): State<AppState>,
    ApiTenant(t): ApiTenant,
    Path(id): Path<String>,
) -> ApiResult<Json<ReportDto>> {
    Ok(Json(state.store.intel_report(&t, &id).await?.into()))
}

/// Hub analysts: de-identify and return the preview (sanitised content and change list).
/// Re-sanitising an approved report voids the reporter's consent.
#[utoipa::path(post, path = "/api/v1/intel/reports/{id}/sanitise", tag = "intel", params(("id" = String, Path)),
    request_body = SanitiseRequest, security(("bearer" = [])),
    responses((status = 200, body = ReportDto), (status = 403, body = crate::Problem),
        (status = 404, body = crate::Problem), (status = 409, body = crate::Problem)))]
async fn sanitise(
    State(state): State<AppState>,
    ApiTenant(t): ApiTenant,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<SanitiseRequest>,
) -> ApiResult<Json<ReportDto>> {
    Ok(Json(state.store.intel_sanitise_report(&t, &id, &req.options()).await?.into()))
}

/// The reporter consents to publishing the current sanitised content.
#[utoipa::path(post, path = "/api/v1/intel/reports/{id}/approve", tag = "intel", params(("id" = String, Path)),
    security(("bearer" = [])),
    responses((status = 204), (status = 403, body = crate::Problem), (status = 404, body = crate::Problem),
        (status = 409, body = crate::Problem)))]
async fn approve(
    State(state): State<AppState>,
    ApiTenant(t): ApiTenant,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    state.store.intel_approve_report(&t, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The reporter withdraws the report (any state before publication).
#[utoipa::path(post, path = "/api/v1/intel/reports/{id}/withdraw", tag = "intel", params(("id" = String, Path)),
    security(("bearer" = [])),
    responses((status = 204), (status = 403, body = crate::Problem), (status = 404, body = crate::Problem),
        (status = 409, body = crate::Problem)))]
async fn withdraw(
    State(state): State<AppState>,
    ApiTenant(t): ApiTenant,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    state.store.intel_withdraw_report(&t, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Hub analysts: publish an approved report to its collection.
#[utoipa::path(post, path = "/api/v1/intel/reports/{id}/publish", tag = "intel", params(("id" = String, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = PublishResponse), (status = 403, body = crate::Problem),
        (status = 404, body = crate::Problem), (status = 409, body = crate::Problem)))]
async fn publish(
    State(state): State<AppState>,
    ApiTenant(t): ApiTenant,
    Path(id): Path<String>,
) -> ApiResult<Json<PublishResponse>> {
    let published_objects = state.store.intel_publish_report(&t, &id).await?;
    Ok(Json(PublishResponse { published_objects }))
}
