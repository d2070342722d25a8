//! The framework list and, for organization admins, what changes it: uploading a catalog file
//! (the format detected or chosen; errors located in the file and shown in the page, nothing
//! stored) and deleting the organization's own frameworks and crosswalks (never built-in or
//! global ones, and never a framework an assessment is pinned to).

use askama::Template;
use axum::Router;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use mamori_store::{CatalogImportError, CatalogOwner, Role, StoreError};
use serde::Deserialize;

use super::catalog::{pick, verification_key, view_for};
use super::catalog_i18n::import_problem;
use super::{Chrome, PageError, PageResult, chrome, enc, render, see_other, tenant};
use crate::AppState;
use crate::ctx::Ctx;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/frameworks", get(list_page))
        .route("/frameworks/import", get(back_to_list).post(import))
        .route("/frameworks/{id}/delete", post(delete_framework))
        .route("/crosswalks/{id}/delete", post(delete_crosswalk))
}

/// Formats offered in the upload form (`auto` first); the names are those of the API.
const FORMATS: &[&str] =
    &["auto", "ciso-assistant", "xlsx", "csv", "oscal", "oscal-xml", "cpsf-csv", "jcstar-csv", "mamori-json"];

pub struct Row {
    pub id: String,
    pub href: String,
    pub name: String,
    pub publisher: String,
    pub version: String,
    pub published: String,
    pub requirements: i64,
    pub expected: Option<usize>,
    pub status: &'static str,
    pub private: bool,
    pub builtin: bool,
}

pub struct XwRow {
    pub id: String,
    pub name: String,
    pub source: String,
    pub target: String,
    pub links: i64,
}

#[derive(Template)]
#[template(path = "catalog_list.html")]
struct ListPage {
    c: Chrome,
    rows: Vec<Row>,
    crosswalks: Vec<XwRow>,
    admin: bool,
    formats: &'static [&'static str],
    chosen: String,
    /// What went wrong with the last upload or deletion: a heading key and the located details.
    problem: Option<(&'static str, Vec<String>)>,
}

#[derive(Deserialize)]
struct ListQuery {
    notice: Option<String>,
}

