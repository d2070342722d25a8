//! Chart data: radar, bar, trend, k-anonymous sector average and group comparison series, plus an SVG radar renderer.

mod svg;

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::answer::MaturityScale;
use crate::scoring::csf::{CSF_FUNCTIONS, CsfScore};
use crate::scoring::guidelines::GuidelinesScore;
use crate::scoring::rollup::GroupScore;

pub use svg::{GROUP_RADAR_MAX, group_radar_svg, radar_svg};

/// Fewest distinct organizations a sector average may be computed from.
pub const MIN_SECTOR_CONTRIBUTORS: usize = 5;

/// Language of chart labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lang {
    /// Japanese.
    Ja,
    /// English.
    En,
}

/// What a chart's values measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// Share of credit earned, 0–100.
    CompliancePercent,
    /// Mean maturity level on the scale.
    Maturity,
}

/// One axis (or bar, or category) with labels in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Axis {
    /// Stable id, e.g. `GV` or `7`.
    pub id: String,
    /// Japanese label.
    pub label_ja: String,
    /// English label.
    pub label_en: String,
}

impl Axis {
    /// An axis with both labels.
    pub fn new(id: impl Into<String>, label_ja: impl Into<String>, label_en: impl Into<String>) -> Self {
        Self { id: id.into(), label_ja: label_ja.into(), label_en: label_en.into() }
    }

    /// The label in `lang`, falling back to the other language, then to the id.
    pub fn label(&self, lang: Lang) -> &str {
        let (first, second) = match lang {
            Lang::Ja => (&self.label_ja, &self.label_en),
            Lang::En => (&self.label_en, &self.label_ja),
        };
        [first, second].into_iter().find(|l| !l.trim().is_empty()).map_or(self.id.as_str(), String::as_str)
    }
}

/// A radar chart: one value per axis, an optional target and an optional comparison overlay.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RadarSeries {
    /// Axes, clockwise from the top.
    pub axes: Vec<Axis>,
    /// Values aligned with `axes`; `None` where nothing is answered.
    pub values: Vec<Option<f64>>,
    /// Target values aligned with `axes`, if a target profile applies.
    pub target: Option<Vec<Option<f64>>>,
    /// Comparison values (e.g. a sector average) aligned with `axes`.
    pub comparison: Option<Vec<Option<f64>>>,
    /// What the values measure.
    pub metric: Metric,
    /// Value at the outer ring.
    pub max: f64,
}

impl RadarSeries {
    /// The value of axis `id`, if the axis exists and has one.
    pub fn value_of(&self, id: &str) -> Option<f64> {
        let i = self.axes.iter().position(|a| a.id == id)?;
        self.values.get(i).copied().flatten()
    }

    /// Sets the comparison overlay from a sector average over the same axes.
    pub fn with_comparison(mut self, average: &SectorAverage) -> Self {
        self.comparison = Some(average.means.clone());
        self
    }
}

fn metric_value(group: &GroupScore, metric: Metric) -> Option<f64> {
    match metric {
        Metric::CompliancePercent => group.compliance_percent(),
        Metric::Maturity => group.mean_maturity,
    }
    .filter(|v| v.is_finite())
}

fn metric_max(metric: Metric, scale: &MaturityScale) -> f64 {
    match metric {
        Metric::CompliancePercent => 100.0,
        Metric::Maturity => f64::from(scale.max()),
    }
}

fn aligned_targets(axes: &[Axis], targets: Option<&BTreeMap<String, f64>>) -> Option<Vec<Option<f64>>> {
    targets.map(|t| axes.iter().map(|a| t.get(&a.id).copied().filter(|v| v.is_finite())).collect())
}

/// Radar of maturity per Guidelines directive, always with the ten axes 指示1–指示10.
/// `targets` are keyed by directive number as a string (`"1"` … `"10"`).
pub fn radar_guidelines(score: &GuidelinesScore, targets: Option<&BTreeMap<String, f64>>) -> RadarSeries {
    let axes: Vec<Axis> =
        (1..=10u8).map(|n| Axis::new(n.to_string(), format!("指示{n}"), format!("Directive {n}"))).collect();
    let values = (1..=10u8).map(|n| score.directives.iter().find(|d| d.directive == n).and_then(|d| d.mean)).collect();
    RadarSeries {
        target: aligned_targets(&axes, targets),
        axes,
        values,
        comparison: None,
        metric: Metric::Maturity,
        max: f64::from(score.scale.max()),
    }
}

