//! OSCAL catalog (JSON object model) to and from a [`Framework`].
//!
//! Our own exports carry every framework field as props in the mamori namespace, so that export
//! followed by import gives back an equal framework. Foreign catalogs map as: groups → group nodes,
//! controls → requirement nodes (nested controls keep their parent), `label` prop → `ref_id`,
//! statement prose → text, `status=withdrawn` → withdrawn.

use serde_json::{Value, json};

use super::value::{MAX_NESTING, Obj};
use super::{MAMORI_NS, OSCAL_VERSION, deterministic_uuid, slug, token};
use crate::error::{ErrorKind, ExportError, ImportError};
use crate::model::{Framework, I18n, LevelDescriptor, Node, NodeKind, Source, Tag, Verification};
use crate::scale::Scale;

struct Prop<'a> {
    name: &'a str,
    value: &'a str,
    ns: Option<&'a str>,
    class: Option<&'a str>,
}

fn props<'a>(o: &Obj<'a>) -> Result<Vec<Prop<'a>>, ImportError> {
    let mut out = Vec::new();
    for (ptr, v) in o.arr("props")? {
        let p = Obj::new(v, &ptr)?;
        out.push(Prop {
            name: p.req_str("name")?,
            value: p.req_str("value")?,
            ns: p.opt_str("ns")?,
            class: p.opt_str("class")?,
        });
    }
    Ok(out)
}

/// Decodes one of our props; text that could not be a plain prop value is stored JSON-encoded under `<name>-json`.
fn decode(p: &Prop<'_>, name: &str) -> Option<String> {
    if p.ns != Some(MAMORI_NS) {
        return None;
    }
    if p.name == name {
        return Some(p.value.to_owned());
    }
    let json_name = p.name.strip_suffix("-json")?;
    if json_name != name {
        return None;
    }
    serde_json::from_str::<String>(p.value).ok()
}

