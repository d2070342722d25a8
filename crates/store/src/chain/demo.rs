//! Demo data for the supply-chain dashboard: an evaluator organization, relationship
//! attributes, consent, requests and attestations so that every status appears.

use mamori_chain::Level;
use mamori_chain::advice::InterruptionImpact;
use mamori_chain::attest::{
    Attestation, EvidenceItem, ExecutivePledge, FrameworkRef, Outcome, RequirementStatus, ReviewerSignOff, SCHEMA,
    Score, Subject, Verdict, evidence_digest, requirements_digest,
};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ConnectionTrait, TransactionTrait};

use super::keys::active_key;
use super::links::{ChainSettingsInfo, LinkInput, set_attributes, upsert_settings};
use super::requests::{RequestInput, insert_request};
use super::schema::{AttestationShares, Attestations, ChainCol, LinkCol};
use super::{SecretKey, level_str};
use crate::accounts::{NewOrg, OrgInfo, insert_membership, insert_org, insert_user, org_by};
use crate::schema::{Orgs, SupplyLinks};
use crate::{NewUser, Role, Store, StoreError, new_id, now_ms};

/// The demo's evaluator organization (expert review for ★3).
pub const EVALUATOR_SLUG: &str = "kanto-assurance";

const DAY: i64 = 24 * 3600 * 1000;

