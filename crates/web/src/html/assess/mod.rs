//! Assessment pages: list, create, answer (per-requirement forms, htmx autosave), evidence, results with charts,
//! lifecycle, inference, exports and the XLSX import.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use mamori_assess::{AnswerInput, LifecycleAction, Proposal, radar_svg, transition};
use mamori_store::assess::{
    AnswerKind, AnswerRecord, AssessmentInfo, EvidenceInfo, EvidenceLinkInfo, NewAssessment, NewLinkEvidence, Plan,
    SCOPE_KINDS, SchemeScores, assess_role, frameworks, plan,
};
use mamori_store::{Role, StoreError, Tenant};
use serde::Deserialize;

use super::auth::Notice;
use super::{Chrome, PageError, PageResult, chrome, render, see_other, tenant};
use crate::AppState;
use crate::ctx::Ctx;
use crate::i18n::Lang;

mod answer;
mod group;
mod results;

use answer::*;
pub use answer::{attachment, evidence_download};
use group::*;
use results::*;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/assessments", get(list_page).post(create))
        .route("/assessments/new", get(new_page))
        .route("/assessments/sector", post(sector))
        .route("/assessments/{id}", get(answer_page))
        .route("/assessments/{id}/answer", post(save_answer))
        .route("/assessments/{id}/transition", post(transition_post))
        .route("/assessments/{id}/comment", post(comment))
        .route("/assessments/{id}/evidence", post(upload_evidence))
        .route("/assessments/{id}/evidence-link", post(link_evidence))
        .route("/assessments/{id}/evidence-attach", post(attach_evidence))
        .route("/assessments/{id}/results", get(results_page))
        .route("/assessments/{id}/infer", get(infer_page).post(infer_confirm))
        .route("/assessments/{id}/export/{format}", get(export))
        .route("/assessments/{id}/import", get(back_to_answers).post(import))
        .route("/evidence/{id}", get(download))
        .route("/group", get(group_page))
        .route("/group/subsidiaries", post(request_subsidiary))
        .route("/group/links/{id}/{action}", post(link_action))
}

fn lang(c: &Ctx) -> mamori_assess::Lang {
    match c.lang {
        Lang::Ja => mamori_assess::Lang::Ja,
        Lang::En => mamori_assess::Lang::En,
    }
}

fn lc(c: &Ctx) -> &'static str {
    c.lang.code()
}

fn store_err(c: &Ctx) -> impl Fn(StoreError) -> PageError + '_ {
    move |e| PageError::Store(c.t(), e)
}

fn plan_for(c: &Ctx, info: &AssessmentInfo) -> Result<std::sync::Arc<Plan>, PageError> {
    plan(&info.framework_id, &info.framework_version).ok_or(PageError::Store(c.t(), StoreError::NotFound))
}

fn fw_name(info: &AssessmentInfo, l: &str) -> String {
    plan(&info.framework_id, &info.framework_version)
        .map(|p| p.framework.name.get(l).to_owned())
        .unwrap_or_else(|| info.framework_id.clone())
}

// ---------- list and create ----------

pub struct ListRow {
    pub a: AssessmentInfo,
    pub framework: String,
    pub state_key: String,
    pub scope_key: String,
}

#[derive(Template)]
#[template(path = "assess_list.html")]
struct ListPage {
    c: Chrome,
    rows: Vec<ListRow>,
    page: u64,
    has_next: bool,
    opt_in: bool,
    is_admin: bool,
    can_create: bool,
}

#[derive(Deserialize)]
struct ListQuery {
    page: Option<u64>,
    notice: Option<String>,
}

const PAGE: u64 = 50;

