//! The platform administrator's view across all tenants.

use sea_orm::ConnectionTrait;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Order, Query};
use serde::Serialize;

use crate::accounts::{OrgInfo, org_columns, org_from_row};
use crate::schema::{Memberships, Orgs, Users};
use crate::{Actor, SessionInfo, Store, StoreError};

/// Proof that the caller is a platform administrator; only [`Store::platform_admin`] makes one.
#[derive(Clone, Debug)]
pub struct PlatformAdmin {
    user_id: String,
    email: String,
}

impl PlatformAdmin {
    pub fn user_id(&self) -> &str {
        &self.user_id
    }

    /// Who the audit log names for the administrator's changes.
    pub(crate) fn actor(&self) -> Actor {
        Actor::User { id: self.user_id.clone(), email: self.email.clone() }
    }
}

/// One organization with its member count, for the instance overview.
#[derive(Clone, Debug, Serialize)]
pub struct OrgOverview {
    pub org: OrgInfo,
    pub members: i64,
}

impl Store {
    /// The platform-admin proof for a session, if the user holds that flag.
    pub fn platform_admin(&self, session: &SessionInfo) -> Option<PlatformAdmin> {
        session
            .user
            .is_platform_admin
            .then(|| PlatformAdmin { user_id: session.user.id.clone(), email: session.user.email.clone() })
    }

    /// Every organization with its member count (one query), by name.
    pub async fn all_orgs(&self, _admin: &PlatformAdmin) -> Result<Vec<OrgOverview>, StoreError> {
        let members = Alias::new("members");
        let q = Query::select()
            .columns(org_columns().map(|c| (Orgs::Table, c)))
            .expr_as(Expr::col((Memberships::Table, Memberships::UserId)).count(), members.clone())
            .from(Orgs::Table)
            .left_join(
                Memberships::Table,
                Expr::col((Memberships::Table, Memberships::OrgId)).equals((Orgs::Table, Orgs::Id)),
            )
            .group_by_columns(org_columns().map(|c| (Orgs::Table, c)))
            .order_by((Orgs::Table, Orgs::Name), Order::Asc)
            .to_owned();
        let rows = self.conn().query_all(&q).await?;
        rows.iter().map(|r| Ok(OrgOverview { org: org_from_row(r)?, members: r.try_get("", "members")? })).collect()
    }

    /// The number of accounts on the instance.
    pub async fn user_count(&self, _admin: &PlatformAdmin) -> Result<i64, StoreError> {
        let q = Query::select().expr_as(Expr::col(Users::Id).count(), Alias::new("n")).from(Users::Table).to_owned();
        let row = self.conn().query_one(&q).await?.ok_or(StoreError::NotFound)?;
        Ok(row.try_get("", "n")?)
    }
}
