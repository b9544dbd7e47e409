//! Correlation: joins the lines of one Postfix message by (host, queue id) into a message record.
//!
//! Postfix logs a message over many lines of several daemons (`rules.md` E.2): smtpd `client=` or pickup
//! `uid= from=` opens it, cleanup names its Message-ID and (with header checks) its subject and attachments,
//! qmgr its sender, size and recipient count, each delivery agent one line per recipient and attempt, and
//! qmgr `removed` ends it. The record is emitted right after `removed` (`complete: true`). Earlier records
//! (`complete: false`) go out when waiting would delay detection (some recipients settled, others deferred
//! for ten minutes of log time, E.3.4), when the memory bound evicts a message, when it times out, and at
//! the end of input. Nothing is ever dropped silently.
//!
//! Queue files are linked: a content filter's `queued as NEWQID` and smtpd's `orig_queue_id=`, a local
//! alias's `forwarded as NEWQID`, and bounce's `sender non-delivery notification: NDRQID` make the new
//! message point at the old one (`orig_queue_id`), and a filtered message inherits the client, user,
//! subject and attachments that only the first hop logged.
//!
//! Time is log time: the clock is the latest time stamp read on any line (`rules.md` Decision 13).

use std::collections::{HashMap, VecDeque};

use serde::{Deserialize, Serialize};

use crate::config::Limits;
use crate::event::{LineEvent, Name, Tag, Value, NAMES};
use crate::hash::FxBuild;
use crate::net::IpNet;
use crate::postfix::lex;
use crate::time::Timestamp;

mod pool;
mod removed;
mod text;
mod wire;

use pool::Pool;
use removed::Removed;
use text::{Span, Texts};

/// Log time after a message's latest delivery line at which, if some recipients are still pending, a
/// `complete: false` record is emitted (`rules.md` E.3.4).
pub const EARLY_AFTER_S: i64 = 600;

/// Log time after `removed` during which stray lines of that queue id (logged out of order by another
/// process in the same instant) are not taken for a new message.
const REMOVED_GRACE_S: i64 = 2;

/// Most removed keys held for the grace at once, whatever the log time. A stray line follows its message's
/// removal within a few lines; this many removals take more than the grace on any stream under 2,048
/// messages a second. When log time stands still (a replayed or concatenated log), this bound alone keeps
/// the list. Held up to the bound of open messages (100,000 by default) instead, a replay of a million
/// messages removed in one second peaked at 33.5 MB, against 8 MB with this bound; and in a concatenation
/// of logs, the lines of a message in a later log were taken for strays of its namesake in an earlier one.
const REMOVED_KEEP: usize = 4096;

/// What finally happened to one recipient.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Status {
    /// Delivered (`status=sent`).
    Sent,
    /// Not yet delivered; Postfix will try again.
    Deferred,
    /// Refused by our own smtpd while the client was still talking (`reject:` with a queue id).
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

    /// The status of a delivery line's `status=` word; `None` for address-verification probes
    /// (`deliverable`, `undeliverable`), which are not deliveries (`rules.md` E.3.10).
    pub fn of_delivery(word: &str) -> Option<Status> {
        Some(match word {
            "sent" => Status::Sent,
            "deferred" => Status::Deferred,
            "bounced" => Status::Bounced,
            "expired" | "force-expired" => Status::Expired,
            _ => return None,
        })
    }
}

/// One recipient of a message and the outcome of its delivery attempts. Its texts are spans of its
/// message's; [`Message::recipients`] reads them.
#[derive(Debug, Clone)]
pub struct Recipient {
    /// The envelope recipient (`to=`).
    address: Span,
    /// The address before alias expansion (`orig_to=`).
    orig_to: Option<Span>,
    /// The latest status.
    pub status: Status,
    /// The latest DSN code.
    dsn: Option<Span>,
    /// The relay host of the latest attempt.
    dest_host: Option<Span>,
    /// The relay address of the latest attempt.
    dest_ip: Option<Span>,
    /// The relay port of the latest attempt.
    pub dest_port: Option<u16>,
    /// Total delay in seconds at the latest attempt.
    pub delay: Option<f64>,
    /// The text in parentheses after the status.
    response: Option<Span>,
    /// Delivery attempts logged for this recipient.
    pub attempts: u32,
    /// Delivered on this host (local, virtual, lmtp, pipe...), not relayed to another MTA.
    pub local: bool,
    /// The status an earlier (`complete: false`) record of the message carried for this recipient.
    pub reported: Option<Status>,
}

impl Recipient {
    /// Every span of the recipient, for a compaction.
    fn spans(&mut self, f: &mut dyn FnMut(&mut Span)) {
        f(&mut self.address);
        for s in [
            &mut self.orig_to,
            &mut self.dsn,
            &mut self.dest_host,
            &mut self.dest_ip,
            &mut self.response,
        ]
        .into_iter()
        .flatten()
        {
            f(s);
        }
    }
}

/// A recipient as its message's record shows it: the [`Recipient`] and its texts.
#[derive(Debug, Clone, Copy)]
pub struct RecipientRef<'m> {
    text: &'m Texts,
    r: &'m Recipient,
}

impl<'m> RecipientRef<'m> {
    /// The envelope recipient (`to=`).
    pub fn address(&self) -> &'m str {
        self.text.get(self.r.address)
    }

    /// The address before alias expansion (`orig_to=`).
    pub fn orig_to(&self) -> Option<&'m str> {
        self.text.opt(self.r.orig_to)
    }

    /// The latest DSN code.
    pub fn dsn(&self) -> Option<&'m str> {
        self.text.opt(self.r.dsn)
    }

    /// The relay host of the latest attempt.
    pub fn dest_host(&self) -> Option<&'m str> {
        self.text.opt(self.r.dest_host)
    }

    /// The relay address of the latest attempt.
    pub fn dest_ip(&self) -> Option<&'m str> {
        self.text.opt(self.r.dest_ip)
    }

    /// The text in parentheses after the status.
    pub fn response(&self) -> Option<&'m str> {
        self.text.opt(self.r.response)
    }
}

impl std::ops::Deref for RecipientRef<'_> {
    type Target = Recipient;

    /// The recipient's other fields: status, port, delay, attempts.
    fn deref(&self) -> &Recipient {
        self.r
    }
}
/// How a message is linked to the one its `orig_queue_id` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Link {
    /// Re-injected by a content filter (or smtpd `orig_queue_id=`).
    ContentFilter,
    /// Forwarded by a local alias or `.forward` (`forwarded as`).
    Forward,
    /// The non-delivery notification of the original.
    Bounce,
}

impl Link {
    /// The word used in records.
    pub fn as_str(self) -> &'static str {
        match self {
            Link::ContentFilter => "content-filter",
            Link::Forward => "forward",
            Link::Bounce => "bounce",
        }
    }
}

/// Direction of a message relative to the organisation (`rules.md` E.3.9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Direction {
    /// A company sender and at least one external recipient.
    Outbound,
    /// A company sender and only internal recipients.
    Internal,
    /// Not a company sender; only internal recipients.
    Inbound,
    /// Not a company sender, and external recipients: relayed, not an email event of the organisation.
    Relay,
}

impl Direction {
    /// The word used in records.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Outbound => "outbound",
            Direction::Internal => "internal",
            Direction::Inbound => "inbound",
            Direction::Relay => "relay",
        }
    }
}

/// A Postfix message: everything its lines said, joined by queue id. Its texts are kept in one buffer
/// and read through the methods named after them.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(from = "wire::Message", into = "wire::Message")]
pub struct Message {
    /// The texts below, back to back.
    text: Texts,
    /// The Postfix queue id.
    queue_id: Span,
    /// The MTA that logged it.
    host: Option<Span>,
    /// `Message-ID` header value.
    internet_message_id: Option<Span>,
    /// Time of the first line.
    pub time_first: Option<Timestamp>,
    /// Time of the latest line.
    pub time_last: Option<Timestamp>,
    /// SMTP client name.
    src_host: Option<Span>,
    /// SMTP client address.
    src_ip: Option<Span>,
    /// SMTP client port.
    pub src_port: Option<u16>,
    /// SASL user name, or the local account that submitted it through pickup.
    user: Option<Span>,
    /// Envelope sender (empty for bounces).
    sender: Option<Span>,
    /// Message size.
    pub bytes: Option<i64>,
    /// Envelope recipient count.
    pub num_recipients: Option<i64>,
    /// Decoded subject.
    email_subject: Option<Span>,
    /// Attachment file names, in order of appearance, without repeats.
    attachments: Vec<Span>,
    /// Recipients in order of first appearance.
    recipients: Vec<Recipient>,
    /// The queue id this message continues (content filter, forward) or reports on (bounce).
    orig_queue_id: Option<Span>,
    /// What `orig_queue_id` is.
    pub link: Option<Link>,
    /// Why cleanup or the server refused the whole message, when it did.
    rejected: Option<Span>,
    /// Submitted locally (pickup) rather than over SMTP.
    pub local_submission: bool,
    /// Direction, decided when the record is emitted.
    pub direction: Option<Direction>,
    /// Whether the `removed` line was seen.
    pub complete: bool,
    /// Rules that fired on the message.
    pub tags: Vec<Tag>,
}

/// Messages are equal when they say the same, wherever their texts lie in their buffers.
impl PartialEq for Message {
    fn eq(&self, other: &Message) -> bool {
        wire::Message::from(self) == wire::Message::from(other)
    }
}

impl Message {
    /// The Postfix queue id.
    pub fn queue_id(&self) -> &str {
        self.text.get(self.queue_id)
    }

