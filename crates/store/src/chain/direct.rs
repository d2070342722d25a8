//! The buyer's direct suppliers on the dashboard. Each one's status (best share, open
//! request and its deadline) is a SQL expression, so counting per status and
//! criticality, filtering and paging happen in the database, and only the rows of one
//! page are read in detail. The detailed rows recompute their status with the same rule
//! in Rust ([`direct_status`]); the tests check that both agree.

use std::collections::HashMap;

use mamori_chain::advice::{Relationship, advise, next_due};
use mamori_chain::{Criticality, Level};
use sea_orm::sea_query::{
    Alias, CaseStatement, Expr, ExprTrait, Func, JoinType, Order, Query, SelectStatement, SimpleExpr,
};
use sea_orm::{ConnectionTrait, DbBackend, QueryResult};
use serde::Serialize;

use super::dashboard::DirectSupplier;
use super::links::OverrideInfo;
use super::schema::{AttestationShares, Attestations, ChainCol, ChainRequests, LinkCol};
use super::{CHUNK, SupplyStatus, crit_from_str, parse_impact, parse_level};
use crate::StoreError;
use crate::accounts::OrgInfo;
use crate::schema::{Orgs, SupplyLinks};

/// Rows per dashboard page unless the caller asks otherwise.
pub const DIRECT_PAGE: usize = 100;
/// The largest page a caller may ask for.
pub const DIRECT_MAX_PAGE: usize = 1000;

/// Which of the buyer's direct suppliers a dashboard page lists.
#[derive(Clone, Debug, Default)]
pub struct DirectFilter {
    pub status: Option<SupplyStatus>,
    pub criticality: Option<Criticality>,
    /// Part of the supplier's name (either language) or of what it supplies.
    pub q: String,
    /// One relationship only (the drill-down page).
    pub link_id: Option<String>,
    /// Rows to skip; a position past the end shows the last page.
    pub offset: usize,
    /// Rows per page: 0 means [`DIRECT_PAGE`], at most [`DIRECT_MAX_PAGE`].
    pub limit: usize,
}

/// Direct suppliers counted per criticality and status (all of them, unfiltered).
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct DirectCount {
    pub criticality: Criticality,
    pub status: SupplyStatus,
    pub count: usize,
}

/// The status as the SQL expression computes it. The share statuses are ranked so
/// that the best share of a supplier is the maximum: revoked < expired < ★3 < ★4.
fn code(s: SupplyStatus) -> i32 {
    match s {
        SupplyStatus::NotRequested => 0,
        SupplyStatus::Requested => 1,
        SupplyStatus::Revoked => 2,
        SupplyStatus::Expired => 3,
        SupplyStatus::AttestedStar3 => 4,
        SupplyStatus::AttestedStar4 => 5,
        SupplyStatus::Overdue => 6,
        SupplyStatus::Unknown => 7,
    }
}

fn from_code(c: i32) -> SupplyStatus {
    SupplyStatus::ALL.into_iter().find(|s| code(*s) == c).unwrap_or(SupplyStatus::Unknown)
}

/// Rank of a share's status: the better share of one supplier wins.
pub(super) fn rank(s: SupplyStatus) -> u8 {
    match s {
        SupplyStatus::AttestedStar4 => 5,
        SupplyStatus::AttestedStar3 => 4,
        SupplyStatus::Expired => 3,
        SupplyStatus::Revoked => 2,
        _ => 0,
    }
}

/// Status of an attestation at `now`.
pub(super) fn status_of(level: &str, state: &str, until: i64, now: i64) -> Result<SupplyStatus, StoreError> {
    Ok(if state == "revoked" {
        SupplyStatus::Revoked
    } else if until <= now {
        SupplyStatus::Expired
    } else if parse_level(level)? == Level::Star4 {
        SupplyStatus::AttestedStar4
    } else {
        SupplyStatus::AttestedStar3
    })
}

/// The rule: a valid attestation shared with the buyer wins; otherwise an open request
/// (overdue after its deadline); otherwise the best share (expired or revoked).
pub(super) fn direct_status(best_share: Option<SupplyStatus>, request_deadline: Option<i64>, now: i64) -> SupplyStatus {
    match (best_share, request_deadline) {
        (Some(s), _) if matches!(s, SupplyStatus::AttestedStar3 | SupplyStatus::AttestedStar4) => s,
        (_, Some(deadline)) if deadline < now => SupplyStatus::Overdue,
        (_, Some(_)) => SupplyStatus::Requested,
        (Some(s), None) => s,
        (None, None) => SupplyStatus::NotRequested,
    }
}

