//! Sign-up, login, logout, password reset, invitations and the language switch.

use std::time::Instant;

use askama::Template;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Form, Router};
use mamori_store::{Invitation, LoginOutcome, NewUser, StoreError};
use serde::Deserialize;

use super::{Chrome, FormErrors, PageError, PageResult, chrome, render, see_other};
use crate::AppState;
use crate::ctx::{Ctx, LANG_COOKIE, SESSION_COOKIE, set_cookie};
use crate::i18n::Lang;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/login", get(login_page).post(login))
        .route("/logout", post(logout))
        .route("/signup", get(signup_page).post(signup))
        .route("/password/forgot", get(forgot_page).post(forgot))
        .route("/password/reset", get(reset_page).post(reset))
        .route("/invite/{token}", get(invite_page).post(accept_invite))
        .route("/lang", post(set_lang))
}

#[derive(Deserialize, Default)]
pub struct Notice {
    pub notice: Option<String>,
}

/// The client's address for rate limiting; absent in in-process tests.
pub fn client_ip(ci: Option<&ConnectInfo<std::net::SocketAddr>>) -> String {
    ci.map(|c| c.0.ip().to_string()).unwrap_or_else(|| "local".into())
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    c: Chrome,
    email: String,
    message: Option<&'static str>,
    mfa: bool,
}

async fn login_page(State(state): State<AppState>, c: Ctx, Query(q): Query<Notice>) -> Response {
    if c.session.is_some() {
        return Redirect::to("/").into_response();
    }
    let ch = chrome(&state, &c, "login.title", q.notice.as_deref()).await;
    render(&LoginPage { c: ch, email: String::new(), message: None, mfa: false })
}

#[derive(Deserialize)]
struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    totp: String,
}

async fn login(
    State(state): State<AppState>,
    c: Ctx,
    ci: Option<Extension<ConnectInfo<std::net::SocketAddr>>>,
    Form(f): Form<LoginForm>,
) -> PageResult {
    let ip = client_ip(ci.as_ref().map(|e| &e.0));
    if let Err(wait) = state.login_limiter.check(&format!("login:{ip}"), Instant::now()) {
        state.metrics.rate_limited.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let mut resp = login_view(&state, &c, "login.rate_limited", false, f.email.clone()).await;
        *resp.status_mut() = axum::http::StatusCode::TOO_MANY_REQUESTS;
        if let Ok(v) = wait.to_string().parse() {
            resp.headers_mut().insert(header::RETRY_AFTER, v);
        }
        return Ok(resp);
    }
    let totp = Some(f.totp.as_str()).filter(|t| !t.trim().is_empty());
    let outcome = state.store.login(&f.email, &f.password, totp).await.map_err(|e| PageError::Store(c.t(), e))?;
    let status = axum::http::StatusCode::UNAUTHORIZED;
    let (message, mfa) = match outcome {
        LoginOutcome::Success(user) => {
            let memberships = state.store.memberships(&user.id).await.map_err(|e| PageError::Store(c.t(), e))?;
            let token = state
                .store
                .create_session(&user, memberships.first().map(|m| m.org.id.as_str()))
                .await
                .map_err(|e| PageError::Store(c.t(), e))?;
            let mut resp = Redirect::to("/").into_response();
            resp.headers_mut().append(
                header::SET_COOKIE,
                set_cookie(SESSION_COOKIE, &token, Some(7 * 86400), state.config.secure_cookies, "Lax"),
            );
            return Ok(resp);
        }
        LoginOutcome::MfaRequired => ("login.mfa_required", true),
        LoginOutcome::Locked { .. } => ("login.locked", false),
        LoginOutcome::Invalid => ("login.invalid", false),
    };
    let mut resp = login_view(&state, &c, message, mfa, f.email).await;
    *resp.status_mut() = status;
    Ok(resp)
}

async fn login_view(state: &AppState, c: &Ctx, message: &'static str, mfa: bool, email: String) -> Response {
    let ch = chrome(state, c, "login.title", None).await;
    render(&LoginPage { c: ch, email, message: Some(message), mfa })
}

async fn logout(State(state): State<AppState>, c: Ctx) -> Response {
    if let (Some(token), Some(s)) = (&c.session_token, &c.session)
        && let Err(e) = state.store.end_session(token, &s.user).await
    {
        tracing::error!(error = %e, "logout failed");
    }
    let mut resp = Redirect::to("/login").into_response();
    resp.headers_mut()
        .append(header::SET_COOKIE, set_cookie(SESSION_COOKIE, "", Some(0), state.config.secure_cookies, "Lax"));
    resp
}

