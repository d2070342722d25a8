//! The TAXII 2.1 endpoints (§4, §5). Every read goes through the store's TLP-filtered
//! object query; pagination uses the signed keyset cursor of [`mamori_intel::cursor`].

use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use mamori_intel::cursor::{CursorKey, Position};
use mamori_intel::stix::{EnvelopeError, validate_envelope_with_limit};
use mamori_intel::taxii::{
    Endpoint, MediaKind, ObjectQuery, QueryLimits, RECIPIENTS_PROPERTY, STIX_MEDIA_TYPE, TAXII_MEDIA_TYPE, TaxiiError,
    check_content_type, date_added_headers, envelope_recipients, negotiate_accept, parse_query,
};
use mamori_store::intel::{
    CircleInfo, CollectionInfo, IngestOptions, ObjectFilter, ObjectPage, VersionSel, rejection_details,
};
use mamori_store::{StoreError, Tenant};
use serde_json::{Value, json};
use time::OffsetDateTime;

use super::{TaxiiCaller, TaxiiFail, TaxiiResult};
use crate::AppState;

/// Most objects accepted in one POST.
const MAX_POST_OBJECTS: usize = 10_000;

fn accept(headers: &HeaderMap) -> Result<(), TaxiiFail> {
    let a = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok());
    negotiate_accept(a, &[MediaKind::Taxii]).map(|_| ()).map_err(|e| TaxiiFail::from(TaxiiError::from(e)))
}

fn respond(status: StatusCode, body: impl Into<Body>) -> Response {
    let mut r = (status, body.into()).into_response();
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(TAXII_MEDIA_TYPE));
    r
}

fn json_ok(v: &Value) -> Response {
    respond(StatusCode::OK, serde_json::to_vec(v).unwrap_or_default())
}

fn micros_to_time(micros: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(micros) * 1_000).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

fn taxii_time(micros: i64) -> String {
    mamori_intel::stix::timestamp::format_taxii(micros_to_time(micros))
}

fn principal(t: &Tenant) -> String {
    format!("{}:{}", t.org_id(), t.actor().user_id().unwrap_or(""))
}

pub(super) async fn discovery(
    State(state): State<AppState>,
    TaxiiCaller(t): TaxiiCaller,
    headers: HeaderMap,
) -> TaxiiResult {
    accept(&headers)?;
    let circles = state.store.intel_circles(&t).await?;
    let mut d = json!({
        "title": "mamori TAXII 2.1",
        "description": "Sharing circles of this hub: the cross-sector council and sector ISACs you belong to",
    });
    if let Some(first) = circles.first() {
        d["default"] = json!(format!("/taxii2/{}/", first.root));
        d["api_roots"] = json!(circles.iter().map(|c| format!("/taxii2/{}/", c.root)).collect::<Vec<_>>());
    }
    Ok(json_ok(&d))
}

pub(super) async fn api_root(
    State(state): State<AppState>,
    TaxiiCaller(t): TaxiiCaller,
    Path(root): Path<String>,
    headers: HeaderMap,
) -> TaxiiResult {
    accept(&headers)?;
    let c = state.store.intel_circle(&t, &root).await?;
    Ok(json_ok(&json!({
        "title": c.title,
        "description": c.description,
        "versions": [TAXII_MEDIA_TYPE],
        "max_content_length": state.config.body_limit,
    })))
}