/// Seeds the chain demo; called by `demo::seed` inside its first run.
pub(crate) async fn seed_chain(store: &Store, lead_slug: &str, password_hash: &str) -> Result<(), StoreError> {
    let Ok(secret) = store.secret().cloned() else {
        tracing::warn!("no server secret key: the supply-chain demo (keys, attestations) is skipped");
        return Ok(());
    };
    let txn = store.conn().begin().await?;
    let evaluator = insert_org(
        &txn,
        &NewOrg {
            name: "Kanto Security Assurance",
            name_ja: Some("関東セキュリティ評価株式会社"),
            slug: Some(EVALUATOR_SLUG),
            kind: "evaluator",
            sector: Some("security"),
        },
    )
    .await?;
    let reviewer = NewUser {
        email: format!("assessor@{EVALUATOR_SLUG}.example"),
        name: "Kanto Reviewer".into(),
        password: "placeholder-password".into(),
        lang: "ja".into(),
    }
    .validate()?;
    let user = insert_user(&txn, &reviewer, password_hash, false).await?;
    insert_membership(&txn, &evaluator.id, &user.id, Role::Assessor).await?;
    let lead = org_by(&txn, Orgs::Slug, lead_slug).await?;
    let org = |slug: &'static str| org_by(&txn, Orgs::Slug, slug);
    let now = now_ms();
    // (slug, confidential, connects, impact, scenario)
    let plan: [(&str, bool, bool, InterruptionImpact, &str); 8] = [
        ("hokuto-precision", true, false, InterruptionImpact::Unacceptable, "star4"),
        ("kaede-plastics", false, false, InterruptionImpact::Tolerable, "requested"),
        ("tsubasa-electronics", false, false, InterruptionImpact::Tolerable, "star3"),
        ("mizuho-logistics", false, true, InterruptionImpact::Tolerable, "overdue"),
        ("asahi-software", true, true, InterruptionImpact::Unacceptable, "expired"),
        ("kiso-castings", false, false, InterruptionImpact::Unacceptable, "revoked"),
        ("nagisa-seats", false, false, InterruptionImpact::Negligible, "none"),
        ("hikari-glass", false, false, InterruptionImpact::Tolerable, "share_revoked"),
    ];
    for (slug, conf, conn_sys, impact, scenario) in plan {
        let supplier = org(slug).await?;
        let q = Query::select()
            .columns([SupplyLinks::Id, SupplyLinks::Supplied, SupplyLinks::Criticality])
            .from(SupplyLinks::Table)
            .and_where(Expr::col(SupplyLinks::BuyerOrgId).eq(lead.id.clone()))
            .and_where(Expr::col(SupplyLinks::SupplierOrgId).eq(supplier.id.clone()))
            .to_owned();
        let row = txn.query_one(&q).await?.ok_or(StoreError::NotFound)?;
        let link_id: String = row.try_get("", "id")?;
        let attrs = LinkInput {
            supplied: row.try_get("", "supplied")?,
            criticality: row.try_get("", "criticality")?,
            handles_confidential_data: conf,
            connects_to_buyer_systems: conn_sys,
            interruption_impact: impact,
        };
        set_attributes(&txn, &link_id, &attrs).await?;
        let req = |level, days: i64| RequestInput { level: Some(level), profile: None, deadline: now + days * DAY };
        match scenario {
            "star4" => {
                let id = issue(&txn, &secret, &supplier, None, Level::Star4, now - 30 * DAY, now + 1000 * DAY).await?;
                share(&txn, &id, &supplier.id, &lead.id, None).await?;
            }
            "star3" => {
                let id =
                    issue(&txn, &secret, &supplier, Some(&evaluator), Level::Star3, now - 60 * DAY, now + 300 * DAY)
                        .await?;
                share(&txn, &id, &supplier.id, &lead.id, None).await?;
            }
            "requested" => {
                insert_request(&txn, &lead.id, &supplier.id, &req(Level::Star3, 45), "demo").await?;
            }
            "overdue" => {
                insert_request(&txn, &lead.id, &supplier.id, &req(Level::Star4, -10), "demo").await?;
            }
            "expired" => {
                let id = issue(&txn, &secret, &supplier, None, Level::Star4, now - 1200 * DAY, now - 100 * DAY).await?;
                share(&txn, &id, &supplier.id, &lead.id, None).await?;
            }
            "revoked" => {
                let id = issue(&txn, &secret, &supplier, None, Level::Star4, now - 90 * DAY, now + 900 * DAY).await?;
                share(&txn, &id, &supplier.id, &lead.id, None).await?;
                let q = Query::update()
                    .table(Attestations::Table)
                    .value(ChainCol::State, "revoked")
                    .value(ChainCol::RevokedAt, now - 5 * DAY)
                    .value(ChainCol::RevokeReason, "incident under investigation")
                    .and_where(Expr::col(ChainCol::Id).eq(id))
                    .to_owned();
                txn.execute(&q).await?;
            }
            "share_revoked" => {
                let id =
                    issue(&txn, &secret, &supplier, Some(&evaluator), Level::Star3, now - 20 * DAY, now + 340 * DAY)
                        .await?;
                share(&txn, &id, &supplier.id, &lead.id, Some(now - DAY)).await?;
            }
            _ => {}
        }
    }
    // A recorded override: the buyer requires ★4 of its seat supplier.
    let nagisa = org("nagisa-seats").await?;
    let q = Query::update()
        .table(SupplyLinks::Table)
        .value(LinkCol::OverrideLevel, level_str(Level::Star4))
        .value(LinkCol::OverrideReason, "Just-in-time delivery without alternative source")
        .value(LinkCol::OverrideBy, "cli:demo-seed")
        .value(LinkCol::OverrideAt, now)
        .and_where(Expr::col(SupplyLinks::BuyerOrgId).eq(lead.id.clone()))
        .and_where(Expr::col(SupplyLinks::SupplierOrgId).eq(nagisa.id))
        .to_owned();
    txn.execute(&q).await?;
    // Hokuto discloses its suppliers; Tsubasa does not, so its suppliers stay aggregates.
    for (slug, disclose, listed) in [
        ("hokuto-precision", true, true),
        ("tsubasa-electronics", false, true),
        ("asahi-software", true, false),
        ("tenryu-bearings", false, true),
        ("kasumi-pcb", false, true),
        // Tier-2 suppliers that disclose theirs, so the lead sees tier 3 in detail too.
        ("akebono-machining", true, false),
        ("yamabuki-cloud", true, false),
    ] {
        let o = org(slug).await?;
        upsert_settings(&txn, &o.id, &ChainSettingsInfo { disclose_suppliers: disclose, registry_listed: listed })
            .await?;
    }
    // Deeper tiers: a few attestations so that aggregates have more than one status.
    for (slug, level) in [("tenryu-bearings", Level::Star3), ("kasumi-pcb", Level::Star4)] {
        let o = org(slug).await?;
        let rev = (level == Level::Star3).then_some(&evaluator);
        issue(&txn, &secret, &o, rev, level, now - 10 * DAY, now + 355 * DAY).await?;
    }
    txn.commit().await?;
    Ok(())
}

