//! About a thousand malformed requests from a deterministic generator: bad and truncated
//! JSON, wrong types, huge bodies, invalid UTF-8, wrong content types, unknown IDs, absurd
//! query parameters, bad credentials, path traversal and broken HTML forms. Every API
//! answer must be a 4xx problem document, HTML errors are 4xx pages, nothing answers 5xx.

use axum::body::Body;
use axum::http::{HeaderName, HeaderValue, Method, Request};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::support::{As, PASSWORD, Resp, Session, TestApp};

/// xorshift64*: small, fast and the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum Kind {
    /// Under /api/v1: must be a 4xx problem document.
    Api,
    /// An HTML form or page: never 5xx, and errors are HTML pages.
    Html,
    /// A static asset path: 404, and never a file from outside the assets.
    Static,
}

struct Case {
    label: String,
    method: Method,
    path: String,
    headers: Vec<(&'static str, Vec<u8>)>,
    body: Vec<u8>,
    kind: Kind,
}

impl Case {
    fn new(kind: Kind, method: Method, path: impl Into<String>, label: impl Into<String>) -> Case {
        Case { label: label.into(), method, path: path.into(), headers: Vec::new(), body: Vec::new(), kind }
    }
    fn header(mut self, name: &'static str, value: impl AsRef<[u8]>) -> Case {
        self.headers.push((name, value.as_ref().to_vec()));
        self
    }
    fn body(mut self, body: impl AsRef<[u8]>) -> Case {
        self.body = body.as_ref().to_vec();
        self
    }
    fn json(self, body: impl AsRef<[u8]>) -> Case {
        self.header("content-type", "application/json").body(body)
    }
    fn request(&self) -> Request<Body> {
        let mut b = Request::builder().method(self.method.clone()).uri(&self.path);
        for (k, v) in &self.headers {
            b = b.header(HeaderName::from_static(k), HeaderValue::from_bytes(v).expect("a header value"));
        }
        b.body(Body::from(self.body.clone())).unwrap_or_else(|e| panic!("{}: {e}", self.label))
    }
}

const POST_ROUTES: [&str; 4] = ["/api/v1/auth/token", "/api/v1/invitations", "/api/v1/tokens", "/api/v1/intel/peers"];
const LIST_ROUTES: [&str; 5] =
    ["/api/v1/members", "/api/v1/invitations", "/api/v1/tokens", "/api/v1/audit", "/api/v1/suppliers"];

/// A body each POST route would accept, to break in controlled ways.
fn valid_body(route: &str) -> String {
    match route {
        "/api/v1/auth/token" => r#"{"email":"nobody@example.com","password":"a long password"}"#.into(),
        "/api/v1/invitations" => r#"{"email":"guest@example.com","role":"viewer"}"#.into(),
        "/api/v1/intel/peers" => r#"{"name":"p","collection_url":"https://h.example/r/collections/c/","auth":"none","direction":"pull","local_collection":"x","max_tlp":"green"}"#.into(),
        _ => r#"{"name":"script","role":"viewer","expires_in_days":30}"#.into(),
    }
}

/// Bodies that no POST route may accept.
fn bad_json() -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = [
        "",
        " ",
        "{",
        "}",
        "[",
        "]",
        "{\"",
        "{\"email\":",
        "{\"email\":\"a\"",
        "{\"email\":\"a\",}",
        "{'email':'a'}",
        "{email:1}",
        "nul",
        "tru",
        "NaN",
        "Infinity",
        "{\"a\":1}{\"b\":2}",
        "\u{feff}{}",
        "{\"name\":\"x\"",
        "/* */{}",
        "null",
        "[]",
        "123",
        "-0",
        "\"str\"",
        "true",
        "{}",
        "{\"email\":1,\"password\":2}",
        "{\"name\":[]}",
        "{\"name\":{}}",
        "{\"name\":null}",
        "{\"email\":\"a@b.co\",\"role\":5}",
        "{\"name\":\"x\",\"expires_in_days\":-1}",
        "{\"name\":\"x\",\"expires_in_days\":1.5}",
        "{\"name\":\"x\",\"expires_in_days\":99999999999}",
        "{\"name\":\"x\",\"expires_in_days\":1e400}",
        "{\"name\":\"x\",\"role\":\"root\"}",
        "{\"name\":\"x\",\"admin\":true}",
        "{\"email\":\"a@b.co\",\"role\":\"viewer\",\"org\":\"x\"}",
        "{\"name\":\"\"}",
        "{\"name\":\"   \"}",
        "{\"name\":\"\\u0000\"}",
        "{\"name\":\"x\",\"expires_in_days\":0}",
        "{\"name\":\"x\",\"expires_in_days\":3651}",
        "{\"email\":\"\",\"role\":\"\"}",
        "{\"email\":\"not-an-email\",\"role\":\"viewer\"}",
        "{\"name\":\"\\ud800\"}",
        "{\"email\":\"a@b.co\",\"role\":\"superuser\"}",
        "{\"email\":[\"a@b.co\"],\"password\":\"x\"}",
    ]
    .iter()
    .map(|s| s.as_bytes().to_vec())
    .collect();
    out.push("[".repeat(100_000).into_bytes());
    out.push("{\"a\":".repeat(20_000).into_bytes());
    out.push(format!("{{\"name\":\"{}\"}}", "x".repeat(100_000)).into_bytes());
    out.push(
        format!("{{\"email\":\"{}@example.com\",\"role\":\"viewer\",\"password\":\"x\"}}", "a".repeat(300))
            .into_bytes(),
    );
    out
}