#[derive(Deserialize, Default)]
pub struct SignupForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    pub org_name: String,
    #[serde(default)]
    pub lang: String,
}

#[derive(Template)]
#[template(path = "signup.html")]
struct SignupPage {
    c: Chrome,
    form: SignupForm,
    errors: FormErrors,
}

async fn signup_page(State(state): State<AppState>, c: Ctx) -> Response {
    let ch = chrome(&state, &c, "signup.title", None).await;
    let form = SignupForm { lang: c.lang.code().into(), ..Default::default() };
    render(&SignupPage { c: ch, form, errors: FormErrors::default() })
}

async fn signup(State(state): State<AppState>, c: Ctx, Form(f): Form<SignupForm>) -> PageResult {
    let t = c.t();
    let mut errors = FormErrors::default();
    errors.required(t, "name", &f.name);
    errors.required(t, "email", &f.email);
    errors.required(t, "password", &f.password);
    errors.required(t, "org_name", &f.org_name);
    if errors.is_empty() {
        let new = NewUser {
            email: f.email.clone(),
            name: f.name.clone(),
            password: f.password.clone(),
            lang: Lang::parse(&f.lang).unwrap_or(c.lang).code().into(),
        };
        match state.store.signup(new, &f.org_name).await {
            Ok((user, org)) => {
                let token =
                    state.store.create_session(&user, Some(&org.id)).await.map_err(|e| PageError::Store(t, e))?;
                let mut resp = Redirect::to("/").into_response();
                resp.headers_mut().append(
                    header::SET_COOKIE,
                    set_cookie(SESSION_COOKIE, &token, Some(7 * 86400), state.config.secure_cookies, "Lax"),
                );
                return Ok(resp);
            }
            Err(e) => errors.absorb(t, e).map_err(|e| PageError::Store(t, e))?,
        }
    }
    let ch = chrome(&state, &c, "signup.title", None).await;
    let mut resp = render(&SignupPage { c: ch, form: f, errors });
    *resp.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    Ok(resp)
}

#[derive(Template)]
#[template(path = "forgot.html")]
struct ForgotPage {
    c: Chrome,
}

async fn forgot_page(State(state): State<AppState>, c: Ctx) -> Response {
    render(&ForgotPage { c: chrome(&state, &c, "forgot.title", None).await })
}

#[derive(Deserialize)]
struct ForgotForm {
    #[serde(default)]
    email: String,
}

async fn forgot(
    State(state): State<AppState>,
    c: Ctx,
    ci: Option<Extension<ConnectInfo<std::net::SocketAddr>>>,
    Form(f): Form<ForgotForm>,
) -> PageResult {
    let ip = client_ip(ci.as_ref().map(|e| &e.0));
    // Same limiter as login: reset requests are another way to probe accounts.
    if state.login_limiter.check(&format!("login:{ip}"), Instant::now()).is_ok()
        && let Some((user, token)) =
            state.store.begin_password_reset(&f.email).await.map_err(|e| PageError::Store(c.t(), e))?
    {
        {
            let link = format!("{}/password/reset?token={token}", state.config.public_url.trim_end_matches('/'));
            let body = format!(
                "A password reset was requested for your mamori account.\n\nOpen this link within one hour:\n{link}\n\nIf you did not ask for it, ignore this message.\n"
            );
            if let Err(e) = state.mailer.send(&user.email, "mamori: password reset", &body) {
                tracing::warn!(error = %e, "reset e-mail not sent");
            }
        }
    }
    // The same answer whether or not the address is known.
    Ok(see_other("/login", "forgot.sent"))
}

#[derive(Deserialize)]
struct TokenQuery {
    #[serde(default)]
    token: String,
}

#[derive(Template)]
#[template(path = "reset.html")]
struct ResetPage {
    c: Chrome,
    token: String,
    errors: FormErrors,
}

async fn reset_page(State(state): State<AppState>, c: Ctx, Query(q): Query<TokenQuery>) -> Response {
    let ch = chrome(&state, &c, "reset.title", None).await;
    render(&ResetPage { c: ch, token: q.token, errors: FormErrors::default() })
}

#[derive(Deserialize)]
struct ResetForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

