//! Read helpers over a framework: lookup, children, paths, counts, text search and tag filters.

use crate::model::{Framework, Node, Tag};
use crate::validate::MAX_DEPTH;

impl Framework {
    /// Finds a node by `ref_id`.
    pub fn node(&self, ref_id: &str) -> Option<&Node> {
        self.nodes.iter().find(|n| n.ref_id == ref_id)
    }

    /// Top-level nodes, in order.
    pub fn roots(&self) -> impl Iterator<Item = &Node> {
        self.nodes.iter().filter(|n| n.parent.is_none())
    }

    /// Direct children of `ref_id`, in order.
    pub fn children<'a>(&'a self, ref_id: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.nodes.iter().filter(move |n| n.parent.as_deref() == Some(ref_id))
    }

    /// Number of assessable nodes that are not withdrawn (what "requirements" counts in listings).
    pub fn assessable_count(&self) -> usize {
        self.nodes.iter().filter(|n| n.assessable && !n.withdrawn).count()
    }

    /// The nodes from the root down to `ref_id` (inclusive). Empty if the node does not exist.
    pub fn path(&self, ref_id: &str) -> Vec<&Node> {
        let mut path = Vec::new();
        let mut current = self.node(ref_id);
        while let Some(n) = current {
            path.push(n);
            if path.len() > MAX_DEPTH + 1 {
                break;
            }
            current = n.parent.as_deref().and_then(|p| self.node(p));
        }
        path.reverse();
        path
    }

    /// Nodes whose ref_id, title or text contains `query` (case-insensitive, ja or en).
    pub fn search(&self, query: &str) -> Vec<&Node> {
        let q = query.trim().to_lowercase();
        if q.is_empty() {
            return Vec::new();
        }
        self.nodes
            .iter()
            .filter(|n| n.ref_id.to_lowercase().contains(&q) || n.title.contains(&q) || n.text.contains(&q))
            .collect()
    }

    /// Nodes carrying `tag`.
    pub fn with_tag<'a>(&'a self, tag: &'a Tag) -> impl Iterator<Item = &'a Node> + 'a {
        self.nodes.iter().filter(move |n| n.tags.contains(tag))
    }
}