/// Japanese and English names of the CSF 2.0 functions.
pub fn csf_function_axis(id: &str) -> Axis {
    let (ja, en) = match id {
        "GV" => ("統治 (GV)", "Govern (GV)"),
        "ID" => ("識別 (ID)", "Identify (ID)"),
        "PR" => ("防御 (PR)", "Protect (PR)"),
        "DE" => ("検知 (DE)", "Detect (DE)"),
        "RS" => ("対応 (RS)", "Respond (RS)"),
        "RC" => ("復旧 (RC)", "Recover (RC)"),
        other => (other, other),
    };
    Axis::new(id, ja, en)
}

/// Radar per CSF 2.0 function, always with the six function axes in order.
pub fn radar_csf(
    score: &CsfScore,
    metric: Metric,
    scale: &MaturityScale,
    targets: Option<&BTreeMap<String, f64>>,
) -> RadarSeries {
    let axes: Vec<Axis> = CSF_FUNCTIONS.iter().map(|f| csf_function_axis(f)).collect();
    let values = CSF_FUNCTIONS
        .iter()
        .map(|f| score.functions.iter().find(|g| g.id() == *f).and_then(|g| metric_value(g, metric)))
        .collect();
    RadarSeries {
        target: aligned_targets(&axes, targets),
        axes,
        values,
        comparison: None,
        metric,
        max: metric_max(metric, scale),
    }
}

/// Radar over any list of groups (e.g. one depth of a roll-up). Labels come
/// from `labels` by group id, else the id itself.
pub fn radar_from_groups(
    groups: &[GroupScore],
    metric: Metric,
    scale: &MaturityScale,
    labels: &BTreeMap<String, Axis>,
    targets: Option<&BTreeMap<String, f64>>,
) -> RadarSeries {
    let axes: Vec<Axis> = groups.iter().map(|g| axis_for(g.id(), labels)).collect();
    RadarSeries {
        values: groups.iter().map(|g| metric_value(g, metric)).collect(),
        target: aligned_targets(&axes, targets),
        axes,
        comparison: None,
        metric,
        max: metric_max(metric, scale),
    }
}

fn axis_for(id: &str, labels: &BTreeMap<String, Axis>) -> Axis {
    labels.get(id).cloned().unwrap_or_else(|| Axis::new(id, id, id))
}

/// One bar.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bar {
    /// The category.
    pub axis: Axis,
    /// Its value; `None` when nothing counts.
    pub value: Option<f64>,
    /// Requirements in the denominator (for "n = …" captions).
    pub denominator_count: usize,
    /// Requirements below the category.
    pub requirements: usize,
}

/// A bar chart by category.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BarSeries {
    /// Bars in input order.
    pub bars: Vec<Bar>,
    /// What the values measure.
    pub metric: Metric,
    /// Value of a full bar.
    pub max: f64,
}

/// Bars for a list of groups (e.g. CSF categories).
pub fn bar_series(
    groups: &[GroupScore],
    metric: Metric,
    scale: &MaturityScale,
    labels: &BTreeMap<String, Axis>,
) -> BarSeries {
    BarSeries {
        bars: groups
            .iter()
            .map(|g| Bar {
                axis: axis_for(g.id(), labels),
                value: metric_value(g, metric),
                denominator_count: match metric {
                    Metric::CompliancePercent => g.denominator_count,
                    Metric::Maturity => g.maturity_count,
                },
                requirements: g.requirements,
            })
            .collect(),
        metric,
        max: metric_max(metric, scale),
    }
}

/// One assessment in an organization's history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrendPoint {
    /// Assessment id.
    pub assessment_id: String,
    /// Its reference date (e.g. approval date), as `YYYY-MM-DD`.
    #[serde(with = "crate::model::iso_date")]
    pub date: time::Date,
    /// Overall value.
    pub overall: Option<f64>,
    /// Values per axis id (directive, function, …).
    pub by_axis: BTreeMap<String, f64>,
}

/// An organization's scores over time, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrendSeries {
    /// Points sorted by date, then assessment id.
    pub points: Vec<TrendPoint>,
    /// Every axis id that appears in any point, sorted.
    pub axes: Vec<String>,
    /// What the values measure.
    pub metric: Metric,
    /// Highest possible value.
    pub max: f64,
}

/// Sorts history into a trend series, dropping non-finite values.
pub fn trend_series(
    points: impl IntoIterator<Item = TrendPoint>,
    metric: Metric,
    scale: &MaturityScale,
) -> TrendSeries {
    let mut points: Vec<TrendPoint> = points
        .into_iter()
        .map(|mut p| {
            p.overall = p.overall.filter(|v| v.is_finite());
            p.by_axis.retain(|_, v| v.is_finite());
            p
        })
        .collect();
    points.sort_by(|a, b| a.date.cmp(&b.date).then_with(|| a.assessment_id.cmp(&b.assessment_id)));
    let axes = points.iter().flat_map(|p| p.by_axis.keys().cloned()).collect::<BTreeSet<_>>().into_iter().collect();
    TrendSeries { points, axes, metric, max: metric_max(metric, scale) }
}

