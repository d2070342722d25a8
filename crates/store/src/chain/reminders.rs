//! Reminders of open requests: 7 days and 1 day before the deadline, and once when it has
//! passed. The scheduler (`mamori serve`) asks which reminders are due at a given time,
//! claims each one (a row keyed by request and kind, so a reminder is claimed once across
//! restarts and concurrent servers) and then mails the supplier's owners and admins.
//!
//! This is a system task, not a tenant's request: it reads open requests of every
//! organization, but returns only what the message needs, and every claim is audited in
//! the buyer's log with the actor `system:reminders`.

use mamori_chain::Level;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, OnConflict, Query};
use sea_orm::{ConnectionTrait, TransactionTrait};
use serde::Serialize;

use super::parse_level;
use super::schema::{ChainCol, ChainReminders, ChainRequests};
use crate::accounts::OrgInfo;
use crate::audit::{self, Event};
use crate::schema::{Memberships, Orgs, Users};
use crate::{Actor, Store, StoreError};

const DAY_MS: i64 = 24 * 3600 * 1000;

/// Which reminder of a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReminderKind {
    /// Seven days before the deadline.
    DueIn7Days,
    /// One day before the deadline.
    DueIn1Day,
    /// The deadline has passed.
    Overdue,
}

impl ReminderKind {
    /// Every kind, earliest first.
    pub const ALL: [ReminderKind; 3] = [Self::DueIn7Days, Self::DueIn1Day, Self::Overdue];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::DueIn7Days => "due_7d",
            Self::DueIn1Day => "due_1d",
            Self::Overdue => "overdue",
        }
    }

    /// When this reminder becomes due for a deadline.
    pub fn at(self, deadline: i64) -> i64 {
        match self {
            Self::DueIn7Days => deadline - 7 * DAY_MS,
            Self::DueIn1Day => deadline - DAY_MS,
            Self::Overdue => deadline,
        }
    }

    /// The reminder due at `now` for a request created at `created` with `deadline`: the
    /// latest kind whose time has come, provided the request already existed then (a
    /// request made three days before its deadline gets no "7 days left" message, and a
    /// server that was down for a week sends only the reminder that is still current).
    pub fn due(created: i64, deadline: i64, now: i64) -> Option<ReminderKind> {
        let kind = Self::ALL.into_iter().rev().find(|k| k.at(deadline) <= now)?;
        (created <= kind.at(deadline)).then_some(kind)
    }
}

/// One person to remind, in their language (`ja` or `en`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReminderRecipient {
    pub email: String,
    pub name: String,
    pub lang: String,
}

/// A reminder that is due and not yet sent.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DueReminder {
    pub request_id: String,
    pub kind: ReminderKind,
    pub buyer: OrgInfo,
    pub supplier_org_id: String,
    pub level: Option<Level>,
    pub profile: Option<String>,
    pub deadline: i64,
    /// The supplier's owners and admins.
    pub recipients: Vec<ReminderRecipient>,
}

fn buyer_col(col: Orgs, alias: &str) -> (sea_orm::sea_query::SimpleExpr, Alias) {
    (Expr::col((Orgs::Table, col)), Alias::new(alias))
}

/// The owners and admins of an organization, who receive its reminders.
pub(crate) async fn recipients<C: ConnectionTrait>(conn: &C, org: &str) -> Result<Vec<ReminderRecipient>, StoreError> {
    let q = Query::select()
        .columns([Users::Email, Users::Name, Users::Lang].map(|c| (Users::Table, c)))
        .from(Memberships::Table)
        .inner_join(
            Users::Table,
            Expr::col((Users::Table, Users::Id)).equals((Memberships::Table, Memberships::UserId)),
        )
        .and_where(Expr::col((Memberships::Table, Memberships::OrgId)).eq(org))
        .and_where(Expr::col((Memberships::Table, Memberships::Role)).is_in(["owner", "admin"]))
        .order_by((Users::Table, Users::Email), sea_orm::sea_query::Order::Asc)
        .to_owned();
    let mut out = Vec::new();
    for r in conn.query_all(&q).await? {
        out.push(ReminderRecipient {
            email: r.try_get("", "email")?,
            name: r.try_get("", "name")?,
            lang: r.try_get("", "lang")?,
        });
    }
    Ok(out)
}

