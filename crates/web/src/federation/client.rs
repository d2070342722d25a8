//! A small TAXII 2.1 client over reqwest: rustls with the ring provider and the system's
//! trust store, no redirects (credentials stay with the configured host), bounded bodies,
//! and errors worded for the people who read a peer's state.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use mamori_intel::federation::{is_internal_address, retry_after};
use mamori_intel::taxii::TAXII_MEDIA_TYPE;
use mamori_store::intel::PeerCredentials;
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap};
use serde_json::Value;

/// Largest answer read from a peer.
const MAX_BODY: usize = 64 * 1024 * 1024;

/// Why a request to a peer failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FedError {
    /// The peer could not be reached (DNS, connect, TLS, timeout).
    Unreachable(String),
    /// The peer answered with an error status (with its `Retry-After` on 429 and 503).
    Status { code: u16, message: String, retry_after: Option<Duration> },
    /// The peer answered something that is not TAXII.
    Protocol(String),
}

impl std::fmt::Display for FedError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FedError::Unreachable(why) => write!(f, "cannot reach the peer: {why}"),
            FedError::Status { code: code @ (401 | 403), message, .. } => {
                write!(f, "the peer refused our credentials (HTTP {code}): {message}")
            }
            FedError::Status { code: 404, message, .. } => {
                write!(f, "the peer has no such collection, or does not share it with us (HTTP 404): {message}")
            }
            FedError::Status { code, message, retry_after: Some(wait) } => {
                write!(f, "the peer answered HTTP {code}: {message} (it asks to retry after {} s)", wait.as_secs())
            }
            FedError::Status { code, message, retry_after: None } => {
                write!(f, "the peer answered HTTP {code}: {message}")
            }
            FedError::Protocol(why) => write!(f, "the peer's answer is not TAXII 2.1: {why}"),
        }
    }
}

fn tls_config() -> Result<rustls::ClientConfig, String> {
    static ROOTS: OnceLock<Arc<rustls::RootCertStore>> = OnceLock::new();
    let roots = ROOTS
        .get_or_init(|| {
            let mut roots = rustls::RootCertStore::empty();
            let found = rustls_native_certs::load_native_certs();
            for e in &found.errors {
                tracing::warn!(error = %e, "cannot load a system trust anchor");
            }
            roots.add_parsable_certificates(found.certs);
            Arc::new(roots)
        })
        .clone();
    Ok(rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_root_certificates(roots)
        .with_no_client_auth())
}

const INTERNAL: &str = "is an internal address; the server operator can allow peers on internal networks \
     (mamori serve --federation-allow-internal)";

/// Resolves names like the system does, then drops internal addresses, so neither a name
/// nor a DNS answer that changes between checks can aim the hub at its own network.
struct PublicOnly;

