//! The generic template as an XLSX workbook: a `README` sheet with instructions in Japanese and
//! English, a `Framework` sheet of `key | value` rows (the CSV's `#key=value` lines) and a `Nodes`
//! sheet with the CSV's columns and dropdowns for `kind`, `assessable` and `verification`.
//! The rules are those of [`crate::template`]; errors name the sheet and cell, e.g. `Nodes!C7`.
//! Everything happens in memory.

use std::collections::HashMap;
use std::io::Cursor;
use std::rc::Rc;

use calamine::{Data, Range, Reader, Xlsx, open_workbook_from_rs};
use rust_xlsxwriter::{DataValidation, DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

use crate::error::{ErrorKind, ExportError, ImportError, Location};
use crate::model::Framework;
use crate::template::{self, BOOLEANS, COLUMNS, KINDS, META_KEYS, MetaEntry, Row, RowAt, VERIFICATIONS};

/// The instructions sheet (ignored on import).
pub const README_SHEET: &str = "README";
/// The metadata sheet: `key | value` rows under a header row.
pub const FRAMEWORK_SHEET: &str = "Framework";
/// The node sheet: one row per node under a header row of [`COLUMNS`].
pub const NODES_SHEET: &str = "Nodes";
/// Rows below the last node that still offer the dropdowns, for rows added by hand.
const SPARE_ROWS: u32 = 1000;

/// Whether the bytes look like an XLSX file (a ZIP archive).
pub fn looks_like_xlsx(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
}

const README: &[(&str, &str)] = &[
    ("mamori framework template", "mamori フレームワーク テンプレート"),
    (
        "Fill in the Framework sheet (one key per row) and the Nodes sheet (one row per node), then import the file with `mamori catalog import FILE.xlsx` or on the framework list page.",
        "Framework シート（1 行に 1 項目）と Nodes シート（1 行に 1 ノード）を記入し、`mamori catalog import ファイル.xlsx` またはフレームワーク一覧画面から取り込んでください。",
    ),
    (
        "Framework: framework_id is required (lowercase letters, digits, '.', '_', '-'); name_en, name_ja, publisher, version, published (YYYY-MM-DD), licence_note, source_title and source_url are optional.",
        "Framework: framework_id は必須です（英小文字・数字・「.」「_」「-」）。name_en, name_ja, publisher, version, published（YYYY-MM-DD）, licence_note, source_title, source_url は任意です。",
    ),
    (
        "Nodes: ref_id is required and unique; parent names the ref_id of a node on an earlier row (empty for top-level nodes).",
        "Nodes: ref_id は必須で重複できません。parent には前の行にあるノードの ref_id を書きます（最上位は空欄）。",
    ),
    (
        "kind: group, requirement (default) or criterion. assessable: true or false (default: true unless the kind is group). verification: verified, secondary, unverified (default) or own. Dropdowns offer these values.",
        "kind: group, requirement（既定）, criterion のいずれか。assessable: true または false（既定は group 以外 true）。verification: verified, secondary, unverified（既定）, own のいずれか。ドロップダウンから選べます。",
    ),
    (
        "title_en, title_ja, text_en, text_ja: the node's title and text in English and Japanese.",
        "title_en, title_ja, text_en, text_ja: ノードの見出しと本文（英語・日本語）。",
    ),
    (
        "tags: ';'-separated typed tags such as csf_function:PR, cpsf_layer:2, scs_level:star3, free:anything. scale: the id of an answer scale. weight: a whole number. note: free text.",
        "tags: 「;」区切りの型付きタグ（例: csf_function:PR, cpsf_layer:2, scs_level:star3, free:任意）。scale: 回答尺度の ID。weight: 整数。note: 自由記述。",
    ),
    (
        "The import is all or nothing: an error names the sheet and cell (e.g. Nodes!C7) and nothing is stored.",
        "取り込みは全件か無しかです。誤りはシートとセル（例: Nodes!C7）で示され、何も保存されません。",
    ),
    (
        "The same layout exists as CSV (export --format csv). Answer scales, level descriptors and provenance beyond the first source are not part of the template.",
        "同じ形式の CSV もあります（export --format csv）。回答尺度、レベル記述、2 件目以降の出典はテンプレートに含まれません。",
    ),
];

fn xerr(e: XlsxError) -> ExportError {
    ExportError::Serialize(e.to_string())
}

fn dropdown(values: &[&str]) -> Result<DataValidation, ExportError> {
    DataValidation::new().allow_list_strings(values).map_err(xerr)
}

/// `last_modified` (RFC 3339) becomes the document's creation date, so the same framework and
/// timestamp give the same bytes.
fn properties(last_modified: &str) -> Result<DocProperties, ExportError> {
    let stamp = last_modified.get(..19).and_then(|s| ExcelDateTime::parse_from_str(s).ok());
    let stamp = match stamp {
        Some(s) => s,
        None => ExcelDateTime::from_ymd(2000, 1, 1).map_err(xerr)?,
    };
    Ok(DocProperties::new().set_creation_datetime(&stamp))
}

fn header(ws: &mut Worksheet, names: &[&str], bold: &Format) -> Result<(), ExportError> {
    for (c, h) in names.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, bold).map_err(xerr)?;
    }
    ws.set_freeze_panes(1, 0).map_err(xerr)?;
    Ok(())
}

