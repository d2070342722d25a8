//! The mamori CSV template for custom frameworks (see `docs/csv-template.md`), and the CPSF and
//! JC-STAR list importers that fill the built-in skeletons from official lists.

use std::collections::HashSet;

use crate::error::{ErrorKind, ExportError, ImportError};
use crate::model::{CpsfComponent, Framework, I18n, Node, NodeKind, Source, Tag, Verification};

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

/// Metadata keys accepted in `#key=value` lines above the header.
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

struct Row {
    line: u64,
    fields: std::collections::HashMap<String, String>,
}

/// Splits `#key=value` metadata lines from the CSV body and reads the rows by header name.
type Meta = Vec<(String, String)>;

fn read(text: &str) -> Result<(Meta, Vec<Row>), ImportError> {
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
            meta.push((k.trim().to_owned(), v.trim().to_owned()));
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
        rows.push(Row { line, fields });
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

impl Row {
    fn get(&self, k: &str) -> &str {
        self.fields.get(k).map_or("", String::as_str)
    }

    fn bad(&self, field: &str, reason: impl Into<String>) -> ImportError {
        ImportError::line(self.line, None, ErrorKind::BadValue { field: field.into(), reason: reason.into() })
    }
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

/// Imports a framework written in the generic CSV template.
pub fn import_csv(text: &str) -> Result<Framework, ImportError> {
    let (meta, rows) = read(text)?;
    let m = |k: &str| meta.iter().find(|(mk, _)| mk == k).map(|(_, v)| v.clone());
    for (k, _) in &meta {
        if !META_KEYS.contains(&k.as_str()) {
            return Err(ImportError::line(
                1,
                None,
                ErrorKind::BadValue { field: k.clone(), reason: "unknown metadata key".into() },
            ));
        }
    }
    let id = m("framework_id").ok_or_else(|| ImportError::line(1, None, ErrorKind::Missing("#framework_id".into())))?;
    let mut seen = HashSet::new();
    let mut nodes = Vec::with_capacity(rows.len());
    for row in &rows {
        let ref_id = row.get("ref_id");
        if ref_id.is_empty() {
            return Err(row.bad("ref_id", "must not be empty"));
        }
        if !seen.insert(ref_id.to_owned()) {
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
            other => {
                return Err(row.bad("assessable", format!("expected true or false, got {other:?}")));
            }
        };
        nodes.push(Node {
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
        });
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
    // Scales are not part of the CSV template; a scale named on a row must be added by the caller.
    fw.scales.clear();
    let errors: Vec<_> = fw
        .validation_errors()
        .into_iter()
        .filter(|e| !matches!(e, crate::ValidationError::UnknownScale { .. }))
        .collect();
    if let Some(e) = errors.into_iter().next() {
        return Err(ImportError::line(1, None, ErrorKind::Invalid(e)));
    }
    Ok(fw)
}

fn csv_err(e: impl std::fmt::Display) -> ExportError {
    ExportError::Serialize(e.to_string())
}

/// Writes a framework in the generic CSV template. Scales, descriptors and provenance beyond the first
/// source are not part of the template.
pub fn export_csv(fw: &Framework) -> Result<Vec<u8>, ExportError> {
    let mut out = String::new();
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
    for (k, v) in meta {
        if let Some(v) = v.filter(|v| !v.is_empty()) {
            out.push_str(&format!("#{k}={}\n", v.replace('\n', " ")));
        }
    }
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(COLUMNS).map_err(csv_err)?;
    for n in &fw.nodes {
        let kind = serde_json::to_string(&n.kind).map_err(csv_err)?.trim_matches('"').to_owned();
        let ver = serde_json::to_string(&n.verification).map_err(csv_err)?.trim_matches('"').to_owned();
        let tags = n.tags.iter().map(Tag::to_text).collect::<Vec<_>>().join(";");
        let weight = n.weight.map(|w| w.to_string()).unwrap_or_default();
        w.write_record([
            n.ref_id.as_str(),
            n.parent.as_deref().unwrap_or(""),
            &kind,
            if n.assessable { "true" } else { "false" },
            &n.title.en,
            &n.title.ja,
            &n.text.en,
            &n.text.ja,
            &tags,
            &ver,
            n.scale.as_deref().unwrap_or(""),
            &weight,
            n.note.as_deref().unwrap_or(""),
        ])
        .map_err(csv_err)?;
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
