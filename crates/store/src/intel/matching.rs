//! Indicator matching for one caller: an index is built from the indicators the caller may
//! read (TLP applied in SQL first), so no match can cross an access boundary. Indicators
//! whose patterns the matcher cannot evaluate are reported, never silently dropped.
//!
//! Built indexes are cached per caller scope (user, organization, circles, readable
//! collections) and stamped with the intel clock's `last_row_id`, which every ingest that
//! stores something and every delete moves, in any process. A request whose scope or stamp
//! differs builds a fresh index, so the cache never widens what a caller may see.

use std::collections::{BTreeSet, VecDeque};
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

/// An index over one scope's visible indicators, with the ones it could not index.
struct Built {
    index: MatchIndex<()>,
    unsupported: Vec<MatchProblem>,
}

#[derive(Default)]
struct CacheState {
    /// The clock's `last_row_id` the entries were built at.
    stamp: Option<i64>,
    /// Most recently used first.
    entries: VecDeque<(ScopeKey, Arc<Built>)>,
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

    fn get(&self, stamp: i64, key: &ScopeKey) -> Option<Arc<Built>> {
        let mut c = self.lock();
        if c.stamp != Some(stamp) {
            return None;
        }
        let at = c.entries.iter().position(|(k, _)| k == key)?;
        let entry = c.entries.remove(at)?;
        let built = entry.1.clone();
        c.entries.push_front(entry);
        Some(built)
    }

    fn put(&self, stamp: i64, key: ScopeKey, built: Arc<Built>) {
        let mut c = self.lock();
        match c.stamp {
            // Built from older data than the cache already holds: serve it once, keep nothing.
            Some(s) if s > stamp => return,
            Some(s) if s == stamp => {}
            _ => {
                c.stamp = Some(stamp);
                c.entries.clear();
            }
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
        let index = &built.index;
        let mut report = MatchReport {
            indicators: index.len(),
            checked: observables.len(),
            results: Vec::new(),
            invalid: Vec::new(),
            unsupported: built.unsupported.clone(),
        };
        for raw in observables {
            let value = raw.trim();
            if value.is_empty() {
                continue;
            }
            match classify(value) {
                Ok(obs) => {
                    let matches: Vec<MatchHit> = index
                        .lookup(&obs)
                        .into_iter()
                        .map(|m| MatchHit { indicator_id: m.indicator_id.to_owned(), how: how(m.kind) })
                        .collect();
                    if !matches.is_empty() {
                        report.results.push(MatchResult { value: value.to_owned(), kind: obs.kind(), matches });
                    }
                }
                Err(e) => report.invalid.push(MatchProblem { value: value.to_owned(), error: e.to_string() }),
            }
        }
        Ok(report)
    }

    /// The caller's index: from the cache when neither the stored objects nor the caller's
    /// scope changed since it was built, else built from the visible indicators.
    async fn match_index(&self, tenant: &Tenant) -> Result<Arc<Built>, StoreError> {
        // The stamp is read before the indicators: a write in between only makes the entry
        // look older than it is, so it is rebuilt once more, never served stale.
        let q = Query::select()
            .column(IntelCol::LastRowId)
            .from(IntelClock::Table)
            .and_where(Expr::col(IntelCol::Id).eq(1))
            .to_owned();
        let clock =
            self.conn().query_one(&q).await?.ok_or_else(|| StoreError::Internal("intel clock missing".into()))?;
        let stamp: i64 = clock.try_get("", "last_row_id")?;
        let scope = self.intel_scope(tenant).await?;
        let key = ScopeKey::of(&scope);
        if let Some(built) = self.match_cache().get(stamp, &key) {
            return Ok(built);
        }
        let mut index: MatchIndex<()> = MatchIndex::new(0x6d61_6d6f_7269);
        for i in self.visible_indicators_in(&scope).await? {
            // Failures are recorded in the index's `unindexed` list and reported.
            let _ = index.add_indicator(&i.id, &i.pattern_type, &i.pattern, ());
        }
        let unsupported = index
            .unindexed()
            .iter()
            .map(|u| MatchProblem { value: u.indicator_id.clone(), error: u.error.to_string() })
            .collect();
        let built = Arc::new(Built { index, unsupported });
        self.match_cache().put(stamp, key, built.clone());
        Ok(built)
    }
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
    /// The newest version of every non-revoked indicator the tenant may read, in every
    /// readable collection (the TLP rule applies in SQL, before any matching happens).
    pub async fn intel_visible_indicators(&self, tenant: &Tenant) -> Result<Vec<VisibleIndicator>, StoreError> {
        let scope = self.intel_scope(tenant).await?;
        self.visible_indicators_in(&scope).await
    }

    /// [`Store::intel_visible_indicators`] for a scope computed by the caller. Walks the
    /// (stix_type, row_id) index in row order, so each query reads only its own rows.
    pub(crate) async fn visible_indicators_in(&self, scope: &Scope) -> Result<Vec<VisibleIndicator>, StoreError> {
        let mut out = Vec::new();
        if scope.readable.is_empty() {
            return Ok(out);
        }
        let filter = ObjectFilter { types: Some(vec!["indicator".into()]), ..Default::default() };
        let rule = mamori_intel::tlp::read_filter(&scope.viewer);
        let mut seen = std::collections::HashSet::new();
        let mut after = 0i64;
        loop {
            let mut s = Sql::new("SELECT o.row_id, o.stix_id, o.body FROM intel_objects o WHERE o.collection_id IN ");
            s.bind_list(scope.readable.clone());
            s.push(" AND ").read_rule(&rule);
            s.push(" AND o.row_id > ").bind(after);
            push_common_filters(&mut s, &filter);
            s.push(" ORDER BY o.row_id LIMIT ").bind(LOAD_PAGE);
            let rows = self.conn().query_all_raw(s.build(self.conn().get_database_backend())).await?;
            for r in &rows {
                let id: String = r.try_get("", "stix_id")?;
                let body: String = r.try_get("", "body")?;
                let Ok(v) = serde_json::from_str::<IndicatorFields>(&body) else { continue };
                if v.revoked.as_bool() == Some(true) || !seen.insert(id.clone()) {
                    continue;
                }
                let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
                out.push(VisibleIndicator { id, pattern_type: text(&v.pattern_type), pattern: text(&v.pattern) });
            }
            match rows.last() {
                Some(last) if rows.len() as i64 == LOAD_PAGE => after = last.try_get("", "row_id")?,
                _ => break,
            }
        }
        Ok(out)
    }
}
