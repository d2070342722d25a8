//! The J-CSIP-style reporting flow: a member submits a report to its circle's hub, a hub
//! analyst de-identifies it (with a preview of every change), the reporter approves the
//! exact sanitised content, and only then does the analyst publish it to the circle.
//!
//! States: `submitted → sanitised → approved → published`, or `withdrawn` by the reporter
//! at any point before publication. Re-sanitising an approved report voids the consent.

use mamori_intel::sanitize::{EmailScope, SanitizeRules, sanitize};
use mamori_intel::stix::validate_envelope;
use mamori_intel::tlp::{Recipient, Tlp, TlpPolicy};
use sea_orm::sea_query::{Expr, ExprTrait, Order, Query};
use sea_orm::{ConnectionTrait, QueryResult, TransactionTrait};
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::objects::IngestOptions;
use super::schema::*;
use super::{CircleInfo, circle_by_id, circle_by_root, circle_secret, is_analyst, is_member};
use crate::audit::{self, Event};
use crate::{Role, Store, StoreError, Tenant, new_id, now_ms};

/// Where a report is in the flow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportState {
    Submitted,
    Sanitised,
    Approved,
    Published,
    Withdrawn,
}

impl ReportState {
    pub fn as_str(self) -> &'static str {
        match self {
            ReportState::Submitted => "submitted",
            ReportState::Sanitised => "sanitised",
            ReportState::Approved => "approved",
            ReportState::Published => "published",
            ReportState::Withdrawn => "withdrawn",
        }
    }
    fn parse(s: &str) -> Result<Self, StoreError> {
        Ok(match s {
            "submitted" => ReportState::Submitted,
            "sanitised" => ReportState::Sanitised,
            "approved" => ReportState::Approved,
            "published" => ReportState::Published,
            "withdrawn" => ReportState::Withdrawn,
            _ => return Err(StoreError::Internal(format!("unknown report state {s}"))),
        })
    }
}

/// A report submission: a STIX bundle (from the form or an upload) for a circle's collection.
pub struct NewReport<'a> {
    pub root: &'a str,
    pub collection_id: &'a str,
    pub title: &'a str,
    pub tlp: Tlp,
    pub bundle: Value,
}

/// A report as its reporter or a hub analyst sees it.
#[derive(Clone, Debug, Serialize)]
pub struct ReportInfo {
    pub id: String,
    pub circle_id: String,
    pub collection_id: String,
    pub org_id: String,
    pub user_id: String,
    pub title: String,
    pub tlp: String,
    pub state: ReportState,
    pub original: Value,
    pub sanitised: Option<Value>,
    /// The preview: every change made by de-identification.
    pub changes: Option<Value>,
    pub created_at: i64,
    pub updated_at: i64,
    /// True when the viewer is an analyst of the circle's hub.
    pub viewer_is_analyst: bool,
    /// True when the viewer may give or withhold the reporter's consent.
    pub viewer_is_reporter: bool,
}

/// What the analyst asks de-identification to replace, beyond the defaults.
#[derive(Clone, Debug, Default)]
pub struct SanitiseOptions {
    pub internal_domain_suffixes: Vec<String>,
    pub terms: Vec<String>,
    pub private_ips: bool,
    pub internal_emails_only: bool,
}

const REPORT_COLS: [IntelCol; 13] = [
    IntelCol::Id,
    IntelCol::CircleId,
    IntelCol::CollectionId,
    IntelCol::OrgId,
    IntelCol::UserId,
    IntelCol::Title,
    IntelCol::Tlp,
    IntelCol::State,
    IntelCol::Original,
    IntelCol::Sanitised,
    IntelCol::Changes,
    IntelCol::CreatedAt,
    IntelCol::UpdatedAt,
];

fn parse_json(s: Option<String>) -> Option<Value> {
    s.and_then(|t| serde_json::from_str(&t).ok())
}

