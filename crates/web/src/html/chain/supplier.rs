//! The supplier side: incoming requests, issuing attestations from a scored result,
//! shares with buyers and their revocation, consent and registry settings, keys; and the
//! expert reviewer's queue.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::IntoResponse;
use mamori_assess::AssessmentState;
use mamori_chain::attest::{DigestSummary, Outcome, Score};
use mamori_store::assess::AttestFromAssessment;
use mamori_store::chain::{
    AttestationInput, AttestationRecord, AttestationState, ChainSettingsInfo, IncomingRequest, OrgKeyInfo,
    ReceivedShare, ShareInfo, ShareScope, parse_level,
};
use mamori_store::{Role, StoreError};
use serde::Deserialize;

use super::{checked, day, level_text, org_name};
use crate::AppState;
use crate::ctx::Ctx;
use crate::html::auth::Notice;
use crate::html::{Chrome, FormErrors, PageError, PageResult, chrome, render, see_other, tenant};

#[derive(Template)]
#[template(path = "chain_attest.html")]
struct AttestPage {
    c: Chrome,
    can_manage: bool,
    requests: Vec<(IncomingRequest, String, String, String, &'static str)>,
    attestations: Vec<(AttestationRecord, &'static str, String, String, &'static str)>,
    shares: Vec<(ShareInfo, String, String, &'static str)>,
    received: Vec<(ReceivedShare, String, &'static str, String, &'static str)>,
    settings: ChainSettingsInfo,
    keys: Vec<OrgKeyInfo>,
    org_slug: String,
    /// Submitted or approved SCS self-assessments: (id, label).
    eligible: Vec<(String, String)>,
    form: SubmitForm,
    errors: FormErrors,
}

#[derive(Deserialize, Default, Clone)]
pub struct SubmitForm {
    /// A self-assessment whose result is attested; when set, the hand-entered result is not used.
    #[serde(default)]
    assessment: String,
    #[serde(default)]
    framework_id: String,
    #[serde(default)]
    framework_version: String,
    #[serde(default)]
    level: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    achieved: String,
    #[serde(default)]
    total: String,
    #[serde(default)]
    requirements_sha256: String,
    #[serde(default)]
    evidence_sha256: String,
    #[serde(default)]
    pledge_name: String,
    #[serde(default)]
    pledge_title: String,
    #[serde(default)]
    reviewer: String,
}

async fn render_page(
    state: &AppState,
    c: &Ctx,
    notice: Option<&str>,
    form: SubmitForm,
    errors: FormErrors,
) -> PageResult {
    let tn = tenant(state, c).await?;
    let t = c.t();
    let e = |e| PageError::Store(t, e);
    let org = state.store.org(&tn).await.map_err(e)?;
    let requests = state
        .store
        .incoming_requests(&tn)
        .await
        .map_err(e)?
        .into_iter()
        .map(|r| {
            let name = org_name(&r.buyer, c.lang);
            let what = match (&r.level, &r.profile) {
                (Some(l), Some(p)) => format!("{} · {p}", level_text(*l)),
                (Some(l), None) => level_text(*l).to_string(),
                (None, Some(p)) => p.clone(),
                (None, None) => String::new(),
            };
            let deadline = day(r.deadline);
            let state = match r.state.as_str() {
                "open" => "request.open",
                "fulfilled" => "request.fulfilled",
                "cancelled" => "request.cancelled",
                _ => "request.superseded",
            };
            (r, name, what, deadline, state)
        })
        .collect();
    let attestations = state
        .store
        .attestations(&tn)
        .await
        .map_err(e)?
        .into_iter()
        .map(|a| {
            let level = level_text(a.level);
            let (from, until) = (day(a.valid_from), day(a.valid_until));
            let state = match a.state {
                AttestationState::InReview => "attstate.in_review",
                AttestationState::Rejected => "attstate.rejected",
                AttestationState::Issued => "attstate.issued",
                AttestationState::Revoked => "attstate.revoked",
            };
            (a, level, from, until, state)
        })
        .collect();
    let shares = state
        .store
        .shares(&tn)
        .await
        .map_err(e)?
        .into_iter()
        .map(|s| {
            let name = org_name(&s.buyer, c.lang);
            let when = day(s.created_at);
            let scope = scope_key(s.scope);
            (s, name, when, scope)
        })
        .collect();
    let received = state
        .store
        .received_shares(&tn)
        .await
        .map_err(e)?
        .into_iter()
        .map(|s| {
            let name = org_name(&s.supplier, c.lang);
            let level = level_text(s.attestation.level);
            let until = day(s.attestation.valid_until);
            let scope = scope_key(s.scope);
            (s, name, level, until, scope)
        })
        .collect();
    let settings = state.store.chain_settings(&tn).await.map_err(e)?;
    let keys = state.store.org_keys(&tn).await.map_err(e)?;
    let eligible = state
        .store
        .assessments_page(&tn, 0, 500)
        .await
        .map_err(e)?
        .into_iter()
        .filter(|a| {
            a.framework_id == mamori_catalog::builtin::SCS
                && matches!(a.state, AssessmentState::Submitted | AssessmentState::Approved)
        })
        .map(|a| (a.id, format!("{} · {} · {}", a.title, a.scope_name, a.assessed_on)))
        .collect();
    let ch = chrome(state, c, "attest.title", notice).await;
    Ok(render(&AttestPage {
        c: ch,
        can_manage: tn.role().at_least(Role::Admin),
        requests,
        attestations,
        shares,
        received,
        settings,
        keys,
        org_slug: org.slug,
        eligible,
        form,
        errors,
    }))
}

pub(super) fn scope_key(s: ShareScope) -> &'static str {
    match s {
        ShareScope::Summary => "scope.summary",
        ShareScope::Answers => "scope.answers",
        ShareScope::Evidence => "scope.evidence",
    }
}

pub async fn page(State(state): State<AppState>, c: Ctx, Query(q): Query<Notice>) -> PageResult {
    let form = SubmitForm {
        framework_id: "meti-scs".into(),
        framework_version: "2026-03-27".into(),
        level: "star3".into(),
        outcome: "met".into(),
        ..SubmitForm::default()
    };
    render_page(&state, &c, q.notice.as_deref(), form, FormErrors::default()).await
}

fn digest(errors: &mut FormErrors, t: crate::i18n::Tr, field: &str, v: &str, count: u32) -> DigestSummary {
    let v = v.trim().to_ascii_lowercase();
    if v.len() != 64 || !v.bytes().all(|b| b.is_ascii_hexdigit()) {
        errors.add(field, t.s("attest.digest_invalid"));
    }
    DigestSummary { count, sha256: v }
}

/// Issues an attestation of a self-assessment's result, or of a result scored elsewhere
/// and entered by hand.
pub async fn submit(State(state): State<AppState>, c: Ctx, Form(f): Form<SubmitForm>) -> PageResult {
    if !f.assessment.trim().is_empty() {
        return submit_from_assessment(state, c, f).await;
    }
    let tn = tenant(&state, &c).await?;
    let t = c.t();
    let mut errors = FormErrors::default();
    for (field, v) in
        [("pledge_name", &f.pledge_name), ("pledge_title", &f.pledge_title), ("framework_id", &f.framework_id)]
    {
        errors.required(t, field, v);
    }
    let level = parse_level(&f.level).ok();
    if level.is_none() {
        errors.add("level", t.s("field.invalid"));
    }
    let achieved: u32 = f.achieved.trim().parse().unwrap_or(0);
    let total: u32 = f.total.trim().parse().unwrap_or(0);
    if total == 0 || achieved > total {
        errors.add("total", t.s("attest.scores_invalid"));
    }
    let requirements = digest(&mut errors, t, "requirements_sha256", &f.requirements_sha256, total);
    let evidence = digest(&mut errors, t, "evidence_sha256", &f.evidence_sha256, 0);
    if let (true, Some(level)) = (errors.is_empty(), level) {
        let input = AttestationInput {
            framework_id: f.framework_id.clone(),
            framework_version: f.framework_version.clone(),
            level,
            outcome: if f.outcome == "not_met" { Outcome::NotMet } else { Outcome::Met },
            scores: vec![Score { name: "total".into(), achieved, total }],
            requirements,
            evidence,
            valid_days: None,
            pledge_name: f.pledge_name.clone(),
            pledge_title: f.pledge_title.clone(),
            reviewer_org_slug: Some(f.reviewer.clone()).filter(|s| !s.trim().is_empty()),
            assessment_ref: None,
        };
        match state.store.submit_attestation(&tn, input).await {
            Ok(_) => return Ok(see_other("/attestations", "attest.submitted")),
            Err(e) => errors.absorb(t, e).map_err(|e| PageError::Store(t, e))?,
        }
    }
    render_page(&state, &c, None, f, errors).await
}

async fn submit_from_assessment(state: AppState, c: Ctx, f: SubmitForm) -> PageResult {
    let tn = tenant(&state, &c).await?;
    let t = c.t();
    let mut errors = FormErrors::default();
    for (field, v) in [("pledge_name", &f.pledge_name), ("pledge_title", &f.pledge_title)] {
        errors.required(t, field, v);
    }
    let level = parse_level(&f.level).ok();
    if level.is_none() {
        errors.add("level", t.s("field.invalid"));
    }
    if let (true, Some(level)) = (errors.is_empty(), level) {
        let req = AttestFromAssessment {
            level,
            pledge_name: f.pledge_name.clone(),
            pledge_title: f.pledge_title.clone(),
            reviewer_org_slug: Some(f.reviewer.clone()).filter(|s| !s.trim().is_empty()),
        };
        match state.store.attest_assessment(&tn, f.assessment.trim(), &req).await {
            Ok(_) => return Ok(see_other("/attestations", "attest.submitted")),
            // Someone else's (or no) assessment: said on the field, like any other mistake.
            Err(StoreError::NotFound) => errors.add("assessment", t.s("error.not_found")),
            Err(StoreError::Conflict(_)) => errors.add("assessment", t.s("attest.not_submitted")),
            Err(StoreError::Invalid { field: "level", message }) => {
                errors.add("level", format!("{} ({message})", t.s("attest.level_not_met")))
            }
            Err(StoreError::Invalid { field: "assessment", .. }) => errors.add("assessment", t.s("attest.not_scs")),
            Err(e) => errors.absorb(t, e).map_err(|e| PageError::Store(t, e))?,
        }
    }
    render_page(&state, &c, None, f, errors).await
}

#[derive(Deserialize)]
pub struct SettingsForm {
    disclose: Option<String>,
    registry: Option<String>,
}

pub async fn settings(State(state): State<AppState>, c: Ctx, Form(f): Form<SettingsForm>) -> PageResult {
    let tn = tenant(&state, &c).await?;
    let s = ChainSettingsInfo { disclose_suppliers: checked(&f.disclose), registry_listed: checked(&f.registry) };
    state.store.set_chain_settings(&tn, &s).await.map_err(|e| PageError::Store(c.t(), e))?;
    Ok(see_other("/attestations", "common.saved"))
}

pub async fn rotate(State(state): State<AppState>, c: Ctx) -> PageResult {
    let tn = tenant(&state, &c).await?;
    state.store.rotate_org_key(&tn).await.map_err(|e| PageError::Store(c.t(), e))?;
    Ok(see_other("/attestations", "attest.rotated"))
}

pub async fn envelope(State(state): State<AppState>, c: Ctx, Path(id): Path<String>) -> PageResult {
    let tn = tenant(&state, &c).await?;
    let body = state.store.attestation_envelope(&tn, &id).await.map_err(|e| PageError::Store(c.t(), e))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/json".to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"attestation-{id}.json\"")),
        ],
        body,
    )
        .into_response())
}