fn ours(props: &[Prop<'_>], name: &str) -> Option<String> {
    props.iter().find_map(|p| decode(p, name))
}

fn ours_all(props: &[Prop<'_>], name: &str) -> Vec<String> {
    props.iter().filter_map(|p| decode(p, name)).collect()
}

fn json_prop<T: serde::de::DeserializeOwned>(value: &str, ptr: &str, name: &str) -> Result<T, ImportError> {
    serde_json::from_str(value)
        .map_err(|e| ImportError::at(ptr, ErrorKind::BadValue { field: name.into(), reason: e.to_string() }))
}

fn enum_prop<T: serde::de::DeserializeOwned>(value: &str, ptr: &str, name: &str) -> Result<T, ImportError> {
    json_prop(&Value::String(value.to_owned()).to_string(), ptr, name)
}

/// Collects the prose of a part and its sub-parts, prefixing sub-parts with their labels.
fn prose(part: &Obj<'_>, depth: usize, out: &mut Vec<String>) -> Result<(), ImportError> {
    if depth > MAX_NESTING {
        return Err(ImportError::at(&part.ptr, ErrorKind::TooDeep(MAX_NESTING)));
    }
    let label = props(part)?.iter().find(|p| p.name == "label" && p.ns.is_none()).map(|p| p.value.to_owned());
    if let Some(text) = part.opt_str("prose")? {
        let text = text.trim();
        if !text.is_empty() {
            out.push(match (&label, depth) {
                (Some(l), d) if d > 0 => format!("{l} {text}"),
                _ => text.to_owned(),
            });
        }
    }
    for (ptr, v) in part.arr("parts")? {
        prose(&Obj::new(v, &ptr)?, depth + 1, out)?;
    }
    Ok(())
}

struct Walk<'f> {
    fw: &'f mut Framework,
    cprt_csf: bool,
    order: Vec<Option<usize>>,
}

impl Walk<'_> {
    fn item(
        &mut self,
        v: &Value,
        ptr: &str,
        parent: Option<&str>,
        is_group: bool,
        depth: usize,
    ) -> Result<(), ImportError> {
        if depth > MAX_NESTING {
            return Err(ImportError::at(ptr, ErrorKind::TooDeep(MAX_NESTING)));
        }
        let o = Obj::new(v, ptr)?;
        let id = if is_group { o.opt_str("id")?.unwrap_or("") } else { o.req_str("id")? };
        let title = o.req_str("title")?;
        let class = o.opt_str("class")?;
        let ps = props(&o)?;
        let label = ps
            .iter()
            .find(|p| p.name == "label" && p.ns.is_none() && p.class.is_none())
            .or_else(|| ps.iter().find(|p| p.name == "label" && p.ns.is_none()));
        let ref_id = ours(&ps, "ref-id").unwrap_or_else(|| label.map(|p| p.value).unwrap_or(id).to_owned());
        let ref_id = if ref_id.is_empty() { title.to_owned() } else { ref_id };

        let mut statement = Vec::new();
        let mut statement_ja = None;
        let mut has_example = false;
        let mut statement_empty = true;
        for (pptr, pv) in o.arr("parts")? {
            let part = Obj::new(pv, &pptr)?;
            match (part.req_str("name")?, part.opt_str("ns")?) {
                ("statement", None) | ("overview", None) => {
                    prose(&part, 0, &mut statement)?;
                    statement_empty = statement.is_empty();
                }
                ("statement-ja", Some(MAMORI_NS)) => statement_ja = part.opt_str("prose")?.map(str::to_owned),
                ("example", _) => has_example = true,
                _ => {}
            }
        }
        let structural_group = is_group || matches!(class, Some("function" | "category"));
        let kind = match ours(&ps, "kind") {
            Some(k) => enum_prop(&k, ptr, "kind")?,
            None if structural_group => NodeKind::Group,
            None => NodeKind::Requirement,
        };
        let assessable = match ours(&ps, "assessable") {
            Some(a) => a == "true",
            None => kind != NodeKind::Group,
        };
        let status_withdrawn = ps.iter().any(|p| p.name == "status" && p.ns.is_none() && p.value == "withdrawn");
        // NIST's CAPORDINO CSF 2.0 catalog keeps CSF 1.1 ids without a status prop: withdrawn categories
        // have an empty statement and withdrawn subcategories have no implementation examples.
        let cprt_withdrawn = self.cprt_csf
            && ((class == Some("category") && statement_empty) || (class == Some("subcategory") && !has_example));
        let mut tags = Vec::new();
        for t in ours_all(&ps, "tag") {
            tags.push(Tag::parse(&t).ok_or_else(|| {
                ImportError::at(ptr, ErrorKind::BadValue { field: "tag".into(), reason: format!("unknown tag {t:?}") })
            })?);
        }
        let level_descriptors: Vec<LevelDescriptor> = match ours(&ps, "level-descriptors") {
            Some(j) => json_prop(&j, ptr, "level-descriptors")?,
            None => Vec::new(),
        };
        let node = Node {
            ref_id: ref_id.clone(),
            parent: parent.map(str::to_owned),
            kind,
            assessable,
            title: I18n {
                ja: ours(&ps, "title-ja").unwrap_or_default(),
                en: if ours(&ps, "title-empty").is_some() { String::new() } else { title.to_owned() },
            },
            text: I18n {
                ja: ours(&ps, "text-ja").or(statement_ja).unwrap_or_default(),
                en: ours(&ps, "text-en").unwrap_or_else(|| statement.join("\n")),
            },
            tags,
            verification: match ours(&ps, "verification") {
                Some(v) => enum_prop(&v, ptr, "verification")?,
                None => Verification::Verified,
            },
            withdrawn: status_withdrawn || cprt_withdrawn,
            scale: ours(&ps, "scale"),
            level_descriptors,
            weight: match ours(&ps, "weight") {
                Some(w) => Some(w.parse().map_err(|_| {
                    ImportError::at(
                        ptr,
                        ErrorKind::BadValue { field: "weight".into(), reason: "not an integer".into() },
                    )
                })?),
                None => None,
            },
            source_id: match ours(&ps, "source-id") {
                Some(s) => Some(s),
                None if ours(&ps, "ref-id").is_some() => None,
                None => Some(id.to_owned()).filter(|s| !s.is_empty()),
            },
            note: ours(&ps, "note"),
        };
        let order = match ours(&ps, "order") {
            Some(o) => Some(o.parse::<usize>().map_err(|_| {
                ImportError::at(ptr, ErrorKind::BadValue { field: "order".into(), reason: "not an integer".into() })
            })?),
            None => None,
        };
        self.order.push(order);
        if self.fw.nodes.len() >= crate::validate::MAX_NODES {
            return Err(ImportError::at(
                ptr,
                ErrorKind::Invalid(crate::ValidationError::TooManyNodes(self.fw.nodes.len() + 1)),
            ));
        }
        self.fw.nodes.push(node);
        for key in ["groups", "controls"] {
            for (cptr, cv) in o.arr(key)? {
                self.item(cv, &cptr, Some(&ref_id), key == "groups", depth + 1)?;
            }
        }
        Ok(())
    }
}

