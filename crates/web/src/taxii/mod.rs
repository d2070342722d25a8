//! TAXII 2.1 server at `/taxii2/`: one API root per sharing circle, collections with
//! per-organization read/write, objects with TLP enforced in the store's SQL.
//!
//! Protocol choices (documented per the checklist):
//! - Authentication: HTTP Basic with e-mail and password (or an API token as the password),
//!   or `Authorization: Bearer <token>`. Failures answer 401 with a challenge and a TAXII error.
//! - Every response, errors included, carries `application/taxii+json;version=2.1`; error
//!   bodies are TAXII `error` resources, never problem+json (see [`outer`]).
//! - Paths are accepted with and without the trailing slash.
//! - Unknown `match[...]` fields are ignored; malformed parameters answer 400.
//! - `X-TAXII-Date-Added-First/Last` are sent on every non-empty 200 page; empty pages
//!   (`{}`) carry no such headers, since there is no first or last object.
//! - Collections the caller has no grant on answer 404; a grant without read (or write)
//!   answers 403 for reads (or writes), as the specification allows.
//! - DELETE removes the selected versions from this collection only; other collections
//!   keep their copies.

mod auth;
mod handlers;

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use mamori_intel::taxii::{TAXII_MEDIA_TYPE, TaxiiError};
use mamori_store::StoreError;

use crate::AppState;

pub(crate) use auth::TaxiiCaller;

/// Shared state of the TAXII routes (credential cache).
#[derive(Default)]
pub(crate) struct TaxiiShared {
    pub auth_cache: auth::AuthCache,
}

/// The TAXII routes, mounted at `/taxii2/`.
pub fn routes(_state: AppState) -> Router<AppState> {
    let shared = Arc::new(TaxiiShared::default());
    let mut r = Router::new();
    let paths: [(&str, axum::routing::MethodRouter<AppState>); 9] = [
        ("/taxii2", get(handlers::discovery)),
        ("/taxii2/{root}", get(handlers::api_root)),
        ("/taxii2/{root}/status/{id}", get(handlers::status)),
        ("/taxii2/{root}/collections", get(handlers::collections)),
        ("/taxii2/{root}/collections/{id}", get(handlers::collection)),
        ("/taxii2/{root}/collections/{id}/manifest", get(handlers::manifest)),
        ("/taxii2/{root}/collections/{id}/objects", get(handlers::get_objects).post(handlers::add_objects)),
        ("/taxii2/{root}/collections/{id}/objects/{oid}", get(handlers::get_object).delete(handlers::delete_object)),
        ("/taxii2/{root}/collections/{id}/objects/{oid}/versions", get(handlers::versions)),
    ];
    for (path, method) in paths {
        r = r.route(&format!("{path}/"), method.clone()).route(path, method);
    }
    r.layer(axum::Extension(shared))
}

/// Wraps the whole application: any response under `/taxii2` gets the TAXII media type, and
/// error responses produced outside the TAXII handlers (413 from the body limit, 405, 408,
/// panics) are rewritten as TAXII `error` resources.
pub fn outer(router: Router) -> Router {
    router.layer(middleware::from_fn(taxii_shape))
}

async fn taxii_shape(req: Request, next: Next) -> Response {
    let is_taxii = req.uri().path() == "/taxii2" || req.uri().path().starts_with("/taxii2/");
    let mut resp = next.run(req).await;
    if !is_taxii {
        return resp;
    }
    let already = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/taxii+json"));
    let status = resp.status();
    if !already && (status.is_client_error() || status.is_server_error()) {
        let title = status.canonical_reason().unwrap_or("Error");
        let mut out = error_response(TaxiiError::new(status.as_u16(), title).with_error_code(code_for(status)));
        for (name, value) in resp.headers() {
            if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
                out.headers_mut().insert(name.clone(), value.clone());
            }
        }
        return out;
    }
    resp.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(TAXII_MEDIA_TYPE));
    resp
}

fn code_for(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "bad-request",
        401 => "unauthorized",
        403 => "forbidden",
        404 => "not-found",
        405 => "method-not-allowed",
        406 => "not-acceptable",
        408 => "timeout",
        413 => "payload-too-large",
        415 => "unsupported-media-type",
        422 => "unprocessable",
        429 => "rate-limited",
        _ => "internal-error",
    }
}

/// A TAXII error resource as a response, with a fresh `error_id` for support.
pub(crate) fn error_response(mut e: TaxiiError) -> Response {
    if e.error_id.is_none() {
        e.error_id = Some(uuid::Uuid::new_v4().to_string());
    }
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::BAD_REQUEST);
    let body = serde_json::to_vec(&e).unwrap_or_default();
    let mut r = (status, Body::from(body)).into_response();
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(TAXII_MEDIA_TYPE));
    r
}

/// The handlers' error: a TAXII error resource.
pub(crate) struct TaxiiFail(pub Box<TaxiiError>);

impl IntoResponse for TaxiiFail {
    fn into_response(self) -> Response {
        let unauthorized = self.0.status() == 401;
        let mut r = error_response(*self.0);
        if unauthorized {
            r.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"mamori TAXII\", Bearer realm=\"mamori TAXII\""),
            );
        }
        r
    }
}

impl From<TaxiiError> for TaxiiFail {
    fn from(e: TaxiiError) -> Self {
        TaxiiFail(Box::new(e))
    }
}

impl From<StoreError> for TaxiiFail {
    fn from(e: StoreError) -> Self {
        TaxiiFail::from(match e {
            StoreError::NotFound => TaxiiError::new(404, "Not found").with_error_code("not-found"),
            StoreError::Forbidden(why) => {
                TaxiiError::new(403, "Forbidden").with_description(why).with_error_code("forbidden")
            }
            StoreError::Invalid { field, message } => TaxiiError::new(400, "Invalid request")
                .with_description(format!("{field}: {message}"))
                .with_error_code("invalid"),
            StoreError::Conflict(m) => TaxiiError::new(409, "Conflict").with_description(m).with_error_code("conflict"),
            other => {
                tracing::error!(error = %other, "TAXII request failed");
                TaxiiError::new(500, "Internal error").with_error_code("internal-error")
            }
        })
    }
}

pub(crate) type TaxiiResult = Result<Response, TaxiiFail>;
