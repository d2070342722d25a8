//! NIST CSF 2.0 scores per function and per category, built on the generic roll-up.

use serde::{Deserialize, Serialize};

use crate::model::{AnswerSource, Requirement, ScoreError};
use crate::scoring::rollup::{GroupScore, RollupConfig, rollup};

/// The six CSF 2.0 functions in their official order.
pub const CSF_FUNCTIONS: [&str; 6] = ["GV", "ID", "PR", "DE", "RS", "RC"];

/// Scores per CSF function and category.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CsfScore {
    /// Functions (depth 1 of the parent path) in GV, ID, PR, DE, RS, RC order; unknown ids follow, sorted.
    pub functions: Vec<GroupScore>,
    /// Categories (depth 2), in function order then id.
    pub categories: Vec<GroupScore>,
    /// The whole profile.
    pub overall: GroupScore,
}

/// Scores CSF subcategories whose parent path is `[function, category]`,
/// e.g. `["GV", "GV.OC"]`. Compliance uses the config's credits (partial =
/// 0.5 by default); maturity is the mean level.
pub fn score_csf<A: AnswerSource + ?Sized>(
    reqs: &[Requirement],
    answers: &A,
    config: &RollupConfig,
) -> Result<CsfScore, ScoreError> {
    let rolled = rollup(reqs, answers, config)?;
    let order = |g: &GroupScore| {
        let function = g.path.first().map_or("", String::as_str);
        let rank = CSF_FUNCTIONS.iter().position(|f| *f == function).unwrap_or(CSF_FUNCTIONS.len());
        (rank, g.path.clone())
    };
    let mut functions: Vec<GroupScore> = rolled.at_depth(1).cloned().collect();
    functions.sort_by_key(order);
    let mut categories: Vec<GroupScore> = rolled.at_depth(2).cloned().collect();
    categories.sort_by_key(order);
    Ok(CsfScore { functions, categories, overall: rolled.overall })
}
