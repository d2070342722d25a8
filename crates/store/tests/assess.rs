//! Storage tests for assessments: lifecycle and roles, exact scores, evidence isolation, sector averages
//! and constant queries per page. Runs on SQLite, and on PostgreSQL when `MAMORI_TEST_DATABASE_URL` is set.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;

use mamori_assess::{AnswerInput, AssessmentState, LifecycleAction, SecurityActionBand, SelfCheckChoice};
use mamori_catalog::builtin;
use mamori_store::assess::{NewAssessment, NewFileEvidence, SchemeScores, plan};
use mamori_store::{AdminPath, Role, Store, StoreError};

#[path = "it/db.rs"]
#[allow(dead_code)]
mod db;
#[path = "it/fixtures.rs"]
#[allow(dead_code)]
mod fixtures;
use fixtures::member;

/// A fresh database on the backend the environment picks (see `it/db.rs`); keep the guard alive.
async fn fresh() -> (Store, db::TestDb) {
    let (db, store) = db::TestDb::open().await;
    (store, db)
}

fn new_assessment(fw: &str) -> NewAssessment {
    let p = mamori_store::assess::frameworks().into_iter().find(|f| f.id == fw).unwrap();
    NewAssessment {
        framework_id: p.id.clone(),
        framework_version: p.version.clone(),
        title: format!("{fw} self-assessment"),
        scope_kind: "company".into(),
        scope_name: "Whole company".into(),
        assessed_on: None,
    }
}

fn status(code: &str) -> AnswerInput {
    AnswerInput { status: Some(code.into()), ..AnswerInput::default() }
}

#[tokio::test]
async fn lifecycle_follows_roles_and_four_eyes_and_approved_is_read_only() {
    let (store, _g) = fresh().await;
    let author = member(&store, "acme", "author@acme.example", Role::Assessor).await;
    let admin = member(&store, "acme", "boss@acme.example", Role::Admin).await;
    let viewer = member(&store, "acme", "viewer@acme.example", Role::Viewer).await;
    let a = store.create_assessment(&author, new_assessment(builtin::CSF_2_0)).await.unwrap();
    assert_eq!(a.state, AssessmentState::Draft);
    assert!(matches!(
        store.create_assessment(&viewer, new_assessment(builtin::CSF_2_0)).await,
        Err(StoreError::Forbidden(_))
    ));
    store.save_answer(&author, &a.id, "GV.OC-01", &status("implemented")).await.unwrap();
    assert!(matches!(
        store.save_answer(&viewer, &a.id, "GV.OC-01", &status("partial")).await,
        Err(StoreError::Forbidden(_))
    ));
    let r = store.transition_assessment(&viewer, &a.id, LifecycleAction::RequestReview).await;
    assert!(matches!(r, Err(StoreError::Forbidden(_))));
    store.transition_assessment(&author, &a.id, LifecycleAction::RequestReview).await.unwrap();
    // An assessor cannot pass their own review.
    assert!(matches!(
        store.transition_assessment(&author, &a.id, LifecycleAction::Submit).await,
        Err(StoreError::Forbidden(_))
    ));
    store.transition_assessment(&admin, &a.id, LifecycleAction::Submit).await.unwrap();
    // Submitted answers are frozen.
    assert!(matches!(
        store.save_answer(&author, &a.id, "GV.OC-01", &status("partial")).await,
        Err(StoreError::Conflict(_))
    ));
    let approved = store.transition_assessment(&admin, &a.id, LifecycleAction::Approve).await.unwrap();
    assert_eq!(approved.state, AssessmentState::Approved);
    assert!(approved.approved_by.unwrap().contains("boss@acme.example"));
    assert!(matches!(
        store.save_answer(&admin, &a.id, "GV.OC-01", &status("partial")).await,
        Err(StoreError::Conflict(_))
    ));
    // The invalid transition is a conflict, not a silent no-op.
    assert!(matches!(
        store.transition_assessment(&admin, &a.id, LifecycleAction::Approve).await,
        Err(StoreError::Conflict(_))
    ));
}

