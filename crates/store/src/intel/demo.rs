//! The demo's sharing hub: a hub organization with analysts, the Cybersecurity Council and
//! two sector ISACs as circles, collections with grants, and sample intelligence at every
//! TLP level, so the TAXII server and the UI have something to show.

use mamori_intel::stix::validate_envelope;
use mamori_intel::tlp::{Recipient, Tlp, TlpPolicy};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ConnectionTrait, TransactionTrait};
use serde_json::{Value, json};

use super::objects::IngestOptions;
use super::{CollectionInfo, NewCircle, insert_circle, insert_collection, insert_grant, insert_member};
use crate::accounts::{NewOrg, insert_membership, insert_org, org_by};
use crate::demo::DemoAccount;
use crate::schema::{Orgs, Users};
use crate::{Actor, NewUser, Role, Store, StoreError, Tenant};

/// The slug of the demo hub organization (its admins and owner are the analysts).
pub const HUB_SLUG: &str = "sharing-hub";

const CIRCLES: [(&str, &str, &str, &str, &[&str]); 3] = [
    (
        "council",
        "Cybersecurity Council (demo)",
        "サイバーセキュリティ協議会（デモ）",
        "council",
        &["sakura-motors", "minato-electronics"],
    ),
    (
        "auto-isac",
        "Automotive ISAC (demo)",
        "自動車ISAC（デモ）",
        "sector",
        &["sakura-motors", "hokuto-precision", "nagisa-seats", "hikari-glass"],
    ),
    (
        "elec-isac",
        "Electronics ISAC (demo)",
        "電機・電子ISAC（デモ）",
        "sector",
        &["minato-electronics", "tsubasa-electronics", "kasumi-pcb", "oboro-sensors"],
    ),
];

/// Demo accounts of the hub.
pub fn accounts() -> Vec<DemoAccount> {
    [Role::Owner, Role::Admin]
        .iter()
        .map(|r| DemoAccount {
            email: format!("{}@{HUB_SLUG}.example", r.as_str()),
            org: "Sharing Hub (analyst)".into(),
            role: r.as_str().into(),
            lang: "ja".into(),
        })
        .collect()
}

async fn user_id<C: ConnectionTrait>(conn: &C, email: &str) -> Result<String, StoreError> {
    let q =
        Query::select().column(Users::Id).from(Users::Table).and_where(Expr::col(Users::Email).eq(email)).to_owned();
    let r = conn.query_one(&q).await?.ok_or(StoreError::NotFound)?;
    Ok(r.try_get("", "id")?)
}

