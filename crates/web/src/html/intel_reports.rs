//! The reporting-flow pages: the submission form (pasted observables → STIX through
//! [`crate::api::intel::report_bundle`]), the report list, and the report page where a hub
//! analyst de-identifies with a preview and publishes, and the reporter approves or withdraws.
//! The store decides who may do what; these pages only offer the actions it would allow.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use mamori_intel::tlp::{ALL_LEVELS, Tlp};
use mamori_store::StoreError;
use mamori_store::intel::{NewReport, ReportInfo, ReportState};
use serde::Deserialize;
use serde_json::Value;

use super::enc;
use super::intel::{Badge, badge, circle_title, collection_names, frame, tenant};
use super::{Chrome, FormErrors, PageError, PageResult, render, see_other};
use crate::AppState;
use crate::api::intel::report_bundle;
use crate::api::intel_dto::SanitiseRequest;
use crate::ctx::Ctx;
use crate::i18n::Tr;

#[derive(Deserialize)]
pub(crate) struct NoticeQuery {
    notice: Option<String>,
}

fn state_key(s: ReportState) -> &'static str {
    match s {
        ReportState::Submitted => "intel.st.submitted",
        ReportState::Sanitised => "intel.st.sanitised",
        ReportState::Approved => "intel.st.approved",
        ReportState::Published => "intel.st.published",
        ReportState::Withdrawn => "intel.st.withdrawn",
    }
}

pub struct ReportRow {
    pub href: String,
    pub title: String,
    pub state: &'static str,
    pub tlp: Badge,
    pub target: String,
    pub created: String,
}

#[derive(Template)]
#[template(path = "intel_reports.html")]
struct ListPage {
    c: Chrome,
    rows: Vec<ReportRow>,
}

pub(crate) async fn list(State(state): State<AppState>, c: Ctx, Query(nq): Query<NoticeQuery>) -> PageResult {
    let tenant = tenant(&state, &c).await?;
    let t = c.t();
    let reports = state.store.intel_reports(&tenant).await.map_err(|e| PageError::Store(t, e))?;
    let names = collection_names(&state, t, &tenant).await?;
    let rows = reports
        .into_iter()
        .map(|r| ReportRow {
            href: format!("/intel/reports/{}", enc(&r.id)),
            state: state_key(r.state),
            tlp: badge(t, &r.tlp),
            target: names.get(&r.collection_id).cloned().unwrap_or_default(),
            created: super::when(r.created_at),
            title: r.title,
        })
        .collect();
    Ok(render(&ListPage { c: frame(&state, &c, "intel.reports", nq.notice.as_deref()).await, rows }))
}

#[derive(Deserialize, Default)]
pub(crate) struct SubmitForm {
    /// `root/collection-id`.
    #[serde(default)]
    target: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    tlp: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    observables: String,
}

pub struct Choice {
    pub value: String,
    pub label: String,
}

#[derive(Template)]
#[template(path = "intel_report_new.html")]
struct NewPage {
    c: Chrome,
    targets: Vec<Choice>,
    levels: Vec<(&'static str, String, &'static str)>,
    form: SubmitForm,
    errors: FormErrors,
}

async fn targets(state: &AppState, t: Tr, tenant: &mamori_store::Tenant) -> Result<Vec<Choice>, PageError> {
    let store = |e| PageError::Store(t, e);
    let circles = state.store.intel_circles(tenant).await.map_err(store)?;
    let mut out = Vec::new();
    for ci in &circles {
        for coll in state.store.intel_collections(tenant, &ci.root).await.map_err(store)? {
            out.push(Choice {
                value: format!("{}/{}", ci.root, coll.id),
                label: format!("{} › {}", circle_title(t, ci), coll.title),
            });
        }
    }
    Ok(out)
}

fn levels(t: Tr) -> Vec<(&'static str, String, &'static str)> {
    ALL_LEVELS.iter().map(|l| (l.as_str(), l.label(), badge(t, l.as_str()).audience)).collect()
}

async fn new_view(state: &AppState, c: &Ctx, form: SubmitForm, errors: FormErrors) -> PageResult {
    let tenant = tenant(state, c).await?;
    let t = c.t();
    let failed = !errors.is_empty();
    let page = NewPage {
        c: frame(state, c, "intel.new_report", None).await,
        targets: targets(state, t, &tenant).await?,
        levels: levels(t),
        form,
        errors,
    };
    let mut resp = render(&page);
    if failed {
        *resp.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(resp)
}

pub(crate) async fn new_form(State(state): State<AppState>, c: Ctx) -> PageResult {
    let form = SubmitForm { tlp: Tlp::Amber.as_str().into(), ..Default::default() };
    new_view(&state, &c, form, FormErrors::default()).await
}

pub(crate) async fn submit(State(state): State<AppState>, c: Ctx, Form(f): Form<SubmitForm>) -> PageResult {
    let tenant = tenant(&state, &c).await?;
    let t = c.t();
    let mut errors = FormErrors::default();
    errors.required(t, "title", &f.title);
    errors.required(t, "observables", &f.observables);
    let tlp = Tlp::parse(&f.tlp);
    if tlp.is_none() {
        errors.add("tlp", t.s("field.invalid"));
    }
    let Some((root, collection)) = f.target.split_once('/') else {
        errors.add("target", t.s("field.required"));
        return new_view(&state, &c, f, errors).await;
    };
    if let (true, Some(tlp)) = (errors.is_empty(), tlp) {
        match report_bundle(&f.title, &f.description, tlp, &f.observables) {
            Err(problems) => errors.add("observables", problems.join("; ")),
            Ok(bundle) => {
                let new = NewReport { root, collection_id: collection, title: &f.title, tlp, bundle };
                match state.store.intel_submit_report(&tenant, new).await {
                    Ok(id) => return Ok(see_other(&format!("/intel/reports/{}", enc(&id)), "intel.notice.submitted")),
                    // Not a member of that circle: the same answer as for a circle that does not exist.
                    Err(e @ (StoreError::NotFound | StoreError::Forbidden(_))) => return Err(PageError::Store(t, e)),
                    Err(e) => errors.absorb(t, e).map_err(|e| PageError::Store(t, e))?,
                }
            }
        }
    }
    new_view(&state, &c, f, errors).await
}

pub struct Change {
    pub path: String,
    pub before: String,
    pub after: String,
    pub rule: String,
}

#[derive(Template)]
#[template(path = "intel_report.html")]
struct ReportPage {
    c: Chrome,
    /// `/intel/reports/{id}`, the prefix of the action URLs.
    base: String,
    title: String,
    state: &'static str,
    tlp: Badge,
    target: String,
    created: String,
    original: String,
    sanitised: Option<String>,
    changes: Vec<Change>,
    can_sanitise: bool,
    can_publish: bool,
    can_approve: bool,
    can_withdraw: bool,
    is_analyst: bool,
    is_reporter: bool,
}

fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default()
}

