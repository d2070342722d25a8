//! Naive reference implementations of the graph analytics, compared with the optimised
//! ones on random and synthetic graphs. The optimised code must give *identical* results
//! (BFS order, tiers, path criticality, weakest links, lead counts and HyperLogLog
//! estimates), not merely close ones.

use std::collections::{BTreeSet, VecDeque};

use proptest::prelude::*;

use super::concentration::{HLL_REGISTERS, hll_estimate, hll_insert};
use super::*;
use crate::bench::{synthetic, synthetic_postures};

/// Adjacency lists built straight from the edge list, without CSR or components.
struct Naive {
    out: Vec<Vec<(u32, Criticality)>>,
    inn: Vec<Vec<u32>>,
}

impl Naive {
    fn of(g: &SupplyGraph) -> Naive {
        let n = g.node_count();
        let mut out = vec![Vec::new(); n];
        let mut inn = vec![Vec::new(); n];
        for (b, s, c) in g.edges() {
            out[b as usize].push((s, c));
            inn[s as usize].push(b);
        }
        Naive { out, inn }
    }

    /// Textbook BFS: queue, visit order, shortest tier, best weakest edge.
    fn reach(&self, buyer: u32) -> Reach {
        let n = self.out.len();
        let mut tier: Vec<Option<u32>> = vec![None; n];
        let mut crit = vec![Criticality::Low; n];
        tier[buyer as usize] = Some(0);
        crit[buyer as usize] = Criticality::Critical;
        let mut queue = VecDeque::from([buyer]);
        let mut order = Vec::new();
        while let Some(u) = queue.pop_front() {
            let t = tier[u as usize].unwrap_or(0);
            for &(v, c) in &self.out[u as usize] {
                let c = crit[u as usize].min(c);
                match tier[v as usize] {
                    None => {
                        tier[v as usize] = Some(t + 1);
                        crit[v as usize] = c;
                        queue.push_back(v);
                        order.push(v);
                    }
                    Some(tv) if tv == t + 1 && crit[v as usize] < c => crit[v as usize] = c,
                    Some(_) => {}
                }
            }
        }
        Reach {
            buyer,
            tiers: order.iter().map(|&v| tier[v as usize].unwrap_or(0)).collect(),
            criticality: order.iter().map(|&v| crit[v as usize]).collect(),
            nodes: order,
        }
    }

    /// Every node that reaches `v` over one or more edges (so `v` itself when it is on a cycle).
    fn ancestors(&self, v: u32) -> BTreeSet<u32> {
        let mut seen = BTreeSet::new();
        let mut stack = vec![v];
        while let Some(x) = stack.pop() {
            for &u in &self.inn[x as usize] {
                if seen.insert(u) {
                    stack.push(u);
                }
            }
        }
        seen
    }

    fn on_cycle(&self, v: u32) -> bool {
        self.ancestors(v).contains(&v)
    }

    fn concentration(&self, leads: &[u32]) -> Concentration {
        let n = self.out.len() as u32;
        let lead_set: BTreeSet<u32> = leads.iter().copied().filter(|&l| l < n).collect();
        let mut c =
            Concentration { direct_buyers: Vec::new(), lead_dependents: Vec::new(), all_buyers_estimate: Vec::new() };
        for v in 0..n {
            let anc = self.ancestors(v);
            let direct = self.inn[v as usize].len() as u32;
            c.direct_buyers.push(direct);
            c.lead_dependents.push(anc.iter().filter(|&&u| u != v && lead_set.contains(&u)).count() as u32);
            let mut regs = [0u8; HLL_REGISTERS];
            anc.iter().for_each(|&u| hll_insert(&mut regs, u));
            let mut est = hll_estimate(&regs).round();
            if anc.contains(&v) {
                est -= 1.0;
            }
            let est = est.clamp(0.0, f64::from(n.saturating_sub(1))) as u32;
            c.all_buyers_estimate.push(est.max(direct));
        }
        c
    }

