//! The test harness: a fresh database, the whole app driven in process with `oneshot`,
//! a mailer that keeps what it sends, and typed helpers for the common steps.

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use mamori_store::{OrgInfo, Store};
use mamori_web::{AppState, Mailer, WebConfig};
use tower::ServiceExt;

use crate::db::TestDb;

/// The password of accounts the tests sign up.
pub const PASSWORD: &str = "correct horse battery";
/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "demo password 123";

/// One message the app "sent".
#[derive(Clone, Debug)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub body: String,
}

impl Mail {
    /// The first link in the body, as a path on this server (`/password/reset?token=…`).
    pub fn link_path(&self) -> String {
        let url = self.body.split_whitespace().find(|w| w.starts_with("http")).expect("a link in the message");
        let after_scheme = &url[url.find("://").expect("absolute link") + 3..];
        after_scheme[after_scheme.find('/').expect("a path")..].to_string()
    }
}

/// A mailer that delivers into a list the test can read.
#[derive(Default)]
pub struct CaptureMailer {
    sent: Mutex<Vec<Mail>>,
}

impl Mailer for CaptureMailer {
    fn send(&self, to: &str, subject: &str, body: &str) -> Result<(), String> {
        self.sent.lock().expect("mail lock").push(Mail { to: to.into(), subject: subject.into(), body: body.into() });
        Ok(())
    }
    fn delivers(&self) -> bool {
        true
    }
}

impl CaptureMailer {
    pub fn all(&self) -> Vec<Mail> {
        self.sent.lock().expect("mail lock").clone()
    }

    /// The newest message to `to`.
    pub fn last_to(&self, to: &str) -> Option<Mail> {
        self.all().into_iter().rev().find(|m| m.to == to)
    }
}

/// A browser's cookies and the CSRF token of the last page it saw.
#[derive(Clone, Debug)]
pub struct Session {
    /// The whole `Cookie` header value.
    pub cookie: String,
    pub csrf: String,
}

impl Session {
    /// The same browser with one more cookie.
    pub fn with_cookie(&self, name: &str, value: &str) -> Session {
        Session { cookie: format!("{}; {name}={value}", self.cookie), csrf: self.csrf.clone() }
    }
}

/// Who sends a request.
#[derive(Clone, Copy)]
pub enum As<'a> {
    Anon,
    /// A browser: sends its cookies; form posts carry its CSRF token.
    Browser(&'a Session),
    /// An API client with a bearer token.
    Token(&'a str),
}

/// A response with its body read.
#[derive(Debug)]
pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Resp {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn content_type(&self) -> &str {
        self.header("content-type").unwrap_or("")
    }

    pub fn location(&self) -> &str {
        self.header("location").unwrap_or_else(|| panic!("no Location on a {} response", self.status))
    }

    /// The full `Set-Cookie` line for a cookie name.
    pub fn set_cookie_line(&self, name: &str) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|l| l.starts_with(&format!("{name}=")))
            .map(str::to_string)
    }

    /// The value a `Set-Cookie` gives a cookie.
    pub fn set_cookie(&self, name: &str) -> Option<String> {
        let line = self.set_cookie_line(name)?;
        Some(line[name.len() + 1..].split(';').next().unwrap_or("").to_string())
    }

    /// The page's CSRF token from `<meta name="csrf-token">`.
    pub fn csrf(&self) -> Option<String> {
        between(&self.text(), "<meta name=\"csrf-token\" content=\"", "\"")
    }

    /// The text of the element marked `data-testid="id"`.
    pub fn testid(&self, id: &str) -> Option<String> {
        let text = self.text();
        let start = text.find(&format!("data-testid=\"{id}\""))?;
        let rest = &text[start..];
        let open = rest.find('>')? + 1;
        let close = rest[open..].find('<')?;
        Some(rest[open..open + close].trim().to_string())
    }

    /// Fails with the body when the status differs, which makes failures readable.
    #[track_caller]
    pub fn expect(&self, status: u16) -> &Resp {
        assert_eq!(self.status.as_u16(), status, "unexpected status; body: {}", self.text());
        self
    }

    pub fn is_html(&self) -> bool {
        self.content_type().starts_with("text/html")
    }

    pub fn is_problem(&self) -> bool {
        self.content_type().starts_with("application/problem+json")
    }
}

