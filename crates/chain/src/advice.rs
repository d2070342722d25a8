//! SCS level advice per buyer → supplier relationship (the "three-question
//! rule"), buyer overrides with a recorded reason, and reassessment cadence.
//!
//! Source used, quoted from `jp-frameworks.md` §3.2 (our reference notes; that
//! section's provenance is the Tokyo Metropolitan Government explainer
//! <https://cybersecurity-taisaku.metro.tokyo.lg.jp/tip/security-hyoukaseido2>
//! summarising the 2025-04-14 interim report, i.e. a secondary source):
//!
//! > Three-question rule (which level a buyer asks for; interim report model):
//! > 1. Will the buyer's important confidential information be handled on the
//! >    supplier's IT infrastructure?
//! > 2. Would an interruption at the supplier cause the buyer unacceptable
//! >    delay? (consider spread of impact, alternative sources, difficulty of
//! >    holding stock)
//! > 3. Can the supplier's environment reach the buyer's internal systems?
//! >
//! > Any "yes" → ★4 (plus extra requirements if ★4 is not enough). All "no" →
//! > ★3, unless other factors justify ★4.
//!
//! Gaps, which we leave to the buyer rather than invent:
//! - The scheme gives no threshold for "unacceptable delay"; the buyer records
//!   the interruption impact and only [`InterruptionImpact::Unacceptable`]
//!   answers question 2 with yes.
//! - "Other factors" that justify ★4 are not enumerated; criticality therefore
//!   does not change the recommendation, and the buyer uses an [`Override`].
//! - When ★4 "is not enough" is not defined; [`Advice::beyond_star4_review`]
//!   only flags relationships where all three answers are yes, as a prompt.
//! - Cadence: the validity periods (★3 one year, ★4 three years with a yearly
//!   self-assessment) are themselves secondary. Defaults are in [`CadencePolicy`].

use crate::{Criticality, Level};
use serde::{Deserialize, Serialize};
use time::{Date, Month};

/// How badly an interruption at the supplier would affect the buyer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InterruptionImpact {
    /// No noticeable effect.
    Negligible,
    /// Delay that alternative sources or stock can absorb.
    Tolerable,
    /// Delay the buyer cannot accept (question 2 is "yes").
    Unacceptable,
}

/// The attributes a buyer records for each supplier relationship.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Relationship {
    /// What is supplied (free text).
    pub supplied: String,
    /// Criticality of the supply to the buyer.
    pub criticality: Criticality,
    /// The buyer's important confidential information is handled on the
    /// supplier's IT infrastructure (question 1).
    pub handles_confidential_data: bool,
    /// The supplier's environment can reach the buyer's internal systems (question 3).
    pub connects_to_buyer_systems: bool,
    /// Impact of a business interruption (question 2).
    pub interruption_impact: InterruptionImpact,
}

/// One of the three questions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Question {
    /// Q1: confidential information on the supplier's IT infrastructure.
    ConfidentialInformation,
    /// Q2: unacceptable delay from an interruption.
    UnacceptableInterruption,
    /// Q3: supplier can reach the buyer's internal systems.
    SystemConnection,
}

/// The rule's recommendation for one relationship.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Advice {
    /// Recommended level.
    pub recommended: Level,
    /// Questions answered "yes", in question order.
    pub yes_answers: Vec<Question>,
    /// All three answers are yes: prompt the buyer to consider requirements
    /// beyond ★4 (the scheme mentions this case without defining it).
    pub beyond_star4_review: bool,
}

/// Applies the three-question rule.
pub fn advise(rel: &Relationship) -> Advice {
    let mut yes = Vec::new();
    if rel.handles_confidential_data {
        yes.push(Question::ConfidentialInformation);
    }
    if rel.interruption_impact == InterruptionImpact::Unacceptable {
        yes.push(Question::UnacceptableInterruption);
    }
    if rel.connects_to_buyer_systems {
        yes.push(Question::SystemConnection);
    }
    Advice {
        recommended: if yes.is_empty() { Level::Star3 } else { Level::Star4 },
        beyond_star4_review: yes.len() == 3,
        yes_answers: yes,
    }
}

