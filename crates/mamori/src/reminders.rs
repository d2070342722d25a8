//! The reminder task of `mamori serve`: every few minutes, the request and evidence-expiry
//! reminders that are due now are claimed and mailed (`mamori_web::reminders`). Runs only
//! when messages go somewhere: an SMTP server, or the log in development mode.

use std::sync::Arc;
use std::time::Duration;

use mamori_store::Store;
use mamori_web::Mailer;

/// How often due reminders are looked for. Reminders are day-granular, so a few minutes'
/// delay does not matter.
const EVERY: Duration = Duration::from_secs(300);

/// Starts the task; abort the handle before closing the store.
pub fn spawn(store: Store, mailer: Arc<dyn Mailer>, public_url: String) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let now = (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64;
            match mamori_web::reminders::send_request_reminders(&store, mailer.as_ref(), &public_url, now).await {
                Ok(0) => {}
                Ok(sent) => tracing::info!(sent, "request reminders sent"),
                Err(e) => tracing::error!(error = %e, "request reminders failed; retrying at the next tick"),
            }
            match mamori_web::reminders::send_evidence_reminders(&store, mailer.as_ref(), &public_url, now).await {
                Ok(0) => {}
                Ok(sent) => tracing::info!(sent, "evidence expiry reminders sent"),
                Err(e) => tracing::error!(error = %e, "evidence reminders failed; retrying at the next tick"),
            }
        }
    })
}
