//! Supply-chain REST endpoints: relationships, overrides, requests and supplier
//! invitations; attestation issuance from an already-scored result, review, sharing and
//! revocation; the buyer dashboard; and public verification.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use mamori_chain::Criticality;
use mamori_chain::attest::{
    DigestSummary, EvidenceItem, Outcome, RequirementStatus, Score, evidence_digest, requirements_digest,
};
use mamori_store::SupplyStatus;
use mamori_store::assess::{AttestFromAssessment, SharedResult};
use mamori_store::chain::{
    AttestationInput, AttestationRecord, DirectFilter, LinkInput, ReceivedShare, RequestInput, ReviewItem, ShareScope,
    SupplyDashboard, parse_impact, parse_level,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

use super::extract::{ApiJson, ApiTenant, PageQuery, cursor};
use crate::AppState;
use crate::error::{ApiError, ApiResult};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/supply/dashboard", get(dashboard))
        .route("/supply/links", post(add_link))
        .route("/supply/links/{id}/override", post(set_override))
        .route("/supply/links/{id}/requests", post(request))
        .route("/supply/invitations", post(invite))
        .route("/attestations", get(list).post(issue))
        .route("/assessments/{id}/attestation", post(issue_from_assessment))
        .route("/attestations/{id}/envelope", get(envelope))
        .route("/attestations/{id}/shares", post(share))
        .route("/attestations/{id}/revoke", post(revoke))
        .route("/shares/{id}", delete(revoke_share))
        .route("/shares/received", get(received))
        .route("/shares/received/{id}/envelope", get(received_envelope))
        .route("/shares/received/{id}/result", get(shared_result))
        .route("/shares/received/{id}/evidence/{evidence}", get(shared_evidence))
        .route("/reviews", get(reviews))
        .route("/reviews/{id}", post(review))
        .route("/verify", post(verify))
}

/// The supply-chain part of the OpenAPI document, merged into the main one.
#[derive(OpenApi)]
#[openapi(
    paths(
        dashboard,
        add_link,
        set_override,
        request,
        invite,
        list,
        issue,
        issue_from_assessment,
        envelope,
        share,
        revoke,
        revoke_share,
        received,
        received_envelope,
        shared_result,
        shared_evidence,
        reviews,
        review,
        verify
    ),
    components(schemas(
        LinkRequest,
        Created,
        OverrideRequest,
        AssessmentRequest,
        InvitationLink,
        Pledge,
        IssueRequest,
        AssessmentAttestationRequest,
        ShareRequest,
        RevokeRequest,
        ReviewRequest,
        VerifyResponse
    ))
)]
pub struct ChainApi;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkRequest {
    /// Supplier short ID (omit for invitations).
    #[serde(default)]
    pub supplier: String,
    pub supplied: String,
    pub criticality: String,
    #[serde(default)]
    pub handles_confidential_data: bool,
    #[serde(default)]
    pub connects_to_buyer_systems: bool,
    #[serde(default = "tolerable")]
    pub interruption_impact: String,
    /// Invitations only.
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub supplier_name: String,
    #[serde(default)]
    pub level: Option<String>,
    #[serde(default)]
    pub profile: Option<String>,
    /// `YYYY-MM-DD`, invitations only.
    #[serde(default)]
    pub deadline: String,
}

fn tolerable() -> String {
    "tolerable".into()
}

impl LinkRequest {
    fn link(&self) -> Result<LinkInput, ApiError> {
        Ok(LinkInput {
            supplied: self.supplied.clone(),
            criticality: self.criticality.clone(),
            handles_confidential_data: self.handles_confidential_data,
            connects_to_buyer_systems: self.connects_to_buyer_systems,
            interruption_impact: parse_impact(&self.interruption_impact)?,
        })
    }
}

#[derive(Serialize, ToSchema)]
pub struct Created {
    pub id: String,
}

/// Filters and paging of the dashboard's direct suppliers.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DashboardQuery {
    /// Direct suppliers with this status only: not_requested, requested, overdue,
    /// attested_star3, attested_star4, expired or revoked.
    pub status: Option<String>,
    /// Direct suppliers of this criticality only: low, medium, high or critical.
    pub criticality: Option<String>,
    /// Part of a direct supplier's name or of what it supplies.
    pub q: Option<String>,
    /// Direct suppliers per page, 1–200 (default 50).
    pub limit: Option<u32>,
    /// The `direct_next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// The dashboard with one page of direct suppliers.
#[derive(Serialize)]
struct DashboardPage {
    #[serde(flatten)]
    dashboard: SupplyDashboard,
    /// Pass as `cursor` for the next page of direct suppliers; null on the last page.
    direct_next_cursor: Option<String>,
}

