//! Indicator matching for one caller: an index is built from the indicators the caller may
//! read (TLP applied in SQL first), so no match can cross an access boundary. Indicators
//! whose patterns the matcher cannot evaluate are reported, never silently dropped.
//!
//! Built indexes are cached per caller scope (user, organization, circles, readable
//! collections) and stamped with the intel clock's `last_row_id`, which every ingest that
//! stores something and every delete moves, in any process. A request whose scope differs
//! gets its own index, so the cache never widens what a caller may see. When only the clock
//! moved, the cached index is brought up to date: the indicators stored since the stamp
//! (row ids above it) and deleted since (the deletion log, by tick) name the (collection,
//! indicator) pairs that changed, and exactly those are read again with the query a full
//! build runs, TLP rule included. Far-reaching changes rebuild instead.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use mamori_intel::matching::{MatchIndex, MatchKind, classify};
use sea_orm::ConnectionTrait;
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::Scope;
use super::objects::{ObjectFilter, push_common_filters};
use super::schema::{IntelClock, IntelCol};
use super::sql::Sql;
use crate::{Store, StoreError, Tenant};

/// Indexes kept at once (one per distinct caller scope; 1M indicators take a few hundred MB).
const CACHE_ENTRIES: usize = 4;
/// Indicators read per query while building an index.
const LOAD_PAGE: i64 = 20_000;
/// Changed indicators below which an update is always preferred to a rebuild (above, the
/// limit is a quarter of the index); also the removed entries an index tolerates.
const UPDATE_MIN: usize = 10_000;
/// Ids per query while updating.
const UPDATE_CHUNK: usize = 500;

/// Most observables per call.
pub const MAX_OBSERVABLES: usize = 10_000;

/// One matched indicator.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct MatchHit {
    pub indicator_id: String,
    /// `exact`, `cidr/<prefix>`, `parent-domain` or `url-host`.
    pub how: String,
}

/// The result for one observable that matched at least one indicator.
#[derive(Clone, Debug, Serialize)]
pub struct MatchResult {
    pub value: String,
    pub kind: &'static str,
    pub matches: Vec<MatchHit>,
}

/// An input line that is not an observable, or an indicator that is not indexed.
#[derive(Clone, Debug, Serialize)]
pub struct MatchProblem {
    pub value: String,
    pub error: String,
}

/// Everything a match call reports.
#[derive(Clone, Debug, Serialize)]
pub struct MatchReport {
    /// Indicators visible to the caller and indexed.
    pub indicators: usize,
    pub checked: usize,
    pub results: Vec<MatchResult>,
    /// Inputs that could not be classified as IP, CIDR, domain, URL or hash.
    pub invalid: Vec<MatchProblem>,
    /// Visible indicators whose pattern is not supported (value = indicator id).
    pub unsupported: Vec<MatchProblem>,
}

fn how(kind: MatchKind) -> String {
    match kind {
        MatchKind::Exact => "exact".into(),
        MatchKind::Cidr(p) => format!("cidr/{p}"),
        MatchKind::ParentDomain => "parent-domain".into(),
        MatchKind::UrlHost => "url-host".into(),
    }
}

/// Everything that decides which indicators a caller sees.
#[derive(Clone, Debug, PartialEq, Eq)]
struct ScopeKey {
    user_id: String,
    org_id: String,
    circles: BTreeSet<String>,
    readable: BTreeSet<String>,
}

impl ScopeKey {
    fn of(scope: &Scope) -> Self {
        ScopeKey {
            user_id: scope.viewer.user_id.clone(),
            org_id: scope.viewer.org_id.clone(),
            circles: scope.viewer.circle_memberships.clone(),
            readable: scope.readable.iter().cloned().collect(),
        }
    }
}

/// One stored indicator version that is the newest in its collection and readable by the
/// scope; `None` fields when its body could not be read.
struct Visible {
    collection_id: String,
    stix_id: String,
    /// `None` for a revoked indicator (kept out of the index).
    pattern: Option<(String, String)>,
}

/// An index over one scope's visible indicators: the newest readable, non-revoked version of
/// each indicator in each readable collection. Built once, then brought up to date from the
/// objects stored and deleted since `stamp` (see [`Store::match_index`]).
#[derive(Clone)]
struct Built {
    /// The clock's `last_row_id` this index reflects.
    stamp: i64,
    index: MatchIndex<()>,
    /// Where each indexed indicator sits: (collection, entry) per collection holding it.
    slots: HashMap<Box<str>, Vec<(Box<str>, u32)>>,
    /// Visible indicators whose pattern is not indexed, by (id, collection).
    unsupported: BTreeMap<(Box<str>, Box<str>), String>,
}

