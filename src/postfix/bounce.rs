//! `bounce` (and `defer`, `trace`) messages: the daemon that keeps per-message delivery logs and sends
//! delivery status notifications.
//!
//! | kind | message |
//! | --- | --- |
//! | `bounce.notification` | `QID: sender non-delivery notification: NDRQID` (also `sender delivery status`, `sender delay`, `postmaster non-delivery`) |
//! | `bounce.postmaster-discarded` | `warning: QID: undeliverable postmaster notification discarded` |
//! | `bounce.file-error` | `fatal: append file defer QID: REASON` (also `open`, `lock`, `seek`, `truncate`) |
//!
//! A notification gives `ndr_queue_id`, the queue id of the notification message itself, which the
//! correlation marks as a bounce, and `additional_info` = which notification it was.

use super::common;
use super::delivery::{self, kind};
use super::lex::{self, QueueId};
use super::Msg;
use crate::event::{LineEvent, Name};

macro_rules! k {
    ($m:expr, $suffix:literal) => {
        kind!($m.daemon, ["bounce", "defer", "trace"], $suffix)
    };
}

/// The notifications bounce(8) sends, as its log lines name them.
const NOTIFICATIONS: [&str; 4] = [
    "sender non-delivery notification",
    "sender delivery status notification",
    "sender delay notification",
    "postmaster non-delivery notification",
];

/// Recognises a message of the bounce, defer or trace daemon.
pub fn parse<'a>(m: &Msg<'a>, ev: &mut LineEvent<'a>) -> Option<&'static str> {
    for what in NOTIFICATIONS {
        if let Some(id) = delivery::after_phrase(m.body, what) {
            if !is_queue_id(id) {
                return None;
            }
            ev.put(Name::ndr_queue_id, id);
            ev.put(Name::additional_info, what);
            return k!(m, "notification");
        }
    }
    let (_, level, rest) = common::severity(m.body)?;
    if let (QueueId::Id(id), "undeliverable postmaster notification discarded") =
        lex::split_queue_id(rest)
    {
        ev.queue_id = Some(id);
        ev.put(Name::severity, level);
        return k!(m, "postmaster-discarded");
    }
    // `append file defer 3lyw0Z2NdSz2xGb: No space left on device` (global/bounce_log.c's log files).
    let (op, after) = lex::word(rest);
    if !matches!(op, "open" | "lock" | "seek" | "truncate" | "append") {
        return None;
    }
    let (service, after) = lex::word(after.strip_prefix("file ")?);
    let (QueueId::Id(id), reason) = lex::split_queue_id(after) else {
        return None;
    };
    if !matches!(service, "bounce" | "defer" | "trace") {
        return None;
    }
    ev.queue_id = Some(id);
    ev.put(Name::severity, level);
    ev.put(Name::service, service);
    ev.put(Name::additional_info, reason);
    k!(m, "file-error")
}

/// A queue id standing alone (short hex, long, or with the anonymiser's suffix).
fn is_queue_id(s: &str) -> bool {
    (5..=24).contains(&s.len()) && s.bytes().all(|c| c.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::super::delivery::testing::line;
    use crate::event::Name;

    #[test]
    fn sender_non_delivery() {
        let ev = line("Dec 29 03:03:48 mail postfix/bounce[9321]: 732BB407C3: sender non-delivery notification: 5DE184083C");
        assert_eq!(ev.kind, "bounce.notification");
        assert_eq!(ev.queue_id, Some("732BB407C3"));
        assert_eq!(ev.get_str(Name::ndr_queue_id), Some("5DE184083C"));
        assert_eq!(
            ev.get_str(Name::additional_info),
            Some("sender non-delivery notification")
        );
    }

    #[test]
    fn anonymised_suffix() {
        let ev = line("2013 Jun 10 07:59:58.123 gds39d postfix/bounce[23129]: 28DF8C2C113XXXX: sender non-delivery notificationXXXX: 35B20C2C115");
        assert_eq!(ev.kind, "bounce.notification");
        assert_eq!(ev.queue_id, Some("28DF8C2C113XXXX"));
        assert_eq!(ev.get_str(Name::ndr_queue_id), Some("35B20C2C115"));
    }

    #[test]
    fn other_notifications() {
        for (text, what, id) in [
            (
                "65AFB8B5: sender delivery status notification: 1DF35917",
                "sender delivery status notification",
                "1DF35917",
            ),
            (
                "264FE1A18: sender delay notification: 0A87A1A08",
                "sender delay notification",
                "0A87A1A08",
            ),
            (
                "482E4404AC8: postmaster non-delivery notification: 47335405A44",
                "postmaster non-delivery notification",
                "47335405A44",
            ),
        ] {
            let ev = line(text);
            assert_eq!(ev.kind, "bounce.notification", "{text}");
            assert_eq!(ev.daemon, Some("bounce"));
            assert_eq!(ev.get_str(Name::ndr_queue_id), Some(id));
            assert_eq!(ev.get_str(Name::additional_info), Some(what));
        }
    }

    #[test]
    fn without_queue_id() {
        let ev = line("sender non-delivery notification: 3mKxYH0vl4z7sWS");
        assert_eq!(ev.kind, "bounce.notification");
        assert_eq!(ev.queue_id, None);
        assert_eq!(ev.get_str(Name::ndr_queue_id), Some("3mKxYH0vl4z7sWS"));
    }

    #[test]
    fn append_file_fatal() {
        let ev = line("fatal: append file defer 3lyw0Z2NdSz2xGb: No space left on device");
        assert_eq!(ev.kind, "bounce.file-error");
        assert_eq!(ev.queue_id, Some("3lyw0Z2NdSz2xGb"));
        assert_eq!(ev.get_str(Name::severity), Some("fatal"));
        assert_eq!(ev.get_str(Name::service), Some("defer"));
        assert_eq!(
            ev.get_str(Name::additional_info),
            Some("No space left on device")
        );
    }

    #[test]
    fn postmaster_discarded() {
        // Gap kind, from bounce_notify_service.c's format string.
        let ev = line("Jun 10 06:27:31 mx postfix/bounce[5436]: warning: 1A2B3C4D5E: undeliverable postmaster notification discarded");
        assert_eq!(ev.kind, "bounce.postmaster-discarded");
        assert_eq!(ev.queue_id, Some("1A2B3C4D5E"));
    }

    #[test]
    fn junk_notification_id() {
        let ev = line("Jun 10 06:27:31 mx postfix/bounce[5436]: 1A2B3C4D5E: sender non-delivery notification: x y");
        assert_eq!(ev.kind, "unknown");
    }
}
