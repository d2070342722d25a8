//! Supply-chain store tests: relationships and advice, consent-limited visibility,
//! requests and invitations, attestations with review, shares and revocation, key
//! rotation, and isolation between buyers and suppliers. Each test runs on SQLite and,
//! when `MAMORI_TEST_DATABASE_URL` is set, on a fresh PostgreSQL database.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use mamori_chain::Level;
use mamori_chain::advice::InterruptionImpact;
use mamori_chain::attest::{
    EvidenceItem, Outcome, RequirementStatus, Score, VerifyError, evidence_digest, requirements_digest,
};
use mamori_store::chain::{AttestationInput, AttestationState, ChainSettingsInfo, LinkInput, RequestInput, ShareScope};
use mamori_store::{
    AdminPath, DbConfig, NewUser, OrgInfo, SecretKey, Store, StoreError, SupplyStatus, Tenant, UserInfo,
};
use sea_orm::ConnectionTrait;

const PW: &str = "correct horse battery staple";

async fn backends() -> Vec<Store> {
    let mut out = Vec::new();
    let dir = std::env::temp_dir().join(format!("mamori-chain-{}", uuid::Uuid::new_v4()));
    out.push(Store::open(&DbConfig::Sqlite { data_dir: dir }).await.unwrap());
    if let Some(url) = std::env::var("MAMORI_TEST_DATABASE_URL").ok().filter(|u| !u.is_empty()) {
        let name = format!("mamori_chain_{}", uuid::Uuid::new_v4().simple());
        let admin = sea_orm::Database::connect(&url).await.unwrap();
        admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await.unwrap();
        let base = url.rsplit_once('/').map(|(b, _)| b.to_string()).unwrap();
        out.push(Store::open(&DbConfig::Postgres { url: format!("{base}/{name}") }).await.unwrap());
    }
    out.into_iter().map(|s| s.with_secret_key(SecretKey::from_bytes([7; 32]))).collect()
}

async fn org(store: &Store, name: &str) -> (UserInfo, OrgInfo, Tenant) {
    let email = format!("owner@{}.example", name.to_lowercase().replace(' ', "-"));
    let (u, o) = store
        .signup(NewUser { email, name: format!("{name} Owner"), password: PW.into(), lang: "en".into() }, name)
        .await
        .unwrap();
    let t = store.tenant_for_login(&u, &o.id).await.unwrap();
    (u, o, t)
}

fn link(supplied: &str, crit: &str, confidential: bool) -> LinkInput {
    LinkInput {
        supplied: supplied.into(),
        criticality: crit.into(),
        handles_confidential_data: confidential,
        connects_to_buyer_systems: false,
        interruption_impact: InterruptionImpact::Tolerable,
    }
}

fn result(level: Level, reviewer: Option<&str>) -> AttestationInput {
    let reqs = vec![RequirementStatus { id: "R-1".into(), status: "met".into() }];
    let ev = vec![EvidenceItem { id: "E-1".into(), sha256: "a".repeat(64) }];
    AttestationInput {
        framework_id: "meti-scs".into(),
        framework_version: "2026-03-27".into(),
        level,
        outcome: Outcome::Met,
        scores: vec![Score { name: "all".into(), achieved: 1, total: 1 }],
        requirements: requirements_digest(&reqs),
        evidence: evidence_digest(&ev),
        valid_days: None,
        pledge_name: "Hanako Sato".into(),
        pledge_title: "CEO".into(),
        reviewer_org_slug: reviewer.map(str::to_string),
        assessment_ref: None,
    }
}

fn status_of(d: &mamori_store::chain::SupplyDashboard, slug: &str) -> SupplyStatus {
    d.direct.iter().find(|r| r.org.slug == slug).map(|r| r.status).unwrap()
}

fn in_days(d: i64) -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp() * 1000 + d * 86_400_000
}

