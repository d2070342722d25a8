//! The OSCAL 1.2 control mapping model (`mapping-collection`) to and from [`Crosswalk`]s.
//!
//! OSCAL has no untyped "related" relationship. Our `Related` links are written as `intersects-with`
//! with a mamori `relation=related` prop so that our own exports re-import exactly; foreign readers see
//! the weakest set relation OSCAL offers.

use serde_json::{Value, json};

use super::value::Obj;
use super::{MAMORI_NS, OSCAL_VERSION, deterministic_uuid, slug, token};
use crate::crosswalk::{Authorship, Confidence, Crosswalk, Link, NodeRef, Relation};
use crate::error::{ErrorKind, ExportError, ImportError};
use crate::model::Source;

fn relation_from(text: &str, ptr: &str) -> Result<Relation, ImportError> {
    Ok(match text {
        "equal-to" | "equivalent-to" => Relation::Equal,
        "subset-of" => Relation::Subset,
        "superset-of" => Relation::Superset,
        "intersects-with" => Relation::Intersects,
        "no-relationship" => Relation::NotRelated,
        other => {
            return Err(ImportError::at(
                ptr,
                ErrorKind::BadValue { field: "relationship".into(), reason: format!("unknown relationship {other:?}") },
            ));
        }
    })
}

fn relation_to(r: Relation) -> &'static str {
    match r {
        Relation::Equal => "equal-to",
        Relation::Subset => "subset-of",
        Relation::Superset => "superset-of",
        Relation::Intersects | Relation::Related => "intersects-with",
        Relation::NotRelated => "no-relationship",
    }
}

fn our_props<'a>(o: &Obj<'a>) -> Result<Vec<(&'a str, &'a str)>, ImportError> {
    let mut out = Vec::new();
    for (ptr, v) in o.arr("props")? {
        let p = Obj::new(v, &ptr)?;
        if p.opt_str("ns")? == Some(MAMORI_NS) {
            out.push((p.req_str("name")?, p.req_str("value")?));
        }
    }
    Ok(out)
}

fn get<'a>(props: &[(&'a str, &'a str)], name: &str) -> Option<&'a str> {
    props.iter().find(|(n, _)| *n == name).map(|(_, v)| *v)
}

fn enum_from<T: serde::de::DeserializeOwned>(v: &str, ptr: &str, field: &str) -> Result<T, ImportError> {
    serde_json::from_value(Value::String(v.to_owned()))
        .map_err(|e| ImportError::at(ptr, ErrorKind::BadValue { field: field.into(), reason: e.to_string() }))
}

fn framework_from_href(href: &str) -> String {
    let stem = href.rsplit(['/', '#']).next().unwrap_or(href);
    let lower = stem.to_ascii_lowercase();
    let stem = [".json", ".xml", ".yaml", ".yml"]
        .iter()
        .find_map(|ext| lower.ends_with(ext).then(|| &stem[..stem.len() - ext.len()]))
        .unwrap_or(stem);
    slug(stem)
}

