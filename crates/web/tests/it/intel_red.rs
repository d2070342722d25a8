//! TLP:RED over TAXII. A POST names the individual recipients of its AMBER and RED objects
//! in the envelope property `x_mamori_recipients`; each must be a user of a member
//! organization of the circle, and a RED object posted without any is refused in the status
//! resource. Once stored, the object is read by its recipients and its producer only — over
//! TAXII, REST, the UI and matching — and federation never pushes it.

use axum::body::Body;
use axum::http::{Method, header};
use base64::Engine;
use mamori_intel::tlp::Tlp;
use mamori_store::AdminPath;
use mamori_web::federation::{SyncOptions, no_progress, sync_peer};
use serde_json::{Value, json};

use crate::fake_peer::FakePeer;
use crate::support::{As, DEMO_PASSWORD, Resp, TestApp};

const SAKURA: &str = "owner@sakura-motors.example";
const HOKUTO: &str = "owner@hokuto-precision.example";
const RED_ID: &str = "indicator--7ed00000-0000-4000-8000-000000000001";
const GREEN_ID: &str = "indicator--7ed00000-0000-4000-8000-000000000002";
/// The observable behind the RED indicator.
const VALUE: &str = "198.18.99.77";
const TAXII: &str = "application/taxii+json;version=2.1";

fn indicator(id: &str, value: &str, tlp: Tlp) -> Value {
    let t = "2025-07-01T00:00:00.000Z";
    json!({"type": "indicator", "spec_version": "2.1", "id": id, "created": t, "modified": t,
        "name": format!("{} probe", tlp.label()), "indicator_types": ["malicious-activity"],
        "pattern": format!("[ipv4-addr:value = '{value}']"), "pattern_type": "stix", "valid_from": t,
        "object_marking_refs": [tlp.marking_id()]})
}

fn envelope(recipients: Option<Value>) -> Value {
    let mut e = json!({"objects": [Tlp::Red.marking_definition(), Tlp::Green.marking_definition(),
        indicator(RED_ID, VALUE, Tlp::Red), indicator(GREEN_ID, "198.18.99.78", Tlp::Green)]});
    if let Some(r) = recipients {
        e["x_mamori_recipients"] = r;
    }
    e
}

async fn taxii(app: &TestApp, method: Method, who: &str, path: &str, body: Option<&Value>) -> Resp {
    let auth = base64::engine::general_purpose::STANDARD.encode(format!("{who}:{DEMO_PASSWORD}"));
    let mut b = TestApp::request(method, path, As::Anon)
        .header(header::AUTHORIZATION, format!("Basic {auth}"))
        .header(header::ACCEPT, TAXII);
    if body.is_some() {
        b = b.header(header::CONTENT_TYPE, TAXII);
    }
    app.send(b.body(body.map_or(Body::empty(), |v| Body::from(v.to_string()))).unwrap()).await
}

async fn shared(app: &TestApp) -> String {
    let t = app.store.admin_tenant("sakura-motors", AdminPath::Cli { operator: "test".into() }).await.unwrap();
    let all = app.store.intel_collections(&t, "auto-isac").await.unwrap();
    all.into_iter().find(|c| c.alias == "shared").unwrap().id
}

#[tokio::test]
async fn red_over_taxii_needs_recipients_who_are_users_of_member_organizations() {
    let app = TestApp::with_demo(TestApp::roomy_config()).await;
    let objects = format!("/taxii2/auto-isac/collections/{}/objects/", shared(&app).await);

    // No recipients: the RED object is refused with a reason, the GREEN one is stored.
    let r = taxii(&app, Method::POST, SAKURA, &objects, Some(&envelope(None))).await;
    r.expect(202);
    let status = r.json();
    assert_eq!((status["success_count"].as_u64(), status["failure_count"].as_u64()), (Some(3), Some(1)), "{status}");
    assert_eq!(status["failures"][0]["id"], RED_ID);
    let why = status["failures"][0]["message"].as_str().unwrap();
    assert!(why.contains("TLP:RED") && why.contains("x_mamori_recipients"), "{why}");
    let id = status["id"].as_str().unwrap();
    let stored = taxii(&app, Method::GET, SAKURA, &format!("/taxii2/auto-isac/status/{id}/"), None).await;
    assert_eq!(stored.json()["failures"], status["failures"], "the status resource keeps the reason");

    // A user of an organization outside the circle, and an address nobody has: the same 400.
    let outsider = taxii(
        &app,
        Method::POST,
        SAKURA,
        &objects,
        Some(&envelope(Some(json!([HOKUTO, "owner@minato-electronics.example"])))),
    )
    .await;
    outsider.expect(400);
    let unknown =
        taxii(&app, Method::POST, SAKURA, &objects, Some(&envelope(Some(json!([HOKUTO, "nobody@nowhere.example"])))))
            .await;
    unknown.expect(400);
    let text = |r: &Resp| r.json()["description"].as_str().unwrap_or_else(|| panic!("{}", r.text())).to_owned();
    assert!(
        text(&outsider).starts_with("x_mamori_recipients: entry 1 (owner@minato-electronics.example)"),
        "{}",
        text(&outsider)
    );
    assert_eq!(
        text(&outsider).replace("owner@minato-electronics.example", "X"),
        text(&unknown).replace("nobody@nowhere.example", "X"),
        "the answer does not tell a stranger from a non-member"
    );
    for bad in [json!("owner@hokuto-precision.example"), json!([HOKUTO, 7]), json!(["not an address"])] {
        let r = taxii(&app, Method::POST, SAKURA, &objects, Some(&envelope(Some(bad.clone())))).await;
        r.expect(400);
        assert!(text(&r).contains("x_mamori_recipients"), "{bad}: {}", text(&r));
    }
    // Nothing of the refused requests was stored.
    taxii(&app, Method::GET, SAKURA, &format!("{objects}{RED_ID}/"), None).await.expect(404);
}