#[tokio::test]
async fn the_three_question_rule_advises_and_an_override_needs_a_recorded_reason() {
    for store in backends().await {
        let (_, _, buyer) = org(&store, "Buyer A").await;
        let (_, s1, _) = org(&store, "Plain Parts").await;
        let (_, s2, _) = org(&store, "Data Host").await;
        let l1 = store.add_relationship(&buyer, &s1.slug, &link("bolts", "low", false)).await.unwrap();
        store.add_relationship(&buyer, &s2.slug, &link("hosting", "high", true)).await.unwrap();
        let d = store.supply_dashboard(&buyer).await.unwrap();
        let plain = d.direct.iter().find(|r| r.org.slug == s1.slug).unwrap();
        let host = d.direct.iter().find(|r| r.org.slug == s2.slug).unwrap();
        assert_eq!(plain.advice.recommended, Level::Star3);
        assert_eq!(host.advice.recommended, Level::Star4);
        assert!(matches!(
            store.set_level_override(&buyer, &l1, Some(Level::Star4), "  ").await,
            Err(StoreError::Invalid { .. })
        ));
        store.set_level_override(&buyer, &l1, Some(Level::Star4), "sole source for the plant").await.unwrap();
        let d = store.supply_dashboard(&buyer).await.unwrap();
        let plain = d.direct.iter().find(|r| r.org.slug == s1.slug).unwrap();
        assert_eq!(plain.effective_level, Level::Star4);
        assert_eq!(plain.override_.as_ref().unwrap().reason, "sole source for the plant");
        let audit = store.audit_page(&buyer, None, 20).await.unwrap();
        assert!(
            audit.iter().any(|e| e.action == "supply.override" && e.detail["reason"] == "sole source for the plant")
        );
    }
}

#[tokio::test]
async fn upstream_buyers_see_deeper_suppliers_only_with_consent() {
    for store in backends().await {
        let (_, _, a) = org(&store, "Lead").await;
        let (_, b, bt) = org(&store, "Tier One").await;
        let (_, c, ct) = org(&store, "Tier Two").await;
        store.submit_attestation(&ct, result(Level::Star4, None)).await.unwrap();
        // Unpublished, the tier-2 attestation is invisible upstream, even as a count.
        store.add_relationship(&a, &b.slug, &link("modules", "high", false)).await.unwrap();
        store.add_relationship(&bt, &c.slug, &link("chips", "critical", false)).await.unwrap();
        let d = store.supply_dashboard(&a).await.unwrap();
        assert_eq!(d.hidden.iter().map(|h| (h.tier, h.status)).collect::<Vec<_>>(), vec![(2, SupplyStatus::Unknown)]);
        store
            .set_chain_settings(&ct, &ChainSettingsInfo { disclose_suppliers: false, registry_listed: true })
            .await
            .unwrap();
        let rows = store.suppliers(&a).await.unwrap();
        assert_eq!(rows.iter().map(|r| r.org.slug.as_str()).collect::<Vec<_>>(), vec![b.slug.as_str()]);
        let d = store.supply_dashboard(&a).await.unwrap();
        assert!(d.deep.is_empty());
        assert_eq!(
            d.hidden.iter().map(|h| (h.tier, h.status, h.count)).collect::<Vec<_>>(),
            vec![(2, SupplyStatus::AttestedStar4, 1)]
        );
        assert_eq!(d.rollup.suppliers, 2);
        assert!(!store.supply_export(&a, "csv").await.unwrap().contains("Tier Two"));
        store
            .set_chain_settings(&bt, &ChainSettingsInfo { disclose_suppliers: true, registry_listed: false })
            .await
            .unwrap();
        let rows = store.suppliers(&a).await.unwrap();
        assert!(rows.iter().any(|r| r.org.slug == c.slug && r.tier == 2 && r.via == "Tier One"));
        let d = store.supply_dashboard(&a).await.unwrap();
        assert_eq!(d.deep.len(), 1);
        assert_eq!(d.deep[0].status, SupplyStatus::AttestedStar4);
        assert!(d.hidden.is_empty());
        assert!(store.supply_export(&a, "graphml").await.unwrap().contains("Tier Two"));
    }
}

