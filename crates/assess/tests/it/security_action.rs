//! SECURITY ACTION self-check: hand-worked totals and bands (jp-frameworks.md §4.3).

use mamori_assess::{
    AnswerView, ScoreError, SecurityActionBand as Band, SecurityActionRules, SelfCheckChoice, SelfCheckNaPolicy,
    SelfCheckSection, score_security_action, score_security_action_with,
};

use crate::support::status;

/// 25 answers from a string: `4` implemented, `2` partial, `0` not
/// implemented, `u` unknown (−1), `L` planned without points, `A` N/A.
fn sheet(codes: &str) -> Vec<AnswerView> {
    codes
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '4' => AnswerView::self_check(SelfCheckChoice::Implemented),
            '2' => AnswerView::self_check(SelfCheckChoice::Partial),
            '0' => AnswerView::self_check(SelfCheckChoice::NotImplemented),
            'u' => AnswerView::self_check(SelfCheckChoice::Unknown),
            'L' => status('L'),
            'A' => status('A'),
            other => panic!("bad code {other}"),
        })
        .collect()
}

fn check(codes: &str, total: i32, band: Band) {
    let score = score_security_action(&sheet(codes)).unwrap();
    assert_eq!((score.total, score.band), (total, band), "{codes}");
    assert_eq!(score.max, 100);
}

#[test]
fn hand_worked_totals_fall_in_the_documented_bands() {
    // Groups of five items for readability: 1–5 | 6–10 | 11–15 | 16–20 | 21–25.
    // 25 × 4 = 100.
    check("44444 44444 44444 44444 44444", 100, Band::Full);
    // 24 × 4 + 1 × 2 = 98: a single partial item leaves the top band.
    check("44444 44444 44444 44444 44442", 98, Band::From70To99);
    // 20 × 4 + 3 × 2 + 0 − 1 = 85.
    check("44444 44444 44444 44444 2220u", 85, Band::From70To99);
    // 17 × 4 + 2 = 70: lower edge of 70–99.
    check("44444 44444 44444 44200 00000", 70, Band::From70To99);
    // 17 × 4 + 2 − 1 = 69: upper edge of 50–69.
    check("44444 44444 44444 442u0 00000", 69, Band::From50To69);
    // 12 × 4 + 2 = 50: lower edge of 50–69.
    check("44444 44444 44200 00000 00000", 50, Band::From50To69);
    // 12 × 4 + 2 − 1 = 49: below 50.
    check("44444 44444 442u0 00000 00000", 49, Band::Below50);
    // 25 × 0 = 0.
    check("00000 00000 00000 00000 00000", 0, Band::Below50);
    // 25 × −1 = −25: the lowest possible total.
    check("uuuuu uuuuu uuuuu uuuuu uuuuu", -25, Band::Below50);
}

#[test]
fn section_subtotals_add_up_to_the_total() {
    // Items 1–20 implemented, 21–23 partial, 24 not implemented, 25 unknown.
    // Basic (1–5): 5 × 4 = 20. Employee (6–18): 13 × 4 = 52.
    // Organization (19–25): 2 × 4 + 3 × 2 + 0 − 1 = 13. Total 85.
    let s = score_security_action(&sheet("44444 44444 44444 44444 2220u")).unwrap();
    let subtotals: Vec<(SelfCheckSection, i32, i32)> = s.sections.iter().map(|x| (x.section, x.total, x.max)).collect();
    assert_eq!(
        subtotals,
        vec![
            (SelfCheckSection::Basic, 20, 20),
            (SelfCheckSection::Employee, 52, 52),
            (SelfCheckSection::Organization, 13, 28),
        ]
    );
    assert_eq!(s.unknown_count, 1);
    assert_eq!(s.items[24].points, -1);
    assert_eq!(s.items[24].number, 25);
}

#[test]
fn statuses_without_points_score_as_the_matching_choice() {
    // Planned has no self-check choice of its own, so it scores 0:
    // 24 × 4 + 0 = 96.
    let s = score_security_action(&sheet("44444 44444 44444 44444 4444L")).unwrap();
    assert_eq!(s.total, 96);
}

#[test]
fn not_applicable_items_follow_the_configured_policy() {
    // Item 9 (wireless LAN) N/A; the default scores it 4 as an older edition did: 25 × 4 = 100.
    let answers = sheet("44444 444A4 44444 44444 44444");
    let s = score_security_action(&answers).unwrap();
    assert_eq!((s.total, s.not_applicable_count), (100, 1));
    assert!(s.items[8].not_applicable);
    // Scored as not implemented instead: 24 × 4 + 0 = 96.
    let as_zero = SecurityActionRules { not_applicable: SelfCheckNaPolicy::ScoreAs(SelfCheckChoice::NotImplemented) };
    assert_eq!(score_security_action_with(&answers, &as_zero).unwrap().total, 96);
    let reject = SecurityActionRules { not_applicable: SelfCheckNaPolicy::Reject };
    assert_eq!(
        score_security_action_with(&answers, &reject),
        Err(ScoreError::NotApplicableNotPermitted { requirement: "9".into() })
    );
}

#[test]
fn the_self_check_needs_exactly_twenty_five_answers() {
    let mut answers = sheet("44444 44444 44444 44444 44444");
    answers.pop();
    assert_eq!(score_security_action(&answers), Err(ScoreError::WrongItemCount { expected: 25, got: 24 }));
    assert!(score_security_action(&[]).is_err());
}

#[test]
fn bands_cover_every_possible_total() {
    for total in -25..=100 {
        let band = Band::of_total(total);
        let expected = match total {
            100 => Band::Full,
            70..=99 => Band::From70To99,
            50..=69 => Band::From50To69,
            _ => Band::Below50,
        };
        assert_eq!(band, expected, "{total}");
    }
}
