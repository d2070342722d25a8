//! The XLSX round trip: one row per requirement with dropdown validation, and an all-or-nothing import with located errors.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use mamori_assess::AnswerInput;
use mamori_store::assess::{AnswerKind, ImportRow, Plan};
use rust_xlsxwriter::{DataValidation, DataValidationRule, Format, Workbook};

use crate::{ReportError, ReportInput};

/// Name of the answers sheet.
pub const SHEET: &str = "Answers";
/// Column headers, in order; the import reads columns by these positions.
pub const HEADERS: [&str; 11] = [
    "requirement_id",
    "group",
    "title",
    "status",
    "na_reason",
    "maturity",
    "self_check",
    "notes",
    "owner",
    "due_date",
    "answer_kind",
];
const STATUSES: [&str; 5] = ["implemented", "partial", "planned", "not_implemented", "not_applicable"];
const SELF_CHECK: [&str; 4] = ["implemented", "partial", "not_implemented", "unknown"];

fn xerr(e: rust_xlsxwriter::XlsxError) -> ReportError {
    ReportError::Xlsx(e.to_string())
}

/// Writes the workbook: sheet `Answers` (one row per requirement, dropdowns on status,
/// self-check and maturity) and a `Meta` sheet naming the assessment.
pub fn export(input: &ReportInput<'_>) -> Result<Vec<u8>, ReportError> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let ws = wb.add_worksheet();
    ws.set_name(SHEET).map_err(xerr)?;
    for (c, h) in HEADERS.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &bold).map_err(xerr)?;
    }
    let n = input.plan.items.len() as u32;
    for (i, item) in input.plan.items.iter().enumerate() {
        let r = i as u32 + 1;
        let group = item.groups.last().map(|(_, t)| t.get("ja").to_owned()).unwrap_or_default();
        let title = if item.node.title.ja.is_empty() { item.node.title.en.clone() } else { item.node.title.ja.clone() };
        ws.write_string(r, 0, &item.req.id).map_err(xerr)?;
        ws.write_string(r, 1, group).map_err(xerr)?;
        ws.write_string(r, 2, title).map_err(xerr)?;
        let kind = match item.kind {
            AnswerKind::Status => "status",
            AnswerKind::Maturity => "maturity",
            AnswerKind::Points => "self_check",
            AnswerKind::PassFail => "pass_fail",
        };
        ws.write_string(r, 10, kind).map_err(xerr)?;
        if let Some(a) = input.answers.get(&item.req.id) {
            if item.kind != AnswerKind::Points || a.view.points.is_none() {
                ws.write_string(r, 3, a.view.status.code()).map_err(xerr)?;
            }
            if let mamori_assess::ImplementationStatus::NotApplicable { reason } = &a.view.status {
                ws.write_string(r, 4, reason.as_str()).map_err(xerr)?;
            }
            if let Some(m) = a.view.maturity {
                ws.write_number(r, 5, f64::from(m)).map_err(xerr)?;
            }
            if let Some(p) = a.view.points {
                let code = serde_json::to_value(p)?.as_str().unwrap_or_default().to_owned();
                ws.write_string(r, 6, code).map_err(xerr)?;
            }
            for (col, v) in [(7u16, &a.notes), (8, &a.owner), (9, &a.due_date)] {
                if let Some(v) = v {
                    ws.write_string(r, col, v).map_err(xerr)?;
                }
            }
        }
    }
    if n > 0 {
        let status = DataValidation::new().allow_list_strings(&STATUSES).map_err(xerr)?;
        ws.add_data_validation(1, 3, n, 3, &status).map_err(xerr)?;
        let sc = DataValidation::new().allow_list_strings(&SELF_CHECK).map_err(xerr)?;
        ws.add_data_validation(1, 6, n, 6, &sc).map_err(xerr)?;
        let (lo, hi) = (i32::from(input.plan.scale.min()), i32::from(input.plan.scale.max()));
        let m = DataValidation::new().allow_whole_number(DataValidationRule::Between(lo, hi));
        ws.add_data_validation(1, 5, n, 5, &m).map_err(xerr)?;
    }
    for (c, w) in [(0u16, 14.0), (1, 24.0), (2, 60.0), (3, 18.0), (4, 24.0), (6, 16.0), (7, 40.0), (8, 16.0), (9, 12.0)]
    {
        ws.set_column_width(c, w).map_err(xerr)?;
    }
    ws.set_freeze_panes(1, 1).map_err(xerr)?;
    let meta = wb.add_worksheet();
    meta.set_name("Meta").map_err(xerr)?;
    let info = input.info;
    for (r, (k, v)) in [
        ("assessment_id", info.id.as_str()),
        ("framework_id", info.framework_id.as_str()),
        ("framework_version", info.framework_version.as_str()),
        ("title", info.title.as_str()),
        ("organization", input.org_name),
    ]
    .iter()
    .enumerate()
    {
        meta.write_string(r as u32, 0, *k).map_err(xerr)?;
        meta.write_string(r as u32, 1, *v).map_err(xerr)?;
    }
    wb.save_to_buffer().map_err(xerr)
}