#[derive(Deserialize)]
pub struct ShareForm {
    #[serde(default)]
    buyer: String,
    #[serde(default)]
    scope: String,
}

pub async fn share(
    State(state): State<AppState>,
    c: Ctx,
    Path(id): Path<String>,
    Form(f): Form<ShareForm>,
) -> PageResult {
    let tn = tenant(&state, &c).await?;
    let t = c.t();
    let mut errors = FormErrors::default();
    let scope = ShareScope::parse(&f.scope).unwrap_or(ShareScope::Summary);
    match state.store.share_attestation(&tn, &id, &f.buyer, scope).await {
        Ok(_) => return Ok(see_other("/attestations", "attest.shared")),
        Err(e) => errors.absorb(t, e).map_err(|e| PageError::Store(t, e))?,
    }
    render_page(&state, &c, None, SubmitForm::default(), errors).await
}

#[derive(Deserialize)]
pub struct RevokeForm {
    #[serde(default)]
    reason: String,
}

pub async fn revoke(
    State(state): State<AppState>,
    c: Ctx,
    Path(id): Path<String>,
    Form(f): Form<RevokeForm>,
) -> PageResult {
    let tn = tenant(&state, &c).await?;
    let t = c.t();
    let mut errors = FormErrors::default();
    match state.store.revoke_attestation(&tn, &id, &f.reason).await {
        Ok(()) => return Ok(see_other("/attestations", "attest.revoked")),
        Err(e) => errors.absorb(t, e).map_err(|e| PageError::Store(t, e))?,
    }
    render_page(&state, &c, None, SubmitForm::default(), errors).await
}

