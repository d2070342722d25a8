//! Language choice: the user's setting, then the `lang` cookie, then Accept-Language; and
//! every page in both languages.

use mamori_web::i18n::{Lang, Tr};

use crate::support::{As, DEMO_PASSWORD, Resp, TestApp};

fn ja(key: &str) -> &'static str {
    Tr(Lang::Ja).s(key)
}

fn en(key: &str) -> &'static str {
    Tr(Lang::En).s(key)
}

#[track_caller]
fn assert_lang(resp: &Resp, lang: &str, title_key: &str) {
    let body = resp.text();
    assert!(body.contains(&format!("<html lang=\"{lang}\">")), "expected {lang}: {body}");
    let title = if lang == "ja" { ja(title_key) } else { en(title_key) };
    assert!(body.contains(title), "expected '{title}' in the page");
}

#[tokio::test]
async fn accept_language_picks_japanese_and_english_is_the_default() {
    let app = TestApp::new().await;
    let japanese = app.get_with("/login", As::Anon, &[("accept-language", "ja,en-US;q=0.8")]).await;
    assert_lang(&japanese, "ja", "login.title");
    assert!(japanese.text().contains("mamori にログイン"));
    let english = app.get_with("/login", As::Anon, &[("accept-language", "en-GB,en;q=0.9,ja;q=0.5")]).await;
    assert_lang(&english, "en", "login.title");
    assert_lang(&app.get("/login", As::Anon).await, "en", "login.title");
    assert_lang(&app.get_with("/login", As::Anon, &[("accept-language", "fr")]).await, "en", "login.title");
}

#[tokio::test]
async fn the_users_own_setting_wins_over_accept_language() {
    let app = TestApp::new().await;
    let anon = app.anon().await;
    let fields = [
        ("name", "Jun"),
        ("email", "jun@example.com"),
        ("password", crate::support::PASSWORD),
        ("org_name", "Jun Co"),
        ("lang", "ja"),
    ];
    let resp = app.post_form("/signup", As::Browser(&anon), &fields).await;
    let s = app.session_from(&resp).await;
    let home = app.get_with("/", As::Browser(&s), &[("accept-language", "en")]).await;
    assert_lang(&home, "ja", "dash.title");

    app.post_form("/settings/lang", As::Browser(&s), &[("lang", "en")]).await.expect(303);
    let home = app.get_with("/", As::Browser(&s), &[("accept-language", "ja")]).await;
    assert_lang(&home, "en", "dash.title");
    // And the setting beats a stale cookie, too.
    let home = app.get_with("/", As::Browser(&s.with_cookie("mamori_lang", "ja")), &[("accept-language", "ja")]).await;
    assert_lang(&home, "en", "dash.title");
    app.post_form("/settings/lang", As::Browser(&s), &[("lang", "klingon")]).await.expect(400);
}

#[tokio::test]
async fn the_language_switch_works_for_anonymous_and_signed_in_users() {
    let app = TestApp::new().await;
    let anon = app.anon().await;
    let switched = app.post_form("/lang", As::Browser(&anon), &[("lang", "ja"), ("back", "/signup")]).await;
    switched.expect(303);
    assert_eq!(switched.location(), "/signup");
    assert_eq!(switched.set_cookie("mamori_lang").as_deref(), Some("ja"));
    let page = app
        .get_with("/signup", As::Browser(&anon.with_cookie("mamori_lang", "ja")), &[("accept-language", "en")])
        .await;
    assert_lang(&page, "ja", "signup.title");
    assert!(page.text().contains("data-testid=\"lang-en\""), "the switch offers the other language");

    for back in ["//evil.example/", "https://evil.example/", "/\\evil.example"] {
        let resp = app.post_form("/lang", As::Browser(&anon), &[("lang", "ja"), ("back", back)]).await;
        assert_eq!(resp.location(), "/", "an off-site return address ({back}) is replaced");
    }

    let s = app.signup("Mei", "mei@example.com", "Mei Co").await;
    let resp = app.post_form("/lang", As::Browser(&s), &[("lang", "ja"), ("back", "/members")]).await;
    assert_eq!(resp.location(), "/members");
    let user = app.store.user(&app.user_id("mei@example.com").await).await.unwrap();
    assert_eq!(user.lang, "ja", "the choice is saved on the account");
    assert_lang(&app.get("/members", As::Browser(&s)).await, "ja", "members.title");
    app.post_form("/lang", As::Browser(&s), &[("lang", "en"), ("back", "/")]).await.expect(303);
    assert_lang(&app.get("/", As::Browser(&s)).await, "en", "dash.title");
}

#[tokio::test]
async fn every_page_renders_in_both_languages() {
    let app = TestApp::with_demo(TestApp::roomy_config()).await;
    let owner = app.login_as("owner@sakura-motors.example", DEMO_PASSWORD).await;
    let signed_in = [
        ("/", "dash.title"),
        ("/orgs", "orgs.title"),
        ("/members", "members.title"),
        ("/tokens", "tokens.title"),
        ("/audit", "audit.title"),
        ("/suppliers", "suppliers.title"),
        ("/settings", "settings.title"),
    ];
    let anonymous = [
        ("/login", "login.title"),
        ("/signup", "signup.title"),
        ("/password/forgot", "forgot.title"),
        ("/password/reset?token=x", "reset.title"),
        ("/invite/unknown", "invite.invalid"),
    ];
    for lang in ["ja", "en"] {
        app.post_form("/lang", As::Browser(&owner), &[("lang", lang), ("back", "/")]).await.expect(303);
        for (path, key) in signed_in {
            let page = app.get(path, As::Browser(&owner)).await;
            page.expect(200);
            assert_lang(&page, lang, key);
            assert_lang(&page, lang, "nav.dashboard");
        }
        for (path, key) in anonymous {
            let page = app.get_with(path, As::Anon, &[("accept-language", lang)]).await;
            assert!(page.is_html(), "{path}");
            assert_lang(&page, lang, key);
        }
    }
    // Supplier names follow the language as well.
    app.post_form("/lang", As::Browser(&owner), &[("lang", "ja"), ("back", "/")]).await.expect(303);
    let suppliers = app.get("/suppliers", As::Browser(&owner)).await.text();
    assert!(suppliers.contains("株式会社"), "Japanese supplier names are shown");
    assert!(suppliers.contains(ja("crit.critical")));
}
