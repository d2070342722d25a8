//! REST endpoints for assessments: list, create, get, answer, transition, scores, proposals, evidence and exports.

use axum::extract::multipart::MultipartError;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use mamori_assess::{AnswerInput, LifecycleAction};
use mamori_store::assess::{AssessmentInfo, NewAssessment, NewFileEvidence, plan};
use mamori_store::{StoreError, Tenant};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::extract::{ApiJson, ApiTenant, Page, PageQuery, cursor};
use crate::AppState;
use crate::error::{ApiError, ApiResult, Code};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/assessments", get(list).post(create))
        .route("/assessments/{id}", get(get_one))
        .route("/assessments/{id}/answers", get(answers))
        .route("/assessments/{id}/answers/{requirement}", put(answer).delete(clear_answer))
        .route("/assessments/{id}/transition", post(transition))
        .route("/assessments/{id}/scores", get(scores))
        .route("/assessments/{id}/proposals", get(proposals))
        .route("/assessments/{id}/evidence", get(evidence).post(upload))
        .route("/assessments/{id}/export/{format}", get(export))
        .route("/evidence/{id}", get(download))
}

/// An assessment.
#[derive(Debug, Serialize, ToSchema)]
pub struct AssessmentDto {
    pub id: String,
    pub framework_id: String,
    pub framework_version: String,
    pub title: String,
    pub scope_kind: String,
    pub scope_name: String,
    /// draft, in_review, submitted, approved or archived.
    pub state: String,
    pub assessed_on: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub answered: usize,
    pub total: usize,
}

impl From<AssessmentInfo> for AssessmentDto {
    fn from(a: AssessmentInfo) -> Self {
        AssessmentDto {
            state: a.state.code().to_owned(),
            id: a.id,
            framework_id: a.framework_id,
            framework_version: a.framework_version,
            title: a.title,
            scope_kind: a.scope_kind,
            scope_name: a.scope_name,
            assessed_on: a.assessed_on,
            created_at: a.created_at,
            updated_at: a.updated_at,
            answered: a.answered,
            total: a.total,
        }
    }
}

/// What creating an assessment needs.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssessmentRequest {
    pub framework_id: String,
    pub framework_version: String,
    pub title: String,
    /// company, division, site or system.
    pub scope_kind: String,
    pub scope_name: String,
    /// `YYYY-MM-DD`; today when absent.
    pub assessed_on: Option<String>,
}

/// An answer to one requirement (the same fields as the form and the XLSX sheet).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerRequest {
    /// implemented, partial, planned, not_implemented or not_applicable.
    pub status: Option<String>,
    pub na_reason: Option<String>,
    pub maturity: Option<u8>,
    /// implemented, partial, not_implemented or unknown (SECURITY ACTION self-check).
    pub self_check: Option<String>,
    pub notes: Option<String>,
    pub owner: Option<String>,
    /// `YYYY-MM-DD`.
    pub due_date: Option<String>,
}

/// A lifecycle action: request_review, reject, submit, approve or archive.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransitionRequest {
    pub action: String,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProposalQuery {
    /// The source assessment whose answers propose answers here.
    pub from: String,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// ja or en (reports only).
    pub lang: Option<String>,
}

fn date(field: &str, s: Option<&str>) -> Result<Option<time::Date>, ApiError> {
    let f = time::macros::format_description!("[year]-[month]-[day]");
    s.map(|s| time::Date::parse(s, &f).map_err(|_| ApiError::field(field, "use YYYY-MM-DD"))).transpose()
}

/// The tenant's assessments, newest first, with progress.
#[utoipa::path(get, path = "/api/v1/assessments", tag = "assessments", params(PageQuery), security(("bearer" = [])),
    responses((status = 200, body = Page<AssessmentDto>), (status = 401, body = crate::Problem)))]
pub(crate) async fn list(
    State(state): State<AppState>,
    ApiTenant(t): ApiTenant,
    Query(q): Query<PageQuery>,
) -> ApiResult<Json<Page<AssessmentDto>>> {
    let limit = q.limit()?;
    let start = q.position()?.unwrap_or(0);
    let mut rows = state.store.assessments_page(&t, start as u64, limit as u64 + 1).await?;
    let more = rows.len() > limit;
    rows.truncate(limit);
    let next = more.then(|| cursor(start + limit as i64));
    Ok(Json(Page { items: rows.into_iter().map(AssessmentDto::from).collect(), next_cursor: next }))
}

/// Create a draft assessment pinned to a framework version.
#[utoipa::path(post, path = "/api/v1/assessments", tag = "assessments", request_body = AssessmentRequest, security(("bearer" = [])),
    responses((status = 201, body = AssessmentDto), (status = 422, body = crate::Problem)))]
