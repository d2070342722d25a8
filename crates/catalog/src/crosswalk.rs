//! Typed crosswalks between frameworks (NIST OLIR / OSCAL mapping relations), an index and traversal.
//!
//! A link reads "source RELATION target": `Subset` means the source requirement is a subset of the
//! target. Composition across a pivot `a R1 b`, `b R2 c` follows set reasoning:
//!
//! | R1 \ R2    | Equal      | Subset     | Superset   | Intersects | Related |
//! |------------|------------|------------|------------|------------|---------|
//! | Equal      | Equal      | Subset     | Superset   | Intersects | Related |
//! | Subset     | Subset     | Subset     | Related    | Related    | Related |
//! | Superset   | Superset   | Intersects | Superset   | Intersects | Related |
//! | Intersects | Intersects | Intersects | Related    | Related    | Related |
//! | Related    | Related    | Related    | Related    | Related    | Related |
//!
//! `Superset ∘ Subset` is `Intersects` because both ends contain the pivot; `Subset ∘ Superset` is only
//! `Related` because two parts of one whole need not overlap. `NotRelated` never composes.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::model::Source;

/// Relation between a source and a target requirement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    /// Same meaning.
    Equal,
    /// Source is a subset of target.
    Subset,
    /// Source is a superset of target.
    Superset,
    /// They overlap, neither contains the other.
    Intersects,
    /// Related without a stated set relation (e.g. an untyped informative reference).
    Related,
    /// Explicitly not related (kept so imported mapping sets round-trip).
    NotRelated,
}

impl Relation {
    /// The relation read from target to source.
    pub fn inverse(self) -> Self {
        match self {
            Relation::Subset => Relation::Superset,
            Relation::Superset => Relation::Subset,
            other => other,
        }
    }

    /// Composes `a self b` with `b next c` into `a ? c` (see the module table).
    pub fn compose(self, next: Relation) -> Option<Relation> {
        use Relation::*;
        Some(match (self, next) {
            (NotRelated, _) | (_, NotRelated) => return None,
            (Related, _) | (_, Related) => Related,
            (Equal, r) | (r, Equal) => r,
            (Subset, Subset) => Subset,
            (Superset, Superset) => Superset,
            (Superset, Subset) | (Superset, Intersects) | (Intersects, Subset) => Intersects,
            (Subset, Superset) | (Subset, Intersects) | (Intersects, Superset) | (Intersects, Intersects) => Related,
        })
    }
}

/// How much to trust a link.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    /// Weak or inferred.
    Low,
    /// Reasonable.
    Medium,
    /// From the publisher or a reviewed source.
    High,
}

/// Who made a crosswalk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Authorship {
    /// Published by the framework owner or NIST (e.g. OLIR / CPRT).
    Official,
    /// Written by the mamori project; not an official mapping.
    Ours,
    /// Imported from a user-supplied file.
    Imported,
}

/// A requirement in a framework.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct NodeRef {
    /// Framework id.
    pub framework: String,
    /// Node `ref_id` in that framework.
    pub ref_id: String,
}

impl NodeRef {
    /// Builds a reference.
    pub fn new(framework: impl Into<String>, ref_id: impl Into<String>) -> Self {
        Self { framework: framework.into(), ref_id: ref_id.into() }
    }
}

/// One typed link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    /// Source requirement.
    pub source: NodeRef,
    /// Target requirement.
    pub target: NodeRef,
    /// "source RELATION target".
    pub relation: Relation,
    /// Trust in this link.
    pub confidence: Confidence,
    /// Id of the [`Crosswalk`] the link comes from (its provenance).
    pub crosswalk: String,
    /// Why the link holds, when stated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rationale: Option<String>,
    /// Strength 0–10 as CISO Assistant records it, when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strength: Option<u8>,
}

/// A named set of links between two frameworks, with provenance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Crosswalk {
    /// Identifier.
    pub id: String,
    /// Human name.
    pub name: String,
    /// Source framework id.
    pub source_framework: String,
    /// Target framework id.
    pub target_framework: String,
    /// Who authored it.
    pub authorship: Authorship,
    /// Where it comes from.
    #[serde(default)]
    pub provenance: Vec<Source>,
    /// Notes on how it was made or normalised.
    #[serde(default)]
    pub notes: Vec<String>,
    /// The links.
    pub links: Vec<Link>,
}