async fn issue<C: ConnectionTrait>(
    conn: &C,
    secret: &SecretKey,
    org: &OrgInfo,
    reviewer: Option<&OrgInfo>,
    level: Level,
    from: i64,
    until: i64,
) -> Result<String, StoreError> {
    let key = active_key(conn, secret, &org.id).await?;
    let t = super::ms_to_time;
    let id = new_id();
    let reqs: Vec<RequirementStatus> =
        (1..=12).map(|i| RequirementStatus { id: format!("R-{i:02}"), status: "met".into() }).collect();
    let ev: Vec<EvidenceItem> =
        (1..=3).map(|i| EvidenceItem { id: format!("E-{i}"), sha256: format!("{i:064x}") }).collect();
    let mut att = Attestation {
        schema: SCHEMA.into(),
        id: id.clone(),
        subject: Subject { id: org.id.clone(), name: org.name.clone() },
        framework: FrameworkRef { id: "meti-scs".into(), version: "2026-03-27".into() },
        scores: vec![
            Score { name: "governance".into(), achieved: 6, total: 6 },
            Score { name: "technical".into(), achieved: 6, total: 6 },
        ],
        verdict: Verdict { level, outcome: Outcome::Met },
        requirements: requirements_digest(&reqs),
        evidence: evidence_digest(&ev),
        issued_at: t(from),
        valid_from: t(from),
        valid_until: t(until),
        review: None,
        pledge: ExecutivePledge {
            signer_name: format!("{} CEO", org.name),
            signer_title: "Representative Director".into(),
            pledged_at: t(from),
        },
        key_id: key.key_id(),
    };
    let envelope = match reviewer {
        Some(r) => {
            let rk = active_key(conn, secret, &r.id).await?;
            att.review = Some(ReviewerSignOff {
                reviewer_id: "demo-reviewer".into(),
                reviewer_name: "Kanto Reviewer".into(),
                reviewed_at: t(from),
                key_id: rk.key_id(),
            });
            mamori_chain::sign(att.clone(), &key).and_then(|e| mamori_chain::countersign(e, &rk))
        }
        None => mamori_chain::sign(att.clone(), &key),
    }
    .map_err(|e| StoreError::Internal(e.to_string()))?;
    let q = Query::insert()
        .into_table(Attestations::Table)
        .columns([
            ChainCol::Id,
            ChainCol::OrgId,
            ChainCol::Level,
            ChainCol::State,
            ChainCol::ReviewerOrgId,
            ChainCol::Body,
            ChainCol::Envelope,
            ChainCol::ValidFrom,
            ChainCol::ValidUntil,
            ChainCol::CreatedAt,
            ChainCol::IssuedAt,
        ])
        .values_panic([
            id.clone().into(),
            org.id.clone().into(),
            level_str(level).into(),
            "issued".into(),
            reviewer.map(|r| r.id.clone()).into(),
            serde_json::to_string(&att).map_err(|e| StoreError::Internal(e.to_string()))?.into(),
            envelope.to_json().map_err(|e| StoreError::Internal(e.to_string()))?.into(),
            from.into(),
            until.into(),
            from.into(),
            from.into(),
        ])
        .to_owned();
    conn.execute(&q).await?;
    Ok(id)
}

async fn share<C: ConnectionTrait>(
    conn: &C,
    att: &str,
    supplier: &str,
    buyer: &str,
    revoked: Option<i64>,
) -> Result<(), StoreError> {
    let q = Query::insert()
        .into_table(AttestationShares::Table)
        .columns([
            ChainCol::Id,
            ChainCol::AttestationId,
            ChainCol::SupplierOrgId,
            ChainCol::BuyerOrgId,
            ChainCol::Scope,
            ChainCol::CreatedAt,
            ChainCol::RevokedAt,
        ])
        .values_panic([
            new_id().into(),
            att.into(),
            supplier.into(),
            buyer.into(),
            "summary".into(),
            now_ms().into(),
            revoked.into(),
        ])
        .to_owned();
    conn.execute(&q).await?;
    Ok(())
}
