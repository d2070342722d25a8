//! Assessments: an organization × framework version × scope, its lifecycle, assessors and settings.
//!
//! Answers, comments and inference live in `answers`, evidence in `evidence`, scores and
//! charts in `scores`. Every function takes the caller's [`Tenant`]; an assessment of
//! another organization is simply not found. Every change is audited in its transaction.

mod answers;
mod attest;
pub(crate) mod demo;
mod evidence;
pub mod frameworks;
mod group;
pub(crate) mod migration;
mod reminders;
mod scores;
mod shared;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use mamori_assess::{AssessRole, AssessmentState, LifecycleAction};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Order, Query, QueryStatementBuilder, SelectStatement};
use sea_orm::{ConnectionTrait, QueryResult, TransactionTrait};
use serde::Serialize;

use crate::audit::{self, Event};
use crate::{Role, Store, StoreError, Tenant, new_id, now_ms};
use migration::{AssessSettings, AssessmentAnswers, AssessmentAssessors, Assessments};

pub use answers::{AnswerRecord, Comment, ImportRow, InferredFrom};
pub use attest::AttestFromAssessment;
pub use evidence::{
    ALLOWED_EVIDENCE_TYPES, EvidenceInfo, EvidenceLinkInfo, MAX_EVIDENCE_BYTES, NewFileEvidence, NewLinkEvidence,
};
pub use frameworks::{AnswerKind, Plan, PlanItem, framework, frameworks, plan};
pub use group::{GroupLink, GroupLinkState, GroupLinks, GroupRow, GroupView, group_errors};
pub use reminders::DueEvidenceReminder;
pub use scores::{SchemeScores, Scores, compute_scores};
pub use shared::SharedResult;

/// Scope kinds an assessment may cover.
pub const SCOPE_KINDS: [&str; 4] = ["company", "division", "site", "system"];

/// One assessment as listed and shown; `answered` counts stored answers.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct AssessmentInfo {
    pub id: String,
    pub org_id: String,
    pub framework_id: String,
    pub framework_version: String,
    pub title: String,
    pub scope_kind: String,
    pub scope_name: String,
    pub state: AssessmentState,
    pub created_by: String,
    pub created_by_label: String,
    /// Reference date, `YYYY-MM-DD` (used for trends).
    pub assessed_on: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub approved_by: Option<String>,
    pub approved_at: Option<i64>,
    pub answered: usize,
    /// Assessable requirements in the framework version.
    pub total: usize,
}

impl AssessmentInfo {
    /// Share answered, 0–100.
    pub fn progress_percent(&self) -> u32 {
        ((self.answered.min(self.total) * 100).checked_div(self.total).unwrap_or(0)) as u32
    }
}

/// What creating an assessment needs.
#[derive(Clone, Debug)]
pub struct NewAssessment {
    pub framework_id: String,
    pub framework_version: String,
    pub title: String,
    pub scope_kind: String,
    pub scope_name: String,
    /// Reference date; today when absent.
    pub assessed_on: Option<time::Date>,
}

/// The assessment role a member's organization role grants.
pub fn assess_role(role: Role) -> AssessRole {
    match role {
        Role::Viewer => AssessRole::Viewer,
        Role::Assessor => AssessRole::Assessor,
        Role::Admin | Role::Owner => AssessRole::Admin,
    }
}

/// Counts statements sent through one [`Store`] handle; used to prove constant queries per page.
#[derive(Clone, Debug, Default)]
pub struct QueryCounter(Arc<AtomicU64>);

impl QueryCounter {
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
    pub fn reset(&self) {
        self.0.store(0, Ordering::Relaxed);
    }
}

pub(crate) fn state_from(code: &str) -> Result<AssessmentState, StoreError> {
    Ok(match code {
        "draft" => AssessmentState::Draft,
        "in_review" => AssessmentState::InReview,
        "submitted" => AssessmentState::Submitted,
        "approved" => AssessmentState::Approved,
        "archived" => AssessmentState::Archived,
        other => return Err(StoreError::Internal(format!("unknown assessment state {other}"))),
    })
}

