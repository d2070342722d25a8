//! The sharing hub's part of the isolation probe: tenant B (minato-electronics) gets intel
//! that A (sakura-motors) must never see, although both are members of the council circle:
//! a report to the hub that is never published, and council objects at AMBER (named to B's
//! owner), AMBER+STRICT and RED (B's owner as the recipient), one of them a relationship
//! that touches a CLEAR object A may read. The probes aim at these from the UI and the API.

use axum::http::Method as M;
use mamori_intel::tlp::Recipient;
use mamori_store::intel::{IngestOptions, ObjectFilter};
use mamori_store::{AdminPath, Tenant};
use serde_json::{Value, json};

use crate::isolation::{Expect::*, Payload, Probe, form, p};
use crate::support::{As, TestApp};

const B_SLUG: &str = "minato-electronics";

pub const STRICT_INDICATOR: &str = "indicator--b1000000-0000-4000-8000-000000000001";
pub const RED_INDICATOR: &str = "indicator--b1000000-0000-4000-8000-000000000002";
pub const AMBER_INDICATOR: &str = "indicator--b1000000-0000-4000-8000-000000000003";
/// CLEAR, so A reads it; B's strict relationship points at it.
pub const SHARED_MALWARE: &str = "malware--b1000000-0000-4000-8000-000000000004";
pub const STRICT_RELATIONSHIP: &str = "relationship--b1000000-0000-4000-8000-000000000005";
/// The observables behind B's private indicators.
pub const VALUES: [&str; 3] = ["198.18.7.77", "minato-red-c2.example", "https://minato-amber.example/drop"];
/// What B pastes into its report.
pub const REPORT_VALUES: [&str; 3] =
    ["192.0.2.213", "minato-secret-c2.example", "9f2c4a5b6d7e8f90112233445566778899aabbccddeeff00112233445566ab12"];

/// B's intel identifiers the probes aim at.
#[derive(Default)]
pub struct IntelIds {
    pub b_report: String,
    /// The council's shared collection (A and B both write there).
    pub council: String,
    /// The shared collection of B's sector circle, which A is not in.
    pub b_circle_collection: String,
    /// B's federation peer (with a sealed secret).
    pub b_peer: String,
}

/// What B's federation peer is called and where it points.
const B_PEER_NAME: &str = "Minato secret partner hub";
const B_PEER_URL: &str = "https://minato-partner.example/taxii2/minato/collections/minato-secret/";
const B_PEER_SECRET: &str = "minato-partner-password-77";

fn ind(id: &str, name: &str, pattern: String, marking: &str) -> Value {
    let t = "2025-05-01T00:00:00.000Z";
    json!({"type": "indicator", "spec_version": "2.1", "id": id, "created": t, "modified": t, "name": name,
        "indicator_types": ["malicious-activity"], "pattern": pattern, "pattern_type": "stix", "valid_from": t,
        "object_marking_refs": [marking]})
}