/// The buyer dashboard: the network's figures and one page of direct suppliers.
#[utoipa::path(get, path = "/api/v1/supply/dashboard", tag = "supply-chain", params(DashboardQuery), security(("bearer" = [])),
    responses((status = 200, body = Object), (status = 401, body = crate::Problem), (status = 422, body = crate::Problem)))]
async fn dashboard(
    State(state): State<AppState>,
    ApiTenant(t): ApiTenant,
    Query(q): Query<DashboardQuery>,
) -> ApiResult<Response> {
    let paging = PageQuery { limit: q.limit, cursor: q.cursor };
    let (limit, offset) = (paging.limit()?, paging.position()?.unwrap_or(0) as usize);
    let status = q
        .status
        .as_deref()
        .filter(|s| !s.is_empty())
        .map(|s| {
            SupplyStatus::parse(s)
                .filter(|s| *s != SupplyStatus::Unknown)
                .ok_or_else(|| ApiError::field("status", "is not a direct supplier status"))
        })
        .transpose()?;
    let criticality = q
        .criticality
        .as_deref()
        .filter(|s| !s.is_empty())
        .map(|s| {
            Criticality::ALL
                .into_iter()
                .find(|c| c.as_str() == s)
                .ok_or_else(|| ApiError::field("criticality", "must be low, medium, high or critical"))
        })
        .transpose()?;
    let filter = DirectFilter { status, criticality, q: q.q.unwrap_or_default(), link_id: None, offset, limit };
    let dashboard = state.store.supply_dashboard_page(&t, &filter).await?;
    let end = dashboard.direct_offset + dashboard.direct.len();
    // Past the end the store shows the last page; the API says there is nothing more.
    let direct_next_cursor =
        (offset < dashboard.direct_total && end < dashboard.direct_total).then(|| cursor(end as i64));
    Ok(Json(DashboardPage { dashboard, direct_next_cursor }).into_response())
}

#[utoipa::path(post, path = "/api/v1/supply/links", tag = "supply-chain", request_body = LinkRequest, security(("bearer" = [])),
    responses((status = 201, body = Created), (status = 401, body = crate::Problem), (status = 404, body = crate::Problem), (status = 422, body = crate::Problem)))]
async fn add_link(
    State(state): State<AppState>,
    ApiTenant(t): ApiTenant,
    ApiJson(r): ApiJson<LinkRequest>,
) -> ApiResult<(StatusCode, Json<Created>)> {
    let id = state.store.add_relationship(&t, &r.supplier, &r.link()?).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OverrideRequest {
    /// `star3`, `star4`, or null to return to the recommendation.
    pub level: Option<String>,
    pub reason: String,
}

#[utoipa::path(post, path = "/api/v1/supply/links/{id}/override", tag = "supply-chain", params(("id" = String, Path)),
    request_body = OverrideRequest, security(("bearer" = [])),
    responses((status = 204), (status = 401, body = crate::Problem), (status = 404, body = crate::Problem), (status = 422, body = crate::Problem)))]
async fn set_override(
    State(state): State<AppState>,
    ApiTenant(t): ApiTenant,
    Path(id): Path<String>,
    ApiJson(r): ApiJson<OverrideRequest>,
) -> ApiResult<StatusCode> {
    let level = r.level.as_deref().map(parse_level).transpose()?;
    state.store.set_level_override(&t, &id, level, &r.reason).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssessmentRequest {
    pub level: Option<String>,
    pub profile: Option<String>,
    /// `YYYY-MM-DD`; the request is overdue after the end of that day (UTC).
    pub deadline: String,
}

fn deadline(s: &str) -> Result<i64, ApiError> {
    crate::html::chain_day_end(s).ok_or_else(|| ApiError::field("deadline", "must be a date YYYY-MM-DD"))
}

#[utoipa::path(post, path = "/api/v1/supply/links/{id}/requests", tag = "supply-chain", params(("id" = String, Path)),
    request_body = AssessmentRequest, security(("bearer" = [])),
    responses((status = 201, body = Created), (status = 401, body = crate::Problem), (status = 404, body = crate::Problem), (status = 422, body = crate::Problem)))]
