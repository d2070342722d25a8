//! Supply-chain HTTP tests, in process: isolation between buyers and suppliers on the
//! pages and the API, the attestation round trip through the API and the public verify
//! page (with CSRF), and the well-known key files. Runs on SQLite and, when
//! `MAMORI_TEST_DATABASE_URL` is set, on a fresh PostgreSQL database.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use mamori_chain::Level;
use mamori_chain::advice::InterruptionImpact;
use mamori_store::chain::{LinkInput, RequestInput};
use mamori_store::{DbConfig, NewApiToken, NewUser, OrgInfo, Role, SecretKey, Store, Tenant, UserInfo};
use mamori_web::{AppState, NoMailer, WebConfig, app};
use sea_orm::ConnectionTrait;
use tower::ServiceExt;

const PW: &str = "correct horse battery staple";

async fn backends() -> Vec<Store> {
    let mut out = Vec::new();
    let dir = std::env::temp_dir().join(format!("mamori-webchain-{}", uuid::Uuid::new_v4()));
    out.push(Store::open(&DbConfig::Sqlite { data_dir: dir }).await.unwrap());
    if let Some(url) = std::env::var("MAMORI_TEST_DATABASE_URL").ok().filter(|u| !u.is_empty()) {
        let name = format!("mamori_webchain_{}", uuid::Uuid::new_v4().simple());
        let admin = sea_orm::Database::connect(&url).await.unwrap();
        admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await.unwrap();
        let base = url.rsplit_once('/').map(|(b, _)| b.to_string()).unwrap();
        out.push(Store::open(&DbConfig::Postgres { url: format!("{base}/{name}") }).await.unwrap());
    }
    out.into_iter().map(|s| s.with_secret_key(SecretKey::from_bytes([3; 32]))).collect()
}

struct Who {
    user: UserInfo,
    org: OrgInfo,
    tenant: Tenant,
    cookie: String,
    token: String,
}

async fn who(store: &Store, name: &str) -> Who {
    let email = format!("owner@{}.example", name.to_lowercase().replace(' ', "-"));
    let (user, org) =
        store.signup(NewUser { email, name: name.into(), password: PW.into(), lang: "en".into() }, name).await.unwrap();
    let tenant = store.tenant_for_login(&user, &org.id).await.unwrap();
    let session = store.create_session(&user, Some(&org.id)).await.unwrap();
    let (_, token) = store
        .create_api_token(&tenant, NewApiToken { name: "t".into(), role: Role::Owner, expires_in_days: Some(1) })
        .await
        .unwrap();
    Who { user, org, tenant, cookie: format!("mamori_session={session}"), token }
}

fn state(store: &Store) -> AppState {
    AppState::new(store.clone(), WebConfig::default(), Arc::new(NoMailer))
}

/// Sends through one state per test, so that pre-session CSRF tokens (signed with a key
/// drawn when the state is built) stay valid across requests, as in a running server.
async fn send(st: &AppState, req: Request<Body>) -> (StatusCode, String, axum::http::HeaderMap) {
    let resp = app(st.clone()).oneshot(req).await.unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    let body = resp.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&body).into_owned(), headers)
}

async fn page(store: &AppState, w: &Who, path: &str) -> (StatusCode, String) {
    let req = Request::get(path).header(header::COOKIE, &w.cookie).body(Body::empty()).unwrap();
    let (s, b, _) = send(store, req).await;
    (s, b)
}

async fn api(
    store: &AppState,
    w: &Who,
    method: &str,
    path: &str,
    body: Option<serde_json::Value>,
) -> (StatusCode, String) {
    let mut req =
        Request::builder().method(method).uri(path).header(header::AUTHORIZATION, format!("Bearer {}", w.token));
    if body.is_some() {
        req = req.header(header::CONTENT_TYPE, "application/json");
    }
    let body = body.map(|b| Body::from(b.to_string())).unwrap_or_default();
    let (s, b, _) = send(store, req.body(body).unwrap()).await;
    (s, b)
}

fn link(supplied: &str) -> LinkInput {
    LinkInput {
        supplied: supplied.into(),
        criticality: "high".into(),
        handles_confidential_data: false,
        connects_to_buyer_systems: false,
        interruption_impact: InterruptionImpact::Tolerable,
    }
}

