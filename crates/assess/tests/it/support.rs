//! Shared helpers: compact answer builders for hand-worked examples.

use std::collections::BTreeMap;

use mamori_assess::{AnswerView, ImplementationStatus, MaturityScale, Requirement};

/// An answer from a short code: `I` implemented, `P` partial, `L` planned,
/// `N` not implemented, `A` not applicable.
pub fn status(code: char) -> AnswerView {
    AnswerView::new(match code {
        'I' => ImplementationStatus::Implemented,
        'P' => ImplementationStatus::Partial,
        'L' => ImplementationStatus::Planned,
        'N' => ImplementationStatus::NotImplemented,
        'A' => ImplementationStatus::not_applicable("out of scope for this test").unwrap(),
        other => panic!("unknown status code {other}"),
    })
}

/// An answer with a status code and a maturity level on the 0–5 scale.
pub fn matured(code: char, level: u8) -> AnswerView {
    let mut a = status(code);
    a.maturity = Some(level);
    a
}

/// A map of answers by requirement id.
pub fn answers(list: Vec<(&str, AnswerView)>) -> BTreeMap<String, AnswerView> {
    list.into_iter().map(|(id, a)| (id.to_owned(), a)).collect()
}

/// A requirement under `path`.
pub fn req(id: &str, path: &[&str]) -> Requirement {
    Requirement::new(id, path.iter().copied())
}

/// The default 0–5 scale.
pub fn scale() -> MaturityScale {
    MaturityScale::default()
}

/// Asserts two floats agree to 1e-9.
pub fn approx(actual: Option<f64>, expected: Option<f64>) {
    match (actual, expected) {
        (Some(a), Some(e)) => assert!((a - e).abs() < 1e-9, "expected {e}, got {a}"),
        (a, e) => assert_eq!(a, e),
    }
}