pub(crate) async fn create(
    State(state): State<AppState>,
    ApiTenant(t): ApiTenant,
    ApiJson(r): ApiJson<AssessmentRequest>,
) -> ApiResult<(StatusCode, Json<AssessmentDto>)> {
    let new = NewAssessment {
        assessed_on: date("assessed_on", r.assessed_on.as_deref())?,
        framework_id: r.framework_id,
        framework_version: r.framework_version,
        title: r.title,
        scope_kind: r.scope_kind,
        scope_name: r.scope_name,
    };
    let a = state.store.create_assessment(&t, new).await?;
    Ok((StatusCode::CREATED, Json(a.into())))
}

/// One assessment.
#[utoipa::path(get, path = "/api/v1/assessments/{id}", tag = "assessments", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = AssessmentDto), (status = 404, body = crate::Problem)))]
pub(crate) async fn get_one(
    State(state): State<AppState>,
    ApiTenant(t): ApiTenant,
    Path(id): Path<String>,
) -> ApiResult<Json<AssessmentDto>> {
    Ok(Json(state.store.assessment(&t, &id).await?.into()))
}

/// All answers, keyed by requirement id.
#[utoipa::path(get, path = "/api/v1/assessments/{id}/answers", tag = "assessments", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = Object), (status = 404, body = crate::Problem)))]
pub(crate) async fn answers(
    State(state): State<AppState>,
    ApiTenant(t): ApiTenant,
    Path(id): Path<String>,
) -> ApiResult<Json<serde_json::Value>> {
    let a = state.store.answers(&t, &id).await?;
    Ok(Json(serde_json::to_value(a).map_err(|_| ApiError::new(Code::Internal))?))
}

/// Save the answer to one requirement.
#[utoipa::path(put, path = "/api/v1/assessments/{id}/answers/{requirement}", tag = "assessments",
    params(("id" = String, Path), ("requirement" = String, Path)), request_body = AnswerRequest, security(("bearer" = [])),
    responses((status = 200, body = Object), (status = 404, body = crate::Problem), (status = 409, body = crate::Problem), (status = 422, body = crate::Problem)))]
pub(crate) async fn answer(
    State(state): State<AppState>,
    ApiTenant(t): ApiTenant,
    Path((id, requirement)): Path<(String, String)>,
    ApiJson(r): ApiJson<AnswerRequest>,
) -> ApiResult<Json<serde_json::Value>> {
    let self_check = match r.self_check {
        Some(s) => Some(
            serde_json::from_value(serde_json::Value::String(s))
                .map_err(|_| ApiError::field("self_check", "use implemented, partial, not_implemented or unknown"))?,
        ),
        None => None,
    };
    let input = AnswerInput {
        status: r.status,
        na_reason: r.na_reason,
        maturity: r.maturity,
        self_check,
        notes: r.notes,
        owner: r.owner,
        due_date: date("due_date", r.due_date.as_deref())?,
    };
    let rec = state.store.save_answer(&t, &id, &requirement, &input).await?;
    Ok(Json(serde_json::to_value(rec).map_err(|_| ApiError::new(Code::Internal))?))
}

/// Clear the answer to one requirement: it counts as not answered again. Comments and evidence stay.
#[utoipa::path(delete, path = "/api/v1/assessments/{id}/answers/{requirement}", tag = "assessments",
    params(("id" = String, Path), ("requirement" = String, Path)), security(("bearer" = [])),
    responses((status = 204), (status = 404, body = crate::Problem), (status = 409, body = crate::Problem), (status = 422, body = crate::Problem)))]
pub(crate) async fn clear_answer(
    State(state): State<AppState>,
    ApiTenant(t): ApiTenant,
    Path((id, requirement)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    state.store.clear_answer(&t, &id, &requirement).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Move the assessment through its lifecycle (four eyes for reject and approve).
#[utoipa::path(post, path = "/api/v1/assessments/{id}/transition", tag = "assessments", params(("id" = String, Path)),
    request_body = TransitionRequest, security(("bearer" = [])),
    responses((status = 200, body = AssessmentDto), (status = 403, body = crate::Problem), (status = 409, body = crate::Problem)))]
pub(crate) async fn transition(
    State(state): State<AppState>,
    ApiTenant(t): ApiTenant,
    Path(id): Path<String>,
    ApiJson(r): ApiJson<TransitionRequest>,
) -> ApiResult<Json<AssessmentDto>> {
    let action: LifecycleAction = serde_json::from_value(serde_json::Value::String(r.action))
        .map_err(|_| ApiError::field("action", "use request_review, reject, submit, approve or archive"))?;
    Ok(Json(state.store.transition_assessment(&t, &id, action).await?.into()))
}

