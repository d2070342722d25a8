//! Generic weighted roll-ups over a requirement tree (group path), ignoring N/A and reporting the denominator.

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::answer::{ImplementationStatus, MaturityScale};
use crate::model::{AnswerSource, Requirement, ScoreError};

/// Credit each applicable status earns towards compliance, from 0 to 1.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct StatusCredits {
    /// Credit for implemented (default 1).
    pub implemented: f64,
    /// Credit for partial (default 0.5).
    pub partial: f64,
    /// Credit for planned (default 0).
    pub planned: f64,
    /// Credit for not implemented (default 0).
    pub not_implemented: f64,
}

impl Default for StatusCredits {
    fn default() -> Self {
        Self { implemented: 1.0, partial: 0.5, planned: 0.0, not_implemented: 0.0 }
    }
}

impl StatusCredits {
    /// Credit of `status`, clamped to 0..=1; `None` for N/A.
    pub fn credit(&self, status: &ImplementationStatus) -> Option<f64> {
        let raw = match status {
            ImplementationStatus::Implemented => self.implemented,
            ImplementationStatus::Partial => self.partial,
            ImplementationStatus::Planned => self.planned,
            ImplementationStatus::NotImplemented => self.not_implemented,
            ImplementationStatus::NotApplicable { .. } => return None,
        };
        Some(if raw.is_finite() { raw.clamp(0.0, 1.0) } else { 0.0 })
    }
}

/// What an unanswered requirement contributes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnansweredPolicy {
    /// Counts in the denominator with zero credit (conservative; default).
    #[default]
    CountAsZero,
    /// Left out of the denominator, like N/A.
    Exclude,
}

/// How to roll answers up.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RollupConfig {
    /// Credit per status.
    pub credits: StatusCredits,
    /// Weight requirements by [`Requirement::weight`]; otherwise each counts 1.
    pub weighted: bool,
    /// Treatment of unanswered requirements.
    pub unanswered: UnansweredPolicy,
    /// Maturity scale; levels above it are clamped.
    pub scale: MaturityScale,
}

impl Default for RollupConfig {
    fn default() -> Self {
        Self {
            credits: StatusCredits::default(),
            weighted: true,
            unanswered: UnansweredPolicy::default(),
            scale: MaturityScale::default(),
        }
    }
}

/// Counts of answers by status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct StatusCounts {
    /// Implemented.
    pub implemented: usize,
    /// Partial.
    pub partial: usize,
    /// Planned.
    pub planned: usize,
    /// Not implemented.
    pub not_implemented: usize,
    /// Not applicable.
    pub not_applicable: usize,
    /// No answer.
    pub unanswered: usize,
}

/// Scores of one group (or of the whole tree when `path` is empty).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupScore {
    /// Group ids from the root; empty for the whole assessment.
    pub path: Vec<String>,
    /// Requirements below this group.
    pub requirements: usize,
    /// Answers by status.
    pub counts: StatusCounts,
    /// Requirements counted in the compliance denominator.
    pub denominator_count: usize,
    /// Sum of their weights (the compliance denominator).
    pub denominator_weight: f64,
    /// Sum of weight × credit (the compliance numerator).
    pub credit_weight: f64,
    /// `credit_weight / denominator_weight`, 0 to 1; `None` when nothing counts.
    pub compliance: Option<f64>,
    /// Applicable answers that carry a maturity level.
    pub maturity_count: usize,
    /// (Weighted) mean maturity of those answers; `None` when there are none.
    pub mean_maturity: Option<f64>,
}

impl GroupScore {
    /// The group's own id (last path element), or `""` for the whole tree.
    pub fn id(&self) -> &str {
        self.path.last().map_or("", String::as_str)
    }

    /// Compliance as a percentage, 0 to 100.
    pub fn compliance_percent(&self) -> Option<f64> {
        self.compliance.map(|c| c * 100.0)
    }
}

/// The result of a roll-up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rollup {
    /// The whole assessment.
    pub overall: GroupScore,
    /// Every group that has requirements below it, sorted by path.
    pub groups: Vec<GroupScore>,
}

impl Rollup {
    /// The group at `path`.
    pub fn group(&self, path: &[&str]) -> Option<&GroupScore> {
        self.groups
            .binary_search_by(|g| g.path.iter().map(String::as_str).cmp(path.iter().copied()))
            .ok()
            .and_then(|i| self.groups.get(i))
    }

