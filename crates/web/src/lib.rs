//! The HTTP face of mamori: the ja/en HTML UI, the REST API under `/api/v1`, and operations
//! endpoints. Only this crate knows HTTP.

mod api;
mod assets;
mod ctx;
mod error;
pub mod federation;
mod html;
pub mod i18n;
mod i18n_assess;
mod i18n_chain;
mod mail;
mod middleware;
mod openapi;
mod ops;
mod ratelimit;
pub mod reminders;
mod taxii;

use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::Duration;

use axum::Router;
use mamori_store::Store;

pub use api::extract::cursor as api_cursor;
pub use error::{ApiError, Code, Problem};
pub use mail::{LogMailer, Mailer, NoMailer};

/// Settings the web layer needs; built by the binary from flags, environment and file.
#[derive(Clone, Debug)]
pub struct WebConfig {
    /// Mark cookies `Secure` (set when served over HTTPS or behind a TLS proxy).
    pub secure_cookies: bool,
    /// The externally visible base URL, used in e-mailed links.
    pub public_url: String,
    /// Largest accepted request body, in bytes.
    pub body_limit: usize,
    /// Largest accepted catalog import (`POST /api/v1/frameworks/import` and the upload on
    /// `/frameworks`), in bytes: real catalogs are several MiB.
    pub import_body_limit: usize,
    /// Longest a request may take before it is answered with 408.
    pub request_timeout: Duration,
    /// Login attempts per client address: burst and per-minute refill.
    pub login_burst: u32,
    pub login_per_minute: u32,
    /// API calls per token or client address: burst and per-minute refill.
    pub api_burst: u32,
    pub api_per_minute: u32,
    /// Let federation peers live on internal addresses (loopback, private networks).
    pub federation_allow_internal: bool,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            secure_cookies: false,
            public_url: "http://127.0.0.1:8080".into(),
            body_limit: 1024 * 1024,
            import_body_limit: 32 * 1024 * 1024,
            request_timeout: Duration::from_secs(30),
            login_burst: 10,
            login_per_minute: 10,
            api_burst: 120,
            api_per_minute: 600,
            federation_allow_internal: false,
        }
    }
}

/// The routes that take a catalog file and so accept up to [`WebConfig::import_body_limit`].
pub const IMPORT_ROUTES: [&str; 2] = ["/api/v1/frameworks/import", "/frameworks/import"];

impl WebConfig {
    /// The body limit for a request path: the import limit on [`IMPORT_ROUTES`], the general
    /// limit everywhere else.
    pub fn body_limit_for(&self, path: &str) -> usize {
        if IMPORT_ROUTES.contains(&path) { self.import_body_limit.max(self.body_limit) } else { self.body_limit }
    }
}

/// Counters exported at `/metrics`.
#[derive(Debug, Default)]
pub struct Metrics {
    pub requests: [AtomicU64; 5],
    pub duration_micros: AtomicU64,
    pub rate_limited: AtomicU64,
}

/// Shared state of every handler.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<WebConfig>,
    pub mailer: Arc<dyn Mailer>,
    pub(crate) login_limiter: Arc<ratelimit::RateLimiter>,
    pub(crate) api_limiter: Arc<ratelimit::RateLimiter>,
    pub(crate) metrics: Arc<Metrics>,
    /// Key for signing pre-login CSRF tokens; fresh at every start.
    pub(crate) csrf_key: Arc<[u8; 32]>,
    pub(crate) started: std::time::Instant,
}

impl AppState {
    pub fn new(store: Store, config: WebConfig, mailer: Arc<dyn Mailer>) -> Self {
        use rand::RngCore;
        let mut key = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut key);
        AppState {
            store,
            login_limiter: Arc::new(ratelimit::RateLimiter::new(config.login_burst, config.login_per_minute)),
            api_limiter: Arc::new(ratelimit::RateLimiter::new(config.api_burst, config.api_per_minute)),
            config: Arc::new(config),
            mailer,
            metrics: Arc::new(Metrics::default()),
            csrf_key: Arc::new(key),
            started: std::time::Instant::now(),
        }
    }
}

/// The whole application as one router, without binding a socket (tests call it directly).
pub fn app(state: AppState) -> Router {
    taxii::outer(middleware::wrap(
        Router::new()
            .merge(html::routes(state.clone()))
            .merge(taxii::routes(state.clone()))
            .nest("/api/v1", api::routes(state.clone()))
            .merge(ops::routes())
            .merge(assets::routes())
            .with_state(state.clone()),
        state,
    ))
}

/// Serves until `shutdown` resolves, then finishes in-flight requests.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = app(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app).with_graceful_shutdown(shutdown).await
}
