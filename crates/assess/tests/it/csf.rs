//! CSF 2.0: compliance (partial = 0.5 by default) and mean maturity per function and category.

use mamori_assess::{Requirement, RollupConfig, StatusCredits, UnansweredPolicy, score_csf};
use std::collections::BTreeMap;

use mamori_assess::AnswerView;

use crate::support::{answers, approx, matured, req, status};

/// Six subcategories under GV.OC, GV.RM and PR.AA; PR comes first on purpose.
pub fn profile() -> (Vec<Requirement>, BTreeMap<String, AnswerView>) {
    let reqs = vec![
        req("PR.AA-01", &["PR", "PR.AA"]),
        req("PR.AA-02", &["PR", "PR.AA"]),
        req("GV.OC-01", &["GV", "GV.OC"]),
        req("GV.OC-02", &["GV", "GV.OC"]),
        req("GV.RM-01", &["GV", "GV.RM"]),
        req("GV.RM-02", &["GV", "GV.RM"]),
    ];
    let a = answers(vec![
        ("PR.AA-01", matured('I', 3)),
        // PR.AA-02 unanswered.
        ("GV.OC-01", matured('I', 4)),
        ("GV.OC-02", matured('P', 2)),
        ("GV.RM-01", matured('N', 1)),
        ("GV.RM-02", status('A')),
    ]);
    (reqs, a)
}

#[test]
fn functions_and_categories_score_by_hand_worked_arithmetic() {
    let (reqs, a) = profile();
    let s = score_csf(&reqs, &a, &RollupConfig::default()).unwrap();
    let ids = |v: &[mamori_assess::GroupScore]| v.iter().map(|g| g.id().to_owned()).collect::<Vec<_>>();
    assert_eq!(ids(&s.functions), ["GV", "PR"]);
    assert_eq!(ids(&s.categories), ["GV.OC", "GV.RM", "PR.AA"]);
    let [oc, rm, aa] = [&s.categories[0], &s.categories[1], &s.categories[2]];
    // GV.OC: (1 + 0.5) / 2 = 0.75; maturity (4 + 2) / 2 = 3.
    approx(oc.compliance, Some(0.75));
    approx(oc.mean_maturity, Some(3.0));
    // GV.RM: N/A leaves the denominator, so 0 / 1 = 0; maturity 1.
    approx(rm.compliance, Some(0.0));
    assert_eq!((rm.denominator_count, rm.counts.not_applicable), (1, 1));
    approx(rm.mean_maturity, Some(1.0));
    // PR.AA: the unanswered one counts as 0, so 1 / 2 = 0.5; maturity 3 from one answer.
    approx(aa.compliance, Some(0.5));
    assert_eq!((aa.maturity_count, aa.counts.unanswered), (1, 1));
    // GV: (1 + 0.5 + 0) / 3 = 0.5; maturity (4 + 2 + 1) / 3 = 7/3.
    approx(s.functions[0].compliance, Some(0.5));
    approx(s.functions[0].mean_maturity, Some(7.0 / 3.0));
    approx(s.functions[0].compliance_percent(), Some(50.0));
    // Overall: (1 + 0.5 + 0 + 1 + 0) / 5 = 0.5; maturity (3 + 4 + 2 + 1) / 4 = 2.5.
    approx(s.overall.compliance, Some(0.5));
    approx(s.overall.mean_maturity, Some(2.5));
}

#[test]
fn partial_credit_and_unanswered_policy_are_configurable() {
    let (reqs, a) = profile();
    let config = RollupConfig {
        credits: StatusCredits { partial: 0.25, ..StatusCredits::default() },
        unanswered: UnansweredPolicy::Exclude,
        ..RollupConfig::default()
    };
    let s = score_csf(&reqs, &a, &config).unwrap();
    // GV.OC: (1 + 0.25) / 2 = 0.625.
    approx(s.categories[0].compliance, Some(0.625));
    // PR.AA: the unanswered one is excluded, so 1 / 1 = 1.
    approx(s.categories[2].compliance, Some(1.0));
    assert_eq!(s.categories[2].denominator_count, 1);
}
