//! The buyer's view of its supply network: direct relationships with advice and status,
//! deeper tiers in detail only where every supplier on the way consented to disclose its
//! suppliers (aggregates otherwise), a tier × criticality heat map, roll-up posture,
//! concentration and single points of failure, and CSV/GraphML export of what is visible.
//!
//! Queries are batched per tier (IN lists split into chunks), so the page costs a handful
//! of statements whatever the number of suppliers.

use std::collections::{BTreeMap, HashMap, HashSet};

use mamori_chain::advice::{Advice, InterruptionImpact};
use mamori_chain::graph::{ConsentView, Posture, RollupOptions, export_csv, export_graphml};
use mamori_chain::{Criticality, Level, SupplyGraph};
use sea_orm::ConnectionTrait;
use sea_orm::sea_query::{Alias, CommonTableExpression, Expr, ExprTrait, Order, Query, UnionType, WithClause};
use serde::Serialize;

use super::direct::{self, DIRECT_MAX_PAGE, DIRECT_PAGE, DirectCount, DirectFilter, rank, status_of};
use super::links::OverrideInfo;
use super::schema::{Attestations, ChainCol, ChainSettings};
use super::{CHUNK, SupplyStatus, crit_from_str};
use crate::accounts::{OrgInfo, org_columns, org_from_row};
use crate::schema::{Orgs, SupplyLinks};
use crate::{Store, StoreError, Tenant, now_ms};

/// How deep the network is walked.
pub const MAX_DEPTH: u32 = 8;

/// One direct supplier with everything the buyer recorded and knows.
#[derive(Clone, Debug, Serialize)]
pub struct DirectSupplier {
    pub link_id: String,
    pub org: OrgInfo,
    pub supplied: String,
    pub criticality: Criticality,
    pub handles_confidential_data: bool,
    pub connects_to_buyer_systems: bool,
    pub interruption_impact: InterruptionImpact,
    pub advice: Advice,
    pub override_: Option<OverrideInfo>,
    pub effective_level: Level,
    pub status: SupplyStatus,
    pub request_id: Option<String>,
    pub request_level: Option<Level>,
    pub request_profile: Option<String>,
    pub deadline: Option<i64>,
    pub share_id: Option<String>,
    pub attested_level: Option<Level>,
    pub valid_until: Option<i64>,
    /// Next reassessment by cadence, from the attestation's start of validity.
    pub next_due: Option<time::Date>,
}

/// A deeper supplier the buyer may see in detail.
#[derive(Clone, Debug, Serialize)]
pub struct DeepSupplier {
    pub org: OrgInfo,
    pub tier: u32,
    pub via: OrgInfo,
    pub supplied: String,
    pub criticality: Criticality,
    pub status: SupplyStatus,
}

/// Hidden suppliers counted per tier and status.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct HiddenCount {
    pub tier: u32,
    pub status: SupplyStatus,
    pub count: usize,
}

/// One heat-map cell: suppliers at a tier with a path criticality and status.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct HeatCell {
    pub tier: u32,
    pub criticality: Criticality,
    pub status: SupplyStatus,
    pub count: usize,
}

/// Roll-up posture of the whole network (hidden suppliers included, anonymously).
#[derive(Clone, Debug, Serialize, Default)]
pub struct RollupSummary {
    pub suppliers: usize,
    pub unknown: usize,
    /// Weakest link: display name (None when hidden), tier, conservative score.
    pub weakest: Option<(Option<String>, u32, u8)>,
    pub weighted_average: Option<f64>,
    pub weighted_average_known: Option<f64>,
    /// (tier, suppliers, unknown, lowest known score).
    pub per_tier: Vec<(u32, usize, usize, Option<u8>)>,
}

/// A supplier that several of the buyer's direct suppliers depend on.
#[derive(Clone, Debug, Serialize)]
pub struct ConcentrationRow {
    pub org: OrgInfo,
    pub tier: u32,
    /// Direct suppliers of the buyer that reach it.
    pub tier1_dependents: u32,
    /// Distinct buyers inside the network that buy from it directly.
    pub direct_buyers: u32,
}

