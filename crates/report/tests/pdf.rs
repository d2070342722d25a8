//! PDF reports for built-in frameworks: structure, size, determinism, and (when poppler-utils is installed)
//! text extraction with `pdftotext` and rendering with `pdftoppm`.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use mamori_assess::{AnswerView, AssessmentState, ImplementationStatus, Lang, TrendPoint, trend_series};
use mamori_catalog::builtin;
use mamori_report::{ReportInput, pdf};
use mamori_store::assess::{AnswerRecord, AssessmentInfo, Plan, compute_scores, frameworks, plan};

fn plan_of(id: &str) -> std::sync::Arc<Plan> {
    let fw = frameworks().into_iter().find(|f| f.id == id).expect("built-in framework");
    plan(&fw.id, &fw.version).expect("plan")
}

/// Answers every requirement, cycling through the statuses (and maturity levels where the framework has them).
fn answers(p: &Plan) -> BTreeMap<String, AnswerRecord> {
    let statuses = [
        ImplementationStatus::Implemented,
        ImplementationStatus::Partial,
        ImplementationStatus::Planned,
        ImplementationStatus::NotImplemented,
    ];
    p.items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let mut view = AnswerView::new(statuses[i % 4].clone());
            if p.has_maturity {
                view.maturity = Some(p.scale.min() + (i % usize::from(p.scale.max() - p.scale.min() + 1)) as u8);
            }
            let record = AnswerRecord {
                requirement_id: item.req.id.clone(),
                view,
                notes: None,
                owner: None,
                due_date: None,
                inferred: None,
                updated_by: "u1".into(),
                updated_at: 0,
            };
            (item.req.id.clone(), record)
        })
        .collect()
}

fn info(p: &Plan, title: &str, answered: usize) -> AssessmentInfo {
    AssessmentInfo {
        id: "a1".into(),
        org_id: "o1".into(),
        framework_id: p.framework.id.clone(),
        framework_version: p.framework.version.clone(),
        title: title.into(),
        scope_kind: "company".into(),
        scope_name: "本社".into(),
        state: AssessmentState::Draft,
        created_by: "u1".into(),
        created_by_label: "u1".into(),
        assessed_on: "2026-03-31".into(),
        created_at: 0,
        updated_at: 0,
        approved_by: None,
        approved_at: None,
        answered,
        total: p.items.len(),
    }
}

/// A PDF for every requirement of framework `id` answered, with a three-point trend.
fn render(id: &str, title: &str, lang: Lang) -> (Vec<u8>, std::sync::Arc<Plan>) {
    let p = plan_of(id);
    let answers = answers(&p);
    let views = answers.iter().map(|(k, a)| (k.clone(), a.view.clone())).collect();
    let scores = compute_scores(&p, &views).expect("scores");
    let point = |n: usize, date: time::Date, v: f64| TrendPoint {
        assessment_id: format!("a{n}"),
        date,
        overall: Some(v),
        by_axis: BTreeMap::new(),
    };
    let trend = trend_series(
        [
            point(1, march_31(2024), 1.5),
            point(2, march_31(2025), 2.1),
            point(3, march_31(2026), scores.overall.unwrap_or(2.5)),
        ],
        scores.metric,
        &p.scale,
    );
    let info = info(&p, title, answers.len());
    let input = ReportInput {
        info: &info,
        org_name: "さくら自動車株式会社",
        plan: &p,
        answers: &answers,
        evidence: &[],
        scores: &scores,
        trend: Some(&trend),
    };
    let bytes = pdf::report(&input, lang).expect("pdf");
    assert_eq!(bytes, pdf::report(&input, lang).expect("pdf"), "the same input gives the same bytes");
    (bytes, p)
}

fn march_31(year: i32) -> time::Date {
    time::Date::from_calendar_date(year, time::Month::March, 31).expect("a date")
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle.as_bytes())
}

fn count(haystack: &[u8], needle: &str) -> usize {
    haystack.windows(needle.len()).filter(|w| *w == needle.as_bytes()).count()
}

const JA_TITLE: &str = "2025年度 サイバーセキュリティ経営自己評価";

#[test]
fn a_japanese_report_embeds_a_small_font_subset_with_a_unicode_map_and_breaks_pages() {
    let (bytes, _) = render(builtin::GUIDELINES_3_0, JA_TITLE, Lang::Ja);
    assert!(bytes.starts_with(b"%PDF-"));
    for key in ["/Type0", "/CIDFontType2", "/Identity-H", "/FontFile2", "/ToUnicode", "/W ["] {
        assert!(contains(&bytes, key), "missing {key}");
    }
    let pages = count(&bytes, "/Type /Page") - count(&bytes, "/Type /Pages");
    assert!(pages >= 2, "a long answer list runs over pages: {pages}");
    // The whole font is 6 MB; the subset of a few hundred glyphs is a small fraction.
    assert!(bytes.len() < 600_000, "{} bytes", bytes.len());
    let (en, _) = render(builtin::CSF_2_0, "FY2025 self-assessment", Lang::En);
    let en_pages = count(&en, "/Type /Page") - count(&en, "/Type /Pages");
    assert!(en_pages >= 4, "106 CSF subcategories run over several pages: {en_pages}");
    assert!(en.len() < 300_000, "{} bytes", en.len());
}

