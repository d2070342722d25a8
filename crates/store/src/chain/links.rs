//! Relationship attributes (what is supplied, criticality, the three questions), the
//! buyer's level override with its recorded reason, and each organization's consent and
//! registry settings.

use mamori_chain::Level;
use mamori_chain::advice::{InterruptionImpact, OverrideReason};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Query};
use sea_orm::{ConnectionTrait, TransactionTrait};
use serde::Serialize;

use super::schema::{ChainCol, ChainSettings, LinkCol};
use super::{impact_str, level_str, parse_impact};
use crate::accounts::org_by;
use crate::audit::{self, Event};
use crate::schema::{Orgs, SupplyLinks};
use crate::supply::insert_link;
use crate::{Role, Store, StoreError, Tenant, now_ms};

/// A new or changed buyer → supplier relationship.
#[derive(Clone, Debug)]
pub struct LinkInput {
    pub supplied: String,
    pub criticality: String,
    pub handles_confidential_data: bool,
    pub connects_to_buyer_systems: bool,
    pub interruption_impact: InterruptionImpact,
}

/// The buyer's override of the recommended level.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct OverrideInfo {
    pub level: Level,
    pub reason: String,
    pub decided_by: String,
    pub decided_at: i64,
}

/// Consent and registry settings of one organization.
#[derive(Clone, Debug, Serialize, PartialEq, Default)]
pub struct ChainSettingsInfo {
    /// "Disclose my suppliers to my buyers."
    pub disclose_suppliers: bool,
    /// "List my valid attestations in the public registry."
    pub registry_listed: bool,
}

/// Writes the attribute columns of one link (inside the caller's transaction).
pub(crate) async fn set_attributes<C: ConnectionTrait>(
    conn: &C,
    link_id: &str,
    a: &LinkInput,
) -> Result<(), StoreError> {
    let q = Query::update()
        .table(SupplyLinks::Table)
        .value(LinkCol::HandlesConfidentialData, a.handles_confidential_data)
        .value(LinkCol::ConnectsToBuyerSystems, a.connects_to_buyer_systems)
        .value(LinkCol::InterruptionImpact, impact_str(a.interruption_impact))
        .and_where(Expr::col(SupplyLinks::Id).eq(link_id))
        .to_owned();
    conn.execute(&q).await?;
    Ok(())
}

/// Inserts a link with all attributes; returns its id.
pub(crate) async fn insert_full_link<C: ConnectionTrait>(
    conn: &C,
    buyer: &str,
    supplier: &str,
    a: &LinkInput,
) -> Result<String, StoreError> {
    let id = insert_link(conn, buyer, supplier, &a.supplied, &a.criticality).await?;
    set_attributes(conn, &id, a).await?;
    Ok(id)
}

/// The link owned by `buyer` with id `link_id`, as (supplier id, criticality).
pub(crate) async fn owned_link<C: ConnectionTrait>(
    conn: &C,
    buyer: &str,
    link_id: &str,
) -> Result<(String, String), StoreError> {
    let q = Query::select()
        .columns([SupplyLinks::SupplierOrgId, SupplyLinks::Criticality])
        .from(SupplyLinks::Table)
        .and_where(Expr::col(SupplyLinks::Id).eq(link_id))
        .and_where(Expr::col(SupplyLinks::BuyerOrgId).eq(buyer))
        .to_owned();
    let row = conn.query_one(&q).await?.ok_or(StoreError::NotFound)?;
    Ok((row.try_get("", "supplier_org_id")?, row.try_get("", "criticality")?))
}

pub(crate) async fn settings_of<C: ConnectionTrait>(conn: &C, org_id: &str) -> Result<ChainSettingsInfo, StoreError> {
    let q = Query::select()
        .columns([ChainCol::DiscloseSuppliers, ChainCol::RegistryListed])
        .from(ChainSettings::Table)
        .and_where(Expr::col(ChainCol::OrgId).eq(org_id))
        .to_owned();
    Ok(match conn.query_one(&q).await? {
        Some(r) => ChainSettingsInfo {
            disclose_suppliers: r.try_get("", "disclose_suppliers")?,
            registry_listed: r.try_get("", "registry_listed")?,
        },
        None => ChainSettingsInfo::default(),
    })
}

pub(crate) async fn upsert_settings<C: ConnectionTrait>(
    conn: &C,
    org_id: &str,
    s: &ChainSettingsInfo,
) -> Result<(), StoreError> {
    let q = Query::insert()
        .into_table(ChainSettings::Table)
        .columns([ChainCol::OrgId, ChainCol::DiscloseSuppliers, ChainCol::RegistryListed, ChainCol::UpdatedAt])
        .values_panic([org_id.into(), s.disclose_suppliers.into(), s.registry_listed.into(), now_ms().into()])
        .on_conflict(
            OnConflict::column(ChainCol::OrgId)
                .update_columns([ChainCol::DiscloseSuppliers, ChainCol::RegistryListed, ChainCol::UpdatedAt])
                .to_owned(),
        )
        .to_owned();
    conn.execute(&q).await?;
    Ok(())
}

