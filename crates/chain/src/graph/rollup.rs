//! Posture roll-up: weakest-link and criticality-weighted average per buyer,
//! and a linear-time weakest-link pass for every organization at once.
//!
//! Unknown posture is treated conservatively: it counts as score 0 in every
//! aggregate, and it is also counted separately so the UI can say why.

use super::{GraphError, Reach, SupplyGraph};

/// A node's security posture: a score 0–100, or unknown. One byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(transparent)]
pub struct Posture(u8);

impl Posture {
    /// No score available (not requested, not attested, expired, …).
    pub const UNKNOWN: Posture = Posture(u8::MAX);

    /// A known score; `None` above 100.
    pub fn score(value: u8) -> Option<Posture> {
        (value <= 100).then_some(Posture(value))
    }

    /// The score, or `None` when unknown.
    pub fn value(self) -> Option<u8> {
        (self.0 <= 100).then_some(self.0)
    }

    /// The score used in aggregates: unknown counts as 0.
    pub fn conservative(self) -> u8 {
        self.value().unwrap_or(0)
    }
}

fn posture_of(postures: &[Posture], v: u32) -> Posture {
    postures.get(v as usize).copied().unwrap_or(Posture::UNKNOWN)
}

/// Roll-up parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct RollupOptions {
    /// Weight per criticality (indexed by `Criticality as usize`) for the
    /// weighted average. Default 1, 2, 4, 8 (a mamori choice: each step
    /// doubles the weight).
    pub criticality_weights: [f64; 4],
    /// Tier decay for the tier-weighted weakest link: a supplier at tier `t`
    /// contributes a deficit `(100 - score) * decay^(t-1)`. Default 0.5.
    pub tier_decay: f64,
}

impl Default for RollupOptions {
    fn default() -> Self {
        Self { criticality_weights: [1.0, 2.0, 4.0, 8.0], tier_decay: 0.5 }
    }
}

/// The weakest supplier found.
#[derive(Debug, Clone, PartialEq)]
pub struct WeakestLink {
    /// Node index.
    pub node: u32,
    /// Shortest tier.
    pub tier: u32,
    /// Posture (possibly unknown).
    pub posture: Posture,
    /// Effective score used in the comparison.
    pub effective: f64,
}

/// Per-tier statistics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TierStats {
    /// Tier (1 = direct).
    pub tier: u32,
    /// Suppliers at this tier.
    pub suppliers: usize,
    /// Of which unknown.
    pub unknown: usize,
    /// Lowest known score, if any known.
    pub min_known: Option<u8>,
}

/// A buyer's roll-up.
#[derive(Debug, Clone, PartialEq)]
pub struct Rollup {
    /// Reachable suppliers.
    pub suppliers: usize,
    /// Of which posture is unknown.
    pub unknown: usize,
    /// Minimum conservative score over all suppliers (ties: lowest tier first).
    pub weakest_link: Option<WeakestLink>,
    /// Minimum of `100 - (100 - score) * decay^(tier-1)`.
    pub tier_weighted_weakest_link: Option<WeakestLink>,
    /// Criticality-weighted mean of conservative scores.
    pub weighted_average: Option<f64>,
    /// The same mean over known scores only (context for the UI).
    pub weighted_average_known: Option<f64>,
    /// Statistics per tier, tier 1 first.
    pub per_tier: Vec<TierStats>,
}

