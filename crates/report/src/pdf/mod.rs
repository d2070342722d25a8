//! PDF reports, written directly with `pdf-writer`: A4 pages with the header, the headline scores, the charts
//! as vector graphics, the prioritised gaps and the answers table. IPAexGothic is embedded as a subset of
//! the glyphs used (see [`font`]), so Japanese renders in any viewer and the text can be searched.
//!
//! The output depends only on the input: no clock, no random ids.

mod charts;
mod font;
mod layout;

use mamori_assess::Lang;
use pdf_writer::{Filter, Finish, Pdf, Rect, Ref, TextStr};

use self::font::{FONT_NAME, Font, deflate};
use self::layout::{Align, CONTENT_W, Doc, MARGIN_X, MUTED, PAGE_H, PAGE_W, TEXT, TRANSLUCENT, wrap};
use crate::{ReportError, ReportInput, html, sections};

/// Renders the report as PDF bytes.
pub fn report(input: &ReportInput<'_>, lang: Lang) -> Result<Vec<u8>, ReportError> {
    let t = sections::titles(lang);
    let mut doc = Doc::new(Font::new()?);
    doc.paragraph(MARGIN_X, CONTENT_W, 18.0, 24.0, TEXT, &input.info.title);
    doc.y += 6.0;
    let meta: Vec<(String, String)> = sections::meta(input, lang).into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
    pairs(&mut doc, &meta);
    doc.heading(t.scores, 40.0);
    pairs(&mut doc, &html::headline(input, lang));
    if let Some(r) = &input.scores.radar {
        doc.heading(t.radar, charts::RADAR_HEIGHT);
        charts::radar(&mut doc, r, lang);
    }
    if let Some(b) = input.scores.bars.as_ref().filter(|b| !b.bars.is_empty()) {
        doc.heading(t.bars, 50.0);
        charts::bars(&mut doc, b, lang);
    }
    if let Some(tr) = input.trend.filter(|tr| tr.points.iter().filter(|p| p.overall.is_some()).count() > 1) {
        doc.heading(t.trend, charts::TREND_HEIGHT);
        charts::trend(&mut doc, tr);
    }
    doc.heading(t.gaps, 30.0);
    let gaps = sections::gap_rows(input, lang);
    if gaps.is_empty() {
        doc.paragraph(MARGIN_X, CONTENT_W, 9.5, 14.0, TEXT, t.no_gaps);
    }
    for (i, g) in gaps.iter().enumerate() {
        doc.item(&format!("{}.", i + 1), &format!("{}  {} — {}", g.id, g.title, g.status), 9.0);
    }
    doc.heading(t.answers, 60.0);
    let rows: Vec<Vec<String>> = sections::answer_rows(input, lang)
        .into_iter()
        .map(|r| {
            let status = match r.maturity {
                Some(m) => format!("{} / {m}", r.status),
                None => r.status.to_owned(),
            };
            vec![r.id, r.title, status, r.inferred]
        })
        .collect();
    let status = format!("{} / {}", t.status, t.maturity);
    doc.table(&["ID", t.requirement, &status, t.inferred], &[72.0, 263.0, 90.0, CONTENT_W - 425.0], &rows, 8.0);
    let (font, pages) = doc.finish(t.generated);
    write(input, lang, font, pages)
}

/// Label/value lines in two columns (the header and the headline scores).
fn pairs(doc: &mut Doc, lines: &[(String, String)]) {
    let (size, leading, label_w) = (9.5, 14.0, 150.0);
    for (k, v) in lines {
        let labels = wrap(&doc.font, k, size, label_w - 8.0);
        let values = wrap(&doc.font, v, size, CONTENT_W - label_w);
        doc.ensure(leading * labels.len().max(values.len()) as f32);
        let top = doc.y;
        for (i, l) in labels.iter().enumerate() {
            doc.text(MARGIN_X, top + leading * (i as f32 + 1.0) - 3.5, size, MUTED, Align::Start, l);
        }
        for (i, l) in values.iter().enumerate() {
            doc.text(MARGIN_X + label_w, top + leading * (i as f32 + 1.0) - 3.5, size, TEXT, Align::Start, l);
        }
        doc.y = top + leading * labels.len().max(values.len()) as f32;
    }
}

/// Assembles the file: catalog, pages (content streams compressed), the font subset and the document info.
fn write(input: &ReportInput<'_>, lang: Lang, font: Font, pages: Vec<Vec<u8>>) -> Result<Vec<u8>, ReportError> {
    let mut next = Ref::new(1);
    let (catalog, tree, info, font_ref, gs) = (next.bump(), next.bump(), next.bump(), next.bump(), next.bump());
    let refs: Vec<(Ref, Ref)> = pages.iter().map(|_| (next.bump(), next.bump())).collect();
    let mut pdf = Pdf::new();
    pdf.catalog(catalog).pages(tree).lang(TextStr(sections::code(lang)));
    pdf.pages(tree).kids(refs.iter().map(|r| r.0)).count(refs.len() as i32);
    pdf.ext_graphics(gs).non_stroking_alpha(0.25);
    for ((page, content), bytes) in refs.iter().zip(&pages) {
        let mut p = pdf.page(*page);
        p.parent(tree).media_box(Rect::new(0.0, 0.0, PAGE_W, PAGE_H)).contents(*content);
        let mut res = p.resources();
        res.fonts().pair(FONT_NAME, font_ref);
        res.ext_g_states().pair(TRANSLUCENT, gs);
        res.finish();
        p.finish();
        pdf.stream(*content, &deflate(bytes)).filter(Filter::FlateDecode);
    }
    font.write(&mut pdf, font_ref, &mut next)?;
    pdf.document_info(info)
        .title(TextStr(&input.info.title))
        .author(TextStr(input.org_name))
        .creator(TextStr("mamori"))
        .producer(TextStr("mamori (pdf-writer)"));
    Ok(pdf.finish())
}
