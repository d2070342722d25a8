//! The generic template as CSV (see `docs/csv-template.md`; the rules are in [`crate::template`]),
//! and the CPSF and JC-STAR list importers that fill the built-in skeletons from official lists.

use std::collections::HashSet;

use crate::error::{ErrorKind, ExportError, ImportError, Location};
use crate::model::{CpsfComponent, Framework, I18n, Node, NodeKind, Tag, Verification};
use crate::template::{self, MetaEntry, Row, RowAt};

pub use crate::template::{COLUMNS, META_KEYS};

/// Splits `#key=value` metadata lines from the CSV body and reads the rows by header name.
fn read(text: &str) -> Result<(Vec<MetaEntry>, Vec<Row>), ImportError> {
    let mut meta = Vec::new();
    let mut offset = 0usize;
    let mut skipped_lines = 0u64;
    for line in text.split_inclusive('\n') {
        let t = line.trim();
        if let Some(rest) = t.strip_prefix('#') {
            let (k, v) = rest.split_once('=').ok_or_else(|| {
                ImportError::line(
                    skipped_lines + 1,
                    None,
                    ErrorKind::Syntax("metadata lines look like #key=value".into()),
                )
            })?;
            let at = Location::Line { line: skipped_lines + 1, column: None };
            meta.push(MetaEntry { key: k.trim().to_owned(), value: v.trim().to_owned(), at });
        } else if !t.is_empty() {
            break;
        }
        offset += line.len();
        skipped_lines += 1;
    }
    let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(&text.as_bytes()[offset..]);
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| ImportError::line(skipped_lines + 1, None, ErrorKind::Syntax(e.to_string())))?
        .iter()
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();
    let mut rows = Vec::new();
    for rec in reader.records() {
        let rec = rec.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line()) + skipped_lines;
            ImportError::line(line, None, ErrorKind::Syntax(e.to_string()))
        })?;
        let line = rec.position().map_or(0, |p| p.line()) + skipped_lines;
        if rec.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let fields = headers.iter().cloned().zip(rec.iter().map(|f| f.trim().to_owned())).collect();
        rows.push(Row { at: RowAt::Line(line), fields });
        if rows.len() > crate::validate::MAX_NODES {
            return Err(ImportError::line(
                line,
                None,
                ErrorKind::Invalid(crate::ValidationError::TooManyNodes(rows.len())),
            ));
        }
    }
    Ok((meta, rows))
}

/// Imports a framework written in the generic CSV template.
pub fn import_csv(text: &str) -> Result<Framework, ImportError> {
    let (meta, rows) = read(text)?;
    let first = Location::Line { line: 1, column: None };
    template::framework_from(&meta, &rows, first.clone(), first)
}

fn csv_err(e: impl std::fmt::Display) -> ExportError {
    ExportError::Serialize(e.to_string())
}

/// Writes a framework in the generic CSV template. Scales, descriptors and provenance beyond the first
/// source are not part of the template.
pub fn export_csv(fw: &Framework) -> Result<Vec<u8>, ExportError> {
    let mut out = String::new();
    for (k, v) in template::meta_of(fw) {
        out.push_str(&format!("#{k}={}\n", v.replace('\n', " ")));
    }
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(COLUMNS).map_err(csv_err)?;
    for n in &fw.nodes {
        w.write_record(template::record_of(n)).map_err(csv_err)?;
    }
    let body = w.into_inner().map_err(csv_err)?;
    let mut bytes = out.into_bytes();
    bytes.extend(body);
    Ok(bytes)
}

fn valid_cpsf_id(id: &str) -> Option<(&str, u32)> {
    let rest = id.strip_prefix("CPS.")?;
    let (cat, n) = rest.split_once('-')?;
    if cat.len() != 2 || !cat.bytes().all(|b| b.is_ascii_uppercase()) {
        return None;
    }
    Some((cat, n.parse().ok().filter(|n| *n > 0)?))
}

