//! `qmgr` (and `oqmgr`) messages: the queue manager.
//!
//! | kind | message |
//! | --- | --- |
//! | `qmgr.queued` | `QID: from=<S>, size=N, nrcpt=N (queue active)`: the message entered the active queue |
//! | `qmgr.removed` | `QID: removed`: the message left the queue (end of its record) |
//! | `qmgr.expired` | `QID: from=<S>, status=expired, returned to sender` (or `force-expired`) |
//! | `qmgr.skipped` | `QID: skipped, still being delivered` |
//! | `qmgr.delivery` | `QID: to=<R>, relay=none, ..., status=deferred (delivery temporarily suspended: ...)` |
//! | `qmgr.queue-congestion` | `warning: mail for D is using up N of M active queue entries` |
//! | `qmgr.congestion-advice` | the warnings that follow it (`please avoid flushing the whole queue ...`) |
//! | `qmgr.config-adjusted` | `warning: P is larger than Q - adjusting P` |
//! | `qmgr.queue-file-size-limit` | `warning: QID: queue file size limit exceeded` |
//!
//! `qmgr.queued` gives `sender` (`""` for `<>`), `email_address`/`email_domain` (full addresses only),
//! `bytes` and `num_recipients`, the fields of Exabeam's `kv-email-queue` parser.

use super::common;
use super::delivery::{self, kind};
use super::lex::{self, QueueId};
use super::Msg;
use crate::event::{LineEvent, Name};

macro_rules! k {
    ($m:expr, $suffix:literal) => {
        kind!($m.daemon, ["qmgr", "oqmgr"], $suffix)
    };
}

/// Recognises a message of the queue manager.
pub fn parse<'a>(m: &Msg<'a>, ev: &mut LineEvent<'a>) -> Option<&'static str> {
    let b = m.body;
    if b.starts_with("from=") {
        return from_line(m, ev);
    }
    match b {
        "removed" => return k!(m, "removed"),
        "skipped, still being delivered" => return k!(m, "skipped"),
        _ => {}
    }
    if b.starts_with("to=") {
        // qmgr reports deliveries only when it defers a whole destination itself; a delivery line without
        // a tag belongs to a delivery agent.
        if delivery::headerless(ev) {
            return None;
        }
        let d = delivery::read(b)?;
        delivery::push(&d, m.daemon, ev);
        return k!(m, "delivery");
    }
    let (_, level, rest) = common::severity(b)?;
    let kind = if let Some(t) = rest.strip_prefix("mail for ") {
        let (dest, counts) = t.split_once(" is using up ")?;
        if !counts.ends_with(" active queue entries") {
            return None;
        }
        ev.put(Name::dest_host, dest);
        ev.put(Name::additional_info, rest);
        k!(m, "queue-congestion")
    } else if is_advice(rest) {
        ev.put(Name::additional_info, rest);
        k!(m, "congestion-advice")
    } else if let Some((param, _)) = rest
        .split_once(" is larger than ")
        .or_else(|| rest.split_once(" is smaller than "))
        .filter(|(p, tail)| {
            !p.contains(' ')
                && tail
                    .strip_suffix(p)
                    .is_some_and(|t| t.ends_with(" - adjusting "))
        })
    {
        ev.put(Name::parameter, param);
        ev.put(Name::additional_info, rest);
        k!(m, "config-adjusted")
    } else if let (QueueId::Id(id), "queue file size limit exceeded") = lex::split_queue_id(rest) {
        // smtpd logs this warning too; without a tag it is left to smtpd.
        if delivery::headerless(ev) {
            return None;
        }
        ev.queue_id = Some(id);
        k!(m, "queue-file-size-limit")
    } else {
        None
    }?;
    ev.put(Name::severity, level);
    Some(kind)
}

/// `from=<S>, size=N, nrcpt=N (queue active)` or `from=<S>, status=expired, returned to sender`.
fn from_line<'a>(m: &Msg<'a>, ev: &mut LineEvent<'a>) -> Option<&'static str> {
    let mut it = lex::pairs(m.body);
    let from = it.next()?.value;
    let (mut size, mut nrcpt, mut status) = (None, None, None);
    for p in it.by_ref() {
        match p.key {
            "size" => size = Some(p.value),
            "nrcpt" => nrcpt = Some(p.value),
            "status" => status = Some(p.value),
            _ => return None,
        }
    }
    let rest = it.rest();
    if let (Some(size), Some(nrcpt)) = (size, nrcpt) {
        delivery::push_sender(ev, from);
        ev.put_int_text(Name::bytes, size);
        ev.put_int_text(Name::num_recipients, nrcpt);
        return k!(m, "queued");
    }
    let status = status.filter(|s| matches!(*s, "expired" | "force-expired"))?;
    if !rest.starts_with(", returned to sender") {
        return None;
    }
    delivery::push_sender(ev, from);
    ev.put(Name::result, status);
    k!(m, "expired")
}

