//! Three-question rule, overrides and reassessment cadence.

use mamori_chain::advice::*;
use mamori_chain::{Criticality, Level};
use time::macros::{date, datetime};

fn rel(confidential: bool, impact: InterruptionImpact, connects: bool) -> Relationship {
    Relationship {
        supplied: "machined parts".into(),
        criticality: Criticality::Medium,
        handles_confidential_data: confidential,
        connects_to_buyer_systems: connects,
        interruption_impact: impact,
    }
}

#[test]
fn any_yes_among_the_three_questions_recommends_star4_and_all_no_recommends_star3() {
    use InterruptionImpact::*;
    use Question::*;
    let check = |r: Relationship, level: Level, yes: &[Question]| {
        let a = advise(&r);
        assert_eq!(a.recommended, level, "{r:?}");
        assert_eq!(a.yes_answers, yes, "{r:?}");
    };
    check(rel(false, Negligible, false), Level::Star3, &[]);
    check(rel(false, Tolerable, false), Level::Star3, &[]);
    check(rel(true, Tolerable, false), Level::Star4, &[ConfidentialInformation]);
    check(rel(false, Unacceptable, false), Level::Star4, &[UnacceptableInterruption]);
    check(rel(false, Negligible, true), Level::Star4, &[SystemConnection]);
    check(
        rel(true, Unacceptable, true),
        Level::Star4,
        &[ConfidentialInformation, UnacceptableInterruption, SystemConnection],
    );
}

#[test]
fn criticality_alone_does_not_change_the_advice_because_the_rule_does_not_use_it() {
    let mut r = rel(false, InterruptionImpact::Tolerable, false);
    r.criticality = Criticality::Critical;
    assert_eq!(advise(&r).recommended, Level::Star3);
}

#[test]
fn only_all_three_yes_flags_a_review_beyond_star4() {
    assert!(advise(&rel(true, InterruptionImpact::Unacceptable, true)).beyond_star4_review);
    assert!(!advise(&rel(true, InterruptionImpact::Tolerable, true)).beyond_star4_review);
}

#[test]
fn override_requires_a_non_empty_reason_and_takes_effect() {
    assert_eq!(OverrideReason::new("   "), Err(ReasonError::Empty));
    assert!(matches!(OverrideReason::new(&"x".repeat(2001)), Err(ReasonError::TooLong { .. })));
    assert!(serde_json::from_str::<OverrideReason>("\"\"").is_err());
    let reason = OverrideReason::new("  sole source of safety-critical firmware ").unwrap();
    assert_eq!(reason.as_str(), "sole source of safety-critical firmware");
    let mut decision =
        LevelDecision { advice: advise(&rel(false, InterruptionImpact::Negligible, false)), override_: None };
    assert_eq!(decision.effective_level(), Level::Star3);
    decision.override_ = Some(Override {
        level: Level::Star4,
        reason,
        decided_by: "user-7".into(),
        decided_at: datetime!(2027-01-10 10:00 UTC),
    });
    assert_eq!(decision.effective_level(), Level::Star4);
}

#[test]
fn next_due_follows_the_default_cadence_and_clamps_month_ends() {
    let check = |last, level, crit, expected| assert_eq!(next_due(last, level, crit), Some(expected));
    check(date!(2027 - 04 - 01), Level::Star3, Criticality::Medium, date!(2028 - 04 - 01));
    check(date!(2027 - 04 - 01), Level::Star4, Criticality::Low, date!(2028 - 04 - 01));
    check(date!(2027 - 04 - 01), Level::Star3, Criticality::Critical, date!(2027 - 10 - 01));
    check(date!(2027 - 08 - 31), Level::Star4, Criticality::Critical, date!(2028 - 02 - 29));
    check(date!(2028 - 02 - 29), Level::Star3, Criticality::High, date!(2029 - 02 - 28));
}

#[test]
fn cadence_is_configurable_per_level_and_criticality() {
    let mut policy = CadencePolicy::default();
    policy.set(Level::Star4, Criticality::High, 3).set(Level::Star3, Criticality::Low, 0);
    assert_eq!(policy.next_due(date!(2027 - 11 - 30), Level::Star4, Criticality::High), Some(date!(2028 - 02 - 29)));
    assert_eq!(policy.months(Level::Star3, Criticality::Low), 1, "zero is raised to one month");
    assert_eq!(policy.next_due(date!(2027 - 01 - 31), Level::Star3, Criticality::Low), Some(date!(2027 - 02 - 28)));
}
