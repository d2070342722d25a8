//! Federation between hubs: scheduled pull from and push to remote TAXII 2.1 collections
//! (another mamori, or any TAXII server). Peers and their cursors live in the store
//! (`mamori_store::intel::PeerInfo`); the pure rules (URL shape, TLP ceiling, backoff) in
//! `mamori_intel::federation`; this module does the HTTP and the scheduling.
//!
//! - [`sync_peer`] runs one peer now (the CLI, the API's `…/sync`, and the scheduler).
//! - [`Scheduler`] is started by `mamori serve`: every tick it asks the store which peers are
//!   due and runs each in its own task (a few at a time), so one slow or failing peer does
//!   not hold back the others. A lease in the database keeps two runners (two processes, or
//!   the scheduler and a manual sync) off the same peer.

mod client;
mod sync;

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use mamori_intel::federation::Backoff;
use mamori_store::Store;
use tokio::sync::watch;
use tokio::task::JoinSet;

pub use sync::{SyncReport, sync_peer};

/// Limits of one run.
#[derive(Clone, Debug)]
pub struct SyncOptions {
    /// Objects asked for per page when pulling.
    pub page_limit: u32,
    /// Most pages fetched in one run (the cursor is saved after each, so the next run continues).
    pub max_pages: u32,
    /// Most objects per pushed envelope.
    pub push_batch: usize,
    /// Status polls while the peer reports pending objects.
    pub status_polls: u32,
    pub request_timeout: Duration,
    /// The whole run; the peer's lease lasts a minute longer.
    pub run_timeout: Duration,
    pub backoff: Backoff,
    /// Allow peers on internal addresses (loopback, private, link-local); off by default.
    pub allow_internal: bool,
    /// The longest `Retry-After` (429, 503) a request waits for before trying again; a peer
    /// asking for longer fails the run, whose next attempt then waits at least that long.
    pub max_retry_wait: Duration,
}

impl Default for SyncOptions {
    fn default() -> Self {
        SyncOptions {
            page_limit: 500,
            max_pages: 1_000,
            push_batch: 500,
            status_polls: 3,
            request_timeout: Duration::from_secs(60),
            run_timeout: Duration::from_secs(15 * 60),
            backoff: Backoff::default(),
            allow_internal: false,
            max_retry_wait: Duration::from_secs(60),
        }
    }
}

/// Progress of a run: objects fetched (`pull`) or accepted by the peer (`push`) so far.
#[derive(Clone, Copy, Debug)]
pub struct Progress {
    pub phase: &'static str,
    pub objects: i64,
}

/// A progress callback that ignores progress.
pub fn no_progress(_: Progress) {}

/// The background task of `mamori serve`.
pub struct Scheduler {
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

/// Peers synced at the same time by one scheduler.
const CONCURRENT: usize = 4;

impl Scheduler {
    /// Starts checking for due peers every `tick`.
    pub fn start(store: Store, tick: Duration, opts: SyncOptions) -> Scheduler {
        let (stop, mut stopped) = watch::channel(false);
        let task = tokio::spawn(async move {
            let mut runs: JoinSet<()> = JoinSet::new();
            let running: Arc<Mutex<HashSet<String>>> = Arc::default();
            let mut every = tokio::time::interval(tick);
            every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    _ = every.tick() => {}
                    _ = stopped.changed() => break,
                }
                while runs.try_join_next().is_some() {}
                let due = match store.intel_due_peers().await {
                    Ok(d) => d,
                    Err(e) => {
                        tracing::warn!(error = %e, "federation: cannot list due peers");
                        continue;
                    }
                };
                for id in due {
                    if runs.len() >= CONCURRENT {
                        break;
                    }
                    if !running.lock().map(|mut r| r.insert(id.clone())).unwrap_or(false) {
                        continue;
                    }
                    let (store, opts, running) = (store.clone(), opts.clone(), running.clone());
                    runs.spawn(async move {
                        match sync_peer(&store, &id, &opts, &no_progress).await {
                            Ok(r) if r.error.is_none() => {
                                tracing::info!(peer = %id, pulled = r.pulled, pushed = r.pushed, "federation sync")
                            }
                            Ok(r) => tracing::warn!(peer = %id, error = ?r.error, failures = r.failures, "federation sync failed"),
                            // Another runner holds the peer, or it was deleted meanwhile.
                            Err(e) => tracing::debug!(peer = %id, error = %e, "federation sync skipped"),
                        }
                        if let Ok(mut r) = running.lock() {
                            r.remove(&id);
                        }
                    });
                }
            }
            // Let running syncs finish for a moment; the leases of aborted ones expire.
            let grace =
                tokio::time::timeout(Duration::from_secs(10), async { while runs.join_next().await.is_some() {} });
            if grace.await.is_err() {
                runs.abort_all();
            }
        });
        Scheduler { stop, task }
    }

    /// Stops scheduling and waits for the running syncs (at most a few seconds).
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        let _ = self.task.await;
    }
}