#[tokio::test]
async fn star3_is_reviewed_shared_with_two_buyers_and_one_share_is_revoked() {
    for store in backends().await {
        let (_, _, a) = org(&store, "Buyer A").await;
        let (_, bx, x) = org(&store, "Buyer X").await;
        let (_, sup, st) = org(&store, "Supplier S").await;
        let (ru, rev, _) = org(&store, "Review Office").await;
        store
            .register_expert_reviewer(&ru.email, "RISS-000123", AdminPath::Cli { operator: "test".into() })
            .await
            .unwrap();
        let rt = store.tenant_for_login(&ru, &rev.id).await.unwrap();
        let la = store.add_relationship(&a, &sup.slug, &link("parts", "high", false)).await.unwrap();
        store.add_relationship(&x, &sup.slug, &link("parts", "medium", false)).await.unwrap();
        store
            .request_assessment(
                &a,
                &la,
                &RequestInput { level: Some(Level::Star3), profile: None, deadline: in_days(30) },
            )
            .await
            .unwrap();
        assert_eq!(status_of(&store.supply_dashboard(&a).await.unwrap(), &sup.slug), SupplyStatus::Requested);
        assert_eq!(status_of(&store.supply_dashboard(&x).await.unwrap(), &sup.slug), SupplyStatus::NotRequested);
        // The supplier sees A's request and nothing of X.
        let incoming = store.incoming_requests(&st).await.unwrap();
        assert_eq!(incoming.len(), 1);
        assert_eq!(incoming[0].buyer.slug, "buyer-a");

        assert!(matches!(
            store.submit_attestation(&st, result(Level::Star3, None)).await,
            Err(StoreError::Invalid { .. })
        ));
        let rec = store.submit_attestation(&st, result(Level::Star3, Some(&rev.slug))).await.unwrap();
        assert_eq!(rec.state, AttestationState::InReview);
        assert!(matches!(store.attestation_envelope(&st, &rec.id).await, Err(StoreError::NotFound)));
        // A buyer cannot review, and the reviewer sees the item in its queue.
        assert!(store.review_attestation(&a, &rec.id, true, "me").await.is_err());
        assert_eq!(store.review_queue(&rt).await.unwrap().len(), 1);
        let rec = store.review_attestation(&rt, &rec.id, true, "Expert Reviewer").await.unwrap();
        assert_eq!(rec.state, AttestationState::Issued);
        let env = store.attestation_envelope(&st, &rec.id).await.unwrap();
        let now = time::OffsetDateTime::now_utc();
        let v = store.verify_envelope(env.as_bytes(), now).await.unwrap().unwrap();
        assert!(v.reviewer_key_id.is_some());

        let share_a = store.share_attestation(&st, &rec.id, "buyer-a", ShareScope::Summary).await.unwrap();
        let share_x = store.share_attestation(&st, &rec.id, &bx.slug, ShareScope::Answers).await.unwrap();
        assert_eq!(status_of(&store.supply_dashboard(&a).await.unwrap(), &sup.slug), SupplyStatus::AttestedStar3);
        assert_eq!(status_of(&store.supply_dashboard(&x).await.unwrap(), &sup.slug), SupplyStatus::AttestedStar3);
        // Each buyer sees only its own share; neither can open the other's.
        assert_eq!(store.received_shares(&a).await.unwrap().len(), 1);
        assert!(matches!(store.received_envelope(&a, &share_x).await, Err(StoreError::NotFound)));
        assert!(store.received_envelope(&a, &share_a).await.is_ok());
        // Buyer X cannot revoke the supplier's share; the supplier can.
        assert!(matches!(store.revoke_share(&x, &share_x).await, Err(StoreError::NotFound)));
        store.revoke_share(&st, &share_x).await.unwrap();
        assert_eq!(status_of(&store.supply_dashboard(&x).await.unwrap(), &sup.slug), SupplyStatus::Revoked);
        assert_eq!(status_of(&store.supply_dashboard(&a).await.unwrap(), &sup.slug), SupplyStatus::AttestedStar3);
        assert!(matches!(store.received_envelope(&x, &share_x).await, Err(StoreError::NotFound)));
        assert!(store.received_shares(&x).await.unwrap().is_empty());
        // Revoking the attestation reaches the public revocation list and verification.
        store.revoke_attestation(&st, &rec.id, "scope changed").await.unwrap();
        assert_eq!(status_of(&store.supply_dashboard(&a).await.unwrap(), &sup.slug), SupplyStatus::Revoked);
        let later = now + time::Duration::seconds(2);
        assert!(matches!(
            store.verify_envelope(env.as_bytes(), later).await.unwrap(),
            Err(VerifyError::Revoked { .. })
        ));
        assert_eq!(store.revocation_list(&sup.slug).await.unwrap().entries().len(), 1);
    }
}