fn report_from(r: &QueryResult, tenant: &Tenant, circle: &CircleInfo) -> Result<ReportInfo, StoreError> {
    let org_id: String = r.try_get("", "org_id")?;
    let user_id: String = r.try_get("", "user_id")?;
    let original: String = r.try_get("", "original")?;
    let viewer_is_reporter = tenant.actor().user_id() == Some(user_id.as_str())
        || (tenant.org_id() == org_id && tenant.role().at_least(Role::Admin));
    Ok(ReportInfo {
        id: r.try_get("", "id")?,
        circle_id: r.try_get("", "circle_id")?,
        collection_id: r.try_get("", "collection_id")?,
        org_id,
        user_id,
        title: r.try_get("", "title")?,
        tlp: r.try_get("", "tlp")?,
        state: ReportState::parse(&r.try_get::<String>("", "state")?)?,
        original: serde_json::from_str(&original).unwrap_or(Value::Null),
        sanitised: parse_json(r.try_get("", "sanitised")?),
        changes: parse_json(r.try_get("", "changes")?),
        created_at: r.try_get("", "created_at")?,
        updated_at: r.try_get("", "updated_at")?,
        viewer_is_analyst: is_analyst(tenant, circle),
        viewer_is_reporter,
    })
}

fn digest(v: &Value) -> String {
    hex::encode(Sha256::digest(v.to_string().as_bytes()))
}

