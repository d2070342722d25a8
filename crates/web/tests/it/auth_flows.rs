//! Sign-up, login, logout, lockout, rate limiting, CSRF, password reset and TOTP, driven
//! through the HTML forms the way a browser would.

use mamori_store::Role;

use crate::support::{As, PASSWORD, Session, TestApp, totp_code, wrong_totp_code};

#[tokio::test]
async fn signing_up_creates_an_organization_you_own() {
    let app = TestApp::new().await;
    let s = app.signup("Hana Sato", "Hana@Example.com", "Hana Works").await;
    let home = app.get("/", As::Browser(&s)).await;
    home.expect(200);
    assert_eq!(home.testid("current-org").as_deref(), Some("Hana Works"));
    assert_eq!(home.testid("my-role").as_deref(), Some("Owner"));
    let org = app.store.org_by_slug("hana-works").await.unwrap();
    let user = app.user_id("hana@example.com").await;
    let memberships = app.store.memberships(&user).await.unwrap();
    assert_eq!(memberships.len(), 1);
    assert_eq!((memberships[0].org.id.as_str(), memberships[0].role), (org.id.as_str(), Role::Owner));
}

#[tokio::test]
async fn a_sign_up_with_bad_fields_is_answered_inline_and_creates_nothing() {
    let app = TestApp::new().await;
    let anon = app.anon().await;
    let resp = app
        .post_form(
            "/signup",
            As::Browser(&anon),
            &[("name", ""), ("email", "not-an-address"), ("password", "short"), ("org_name", "X Org")],
        )
        .await;
    resp.expect(422);
    let body = resp.text();
    assert!(body.contains("id=\"name-err\""), "the missing name is flagged inline");
    assert!(body.contains("aria-invalid=\"true\""));
    assert!(body.contains("data-testid=\"form-error\""));
    assert_eq!(app.count("users").await, 0);

    let resp = app
        .post_form(
            "/signup",
            As::Browser(&anon),
            &[("name", "X"), ("email", "not-an-address"), ("password", PASSWORD), ("org_name", "X Org")],
        )
        .await;
    resp.expect(422);
    assert!(resp.text().contains("Enter a valid e-mail address."));
    assert_eq!(app.count("users").await, 0);
}

#[tokio::test]
async fn logging_out_ends_the_session_and_logging_in_starts_a_new_one() {
    let app = TestApp::new().await;
    let s = app.signup("Ken", "ken@example.com", "Ken Co").await;
    let out = app.post_form("/logout", As::Browser(&s), &[]).await;
    out.expect(303);
    assert_eq!(out.location(), "/login");
    let cleared = out.set_cookie_line("mamori_session").expect("the cookie is cleared");
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    let after = app.get("/", As::Browser(&s)).await;
    after.expect(303);
    assert_eq!(after.location(), "/login", "the old cookie no longer opens anything");

    let again = app.login_as("KEN@example.com", PASSWORD).await;
    assert_ne!(again.cookie, s.cookie);
    let home = app.get("/", As::Browser(&again)).await;
    home.expect(200);
    assert!(home.text().contains("ken@example.com"));
}

#[tokio::test]
async fn a_wrong_password_shows_an_error_and_answers_401() {
    let app = TestApp::new().await;
    app.signup("Aya", "aya@example.com", "Aya Co").await;
    let resp = app.try_login("aya@example.com", "not the password", None).await;
    resp.expect(401);
    assert!(resp.is_html());
    assert!(resp.text().contains("The e-mail address or password is wrong."));
    assert!(resp.set_cookie("mamori_session").is_none());
    // An unknown address gets the very same answer.
    let unknown = app.try_login("nobody@example.com", "not the password", None).await;
    unknown.expect(401);
    assert!(unknown.text().contains("The e-mail address or password is wrong."));
}

