//! Differences between two versions of a framework: added, removed and changed nodes.

use serde::Serialize;

use crate::model::{Framework, Node};

/// What changed on a node present in both versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NodeChange {
    /// The node's ref_id.
    pub ref_id: String,
    /// Names of the fields that differ (`title`, `text`, `parent`, …).
    pub fields: Vec<&'static str>,
}

/// The difference from `old` to `new`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FrameworkDiff {
    /// ref_ids only in the new version, in its order.
    pub added: Vec<String>,
    /// ref_ids only in the old version, in its order.
    pub removed: Vec<String>,
    /// Nodes in both whose content differs.
    pub changed: Vec<NodeChange>,
}

impl FrameworkDiff {
    /// True when the versions have the same nodes with the same content.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}

fn changed_fields(a: &Node, b: &Node) -> Vec<&'static str> {
    let mut f = Vec::new();
    let checks: [(&'static str, bool); 11] = [
        ("parent", a.parent != b.parent),
        ("kind", a.kind != b.kind),
        ("assessable", a.assessable != b.assessable),
        ("title", a.title != b.title),
        ("text", a.text != b.text),
        ("tags", a.tags != b.tags),
        ("verification", a.verification != b.verification),
        ("withdrawn", a.withdrawn != b.withdrawn),
        ("scale", a.scale != b.scale || a.level_descriptors != b.level_descriptors),
        ("weight", a.weight != b.weight),
        ("note", a.note != b.note),
    ];
    for (name, differs) in checks {
        if differs {
            f.push(name);
        }
    }
    f
}

/// Compares two framework versions node by node (matched on `ref_id`).
pub fn diff(old: &Framework, new: &Framework) -> FrameworkDiff {
    let old_map: std::collections::HashMap<&str, &Node> = old.nodes.iter().map(|n| (n.ref_id.as_str(), n)).collect();
    let new_map: std::collections::HashMap<&str, &Node> = new.nodes.iter().map(|n| (n.ref_id.as_str(), n)).collect();
    let mut d = FrameworkDiff::default();
    for n in &new.nodes {
        match old_map.get(n.ref_id.as_str()) {
            None => d.added.push(n.ref_id.clone()),
            Some(o) => {
                let fields = changed_fields(o, n);
                if !fields.is_empty() {
                    d.changed.push(NodeChange { ref_id: n.ref_id.clone(), fields });
                }
            }
        }
    }
    d.removed =
        old.nodes.iter().filter(|n| !new_map.contains_key(n.ref_id.as_str())).map(|n| n.ref_id.clone()).collect();
    d
}
