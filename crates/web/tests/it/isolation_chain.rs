//! The supply chain's part of the isolation probe: tenant B (minato-electronics) gets
//! supply-chain data that A (sakura-motors) must never see: a supply link to a supplier of
//! its own (with an assessment request), a signed attestation shared with that third
//! party, a supplier invitation, and a ★3 attestation of the third party waiting for B's
//! review. The probes aim at these from the UI and the API; the public routes (registry,
//! verification, well-known key and revocation files) must show only what is public.

use axum::http::Method as M;
use mamori_chain::Level;
use mamori_chain::advice::InterruptionImpact;
use mamori_chain::attest::{EvidenceItem, Outcome, RequirementStatus, Score, evidence_digest, requirements_digest};
use mamori_store::chain::{AttestationInput, LinkInput, RequestInput, ShareScope};
use mamori_store::{AdminPath, NewUser, Tenant};
use serde_json::json;

use crate::isolation::{Expect::*, Payload, Probe, form, p};
use crate::support::{DEMO_PASSWORD, TestApp};

const B_SLUG: &str = "minato-electronics";
/// B's own supplier, a third party A has nothing to do with.
const C_NAME: &str = "Kaigan Hidden Castings";
const C_SLUG: &str = "kaigan-hidden-castings";
const C_EMAIL: &str = "owner@kaigan-hidden-castings.example";
/// What B buys from C and the people named in B's chain data.
const SUPPLIED: &str = "Minato secret harness looms";
const PLEDGE: &str = "Minato Pledger Ichiro";
const INVITEE: &str = "secret.supplier@minato-partner.example";
const INVITEE_NAME: &str = "Minato Partner Secret Works";

/// B's supply-chain identifiers the probes aim at.
#[derive(Default)]
pub struct ChainIds {
    /// B's link to its supplier C.
    pub b_link: String,
    /// B's signed attestation.
    pub b_attestation: String,
    /// The share of B's attestation with C.
    pub b_share: String,
    /// C's ★3 attestation waiting for B's review.
    pub b_review: String,
    /// B's open supplier invitation.
    pub b_invitation: String,
}

fn link(supplied: &str) -> LinkInput {
    LinkInput {
        supplied: supplied.into(),
        criticality: "high".into(),
        handles_confidential_data: true,
        connects_to_buyer_systems: false,
        interruption_impact: InterruptionImpact::Tolerable,
    }
}

fn result(level: Level, reviewer: Option<&str>) -> AttestationInput {
    let reqs = vec![RequirementStatus { id: "R-1".into(), status: "met".into() }];
    let ev = vec![EvidenceItem { id: "E-1".into(), sha256: "c".repeat(64) }];
    AttestationInput {
        framework_id: "meti-scs".into(),
        framework_version: "2026-03-27".into(),
        level,
        outcome: Outcome::Met,
        scores: vec![Score { name: "all".into(), achieved: 1, total: 1 }],
        requirements: requirements_digest(&reqs),
        evidence: evidence_digest(&ev),
        valid_days: None,
        pledge_name: PLEDGE.into(),
        pledge_title: "CEO".into(),
        reviewer_org_slug: reviewer.map(str::to_string),
        assessment_ref: Some("minato-secret-assessment".into()),
    }
}

