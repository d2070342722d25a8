//! The answer model: N/A needs a reason, maturity stays on its scale, and submitted input is validated with limits.

use mamori_assess::answer::AnswerError;
use mamori_assess::input::{MAX_NOTES_CHARS, MAX_OWNER_CHARS};
use mamori_assess::{AnswerInput, AnswerView, ImplementationStatus, MaturityScale, SelfCheckChoice};
use proptest::prelude::*;

#[test]
fn not_applicable_without_a_reason_is_refused() {
    for blank in ["", "   ", "\n\t"] {
        assert!(matches!(ImplementationStatus::not_applicable(blank), Err(AnswerError::NaReasonMissing { .. })));
    }
    let na = ImplementationStatus::not_applicable("  no wireless LAN  ").unwrap();
    match na {
        ImplementationStatus::NotApplicable { reason } => {
            assert_eq!(reason.as_str(), "no wireless LAN")
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn deserializing_not_applicable_without_a_reason_fails() {
    let ok: AnswerView = serde_json::from_str(r#"{"status":{"status":"not_applicable","reason":"no Wi-Fi"}}"#).unwrap();
    assert!(ok.status.is_not_applicable());
    assert!(serde_json::from_str::<AnswerView>(r#"{"status":{"status":"not_applicable"}}"#).is_err());
    assert!(serde_json::from_str::<AnswerView>(r#"{"status":{"status":"not_applicable","reason":" "}}"#).is_err());
}

#[test]
fn answer_view_round_trips_through_json() {
    let a = AnswerView::new(ImplementationStatus::Partial).with_maturity(3, &MaturityScale::default()).unwrap();
    let json = serde_json::to_string(&a).unwrap();
    assert_eq!(json, r#"{"status":{"status":"partial"},"maturity":3}"#);
    assert_eq!(serde_json::from_str::<AnswerView>(&json).unwrap(), a);
}

#[test]
fn maturity_outside_the_scale_is_refused() {
    let scale = MaturityScale::new(1, 4).unwrap();
    assert!(AnswerView::new(ImplementationStatus::Implemented).with_maturity(4, &scale).is_ok());
    for level in [0, 5, 255] {
        assert!(matches!(
            AnswerView::new(ImplementationStatus::Implemented).with_maturity(level, &scale),
            Err(AnswerError::MaturityOutOfScale { level: l, min: 1, max: 4, .. }) if l == level
        ));
    }
    assert!(matches!(MaturityScale::new(5, 1), Err(AnswerError::EmptyScale { .. })));
}

#[test]
fn status_ranks_order_from_not_implemented_to_implemented() {
    let ranks: Vec<_> = ["not_implemented", "planned", "partial", "implemented"]
        .iter()
        .map(|c| ImplementationStatus::from_code(c, None).unwrap().rank())
        .collect();
    assert_eq!(ranks, vec![Some(0), Some(1), Some(2), Some(3)]);
    assert_eq!(ImplementationStatus::not_applicable("x").unwrap().rank(), None);
}

#[test]
fn self_check_choices_score_four_two_zero_minus_one() {
    let check = |choice: SelfCheckChoice, points: i8| {
        assert_eq!(choice.points(), points);
        assert_eq!(SelfCheckChoice::from_points(points), Some(choice));
    };
    check(SelfCheckChoice::Implemented, 4);
    check(SelfCheckChoice::Partial, 2);
    check(SelfCheckChoice::NotImplemented, 0);
    check(SelfCheckChoice::Unknown, -1);
    assert_eq!(SelfCheckChoice::from_points(3), None);
    assert_eq!(AnswerView::self_check(SelfCheckChoice::Unknown).status, ImplementationStatus::NotImplemented);
}

fn input(status: &str) -> AnswerInput {
    AnswerInput { status: Some(status.to_owned()), ..AnswerInput::default() }
}

#[test]
fn valid_input_is_trimmed_and_blank_fields_become_none() {
    let mut i = input("partial");
    i.maturity = Some(2);
    i.notes = Some("  firewall rules reviewed\nnext: MFA  ".to_owned());
    i.owner = Some("   ".to_owned());
    i.due_date = Some(time::macros::date!(2026 - 09 - 30));
    let v = i.validate(&MaturityScale::default()).unwrap();
    assert_eq!(v.view.status, ImplementationStatus::Partial);
    assert_eq!(v.view.maturity, Some(2));
    assert_eq!(v.notes.as_deref(), Some("firewall rules reviewed\nnext: MFA"));
    assert_eq!(v.owner, None);
    assert_eq!(v.due_date, Some(time::macros::date!(2026 - 09 - 30)));
}

#[test]
fn invalid_input_reports_every_broken_rule_with_its_pointer() {
    let mut i = input("not_applicable");
    i.maturity = Some(6);
    i.notes = Some("x".repeat(MAX_NOTES_CHARS + 1));
    i.owner = Some("bad\u{7}owner".to_owned());
    let errors = i.validate(&MaturityScale::default()).unwrap_err().0;
    let pointers: Vec<String> = errors
        .iter()
        .map(|e| match e {
            AnswerError::NaReasonMissing { pointer }
            | AnswerError::MaturityOutOfScale { pointer, .. }
            | AnswerError::TooLong { pointer, .. }
            | AnswerError::ControlCharacter { pointer, .. } => pointer.clone(),
            other => panic!("unexpected {other:?}"),
        })
        .collect();
    assert_eq!(pointers, ["/na_reason", "/maturity", "/notes", "/owner"]);
}

#[test]
fn input_rules_are_checked_one_by_one() {
    let scale = MaturityScale::default();
    let check = |i: AnswerInput, ok: bool| {
        let r = i.validate(&scale);
        assert_eq!(r.is_ok(), ok, "{i:?} -> {r:?}");
    };
    check(AnswerInput::default(), false);
    check(input("done"), false);
    check(input("implemented"), true);
    check(input(" implemented "), true);
    check(AnswerInput { na_reason: Some("we have no Wi-Fi".into()), ..input("not_applicable") }, true);
    check(AnswerInput { na_reason: Some("reason".into()), ..input("implemented") }, false);
    check(AnswerInput { na_reason: Some("  ".into()), ..input("implemented") }, true);
    check(AnswerInput { owner: Some("o".repeat(MAX_OWNER_CHARS)), ..input("planned") }, true);
    check(AnswerInput { owner: Some("o".repeat(MAX_OWNER_CHARS + 1)), ..input("planned") }, false);
    check(AnswerInput { owner: Some("a\nb".into()), ..input("planned") }, false);
    check(AnswerInput { notes: Some("a\nb\tc".into()), ..input("planned") }, true);
    check(AnswerInput { self_check: Some(SelfCheckChoice::Partial), ..AnswerInput::default() }, true);
}

#[test]
fn unknown_fields_in_submitted_json_are_rejected() {
    assert!(serde_json::from_str::<AnswerInput>(r#"{"status":"implemented","score":99}"#).is_err());
    let i: AnswerInput = serde_json::from_str(r#"{"status":"implemented","due_date":"2026-03-31"}"#).unwrap();
    assert!(i.validate(&MaturityScale::default()).is_ok());
}

proptest! {
    #[test]
    fn validation_never_panics_and_accepted_text_respects_the_limits(
        status in prop_oneof![Just("implemented".to_owned()), Just("not_applicable".to_owned()), ".{0,40}"],
        reason in proptest::option::of(".{0,60}"),
        notes in proptest::option::of(".{0,200}"),
        owner in proptest::option::of(".{0,60}"),
        maturity in proptest::option::of(any::<u8>()),
    ) {
        let i = AnswerInput { status: Some(status), na_reason: reason, notes, owner, maturity, ..AnswerInput::default() };
        if let Ok(v) = i.validate(&MaturityScale::default()) {
            prop_assert!(v.view.maturity.is_none_or(|m| m <= 5));
            prop_assert!(v.owner.as_deref().is_none_or(|o| !o.chars().any(char::is_control)));
            if let ImplementationStatus::NotApplicable { reason } = &v.view.status {
                prop_assert!(!reason.as_str().trim().is_empty());
            }
        }
    }
}
