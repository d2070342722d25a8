//! Consent-aware projection of a buyer's supply network: details where every
//! intermediate supplier agreed to disclose its own suppliers, aggregates
//! (counts per tier and status) everywhere else.

use super::{GraphError, SupplyGraph};
use crate::Criticality;
use std::collections::BTreeMap;

/// A supplier the buyer may see in detail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisibleSupplier<S> {
    /// Node index.
    pub node: u32,
    /// Shortest tier in the full graph.
    pub tier: u32,
    /// Caller-supplied status.
    pub status: S,
}

/// Count of hidden suppliers sharing a tier and status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AggregateRow<S> {
    /// Tier.
    pub tier: u32,
    /// Status.
    pub status: S,
    /// Number of hidden suppliers.
    pub count: usize,
}

/// What the UI shows a buyer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentView<S> {
    /// Suppliers shown in detail, in BFS order.
    pub visible: Vec<VisibleSupplier<S>>,
    /// Edges between the buyer/visible suppliers that the buyer may see.
    pub visible_edges: Vec<(u32, u32, Criticality)>,
    /// Hidden suppliers, aggregated and sorted by tier then status.
    pub hidden: Vec<AggregateRow<S>>,
}

impl SupplyGraph {
    /// Projects `buyer`'s network for display.
    ///
    /// Rule: direct suppliers are always visible (they are the buyer's own
    /// relationships). A deeper supplier is visible if some visible supplier
    /// that `consented` to disclose its suppliers has an edge to it; that edge
    /// is then visible too. Every other reachable supplier is only counted,
    /// per shortest tier and `status`.
    pub fn consent_view<S: Clone + Ord>(
        &self,
        buyer: u32,
        consented: impl Fn(u32) -> bool,
        status: impl Fn(u32) -> S,
    ) -> Result<ConsentView<S>, GraphError> {
        let reach = self.reach_from(buyer)?;
        let mut tier_of = std::collections::HashMap::with_capacity(reach.len());
        for (&v, &t) in reach.nodes.iter().zip(&reach.tiers) {
            tier_of.insert(v, t);
        }
        let mut visible_set = std::collections::HashSet::new();
        let mut order = Vec::new();
        let mut edges = Vec::new();
        let mut queue = std::collections::VecDeque::new();
        for (s, c) in self.suppliers(buyer) {
            edges.push((buyer, s, c));
            if visible_set.insert(s) {
                order.push(s);
                queue.push_back(s);
            }
        }
        while let Some(u) = queue.pop_front() {
            if !consented(u) {
                continue;
            }
            for (s, c) in self.suppliers(u) {
                if s == buyer {
                    continue;
                }
                edges.push((u, s, c));
                if visible_set.insert(s) {
                    order.push(s);
                    queue.push_back(s);
                }
            }
        }
        let mut visible: Vec<VisibleSupplier<S>> = order
            .into_iter()
            .filter_map(|v| tier_of.get(&v).map(|&tier| VisibleSupplier { node: v, tier, status: status(v) }))
            .collect();
        visible.sort_by_key(|v| v.tier);
        let mut hidden: BTreeMap<(u32, S), usize> = BTreeMap::new();
        for (&v, &t) in reach.nodes.iter().zip(&reach.tiers) {
            if !visible_set.contains(&v) {
                *hidden.entry((t, status(v))).or_default() += 1;
            }
        }
        Ok(ConsentView {
            visible,
            visible_edges: edges,
            hidden: hidden.into_iter().map(|((tier, status), count)| AggregateRow { tier, status, count }).collect(),
        })
    }
}
