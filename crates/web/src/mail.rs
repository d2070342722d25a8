//! Outgoing e-mail. Without SMTP, development mode logs the message instead.

/// Sends one plain-text message.
pub trait Mailer: Send + Sync {
    fn send(&self, to: &str, subject: &str, body: &str) -> Result<(), String>;
    /// Whether messages actually reach people (false for the logging and null mailers).
    fn delivers(&self) -> bool;
}

/// Development only: writes messages, including their one-time links, to the log.
#[derive(Debug, Default)]
pub struct LogMailer;

impl Mailer for LogMailer {
    fn send(&self, to: &str, subject: &str, body: &str) -> Result<(), String> {
        tracing::warn!(to, subject, body, "development mode: e-mail not sent, logged instead");
        Ok(())
    }
    fn delivers(&self) -> bool {
        false
    }
}

/// Production without SMTP: nothing is sent and nothing secret is logged.
#[derive(Debug, Default)]
pub struct NoMailer;

impl Mailer for NoMailer {
    fn send(&self, to: &str, subject: &str, _body: &str) -> Result<(), String> {
        tracing::warn!(to, subject, "no SMTP server configured: e-mail dropped");
        Err("no SMTP server configured".into())
    }
    fn delivers(&self) -> bool {
        false
    }
}