/// A non-empty, trimmed reason of at most [`OverrideReason::MAX_CHARS`] characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OverrideReason(String);

/// Why a reason was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReasonError {
    /// Empty or whitespace only.
    #[error("an override needs a non-empty reason")]
    Empty,
    /// Longer than the limit.
    #[error("the override reason has {len} characters; the limit is {max}")]
    TooLong {
        /// Characters given.
        len: usize,
        /// Limit.
        max: usize,
    },
}

impl OverrideReason {
    /// Character limit.
    pub const MAX_CHARS: usize = 2000;

    /// Validates and trims a reason.
    pub fn new(text: &str) -> Result<Self, ReasonError> {
        let t = text.trim();
        let len = t.chars().count();
        if len == 0 {
            Err(ReasonError::Empty)
        } else if len > Self::MAX_CHARS {
            Err(ReasonError::TooLong { len, max: Self::MAX_CHARS })
        } else {
            Ok(Self(t.to_owned()))
        }
    }

    /// The reason text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for OverrideReason {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::new(&s).map_err(serde::de::Error::custom)
    }
}

/// A buyer's decision to require a level other than the advice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Override {
    /// Level the buyer requires.
    pub level: Level,
    /// Recorded reason.
    pub reason: OverrideReason,
    /// Who decided (user id).
    pub decided_by: String,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub decided_at: time::OffsetDateTime,
}

/// Advice plus an optional override: what the buyer will request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LevelDecision {
    /// The rule's advice.
    pub advice: Advice,
    /// The buyer's override, if any.
    pub override_: Option<Override>,
}

impl LevelDecision {
    /// The level to request.
    pub fn effective_level(&self) -> Level {
        self.override_.as_ref().map_or(self.advice.recommended, |o| o.level)
    }
}

/// Months until the next reassessment, by level and criticality.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CadencePolicy {
    /// `months[level][criticality]`, level 0 = ★3, 1 = ★4; criticality by `repr(u8)`.
    pub months: [[u32; 4]; 2],
}

impl Default for CadencePolicy {
    /// Defaults: 12 months everywhere, except 6 months for critical
    /// relationships.
    ///
    /// 12 months follows the ★3 validity of one year and the yearly ★4
    /// self-assessment (both secondary, jp-frameworks.md §3.2). The 6-month
    /// cadence for critical relationships is a mamori default, not a scheme
    /// rule; deployments change it with [`CadencePolicy::set`].
    fn default() -> Self {
        Self { months: [[12, 12, 12, 6], [12, 12, 12, 6]] }
    }
}

impl CadencePolicy {
    /// Sets the cadence for one level and criticality (minimum one month).
    pub fn set(&mut self, level: Level, criticality: Criticality, months: u32) -> &mut Self {
        self.months[level_index(level)][criticality as usize] = months.max(1);
        self
    }

    /// The cadence in months.
    pub fn months(&self, level: Level, criticality: Criticality) -> u32 {
        self.months[level_index(level)][criticality as usize].max(1)
    }

    /// The date the next reassessment is due. Month arithmetic clamps to the
    /// end of the month (Jan 31 + 1 month = Feb 28/29). Returns `None` only if
    /// the date would leave the supported calendar range.
    pub fn next_due(&self, last_attested: Date, level: Level, criticality: Criticality) -> Option<Date> {
        add_months(last_attested, self.months(level, criticality))
    }
}

/// [`CadencePolicy::next_due`] with the default policy.
pub fn next_due(last_attested: Date, level: Level, criticality: Criticality) -> Option<Date> {
    CadencePolicy::default().next_due(last_attested, level, criticality)
}

fn level_index(level: Level) -> usize {
    match level {
        Level::Star3 => 0,
        Level::Star4 => 1,
    }
}

fn add_months(date: Date, months: u32) -> Option<Date> {
    let total = i64::from(date.year()) * 12 + i64::from(u8::from(date.month()) - 1) + i64::from(months);
    let year = i32::try_from(total.div_euclid(12)).ok()?;
    let month = Month::try_from(u8::try_from(total.rem_euclid(12) + 1).ok()?).ok()?;
    let day = date.day().min(time::util::days_in_month(month, year));
    Date::from_calendar_date(year, month, day).ok()
}
