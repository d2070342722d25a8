//! The sharing-hub pages: browse and search the STIX objects the user may read, with TLP
//! badges, and inspect one object (JSON, markings, relationships in both directions). The
//! reporting flow lives in [`super::intel_reports`]. Every read goes through the store,
//! which applies the TLP rule in SQL, so these pages cannot show more than the API.

use std::collections::HashMap;

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::routing::{get, post};
use mamori_intel::tlp::{Tlp, predefined};
use mamori_store::intel::{CircleInfo, ObjectFilter, ObjectRow};
use mamori_store::{StoreError, Tenant};
use serde::Deserialize;
use serde_json::Value;

use super::enc;
use super::{Chrome, PageError, PageResult, chrome, render};
use super::{intel_peers, intel_reports};
use crate::AppState;
use crate::api::intel_dto::{ObjectsQuery, object_cursor};
use crate::ctx::Ctx;
use crate::i18n::Tr;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/intel", get(browse))
        .route("/intel/objects/{id}", get(object_page))
        .route("/intel/reports", get(intel_reports::list).post(intel_reports::submit))
        .route("/intel/reports/new", get(intel_reports::new_form))
        .route("/intel/reports/{id}", get(intel_reports::page))
        .route("/intel/reports/{id}/sanitise", post(intel_reports::sanitise))
        .route("/intel/reports/{id}/approve", post(intel_reports::approve))
        .route("/intel/reports/{id}/withdraw", post(intel_reports::withdraw))
        .route("/intel/reports/{id}/publish", post(intel_reports::publish))
        .route("/intel/peers", get(intel_peers::list).post(intel_peers::create))
        .route("/intel/peers/{id}", get(intel_peers::edit).post(intel_peers::update))
        .route("/intel/peers/{id}/delete", post(intel_peers::delete))
        .route("/intel/peers/{id}/sync", post(intel_peers::sync))
}

/// True when the signed-in user's active organization belongs to at least one circle
/// (the navigation shows "Threat intel" only then).
pub(crate) async fn in_any_circle(state: &AppState, c: &Ctx) -> bool {
    match crate::ctx::tenant(state, c).await {
        Some(t) => state.store.intel_circles(&t).await.is_ok_and(|v| !v.is_empty()),
        None => false,
    }
}

/// The page frame, with a notice key from this module's table.
pub(crate) async fn frame(state: &AppState, c: &Ctx, title: &'static str, notice: Option<&str>) -> Chrome {
    let mut ch = chrome(state, c, title, None).await;
    ch.notice = notice.and_then(|n| super::intel_i18n::TABLE.iter().find(|(k, _, _)| *k == n).map(|(k, _, _)| *k));
    ch
}

/// The tenant of the active organization, for pages that need one.
pub(crate) async fn tenant(state: &AppState, c: &Ctx) -> Result<Tenant, PageError> {
    super::tenant(state, c).await
}

/// A TLP badge: the label (the same in both languages) and its CSS class.
pub struct Badge {
    pub label: String,
    pub class: &'static str,
    pub audience: &'static str,
}

pub(crate) fn badge(t: Tr, tlp: &str) -> Badge {
    let level = Tlp::parse(tlp).unwrap_or(Tlp::Amber);
    let class = match level {
        Tlp::Clear => "tlp-clear",
        Tlp::Green => "tlp-green",
        Tlp::Amber => "tlp-amber",
        Tlp::AmberStrict => "tlp-amber-strict",
        Tlp::Red => "tlp-red",
    };
    let audience = if t.lang() == "ja" { level.audience_ja() } else { level.audience_en() };
    Badge { label: level.label(), class, audience }
}

/// The circle title in the interface language.
pub(crate) fn circle_title(t: Tr, c: &CircleInfo) -> String {
    if t.lang() == "ja" && !c.title_ja.is_empty() { c.title_ja.clone() } else { c.title.clone() }
}

