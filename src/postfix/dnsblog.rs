//! `dnsblog` messages: the DNS list lookups postscreen asks for.
//!
//! | kind | message |
//! | --- | --- |
//! | `dnsblog.listed` | `addr IP listed by domain D as RESULT` (`src_ip`, `dnsbl_domain`, `additional_info` = RESULT) |
//! | `dnsblog.lookup-error` | `warning: dnsblog_query: lookup error for DNS query Q: REASON` |

use super::lex::QueueId;
use super::smtpd::dnsbl_query;
use super::Msg;
use crate::event::LineEvent;

/// Recognises a `dnsblog` message; see the module docs for the shapes.
pub fn parse<'a>(m: &Msg<'a>, ev: &mut LineEvent<'a>) -> Option<&'static str> {
    if m.queue != QueueId::None {
        return None;
    }
    let b = m.body;
    if let Some(r) = b.strip_prefix("addr ") {
        let (ip, r) = r.split_once(" listed by domain ")?;
        let (domain, result) = r.split_once(" as ")?;
        ev.put("src_ip", ip);
        ev.put("dnsbl_domain", domain);
        ev.put("additional_info", result);
        return Some("dnsblog.listed");
    }
    let r = b.strip_prefix("warning: dnsblog_query: ")?;
    let query = r.strip_prefix("lookup error for DNS query ")?;
    let (query, _) = query.split_once(": ")?;
    ev.put("severity", "warning");
    if let Some((ip, zone)) = dnsbl_query(query) {
        ev.put_owned("src_ip", ip);
        ev.put("dnsbl_domain", zone);
    }
    ev.put("additional_info", r);
    Some("dnsblog.lookup-error")
}
