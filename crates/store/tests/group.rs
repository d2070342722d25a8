//! Storage tests for company groups: consent by the subsidiary, no loops, one parent at a time, isolation
//! of links, and the side-by-side comparison (latest counted result, scores only). Runs on SQLite, and on
//! PostgreSQL when `MAMORI_TEST_DATABASE_URL` is set.
#![allow(clippy::unwrap_used)]

use mamori_assess::{AnswerInput, LifecycleAction};
use mamori_catalog::builtin;
use mamori_store::assess::{GroupLinkState, ImportRow, NewAssessment, group_errors, plan};
use mamori_store::{Role, Store, StoreError, Tenant};

#[path = "it/db.rs"]
#[allow(dead_code)]
mod db;
#[path = "it/fixtures.rs"]
#[allow(dead_code)]
mod fixtures;
use fixtures::member;

async fn admin(store: &Store, org: &str) -> Tenant {
    member(store, org, &format!("admin@{org}.example"), Role::Admin).await
}

fn is_refusal(r: Result<impl std::fmt::Debug, StoreError>, message: &str) -> bool {
    match r {
        Err(StoreError::Invalid { message: m, .. }) | Err(StoreError::Conflict(m)) => m == message,
        other => panic!("expected the refusal {message:?}, got {other:?}"),
    }
}

#[tokio::test]
async fn a_subsidiary_joins_only_by_consent_and_a_group_never_loops() {
    let (_g, store) = db::TestDb::open().await;
    let holding = admin(&store, "holding").await;
    let viewer = member(&store, "holding", "viewer@holding.example", Role::Viewer).await;
    let sub1 = admin(&store, "sub-one").await;
    let sub2 = admin(&store, "sub-two").await;
    let other = admin(&store, "other").await;

    assert!(matches!(store.group_request(&viewer, "sub-one").await, Err(StoreError::Forbidden(_))));
    assert!(is_refusal(store.group_request(&holding, "nobody").await, group_errors::UNKNOWN_ORG));
    assert!(is_refusal(store.group_request(&holding, "holding").await, group_errors::SELF));

    let link = store.group_request(&holding, "sub-one").await.unwrap();
    assert_eq!(link.state, GroupLinkState::Pending);
    assert!(is_refusal(store.group_request(&holding, "sub-one").await, group_errors::EXISTS));
    assert!(is_refusal(store.group_request(&sub1, "holding").await, group_errors::ASKED_YOU));

    // Only the asked organization can answer; to anyone else the link does not exist.
    assert!(matches!(store.group_decide(&holding, &link.id, true).await, Err(StoreError::NotFound)));
    assert!(matches!(store.group_decide(&other, &link.id, true).await, Err(StoreError::NotFound)));
    assert!(matches!(store.group_end(&other, &link.id).await, Err(StoreError::NotFound)));
    let sub1_viewer = member(&store, "sub-one", "viewer@sub-one.example", Role::Viewer).await;
    assert!(matches!(store.group_decide(&sub1_viewer, &link.id, true).await, Err(StoreError::Forbidden(_))));
    // Pending is not yet membership: the comparison holds the holding alone.
    let view = store.group_comparison(&holding, builtin::GUIDELINES_3_0).await.unwrap();
    assert_eq!(view.rows.len(), 1);

    store.group_decide(&sub1, &link.id, true).await.unwrap();
    assert!(is_refusal(store.group_decide(&sub1, &link.id, true).await, "this request is already active"));
    assert!(is_refusal(store.group_request(&sub1, "holding").await, group_errors::CYCLE));

    // A second parent may ask, but the subsidiary must leave its group before accepting.
    let rival = store.group_request(&other, "sub-one").await.unwrap();
    assert!(is_refusal(store.group_decide(&sub1, &rival.id, true).await, group_errors::HAS_PARENT));

    // Groups may be deeper than one level, and a loop through a grandchild is refused on both sides.
    let deeper = store.group_request(&sub1, "sub-two").await.unwrap();
    let loop_back = store.group_request(&sub2, "other").await.unwrap();
    store.group_decide(&sub2, &deeper.id, true).await.unwrap();
    assert!(is_refusal(store.group_request(&sub2, "holding").await, group_errors::CYCLE));
    // Now sub-one → sub-two → other. When sub-one has left the holding, accepting `other` as its
    // parent would close the loop other → sub-one → sub-two → other.
    store.group_decide(&other, &loop_back.id, true).await.unwrap();
    store.group_end(&sub1, &link.id).await.unwrap();
    assert!(is_refusal(store.group_decide(&sub1, &rival.id, true).await, group_errors::CYCLE));

    let links = store.group_links(&sub1).await.unwrap();
    assert_eq!(links.subsidiaries.len(), 1);
    assert_eq!(links.subsidiaries[0].child.slug, "sub-two");
    let states: Vec<(&str, GroupLinkState)> = links.parents.iter().map(|l| (l.parent.slug.as_str(), l.state)).collect();
    assert!(states.contains(&("holding", GroupLinkState::Ended)));
    assert!(states.contains(&("other", GroupLinkState::Pending)));
    // Ended links are not in the comparison, and can be asked again on the same row.
    assert_eq!(store.group_comparison(&holding, builtin::GUIDELINES_3_0).await.unwrap().rows.len(), 1);
    assert!(is_refusal(store.group_end(&holding, &link.id).await, "this link is already ended"));
    let again = store.group_request(&holding, "sub-one").await.unwrap();
    assert_eq!(again.id, link.id);
    assert_eq!(again.state, GroupLinkState::Pending);

    // Every step is in the audit log of the side that took it.
    let actions = |t: Tenant| {
        let store = &store;
        async move { store.audit_page(&t, None, 100).await.unwrap().into_iter().map(|e| e.action).collect::<Vec<_>>() }
    };
    let h = actions(holding.clone()).await;
    assert_eq!(h.iter().filter(|a| *a == "group.request").count(), 2);
    let s = actions(sub1.clone()).await;
    for a in ["group.accept", "group.end", "group.request"] {
        assert!(s.iter().any(|x| x == a), "{a} missing from {s:?}");
    }
    assert!(actions(sub2).await.iter().any(|x| x == "group.accept"));
}

