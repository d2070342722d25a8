//! Public pages (no login): attestation verification, the registry, supplier-invitation
//! acceptance, and the well-known JWK sets and revocation lists.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use mamori_chain::attest::VerifyError;
use mamori_store::chain::SupplierInvitation;
use mamori_store::{Membership, NewUser, Role};
use serde::Deserialize;

use super::{day, level_text, org_name};
use crate::AppState;
use crate::ctx::{Ctx, SESSION_COOKIE, set_cookie};
use crate::html::{Chrome, FormErrors, PageError, PageResult, chrome, error_page, render};

/// Verification outcome shown on the page.
pub struct Outcome {
    pub ok: bool,
    pub heading: &'static str,
    pub detail: String,
    pub lines: Vec<(&'static str, String)>,
}

#[derive(Template)]
#[template(path = "chain_verify.html")]
struct VerifyPage {
    c: Chrome,
    envelope: String,
    outcome: Option<Outcome>,
}

pub async fn verify_page(State(state): State<AppState>, c: Ctx) -> Response {
    let ch = chrome(&state, &c, "verify.title", None).await;
    render(&VerifyPage { c: ch, envelope: String::new(), outcome: None })
}

#[derive(Deserialize)]
pub struct VerifyForm {
    #[serde(default)]
    envelope: String,
}

fn reason_key(e: &VerifyError) -> &'static str {
    match e {
        VerifyError::SignatureInvalid { .. } => "verify.tampered",
        VerifyError::WrongKey { .. } | VerifyError::UnknownKey { .. } => "verify.wrong_key",
        VerifyError::Expired { .. } | VerifyError::NotYetValid { .. } => "verify.expired",
        VerifyError::Revoked { .. } => "verify.revoked",
        VerifyError::ReviewerSignatureMissing | VerifyError::SubjectSignatureMissing => "verify.unsigned",
        VerifyError::Malformed { .. } | VerifyError::UnsupportedAlgorithm { .. } => "verify.malformed",
    }
}

pub async fn verify(State(state): State<AppState>, c: Ctx, Form(f): Form<VerifyForm>) -> PageResult {
    let t = c.t();
    let now = time::OffsetDateTime::now_utc();
    let result =
        state.store.verify_envelope(f.envelope.trim().as_bytes(), now).await.map_err(|e| PageError::Store(t, e))?;
    let outcome = match result {
        Ok(v) => {
            let a = &v.attestation;
            let mut lines = vec![
                ("verify.subject", a.subject.name.clone()),
                ("verify.verdict", a.verdict.to_string()),
                ("verify.framework", format!("{} {}", a.framework.id, a.framework.version)),
                ("verify.valid", format!("{} – {}", a.valid_from.date(), a.valid_until.date())),
                ("verify.pledge", format!("{} ({})", a.pledge.signer_name, a.pledge.signer_title)),
                ("verify.subject_key", v.subject_key_id.clone()),
            ];
            if let Some(r) = &a.review {
                lines.push(("verify.reviewer", format!("{} · {}", r.reviewer_name, r.key_id)));
            }
            lines.push(("verify.digest", v.digest.clone()));
            Outcome { ok: true, heading: "verify.ok", detail: String::new(), lines }
        }
        Err(e) => Outcome { ok: false, heading: reason_key(&e), detail: e.to_string(), lines: Vec::new() },
    };
    let ch = chrome(&state, &c, "verify.title", None).await;
    Ok(render(&VerifyPage { c: ch, envelope: f.envelope, outcome: Some(outcome) }))
}

