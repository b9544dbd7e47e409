//! Correlation: joins the lines of one Postfix message by (host, queue id) into a message record.

use crate::event::{LineEvent, Tag};
use crate::time::Timestamp;

/// What finally happened to one recipient.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    /// Delivered (`status=sent`).
    Sent,
    /// Not yet delivered; Postfix will try again.
    Deferred,
    /// Refused by the SMTP server while the client was still talking (`reject:`).
    Rejected,
    /// Returned to the sender (`status=bounced`).
    Bounced,
    /// Given up after the queue lifetime (`status=expired`).
    Expired,
}

impl Status {
    /// The word used in records.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Sent => "sent",
            Status::Deferred => "deferred",
            Status::Rejected => "rejected",
            Status::Bounced => "bounced",
            Status::Expired => "expired",
        }
    }
}

/// One recipient of a message and the outcome of its delivery attempts.
#[derive(Debug, Clone, PartialEq)]
pub struct Recipient {
    /// The envelope recipient (`to=`).
    pub address: String,
    /// The address before alias expansion (`orig_to=`).
    pub orig_to: Option<String>,
    /// The latest status.
    pub status: Status,
    /// The latest DSN code.
    pub dsn: Option<String>,
    /// The relay host of the latest attempt.
    pub dest_host: Option<String>,
    /// The relay address of the latest attempt.
    pub dest_ip: Option<String>,
    /// The relay port of the latest attempt.
    pub dest_port: Option<u16>,
    /// Total delay in seconds at the latest attempt.
    pub delay: Option<f64>,
    /// The text in parentheses after the status.
    pub response: Option<String>,
    /// Delivery attempts logged for this recipient.
    pub attempts: u32,
}

/// A Postfix message: everything its lines said, joined by queue id.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Message {
    /// The Postfix queue id.
    pub queue_id: String,
    /// The MTA that logged it.
    pub host: Option<String>,
    /// `Message-ID` header value.
    pub internet_message_id: Option<String>,
    /// Time of the first line.
    pub time_first: Option<Timestamp>,
    /// Time of the latest line.
    pub time_last: Option<Timestamp>,
    /// SMTP client name.
    pub src_host: Option<String>,
    /// SMTP client address.
    pub src_ip: Option<String>,
    /// SMTP client port.
    pub src_port: Option<u16>,
    /// SASL user name, or the local account that submitted it.
    pub user: Option<String>,
    /// Envelope sender (empty for bounces).
    pub sender: Option<String>,
    /// Message size.
    pub bytes: Option<i64>,
    /// Envelope recipient count.
    pub num_recipients: Option<i64>,
    /// Decoded subject.
    pub email_subject: Option<String>,
    /// Attachment file names, in order of appearance, without repeats.
    pub attachments: Vec<String>,
    /// Recipients in order of first appearance.
    pub recipients: Vec<Recipient>,
    /// The queue id this message continues (content filter re-injection, bounce notification original).
    pub orig_queue_id: Option<String>,
    /// Whether the `removed` line was seen.
    pub complete: bool,
    /// Rules that fired on the message.
    pub tags: Vec<Tag>,
}

impl Message {
    /// `sent` when every recipient was sent, else the worst status; `unknown` without recipients.
    pub fn result(&self) -> &'static str {
        match self.recipients.iter().map(|r| r.status).max() {
            None => "unknown",
            Some(s) => s.as_str(),
        }
    }

    /// Activity and legacy event type: success when any recipient was delivered, fail when none was.
    pub fn activity(&self) -> (Option<&'static str>, Option<&'static str>) {
        if self.recipients.is_empty() {
            (None, None)
        } else if self.recipients.iter().any(|r| r.status == Status::Sent) {
            (Some("email-send:success"), Some("dlp-email-alert-out"))
        } else {
            (Some("email-send:fail"), Some("dlp-email-alert-out-failed"))
        }
    }
}

/// The correlation stage (state of open messages).
#[derive(Debug, Default)]
pub struct Correlator {}

impl Correlator {
    /// Feeds one line; returns the messages it completes.
    pub fn feed(&mut self, _ev: &LineEvent<'_>, _out: &mut Vec<Message>) {}

    /// Emits every open message (end of input).
    pub fn flush(&mut self, _out: &mut Vec<Message>) {}
}
