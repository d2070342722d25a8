//! The REST API under `/api/v1`: JSON in and out, bearer tokens, RFC 9457 errors.

pub mod assess;
pub mod catalog;
pub mod catalog_dto;
pub mod chain;
pub mod dto;
pub mod extract;
pub mod group;
pub mod intel;
pub mod intel_dto;
pub mod intel_peers;

use std::time::Instant;

use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, Response};
use axum::routing::{delete, get, post};
use axum::{Extension, Json, Router, middleware};
use mamori_store::{LoginOutcome, NewApiToken, Role};

use crate::AppState;
use crate::error::{ApiError, ApiResult, Code};
use dto::*;
use extract::{ApiJson, ApiTenant, Page, PageQuery, cursor};

pub fn routes(_state: AppState) -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi_json))
        .route("/docs", get(docs))
        .route("/auth/token", post(auth_token))
        .route("/me", get(me))
        .route("/members", get(members))
        .route("/invitations", get(invitations).post(create_invitation))
        .route("/tokens", get(tokens).post(create_token))
        .route("/tokens/{id}", delete(revoke_token))
        .route("/audit", get(audit))
        .route("/suppliers", get(suppliers))
        .merge(catalog::routes())
        .merge(intel::routes())
        .merge(intel_peers::routes())
        .merge(chain::routes())
        .merge(assess::routes())
        .merge(group::routes())
        .fallback(not_found)
        .layer(middleware::from_fn(crate::middleware::problem_json))
}

async fn not_found() -> ApiError {
    ApiError::detail(Code::NotFound, "no such endpoint; see /api/v1/openapi.json")
}

async fn openapi_json() -> Response {
    crate::middleware::typed("application/json", crate::openapi::document())
}

/// Browsable API documentation from vendored Swagger UI; the start-up script is a file,
/// so the page keeps the strict no-inline-script policy.
async fn docs() -> Html<&'static str> {
    Html(concat!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>mamori API</title>",
        "<link rel=\"stylesheet\" href=\"/static/vendor/swagger-ui-5.35.0.css\"></head><body>",
        "<div id=\"swagger-ui\"></div>",
        "<script src=\"/static/vendor/swagger-ui-bundle-5.35.0.js\"></script>",
        "<script src=\"/static/swagger-init.js\"></script></body></html>"
    ))
}

/// Exchange e-mail and password (and a TOTP code when enabled) for an API token.
#[utoipa::path(post, path = "/api/v1/auth/token", tag = "auth", request_body = AuthTokenRequest,
    responses((status = 201, body = AuthTokenResponse), (status = 401, body = crate::Problem), (status = 429, body = crate::Problem)))]
async fn auth_token(
    State(state): State<AppState>,
    ci: Option<Extension<ConnectInfo<std::net::SocketAddr>>>,
    ApiJson(req): ApiJson<AuthTokenRequest>,
) -> ApiResult<(StatusCode, Json<AuthTokenResponse>)> {
    let ip = crate::html::client_ip_pub(ci.as_ref().map(|e| &e.0));
    if let Err(wait) = state.login_limiter.check(&format!("login:{ip}"), Instant::now()) {
        state.metrics.rate_limited.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let mut e = ApiError::new(Code::RateLimited);
        e.retry_after = Some(wait);
        return Err(e);
    }
    let user = match state.store.login(&req.email, &req.password, req.totp.as_deref()).await? {
        LoginOutcome::Success(u) => u,
        LoginOutcome::MfaRequired => {
            return Err(ApiError::detail(Code::MfaRequired, "send the current code as 'totp'"));
        }
        LoginOutcome::Locked { .. } => {
            return Err(ApiError::detail(Code::AccountLocked, "too many failed attempts; try again in 15 minutes"));
        }
        LoginOutcome::Invalid => return Err(ApiError::new(Code::InvalidCredentials)),
    };
    let memberships = state.store.memberships(&user.id).await?;
    let membership = match &req.org {
        Some(slug) => memberships.into_iter().find(|m| &m.org.slug == slug),
        None => memberships.into_iter().next(),
    }
    .ok_or_else(|| ApiError::detail(Code::Forbidden, "you are not a member of that organization"))?;
    let session_tenant = state.store.tenant_for_login(&user, &membership.org.id).await?;
    let name = req.name.unwrap_or_else(|| "api login".into());
    let days = req.expires_in_days.unwrap_or(30);
    let (info, secret) = state
        .store
        .create_api_token(&session_tenant, NewApiToken { name, role: membership.role, expires_in_days: Some(days) })
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(AuthTokenResponse {
            token: secret,
            token_type: "Bearer".into(),
            org: membership.org.into(),
            role: info.role.as_str().into(),
            expires_at: info.expires_at,
        }),
    ))
}

/// Who the token belongs to, and for which organization.
#[utoipa::path(get, path = "/api/v1/me", tag = "account", security(("bearer" = [])),
    responses((status = 200, body = MeResponse), (status = 401, body = crate::Problem)))]
async fn me(State(state): State<AppState>, ApiTenant(t): ApiTenant) -> ApiResult<Json<MeResponse>> {
    let org = state.store.org(&t).await?;
    Ok(Json(MeResponse { actor: t.actor().audit_label(), role: t.role().as_str().into(), org: org.into() }))
}

