//! SCS: ★3 is met only if every ★3 criterion is met; the gap to ★4 lists the unmet ★4-only criteria.
//!
//! Criterion ids here are synthetic (`s3-…`, `s4-…`): the real list comes
//! from the catalog, and these tests only exercise the verdict rules.

use mamori_assess::{AnswerView, Requirement, ScoreError, ScsLevel, UnmetCriterion, UnmetReason, score_scs};
use std::collections::BTreeMap;

use crate::support::{answers, req, status};

fn criterion(id: &str, requirement: &str, level: &str) -> Requirement {
    req(id, &["cat", requirement]).tag("scs_level", level)
}

/// Four ★3 criteria under two requirements and two ★4-only criteria.
fn criteria() -> Vec<Requirement> {
    vec![
        criterion("s3-a-1", "s3-a", "3"),
        criterion("s3-a-2", "s3-a", "3"),
        criterion("s3-b-1", "s3-b", "3"),
        criterion("s3-b-2", "s3-b", "3"),
        criterion("s4-x-1", "s4-x", "4"),
        criterion("s4-y-1", "s4-y", "4"),
    ]
}

fn all_implemented() -> BTreeMap<String, AnswerView> {
    answers(criteria().iter().map(|r| (r.id.as_str(), status('I'))).collect())
}

fn unmet(id: &str, requirement: &str, level: ScsLevel, reason: UnmetReason) -> UnmetCriterion {
    UnmetCriterion { id: id.into(), requirement: Some(requirement.into()), level, reason }
}

#[test]
fn star3_is_met_when_every_star3_criterion_is_implemented() {
    let mut a = all_implemented();
    a.insert("s4-y-1".into(), status('N'));
    let r = score_scs(&criteria(), &a).unwrap();
    assert!(r.star3.met);
    assert_eq!((r.star3.criteria_total, r.star3.criteria_met), (4, 4));
    // ★4 readiness needs all 6; one ★4-only criterion is not implemented.
    assert!(!r.star4.met);
    assert_eq!((r.star4.criteria_total, r.star4.criteria_met), (6, 5));
    assert_eq!(r.gap_to_star4, vec![unmet("s4-y-1", "s4-y", ScsLevel::Star4Only, UnmetReason::NotImplemented)]);
    assert_eq!(r.gap_to_star4_requirements, vec!["s4-y".to_owned()]);
}

#[test]
fn a_single_unmet_star3_criterion_fails_star3_whatever_its_status() {
    let check = |code: Option<char>, reason: UnmetReason| {
        let mut a = all_implemented();
        match code {
            Some(c) => a.insert("s3-b-2".into(), status(c)),
            None => a.remove("s3-b-2"),
        };
        let r = score_scs(&criteria(), &a).unwrap();
        assert!(!r.star3.met, "{reason:?}");
        assert_eq!(r.star3.criteria_met, 3);
        assert_eq!(r.star3.unmet, vec![unmet("s3-b-2", "s3-b", ScsLevel::Star3, reason)]);
        // ★3 criteria are also part of ★4, but not of the ★4-only gap.
        assert!(!r.star4.met);
        assert!(r.gap_to_star4.is_empty());
    };
    check(Some('P'), UnmetReason::Partial);
    check(Some('L'), UnmetReason::Planned);
    check(Some('N'), UnmetReason::NotImplemented);
    check(Some('A'), UnmetReason::NotApplicableNotPermitted);
    check(None, UnmetReason::Unanswered);
}

#[test]
fn not_applicable_counts_only_where_the_catalog_permits_it() {
    let mut reqs = criteria();
    reqs[1] = reqs[1].clone().tag("na_allowed", "true");
    let mut a = all_implemented();
    a.insert("s3-a-2".into(), status('A'));
    let r = score_scs(&reqs, &a).unwrap();
    assert!(r.star3.met);
    assert_eq!(r.star3.criteria_total, 3);
    assert_eq!(r.not_applicable, vec!["s3-a-2".to_owned()]);
}

#[test]
fn an_empty_star3_scope_is_never_met() {
    let reqs = vec![criterion("s4-x-1", "s4-x", "4")];
    let r = score_scs(&reqs, &answers(vec![("s4-x-1", status('I'))])).unwrap();
    assert!(!r.star3.met);
    assert_eq!(r.star3.criteria_total, 0);
    assert!(r.star4.met);
}

#[test]
fn criteria_with_bad_tags_or_duplicate_ids_are_rejected() {
    let none = BTreeMap::<String, AnswerView>::new();
    assert_eq!(
        score_scs(&[req("c", &["r"])], &none),
        Err(ScoreError::MissingTag { requirement: "c".into(), tag: "scs_level".into() })
    );
    assert_eq!(
        score_scs(&[criterion("c", "r", "5")], &none),
        Err(ScoreError::InvalidTag { requirement: "c".into(), tag: "scs_level".into(), value: "5".into() })
    );
    assert_eq!(
        score_scs(&[criterion("c", "r", "3"), criterion("c", "r", "3")], &none),
        Err(ScoreError::DuplicateRequirement("c".into()))
    );
}