async fn reset(State(state): State<AppState>, c: Ctx, Form(f): Form<ResetForm>) -> PageResult {
    let t = c.t();
    let mut errors = FormErrors::default();
    errors.required(t, "password", &f.password);
    if f.password != f.confirm {
        errors.add("confirm", t.s("field.password_mismatch"));
    }
    if errors.is_empty() {
        match state.store.complete_password_reset(&f.token, &f.password).await {
            Ok(_) => return Ok(see_other("/login", "reset.done")),
            Err(StoreError::NotFound) => {
                return Ok(super::error_page(axum::http::StatusCode::BAD_REQUEST, t, "reset.title", "reset.invalid"));
            }
            Err(e) => errors.absorb(t, e).map_err(|e| PageError::Store(t, e))?,
        }
    }
    let ch = chrome(&state, &c, "reset.title", None).await;
    let mut resp = render(&ResetPage { c: ch, token: f.token, errors });
    *resp.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    Ok(resp)
}

#[derive(Template)]
#[template(path = "invite.html")]
struct InvitePage {
    c: Chrome,
    inv: Invitation,
    token: String,
    errors: FormErrors,
}

async fn invite_page(State(state): State<AppState>, c: Ctx, Path(token): Path<String>) -> Response {
    match state.store.invitation_by_token(&token).await {
        Ok(inv) => {
            let ch = chrome(&state, &c, "invite.title", None).await;
            render(&InvitePage { c: ch, inv, token, errors: FormErrors::default() })
        }
        Err(_) => super::error_page(axum::http::StatusCode::NOT_FOUND, c.t(), "invite.title", "invite.invalid"),
    }
}

#[derive(Deserialize)]
struct AcceptForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
}

async fn accept_invite(
    State(state): State<AppState>,
    c: Ctx,
    Path(token): Path<String>,
    Form(f): Form<AcceptForm>,
) -> PageResult {
    let t = c.t();
    let Ok(inv) = state.store.invitation_by_token(&token).await else {
        return Ok(super::error_page(axum::http::StatusCode::NOT_FOUND, t, "invite.title", "invite.invalid"));
    };
    let existing = c.session.as_ref().map(|s| &s.user);
    let mut errors = FormErrors::default();
    let new_user = if existing.is_none() {
        errors.required(t, "name", &f.name);
        errors.required(t, "password", &f.password);
        Some(NewUser { email: inv.email.clone(), name: f.name, password: f.password, lang: c.lang.code().into() })
    } else {
        None
    };
    if errors.is_empty() {
        match state.store.accept_invitation(&token, existing, new_user).await {
            Ok((user, org)) => {
                let mut resp = Redirect::to("/").into_response();
                match (&c.session_token, existing) {
                    (Some(tok), Some(_)) => {
                        if let Some(s) = &c.session {
                            state.store.switch_org(tok, s, &org.id).await.map_err(|e| PageError::Store(t, e))?;
                        }
                    }
                    _ => {
                        let token = state
                            .store
                            .create_session(&user, Some(&org.id))
                            .await
                            .map_err(|e| PageError::Store(t, e))?;
                        resp.headers_mut().append(
                            header::SET_COOKIE,
                            set_cookie(SESSION_COOKIE, &token, Some(7 * 86400), state.config.secure_cookies, "Lax"),
                        );
                    }
                }
                return Ok(resp);
            }
            Err(e) => errors.absorb(t, e).map_err(|e| PageError::Store(t, e))?,
        }
    }
    let ch = chrome(&state, &c, "invite.title", None).await;
    let mut resp = render(&InvitePage { c: ch, inv, token, errors });
    *resp.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    Ok(resp)
}

#[derive(Deserialize)]
struct LangForm {
    #[serde(default)]
    lang: String,
    #[serde(default)]
    back: String,
}

/// Switches the language: saved on the account when signed in, and in a cookie always.
async fn set_lang(State(state): State<AppState>, c: Ctx, headers: HeaderMap, Form(f): Form<LangForm>) -> PageResult {
    let _ = headers;
    let lang = Lang::parse(&f.lang).unwrap_or(c.lang);
    if let Some(s) = &c.session {
        state.store.set_user_lang(&s.user, lang.code()).await.map_err(|e| PageError::Store(c.t(), e))?;
    }
    // Only same-site paths are allowed as the return address.
    let back = if f.back.starts_with('/') && !f.back.starts_with("//") && !f.back.contains('\\') {
        f.back
    } else {
        "/".into()
    };
    let mut resp = Redirect::to(&back).into_response();
    resp.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(LANG_COOKIE, lang.code(), Some(365 * 86400), state.config.secure_cookies, "Lax"),
    );
    Ok(resp)
}
