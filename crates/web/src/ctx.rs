//! The HTML request context: session, language and CSRF, loaded once per request.
//!
//! `load` runs before every HTML route. It reads the session cookie, picks the language
//! (user setting, then the `lang` cookie, then Accept-Language), and works out the CSRF
//! token. For every non-GET request it checks the token from the form body (or the
//! `X-CSRF-Token` header that htmx sends) before any handler runs, so no state-changing
//! form can skip the check.

use axum::body::Body;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use hmac::{Hmac, Mac};
use mamori_store::{SessionInfo, Tenant};
use sha2::Sha256;
use subtle::ConstantTimeEq;

use crate::AppState;
use crate::i18n::{Lang, Tr};

pub const SESSION_COOKIE: &str = "mamori_session";
pub const PRE_COOKIE: &str = "mamori_pre";
pub const LANG_COOKIE: &str = "mamori_lang";

/// What every HTML handler knows about the request.
#[derive(Clone)]
pub struct Ctx {
    pub session: Option<SessionInfo>,
    pub session_token: Option<String>,
    pub lang: Lang,
    pub csrf: String,
    pub path: String,
}

impl Ctx {
    pub fn t(&self) -> Tr {
        Tr(self.lang)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = StatusCode;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<Ctx>().cloned().ok_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

/// Reads one cookie from the request headers.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// Builds a `Set-Cookie` value with our fixed security attributes.
pub fn set_cookie(name: &str, value: &str, max_age: Option<i64>, secure: bool, same_site: &str) -> HeaderValue {
    let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite={same_site}");
    if let Some(age) = max_age {
        c.push_str(&format!("; Max-Age={age}"));
    }
    if secure {
        c.push_str("; Secure");
    }
    HeaderValue::from_str(&c).unwrap_or_else(|_| HeaderValue::from_static("invalid=; Max-Age=0"))
}

fn sign(key: &[u8; 32], value: &str) -> String {
    match Hmac::<Sha256>::new_from_slice(key) {
        Ok(mut mac) => {
            mac.update(value.as_bytes());
            hex::encode(mac.finalize().into_bytes())
        }
        Err(_) => String::new(),
    }
}

fn random_hex() -> String {
    use rand::RngCore;
    let mut b = [0u8; 24];
    rand::rngs::OsRng.fill_bytes(&mut b);
    hex::encode(b)
}

/// The middleware that builds [`Ctx`] and enforces CSRF on state-changing requests.
pub async fn load(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let (mut parts, body) = req.into_parts();
    let token = cookie(&parts.headers, SESSION_COOKIE).map(str::to_string);
    let session = match &token {
        Some(t) => match state.store.session(t).await {
            Ok(s) => s,
            Err(e) => {
                tracing::error!(error = %e, "session lookup failed");
                return (StatusCode::SERVICE_UNAVAILABLE, "service unavailable").into_response();
            }
        },
        None => None,
    };
    let lang = session
        .as_ref()
        .and_then(|s| Lang::parse(&s.user.lang))
        .or_else(|| cookie(&parts.headers, LANG_COOKIE).and_then(Lang::parse))
        .unwrap_or_else(|| {
            Lang::from_accept_language(
                parts.headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).unwrap_or(""),
            )
        });
    let mut new_pre = None;
    let csrf = match &session {
        Some(s) => s.csrf.clone(),
        None => {
            let pre = match cookie(&parts.headers, PRE_COOKIE)
                .filter(|v| v.len() == 48 && v.bytes().all(|b| b.is_ascii_hexdigit()))
            {
                Some(v) => v.to_string(),
                None => {
                    let v = random_hex();
                    new_pre = Some(v.clone());
                    v
                }
            };
            sign(&state.csrf_key, &pre)
        }
    };
    let mut body = body;
    if parts.method != Method::GET && parts.method != Method::HEAD {
        let header_token = parts.headers.get("x-csrf-token").and_then(|v| v.to_str().ok()).map(str::to_string);
        let bytes = match axum::body::to_bytes(body, state.config.body_limit_for(parts.uri.path())).await {
            Ok(b) => b,
            Err(_) => return (StatusCode::PAYLOAD_TOO_LARGE, "request body too large").into_response(),
        };
        let is_form = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        let form_token = if is_form {
            serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes)
                .ok()
                .and_then(|pairs| pairs.into_iter().find(|(k, _)| k == "csrf").map(|(_, v)| v))
        } else {
            None
        };
        if is_form && !form_is_utf8(&bytes) {
            // Decoding would silently turn the bytes into U+FFFD and store that.
            return crate::html::error_page(
                StatusCode::BAD_REQUEST,
                Tr(lang),
                "error.bad_request",
                "error.bad_request",
            );
        }
        // Multipart bodies (file uploads) are not parsed here; their forms carry the token in `?csrf=`.
        let is_multipart = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("multipart/form-data"));
        let query_token = if is_multipart {
            parts
                .uri
                .query()
                .and_then(|q| serde_urlencoded::from_str::<Vec<(String, String)>>(q).ok())
                .and_then(|pairs| pairs.into_iter().find(|(k, _)| k == "csrf").map(|(_, v)| v))
        } else {
            None
        };
        let given = header_token.or(form_token).or(query_token).unwrap_or_default();
        let ok = !csrf.is_empty() && bool::from(given.as_bytes().ct_eq(csrf.as_bytes()));
        if !ok {
            let t = Tr(lang);
            return crate::html::error_page(StatusCode::FORBIDDEN, t, "error.forbidden", "error.csrf");
        }
        body = Body::from(bytes);
    }
    let path = parts.uri.path().to_string();
    parts.extensions.insert(Ctx { session, session_token: token, lang, csrf, path });
    let mut resp = next.run(Request::from_parts(parts, body)).await;
    resp.extensions_mut().insert(lang);
    if let Some(pre) = new_pre {
        resp.headers_mut()
            .append(header::SET_COOKIE, set_cookie(PRE_COOKIE, &pre, None, state.config.secure_cookies, "Strict"));
    }
    resp
}

/// True when every percent-decoded key and value of a urlencoded body is valid UTF-8.
pub fn form_is_utf8(body: &[u8]) -> bool {
    body.split(|b| *b == b'&').flat_map(|pair| pair.split(|b| *b == b'=')).all(|part| {
        let mut out = Vec::with_capacity(part.len());
        let mut i = 0;
        while i < part.len() {
            match part[i] {
                b'%' if i + 2 < part.len() => {
                    let hex =
                        std::str::from_utf8(&part[i + 1..i + 3]).ok().and_then(|h| u8::from_str_radix(h, 16).ok());
                    match hex {
                        Some(b) => {
                            out.push(b);
                            i += 3;
                        }
                        None => {
                            out.push(b'%');
                            i += 1;
                        }
                    }
                }
                b'+' => {
                    out.push(b' ');
                    i += 1;
                }
                b => {
                    out.push(b);
                    i += 1;
                }
            }
        }
        std::str::from_utf8(&out).is_ok()
    })
}

/// The tenant of the session's active organization, if any.
pub async fn tenant(state: &AppState, ctx: &Ctx) -> Option<Tenant> {
    let s = ctx.session.as_ref()?;
    state.store.tenant_for_session(s).await.ok().flatten()
}