/// A single point of failure for the buyer's critical supply.
#[derive(Clone, Debug, Serialize)]
pub struct SpofRow {
    pub org: OrgInfo,
    pub tier: u32,
    pub share: f64,
}

/// Everything the buyer dashboard shows.
#[derive(Clone, Debug, Serialize, Default)]
pub struct SupplyDashboard {
    /// One page of direct suppliers, as the filter asked.
    pub direct: Vec<DirectSupplier>,
    /// Direct suppliers matching the filter (all pages).
    pub direct_total: usize,
    /// Where this page starts (the last page when the filter asked for a later one).
    pub direct_offset: usize,
    /// Every direct supplier counted per criticality and status (unfiltered).
    pub direct_counts: Vec<DirectCount>,
    pub deep: Vec<DeepSupplier>,
    pub hidden: Vec<HiddenCount>,
    pub heat: Vec<HeatCell>,
    pub rollup: RollupSummary,
    pub concentration: Vec<ConcentrationRow>,
    /// Hidden suppliers that two or more direct suppliers depend on.
    pub hidden_concentrated: usize,
    pub spofs: Vec<SpofRow>,
    pub hidden_spofs: usize,
    pub max_tier: u32,
}

impl SupplyDashboard {
    /// Direct suppliers with the given status (all criticalities).
    pub fn status_count(&self, status: SupplyStatus) -> usize {
        self.direct_counts.iter().filter(|c| c.status == status).map(|c| c.count).sum()
    }
}

/// The loaded network of one buyer (node 0).
pub(crate) struct Net {
    pub ids: Vec<String>,
    idx: HashMap<String, u32>,
    pub edges: Vec<(u32, u32, Criticality)>,
    /// (buyer, supplier) → what is supplied.
    pub supplied: HashMap<(u32, u32), String>,
    pub graph: SupplyGraph,
    pub consent: HashSet<u32>,
    pub orgs: HashMap<u32, OrgInfo>,
    /// Attestations of deeper suppliers: (node, level, state, valid_until).
    pub attestations: Vec<(u32, String, String, i64)>,
}

impl Net {
    fn node(&mut self, id: &str) -> u32 {
        if let Some(&v) = self.idx.get(id) {
            return v;
        }
        let v = self.ids.len() as u32;
        self.ids.push(id.to_string());
        self.idx.insert(id.to_string(), v);
        v
    }
}

async fn chunked<C: ConnectionTrait>(
    conn: &C,
    ids: &[String],
    build: impl Fn(Vec<String>) -> sea_orm::sea_query::SelectStatement,
) -> Result<Vec<sea_orm::QueryResult>, StoreError> {
    let mut out = Vec::new();
    for chunk in ids.chunks(CHUNK) {
        out.extend(conn.query_all(&build(chunk.to_vec())).await?);
    }
    Ok(out)
}

/// `reach(org_id, depth)`: every organization the buyer reaches, with path lengths up to
/// [`MAX_DEPTH`].
fn reach_cte(buyer: &str) -> WithClause {
    let (reach, org, depth) = (Alias::new("reach"), Alias::new("org_id"), Alias::new("depth"));
    let base = Query::select()
        .column(SupplyLinks::SupplierOrgId)
        .expr(Expr::val(1i32))
        .from(SupplyLinks::Table)
        .and_where(Expr::col(SupplyLinks::BuyerOrgId).eq(buyer))
        .to_owned();
    let step = Query::select()
        .column((SupplyLinks::Table, SupplyLinks::SupplierOrgId))
        .expr(Expr::col((reach.clone(), depth.clone())).add(1i32))
        .from(SupplyLinks::Table)
        .inner_join(
            reach.clone(),
            Expr::col((reach.clone(), org.clone())).equals((SupplyLinks::Table, SupplyLinks::BuyerOrgId)),
        )
        .and_where(Expr::col((reach.clone(), depth.clone())).lt(MAX_DEPTH as i32))
        .to_owned();
    let cte = CommonTableExpression::new()
        .query(base.clone().union(UnionType::Distinct, step).to_owned())
        .columns([org, depth])
        .table_name(reach)
        .to_owned();
    WithClause::new().recursive(true).cte(cte).to_owned()
}

