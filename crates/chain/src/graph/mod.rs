//! Compact supply graph (CSR arrays of `u32`) of organizations and
//! buyer → supplier edges, with its strongly connected components.
//!
//! Nodes are dense indices `0..n`; callers keep the mapping to organization
//! ids. Edges point from buyer to supplier, so "downstream" in this module
//! means towards deeper tiers of supply.

mod concentration;
mod consent;
mod dominators;
mod export;
mod reach;
#[cfg(test)]
mod reference;
mod rollup;

pub use concentration::{Concentration, HLL_REGISTERS};
pub use consent::{AggregateRow, ConsentView, VisibleSupplier};
pub use dominators::{SinglePointOfFailure, SpofReport};
pub use export::{export_csv, export_graphml};
pub use reach::Reach;
pub use rollup::{AllWeakest, Posture, Rollup, RollupOptions, TierStats, WeakestLink};

use crate::Criticality;

/// Marker for "no node" in `u32` arrays.
pub(crate) const NONE: u32 = u32::MAX;

/// Problems building a graph.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GraphError {
    /// More nodes or edges than `u32` indices allow.
    #[error("graph too large: {what} = {len}, the limit is {max}")]
    TooLarge {
        /// `nodes` or `edges`.
        what: &'static str,
        /// Requested size.
        len: usize,
        /// Limit.
        max: usize,
    },
    /// An edge names a node outside `0..n`.
    #[error("edge {index} names node {node}, but the graph has {n} nodes")]
    NodeOutOfRange {
        /// Edge position in the input.
        index: usize,
        /// The bad node.
        node: u32,
        /// Node count.
        n: usize,
    },
    /// A node index passed to a query is outside `0..n`.
    #[error("node {node} is outside the graph (n = {n})")]
    UnknownNode {
        /// The bad node.
        node: u32,
        /// Node count.
        n: usize,
    },
}

/// An immutable supply graph.
#[derive(Debug, Clone)]
pub struct SupplyGraph {
    n: usize,
    out_offsets: Vec<u32>,
    out_targets: Vec<u32>,
    out_crit: Vec<Criticality>,
    in_offsets: Vec<u32>,
    in_sources: Vec<u32>,
    /// Component id per node. Components are numbered in Tarjan emission
    /// order: every component reachable from `c` has an id smaller than `c`.
    comp: Vec<u32>,
    /// Nodes grouped by component, in component id order.
    comp_nodes: Vec<u32>,
    /// `comp_nodes[comp_start[c]..comp_start[c + 1]]` are the members of `c`.
    comp_start: Vec<u32>,
    /// Edges entering each component from other components (buyer, buyer's component).
    cin: Condensed,
    /// Edges leaving each component to other components (supplier, supplier's component).
    cout: Condensed,
}

/// Edges between components, grouped by component in member order: DAG passes stream
/// these instead of following each member's row and looking up every neighbour's
/// component.
#[derive(Debug, Clone)]
struct Condensed {
    /// `nodes[start[c]..start[c + 1]]` belong to component `c`.
    start: Vec<u32>,
    /// The neighbour at the other end of each edge.
    nodes: Vec<u32>,
    /// The neighbour's component.
    comps: Vec<u32>,
}

impl Condensed {
    fn empty() -> Self {
        Self { start: vec![0], nodes: Vec::new(), comps: Vec::new() }
    }

    fn of(&self, c: u32) -> impl Iterator<Item = (u32, u32)> + '_ {
        let c = c as usize;
        let (s, e) = (self.start[c] as usize, self.start[c + 1] as usize);
        self.nodes[s..e].iter().copied().zip(self.comps[s..e].iter().copied())
    }
}