#[tokio::test]
async fn buyers_never_see_each_others_relationships_requests_or_links() {
    for store in backends().await {
        let (_, _, a) = org(&store, "Buyer A").await;
        let (_, _, x) = org(&store, "Buyer X").await;
        let (_, s, _) = org(&store, "Shared Supplier").await;
        let (_, only_a, _) = org(&store, "Secret Supplier").await;
        let la = store.add_relationship(&a, &s.slug, &link("parts", "high", false)).await.unwrap();
        store.add_relationship(&a, &only_a.slug, &link("secret", "critical", true)).await.unwrap();
        store.add_relationship(&x, &s.slug, &link("parts", "low", false)).await.unwrap();
        let req = store
            .request_assessment(
                &a,
                &la,
                &RequestInput { level: Some(Level::Star4), profile: None, deadline: in_days(-1) },
            )
            .await
            .unwrap();
        assert_eq!(status_of(&store.supply_dashboard(&a).await.unwrap(), &s.slug), SupplyStatus::Overdue);
        let dx = store.supply_dashboard(&x).await.unwrap();
        assert_eq!(dx.direct.len(), 1);
        assert_eq!(dx.direct[0].status, SupplyStatus::NotRequested);
        assert!(dx.deep.is_empty() && dx.hidden.is_empty());
        assert_eq!(dx.direct[0].criticality, mamori_chain::Criticality::Low);
        // X can neither act on A's link nor cancel A's request.
        assert!(matches!(
            store
                .request_assessment(
                    &x,
                    &la,
                    &RequestInput { level: Some(Level::Star3), profile: None, deadline: in_days(5) }
                )
                .await,
            Err(StoreError::NotFound)
        ));
        assert!(matches!(
            store.set_level_override(&x, &la, Some(Level::Star3), "mine").await,
            Err(StoreError::NotFound)
        ));
        assert!(matches!(store.cancel_request(&x, &req).await, Err(StoreError::NotFound)));
        assert!(!store.supply_export(&x, "csv").await.unwrap().contains("Secret Supplier"));
    }
}

#[tokio::test]
async fn an_invited_supplier_without_account_gets_an_org_a_link_and_the_request() {
    for store in backends().await {
        let (_, _, a) = org(&store, "Buyer A").await;
        let req = RequestInput { level: Some(Level::Star3), profile: None, deadline: in_days(20) };
        let (_, token) = store
            .invite_supplier(&a, "new@supplier.example", "New Supplier KK", &link("cables", "high", false), &req)
            .await
            .unwrap();
        let inv = store.supplier_invitation(&token).await.unwrap();
        assert_eq!(inv.buyer.slug, "buyer-a");
        let nu =
            NewUser { email: "ignored@x.example".into(), name: "New".into(), password: PW.into(), lang: "ja".into() };
        let (user, org_new) = store.accept_supplier_invitation(&token, None, Some(nu), None, "").await.unwrap();
        assert_eq!(user.email, "new@supplier.example");
        assert_eq!(org_new.name, "New Supplier KK");
        assert!(store.supplier_invitation(&token).await.is_err(), "tokens are single-use");
        let d = store.supply_dashboard(&a).await.unwrap();
        assert_eq!(status_of(&d, &org_new.slug), SupplyStatus::Requested);
        let st = store.tenant_for_login(&user, &org_new.id).await.unwrap();
        assert_eq!(store.incoming_requests(&st).await.unwrap().len(), 1);
    }
}