#[tokio::test]
async fn an_admin_author_cannot_approve_their_own_assessment() {
    let (store, _g) = fresh().await;
    let admin = member(&store, "acme", "a1@acme.example", Role::Admin).await;
    let other = member(&store, "acme", "a2@acme.example", Role::Admin).await;
    let a = store.create_assessment(&admin, new_assessment(builtin::SCS)).await.unwrap();
    store.transition_assessment(&admin, &a.id, LifecycleAction::RequestReview).await.unwrap();
    assert!(matches!(
        store.transition_assessment(&admin, &a.id, LifecycleAction::Reject).await,
        Err(StoreError::Forbidden(_))
    ));
    store.transition_assessment(&admin, &a.id, LifecycleAction::Submit).await.unwrap();
    assert!(matches!(
        store.transition_assessment(&admin, &a.id, LifecycleAction::Approve).await,
        Err(StoreError::Forbidden(_))
    ));
    store.transition_assessment(&other, &a.id, LifecycleAction::Approve).await.unwrap();
    let log = store.audit_page(&admin, None, 50).await.unwrap();
    assert_eq!(log.iter().filter(|e| e.action == "assessment.transition").count(), 3);
}

#[tokio::test]
async fn security_action_score_through_the_store_matches_the_hand_computed_total() {
    let (store, _g) = fresh().await;
    let t = member(&store, "acme", "sa@acme.example", Role::Assessor).await;
    let a = store.create_assessment(&t, new_assessment(builtin::SECURITY_ACTION)).await.unwrap();
    for n in 1..=25 {
        let choice = match n {
            1..=10 => Some(SelfCheckChoice::Implemented),
            11..=15 => Some(SelfCheckChoice::Partial),
            16..=20 => Some(SelfCheckChoice::NotImplemented),
            21..=23 => Some(SelfCheckChoice::Unknown),
            _ => None,
        };
        let input = match choice {
            Some(c) => AnswerInput { self_check: Some(c), ..AnswerInput::default() },
            None => AnswerInput {
                status: Some("not_applicable".into()),
                na_reason: Some("no such systems".into()),
                ..AnswerInput::default()
            },
        };
        store.save_answer(&t, &a.id, &format!("check-{n}"), &input).await.unwrap();
    }
    // 10×4 + 5×2 + 5×0 + 3×(−1) + 2 N/A scored as implemented (2×4) = 40 + 10 − 3 + 8 = 55.
    let (_, s) = store.assessment_scores(&t, &a.id).await.unwrap();
    let SchemeScores::SecurityAction { self_check: Some(sc), .. } = s.scheme else { panic!("wrong scheme") };
    assert_eq!(sc.total, 55);
    assert_eq!(sc.band, SecurityActionBand::From50To69);
    assert_eq!(sc.unknown_count, 3);
    assert_eq!(s.overall, Some(55.0));
}

#[tokio::test]
async fn guidelines_maturity_per_directive_matches_hand_computed_means() {
    let (store, _g) = fresh().await;
    let t = member(&store, "acme", "g@acme.example", Role::Assessor).await;
    let a = store.create_assessment(&t, new_assessment(builtin::GUIDELINES_3_0)).await.unwrap();
    let p = plan(&a.framework_id, &a.framework_version).unwrap();
    let d1: Vec<_> =
        p.items.iter().filter(|i| i.req.tag_value("directive") == Some("1")).map(|i| i.req.id.clone()).collect();
    let d2: Vec<_> =
        p.items.iter().filter(|i| i.req.tag_value("directive") == Some("2")).map(|i| i.req.id.clone()).collect();
    assert_eq!((d1.len(), d2.len()), (4, 4));
    for (q, level) in d1.iter().zip([1u8, 2, 3, 4]) {
        let input = AnswerInput { status: Some("partial".into()), maturity: Some(level), ..AnswerInput::default() };
        store.save_answer(&t, &a.id, q, &input).await.unwrap();
    }
    for q in &d2 {
        let input = AnswerInput { status: Some("implemented".into()), maturity: Some(5), ..AnswerInput::default() };
        store.save_answer(&t, &a.id, q, &input).await.unwrap();
    }
    let bad = AnswerInput { status: Some("implemented".into()), maturity: Some(6), ..AnswerInput::default() };
    assert!(matches!(store.save_answer(&t, &a.id, &d2[0], &bad).await, Err(StoreError::Invalid { .. })));
    let (info, s) = store.assessment_scores(&t, &a.id).await.unwrap();
    assert_eq!(info.answered, 8);
    let SchemeScores::Guidelines(g) = &s.scheme else { panic!("wrong scheme") };
    let mean = |n: u8| g.directives.iter().find(|d| d.directive == n).and_then(|d| d.mean);
    assert_eq!(mean(1), Some(2.5));
    assert_eq!(mean(2), Some(5.0));
    assert_eq!(mean(3), None);
    assert_eq!(g.overall, Some(3.75));
    let radar = s.radar.unwrap();
    assert_eq!(radar.values[0], Some(2.5));
    assert_eq!(radar.axes.len(), 10);
}

