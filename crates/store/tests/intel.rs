//! Storage tests of the sharing hub, on SQLite and (with `MAMORI_TEST_DATABASE_URL`) on a
//! fresh PostgreSQL database per test: keyset pagination, TLP on every read path, isolation
//! between circles, idempotent ingest, versions, delete and the reporting flow.
#![allow(clippy::unwrap_used)]

use std::collections::{BTreeSet, HashSet};

use mamori_intel::stix::{ValidObject, validate_object};
use mamori_intel::tlp::{ObjectAccess, Recipient, Tlp, Viewer, allowed_by_table};
use mamori_store::intel::{IngestOptions, NewReport, ObjectFilter, ReportState, SanitiseOptions, VersionSel};
use mamori_store::{AdminPath, DbConfig, LoginOutcome, Store, StoreError, Tenant};
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

const PW: &str = "intel-test-password-1";

async fn store() -> Store {
    let config = match std::env::var("MAMORI_TEST_DATABASE_URL").ok().filter(|u| !u.is_empty()) {
        Some(url) => {
            let name = format!("mamori_intel_{}", uuid::Uuid::new_v4().simple());
            let admin = sea_orm::Database::connect(&url).await.unwrap();
            admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await.unwrap();
            let base = url.rsplit_once('/').map(|(b, _)| b.to_owned()).unwrap();
            DbConfig::Postgres { url: format!("{base}/{name}") }
        }
        None => {
            let dir = std::env::temp_dir().join(format!("mamori-intel-test-{}", uuid::Uuid::new_v4()));
            DbConfig::Sqlite { data_dir: dir }
        }
    };
    let s = Store::open(&config).await.unwrap();
    mamori_store::demo::seed(&s, PW).await.unwrap();
    s
}

async fn user_tenant(s: &Store, email: &str) -> Tenant {
    let LoginOutcome::Success(u) = s.login(email, PW, None).await.unwrap() else { panic!("login {email}") };
    let m = s.memberships(&u.id).await.unwrap().into_iter().next().unwrap();
    s.tenant_for_login(&u, &m.org.id).await.unwrap()
}

async fn org_tenant(s: &Store, slug: &str) -> Tenant {
    s.admin_tenant(slug, AdminPath::Cli { operator: "test".into() }).await.unwrap()
}

async fn shared(s: &Store, t: &Tenant, root: &str, alias: &str) -> String {
    s.intel_collections(t, root).await.unwrap().into_iter().find(|c| c.alias == alias).unwrap().id
}

fn indicator(n: usize, tlp: Option<Tlp>, modified: &str) -> ValidObject {
    let mut v = json!({"type": "indicator", "spec_version": "2.1", "id": format!("indicator--00000000-0000-4000-8000-{n:012}"),
        "created": "2025-01-01T00:00:00.000Z", "modified": modified, "name": format!("probe {n}"),
        "pattern": format!("[ipv4-addr:value = '10.9.{}.{}']", n / 256, n % 256), "pattern_type": "stix",
        "valid_from": "2025-01-01T00:00:00Z"});
    if let Some(t) = tlp {
        v["object_marking_refs"] = json!([t.marking_id()]);
    }
    validate_object(&v).unwrap()
}

const T0: &str = "2025-01-01T00:00:00.000Z";

#[tokio::test]
async fn pagination_never_skips_or_repeats_when_500_objects_share_one_date_added() {
    let s = store().await;
    let hub = org_tenant(&s, "sharing-hub").await;
    let coll = shared(&s, &hub, "auto-isac", "shared").await;
    let objs: Vec<ValidObject> = (0..500).map(|n| indicator(n, Some(Tlp::Green), T0)).collect();
    let opts = IngestOptions { fixed_date_added: Some(1_700_000_000_000_000), ..Default::default() };
    s.intel_ingest(&hub, &coll, objs, Vec::new(), &opts).await.unwrap();
    let reader = user_tenant(&s, "owner@nagisa-seats.example").await;
    let filter = ObjectFilter { types: Some(vec!["indicator".into()]), ..Default::default() };
    let (mut seen, mut after, mut pages) = (Vec::new(), None, 0);
    loop {
        let p = s.intel_objects_page(&reader, Some(&coll), &filter, after, 7, false).await.unwrap();
        pages += 1;
        seen.extend(p.rows.iter().filter(|r| r.date_added == 1_700_000_000_000_000).map(|r| r.stix_id.clone()));
        match (p.more, p.rows.last()) {
            (true, Some(l)) => after = Some((l.date_added, l.row_id)),
            _ => break,
        }
    }
    let unique: HashSet<_> = seen.iter().collect();
    assert_eq!(seen.len(), 500, "every object once");
    assert_eq!(unique.len(), 500, "no repeats");
    assert!(pages >= 72);
}

