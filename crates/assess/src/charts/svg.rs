//! A hand-written SVG radar chart that PDF reports and no-JS HTML pages can embed.

use std::fmt::Write as _;

use super::{Lang, Metric, RadarSeries};

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
    let size = size.clamp(MIN_SIZE, MAX_SIZE);
    let side = f64::from(size);
    let centre = side / 2.0;
    let radius = side * 0.30;
    let font = (side / 40.0).max(9.0);
    let n = series.axes.len();
    let max = if series.max.is_finite() && series.max > 0.0 { series.max } else { 1.0 };
    let title = match (series.metric, lang) {
        (Metric::Maturity, Lang::Ja) => "成熟度レーダーチャート",
        (Metric::Maturity, Lang::En) => "Maturity radar chart",
        (Metric::CompliancePercent, Lang::Ja) => "実施率レーダーチャート (%)",
        (Metric::CompliancePercent, Lang::En) => "Implementation radar chart (%)",
    };
    let mut out = String::with_capacity(4096);
    let _ = write!(
        out,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" viewBox="0 0 {size} {size}" role="img" aria-label="{t}" font-family="{FONT}" font-size="{font:.1}"><title>{t}</title><rect width="100%" height="100%" fill="#ffffff"/>"##,
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
    for ring in rings(series.metric, max) {
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
    if let Some(comparison) = &series.comparison {
        let _ = write!(
            out,
            r#"<polygon class="comparison" points="{}" fill="none" stroke="{COMPARISON_COLOUR}" stroke-width="1.5" stroke-dasharray="2 3"/>"#,
            path(&fractions(comparison))
        );
    }
    if let Some(target) = &series.target {
        let _ = write!(
            out,
            r#"<polygon class="target" points="{}" fill="none" stroke="{TARGET_COLOUR}" stroke-width="2" stroke-dasharray="6 4"/>"#,
            path(&fractions(target))
        );
    }
    let values = fractions(&series.values);
    let _ = write!(
        out,
        r#"<polygon class="value" points="{}" fill="{VALUE_COLOUR}" fill-opacity="0.25" stroke="{VALUE_COLOUR}" stroke-width="2"/>"#,
        path(&values)
    );
    for (i, (x, y)) in values.iter().enumerate() {
        if series.values.get(i).copied().flatten().is_some_and(f64::is_finite) {
            let _ = write!(out, r#"<circle cx="{x:.1}" cy="{y:.1}" r="3" fill="{VALUE_COLOUR}"/>"#);
        }
    }
    for (i, axis) in series.axes.iter().enumerate() {
        let (x, y) = point(i, 1.0 + 0.12);
        let anchor = if (x - centre).abs() < side * 0.02 {
            "middle"
        } else if x > centre {
            "start"
        } else {
            "end"
        };
        let value =
            series.values.get(i).copied().flatten().filter(|v| v.is_finite()).map_or_else(|| "–".to_owned(), number);
        // Labels above the centre are lifted by up to one line, so that their
        // second line (the value) does not run into the outer ring.
        let lift = if y < centre { font * 1.15 * (centre - y) / (radius * 1.12) } else { 0.0 };
        let _ = write!(
            out,
            r##"<text x="{x:.1}" y="{:.1}" text-anchor="{anchor}" fill="#222222">{}<tspan x="{x:.1}" dy="{:.1}" fill="#555555">{}</tspan></text>"##,
            y - font * 0.2 - lift,
            escape(axis.label(lang)),
            font * 1.15,
            escape(&value)
        );
    }
    legend(&mut out, series, lang, side, font);
    out.push_str("</svg>");
    out
}

fn legend(out: &mut String, series: &RadarSeries, lang: Lang, side: f64, font: f64) {
    let mut entries = vec![(
        VALUE_COLOUR,
        "",
        match lang {
            Lang::Ja => "現状",
            Lang::En => "Current",
        },
    )];
    if series.target.is_some() {
        let label = match lang {
            Lang::Ja => "目標",
            Lang::En => "Target",
        };
        entries.push((TARGET_COLOUR, "6 4", label));
    }
    if series.comparison.is_some() {
        let label = match lang {
            Lang::Ja => "比較",
            Lang::En => "Comparison",
        };
        entries.push((COMPARISON_COLOUR, "2 3", label));
    }
    let y = side - font * 1.2;
    let mut x = font;
    for (colour, dash, label) in entries {
        let _ = write!(
            out,
            r#"<line x1="{x:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="{colour}" stroke-width="2" stroke-dasharray="{dash}"/><text x="{:.1}" y="{y:.1}">{}</text>"#,
            y - font * 0.35,
            x + font * 1.6,
            y - font * 0.35,
            x + font * 2.0,
            escape(label)
        );
        x += font * 7.0;
    }
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
