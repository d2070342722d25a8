//! SCS (サプライチェーン強化に向けたセキュリティ対策評価制度) verdicts: ★3 met only if every ★3 criterion is met, and the gap to ★4.
//!
//! jp-frameworks.md §3.2 says a ★3 result requires all criteria to be met with
//! no partial scoring (secondary source), so "partial" counts as unmet. The
//! reference says nothing about N/A; we therefore refuse N/A on a criterion
//! unless the catalog explicitly tags it `na_allowed=true`, in which case it
//! is excluded from the verdict and listed separately. A self-assessed ★4
//! verdict is readiness only: the scheme requires third-party evaluation.

use std::collections::{BTreeSet, HashSet};

use serde::{Deserialize, Serialize};

use crate::answer::ImplementationStatus;
use crate::model::{AnswerSource, Requirement, ScoreError, TAG_NA_ALLOWED, TAG_SCS_LEVEL};

/// The level a criterion belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScsLevel {
    /// A ★3 criterion; ★4 also requires it.
    Star3,
    /// A criterion that only ★4 requires.
    Star4Only,
}

impl ScsLevel {
    /// Reads the level from a requirement's `scs_level` tag (`"3"` or `"4"`).
    pub fn of(req: &Requirement) -> Result<Self, ScoreError> {
        match req.tag_value(TAG_SCS_LEVEL) {
            Some("3") => Ok(Self::Star3),
            Some("4") => Ok(Self::Star4Only),
            Some(other) => Err(ScoreError::InvalidTag {
                requirement: req.id.clone(),
                tag: TAG_SCS_LEVEL.to_owned(),
                value: other.to_owned(),
            }),
            None => Err(ScoreError::MissingTag { requirement: req.id.clone(), tag: TAG_SCS_LEVEL.to_owned() }),
        }
    }
}

/// Why a criterion counts as not met.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnmetReason {
    /// No answer recorded.
    Unanswered,
    /// Answered not implemented.
    NotImplemented,
    /// Answered planned.
    Planned,
    /// Answered partial; the scheme has no partial credit.
    Partial,
    /// Answered N/A on a criterion where N/A is not permitted.
    NotApplicableNotPermitted,
}

/// A criterion that is not met, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnmetCriterion {
    /// Criterion id, e.g. `4-1-3-2`.
    pub id: String,
    /// The requirement it belongs to (the last group of its parent path), if known.
    pub requirement: Option<String>,
    /// Its level.
    pub level: ScsLevel,
    /// Why it is not met.
    pub reason: UnmetReason,
}

/// The verdict for one level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScsVerdict {
    /// True only if every criterion in scope is met and there is at least one.
    pub met: bool,
    /// Criteria in scope (N/A-permitted ones excluded).
    pub criteria_total: usize,
    /// Criteria met.
    pub criteria_met: usize,
    /// Criteria not met, in input order.
    pub unmet: Vec<UnmetCriterion>,
}

/// Result of scoring an SCS self-assessment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScsResult {
    /// ★3: every ★3 criterion.
    pub star3: ScsVerdict,
    /// ★4 readiness: every ★3 and ★4-only criterion.
    pub star4: ScsVerdict,
    /// The ★4-only criteria not yet met.
    pub gap_to_star4: Vec<UnmetCriterion>,
    /// Requirements with at least one unmet ★4-only criterion, sorted.
    pub gap_to_star4_requirements: Vec<String>,
    /// Criteria answered N/A where the catalog permits it (excluded from verdicts).
    pub not_applicable: Vec<String>,
}

/// Scores SCS criteria: each requirement is a criterion tagged `scs_level`.
pub fn score_scs<A: AnswerSource + ?Sized>(reqs: &[Requirement], answers: &A) -> Result<ScsResult, ScoreError> {
    let mut seen = HashSet::with_capacity(reqs.len());
    let mut star3 = Tally::default();
    let mut star4 = Tally::default();
    let mut gap_to_star4 = Vec::new();
    let mut not_applicable = Vec::new();
    for req in reqs {
        if !seen.insert(req.id.as_str()) {
            return Err(ScoreError::DuplicateRequirement(req.id.clone()));
        }
        let level = ScsLevel::of(req)?;
        let na_allowed = req.tag_value(TAG_NA_ALLOWED) == Some("true");
        let reason = match answers.answer(&req.id).map(|a| &a.status) {
            None => Some(UnmetReason::Unanswered),
            Some(ImplementationStatus::Implemented) => None,
            Some(ImplementationStatus::Partial) => Some(UnmetReason::Partial),
            Some(ImplementationStatus::Planned) => Some(UnmetReason::Planned),
            Some(ImplementationStatus::NotImplemented) => Some(UnmetReason::NotImplemented),
            Some(ImplementationStatus::NotApplicable { .. }) if na_allowed => {
                not_applicable.push(req.id.clone());
                continue;
            }
            Some(ImplementationStatus::NotApplicable { .. }) => Some(UnmetReason::NotApplicableNotPermitted),
        };
        let unmet = reason.map(|reason| UnmetCriterion {
            id: req.id.clone(),
            requirement: req.parent_path.last().cloned(),
            level,
            reason,
        });
        if level == ScsLevel::Star3 {
            star3.add(unmet.clone());
        } else if let Some(u) = &unmet {
            gap_to_star4.push(u.clone());
        }
        star4.add(unmet);
    }
    let gap_to_star4_requirements = gap_to_star4
        .iter()
        .map(|u| u.requirement.clone().unwrap_or_else(|| u.id.clone()))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    Ok(ScsResult {
        star3: star3.verdict(),
        star4: star4.verdict(),
        gap_to_star4,
        gap_to_star4_requirements,
        not_applicable,
    })
}

#[derive(Default)]
struct Tally {
    total: usize,
    unmet: Vec<UnmetCriterion>,
}

impl Tally {
    fn add(&mut self, unmet: Option<UnmetCriterion>) {
        self.total += 1;
        if let Some(u) = unmet {
            self.unmet.push(u);
        }
    }

    fn verdict(self) -> ScsVerdict {
        // An empty scope is "not met": a verdict must never pass vacuously
        // because the catalog was loaded without its ★3 criteria.
        ScsVerdict {
            met: self.total > 0 && self.unmet.is_empty(),
            criteria_total: self.total,
            criteria_met: self.total - self.unmet.len(),
            unmet: self.unmet,
        }
    }
}