impl Built {
    fn new(stamp: i64) -> Self {
        Built { stamp, index: MatchIndex::new(0x6d61_6d6f_7269), slots: HashMap::new(), unsupported: BTreeMap::new() }
    }

    /// Forgets what the index holds for `stix_id` in `collection_id`.
    fn clear(&mut self, collection_id: &str, stix_id: &str) {
        if let Some(list) = self.slots.get_mut(stix_id) {
            if let Some(at) = list.iter().position(|(c, _)| &**c == collection_id) {
                let (_, entry) = list.swap_remove(at);
                self.index.remove(entry);
            }
            if list.is_empty() {
                self.slots.remove(stix_id);
            }
        }
        self.unsupported.remove(&(stix_id.into(), collection_id.into()));
    }

    /// Indexes one visible version (its key must be clear).
    fn add(&mut self, v: Visible) {
        let Some((pattern_type, pattern)) = v.pattern else { return };
        match self.index.add_indicator(&v.stix_id, &pattern_type, &pattern, ()) {
            Ok(entry) => self.slots.entry(v.stix_id.into()).or_default().push((v.collection_id.into(), entry)),
            Err(e) => {
                let why = match e {
                    mamori_intel::matching::AddError::Pattern(p) => p.to_string(),
                    other => other.to_string(),
                };
                self.unsupported.insert((v.stix_id.into(), v.collection_id.into()), why);
            }
        }
    }

    /// Distinct indicators indexed.
    fn indicators(&self) -> usize {
        self.slots.len()
    }

    /// Unsupported indicators, once per id, in id order.
    fn unsupported(&self) -> Vec<MatchProblem> {
        let mut out: Vec<MatchProblem> = Vec::new();
        for ((id, _), error) in &self.unsupported {
            if out.last().is_none_or(|p| p.value != **id) {
                out.push(MatchProblem { value: id.to_string(), error: error.clone() });
            }
        }
        out
    }
}

/// What the cache holds for a scope.
enum Cached {
    Fresh(Arc<Built>),
    Stale(Arc<Built>),
    Missing,
}

#[derive(Default)]
struct CacheState {
    /// Most recently used first; each entry carries the clock stamp it reflects.
    entries: VecDeque<(ScopeKey, Arc<Built>)>,
    /// Indexes built from scratch, and brought up to date, since the store was opened.
    builds: u64,
    updates: u64,
}

/// The per-store cache of matching indexes.
#[derive(Clone, Default)]
pub(crate) struct MatchCache(Arc<Mutex<CacheState>>);

impl std::fmt::Debug for MatchCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MatchCache")
    }
}

impl MatchCache {
    fn lock(&self) -> std::sync::MutexGuard<'_, CacheState> {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The scope's index: shared when it reflects `stamp`, else taken out to be updated.
    fn get(&self, stamp: i64, key: &ScopeKey) -> Cached {
        let mut c = self.lock();
        let Some(at) = c.entries.iter().position(|(k, _)| k == key) else { return Cached::Missing };
        let Some(entry) = c.entries.remove(at) else { return Cached::Missing };
        if entry.1.stamp == stamp {
            let built = entry.1.clone();
            c.entries.push_front(entry);
            Cached::Fresh(built)
        } else {
            Cached::Stale(entry.1)
        }
    }

    fn put(&self, key: ScopeKey, built: Arc<Built>) {
        let mut c = self.lock();
        // A concurrent request may have stored a newer index meanwhile: keep the newer.
        if c.entries.iter().any(|(k, b)| *k == key && b.stamp > built.stamp) {
            return;
        }
        c.entries.retain(|(k, _)| *k != key);
        c.entries.push_front((key, built));
        c.entries.truncate(CACHE_ENTRIES);
    }
}

impl Store {
    /// Matches raw observables against the indicators the tenant may read.
    pub async fn intel_match(&self, tenant: &Tenant, observables: &[String]) -> Result<MatchReport, StoreError> {
        if observables.len() > MAX_OBSERVABLES {
            return Err(StoreError::invalid("observables", format!("at most {MAX_OBSERVABLES} per call")));
        }
        let built = self.match_index(tenant).await?;
        Ok(match_with(&built, observables))
    }

    /// Like [`Store::intel_match`], against an index built from scratch for this call (the
    /// cache is neither read nor written): the reference the cached path must equal.
    pub async fn intel_match_rebuilt(
        &self,
        tenant: &Tenant,
        observables: &[String],
    ) -> Result<MatchReport, StoreError> {
        if observables.len() > MAX_OBSERVABLES {
            return Err(StoreError::invalid("observables", format!("at most {MAX_OBSERVABLES} per call")));
        }
        let stamp = self.intel_clock().await?;
        let scope = self.intel_scope(tenant).await?;
        Ok(match_with(&self.build_index(&scope, stamp).await?, observables))
    }

