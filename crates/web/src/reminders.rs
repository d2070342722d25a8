//! Reminder e-mails for open supply-chain requests: 7 days and 1 day before the deadline
//! and once when it has passed, to the supplier's owners and admins, each in their own
//! language. `mamori serve` calls [`send_request_reminders`] every few minutes with the
//! current time; tests call it with simulated times.

use mamori_store::chain::DueReminder;
use mamori_store::{Store, StoreError};

use crate::Mailer;
use crate::html::chain::{day, level_text, org_name};
use crate::i18n::{Lang, Tr};

/// Sends the reminders due at `now` (milliseconds). Each reminder is claimed in the
/// database before its messages go out, so it is sent once even across restarts. Returns
/// the number of messages handed to the mailer.
pub async fn send_request_reminders(
    store: &Store,
    mailer: &dyn Mailer,
    public_url: &str,
    now: i64,
) -> Result<usize, StoreError> {
    let mut sent = 0;
    for due in store.due_request_reminders(now).await? {
        if !store.claim_request_reminder(&due, now).await? {
            continue;
        }
        for r in &due.recipients {
            let (subject, body) = reminder_message(&due, Lang::parse(&r.lang).unwrap_or(Lang::En), public_url);
            match mailer.send(&r.email, &subject, &body) {
                Ok(()) => sent += 1,
                Err(e) => tracing::warn!(error = %e, request = %due.request_id, "request reminder not sent"),
            }
        }
    }
    Ok(sent)
}

/// Subject and body of one reminder in `lang`.
pub fn reminder_message(due: &DueReminder, lang: Lang, public_url: &str) -> (String, String) {
    let t = Tr(lang);
    let what = match (due.level, due.profile.as_deref()) {
        (Some(l), Some(p)) => format!("{} / {p}", level_text(l)),
        (Some(l), None) => level_text(l).to_string(),
        (None, Some(p)) => p.to_string(),
        (None, None) => String::new(),
    };
    let fill = |s: &str| {
        s.replace("{buyer}", &org_name(&due.buyer, lang))
            .replace("{what}", &what)
            .replace("{deadline}", &day(due.deadline))
            .replace("{url}", &format!("{}/attestations", public_url.trim_end_matches('/')))
    };
    let subject = fill(t.s(&format!("mail.reminder.{}", due.kind.as_str())));
    (subject, fill(t.s("mail.reminder.body")))
}