pub async fn revoke_share(State(state): State<AppState>, c: Ctx, Path(id): Path<String>) -> PageResult {
    let tn = tenant(&state, &c).await?;
    state.store.revoke_share(&tn, &id).await.map_err(|e| PageError::Store(c.t(), e))?;
    Ok(see_other("/attestations", "attest.share_revoked"))
}

#[derive(Template)]
#[template(path = "chain_reviews.html")]
struct ReviewsPage {
    c: Chrome,
    items: Vec<(mamori_store::chain::ReviewItem, String, &'static str, String)>,
}

pub async fn reviews(State(state): State<AppState>, c: Ctx, Query(q): Query<Notice>) -> PageResult {
    let tn = tenant(&state, &c).await?;
    let items = state
        .store
        .review_queue(&tn)
        .await
        .map_err(|e| PageError::Store(c.t(), e))?
        .into_iter()
        .map(|i| {
            let name = org_name(&i.subject, c.lang);
            let level = level_text(i.attestation.level);
            let scores = i
                .scores
                .iter()
                .map(|s| format!("{} {}/{}", s.name, s.achieved, s.total))
                .collect::<Vec<_>>()
                .join(", ");
            (i, name, level, scores)
        })
        .collect();
    let ch = chrome(&state, &c, "review.title", q.notice.as_deref()).await;
    Ok(render(&ReviewsPage { c: ch, items }))
}

#[derive(Deserialize)]
pub struct ReviewForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    reviewer_name: String,
}

pub async fn review(
    State(state): State<AppState>,
    c: Ctx,
    Path(id): Path<String>,
    Form(f): Form<ReviewForm>,
) -> PageResult {
    let tn = tenant(&state, &c).await?;
    let approve = f.decision == "approve";
    let name = if f.reviewer_name.trim().is_empty() {
        c.session.as_ref().map(|s| s.user.name.clone()).unwrap_or_default()
    } else {
        f.reviewer_name
    };
    match state.store.review_attestation(&tn, &id, approve, &name).await {
        Ok(_) => Ok(see_other("/reviews", if approve { "review.approved" } else { "review.rejected" })),
        Err(e @ StoreError::Forbidden(_)) => Err(PageError::Store(c.t(), e)),
        Err(e) => Err(PageError::Store(c.t(), e)),
    }
}