#[tokio::test]
async fn date_added_is_strictly_increasing_so_added_after_walks_lose_nothing() {
    let s = store().await;
    let hub = org_tenant(&s, "sharing-hub").await;
    let coll = shared(&s, &hub, "auto-isac", "shared").await;
    let objs: Vec<ValidObject> = (0..300).map(|n| indicator(n, Some(Tlp::Clear), T0)).collect();
    s.intel_ingest(&hub, &coll, objs, Vec::new(), &IngestOptions::default()).await.unwrap();
    let filter0 = ObjectFilter { types: Some(vec!["indicator".into()]), ..Default::default() };
    let mut added_after = None;
    let mut seen = Vec::new();
    loop {
        let f = ObjectFilter { added_after, ..filter0.clone() };
        let p = s.intel_objects_page(&hub, Some(&coll), &f, None, 11, false).await.unwrap();
        let Some(last) = p.rows.last() else { break };
        added_after = Some(last.date_added);
        seen.extend(p.rows.iter().map(|r| r.stix_id.clone()));
    }
    let unique: HashSet<_> = seen.iter().collect();
    assert_eq!(unique.len(), seen.len());
    assert!(seen.len() >= 300);
}

#[tokio::test]
async fn duplicate_ingest_is_a_success_and_conflicting_content_is_a_failure() {
    let s = store().await;
    let t = user_tenant(&s, "owner@sakura-motors.example").await;
    let coll = shared(&s, &t, "auto-isac", "shared").await;
    let a =
        s.intel_ingest(&t, &coll, vec![indicator(1, None, T0)], Vec::new(), &IngestOptions::default()).await.unwrap();
    assert_eq!((a.successes.len(), a.duplicates), (1, 0));
    let b =
        s.intel_ingest(&t, &coll, vec![indicator(1, None, T0)], Vec::new(), &IngestOptions::default()).await.unwrap();
    assert_eq!((b.successes.len(), b.duplicates, b.failures.len()), (1, 1, 0));
    let mut changed = indicator(1, None, T0).into_value();
    changed["name"] = json!("different");
    let c = s
        .intel_ingest(&t, &coll, vec![validate_object(&changed).unwrap()], Vec::new(), &IngestOptions::default())
        .await
        .unwrap();
    assert_eq!(c.failures.len(), 1);
}

