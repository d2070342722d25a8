//! REST endpoints for company groups: ask an organization to join as a subsidiary, accept or
//! decline as the subsidiary, end a link from either side, and compare the group's scores.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use mamori_store::assess::{GroupLink, GroupLinks, GroupView};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::extract::{ApiJson, ApiTenant};
use crate::AppState;
use crate::error::{ApiError, ApiResult, Code};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/group", get(links))
        .route("/group/subsidiaries", post(request))
        .route("/group/links/{id}/accept", post(accept))
        .route("/group/links/{id}/decline", post(decline))
        .route("/group/links/{id}", delete(end))
        .route("/group/comparison", get(comparison))
}

/// Ask an organization, by its short ID, to join the caller's group as a subsidiary.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubsidiaryRequest {
    /// The organization's short ID (slug).
    pub slug: String,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ComparisonQuery {
    /// A framework id, e.g. `meti-cyber-management-guidelines-3.0` or `nist-csf-2.0`.
    pub framework: String,
}

fn json<T: serde::Serialize>(v: &T) -> ApiResult<Json<serde_json::Value>> {
    serde_json::to_value(v).map(Json).map_err(|_| ApiError::new(Code::Internal))
}

/// The caller's group links: its subsidiaries and the groups it belongs to or was asked to join.
#[utoipa::path(get, path = "/api/v1/group", tag = "group", security(("bearer" = [])),
    responses((status = 200, body = Object), (status = 401, body = crate::Problem)))]
pub(crate) async fn links(
    State(state): State<AppState>,
    ApiTenant(t): ApiTenant,
) -> ApiResult<Json<serde_json::Value>> {
    let l: GroupLinks = state.store.group_links(&t).await?;
    json(&l)
}

/// Ask an organization to join the group; it becomes a subsidiary when its administrators accept.
#[utoipa::path(post, path = "/api/v1/group/subsidiaries", tag = "group", request_body = SubsidiaryRequest, security(("bearer" = [])),
    responses((status = 201, body = Object), (status = 403, body = crate::Problem), (status = 409, body = crate::Problem),
        (status = 422, body = crate::Problem)))]
pub(crate) async fn request(
    State(state): State<AppState>,
    ApiTenant(t): ApiTenant,
    ApiJson(r): ApiJson<SubsidiaryRequest>,
) -> ApiResult<(StatusCode, Json<serde_json::Value>)> {
    let l: GroupLink = state.store.group_request(&t, &r.slug).await?;
    Ok((StatusCode::CREATED, json(&l)?))
}

/// As the subsidiary, accept a pending request: the parent then sees this organization's scores.
#[utoipa::path(post, path = "/api/v1/group/links/{id}/accept", tag = "group", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 204), (status = 404, body = crate::Problem), (status = 409, body = crate::Problem)))]
pub(crate) async fn accept(
    State(state): State<AppState>,
    ApiTenant(t): ApiTenant,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    state.store.group_decide(&t, &id, true).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// As the subsidiary, decline a pending request.
#[utoipa::path(post, path = "/api/v1/group/links/{id}/decline", tag = "group", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 204), (status = 404, body = crate::Problem), (status = 409, body = crate::Problem)))]
pub(crate) async fn decline(
    State(state): State<AppState>,
    ApiTenant(t): ApiTenant,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    state.store.group_decide(&t, &id, false).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// End a pending or active link, as the parent or as the subsidiary.
#[utoipa::path(delete, path = "/api/v1/group/links/{id}", tag = "group", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 204), (status = 404, body = crate::Problem), (status = 409, body = crate::Problem)))]
pub(crate) async fn end(
    State(state): State<AppState>,
    ApiTenant(t): ApiTenant,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    state.store.group_end(&t, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The caller and its active subsidiaries side by side: each one's latest submitted, approved or
/// archived assessment of the framework, as a headline number and values per chart axis.
#[utoipa::path(get, path = "/api/v1/group/comparison", tag = "group", params(ComparisonQuery), security(("bearer" = [])),
    responses((status = 200, body = Object), (status = 422, body = crate::Problem)))]
pub(crate) async fn comparison(
    State(state): State<AppState>,
    ApiTenant(t): ApiTenant,
    Query(q): Query<ComparisonQuery>,
) -> ApiResult<Json<serde_json::Value>> {
    let v: GroupView = state.store.group_comparison(&t, &q.framework).await?;
    json(&v)
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(links, request, accept, decline, end, comparison), components(schemas(SubsidiaryRequest)))]
pub(crate) struct GroupApi;
