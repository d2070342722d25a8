//! API extractors: bearer-token tenant, strict JSON bodies, and the pagination query.

use std::time::Instant;

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use mamori_store::Tenant;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::error::{ApiError, Code};

/// The authenticated tenant of an API call, from `Authorization: Bearer <token>`.
pub struct ApiTenant(pub Tenant);

pub struct Unauthorized(ApiError);

impl IntoResponse for Unauthorized {
    fn into_response(self) -> Response {
        let mut r = self.0.into_response();
        if r.status() == axum::http::StatusCode::UNAUTHORIZED {
            r.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"mamori\""));
        }
        r
    }
}

impl FromRequestParts<AppState> for ApiTenant {
    type Rejection = Unauthorized;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
            .map(str::trim)
            .ok_or_else(|| {
                Unauthorized(ApiError::detail(
                    Code::Unauthorized,
                    "send an API token as 'Authorization: Bearer <token>'",
                ))
            })?;
        // Limit per token prefix, so one noisy script cannot starve the others.
        let key: String = token.chars().take(16).collect();
        if let Err(wait) = state.api_limiter.check(&format!("api:{key}"), Instant::now()) {
            state.metrics.rate_limited.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let mut e = ApiError::new(Code::RateLimited);
            e.retry_after = Some(wait);
            return Err(Unauthorized(e));
        }
        match state.store.tenant_for_token(token).await {
            Ok(Some(t)) => Ok(ApiTenant(t)),
            Ok(None) => {
                Err(Unauthorized(ApiError::detail(Code::Unauthorized, "the token is unknown, revoked or expired")))
            }
            Err(e) => Err(Unauthorized(e.into())),
        }
    }
}

/// A JSON body that must be sent as `application/json` and must parse into `T`.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|v| {
                let v = v.trim().to_ascii_lowercase();
                v == "application/json" || (v.starts_with("application/") && v.ends_with("+json"))
            });
        if !is_json {
            return Err(ApiError::detail(Code::UnsupportedMediaType, "send the body as application/json"));
        }
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|_| ApiError::detail(Code::PayloadTooLarge, "the body is too large or could not be read"))?;
        let text = std::str::from_utf8(&bytes)
            .map_err(|_| ApiError::detail(Code::InvalidJson, "the body is not valid UTF-8"))?;
        serde_json::from_str(text).map(ApiJson).map_err(|e| {
            let mut err = ApiError::detail(Code::InvalidJson, format!("{e}"));
            if let serde_json::error::Category::Data = e.classify() {
                err.code = Code::ValidationFailed;
            }
            err
        })
    }
}

/// The one pagination convention: `?limit=` (1–200, default 50) and an opaque `?cursor=`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Items per page, 1–200 (default 50).
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

impl PageQuery {
    pub fn limit(&self) -> Result<usize, ApiError> {
        match self.limit {
            None => Ok(50),
            Some(n @ 1..=200) => Ok(n as usize),
            Some(_) => Err(ApiError::field("limit", "must be between 1 and 200")),
        }
    }

    /// Decodes the cursor into the position it names.
    pub fn position(&self) -> Result<Option<i64>, ApiError> {
        let Some(c) = &self.cursor else { return Ok(None) };
        let bad = || ApiError::field("cursor", "is not a cursor returned by this endpoint");
        let bytes = URL_SAFE_NO_PAD.decode(c.as_bytes()).map_err(|_| bad())?;
        let text = String::from_utf8(bytes).map_err(|_| bad())?;
        let n = text.strip_prefix("p:").and_then(|n| n.parse::<i64>().ok()).ok_or_else(bad)?;
        if n < 0 { Err(bad()) } else { Ok(Some(n)) }
    }
}

pub fn cursor(position: i64) -> String {
    URL_SAFE_NO_PAD.encode(format!("p:{position}"))
}

/// A page of results.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; null on the last page.
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// Pages over an already bounded, ordered list by offset.
    pub fn from_vec(all: Vec<T>, q: &PageQuery) -> Result<Page<T>, ApiError> {
        let limit = q.limit()?;
        let start = q.position()?.unwrap_or(0) as usize;
        let total = all.len();
        let items: Vec<T> = all.into_iter().skip(start).take(limit).collect();
        let end = start + items.len();
        Ok(Page { items, next_cursor: (end < total).then(|| cursor(end as i64)) })
    }
}
