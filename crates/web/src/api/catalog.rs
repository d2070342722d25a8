//! REST endpoints of the framework catalog: frameworks, nodes, crosswalks, import, export and diff.
//!
//! Every lookup goes through the caller's catalog view (the global catalog plus the token
//! organization's private frameworks), so another tenant's private framework answers 404 on
//! every route.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use mamori_catalog::{ExportFormat, Format, ImportError, Location, Tag};
use mamori_store::{CatalogImportError, CatalogOwner, CatalogView, StoredFramework};
use utoipa::OpenApi;

use super::catalog_dto::*;
use super::extract::{ApiTenant, Page, PageQuery};
use crate::AppState;
use crate::error::{ApiError, ApiResult, Code, PROBLEM_JSON};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/frameworks", get(list_frameworks))
        .route("/frameworks/import", post(import_framework))
        .route("/frameworks/{id}", get(get_framework).delete(delete_framework))
        .route("/frameworks/{id}/nodes", get(list_nodes))
        .route("/frameworks/{id}/nodes/{ref_id}", get(get_node))
        .route("/frameworks/{id}/export", get(export_framework))
        .route("/frameworks/{id}/diff/{other}", get(diff_frameworks))
        .route("/crosswalks", get(list_crosswalks))
        .route("/crosswalks/{id}", axum::routing::delete(delete_crosswalk))
        .route("/crosswalks/{id}/export", get(export_crosswalk))
}

/// The catalog part of the OpenAPI document, merged into the main one.
#[derive(OpenApi)]
#[openapi(
    paths(list_frameworks, get_framework, delete_framework, list_nodes, get_node, list_crosswalks, import_framework,
        export_framework, export_crosswalk, delete_crosswalk, diff_frameworks),
    components(schemas(FrameworkSummaryDto, FrameworkDto, NodeDto, SourceDto, NodeDetailDto, LinkDto, MappingDto,
        ImportResultDto, ImportedFrameworkDto, ImportedCrosswalkDto, DiffDto, ChangedNodeDto,
        Page<FrameworkSummaryDto>, Page<NodeDto>, Page<MappingDto>))
)]
pub struct CatalogApi;

fn not_found(what: &str) -> ApiError {
    ApiError::detail(Code::NotFound, format!("no {what} in your catalog"))
}

fn pick<'a>(view: &'a CatalogView, id: &str, version: Option<&str>) -> ApiResult<&'a StoredFramework> {
    view.get(id, version).ok_or_else(|| not_found("such framework"))
}

/// Frameworks visible to the token's organization (latest version of each).
#[utoipa::path(get, path = "/api/v1/frameworks", tag = "catalog", params(PageQuery), security(("bearer" = [])),
    responses((status = 200, body = Page<FrameworkSummaryDto>), (status = 401, body = crate::Problem)))]
async fn list_frameworks(
    State(state): State<AppState>,
    ApiTenant(t): ApiTenant,
    Query(q): Query<PageQuery>,
) -> ApiResult<Json<Page<FrameworkSummaryDto>>> {
    let view = state.store.catalog_view(Some(&t)).await?;
    let all = view.latest().into_iter().map(|f| FrameworkSummaryDto::new(&view, f)).collect();
    Ok(Json(Page::from_vec(all, &q)?))
}

/// One framework with provenance and its node tree: the latest version or `?version=`.
#[utoipa::path(get, path = "/api/v1/frameworks/{id}", tag = "catalog", params(("id" = String, Path), VersionQuery),
    security(("bearer" = [])), responses((status = 200, body = FrameworkDto), (status = 404, body = crate::Problem)))]
async fn get_framework(
    State(state): State<AppState>,
    ApiTenant(t): ApiTenant,
    Path(id): Path<String>,
    Query(q): Query<VersionQuery>,
) -> ApiResult<Json<FrameworkDto>> {
    let view = state.store.catalog_view(Some(&t)).await?;
    let f = pick(&view, &id, q.version.as_deref())?;
    Ok(Json(FrameworkDto::new(&view, f)))
}

/// Delete a framework private to the token's organization (role admin): every version, or the
/// one named by `?version=`. Built-in and global frameworks answer 403; a framework an assessment
/// of the organization is pinned to answers 409. Audited.
#[utoipa::path(delete, path = "/api/v1/frameworks/{id}", tag = "catalog", params(("id" = String, Path), VersionQuery),
    security(("bearer" = [])), responses((status = 204, description = "deleted"), (status = 403, body = crate::Problem),
        (status = 404, body = crate::Problem), (status = 409, body = crate::Problem, description = "an assessment is pinned to it")))]
