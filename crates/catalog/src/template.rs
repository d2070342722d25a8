//! The generic template for custom frameworks (see `docs/csv-template.md`), shared by the CSV and
//! XLSX files: metadata keys, node columns, reading rows into a framework and writing it back.
//! The file formats only find the cells; every rule about their content lives here once.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use crate::error::{ErrorKind, ImportError, Location};
use crate::model::{Framework, I18n, Node, NodeKind, Source, Tag, Verification};

/// Column order of the generic template.
pub const COLUMNS: &[&str] = &[
    "ref_id",
    "parent",
    "kind",
    "assessable",
    "title_en",
    "title_ja",
    "text_en",
    "text_ja",
    "tags",
    "verification",
    "scale",
    "weight",
    "note",
];

/// Metadata keys (`#key=value` lines in CSV, the `Framework` sheet in XLSX).
pub const META_KEYS: &[&str] = &[
    "framework_id",
    "name_en",
    "name_ja",
    "publisher",
    "version",
    "published",
    "licence_note",
    "source_title",
    "source_url",
];

/// Values of the `kind` column.
pub const KINDS: &[&str] = &["group", "requirement", "criterion"];
/// Values of the `assessable` column as written on export.
pub const BOOLEANS: &[&str] = &["true", "false"];
/// Values of the `verification` column.
pub const VERIFICATIONS: &[&str] = &["verified", "secondary", "unverified", "own"];

/// Where a row of the template sits in its file.
#[derive(Clone, Debug)]
pub(crate) enum RowAt {
    /// A CSV line (1-based).
    Line(u64),
    /// A spreadsheet row (1-based) with the sheet's header, to name the cell of a field.
    Sheet { sheet: Rc<str>, row: u32, header: Rc<[String]> },
}

/// Spreadsheet column letters for a 0-based index: A … Z, AA ….
pub(crate) fn column_letters(mut index: usize) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (index % 26) as u8);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    out.reverse();
    String::from_utf8_lossy(&out).into_owned()
}

impl RowAt {
    /// The location of `field` on this row: the line, or the cell under the field's header.
    pub(crate) fn field(&self, field: &str) -> Location {
        match self {
            RowAt::Line(line) => Location::Line { line: *line, column: None },
            RowAt::Sheet { sheet, row, header } => {
                let col = header.iter().position(|h| h == field).map(column_letters).unwrap_or_default();
                Location::cell(sheet, &if col.is_empty() { String::new() } else { format!("{col}{row}") })
            }
        }
    }
}

/// One row, read by header name (names are trimmed and lowercased, values trimmed).
pub(crate) struct Row {
    pub(crate) at: RowAt,
    pub(crate) fields: HashMap<String, String>,
}

impl Row {
    pub(crate) fn get(&self, k: &str) -> &str {
        self.fields.get(k).map_or("", String::as_str)
    }

    pub(crate) fn bad(&self, field: &str, reason: impl Into<String>) -> ImportError {
        ImportError::new(self.at.field(field), ErrorKind::BadValue { field: field.into(), reason: reason.into() })
    }
}

/// One metadata entry and where it was written.
pub(crate) struct MetaEntry {
    pub(crate) key: String,
    pub(crate) value: String,
    pub(crate) at: Location,
}

fn parse_enum<T: serde::de::DeserializeOwned>(row: &Row, field: &str, default: T) -> Result<T, ImportError> {
    let v = row.get(field);
    if v.is_empty() {
        return Ok(default);
    }
    serde_json::from_value(serde_json::Value::String(v.to_ascii_lowercase()))
        .map_err(|_| row.bad(field, format!("unknown value {v:?}")))
}

fn tags(row: &Row) -> Result<Vec<Tag>, ImportError> {
    row.get("tags")
        .split(';')
        .filter(|t| !t.trim().is_empty())
        .map(|t| Tag::parse(t).ok_or_else(|| row.bad("tags", format!("bad tag {t:?}"))))
        .collect()
}

fn node(row: &Row, seen: &HashSet<String>) -> Result<Node, ImportError> {
    let ref_id = row.get("ref_id");
    if ref_id.is_empty() {
        return Err(row.bad("ref_id", "must not be empty"));
    }
    if seen.contains(ref_id) {
        return Err(row.bad("ref_id", format!("{ref_id:?} appears twice")));
    }
    let parent = Some(row.get("parent").to_owned()).filter(|p| !p.is_empty());
    if let Some(p) = &parent
        && !seen.contains(p)
    {
        return Err(row.bad("parent", format!("parent {p:?} must appear on an earlier row")));
    }
    let kind = parse_enum(row, "kind", NodeKind::Requirement)?;
    let assessable = match row.get("assessable").to_ascii_lowercase().as_str() {
        "" => kind != NodeKind::Group,
        "true" | "yes" | "1" => true,
        "false" | "no" | "0" => false,
        other => return Err(row.bad("assessable", format!("expected true or false, got {other:?}"))),
    };
    Ok(Node {
        ref_id: ref_id.to_owned(),
        parent,
        kind,
        assessable,
        title: I18n::new(row.get("title_ja"), row.get("title_en")),
        text: I18n::new(row.get("text_ja"), row.get("text_en")),
        tags: tags(row)?,
        verification: parse_enum(row, "verification", Verification::Unverified)?,
        scale: Some(row.get("scale").to_owned()).filter(|s| !s.is_empty()),
        weight: match row.get("weight") {
            "" => None,
            w => Some(w.parse().map_err(|_| row.bad("weight", "expected a whole number"))?),
        },
        note: Some(row.get("note").to_owned()).filter(|s| !s.is_empty()),
        ..Default::default()
    })
}