fn tool(name: &str) -> bool {
    let found = Command::new(name).arg("-v").output().is_ok();
    if !found {
        println!("skipped: {name} is not on PATH (install poppler-utils to run this check)");
    }
    found
}

fn extract(pdf_path: &Path) -> String {
    let out = Command::new("pdftotext").arg("-enc").arg("UTF-8").arg(pdf_path).arg("-").output().expect("pdftotext");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("utf-8")
}

#[test]
fn pdftotext_gets_the_japanese_and_english_text_back() {
    if !tool("pdftotext") {
        return;
    }
    let dir = tempdir("text");
    let (ja, p) = render(builtin::GUIDELINES_3_0, JA_TITLE, Lang::Ja);
    let text = extract(&saved(&dir, "ja.pdf", &ja));
    let first: String = p.items[0].node.title.get("ja").chars().take(8).collect();
    for s in [JA_TITLE, "回答一覧", "優先順位付きギャップ", "さくら自動車株式会社", "指示1", first.as_str()]
    {
        assert!(text.contains(s), "{s:?} not in the extracted text:\n{text}");
    }
    let pages = count(&ja, "/Type /Page") - count(&ja, "/Type /Pages");
    let numbers = text.replace(' ', "");
    assert!(numbers.contains(&format!("1/{pages}")) && numbers.contains(&format!("{pages}/{pages}")), "page numbers");
    let (en, p) = render(builtin::CSF_2_0, "FY2025 self-assessment", Lang::En);
    let text = extract(&saved(&dir, "en.pdf", &en));
    let first: String = p.items[0].node.title.get("en").split(' ').take(3).collect::<Vec<_>>().join(" ");
    for s in ["FY2025 self-assessment", "Answers", "Prioritised gaps", "Generated by mamori", first.as_str()] {
        assert!(text.contains(s), "{s:?} not in the extracted text:\n{text}");
    }
    if let Ok(keep) = std::env::var("MAMORI_KEEP_PDF") {
        std::fs::write(Path::new(&keep).join("report-ja.pdf"), &ja).unwrap();
        std::fs::write(Path::new(&keep).join("report-en.pdf"), &en).unwrap();
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn pdftoppm_renders_the_first_page_with_ink_on_it() {
    if !tool("pdftoppm") {
        return;
    }
    let dir = tempdir("render");
    let (ja, _) = render(builtin::GUIDELINES_3_0, JA_TITLE, Lang::Ja);
    let path = saved(&dir, "ja.pdf", &ja);
    let prefix = dir.join("page");
    let out =
        Command::new("pdftoppm").args(["-r", "50", "-f", "1", "-l", "1"]).arg(&path).arg(&prefix).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let ppm = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "ppm"))
        .expect("a PPM page");
    let data = std::fs::read(ppm).unwrap();
    let (width, height, pixels) = parse_ppm(&data);
    assert!(width > 200 && height > 300, "{width}x{height}");
    let inked = pixels.chunks(3).filter(|p| p.iter().any(|c| *c < 200)).count();
    let share = inked as f64 / (width * height) as f64;
    assert!(share > 0.01, "page 1 is (nearly) blank: {share:.4} of the pixels inked");
    let blue = pixels.chunks(3).filter(|p| p[2] > 150 && p[0] < 100).count();
    assert!(blue > 50, "the chart's blue is on page 1: {blue} pixels");
    let _ = std::fs::remove_dir_all(dir);
}

/// Reads a binary PPM (P6, 8 bits): width, height and the RGB bytes.
fn parse_ppm(data: &[u8]) -> (usize, usize, &[u8]) {
    let mut fields = Vec::new();
    let mut i = 0;
    while fields.len() < 4 {
        while data[i].is_ascii_whitespace() {
            i += 1;
        }
        let start = i;
        while !data[i].is_ascii_whitespace() {
            i += 1;
        }
        fields.push(std::str::from_utf8(&data[start..i]).unwrap().to_owned());
    }
    assert_eq!(fields[0], "P6");
    let (w, h): (usize, usize) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
    (w, h, &data[i + 1..i + 1 + w * h * 3])
}

fn tempdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mamori-pdf-test-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn saved(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}