impl Store {
    /// Submits a report to the hub of circle `root`. Every object must be valid STIX 2.1.
    pub async fn intel_submit_report(&self, tenant: &Tenant, new: NewReport<'_>) -> Result<String, StoreError> {
        let user = tenant.actor().user_id().ok_or(StoreError::Forbidden("reports are submitted by users"))?;
        tenant.require(Role::Assessor)?;
        let title = new.title.trim();
        if title.is_empty() || title.chars().count() > 200 {
            return Err(StoreError::invalid("title", "use 1–200 characters"));
        }
        let report = validate_envelope(&new.bundle).map_err(|e| StoreError::invalid("bundle", e.to_string()))?;
        if let Some(r) = report.rejected.first() {
            return Err(StoreError::invalid(
                "bundle",
                format!("object {} is not valid STIX 2.1: {}", r.id.as_deref().unwrap_or("?"), r.reasons.join("; ")),
            ));
        }
        if report.accepted.is_empty() {
            return Err(StoreError::invalid("bundle", "the report contains no objects"));
        }
        let txn = self.conn().begin().await?;
        let circle = circle_by_root(&txn, new.root).await?;
        if !is_member(&txn, &circle.id, tenant.org_id()).await? {
            return Err(StoreError::NotFound);
        }
        let q = Query::select()
            .column(IntelCol::Id)
            .from(IntelCollections::Table)
            .and_where(Expr::col(IntelCol::Id).eq(new.collection_id))
            .and_where(Expr::col(IntelCol::CircleId).eq(circle.id.as_str()))
            .to_owned();
        txn.query_one(&q).await?.ok_or_else(|| StoreError::invalid("collection", "not a collection of this circle"))?;
        let id = new_id();
        let now = now_ms();
        let q = Query::insert()
            .into_table(IntelReports::Table)
            .columns(REPORT_COLS)
            .values_panic([
                id.as_str().into(),
                circle.id.as_str().into(),
                new.collection_id.into(),
                tenant.org_id().into(),
                user.into(),
                title.into(),
                new.tlp.as_str().into(),
                ReportState::Submitted.as_str().into(),
                new.bundle.to_string().into(),
                Option::<String>::None.into(),
                Option::<String>::None.into(),
                now.into(),
                now.into(),
            ])
            .to_owned();
        txn.execute(&q).await?;
        audit::append(
            &txn,
            Event {
                tenant_id: Some(tenant.org_id()),
                actor: tenant.actor(),
                action: "intel.report.submit",
                object_type: "intel_report",
                object_id: &id,
                detail: serde_json::json!({"circle": circle.root, "tlp": new.tlp.as_str(), "objects": report.accepted.len(), "digest": digest(&new.bundle)}),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(id)
    }

    /// Reports the tenant may see: its organization's own, and every report of circles
    /// whose hub the tenant is an analyst of. Newest first.
    pub async fn intel_reports(&self, tenant: &Tenant) -> Result<Vec<ReportInfo>, StoreError> {
        let q = Query::select()
            .columns(REPORT_COLS)
            .from(IntelReports::Table)
            .order_by(IntelCol::CreatedAt, Order::Desc)
            .limit(500)
            .to_owned();
        let mut out = Vec::new();
        let mut circles: std::collections::HashMap<String, CircleInfo> = Default::default();
        for r in self.conn().query_all(&q).await? {
            let cid: String = r.try_get("", "circle_id")?;
            if !circles.contains_key(&cid) {
                circles.insert(cid.clone(), circle_by_id(self.conn(), &cid).await?);
            }
            let Some(circle) = circles.get(&cid) else { continue };
            let info = report_from(&r, tenant, circle)?;
            if info.org_id == tenant.org_id() || info.viewer_is_analyst {
                out.push(info);
            }
        }
        Ok(out)
    }

    /// One report, if the tenant is from the reporting organization or a hub analyst.
    pub async fn intel_report(&self, tenant: &Tenant, id: &str) -> Result<ReportInfo, StoreError> {
        report_for(self.conn(), tenant, id).await
    }

    /// The analyst de-identifies the report; the result and its change list are the preview
    /// the reporter must approve. Allowed from `submitted`, `sanitised` and `approved`
    /// (which withdraws the earlier consent).
    pub async fn intel_sanitise_report(
        &self,
        tenant: &Tenant,
        id: &str,
        opts: &SanitiseOptions,
    ) -> Result<ReportInfo, StoreError> {
        let txn = self.conn().begin().await?;
        let r = report_for(&txn, tenant, id).await?;
        if !r.viewer_is_analyst {
            return Err(StoreError::Forbidden("only an analyst of the hub may de-identify"));
        }
        if !matches!(r.state, ReportState::Submitted | ReportState::Sanitised | ReportState::Approved) {
            return Err(StoreError::Conflict(format!("a {} report cannot be de-identified", r.state.as_str())));
        }
        let mut rules = SanitizeRules::new(&circle_secret(&txn, &r.circle_id).await?);
        rules.internal_domain_suffixes = opts.internal_domain_suffixes.clone();
        rules.terms = opts.terms.clone();
        rules.private_ips = opts.private_ips;
        if opts.internal_emails_only {
            rules.emails = EmailScope::InternalOnly;
        }
        let out = sanitize(&r.original, &rules).map_err(|e| StoreError::invalid("bundle", e.to_string()))?;
        let changes = serde_json::to_value(
            out.changes
                .iter()
                .map(|c| serde_json::json!({"path": c.path, "before": c.before, "after": c.after, "rule": format!("{:?}", c.rule)}))
                .collect::<Vec<_>>(),
        )
        .map_err(|e| StoreError::Internal(e.to_string()))?;
        set_state(&txn, id, ReportState::Sanitised, Some((&out.output, &changes)), Some(tenant)).await?;
        audit::append(
            &txn,
            Event {
                tenant_id: Some(tenant.org_id()),
                actor: tenant.actor(),
                action: "intel.report.sanitise",
                object_type: "intel_report",
                object_id: id,
                detail: serde_json::json!({"changes": out.changes.len(), "digest": digest(&out.output), "voided_consent": r.state == ReportState::Approved}),
            },
        )
        .await?;
        txn.commit().await?;
        self.intel_report(tenant, id).await
    }

    /// The reporter consents to publishing exactly the current sanitised content.
    pub async fn intel_approve_report(&self, tenant: &Tenant, id: &str) -> Result<(), StoreError> {
        self.reporter_step(tenant, id, ReportState::Approved, "intel.report.consent").await
    }

    /// The reporter withdraws the report (any state before publication).
    pub async fn intel_withdraw_report(&self, tenant: &Tenant, id: &str) -> Result<(), StoreError> {
        self.reporter_step(tenant, id, ReportState::Withdrawn, "intel.report.withdraw").await
    }

    async fn reporter_step(&self, tenant: &Tenant, id: &str, to: ReportState, action: &str) -> Result<(), StoreError> {
        let txn = self.conn().begin().await?;
        let r = report_for(&txn, tenant, id).await?;
        if !r.viewer_is_reporter {
            return Err(StoreError::Forbidden("only the reporter may consent or withdraw"));
        }
        let allowed = match to {
            ReportState::Approved => r.state == ReportState::Sanitised,
            _ => !matches!(r.state, ReportState::Published | ReportState::Withdrawn),
        };
        if !allowed {
            return Err(StoreError::Conflict(format!("a {} report cannot become {}", r.state.as_str(), to.as_str())));
        }
        set_state(&txn, id, to, None, None).await?;
        let content = r.sanitised.as_ref().map(digest);
        audit::append(
            &txn,
            Event {
                tenant_id: Some(tenant.org_id()),
                actor: tenant.actor(),
                action,
                object_type: "intel_report",
                object_id: id,
                detail: serde_json::json!({"sanitised_digest": content}),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }

    /// The analyst publishes an approved report's sanitised objects to its collection. The
    /// hub is the producer; the reporting user keeps read access to what it reported; for
    /// AMBER and RED the analysts and the reporter are the named recipients.
    pub async fn intel_publish_report(&self, tenant: &Tenant, id: &str) -> Result<usize, StoreError> {
        let r = report_for(self.conn(), tenant, id).await?;
        if !r.viewer_is_analyst {
            return Err(StoreError::Forbidden("only an analyst of the hub may publish"));
        }
        if r.state != ReportState::Approved {
            return Err(StoreError::Conflict("only a report approved by its reporter can be published".into()));
        }
        let body = r.sanitised.clone().ok_or_else(|| StoreError::Internal("approved report without content".into()))?;
        let env = validate_envelope(&body).map_err(|e| StoreError::invalid("bundle", e.to_string()))?;
        let tlp = Tlp::parse(&r.tlp).unwrap_or(Tlp::Amber);
        let mut recipients = vec![Recipient::User(r.user_id.clone())];
        for a in super::hub_analysts(self.conn(), tenant.org_id()).await? {
            recipients.push(Recipient::User(a));
        }
        let opts = IngestOptions {
            policy: TlpPolicy { unmarked: tlp, ..TlpPolicy::default() },
            recipients,
            ..IngestOptions::default()
        };
        let coll = super::CollectionInfo {
            id: r.collection_id.clone(),
            circle_id: r.circle_id.clone(),
            alias: String::new(),
            title: String::new(),
            description: String::new(),
            can_read: true,
            can_write: true,
        };
        let n = env.accepted.len();
        let out =
            self.ingest_as(tenant, &coll, tenant.org_id(), Some(&r.user_id), env.accepted, Vec::new(), &opts).await?;
        let txn = self.conn().begin().await?;
        set_state(&txn, id, ReportState::Published, None, None).await?;
        audit::append(
            &txn,
            Event {
                tenant_id: Some(tenant.org_id()),
                actor: tenant.actor(),
                action: "intel.report.publish",
                object_type: "intel_report",
                object_id: id,
                detail: serde_json::json!({"objects": n, "stored": n - out.duplicates, "tlp": r.tlp, "sanitised_digest": digest(&body)}),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(n)
    }
}

async fn report_for<C: ConnectionTrait>(conn: &C, tenant: &Tenant, id: &str) -> Result<ReportInfo, StoreError> {
    let q = Query::select()
        .columns(REPORT_COLS)
        .from(IntelReports::Table)
        .and_where(Expr::col(IntelCol::Id).eq(id))
        .to_owned();
    let row = conn.query_one(&q).await?.ok_or(StoreError::NotFound)?;
    let cid: String = row.try_get("", "circle_id")?;
    let circle = circle_by_id(conn, &cid).await?;
    let info = report_from(&row, tenant, &circle)?;
    if info.org_id == tenant.org_id() || info.viewer_is_analyst { Ok(info) } else { Err(StoreError::NotFound) }
}

async fn set_state<C: ConnectionTrait>(
    conn: &C,
    id: &str,
    state: ReportState,
    sanitised: Option<(&Value, &Value)>,
    analyst: Option<&Tenant>,
) -> Result<(), StoreError> {
    let mut q = Query::update();
    q.table(IntelReports::Table)
        .value(IntelCol::State, state.as_str())
        .value(IntelCol::UpdatedAt, now_ms())
        .and_where(Expr::col(IntelCol::Id).eq(id));
    if let Some((out, changes)) = sanitised {
        q.value(IntelCol::Sanitised, out.to_string()).value(IntelCol::Changes, changes.to_string());
    }
    if let Some(a) = analyst {
        q.value(IntelCol::AnalystId, a.actor().user_id().map(str::to_owned));
    }
    if state == ReportState::Published {
        q.value(IntelCol::PublishedAt, now_ms());
    }
    conn.execute(&q).await?;
    Ok(())
}
