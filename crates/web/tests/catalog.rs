//! The catalog over HTTP: REST endpoints, tenant isolation of private frameworks, and the HTML pages.
//! Runs on SQLite, and on PostgreSQL when `MAMORI_TEST_DATABASE_URL` is set.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use mamori_catalog::{Framework, I18n, Node, Tag};
use mamori_store::{AdminPath, NewApiToken, NewUser, Role, Store, UserInfo};
use mamori_web::{AppState, NoMailer, WebConfig};
use serde_json::Value;
use tower::ServiceExt;

#[path = "../../store/tests/it/db.rs"]
#[allow(dead_code)]
mod db;

struct Env {
    app: Router,
    store: Store,
    _db: db::TestDb,
}

struct Member {
    user: UserInfo,
    org_id: String,
    token: String,
}

async fn env() -> Env {
    let (db, store) = db::TestDb::open().await;
    store.sync_builtin_catalog().await.unwrap();
    let app = mamori_web::app(AppState::new(store.clone(), WebConfig::default(), Arc::new(NoMailer)));
    Env { app, store, _db: db }
}

impl Env {
    async fn member(&self, email: &str, org: &str, role: Role) -> Member {
        self.member_in(email, org, role, "en").await
    }

    async fn member_in(&self, email: &str, org: &str, role: Role, lang: &str) -> Member {
        let new = NewUser {
            email: email.into(),
            name: email.into(),
            password: "correct horse battery".into(),
            lang: lang.into(),
        };
        let user = self
            .store
            .admin_create_member(new, org, role, false, AdminPath::Cli { operator: "t".into() })
            .await
            .unwrap();
        let org = self.store.org_by_slug(org).await.unwrap();
        let tenant = self.store.tenant_for_login(&user, &org.id).await.unwrap();
        let (_, token) = self
            .store
            .create_api_token(&tenant, NewApiToken { name: "t".into(), role, expires_in_days: Some(1) })
            .await
            .unwrap();
        Member { user, org_id: org.id, token }
    }

    async fn call(&self, token: &str, method: &str, uri: &str, body: Vec<u8>) -> (StatusCode, String, Vec<u8>) {
        let req = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, "application/octet-stream")
            .body(Body::from(body))
            .unwrap();
        let resp = self.app.clone().oneshot(req).await.unwrap();
        let status = resp.status();
        let ct = resp.headers().get(header::CONTENT_TYPE).map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
        (status, ct, resp.into_body().collect().await.unwrap().to_bytes().to_vec())
    }

    async fn get(&self, token: &str, uri: &str) -> (StatusCode, Value) {
        let (s, _, b) = self.call(token, "GET", uri, Vec::new()).await;
        (s, serde_json::from_slice(&b).unwrap_or(Value::Null))
    }

    async fn page(&self, m: &Member, uri: &str) -> (StatusCode, String) {
        let cookie = self.store.create_session(&m.user, Some(&m.org_id)).await.unwrap();
        let req = Request::builder()
            .uri(uri)
            .header(header::COOKIE, format!("mamori_session={cookie}"))
            .body(Body::empty())
            .unwrap();
        let resp = self.app.clone().oneshot(req).await.unwrap();
        let status = resp.status();
        (status, String::from_utf8(resp.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap())
    }
}

impl Env {
    /// A form post from a signed-in page (the CSRF token in its header); status, location, body.
    async fn post_page(
        &self,
        m: &Member,
        uri: &str,
        content_type: &str,
        body: Vec<u8>,
    ) -> (StatusCode, String, String) {
        let cookie = self.store.create_session(&m.user, Some(&m.org_id)).await.unwrap();
        let csrf = self.store.session(&cookie).await.unwrap().unwrap().csrf;
        let req = Request::builder()
            .method("POST")
            .uri(uri)
            .header(header::COOKIE, format!("mamori_session={cookie}"))
            .header(header::CONTENT_TYPE, content_type)
            .header("x-csrf-token", csrf)
            .body(Body::from(body))
            .unwrap();
        let resp = self.app.clone().oneshot(req).await.unwrap();
        let status = resp.status();
        let location = resp.headers().get(header::LOCATION).map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
        (status, location, String::from_utf8_lossy(&resp.into_body().collect().await.unwrap().to_bytes()).into_owned())
    }

