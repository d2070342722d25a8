//! Input views that callers fill from the catalog and the store: requirements, answer lookup, and scoring errors.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use crate::answer::AnswerView;

time::serde::format_description!(
    pub(crate) iso_date,
    Date,
    "[year]-[month]-[day]"
);

/// Tag key holding the SCS level of a criterion: `"3"` (★3, also part of ★4) or `"4"` (★4 only).
pub const TAG_SCS_LEVEL: &str = "scs_level";
/// Tag key allowing N/A on an SCS criterion when set to `"true"`.
pub const TAG_NA_ALLOWED: &str = "na_allowed";
/// Tag key holding the Management Guidelines directive number (`"1"` … `"10"`).
pub const TAG_DIRECTIVE: &str = "directive";
/// Tag key holding a criticality: `critical`, `high`, `medium`, `low`, or a number (higher = more critical).
pub const TAG_CRITICALITY: &str = "criticality";

/// One assessable requirement (or criterion), as the catalog provides it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Requirement {
    /// Identifier unique within the framework version, e.g. `GV.OC-01` or `1-2-1-1`.
    pub id: String,
    /// Group ids from the root down to the requirement's parent, e.g. `["GV", "GV.OC"]`.
    #[serde(default)]
    pub parent_path: Vec<String>,
    /// Relative weight in roll-ups and gap priorities; non-finite or negative weights count as 0.
    #[serde(default = "default_weight")]
    pub weight: f64,
    /// Free tags such as `scs_level=3`, `csf_function=GV` or `directive=1`.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
}

fn default_weight() -> f64 {
    1.0
}

impl Requirement {
    /// A requirement with weight 1 and no tags.
    pub fn new<I, S>(id: impl Into<String>, parent_path: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self {
            id: id.into(),
            parent_path: parent_path.into_iter().map(Into::into).collect(),
            weight: 1.0,
            tags: BTreeMap::new(),
        }
    }

    /// Sets the weight.
    pub fn weighted(mut self, weight: f64) -> Self {
        self.weight = weight;
        self
    }

    /// Adds a tag.
    pub fn tag(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.tags.insert(key.into(), value.into());
        self
    }

    /// The weight used in arithmetic: never negative, never NaN.
    pub fn effective_weight(&self) -> f64 {
        if self.weight.is_finite() && self.weight > 0.0 { self.weight } else { 0.0 }
    }

    /// A tag's value.
    pub fn tag_value(&self, key: &str) -> Option<&str> {
        self.tags.get(key).map(String::as_str)
    }
}

/// Anything that finds the answer to a requirement by id.
pub trait AnswerSource {
    /// The answer to requirement `id`, if it has one.
    fn answer(&self, id: &str) -> Option<&AnswerView>;
}

impl AnswerSource for BTreeMap<String, AnswerView> {
    fn answer(&self, id: &str) -> Option<&AnswerView> {
        self.get(id)
    }
}

impl<S: std::hash::BuildHasher> AnswerSource for HashMap<String, AnswerView, S> {
    fn answer(&self, id: &str) -> Option<&AnswerView> {
        self.get(id)
    }
}

impl<T: AnswerSource + ?Sized> AnswerSource for &T {
    fn answer(&self, id: &str) -> Option<&AnswerView> {
        (**self).answer(id)
    }
}

/// Errors raised when scoring input does not fit the scheme.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScoreError {
    /// The SECURITY ACTION self-check has exactly 25 items.
    #[error("the SECURITY ACTION self-check has {expected} items, got {got}")]
    WrongItemCount {
        /// Items the scheme has.
        expected: usize,
        /// Items given.
        got: usize,
    },
    /// A requirement lacks a tag the scheme needs.
    #[error("requirement {requirement}: missing tag {tag:?}")]
    MissingTag {
        /// Requirement id.
        requirement: String,
        /// Tag key.
        tag: String,
    },
    /// A requirement's tag holds a value the scheme does not know.
    #[error("requirement {requirement}: tag {tag:?} has invalid value {value:?}")]
    InvalidTag {
        /// Requirement id.
        requirement: String,
        /// Tag key.
        tag: String,
        /// The value found.
        value: String,
    },
    /// An N/A answer where the scheme's rules do not permit one.
    #[error("requirement {requirement}: not-applicable is not permitted here")]
    NotApplicableNotPermitted {
        /// Requirement id (or item number).
        requirement: String,
    },
    /// Two requirements share an id.
    #[error("requirement id {0} appears more than once")]
    DuplicateRequirement(String),
}
