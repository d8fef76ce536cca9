//! Mail delivery: SMTP through lettre when `mail.smtp_url` is set, otherwise one `.eml` file per
//! message in the outbox folder (and a log line), so a single node needs no mail server.

use crate::config::MailConfig;
use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::{Body, Mailbox};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// A plain-text message ready to send (queued as a `mail.send` job, see `crate::mail`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct OutgoingMail {
    /// Recipient address.
    pub to: String,
    /// Subject line.
    pub subject: String,
    /// Body (plain text).
    pub text: String,
}

/// Where messages go.
pub enum Mailer {
    /// An SMTP relay.
    Smtp {
        /// Sender.
        from: Mailbox,
        /// Pooled transport.
        transport: AsyncSmtpTransport<Tokio1Executor>,
    },
    /// A folder of `.eml` files.
    Outbox {
        /// Sender.
        from: Mailbox,
        /// The folder.
        dir: PathBuf,
    },
}

impl Mailer {
    /// Builds the mailer from configuration; the error says which setting is wrong.
    pub fn from_config(c: &MailConfig) -> Result<Self, String> {
        let from: Mailbox = c
            .from
            .parse()
            .map_err(|e| format!("mail.from: `{}` is not an address ({e})", c.from))?;
        match &c.smtp_url {
            Some(url) => {
                let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| format!("mail.smtp_url: {e}"))?
                    .build();
                Ok(Mailer::Smtp { from, transport })
            }
            None => Ok(Mailer::Outbox {
                from,
                dir: PathBuf::from(&c.outbox_dir),
            }),
        }
    }

    fn build(from: &Mailbox, m: &OutgoingMail) -> Result<Message, String> {
        let to: Mailbox = m.to.parse().map_err(|e| format!("bad recipient: {e}"))?;
        let builder = Message::builder()
            .from(from.clone())
            .to(to)
            .subject(m.subject.clone())
            .header(ContentType::TEXT_PLAIN);
        // 8bit keeps links whole and readable in the raw message (quoted-printable would cut
        // and escape them). lettre only picks 8bit for lines under 76 characters, which long
        // links exceed, so check the real limits of RFC 5322 (998 octets, CRLF, no NUL) here.
        let text = m
            .text
            .replace("\r\n", "\n")
            .replace('\r', "")
            .replace('\n', "\r\n");
        let fits_8bit = !text.contains('\0') && text.split("\r\n").all(|l| l.len() <= 998);
        let body = if fits_8bit {
            Body::dangerous_pre_encoded(text.into_bytes(), ContentTransferEncoding::EightBit)
        } else {
            Body::new(text)
        };
        builder
            .body(body)
            .map_err(|e| format!("cannot build message: {e}"))
    }

    /// Delivers one message.
    pub async fn send(&self, m: &OutgoingMail) -> Result<(), String> {
        match self {
            Mailer::Smtp { from, transport } => {
                let msg = Self::build(from, m)?;
                transport
                    .send(msg)
                    .await
                    .map_err(|e| format!("SMTP: {e}"))?;
                tracing::info!(to = %m.to, subject = %m.subject, "mail sent");
                Ok(())
            }
            Mailer::Outbox { from, dir } => {
                let msg = Self::build(from, m)?;
                tokio::fs::create_dir_all(dir)
                    .await
                    .map_err(|e| format!("cannot create outbox {}: {e}", dir.display()))?;
                let name = format!("{}.eml", uuid::Uuid::now_v7());
                let path = dir.join(&name);
                let tmp = dir.join(format!(".{name}.tmp"));
                tokio::fs::write(&tmp, msg.formatted())
                    .await
                    .map_err(|e| format!("cannot write {}: {e}", tmp.display()))?;
                tokio::fs::rename(&tmp, &path)
                    .await
                    .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
                // The body carries one-time links: log where it is, not what it says.
                tracing::info!(to = %m.to, subject = %m.subject, file = %path.display(), "mail written to outbox");
                Ok(())
            }
        }
    }
}