/// Seeds B's private supply-chain data and returns the identifiers to aim at.
pub async fn seed(app: &TestApp, b_tenant: &Tenant) -> ChainIds {
    let (c_user, c_org) = app
        .store
        .signup(
            NewUser {
                email: C_EMAIL.into(),
                name: "Kaigan Owner".into(),
                password: DEMO_PASSWORD.into(),
                lang: "en".into(),
            },
            C_NAME,
        )
        .await
        .unwrap();
    let c_tenant = app.store.tenant_for_login(&c_user, &c_org.id).await.unwrap();
    let deadline = time::OffsetDateTime::now_utc().unix_timestamp() * 1000 + 30 * 86_400_000;
    let request = RequestInput { level: Some(Level::Star4), profile: None, deadline };

    let b_link = app.store.add_relationship(b_tenant, &c_org.slug, &link(SUPPLIED)).await.unwrap();
    app.store.request_assessment(b_tenant, &b_link, &request).await.unwrap();
    let (invitation, _token) = app
        .store
        .invite_supplier(b_tenant, INVITEE, INVITEE_NAME, &link("Minato secret firmware"), &request)
        .await
        .unwrap();
    let attestation = app.store.submit_attestation(b_tenant, result(Level::Star4, None)).await.unwrap();
    let b_share =
        app.store.share_attestation(b_tenant, &attestation.id, &c_org.slug, ShareScope::Evidence).await.unwrap();
    // B's owner is a registered expert reviewer, so C can ask B to review its ★3 result.
    let path = AdminPath::Cli { operator: "test".into() };
    app.store.register_expert_reviewer("owner@minato-electronics.example", "RISS-009999", path).await.unwrap();
    let pending = app.store.submit_attestation(&c_tenant, result(Level::Star3, Some(B_SLUG))).await.unwrap();
    let b_org = app.store.org(b_tenant).await.unwrap().id;
    assert_eq!(pending.reviewer_org_id.as_deref(), Some(b_org.as_str()), "C's attestation waits for B's review");
    ChainIds { b_link, b_attestation: attestation.id, b_share, b_review: pending.id, b_invitation: invitation.id }
}

/// B's supply-chain state and the strings A must never see.
pub async fn state(app: &TestApp) -> (String, Vec<String>) {
    let t = app.store.admin_tenant(B_SLUG, AdminPath::Cli { operator: "test".into() }).await.unwrap();
    let dashboard = app.store.supply_dashboard(&t).await.unwrap();
    let attestations = app.store.attestations(&t).await.unwrap();
    let shares = app.store.shares(&t).await.unwrap();
    let reviews = app.store.review_queue(&t).await.unwrap();
    let invitations = app.store.supplier_invitations(&t).await.unwrap();
    let settings = app.store.chain_settings(&t).await.unwrap();
    let mut needles: Vec<String> =
        [C_NAME, C_EMAIL, C_SLUG, SUPPLIED, PLEDGE, INVITEE, INVITEE_NAME, "minato-secret-assessment"]
            .into_iter()
            .map(str::to_owned)
            .collect();
    // Only C is B's private supplier; the demo's other suppliers of B also serve A.
    needles.extend(dashboard.direct.iter().filter(|r| r.org.slug == C_SLUG).map(|r| r.org.id.clone()));
    for a in &attestations {
        needles.push(a.id.clone());
    }
    for s in &shares {
        needles.extend([s.id.clone(), s.buyer.id.clone()]);
    }
    for r in &reviews {
        needles.extend([r.attestation.id.clone(), r.subject.id.clone()]);
    }
    for i in &invitations {
        needles.push(i.id.clone());
    }
    // C's attestation under B's review, as C (the subject) holds it.
    let c = app.store.admin_tenant(C_SLUG, AdminPath::Cli { operator: "test".into() }).await.unwrap();
    let under_review = app.store.attestations(&c).await.unwrap();
    assert!(!under_review.is_empty(), "C has an attestation under B's review");
    for a in &under_review {
        needles.push(a.id.clone());
    }
    let state = format!(
        "{under_review:?}\n{dashboard:?}\n{attestations:?}\n{shares:?}\n{reviews:?}\n{invitations:?}\n{settings:?}"
    );
    (state, needles)
}

