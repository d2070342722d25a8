//! Company groups: a parent organization asks another organization to join its group as a
//! subsidiary; the subsidiary's administrators accept (or decline), and either side can end the
//! link. While a link is active, the parent sees the subsidiary's *scores* — the headline number
//! and the per-axis values of its latest submitted, approved or archived assessment of a
//! framework — side by side with its own. Answers, evidence and assessment ids never cross.
//!
//! A subsidiary has at most one active parent, and a link never closes a cycle.

use std::collections::{BTreeMap, HashMap};

use mamori_assess::{
    AnswerView, AssessmentState, ChartError, GroupComparison, GroupMember, RadarSeries, group_comparison,
};
use sea_orm::sea_query::{Expr, ExprTrait, Order, Query};
use sea_orm::{ConnectionTrait, QueryResult, TransactionTrait};
use serde::Serialize;

use super::answers::load_answers;
use super::frameworks::{Plan, frameworks, plan};
use super::migration::{Assessments, OrgGroups};
use super::scores::{Scores, compute_scores};
use super::{AssessmentInfo, assessment_from_row, select_assessments_of};
use crate::accounts::{OrgInfo, org_by, org_columns, org_from_row};
use crate::audit::{self, Event};
use crate::schema::Orgs;
use crate::{Role, Store, StoreError, Tenant, new_id, now_ms};

/// The refusals of group actions, so that callers can translate them by identity.
pub mod group_errors {
    pub const UNKNOWN_ORG: &str = "no organization has this short ID";
    pub const SELF: &str = "an organization cannot be its own subsidiary";
    pub const CYCLE: &str = "this organization is already above yours in the group; a group cannot loop";
    pub const ASKED_YOU: &str = "this organization has already asked yours to join its group";
    pub const EXISTS: &str = "this organization is already in your group or asked";
    pub const HAS_PARENT: &str = "your organization already belongs to a group; end that link first";
}
use group_errors as msg;

/// How deep the cycle check walks up a chain of parents.
const MAX_DEPTH: usize = 32;

/// Where a group link stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupLinkState {
    /// Asked by the parent, not yet answered by the subsidiary.
    Pending,
    /// Accepted: the parent sees the subsidiary's scores.
    Active,
    /// Refused by the subsidiary.
    Declined,
    /// Ended by either side.
    Ended,
}

impl GroupLinkState {
    pub fn code(self) -> &'static str {
        match self {
            GroupLinkState::Pending => "pending",
            GroupLinkState::Active => "active",
            GroupLinkState::Declined => "declined",
            GroupLinkState::Ended => "ended",
        }
    }

    fn parse(s: &str) -> Result<Self, StoreError> {
        Ok(match s {
            "pending" => GroupLinkState::Pending,
            "active" => GroupLinkState::Active,
            "declined" => GroupLinkState::Declined,
            "ended" => GroupLinkState::Ended,
            other => return Err(StoreError::Internal(format!("unknown group link state {other}"))),
        })
    }

    /// Whether the link still counts (pending or active).
    pub fn is_open(self) -> bool {
        matches!(self, GroupLinkState::Pending | GroupLinkState::Active)
    }
}

/// One parent → subsidiary link.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct GroupLink {
    pub id: String,
    pub parent: OrgInfo,
    pub child: OrgInfo,
    pub state: GroupLinkState,
    pub requested_at: i64,
    pub decided_at: Option<i64>,
}

/// The tenant's links, in both directions.
#[derive(Clone, Debug, Serialize, PartialEq, Default)]
pub struct GroupLinks {
    /// Links where the tenant is the parent, newest first.
    pub subsidiaries: Vec<GroupLink>,
    /// Links where the tenant is the subsidiary, newest first.
    pub parents: Vec<GroupLink>,
}