#[tokio::test]
async fn a_cleared_answer_counts_as_not_answered_and_approved_answers_cannot_be_cleared() {
    let (store, _g) = fresh().await;
    let t = member(&store, "acme", "c@acme.example", Role::Assessor).await;
    let viewer = member(&store, "acme", "cv@acme.example", Role::Viewer).await;
    let boss = member(&store, "acme", "cb@acme.example", Role::Admin).await;
    let a = store.create_assessment(&t, new_assessment(builtin::GUIDELINES_3_0)).await.unwrap();
    let p = plan(&a.framework_id, &a.framework_version).unwrap();
    let d1: Vec<_> =
        p.items.iter().filter(|i| i.req.tag_value("directive") == Some("1")).map(|i| i.req.id.clone()).collect();
    for (q, level) in d1.iter().zip([1u8, 2, 3, 4]) {
        let input = AnswerInput { status: Some("partial".into()), maturity: Some(level), ..AnswerInput::default() };
        store.save_answer(&t, &a.id, q, &input).await.unwrap();
    }
    assert!(matches!(store.clear_answer(&viewer, &a.id, &d1[3]).await, Err(StoreError::Forbidden(_))));
    assert!(matches!(store.clear_answer(&t, &a.id, "no-such-question").await, Err(StoreError::Invalid { .. })));
    assert!(store.clear_answer(&t, &a.id, &d1[3]).await.unwrap());
    assert!(!store.clear_answer(&t, &a.id, &d1[3]).await.unwrap(), "nothing left to clear");
    let (info, s) = store.assessment_scores(&t, &a.id).await.unwrap();
    assert_eq!(info.answered, 3);
    let SchemeScores::Guidelines(g) = &s.scheme else { panic!("wrong scheme") };
    // (1 + 2 + 3) / 3 once the level-4 answer is gone.
    assert_eq!(g.directives.iter().find(|d| d.directive == 1).and_then(|d| d.mean), Some(2.0));
    let log = store.audit_page(&boss, None, 50).await.unwrap();
    assert_eq!(log.iter().filter(|e| e.action == "assessment.answer_clear").count(), 1);
    for (who, act) in [(&t, LifecycleAction::RequestReview), (&boss, LifecycleAction::Submit)] {
        store.transition_assessment(who, &a.id, act).await.unwrap();
    }
    assert!(matches!(store.clear_answer(&t, &a.id, &d1[0]).await, Err(StoreError::Conflict(_))));
    assert_eq!(store.assessment(&t, &a.id).await.unwrap().answered, 3);
}

#[tokio::test]
async fn scs_star3_fails_with_one_unmet_criterion_and_passes_when_all_are_met() {
    let (store, _g) = fresh().await;
    let t = member(&store, "acme", "scs@acme.example", Role::Assessor).await;
    let a = store.create_assessment(&t, new_assessment(builtin::SCS)).await.unwrap();
    let p = plan(&a.framework_id, &a.framework_version).unwrap();
    let star3: Vec<_> =
        p.items.iter().filter(|i| i.req.tag_value("scs_level") == Some("3")).map(|i| i.req.id.clone()).collect();
    assert!(star3.len() > 50);
    let rows: Vec<_> = star3
        .iter()
        .enumerate()
        .map(|(i, id)| mamori_store::assess::ImportRow {
            requirement_id: id.clone(),
            input: status(if i == 7 { "partial" } else { "implemented" }),
        })
        .collect();
    store.import_answers(&t, &a.id, &rows).await.unwrap();
    let (_, s) = store.assessment_scores(&t, &a.id).await.unwrap();
    let SchemeScores::Scs(r) = &s.scheme else { panic!("wrong scheme") };
    assert!(!r.star3.met);
    assert_eq!(r.star3.unmet.len(), 1);
    assert_eq!(r.star3.unmet[0].id, star3[7]);
    assert_eq!(s.gaps.len(), 1, "the ★3 roadmap lists exactly the unmet criterion");
    assert!(!s.gaps_star4.is_empty(), "★4-only requirements are the gap to ★4");
    store.save_answer(&t, &a.id, &star3[7], &status("implemented")).await.unwrap();
    let (_, s) = store.assessment_scores(&t, &a.id).await.unwrap();
    let SchemeScores::Scs(r) = &s.scheme else { panic!("wrong scheme") };
    assert!(r.star3.met);
    assert!(!r.star4.met);
}