/// Members of the token's organization.
#[utoipa::path(get, path = "/api/v1/members", tag = "account", params(PageQuery), security(("bearer" = [])),
    responses((status = 200, body = Page<MemberDto>), (status = 401, body = crate::Problem)))]
async fn members(
    State(state): State<AppState>,
    ApiTenant(t): ApiTenant,
    Query(q): Query<PageQuery>,
) -> ApiResult<Json<Page<MemberDto>>> {
    let all = state.store.members(&t).await?.into_iter().map(MemberDto::from).collect();
    Ok(Json(Page::from_vec(all, &q)?))
}

/// Open and accepted invitations (admins).
#[utoipa::path(get, path = "/api/v1/invitations", tag = "account", params(PageQuery), security(("bearer" = [])),
    responses((status = 200, body = Page<InvitationDto>), (status = 403, body = crate::Problem)))]
async fn invitations(
    State(state): State<AppState>,
    ApiTenant(t): ApiTenant,
    Query(q): Query<PageQuery>,
) -> ApiResult<Json<Page<InvitationDto>>> {
    let all = state.store.invitations(&t).await?.into_iter().map(InvitationDto::from).collect();
    Ok(Json(Page::from_vec(all, &q)?))
}

/// Invite someone by e-mail (admins). The response carries the one-time link.
#[utoipa::path(post, path = "/api/v1/invitations", tag = "account", request_body = InvitationRequest, security(("bearer" = [])),
    responses((status = 201, body = InvitationCreated), (status = 422, body = crate::Problem), (status = 403, body = crate::Problem)))]
async fn create_invitation(
    State(state): State<AppState>,
    ApiTenant(t): ApiTenant,
    ApiJson(req): ApiJson<InvitationRequest>,
) -> ApiResult<(StatusCode, Json<InvitationCreated>)> {
    let role: Role = req.role.parse().map_err(|e: String| ApiError::field("role", e))?;
    let (inv, token) = state.store.invite(&t, &req.email, role).await?;
    let link = format!("{}/invite/{token}", state.config.public_url.trim_end_matches('/'));
    Ok((StatusCode::CREATED, Json(InvitationCreated { invitation: inv.into(), link })))
}

/// The organization's API tokens (admins see all, others their own).
#[utoipa::path(get, path = "/api/v1/tokens", tag = "tokens", params(PageQuery), security(("bearer" = [])),
    responses((status = 200, body = Page<TokenDto>), (status = 401, body = crate::Problem)))]
async fn tokens(
    State(state): State<AppState>,
    ApiTenant(t): ApiTenant,
    Query(q): Query<PageQuery>,
) -> ApiResult<Json<Page<TokenDto>>> {
    let all = state.store.api_tokens(&t).await?.into_iter().map(TokenDto::from).collect();
    Ok(Json(Page::from_vec(all, &q)?))
}

/// Create a token with at most the caller's role. The secret is returned once.
#[utoipa::path(post, path = "/api/v1/tokens", tag = "tokens", request_body = TokenRequest, security(("bearer" = [])),
    responses((status = 201, body = TokenCreated), (status = 422, body = crate::Problem)))]
async fn create_token(
    State(state): State<AppState>,
    ApiTenant(t): ApiTenant,
    ApiJson(req): ApiJson<TokenRequest>,
) -> ApiResult<(StatusCode, Json<TokenCreated>)> {
    let role = match &req.role {
        Some(r) => r.parse().map_err(|e: String| ApiError::field("role", e))?,
        None => t.role(),
    };
    let (info, secret) = state
        .store
        .create_api_token(&t, NewApiToken { name: req.name, role, expires_in_days: req.expires_in_days })
        .await?;
    Ok((StatusCode::CREATED, Json(TokenCreated { token: secret, info: info.into() })))
}

/// Revoke a token of the organization.
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "tokens", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 204), (status = 404, body = crate::Problem)))]
async fn revoke_token(
    State(state): State<AppState>,
    ApiTenant(t): ApiTenant,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    state.store.revoke_api_token(&t, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The organization's audit log, newest first (admins).
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(PageQuery), security(("bearer" = [])),
    responses((status = 200, body = Page<AuditDto>), (status = 403, body = crate::Problem)))]
async fn audit(
    State(state): State<AppState>,
    ApiTenant(t): ApiTenant,
    Query(q): Query<PageQuery>,
) -> ApiResult<Json<Page<AuditDto>>> {
    let limit = q.limit()?;
    let entries = state.store.audit_page(&t, q.position()?, limit as u64).await?;
    let next = (entries.len() == limit).then(|| entries.last().map(|e| cursor(e.seq))).flatten();
    Ok(Json(Page { items: entries.into_iter().map(AuditDto::from).collect(), next_cursor: next }))
}

/// Suppliers down to tier 3, from the token organization's point of view.
#[utoipa::path(get, path = "/api/v1/suppliers", tag = "supply-chain", params(PageQuery), security(("bearer" = [])),
    responses((status = 200, body = Page<SupplierDto>), (status = 401, body = crate::Problem)))]
async fn suppliers(
    State(state): State<AppState>,
    ApiTenant(t): ApiTenant,
    Query(q): Query<PageQuery>,
) -> ApiResult<Json<Page<SupplierDto>>> {
    let all = state.store.suppliers(&t).await?.into_iter().map(SupplierDto::from).collect();
    Ok(Json(Page::from_vec(all, &q)?))
}