/// One organization's row in a group comparison.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct GroupRow {
    pub org: OrgInfo,
    /// Whether this row is the tenant itself.
    pub is_self: bool,
    /// The tenant's own assessment, for a link; never set for a subsidiary.
    pub assessment_id: Option<String>,
    /// The compared assessment's reference date, version and state; `None` when there is none.
    pub assessed_on: Option<String>,
    pub framework_version: Option<String>,
    pub state: Option<AssessmentState>,
    /// The headline number (percent, SECURITY ACTION points, or mean maturity).
    pub overall: Option<f64>,
    /// Set when the row's result cannot be compared (another metric or scale).
    pub not_comparable: bool,
}

/// A parent and its active subsidiaries side by side for one framework.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct GroupView {
    pub framework_id: String,
    /// The version whose axes the comparison uses (the parent's, else the newest built-in).
    pub framework_version: String,
    pub comparison: GroupComparison,
    /// The tenant first, then subsidiaries by name.
    pub rows: Vec<GroupRow>,
}

const LINK_COLS: [OrgGroups; 6] = [
    OrgGroups::Id,
    OrgGroups::ParentOrgId,
    OrgGroups::ChildOrgId,
    OrgGroups::State,
    OrgGroups::RequestedAt,
    OrgGroups::DecidedAt,
];

struct RawLink {
    id: String,
    parent: String,
    child: String,
    state: GroupLinkState,
    requested_at: i64,
    decided_at: Option<i64>,
}

fn raw_from_row(r: &QueryResult) -> Result<RawLink, StoreError> {
    let state: String = r.try_get("", "state")?;
    Ok(RawLink {
        id: r.try_get("", "id")?,
        parent: r.try_get("", "parent_org_id")?,
        child: r.try_get("", "child_org_id")?,
        state: GroupLinkState::parse(&state)?,
        requested_at: r.try_get("", "requested_at")?,
        decided_at: r.try_get("", "decided_at")?,
    })
}

async fn raw_links<C: ConnectionTrait>(
    conn: &C,
    cond: sea_orm::sea_query::Condition,
) -> Result<Vec<RawLink>, StoreError> {
    let q = Query::select()
        .columns(LINK_COLS)
        .from(OrgGroups::Table)
        .cond_where(cond)
        .order_by(OrgGroups::RequestedAt, Order::Desc)
        .order_by(OrgGroups::Id, Order::Asc)
        .to_owned();
    conn.query_all(&q).await?.iter().map(raw_from_row).collect()
}

async fn orgs_by_id<C: ConnectionTrait>(conn: &C, ids: Vec<String>) -> Result<HashMap<String, OrgInfo>, StoreError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let q =
        Query::select().columns(org_columns()).from(Orgs::Table).and_where(Expr::col(Orgs::Id).is_in(ids)).to_owned();
    conn.query_all(&q).await?.iter().map(|r| org_from_row(r).map(|o| (o.id.clone(), o))).collect()
}

/// The active parent of `org`, if any.
async fn active_parent<C: ConnectionTrait>(conn: &C, org: &str) -> Result<Option<String>, StoreError> {
    let q = Query::select()
        .column(OrgGroups::ParentOrgId)
        .from(OrgGroups::Table)
        .and_where(Expr::col(OrgGroups::ChildOrgId).eq(org))
        .and_where(Expr::col(OrgGroups::State).eq(GroupLinkState::Active.code()))
        .to_owned();
    Ok(match conn.query_one(&q).await? {
        Some(r) => Some(r.try_get("", "parent_org_id")?),
        None => None,
    })
}

/// Whether `candidate` is `org` or one of its active ancestors.
async fn is_self_or_ancestor<C: ConnectionTrait>(conn: &C, org: &str, candidate: &str) -> Result<bool, StoreError> {
    let mut at = org.to_owned();
    for _ in 0..MAX_DEPTH {
        if at == candidate {
            return Ok(true);
        }
        match active_parent(conn, &at).await? {
            Some(p) => at = p,
            None => return Ok(false),
        }
    }
    Ok(false)
}

fn cycle_error() -> StoreError {
    StoreError::invalid("subsidiary", msg::CYCLE)
}