#[tokio::test]
async fn imports_are_all_or_nothing() {
    let (store, _g) = fresh().await;
    let t = member(&store, "acme", "imp@acme.example", Role::Assessor).await;
    let a = store.create_assessment(&t, new_assessment(builtin::CSF_2_0)).await.unwrap();
    let rows = vec![
        mamori_store::assess::ImportRow { requirement_id: "GV.OC-01".into(), input: status("implemented") },
        mamori_store::assess::ImportRow { requirement_id: "GV.OC-02".into(), input: status("not_applicable") },
    ];
    let err = store.import_answers(&t, &a.id, &rows).await.unwrap_err();
    assert!(err.to_string().contains("row 2"), "{err}");
    assert!(store.answers(&t, &a.id).await.unwrap().is_empty());
}

#[tokio::test]
async fn evidence_is_limited_hashed_reusable_and_invisible_to_other_tenants() {
    let (store, _g) = fresh().await;
    let a_t = member(&store, "acme", "ev@acme.example", Role::Assessor).await;
    let b_t = member(&store, "other", "ev@other.example", Role::Owner).await;
    let a1 = store.create_assessment(&a_t, new_assessment(builtin::CSF_2_0)).await.unwrap();
    let a2 = store.create_assessment(&a_t, new_assessment(builtin::SCS)).await.unwrap();
    let b1 = store.create_assessment(&b_t, new_assessment(builtin::CSF_2_0)).await.unwrap();
    let file = NewFileEvidence {
        name: "policy.pdf".into(),
        mime: Some("application/pdf".into()),
        bytes: b"%PDF-1.4 x".to_vec(),
        expires_on: Some("2030-01-31".into()),
    };
    let ev = store.add_file_evidence(&a_t, file, Some((&a1.id, "GV.OC-01"))).await.unwrap();
    use sha2::Digest;
    assert_eq!(ev.sha256.as_deref(), Some(hex::encode(sha2::Sha256::digest(b"%PDF-1.4 x")).as_str()));
    // Reused on another requirement of another assessment.
    store.attach_evidence(&a_t, &ev.id, &a2.id, "1-1-1").await.unwrap();
    assert_eq!(store.assessment_evidence(&a_t, &a2.id).await.unwrap().len(), 1);
    let (_, bytes) = store.evidence_content(&a_t, &ev.id).await.unwrap();
    assert_eq!(bytes, b"%PDF-1.4 x");
    // The other tenant sees nothing and cannot attach it.
    assert!(matches!(store.evidence_content(&b_t, &ev.id).await, Err(StoreError::NotFound)));
    assert!(matches!(store.attach_evidence(&b_t, &ev.id, &b1.id, "GV.OC-01").await, Err(StoreError::NotFound)));
    assert!(matches!(store.assessment_evidence(&b_t, &a1.id).await, Err(StoreError::NotFound)));
    assert!(store.evidence_list(&b_t).await.unwrap().is_empty());
    assert!(matches!(store.assessment(&b_t, &a1.id).await, Err(StoreError::NotFound)));
    // Limits: type allow-list and 20 MiB.
    let html = NewFileEvidence { name: "x.html".into(), mime: None, bytes: b"<script>".to_vec(), expires_on: None };
    assert!(matches!(store.add_file_evidence(&a_t, html, None).await, Err(StoreError::Invalid { .. })));
    let big =
        NewFileEvidence { name: "big.pdf".into(), mime: None, bytes: vec![0; 20 * 1024 * 1024 + 1], expires_on: None };
    assert!(matches!(store.add_file_evidence(&a_t, big, None).await, Err(StoreError::Invalid { .. })));
    let until = time::macros::date!(2030 - 02 - 01);
    assert_eq!(store.expiring_evidence(&a_t, until).await.unwrap().len(), 1);
    assert!(store.expiring_evidence(&a_t, time::macros::date!(2029 - 12 - 31)).await.unwrap().is_empty());
}