/// The advice qmgr logs after a `mail for D is using up ...` warning (qmgr_entry.c).
fn is_advice(s: &str) -> bool {
    const ADVICE: [&str; 8] = [
        "this may slow down other mail deliveries",
        "you may need to increase the ",
        "you may need a separate master.cf transport for ",
        "you may need to reduce ",
        "so that Postfix ",
        "please avoid flushing the whole queue when you have",
        "lots of deferred mail, that is bad for performance",
        "to turn off these warnings specify: ",
    ];
    ADVICE.iter().any(|a| s.starts_with(a))
}

#[cfg(test)]
mod tests {
    use super::super::delivery::testing::{line, tagged};
    use super::*;

    #[test]
    fn queued() {
        let ev = line("Mar  6 01:13:50 letterman postfix/qmgr[1436]: D3120239C2: from=<sender@example.com>, size=5779, nrcpt=1 (queue active)");
        assert_eq!(ev.kind, "qmgr.queued");
        assert_eq!(ev.queue_id, Some("D3120239C2"));
        assert_eq!(ev.get_str(Name::sender), Some("sender@example.com"));
        assert_eq!(ev.get_str(Name::email_address), Some("sender@example.com"));
        assert_eq!(ev.get_str(Name::email_domain), Some("example.com"));
        assert_eq!(ev.get_int(Name::bytes), Some(5779));
        assert_eq!(ev.get_int(Name::num_recipients), Some(1));
        assert_eq!(ev.parser, Some("postfix-postfix-kv-email-queue"));
    }

    #[test]
    fn queued_null_sender_and_local_sender() {
        let ev = line("Jul  5 06:52:11 prd-mx1 postfix/qmgr[20459]: 3mPVKl0Mhjz7sXv: from=<>, size=2666, nrcpt=2 (queue active)");
        assert_eq!(ev.kind, "qmgr.queued");
        assert_eq!(ev.get_str(Name::sender), Some(""));
        assert!(ev.get(Name::email_address).is_none());
        assert_eq!(ev.get_int(Name::num_recipients), Some(2));
        let ev = line("3mfHGL1r9gzyQP: from=<system>, size=813, nrcpt=1 (queue active)");
        assert_eq!(ev.kind, "qmgr.queued");
        assert_eq!(ev.get_str(Name::sender), Some("system"));
        assert!(ev.get(Name::email_address).is_none());
    }

    #[test]
    fn queued_without_brackets_and_without_queue_id() {
        let ev = line("Sep 25 12:07:56 rory-dev postfix/qmgr[1626]: ED373F8043E: from=rory@rory-dev.localdomain, size=270, nrcpt=1 (queue active)");
        assert_eq!(ev.kind, "qmgr.queued");
        assert_eq!(ev.get_str(Name::sender), Some("rory@rory-dev.localdomain"));
        assert_eq!(ev.get_int(Name::bytes), Some(270));
        let ev = line("from=<spruit@example.org>, size=11445, nrcpt=1 (queue active)");
        assert_eq!(ev.kind, "qmgr.queued");
        assert_eq!(ev.daemon, Some("qmgr"));
        assert_eq!(ev.queue_id, None);
        assert_eq!(ev.get_int(Name::bytes), Some(11445));
    }

    #[test]
    fn queued_doubled_bracket() {
        let ev = line("2013 Jun 10 06:27:31.123 gds39d postfix/qmgr[5436]: 1A2B3C4D5EXXXX: from=<u@e.com>>, size=12, nrcpt=1 (queue active)");
        assert_eq!(ev.kind, "qmgr.queued");
        assert_eq!(ev.get_str(Name::sender), Some("u@e.com"));
        assert_eq!(ev.get_int(Name::bytes), Some(12));
    }