/// One problem in an imported file, located by sheet, row and column (1-based, as Excel shows them).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ImportIssue {
    pub sheet: String,
    pub row: u32,
    pub column: String,
    /// What is wrong, in English (for logs, the CLI and the API).
    pub message: String,
    /// The same, as data, so that an interface can word it in its user's language.
    pub kind: IssueKind,
}

/// What an import issue is about.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum IssueKind {
    /// The file is not a readable workbook.
    Unreadable,
    /// The answers sheet is missing.
    MissingSheet,
    /// A column header differs from the template's.
    Header { expected: String },
    /// The row names no requirement of the framework.
    UnknownRequirement { id: String },
    /// The requirement appears twice.
    Duplicate { id: String },
    /// A maturity for a requirement without a maturity scale.
    NoMaturityScale,
    /// The maturity is not a whole number.
    NotWholeNumber { value: String },
    /// A self-check value for a requirement that is not a self-check item.
    NotSelfCheckItem,
    /// A self-check value outside the list.
    BadSelfCheck { value: String },
    /// The due date is not `YYYY-MM-DD`.
    BadDate { value: String },
    /// The answer itself is invalid; `message` holds the validation text.
    Answer,
}

impl IssueKind {
    /// The issue in `lang`; `None` for [`IssueKind::Answer`], whose wording belongs to the
    /// answer validation (the caller translates `message` as it does for a single answer).
    pub fn text(&self, lang: mamori_assess::Lang) -> Option<String> {
        use mamori_assess::Lang::{En, Ja};
        Some(match (self, lang) {
            (IssueKind::Unreadable, Ja) => "読み取れる .xlsx ファイルではありません".into(),
            (IssueKind::Unreadable, En) => "not a readable .xlsx file".into(),
            (IssueKind::MissingSheet, Ja) => format!("シート「{SHEET}」がありません"),
            (IssueKind::MissingSheet, En) => format!("the sheet '{SHEET}' is missing"),
            (IssueKind::Header { expected }, Ja) => format!("見出しは「{expected}」である必要があります"),
            (IssueKind::Header { expected }, En) => format!("expected header '{expected}'"),
            (IssueKind::UnknownRequirement { id }, Ja) => {
                format!("「{id}」はこのフレームワークの要求事項ではありません")
            }
            (IssueKind::UnknownRequirement { id }, En) => format!("'{id}' is not a requirement of this framework"),
            (IssueKind::Duplicate { id }, Ja) => format!("「{id}」が複数行にあります"),
            (IssueKind::Duplicate { id }, En) => format!("'{id}' appears more than once"),
            (IssueKind::NoMaturityScale, Ja) => "この要求事項には成熟度の尺度がありません".into(),
            (IssueKind::NoMaturityScale, En) => "this requirement has no maturity scale".into(),
            (IssueKind::NotWholeNumber { value }, Ja) => format!("「{value}」は整数ではありません"),
            (IssueKind::NotWholeNumber { value }, En) => format!("'{value}' is not a whole number"),
            (IssueKind::NotSelfCheckItem, Ja) => "この要求事項は自社診断の項目ではありません".into(),
            (IssueKind::NotSelfCheckItem, En) => "this requirement is not a self-check item".into(),
            (IssueKind::BadSelfCheck { value }, Ja) => {
                format!("「{value}」は {} のいずれでもありません", SELF_CHECK.join(", "))
            }
            (IssueKind::BadSelfCheck { value }, En) => format!("'{value}' is not one of {}", SELF_CHECK.join(", ")),
            (IssueKind::BadDate { value }, Ja) => format!("「{value}」は日付（YYYY-MM-DD）ではありません"),
            (IssueKind::BadDate { value }, En) => format!("'{value}' is not a date (YYYY-MM-DD)"),
            (IssueKind::Answer, _) => return None,
        })
    }
}

impl ImportIssue {
    fn new(sheet: &str, row: u32, column: &str, kind: IssueKind, detail: Option<String>) -> Self {
        let message = detail.unwrap_or_else(|| kind.text(mamori_assess::Lang::En).unwrap_or_default());
        ImportIssue { sheet: sheet.into(), row, column: column.into(), message, kind }
    }

    /// Where the issue is, as `Sheet!A1` (or the sheet alone for a whole-file issue).
    pub fn location(&self) -> String {
        if self.row == 0 { self.sheet.clone() } else { format!("{}!{}{}", self.sheet, self.column, self.row) }
    }
}

impl std::fmt::Display for ImportIssue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.location(), self.message)
    }
}

/// What an import file holds.
#[derive(Debug)]
pub struct Imported {
    /// The assessment the file was exported from, if the `Meta` sheet names one.
    pub assessment_id: Option<String>,
    pub rows: Vec<ImportRow>,
}

fn col_letter(c: usize) -> String {
    char::from(b'A' + (c as u8).min(25)).to_string()
}