async fn audit_link<C: ConnectionTrait>(
    conn: &C,
    tenant: &Tenant,
    action: &str,
    link_id: &str,
    other: &str,
) -> Result<(), StoreError> {
    super::audit_assess(conn, tenant, action, "org_group", link_id, serde_json::json!({ "other_org": other })).await
}

/// Inserts a link row; `decided` is set for links created already answered (the demo).
async fn insert_link<C: ConnectionTrait>(
    conn: &C,
    parent: &str,
    child: &str,
    state: GroupLinkState,
    by: &str,
    now: i64,
    decided: bool,
) -> Result<String, StoreError> {
    let id = new_id();
    let decided_by: Option<&str> = decided.then_some(by);
    let q = Query::insert()
        .into_table(OrgGroups::Table)
        .columns([
            OrgGroups::Id,
            OrgGroups::ParentOrgId,
            OrgGroups::ChildOrgId,
            OrgGroups::State,
            OrgGroups::RequestedBy,
            OrgGroups::RequestedAt,
            OrgGroups::DecidedBy,
            OrgGroups::DecidedAt,
        ])
        .values_panic([
            id.clone().into(),
            parent.into(),
            child.into(),
            state.code().into(),
            by.into(),
            now.into(),
            decided_by.into(),
            decided.then_some(now).into(),
        ])
        .to_owned();
    conn.execute(&q).await.map_err(|e| StoreError::from_insert(e, "this group link"))?;
    Ok(id)
}

fn series_of(scores: &Scores) -> Option<RadarSeries> {
    scores.radar.clone().or_else(|| {
        scores.bars.as_ref().map(|b| RadarSeries {
            axes: b.bars.iter().map(|x| x.axis.clone()).collect(),
            values: b.bars.iter().map(|x| x.value).collect(),
            target: None,
            comparison: None,
            metric: b.metric,
            max: b.max,
        })
    })
}

/// The newest built-in version of a framework.
fn newest_plan(framework_id: &str) -> Option<std::sync::Arc<Plan>> {
    frameworks()
        .iter()
        .filter(|f| f.id == framework_id)
        .max_by(|a, b| a.published.cmp(&b.published).then_with(|| a.version.cmp(&b.version)))
        .and_then(|f| plan(&f.id, &f.version))
}

impl Store {
    /// Asks the organization `child_slug` to join the tenant's group as a subsidiary. Admins only.
    pub async fn group_request(&self, tenant: &Tenant, child_slug: &str) -> Result<GroupLink, StoreError> {
        tenant.require(Role::Admin)?;
        let txn = self.conn().begin().await?;
        let child = match org_by(&txn, Orgs::Slug, child_slug.trim()).await {
            Err(StoreError::NotFound) => {
                return Err(StoreError::invalid("subsidiary", msg::UNKNOWN_ORG));
            }
            other => other?,
        };
        if child.id == tenant.org_id() {
            return Err(StoreError::invalid("subsidiary", msg::SELF));
        }
        if is_self_or_ancestor(&txn, tenant.org_id(), &child.id).await? {
            return Err(cycle_error());
        }
        let pair = |p: &str, c: &str| {
            sea_orm::sea_query::Condition::all()
                .add(Expr::col(OrgGroups::ParentOrgId).eq(p))
                .add(Expr::col(OrgGroups::ChildOrgId).eq(c))
        };
        if raw_links(&txn, pair(&child.id, tenant.org_id())).await?.iter().any(|l| l.state.is_open()) {
            return Err(StoreError::Conflict(msg::ASKED_YOU.into()));
        }
        let existing = raw_links(&txn, pair(tenant.org_id(), &child.id)).await?.into_iter().next();
        let now = now_ms();
        let id = match existing {
            Some(l) if l.state.is_open() => {
                return Err(StoreError::Conflict(msg::EXISTS.into()));
            }
            Some(l) => {
                let q = Query::update()
                    .table(OrgGroups::Table)
                    .values([
                        (OrgGroups::State, GroupLinkState::Pending.code().into()),
                        (OrgGroups::RequestedBy, tenant.actor().audit_label().into()),
                        (OrgGroups::RequestedAt, now.into()),
                        (OrgGroups::DecidedBy, Option::<String>::None.into()),
                        (OrgGroups::DecidedAt, Option::<i64>::None.into()),
                    ])
                    .and_where(Expr::col(OrgGroups::Id).eq(l.id.clone()))
                    .to_owned();
                txn.execute(&q).await?;
                l.id
            }
            None => {
                let by = tenant.actor().audit_label();
                insert_link(&txn, tenant.org_id(), &child.id, GroupLinkState::Pending, &by, now, false).await?
            }
        };
        audit_link(&txn, tenant, "group.request", &id, &child.slug).await?;
        let parent = org_by(&txn, Orgs::Id, tenant.org_id()).await?;
        txn.commit().await?;
        Ok(GroupLink { id, parent, child, state: GroupLinkState::Pending, requested_at: now, decided_at: None })
    }

