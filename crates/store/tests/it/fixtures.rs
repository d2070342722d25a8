//! Small builders shared by the store tests.

use mamori_store::{Actor, AdminPath, NewUser, OrgInfo, Role, Store, Tenant, UserInfo};

/// The password of every fixture account (hashing is the slow part, so tests make few).
pub const PASSWORD: &str = "correct horse battery";

pub fn new_user(email: &str) -> NewUser {
    NewUser { email: email.into(), name: format!("User {email}"), password: PASSWORD.into(), lang: "en".into() }
}

/// Signs up an owner and their organization.
pub async fn tenant_with_owner(store: &Store, email: &str, org: &str) -> (UserInfo, OrgInfo, Tenant) {
    let (user, org) = store.signup(new_user(email), org).await.expect("signup");
    let tenant = store.tenant_for_login(&user, &org.id).await.expect("owner tenant");
    assert_eq!(tenant.role(), Role::Owner);
    (user, org, tenant)
}

/// A new member of `org` (created when missing) with `role`, signed in there.
#[allow(dead_code)] // used by the test binaries that include this file, not by `it`
pub async fn member(store: &Store, org: &str, email: &str, role: Role) -> Tenant {
    let user = store
        .admin_create_member(new_user(email), org, role, false, AdminPath::Cli { operator: "test".into() })
        .await
        .unwrap();
    let org = store.org_by_slug(org).await.unwrap();
    store.tenant_for_login(&user, &org.id).await.unwrap()
}

/// The CLI's owner-level tenant for an organization.
pub async fn cli_tenant(store: &Store, slug: &str) -> Tenant {
    store.admin_tenant(slug, AdminPath::Cli { operator: "test".into() }).await.expect("admin tenant")
}

pub fn cli() -> Actor {
    Actor::Cli("test".into())
}

/// The number of rows in a table, through the store-independent connection.
pub async fn count(conn: &sea_orm::DatabaseConnection, table: &str) -> i64 {
    let found = crate::db::rows(conn, &format!("SELECT COUNT(*) AS n FROM {table}"), &["n"]).await;
    found[0][0].as_deref().unwrap().parse().unwrap()
}