/// The code an authenticator app shows `steps` 30-second steps from now (RFC 6238 with
/// the defaults every app uses: SHA-1, six digits).
pub fn totp_code(secret: &str, email: &str, steps: i64) -> String {
    let bytes = totp_rs::Secret::Encoded(secret.to_string()).to_bytes().expect("a base32 secret");
    let totp = totp_rs::TOTP::new(totp_rs::Algorithm::SHA1, 6, 1, 30, bytes, Some("mamori".into()), email.into())
        .expect("a valid TOTP configuration");
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("a clock after 1970").as_secs();
    let step = (now / 30).saturating_add_signed(steps);
    totp.generate(step * 30)
}

/// A well-formed code that is valid in none of the steps the server accepts right now.
pub fn wrong_totp_code(secret: &str, email: &str) -> String {
    let valid: Vec<String> = (-2..=2).map(|step| totp_code(secret, email, step)).collect();
    (0..10).map(|d| d.to_string().repeat(6)).find(|c| !valid.contains(c)).expect("ten candidates, five valid codes")
}

/// The text between two markers, if both are there.
pub fn between(text: &str, start: &str, end: &str) -> Option<String> {
    let from = text.find(start)? + start.len();
    let len = text[from..].find(end)?;
    Some(text[from..from + len].to_string())
}

/// One application over one fresh database.
pub struct TestApp {
    pub store: Store,
    pub app: Router,
    pub mail: Arc<CaptureMailer>,
    pub db: TestDb,
}

impl TestApp {
    pub async fn new() -> TestApp {
        TestApp::with_config(WebConfig::default()).await
    }

    /// Generous rate limits, for tests that send many requests from one "address".
    pub fn roomy_config() -> WebConfig {
        WebConfig {
            login_burst: 100_000,
            login_per_minute: 100_000,
            api_burst: 100_000,
            api_per_minute: 100_000,
            ..WebConfig::default()
        }
    }

    pub async fn with_config(config: WebConfig) -> TestApp {
        let (db, store) = TestDb::open().await;
        // As in a running server, which creates `secret.key` on first start: the supply
        // chain signs attestations with keys sealed under it.
        let store = store.with_secret_key(mamori_store::SecretKey::from_bytes([5; 32]));
        let mail = Arc::new(CaptureMailer::default());
        let state = AppState::new(store.clone(), config, mail.clone());
        TestApp { store, app: mamori_web::app(state), mail, db }
    }

    /// An app with the demo data set seeded.
    pub async fn with_demo(config: WebConfig) -> TestApp {
        let app = TestApp::with_config(config).await;
        mamori_store::demo::seed(&app.store, DEMO_PASSWORD).await.expect("seed the demo");
        app
    }

    /// Sends any request.
    pub async fn send(&self, req: Request<Body>) -> Resp {
        let resp = self.app.clone().oneshot(req).await.expect("the router is infallible");
        let (parts, body) = resp.into_parts();
        let body = body.collect().await.expect("read the body").to_bytes().to_vec();
        Resp { status: parts.status, headers: parts.headers, body }
    }

    /// A request builder with the caller's credentials applied.
    pub fn request(method: Method, path: &str, who: As<'_>) -> axum::http::request::Builder {
        let b = Request::builder().method(method).uri(path);
        match who {
            As::Anon => b,
            As::Browser(s) => b.header(header::COOKIE, &s.cookie),
            As::Token(t) => b.header(header::AUTHORIZATION, format!("Bearer {t}")),
        }
    }

    pub async fn get(&self, path: &str, who: As<'_>) -> Resp {
        self.send(Self::request(Method::GET, path, who).body(Body::empty()).expect("request")).await
    }

    /// A GET with extra headers (e.g. Accept-Language).
    pub async fn get_with(&self, path: &str, who: As<'_>, headers: &[(&str, &str)]) -> Resp {
        let mut b = Self::request(Method::GET, path, who);
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        self.send(b.body(Body::empty()).expect("request")).await
    }

    /// Posts a form as a browser does, adding the session's CSRF token.
    pub async fn post_form(&self, path: &str, who: As<'_>, fields: &[(&str, &str)]) -> Resp {
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        if let As::Browser(s) = who {
            all.push(("csrf", &s.csrf));
        }
        self.post_form_raw(path, who, &all).await
    }

    /// Posts exactly these fields, without adding a CSRF token.
    pub async fn post_form_raw(&self, path: &str, who: As<'_>, fields: &[(&str, &str)]) -> Resp {
        let body = serde_urlencoded::to_string(fields).expect("encode form");
        let req = Self::request(Method::POST, path, who)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .expect("request");
        self.send(req).await
    }

    pub async fn post_json(&self, path: &str, who: As<'_>, json: &serde_json::Value) -> Resp {
        self.send_json(Method::POST, path, who, json).await
    }

