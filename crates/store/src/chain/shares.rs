//! Sharing attestations with buyers: scope, revocation of a share, and what each side
//! sees (the supplier its shares, a buyer only what was shared with it).

use sea_orm::sea_query::{Alias, Expr, ExprTrait, Order, Query};
use sea_orm::{ConnectionTrait, TransactionTrait};
use serde::Serialize;

use super::attest::{AttestationRecord, AttestationState, cols, one, record};
use super::requests::fulfil_requests;
use super::schema::{AttestationShares, Attestations, ChainCol};
use crate::accounts::{OrgInfo, org_by};
use crate::audit::{self, Event};
use crate::schema::Orgs;
use crate::{Role, Store, StoreError, Tenant, new_id, now_ms};

/// What a buyer may receive with a share. Only the summary (the signed attestation)
/// exists until assessments are connected; the scope is stored for that day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ShareScope {
    Summary,
    Answers,
    Evidence,
}

impl ShareScope {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Summary => "summary",
            Self::Answers => "answers",
            Self::Evidence => "evidence",
        }
    }
    pub fn parse(s: &str) -> Result<Self, StoreError> {
        match s {
            "summary" => Ok(Self::Summary),
            "answers" => Ok(Self::Answers),
            "evidence" => Ok(Self::Evidence),
            _ => Err(StoreError::invalid("scope", "must be summary, answers or evidence")),
        }
    }
}

/// A share made by the supplier.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ShareInfo {
    pub id: String,
    pub attestation_id: String,
    pub buyer: OrgInfo,
    pub scope: ShareScope,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
}

/// A share received by a buyer.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ReceivedShare {
    pub id: String,
    pub supplier: OrgInfo,
    pub attestation: AttestationRecord,
    pub scope: ShareScope,
    pub created_at: i64,
}

