//! Answer scales: implementation status, maturity 0–5, self-check points and pass/fail.

use serde::{Deserialize, Serialize};

use crate::model::{I18n, Verification};

/// What kind of answer a scale collects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScaleKind {
    /// Not implemented / partially / largely / fully implemented, or not applicable.
    ImplementationStatus,
    /// Maturity levels 0–5 with per-level descriptors.
    Maturity,
    /// Points per answer summed into a total (e.g. SECURITY ACTION self-check 4/2/0/−1).
    Points,
    /// Met or not met.
    PassFail,
}

/// One level of a scale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScaleLevel {
    /// Numeric value (points, maturity level, or an ordinal).
    pub value: i32,
    /// Short label.
    pub label: I18n,
    /// Longer descriptor of what the level means.
    #[serde(default, skip_serializing_if = "I18n::is_empty")]
    pub description: I18n,
}

/// A band of totals with a message, e.g. 70–99 points in the SECURITY ACTION self-check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScoreBand {
    /// Lowest total in the band (inclusive).
    pub min: i32,
    /// Highest total in the band (inclusive).
    pub max: i32,
    /// Label or message for the band.
    pub label: I18n,
    /// How far the band wording is confirmed.
    #[serde(default)]
    pub verification: Verification,
}

/// An answer scale attached to a framework (default) or to individual nodes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scale {
    /// Identifier unique within the framework.
    pub id: String,
    /// Kind of answers.
    pub kind: ScaleKind,
    /// Name.
    pub name: I18n,
    /// The levels, lowest first.
    pub levels: Vec<ScaleLevel>,
    /// Bands over the total score, when the scheme defines them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bands: Vec<ScoreBand>,
    /// Rule for passing, e.g. "all criteria met", when the scheme defines one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pass_rule: Option<I18n>,
    /// Who authored the scale wording.
    #[serde(default)]
    pub verification: Verification,
}

fn level(value: i32, ja: &str, en: &str) -> ScaleLevel {
    ScaleLevel { value, label: I18n::new(ja, en), description: I18n::default() }
}

impl Scale {
    /// Looks a level up by value.
    pub fn level(&self, value: i32) -> Option<&ScaleLevel> {
        self.levels.iter().find(|l| l.value == value)
    }

    /// Highest value on the scale.
    pub fn max_value(&self) -> Option<i32> {
        self.levels.iter().map(|l| l.value).max()
    }

    /// Implementation status: 0 not implemented … 3 fully implemented; −1 not applicable. Our wording.
    pub fn implementation_status() -> Self {
        Scale {
            id: "implementation-status".into(),
            kind: ScaleKind::ImplementationStatus,
            name: I18n::new("実施状況", "Implementation status"),
            levels: vec![
                level(-1, "対象外", "Not applicable"),
                level(0, "未実施", "Not implemented"),
                level(1, "一部実施", "Partially implemented"),
                level(2, "概ね実施", "Largely implemented"),
                level(3, "実施", "Fully implemented"),
            ],
            bands: Vec::new(),
            pass_rule: None,
            verification: Verification::Own,
        }
    }

    /// A 0–5 maturity scale with the given descriptors (index = level). Labels are ours and configurable.
    pub fn maturity_0_5(id: &str, descriptors: [I18n; 6]) -> Self {
        let labels = [
            ("未実施", "Not performed"),
            ("場当たり的", "Ad hoc"),
            ("一部定義", "Partly defined"),
            ("全社で文書化", "Defined organisation-wide"),
            ("測定・管理", "Measured"),
            ("継続的改善", "Continuously improving"),
        ];
        let levels = labels
            .iter()
            .zip(descriptors)
            .enumerate()
            .map(|(i, ((ja, en), description))| ScaleLevel { value: i as i32, label: I18n::new(*ja, *en), description })
            .collect();
        Scale {
            id: id.into(),
            kind: ScaleKind::Maturity,
            name: I18n::new("成熟度 (0–5)", "Maturity (0–5)"),
            levels,
            bands: Vec::new(),
            pass_rule: None,
            verification: Verification::Own,
        }
    }

    /// The IPA self-check answer points: done 4, partly 2, not done 0, don't know −1.
    pub fn self_check_points() -> Self {
        Scale {
            id: "self-check-points".into(),
            kind: ScaleKind::Points,
            name: I18n::new("自社診断の回答", "Self-check answer"),
            levels: vec![
                level(4, "実施している", "Done"),
                level(2, "一部実施している", "Partly done"),
                level(0, "実施していない", "Not done"),
                level(-1, "わからない", "Don't know"),
            ],
            bands: Vec::new(),
            pass_rule: None,
            verification: Verification::Secondary,
        }
    }

    /// Met / not met.
    pub fn pass_fail(pass_rule: Option<I18n>) -> Self {
        Scale {
            id: "pass-fail".into(),
            kind: ScaleKind::PassFail,
            name: I18n::new("適合／不適合", "Pass / fail"),
            levels: vec![level(0, "不適合", "Not met"), level(1, "適合", "Met")],
            bands: Vec::new(),
            pass_rule,
            verification: Verification::Own,
        }
    }
}
