//! `tlsproxy` messages: the TLS proxy that postscreen (server role) and smtp (client role, connection
//! reuse) hand TLS sessions to.
//!
//! | kind | message |
//! | --- | --- |
//! | `tlsproxy.connect` | `CONNECT from [IP]:PORT` (a client: `src_*`), `CONNECT to [IP]:PORT` (a server: `dest_*`) |
//! | `tlsproxy.disconnect` | `DISCONNECT [IP]:PORT` (the role is not logged; the end is reported as `src_*`) |
//! | `tlsproxy.tls-established` | `Trusted TLS connection established to H[IP]:PORT: TLSv1.3 with cipher ...` (also `from`) |

use super::lex::{self, QueueId};
use super::smtpd::{put_client, put_server, tls_summary};
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
    tls_summary(ev, b, " to ", put_server, "tlsproxy.tls-established")
        .or_else(|| tls_summary(ev, b, " from ", put_client, "tlsproxy.tls-established"))
}