fn issue_body(level: &str, reviewer: Option<&str>) -> serde_json::Value {
    serde_json::json!({
        "framework_id": "meti-scs", "framework_version": "2026-03-27", "level": level, "outcome": "met",
        "scores": [{"name": "all", "achieved": 10, "total": 10}],
        "requirement_statuses": [{"id": "R-1", "status": "met"}],
        "evidence_items": [{"id": "E-1", "sha256": "b".repeat(64)}],
        "pledge": {"name": "Taro Yamada", "title": "President"},
        "reviewer_org": reviewer,
    })
}

#[tokio::test]
async fn buyers_never_see_each_other_on_pages_or_the_api() {
    for store in backends().await {
        let app_state = state(&store);
        let a = who(&store, "Buyer Alpha").await;
        let x = who(&store, "Buyer Xeno").await;
        let s = who(&store, "Shared Parts").await;
        let secret = who(&store, "Alpha Secret Source").await;
        let deep = who(&store, "Deep Hidden Foundry").await;
        let la = store.add_relationship(&a.tenant, &s.org.slug, &link("gears")).await.unwrap();
        store.add_relationship(&a.tenant, &secret.org.slug, &link("secret sauce")).await.unwrap();
        store.add_relationship(&x.tenant, &s.org.slug, &link("gears")).await.unwrap();
        store.add_relationship(&s.tenant, &deep.org.slug, &link("castings")).await.unwrap();
        let deadline = time::OffsetDateTime::now_utc().unix_timestamp() * 1000 + 86_400_000;
        store
            .request_assessment(&a.tenant, &la, &RequestInput { level: Some(Level::Star4), profile: None, deadline })
            .await
            .unwrap();
        let (st, body) = page(&app_state, &x, "/supply").await;
        assert_eq!(st, StatusCode::OK);
        assert!(body.contains("Shared Parts"));
        assert!(!body.contains("Alpha Secret Source") && !body.contains("secret sauce"));
        assert!(!body.contains("Deep Hidden Foundry"), "tier 2 without consent must stay hidden");
        // X's row shows its own state, not A's request.
        assert!(
            body.contains("data-testid=\"status\">Not requested<")
                && !body.contains("data-testid=\"status\">Requested<")
        );
        let (_, body) = page(&app_state, &a, "/supply").await;
        assert!(body.contains("Alpha Secret Source"));
        assert!(body.contains("data-testid=\"status\">Requested<"));
        // X cannot open A's relationship page, through the page or the API.
        assert_eq!(page(&app_state, &x, &format!("/supply/links/{la}")).await.0, StatusCode::NOT_FOUND);
        let (st, _) = api(
            &app_state,
            &x,
            "POST",
            &format!("/api/v1/supply/links/{la}/requests"),
            Some(serde_json::json!({"level": "star3", "deadline": "2030-01-01"})),
        )
        .await;
        assert_eq!(st, StatusCode::NOT_FOUND);
        let (_, json) = api(&app_state, &x, "GET", "/api/v1/supply/dashboard", None).await;
        assert!(!json.contains("Alpha Secret Source") && !json.contains("Deep Hidden Foundry"));
        let (_, csv) = page(&app_state, &x, "/supply/export/supply.csv").await;
        assert!(csv.contains("Shared Parts") && !csv.contains("Alpha"));
        // The classic supplier list hides tier 2 without consent.
        let (_, list) = api(&app_state, &a, "GET", "/api/v1/suppliers", None).await;
        assert!(!list.contains("Deep Hidden Foundry"));
        let _ = (&a.user, &x.user);
    }
}

