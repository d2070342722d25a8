//! Framework resolution for assessments and the one adapter from catalog nodes to the assess crate's requirement view.
//!
//! Until imported framework versions live in the store, frameworks come from the
//! built-in catalog. Every caller goes through [`framework`], so switching the source
//! later touches only this file.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, LazyLock};

use mamori_assess::model::{TAG_CRITICALITY, TAG_DIRECTIVE, TAG_SCS_LEVEL};
use mamori_assess::{MaturityScale, Requirement};
use mamori_catalog::{
    CrosswalkIndex, Framework, Node, ScaleKind, ScsLevel, Tag, builtin_crosswalks, builtin_frameworks,
};

static BUILTIN: LazyLock<Vec<Arc<Framework>>> = LazyLock::new(|| match builtin_frameworks() {
    Ok(list) => list.into_iter().map(Arc::new).collect(),
    Err(e) => {
        tracing::error!(error = %e, "built-in frameworks failed to load");
        Vec::new()
    }
});

static CROSSWALKS: LazyLock<CrosswalkIndex> = LazyLock::new(|| match builtin_crosswalks() {
    Ok(list) => CrosswalkIndex::from_crosswalks(&list),
    Err(e) => {
        tracing::error!(error = %e, "built-in crosswalks failed to load");
        CrosswalkIndex::default()
    }
});

static PLANS: LazyLock<HashMap<(String, String), Arc<Plan>>> = LazyLock::new(|| {
    BUILTIN.iter().map(|fw| ((fw.id.clone(), fw.version.clone()), Arc::new(Plan::new(fw.clone())))).collect()
});

/// The framework version an assessment is pinned to.
pub fn framework(id: &str, version: &str) -> Option<Arc<Framework>> {
    BUILTIN.iter().find(|f| f.id == id && f.version == version).cloned()
}

/// Every framework an assessment can be created for.
pub fn frameworks() -> Vec<Arc<Framework>> {
    BUILTIN.clone()
}

/// All crosswalk links, indexed.
pub fn crosswalks() -> &'static CrosswalkIndex {
    &CROSSWALKS
}

/// How answers to one requirement are given.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AnswerKind {
    /// Implementation status only.
    Status,
    /// Status plus a maturity level on the framework's scale.
    Maturity,
    /// SECURITY ACTION self-check points (4/2/0/−1).
    Points,
    /// Met / not met (SCS); stored as implemented / not implemented.
    PassFail,
}

/// One assessable requirement: the catalog node, its view for scoring, and how it is answered.
#[derive(Clone, Debug)]
pub struct PlanItem {
    pub node: Node,
    pub req: Requirement,
    pub kind: AnswerKind,
    /// Depth in the tree (0 for a top-level requirement), for indentation.
    pub depth: usize,
    /// Titles of the groups above it, root first.
    pub groups: Vec<(String, mamori_catalog::I18n)>,
}

/// A framework flattened for assessment: assessable requirements in tree order.
#[derive(Debug)]
pub struct Plan {
    pub framework: Arc<Framework>,
    pub items: Vec<PlanItem>,
    pub scale: MaturityScale,
    pub has_maturity: bool,
    index: HashMap<String, usize>,
}

/// The plan of a framework version, computed once.
pub fn plan(id: &str, version: &str) -> Option<Arc<Plan>> {
    PLANS.get(&(id.to_owned(), version.to_owned())).cloned()
}

impl Plan {
    fn new(fw: Arc<Framework>) -> Plan {
        let scale = maturity_scale(&fw);
        let mut children: BTreeMap<Option<&str>, Vec<&Node>> = BTreeMap::new();
        for n in fw.nodes.iter().filter(|n| !n.withdrawn) {
            children.entry(n.parent.as_deref()).or_default().push(n);
        }
        let by_id: HashMap<&str, &Node> = fw.nodes.iter().map(|n| (n.ref_id.as_str(), n)).collect();
        let mut items = Vec::new();
        let mut stack: Vec<(&Node, usize)> =
            children.get(&None).map(|v| v.iter().rev().map(|n| (*n, 0)).collect()).unwrap_or_default();
        while let Some((node, depth)) = stack.pop() {
            if node.assessable {
                items.push(item(&fw, node, depth, &by_id));
            }
            if let Some(kids) = children.get(&Some(node.ref_id.as_str())) {
                stack.extend(kids.iter().rev().map(|k| (*k, depth + 1)));
            }
        }
        let index = items.iter().enumerate().map(|(i, it)| (it.req.id.clone(), i)).collect();
        let has_maturity = items.iter().any(|i| i.kind == AnswerKind::Maturity);
        Plan { framework: fw, items, scale: scale.unwrap_or_default(), has_maturity, index }
    }