async fn request(
    State(state): State<AppState>,
    ApiTenant(t): ApiTenant,
    Path(id): Path<String>,
    ApiJson(r): ApiJson<AssessmentRequest>,
) -> ApiResult<(StatusCode, Json<Created>)> {
    let input = RequestInput {
        level: r.level.as_deref().map(parse_level).transpose()?,
        profile: r.profile,
        deadline: deadline(&r.deadline)?,
    };
    let id = state.store.request_assessment(&t, &id, &input).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

#[derive(Serialize, ToSchema)]
pub struct InvitationLink {
    pub id: String,
    /// The one-time link for the supplier.
    pub link: String,
}

#[utoipa::path(post, path = "/api/v1/supply/invitations", tag = "supply-chain", request_body = LinkRequest, security(("bearer" = [])),
    responses((status = 201, body = InvitationLink), (status = 401, body = crate::Problem), (status = 422, body = crate::Problem)))]
async fn invite(
    State(state): State<AppState>,
    ApiTenant(t): ApiTenant,
    ApiJson(r): ApiJson<LinkRequest>,
) -> ApiResult<(StatusCode, Json<InvitationLink>)> {
    let req = RequestInput {
        level: r.level.as_deref().map(parse_level).transpose()?,
        profile: r.profile.clone(),
        deadline: deadline(&r.deadline)?,
    };
    let (inv, token) = state.store.invite_supplier(&t, &r.email, &r.supplier_name, &r.link()?, &req).await?;
    let link = format!("{}/chain/invite/{token}", state.config.public_url.trim_end_matches('/'));
    Ok((StatusCode::CREATED, Json(InvitationLink { id: inv.id, link })))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Pledge {
    pub name: String,
    pub title: String,
}

/// An already-scored result. Give either the digests or the lists they are computed from.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IssueRequest {
    pub framework_id: String,
    pub framework_version: String,
    pub level: String,
    /// `met` or `not_met`.
    pub outcome: String,
    #[schema(value_type = Vec<Object>)]
    pub scores: Vec<Score>,
    #[schema(value_type = Option<Object>)]
    pub requirements: Option<DigestSummary>,
    #[schema(value_type = Option<Vec<Object>>)]
    pub requirement_statuses: Option<Vec<RequirementStatus>>,
    #[schema(value_type = Option<Object>)]
    pub evidence: Option<DigestSummary>,
    #[schema(value_type = Option<Vec<Object>>)]
    pub evidence_items: Option<Vec<EvidenceItem>>,
    pub valid_days: Option<u32>,
    pub pledge: Pledge,
    /// Reviewer organization short ID; required for ★3.
    pub reviewer_org: Option<String>,
    pub assessment_ref: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/attestations", tag = "supply-chain", request_body = IssueRequest, security(("bearer" = [])),
    responses((status = 201, body = Object), (status = 401, body = crate::Problem), (status = 404, body = crate::Problem), (status = 422, body = crate::Problem)))]
async fn issue(
    State(state): State<AppState>,
    ApiTenant(t): ApiTenant,
    ApiJson(r): ApiJson<IssueRequest>,
) -> ApiResult<(StatusCode, Json<AttestationRecord>)> {
    let requirements = match (r.requirements, r.requirement_statuses) {
        (Some(d), None) => d,
        (None, Some(list)) => requirements_digest(&list),
        _ => return Err(ApiError::field("requirements", "give either requirements or requirement_statuses")),
    };
    let evidence = match (r.evidence, r.evidence_items) {
        (Some(d), None) => d,
        (None, Some(list)) => evidence_digest(&list),
        _ => return Err(ApiError::field("evidence", "give either evidence or evidence_items")),
    };
    let outcome = match r.outcome.as_str() {
        "met" => Outcome::Met,
        "not_met" => Outcome::NotMet,
        _ => return Err(ApiError::field("outcome", "must be met or not_met")),
    };
    let input = AttestationInput {
        framework_id: r.framework_id,
        framework_version: r.framework_version,
        level: parse_level(&r.level)?,
        outcome,
        scores: r.scores,
        requirements,
        evidence,
        valid_days: r.valid_days,
        pledge_name: r.pledge.name,
        pledge_title: r.pledge.title,
        reviewer_org_slug: r.reviewer_org,
        assessment_ref: r.assessment_ref,
    };
    Ok((StatusCode::CREATED, Json(state.store.submit_attestation(&t, input).await?)))
}

/// What issuing an attestation from a submitted or approved SCS assessment adds to its result.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssessmentAttestationRequest {
    /// `star3` or `star4`: the level the result must meet.
    pub level: String,
    pub pledge: Pledge,
    /// Reviewer organization short ID; required for ★3.
    pub reviewer_org: Option<String>,
}

