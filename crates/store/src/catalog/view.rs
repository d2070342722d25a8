//! What one caller may see of the catalog, parsed and indexed, and the per-store cache of it.
//!
//! A view holds every visible framework version (the global catalog plus, for a tenant, its own
//! frameworks) and a [`CrosswalkIndex`] over every visible crosswalk. Views are immutable and shared
//! through `Arc`; the cache rebuilds them when the catalog's generation counter moves, so a change
//! made by another process (the CLI importing while the server runs) is seen on the next request.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use mamori_catalog::{Authorship, CrosswalkIndex, Framework, Link, Mapping, Source};
use serde::Serialize;

/// Metadata of one stored framework version.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct FrameworkInfo {
    /// Framework id (e.g. `nist-csf-2.0`).
    pub framework_id: String,
    /// Version as the publisher writes it.
    pub version: String,
    /// The owning organization of a tenant-private framework; `None` for the global catalog.
    pub owner_org_id: Option<String>,
    /// Shipped with mamori.
    pub builtin: bool,
    /// Number of nodes.
    pub node_count: i64,
    /// Number of assessable, not withdrawn nodes ("requirements").
    pub assessable_count: i64,
    /// When this version was stored (ms since the epoch).
    pub imported_at: i64,
    pub(crate) row_id: String,
}

/// A stored framework version: metadata and the parsed framework.
#[derive(Clone, Debug)]
pub struct StoredFramework {
    pub info: FrameworkInfo,
    pub framework: Arc<Framework>,
}

/// Metadata of one stored crosswalk (its links live in the view's index).
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct CrosswalkInfo {
    pub id: String,
    pub name: String,
    pub source_framework: String,
    pub target_framework: String,
    pub authorship: Authorship,
    pub owner_org_id: Option<String>,
    pub builtin: bool,
    pub link_count: i64,
    pub provenance: Vec<Source>,
    pub notes: Vec<String>,
}

/// How much of framework A has at least one link into framework B.
#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
pub struct Coverage {
    /// Assessable nodes of A.
    pub total: usize,
    /// Of those, the ones with at least one mapping into B.
    pub covered: usize,
    /// Of the covered ones, those with a direct link (the rest are reached only through a pivot).
    pub direct: usize,
    /// Each assessable node of A with its mappings into B (empty when uncovered).
    pub nodes: Vec<(String, Vec<Mapping>)>,
}

/// The catalog as one caller sees it.
#[derive(Debug, Default)]
pub struct CatalogView {
    pub(crate) frameworks: Vec<StoredFramework>,
    pub(crate) crosswalks: Vec<CrosswalkInfo>,
    pub(crate) index: CrosswalkIndex,
    pub(crate) owner: Option<String>,
}

impl CatalogView {
    /// Every visible framework version, ordered by id and then import time.
    pub fn all_versions(&self) -> &[StoredFramework] {
        &self.frameworks
    }

    /// The latest version of each visible framework, ordered by id. When a tenant has a private
    /// framework with the same id as a global one, the tenant's own wins.
    pub fn latest(&self) -> Vec<&StoredFramework> {
        let mut ids: Vec<&str> = self.frameworks.iter().map(|f| f.info.framework_id.as_str()).collect();
        ids.dedup();
        ids.into_iter().filter_map(|id| self.get(id, None)).collect()
    }

    /// Versions of one framework, oldest first (only the owner that [`Self::get`] prefers).
    pub fn versions(&self, framework_id: &str) -> Vec<&StoredFramework> {
        let all: Vec<&StoredFramework> =
            self.frameworks.iter().filter(|f| f.info.framework_id == framework_id).collect();
        let own = self.owner.as_deref();
        if own.is_some() && all.iter().any(|f| f.info.owner_org_id.as_deref() == own) {
            all.into_iter().filter(|f| f.info.owner_org_id.as_deref() == own).collect()
        } else {
            all.into_iter().filter(|f| f.info.owner_org_id.is_none()).collect()
        }
    }

    /// One framework: the given version, or the latest.
    pub fn get(&self, framework_id: &str, version: Option<&str>) -> Option<&StoredFramework> {
        let versions = self.versions(framework_id);
        match version {
            Some(v) => versions.into_iter().find(|f| f.info.version == v),
            None => versions.into_iter().last(),
        }
    }