#[tokio::test]
async fn rotation_keeps_old_keys_published_and_old_attestations_verifiable() {
    for store in backends().await {
        let (_, s, st) = org(&store, "Supplier S").await;
        let rec = store.submit_attestation(&st, result(Level::Star4, None)).await.unwrap();
        let env = store.attestation_envelope(&st, &rec.id).await.unwrap();
        let before = store.org_keys(&st).await.unwrap();
        assert_eq!(before.len(), 1);
        store.rotate_org_key(&st).await.unwrap();
        let jwks = store.public_jwks(&s.slug).await.unwrap();
        assert_eq!(jwks["keys"].as_array().unwrap().len(), 2);
        let now = time::OffsetDateTime::now_utc();
        assert!(store.verify_envelope(env.as_bytes(), now).await.unwrap().is_ok());
        let rec2 = store.submit_attestation(&st, result(Level::Star4, None)).await.unwrap();
        let env2 = store.attestation_envelope(&st, &rec2.id).await.unwrap();
        assert_ne!(
            before[0].key_id,
            store.verify_envelope(env2.as_bytes(), now).await.unwrap().unwrap().subject_key_id
        );
        // A wrong secret cannot open the private keys.
        let other = store.clone().with_secret_key(SecretKey::from_bytes([9; 32]));
        assert!(matches!(other.submit_attestation(&st, result(Level::Star4, None)).await, Err(StoreError::Config(_))));
    }
}

#[tokio::test]
async fn the_demo_dashboard_shows_every_status() {
    for store in backends().await {
        mamori_store::demo::seed(&store, PW).await.unwrap();
        let lead = store.admin_tenant("sakura-motors", AdminPath::Cli { operator: "t".into() }).await.unwrap();
        let d = store.supply_dashboard(&lead).await.unwrap();
        for s in [
            SupplyStatus::NotRequested,
            SupplyStatus::Requested,
            SupplyStatus::Overdue,
            SupplyStatus::AttestedStar3,
            SupplyStatus::AttestedStar4,
            SupplyStatus::Expired,
            SupplyStatus::Revoked,
        ] {
            assert!(d.direct.iter().any(|r| r.status == s), "demo lacks {s:?}");
        }
        assert!(!d.deep.is_empty(), "consenting suppliers disclose tier 2");
        assert!(!d.hidden.is_empty(), "non-consenting suppliers stay aggregated");
        assert!(!store.registry().await.unwrap().is_empty());
    }
}

#[tokio::test]
async fn supply_cycles_terminate_and_the_buyer_never_appears_as_its_own_supplier() {
    for store in backends().await {
        let (_, a, at) = org(&store, "Cycle A").await;
        let (_, b, bt) = org(&store, "Cycle B").await;
        let (_, c, ct) = org(&store, "Cycle C").await;
        store.add_relationship(&at, &b.slug, &link("x", "high", false)).await.unwrap();
        store.add_relationship(&bt, &c.slug, &link("y", "high", false)).await.unwrap();
        store.add_relationship(&ct, &a.slug, &link("z", "high", false)).await.unwrap();
        for t in [&bt, &ct] {
            store
                .set_chain_settings(t, &ChainSettingsInfo { disclose_suppliers: true, registry_listed: false })
                .await
                .unwrap();
        }
        let d = store.supply_dashboard(&at).await.unwrap();
        assert_eq!(d.rollup.suppliers, 2);
        assert_eq!(d.deep.iter().map(|x| x.org.slug.as_str()).collect::<Vec<_>>(), vec![c.slug.as_str()]);
        assert!(!d.deep.iter().any(|x| x.org.slug == a.slug));
    }
}