#[tokio::test]
async fn version_filters_select_first_last_all_and_exact() {
    let s = store().await;
    let t = user_tenant(&s, "owner@sakura-motors.example").await;
    let coll = shared(&s, &t, "auto-isac", "shared").await;
    let times = ["2025-01-01T00:00:00.000Z", "2025-02-01T00:00:00.000Z", "2025-03-01T00:00:00.000Z"];
    for m in times {
        s.intel_ingest(&t, &coll, vec![indicator(7, None, m)], Vec::new(), &IngestOptions::default()).await.unwrap();
    }
    let id = "indicator--00000000-0000-4000-8000-000000000007".to_owned();
    let get = |v: VersionSel| {
        let s = s.clone();
        let t = t.clone();
        let coll = coll.clone();
        let id = id.clone();
        async move {
            let f = ObjectFilter { ids: Some(vec![id]), versions: v, ..Default::default() };
            s.intel_objects_page(&t, Some(&coll), &f, None, 10, false)
                .await
                .unwrap()
                .rows
                .into_iter()
                .map(|r| r.version)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(get(VersionSel::default()).await, vec![times[2]]);
    assert_eq!(get(VersionSel { first: true, last: false, ..Default::default() }).await, vec![times[0]]);
    assert_eq!(get(VersionSel::all()).await.len(), 3);
    let exact = mamori_intel::stix::StixTimestamp::parse(times[1]).unwrap().unix_micros();
    assert_eq!(get(VersionSel { last: false, exact: vec![exact], ..Default::default() }).await, vec![times[1]]);
    // Only the producer (or the hub) may delete; then the version is gone.
    let other = user_tenant(&s, "owner@hokuto-precision.example").await;
    let denied = s.intel_delete(&other, &coll, &id, VersionSel::all(), None).await;
    assert!(matches!(denied, Err(StoreError::Forbidden(_)) | Err(StoreError::NotFound)));
    assert_eq!(
        s.intel_delete(&t, &coll, &id, VersionSel { first: true, last: false, ..Default::default() }, None)
            .await
            .unwrap(),
        1
    );
    assert_eq!(get(VersionSel::all()).await.len(), 2);
}

#[tokio::test]
async fn circles_and_collections_are_isolated_between_members_of_different_circles() {
    let s = store().await;
    let minato = user_tenant(&s, "owner@minato-electronics.example").await;
    let sakura = user_tenant(&s, "owner@sakura-motors.example").await;
    let coll = shared(&s, &sakura, "auto-isac", "shared").await;
    assert!(matches!(s.intel_circle(&minato, "auto-isac").await, Err(StoreError::NotFound)));
    assert!(matches!(s.intel_collections(&minato, "auto-isac").await, Err(StoreError::NotFound)));
    let r = s.intel_objects_page(&minato, Some(&coll), &ObjectFilter::default(), None, 10, false).await;
    assert!(matches!(r, Err(StoreError::Forbidden(_))));
    let all = s.intel_objects_page(&minato, None, &ObjectFilter::default(), None, 1000, false).await.unwrap();
    assert!(all.rows.iter().all(|r| r.collection_id != coll), "nothing from the automotive circle leaks");
    let w = s.intel_ingest(&minato, &coll, vec![indicator(1, None, T0)], Vec::new(), &IngestOptions::default()).await;
    assert!(w.is_err());
    let m = s.intel_match(&minato, &["192.0.2.45".into(), "203.0.113.9".into()]).await.unwrap();
    assert!(m.results.is_empty(), "matching never uses indicators of other circles");
}

#[tokio::test]
async fn cached_matching_follows_ingests_and_deletes_and_stays_per_caller() {
    let s = store().await;
    let hub = org_tenant(&s, "sharing-hub").await;
    let coll = shared(&s, &hub, "auto-isac", "shared").await;
    let sakura = user_tenant(&s, "owner@sakura-motors.example").await;
    let hokuto = user_tenant(&s, "owner@hokuto-precision.example").await;
    let probes: Vec<String> = vec!["10.9.0.7".into(), "10.9.0.8".into()];
    let matched = |r: mamori_store::intel::MatchReport| -> Vec<String> {
        r.results.into_iter().flat_map(|m| m.matches.into_iter().map(|h| h.indicator_id)).collect()
    };
    assert!(matched(s.intel_match(&sakura, &probes).await.unwrap()).is_empty());
    s.intel_ingest(&hub, &coll, vec![indicator(7, Some(Tlp::Green), T0)], Vec::new(), &IngestOptions::default())
        .await
        .unwrap();
    let green = "indicator--00000000-0000-4000-8000-000000000007".to_owned();
    assert_eq!(matched(s.intel_match(&sakura, &probes).await.unwrap()), vec![green.clone()], "an ingest invalidates");
    // An AMBER indicator for sakura only: the cache is per caller scope, in either order.
    let amber = IngestOptions { recipients: vec![Recipient::Org(sakura.org_id().to_owned())], ..Default::default() };
    s.intel_ingest(&hub, &coll, vec![indicator(8, Some(Tlp::Amber), T0)], Vec::new(), &amber).await.unwrap();
    assert_eq!(matched(s.intel_match(&hokuto, &probes).await.unwrap()), vec![green.clone()]);
    let mut both = matched(s.intel_match(&sakura, &probes).await.unwrap());
    both.sort();
    assert_eq!(both, vec![green.clone(), "indicator--00000000-0000-4000-8000-000000000008".to_owned()]);
    assert_eq!(matched(s.intel_match(&hokuto, &probes).await.unwrap()), vec![green.clone()]);
    // A duplicate POST stores nothing and keeps the cache; a delete invalidates it.
    s.intel_ingest(&hub, &coll, vec![indicator(7, Some(Tlp::Green), T0)], Vec::new(), &IngestOptions::default())
        .await
        .unwrap();
    assert_eq!(matched(s.intel_match(&hokuto, &probes).await.unwrap()), vec![green.clone()]);
    s.intel_delete(&hub, &coll, &green, VersionSel::all(), None).await.unwrap();
    assert!(matched(s.intel_match(&hokuto, &probes).await.unwrap()).is_empty(), "a delete invalidates");
}

/// A small deterministic generator, so the property test needs no extra dependency.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

#[tokio::test]
async fn property_no_read_path_returns_an_object_the_tlp_table_forbids() {
    let s = store().await;
    let producers = ["sakura-motors", "hokuto-precision", "nagisa-seats", "sharing-hub"];
    let readers = [
        "owner@sakura-motors.example",
        "viewer@sakura-motors.example",
        "owner@hokuto-precision.example",
        "owner@nagisa-seats.example",
        "owner@hikari-glass.example",
        "owner@sharing-hub.example",
        "owner@minato-electronics.example",
    ];
    let mut tenants = Vec::new();
    for r in readers {
        tenants.push(user_tenant(&s, r).await);
    }
    let hub = org_tenant(&s, "sharing-hub").await;
    let coll = shared(&s, &hub, "auto-isac", "shared").await;
    let circle = s.intel_circle(&hub, "auto-isac").await.unwrap();
    let mut rng = Lcg(0x5eed);
    let mut truth = Vec::new();
    for n in 0..120usize {
        let producer = producers[rng.next(producers.len() as u64) as usize];
        let pt = org_tenant(&s, producer).await;
        let tlp = mamori_intel::tlp::ALL_LEVELS[rng.next(5) as usize];
        let mut recipients = Vec::new();
        for t in &tenants {
            match rng.next(6) {
                0 => recipients.push(Recipient::Org(t.org_id().to_owned())),
                1 => recipients.push(Recipient::User(t.actor().user_id().unwrap().to_owned())),
                _ => {}
            }
        }
        recipients.sort();
        recipients.dedup();
        let opts = IngestOptions { recipients: recipients.clone(), ..Default::default() };
        let out =
            s.intel_ingest(&pt, &coll, vec![indicator(1000 + n, Some(tlp), T0)], Vec::new(), &opts).await.unwrap();
        if tlp == Tlp::Red && !recipients.iter().any(|r| matches!(r, Recipient::User(_))) {
            // Nobody could read it: refused with a reason, and so never readable on any path.
            assert_eq!(out.failures.len(), 1, "TLP:RED without a named individual is refused");
            assert_eq!(out.failures[0].message.as_deref(), Some(mamori_store::intel::RED_WITHOUT_RECIPIENTS));
            continue;
        }
        assert!(out.failures.is_empty(), "{:?}", out.failures);
        let access = ObjectAccess {
            tlp,
            circle_id: circle.id.clone(),
            producer_org: pt.org_id().to_owned(),
            producer_user: None,
            recipients: recipients.into_iter().collect(),
        };
        truth.push((format!("indicator--00000000-0000-4000-8000-{:012}", 1000 + n), access));
    }
    for t in &tenants {
        let circles: BTreeSet<String> = s.intel_circles(t).await.unwrap().into_iter().map(|c| c.id).collect();
        let viewer = Viewer {
            user_id: t.actor().user_id().unwrap().to_owned(),
            org_id: t.org_id().to_owned(),
            circle_memberships: circles,
        };
        let readable = s.intel_all_collections(t).await.unwrap().iter().any(|c| c.id == coll && c.can_read);
        let expected: BTreeSet<String> =
            truth.iter().filter(|(_, a)| readable && allowed_by_table(&viewer, a)).map(|(id, _)| id.clone()).collect();
        let ids: Vec<String> = truth.iter().map(|(id, _)| id.clone()).collect();
        // Path 1: object listing (TAXII objects and manifest use it).
        let f = ObjectFilter { ids: Some(ids.clone()), ..Default::default() };
        let listed: BTreeSet<String> = match s.intel_objects_page(t, Some(&coll), &f, None, 1000, true).await {
            Ok(p) => p.rows.into_iter().map(|r| r.stix_id).collect(),
            Err(StoreError::Forbidden(_)) => BTreeSet::new(),
            Err(e) => panic!("{e}"),
        };
        assert_eq!(listed, expected, "listing for {:?}", t.actor());
        // Path 2: the cross-collection browse (REST and UI).
        let all: BTreeSet<String> = s
            .intel_objects_page(t, None, &f, None, 1000, false)
            .await
            .unwrap()
            .rows
            .into_iter()
            .filter(|r| r.collection_id == coll)
            .map(|r| r.stix_id)
            .collect();
        assert_eq!(all, expected);
        // Path 3: matching.
        let visible: BTreeSet<String> = s
            .intel_visible_indicators(t)
            .await
            .unwrap()
            .into_iter()
            .map(|i| i.id)
            .filter(|id| ids.contains(id))
            .collect();
        assert_eq!(visible, expected);
        let probes: Vec<String> =
            (0..120usize).map(|n| format!("10.9.{}.{}", (1000 + n) / 256, (1000 + n) % 256)).collect();
        let matched: BTreeSet<String> = s
            .intel_match(t, &probes)
            .await
            .unwrap()
            .results
            .into_iter()
            .flat_map(|r| r.matches.into_iter().map(|m| m.indicator_id))
            .filter(|id| ids.contains(id))
            .collect();
        assert_eq!(matched, expected, "matching for {:?}", t.actor());
    }
}

#[tokio::test]
async fn a_report_is_published_only_after_de_identification_and_reporter_consent() {
    let s = store().await;
    let reporter = user_tenant(&s, "owner@sakura-motors.example").await;
    let analyst = user_tenant(&s, "admin@sharing-hub.example").await;
    let outsider = user_tenant(&s, "owner@hokuto-precision.example").await;
    let coll = shared(&s, &reporter, "auto-isac", "shared").await;
    let t = "2025-05-01T00:00:00.000Z";
    let bundle: Value = json!({"type": "bundle", "id": "bundle--6a6b8f1e-2a8b-4b8e-9f0e-0c7d1b2a3c4d", "objects": [
        {"type": "indicator", "spec_version": "2.1", "id": "indicator--6a6b8f1e-2a8b-4b8e-9f0e-0c7d1b2a3c4e",
         "created": t, "modified": t, "pattern": "[ipv4-addr:value = '198.18.0.1']", "pattern_type": "stix", "valid_from": t,
         "description": "seen on plc01.plant.sakura.example, reported by taro@sakura-motors.example"}]});
    let id = s
        .intel_submit_report(
            &reporter,
            NewReport { root: "auto-isac", collection_id: &coll, title: "PLC C2", tlp: Tlp::Green, bundle },
        )
        .await
        .unwrap();
    assert!(matches!(s.intel_report(&outsider, &id).await, Err(StoreError::NotFound)));
    assert!(s.intel_sanitise_report(&reporter, &id, &SanitiseOptions::default()).await.is_err());
    assert!(s.intel_approve_report(&reporter, &id).await.is_err(), "nothing to consent to yet");
    let opts = SanitiseOptions { internal_domain_suffixes: vec!["plant.sakura.example".into()], ..Default::default() };
    let r = s.intel_sanitise_report(&analyst, &id, &opts).await.unwrap();
    assert_eq!(r.state, ReportState::Sanitised);
    let text = r.sanitised.unwrap().to_string();
    assert!(!text.contains("taro@sakura-motors.example") && !text.contains("plc01.plant.sakura.example"), "{text}");
    assert!(r.changes.unwrap().as_array().is_some_and(|c| !c.is_empty()));
    assert!(s.intel_publish_report(&analyst, &id).await.is_err(), "no consent yet");
    s.intel_approve_report(&reporter, &id).await.unwrap();
    assert!(s.intel_publish_report(&reporter, &id).await.is_err(), "only the hub publishes");
    assert_eq!(s.intel_publish_report(&analyst, &id).await.unwrap(), 1);
    let f = ObjectFilter {
        ids: Some(vec!["indicator--6a6b8f1e-2a8b-4b8e-9f0e-0c7d1b2a3c4e".into()]),
        ..Default::default()
    };
    let seen = s.intel_objects_page(&outsider, Some(&coll), &f, None, 10, true).await.unwrap();
    assert_eq!(seen.rows.len(), 1, "published GREEN report reaches the circle");
    assert!(!seen.rows[0].body.as_deref().unwrap().contains("taro@"));
    let audit = s.audit_page(&analyst, None, 50).await.unwrap();
    for action in ["intel.report.sanitise", "intel.report.publish"] {
        assert!(audit.iter().any(|e| e.action == action), "{action} audited");
    }
    let audit = s.audit_page(&reporter, None, 50).await.unwrap();
    assert!(audit.iter().any(|e| e.action == "intel.report.consent"));
}

// Federation peers: configuration, sealed secrets, the runner's tenant, leases and backoff.

fn peer_input(coll: &str) -> mamori_store::intel::PeerInput {
    mamori_store::intel::PeerInput {
        name: "Partner hub".into(),
        collection_url: "https://partner.example/taxii2/council/collections/abc/".into(),
        auth: "basic".into(),
        username: Some("sync@sakura-motors.example".into()),
        secret: Some("partner secret 123".into()),
        direction: "both".into(),
        local_collection_id: coll.into(),
        max_tlp: "green".into(),
        interval_secs: 3600,
        enabled: true,
    }
}

fn invalid_field(r: Result<mamori_store::intel::PeerInfo, StoreError>) -> &'static str {
    match r {
        Err(StoreError::Invalid { field, .. }) => field,
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[tokio::test]
async fn peers_are_validated_sealed_and_visible_only_to_their_organizations_admins() {
    let s = store().await.with_secret_key(mamori_store::SecretKey::from_bytes([7; 32]));
    let owner = user_tenant(&s, "owner@sakura-motors.example").await;
    let coll = shared(&s, &owner, "council", "shared").await;
    let p = s.intel_create_peer(&owner, &peer_input(&coll)).await.unwrap();
    assert!(p.has_secret && p.enabled);
    assert_eq!(p.max_tlp, Tlp::Green);
    assert!(format!("{p:?}").find("partner secret").is_none(), "the secret is never part of the peer");

    // Every input is checked.
    let mut bad = peer_input(&coll);
    bad.collection_url = "http://partner.example/taxii2/council/collections/abc/".into();
    assert_eq!(invalid_field(s.intel_create_peer(&owner, &bad).await), "collection_url");
    let mut bad = peer_input(&coll);
    bad.max_tlp = "red".into();
    assert_eq!(invalid_field(s.intel_create_peer(&owner, &bad).await), "max_tlp");
    bad.max_tlp = "amber+strict".into();
    assert_eq!(invalid_field(s.intel_create_peer(&owner, &bad).await), "max_tlp");
    let mut bad = peer_input(&coll);
    bad.interval_secs = 5;
    assert_eq!(invalid_field(s.intel_create_peer(&owner, &bad).await), "interval");
    let mut bad = peer_input(&coll);
    bad.secret = None;
    assert_eq!(invalid_field(s.intel_create_peer(&owner, &bad).await), "secret");
    let mut bad = peer_input(&coll);
    let alerts = shared(&s, &owner, "council", "alerts").await;
    bad.local_collection_id = alerts; // read-only for members: cannot pull into it
    assert_eq!(invalid_field(s.intel_create_peer(&owner, &bad).await), "local_collection");

    // Other organizations and non-admins cannot see or change it.
    let other = user_tenant(&s, "owner@minato-electronics.example").await;
    assert!(matches!(s.intel_peer(&other, &p.id).await, Err(StoreError::NotFound)));
    assert!(matches!(s.intel_delete_peer(&other, &p.id).await, Err(StoreError::NotFound)));
    assert!(s.intel_peers(&other).await.unwrap().is_empty());
    let viewer = user_tenant(&s, "viewer@sakura-motors.example").await;
    assert!(matches!(s.intel_peers(&viewer).await, Err(StoreError::Forbidden(_))));
    // Admin tenants never get the credentials; the peer's own runner does.
    assert!(matches!(s.intel_peer_credentials(&owner, &p.id).await, Err(StoreError::NotFound)));
    let runner = s.intel_peer_tenant(&p.id).await.unwrap();
    let creds = s.intel_peer_credentials(&runner, &p.id).await.unwrap();
    assert_eq!(
        creds,
        mamori_store::intel::PeerCredentials::Basic {
            username: "sync@sakura-motors.example".into(),
            password: "partner secret 123".into()
        }
    );
    let other_runner = s.intel_peer_tenant(&p.id).await.unwrap();
    assert_eq!(other_runner.org_id(), owner.org_id());
    assert!(matches!(s.intel_peer(&runner, "someone-else").await, Err(StoreError::NotFound)));

    // Updating without a secret keeps it; with a wrong server key it cannot be opened.
    let mut upd = peer_input(&coll);
    upd.secret = None;
    upd.name = "Renamed".into();
    let p2 = s.intel_update_peer(&owner, &p.id, &upd).await.unwrap();
    assert_eq!((p2.name.as_str(), p2.has_secret), ("Renamed", true));
    let wrong_key = s.clone().with_secret_key(mamori_store::SecretKey::from_bytes([8; 32]));
    assert!(matches!(wrong_key.intel_peer_credentials(&runner, &p.id).await, Err(StoreError::Config(_))));

    // The audit log has the changes, and never the secret.
    let audit = s.audit_page(&owner, None, 100).await.unwrap();
    let actions: Vec<&str> = audit.iter().map(|e| e.action.as_str()).collect();
    assert!(actions.contains(&"intel.peer.create") && actions.contains(&"intel.peer.update"), "{actions:?}");
    assert!(!format!("{audit:?}").contains("partner secret"));
    s.intel_delete_peer(&owner, &p.id).await.unwrap();
    assert!(s.intel_peers(&owner).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_peer_is_run_by_one_runner_at_a_time_and_failures_back_off() {
    use mamori_intel::federation::Backoff;
    use mamori_store::intel::RunResult;
    let s = store().await.with_secret_key(mamori_store::SecretKey::from_bytes([7; 32]));
    let owner = user_tenant(&s, "owner@sakura-motors.example").await;
    let coll = shared(&s, &owner, "council", "shared").await;
    let p = s.intel_create_peer(&owner, &peer_input(&coll)).await.unwrap();
    assert_eq!(s.intel_due_peers().await.unwrap(), vec![p.id.clone()], "due at once");
    let runner = s.intel_peer_tenant(&p.id).await.unwrap();
    s.intel_peer_claim(&runner, &p.id, 60_000).await.unwrap();
    assert!(matches!(s.intel_peer_claim(&runner, &p.id, 60_000).await, Err(StoreError::Conflict(_))));
    assert!(s.intel_due_peers().await.unwrap().is_empty(), "a held peer is not due");
    assert!(s.intel_peer(&owner, &p.id).await.unwrap().state.running);

    let backoff = Backoff { base: std::time::Duration::from_secs(60), cap: std::time::Duration::from_secs(3600) };
    let failed = RunResult { error: Some("cannot reach the peer".into()), ..Default::default() };
    let mut waits = Vec::new();
    for n in 1..=4 {
        let after = s.intel_peer_finish(&runner, &p.id, &failed, backoff, 0.5).await.unwrap();
        assert_eq!(after.state.failures, n);
        assert!(!after.state.running);
        waits.push(after.state.next_attempt_at - after.state.last_attempt_at.unwrap());
        s.intel_peer_claim(&runner, &p.id, 60_000).await.unwrap();
    }
    assert!(waits.windows(2).all(|w| w[1] > w[0]), "each wait is longer: {waits:?}");
    let ok = RunResult { pulled: 3, ..Default::default() };
    let after = s.intel_peer_finish(&runner, &p.id, &ok, backoff, 0.5).await.unwrap();
    assert_eq!((after.state.failures, after.state.last_error.clone(), after.state.last_pulled), (0, None, 3));
    assert!(after.state.next_attempt_at >= after.state.last_success_at.unwrap() + 3_600_000 - 1);

    // Only the peer's own runner writes its state.
    assert!(matches!(s.intel_peer_save_pull(&owner, &p.id, Some("x"), None).await, Err(StoreError::NotFound)));
    s.intel_peer_save_pull(&runner, &p.id, Some("2025-01-01T00:00:00.000000Z"), Some("n1")).await.unwrap();
    let st = s.intel_peer(&owner, &p.id).await.unwrap().state;
    assert_eq!((st.pull_cursor.as_deref(), st.pull_next.as_deref()), (Some("2025-01-01T00:00:00.000000Z"), Some("n1")));
    // A new URL starts pulling from the beginning.
    let mut moved = peer_input(&coll);
    moved.collection_url = "https://other.example/taxii2/x/collections/def/".into();
    let st = s.intel_update_peer(&owner, &p.id, &moved).await.unwrap().state;
    assert_eq!((st.pull_cursor, st.pull_next), (None, None));
}

#[tokio::test]
async fn objects_pulled_from_a_peer_are_left_out_when_pushing_back() {
    let s = store().await.with_secret_key(mamori_store::SecretKey::from_bytes([7; 32]));
    let owner = user_tenant(&s, "owner@sakura-motors.example").await;
    let coll = shared(&s, &owner, "council", "shared").await;
    let p = s.intel_create_peer(&owner, &peer_input(&coll)).await.unwrap();
    let runner = s.intel_peer_tenant(&p.id).await.unwrap();
    let pulled = IngestOptions { origin_peer: Some(p.id.clone()), ..Default::default() };
    s.intel_ingest(&runner, &coll, vec![indicator(1, Some(Tlp::Green), T0)], Vec::new(), &pulled).await.unwrap();
    s.intel_ingest(&owner, &coll, vec![indicator(2, Some(Tlp::Green), T0)], Vec::new(), &IngestOptions::default())
        .await
        .unwrap();
    let mine = |exclude: Option<String>| {
        let f = ObjectFilter { exclude_origin: exclude, types: Some(vec!["indicator".into()]), ..Default::default() };
        let s = s.clone();
        let (runner, coll) = (runner.clone(), coll.clone());
        async move {
            let rows = s.intel_objects_page(&runner, Some(&coll), &f, None, 100, false).await.unwrap().rows;
            rows.into_iter().map(|r| r.stix_id).filter(|id| id.starts_with("indicator--00000000")).collect::<Vec<_>>()
        }
    };
    assert_eq!(mine(None).await.len(), 2, "the runner reads like its organization");
    assert_eq!(mine(Some(p.id.clone())).await, vec!["indicator--00000000-0000-4000-8000-000000000002".to_owned()]);
    let audit = s.audit_page(&owner, None, 100).await.unwrap();
    assert!(
        audit.iter().any(|e| e.actor == format!("federation:{}", p.id)),
        "the runner's ingest is audited as itself"
    );
}

/// An indicator with any pattern, version time and revocation.
fn ind_with(n: usize, tlp: Tlp, modified: &str, pattern: &str, revoked: bool) -> ValidObject {
    let mut v = json!({"type": "indicator", "spec_version": "2.1", "id": format!("indicator--00000000-0000-4000-8000-{n:012}"),
        "created": "2025-01-01T00:00:00.000Z", "modified": modified, "pattern": pattern, "pattern_type": "stix",
        "valid_from": "2025-01-01T00:00:00Z", "object_marking_refs": [tlp.marking_id()]});
    if revoked {
        v["revoked"] = json!(true);
    }
    validate_object(&v).unwrap()
}

#[tokio::test]
async fn the_cached_matching_index_follows_mixed_writes_incrementally_and_equals_a_rebuild() {
    let s = store().await;
    let hub = org_tenant(&s, "sharing-hub").await;
    let colls = [shared(&s, &hub, "auto-isac", "shared").await, shared(&s, &hub, "auto-isac", "alerts").await];
    let readers = [
        user_tenant(&s, "owner@sakura-motors.example").await,
        user_tenant(&s, "owner@hokuto-precision.example").await,
        user_tenant(&s, "owner@sharing-hub.example").await,
        org_tenant(&s, "nagisa-seats").await,
    ];
    let users: Vec<String> = readers[..3].iter().map(|t| t.actor().user_id().unwrap().to_owned()).collect();
    let probes: Vec<String> =
        (0..40usize).map(|n| format!("10.9.{}.{}", n / 256, n % 256)).chain(["10.77.1.2".to_owned()]).collect();
    let check = |round: usize| {
        let s = &s;
        let readers = &readers;
        let probes = &probes;
        async move {
            for t in readers {
                let cached = serde_json::to_value(s.intel_match(t, probes).await.unwrap()).unwrap();
                let rebuilt = serde_json::to_value(s.intel_match_rebuilt(t, probes).await.unwrap()).unwrap();
                assert_eq!(cached, rebuilt, "round {round}, {:?}", t.actor());
            }
        }
    };
    check(0).await;
    let (builds, _) = s.intel_match_counts();
    assert_eq!(builds, readers.len() as u64, "one build per scope");
    let mut rng = Lcg(0xfeed);
    let mut minute = 0usize;
    for round in 1..=12 {
        for _ in 0..6 {
            let n = rng.next(40) as usize;
            let coll = &colls[rng.next(2) as usize];
            let tlp = mamori_intel::tlp::ALL_LEVELS[rng.next(5) as usize];
            // Later versions mostly; sometimes an older one arrives late.
            minute += 1;
            let m = if rng.next(5) == 0 { 0 } else { minute };
            let modified = format!("2025-02-01T{:02}:{:02}:00.000Z", m / 60 % 24, m % 60);
            let pattern = match rng.next(6) {
                0 => "[ipv4-addr:value = '10.77.0.0/16']".to_owned(),
                1 => "[process:name = 'not-indexed.exe']".to_owned(),
                _ => format!("[ipv4-addr:value = '10.9.{}.{}']", n / 256, n % 256),
            };
            let revoked = rng.next(8) == 0;
            let recipients = vec![Recipient::User(users[rng.next(3) as usize].clone())];
            let opts = IngestOptions { recipients, ..Default::default() };
            match rng.next(6) {
                0 => {
                    let id = format!("indicator--00000000-0000-4000-8000-{n:012}");
                    let versions = if rng.next(2) == 0 { VersionSel::all() } else { VersionSel::default() };
                    match s.intel_delete(&hub, coll, &id, versions, None).await {
                        Ok(_) | Err(StoreError::NotFound) => {}
                        Err(e) => panic!("{e}"),
                    }
                }
                _ => {
                    let obj = ind_with(n, tlp, &modified, &pattern, revoked);
                    s.intel_ingest(&hub, coll, vec![obj], Vec::new(), &opts).await.unwrap();
                }
            }
        }
        check(round).await;
    }
    let (builds_after, updates) = s.intel_match_counts();
    assert_eq!(builds_after, builds, "no rebuild after the first: every change was applied in place");
    assert!(updates >= readers.len() as u64, "updated {updates} times");
}