/// `collection id → "circle › collection"` for the collections the tenant has a grant on.
pub(crate) async fn collection_names(
    state: &AppState,
    t: Tr,
    tenant: &Tenant,
) -> Result<HashMap<String, String>, PageError> {
    let store = |e| PageError::Store(t, e);
    let circles: HashMap<String, String> = state
        .store
        .intel_circles(tenant)
        .await
        .map_err(store)?
        .iter()
        .map(|c| (c.id.clone(), circle_title(t, c)))
        .collect();
    let colls = state.store.intel_all_collections(tenant).await.map_err(store)?;
    Ok(colls
        .into_iter()
        .map(|c| {
            let circle = circles.get(&c.circle_id).cloned().unwrap_or_default();
            (c.id, format!("{circle} › {}", c.title))
        })
        .collect())
}

fn text<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str).filter(|s| !s.is_empty())
}

/// A short human name for an object: its name, pattern, value or relationship.
fn display_name(v: &Value) -> String {
    if let Some(n) = text(v, "name") {
        return n.to_owned();
    }
    if let (Some(s), Some(r), Some(d)) = (text(v, "source_ref"), text(v, "relationship_type"), text(v, "target_ref")) {
        return format!("{s} {r} {d}");
    }
    for k in ["pattern", "value", "sighting_of_ref", "id"] {
        if let Some(s) = text(v, k) {
            return s.to_owned();
        }
    }
    String::new()
}

fn parse_body(r: &ObjectRow) -> Value {
    r.body.as_deref().and_then(|b| serde_json::from_str(b).ok()).unwrap_or(Value::Null)
}

pub struct ObjRow {
    pub href: String,
    pub name: String,
    pub stype: String,
    pub tlp: Badge,
    pub collection: String,
    pub added: String,
}

pub struct CircleRow {
    pub title: String,
    pub kind: &'static str,
    pub root: String,
}

#[derive(Template)]
#[template(path = "intel_browse.html")]
struct BrowsePage {
    c: Chrome,
    circles: Vec<CircleRow>,
    types: Vec<(String, i64)>,
    ty: String,
    q: String,
    rows: Vec<ObjRow>,
    next_href: Option<String>,
    first_href: String,
    paged: bool,
}

fn micros_to_text(micros: i64) -> String {
    super::when(micros / 1000)
}

async fn browse(State(state): State<AppState>, c: Ctx, Query(q): Query<ObjectsQuery>) -> PageResult {
    let tenant = tenant(&state, &c).await?;
    let t = c.t();
    let store = |e| PageError::Store(t, e);
    let bad_cursor = || StoreError::Invalid { field: "cursor", message: "not a cursor of this page".into() };
    let after = q.position().map_err(|_| store(bad_cursor()))?;
    let ty = q.object_type.clone().unwrap_or_default().trim().to_owned();
    let text_q = q.q.clone().unwrap_or_default().trim().to_owned();
    let filter = ObjectFilter {
        types: Some(vec![ty.clone()]).filter(|_| !ty.is_empty()),
        text: Some(text_q.clone()).filter(|s| !s.is_empty()),
        ..Default::default()
    };
    let page = state.store.intel_objects_page(&tenant, None, &filter, after, 50, true).await.map_err(store)?;
    let names = collection_names(&state, t, &tenant).await?;
    let rows = page
        .rows
        .iter()
        .map(|r| ObjRow {
            href: format!("/intel/objects/{}", enc(&r.stix_id)),
            name: display_name(&parse_body(r)),
            stype: r.stix_type.clone(),
            tlp: badge(t, &r.tlp),
            collection: names.get(&r.collection_id).cloned().unwrap_or_default(),
            added: micros_to_text(r.date_added),
        })
        .collect();
    let next_href = match (page.more, page.rows.last()) {
        (true, Some(last)) => {
            Some(format!("/intel?type={}&q={}&cursor={}", enc(&ty), enc(&text_q), enc(&object_cursor(last))))
        }
        _ => None,
    };
    let first_href = format!("/intel?type={}&q={}", enc(&ty), enc(&text_q));
    let circles = state
        .store
        .intel_circles(&tenant)
        .await
        .map_err(store)?
        .iter()
        .map(|ci| CircleRow {
            title: circle_title(t, ci),
            kind: if ci.kind == "council" { "intel.kind.council" } else { "intel.kind.sector" },
            root: ci.root.clone(),
        })
        .collect();
    let types = state.store.intel_type_counts(&tenant).await.map_err(store)?.into_iter().collect();
    Ok(render(&BrowsePage {
        c: frame(&state, &c, "intel.title", None).await,
        circles,
        types,
        ty,
        q: text_q,
        rows,
        next_href,
        first_href,
        paged: q.cursor.is_some(),
    }))
}