    /// The MTA that logged it.
    pub fn host(&self) -> Option<&str> {
        self.text.opt(self.host)
    }

    /// `Message-ID` header value.
    pub fn internet_message_id(&self) -> Option<&str> {
        self.text.opt(self.internet_message_id)
    }

    /// SMTP client name.
    pub fn src_host(&self) -> Option<&str> {
        self.text.opt(self.src_host)
    }

    /// SMTP client address.
    pub fn src_ip(&self) -> Option<&str> {
        self.text.opt(self.src_ip)
    }

    /// SASL user name, or the local account that submitted it through pickup.
    pub fn user(&self) -> Option<&str> {
        self.text.opt(self.user)
    }

    /// Envelope sender (empty for bounces).
    pub fn sender(&self) -> Option<&str> {
        self.text.opt(self.sender)
    }

    /// Decoded subject.
    pub fn email_subject(&self) -> Option<&str> {
        self.text.opt(self.email_subject)
    }

    /// Attachment file names, in order of appearance, without repeats.
    pub fn attachments(&self) -> impl ExactSizeIterator<Item = &str> + Clone + '_ {
        self.attachments.iter().map(|&s| self.text.get(s))
    }

    /// Recipients in order of first appearance.
    pub fn recipients(&self) -> impl ExactSizeIterator<Item = RecipientRef<'_>> + Clone + '_ {
        self.recipients.iter().map(|r| RecipientRef {
            text: &self.text,
            r,
        })
    }

    /// The queue id this message continues (content filter, forward) or reports on (bounce).
    pub fn orig_queue_id(&self) -> Option<&str> {
        self.text.opt(self.orig_queue_id)
    }

    /// Why cleanup or the server refused the whole message, when it did.
    pub fn rejected(&self) -> Option<&str> {
        self.text.opt(self.rejected)
    }

    /// `sent` when every recipient was sent, else the worst status; `rejected` for a message refused
    /// whole; `unknown` while no recipient outcome is known.
    pub fn result(&self) -> &'static str {
        match self.recipients.iter().map(|r| r.status).max() {
            Some(s) => s.as_str(),
            None if self.rejected.is_some() => Status::Rejected.as_str(),
            None => "unknown",
        }
    }

    /// Activity and legacy event type (`output.md`): receive for inbound mail, else send success when any
    /// recipient was delivered and send fail when none was.
    pub fn activity(&self) -> (Option<&'static str>, Option<&'static str>) {
        let any_sent = self.recipients.iter().any(|r| r.status == Status::Sent);
        match (self.direction, any_sent) {
            (Some(Direction::Inbound), true) => {
                (Some("email-receive:success"), Some("dlp-email-alert-in"))
            }
            // Refused inbound mail and relayed mail are no email event of the organisation (E.3.9).
            (Some(Direction::Inbound | Direction::Relay), _) => (None, None),
            (_, true) => (Some("email-send:success"), Some("dlp-email-alert-out")),
            (_, false) if !self.recipients.is_empty() || self.rejected.is_some() => {
                (Some("email-send:fail"), Some("dlp-email-alert-out-failed"))
            }
            _ => (None, None),
        }
    }

    /// The index of the recipient `address` (before expansion `orig_to`), added with `status` if new.
    fn recipient_at(&mut self, address: &str, orig_to: Option<&str>, status: Status) -> usize {
        let text = &self.text;
        let at = (self.recipients.iter())
            .position(|r| text.get(r.address) == address && text.opt(r.orig_to) == orig_to);
        at.unwrap_or_else(|| {
            // Most messages have one recipient: room for one, not the four a first push reserves.
            if self.recipients.capacity() == 0 {
                self.recipients.reserve_exact(1);
            }
            let address = self.text.put(address);
            let orig_to = orig_to.map(|t| self.text.put(t));
            self.recipients.push(Recipient {
                address,
                orig_to,
                status,
                dsn: None,
                dest_host: None,
                dest_ip: None,
                dest_port: None,
                delay: None,
                response: None,
                attempts: 0,
                local: false,
                reported: None,
            });
            self.recipients.len() - 1
        })
    }

    /// Copies the texts still named into a new buffer when superseded ones (rewritten at every retry of
    /// a deferred delivery) take more room than they do. The test runs for every line; the copy seldom.
    #[inline]
    fn compact_if_wasteful(&mut self) {
        if self.text.wasteful() {
            self.compact();
        }
    }

    #[cold]
    #[inline(never)]
    fn compact(&mut self) {
        let Message {
            text,
            queue_id,
            host,
            internet_message_id,
            src_host,
            src_ip,
            user,
            sender,
            email_subject,
            attachments,
            recipients,
            orig_queue_id,
            rejected,
            ..
        } = self;
        text.compact(|re| {
            re(queue_id);
            let spans = [
                host,
                internet_message_id,
                src_host,
                src_ip,
                user,
                sender,
                email_subject,
                orig_queue_id,
                rejected,
            ];
            spans.into_iter().flatten().for_each(&mut *re);
            attachments.iter_mut().for_each(&mut *re);
            for r in recipients {
                r.spans(re);
            }
        });
    }

    /// Joins the message to the one it continues (or reports on): takes the link unless it has one, and
    /// what the first hop logged that this copy did not.
    #[cold]
    fn join(&mut self, from: Inherit) {
        let t = &mut self.text;
        if self.orig_queue_id.is_none() {
            self.orig_queue_id = Some(t.put(&from.orig_queue_id));
            self.link = from.link;
        }
        t.set_if_none(&mut self.user, from.user.as_deref());
        let own_client = t.opt(self.src_ip).is_some_and(|ip| !is_loopback(ip));
        if !own_client && from.src_ip.is_some() {
            t.assign(&mut self.src_ip, from.src_ip.as_deref());
            t.assign(&mut self.src_host, from.src_host.as_deref());
            self.src_port = from.src_port;
        }
        t.set_if_none(&mut self.email_subject, from.email_subject.as_deref());
        if self.attachments.is_empty() {
            self.attachments = from.attachments.iter().map(|a| t.put(a)).collect();
        }
        self.local_submission |= from.local_submission;
    }
}

fn is_loopback(ip: &str) -> bool {
    ip.starts_with("127.") || ip == "::1"
}

/// What a linked message inherits from the one it continues.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Inherit {
    orig_queue_id: String,
    link: Option<Link>,
    user: Option<String>,
    src_host: Option<String>,
    src_ip: Option<String>,
    src_port: Option<u16>,
    email_subject: Option<String>,
    attachments: Vec<String>,
    local_submission: bool,
}

impl Inherit {
    #[cold]
    fn of(m: &Message, link: Link) -> Inherit {
        let pass_on = link != Link::Bounce;
        let copy = |v: Option<&str>| v.filter(|_| pass_on).map(str::to_string);
        Inherit {
            orig_queue_id: m.queue_id().to_string(),
            link: Some(link),
            user: copy(m.user()),
            src_host: copy(m.src_host()),
            src_ip: copy(m.src_ip()),
            src_port: m.src_port.filter(|_| pass_on),
            email_subject: copy(m.email_subject()),
            attachments: if pass_on {
                m.attachments().map(str::to_string).collect()
            } else {
                Vec::new()
            },
            local_submission: pass_on && m.local_submission,
        }
    }
}

/// An open message and its bookkeeping.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Open {
    m: Message,
    /// Sequence number of the latest line that touched it (for the LRU order).
    touch: u64,
    /// Log time of the latest line, seconds.
    last_secs: i64,
    /// Sequence number of the latest delivery line, and whether an early record went out after it.
    last_delivery: Option<(u64, i64)>,
    early_sent_for: Option<u64>,
    /// A client or pickup line was seen: a second one means the short queue id was reused.
    has_origin: bool,
}

/// Longest `QUEUEID\0HOST` held inside a [`Key`]: five words less the length byte. Postfix's queue ids
/// (at most 24 characters) and ordinary host names fit.
const INLINE_KEY: usize = 39;

/// Marks the fifth word of a [`Key`] of split layout: a length byte of the text layout never has it.
const SPLIT: u64 = 1 << 63;

/// What identifies a message: its queue id and the host that logged it; as text `QUEUEID\0HOST` (the form
/// the state file keeps). Held inline as words, so that the look-up every line makes neither allocates nor
/// follows a pointer, and hashes and compares five words; only a text longer than any Postfix writes is
/// boxed.
#[derive(Debug, Clone)]
enum Key {
    /// A queue id and a host of at most 16 bytes each: the queue id's bytes in the first two words, the
    /// host's in the next two (zero-padded), and their lengths and [`SPLIT`] in the fifth. Otherwise the
    /// text's bytes in order, then zeros, with its length (at most [`INLINE_KEY`]) in the last byte.
    Inline([u64; 5]),
    Boxed(Box<str>),
}

impl Default for Key {
    fn default() -> Key {
        Key::Inline([0; 5])
    }
}

impl PartialEq for Key {
    fn eq(&self, other: &Key) -> bool {
        match (self, other) {
            // Branch-free: the keys of a probe usually differ in the first word already, but are as often
            // equal, and a mispredicted branch costs more than five `xor`s.
            (Key::Inline(a), Key::Inline(b)) => {
                a.iter().zip(b).fold(0, |acc, (x, y)| acc | (x ^ y)) == 0
            }
            (Key::Boxed(a), Key::Boxed(b)) => a == b,
            _ => false,
        }
    }
}

impl Eq for Key {}

