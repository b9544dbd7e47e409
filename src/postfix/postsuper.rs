//! `postsuper` messages: the administrator's queue operations.
//!
//! | kind | message |
//! | --- | --- |
//! | `postsuper.removed` | `QID: removed` (`postsuper -d`) |
//! | `postsuper.requeued` | `QID: requeued` (`-r`) |
//! | `postsuper.hold` | `QID: placed on hold` (`-h`) |
//! | `postsuper.release` | `QID: released from hold` (`-H`) |
//! | `postsuper.expired` | `QID: expired` (`-e`, `-f`) |
//! | `postsuper.summary` | `Deleted: N messages` (also `Requeued`, `Placed on hold`, `Released from hold`, `Force-expired`, `Renamed to match inode number`) |
//! | `postsuper.invalid-queue-id` | `warning: invalid mail queue id: X` |
//!
//! A summary gives `result` (the operation as Postfix words it) and `num_messages`.

use super::common;
use super::lex::{self, QueueId};
use super::Msg;
use crate::event::{LineEvent, Name};

/// Recognises a message of postsuper.
pub fn parse<'a>(m: &Msg<'a>, ev: &mut LineEvent<'a>) -> Option<&'static str> {
    if let QueueId::Id(_) = m.queue {
        return match m.body {
            "removed" => Some("postsuper.removed"),
            "requeued" => Some("postsuper.requeued"),
            "placed on hold" => Some("postsuper.hold"),
            "released from hold" => Some("postsuper.release"),
            "expired" => Some("postsuper.expired"),
            _ => None,
        };
    }
    if let Some((what, count)) = m.body.split_once(": ") {
        if matches!(
            what,
            "Deleted"
                | "Requeued"
                | "Placed on hold"
                | "Released from hold"
                | "Force-expired"
                | "Renamed to match inode number"
        ) {
            let (n, unit) = lex::word(count);
            let n = lex::int(n)?;
            if !matches!(unit, "message" | "messages") {
                return None;
            }
            ev.put(Name::result, what);
            ev.put_int(Name::num_messages, n);
            return Some("postsuper.summary");
        }
    }
    let (_, level, rest) = common::severity(m.body)?;
    let id = rest.strip_prefix("invalid mail queue id: ")?;
    ev.put(Name::severity, level);
    ev.put(Name::additional_info, id);
    Some("postsuper.invalid-queue-id")
}

#[cfg(test)]
mod tests {
    use super::super::delivery::testing::line;
    use crate::event::Name;

    #[test]
    fn summaries() {
        for (text, what, n) in [
            ("Deleted: 115 messages", "Deleted", 115),
            ("Requeued: 1 message", "Requeued", 1),
            ("Placed on hold: 67 messages", "Placed on hold", 67),
            ("Released from hold: 13 messages", "Released from hold", 13),
        ] {
            let ev = line(text);
            assert_eq!(ev.kind, "postsuper.summary", "{text}");
            assert_eq!(ev.daemon, Some("postsuper"));
            assert_eq!(ev.get_str(Name::result), Some(what));
            assert_eq!(ev.get_int(Name::num_messages), Some(n));
        }
    }

    #[test]
    fn removed() {
        let ev = line("Nov  6 01:01:03 mailq2 postfix/postsuper[1936]: 3nsRhm5bH5z306M: removed");
        assert_eq!(ev.kind, "postsuper.removed");
        assert_eq!(ev.queue_id, Some("3nsRhm5bH5z306M"));
    }

    #[test]
    fn queue_operations() {
        for (text, kind) in [
            ("3nsF2M5j0nz31GS: released from hold", "postsuper.release"),
            ("D4F2023DB: requeued", "postsuper.requeued"),
            ("D4F2023DB: placed on hold", "postsuper.hold"),
        ] {
            let ev = line(text);
            assert_eq!(ev.kind, kind, "{text}");
            assert!(ev.queue_id.is_some());
        }
    }

    #[test]
    fn not_a_summary() {
        let ev = line("Nov  6 01:01:03 mailq2 postfix/postsuper[1936]: Deleted: many messages");
        assert_eq!(ev.kind, "unknown");
    }
}