fn invalid_utf8() -> Vec<Vec<u8>> {
    vec![
        b"{\"name\":\"\xff\xfe\"}".to_vec(),
        b"\xff".to_vec(),
        b"\xc3\x28".to_vec(),
        b"{\"email\":\"\xc0\xafa@b.co\",\"password\":\"x\"}".to_vec(),
        b"{\"name\":\"\xed\xa0\x80\"}".to_vec(),
        b"\xef\xbb\xbf\xff{}".to_vec(),
        b"{\"name\":\"ok\"}\x80".to_vec(),
    ]
}

fn api_cases(rng: &mut Rng) -> Vec<Case> {
    let mut cases = Vec::new();
    let api = Kind::Api;
    // Bad JSON under each accepted JSON media type.
    for route in POST_ROUTES {
        for (i, body) in bad_json().into_iter().enumerate() {
            for ct in ["application/json", "application/problem+json", "application/json; charset=utf-8"] {
                cases.push(
                    Case::new(api, Method::POST, route, format!("bad json #{i} as {ct}"))
                        .header("content-type", ct)
                        .body(&body),
                );
            }
        }
        for (i, body) in invalid_utf8().into_iter().enumerate() {
            cases.push(Case::new(api, Method::POST, route, format!("invalid utf-8 #{i}")).json(body));
        }
        // A body the route would take, under the wrong media type.
        for ct in [
            None,
            Some(&b"text/plain"[..]),
            Some(b"application/x-www-form-urlencoded"),
            Some(b"multipart/form-data; boundary=x"),
            Some(b"application/xml"),
            Some(b"text/json"),
            Some(b"application/jsonx"),
            Some(b"json"),
            Some(b""),
            Some(b"application/js\xc3\xb6n"),
            Some(b"application/json-seq"),
        ] {
            let mut c =
                Case::new(api, Method::POST, route, format!("content type {:?}", ct.map(String::from_utf8_lossy)))
                    .body(valid_body(route));
            if let Some(ct) = ct {
                c = c.header("content-type", ct);
            }
            cases.push(c);
        }
        // Bodies past the 1 MiB limit, announced or streamed.
        for size in [1024 * 1024 + 1, 3 * 1024 * 1024] {
            let big = format!("{{\"name\":\"{}\"}}", "x".repeat(size));
            cases.push(
                Case::new(api, Method::POST, route, format!("{size} bytes announced"))
                    .json(&big)
                    .header("content-length", big.len().to_string()),
            );
            cases.push(Case::new(api, Method::POST, route, format!("{size} bytes streamed")).json(&big));
            cases.push(
                Case::new(api, Method::POST, route, format!("{size} bytes of text"))
                    .header("content-type", "text/plain")
                    .body(&big),
            );
        }
        // Truncations and stray bytes in a valid body: never valid again.
        let valid = valid_body(route);
        for _ in 0..40 {
            let cut = rng.below(valid.len());
            cases.push(
                Case::new(api, Method::POST, route, format!("truncated at {cut}")).json(&valid.as_bytes()[..cut]),
            );
        }
        for _ in 0..40 {
            let mut bytes = valid.clone().into_bytes();
            let at = rng.below(bytes.len() + 1);
            bytes.insert(at, *rng.pick(&[0xff_u8, 0xfe, 0xc0, 0x80]));
            cases.push(Case::new(api, Method::POST, route, format!("stray byte at {at}")).json(bytes));
        }
        // Random JSON-ish noise.
        let alphabet = b"{}[]\":,0123456789.-+eEtrufalsn \\/\x00\x7f\xff";
        for _ in 0..30 {
            let len = rng.below(200);
            let noise: Vec<u8> = (0..len).map(|_| *rng.pick(alphabet)).collect();
            cases.push(
                Case::new(api, Method::POST, route, format!("noise {:?}", String::from_utf8_lossy(&noise))).json(noise),
            );
        }
    }
    // Unknown, hostile and malformed IDs.
    let mut ids: Vec<String> = (0..10).map(|_| format!("{:016x}{:016x}", rng.next(), rng.next())).collect();
    ids.extend(
        [
            "0",
            "-1",
            "null",
            "%00",
            "%FF",
            "..",
            "..%2F..%2Fetc%2Fpasswd",
            "%2e%2e",
            "'%20OR%201=1%20--",
            "1;DROP%20TABLE%20users",
            "%F0%9F%98%80",
            "%zz",
            "a%",
            "019a0000-0000-7000-8000-000000000000",
            "mmr_x",
        ]
        .map(String::from),
    );
    ids.push("x".repeat(5000));
    for id in &ids {
        let label = format!("unknown id {}", &id[..id.len().min(40)]);
        cases.push(Case::new(api, Method::DELETE, format!("/api/v1/tokens/{id}"), label.clone()));
        cases.push(Case::new(api, Method::GET, format!("/api/v1/tokens/{id}"), label.clone()));
        cases.push(Case::new(api, Method::DELETE, format!("/api/v1/tokens/{id}/extra"), label.clone()));
        cases.push(Case::new(api, Method::GET, format!("/api/v1/intel/peers/{id}"), label.clone()));
        cases.push(Case::new(api, Method::DELETE, format!("/api/v1/intel/peers/{id}"), label.clone()));
        cases.push(Case::new(api, Method::POST, format!("/api/v1/intel/peers/{id}/sync"), label.clone()));
        cases.push(
            Case::new(api, Method::PUT, format!("/api/v1/intel/peers/{id}"), label)
                .json(valid_body("/api/v1/intel/peers")),
        );
    }
    // Absurd pagination.
    let cursor = |s: &[u8]| URL_SAFE_NO_PAD.encode(s);
    let mut queries: Vec<String> = [
        "limit=-1",
        "limit=0",
        "limit=201",
        "limit=999999",
        "limit=4294967296",
        "limit=99999999999999999999",
        "limit=abc",
        "limit=",
        "limit=1.5",
        "limit=1e2",
        "limit=%00",
        "limit=%FF",
        "limit=1&limit=2",
        "limit=+5",
        "cursor=",
        "cursor=garbage!",
        "cursor=%FF",
        "cursor=====",
        "cursor=cDox=",
        "limit=-1&cursor=x",
    ]
    .map(String::from)
    .to_vec();
    for raw in [&b"p:-1"[..], b"x:1", b"p:abc", b"p:99999999999999999999", b"\xff\xfe", b"p:", b"p:1 ", b"P:1"] {
        queries.push(format!("cursor={}", cursor(raw)));
    }
    queries.push(format!("cursor={}", "a".repeat(5000)));
    for route in LIST_ROUTES {
        for q in &queries {
            cases.push(Case::new(api, Method::GET, format!("{route}?{q}"), format!("query {}", &q[..q.len().min(40)])));
        }
    }
    // Methods a route does not have.
    let wrong: [(&str, &[Method]); 10] = [
        ("/api/v1/me", &[Method::POST, Method::PUT, Method::PATCH, Method::DELETE]),
        ("/api/v1/members", &[Method::POST, Method::PUT, Method::DELETE]),
        ("/api/v1/invitations", &[Method::PUT, Method::PATCH, Method::DELETE]),
        ("/api/v1/tokens", &[Method::PUT, Method::PATCH, Method::DELETE]),
        ("/api/v1/tokens/abc", &[Method::POST, Method::PUT, Method::PATCH]),
        ("/api/v1/audit", &[Method::POST, Method::DELETE]),
        ("/api/v1/suppliers", &[Method::POST, Method::PUT]),
        ("/api/v1/auth/token", &[Method::GET, Method::PUT, Method::DELETE]),
        ("/api/v1/openapi.json", &[Method::POST, Method::DELETE]),
        ("/api/v1/docs", &[Method::POST, Method::PUT]),
    ];
    for (path, methods) in wrong {
        for m in methods {
            cases.push(Case::new(api, m.clone(), path, format!("method {m}")).json("{}"));
        }
    }
    // Paths that do not exist.
    for path in [
        "/api/v1",
        "/api/v1/",
        "/api/v1/nope",
        "/api/v1/ME",
        "/api/v1/me/",
        "/api/v1/tokens/a/b",
        "/api/v1//me",
        "/api/v1/../../etc/passwd",
        "/api/v1/%2e%2e/%2e%2e/etc/passwd",
        "/api/v1/openapi.yaml",
        "/api/v1/me%00",
    ] {
        cases.push(Case::new(api, Method::GET, path, "unknown path"));
    }
    cases
}

