//! OSCAL XML: reading into the OSCAL JSON object shape (with a pointer → line table) and writing catalogs.

use std::collections::HashMap;

use quick_xml::Reader;
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use serde_json::{Map, Value};

use super::value::MAX_NESTING;
use crate::error::{ErrorKind, ExportError, ImportError};

/// Elements that repeat and become arrays under their plural key.
const PLURAL: &[(&str, &str)] = &[
    ("prop", "props"),
    ("link", "links"),
    ("part", "parts"),
    ("control", "controls"),
    ("group", "groups"),
    ("param", "params"),
    ("party", "parties"),
    ("role", "roles"),
    ("resource", "resources"),
    ("import", "imports"),
    ("include-controls", "include-controls"),
    ("exclude-controls", "exclude-controls"),
    ("responsible-party", "responsible-parties"),
    ("rlink", "rlinks"),
    ("location", "locations"),
    ("guideline", "guidelines"),
    ("constraint", "constraints"),
    ("mapping", "mappings"),
    ("map", "maps"),
    ("source", "sources"),
    ("target", "targets"),
    ("addr-line", "addr-lines"),
    ("party-uuid", "party-uuids"),
    ("email-address", "email-addresses"),
    ("telephone-number", "telephone-numbers"),
    ("document-id", "document-ids"),
    ("revision", "revisions"),
];

/// Elements whose content is text (markup flattened to plain text).
const TEXT: &[&str] = &[
    "title",
    "version",
    "oscal-version",
    "published",
    "last-modified",
    "label",
    "short-name",
    "name",
    "remarks",
    "description",
    "usage",
    "value",
    "citation",
    "text",
    "city",
    "state",
    "postal-code",
    "country",
    "mapping-description",
    "matching-rationale",
    "method",
    "status",
    "relationship",
    "id-ref",
];