    /// Sends a JSON body with any method (PUT, PATCH, POST).
    pub async fn send_json(&self, method: Method, path: &str, who: As<'_>, json: &serde_json::Value) -> Resp {
        let req = Self::request(method, path, who)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(json.to_string()))
            .expect("request");
        self.send(req).await
    }

    pub async fn delete(&self, path: &str, who: As<'_>) -> Resp {
        self.send(Self::request(Method::DELETE, path, who).body(Body::empty()).expect("request")).await
    }

    /// A fresh anonymous browser: the pre-login cookie and its signed CSRF token.
    pub async fn anon(&self) -> Session {
        let page = self.get("/login", As::Anon).await;
        page.expect(200);
        let pre = page.set_cookie("mamori_pre").expect("a pre-login cookie");
        Session { cookie: format!("mamori_pre={pre}"), csrf: page.csrf().expect("a CSRF token") }
    }

    /// The signed-in browser a redirecting response (login, sign-up, invitation) started.
    pub async fn session_from(&self, resp: &Resp) -> Session {
        assert_eq!(resp.status, StatusCode::SEE_OTHER, "expected a redirect; body: {}", resp.text());
        let token = resp.set_cookie("mamori_session").expect("a session cookie");
        let cookie = format!("mamori_session={token}");
        let page = self.get("/settings", As::Browser(&Session { cookie: cookie.clone(), csrf: String::new() })).await;
        page.expect(200);
        Session { cookie, csrf: page.csrf().expect("a CSRF token") }
    }

    /// Signs up through the form; the new account owns a new organization.
    pub async fn signup(&self, name: &str, email: &str, org_name: &str) -> Session {
        let anon = self.anon().await;
        let resp = self
            .post_form(
                "/signup",
                As::Browser(&anon),
                &[("name", name), ("email", email), ("password", PASSWORD), ("org_name", org_name), ("lang", "en")],
            )
            .await;
        self.session_from(&resp).await
    }

    /// One login attempt through the form.
    pub async fn try_login(&self, email: &str, password: &str, totp: Option<&str>) -> Resp {
        let anon = self.anon().await;
        self.post_form(
            "/login",
            As::Browser(&anon),
            &[("email", email), ("password", password), ("totp", totp.unwrap_or(""))],
        )
        .await
    }

    pub async fn login_as(&self, email: &str, password: &str) -> Session {
        let resp = self.try_login(email, password, None).await;
        self.session_from(&resp).await
    }

    /// Creates an organization through the form; the session switches to it.
    pub async fn create_org(&self, s: &Session, name: &str, slug: &str) -> OrgInfo {
        let resp = self.post_form("/orgs", As::Browser(s), &[("name", name), ("slug", slug)]).await;
        resp.expect(303);
        self.store.org_by_slug(slug).await.expect("the new organization")
    }

    /// Creates an API token through the form and returns its secret.
    pub async fn api_token(&self, s: &Session, name: &str, role: &str) -> String {
        let resp = self.post_form("/tokens", As::Browser(s), &[("name", name), ("role", role)]).await;
        resp.expect(200);
        resp.testid("new-token").expect("the new token is shown once")
    }

    /// Invites someone through the form and returns the link's path.
    pub async fn invite(&self, s: &Session, email: &str, role: &str) -> String {
        let resp = self.post_form("/members/invite", As::Browser(s), &[("email", email), ("role", role)]).await;
        resp.expect(200);
        let link = resp.testid("invite-link").expect("the invitation link is shown");
        let path = &link[link.find("/invite/").expect("an invitation path")..];
        path.to_string()
    }

    /// The ID of the newest token with this name in the tenant that owns `secret`.
    pub async fn token_id(&self, secret: &str) -> String {
        let tenant = self.store.tenant_for_token(secret).await.expect("lookup").expect("a live token");
        match tenant.actor() {
            mamori_store::Actor::Token { id, .. } => id.clone(),
            other => panic!("not a token actor: {other:?}"),
        }
    }

    /// The user ID of an account.
    pub async fn user_id(&self, email: &str) -> String {
        let raw = self.db.raw().await;
        let found = crate::db::rows(&raw, &format!("SELECT id FROM users WHERE email = '{email}'"), &["id"]).await;
        found.first().and_then(|r| r[0].clone()).unwrap_or_else(|| panic!("no user {email}"))
    }

    /// Rows in a table, read outside the app.
    pub async fn count(&self, table: &str) -> i64 {
        let raw = self.db.raw().await;
        let found = crate::db::rows(&raw, &format!("SELECT COUNT(*) AS n FROM {table}"), &["n"]).await;
        found[0][0].as_deref().expect("a count").parse().expect("a number")
    }
}