/// Credentials that must all be refused, on a read and on a write.
fn auth_cases(valid: &str) -> Vec<Case> {
    let long = format!("Bearer mmr_{}", "a".repeat(8000));
    let headers: Vec<Vec<u8>> = vec![
        b"Bearer".to_vec(),
        b"Bearer ".to_vec(),
        b"Bearer mmr_".to_vec(),
        b"Bearer mmr_unknown".to_vec(),
        format!("Bearer {valid}x").into_bytes(),
        format!("Bearer {}", &valid[..valid.len() - 1]).into_bytes(),
        format!("Basic {valid}").into_bytes(),
        format!("Token {valid}").into_bytes(),
        format!("Bearer{valid}").into_bytes(),
        format!("Bearer  {} junk", valid).into_bytes(),
        b"Bearer \xff\xfe".to_vec(),
        b"Bearer mmr_\xc3\xa9".to_vec(),
        long.into_bytes(),
        b"Bearer null".to_vec(),
        b"Bearer \t".to_vec(),
        b"Bearer ../../etc/passwd".to_vec(),
        b"".to_vec(),
    ];
    let mut cases = Vec::new();
    for (i, h) in headers.iter().enumerate() {
        cases.push(
            Case::new(Kind::Api, Method::GET, "/api/v1/me", format!("authorization #{i}")).header("authorization", h),
        );
        cases.push(
            Case::new(Kind::Api, Method::POST, "/api/v1/tokens", format!("authorization #{i} on a write"))
                .header("authorization", h)
                .json(valid_body("/api/v1/tokens")),
        );
    }
    cases.push(Case::new(Kind::Api, Method::GET, "/api/v1/me", "no authorization"));
    cases
}

