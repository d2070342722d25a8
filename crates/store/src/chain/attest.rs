//! Attestations: issuance from an already-scored result, the expert reviewer's
//! countersignature for ★3, sharing with buyers (with a scope), revocation, the public
//! revocation list and registry, and verification against the published keys.

use mamori_chain::Level;
use mamori_chain::attest::{
    Attestation, DigestSummary, Envelope, ExecutivePledge, FrameworkRef, Outcome, ReviewerSignOff, RevocationList,
    RevocationTarget, SCHEMA, Score, Subject, Verdict, Verified, VerifyError,
};
use sea_orm::sea_query::{Expr, ExprTrait, Order, Query};
use sea_orm::{ConnectionTrait, QueryResult, TransactionTrait};
use serde::Serialize;

use super::keys::active_key;
use super::links::settings_of;
use super::schema::{Attestations, ChainCol, ChainSettings, ExpertReviewers};
use super::{level_str, ms_to_time, parse_level};
use crate::accounts::{OrgInfo, org_by};
use crate::audit::{self, Event};
use crate::schema::Orgs;
use crate::{Role, Store, StoreError, Tenant, new_id, now_ms};

/// An already-scored assessment result, the input of issuance. The assessment module
/// fills it in; the digests come from `mamori_chain::attest::{requirements_digest,
/// evidence_digest}`.
#[derive(Clone, Debug)]
pub struct AttestationInput {
    pub framework_id: String,
    pub framework_version: String,
    pub level: Level,
    pub outcome: Outcome,
    pub scores: Vec<Score>,
    pub requirements: DigestSummary,
    pub evidence: DigestSummary,
    /// Validity in days (default: 365 for ★3, 1095 for ★4).
    pub valid_days: Option<u32>,
    pub pledge_name: String,
    pub pledge_title: String,
    /// The reviewing organization; required for ★3.
    pub reviewer_org_slug: Option<String>,
    /// Link back to the assessment this result came from.
    pub assessment_ref: Option<String>,
}

/// Where an attestation is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AttestationState {
    InReview,
    Rejected,
    Issued,
    Revoked,
}

impl AttestationState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InReview => "in_review",
            Self::Rejected => "rejected",
            Self::Issued => "issued",
            Self::Revoked => "revoked",
        }
    }
    fn parse(s: &str) -> Self {
        match s {
            "in_review" => Self::InReview,
            "rejected" => Self::Rejected,
            "revoked" => Self::Revoked,
            _ => Self::Issued,
        }
    }
}

/// One attestation as its subject (or reviewer) sees it.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct AttestationRecord {
    pub id: String,
    pub org_id: String,
    pub level: Level,
    pub state: AttestationState,
    pub reviewer_org_id: Option<String>,
    pub framework_id: String,
    pub framework_version: String,
    pub verdict: String,
    pub valid_from: i64,
    pub valid_until: i64,
    pub issued_at: Option<i64>,
    pub revoked_at: Option<i64>,
    pub revoke_reason: Option<String>,
    pub assessment_ref: Option<String>,
    pub created_at: i64,
}

/// An attestation waiting for the reviewer.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ReviewItem {
    pub attestation: AttestationRecord,
    pub subject: OrgInfo,
    pub scores: Vec<Score>,
    pub pledge: String,
}

/// One public registry line.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct RegistryEntry {
    pub org: OrgInfo,
    pub level: Level,
    pub framework_id: String,
    pub valid_until: i64,
    pub attestation_id: String,
}

pub(super) const COLS: [ChainCol; 13] = [
    ChainCol::Id,
    ChainCol::OrgId,
    ChainCol::Level,
    ChainCol::State,
    ChainCol::ReviewerOrgId,
    ChainCol::AssessmentRef,
    ChainCol::Body,
    ChainCol::ValidFrom,
    ChainCol::ValidUntil,
    ChainCol::CreatedAt,
    ChainCol::IssuedAt,
    ChainCol::RevokedAt,
    ChainCol::RevokeReason,
];

pub(super) fn cols() -> Vec<(Attestations, ChainCol)> {
    COLS.iter().map(|c| (Attestations::Table, *c)).collect()
}

