//! A hand-written SVG radar chart that PDF reports and no-JS HTML pages can embed.

use std::fmt::Write as _;

use super::{Axis, GroupComparison, Lang, Metric, RadarSeries};

const MIN_SIZE: u32 = 160;
const MAX_SIZE: u32 = 4096;
const FONT: &str = "'IPAexGothic','Noto Sans CJK JP','Hiragino Sans','Yu Gothic',sans-serif";
const VALUE_COLOUR: &str = "#1f6fb2";
const TARGET_COLOUR: &str = "#d9822b";
const COMPARISON_COLOUR: &str = "#5b8c5a";

/// Renders `series` as a self-contained square SVG of `size` pixels
/// (clamped to 160–4096) with labels in `lang`.
///
/// Values are clamped to 0..=max; a missing value is drawn at the centre and
/// labelled "–". Labels are XML-escaped and stripped of characters XML
/// cannot carry, so any catalog text is safe to embed.
pub fn radar_svg(series: &RadarSeries, size: u32, lang: Lang) -> String {
    let mut layers = Vec::with_capacity(3);
    if let Some(comparison) = &series.comparison {
        let label = match lang {
            Lang::Ja => "比較",
            Lang::En => "Comparison",
        };
        layers.push(Layer::outline(comparison, COMPARISON_COLOUR, "2 3", 1.5, "comparison", label));
    }
    if let Some(target) = &series.target {
        let label = match lang {
            Lang::Ja => "目標",
            Lang::En => "Target",
        };
        layers.push(Layer::outline(target, TARGET_COLOUR, "6 4", 2.0, "target", label));
    }
    let current = match lang {
        Lang::Ja => "現状",
        Lang::En => "Current",
    };
    layers.push(Layer {
        values: &series.values,
        colour: VALUE_COLOUR,
        dash: "",
        width: 2.0,
        fill: true,
        class: "value",
        label: current.into(),
    });
    // The legend lists the current values first, then the target, then the comparison.
    let legend: Vec<usize> = (0..layers.len()).rev().collect();
    draw(&series.axes, series.metric, series.max, &layers, &legend, Some(&series.values), size, lang, LegendStyle::Row)
}

/// Colours for the entities of a group radar, the parent first.
const GROUP_COLOURS: [&str; 8] =
    ["#1f6fb2", "#d9822b", "#5b8c5a", "#a23b72", "#6c4f9c", "#c0392b", "#2a9d8f", "#7f6000"];

/// At most this many entities are drawn in a group radar (the table beside it lists all).
pub const GROUP_RADAR_MAX: usize = GROUP_COLOURS.len();

/// Renders a group comparison as one radar: the parent filled, each subsidiary as an outline
/// in its own colour, and a legend with one line per entity below the chart. Only the first
/// [`GROUP_RADAR_MAX`] entities are drawn.
pub fn group_radar_svg(group: &GroupComparison, size: u32, lang: Lang) -> String {
    let entities = std::iter::once(&group.parent).chain(&group.subsidiaries).take(GROUP_RADAR_MAX);
    let layers: Vec<Layer<'_>> = entities
        .enumerate()
        .map(|(i, e)| Layer {
            values: &e.values,
            colour: GROUP_COLOURS[i],
            dash: if i == 0 { "" } else { "4 2" },
            width: 2.0,
            fill: i == 0,
            class: if i == 0 { "value" } else { "entity" },
            label: e.label.clone(),
        })
        .collect();
    // Subsidiaries first so that the parent is drawn on top; the legend lists the parent first.
    let mut drawn: Vec<Layer<'_>> = layers.iter().skip(1).cloned().collect();
    drawn.push(layers[0].clone());
    let legend: Vec<usize> = std::iter::once(drawn.len() - 1).chain(0..drawn.len() - 1).collect();
    draw(&group.axes, group.metric, group.max, &drawn, &legend, None, size, lang, LegendStyle::Column)
}

/// One polygon on a radar.
#[derive(Clone)]
struct Layer<'a> {
    values: &'a [Option<f64>],
    colour: &'a str,
    dash: &'a str,
    width: f64,
    /// Filled and dotted (the main series) or an outline.
    fill: bool,
    class: &'a str,
    label: String,
}

impl<'a> Layer<'a> {
    fn outline(
        values: &'a [Option<f64>],
        colour: &'a str,
        dash: &'a str,
        width: f64,
        class: &'a str,
        label: &str,
    ) -> Self {
        Layer { values, colour, dash, width, fill: false, class, label: label.into() }
    }
}

