//! API tokens: random bearer secrets stored as SHA-256, scoped to one organization and role.

use sea_orm::sea_query::{Expr, ExprTrait, Order, Query};
use sea_orm::{ConnectionTrait, QueryResult, TransactionTrait};
use serde::Serialize;

use crate::accounts::member_role_opt;
use crate::audit::{self, Event};
use crate::schema::ApiTokens;
use crate::secrets::{random_token, token_hash};
use crate::{Actor, Role, Store, StoreError, Tenant, new_id, now_ms};

/// Public facts about a token; the secret itself is shown only once, at creation.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ApiTokenInfo {
    pub id: String,
    pub name: String,
    pub role: Role,
    pub prefix: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub expires_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

/// A request for a new token.
#[derive(Clone, Debug)]
pub struct NewApiToken {
    pub name: String,
    pub role: Role,
    pub expires_in_days: Option<u32>,
}

fn info_from_row(r: &QueryResult) -> Result<ApiTokenInfo, StoreError> {
    let role: String = r.try_get("", "role")?;
    Ok(ApiTokenInfo {
        id: r.try_get("", "id")?,
        name: r.try_get("", "name")?,
        role: role.parse().map_err(StoreError::Internal)?,
        prefix: r.try_get("", "prefix")?,
        created_at: r.try_get("", "created_at")?,
        last_used_at: r.try_get("", "last_used_at")?,
        expires_at: r.try_get("", "expires_at")?,
        revoked_at: r.try_get("", "revoked_at")?,
    })
}

const INFO_COLS: [ApiTokens; 8] = [
    ApiTokens::Id,
    ApiTokens::Name,
    ApiTokens::Role,
    ApiTokens::Prefix,
    ApiTokens::CreatedAt,
    ApiTokens::LastUsedAt,
    ApiTokens::ExpiresAt,
    ApiTokens::RevokedAt,
];

impl Store {
    /// Creates a token for the tenant's organization with at most the caller's role.
    pub async fn create_api_token(
        &self,
        tenant: &Tenant,
        req: NewApiToken,
    ) -> Result<(ApiTokenInfo, String), StoreError> {
        tenant.require(Role::Viewer)?;
        let Some(user_id) = tenant.actor().user_id().map(str::to_string) else {
            return Err(StoreError::Forbidden("tokens belong to a user"));
        };
        let name = req.name.trim().to_string();
        if name.is_empty() || name.chars().count() > 80 || name.chars().any(char::is_control) {
            return Err(StoreError::invalid("name", "give the token a name of 1–80 characters"));
        }
        if req.role > tenant.role() {
            return Err(StoreError::invalid("role", "a token cannot have a role above your own"));
        }
        if matches!(req.expires_in_days, Some(0) | Some(3651..)) {
            return Err(StoreError::invalid("expires_in_days", "must be between 1 and 3650"));
        }
        let secret = random_token("mmr_");
        let prefix: String = secret.chars().take(10).collect();
        let now = now_ms();
        let expires_at = req.expires_in_days.map(|d| now + i64::from(d) * 86_400_000);
        let id = new_id();
        let txn = self.conn().begin().await?;
        let q = Query::insert()
            .into_table(ApiTokens::Table)
            .columns([
                ApiTokens::Id,
                ApiTokens::OrgId,
                ApiTokens::UserId,
                ApiTokens::Name,
                ApiTokens::Role,
                ApiTokens::TokenHash,
                ApiTokens::Prefix,
                ApiTokens::CreatedAt,
                ApiTokens::ExpiresAt,
            ])
            .values_panic([
                id.clone().into(),
                tenant.org_id().into(),
                user_id.into(),
                name.clone().into(),
                req.role.as_str().into(),
                token_hash(&secret).into(),
                prefix.clone().into(),
                now.into(),
                expires_at.into(),
            ])
            .to_owned();
        txn.execute(&q).await?;
        audit::append(
            &txn,
            Event {
                tenant_id: Some(tenant.org_id()),
                actor: tenant.actor(),
                action: "token.create",
                object_type: "api_token",
                object_id: &id,
                detail: serde_json::json!({"name": name, "role": req.role.as_str()}),
            },
        )
        .await?;
        txn.commit().await?;
        let info = ApiTokenInfo {
            id,
            name,
            role: req.role,
            prefix,
            created_at: now,
            last_used_at: None,
            expires_at,
            revoked_at: None,
        };
        Ok((info, secret))
    }