#[tokio::test]
async fn the_platform_admin_registers_lists_and_deactivates_expert_reviewers() {
    for store in backends().await {
        let root = NewUser {
            email: "root@instance.example".into(),
            name: "Instance Admin".into(),
            password: PW.into(),
            lang: "en".into(),
        };
        let op = store.create_user(root, true, &mamori_store::Actor::Cli("test".into())).await.unwrap();
        let cookie = store.create_session(&op, None).await.unwrap();
        let admin = store.platform_admin(&store.session(&cookie).await.unwrap().unwrap()).unwrap();
        let (ru, rev, rt) = org(&store, "Review Office").await;
        let (_, _, st) = org(&store, "Supplier S").await;
        // Clear, located refusals; nothing is registered by them.
        let refused =
            |r: Result<_, StoreError>, f: &str| matches!(r, Err(StoreError::Invalid { field, .. }) if field == f);
        assert!(refused(store.admin_register_reviewer(&admin, "nobody@instance.example", "RISS-1").await, "email"));
        assert!(refused(store.admin_register_reviewer(&admin, "not an address", "RISS-1").await, "email"));
        assert!(refused(store.admin_register_reviewer(&admin, &ru.email, "RISS 1<b>").await, "registration"));
        assert!(refused(store.admin_register_reviewer(&admin, &ru.email, &"9".repeat(65)).await, "registration"));
        assert!(store.expert_reviewers(&admin).await.unwrap().is_empty());

        let r = store.admin_register_reviewer(&admin, &ru.email.to_uppercase(), " RISS-000321 ").await.unwrap();
        assert_eq!(
            (r.email.as_str(), r.registration.as_str(), r.deactivated_at),
            (ru.email.as_str(), "RISS-000321", None)
        );
        assert!(matches!(
            store.admin_register_reviewer(&admin, &ru.email, "RISS-2").await,
            Err(StoreError::Conflict(_))
        ));
        // The registered reviewer may review; once deactivated, no more.
        let first = store.submit_attestation(&st, result(Level::Star3, Some(&rev.slug))).await.unwrap();
        let second = store.submit_attestation(&st, result(Level::Star3, Some(&rev.slug))).await.unwrap();
        store.review_attestation(&rt, &first.id, true, "Review Office Expert").await.unwrap();
        store.deactivate_expert_reviewer(&admin, &ru.id).await.unwrap();
        assert!(matches!(store.deactivate_expert_reviewer(&admin, &ru.id).await, Err(StoreError::NotFound)));
        assert!(matches!(
            store.review_attestation(&rt, &second.id, true, "Review Office Expert").await,
            Err(StoreError::Forbidden(_))
        ));
        let listed = store.expert_reviewers(&admin).await.unwrap();
        assert_eq!(listed.len(), 1);
        assert!(listed[0].deactivated_at.is_some());
        // Registered again (a new number), the reviewer reviews again.
        let again = store.admin_register_reviewer(&admin, &ru.email, "RISS-000999").await.unwrap();
        assert_eq!((again.registration.as_str(), again.deactivated_at), ("RISS-000999", None));
        store.review_attestation(&rt, &second.id, true, "Review Office Expert").await.unwrap();
        // Each change is audited (platform level) in the same transaction: a refusal adds
        // nothing, a deactivation one entry.
        let entries = || async {
            match store.audit_verify().await.unwrap() {
                mamori_store::AuditVerify::Intact { entries } => entries,
                broken => panic!("audit chain broken: {broken:?}"),
            }
        };
        let before = entries().await;
        assert!(store.admin_register_reviewer(&admin, &ru.email, "RISS-3").await.is_err());
        assert_eq!(entries().await, before);
        store.deactivate_expert_reviewer(&admin, &ru.id).await.unwrap();
        assert_eq!(entries().await, before + 1);
    }
}