async fn delete_framework(
    State(state): State<AppState>,
    ApiTenant(t): ApiTenant,
    Path(id): Path<String>,
    Query(q): Query<VersionQuery>,
) -> ApiResult<StatusCode> {
    state.store.delete_tenant_framework(&t, &id, q.version.as_deref()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Delete a crosswalk private to the token's organization (role admin). Built-in and global
/// crosswalks answer 403. Audited.
#[utoipa::path(delete, path = "/api/v1/crosswalks/{id}", tag = "catalog", params(("id" = String, Path)),
    security(("bearer" = [])), responses((status = 204, description = "deleted"), (status = 403, body = crate::Problem),
        (status = 404, body = crate::Problem)))]
async fn delete_crosswalk(
    State(state): State<AppState>,
    ApiTenant(t): ApiTenant,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    state.store.delete_tenant_crosswalk(&t, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Nodes of a framework, filtered by text (`q`, Japanese or English) and by tag.
#[utoipa::path(get, path = "/api/v1/frameworks/{id}/nodes", tag = "catalog",
    params(("id" = String, Path), NodesQuery, PageQuery), security(("bearer" = [])),
    responses((status = 200, body = Page<NodeDto>), (status = 404, body = crate::Problem), (status = 422, body = crate::Problem)))]
async fn list_nodes(
    State(state): State<AppState>,
    ApiTenant(t): ApiTenant,
    Path(id): Path<String>,
    Query(q): Query<NodesQuery>,
    Query(page): Query<PageQuery>,
) -> ApiResult<Json<Page<NodeDto>>> {
    let view = state.store.catalog_view(Some(&t)).await?;
    let fw = &pick(&view, &id, q.version.as_deref())?.framework;
    let tag = match q.tag.as_deref().filter(|s| !s.trim().is_empty()) {
        Some(text) => {
            Some(Tag::parse(text).ok_or_else(|| ApiError::field("tag", "use type:value, e.g. csf_function:PR"))?)
        }
        None => None,
    };
    let text = q.q.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let hits: Vec<NodeDto> = match text {
        Some(text) => fw
            .search(text)
            .into_iter()
            .filter(|n| tag.as_ref().is_none_or(|t| n.tags.contains(t)))
            .map(NodeDto::from)
            .collect(),
        None => {
            fw.nodes.iter().filter(|n| tag.as_ref().is_none_or(|t| n.tags.contains(t))).map(NodeDto::from).collect()
        }
    };
    Ok(Json(Page::from_vec(hits, &page)?))
}

/// Builds the node page data shared with the HTML side.
pub(crate) fn node_links(view: &CatalogView, framework: &str, ref_id: &str) -> Vec<LinkDto> {
    let links = view.index().links();
    view.index()
        .links_for_node(framework, ref_id)
        .into_iter()
        .filter_map(|(i, other, relation)| {
            let l = links.get(i)?;
            let outgoing = l.source.framework == framework && l.source.ref_id == ref_id;
            Some(LinkDto {
                direction: if outgoing { "outgoing" } else { "incoming" }.into(),
                framework: other.framework,
                ref_id: other.ref_id,
                relation: text_of(&relation),
                confidence: text_of(&l.confidence),
                crosswalk: l.crosswalk.clone(),
                authorship: view.authorship_of(l).map(|a| text_of(&a)),
                rationale: l.rationale.clone(),
            })
        })
        .collect()
}

/// One node, its place in the tree and its crosswalk links in both directions.
#[utoipa::path(get, path = "/api/v1/frameworks/{id}/nodes/{ref_id}", tag = "catalog",
    params(("id" = String, Path), ("ref_id" = String, Path), VersionQuery), security(("bearer" = [])),
    responses((status = 200, body = NodeDetailDto), (status = 404, body = crate::Problem)))]
