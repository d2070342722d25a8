//! Validation of an answer as submitted by a form, the API or an import, with size limits the API can reuse.

use serde::{Deserialize, Serialize};

use crate::answer::{
    AnswerError, AnswerView, ImplementationStatus, MAX_NA_REASON_CHARS, MaturityScale, SelfCheckChoice,
};

/// Longest accepted notes text, in characters.
pub const MAX_NOTES_CHARS: usize = 10_000;
/// Longest accepted owner name, in characters.
pub const MAX_OWNER_CHARS: usize = 200;
/// Longest accepted status code, in characters (longer input is rejected unread).
pub const MAX_STATUS_CHARS: usize = 32;

/// An answer as submitted, before validation. All text is untrusted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnswerInput {
    /// Status code: `implemented`, `partial`, `planned`, `not_implemented` or `not_applicable`.
    #[serde(default)]
    pub status: Option<String>,
    /// Reason, required with `not_applicable` and rejected with any other status.
    #[serde(default)]
    pub na_reason: Option<String>,
    /// Maturity level on the framework's scale.
    #[serde(default)]
    pub maturity: Option<u8>,
    /// Self-check choice for point-scored schemes.
    #[serde(default)]
    pub self_check: Option<SelfCheckChoice>,
    /// Free-text notes.
    #[serde(default)]
    pub notes: Option<String>,
    /// Person responsible (a display name or user reference).
    #[serde(default)]
    pub owner: Option<String>,
    /// Date by which the requirement should be met, as `YYYY-MM-DD`.
    #[serde(default, with = "crate::model::iso_date::option")]
    pub due_date: Option<time::Date>,
}

/// A validated answer: the scoring view plus the store-only fields, trimmed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidAnswer {
    /// What scoring reads.
    pub view: AnswerView,
    /// Notes, trimmed; `None` when blank.
    pub notes: Option<String>,
    /// Owner, trimmed; `None` when blank.
    pub owner: Option<String>,
    /// Due date, as `YYYY-MM-DD`.
    #[serde(default, with = "crate::model::iso_date::option")]
    pub due_date: Option<time::Date>,
}

/// Every rule an [`AnswerInput`] broke, so a form can show them all at once.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid answer: {}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
pub struct InvalidAnswer(pub Vec<AnswerError>);

impl AnswerInput {
    /// Validates the input against the framework's maturity scale.
    ///
    /// A self-check choice without a status takes the status that matches it.
    pub fn validate(&self, scale: &MaturityScale) -> Result<ValidAnswer, InvalidAnswer> {
        let mut errors = Vec::new();
        let status = self.validated_status(&mut errors);
        let maturity = self.maturity.and_then(|level| match scale.level(level) {
            Ok(level) => Some(level),
            Err(e) => {
                errors.push(e);
                None
            }
        });
        let notes = text_field(self.notes.as_deref(), "/notes", MAX_NOTES_CHARS, true, &mut errors);
        let owner = text_field(self.owner.as_deref(), "/owner", MAX_OWNER_CHARS, false, &mut errors);
        if !errors.is_empty() {
            return Err(InvalidAnswer(errors));
        }
        let Some(status) = status else {
            return Err(InvalidAnswer(vec![AnswerError::Missing { pointer: "/status".to_owned() }]));
        };
        let view = AnswerView { status, maturity, points: self.self_check, provenance: None };
        Ok(ValidAnswer { view, notes, owner, due_date: self.due_date })
    }

    fn validated_status(&self, errors: &mut Vec<AnswerError>) -> Option<ImplementationStatus> {
        let reason = self.na_reason.as_deref();
        if let Some(r) = reason {
            let len = r.chars().count();
            if len > MAX_NA_REASON_CHARS {
                errors.push(AnswerError::TooLong { pointer: "/na_reason".to_owned(), len, max: MAX_NA_REASON_CHARS });
                return None;
            }
        }
        match (self.status.as_deref(), self.self_check) {
            (Some(code), _) => {
                let len = code.chars().count();
                if len > MAX_STATUS_CHARS {
                    errors.push(AnswerError::TooLong { pointer: "/status".to_owned(), len, max: MAX_STATUS_CHARS });
                    return None;
                }
                match ImplementationStatus::from_code(code.trim(), reason) {
                    Ok(s) => Some(s),
                    Err(e) => {
                        errors.push(e);
                        None
                    }
                }
            }
            (None, Some(choice)) => Some(AnswerView::self_check(choice).status),
            (None, None) => {
                errors.push(AnswerError::Missing { pointer: "/status".to_owned() });
                None
            }
        }
    }
}

fn text_field(
    value: Option<&str>,
    pointer: &str,
    max: usize,
    multiline: bool,
    errors: &mut Vec<AnswerError>,
) -> Option<String> {
    let trimmed = value?.trim();
    if trimmed.is_empty() {
        return None;
    }
    let len = trimmed.chars().count();
    if len > max {
        errors.push(AnswerError::TooLong { pointer: pointer.to_owned(), len, max });
        return None;
    }
    if let Err(e) = reject_control(trimmed, pointer, multiline) {
        errors.push(e);
        return None;
    }
    Some(trimmed.to_owned())
}

/// Rejects control characters (keeping tab and line breaks when `multiline`),
/// because they break CSV/XLSX exports and can hide text in reports.
pub(crate) fn reject_control(text: &str, pointer: &str, multiline: bool) -> Result<(), AnswerError> {
    for c in text.chars() {
        let allowed_ws = multiline && matches!(c, '\n' | '\r' | '\t');
        if c.is_control() && !allowed_ws {
            return Err(AnswerError::ControlCharacter { pointer: pointer.to_owned(), code: u32::from(c) });
        }
    }
    Ok(())
}
