//! The platform administrator's overview of the instance.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use mamori_store::{OrgOverview, StoreError};

use super::{Chrome, PageError, PageResult, chrome, render, user};
use crate::AppState;
use crate::ctx::Ctx;

pub fn routes() -> Router<AppState> {
    Router::new().route("/admin", get(overview))
}

#[derive(Template)]
#[template(path = "admin.html")]
struct AdminPage {
    c: Chrome,
    orgs: Vec<OrgOverview>,
    users: i64,
}

async fn overview(State(state): State<AppState>, c: Ctx) -> PageResult {
    user(&c)?;
    let t = c.t();
    let session = c.session.as_ref().ok_or(PageError::Login)?;
    // Not a platform admin: the page does not exist for them.
    let admin = state.store.platform_admin(session).ok_or(PageError::Store(t, StoreError::NotFound))?;
    let orgs = state.store.all_orgs(&admin).await.map_err(|e| PageError::Store(t, e))?;
    let users = state.store.user_count(&admin).await.map_err(|e| PageError::Store(t, e))?;
    let ch = chrome(&state, &c, "admin.title", None).await;
    Ok(render(&AdminPage { c: ch, orgs, users }))
}