/// One organization's opt-in contribution to a sector average, aligned with the chart's axes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SectorContribution {
    /// The organization (used only to count distinct contributors).
    pub org_id: String,
    /// Whether the organization opted in; others are ignored.
    pub opted_in: bool,
    /// Its values per axis.
    pub values: Vec<Option<f64>>,
}

/// A sector average: means and contributor counts only, never per-organization values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SectorAverage {
    /// Mean per axis; `None` where fewer than [`MIN_SECTOR_CONTRIBUTORS`] organizations have a value.
    pub means: Vec<Option<f64>>,
    /// Distinct opted-in organizations.
    pub contributors: usize,
}

/// Averages opted-in contributions over `axis_count` axes, or `None` when
/// fewer than five distinct organizations contribute.
///
/// Several contributions from one organization are first averaged, so each
/// organization counts once; each axis also needs five organizations with a
/// value, else that axis is `None`, so one sparse axis cannot expose a few
/// organizations.
pub fn sector_average(axis_count: usize, contributions: &[SectorContribution]) -> Option<SectorAverage> {
    let mut per_org: BTreeMap<&str, Vec<(f64, usize)>> = BTreeMap::new();
    for c in contributions.iter().filter(|c| c.opted_in) {
        let sums = per_org.entry(c.org_id.as_str()).or_insert_with(|| vec![(0.0, 0); axis_count]);
        for (slot, value) in sums.iter_mut().zip(&c.values) {
            if let Some(v) = value.filter(|v| v.is_finite()) {
                slot.0 += v;
                slot.1 += 1;
            }
        }
    }
    if per_org.len() < MIN_SECTOR_CONTRIBUTORS {
        return None;
    }
    let means = (0..axis_count)
        .map(|axis| {
            let org_means: Vec<f64> = per_org
                .values()
                .filter_map(|sums| sums.get(axis))
                .filter(|(_, n)| *n > 0)
                .map(|(sum, n)| sum / *n as f64)
                .collect();
            (org_means.len() >= MIN_SECTOR_CONTRIBUTORS).then(|| org_means.iter().sum::<f64>() / org_means.len() as f64)
        })
        .collect();
    Some(SectorAverage { means, contributors: per_org.len() })
}

/// One entity (parent or subsidiary) in a group comparison.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupMember {
    /// Organization id.
    pub entity_id: String,
    /// Display name.
    pub label: String,
    /// Its radar series.
    pub series: RadarSeries,
}

/// An entity's values aligned with the comparison's axes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EntityValues {
    /// Organization id.
    pub entity_id: String,
    /// Display name.
    pub label: String,
    /// Values aligned with [`GroupComparison::axes`].
    pub values: Vec<Option<f64>>,
}

/// A parent company and its subsidiaries side by side.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupComparison {
    /// The parent's axes.
    pub axes: Vec<Axis>,
    /// The parent.
    pub parent: EntityValues,
    /// Subsidiaries sorted by label, then id.
    pub subsidiaries: Vec<EntityValues>,
    /// What the values measure.
    pub metric: Metric,
    /// Highest possible value.
    pub max: f64,
}

/// Why a chart could not be built.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ChartError {
    /// A member's series measures something else than the parent's.
    #[error("entity {entity_id}: its chart uses another metric or scale than the parent's")]
    MetricMismatch {
        /// The offending entity.
        entity_id: String,
    },
}

/// Aligns subsidiaries' series to the parent's axes by axis id (missing axes
/// give `None`). Every series must use the parent's metric and maximum, so
/// that the side-by-side values are comparable.
pub fn group_comparison(parent: &GroupMember, subsidiaries: &[GroupMember]) -> Result<GroupComparison, ChartError> {
    if let Some(odd) = subsidiaries
        .iter()
        .find(|m| m.series.metric != parent.series.metric || m.series.max.total_cmp(&parent.series.max).is_ne())
    {
        return Err(ChartError::MetricMismatch { entity_id: odd.entity_id.clone() });
    }
    let axes = parent.series.axes.clone();
    let align = |m: &GroupMember| EntityValues {
        entity_id: m.entity_id.clone(),
        label: m.label.clone(),
        values: axes.iter().map(|a| m.series.value_of(&a.id)).collect(),
    };
    let mut subs: Vec<EntityValues> = subsidiaries.iter().map(align).collect();
    subs.sort_by(|a, b| a.label.cmp(&b.label).then_with(|| a.entity_id.cmp(&b.entity_id)));
    Ok(GroupComparison {
        parent: align(parent),
        subsidiaries: subs,
        metric: parent.series.metric,
        max: parent.series.max,
        axes,
    })
}