/// Criticality as stored, ranked as [`Criticality`] (unknown values count as critical,
/// like `crit_from_str`).
fn crit_rank() -> SimpleExpr {
    let c = || Expr::col((SupplyLinks::Table, SupplyLinks::Criticality));
    CaseStatement::new()
        .case(c().eq("low"), Expr::val(Criticality::Low as i32))
        .case(c().eq("medium"), Expr::val(Criticality::Medium as i32))
        .case(c().eq("high"), Expr::val(Criticality::High as i32))
        .finally(Expr::val(Criticality::Critical as i32))
        .into()
}

/// `sh`: per supplier, the rank of the best share with the buyer ([`rank`] in SQL).
fn best_shares(buyer: &str, now: i64) -> SelectStatement {
    let (s, a) = (AttestationShares::Table, Attestations::Table);
    let share_rank: SimpleExpr = CaseStatement::new()
        .case(Expr::col((s, ChainCol::RevokedAt)).is_not_null(), Expr::val(code(SupplyStatus::Revoked)))
        .case(Expr::col((a, ChainCol::State)).eq("revoked"), Expr::val(code(SupplyStatus::Revoked)))
        .case(Expr::col((a, ChainCol::ValidUntil)).lte(now), Expr::val(code(SupplyStatus::Expired)))
        .case(Expr::col((a, ChainCol::Level)).eq("star4"), Expr::val(code(SupplyStatus::AttestedStar4)))
        .finally(Expr::val(code(SupplyStatus::AttestedStar3)))
        .into();
    Query::select()
        .expr_as(Expr::col((s, ChainCol::SupplierOrgId)), Alias::new("sh_supplier"))
        .expr_as(Func::max(share_rank), Alias::new("share_rank"))
        .from(s)
        .inner_join(a, Expr::col((a, ChainCol::Id)).equals((s, ChainCol::AttestationId)))
        .and_where(Expr::col((s, ChainCol::BuyerOrgId)).eq(buyer))
        .group_by_col((s, ChainCol::SupplierOrgId))
        .to_owned()
}

/// `rq`: the open request per supplier (at most one: a new request supersedes the old).
fn open_requests(buyer: &str) -> SelectStatement {
    Query::select()
        .expr_as(Expr::col(ChainCol::SupplierOrgId), Alias::new("rq_supplier"))
        .expr_as(Expr::col(ChainCol::Deadline), Alias::new("rq_deadline"))
        .expr_as(Expr::col(ChainCol::Id), Alias::new("rq_id"))
        .from(ChainRequests::Table)
        .and_where(Expr::col(ChainCol::BuyerOrgId).eq(buyer))
        .and_where(Expr::col(ChainCol::State).eq("open"))
        .to_owned()
}

/// [`direct_status`] in SQL over the `sh` and `rq` joins.
fn status_expr(now: i64) -> SimpleExpr {
    let rank = || Expr::col((Alias::new("sh"), Alias::new("share_rank")));
    let req = || Expr::col((Alias::new("rq"), Alias::new("rq_id")));
    let deadline = || Expr::col((Alias::new("rq"), Alias::new("rq_deadline")));
    CaseStatement::new()
        .case(rank().gte(code(SupplyStatus::AttestedStar3)), rank())
        .case(req().is_not_null().and(deadline().lt(now)), Expr::val(code(SupplyStatus::Overdue)))
        .case(req().is_not_null(), Expr::val(code(SupplyStatus::Requested)))
        .case(rank().is_not_null(), rank())
        .finally(Expr::val(code(SupplyStatus::NotRequested)))
        .into()
}

/// The buyer's links with `sh` and `rq` joined; callers add columns and conditions.
fn links(buyer: &str, now: i64) -> SelectStatement {
    let l = SupplyLinks::Table;
    Query::select()
        .from(l)
        .join_subquery(
            JoinType::LeftJoin,
            best_shares(buyer, now),
            Alias::new("sh"),
            Expr::col((Alias::new("sh"), Alias::new("sh_supplier"))).equals((l, SupplyLinks::SupplierOrgId)),
        )
        .join_subquery(
            JoinType::LeftJoin,
            open_requests(buyer),
            Alias::new("rq"),
            Expr::col((Alias::new("rq"), Alias::new("rq_supplier"))).equals((l, SupplyLinks::SupplierOrgId)),
        )
        .and_where(Expr::col((l, SupplyLinks::BuyerOrgId)).eq(buyer))
        .to_owned()
}