#[derive(Template)]
#[template(path = "chain_registry.html")]
struct RegistryPage {
    c: Chrome,
    rows: Vec<(String, String, &'static str, String, String)>,
}

pub async fn registry(State(state): State<AppState>, c: Ctx) -> PageResult {
    let rows = state
        .store
        .registry()
        .await
        .map_err(|e| PageError::Store(c.t(), e))?
        .into_iter()
        .map(|e| (org_name(&e.org, c.lang), e.org.slug, level_text(e.level), e.framework_id, day(e.valid_until)))
        .collect();
    let ch = chrome(&state, &c, "registry.title", None).await;
    Ok(render(&RegistryPage { c: ch, rows }))
}

fn json_file(file: &str) -> Option<&str> {
    file.strip_suffix(".json")
}

pub async fn jwks(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    let Some(slug) = json_file(&file) else { return (StatusCode::NOT_FOUND, "not found").into_response() };
    match state.store.public_jwks(slug).await {
        Ok(v) => public_json(v.to_string()),
        Err(_) => (StatusCode::NOT_FOUND, "not found").into_response(),
    }
}

pub async fn revocations(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    let Some(slug) = json_file(&file) else { return (StatusCode::NOT_FOUND, "not found").into_response() };
    match state.store.revocation_list(slug).await {
        Ok(list) => match serde_json::to_string(&list) {
            Ok(body) => public_json(body),
            Err(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response(),
        },
        Err(_) => (StatusCode::NOT_FOUND, "not found").into_response(),
    }
}

fn public_json(body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        body,
    )
        .into_response()
}

#[derive(Template)]
#[template(path = "chain_invite.html")]
struct InvitePage {
    c: Chrome,
    inv: SupplierInvitation,
    buyer: String,
    level: &'static str,
    deadline: String,
    token: String,
    admin_orgs: Vec<Membership>,
    errors: FormErrors,
}

async fn invite_view(
    state: &AppState,
    c: &Ctx,
    inv: SupplierInvitation,
    token: String,
    errors: FormErrors,
) -> Response {
    let admin_orgs = match &c.session {
        Some(s) => state
            .store
            .memberships(&s.user.id)
            .await
            .unwrap_or_default()
            .into_iter()
            .filter(|m| m.role.at_least(Role::Admin))
            .collect(),
        None => Vec::new(),
    };
    let ch = chrome(state, c, "chain_invite.title", None).await;
    render(&InvitePage {
        c: ch,
        buyer: org_name(&inv.buyer, c.lang),
        level: inv.level.map(level_text).unwrap_or(""),
        deadline: day(inv.deadline),
        inv,
        token,
        admin_orgs,
        errors,
    })
}

pub async fn invite_page(State(state): State<AppState>, c: Ctx, Path(token): Path<String>) -> Response {
    match state.store.supplier_invitation(&token).await {
        Ok(inv) => invite_view(&state, &c, inv, token, FormErrors::default()).await,
        Err(_) => error_page(StatusCode::NOT_FOUND, c.t(), "chain_invite.title", "invite.invalid"),
    }
}

#[derive(Deserialize)]
pub struct AcceptForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    org_name: String,
    #[serde(default)]
    existing_org: String,
}

pub async fn accept_invite(
    State(state): State<AppState>,
    c: Ctx,
    Path(token): Path<String>,
    Form(f): Form<AcceptForm>,
) -> PageResult {
    let t = c.t();
    let Ok(inv) = state.store.supplier_invitation(&token).await else {
        return Ok(error_page(StatusCode::NOT_FOUND, t, "chain_invite.title", "invite.invalid"));
    };
    let existing = c.session.as_ref().map(|s| &s.user);
    let mut errors = FormErrors::default();
    let new_user = if existing.is_none() {
        errors.required(t, "name", &f.name);
        errors.required(t, "password", &f.password);
        Some(NewUser {
            email: inv.email.clone(),
            name: f.name.clone(),
            password: f.password.clone(),
            lang: c.lang.code().into(),
        })
    } else {
        None
    };
    let existing_org = Some(f.existing_org.as_str()).filter(|s| !s.is_empty());
    if errors.is_empty() {
        match state.store.accept_supplier_invitation(&token, existing, new_user, existing_org, &f.org_name).await {
            Ok((user, org)) => {
                let mut resp = Redirect::to("/attestations?notice=chain_invite.accepted").into_response();
                match (&c.session_token, &c.session) {
                    (Some(tok), Some(s)) => {
                        state.store.switch_org(tok, s, &org.id).await.map_err(|e| PageError::Store(t, e))?;
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
    let mut resp = invite_view(&state, &c, inv, token, errors).await;
    *resp.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    Ok(resp)
}