impl std::hash::Hash for Key {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        match self {
            Key::Inline(words) => words.iter().for_each(|w| state.write_u64(*w)),
            Key::Boxed(s) => state.write(s.as_bytes()),
        }
    }
}

impl Key {
    #[inline(always)]
    fn new(qid: &str, host: Option<&str>) -> Key {
        let host = host.unwrap_or("");
        let len = qid.len() + 1 + host.len();
        if len > INLINE_KEY {
            return Key::Boxed(format!("{qid}\u{0}{host}").into());
        }
        if qid.len() <= 16 && host.len() <= 16 {
            return Key::packed(qid.as_bytes(), host.as_bytes());
        }
        let mut text = [0; 40];
        text[..qid.len()].copy_from_slice(qid.as_bytes());
        text[qid.len() + 1..len].copy_from_slice(host.as_bytes());
        Key::inline(text, len)
    }

    /// The key of a queue id and host of at most 16 bytes each, put together in registers: each in words of
    /// its own, so that nothing is shifted by a length. Written into a byte array and read back as words,
    /// the pieces made the reads wait for the writes (a store that cannot be forwarded to a wider load),
    /// which cost more than all the rest of a look-up.
    #[inline(always)]
    fn packed(qid: &[u8], host: &[u8]) -> Key {
        let ((q0, q1), (h0, h1)) = (le128(qid), le128(host));
        Key::Inline([
            q0,
            q1,
            h0,
            h1,
            SPLIT | (qid.len() as u64) << 8 | host.len() as u64,
        ])
    }

    /// The key of a state file's `QUEUEID\0HOST` text.
    fn of_text(s: &str) -> Key {
        if let Some((qid, host)) = s.split_once('\0') {
            return Key::new(qid, Some(host));
        }
        if s.len() > INLINE_KEY {
            return Key::Boxed(s.into());
        }
        let mut text = [0; 40];
        text[..s.len()].copy_from_slice(s.as_bytes());
        Key::inline(text, s.len())
    }

    fn inline(mut text: [u8; 40], len: usize) -> Key {
        text[INLINE_KEY] = len as u8;
        let mut words = [0; 5];
        for (w, b) in words.iter_mut().zip(text.chunks_exact(8)) {
            *w = u64::from_le_bytes(b.try_into().expect("8 bytes"));
        }
        Key::Inline(words)
    }

    fn to_text(&self) -> String {
        match self {
            Key::Inline(words) if words[4] & SPLIT != 0 => {
                let (qid, host) = ((words[4] >> 8) as u8, words[4] as u8);
                let part = |lo: u64, hi: u64, len: u8| {
                    let bytes = (u128::from(hi) << 64 | u128::from(lo)).to_le_bytes();
                    String::from_utf8_lossy(&bytes[..usize::from(len).min(16)]).into_owned()
                };
                format!(
                    "{}\u{0}{}",
                    part(words[0], words[1], qid),
                    part(words[2], words[3], host)
                )
            }
            Key::Inline(words) => {
                let mut text = [0; 40];
                for (b, w) in text.chunks_exact_mut(8).zip(words) {
                    b.copy_from_slice(&w.to_le_bytes());
                }
                let len = usize::from(text[INLINE_KEY]).min(INLINE_KEY);
                // Always whole UTF-8: it was written from `&str`s and a NUL.
                String::from_utf8_lossy(&text[..len]).into()
            }
            Key::Boxed(s) => s.to_string(),
        }
    }
}

/// The bytes of `s` (at most 16) as a little-endian number, low and high word, read with two loads that
/// may overlap: no shift of a 128-bit number by a length.
#[inline(always)]
fn le128(s: &[u8]) -> (u64, u64) {
    let n = s.len();
    let word = |at: usize| u64::from_le_bytes(s[at..at + 8].try_into().expect("8 bytes"));
    let half = |at: usize| {
        u64::from(u32::from_le_bytes(
            s[at..at + 4].try_into().expect("4 bytes"),
        ))
    };
    match n {
        // The second load ends at the end of `s`: shifted right, it keeps the bytes past the first 8.
        8..=16 => (
            word(0),
            word(n - 8).checked_shr(8 * (16 - n) as u32).unwrap_or(0),
        ),
        // Where the two reads overlap, they read the same bytes.
        4..=7 => (half(0) | half(n - 4) << ((n - 4) * 8), 0),
        _ => ((s.iter().rev()).fold(0, |v, &b| v << 8 | u64::from(b)), 0),
    }
}

/// No slot: the end of the LRU list.
const NIL: u32 = u32::MAX;

/// The list of slots in the order their messages were last touched, oldest first: the order of eviction
/// and time-outs.
const TOUCHED: usize = 0;
/// The list of slots whose early-record timer is armed, in the order of their latest delivery: the order
/// the timers fall due (`rules.md` E.3.4). A message is in it once however often it was delivered to.
const EARLY: usize = 1;

/// A place for one open message. Slots are reused, so opening a message allocates nothing of its own, and
/// are chained into the lists [`TOUCHED`] and [`EARLY`], which need no garbage collection.
#[derive(Debug)]
struct Slot {
    key: Key,
    /// Whether it holds a message; a free slot's message is empty, ready to be filled in place.
    live: bool,
    open: Open,
}

/// A slot's neighbours in the two lists. Apart from the slots, so that moving a slot in a list touches
/// a few bytes of its neighbours, not their large messages.
#[derive(Debug, Clone, Copy)]
struct Links {
    prev: [u32; 2],
    next: [u32; 2],
}

const UNLINKED: Links = Links {
    prev: [NIL; 2],
    next: [NIL; 2],
};

/// The correlation stage: the open messages and the timers over them.
#[derive(Debug)]
pub struct Correlator {
    limits: Limits,
    /// Relays that are content filters on this host (`context.content_filter_relays`).
    filter_relays: Vec<IpNet>,
    org_domains: Vec<String>,
    /// Key -> index in `slots`.
    open: HashMap<Key, u32, FxBuild>,
    slots: Vec<Slot>,
    links: Vec<Links>,
    /// Empty slots, reused last-freed first (still in cache).
    free: Vec<u32>,
    /// Ends of the lists [`TOUCHED`] and [`EARLY`].
    first: [u32; 2],
    last: [u32; 2],
    /// Recently removed keys, for the out-of-order grace: apart from the slots, so that a replayed log,
    /// whose time stands still, holds up to [`REMOVED_KEEP`] of them in a few dozen bytes each.
    removed: Removed,
    /// Links waiting for their message: new key -> what it inherits.
    pending: HashMap<Key, Inherit, FxBuild>,
    pending_order: VecDeque<Key>,
    now: i64,
    seq: u64,
    pool: Pool,
    acts: Acts,
}

impl Correlator {
    /// A correlator with the given bounds; `org_domains` decide which recipients are internal.
    pub fn new(limits: Limits, org_domains: &[String], filter_relays: Vec<IpNet>) -> Correlator {
        Correlator {
            limits,
            filter_relays,
            org_domains: org_domains
                .iter()
                .map(|d| d.trim_start_matches('.').to_ascii_lowercase())
                .collect(),
            open: HashMap::default(),
            slots: Vec::new(),
            links: Vec::new(),
            free: Vec::new(),
            first: [NIL; 2],
            last: [NIL; 2],
            removed: Removed::default(),
            pending: HashMap::default(),
            pending_order: VecDeque::new(),
            now: i64::MIN,
            seq: 0,
            pool: Pool::default(),
            acts: Acts::default(),
        }
    }

    /// Takes back a record that [`Correlator::feed`] or [`Correlator::flush`] gave and that is done with:
    /// its buffers are reused for the next messages, which then allocate (and free) much less. Optional:
    /// a record simply dropped costs only those allocations.
    pub fn recycle(&mut self, m: Message) {
        self.pool.put(m);
    }

    /// Number of messages held open.
    pub fn open_len(&self) -> usize {
        self.open.len()
    }

    /// Feeds one line; pushes the message records it completes or forces out onto `out`.
    pub fn feed(&mut self, ev: &LineEvent<'_>, out: &mut Vec<Message>) {
        if let Some(t) = ev.time {
            if t.secs > self.now {
                self.now = t.secs;
                self.run_timers(out);
            }
        }
        let Some(qid) = ev.queue_id else { return };
        // `seq` from a register, not read back: a read of `seq` and `now` together waited for the write of
        // `seq` alone (a store that cannot be forwarded to a wider load).
        let (seq, now) = (self.seq + 1, self.now);
        self.seq = seq;
        let key = Key::new(qid, ev.host);
        let act = self.acts.of(ev.kind);
        let opener = act.opens();
        let at = match self.open.get(&key).copied() {
            Some(at) if !(opener && self.open_at(at).has_origin) => at,
            found => {
                match found {
                    // A second opening line for an open key: the short queue id was reused (its `removed`
                    // was lost).
                    Some(reused) => {
                        self.close(reused, false, out);
                    }
                    // A late line of a message already emitted whole: nothing to add.
                    None if !act.never_late() && self.recently_removed(&key) => return,
                    None => {}
                }
                self.open_new(key, qid, ev, out)
            }
        };
        self.push_last(TOUCHED, at);
        let o = &mut self.slots[at as usize].open;
        o.stamp(ev.time, seq, now);
        let effect = match act {
            Act::Touch => Effect::None,
            _ => {
                let f = Fields::of(ev);
                let effect = apply(o, ev, act, &f, &self.filter_relays);
                // Any line may have rewritten texts (a retry's response, a reject's reason).
                o.m.compact_if_wasteful();
                effect
            }
        };
        match effect {
            Effect::None => {}
            // The timer of an earlier delivery, if armed, is superseded: the message moves to the end.
            Effect::Delivered => self.push_last(EARLY, at),
            Effect::Removed => self.removed(at, out),
            Effect::DeliveredAs(new_qid, link) => {
                self.unlink(EARLY, at);
                self.link_to(at, new_qid, ev.host, link);
            }
            Effect::LinkTo(new_qid, link) => self.link_to(at, new_qid, ev.host, link),
            Effect::LinkFrom(orig_qid) => self.link_from(at, orig_qid, ev.host),
        }
    }

