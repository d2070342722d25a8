//! Answering an assessment: the per-requirement forms with htmx autosave, lifecycle actions,
//! comments, and evidence (upload, link, attach, download).

#[allow(clippy::wildcard_imports)]
use super::*;

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
    /// Whether an answer is stored (it can then be cleared).
    pub answered: bool,
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
pub(super) struct AnswerPage {
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
pub(super) fn allowed_actions(t: &Tenant, a: &AssessmentInfo) -> Vec<(&'static str, String)> {
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

pub(super) fn build_rows(
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
                answered: a.is_some(),
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
pub(super) struct AnswerQuery {
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
pub(super) fn evidence_error_key(message: &str) -> &'static str {
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
pub(super) fn message_key(message: &str, table: &[(&[&str], &'static str)]) -> Option<&'static str> {
    let m = message.to_ascii_lowercase();
    table.iter().find(|(parts, _)| parts.iter().all(|p| m.contains(p))).map(|(_, key)| *key)
}

pub(super) async fn answer_page(
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
pub(super) async fn render_answers(
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
pub(super) struct AnswerForm {
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

pub(super) fn opt(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_owned())
}

/// The form's fields as an answer; an error is the message key of the offending field.
pub(super) fn input_from(f: &AnswerForm) -> Result<AnswerInput, &'static str> {
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
pub(super) fn answer_error_key(message: &str) -> Option<&'static str> {
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
pub(super) struct Saved {
    c: Chrome,
    ok: bool,
    message: String,
    answered: usize,
    total: usize,
    percent: u32,
}

pub(super) async fn save_answer(
    State(state): State<AppState>,
    c: Ctx,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<AnswerForm>,
) -> PageResult {
    let t = tenant(&state, &c).await?;
    let htmx = headers.contains_key("hx-request");
    let tr = c.t();
    if f.go == "clear" {
        // "Clear" is a submit button, never an htmx change: the page comes back with the row unanswered.
        let plan = plan_for(&c, &state.store.assessment(&t, &id).await.map_err(store_err(&c))?)?;
        let pos = plan.position(&f.requirement).unwrap_or(0);
        return match state.store.clear_answer(&t, &id, &f.requirement).await {
            Ok(_) => Ok(Redirect::to(&format!("/assessments/{id}?notice=assess.cleared#r-{pos}")).into_response()),
            Err(StoreError::Conflict(_)) => {
                render_answers(&state, &c, &t, &id, None, None, Some((pos, tr.s("assess.read_only").to_owned()))).await
            }
            Err(e) => Err(PageError::Store(c.t(), e)),
        };
    }
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
pub(super) struct ActionForm {
    action: String,
}

pub(super) async fn transition_post(
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
pub(super) struct CommentForm {
    requirement: String,
    body: String,
}

pub(super) async fn comment(
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

pub(super) async fn upload_evidence(
    State(state): State<AppState>,
    c: Ctx,
    Path(id): Path<String>,
    mut mp: Multipart,
) -> PageResult {
    let t = tenant(&state, &c).await?;
    // An unreadable body (e.g. past the size limit) is answered like a missing file.
    let upload = crate::api::assess::read_evidence_upload(&mut mp)
        .await
        .unwrap_or(crate::api::assess::EvidenceUpload { requirement: String::new(), file: None });
    let result = match upload.file {
        Some(file) => state.store.add_file_evidence(&t, file, Some((&id, &upload.requirement))).await.map(|_| ()),
        None => Err(StoreError::Invalid { field: "file", message: "no file was sent".into() }),
    };
    back_to(&state, &c, &t, &id, &upload.requirement, result).await
}

/// Back to the requirement's row with its evidence open: a notice when the evidence was
/// added, the reason when it was refused; other errors are shown as an error page.
pub(super) async fn back_to(
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
pub(super) struct LinkForm {
    requirement: String,
    #[serde(default)]
    name: String,
    url: String,
    #[serde(default)]
    expires_on: String,
}

pub(super) async fn link_evidence(
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
pub(super) struct AttachForm {
    requirement: String,
    evidence: String,
}

pub(super) async fn attach_evidence(
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
pub(super) async fn download(State(state): State<AppState>, c: Ctx, Path(id): Path<String>) -> PageResult {
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
