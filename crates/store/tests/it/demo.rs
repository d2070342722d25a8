//! The demo data set: complete, idempotent, and all-or-nothing.

use mamori_store::demo::{self, LEAD_SLUG};
use mamori_store::{AuditVerify, LoginOutcome, Role, StoreError};

use crate::db::TestDb;
use crate::fixtures::{cli, cli_tenant, count, new_user};

const DEMO_PASSWORD: &str = "demo password 123";

#[tokio::test]
async fn seeding_twice_creates_the_demo_once() {
    let (db, store) = TestDb::open().await;
    let first = demo::seed(&store, DEMO_PASSWORD).await.unwrap();
    assert!(first.created);
    assert_eq!(first.organizations, 32, "two buyers and thirty suppliers");
    let raw = db.raw().await;
    let counts = (count(&raw, "orgs").await, count(&raw, "users").await, count(&raw, "audit_log").await);
    assert_eq!(
        counts.0, 36,
        "and the sharing hub's and the evaluation body's own organizations, and two subsidiaries of the lead"
    );

    let second = demo::seed(&store, DEMO_PASSWORD).await.unwrap();
    assert!(!second.created);
    assert_eq!((count(&raw, "orgs").await, count(&raw, "users").await, count(&raw, "audit_log").await), counts);
    assert_eq!(store.audit_verify().await.unwrap(), AuditVerify::Intact { entries: counts.2 });
}

#[tokio::test]
async fn the_demo_has_a_lead_with_every_role_a_second_buyer_and_three_supplier_tiers() {
    let (_db, store) = TestDb::open().await;
    let summary = demo::seed(&store, DEMO_PASSWORD).await.unwrap();
    for role in ["owner", "admin", "assessor", "viewer"] {
        assert!(summary.accounts.iter().any(|a| a.email == format!("{role}@sakura-motors.example")), "{role}");
    }
    let lead = cli_tenant(&store, LEAD_SLUG).await;
    let members = store.members(&lead).await.unwrap();
    let mut roles: Vec<Role> = members.iter().map(|(_, r)| *r).collect();
    roles.sort();
    assert_eq!(roles, vec![Role::Viewer, Role::Assessor, Role::Admin, Role::Owner]);
    let suppliers = store.suppliers(&lead).await.unwrap();
    for tier in 1..=3 {
        assert!(suppliers.iter().any(|s| s.tier == tier), "tier {tier} is populated");
    }
    assert!(suppliers.iter().any(|s| s.org.name_ja.is_some()), "Japanese names are seeded");
    assert!(store.org_by_slug("minato-electronics").await.is_ok());
    let outcome = store.login("owner@minato-electronics.example", DEMO_PASSWORD, None).await.unwrap();
    assert!(matches!(outcome, LoginOutcome::Success(_)));
}

#[tokio::test]
async fn a_seed_that_fails_halfway_leaves_nothing_behind() {
    let (db, store) = TestDb::open().await;
    // The last supplier's owner address is taken, so the seed fails near its end.
    store.create_user(new_user("owner@tsukushi-labels.example"), false, &cli()).await.unwrap();
    let err = demo::seed(&store, DEMO_PASSWORD).await.expect_err("the seed must fail");
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    let raw = db.raw().await;
    assert_eq!(count(&raw, "orgs").await, 0);
    assert_eq!(count(&raw, "users").await, 1);
    assert_eq!(count(&raw, "memberships").await, 0);
    assert_eq!(count(&raw, "supply_links").await, 0);
    assert_eq!(store.audit_verify().await.unwrap(), AuditVerify::Intact { entries: 1 });

    let short = demo::seed(&store, "short").await;
    assert!(matches!(short, Err(StoreError::Invalid { field: "password", .. })), "{short:?}");
    assert!(store.org_by_slug(LEAD_SLUG).await.is_err());
}