async fn get_node(
    State(state): State<AppState>,
    ApiTenant(t): ApiTenant,
    Path((id, ref_id)): Path<(String, String)>,
    Query(q): Query<VersionQuery>,
) -> ApiResult<Json<NodeDetailDto>> {
    let view = state.store.catalog_view(Some(&t)).await?;
    let f = pick(&view, &id, q.version.as_deref())?;
    let node = f.framework.node(&ref_id).ok_or_else(|| not_found("such node"))?;
    let mut path: Vec<String> = f.framework.path(&ref_id).iter().map(|n| n.ref_id.clone()).collect();
    path.pop();
    Ok(Json(NodeDetailDto {
        framework: f.framework.id.clone(),
        version: f.framework.version.clone(),
        node: NodeDto::from(node),
        path,
        children: f.framework.children(&ref_id).map(|n| n.ref_id.clone()).collect(),
        links: node_links(&view, &f.framework.id, &ref_id),
    }))
}

pub(crate) fn mapping_dto(view: &CatalogView, from: &str, source: &str, m: &mamori_catalog::Mapping) -> MappingDto {
    let links = view.index().links();
    let used: Vec<&mamori_catalog::Link> = m.links.iter().filter_map(|&i| links.get(i)).collect();
    MappingDto {
        source_framework: from.to_owned(),
        source_ref: source.to_owned(),
        target_framework: m.target.framework.clone(),
        target_ref: m.target.ref_id.clone(),
        relation: text_of(&m.relation),
        confidence: text_of(&m.confidence),
        pivot: m.pivot.as_ref().map(|p| format!("{}:{}", p.framework, p.ref_id)),
        crosswalks: used.iter().map(|l| l.crosswalk.clone()).collect(),
        authorship: used.iter().map(|l| view.authorship_of(l).map(|a| text_of(&a)).unwrap_or_default()).collect(),
    }
}

/// Crosswalk answers: from `from` into `to` (direct and through one pivot), for one `node` or all;
/// without `to`, every link touching `from`.
#[utoipa::path(get, path = "/api/v1/crosswalks", tag = "catalog", params(CrosswalkQuery, PageQuery),
    security(("bearer" = [])), responses((status = 200, body = Page<MappingDto>), (status = 404, body = crate::Problem)))]
async fn list_crosswalks(
    State(state): State<AppState>,
    ApiTenant(t): ApiTenant,
    Query(q): Query<CrosswalkQuery>,
    Query(page): Query<PageQuery>,
) -> ApiResult<Json<Page<MappingDto>>> {
    let view = state.store.catalog_view(Some(&t)).await?;
    let from = pick(&view, &q.from, None)?;
    let from_id = from.framework.id.as_str();
    let mut out = Vec::new();
    match (&q.to, &q.node) {
        (Some(to), Some(node)) => {
            for m in view.index().map(from_id, node, to) {
                out.push(mapping_dto(&view, from_id, node, &m));
            }
        }
        (Some(to), None) => {
            for (source, ms) in view.map_all(&from.framework, to) {
                out.extend(ms.iter().map(|m| mapping_dto(&view, from_id, &source, m)));
            }
        }
        (None, node) => {
            let nodes: Vec<&str> = match node {
                Some(n) => vec![n.as_str()],
                None => from.framework.nodes.iter().map(|n| n.ref_id.as_str()).collect(),
            };
            for n in nodes {
                for l in node_links(&view, from_id, n) {
                    out.push(MappingDto {
                        source_framework: from_id.to_owned(),
                        source_ref: n.to_owned(),
                        target_framework: l.framework,
                        target_ref: l.ref_id,
                        relation: l.relation,
                        confidence: l.confidence,
                        pivot: None,
                        crosswalks: vec![l.crosswalk],
                        authorship: vec![l.authorship.unwrap_or_default()],
                    });
                }
            }
        }
    }
    Ok(Json(Page::from_vec(out, &page)?))
}

pub(crate) fn parse_format(text: Option<&str>, bytes: &[u8]) -> ApiResult<Format> {
    let xml = String::from_utf8_lossy(&bytes[..bytes.len().min(64)])
        .trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with('<');
    Ok(match text.unwrap_or("auto") {
        "auto" => Format::Auto,
        "oscal" | "oscal-profile" if xml => Format::OscalXml,
        "oscal" | "oscal-json" | "oscal-profile" => Format::OscalJson,
        "oscal-xml" => Format::OscalXml,
        "ciso-assistant" => Format::CisoAssistant,
        "csv" => Format::Csv,
        "xlsx" => Format::Xlsx,
        "cpsf-csv" => Format::CpsfCsv,
        "jcstar-csv" => Format::JcStarCsv,
        "mamori-json" | "json" => Format::MamoriJson,
        _ => {
            return Err(ApiError::field(
                "format",
                "use auto, oscal, oscal-xml, oscal-profile, ciso-assistant, csv, xlsx, cpsf-csv, jcstar-csv or mamori-json",
            ));
        }
    })
}