pub(super) fn record(r: &QueryResult) -> Result<(AttestationRecord, Attestation), StoreError> {
    let body: String = r.try_get("", "body")?;
    let att: Attestation = serde_json::from_str(&body).map_err(|e| StoreError::Internal(e.to_string()))?;
    let level: String = r.try_get("", "level")?;
    let state: String = r.try_get("", "state")?;
    Ok((
        AttestationRecord {
            id: r.try_get("", "id")?,
            org_id: r.try_get("", "org_id")?,
            level: parse_level(&level)?,
            state: AttestationState::parse(&state),
            reviewer_org_id: r.try_get("", "reviewer_org_id")?,
            framework_id: att.framework.id.clone(),
            framework_version: att.framework.version.clone(),
            verdict: att.verdict.to_string(),
            valid_from: r.try_get("", "valid_from")?,
            valid_until: r.try_get("", "valid_until")?,
            issued_at: r.try_get("", "issued_at")?,
            revoked_at: r.try_get("", "revoked_at")?,
            revoke_reason: r.try_get("", "revoke_reason")?,
            assessment_ref: r.try_get("", "assessment_ref")?,
            created_at: r.try_get("", "created_at")?,
        },
        att,
    ))
}

fn now_s() -> time::OffsetDateTime {
    ms_to_time(now_ms())
}

fn validity(level: Level, days: Option<u32>) -> time::Duration {
    let d = days.unwrap_or(match level {
        Level::Star3 => 365,
        Level::Star4 => 1095,
    });
    time::Duration::days(i64::from(d.clamp(1, 3 * 366)))
}

fn ms(t: time::OffsetDateTime) -> i64 {
    (t.unix_timestamp_nanos() / 1_000_000) as i64
}

pub(super) async fn one<C: ConnectionTrait>(
    conn: &C,
    id: &str,
) -> Result<(AttestationRecord, Attestation), StoreError> {
    let q =
        Query::select().columns(cols()).from(Attestations::Table).and_where(Expr::col(ChainCol::Id).eq(id)).to_owned();
    record(&conn.query_one(&q).await?.ok_or(StoreError::NotFound)?)
}

/// Whether `tenant` may review: assessor or above in an evaluator organization, or a
/// registered expert reviewer.
async fn may_review<C: ConnectionTrait>(conn: &C, tenant: &Tenant) -> Result<bool, StoreError> {
    if !tenant.role().at_least(Role::Assessor) {
        return Ok(false);
    }
    let org = org_by(conn, Orgs::Id, tenant.org_id()).await?;
    if org.kind == "evaluator" {
        return Ok(true);
    }
    let Some(user) = tenant.actor().user_id() else { return Ok(false) };
    let q = Query::select()
        .column(ChainCol::UserId)
        .from(ExpertReviewers::Table)
        .and_where(Expr::col(ChainCol::UserId).eq(user))
        .and_where(Expr::col(ChainCol::DeactivatedAt).is_null())
        .to_owned();
    Ok(conn.query_one(&q).await?.is_some())
}

