//! Management Guidelines: mean maturity per directive and overall.

use mamori_assess::{MaturityScale, Requirement, ScoreError, score_guidelines};

use crate::support::{answers, approx, matured, req, scale, status};

fn question(id: &str, directive: u8) -> Requirement {
    req(id, &[&format!("d{directive}")]).tag("directive", directive.to_string())
}

#[test]
fn directive_means_average_the_answered_levels_and_skip_na_and_blanks() {
    let reqs = vec![
        question("q1-1", 1),
        question("q1-2", 1),
        question("q1-3", 1),
        question("q1-4", 1),
        question("q2-1", 2),
        question("q2-2", 2),
        question("q3-1", 3),
    ];
    let a = answers(vec![
        ("q1-1", matured('I', 3)),
        ("q1-2", matured('P', 4)),
        ("q1-3", status('A')),
        // q1-4 unanswered.
        ("q2-1", matured('I', 5)),
        // Answered without a level: not counted in the mean.
        ("q2-2", status('I')),
    ]);
    let s = score_guidelines(&reqs, &a, &scale()).unwrap();
    let rows: Vec<_> = s.directives.iter().map(|d| (d.directive, d.questions, d.answered, d.not_applicable)).collect();
    assert_eq!(rows, vec![(1, 4, 2, 1), (2, 2, 1, 0), (3, 1, 0, 0)]);
    // Directive 1: (3 + 4) / 2 = 3.5. Directive 2: 5 / 1 = 5. Directive 3: none.
    approx(s.directives[0].mean, Some(3.5));
    approx(s.directives[1].mean, Some(5.0));
    approx(s.directives[2].mean, None);
    // Overall: mean of the directive means that exist = (3.5 + 5) / 2 = 4.25.
    approx(s.overall, Some(4.25));
    assert_eq!((s.questions, s.answered), (7, 3));
}

#[test]
fn levels_above_the_scale_are_clamped_to_its_maximum() {
    let reqs = vec![question("q4-1", 4), question("q4-2", 4)];
    let a = answers(vec![("q4-1", matured('I', 9)), ("q4-2", matured('I', 1))]);
    // On 0–3: 9 is clamped to 3, so (3 + 1) / 2 = 2.
    let s = score_guidelines(&reqs, &a, &MaturityScale::new(0, 3).unwrap()).unwrap();
    approx(s.directives[0].mean, Some(2.0));
}

#[test]
fn directives_are_numbered_one_to_ten() {
    let none = std::collections::BTreeMap::new();
    for bad in ["0", "11", "x", ""] {
        let r = req("q", &[]).tag("directive", bad);
        assert!(matches!(score_guidelines(&[r], &none, &scale()), Err(ScoreError::InvalidTag { .. })), "{bad}");
    }
    assert!(matches!(score_guidelines(&[req("q", &[])], &none, &scale()), Err(ScoreError::MissingTag { .. })));
    let s = score_guidelines(&[question("a", 10), question("b", 2)], &none, &scale()).unwrap();
    assert_eq!(s.directives.iter().map(|d| d.directive).collect::<Vec<_>>(), vec![2, 10]);
    assert_eq!(s.overall, None);
}
