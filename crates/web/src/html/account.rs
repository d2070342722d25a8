//! Signed-in pages: dashboard, organizations, members, API tokens, audit log, suppliers
//! and personal settings.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use axum::{Form, Router};
use mamori_store::{ApiTokenInfo, AuditEntry, Invitation, MfaSetup, NewApiToken, Role, SupplierRow, UserInfo};
use serde::Deserialize;

use super::auth::Notice;
use super::{Chrome, FormErrors, PageError, PageResult, chrome, render, see_other, tenant, user, when};
use crate::AppState;
use crate::ctx::Ctx;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(dashboard))
        .route("/orgs", get(orgs_page).post(create_org))
        .route("/orgs/switch", post(switch_org))
        .route("/members", get(members_page))
        .route("/members/invite", post(invite))
        .route("/members/role", post(set_role))
        .route("/tokens", get(tokens_page).post(create_token))
        .route("/tokens/{id}/revoke", post(revoke_token))
        .route("/audit", get(audit_page))
        .route("/suppliers", get(suppliers_page))
        .route("/settings", get(settings_page))
        .route("/settings/lang", post(settings_lang))
        .route("/settings/mfa/setup", post(mfa_setup))
        .route("/settings/mfa/enable", post(mfa_enable))
        .route("/settings/mfa/disable", post(mfa_disable))
}

pub struct Recent {
    pub action: String,
    pub object_type: String,
    pub when: String,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct Dashboard {
    c: Chrome,
    name: String,
    members: usize,
    suppliers: usize,
    tiers: Vec<(u8, usize, usize)>,
    recent: Vec<Recent>,
}

async fn dashboard(State(state): State<AppState>, c: Ctx, Query(q): Query<Notice>) -> PageResult {
    let u = user(&c)?.clone();
    let ch = chrome(&state, &c, "dash.title", q.notice.as_deref()).await;
    let t = c.t();
    let (mut members, mut suppliers, mut tiers, mut recent) = (0, 0, Vec::new(), Vec::new());
    if let Some(tn) = crate::ctx::tenant(&state, &c).await {
        members = state.store.members(&tn).await.map_err(|e| PageError::Store(t, e))?.len();
        let rows = state.store.suppliers(&tn).await.map_err(|e| PageError::Store(t, e))?;
        suppliers = rows.len();
        for tier in 1..=3u8 {
            let n = rows.iter().filter(|r| r.tier == tier).count();
            if n > 0 {
                tiers.push((tier, n, n * 100 / suppliers.max(1)));
            }
        }
        if tn.role().at_least(Role::Admin) {
            recent = state
                .store
                .audit_page(&tn, None, 8)
                .await
                .map_err(|e| PageError::Store(t, e))?
                .into_iter()
                .map(|e| Recent { action: e.action, object_type: e.object_type, when: when(e.at) })
                .collect();
        }
    }
    Ok(render(&Dashboard { c: ch, name: u.name, members, suppliers, tiers, recent }))
}

#[derive(Deserialize, Default)]
pub struct OrgForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub name_ja: String,
    #[serde(default)]
    pub slug: String,
}

#[derive(Template)]
#[template(path = "orgs.html")]
struct OrgsPage {
    c: Chrome,
    form: OrgForm,
    errors: FormErrors,
}

async fn orgs_page(State(state): State<AppState>, c: Ctx, Query(q): Query<Notice>) -> PageResult {
    user(&c)?;
    let ch = chrome(&state, &c, "orgs.title", q.notice.as_deref()).await;
    Ok(render(&OrgsPage { c: ch, form: OrgForm::default(), errors: FormErrors::default() }))
}

