//! Single points of failure from a buyer's perspective, via the dominator
//! tree (Lengauer–Tarjan with path compression, O(m log n)).
//!
//! Definition used: for buyer `b`, the *critical supply* is every node
//! reachable from `b` along edges whose criticality is at least the given
//! threshold. A supplier `v ≠ b` is a single point of failure when it
//! dominates at least one critical-supply node `t ≠ v` in the dominator tree
//! of the graph reachable from `b`, rooted at `b`: every supply path from `b`
//! to `t` (over all edges, so any alternative source counts) passes through
//! `v`, and losing `v` cuts `b` off from `t`. Its *share* is the fraction of
//! `b`'s critical-supply nodes it cuts off.

use super::{GraphError, NONE, SupplyGraph};
use crate::Criticality;

/// One single point of failure.
#[derive(Debug, Clone, PartialEq)]
pub struct SinglePointOfFailure {
    /// The supplier.
    pub node: u32,
    /// Critical-supply nodes (other than itself) it dominates.
    pub dominated_critical: u32,
    /// `dominated_critical / critical_total`.
    pub share: f64,
}

/// Result of [`SupplyGraph::single_points_of_failure`].
#[derive(Debug, Clone, PartialEq)]
pub struct SpofReport {
    /// Size of the buyer's critical supply.
    pub critical_total: u32,
    /// Single points of failure, largest share first (ties: lower index).
    pub spofs: Vec<SinglePointOfFailure>,
}

impl SupplyGraph {
    /// Immediate dominators of the nodes reachable from `root`, as
    /// `(node, idom)` pairs in DFS preorder (the root itself is omitted).
    pub fn dominators(&self, root: u32) -> Result<Vec<(u32, u32)>, GraphError> {
        let d = self.dominator_tree(root)?;
        Ok((1..d.vertex.len()).map(|i| (d.vertex[i], d.vertex[d.idom[i] as usize])).collect())
    }

    /// Single points of failure for `buyer` with critical supply defined by
    /// edges of criticality `>= threshold`.
    pub fn single_points_of_failure(&self, buyer: u32, threshold: Criticality) -> Result<SpofReport, GraphError> {
        let d = self.dominator_tree(buyer)?;
        let size = d.vertex.len();
        // Critical supply: BFS over edges at or above the threshold.
        let mut critical = vec![false; size];
        let mut queue = vec![buyer];
        let mut seen = vec![false; size];
        seen[0] = true;
        let mut head = 0;
        while head < queue.len() {
            let u = queue[head];
            head += 1;
            let (s, e) = self.out_range(u);
            for i in s..e {
                if self.out_crit[i] < threshold {
                    continue;
                }
                let w = self.out_targets[i];
                let wi = d.dfnum[w as usize] as usize;
                if !seen[wi] {
                    seen[wi] = true;
                    critical[wi] = true;
                    queue.push(w);
                }
            }
        }
        let critical_total = critical.iter().filter(|&&c| c).count() as u32;
        // Subtree sums: idom(i) < i in preorder, so a reverse sweep suffices.
        let mut sum: Vec<u32> = critical.iter().map(|&c| u32::from(c)).collect();
        for i in (1..size).rev() {
            let p = d.idom[i] as usize;
            sum[p] += sum[i];
        }
        let mut spofs: Vec<SinglePointOfFailure> = (1..size)
            .filter_map(|i| {
                let dominated = sum[i] - u32::from(critical[i]);
                (dominated > 0).then(|| SinglePointOfFailure {
                    node: d.vertex[i],
                    dominated_critical: dominated,
                    share: f64::from(dominated) / f64::from(critical_total.max(1)),
                })
            })
            .collect();
        spofs.sort_by(|a, b| b.dominated_critical.cmp(&a.dominated_critical).then(a.node.cmp(&b.node)));
        Ok(SpofReport { critical_total, spofs })
    }

    fn dominator_tree(&self, root: u32) -> Result<DomTree, GraphError> {
        self.check_node(root)?;
        // Iterative DFS preorder numbering of the nodes reachable from root.
        let mut dfnum = vec![NONE; self.n];
        let mut vertex: Vec<u32> = Vec::new();
        let mut parent: Vec<u32> = Vec::new();
        let mut stack: Vec<(u32, usize)> = Vec::new();
        dfnum[root as usize] = 0;
        vertex.push(root);
        parent.push(0);
        stack.push((root, self.out_range(root).0));
        while let Some(top) = stack.last_mut() {
            let (v, pos) = (top.0, top.1);
            let end = self.out_range(v).1;
            if pos >= end {
                stack.pop();
                continue;
            }
            top.1 += 1;
            let w = self.out_targets[pos];
            if dfnum[w as usize] == NONE {
                dfnum[w as usize] = vertex.len() as u32;
                parent.push(dfnum[v as usize]);
                vertex.push(w);
                stack.push((w, self.out_range(w).0));
            }
        }
        let size = vertex.len();
        // All arrays below are indexed by DFS number.
        let mut semi: Vec<u32> = (0..size as u32).collect();
        let mut idom = vec![0u32; size];
        let mut ancestor = vec![NONE; size];
        let mut label: Vec<u32> = (0..size as u32).collect();
        let mut bucket_head = vec![NONE; size];
        let mut bucket_next = vec![NONE; size];
        let mut path: Vec<u32> = Vec::new();
        for w in (1..size).rev() {
            let wv = vertex[w] as usize;
            for &pred in &self.in_sources[self.in_offsets[wv] as usize..self.in_offsets[wv + 1] as usize] {
                let v = dfnum[pred as usize];
                if v == NONE {
                    continue; // not reachable from the root
                }
                let u = eval(v, &mut ancestor, &mut label, &semi, &mut path);
                if semi[u as usize] < semi[w] {
                    semi[w] = semi[u as usize];
                }
            }
            let s = semi[w] as usize;
            bucket_next[w] = bucket_head[s];
            bucket_head[s] = w as u32;
            let p = parent[w];
            ancestor[w] = p;
            let mut b = bucket_head[p as usize];
            bucket_head[p as usize] = NONE;
            while b != NONE {
                let u = eval(b, &mut ancestor, &mut label, &semi, &mut path);
                idom[b as usize] = if semi[u as usize] < semi[b as usize] { u } else { p };
                b = bucket_next[b as usize];
            }
        }
        for w in 1..size {
            if idom[w] != semi[w] {
                idom[w] = idom[idom[w] as usize];
            }
        }
        Ok(DomTree { vertex, idom, dfnum })
    }
}

struct DomTree {
    /// Node per DFS number.
    vertex: Vec<u32>,
    /// Immediate dominator per DFS number (as a DFS number; root maps to 0).
    idom: Vec<u32>,
    /// DFS number per node, `NONE` if unreachable.
    dfnum: Vec<u32>,
}

/// Lengauer–Tarjan EVAL with iterative path compression.
fn eval(v: u32, ancestor: &mut [u32], label: &mut [u32], semi: &[u32], path: &mut Vec<u32>) -> u32 {
    if ancestor[v as usize] == NONE {
        return v;
    }
    // Collect the path up to the node whose ancestor is the forest root.
    path.clear();
    let mut x = v;
    while ancestor[ancestor[x as usize] as usize] != NONE {
        path.push(x);
        x = ancestor[x as usize];
    }
    // Compress from the top down.
    while let Some(y) = path.pop() {
        let a = ancestor[y as usize] as usize;
        if semi[label[a] as usize] < semi[label[y as usize] as usize] {
            label[y as usize] = label[a];
        }
        ancestor[y as usize] = ancestor[a];
    }
    label[v as usize]
}