/// Writes a framework as the XLSX template.
pub fn export_xlsx(fw: &Framework, last_modified: &str) -> Result<Vec<u8>, ExportError> {
    let mut wb = Workbook::new();
    wb.set_properties(&properties(last_modified)?);
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap();

    let readme = wb.add_worksheet();
    readme.set_name(README_SHEET).map_err(xerr)?;
    header(readme, &["English", "日本語"], &bold)?;
    for (r, (en, ja)) in README.iter().enumerate() {
        readme.write_string_with_format(r as u32 + 1, 0, *en, &wrap).map_err(xerr)?;
        readme.write_string_with_format(r as u32 + 1, 1, *ja, &wrap).map_err(xerr)?;
    }
    readme.set_column_width(0, 80).map_err(xerr)?;
    readme.set_column_width(1, 80).map_err(xerr)?;

    let meta = wb.add_worksheet();
    meta.set_name(FRAMEWORK_SHEET).map_err(xerr)?;
    header(meta, &["key", "value"], &bold)?;
    let values: HashMap<&str, String> = template::meta_of(fw).into_iter().collect();
    for (r, key) in META_KEYS.iter().enumerate() {
        meta.write_string(r as u32 + 1, 0, *key).map_err(xerr)?;
        if let Some(v) = values.get(key) {
            meta.write_string(r as u32 + 1, 1, v).map_err(xerr)?;
        }
    }
    meta.set_column_width(0, 16).map_err(xerr)?;
    meta.set_column_width(1, 60).map_err(xerr)?;

    let nodes = wb.add_worksheet();
    nodes.set_name(NODES_SHEET).map_err(xerr)?;
    header(nodes, COLUMNS, &bold)?;
    for (i, n) in fw.nodes.iter().enumerate() {
        for (c, v) in template::record_of(n).iter().enumerate() {
            if !v.is_empty() {
                nodes.write_string(i as u32 + 1, c as u16, v).map_err(xerr)?;
            }
        }
    }
    let last = fw.nodes.len() as u32 + SPARE_ROWS;
    for (column, values) in [("kind", KINDS), ("assessable", BOOLEANS), ("verification", VERIFICATIONS)] {
        let c = COLUMNS.iter().position(|h| *h == column).unwrap_or_default() as u16;
        nodes.add_data_validation(1, c, last, c, &dropdown(values)?).map_err(xerr)?;
    }
    for (c, w) in [(0u16, 14.0), (1, 14.0), (2, 12.0), (3, 11.0), (4, 40.0), (5, 40.0), (6, 60.0), (7, 60.0), (8, 24.0)]
    {
        nodes.set_column_width(c, w).map_err(xerr)?;
    }
    wb.save_to_buffer().map_err(xerr)
}

