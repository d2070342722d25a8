//! Expert reviewers (e.g. Registered Information Security Specialists): users who may
//! review ★3 attestations of any organization. The platform administrator registers,
//! lists and deactivates them (`/admin/reviewers`); the CLI registers them too. A
//! deactivated reviewer stays on record and can be registered again.

use sea_orm::sea_query::{Expr, ExprTrait, Order, Query};
use sea_orm::{ConnectionTrait, TransactionTrait};
use serde::Serialize;

use super::schema::{ChainCol, ExpertReviewers};
use crate::accounts::normalize_email;
use crate::audit::{self, Event};
use crate::platform::PlatformAdmin;
use crate::schema::Users;
use crate::{Actor, AdminPath, Store, StoreError, now_ms};

/// One registered expert reviewer.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ExpertReviewerInfo {
    pub user_id: String,
    pub email: String,
    pub name: String,
    pub registration: String,
    pub registered_at: i64,
    pub deactivated_at: Option<i64>,
}

/// Checks a registration number: 1–64 letters, digits, `-`, `_`, `/` or `.` (the
/// scheme's numbers and prefixes such as `RISS-` fit; spaces and markup do not).
pub fn check_registration(registration: &str) -> Result<String, StoreError> {
    let r = registration.trim();
    let ok = !r.is_empty()
        && r.chars().count() <= 64
        && r.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '/' | '.'));
    if ok {
        Ok(r.to_string())
    } else {
        Err(StoreError::invalid("registration", "use 1 to 64 letters, digits, '-', '_', '/' or '.'"))
    }
}

/// Registers (or registers again, after a deactivation) the user with this e-mail.
async fn register<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    email: &str,
    registration: &str,
) -> Result<ExpertReviewerInfo, StoreError> {
    let registration = check_registration(registration)?;
    let email = normalize_email(email)?;
    let q =
        Query::select().column(Users::Id).from(Users::Table).and_where(Expr::col(Users::Email).eq(&email)).to_owned();
    let user: String = conn
        .query_one(&q)
        .await?
        .ok_or_else(|| StoreError::invalid("email", "no account uses this e-mail address"))?
        .try_get("", "id")?;
    let now = now_ms();
    let existing = one(conn, &user).await?;
    let reactivated = match &existing {
        Some(r) if r.deactivated_at.is_none() => {
            return Err(StoreError::Conflict("this user is already an active expert reviewer".into()));
        }
        Some(_) => {
            let q = Query::update()
                .table(ExpertReviewers::Table)
                .value(ChainCol::Registration, registration.as_str())
                .value(ChainCol::DeactivatedAt, Option::<i64>::None)
                .and_where(Expr::col(ChainCol::UserId).eq(&user))
                .to_owned();
            conn.execute(&q).await?;
            true
        }
        None => {
            let q = Query::insert()
                .into_table(ExpertReviewers::Table)
                .columns([ChainCol::UserId, ChainCol::Registration, ChainCol::CreatedAt])
                .values_panic([user.clone().into(), registration.clone().into(), now.into()])
                .to_owned();
            conn.execute(&q).await.map_err(|e| StoreError::from_insert(e, "this expert reviewer"))?;
            false
        }
    };
    audit::append(
        conn,
        Event {
            tenant_id: None,
            actor,
            action: "chain.expert_reviewer",
            object_type: "user",
            object_id: &user,
            detail: serde_json::json!({"registration": registration, "reactivated": reactivated}),
        },
    )
    .await?;
    one(conn, &user).await?.ok_or(StoreError::NotFound)
}

fn select() -> sea_orm::sea_query::SelectStatement {
    let r = ExpertReviewers::Table;
    Query::select()
        .columns(
            [ChainCol::UserId, ChainCol::Registration, ChainCol::CreatedAt, ChainCol::DeactivatedAt].map(|c| (r, c)),
        )
        .columns([(Users::Table, Users::Email), (Users::Table, Users::Name)])
        .from(r)
        .inner_join(Users::Table, Expr::col((Users::Table, Users::Id)).equals((r, ChainCol::UserId)))
        .to_owned()
}

fn info(r: &sea_orm::QueryResult) -> Result<ExpertReviewerInfo, StoreError> {
    Ok(ExpertReviewerInfo {
        user_id: r.try_get("", "user_id")?,
        email: r.try_get("", "email")?,
        name: r.try_get("", "name")?,
        registration: r.try_get("", "registration")?,
        registered_at: r.try_get("", "created_at")?,
        deactivated_at: r.try_get("", "deactivated_at")?,
    })
}

async fn one<C: ConnectionTrait>(conn: &C, user_id: &str) -> Result<Option<ExpertReviewerInfo>, StoreError> {
    let q = select().and_where(Expr::col((ExpertReviewers::Table, ChainCol::UserId)).eq(user_id)).to_owned();
    conn.query_one(&q).await?.as_ref().map(info).transpose()
}

impl Store {
    /// Registers a user (by e-mail) as an expert reviewer from the command line.
    pub async fn register_expert_reviewer(
        &self,
        email: &str,
        registration: &str,
        path: AdminPath,
    ) -> Result<ExpertReviewerInfo, StoreError> {
        let AdminPath::Cli { operator } = path;
        let txn = self.conn().begin().await?;
        let out = register(&txn, &Actor::Cli(operator), email, registration).await?;
        txn.commit().await?;
        Ok(out)
    }

    /// Registers a user (by e-mail) as an expert reviewer: the platform administrator.
    pub async fn admin_register_reviewer(
        &self,
        admin: &PlatformAdmin,
        email: &str,
        registration: &str,
    ) -> Result<ExpertReviewerInfo, StoreError> {
        let txn = self.conn().begin().await?;
        let out = register(&txn, &admin.actor(), email, registration).await?;
        txn.commit().await?;
        Ok(out)
    }

    /// Every expert reviewer, active ones first, by e-mail.
    pub async fn expert_reviewers(&self, _admin: &PlatformAdmin) -> Result<Vec<ExpertReviewerInfo>, StoreError> {
        let q = select()
            .order_by_expr(Expr::col((ExpertReviewers::Table, ChainCol::DeactivatedAt)).is_not_null(), Order::Asc)
            .order_by((Users::Table, Users::Email), Order::Asc)
            .to_owned();
        self.conn().query_all(&q).await?.iter().map(info).collect()
    }

    /// Deactivates an expert reviewer: from now on they review nothing (attestations
    /// they already countersigned stay valid). Deactivating twice is `NotFound`.
    pub async fn deactivate_expert_reviewer(&self, admin: &PlatformAdmin, user_id: &str) -> Result<(), StoreError> {
        let txn = self.conn().begin().await?;
        let q = Query::update()
            .table(ExpertReviewers::Table)
            .value(ChainCol::DeactivatedAt, now_ms())
            .and_where(Expr::col(ChainCol::UserId).eq(user_id))
            .and_where(Expr::col(ChainCol::DeactivatedAt).is_null())
            .to_owned();
        if txn.execute(&q).await?.rows_affected() != 1 {
            return Err(StoreError::NotFound);
        }
        audit::append(
            &txn,
            Event {
                tenant_id: None,
                actor: &admin.actor(),
                action: "chain.expert_reviewer_deactivate",
                object_type: "user",
                object_id: user_id,
                detail: serde_json::json!({}),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }
}