    async fn upload(&self, m: &Member, name: &str, format: &str, file: &[u8]) -> (StatusCode, String, String) {
        let mut body = format!(
            "--XyZ\r\nContent-Disposition: form-data; name=\"format\"\r\n\r\n{format}\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .into_bytes();
        body.extend_from_slice(file);
        body.extend_from_slice(b"\r\n--XyZ--\r\n");
        self.post_page(m, "/frameworks/import", "multipart/form-data; boundary=XyZ", body).await
    }

    async fn framework_count(&self, m: &Member) -> usize {
        self.get(&m.token, "/api/v1/frameworks?limit=200").await.1["items"].as_array().unwrap().len()
    }
}

const CISO_FW: &[u8] = include_bytes!("../../catalog/tests/fixtures/ciso-framework.yaml");
const CISO_BAD_PARENT: &[u8] = include_bytes!("../../catalog/tests/fixtures/ciso-bad-unknown-parent.yaml");
const CISO_MAP: &[u8] = include_bytes!("../../catalog/tests/fixtures/ciso-mapping.yaml");
const CUSTOM_CSV: &[u8] = include_bytes!("../../catalog/tests/fixtures/custom-template.csv");
const HIGH: &[u8] =
    include_bytes!("../../catalog/tests/fixtures/NIST_SP-800-53_rev5_HIGH-baseline-resolved-profile_catalog-min.json");
const XLSX_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

fn custom(id: &str, version: &str, title: &str) -> Vec<u8> {
    let fw = Framework {
        id: id.into(),
        name: I18n::new("独自基準", "Own baseline"),
        publisher: "ACME".into(),
        version: version.into(),
        nodes: vec![
            Node { ref_id: "A".into(), title: I18n::new("アクセス", "Access"), ..Default::default() },
            Node {
                ref_id: "A-1".into(),
                parent: Some("A".into()),
                assessable: true,
                title: I18n::new("多要素認証", title),
                tags: vec![Tag::Free("mfa".into())],
                ..Default::default()
            },
        ],
        ..Default::default()
    };
    serde_json::to_vec(&fw).unwrap()
}

#[tokio::test]
async fn frameworks_nodes_and_crosswalks_are_served_with_nists_typed_links() {
    let env = env().await;
    let a = env.member("a@example.com", "org-a", Role::Viewer).await;
    let (s, list) = env.get(&a.token, "/api/v1/frameworks?limit=200").await;
    assert_eq!(s, StatusCode::OK);
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 7);
    let csf = items.iter().find(|f| f["id"] == "nist-csf-2.0").unwrap();
    assert_eq!(csf["requirements"], 106);
    let cpsf = items.iter().find(|f| f["id"] == "meti-cpsf-1.0").unwrap();
    assert_eq!((cpsf["requirements"].as_i64(), cpsf["expected_requirements"].as_i64()), (Some(15), Some(104)));
    assert_eq!(items.iter().find(|f| f["id"] == "meti-scs-evaluation").unwrap()["verification"], "secondary");

    let (_, page) = env.get(&a.token, "/api/v1/frameworks?limit=2").await;
    assert_eq!(page["items"].as_array().unwrap().len(), 2);
    assert!(page["next_cursor"].is_string());

    let (s, fw) = env.get(&a.token, "/api/v1/frameworks/nist-csf-2.0").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(fw["nodes"].as_array().unwrap().iter().filter(|n| n["assessable"] == true).count(), 106);

