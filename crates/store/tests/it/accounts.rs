//! Accounts and organizations: uniqueness, atomic sign-up, sessions and lockout.

use mamori_store::{LoginOutcome, StoreError};

use crate::db::TestDb;
use crate::fixtures::{PASSWORD, cli, count, new_user, tenant_with_owner};

#[tokio::test]
async fn an_email_that_differs_only_in_case_is_a_conflict() {
    let (_db, store) = TestDb::open().await;
    store.create_user(new_user("Alice@Example.com"), false, &cli()).await.unwrap();
    let again = store.create_user(new_user("alice@example.COM"), false, &cli()).await;
    assert!(matches!(again, Err(StoreError::Conflict(_))), "got {again:?}");
}

#[tokio::test]
async fn a_sign_up_with_a_taken_email_leaves_no_organization_behind() {
    let (db, store) = TestDb::open().await;
    tenant_with_owner(&store, "first@example.com", "First Org").await;
    let raw = db.raw().await;
    let (orgs, entries) = (count(&raw, "orgs").await, count(&raw, "audit_log").await);

    let again = store.signup(new_user("FIRST@example.com"), "Second Org").await;
    assert!(matches!(again, Err(StoreError::Conflict(_))), "got {again:?}");
    assert_eq!(count(&raw, "orgs").await, orgs, "the organization insert was rolled back");
    assert_eq!(count(&raw, "audit_log").await, entries);
    assert!(store.org_by_slug("second-org").await.is_err());
}

#[tokio::test]
async fn an_organization_slug_can_be_used_once() {
    let (_db, store) = TestDb::open().await;
    let (user, _, _) = tenant_with_owner(&store, "slugs@example.com", "Slug Owner").await;
    store.create_org(&user, "Acme", None, Some("acme")).await.unwrap();
    let again = store.create_org(&user, "Acme Two", None, Some("ACME")).await;
    assert!(matches!(again, Err(StoreError::Conflict(_))), "got {again:?}");
    let bad = store.create_org(&user, "Bad", None, Some("-bad-")).await;
    assert!(matches!(bad, Err(StoreError::Invalid { field: "slug", .. })), "got {bad:?}");
}

#[tokio::test]
async fn five_wrong_passwords_lock_the_account_even_against_the_right_one() {
    let (_db, store) = TestDb::open().await;
    store.create_user(new_user("lock@example.com"), false, &cli()).await.unwrap();
    for _ in 0..4 {
        assert_eq!(store.login("lock@example.com", "wrong password!", None).await.unwrap(), LoginOutcome::Invalid);
    }
    assert!(matches!(
        store.login("lock@example.com", "wrong password!", None).await.unwrap(),
        LoginOutcome::Locked { .. }
    ));
    assert!(matches!(store.login("lock@example.com", PASSWORD, None).await.unwrap(), LoginOutcome::Locked { .. }));
}

#[tokio::test]
async fn a_password_reset_ends_every_session_and_is_single_use() {
    let (_db, store) = TestDb::open().await;
    let (user, org, _) = tenant_with_owner(&store, "reset@example.com", "Reset Org").await;
    let cookie = store.create_session(&user, Some(&org.id)).await.unwrap();
    assert!(store.session(&cookie).await.unwrap().is_some());
    let (_, token) = store.begin_password_reset("RESET@example.com").await.unwrap().unwrap();
    assert!(store.begin_password_reset("nobody@example.com").await.unwrap().is_none());

    store.complete_password_reset(&token, "a brand new password").await.unwrap();
    assert!(store.session(&cookie).await.unwrap().is_none(), "old sessions end");
    assert!(matches!(store.complete_password_reset(&token, "another new password").await, Err(StoreError::NotFound)));
    assert_eq!(store.login("reset@example.com", PASSWORD, None).await.unwrap(), LoginOutcome::Invalid);
    assert!(matches!(
        store.login("reset@example.com", "a brand new password", None).await.unwrap(),
        LoginOutcome::Success(_)
    ));
}