/// The answer to "what does X correspond to in framework B".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mapping {
    /// The corresponding node in the target framework.
    pub target: NodeRef,
    /// "queried node RELATION target".
    pub relation: Relation,
    /// Weakest confidence along the way.
    pub confidence: Confidence,
    /// The intermediate node when the answer goes through a third framework.
    pub pivot: Option<NodeRef>,
    /// Indices (into the index's link list) of the links used, in order.
    pub links: Vec<usize>,
}

/// A link seen from one of its ends.
#[derive(Debug, Clone, Copy)]
struct Edge {
    link: usize,
    forward: bool,
}

/// Lookup structure over a list of links: per framework and per node, in both directions.
#[derive(Debug, Clone, Default)]
pub struct CrosswalkIndex {
    links: Vec<Link>,
    by_framework: HashMap<String, Vec<usize>>,
    by_node: HashMap<(String, String), Vec<Edge>>,
}

impl CrosswalkIndex {
    /// Indexes a copy of `links`.
    pub fn new(links: &[Link]) -> Self {
        let mut index = CrosswalkIndex { links: links.to_vec(), ..Default::default() };
        for (i, l) in index.links.iter().enumerate() {
            index.by_framework.entry(l.source.framework.clone()).or_default().push(i);
            if l.target.framework != l.source.framework {
                index.by_framework.entry(l.target.framework.clone()).or_default().push(i);
            }
            index
                .by_node
                .entry((l.source.framework.clone(), l.source.ref_id.clone()))
                .or_default()
                .push(Edge { link: i, forward: true });
            index
                .by_node
                .entry((l.target.framework.clone(), l.target.ref_id.clone()))
                .or_default()
                .push(Edge { link: i, forward: false });
        }
        index
    }

    /// Indexes every link of the given crosswalks.
    pub fn from_crosswalks(crosswalks: &[Crosswalk]) -> Self {
        let links: Vec<Link> = crosswalks.iter().flat_map(|c| c.links.iter().cloned()).collect();
        Self::new(&links)
    }

    /// All indexed links.
    pub fn links(&self) -> &[Link] {
        &self.links
    }

    /// Every link with `framework` at either end.
    pub fn links_for(&self, framework: &str) -> Vec<&Link> {
        self.by_framework.get(framework).map(|ids| ids.iter().map(|&i| &self.links[i]).collect()).unwrap_or_default()
    }

    /// Links touching one node, each oriented so that the node is the source (relation inverted as needed).
    pub fn links_for_node(&self, framework: &str, ref_id: &str) -> Vec<(usize, NodeRef, Relation)> {
        let key = (framework.to_owned(), ref_id.to_owned());
        self.by_node
            .get(&key)
            .map(|edges| {
                edges
                    .iter()
                    .map(|e| {
                        let l = &self.links[e.link];
                        if e.forward {
                            (e.link, l.target.clone(), l.relation)
                        } else {
                            (e.link, l.source.clone(), l.relation.inverse())
                        }
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Corresponding nodes of `(from, ref_id)` in framework `to`: direct links first, then answers
    /// through exactly one intermediate framework, each with the composed relation and its pivot.
    pub fn map(&self, from: &str, ref_id: &str, to: &str) -> Vec<Mapping> {
        let mut out: Vec<Mapping> = Vec::new();
        let first = self.links_for_node(from, ref_id);
        for (link, other, relation) in &first {
            if other.framework == to && *relation != Relation::NotRelated {
                out.push(Mapping {
                    target: other.clone(),
                    relation: *relation,
                    confidence: self.links[*link].confidence,
                    pivot: None,
                    links: vec![*link],
                });
            }
        }
        for (link, pivot, r1) in &first {
            if pivot.framework == to || pivot.framework == from {
                continue;
            }
            for (link2, target, r2) in self.links_for_node(&pivot.framework, &pivot.ref_id) {
                if target.framework != to {
                    continue;
                }
                let Some(relation) = r1.compose(r2) else {
                    continue;
                };
                let confidence = self.links[*link].confidence.min(self.links[link2].confidence);
                let duplicate = out.iter().any(|m| m.target == target && m.pivot.as_ref() == Some(pivot));
                if !duplicate {
                    out.push(Mapping {
                        target,
                        relation,
                        confidence,
                        pivot: Some(pivot.clone()),
                        links: vec![*link, link2],
                    });
                }
            }
        }
        out
    }
}