/// Counts per criticality and status, in one statement.
pub(crate) async fn counts<C: ConnectionTrait>(
    conn: &C,
    buyer: &str,
    now: i64,
) -> Result<Vec<DirectCount>, StoreError> {
    let inner = links(buyer, now)
        .expr_as(crit_rank(), Alias::new("crit"))
        .expr_as(status_expr(now), Alias::new("st"))
        .to_owned();
    let (crit, st) = (Alias::new("crit"), Alias::new("st"));
    let q = Query::select()
        .columns([crit.clone(), st.clone()])
        .expr_as(Expr::col(st.clone()).count(), Alias::new("n"))
        .from_subquery(inner, Alias::new("d"))
        .group_by_col(crit.clone())
        .group_by_col(st.clone())
        .order_by(crit, Order::Desc)
        .order_by(st, Order::Asc)
        .to_owned();
    let mut out = Vec::new();
    for r in conn.query_all(&q).await? {
        let c: i32 = r.try_get("", "crit")?;
        let s: i32 = r.try_get("", "st")?;
        let n: i64 = r.try_get("", "n")?;
        out.push(DirectCount {
            criticality: Criticality::from_u8(c.clamp(0, 3) as u8),
            status: from_code(s),
            count: n as usize,
        });
    }
    Ok(out)
}

/// Direct suppliers whose status carries a posture (attested, expired or revoked), for
/// the roll-up: `(supplier org id, status)`.
pub(crate) async fn scored<C: ConnectionTrait>(
    conn: &C,
    buyer: &str,
    now: i64,
) -> Result<Vec<(String, SupplyStatus)>, StoreError> {
    let inner = links(buyer, now)
        .column((SupplyLinks::Table, SupplyLinks::SupplierOrgId))
        .expr_as(status_expr(now), Alias::new("st"))
        .to_owned();
    let scored =
        [SupplyStatus::Revoked, SupplyStatus::Expired, SupplyStatus::AttestedStar3, SupplyStatus::AttestedStar4];
    let q = Query::select()
        .columns([Alias::new("supplier_org_id"), Alias::new("st")])
        .from_subquery(inner, Alias::new("d"))
        .and_where(Expr::col(Alias::new("st")).is_in(scored.map(code)))
        .to_owned();
    let mut out = Vec::new();
    for r in conn.query_all(&q).await? {
        out.push((r.try_get("", "supplier_org_id")?, from_code(r.try_get("", "st")?)));
    }
    Ok(out)
}

/// Adds the filter's conditions (not the paging) to a [`links`] query.
fn filtered(mut q: SelectStatement, f: &DirectFilter, backend: DbBackend, now: i64) -> SelectStatement {
    if let Some(s) = f.status {
        q.and_where(status_expr(now).eq(code(s)));
    }
    if let Some(c) = f.criticality {
        q.and_where(crit_rank().eq(c as i32));
    }
    if let Some(id) = &f.link_id {
        q.and_where(Expr::col((SupplyLinks::Table, SupplyLinks::Id)).eq(id.as_str()));
    }
    let needle = f.q.trim();
    if !needle.is_empty() {
        // Containment, not LIKE: no wildcard characters to escape.
        let find = match backend {
            DbBackend::Postgres => "strpos",
            _ => "instr",
        };
        let contains =
            |hay: SimpleExpr, needle: String| -> SimpleExpr { Func::cust(Alias::new(find)).arg(hay).arg(needle).gt(0) };
        let lower = needle.to_lowercase();
        q.and_where(
            contains(Func::lower(Expr::col((Orgs::Table, Orgs::Name))).into(), lower.clone())
                .or(contains(Expr::col((Orgs::Table, Orgs::NameJa)), needle.to_string()))
                .or(contains(Func::lower(Expr::col((SupplyLinks::Table, SupplyLinks::Supplied))).into(), lower)),
        );
    }
    q
}

/// How many direct suppliers match the filter: from the counts unless it searches text
/// or names one link.
pub(crate) async fn total<C: ConnectionTrait>(
    conn: &C,
    buyer: &str,
    f: &DirectFilter,
    counts: &[DirectCount],
    now: i64,
) -> Result<usize, StoreError> {
    if f.q.trim().is_empty() && f.link_id.is_none() {
        return Ok(counts
            .iter()
            .filter(|c| f.status.is_none_or(|s| c.status == s) && f.criticality.is_none_or(|k| c.criticality == k))
            .map(|c| c.count)
            .sum());
    }
    let q = filtered(with_org(links(buyer, now)), f, conn.get_database_backend(), now)
        .expr_as(Expr::col((SupplyLinks::Table, SupplyLinks::Id)).count(), Alias::new("n"))
        .to_owned();
    let n: i64 = conn.query_one(&q).await?.map(|r| r.try_get("", "n")).transpose()?.unwrap_or(0);
    Ok(n as usize)
}

