//! Requests for a level or profile with a deadline, and invitations of suppliers that
//! have no account yet (accepting one creates the supplier organization, or links an
//! existing one, and then the relationship and the request).

use mamori_chain::Level;
use sea_orm::sea_query::{Expr, ExprTrait, Order, Query};
use sea_orm::{ConnectionTrait, TransactionTrait};
use serde::Serialize;

use super::links::{LinkInput, insert_full_link, owned_link};
use super::schema::{ChainCol, ChainInvitations, ChainRequests};
use super::{impact_str, level_str, parse_impact, parse_level};
use crate::accounts::{
    NewOrg, OrgInfo, insert_membership, insert_org, insert_user, member_role_opt, normalize_email, org_by,
};
use crate::audit::{self, Event};
use crate::schema::Orgs;
use crate::secrets::{random_token, token_hash};
use crate::{Actor, NewUser, Role, Store, StoreError, Tenant, UserInfo, new_id, now_ms};

const INVITATION_TTL_MS: i64 = 14 * 24 * 3600 * 1000;

/// What a buyer asks a supplier for.
#[derive(Clone, Debug)]
pub struct RequestInput {
    /// The SCS level, if a level is requested.
    pub level: Option<Level>,
    /// A named profile (e.g. an industry profile), if one is requested.
    pub profile: Option<String>,
    /// Deadline, milliseconds since the epoch.
    pub deadline: i64,
}

impl RequestInput {
    fn check(&self) -> Result<(Option<&'static str>, Option<String>), StoreError> {
        let profile = self.profile.as_deref().map(str::trim).filter(|p| !p.is_empty()).map(str::to_string);
        if self.level.is_none() && profile.is_none() {
            return Err(StoreError::invalid("level", "request a level or a profile"));
        }
        if profile.as_ref().is_some_and(|p| p.chars().count() > 120) {
            return Err(StoreError::invalid("profile", "must be at most 120 characters"));
        }
        if self.deadline <= 0 {
            return Err(StoreError::invalid("deadline", "must be a date"));
        }
        Ok((self.level.map(level_str), profile))
    }
}

/// A request as the supplier sees it.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct IncomingRequest {
    pub id: String,
    pub buyer: OrgInfo,
    pub level: Option<Level>,
    pub profile: Option<String>,
    pub deadline: i64,
    pub state: String,
    pub created_at: i64,
}

/// An open supplier invitation as the buyer sees it.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct SupplierInvitationInfo {
    pub id: String,
    pub email: String,
    pub supplier_name: String,
    pub expires_at: i64,
    pub accepted: bool,
}

/// An invitation as the invitee sees it on the acceptance page.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct SupplierInvitation {
    pub id: String,
    pub buyer: OrgInfo,
    pub email: String,
    pub supplier_name: String,
    pub supplied: String,
    pub level: Option<Level>,
    pub profile: Option<String>,
    pub deadline: i64,
}

pub(crate) async fn insert_request<C: ConnectionTrait>(
    conn: &C,
    buyer: &str,
    supplier: &str,
    r: &RequestInput,
    by: &str,
) -> Result<String, StoreError> {
    let (level, profile) = r.check()?;
    // A new request supersedes the open ones to the same supplier.
    let close = Query::update()
        .table(ChainRequests::Table)
        .value(ChainCol::State, "superseded")
        .value(ChainCol::ClosedAt, now_ms())
        .and_where(Expr::col(ChainCol::BuyerOrgId).eq(buyer))
        .and_where(Expr::col(ChainCol::SupplierOrgId).eq(supplier))
        .and_where(Expr::col(ChainCol::State).eq("open"))
        .to_owned();
    conn.execute(&close).await?;
    let id = new_id();
    let q = Query::insert()
        .into_table(ChainRequests::Table)
        .columns([
            ChainCol::Id,
            ChainCol::BuyerOrgId,
            ChainCol::SupplierOrgId,
            ChainCol::Level,
            ChainCol::Profile,
            ChainCol::Deadline,
            ChainCol::State,
            ChainCol::CreatedBy,
            ChainCol::CreatedAt,
        ])
        .values_panic([
            id.clone().into(),
            buyer.into(),
            supplier.into(),
            level.into(),
            profile.into(),
            r.deadline.into(),
            "open".into(),
            by.into(),
            now_ms().into(),
        ])
        .to_owned();
    conn.execute(&q).await?;
    Ok(id)
}

