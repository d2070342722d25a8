//! Browser sessions stored in the database, each with its own CSRF token.

use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ConnectionTrait, TransactionTrait};

use crate::accounts::{member_role_opt, user_columns, user_from_row};
use crate::audit::{self, Event};
use crate::schema::{Sessions, Users};
use crate::secrets::{random_token, token_hash};
use crate::{Actor, Store, StoreError, Tenant, UserInfo, now_ms};

/// Sessions end after 12 hours without use, and after 7 days in any case.
const IDLE_MS: i64 = 12 * 3600 * 1000;
const ABSOLUTE_MS: i64 = 7 * 24 * 3600 * 1000;
/// `last_seen` is written at most once a minute to keep reads cheap.
const TOUCH_MS: i64 = 60 * 1000;

/// A live session as loaded for one request.
#[derive(Clone, Debug)]
pub struct SessionInfo {
    pub user: UserInfo,
    pub active_org_id: Option<String>,
    pub csrf: String,
}

impl Store {
    /// Starts a session for a user; returns the cookie value (stored only as a hash).
    pub async fn create_session(&self, user: &UserInfo, active_org_id: Option<&str>) -> Result<String, StoreError> {
        let token = random_token("");
        let now = now_ms();
        let q = Query::insert()
            .into_table(Sessions::Table)
            .columns([
                Sessions::IdHash,
                Sessions::UserId,
                Sessions::ActiveOrgId,
                Sessions::Csrf,
                Sessions::CreatedAt,
                Sessions::ExpiresAt,
                Sessions::LastSeen,
            ])
            .values_panic([
                token_hash(&token).into(),
                user.id.clone().into(),
                active_org_id.map(str::to_string).into(),
                random_token("").into(),
                now.into(),
                (now + ABSOLUTE_MS).into(),
                now.into(),
            ])
            .to_owned();
        self.conn().execute(&q).await?;
        Ok(token)
    }

    /// Loads a session by cookie value, ending it when it has expired.
    pub async fn session(&self, token: &str) -> Result<Option<SessionInfo>, StoreError> {
        if token.is_empty() || token.len() > 128 {
            return Ok(None);
        }
        let hash = token_hash(token);
        let q = Query::select()
            .columns(user_columns().map(|c| (Users::Table, c)))
            .columns([
                (Sessions::Table, Sessions::ActiveOrgId),
                (Sessions::Table, Sessions::Csrf),
                (Sessions::Table, Sessions::ExpiresAt),
                (Sessions::Table, Sessions::LastSeen),
            ])
            .from(Sessions::Table)
            .inner_join(Users::Table, Expr::col((Users::Table, Users::Id)).equals((Sessions::Table, Sessions::UserId)))
            .and_where(Expr::col((Sessions::Table, Sessions::IdHash)).eq(hash.clone()))
            .to_owned();
        let Some(row) = self.conn().query_one(&q).await? else { return Ok(None) };
        let now = now_ms();
        let expires: i64 = row.try_get("", "expires_at")?;
        let last_seen: i64 = row.try_get("", "last_seen")?;
        if expires < now || last_seen + IDLE_MS < now {
            self.conn()
                .execute(
                    &Query::delete()
                        .from_table(Sessions::Table)
                        .and_where(Expr::col(Sessions::IdHash).eq(hash))
                        .to_owned(),
                )
                .await?;
            return Ok(None);
        }
        if now - last_seen > TOUCH_MS {
            let q = Query::update()
                .table(Sessions::Table)
                .value(Sessions::LastSeen, now)
                .and_where(Expr::col(Sessions::IdHash).eq(hash))
                .to_owned();
            self.conn().execute(&q).await?;
        }
        Ok(Some(SessionInfo {
            user: user_from_row(&row, "")?,
            active_org_id: row.try_get("", "active_org_id")?,
            csrf: row.try_get("", "csrf")?,
        }))
    }

    /// Ends a session (logout) and records it.
    pub async fn end_session(&self, token: &str, user: &UserInfo) -> Result<(), StoreError> {
        let txn = self.conn().begin().await?;
        txn.execute(
            &Query::delete()
                .from_table(Sessions::Table)
                .and_where(Expr::col(Sessions::IdHash).eq(token_hash(token)))
                .to_owned(),
        )
        .await?;
        let actor = Actor::User { id: user.id.clone(), email: user.email.clone() };
        audit::append(
            &txn,
            Event {
                tenant_id: None,
                actor: &actor,
                action: "auth.logout",
                object_type: "user",
                object_id: &user.id,
                detail: serde_json::json!({}),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }

    /// Switches the session's active organization; the user must be a member.
    pub async fn switch_org(&self, token: &str, session: &SessionInfo, org_id: &str) -> Result<(), StoreError> {
        if member_role_opt(self.conn(), org_id, &session.user.id).await?.is_none() {
            return Err(StoreError::NotFound);
        }
        let q = Query::update()
            .table(Sessions::Table)
            .value(Sessions::ActiveOrgId, org_id)
            .and_where(Expr::col(Sessions::IdHash).eq(token_hash(token)))
            .to_owned();
        self.conn().execute(&q).await?;
        Ok(())
    }

    /// The tenant for a user who has just proven their password (API log-in), in one of
    /// their organizations.
    pub async fn tenant_for_login(&self, user: &UserInfo, org_id: &str) -> Result<Tenant, StoreError> {
        let role = member_role_opt(self.conn(), org_id, &user.id).await?.ok_or(StoreError::NotFound)?;
        Ok(Tenant::new(org_id.to_string(), role, Actor::User { id: user.id.clone(), email: user.email.clone() }))
    }

    /// The tenant for a session: its active organization, if the user is still a member.
    pub async fn tenant_for_session(&self, session: &SessionInfo) -> Result<Option<Tenant>, StoreError> {
        let Some(org_id) = &session.active_org_id else { return Ok(None) };
        let role = member_role_opt(self.conn(), org_id, &session.user.id).await?;
        Ok(role.map(|role| {
            Tenant::new(
                org_id.clone(),
                role,
                Actor::User { id: session.user.id.clone(), email: session.user.email.clone() },
            )
        }))
    }
}