    /// The subsidiary accepts or declines a pending request. Admins of the subsidiary only;
    /// a link the tenant is not the subsidiary of is not found.
    pub async fn group_decide(&self, tenant: &Tenant, link_id: &str, accept: bool) -> Result<(), StoreError> {
        tenant.require(Role::Admin)?;
        let txn = self.conn().begin().await?;
        let cond = sea_orm::sea_query::Condition::all()
            .add(Expr::col(OrgGroups::Id).eq(link_id))
            .add(Expr::col(OrgGroups::ChildOrgId).eq(tenant.org_id()));
        let link = raw_links(&txn, cond).await?.into_iter().next().ok_or(StoreError::NotFound)?;
        if link.state != GroupLinkState::Pending {
            return Err(StoreError::Conflict(format!("this request is already {}", link.state.code())));
        }
        if accept {
            if active_parent(&txn, tenant.org_id()).await?.is_some() {
                return Err(StoreError::Conflict(msg::HAS_PARENT.into()));
            }
            if is_self_or_ancestor(&txn, &link.parent, tenant.org_id()).await? {
                return Err(cycle_error());
            }
        }
        let state = if accept { GroupLinkState::Active } else { GroupLinkState::Declined };
        let q = Query::update()
            .table(OrgGroups::Table)
            .values([
                (OrgGroups::State, state.code().into()),
                (OrgGroups::DecidedBy, tenant.actor().audit_label().into()),
                (OrgGroups::DecidedAt, now_ms().into()),
            ])
            .and_where(Expr::col(OrgGroups::Id).eq(link_id))
            .and_where(Expr::col(OrgGroups::State).eq(GroupLinkState::Pending.code()))
            .to_owned();
        txn.execute(&q).await?;
        let parent = org_by(&txn, Orgs::Id, &link.parent).await?;
        audit_link(&txn, tenant, if accept { "group.accept" } else { "group.decline" }, link_id, &parent.slug).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Either side ends a pending or active link. Admins only.
    pub async fn group_end(&self, tenant: &Tenant, link_id: &str) -> Result<(), StoreError> {
        tenant.require(Role::Admin)?;
        let txn = self.conn().begin().await?;
        let cond = sea_orm::sea_query::Condition::all().add(Expr::col(OrgGroups::Id).eq(link_id)).add(
            sea_orm::sea_query::Condition::any()
                .add(Expr::col(OrgGroups::ParentOrgId).eq(tenant.org_id()))
                .add(Expr::col(OrgGroups::ChildOrgId).eq(tenant.org_id())),
        );
        let link = raw_links(&txn, cond).await?.into_iter().next().ok_or(StoreError::NotFound)?;
        if !link.state.is_open() {
            return Err(StoreError::Conflict(format!("this link is already {}", link.state.code())));
        }
        let q = Query::update()
            .table(OrgGroups::Table)
            .values([
                (OrgGroups::State, GroupLinkState::Ended.code().into()),
                (OrgGroups::DecidedBy, tenant.actor().audit_label().into()),
                (OrgGroups::DecidedAt, now_ms().into()),
            ])
            .and_where(Expr::col(OrgGroups::Id).eq(link_id))
            .to_owned();
        txn.execute(&q).await?;
        let other = if link.parent == tenant.org_id() { &link.child } else { &link.parent };
        let other = org_by(&txn, Orgs::Id, other).await?;
        audit_link(&txn, tenant, "group.end", link_id, &other.slug).await?;
        txn.commit().await?;
        Ok(())
    }

    /// The tenant's group links in both directions. Any member may read them.
    pub async fn group_links(&self, tenant: &Tenant) -> Result<GroupLinks, StoreError> {
        let me = tenant.org_id();
        let cond = sea_orm::sea_query::Condition::any()
            .add(Expr::col(OrgGroups::ParentOrgId).eq(me))
            .add(Expr::col(OrgGroups::ChildOrgId).eq(me));
        let raw = raw_links(self.conn(), cond).await?;
        let ids =
            raw.iter().flat_map(|l| [l.parent.clone(), l.child.clone()]).collect::<std::collections::BTreeSet<_>>();
        let orgs = orgs_by_id(self.conn(), ids.into_iter().collect()).await?;
        let mut out = GroupLinks::default();
        for l in raw {
            let (Some(parent), Some(child)) = (orgs.get(&l.parent), orgs.get(&l.child)) else { continue };
            let link = GroupLink {
                id: l.id,
                parent: parent.clone(),
                child: child.clone(),
                state: l.state,
                requested_at: l.requested_at,
                decided_at: l.decided_at,
            };
            if l.parent == me { out.subsidiaries.push(link) } else { out.parents.push(link) }
        }
        Ok(out)
    }

    /// The tenant and its active subsidiaries side by side for `framework_id`: for each, the
    /// latest submitted, approved or archived assessment of that framework. Two queries for the
    /// group plus one for the organizations, whatever its size.
    pub async fn group_comparison(&self, tenant: &Tenant, framework_id: &str) -> Result<GroupView, StoreError> {
        let reference =
            newest_plan(framework_id).ok_or_else(|| StoreError::invalid("framework", "no such framework"))?;
        let me = tenant.org_id().to_owned();
        let subs = self.group_links(tenant).await?.subsidiaries;
        let mut orgs: Vec<OrgInfo> =
            subs.into_iter().filter(|l| l.state == GroupLinkState::Active).map(|l| l.child).collect();
        orgs.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.id.cmp(&b.id)));
        orgs.insert(0, org_by(self.conn(), Orgs::Id, &me).await?);
        let org_ids: Vec<String> = orgs.iter().map(|o| o.id.clone()).collect();

