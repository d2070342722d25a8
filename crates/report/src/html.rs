//! The printable HTML report and the headline lines shared with the PDF.

use std::fmt::Write as _;

use mamori_assess::{Lang, SecurityActionBand, radar_svg};
use mamori_store::assess::SchemeScores;

use crate::{ReportInput, charts, num, pick, sections};

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Band label of a SECURITY ACTION total.
pub fn band_label(lang: Lang, band: SecurityActionBand) -> &'static str {
    match band {
        SecurityActionBand::Full => pick(lang, "100点（満点）", "100 (full marks)"),
        SecurityActionBand::From70To99 => pick(lang, "70〜99点", "70–99"),
        SecurityActionBand::From50To69 => pick(lang, "50〜69点", "50–69"),
        SecurityActionBand::Below50 => pick(lang, "50点未満", "below 50"),
    }
}

/// The exact headline scores as (label, value) lines.
pub fn headline(input: &ReportInput<'_>, lang: Lang) -> Vec<(String, String)> {
    let s = input.scores;
    let mut out = Vec::new();
    match &s.scheme {
        SchemeScores::SecurityAction { self_check, star1_implemented, star1_total } => {
            out.push((
                pick(lang, "★一つ星 5か条", "★1 five rules").into(),
                format!("{star1_implemented}/{star1_total}"),
            ));
            match self_check {
                Some(sc) => {
                    out.push((
                        pick(lang, "自社診断 合計", "Self-check total").into(),
                        format!("{}/{}", sc.total, sc.max),
                    ));
                    out.push((pick(lang, "区分", "Band").into(), band_label(lang, sc.band).into()));
                    for sec in &sc.sections {
                        let label = match lang {
                            Lang::Ja => sec.section.title_ja(),
                            Lang::En => sec.section.title_en(),
                        };
                        out.push((label.into(), format!("{}/{}", sec.total, sec.max)));
                    }
                }
                None => out.push((
                    pick(lang, "自社診断 合計", "Self-check total").into(),
                    pick(lang, "25項目すべてに回答すると算出されます", "shown once all 25 items are answered").into(),
                )),
            }
        }
        SchemeScores::Scs(r) => {
            let verdict = |met: bool| if met { pick(lang, "達成", "met") } else { pick(lang, "未達", "not met") };
            out.push((
                pick(lang, "★3 判定", "★3 verdict").into(),
                format!("{} ({}/{})", verdict(r.star3.met), r.star3.criteria_met, r.star3.criteria_total),
            ));
            out.push((
                pick(lang, "★4 準備状況（自己評価）", "★4 readiness (self-assessed)").into(),
                format!("{} ({}/{})", verdict(r.star4.met), r.star4.criteria_met, r.star4.criteria_total),
            ));
            out.push((pick(lang, "★4 までのギャップ", "Gap to ★4").into(), format!("{}", r.gap_to_star4.len())));
        }
        SchemeScores::Guidelines(g) => {
            out.push((
                pick(lang, "全体平均成熟度", "Overall mean maturity").into(),
                format!("{} / {}", num(g.overall), g.scale.max()),
            ));
            let code = pick(lang, "ja", "en");
            for d in &g.directives {
                // The directive's own title from the catalog (node `指示n`), after its number.
                let id = format!("指示{}", d.directive);
                let title = input.plan.framework.nodes.iter().find(|n| n.ref_id == id).map(|n| n.title.get(code));
                out.push((
                    match title {
                        Some(t) => format!("{}{} {t}", pick(lang, "指示", "Directive "), d.directive),
                        None => format!("{}{}", pick(lang, "指示", "Directive "), d.directive),
                    },
                    format!("{} ({}/{})", num(d.mean), d.answered, d.questions),
                ));
            }
        }
        SchemeScores::Csf(c) => {
            out.push((
                pick(lang, "全体 実施率", "Overall implementation").into(),
                format!("{}%", num(c.overall.compliance_percent())),
            ));
            for f in &c.functions {
                out.push((
                    mamori_assess::csf_function_axis(f.id()).label(lang).to_owned(),
                    format!("{}%", num(f.compliance_percent())),
                ));
            }
        }
        SchemeScores::Generic => {
            out.push((
                pick(lang, "全体 実施率", "Overall implementation").into(),
                format!("{}%", num(s.rollup.overall.compliance_percent())),
            ));
        }
    }
    out
}

/// A complete, printable HTML document (styles from `/static/report.css`, no script).
pub fn report(input: &ReportInput<'_>, lang: Lang) -> String {
    let l = lang;
    let t = sections::titles(l);
    let mut o = String::with_capacity(64 * 1024);
    let _ = write!(
        o,
        r#"<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title><link rel="stylesheet" href="/static/report.css"></head><body class="report"><h1>{title}</h1><dl class="meta">"#,
        lang = sections::code(l),
        title = esc(&input.info.title),
    );
    for (k, v) in sections::meta(input, l) {
        let _ = write!(o, "<dt>{k}</dt><dd>{}</dd>", esc(&v));
    }
    let _ = write!(o, "</dl><h2>{}</h2><table class=\"scores\"><tbody>", t.scores);
    for (k, v) in headline(input, l) {
        let _ = write!(o, "<tr><th scope=\"row\">{}</th><td>{}</td></tr>", esc(&k), esc(&v));
    }
    o.push_str("</tbody></table>");
    if let Some(r) = &input.scores.radar {
        let _ = write!(o, "<h2>{}</h2><figure>{}</figure>", t.radar, radar_svg(r, 520, l));
    }
    if let Some(b) = &input.scores.bars {
        let _ = write!(o, "<h2>{}</h2><figure>{}</figure>", t.bars, charts::bars_svg(b, l));
    }
    if let Some(tr) = input.trend.filter(|tr| !tr.points.is_empty()) {
        let _ = write!(o, "<h2>{}</h2><figure>{}</figure>", t.trend, charts::trend_svg(tr, l));
    }
    let _ = write!(o, "<h2>{}</h2>", t.gaps);
    let gaps = sections::gap_rows(input, l);
    if gaps.is_empty() {
        let _ = write!(o, "<p>{}</p>", t.no_gaps);
    } else {
        o.push_str("<ol class=\"gaps\">");
        for g in gaps {
            let _ = write!(o, "<li><strong>{}</strong> {} — {}</li>", esc(&g.id), esc(&g.title), g.status);
        }
        o.push_str("</ol>");
    }
    let _ = write!(
        o,
        "<h2>{}</h2><table class=\"answers\"><thead><tr><th>ID</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
        t.answers, t.requirement, t.status, t.maturity, t.inferred,
    );
    for r in sections::answer_rows(input, l) {
        let _ = write!(
            o,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&r.id),
            esc(&r.title),
            r.status,
            r.maturity.map(|m| m.to_string()).unwrap_or_default(),
            esc(&r.inferred),
        );
    }
    o.push_str("</tbody></table></body></html>");
    o
}