impl Store {
    /// Issues an attestation of an already-scored result (admins: the executive pledge
    /// is part of the body). Without a reviewer it is signed at once; with one (required
    /// for ★3) it waits for the reviewer's countersignature.
    pub async fn submit_attestation(
        &self,
        tenant: &Tenant,
        input: AttestationInput,
    ) -> Result<AttestationRecord, StoreError> {
        tenant.require(Role::Admin)?;
        let secret = self.secret()?.clone();
        let txn = self.conn().begin().await?;
        let org = org_by(&txn, Orgs::Id, tenant.org_id()).await?;
        let reviewer = match input.reviewer_org_slug.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(slug) => Some(org_by(&txn, Orgs::Slug, slug).await.map_err(|e| match e {
                StoreError::NotFound => StoreError::invalid("reviewer", "no organization with this short ID"),
                other => other,
            })?),
            None => None,
        };
        if input.level == Level::Star3 && reviewer.is_none() {
            return Err(StoreError::invalid("reviewer", "★3 requires an expert reviewer"));
        }
        if reviewer.as_ref().is_some_and(|r| r.id == org.id) {
            return Err(StoreError::invalid("reviewer", "an organization cannot review itself"));
        }
        let key = active_key(&txn, &secret, &org.id).await?;
        let now = now_s();
        let id = new_id();
        let mut att = Attestation {
            schema: SCHEMA.to_string(),
            id: id.clone(),
            subject: Subject { id: org.id.clone(), name: org.name.clone() },
            framework: FrameworkRef {
                id: input.framework_id.trim().into(),
                version: input.framework_version.trim().into(),
            },
            scores: input.scores,
            verdict: Verdict { level: input.level, outcome: input.outcome },
            requirements: input.requirements,
            evidence: input.evidence,
            issued_at: now,
            valid_from: now,
            valid_until: now + validity(input.level, input.valid_days),
            review: None,
            pledge: ExecutivePledge {
                signer_name: input.pledge_name.trim().into(),
                signer_title: input.pledge_title.trim().into(),
                pledged_at: now,
            },
            key_id: key.key_id(),
        };
        if let Err(v) = att.validate() {
            // ★3 without review is expected here; every other rule must hold already.
            if v.pointer != "/review" {
                return Err(StoreError::invalid(field_of(v.pointer), v.reason));
            }
        }
        let (state, envelope, issued) = if reviewer.is_none() {
            let env =
                mamori_chain::sign(att.clone(), &key).map_err(|e| StoreError::invalid("attestation", e.to_string()))?;
            (
                AttestationState::Issued,
                Some(env.to_json().map_err(|e| StoreError::Internal(e.to_string()))?),
                Some(ms(now)),
            )
        } else {
            (AttestationState::InReview, None, None)
        };
        att.review = None;
        let q = Query::insert()
            .into_table(Attestations::Table)
            .columns(COLS.iter().copied().chain([ChainCol::Envelope]))
            .values_panic([
                id.clone().into(),
                org.id.clone().into(),
                level_str(input.level).into(),
                state.as_str().into(),
                reviewer.as_ref().map(|r| r.id.clone()).into(),
                input.assessment_ref.clone().into(),
                serde_json::to_string(&att).map_err(|e| StoreError::Internal(e.to_string()))?.into(),
                ms(att.valid_from).into(),
                ms(att.valid_until).into(),
                now_ms().into(),
                issued.into(),
                Option::<i64>::None.into(),
                Option::<String>::None.into(),
                envelope.into(),
            ])
            .to_owned();
        txn.execute(&q).await?;
        audit::append(&txn, Event {
            tenant_id: Some(tenant.org_id()),
            actor: tenant.actor(),
            action: if state == AttestationState::Issued { "attestation.issue" } else { "attestation.submit" },
            object_type: "attestation",
            object_id: &id,
            detail: serde_json::json!({"level": level_str(input.level), "reviewer": reviewer.as_ref().map(|r| r.slug.clone())}),
        })
        .await?;
        txn.commit().await?;
        Ok(one(self.conn(), &id).await?.0)
    }

    /// Attestations waiting for the tenant's review.
    pub async fn review_queue(&self, tenant: &Tenant) -> Result<Vec<ReviewItem>, StoreError> {
        if !may_review(self.conn(), tenant).await? {
            return Ok(Vec::new());
        }
        let q = Query::select()
            .columns(cols())
            .from(Attestations::Table)
            .and_where(Expr::col(ChainCol::ReviewerOrgId).eq(tenant.org_id()))
            .and_where(Expr::col(ChainCol::State).eq("in_review"))
            .order_by(ChainCol::CreatedAt, Order::Asc)
            .limit(200)
            .to_owned();
        let mut out = Vec::new();
        for r in self.conn().query_all(&q).await? {
            let (rec, att) = record(&r)?;
            let subject = org_by(self.conn(), Orgs::Id, &rec.org_id).await?;
            out.push(ReviewItem {
                attestation: rec,
                subject,
                scores: att.scores,
                pledge: format!("{} ({})", att.pledge.signer_name, att.pledge.signer_title),
            });
        }
        Ok(out)
    }

    /// The reviewer approves (sign-off, supplier signature, countersignature) or rejects.
    pub async fn review_attestation(
        &self,
        tenant: &Tenant,
        id: &str,
        approve: bool,
        reviewer_name: &str,
    ) -> Result<AttestationRecord, StoreError> {
        let secret = self.secret()?.clone();
        let txn = self.conn().begin().await?;
        if !may_review(&txn, tenant).await? {
            return Err(StoreError::Forbidden(
                "only assessors of an evaluator organization or expert reviewers review",
            ));
        }
        let (rec, mut att) = one(&txn, id).await?;
        if rec.reviewer_org_id.as_deref() != Some(tenant.org_id()) {
            return Err(StoreError::NotFound);
        }
        if rec.state != AttestationState::InReview {
            return Err(StoreError::Conflict("this attestation is not waiting for review".into()));
        }
        let name = reviewer_name.trim();
        if approve && name.is_empty() {
            return Err(StoreError::invalid("reviewer_name", "must not be empty"));
        }
        let mut update = Query::update();
        update.table(Attestations::Table).and_where(Expr::col(ChainCol::Id).eq(id));
        if approve {
            let subject_key = active_key(&txn, &secret, &rec.org_id).await?;
            let reviewer_key = active_key(&txn, &secret, tenant.org_id()).await?;
            let now = now_s();
            let span = att.valid_until - att.valid_from;
            att.issued_at = now;
            att.valid_from = now;
            att.valid_until = now + span;
            att.key_id = subject_key.key_id();
            att.review = Some(ReviewerSignOff {
                reviewer_id: tenant.actor().user_id().unwrap_or("reviewer").to_string(),
                reviewer_name: name.to_string(),
                reviewed_at: now,
                key_id: reviewer_key.key_id(),
            });
            let env = mamori_chain::sign(att.clone(), &subject_key)
                .and_then(|e| mamori_chain::countersign(e, &reviewer_key))
                .map_err(|e| StoreError::invalid("attestation", e.to_string()))?;
            update
                .value(ChainCol::State, "issued")
                .value(ChainCol::Body, serde_json::to_string(&att).map_err(|e| StoreError::Internal(e.to_string()))?)
                .value(ChainCol::Envelope, env.to_json().map_err(|e| StoreError::Internal(e.to_string()))?)
                .value(ChainCol::ValidFrom, ms(att.valid_from))
                .value(ChainCol::ValidUntil, ms(att.valid_until))
                .value(ChainCol::IssuedAt, ms(now));
        } else {
            update.value(ChainCol::State, "rejected");
        }
        txn.execute(&update).await?;
        for tenant_id in [tenant.org_id(), rec.org_id.as_str()] {
            audit::append(
                &txn,
                Event {
                    tenant_id: Some(tenant_id),
                    actor: tenant.actor(),
                    action: if approve { "attestation.review_approve" } else { "attestation.review_reject" },
                    object_type: "attestation",
                    object_id: id,
                    detail: serde_json::json!({"reviewer_org": tenant.org_id()}),
                },
            )
            .await?;
        }
        txn.commit().await?;
        Ok(one(self.conn(), id).await?.0)
    }

    /// The tenant's own attestations, newest first.
    pub async fn attestations(&self, tenant: &Tenant) -> Result<Vec<AttestationRecord>, StoreError> {
        let q = Query::select()
            .columns(cols())
            .from(Attestations::Table)
            .and_where(Expr::col(ChainCol::OrgId).eq(tenant.org_id()))
            .order_by(ChainCol::CreatedAt, Order::Desc)
            .limit(500)
            .to_owned();
        self.conn().query_all(&q).await?.iter().map(|r| record(r).map(|x| x.0)).collect()
    }

    /// The signed envelope of one of the tenant's issued attestations.
    pub async fn attestation_envelope(&self, tenant: &Tenant, id: &str) -> Result<String, StoreError> {
        let q = Query::select()
            .column(ChainCol::Envelope)
            .from(Attestations::Table)
            .and_where(Expr::col(ChainCol::Id).eq(id))
            .and_where(Expr::col(ChainCol::OrgId).eq(tenant.org_id()))
            .to_owned();
        let env: Option<String> =
            self.conn().query_one(&q).await?.ok_or(StoreError::NotFound)?.try_get("", "envelope")?;
        env.ok_or(StoreError::NotFound)
    }

    /// Revokes one of the tenant's issued attestations (admins); it joins the public
    /// revocation list.
    pub async fn revoke_attestation(&self, tenant: &Tenant, id: &str, reason: &str) -> Result<(), StoreError> {
        tenant.require(Role::Admin)?;
        let reason = reason.trim();
        if reason.is_empty() || reason.chars().count() > 500 {
            return Err(StoreError::invalid("reason", "must not be empty and at most 500 characters"));
        }
        let txn = self.conn().begin().await?;
        let q = Query::update()
            .table(Attestations::Table)
            .value(ChainCol::State, "revoked")
            .value(ChainCol::RevokedAt, now_ms())
            .value(ChainCol::RevokeReason, reason)
            .and_where(Expr::col(ChainCol::Id).eq(id))
            .and_where(Expr::col(ChainCol::OrgId).eq(tenant.org_id()))
            .and_where(Expr::col(ChainCol::State).eq("issued"))
            .to_owned();
        if txn.execute(&q).await?.rows_affected() != 1 {
            return Err(StoreError::NotFound);
        }
        audit::append(
            &txn,
            Event {
                tenant_id: Some(tenant.org_id()),
                actor: tenant.actor(),
                action: "attestation.revoke",
                object_type: "attestation",
                object_id: id,
                detail: serde_json::json!({"reason": reason}),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }

    /// The public revocation list of an organization (revoked attestations).
    pub async fn revocation_list(&self, org_slug: &str) -> Result<RevocationList, StoreError> {
        let org = org_by(self.conn(), Orgs::Slug, org_slug).await?;
        revocations(self.conn(), Expr::col(ChainCol::OrgId).eq(org.id)).await
    }

    /// Verifies an envelope against the published keys and revocations of this instance.
    pub async fn verify_envelope(
        &self,
        envelope: &[u8],
        now: time::OffsetDateTime,
    ) -> Result<Result<Verified, VerifyError>, StoreError> {
        let (ids, att_id) = match serde_json::from_slice::<serde_json::Value>(envelope) {
            Ok(v) => {
                let ids = v["signatures"]
                    .as_array()
                    .map(|a| a.iter().filter_map(|s| s["key_id"].as_str().map(str::to_string)).take(4).collect())
                    .unwrap_or_default();
                (ids, v["attestation"]["id"].as_str().map(str::to_string))
            }
            Err(_) => (Vec::new(), None),
        };
        let keys = self.public_keys_by_id(&ids).await?;
        let revoked = match att_id {
            Some(id) => revocations(self.conn(), Expr::col(ChainCol::Id).eq(id)).await?,
            None => RevocationList::new(),
        };
        Ok(mamori_chain::verify(envelope, &keys, now, &revoked))
    }

    /// The public registry: organizations that opted in, with their valid attestations.
    pub async fn registry(&self) -> Result<Vec<RegistryEntry>, StoreError> {
        let now = now_ms();
        let q = Query::select()
            .columns(cols())
            .from(Attestations::Table)
            .inner_join(
                ChainSettings::Table,
                Expr::col((ChainSettings::Table, ChainCol::OrgId)).equals((Attestations::Table, ChainCol::OrgId)),
            )
            .and_where(Expr::col((ChainSettings::Table, ChainCol::RegistryListed)).eq(true))
            .and_where(Expr::col((Attestations::Table, ChainCol::State)).eq("issued"))
            .and_where(Expr::col((Attestations::Table, ChainCol::ValidUntil)).gt(now))
            .and_where(Expr::col((Attestations::Table, ChainCol::ValidFrom)).lte(now))
            .order_by((Attestations::Table, ChainCol::ValidUntil), Order::Desc)
            .limit(2000)
            .to_owned();
        let mut out: Vec<RegistryEntry> = Vec::new();
        for r in self.conn().query_all(&q).await? {
            let (rec, _) = record(&r)?;
            if out.iter().any(|e| e.org.id == rec.org_id && e.level >= rec.level) {
                continue;
            }
            out.retain(|e| e.org.id != rec.org_id);
            out.push(RegistryEntry {
                org: org_by(self.conn(), Orgs::Id, &rec.org_id).await?,
                level: rec.level,
                framework_id: rec.framework_id,
                valid_until: rec.valid_until,
                attestation_id: rec.id,
            });
        }
        out.sort_by(|a, b| a.org.name.cmp(&b.org.name));
        Ok(out)
    }

    /// Whether the organization opted into the registry (public pages use this).
    pub async fn registry_listed(&self, org_id: &str) -> Result<bool, StoreError> {
        Ok(settings_of(self.conn(), org_id).await?.registry_listed)
    }
}

async fn revocations<C: ConnectionTrait>(
    conn: &C,
    cond: sea_orm::sea_query::SimpleExpr,
) -> Result<RevocationList, StoreError> {
    let q = Query::select()
        .columns([ChainCol::Id, ChainCol::RevokedAt, ChainCol::RevokeReason])
        .from(Attestations::Table)
        .and_where(cond)
        .and_where(Expr::col(ChainCol::State).eq("revoked"))
        .to_owned();
    let mut list = RevocationList::new();
    for r in conn.query_all(&q).await? {
        let at: Option<i64> = r.try_get("", "revoked_at")?;
        let reason: Option<String> = r.try_get("", "revoke_reason")?;
        list.revoke(
            RevocationTarget::Attestation(r.try_get("", "id")?),
            reason.unwrap_or_default(),
            ms_to_time(at.unwrap_or(0)),
        );
    }
    Ok(list)
}

fn field_of(pointer: &str) -> &'static str {
    match pointer {
        "/pledge/signer_name" => "pledge_name",
        "/pledge/signer_title" => "pledge_title",
        "/framework/id" => "framework_id",
        "/framework/version" => "framework_version",
        "/scores" => "scores",
        p if p.starts_with("/requirements") || p.starts_with("/evidence") => "digest",
        _ => "attestation",
    }
}

/// Used by `Envelope` consumers that want the typed form.
pub fn parse_envelope(text: &str) -> Option<Envelope> {
    serde_json::from_str(text).ok()
}