/// `SELECT org_id FROM reach [WHERE depth < max]`.
fn in_reach(below: Option<u32>) -> sea_orm::sea_query::SelectStatement {
    let mut q = Query::select().column(Alias::new("org_id")).from(Alias::new("reach")).to_owned();
    if let Some(max) = below {
        q.and_where(Expr::col(Alias::new("depth")).lt(max as i32));
    }
    q
}

/// Loads the buyer's network: its links with attributes, deeper links tier by tier,
/// the consent flags and the organizations.
pub(crate) async fn load_net<C: ConnectionTrait>(conn: &C, buyer: &str) -> Result<Net, StoreError> {
    let mut net = Net {
        ids: Vec::new(),
        idx: HashMap::new(),
        edges: Vec::new(),
        supplied: HashMap::new(),
        graph: SupplyGraph::empty(),
        consent: HashSet::new(),
        orgs: HashMap::new(),
        attestations: Vec::new(),
    };
    net.node(buyer);
    // The direct links, lean: the supplier, the edge and its consent flag (the
    // dashboard reads one page of them in detail, `direct.rs`). Ordered, so that node
    // numbers (and ties in the roll-up) do not depend on the database's plan.
    let q = Query::select()
        .columns(
            [SupplyLinks::SupplierOrgId, SupplyLinks::Supplied, SupplyLinks::Criticality]
                .map(|c| (SupplyLinks::Table, c)),
        )
        .from(SupplyLinks::Table)
        .expr_as(Expr::col((ChainSettings::Table, ChainCol::DiscloseSuppliers)), Alias::new("discloses"))
        .left_join(
            ChainSettings::Table,
            Expr::col((ChainSettings::Table, ChainCol::OrgId)).equals((SupplyLinks::Table, SupplyLinks::SupplierOrgId)),
        )
        .and_where(Expr::col((SupplyLinks::Table, SupplyLinks::BuyerOrgId)).eq(buyer))
        .order_by((SupplyLinks::Table, SupplyLinks::SupplierOrgId), Order::Asc)
        .to_owned();
    let direct_rows = conn.query_all(&q).await?;
    tracing::debug!(rows = direct_rows.len(), "dashboard: direct links loaded");
    let mut any_direct = false;
    for r in &direct_rows {
        let s: String = r.try_get("", "supplier_org_id")?;
        let crit: String = r.try_get("", "criticality")?;
        let v = net.node(&s);
        if r.try_get::<Option<bool>>("", "discloses")?.unwrap_or(false) {
            net.consent.insert(v);
        }
        net.edges.push((0, v, crit_from_str(&crit)));
        net.supplied.insert((0, v), r.try_get("", "supplied")?);
        any_direct = true;
    }
    // Deeper links in one statement: a recursive CTE walks the buyer's reach (bounded by
    // MAX_DEPTH, which also ends supply cycles) instead of one batch of queries per tier.
    // Each row also carries the supplier's consent flag and its attestations (LEFT JOINs),
    // so the whole network costs two statements.
    if any_direct {
        let l = SupplyLinks::Table;
        let q = Query::select()
            .columns(
                [SupplyLinks::BuyerOrgId, SupplyLinks::SupplierOrgId, SupplyLinks::Supplied, SupplyLinks::Criticality]
                    .map(|c| (l, c)),
            )
            .expr_as(Expr::col((ChainSettings::Table, ChainCol::DiscloseSuppliers)), Alias::new("discloses"))
            .expr_as(Expr::col((ChainSettings::Table, ChainCol::RegistryListed)), Alias::new("listed"))
            .expr_as(Expr::col((Attestations::Table, ChainCol::Level)), Alias::new("att_level"))
            .expr_as(Expr::col((Attestations::Table, ChainCol::State)), Alias::new("att_state"))
            .expr_as(Expr::col((Attestations::Table, ChainCol::ValidUntil)), Alias::new("att_until"))
            .from(l)
            .left_join(
                ChainSettings::Table,
                Expr::col((ChainSettings::Table, ChainCol::OrgId)).equals((l, SupplyLinks::SupplierOrgId)),
            )
            .left_join(
                Attestations::Table,
                Expr::col((Attestations::Table, ChainCol::OrgId))
                    .equals((l, SupplyLinks::SupplierOrgId))
                    .and(Expr::col((Attestations::Table, ChainCol::State)).is_in(["issued", "revoked"])),
            )
            .and_where(Expr::col((l, SupplyLinks::BuyerOrgId)).in_subquery(in_reach(Some(MAX_DEPTH))))
            .to_owned()
            .with(reach_cte(buyer));
        for r in conn.query_all(&q).await? {
            let b: String = r.try_get("", "buyer_org_id")?;
            let s: String = r.try_get("", "supplier_org_id")?;
            let crit: String = r.try_get("", "criticality")?;
            let (bv, sv) = (net.node(&b), net.node(&s));
            net.edges.push((bv, sv, crit_from_str(&crit)));
            net.supplied.entry((bv, sv)).or_insert(r.try_get("", "supplied")?);
            if r.try_get::<Option<bool>>("", "discloses")?.unwrap_or(false) {
                net.consent.insert(sv);
            }
            // A deeper supplier shared nothing with this buyer: only attestations it chose
            // to publish in the registry count; everything else stays "unknown".
            let listed = r.try_get::<Option<bool>>("", "listed")?.unwrap_or(false);
            if let (true, Some(level), Some(state), Some(until)) = (
                listed,
                r.try_get::<Option<String>>("", "att_level")?,
                r.try_get::<Option<String>>("", "att_state")?,
                r.try_get::<Option<i64>>("", "att_until")?,
            ) {
                net.attestations.push((sv, level, state, until));
            }
        }
    }
    net.graph = SupplyGraph::from_edges(net.ids.len(), &net.edges).map_err(|e| StoreError::Internal(e.to_string()))?;
    Ok(net)
}

