//! Tiers from a buyer's point of view: breadth-first search over supply
//! edges, recording each supplier's shortest tier and its path criticality.

use super::{GraphError, NONE, SupplyGraph};
use crate::Criticality;

/// Everything reachable from one buyer.
///
/// `nodes[i]` is at tier `tiers[i]` (1 = direct supplier) and has path
/// criticality `criticality[i]`: the best, over shortest supply paths from the
/// buyer, of the lowest edge criticality on the path. A chain is only as
/// critical to the buyer as its least critical link, and among equally short
/// chains the most critical one counts. Nodes are in BFS order (tier ascending).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reach {
    /// The buyer.
    pub buyer: u32,
    /// Reachable suppliers, excluding the buyer itself.
    pub nodes: Vec<u32>,
    /// Shortest tier per entry of `nodes`.
    pub tiers: Vec<u32>,
    /// Path criticality per entry of `nodes`.
    pub criticality: Vec<Criticality>,
}

impl Reach {
    /// Number of reachable suppliers.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Whether the buyer has no suppliers.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// The deepest tier (0 if there are no suppliers).
    pub fn max_tier(&self) -> u32 {
        self.tiers.last().copied().unwrap_or(0)
    }

    /// Supplier counts per tier; index 0 is tier 1.
    pub fn tier_counts(&self) -> Vec<usize> {
        let mut counts = vec![0usize; self.max_tier() as usize];
        for &t in &self.tiers {
            counts[t as usize - 1] += 1;
        }
        counts
    }
}

impl SupplyGraph {
    /// `(supplier, tier)` for every supplier reachable from `buyer`, in BFS order.
    pub fn tiers_from(&self, buyer: u32) -> Result<Vec<(u32, u32)>, GraphError> {
        let reach = self.reach_from(buyer)?;
        Ok(reach.nodes.into_iter().zip(reach.tiers).collect())
    }

    /// Breadth-first search from `buyer` with tiers and path criticality.
    ///
    /// Level-synchronous: the output vector is the queue, each tier is a contiguous
    /// slice of it (so tiers need no per-node lookup), and the buffers are sized once.
    pub fn reach_from(&self, buyer: u32) -> Result<Reach, GraphError> {
        self.check_node(buyer)?;
        let mut tier = vec![NONE; self.n];
        let mut crit = vec![0u8; self.n];
        tier[buyer as usize] = 0;
        crit[buyer as usize] = Criticality::Critical as u8;
        let mut nodes: Vec<u32> = Vec::with_capacity(self.n.saturating_sub(1));
        let mut tiers: Vec<u32> = Vec::with_capacity(self.n.saturating_sub(1));
        self.expand(buyer, 1, &mut tier, &mut crit, &mut nodes);
        let (mut start, mut next) = (0, 1u32);
        while start < nodes.len() {
            let end = nodes.len();
            tiers.resize(end, next);
            next += 1;
            for i in start..end {
                let u = nodes[i];
                self.expand(u, next, &mut tier, &mut crit, &mut nodes);
            }
            start = end;
        }
        let criticality = nodes.iter().map(|&v| Criticality::from_u8(crit[v as usize])).collect();
        Ok(Reach { buyer, nodes, tiers, criticality })
    }

    /// Visits the suppliers of `u` (at tier `next - 1`), appending new ones at tier `next`.
    #[inline]
    fn expand(&self, u: u32, next: u32, tier: &mut [u32], crit: &mut [u8], nodes: &mut Vec<u32>) {
        let cu = crit[u as usize];
        let (s, e) = self.out_range(u);
        for (&v, &c) in self.out_targets[s..e].iter().zip(&self.out_crit[s..e]) {
            let v = v as usize;
            let c = cu.min(c as u8);
            let t = tier[v];
            if t == NONE {
                tier[v] = next;
                crit[v] = c;
                nodes.push(v as u32);
            } else if t == next && crit[v] < c {
                // All of tier `next - 1` is expanded before any node of tier `next`, so
                // this update is final when v is expanded.
                crit[v] = c;
            }
        }
    }
}