/// Exact scheme scores, roll-ups, chart series and the prioritised gaps.
#[utoipa::path(get, path = "/api/v1/assessments/{id}/scores", tag = "assessments", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = Object), (status = 404, body = crate::Problem)))]
pub(crate) async fn scores(
    State(state): State<AppState>,
    ApiTenant(t): ApiTenant,
    Path(id): Path<String>,
) -> ApiResult<Json<serde_json::Value>> {
    let (_, s) = state.store.assessment_scores(&t, &id).await?;
    let sector = state.store.sector_average(&t, &id).await?;
    let mut v = serde_json::to_value(s).map_err(|_| ApiError::new(Code::Internal))?;
    v["sector_average"] = serde_json::to_value(sector).map_err(|_| ApiError::new(Code::Internal))?;
    Ok(Json(v))
}

/// Proposed answers from another assessment through the crosswalks; nothing is applied.
#[utoipa::path(get, path = "/api/v1/assessments/{id}/proposals", tag = "assessments", params(("id" = String, Path), ProposalQuery),
    security(("bearer" = [])), responses((status = 200, body = Object), (status = 404, body = crate::Problem)))]
pub(crate) async fn proposals(
    State(state): State<AppState>,
    ApiTenant(t): ApiTenant,
    Path(id): Path<String>,
    Query(q): Query<ProposalQuery>,
) -> ApiResult<Json<serde_json::Value>> {
    let p = state.store.propose_answers(&t, &id, &q.from).await?;
    Ok(Json(serde_json::to_value(p).map_err(|_| ApiError::new(Code::Internal))?))
}

/// Evidence attached to the assessment (metadata only).
#[utoipa::path(get, path = "/api/v1/assessments/{id}/evidence", tag = "assessments", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = Object), (status = 404, body = crate::Problem)))]
pub(crate) async fn evidence(
    State(state): State<AppState>,
    ApiTenant(t): ApiTenant,
    Path(id): Path<String>,
) -> ApiResult<Json<serde_json::Value>> {
    let e = state.store.assessment_evidence(&t, &id).await?;
    Ok(Json(serde_json::to_value(e).map_err(|_| ApiError::new(Code::Internal))?))
}

/// Upload a file as evidence (multipart fields `requirement`, `file`, optional `expires_on`).
#[utoipa::path(post, path = "/api/v1/assessments/{id}/evidence", tag = "assessments", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 201, body = Object), (status = 404, body = crate::Problem), (status = 422, body = crate::Problem)))]
pub(crate) async fn upload(
    State(state): State<AppState>,
    ApiTenant(t): ApiTenant,
    Path(id): Path<String>,
    mut mp: Multipart,
) -> ApiResult<(StatusCode, Json<serde_json::Value>)> {
    let upload = read_evidence_upload(&mut mp).await.map_err(|_| ApiError::new(Code::PayloadTooLarge))?;
    let file = upload.file.ok_or_else(|| ApiError::field("file", "send the file as multipart field 'file'"))?;
    let info = state.store.add_file_evidence(&t, file, Some((&id, &upload.requirement))).await?;
    Ok((StatusCode::CREATED, Json(serde_json::to_value(info).map_err(|_| ApiError::new(Code::Internal))?)))
}

/// The fields of an evidence upload form: `requirement`, `file` and an optional `expires_on`.
pub(crate) struct EvidenceUpload {
    pub requirement: String,
    pub file: Option<NewFileEvidence>,
}

/// Reads an evidence upload (the page and the API send the same fields). Fails when the body
/// cannot be read, e.g. past the size limit.
pub(crate) async fn read_evidence_upload(mp: &mut Multipart) -> Result<EvidenceUpload, MultipartError> {
    let (mut requirement, mut expires, mut file) = (String::new(), None, None);
    while let Some(field) = mp.next_field().await? {
        match field.name().unwrap_or("") {
            "requirement" => requirement = field.text().await?,
            "expires_on" => expires = Some(field.text().await?).filter(|s| !s.trim().is_empty()),
            "file" => {
                let name = field.file_name().unwrap_or("").to_owned();
                let mime = field.content_type().map(str::to_owned);
                let bytes = field.bytes().await?;
                file = Some(NewFileEvidence { name, mime, bytes: bytes.to_vec(), expires_on: None });
            }
            _ => {}
        }
    }
    if let Some(f) = file.as_mut() {
        f.expires_on = expires;
    }
    Ok(EvidenceUpload { requirement, file })
}

/// Download evidence.
#[utoipa::path(get, path = "/api/v1/evidence/{id}", tag = "assessments", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, description = "the file"), (status = 404, body = crate::Problem)))]
pub(crate) async fn download(
    State(state): State<AppState>,
    ApiTenant(t): ApiTenant,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let (info, bytes) = state.store.evidence_content(&t, &id).await?;
    Ok(evidence_response(info, bytes))
}