#[tokio::test]
async fn sector_average_is_hidden_below_five_contributors() {
    let (store, _g) = fresh().await;
    mamori_store::demo::seed(&store, "demo-password-123").await.unwrap();
    // Electronics organizations of the demo.
    let slugs =
        ["minato-electronics", "tsubasa-electronics", "kasumi-pcb", "oboro-sensors", "fuyou-wiring", "hotaru-chips"];
    let mut first = None;
    for (i, slug) in slugs.iter().enumerate() {
        let t = store.admin_tenant(slug, AdminPath::Cli { operator: "test".into() }).await.unwrap();
        store.set_sector_opt_in(&t, true).await.unwrap();
        let a = store.create_assessment(&t, new_assessment(builtin::CSF_2_0)).await.unwrap();
        store
            .save_answer(&t, &a.id, "GV.OC-01", &status(if i % 2 == 0 { "implemented" } else { "partial" }))
            .await
            .unwrap();
        for act in [LifecycleAction::RequestReview, LifecycleAction::Submit, LifecycleAction::Approve] {
            store.transition_assessment(&t, &a.id, act).await.unwrap();
        }
        let first_t = first.get_or_insert_with(|| (t.clone(), a.id.clone()));
        let avg = store.sector_average(&first_t.0, &first_t.1).await.unwrap();
        if i + 1 < 5 {
            assert!(avg.is_none(), "{} contributors must not yield an average", i + 1);
        } else {
            let avg = avg.unwrap();
            assert_eq!(avg.contributors, i + 1);
            assert_eq!(avg.means.len(), 6);
        }
    }
}

#[tokio::test]
async fn the_assessment_list_is_one_query_per_page_for_a_thousand_assessments() {
    let (store, _g) = fresh().await;
    let t = member(&store, "acme", "many@acme.example", Role::Assessor).await;
    let mut ids = Vec::new();
    for _ in 0..1000 {
        ids.push(store.create_assessment(&t, new_assessment(builtin::SECURITY_ACTION)).await.unwrap().id);
    }
    store
        .save_answer(
            &t,
            &ids[999],
            "check-1",
            &AnswerInput { self_check: Some(SelfCheckChoice::Implemented), ..AnswerInput::default() },
        )
        .await
        .unwrap();
    let (counted, counter) = store.with_query_counter();
    let mut seen = BTreeMap::new();
    for page in 0..20u64 {
        counter.reset();
        let rows = counted.assessments_page(&t, page * 50, 50).await.unwrap();
        assert_eq!(counter.get(), 1, "page {page} took {} queries", counter.get());
        assert_eq!(rows.len(), 50);
        for r in rows {
            seen.insert(r.id.clone(), r.answered);
        }
    }
    assert_eq!(seen.len(), 1000);
    assert_eq!(seen[&ids[999]], 1);
    assert_eq!(seen.values().sum::<usize>(), 1);
}