    let (_, hits) = env.get(&a.token, "/api/v1/frameworks/meti-cpsf-1.0/nodes?tag=cpsf_category:AM&limit=200").await;
    let refs: Vec<&str> = hits["items"].as_array().unwrap().iter().map(|n| n["ref_id"].as_str().unwrap()).collect();
    assert!(refs.contains(&"CPS.AM-1"), "{refs:?}");
    let (_, ja) = env.get(&a.token, "/api/v1/frameworks/meti-cpsf-1.0/nodes?q=%E5%8F%B0%E5%B8%B3").await; // 台帳
    assert!(ja["items"].as_array().unwrap().iter().any(|n| n["ref_id"] == "CPS.AM-1"), "{ja}");
    let (s, _) = env.get(&a.token, "/api/v1/frameworks/meti-cpsf-1.0/nodes?tag=cpsf_layer:9").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);

    let (s, node) = env.get(&a.token, "/api/v1/frameworks/nist-csf-2.0/nodes/GV.OC-03").await;
    assert_eq!(s, StatusCode::OK);
    let iso: Vec<&Value> =
        node["links"].as_array().unwrap().iter().filter(|l| l["framework"] == "iso-iec-27001-2022").collect();
    assert_eq!(iso.len(), 2);
    assert!(
        iso.iter().all(|l| l["direction"] == "outgoing" && l["relation"] == "related" && l["authorship"] == "official")
    );
    let (_, back) = env.get(&a.token, "/api/v1/frameworks/iso-iec-27001-2022/nodes/5.20").await;
    assert!(
        back["links"].as_array().unwrap().iter().any(|l| l["direction"] == "incoming" && l["ref_id"] == "GV.OC-03")
    );

    let (s, m) = env.get(&a.token, "/api/v1/crosswalks?from=nist-csf-2.0&to=iso-iec-27001-2022&node=GV.OC-03").await;
    assert_eq!(s, StatusCode::OK);
    let targets: Vec<&str> = m["items"].as_array().unwrap().iter().map(|x| x["target_ref"].as_str().unwrap()).collect();
    assert_eq!(targets, ["5.20", "5.31"]);
    let (_, pivot) =
        env.get(&a.token, "/api/v1/crosswalks?from=meti-scs-evaluation&to=iso-iec-27001-2022&node=4-3-4").await;
    let first = &pivot["items"][0];
    assert!(first["pivot"].as_str().unwrap().starts_with("nist-csf-2.0:"), "{pivot}");
    assert_eq!(first["authorship"], serde_json::json!(["ours", "official"]));

    // A crosswalk exports whole, as mamori JSON and as an OSCAL mapping collection.
    let xw = "/api/v1/crosswalks/nist-csf-2.0--iso-iec-27001-2022/export";
    let (s, whole) = env.get(&a.token, &format!("{xw}?format=json")).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(whole["source_framework"], "nist-csf-2.0");
    assert!(whole["links"].as_array().unwrap().len() > 100, "every link of the crosswalk");
    let (s, oscal) = env.get(&a.token, &format!("{xw}?format=oscal")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(oscal.get("mapping-collection").is_some(), "{}", oscal.to_string().chars().take(200).collect::<String>());
    let (s, _) = env.get(&a.token, &format!("{xw}?format=csv")).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "CSV holds frameworks, not crosswalks");
    let (s, _) = env.get(&a.token, "/api/v1/crosswalks/no-such-crosswalk/export?format=json").await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    let (s, _) = env.get(&a.token, "/api/v1/frameworks/no-such-thing").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (_, doc) = env.get(&a.token, "/api/v1/openapi.json").await;
    for p in [
        "/api/v1/frameworks",
        "/api/v1/frameworks/{id}/nodes/{ref_id}",
        "/api/v1/crosswalks",
        "/api/v1/frameworks/import",
    ] {
        assert!(doc["paths"].get(p).is_some(), "{p} missing from the OpenAPI document");
    }
}

