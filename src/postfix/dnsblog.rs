//! `dnsblog` messages: the DNS list lookups postscreen asks for.
//!
//! | kind | message |
//! | --- | --- |
//! | `dnsblog.listed` | `addr IP listed by domain D as RESULT` (`src_ip`, `dnsbl_domain`, `additional_info` = RESULT) |
//! | `dnsblog.lookup-error` | `warning: dnsblog_query: lookup error for DNS query Q: REASON` |

use super::lex::QueueId;
use super::smtpd::dnsbl_query;
use super::Msg;
use crate::event::{LineEvent, Name};

/// Recognises a `dnsblog` message; see the module docs for the shapes.
pub fn parse<'a>(m: &Msg<'a>, ev: &mut LineEvent<'a>) -> Option<&'static str> {
    if m.queue != QueueId::None {
        return None;
    }
    let b = m.body;
    if let Some(r) = b.strip_prefix("addr ") {
        let (ip, r) = r.split_once(" listed by domain ")?;
        let (domain, result) = r.split_once(" as ")?;
        ev.put(Name::src_ip, ip);
        ev.put(Name::dnsbl_domain, domain);
        ev.put(Name::additional_info, result);
        return Some("dnsblog.listed");
    }
    let r = b.strip_prefix("warning: dnsblog_query: ")?;
    let query = r.strip_prefix("lookup error for DNS query ")?;
    let (query, _) = query.split_once(": ")?;
    ev.put(Name::severity, "warning");
    if let Some((ip, zone)) = dnsbl_query(query) {
        ev.put_owned(Name::src_ip, ip);
        ev.put(Name::dnsbl_domain, zone);
    }
    ev.put(Name::additional_info, r);
    Some("dnsblog.lookup-error")
}

#[cfg(test)]
mod tests {
    use crate::event::Name;
    use crate::postfix::smtpd::testing::{exact, parse, V::*};

    #[test]
    fn listed() {
        let ev = parse("addr 61.238.241.86 listed by domain psbl.surriel.com as 127.0.0.2");
        assert_eq!(ev.daemon, Some("dnsblog"));
        exact(
            &ev,
            "dnsblog.listed",
            &[
                ("src_ip", S("61.238.241.86")),
                ("dnsbl_domain", S("psbl.surriel.com")),
                ("additional_info", S("127.0.0.2")),
            ],
        );
        let ev = parse("addr 2607:f8b0:4003:c01::23a listed by domain list.dnswl.org as 127.0.5.1");
        assert_eq!(ev.get_str(Name::src_ip), Some("2607:f8b0:4003:c01::23a"));
    }

    #[test]
    fn lookup_error() {
        let ev = parse("warning: dnsblog_query: lookup error for DNS query 198.204.82.110.list.dnswl.org: Host or domain name not found. Name service error for name=198.204.82.110.list.dnswl.org type=A: Host not found, try again");
        exact(&ev, "dnsblog.lookup-error", &[
            ("severity", S("warning")),
            ("src_ip", S("110.82.204.198")),
            ("dnsbl_domain", S("list.dnswl.org")),
            ("additional_info", S("lookup error for DNS query 198.204.82.110.list.dnswl.org: Host or domain name not found. Name service error for name=198.204.82.110.list.dnswl.org type=A: Host not found, try again")),
        ]);
    }
}