impl reqwest::dns::Resolve for PublicOnly {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let found: Vec<std::net::SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let public: Vec<std::net::SocketAddr> =
                found.into_iter().filter(|a| !is_internal_address(a.ip())).collect();
            if public.is_empty() {
                return Err(format!("{host} {INTERNAL}").into());
            }
            Ok(Box::new(public.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// Most times one request is sent again after a 429 or 503 with `Retry-After`.
const RETRIES: u32 = 3;

/// One peer's client.
pub(crate) struct TaxiiClient {
    http: reqwest::Client,
    creds: PeerCredentials,
    allow_internal: bool,
    /// The longest `Retry-After` waited for in place; a longer one fails the request.
    max_wait: Duration,
}

impl TaxiiClient {
    pub(crate) fn new(
        creds: PeerCredentials,
        timeout: Duration,
        allow_internal: bool,
        max_wait: Duration,
    ) -> Result<Self, FedError> {
        let tls = tls_config().map_err(FedError::Unreachable)?;
        let mut builder = reqwest::Client::builder();
        if !allow_internal {
            builder = builder.dns_resolver(Arc::new(PublicOnly));
        }
        let http = builder
            .use_preconfigured_tls(tls)
            .connect_timeout(Duration::from_secs(10))
            .timeout(timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("mamori-federation/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| FedError::Unreachable(e.to_string()))?;
        Ok(TaxiiClient { http, creds, allow_internal, max_wait })
    }

    fn auth(&self, rb: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match &self.creds {
            PeerCredentials::None => rb,
            PeerCredentials::Basic { username, password } => rb.basic_auth(username, Some(password)),
            PeerCredentials::Bearer(token) => rb.bearer_auth(token),
        }
    }

    /// `GET url?query` for a TAXII resource: the JSON body and the response headers.
    pub(crate) async fn get(&self, url: &str, query: &[(&str, &str)]) -> Result<(Value, HeaderMap), FedError> {
        let rb = self.http.get(url).query(query).header(ACCEPT, TAXII_MEDIA_TYPE);
        self.send(self.auth(rb)).await
    }

    /// `POST url` with a TAXII envelope: the JSON answer (a status resource).
    pub(crate) async fn post(&self, url: &str, body: Vec<u8>) -> Result<Value, FedError> {
        let rb = self.http.post(url).header(ACCEPT, TAXII_MEDIA_TYPE).header(CONTENT_TYPE, TAXII_MEDIA_TYPE).body(body);
        self.send(self.auth(rb)).await.map(|(v, _)| v)
    }

    /// Sends the request; after a 429 or 503 whose `Retry-After` is within `max_wait`, waits
    /// that long and sends it again (at most [`RETRIES`] times).
    async fn send(&self, rb: reqwest::RequestBuilder) -> Result<(Value, HeaderMap), FedError> {
        let req = rb.build().map_err(|e| FedError::Unreachable(describe(&e)))?;
        let mut attempt = 0;
        loop {
            let again =
                req.try_clone().ok_or_else(|| FedError::Unreachable("the request cannot be repeated".into()))?;
            match self.send_once(again).await {
                Err(FedError::Status { retry_after: Some(wait), .. }) if attempt < RETRIES && wait <= self.max_wait => {
                    attempt += 1;
                    tokio::time::sleep(wait).await;
                }
                other => return other,
            }
        }
    }

    async fn send_once(&self, req: reqwest::Request) -> Result<(Value, HeaderMap), FedError> {
        // Address literals are not resolved, so the resolver's check does not see them.
        let host = req.url().host_str().unwrap_or("");
        let literal = host.trim_start_matches('[').trim_end_matches(']').parse::<std::net::IpAddr>().ok();
        if let Some(ip) = literal.filter(|ip| !self.allow_internal && is_internal_address(*ip)) {
            return Err(FedError::Unreachable(format!("{ip} {INTERNAL}")));
        }
        let mut resp = self.http.execute(req).await.map_err(|e| FedError::Unreachable(describe(&e)))?;
        let status = resp.status();
        let headers = resp.headers().clone();
        let mut body = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(|e| FedError::Unreachable(describe(&e)))? {
            if body.len() + chunk.len() > MAX_BODY {
                return Err(FedError::Protocol(format!("the answer exceeds {MAX_BODY} bytes")));
            }
            body.extend_from_slice(&chunk);
        }
        let json: Option<Value> = serde_json::from_slice(&body).ok();
        if !status.is_success() {
            // A TAXII error resource says what went wrong; show its title and description.
            let text = |k: &str| json.as_ref().and_then(|v| v.get(k)).and_then(Value::as_str).map(str::to_owned);
            let message = match (text("title"), text("description")) {
                (Some(t), Some(d)) => format!("{t}: {d}"),
                (Some(t), None) => t,
                _ => status.canonical_reason().unwrap_or("error").to_owned(),
            };
            let retry_after = match status.as_u16() {
                429 | 503 => headers
                    .get(reqwest::header::RETRY_AFTER)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| retry_after(v, time::OffsetDateTime::now_utc())),
                _ => None,
            };
            return Err(FedError::Status { code: status.as_u16(), message, retry_after });
        }
        let json = json.ok_or_else(|| FedError::Protocol("the body is not JSON".into()))?;
        Ok((json, headers))
    }
}

/// The error and its causes on one line (reqwest's own message names only the outer layer).
fn describe(e: &reqwest::Error) -> String {
    let mut out = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}
