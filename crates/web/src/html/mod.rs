//! The server-rendered ja/en interface. Works without JavaScript; htmx only enhances.

mod account;
mod admin;
mod assess;
mod auth;
mod catalog;
pub(crate) mod catalog_i18n;
mod catalog_manage;
pub(crate) mod chain;
mod intel;
pub(crate) mod intel_i18n;
mod intel_peers;
mod intel_reports;

use std::collections::BTreeMap;

use askama::Template;
use axum::Router;
use axum::http::StatusCode;
use axum::middleware;
use axum::response::{Html, IntoResponse, Redirect, Response};
use mamori_store::{Membership, OrgInfo, Role, StoreError, Tenant, UserInfo};

use crate::AppState;
use crate::ctx::{self, Ctx};
use crate::i18n::{Lang, Tr};

pub use assess::attachment as assess_attachment;
pub use auth::client_ip as client_ip_pub;
pub use chain::day as chain_day;
pub use chain::parse_day_end as chain_day_end;

pub fn routes(state: AppState) -> Router<AppState> {
    auth::routes()
        .merge(account::routes())
        .merge(admin::routes())
        .merge(catalog::routes())
        .merge(catalog_manage::routes())
        .merge(intel::routes())
        .merge(chain::routes())
        .merge(assess::routes())
        .layer(middleware::from_fn_with_state(state, ctx::load))
}

/// A link in the main navigation.
pub struct Nav {
    pub href: &'static str,
    pub label: &'static str,
    pub current: bool,
}

/// Everything the page frame (`base.html`) shows.
pub struct Chrome {
    pub t: Tr,
    pub title: &'static str,
    pub csrf: String,
    pub path: String,
    pub user: Option<UserInfo>,
    pub org: Option<OrgInfo>,
    pub role: Option<Role>,
    pub memberships: Vec<Membership>,
    pub nav: Vec<Nav>,
    pub notice: Option<&'static str>,
    pub version: &'static str,
}

impl Chrome {
    fn bare(t: Tr, title: &'static str) -> Chrome {
        Chrome {
            t,
            title,
            csrf: String::new(),
            path: "/".into(),
            user: None,
            org: None,
            role: None,
            memberships: Vec::new(),
            nav: Vec::new(),
            notice: None,
            version: env!("CARGO_PKG_VERSION"),
        }
    }
}

/// Builds the frame for a page: memberships, the active organization and the navigation,
/// which lists only features that exist and that the role may use.
pub async fn chrome(state: &AppState, c: &Ctx, title: &'static str, notice: Option<&str>) -> Chrome {
    let mut ch = Chrome::bare(c.t(), title);
    ch.csrf = c.csrf.clone();
    ch.path = c.path.clone();
    ch.notice = notice.and_then(crate::i18n::known_key);
    if let Some(s) = &c.session {
        ch.user = Some(s.user.clone());
        ch.memberships = state.store.memberships(&s.user.id).await.unwrap_or_default();
        if let Some(active) = &s.active_org_id
            && let Some(m) = ch.memberships.iter().find(|m| &m.org.id == active)
        {
            ch.org = Some(m.org.clone());
            ch.role = Some(m.role);
        }
        let mut nav = vec![("/", "nav.dashboard")];
        if ch.org.is_some() {
            nav.push(("/assessments", "nav.assessments"));
            nav.push(("/group", "nav.group"));
            nav.push(("/supply", "nav.supply"));
            nav.push(("/attestations", "nav.attestations"));
            nav.push(("/suppliers", "nav.suppliers"));
            nav.push(("/members", "nav.members"));
            nav.push(("/tokens", "nav.tokens"));
            if ch.role.is_some_and(|r| r.at_least(Role::Admin)) {
                nav.push(("/audit", "nav.audit"));
            }
        }
        nav.push(("/frameworks", "nav.frameworks"));
        if ch.org.is_some() && intel::in_any_circle(state, c).await {
            nav.push(("/intel", "nav.intel"));
        }
        nav.extend([("/registry", "nav.registry"), ("/verify", "nav.verify")]);
        nav.extend([("/orgs", "nav.orgs"), ("/api/v1/docs", "nav.api_docs"), ("/settings", "nav.settings")]);
        if s.user.is_platform_admin {
            nav.push(("/admin", "nav.admin"));
            nav.push(("/admin/reviewers", "nav.reviewers"));
        }
        ch.nav = nav.into_iter().map(|(href, label)| Nav { href, label, current: c.path == href }).collect();
    }
    ch
}

/// Field errors shown inline next to their inputs.
#[derive(Default, Debug)]
pub struct FormErrors(BTreeMap<String, String>);

