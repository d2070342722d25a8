//! `mamori intel federate`: sync federation peers now (`--once`, one peer with `--peer`),
//! with a progress line per peer, or run the scheduler in the foreground until interrupted.

use std::time::Duration;

use anyhow::bail;
use indicatif::{ProgressBar, ProgressStyle};
use mamori_store::{Store, StoreError};
use mamori_web::federation::{Progress, Scheduler, SyncOptions, sync_peer};

/// Runs the sync; the exit code is 2 when any peer failed.
pub async fn run(store: &Store, peer: Option<String>, once: bool) -> anyhow::Result<std::process::ExitCode> {
    if !once {
        if peer.is_some() {
            bail!("--peer needs --once (the scheduler runs every due peer)");
        }
        println!("federation scheduler running; press Ctrl-C to stop");
        let scheduler = Scheduler::start(store.clone(), Duration::from_secs(15), SyncOptions::default());
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
        match sync_peer(store, &id, &SyncOptions::default(), &show).await {
            Ok(r) => {
                let summary =
                    format!("fetched {}, stored {}, pushed {}, refused {}", r.fetched, r.pulled, r.pushed, r.refused);
                match &r.error {
                    None => bar.finish_with_message(format!("ok: {summary}")),
                    Some(e) => {
                        failed = true;
                        bar.finish_with_message(format!("FAILED ({} in a row): {e}; {summary}", r.failures));
                    }
                }
                for note in &r.notes {
                    println!("  {note}");
                }
            }
            Err(StoreError::NotFound) => {
                failed = true;
                bar.finish_with_message("no such peer");
            }
            Err(e) => {
                failed = true;
                bar.finish_with_message(format!("not run: {e}"));
            }
        }
    }
    Ok(if failed { std::process::ExitCode::from(2) } else { std::process::ExitCode::SUCCESS })
}