/// A located import error as problem+json: the location is in `detail` and in `pointer` or `line`.
fn import_problem(e: &ImportError) -> Response {
    let mut body = serde_json::to_value(ApiError::detail(Code::ValidationFailed, e.to_string()).problem())
        .unwrap_or_else(|_| serde_json::json!({}));
    if let Some(obj) = body.as_object_mut() {
        obj.insert("file".into(), e.file.clone().into());
        match &e.location {
            Location::Pointer(p) => {
                obj.insert("pointer".into(), p.clone().into());
            }
            Location::Line { line, column } => {
                obj.insert("line".into(), (*line).into());
                if let Some(c) = column {
                    obj.insert("column".into(), (*c).into());
                }
            }
            Location::Cell(_) => {
                if let Some((sheet, cell)) = e.location.sheet_and_cell() {
                    obj.insert("sheet".into(), sheet.into());
                    if let Some(cell) = cell {
                        obj.insert("cell".into(), cell.into());
                    }
                }
            }
            Location::None => {}
        }
    }
    let mut resp = (StatusCode::UNPROCESSABLE_ENTITY, body.to_string()).into_response();
    resp.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
    resp
}

/// Import a file (the request body) into the organization's private catalog (role admin), or with
/// `scope=global` into the global catalog (platform administrators). All of it or nothing.
#[utoipa::path(post, path = "/api/v1/frameworks/import", tag = "catalog", params(ImportQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"), security(("bearer" = [])),
    responses((status = 201, body = ImportResultDto), (status = 200, body = ImportResultDto, description = "identical content was already stored"),
        (status = 403, body = crate::Problem), (status = 409, body = crate::Problem), (status = 413, body = crate::Problem),
        (status = 422, body = crate::Problem, description = "the file is malformed; `pointer`, `line` or `sheet` and `cell` locate the error")))]
async fn import_framework(
    State(state): State<AppState>,
    ApiTenant(t): ApiTenant,
    Query(q): Query<ImportQuery>,
    body: Bytes,
) -> ApiResult<Response> {
    if body.len() > mamori_catalog::error::MAX_INPUT_BYTES {
        return Err(ApiError::detail(Code::PayloadTooLarge, "the file is larger than the import limit"));
    }
    if body.is_empty() {
        return Err(ApiError::field("body", "send the file as the request body"));
    }
    let owner = match q.scope.as_deref().unwrap_or("tenant") {
        "tenant" => CatalogOwner::Tenant(&t),
        "global" => CatalogOwner::PlatformAdmin(&t),
        _ => return Err(ApiError::field("scope", "use tenant or global")),
    };
    let filename = q.filename.as_deref().unwrap_or("upload");
    let format = parse_format(q.format.as_deref(), &body)?;
    if q.format.as_deref() == Some("oscal-profile") && q.catalog.is_none() {
        return Err(ApiError::field("catalog", "a profile needs the catalog to resolve against"));
    }
    let result =
        state.store.import_catalog_file(owner, &body, filename, format, q.id.as_deref(), q.catalog.as_deref()).await;
    match result {
        Ok(report) => {
            let added = report.frameworks.iter().any(|f| f.3 != mamori_store::ImportStatus::Unchanged)
                || report.crosswalks.iter().any(|c| c.2 != mamori_store::ImportStatus::Unchanged);
            let status = if added { StatusCode::CREATED } else { StatusCode::OK };
            Ok((status, Json(ImportResultDto::from(report))).into_response())
        }
        Err(CatalogImportError::Parse(e)) => Ok(import_problem(&e)),
        Err(CatalogImportError::Store(mamori_store::StoreError::NotFound)) => {
            Err(not_found("catalog to resolve the profile against"))
        }
        Err(CatalogImportError::Store(e)) => Err(e.into()),
    }
}