    #[test]
    fn removed() {
        let ev = line("Feb 11 16:49:24 letterman postfix/qmgr[8204]: AAB4D259B1: removed");
        assert_eq!(ev.kind, "qmgr.removed");
        assert_eq!(ev.queue_id, Some("AAB4D259B1"));
        assert!(ev.fields.is_empty());
    }

    #[test]
    fn expired() {
        let ev = line("Apr 10 14:50:16 mail postfix/qmgr[3663]: BACE842E72: from=<noreply@domain.com>, status=expired, returned to sender");
        assert_eq!(ev.kind, "qmgr.expired");
        assert_eq!(ev.get_str(Name::sender), Some("noreply@domain.com"));
        assert_eq!(ev.get_str(Name::email_address), Some("noreply@domain.com"));
        assert_eq!(ev.get_str(Name::result), Some("expired"));
        let ev = line("585BC3F: from=<>, status=expired, returned to sender");
        assert_eq!(ev.kind, "qmgr.expired");
        assert_eq!(ev.get_str(Name::sender), Some(""));
        let (kind, ev) = tagged(
            "qmgr",
            "585BC3F: from=<a@b.example>, status=force-expired, returned to sender",
            parse,
        );
        assert_eq!(kind, Some("qmgr.expired"));
        assert_eq!(ev.get_str(Name::result), Some("force-expired"));
    }

    #[test]
    fn flush_advice() {
        for text in [
            "Mar 16 23:30:44 123-mail postfix/qmgr[29980]: warning: please avoid flushing the whole queue when you have",
            "Mar 16 23:30:44 123-mail postfix/qmgr[29980]: warning: lots of deferred mail, that is bad for performance",
        ] {
            let ev = line(text);
            assert_eq!(ev.kind, "qmgr.congestion-advice");
            assert_eq!(ev.get_str(Name::severity), Some("warning"));
        }
    }

    #[test]
    fn lifetime_adjusted() {
        let ev = line("warning: bounce_queue_lifetime is larger than maximal_queue_lifetime - adjusting bounce_queue_lifetime");
        assert_eq!(ev.kind, "qmgr.config-adjusted");
        assert_eq!(ev.get_str(Name::parameter), Some("bounce_queue_lifetime"));
    }

    #[test]
    fn skipped() {
        let ev = line("ED06590130AA1C9D6D862: skipped, still being delivered");
        assert_eq!(ev.kind, "qmgr.skipped");
        assert_eq!(ev.daemon, Some("qmgr"));
    }

    // Gap kinds, built from the format strings of qmgr_entry.c, qmgr_defer.c and smtpd.c.
    #[test]
    fn congestion() {
        let ev = line("Jun 10 06:27:31 mx postfix/qmgr[5436]: warning: mail for [10.0.0.5]:10025 is using up 4001 of 20000 active queue entries");
        assert_eq!(ev.kind, "qmgr.queue-congestion");
        assert_eq!(ev.get_str(Name::dest_host), Some("[10.0.0.5]:10025"));
    }

    #[test]
    fn delivery_from_qmgr() {
        let ev = line("Jun 10 06:27:31 mx postfix/qmgr[5436]: 1A2B3C4D5E: to=<a@example.org>, relay=none, delay=0.2, delays=0.2/0/0/0, dsn=4.3.0, status=deferred (delivery temporarily suspended: unknown mail transport error)");
        assert_eq!(ev.kind, "qmgr.delivery");
        assert_eq!(ev.get_str(Name::result), Some("deferred"));
        assert_eq!(ev.get_str(Name::dest_email_address), Some("a@example.org"));
    }

    #[test]
    fn queue_file_size_limit() {
        let ev = line("Jun 10 06:27:31 mx postfix/qmgr[5436]: warning: 1A2B3C4D5E: queue file size limit exceeded");
        assert_eq!(ev.kind, "qmgr.queue-file-size-limit");
        assert_eq!(ev.queue_id, Some("1A2B3C4D5E"));
    }

    #[test]
    fn not_cleanup_lines() {
        let (kind, _) = tagged(
            "qmgr",
            "4104E3D: milter-reject: END-OF-MESSAGE from x[1.2.3.4]: 5.7.1 Blocked; from=<a@b> to=<c@d> proto=ESMTP helo=<e>",
            parse,
        );
        assert_eq!(kind, None);
        let (kind, _) = tagged("qmgr", "from=<a@b>, size=x", parse);
        assert_eq!(kind, None);
    }
}