fn static_cases() -> Vec<Case> {
    [
        "/static/../Cargo.toml",
        "/static/%2e%2e/Cargo.toml",
        "/static/%2e%2e/%2e%2e/Cargo.toml",
        "/static/..%2F..%2FCargo.toml",
        "/static/vendor/../../src/lib.rs",
        "/static//etc/passwd",
        "/static/%2Fetc%2Fpasswd",
        "/static/%00",
        "/static/app.css%00.js",
        "/static/.%2e/src/lib.rs",
        "/static/vendor/",
        "/static/vendor/..",
        "/static/%5C..%5CCargo.toml",
        "/static/app.css/..",
        "/static/nope.js",
        "/static/APP.CSS",
        "/static/%F0%9F%98%80",
        "/static/....//....//Cargo.toml",
    ]
    .iter()
    .map(|p| Case::new(Kind::Static, Method::GET, *p, "static traversal"))
    .chain(std::iter::once(Case::new(
        Kind::Static,
        Method::GET,
        format!("/static/{}", "a/".repeat(2000)),
        "deep static path",
    )))
    .collect()
}

/// Broken submissions of every HTML form, with a valid session and CSRF token.
fn html_cases(s: &Session) -> Vec<Case> {
    let forms: [(&str, &[&str]); 19] = [
        (
            "/intel/peers",
            &[
                "name=&collection_url=",
                "name=x&collection_url=ftp://a/b&auth=basic&interval_minutes=abc",
                "name=x&collection_url=https://h.example/r/collections/c/&auth=magic&direction=sideways&max_tlp=red",
                "name=%FF&interval_minutes=99999999999999999999",
            ],
        ),
        ("/intel/peers/not-a-peer", &["name=x", ""]),
        ("/intel/peers/not-a-peer/sync", &[""]),
        ("/login", &["email=x%FF%FE&password=", "email=&password=&totp=abcdef", "email=a&email=b&password=c"]),
        (
            "/signup",
            &[
                "name=&email=&password=&org_name=",
                "name=%00&email=a@b.co&password=short&org_name=x",
                "name=x&email=bad&password=correct+horse+battery&org_name=%01",
            ],
        ),
        ("/password/forgot", &["email=", "email=%FF"]),
        (
            "/password/reset",
            &[
                "token=x&password=short&confirm=short",
                "token=&password=&confirm=",
                "token=%FF&password=aaaaaaaaaaaa&confirm=bbbbbbbbbbbb",
            ],
        ),
        ("/invite/not-a-token", &["name=x&password=correct+horse+battery", ""]),
        ("/orgs", &["name=", "name=x&slug=-bad-", "name=%01%02", "name=x&slug=%FF%FF"]),
        ("/orgs/switch", &["org_id=", "org_id=%00", "org_id=../../etc"]),
        ("/members/invite", &["email=", "email=not-an-address&role=viewer", "email=a@b&role=owner%00"]),
        ("/members/role", &["user_id=&role=", "user_id=x&role=god", "user_id=%FF&role=viewer"]),
        (
            "/tokens",
            &[
                "name=",
                "name=x&expires_in_days=abc",
                "name=x&expires_in_days=-1",
                "name=x&expires_in_days=0",
                "name=%01&role=viewer",
            ],
        ),
        ("/tokens/not-a-token/revoke", &[""]),
        ("/settings/lang", &["lang=", "lang=xx", "lang=%FF"]),
        ("/settings/mfa/enable", &["code=", "code=abcdef", "code=1234567"]),
        ("/settings/mfa/disable", &["code=", "code=%FF"]),
        ("/intel/peers/%00/delete", &[""]),
        ("/lang", &["lang=zz&back=%FF", "back=javascript:alert(1)"]),
    ];
    let long = "x".repeat(10_000);
    let mut cases = Vec::new();
    let form = |path: &str, body: Vec<u8>, label: String| {
        Case::new(Kind::Html, Method::POST, path, label)
            .header("cookie", s.cookie.as_bytes())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
    };
    for (path, bodies) in forms {
        for body in bodies {
            let full = if body.is_empty() { format!("csrf={}", s.csrf) } else { format!("{body}&csrf={}", s.csrf) };
            cases.push(form(path, full.into_bytes(), format!("form {body}")));
        }
        let overlong =
            format!("name={long}&email={long}&password={long}&org_name={long}&code={long}&lang={long}&csrf={}", s.csrf);
        cases.push(form(path, overlong.into_bytes(), "overlong fields".into()));
        // Invalid UTF-8 decodes to U+FFFD; another bad field keeps every form from succeeding.
        let mut raw = b"name=\xff\xfe&email=\xc0\xaf&slug=-&expires_in_days=\xff&code=\xff&csrf=".to_vec();
        raw.extend(s.csrf.as_bytes());
        cases.push(form(path, raw, "raw invalid utf-8".into()));
        cases.push(form(path, format!("csrf={}&%%%=&=&&==", s.csrf).into_bytes(), "broken encoding".into()));
        // The htmx path: token in a header, body in a type the form does not take.
        for ct in ["application/json", "text/plain", "multipart/form-data; boundary=x"] {
            cases.push(
                Case::new(Kind::Html, Method::POST, path, format!("form as {ct}"))
                    .header("cookie", s.cookie.as_bytes())
                    .header("x-csrf-token", s.csrf.as_bytes())
                    .header("content-type", ct)
                    .body("{\"name\":\"x\"}"),
            );
        }
        let big = format!("csrf={}&name={}", s.csrf, "x".repeat(1024 * 1024 + 10));
        cases.push(form(path, big.clone().into_bytes(), "huge form".into()));
        cases.push(
            form(path, big.clone().into_bytes(), "huge form announced".into())
                .header("content-length", big.len().to_string()),
        );
    }
    // Pages with odd query strings.
    for path in [
        "/audit?before=abc",
        "/audit?before=-1",
        "/audit?before=99999999999999999999",
        "/?notice=%FF",
        "/?notice=nope",
        "/password/reset?token=%00",
        "/tokens?notice=%3Cscript%3E",
    ] {
        cases.push(Case::new(Kind::Html, Method::GET, path, "odd query").header("cookie", s.cookie.as_bytes()));
    }
    cases
}

