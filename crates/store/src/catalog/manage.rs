//! Deleting what a tenant imported: private framework versions (unless an assessment of the
//! organization is pinned to them) and private crosswalks. The global catalog is never changed here.

use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ConnectionTrait, DatabaseTransaction, TransactionTrait};

use super::migration::{CatalogCrosswalks as Xw, CatalogFrameworks as Fw};
use super::{bump_generation, crosswalk_hash, global_framework_exists};
use crate::assess::migration::Assessments;
use crate::audit::{self, Event};
use crate::{Role, Store, StoreError, Tenant};

async fn pins<C: ConnectionTrait>(
    conn: &C,
    tenant: &Tenant,
    framework_id: &str,
    version: Option<&str>,
) -> Result<u64, StoreError> {
    let mut q = Query::select()
        .expr_as(Expr::col(Assessments::Id).count(), "n")
        .from(Assessments::Table)
        .and_where(Expr::col(Assessments::OrgId).eq(tenant.org_id()))
        .and_where(Expr::col(Assessments::FrameworkId).eq(framework_id))
        .to_owned();
    if let Some(v) = version {
        q.and_where(Expr::col(Assessments::FrameworkVersion).eq(v));
    }
    let n: i64 = match conn.query_one(&q).await? {
        Some(r) => r.try_get("", "n")?,
        None => 0,
    };
    Ok(n as u64)
}

/// Marks the catalog changed, audits the deletion (`(action, object type, object id)`) and commits.
async fn finish_delete(
    txn: DatabaseTransaction,
    tenant: &Tenant,
    (action, object_type, object_id): (&str, &str, &str),
    detail: serde_json::Value,
) -> Result<(), StoreError> {
    bump_generation(&txn).await?;
    let event =
        Event { tenant_id: Some(tenant.org_id()), actor: tenant.actor(), action, object_type, object_id, detail };
    audit::append(&txn, event).await?;
    txn.commit().await?;
    Ok(())
}

impl Store {
    /// How many of the tenant's assessments are pinned to a framework (to one version of it when
    /// `version` is given). Such a framework cannot be deleted.
    pub async fn catalog_pins(
        &self,
        tenant: &Tenant,
        framework_id: &str,
        version: Option<&str>,
    ) -> Result<u64, StoreError> {
        pins(self.conn(), tenant, framework_id, version).await
    }

    /// Deletes versions of a tenant-private framework (all of them when `version` is `None`).
    /// Built-in and other global frameworks are never deleted this way (`Forbidden`), and neither
    /// is a version an assessment of the organization is pinned to (`Conflict`).
    pub async fn delete_tenant_framework(
        &self,
        tenant: &Tenant,
        framework_id: &str,
        version: Option<&str>,
    ) -> Result<u64, StoreError> {
        tenant.require(Role::Admin)?;
        let txn = self.conn().begin().await?;
        if global_framework_exists(&txn, framework_id).await? {
            txn.rollback().await?;
            return Err(StoreError::Forbidden("built-in and global frameworks cannot be deleted"));
        }
        let pinned = pins(&txn, tenant, framework_id, version).await?;
        if pinned > 0 {
            txn.rollback().await?;
            return Err(StoreError::Conflict(format!(
                "{pinned} assessment(s) of your organization are pinned to this framework; it cannot be deleted while they exist"
            )));
        }
        let mut q = Query::delete()
            .from_table(Fw::Table)
            .and_where(Expr::col(Fw::FrameworkId).eq(framework_id))
            .and_where(Expr::col(Fw::OwnerKey).eq(tenant.org_id()))
            .to_owned();
        if let Some(v) = version {
            q.and_where(Expr::col(Fw::Version).eq(v));
        }
        let n = txn.execute(&q).await?.rows_affected();
        if n == 0 {
            txn.rollback().await?;
            return Err(StoreError::NotFound);
        }
        let detail = serde_json::json!({"version": version, "deleted": n});
        finish_delete(txn, tenant, ("catalog.delete", "framework", framework_id), detail).await?;
        Ok(n)
    }

    /// Deletes a crosswalk private to the tenant's organization. Built-in and global crosswalks
    /// are never deleted this way. (Assessments pin framework versions, not crosswalks.)
    pub async fn delete_tenant_crosswalk(&self, tenant: &Tenant, crosswalk_id: &str) -> Result<(), StoreError> {
        tenant.require(Role::Admin)?;
        let txn = self.conn().begin().await?;
        if crosswalk_hash(&txn, crosswalk_id, "").await?.is_some() {
            txn.rollback().await?;
            return Err(StoreError::Forbidden("built-in and global crosswalks cannot be deleted"));
        }
        let q = Query::delete()
            .from_table(Xw::Table)
            .and_where(Expr::col(Xw::CrosswalkId).eq(crosswalk_id))
            .and_where(Expr::col(Xw::OwnerKey).eq(tenant.org_id()))
            .to_owned();
        if txn.execute(&q).await?.rows_affected() == 0 {
            txn.rollback().await?;
            return Err(StoreError::NotFound);
        }
        let what = ("catalog.delete_crosswalk", "crosswalk", crosswalk_id);
        finish_delete(txn, tenant, what, serde_json::json!({})).await
    }
}
