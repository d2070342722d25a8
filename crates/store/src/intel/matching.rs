//! Indicator matching for one caller: an index is built from the indicators the caller may
//! read (TLP applied in SQL first), so no match can cross an access boundary. Indicators
//! whose patterns the matcher cannot evaluate are reported, never silently dropped.

use mamori_intel::matching::{MatchIndex, MatchKind, classify};
use serde::Serialize;

use crate::{Store, StoreError, Tenant};

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

impl Store {
    /// Matches raw observables against the indicators the tenant may read.
    pub async fn intel_match(&self, tenant: &Tenant, observables: &[String]) -> Result<MatchReport, StoreError> {
        if observables.len() > MAX_OBSERVABLES {
            return Err(StoreError::invalid("observables", format!("at most {MAX_OBSERVABLES} per call")));
        }
        let indicators = self.intel_visible_indicators(tenant).await?;
        let mut index: MatchIndex<()> = MatchIndex::new(0x6d61_6d6f_7269);
        for i in &indicators {
            // Failures are recorded in the index's `unindexed` list and reported below.
            let _ = index.add_indicator(&i.id, &i.pattern_type, &i.pattern, ());
        }
        let mut report = MatchReport {
            indicators: index.len(),
            checked: observables.len(),
            results: Vec::new(),
            invalid: Vec::new(),
            unsupported: index
                .unindexed()
                .iter()
                .map(|u| MatchProblem { value: u.indicator_id.clone(), error: u.error.to_string() })
                .collect(),
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
}