impl FormErrors {
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0.entry(field.to_string()).or_insert_with(|| message.into());
    }
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.get(field).map(String::as_str)
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// Requires a non-blank value.
    pub fn required(&mut self, t: Tr, field: &str, value: &str) {
        if value.trim().is_empty() {
            self.add(field, t.s("field.required"));
        }
    }
    /// Turns a store validation error into a translated inline message. Other errors are
    /// handed back for the caller to render as a page.
    pub fn absorb(&mut self, t: Tr, err: StoreError) -> Result<(), StoreError> {
        match err {
            StoreError::Invalid { field, message } => {
                self.add(field, translate_invalid(t, &message));
                Ok(())
            }
            StoreError::Conflict(message) => {
                let field = if message.contains("e-mail") {
                    "email"
                } else if message.contains("slug") {
                    "slug"
                } else {
                    "name"
                };
                self.add(field, t.s("field.taken"));
                Ok(())
            }
            other => Err(other),
        }
    }
}

/// Maps the store's English validation messages to the interface language.
fn translate_invalid(t: Tr, message: &str) -> String {
    let key = if message.contains("valid e-mail") {
        "field.email_invalid"
    } else if message.contains("at least") {
        "field.password_short"
    } else if message.contains("at most") {
        "field.too_long"
    } else if message.contains("must not be empty") || message.contains("choose a password") {
        "field.required"
    } else if message.contains("letters a–z") {
        "field.slug_invalid"
    } else if message.contains("above your own") {
        "field.role_too_high"
    } else if message.contains("code is not valid") {
        "field.code_invalid"
    } else {
        return match t.0 {
            Lang::En => message.to_string(),
            Lang::Ja => format!("{}（{message}）", t.s("field.invalid")),
        };
    };
    t.s(key).to_string()
}

/// Renders a template, turning a rendering failure into a logged 500.
pub fn render(tpl: &impl Template) -> Response {
    match tpl.render() {
        Ok(body) => Html(body).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template rendering failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    c: Chrome,
    heading: &'static str,
    body: &'static str,
}

/// A plain error page in the request's language.
pub fn error_page(status: StatusCode, t: Tr, heading: &'static str, body: &'static str) -> Response {
    let mut resp = render(&ErrorPage { c: Chrome::bare(t, heading), heading, body });
    *resp.status_mut() = status;
    resp
}

/// The HTML side's error: store failures become the right page.
pub enum PageError {
    Login,
    NoOrg,
    Store(Tr, StoreError),
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        match self {
            PageError::Login => Redirect::to("/login").into_response(),
            PageError::NoOrg => Redirect::to("/orgs").into_response(),
            PageError::Store(t, StoreError::NotFound) => {
                error_page(StatusCode::NOT_FOUND, t, "error.not_found", "error.not_found_body")
            }
            PageError::Store(t, StoreError::Forbidden(_)) => {
                error_page(StatusCode::FORBIDDEN, t, "error.forbidden", "error.forbidden_body")
            }
            PageError::Store(t, StoreError::Invalid { .. } | StoreError::Conflict(_)) => {
                error_page(StatusCode::BAD_REQUEST, t, "error.bad_request", "error.bad_request")
            }
            PageError::Store(t, e) => {
                tracing::error!(error = %e, "page failed");
                error_page(StatusCode::INTERNAL_SERVER_ERROR, t, "error.internal", "error.internal")
            }
        }
    }
}

pub type PageResult = Result<Response, PageError>;

/// The signed-in user, or a redirect to the login page.
pub fn user(c: &Ctx) -> Result<&UserInfo, PageError> {
    c.session.as_ref().map(|s| &s.user).ok_or(PageError::Login)
}

/// The tenant of the active organization, or a redirect to choose one.
pub async fn tenant(state: &AppState, c: &Ctx) -> Result<Tenant, PageError> {
    user(c)?;
    ctx::tenant(state, c).await.ok_or(PageError::NoOrg)
}

/// Percent-encodes a path segment or query value.
pub(crate) fn enc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Formats milliseconds since the epoch as `YYYY-MM-DD HH:MM`.
pub fn when(ms: i64) -> String {
    let Ok(t) = time::OffsetDateTime::from_unix_timestamp(ms / 1000) else { return String::new() };
    let f = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]");
    t.format(&f).unwrap_or_default()
}

/// Redirect after a successful POST, with a notice key to show (post/redirect/get).
pub fn see_other(path: &str, notice: &str) -> Response {
    Redirect::to(&format!("{path}?notice={notice}")).into_response()
}
