//! Tenant isolation at the storage layer: a tenant value opens its own rows and no others.

use mamori_store::{NewApiToken, Role, StoreError};

use crate::db::TestDb;
use crate::fixtures::{cli_tenant, new_user, tenant_with_owner};

fn token(name: &str, role: Role) -> NewApiToken {
    NewApiToken { name: name.into(), role, expires_in_days: None }
}

#[tokio::test]
async fn tenant_scoped_queries_never_return_another_tenants_rows() {
    let (_db, store) = TestDb::open().await;
    let (ua, a, ta) = tenant_with_owner(&store, "owner@a.example", "Tenant A").await;
    let (ub, b, tb) = tenant_with_owner(&store, "owner@b.example", "Tenant B").await;
    let (tok_a, _) = store.create_api_token(&ta, token("a-token", Role::Admin)).await.unwrap();
    let (tok_b, _) = store.create_api_token(&tb, token("b-token", Role::Admin)).await.unwrap();
    let (inv_a, _) = store.invite(&ta, "guest@a.example", Role::Viewer).await.unwrap();
    let (inv_b, _) = store.invite(&tb, "guest@b.example", Role::Viewer).await.unwrap();
    // Each tenant buys from its own supplier.
    let sa = store.create_org(&ua, "Supplier of A", None, Some("supplier-a")).await.unwrap();
    let sb = store.create_org(&ub, "Supplier of B", None, Some("supplier-b")).await.unwrap();
    store.add_supplier(&ta, "supplier-a", "bolts", "high").await.unwrap();
    store.add_supplier(&tb, "supplier-b", "nuts", "low").await.unwrap();

    for (t, me, other_user, my_tok, other_tok, my_inv, other_inv, my_sup, other_sup, my_org) in [
        (&ta, &ua, &ub, &tok_a, &tok_b, &inv_a, &inv_b, &sa, &sb, &a),
        (&tb, &ub, &ua, &tok_b, &tok_a, &inv_b, &inv_a, &sb, &sa, &b),
    ] {
        let members = store.members(t).await.unwrap();
        assert_eq!(members.iter().map(|(u, _)| u.id.clone()).collect::<Vec<_>>(), vec![me.id.clone()]);
        assert!(members.iter().all(|(u, _)| u.id != other_user.id));
        let tokens = store.api_tokens(t).await.unwrap();
        assert_eq!(tokens.iter().map(|k| &k.id).collect::<Vec<_>>(), vec![&my_tok.id]);
        assert!(tokens.iter().all(|k| k.id != other_tok.id));
        let invs = store.invitations(t).await.unwrap();
        assert_eq!(invs.iter().map(|i| &i.id).collect::<Vec<_>>(), vec![&my_inv.id]);
        assert!(invs.iter().all(|i| i.id != other_inv.id));
        let sups = store.suppliers(t).await.unwrap();
        assert_eq!(sups.iter().map(|s| &s.org.id).collect::<Vec<_>>(), vec![&my_sup.id]);
        assert!(sups.iter().all(|s| s.org.id != other_sup.id));
        let audit = store.audit_page(t, None, 500).await.unwrap();
        assert!(!audit.is_empty());
        assert!(audit.iter().all(|e| e.tenant_id.as_deref() == Some(my_org.id.as_str())), "{audit:?}");
        assert_eq!(store.org(t).await.unwrap().id, my_org.id);
    }
}

