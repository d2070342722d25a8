//! Operations endpoints, security headers and cookies, the OpenAPI document and the
//! browsable API docs.

use mamori_web::WebConfig;

use crate::isolation::declared_routes;
use crate::support::{As, DEMO_PASSWORD, Resp, TestApp, between};

#[tokio::test]
async fn health_and_readiness_answer_when_the_database_is_reachable() {
    let app = TestApp::new().await;
    let health = app.get("/healthz", As::Anon).await;
    health.expect(200);
    assert_eq!(health.text(), "ok\n");
    let ready = app.get("/readyz", As::Anon).await;
    ready.expect(200);
    assert_eq!(ready.text(), "ready\n");
}

/// The value of an unlabelled or labelled sample in Prometheus text.
fn sample(text: &str, series: &str) -> f64 {
    text.lines()
        .find_map(|l| l.strip_prefix(series).and_then(|rest| rest.strip_prefix(' ')))
        .unwrap_or_else(|| panic!("no {series} in {text}"))
        .trim()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn metrics_are_prometheus_text_and_the_counters_increase() {
    let app = TestApp::new().await;
    let first = app.get("/metrics", As::Anon).await;
    first.expect(200);
    assert!(first.content_type().starts_with("text/plain; version=0.0.4"), "{}", first.content_type());
    let text = first.text();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# ") {
            assert!(rest.starts_with("HELP ") || rest.starts_with("TYPE "), "{line}");
            continue;
        }
        let (name, value) = line.rsplit_once(' ').unwrap_or_else(|| panic!("not a sample: {line}"));
        assert!(name.starts_with("mamori_"), "{line}");
        assert!(value.parse::<f64>().is_ok(), "{line}");
        let metric = name.split('{').next().unwrap();
        let family = metric.trim_end_matches("_sum").trim_end_matches("_count");
        assert!(text.contains(&format!("# TYPE {family} ")), "{metric} has a TYPE line");
    }
    assert_eq!(sample(&text, "mamori_db_up"), 1.0);
    let backend = if app.db.is_postgres() { "postgres" } else { "sqlite" };
    assert!(text.contains(&format!("backend=\"{backend}\"")), "{text}");

    let ok_before = sample(&text, "mamori_http_requests_total{class=\"2xx\"}");
    let missing_before = sample(&text, "mamori_http_requests_total{class=\"4xx\"}");
    let count_before = sample(&text, "mamori_http_request_duration_seconds_count");
    for _ in 0..3 {
        app.get("/healthz", As::Anon).await.expect(200);
    }
    app.get("/api/v1/me", As::Anon).await.expect(401);
    let text = app.get("/metrics", As::Anon).await.text();
    // The first /metrics response itself is counted once it has been answered.
    assert_eq!(sample(&text, "mamori_http_requests_total{class=\"2xx\"}"), ok_before + 4.0);
    assert_eq!(sample(&text, "mamori_http_requests_total{class=\"4xx\"}"), missing_before + 1.0);
    assert_eq!(sample(&text, "mamori_http_request_duration_seconds_count"), count_before + 5.0);
    assert!(sample(&text, "mamori_http_request_duration_seconds_sum") > 0.0);
}