/// Loads the organizations of the given nodes.
async fn load_orgs<C: ConnectionTrait>(conn: &C, net: &mut Net, nodes: &[u32]) -> Result<(), StoreError> {
    let ids: Vec<String> =
        nodes.iter().filter(|v| !net.orgs.contains_key(v)).map(|&v| net.ids[v as usize].clone()).collect();
    for r in chunked(conn, &ids, |chunk| {
        Query::select().columns(org_columns()).from(Orgs::Table).and_where(Expr::col(Orgs::Id).is_in(chunk)).to_owned()
    })
    .await?
    {
        let org = org_from_row(&r)?;
        if let Some(&v) = net.idx.get(&org.id) {
            net.orgs.insert(v, org);
        }
    }
    Ok(())
}

/// Status of deeper suppliers: their best attestation published in the registry (public
/// information). Direct suppliers' statuses come from shares; the direct loop overwrites them.
fn deep_statuses(net: &Net, now: i64) -> Result<HashMap<u32, SupplyStatus>, StoreError> {
    let mut out: HashMap<u32, SupplyStatus> = HashMap::new();
    for (v, level, state, until) in &net.attestations {
        let s = status_of(level, state, *until, now)?;
        let e = out.entry(*v).or_insert(s);
        if rank(s) > rank(*e) {
            *e = s;
        }
    }
    Ok(out)
}

impl Store {
    /// The buyer dashboard of the tenant now, with the first page of direct suppliers.
    pub async fn supply_dashboard(&self, tenant: &Tenant) -> Result<SupplyDashboard, StoreError> {
        self.supply_dashboard_page(tenant, &DirectFilter::default()).await
    }