    /// Closes a message whose `removed` line (or whole rejection) was read, and remembers its key for
    /// the grace period.
    #[inline(never)]
    fn removed(&mut self, at: u32, out: &mut Vec<Message>) {
        let now = self.now;
        let key = self.close(at, true, out);
        // Entries past the grace go now rather than at the next stray line, which may be long in coming;
        // `recently_removed` would drop exactly these first.
        self.prune_removed();
        self.removed.push(now, key);
    }

    #[cold]
    #[inline(never)]
    fn link_to(&mut self, at: u32, new_qid: &str, host: Option<&str>, link: Link) {
        let inherit = Inherit::of(&self.slots[at as usize].open.m, link);
        self.link(new_qid, host, inherit);
    }

    #[cold]
    #[inline(never)]
    fn link_from(&mut self, at: u32, orig_qid: &str, host: Option<&str>) {
        if let Some(&orig) = self.open.get(&Key::new(orig_qid, host)) {
            let inherit = Inherit::of(&self.slots[orig as usize].open.m, Link::ContentFilter);
            self.slots[at as usize].open.m.join(inherit);
        }
    }

    /// Emits every open message (end of input), oldest first.
    pub fn flush(&mut self, out: &mut Vec<Message>) {
        while self.first[TOUCHED] != NIL {
            self.close(self.first[TOUCHED], false, out);
        }
    }

    fn open_at(&self, at: u32) -> &Open {
        &self.slots[at as usize].open
    }

    /// Takes a slot out of a list, if it is in it.
    fn unlink(&mut self, list: usize, at: u32) {
        let l = self.links[at as usize];
        let (prev, next) = (l.prev[list], l.next[list]);
        if prev == NIL && self.first[list] != at {
            return;
        }
        match prev {
            NIL => self.first[list] = next,
            p => self.links[p as usize].next[list] = next,
        }
        match next {
            NIL => self.last[list] = prev,
            n => self.links[n as usize].prev[list] = prev,
        }
        let l = &mut self.links[at as usize];
        l.prev[list] = NIL;
        l.next[list] = NIL;
    }

    /// Puts a slot at the end of a list, taking it from where it was in it.
    #[inline(always)]
    fn push_last(&mut self, list: usize, at: u32) {
        if self.last[list] == at {
            return;
        }
        self.unlink(list, at);
        let last = self.last[list];
        let l = &mut self.links[at as usize];
        l.prev[list] = last;
        l.next[list] = NIL;
        match last {
            NIL => self.first[list] = at,
            n => self.links[n as usize].next[list] = at,
        }
        self.last[list] = at;
    }

    /// Forgets removed keys past the grace period, and the oldest beyond [`REMOVED_KEEP`] or the bound of
    /// open messages: log time stands still in a replayed or concatenated log, and the list must not grow
    /// with it.
    fn prune_removed(&mut self) {
        let keep = self.limits.open_messages.min(REMOVED_KEEP);
        self.removed
            .prune(self.now.saturating_sub(REMOVED_GRACE_S), keep);
    }

    #[cold]
    #[inline(never)]
    fn recently_removed(&mut self, key: &Key) -> bool {
        self.prune_removed();
        self.removed.contains(key)
    }

    /// Opens a message in a free slot, not yet in the touch order.
    #[inline(never)]
    fn open_new(&mut self, key: Key, qid: &str, ev: &LineEvent<'_>, out: &mut Vec<Message>) -> u32 {
        while self.open.len() >= self.limits.open_messages && self.first[TOUCHED] != NIL {
            self.close(self.first[TOUCHED], false, out);
        }
        let at = self.take_slot(key);
        self.fill_new(at, qid, ev);
        at
    }

    /// Fills the empty message of slot `at`, taking what a link left for its key.
    fn fill_new(&mut self, at: u32, qid: &str, ev: &LineEvent<'_>) {
        // Nearly always none are waiting: then not even the key's hash.
        let inherit = if self.pending.is_empty() {
            None
        } else {
            self.pending.remove(&self.slots[at as usize].key)
        };
        // Filled in place: a free slot holds an empty message, which takes a spent one's buffers.
        let o = &mut self.slots[at as usize].open;
        self.pool.fill(&mut o.m);
        o.m.queue_id = o.m.text.put(qid);
        o.m.host = ev.host.map(|h| o.m.text.put(h));
        if let Some(inherit) = inherit {
            o.m.join(inherit);
        }
        o.touch = self.seq;
        o.last_secs = self.now;
        o.last_delivery = None;
        o.early_sent_for = None;
        o.has_origin = false;
    }

    /// A free slot for `key`, entered in the table, not yet in any list; its message is empty.
    fn take_slot(&mut self, key: Key) -> u32 {
        let at = match self.free.pop() {
            Some(at) => at,
            None => {
                self.slots.push(Slot {
                    key: Key::default(),
                    live: false,
                    open: Open::default(),
                });
                self.links.push(UNLINKED);
                // At most `open_messages` (a `usize` bound) slots are ever in use.
                u32::try_from(self.slots.len() - 1).expect("fewer than 2^32 open messages")
            }
        };
        let s = &mut self.slots[at as usize];
        s.key = key.clone();
        s.live = true;
        self.open.insert(key, at);
        at
    }

    #[cold]
    #[inline(never)]
    fn link(&mut self, new_qid: &str, host: Option<&str>, inherit: Inherit) {
        let k = Key::new(new_qid, host);
        if let Some(&at) = self.open.get(&k) {
            self.slots[at as usize].open.m.join(inherit);
            return;
        }
        // Links wait for their message within the same bound as open messages.
        while self.pending.len() >= self.limits.open_messages {
            match self.pending_order.pop_front() {
                Some(old) => {
                    self.pending.remove(&old);
                }
                None => break,
            }
        }
        // Links taken by their message leave their key behind in the order: drop those now and then, or the
        // order would grow with every link ever made.
        if self.pending_order.len() >= 2 * self.pending.len() + 64 {
            self.pending_order = self.pending_keys().into_iter().cloned().collect();
        }
        self.pending_order.push_back(k.clone());
        self.pending.insert(k, inherit);
    }

    /// The keys of the links still waiting, oldest first, each once (at its latest link).
    fn pending_keys(&self) -> Vec<&Key> {
        let mut seen = std::collections::HashSet::with_hasher(FxBuild::default());
        let mut keys: Vec<&Key> = (self.pending_order.iter().rev())
            .filter(|k| self.pending.contains_key(*k) && seen.insert(*k))
            .collect();
        keys.reverse();
        keys
    }

    /// Emits the message in slot `at` and frees the slot; gives back its key.
    #[inline(never)]
    fn close(&mut self, at: u32, complete: bool, out: &mut Vec<Message>) -> Key {
        self.unlink(TOUCHED, at);
        self.unlink(EARLY, at);
        let slot = &mut self.slots[at as usize];
        let key = std::mem::take(&mut slot.key);
        if std::mem::take(&mut slot.live) {
            // Moved straight into `out`, leaving in the slot an empty message for the next one to fill in
            // place, with the buffers of a spent one.
            out.push(std::mem::take(&mut slot.open.m));
            self.open.remove(&key);
            self.free.push(at);
            let m = out.last_mut().expect("just pushed");
            m.complete = complete;
            m.direction = self.direction(m);
        }
        key
    }

    #[inline(never)]
    fn run_timers(&mut self, out: &mut Vec<Message>) {
        let now = self.now;
        let timeout = i64::try_from(self.limits.message_timeout_s).unwrap_or(i64::MAX);
        while let Some(at) = Some(self.first[TOUCHED]).filter(|&at| at != NIL) {
            if self.open_at(at).last_secs.saturating_add(timeout) >= now {
                break;
            }
            self.close(at, false, out);
        }
        while let Some(at) = Some(self.first[EARLY]).filter(|&at| at != NIL) {
            let o = &mut self.slots[at as usize].open;
            // Armed only by a delivery, which set `last_delivery`.
            let Some((seq, delivered)) = o.last_delivery else {
                self.unlink(EARLY, at);
                continue;
            };
            if delivered.saturating_add(EARLY_AFTER_S) > now {
                break;
            }
            // Only news is worth an early record: a recipient whose outcome changed since the last record
            // (a first deferral, a delivery after one), while another still waits. A recipient deferred
            // again and again for days is reported once, not at every retry.
            let pending = o.m.recipients.iter().any(|r| r.status == Status::Deferred);
            let news = o.m.recipients.iter().any(|r| r.reported != Some(r.status));
            let record = if o.early_sent_for != Some(seq) && pending && news {
                o.early_sent_for = Some(seq);
                for r in &mut o.m.recipients {
                    r.reported = Some(r.status);
                }
                // A clone: early records are few, and the message stays open with its own buffers.
                Some(o.m.clone())
            } else {
                None
            };
            self.unlink(EARLY, at);
            if let Some(mut m) = record {
                m.complete = false;
                m.direction = self.direction(&m);
                out.push(m);
            }
        }
    }

