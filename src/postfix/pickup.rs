//! `pickup` messages: mail submitted locally (`sendmail`, `postdrop`) entering the queue.
//!
//! | kind | message |
//! | --- | --- |
//! | `pickup.submission` | `QID: uid=UID from=<S>[ orig_id=Q]` |
//! | `pickup.old-message` | `warning: QID: message [PATH ]has been queued for N days` |
//! | `pickup.future-message` | `warning: QID: message PATH dated N seconds into the future` |
//! | `pickup.no-sender` | `warning: QID: uid=UID: no envelope sender` |
//!
//! A submission gives `uid` (the submitting user's numeric id, which the correlation resolves to a user),
//! `sender` and, for a full address, `email_address`/`email_domain`; `orig_id` (a message requeued with
//! `postsuper -r`) is `orig_queue_id`.

use super::common;
use super::delivery;
use super::lex::{self, QueueId};
use super::Msg;
use crate::event::{LineEvent, Name};

/// Recognises a message of the pickup daemon.
pub fn parse<'a>(m: &Msg<'a>, ev: &mut LineEvent<'a>) -> Option<&'static str> {
    if m.body.starts_with("uid=") {
        let mut it = lex::pairs(m.body);
        let uid = lex::int(it.next()?.value)?;
        let from = it.next().filter(|p| p.key == "from")?;
        let orig = it.next();
        if orig.is_some_and(|p| p.key != "orig_id") || !it.rest().trim_end().is_empty() {
            return None;
        }
        ev.put_int(Name::uid, uid);
        delivery::push_sender(ev, from.value);
        if let Some(o) = orig {
            ev.put(Name::orig_queue_id, o.value);
        }
        return Some("pickup.submission");
    }
    let (_, level, rest) = common::severity(m.body)?;
    let (QueueId::Id(id), text) = lex::split_queue_id(rest) else {
        return None;
    };
    let kind = if let Some(t) = text.strip_prefix("message ") {
        if t.ends_with(" days") && lex::find(t, "has been queued for ").is_some() {
            "pickup.old-message"
        } else if t.ends_with(" seconds into the future") {
            "pickup.future-message"
        } else {
            return None;
        }
    } else if text.starts_with("uid=") && text.ends_with(": no envelope sender") {
        "pickup.no-sender"
    } else {
        return None;
    };
    ev.queue_id = Some(id);
    ev.put(Name::severity, level);
    ev.put(Name::additional_info, text);
    Some(kind)
}

#[cfg(test)]
mod tests {
    use super::super::delivery::testing::line;
    use crate::event::Name;

    #[test]
    fn submission() {
        let ev = line("2013 Jun 10 18:02:04.123 gds39d postfix/pickup[30583]: D25433FC013XXXX: uid=108 from=<logcheck>");
        assert_eq!(ev.kind, "pickup.submission");
        assert_eq!(ev.queue_id, Some("D25433FC013XXXX"));
        assert_eq!(ev.get_int(Name::uid), Some(108));
        assert_eq!(ev.get_str(Name::sender), Some("logcheck"));
        assert!(ev.get(Name::email_address).is_none());
    }

    #[test]
    fn submission_headerless() {
        let ev = line("uid=1206 from=<system>");
        assert_eq!(ev.kind, "pickup.submission");
        assert_eq!(ev.daemon, Some("pickup"));
        assert_eq!(ev.get_int(Name::uid), Some(1206));
        assert_eq!(ev.get_str(Name::sender), Some("system"));
        let ev = line("D2FAE20586: uid=0 from=<fail2ban>");
        assert_eq!(ev.kind, "pickup.submission");
        assert_eq!(ev.get_int(Name::uid), Some(0));
    }

    #[test]
    fn submission_requeued() {
        // Built from pickup.c's format string for mail requeued with `postsuper -r`.
        let ev = line("Jun 10 18:02:04 mx postfix/pickup[30583]: 4F1E03FC013: uid=89 from=<alice@example.com> orig_id=D25433FC013");
        assert_eq!(ev.kind, "pickup.submission");
        assert_eq!(ev.get_str(Name::email_address), Some("alice@example.com"));
        assert_eq!(ev.get_str(Name::email_domain), Some("example.com"));
        assert_eq!(ev.get_str(Name::orig_queue_id), Some("D25433FC013"));
    }

    #[test]
    fn queued_for_days() {
        let ev = line("warning: 3mCqcj5HR1z2xDW: message has been queued for 2 days");
        assert_eq!(ev.kind, "pickup.old-message");
        assert_eq!(ev.queue_id, Some("3mCqcj5HR1z2xDW"));
        assert_eq!(ev.get_str(Name::severity), Some("warning"));
        assert_eq!(
            ev.get_str(Name::additional_info),
            Some("message has been queued for 2 days")
        );
    }

    #[test]
    fn not_submission() {
        let ev = line("Jun 10 18:02:04 mx postfix/pickup[30583]: 4F1E03FC013: uid=x from=<a>");
        assert_eq!(ev.kind, "unknown");
    }
}