#[tokio::test]
async fn suppliers_see_only_what_was_shared_with_them_and_shares_can_be_revoked() {
    for store in backends().await {
        let app_state = state(&store);
        let a = who(&store, "Buyer Alpha").await;
        let x = who(&store, "Buyer Xeno").await;
        let s = who(&store, "Supplier Sigma").await;
        let r = who(&store, "Review Office").await;
        store
            .register_expert_reviewer(&r.user.email, "RISS-1", mamori_store::AdminPath::Cli { operator: "t".into() })
            .await
            .unwrap();
        store.add_relationship(&a.tenant, &s.org.slug, &link("gears")).await.unwrap();
        store.add_relationship(&x.tenant, &s.org.slug, &link("gears")).await.unwrap();
        let (st, rec) =
            api(&app_state, &s, "POST", "/api/v1/attestations", Some(issue_body("star3", Some(&r.org.slug)))).await;
        assert_eq!(st, StatusCode::CREATED, "{rec}");
        let id = serde_json::from_str::<serde_json::Value>(&rec).unwrap()["id"].as_str().unwrap().to_string();
        let (st, rec) = api(
            &app_state,
            &r,
            "POST",
            &format!("/api/v1/reviews/{id}"),
            Some(serde_json::json!({"approve": true, "reviewer_name": "Dr. Review"})),
        )
        .await;
        assert_eq!(st, StatusCode::OK, "{rec}");
        let mut share_ids = Vec::new();
        for buyer in [&a, &x] {
            let (st, b) = api(
                &app_state,
                &s,
                "POST",
                &format!("/api/v1/attestations/{id}/shares"),
                Some(serde_json::json!({"buyer": buyer.org.slug})),
            )
            .await;
            assert_eq!(st, StatusCode::CREATED);
            share_ids.push(serde_json::from_str::<serde_json::Value>(&b).unwrap()["id"].as_str().unwrap().to_string());
        }
        // A buyer cannot read the supplier's attestations or another buyer's share.
        assert_eq!(
            api(&app_state, &a, "GET", &format!("/api/v1/attestations/{id}/envelope"), None).await.0,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            api(&app_state, &a, "GET", &format!("/api/v1/shares/received/{}/envelope", share_ids[1]), None).await.0,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            api(&app_state, &a, "GET", &format!("/api/v1/shares/received/{}/envelope", share_ids[0]), None).await.0,
            StatusCode::OK
        );
        // Both dashboards show ★3; after revoking X's share only X's changes.
        assert!(page(&app_state, &a, "/supply").await.1.contains("Attested ★3"));
        assert!(page(&app_state, &x, "/supply").await.1.contains("Attested ★3"));
        assert_eq!(
            api(&app_state, &x, "DELETE", &format!("/api/v1/shares/{}", share_ids[1]), None).await.0,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            api(&app_state, &s, "DELETE", &format!("/api/v1/shares/{}", share_ids[1]), None).await.0,
            StatusCode::NO_CONTENT
        );
        assert!(page(&app_state, &a, "/supply").await.1.contains("Attested ★3"));
        let xb = page(&app_state, &x, "/supply").await.1;
        assert!(xb.contains("data-testid=\"status\">Revoked<") && !xb.contains("data-testid=\"status\">Attested ★3<"));
        assert_eq!(
            api(&app_state, &x, "GET", &format!("/api/v1/shares/received/{}/envelope", share_ids[1]), None).await.0,
            StatusCode::NOT_FOUND
        );
        // The supplier's own page lists only its own data.
        let sb = page(&app_state, &s, "/attestations").await.1;
        assert!(sb.contains("Buyer Alpha") && sb.contains("Buyer Xeno"));
        let ab = page(&app_state, &a, "/attestations").await.1;
        assert!(ab.contains("Supplier Sigma") && !ab.contains("Buyer Xeno"));
    }
}