/// Converts an OSCAL catalog document (`{"catalog": {...}}`) to a framework. `framework_id` overrides
/// the id that would otherwise come from our own prop or from the title.
pub fn catalog_from_value(doc: &Value, framework_id: Option<&str>) -> Result<Framework, ImportError> {
    let root = Obj::new(doc, "")?;
    let cat_v = root.obj("catalog").ok_or_else(|| ImportError::at("", ErrorKind::Missing("catalog".into())))?;
    let cat = Obj::new(cat_v, "/catalog")?;
    let md_v = cat.obj("metadata").ok_or_else(|| ImportError::at("/catalog", ErrorKind::Missing("metadata".into())))?;
    let md = Obj::new(md_v, "/catalog/metadata")?;
    let title = md.req_str("title")?;
    let ps = props(&md)?;
    let mptr = "/catalog/metadata";
    let cprt_csf = ps.iter().any(|p| p.name == "framework-identifier" && p.value == "CSF")
        && ps.iter().any(|p| p.name == "framework-version-identifier" && p.value.starts_with("CSF_2"));
    let ours_meta = ours(&ps, "framework-id").is_some();
    let mut fw = Framework {
        id: framework_id.map(str::to_owned).or_else(|| ours(&ps, "framework-id")).unwrap_or_else(|| slug(title)),
        name: I18n { ja: ours(&ps, "name-ja").unwrap_or_default(), en: title.to_owned() },
        publisher: match ours(&ps, "publisher") {
            Some(p) => p,
            None if ours_meta => String::new(),
            None => publisher(&md),
        },
        version: md.opt_str("version")?.unwrap_or("").to_owned(),
        published: match ours(&ps, "published") {
            Some(p) => Some(p),
            None if ours_meta => None,
            None => md.opt_str("published")?.map(|p| p.chars().take(10).collect()),
        },
        description: I18n {
            ja: ours(&ps, "description-ja").unwrap_or_default(),
            en: ours(&ps, "description-en").unwrap_or_default(),
        },
        provenance: Vec::new(),
        licence_note: ours(&ps, "licence-note").unwrap_or_default(),
        verification: match ours(&ps, "verification") {
            Some(v) => enum_prop(&v, mptr, "verification")?,
            None => Verification::Verified,
        },
        scales: match ours(&ps, "scales") {
            Some(j) => json_prop::<Vec<Scale>>(&j, mptr, "scales")?,
            None => Vec::new(),
        },
        default_scale: ours(&ps, "default-scale"),
        expected_assessable: match ours(&ps, "expected-assessable") {
            Some(n) => Some(n.parse().map_err(|_| {
                ImportError::at(
                    mptr,
                    ErrorKind::BadValue { field: "expected-assessable".into(), reason: "not an integer".into() },
                )
            })?),
            None => None,
        },
        notes: ours_all(&ps, "note"),
        nodes: Vec::new(),
    };
    if ours_meta {
        for s in ours_all(&ps, "source") {
            fw.provenance.push(json_prop::<Source>(&s, mptr, "source")?);
        }
    } else {
        let uuid = cat.opt_str("uuid")?.unwrap_or("");
        let mut note = format!("OSCAL catalog uuid {uuid}");
        for key in ["oscal-version", "last-modified"] {
            if let Some(v) = md.opt_str(key)? {
                note.push_str(&format!(", {key} {v}"));
            }
        }
        fw.provenance.push(Source {
            title: title.to_owned(),
            url: None,
            date: md.opt_str("last-modified")?.map(|d| d.chars().take(10).collect()),
            note: Some(note),
        });
        if cprt_csf {
            fw.notes.push("CSF 1.1 identifiers kept by NIST's CAPORDINO catalog are flagged withdrawn (empty category statement, or subcategory without implementation examples).".into());
        }
    }
    let mut walk = Walk { fw: &mut fw, cprt_csf, order: Vec::new() };
    for key in ["groups", "controls"] {
        for (ptr, v) in cat.arr(key)? {
            walk.item(v, &ptr, None, key == "groups", 0)?;
        }
    }
    // Our exports record each node's position, because OSCAL separates groups from controls and would
    // otherwise reorder siblings.
    let order = std::mem::take(&mut walk.order);
    if !order.is_empty() && order.iter().all(Option::is_some) {
        let mut paired: Vec<(usize, Node)> = order.into_iter().flatten().zip(std::mem::take(&mut fw.nodes)).collect();
        paired.sort_by_key(|(o, _)| *o);
        fw.nodes = paired.into_iter().map(|(_, n)| n).collect();
    }
    fw.validate().map_err(|e| ImportError::at("/catalog", ErrorKind::Invalid(e)))?;
    Ok(fw)
}

