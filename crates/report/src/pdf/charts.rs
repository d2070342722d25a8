//! The report's charts as vector graphics: the radar (Guidelines directives, CSF functions…), the bars by
//! category and the trend line, drawn from the series the store already computed.

use std::f32::consts::{FRAC_PI_2, TAU};

use mamori_assess::{BarSeries, Lang, Metric, RadarSeries, TrendSeries};

use super::layout::{ACCENT, Align, CONTENT_W, Doc, MARGIN_X, MUTED, Pen, RULE, Rgb, SHADE, TEXT, fit};
use crate::{charts, num, pick};

const TARGET: Rgb = Rgb(0.851, 0.510, 0.169);
const COMPARISON: Rgb = Rgb(0.357, 0.549, 0.353);
const SPOKE: Rgb = Rgb(0.73, 0.73, 0.73);
/// Heights of the radar and the trend blocks, legend and axis labels included.
pub(crate) const RADAR_HEIGHT: f32 = 310.0;
pub(crate) const TREND_HEIGHT: f32 = 190.0;

fn value(v: Option<f64>) -> Option<f32> {
    v.filter(|v| v.is_finite()).map(|v| v as f32)
}

/// The radar, centred, with one ring per maturity level (or per fifth of a percentage) and a legend.
pub(crate) fn radar(doc: &mut Doc, series: &RadarSeries, lang: Lang) {
    let (height, radius, size) = (RADAR_HEIGHT, 100.0, 8.5);
    doc.ensure(height);
    let (cx, cy) = (MARGIN_X + CONTENT_W / 2.0, doc.y + 150.0);
    let n = series.axes.len();
    let max = charts::scale_max(series.max) as f32;
    if n == 0 {
        doc.text(cx, cy, size, MUTED, Align::Middle, pick(lang, "データがありません", "No data"));
        doc.y += height;
        return;
    }
    let point = |axis: usize, fraction: f32| {
        let angle = -FRAC_PI_2 + TAU * axis as f32 / n as f32;
        (cx + radius * fraction * angle.cos(), cy + radius * fraction * angle.sin())
    };
    let polygon = |values: &[Option<f64>]| -> Vec<(f32, f32)> {
        (0..n)
            .map(|i| point(i, value(values.get(i).copied().flatten()).map_or(0.0, |v| (v / max).clamp(0.0, 1.0))))
            .collect()
    };
    let rings: Vec<f32> = if series.metric == Metric::Maturity && max.fract() == 0.0 && max <= 10.0 {
        (1..=max as u32).map(|r| r as f32).collect()
    } else {
        (1..=5).map(|k| max * k as f32 / 5.0).collect()
    };
    for ring in rings {
        let f = ring / max;
        if n >= 3 {
            let pts: Vec<_> = (0..n).map(|i| point(i, f)).collect();
            doc.path(&pts, true, None, Pen::solid(RULE, 0.6));
        } else {
            doc.circle((cx, cy), radius * f, None, Pen::solid(RULE, 0.6));
        }
        let (x, y) = point(0, f);
        doc.text(x + 2.5, y - 1.5, size * 0.8, MUTED, Align::Start, &num_short(ring));
    }
    for i in 0..n {
        doc.line((cx, cy), point(i, 1.0), Pen::solid(SPOKE, 0.5));
    }
    if let Some(c) = &series.comparison {
        doc.path(&polygon(c), true, None, Pen { colour: COMPARISON, width: 1.2, dash: &[2.0, 3.0] });
    }
    if let Some(t) = &series.target {
        doc.path(&polygon(t), true, None, Pen { colour: TARGET, width: 1.5, dash: &[6.0, 4.0] });
    }
    let values = polygon(&series.values);
    doc.path(&values, true, Some(ACCENT), Pen::solid(ACCENT, 1.6));
    for (i, p) in values.iter().enumerate() {
        if value(series.values.get(i).copied().flatten()).is_some() {
            doc.circle(*p, 2.2, Some(ACCENT), Pen::solid(ACCENT, 1.0));
        }
    }
    for (i, axis) in series.axes.iter().enumerate() {
        let (x, y) = point(i, 1.14);
        let align = if (x - cx).abs() < 4.0 {
            Align::Middle
        } else if x > cx {
            Align::Start
        } else {
            Align::End
        };
        // Labels above the centre sit one line higher, so that their value clears the outer ring.
        let lift = if y < cy { size * 1.2 * (cy - y) / (radius * 1.14) } else { 0.0 };
        let label = fit(&doc.font, axis.label(lang), size, 150.0);
        doc.text(x, y - lift, size, TEXT, align, &label);
        let v = value(series.values.get(i).copied().flatten()).map_or_else(|| "–".to_owned(), num_short);
        doc.text(x, y - lift + size * 1.2, size, MUTED, align, &v);
    }
    let mut legend = vec![(ACCENT, &[][..], pick(lang, "現状", "Current"))];
    if series.target.is_some() {
        legend.push((TARGET, &[6.0, 4.0][..], pick(lang, "目標", "Target")));
    }
    if series.comparison.is_some() {
        legend.push((COMPARISON, &[2.0, 3.0][..], pick(lang, "比較", "Comparison")));
    }
    let (mut x, y) = (MARGIN_X + 8.0, doc.y + height - 8.0);
    for (colour, dash, label) in legend {
        doc.line((x, y - 3.0), (x + 18.0, y - 3.0), Pen { colour, width: 1.6, dash });
        doc.text(x + 22.0, y, size, TEXT, Align::Start, label);
        x += 36.0 + doc.font.width(label, size);
    }
    doc.y += height;
}