    /// How many matching indexes this store built from scratch and how many it updated.
    pub fn intel_match_counts(&self) -> (u64, u64) {
        let c = self.match_cache().lock();
        (c.builds, c.updates)
    }

    /// The caller's index: from the cache when neither the stored objects nor the caller's
    /// scope changed since it was built; updated from the objects stored and deleted since
    /// when only the objects changed; else built from every visible indicator.
    async fn match_index(&self, tenant: &Tenant) -> Result<Arc<Built>, StoreError> {
        // The stamp is read before the indicators: a write in between is then applied once
        // more on the next call (idempotently), never missed.
        let stamp = self.intel_clock().await?;
        let scope = self.intel_scope(tenant).await?;
        let key = ScopeKey::of(&scope);
        let built = match self.match_cache().get(stamp, &key) {
            Cached::Fresh(built) => return Ok(built),
            Cached::Stale(old) => {
                let old = Arc::try_unwrap(old).unwrap_or_else(|shared| (*shared).clone());
                match self.update_index(&scope, old, stamp).await? {
                    Some(updated) => {
                        self.match_cache().lock().updates += 1;
                        updated
                    }
                    None => self.counted_build(&scope, stamp).await?,
                }
            }
            Cached::Missing => self.counted_build(&scope, stamp).await?,
        };
        let built = Arc::new(built);
        self.match_cache().put(key, built.clone());
        Ok(built)
    }

    async fn intel_clock(&self) -> Result<i64, StoreError> {
        let q = Query::select()
            .column(IntelCol::LastRowId)
            .from(IntelClock::Table)
            .and_where(Expr::col(IntelCol::Id).eq(1))
            .to_owned();
        let clock =
            self.conn().query_one(&q).await?.ok_or_else(|| StoreError::Internal("intel clock missing".into()))?;
        Ok(clock.try_get("", "last_row_id")?)
    }

    async fn counted_build(&self, scope: &Scope, stamp: i64) -> Result<Built, StoreError> {
        let built = self.build_index(scope, stamp).await?;
        self.match_cache().lock().builds += 1;
        Ok(built)
    }

    /// Builds the scope's index from every visible indicator.
    async fn build_index(&self, scope: &Scope, stamp: i64) -> Result<Built, StoreError> {
        let mut built = Built::new(stamp);
        for v in self.visible_in(scope, None).await? {
            built.add(v);
        }
        Ok(built)
    }

    /// Brings `built` from its stamp to `stamp`: every (collection, indicator) that gained or
    /// lost a version since is looked up again with the same query a full build runs, so
    /// the result equals a rebuild. `None` when so much changed that a rebuild is cheaper.
    async fn update_index(&self, scope: &Scope, mut built: Built, stamp: i64) -> Result<Option<Built>, StoreError> {
        let touched = self.indicators_touched_since(scope, built.stamp).await?;
        let limit = (built.indicators() / 4).max(UPDATE_MIN);
        if touched.len() > limit || built.index.removed() > built.index.len().max(UPDATE_MIN) {
            return Ok(None);
        }
        let ids: Vec<String> = touched.iter().map(|(_, id)| id.clone()).collect::<BTreeSet<_>>().into_iter().collect();
        let mut now_visible = Vec::new();
        for chunk in ids.chunks(UPDATE_CHUNK) {
            now_visible.extend(self.visible_in(scope, Some(chunk)).await?);
        }
        for (collection, id) in &touched {
            built.clear(collection, id);
        }
        for v in now_visible {
            // Only keys that changed are replaced (an id may sit untouched in another collection).
            if touched.contains(&(v.collection_id.clone(), v.stix_id.clone())) {
                built.add(v);
            }
        }
        built.stamp = stamp;
        Ok(Some(built))
    }

    /// The (collection, indicator) pairs of the scope's readable collections that gained a
    /// version (row id after `since`) or lost one (deleted at a later tick).
    async fn indicators_touched_since(
        &self,
        scope: &Scope,
        since: i64,
    ) -> Result<BTreeSet<(String, String)>, StoreError> {
        let mut out = BTreeSet::new();
        if scope.readable.is_empty() {
            return Ok(out);
        }
        for table in [
            "SELECT o.collection_id, o.stix_id FROM intel_objects o WHERE o.row_id > ",
            "SELECT o.collection_id, o.stix_id FROM intel_deletions o WHERE o.tick > ",
        ] {
            let mut s = Sql::new(table);
            s.bind(since).push(" AND o.stix_type = ").bind("indicator");
            s.push(" AND o.collection_id IN ").bind_list(scope.readable.clone());
            for r in self.conn().query_all_raw(s.build(self.conn().get_database_backend())).await? {
                out.insert((r.try_get("", "collection_id")?, r.try_get("", "stix_id")?));
            }
        }
        Ok(out)
    }
}

