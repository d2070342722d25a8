//! Reminder e-mails for open supply-chain requests and for evidence about to lapse. Requests: 7 days and 1 day before the deadline
//! and once when it has passed, to the supplier's owners and admins, each in their own
//! language. `mamori serve` calls [`send_request_reminders`] every few minutes with the
//! current time; tests call it with simulated times.

use mamori_store::assess::DueEvidenceReminder;
use mamori_store::chain::{DueReminder, ReminderRecipient};
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
        sent += mail_each(mailer, &due.recipients, &due.request_id, |lang| reminder_message(&due, lang, public_url));
    }
    Ok(sent)
}

/// Mails one claimed reminder to each recipient in their language; returns how many went out.
fn mail_each(
    mailer: &dyn Mailer,
    recipients: &[ReminderRecipient],
    about: &str,
    message: impl Fn(Lang) -> (String, String),
) -> usize {
    let mut sent = 0;
    for r in recipients {
        let (subject, body) = message(Lang::parse(&r.lang).unwrap_or(Lang::En));
        match mailer.send(&r.email, &subject, &body) {
            Ok(()) => sent += 1,
            Err(e) => tracing::warn!(error = %e, about, "reminder not sent"),
        }
    }
    sent
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

/// Sends the evidence expiry reminders due at `now` (milliseconds) to each organization's
/// owners and admins, claimed once like request reminders. Returns the number of messages.
pub async fn send_evidence_reminders(
    store: &Store,
    mailer: &dyn Mailer,
    public_url: &str,
    now: i64,
) -> Result<usize, StoreError> {
    let mut sent = 0;
    for due in store.due_evidence_reminders(now).await? {
        if !store.claim_evidence_reminder(&due, now).await? {
            continue;
        }
        sent += mail_each(mailer, &due.recipients, &due.evidence_id, |lang| evidence_message(&due, lang, public_url));
    }
    Ok(sent)
}

/// Subject and body of one evidence reminder in `lang`.
pub fn evidence_message(due: &DueEvidenceReminder, lang: Lang, public_url: &str) -> (String, String) {
    let t = Tr(lang);
    let fill = |s: &str| {
        s.replace("{name}", &due.name)
            .replace("{date}", &due.expires_on)
            .replace("{url}", &format!("{}/assessments", public_url.trim_end_matches('/')))
    };
    let subject = fill(t.s(&format!("mail.evidence.{}", due.kind.as_str())));
    (subject, fill(t.s("mail.evidence.body")))
}