    /// One of the tenant's direct relationships in detail (the drill-down page).
    pub async fn supply_direct(&self, tenant: &Tenant, link_id: &str) -> Result<DirectSupplier, StoreError> {
        let f = DirectFilter { link_id: Some(link_id.to_string()), ..DirectFilter::default() };
        let rows = direct::page(self.conn(), tenant.org_id(), &f, 0, 1, now_ms()).await?;
        rows.into_iter().next().ok_or(StoreError::NotFound)
    }

    /// The buyer dashboard of the tenant now: the whole network's figures, and the page
    /// of direct suppliers the filter asks for. Direct suppliers are counted, filtered
    /// and paged in SQL; the network walk reads only ids, edges and consent flags, and
    /// organizations only for the rows it shows.
    pub async fn supply_dashboard_page(
        &self,
        tenant: &Tenant,
        filter: &DirectFilter,
    ) -> Result<SupplyDashboard, StoreError> {
        let now = now_ms();
        let conn = self.conn();
        let buyer = tenant.org_id();
        let started = std::time::Instant::now();
        let limit = match filter.limit {
            0 => DIRECT_PAGE,
            n => n.min(DIRECT_MAX_PAGE),
        };
        let direct_counts = direct::counts(conn, buyer, now).await?;
        let direct_total = direct::total(conn, buyer, filter, &direct_counts, now).await?;
        let direct_offset =
            if filter.offset >= direct_total { direct_total.saturating_sub(1) / limit * limit } else { filter.offset };
        let page = direct::page(conn, buyer, filter, direct_offset, limit, now).await?;
        tracing::debug!(elapsed = ?started.elapsed(), "dashboard: direct counts and page loaded");
        let mut net = load_net(conn, buyer).await?;
        tracing::debug!(elapsed = ?started.elapsed(), nodes = net.ids.len(), "dashboard: network loaded");

        // Statuses: deeper suppliers from the registry; direct ones from SQL, where only
        // those with a posture (attested, expired, revoked) matter to the roll-up.
        let mut status = vec![SupplyStatus::Unknown; net.ids.len()];
        for (v, s) in deep_statuses(&net, now)? {
            status[v as usize] = s;
        }
        let tier1: Vec<u32> = net.graph.suppliers(0).map(|(s, _)| s).collect();
        for &v in &tier1 {
            status[v as usize] = SupplyStatus::NotRequested;
        }
        for (id, s) in direct::scored(conn, buyer, now).await? {
            if let Some(&v) = net.idx.get(&id) {
                status[v as usize] = s;
            }
        }
        let reach = net.graph.reach_from(0).map_err(|e| StoreError::Internal(e.to_string()))?;
        let consent = net.consent.clone();
        let view: ConsentView<SupplyStatus> = net
            .graph
            .consent_view(0, |v| consent.contains(&v), |v| status[v as usize])
            .map_err(|e| StoreError::Internal(e.to_string()))?;
        let visible: HashSet<u32> = view.visible.iter().map(|v| v.node).collect();
        // The first visible edge into each deeper supplier names its buyer ("via").
        let mut via: HashMap<u32, (u32, Criticality)> = HashMap::new();
        for &(b, s, c) in &view.visible_edges {
            if b != 0 {
                via.entry(s).or_insert((b, c));
            }
        }
        // Tier 1 of the heat map is the SQL count; deeper tiers come from the walk.
        let mut heat: BTreeMap<(u32, Criticality, SupplyStatus), usize> = BTreeMap::new();
        for c in direct_counts.iter().filter(|c| c.count > 0) {
            *heat.entry((1, c.criticality, c.status)).or_default() += c.count;
        }
        for i in (0..reach.nodes.len()).filter(|&i| reach.tiers[i] >= 2) {
            *heat.entry((reach.tiers[i], reach.criticality[i], status[reach.nodes[i] as usize])).or_default() += 1;
        }
        let postures: Vec<Posture> = status.iter().map(|s| s.posture()).collect();
        let roll = reach.rollup(&postures, &RollupOptions::default());
        let tier_of: HashMap<u32, u32> = reach.nodes.iter().copied().zip(reach.tiers.iter().copied()).collect();
        // A direct supplier without suppliers of its own reaches nobody: as a lead it
        // would add nothing but a bit per node.
        let leads: Vec<u32> = tier1.iter().copied().filter(|&v| net.graph.suppliers(v).next().is_some()).collect();
        let conc = net.graph.concentration(&leads);
        let concentrated: Vec<u32> =
            reach.nodes.iter().copied().filter(|&v| conc.lead_dependents[v as usize] >= 2).collect();
        let hidden_concentrated = concentrated.iter().filter(|v| !visible.contains(v)).count();
        let spof = net
            .graph
            .single_points_of_failure(0, Criticality::High)
            .map_err(|e| StoreError::Internal(e.to_string()))?;
        let shown_spofs: Vec<_> = spof.spofs.iter().filter(|s| visible.contains(&s.node)).take(50).collect();
        let hidden_spofs = spof.spofs.iter().filter(|s| !visible.contains(&s.node)).count();
        tracing::debug!(elapsed = ?started.elapsed(), "dashboard: roll-up, concentration and single points computed");

        // Organizations of what is shown only.
        let deep_nodes: Vec<u32> = view.visible.iter().filter(|v| v.tier >= 2).map(|v| v.node).collect();
        let mut need: Vec<u32> = deep_nodes.clone();
        need.extend(deep_nodes.iter().filter_map(|v| via.get(v).map(|x| x.0)));
        need.extend(concentrated.iter().copied().filter(|v| visible.contains(v)));
        need.extend(shown_spofs.iter().map(|s| s.node));
        need.extend(roll.weakest_link.as_ref().map(|w| w.node).filter(|v| visible.contains(v)));
        need.sort_unstable();
        need.dedup();
        load_orgs(conn, &mut net, &need).await?;

        let mut deep = Vec::new();
        for vs in view.visible.iter().filter(|v| v.tier >= 2) {
            let (Some(org), Some(&(b, crit))) = (net.orgs.get(&vs.node), via.get(&vs.node)) else { continue };
            let Some(via_org) = net.orgs.get(&b) else { continue };
            deep.push(DeepSupplier {
                org: org.clone(),
                tier: vs.tier,
                via: via_org.clone(),
                supplied: net.supplied.get(&(b, vs.node)).cloned().unwrap_or_default(),
                criticality: crit,
                status: vs.status,
            });
        }
        let hidden =
            view.hidden.iter().map(|h| HiddenCount { tier: h.tier, status: h.status, count: h.count }).collect();
        let name_of = |v: u32| if visible.contains(&v) { net.orgs.get(&v).map(|o| o.name.clone()) } else { None };
        let rollup = RollupSummary {
            suppliers: roll.suppliers,
            unknown: roll.unknown,
            weakest: roll.weakest_link.as_ref().map(|w| (name_of(w.node), w.tier, w.effective as u8)),
            weighted_average: roll.weighted_average,
            weighted_average_known: roll.weighted_average_known,
            per_tier: roll.per_tier.iter().map(|t| (t.tier, t.suppliers, t.unknown, t.min_known)).collect(),
        };
        let mut concentration: Vec<ConcentrationRow> = concentrated
            .iter()
            .filter(|v| visible.contains(v))
            .filter_map(|&v| {
                Some(ConcentrationRow {
                    org: net.orgs.get(&v)?.clone(),
                    tier: tier_of.get(&v).copied().unwrap_or(0),
                    tier1_dependents: conc.lead_dependents[v as usize],
                    direct_buyers: conc.direct_buyers[v as usize],
                })
            })
            .collect();
        concentration
            .sort_by(|a, b| b.tier1_dependents.cmp(&a.tier1_dependents).then_with(|| a.org.name.cmp(&b.org.name)));
        concentration.truncate(50);
        let spofs = shown_spofs
            .iter()
            .filter_map(|s| {
                Some(SpofRow {
                    org: net.orgs.get(&s.node)?.clone(),
                    tier: tier_of.get(&s.node).copied().unwrap_or(0),
                    share: s.share,
                })
            })
            .collect();
        tracing::debug!(elapsed = ?started.elapsed(), "dashboard: done");
        Ok(SupplyDashboard {
            direct: page,
            direct_total,
            direct_offset,
            direct_counts,
            deep,
            hidden,
            heat: heat
                .into_iter()
                .map(|((tier, criticality, status), count)| HeatCell { tier, criticality, status, count })
                .collect(),
            rollup,
            concentration,
            hidden_concentrated,
            spofs,
            hidden_spofs,
            max_tier: reach.max_tier(),
        })
    }

