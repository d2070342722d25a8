//! API tokens: created in the UI or the API, used as bearer tokens, revoked for good; and
//! the password-for-token exchange scripts use to log in.

use serde_json::json;

use crate::support::{As, PASSWORD, TestApp};

#[tokio::test]
async fn a_token_created_in_the_ui_works_until_it_is_revoked() {
    let app = TestApp::new().await;
    let s = app.signup("Owner", "owner@tok.example", "Tok Co").await;
    let secret = app.api_token(&s, "ci script", "admin").await;
    assert!(secret.starts_with("mmr_"));
    let me = app.get("/api/v1/me", As::Token(&secret)).await;
    me.expect(200);
    let me = me.json();
    assert_eq!(me["role"], "admin");
    assert_eq!(me["org"]["slug"], "tok-co");
    assert!(me["actor"].as_str().unwrap().starts_with("token:"));

    let page = app.get("/tokens", As::Browser(&s)).await;
    assert!(page.text().contains(&secret[..10]), "the prefix is listed");
    assert!(!page.text().contains(&secret), "the secret is never shown again");
    let id = app.token_id(&secret).await;
    let revoked = app.post_form(&format!("/tokens/{id}/revoke"), As::Browser(&s), &[]).await;
    revoked.expect(303);
    let after = app.get("/api/v1/me", As::Token(&secret)).await;
    after.expect(401);
    assert!(after.is_problem());
    assert_eq!(after.json()["code"], "unauthorized");
    assert_eq!(after.header("www-authenticate"), Some("Bearer realm=\"mamori\""));
    app.post_form(&format!("/tokens/{id}/revoke"), As::Browser(&s), &[]).await.expect(404);
}

#[tokio::test]
async fn a_token_created_through_the_api_works_until_it_is_revoked() {
    let app = TestApp::new().await;
    let s = app.signup("Owner", "owner@api.example", "Api Co").await;
    let admin = app.api_token(&s, "bootstrap", "owner").await;
    let created =
        app.post_json("/api/v1/tokens", As::Token(&admin), &json!({"name": "reader", "role": "viewer"})).await;
    created.expect(201);
    let created = created.json();
    let secret = created["token"].as_str().unwrap().to_string();
    let id = created["info"]["id"].as_str().unwrap().to_string();
    assert_eq!(created["info"]["role"], "viewer");
    assert_eq!(app.get("/api/v1/me", As::Token(&secret)).await.json()["role"], "viewer");

    let list = app.get("/api/v1/tokens", As::Token(&admin)).await.json();
    assert_eq!(list["items"].as_array().unwrap().len(), 2);
    assert!(list["items"].as_array().unwrap().iter().all(|t| t.get("token").is_none()), "secrets are not listed");

    app.delete(&format!("/api/v1/tokens/{id}"), As::Token(&admin)).await.expect(204);
    app.get("/api/v1/me", As::Token(&secret)).await.expect(401);
    let again = app.delete(&format!("/api/v1/tokens/{id}"), As::Token(&admin)).await;
    again.expect(404);
    assert_eq!(again.json()["code"], "not_found");
    app.get("/api/v1/me", As::Token(&admin)).await.expect(200);
}

#[tokio::test]
async fn the_token_endpoint_exchanges_a_password_for_a_token() {
    let app = TestApp::new().await;
    let s = app.signup("Owner", "owner@login.example", "Login Co").await;
    app.create_org(&s, "Second Co", "second-co").await;
    let resp = app
        .post_json(
            "/api/v1/auth/token",
            As::Anon,
            &json!({"email": "owner@login.example", "password": PASSWORD, "org": "second-co"}),
        )
        .await;
    resp.expect(201);
    let body = resp.json();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["org"]["slug"], "second-co");
    assert_eq!(body["role"], "owner");
    assert!(body["expires_at"].as_i64().is_some(), "API log-in tokens expire");
    let token = body["token"].as_str().unwrap();
    assert_eq!(app.get("/api/v1/me", As::Token(token)).await.json()["org"]["slug"], "second-co");

    let wrong = app
        .post_json("/api/v1/auth/token", As::Anon, &json!({"email": "owner@login.example", "password": "nope nope"}))
        .await;
    wrong.expect(401);
    assert_eq!(wrong.json()["code"], "invalid_credentials");
    let elsewhere = app
        .post_json(
            "/api/v1/auth/token",
            As::Anon,
            &json!({"email": "owner@login.example", "password": PASSWORD, "org": "someone-else"}),
        )
        .await;
    elsewhere.expect(403);
    assert_eq!(elsewhere.json()["code"], "forbidden");
}
