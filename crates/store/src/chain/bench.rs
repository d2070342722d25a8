//! Bench data: one buyer with many direct suppliers (and a second tier), with requests,
//! overrides and attestations spread over them. Used by `mamori bench supply-dashboard`.

use sea_orm::sea_query::{Alias, Query};
use sea_orm::{ConnectionTrait, TransactionTrait};

use super::schema::{AttestationShares, Attestations, ChainCol, ChainRequests};
use crate::accounts::{NewOrg, OrgInfo, insert_membership, insert_org, insert_user};
use crate::schema::{Orgs, SupplyLinks};
use crate::{NewUser, Role, Store, StoreError, UserInfo, new_id, now_ms, secrets};

const BATCH: usize = 400;

/// Creates a buyer that owns `n` direct suppliers, each of every third supplier with two
/// suppliers of its own. Statuses are mixed: a third requested, a quarter attested.
pub async fn seed_wide_buyer(store: &Store, n: usize, password: &str) -> Result<(UserInfo, OrgInfo), StoreError> {
    let hash = secrets::hash_password(password.to_string()).await?;
    let txn = store.conn().begin().await?;
    let buyer = insert_org(
        &txn,
        &NewOrg { name: "Bench Buyer", name_ja: None, slug: Some("bench-buyer"), kind: "company", sector: None },
    )
    .await?;
    let user = insert_user(
        &txn,
        &NewUser {
            email: "owner@bench-buyer.example".into(),
            name: "Bench".into(),
            password: password.into(),
            lang: "en".into(),
        }
        .validate()?,
        &hash,
        false,
    )
    .await?;
    insert_membership(&txn, &buyer.id, &user.id, Role::Owner).await?;
    let now = now_ms();
    let total = n + n / 3 * 2;
    let ids: Vec<String> = (0..total).map(|_| new_id()).collect();
    for (c, chunk) in ids.chunks(BATCH).enumerate() {
        let mut q = Query::insert();
        q.into_table(Orgs::Table).columns([Orgs::Id, Orgs::Slug, Orgs::Name, Orgs::Kind, Orgs::CreatedAt]);
        for (i, id) in chunk.iter().enumerate() {
            let k = c * BATCH + i;
            q.values_panic([
                id.clone().into(),
                format!("bench-s{k}").into(),
                format!("Bench Supplier {k:05}").into(),
                "company".into(),
                now.into(),
            ]);
        }
        txn.execute(&q).await?;
    }
    let crits = ["low", "medium", "high", "critical"];
    let impacts = ["negligible", "tolerable", "unacceptable"];
    let mut links: Vec<(String, String, usize)> = (0..n).map(|k| (buyer.id.clone(), ids[k].clone(), k)).collect();
    let mut next = n;
    for k in (0..n).step_by(3) {
        for _ in 0..2 {
            if next < total {
                links.push((ids[k].clone(), ids[next].clone(), next));
                next += 1;
            }
        }
    }
    for chunk in links.chunks(BATCH) {
        let mut q = Query::insert();
        // One column list mixing the base and the M0005 columns (a second `columns` call
        // would replace the first).
        q.into_table(SupplyLinks::Table).columns(
            [
                "id",
                "buyer_org_id",
                "supplier_org_id",
                "supplied",
                "criticality",
                "created_at",
                "handles_confidential_data",
                "connects_to_buyer_systems",
                "interruption_impact",
            ]
            .map(Alias::new),
        );
        for (b, s, k) in chunk {
            q.values_panic([
                new_id().into(),
                b.clone().into(),
                s.clone().into(),
                format!("part {k}").into(),
                crits[k % 4].into(),
                now.into(),
                (k % 5 == 0).into(),
                (k % 7 == 0).into(),
                impacts[k % 3].into(),
            ]);
        }
        txn.execute(&q).await?;
    }
    // Requests for every third direct supplier (half of them overdue), and attestations
    // shared by every fourth (the body is a placeholder: the dashboard reads columns only).
    let req: Vec<usize> = (0..n).filter(|k| k % 3 == 1).collect();
    for chunk in req.chunks(BATCH) {
        let mut q = Query::insert();
        q.into_table(ChainRequests::Table).columns([
            ChainCol::Id,
            ChainCol::BuyerOrgId,
            ChainCol::SupplierOrgId,
            ChainCol::Level,
            ChainCol::Deadline,
            ChainCol::State,
            ChainCol::CreatedBy,
            ChainCol::CreatedAt,
        ]);
        for &k in chunk {
            let deadline = if k % 2 == 0 { now - 86_400_000 } else { now + 30 * 86_400_000 };
            q.values_panic([
                new_id().into(),
                buyer.id.clone().into(),
                ids[k].clone().into(),
                "star3".into(),
                deadline.into(),
                "open".into(),
                "bench".into(),
                now.into(),
            ]);
        }
        txn.execute(&q).await?;
    }
    let att: Vec<usize> = (0..n).filter(|k| k % 4 == 0).collect();
    for chunk in att.chunks(BATCH) {
        let mut a = Query::insert();
        a.into_table(Attestations::Table).columns([
            ChainCol::Id,
            ChainCol::OrgId,
            ChainCol::Level,
            ChainCol::State,
            ChainCol::Body,
            ChainCol::ValidFrom,
            ChainCol::ValidUntil,
            ChainCol::CreatedAt,
        ]);
        let mut s = Query::insert();
        s.into_table(AttestationShares::Table).columns([
            ChainCol::Id,
            ChainCol::AttestationId,
            ChainCol::SupplierOrgId,
            ChainCol::BuyerOrgId,
            ChainCol::Scope,
            ChainCol::CreatedAt,
        ]);
        for &k in chunk {
            let id = new_id();
            let level = if k % 8 == 0 { "star4" } else { "star3" };
            let until = if k % 12 == 0 { now - 1000 } else { now + 365 * 86_400_000 };
            a.values_panic([
                id.clone().into(),
                ids[k].clone().into(),
                level.into(),
                "issued".into(),
                "{}".into(),
                (now - 1000).into(),
                until.into(),
                now.into(),
            ]);
            s.values_panic([
                new_id().into(),
                id.into(),
                ids[k].clone().into(),
                buyer.id.clone().into(),
                "summary".into(),
                now.into(),
            ]);
        }
        txn.execute(&a).await?;
        txn.execute(&s).await?;
    }
    txn.commit().await?;
    Ok((user, buyer))
}