fn changes(r: &ReportInfo) -> Vec<Change> {
    let field = |c: &Value, k: &str| match c.get(k) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    };
    r.changes
        .as_ref()
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|c| Change {
            path: field(c, "path"),
            before: field(c, "before"),
            after: field(c, "after"),
            rule: field(c, "rule"),
        })
        .collect()
}

pub(crate) async fn page(
    State(state): State<AppState>,
    c: Ctx,
    Path(id): Path<String>,
    Query(nq): Query<NoticeQuery>,
) -> PageResult {
    let tenant = tenant(&state, &c).await?;
    let t = c.t();
    let r = state.store.intel_report(&tenant, &id).await.map_err(|e| PageError::Store(t, e))?;
    let names = collection_names(&state, t, &tenant).await?;
    let open = !matches!(r.state, ReportState::Published | ReportState::Withdrawn);
    let page = ReportPage {
        c: frame(&state, &c, "intel.reports", nq.notice.as_deref()).await,
        base: report_href(&r.id),
        title: r.title.clone(),
        state: state_key(r.state),
        tlp: badge(t, &r.tlp),
        target: names.get(&r.collection_id).cloned().unwrap_or_default(),
        created: super::when(r.created_at),
        original: pretty(&r.original),
        sanitised: r.sanitised.as_ref().map(pretty),
        changes: changes(&r),
        can_sanitise: r.viewer_is_analyst
            && matches!(r.state, ReportState::Submitted | ReportState::Sanitised | ReportState::Approved),
        can_publish: r.viewer_is_analyst && r.state == ReportState::Approved,
        can_approve: r.viewer_is_reporter && r.state == ReportState::Sanitised,
        can_withdraw: r.viewer_is_reporter && open,
        is_analyst: r.viewer_is_analyst,
        is_reporter: r.viewer_is_reporter,
    };
    Ok(render(&page))
}

#[derive(Deserialize, Default)]
pub(crate) struct SanitiseForm {
    #[serde(default)]
    internal_domains: String,
    #[serde(default)]
    terms: String,
    #[serde(default)]
    private_ips: Option<String>,
    #[serde(default)]
    internal_emails_only: Option<String>,
}

fn lines(s: &str) -> Vec<String> {
    s.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect()
}

fn report_href(id: &str) -> String {
    format!("/intel/reports/{}", enc(id))
}

pub(crate) async fn sanitise(
    State(state): State<AppState>,
    c: Ctx,
    Path(id): Path<String>,
    Form(f): Form<SanitiseForm>,
) -> PageResult {
    let tenant = tenant(&state, &c).await?;
    let req = SanitiseRequest {
        internal_domains: lines(&f.internal_domains),
        terms: lines(&f.terms),
        private_ips: f.private_ips.is_some(),
        internal_emails_only: f.internal_emails_only.is_some(),
    };
    state.store.intel_sanitise_report(&tenant, &id, &req.options()).await.map_err(|e| PageError::Store(c.t(), e))?;
    Ok(see_other(&report_href(&id), "intel.notice.sanitised"))
}

pub(crate) async fn approve(State(state): State<AppState>, c: Ctx, Path(id): Path<String>) -> PageResult {
    let tenant = tenant(&state, &c).await?;
    state.store.intel_approve_report(&tenant, &id).await.map_err(|e| PageError::Store(c.t(), e))?;
    Ok(see_other(&report_href(&id), "intel.notice.approved"))
}

pub(crate) async fn withdraw(State(state): State<AppState>, c: Ctx, Path(id): Path<String>) -> PageResult {
    let tenant = tenant(&state, &c).await?;
    state.store.intel_withdraw_report(&tenant, &id).await.map_err(|e| PageError::Store(c.t(), e))?;
    Ok(see_other(&report_href(&id), "intel.notice.withdrawn"))
}

pub(crate) async fn publish(State(state): State<AppState>, c: Ctx, Path(id): Path<String>) -> PageResult {
    let tenant = tenant(&state, &c).await?;
    state.store.intel_publish_report(&tenant, &id).await.map_err(|e| PageError::Store(c.t(), e))?;
    Ok(see_other(&report_href(&id), "intel.notice.published"))
}