    /// The tenant's tokens, newest first. Viewers and assessors see only their own.
    pub async fn api_tokens(&self, tenant: &Tenant) -> Result<Vec<ApiTokenInfo>, StoreError> {
        let mut q = Query::select();
        q.columns(INFO_COLS).from(ApiTokens::Table).and_where(Expr::col(ApiTokens::OrgId).eq(tenant.org_id()));
        if !tenant.role().at_least(Role::Admin) {
            q.and_where(Expr::col(ApiTokens::UserId).eq(tenant.actor().user_id().unwrap_or("")));
        }
        q.order_by(ApiTokens::CreatedAt, Order::Desc).limit(500);
        let rows = self.conn().query_all(&q).await?;
        rows.iter().map(info_from_row).collect()
    }

    /// Revokes a token of the tenant's organization (admins: any; others: their own).
    pub async fn revoke_api_token(&self, tenant: &Tenant, token_id: &str) -> Result<(), StoreError> {
        let token_id = crate::lookup_key(token_id)?;
        let txn = self.conn().begin().await?;
        let mut q = Query::update();
        q.table(ApiTokens::Table)
            .value(ApiTokens::RevokedAt, now_ms())
            .and_where(Expr::col(ApiTokens::Id).eq(token_id))
            .and_where(Expr::col(ApiTokens::OrgId).eq(tenant.org_id()))
            .and_where(Expr::col(ApiTokens::RevokedAt).is_null());
        if !tenant.role().at_least(Role::Admin) {
            q.and_where(Expr::col(ApiTokens::UserId).eq(tenant.actor().user_id().unwrap_or("")));
        }
        if txn.execute(&q).await?.rows_affected() != 1 {
            return Err(StoreError::NotFound);
        }
        audit::append(
            &txn,
            Event {
                tenant_id: Some(tenant.org_id()),
                actor: tenant.actor(),
                action: "token.revoke",
                object_type: "api_token",
                object_id: token_id,
                detail: serde_json::json!({}),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }

    /// Authenticates a bearer token. The role is capped by the owner's current membership,
    /// so removing or demoting a member also limits their tokens.
    pub async fn tenant_for_token(&self, secret: &str) -> Result<Option<Tenant>, StoreError> {
        if !secret.starts_with("mmr_") || secret.len() > 128 {
            return Ok(None);
        }
        let hash = token_hash(secret);
        let q = Query::select()
            .columns([
                ApiTokens::Id,
                ApiTokens::OrgId,
                ApiTokens::UserId,
                ApiTokens::Role,
                ApiTokens::ExpiresAt,
                ApiTokens::RevokedAt,
                ApiTokens::LastUsedAt,
            ])
            .from(ApiTokens::Table)
            .and_where(Expr::col(ApiTokens::TokenHash).eq(hash))
            .to_owned();
        let Some(row) = self.conn().query_one(&q).await? else { return Ok(None) };
        let revoked: Option<i64> = row.try_get("", "revoked_at")?;
        let expires: Option<i64> = row.try_get("", "expires_at")?;
        let now = now_ms();
        if revoked.is_some() || expires.is_some_and(|e| e < now) {
            return Ok(None);
        }
        let id: String = row.try_get("", "id")?;
        let org_id: String = row.try_get("", "org_id")?;
        let user_id: String = row.try_get("", "user_id")?;
        let role: Role = row.try_get::<String>("", "role")?.parse().map_err(StoreError::Internal)?;
        let Some(member) = member_role_opt(self.conn(), &org_id, &user_id).await? else { return Ok(None) };
        let last_used: Option<i64> = row.try_get("", "last_used_at")?;
        if last_used.is_none_or(|t| now - t > 60_000) {
            let q = Query::update()
                .table(ApiTokens::Table)
                .value(ApiTokens::LastUsedAt, now)
                .and_where(Expr::col(ApiTokens::Id).eq(id.clone()))
                .to_owned();
            self.conn().execute(&q).await?;
        }
        Ok(Some(Tenant::new(org_id, role.min(member), Actor::Token { id, user_id })))
    }
}