async fn list_view(
    state: &AppState,
    c: &Ctx,
    notice: Option<&str>,
    chosen: &str,
    problem: Option<(&'static str, Vec<String>)>,
) -> PageResult {
    let view = view_for(state, c).await?;
    let t = c.t();
    let admin = crate::ctx::tenant(state, c).await.is_some_and(|tn| tn.require(Role::Admin).is_ok());
    let rows = view
        .latest()
        .into_iter()
        .map(|f| {
            let fw = &f.framework;
            Row {
                id: fw.id.clone(),
                href: format!("/frameworks/{}", enc(&fw.id)),
                name: pick(t, &fw.name),
                publisher: fw.publisher.clone(),
                version: fw.version.clone(),
                published: fw.published.clone().unwrap_or_default(),
                requirements: f.info.assessable_count,
                expected: fw.expected_assessable.filter(|e| *e as i64 != f.info.assessable_count),
                status: verification_key(&fw.verification),
                private: f.info.owner_org_id.is_some(),
                builtin: f.info.builtin,
            }
        })
        .collect();
    let crosswalks = view
        .crosswalks()
        .iter()
        .filter(|x| x.owner_org_id.is_some())
        .map(|x| XwRow {
            id: x.id.clone(),
            name: x.name.clone(),
            source: x.source_framework.clone(),
            target: x.target_framework.clone(),
            links: x.link_count,
        })
        .collect();
    let status = match problem.as_ref().map(|p| p.0) {
        None => StatusCode::OK,
        Some("catalog.delete.pinned") => StatusCode::CONFLICT,
        Some("catalog.delete.builtin" | "catalog.import.forbidden") => StatusCode::FORBIDDEN,
        Some(_) => StatusCode::UNPROCESSABLE_ENTITY,
    };
    let page = ListPage {
        c: chrome(state, c, "catalog.title", notice).await,
        rows,
        crosswalks,
        admin,
        formats: FORMATS,
        chosen: chosen.to_owned(),
        problem,
    };
    let mut resp = render(&page);
    *resp.status_mut() = status;
    Ok(resp)
}

async fn list_page(State(state): State<AppState>, c: Ctx, Query(q): Query<ListQuery>) -> PageResult {
    list_view(&state, &c, q.notice.as_deref(), "auto", None).await
}

/// A failed upload leaves the browser on `/frameworks/import`; a reload or a language switch
/// from there comes back to the list.
async fn back_to_list() -> Redirect {
    Redirect::to("/frameworks")
}

/// The file and chosen format of the upload form.
async fn read_upload(mp: &mut Multipart) -> (Vec<u8>, String, String) {
    let (mut bytes, mut name, mut format) = (Vec::new(), String::new(), "auto".to_owned());
    while let Ok(Some(field)) = mp.next_field().await {
        match field.name() {
            Some("file") => {
                name = field.file_name().unwrap_or_default().to_owned();
                bytes = field.bytes().await.map(|b| b.to_vec()).unwrap_or_default();
            }
            Some("format") => format = field.text().await.unwrap_or_default(),
            _ => {}
        }
    }
    (bytes, name, format)
}

async fn import(State(state): State<AppState>, c: Ctx, mut mp: Multipart) -> PageResult {
    let tn = tenant(&state, &c).await?;
    let (bytes, name, format) = read_upload(&mut mp).await;
    let t = c.t();
    let chosen = if FORMATS.contains(&format.as_str()) { format.clone() } else { "auto".to_owned() };
    let fail = |key: &'static str, details: Vec<String>| Some((key, details));
    if bytes.is_empty() {
        return list_view(&state, &c, None, &chosen, fail("catalog.import.empty", Vec::new())).await;
    }
    let Ok(parsed) = crate::api::catalog::parse_format(Some(&chosen), &bytes) else {
        return list_view(&state, &c, None, &chosen, fail("catalog.import.failed", Vec::new())).await;
    };
    let file = std::path::Path::new(&name).file_name().and_then(|n| n.to_str()).unwrap_or("upload").to_owned();
    let result = state.store.import_catalog_file(CatalogOwner::Tenant(&tn), &bytes, &file, parsed, None, None).await;
    let problem = match result {
        Ok(report) => {
            let target = match report.frameworks.first() {
                Some((id, version, _, _)) => format!("/frameworks/{}?version={}&", enc(id), enc(version)),
                None => "/frameworks?".to_owned(),
            };
            return Ok(Redirect::to(&format!("{target}notice=catalog.imported")).into_response());
        }
        Err(CatalogImportError::Parse(e)) => ("catalog.import.failed", vec![import_problem(t, &e)]),
        Err(CatalogImportError::Store(StoreError::Forbidden(_))) => ("catalog.import.forbidden", Vec::new()),
        Err(CatalogImportError::Store(StoreError::Conflict(m) | StoreError::Invalid { message: m, .. })) => {
            ("catalog.import.refused", vec![m])
        }
        Err(CatalogImportError::Store(StoreError::NotFound)) => ("catalog.import.refused", Vec::new()),
        Err(CatalogImportError::Store(e)) => return Err(PageError::Store(t, e)),
    };
    list_view(&state, &c, None, &chosen, Some(problem)).await
}

/// Answers a refused deletion on the list page, a missing object with the not-found page.
async fn deleted(state: &AppState, c: &Ctx, result: Result<(), StoreError>) -> PageResult {
    match result {
        Ok(()) => Ok(see_other("/frameworks", "catalog.deleted")),
        Err(StoreError::Conflict(_)) => {
            list_view(state, c, None, "auto", Some(("catalog.delete.pinned", Vec::new()))).await
        }
        Err(StoreError::Forbidden(_)) => {
            list_view(state, c, None, "auto", Some(("catalog.delete.builtin", Vec::new()))).await
        }
        Err(e) => Err(PageError::Store(c.t(), e)),
    }
}

async fn delete_framework(State(state): State<AppState>, c: Ctx, Path(id): Path<String>) -> PageResult {
    let tn = tenant(&state, &c).await?;
    tn.require(Role::Admin).map_err(|e| PageError::Store(c.t(), e))?;
    let result = state.store.delete_tenant_framework(&tn, &id, None).await.map(|_| ());
    deleted(&state, &c, result).await
}

async fn delete_crosswalk(State(state): State<AppState>, c: Ctx, Path(id): Path<String>) -> PageResult {
    let tn = tenant(&state, &c).await?;
    tn.require(Role::Admin).map_err(|e| PageError::Store(c.t(), e))?;
    let result = state.store.delete_tenant_crosswalk(&tn, &id).await;
    deleted(&state, &c, result).await
}