/// Reads an OSCAL mapping-collection document into one crosswalk per `mappings` entry.
pub fn mapping_from_value(doc: &Value) -> Result<Vec<Crosswalk>, ImportError> {
    let root = Obj::new(doc, "")?;
    let mc = Obj::new(
        root.obj("mapping-collection")
            .ok_or_else(|| ImportError::at("", ErrorKind::Missing("mapping-collection".into())))?,
        "/mapping-collection",
    )?;
    let md = Obj::new(
        mc.obj("metadata")
            .ok_or_else(|| ImportError::at("/mapping-collection", ErrorKind::Missing("metadata".into())))?,
        "/mapping-collection/metadata",
    )?;
    let title = md.req_str("title")?;
    let collection_uuid = mc.opt_str("uuid")?.unwrap_or("");
    let mut out = Vec::new();
    for (mptr, mv) in mc.arr("mappings")? {
        let m = Obj::new(mv, &mptr)?;
        let props = our_props(&m)?;
        let href = |key: &str| -> Result<String, ImportError> {
            let r = Obj::new(m.obj(key).ok_or_else(|| ImportError::at(&mptr, ErrorKind::Missing(key.into())))?, &mptr)?;
            Ok(r.req_str("href")?.to_owned())
        };
        let source_fw = get(&props, "source-framework")
            .map(str::to_owned)
            .map_or_else(|| href("source-resource").map(|h| framework_from_href(&h)), Ok)?;
        let target_fw = get(&props, "target-framework")
            .map(str::to_owned)
            .map_or_else(|| href("target-resource").map(|h| framework_from_href(&h)), Ok)?;
        let uuid = m.opt_str("uuid")?.unwrap_or("");
        let id = get(&props, "crosswalk-id")
            .map(str::to_owned)
            .unwrap_or_else(|| format!("{source_fw}--{target_fw}--{}", &uuid.chars().take(8).collect::<String>()));
        let mut provenance = Vec::new();
        let mut notes = Vec::new();
        for (name, value) in &props {
            match *name {
                "source" => provenance.push(serde_json::from_str::<Source>(value).map_err(|e| {
                    ImportError::at(&mptr, ErrorKind::BadValue { field: "source".into(), reason: e.to_string() })
                })?),
                "note" => notes.push(serde_json::from_str::<String>(value).unwrap_or_else(|_| (*value).to_owned())),
                _ => {}
            }
        }
        if get(&props, "crosswalk-id").is_none() {
            provenance.push(Source {
                title: title.to_owned(),
                url: None,
                date: None,
                note: Some(format!("OSCAL mapping-collection uuid {collection_uuid}, mapping uuid {uuid}")),
            });
        }
        let mut links = Vec::new();
        for (eptr, ev) in m.arr("maps")? {
            let e = Obj::new(ev, &eptr)?;
            let eprops = our_props(&e)?;
            let mut relation = relation_from(e.req_str("relationship")?, &eptr)?;
            if let Some(r) = get(&eprops, "relation") {
                relation = enum_from(r, &eptr, "relation")?;
            }
            let confidence = match get(&eprops, "confidence") {
                Some(c) => enum_from(c, &eptr, "confidence")?,
                None => Confidence::Medium,
            };
            let strength = match get(&eprops, "strength") {
                Some(s) => Some(s.parse().map_err(|_| {
                    ImportError::at(
                        &eptr,
                        ErrorKind::BadValue { field: "strength".into(), reason: "not an integer 0–255".into() },
                    )
                })?),
                None => None,
            };
            let refs = |key: &str, our: &str| -> Result<Vec<String>, ImportError> {
                if let Some(r) = get(&eprops, our) {
                    return Ok(vec![r.to_owned()]);
                }
                let items = e.arr(key)?;
                if items.is_empty() {
                    return Err(ImportError::at(&eptr, ErrorKind::Missing(key.into())));
                }
                items.iter().map(|(p, v)| Ok(Obj::new(v, p)?.req_str("id-ref")?.to_owned())).collect()
            };
            for s in refs("sources", "source-ref")? {
                for t in refs("targets", "target-ref")? {
                    links.push(Link {
                        source: NodeRef::new(&source_fw, &s),
                        target: NodeRef::new(&target_fw, t),
                        relation,
                        confidence,
                        crosswalk: id.clone(),
                        rationale: e.opt_str("remarks")?.map(str::to_owned),
                        strength,
                    });
                }
            }
        }
        out.push(Crosswalk {
            id: id.clone(),
            name: get(&props, "name").map(str::to_owned).unwrap_or_else(|| title.to_owned()),
            source_framework: source_fw,
            target_framework: target_fw,
            authorship: match get(&props, "authorship") {
                Some(a) => enum_from(a, &mptr, "authorship")?,
                None => Authorship::Imported,
            },
            provenance,
            notes,
            links,
        });
    }
    if out.is_empty() {
        return Err(ImportError::at("/mapping-collection", ErrorKind::Missing("mappings".into())));
    }
    Ok(out)
}

fn p(name: &str, value: &str) -> Value {
    json!({"name": name, "ns": MAMORI_NS, "value": value})
}

fn text<T: serde::Serialize>(v: &T) -> Result<String, ExportError> {
    Ok(serde_json::to_string(v).map_err(|e| ExportError::Serialize(e.to_string()))?.trim_matches('"').to_owned())
}

/// Writes crosswalks as one OSCAL 1.2 mapping-collection. The result re-imports to equal crosswalks.
pub fn mapping_to_value(crosswalks: &[Crosswalk], title: &str, last_modified: &str) -> Result<Value, ExportError> {
    let mut mappings = Vec::new();
    for c in crosswalks {
        let mut props = vec![
            p("crosswalk-id", &c.id),
            p("name", &c.name),
            p("source-framework", &c.source_framework),
            p("target-framework", &c.target_framework),
            p("authorship", &text(&c.authorship)?),
        ];
        for s in &c.provenance {
            props.push(p("source", &serde_json::to_string(s).map_err(|e| ExportError::Serialize(e.to_string()))?));
        }
        for n in &c.notes {
            props.push(p("note", &serde_json::to_string(n).map_err(|e| ExportError::Serialize(e.to_string()))?));
        }
        let mut maps = Vec::new();
        for (i, l) in c.links.iter().enumerate() {
            let mut eprops = vec![
                p("confidence", &text(&l.confidence)?),
                p("source-ref", &l.source.ref_id),
                p("target-ref", &l.target.ref_id),
            ];
            if l.relation == Relation::Related {
                eprops.push(p("relation", "related"));
            }
            if let Some(s) = l.strength {
                eprops.push(p("strength", &s.to_string()));
            }
            let mut entry = json!({
                "uuid": deterministic_uuid(&["map", &c.id, &i.to_string()]),
                "relationship": relation_to(l.relation),
                "sources": [{"type": "control", "id-ref": token(&l.source.ref_id)}],
                "targets": [{"type": "control", "id-ref": token(&l.target.ref_id)}],
                "props": eprops,
            });
            if let (Some(r), Some(o)) = (&l.rationale, entry.as_object_mut()) {
                o.insert("remarks".into(), Value::String(r.clone()));
            }
            maps.push(entry);
        }
        mappings.push(json!({
            "uuid": deterministic_uuid(&["mapping", &c.id]),
            "source-resource": {"type": "catalog", "href": format!("#{}", c.source_framework)},
            "target-resource": {"type": "catalog", "href": format!("#{}", c.target_framework)},
            "props": props,
            "maps": maps,
        }));
    }
    Ok(json!({"mapping-collection": {
        "uuid": deterministic_uuid(&["mapping-collection", title]),
        "metadata": {"title": title, "last-modified": last_modified, "version": "1.0", "oscal-version": OSCAL_VERSION},
        "provenance": {"method": "human", "matching-rationale": "semantic", "status": "complete", "mapping-description": title},
        "mappings": mappings,
    }}))
}