pub struct RelRow {
    pub direction: &'static str,
    pub relation: String,
    pub other: String,
    pub other_href: String,
    pub tlp: Badge,
}

pub struct MarkingRow {
    pub id: String,
    pub label: String,
}

#[derive(Template)]
#[template(path = "intel_object.html")]
struct ObjectPage {
    c: Chrome,
    id: String,
    stype: String,
    name: String,
    description: String,
    pattern: String,
    created_by: String,
    created_by_href: String,
    tlp: Badge,
    collection: String,
    markings: Vec<MarkingRow>,
    granular: usize,
    versions: usize,
    relationships: Vec<RelRow>,
    json: String,
}

fn marking_label(id: &str) -> String {
    match predefined(id) {
        Some((tlp, mamori_intel::tlp::TlpVersion::V1)) => format!("{} (TLP 1.0)", tlp.label()),
        Some((tlp, _)) => tlp.label(),
        None => String::new(),
    }
}

#[derive(Deserialize)]
struct NoticeQuery {
    notice: Option<String>,
}

async fn object_page(
    State(state): State<AppState>,
    c: Ctx,
    Path(id): Path<String>,
    Query(nq): Query<NoticeQuery>,
) -> PageResult {
    let tenant = tenant(&state, &c).await?;
    let t = c.t();
    let view = crate::api::intel::object_view(&state, &tenant, &id).await.map_err(|e| PageError::Store(t, e))?;
    let latest = view.versions.first().ok_or(PageError::Store(t, StoreError::NotFound))?;
    let obj = &parse_body(latest);
    let names = collection_names(&state, t, &tenant).await?;
    let markings = obj
        .get("object_marking_refs")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(|m| MarkingRow { id: m.to_owned(), label: marking_label(m) })
        .collect();
    let granular = obj.get("granular_markings").and_then(Value::as_array).map_or(0, Vec::len);
    let relationships = view
        .relationships
        .iter()
        .map(|row| {
            let r = parse_body(row);
            let outgoing = text(&r, "source_ref") == Some(id.as_str());
            let other = if r.get("type").and_then(Value::as_str) == Some("sighting") {
                // A sighting points at this object; show the sighting itself.
                text(&r, "id")
            } else if outgoing {
                text(&r, "target_ref")
            } else {
                text(&r, "source_ref")
            }
            .unwrap_or_default()
            .to_owned();
            let relation = text(&r, "relationship_type").or_else(|| text(&r, "type")).unwrap_or_default().to_owned();
            RelRow {
                direction: if outgoing { "intel.dir.outgoing" } else { "intel.dir.incoming" },
                relation,
                other_href: format!("/intel/objects/{}", enc(&other)),
                other,
                tlp: badge(t, &row.tlp),
            }
        })
        .collect();
    let page = ObjectPage {
        c: frame(&state, &c, "intel.object", nq.notice.as_deref()).await,
        id: id.clone(),
        stype: text(obj, "type").unwrap_or_default().to_owned(),
        name: display_name(obj),
        description: text(obj, "description").unwrap_or_default().to_owned(),
        pattern: text(obj, "pattern").unwrap_or_default().to_owned(),
        created_by: text(obj, "created_by_ref").unwrap_or_default().to_owned(),
        created_by_href: format!("/intel/objects/{}", enc(text(obj, "created_by_ref").unwrap_or_default())),
        tlp: badge(t, &latest.tlp),
        collection: names.get(&latest.collection_id).cloned().unwrap_or_default(),
        markings,
        granular,
        versions: view.versions.len(),
        relationships,
        json: serde_json::to_string_pretty(obj).unwrap_or_default(),
    };
    Ok(render(&page))
}
