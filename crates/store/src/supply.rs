//! Buyer → supplier links and the tiered supplier view from one buyer's point of view.

use sea_orm::sea_query::Query;
use sea_orm::{ConnectionTrait, TransactionTrait};
use serde::Serialize;

use crate::accounts::{OrgInfo, org_by};
use crate::audit::{self, Event};
use crate::schema::{Orgs, SupplyLinks};
use crate::{Role, Store, StoreError, Tenant, new_id, now_ms};

/// The deepest tier the supplier view walks.
pub const MAX_TIER: u8 = 3;

/// One supplier as seen by a buyer.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct SupplierRow {
    pub org: OrgInfo,
    pub tier: u8,
    /// The organization this supplier supplies (the buyer itself for tier 1).
    pub via: String,
    pub supplied: String,
    pub criticality: String,
}

pub(crate) fn check_criticality(c: &str) -> Result<&str, StoreError> {
    match c {
        "low" | "medium" | "high" | "critical" => Ok(c),
        _ => Err(StoreError::invalid("criticality", "must be low, medium, high or critical")),
    }
}

pub(crate) async fn insert_link<C: ConnectionTrait>(
    conn: &C,
    buyer: &str,
    supplier: &str,
    supplied: &str,
    criticality: &str,
) -> Result<String, StoreError> {
    if buyer == supplier {
        return Err(StoreError::invalid("supplier", "an organization cannot supply itself"));
    }
    let supplied = supplied.trim();
    if supplied.is_empty() || supplied.chars().count() > 200 {
        return Err(StoreError::invalid("supplied", "describe what is supplied in 1–200 characters"));
    }
    let id = new_id();
    let q = Query::insert()
        .into_table(SupplyLinks::Table)
        .columns([
            SupplyLinks::Id,
            SupplyLinks::BuyerOrgId,
            SupplyLinks::SupplierOrgId,
            SupplyLinks::Supplied,
            SupplyLinks::Criticality,
            SupplyLinks::CreatedAt,
        ])
        .values_panic([
            id.clone().into(),
            buyer.into(),
            supplier.into(),
            supplied.into(),
            check_criticality(criticality)?.into(),
            now_ms().into(),
        ])
        .to_owned();
    conn.execute(&q).await.map_err(|e| StoreError::from_insert(e, "this supply relationship"))?;
    Ok(id)
}

impl Store {
    /// Records that the tenant buys from the organization with `supplier_slug`.
    pub async fn add_supplier(
        &self,
        tenant: &Tenant,
        supplier_slug: &str,
        supplied: &str,
        criticality: &str,
    ) -> Result<String, StoreError> {
        tenant.require(Role::Admin)?;
        let txn = self.conn().begin().await?;
        let supplier = org_by(&txn, Orgs::Slug, supplier_slug).await?;
        let id = insert_link(&txn, tenant.org_id(), &supplier.id, supplied, criticality).await?;
        audit::append(
            &txn,
            Event {
                tenant_id: Some(tenant.org_id()),
                actor: tenant.actor(),
                action: "supply.link",
                object_type: "supply_link",
                object_id: &id,
                detail: serde_json::json!({"supplier": supplier.slug, "criticality": criticality}),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(id)
    }

    /// The tenant's suppliers down to tier 3, each at its shortest tier. Deeper tiers are
    /// listed only through suppliers that consented to disclose their own suppliers
    /// (`chain_settings.disclose_suppliers`); the rest stays hidden (aggregates are on the
    /// supply dashboard). Batched queries per tier.
    pub async fn suppliers(&self, tenant: &Tenant) -> Result<Vec<SupplierRow>, StoreError> {
        let rows =
            crate::chain::dashboard::visible_suppliers(self.conn(), tenant.org_id(), u32::from(MAX_TIER)).await?;
        let mut out: Vec<SupplierRow> = rows
            .into_iter()
            .map(|(org, tier, via, supplied, crit)| SupplierRow {
                org,
                tier: u8::try_from(tier).unwrap_or(MAX_TIER),
                via: via.name,
                supplied,
                criticality: crit.as_str().to_string(),
            })
            .collect();
        out.sort_by(|a, b| a.tier.cmp(&b.tier).then_with(|| a.org.name.cmp(&b.org.name)));
        Ok(out)
    }

    /// The administrative path: a tenant for an organization by slug, for local CLI work.
    /// The operator already controls the database, so this grants owner rights and is
    /// recorded as a CLI actor in the audit log.
    pub async fn admin_tenant(&self, org_slug: &str, path: crate::AdminPath) -> Result<Tenant, StoreError> {
        let org = org_by(self.conn(), Orgs::Slug, org_slug).await?;
        let crate::AdminPath::Cli { operator } = path;
        Ok(Tenant::new(org.id, Role::Owner, crate::Actor::Cli(operator)))
    }

    /// Creates a user as a member of the organization `org_slug` (created if missing), in one
    /// transaction; the CLI's `admin create-user`.
    pub async fn admin_create_member(
        &self,
        new: crate::NewUser,
        org_slug: &str,
        role: Role,
        platform_admin: bool,
        path: crate::AdminPath,
    ) -> Result<crate::UserInfo, StoreError> {
        let new = new.validate()?;
        let slug = crate::accounts::check_slug(org_slug)?;
        let hash = crate::secrets::hash_password(new.password.clone()).await?;
        let crate::AdminPath::Cli { operator } = path;
        let actor = crate::Actor::Cli(operator);
        let txn = self.conn().begin().await?;
        let org = match org_by(&txn, Orgs::Slug, &slug).await {
            Ok(o) => o,
            Err(StoreError::NotFound) => {
                crate::accounts::insert_org(
                    &txn,
                    &crate::accounts::NewOrg {
                        name: &slug,
                        name_ja: None,
                        slug: Some(&slug),
                        kind: "company",
                        sector: None,
                    },
                )
                .await?
            }
            Err(e) => return Err(e),
        };
        let user = crate::accounts::insert_user(&txn, &new, &hash, platform_admin).await?;
        crate::accounts::insert_membership(&txn, &org.id, &user.id, role).await?;
        audit::append(&txn, Event {
            tenant_id: Some(&org.id),
            actor: &actor,
            action: "user.create",
            object_type: "user",
            object_id: &user.id,
            detail: serde_json::json!({"email": user.email, "role": role.as_str(), "platform_admin": platform_admin}),
        })
        .await?;
        txn.commit().await?;
        Ok(user)
    }

    /// An organization by slug, for CLI commands that name one.
    pub async fn org_by_slug(&self, slug: &str) -> Result<OrgInfo, StoreError> {
        org_by(self.conn(), Orgs::Slug, slug).await
    }
}