fn with_org(mut q: SelectStatement) -> SelectStatement {
    q.inner_join(
        Orgs::Table,
        Expr::col((Orgs::Table, Orgs::Id)).equals((SupplyLinks::Table, SupplyLinks::SupplierOrgId)),
    );
    q
}

/// One page of direct suppliers in detail, most critical first, then by name (byte
/// order on both databases).
pub(crate) async fn page<C: ConnectionTrait>(
    conn: &C,
    buyer: &str,
    f: &DirectFilter,
    offset: usize,
    limit: usize,
    now: i64,
) -> Result<Vec<DirectSupplier>, StoreError> {
    let backend = conn.get_database_backend();
    let l = SupplyLinks::Table;
    let mut q = filtered(with_org(links(buyer, now)), f, backend, now);
    q.columns(
        [SupplyLinks::Id, SupplyLinks::SupplierOrgId, SupplyLinks::Supplied, SupplyLinks::Criticality].map(|c| (l, c)),
    )
    .columns(
        [
            LinkCol::HandlesConfidentialData,
            LinkCol::ConnectsToBuyerSystems,
            LinkCol::InterruptionImpact,
            LinkCol::OverrideLevel,
            LinkCol::OverrideReason,
            LinkCol::OverrideBy,
            LinkCol::OverrideAt,
        ]
        .map(|c| (l, c)),
    )
    .expr_as(Expr::col((Orgs::Table, Orgs::Slug)), Alias::new("org_slug"))
    .expr_as(Expr::col((Orgs::Table, Orgs::Name)), Alias::new("org_name"))
    .expr_as(Expr::col((Orgs::Table, Orgs::NameJa)), Alias::new("org_name_ja"))
    .expr_as(Expr::col((Orgs::Table, Orgs::Kind)), Alias::new("org_kind"))
    .expr_as(Expr::col((Orgs::Table, Orgs::Sector)), Alias::new("org_sector"))
    .order_by_expr(crit_rank(), Order::Desc);
    match backend {
        DbBackend::Postgres => q.order_by_expr(Expr::cust(r#""orgs"."name" COLLATE "C""#), Order::Asc),
        _ => q.order_by((Orgs::Table, Orgs::Name), Order::Asc),
    };
    q.order_by((l, SupplyLinks::Id), Order::Asc).limit(limit as u64).offset(offset as u64);
    let rows = conn.query_all(&q).await?;
    let suppliers: Vec<String> =
        rows.iter().map(|r| r.try_get::<String>("", "supplier_org_id")).collect::<Result<_, _>>()?;
    let requests = requests_of(conn, buyer, &suppliers).await?;
    let shares = shares_of(conn, buyer, &suppliers, now).await?;
    rows.iter().map(|r| detail(r, &requests, &shares, now)).collect()
}

/// The open requests to the given suppliers, by supplier.
async fn requests_of<C: ConnectionTrait>(
    conn: &C,
    buyer: &str,
    suppliers: &[String],
) -> Result<HashMap<String, QueryResult>, StoreError> {
    let mut out = HashMap::new();
    for chunk in suppliers.chunks(CHUNK) {
        let q = Query::select()
            .columns([ChainCol::Id, ChainCol::SupplierOrgId, ChainCol::Level, ChainCol::Profile, ChainCol::Deadline])
            .from(ChainRequests::Table)
            .and_where(Expr::col(ChainCol::BuyerOrgId).eq(buyer))
            .and_where(Expr::col(ChainCol::State).eq("open"))
            .and_where(Expr::col(ChainCol::SupplierOrgId).is_in(chunk.to_vec()))
            .to_owned();
        for r in conn.query_all(&q).await? {
            out.insert(r.try_get("", "supplier_org_id")?, r);
        }
    }
    Ok(out)
}

/// The best share of a supplier: (status, share id, valid from, valid until, level).
type BestShare = (SupplyStatus, String, i64, i64, Level);

/// Per supplier, the best share with the buyer; an active valid one beats revoked or
/// expired ones, and among equals the latest counts.
async fn shares_of<C: ConnectionTrait>(
    conn: &C,
    buyer: &str,
    suppliers: &[String],
    now: i64,
) -> Result<HashMap<String, BestShare>, StoreError> {
    let (s, a) = (AttestationShares::Table, Attestations::Table);
    let mut shares: HashMap<String, BestShare> = HashMap::new();
    for chunk in suppliers.chunks(CHUNK) {
        let q = Query::select()
            .expr_as(Expr::col((s, ChainCol::Id)), Alias::new("share_id"))
            .expr_as(Expr::col((s, ChainCol::RevokedAt)), Alias::new("share_revoked"))
            .column((s, ChainCol::SupplierOrgId))
            .columns([ChainCol::Level, ChainCol::State, ChainCol::ValidFrom, ChainCol::ValidUntil].map(|c| (a, c)))
            .from(s)
            .inner_join(a, Expr::col((a, ChainCol::Id)).equals((s, ChainCol::AttestationId)))
            .and_where(Expr::col((s, ChainCol::BuyerOrgId)).eq(buyer))
            .and_where(Expr::col((s, ChainCol::SupplierOrgId)).is_in(chunk.to_vec()))
            .order_by((s, ChainCol::CreatedAt), Order::Asc)
            .order_by((s, ChainCol::Id), Order::Asc)
            .to_owned();
        for r in conn.query_all(&q).await? {
            let supplier: String = r.try_get("", "supplier_org_id")?;
            let level: String = r.try_get("", "level")?;
            let state: String = r.try_get("", "state")?;
            let until: i64 = r.try_get("", "valid_until")?;
            let mut status = status_of(&level, &state, until, now)?;
            if r.try_get::<Option<i64>>("", "share_revoked")?.is_some() {
                status = SupplyStatus::Revoked;
            }
            let entry = (status, r.try_get("", "share_id")?, r.try_get("", "valid_from")?, until, parse_level(&level)?);
            match shares.get(&supplier) {
                Some(old) if rank(old.0) > rank(status) => {}
                _ => {
                    shares.insert(supplier, entry);
                }
            }
        }
    }
    Ok(shares)
}

/// One page row in detail.
fn detail(
    r: &QueryResult,
    requests: &HashMap<String, QueryResult>,
    shares: &HashMap<String, BestShare>,
    now: i64,
) -> Result<DirectSupplier, StoreError> {
    let supplier: String = r.try_get("", "supplier_org_id")?;
    let org = OrgInfo {
        id: supplier.clone(),
        slug: r.try_get("", "org_slug")?,
        name: r.try_get("", "org_name")?,
        name_ja: r.try_get("", "org_name_ja")?,
        kind: r.try_get("", "org_kind")?,
        sector: r.try_get("", "org_sector")?,
    };
    let crit: String = r.try_get("", "criticality")?;
    let impact: String = r.try_get("", "interruption_impact")?;
    let rel = Relationship {
        supplied: r.try_get("", "supplied")?,
        criticality: crit_from_str(&crit),
        handles_confidential_data: r.try_get("", "handles_confidential_data")?,
        connects_to_buyer_systems: r.try_get("", "connects_to_buyer_systems")?,
        interruption_impact: parse_impact(&impact)?,
    };
    let advice = advise(&rel);
    let override_ = match r.try_get::<Option<String>>("", "override_level")? {
        Some(l) => Some(OverrideInfo {
            level: parse_level(&l)?,
            reason: r.try_get::<Option<String>>("", "override_reason")?.unwrap_or_default(),
            decided_by: r.try_get::<Option<String>>("", "override_by")?.unwrap_or_default(),
            decided_at: r.try_get::<Option<i64>>("", "override_at")?.unwrap_or_default(),
        }),
        None => None,
    };
    let effective_level = override_.as_ref().map_or(advice.recommended, |o| o.level);
    let share = shares.get(&supplier);
    let req = requests.get(&supplier);
    let deadline: Option<i64> = req.map(|q| q.try_get("", "deadline")).transpose()?;
    let status = direct_status(share.map(|s| s.0), deadline, now);
    let next = share.and_then(|s| next_due(super::ms_to_time(s.2).date(), s.4, rel.criticality));
    Ok(DirectSupplier {
        link_id: r.try_get("", "id")?,
        org,
        supplied: rel.supplied,
        criticality: rel.criticality,
        handles_confidential_data: rel.handles_confidential_data,
        connects_to_buyer_systems: rel.connects_to_buyer_systems,
        interruption_impact: rel.interruption_impact,
        advice,
        override_,
        effective_level,
        status,
        request_id: req.map(|q| q.try_get("", "id")).transpose()?,
        request_level: req
            .map(|q| q.try_get::<Option<String>>("", "level"))
            .transpose()?
            .flatten()
            .and_then(|l| parse_level(&l).ok()),
        request_profile: req.map(|q| q.try_get::<Option<String>>("", "profile")).transpose()?.flatten(),
        deadline,
        share_id: share.map(|s| s.1.clone()),
        attested_level: share.filter(|s| s.0 != SupplyStatus::Revoked).map(|s| s.4),
        valid_until: share.map(|s| s.3),
        next_due: next,
    })
}