impl Reach {
    /// Rolls up postures over this reach.
    pub fn rollup(&self, postures: &[Posture], options: &RollupOptions) -> Rollup {
        let decay = if options.tier_decay.is_finite() { options.tier_decay.clamp(0.0, 1.0) } else { 1.0 };
        let mut unknown = 0;
        let mut weakest: Option<WeakestLink> = None;
        let mut weighted: Option<WeakestLink> = None;
        let (mut sum, mut wsum, mut sum_known, mut wsum_known) = (0.0, 0.0, 0.0, 0.0);
        let mut per_tier: Vec<TierStats> = Vec::new();
        let mut factor = 1.0;
        for i in 0..self.nodes.len() {
            let (v, tier) = (self.nodes[i], self.tiers[i]);
            if per_tier.last().is_none_or(|t| t.tier != tier) {
                if !per_tier.is_empty() {
                    factor *= decay.powi((tier - per_tier.last().map_or(tier, |t| t.tier)) as i32);
                }
                per_tier.push(TierStats { tier, suppliers: 0, unknown: 0, min_known: None });
            }
            let p = posture_of(postures, v);
            let score = f64::from(p.conservative());
            let w = options.criticality_weights[self.criticality[i] as usize].max(0.0);
            let stats = per_tier.last_mut();
            if let Some(stats) = stats {
                stats.suppliers += 1;
                match p.value() {
                    None => stats.unknown += 1,
                    Some(s) => stats.min_known = Some(stats.min_known.map_or(s, |m| m.min(s))),
                }
            }
            if p.value().is_none() {
                unknown += 1;
            } else {
                sum_known += w * score;
                wsum_known += w;
            }
            sum += w * score;
            wsum += w;
            if weakest.as_ref().is_none_or(|b| score < b.effective) {
                weakest = Some(WeakestLink { node: v, tier, posture: p, effective: score });
            }
            let eff = 100.0 - (100.0 - score) * factor;
            if weighted.as_ref().is_none_or(|b| eff < b.effective) {
                weighted = Some(WeakestLink { node: v, tier, posture: p, effective: eff });
            }
        }
        Rollup {
            suppliers: self.nodes.len(),
            unknown,
            weakest_link: weakest,
            tier_weighted_weakest_link: weighted,
            weighted_average: (wsum > 0.0).then(|| sum / wsum),
            weighted_average_known: (wsum_known > 0.0).then(|| sum_known / wsum_known),
            per_tier,
        }
    }
}

/// Weakest link for every organization at once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllWeakest {
    /// Lowest known score among each node's reachable suppliers; 255 = none known.
    pub known_min: Vec<u8>,
    /// Whether any reachable supplier has unknown posture.
    pub any_unknown: Vec<bool>,
}

impl AllWeakest {
    /// Conservative weakest link of `node`: 0 if any supplier is unknown,
    /// `None` if it has no suppliers.
    pub fn effective(&self, node: u32) -> Option<u8> {
        let i = node as usize;
        if *self.any_unknown.get(i)? {
            Some(0)
        } else {
            let m = *self.known_min.get(i)?;
            (m <= 100).then_some(m)
        }
    }
}

impl SupplyGraph {
    /// Roll-up for one buyer.
    pub fn rollup(&self, buyer: u32, postures: &[Posture]) -> Result<Rollup, GraphError> {
        Ok(self.reach_from(buyer)?.rollup(postures, &RollupOptions::default()))
    }

    /// Weakest link for every node in O(n + m) over the component DAG: min
    /// and "any unknown" are idempotent, so unions of reachable sets need no
    /// de-duplication. Inside a supply cycle a node counts as its own
    /// indirect supplier.
    pub fn rollup_all(&self, postures: &[Posture]) -> AllWeakest {
        // One byte per component: the lowest known score in the low seven bits (127 = none
        // known) and "any unknown" in the high bit, so each edge costs one lookup. A
        // posture byte has the same layout (0–100 known, 255 unknown).
        const UNKNOWN: u8 = 0x80;
        const NONE_KNOWN: u8 = 0x7f;
        let merge = |a: u8, b: u8| (a & NONE_KNOWN).min(b & NONE_KNOWN) | ((a | b) & UNKNOWN);
        let comps = self.component_count();
        let mut state = vec![NONE_KNOWN; comps];
        // Components are numbered sinks first, so successors are final.
        for c in 0..comps as u32 {
            let members = self.comp_members(c);
            let mut st = NONE_KNOWN;
            if members.len() > 1 {
                for &v in members {
                    st = merge(st, posture_of(postures, v).0);
                }
            }
            for (w, d) in self.comp_out_edges(c) {
                st = merge(merge(st, posture_of(postures, w).0), state[d as usize]);
            }
            state[c as usize] = st;
        }
        let known = |st: u8| if st & NONE_KNOWN == NONE_KNOWN { u8::MAX } else { st & NONE_KNOWN };
        AllWeakest {
            known_min: self.comp.iter().map(|&c| known(state[c as usize])).collect(),
            any_unknown: self.comp.iter().map(|&c| state[c as usize] & UNKNOWN != 0).collect(),
        }
    }
}