/// Seeds the hub. Called once by [`crate::demo::seed`] after the organizations exist.
pub(crate) async fn seed_intel(store: &Store, password: &str, hash: &str) -> Result<(), StoreError> {
    let actor = Actor::Cli("demo-seed".into());
    let txn = store.conn().begin().await?;
    let hub = insert_org(
        &txn,
        &NewOrg {
            name: "Industrial Sharing Hub (demo)",
            name_ja: Some("産業サイバー情報共有ハブ（デモ）"),
            slug: Some(HUB_SLUG),
            kind: "isac",
            sector: None,
        },
    )
    .await?;
    for role in [Role::Owner, Role::Admin] {
        let new = NewUser {
            email: format!("{}@{HUB_SLUG}.example", role.as_str()),
            name: format!("Hub analyst ({role})"),
            password: password.to_owned(),
            lang: "ja".into(),
        };
        let u = crate::accounts::insert_user(&txn, &new.validate()?, hash, false).await?;
        insert_membership(&txn, &hub.id, &u.id, role).await?;
    }
    let mut shared = Vec::new();
    for (root, title, title_ja, kind, members) in CIRCLES {
        let desc = format!("{title}: demo sharing circle run by the hub");
        let c = insert_circle(
            &txn,
            &actor,
            &NewCircle { root, title, title_ja, description: &desc, kind, hub_org_slug: HUB_SLUG },
        )
        .await?;
        let coll =
            insert_collection(&txn, &actor, &c.id, "shared", "Shared indicators and reports", "Members read and write")
                .await?;
        let alerts =
            insert_collection(&txn, &actor, &c.id, "alerts", "Hub alerts", "Published by the hub; members read")
                .await?;
        insert_grant(&txn, &actor, &coll, &hub.id, true, true).await?;
        insert_grant(&txn, &actor, &alerts, &hub.id, true, true).await?;
        for slug in members {
            let org = org_by(&txn, Orgs::Slug, slug).await?;
            insert_member(&txn, &actor, &c.id, &org.id).await?;
            insert_grant(&txn, &actor, &coll, &org.id, true, true).await?;
            insert_grant(&txn, &actor, &alerts, &org.id, true, false).await?;
        }
        shared.push((c, coll, alerts));
    }
    let sakura_owner = user_id(&txn, "owner@sakura-motors.example").await?;
    let sakura = org_by(&txn, Orgs::Slug, "sakura-motors").await?;
    let hokuto = org_by(&txn, Orgs::Slug, "hokuto-precision").await?;
    txn.commit().await?;

    // Sample intelligence in the automotive ISAC, one envelope per level.
    let Some((auto, auto_shared, auto_alerts)) = shared.get(1).cloned() else { return Ok(()) };
    let coll = |id: &str| CollectionInfo {
        id: id.to_owned(),
        circle_id: auto.id.clone(),
        alias: String::new(),
        title: String::new(),
        description: String::new(),
        can_read: true,
        can_write: true,
    };
    let hub_tenant = Tenant::new(hub.id.clone(), Role::Owner, actor.clone());
    let samples: [(Tlp, &str, &str, Vec<Recipient>, &str); 5] = [
        (Tlp::Clear, "198.51.100.23", "phishing-kit.example", Vec::new(), &hub.id),
        (Tlp::Green, "203.0.113.77", "update-check.example", Vec::new(), &hub.id),
        (Tlp::Amber, "192.0.2.45", "vpn-portal-login.example", vec![Recipient::Org(sakura.id.clone())], &hub.id),
        (Tlp::AmberStrict, "198.51.100.201", "hokuto-intranet.example", Vec::new(), &hokuto.id),
        (Tlp::Red, "203.0.113.9", "plc-update.example", vec![Recipient::User(sakura_owner.clone())], &hub.id),
    ];
    for (i, (tlp, ip, domain, recipients, producer)) in samples.into_iter().enumerate() {
        let env = sample_envelope(i, tlp, ip, domain);
        let report = validate_envelope(&env).map_err(|e| StoreError::Internal(e.to_string()))?;
        if let Some(r) = report.rejected.first() {
            return Err(StoreError::Internal(format!("demo object invalid: {:?}", r.reasons)));
        }
        let opts = IngestOptions { policy: TlpPolicy::default(), recipients, ..IngestOptions::default() };
        let target = if i == 0 { &auto_alerts } else { &auto_shared };
        store.ingest_as(&hub_tenant, &coll(target), producer, None, report.accepted, Vec::new(), &opts).await?;
    }
    Ok(())
}

fn uuid_for(i: usize, k: u8) -> String {
    format!("5a1e{k:02x}00-0000-4000-8000-{:012x}", i + 1)
}

fn sample_envelope(i: usize, tlp: Tlp, ip: &str, domain: &str) -> Value {
    let t = "2025-04-01T09:00:00.000Z";
    let marking = tlp.marking_id();
    let ind_ip = format!("indicator--{}", uuid_for(i, 1));
    let ind_dom = format!("indicator--{}", uuid_for(i, 2));
    let malware = format!("malware--{}", uuid_for(i, 3));
    let report = format!("report--{}", uuid_for(i, 4));
    let level = tlp.label();
    json!({"objects": [
        tlp.marking_definition(),
        {"type": "indicator", "spec_version": "2.1", "id": ind_ip, "created": t, "modified": t,
         "name": format!("C2 address {ip} ({level})"), "description": "Command-and-control address seen against plant networks",
         "indicator_types": ["malicious-activity"], "pattern": format!("[ipv4-addr:value = '{ip}']"),
         "pattern_type": "stix", "valid_from": t, "object_marking_refs": [marking]},
        {"type": "indicator", "spec_version": "2.1", "id": ind_dom, "created": t, "modified": t,
         "name": format!("Phishing domain {domain} ({level})"), "indicator_types": ["malicious-activity"],
         "pattern": format!("[domain-name:value = '{domain}']"), "pattern_type": "stix", "valid_from": t,
         "object_marking_refs": [marking]},
        {"type": "malware", "spec_version": "2.1", "id": malware, "created": t, "modified": t,
         "name": format!("DemoLoader-{}", i + 1), "is_family": true, "malware_types": ["remote-access-trojan"],
         "object_marking_refs": [marking]},
        {"type": "relationship", "spec_version": "2.1", "id": format!("relationship--{}", uuid_for(i, 5)),
         "created": t, "modified": t, "relationship_type": "indicates", "source_ref": ind_ip, "target_ref": malware,
         "object_marking_refs": [marking]},
        {"type": "report", "spec_version": "2.1", "id": report, "created": t, "modified": t,
         "name": format!("Demo campaign report {} ({level})", i + 1), "published": t, "report_types": ["campaign"],
         "object_refs": [ind_ip, ind_dom, malware], "object_marking_refs": [marking]}
    ]})
}