#[tokio::test]
async fn an_attestation_round_trips_through_the_api_and_the_public_verify_page() {
    for store in backends().await {
        let app_state = state(&store);
        let s = who(&store, "Supplier Sigma").await;
        let (st, rec) = api(&app_state, &s, "POST", "/api/v1/attestations", Some(issue_body("star4", None))).await;
        assert_eq!(st, StatusCode::CREATED, "{rec}");
        let id = serde_json::from_str::<serde_json::Value>(&rec).unwrap()["id"].as_str().unwrap().to_string();
        let (_, envelope) = api(&app_state, &s, "GET", &format!("/api/v1/attestations/{id}/envelope"), None).await;
        // Public JWK set and API verification, no token.
        let req = Request::get(format!("/.well-known/mamori/keys/{}.json", s.org.slug)).body(Body::empty()).unwrap();
        let (st, jwks, _) = send(&app_state, req).await;
        assert_eq!(st, StatusCode::OK);
        assert!(jwks.contains("\"kty\":\"OKP\""));
        let req = Request::post("/api/v1/verify").body(Body::from(envelope.clone())).unwrap();
        let (_, v, _) = send(&app_state, req).await;
        assert!(v.contains("\"valid\":true"), "{v}");
        let tampered = envelope.replacen("Taro Yamada", "Taro Yamadb", 1);
        let req = Request::post("/api/v1/verify").body(Body::from(tampered.clone())).unwrap();
        let (_, v, _) = send(&app_state, req).await;
        assert!(v.contains("\"reason\":\"tampered\""), "{v}");
        // The HTML page needs the pre-session CSRF token.
        let form = |csrf: &str, env: &str| serde_urlencoded::to_string([("csrf", csrf), ("envelope", env)]).unwrap();
        let req = Request::post("/verify")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(form("nope", &envelope)))
            .unwrap();
        assert_eq!(send(&app_state, req).await.0, StatusCode::FORBIDDEN);
        let (_, html, headers) = send(&app_state, Request::get("/verify").body(Body::empty()).unwrap()).await;
        let pre = headers.get(header::SET_COOKIE).unwrap().to_str().unwrap().split(';').next().unwrap().to_string();
        let csrf = html.split("name=\"csrf\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
        for (env, expect) in [(&envelope, "Valid:"), (&tampered, "altered after signing")] {
            let req = Request::post("/verify")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::COOKIE, &pre)
                .body(Body::from(form(&csrf, env)))
                .unwrap();
            let (st, html, _) = send(&app_state, req).await;
            assert_eq!(st, StatusCode::OK);
            assert!(html.contains(expect), "expected {expect}");
        }
        // Revocation reaches the well-known list and the verdict.
        assert_eq!(
            api(
                &app_state,
                &s,
                "POST",
                &format!("/api/v1/attestations/{id}/revoke"),
                Some(serde_json::json!({"reason": "superseded"}))
            )
            .await
            .0,
            StatusCode::NO_CONTENT
        );
        let req =
            Request::get(format!("/.well-known/mamori/revocations/{}.json", s.org.slug)).body(Body::empty()).unwrap();
        assert!(send(&app_state, req).await.1.contains(&id));
        tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
        let req = Request::post("/api/v1/verify").body(Body::from(envelope.clone())).unwrap();
        assert!(send(&app_state, req).await.1.contains("\"reason\":\"revoked\""));
    }
}

