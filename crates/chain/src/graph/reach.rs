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
    pub fn reach_from(&self, buyer: u32) -> Result<Reach, GraphError> {
        self.check_node(buyer)?;
        let mut tier = vec![NONE; self.n];
        let mut crit = vec![0u8; self.n];
        tier[buyer as usize] = 0;
        crit[buyer as usize] = Criticality::Critical as u8;
        let mut queue: Vec<u32> = vec![buyer];
        let mut head = 0;
        while head < queue.len() {
            let u = queue[head];
            head += 1;
            let next = tier[u as usize] + 1;
            let cu = crit[u as usize];
            let (s, e) = self.out_range(u);
            for i in s..e {
                let v = self.out_targets[i] as usize;
                let c = cu.min(self.out_crit[i] as u8);
                if tier[v] == NONE {
                    tier[v] = next;
                    crit[v] = c;
                    queue.push(v as u32);
                } else if tier[v] == next && crit[v] < c {
                    // All of tier `next - 1` is dequeued before any node of
                    // tier `next`, so this update is final when v is dequeued.
                    crit[v] = c;
                }
            }
        }
        let nodes: Vec<u32> = queue[1..].to_vec();
        let tiers = nodes.iter().map(|&v| tier[v as usize]).collect();
        let criticality = nodes.iter().map(|&v| Criticality::from_u8(crit[v as usize])).collect();
        Ok(Reach { buyer, nodes, tiers, criticality })
    }
}