#[tokio::test]
async fn a_private_framework_is_invisible_to_other_tenants_on_every_route() {
    let env = env().await;
    let a = env.member("a@example.com", "org-a", Role::Admin).await;
    let viewer = env.member("v@example.com", "org-a", Role::Viewer).await;
    let b = env.member("b@example.com", "org-b", Role::Owner).await;
    let url = "/api/v1/frameworks/import?filename=acme.json";
    let (s, _, _) = env.call(&viewer.token, "POST", url, custom("acme", "1", "MFA")).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _, body) = env.call(&a.token, "POST", url, custom("acme", "1", "MFA")).await;
    assert_eq!(s, StatusCode::CREATED, "{}", String::from_utf8_lossy(&body));
    let (s, _, body) = env.call(&a.token, "POST", url, custom("acme", "1", "MFA")).await;
    assert_eq!(s, StatusCode::OK, "re-importing identical content changes nothing");
    assert_eq!(serde_json::from_slice::<Value>(&body).unwrap()["frameworks"][0]["status"], "unchanged");
    let (s, _, _) = env.call(&a.token, "POST", url, custom("acme", "2", "MFA everywhere")).await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, _, _) = env.call(&a.token, "POST", &format!("{url}&scope=global"), custom("acme-g", "1", "X")).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "only platform administrators write the global catalog");

    let routes = [
        "/api/v1/frameworks/acme",
        "/api/v1/frameworks/acme?version=1",
        "/api/v1/frameworks/acme/nodes",
        "/api/v1/frameworks/acme/nodes/A-1",
        "/api/v1/frameworks/acme/export?format=oscal",
        "/api/v1/frameworks/acme@1/diff/acme@2",
        "/api/v1/crosswalks?from=acme",
    ];
    for r in routes {
        let (s, _, _) = env.call(&viewer.token, "GET", r, Vec::new()).await;
        assert_eq!(s, StatusCode::OK, "{r} for the owner's organization");
        let (s, ct, _) = env.call(&b.token, "GET", r, Vec::new()).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{r} leaks to another tenant");
        assert!(ct.starts_with("application/problem+json"));
    }
    let (_, list) = env.get(&b.token, "/api/v1/frameworks?limit=200").await;
    assert!(list["items"].as_array().unwrap().iter().all(|f| f["id"] != "acme"));
    let (_, list) = env.get(&a.token, "/api/v1/frameworks?limit=200").await;
    let acme = list["items"].as_array().unwrap().iter().find(|f| f["id"] == "acme").unwrap().clone();
    assert_eq!((acme["private"].as_bool(), acme["version"].as_str()), (Some(true), Some("2")));
    assert_eq!(acme["versions"], serde_json::json!(["1", "2"]));

    let (_, d) = env.get(&a.token, "/api/v1/frameworks/acme@1/diff/acme@2").await;
    assert_eq!(d["changed"][0]["ref_id"], "A-1");
    assert_eq!(d["changed"][0]["fields"], serde_json::json!(["title"]));
    let (_, v1) = env.get(&a.token, "/api/v1/frameworks/acme/nodes/A-1?version=1").await;
    assert_eq!(v1["node"]["title_en"], "MFA", "version 1 stays readable after version 2 arrived");
}