        let q = select_assessments_of()
            .and_where(Expr::col((Assessments::Table, Assessments::OrgId)).is_in(org_ids.clone()))
            .and_where(Expr::col((Assessments::Table, Assessments::FrameworkId)).eq(framework_id))
            .and_where(Expr::col((Assessments::Table, Assessments::State)).is_in(["submitted", "approved", "archived"]))
            .to_owned();
        let mut latest: BTreeMap<String, AssessmentInfo> = BTreeMap::new();
        for row in self.conn().query_all(&q).await? {
            let a = assessment_from_row(&row)?;
            let newer = latest
                .get(&a.org_id)
                .is_none_or(|b| (&a.assessed_on, a.created_at, &a.id) > (&b.assessed_on, b.created_at, &b.id));
            if newer {
                latest.insert(a.org_id.clone(), a);
            }
        }
        let ids: Vec<String> = latest.values().map(|a| a.id.clone()).collect();
        let mut answers: HashMap<String, BTreeMap<String, AnswerView>> = HashMap::new();
        for (aid, a) in load_answers(self.conn(), &ids).await? {
            answers.entry(aid).or_default().insert(a.requirement_id, a.view);
        }
        let empty = BTreeMap::new();
        let score = |p: &Plan, aid: Option<&str>| {
            compute_scores(p, aid.and_then(|a| answers.get(a)).unwrap_or(&empty))
                .map_err(|e| StoreError::Internal(format!("scoring failed: {e}")))
        };