    fn weakest(&self, postures: &[Posture], v: u32) -> Option<u8> {
        let own = self.on_cycle(v).then(|| postures[v as usize].conservative());
        self.reach(v).nodes.iter().map(|&s| postures[s as usize].conservative()).chain(own).min()
    }
}

fn check(g: &SupplyGraph, leads: &[u32], postures: &[Posture], buyers: &[u32]) -> Result<(), TestCaseError> {
    let naive = Naive::of(g);
    for &b in buyers {
        let fast = g.reach_from(b).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(&fast, &naive.reach(b), "reach from {}", b);
    }
    prop_assert_eq!(g.concentration(leads), naive.concentration(leads));
    let all = g.rollup_all(postures);
    for v in 0..g.node_count() as u32 {
        prop_assert_eq!(all.effective(v), naive.weakest(postures, v), "weakest link of {}", v);
    }
    Ok(())
}

fn graph(n: usize, raw: &[(u16, u16, u8)]) -> SupplyGraph {
    let edges: Vec<(u32, u32, Criticality)> = raw
        .iter()
        .map(|&(a, b, c)| (u32::from(a) % n as u32, u32::from(b) % n as u32, Criticality::from_u8(c % 4)))
        .collect();
    SupplyGraph::from_edges(n, &edges).unwrap_or_else(|_| SupplyGraph::empty())
}

proptest! {
    #[test]
    fn optimised_analytics_equal_the_naive_reference(
        n in 1usize..48,
        raw in proptest::collection::vec(any::<(u16, u16, u8)>(), 0..160),
        lead_mask in any::<u64>(),
        seed in any::<u64>(),
    ) {
        let g = graph(n, &raw);
        let leads: Vec<u32> = (0..n as u32).filter(|v| lead_mask >> (v % 64) & 1 == 1).chain([n as u32 + 3]).collect();
        let postures = synthetic_postures(n, seed);
        let buyers: Vec<u32> = (0..n as u32).collect();
        check(&g, &leads, &postures, &buyers)?;
    }
}

#[test]
fn synthetic_graph_equals_the_naive_reference() {
    // Large enough for hubs, several tiers, cycles and saturated sketches; more than 64
    // leads so the lead bitsets span several words.
    let s = synthetic(250_000, 700_000, 11);
    let g = &s.graph;
    assert!(s.leads.len() > 64 && (0..g.node_count() as u32).any(|v| g.in_cycle(v)));
    let naive = Naive::of(g);
    for &b in s.leads.iter().step_by(40) {
        assert_eq!(g.reach_from(b).ok(), Some(naive.reach(b)), "reach from {b}");
    }
    // Exact ancestor sets for every node would be quadratic: compare a sample.
    let conc = g.concentration(&s.leads);
    let lead_set: BTreeSet<u32> = s.leads.iter().copied().collect();
    for v in (0..g.node_count() as u32).step_by(4001) {
        let anc = naive.ancestors(v);
        let leads = anc.iter().filter(|&&u| u != v && lead_set.contains(&u)).count() as u32;
        assert_eq!(conc.lead_dependents[v as usize], leads, "lead dependents of {v}");
        let mut regs = [0u8; HLL_REGISTERS];
        anc.iter().for_each(|&u| hll_insert(&mut regs, u));
        let mut est = hll_estimate(&regs).round();
        if anc.contains(&v) {
            est -= 1.0;
        }
        let est = (est.max(0.0) as u32).max(naive.inn[v as usize].len() as u32);
        assert_eq!(conc.all_buyers_estimate[v as usize], est, "estimate of {v}");
    }
    let postures = synthetic_postures(g.node_count(), 11);
    let all = g.rollup_all(&postures);
    for v in (0..g.node_count() as u32).step_by(9973) {
        assert_eq!(all.effective(v), naive.weakest(&postures, v), "weakest link of {v}");
    }
}