#[tokio::test]
async fn five_failed_logins_lock_the_account() {
    let app = TestApp::new().await;
    app.signup("Rin", "rin@example.com", "Rin Co").await;
    for _ in 0..4 {
        app.try_login("rin@example.com", "wrong password", None).await.expect(401);
    }
    let fifth = app.try_login("rin@example.com", "wrong password", None).await;
    fifth.expect(401);
    assert!(fifth.text().contains("The account is locked for 15 minutes."), "{}", fifth.text());
    let right = app.try_login("rin@example.com", PASSWORD, None).await;
    right.expect(401);
    assert!(right.text().contains("locked"));
    assert!(right.set_cookie("mamori_session").is_none());
    // The API refuses the same account with its own stable code.
    let api = app
        .post_json(
            "/api/v1/auth/token",
            As::Anon,
            &serde_json::json!({"email": "rin@example.com", "password": PASSWORD}),
        )
        .await;
    api.expect(429);
    assert_eq!(api.json()["code"], "account_locked");
}

#[tokio::test]
async fn the_login_rate_limit_answers_429_with_retry_after() {
    let app = TestApp::new().await;
    let anon = app.anon().await;
    // Malformed addresses are refused without hashing, so the burst is cheap to use up.
    for i in 0..10 {
        let email = format!("not-an-address-{i}");
        app.post_form("/login", As::Browser(&anon), &[("email", &email), ("password", "x")]).await.expect(401);
    }
    let limited = app.post_form("/login", As::Browser(&anon), &[("email", "x"), ("password", "x")]).await;
    limited.expect(429);
    assert!(limited.is_html());
    assert!(limited.text().contains("Too many attempts"));
    let wait: u64 = limited.header("retry-after").expect("Retry-After").parse().unwrap();
    assert!((1..=60).contains(&wait), "{wait}");

    let api = app.post_json("/api/v1/auth/token", As::Anon, &serde_json::json!({"email": "x", "password": "y"})).await;
    api.expect(429);
    assert!(api.is_problem());
    assert_eq!(api.json()["code"], "rate_limited");
    assert!(api.header("retry-after").is_some());
    let metrics = app.get("/metrics", As::Anon).await.text();
    assert!(metrics.contains("mamori_rate_limited_total 2"), "{metrics}");
}

#[tokio::test]
async fn a_post_without_or_with_a_wrong_csrf_token_is_refused_and_changes_nothing() {
    let app = TestApp::new().await;
    let s = app.signup("Sora", "sora@example.com", "Sora Co").await;
    let other = app.signup("Mio", "mio@example.com", "Mio Co").await;
    let entries = app.count("audit_log").await;
    let orgs = app.count("orgs").await;
    let wrong = "0".repeat(s.csrf.len());
    let attempts: [&[(&str, &str)]; 4] = [
        &[("name", "Sneaky Org")],
        &[("name", "Sneaky Org"), ("csrf", "")],
        &[("name", "Sneaky Org"), ("csrf", &wrong)],
        &[("name", "Sneaky Org"), ("csrf", &other.csrf)],
    ];
    for fields in attempts {
        let resp = app.post_form_raw("/orgs", As::Browser(&s), fields).await;
        resp.expect(403);
        assert!(resp.is_html());
        assert!(resp.text().contains("The form expired."));
    }
    // Other state-changing forms are guarded the same way, signed in or not.
    for path in ["/tokens", "/members/invite", "/settings/lang", "/logout", "/orgs/switch", "/settings/mfa/setup"] {
        app.post_form_raw(path, As::Browser(&s), &[("name", "x"), ("email", "x@example.com")]).await.expect(403);
    }
    let anon = app.anon().await;
    let signup = [("name", "Eve"), ("email", "eve@example.com"), ("password", PASSWORD), ("org_name", "Eve Co")];
    app.post_form_raw("/signup", As::Anon, &signup).await.expect(403);
    app.post_form_raw("/signup", As::Browser(&anon), &signup).await.expect(403);
    app.post_form_raw("/login", As::Browser(&anon), &[("email", "sora@example.com"), ("password", PASSWORD)])
        .await
        .expect(403);
    assert_eq!(app.count("audit_log").await, entries, "nothing was recorded");
    assert_eq!(app.count("orgs").await, orgs, "nothing was created");
    app.get("/", As::Browser(&s)).await.expect(200);

    // htmx sends the token as a header instead; that is accepted.
    let req = TestApp::request(axum::http::Method::POST, "/orgs", As::Browser(&s))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-csrf-token", &s.csrf)
        .body(axum::body::Body::from("name=Header+Org&slug=header-org"))
        .unwrap();
    app.send(req).await.expect(303);
    assert!(app.store.org_by_slug("header-org").await.is_ok());
}