/// A cell as text: strings trimmed, whole numbers without a decimal point, dates as YYYY-MM-DD.
fn text(cell: &Data) -> String {
    match cell {
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.trim().to_owned(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => serial_date(d.as_f64()),
        Data::Error(_) | Data::Empty => String::new(),
    }
}

/// A spreadsheet serial date (days since 1899-12-30) as an ISO 8601 date.
fn serial_date(serial: f64) -> String {
    // Days from 1970-01-01, then the civil-from-days algorithm (proleptic Gregorian).
    let z = serial.floor() as i64 - 25569 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

fn whole(sheet: &str) -> Location {
    Location::cell(sheet, "")
}

/// The sheet's rows with their 1-based row numbers, and the 0-based column of the first cell.
fn rows_of(range: &Range<Data>) -> (u32, u32, Vec<Vec<String>>) {
    let (top, left) = range.start().unwrap_or((0, 0));
    (top + 1, left, range.rows().map(|r| r.iter().map(text).collect()).collect())
}

/// Reads a workbook written in the XLSX template.
pub fn import_xlsx(bytes: &[u8]) -> Result<Framework, ImportError> {
    let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes))
        .map_err(|e| ImportError::new(Location::None, ErrorKind::Syntax(format!("not a readable .xlsx file: {e}"))))?;
    let mut sheet = |name: &str| {
        wb.worksheet_range(name).map_err(|_| ImportError::new(whole(name), ErrorKind::MissingSheet(name.into())))
    };
    let framework = sheet(FRAMEWORK_SHEET)?;
    let nodes = sheet(NODES_SHEET)?;

    let (top, left, grid) = rows_of(&framework);
    let mut meta = Vec::new();
    for (i, r) in grid.iter().enumerate() {
        let row = top + i as u32;
        let key = r.first().cloned().unwrap_or_default().to_ascii_lowercase();
        if key.is_empty() || (row == 1 && key == "key") {
            continue;
        }
        let at = Location::cell(FRAMEWORK_SHEET, &format!("{}{row}", template::column_letters(left as usize)));
        meta.push(MetaEntry { key, value: r.get(1).cloned().unwrap_or_default(), at });
    }

    let (top, left, grid) = rows_of(&nodes);
    let mut lines = grid.into_iter();
    if top != 1 {
        return Err(ImportError::new(Location::cell(NODES_SHEET, "A1"), ErrorKind::Missing("header row".into())));
    }
    let mut names: Vec<String> = vec![String::new(); left as usize];
    names.extend(lines.next().unwrap_or_default().into_iter().map(|h| h.to_ascii_lowercase()));
    if !names.iter().any(|h| h == "ref_id") {
        return Err(ImportError::new(Location::cell(NODES_SHEET, "A1"), ErrorKind::Missing("column ref_id".into())));
    }
    let header: Rc<[String]> = names.into();
    let sheet_name: Rc<str> = NODES_SHEET.into();
    let mut rows = Vec::new();
    for (i, cells) in lines.enumerate() {
        if cells.iter().all(String::is_empty) {
            continue;
        }
        let row = i as u32 + 2;
        let fields = header.iter().skip(left as usize).cloned().zip(cells).filter(|(h, _)| !h.is_empty()).collect();
        rows.push(Row { at: RowAt::Sheet { sheet: sheet_name.clone(), row, header: header.clone() }, fields });
        if rows.len() > crate::validate::MAX_NODES {
            return Err(ImportError::new(
                Location::cell(NODES_SHEET, &format!("A{row}")),
                ErrorKind::Invalid(crate::ValidationError::TooManyNodes(rows.len())),
            ));
        }
    }
    template::framework_from(&meta, &rows, whole(FRAMEWORK_SHEET), whole(NODES_SHEET))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serial_dates_become_iso_dates() {
        assert_eq!(serial_date(1.0), "1899-12-31");
        assert_eq!(serial_date(25569.0), "1970-01-01");
        assert_eq!(serial_date(45292.0), "2024-01-01");
        assert_eq!(serial_date(45351.75), "2024-02-29");
    }
}