    /// Exports what the tenant may see of its network: `csv` returns nodes and edges
    /// files joined by a blank line, `graphml` one document.
    pub async fn supply_export(&self, tenant: &Tenant, format: &str) -> Result<String, StoreError> {
        let conn = self.conn();
        let mut net = load_net(conn, tenant.org_id()).await?;
        let consent = net.consent.clone();
        let view = net
            .graph
            .consent_view(0, |v| consent.contains(&v), |_| ())
            .map_err(|e| StoreError::Internal(e.to_string()))?;
        let mut nodes: Vec<u32> = vec![0];
        nodes.extend(view.visible.iter().map(|v| v.node));
        load_orgs(conn, &mut net, &nodes).await?;
        let local: HashMap<u32, u32> = nodes.iter().enumerate().map(|(i, &v)| (v, i as u32)).collect();
        let edges: Vec<(u32, u32, Criticality)> =
            view.visible_edges.iter().filter_map(|&(b, s, c)| Some((*local.get(&b)?, *local.get(&s)?, c))).collect();
        let graph = SupplyGraph::from_edges(nodes.len(), &edges).map_err(|e| StoreError::Internal(e.to_string()))?;
        let labels: Vec<String> =
            nodes.iter().map(|v| net.orgs.get(v).map(|o| o.name.clone()).unwrap_or_default()).collect();
        let postures = vec![Posture::UNKNOWN; nodes.len()];
        match format {
            "csv" => {
                let (n, e) = export_csv(&graph, &labels, &postures);
                Ok(format!("{n}\r\n{e}"))
            }
            "graphml" => Ok(export_graphml(&graph, &labels, &postures)),
            _ => Err(StoreError::invalid("format", "must be csv or graphml")),
        }
    }
}