#[tokio::test]
async fn malformed_uploads_answer_located_problems_and_exports_reimport_losslessly() {
    let env = env().await;
    let a = env.member("a@example.com", "org-a", Role::Admin).await;
    let bad = b"{\"catalog\": {\"uuid\": \"x\",\n  \"metadata\": }\n}".to_vec();
    let (s, ct, body) = env.call(&a.token, "POST", "/api/v1/frameworks/import?filename=bad.json", bad).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(ct.starts_with("application/problem+json"));
    let p: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!((p["file"].as_str(), p["line"].as_u64()), (Some("bad.json"), Some(2)));
    assert!(p["detail"].as_str().unwrap().starts_with("bad.json:2:"), "{p}");

    let no_metadata = br#"{"catalog": {"uuid": "x"}}"#.to_vec();
    let (s, _, body) = env.call(&a.token, "POST", "/api/v1/frameworks/import?filename=c.json", no_metadata).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(serde_json::from_slice::<Value>(&body).unwrap()["pointer"], "/catalog");
    let (_, list) = env.get(&a.token, "/api/v1/frameworks?limit=200").await;
    assert_eq!(list["items"].as_array().unwrap().len(), 7, "nothing was stored");

    let (s, ct, oscal) =
        env.call(&a.token, "GET", "/api/v1/frameworks/nist-csf-2.0/export?format=oscal", Vec::new()).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(ct, "application/json");
    let (s, _, _) = env.call(&a.token, "POST", "/api/v1/frameworks/import?filename=csf.json&id=csf-copy", oscal).await;
    assert_eq!(s, StatusCode::CREATED);
    let (_, original) = env.get(&a.token, "/api/v1/frameworks/nist-csf-2.0").await;
    let (_, copy) = env.get(&a.token, "/api/v1/frameworks/csf-copy").await;
    assert_eq!(copy["nodes"], original["nodes"]);
    let (s, _) = env.get(&a.token, "/api/v1/frameworks/nist-csf-2.0/export?format=pdf").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn the_catalog_pages_show_presence_tree_links_and_coverage_without_inline_styles() {
    let env = env().await;
    let a = env.member("a@example.com", "org-a", Role::Viewer).await;
    let mut pages = Vec::new();
    let (s, html) = env.page(&a, "/frameworks").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("Cyber/Physical Security Framework") && html.contains("15 of 104"), "CPSF presence shown");
    assert!(html.contains("From secondary sources"));
    assert!(html.contains("href=\"/frameworks\""), "navigation entry");
    pages.push(html);

    let (_, html) = env.page(&a, "/frameworks/meti-cpsf-1.0").await;
    assert!(html.contains("<details open><summary>") && html.contains("CPS.AM-1"));
    assert_eq!(html.matches("<details").count(), html.matches("</details>").count());
    pages.push(html);
    let (_, html) = env.page(&a, "/frameworks/meti-cpsf-1.0?q=%E5%8F%B0%E5%B8%B3").await;
    assert!(html.contains("data-testid=\"hits\"") && html.contains("CPS.AM-1"));
    pages.push(html);

    let (_, html) = env.page(&a, "/frameworks/nist-csf-2.0/nodes/GV.OC-03").await;
    assert!(html.contains("Official (NIST)") && html.contains("iso-iec-27001-2022 5.20"), "links both ways");
    pages.push(html);
    let (_, html) = env.page(&a, "/frameworks/meti-scs-evaluation/nodes/4-3-4").await;
    assert!(html.contains("Ours (mamori, not official)"));
    pages.push(html);

    let (_, html) = env.page(&a, "/frameworks/compare?a=nist-csf-2.0&b=iso-iec-27001-2022").await;
    assert!(html.contains("<meter") && html.contains("/ 106</strong>"), "coverage of CSF by ISO");
    pages.push(html);
    for page in &pages {
        assert!(!page.contains("style="), "no inline style attributes");
        assert!(!page.contains("<script>"), "no inline script");
    }
    let (s, _) = env.page(&a, "/frameworks/nope").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn xlsx_templates_import_and_export_through_the_api() {
    let env = env().await;
    let a = env.member("a@example.com", "org-a", Role::Admin).await;
    let fw = mamori_catalog::import(CUSTOM_CSV, "c.csv", mamori_catalog::Format::Csv).unwrap().frameworks.remove(0);
    let xlsx = mamori_catalog::export(&fw, mamori_catalog::ExportFormat::Xlsx, "").unwrap();
    let (s, _, body) = env.call(&a.token, "POST", "/api/v1/frameworks/import?filename=acme.xlsx", xlsx).await;
    assert_eq!(s, StatusCode::CREATED, "{}", String::from_utf8_lossy(&body));
    let uri = format!("/api/v1/frameworks/{}/export?format=xlsx", fw.id);
    let (s, ct, exported) = env.call(&a.token, "GET", &uri, Vec::new()).await;
    assert_eq!((s, ct.as_str()), (StatusCode::OK, XLSX_TYPE));
    let again = mamori_catalog::import(&exported, "again.xlsx", mamori_catalog::Format::Auto).unwrap();
    assert_eq!(again.frameworks, [fw], "export → import is lossless");

    // A workbook whose row 3 names a parent that does not exist.
    let mut book = rust_xlsxwriter::Workbook::new();
    let meta = book.add_worksheet();
    meta.set_name("Framework").unwrap();
    meta.write_string(1, 0, "framework_id").unwrap();
    meta.write_string(1, 1, "acme-broken").unwrap();
    let nodes = book.add_worksheet();
    nodes.set_name("Nodes").unwrap();
    for (c, h) in ["ref_id", "parent", "kind"].iter().enumerate() {
        nodes.write_string(0, c as u16, *h).unwrap();
    }
    nodes.write_string(1, 0, "A").unwrap();
    nodes.write_string(2, 0, "A-1").unwrap();
    nodes.write_string(2, 1, "NOPE").unwrap();
    let (s, ct, body) =
        env.call(&a.token, "POST", "/api/v1/frameworks/import?filename=bad.xlsx", book.save_to_buffer().unwrap()).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(ct.starts_with("application/problem+json"));
    let p: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!((p["sheet"].as_str(), p["cell"].as_str()), (Some("Nodes"), Some("B3")), "{p}");
    assert!(p["detail"].as_str().unwrap().starts_with("bad.xlsx: Nodes!B3: field \"parent\""), "{p}");
    assert_eq!(env.framework_count(&a).await, 8, "nothing else was stored");
}

#[tokio::test]
async fn catalog_imports_take_real_catalogs_above_the_general_body_limit_and_no_more() {
    let env = env().await;
    let a = env.member("a@example.com", "org-a", Role::Admin).await;
    assert!(HIGH.len() > WebConfig::default().body_limit, "the fixture is larger than the general limit");
    let (s, _, body) = env
        .call(&a.token, "POST", "/api/v1/frameworks/import?filename=high.json&id=sp800-53-high", HIGH.to_vec())
        .await;
    assert_eq!(s, StatusCode::CREATED, "{}", String::from_utf8_lossy(&body));
    let (_, fw) = env.get(&a.token, "/api/v1/frameworks/sp800-53-high").await;
    assert_eq!(fw["summary"]["requirements"], 370, "{}", fw.to_string().chars().take(300).collect::<String>());

    // Other routes keep the general limit.
    let big = vec![b' '; WebConfig::default().body_limit + 1];
    let req = Request::builder()
        .method("POST")
        .uri("/api/v1/tokens")
        .header(header::AUTHORIZATION, format!("Bearer {}", a.token))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(big))
        .unwrap();
    let resp = env.app.clone().oneshot(req).await.unwrap();
    assert_eq!(resp.status(), StatusCode::PAYLOAD_TOO_LARGE);

    // Above the import limit: refused whether the length is declared or only streamed.
    let limit = WebConfig::default().import_body_limit;
    let huge = vec![b' '; limit + 1];
    let (s, ct, body) = env.call(&a.token, "POST", "/api/v1/frameworks/import?filename=huge.json", huge.clone()).await;
    assert_eq!((s, ct.as_str()), (StatusCode::PAYLOAD_TOO_LARGE, "application/problem+json"));
    let p: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(p["status"], 413, "{p}");
    let req = Request::builder()
        .method("POST")
        .uri("/api/v1/frameworks/import?filename=huge.json")
        .header(header::AUTHORIZATION, format!("Bearer {}", a.token))
        .header(header::CONTENT_LENGTH, huge.len())
        .body(Body::from(huge))
        .unwrap();
    let resp = env.app.clone().oneshot(req).await.unwrap();
    assert_eq!(resp.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let p: Value = serde_json::from_slice(&resp.into_body().collect().await.unwrap().to_bytes()).unwrap();
    assert!(p["detail"].as_str().unwrap().contains(&limit.to_string()), "{p}");
    assert_eq!(env.framework_count(&a).await, 8);
}

#[tokio::test]
async fn private_frameworks_and_crosswalks_are_deleted_through_the_api_and_builtins_never() {
    let env = env().await;
    let a = env.member("a@example.com", "org-a", Role::Admin).await;
    let viewer = env.member("v@example.com", "org-a", Role::Viewer).await;
    let b = env.member("b@example.com", "org-b", Role::Admin).await;
    let (s, _, _) = env.call(&a.token, "POST", "/api/v1/frameworks/import?filename=fw.yaml", CISO_FW.to_vec()).await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, _, _) = env.call(&a.token, "POST", "/api/v1/frameworks/import?filename=map.yaml", CISO_MAP.to_vec()).await;
    assert_eq!(s, StatusCode::CREATED);
    let (_, links) = env.get(&a.token, "/api/v1/crosswalks?from=demo-fw&to=nist-csf-2.0").await;
    let targets: Vec<&str> =
        links["items"].as_array().unwrap().iter().filter_map(|m| m["target_ref"].as_str()).collect();
    assert_eq!(targets, ["GV.PO-01", "GV.RR-02"], "URNs resolved onto CSF 2.0 (not_related links are no answer)");

    let (s, _, body) = env.call(&a.token, "DELETE", "/api/v1/frameworks/nist-csf-2.0", Vec::new()).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{}", String::from_utf8_lossy(&body));
    let (s, _, _) = env.call(&b.token, "DELETE", "/api/v1/frameworks/demo-fw", Vec::new()).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _, _) = env.call(&viewer.token, "DELETE", "/api/v1/crosswalks/demo-to-csf", Vec::new()).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _, _) = env.call(&a.token, "DELETE", "/api/v1/crosswalks/demo-to-csf", Vec::new()).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, _, _) = env.call(&a.token, "DELETE", "/api/v1/crosswalks/demo-to-csf", Vec::new()).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _, _) = env.call(&a.token, "DELETE", "/api/v1/frameworks/demo-fw?version=2", Vec::new()).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, _) = env.get(&a.token, "/api/v1/frameworks/demo-fw").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (_, log) = env.get(&a.token, "/api/v1/audit?limit=200").await;
    let actions: Vec<&str> = log["items"].as_array().unwrap().iter().filter_map(|e| e["action"].as_str()).collect();
    assert!(actions.contains(&"catalog.delete") && actions.contains(&"catalog.delete_crosswalk"), "{actions:?}");
}