    /// Groups at `depth` (1 = top-level groups), in path order.
    pub fn at_depth(&self, depth: usize) -> impl Iterator<Item = &GroupScore> {
        self.groups.iter().filter(move |g| g.path.len() == depth)
    }
}

#[derive(Default)]
struct Acc {
    requirements: usize,
    counts: StatusCounts,
    denominator_count: usize,
    denominator_weight: f64,
    credit_weight: f64,
    maturity_count: usize,
    maturity_weight: f64,
    maturity_sum: f64,
}

impl Acc {
    /// Ratios are clamped to their ranges because weighted sums can land an
    /// ulp outside them (e.g. 1.93 × 5 / 1.93 = 5.000000000000001).
    fn finish(self, path: Vec<String>, scale: &MaturityScale) -> GroupScore {
        let (low, high) = (f64::from(scale.min()), f64::from(scale.max()));
        GroupScore {
            path,
            requirements: self.requirements,
            counts: self.counts,
            denominator_count: self.denominator_count,
            denominator_weight: self.denominator_weight,
            credit_weight: self.credit_weight,
            compliance: (self.denominator_weight > 0.0)
                .then(|| (self.credit_weight / self.denominator_weight).clamp(0.0, 1.0)),
            maturity_count: self.maturity_count,
            mean_maturity: (self.maturity_weight > 0.0)
                .then(|| (self.maturity_sum / self.maturity_weight).clamp(low, high)),
        }
    }
}

/// One requirement's contribution, computed once and added to every ancestor.
#[derive(Clone, Copy)]
struct Contribution {
    weight: f64,
    credit: Option<f64>,
    maturity: Option<f64>,
    status: Option<u8>,
}

impl Contribution {
    fn add_to(self, acc: &mut Acc) {
        acc.requirements += 1;
        match self.status {
            Some(0) => acc.counts.not_implemented += 1,
            Some(1) => acc.counts.planned += 1,
            Some(2) => acc.counts.partial += 1,
            Some(3) => acc.counts.implemented += 1,
            Some(_) => acc.counts.not_applicable += 1,
            None => acc.counts.unanswered += 1,
        }
        if let Some(credit) = self.credit {
            acc.denominator_count += 1;
            acc.denominator_weight += self.weight;
            acc.credit_weight += self.weight * credit;
        }
        if let Some(level) = self.maturity {
            acc.maturity_count += 1;
            acc.maturity_weight += self.weight;
            acc.maturity_sum += self.weight * level;
        }
    }
}

/// Rolls answers up every level of the requirement tree.
///
/// N/A answers never enter a denominator; unanswered requirements do unless
/// the config excludes them. Maturity means cover applicable answers that
/// carry a level.
pub fn rollup<A: AnswerSource + ?Sized>(
    reqs: &[Requirement],
    answers: &A,
    config: &RollupConfig,
) -> Result<Rollup, ScoreError> {
    let mut seen = HashSet::with_capacity(reqs.len());
    let mut overall = Acc::default();
    let mut groups: BTreeMap<&[String], Acc> = BTreeMap::new();
    for req in reqs {
        if !seen.insert(req.id.as_str()) {
            return Err(ScoreError::DuplicateRequirement(req.id.clone()));
        }
        let weight = if config.weighted { req.effective_weight() } else { 1.0 };
        let answer = answers.answer(&req.id);
        let contribution = match answer {
            None => Contribution {
                weight,
                credit: match config.unanswered {
                    UnansweredPolicy::CountAsZero => Some(0.0),
                    UnansweredPolicy::Exclude => None,
                },
                maturity: None,
                status: None,
            },
            Some(a) => {
                let credit = config.credits.credit(&a.status);
                Contribution {
                    weight,
                    credit,
                    maturity: credit.and(a.maturity).map(|m| f64::from(config.scale.clamp(m))),
                    status: Some(a.status.rank().unwrap_or(u8::MAX)),
                }
            }
        };
        contribution.add_to(&mut overall);
        for depth in 1..=req.parent_path.len() {
            let key = &req.parent_path[..depth];
            contribution.add_to(groups.entry(key).or_default());
        }
    }
    Ok(Rollup {
        overall: overall.finish(Vec::new(), &config.scale),
        groups: groups.into_iter().map(|(path, acc)| acc.finish(path.to_vec(), &config.scale)).collect(),
    })
}