    fn company(&self, domain: &str) -> bool {
        let d = domain.trim_end_matches('.');
        self.org_domains.iter().any(|org| {
            d.len() >= org.len()
                && d[d.len() - org.len()..].eq_ignore_ascii_case(org)
                && (d.len() == org.len() || d.as_bytes()[d.len() - org.len() - 1] == b'.')
        })
    }

    /// Direction by `rules.md` E.3.9; `None` while no recipient is known. Without `org_email_domains` a
    /// recipient is internal only when delivered on this host, and mail from outside to an outside
    /// recipient cannot be told from outbound mail, so it counts as outbound.
    fn direction(&self, m: &Message) -> Option<Direction> {
        if m.recipients.is_empty() {
            return None;
        }
        // Without org domains no domain is the company's: no address need be read.
        let unknown_org = self.org_domains.is_empty();
        let company_address =
            |a: &str| !unknown_org && lex::domain(a).is_some_and(|d| self.company(d));
        let company_sender =
            m.user.is_some() || m.local_submission || m.sender().is_some_and(company_address);
        // Without org domains, a recipient our own smtpd refused says nothing about where it lives.
        let internal = |r: RecipientRef<'_>| {
            r.local || (unknown_org && r.status == Status::Rejected) || company_address(r.address())
        };
        let external = m.recipients().any(|r| !internal(r));
        Some(match (company_sender, external) {
            (true, true) => Direction::Outbound,
            (false, true) if self.org_domains.is_empty() => Direction::Outbound,
            (false, true) => Direction::Relay,
            (true, false) => Direction::Internal,
            (false, false) => Direction::Inbound,
        })
    }

    /// The correlation state, for `--state`.
    pub fn export(&self) -> CorrelatorState {
        // The touch list holds exactly the open messages, in the order they would be evicted.
        let mut live = Vec::with_capacity(self.open.len());
        let mut at = self.first[TOUCHED];
        while at != NIL {
            let s = &self.slots[at as usize];
            live.push((&s.key, &s.open));
            at = self.links[at as usize].next[TOUCHED];
        }
        CorrelatorState {
            now: self.now,
            seq: self.seq,
            open: live
                .into_iter()
                .map(|(k, o)| (k.to_text(), o.clone()))
                .collect(),
            pending: self
                .pending_keys()
                .into_iter()
                .filter_map(|k| Some((k.to_text(), self.pending.get(k)?.clone())))
                .collect(),
            removed: (self.removed.iter())
                .map(|(t, k)| (*t, k.to_text()))
                .collect(),
        }
    }

    /// Restores the state [`Correlator::export`] gave.
    pub fn import(&mut self, st: CorrelatorState) {
        self.now = st.now;
        self.seq = st.seq;
        let mut armed = Vec::new();
        for (k, o) in st.open {
            let k = Key::of_text(&k);
            // A key twice in a state: the later entry stands.
            if let Some(&old) = self.open.get(&k) {
                self.close(old, false, &mut Vec::new());
                armed.retain(|&(_, at)| at != old);
            }
            let due = match o.last_delivery {
                Some((seq, at)) if o.early_sent_for != Some(seq) => {
                    Some(at.saturating_add(EARLY_AFTER_S))
                }
                _ => None,
            };
            let at = self.take_slot(k);
            self.slots[at as usize].open = o;
            self.push_last(TOUCHED, at);
            if let Some(due) = due {
                armed.push((due, at));
            }
        }
        armed.sort_by_key(|&(due, _)| due);
        for (_, at) in armed {
            self.push_last(EARLY, at);
        }
        for (k, inherit) in st.pending {
            let k = Key::of_text(&k);
            self.pending_order.push_back(k.clone());
            self.pending.insert(k, inherit);
        }
        self.removed.clear();
        for (t, k) in st.removed {
            self.removed.push(t, Key::of_text(&k));
        }
    }
}

/// The serialisable state of a [`Correlator`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CorrelatorState {
    now: i64,
    seq: u64,
    open: Vec<(String, Open)>,
    pending: Vec<(String, Inherit)>,
    removed: Vec<(i64, String)>,
}

/// What a line did to its message beyond filling fields.
enum Effect<'e> {
    None,
    Delivered,
    /// Delivered, and the message continues as the one with that queue id (content filter, forward).
    DeliveredAs(&'e str, Link),
    Removed,
    /// This message continues as (or is reported on by) the message with that queue id.
    LinkTo(&'e str, Link),
    /// This message continues the one with that queue id.
    LinkFrom(&'e str),
}

/// What a line's kind can do to its message, decided once per line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Act {
    Client,
    Pickup,
    MessageId,
    HeaderWarning,
    CleanupReject,
    Queued,
    Expired,
    /// `smtpd.reject`, `smtpd.milter-reject`: a recipient, or the whole message after DATA.
    Reject,
    /// `cleanup.milter-reject`: always the whole message.
    MilterReject,
    Bounce,
    Removed,
    Delivery,
    /// Touches the message (times, order) and nothing else.
    Touch,
}

/// Entries of [`Acts`]: more than the kinds of lines that name a queue id.
const ACT_ENTRIES: usize = 64;

/// The [`Act`]s of the kinds seen, by the address and length of the kind's text: kinds are the parsers'
/// literals, so a line's kind is matched against the names only the first time its literal is seen, where
/// matching every line cost a string comparison or several, with branches that change from line to line.
/// Open addressing, so that two kinds never take turns in one entry (and their names are matched again
/// at every turn, as they were in a table of one kind per entry).
#[derive(Debug)]
struct Acts([(usize, usize, Act); ACT_ENTRIES]);

impl Default for Acts {
    fn default() -> Acts {
        Acts([(0, 0, Act::Touch); ACT_ENTRIES])
    }
}

impl Acts {
    /// The Act of `kind`. A `'static` text, because an address stands for one text only while it lives.
    fn of(&mut self, kind: &'static str) -> Act {
        let (at, len) = (kind.as_ptr() as usize, kind.len());
        let mut i = (at ^ at >> 6 ^ len) % ACT_ENTRIES;
        for _ in 0..ACT_ENTRIES {
            let entry = &mut self.0[i];
            if entry.0 == at && entry.1 == len {
                return entry.2;
            }
            if entry.0 == 0 {
                *entry = (at, len, Act::of(kind));
                return entry.2;
            }
            i = (i + 1) % ACT_ENTRIES;
        }
        // Full: more kinds than any run logs; matched by name from here on.
        Act::of(kind)
    }
}

impl Act {
    fn of(kind: &str) -> Act {
        match kind {
            "smtpd.client" => Act::Client,
            "pickup.submission" => Act::Pickup,
            "cleanup.message-id" => Act::MessageId,
            "cleanup.header-warning" => Act::HeaderWarning,
            "cleanup.reject" => Act::CleanupReject,
            "qmgr.queued" => Act::Queued,
            "qmgr.expired" => Act::Expired,
            "smtpd.reject" | "smtpd.milter-reject" => Act::Reject,
            "cleanup.milter-reject" => Act::MilterReject,
            "bounce.notification" => Act::Bounce,
            _ if kind.ends_with(".removed") => Act::Removed,
            _ if kind.ends_with(".delivery") => Act::Delivery,
            _ => Act::Touch,
        }
    }

    /// A line that opens a message (a second one means the queue id was reused).
    fn opens(self) -> bool {
        matches!(self, Act::Client | Act::Pickup)
    }

    /// A line that is never a late line of a message already removed, so after a recent `removed` it
    /// starts a new message with the queue id: those logged while the queue file is being written (smtpd,
    /// pickup, cleanup), and qmgr's `from=`, which the process that logs `removed` logs before it. A
    /// bounce notification's first line is cleanup's; a replayed log reuses every queue id at once.
    ///
    /// The lines of a message that opens without smtpd's or pickup's line (a log that leaves them out)
    /// then skip the look-up among removed keys too: its first line is nearly always qmgr's.
    fn never_late(self) -> bool {
        matches!(
            self,
            Act::Client
                | Act::Pickup
                | Act::MessageId
                | Act::HeaderWarning
                | Act::CleanupReject
                | Act::MilterReject
                | Act::Queued
        )
    }
}

/// A field of the line, if it has one of that name.
type Found<'e, 'a> = Option<&'e Value<'a>>;

/// The line's fields by name: the position (plus one; 0 for none) of the first field of each name, as
/// [`LineEvent::get`] would find it, found in one pass over the fields rather than one scan per name.
struct Fields<'e, 'a> {
    ev: &'e LineEvent<'a>,
    at: [u8; NAMES],
}

impl<'e, 'a> Fields<'e, 'a> {
    /// The fields of `ev`, by name.
    #[inline(always)]
    fn of(ev: &'e LineEvent<'a>) -> Fields<'e, 'a> {
        // Filled in place: positions written byte by byte and then moved as a whole would be read back
        // in words before the bytes reached the cache, a stall of a few dozen cycles.
        let mut f = Fields { ev, at: [0; NAMES] };
        // Backwards, so that the first field of a name is the one left, and without a branch on the names.
        // Past 255 fields a field reads as absent rather than as another.
        let fields = &ev.fields[..ev.fields.len().min(usize::from(u8::MAX))];
        for (i, (name, _)) in fields.iter().enumerate().rev() {
            // At most 255: exact.
            f.at[*name as usize] = (i + 1) as u8;
        }
        f
    }

    fn get(&self, name: Name) -> Found<'e, 'a> {
        match self.at[name as usize] {
            0 => None,
            i => self.ev.fields.get(usize::from(i) - 1).map(|(_, v)| v),
        }
    }

    /// The text of the field `name`.
    fn text(&self, name: Name) -> Option<&'e str> {
        self.get(name).and_then(Value::as_str)
    }

    /// The integer of the field `name`.
    fn int(&self, name: Name) -> Option<i64> {
        self.get(name).and_then(Value::as_int)
    }
}

