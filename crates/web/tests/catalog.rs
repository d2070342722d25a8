//! The catalog over HTTP: REST endpoints, tenant isolation of private frameworks, and the HTML pages.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use mamori_catalog::{Framework, I18n, Node, Tag};
use mamori_store::{AdminPath, DbConfig, NewApiToken, NewUser, Role, Store, UserInfo};
use mamori_web::{AppState, NoMailer, WebConfig};
use serde_json::Value;
use tower::ServiceExt;

struct Env {
    app: Router,
    store: Store,
    _dir: tempfile::TempDir,
}

struct Member {
    user: UserInfo,
    org_id: String,
    token: String,
}

async fn env() -> Env {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&DbConfig::Sqlite { data_dir: dir.path().to_owned() }).await.unwrap();
    store.sync_builtin_catalog().await.unwrap();
    let app = mamori_web::app(AppState::new(store.clone(), WebConfig::default(), Arc::new(NoMailer)));
    Env { app, store, _dir: dir }
}

impl Env {
    async fn member(&self, email: &str, org: &str, role: Role) -> Member {
        let new = NewUser {
            email: email.into(),
            name: email.into(),
            password: "correct horse battery".into(),
            lang: "en".into(),
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
    assert!(p["detail"].as_str().unwrap().starts_with("bad.json: line 2"), "{p}");

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