#[tokio::test]
async fn a_password_reset_by_emailed_link_ends_old_sessions_and_replaces_the_password() {
    let app = TestApp::new().await;
    let s = app.signup("Yui", "yui@example.com", "Yui Co").await;
    let anon = app.anon().await;
    let sent = app.post_form("/password/forgot", As::Browser(&anon), &[("email", "YUI@example.com")]).await;
    sent.expect(303);
    assert_eq!(sent.location(), "/login?notice=forgot.sent");
    let unknown = app.post_form("/password/forgot", As::Browser(&anon), &[("email", "ghost@example.com")]).await;
    assert_eq!(unknown.location(), sent.location(), "unknown addresses get the same answer");
    assert_eq!(app.mail.all().len(), 1, "only the real account got a message");

    let mail = app.mail.last_to("yui@example.com").expect("a reset e-mail");
    assert_eq!(mail.subject, "mamori: password reset");
    let link = mail.link_path();
    assert!(link.starts_with("/password/reset?token="), "{link}");
    let token = link.split("token=").nth(1).unwrap().to_string();
    let page = app.get(&link, As::Browser(&anon)).await;
    page.expect(200);
    assert!(page.text().contains(&token));

    let mismatch = [("token", token.as_str()), ("password", "a new password 1"), ("confirm", "something else")];
    let resp = app.post_form("/password/reset", As::Browser(&anon), &mismatch).await;
    resp.expect(422);
    assert!(resp.text().contains("The passwords do not match."));

    let new_pw = "a fresh password 2";
    let fields = [("token", token.as_str()), ("password", new_pw), ("confirm", new_pw)];
    let done = app.post_form("/password/reset", As::Browser(&anon), &fields).await;
    done.expect(303);
    assert_eq!(done.location(), "/login?notice=reset.done");

    let old = app.get("/", As::Browser(&s)).await;
    old.expect(303);
    assert_eq!(old.location(), "/login", "the session from before the reset has ended");
    app.try_login("yui@example.com", PASSWORD, None).await.expect(401);
    let fresh = app.login_as("yui@example.com", new_pw).await;
    app.get("/", As::Browser(&fresh)).await.expect(200);
    let reuse = app.post_form("/password/reset", As::Browser(&anon), &fields).await;
    reuse.expect(400);
    assert!(reuse.text().contains("This reset link is invalid or has expired."));
}

/// Signs up, enrols TOTP with the current code and returns the session and secret.
async fn with_totp(app: &TestApp, email: &str) -> (Session, String, String) {
    let s = app.signup("Taro", email, "Taro Co").await;
    let setup = app.post_form("/settings/mfa/setup", As::Browser(&s), &[]).await;
    setup.expect(200);
    let secret = setup.testid("totp-secret").expect("the secret is shown");
    assert!(setup.text().contains("otpauth://totp/"));
    let code = mamori_store::totp_now(&secret, email).unwrap();
    let on = app.post_form("/settings/mfa/enable", As::Browser(&s), &[("code", &code)]).await;
    on.expect(303);
    assert_eq!(on.location(), "/settings?notice=settings.mfa_enabled");
    (s, secret, code)
}

