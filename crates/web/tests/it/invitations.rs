//! Invitations by one-time link: for a new person, for the signed-in person it names, and
//! never for anyone else.

use crate::support::{As, PASSWORD, TestApp};

#[tokio::test]
async fn an_invitation_link_lets_a_new_person_create_an_account_and_join() {
    let app = TestApp::new().await;
    let owner = app.signup("Owner", "owner@join.example", "Join Co").await;
    let link = app.invite(&owner, "New.Person@join.example", "assessor").await;
    let mail = app.mail.last_to("new.person@join.example").expect("the invitation is e-mailed");
    assert_eq!(mail.link_path(), link, "the e-mail carries the same link the page shows");

    let anon = app.anon().await;
    let page = app.get(&link, As::Browser(&anon)).await;
    page.expect(200);
    assert!(page.text().contains("Join Co") && page.text().contains("new.person@join.example"));
    let missing = app.post_form(&link, As::Browser(&anon), &[("name", "New Person")]).await;
    missing.expect(422);
    assert!(missing.text().contains("id=\"password-err\""));

    let accepted = app.post_form(&link, As::Browser(&anon), &[("name", "New Person"), ("password", PASSWORD)]).await;
    let s = app.session_from(&accepted).await;
    let home = app.get("/", As::Browser(&s)).await;
    assert_eq!(home.testid("current-org").as_deref(), Some("Join Co"));
    assert_eq!(home.testid("my-role").as_deref(), Some("Assessor"));

    let again = app.get(&link, As::Anon).await;
    again.expect(404);
    assert!(again.text().contains("This invitation is invalid, used or expired."));
    app.post_form(&link, As::Browser(&anon), &[("name", "Twice"), ("password", PASSWORD)]).await.expect(404);
    let members = app.get("/members", As::Browser(&owner)).await.text();
    assert!(members.contains("new.person@join.example") && members.contains("accepted"));
}

#[tokio::test]
async fn a_signed_in_person_with_the_invited_address_joins_with_one_click() {
    let app = TestApp::new().await;
    let owner = app.signup("Owner", "owner@a.example", "Org A").await;
    let bob = app.signup("Bob", "bob@b.example", "Org B").await;
    let link = app.invite(&owner, "bob@b.example", "viewer").await;
    let page = app.get(&link, As::Browser(&bob)).await;
    page.expect(200);
    assert!(page.text().contains("data-testid=\"accept-invite\""));
    let accepted = app.post_form(&link, As::Browser(&bob), &[]).await;
    accepted.expect(303);
    assert!(accepted.set_cookie("mamori_session").is_none(), "the existing session is kept");
    let home = app.get("/", As::Browser(&bob)).await;
    assert_eq!(home.testid("current-org").as_deref(), Some("Org A"), "the session switched to the new org");
    assert_eq!(home.testid("my-role").as_deref(), Some("Viewer"));
    let bob_id = app.user_id("bob@b.example").await;
    assert_eq!(app.store.memberships(&bob_id).await.unwrap().len(), 2);
}

#[tokio::test]
async fn a_signed_in_person_cannot_accept_an_invitation_for_another_address() {
    let app = TestApp::new().await;
    let owner = app.signup("Owner", "owner@a.example", "Org A").await;
    let carol = app.signup("Carol", "carol@c.example", "Org C").await;
    let link = app.invite(&owner, "dave@d.example", "admin").await;
    let page = app.get(&link, As::Browser(&carol)).await;
    page.expect(200);
    assert!(page.text().contains("You are logged in with another e-mail address."));
    assert!(!page.text().contains("data-testid=\"accept-invite\""));
    let refused = app.post_form(&link, As::Browser(&carol), &[("name", "Carol"), ("password", PASSWORD)]).await;
    refused.expect(403);
    let carol_id = app.user_id("carol@c.example").await;
    assert_eq!(app.store.memberships(&carol_id).await.unwrap().len(), 1, "Carol joined nothing");
    let token = link.trim_start_matches("/invite/");
    assert!(app.store.invitation_by_token(token).await.is_ok(), "the invitation is still open for Dave");
}
