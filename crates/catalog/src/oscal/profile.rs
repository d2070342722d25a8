//! OSCAL profiles: reading `include-controls` / `exclude-controls` and resolving against a catalog.

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use super::slug;
use super::value::Obj;
use crate::error::{ErrorKind, ImportError};
use crate::model::{Framework, I18n, NodeKind, Source};

/// One `imports` entry of a profile.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportSelection {
    /// The imported resource (catalog or profile) as written.
    pub href: String,
    /// `include-all` was given.
    pub include_all: bool,
    /// Control ids from `include-controls/with-ids`, with whether children come too and the pointer.
    pub include: Vec<(String, bool, String)>,
    /// Control ids from `exclude-controls/with-ids`.
    pub exclude: Vec<String>,
}

/// What a profile selects.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProfileSelection {
    /// Profile title.
    pub title: String,
    /// Profile version.
    pub version: String,
    /// Profile uuid.
    pub uuid: String,
    /// The imports.
    pub imports: Vec<ImportSelection>,
}

fn ids(o: &Obj<'_>) -> Result<Vec<String>, ImportError> {
    let mut out = Vec::new();
    for (ptr, v) in o.arr("with-ids")? {
        match v {
            Value::String(s) => out.push(s.clone()),
            _ => {
                return Err(ImportError::at(
                    &ptr,
                    ErrorKind::BadValue { field: "with-ids".into(), reason: "expected a string".into() },
                ));
            }
        }
    }
    if !o.arr("matching")?.is_empty() {
        return Err(ImportError::at(
            &o.ptr,
            ErrorKind::Unsupported("pattern selection (`matching`) is not supported".into()),
        ));
    }
    Ok(out)
}

/// Reads the selection of an OSCAL profile document (`{"profile": {...}}`).
pub fn profile_from_value(doc: &Value) -> Result<ProfileSelection, ImportError> {
    let root = Obj::new(doc, "")?;
    let p = Obj::new(
        root.obj("profile").ok_or_else(|| ImportError::at("", ErrorKind::Missing("profile".into())))?,
        "/profile",
    )?;
    let md = Obj::new(
        p.obj("metadata").ok_or_else(|| ImportError::at("/profile", ErrorKind::Missing("metadata".into())))?,
        "/profile/metadata",
    )?;
    let mut sel = ProfileSelection {
        title: md.req_str("title")?.to_owned(),
        version: md.opt_str("version")?.unwrap_or("").to_owned(),
        uuid: p.opt_str("uuid")?.unwrap_or("").to_owned(),
        imports: Vec::new(),
    };
    let imports = p.arr("imports")?;
    if imports.is_empty() {
        return Err(ImportError::at("/profile", ErrorKind::Missing("imports".into())));
    }
    for (ptr, v) in imports {
        let imp = Obj::new(v, &ptr)?;
        let mut s = ImportSelection {
            href: imp.req_str("href")?.to_owned(),
            include_all: imp.obj("include-all").is_some(),
            ..Default::default()
        };
        for (iptr, iv) in imp.arr("include-controls")? {
            let inc = Obj::new(iv, &iptr)?;
            let children = inc.opt_str("with-child-controls")? == Some("yes");
            for (n, id) in ids(&inc)?.into_iter().enumerate() {
                s.include.push((id, children, format!("{iptr}/with-ids/{n}")));
            }
        }
        for (eptr, ev) in imp.arr("exclude-controls")? {
            s.exclude.extend(ids(&Obj::new(ev, &eptr)?)?);
        }
        sel.imports.push(s);
    }
    Ok(sel)
}

/// Resolves a profile against an imported catalog: keeps the selected controls and the groups and
/// parents needed to hold them (parents that were not selected stay but are not assessable).
/// Controls are matched by OSCAL id (`source_id`), then by `ref_id`.
pub fn resolve_profile(
    sel: &ProfileSelection,
    catalog: &Framework,
    framework_id: Option<&str>,
) -> Result<Framework, ImportError> {
    let mut by_id: HashMap<&str, usize> = HashMap::new();
    for (i, n) in catalog.nodes.iter().enumerate() {
        by_id.entry(n.ref_id.as_str()).or_insert(i);
        if let Some(s) = &n.source_id {
            by_id.insert(s.as_str(), i);
        }
    }
    let mut selected: HashSet<usize> = HashSet::new();
    for imp in &sel.imports {
        if imp.include_all {
            selected
                .extend(catalog.nodes.iter().enumerate().filter(|(_, n)| n.kind != NodeKind::Group).map(|(i, _)| i));
        }
        for (id, children, ptr) in &imp.include {
            let &i =
                by_id.get(id.as_str()).ok_or_else(|| ImportError::at(ptr, ErrorKind::UnknownControl(id.clone())))?;
            selected.insert(i);
            if *children {
                let mut stack = vec![catalog.nodes[i].ref_id.as_str()];
                while let Some(r) = stack.pop() {
                    for (ci, c) in catalog.nodes.iter().enumerate().filter(|(_, c)| c.parent.as_deref() == Some(r)) {
                        selected.insert(ci);
                        stack.push(c.ref_id.as_str());
                    }
                }
            }
        }
        for id in &imp.exclude {
            if let Some(i) = by_id.get(id.as_str()) {
                selected.remove(i);
            }
        }
    }
    let index: HashMap<&str, usize> = catalog.nodes.iter().enumerate().map(|(i, n)| (n.ref_id.as_str(), i)).collect();
    let mut keep: HashSet<usize> = selected.clone();
    for &i in &selected {
        let mut p = catalog.nodes[i].parent.as_deref();
        while let Some(r) = p {
            let Some(&pi) = index.get(r) else { break };
            if !keep.insert(pi) {
                break;
            }
            p = catalog.nodes[pi].parent.as_deref();
        }
    }
    let nodes = catalog
        .nodes
        .iter()
        .enumerate()
        .filter(|(i, _)| keep.contains(i))
        .map(|(i, n)| {
            let mut n = n.clone();
            if !selected.contains(&i) {
                n.assessable = false;
            }
            n
        })
        .collect();
    let mut provenance = vec![Source {
        title: sel.title.clone(),
        url: None,
        date: None,
        note: Some(format!(
            "OSCAL profile uuid {}, resolved against catalog {:?} ({})",
            sel.uuid, catalog.id, catalog.version
        )),
    }];
    provenance.extend(catalog.provenance.iter().cloned());
    let fw = Framework {
        id: framework_id.map(str::to_owned).unwrap_or_else(|| slug(&sel.title)),
        name: I18n::en(sel.title.clone()),
        version: if sel.version.is_empty() { catalog.version.clone() } else { sel.version.clone() },
        provenance,
        nodes,
        ..catalog.clone()
    };
    fw.validate().map_err(|e| ImportError::at("/profile", ErrorKind::Invalid(e)))?;
    Ok(fw)
}
