//! The buyer dashboard's direct suppliers are counted, filtered and paged in SQL. These
//! tests compare the SQL figures with the per-row rule (every row read in detail) on a
//! fixture with every status, on SQLite and, when `MAMORI_TEST_DATABASE_URL` is set,
//! on PostgreSQL; and they check that the page costs a fixed number of statements.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;

use mamori_chain::advice::InterruptionImpact;
use mamori_chain::attest::{EvidenceItem, Outcome, RequirementStatus, Score, evidence_digest, requirements_digest};
use mamori_chain::{Criticality, Level};
use mamori_store::chain::{
    AttestationInput, DIRECT_MAX_PAGE, DirectFilter, DirectSupplier, LinkInput, RequestInput, ShareScope,
    SupplyDashboard,
};
use mamori_store::{DbConfig, NewUser, SecretKey, Store, SupplyStatus, Tenant};
use sea_orm::ConnectionTrait;

const PW: &str = "correct horse battery staple";

async fn backends() -> Vec<Store> {
    let mut out = Vec::new();
    let dir = std::env::temp_dir().join(format!("mamori-dash-{}", uuid::Uuid::new_v4()));
    out.push(Store::open(&DbConfig::Sqlite { data_dir: dir }).await.unwrap());
    if let Some(url) = std::env::var("MAMORI_TEST_DATABASE_URL").ok().filter(|u| !u.is_empty()) {
        let name = format!("mamori_dash_{}", uuid::Uuid::new_v4().simple());
        let admin = sea_orm::Database::connect(&url).await.unwrap();
        admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await.unwrap();
        let base = url.rsplit_once('/').map(|(b, _)| b.to_string()).unwrap();
        out.push(Store::open(&DbConfig::Postgres { url: format!("{base}/{name}") }).await.unwrap());
    }
    out.into_iter().map(|s| s.with_secret_key(SecretKey::from_bytes([9; 32]))).collect()
}

async fn org(store: &Store, name: &str) -> Tenant {
    let email = format!("owner@{}.example", name.to_lowercase().replace(' ', "-"));
    let (u, o) = store
        .signup(NewUser { email, name: format!("{name} Owner"), password: PW.into(), lang: "en".into() }, name)
        .await
        .unwrap();
    store.tenant_for_login(&u, &o.id).await.unwrap()
}

fn star4() -> AttestationInput {
    let reqs = vec![RequirementStatus { id: "R-1".into(), status: "met".into() }];
    let ev = vec![EvidenceItem { id: "E-1".into(), sha256: "b".repeat(64) }];
    AttestationInput {
        framework_id: "meti-scs".into(),
        framework_version: "2026-03-27".into(),
        level: Level::Star4,
        outcome: Outcome::Met,
        scores: vec![Score { name: "all".into(), achieved: 1, total: 1 }],
        requirements: requirements_digest(&reqs),
        evidence: evidence_digest(&ev),
        valid_days: None,
        pledge_name: "Pledger".into(),
        pledge_title: "CEO".into(),
        reviewer_org_slug: None,
        assessment_ref: None,
    }
}

fn link(crit: &str) -> LinkInput {
    LinkInput {
        supplied: "Special Widgets".into(),
        criticality: crit.into(),
        handles_confidential_data: false,
        connects_to_buyer_systems: true,
        interruption_impact: InterruptionImpact::Unacceptable,
    }
}

/// The bench buyer (`n` direct suppliers: requested, overdue, ★3, ★4, expired, not
/// requested, and a second tier) plus suppliers whose share or attestation was revoked,
/// one of them with a newer request.
async fn fixture(store: &Store, n: usize) -> Tenant {
    let (user, buyer) = mamori_store::chain::bench::seed_wide_buyer(store, n, PW).await.unwrap();
    let bt = store.tenant_for_login(&user, &buyer.id).await.unwrap();
    let deadline = time::OffsetDateTime::now_utc().unix_timestamp() * 1000 + 30 * 86_400_000;
    for (name, revoke_attestation, request) in
        [("Revoked Share Works", false, false), ("Revoked Cert Works", true, false), ("Asked Again Works", false, true)]
    {
        let st = org(store, name).await;
        let slug = store.org(&st).await.unwrap().slug;
        let link_id = store.add_relationship(&bt, &slug, &link("high")).await.unwrap();
        let att = store.submit_attestation(&st, star4()).await.unwrap();
        let share = store.share_attestation(&st, &att.id, &buyer.slug, ShareScope::Summary).await.unwrap();
        if revoke_attestation {
            store.revoke_attestation(&st, &att.id, "key compromise").await.unwrap();
        } else {
            store.revoke_share(&st, &share).await.unwrap();
        }
        if request {
            let r = RequestInput { level: Some(Level::Star4), profile: None, deadline };
            store.request_assessment(&bt, &link_id, &r).await.unwrap();
        }
    }
    bt
}

async fn page(store: &Store, t: &Tenant, f: DirectFilter) -> SupplyDashboard {
    store.supply_dashboard_page(t, &f).await.unwrap()
}

/// Every direct supplier in detail, in the dashboard's order.
async fn all_rows(store: &Store, t: &Tenant) -> Vec<DirectSupplier> {
    let d = page(store, t, DirectFilter { limit: DIRECT_MAX_PAGE, ..DirectFilter::default() }).await;
    assert_eq!(d.direct.len(), d.direct_total, "the fixture fits one maximal page");
    d.direct
}

