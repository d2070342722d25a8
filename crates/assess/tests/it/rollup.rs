//! Generic weighted roll-ups over a group tree.

use mamori_assess::{RollupConfig, ScoreError, StatusCredits, rollup};

use crate::support::{answers, approx, matured, req, status};

fn tree() -> Vec<mamori_assess::Requirement> {
    vec![
        req("r1", &["A", "A1"]).weighted(3.0),
        req("r2", &["A", "A1"]).weighted(1.0),
        req("r3", &["A", "A2"]).weighted(2.0),
        req("r4", &["B"]).weighted(1.0),
    ]
}

#[test]
fn weighted_compliance_divides_weighted_credit_by_applicable_weight() {
    let a =
        answers(vec![("r1", matured('I', 4)), ("r2", matured('N', 0)), ("r3", matured('P', 2)), ("r4", status('A'))]);
    let r = rollup(&tree(), &a, &RollupConfig::default()).unwrap();
    let group = r.group(&["A"]).unwrap();
    // A: (3 × 1 + 1 × 0 + 2 × 0.5) / (3 + 1 + 2) = 4 / 6.
    approx(group.compliance, Some(4.0 / 6.0));
    assert_eq!((group.denominator_count, group.denominator_weight, group.credit_weight), (3, 6.0, 4.0));
    // Weighted maturity: (3 × 4 + 1 × 0 + 2 × 2) / 6 = 16 / 6.
    approx(group.mean_maturity, Some(16.0 / 6.0));
    // A1: (3 × 1 + 1 × 0) / 4 = 0.75.
    approx(r.group(&["A", "A1"]).unwrap().compliance, Some(0.75));
    // B holds only an N/A answer: nothing to divide by.
    let b = r.group(&["B"]).unwrap();
    assert_eq!((b.compliance, b.denominator_count, b.counts.not_applicable), (None, 0, 1));
    // The whole tree equals A here because B is N/A.
    approx(r.overall.compliance, Some(4.0 / 6.0));
    assert_eq!(r.overall.requirements, 4);
    assert_eq!(r.groups.iter().map(|g| g.path.join("/")).collect::<Vec<_>>(), ["A", "A/A1", "A/A2", "B"]);
    assert_eq!(r.at_depth(2).count(), 2);
    assert!(r.group(&["C"]).is_none());
}

#[test]
fn unweighted_roll_ups_count_each_requirement_once() {
    let a = answers(vec![("r1", status('I')), ("r2", status('N')), ("r3", status('P'))]);
    let config = RollupConfig { weighted: false, ..RollupConfig::default() };
    let r = rollup(&tree(), &a, &config).unwrap();
    // A: (1 + 0 + 0.5) / 3 = 0.5. Overall adds unanswered r4 as 0: 1.5 / 4.
    approx(r.group(&["A"]).unwrap().compliance, Some(0.5));
    approx(r.overall.compliance, Some(1.5 / 4.0));
}

#[test]
fn broken_weights_and_credits_never_produce_nan_or_out_of_range_scores() {
    let reqs = vec![
        req("a", &["G"]).weighted(f64::NAN),
        req("b", &["G"]).weighted(-5.0),
        req("c", &["G"]).weighted(f64::INFINITY),
        req("d", &["G"]).weighted(2.0),
    ];
    let a = answers(vec![("a", status('I')), ("b", status('I')), ("c", status('I')), ("d", status('P'))]);
    let config =
        RollupConfig { credits: StatusCredits { partial: 7.0, ..StatusCredits::default() }, ..RollupConfig::default() };
    let r = rollup(&reqs, &a, &config).unwrap();
    // Only d has a usable weight; its partial credit is clamped from 7 to 1: 2 × 1 / 2 = 1.
    approx(r.overall.compliance, Some(1.0));
}

#[test]
fn duplicate_requirement_ids_are_rejected() {
    let reqs = vec![req("x", &["G"]), req("x", &["H"])];
    assert_eq!(
        rollup(&reqs, &std::collections::HashMap::new(), &RollupConfig::default()),
        Err(ScoreError::DuplicateRequirement("x".into()))
    );
}

mod properties {
    use mamori_assess::{RollupConfig, rollup};
    use proptest::prelude::*;

    use crate::support::{answers, req, status};

    proptest! {
        #[test]
        fn every_group_score_stays_between_zero_and_one(
            rows in proptest::collection::vec((0usize..4, 0usize..3, proptest::option::of(prop_oneof![Just('I'), Just('P'), Just('L'), Just('N'), Just('A')]), -2.0f64..5.0, 0u8..9), 1..60),
        ) {
            let reqs: Vec<_> = rows.iter().enumerate()
                .map(|(i, (g, c, _, w, _))| req(&format!("r{i}"), &[&format!("g{g}"), &format!("c{c}")]).weighted(*w))
                .collect();
            let ids: Vec<String> = (0..rows.len()).map(|i| format!("r{i}")).collect();
            let a = answers(rows.iter().zip(&ids)
                .filter_map(|((_, _, s, _, m), id)| s.map(|s| { let mut v = status(s); v.maturity = Some(*m); (id.as_str(), v) }))
                .collect());
            let r = rollup(&reqs, &a, &RollupConfig::default()).unwrap();
            for g in r.groups.iter().chain(std::iter::once(&r.overall)) {
                prop_assert!(g.compliance.is_none_or(|c| (0.0..=1.0).contains(&c)));
                prop_assert!(g.mean_maturity.is_none_or(|m| (0.0..=5.0).contains(&m)));
                let c = g.counts;
                prop_assert_eq!(c.implemented + c.partial + c.planned + c.not_implemented + c.not_applicable + c.unanswered, g.requirements);
            }
            prop_assert_eq!(r.overall.requirements, rows.len());
        }
    }
}