/// Scores the assessment, digests every requirement's status and its evidence, and signs the
/// result (★3 goes to the expert reviewer first). Refused when the result does not meet the level.
#[utoipa::path(post, path = "/api/v1/assessments/{id}/attestation", tag = "supply-chain", params(("id" = String, Path)),
    request_body = AssessmentAttestationRequest, security(("bearer" = [])),
    responses((status = 201, body = Object), (status = 401, body = crate::Problem), (status = 404, body = crate::Problem),
        (status = 409, body = crate::Problem), (status = 422, body = crate::Problem)))]
async fn issue_from_assessment(
    State(state): State<AppState>,
    ApiTenant(t): ApiTenant,
    Path(id): Path<String>,
    ApiJson(r): ApiJson<AssessmentAttestationRequest>,
) -> ApiResult<(StatusCode, Json<AttestationRecord>)> {
    let req = AttestFromAssessment {
        level: parse_level(&r.level)?,
        pledge_name: r.pledge.name,
        pledge_title: r.pledge.title,
        reviewer_org_slug: r.reviewer_org,
    };
    Ok((StatusCode::CREATED, Json(state.store.attest_assessment(&t, &id, &req).await?)))
}

#[utoipa::path(get, path = "/api/v1/attestations", tag = "supply-chain", security(("bearer" = [])),
    responses((status = 200, body = Vec<Object>), (status = 401, body = crate::Problem)))]
async fn list(State(state): State<AppState>, ApiTenant(t): ApiTenant) -> ApiResult<Json<Vec<AttestationRecord>>> {
    Ok(Json(state.store.attestations(&t).await?))
}

#[utoipa::path(get, path = "/api/v1/attestations/{id}/envelope", tag = "supply-chain", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, description = "The signed attestation envelope", body = Object), (status = 401, body = crate::Problem), (status = 404, body = crate::Problem)))]
async fn envelope(
    State(state): State<AppState>,
    ApiTenant(t): ApiTenant,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    Ok(crate::middleware::typed("application/json", state.store.attestation_envelope(&t, &id).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ShareRequest {
    /// Buyer short ID.
    pub buyer: String,
    /// `summary` (default), `answers` or `evidence`.
    pub scope: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/attestations/{id}/shares", tag = "supply-chain", params(("id" = String, Path)),
    request_body = ShareRequest, security(("bearer" = [])),
    responses((status = 201, body = Created), (status = 401, body = crate::Problem), (status = 404, body = crate::Problem), (status = 422, body = crate::Problem)))]
async fn share(
    State(state): State<AppState>,
    ApiTenant(t): ApiTenant,
    Path(id): Path<String>,
    ApiJson(r): ApiJson<ShareRequest>,
) -> ApiResult<(StatusCode, Json<Created>)> {
    let scope = ShareScope::parse(r.scope.as_deref().unwrap_or("summary"))?;
    let id = state.store.share_attestation(&t, &id, &r.buyer, scope).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RevokeRequest {
    pub reason: String,
}

#[utoipa::path(post, path = "/api/v1/attestations/{id}/revoke", tag = "supply-chain", params(("id" = String, Path)),
    request_body = RevokeRequest, security(("bearer" = [])),
    responses((status = 204), (status = 401, body = crate::Problem), (status = 404, body = crate::Problem), (status = 422, body = crate::Problem)))]
async fn revoke(
    State(state): State<AppState>,
    ApiTenant(t): ApiTenant,
    Path(id): Path<String>,
    ApiJson(r): ApiJson<RevokeRequest>,
) -> ApiResult<StatusCode> {
    state.store.revoke_attestation(&t, &id, &r.reason).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(delete, path = "/api/v1/shares/{id}", tag = "supply-chain", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 204), (status = 401, body = crate::Problem), (status = 404, body = crate::Problem)))]
async fn revoke_share(
    State(state): State<AppState>,
    ApiTenant(t): ApiTenant,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    state.store.revoke_share(&t, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/shares/received", tag = "supply-chain", security(("bearer" = [])),
    responses((status = 200, body = Vec<Object>), (status = 401, body = crate::Problem)))]
async fn received(State(state): State<AppState>, ApiTenant(t): ApiTenant) -> ApiResult<Json<Vec<ReceivedShare>>> {
    Ok(Json(state.store.received_shares(&t).await?))
}

#[utoipa::path(get, path = "/api/v1/shares/received/{id}/envelope", tag = "supply-chain", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, description = "The shared attestation envelope", body = Object), (status = 401, body = crate::Problem), (status = 404, body = crate::Problem)))]
async fn received_envelope(
    State(state): State<AppState>,
    ApiTenant(t): ApiTenant,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    Ok(crate::middleware::typed("application/json", state.store.received_envelope(&t, &id).await?))
}