    /// Resolves `id` or `id@version`.
    pub fn get_ref(&self, reference: &str) -> Option<&StoredFramework> {
        match reference.rsplit_once('@') {
            Some((id, version)) if self.get(id, Some(version)).is_some() => self.get(id, Some(version)),
            _ => self.get(reference, None),
        }
    }

    /// Visible crosswalks.
    pub fn crosswalks(&self) -> &[CrosswalkInfo] {
        &self.crosswalks
    }

    /// A crosswalk by id.
    pub fn crosswalk(&self, id: &str) -> Option<&CrosswalkInfo> {
        self.crosswalks.iter().find(|c| c.id == id)
    }

    /// A visible crosswalk with all its links, as it would be imported.
    pub fn crosswalk_full(&self, id: &str) -> Option<mamori_catalog::Crosswalk> {
        let info = self.crosswalk(id)?;
        Some(mamori_catalog::Crosswalk {
            id: info.id.clone(),
            name: info.name.clone(),
            source_framework: info.source_framework.clone(),
            target_framework: info.target_framework.clone(),
            authorship: info.authorship,
            provenance: info.provenance.clone(),
            notes: info.notes.clone(),
            links: self.index.links().iter().filter(|l| l.crosswalk == id).cloned().collect(),
        })
    }

    /// The index over every visible link.
    pub fn index(&self) -> &CrosswalkIndex {
        &self.index
    }

    /// Every link with `framework_id` at either end.
    pub fn links_for(&self, framework_id: &str) -> Vec<&Link> {
        self.index.links_for(framework_id)
    }

    /// Mappings from each node of `from` into framework `to`, direct and through one pivot; only
    /// nodes with at least one mapping are listed.
    pub fn map_all(&self, from: &Framework, to: &str) -> Vec<(String, Vec<Mapping>)> {
        from.nodes
            .iter()
            .filter_map(|n| {
                let m = self.index.map(&from.id, &n.ref_id, to);
                (!m.is_empty()).then(|| (n.ref_id.clone(), m))
            })
            .collect()
    }

    /// Coverage of the assessable nodes of `a` by links into framework `b`.
    pub fn coverage(&self, a: &Framework, b: &str) -> Coverage {
        let mut c = Coverage::default();
        for n in a.nodes.iter().filter(|n| n.assessable && !n.withdrawn) {
            let m = self.index.map(&a.id, &n.ref_id, b);
            c.total += 1;
            if !m.is_empty() {
                c.covered += 1;
                if m.iter().any(|x| x.pivot.is_none()) {
                    c.direct += 1;
                }
            }
            c.nodes.push((n.ref_id.clone(), m));
        }
        c
    }

    /// The authorship of the crosswalk a link came from.
    pub fn authorship_of(&self, link: &Link) -> Option<Authorship> {
        self.crosswalk(&link.crosswalk).map(|c| c.authorship)
    }
}

/// Parsed rows and built views, valid for one catalog generation.
#[derive(Debug, Default)]
pub(crate) struct CatalogCache {
    pub generation: Option<i64>,
    /// Parsed frameworks by (row id, content hash); rows are immutable under one hash.
    pub frameworks: HashMap<(String, String), Arc<Framework>>,
    /// Parsed crosswalks by (row id, content hash).
    pub crosswalks: HashMap<(String, String), Arc<mamori_catalog::Crosswalk>>,
    /// Built views by owner key (`""` for the global-only view).
    pub views: HashMap<String, Arc<CatalogView>>,
}

/// The store's handle on its cache; cheap to clone.
#[derive(Clone, Debug, Default)]
pub(crate) struct SharedCache(pub Arc<Mutex<CatalogCache>>);

impl SharedCache {
    pub fn lock(&self) -> std::sync::MutexGuard<'_, CatalogCache> {
        // A panic while holding the lock leaves only a cache behind; keep using it.
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Drops views of older generations and parsed rows no longer present.
    pub fn retain(&self, generation: i64, live_fw: &HashSet<(String, String)>, live_xw: &HashSet<(String, String)>) {
        let mut c = self.lock();
        if c.generation != Some(generation) {
            c.views.clear();
            c.generation = Some(generation);
            c.frameworks.retain(|k, _| live_fw.contains(k));
            c.crosswalks.retain(|k, _| live_xw.contains(k));
        }
    }
}