impl Store {
    /// Shares an issued attestation with a buyer by slug, with a scope (admins). Closes
    /// the buyer's open requests to the tenant as fulfilled.
    pub async fn share_attestation(
        &self,
        tenant: &Tenant,
        id: &str,
        buyer_slug: &str,
        scope: ShareScope,
    ) -> Result<String, StoreError> {
        tenant.require(Role::Admin)?;
        let txn = self.conn().begin().await?;
        let (rec, _) = one(&txn, id).await?;
        if rec.org_id != tenant.org_id() {
            return Err(StoreError::NotFound);
        }
        if rec.state != AttestationState::Issued {
            return Err(StoreError::Conflict("only issued attestations can be shared".into()));
        }
        let buyer = org_by(&txn, Orgs::Slug, buyer_slug.trim()).await.map_err(|e| match e {
            StoreError::NotFound => StoreError::invalid("buyer", "no organization with this short ID"),
            other => other,
        })?;
        if buyer.id == tenant.org_id() {
            return Err(StoreError::invalid("buyer", "share with another organization"));
        }
        let share_id = new_id();
        let q = Query::insert()
            .into_table(AttestationShares::Table)
            .columns([
                ChainCol::Id,
                ChainCol::AttestationId,
                ChainCol::SupplierOrgId,
                ChainCol::BuyerOrgId,
                ChainCol::Scope,
                ChainCol::CreatedAt,
            ])
            .values_panic([
                share_id.clone().into(),
                id.into(),
                tenant.org_id().into(),
                buyer.id.clone().into(),
                scope.as_str().into(),
                now_ms().into(),
            ])
            .to_owned();
        txn.execute(&q).await?;
        fulfil_requests(&txn, &buyer.id, tenant.org_id()).await?;
        audit::append(
            &txn,
            Event {
                tenant_id: Some(tenant.org_id()),
                actor: tenant.actor(),
                action: "attestation.share",
                object_type: "attestation_share",
                object_id: &share_id,
                detail: serde_json::json!({"attestation": id, "buyer": buyer.slug, "scope": scope.as_str()}),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(share_id)
    }

    /// Revokes one of the tenant's shares (admins).
    pub async fn revoke_share(&self, tenant: &Tenant, share_id: &str) -> Result<(), StoreError> {
        tenant.require(Role::Admin)?;
        let txn = self.conn().begin().await?;
        let q = Query::update()
            .table(AttestationShares::Table)
            .value(ChainCol::RevokedAt, now_ms())
            .and_where(Expr::col(ChainCol::Id).eq(share_id))
            .and_where(Expr::col(ChainCol::SupplierOrgId).eq(tenant.org_id()))
            .and_where(Expr::col(ChainCol::RevokedAt).is_null())
            .to_owned();
        if txn.execute(&q).await?.rows_affected() != 1 {
            return Err(StoreError::NotFound);
        }
        audit::append(
            &txn,
            Event {
                tenant_id: Some(tenant.org_id()),
                actor: tenant.actor(),
                action: "attestation.share_revoke",
                object_type: "attestation_share",
                object_id: share_id,
                detail: serde_json::json!({}),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }

    /// The shares the tenant made, newest first.
    pub async fn shares(&self, tenant: &Tenant) -> Result<Vec<ShareInfo>, StoreError> {
        let q = Query::select()
            .columns([
                ChainCol::Id,
                ChainCol::AttestationId,
                ChainCol::BuyerOrgId,
                ChainCol::Scope,
                ChainCol::CreatedAt,
                ChainCol::RevokedAt,
            ])
            .from(AttestationShares::Table)
            .and_where(Expr::col(ChainCol::SupplierOrgId).eq(tenant.org_id()))
            .order_by(ChainCol::CreatedAt, Order::Desc)
            .limit(500)
            .to_owned();
        let mut out = Vec::new();
        for r in self.conn().query_all(&q).await? {
            let buyer: String = r.try_get("", "buyer_org_id")?;
            let scope: String = r.try_get("", "scope")?;
            out.push(ShareInfo {
                id: r.try_get("", "id")?,
                attestation_id: r.try_get("", "attestation_id")?,
                buyer: org_by(self.conn(), Orgs::Id, &buyer).await?,
                scope: ShareScope::parse(&scope)?,
                created_at: r.try_get("", "created_at")?,
                revoked_at: r.try_get("", "revoked_at")?,
            });
        }
        Ok(out)
    }

    /// Active shares the tenant received, newest first.
    pub async fn received_shares(&self, tenant: &Tenant) -> Result<Vec<ReceivedShare>, StoreError> {
        self.received(tenant, None).await
    }

    /// One active share the tenant received.
    pub async fn received_share(&self, tenant: &Tenant, share_id: &str) -> Result<ReceivedShare, StoreError> {
        self.received(tenant, Some(share_id)).await?.pop().ok_or(StoreError::NotFound)
    }

    async fn received(&self, tenant: &Tenant, share_id: Option<&str>) -> Result<Vec<ReceivedShare>, StoreError> {
        let mut q = Query::select();
        if let Some(id) = share_id {
            q.and_where(Expr::col((AttestationShares::Table, ChainCol::Id)).eq(id));
        }
        q.columns(cols())
            .expr_as(Expr::col((AttestationShares::Table, ChainCol::Id)), Alias::new("share_id"))
            .expr_as(Expr::col((AttestationShares::Table, ChainCol::Scope)), Alias::new("share_scope"))
            .expr_as(Expr::col((AttestationShares::Table, ChainCol::CreatedAt)), Alias::new("shared_at"))
            .from(AttestationShares::Table)
            .inner_join(
                Attestations::Table,
                Expr::col((Attestations::Table, ChainCol::Id))
                    .equals((AttestationShares::Table, ChainCol::AttestationId)),
            )
            .and_where(Expr::col((AttestationShares::Table, ChainCol::BuyerOrgId)).eq(tenant.org_id()))
            .and_where(Expr::col((AttestationShares::Table, ChainCol::RevokedAt)).is_null())
            .order_by((AttestationShares::Table, ChainCol::CreatedAt), Order::Desc)
            .limit(1000);
        let mut out = Vec::new();
        for r in self.conn().query_all(&q).await? {
            let (rec, _) = record(&r)?;
            let scope: String = r.try_get("", "share_scope")?;
            out.push(ReceivedShare {
                id: r.try_get("", "share_id")?,
                supplier: org_by(self.conn(), Orgs::Id, &rec.org_id).await?,
                attestation: rec,
                scope: ShareScope::parse(&scope)?,
                created_at: r.try_get("", "shared_at")?,
            });
        }
        Ok(out)
    }

    /// The envelope behind a share the tenant received (not after the share is revoked).
    pub async fn received_envelope(&self, tenant: &Tenant, share_id: &str) -> Result<String, StoreError> {
        let q = Query::select()
            .column((Attestations::Table, ChainCol::Envelope))
            .from(AttestationShares::Table)
            .inner_join(
                Attestations::Table,
                Expr::col((Attestations::Table, ChainCol::Id))
                    .equals((AttestationShares::Table, ChainCol::AttestationId)),
            )
            .and_where(Expr::col((AttestationShares::Table, ChainCol::Id)).eq(share_id))
            .and_where(Expr::col((AttestationShares::Table, ChainCol::BuyerOrgId)).eq(tenant.org_id()))
            .and_where(Expr::col((AttestationShares::Table, ChainCol::RevokedAt)).is_null())
            .to_owned();
        let env: Option<String> =
            self.conn().query_one(&q).await?.ok_or(StoreError::NotFound)?.try_get("", "envelope")?;
        env.ok_or(StoreError::NotFound)
    }
}