/// An export `format` parameter: the format, its media type and file extension.
fn export_format(name: &str) -> Result<(ExportFormat, &'static str, &'static str), ApiError> {
    Ok(match name {
        "oscal" | "oscal-json" => (ExportFormat::OscalJson, "application/json", "json"),
        "oscal-xml" => (ExportFormat::OscalXml, "application/xml", "xml"),
        "csv" => (ExportFormat::Csv, "text/csv; charset=utf-8", "csv"),
        "xlsx" => (ExportFormat::Xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
        "ciso-assistant" => (ExportFormat::CisoAssistant, "application/yaml", "yaml"),
        "json" | "mamori-json" => (ExportFormat::MamoriJson, "application/json", "json"),
        _ => return Err(ApiError::field("format", "use oscal, oscal-xml, csv, xlsx, ciso-assistant or json")),
    })
}

/// Export a framework: `format` = oscal, oscal-xml, csv, xlsx, ciso-assistant or json.
#[utoipa::path(get, path = "/api/v1/frameworks/{id}/export", tag = "catalog", params(("id" = String, Path), ExportQuery),
    security(("bearer" = [])), responses((status = 200, description = "the file"), (status = 404, body = crate::Problem), (status = 422, body = crate::Problem)))]
async fn export_framework(
    State(state): State<AppState>,
    ApiTenant(t): ApiTenant,
    Path(id): Path<String>,
    Query(q): Query<ExportQuery>,
) -> ApiResult<Response> {
    let (format, content_type, ext) = export_format(&q.format)?;
    let view = state.store.catalog_view(Some(&t)).await?;
    let f = pick(&view, &id, q.version.as_deref())?;
    let bytes = mamori_catalog::export(&f.framework, format, &now_rfc3339())
        .map_err(|e| ApiError::detail(Code::ValidationFailed, e.to_string()))?;
    let name = format!("{}-{}.{ext}", f.framework.id, f.framework.version);
    Ok(crate::html::assess_attachment(content_type, &name, bytes))
}

/// The export time written into exported documents.
fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc().format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}

/// Export a crosswalk with all its links: `format` = oscal (OSCAL mapping), ciso-assistant or json.
#[utoipa::path(get, path = "/api/v1/crosswalks/{id}/export", tag = "catalog", params(("id" = String, Path), ExportQuery),
    security(("bearer" = [])), responses((status = 200, description = "the file"), (status = 404, body = crate::Problem), (status = 422, body = crate::Problem)))]
async fn export_crosswalk(
    State(state): State<AppState>,
    ApiTenant(t): ApiTenant,
    Path(id): Path<String>,
    Query(q): Query<ExportQuery>,
) -> ApiResult<Response> {
    let (format, content_type, ext) = export_format(&q.format)?;
    let view = state.store.catalog_view(Some(&t)).await?;
    let xw = view.crosswalk_full(&id).ok_or_else(|| not_found("such crosswalk"))?;
    let frameworks: Vec<mamori_catalog::Framework> = view.latest().iter().map(|f| (*f.framework).clone()).collect();
    let bytes = mamori_catalog::export_crosswalk(&xw, &frameworks, format, &now_rfc3339())
        .map_err(|e| ApiError::detail(Code::ValidationFailed, e.to_string()))?;
    Ok(crate::html::assess_attachment(content_type, &format!("{}.{ext}", xw.id), bytes))
}

/// Added, removed and changed nodes from `{id}` to `{other}`; each is `id` or `id@version`.
#[utoipa::path(get, path = "/api/v1/frameworks/{id}/diff/{other}", tag = "catalog",
    params(("id" = String, Path, description = "old side: id or id@version"), ("other" = String, Path, description = "new side: id or id@version")),
    security(("bearer" = [])), responses((status = 200, body = DiffDto), (status = 404, body = crate::Problem)))]
async fn diff_frameworks(
    State(state): State<AppState>,
    ApiTenant(t): ApiTenant,
    Path((a, b)): Path<(String, String)>,
) -> ApiResult<Json<DiffDto>> {
    let view: Arc<CatalogView> = state.store.catalog_view(Some(&t)).await?;
    let fa = view.get_ref(&a).ok_or_else(|| not_found("such framework"))?;
    let fb = view.get_ref(&b).ok_or_else(|| not_found("such framework"))?;
    let d = mamori_catalog::diff(&fa.framework, &fb.framework);
    Ok(Json(DiffDto {
        from: format!("{}@{}", fa.framework.id, fa.framework.version),
        to: format!("{}@{}", fb.framework.id, fb.framework.version),
        added: d.added,
        removed: d.removed,
        changed: d
            .changed
            .into_iter()
            .map(|c| ChangedNodeDto { ref_id: c.ref_id, fields: c.fields.into_iter().map(str::to_owned).collect() })
            .collect(),
    }))
}