impl SupplyGraph {
    /// Builds a graph with `n` nodes from `(buyer, supplier, criticality)`
    /// edges. Self-loops are dropped; parallel edges are merged keeping the
    /// highest criticality.
    pub fn from_edges(n: usize, edges: &[(u32, u32, Criticality)]) -> Result<Self, GraphError> {
        let max = (u32::MAX - 1) as usize;
        if n > max {
            return Err(GraphError::TooLarge { what: "nodes", len: n, max });
        }
        if edges.len() > max {
            return Err(GraphError::TooLarge { what: "edges", len: edges.len(), max });
        }
        let mut degree = vec![0u32; n + 1];
        for (index, &(b, s, _)) in edges.iter().enumerate() {
            for node in [b, s] {
                if node as usize >= n {
                    return Err(GraphError::NodeOutOfRange { index, node, n });
                }
            }
            if b != s {
                degree[b as usize + 1] += 1;
            }
        }
        for i in 0..n {
            degree[i + 1] += degree[i];
        }
        let m = degree[n] as usize;
        let mut fill = degree.clone();
        let mut targets = vec![0u32; m];
        let mut crit = vec![Criticality::Low; m];
        for &(b, s, c) in edges {
            if b != s {
                let slot = fill[b as usize] as usize;
                targets[slot] = s;
                crit[slot] = c;
                fill[b as usize] += 1;
            }
        }
        // Sort each row and merge duplicates in place.
        let mut out_offsets = vec![0u32; n + 1];
        let mut write = 0usize;
        let mut row: Vec<(u32, Criticality)> = Vec::new();
        for v in 0..n {
            let (start, end) = (degree[v] as usize, degree[v + 1] as usize);
            row.clear();
            row.extend(targets[start..end].iter().copied().zip(crit[start..end].iter().copied()));
            row.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
            let mut last = NONE;
            for &(t, c) in &row {
                if t != last {
                    targets[write] = t;
                    crit[write] = c;
                    write += 1;
                    last = t;
                }
            }
            out_offsets[v + 1] = write as u32;
        }
        targets.truncate(write);
        crit.truncate(write);
        let (in_offsets, in_sources) = transpose(n, &out_offsets, &targets);
        let mut graph = Self {
            n,
            out_offsets,
            out_targets: targets,
            out_crit: crit,
            in_offsets,
            in_sources,
            comp: Vec::new(),
            comp_nodes: Vec::new(),
            comp_start: Vec::new(),
            cin: Condensed::empty(),
            cout: Condensed::empty(),
        };
        graph.compute_components();
        graph.cin = graph.condense(&graph.in_offsets, &graph.in_sources);
        graph.cout = graph.condense(&graph.out_offsets, &graph.out_targets);
        Ok(graph)
    }

    /// A graph without nodes.
    pub fn empty() -> Self {
        Self {
            n: 0,
            out_offsets: vec![0],
            out_targets: Vec::new(),
            out_crit: Vec::new(),
            in_offsets: vec![0],
            in_sources: Vec::new(),
            comp: Vec::new(),
            comp_nodes: Vec::new(),
            comp_start: vec![0],
            cin: Condensed::empty(),
            cout: Condensed::empty(),
        }
    }

    /// Number of nodes.
    pub fn node_count(&self) -> usize {
        self.n
    }

    /// Number of distinct edges.
    pub fn edge_count(&self) -> usize {
        self.out_targets.len()
    }