/// Builds a framework from the template's metadata and rows. `meta_at` locates a missing
/// `framework_id`, `whole` a rule broken by the tree as a whole.
pub(crate) fn framework_from(
    meta: &[MetaEntry],
    rows: &[Row],
    meta_at: Location,
    whole: Location,
) -> Result<Framework, ImportError> {
    if let Some(e) = meta.iter().find(|e| !META_KEYS.contains(&e.key.as_str())) {
        return Err(ImportError::new(
            e.at.clone(),
            ErrorKind::BadValue { field: e.key.clone(), reason: "unknown metadata key".into() },
        ));
    }
    let m = |k: &str| meta.iter().find(|e| e.key == k).map(|e| e.value.clone()).filter(|v| !v.is_empty());
    let id = m("framework_id").ok_or_else(|| ImportError::new(meta_at, ErrorKind::Missing("framework_id".into())))?;
    let mut seen = HashSet::new();
    let mut nodes = Vec::with_capacity(rows.len());
    for row in rows {
        let n = node(row, &seen)?;
        seen.insert(n.ref_id.clone());
        nodes.push(n);
    }
    let mut fw = Framework {
        id,
        name: I18n::new(m("name_ja").unwrap_or_default(), m("name_en").unwrap_or_default()),
        publisher: m("publisher").unwrap_or_default(),
        version: m("version").unwrap_or_default(),
        published: m("published"),
        licence_note: m("licence_note").unwrap_or_default(),
        verification: Verification::Unverified,
        nodes,
        ..Default::default()
    };
    if let Some(t) = m("source_title") {
        fw.provenance.push(Source { title: t, url: m("source_url"), date: None, note: None });
    }
    // Scales are not part of the template; a scale named on a row must be added by the caller.
    fw.scales.clear();
    let errors: Vec<_> = fw
        .validation_errors()
        .into_iter()
        .filter(|e| !matches!(e, crate::ValidationError::UnknownScale { .. }))
        .collect();
    if let Some(e) = errors.into_iter().next() {
        return Err(ImportError::new(whole, ErrorKind::Invalid(e)));
    }
    Ok(fw)
}

/// The metadata of a framework as the template writes it (empty values left out).
pub(crate) fn meta_of(fw: &Framework) -> Vec<(&'static str, String)> {
    let meta = [
        ("framework_id", Some(fw.id.as_str())),
        ("name_en", Some(fw.name.en.as_str())),
        ("name_ja", Some(fw.name.ja.as_str())),
        ("publisher", Some(fw.publisher.as_str())),
        ("version", Some(fw.version.as_str())),
        ("published", fw.published.as_deref()),
        ("licence_note", Some(fw.licence_note.as_str())),
        ("source_title", fw.provenance.first().map(|s| s.title.as_str())),
        ("source_url", fw.provenance.first().and_then(|s| s.url.as_deref())),
    ];
    meta.into_iter().filter_map(|(k, v)| v.filter(|v| !v.is_empty()).map(|v| (k, v.to_owned()))).collect()
}

fn code_of<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

/// One node as a template row, in [`COLUMNS`] order.
pub(crate) fn record_of(n: &Node) -> [String; 13] {
    [
        n.ref_id.clone(),
        n.parent.clone().unwrap_or_default(),
        code_of(&n.kind),
        if n.assessable { "true" } else { "false" }.to_owned(),
        n.title.en.clone(),
        n.title.ja.clone(),
        n.text.en.clone(),
        n.text.ja.clone(),
        n.tags.iter().map(Tag::to_text).collect::<Vec<_>>().join(";"),
        code_of(&n.verification),
        n.scale.clone().unwrap_or_default(),
        n.weight.map(|w| w.to_string()).unwrap_or_default(),
        n.note.clone().unwrap_or_default(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters_follow_the_spreadsheet() {
        let got: Vec<String> = [0, 2, 25, 26, 27, 51, 52, 701, 702].into_iter().map(column_letters).collect();
        assert_eq!(got, ["A", "C", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA"]);
    }

    #[test]
    fn the_exported_codes_are_the_ones_the_dropdowns_offer() {
        for k in [NodeKind::Group, NodeKind::Requirement, NodeKind::Criterion] {
            assert!(KINDS.contains(&code_of(&k).as_str()));
        }
        for v in [Verification::Verified, Verification::Secondary, Verification::Unverified, Verification::Own] {
            assert!(VERIFICATIONS.contains(&code_of(&v).as_str()));
        }
    }
}
