//! Sending e-mail through an SMTP server (`--smtp-url`), off the request path.

use lettre::message::header::ContentType;
use lettre::{Message, SmtpTransport, Transport};
use mamori_web::Mailer;

/// Delivers messages with lettre; each send runs on its own thread so a slow server never
/// holds up a request, and failures are logged.
pub struct SmtpMailer {
    transport: SmtpTransport,
    from: lettre::message::Mailbox,
}

impl SmtpMailer {
    /// `url` is `smtp://user:pass@host:587?tls=required` (STARTTLS), `smtps://user:pass@host:465`
    /// (TLS), or `smtp://host:25` (plain, for a relay on the same host or network).
    pub fn new(url: &str, from: &str) -> anyhow::Result<SmtpMailer> {
        let transport = SmtpTransport::from_url(url)
            .map_err(|e| anyhow::anyhow!("--smtp-url is not valid: {e}"))?
            .timeout(Some(std::time::Duration::from_secs(20)))
            .build();
        let from = from.parse().map_err(|e| anyhow::anyhow!("--smtp-from is not a valid address: {e}"))?;
        Ok(SmtpMailer { transport, from })
    }
}

impl Mailer for SmtpMailer {
    fn send(&self, to: &str, subject: &str, body: &str) -> Result<(), String> {
        let to = to.parse().map_err(|e| format!("invalid recipient: {e}"))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body.to_string())
            .map_err(|e| format!("cannot build message: {e}"))?;
        let transport = self.transport.clone();
        std::thread::spawn(move || {
            if let Err(e) = transport.send(&message) {
                tracing::error!(error = %e, "SMTP delivery failed");
            }
        });
        Ok(())
    }

    fn delivers(&self) -> bool {
        true
    }
}
