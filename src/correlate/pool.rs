//! Buffers of emitted message records, reused for the next messages: most messages are alike, and a
//! buffer taken from here costs much less than an allocation and its free.

use super::{Inherit, Message, Recipient};

/// What the text buffers of spent messages are kept for: each is reused for the field it held, so that its
/// capacity fits the next value of that field.
#[derive(Debug, Clone, Copy)]
pub(super) enum Role {
    QueueId,
    Host,
    MessageId,
    SrcHost,
    SrcIp,
    User,
    Sender,
    Subject,
    OrigQueueId,
    Address,
    OrigTo,
    Dsn,
    DestHost,
    DestIp,
    Response,
}

const ROLES: usize = Role::Response as usize + 1;

/// Buffers kept per role. Messages close in bursts (a time-out sweep, a queue run's deliveries): with 32,
/// a fifth of the takes on the bench corpus found the pool empty while as many buffers were freed for want
/// of room; with 256, nearly all misses are the growth of the number of open messages.
const POOL_DEPTH: usize = 256;

/// Larger buffers are freed rather than kept, so that a rare long value does not make every message that
/// later reuses the buffer hold that much memory.
const POOLED_CAPACITY: usize = 256;

/// The text buffers and recipient lists of emitted messages, given back by [`Correlator::recycle`]: most
/// messages are alike, and taking a buffer from here costs much less than an allocation and its free.
/// Bounded ([`POOL_DEPTH`] buffers of at most [`POOLED_CAPACITY`] bytes per role, at most 1 MiB), and
/// apart from the open messages, so that they hold no more memory than without it.
#[derive(Debug, Default)]
pub(super) struct Pool {
    /// Text buffers by [`Role`].
    pub(super) text: [Vec<String>; ROLES],
    /// Recipient lists with room for one.
    pub(super) recipients: Vec<Vec<Recipient>>,
}

impl Pool {
    /// `v` in a buffer of the pool, or a new one.
    pub(super) fn text(&mut self, role: Role, v: &str) -> String {
        match self.text[role as usize].pop() {
            Some(mut s) => {
                // Exactly, as a new buffer would be: doubling would make every open message hold more.
                s.reserve_exact(v.len());
                s.push_str(v);
                s
            }
            None => v.to_string(),
        }
    }

    /// Keeps an unused buffer for another message, emptied.
    pub(super) fn put(&mut self, role: Role, s: Option<String>) {
        if let Some(mut s) = s {
            let kept = &mut self.text[role as usize];
            if kept.len() < POOL_DEPTH && (1..=POOLED_CAPACITY).contains(&s.capacity()) {
                s.clear();
                kept.push(s);
            }
        }
    }

    pub(super) fn set_if_none(&mut self, slot: &mut Option<String>, role: Role, v: Option<&str>) {
        if slot.is_none() {
            if let Some(v) = v {
                *slot = Some(self.text(role, v));
            }
        }
    }

    /// Sets a text slot, reusing its allocation (retried deliveries rewrite the same slots again and again).
    pub(super) fn assign(&mut self, slot: &mut Option<String>, role: Role, v: Option<&str>) {
        match (slot.as_mut(), v) {
            (Some(s), Some(v)) => {
                s.clear();
                s.push_str(v);
            }
            (None, Some(v)) => *slot = Some(self.text(role, v)),
            (_, None) => self.put(role, slot.take()),
        }
    }

    /// Keeps what a message did not take of a link.
    pub(super) fn put_inherit(&mut self, i: Inherit) {
        self.put(Role::OrigQueueId, Some(i.orig_queue_id));
        self.put(Role::User, i.user);
        self.put(Role::SrcHost, i.src_host);
        self.put(Role::SrcIp, i.src_ip);
        self.put(Role::Subject, i.email_subject);
    }

    /// Keeps the buffers of a message that is done with.
    pub(super) fn put_message(&mut self, m: Message) {
        let Message {
            queue_id,
            host,
            internet_message_id,
            src_host,
            src_ip,
            user,
            sender,
            email_subject,
            mut recipients,
            orig_queue_id,
            ..
        } = m;
        self.put(Role::QueueId, Some(queue_id));
        self.put(Role::Host, host);
        self.put(Role::MessageId, internet_message_id);
        self.put(Role::SrcHost, src_host);
        self.put(Role::SrcIp, src_ip);
        self.put(Role::User, user);
        self.put(Role::Sender, sender);
        self.put(Role::Subject, email_subject);
        self.put(Role::OrigQueueId, orig_queue_id);
        for r in recipients.drain(..) {
            self.put(Role::Address, Some(r.address));
            self.put(Role::OrigTo, r.orig_to);
            self.put(Role::Dsn, r.dsn);
            self.put(Role::DestHost, r.dest_host);
            self.put(Role::DestIp, r.dest_ip);
            self.put(Role::Response, r.response);
        }
        // Only lists of one, the size `recipient_mut` gives a new message: a longer one would make the
        // open message that reuses it hold more.
        if recipients.capacity() == 1 && self.recipients.len() < POOL_DEPTH {
            self.recipients.push(recipients);
        }
    }
}
