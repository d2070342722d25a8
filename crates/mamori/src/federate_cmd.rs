//! `mamori intel federate`: sync federation peers now (`--once`, one peer with `--peer`),
//! with a progress line per peer, or run the scheduler in the foreground until interrupted.

use std::time::Duration;

use anyhow::bail;
use indicatif::{ProgressBar, ProgressStyle};
use mamori_store::{Store, StoreError};
use mamori_web::federation::{Progress, Scheduler, SyncOptions, sync_peer};

fn wait_secs(r: &mamori_web::federation::SyncReport) -> i64 {
    let now =
        i64::try_from(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis()))
            .unwrap_or(0);
    (r.next_attempt_at - now).max(0) / 1000
}

/// Runs the sync; the exit code is 2 when any peer failed.
pub async fn run(
    store: &Store,
    peer: Option<String>,
    once: bool,
    allow_internal: bool,
) -> anyhow::Result<std::process::ExitCode> {
    let opts = SyncOptions { allow_internal, ..SyncOptions::default() };
    if !once {
        if peer.is_some() {
            bail!("--peer needs --once (the scheduler runs every due peer)");
        }
        println!("federation scheduler running; press Ctrl-C to stop");
        let scheduler = Scheduler::start(store.clone(), Duration::from_secs(15), opts);
        let _ = tokio::signal::ctrl_c().await;
        scheduler.shutdown().await;
        return Ok(std::process::ExitCode::SUCCESS);
    }
    let ids = match peer {
        Some(id) => vec![id],
        None => store.intel_enabled_peers().await?,
    };
    if ids.is_empty() {
        println!("no enabled peer");
    }
    let mut failed = false;
    for id in ids {
        let bar = ProgressBar::new_spinner();
        bar.set_style(
            ProgressStyle::with_template("{spinner} {prefix}: {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.set_prefix(id.clone());
        bar.enable_steady_tick(Duration::from_millis(120));
        let show = |p: Progress| bar.set_message(format!("{} {} objects", p.phase, p.objects));
        let line = match sync_peer(store, &id, &opts, &show).await {
            Ok(r) => {
                let summary =
                    format!("fetched {}, stored {}, pushed {}, refused {}", r.fetched, r.pulled, r.pushed, r.refused);
                let mut line = match &r.error {
                    None if r.incomplete => format!("ok, more to fetch (continues on the next run): {summary}"),
                    None => format!("ok: {summary}"),
                    Some(e) => {
                        failed = true;
                        format!("FAILED ({} in a row, next attempt in {} s): {e}; {summary}", r.failures, wait_secs(&r))
                    }
                };
                for note in &r.notes {
                    line.push_str(&format!("\n  {note}"));
                }
                line
            }
            Err(StoreError::NotFound) => {
                failed = true;
                "no such peer".to_owned()
            }
            Err(e) => {
                failed = true;
                format!("not run: {e}")
            }
        };
        // The spinner shows only on a terminal; the outcome is always printed.
        bar.finish_and_clear();
        println!("{id}: {line}");
    }
    Ok(if failed { std::process::ExitCode::from(2) } else { std::process::ExitCode::SUCCESS })
}
