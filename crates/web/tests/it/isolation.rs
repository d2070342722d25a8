//! Tenant isolation over HTTP: tenant A probes every route of the UI and the API with
//! tenant B's IDs and gets 403/404 or a page without any of B's data, and B is unchanged.
//!
//! The probe table below must list every route. Two tests enforce that: one against the
//! OpenAPI document and one against the routes declared in the source.

use std::collections::BTreeSet;

use axum::body::Body;
use axum::http::{Method, header};
use mamori_store::AdminPath;
use serde_json::{Value, json};

use crate::support::{As, DEMO_PASSWORD, Session, TestApp};

const A_OWNER: &str = "owner@sakura-motors.example";
const A_ADMIN: &str = "admin@sakura-motors.example";
const B_SLUG: &str = "minato-electronics";
const B_OWNER: &str = "owner@minato-electronics.example";
const B_MEMBER: &str = "new.member@minato-electronics.example";

/// What a probe sends besides the method and path.
pub enum Payload {
    None,
    Form(Vec<(&'static str, String)>),
    Json(Value),
    /// A `multipart/form-data` upload; a field named `file` is sent as the file `probe.txt`.
    Multipart(Vec<(&'static str, String)>),
}

/// What must come back.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Expect {
    /// 403 or 404: the object is someone else's.
    Denied,
    /// Any 4xx: the input cannot work for anyone.
    Refused,
    /// Whatever the route does for A, as long as none of B's data is in it.
    NoLeak,
}

pub struct Probe {
    pub method: Method,
    /// The route as declared (`/tokens/{id}/revoke`), to check the table is complete.
    pub route: &'static str,
    pub path: String,
    pub payload: Payload,
    pub expect: Expect,
}

/// B's identifiers that the probes aim at.
#[derive(Default)]
pub struct Ids {
    pub b_org: String,
    pub b_owner: String,
    pub b_member: String,
    pub b_token: String,
    pub b_invitation: String,
    /// A framework private to B, with its one requirement.
    pub b_framework: String,
    pub b_node: String,
    /// A crosswalk private to B, from its framework to CSF 2.0.
    pub b_crosswalk: String,
    /// B's report to the sharing hub and the collections around it.
    pub intel: crate::isolation_intel::IntelIds,
    /// B's supply link, attestation, share, pending review and supplier invitation.
    pub chain: crate::isolation_chain::ChainIds,
    pub assess: crate::isolation_assess::AssessIds,
}

pub fn p(method: Method, route: &'static str, path: impl Into<String>, payload: Payload, expect: Expect) -> Probe {
    Probe { method, route, path: path.into(), payload, expect }
}

pub fn form(fields: &[(&'static str, &str)]) -> Payload {
    Payload::Form(fields.iter().map(|(k, v)| (*k, v.to_string())).collect())
}

/// Every route, aimed at B where the route takes an ID. The session-changing probes
/// (`POST /orgs` switches the organization, `POST /logout` ends the session) come last.
pub fn probes(ids: &Ids) -> Vec<Probe> {
    use Expect::*;
    use Method as M;
    let none = || Payload::None;
    let mut table = vec![
        // The HTML interface.
        p(M::GET, "/", "/", none(), NoLeak),
        p(M::GET, "/login", "/login", none(), NoLeak),
        p(M::POST, "/login", "/login", form(&[("email", A_ADMIN), ("password", "wrong password")]), Refused),
        p(M::GET, "/signup", "/signup", none(), NoLeak),
        p(
            M::POST,
            "/signup",
            "/signup",
            form(&[
                ("name", "Newcomer"),
                ("email", "newcomer@example.com"),
                ("password", DEMO_PASSWORD),
                ("org_name", "Newcomer Co"),
            ]),
            NoLeak,
        ),
        p(M::GET, "/password/forgot", "/password/forgot", none(), NoLeak),
        // Anyone may ask for a reset of any address; the answer must not reveal anything.
        p(M::POST, "/password/forgot", "/password/forgot", form(&[("email", B_OWNER)]), NoLeak),
        p(M::GET, "/password/reset", format!("/password/reset?token={}", ids.b_invitation), none(), NoLeak),
        p(
            M::POST,
            "/password/reset",
            "/password/reset",
            form(&[("token", &ids.b_invitation), ("password", "taken over 123"), ("confirm", "taken over 123")]),
            Refused,
        ),
        p(M::GET, "/invite/{token}", format!("/invite/{}", ids.b_invitation), none(), Denied),
        p(M::POST, "/invite/{token}", format!("/invite/{}", ids.b_invitation), form(&[]), Denied),
        p(M::POST, "/lang", "/lang", form(&[("lang", "en"), ("back", "/members")]), NoLeak),
        p(M::GET, "/orgs", "/orgs", none(), NoLeak),
        p(M::POST, "/orgs/switch", "/orgs/switch", form(&[("org_id", &ids.b_org)]), Denied),
        p(M::GET, "/members", "/members", none(), NoLeak),
        p(
            M::POST,
            "/members/invite",
            "/members/invite",
            form(&[("email", "guest@sakura.example"), ("role", "viewer")]),
            NoLeak,
        ),
        p(M::POST, "/members/role", "/members/role", form(&[("user_id", &ids.b_owner), ("role", "viewer")]), Denied),
        p(M::POST, "/members/role", "/members/role", form(&[("user_id", &ids.b_member), ("role", "owner")]), Denied),
        p(M::GET, "/tokens", "/tokens", none(), NoLeak),
        p(M::POST, "/tokens", "/tokens", form(&[("name", "a probe token"), ("role", "viewer")]), NoLeak),
        p(M::POST, "/tokens/{id}/revoke", format!("/tokens/{}/revoke", ids.b_token), form(&[]), Denied),
        p(M::GET, "/audit", "/audit", none(), NoLeak),
        p(M::GET, "/audit", "/audit?before=9000000000", none(), NoLeak),
        p(M::GET, "/suppliers", "/suppliers", none(), NoLeak),
        p(M::GET, "/settings", "/settings", none(), NoLeak),
        // The platform administrator's overview of every tenant does not exist for tenants.
        p(M::GET, "/admin", "/admin", none(), Denied),
        // The reviewer register is the platform administrator's: for A it does not exist.
        p(M::GET, "/admin/reviewers", "/admin/reviewers", none(), Denied),
        p(
            M::POST,
            "/admin/reviewers",
            "/admin/reviewers",
            form(&[("email", B_OWNER), ("registration", "RISS-PROBE")]),
            Denied,
        ),
        p(
            M::POST,
            "/admin/reviewers/{id}/deactivate",
            format!("/admin/reviewers/{}/deactivate", ids.b_owner),
            form(&[]),
            Denied,
        ),
        p(M::POST, "/settings/lang", "/settings/lang", form(&[("lang", "en")]), NoLeak),
        p(M::POST, "/settings/mfa/setup", "/settings/mfa/setup", form(&[]), NoLeak),
        p(M::POST, "/settings/mfa/enable", "/settings/mfa/enable", form(&[("code", "000000")]), Refused),
        p(M::POST, "/settings/mfa/disable", "/settings/mfa/disable", form(&[("code", "000000")]), Refused),
        // The framework catalog: B's private framework stays invisible.
        p(M::GET, "/frameworks", "/frameworks", none(), NoLeak),
        p(
            M::GET,
            "/frameworks/compare",
            format!("/frameworks/compare?a={}&b=nist-csf-2.0", ids.b_framework),
            none(),
            NoLeak,
        ),
        p(M::GET, "/frameworks/{id}", format!("/frameworks/{}", ids.b_framework), none(), Denied),
        p(M::GET, "/frameworks/import", "/frameworks/import", none(), NoLeak),
        p(
            M::POST,
            "/frameworks/import",
            "/frameworks/import",
            Payload::Multipart(vec![("format", "auto".into()), ("file", "not a catalog".into())]),
            NoLeak,
        ),
        p(M::POST, "/frameworks/{id}/delete", format!("/frameworks/{}/delete", ids.b_framework), form(&[]), Denied),
        p(M::POST, "/crosswalks/{id}/delete", format!("/crosswalks/{}/delete", ids.b_crosswalk), form(&[]), Denied),
        p(
            M::GET,
            "/frameworks/{id}/nodes/{ref_id}",
            format!("/frameworks/{}/nodes/{}", ids.b_framework, ids.b_node),
            none(),
            Denied,
        ),
        // Operations and assets.
        p(M::GET, "/healthz", "/healthz", none(), NoLeak),
        p(M::GET, "/favicon.ico", "/favicon.ico", none(), NoLeak),
        p(M::GET, "/readyz", "/readyz", none(), NoLeak),
        p(M::GET, "/metrics", "/metrics", none(), NoLeak),
        p(M::GET, "/static/{*path}", "/static/app.css", none(), NoLeak),
        // The REST API, with A's token.
        p(M::GET, "/api/v1/openapi.json", "/api/v1/openapi.json", none(), NoLeak),
        p(M::GET, "/api/v1/docs", "/api/v1/docs", none(), NoLeak),
        p(
            M::POST,
            "/api/v1/auth/token",
            "/api/v1/auth/token",
            Payload::Json(json!({"email": A_OWNER, "password": DEMO_PASSWORD, "org": B_SLUG})),
            Denied,
        ),
        p(M::GET, "/api/v1/me", "/api/v1/me", none(), NoLeak),
        p(M::GET, "/api/v1/members", "/api/v1/members?limit=200", none(), NoLeak),
        p(M::GET, "/api/v1/invitations", "/api/v1/invitations?limit=200", none(), NoLeak),
        p(
            M::POST,
            "/api/v1/invitations",
            "/api/v1/invitations",
            Payload::Json(json!({"email": "api-guest@sakura.example", "role": "viewer"})),
            NoLeak,
        ),
        p(M::GET, "/api/v1/tokens", "/api/v1/tokens?limit=200", none(), NoLeak),
        p(
            M::POST,
            "/api/v1/tokens",
            "/api/v1/tokens",
            Payload::Json(json!({"name": "api probe", "role": "viewer"})),
            NoLeak,
        ),
        p(M::DELETE, "/api/v1/tokens/{id}", format!("/api/v1/tokens/{}", ids.b_token), none(), Denied),
        p(M::GET, "/api/v1/audit", "/api/v1/audit?limit=200", none(), NoLeak),
        p(M::GET, "/api/v1/suppliers", "/api/v1/suppliers?limit=200", none(), NoLeak),
        p(M::GET, "/api/v1/frameworks", "/api/v1/frameworks?limit=200", none(), NoLeak),
        p(
            M::POST,
            "/api/v1/frameworks/import",
            "/api/v1/frameworks/import?filename=x.json",
            Payload::Json(json!({})),
            Refused,
        ),
        p(M::GET, "/api/v1/frameworks/{id}", format!("/api/v1/frameworks/{}", ids.b_framework), none(), Denied),
        p(M::DELETE, "/api/v1/frameworks/{id}", format!("/api/v1/frameworks/{}", ids.b_framework), none(), Denied),
        p(M::DELETE, "/api/v1/crosswalks/{id}", format!("/api/v1/crosswalks/{}", ids.b_crosswalk), none(), Denied),
        p(
            M::GET,
            "/api/v1/frameworks/{id}/nodes",
            format!("/api/v1/frameworks/{}/nodes", ids.b_framework),
            none(),
            Denied,
        ),
        p(
            M::GET,
            "/api/v1/frameworks/{id}/nodes/{ref_id}",
            format!("/api/v1/frameworks/{}/nodes/{}", ids.b_framework, ids.b_node),
            none(),
            Denied,
        ),
        p(
            M::GET,
            "/api/v1/frameworks/{id}/export",
            format!("/api/v1/frameworks/{}/export?format=oscal", ids.b_framework),
            none(),
            Denied,
        ),
        p(
            M::GET,
            "/api/v1/frameworks/{id}/diff/{other}",
            format!("/api/v1/frameworks/nist-csf-2.0/diff/{}", ids.b_framework),
            none(),
            Denied,
        ),
        p(
            M::GET,
            "/api/v1/crosswalks",
            format!("/api/v1/crosswalks?from={}&to=nist-csf-2.0", ids.b_framework),
            none(),
            NoLeak,
        ),
        p(
            M::GET,
            "/api/v1/crosswalks/{id}/export",
            format!("/api/v1/crosswalks/{}/export?format=json", ids.b_framework),
            none(),
            Denied,
        ),
    ];
    // The sharing hub, UI and API.
    table.extend(crate::isolation_intel::probes(&ids.intel));
    // The supply chain, UI, API and public pages.
    table.extend(crate::isolation_chain::probes(&ids.chain));
    // Assessments and evidence, UI and API.
    table.extend(crate::isolation_assess::probes(&ids.assess));
    table.extend([
        // Last: these change the session itself.
        p(M::POST, "/orgs", "/orgs", form(&[("name", "A's second org"), ("slug", "a-second-org")]), NoLeak),
        p(M::POST, "/logout", "/logout", form(&[]), NoLeak),
    ]);
    table
}

/// Sends one probe as a browser session (HTML routes) or with a token (API routes).
async fn send(app: &TestApp, probe: &Probe, session: Option<&Session>, token: Option<&str>) -> crate::support::Resp {
    let who = if probe.path.starts_with("/api/") {
        token.map_or(As::Anon, As::Token)
    } else {
        session.map_or(As::Anon, As::Browser)
    };
    // Multipart forms carry the CSRF token in the query string.
    let path = match (&probe.payload, session) {
        (Payload::Multipart(_), Some(s)) => format!("{}?csrf={}", probe.path, s.csrf),
        _ => probe.path.clone(),
    };
    let mut b = TestApp::request(probe.method.clone(), &path, who);
    let body = match &probe.payload {
        Payload::None => Body::empty(),
        Payload::Form(fields) => {
            let mut all: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            if let Some(s) = session {
                all.push(("csrf", &s.csrf));
            }
            b = b.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
            Body::from(serde_urlencoded::to_string(all).unwrap())
        }
        Payload::Json(v) => {
            b = b.header(header::CONTENT_TYPE, "application/json");
            Body::from(v.to_string())
        }
        Payload::Multipart(fields) => {
            const BOUNDARY: &str = "mamori-probe-boundary";
            let mut text = String::new();
            for (k, v) in fields {
                let file = if *k == "file" { "; filename=\"probe.txt\"\r\nContent-Type: text/plain" } else { "" };
                text.push_str(&format!(
                    "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{k}\"{file}\r\n\r\n{v}\r\n"
                ));
            }
            text.push_str(&format!("--{BOUNDARY}--\r\n"));
            b = b.header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={BOUNDARY}"));
            Body::from(text)
        }
    };
    app.send(b.body(body).unwrap()).await
}

fn request_text(probe: &Probe) -> String {
    match &probe.payload {
        Payload::None => probe.path.clone(),
        Payload::Form(f) => format!("{} {f:?}", probe.path),
        Payload::Json(v) => format!("{} {v}", probe.path),
        Payload::Multipart(f) => format!("{} {f:?}", probe.path),
    }
}

/// B's private crosswalk, as a CISO Assistant mapping library.
const B_CROSSWALK_YAML: &str = "urn: urn:minato:risk:library:minato-secret-map
locale: en
ref_id: minato-secret-map
name: Minato secret mapping
version: 1
objects:
  requirement_mapping_set:
    urn: urn:minato:risk:req_mapping_set:minato-secret-map
    name: Minato secret mapping
    source_framework_urn: urn:minato:risk:framework:minato-secret-baseline
    target_framework_urn: urn:intuitem:risk:framework:nist-csf-2.0
    requirement_mappings:
      - source_requirement_urn: MSB-1
        target_requirement_urn: urn:intuitem:risk:req_node:nist-csf-2.0:gv.po-01
        relationship: intersect
";

/// B's private framework, in mamori's own JSON form.
const B_FRAMEWORK_JSON: &str = r#"{"id":"minato-secret-baseline","name":{"ja":"みなと秘密基準","en":"Minato secret baseline"},
"publisher":"Minato Electronics","version":"1","nodes":[{"ref_id":"MSB-1","title":{"ja":"みなと秘密統制","en":"Minato secret control"},"assessable":true}]}"#;

/// Everything in B that A must never see.
async fn b_state(app: &TestApp) -> (String, Vec<String>) {
    let t = app.store.admin_tenant(B_SLUG, AdminPath::Cli { operator: "test".into() }).await.unwrap();
    let org = app.store.org(&t).await.unwrap();
    let members = app.store.members(&t).await.unwrap();
    let tokens = app.store.api_tokens(&t).await.unwrap();
    let invitations = app.store.invitations(&t).await.unwrap();
    let audit = app.store.audit_page(&t, None, 1000).await.unwrap();
    let mut needles = vec![
        org.id.clone(),
        org.slug.clone(),
        org.name.clone(),
        "minato-secret-baseline".into(),
        "Minato secret".into(),
        "みなと秘密".into(),
    ];
    needles.extend(org.name_ja.clone());
    for (u, _) in &members {
        needles.extend([u.id.clone(), u.email.clone(), u.name.clone()]);
    }
    for k in &tokens {
        needles.extend([k.id.clone(), k.prefix.clone(), k.name.clone()]);
    }
    for i in &invitations {
        needles.extend([i.id.clone(), i.email.clone()]);
    }
    for e in &audit {
        // Only the chain hash is unique; digests of equal details (`{}`) are equal everywhere.
        needles.push(e.hash.clone());
    }
    let (intel, intel_needles) = crate::isolation_intel::state(app).await;
    needles.extend(intel_needles);
    let (chain, chain_needles) = crate::isolation_chain::state(app).await;
    needles.extend(chain_needles);
    let (assess, assess_needles) = crate::isolation_assess::state(app).await;
    needles.extend(assess_needles);
    (format!("{org:?}\n{members:?}\n{tokens:?}\n{invitations:?}\n{audit:?}\n{intel}\n{chain}\n{assess}"), needles)
}

#[tokio::test]
async fn tenant_a_cannot_reach_any_of_tenant_bs_data_through_any_route() {
    let app = TestApp::with_demo(TestApp::roomy_config()).await;

    // B: a token, an open invitation, an accepted one (a second member) and their audit entries.
    let b = app.login_as(B_OWNER, DEMO_PASSWORD).await;
    let b_secret = app.api_token(&b, "minato secret automation", "admin").await;
    let b_token = app.token_id(&b_secret).await;
    let accepted = app.invite(&b, B_MEMBER, "admin").await;
    let anon = app.anon().await;
    app.post_form(&accepted, As::Browser(&anon), &[("name", "Minato Newcomer"), ("password", DEMO_PASSWORD)])
        .await
        .expect(303);
    app.invite(&b, "pending.guest@minato-electronics.example", "viewer").await;
    let b_tenant = app.store.admin_tenant(B_SLUG, AdminPath::Cli { operator: "test".into() }).await.unwrap();
    app.store
        .import_catalog_file(
            mamori_store::CatalogOwner::Tenant(&b_tenant),
            B_FRAMEWORK_JSON.as_bytes(),
            "minato-baseline.json",
            mamori_catalog::Format::Auto,
            None,
            None,
        )
        .await
        .unwrap();
    let owner = mamori_store::CatalogOwner::Tenant(&b_tenant);
    let yaml = B_CROSSWALK_YAML.as_bytes();
    let report = app.store.import_catalog_file(owner, yaml, "map.yaml", mamori_catalog::Format::Auto, None, None).await;
    assert_eq!(report.unwrap().crosswalks[0].0, "minato-secret-map");
    let b_owner = app.user_id(B_OWNER).await;
    let intel = crate::isolation_intel::seed(&app, &b_tenant, &b_secret, &b_owner).await;
    let chain = crate::isolation_chain::seed(&app, &b_tenant).await;
    let assess = crate::isolation_assess::seed(&app, &b_tenant).await;
    let ids = Ids {
        b_org: app.store.org(&b_tenant).await.unwrap().id,
        b_owner,
        b_member: app.user_id(B_MEMBER).await,
        b_token,
        b_invitation: app.store.invitations(&b_tenant).await.unwrap()[0].id.clone(),
        b_framework: "minato-secret-baseline".into(),
        b_node: "MSB-1".into(),
        b_crosswalk: "minato-secret-map".into(),
        intel,
        chain,
        assess,
    };

    // A: a session and a token, with the same kinds of objects of its own.
    let a = app.login_as(A_OWNER, DEMO_PASSWORD).await;
    let a_secret = app.api_token(&a, "sakura automation", "owner").await;
    app.invite(&a, "a.guest@sakura.example", "viewer").await;
    assert_eq!(app.get("/api/v1/me", As::Token(&a_secret)).await.json()["org"]["slug"], "sakura-motors");

    let (before, needles) = b_state(&app).await;
    assert!(needles.len() > 20, "B has data worth protecting: {needles:?}");

    let table = probes(&ids);
    for (who, session, token) in [("A", Some(&a), Some(a_secret.as_str())), ("anonymous", None, None)] {
        for probe in &table {
            let resp = send(&app, probe, session, token).await;
            let what = format!("{who}: {} {}", probe.method, probe.path);
            let status = resp.status.as_u16();
            assert!(status < 500, "{what} answered {status}: {}", resp.text());
            match probe.expect {
                Expect::Denied if who == "A" => {
                    assert!(status == 403 || status == 404, "{what} answered {status}: {}", resp.text())
                }
                Expect::Refused if who == "A" => assert!((400..500).contains(&status), "{what} answered {status}"),
                _ => {}
            }
            let sent = request_text(probe);
            let body = resp.text();
            let leaked: Vec<&String> =
                needles.iter().filter(|n| body.contains(n.as_str()) && !sent.contains(n.as_str())).collect();
            assert!(leaked.is_empty(), "{what} leaked B's data {leaked:?}");
            if let Some(loc) = resp.header("location") {
                assert!(
                    !needles.iter().any(|n| loc.contains(n.as_str()) && !sent.contains(n.as_str())),
                    "{what} → {loc}"
                );
            }
        }
    }

    let (after, _) = b_state(&app).await;
    assert_eq!(before, after, "B's state did not change");
    crate::isolation_intel::check_matching(&app, &a_secret, &b_secret).await;
    let me = app.get("/api/v1/me", As::Token(&b_secret)).await;
    assert_eq!(me.json()["org"]["slug"], B_SLUG, "B's token still works");
    app.get("/members", As::Browser(&b)).await.expect(200);
}

#[tokio::test]
async fn the_same_probes_with_a_tenants_own_ids_succeed() {
    // A control for the test above: the denials are about ownership, not broken requests.
    let app = TestApp::with_demo(TestApp::roomy_config()).await;
    let a = app.login_as(A_OWNER, DEMO_PASSWORD).await;
    let secret = app.api_token(&a, "first", "owner").await;
    let spare = app.api_token(&a, "spare", "viewer").await;
    let spare2 = app.api_token(&a, "spare two", "viewer").await;
    let (spare, spare2) = (app.token_id(&spare).await, app.token_id(&spare2).await);
    app.delete(&format!("/api/v1/tokens/{spare}"), As::Token(&secret)).await.expect(204);
    app.post_form(&format!("/tokens/{spare2}/revoke"), As::Browser(&a), &[]).await.expect(303);
    let viewer = app.user_id("viewer@sakura-motors.example").await;
    app.post_form("/members/role", As::Browser(&a), &[("user_id", &viewer), ("role", "assessor")]).await.expect(303);
    let own_org = app.store.org_by_slug("sakura-motors").await.unwrap().id;
    app.post_form("/orgs/switch", As::Browser(&a), &[("org_id", &own_org)]).await.expect(303);
    let body = json!({"email": A_OWNER, "password": DEMO_PASSWORD, "org": "sakura-motors"});
    app.post_json("/api/v1/auth/token", As::Anon, &body).await.expect(201);
}

/// `(METHOD, route)` pairs of the probe table.
fn probed() -> BTreeSet<(String, String)> {
    probes(&Ids::default()).iter().map(|p| (p.method.to_string(), p.route.to_string())).collect()
}

#[tokio::test]
async fn every_route_in_the_openapi_document_is_in_the_probe_table() {
    let app = TestApp::new().await;
    let doc = app.get("/api/v1/openapi.json", As::Anon).await.json();
    let probed = probed();
    let mut seen = 0;
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in item.as_object().unwrap().keys() {
            let key = (method.to_uppercase(), path.clone());
            assert!(probed.contains(&key), "{key:?} is in the OpenAPI document but not in the isolation probe table");
            seen += 1;
        }
    }
    assert!(seen >= 10, "the document lists the API ({seen} operations)");
}

/// The `(METHOD, route)` pairs declared with `.route(...)` anywhere under `src/`.
pub fn declared_routes() -> BTreeSet<(String, String)> {
    fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    walk(&src, &mut files);
    let mut routes = BTreeSet::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        // Routers under src/api/ are nested at /api/v1.
        let prefix = if file.strip_prefix(&src).unwrap().starts_with("api") { "/api/v1" } else { "" };
        for piece in text.split(".route(\"").skip(1) {
            let (path, rest) = piece.split_once('"').unwrap();
            // The method router runs to the `)` that closes `.route(`.
            let mut depth = 1;
            let end = rest
                .char_indices()
                .find(|(_, c)| {
                    match c {
                        '(' => depth += 1,
                        ')' => depth -= 1,
                        _ => {}
                    }
                    depth == 0
                })
                .map_or(rest.len(), |(i, _)| i);
            let expr = &rest[..end];
            let mut word = String::new();
            for c in expr.chars() {
                if c.is_alphanumeric() || c == '_' {
                    word.push(c);
                    continue;
                }
                if c == '('
                    && matches!(word.as_str(), "get" | "post" | "put" | "patch" | "delete" | "head" | "options" | "any")
                {
                    routes.insert((word.to_uppercase(), format!("{prefix}{path}")));
                }
                word.clear();
            }
        }
    }
    routes
}

#[test]
fn every_route_declared_in_the_source_is_in_the_probe_table() {
    let declared = declared_routes();
    assert!(declared.len() >= 30, "the parser found the routes: {declared:?}");
    assert!(declared.contains(&("DELETE".to_string(), "/api/v1/tokens/{id}".to_string())));
    let probed = probed();
    let missing: Vec<_> = declared.difference(&probed).collect();
    assert!(missing.is_empty(), "routes without an isolation probe: {missing:?}");
    let stale: Vec<_> = probed.difference(&declared).collect();
    assert!(stale.is_empty(), "probes for routes that no longer exist: {stale:?}");
}