fn guidelines() -> NewAssessment {
    let f = mamori_store::assess::frameworks().into_iter().find(|f| f.id == builtin::GUIDELINES_3_0).unwrap();
    NewAssessment {
        framework_id: f.id.clone(),
        framework_version: f.version.clone(),
        title: "Guidelines".into(),
        scope_kind: "company".into(),
        scope_name: "Whole company".into(),
        assessed_on: None,
    }
}

/// A Guidelines assessment dated `on` with every requirement at `level`, moved through `actions`.
async fn assessment(store: &Store, t: &Tenant, on: &str, level: u8, actions: &[(&Tenant, LifecycleAction)]) -> String {
    let mut new = guidelines();
    let f = time::macros::format_description!("[year]-[month]-[day]");
    new.assessed_on = Some(time::Date::parse(on, &f).unwrap());
    let a = store.create_assessment(t, new).await.unwrap();
    let p = plan(&a.framework_id, &a.framework_version).unwrap();
    let rows: Vec<ImportRow> = p
        .items
        .iter()
        .map(|i| ImportRow {
            requirement_id: i.req.id.clone(),
            input: AnswerInput { status: Some("implemented".into()), maturity: Some(level), ..AnswerInput::default() },
        })
        .collect();
    store.import_answers(t, &a.id, &rows).await.unwrap();
    for (who, act) in actions {
        store.transition_assessment(who, &a.id, *act).await.unwrap();
    }
    a.id
}

#[tokio::test]
async fn the_comparison_uses_each_members_latest_counted_result_and_shows_scores_only() {
    let (_g, store) = db::TestDb::open().await;
    let holding = admin(&store, "holding").await;
    let sub1 = admin(&store, "sub-one").await;
    let sub1_boss = member(&store, "sub-one", "boss@sub-one.example", Role::Admin).await;
    let sub2 = admin(&store, "sub-two").await;
    let outsider = admin(&store, "outsider").await;
    for slug in ["sub-one", "sub-two"] {
        let l = store.group_request(&holding, slug).await.unwrap();
        let t = if slug == "sub-one" { &sub1 } else { &sub2 };
        store.group_decide(t, &l.id, true).await.unwrap();
    }
    // The outsider asked nobody and was asked by nobody: whatever it assesses stays out.
    assessment(
        &store,
        &outsider,
        "2026-01-01",
        5,
        &[(&outsider, LifecycleAction::RequestReview), (&outsider, LifecycleAction::Submit)],
    )
    .await;
    use LifecycleAction::{Approve, RequestReview, Submit};
    let own = assessment(&store, &holding, "2026-02-01", 2, &[(&holding, RequestReview), (&holding, Submit)]).await;
    // Sub-one: an approved result from March, and a newer draft that does not count yet.
    let approved =
        assessment(&store, &sub1, "2026-03-01", 4, &[(&sub1, RequestReview), (&sub1, Submit), (&sub1_boss, Approve)])
            .await;
    assessment(&store, &sub1, "2026-06-01", 1, &[]).await;
    // Sub-two has only a draft: listed, without a result.
    assessment(&store, &sub2, "2026-05-01", 3, &[]).await;

    let view = store.group_comparison(&holding, builtin::GUIDELINES_3_0).await.unwrap();
    let names: Vec<&str> = view.rows.iter().map(|r| r.org.slug.as_str()).collect();
    assert_eq!(names, ["holding", "sub-one", "sub-two"]);
    assert!(view.rows[0].is_self);
    assert_eq!(view.rows[0].assessment_id.as_deref(), Some(own.as_str()));
    assert_eq!(view.rows[0].overall, Some(2.0));
    assert_eq!(view.rows[1].overall, Some(4.0));
    assert_eq!(view.rows[1].assessed_on.as_deref(), Some("2026-03-01"));
    assert_eq!(view.rows[1].assessment_id, None, "a subsidiary's assessment id never crosses");
    assert_eq!(view.rows[2].overall, None);
    assert_eq!(view.rows[2].state, None);

    let g = &view.comparison;
    assert_eq!(g.axes.len(), 10, "the ten Guidelines directives");
    assert!(g.parent.values.iter().all(|v| *v == Some(2.0)));
    assert_eq!(g.subsidiaries.len(), 2);
    assert!(g.subsidiaries[0].values.iter().all(|v| *v == Some(4.0)));
    assert!(g.subsidiaries[1].values.iter().all(Option::is_none));
    let json = serde_json::to_string(&view).unwrap();
    assert!(!json.contains(&approved), "the approved assessment's id must not leave the subsidiary");
    assert!(!json.contains("requirement"), "no answers in the comparison");

    // The subsidiary sees only itself: membership is not a window into the parent.
    let theirs = store.group_comparison(&sub1, builtin::GUIDELINES_3_0).await.unwrap();
    assert_eq!(theirs.rows.len(), 1);
    assert_eq!(theirs.rows[0].org.slug, "sub-one");
    // A framework nobody assessed still compares, with empty rows.
    let csf = store.group_comparison(&holding, builtin::CSF_2_0).await.unwrap();
    assert_eq!(csf.rows.len(), 3);
    assert!(csf.rows.iter().all(|r| r.overall.is_none()));
    assert!(matches!(store.group_comparison(&holding, "no-such-framework").await, Err(StoreError::Invalid { .. })));
}
