//! TAXII authentication: HTTP Basic (e-mail and password, or an API token as the password)
//! and bearer API tokens. Successful Basic logins are cached briefly by a hash of the
//! credentials, so a paging client does not pay for a password hash on every request.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use mamori_intel::taxii::TaxiiError;
use mamori_store::{LoginOutcome, Tenant};
use sha2::{Digest, Sha256};

use super::{TaxiiFail, TaxiiShared};
use crate::AppState;

const CACHE_TTL: Duration = Duration::from_secs(120);
const CACHE_MAX: usize = 10_000;

/// Verified Basic credentials: hash of `email:password` → (user id, org id, valid until).
#[derive(Default)]
pub(crate) struct AuthCache(Mutex<HashMap<[u8; 32], (String, String, Instant)>>);

/// The authenticated TAXII caller.
pub(crate) struct TaxiiCaller(pub Tenant);

fn unauthorized(why: &str) -> TaxiiFail {
    TaxiiFail::from(
        TaxiiError::new(401, "Authentication required").with_description(why).with_error_code("unauthorized"),
    )
}

impl FromRequestParts<AppState> for TaxiiCaller {
    type Rejection = TaxiiFail;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let value = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| unauthorized("send HTTP Basic credentials or a bearer API token"))?
            .trim()
            .to_owned();
        let (scheme, rest) = value.split_once(' ').unwrap_or((value.as_str(), ""));
        let key: String = rest.chars().take(16).collect();
        if state.api_limiter.check(&format!("taxii:{key}"), Instant::now()).is_err() {
            return Err(TaxiiFail::from(TaxiiError::new(429, "Too many requests").with_error_code("rate-limited")));
        }
        match scheme.to_ascii_lowercase().as_str() {
            // taxii2-client's TokenAuth sends `Token <key>`.
            "bearer" | "token" => token(state, rest.trim()).await,
            "basic" => {
                let decoded = STANDARD
                    .decode(rest.trim().as_bytes())
                    .ok()
                    .and_then(|b| String::from_utf8(b).ok())
                    .ok_or_else(|| unauthorized("malformed Basic credentials"))?;
                let (email, password) =
                    decoded.split_once(':').ok_or_else(|| unauthorized("malformed Basic credentials"))?;
                if password.starts_with("mmr_") {
                    return token(state, password).await;
                }
                let shared = parts
                    .extensions
                    .get::<Arc<TaxiiShared>>()
                    .cloned()
                    .ok_or_else(|| TaxiiFail::from(TaxiiError::new(500, "Internal error")))?;
                basic(state, &shared, email, password).await
            }
            _ => Err(unauthorized("use the Basic or Bearer scheme")),
        }
    }
}

async fn token(state: &AppState, secret: &str) -> Result<TaxiiCaller, TaxiiFail> {
    match state.store.tenant_for_token(secret).await {
        Ok(Some(t)) => Ok(TaxiiCaller(t)),
        Ok(None) => Err(unauthorized("the token is unknown, revoked or expired")),
        Err(e) => Err(e.into()),
    }
}

async fn basic(state: &AppState, shared: &TaxiiShared, email: &str, password: &str) -> Result<TaxiiCaller, TaxiiFail> {
    let mut h = Sha256::new();
    h.update((email.len() as u64).to_be_bytes());
    h.update(email.as_bytes());
    h.update(password.as_bytes());
    let key: [u8; 32] = h.finalize().into();
    let cached = shared.auth_cache.0.lock().ok().and_then(|m| m.get(&key).cloned());
    let (user_id, org_id) = match cached.filter(|(_, _, until)| *until > Instant::now()) {
        Some((u, o, _)) => (u, o),
        None => {
            let user = match state.store.login(email, password, None).await? {
                LoginOutcome::Success(u) => u,
                LoginOutcome::MfaRequired => {
                    return Err(unauthorized("this account uses two-factor sign-in; use an API token"));
                }
                _ => return Err(unauthorized("invalid credentials")),
            };
            let membership = state
                .store
                .memberships(&user.id)
                .await?
                .into_iter()
                .next()
                .ok_or_else(|| unauthorized("the account belongs to no organization"))?;
            if let Ok(mut m) = shared.auth_cache.0.lock() {
                if m.len() >= CACHE_MAX {
                    m.clear();
                }
                m.insert(key, (user.id.clone(), membership.org.id.clone(), Instant::now() + CACHE_TTL));
            }
            (user.id, membership.org.id)
        }
    };
    // Re-derive the tenant each time, so a removed membership takes effect at once.
    let user = state.store.user(&user_id).await.map_err(|_| unauthorized("invalid credentials"))?;
    match state.store.tenant_for_login(&user, &org_id).await {
        Ok(t) => Ok(TaxiiCaller(t)),
        Err(_) => Err(unauthorized("the account is no longer a member")),
    }
}