async fn list_page(State(state): State<AppState>, c: Ctx, Query(q): Query<ListQuery>) -> PageResult {
    let t = tenant(&state, &c).await?;
    let page = q.page.unwrap_or(0).min(100_000);
    let mut rows = state.store.assessments_page(&t, page * PAGE, PAGE + 1).await.map_err(store_err(&c))?;
    let has_next = rows.len() as u64 > PAGE;
    rows.truncate(PAGE as usize);
    let opt_in = state.store.sector_opt_in(&t).await.map_err(store_err(&c))?;
    let ch = chrome(&state, &c, "assess.title", q.notice.as_deref()).await;
    let rows = rows
        .into_iter()
        .map(|a| ListRow {
            framework: fw_name(&a, lc(&c)),
            state_key: format!("assess.state.{}", a.state.code()),
            scope_key: format!("assess.scope.{}", a.scope_kind),
            a,
        })
        .collect();
    Ok(render(&ListPage {
        c: ch,
        rows,
        page,
        has_next,
        opt_in,
        is_admin: t.role().at_least(Role::Admin),
        can_create: t.role().at_least(Role::Assessor),
    }))
}

#[derive(Template)]
#[template(path = "assess_new.html")]
struct NewPage {
    c: Chrome,
    frameworks: Vec<(String, String)>,
    scopes: Vec<(&'static str, String)>,
    today: String,
    error: Option<String>,
}

fn framework_options(l: &str) -> Vec<(String, String)> {
    frameworks()
        .iter()
        .map(|f| (format!("{}@{}", f.id, f.version), format!("{} ({})", f.name.get(l), f.version)))
        .collect()
}

async fn new_page(State(state): State<AppState>, c: Ctx) -> PageResult {
    tenant(&state, &c).await?;
    let ch = chrome(&state, &c, "assess.new", None).await;
    let scopes = SCOPE_KINDS.iter().map(|k| (*k, format!("assess.scope.{k}"))).collect();
    let today = today_iso();
    Ok(render(&NewPage { c: ch, frameworks: framework_options(lc(&c)), scopes, today, error: None }))
}

#[derive(Deserialize)]
struct CreateForm {
    framework: String,
    title: String,
    scope_kind: String,
    scope_name: String,
    #[serde(default)]
    assessed_on: String,
}

async fn create(State(state): State<AppState>, c: Ctx, Form(f): Form<CreateForm>) -> PageResult {
    let t = tenant(&state, &c).await?;
    let (id, version) = f.framework.split_once('@').unwrap_or((&f.framework, ""));
    let assessed_on = parse_date(&f.assessed_on);
    let new = NewAssessment {
        framework_id: id.to_owned(),
        framework_version: version.to_owned(),
        title: f.title,
        scope_kind: f.scope_kind,
        scope_name: f.scope_name,
        assessed_on,
    };
    match state.store.create_assessment(&t, new).await {
        Ok(a) => Ok(see_other(&format!("/assessments/{}", a.id), "assess.created")),
        Err(StoreError::Invalid { field, message }) => {
            let ch = chrome(&state, &c, "assess.new", None).await;
            let scopes = SCOPE_KINDS.iter().map(|k| (*k, format!("assess.scope.{k}"))).collect();
            let today = today_iso();
            let mut resp = render(&NewPage {
                c: ch,
                frameworks: framework_options(lc(&c)),
                scopes,
                today,
                error: Some(format!("{field}: {message}")),
            });
            *resp.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(resp)
        }
        Err(e) => Err(PageError::Store(c.t(), e)),
    }
}

fn today_iso() -> String {
    let d = time::OffsetDateTime::now_utc().date();
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

fn parse_date(s: &str) -> Option<time::Date> {
    let f = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(s.trim(), &f).ok()
}

#[derive(Deserialize)]
struct SectorForm {
    opt_in: String,
}

async fn sector(State(state): State<AppState>, c: Ctx, Form(f): Form<SectorForm>) -> PageResult {
    let t = tenant(&state, &c).await?;
    state.store.set_sector_opt_in(&t, f.opt_in == "1").await.map_err(store_err(&c))?;
    Ok(Redirect::to("/assessments").into_response())
}