#[tokio::test]
async fn inference_proposes_only_where_the_crosswalk_relation_allows_and_keeps_provenance() {
    let (store, _g) = fresh().await;
    let t = member(&store, "acme", "inf@acme.example", Role::Assessor).await;
    let scs = store.create_assessment(&t, new_assessment(builtin::SCS)).await.unwrap();
    let csf = store.create_assessment(&t, new_assessment(builtin::CSF_2_0)).await.unwrap();
    let p = plan(&scs.framework_id, &scs.framework_version).unwrap();
    let rows: Vec<_> = p
        .items
        .iter()
        .map(|i| mamori_store::assess::ImportRow { requirement_id: i.req.id.clone(), input: status("implemented") })
        .collect();
    store.import_answers(&t, &scs.id, &rows).await.unwrap();
    let proposals = store.propose_answers(&t, &csf.id, &scs.id).await.unwrap();
    assert!(!proposals.is_empty(), "the SCS→CSF crosswalk yields proposals");
    for pr in &proposals {
        for src in &pr.from {
            assert_eq!(mamori_assess::ProposalKind::of(src.relation), pr.kind);
        }
        if pr.kind == mamori_assess::ProposalKind::ProposedPartial {
            assert_eq!(pr.status.code(), "partial");
        }
    }
    let pick = &proposals[0];
    let rec = store.confirm_proposal(&t, &csf.id, &scs.id, &pick.target, None).await.unwrap();
    let from = rec.inferred.unwrap();
    assert_eq!(from.source_assessment, scs.id);
    assert_eq!(from.provenance.kind, pick.kind);
    // Answered targets are no longer proposed.
    let again = store.propose_answers(&t, &csf.id, &scs.id).await.unwrap();
    assert!(again.iter().all(|p| p.target != pick.target));
}

#[tokio::test]
async fn an_scs_assessment_becomes_a_signed_attestation_only_when_submitted_and_met() {
    use mamori_chain::Level;
    use mamori_store::assess::AttestFromAssessment;
    let (store, _g) = fresh().await;
    let author = member(&store, "acme", "author@acme.example", Role::Assessor).await;
    let admin = member(&store, "acme", "boss@acme.example", Role::Admin).await;
    member(&store, "review-co", "expert@review-co.example", Role::Owner).await;
    let path = AdminPath::Cli { operator: "test".into() };
    store.register_expert_reviewer("expert@review-co.example", "RISS-000123", path).await.unwrap();
    let rival = member(&store, "rival", "owner@rival.example", Role::Owner).await;

    let a = store.create_assessment(&author, new_assessment(builtin::SCS)).await.unwrap();
    let p = plan(&a.framework_id, &a.framework_version).unwrap();
    let star3: Vec<_> =
        p.items.iter().filter(|i| i.req.tag_value("scs_level") == Some("3")).map(|i| i.req.id.clone()).collect();
    let rows: Vec<_> = star3
        .iter()
        .enumerate()
        .map(|(i, id)| mamori_store::assess::ImportRow {
            requirement_id: id.clone(),
            input: status(if i == 3 { "planned" } else { "implemented" }),
        })
        .collect();
    store.import_answers(&author, &a.id, &rows).await.unwrap();
    let file = NewFileEvidence { name: "policy.txt".into(), mime: None, bytes: b"policy".to_vec(), expires_on: None };
    let ev = store.add_file_evidence(&author, file, Some((&a.id, &star3[0]))).await.unwrap();
    store.attach_evidence(&author, &ev.id, &a.id, &star3[1]).await.unwrap();
    let req = AttestFromAssessment {
        level: Level::Star3,
        pledge_name: "Acme CEO".into(),
        pledge_title: "CEO".into(),
        reviewer_org_slug: Some("review-co".into()),
    };

    // A draft is not a result.
    assert!(matches!(store.attest_assessment(&admin, &a.id, &req).await, Err(StoreError::Conflict(_))));
    store.transition_assessment(&author, &a.id, LifecycleAction::RequestReview).await.unwrap();
    store.transition_assessment(&admin, &a.id, LifecycleAction::Submit).await.unwrap();
    // One planned criterion: ★3 is not met, and nothing is signed.
    let err = store.attest_assessment(&admin, &a.id, &req).await.unwrap_err();
    assert!(
        matches!(&err, StoreError::Invalid { field: "level", message } if message.contains("1 criteria")),
        "{err:?}"
    );
    assert!(store.attestations(&admin).await.unwrap().is_empty());
    // Another organization cannot attest it.
    assert!(matches!(store.attest_assessment(&rival, &a.id, &req).await, Err(StoreError::NotFound)));

    // A met result: every ★3 criterion implemented.
    let b = store.create_assessment(&author, new_assessment(builtin::SCS)).await.unwrap();
    let rows: Vec<_> = star3
        .iter()
        .map(|id| mamori_store::assess::ImportRow { requirement_id: id.clone(), input: status("implemented") })
        .collect();
    store.import_answers(&author, &b.id, &rows).await.unwrap();
    store.attach_evidence(&author, &ev.id, &b.id, &star3[0]).await.unwrap();
    store.attach_evidence(&author, &ev.id, &b.id, &star3[1]).await.unwrap();
    store.transition_assessment(&author, &b.id, LifecycleAction::RequestReview).await.unwrap();
    store.transition_assessment(&admin, &b.id, LifecycleAction::Submit).await.unwrap();
    let input = store.attestation_input_for(&admin, &b.id, &req).await.unwrap();
    assert_eq!(input.requirements.count as usize, p.items.len(), "one status per requirement");
    assert_eq!(input.evidence.count, 1, "evidence used twice is digested once");
    assert_eq!(input.scores[0].achieved, input.scores[0].total);
    assert_eq!(input.assessment_ref.as_deref(), Some(b.id.as_str()));
    let record = store.attest_assessment(&admin, &b.id, &req).await.unwrap();
    assert_eq!(record.state, mamori_store::chain::AttestationState::InReview, "★3 waits for the expert reviewer");
    // An assessor may answer but not pledge for the organization.
    assert!(matches!(store.attest_assessment(&author, &b.id, &req).await, Err(StoreError::Forbidden(_))));
    // Only SCS results are attestations.
    let csf = store.create_assessment(&author, new_assessment(builtin::CSF_2_0)).await.unwrap();
    assert!(matches!(
        store.attest_assessment(&admin, &csf.id, &req).await,
        Err(StoreError::Invalid { field: "assessment", .. })
    ));
}

