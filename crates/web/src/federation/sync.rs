//! One sync run of one peer: claim it, pull (paging with `next`, cursor saved after every
//! page), push (local objects after the push cursor that the TLP ceiling lets out, in
//! batches under the peer's `max_content_length`), then record the outcome and release it.

use std::time::Duration;

use mamori_intel::federation::{CollectionUrl, may_push, parse_collection_url, read_envelope, read_status};
use mamori_intel::stix::validate_envelope;
use mamori_intel::tlp::{Tlp, predefined};
use mamori_store::intel::{IngestOptions, ObjectFilter, PeerInfo, RunResult, VersionSel, rejection_details};
use mamori_store::{Store, StoreError, Tenant};
use serde::Serialize;
use serde_json::{Value, json};

use super::client::{FedError, TaxiiClient};
use super::{Progress, SyncOptions};

/// What a run did (also the answer of `POST /api/v1/intel/peers/{id}/sync`).
#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct SyncReport {
    pub peer_id: String,
    /// Objects received from the peer (new or already stored).
    pub fetched: i64,
    /// Objects newly stored locally.
    pub pulled: i64,
    /// Objects the peer accepted.
    pub pushed: i64,
    /// Objects refused: invalid or TLP:RED on pull, rejected by the peer on push.
    pub refused: i64,
    /// Pages fetched.
    pub pages: i64,
    /// Why the run failed, if it did.
    pub error: Option<String>,
    /// The run stopped with more to fetch (page cap or time budget); the next run continues
    /// from the saved position and is due at once.
    pub incomplete: bool,
    /// The peer's reasons for refusing pushed objects (up to ten).
    pub notes: Vec<String>,
    /// Consecutive failures after this run, and when the next attempt is due (ms since the epoch).
    pub failures: i32,
    pub next_attempt_at: i64,
}

/// A failure inside a run: the peer's (with how long it asked us to stay away), or our own
/// database's.
enum RunError {
    Peer(String),
    Busy(String, Duration),
    Store(StoreError),
}

impl From<StoreError> for RunError {
    fn from(e: StoreError) -> Self {
        RunError::Store(e)
    }
}

impl From<FedError> for RunError {
    fn from(e: FedError) -> Self {
        match e {
            FedError::Status { retry_after: Some(wait), .. } => RunError::Busy(e.to_string(), wait),
            e => RunError::Peer(e.to_string()),
        }
    }
}

struct Run<'a> {
    store: &'a Store,
    tenant: Tenant,
    peer: PeerInfo,
    url: CollectionUrl,
    client: TaxiiClient,
    opts: &'a SyncOptions,
    progress: &'a (dyn Fn(Progress) + Send + Sync),
    report: SyncReport,
}

/// Syncs one peer now. `Conflict` when another runner holds it; every other failure is
/// recorded in the peer's state and returned in the report.
pub async fn sync_peer(
    store: &Store,
    peer_id: &str,
    opts: &SyncOptions,
    progress: &(dyn Fn(Progress) + Send + Sync),
) -> Result<SyncReport, StoreError> {
    let tenant = store.intel_peer_tenant(peer_id).await?;
    let lease_ms = i64::try_from(opts.run_timeout.as_millis()).unwrap_or(i64::MAX / 2).saturating_add(60_000);
    let peer = store.intel_peer_claim(&tenant, peer_id, lease_ms).await?;
    let outcome = match prepare(store, &tenant, &peer, opts).await {
        Ok((url, client)) => {
            let mut run = Run {
                store,
                tenant: tenant.clone(),
                peer,
                url,
                client,
                opts,
                progress,
                report: SyncReport { peer_id: peer_id.to_owned(), ..Default::default() },
            };
            let result = match tokio::time::timeout(opts.run_timeout, run.work()).await {
                Ok(r) => r,
                // Progress is saved page by page: out of time after some progress, the next run continues.
                Err(_) if run.report.pages > 0 || run.report.pushed > 0 => {
                    run.report.incomplete = true;
                    Ok(())
                }
                Err(_) => Err(RunError::Peer(format!("the run took longer than {} s", opts.run_timeout.as_secs()))),
            };
            (run.report, result)
        }
        Err(e) => (SyncReport { peer_id: peer_id.to_owned(), ..Default::default() }, Err(e)),
    };
    let (mut report, result) = outcome;
    let mut retry_after_ms = None;
    report.error = match result {
        Ok(()) => None,
        Err(RunError::Peer(m)) => Some(m),
        Err(RunError::Busy(m, wait)) => {
            retry_after_ms = Some(i64::try_from(wait.as_millis()).unwrap_or(i64::MAX));
            Some(m)
        }
        Err(RunError::Store(e)) => {
            tracing::error!(peer = peer_id, error = %e, "federation run failed in the store");
            Some(format!("local error: {e}"))
        }
    };
    let result = RunResult {
        pulled: report.pulled,
        pushed: report.pushed,
        refused: report.refused,
        error: report.error.clone(),
        incomplete: report.incomplete && report.error.is_none(),
        retry_after_ms,
    };
    let jitter: f64 = rand::random();
    let after = store.intel_peer_finish(&tenant, peer_id, &result, opts.backoff, jitter).await?;
    report.failures = after.state.failures;
    report.next_attempt_at = after.state.next_attempt_at;
    Ok(report)
}