async fn create_org(State(state): State<AppState>, c: Ctx, Form(f): Form<OrgForm>) -> PageResult {
    let u = user(&c)?.clone();
    let t = c.t();
    let mut errors = FormErrors::default();
    errors.required(t, "name", &f.name);
    if errors.is_empty() {
        let name_ja = Some(f.name_ja.as_str()).filter(|s| !s.trim().is_empty());
        let slug = Some(f.slug.as_str()).filter(|s| !s.trim().is_empty());
        match state.store.create_org(&u, &f.name, name_ja, slug).await {
            Ok(org) => {
                if let (Some(tok), Some(s)) = (&c.session_token, &c.session) {
                    state.store.switch_org(tok, s, &org.id).await.map_err(|e| PageError::Store(t, e))?;
                }
                return Ok(see_other("/", "orgs.created"));
            }
            Err(e) => errors.absorb(t, e).map_err(|e| PageError::Store(t, e))?,
        }
    }
    let ch = chrome(&state, &c, "orgs.title", None).await;
    let mut resp = render(&OrgsPage { c: ch, form: f, errors });
    *resp.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    Ok(resp)
}

#[derive(Deserialize)]
struct SwitchForm {
    #[serde(default)]
    org_id: String,
}

async fn switch_org(State(state): State<AppState>, c: Ctx, Form(f): Form<SwitchForm>) -> PageResult {
    user(&c)?;
    let (Some(tok), Some(s)) = (&c.session_token, &c.session) else { return Err(PageError::Login) };
    state.store.switch_org(tok, s, &f.org_id).await.map_err(|e| PageError::Store(c.t(), e))?;
    Ok(Redirect::to("/").into_response())
}

#[derive(Template)]
#[template(path = "members.html")]
struct MembersPage {
    c: Chrome,
    members: Vec<(UserInfo, Role)>,
    invitations: Vec<Invitation>,
    can_manage: bool,
    roles: Vec<Role>,
    new_link: Option<String>,
    form_email: String,
    errors: FormErrors,
}

async fn members_view(
    state: &AppState,
    c: &Ctx,
    notice: Option<&str>,
    new_link: Option<String>,
    form_email: String,
    errors: FormErrors,
) -> PageResult {
    let tn = tenant(state, c).await?;
    let t = c.t();
    let members = state.store.members(&tn).await.map_err(|e| PageError::Store(t, e))?;
    let can_manage = tn.role().at_least(Role::Admin);
    let invitations =
        if can_manage { state.store.invitations(&tn).await.map_err(|e| PageError::Store(t, e))? } else { Vec::new() };
    let roles = Role::ALL.into_iter().filter(|r| *r <= tn.role()).collect();
    let ch = chrome(state, c, "members.title", notice).await;
    let failed = !errors.is_empty();
    let mut resp =
        render(&MembersPage { c: ch, members, invitations, can_manage, roles, new_link, form_email, errors });
    if failed {
        *resp.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(resp)
}

async fn members_page(State(state): State<AppState>, c: Ctx, Query(q): Query<Notice>) -> PageResult {
    members_view(&state, &c, q.notice.as_deref(), None, String::new(), FormErrors::default()).await
}

#[derive(Deserialize)]
struct InviteForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
}

async fn invite(State(state): State<AppState>, c: Ctx, Form(f): Form<InviteForm>) -> PageResult {
    let tn = tenant(&state, &c).await?;
    let t = c.t();
    let mut errors = FormErrors::default();
    errors.required(t, "email", &f.email);
    let role = match f.role.parse::<Role>() {
        Ok(r) => r,
        Err(_) => {
            errors.add("role", t.s("field.invalid"));
            Role::Viewer
        }
    };
    if errors.is_empty() {
        match state.store.invite(&tn, &f.email, role).await {
            Ok((inv, token)) => {
                let link = format!("{}/invite/{token}", state.config.public_url.trim_end_matches('/'));
                let body =
                    format!("You are invited to join {} on mamori.\n\nAccept within 7 days:\n{link}\n", inv.org.name);
                // The link is shown to the inviter either way, so a failed e-mail loses nothing.
                let _ = state.mailer.send(&inv.email, "mamori: invitation", &body);
                return members_view(&state, &c, None, Some(link), String::new(), FormErrors::default()).await;
            }
            Err(e) => errors.absorb(t, e).map_err(|e| PageError::Store(t, e))?,
        }
    }
    members_view(&state, &c, None, None, f.email, errors).await
}

#[derive(Deserialize)]
struct RoleForm {
    #[serde(default)]
    user_id: String,
    #[serde(default)]
    role: String,
}

