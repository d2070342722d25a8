//! The buyer's view of a received share: the signed result, and — as far as the supplier's
//! chosen scope allows — the assessment's answers and its evidence.

use askama::Template;
use axum::extract::{Path, State};
use mamori_store::assess::{AnswerRecord, plan};

use super::{day, level_text, org_name};
use crate::AppState;
use crate::ctx::Ctx;
use crate::html::assess::evidence_download;
use crate::html::{Chrome, PageError, PageResult, chrome, render, tenant};

#[derive(Template)]
#[template(path = "chain_shared.html")]
struct SharedPage {
    c: Chrome,
    share_id: String,
    supplier: String,
    level: &'static str,
    valid_until: String,
    scope: &'static str,
    /// (title, framework version, assessed on) of the assessment behind the result.
    assessment: Option<(String, String, String)>,
    /// (requirement, title, status key, maturity, notes).
    answers: Vec<(String, String, String, String, String)>,
    /// (evidence id, name, requirement, sha256 or URL).
    evidence: Vec<(String, String, String, String)>,
}

fn answer_row(id: &str, title: String, a: Option<&AnswerRecord>) -> (String, String, String, String, String) {
    let status = format!("assess.status.{}", a.map_or("none", |a| a.view.status.code()));
    let maturity = a.and_then(|a| a.view.maturity).map(|m| m.to_string()).unwrap_or_default();
    let notes = a.and_then(|a| a.notes.clone()).unwrap_or_default();
    (id.to_owned(), title, status, maturity, notes)
}

pub async fn page(State(state): State<AppState>, c: Ctx, Path(share): Path<String>) -> PageResult {
    let tn = tenant(&state, &c).await?;
    let r = state.store.shared_result(&tn, &share).await.map_err(|e| PageError::Store(c.t(), e))?;
    let lang = if c.lang == crate::i18n::Lang::Ja { "ja" } else { "en" };
    let answers = match &r.assessment {
        Some(a) => match plan(&a.framework_id, &a.framework_version) {
            Some(p) => p
                .items
                .iter()
                .map(|i| answer_row(&i.req.id, i.node.title.get(lang).to_owned(), r.answers.get(&i.req.id)))
                .collect(),
            None => r.answers.iter().map(|(id, a)| answer_row(id, String::new(), Some(a))).collect(),
        },
        None => Vec::new(),
    };
    let evidence = r
        .evidence
        .iter()
        .map(|l| {
            let e = &l.evidence;
            let what = e.sha256.clone().or_else(|| e.url.clone()).unwrap_or_default();
            (e.id.clone(), e.name.clone(), l.requirement_id.clone(), what)
        })
        .collect();
    let ch = chrome(&state, &c, "shared.title", None).await;
    Ok(render(&SharedPage {
        c: ch,
        share_id: r.share.id.clone(),
        supplier: org_name(&r.share.supplier, c.lang),
        level: level_text(r.share.attestation.level),
        valid_until: day(r.share.attestation.valid_until),
        scope: super::supplier::scope_key(r.share.scope),
        assessment: r.assessment.map(|a| (a.title, a.framework_version, a.assessed_on)),
        answers,
        evidence,
    }))
}

pub async fn evidence(State(state): State<AppState>, c: Ctx, Path((share, id)): Path<(String, String)>) -> PageResult {
    let tn = tenant(&state, &c).await?;
    let (info, bytes) = state.store.shared_evidence(&tn, &share, &id).await.map_err(|e| PageError::Store(c.t(), e))?;
    Ok(evidence_download(info, bytes))
}