/// The result behind a received share: the share and its attestation, and — as far as the
/// supplier's scope allows — the assessment, its answers (`answers`) and its evidence (`evidence`).
#[utoipa::path(get, path = "/api/v1/shares/received/{id}/result", tag = "supply-chain", params(("id" = String, Path)),
    security(("bearer" = [])), responses((status = 200, body = Object), (status = 401, body = crate::Problem), (status = 404, body = crate::Problem)))]
async fn shared_result(
    State(state): State<AppState>,
    ApiTenant(t): ApiTenant,
    Path(id): Path<String>,
) -> ApiResult<Json<SharedResult>> {
    Ok(Json(state.store.shared_result(&t, &id).await?))
}

/// A file of the evidence behind a share with scope `evidence` (a link answers `{"url": …}`).
#[utoipa::path(get, path = "/api/v1/shares/received/{id}/evidence/{evidence}", tag = "supply-chain",
    params(("id" = String, Path), ("evidence" = String, Path)), security(("bearer" = [])),
    responses((status = 200, description = "the file"), (status = 401, body = crate::Problem), (status = 404, body = crate::Problem)))]
async fn shared_evidence(
    State(state): State<AppState>,
    ApiTenant(t): ApiTenant,
    Path((id, evidence)): Path<(String, String)>,
) -> ApiResult<Response> {
    let (info, bytes) = state.store.shared_evidence(&t, &id, &evidence).await?;
    Ok(super::assess::evidence_response(info, bytes))
}

#[utoipa::path(get, path = "/api/v1/reviews", tag = "supply-chain", security(("bearer" = [])),
    responses((status = 200, body = Vec<Object>), (status = 401, body = crate::Problem)))]
async fn reviews(State(state): State<AppState>, ApiTenant(t): ApiTenant) -> ApiResult<Json<Vec<ReviewItem>>> {
    Ok(Json(state.store.review_queue(&t).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewRequest {
    pub approve: bool,
    pub reviewer_name: String,
}

#[utoipa::path(post, path = "/api/v1/reviews/{id}", tag = "supply-chain", params(("id" = String, Path)),
    request_body = ReviewRequest, security(("bearer" = [])),
    responses((status = 200, body = Object), (status = 401, body = crate::Problem), (status = 404, body = crate::Problem), (status = 422, body = crate::Problem)))]
async fn review(
    State(state): State<AppState>,
    ApiTenant(t): ApiTenant,
    Path(id): Path<String>,
    ApiJson(r): ApiJson<ReviewRequest>,
) -> ApiResult<Json<AttestationRecord>> {
    Ok(Json(state.store.review_attestation(&t, &id, r.approve, &r.reviewer_name).await?))
}

#[derive(Serialize, ToSchema)]
pub struct VerifyResponse {
    pub valid: bool,
    /// Why verification failed (`tampered`, `wrong_key`, `expired`, `revoked`, …).
    #[schema(value_type = Option<String>)]
    pub reason: Option<&'static str>,
    pub detail: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub attestation: Option<mamori_chain::Attestation>,
    pub digest: Option<String>,
}

/// Verifies an envelope (the request body) against this instance's published keys and
/// revocations. Public: no token needed.
#[utoipa::path(post, path = "/api/v1/verify", tag = "supply-chain",
    request_body(content = Object, description = "An attestation envelope", content_type = "application/json"),
    security(("bearer" = []), ()),
    responses((status = 200, body = VerifyResponse), (status = 422, body = crate::Problem)))]
async fn verify(State(state): State<AppState>, body: axum::body::Bytes) -> ApiResult<Json<VerifyResponse>> {
    use mamori_chain::attest::VerifyError as E;
    let now = time::OffsetDateTime::now_utc();
    Ok(Json(match state.store.verify_envelope(&body, now).await? {
        Ok(v) => VerifyResponse {
            valid: true,
            reason: None,
            detail: None,
            digest: Some(v.digest),
            attestation: Some(v.attestation),
        },
        Err(e) => {
            let reason = match &e {
                E::SignatureInvalid { .. } => "tampered",
                E::WrongKey { .. } | E::UnknownKey { .. } => "wrong_key",
                E::Expired { .. } => "expired",
                E::NotYetValid { .. } => "not_yet_valid",
                E::Revoked { .. } => "revoked",
                E::ReviewerSignatureMissing | E::SubjectSignatureMissing => "signature_missing",
                E::Malformed { .. } | E::UnsupportedAlgorithm { .. } => "malformed",
            };
            VerifyResponse {
                valid: false,
                reason: Some(reason),
                detail: Some(e.to_string()),
                attestation: None,
                digest: None,
            }
        }
    }))
}
