//! Server-rendered SVG bar and trend charts (no script, no style attributes, so they pass the CSP and embed in PDFs).

use std::fmt::Write as _;

use mamori_assess::{BarSeries, Lang, TrendSeries};

const FONT: &str = "'IPAexGothic','Noto Sans CJK JP',sans-serif";

fn esc(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_control())
        .map(|c| match c {
            '<' => "&lt;".to_owned(),
            '>' => "&gt;".to_owned(),
            '&' => "&amp;".to_owned(),
            '"' => "&quot;".to_owned(),
            '\'' => "&#39;".to_owned(),
            c => c.to_string(),
        })
        .collect()
}

/// The top of a chart's scale: `max`, or 1 when it is not a positive number.
pub(crate) fn scale_max(max: f64) -> f64 {
    if max.is_finite() && max > 0.0 { max } else { 1.0 }
}

/// The points of a trend that have an overall value, as (date, value), oldest first.
pub(crate) fn trend_values(series: &TrendSeries) -> Vec<(String, f64)> {
    series.points.iter().filter_map(|p| p.overall.map(|v| (p.date.to_string(), v))).collect()
}

/// Horizontal bars, one per category, with the value at the end of each bar.
pub fn bars_svg(series: &BarSeries, lang: Lang) -> String {
    let row = 22.0;
    let label_w = 260.0;
    let bar_w = 300.0;
    let height = 20.0 + row * series.bars.len() as f64;
    let width = label_w + bar_w + 70.0;
    let max = scale_max(series.max);
    let mut out = String::new();
    let title = match lang {
        Lang::Ja => "カテゴリ別棒グラフ",
        Lang::En => "Bar chart by category",
    };
    let _ = write!(
        out,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" aria-label="{title}" font-family="{FONT}" font-size="12"><title>{title}</title><rect width="100%" height="100%" fill="#ffffff"/>"##
    );
    for (i, b) in series.bars.iter().enumerate() {
        let y = 10.0 + row * i as f64;
        let v = b.value.unwrap_or(0.0).clamp(0.0, max);
        let w = bar_w * v / max;
        let mut label: String = b.axis.label(lang).chars().take(34).collect();
        if b.axis.label(lang).chars().count() > 34 {
            label.push('…');
        }
        let text = b.value.map_or_else(|| "–".to_owned(), |v| format!("{v:.1}"));
        let _ = write!(
            out,
            r##"<text x="{x}" y="{ty}" text-anchor="end">{l}</text><rect x="{bx}" y="{y}" width="{bar_w}" height="14" fill="#eef2f6"/><rect x="{bx}" y="{y}" width="{w:.1}" height="14" fill="#1f6fb2"/><text x="{vx}" y="{ty}">{text}</text>"##,
            x = label_w - 6.0,
            ty = y + 11.0,
            l = esc(&label),
            bx = label_w,
            vx = label_w + bar_w + 6.0,
        );
    }
    out.push_str("</svg>");
    out
}

/// A line of the overall value over time, oldest first.
pub fn trend_svg(series: &TrendSeries, lang: Lang) -> String {
    let (width, height) = (560.0, 240.0);
    let (left, right, top, bottom) = (44.0, 48.0, 20.0, 40.0);
    let max = scale_max(series.max);
    let title = match lang {
        Lang::Ja => "推移",
        Lang::En => "Trend",
    };
    let mut out = String::new();
    let _ = write!(
        out,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" aria-label="{title}" font-family="{FONT}" font-size="11"><title>{title}</title><rect width="100%" height="100%" fill="#ffffff"/>"##
    );
    let plot_w = width - left - right;
    let plot_h = height - top - bottom;
    for i in 0..=4 {
        let v = max * f64::from(i) / 4.0;
        let y = top + plot_h - plot_h * f64::from(i) / 4.0;
        let _ = write!(
            out,
            r##"<line x1="{left}" y1="{y:.1}" x2="{x2}" y2="{y:.1}" stroke="#dde3ea"/><text x="{tx}" y="{ty:.1}" text-anchor="end">{v:.1}</text>"##,
            x2 = width - right,
            tx = left - 4.0,
            ty = y + 4.0
        );
    }
    let pts = trend_values(series);
    let n = pts.len();
    let x_of = |i: usize| if n <= 1 { left + plot_w / 2.0 } else { left + plot_w * i as f64 / (n - 1) as f64 };
    let y_of = |v: f64| top + plot_h - plot_h * v.clamp(0.0, max) / max;
    let line: Vec<String> =
        pts.iter().enumerate().map(|(i, (_, v))| format!("{:.1},{:.1}", x_of(i), y_of(*v))).collect();
    if n > 1 {
        let _ =
            write!(out, r##"<polyline points="{}" fill="none" stroke="#1f6fb2" stroke-width="2"/>"##, line.join(" "));
    }
    for (i, (date, v)) in pts.iter().enumerate() {
        let _ = write!(
            out,
            r##"<circle cx="{x:.1}" cy="{y:.1}" r="4" fill="#1f6fb2"/><text x="{x:.1}" y="{ly:.1}" text-anchor="middle">{v:.1}</text><text x="{x:.1}" y="{dy}" text-anchor="middle">{d}</text>"##,
            x = x_of(i),
            y = y_of(*v),
            ly = y_of(*v) - 8.0,
            dy = height - bottom + 16.0,
            d = date,
        );
    }
    out.push_str("</svg>");
    out
}