/// What is wrong with an answer, if anything.
fn check(case: &Case, resp: &Resp) -> Result<(), String> {
    let what = format!("{} {} ({})", case.method, &case.path[..case.path.len().min(80)], case.label);
    let status = resp.status.as_u16();
    let fail = |why: String| Err(format!("{what}: {why}"));
    let head: String = resp.text().chars().take(300).collect();
    if status >= 500 {
        return fail(format!("answered {status}: {head}"));
    }
    match case.kind {
        Kind::Api => {
            if !(400..500).contains(&status) {
                return fail(format!("answered {status}: {head}"));
            }
            if !resp.is_problem() {
                return fail(format!("content type {:?}: {head}", resp.content_type()));
            }
            let p: serde_json::Value = serde_json::from_slice(&resp.body).map_err(|e| format!("{what}: {e}"))?;
            let text = |k: &str| p[k].as_str().is_some_and(|t| !t.is_empty());
            let code = p["code"].as_str().unwrap_or_default();
            let code_ok = !code.is_empty() && code.bytes().all(|b| b.is_ascii_lowercase() || b == b'_');
            if !(text("type") && text("title") && p["status"].as_u64() == Some(u64::from(status)) && code_ok) {
                return fail(format!("not a complete problem document: {p}"));
            }
        }
        Kind::Html => {
            if status >= 400 && !resp.is_html() {
                return fail(format!("a {status} that is not a page ({:?}): {head}", resp.content_type()));
            }
        }
        Kind::Static => {
            let body = resp.text();
            if status != 404 || body.contains("[package]") || body.contains("root:") || body.contains("//!") {
                return fail(format!("answered {status}: {head}"));
            }
        }
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_malformed_requests_get_4xx_answers_and_never_a_5xx() {
    let app = TestApp::with_config(TestApp::roomy_config()).await;
    let s = app.signup("Fuzz Owner", "fuzz@example.com", "Fuzz Co").await;
    let token = app.api_token(&s, "fuzz", "owner").await;
    let counts = [
        app.count("users").await,
        app.count("orgs").await,
        app.count("api_tokens").await,
        app.count("invitations").await,
    ];

    let mut rng = Rng(0x6d61_6d6f_7269_2121);
    let mut cases = api_cases(&mut rng);
    let authed = cases.len();
    cases.extend(auth_cases(&token));
    cases.extend(static_cases());
    cases.extend(html_cases(&s));
    assert!(cases.len() >= 1000, "generated {} cases", cases.len());

    let mut failures = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        let mut req = case.request();
        if i < authed && case.path != "/api/v1/auth/token" {
            req.headers_mut().insert("authorization", format!("Bearer {token}").parse().unwrap());
        }
        failures.extend(check(case, &app.send(req).await).err());
    }
    // The same API cases without a token are refused just as cleanly.
    for case in cases.iter().take(authed).step_by(3) {
        failures.extend(check(case, &app.send(case.request()).await).err());
    }
    assert!(
        failures.is_empty(),
        "{} of {} requests were answered badly:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );

    let after = [
        app.count("users").await,
        app.count("orgs").await,
        app.count("api_tokens").await,
        app.count("invitations").await,
    ];
    assert_eq!(after, counts, "no malformed request created anything");
    assert!(matches!(app.store.audit_verify().await.unwrap(), mamori_store::AuditVerify::Intact { .. }));
    app.get("/", As::Browser(&s)).await.expect(200);
    app.get("/api/v1/me", As::Token(&token)).await.expect(200);
    app.login_as("fuzz@example.com", PASSWORD).await;
}

#[tokio::test]
async fn rejected_forms_and_queries_are_error_pages_in_the_users_language() {
    use mamori_web::i18n::{Lang, Tr};
    let app = TestApp::new().await;
    let anon = app.anon().await;
    let fields =
        [("name", "Jun"), ("email", "jun@example.com"), ("password", PASSWORD), ("org_name", "Jun Co"), ("lang", "ja")];
    let s = app.session_from(&app.post_form("/signup", As::Browser(&anon), &fields).await).await;
    let ja = |resp: &Resp, status: u16, key: &str| {
        resp.expect(status);
        assert!(resp.is_html(), "{}", resp.content_type());
        assert!(
            resp.text().contains("<html lang=\"ja\">") && resp.text().contains(Tr(Lang::Ja).s(key)),
            "{}",
            resp.text()
        );
        assert!(resp.header("content-security-policy").is_some());
    };
    let json = Request::builder()
        .method(Method::POST)
        .uri("/orgs")
        .header("cookie", &s.cookie)
        .header("x-csrf-token", &s.csrf)
        .header("content-type", "application/json")
        .body(Body::from("{\"name\":\"x\"}"))
        .unwrap();
    // The account's language wins over the browser's here, as on every other page.
    let mut json = json;
    json.headers_mut().insert("accept-language", "en".parse().unwrap());
    ja(&app.send(json).await, 415, "error.bad_request");
    ja(
        &app.get_with("/audit?before=abc", As::Browser(&s), &[("accept-language", "en")]).await,
        400,
        "error.bad_request",
    );
    ja(&app.get_with("/no-such-page", As::Anon, &[("accept-language", "ja")]).await, 404, "error.not_found");
    let big = "x".repeat(1024 * 1024 + 1);
    let announced = Request::builder()
        .method(Method::POST)
        .uri("/orgs")
        .header("accept-language", "ja")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("content-length", big.len().to_string())
        .body(Body::from(big))
        .unwrap();
    ja(&app.send(announced).await, 413, "error.bad_request");
    assert_eq!(app.count("orgs").await, 1);
}
