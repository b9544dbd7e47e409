//! `tlsproxy` messages: the TLS proxy that postscreen (server role) and smtp (client role, connection
//! reuse) hand TLS sessions to.
//!
//! | kind | message |
//! | --- | --- |
//! | `tlsproxy.connect` | `CONNECT from [IP]:PORT` (a client: `src_*`), `CONNECT to [IP]:PORT` (a server: `dest_*`) |
//! | `tlsproxy.disconnect` | `DISCONNECT [IP]:PORT` (the role is not logged; the end is reported as `src_*`) |
//! | `tlsproxy.tls-established` | `Trusted TLS connection established to H[IP]:PORT: TLSv1.3 with cipher ...` (also `from`; tagged lines only, as smtp and smtpd log the same) |

use super::lex::{self, QueueId};
use super::smtpd::{put_client, put_server, tagged, tls_summary};
use super::Msg;
use crate::event::LineEvent;

/// Recognises a `tlsproxy` message; see the module docs for the shapes.
pub fn parse<'a>(m: &Msg<'a>, ev: &mut LineEvent<'a>) -> Option<&'static str> {
    if m.queue != QueueId::None {
        return None;
    }
    let b = m.body;
    if let Some(r) = b.strip_prefix("CONNECT ") {
        let (server, r) = match r.strip_prefix("to ") {
            Some(r) => (true, r),
            None => (false, r.strip_prefix("from ")?),
        };
        let (e, rest) = lex::endpoint(r)?;
        if !rest.trim().is_empty() {
            return None;
        }
        if server {
            put_server(ev, &e);
        } else {
            put_client(ev, &e);
        }
        return Some("tlsproxy.connect");
    }
    if let Some(r) = b.strip_prefix("DISCONNECT ") {
        let (e, rest) = lex::endpoint(r)?;
        if !rest.trim().is_empty() {
            return None;
        }
        put_client(ev, &e);
        return Some("tlsproxy.disconnect");
    }
    // smtp and smtpd log the same summary; without a tag the line is theirs.
    if !tagged(m, ev) {
        return None;
    }
    tls_summary(ev, b, " to ", put_server, "tlsproxy.tls-established")
        .or_else(|| tls_summary(ev, b, " from ", put_client, "tlsproxy.tls-established"))
}

#[cfg(test)]
mod tests {
    use crate::postfix::smtpd::testing::{exact, parse, V::*};

    #[test]
    fn connect_to_and_from() {
        let ev = parse("2020-03-19T16:16:47.986953+00:00 638fbdd7968d postfix/tlsproxy[26371]: CONNECT to [173.194.222.27]:25");
        exact(
            &ev,
            "tlsproxy.connect",
            &[("dest_ip", S("173.194.222.27")), ("dest_port", I(25))],
        );
        let ev = parse("CONNECT from [82.118.17.142]:51637");
        assert_eq!(ev.daemon, Some("tlsproxy"));
        exact(
            &ev,
            "tlsproxy.connect",
            &[("src_ip", S("82.118.17.142")), ("src_port", I(51637))],
        );
    }

    #[test]
    fn tls_established() {
        let ev = parse("2020-03-19T16:16:48.000693+00:00 638fbdd7968d postfix/tlsproxy[26371]: Trusted TLS connection established to gmail-smtp-in.l.google.com[173.194.222.27]:25: TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits) key-exchange X25519 server-signature RSA-PSS (2048 bits)");
        exact(&ev, "tlsproxy.tls-established", &[
            ("dest_host", S("gmail-smtp-in.l.google.com")),
            ("dest_ip", S("173.194.222.27")),
            ("dest_port", I(25)),
            ("result", S("Trusted")),
            ("additional_info", S("TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits) key-exchange X25519 server-signature RSA-PSS (2048 bits)")),
        ]);
    }

    #[test]
    fn disconnect() {
        let ev = parse("2020-03-19T16:16:47.883506+00:00 638fbdd7968d postfix/tlsproxy[26371]: DISCONNECT [209.85.233.27]:25");
        exact(
            &ev,
            "tlsproxy.disconnect",
            &[("src_ip", S("209.85.233.27")), ("src_port", I(25))],
        );
    }
}