/// Fills the built-in CPSF skeleton with the official requirement list from a CSV with the columns
/// `id, category, components, title_en, title_ja, text_en, text_ja, edition, references`
/// (`components` separated by `;`). Rows replace shipped requirements with the same id.
pub fn import_cpsf_csv(text: &str, skeleton: &Framework, file: &str) -> Result<Framework, ImportError> {
    let (_, rows) = read(text)?;
    let mut fw = skeleton.clone();
    let mut seen = HashSet::new();
    for row in &rows {
        let id = row.get("id");
        let (cat, _) =
            valid_cpsf_id(id).ok_or_else(|| row.bad("id", format!("{id:?} is not of the form CPS.<CC>-<n>")))?;
        if !seen.insert(id.to_owned()) {
            return Err(row.bad("id", format!("{id:?} appears twice")));
        }
        let column_cat = row.get("category");
        if !column_cat.is_empty() && column_cat != cat {
            return Err(row.bad("category", format!("{column_cat:?} does not match the id's category {cat:?}")));
        }
        let parent = fw.node(cat).filter(|n| n.kind == NodeKind::Group).map(|n| (n.ref_id.clone(), n.tags.clone()));
        let Some((parent, parent_tags)) = parent else {
            return Err(row.bad("id", format!("category {cat:?} is not a CPSF category")));
        };
        let mut tags: Vec<Tag> = parent_tags;
        for c in row.get("components").split(';').filter(|c| !c.trim().is_empty()) {
            tags.push(Tag::CpsfComponent(
                CpsfComponent::parse(c).ok_or_else(|| row.bad("components", format!("unknown component {c:?}")))?,
            ));
        }
        let mut note = format!("imported from {file}");
        if !row.get("edition").is_empty() {
            note.push_str(&format!("; edition {}", row.get("edition")));
        }
        if !row.get("references").is_empty() {
            note.push_str(&format!("; references: {}", row.get("references")));
        }
        let node = Node {
            ref_id: id.to_owned(),
            parent: Some(parent),
            kind: NodeKind::Requirement,
            assessable: true,
            title: I18n::new(row.get("title_ja"), row.get("title_en")),
            text: I18n::new(row.get("text_ja"), row.get("text_en")),
            tags,
            verification: Verification::Secondary,
            note: Some(note),
            ..Default::default()
        };
        match fw.nodes.iter().position(|n| n.ref_id == id) {
            Some(i) => fw.nodes[i] = node,
            None => fw.nodes.push(node),
        }
    }
    let total = fw.nodes.iter().filter(|n| n.assessable && n.ref_id.starts_with("CPS.")).count();
    fw.notes.push(format!(
        "{total} of {} CPSF requirements present after importing {file}.",
        fw.expected_assessable.unwrap_or(104)
    ));
    fw.validate().map_err(|e| ImportError::line(1, None, ErrorKind::Invalid(e)))?;
    Ok(fw)
}

/// Fills the built-in JC-STAR ★1 skeleton from a CSV with the columns
/// `id, title_en, title_ja, text_en, text_ja, note`; ids must look like `S1.1-07`.
pub fn import_jcstar_csv(text: &str, skeleton: &Framework, file: &str) -> Result<Framework, ImportError> {
    let (_, rows) = read(text)?;
    let mut fw = skeleton.clone();
    let parent = fw.roots().next().map(|n| n.ref_id.clone());
    for row in &rows {
        let id = row.get("id");
        let ok = id.strip_prefix("S1.1-").is_some_and(|n| n.len() == 2 && n.bytes().all(|b| b.is_ascii_digit()));
        if !ok {
            return Err(row.bad("id", format!("{id:?} is not of the form S1.1-NN")));
        }
        let mut note = format!("imported from {file}");
        if !row.get("note").is_empty() {
            note.push_str(&format!("; {}", row.get("note")));
        }
        let node = Node {
            ref_id: id.to_owned(),
            parent: parent.clone(),
            kind: NodeKind::Requirement,
            assessable: true,
            title: I18n::new(row.get("title_ja"), row.get("title_en")),
            text: I18n::new(row.get("text_ja"), row.get("text_en")),
            verification: Verification::Secondary,
            note: Some(note),
            ..Default::default()
        };
        match fw.nodes.iter().position(|n| n.ref_id == id) {
            Some(i) => fw.nodes[i] = node,
            None => fw.nodes.push(node),
        }
    }
    fw.validate().map_err(|e| ImportError::line(1, None, ErrorKind::Invalid(e)))?;
    Ok(fw)
}