/// Closes the buyer's open requests to a supplier as fulfilled.
pub(crate) async fn fulfil_requests<C: ConnectionTrait>(
    conn: &C,
    buyer: &str,
    supplier: &str,
) -> Result<(), StoreError> {
    let q = Query::update()
        .table(ChainRequests::Table)
        .value(ChainCol::State, "fulfilled")
        .value(ChainCol::ClosedAt, now_ms())
        .and_where(Expr::col(ChainCol::BuyerOrgId).eq(buyer))
        .and_where(Expr::col(ChainCol::SupplierOrgId).eq(supplier))
        .and_where(Expr::col(ChainCol::State).eq("open"))
        .to_owned();
    conn.execute(&q).await?;
    Ok(())
}

fn opt_level(s: Option<String>) -> Option<Level> {
    s.and_then(|l| parse_level(&l).ok())
}

impl Store {
    /// Requests a level or profile from the supplier of one of the tenant's
    /// relationships (admins). Supersedes earlier open requests to that supplier.
    pub async fn request_assessment(
        &self,
        tenant: &Tenant,
        link_id: &str,
        r: &RequestInput,
    ) -> Result<String, StoreError> {
        tenant.require(Role::Admin)?;
        let txn = self.conn().begin().await?;
        let (supplier, _) = owned_link(&txn, tenant.org_id(), link_id).await?;
        let id = insert_request(&txn, tenant.org_id(), &supplier, r, &tenant.actor().audit_label()).await?;
        audit::append(&txn, Event {
            tenant_id: Some(tenant.org_id()),
            actor: tenant.actor(),
            action: "chain.request",
            object_type: "chain_request",
            object_id: &id,
            detail: serde_json::json!({"supplier": supplier, "level": r.level.map(level_str), "profile": r.profile, "deadline": r.deadline}),
        })
        .await?;
        txn.commit().await?;
        Ok(id)
    }

