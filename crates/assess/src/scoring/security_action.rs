//! SECURITY ACTION 「5分でできる!情報セキュリティ自社診断」: 25 items scored 4/2/0/−1, total out of 100, and its band.
//!
//! Facts encoded here come from jp-frameworks.md §4.3: the 25 items in three
//! sections (1–5, 6–18, 19–25), the points per answer and the bands
//! 100 / 70–99 / 50–69 / below 50. The wording of the messages for each band
//! is unverified, so we expose the band only and leave the text to the UI.

use serde::{Deserialize, Serialize};

use crate::answer::{AnswerView, ImplementationStatus, SelfCheckChoice};
use crate::model::ScoreError;

/// Number of items in the self-check.
pub const SELF_CHECK_ITEMS: usize = 25;
/// Highest possible total (25 × 4).
pub const SELF_CHECK_MAX: i32 = 100;

/// The three sections of the self-check, with their item ranges (§4.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SelfCheckSection {
    /// 基本的対策, items 1–5.
    Basic,
    /// 従業員としての対策, items 6–18.
    Employee,
    /// 組織としての対策, items 19–25.
    Organization,
}

impl SelfCheckSection {
    /// All sections in order.
    pub const ALL: [Self; 3] = [Self::Basic, Self::Employee, Self::Organization];

    /// The section of item `number` (1-based), if it exists.
    pub fn of_item(number: usize) -> Option<Self> {
        match number {
            1..=5 => Some(Self::Basic),
            6..=18 => Some(Self::Employee),
            19..=25 => Some(Self::Organization),
            _ => None,
        }
    }

    /// Inclusive item range.
    pub fn items(self) -> (usize, usize) {
        match self {
            Self::Basic => (1, 5),
            Self::Employee => (6, 18),
            Self::Organization => (19, 25),
        }
    }

    /// Japanese section title (identifier).
    pub fn title_ja(self) -> &'static str {
        match self {
            Self::Basic => "基本的対策",
            Self::Employee => "従業員としての対策",
            Self::Organization => "組織としての対策",
        }
    }

    /// English paraphrase of the section title.
    pub fn title_en(self) -> &'static str {
        match self {
            Self::Basic => "Basic measures",
            Self::Employee => "Measures for employees",
            Self::Organization => "Measures for the organization",
        }
    }
}

/// Result band of the self-check (jp-frameworks.md §4.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SecurityActionBand {
    /// Below 50 points.
    Below50,
    /// 50 to 69 points.
    From50To69,
    /// 70 to 99 points.
    From70To99,
    /// Exactly 100: the entry level is achieved; the advice is to go further.
    Full,
}

impl SecurityActionBand {
    /// The band a total falls in.
    pub fn of_total(total: i32) -> Self {
        match total {
            t if t >= SELF_CHECK_MAX => Self::Full,
            70..=99 => Self::From70To99,
            50..=69 => Self::From50To69,
            _ => Self::Below50,
        }
    }
}

/// How a not-applicable item is scored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "policy", content = "as")]
pub enum SelfCheckNaPolicy {
    /// Score it as this choice. An older edition scored N/A items (e.g. no
    /// Wi-Fi) as implemented, 4 points; that rule is unverified for the
    /// current edition (§4.3), hence the policy is configurable.
    ScoreAs(SelfCheckChoice),
    /// Refuse N/A answers.
    Reject,
}

/// Rules for scoring the self-check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecurityActionRules {
    /// How N/A items are scored.
    pub not_applicable: SelfCheckNaPolicy,
}

impl Default for SecurityActionRules {
    fn default() -> Self {
        Self { not_applicable: SelfCheckNaPolicy::ScoreAs(SelfCheckChoice::Implemented) }
    }
}

/// One item's contribution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SelfCheckItemScore {
    /// Item number, 1 to 25.
    pub number: usize,
    /// Choice the points were taken from.
    pub choice: SelfCheckChoice,
    /// Points scored (4, 2, 0 or −1).
    pub points: i8,
    /// Whether the item was answered N/A (and scored by the N/A policy).
    pub not_applicable: bool,
}

/// Subtotal of one section.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SectionScore {
    /// The section.
    pub section: SelfCheckSection,
    /// Sum of its items' points.
    pub total: i32,
    /// Its maximum (4 × items).
    pub max: i32,
}

/// The self-check result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecurityActionScore {
    /// Total points, from −25 to 100.
    pub total: i32,
    /// Always 100.
    pub max: i32,
    /// The band the total falls in.
    pub band: SecurityActionBand,
    /// Per-item points, in item order.
    pub items: Vec<SelfCheckItemScore>,
    /// Per-section subtotals.
    pub sections: Vec<SectionScore>,
    /// Items answered わからない (unknown).
    pub unknown_count: usize,
    /// Items answered N/A.
    pub not_applicable_count: usize,
}

/// Scores the 25 answers, given in item order, with the default rules.
pub fn score_security_action(answers: &[AnswerView]) -> Result<SecurityActionScore, ScoreError> {
    score_security_action_with(answers, &SecurityActionRules::default())
}

/// Scores the 25 answers, given in item order, with explicit rules.
pub fn score_security_action_with(
    answers: &[AnswerView],
    rules: &SecurityActionRules,
) -> Result<SecurityActionScore, ScoreError> {
    if answers.len() != SELF_CHECK_ITEMS {
        return Err(ScoreError::WrongItemCount { expected: SELF_CHECK_ITEMS, got: answers.len() });
    }
    let mut items = Vec::with_capacity(SELF_CHECK_ITEMS);
    for (index, answer) in answers.iter().enumerate() {
        let number = index + 1;
        let not_applicable = answer.status.is_not_applicable();
        let choice = if not_applicable {
            match rules.not_applicable {
                SelfCheckNaPolicy::ScoreAs(choice) => choice,
                SelfCheckNaPolicy::Reject => {
                    return Err(ScoreError::NotApplicableNotPermitted { requirement: number.to_string() });
                }
            }
        } else {
            answer.points.unwrap_or(match answer.status {
                ImplementationStatus::Implemented => SelfCheckChoice::Implemented,
                ImplementationStatus::Partial => SelfCheckChoice::Partial,
                _ => SelfCheckChoice::NotImplemented,
            })
        };
        items.push(SelfCheckItemScore { number, choice, points: choice.points(), not_applicable });
    }
    let sections = SelfCheckSection::ALL
        .iter()
        .map(|&section| {
            let (first, last) = section.items();
            let total = items[first - 1..last].iter().map(|i| i32::from(i.points)).sum();
            let count = i32::try_from(last - first + 1).unwrap_or(0);
            SectionScore { section, total, max: 4 * count }
        })
        .collect();
    let total = items.iter().map(|i| i32::from(i.points)).sum();
    Ok(SecurityActionScore {
        total,
        max: SELF_CHECK_MAX,
        band: SecurityActionBand::of_total(total),
        unknown_count: items.iter().filter(|i| i.choice == SelfCheckChoice::Unknown).count(),
        not_applicable_count: items.iter().filter(|i| i.not_applicable).count(),
        items,
        sections,
    })
}
