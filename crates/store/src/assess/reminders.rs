//! Reminders before evidence lapses: 7 days and 1 day before its expiry date, and once when
//! it has expired, to the organization's owners and admins. The same timing rule and the same
//! claim-once discipline as request reminders (`chain::reminders`): a row per evidence and
//! kind, claimed before any message goes out, audited in the organization's log with the
//! actor `system:reminders`.

use sea_orm::sea_query::{Alias, Expr, ExprTrait, OnConflict, Order, Query};
use sea_orm::{ConnectionTrait, TransactionTrait};
use serde::Serialize;

use super::migration::{Evidence, EvidenceReminders};
use crate::audit::{self, Event};
use crate::chain::reminders::recipients;
use crate::chain::{ReminderKind, ReminderRecipient};
use crate::{Actor, Store, StoreError};

const DAY_MS: i64 = 24 * 3600 * 1000;

/// An evidence reminder that is due and not yet sent.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DueEvidenceReminder {
    pub evidence_id: String,
    pub name: String,
    pub org_id: String,
    /// `YYYY-MM-DD`: the last day the evidence is valid.
    pub expires_on: String,
    pub kind: ReminderKind,
    /// The organization's owners and admins.
    pub recipients: Vec<ReminderRecipient>,
}

/// The end of an expiry day (the evidence is valid through it), in milliseconds.
fn expiry_ms(day: &str) -> Option<i64> {
    let d = super::parse_date("expires_on", day).ok()?;
    Some(d.midnight().assume_utc().unix_timestamp() * 1000 + DAY_MS)
}

impl Store {
    /// Evidence reminders due at `now` (milliseconds) and not yet claimed, soonest expiry first.
    pub async fn due_evidence_reminders(&self, now: i64) -> Result<Vec<DueEvidenceReminder>, StoreError> {
        let horizon = time::OffsetDateTime::from_unix_timestamp(now.div_euclid(1000) + 8 * 86_400)
            .map_err(|e| StoreError::Internal(e.to_string()))?
            .date();
        let sent = Alias::new("sent");
        let q = Query::select()
            .columns(
                [Evidence::Id, Evidence::Name, Evidence::OrgId, Evidence::ExpiresOn, Evidence::CreatedAt]
                    .map(|c| (Evidence::Table, c)),
            )
            .expr_as(Expr::col((sent.clone(), EvidenceReminders::Kind)), Alias::new("sent_kind"))
            .from(Evidence::Table)
            .join_as(
                sea_orm::sea_query::JoinType::LeftJoin,
                EvidenceReminders::Table,
                sent.clone(),
                Expr::col((sent.clone(), EvidenceReminders::EvidenceId)).equals((Evidence::Table, Evidence::Id)),
            )
            .and_where(Expr::col((Evidence::Table, Evidence::ExpiresOn)).is_not_null())
            // ISO dates compare as text.
            .and_where(Expr::col((Evidence::Table, Evidence::ExpiresOn)).lte(super::iso_date(horizon)))
            .order_by((Evidence::Table, Evidence::ExpiresOn), Order::Asc)
            .order_by((Evidence::Table, Evidence::Id), Order::Asc)
            .to_owned();
        let mut out: Vec<DueEvidenceReminder> = Vec::new();
        let mut claimed: Vec<(String, String)> = Vec::new();
        for r in self.conn().query_all(&q).await? {
            let id: String = r.try_get("", "id")?;
            if let Some(kind) = r.try_get::<Option<String>>("", "sent_kind")? {
                claimed.push((id.clone(), kind));
            }
            if out.last().is_some_and(|d| d.evidence_id == id) {
                continue;
            }
            let expires_on: String = r.try_get("", "expires_on")?;
            let Some(end) = expiry_ms(&expires_on) else { continue };
            let Some(kind) = ReminderKind::due(r.try_get("", "created_at")?, end, now) else { continue };
            out.push(DueEvidenceReminder {
                evidence_id: id,
                name: r.try_get("", "name")?,
                org_id: r.try_get("", "org_id")?,
                expires_on,
                kind,
                recipients: Vec::new(),
            });
        }
        out.retain(|d| !claimed.iter().any(|(id, k)| *id == d.evidence_id && k == d.kind.as_str()));
        for d in &mut out {
            d.recipients = recipients(self.conn(), &d.org_id).await?;
        }
        Ok(out)
    }

    /// Claims a due evidence reminder at `now`: true exactly once per evidence and kind.
    pub async fn claim_evidence_reminder(&self, due: &DueEvidenceReminder, now: i64) -> Result<bool, StoreError> {
        let txn = self.conn().begin().await?;
        let insert = Query::insert()
            .into_table(EvidenceReminders::Table)
            .columns([
                EvidenceReminders::EvidenceId,
                EvidenceReminders::Kind,
                EvidenceReminders::SentAt,
                EvidenceReminders::Recipients,
            ])
            .values_panic([
                due.evidence_id.clone().into(),
                due.kind.as_str().into(),
                now.into(),
                (due.recipients.len() as i64).into(),
            ])
            .on_conflict(
                OnConflict::columns([EvidenceReminders::EvidenceId, EvidenceReminders::Kind]).do_nothing().to_owned(),
            )
            .to_owned();
        if txn.execute(&insert).await?.rows_affected() != 1 {
            return Ok(false);
        }
        audit::append(
            &txn,
            Event {
                tenant_id: Some(&due.org_id),
                actor: &Actor::System("reminders".into()),
                action: "evidence.expiry_reminder",
                object_type: "evidence",
                object_id: &due.evidence_id,
                detail: serde_json::json!({"kind": due.kind.as_str(), "recipients": due.recipients.len()}),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(true)
    }
}