    /// Direct suppliers of `buyer` with the edge criticality.
    pub fn suppliers(&self, buyer: u32) -> impl Iterator<Item = (u32, Criticality)> + '_ {
        let (s, e) = self.out_range(buyer);
        self.out_targets[s..e].iter().copied().zip(self.out_crit[s..e].iter().copied())
    }

    /// Direct buyers of `supplier`.
    pub fn buyers(&self, supplier: u32) -> &[u32] {
        let v = supplier as usize;
        if v >= self.n {
            return &[];
        }
        &self.in_sources[self.in_offsets[v] as usize..self.in_offsets[v + 1] as usize]
    }

    /// All edges as `(buyer, supplier, criticality)`, ordered by buyer then supplier.
    pub fn edges(&self) -> impl Iterator<Item = (u32, u32, Criticality)> + '_ {
        (0..self.n as u32).flat_map(move |b| self.suppliers(b).map(move |(s, c)| (b, s, c)))
    }

    /// Number of strongly connected components (supply cycles collapse into one).
    pub fn component_count(&self) -> usize {
        self.comp_start.len().saturating_sub(1)
    }

    /// Whether `node` lies on a supply cycle.
    pub fn in_cycle(&self, node: u32) -> bool {
        self.comp.get(node as usize).is_some_and(|&c| self.comp_members(c).len() > 1)
    }

    pub(crate) fn check_node(&self, node: u32) -> Result<(), GraphError> {
        if (node as usize) < self.n { Ok(()) } else { Err(GraphError::UnknownNode { node, n: self.n }) }
    }

    pub(crate) fn out_range(&self, v: u32) -> (usize, usize) {
        let v = v as usize;
        if v >= self.n {
            return (0, 0);
        }
        (self.out_offsets[v] as usize, self.out_offsets[v + 1] as usize)
    }

    pub(crate) fn comp_members(&self, c: u32) -> &[u32] {
        let c = c as usize;
        &self.comp_nodes[self.comp_start[c] as usize..self.comp_start[c + 1] as usize]
    }

    /// Edges entering component `c` from other components, as (buyer, buyer's component).
    pub(crate) fn comp_in_edges(&self, c: u32) -> impl Iterator<Item = (u32, u32)> + '_ {
        self.cin.of(c)
    }

    /// Edges leaving component `c` to other components, as (supplier, its component).
    pub(crate) fn comp_out_edges(&self, c: u32) -> impl Iterator<Item = (u32, u32)> + '_ {
        self.cout.of(c)
    }

    /// Groups the cross-component edges of one direction (`offsets`/`adj` as CSR) by component.
    fn condense(&self, offsets: &[u32], adj: &[u32]) -> Condensed {
        let comps = self.component_count();
        let mut out = Condensed {
            start: Vec::with_capacity(comps + 1),
            nodes: Vec::with_capacity(adj.len()),
            comps: Vec::with_capacity(adj.len()),
        };
        out.start.push(0);
        for c in 0..comps as u32 {
            for &v in self.comp_members(c) {
                let v = v as usize;
                for &u in &adj[offsets[v] as usize..offsets[v + 1] as usize] {
                    let d = self.comp[u as usize];
                    if d != c {
                        out.nodes.push(u);
                        out.comps.push(d);
                    }
                }
            }
            out.start.push(out.nodes.len() as u32);
        }
        out
    }

    /// Iterative Tarjan SCC. Components are emitted sinks first.
    fn compute_components(&mut self) {
        let n = self.n;
        let mut index = vec![NONE; n];
        let mut low = vec![0u32; n];
        let mut on_stack = vec![false; n];
        let mut stack: Vec<u32> = Vec::new();
        let mut call: Vec<(u32, u32)> = Vec::new();
        let mut comp = vec![NONE; n];
        let mut comp_nodes = Vec::with_capacity(n);
        let mut comp_start = vec![0u32];
        let mut next = 0u32;
        for root in 0..n as u32 {
            if index[root as usize] != NONE {
                continue;
            }
            call.push((root, self.out_offsets[root as usize]));
            index[root as usize] = next;
            low[root as usize] = next;
            next += 1;
            stack.push(root);
            on_stack[root as usize] = true;
            while let Some(top) = call.last_mut() {
                let v = top.0;
                let end = self.out_offsets[v as usize + 1];
                if top.1 < end {
                    let w = self.out_targets[top.1 as usize];
                    top.1 += 1;
                    let wi = w as usize;
                    if index[wi] == NONE {
                        index[wi] = next;
                        low[wi] = next;
                        next += 1;
                        stack.push(w);
                        on_stack[wi] = true;
                        call.push((w, self.out_offsets[wi]));
                    } else if on_stack[wi] {
                        low[v as usize] = low[v as usize].min(index[wi]);
                    }
                    continue;
                }
                call.pop();
                if let Some(&(parent, _)) = call.last() {
                    low[parent as usize] = low[parent as usize].min(low[v as usize]);
                }
                if low[v as usize] == index[v as usize] {
                    let id = (comp_start.len() - 1) as u32;
                    while let Some(w) = stack.pop() {
                        on_stack[w as usize] = false;
                        comp[w as usize] = id;
                        comp_nodes.push(w);
                        if w == v {
                            break;
                        }
                    }
                    comp_start.push(comp_nodes.len() as u32);
                }
            }
        }
        self.comp = comp;
        self.comp_nodes = comp_nodes;
        self.comp_start = comp_start;
    }
}

fn transpose(n: usize, offsets: &[u32], targets: &[u32]) -> (Vec<u32>, Vec<u32>) {
    let mut in_offsets = vec![0u32; n + 1];
    for &t in targets {
        in_offsets[t as usize + 1] += 1;
    }
    for i in 0..n {
        in_offsets[i + 1] += in_offsets[i];
    }
    let mut fill = in_offsets.clone();
    let mut sources = vec![0u32; targets.len()];
    for v in 0..n {
        for &t in &targets[offsets[v] as usize..offsets[v + 1] as usize] {
            sources[fill[t as usize] as usize] = v as u32;
            fill[t as usize] += 1;
        }
    }
    (in_offsets, sources)
}
