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
    AnswerKind, AnswerRecord, AssessmentInfo, EvidenceInfo, EvidenceLinkInfo, NewAssessment, NewFileEvidence,
    NewLinkEvidence, Plan, SCOPE_KINDS, SchemeScores, assess_role, frameworks, plan,
};
use mamori_store::{Role, StoreError, Tenant};
use serde::Deserialize;

use super::auth::Notice;
use super::{Chrome, PageError, PageResult, chrome, render, see_other, tenant};
use crate::AppState;
use crate::ctx::Ctx;
use crate::i18n::Lang;

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
        .route("/assessments/{id}/import", post(import))
        .route("/evidence/{id}", get(download))
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

// ---------- answering ----------

impl Row {
    pub fn is_points(&self) -> bool {
        self.kind == AnswerKind::Points
    }
    pub fn is_maturity(&self) -> bool {
        self.kind == AnswerKind::Maturity
    }
    pub fn status_is(&self, s: &str) -> bool {
        self.status == s
    }
    pub fn sc_is(&self, s: &str) -> bool {
        self.self_check == s
    }
    pub fn maturity_is(&self, v: &u8) -> bool {
        self.maturity == Some(*v)
    }
}

pub struct Row {
    pub idx: usize,
    pub id: String,
    pub title: String,
    pub text: String,
    pub group: String,
    pub kind: AnswerKind,
    pub status: String,
    pub na_reason: String,
    pub maturity: Option<u8>,
    pub self_check: String,
    pub notes: String,
    pub owner: String,
    pub due: String,
    pub inferred: Option<String>,
    pub evidence: Vec<EvidenceInfo>,
    pub comments: Vec<(String, String)>,
    pub levels: Vec<(u8, String)>,
    /// The evidence and comments are shown open (the row that was just changed).
    pub open: bool,
    /// Why the last answer to this row was refused (without JavaScript).
    pub error: Option<String>,
    /// Why the last evidence for this row was refused.
    pub evidence_error: Option<&'static str>,
}