#[track_caller]
fn assert_hardened(what: &str, resp: &Resp) {
    let csp = resp.header("content-security-policy").unwrap_or_else(|| panic!("{what}: no CSP"));
    let directives: Vec<&str> = csp.split(';').map(str::trim).collect();
    assert!(directives.contains(&"frame-ancestors 'none'"), "{what}: {csp}");
    assert!(directives.contains(&"script-src 'self'"), "{what}: {csp}");
    assert!(directives.contains(&"default-src 'self'"), "{what}: {csp}");
    assert!(!csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"), "{what}: {csp}");
    assert_eq!(resp.header("x-content-type-options"), Some("nosniff"), "{what}");
    let referrer = resp.header("referrer-policy").unwrap_or_else(|| panic!("{what}: no Referrer-Policy"));
    assert!(
        ["no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"].contains(&referrer),
        "{what}: {referrer}"
    );
    assert_eq!(resp.header("x-frame-options"), Some("DENY"), "{what}");
    if resp.is_html() {
        let body = resp.text().to_lowercase();
        for script in body.split("<script").skip(1) {
            let tag = &script[..script.find('>').unwrap_or(script.len())];
            assert!(tag.contains(" src="), "{what}: an inline script");
        }
        assert!(!body.contains("<style") && !body.contains(" style="), "{what}: inline styles");
        for handler in [" onclick=", " onload=", " onerror=", " onsubmit=", " onchange=", "javascript:"] {
            assert!(!body.contains(handler), "{what}: {handler}");
        }
    }
}

#[tokio::test]
async fn every_response_carries_the_csp_and_the_other_security_headers() {
    let app = TestApp::with_demo(TestApp::roomy_config()).await;
    let owner = app.login_as("owner@sakura-motors.example", DEMO_PASSWORD).await;
    let token = app.api_token(&owner, "headers", "owner").await;
    let mut seen = Vec::new();
    for path in [
        "/login",
        "/signup",
        "/password/forgot",
        "/password/reset?token=x",
        "/invite/nope",
        "/nope",
        "/",
        "/api/v1/docs",
        "/static/app.css",
        "/healthz",
        "/metrics",
    ] {
        seen.push((format!("anonymous GET {path}"), app.get(path, As::Anon).await));
    }
    for path in ["/", "/orgs", "/members", "/tokens", "/audit", "/suppliers", "/settings", "/audit?before=5"] {
        let resp = app.get(path, As::Browser(&owner)).await;
        resp.expect(200);
        assert!(resp.is_html());
        seen.push((format!("GET {path}"), resp));
    }
    seen.push(("a refused form".into(), app.post_form_raw("/orgs", As::Browser(&owner), &[("name", "x")]).await));
    seen.push(("an invalid form".into(), app.post_form("/orgs", As::Browser(&owner), &[("name", "")]).await));
    seen.push(("a secret shown once".into(), app.post_form("/tokens", As::Browser(&owner), &[("name", "hdr")]).await));
    seen.push(("an API answer".into(), app.get("/api/v1/me", As::Token(&token)).await));
    seen.push(("an API problem".into(), app.get("/api/v1/me", As::Anon).await));
    seen.push(("an API 404".into(), app.get("/api/v1/nope", As::Token(&token)).await));
    for (what, resp) in &seen {
        assert_hardened(what, resp);
    }
    assert!(seen.iter().filter(|(_, r)| r.is_html()).count() >= 15);
}

#[tokio::test]
async fn cookies_are_http_only_and_same_site_and_secure_when_configured() {
    let app = TestApp::new().await;
    let anon = app.get("/login", As::Anon).await;
    let pre = anon.set_cookie_line("mamori_pre").expect("a pre-login cookie");
    assert!(pre.contains("HttpOnly") && pre.contains("SameSite=Strict") && pre.contains("Path=/"), "{pre}");
    let browser = app.anon().await;
    let fields =
        [("name", "C"), ("email", "c@example.com"), ("password", crate::support::PASSWORD), ("org_name", "C Co")];
    let signup = app.post_form("/signup", As::Browser(&browser), &fields).await;
    let session = signup.set_cookie_line("mamori_session").expect("a session cookie");
    assert!(
        session.contains("HttpOnly") && session.contains("SameSite=Lax") && session.contains("Path=/"),
        "{session}"
    );
    assert!(!session.contains("Secure"), "plain-HTTP development keeps cookies usable");
    let lang = app.post_form("/lang", As::Browser(&browser), &[("lang", "ja")]).await;
    let lang = lang.set_cookie_line("mamori_lang").expect("a language cookie");
    assert!(lang.contains("HttpOnly") && lang.contains("SameSite=Lax"), "{lang}");

    let secure = TestApp::with_config(WebConfig { secure_cookies: true, ..WebConfig::default() }).await;
    let browser = secure.anon().await;
    let signup = secure.post_form("/signup", As::Browser(&browser), &fields).await;
    let session = signup.set_cookie_line("mamori_session").expect("a session cookie");
    assert!(session.contains("; Secure") && session.contains("HttpOnly"), "{session}");
    let pre = secure.get("/login", As::Anon).await.set_cookie_line("mamori_pre").unwrap();
    assert!(pre.contains("; Secure"), "{pre}");
}

#[tokio::test]
async fn the_openapi_document_is_version_3_1_and_lists_every_api_route() {
    let app = TestApp::new().await;
    let resp = app.get("/api/v1/openapi.json", As::Anon).await;
    resp.expect(200);
    assert!(resp.content_type().starts_with("application/json"));
    let doc = resp.json();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"), "{}", doc["openapi"]);
    assert_eq!(doc["info"]["title"], "mamori API");
    let scheme = &doc["components"]["securitySchemes"]["bearer"];
    assert_eq!((scheme["type"].as_str(), scheme["scheme"].as_str()), (Some("http"), Some("bearer")));
    assert!(doc["components"]["schemas"]["Problem"].is_object());

    let api: Vec<(String, String)> = declared_routes()
        .into_iter()
        .filter(|(_, path)| path.starts_with("/api/v1/") && path != "/api/v1/openapi.json" && path != "/api/v1/docs")
        .collect();
    assert!(api.len() >= 10, "{api:?}");
    for (method, path) in &api {
        let op = &doc["paths"][path][method.to_lowercase()];
        assert!(op.is_object(), "{method} {path} is missing from the OpenAPI document");
        let responses = op["responses"].as_object().unwrap_or_else(|| panic!("{method} {path} has no responses"));
        assert!(!responses.is_empty());
        for (status, r) in responses {
            if status.starts_with('4') {
                let schema = &r["content"]["application/json"]["schema"]["$ref"];
                assert_eq!(schema.as_str(), Some("#/components/schemas/Problem"), "{method} {path} {status}");
            }
        }
        let secured = op["security"].as_array().is_some_and(|s| !s.is_empty());
        assert_eq!(secured, path != "/api/v1/auth/token", "{method} {path} declares its bearer requirement");
    }
}

#[tokio::test]
async fn the_api_docs_page_loads_vendored_assets_that_exist() {
    let app = TestApp::new().await;
    let page = app.get("/api/v1/docs", As::Anon).await;
    page.expect(200);
    assert!(page.is_html());
    assert_hardened("the API docs", &page);
    let html = page.text();
    let mut assets = Vec::new();
    for attr in ["src=\"", "href=\""] {
        for piece in html.split(attr).skip(1) {
            assets.push(piece[..piece.find('"').unwrap()].to_string());
        }
    }
    assert!(assets.iter().filter(|a| a.starts_with("/static/vendor/")).count() >= 2, "{assets:?}");
    for asset in &assets {
        assert!(asset.starts_with("/static/"), "{asset} is not served from our own origin");
        let resp = app.get(asset, As::Anon).await;
        resp.expect(200);
        assert!(resp.body.len() > 100, "{asset} is empty");
        let expected = if asset.ends_with(".js") { "text/javascript" } else { "text/css" };
        assert!(resp.content_type().starts_with(expected), "{asset}: {}", resp.content_type());
        if asset.starts_with("/static/vendor/") {
            assert!(resp.header("cache-control").unwrap().contains("immutable"), "{asset}");
        }
    }
    let init = app.get("/static/swagger-init.js", As::Anon).await.text();
    assert!(init.contains("/api/v1/openapi.json"), "the docs load our document: {init}");
    let htmx = between(&app.get("/login", As::Anon).await.text(), "<script src=\"/static/vendor/htmx", "\"")
        .expect("htmx is vendored");
    app.get(&format!("/static/vendor/htmx{htmx}"), As::Anon).await.expect(200);
}
