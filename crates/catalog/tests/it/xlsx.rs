//! The XLSX template: round trips, the instructions sheet and dropdowns, and errors located by cell.

use std::io::Read;

use mamori_catalog::*;
use rust_xlsxwriter::Workbook;

const CSV: &[u8] = include_bytes!("../fixtures/custom-template.csv");

fn custom() -> Framework {
    import(CSV, "custom-template.csv", Format::Csv).unwrap().frameworks.remove(0)
}

/// The XML of one part of the workbook.
fn part(xlsx: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).unwrap();
    let mut out = String::new();
    zip.by_name(name).unwrap().read_to_string(&mut out).unwrap();
    out
}

#[test]
fn export_then_import_is_lossless() {
    let f = custom();
    assert!(f.nodes.iter().any(|n| !n.title.ja.is_empty() && !n.text.ja.is_empty()), "the fixture has Japanese text");
    let xlsx = export(&f, ExportFormat::Xlsx, "2026-01-02T03:04:05Z").unwrap();
    assert_eq!(detect(&xlsx, "upload"), Some(Format::Xlsx));
    let got = import(&xlsx, "custom.xlsx", Format::Auto).unwrap();
    assert_eq!(got.format, Some(Format::Xlsx));
    assert_eq!(got.frameworks, [f]);
}

#[test]
fn every_builtin_framework_keeps_what_the_template_holds() {
    for fw in builtin_frameworks().unwrap() {
        let via_csv = import(&export(&fw, ExportFormat::Csv, "").unwrap(), "a.csv", Format::Csv).unwrap();
        let via_xlsx = import(&export(&fw, ExportFormat::Xlsx, "").unwrap(), "a.xlsx", Format::Xlsx).unwrap();
        assert_eq!(via_xlsx.frameworks, via_csv.frameworks, "{}", fw.id);
        assert_eq!(via_xlsx.frameworks[0].nodes.len(), fw.nodes.len(), "{}", fw.id);
    }
}

#[test]
fn the_workbook_explains_itself_and_offers_dropdowns() {
    let f = custom();
    let xlsx = export(&f, ExportFormat::Xlsx, "2026-01-02T03:04:05Z").unwrap();
    let book = part(&xlsx, "xl/workbook.xml");
    let order: Vec<usize> =
        ["README", "Framework", "Nodes"].iter().map(|s| book.find(&format!("name=\"{s}\"")).unwrap()).collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "README, Framework, Nodes in that order");
    let strings = part(&xlsx, "xl/sharedStrings.xml");
    assert!(
        strings.contains("Nodes!C7") && strings.contains("取り込みは全件か無しかです"),
        "instructions in en and ja"
    );
    let nodes = part(&xlsx, "xl/worksheets/sheet3.xml");
    for list in ["\"group,requirement,criterion\"", "\"true,false\"", "\"verified,secondary,unverified,own\""] {
        assert!(nodes.contains(list), "dropdown {list} missing");
    }
    assert!(part(&xlsx, "docProps/core.xml").contains("2026-01-02T03:04:05Z"), "the caller's date, not the clock");
    assert_eq!(xlsx, export(&f, ExportFormat::Xlsx, "2026-01-02T03:04:05Z").unwrap(), "same input, same bytes");
}

/// A workbook in the template's layout with the given node rows (after the header).
fn workbook(meta: &[(&str, &str)], rows: &[&[&str]]) -> Vec<u8> {
    let mut wb = Workbook::new();
    let m = wb.add_worksheet();
    m.set_name("Framework").unwrap();
    m.write_string(0, 0, "key").unwrap();
    m.write_string(0, 1, "value").unwrap();
    for (r, (k, v)) in meta.iter().enumerate() {
        m.write_string(r as u32 + 1, 0, *k).unwrap();
        m.write_string(r as u32 + 1, 1, *v).unwrap();
    }
    let n = wb.add_worksheet();
    n.set_name("Nodes").unwrap();
    for (c, h) in template::COLUMNS.iter().enumerate() {
        n.write_string(0, c as u16, *h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            n.write_string(r as u32 + 1, c as u16, *v).unwrap();
        }
    }
    wb.save_to_buffer().unwrap()
}