#[derive(Template)]
#[template(path = "assess_answer.html")]
struct AnswerPage {
    c: Chrome,
    a: AssessmentInfo,
    framework: String,
    rows: Vec<Row>,
    editable: bool,
    actions: Vec<(&'static str, String)>,
    library: Vec<EvidenceInfo>,
    state_key: String,
    statuses: Vec<(&'static str, &'static str)>,
    self_checks: Vec<(&'static str, &'static str)>,
}

const STATUSES: [(&str, &str); 5] = [
    ("implemented", "assess.status.implemented"),
    ("partial", "assess.status.partial"),
    ("planned", "assess.status.planned"),
    ("not_implemented", "assess.status.not_implemented"),
    ("not_applicable", "assess.status.not_applicable"),
];
const SELF_CHECKS: [(&str, &str); 4] = [
    ("implemented", "assess.sc.implemented"),
    ("partial", "assess.sc.partial"),
    ("not_implemented", "assess.sc.not_implemented"),
    ("unknown", "assess.sc.unknown"),
];

/// Lifecycle actions the tenant's role may take from the current state.
fn allowed_actions(t: &Tenant, a: &AssessmentInfo) -> Vec<(&'static str, String)> {
    let user = t.actor().user_id().unwrap_or_default();
    let is_author = !user.is_empty() && user == a.created_by;
    [
        (LifecycleAction::RequestReview, "request_review"),
        (LifecycleAction::Reject, "reject"),
        (LifecycleAction::Submit, "submit"),
        (LifecycleAction::Approve, "approve"),
        (LifecycleAction::Archive, "archive"),
    ]
    .into_iter()
    .filter(|(act, _)| transition(a.state, *act, assess_role(t.role()), is_author).is_ok())
    .map(|(_, code)| (code, format!("assess.action.{code}")))
    .collect()
}

fn build_rows(
    c: &Ctx,
    plan: &Plan,
    answers: &BTreeMap<String, AnswerRecord>,
    evidence: &[EvidenceLinkInfo],
    comments: &[mamori_store::assess::Comment],
) -> Vec<Row> {
    let l = lc(c);
    plan.items
        .iter()
        .enumerate()
        .map(|(idx, item)| {
            let a = answers.get(&item.req.id);
            let na_reason = match a.map(|a| &a.view.status) {
                Some(mamori_assess::ImplementationStatus::NotApplicable { reason }) => reason.as_str().to_owned(),
                _ => String::new(),
            };
            let levels = (plan.scale.min()..=plan.scale.max())
                .map(|v| {
                    let label = item
                        .node
                        .level_descriptors
                        .iter()
                        .find(|d| d.value == i32::from(v))
                        .map(|d| format!("{v} – {}", d.text.get(l)))
                        .unwrap_or_else(|| v.to_string());
                    (v, label.chars().take(90).collect())
                })
                .collect();
            Row {
                idx,
                id: item.req.id.clone(),
                title: item.node.title.get(l).to_owned(),
                // The text is shown only when it says more than the title.
                text: Some(item.node.text.get(l))
                    .filter(|t| t.trim() != item.node.title.get(l).trim())
                    .unwrap_or_default()
                    .to_owned(),
                group: item.groups.last().map(|(_, t)| t.get(l).to_owned()).unwrap_or_default(),
                kind: item.kind,
                status: a.map(|a| a.view.status.code().to_owned()).unwrap_or_default(),
                na_reason,
                maturity: a.and_then(|a| a.view.maturity),
                self_check: a
                    .and_then(|a| a.view.points)
                    .and_then(|p| serde_json::to_value(p).ok())
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default(),
                notes: a.and_then(|a| a.notes.clone()).unwrap_or_default(),
                owner: a.and_then(|a| a.owner.clone()).unwrap_or_default(),
                due: a.and_then(|a| a.due_date.clone()).unwrap_or_default(),
                inferred: a.and_then(|a| a.inferred.as_ref()).map(|i| {
                    let from: Vec<_> = i.provenance.from.iter().map(|s| s.source.as_str()).collect();
                    format!("{} {}", i.source_framework, from.join(", "))
                }),
                evidence: evidence
                    .iter()
                    .filter(|e| e.requirement_id == item.req.id)
                    .map(|e| e.evidence.clone())
                    .collect(),
                comments: comments
                    .iter()
                    .filter(|x| x.requirement_id == item.req.id)
                    .map(|x| (x.author.rsplit(':').next().unwrap_or("").to_owned(), x.body.clone()))
                    .collect(),
                levels,
                open: false,
                error: None,
                evidence_error: None,
            }
        })
        .collect()
}

#[derive(Deserialize)]
struct AnswerQuery {
    notice: Option<String>,
    /// The row whose evidence and comments are shown open.
    open: Option<usize>,
    /// Why the evidence for the open row was refused: one of `EVIDENCE_ERRORS`.
    evidence_error: Option<String>,
}

/// The reasons evidence can be refused for, as message keys.
const EVIDENCE_ERRORS: [&str; 6] = [
    "assess.err.evidence_empty",
    "assess.err.evidence_size",
    "assess.err.evidence_type",
    "assess.err.evidence_mismatch",
    "assess.err.evidence_url",
    "assess.err.evidence",
];

/// The message key for a store error about evidence.
fn evidence_error_key(message: &str) -> &'static str {
    message_key(
        message,
        &[
            (&["empty"], "assess.err.evidence_empty"),
            (&["no file"], "assess.err.evidence_empty"),
            (&["larger than"], "assess.err.evidence_size"),
            (&["type is not accepted"], "assess.err.evidence_type"),
            (&["does not match"], "assess.err.evidence_mismatch"),
            (&["address"], "assess.err.evidence_url"),
        ],
    )
    .unwrap_or("assess.err.evidence")
}

