//! The append-only, hash-chained audit log.
//!
//! Each entry's hash covers the previous hash and every stored field, so editing,
//! deleting or reordering any entry breaks the chain at that point. Appends happen in the
//! same transaction as the change they record; the single `audit_head` row serialises
//! appenders on PostgreSQL (row lock) and SQLite (one writer).

use sea_orm::sea_query::{Expr, ExprTrait, Order, Query};
use sea_orm::{ConnectionTrait, QueryResult};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::schema::{AuditHead, AuditLog};
use crate::{Actor, Store, StoreError, Tenant, now_ms};

/// The hash before the first entry.
pub(crate) const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One recorded state change.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: i64,
    pub tenant_id: Option<String>,
    pub actor: String,
    pub action: String,
    pub object_type: String,
    pub object_id: String,
    pub detail: serde_json::Value,
    pub digest: String,
    pub prev_hash: String,
    pub hash: String,
}

/// The result of walking the whole chain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum AuditVerify {
    Intact { entries: i64 },
    Broken { seq: i64, reason: String },
}

/// What a caller records; the store fills in time, digest and chain.
pub(crate) struct Event<'a> {
    pub tenant_id: Option<&'a str>,
    pub actor: &'a Actor,
    pub action: &'a str,
    pub object_type: &'a str,
    pub object_id: &'a str,
    pub detail: serde_json::Value,
}

fn digest_of(detail: &str) -> String {
    hex::encode(Sha256::digest(detail.as_bytes()))
}

#[allow(clippy::too_many_arguments)]
fn chain_hash(
    prev: &str,
    seq: i64,
    at: i64,
    tenant: Option<&str>,
    actor: &str,
    action: &str,
    object_type: &str,
    object_id: &str,
    digest: &str,
) -> String {
    // Length-prefixed fields so that no two different entries serialise alike.
    let mut h = Sha256::new();
    for part in
        [prev, &seq.to_string(), &at.to_string(), tenant.unwrap_or("-"), actor, action, object_type, object_id, digest]
    {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    hex::encode(h.finalize())
}

/// Appends one entry inside the caller's transaction.
pub(crate) async fn append<C: ConnectionTrait>(conn: &C, ev: Event<'_>) -> Result<i64, StoreError> {
    let bump = Query::update()
        .table(AuditHead::Table)
        .value(AuditHead::Seq, Expr::col(AuditHead::Seq).add(1))
        .and_where(Expr::col(AuditHead::Id).eq(1))
        .to_owned();
    conn.execute(&bump).await?;
    let head = Query::select()
        .columns([AuditHead::Seq, AuditHead::Hash])
        .from(AuditHead::Table)
        .and_where(Expr::col(AuditHead::Id).eq(1))
        .to_owned();
    let row = conn.query_one(&head).await?.ok_or_else(|| StoreError::Internal("audit head missing".into()))?;
    let seq: i64 = row.try_get("", "seq")?;
    let prev: String = row.try_get("", "hash")?;
    let at = now_ms();
    let actor = ev.actor.audit_label();
    let detail = ev.detail.to_string();
    let digest = digest_of(&detail);
    let hash = chain_hash(&prev, seq, at, ev.tenant_id, &actor, ev.action, ev.object_type, ev.object_id, &digest);
    let insert = Query::insert()
        .into_table(AuditLog::Table)
        .columns([
            AuditLog::Seq,
            AuditLog::At,
            AuditLog::TenantId,
            AuditLog::Actor,
            AuditLog::Action,
            AuditLog::ObjectType,
            AuditLog::ObjectId,
            AuditLog::Detail,
            AuditLog::Digest,
            AuditLog::PrevHash,
            AuditLog::Hash,
        ])
        .values_panic([
            seq.into(),
            at.into(),
            ev.tenant_id.map(str::to_string).into(),
            actor.into(),
            ev.action.into(),
            ev.object_type.into(),
            ev.object_id.into(),
            detail.into(),
            digest.into(),
            prev.into(),
            hash.clone().into(),
        ])
        .to_owned();
    conn.execute(&insert).await?;
    let set_head = Query::update()
        .table(AuditHead::Table)
        .value(AuditHead::Hash, hash)
        .and_where(Expr::col(AuditHead::Id).eq(1))
        .to_owned();
    conn.execute(&set_head).await?;
    Ok(seq)
}

fn entry_from_row(row: &QueryResult) -> Result<AuditEntry, StoreError> {
    Ok(entry_and_raw(row)?.0)
}

/// The entry plus the detail text exactly as stored, which is what the digest covers.
fn entry_and_raw(row: &QueryResult) -> Result<(AuditEntry, String), StoreError> {
    let detail: String = row.try_get("", "detail")?;
    let entry = AuditEntry {
        seq: row.try_get("", "seq")?,
        at: row.try_get("", "at")?,
        tenant_id: row.try_get("", "tenant_id")?,
        actor: row.try_get("", "actor")?,
        action: row.try_get("", "action")?,
        object_type: row.try_get("", "object_type")?,
        object_id: row.try_get("", "object_id")?,
        detail: serde_json::from_str(&detail).unwrap_or_else(|_| serde_json::Value::String(detail.clone())),
        digest: row.try_get("", "digest")?,
        prev_hash: row.try_get("", "prev_hash")?,
        hash: row.try_get("", "hash")?,
    };
    Ok((entry, detail))
}

fn select_entries() -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .columns([
            AuditLog::Seq,
            AuditLog::At,
            AuditLog::TenantId,
            AuditLog::Actor,
            AuditLog::Action,
            AuditLog::ObjectType,
            AuditLog::ObjectId,
            AuditLog::Detail,
            AuditLog::Digest,
            AuditLog::PrevHash,
            AuditLog::Hash,
        ])
        .from(AuditLog::Table)
        .to_owned()
}

