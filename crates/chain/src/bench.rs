//! Deterministic synthetic supply graphs and the benchmark harness behind
//! `mamori bench supply-graph`.
//!
//! Shape of the synthetic graph: `leads` lead companies (orgs / 3333,
//! clamped to 1..=300) form layer 0; the remaining organizations are split
//! into five deeper layers of growing size (5 %, 10 %, 20 %, 30 %, 35 %).
//! 10 % of edges start at a lead company (so each lead has thousands of direct
//! suppliers), the rest at a uniformly chosen non-leaf organization. The
//! supplier is usually in the next layer (85 %), sometimes two layers down
//! (10 %) or any deeper layer (4.8 %), and rarely in the same or a higher layer
//! (0.2 %, which creates supply cycles). Within a layer, supplier popularity
//! follows a power law (index = size · u³). Node ids are shuffled so that
//! popularity is not correlated with memory layout.

use crate::Criticality;
use crate::graph::{Posture, RollupOptions, SupplyGraph};
use std::fmt;
use std::time::{Duration, Instant};

/// splitmix64: small, fast, deterministic; good enough for synthetic data.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// Seeds the generator.
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// Next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)`.
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in `0..bound` (`bound > 0`), by multiply-shift.
    pub fn below(&mut self, bound: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(bound)) >> 64) as u64
    }
}

/// A synthetic graph plus the lead companies it was built around.
#[derive(Debug, Clone)]
pub struct Synthetic {
    /// The graph.
    pub graph: SupplyGraph,
    /// Lead companies (node ids).
    pub leads: Vec<u32>,
}

/// Number of lead companies for `orgs` organizations.
pub fn lead_count(orgs: usize) -> usize {
    (orgs / 3333).clamp(1, 300).min(orgs)
}

/// Generates the raw edge list of a synthetic graph (see module docs).
/// Returns `(edges, leads)`.
pub fn synthetic_edges(orgs: usize, edges: usize, seed: u64) -> (Vec<(u32, u32, Criticality)>, Vec<u32>) {
    let orgs = orgs.min((u32::MAX - 1) as usize);
    if orgs < 2 {
        return (Vec::new(), (0..orgs as u32).collect());
    }
    let mut rng = SplitMix64::new(seed);
    let leads = lead_count(orgs);
    let rest = orgs - leads;
    let shares = [0.05, 0.10, 0.20, 0.30];
    let mut bounds = vec![0usize, leads];
    let mut acc = leads;
    for s in shares {
        acc += ((rest as f64) * s) as usize;
        bounds.push(acc.min(orgs));
    }
    bounds.push(orgs);
    // Drop empty layers (tiny graphs).
    bounds.dedup();
    let layers = bounds.len() - 1;
    let layer_of = |i: usize| bounds.partition_point(|&b| b <= i) - 1;
    // Shuffle ids (Fisher–Yates).
    let mut perm: Vec<u32> = (0..orgs as u32).collect();
    for i in (1..orgs).rev() {
        let j = rng.below(i as u64 + 1) as usize;
        perm.swap(i, j);
    }
    let non_leaf_end = bounds[layers.saturating_sub(1).max(1)];
    let mut out = Vec::with_capacity(edges);
    for _ in 0..edges {
        let buyer = if rng.next_f64() < 0.10 || non_leaf_end <= leads {
            rng.below(leads as u64) as usize
        } else {
            leads + rng.below((non_leaf_end - leads) as u64) as usize
        };
        let bl = layer_of(buyer);
        let r = rng.next_f64();
        let target_layer = if layers == 1 {
            0
        } else if r < 0.85 {
            (bl + 1).min(layers - 1)
        } else if r < 0.95 {
            (bl + 2).min(layers - 1)
        } else if r < 0.998 {
            (bl + 1 + rng.below((layers - bl).max(1) as u64) as usize).min(layers - 1)
        } else {
            rng.below(bl as u64 + 1) as usize
        };
        let (lo, hi) = (bounds[target_layer], bounds[target_layer + 1]);
        let u = rng.next_f64();
        let supplier = lo + (((hi - lo) as f64) * u * u * u) as usize;
        let supplier = supplier.min(hi - 1);
        let c = match rng.below(100) {
            0..50 => Criticality::Low,
            50..80 => Criticality::Medium,
            80..95 => Criticality::High,
            _ => Criticality::Critical,
        };
        out.push((perm[buyer], perm[supplier], c));
    }
    let lead_ids = (0..leads).map(|i| perm[i]).collect();
    (out, lead_ids)
}

/// Builds a deterministic synthetic supply graph.
pub fn synthetic_graph(orgs: usize, edges: usize, seed: u64) -> SupplyGraph {
    synthetic(orgs, edges, seed).graph
}

/// Builds a deterministic synthetic supply graph and returns its leads too.
pub fn synthetic(orgs: usize, edges: usize, seed: u64) -> Synthetic {
    let (list, leads) = synthetic_edges(orgs, edges, seed);
    let graph = match SupplyGraph::from_edges(orgs.min((u32::MAX - 1) as usize), &list) {
        Ok(g) => g,
        // Unreachable: every generated id is below `orgs`. Fall back to an
        // edgeless graph rather than panicking.
        Err(_) => empty_graph(),
    };
    Synthetic { graph, leads }
}