fn ids(rows: &[DirectSupplier]) -> Vec<String> {
    rows.iter().map(|r| r.link_id.clone()).collect()
}

/// Pages through a filter `size` rows at a time.
async fn paged(store: &Store, t: &Tenant, f: &DirectFilter, size: usize) -> (Vec<String>, usize) {
    let mut out = Vec::new();
    loop {
        let d = page(store, t, DirectFilter { offset: out.len(), limit: size, ..f.clone() }).await;
        if d.direct.is_empty() || out.len() >= d.direct_total {
            return (out, d.direct_total);
        }
        assert_eq!(d.direct_offset, out.len());
        out.extend(ids(&d.direct));
    }
}

#[tokio::test]
async fn sql_counts_filters_and_pages_equal_the_per_row_computation() {
    for store in backends().await {
        let t = fixture(&store, 250).await;
        let all = all_rows(&store, &t).await;
        assert_eq!(all.len(), 253);
        // The order the dashboard always had: most critical first, then by name.
        let mut sorted = all.clone();
        sorted.sort_by(|a, b| b.criticality.cmp(&a.criticality).then_with(|| a.org.name.cmp(&b.org.name)));
        assert_eq!(ids(&sorted), ids(&all));

        // Counts per criticality and status: SQL against the rows' own statuses.
        let mut expected: BTreeMap<(Criticality, SupplyStatus), usize> = BTreeMap::new();
        for r in &all {
            *expected.entry((r.criticality, r.status)).or_default() += 1;
        }
        let d = store.supply_dashboard(&t).await.unwrap();
        let sql: BTreeMap<(Criticality, SupplyStatus), usize> =
            d.direct_counts.iter().map(|c| ((c.criticality, c.status), c.count)).collect();
        assert_eq!(sql, expected);
        for s in SupplyStatus::ALL.iter().filter(|s| **s != SupplyStatus::Unknown) {
            assert!(d.status_count(*s) > 0, "the fixture lacks {s:?}");
        }
        // The heat map's tier 1 is the same count.
        let heat1: BTreeMap<(Criticality, SupplyStatus), usize> =
            d.heat.iter().filter(|h| h.tier == 1).map(|h| ((h.criticality, h.status), h.count)).collect();
        assert_eq!(heat1, expected);
        assert!(d.heat.iter().any(|h| h.tier == 2), "the second tier is on the heat map");
        let revoked = all.iter().find(|r| r.org.name == "Revoked Cert Works").unwrap();
        assert_eq!(revoked.status, SupplyStatus::Revoked);
        let asked = all.iter().find(|r| r.org.name == "Asked Again Works").unwrap();
        assert_eq!(asked.status, SupplyStatus::Requested);
        assert!(asked.share_id.is_some() && asked.request_id.is_some());

        // Every filter, paged in uneven steps, lists exactly the matching rows in order.
        let mut filters = vec![DirectFilter::default()];
        for s in SupplyStatus::ALL {
            filters.push(DirectFilter { status: Some(s), ..DirectFilter::default() });
        }
        for c in Criticality::ALL {
            filters.push(DirectFilter { criticality: Some(c), ..DirectFilter::default() });
            filters.push(DirectFilter {
                criticality: Some(c),
                status: Some(SupplyStatus::Overdue),
                ..DirectFilter::default()
            });
        }
        for q in ["supplier 0012", "PART 1", "revoked", "works", "nothing like this"] {
            filters.push(DirectFilter { q: q.into(), ..DirectFilter::default() });
        }
        filters.push(DirectFilter {
            q: "supplier 01".into(),
            status: Some(SupplyStatus::AttestedStar3),
            ..DirectFilter::default()
        });
        for f in &filters {
            let q = f.q.trim().to_lowercase();
            let want: Vec<String> = all
                .iter()
                .filter(|r| f.status.is_none_or(|s| r.status == s))
                .filter(|r| f.criticality.is_none_or(|c| r.criticality == c))
                .filter(|r| {
                    q.is_empty() || r.org.name.to_lowercase().contains(&q) || r.supplied.to_lowercase().contains(&q)
                })
                .map(|r| r.link_id.clone())
                .collect();
            let (got, total) = paged(&store, &t, f, 37).await;
            assert_eq!(total, want.len(), "total for {f:?}");
            assert_eq!(got, want, "rows for {f:?}");
        }
        // A page past the end shows the last one; the drill-down finds one link.
        let d = page(&store, &t, DirectFilter { offset: 10_000, limit: 100, ..DirectFilter::default() }).await;
        assert_eq!((d.direct_offset, d.direct.len()), (200, 53));
        let one = store.supply_direct(&t, &all[7].link_id).await.unwrap();
        assert_eq!(one.link_id, all[7].link_id);
        assert_eq!(one.status, all[7].status);
    }
}

#[tokio::test]
async fn the_dashboard_costs_the_same_statements_for_few_or_many_suppliers() {
    let mut counts = Vec::new();
    for n in [40, 400] {
        for store in backends().await.into_iter().take(1) {
            let t = fixture(&store, n).await;
            let (counted, counter) = store.with_query_counter();
            counter.reset();
            let d = counted.supply_dashboard(&t).await.unwrap();
            assert_eq!(d.direct_total, n + 3);
            counts.push(counter.get());
        }
    }
    assert_eq!(counts[0], counts[1], "statements for 40 and 400 suppliers: {counts:?}");
    assert!(counts[0] <= 10, "the dashboard took {} statements", counts[0]);
}
