//! Role limits on the demo organization: what viewers, assessors and admins may not do,
//! in the UI and the API.

use mamori_web::i18n::{Lang, Tr};
use serde_json::json;

use crate::support::{As, DEMO_PASSWORD, TestApp};

const LEAD: &str = "sakura-motors.example";

fn demo(role: &str) -> String {
    format!("{role}@{LEAD}")
}

#[tokio::test]
async fn a_viewer_cannot_invite_anyone() {
    let app = TestApp::with_demo(TestApp::roomy_config()).await;
    let viewer = app.login_as(&demo("viewer"), DEMO_PASSWORD).await;
    let page = app.get("/members", As::Browser(&viewer)).await;
    page.expect(200);
    assert!(!page.text().contains("action=\"/members/invite\""), "no invitation form for viewers");
    assert!(!page.text().contains("href=\"/audit\""), "no audit link for viewers");
    let before = app.count("invitations").await;
    app.post_form("/members/invite", As::Browser(&viewer), &[("email", "x@example.com"), ("role", "viewer")])
        .await
        .expect(403);
    let token = app.api_token(&viewer, "viewer token", "viewer").await;
    let api = app
        .post_json("/api/v1/invitations", As::Token(&token), &json!({"email": "x@example.com", "role": "viewer"}))
        .await;
    api.expect(403);
    assert_eq!(api.json()["code"], "forbidden");
    app.get("/api/v1/invitations", As::Token(&token)).await.expect(403);
    app.get("/api/v1/audit", As::Token(&token)).await.expect(403);
    app.get("/audit", As::Browser(&viewer)).await.expect(403);
    assert_eq!(app.count("invitations").await, before);
}

#[tokio::test]
async fn an_admin_cannot_grant_or_invite_an_owner() {
    let app = TestApp::with_demo(TestApp::roomy_config()).await;
    let admin = app.login_as(&demo("admin"), DEMO_PASSWORD).await;
    let viewer_id = app.user_id(&demo("viewer")).await;
    let owner_id = app.user_id(&demo("owner")).await;
    app.post_form("/members/role", As::Browser(&admin), &[("user_id", &viewer_id), ("role", "owner")])
        .await
        .expect(403);
    app.post_form("/members/role", As::Browser(&admin), &[("user_id", &owner_id), ("role", "viewer")])
        .await
        .expect(403);
    let invite = app
        .post_form("/members/invite", As::Browser(&admin), &[("email", "boss@example.com"), ("role", "owner")])
        .await;
    invite.expect(422);
    // Demo accounts of the lead manufacturer use Japanese.
    assert!(invite.text().contains(Tr(Lang::Ja).s("field.role_too_high")), "{}", invite.text());
    assert!(invite.text().contains("id=\"role-err\""));
    let token = app.api_token(&admin, "admin token", "admin").await;
    let api = app
        .post_json("/api/v1/invitations", As::Token(&token), &json!({"email": "boss@example.com", "role": "owner"}))
        .await;
    api.expect(422);
    assert_eq!((api.json()["code"].as_str(), api.json()["field"].as_str()), (Some("validation_failed"), Some("role")));

    let lead = app
        .store
        .admin_tenant("sakura-motors", mamori_store::AdminPath::Cli { operator: "test".into() })
        .await
        .unwrap();
    let roles: Vec<_> = app.store.members(&lead).await.unwrap().into_iter().map(|(u, r)| (u.email, r)).collect();
    assert!(roles.contains(&(demo("viewer"), mamori_store::Role::Viewer)));
    assert!(roles.contains(&(demo("owner"), mamori_store::Role::Owner)));
    // What an admin may do still works.
    app.post_form("/members/role", As::Browser(&admin), &[("user_id", &viewer_id), ("role", "assessor")])
        .await
        .expect(303);
}

#[tokio::test]
async fn a_token_cannot_be_given_a_role_above_its_creators() {
    let app = TestApp::with_demo(TestApp::roomy_config()).await;
    let assessor = app.login_as(&demo("assessor"), DEMO_PASSWORD).await;
    let form = app.post_form("/tokens", As::Browser(&assessor), &[("name", "too high"), ("role", "owner")]).await;
    form.expect(422);
    assert!(form.text().contains("id=\"role-err\""));
    let token = app.api_token(&assessor, "mine", "assessor").await;
    let api = app.post_json("/api/v1/tokens", As::Token(&token), &json!({"name": "higher", "role": "admin"})).await;
    api.expect(422);
    assert_eq!(api.json()["field"], "role");
    let same = app.post_json("/api/v1/tokens", As::Token(&token), &json!({"name": "default role"})).await;
    same.expect(201);
    assert_eq!(same.json()["info"]["role"], "assessor", "the default is the caller's own role");
}

#[tokio::test]
async fn demoting_a_member_caps_the_tokens_they_already_hold() {
    let app = TestApp::with_demo(TestApp::roomy_config()).await;
    let admin = app.login_as(&demo("admin"), DEMO_PASSWORD).await;
    let token = app.api_token(&admin, "admin automation", "admin").await;
    assert_eq!(app.get("/api/v1/me", As::Token(&token)).await.json()["role"], "admin");
    app.get("/api/v1/audit", As::Token(&token)).await.expect(200);

    let owner = app.login_as(&demo("owner"), DEMO_PASSWORD).await;
    let admin_id = app.user_id(&demo("admin")).await;
    let changed =
        app.post_form("/members/role", As::Browser(&owner), &[("user_id", &admin_id), ("role", "viewer")]).await;
    changed.expect(303);
    assert_eq!(changed.location(), "/members?notice=members.role_changed");

    assert_eq!(app.get("/api/v1/me", As::Token(&token)).await.json()["role"], "viewer");
    app.get("/api/v1/audit", As::Token(&token)).await.expect(403);
    let invite = app
        .post_json("/api/v1/invitations", As::Token(&token), &json!({"email": "x@example.com", "role": "viewer"}))
        .await;
    invite.expect(403);
    // The listing still says what the token was made with; the cap is applied at use.
    let listed = app.get("/api/v1/tokens", As::Token(&token)).await.json();
    assert_eq!(listed["items"][0]["role"], "admin");
}

#[tokio::test]
async fn the_last_owner_cannot_be_demoted() {
    let app = TestApp::new().await;
    let owner = app.signup("Solo", "solo@example.com", "Solo Co").await;
    let id = app.user_id("solo@example.com").await;
    let resp = app.post_form("/members/role", As::Browser(&owner), &[("user_id", &id), ("role", "admin")]).await;
    assert!(resp.status.is_client_error(), "{}", resp.status);
    assert_eq!(app.get("/", As::Browser(&owner)).await.testid("my-role").as_deref(), Some("Owner"));
}