fn publisher(md: &Obj<'_>) -> String {
    let Ok(parties) = md.arr("parties") else {
        return String::new();
    };
    parties
        .iter()
        .find_map(|(_, p)| {
            let o = p.as_object()?;
            let short = o.get("short-name").and_then(Value::as_str);
            short.or_else(|| o.get("name").and_then(Value::as_str)).map(str::to_owned)
        })
        .unwrap_or_default()
}

fn prop(name: &str, value: &str) -> Value {
    json!({"name": name, "ns": MAMORI_NS, "value": value})
}

fn push_text(props: &mut Vec<Value>, name: &str, value: &str) {
    // OSCAL prop values may not be empty or start/end with whitespace; such values become JSON strings.
    if value.is_empty() {
        return;
    }
    if value.trim() == value && !value.contains('\n') {
        props.push(prop(name, value));
    } else {
        props.push(prop(&format!("{name}-json"), &Value::String(value.to_owned()).to_string()));
    }
}

fn to_json_text<T: serde::Serialize>(v: &T) -> Result<String, ExportError> {
    serde_json::to_string(v).map_err(|e| ExportError::Serialize(e.to_string()))
}

fn enum_text<T: serde::Serialize>(v: &T) -> Result<String, ExportError> {
    Ok(to_json_text(v)?.trim_matches('"').to_owned())
}

/// Converts a framework to an OSCAL catalog document. The result re-imports to an equal framework.
pub fn catalog_to_value(fw: &Framework, last_modified: &str) -> Result<Value, ExportError> {
    let mut mprops = vec![prop("framework-id", &fw.id), prop("verification", &enum_text(&fw.verification)?)];
    push_text(&mut mprops, "name-ja", &fw.name.ja);
    push_text(&mut mprops, "publisher", &fw.publisher);
    if let Some(p) = &fw.published {
        push_text(&mut mprops, "published", p);
    }
    push_text(&mut mprops, "description-en", &fw.description.en);
    push_text(&mut mprops, "description-ja", &fw.description.ja);
    push_text(&mut mprops, "licence-note", &fw.licence_note);
    if !fw.scales.is_empty() {
        mprops.push(prop("scales", &to_json_text(&fw.scales)?));
    }
    if let Some(s) = &fw.default_scale {
        mprops.push(prop("default-scale", s));
    }
    if let Some(n) = fw.expected_assessable {
        mprops.push(prop("expected-assessable", &n.to_string()));
    }
    for n in &fw.notes {
        push_text(&mut mprops, "note", n);
    }
    for s in &fw.provenance {
        mprops.push(prop("source", &to_json_text(s)?));
    }
    let mut title = fw.name.en.clone();
    if title.is_empty() {
        title.clone_from(&fw.name.ja);
    }
    let metadata = json!({
        "title": title,
        "last-modified": last_modified,
        "version": if fw.version.is_empty() { "unspecified" } else { &fw.version },
        "oscal-version": OSCAL_VERSION,
        "props": mprops,
    });
    let mut top_groups = Vec::new();
    let mut top_controls = Vec::new();
    let positions: std::collections::HashMap<&str, usize> =
        fw.nodes.iter().enumerate().map(|(i, n)| (n.ref_id.as_str(), i)).collect();
    for n in fw.roots() {
        let v = node_to_value(fw, &positions, n, 0)?;
        if n.kind == NodeKind::Group { top_groups.push(v) } else { top_controls.push(v) }
    }
    let mut catalog = json!({"uuid": deterministic_uuid(&["catalog", &fw.id, &fw.version]), "metadata": metadata});
    if let Some(o) = catalog.as_object_mut() {
        if !top_groups.is_empty() {
            o.insert("groups".into(), Value::Array(top_groups));
        }
        if !top_controls.is_empty() {
            o.insert("controls".into(), Value::Array(top_controls));
        }
    }
    Ok(json!({ "catalog": catalog }))
}