/// Block-level prose markup inside parts.
const PROSE: &[&str] = &["p", "ul", "ol", "table", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote"];

struct Elem {
    name: String,
    attrs: Vec<(String, String)>,
    children: Vec<Elem>,
    text: String,
    line: u64,
}

impl Elem {
    fn text_node(text: String) -> Self {
        Elem { name: "#text".into(), attrs: Vec::new(), children: Vec::new(), text, line: 0 }
    }

    /// Text content in document order; whitespace runs become one space and block elements start new lines.
    fn all_text(&self, out: &mut String) {
        if self.name == "#text" {
            let mut last_space = out.ends_with(' ');
            for ch in self.text.chars() {
                if ch.is_whitespace() {
                    if !last_space {
                        out.push(' ');
                    }
                    last_space = true;
                } else {
                    out.push(ch);
                    last_space = false;
                }
            }
            return;
        }
        for c in &self.children {
            let block = PROSE.contains(&c.name.as_str()) || c.name == "li";
            if block && !out.is_empty() && !out.ends_with('\n') {
                out.push('\n');
            }
            c.all_text(out);
        }
    }

    fn flat_text(&self) -> String {
        let mut t = String::new();
        self.all_text(&mut t);
        t.lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join("\n")
    }
}

fn line_of(starts: &[usize], pos: usize) -> u64 {
    (match starts.binary_search(&pos) {
        Ok(i) => i + 1,
        Err(i) => i,
    }) as u64
}

fn parse_tree(text: &str) -> Result<Elem, ImportError> {
    let starts: Vec<usize> = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
    let mut reader = Reader::from_str(text);
    reader.config_mut().trim_text(false);
    let mut stack: Vec<Elem> = Vec::new();
    let mut root: Option<Elem> = None;
    let err_at = |pos: u64, msg: String| {
        ImportError::line(line_of(&starts, usize::try_from(pos).unwrap_or(usize::MAX)), None, ErrorKind::Syntax(msg))
    };
    loop {
        let pos = reader.buffer_position();
        let event = reader.read_event().map_err(|e| err_at(reader.error_position(), e.to_string()))?;
        let open = |e: &BytesStart<'_>| -> Result<Elem, ImportError> {
            let mut attrs = Vec::new();
            for a in e.attributes() {
                let a = a.map_err(|e| err_at(pos, e.to_string()))?;
                let key = String::from_utf8_lossy(a.key.local_name().as_ref()).into_owned();
                let value = a.unescape_value().map_err(|e| err_at(pos, e.to_string()))?.into_owned();
                if a.key.as_ref().starts_with(b"xmlns") || a.key.as_ref().starts_with(b"xsi:") {
                    continue;
                }
                attrs.push((key, value));
            }
            Ok(Elem {
                name: String::from_utf8_lossy(e.local_name().as_ref()).into_owned(),
                attrs,
                children: Vec::new(),
                text: String::new(),
                line: line_of(&starts, usize::try_from(pos).unwrap_or(usize::MAX)),
            })
        };
        match event {
            Event::Start(e) => {
                if stack.len() >= MAX_NESTING * 4 {
                    return Err(ImportError::line(
                        line_of(&starts, usize::try_from(pos).unwrap_or(0)),
                        None,
                        ErrorKind::TooDeep(MAX_NESTING * 4),
                    ));
                }
                stack.push(open(&e)?);
            }
            Event::Empty(e) => {
                let el = open(&e)?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(el),
                    None => root = Some(el),
                }
            }
            Event::End(_) => {
                let Some(el) = stack.pop() else {
                    return Err(err_at(pos, "unexpected end tag".into()));
                };
                match stack.last_mut() {
                    Some(parent) => parent.children.push(el),
                    None => root = Some(el),
                }
            }
            Event::Text(t) => {
                if let Some(top) = stack.last_mut() {
                    let text = t.unescape().map_err(|e| err_at(pos, e.to_string()))?.into_owned();
                    top.children.push(Elem::text_node(text));
                }
            }
            Event::CData(t) => {
                if let Some(top) = stack.last_mut() {
                    top.children.push(Elem::text_node(String::from_utf8_lossy(&t).into_owned()));
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !stack.is_empty() {
        return Err(err_at(reader.buffer_position(), "document ends inside an element".into()));
    }
    root.ok_or_else(|| ImportError::line(1, None, ErrorKind::Syntax("no root element".into())))
}

fn convert(el: &Elem, ptr: &str, lines: &mut HashMap<String, u64>) -> Value {
    lines.insert(ptr.to_owned(), el.line);
    let mut obj = Map::new();
    for (k, v) in &el.attrs {
        obj.insert(k.clone(), Value::String(v.clone()));
    }
    let mut prose = String::new();
    for c in &el.children {
        let name = c.name.as_str();
        if name == "#text" {
            continue;
        }
        if PROSE.contains(&name) {
            let t = c.flat_text();
            if !t.is_empty() {
                if !prose.is_empty() {
                    prose.push('\n');
                }
                prose.push_str(&t);
            }
        } else if name == "with-id" {
            let arr = obj.entry("with-ids").or_insert_with(|| Value::Array(Vec::new()));
            if let Value::Array(a) = arr {
                a.push(Value::String(c.flat_text()));
            }
        } else if let Some((_, plural)) = PLURAL.iter().find(|(s, _)| *s == name) {
            let arr = obj.entry(plural.to_string()).or_insert_with(|| Value::Array(Vec::new()));
            if let Value::Array(a) = arr {
                let child_ptr = format!("{ptr}/{plural}/{}", a.len());
                a.push(convert(c, &child_ptr, lines));
            }
        } else if TEXT.contains(&name) && c.attrs.is_empty() {
            obj.insert(name.to_owned(), Value::String(c.flat_text()));
        } else {
            let child_ptr = format!("{ptr}/{name}");
            obj.insert(name.to_owned(), convert(c, &child_ptr, lines));
        }
    }
    if !prose.is_empty() {
        obj.insert("prose".into(), Value::String(prose));
    }
    Value::Object(obj)
}

/// Parses an OSCAL XML document into the shape of its JSON form (`{"catalog": {...}}` etc.), with a table
/// from JSON pointer to the XML line where that object starts, for locating later errors.
pub fn xml_to_value(text: &str) -> Result<(Value, HashMap<String, u64>), ImportError> {
    let root = parse_tree(text)?;
    let mut lines = HashMap::new();
    let ptr = format!("/{}", root.name);
    let inner = convert(&root, &ptr, &mut lines);
    let mut top = Map::new();
    top.insert(root.name.clone(), inner);
    Ok((Value::Object(top), lines))
}

/// Translates a pointer error from the JSON-shaped walk back to the XML line of the nearest element.
pub(crate) fn relocate(err: ImportError, lines: &HashMap<String, u64>) -> ImportError {
    if let crate::error::Location::Pointer(p) = &err.location {
        let mut probe = p.as_str();
        loop {
            if let Some(&line) = lines.get(probe) {
                return ImportError { location: crate::error::Location::Line { line, column: None }, ..err };
            }
            match probe.rfind('/') {
                Some(i) => probe = &probe[..i],
                None => break,
            }
        }
    }
    err
}

fn write_value<W: std::io::Write>(w: &mut Writer<W>, name: &str, v: &Value) -> std::io::Result<()> {
    let Value::Object(o) = v else {
        let text = match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        w.write_event(Event::Start(BytesStart::new(name)))?;
        w.write_event(Event::Text(BytesText::new(&text)))?;
        return w.write_event(Event::End(BytesEnd::new(name)));
    };
    let mut start = BytesStart::new(name);
    // Scalar fields that OSCAL XML carries as attributes.
    const ATTRS: &[&str] = &["uuid", "id", "class", "name", "ns", "value", "href", "rel"];
    for (k, val) in o {
        if let (true, Value::String(s)) = (ATTRS.contains(&k.as_str()), val) {
            start.push_attribute((k.as_str(), s.as_str()));
        }
    }
    w.write_event(Event::Start(start))?;
    // OSCAL XML fixes the element order; this list follows the catalog, group, control and part models.
    const ORDER: &[&str] = &[
        "title",
        "published",
        "last-modified",
        "version",
        "oscal-version",
        "params",
        "props",
        "links",
        "parts",
        "prose",
        "groups",
        "controls",
    ];
    for key in ORDER {
        let Some(val) = o.get(*key) else { continue };
        match (*key, val) {
            ("prose", Value::String(s)) => {
                for para in s.split('\n') {
                    w.write_event(Event::Start(BytesStart::new("p")))?;
                    w.write_event(Event::Text(BytesText::new(para)))?;
                    w.write_event(Event::End(BytesEnd::new("p")))?;
                }
            }
            (_, Value::Array(items)) => {
                let singular = PLURAL.iter().find(|(_, p)| p == key).map(|(s, _)| *s).unwrap_or(key);
                for item in items {
                    write_value(w, singular, item)?;
                }
            }
            (k, val) => write_value(w, k, val)?,
        }
    }
    w.write_event(Event::End(BytesEnd::new(name)))
}

/// Writes an OSCAL catalog document (as produced by [`super::catalog_to_value`]) as OSCAL XML.
pub fn catalog_to_xml(doc: &Value) -> Result<Vec<u8>, ExportError> {
    let catalog = doc.get("catalog").ok_or_else(|| ExportError::Serialize("document has no catalog".into()))?;
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    let io = |e: std::io::Error| ExportError::Serialize(e.to_string());
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None))).map_err(io)?;
    // The catalog element holds metadata before groups and controls, so it is written specially.
    let Value::Object(o) = catalog else {
        return Err(ExportError::Serialize("catalog is not an object".into()));
    };
    let mut start = BytesStart::new("catalog");
    start.push_attribute(("xmlns", "http://csrc.nist.gov/ns/oscal/1.0"));
    if let Some(Value::String(u)) = o.get("uuid") {
        start.push_attribute(("uuid", u.as_str()));
    }
    w.write_event(Event::Start(start)).map_err(io)?;
    if let Some(md) = o.get("metadata") {
        write_value(&mut w, "metadata", md).map_err(io)?;
    }
    for key in ["groups", "controls"] {
        if let Some(Value::Array(items)) = o.get(key) {
            let singular = if key == "groups" { "group" } else { "control" };
            for item in items {
                write_value(&mut w, singular, item).map_err(io)?;
            }
        }
    }
    w.write_event(Event::End(BytesEnd::new("catalog"))).map_err(io)?;
    Ok(w.into_inner())
}