/// Tier-limited visible suppliers for the classic `/suppliers` list: direct suppliers,
/// and deeper ones only through suppliers that consented to disclose.
pub(crate) async fn visible_suppliers<C: ConnectionTrait>(
    conn: &C,
    buyer: &str,
    max_tier: u32,
) -> Result<Vec<(OrgInfo, u32, OrgInfo, String, Criticality)>, StoreError> {
    let mut net = load_net(conn, buyer).await?;
    let consent = net.consent.clone();
    let view =
        net.graph.consent_view(0, |v| consent.contains(&v), |_| ()).map_err(|e| StoreError::Internal(e.to_string()))?;
    let mut need: Vec<u32> = view.visible.iter().map(|v| v.node).collect();
    need.push(0);
    load_orgs(conn, &mut net, &need).await?;
    let mut via: HashMap<u32, (u32, Criticality)> = HashMap::new();
    for &(b, s, c) in &view.visible_edges {
        via.entry(s).or_insert((b, c));
    }
    let mut out = Vec::new();
    for v in view.visible.iter().filter(|v| v.tier <= max_tier) {
        let (Some(org), Some(&(b, c))) = (net.orgs.get(&v.node), via.get(&v.node)) else { continue };
        let Some(by) = net.orgs.get(&b) else { continue };
        out.push((org.clone(), v.tier, by.clone(), net.supplied.get(&(b, v.node)).cloned().unwrap_or_default(), c));
    }
    Ok(out)
}