/// Looks every observable up in a built index.
fn match_with(built: &Built, observables: &[String]) -> MatchReport {
    let index = &built.index;
    let mut report = MatchReport {
        indicators: built.indicators(),
        checked: observables.len(),
        results: Vec::new(),
        invalid: Vec::new(),
        unsupported: built.unsupported(),
    };
    for raw in observables {
        let value = raw.trim();
        if value.is_empty() {
            continue;
        }
        match classify(value) {
            Ok(obs) => {
                let mut matches: Vec<MatchHit> = index
                    .lookup(&obs)
                    .into_iter()
                    .map(|m| MatchHit { indicator_id: m.indicator_id.to_owned(), how: how(m.kind) })
                    .collect();
                // One hit per indicator (it may sit in several collections), in id order.
                matches.sort_by(|a, b| (&a.indicator_id, &a.how).cmp(&(&b.indicator_id, &b.how)));
                matches.dedup_by(|a, b| a.indicator_id == b.indicator_id);
                if !matches.is_empty() {
                    report.results.push(MatchResult { value: value.to_owned(), kind: obs.kind(), matches });
                }
            }
            Err(e) => report.invalid.push(MatchProblem { value: value.to_owned(), error: e.to_string() }),
        }
    }
    report
}

/// An indicator the caller may read, for matching.
#[derive(Clone, Debug)]
pub struct VisibleIndicator {
    pub id: String,
    pub pattern_type: String,
    pub pattern: String,
}

/// The properties of a stored indicator that matching reads (the rest is skipped unparsed).
#[derive(Deserialize)]
struct IndicatorFields {
    #[serde(default)]
    pattern_type: Value,
    #[serde(default)]
    pattern: Value,
    #[serde(default)]
    revoked: Value,
}

impl Store {
    /// The newest version of every non-revoked indicator the tenant may read, once per id,
    /// across every readable collection (the TLP rule applies in SQL, before any matching).
    pub async fn intel_visible_indicators(&self, tenant: &Tenant) -> Result<Vec<VisibleIndicator>, StoreError> {
        let scope = self.intel_scope(tenant).await?;
        let mut seen = std::collections::HashSet::new();
        Ok(self
            .visible_in(&scope, None)
            .await?
            .into_iter()
            .filter_map(|v| {
                let (pattern_type, pattern) = v.pattern?;
                seen.insert(v.stix_id.clone()).then_some(VisibleIndicator { id: v.stix_id, pattern_type, pattern })
            })
            .collect())
    }

    /// The newest readable version of each indicator in each readable collection — of all
    /// of them, or of the ids given. Walks the (stix_type, row_id) index in row order, so
    /// each query reads only its own rows.
    async fn visible_in(&self, scope: &Scope, ids: Option<&[String]>) -> Result<Vec<Visible>, StoreError> {
        let mut out = Vec::new();
        if scope.readable.is_empty() {
            return Ok(out);
        }
        let filter = ObjectFilter {
            types: Some(vec!["indicator".into()]),
            ids: ids.map(<[String]>::to_vec),
            ..Default::default()
        };
        let rule = mamori_intel::tlp::read_filter(&scope.viewer);
        let mut after = 0i64;
        loop {
            let mut s = Sql::new(
                "SELECT o.row_id, o.collection_id, o.stix_id, o.body FROM intel_objects o WHERE o.collection_id IN ",
            );
            s.bind_list(scope.readable.clone());
            s.push(" AND ").read_rule(&rule);
            s.push(" AND o.row_id > ").bind(after);
            push_common_filters(&mut s, &filter);
            s.push(" ORDER BY o.row_id LIMIT ").bind(LOAD_PAGE);
            let rows = self.conn().query_all_raw(s.build(self.conn().get_database_backend())).await?;
            for r in &rows {
                let body: String = r.try_get("", "body")?;
                let Ok(v) = serde_json::from_str::<IndicatorFields>(&body) else { continue };
                let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
                let revoked = v.revoked.as_bool() == Some(true);
                out.push(Visible {
                    collection_id: r.try_get("", "collection_id")?,
                    stix_id: r.try_get("", "stix_id")?,
                    pattern: (!revoked).then(|| (text(&v.pattern_type), text(&v.pattern))),
                });
            }
            match rows.last() {
                Some(last) if rows.len() as i64 == LOAD_PAGE => after = last.try_get("", "row_id")?,
                _ => break,
            }
        }
        Ok(out)
    }
}
