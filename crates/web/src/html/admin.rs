//! The platform administrator's pages: the overview of the instance, and the register
//! of expert reviewers (register by e-mail and registration number, list, deactivate).
//! For everyone else these pages do not exist (404).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::routing::{get, post};
use axum::{Form, Router};
use mamori_store::chain::ExpertReviewerInfo;
use mamori_store::{OrgOverview, PlatformAdmin, StoreError};
use serde::Deserialize;

use super::{Chrome, FormErrors, PageError, PageResult, chrome, render, see_other, user};
use crate::AppState;
use crate::ctx::Ctx;
use crate::i18n::Tr;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin", get(overview))
        .route("/admin/reviewers", get(reviewers).post(register_reviewer))
        .route("/admin/reviewers/{id}/deactivate", post(deactivate_reviewer))
}

#[derive(Template)]
#[template(path = "admin.html")]
struct AdminPage {
    c: Chrome,
    orgs: Vec<OrgOverview>,
    users: i64,
}

/// The platform-admin proof of the signed-in user; anyone else gets "not found".
fn admin(state: &AppState, c: &Ctx) -> Result<PlatformAdmin, PageError> {
    user(c)?;
    let session = c.session.as_ref().ok_or(PageError::Login)?;
    state.store.platform_admin(session).ok_or(PageError::Store(c.t(), StoreError::NotFound))
}

async fn overview(State(state): State<AppState>, c: Ctx) -> PageResult {
    let admin = admin(&state, &c)?;
    let t = c.t();
    let orgs = state.store.all_orgs(&admin).await.map_err(|e| PageError::Store(t, e))?;
    let users = state.store.user_count(&admin).await.map_err(|e| PageError::Store(t, e))?;
    let ch = chrome(&state, &c, "admin.title", None).await;
    Ok(render(&AdminPage { c: ch, orgs, users }))
}

pub struct ReviewerRow {
    pub user_id: String,
    pub email: String,
    pub name: String,
    pub registration: String,
    pub registered: String,
    /// Empty while active.
    pub deactivated: String,
}

#[derive(Template)]
#[template(path = "admin_reviewers.html")]
struct ReviewersPage {
    c: Chrome,
    rows: Vec<ReviewerRow>,
    email: String,
    registration: String,
    errors: FormErrors,
}

#[derive(Deserialize, Default)]
pub struct Notice {
    notice: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct ReviewerForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    registration: String,
}

fn row(r: ExpertReviewerInfo) -> ReviewerRow {
    ReviewerRow {
        user_id: r.user_id,
        email: r.email,
        name: r.name,
        registration: r.registration,
        registered: super::chain_day(r.registered_at),
        deactivated: r.deactivated_at.map(super::chain_day).unwrap_or_default(),
    }
}

async fn render_reviewers(
    state: &AppState,
    c: &Ctx,
    admin: &PlatformAdmin,
    notice: Option<&str>,
    form: ReviewerForm,
    errors: FormErrors,
) -> PageResult {
    let t = c.t();
    let rows = state.store.expert_reviewers(admin).await.map_err(|e| PageError::Store(t, e))?;
    let ch = chrome(state, c, "reviewers.title", notice).await;
    Ok(render(&ReviewersPage {
        c: ch,
        rows: rows.into_iter().map(row).collect(),
        email: form.email,
        registration: form.registration,
        errors,
    }))
}

async fn reviewers(State(state): State<AppState>, c: Ctx, Query(n): Query<Notice>) -> PageResult {
    let admin = admin(&state, &c)?;
    render_reviewers(&state, &c, &admin, n.notice.as_deref(), ReviewerForm::default(), FormErrors::default()).await
}

/// The store's refusals of a registration, in the interface language.
fn refusal(t: Tr, e: StoreError, errors: &mut FormErrors) -> Result<(), StoreError> {
    match e {
        StoreError::Invalid { field: "registration", .. } => {
            errors.add("registration", t.s("reviewers.registration_invalid"))
        }
        StoreError::Invalid { field: "email", message } if message.contains("no account") => {
            errors.add("email", t.s("reviewers.no_account"))
        }
        StoreError::Conflict(_) => errors.add("email", t.s("reviewers.already")),
        other => return errors.absorb(t, other),
    }
    Ok(())
}

async fn register_reviewer(State(state): State<AppState>, c: Ctx, Form(f): Form<ReviewerForm>) -> PageResult {
    let admin = admin(&state, &c)?;
    let t = c.t();
    let mut errors = FormErrors::default();
    errors.required(t, "email", &f.email);
    errors.required(t, "registration", &f.registration);
    if errors.is_empty() {
        match state.store.admin_register_reviewer(&admin, &f.email, &f.registration).await {
            Ok(_) => return Ok(see_other("/admin/reviewers", "reviewers.registered")),
            Err(e) => refusal(t, e, &mut errors).map_err(|e| PageError::Store(t, e))?,
        }
    }
    render_reviewers(&state, &c, &admin, None, f, errors).await
}

async fn deactivate_reviewer(State(state): State<AppState>, c: Ctx, Path(id): Path<String>) -> PageResult {
    let admin = admin(&state, &c)?;
    let t = c.t();
    state.store.deactivate_expert_reviewer(&admin, &id).await.map_err(|e| PageError::Store(t, e))?;
    Ok(see_other("/admin/reviewers", "reviewers.deactivated"))
}