#[tokio::test]
async fn a_share_shows_answers_and_evidence_only_as_far_as_its_scope_and_only_while_active() {
    use mamori_chain::Level;
    use mamori_store::assess::AttestFromAssessment;
    use mamori_store::chain::ShareScope;
    let (store, _g) = fresh().await;
    let owner = member(&store, "supplier-co", "owner@supplier-co.example", Role::Owner).await;
    let assessor = member(&store, "supplier-co", "author@supplier-co.example", Role::Assessor).await;
    let summary_buyer = member(&store, "buyer-summary", "b1@buyer-summary.example", Role::Owner).await;
    let answers_buyer = member(&store, "buyer-answers", "b2@buyer-answers.example", Role::Owner).await;
    let evidence_buyer = member(&store, "buyer-evidence", "b3@buyer-evidence.example", Role::Owner).await;
    let stranger = member(&store, "stranger", "s@stranger.example", Role::Owner).await;

    let a = store.create_assessment(&assessor, new_assessment(builtin::SCS)).await.unwrap();
    let p = plan(&a.framework_id, &a.framework_version).unwrap();
    let rows: Vec<_> = p
        .items
        .iter()
        .map(|i| mamori_store::assess::ImportRow {
            requirement_id: i.req.id.clone(),
            input: AnswerInput { notes: Some("shared note".into()), ..status("implemented") },
        })
        .collect();
    store.import_answers(&assessor, &a.id, &rows).await.unwrap();
    let first = p.items[0].req.id.clone();
    let file =
        NewFileEvidence { name: "policy.txt".into(), mime: None, bytes: b"the policy".to_vec(), expires_on: None };
    let ev = store.add_file_evidence(&assessor, file, Some((&a.id, &first))).await.unwrap();
    let other =
        NewFileEvidence { name: "other.txt".into(), mime: None, bytes: b"unrelated".to_vec(), expires_on: None };
    let unrelated = store.add_file_evidence(&assessor, other, None).await.unwrap();
    store.transition_assessment(&assessor, &a.id, LifecycleAction::RequestReview).await.unwrap();
    store.transition_assessment(&owner, &a.id, LifecycleAction::Submit).await.unwrap();
    let req = AttestFromAssessment {
        level: Level::Star4,
        pledge_name: "Supplier CEO".into(),
        pledge_title: "CEO".into(),
        reviewer_org_slug: None,
    };
    let att = store.attest_assessment(&owner, &a.id, &req).await.unwrap();
    let s1 = store.share_attestation(&owner, &att.id, "buyer-summary", ShareScope::Summary).await.unwrap();
    let s2 = store.share_attestation(&owner, &att.id, "buyer-answers", ShareScope::Answers).await.unwrap();
    let s3 = store.share_attestation(&owner, &att.id, "buyer-evidence", ShareScope::Evidence).await.unwrap();

    let r = store.shared_result(&summary_buyer, &s1).await.unwrap();
    assert!(r.assessment.is_none() && r.answers.is_empty() && r.evidence.is_empty(), "summary: the document only");
    let r = store.shared_result(&answers_buyer, &s2).await.unwrap();
    assert_eq!(r.assessment.as_ref().map(|a| a.id.as_str()), Some(a.id.as_str()));
    assert_eq!(r.answers.len(), p.items.len());
    assert_eq!(r.answers[&first].notes.as_deref(), Some("shared note"));
    assert!(r.evidence.is_empty(), "answers scope: no evidence");
    assert!(matches!(store.shared_evidence(&answers_buyer, &s2, &ev.id).await, Err(StoreError::NotFound)));
    let r = store.shared_result(&evidence_buyer, &s3).await.unwrap();
    assert_eq!(r.evidence.len(), 1);
    let (info, bytes) = store.shared_evidence(&evidence_buyer, &s3, &ev.id).await.unwrap();
    assert_eq!((info.name.as_str(), bytes.as_slice()), ("policy.txt", b"the policy".as_slice()));
    // Evidence not attached to the shared assessment stays the supplier's.
    assert!(matches!(store.shared_evidence(&evidence_buyer, &s3, &unrelated.id).await, Err(StoreError::NotFound)));
    // Another organization's share, or none at all, shows nothing.
    assert!(matches!(store.shared_result(&stranger, &s3).await, Err(StoreError::NotFound)));
    assert!(matches!(store.shared_result(&answers_buyer, &s3).await, Err(StoreError::NotFound)));
    assert!(matches!(store.shared_evidence(&stranger, &s3, &ev.id).await, Err(StoreError::NotFound)));
    // Revoking the share closes it.
    store.revoke_share(&owner, &s3).await.unwrap();
    assert!(matches!(store.shared_result(&evidence_buyer, &s3).await, Err(StoreError::NotFound)));
    assert!(matches!(store.shared_evidence(&evidence_buyer, &s3, &ev.id).await, Err(StoreError::NotFound)));
}