async fn set_role(State(state): State<AppState>, c: Ctx, Form(f): Form<RoleForm>) -> PageResult {
    let tn = tenant(&state, &c).await?;
    let t = c.t();
    let role = f.role.parse::<Role>().map_err(|_| PageError::Store(t, mamori_store::StoreError::NotFound))?;
    state.store.set_member_role(&tn, &f.user_id, role).await.map_err(|e| PageError::Store(t, e))?;
    Ok(see_other("/members", "members.role_changed"))
}

#[derive(Template)]
#[template(path = "tokens.html")]
struct TokensPage {
    c: Chrome,
    tokens: Vec<(ApiTokenInfo, String)>,
    roles: Vec<Role>,
    new_secret: Option<String>,
    errors: FormErrors,
}

async fn tokens_view(
    state: &AppState,
    c: &Ctx,
    notice: Option<&str>,
    new_secret: Option<String>,
    errors: FormErrors,
) -> PageResult {
    let tn = tenant(state, c).await?;
    let tokens = state
        .store
        .api_tokens(&tn)
        .await
        .map_err(|e| PageError::Store(c.t(), e))?
        .into_iter()
        .map(|tk| {
            let last = tk.last_used_at.map(when).unwrap_or_else(|| "—".into());
            (tk, last)
        })
        .collect();
    let roles = Role::ALL.into_iter().filter(|r| *r <= tn.role()).collect();
    let ch = chrome(state, c, "tokens.title", notice).await;
    let failed = !errors.is_empty();
    let mut resp = render(&TokensPage { c: ch, tokens, roles, new_secret, errors });
    if failed {
        *resp.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(resp)
}

async fn tokens_page(State(state): State<AppState>, c: Ctx, Query(q): Query<Notice>) -> PageResult {
    tokens_view(&state, &c, q.notice.as_deref(), None, FormErrors::default()).await
}

#[derive(Deserialize)]
struct TokenForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    expires_in_days: String,
}

async fn create_token(State(state): State<AppState>, c: Ctx, Form(f): Form<TokenForm>) -> PageResult {
    let tn = tenant(&state, &c).await?;
    let t = c.t();
    let mut errors = FormErrors::default();
    errors.required(t, "name", &f.name);
    let expires = match f.expires_in_days.trim() {
        "" => None,
        s => match s.parse::<u32>() {
            Ok(n) => Some(n),
            Err(_) => {
                errors.add("expires_in_days", t.s("field.number"));
                None
            }
        },
    };
    let role = match f.role.parse::<Role>() {
        Ok(r) => r,
        Err(_) => {
            errors.add("role", t.s("field.invalid"));
            Role::Viewer
        }
    };
    if errors.is_empty() {
        match state.store.create_api_token(&tn, NewApiToken { name: f.name, role, expires_in_days: expires }).await {
            Ok((_, secret)) => return tokens_view(&state, &c, None, Some(secret), FormErrors::default()).await,
            Err(e) => errors.absorb(t, e).map_err(|e| PageError::Store(t, e))?,
        }
    }
    tokens_view(&state, &c, None, None, errors).await
}

async fn revoke_token(State(state): State<AppState>, c: Ctx, Path(id): Path<String>) -> PageResult {
    let tn = tenant(&state, &c).await?;
    state.store.revoke_api_token(&tn, &id).await.map_err(|e| PageError::Store(c.t(), e))?;
    Ok(see_other("/tokens", "tokens.revoked_notice"))
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    c: Chrome,
    entries: Vec<(AuditEntry, String)>,
    next: Option<i64>,
}

#[derive(Deserialize)]
struct AuditQuery {
    before: Option<i64>,
}

const AUDIT_PAGE: u64 = 50;

async fn audit_page(State(state): State<AppState>, c: Ctx, Query(q): Query<AuditQuery>) -> PageResult {
    let tn = tenant(&state, &c).await?;
    let entries = state.store.audit_page(&tn, q.before, AUDIT_PAGE).await.map_err(|e| PageError::Store(c.t(), e))?;
    let next = (entries.len() as u64 == AUDIT_PAGE).then(|| entries.last().map(|e| e.seq)).flatten();
    let entries = entries.into_iter().map(|e| {
        let w = when(e.at);
        (e, w)
    });
    let ch = chrome(&state, &c, "audit.title", None).await;
    Ok(render(&AuditPage { c: ch, entries: entries.collect(), next }))
}

