//! The answer model: implementation status, maturity levels on a scale, and the answer view that scoring reads.

use serde::{Deserialize, Serialize};

use crate::infer::Provenance;

/// Longest accepted N/A reason, in characters.
pub const MAX_NA_REASON_CHARS: usize = 2_000;

/// Errors raised when an answer value breaks a rule of the answer model.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnswerError {
    /// A not-applicable answer must say why.
    #[error("{pointer}: a not-applicable answer needs a non-empty reason")]
    NaReasonMissing {
        /// JSON pointer of the offending field.
        pointer: String,
    },
    /// A text field is longer than its limit.
    #[error("{pointer}: {len} characters exceeds the limit of {max}")]
    TooLong {
        /// JSON pointer of the offending field.
        pointer: String,
        /// Actual length in characters.
        len: usize,
        /// Allowed maximum in characters.
        max: usize,
    },
    /// A text field holds a control character that is not allowed there.
    #[error("{pointer}: control character U+{code:04X} is not allowed")]
    ControlCharacter {
        /// JSON pointer of the offending field.
        pointer: String,
        /// The code point found.
        code: u32,
    },
    /// A maturity level lies outside the framework's scale.
    #[error("{pointer}: maturity level {level} is outside the scale {min}..={max}")]
    MaturityOutOfScale {
        /// JSON pointer of the offending field.
        pointer: String,
        /// The level given.
        level: u8,
        /// Lowest level of the scale.
        min: u8,
        /// Highest level of the scale.
        max: u8,
    },
    /// A maturity scale whose lowest level is above its highest.
    #[error("maturity scale is empty: min {min} > max {max}")]
    EmptyScale {
        /// Lowest level given.
        min: u8,
        /// Highest level given.
        max: u8,
    },
    /// A status code that is not one of the five statuses.
    #[error(
        "{pointer}: unknown status {value:?} (expected implemented, partial, planned, not_implemented or not_applicable)"
    )]
    UnknownStatus {
        /// JSON pointer of the offending field.
        pointer: String,
        /// The value given.
        value: String,
    },
    /// An N/A reason was given for a status other than not-applicable.
    #[error("{pointer}: a reason is only accepted with the not_applicable status")]
    NaReasonWithoutNa {
        /// JSON pointer of the offending field.
        pointer: String,
    },
    /// A field that must be present is missing.
    #[error("{pointer}: required field is missing")]
    Missing {
        /// JSON pointer of the missing field.
        pointer: String,
    },
}

/// The reason given for a not-applicable answer; never empty or blank.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct NaReason(String);

impl NaReason {
    /// Validates and trims a reason: it must hold visible text and at most
    /// [`MAX_NA_REASON_CHARS`] characters.
    pub fn new(reason: impl Into<String>) -> Result<Self, AnswerError> {
        let raw: String = reason.into();
        let trimmed = raw.trim();
        let pointer = "/na_reason".to_owned();
        if trimmed.is_empty() {
            return Err(AnswerError::NaReasonMissing { pointer });
        }
        let len = trimmed.chars().count();
        if len > MAX_NA_REASON_CHARS {
            return Err(AnswerError::TooLong { pointer, len, max: MAX_NA_REASON_CHARS });
        }
        crate::input::reject_control(trimmed, &pointer, true)?;
        Ok(Self(trimmed.to_owned()))
    }

    /// The reason text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for NaReason {
    type Error = AnswerError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::new(value)
    }
}

impl From<NaReason> for String {
    fn from(value: NaReason) -> Self {
        value.0
    }
}

/// How far a requirement is implemented.
///
/// The N/A reason lives inside the variant so that a not-applicable answer
/// without a reason cannot be represented at all.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum ImplementationStatus {
    /// Fully in place.
    Implemented,
    /// Partly in place.
    Partial,
    /// Not in place yet, but scheduled.
    Planned,
    /// Not in place.
    NotImplemented,
    /// Does not apply to this organization or scope.
    NotApplicable {
        /// Why it does not apply.
        reason: NaReason,
    },
}

impl ImplementationStatus {
    /// Parses a status code; `not_applicable` needs `na_reason`.
    pub fn from_code(code: &str, na_reason: Option<&str>) -> Result<Self, AnswerError> {
        let status = match code {
            "implemented" => Self::Implemented,
            "partial" => Self::Partial,
            "planned" => Self::Planned,
            "not_implemented" => Self::NotImplemented,
            "not_applicable" => return Self::not_applicable(na_reason.unwrap_or_default()),
            other => {
                return Err(AnswerError::UnknownStatus {
                    pointer: "/status".to_owned(),
                    value: other.chars().take(64).collect(),
                });
            }
        };
        if na_reason.is_some_and(|r| !r.trim().is_empty()) {
            return Err(AnswerError::NaReasonWithoutNa { pointer: "/na_reason".to_owned() });
        }
        Ok(status)
    }

    /// Builds a not-applicable status, enforcing a non-empty reason.
    pub fn not_applicable(reason: impl Into<String>) -> Result<Self, AnswerError> {
        Ok(Self::NotApplicable { reason: NaReason::new(reason)? })
    }