impl Store {
    /// Records that the tenant buys from `supplier_slug`, with every relationship
    /// attribute (admins). Suppliers use the same call to declare their own suppliers.
    pub async fn add_relationship(
        &self,
        tenant: &Tenant,
        supplier_slug: &str,
        a: &LinkInput,
    ) -> Result<String, StoreError> {
        tenant.require(Role::Admin)?;
        let txn = self.conn().begin().await?;
        let supplier = org_by(&txn, Orgs::Slug, supplier_slug.trim()).await?;
        let id = insert_full_link(&txn, tenant.org_id(), &supplier.id, a).await?;
        audit::append(
            &txn,
            Event {
                tenant_id: Some(tenant.org_id()),
                actor: tenant.actor(),
                action: "supply.link",
                object_type: "supply_link",
                object_id: &id,
                detail: serde_json::json!({
                    "supplier": supplier.slug, "criticality": a.criticality,
                    "handles_confidential_data": a.handles_confidential_data,
                    "connects_to_buyer_systems": a.connects_to_buyer_systems,
                    "interruption_impact": impact_str(a.interruption_impact),
                }),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(id)
    }

    /// Changes the attributes of one of the tenant's relationships (admins).
    pub async fn update_relationship(&self, tenant: &Tenant, link_id: &str, a: &LinkInput) -> Result<(), StoreError> {
        tenant.require(Role::Admin)?;
        let supplied = a.supplied.trim();
        if supplied.is_empty() || supplied.chars().count() > 200 {
            return Err(StoreError::invalid("supplied", "describe what is supplied in 1–200 characters"));
        }
        let crit = crate::supply::check_criticality(&a.criticality)?.to_string();
        let txn = self.conn().begin().await?;
        owned_link(&txn, tenant.org_id(), link_id).await?;
        let q = Query::update()
            .table(SupplyLinks::Table)
            .value(SupplyLinks::Supplied, supplied)
            .value(SupplyLinks::Criticality, crit.clone())
            .and_where(Expr::col(SupplyLinks::Id).eq(link_id))
            .to_owned();
        txn.execute(&q).await?;
        set_attributes(&txn, link_id, a).await?;
        audit::append(
            &txn,
            Event {
                tenant_id: Some(tenant.org_id()),
                actor: tenant.actor(),
                action: "supply.update",
                object_type: "supply_link",
                object_id: link_id,
                detail: serde_json::json!({
                    "criticality": crit,
                    "handles_confidential_data": a.handles_confidential_data,
                    "connects_to_buyer_systems": a.connects_to_buyer_systems,
                    "interruption_impact": impact_str(a.interruption_impact),
                }),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }

    /// Overrides the recommended level of a relationship with a required reason, or
    /// clears the override (`level = None`; a reason is still recorded). Audited.
    pub async fn set_level_override(
        &self,
        tenant: &Tenant,
        link_id: &str,
        level: Option<Level>,
        reason: &str,
    ) -> Result<(), StoreError> {
        tenant.require(Role::Admin)?;
        let reason = OverrideReason::new(reason).map_err(|e| StoreError::invalid("reason", e.to_string()))?;
        let txn = self.conn().begin().await?;
        owned_link(&txn, tenant.org_id(), link_id).await?;
        let who = tenant.actor().audit_label();
        let mut q = Query::update();
        q.table(SupplyLinks::Table).and_where(Expr::col(SupplyLinks::Id).eq(link_id));
        match level {
            Some(l) => {
                q.value(LinkCol::OverrideLevel, level_str(l))
                    .value(LinkCol::OverrideReason, reason.as_str())
                    .value(LinkCol::OverrideBy, who.clone())
                    .value(LinkCol::OverrideAt, now_ms());
            }
            None => {
                q.value(LinkCol::OverrideLevel, Option::<String>::None)
                    .value(LinkCol::OverrideReason, Option::<String>::None)
                    .value(LinkCol::OverrideBy, Option::<String>::None)
                    .value(LinkCol::OverrideAt, Option::<i64>::None);
            }
        }
        txn.execute(&q).await?;
        audit::append(
            &txn,
            Event {
                tenant_id: Some(tenant.org_id()),
                actor: tenant.actor(),
                action: if level.is_some() { "supply.override" } else { "supply.override_clear" },
                object_type: "supply_link",
                object_id: link_id,
                detail: serde_json::json!({"level": level.map(level_str), "reason": reason.as_str()}),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }

    /// The tenant's consent and registry settings.
    pub async fn chain_settings(&self, tenant: &Tenant) -> Result<ChainSettingsInfo, StoreError> {
        settings_of(self.conn(), tenant.org_id()).await
    }

    /// Changes the consent and registry settings (admins). Audited.
    pub async fn set_chain_settings(&self, tenant: &Tenant, s: &ChainSettingsInfo) -> Result<(), StoreError> {
        tenant.require(Role::Admin)?;
        let txn = self.conn().begin().await?;
        upsert_settings(&txn, tenant.org_id(), s).await?;
        audit::append(&txn, Event {
            tenant_id: Some(tenant.org_id()),
            actor: tenant.actor(),
            action: "chain.settings",
            object_type: "org",
            object_id: tenant.org_id(),
            detail: serde_json::json!({"disclose_suppliers": s.disclose_suppliers, "registry_listed": s.registry_listed}),
        })
        .await?;
        txn.commit().await?;
        Ok(())
    }
}

/// Validates the interruption impact text of a form.
pub fn impact_from_form(s: &str) -> Result<InterruptionImpact, StoreError> {
    parse_impact(s)
}