#[tokio::test]
async fn org_admins_upload_and_delete_on_the_framework_list_in_japanese_and_english() {
    let env = env().await;
    let a = env.member("a@example.com", "org-a", Role::Admin).await;
    let ja = env.member_in("ja@example.com", "org-a", Role::Admin, "ja").await;
    let viewer = env.member("v@example.com", "org-a", Role::Viewer).await;
    let (_, html) = env.page(&a, "/frameworks").await;
    assert!(html.contains("data-testid=\"import-form\"") && html.contains("enctype=\"multipart/form-data\""));
    let (_, html) = env.page(&viewer, "/frameworks").await;
    assert!(!html.contains("import-form"), "only admins see the upload");

    let (s, _, html) = env.upload(&a, "ciso-bad-unknown-parent.yaml", "auto", CISO_BAD_PARENT).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("nothing was stored"), "{html}");
    assert!(html.contains("ciso-bad-unknown-parent.yaml:44: field &#34;parent_urn&#34;"), "{html}");
    let (s, _, html) = env.upload(&ja, "ciso-bad-unknown-parent.yaml", "ciso-assistant", CISO_BAD_PARENT).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("何も保存されていません")
            && html.contains("ciso-bad-unknown-parent.yaml の 44 行目: 項目 parent_urn"),
        "{html}"
    );
    assert!(html.contains("<option value=\"ciso-assistant\" selected>"), "the chosen format is kept");
    assert_eq!(env.framework_count(&a).await, 7);
    let (s, _) = env.page(&a, "/frameworks/import").await;
    assert_eq!(s, StatusCode::SEE_OTHER, "a reload after a refused upload comes back to the list");

    let (s, location, _) = env.upload(&a, "ciso-framework.yaml", "auto", CISO_FW).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert_eq!(location, "/frameworks/demo-fw?version=2&notice=catalog.imported");
    let (_, html) = env.page(&a, &location).await;
    assert!(html.contains("GOV-1") && html.contains("Imported."), "the tree of the new framework");
    let (_, html) = env.page(&a, "/frameworks").await;
    assert!(html.contains("data-testid=\"delete-demo-fw\""));
    assert!(!html.contains("data-testid=\"delete-nist-csf-2.0\""), "built-ins offer no delete");

    let (s, _, html) =
        env.post_page(&a, "/frameworks/nist-csf-2.0/delete", "application/x-www-form-urlencoded", Vec::new()).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert!(html.contains("cannot be deleted"), "{html}");
    let (s, _, _) =
        env.post_page(&viewer, "/frameworks/demo-fw/delete", "application/x-www-form-urlencoded", Vec::new()).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, location, _) =
        env.post_page(&a, "/frameworks/demo-fw/delete", "application/x-www-form-urlencoded", Vec::new()).await;
    assert_eq!((s, location.as_str()), (StatusCode::SEE_OTHER, "/frameworks?notice=catalog.deleted"));
    assert_eq!(env.framework_count(&a).await, 7);
}