    /// Whether this is the not-applicable status.
    pub fn is_not_applicable(&self) -> bool {
        matches!(self, Self::NotApplicable { .. })
    }

    /// Ordinal rank of an applicable status (`NotImplemented` = 0 …
    /// `Implemented` = 3); `None` for N/A. Used to compare statuses
    /// conservatively ("worst wins") and to cap inferred answers.
    pub fn rank(&self) -> Option<u8> {
        match self {
            Self::NotImplemented => Some(0),
            Self::Planned => Some(1),
            Self::Partial => Some(2),
            Self::Implemented => Some(3),
            Self::NotApplicable { .. } => None,
        }
    }

    /// Stable snake_case code, as used in exports and dropdowns.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Implemented => "implemented",
            Self::Partial => "partial",
            Self::Planned => "planned",
            Self::NotImplemented => "not_implemented",
            Self::NotApplicable { .. } => "not_applicable",
        }
    }
}

/// A maturity scale, e.g. 0–5. Level descriptors are catalog data, not ours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct MaturityScale {
    min: u8,
    max: u8,
}

impl Default for MaturityScale {
    /// The 0–5 scale. Note that the IPA tool's own scale is unverified
    /// (jp-frameworks.md §2), so this is only our default, never "IPA's".
    fn default() -> Self {
        Self { min: 0, max: 5 }
    }
}

impl MaturityScale {
    /// A scale from `min` to `max` inclusive.
    pub fn new(min: u8, max: u8) -> Result<Self, AnswerError> {
        if min > max {
            return Err(AnswerError::EmptyScale { min, max });
        }
        Ok(Self { min, max })
    }

    /// Lowest level.
    pub fn min(&self) -> u8 {
        self.min
    }

    /// Highest level.
    pub fn max(&self) -> u8 {
        self.max
    }

    /// Checks that `level` lies on this scale.
    pub fn level(&self, level: u8) -> Result<u8, AnswerError> {
        if level < self.min || level > self.max {
            return Err(AnswerError::MaturityOutOfScale {
                pointer: "/maturity".to_owned(),
                level,
                min: self.min,
                max: self.max,
            });
        }
        Ok(level)
    }

    /// Clamps a level onto this scale; scoring uses it so that an answer
    /// recorded on a wider scale can never push a score past the maximum.
    pub fn clamp(&self, level: u8) -> u8 {
        level.clamp(self.min, self.max)
    }
}

/// One answer of the SECURITY ACTION 25-item self-check
/// (jp-frameworks.md §4.3), with the points the scheme assigns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SelfCheckChoice {
    /// 実施している: 4 points.
    Implemented,
    /// 一部実施している: 2 points.
    Partial,
    /// 実施していない: 0 points.
    NotImplemented,
    /// わからない: −1 point.
    Unknown,
}

impl SelfCheckChoice {
    /// Points this choice scores in the self-check.
    pub fn points(self) -> i8 {
        match self {
            Self::Implemented => 4,
            Self::Partial => 2,
            Self::NotImplemented => 0,
            Self::Unknown => -1,
        }
    }

    /// The choice that scores `points`, if the scheme has one.
    pub fn from_points(points: i8) -> Option<Self> {
        match points {
            4 => Some(Self::Implemented),
            2 => Some(Self::Partial),
            0 => Some(Self::NotImplemented),
            -1 => Some(Self::Unknown),
            _ => None,
        }
    }
}

/// The part of a stored answer that scoring, inference and charts read.
///
/// Notes, owner, due date and comments belong to the store; see
/// [`crate::AnswerInput`] for their validation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerView {
    /// Implementation status (carries the N/A reason).
    pub status: ImplementationStatus,
    /// Maturity level on the framework's scale, if the framework uses one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maturity: Option<u8>,
    /// Self-check choice for point-scored schemes (SECURITY ACTION).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub points: Option<SelfCheckChoice>,
    /// Where the answer came from when it was confirmed from an inference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Provenance>,
}

impl AnswerView {
    /// An answer with only a status.
    pub fn new(status: ImplementationStatus) -> Self {
        Self { status, maturity: None, points: None, provenance: None }
    }

    /// Adds a maturity level, checked against `scale`.
    pub fn with_maturity(mut self, level: u8, scale: &MaturityScale) -> Result<Self, AnswerError> {
        self.maturity = Some(scale.level(level)?);
        Ok(self)
    }

    /// A self-check answer whose status agrees with the choice
    /// ("unknown" is recorded as not implemented, scoring −1).
    pub fn self_check(choice: SelfCheckChoice) -> Self {
        let status = match choice {
            SelfCheckChoice::Implemented => ImplementationStatus::Implemented,
            SelfCheckChoice::Partial => ImplementationStatus::Partial,
            SelfCheckChoice::NotImplemented | SelfCheckChoice::Unknown => ImplementationStatus::NotImplemented,
        };
        Self { status, maturity: None, points: Some(choice), provenance: None }
    }

    /// Whether the answer was confirmed from an inference.
    pub fn is_inferred(&self) -> bool {
        self.provenance.is_some()
    }
}
