//! The assessment lifecycle: draft → in review → submitted → approved → archived, with who may move it.

use serde::{Deserialize, Serialize};

/// Where an assessment stands in its lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AssessmentState {
    /// Being answered by its assessors.
    Draft,
    /// Answers are complete and a reviewer is checking them.
    InReview,
    /// The review passed; waiting for approval.
    Submitted,
    /// Approved by someone other than the author; read-only.
    Approved,
    /// Kept for history (trends); read-only.
    Archived,
}

impl AssessmentState {
    /// Stable snake_case code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::InReview => "in_review",
            Self::Submitted => "submitted",
            Self::Approved => "approved",
            Self::Archived => "archived",
        }
    }
}

/// A request to move an assessment to another state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LifecycleAction {
    /// Draft → in review.
    RequestReview,
    /// In review → draft: the reviewer sends it back.
    Reject,
    /// In review → submitted: the review passed.
    Submit,
    /// Submitted → approved.
    Approve,
    /// Approved → archived.
    Archive,
}

/// The role of the person acting, within the assessment's organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AssessRole {
    /// May read only.
    Viewer,
    /// May answer and send for review.
    Assessor,
    /// May review, reject, submit and approve others' work.
    Reviewer,
    /// Everything a reviewer may do, plus archiving.
    Admin,
}

impl AssessRole {
    fn reviews(self) -> bool {
        matches!(self, Self::Reviewer | Self::Admin)
    }
}

/// Why a lifecycle transition was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    /// The action does not apply to the current state.
    #[error("cannot {action:?} an assessment that is {}", from.code())]
    InvalidFromState {
        /// Current state.
        from: AssessmentState,
        /// Requested action.
        action: LifecycleAction,
    },
    /// The actor's role may not perform the action.
    #[error("role {role:?} may not {action:?}")]
    RoleNotPermitted {
        /// Requested action.
        action: LifecycleAction,
        /// The actor's role.
        role: AssessRole,
    },
    /// Reviews and approvals must come from someone other than the author.
    #[error("the author may not {action:?} their own assessment; another reviewer must")]
    FourEyes {
        /// Requested action.
        action: LifecycleAction,
    },
}

/// Computes the state after `action`, or why it is refused.
///
/// Rejecting and approving require the reviewer or admin role and a person
/// other than the author (four-eyes rule). Submitting after review requires
/// the reviewer or admin role; archiving is for admins only.
pub fn transition(
    from: AssessmentState,
    action: LifecycleAction,
    actor_role: AssessRole,
    is_author: bool,
) -> Result<AssessmentState, TransitionError> {
    use AssessmentState as S;
    use LifecycleAction as A;
    let to = match (from, action) {
        (S::Draft, A::RequestReview) => S::InReview,
        (S::InReview, A::Reject) => S::Draft,
        (S::InReview, A::Submit) => S::Submitted,
        (S::Submitted, A::Approve) => S::Approved,
        (S::Approved, A::Archive) => S::Archived,
        _ => return Err(TransitionError::InvalidFromState { from, action }),
    };
    let role_ok = match action {
        A::RequestReview => actor_role != AssessRole::Viewer,
        A::Reject | A::Submit | A::Approve => actor_role.reviews(),
        A::Archive => actor_role == AssessRole::Admin,
    };
    if !role_ok {
        return Err(TransitionError::RoleNotPermitted { action, role: actor_role });
    }
    if matches!(action, A::Reject | A::Approve) && is_author {
        return Err(TransitionError::FourEyes { action });
    }
    Ok(to)
}

/// Raised when answers or evidence links of a read-only assessment would change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("assessment is {} and read-only", state.code())]
pub struct ReadOnly {
    /// The state that forbids editing.
    pub state: AssessmentState,
}

/// Checks that answers may still change: only in draft and in review.
///
/// A submitted assessment is frozen too, so that what is approved is exactly
/// what the reviewer passed.
pub fn ensure_editable(state: AssessmentState) -> Result<(), ReadOnly> {
    match state {
        AssessmentState::Draft | AssessmentState::InReview => Ok(()),
        AssessmentState::Submitted | AssessmentState::Approved | AssessmentState::Archived => Err(ReadOnly { state }),
    }
}