impl Store {
    /// Reminders due at `now` (milliseconds) and not yet claimed, oldest deadline first.
    pub async fn due_request_reminders(&self, now: i64) -> Result<Vec<DueReminder>, StoreError> {
        let conn = self.conn();
        let sent = Alias::new("sent");
        let mut q = Query::select();
        q.columns(
            [
                ChainCol::Id,
                ChainCol::SupplierOrgId,
                ChainCol::Level,
                ChainCol::Profile,
                ChainCol::Deadline,
                ChainCol::CreatedAt,
            ]
            .map(|c| (ChainRequests::Table, c)),
        );
        for (expr, alias) in [
            buyer_col(Orgs::Id, "buyer_id"),
            buyer_col(Orgs::Slug, "buyer_slug"),
            buyer_col(Orgs::Name, "buyer_name"),
            buyer_col(Orgs::NameJa, "buyer_name_ja"),
            buyer_col(Orgs::Kind, "buyer_kind"),
            buyer_col(Orgs::Sector, "buyer_sector"),
        ] {
            q.expr_as(expr, alias);
        }
        q.expr_as(Expr::col((sent.clone(), ChainCol::Kind)), Alias::new("sent_kind"))
            .from(ChainRequests::Table)
            .inner_join(
                Orgs::Table,
                Expr::col((Orgs::Table, Orgs::Id)).equals((ChainRequests::Table, ChainCol::BuyerOrgId)),
            )
            .join_as(
                sea_orm::sea_query::JoinType::LeftJoin,
                ChainReminders::Table,
                sent.clone(),
                Expr::col((sent.clone(), ChainCol::RequestId)).equals((ChainRequests::Table, ChainCol::Id)),
            )
            .and_where(Expr::col((ChainRequests::Table, ChainCol::State)).eq("open"))
            .and_where(Expr::col((ChainRequests::Table, ChainCol::Deadline)).lte(now + 7 * DAY_MS))
            .order_by((ChainRequests::Table, ChainCol::Deadline), sea_orm::sea_query::Order::Asc)
            .order_by((ChainRequests::Table, ChainCol::Id), sea_orm::sea_query::Order::Asc);
        // One row per request and claimed reminder (or one with no claim).
        let mut out: Vec<DueReminder> = Vec::new();
        let mut claimed: Vec<(String, String)> = Vec::new();
        for r in conn.query_all(&q).await? {
            let id: String = r.try_get("", "id")?;
            if let Some(kind) = r.try_get::<Option<String>>("", "sent_kind")? {
                claimed.push((id.clone(), kind));
            }
            if out.last().is_some_and(|d| d.request_id == id) {
                continue;
            }
            let (created, deadline): (i64, i64) = (r.try_get("", "created_at")?, r.try_get("", "deadline")?);
            let Some(kind) = ReminderKind::due(created, deadline, now) else { continue };
            out.push(DueReminder {
                request_id: id,
                kind,
                buyer: OrgInfo {
                    id: r.try_get("", "buyer_id")?,
                    slug: r.try_get("", "buyer_slug")?,
                    name: r.try_get("", "buyer_name")?,
                    name_ja: r.try_get("", "buyer_name_ja")?,
                    kind: r.try_get("", "buyer_kind")?,
                    sector: r.try_get("", "buyer_sector")?,
                },
                supplier_org_id: r.try_get("", "supplier_org_id")?,
                level: r.try_get::<Option<String>>("", "level")?.and_then(|l| parse_level(&l).ok()),
                profile: r.try_get("", "profile")?,
                deadline,
                recipients: Vec::new(),
            });
        }
        out.retain(|d| !claimed.iter().any(|(id, k)| *id == d.request_id && k == d.kind.as_str()));
        for d in &mut out {
            d.recipients = recipients(conn, &d.supplier_org_id).await?;
        }
        Ok(out)
    }

    /// Claims a due reminder at `now`: true exactly once per request and kind, and only
    /// while the request is still open. The caller sends the messages after a successful
    /// claim, so a reminder is never sent twice (a crash between the two loses it).
    pub async fn claim_request_reminder(&self, due: &DueReminder, now: i64) -> Result<bool, StoreError> {
        let txn = self.conn().begin().await?;
        let open = Query::select()
            .column(ChainCol::Id)
            .from(ChainRequests::Table)
            .and_where(Expr::col(ChainCol::Id).eq(due.request_id.as_str()))
            .and_where(Expr::col(ChainCol::State).eq("open"))
            .to_owned();
        if txn.query_one(&open).await?.is_none() {
            return Ok(false);
        }
        let insert = Query::insert()
            .into_table(ChainReminders::Table)
            .columns([ChainCol::RequestId, ChainCol::Kind, ChainCol::SentAt, ChainCol::Recipients])
            .values_panic([
                due.request_id.clone().into(),
                due.kind.as_str().into(),
                now.into(),
                (due.recipients.len() as i64).into(),
            ])
            .on_conflict(OnConflict::columns([ChainCol::RequestId, ChainCol::Kind]).do_nothing().to_owned())
            .to_owned();
        if txn.execute(&insert).await?.rows_affected() != 1 {
            return Ok(false);
        }
        audit::append(
            &txn,
            Event {
                tenant_id: Some(&due.buyer.id),
                actor: &Actor::System("reminders".into()),
                action: "chain.request_reminder",
                object_type: "chain_request",
                object_id: &due.request_id,
                detail: serde_json::json!({"kind": due.kind.as_str(), "recipients": due.recipients.len()}),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::ReminderKind::{self, *};

    const D: i64 = 100 * super::DAY_MS;

    #[test]
    fn the_latest_reminder_whose_time_has_come_is_due_if_the_request_existed_then() {
        let day = super::DAY_MS;
        assert_eq!(ReminderKind::due(0, D, D - 8 * day), None);
        assert_eq!(ReminderKind::due(0, D, D - 7 * day), Some(DueIn7Days));
        assert_eq!(ReminderKind::due(0, D, D - day - 1), Some(DueIn7Days));
        assert_eq!(ReminderKind::due(0, D, D - day), Some(DueIn1Day));
        assert_eq!(ReminderKind::due(0, D, D), Some(Overdue));
        assert_eq!(ReminderKind::due(0, D, D + 300 * day), Some(Overdue));
        // Requested three days before the deadline: no "7 days left".
        assert_eq!(ReminderKind::due(D - 3 * day, D, D - 2 * day), None);
        assert_eq!(ReminderKind::due(D - 3 * day, D, D - day), Some(DueIn1Day));
        // Requested after the deadline: no reminder at all.
        assert_eq!(ReminderKind::due(D + 1, D, D + 2), None);
    }
}
