//! The printable HTML report and the headline lines shared with the PDF.

use std::fmt::Write as _;

use mamori_assess::{Lang, SecurityActionBand, radar_svg};
use mamori_store::assess::SchemeScores;

use crate::{ReportInput, charts, num, pick, status_label};

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
            for d in &g.directives {
                out.push((
                    format!("{}{}", pick(lang, "指示", "Directive "), d.directive),
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
    let info = input.info;
    let l = lang;
    let mut o = String::with_capacity(64 * 1024);
    let fw_name = input.plan.framework.name.get(if l == Lang::Ja { "ja" } else { "en" });
    let _ = write!(
        o,
        r#"<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title><link rel="stylesheet" href="/static/report.css"></head><body class="report"><h1>{title}</h1><dl class="meta"><dt>{org_l}</dt><dd>{org}</dd><dt>{fw_l}</dt><dd>{fw} ({ver})</dd><dt>{scope_l}</dt><dd>{scope}</dd><dt>{state_l}</dt><dd>{state}</dd><dt>{date_l}</dt><dd>{date}</dd><dt>{prog_l}</dt><dd>{ans}/{tot}</dd></dl>"#,
        lang = pick(l, "ja", "en"),
        title = esc(&info.title),
        org_l = pick(l, "組織", "Organization"),
        org = esc(input.org_name),
        fw_l = pick(l, "フレームワーク", "Framework"),
        fw = esc(fw_name),
        ver = esc(&info.framework_version),
        scope_l = pick(l, "範囲", "Scope"),
        scope = esc(&format!("{} / {}", info.scope_kind, info.scope_name)),
        state_l = pick(l, "状態", "State"),
        state = info.state.code(),
        date_l = pick(l, "評価日", "Assessed on"),
        date = esc(&info.assessed_on),
        prog_l = pick(l, "回答数", "Answered"),
        ans = info.answered,
        tot = info.total,
    );
    let _ = write!(o, "<h2>{}</h2><table class=\"scores\"><tbody>", pick(l, "スコア", "Scores"));
    for (k, v) in headline(input, l) {
        let _ = write!(o, "<tr><th scope=\"row\">{}</th><td>{}</td></tr>", esc(&k), esc(&v));
    }
    o.push_str("</tbody></table>");
    if let Some(r) = &input.scores.radar {
        let _ = write!(
            o,
            "<h2>{}</h2><figure>{}</figure>",
            pick(l, "レーダーチャート", "Radar chart"),
            radar_svg(r, 520, l)
        );
    }
    if let Some(b) = &input.scores.bars {
        let _ =
            write!(o, "<h2>{}</h2><figure>{}</figure>", pick(l, "カテゴリ別", "By category"), charts::bars_svg(b, l));
    }
    if let Some(t) = input.trend.filter(|t| !t.points.is_empty()) {
        let _ = write!(o, "<h2>{}</h2><figure>{}</figure>", pick(l, "推移", "Trend"), charts::trend_svg(t, l));
    }
    let _ = write!(o, "<h2>{}</h2>", pick(l, "優先順位付きギャップ（ロードマップ）", "Prioritised gaps (roadmap)"));
    if input.scores.gaps.is_empty() {
        let _ = write!(o, "<p>{}</p>", pick(l, "ギャップはありません。", "No gaps."));
    } else {
        let _ = write!(o, "<ol class=\"gaps\">");
        for g in input.scores.gaps.iter().take(50) {
            let title = input
                .plan
                .item(&g.requirement)
                .map(|i| i.node.title.get(pick(l, "ja", "en")).to_owned())
                .unwrap_or_default();
            let _ = write!(
                o,
                "<li><strong>{}</strong> {} — {}</li>",
                esc(&g.requirement),
                esc(&title),
                status_label(l, g.current_status.as_deref().unwrap_or(""))
            );
        }
        o.push_str("</ol>");
    }
    let _ = write!(
        o,
        "<h2>{}</h2><table class=\"answers\"><thead><tr><th>ID</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
        pick(l, "回答一覧", "Answers"),
        pick(l, "要求事項", "Requirement"),
        pick(l, "実施状況", "Status"),
        pick(l, "成熟度", "Maturity"),
        pick(l, "推論元", "Inferred from"),
    );
    for item in &input.plan.items {
        let a = input.answers.get(&item.req.id);
        let inferred = a.and_then(|a| a.inferred.as_ref()).map(|i| {
            let from: Vec<_> = i.provenance.from.iter().map(|s| s.source.as_str()).collect();
            format!("{} {}", i.source_framework, from.join(", "))
        });
        let _ = write!(
            o,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&item.req.id),
            esc(item.node.title.get(pick(l, "ja", "en"))),
            status_label(l, a.map(|a| a.view.status.code()).unwrap_or("")),
            a.and_then(|a| a.view.maturity).map(|m| m.to_string()).unwrap_or_default(),
            esc(&inferred.unwrap_or_default()),
        );
    }
    o.push_str("</tbody></table></body></html>");
    o
}
