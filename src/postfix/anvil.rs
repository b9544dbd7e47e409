//! `anvil` messages: the connection and rate counters' periodic statistics.
//!
//! | kind | message |
//! | --- | --- |
//! | `anvil.connection-rate`, `.message-rate`, `.recipient-rate`, `.newtls-rate`, `.auth-rate`, `.tlstrace-rate` | `statistics: max connection rate 1/60s for (smtp:1.2.3.4) at Jun 10 06:22:30` |
//! | `anvil.connection-count` | `statistics: max connection count 1 for (smtp:1.2.3.4) at Jun 10 06:22:30` |
//! | `anvil.cache-size` | `statistics: max cache size 1 at Jun 10 06:22:30` |
//!
//! Fields: `count` (int) the maximum, `interval` the rate's time unit (`60s`), `service` and `src_ip` from
//! the `(service:client)` pair, `additional_info` the time the maximum was reached (`Jun 10 06:22:30`).

use super::lex::{self, QueueId};
use super::Msg;
use crate::event::{LineEvent, Name};

/// Recognises an `anvil` message; see the module docs for the shapes.
pub fn parse<'a>(m: &Msg<'a>, ev: &mut LineEvent<'a>) -> Option<&'static str> {
    if m.queue != QueueId::None {
        return None;
    }
    let r = m.body.strip_prefix("statistics: max ")?;
    if let Some(r) = r.strip_prefix("cache size ") {
        let (n, at) = r.split_once(" at ")?;
        ev.put_int(Name::count, lex::int(n)?);
        ev.put(Name::additional_info, at);
        return Some("anvil.cache-size");
    }
    let (name, r) = r.split_once(' ')?;
    let (kind, r) = if let Some(r) = r.strip_prefix("count ") {
        if name != "connection" {
            return None;
        }
        let (n, r) = r.split_once(" for (")?;
        ev.put_int(Name::count, lex::int(n)?);
        ("anvil.connection-count", r)
    } else {
        let r = r.strip_prefix("rate ")?;
        let kind = match name {
            "connection" => "anvil.connection-rate",
            "message" => "anvil.message-rate",
            "recipient" => "anvil.recipient-rate",
            "newtls" => "anvil.newtls-rate",
            "auth" => "anvil.auth-rate",
            "tlstrace" => "anvil.tlstrace-rate",
            _ => return None,
        };
        let (rate, r) = r.split_once(" for (")?;
        let (n, unit) = rate.split_once('/')?;
        ev.put_int(Name::count, lex::int(n)?);
        ev.put(Name::interval, unit);
        (kind, r)
    };
    let (ident, at) = r.split_once(") at ")?;
    let (service, client) = split_ident(ident);
    ev.put(Name::service, service);
    if let Some(ip) = client {
        ev.put(Name::src_ip, ip);
    }
    ev.put(Name::additional_info, at);
    Some(kind)
}

/// Splits anvil's `service:client` identifier. The service may itself hold colons (`127.0.0.1:2525` for an
/// `inet` listener) and so may the client (IPv6), so the split is at the first colon after which an IP
/// address (or `unknown`) follows. The client is `None` when it is `unknown` or not found.
fn split_ident(ident: &str) -> (&str, Option<&str>) {
    let mut from = 0;
    while let Some(off) = ident[from..].find(':') {
        let p = from + off;
        let client = &ident[p + 1..];
        if client == "unknown" {
            return (&ident[..p], None);
        }
        if client.parse::<std::net::IpAddr>().is_ok() {
            return (&ident[..p], Some(client));
        }
        from = p + 1;
    }
    (ident, None)
}

#[cfg(test)]
mod tests {
    use crate::event::Name;
    use crate::postfix::smtpd::testing::{exact, framed, parse, V::*};

    #[test]
    fn connection_rate() {
        let ev = parse("2013 Jun 10 06:32:30.123 gds39d postfix/anvil[6337]: statistics: max connection rate 1/60s for (smtp:81.95.96.49) at Jun 10 06:22:30");
        exact(
            &ev,
            "anvil.connection-rate",
            &[
                ("count", I(1)),
                ("interval", S("60s")),
                ("service", S("smtp")),
                ("src_ip", S("81.95.96.49")),
                ("additional_info", S("Jun 10 06:22:30")),
            ],
        );
    }

    #[test]
    fn connection_count() {
        let ev = parse("2013 Jun 10 06:32:30.123 gds39d postfix/anvil[6337]: statistics: max connection count 1 for (smtp:81.95.96.49) at Jun 10 06:22:30");
        exact(
            &ev,
            "anvil.connection-count",
            &[
                ("count", I(1)),
                ("service", S("smtp")),
                ("src_ip", S("81.95.96.49")),
                ("additional_info", S("Jun 10 06:22:30")),
            ],
        );
    }

    #[test]
    fn cache_size() {
        let ev = parse("2013 Jun 10 06:32:30.123 gds39d postfix/anvil[6337]: statistics: max cache size 1 at Jun 10 06:22:30");
        exact(
            &ev,
            "anvil.cache-size",
            &[("count", I(1)), ("additional_info", S("Jun 10 06:22:30"))],
        );
    }

    #[test]
    fn identifiers_with_colons() {
        let ev = parse(
            "statistics: max connection count 1 for (smtpd:2604:8d00:0:1::3) at Oct 26 17:46:59",
        );
        assert_eq!(ev.daemon, Some("anvil"));
        assert_eq!(
            (ev.get_str(Name::service), ev.get_str(Name::src_ip)),
            (Some("smtpd"), Some("2604:8d00:0:1::3"))
        );
        let ev = parse("statistics: max connection rate 1/2h for (127.0.0.1:2525:127.0.0.1) at Oct 26 18:13:50");
        assert_eq!(
            (ev.get_str(Name::service), ev.get_str(Name::src_ip)),
            (Some("127.0.0.1:2525"), Some("127.0.0.1"))
        );
        let ev =
            parse("statistics: max connection rate 1/60s for (smtp:unknown) at Sep 7 07:14:19");
        assert_eq!(
            (ev.get_str(Name::service), ev.get_str(Name::src_ip)),
            (Some("smtp"), None)
        );
    }

    #[test]
    fn other_rates() {
        // anvil.c's other ANVIL_MAX_RATE_REPORT names.
        for (name, kind) in [
            ("message", "anvil.message-rate"),
            ("recipient", "anvil.recipient-rate"),
            ("newtls", "anvil.newtls-rate"),
            ("auth", "anvil.auth-rate"),
        ] {
            let l = framed("anvil", &format!("statistics: max {name} rate 12/60s for (submission:192.0.2.7) at Jun 10 06:22:30"));
            exact(
                &parse(&l),
                kind,
                &[
                    ("count", I(12)),
                    ("interval", S("60s")),
                    ("service", S("submission")),
                    ("src_ip", S("192.0.2.7")),
                    ("additional_info", S("Jun 10 06:22:30")),
                ],
            );
        }
        let l = framed(
            "anvil",
            "statistics: max message count 1 for (smtp:192.0.2.7) at Jun 10 06:22:30",
        );
        assert_eq!(parse(&l).kind, "unknown");
    }
}