/// Seeds B's private intel and returns the identifiers to aim at.
pub async fn seed(app: &TestApp, b_tenant: &Tenant, b_secret: &str, b_owner_id: &str) -> IntelIds {
    use mamori_intel::tlp::Tlp;
    let colls = |root: &'static str| async move {
        let all = app.store.intel_collections(b_tenant, root).await.unwrap();
        all.into_iter().find(|c| c.alias == "shared").unwrap().id
    };
    let council = colls("council").await;
    let b_circle_collection = colls("elec-isac").await;

    let t = "2025-05-01T00:00:00.000Z";
    let (strict, red, amber, clear) =
        (Tlp::AmberStrict.marking_id(), Tlp::Red.marking_id(), Tlp::Amber.marking_id(), Tlp::Clear.marking_id());
    let env = json!({"objects": [
        Tlp::AmberStrict.marking_definition(), Tlp::Red.marking_definition(), Tlp::Amber.marking_definition(),
        Tlp::Clear.marking_definition(),
        ind(STRICT_INDICATOR, "Minato strict C2", format!("[ipv4-addr:value = '{}']", VALUES[0]), strict),
        ind(RED_INDICATOR, "Minato red domain", format!("[domain-name:value = '{}']", VALUES[1]), red),
        ind(AMBER_INDICATOR, "Minato amber drop", format!("[url:value = '{}']", VALUES[2]), amber),
        {"type": "malware", "spec_version": "2.1", "id": SHARED_MALWARE, "created": t, "modified": t,
         "name": "Council-wide loader", "is_family": true, "object_marking_refs": [clear]},
        {"type": "relationship", "spec_version": "2.1", "id": STRICT_RELATIONSHIP, "created": t, "modified": t,
         "relationship_type": "indicates", "source_ref": STRICT_INDICATOR, "target_ref": SHARED_MALWARE,
         "object_marking_refs": [strict]},
    ]});
    let report = mamori_intel::stix::validate_envelope(&env).unwrap();
    assert!(report.rejected.is_empty(), "{:?}", report.rejected);
    let opts = IngestOptions { recipients: vec![Recipient::User(b_owner_id.to_owned())], ..Default::default() };
    let out = app.store.intel_ingest(b_tenant, &council, report.accepted, Vec::new(), &opts).await.unwrap();
    assert_eq!(out.successes.len(), 9);

    let body = json!({"circle": "council", "collection": council, "title": "Minato secret incident report",
        "tlp": "amber", "description": "Minato secret: line 3 of the Yokohama plant", "observables": REPORT_VALUES.join("\n")});
    let resp = app.post_json("/api/v1/intel/reports", As::Token(b_secret), &body).await;
    resp.expect(201);
    let peer = json!({"name": B_PEER_NAME, "collection_url": B_PEER_URL, "auth": "basic",
        "username": "sync@minato-electronics.example", "secret": B_PEER_SECRET, "direction": "both",
        "local_collection": council, "max_tlp": "amber"});
    let created = app.post_json("/api/v1/intel/peers", As::Token(b_secret), &peer).await;
    created.expect(201);
    assert!(!created.text().contains(B_PEER_SECRET), "the secret is write-only");
    IntelIds {
        b_report: resp.json()["id"].as_str().unwrap().to_owned(),
        council,
        b_circle_collection,
        b_peer: created.json()["id"].as_str().unwrap().to_owned(),
    }
}

/// B's intel state (reports and the objects B reads) and the strings A must never see.
pub async fn state(app: &TestApp) -> (String, Vec<String>) {
    let t = app.store.admin_tenant(B_SLUG, AdminPath::Cli { operator: "test".into() }).await.unwrap();
    let reports = app.store.intel_reports(&t).await.unwrap();
    let objects = app.store.intel_objects_page(&t, None, &ObjectFilter::default(), None, 1000, true).await.unwrap();
    let mut needles: Vec<String> =
        [STRICT_INDICATOR, RED_INDICATOR, AMBER_INDICATOR, STRICT_RELATIONSHIP, "Minato strict", "Minato red"]
            .into_iter()
            .chain(VALUES)
            .chain(REPORT_VALUES)
            .map(str::to_owned)
            .collect();
    for r in &reports {
        needles.extend([r.id.clone(), r.title.clone()]);
        for o in r.original["objects"].as_array().into_iter().flatten() {
            if o["type"] != "marking-definition" {
                needles.push(o["id"].as_str().unwrap().to_owned());
            }
        }
    }
    let rows: Vec<_> = objects.rows.iter().map(|r| (&r.stix_id, &r.version, &r.tlp, r.date_added)).collect();
    let peers = app.store.intel_peers(&t).await.unwrap();
    for p in &peers {
        needles.extend([p.id.clone(), p.name.clone(), p.collection_url.clone()]);
    }
    needles.extend([B_PEER_SECRET.to_owned(), "minato-partner.example".to_owned()]);
    (format!("{reports:?}\n{rows:?}\n{peers:?}"), needles)
}