pub(crate) fn iso_date(d: time::Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

pub(crate) fn parse_date(field: &'static str, s: &str) -> Result<time::Date, StoreError> {
    let f = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(s.trim(), &f).map_err(|_| StoreError::invalid(field, "use a date as YYYY-MM-DD"))
}

fn today() -> time::Date {
    time::OffsetDateTime::now_utc().date()
}

const COLS: [Assessments; 15] = [
    Assessments::Id,
    Assessments::OrgId,
    Assessments::FrameworkId,
    Assessments::FrameworkVersion,
    Assessments::Title,
    Assessments::ScopeKind,
    Assessments::ScopeName,
    Assessments::State,
    Assessments::CreatedBy,
    Assessments::CreatedByLabel,
    Assessments::AssessedOn,
    Assessments::CreatedAt,
    Assessments::UpdatedAt,
    Assessments::ApprovedBy,
    Assessments::ApprovedAt,
];

/// The one select for assessments: columns plus the answer count as a correlated subquery,
/// so a whole page is one statement. Callers add the organization condition.
fn select_assessments_of() -> SelectStatement {
    let answered = Query::select()
        .expr(Expr::col((AssessmentAnswers::Table, AssessmentAnswers::RequirementId)).count())
        .from(AssessmentAnswers::Table)
        .and_where(
            Expr::col((AssessmentAnswers::Table, AssessmentAnswers::AssessmentId))
                .equals((Assessments::Table, Assessments::Id)),
        )
        .to_owned();
    Query::select()
        .columns(COLS.map(|c| (Assessments::Table, c)))
        .expr_as(
            sea_orm::sea_query::Expr::SubQuery(None, Box::new(answered.into_sub_query_statement())),
            Alias::new("answered"),
        )
        .from(Assessments::Table)
        .to_owned()
}

/// [`select_assessments_of`] for one organization.
fn select_assessments(org_id: &str) -> SelectStatement {
    select_assessments_of().and_where(Expr::col((Assessments::Table, Assessments::OrgId)).eq(org_id)).to_owned()
}

fn assessment_from_row(r: &QueryResult) -> Result<AssessmentInfo, StoreError> {
    let framework_id: String = r.try_get("", "framework_id")?;
    let framework_version: String = r.try_get("", "framework_version")?;
    let total = plan(&framework_id, &framework_version).map_or(0, |p| p.items.len());
    let answered: i64 = r.try_get("", "answered")?;
    let state: String = r.try_get("", "state")?;
    Ok(AssessmentInfo {
        id: r.try_get("", "id")?,
        org_id: r.try_get("", "org_id")?,
        framework_id,
        framework_version,
        title: r.try_get("", "title")?,
        scope_kind: r.try_get("", "scope_kind")?,
        scope_name: r.try_get("", "scope_name")?,
        state: state_from(&state)?,
        created_by: r.try_get("", "created_by")?,
        created_by_label: r.try_get("", "created_by_label")?,
        assessed_on: r.try_get("", "assessed_on")?,
        created_at: r.try_get("", "created_at")?,
        updated_at: r.try_get("", "updated_at")?,
        approved_by: r.try_get("", "approved_by")?,
        approved_at: r.try_get("", "approved_at")?,
        answered: usize::try_from(answered).unwrap_or(0),
        total,
    })
}

pub(crate) async fn load_assessment<C: ConnectionTrait>(
    conn: &C,
    tenant: &Tenant,
    id: &str,
) -> Result<AssessmentInfo, StoreError> {
    load_assessment_of(conn, tenant.org_id(), id).await
}

/// An assessment of one organization; callers prove their right to read it (a tenant, or a share).
pub(crate) async fn load_assessment_of<C: ConnectionTrait>(
    conn: &C,
    org_id: &str,
    id: &str,
) -> Result<AssessmentInfo, StoreError> {
    let q = select_assessments(org_id).and_where(Expr::col((Assessments::Table, Assessments::Id)).eq(id)).to_owned();
    let row = conn.query_one(&q).await?.ok_or(StoreError::NotFound)?;
    assessment_from_row(&row)
}

pub(crate) fn actor_user(tenant: &Tenant) -> String {
    tenant.actor().user_id().unwrap_or_default().to_owned()
}

pub(crate) async fn touch<C: ConnectionTrait>(conn: &C, id: &str) -> Result<(), StoreError> {
    let q = Query::update()
        .table(Assessments::Table)
        .value(Assessments::UpdatedAt, now_ms())
        .and_where(Expr::col(Assessments::Id).eq(id))
        .to_owned();
    conn.execute(&q).await?;
    Ok(())
}

pub(crate) async fn audit_assess<C: ConnectionTrait>(
    conn: &C,
    tenant: &Tenant,
    action: &str,
    object_type: &str,
    object_id: &str,
    detail: serde_json::Value,
) -> Result<(), StoreError> {
    audit::append(
        conn,
        Event { tenant_id: Some(tenant.org_id()), actor: tenant.actor(), action, object_type, object_id, detail },
    )
    .await?;
    Ok(())
}

fn check_text(field: &'static str, value: &str, max: usize) -> Result<String, StoreError> {
    let v = value.trim();
    if v.is_empty() {
        return Err(StoreError::invalid(field, "must not be empty"));
    }
    if v.chars().count() > max {
        return Err(StoreError::invalid(field, format!("must be at most {max} characters")));
    }
    if v.chars().any(char::is_control) {
        return Err(StoreError::invalid(field, "must not contain control characters"));
    }
    Ok(v.to_owned())
}

impl Store {
    /// Creates a draft assessment pinned to a framework version; the creator becomes its first assessor.
    pub async fn create_assessment(&self, tenant: &Tenant, new: NewAssessment) -> Result<AssessmentInfo, StoreError> {
        tenant.require(Role::Assessor)?;
        if plan(&new.framework_id, &new.framework_version).is_none() {
            return Err(StoreError::invalid("framework", "unknown framework or version"));
        }
        if !SCOPE_KINDS.contains(&new.scope_kind.as_str()) {
            return Err(StoreError::invalid("scope_kind", "must be company, division, site or system"));
        }
        let title = check_text("title", &new.title, 200)?;
        let scope_name = check_text("scope_name", &new.scope_name, 200)?;
        let id = new_id();
        let now = now_ms();
        let user = actor_user(tenant);
        let txn = self.conn().begin().await?;
        let q = Query::insert()
            .into_table(Assessments::Table)
            .columns(COLS)
            .values_panic([
                id.clone().into(),
                tenant.org_id().into(),
                new.framework_id.clone().into(),
                new.framework_version.clone().into(),
                title.clone().into(),
                new.scope_kind.clone().into(),
                scope_name.into(),
                AssessmentState::Draft.code().into(),
                user.clone().into(),
                tenant.actor().audit_label().into(),
                iso_date(new.assessed_on.unwrap_or_else(today)).into(),
                now.into(),
                now.into(),
                Option::<String>::None.into(),
                Option::<i64>::None.into(),
            ])
            .to_owned();
        txn.execute(&q).await?;
        if !user.is_empty() {
            let q = Query::insert()
                .into_table(AssessmentAssessors::Table)
                .columns([
                    AssessmentAssessors::AssessmentId,
                    AssessmentAssessors::UserId,
                    AssessmentAssessors::CreatedAt,
                ])
                .values_panic([id.clone().into(), user.into(), now.into()])
                .to_owned();
            txn.execute(&q).await?;
        }
        audit_assess(
            &txn,
            tenant,
            "assessment.create",
            "assessment",
            &id,
            serde_json::json!({
                "framework": new.framework_id, "version": new.framework_version, "title": title,
                "scope_kind": new.scope_kind,
            }),
        )
        .await?;
        let info = load_assessment(&txn, tenant, &id).await?;
        txn.commit().await?;
        Ok(info)
    }

    /// One page of the tenant's assessments, newest first, with progress: one statement.
    pub async fn assessments_page(
        &self,
        tenant: &Tenant,
        offset: u64,
        limit: u64,
    ) -> Result<Vec<AssessmentInfo>, StoreError> {
        let q = select_assessments(tenant.org_id())
            .order_by((Assessments::Table, Assessments::CreatedAt), Order::Desc)
            .order_by((Assessments::Table, Assessments::Id), Order::Desc)
            .limit(limit)
            .offset(offset)
            .to_owned();
        self.conn().query_all(&q).await?.iter().map(assessment_from_row).collect()
    }

    /// One assessment of the tenant.
    pub async fn assessment(&self, tenant: &Tenant, id: &str) -> Result<AssessmentInfo, StoreError> {
        load_assessment(self.conn(), tenant, id).await
    }

    /// Moves an assessment through its lifecycle, by the assess crate's rules (four eyes for approval).
    pub async fn transition_assessment(
        &self,
        tenant: &Tenant,
        id: &str,
        action: LifecycleAction,
    ) -> Result<AssessmentInfo, StoreError> {
        let txn = self.conn().begin().await?;
        let info = load_assessment(&txn, tenant, id).await?;
        let user = actor_user(tenant);
        let is_author = !user.is_empty() && user == info.created_by;
        let to =
            mamori_assess::transition(info.state, action, assess_role(tenant.role()), is_author).map_err(
                |e| match e {
                    mamori_assess::TransitionError::InvalidFromState { .. } => StoreError::Conflict(e.to_string()),
                    mamori_assess::TransitionError::RoleNotPermitted { .. } => {
                        StoreError::Forbidden("your role may not do this to the assessment")
                    }
                    mamori_assess::TransitionError::FourEyes { .. } => {
                        StoreError::Forbidden("another person must review or approve this assessment")
                    }
                },
            )?;
        let now = now_ms();
        let mut q = Query::update();
        q.table(Assessments::Table)
            .value(Assessments::State, to.code())
            .value(Assessments::UpdatedAt, now)
            .and_where(Expr::col(Assessments::Id).eq(id))
            .and_where(Expr::col(Assessments::OrgId).eq(tenant.org_id()))
            .and_where(Expr::col(Assessments::State).eq(info.state.code()));
        if to == AssessmentState::Approved {
            q.value(Assessments::ApprovedBy, tenant.actor().audit_label()).value(Assessments::ApprovedAt, now);
        }
        let res = txn.execute(&q).await?;
        if res.rows_affected() != 1 {
            return Err(StoreError::Conflict("the assessment changed meanwhile; reload and try again".into()));
        }
        audit_assess(
            &txn,
            tenant,
            "assessment.transition",
            "assessment",
            id,
            serde_json::json!({
                "action": action, "from": info.state.code(), "to": to.code(),
            }),
        )
        .await?;
        let info = load_assessment(&txn, tenant, id).await?;
        txn.commit().await?;
        Ok(info)
    }

    /// Adds a member of the organization as an assessor (admins, or the assessment's author).
    pub async fn add_assessor(&self, tenant: &Tenant, id: &str, user_id: &str) -> Result<(), StoreError> {
        tenant.require(Role::Assessor)?;
        let txn = self.conn().begin().await?;
        let info = load_assessment(&txn, tenant, id).await?;
        if !tenant.role().at_least(Role::Admin) && actor_user(tenant) != info.created_by {
            return Err(StoreError::Forbidden("only an admin or the author may add assessors"));
        }
        if crate::accounts::member_role_opt(&txn, tenant.org_id(), user_id).await?.is_none() {
            return Err(StoreError::invalid("user", "is not a member of this organization"));
        }
        let q = Query::insert()
            .into_table(AssessmentAssessors::Table)
            .columns([AssessmentAssessors::AssessmentId, AssessmentAssessors::UserId, AssessmentAssessors::CreatedAt])
            .values_panic([id.into(), user_id.into(), now_ms().into()])
            .to_owned();
        txn.execute(&q).await.map_err(|e| StoreError::from_insert(e, "this assessor"))?;
        audit_assess(&txn, tenant, "assessment.assessor_add", "assessment", id, serde_json::json!({"user": user_id}))
            .await?;
        txn.commit().await?;
        Ok(())
    }

    /// User ids of the assessment's assessors.
    pub async fn assessors(&self, tenant: &Tenant, id: &str) -> Result<Vec<String>, StoreError> {
        load_assessment(self.conn(), tenant, id).await?;
        let q = Query::select()
            .column(AssessmentAssessors::UserId)
            .from(AssessmentAssessors::Table)
            .and_where(Expr::col(AssessmentAssessors::AssessmentId).eq(id))
            .order_by(AssessmentAssessors::CreatedAt, Order::Asc)
            .to_owned();
        self.conn().query_all(&q).await?.iter().map(|r| r.try_get("", "user_id").map_err(Into::into)).collect()
    }

    /// Whether the organization contributes to (and may see) sector averages.
    pub async fn sector_opt_in(&self, tenant: &Tenant) -> Result<bool, StoreError> {
        let q = Query::select()
            .column(AssessSettings::SectorOptIn)
            .from(AssessSettings::Table)
            .and_where(Expr::col(AssessSettings::OrgId).eq(tenant.org_id()))
            .to_owned();
        match self.conn().query_one(&q).await? {
            Some(r) => Ok(r.try_get("", "sector_opt_in")?),
            None => Ok(false),
        }
    }

    /// Opts the organization in or out of sector averages (admins).
    pub async fn set_sector_opt_in(&self, tenant: &Tenant, opt_in: bool) -> Result<(), StoreError> {
        tenant.require(Role::Admin)?;
        let txn = self.conn().begin().await?;
        let del = Query::delete()
            .from_table(AssessSettings::Table)
            .and_where(Expr::col(AssessSettings::OrgId).eq(tenant.org_id()))
            .to_owned();
        txn.execute(&del).await?;
        let q = Query::insert()
            .into_table(AssessSettings::Table)
            .columns([AssessSettings::OrgId, AssessSettings::SectorOptIn, AssessSettings::UpdatedAt])
            .values_panic([tenant.org_id().into(), opt_in.into(), now_ms().into()])
            .to_owned();
        txn.execute(&q).await?;
        audit_assess(
            &txn,
            tenant,
            "assess.sector_opt_in",
            "org",
            tenant.org_id(),
            serde_json::json!({"opt_in": opt_in}),
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }

    /// The administrative path for the CLI: an owner tenant of the organization that holds assessment `id`.
    pub async fn admin_tenant_for_assessment(&self, id: &str, path: crate::AdminPath) -> Result<Tenant, StoreError> {
        let q = Query::select()
            .column(Assessments::OrgId)
            .from(Assessments::Table)
            .and_where(Expr::col(Assessments::Id).eq(id))
            .to_owned();
        let org: String = self.conn().query_one(&q).await?.ok_or(StoreError::NotFound)?.try_get("", "org_id")?;
        let crate::AdminPath::Cli { operator } = path;
        Ok(Tenant::new(org, Role::Owner, crate::Actor::Cli(operator)))
    }

    /// The administrative path for the CLI: every organization's assessments (newest first), one query.
    pub async fn admin_all_assessments(
        &self,
        _path: crate::AdminPath,
        offset: u64,
        limit: u64,
    ) -> Result<Vec<AssessmentInfo>, StoreError> {
        // No tenant filter: this is the operator's view of the whole database.
        let answered = Query::select()
            .expr(Expr::col((AssessmentAnswers::Table, AssessmentAnswers::RequirementId)).count())
            .from(AssessmentAnswers::Table)
            .and_where(
                Expr::col((AssessmentAnswers::Table, AssessmentAnswers::AssessmentId))
                    .equals((Assessments::Table, Assessments::Id)),
            )
            .to_owned();
        let q = Query::select()
            .columns(COLS.map(|c| (Assessments::Table, c)))
            .expr_as(
                sea_orm::sea_query::Expr::SubQuery(None, Box::new(answered.into_sub_query_statement())),
                Alias::new("answered"),
            )
            .from(Assessments::Table)
            .order_by((Assessments::Table, Assessments::CreatedAt), Order::Desc)
            .order_by((Assessments::Table, Assessments::Id), Order::Desc)
            .limit(limit)
            .offset(offset)
            .to_owned();
        self.conn().query_all(&q).await?.iter().map(assessment_from_row).collect()
    }

    /// A handle on the same database that counts every statement it sends.
    pub fn with_query_counter(&self) -> (Store, QueryCounter) {
        let counter = QueryCounter::default();
        let mut store = self.clone();
        let c = counter.0.clone();
        store.db.set_metric_callback(move |_| {
            c.fetch_add(1, Ordering::Relaxed);
        });
        (store, counter)
    }
}