/// A piece of evidence as an API response: the file, or `{"url": …}` for a link.
pub(crate) fn evidence_response(info: mamori_store::assess::EvidenceInfo, bytes: Vec<u8>) -> Response {
    if let Some(url) = info.url {
        return Json(serde_json::json!({"url": url})).into_response_ext();
    }
    crate::html::assess_attachment(info.mime.as_deref().unwrap_or("application/octet-stream"), &info.name, bytes)
}

trait IntoResponseExt {
    fn into_response_ext(self) -> Response;
}
impl<T: Serialize> IntoResponseExt for Json<T> {
    fn into_response_ext(self) -> Response {
        axum::response::IntoResponse::into_response(self)
    }
}

/// Export: xlsx, csv, json, oscal, html or pdf.
#[utoipa::path(get, path = "/api/v1/assessments/{id}/export/{format}", tag = "assessments",
    params(("id" = String, Path), ("format" = String, Path), ExportQuery), security(("bearer" = [])),
    responses((status = 200, description = "the file"), (status = 404, body = crate::Problem)))]
pub(crate) async fn export(
    State(state): State<AppState>,
    ApiTenant(t): ApiTenant,
    Path((id, format)): Path<(String, String)>,
    Query(q): Query<ExportQuery>,
) -> ApiResult<Response> {
    let lang = if q.lang.as_deref() == Some("en") { mamori_assess::Lang::En } else { mamori_assess::Lang::Ja };
    let f = export_file(&state, &t, &id, &format, lang).await.map_err(|e| match e {
        ExportFail::Store(e) => e.into(),
        ExportFail::Unsupported => ApiError::detail(Code::NotFound, "formats: xlsx, csv, json, oscal, html, pdf"),
        ExportFail::Render(m) => {
            tracing::error!(error = %m, "export failed");
            ApiError::new(Code::Internal)
        }
    })?;
    Ok(crate::html::assess_attachment(f.mime, &f.name, f.bytes))
}

/// A rendered export.
pub(crate) struct ExportedFile {
    pub mime: &'static str,
    pub name: String,
    pub bytes: Vec<u8>,
}

pub(crate) enum ExportFail {
    Store(StoreError),
    Unsupported,
    Render(String),
}

/// Loads everything an export needs (a fixed number of queries) and renders it.
pub(crate) async fn export_file(
    state: &AppState,
    t: &Tenant,
    id: &str,
    format: &str,
    lang: mamori_assess::Lang,
) -> Result<ExportedFile, ExportFail> {
    let s = &state.store;
    let (info, scores) = s.assessment_scores(t, id).await.map_err(ExportFail::Store)?;
    let plan = plan(&info.framework_id, &info.framework_version).ok_or(ExportFail::Store(StoreError::NotFound))?;
    let answers = s.answers(t, id).await.map_err(ExportFail::Store)?;
    let evidence = s.assessment_evidence(t, id).await.map_err(ExportFail::Store)?;
    let trend = s.assessment_trend(t, &info.framework_id).await.map_err(ExportFail::Store)?;
    let org = s.org(t).await.map_err(ExportFail::Store)?;
    let input = mamori_report::ReportInput {
        info: &info,
        org_name: &org.name,
        plan: &plan,
        answers: &answers,
        evidence: &evidence,
        scores: &scores,
        trend: Some(&trend),
    };
    let r = |e: mamori_report::ReportError| ExportFail::Render(e.to_string());
    let base = format!("assessment-{}", info.id);
    let (mime, ext, bytes) = match format {
        "xlsx" => (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
            mamori_report::xlsx::export(&input).map_err(r)?,
        ),
        "csv" => ("text/csv; charset=utf-8", "csv", mamori_report::formats::csv(&input).map_err(r)?),
        "json" => ("application/json", "json", mamori_report::formats::json(&input).map_err(r)?),
        "oscal" => {
            let now = time::OffsetDateTime::now_utc()
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default();
            let bytes = mamori_report::formats::oscal(&input, &now, || uuid::Uuid::new_v4().to_string()).map_err(r)?;
            ("application/json", "oscal.json", bytes)
        }
        "html" => ("text/html; charset=utf-8", "html", mamori_report::html::report(&input, lang).into_bytes()),
        "pdf" => {
            let ext = match lang {
                mamori_assess::Lang::Ja => "ja.pdf",
                mamori_assess::Lang::En => "en.pdf",
            };
            ("application/pdf", ext, mamori_report::pdf::report(&input, lang).map_err(r)?)
        }
        _ => return Err(ExportFail::Unsupported),
    };
    Ok(ExportedFile { mime, name: format!("{base}.{ext}"), bytes })
}
