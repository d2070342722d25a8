//! Layers around every route: security headers, limits, panics, metrics and tracing.

use std::sync::atomic::Ordering;
use std::time::Instant;

use axum::Router;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::AppState;
use crate::error::{ApiError, Code, PROBLEM_JSON};
use crate::i18n::{Lang, Tr};

/// No inline script anywhere; styles and scripts come from our own origin only.
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

pub fn wrap(router: Router, state: AppState) -> Router {
    let largest = state.config.body_limit_for(crate::IMPORT_ROUTES[0]);
    let timeout = state.config.request_timeout;
    let hdr = |name: &'static str, value: &'static str| {
        SetResponseHeaderLayer::if_not_present(HeaderName::from_static(name), HeaderValue::from_static(value))
    };
    router
        .layer(DefaultBodyLimit::max(largest))
        .layer(middleware::from_fn_with_state(state.clone(), limit_body))
        .layer(middleware::from_fn_with_state(state, track))
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, timeout))
        .layer(middleware::from_fn(rejections))
        .layer(hdr("content-security-policy", CSP))
        .layer(hdr("x-content-type-options", "nosniff"))
        .layer(hdr("x-frame-options", "DENY"))
        .layer(hdr("referrer-policy", "same-origin"))
        .layer(hdr("cross-origin-opener-policy", "same-origin"))
        .layer(hdr("permissions-policy", "camera=(), microphone=(), geolocation=()"))
        .layer(CatchPanicLayer::custom(|_: Box<dyn std::any::Any + Send>| {
            tracing::error!("a handler panicked");
            ApiError::new(Code::Internal).into_response()
        }))
        .layer(TraceLayer::new_for_http())
}

/// The body limit of the route: a declared length above it is answered 413 at once, and a body
/// that grows past it fails to read (the extractors answer 413 too). Catalog imports get a
/// larger limit than every other route (see [`crate::WebConfig::body_limit_for`]).
async fn limit_body(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let limit = state.config.body_limit_for(req.uri().path());
    let declared =
        req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return (StatusCode::PAYLOAD_TOO_LARGE, format!("the request body is larger than {limit} bytes"))
            .into_response();
    }
    let (parts, body) = req.into_parts();
    next.run(Request::from_parts(parts, Body::new(http_body_util::Limited::new(body, limit)))).await
}

/// Counts responses by status class and total time, for `/metrics`.
async fn track(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let start = Instant::now();
    let resp = next.run(req).await;
    let class = (resp.status().as_u16() / 100).clamp(1, 5) as usize - 1;
    if let Some(c) = state.metrics.requests.get(class) {
        c.fetch_add(1, Ordering::Relaxed);
    }
    state.metrics.duration_micros.fetch_add(start.elapsed().as_micros() as u64, Ordering::Relaxed);
    resp
}

/// Under `/api`, any error response that is not already a problem document becomes one,
/// so clients see one error shape even for rejections produced by the framework.
pub async fn problem_json(req: Request, next: Next) -> Response {
    let resp = next.run(req).await;
    let status = resp.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return resp;
    }
    let is_problem = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with(PROBLEM_JSON));
    if is_problem {
        return resp;
    }
    let (parts, body) = resp.into_parts();
    let detail = axum::body::to_bytes(body, 4096)
        .await
        .ok()
        .and_then(|b| String::from_utf8(b.to_vec()).ok())
        .filter(|s| !s.trim().is_empty() && status.is_client_error());
    let mut err = ApiError::new(Code::from_status(status));
    err.detail = detail;
    let mut out = err.into_response();
    *out.status_mut() = status;
    for (name, value) in parts.headers.iter() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            out.headers_mut().insert(name.clone(), value.clone());
        }
    }
    out
}

/// Rejections made outside our handlers (the body-size limit, the timeout, extractors that
/// refuse a form or query) come as plain text. Under `/api/` they become problem documents;
/// under `/taxii2/` they are left to the TAXII layer; elsewhere a 4xx becomes an error page
/// in the request's language.
async fn rejections(req: Request, next: Next) -> Response {
    if req.uri().path().starts_with("/api/") {
        return problem_json(req, next).await;
    }
    // TAXII answers its own error resources (`taxii::outer` shapes the framework's).
    if req.uri().path() == "/taxii2" || req.uri().path().starts_with("/taxii2/") {
        return next.run(req).await;
    }
    let headers = req.headers();
    let hint = crate::ctx::cookie(headers, crate::ctx::LANG_COOKIE).and_then(Lang::parse).unwrap_or_else(|| {
        Lang::from_accept_language(headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).unwrap_or(""))
    });
    let resp = next.run(req).await;
    let status = resp.status();
    let is_html = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if !status.is_client_error() || is_html {
        return resp;
    }
    // The HTML context records the language it chose (the user's setting first).
    let lang = resp.extensions().get::<Lang>().copied().unwrap_or(hint);
    let (heading, body) = match status {
        StatusCode::FORBIDDEN => ("error.forbidden", "error.forbidden_body"),
        StatusCode::NOT_FOUND => ("error.not_found", "error.not_found_body"),
        _ => ("error.bad_request", "error.bad_request"),
    };
    let mut out = crate::html::error_page(status, Tr(lang), heading, body);
    for (name, value) in resp.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            out.headers_mut().append(name.clone(), value.clone());
        }
    }
    out
}

/// Turns a body into a response with an explicit content type.
pub fn typed(content_type: &'static str, body: impl Into<Body>) -> Response {
    ([(header::CONTENT_TYPE, content_type)], body.into()).into_response()
}
