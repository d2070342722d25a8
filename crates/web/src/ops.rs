//! Operations endpoints: liveness, readiness and Prometheus metrics.

use std::fmt::Write;
use std::sync::atomic::Ordering;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::AppState;
use crate::middleware::typed;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/favicon.ico", get(favicon))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
}

/// Browsers ask for `/favicon.ico` on their own; answer with our SVG icon.
async fn favicon() -> Response {
    let mut r = typed("image/svg+xml", crate::assets::FAVICON);
    r.headers_mut()
        .insert(axum::http::header::CACHE_CONTROL, axum::http::HeaderValue::from_static("public, max-age=86400"));
    r
}

async fn healthz() -> Response {
    typed("text/plain; charset=utf-8", "ok\n")
}

async fn readyz(State(state): State<AppState>) -> Response {
    match state.store.ping().await {
        Ok(()) => typed("text/plain; charset=utf-8", "ready\n"),
        Err(e) => {
            tracing::error!(error = %e, "readiness check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable\n").into_response()
        }
    }
}

async fn metrics(State(state): State<AppState>) -> Response {
    let m = &state.metrics;
    let db_up = i32::from(state.store.ping().await.is_ok());
    let mut out = String::new();
    let _ = writeln!(out, "# HELP mamori_build_info Build information.\n# TYPE mamori_build_info gauge");
    let _ = writeln!(
        out,
        "mamori_build_info{{version=\"{}\",backend=\"{}\"}} 1",
        env!("CARGO_PKG_VERSION"),
        state.store.backend_name()
    );
    let _ = writeln!(
        out,
        "# HELP mamori_db_up Whether the database answered a ping.\n# TYPE mamori_db_up gauge\nmamori_db_up {db_up}"
    );
    let _ = writeln!(
        out,
        "# HELP mamori_http_requests_total HTTP responses by status class.\n# TYPE mamori_http_requests_total counter"
    );
    for (i, c) in m.requests.iter().enumerate() {
        let _ = writeln!(out, "mamori_http_requests_total{{class=\"{}xx\"}} {}", i + 1, c.load(Ordering::Relaxed));
    }
    let total: u64 = m.requests.iter().map(|c| c.load(Ordering::Relaxed)).sum();
    let _ = writeln!(
        out,
        "# HELP mamori_http_request_duration_seconds Time spent answering requests.\n# TYPE mamori_http_request_duration_seconds summary"
    );
    let _ = writeln!(
        out,
        "mamori_http_request_duration_seconds_sum {:.6}",
        m.duration_micros.load(Ordering::Relaxed) as f64 / 1e6
    );
    let _ = writeln!(out, "mamori_http_request_duration_seconds_count {total}");
    let _ = writeln!(
        out,
        "# HELP mamori_rate_limited_total Requests refused by a rate limit.\n# TYPE mamori_rate_limited_total counter"
    );
    let _ = writeln!(out, "mamori_rate_limited_total {}", m.rate_limited.load(Ordering::Relaxed));
    let _ = writeln!(out, "# HELP mamori_uptime_seconds Seconds since start.\n# TYPE mamori_uptime_seconds gauge");
    let _ = writeln!(out, "mamori_uptime_seconds {}", state.started.elapsed().as_secs());
    typed("text/plain; version=0.0.4; charset=utf-8", out)
}