/// The key of the first entry of `table` whose fragments all occur in the store's
/// (English) `message`, ignoring case.
fn message_key(message: &str, table: &[(&[&str], &'static str)]) -> Option<&'static str> {
    let m = message.to_ascii_lowercase();
    table.iter().find(|(parts, _)| parts.iter().all(|p| m.contains(p))).map(|(_, key)| *key)
}

async fn answer_page(
    State(state): State<AppState>,
    c: Ctx,
    Path(id): Path<String>,
    Query(q): Query<AnswerQuery>,
) -> PageResult {
    let t = tenant(&state, &c).await?;
    let evidence_error = q.evidence_error.and_then(|k| EVIDENCE_ERRORS.into_iter().find(|e| *e == k));
    let open = q.open.map(|i| (i, evidence_error));
    render_answers(&state, &c, &t, &id, q.notice.as_deref(), open, None).await
}

/// The answer page; `open` shows one row's evidence (with why evidence was refused),
/// `error` a refused answer (row, message).
async fn render_answers(
    state: &AppState,
    c: &Ctx,
    t: &Tenant,
    id: &str,
    notice: Option<&str>,
    open: Option<(usize, Option<&'static str>)>,
    error: Option<(usize, String)>,
) -> PageResult {
    let a = state.store.assessment(t, id).await.map_err(store_err(c))?;
    let plan = plan_for(c, &a)?;
    let answers = state.store.answers(t, id).await.map_err(store_err(c))?;
    let evidence = state.store.assessment_evidence(t, id).await.map_err(store_err(c))?;
    let comments = state.store.comments(t, id).await.map_err(store_err(c))?;
    let library = state.store.evidence_list(t).await.map_err(store_err(c))?;
    let mut rows = build_rows(c, &plan, &answers, &evidence, &comments);
    if let Some((i, evidence_error)) = open
        && let Some(row) = rows.get_mut(i)
    {
        row.open = true;
        row.evidence_error = evidence_error.map(|k| c.t().s(k));
    }
    let refused = error.is_some();
    if let Some((i, message)) = error
        && let Some(row) = rows.get_mut(i)
    {
        row.error = Some(message);
    }
    let ch = chrome(state, c, "assess.title", notice).await;
    let mut resp = render(&AnswerPage {
        c: ch,
        framework: fw_name(&a, lc(c)),
        editable: mamori_assess::ensure_editable(a.state).is_ok() && t.role().at_least(Role::Assessor),
        actions: allowed_actions(t, &a),
        state_key: format!("assess.state.{}", a.state.code()),
        a,
        rows,
        library,
        statuses: STATUSES.to_vec(),
        self_checks: SELF_CHECKS.to_vec(),
    });
    if refused {
        *resp.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(resp)
}

#[derive(Deserialize)]
struct AnswerForm {
    requirement: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    na_reason: String,
    #[serde(default)]
    maturity: String,
    #[serde(default)]
    self_check: String,
    #[serde(default)]
    notes: String,
    #[serde(default)]
    owner: String,
    #[serde(default)]
    due_date: String,
    #[serde(default)]
    go: String,
}

fn opt(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_owned())
}

/// The form's fields as an answer; an error is the message key of the offending field.
fn input_from(f: &AnswerForm) -> Result<AnswerInput, &'static str> {
    let maturity = match opt(&f.maturity) {
        Some(m) => Some(m.parse::<u8>().map_err(|_| "assess.err.maturity")?),
        None => None,
    };
    let self_check = match opt(&f.self_check) {
        Some(s) => Some(serde_json::from_value(serde_json::Value::String(s)).map_err(|_| "assess.err.self_check")?),
        None => None,
    };
    let due_date = match opt(&f.due_date) {
        Some(d) => Some(parse_date(&d).ok_or("assess.err.due_date")?),
        None => None,
    };
    let status = opt(&f.status);
    Ok(AnswerInput {
        na_reason: if status.as_deref() == Some("not_applicable") { opt(&f.na_reason) } else { None },
        status,
        maturity,
        self_check,
        notes: opt(&f.notes),
        owner: opt(&f.owner),
        due_date,
    })
}

/// The message key explaining a refused answer, from the validator's message (which names
/// the field by its JSON pointer); None when there is no better wording than the message.
fn answer_error_key(message: &str) -> Option<&'static str> {
    message_key(
        message,
        &[
            (&["/na_reason", "non-empty reason"], "assess.err.na_reason"),
            (&["/status", "required"], "assess.err.status"),
            (&["/status", "missing"], "assess.err.status"),
            (&["/maturity"], "assess.err.maturity"),
            (&["characters exceeds"], "assess.err.too_long"),
            (&["control character"], "assess.err.control"),
        ],
    )
}

#[derive(Template)]
#[template(path = "assess_saved.html")]
struct Saved {
    c: Chrome,
    ok: bool,
    message: String,
    answered: usize,
    total: usize,
    percent: u32,
}

async fn save_answer(
    State(state): State<AppState>,
    c: Ctx,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<AnswerForm>,
) -> PageResult {
    let t = tenant(&state, &c).await?;
    let htmx = headers.contains_key("hx-request");
    let tr = c.t();
    let result = match input_from(&f) {
        Ok(input) => state.store.save_answer(&t, &id, &f.requirement, &input).await.map_err(|e| match e {
            StoreError::Invalid { message, .. } => {
                Ok(answer_error_key(&message).map_or(message, |k| tr.s(k).to_owned()))
            }
            StoreError::Conflict(_) => Ok(tr.s("assess.read_only").to_owned()),
            other => Err(other),
        }),
        Err(key) => Err(Ok(tr.s(key).to_owned())),
    };
    let error = match result {
        Ok(_) => None,
        Err(Ok(message)) => Some(message),
        Err(Err(e)) => return Err(PageError::Store(c.t(), e)),
    };
    let a = state.store.assessment(&t, &id).await.map_err(store_err(&c))?;
    if htmx {
        let ch = chrome(&state, &c, "assess.title", None).await;
        return Ok(render(&Saved {
            c: ch,
            ok: error.is_none(),
            message: error.unwrap_or_default(),
            answered: a.answered,
            total: a.total,
            percent: a.progress_percent(),
        }));
    }
    let plan = plan_for(&c, &a)?;
    let pos = plan.position(&f.requirement).unwrap_or(0);
    if let Some(message) = error {
        // Without JavaScript: the whole page again, the message next to the refused answer.
        return render_answers(&state, &c, &t, &id, None, None, Some((pos, message))).await;
    }
    let anchor = if f.go == "next" { (pos + 1).min(plan.items.len().saturating_sub(1)) } else { pos };
    Ok(Redirect::to(&format!("/assessments/{id}?notice=assess.saved#r-{anchor}")).into_response())
}

#[derive(Deserialize)]
struct ActionForm {
    action: String,
}

async fn transition_post(
    State(state): State<AppState>,
    c: Ctx,
    Path(id): Path<String>,
    Form(f): Form<ActionForm>,
) -> PageResult {
    let t = tenant(&state, &c).await?;
    let action: LifecycleAction = serde_json::from_value(serde_json::Value::String(f.action)).map_err(|_| {
        PageError::Store(c.t(), StoreError::Invalid { field: "action", message: "unknown action".into() })
    })?;
    state.store.transition_assessment(&t, &id, action).await.map_err(store_err(&c))?;
    Ok(see_other(&format!("/assessments/{id}"), "assess.moved"))
}

#[derive(Deserialize)]
struct CommentForm {
    requirement: String,
    body: String,
}

async fn comment(
    State(state): State<AppState>,
    c: Ctx,
    Path(id): Path<String>,
    Form(f): Form<CommentForm>,
) -> PageResult {
    let t = tenant(&state, &c).await?;
    state.store.add_comment(&t, &id, &f.requirement, &f.body).await.map_err(store_err(&c))?;
    let a = state.store.assessment(&t, &id).await.map_err(store_err(&c))?;
    let pos = plan_for(&c, &a)?.position(&f.requirement).unwrap_or(0);
    Ok(Redirect::to(&format!("/assessments/{id}?open={pos}#r-{pos}")).into_response())
}

// ---------- evidence ----------

async fn upload_evidence(
    State(state): State<AppState>,
    c: Ctx,
    Path(id): Path<String>,
    mut mp: Multipart,
) -> PageResult {
    let t = tenant(&state, &c).await?;
    let (mut requirement, mut expires, mut file) = (String::new(), None, None);
    while let Ok(Some(field)) = mp.next_field().await {
        match field.name().unwrap_or("") {
            "requirement" => requirement = field.text().await.unwrap_or_default(),
            "expires_on" => expires = field.text().await.ok().filter(|s| !s.trim().is_empty()),
            "file" => {
                let name = field.file_name().unwrap_or("").to_owned();
                let mime = field.content_type().map(str::to_owned);
                file = field.bytes().await.ok().map(|bytes| NewFileEvidence {
                    name,
                    mime,
                    bytes: bytes.to_vec(),
                    expires_on: None,
                });
            }
            _ => {}
        }
    }
    let result = match file {
        Some(mut file) => {
            file.expires_on = expires;
            state.store.add_file_evidence(&t, file, Some((&id, &requirement))).await.map(|_| ())
        }
        None => Err(StoreError::Invalid { field: "file", message: "no file was sent".into() }),
    };
    back_to(&state, &c, &t, &id, &requirement, result).await
}

/// Back to the requirement's row with its evidence open: a notice when the evidence was
/// added, the reason when it was refused; other errors are shown as an error page.
async fn back_to(
    state: &AppState,
    c: &Ctx,
    t: &Tenant,
    id: &str,
    requirement: &str,
    result: Result<(), StoreError>,
) -> PageResult {
    let outcome = match result {
        Ok(()) => "notice=assess.evidence_added".to_owned(),
        Err(StoreError::Invalid { message, .. }) => format!("evidence_error={}", evidence_error_key(&message)),
        Err(e) => return Err(PageError::Store(c.t(), e)),
    };
    let a = state.store.assessment(t, id).await.map_err(store_err(c))?;
    let pos = plan_for(c, &a)?.position(requirement).unwrap_or(0);
    Ok(Redirect::to(&format!("/assessments/{id}?{outcome}&open={pos}#r-{pos}")).into_response())
}

#[derive(Deserialize)]
struct LinkForm {
    requirement: String,
    #[serde(default)]
    name: String,
    url: String,
    #[serde(default)]
    expires_on: String,
}

async fn link_evidence(
    State(state): State<AppState>,
    c: Ctx,
    Path(id): Path<String>,
    Form(f): Form<LinkForm>,
) -> PageResult {
    let t = tenant(&state, &c).await?;
    let new = NewLinkEvidence { name: f.name, url: f.url, expires_on: opt(&f.expires_on) };
    let result = state.store.add_link_evidence(&t, new, Some((&id, &f.requirement))).await.map(|_| ());
    back_to(&state, &c, &t, &id, &f.requirement, result).await
}

#[derive(Deserialize)]
struct AttachForm {
    requirement: String,
    evidence: String,
}

async fn attach_evidence(
    State(state): State<AppState>,
    c: Ctx,
    Path(id): Path<String>,
    Form(f): Form<AttachForm>,
) -> PageResult {
    let t = tenant(&state, &c).await?;
    let result = state.store.attach_evidence(&t, &f.evidence, &id, &f.requirement).await;
    back_to(&state, &c, &t, &id, &f.requirement, result).await
}

/// Downloads stored evidence as an attachment; links redirect to their address.
async fn download(State(state): State<AppState>, c: Ctx, Path(id): Path<String>) -> PageResult {
    let t = tenant(&state, &c).await?;
    let (info, bytes) = state.store.evidence_content(&t, &id).await.map_err(store_err(&c))?;
    Ok(evidence_download(info, bytes))
}

/// A piece of evidence as a page response: the file, or a redirect to a link.
pub fn evidence_download(info: mamori_store::assess::EvidenceInfo, bytes: Vec<u8>) -> Response {
    if let Some(url) = info.url {
        return Redirect::to(&url).into_response();
    }
    attachment(info.mime.as_deref().unwrap_or("application/octet-stream"), &info.name, bytes)
}

/// A download response with a safe filename.
pub fn attachment(mime: &str, name: &str, bytes: Vec<u8>) -> Response {
    let ascii: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() || ".-_".contains(c) { c } else { '_' }).collect();
    let disposition = format!("attachment; filename=\"{ascii}\"");
    let mut resp = (StatusCode::OK, bytes).into_response();
    let h = resp.headers_mut();
    if let Ok(v) = mime.parse() {
        h.insert(header::CONTENT_TYPE, v);
    }
    if let Ok(v) = disposition.parse() {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    resp
}

// ---------- results ----------

#[derive(Template)]
#[template(path = "assess_results.html")]
struct ResultsPage {
    c: Chrome,
    a: AssessmentInfo,
    framework: String,
    headline: Vec<(String, String)>,
    radar: Option<String>,
    bars: Option<String>,
    trend: Option<String>,
    sector: Option<String>,
    /// (requirement, title, current status, row on the answer page)
    gaps: Vec<(String, String, String, usize)>,
    gaps_star4: Vec<(String, String, String, usize)>,
    is_scs: bool,
    actions: Vec<(&'static str, String)>,
    sources: Vec<(String, String)>,
}

async fn results_page(
    State(state): State<AppState>,
    c: Ctx,
    Path(id): Path<String>,
    Query(q): Query<Notice>,
) -> PageResult {
    let t = tenant(&state, &c).await?;
    let (a, scores) = state.store.assessment_scores(&t, &id).await.map_err(store_err(&c))?;
    let plan = plan_for(&c, &a)?;
    let answers = state.store.answers(&t, &id).await.map_err(store_err(&c))?;
    let trend = state.store.assessment_trend(&t, &a.framework_id).await.map_err(store_err(&c))?;
    let sector = state.store.sector_average(&t, &id).await.map_err(store_err(&c))?;
    let l = lang(&c);
    let org = state.store.org(&t).await.map_err(store_err(&c))?;
    let input = mamori_report::ReportInput {
        info: &a,
        org_name: &org.name,
        plan: &plan,
        answers: &answers,
        evidence: &[],
        scores: &scores,
        trend: Some(&trend),
    };
    let headline = mamori_report::html::headline(&input, l);
    let gap_rows = |gaps: &[mamori_assess::Gap]| {
        gaps.iter()
            .take(60)
            .map(|g| {
                let title = plan.item(&g.requirement).map(|i| i.node.title.get(lc(&c)).to_owned()).unwrap_or_default();
                (
                    g.requirement.clone(),
                    title,
                    mamori_report::status_label(l, g.current_status.as_deref().unwrap_or("")).to_owned(),
                    plan.position(&g.requirement).unwrap_or(0),
                )
            })
            .collect::<Vec<_>>()
    };
    let sector_svg = match (&scores.radar, sector) {
        (Some(r), Some(avg)) => Some(radar_svg(&r.clone().with_comparison(&avg), 420, l)),
        _ => None,
    };
    let list = state.store.assessments_page(&t, 0, 200).await.map_err(store_err(&c))?;
    let sources = list
        .into_iter()
        .filter(|x| x.id != a.id)
        .map(|x| (x.id.clone(), format!("{} — {}", x.title, fw_name(&x, lc(&c)))))
        .collect();
    let ch = chrome(&state, &c, "assess.results", q.notice.as_deref()).await;
    Ok(render(&ResultsPage {
        c: ch,
        framework: fw_name(&a, lc(&c)),
        headline,
        radar: scores.radar.as_ref().map(|r| radar_svg(r, 420, l)),
        bars: scores.bars.as_ref().map(|b| mamori_report::charts::bars_svg(b, l)),
        trend: (!trend.points.is_empty()).then(|| mamori_report::charts::trend_svg(&trend, l)),
        sector: sector_svg,
        gaps: gap_rows(&scores.gaps),
        gaps_star4: gap_rows(&scores.gaps_star4),
        is_scs: matches!(scores.scheme, SchemeScores::Scs(_)),
        actions: allowed_actions(&t, &a),
        sources,
        a,
    }))
}

// ---------- inference ----------

#[derive(Template)]
#[template(path = "assess_infer.html")]
struct InferPage {
    c: Chrome,
    a: AssessmentInfo,
    from: String,
    proposals: Vec<(Proposal, String, String, String)>,
}

#[derive(Deserialize)]
struct InferQuery {
    from: String,
}

async fn infer_page(
    State(state): State<AppState>,
    c: Ctx,
    Path(id): Path<String>,
    Query(q): Query<InferQuery>,
) -> PageResult {
    let t = tenant(&state, &c).await?;
    let a = state.store.assessment(&t, &id).await.map_err(store_err(&c))?;
    let plan = plan_for(&c, &a)?;
    let proposals = state.store.propose_answers(&t, &id, &q.from).await.map_err(store_err(&c))?;
    let proposals = proposals
        .into_iter()
        .map(|p| {
            let title = plan.item(&p.target).map(|i| i.node.title.get(lc(&c)).to_owned()).unwrap_or_default();
            let kind = format!(
                "assess.kind.{}",
                serde_json::to_value(p.kind).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
            );
            let status_key = format!("assess.status.{}", p.status.code());
            (p, title, kind, status_key)
        })
        .collect();
    let ch = chrome(&state, &c, "assess.infer", None).await;
    Ok(render(&InferPage { c: ch, a, from: q.from, proposals }))
}

#[derive(Deserialize)]
struct ConfirmForm {
    from: String,
    requirement: String,
}

async fn infer_confirm(
    State(state): State<AppState>,
    c: Ctx,
    Path(id): Path<String>,
    Form(f): Form<ConfirmForm>,
) -> PageResult {
    let t = tenant(&state, &c).await?;
    state.store.confirm_proposal(&t, &id, &f.from, &f.requirement, None).await.map_err(store_err(&c))?;
    Ok(Redirect::to(&format!("/assessments/{id}/infer?from={}&notice=assess.confirmed", f.from)).into_response())
}

// ---------- exports and import ----------

#[derive(Deserialize)]
struct ExportQuery {
    lang: Option<String>,
}

async fn export(
    State(state): State<AppState>,
    c: Ctx,
    Path((id, format)): Path<(String, String)>,
    Query(q): Query<ExportQuery>,
) -> PageResult {
    let t = tenant(&state, &c).await?;
    let l = match q.lang.as_deref() {
        Some("ja") => mamori_assess::Lang::Ja,
        Some("en") => mamori_assess::Lang::En,
        _ => lang(&c),
    };
    let file = crate::api::assess::export_file(&state, &t, &id, &format, l).await.map_err(|e| match e {
        crate::api::assess::ExportFail::Store(e) => PageError::Store(c.t(), e),
        crate::api::assess::ExportFail::Unsupported | crate::api::assess::ExportFail::Render(_) => {
            PageError::Store(c.t(), StoreError::NotFound)
        }
    })?;
    if format == "html" {
        return Ok(Html(String::from_utf8_lossy(&file.bytes).into_owned()).into_response());
    }
    Ok(attachment(file.mime, &file.name, file.bytes))
}

#[derive(Template)]
#[template(path = "assess_import.html")]
struct ImportErrors {
    c: Chrome,
    a: AssessmentInfo,
    issues: Vec<String>,
}

async fn import(State(state): State<AppState>, c: Ctx, Path(id): Path<String>, mut mp: Multipart) -> PageResult {
    let t = tenant(&state, &c).await?;
    let a = state.store.assessment(&t, &id).await.map_err(store_err(&c))?;
    let plan = plan_for(&c, &a)?;
    let mut bytes = Vec::new();
    while let Ok(Some(field)) = mp.next_field().await {
        if field.name() == Some("file") {
            bytes = field.bytes().await.map(|b| b.to_vec()).unwrap_or_default();
        }
    }
    let issues = match mamori_report::xlsx::import(&bytes, &plan) {
        Ok(imported) if imported.assessment_id.as_deref().is_none_or(|x| x == id) => {
            match state.store.import_answers(&t, &id, &imported.rows).await {
                Ok(_) => return Ok(see_other(&format!("/assessments/{id}"), "assess.imported")),
                Err(StoreError::Invalid { message, .. } | StoreError::Conflict(message)) => vec![message],
                Err(e) => return Err(PageError::Store(c.t(), e)),
            }
        }
        Ok(_) => vec!["Meta!B1: the file belongs to another assessment".to_owned()],
        Err(issues) => issues.iter().map(ToString::to_string).collect(),
    };
    let ch = chrome(&state, &c, "assess.import", None).await;
    let mut resp = render(&ImportErrors { c: ch, a, issues });
    *resp.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    Ok(resp)
}