/// Every intel route of the UI and the API, aimed at B's report and private objects.
pub fn probes(ids: &IntelIds) -> Vec<Probe> {
    let none = || Payload::None;
    let report = &ids.b_report;
    let values: Vec<String> = VALUES.iter().chain(&REPORT_VALUES).map(|v| v.to_string()).collect();
    let into_b_circle = format!("elec-isac/{}", ids.b_circle_collection);
    let submit_fields =
        [("title", "A probe report"), ("tlp", "green"), ("observables", "192.0.2.1"), ("description", "")];
    let peer = &ids.b_peer;
    let a_peer_form = [
        ("name", "A's partner"),
        ("collection_url", "https://a-partner.example/taxii2/a/collections/c1/"),
        ("auth", "none"),
        ("direction", "pull"),
        ("local_collection", ids.council.as_str()),
        ("max_tlp", "green"),
        ("interval_minutes", "60"),
        ("enabled", "on"),
    ];
    let a_peer = json!({"name": "A's API partner", "collection_url": "https://a-partner.example/taxii2/a/collections/c2/",
        "auth": "none", "direction": "pull", "local_collection": ids.council, "max_tlp": "green"});
    let mut ui_submit: Vec<(&'static str, &str)> = submit_fields.to_vec();
    ui_submit.push(("target", &into_b_circle));
    vec![
        // The UI.
        p(M::GET, "/intel", "/intel", none(), NoLeak),
        p(M::GET, "/intel", format!("/intel?type=indicator&q={}", VALUES[0]), none(), NoLeak),
        p(M::GET, "/intel", "/intel?q=minato", none(), NoLeak),
        p(M::GET, "/intel/objects/{id}", format!("/intel/objects/{STRICT_INDICATOR}"), none(), Denied),
        p(M::GET, "/intel/objects/{id}", format!("/intel/objects/{RED_INDICATOR}"), none(), Denied),
        p(M::GET, "/intel/objects/{id}", format!("/intel/objects/{AMBER_INDICATOR}"), none(), Denied),
        p(M::GET, "/intel/objects/{id}", format!("/intel/objects/{STRICT_RELATIONSHIP}"), none(), Denied),
        p(M::GET, "/intel/objects/{id}", format!("/intel/objects/{SHARED_MALWARE}"), none(), NoLeak),
        p(M::GET, "/intel/reports", "/intel/reports", none(), NoLeak),
        p(M::GET, "/intel/reports/new", "/intel/reports/new", none(), NoLeak),
        p(M::POST, "/intel/reports", "/intel/reports", form(&ui_submit), Denied),
        p(M::GET, "/intel/reports/{id}", format!("/intel/reports/{report}"), none(), Denied),
        p(
            M::POST,
            "/intel/reports/{id}/sanitise",
            format!("/intel/reports/{report}/sanitise"),
            form(&[("terms", "Minato")]),
            Denied,
        ),
        p(M::POST, "/intel/reports/{id}/approve", format!("/intel/reports/{report}/approve"), form(&[]), Denied),
        p(M::POST, "/intel/reports/{id}/withdraw", format!("/intel/reports/{report}/withdraw"), form(&[]), Denied),
        p(M::POST, "/intel/reports/{id}/publish", format!("/intel/reports/{report}/publish"), form(&[]), Denied),
        // Federation peers: A manages its own, and cannot see, change, sync or delete B's.
        p(M::GET, "/intel/peers", "/intel/peers", none(), NoLeak),
        p(M::POST, "/intel/peers", "/intel/peers", form(&a_peer_form), NoLeak),
        p(M::GET, "/intel/peers/{id}", format!("/intel/peers/{peer}"), none(), Denied),
        p(M::POST, "/intel/peers/{id}", format!("/intel/peers/{peer}"), form(&a_peer_form), Denied),
        p(M::POST, "/intel/peers/{id}/sync", format!("/intel/peers/{peer}/sync"), form(&[]), Denied),
        p(M::POST, "/intel/peers/{id}/delete", format!("/intel/peers/{peer}/delete"), form(&[]), Denied),
        p(M::GET, "/api/v1/intel/peers", "/api/v1/intel/peers", none(), NoLeak),
        p(M::POST, "/api/v1/intel/peers", "/api/v1/intel/peers", Payload::Json(a_peer.clone()), NoLeak),
        p(M::GET, "/api/v1/intel/peers/{id}", format!("/api/v1/intel/peers/{peer}"), none(), Denied),
        p(M::PUT, "/api/v1/intel/peers/{id}", format!("/api/v1/intel/peers/{peer}"), Payload::Json(a_peer), Denied),
        p(M::DELETE, "/api/v1/intel/peers/{id}", format!("/api/v1/intel/peers/{peer}"), none(), Denied),
        p(M::POST, "/api/v1/intel/peers/{id}/sync", format!("/api/v1/intel/peers/{peer}/sync"), none(), Denied),
        // The API.
        p(M::POST, "/api/v1/intel/match", "/api/v1/intel/match", Payload::Json(json!({"observables": values})), NoLeak),
        p(M::GET, "/api/v1/intel/objects", "/api/v1/intel/objects?limit=200", none(), NoLeak),
        p(M::GET, "/api/v1/intel/objects", "/api/v1/intel/objects?q=minato&type=indicator", none(), NoLeak),
        p(M::GET, "/api/v1/intel/objects/{id}", format!("/api/v1/intel/objects/{STRICT_INDICATOR}"), none(), Denied),
        p(M::GET, "/api/v1/intel/objects/{id}", format!("/api/v1/intel/objects/{RED_INDICATOR}"), none(), Denied),
        p(M::GET, "/api/v1/intel/objects/{id}", format!("/api/v1/intel/objects/{AMBER_INDICATOR}"), none(), Denied),
        p(M::GET, "/api/v1/intel/objects/{id}", format!("/api/v1/intel/objects/{STRICT_RELATIONSHIP}"), none(), Denied),
        p(M::GET, "/api/v1/intel/objects/{id}", format!("/api/v1/intel/objects/{SHARED_MALWARE}"), none(), NoLeak),
        p(M::GET, "/api/v1/intel/reports", "/api/v1/intel/reports?limit=200", none(), NoLeak),
        // A's own report to the council, which B is also in: accepted, and nothing of B's in the answer.
        p(
            M::POST,
            "/api/v1/intel/reports",
            "/api/v1/intel/reports",
            Payload::Json(json!({"circle": "council", "collection": ids.council, "title": "A's council report",
                "tlp": "amber", "observables": "192.0.2.7"})),
            NoLeak,
        ),
        p(
            M::POST,
            "/api/v1/intel/reports",
            "/api/v1/intel/reports",
            Payload::Json(json!({"circle": "elec-isac", "collection": ids.b_circle_collection, "title": "A probe",
                "tlp": "green", "observables": "192.0.2.1"})),
            Denied,
        ),
        p(M::GET, "/api/v1/intel/reports/{id}", format!("/api/v1/intel/reports/{report}"), none(), Denied),
        p(
            M::POST,
            "/api/v1/intel/reports/{id}/sanitise",
            format!("/api/v1/intel/reports/{report}/sanitise"),
            Payload::Json(json!({"terms": ["Minato"]})),
            Denied,
        ),
        p(
            M::POST,
            "/api/v1/intel/reports/{id}/approve",
            format!("/api/v1/intel/reports/{report}/approve"),
            none(),
            Denied,
        ),
        p(
            M::POST,
            "/api/v1/intel/reports/{id}/withdraw",
            format!("/api/v1/intel/reports/{report}/withdraw"),
            none(),
            Denied,
        ),
        p(
            M::POST,
            "/api/v1/intel/reports/{id}/publish",
            format!("/api/v1/intel/reports/{report}/publish"),
            none(),
            Denied,
        ),
    ]
}

/// After the probes: A's matching finds none of B's indicators, while B finds all of them
/// through the same endpoint (so the denials are about TLP, not about a broken route).
pub async fn check_matching(app: &TestApp, a_secret: &str, b_secret: &str) {
    let body = json!({"observables": VALUES});
    let a = app.post_json("/api/v1/intel/match", As::Token(a_secret), &body).await;
    a.expect(200);
    assert_eq!(a.json()["results"], json!([]), "A matched B's private indicators: {}", a.text());
    let b = app.post_json("/api/v1/intel/match", As::Token(b_secret), &body).await;
    b.expect(200);
    let hits: Vec<String> = b.json()["results"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["matches"].as_array().unwrap().iter().map(|m| m["indicator_id"].as_str().unwrap().to_owned()))
        .collect();
    for id in [STRICT_INDICATOR, RED_INDICATOR, AMBER_INDICATOR] {
        assert!(hits.iter().any(|h| h == id), "B matches its own {id}: {hits:?}");
    }
    app.get(&format!("/api/v1/intel/objects/{STRICT_INDICATOR}"), As::Token(b_secret)).await.expect(200);
    let shared = app.get(&format!("/api/v1/intel/objects/{SHARED_MALWARE}"), As::Token(b_secret)).await;
    assert!(shared.text().contains(STRICT_RELATIONSHIP), "B sees its relationship: {}", shared.text());
    let shared = app.get(&format!("/api/v1/intel/objects/{SHARED_MALWARE}"), As::Token(a_secret)).await;
    shared.expect(200);
    assert_eq!(shared.json()["relationships"], json!([]), "A reads the CLEAR object without B's relationship");
}
