//! Request and response bodies of the catalog endpoints, with their OpenAPI schemas.

use mamori_catalog::{Framework, Node};
use mamori_store::{CatalogView, ImportReport, StoredFramework};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// The text form of a serde enum value (`"related"`, `"verified"`, …).
pub fn text_of<T: Serialize>(v: &T) -> String {
    serde_json::to_value(v).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

/// One framework in a listing (its latest version unless a version was asked for).
#[derive(Debug, Serialize, ToSchema)]
pub struct FrameworkSummaryDto {
    pub id: String,
    pub name_en: String,
    pub name_ja: String,
    pub publisher: String,
    pub version: String,
    pub published: Option<String>,
    /// Assessable, not withdrawn nodes.
    pub requirements: i64,
    /// The count the complete official list has, when not all of it ships.
    pub expected_requirements: Option<usize>,
    pub nodes: i64,
    /// verified, secondary, unverified or own.
    pub verification: String,
    pub builtin: bool,
    /// True for a framework private to the caller's organization.
    pub private: bool,
    /// Every stored version, oldest first.
    pub versions: Vec<String>,
    pub imported_at: i64,
}

impl FrameworkSummaryDto {
    pub fn new(view: &CatalogView, f: &StoredFramework) -> Self {
        let fw = &f.framework;
        FrameworkSummaryDto {
            id: fw.id.clone(),
            name_en: fw.name.en.clone(),
            name_ja: fw.name.ja.clone(),
            publisher: fw.publisher.clone(),
            version: fw.version.clone(),
            published: fw.published.clone(),
            requirements: f.info.assessable_count,
            expected_requirements: fw.expected_assessable,
            nodes: f.info.node_count,
            verification: text_of(&fw.verification),
            builtin: f.info.builtin,
            private: f.info.owner_org_id.is_some(),
            versions: view.versions(&fw.id).iter().map(|v| v.info.version.clone()).collect(),
            imported_at: f.info.imported_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SourceDto {
    pub title: String,
    pub url: Option<String>,
    pub date: Option<String>,
    pub note: Option<String>,
}

/// One node of a framework tree.
#[derive(Debug, Serialize, ToSchema)]
pub struct NodeDto {
    pub ref_id: String,
    pub parent: Option<String>,
    /// group, requirement or criterion.
    pub kind: String,
    pub assessable: bool,
    pub title_en: String,
    pub title_ja: String,
    pub text_en: String,
    pub text_ja: String,
    /// Tags in `type:value` form, e.g. `cpsf_category:AM`.
    pub tags: Vec<String>,
    pub verification: String,
    pub withdrawn: bool,
}

impl From<&Node> for NodeDto {
    fn from(n: &Node) -> Self {
        NodeDto {
            ref_id: n.ref_id.clone(),
            parent: n.parent.clone(),
            kind: text_of(&n.kind),
            assessable: n.assessable,
            title_en: n.title.en.clone(),
            title_ja: n.title.ja.clone(),
            text_en: n.text.en.clone(),
            text_ja: n.text.ja.clone(),
            tags: n.tags.iter().map(|t| t.to_text()).collect(),
            verification: text_of(&n.verification),
            withdrawn: n.withdrawn,
        }
    }
}

/// A framework version with provenance and its whole node tree.
#[derive(Debug, Serialize, ToSchema)]
pub struct FrameworkDto {
    pub summary: FrameworkSummaryDto,
    pub description_en: String,
    pub description_ja: String,
    pub licence_note: String,
    pub provenance: Vec<SourceDto>,
    pub notes: Vec<String>,
    pub nodes: Vec<NodeDto>,
}

impl FrameworkDto {
    pub fn new(view: &CatalogView, f: &StoredFramework) -> Self {
        let fw: &Framework = &f.framework;
        FrameworkDto {
            summary: FrameworkSummaryDto::new(view, f),
            description_en: fw.description.en.clone(),
            description_ja: fw.description.ja.clone(),
            licence_note: fw.licence_note.clone(),
            provenance: fw
                .provenance
                .iter()
                .map(|s| SourceDto {
                    title: s.title.clone(),
                    url: s.url.clone(),
                    date: s.date.clone(),
                    note: s.note.clone(),
                })
                .collect(),
            notes: fw.notes.clone(),
            nodes: fw.nodes.iter().map(NodeDto::from).collect(),
        }
    }
}

/// A crosswalk link seen from one node.
#[derive(Debug, Serialize, ToSchema)]
pub struct LinkDto {
    /// outgoing (this node is the link's source) or incoming.
    pub direction: String,
    /// The node at the other end.
    pub framework: String,
    pub ref_id: String,
    /// "this node RELATION other node": equal, subset, superset, intersects, related, not_related.
    pub relation: String,
    pub confidence: String,
    /// The crosswalk the link comes from.
    pub crosswalk: String,
    /// official, ours or imported.
    pub authorship: Option<String>,
    pub rationale: Option<String>,
}

/// One node with its place in the tree and its crosswalk links in both directions.
#[derive(Debug, Serialize, ToSchema)]
pub struct NodeDetailDto {
    pub framework: String,
    pub version: String,
    pub node: NodeDto,
    /// ref_ids from the root down to the parent.
    pub path: Vec<String>,
    pub children: Vec<String>,
    pub links: Vec<LinkDto>,
}

/// "What does this node of FROM correspond to in TO", directly or through one pivot.
#[derive(Debug, Serialize, ToSchema)]
pub struct MappingDto {
    pub source_framework: String,
    pub source_ref: String,
    pub target_framework: String,
    pub target_ref: String,
    /// The (composed) relation from source to target.
    pub relation: String,
    /// The weakest confidence along the way.
    pub confidence: String,
    /// `framework:ref_id` of the intermediate node, for answers through a pivot.
    pub pivot: Option<String>,
    /// Crosswalk ids of the links used, in order.
    pub crosswalks: Vec<String>,
    /// Authorship of each of those crosswalks.
    pub authorship: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ImportedFrameworkDto {
    pub id: String,
    pub version: String,
    pub requirements: usize,
    /// added or unchanged.
    pub status: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ImportedCrosswalkDto {
    pub id: String,
    pub links: usize,
    /// added, replaced or unchanged.
    pub status: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ImportResultDto {
    pub format: Option<String>,
    pub frameworks: Vec<ImportedFrameworkDto>,
    pub crosswalks: Vec<ImportedCrosswalkDto>,
}

impl From<ImportReport> for ImportResultDto {
    fn from(r: ImportReport) -> Self {
        ImportResultDto {
            format: r.format.map(|f| text_of(&f)),
            frameworks: r
                .frameworks
                .into_iter()
                .map(|(id, version, requirements, s)| ImportedFrameworkDto {
                    id,
                    version,
                    requirements,
                    status: text_of(&s),
                })
                .collect(),
            crosswalks: r
                .crosswalks
                .into_iter()
                .map(|(id, links, s)| ImportedCrosswalkDto { id, links, status: text_of(&s) })
                .collect(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ChangedNodeDto {
    pub ref_id: String,
    pub fields: Vec<String>,
}

/// Added, removed and changed nodes from one framework version to another.
#[derive(Debug, Serialize, ToSchema)]
pub struct DiffDto {
    /// `id@version` of the old side.
    pub from: String,
    /// `id@version` of the new side.
    pub to: String,
    pub added: Vec<String>,
    pub removed: Vec<String>,
    pub changed: Vec<ChangedNodeDto>,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VersionQuery {
    /// A stored version; the latest when absent.
    pub version: Option<String>,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NodesQuery {
    /// Text to find in ref_id, title or text (Japanese or English, case-insensitive).
    pub q: Option<String>,
    /// A tag in `type:value` form, e.g. `cpsf_category:AM` or `csf_function:PR`.
    pub tag: Option<String>,
    pub version: Option<String>,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CrosswalkQuery {
    /// Source framework id.
    pub from: String,
    /// Target framework id; without it, every link touching `from` is listed.
    pub to: Option<String>,
    /// Only this node of `from`.
    pub node: Option<String>,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// The file name, used in error locations and for format detection.
    pub filename: Option<String>,
    /// auto (default), oscal, oscal-xml, oscal-profile, ciso-assistant, csv, cpsf-csv, jcstar-csv or mamori-json.
    pub format: Option<String>,
    /// Store the framework under this id.
    pub id: Option<String>,
    /// Framework (`id` or `id@version`) to resolve an OSCAL profile against.
    pub catalog: Option<String>,
    /// tenant (default: private to the token's organization, role admin) or global (platform administrators).
    pub scope: Option<String>,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// oscal, oscal-xml, csv, ciso-assistant or json.
    pub format: String,
    pub version: Option<String>,
}