#[tokio::test]
async fn evidence_files_are_encrypted_at_rest_and_read_back_only_with_the_server_secret() {
    use sea_orm::{ConnectionTrait, Statement};
    let (store, db) = fresh().await;
    let t = member(&store, "acme", "enc@acme.example", Role::Assessor).await;
    let secret = b"Confidential network diagram of the Acme plant";
    let file = NewFileEvidence { name: "diagram.txt".into(), mime: None, bytes: secret.to_vec(), expires_on: None };
    let ev = store.add_file_evidence(&t, file, None).await.unwrap();
    // What the database holds is not the file.
    let raw = db.raw().await;
    let sql = format!("SELECT content FROM evidence_blobs WHERE evidence_id = '{}'", ev.id);
    let row = raw.query_one_raw(Statement::from_string(raw.get_database_backend(), sql)).await.unwrap().unwrap();
    let stored: Vec<u8> = row.try_get("", "content").unwrap();
    assert!(!stored.windows(12).any(|w| w == b"Confidential"), "the plain text is not stored");
    assert_ne!(stored.len(), secret.len());
    // The owner reads the file back as it was, and its digest is of the plain bytes.
    let (info, bytes) = store.evidence_content(&t, &ev.id).await.unwrap();
    assert_eq!(bytes, secret);
    assert_eq!(info.sha256.as_deref(), Some(hex::encode(<sha2::Sha256 as sha2::Digest>::digest(secret)).as_str()));
    // Another server secret cannot read it, and says why.
    let other = mamori_store::Store::open(&db.config)
        .await
        .unwrap()
        .with_secret_key(mamori_store::SecretKey::from_bytes([9; 32]));
    let t2 = other.admin_tenant("acme", AdminPath::Cli { operator: "test".into() }).await.unwrap();
    assert!(matches!(other.evidence_content(&t2, &ev.id).await, Err(StoreError::Config(_))));
}