#[derive(Template)]
#[template(path = "suppliers.html")]
struct SuppliersPage {
    c: Chrome,
    rows: Vec<(SupplierRow, String, &'static str)>,
}

async fn suppliers_page(State(state): State<AppState>, c: Ctx) -> PageResult {
    let tn = tenant(&state, &c).await?;
    let ja = c.lang == crate::i18n::Lang::Ja;
    let rows = state
        .store
        .suppliers(&tn)
        .await
        .map_err(|e| PageError::Store(c.t(), e))?
        .into_iter()
        .map(|r| {
            let name = match (&r.org.name_ja, ja) {
                (Some(n), true) => n.clone(),
                _ => r.org.name.clone(),
            };
            let crit = match r.criticality.as_str() {
                "low" => "crit.low",
                "medium" => "crit.medium",
                "high" => "crit.high",
                _ => "crit.critical",
            };
            (r, name, crit)
        })
        .collect();
    let ch = chrome(&state, &c, "suppliers.title", None).await;
    Ok(render(&SuppliersPage { c: ch, rows }))
}

#[derive(Template)]
#[template(path = "settings.html")]
struct SettingsPage {
    c: Chrome,
    mfa_enabled: bool,
    setup: Option<MfaSetup>,
    errors: FormErrors,
}

async fn settings_view(
    state: &AppState,
    c: &Ctx,
    notice: Option<&str>,
    setup: Option<MfaSetup>,
    errors: FormErrors,
) -> PageResult {
    let u = user(c)?;
    let fresh = state.store.user(&u.id).await.map_err(|e| PageError::Store(c.t(), e))?;
    let ch = chrome(state, c, "settings.title", notice).await;
    let failed = !errors.is_empty();
    let mut resp = render(&SettingsPage { c: ch, mfa_enabled: fresh.totp_enabled, setup, errors });
    if failed {
        *resp.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(resp)
}

async fn settings_page(State(state): State<AppState>, c: Ctx, Query(q): Query<Notice>) -> PageResult {
    settings_view(&state, &c, q.notice.as_deref(), None, FormErrors::default()).await
}

#[derive(Deserialize)]
struct LangOnly {
    #[serde(default)]
    lang: String,
}

async fn settings_lang(State(state): State<AppState>, c: Ctx, Form(f): Form<LangOnly>) -> PageResult {
    let u = user(&c)?;
    state.store.set_user_lang(u, &f.lang).await.map_err(|e| PageError::Store(c.t(), e))?;
    Ok(see_other("/settings", "settings.lang_saved"))
}

async fn mfa_setup(State(state): State<AppState>, c: Ctx) -> PageResult {
    let u = user(&c)?.clone();
    let setup = state.store.mfa_setup(&u).await.map_err(|e| PageError::Store(c.t(), e))?;
    settings_view(&state, &c, None, Some(setup), FormErrors::default()).await
}

#[derive(Deserialize)]
struct CodeForm {
    #[serde(default)]
    code: String,
}

async fn mfa_toggle(state: AppState, c: Ctx, code: String, enable: bool) -> PageResult {
    let u = user(&c)?.clone();
    let t = c.t();
    match state.store.mfa_set_enabled(&u, &code, enable).await {
        Ok(()) => Ok(see_other("/settings", if enable { "settings.mfa_enabled" } else { "settings.mfa_disabled" })),
        Err(e) => {
            let mut errors = FormErrors::default();
            errors.absorb(t, e).map_err(|e| PageError::Store(t, e))?;
            // Show the same secret again, so the user can retry without re-enrolling.
            let setup =
                if enable { state.store.mfa_pending(&u).await.map_err(|e| PageError::Store(t, e))? } else { None };
            settings_view(&state, &c, None, setup, errors).await
        }
    }
}

async fn mfa_enable(State(state): State<AppState>, c: Ctx, Form(f): Form<CodeForm>) -> PageResult {
    mfa_toggle(state, c, f.code, true).await
}

async fn mfa_disable(State(state): State<AppState>, c: Ctx, Form(f): Form<CodeForm>) -> PageResult {
    mfa_toggle(state, c, f.code, false).await
}
