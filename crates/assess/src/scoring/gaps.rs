//! Target profiles and the prioritised gap list (the "roadmap to ★3/★4").

use std::cmp::Ordering;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::answer::MaturityScale;
use crate::model::{AnswerSource, Requirement, TAG_CRITICALITY};
use crate::scoring::scs::ScsLevel;

/// A status a target may require.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetStatus {
    /// At least planned.
    Planned,
    /// At least partial.
    Partial,
    /// Implemented.
    Implemented,
}

impl TargetStatus {
    fn rank(self) -> u8 {
        match self {
            Self::Planned => 1,
            Self::Partial => 2,
            Self::Implemented => 3,
        }
    }
}

/// What a requirement should reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "value")]
pub enum Target {
    /// A maturity level on the profile's scale.
    Maturity(u8),
    /// An implementation status.
    Status(TargetStatus),
}

/// A target for every requirement below a group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupTarget {
    /// Group ids from the root.
    pub path: Vec<String>,
    /// The target.
    pub target: Target,
}

/// Targets by requirement, by group (deepest group wins) and by default.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetProfile {
    /// Scale that maturity targets and answers are measured on.
    #[serde(default)]
    pub scale: MaturityScale,
    /// Target for requirements with no more specific one.
    #[serde(default)]
    pub default: Option<Target>,
    /// Targets for groups.
    #[serde(default)]
    pub groups: Vec<GroupTarget>,
    /// Targets for single requirements (these win).
    #[serde(default)]
    pub requirements: BTreeMap<String, Target>,
}

impl TargetProfile {
    /// The same maturity target for every requirement.
    pub fn uniform_maturity(level: u8, scale: MaturityScale) -> Self {
        Self { scale, default: Some(Target::Maturity(level)), ..Self::default() }
    }

    /// The roadmap to an SCS level: every criterion that level requires
    /// must be implemented. Criteria without a valid `scs_level` tag get no target.
    pub fn scs_roadmap(reqs: &[Requirement], level: ScsLevel) -> Self {
        let requirements = reqs
            .iter()
            .filter(|r| ScsLevel::of(r).is_ok_and(|l| l <= level))
            .map(|r| (r.id.clone(), Target::Status(TargetStatus::Implemented)))
            .collect();
        Self { requirements, ..Self::default() }
    }

    /// The target that applies to `req`, if any.
    pub fn target_for(&self, req: &Requirement) -> Option<Target> {
        if let Some(t) = self.requirements.get(&req.id) {
            return Some(*t);
        }
        self.target_for_group(&req.parent_path)
    }

    /// The target of the deepest group target that `path` lies under, else the default.
    pub fn target_for_group(&self, path: &[String]) -> Option<Target> {
        self.groups
            .iter()
            .filter(|g| path.starts_with(&g.path))
            .max_by_key(|g| g.path.len())
            .map(|g| g.target)
            .or(self.default)
    }
}

/// One requirement below its target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Gap {
    /// Requirement id.
    pub requirement: String,
    /// Its group path.
    pub parent_path: Vec<String>,
    /// The target it misses.
    pub target: Target,
    /// Current status code, `None` when unanswered.
    pub current_status: Option<String>,
    /// Current maturity, `None` when not given.
    pub current_maturity: Option<u8>,
    /// Size of the gap, 0 to 1: maturity levels missing over the scale's
    /// range, or status ranks missing (not implemented → planned → partial →
    /// implemented) over 3.
    pub size: f64,
    /// The requirement's effective weight.
    pub weight: f64,
    /// `size × weight`, the first sort key.
    pub priority: f64,
    /// The requirement's `criticality` tag, the second sort key.
    pub criticality: Option<String>,
}

/// Lists every requirement below its target, most urgent first: by gap
/// size × weight, then criticality, then id. N/A requirements have no gap.
pub fn gaps<A: AnswerSource + ?Sized>(reqs: &[Requirement], answers: &A, profile: &TargetProfile) -> Vec<Gap> {
    let scale = profile.scale;
    let range = f64::from(scale.max() - scale.min());
    let mut out = Vec::new();
    for req in reqs {
        let Some(target) = profile.target_for(req) else {
            continue;
        };
        let answer = answers.answer(&req.id);
        if answer.is_some_and(|a| a.status.is_not_applicable()) {
            continue;
        }
        let size = match target {
            Target::Maturity(level) => {
                let goal = scale.clamp(level);
                let current = answer.and_then(|a| a.maturity).map_or(scale.min(), |m| scale.clamp(m));
                if current >= goal {
                    continue;
                }
                if range > 0.0 { f64::from(goal - current) / range } else { 1.0 }
            }
            Target::Status(status) => {
                let current = answer.and_then(|a| a.status.rank()).unwrap_or(0);
                if current >= status.rank() {
                    continue;
                }
                f64::from(status.rank() - current) / 3.0
            }
        };
        let weight = req.effective_weight();
        out.push(Gap {
            requirement: req.id.clone(),
            parent_path: req.parent_path.clone(),
            target,
            current_status: answer.map(|a| a.status.code().to_owned()),
            current_maturity: answer.and_then(|a| a.maturity),
            size,
            weight,
            priority: size * weight,
            criticality: req.tag_value(TAG_CRITICALITY).map(str::to_owned),
        });
    }
    out.sort_by(compare_gaps);
    out
}

fn compare_gaps(a: &Gap, b: &Gap) -> Ordering {
    b.priority
        .total_cmp(&a.priority)
        .then_with(|| criticality_rank(b).total_cmp(&criticality_rank(a)))
        .then_with(|| a.requirement.cmp(&b.requirement))
}

/// Named criticalities map to 4..1; numbers are taken as given; anything else ranks lowest.
fn criticality_rank(gap: &Gap) -> f64 {
    let Some(raw) = gap.criticality.as_deref() else {
        return f64::NEG_INFINITY;
    };
    match raw.trim().to_ascii_lowercase().as_str() {
        "critical" => 4.0,
        "high" => 3.0,
        "medium" => 2.0,
        "low" => 1.0,
        other => other.parse::<f64>().ok().filter(|v| v.is_finite()).unwrap_or(f64::NEG_INFINITY),
    }
}