impl Store {
    /// A page of one tenant's audit entries, newest first, before the `before` sequence number.
    pub async fn audit_page(
        &self,
        tenant: &Tenant,
        before: Option<i64>,
        limit: u64,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        tenant.require(crate::Role::Admin)?;
        let mut q = select_entries();
        q.and_where(Expr::col(AuditLog::TenantId).eq(tenant.org_id()));
        if let Some(before) = before {
            q.and_where(Expr::col(AuditLog::Seq).lt(before));
        }
        q.order_by(AuditLog::Seq, Order::Desc).limit(limit);
        let rows = self.conn().query_all(&q).await?;
        rows.iter().map(entry_from_row).collect()
    }

    /// Walks the whole chain in batches and reports the first broken link.
    pub async fn audit_verify(&self) -> Result<AuditVerify, StoreError> {
        let mut prev = GENESIS.to_string();
        let mut expected_seq = 1i64;
        loop {
            let mut q = select_entries();
            q.and_where(Expr::col(AuditLog::Seq).gte(expected_seq)).order_by(AuditLog::Seq, Order::Asc).limit(2000);
            let rows = self.conn().query_all(&q).await?;
            if rows.is_empty() {
                break;
            }
            for row in &rows {
                let (e, raw_detail) = entry_and_raw(row)?;
                if e.seq != expected_seq {
                    return Ok(AuditVerify::Broken {
                        seq: expected_seq,
                        reason: format!("entry {expected_seq} is missing"),
                    });
                }
                if e.prev_hash != prev {
                    return Ok(AuditVerify::Broken { seq: e.seq, reason: "previous-hash link does not match".into() });
                }
                if digest_of(&raw_detail) != e.digest {
                    return Ok(AuditVerify::Broken { seq: e.seq, reason: "detail does not match its digest".into() });
                }
                let hash = chain_hash(
                    &prev,
                    e.seq,
                    e.at,
                    e.tenant_id.as_deref(),
                    &e.actor,
                    &e.action,
                    &e.object_type,
                    &e.object_id,
                    &e.digest,
                );
                if hash != e.hash {
                    return Ok(AuditVerify::Broken {
                        seq: e.seq,
                        reason: "entry hash does not match its content".into(),
                    });
                }
                prev = e.hash;
                expected_seq += 1;
            }
        }
        let head = Query::select().columns([AuditHead::Seq, AuditHead::Hash]).from(AuditHead::Table).to_owned();
        if let Some(row) = self.conn().query_one(&head).await? {
            let seq: i64 = row.try_get("", "seq")?;
            let hash: String = row.try_get("", "hash")?;
            if seq != expected_seq - 1 || hash != prev {
                return Ok(AuditVerify::Broken {
                    seq: expected_seq,
                    reason: format!(
                        "chain head says {seq} entries but {} were found (truncated log)",
                        expected_seq - 1
                    ),
                });
            }
        }
        Ok(AuditVerify::Intact { entries: expected_seq - 1 })
    }
}