/// Every supply-chain route of the UI and the API, aimed at B's link, attestation, share,
/// review and invitation.
pub fn probes(ids: &ChainIds) -> Vec<Probe> {
    let none = || Payload::None;
    let json = Payload::Json;
    let (l, a, s, r, i) = (&ids.b_link, &ids.b_attestation, &ids.b_share, &ids.b_review, &ids.b_invitation);
    let new_link =
        [("supplier", "no-such-supplier"), ("supplied", "bolts"), ("criticality", "low"), ("impact", "tolerable")];
    let invite = [
        ("email", "new.supplier@sakura-partner.example"),
        ("name", "Sakura Partner Works"),
        ("supplied", "bolts"),
        ("criticality", "low"),
        ("impact", "tolerable"),
        ("deadline", "2030-01-31"),
    ];
    let wk_keys = format!("/.well-known/mamori/keys/{B_SLUG}.json");
    let wk_revocations = format!("/.well-known/mamori/revocations/{B_SLUG}.json");
    vec![
        // The UI: buyer side.
        p(M::GET, "/supply", "/supply", none(), NoLeak),
        p(M::GET, "/supply", "/supply?q=minato", none(), NoLeak),
        p(M::GET, "/supply/export/{format}", "/supply/export/csv", none(), NoLeak),
        p(M::GET, "/supply/export/{format}", "/supply/export/json", none(), NoLeak),
        p(M::POST, "/supply/links", "/supply/links", form(&new_link), NoLeak),
        p(M::POST, "/supply/invite", "/supply/invite", form(&invite), NoLeak),
        p(M::GET, "/supply/links/{id}", format!("/supply/links/{l}"), none(), Denied),
        p(M::POST, "/supply/links/{id}", format!("/supply/links/{l}"), form(&new_link[1..]), Denied),
        p(
            M::POST,
            "/supply/links/{id}/override",
            format!("/supply/links/{l}/override"),
            form(&[("level", "star3"), ("reason", "probe")]),
            Denied,
        ),
        p(
            M::POST,
            "/supply/links/{id}/request",
            format!("/supply/links/{l}/request"),
            form(&[("level", "star4"), ("deadline", "2030-01-31")]),
            Denied,
        ),
        p(M::GET, "/supply/received/{share}", format!("/supply/received/{s}"), none(), Denied),
        p(M::GET, "/supply/received/{share}/result", format!("/supply/received/{s}/result"), none(), Denied),
        p(
            M::GET,
            "/supply/received/{share}/evidence/{id}",
            format!("/supply/received/{s}/evidence/{a}"),
            none(),
            Denied,
        ),
        // The UI: supplier side.
        p(M::GET, "/attestations", "/attestations", none(), NoLeak),
        p(
            M::POST,
            "/attestations",
            "/attestations",
            form(&[("framework_id", "meti-scs"), ("level", "star3"), ("reviewer_org", B_SLUG)]),
            NoLeak,
        ),
        p(M::POST, "/attestations/settings", "/attestations/settings", form(&[]), NoLeak),
        p(M::POST, "/attestations/keys/rotate", "/attestations/keys/rotate", form(&[]), NoLeak),
        p(M::GET, "/attestations/{id}/envelope", format!("/attestations/{a}/envelope"), none(), Denied),
        p(
            M::POST,
            "/attestations/{id}/share",
            format!("/attestations/{a}/share"),
            form(&[("buyer", "sakura-motors"), ("scope", "evidence")]),
            Denied,
        ),
        p(
            M::POST,
            "/attestations/{id}/revoke",
            format!("/attestations/{a}/revoke"),
            form(&[("reason", "probe")]),
            Denied,
        ),
        p(M::POST, "/attestations/shares/{id}/revoke", format!("/attestations/shares/{s}/revoke"), form(&[]), Denied),
        p(M::GET, "/reviews", "/reviews", none(), NoLeak),
        p(
            M::POST,
            "/reviews/{id}",
            format!("/reviews/{r}"),
            form(&[("decision", "approve"), ("reviewer_name", "Sakura Reviewer")]),
            Denied,
        ),
        // Public pages: only what is public by design.
        p(M::GET, "/verify", "/verify", none(), NoLeak),
        p(M::POST, "/verify", "/verify", form(&[("envelope", "{}")]), NoLeak),
        p(M::GET, "/registry", "/registry", none(), NoLeak),
        p(M::GET, "/chain/invite/{token}", format!("/chain/invite/{i}"), none(), Denied),
        p(M::POST, "/chain/invite/{token}", format!("/chain/invite/{i}"), form(&[("org_name", "Taken Over")]), Denied),
        p(M::GET, "/.well-known/mamori/keys/{file}", wk_keys, none(), NoLeak),
        p(M::GET, "/.well-known/mamori/revocations/{file}", wk_revocations, none(), NoLeak),
        // The API.
        p(M::GET, "/api/v1/supply/dashboard", "/api/v1/supply/dashboard", none(), NoLeak),
        p(
            M::POST,
            "/api/v1/supply/links",
            "/api/v1/supply/links",
            json(json!({"supplier": "no-such-supplier", "supplied": "bolts", "criticality": "low"})),
            NoLeak,
        ),
        p(
            M::POST,
            "/api/v1/supply/links/{id}/override",
            format!("/api/v1/supply/links/{l}/override"),
            json(json!({"level": "star3", "reason": "probe"})),
            Denied,
        ),
        p(
            M::POST,
            "/api/v1/supply/links/{id}/requests",
            format!("/api/v1/supply/links/{l}/requests"),
            json(json!({"level": "star4", "deadline": "2030-01-31"})),
            Denied,
        ),
        p(
            M::POST,
            "/api/v1/supply/invitations",
            "/api/v1/supply/invitations",
            json(json!({"email": "api.supplier@sakura-partner.example", "supplier_name": "Sakura API Partner",
                "supplied": "bolts", "criticality": "low", "deadline": "2030-01-31"})),
            NoLeak,
        ),
        p(M::GET, "/api/v1/attestations", "/api/v1/attestations", none(), NoLeak),
        p(
            M::POST,
            "/api/v1/attestations",
            "/api/v1/attestations",
            json(json!({"framework_id": "meti-scs", "framework_version": "2026-03-27", "level": "star4",
                "outcome": "met", "scores": [{"name": "all", "achieved": 1, "total": 1}],
                "requirement_statuses": [{"id": "R-1", "status": "met"}],
                "evidence_items": [{"id": "E-1", "sha256": "d".repeat(64)}],
                "pledge": {"name": "Sakura Pledger", "title": "CEO"}})),
            NoLeak,
        ),
        p(M::GET, "/api/v1/attestations/{id}/envelope", format!("/api/v1/attestations/{a}/envelope"), none(), Denied),
        p(
            M::POST,
            "/api/v1/attestations/{id}/shares",
            format!("/api/v1/attestations/{a}/shares"),
            json(json!({"buyer": "sakura-motors", "scope": "evidence"})),
            Denied,
        ),
        p(
            M::POST,
            "/api/v1/attestations/{id}/revoke",
            format!("/api/v1/attestations/{a}/revoke"),
            json(json!({"reason": "probe"})),
            Denied,
        ),
        p(M::DELETE, "/api/v1/shares/{id}", format!("/api/v1/shares/{s}"), none(), Denied),
        p(M::GET, "/api/v1/shares/received", "/api/v1/shares/received", none(), NoLeak),
        p(
            M::GET,
            "/api/v1/shares/received/{id}/envelope",
            format!("/api/v1/shares/received/{s}/envelope"),
            none(),
            Denied,
        ),
        p(M::GET, "/api/v1/shares/received/{id}/result", format!("/api/v1/shares/received/{s}/result"), none(), Denied),
        p(
            M::GET,
            "/api/v1/shares/received/{id}/evidence/{evidence}",
            format!("/api/v1/shares/received/{s}/evidence/{a}"),
            none(),
            Denied,
        ),
        p(M::GET, "/api/v1/reviews", "/api/v1/reviews", none(), NoLeak),
        p(
            M::POST,
            "/api/v1/reviews/{id}",
            format!("/api/v1/reviews/{r}"),
            json(json!({"approve": true, "reviewer_name": "Sakura Reviewer"})),
            Denied,
        ),
        p(M::POST, "/api/v1/verify", "/api/v1/verify", json(json!({"payload": "probe"})), NoLeak),
    ]
}