/// Every demo login that exists, inside and outside the circle.
fn readers() -> Vec<String> {
    let mut all: Vec<String> = mamori_store::demo::demo_accounts()
        .into_iter()
        .map(|a| a.email)
        .filter(|e| !e.starts_with("platform-admin@"))
        .collect();
    for e in [
        HOKUTO,
        "owner@nagisa-seats.example",
        "owner@hikari-glass.example",
        "owner@minato-electronics.example",
        "owner@sharing-hub.example",
        "admin@sharing-hub.example",
    ] {
        if !all.iter().any(|a| a == e) {
            all.push(e.to_owned());
        }
    }
    all
}

#[tokio::test]
async fn a_red_object_posted_over_taxii_is_read_by_its_recipients_only_on_every_path() {
    let config = mamori_web::WebConfig { federation_allow_internal: true, ..TestApp::roomy_config() };
    let app = TestApp::with_demo(config).await;
    let coll = shared(&app).await;
    let objects = format!("/taxii2/auto-isac/collections/{coll}/objects/");
    let r = taxii(&app, Method::POST, SAKURA, &objects, Some(&envelope(Some(json!([HOKUTO]))))).await;
    r.expect(202);
    assert_eq!(r.json()["failure_count"], 0, "{}", r.text());

    let mut allowed_seen = 0;
    for email in readers() {
        let allowed = email == SAKURA || email == HOKUTO;
        // TAXII: objects, one object, manifest and versions.
        let list = taxii(&app, Method::GET, &email, &format!("{objects}?match[id]={RED_ID}"), None).await;
        let one = taxii(&app, Method::GET, &email, &format!("{objects}{RED_ID}/"), None).await;
        let manifest =
            taxii(&app, Method::GET, &email, &format!("/taxii2/auto-isac/collections/{coll}/manifest/"), None).await;
        let versions = taxii(&app, Method::GET, &email, &format!("{objects}{RED_ID}/versions/"), None).await;
        assert_eq!(list.text().contains(RED_ID), allowed, "TAXII objects for {email}");
        assert_eq!(one.status == 200, allowed, "TAXII object for {email}: {}", one.status);
        assert_eq!(manifest.text().contains(RED_ID), allowed, "TAXII manifest for {email}");
        assert_eq!(versions.status == 200, allowed, "TAXII versions for {email}");
        // REST.
        let tok =
            app.post_json("/api/v1/auth/token", As::Anon, &json!({"email": email, "password": DEMO_PASSWORD})).await;
        tok.expect(201);
        let token = tok.json()["token"].as_str().unwrap().to_owned();
        let rest = app.get(&format!("/api/v1/intel/objects/{RED_ID}"), As::Token(&token)).await;
        assert_eq!(rest.status == 200, allowed, "REST object for {email}: {}", rest.status);
        let listed = app.get("/api/v1/intel/objects?type=indicator&limit=200", As::Token(&token)).await;
        assert_eq!(listed.text().contains(RED_ID), allowed, "REST list for {email}");
        // Matching.
        let m = app.post_json("/api/v1/intel/match", As::Token(&token), &json!({"observables": [VALUE]})).await;
        m.expect(200);
        assert_eq!(m.text().contains(RED_ID), allowed, "matching for {email}: {}", m.text());
        // The UI.
        let s = app.login_as(&email, DEMO_PASSWORD).await;
        let page = app.get(&format!("/intel/objects/{RED_ID}"), As::Browser(&s)).await;
        assert_eq!(page.status == 200, allowed, "UI object for {email}: {}", page.status);
        let search = app.get(&format!("/intel?q={VALUE}"), As::Browser(&s)).await;
        // The search box repeats the query; the indicator's name appears only in a result.
        assert_eq!(search.text().contains("TLP:RED probe"), allowed, "UI search for {email}");
        allowed_seen += usize::from(allowed);
    }
    assert_eq!(allowed_seen, 2, "both readers were probed");

    // Federation: the producer's organization pushes at its highest ceiling; RED stays home.
    let peer = FakePeer::start().await;
    let admin = app.login_as(SAKURA, DEMO_PASSWORD).await;
    let token = app.api_token(&admin, "federation", "owner").await;
    let body = json!({"name": "Partner", "collection_url": peer.collection_url(), "auth": "none",
        "direction": "push", "local_collection": coll, "max_tlp": "amber"});
    let created = app.post_json("/api/v1/intel/peers", As::Token(&token), &body).await;
    created.expect(201);
    let id = created.json()["id"].as_str().unwrap().to_owned();
    let opts = SyncOptions { allow_internal: true, ..SyncOptions::default() };
    let report = sync_peer(&app.store, &id, &opts, &no_progress).await.unwrap();
    assert_eq!(report.error, None);
    let pushed = peer.posted_ids();
    assert!(pushed.iter().any(|i| i == GREEN_ID), "the push ran: {pushed:?}");
    assert!(!pushed.iter().any(|i| i == RED_ID), "TLP:RED never leaves the hub");
}
