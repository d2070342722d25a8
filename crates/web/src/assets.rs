//! Static files compiled into the binary: our CSS and scripts, and vendored libraries.

use axum::Router;
use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use rust_embed::RustEmbed;

use crate::AppState;

/// The site icon, also served at `/favicon.ico`.
pub const FAVICON: &str = include_str!("../assets/favicon.svg");

#[derive(RustEmbed)]
#[folder = "assets/"]
struct Assets;

pub fn routes() -> Router<AppState> {
    Router::new().route("/static/{*path}", get(serve))
}

async fn serve(Path(path): Path<String>) -> Response {
    let Some(file) = Assets::get(&path) else {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    };
    let mime = match path.rsplit('.').next() {
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("woff2") => "font/woff2",
        _ => "application/octet-stream",
    };
    // Vendored files carry their version in the name, so they may be cached for long.
    let cache = if path.starts_with("vendor/") { "public, max-age=31536000, immutable" } else { "public, max-age=300" };
    ([(header::CONTENT_TYPE, mime), (header::CACHE_CONTROL, cache)], file.data.into_owned()).into_response()
}