impl Open {
    /// Marks the message as touched by the line `seq`, logged at `time`.
    fn stamp(&mut self, time: Option<Timestamp>, seq: u64, now: i64) {
        self.touch = seq;
        self.last_secs = now;
        if let Some(t) = time {
            if self.m.time_first.is_none_or(|f| t < f) {
                self.m.time_first = Some(t);
            }
            if self.m.time_last.is_none_or(|l| t > l) {
                self.m.time_last = Some(t);
            }
        }
    }
}

/// Folds one line into its open message.
fn apply<'e>(
    o: &mut Open,
    ev: &LineEvent<'_>,
    act: Act,
    f: &Fields<'e, '_>,
    relays: &[IpNet],
) -> Effect<'e> {
    let m = &mut o.m;
    let t = &mut m.text;
    match act {
        Act::Client => {
            o.has_origin = true;
            // A content filter puts the message back from loopback; when its reply (the link) was read first,
            // the client the first hop logged stays, as it would had the lines come the other way round.
            let reinjected = m.link == Some(Link::ContentFilter) && m.src_ip.is_some();
            if let Some(ip) = f
                .text(Name::src_ip)
                .filter(|ip| !(reinjected && is_loopback(ip)))
            {
                t.assign(&mut m.src_ip, Some(ip));
                t.assign(&mut m.src_host, f.text(Name::src_host));
                m.src_port = f.int(Name::src_port).and_then(|p| u16::try_from(p).ok());
            }
            t.set_if_none(&mut m.user, f.text(Name::user));
            if let Some(orig) = f.text(Name::orig_queue_id) {
                t.assign(&mut m.orig_queue_id, Some(orig));
                m.link = Some(Link::ContentFilter);
                return Effect::LinkFrom(orig);
            }
        }
        Act::Pickup => {
            o.has_origin = true;
            pickup(m, f);
        }
        Act::MessageId => t.set_if_none(
            &mut m.internet_message_id,
            f.text(Name::internet_message_id),
        ),
        Act::HeaderWarning => header_check(m, f),
        Act::CleanupReject | Act::Expired | Act::Reject | Act::MilterReject => {
            return rare(m, act, f);
        }
        Act::Queued => {
            if let Some(s) = f.text(Name::sender) {
                // Logged again at every queue run.
                t.assign(&mut m.sender, Some(s));
            }
            if let Some(b) = f.int(Name::bytes) {
                m.bytes = Some(b);
            }
            if let Some(n) = f.int(Name::num_recipients) {
                m.num_recipients = Some(m.num_recipients.map_or(n, |k| k.max(n)));
            }
        }
        Act::Bounce => {
            if let Some(ndr) = f.text(Name::ndr_queue_id) {
                return Effect::LinkTo(ndr, Link::Bounce);
            }
        }
        Act::Removed => return Effect::Removed,
        Act::Delivery => return delivery(o, ev, f, relays),
        Act::Touch => {}
    }
    Effect::None
}

/// The kinds seen for few messages: rejections and expiry.
#[cold]
#[inline(never)]
fn rare<'e>(m: &mut Message, act: Act, f: &Fields<'e, '_>) -> Effect<'e> {
    match act {
        Act::CleanupReject => {
            header_check(m, f);
            let why = f
                .text(Name::additional_info)
                .unwrap_or("rejected by cleanup");
            m.text.assign(&mut m.rejected, Some(why));
            // Cleanup names one recipient (the last); the message as a whole was refused.
            reject_recipient(m, f);
            // Cleanup throws the queue file away: no `removed` will follow.
            return Effect::Removed;
        }
        Act::Expired => {
            m.text.set_if_none(&mut m.sender, f.text(Name::sender));
            for r in m
                .recipients
                .iter_mut()
                .filter(|r| r.status == Status::Deferred)
            {
                r.status = Status::Expired;
            }
        }
        Act::Reject | Act::MilterReject => {
            reject_recipient(m, f);
            // After DATA the whole message is refused, and its queue file goes without a `removed` line.
            let whole = act == Act::MilterReject
                || matches!(
                    f.text(Name::smtp_command),
                    Some("DATA" | "END-OF-MESSAGE" | "BDAT")
                );
            if whole {
                let why = f.text(Name::additional_info).unwrap_or("rejected");
                m.text.assign(&mut m.rejected, Some(why));
                return Effect::Removed;
            }
        }
        _ => {}
    }
    Effect::None
}

/// A local submission: the sender and the account that submitted it.
#[cold]
#[inline(never)]
fn pickup(m: &mut Message, f: &Fields<'_, '_>) {
    m.local_submission = true;
    m.text.set_if_none(&mut m.sender, f.text(Name::sender));
    // The submitting account: pickup logs its login name as an unqualified sender; with
    // `sendmail -f` the sender is whatever was given, and only the uid names the account.
    if m.user.is_none() {
        let user = match (f.text(Name::sender), f.int(Name::uid)) {
            (Some(s), _) if !s.is_empty() && !s.contains('@') => Some(s.to_string()),
            (_, Some(uid)) => Some(format!("uid:{uid}")),
            (Some(s), None) => Some(lex::local_part(s).to_string()).filter(|u| !u.is_empty()),
            (None, None) => None,
        };
        m.text.set_if_none(&mut m.user, user.as_deref());
    }
}

/// A refused recipient (`reject:` lines name one in `to=`), and the sender they name.
#[cold]
#[inline(never)]
fn reject_recipient(m: &mut Message, f: &Fields<'_, '_>) {
    if let Some(to) = f.text(Name::dest_email_address) {
        let i = m.recipient_at(to, None, Status::Rejected);
        let r = &mut m.recipients[i];
        r.status = Status::Rejected;
        r.attempts += 1;
        m.text.assign(&mut r.dsn, f.text(Name::reject_dsn));
        m.text
            .assign(&mut r.response, f.text(Name::additional_info));
    }
    m.text.set_if_none(&mut m.sender, f.text(Name::sender));
}

/// A header or body check line: subject, attachment name, and the client and sender as fallbacks.
fn header_check(m: &mut Message, f: &Fields<'_, '_>) {
    let t = &mut m.text;
    t.set_if_none(&mut m.email_subject, f.text(Name::email_subject));
    if let Some(name) = f.text(Name::file_name) {
        if !m.attachments.iter().any(|&a| t.get(a) == name) {
            m.attachments.push(t.put(name));
        }
    }
    if m.src_ip.is_none() {
        t.set_if_none(&mut m.src_ip, f.text(Name::src_ip));
        t.set_if_none(&mut m.src_host, f.text(Name::src_host));
    }
    t.set_if_none(&mut m.sender, f.text(Name::sender));
}

/// A delivery-status line: one recipient's attempt.
fn delivery<'e>(
    o: &mut Open,
    ev: &LineEvent<'_>,
    f: &Fields<'e, '_>,
    relays: &[IpNet],
) -> Effect<'e> {
    let (Some(to), Some(status)) = (
        f.text(Name::dest_email_address),
        f.text(Name::result).and_then(Status::of_delivery),
    ) else {
        return Effect::None;
    };
    let local = !matches!(ev.daemon, Some("smtp"));
    let m = &mut o.m;
    let i = m.recipient_at(to, f.text(Name::orig_to), status);
    let (t, r) = (&mut m.text, &mut m.recipients[i]);
    r.status = status;
    r.attempts += 1;
    // Local agents deliver on this host; a loopback relay is a content filter's hop, not a delivery out.
    // The address is parsed once for all the relays.
    let dest_ip = f.text(Name::dest_ip);
    r.local = (local && dest_ip.is_none()) || dest_ip.is_some_and(|ip| to_relay(ip, relays));
    t.assign(&mut r.dsn, f.text(Name::dsn));
    t.assign(&mut r.dest_host, f.text(Name::dest_host));
    t.assign(&mut r.dest_ip, dest_ip);
    r.dest_port = f.int(Name::dest_port).and_then(|p| u16::try_from(p).ok());
    r.delay = f.get(Name::delay).and_then(Value::as_f64);
    t.assign(&mut r.response, f.text(Name::additional_info));
    // The line's sequence number and time, which `Open::stamp` has just set.
    o.last_delivery = Some((o.touch, o.last_secs));
    if let (Some(next), Status::Sent) = (f.text(Name::queued_as), status) {
        // A local agent's: over SMTP the text is the next server's, whatever it says.
        let forwarded = local
            && f.text(Name::additional_info)
                .is_some_and(|t| t.contains("forwarded as"));
        // Only a hop on this host continues here (E.3.3): a content filter's relay, or a local alias's
        // forward. A remote server's `queued as` names its own queue, not one of ours.
        if forwarded {
            return Effect::DeliveredAs(next, Link::Forward);
        }
        if r.local {
            return Effect::DeliveredAs(next, Link::ContentFilter);
        }
    }
    Effect::Delivered
}

/// Whether a delivery to `ip` went to one of the content filter's relays. The address is parsed once for
/// all the relays.
fn to_relay(ip: &str, relays: &[IpNet]) -> bool {
    if relays.is_empty() {
        return false;
    }
    let addr = match dotted_quad(ip) {
        Some(a) => std::net::IpAddr::V4(a),
        None => match ip.parse() {
            Ok(a) => a,
            Err(_) => return false,
        },
    };
    relays.iter().any(|n| n.contains(addr))
}

