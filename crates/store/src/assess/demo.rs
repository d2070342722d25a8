//! Demo assessments: a SECURITY ACTION self-check, a Guidelines history of three dated assessments and an
//! SCS ★3 self-assessment for the lead manufacturer, a few for its suppliers, and a company group of two
//! subsidiaries with approved Guidelines assessments.

use mamori_assess::{AnswerInput, LifecycleAction, SelfCheckChoice};
use mamori_catalog::builtin;

use super::{ImportRow, NewAssessment, frameworks, plan};
use crate::{Actor, Role, Store, StoreError, Tenant};

fn new(fw: &str, title: &str, scope: &str, on: time::Date) -> Result<NewAssessment, StoreError> {
    let f = frameworks()
        .into_iter()
        .find(|f| f.id == fw)
        .ok_or_else(|| StoreError::Internal(format!("demo framework {fw} is missing")))?;
    Ok(NewAssessment {
        framework_id: f.id.clone(),
        framework_version: f.version.clone(),
        title: title.into(),
        scope_kind: "company".into(),
        scope_name: scope.into(),
        assessed_on: Some(on),
    })
}

/// A Guidelines answer at maturity `level`, with the status that goes with it.
fn maturity_answer(level: u8) -> AnswerInput {
    let code = match level {
        0 => "not_implemented",
        1 | 2 => "partial",
        _ => "implemented",
    };
    AnswerInput { status: Some(code.into()), maturity: Some(level), ..AnswerInput::default() }
}

fn status(code: &str) -> AnswerInput {
    AnswerInput { status: Some(code.into()), ..AnswerInput::default() }
}

/// Answers for every requirement of an assessment: `pick(index)` decides each one.
async fn fill(
    store: &Store,
    t: &Tenant,
    id: &str,
    pick: impl Fn(usize, &super::PlanItem) -> Option<AnswerInput>,
) -> Result<(), StoreError> {
    let a = store.assessment(t, id).await?;
    let p = plan(&a.framework_id, &a.framework_version).ok_or(StoreError::NotFound)?;
    let rows: Vec<ImportRow> = p
        .items
        .iter()
        .enumerate()
        .filter_map(|(i, item)| pick(i, item).map(|input| ImportRow { requirement_id: item.req.id.clone(), input }))
        .collect();
    store.import_answers(t, id, &rows).await?;
    Ok(())
}

async fn approve(store: &Store, t: &Tenant, id: &str, archive: bool) -> Result<(), StoreError> {
    for act in [LifecycleAction::RequestReview, LifecycleAction::Submit, LifecycleAction::Approve] {
        store.transition_assessment(t, id, act).await?;
    }
    if archive {
        store.transition_assessment(t, id, LifecycleAction::Archive).await?;
    }
    Ok(())
}

async fn security_action(
    store: &Store,
    t: &Tenant,
    title: &str,
    on: time::Date,
    shift: usize,
) -> Result<(), StoreError> {
    let a = store.create_assessment(t, new(builtin::SECURITY_ACTION, title, "全社", on)?).await?;
    fill(store, t, &a.id, |i, item| {
        if item.req.id.starts_with("rule-") {
            return Some(status(if (i + shift) % 5 == 4 { "partial" } else { "implemented" }));
        }
        let choice = match (i + shift) % 7 {
            0..=3 => SelfCheckChoice::Implemented,
            4 | 5 => SelfCheckChoice::Partial,
            _ => SelfCheckChoice::NotImplemented,
        };
        Some(AnswerInput { self_check: Some(choice), ..AnswerInput::default() })
    })
    .await
}

/// Seeds the demo assessments; `orgs` are (slug, id) of the demo organizations.
pub(crate) async fn seed(store: &Store, orgs: &[(&str, String)]) -> Result<(), StoreError> {
    let tenant = |slug: &str| {
        orgs.iter()
            .find(|(s, _)| *s == slug)
            .map(|(_, id)| Tenant::new(id.clone(), Role::Owner, Actor::Cli("demo-seed".into())))
            .ok_or_else(|| StoreError::Internal(format!("demo org {slug} is missing")))
    };
    let d = |y: i32, m: u8| {
        time::Date::from_calendar_date(y, time::Month::try_from(m).unwrap_or(time::Month::April), 1)
            .map_err(|e| StoreError::Internal(e.to_string()))
    };
    let lead = tenant(crate::demo::LEAD_SLUG)?;
    security_action(store, &lead, "SECURITY ACTION 自社診断 2026", d(2026, 1)?, 0).await?;
    // Guidelines history: maturity rises year by year; the two older ones are approved and archived.
    for (k, year) in [2024, 2025, 2026].into_iter().enumerate() {
        let title = format!("経営ガイドライン 可視化 {year}年度");
        let a = store.create_assessment(&lead, new(builtin::GUIDELINES_3_0, &title, "全社", d(year, 4)?)?).await?;
        fill(store, &lead, &a.id, |i, _| Some(maturity_answer(((i % 4) as u8 + k as u8 + (i / 8 % 2) as u8).min(5))))
            .await?;
        if k < 2 {
            approve(store, &lead, &a.id, true).await?;
        }
    }
    // SCS ★3: everything met except two criteria, so the roadmap has work in it.
    let scs = store.create_assessment(&lead, new(builtin::SCS, "SCS ★3 自己評価", "全社", d(2026, 2)?)?).await?;
    fill(store, &lead, &scs.id, |i, item| {
        let star3 = item.req.tag_value("scs_level") == Some("3");
        Some(status(match (star3, i) {
            (true, 5) => "partial",
            (true, 12) => "planned",
            (true, _) => "implemented",
            (false, i) if i % 3 == 0 => "implemented",
            (false, _) => "not_implemented",
        }))
    })
    .await?;
    for (slug, shift) in [("hokuto-precision", 2), ("tsubasa-electronics", 3), ("mizuho-logistics", 5)] {
        security_action(store, &tenant(slug)?, "SECURITY ACTION 自社診断", d(2026, 3)?, shift).await?;
    }
    // A company group: two subsidiaries that accepted, each with an approved Guidelines assessment.
    let subs = super::group::seed_demo_group(
        store,
        lead.org_id(),
        &[
            ("sakura-kyushu", "Sakura Motors Kyushu", "さくら自動車九州株式会社"),
            ("sakura-digital", "Sakura Digital Solutions", "さくらデジタルソリューションズ株式会社"),
        ],
    )
    .await?;
    for (n, id) in subs.into_iter().enumerate() {
        let t = Tenant::new(id, Role::Owner, Actor::Cli("demo-seed".into()));
        let a = store
            .create_assessment(
                &t,
                new(builtin::GUIDELINES_3_0, "経営ガイドライン 可視化 2025年度", "全社", d(2025, 10)?)?,
            )
            .await?;
        fill(store, &t, &a.id, |i, _| {
            // Directive by directive the subsidiaries differ: one is ahead where the other lags.
            Some(maturity_answer((((i / 4) + n * 3) % 5 + usize::from(n == 0 && i % 3 == 0)).min(5) as u8))
        })
        .await?;
        approve(store, &t, &a.id, false).await?;
    }
    let kaede = tenant("kaede-plastics")?;
    let a = store.create_assessment(&kaede, new(builtin::SCS, "SCS ★3 自己評価", "本社工場", d(2026, 3)?)?).await?;
    fill(store, &kaede, &a.id, |i, _| Some(status(if i % 4 == 0 { "partial" } else { "implemented" }))).await?;
    Ok(())
}
