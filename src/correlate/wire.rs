//! The form in which `--state` keeps an open message: each text a string of its own, as the state file has
//! always held it, so that a message's buffer of texts stays a detail of this process.

use serde::{Deserialize, Serialize};

use super::{Direction, Link, Status, Texts};
use crate::event::Tag;
use crate::time::Timestamp;

/// A [`super::Recipient`] in the state file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct Recipient {
    address: String,
    orig_to: Option<String>,
    status: Status,
    dsn: Option<String>,
    dest_host: Option<String>,
    dest_ip: Option<String>,
    dest_port: Option<u16>,
    delay: Option<f64>,
    response: Option<String>,
    attempts: u32,
    local: bool,
    #[serde(default)]
    reported: Option<Status>,
}

/// A [`super::Message`] in the state file.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub(super) struct Message {
    queue_id: String,
    host: Option<String>,
    internet_message_id: Option<String>,
    time_first: Option<Timestamp>,
    time_last: Option<Timestamp>,
    src_host: Option<String>,
    src_ip: Option<String>,
    src_port: Option<u16>,
    user: Option<String>,
    sender: Option<String>,
    bytes: Option<i64>,
    num_recipients: Option<i64>,
    email_subject: Option<String>,
    attachments: Vec<String>,
    recipients: Vec<Recipient>,
    orig_queue_id: Option<String>,
    link: Option<Link>,
    rejected: Option<String>,
    local_submission: bool,
    direction: Option<Direction>,
    complete: bool,
    tags: Vec<Tag>,
}

impl From<&super::Message> for Message {
    fn from(m: &super::Message) -> Message {
        let own = |v: Option<&str>| v.map(str::to_string);
        Message {
            queue_id: m.queue_id().to_string(),
            host: own(m.host()),
            internet_message_id: own(m.internet_message_id()),
            time_first: m.time_first,
            time_last: m.time_last,
            src_host: own(m.src_host()),
            src_ip: own(m.src_ip()),
            src_port: m.src_port,
            user: own(m.user()),
            sender: own(m.sender()),
            bytes: m.bytes,
            num_recipients: m.num_recipients,
            email_subject: own(m.email_subject()),
            attachments: m.attachments().map(str::to_string).collect(),
            recipients: (m.recipients())
                .map(|r| Recipient {
                    address: r.address().to_string(),
                    orig_to: own(r.orig_to()),
                    status: r.status,
                    dsn: own(r.dsn()),
                    dest_host: own(r.dest_host()),
                    dest_ip: own(r.dest_ip()),
                    dest_port: r.dest_port,
                    delay: r.delay,
                    response: own(r.response()),
                    attempts: r.attempts,
                    local: r.local,
                    reported: r.reported,
                })
                .collect(),
            orig_queue_id: own(m.orig_queue_id()),
            link: m.link,
            rejected: own(m.rejected()),
            local_submission: m.local_submission,
            direction: m.direction,
            complete: m.complete,
            tags: m.tags.clone(),
        }
    }
}

impl From<super::Message> for Message {
    fn from(m: super::Message) -> Message {
        Message::from(&m)
    }
}

impl From<Message> for super::Message {
    fn from(w: Message) -> super::Message {
        let mut t = Texts::default();
        let queue_id = t.put(&w.queue_id);
        let mut put = |v: Option<String>| v.map(|v| t.put(&v));
        let host = put(w.host);
        let internet_message_id = put(w.internet_message_id);
        let src_host = put(w.src_host);
        let src_ip = put(w.src_ip);
        let user = put(w.user);
        let sender = put(w.sender);
        let email_subject = put(w.email_subject);
        let orig_queue_id = put(w.orig_queue_id);
        let rejected = put(w.rejected);
        let attachments = w.attachments.iter().map(|a| t.put(a)).collect();
        let recipients = (w.recipients.into_iter())
            .map(|r| super::Recipient {
                address: t.put(&r.address),
                orig_to: r.orig_to.map(|v| t.put(&v)),
                status: r.status,
                dsn: r.dsn.map(|v| t.put(&v)),
                dest_host: r.dest_host.map(|v| t.put(&v)),
                dest_ip: r.dest_ip.map(|v| t.put(&v)),
                dest_port: r.dest_port,
                delay: r.delay,
                response: r.response.map(|v| t.put(&v)),
                attempts: r.attempts,
                local: r.local,
                reported: r.reported,
            })
            .collect();
        super::Message {
            text: t,
            queue_id,
            host,
            internet_message_id,
            time_first: w.time_first,
            time_last: w.time_last,
            src_host,
            src_ip,
            src_port: w.src_port,
            user,
            sender,
            bytes: w.bytes,
            num_recipients: w.num_recipients,
            email_subject,
            attachments,
            recipients,
            orig_queue_id,
            link: w.link,
            rejected,
            local_submission: w.local_submission,
            direction: w.direction,
            complete: w.complete,
            tags: w.tags,
        }
    }
}