    /// Withdraws one of the tenant's open requests (admins).
    pub async fn cancel_request(&self, tenant: &Tenant, request_id: &str) -> Result<(), StoreError> {
        tenant.require(Role::Admin)?;
        let txn = self.conn().begin().await?;
        let q = Query::update()
            .table(ChainRequests::Table)
            .value(ChainCol::State, "cancelled")
            .value(ChainCol::ClosedAt, now_ms())
            .and_where(Expr::col(ChainCol::Id).eq(request_id))
            .and_where(Expr::col(ChainCol::BuyerOrgId).eq(tenant.org_id()))
            .and_where(Expr::col(ChainCol::State).eq("open"))
            .to_owned();
        if txn.execute(&q).await?.rows_affected() != 1 {
            return Err(StoreError::NotFound);
        }
        audit::append(
            &txn,
            Event {
                tenant_id: Some(tenant.org_id()),
                actor: tenant.actor(),
                action: "chain.request_cancel",
                object_type: "chain_request",
                object_id: request_id,
                detail: serde_json::json!({}),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }

    /// Requests addressed to the tenant by its buyers, newest first.
    pub async fn incoming_requests(&self, tenant: &Tenant) -> Result<Vec<IncomingRequest>, StoreError> {
        let q = Query::select()
            .columns([
                ChainCol::Id,
                ChainCol::BuyerOrgId,
                ChainCol::Level,
                ChainCol::Profile,
                ChainCol::Deadline,
                ChainCol::State,
                ChainCol::CreatedAt,
            ])
            .from(ChainRequests::Table)
            .and_where(Expr::col(ChainCol::SupplierOrgId).eq(tenant.org_id()))
            .order_by(ChainCol::CreatedAt, Order::Desc)
            .limit(500)
            .to_owned();
        let rows = self.conn().query_all(&q).await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let buyer: String = r.try_get("", "buyer_org_id")?;
            out.push(IncomingRequest {
                id: r.try_get("", "id")?,
                buyer: org_by(self.conn(), Orgs::Id, &buyer).await?,
                level: opt_level(r.try_get("", "level")?),
                profile: r.try_get("", "profile")?,
                deadline: r.try_get("", "deadline")?,
                state: r.try_get("", "state")?,
                created_at: r.try_get("", "created_at")?,
            });
        }
        Ok(out)
    }

    /// Invites a supplier without an account (admins). Returns the invitation and the
    /// one-time token for the link `/chain/invite/{token}`.
    pub async fn invite_supplier(
        &self,
        tenant: &Tenant,
        email: &str,
        supplier_name: &str,
        link: &LinkInput,
        request: &RequestInput,
    ) -> Result<(SupplierInvitationInfo, String), StoreError> {
        tenant.require(Role::Admin)?;
        let email = normalize_email(email)?;
        let name = supplier_name.trim();
        if name.is_empty() || name.chars().count() > 120 {
            return Err(StoreError::invalid("supplier_name", "must not be empty and at most 120 characters"));
        }
        crate::supply::check_criticality(&link.criticality)?;
        let supplied = link.supplied.trim();
        if supplied.is_empty() || supplied.chars().count() > 200 {
            return Err(StoreError::invalid("supplied", "describe what is supplied in 1–200 characters"));
        }
        let (level, profile) = request.check()?;
        let relationship = serde_json::json!({
            "supplied": supplied, "criticality": link.criticality,
            "handles_confidential_data": link.handles_confidential_data,
            "connects_to_buyer_systems": link.connects_to_buyer_systems,
            "interruption_impact": impact_str(link.interruption_impact),
        });
        let token = random_token("sup_");
        let id = new_id();
        let expires_at = now_ms() + INVITATION_TTL_MS;
        let txn = self.conn().begin().await?;
        let q = Query::insert()
            .into_table(ChainInvitations::Table)
            .columns([
                ChainCol::Id,
                ChainCol::TokenHash,
                ChainCol::BuyerOrgId,
                ChainCol::Email,
                ChainCol::SupplierName,
                ChainCol::Relationship,
                ChainCol::Level,
                ChainCol::Profile,
                ChainCol::Deadline,
                ChainCol::CreatedBy,
                ChainCol::CreatedAt,
                ChainCol::ExpiresAt,
            ])
            .values_panic([
                id.clone().into(),
                token_hash(&token).into(),
                tenant.org_id().into(),
                email.clone().into(),
                name.into(),
                relationship.to_string().into(),
                level.into(),
                profile.into(),
                request.deadline.into(),
                tenant.actor().audit_label().into(),
                now_ms().into(),
                expires_at.into(),
            ])
            .to_owned();
        txn.execute(&q).await?;
        audit::append(
            &txn,
            Event {
                tenant_id: Some(tenant.org_id()),
                actor: tenant.actor(),
                action: "chain.invite",
                object_type: "chain_invitation",
                object_id: &id,
                detail: serde_json::json!({"email": email, "supplier_name": name}),
            },
        )
        .await?;
        txn.commit().await?;
        Ok((SupplierInvitationInfo { id, email, supplier_name: name.to_string(), expires_at, accepted: false }, token))
    }

    /// The tenant's supplier invitations, newest first (admins).
    pub async fn supplier_invitations(&self, tenant: &Tenant) -> Result<Vec<SupplierInvitationInfo>, StoreError> {
        tenant.require(Role::Admin)?;
        let q = Query::select()
            .columns([ChainCol::Id, ChainCol::Email, ChainCol::SupplierName, ChainCol::ExpiresAt, ChainCol::AcceptedAt])
            .from(ChainInvitations::Table)
            .and_where(Expr::col(ChainCol::BuyerOrgId).eq(tenant.org_id()))
            .order_by(ChainCol::CreatedAt, Order::Desc)
            .limit(200)
            .to_owned();
        self.conn()
            .query_all(&q)
            .await?
            .iter()
            .map(|r| {
                Ok(SupplierInvitationInfo {
                    id: r.try_get("", "id")?,
                    email: r.try_get("", "email")?,
                    supplier_name: r.try_get("", "supplier_name")?,
                    expires_at: r.try_get("", "expires_at")?,
                    accepted: r.try_get::<Option<i64>>("", "accepted_at")?.is_some(),
                })
            })
            .collect()
    }

    /// An open supplier invitation by its token.
    pub async fn supplier_invitation(&self, token: &str) -> Result<SupplierInvitation, StoreError> {
        let q = Query::select()
            .columns([
                ChainCol::Id,
                ChainCol::BuyerOrgId,
                ChainCol::Email,
                ChainCol::SupplierName,
                ChainCol::Relationship,
                ChainCol::Level,
                ChainCol::Profile,
                ChainCol::Deadline,
                ChainCol::ExpiresAt,
                ChainCol::AcceptedAt,
            ])
            .from(ChainInvitations::Table)
            .and_where(Expr::col(ChainCol::TokenHash).eq(token_hash(token)))
            .to_owned();
        let r = self.conn().query_one(&q).await?.ok_or(StoreError::NotFound)?;
        let expires: i64 = r.try_get("", "expires_at")?;
        if r.try_get::<Option<i64>>("", "accepted_at")?.is_some() || expires < now_ms() {
            return Err(StoreError::NotFound);
        }
        let rel: String = r.try_get("", "relationship")?;
        let rel: serde_json::Value = serde_json::from_str(&rel).map_err(|e| StoreError::Internal(e.to_string()))?;
        let buyer: String = r.try_get("", "buyer_org_id")?;
        Ok(SupplierInvitation {
            id: r.try_get("", "id")?,
            buyer: org_by(self.conn(), Orgs::Id, &buyer).await?,
            email: r.try_get("", "email")?,
            supplier_name: r.try_get("", "supplier_name")?,
            supplied: rel["supplied"].as_str().unwrap_or_default().to_string(),
            level: opt_level(r.try_get("", "level")?),
            profile: r.try_get("", "profile")?,
            deadline: r.try_get("", "deadline")?,
        })
    }

    /// Accepts a supplier invitation. With `existing_org` (an organization the signed-in
    /// user administers) the relationship links that organization; otherwise a new
    /// organization named `org_name` is created and owned by the user. A new account is
    /// created when `existing` is `None`; its e-mail is the invited one.
    pub async fn accept_supplier_invitation(
        &self,
        token: &str,
        existing: Option<&UserInfo>,
        new_user: Option<NewUser>,
        existing_org: Option<&str>,
        org_name: &str,
    ) -> Result<(UserInfo, OrgInfo), StoreError> {
        let inv = self.supplier_invitation(token).await?;
        let hashed = crate::accounts::invitee_account(&inv.email, existing, new_user).await?;
        let q = Query::select()
            .columns([ChainCol::Relationship])
            .from(ChainInvitations::Table)
            .and_where(Expr::col(ChainCol::Id).eq(inv.id.clone()))
            .to_owned();
        let rel: String = self.conn().query_one(&q).await?.ok_or(StoreError::NotFound)?.try_get("", "relationship")?;
        let rel: serde_json::Value = serde_json::from_str(&rel).map_err(|e| StoreError::Internal(e.to_string()))?;
        let link = LinkInput {
            supplied: rel["supplied"].as_str().unwrap_or_default().to_string(),
            criticality: rel["criticality"].as_str().unwrap_or("medium").to_string(),
            handles_confidential_data: rel["handles_confidential_data"].as_bool().unwrap_or(false),
            connects_to_buyer_systems: rel["connects_to_buyer_systems"].as_bool().unwrap_or(false),
            interruption_impact: parse_impact(rel["interruption_impact"].as_str().unwrap_or("tolerable"))?,
        };
        let txn = self.conn().begin().await?;
        let user = match (existing, hashed) {
            (Some(u), _) => u.clone(),
            (None, Some((n, hash))) => insert_user(&txn, &n, &hash, false).await?,
            (None, None) => return Err(StoreError::Internal("unreachable invitation state".into())),
        };
        let org = match existing_org {
            Some(org_id) => {
                let role = member_role_opt(&txn, org_id, &user.id).await?;
                if !role.is_some_and(|r| r.at_least(Role::Admin)) {
                    return Err(StoreError::Forbidden("you must administer the organization you link"));
                }
                org_by(&txn, Orgs::Id, org_id).await?
            }
            None => {
                let name = if org_name.trim().is_empty() { inv.supplier_name.as_str() } else { org_name };
                let org = insert_org(&txn, &NewOrg { name, name_ja: None, slug: None, kind: "company", sector: None })
                    .await?;
                insert_membership(&txn, &org.id, &user.id, Role::Owner).await?;
                org
            }
        };
        let mark = Query::update()
            .table(ChainInvitations::Table)
            .value(ChainCol::AcceptedAt, now_ms())
            .value(ChainCol::SupplierOrgId, org.id.clone())
            .and_where(Expr::col(ChainCol::Id).eq(inv.id.clone()))
            .and_where(Expr::col(ChainCol::AcceptedAt).is_null())
            .to_owned();
        if txn.execute(&mark).await?.rows_affected() != 1 {
            return Err(StoreError::NotFound);
        }
        let link_id = insert_full_link(&txn, &inv.buyer.id, &org.id, &link).await?;
        let request = RequestInput { level: inv.level, profile: inv.profile.clone(), deadline: inv.deadline };
        insert_request(&txn, &inv.buyer.id, &org.id, &request, &format!("invitation:{}", inv.id)).await?;
        let actor = Actor::User { id: user.id.clone(), email: user.email.clone() };
        for tenant_id in [&inv.buyer.id, &org.id] {
            audit::append(
                &txn,
                Event {
                    tenant_id: Some(tenant_id),
                    actor: &actor,
                    action: "chain.invite_accept",
                    object_type: "supply_link",
                    object_id: &link_id,
                    detail: serde_json::json!({"invitation": inv.id, "supplier": org.slug}),
                },
            )
            .await?;
        }
        txn.commit().await?;
        Ok((user, org))
    }
}
