//! Results with charts, inference proposals from other assessments, exports and the XLSX import.

#[allow(clippy::wildcard_imports)]
use super::*;

// ---------- results ----------

#[derive(Template)]
#[template(path = "assess_results.html")]
pub(super) struct ResultsPage {
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

pub(super) async fn results_page(
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
pub(super) struct InferPage {
    c: Chrome,
    a: AssessmentInfo,
    from: String,
    proposals: Vec<(Proposal, String, String, String)>,
}

#[derive(Deserialize)]
pub(super) struct InferQuery {
    from: String,
}

pub(super) async fn infer_page(
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
pub(super) struct ConfirmForm {
    from: String,
    requirement: String,
}

pub(super) async fn infer_confirm(
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
pub(super) struct ExportQuery {
    lang: Option<String>,
}

pub(super) async fn export(
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
pub(super) struct ImportErrors {
    c: Chrome,
    a: AssessmentInfo,
    issues: Vec<String>,
}

/// An XLSX import issue at its cell, in the user's language: the workbook's own issues from the
/// report crate, answer validation the way a single answer's refusal is worded.
fn import_issue_text(c: &Ctx, i: &mamori_report::xlsx::ImportIssue) -> String {
    let text = i
        .kind
        .text(lang(c))
        .unwrap_or_else(|| answer_error_key(&i.message).map_or_else(|| i.message.clone(), |k| c.t().s(k).to_owned()));
    format!("{}: {text}", i.location())
}

/// A refused import leaves the browser on `/assessments/{id}/import`; a reload or a language
/// switch from there goes back to the answers (or to "not found" for another tenant's id).
pub(super) async fn back_to_answers(State(state): State<AppState>, c: Ctx, Path(id): Path<String>) -> PageResult {
    let t = tenant(&state, &c).await?;
    let a = state.store.assessment(&t, &id).await.map_err(store_err(&c))?;
    Ok(Redirect::to(&format!("/assessments/{}", a.id)).into_response())
}

pub(super) async fn import(
    State(state): State<AppState>,
    c: Ctx,
    Path(id): Path<String>,
    mut mp: Multipart,
) -> PageResult {
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
        Ok(_) => vec![format!("Meta!B1: {}", c.t().s("assess.import_other"))],
        Err(issues) => issues.iter().map(|i| import_issue_text(&c, i)).collect(),
    };
    let ch = chrome(&state, &c, "assess.import", None).await;
    let mut resp = render(&ImportErrors { c: ch, a, issues });
    *resp.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    Ok(resp)
}