/// An IPv4 address in the canonical form std's parser accepts (four decimal octets, no leading zeros);
/// `None` for anything else, which is then left to that parser. Nearly every relay address is one, and
/// this is much less code than the general parser on a path run for every delivery.
fn dotted_quad(s: &str) -> Option<std::net::Ipv4Addr> {
    let b = s.as_bytes();
    let mut octets = [0u8; 4];
    let mut i = 0;
    for (n, octet) in octets.iter_mut().enumerate() {
        if n > 0 {
            if b.get(i) != Some(&b'.') {
                return None;
            }
            i += 1;
        }
        let start = i;
        let mut v = 0u32;
        while let Some(d) = b.get(i).filter(|d| d.is_ascii_digit() && i - start < 3) {
            v = v * 10 + u32::from(d - b'0');
            i += 1;
        }
        if i == start || (i - start > 1 && b[start] == b'0') {
            return None;
        }
        *octet = u8::try_from(v).ok()?;
    }
    (i == b.len()).then_some(std::net::Ipv4Addr::from(octets))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::YearClock;

    fn feed_all(c: &mut Correlator, lines: &[&str]) -> Vec<Message> {
        let mut clock = YearClock::new(Some(2026), 0, 0);
        let mut out = Vec::new();
        for l in lines {
            c.feed(&crate::engine::parse_line(l, None, &mut clock), &mut out);
        }
        out
    }

    #[test]
    fn only_a_hop_on_this_host_links_the_queue_id_it_was_queued_as() {
        let run = |relay: &str, said: &str| {
            // As a content filter logs it: the message comes back (its client line) before the filter's
            // reply names its queue id.
            let lines = [
                "Mar 18 10:12:30 mx1 postfix/smtpd[2101]: 4F1A2B3C4D: client=unknown[198.51.100.7]".to_string(),
                "Mar 18 10:12:34 mx1 postfix/smtpd[2102]: 5058FBC3A: client=localhost[127.0.0.1]".to_string(),
                format!("Mar 18 10:12:35 mx1 postfix/smtp[2140]: 4F1A2B3C4D: to=<partner@fabrikam.example>, relay={relay}, delay=5, delays=1/0.01/2.1/0.4, dsn=2.0.0, status=sent (250 2.0.0 Ok: {said} 5058FBC3A)"),
                "Mar 18 10:12:35 mx1 postfix/qmgr[2001]: 4F1A2B3C4D: removed".to_string(),
                "Mar 18 10:12:41 mx1 postfix/qmgr[2001]: 5058FBC3A: removed".to_string(),
            ];
            let mut c = correlator(100);
            let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
            let out = feed_all(&mut c, &lines);
            let next = out.iter().find(|m| m.queue_id() == "5058FBC3A").cloned();
            next.map(|m| {
                (
                    m.orig_queue_id().map(str::to_string),
                    m.link,
                    m.src_ip().map(str::to_string),
                )
            })
        };
        // A content filter on loopback hands the message back as the new queue id.
        assert_eq!(
            run("127.0.0.1[127.0.0.1]:10025", "queued as"),
            Some((
                Some("4F1A2B3C4D".to_string()),
                Some(Link::ContentFilter),
                Some("198.51.100.7".to_string())
            ))
        );
        // A remote server's queue id is its own: a local message that happens to have it is another one.
        // Whatever its reply says: only a local agent's `forwarded as` is a hop of ours.
        for said in ["queued as", "forwarded as"] {
            assert_eq!(
                run("mx.fabrikam.example[203.0.113.25]:25", said),
                Some((None, None, Some("127.0.0.1".to_string()))),
                "{said}"
            );
        }
    }

    #[test]
    fn a_filtered_message_keeps_the_first_client_whichever_line_comes_first() {
        // The filter's reply (with the new queue id) logged before the re-injected message's own client line,
        // as lines of one second may be.
        let lines = [
            "Mar 18 10:12:30 mx1 postfix/smtpd[2101]: 4F1A2B3C4D: client=unknown[198.51.100.7]",
            "Mar 18 10:12:35 mx1 postfix/smtp[2140]: 4F1A2B3C4D: to=<partner@fabrikam.example>, relay=127.0.0.1[127.0.0.1]:10025, delay=5, delays=1/0.01/2.1/0.4, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as 5058FBC3A)",
            "Mar 18 10:12:35 mx1 postfix/smtpd[2102]: 5058FBC3A: client=localhost[127.0.0.1]:40312",
            "Mar 18 10:12:35 mx1 postfix/qmgr[2001]: 4F1A2B3C4D: removed",
            "Mar 18 10:12:41 mx1 postfix/qmgr[2001]: 5058FBC3A: removed",
        ];
        let out = feed_all(&mut correlator(100), &lines);
        let next = out
            .iter()
            .find(|m| m.queue_id() == "5058FBC3A")
            .expect("record");
        assert_eq!(next.orig_queue_id(), Some("4F1A2B3C4D"));
        assert_eq!(next.src_ip(), Some("198.51.100.7"));
        let first = out.iter().find(|m| m.queue_id() == "4F1A2B3C4D");
        assert_eq!(
            first.map(|m| (m.src_host(), m.src_port)),
            Some((next.src_host(), next.src_port))
        );
    }

    fn correlator(open_messages: usize) -> Correlator {
        let limits = Limits {
            open_messages,
            ..Limits::default()
        };
        let relays = crate::Config::default().content_filter_relays().unwrap();
        Correlator::new(limits, &[], relays)
    }

    #[test]
    fn key_text_is_queue_id_nul_host_inline_or_boxed() {
        let k = Key::new("3TdBX62SWHz9v0T", Some("gds39d"));
        assert!(matches!(k, Key::Inline(_)));
        assert_eq!(k.to_text(), "3TdBX62SWHz9v0T\u{0}gds39d");
        assert_eq!(Key::of_text(&k.to_text()), k);
        assert_ne!(Key::new("3TdBX62SWHz9v0T", None), k);
        assert_eq!(Key::new("4F1A2B3C4D", None).to_text(), "4F1A2B3C4D\u{0}");
        let host = "a-host-name-longer-than-the-inline-room.example";
        let long = Key::new("4F1A2B3C4D", Some(host));
        assert!(matches!(long, Key::Boxed(_)));
        assert_eq!(long.to_text(), format!("4F1A2B3C4D\u{0}{host}"));
        assert_eq!(Key::of_text(&long.to_text()), long);
    }

    #[test]
    fn a_key_is_its_text_for_every_length_of_queue_id_and_host() {
        let chars = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        for q in 1..=24 {
            for h in 0..=(INLINE_KEY - 1 - q) {
                let (qid, host) = (&chars[..q], &chars[chars.len() - h..]);
                let k = Key::new(qid, Some(host));
                assert_eq!(
                    k,
                    Key::of_text(&format!("{qid}\u{0}{host}")),
                    "{qid} {host}"
                );
                assert_eq!(k.to_text(), format!("{qid}\u{0}{host}"));
            }
        }
    }

    #[test]
    fn dotted_quad_agrees_with_the_std_parser() {
        for s in [
            "203.0.113.25",
            "127.0.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "256.1.1.1",
            "01.2.3.4",
            "1.2.3",
            "1.2.3.4.5",
            "1.2.3.4.",
            "1..3.4",
            "1.2.3.4 ",
            "1234.1.1.1",
            "::1",
            "2001:db8::25",
            "",
        ] {
            assert_eq!(dotted_quad(s), s.parse().ok(), "{s:?}");
        }
        let relays = crate::Config::default().content_filter_relays().unwrap();
        assert!(to_relay("127.0.0.1", &relays));
        assert!(to_relay("::1", &relays));
        assert!(!to_relay("142.250.102.27", &relays));
        assert!(!to_relay("localhost", &relays));
    }

    /// Lines from tests/fixtures/correlate/interleaved.log.
    const A_CLIENT: &str = "Mar 18 09:12:01 mx1 postfix/smtpd[2101]: 4F1A2B3C4D: client=wks-17.corp.example[10.1.2.17], sasl_method=LOGIN, sasl_username=jdoe";
    const B_CLIENT: &str = "Mar 18 09:12:01 mx1 postfix/smtpd[2102]: 5A6B7C8D9E: client=mail-ej1.outside.example[198.51.100.20]:41234";
    const A_MSGID: &str =
        "Mar 18 09:12:01 mx1 postfix/cleanup[2105]: 4F1A2B3C4D: message-id=<abc123@corp.example>";
    const B_REMOVED: &str = "Mar 18 09:12:02 mx1 postfix/qmgr[880]: 5A6B7C8D9E: removed";
    const A_DEFERRED: &str = "Mar 18 09:12:32 mx1 postfix/smtp[2111]: 4F1A2B3C4D: to=<partner@fabrikam.example>, relay=none, delay=31, delays=0.1/0/30/0, dsn=4.4.1, status=deferred (connect to mx.fabrikam.example[203.0.113.25]:25: Connection timed out)";
    const ANVIL: &str = "Mar 18 09:23:00 mx1 postfix/anvil[881]: statistics: max connection rate 1/60s for (smtp:10.1.2.17) at Mar 18 09:12:01";

    #[test]
    fn the_bound_evicts_the_message_touched_least_recently() {
        let mut c = correlator(2);
        // A opened first but touched after B: opening a third message evicts B.
        let out = feed_all(
            &mut c,
            &[
                A_CLIENT,
                B_CLIENT,
                A_MSGID,
                // From tests/fixtures/correlate/reuse.log.
                "Mar 18 12:00:00 mx1 postfix/pickup[4001]: 1A2B3C4D5E: uid=1000 from=<alice>",
            ],
        );
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].queue_id(), "5A6B7C8D9E");
        assert!(!out[0].complete);
        assert_eq!(c.open_len(), 2);
    }

    #[test]
    fn a_removed_slot_is_reused_and_the_order_survives_export() {
        let mut c = correlator(10);
        let out = feed_all(&mut c, &[A_CLIENT, B_CLIENT, B_REMOVED, A_MSGID]);
        assert_eq!(out.len(), 1);
        assert!(out[0].complete);
        let out = feed_all(&mut c, &[B_CLIENT]);
        assert!(out.is_empty());
        assert_eq!(c.slots.len(), 2, "B's slot was reused");
        let st = c.export();
        let keys: Vec<&str> = st.open.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["4F1A2B3C4D\u{0}mx1", "5A6B7C8D9E\u{0}mx1"]);
        let mut back = correlator(10);
        back.import(st);
        let mut out = Vec::new();
        back.flush(&mut out);
        let order: Vec<&str> = out.iter().map(|m| m.queue_id()).collect();
        assert_eq!(order, ["4F1A2B3C4D", "5A6B7C8D9E"]);
    }

    #[test]
    fn links_taken_by_their_message_do_not_pile_up() {
        // Lines as tests/fixtures/correlate/content-filter.log has them, for a thousand filtered messages.
        let mut c = correlator(100);
        for i in 0..1000u32 {
            let (old, new) = (
                format!("{:010X}", 0x1000_0000 + i),
                format!("{:010X}", 0x2000_0000 + i),
            );
            let lines = [
                format!("Mar 18 14:00:00 mx1 postfix/pickup[5100]: {old}: uid=1000 from=<alice>"),
                format!("Mar 18 14:00:01 mx1 postfix/smtp[5110]: {old}: to=<cfo@partner.example>, relay=127.0.0.1[127.0.0.1]:10025, delay=1.2, delays=0.1/0/0.1/1, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as {new})"),
                format!("Mar 18 14:00:01 mx1 postfix/qmgr[5000]: {old}: removed"),
                format!("Mar 18 14:00:01 mx1 postfix/pickup[5100]: {new}: uid=0 from=<alice>"),
                format!("Mar 18 14:00:02 mx1 postfix/qmgr[5000]: {new}: removed"),
            ];
            let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
            let out = feed_all(&mut c, &lines);
            assert_eq!(out.len(), 2);
            assert_eq!(out[1].orig_queue_id(), Some(old.as_str()), "{out:?}");
        }
        assert!(c.pending.is_empty());
        assert!(c.pending_order.len() <= 64, "{}", c.pending_order.len());
        assert!(c.export().pending.is_empty());
    }

    /// Feeds a message picked up and removed at 14:00:00 (a replayed log's standing time), which must come
    /// out whole.
    fn picked_up_and_removed(c: &mut Correlator, qid: &str) {
        let lines = [
            format!("Mar 18 14:00:00 mx1 postfix/pickup[5100]: {qid}: uid=1000 from=<alice>"),
            format!("Mar 18 14:00:00 mx1 postfix/qmgr[5000]: {qid}: removed"),
        ];
        let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
        assert_eq!(feed_all(c, &lines).len(), 1);
    }

    /// A delivery line of `qid` logged after its `removed`, as another process may.
    fn late_delivery(qid: &str) -> String {
        format!("Mar 18 14:00:00 mx1 postfix/smtp[5200]: {qid}: to=<bob@example.org>, relay=mx.example.org[192.0.2.5]:25, delay=0.2, delays=0/0/0.1/0.1, dsn=2.0.0, status=sent (250 ok)")
    }

    #[test]
    fn removed_keys_stay_within_the_bound_while_log_time_stands_still() {
        // A replayed log: a thousand messages removed in the same second.
        let mut c = correlator(10);
        for i in 0..1000u32 {
            picked_up_and_removed(&mut c, &format!("{:010X}", 0x1000_0000 + i));
        }
        assert!(c.removed.len() <= 11, "{}", c.removed.len());
        // A removed key holds no slot: the slots are only ever as many as messages open at once.
        assert_eq!(c.slots.len(), 1);
    }

    #[test]
    fn removed_keys_are_held_to_their_own_bound_below_that_of_open_messages() {
        // A replayed log under the default bound of 100,000 open messages: time stands still.
        let mut c = correlator(Limits::default().open_messages);
        let n = 3 * REMOVED_KEEP as u32;
        for i in 0..n {
            picked_up_and_removed(&mut c, &format!("{:010X}", 0x3000_0000 + i));
        }
        assert!(c.removed.len() <= REMOVED_KEEP + 1, "{}", c.removed.len());
        // The latest removals keep their grace: a stray line of the last message opens nothing.
        let late = late_delivery(&format!("{:010X}", 0x3000_0000 + n - 1));
        assert!(feed_all(&mut c, &[&late]).is_empty());
        assert_eq!(c.open_len(), 0, "the late line opened a message");
        // The first removal is long forgotten: a line of its queue id is a new message's (in a concatenation
        // of logs, the same queue id in the next log), not a stray.
        let next = late_delivery(&format!("{:010X}", 0x3000_0000));
        assert!(feed_all(&mut c, &[&next]).is_empty());
        assert_eq!(
            c.open_len(),
            1,
            "the line of a forgotten queue id was dropped"
        );
    }

    #[test]
    fn within_the_grace_a_late_delivery_is_dropped_but_qmgr_from_starts_a_new_message() {
        let mut c = correlator(10);
        picked_up_and_removed(&mut c, "1A2B3C4D5E");
        assert!(feed_all(&mut c, &[&late_delivery("1A2B3C4D5E")]).is_empty());
        assert_eq!(c.open_len(), 0, "the late delivery opened a message");
        // qmgr logs `from=` before the `removed` it logs itself: the same queue id again is a new message
        // (a replayed log, or a log that leaves out smtpd's and pickup's lines).
        let queued = "Mar 18 14:00:00 mx1 postfix/qmgr[5000]: 1A2B3C4D5E: from=<carol@example.org>, size=1200, nrcpt=1 (queue active)";
        assert!(feed_all(&mut c, &[queued]).is_empty());
        assert_eq!(c.open_len(), 1, "qmgr's from= was taken for a late line");
        let mut out = Vec::new();
        c.flush(&mut out);
        assert_eq!(out[0].sender(), Some("carol@example.org"));
    }

    #[test]
    fn a_queue_id_removed_twice_keeps_its_grace_until_its_latest_removal_goes() {
        // Time stands still; the bound of 10 removed keys is what forgets them.
        let mut c = correlator(10);
        let others = |c: &mut Correlator, from: u32, n: u32| {
            for i in from..from + n {
                picked_up_and_removed(c, &format!("{:010X}", 0x2000_0000 + i));
            }
        };
        picked_up_and_removed(&mut c, "1A2B3C4D5E");
        others(&mut c, 0, 5);
        // The queue id comes back and is removed again: 7 entries, two of them its own.
        picked_up_and_removed(&mut c, "1A2B3C4D5E");
        // Six more push its first entry out of the bound; its second stays.
        others(&mut c, 5, 6);
        assert!(feed_all(&mut c, &[&late_delivery("1A2B3C4D5E")]).is_empty());
        assert_eq!(c.open_len(), 0, "the late line opened a message");
    }

    #[test]
    fn recycled_records_change_no_later_record() {
        let fixtures = [
            include_str!("../../tests/fixtures/correlate/alias-bounce.log"),
            include_str!("../../tests/fixtures/correlate/content-filter.log"),
            include_str!("../../tests/fixtures/correlate/expired.log"),
            include_str!("../../tests/fixtures/correlate/interleaved.log"),
            include_str!("../../tests/fixtures/correlate/out-of-order.log"),
            include_str!("../../tests/fixtures/correlate/reuse.log"),
        ];
        // Twice over, so that the second round's messages are built in the first round's buffers.
        let lines: Vec<&str> = [fixtures, fixtures]
            .concat()
            .into_iter()
            .flat_map(str::lines)
            .collect();
        let (mut plain, mut recycling) = (correlator(3), correlator(3));
        let (mut want, mut got) = (Vec::new(), Vec::new());
        let mut clock = YearClock::new(Some(2026), 0, 0);
        let mut out = Vec::new();
        for l in &lines {
            let ev = crate::engine::parse_line(l, None, &mut clock);
            plain.feed(&ev, &mut want);
            recycling.feed(&ev, &mut out);
            for m in out.drain(..) {
                got.push(m.clone());
                recycling.recycle(m);
            }
        }
        plain.flush(&mut want);
        recycling.flush(&mut got);
        assert!(want.len() > 20, "{}", want.len());
        assert_eq!(got, want);
        assert!(!recycling.pool.is_empty());
    }

    #[test]
    fn an_early_record_goes_out_once_ten_minutes_after_the_deferral() {
        let mut c = correlator(10);
        let mut out = feed_all(&mut c, &[A_CLIENT, A_DEFERRED]);
        assert!(out.is_empty());
        assert_eq!(c.first[EARLY], c.first[TOUCHED]);
        out = feed_all(&mut c, &[ANVIL]);
        assert_eq!(out.len(), 1);
        assert!(!out[0].complete);
        assert_eq!(out[0].recipients[0].status, Status::Deferred);
        assert_eq!(c.first[EARLY], NIL, "the timer is disarmed once it fired");
    }
}