#[tokio::test]
async fn another_tenants_ids_are_not_found_and_stay_unchanged() {
    let (_db, store) = TestDb::open().await;
    let (ua, _, ta) = tenant_with_owner(&store, "owner@a.example", "Tenant A").await;
    let (ub, b, tb) = tenant_with_owner(&store, "owner@b.example", "Tenant B").await;
    let (tok_b, secret_b) = store.create_api_token(&tb, token("b-token", Role::Owner)).await.unwrap();

    assert!(matches!(store.revoke_api_token(&ta, &tok_b.id).await, Err(StoreError::NotFound)));
    assert!(store.tenant_for_token(&secret_b).await.unwrap().is_some(), "B's token still works");
    assert!(matches!(store.set_member_role(&ta, &ub.id, Role::Viewer).await, Err(StoreError::NotFound)));
    assert_eq!(store.members(&tb).await.unwrap()[0].1, Role::Owner);
    assert!(matches!(store.tenant_for_login(&ua, &b.id).await, Err(StoreError::NotFound)));
    let session = store.create_session(&ua, None).await.unwrap();
    let info = store.session(&session).await.unwrap().unwrap();
    assert!(matches!(store.switch_org(&session, &info, &b.id).await, Err(StoreError::NotFound)));
    let info = store.session(&session).await.unwrap().unwrap();
    assert_eq!(info.active_org_id, None);
    assert!(store.tenant_for_session(&info).await.unwrap().is_none());
}

#[tokio::test]
async fn a_tokens_role_is_capped_by_its_owners_current_membership() {
    let (_db, store) = TestDb::open().await;
    let (_, org, owner) = tenant_with_owner(&store, "owner@cap.example", "Cap Org").await;
    let (_, link) = store.invite(&owner, "admin@cap.example", Role::Admin).await.unwrap();
    let (admin_user, _) = store.accept_invitation(&link, None, Some(new_user("ignored@example.com"))).await.unwrap();
    assert_eq!(admin_user.email, "admin@cap.example", "the invitation's address wins");
    let admin = store.tenant_for_login(&admin_user, &org.id).await.unwrap();

    let too_high = store.create_api_token(&admin, token("too high", Role::Owner)).await;
    assert!(matches!(too_high, Err(StoreError::Invalid { field: "role", .. })), "got {too_high:?}");
    let (_, secret) = store.create_api_token(&admin, token("admin token", Role::Admin)).await.unwrap();
    assert_eq!(store.tenant_for_token(&secret).await.unwrap().unwrap().role(), Role::Admin);

    store.set_member_role(&owner, &admin_user.id, Role::Viewer).await.unwrap();
    assert_eq!(store.tenant_for_token(&secret).await.unwrap().unwrap().role(), Role::Viewer);
    // A CLI tenant (no user behind it) cannot mint tokens at all.
    let cli = cli_tenant(&store, &org.slug).await;
    assert!(matches!(store.create_api_token(&cli, token("cli", Role::Viewer)).await, Err(StoreError::Forbidden(_))));
}

#[tokio::test]
async fn ids_with_a_nul_byte_are_simply_not_found_on_every_backend() {
    // PostgreSQL refuses NUL in text parameters; the store must not turn that into an error.
    let (_db, store) = TestDb::open().await;
    let (ua, a, ta) = tenant_with_owner(&store, "owner@nul.example", "Nul Org").await;
    let bad = "019a\u{0}0000";
    assert!(matches!(store.revoke_api_token(&ta, bad).await, Err(StoreError::NotFound)));
    assert!(matches!(store.set_member_role(&ta, bad, Role::Viewer).await, Err(StoreError::NotFound)));
    assert!(matches!(store.user(bad).await, Err(StoreError::NotFound)));
    assert!(matches!(store.org_by_slug(bad).await, Err(StoreError::NotFound)));
    assert!(matches!(store.tenant_for_login(&ua, bad).await, Err(StoreError::NotFound)));
    let session = store.create_session(&ua, Some(&a.id)).await.unwrap();
    let info = store.session(&session).await.unwrap().unwrap();
    assert!(matches!(store.switch_org(&session, &info, bad).await, Err(StoreError::NotFound)));
    assert!(matches!(store.add_supplier(&ta, bad, "bolts", "high").await, Err(StoreError::NotFound)));
    assert!(store.session(bad).await.unwrap().is_none());
    assert!(store.tenant_for_token(&format!("mmr_{bad}")).await.unwrap().is_none());
    assert!(matches!(store.invitation_by_token(bad).await, Err(StoreError::NotFound)));
}