        let mut rows = Vec::with_capacity(orgs.len());
        let mut members = Vec::with_capacity(orgs.len());
        for org in orgs {
            let a = latest.get(&org.id);
            let p = a.and_then(|a| plan(&a.framework_id, &a.framework_version));
            let scores = match (&p, a) {
                (Some(p), Some(a)) => Some(score(p, Some(&a.id))?),
                _ => None,
            };
            // Without a result the row still gets the reference axes, all empty.
            let series = match &scores {
                Some(s) => series_of(s),
                None => series_of(&score(&reference, None)?),
            }
            .ok_or_else(|| StoreError::Internal(format!("{framework_id} has no chart to compare")))?;
            let is_self = org.id == me;
            rows.push(GroupRow {
                is_self,
                assessment_id: a.filter(|_| is_self).map(|a| a.id.clone()),
                assessed_on: a.map(|a| a.assessed_on.clone()),
                framework_version: a.map(|a| a.framework_version.clone()),
                state: a.map(|a| a.state),
                overall: scores.as_ref().and_then(|s| s.overall),
                not_comparable: false,
                org: org.clone(),
            });
            members.push(GroupMember { entity_id: org.id.clone(), label: org.name.clone(), series });
        }
        let parent = members.remove(0);
        // A subsidiary measured on another metric or scale stays listed but out of the chart.
        let mut subs = members;
        let comparison = loop {
            match group_comparison(&parent, &subs) {
                Ok(c) => break c,
                Err(ChartError::MetricMismatch { entity_id }) => {
                    subs.retain(|m| m.entity_id != entity_id);
                    if let Some(r) = rows.iter_mut().find(|r| r.org.id == entity_id) {
                        r.not_comparable = true;
                    }
                }
            }
        };
        let version =
            latest.get(&me).map_or_else(|| reference.framework.version.clone(), |a| a.framework_version.clone());
        Ok(GroupView { framework_id: framework_id.to_owned(), framework_version: version, comparison, rows })
    }
}

/// Demo seeding: creates the organizations `subs` (slug, English name, Japanese name) in the
/// parent's sector and links them to `parent_id` as accepted subsidiaries, audited on both
/// sides. Returns their ids in order.
pub(crate) async fn seed_demo_group(
    store: &Store,
    parent_id: &str,
    subs: &[(&str, &str, &str)],
) -> Result<Vec<String>, StoreError> {
    let actor = crate::Actor::Cli("demo-seed".into());
    let txn = store.conn().begin().await?;
    let parent = org_by(&txn, Orgs::Id, parent_id).await?;
    let mut ids = Vec::with_capacity(subs.len());
    for (slug, en, ja) in subs {
        let org = crate::accounts::insert_org(
            &txn,
            &crate::accounts::NewOrg {
                name: en,
                name_ja: Some(ja),
                slug: Some(slug),
                kind: "company",
                sector: parent.sector.as_deref(),
            },
        )
        .await?;
        let by = actor.audit_label();
        let id = insert_link(&txn, &parent.id, &org.id, GroupLinkState::Active, &by, now_ms(), true).await?;
        for (tenant_id, action, other) in
            [(&parent.id, "group.request", &org.slug), (&org.id, "group.accept", &parent.slug)]
        {
            audit::append(
                &txn,
                Event {
                    tenant_id: Some(tenant_id),
                    actor: &actor,
                    action,
                    object_type: "org_group",
                    object_id: &id,
                    detail: serde_json::json!({ "other_org": other, "demo": true }),
                },
            )
            .await?;
        }
        ids.push(org.id);
    }
    txn.commit().await?;
    Ok(ids)
}
