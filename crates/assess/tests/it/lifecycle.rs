//! The assessment lifecycle: legal moves, four-eyes approval and read-only states.

use mamori_assess::{
    AssessRole as R, AssessmentState as S, LifecycleAction as A, TransitionError, ensure_editable, transition,
};

fn check(from: S, action: A, role: R, is_author: bool, expected: Result<S, TransitionError>) {
    assert_eq!(
        transition(from, action, role, is_author),
        expected,
        "{from:?} --{action:?}--> by {role:?} (author: {is_author})"
    );
}

#[test]
fn the_happy_path_runs_from_draft_to_archived() {
    check(S::Draft, A::RequestReview, R::Assessor, true, Ok(S::InReview));
    check(S::InReview, A::Submit, R::Reviewer, false, Ok(S::Submitted));
    check(S::Submitted, A::Approve, R::Reviewer, false, Ok(S::Approved));
    check(S::Approved, A::Archive, R::Admin, false, Ok(S::Archived));
}

#[test]
fn a_reviewer_can_send_an_assessment_back_to_draft() {
    check(S::InReview, A::Reject, R::Reviewer, false, Ok(S::Draft));
    check(S::InReview, A::Reject, R::Admin, false, Ok(S::Draft));
}

#[test]
fn the_author_cannot_approve_or_reject_their_own_assessment() {
    for role in [R::Reviewer, R::Admin] {
        check(S::Submitted, A::Approve, role, true, Err(TransitionError::FourEyes { action: A::Approve }));
        check(S::InReview, A::Reject, role, true, Err(TransitionError::FourEyes { action: A::Reject }));
    }
}

#[test]
fn only_reviewers_and_admins_review_and_only_admins_archive() {
    for role in [R::Viewer, R::Assessor] {
        check(
            S::Submitted,
            A::Approve,
            role,
            false,
            Err(TransitionError::RoleNotPermitted { action: A::Approve, role }),
        );
        check(S::InReview, A::Submit, role, false, Err(TransitionError::RoleNotPermitted { action: A::Submit, role }));
        check(S::InReview, A::Reject, role, false, Err(TransitionError::RoleNotPermitted { action: A::Reject, role }));
    }
    check(
        S::Draft,
        A::RequestReview,
        R::Viewer,
        false,
        Err(TransitionError::RoleNotPermitted { action: A::RequestReview, role: R::Viewer }),
    );
    check(
        S::Approved,
        A::Archive,
        R::Reviewer,
        false,
        Err(TransitionError::RoleNotPermitted { action: A::Archive, role: R::Reviewer }),
    );
}

#[test]
fn every_move_not_in_the_lifecycle_is_refused() {
    let states = [S::Draft, S::InReview, S::Submitted, S::Approved, S::Archived];
    let actions = [A::RequestReview, A::Reject, A::Submit, A::Approve, A::Archive];
    let legal = [
        (S::Draft, A::RequestReview),
        (S::InReview, A::Reject),
        (S::InReview, A::Submit),
        (S::Submitted, A::Approve),
        (S::Approved, A::Archive),
    ];
    for from in states {
        for action in actions {
            let r = transition(from, action, R::Admin, false);
            if legal.contains(&(from, action)) {
                assert!(r.is_ok(), "{from:?} {action:?}");
            } else {
                assert_eq!(r, Err(TransitionError::InvalidFromState { from, action }));
            }
        }
    }
}

#[test]
fn answers_are_editable_only_in_draft_and_in_review() {
    assert!(ensure_editable(S::Draft).is_ok());
    assert!(ensure_editable(S::InReview).is_ok());
    for state in [S::Submitted, S::Approved, S::Archived] {
        assert_eq!(ensure_editable(state).unwrap_err().state, state);
    }
    assert_eq!(ensure_editable(S::Approved).unwrap_err().to_string(), "assessment is approved and read-only");
}