fn node_to_value(
    fw: &Framework,
    positions: &std::collections::HashMap<&str, usize>,
    n: &Node,
    depth: usize,
) -> Result<Value, ExportError> {
    if depth > MAX_NESTING {
        return Err(ExportError::Unsupported {
            format: "oscal",
            reason: format!("node {:?} nests too deep", n.ref_id),
        });
    }
    let id = n.source_id.clone().unwrap_or_else(|| token(&n.ref_id));
    let mut ps = vec![json!({"name": "label", "value": n.ref_id}), prop("ref-id", &n.ref_id)];
    if let Some(s) = &n.source_id {
        ps.push(prop("source-id", s));
    }
    ps.push(prop("kind", &enum_text(&n.kind)?));
    if let Some(i) = positions.get(n.ref_id.as_str()) {
        ps.push(prop("order", &i.to_string()));
    }
    ps.push(prop("assessable", if n.assessable { "true" } else { "false" }));
    ps.push(prop("verification", &enum_text(&n.verification)?));
    push_text(&mut ps, "title-ja", &n.title.ja);
    for t in &n.tags {
        ps.push(prop("tag", &t.to_text()));
    }
    if let Some(s) = &n.scale {
        ps.push(prop("scale", s));
    }
    if !n.level_descriptors.is_empty() {
        ps.push(prop("level-descriptors", &to_json_text(&n.level_descriptors)?));
    }
    if let Some(w) = n.weight {
        ps.push(prop("weight", &w.to_string()));
    }
    if let Some(note) = &n.note {
        push_text(&mut ps, "note", note);
    }
    if n.withdrawn {
        ps.push(json!({"name": "status", "value": "withdrawn"}));
    }
    // XML prose is paragraph-based and collapses whitespace; text it cannot carry exactly is kept in a prop.
    for (name, text) in [("text-en-json", &n.text.en), ("text-ja-json", &n.text.ja)] {
        if !text.is_empty() && text.split('\n').any(|l| l.is_empty() || l.trim() != l || l.contains("  ")) {
            ps.push(prop(name, &Value::String(text.clone()).to_string()));
        }
    }
    if n.title.en.is_empty() {
        ps.push(prop("title-empty", "true"));
    }
    let title = if n.title.en.is_empty() { n.ref_id.clone() } else { n.title.en.clone() };
    let mut o = serde_json::Map::new();
    o.insert("id".into(), Value::String(id.clone()));
    o.insert("title".into(), Value::String(title));
    o.insert("props".into(), Value::Array(ps));
    let mut parts = Vec::new();
    if !n.text.en.is_empty() {
        let name = if n.kind == NodeKind::Group { "overview" } else { "statement" };
        parts.push(json!({"id": format!("{id}_smt"), "name": name, "prose": n.text.en}));
    }
    if !n.text.ja.is_empty() {
        parts.push(json!({"id": format!("{id}_smt_ja"), "name": "statement-ja", "ns": MAMORI_NS, "prose": n.text.ja}));
    }
    if !parts.is_empty() {
        o.insert("parts".into(), Value::Array(parts));
    }
    let (mut groups, mut controls) = (Vec::new(), Vec::new());
    for c in fw.children(&n.ref_id) {
        let v = node_to_value(fw, positions, c, depth + 1)?;
        if c.kind == NodeKind::Group && n.kind == NodeKind::Group { groups.push(v) } else { controls.push(v) }
    }
    // OSCAL controls cannot contain groups, so group nodes under a control are exported as controls
    // and keep their kind through the mamori `kind` prop.
    if !groups.is_empty() {
        o.insert("groups".into(), Value::Array(groups));
    }
    if !controls.is_empty() {
        o.insert("controls".into(), Value::Array(controls));
    }
    Ok(Value::Object(o))
}
