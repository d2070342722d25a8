//! Reports and round trips for assessments: XLSX/CSV/JSON/OSCAL exports, XLSX import, SVG charts, printable HTML and PDF.
//!
//! The crate turns what the store returns into files; it does no database or network IO.
//!
//! PDF reports embed a subset of IPAexGothic (`fonts/ipaexg.ttf`), distributed under the IPA Font License
//! Agreement v1.0, whose text is in `fonts/IPA_Font_License.txt`.

pub mod charts;
pub mod formats;
pub mod html;
pub mod pdf;
pub mod sections;
pub mod xlsx;

use std::collections::BTreeMap;

use mamori_assess::{Lang, TrendSeries};
use mamori_store::assess::{AnswerRecord, AssessmentInfo, EvidenceLinkInfo, Plan, Scores};

/// Everything a report or export needs about one assessment.
pub struct ReportInput<'a> {
    pub info: &'a AssessmentInfo,
    pub org_name: &'a str,
    pub plan: &'a Plan,
    pub answers: &'a BTreeMap<String, AnswerRecord>,
    pub evidence: &'a [EvidenceLinkInfo],
    pub scores: &'a Scores,
    pub trend: Option<&'a TrendSeries>,
}

/// What can go wrong while writing or reading a file.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("spreadsheet: {0}")]
    Xlsx(String),
    #[error("csv: {0}")]
    Csv(String),
    #[error("json: {0}")]
    Json(#[from] serde_json::Error),
    #[error("pdf: {0}")]
    Pdf(String),
}

/// Picks a text by language.
pub fn pick<'a>(lang: Lang, ja: &'a str, en: &'a str) -> &'a str {
    match lang {
        Lang::Ja => ja,
        Lang::En => en,
    }
}

/// Display label of an implementation status code.
pub fn status_label(lang: Lang, code: &str) -> &'static str {
    match (code, lang) {
        ("implemented", Lang::Ja) => "実施",
        ("implemented", Lang::En) => "Implemented",
        ("partial", Lang::Ja) => "一部実施",
        ("partial", Lang::En) => "Partial",
        ("planned", Lang::Ja) => "計画中",
        ("planned", Lang::En) => "Planned",
        ("not_implemented", Lang::Ja) => "未実施",
        ("not_implemented", Lang::En) => "Not implemented",
        ("not_applicable", Lang::Ja) => "対象外",
        ("not_applicable", Lang::En) => "Not applicable",
        (_, Lang::Ja) => "未回答",
        (_, Lang::En) => "Unanswered",
    }
}

/// Formats an optional number with one decimal, or "–".
pub fn num(v: Option<f64>) -> String {
    // Halves round away from zero, as on the charts (4.25 is 4.3 in both places).
    v.map_or_else(|| "–".to_owned(), |v| format!("{:.1}", (v * 10.0).round() / 10.0))
}
