//! Management Guidelines maturity per directive (指示1–10), like the IPA visualization tool's radar axes.
//!
//! jp-frameworks.md §2: the tool's result is the mean level per directive,
//! one radar axis each. Its scale and per-directive question split are
//! unverified, so the scale is a parameter and questions carry their
//! directive in the `directive` tag.

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::answer::MaturityScale;
use crate::model::{AnswerSource, Requirement, ScoreError, TAG_DIRECTIVE};

/// Maturity of one directive.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DirectiveScore {
    /// Directive number, 1 to 10.
    pub directive: u8,
    /// Questions tagged with this directive.
    pub questions: usize,
    /// Questions answered with a maturity level (N/A excluded).
    pub answered: usize,
    /// Questions answered N/A.
    pub not_applicable: usize,
    /// Mean level of the answered questions; `None` if none is answered.
    pub mean: Option<f64>,
}

/// Maturity per directive and overall.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GuidelinesScore {
    /// Directives that have questions, in numeric order.
    pub directives: Vec<DirectiveScore>,
    /// Mean of the directive means that exist, so each directive weighs the
    /// same as one radar axis regardless of its number of questions.
    pub overall: Option<f64>,
    /// Total questions.
    pub questions: usize,
    /// Questions answered with a maturity level.
    pub answered: usize,
    /// The scale used.
    pub scale: MaturityScale,
}

/// Scores Guidelines questions: each requirement is a question tagged `directive` = 1..=10.
pub fn score_guidelines<A: AnswerSource + ?Sized>(
    reqs: &[Requirement],
    answers: &A,
    scale: &MaturityScale,
) -> Result<GuidelinesScore, ScoreError> {
    #[derive(Default)]
    struct Acc {
        questions: usize,
        answered: usize,
        not_applicable: usize,
        sum: f64,
    }
    let mut seen = HashSet::with_capacity(reqs.len());
    let mut by_directive: BTreeMap<u8, Acc> = BTreeMap::new();
    for req in reqs {
        if !seen.insert(req.id.as_str()) {
            return Err(ScoreError::DuplicateRequirement(req.id.clone()));
        }
        let directive = directive_of(req)?;
        let acc = by_directive.entry(directive).or_default();
        acc.questions += 1;
        match answers.answer(&req.id) {
            Some(a) if a.status.is_not_applicable() => acc.not_applicable += 1,
            Some(a) => {
                if let Some(level) = a.maturity {
                    acc.answered += 1;
                    acc.sum += f64::from(scale.clamp(level));
                }
            }
            None => {}
        }
    }
    let directives: Vec<DirectiveScore> = by_directive
        .into_iter()
        .map(|(directive, acc)| DirectiveScore {
            directive,
            questions: acc.questions,
            answered: acc.answered,
            not_applicable: acc.not_applicable,
            mean: (acc.answered > 0).then(|| acc.sum / acc.answered as f64),
        })
        .collect();
    let means: Vec<f64> = directives.iter().filter_map(|d| d.mean).collect();
    Ok(GuidelinesScore {
        overall: (!means.is_empty()).then(|| means.iter().sum::<f64>() / means.len() as f64),
        questions: directives.iter().map(|d| d.questions).sum(),
        answered: directives.iter().map(|d| d.answered).sum(),
        directives,
        scale: *scale,
    })
}

fn directive_of(req: &Requirement) -> Result<u8, ScoreError> {
    let raw = req
        .tag_value(TAG_DIRECTIVE)
        .ok_or_else(|| ScoreError::MissingTag { requirement: req.id.clone(), tag: TAG_DIRECTIVE.to_owned() })?;
    match raw.trim().parse::<u8>() {
        Ok(n @ 1..=10) => Ok(n),
        _ => Err(ScoreError::InvalidTag {
            requirement: req.id.clone(),
            tag: TAG_DIRECTIVE.to_owned(),
            value: raw.chars().take(64).collect(),
        }),
    }
}