async fn prepare(
    store: &Store,
    tenant: &Tenant,
    peer: &PeerInfo,
    opts: &SyncOptions,
) -> Result<(CollectionUrl, TaxiiClient), RunError> {
    let url = parse_collection_url(&peer.collection_url).map_err(RunError::Peer)?;
    let creds = store.intel_peer_credentials(tenant, &peer.id).await?;
    let client = TaxiiClient::new(creds, opts.request_timeout, opts.allow_internal, opts.max_retry_wait)?;
    Ok((url, client))
}

fn header<'h>(h: &'h reqwest::header::HeaderMap, name: &str) -> Option<&'h str> {
    h.get(name).and_then(|v| v.to_str().ok()).filter(|v| !v.is_empty())
}

fn is_red(obj: &Value) -> bool {
    let refs = obj.get("object_marking_refs").and_then(Value::as_array).into_iter().flatten();
    let granular = obj
        .get("granular_markings")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|g| g.get("marking_ref"));
    refs.chain(granular).filter_map(Value::as_str).any(|r| predefined(r).is_some_and(|(t, _)| t == Tlp::Red))
}

impl Run<'_> {
    async fn work(&mut self) -> Result<(), RunError> {
        if self.peer.direction.pulls() {
            self.pull().await?;
        }
        if self.peer.direction.pushes() {
            self.push().await?;
        }
        Ok(())
    }

    async fn pull(&mut self) -> Result<(), RunError> {
        let objects_url = self.url.objects();
        let limit = self.opts.page_limit.to_string();
        let mut cursor = self.peer.state.pull_cursor.clone();
        let mut next = self.peer.state.pull_next.clone();
        let mut high = cursor.clone();
        for _ in 0..self.opts.max_pages {
            let mut query: Vec<(&str, &str)> = vec![("limit", limit.as_str())];
            if let Some(c) = &cursor {
                query.push(("added_after", c.as_str()));
            }
            if let Some(n) = &next {
                query.push(("next", n.as_str()));
            }
            let (body, headers) = match self.client.get(&objects_url, &query).await {
                Ok(ok) => ok,
                // A `next` token the peer no longer honours: page again from the cursor.
                Err(FedError::Status { code: 400, .. }) if next.is_some() => {
                    next = None;
                    self.store.intel_peer_save_pull(&self.tenant, &self.peer.id, cursor.as_deref(), None).await?;
                    continue;
                }
                Err(e) => return Err(e.into()),
            };
            let page = read_envelope(&body).map_err(|m| RunError::Peer(FedError::Protocol(m).to_string()))?;
            self.report.pages += 1;
            if !page.objects.is_empty() {
                self.store_page(page.objects).await?;
                if let Some(last) = header(&headers, "x-taxii-date-added-last") {
                    high = Some(last.to_owned());
                }
            }
            match (page.more, page.next) {
                (true, Some(n)) => next = Some(n),
                // `more` without `next`: continue after the newest object of this page.
                (true, None) if high != cursor => {
                    cursor = high.clone();
                    next = None;
                }
                _ => {
                    self.store.intel_peer_save_pull(&self.tenant, &self.peer.id, high.as_deref(), None).await?;
                    return Ok(());
                }
            }
            self.store.intel_peer_save_pull(&self.tenant, &self.peer.id, cursor.as_deref(), next.as_deref()).await?;
        }
        // The page cap: the next run continues from the saved position.
        self.report.incomplete = true;
        Ok(())
    }

    /// Validates one page like any ingest, leaves out TLP:RED, and stores the rest.
    async fn store_page(&mut self, objects: Vec<Value>) -> Result<(), RunError> {
        let n = objects.len() as i64;
        let (red, kept): (Vec<Value>, Vec<Value>) = objects.into_iter().partition(is_red);
        let envelope = json!({ "objects": kept });
        let checked =
            validate_envelope(&envelope).map_err(|e| RunError::Peer(FedError::Protocol(e.to_string()).to_string()))?;
        let failures = rejection_details(&envelope, &checked.rejected);
        let opts = IngestOptions { origin_peer: Some(self.peer.id.clone()), ..IngestOptions::default() };
        let out = self
            .store
            .intel_ingest(&self.tenant, &self.peer.local_collection_id, checked.accepted, failures, &opts)
            .await?;
        self.report.fetched += n;
        self.report.pulled += (out.successes.len() - out.duplicates) as i64;
        self.report.refused += (out.failures.len() + red.len()) as i64;
        (self.progress)(Progress { phase: "pull", objects: self.report.fetched });
        Ok(())
    }

    async fn push(&mut self) -> Result<(), RunError> {
        let root = self.client.get(&self.url.api_root, &[]).await?.0;
        let max_len = root.get("max_content_length").and_then(Value::as_u64).unwrap_or(1024 * 1024);
        let budget = usize::try_from(max_len).unwrap_or(usize::MAX).clamp(16 * 1024, 8 * 1024 * 1024) * 9 / 10;
        let filter = ObjectFilter {
            versions: VersionSel::all(),
            exclude_origin: Some(self.peer.id.clone()),
            ..Default::default()
        };
        let mut after = self.peer.state.push_after;
        loop {
            let page = self
                .store
                .intel_objects_page(&self.tenant, Some(&self.peer.local_collection_id), &filter, Some(after), 200, true)
                .await?;
            let Some(last) = page.rows.last() else { return Ok(()) };
            let last = (last.date_added, last.row_id);
            let mut batch: Vec<&str> = Vec::new();
            let mut size = 0;
            for row in &page.rows {
                let level = Tlp::parse(&row.tlp).unwrap_or(Tlp::Red);
                let Some(body) = row.body.as_deref().filter(|_| may_push(level, self.peer.max_tlp)) else { continue };
                if !batch.is_empty() && (size + body.len() + 1 > budget || batch.len() >= self.opts.push_batch) {
                    self.post(&std::mem::take(&mut batch)).await?;
                    size = 0;
                }
                size += body.len() + 1;
                batch.push(body);
            }
            if !batch.is_empty() {
                self.post(&batch).await?;
            }
            after = last;
            self.store.intel_peer_save_push(&self.tenant, &self.peer.id, after).await?;
            if !page.more {
                return Ok(());
            }
        }
    }

    /// Posts one envelope and reads the status, polling it briefly while objects are pending.
    async fn post(&mut self, bodies: &[&str]) -> Result<(), RunError> {
        let mut envelope = String::with_capacity(bodies.iter().map(|b| b.len() + 1).sum::<usize>() + 16);
        envelope.push_str("{\"objects\":[");
        envelope.push_str(&bodies.join(","));
        envelope.push_str("]}");
        let answer = self.client.post(&self.url.objects(), envelope.into_bytes()).await?;
        let mut status = read_status(&answer).map_err(|m| RunError::Peer(FedError::Protocol(m).to_string()))?;
        for _ in 0..self.opts.status_polls {
            let Some(id) = status.id.clone().filter(|_| status.pending > 0) else { break };
            tokio::time::sleep(Duration::from_millis(500)).await;
            let (v, _) = self.client.get(&self.url.status(&id), &[]).await?;
            status = read_status(&v).map_err(|m| RunError::Peer(FedError::Protocol(m).to_string()))?;
        }
        self.report.pushed += status.success as i64;
        self.report.refused += status.failure as i64;
        for f in status.failures {
            if self.report.notes.len() < 10 {
                self.report.notes.push(f);
            }
        }
        if status.pending > 0 {
            self.report.notes.push(format!("{} objects still pending at the peer", status.pending));
        }
        (self.progress)(Progress { phase: "push", objects: self.report.pushed });
        Ok(())
    }
}
