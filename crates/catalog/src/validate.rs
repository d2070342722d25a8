//! Structural validation of a framework: identifiers, parent links, cycles and scale references.

use std::collections::{HashMap, HashSet};

use crate::model::Framework;

/// Limits that keep imports bounded.
pub const MAX_NODES: usize = 100_000;
/// Deepest tree accepted.
pub const MAX_DEPTH: usize = 32;

/// A rule a framework breaks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValidationError {
    /// The framework id is empty or contains characters other than `a-z0-9._-`.
    #[error("framework id {0:?} must be non-empty lowercase ASCII letters, digits, '.', '_' or '-'")]
    BadFrameworkId(String),
    /// A node has an empty `ref_id`.
    #[error("node #{index} has an empty ref_id")]
    EmptyRefId {
        /// Position in `nodes`.
        index: usize,
    },
    /// Two nodes share a `ref_id`.
    #[error("ref_id {0:?} is used by more than one node")]
    DuplicateRefId(String),
    /// A node names a parent that does not exist.
    #[error("node {node:?} names parent {parent:?}, which does not exist")]
    UnknownParent {
        /// The child.
        node: String,
        /// The missing parent.
        parent: String,
    },
    /// Following parents from a node returns to it.
    #[error("node {0:?} is its own ancestor (cycle)")]
    Cycle(String),
    /// The tree is deeper than [`MAX_DEPTH`].
    #[error("node {0:?} is nested deeper than {MAX_DEPTH} levels")]
    TooDeep(String),
    /// More than [`MAX_NODES`] nodes.
    #[error("framework has {0} nodes; at most {MAX_NODES} are accepted")]
    TooManyNodes(usize),
    /// A node or the framework names a scale that is not defined.
    #[error("{owner} names scale {scale:?}, which the framework does not define")]
    UnknownScale {
        /// `framework` or the node's ref_id.
        owner: String,
        /// The missing scale id.
        scale: String,
    },
    /// Two scales share an id.
    #[error("scale id {0:?} is defined more than once")]
    DuplicateScale(String),
}

/// True when `id` is a valid framework identifier.
pub fn is_valid_framework_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 128
        && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-'))
}

impl Framework {
    /// Checks the structural rules and returns every violation found (empty = valid).
    pub fn validation_errors(&self) -> Vec<ValidationError> {
        let mut errors = Vec::new();
        if !is_valid_framework_id(&self.id) {
            errors.push(ValidationError::BadFrameworkId(self.id.clone()));
        }
        if self.nodes.len() > MAX_NODES {
            errors.push(ValidationError::TooManyNodes(self.nodes.len()));
            return errors;
        }
        let mut scales = HashSet::new();
        for s in &self.scales {
            if !scales.insert(s.id.as_str()) {
                errors.push(ValidationError::DuplicateScale(s.id.clone()));
            }
        }
        if let Some(s) = &self.default_scale
            && !scales.contains(s.as_str())
        {
            errors.push(ValidationError::UnknownScale { owner: "framework".into(), scale: s.clone() });
        }
        let mut parents: HashMap<&str, Option<&str>> = HashMap::with_capacity(self.nodes.len());
        for (index, n) in self.nodes.iter().enumerate() {
            if n.ref_id.trim().is_empty() {
                errors.push(ValidationError::EmptyRefId { index });
                continue;
            }
            if parents.insert(n.ref_id.as_str(), n.parent.as_deref()).is_some() {
                errors.push(ValidationError::DuplicateRefId(n.ref_id.clone()));
            }
            if let Some(s) = &n.scale
                && !scales.contains(s.as_str())
            {
                errors.push(ValidationError::UnknownScale { owner: n.ref_id.clone(), scale: s.clone() });
            }
        }
        for n in &self.nodes {
            if let Some(p) = &n.parent
                && !parents.contains_key(p.as_str())
            {
                errors.push(ValidationError::UnknownParent { node: n.ref_id.clone(), parent: p.clone() });
            }
        }
        // Walk up from every node; a walk longer than the node count must have looped.
        for n in &self.nodes {
            let mut current = n.parent.as_deref();
            let mut depth = 0usize;
            while let Some(p) = current {
                depth += 1;
                if p == n.ref_id || depth > self.nodes.len() {
                    errors.push(ValidationError::Cycle(n.ref_id.clone()));
                    break;
                }
                if depth > MAX_DEPTH {
                    errors.push(ValidationError::TooDeep(n.ref_id.clone()));
                    break;
                }
                current = parents.get(p).copied().flatten();
            }
        }
        errors
    }

    /// Validates and returns the first violation, if any.
    pub fn validate(&self) -> Result<(), ValidationError> {
        match self.validation_errors().into_iter().next() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}
