//! Inference across crosswalks: answers to framework A propose answers to framework B, which a person confirms.
//!
//! Relations follow NIST OLIR: each link states how the *source* requirement
//! relates to the *target*. If the source equals or is a superset of the
//! target, implementing the source covers the target, so its status is
//! proposed. If the source is a subset, it covers only part of the target;
//! like CISO Assistant we cap the proposal at partial and mark it so.
//! Intersecting or merely related sources only yield suggestions. N/A
//! answers are not carried over: why something does not apply to one
//! requirement says nothing about another.

use std::collections::BTreeMap;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::answer::{AnswerView, ImplementationStatus};
use crate::model::AnswerSource;

/// How a source requirement relates to a target requirement (OLIR).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    /// Source and target are the same.
    Equal,
    /// Source is a subset of the target.
    Subset,
    /// Source is a superset of the target.
    Superset,
    /// Source and target overlap.
    Intersects,
    /// Source and target are related in a weaker way.
    Related,
}

/// An unknown relation name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown crosswalk relation {0:?} (expected equal, subset, superset, intersects or related)")]
pub struct UnknownRelation(pub String);

impl FromStr for Relation {
    type Err = UnknownRelation;

    /// Accepts our snake_case codes and the OLIR phrasings ("subset of", "intersects with", …).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let norm: String =
            s.trim().to_ascii_lowercase().chars().map(|c| if c == ' ' || c == '-' { '_' } else { c }).collect();
        match norm.as_str() {
            "equal" | "equivalent" | "equal_to" => Ok(Self::Equal),
            "subset" | "subset_of" => Ok(Self::Subset),
            "superset" | "superset_of" => Ok(Self::Superset),
            "intersects" | "intersects_with" | "intersect" => Ok(Self::Intersects),
            "related" | "related_to" => Ok(Self::Related),
            _ => Err(UnknownRelation(s.chars().take(64).collect())),
        }
    }
}

/// A typed crosswalk link from a source requirement to a target requirement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    /// Source requirement id (the answered framework).
    pub source: String,
    /// Target requirement id (the framework to pre-fill).
    pub target: String,
    /// How the source relates to the target.
    pub relation: Relation,
}

/// How strongly a proposal is backed; ordered weakest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProposalKind {
    /// From intersecting or related sources: shown as a hint only.
    SuggestionOnly,
    /// From subset sources: proposed, but capped at partial.
    ProposedPartial,
    /// From equal or superset sources: the source covers the target.
    Proposed,
}

impl ProposalKind {
    /// The kind a relation yields.
    pub fn of(relation: Relation) -> Self {
        match relation {
            Relation::Equal | Relation::Superset => Self::Proposed,
            Relation::Subset => Self::ProposedPartial,
            Relation::Intersects | Relation::Related => Self::SuggestionOnly,
        }
    }
}

/// One source behind an inferred answer.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct InferenceSource {
    /// Source requirement id.
    pub source: String,
    /// Its relation to the target.
    pub relation: Relation,
}

/// A proposed answer for a target requirement. Nothing is applied until [`confirm`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proposal {
    /// Target requirement id.
    pub target: String,
    /// Proposed status.
    pub status: ImplementationStatus,
    /// The sources of the winning strength, sorted.
    pub from: Vec<InferenceSource>,
    /// How strongly it is backed.
    pub kind: ProposalKind,
}

/// Where a confirmed answer came from, kept so reports can show inferred answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    /// Strength of the proposal that was confirmed.
    pub kind: ProposalKind,
    /// Its sources.
    pub from: Vec<InferenceSource>,
    /// The status that was proposed.
    pub proposed_status: ImplementationStatus,
    /// Whether the person confirmed a different status than proposed.
    pub overridden: bool,
}

/// Proposes answers for every target that has at least one answered, applicable source.
///
/// When several sources map to one target the strongest kind wins, and among
/// sources of that kind the worst status is proposed (conservative).
/// Proposals come sorted by target id. Callers skip targets already answered.
pub fn infer<A: AnswerSource + ?Sized>(answers: &A, links: &[Link]) -> Vec<Proposal> {
    let mut best: BTreeMap<&str, Proposal> = BTreeMap::new();
    for link in links {
        let Some(answer) = answers.answer(&link.source) else {
            continue;
        };
        let Some(rank) = answer.status.rank() else {
            continue;
        };
        let kind = ProposalKind::of(link.relation);
        let status = if kind == ProposalKind::ProposedPartial && rank > 2 {
            ImplementationStatus::Partial
        } else {
            answer.status.clone()
        };
        let source = InferenceSource { source: link.source.clone(), relation: link.relation };
        match best.get_mut(link.target.as_str()) {
            Some(current) if current.kind > kind => {}
            Some(current) if current.kind == kind => {
                if status.rank() < current.status.rank() {
                    current.status = status;
                }
                if !current.from.contains(&source) {
                    current.from.push(source);
                }
            }
            _ => {
                best.insert(
                    link.target.as_str(),
                    Proposal { target: link.target.clone(), status, from: vec![source], kind },
                );
            }
        }
    }
    best.into_values()
        .map(|mut p| {
            p.from.sort();
            p
        })
        .collect()
}

/// Accepts a proposal as it stands, keeping its provenance.
pub fn confirm(proposal: &Proposal) -> AnswerView {
    confirm_as(proposal, proposal.status.clone())
}

/// Accepts a proposal with the status the person chose, keeping its provenance.
pub fn confirm_as(proposal: &Proposal, status: ImplementationStatus) -> AnswerView {
    let overridden = status != proposal.status;
    let mut view = AnswerView::new(status);
    view.provenance = Some(Provenance {
        kind: proposal.kind,
        from: proposal.from.clone(),
        proposed_status: proposal.status.clone(),
        overridden,
    });
    view
}