/// Horizontal bars, one row per category with its label and value, breaking pages between rows.
pub(crate) fn bars(doc: &mut Doc, series: &BarSeries, lang: Lang) {
    let (row, size, label_w, bar_w) = (16.0, 8.0, 200.0, 240.0);
    let max = charts::scale_max(series.max) as f32;
    doc.y += 4.0;
    for b in &series.bars {
        doc.ensure(row);
        let x = MARGIN_X + label_w;
        let base = doc.y + 11.0;
        let label = fit(&doc.font, b.axis.label(lang), size, label_w - 8.0);
        doc.text(x - 6.0, base, size, TEXT, Align::End, &label);
        let v = value(b.value).map_or(0.0, |v| v.clamp(0.0, max));
        doc.rect(x, doc.y + 2.0, bar_w, 11.0, SHADE);
        doc.rect(x, doc.y + 2.0, bar_w * v / max, 11.0, ACCENT);
        doc.text(x + bar_w + 6.0, base, size, MUTED, Align::Start, &num(b.value));
        doc.y += row;
    }
    doc.y += 4.0;
}

/// The overall value over time, oldest first, with a grid of five lines.
pub(crate) fn trend(doc: &mut Doc, series: &TrendSeries) {
    let (height, size) = (TREND_HEIGHT, 8.0);
    let (left, right, top, bottom) = (40.0, 40.0, 16.0, 30.0);
    doc.ensure(height);
    let (x0, y0) = (MARGIN_X, doc.y);
    let (plot_w, plot_h) = (CONTENT_W - left - right, height - top - bottom);
    let max = charts::scale_max(series.max) as f32;
    for i in 0..=5 {
        let y = y0 + top + plot_h - plot_h * i as f32 / 5.0;
        doc.line((x0 + left, y), (x0 + left + plot_w, y), Pen::solid(RULE, 0.5));
        doc.text(x0 + left - 4.0, y + 3.0, size, MUTED, Align::End, &num_short(max * i as f32 / 5.0));
    }
    let pts = charts::trend_values(series);
    let n = pts.len();
    let at = |i: usize, v: f64| {
        let x = if n <= 1 { plot_w / 2.0 } else { plot_w * i as f32 / (n - 1) as f32 };
        (x0 + left + x, y0 + top + plot_h - plot_h * (v as f32).clamp(0.0, max) / max)
    };
    let line: Vec<(f32, f32)> = pts.iter().enumerate().map(|(i, (_, v))| at(i, *v)).collect();
    if n > 1 {
        doc.path(&line, false, None, Pen::solid(ACCENT, 1.6));
    }
    for (i, ((date, v), p)) in pts.iter().zip(&line).enumerate() {
        doc.circle(*p, 2.8, Some(ACCENT), Pen::solid(ACCENT, 1.0));
        // The first and last labels extend inwards, clear of the axis labels and the page edge.
        let align = match i {
            0 if n > 1 => Align::Start,
            i if i + 1 == n && n > 1 => Align::End,
            _ => Align::Middle,
        };
        doc.text(p.0, p.1 - 6.0, size, TEXT, align, &format!("{v:.1}"));
        doc.text(p.0, y0 + top + plot_h + 14.0, size, MUTED, align, date);
    }
    doc.y += height;
}

/// A chart number: at most one decimal, without a trailing ".0".
fn num_short(v: f32) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r.fract() == 0.0 { format!("{r:.0}") } else { format!("{r:.1}") }
}