fn empty_graph() -> SupplyGraph {
    SupplyGraph::empty()
}

/// Synthetic postures: 10 % unknown, the rest uniform 0–100.
pub fn synthetic_postures(n: usize, seed: u64) -> Vec<Posture> {
    let mut rng = SplitMix64::new(seed ^ 0x005e_ed0f_9057_u64);
    (0..n)
        .map(|_| {
            if rng.below(10) == 0 {
                Posture::UNKNOWN
            } else {
                Posture::score(rng.below(101) as u8).unwrap_or(Posture::UNKNOWN)
            }
        })
        .collect()
}

/// Benchmark phases, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Synthetic edge generation (excluded from the target).
    Generate,
    /// CSR construction, de-duplication and SCC condensation.
    Build,
    /// BFS tiers for the sampled lead companies.
    Tiers,
    /// Weakest link for every organization plus full roll-ups for the sample.
    Rollup,
    /// Concentration (direct buyers, lead dependents, all-buyer estimates)
    /// for every node and all leads.
    Concentration,
    /// Single points of failure (dominator tree) for the first lead.
    Spof,
}

impl fmt::Display for Phase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Phase::Generate => "generate",
            Phase::Build => "build",
            Phase::Tiers => "tiers",
            Phase::Rollup => "roll-up",
            Phase::Concentration => "concentration",
            Phase::Spof => "spof (1 lead)",
        })
    }
}

/// Lead companies sampled for per-buyer tiers and roll-ups.
pub const TIER_SAMPLE: usize = 4;

/// What the benchmark computed (for sanity output).
#[derive(Debug, Clone, PartialEq)]
pub struct BenchSummary {
    /// Nodes.
    pub nodes: usize,
    /// Distinct edges after de-duplication.
    pub edges: usize,
    /// Lead companies.
    pub leads: usize,
    /// Strongly connected components.
    pub components: usize,
    /// Leads sampled for tiers and roll-ups.
    pub sampled_leads: usize,
    /// Suppliers reached, summed over the sample.
    pub reached: usize,
    /// Largest lead-dependent count of any supplier.
    pub max_lead_dependents: u32,
    /// Single points of failure found for the first lead.
    pub spofs_first_lead: usize,
}

/// Runs every phase and reports each duration through `report`.
///
/// Tiers and roll-ups are per buyer, so they run for [`TIER_SAMPLE`] leads
/// spread evenly over the lead list, on two threads. The all-organization
/// weakest link and the concentration figures (for all leads) are computed
/// in full. Single points of failure are per buyer and reported as a
/// separate phase for the first lead.
pub fn run_bench(orgs: usize, edges: usize, seed: u64, report: &mut dyn FnMut(Phase, Duration)) -> BenchSummary {
    let t = Instant::now();
    let (list, leads) = synthetic_edges(orgs, edges, seed);
    let postures = synthetic_postures(orgs, seed);
    report(Phase::Generate, t.elapsed());

    let t = Instant::now();
    let graph = SupplyGraph::from_edges(orgs.min((u32::MAX - 1) as usize), &list).unwrap_or_else(|_| empty_graph());
    drop(list);
    report(Phase::Build, t.elapsed());

    let step = (leads.len() / TIER_SAMPLE).max(1);
    let sample: Vec<u32> = leads.iter().step_by(step).take(TIER_SAMPLE).copied().collect();
    let t = Instant::now();
    let reaches = std::thread::scope(|s| {
        let (a, b) = sample.split_at(sample.len() / 2);
        let g = &graph;
        let h = s.spawn(move || a.iter().filter_map(|&l| g.reach_from(l).ok()).collect::<Vec<_>>());
        let mut second: Vec<_> = b.iter().filter_map(|&l| g.reach_from(l).ok()).collect();
        let mut first = h.join().unwrap_or_default();
        first.append(&mut second);
        first
    });
    report(Phase::Tiers, t.elapsed());

    let t = Instant::now();
    let options = RollupOptions::default();
    let (all, rollups) = std::thread::scope(|s| {
        let g = &graph;
        let p = &postures;
        let h = s.spawn(move || g.rollup_all(p));
        let rollups: Vec<_> = reaches.iter().map(|r| r.rollup(&postures, &options)).collect();
        (h.join().ok(), rollups)
    });
    report(Phase::Rollup, t.elapsed());

    let t = Instant::now();
    let conc = graph.concentration(&leads);
    report(Phase::Concentration, t.elapsed());

    let t = Instant::now();
    let spof = leads.first().and_then(|&l| graph.single_points_of_failure(l, Criticality::High).ok());
    report(Phase::Spof, t.elapsed());

    let _ = (all, rollups);
    BenchSummary {
        nodes: graph.node_count(),
        edges: graph.edge_count(),
        leads: leads.len(),
        components: graph.component_count(),
        sampled_leads: sample.len(),
        reached: reaches.iter().map(|r| r.len()).sum(),
        max_lead_dependents: conc.lead_dependents.iter().copied().max().unwrap_or(0),
        spofs_first_lead: spof.map_or(0, |r| r.spofs.len()),
    }
}
