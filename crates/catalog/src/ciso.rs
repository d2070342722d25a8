//! CISO Assistant library YAML: framework libraries and requirement-mapping libraries, both ways.
//!
//! Nodes keep their URN in `source_id`, so a library imported and exported again re-imports equal.
//! CISO Assistant has no untyped "related" relation; our `Related` links are written as `intersect`.

use std::collections::{BTreeMap, HashMap};

use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};
use serde_saphyr::Spanned;

use crate::crosswalk::{Authorship, Crosswalk, Link, NodeRef, Relation};
use crate::error::{ErrorKind, ExportError, ImportError, Location};
use crate::model::{Framework, I18n, Node, NodeKind, Source, Verification};

#[derive(Debug, Default, Serialize, Deserialize)]
struct Tr {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    description: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(untagged)]
enum Version {
    Int(i64),
    Text(String),
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Library {
    urn: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    locale: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    ref_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    copyright: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    version: Option<Version>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    provider: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    packager: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    publication_date: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    translations: BTreeMap<String, Tr>,
    #[serde(default)]
    objects: Objects,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Objects {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    framework: Option<CFramework>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    requirement_mapping_set: Option<MappingSet>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    requirement_mapping_sets: Vec<MappingSet>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct CFramework {
    urn: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    ref_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    translations: BTreeMap<String, Tr>,
    #[serde(default)]
    requirement_nodes: Vec<ReqNode>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct ReqNode {
    urn: String,
    #[serde(default)]
    assessable: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    depth: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    parent_urn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    ref_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    translations: BTreeMap<String, Tr>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct MappingSet {
    urn: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    ref_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    source_framework_urn: String,
    target_framework_urn: String,
    #[serde(default)]
    requirement_mappings: Vec<ReqMapping>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct ReqMapping {
    source_requirement_urn: String,
    target_requirement_urn: String,
    relationship: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    rationale: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    strength_of_relationship: Option<u8>,
}

/// What a CISO Assistant library contained.
#[derive(Debug, Default)]
pub struct CisoLibrary {
    /// The framework, for framework libraries.
    pub framework: Option<Framework>,
    /// Mapping sets, for requirement-mapping libraries. Node refs hold requirement URNs; see
    /// [`Crosswalk::resolve_source_ids`].
    pub crosswalks: Vec<Crosswalk>,
    /// For each crosswalk, the lines of each link's source and target URN.
    pub link_locations: Vec<Vec<(Location, Location)>>,
}

type At = Option<Spanned<IgnoredAny>>;

/// Where the parts of a library sit in the text: parsed again, only when a location is needed.
#[derive(Deserialize)]
struct LibSpans {
    #[serde(default)]
    objects: Option<Spanned<ObjSpans>>,
}

#[derive(Deserialize)]
struct ObjSpans {
    #[serde(default)]
    framework: Option<Spanned<FwSpans>>,
    #[serde(default)]
    requirement_mapping_set: Option<Spanned<SetSpans>>,
    #[serde(default)]
    requirement_mapping_sets: Vec<Spanned<SetSpans>>,
}

#[derive(Deserialize)]
struct FwSpans {
    #[serde(default)]
    urn: At,
    #[serde(default)]
    ref_id: At,
    #[serde(default)]
    requirement_nodes: Vec<Spanned<NodeSpans>>,
}

#[derive(Deserialize)]
struct NodeSpans {
    #[serde(default)]
    urn: At,
    #[serde(default)]
    parent_urn: At,
    #[serde(default)]
    ref_id: At,
}

#[derive(Deserialize)]
struct SetSpans {
    #[serde(default)]
    source_framework_urn: At,
    #[serde(default)]
    target_framework_urn: At,
    #[serde(default)]
    requirement_mappings: Vec<Spanned<MapSpans>>,
}

#[derive(Deserialize)]
struct MapSpans {
    #[serde(default)]
    source_requirement_urn: At,
    #[serde(default)]
    target_requirement_urn: At,
    #[serde(default)]
    relationship: At,
}

/// JSON pointers of a library's parts and the lines they start on.
fn line_map(text: &str) -> HashMap<String, u64> {
    let mut lines = HashMap::new();
    let Ok(spans) = serde_saphyr::from_str::<LibSpans>(text) else { return lines };
    let mut put = |ptr: String, at: &At| {
        if let Some(a) = at {
            lines.insert(ptr, a.referenced.line());
        }
    };
    let Some(objects) = spans.objects else { return lines };
    put("/objects".into(), &Some(Spanned::new(IgnoredAny, objects.referenced, objects.defined)));
    let objects = objects.value;
    if let Some(f) = objects.framework {
        put("/objects/framework".into(), &Some(Spanned::new(IgnoredAny, f.referenced, f.defined)));
        let base = "/objects/framework";
        put(format!("{base}/urn"), &f.value.urn);
        put(format!("{base}/ref_id"), &f.value.ref_id);
        for (i, n) in f.value.requirement_nodes.iter().enumerate() {
            let p = format!("{base}/requirement_nodes/{i}");
            put(p.clone(), &Some(Spanned::new(IgnoredAny, n.referenced, n.defined)));
            put(format!("{p}/urn"), &n.value.urn);
            put(format!("{p}/parent_urn"), &n.value.parent_urn);
            put(format!("{p}/ref_id"), &n.value.ref_id);
        }
    }
    let single = objects.requirement_mapping_set.map(|s| ("/objects/requirement_mapping_set".to_owned(), s));
    let many = objects
        .requirement_mapping_sets
        .into_iter()
        .enumerate()
        .map(|(i, s)| (format!("/objects/requirement_mapping_sets/{i}"), s));
    for (base, set) in single.into_iter().chain(many) {
        put(base.clone(), &Some(Spanned::new(IgnoredAny, set.referenced, set.defined)));
        put(format!("{base}/source_framework_urn"), &set.value.source_framework_urn);
        put(format!("{base}/target_framework_urn"), &set.value.target_framework_urn);
        for (i, m) in set.value.requirement_mappings.iter().enumerate() {
            let p = format!("{base}/requirement_mappings/{i}");
            put(p.clone(), &Some(Spanned::new(IgnoredAny, m.referenced, m.defined)));
            put(format!("{p}/source_requirement_urn"), &m.value.source_requirement_urn);
            put(format!("{p}/target_requirement_urn"), &m.value.target_requirement_urn);
            put(format!("{p}/relationship"), &m.value.relationship);
        }
    }
    lines
}

fn line_of(lines: &HashMap<String, u64>, pointer: &str) -> Location {
    crate::oscal::relocate(ImportError::at(pointer, ErrorKind::UnknownFormat), lines).location
}

/// Last `:`-separated segment of a URN, as a framework id.
fn urn_id(urn: &str) -> String {
    crate::oscal::slug(urn.rsplit(':').next().unwrap_or(urn))
}

fn yaml_error(e: serde_saphyr::Error) -> ImportError {
    match e.location() {
        Some(l) => ImportError::line(l.line(), Some(l.column()), ErrorKind::Syntax(e.to_string())),
        None => ImportError::new(Location::None, ErrorKind::Syntax(e.to_string())),
    }
}

/// Parses a CISO Assistant library (framework or requirement-mapping set). Errors carry the line
/// of the YAML node at fault.
pub fn import_ciso(text: &str) -> Result<CisoLibrary, ImportError> {
    let lib: Library = serde_saphyr::from_str(text).map_err(yaml_error)?;
    let mut out = import_library(&lib).map_err(|e| crate::oscal::relocate(e, &line_map(text)))?;
    if !out.crosswalks.is_empty() {
        let lines = line_map(text);
        for (i, xw) in out.crosswalks.iter().enumerate() {
            let base = set_pointer(&lib, i);
            out.link_locations.push(
                (0..xw.links.len())
                    .map(|j| {
                        let p = format!("{base}/requirement_mappings/{j}");
                        (
                            line_of(&lines, &format!("{p}/source_requirement_urn")),
                            line_of(&lines, &format!("{p}/target_requirement_urn")),
                        )
                    })
                    .collect(),
            );
        }
    }
    Ok(out)
}

fn import_library(lib: &Library) -> Result<CisoLibrary, ImportError> {
    let mut out = CisoLibrary::default();
    if let Some(f) = &lib.objects.framework {
        out.framework = Some(framework(lib, f)?);
    }
    let sets = lib.objects.requirement_mapping_set.iter().chain(lib.objects.requirement_mapping_sets.iter());
    for (i, set) in sets.enumerate() {
        out.crosswalks.push(mapping_set(lib, set, i)?);
    }
    if out.framework.is_none() && out.crosswalks.is_empty() {
        return Err(ImportError::at("/objects", ErrorKind::Missing("framework or requirement_mapping_set".into())));
    }
    Ok(out)
}

fn set_pointer(lib: &Library, index: usize) -> String {
    if lib.objects.requirement_mapping_set.is_some() && index == 0 {
        "/objects/requirement_mapping_set".to_owned()
    } else if lib.objects.requirement_mapping_set.is_some() {
        format!("/objects/requirement_mapping_sets/{}", index - 1)
    } else {
        format!("/objects/requirement_mapping_sets/{index}")
    }
}

fn i18n(
    primary: Option<&str>,
    locale: &str,
    translations: &BTreeMap<String, Tr>,
    pick: fn(&Tr) -> Option<&String>,
) -> I18n {
    let primary = primary.unwrap_or("").to_owned();
    let other = |lang: &str| translations.get(lang).and_then(pick).cloned().unwrap_or_default();
    if locale == "ja" { I18n { ja: primary, en: other("en") } } else { I18n { ja: other("ja"), en: primary } }
}

fn framework(lib: &Library, f: &CFramework) -> Result<Framework, ImportError> {
    if f.ref_id.as_deref().is_none_or(|r| r.trim().is_empty()) {
        return Err(ImportError::at("/objects/framework", ErrorKind::Missing("ref_id".into())));
    }
    let locale = lib.locale.as_deref().unwrap_or("en");
    let base = "/objects/framework/requirement_nodes";
    let mut urn_to_ref: HashMap<&str, String> = HashMap::new();
    let mut used = std::collections::HashSet::new();
    for (i, n) in f.requirement_nodes.iter().enumerate() {
        if n.urn.trim().is_empty() {
            return Err(ImportError::at(&format!("{base}/{i}"), ErrorKind::Missing("urn".into())));
        }
        let r = n.ref_id.clone().filter(|r| !r.trim().is_empty() && !used.contains(r)).unwrap_or_else(|| n.urn.clone());
        used.insert(r.clone());
        if urn_to_ref.insert(n.urn.as_str(), r).is_some() {
            return Err(ImportError::at(
                &format!("{base}/{i}/urn"),
                ErrorKind::BadValue { field: "urn".into(), reason: format!("duplicate urn {:?}", n.urn) },
            ));
        }
    }
    let mut nodes = Vec::with_capacity(f.requirement_nodes.len());
    for (i, n) in f.requirement_nodes.iter().enumerate() {
        let parent = match &n.parent_urn {
            Some(p) => Some(urn_to_ref.get(p.as_str()).cloned().ok_or_else(|| {
                ImportError::at(
                    &format!("{base}/{i}/parent_urn"),
                    ErrorKind::BadValue { field: "parent_urn".into(), reason: format!("no node has urn {p:?}") },
                )
            })?),
            None => None,
        };
        let has_children = f.requirement_nodes.iter().any(|c| c.parent_urn.as_deref() == Some(n.urn.as_str()));
        let ref_id = urn_to_ref.get(n.urn.as_str()).cloned().unwrap_or_default();
        nodes.push(Node {
            title: i18n(n.name.as_deref(), locale, &n.translations, |t| t.name.as_ref()),
            text: i18n(n.description.as_deref(), locale, &n.translations, |t| t.description.as_ref()),
            kind: if n.assessable {
                NodeKind::Requirement
            } else if has_children {
                NodeKind::Group
            } else {
                NodeKind::Requirement
            },
            assessable: n.assessable,
            parent,
            source_id: Some(n.urn.clone()),
            verification: Verification::Verified,
            ref_id,
            ..Default::default()
        });
    }
    let mut note = format!("CISO Assistant library {}", lib.urn);
    if let Some(p) = &lib.packager {
        note.push_str(&format!(", packaged by {p}"));
    }
    let fw = Framework {
        id: urn_id(&f.urn),
        name: i18n(f.name.as_deref().or(lib.name.as_deref()), locale, &f.translations, |t| t.name.as_ref()),
        publisher: lib.provider.clone().unwrap_or_default(),
        version: match &lib.version {
            Some(Version::Int(v)) => v.to_string(),
            Some(Version::Text(v)) => v.clone(),
            None => String::new(),
        },
        published: lib.publication_date.clone(),
        description: i18n(f.description.as_deref(), locale, &f.translations, |t| t.description.as_ref()),
        provenance: vec![Source {
            title: lib.name.clone().unwrap_or_else(|| lib.urn.clone()),
            url: None,
            date: None,
            note: Some(note),
        }],
        licence_note: lib.copyright.clone().unwrap_or_default(),
        verification: Verification::Verified,
        nodes,
        ..Default::default()
    };
    fw.validate().map_err(|e| ImportError::at("/objects/framework", ErrorKind::Invalid(e)))?;
    Ok(fw)
}

fn relation(text: &str, ptr: &str) -> Result<Relation, ImportError> {
    Ok(match text.trim().to_ascii_lowercase().as_str() {
        "equal" | "equivalent" => Relation::Equal,
        "subset" => Relation::Subset,
        "superset" => Relation::Superset,
        "intersect" | "intersects" => Relation::Intersects,
        "not_related" => Relation::NotRelated,
        other => {
            return Err(ImportError::at(
                ptr,
                ErrorKind::BadValue { field: "relationship".into(), reason: format!("unknown relationship {other:?}") },
            ));
        }
    })
}

fn mapping_set(lib: &Library, set: &MappingSet, index: usize) -> Result<Crosswalk, ImportError> {
    let base = set_pointer(lib, index);
    let (src, tgt) = (urn_id(&set.source_framework_urn), urn_id(&set.target_framework_urn));
    let id = urn_id(&set.urn);
    let mut links = Vec::with_capacity(set.requirement_mappings.len());
    for (i, m) in set.requirement_mappings.iter().enumerate() {
        links.push(Link {
            source: NodeRef::new(&src, &m.source_requirement_urn),
            target: NodeRef::new(&tgt, &m.target_requirement_urn),
            relation: relation(&m.relationship, &format!("{base}/requirement_mappings/{i}/relationship"))?,
            confidence: crate::crosswalk::Confidence::Medium,
            crosswalk: id.clone(),
            rationale: m.rationale.clone(),
            strength: m.strength_of_relationship,
        });
    }
    Ok(Crosswalk {
        id,
        name: set.name.clone().or_else(|| lib.name.clone()).unwrap_or_else(|| set.urn.clone()),
        source_framework: src,
        target_framework: tgt,
        authorship: Authorship::Imported,
        provenance: vec![Source {
            title: lib.name.clone().unwrap_or_else(|| lib.urn.clone()),
            url: None,
            date: None,
            note: Some(format!("CISO Assistant mapping library {}; set {}", lib.urn, set.urn)),
        }],
        notes: vec![format!(
            "source framework {}; target framework {}",
            set.source_framework_urn, set.target_framework_urn
        )],
        links,
    })
}

impl Crosswalk {
    /// Rewrites node refs that hold a source identifier (e.g. a CISO Assistant URN) to the `ref_id` of
    /// the node with that `source_id` in the given frameworks. Returns how many refs were rewritten.
    pub fn resolve_source_ids(&mut self, frameworks: &[Framework]) -> usize {
        let mut map: HashMap<(&str, &str), &str> = HashMap::new();
        for f in frameworks {
            for n in &f.nodes {
                if let Some(s) = &n.source_id {
                    map.insert((f.id.as_str(), s.as_str()), n.ref_id.as_str());
                }
            }
        }
        let mut count = 0;
        for l in &mut self.links {
            for end in [&mut l.source, &mut l.target] {
                if let Some(r) = map.get(&(end.framework.as_str(), end.ref_id.as_str())) {
                    end.ref_id = (*r).to_owned();
                    count += 1;
                }
            }
        }
        count
    }
}

fn node_urn(fw: &Framework, n: &Node) -> String {
    n.source_id
        .clone()
        .filter(|s| s.starts_with("urn:"))
        .unwrap_or_else(|| format!("urn:mamori:risk:req_node:{}:{}", fw.id, crate::oscal::slug(&n.ref_id)))
}

fn tr(name: &str, description: &str) -> BTreeMap<String, Tr> {
    let mut m = BTreeMap::new();
    if !name.is_empty() || !description.is_empty() {
        m.insert(
            "ja".to_owned(),
            Tr {
                name: Some(name.to_owned()).filter(|s| !s.is_empty()),
                description: Some(description.to_owned()).filter(|s| !s.is_empty()),
            },
        );
    }
    m
}

fn some(s: &str) -> Option<String> {
    Some(s.to_owned()).filter(|s| !s.is_empty())
}

/// Writes a framework as a CISO Assistant framework library (locale `en`, Japanese as translations).
pub fn export_ciso_framework(fw: &Framework) -> Result<Vec<u8>, ExportError> {
    let urns: HashMap<&str, String> = fw.nodes.iter().map(|n| (n.ref_id.as_str(), node_urn(fw, n))).collect();
    let mut nodes = Vec::with_capacity(fw.nodes.len());
    for n in &fw.nodes {
        let depth = fw.path(&n.ref_id).len() as u32;
        let urn = urns.get(n.ref_id.as_str()).cloned().unwrap_or_default();
        nodes.push(ReqNode {
            ref_id: if n.source_id.as_deref() == Some(n.ref_id.as_str()) { None } else { Some(n.ref_id.clone()) },
            parent_urn: n.parent.as_deref().and_then(|p| urns.get(p).cloned()),
            assessable: n.assessable,
            depth: Some(depth),
            name: some(&n.title.en),
            description: some(&n.text.en),
            translations: tr(&n.title.ja, &n.text.ja),
            urn,
        });
    }
    let prefix = fw.provenance.iter().find_map(|s| {
        s.note
            .as_deref()?
            .strip_prefix("CISO Assistant library ")
            .map(|r| r.split(", packaged by ").collect::<Vec<_>>())
    });
    let (lib_urn, packager) = match prefix {
        Some(parts) => (parts[0].to_owned(), parts.get(1).map(|p| (*p).to_owned())),
        None => (format!("urn:mamori:risk:library:{}", fw.id), Some("mamori".to_owned())),
    };
    let lib = Library {
        urn: lib_urn,
        locale: Some("en".into()),
        ref_id: Some(fw.id.clone()),
        name: fw
            .provenance
            .first()
            .map(|s| s.title.clone())
            .filter(|_| prefix_is_ciso(fw))
            .or_else(|| some(&fw.name.en)),
        description: some(&fw.description.en),
        copyright: some(&fw.licence_note),
        version: if fw.version.is_empty() {
            None
        } else {
            Some(fw.version.parse::<i64>().map(Version::Int).unwrap_or_else(|_| Version::Text(fw.version.clone())))
        },
        provider: some(&fw.publisher),
        packager,
        publication_date: fw.published.clone(),
        translations: tr(&fw.name.ja, &fw.description.ja),
        objects: Objects {
            framework: Some(CFramework {
                urn: format!("urn:mamori:risk:framework:{}", fw.id),
                ref_id: Some(fw.id.clone()),
                name: some(&fw.name.en),
                description: some(&fw.description.en),
                translations: tr(&fw.name.ja, &fw.description.ja),
                requirement_nodes: nodes,
            }),
            ..Default::default()
        },
    };
    serde_saphyr::to_string(&lib).map(String::into_bytes).map_err(|e| ExportError::Serialize(e.to_string()))
}

fn prefix_is_ciso(fw: &Framework) -> bool {
    fw.provenance.iter().any(|s| s.note.as_deref().is_some_and(|n| n.starts_with("CISO Assistant library ")))
}

/// Writes crosswalks as a CISO Assistant requirement-mapping library. `Related` becomes `intersect`.
pub fn export_ciso_mappings(
    crosswalks: &[Crosswalk],
    library_urn: &str,
    frameworks: &[Framework],
) -> Result<Vec<u8>, ExportError> {
    let urn_of = |r: &NodeRef| -> String {
        frameworks
            .iter()
            .find(|f| f.id == r.framework)
            .and_then(|f| f.node(&r.ref_id).map(|n| node_urn(f, n)))
            .unwrap_or_else(|| r.ref_id.clone())
    };
    let sets: Vec<MappingSet> = crosswalks
        .iter()
        .map(|c| MappingSet {
            urn: format!("urn:mamori:risk:req_mapping_set:{}", c.id),
            ref_id: Some(c.id.clone()),
            name: Some(c.name.clone()),
            source_framework_urn: format!("urn:mamori:risk:framework:{}", c.source_framework),
            target_framework_urn: format!("urn:mamori:risk:framework:{}", c.target_framework),
            requirement_mappings: c
                .links
                .iter()
                .map(|l| ReqMapping {
                    source_requirement_urn: urn_of(&l.source),
                    target_requirement_urn: urn_of(&l.target),
                    relationship: match l.relation {
                        Relation::Equal => "equal",
                        Relation::Subset => "subset",
                        Relation::Superset => "superset",
                        Relation::Intersects | Relation::Related => "intersect",
                        Relation::NotRelated => "not_related",
                    }
                    .to_owned(),
                    rationale: l.rationale.clone(),
                    strength_of_relationship: l.strength,
                })
                .collect(),
        })
        .collect();
    let mut lib = Library {
        urn: library_urn.to_owned(),
        locale: Some("en".into()),
        packager: Some("mamori".into()),
        ..Default::default()
    };
    let mut sets = sets.into_iter();
    lib.objects.requirement_mapping_set = sets.next();
    lib.objects.requirement_mapping_sets = sets.collect();
    serde_saphyr::to_string(&lib).map(String::into_bytes).map_err(|e| ExportError::Serialize(e.to_string()))
}