pub(super) async fn status(
    State(state): State<AppState>,
    TaxiiCaller(t): TaxiiCaller,
    Path((root, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> TaxiiResult {
    accept(&headers)?;
    let s = state.store.intel_status(&t, &root, &id).await?;
    let mut v = json!({
        "id": s.id,
        "status": "complete",
        "request_timestamp": taxii_time(s.request_micros),
        "total_count": s.total,
        "success_count": s.successes.len(),
        "failure_count": s.failures.len(),
        "pending_count": 0,
    });
    if !s.successes.is_empty() {
        v["successes"] = json!(s.successes);
    }
    if !s.failures.is_empty() {
        v["failures"] = json!(s.failures);
    }
    Ok(json_ok(&v))
}

fn collection_json(c: &CollectionInfo) -> Value {
    json!({
        "id": c.id,
        "title": c.title,
        "description": c.description,
        "alias": c.alias,
        "can_read": c.can_read,
        "can_write": c.can_write,
        "media_types": [STIX_MEDIA_TYPE],
    })
}

pub(super) async fn collections(
    State(state): State<AppState>,
    TaxiiCaller(t): TaxiiCaller,
    Path(root): Path<String>,
    headers: HeaderMap,
) -> TaxiiResult {
    accept(&headers)?;
    let all = state.store.intel_collections(&t, &root).await?;
    if all.is_empty() {
        return Ok(json_ok(&json!({})));
    }
    Ok(json_ok(&json!({"collections": all.iter().map(collection_json).collect::<Vec<_>>()})))
}

pub(super) async fn collection(
    State(state): State<AppState>,
    TaxiiCaller(t): TaxiiCaller,
    Path((root, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> TaxiiResult {
    accept(&headers)?;
    let c = state.store.intel_collection(&t, &root, &id).await?;
    Ok(json_ok(&collection_json(&c)))
}

/// The circle and collection, with 404 for no grant and 403 for a grant without read.
async fn readable(
    state: &AppState,
    t: &Tenant,
    root: &str,
    id: &str,
) -> Result<(CircleInfo, CollectionInfo), TaxiiFail> {
    let circle = state.store.intel_circle(t, root).await?;
    let coll = state.store.intel_collection(t, root, id).await?;
    if !coll.can_read {
        return Err(StoreError::Forbidden("no read access to this collection").into());
    }
    Ok((circle, coll))
}

fn bad_query(e: mamori_intel::taxii::QueryError) -> TaxiiFail {
    TaxiiFail::from(e.to_taxii_error())
}

struct Fetched {
    page: ObjectPage,
    next: Option<String>,
}

async fn fetch(
    state: &AppState,
    t: &Tenant,
    circle: &CircleInfo,
    coll: &CollectionInfo,
    q: &ObjectQuery,
    oid: Option<&str>,
    with_body: bool,
) -> Result<Fetched, TaxiiFail> {
    let secret = state.store.intel_cursor_secret(circle).await?;
    let key = CursorKey::new(&secret).map_err(|e| TaxiiFail::from(TaxiiError::from(e)))?;
    let scope = match oid {
        Some(o) => format!("{}/{o}", coll.id),
        None => coll.id.clone(),
    };
    let fp = q.fingerprint(&scope, &principal(t));
    let after = match &q.next {
        Some(n) => Some(key.decode(n, fp).map_err(|e| TaxiiFail::from(TaxiiError::from(e)))?),
        None => None,
    };
    let versions = if q.endpoint == Endpoint::Versions {
        VersionSel::all()
    } else {
        VersionSel {
            all: q.versions.all,
            first: q.versions.first,
            last: q.versions.last,
            exact: q.versions.exact.iter().map(|t| t.unix_micros()).collect(),
        }
    };
    let filter = ObjectFilter {
        added_after: q.added_after.as_ref().map(|t| t.unix_micros()),
        ids: oid.map(|o| vec![o.to_owned()]).or_else(|| q.ids.clone()),
        types: q.types.clone(),
        versions,
        spec_versions: q.spec_versions.clone(),
        ..Default::default()
    };
    let page = state
        .store
        .intel_objects_page(
            t,
            Some(&coll.id),
            &filter,
            after.map(|p| (p.date_added_micros, p.row_id)),
            q.limit,
            with_body,
        )
        .await?;
    let next = match (page.more, page.rows.last()) {
        (true, Some(last)) => {
            Some(key.encode(Position { date_added_micros: last.date_added, row_id: last.row_id }, fp))
        }
        _ => None,
    };
    Ok(Fetched { page, next })
}

/// The page's `X-TAXII-Date-Added-*` headers (none on an empty page).
fn with_date_headers(mut r: Response, page: &ObjectPage) -> Response {
    if let (Some(first), Some(last)) = (page.rows.first(), page.rows.last()) {
        for (name, value) in date_added_headers(micros_to_time(first.date_added), micros_to_time(last.date_added)) {
            if let Ok(v) = HeaderValue::from_str(&value) {
                r.headers_mut().insert(
                    HeaderName::from_static(if name.ends_with("First") {
                        "x-taxii-date-added-first"
                    } else {
                        "x-taxii-date-added-last"
                    }),
                    v,
                );
            }
        }
    }
    r
}

/// `{"more":…,"next":…,"objects":[…]}` assembled from the stored JSON without re-parsing.
fn envelope(f: &Fetched) -> Response {
    if f.page.rows.is_empty() {
        return json_ok(&json!({}));
    }
    let mut s = String::with_capacity(
        f.page.rows.iter().map(|r| r.body.as_ref().map_or(0, String::len) + 1).sum::<usize>() + 128,
    );
    s.push_str(if f.page.more { "{\"more\":true" } else { "{\"more\":false" });
    if let Some(n) = &f.next {
        s.push_str(",\"next\":\"");
        s.push_str(n);
        s.push('"');
    }
    s.push_str(",\"objects\":[");
    for (i, r) in f.page.rows.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        s.push_str(r.body.as_deref().unwrap_or("{}"));
    }
    s.push_str("]}");
    with_date_headers(respond(StatusCode::OK, s), &f.page)
}

fn list_resource(f: &Fetched, key: &str, items: Vec<Value>) -> Response {
    if items.is_empty() {
        return json_ok(&json!({}));
    }
    let mut v = json!({"more": f.page.more});
    if let Some(n) = &f.next {
        v["next"] = json!(n);
    }
    v[key] = Value::Array(items);
    with_date_headers(json_ok(&v), &f.page)
}

fn version_of(r: &mamori_store::intel::ObjectRow) -> String {
    if r.version.is_empty() { taxii_time(r.date_added) } else { r.version.clone() }
}

pub(super) async fn manifest(
    State(state): State<AppState>,
    TaxiiCaller(t): TaxiiCaller,
    Path((root, id)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> TaxiiResult {
    accept(&headers)?;
    let (circle, coll) = readable(&state, &t, &root, &id).await?;
    let q = parse_query(raw.as_deref().unwrap_or(""), Endpoint::Manifest, QueryLimits::default()).map_err(bad_query)?;
    let f = fetch(&state, &t, &circle, &coll, &q, None, false).await?;
    let items = f
        .page
        .rows
        .iter()
        .map(|r| {
            json!({"id": r.stix_id, "date_added": taxii_time(r.date_added), "version": version_of(r), "media_type": STIX_MEDIA_TYPE})
        })
        .collect();
    Ok(list_resource(&f, "objects", items))
}

pub(super) async fn get_objects(
    State(state): State<AppState>,
    TaxiiCaller(t): TaxiiCaller,
    Path((root, id)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> TaxiiResult {
    accept(&headers)?;
    let (circle, coll) = readable(&state, &t, &root, &id).await?;
    let q = parse_query(raw.as_deref().unwrap_or(""), Endpoint::Objects, QueryLimits::default()).map_err(bad_query)?;
    let f = fetch(&state, &t, &circle, &coll, &q, None, true).await?;
    Ok(envelope(&f))
}

/// 404 unless the caller can read at least one version of `oid` in the collection.
async fn require_object(state: &AppState, t: &Tenant, coll: &CollectionInfo, oid: &str) -> Result<(), TaxiiFail> {
    let filter = ObjectFilter { ids: Some(vec![oid.to_owned()]), versions: VersionSel::all(), ..Default::default() };
    let page = state.store.intel_objects_page(t, Some(&coll.id), &filter, None, 1, false).await?;
    if page.rows.is_empty() { Err(StoreError::NotFound.into()) } else { Ok(()) }
}

pub(super) async fn get_object(
    State(state): State<AppState>,
    TaxiiCaller(t): TaxiiCaller,
    Path((root, id, oid)): Path<(String, String, String)>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> TaxiiResult {
    accept(&headers)?;
    let (circle, coll) = readable(&state, &t, &root, &id).await?;
    let q = parse_query(raw.as_deref().unwrap_or(""), Endpoint::Object, QueryLimits::default()).map_err(bad_query)?;
    let f = fetch(&state, &t, &circle, &coll, &q, Some(&oid), true).await?;
    if f.page.rows.is_empty() && q.next.is_none() {
        require_object(&state, &t, &coll, &oid).await?;
    }
    Ok(envelope(&f))
}

pub(super) async fn versions(
    State(state): State<AppState>,
    TaxiiCaller(t): TaxiiCaller,
    Path((root, id, oid)): Path<(String, String, String)>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> TaxiiResult {
    accept(&headers)?;
    let (circle, coll) = readable(&state, &t, &root, &id).await?;
    let q = parse_query(raw.as_deref().unwrap_or(""), Endpoint::Versions, QueryLimits::default()).map_err(bad_query)?;
    let f = fetch(&state, &t, &circle, &coll, &q, Some(&oid), false).await?;
    if f.page.rows.is_empty() && q.next.is_none() {
        require_object(&state, &t, &coll, &oid).await?;
    }
    let items = f.page.rows.iter().map(|r| json!(version_of(r))).collect();
    Ok(list_resource(&f, "versions", items))
}

pub(super) async fn delete_object(
    State(state): State<AppState>,
    TaxiiCaller(t): TaxiiCaller,
    Path((root, id, oid)): Path<(String, String, String)>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> TaxiiResult {
    accept(&headers)?;
    let coll = state.store.intel_collection(&t, &root, &id).await?;
    match (coll.can_read, coll.can_write) {
        (false, false) => return Err(StoreError::NotFound.into()),
        (true, true) => {}
        _ => return Err(StoreError::Forbidden("deleting needs read and write access").into()),
    }
    let q = parse_query(raw.as_deref().unwrap_or(""), Endpoint::Delete, QueryLimits::default()).map_err(bad_query)?;
    let versions = VersionSel {
        all: q.versions.all,
        first: q.versions.first,
        last: q.versions.last,
        exact: q.versions.exact.iter().map(|t| t.unix_micros()).collect(),
    };
    // Without match[version], DELETE removes every version (TAXII §5.7).
    let versions = if raw.as_deref().is_some_and(|r| r.contains("match%5Bversion%5D") || r.contains("match[version]")) {
        versions
    } else {
        VersionSel::all()
    };
    state.store.intel_delete(&t, &coll.id, &oid, versions, q.spec_versions.clone()).await?;
    Ok(respond(StatusCode::OK, Body::empty()))
}

pub(super) async fn add_objects(
    State(state): State<AppState>,
    TaxiiCaller(t): TaxiiCaller,
    Path((root, id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Body,
) -> TaxiiResult {
    accept(&headers)?;
    let ct = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok());
    check_content_type(ct, &[MediaKind::Taxii]).map_err(|e| TaxiiFail::from(TaxiiError::from(e)))?;
    let coll = state.store.intel_collection(&t, &root, &id).await?;
    if !coll.can_write {
        return Err(StoreError::Forbidden("no write access to this collection").into());
    }
    let too_large = || {
        TaxiiFail::from(
            TaxiiError::new(413, "Payload too large")
                .with_description(format!("the body exceeds max_content_length ({} bytes)", state.config.body_limit))
                .with_error_code("payload-too-large"),
        )
    };
    let declared =
        headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > state.config.body_limit) {
        return Err(too_large());
    }
    let bytes = axum::body::to_bytes(body, state.config.body_limit).await.map_err(|_| too_large())?;
    let value: Value = serde_json::from_slice(&bytes).map_err(|e| {
        TaxiiFail::from(
            TaxiiError::new(400, "Invalid JSON").with_description(e.to_string()).with_error_code("invalid-json"),
        )
    })?;
    let report = validate_envelope_with_limit(&value, MAX_POST_OBJECTS).map_err(|e| {
        let status = match e {
            EnvelopeError::UnsupportedBundleVersion(_) => 422,
            EnvelopeError::TooManyObjects { .. } => 413,
            _ => 400,
        };
        TaxiiFail::from(
            TaxiiError::new(status, "Invalid envelope")
                .with_description(e.to_string())
                .with_error_code("invalid-envelope"),
        )
    })?;
    let named = envelope_recipients(&value).map_err(|m| {
        TaxiiFail::from(
            TaxiiError::new(400, "Invalid recipients").with_description(m).with_error_code("invalid-recipients"),
        )
    })?;
    let recipients = state.store.intel_recipients_by_email(&t, &coll.id, &named).await.map_err(|e| match e {
        StoreError::Invalid { message, .. } => TaxiiFail::from(
            TaxiiError::new(400, "Invalid recipients")
                .with_description(format!("{RECIPIENTS_PROPERTY}: {message}"))
                .with_error_code("invalid-recipients"),
        ),
        other => TaxiiFail::from(other),
    })?;
    let failures = rejection_details(&value, &report.rejected);
    let opts = IngestOptions { record_status: true, recipients, ..IngestOptions::default() };
    let out = state.store.intel_ingest(&t, &coll.id, report.accepted, failures, &opts).await?;
    let mut v = json!({
        "id": out.status_id,
        "status": "complete",
        "request_timestamp": taxii_time(out.request_micros),
        "total_count": out.successes.len() + out.failures.len(),
        "success_count": out.successes.len(),
        "failure_count": out.failures.len(),
        "pending_count": 0,
    });
    if !out.successes.is_empty() {
        v["successes"] = json!(out.successes);
    }
    if !out.failures.is_empty() {
        v["failures"] = json!(out.failures);
    }
    Ok(respond(StatusCode::ACCEPTED, serde_json::to_vec(&v).unwrap_or_default()))
}