fn text(cell: Option<&Data>) -> Option<String> {
    let s = match cell? {
        Data::String(s) | Data::DateTimeIso(s) => s.trim().to_owned(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 => format!("{f:.0}"),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => {
            let days = d.as_f64().floor() as i64;
            let base = time::macros::date!(1899 - 12 - 30);
            let date = base.checked_add(time::Duration::days(days))?;
            format!("{:04}-{:02}-{:02}", date.year(), u8::from(date.month()), date.day())
        }
        Data::Error(_) | Data::DurationIso(_) | Data::Empty => return None,
    };
    (!s.is_empty()).then_some(s)
}

/// Reads a filled workbook. Every problem is reported with its location, and rows are
/// only returned when there is none, so the caller applies all or nothing.
pub fn import(bytes: &[u8], plan: &Plan) -> Result<Imported, Vec<ImportIssue>> {
    let issue = |row: u32, column: &str, kind: IssueKind| ImportIssue::new(SHEET, row, column, kind, None);
    let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes.to_vec())).map_err(|e| {
        vec![ImportIssue::new(SHEET, 0, "", IssueKind::Unreadable, Some(format!("not a readable .xlsx file: {e}")))]
    })?;
    let range = wb.worksheet_range(SHEET).map_err(|_| vec![issue(0, "", IssueKind::MissingSheet)])?;
    let assessment_id = wb.worksheet_range("Meta").ok().and_then(|m| {
        m.rows().find(|r| text(r.first()).as_deref() == Some("assessment_id")).and_then(|r| text(r.get(1)))
    });
    let mut rows_out = Vec::new();
    let mut issues = Vec::new();
    let mut rows = range.rows();
    let header: Vec<String> =
        rows.next().map(|r| r.iter().map(|c| text(Some(c)).unwrap_or_default()).collect()).unwrap_or_default();
    for (c, h) in HEADERS.iter().enumerate().take(10) {
        if header.get(c).map(String::as_str) != Some(*h) {
            issues.push(issue(1, &col_letter(c), IssueKind::Header { expected: (*h).to_owned() }));
        }
    }
    if !issues.is_empty() {
        return Err(issues);
    }
    let mut seen = std::collections::HashSet::new();
    for (i, r) in rows.enumerate() {
        let row = i as u32 + 2;
        let Some(id) = text(r.first()) else { continue };
        let status = text(r.get(3));
        let self_check = text(r.get(6));
        if status.is_none() && self_check.is_none() {
            continue;
        }
        let Some(item) = plan.item(&id) else {
            issues.push(issue(row, "A", IssueKind::UnknownRequirement { id: id.clone() }));
            continue;
        };
        if !seen.insert(id.clone()) {
            issues.push(issue(row, "A", IssueKind::Duplicate { id: id.clone() }));
            continue;
        }
        let mut input = AnswerInput {
            status,
            na_reason: text(r.get(4)),
            notes: text(r.get(7)),
            owner: text(r.get(8)),
            ..AnswerInput::default()
        };
        if let Some(m) = text(r.get(5)) {
            match m.parse::<u8>() {
                Ok(v) if item.kind == AnswerKind::Maturity => input.maturity = Some(v),
                Ok(_) => issues.push(issue(row, "F", IssueKind::NoMaturityScale)),
                Err(_) => issues.push(issue(row, "F", IssueKind::NotWholeNumber { value: m.clone() })),
            }
        }
        if let Some(sc) = self_check {
            match serde_json::from_value(serde_json::Value::String(sc.clone())) {
                Ok(v) if item.kind == AnswerKind::Points => input.self_check = Some(v),
                Ok(_) => issues.push(issue(row, "G", IssueKind::NotSelfCheckItem)),
                Err(_) => issues.push(issue(row, "G", IssueKind::BadSelfCheck { value: sc.clone() })),
            }
        }
        if let Some(d) = text(r.get(9)) {
            let f = time::macros::format_description!("[year]-[month]-[day]");
            match time::Date::parse(&d, &f) {
                Ok(date) => input.due_date = Some(date),
                Err(_) => issues.push(issue(row, "J", IssueKind::BadDate { value: d.clone() })),
            }
        }
        if let Err(e) = input.validate(&plan.scale) {
            for err in e.0 {
                let text = err.to_string();
                let column = if text.starts_with("/na_reason") {
                    "E"
                } else if text.starts_with("/maturity") {
                    "F"
                } else if text.starts_with("/notes") {
                    "H"
                } else if text.starts_with("/owner") {
                    "I"
                } else {
                    "D"
                };
                issues.push(ImportIssue::new(SHEET, row, column, IssueKind::Answer, Some(text)));
            }
            continue;
        }
        rows_out.push(ImportRow { requirement_id: id, input });
    }
    if issues.is_empty() { Ok(Imported { assessment_id, rows: rows_out }) } else { Err(issues) }
}

/// The assessment id in a workbook's `Meta` sheet, without validating the answers.
pub fn meta_assessment_id(bytes: &[u8]) -> Option<String> {
    let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes.to_vec())).ok()?;
    let m = wb.worksheet_range("Meta").ok()?;
    m.rows().find(|r| text(r.first()).as_deref() == Some("assessment_id")).and_then(|r| text(r.get(1)))
}