#[tokio::test]
async fn a_wrong_enrolment_code_is_flagged_and_the_same_secret_offered_again() {
    let app = TestApp::new().await;
    let s = app.signup("Taro", "taro@example.com", "Taro Co").await;
    let setup = app.post_form("/settings/mfa/setup", As::Browser(&s), &[]).await;
    let secret = setup.testid("totp-secret").unwrap();
    for bad in ["12345", "abcdef", ""] {
        let resp = app.post_form("/settings/mfa/enable", As::Browser(&s), &[("code", bad)]).await;
        resp.expect(422);
        assert!(resp.text().contains("id=\"code-err\""), "the error sits next to the code field");
        assert_eq!(resp.testid("totp-secret"), Some(secret.clone()), "the same secret is offered again");
    }
    assert!(!app.store.user(&app.user_id("taro@example.com").await).await.unwrap().totp_enabled);
}

#[tokio::test]
async fn once_totp_is_on_the_login_form_needs_a_fresh_code() {
    let app = TestApp::new().await;
    let (s, secret, used) = with_totp(&app, "taro@example.com").await;
    assert!(app.get("/settings", As::Browser(&s)).await.text().contains("Two-factor authentication is on."));

    let no_code = app.try_login("taro@example.com", PASSWORD, None).await;
    no_code.expect(401);
    assert!(no_code.text().contains("Enter the 6-digit code"));
    assert!(no_code.text().contains("aria-invalid=\"true\""));
    assert!(no_code.set_cookie("mamori_session").is_none());
    app.try_login("taro@example.com", PASSWORD, Some(&wrong_totp_code(&secret, "taro@example.com"))).await.expect(401);
    // The code that turned TOTP on cannot be replayed.
    app.try_login("taro@example.com", PASSWORD, Some(&used)).await.expect(401);
    let fresh = totp_code(&secret, "taro@example.com", 1);
    let with_code = app.try_login("taro@example.com", PASSWORD, Some(&fresh)).await;
    let s2 = app.session_from(&with_code).await;
    app.get("/", As::Browser(&s2)).await.expect(200);
    app.try_login("taro@example.com", "wrong password", Some(&totp_code(&secret, "taro@example.com", 0)))
        .await
        .expect(401);
}

#[tokio::test]
async fn once_totp_is_on_the_token_endpoint_needs_a_fresh_code() {
    let app = TestApp::new().await;
    let (_, secret, used) = with_totp(&app, "hiro@example.com").await;
    let body = serde_json::json!({"email": "hiro@example.com", "password": PASSWORD});
    let api = app.post_json("/api/v1/auth/token", As::Anon, &body).await;
    api.expect(401);
    assert_eq!(api.json()["code"], "mfa_required");
    let body = serde_json::json!({"email": "hiro@example.com", "password": PASSWORD, "totp": used});
    assert_eq!(app.post_json("/api/v1/auth/token", As::Anon, &body).await.json()["code"], "invalid_credentials");
    let fresh = totp_code(&secret, "hiro@example.com", 1);
    let body = serde_json::json!({"email": "hiro@example.com", "password": PASSWORD, "totp": fresh});
    let api = app.post_json("/api/v1/auth/token", As::Anon, &body).await;
    api.expect(201);
    let token = api.json()["token"].as_str().unwrap().to_string();
    app.get("/api/v1/me", As::Token(&token)).await.expect(200);
}

#[tokio::test]
async fn turning_totp_off_needs_a_fresh_code_too() {
    let app = TestApp::new().await;
    let (s, secret, used) = with_totp(&app, "nao@example.com").await;
    let off = app.post_form("/settings/mfa/disable", As::Browser(&s), &[("code", "99999")]).await;
    off.expect(422);
    assert!(off.text().contains("id=\"code-err\""));
    app.post_form("/settings/mfa/disable", As::Browser(&s), &[("code", &used)]).await.expect(422);
    let fresh = totp_code(&secret, "nao@example.com", 1);
    app.post_form("/settings/mfa/disable", As::Browser(&s), &[("code", &fresh)]).await.expect(303);
    assert!(app.get("/settings", As::Browser(&s)).await.text().contains("Two-factor authentication is off."));
    app.login_as("nao@example.com", PASSWORD).await;
}