fn error(bytes: &[u8]) -> ImportError {
    import(bytes, "bad.xlsx", Format::Auto).unwrap_err()
}

#[test]
fn errors_name_the_sheet_and_the_cell() {
    let meta = [("framework_id", "acme")];
    let good: &[&str] = &["A", "", "group"];
    let ok = workbook(&meta, &[good, &["A-1", "A", "requirement", "true", "MFA", "多要素認証"]]);
    assert_eq!(import(&ok, "ok.xlsx", Format::Auto).unwrap().frameworks[0].node("A-1").unwrap().title.ja, "多要素認証");

    let e = error(&workbook(&meta, &[good, &["A-1", "A", "requirement"], &["A-2", "A", "widget"]]));
    assert_eq!(e.location, Location::Cell("Nodes!C4".into()));
    assert!(e.to_string().starts_with("bad.xlsx: Nodes!C4: field \"kind\""), "{e}");

    let e = error(&workbook(&meta, &[good, &["A-1", "Z"]]));
    assert_eq!(e.to_string().split(": ").nth(1), Some("Nodes!B3"), "{e}");
    let e = error(&workbook(&meta, &[good, &["A-1", "A", "", "maybe"]]));
    assert_eq!(e.location, Location::Cell("Nodes!D3".into()));
    let e = error(&workbook(&meta, &[good, &["A", "", "group"]]));
    assert_eq!(e.location, Location::Cell("Nodes!A3".into()), "duplicate ref_id");
    let e = error(&workbook(&meta, &[good, &["A-1", "A", "", "", "", "", "", "", "", "", "", "two"]]));
    assert_eq!(e.location, Location::Cell("Nodes!L3".into()), "weight");

    let e = error(&workbook(&[("framework_id", "acme"), ("colour", "blue")], &[good]));
    assert_eq!(e.location, Location::Cell("Framework!A3".into()));
    let e = error(&workbook(&[("name_en", "No id")], &[good]));
    assert_eq!(e.to_string(), "bad.xlsx: sheet Framework: required field \"framework_id\" is missing");
}

#[test]
fn a_file_that_is_not_the_template_is_refused_with_a_reason() {
    let mut wb = Workbook::new();
    wb.add_worksheet().set_name("Answers").unwrap();
    let e = error(&wb.save_to_buffer().unwrap());
    assert_eq!(
        e.to_string(),
        "bad.xlsx: sheet Framework: the workbook has no sheet \"Framework\"; start from the template (export --format xlsx)"
    );
    let e = import(b"PK\x03\x04 not really a zip", "bad.xlsx", Format::Auto).unwrap_err();
    assert!(matches!(e.kind, ErrorKind::Syntax(_)), "{e}");
}

#[test]
fn dates_and_numbers_typed_into_cells_are_read_as_text() {
    let mut wb = Workbook::new();
    let m = wb.add_worksheet();
    m.set_name("Framework").unwrap();
    m.write_string(1, 0, "framework_id").unwrap();
    m.write_string(1, 1, "acme").unwrap();
    m.write_string(2, 0, "published").unwrap();
    let date = rust_xlsxwriter::ExcelDateTime::from_ymd(2024, 2, 29).unwrap();
    m.write_datetime_with_format(2, 1, &date, &rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd")).unwrap();
    let n = wb.add_worksheet();
    n.set_name("Nodes").unwrap();
    for (c, h) in ["ref_id", "assessable", "weight"].iter().enumerate() {
        n.write_string(0, c as u16, *h).unwrap();
    }
    n.write_number(1, 0, 7.0).unwrap();
    n.write_boolean(1, 1, false).unwrap();
    n.write_number(1, 2, 3.0).unwrap();
    let f = import(&wb.save_to_buffer().unwrap(), "typed.xlsx", Format::Auto).unwrap().frameworks.remove(0);
    assert_eq!(f.published.as_deref(), Some("2024-02-29"));
    let node = f.node("7").unwrap();
    assert_eq!((node.assessable, node.weight), (false, Some(3)));
}