    /// The requirement views, in tree order.
    pub fn requirements(&self) -> Vec<Requirement> {
        self.items.iter().map(|i| i.req.clone()).collect()
    }

    /// One requirement by id.
    pub fn item(&self, id: &str) -> Option<&PlanItem> {
        self.index.get(id).and_then(|&i| self.items.get(i))
    }

    /// Position of a requirement in tree order.
    pub fn position(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied()
    }
}

fn maturity_scale(fw: &Framework) -> Option<MaturityScale> {
    let s = fw.scales.iter().find(|s| s.kind == ScaleKind::Maturity)?;
    let min = s.levels.iter().map(|l| l.value).min()?;
    let max = s.levels.iter().map(|l| l.value).max()?;
    MaturityScale::new(u8::try_from(min).ok()?, u8::try_from(max).ok()?).ok()
}

fn answer_kind(fw: &Framework, node: &Node) -> AnswerKind {
    let scale_id = node.scale.as_deref().or(fw.default_scale.as_deref());
    let kind = scale_id.and_then(|id| fw.scales.iter().find(|s| s.id == id)).map(|s| s.kind);
    match kind {
        Some(ScaleKind::Maturity) => AnswerKind::Maturity,
        Some(ScaleKind::Points) => AnswerKind::Points,
        Some(ScaleKind::PassFail) => AnswerKind::PassFail,
        _ => AnswerKind::Status,
    }
}

/// The adapter: a catalog node becomes a [`Requirement`] with the tags the scoring functions read.
fn item(fw: &Framework, node: &Node, depth: usize, by_id: &HashMap<&str, &Node>) -> PlanItem {
    let mut path = Vec::new();
    let mut groups = Vec::new();
    let mut cur = node.parent.as_deref();
    while let Some(p) = cur {
        let Some(parent) = by_id.get(p) else { break };
        path.push(parent.ref_id.clone());
        groups.push((parent.ref_id.clone(), parent.title.clone()));
        cur = parent.parent.as_deref();
        if path.len() > 32 {
            break;
        }
    }
    path.reverse();
    groups.reverse();
    let mut req = Requirement::new(node.ref_id.clone(), path).weighted(f64::from(node.weight.unwrap_or(1)));
    for tag in &node.tags {
        match tag {
            Tag::ScsLevel(ScsLevel::Star3) => req = req.tag(TAG_SCS_LEVEL, "3"),
            Tag::ScsLevel(ScsLevel::Star4) => req = req.tag(TAG_SCS_LEVEL, "4"),
            Tag::CsfFunction(f) => req = req.tag("csf_function", format!("{f:?}")),
            Tag::DirectiveGroup(g) => req = req.tag("directive_group", g.to_string()),
            Tag::Free(text) => {
                if let Some(n) = text.strip_prefix("指示").and_then(|n| n.parse::<u8>().ok()) {
                    req = req.tag(TAG_DIRECTIVE, n.to_string());
                } else if let Some(c) = text.strip_prefix("criticality=") {
                    req = req.tag(TAG_CRITICALITY, c);
                }
            }
            _ => {}
        }
    }
    // Guidelines questions may also sit under their directive node instead of carrying a tag.
    if req.tag_value(TAG_DIRECTIVE).is_none()
        && let Some(n) =
            req.parent_path.iter().rev().find_map(|p| p.strip_prefix("指示").and_then(|n| n.parse::<u8>().ok()))
    {
        req = req.tag(TAG_DIRECTIVE, n.to_string());
    }
    PlanItem { node: node.clone(), req, kind: answer_kind(fw, node), depth, groups }
}
