//! The audit trail of a scripted session: every state change is recorded once, with the
//! right action and tenant, and the chain verifies.

use mamori_store::AuditVerify;

use crate::db::rows;
use crate::support::{As, PASSWORD, TestApp};

#[tokio::test]
async fn a_scripted_session_leaves_one_intact_entry_per_change_with_the_right_tenant() {
    let app = TestApp::new().await;
    let owner = app.signup("Aki", "aki@audit.example", "Audit Co").await;
    let first = app.store.org_by_slug("audit-co").await.unwrap().id;
    let secret = app.api_token(&owner, "audit script", "admin").await;
    let link = app.invite(&owner, "kai@audit.example", "admin").await;
    let anon = app.anon().await;
    let kai = app.post_form(&link, As::Browser(&anon), &[("name", "Kai"), ("password", PASSWORD)]).await;
    app.session_from(&kai).await;
    let kai_id = app.user_id("kai@audit.example").await;
    app.post_form("/members/role", As::Browser(&owner), &[("user_id", &kai_id), ("role", "viewer")]).await.expect(303);
    let id = app.token_id(&secret).await;
    app.post_form(&format!("/tokens/{id}/revoke"), As::Browser(&owner), &[]).await.expect(303);
    app.post_form("/settings/lang", As::Browser(&owner), &[("lang", "ja")]).await.expect(303);
    let second = app.create_org(&owner, "Audit Two", "audit-two").await.id;
    app.try_login("aki@audit.example", "wrong password", None).await.expect(401);
    app.post_form("/logout", As::Browser(&owner), &[]).await.expect(303);
    let owner = app.login_as("aki@audit.example", PASSWORD).await;
    let api = app.api_token(&owner, "second org token", "owner").await;
    app.post_json(
        "/api/v1/invitations",
        As::Token(&api),
        &serde_json::json!({"email": "x@audit.example", "role": "viewer"}),
    )
    .await
    .expect(201);
    // Refused requests change nothing and record nothing.
    app.post_form_raw("/orgs", As::Browser(&owner), &[("name", "no csrf")]).await.expect(403);
    app.post_json("/api/v1/invitations", As::Token(&api), &serde_json::json!({"email": "bad"})).await.expect(422);

    let user = app.user_id("aki@audit.example").await;
    let expected: Vec<(&str, Option<&str>)> = vec![
        ("user.signup", Some(&first)),
        ("token.create", Some(&first)),
        ("invitation.create", Some(&first)),
        ("invitation.accept", Some(&first)),
        ("member.role", Some(&first)),
        ("token.revoke", Some(&first)),
        ("user.lang", None),
        ("org.create", Some(&second)),
        ("auth.login_failed", None),
        ("auth.logout", None),
        ("auth.login", None),
        // The new session starts in the user's first organization, by name.
        ("token.create", Some(&first)),
        ("invitation.create", Some(&first)),
    ];
    assert_eq!(app.store.audit_verify().await.unwrap(), AuditVerify::Intact { entries: expected.len() as i64 });

    let raw = app.db.raw().await;
    let found = rows(
        &raw,
        "SELECT seq, tenant_id, action, actor FROM audit_log ORDER BY seq",
        &["seq", "tenant_id", "action", "actor"],
    )
    .await;
    let actual: Vec<(String, Option<String>)> = found.iter().map(|r| (r[2].clone().unwrap(), r[1].clone())).collect();
    let expected_owned: Vec<(String, Option<String>)> =
        expected.iter().map(|(a, t)| (a.to_string(), t.map(str::to_string))).collect();
    assert_eq!(actual, expected_owned);
    for r in &found {
        let actor = r[3].clone().unwrap();
        let action = r[2].clone().unwrap();
        if action == "invitation.accept" {
            assert!(actor.contains(&kai_id), "{actor}");
        } else if action == "invitation.create" && r[0].as_deref() != Some("3") {
            assert!(actor.starts_with("token:"), "API changes name the token: {actor}");
        } else {
            assert!(actor.contains(&user), "{action} by {actor}");
        }
    }

    // The API shows the tenant its own entries, newest first, and nothing else.
    let page = app.get("/api/v1/audit?limit=200", As::Token(&api)).await.json();
    let actions: Vec<&str> = page["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    let mut mine: Vec<&str> = expected.iter().filter(|(_, t)| *t == Some(first.as_str())).map(|(a, _)| *a).collect();
    mine.reverse();
    assert_eq!(actions, mine);
}