#[tokio::test]
async fn an_invited_supplier_accepts_without_an_account_and_lands_on_its_requests() {
    for store in backends().await {
        let app_state = state(&store);
        let a = who(&store, "Buyer Alpha").await;
        let (st, b) = api(&app_state, &a, "POST", "/api/v1/supply/invitations", Some(serde_json::json!({
            "email": "sales@newco.example", "supplier_name": "NewCo", "supplied": "harnesses", "criticality": "critical",
            "connects_to_buyer_systems": true, "level": "star4", "deadline": "2031-03-31"
        }))).await;
        assert_eq!(st, StatusCode::CREATED, "{b}");
        let link = serde_json::from_str::<serde_json::Value>(&b).unwrap()["link"].as_str().unwrap().to_string();
        let path = link.split("127.0.0.1:8080").nth(1).unwrap().to_string();
        let (_, html, headers) = send(&app_state, Request::get(&path).body(Body::empty()).unwrap()).await;
        assert!(html.contains("Buyer Alpha"));
        let pre = headers.get(header::SET_COOKIE).unwrap().to_str().unwrap().split(';').next().unwrap().to_string();
        let csrf = html.split("name=\"csrf\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
        let body = serde_urlencoded::to_string([
            ("csrf", csrf.as_str()),
            ("name", "Sales"),
            ("password", PW),
            ("org_name", "NewCo KK"),
        ])
        .unwrap();
        let req = Request::post(&path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::COOKIE, &pre)
            .body(Body::from(body))
            .unwrap();
        let (st, _, headers) = send(&app_state, req).await;
        assert_eq!(st, StatusCode::SEE_OTHER);
        let cookie = headers.get(header::SET_COOKIE).unwrap().to_str().unwrap().split(';').next().unwrap().to_string();
        let req = Request::get("/attestations").header(header::COOKIE, &cookie).body(Body::empty()).unwrap();
        let (_, html, _) = send(&app_state, req).await;
        assert!(html.contains("Buyer Alpha") && html.contains("★4"));
        let (_, dash) = page(&app_state, &a, "/supply").await;
        assert!(dash.contains("NewCo KK") && dash.contains("data-testid=\"status\">Requested<"));
    }
}

/// A mailer that keeps what it is given.
#[derive(Default)]
struct Outbox(std::sync::Mutex<Vec<(String, String, String)>>);

impl mamori_web::Mailer for Outbox {
    fn send(&self, to: &str, subject: &str, body: &str) -> Result<(), String> {
        self.0.lock().unwrap().push((to.into(), subject.into(), body.into()));
        Ok(())
    }
    fn delivers(&self) -> bool {
        true
    }
}

impl Outbox {
    /// The body of the latest message to `to`.
    fn body(&self, to: &str) -> String {
        self.0.lock().unwrap().iter().rev().find(|m| m.0 == to).map(|m| m.2.clone()).unwrap_or_default()
    }

    /// (recipient, subject) of the messages since the last call, by recipient.
    fn take(&self) -> Vec<(String, String)> {
        let mut out: Vec<_> = self.0.lock().unwrap().drain(..).map(|(to, s, _)| (to, s)).collect();
        out.sort();
        out
    }
}

#[tokio::test]
async fn reminders_go_out_once_before_the_deadline_and_when_overdue_in_each_recipients_language() {
    use mamori_web::reminders::send_request_reminders;
    const DAY: i64 = 86_400_000;
    const HOUR: i64 = 3_600_000;
    for store in backends().await {
        let b = who(&store, "Remind Buyer").await;
        let s1 = who(&store, "Slow Supplier").await;
        let s2 = who(&store, "Late Supplier").await;
        let s3 = who(&store, "Dropped Supplier").await;
        let cli = || mamori_store::AdminPath::Cli { operator: "test".into() };
        let member = |email: &str, lang: &str| NewUser {
            email: email.into(),
            name: "Member".into(),
            password: PW.into(),
            lang: lang.into(),
        };
        store
            .admin_create_member(member("admin@slow.example", "ja"), &s1.org.slug, Role::Admin, false, cli())
            .await
            .unwrap();
        store
            .admin_create_member(member("viewer@slow.example", "en"), &s1.org.slug, Role::Viewer, false, cli())
            .await
            .unwrap();
        let l1 = store.add_relationship(&b.tenant, &s1.org.slug, &link("gears")).await.unwrap();
        let l2 = store.add_relationship(&b.tenant, &s2.org.slug, &link("bolts")).await.unwrap();
        let base = time::OffsetDateTime::now_utc().unix_timestamp() * 1000;
        let ask = |deadline| RequestInput { level: Some(Level::Star3), profile: None, deadline };
        // Ten days to answer; and three days, requested too late for a "7 days left" reminder.
        store.request_assessment(&b.tenant, &l1, &ask(base + 10 * DAY)).await.unwrap();
        store.request_assessment(&b.tenant, &l2, &ask(base + 3 * DAY)).await.unwrap();
        // Withdrawn: never reminded of.
        let l3 = store.add_relationship(&b.tenant, &s3.org.slug, &link("nuts")).await.unwrap();
        let r3 = store.request_assessment(&b.tenant, &l3, &ask(base + 10 * DAY)).await.unwrap();
        store.cancel_request(&b.tenant, &r3).await.unwrap();
        let outbox = Outbox::default();
        let run = |now: i64| send_request_reminders(&store, &outbox, "https://grc.example/", now);
        let (slow_owner, slow_admin, late_owner) =
            ("owner@slow-supplier.example", "admin@slow.example", "owner@late-supplier.example");
        let due_day =
            |d: i64| time::OffsetDateTime::from_unix_timestamp((base + d * DAY) / 1000).unwrap().date().to_string();
        let (d10, d3) = (due_day(10), due_day(3));
        let en = |days: &str, d: &str| format!("mamori: Remind Buyer's request is due in {days} ({d})");

        assert_eq!(run(base + DAY).await.unwrap(), 0);
        assert_eq!(outbox.take(), vec![]);

        run(base + 2 * DAY + HOUR).await.unwrap();
        assert_eq!(outbox.take(), vec![(late_owner.into(), en("1 day", &d3))]);

        run(base + 3 * DAY + HOUR).await.unwrap();
        let body = outbox.body(slow_admin);
        assert!(
            body.contains("★3") && body.contains(&d10) && body.contains("https://grc.example/attestations\n"),
            "{body}"
        );
        assert!(body.contains("依頼が届いています"), "Japanese for a Japanese admin: {body}");
        assert!(outbox.body(slow_owner).contains("asked your organization"));
        let late = format!("mamori: Remind Buyer's request is overdue (deadline {d3})");
        assert_eq!(
            outbox.take(),
            vec![
                (slow_admin.into(), format!("mamori: Remind Buyer からの依頼の期限まであと7日です（{d10}）")),
                (late_owner.into(), late),
                (slow_owner.into(), en("7 days", &d10)),
            ]
        );
        // Claimed in the database: the same time again, or a restarted server, sends nothing.
        assert_eq!(run(base + 3 * DAY + HOUR).await.unwrap(), 0);
        assert_eq!(send_request_reminders(&store, &Outbox::default(), "x", base + 5 * DAY).await.unwrap(), 0);

        run(base + 9 * DAY + HOUR).await.unwrap();
        assert_eq!(
            outbox.take(),
            vec![
                (slow_admin.into(), format!("mamori: Remind Buyer からの依頼の期限まであと1日です（{d10}）")),
                (slow_owner.into(), en("1 day", &d10)),
            ]
        );
        run(base + 10 * DAY + HOUR).await.unwrap();
        assert_eq!(outbox.take().len(), 2, "overdue, once per recipient");
        assert_eq!(run(base + 60 * DAY).await.unwrap(), 0);
        assert_eq!(outbox.take(), vec![]);
    }
}

#[tokio::test]
async fn the_whole_exchange_runs_on_api_tokens_alone() {
    for store in backends().await {
        let st = state(&store);
        let buyer = who(&store, "Buyer Api").await;
        let supplier = who(&store, "Supplier Api").await;
        let reviewer = who(&store, "Review Api").await;
        store
            .register_expert_reviewer(
                &reviewer.user.email,
                "RISS-9",
                mamori_store::AdminPath::Cli { operator: "t".into() },
            )
            .await
            .unwrap();
        let json = |b: &str| serde_json::from_str::<serde_json::Value>(b).unwrap();
        let direct_total = |status: &'static str| {
            let (st, buyer) = (&st, &buyer);
            async move {
                let (code, b) = api(st, buyer, "GET", &format!("/api/v1/supply/dashboard?status={status}"), None).await;
                assert_eq!(code, StatusCode::OK, "{b}");
                json(&b)["direct_total"].as_u64().unwrap()
            }
        };

        // The buyer records the relationship and asks for ★3 by a deadline.
        let body =
            serde_json::json!({"supplier": supplier.org.slug, "supplied": "control boards", "criticality": "high"});
        let (code, b) = api(&st, &buyer, "POST", "/api/v1/supply/links", Some(body)).await;
        assert_eq!(code, StatusCode::CREATED, "{b}");
        let link = json(&b)["id"].as_str().unwrap().to_owned();
        let body = serde_json::json!({"level": "star3", "deadline": "2099-12-31"});
        let (code, b) = api(&st, &buyer, "POST", &format!("/api/v1/supply/links/{link}/requests"), Some(body)).await;
        assert_eq!(code, StatusCode::CREATED, "{b}");
        assert_eq!(direct_total("requested").await, 1);

        // The supplier answers the SCS evaluation once, every ★3 criterion implemented, and submits it.
        let f = mamori_store::assess::frameworks().into_iter().find(|f| f.id == mamori_catalog::builtin::SCS).unwrap();
        let body = serde_json::json!({"framework_id": f.id, "framework_version": f.version, "title": "SCS",
            "scope_kind": "company", "scope_name": "HQ"});
        let (code, b) = api(&st, &supplier, "POST", "/api/v1/assessments", Some(body)).await;
        assert_eq!(code, StatusCode::CREATED, "{b}");
        let assessment = json(&b)["id"].as_str().unwrap().to_owned();
        let p = mamori_store::assess::plan(&f.id, &f.version).unwrap();
        for item in p.items.iter().filter(|i| i.req.tag_value("scs_level") == Some("3")) {
            let path = format!("/api/v1/assessments/{assessment}/answers/{}", item.req.id);
            let (code, b) = api(&st, &supplier, "PUT", &path, Some(serde_json::json!({"status": "implemented"}))).await;
            assert_eq!(code, StatusCode::OK, "{b}");
        }
        for action in ["request_review", "submit"] {
            let path = format!("/api/v1/assessments/{assessment}/transition");
            let (code, b) = api(&st, &supplier, "POST", &path, Some(serde_json::json!({"action": action}))).await;
            assert_eq!(code, StatusCode::OK, "{b}");
        }

        // Attested from the assessment, countersigned by the expert reviewer, shared with its answers.
        let body = serde_json::json!({"level": "star3", "pledge": {"name": "Hanako Sato", "title": "CEO"},
            "reviewer_org": reviewer.org.slug});
        let (code, b) =
            api(&st, &supplier, "POST", &format!("/api/v1/assessments/{assessment}/attestation"), Some(body)).await;
        assert_eq!(code, StatusCode::CREATED, "{b}");
        let attestation = json(&b)["id"].as_str().unwrap().to_owned();
        let (code, b) = api(&st, &reviewer, "GET", "/api/v1/reviews", None).await;
        assert!(code == StatusCode::OK && b.contains(&attestation), "{b}");
        let body = serde_json::json!({"approve": true, "reviewer_name": "Dr. Api"});
        let (code, b) = api(&st, &reviewer, "POST", &format!("/api/v1/reviews/{attestation}"), Some(body)).await;
        assert_eq!(code, StatusCode::OK, "{b}");
        let body = serde_json::json!({"buyer": buyer.org.slug, "scope": "answers"});
        let (code, b) =
            api(&st, &supplier, "POST", &format!("/api/v1/attestations/{attestation}/shares"), Some(body)).await;
        assert_eq!(code, StatusCode::CREATED, "{b}");
        let share = json(&b)["id"].as_str().unwrap().to_owned();

        // The buyer reads the signed result and every answer, and its dashboard shows ★3.
        let (code, b) = api(&st, &buyer, "GET", "/api/v1/shares/received", None).await;
        assert!(code == StatusCode::OK && b.contains(&share), "{b}");
        let (code, b) = api(&st, &buyer, "GET", &format!("/api/v1/shares/received/{share}/result"), None).await;
        assert_eq!(code, StatusCode::OK, "{b}");
        let star3 = p.items.iter().filter(|i| i.req.tag_value("scs_level") == Some("3")).count();
        assert_eq!(json(&b)["answers"].as_object().map(|a| a.len()), Some(star3), "{b}");
        assert_eq!(direct_total("attested_star3").await, 1);
        assert_eq!(direct_total("requested").await, 0);

        // The supplier revokes the attestation itself: the buyer sees it revoked; then the share goes too.
        let body = serde_json::json!({"reason": "scope changed"});
        let (code, _) =
            api(&st, &supplier, "POST", &format!("/api/v1/attestations/{attestation}/revoke"), Some(body)).await;
        assert_eq!(code, StatusCode::NO_CONTENT);
        assert_eq!(direct_total("revoked").await, 1);
        assert_eq!(direct_total("attested_star3").await, 0);
        let (code, _) = api(&st, &supplier, "DELETE", &format!("/api/v1/shares/{share}"), None).await;
        assert_eq!(code, StatusCode::NO_CONTENT);
        let (code, _) = api(&st, &buyer, "GET", &format!("/api/v1/shares/received/{share}/result"), None).await;
        assert_eq!(code, StatusCode::NOT_FOUND);
    }
}