#[derive(Clone, Copy, PartialEq)]
enum LegendStyle {
    /// Entries side by side on the last line of a square chart.
    Row,
    /// One entry per line below the chart, which grows to hold them.
    Column,
}

/// Draws rings, spokes, `layers` in order, axis labels (with the values of `labelled` under
/// each label when given) and a legend listing the layers at the indices in `legend`.
#[allow(clippy::too_many_arguments)]
fn draw(
    axes: &[Axis],
    metric: Metric,
    max: f64,
    layers: &[Layer<'_>],
    legend: &[usize],
    labelled: Option<&[Option<f64>]>,
    size: u32,
    lang: Lang,
    style: LegendStyle,
) -> String {
    let size = size.clamp(MIN_SIZE, MAX_SIZE);
    let side = f64::from(size);
    let centre = side / 2.0;
    let radius = side * 0.30;
    let font = (side / 40.0).max(9.0);
    let height = match style {
        LegendStyle::Row => size,
        LegendStyle::Column => size + (font * 1.5 * legend.len() as f64).ceil() as u32,
    };
    let n = axes.len();
    let max = if max.is_finite() && max > 0.0 { max } else { 1.0 };
    let title = match (metric, lang) {
        (Metric::Maturity, Lang::Ja) => "成熟度レーダーチャート",
        (Metric::Maturity, Lang::En) => "Maturity radar chart",
        (Metric::CompliancePercent, Lang::Ja) => "実施率レーダーチャート (%)",
        (Metric::CompliancePercent, Lang::En) => "Implementation radar chart (%)",
    };
    let mut out = String::with_capacity(4096);
    let _ = write!(
        out,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{height}" viewBox="0 0 {size} {height}" role="img" aria-label="{t}" font-family="{FONT}" font-size="{font:.1}"><title>{t}</title><rect width="100%" height="100%" fill="#ffffff"/>"##,
        t = escape(title),
    );
    if n == 0 {
        let empty = match lang {
            Lang::Ja => "データがありません",
            Lang::En => "No data",
        };
        let _ = write!(
            out,
            r##"<text x="{centre:.1}" y="{centre:.1}" text-anchor="middle" fill="#555555">{}</text></svg>"##,
            escape(empty)
        );
        return out;
    }
    let point = |axis: usize, fraction: f64| -> (f64, f64) {
        let angle = -std::f64::consts::FRAC_PI_2 + std::f64::consts::TAU * axis as f64 / n as f64;
        (centre + radius * fraction * angle.cos(), centre + radius * fraction * angle.sin())
    };
    for ring in rings(metric, max) {
        let fraction = ring / max;
        let points: Vec<(f64, f64)> = (0..n).map(|i| point(i, fraction)).collect();
        if n >= 3 {
            let _ =
                write!(out, r##"<polygon points="{}" fill="none" stroke="#cccccc" stroke-width="1"/>"##, path(&points));
        } else {
            let _ = write!(
                out,
                r##"<circle cx="{centre:.1}" cy="{centre:.1}" r="{:.1}" fill="none" stroke="#cccccc" stroke-width="1"/>"##,
                radius * fraction
            );
        }
        let (x, y) = point(0, fraction);
        let _ = write!(
            out,
            r##"<text x="{:.1}" y="{:.1}" fill="#888888" font-size="{:.1}">{}</text>"##,
            x + 3.0,
            y - 2.0,
            font * 0.8,
            number(ring)
        );
    }
    for i in 0..n {
        let (x, y) = point(i, 1.0);
        let _ = write!(
            out,
            r##"<line x1="{centre:.1}" y1="{centre:.1}" x2="{x:.1}" y2="{y:.1}" stroke="#bbbbbb" stroke-width="1"/>"##
        );
    }
    let fractions = |values: &[Option<f64>]| -> Vec<(f64, f64)> {
        (0..n)
            .map(|i| {
                let v = values.get(i).copied().flatten().filter(|v| v.is_finite());
                point(i, v.map_or(0.0, |v| (v / max).clamp(0.0, 1.0)))
            })
            .collect()
    };
    for layer in layers {
        let points = fractions(layer.values);
        let (colour, class, width) = (layer.colour, layer.class, layer.width);
        if layer.fill {
            let _ = write!(
                out,
                r#"<polygon class="{class}" points="{}" fill="{colour}" fill-opacity="0.25" stroke="{colour}" stroke-width="{width}"/>"#,
                path(&points)
            );
            for (i, (x, y)) in points.iter().enumerate() {
                if layer.values.get(i).copied().flatten().is_some_and(f64::is_finite) {
                    let _ = write!(out, r#"<circle cx="{x:.1}" cy="{y:.1}" r="3" fill="{colour}"/>"#);
                }
            }
        } else {
            let _ = write!(
                out,
                r#"<polygon class="{class}" points="{}" fill="none" stroke="{colour}" stroke-width="{width}" stroke-dasharray="{}"/>"#,
                path(&points),
                layer.dash
            );
        }
    }
    for (i, axis) in axes.iter().enumerate() {
        let (x, y) = point(i, 1.0 + 0.12);
        let anchor = if (x - centre).abs() < side * 0.02 {
            "middle"
        } else if x > centre {
            "start"
        } else {
            "end"
        };
        // Labels above the centre are lifted by up to one line, so that their
        // second line (the value) does not run into the outer ring.
        let lift = if y < centre { font * 1.15 * (centre - y) / (radius * 1.12) } else { 0.0 };
        match labelled {
            Some(values) => {
                let value =
                    values.get(i).copied().flatten().filter(|v| v.is_finite()).map_or_else(|| "–".to_owned(), number);
                let _ = write!(
                    out,
                    r##"<text x="{x:.1}" y="{:.1}" text-anchor="{anchor}" fill="#222222">{}<tspan x="{x:.1}" dy="{:.1}" fill="#555555">{}</tspan></text>"##,
                    y - font * 0.2 - lift,
                    escape(axis.label(lang)),
                    font * 1.15,
                    escape(&value)
                );
            }
            None => {
                let _ = write!(
                    out,
                    r##"<text x="{x:.1}" y="{:.1}" text-anchor="{anchor}" fill="#222222">{}</text>"##,
                    y - font * 0.2 - lift / 2.0,
                    escape(axis.label(lang)),
                );
            }
        }
    }
    let entries: Vec<&Layer<'_>> = legend.iter().filter_map(|i| layers.get(*i)).collect();
    let mut x = font;
    let mut y = match style {
        LegendStyle::Row => side - font * 1.2,
        LegendStyle::Column => side + font * 0.2,
    };
    for layer in entries {
        let _ = write!(
            out,
            r#"<line x1="{x:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="{}" stroke-width="2" stroke-dasharray="{}"/><text x="{:.1}" y="{y:.1}">{}</text>"#,
            y - font * 0.35,
            x + font * 1.6,
            y - font * 0.35,
            layer.colour,
            layer.dash,
            x + font * 2.0,
            escape(&layer.label)
        );
        match style {
            LegendStyle::Row => x += font * 7.0,
            LegendStyle::Column => y += font * 1.5,
        }
    }
    out.push_str("</svg>");
    out
}

/// Ring values: each level of a small integer maturity scale, else fifths.
fn rings(metric: Metric, max: f64) -> Vec<f64> {
    if metric == Metric::Maturity && max.fract() == 0.0 && max <= 10.0 {
        let top = max as u32;
        (1..=top).map(f64::from).collect()
    } else {
        // Divide first: `max * k` overflows to infinity for huge maxima.
        (1..=5).map(|k| max * (f64::from(k) / 5.0)).collect()
    }
}

fn path(points: &[(f64, f64)]) -> String {
    let mut s = String::with_capacity(points.len() * 14);
    for (i, (x, y)) in points.iter().enumerate() {
        if i > 0 {
            s.push(' ');
        }
        let _ = write!(s, "{x:.1},{y:.1}");
    }
    s
}

/// Formats with at most one decimal, without a trailing ".0".
fn number(v: f64) -> String {
    let scaled = v * 10.0;
    if !scaled.is_finite() {
        // Near f64::MAX the scaling overflows; such a value has no decimals anyway.
        return format!("{v:.0}");
    }
    let rounded = scaled.round() / 10.0;
    if rounded == 0.0 {
        // Avoids printing "-0" for tiny negative values.
        "0".to_owned()
    } else if rounded.fract() == 0.0 {
        format!("{rounded:.0}")
    } else {
        format!("{rounded:.1}")
    }
}

/// Escapes XML metacharacters and drops characters XML 1.0 forbids.
fn escape(text: &str) -> String {
    let mut s = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => s.push_str("&amp;"),
            '<' => s.push_str("&lt;"),
            '>' => s.push_str("&gt;"),
            '"' => s.push_str("&quot;"),
            '\'' => s.push_str("&#39;"),
            '\t' | '\n' | '\r' => s.push(' '),
            c if c.is_control() || matches!(c, '\u{FFFE}' | '\u{FFFF}') => {}
            c => s.push(c),
        }
    }
    s
}
