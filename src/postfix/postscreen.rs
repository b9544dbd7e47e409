//! `postscreen` messages: the screening of SMTP clients before they reach smtpd.
//!
//! postscreen names a client `[IP]:PORT` (no host name: it does no reverse lookup), which gives `src_ip` and
//! `src_port`. The text a client sent is logged with C-style escapes (`EHLO ylmf-pc\r\n`); it is kept as
//! logged in `additional_info`.
//!
//! | kind | message |
//! | --- | --- |
//! | `postscreen.connect` | `CONNECT from [IP]:PORT to [IP]:PORT` (the server end in `dest_ip`, `dest_port`) |
//! | `postscreen.disconnect` | `DISCONNECT [IP]:PORT` |
//! | `postscreen.pass-new` / `postscreen.pass-old` | `PASS NEW [IP]:PORT`, `PASS OLD [IP]:PORT` |
//! | `postscreen.allowlisted`, `.denylisted`, `.allowlist-veto` | `WHITELISTED`/`ALLOWLISTED`, `BLACKLISTED`/`DENYLISTED`, `WHITELIST VETO`/`ALLOWLIST VETO` `[IP]:PORT` (the word in `result`) |
//! | `postscreen.pregreet` | `PREGREET N after T from [IP]:PORT: TEXT` (`bytes` = N, `delay` = T) |
//! | `postscreen.dnsbl` | `DNSBL rank N for [IP]:PORT` (`dnsbl_rank`) |
//! | `postscreen.hangup` | `HANGUP after T from [IP]:PORT in tests after SMTP handshake` (`delay` = T) |
//! | `postscreen.command-pipelining`, `.command-time-limit`, `.command-count-limit`, `.command-length-limit`, `.bare-newline`, `.non-smtp-command` | `... from [IP]:PORT after CMD[: TEXT]` |
//! | `postscreen.data-without-rcpt` | `DATA without valid RCPT from [IP]:PORT` (also `BDAT`) |
//! | `postscreen.reject` | `NOQUEUE: reject: RCPT from [IP]:PORT: 550 5.7.1 ...; from=<S>, to=<R>, proto=P, helo=<H>`, `NOQUEUE: reject: CONNECT from [IP]:PORT: too many connections`, `reject: connect from [IP]:PORT: all screening ports busy` |
//! | `postscreen.cache-cleanup` | `cache btree:/.../postscreen_cache full cleanup: retained=N dropped=N entries` |
//! | `postscreen.discarding-ehlo-keywords`, `.stress-mode`, `.table-changed` | `[IP]:PORT: discarding EHLO keywords: ...`, `entering STRESS mode with N connections`, `table T has changed - finishing in the background` |
//! | `postscreen.getpeername-failed`, `.dnsblog-timeout` | `warning: getpeername: ... -- dropping this connection`, `warning: dnsblog reply timeout Ns for D` |

use super::lex::{self, QueueId};
use super::smtpd::{put_client, put_context, put_reply, put_server, put_text, split_context};
use super::Msg;
use crate::event::LineEvent;

/// Recognises a `postscreen` message; see the module docs for the shapes.
pub fn parse<'a>(m: &Msg<'a>, ev: &mut LineEvent<'a>) -> Option<&'static str> {
    let b = m.body;
    if m.queue == QueueId::NoQueue {
        return reject(ev, b.strip_prefix("reject: ")?);
    }
    if m.queue != QueueId::None {
        return None;
    }
    if let Some(r) = b.strip_prefix("reject: connect from ") {
        let (e, r) = lex::endpoint(r)?;
        put_client(ev, &e);
        ev.put("smtp_command", "CONNECT");
        ev.put("result", "reject");
        put_text(ev, r.strip_prefix(": ")?);
        return Some("postscreen.reject");
    }
    if let Some(r) = b.strip_prefix("CONNECT from ") {
        let (client, r) = lex::endpoint(r)?;
        let (server, r) = lex::endpoint(r.strip_prefix(" to ")?)?;
        if !client.host.is_empty() || !r.trim().is_empty() {
            return None;
        }
        put_client(ev, &client);
        put_server(ev, &server);
        return Some("postscreen.connect");
    }
    if let Some(r) = b.strip_prefix("PREGREET ") {
        let (n, r) = r.split_once(" after ")?;
        let (t, r) = r.split_once(" from ")?;
        let (e, r) = lex::endpoint(r)?;
        ev.put_int("bytes", lex::int(n)?);
        ev.put_float_text("delay", t);
        put_client(ev, &e);
        put_text(ev, r.strip_prefix(": ").unwrap_or(r));
        return Some("postscreen.pregreet");
    }
    if let Some(r) = b.strip_prefix("DNSBL rank ") {
        let (n, r) = r.split_once(" for ")?;
        let (e, _) = lex::endpoint(r)?;
        ev.put_int("dnsbl_rank", lex::int(n)?);
        put_client(ev, &e);
        return Some("postscreen.dnsbl");
    }
    if let Some(r) = b.strip_prefix("HANGUP after ") {
        let (t, r) = r.split_once(" from ")?;
        let (e, r) = lex::endpoint(r)?;
        ev.put_float_text("delay", t);
        put_client(ev, &e);
        put_text(ev, r.strip_prefix(" in ").unwrap_or(r));
        return Some("postscreen.hangup");
    }
    const AFTER: &[(&str, &str)] = &[
        ("COMMAND PIPELINING from ", "postscreen.command-pipelining"),
        ("COMMAND TIME LIMIT from ", "postscreen.command-time-limit"),
        (
            "COMMAND COUNT LIMIT from ",
            "postscreen.command-count-limit",
        ),
        (
            "COMMAND LENGTH LIMIT from ",
            "postscreen.command-length-limit",
        ),
        ("BARE NEWLINE from ", "postscreen.bare-newline"),
        ("NON-SMTP COMMAND from ", "postscreen.non-smtp-command"),
    ];
    if let Some((r, kind)) = AFTER
        .iter()
        .find_map(|(p, k)| b.strip_prefix(p).map(|r| (r, *k)))
    {
        let (e, r) = lex::endpoint(r)?;
        let r = r.strip_prefix(" after ")?;
        // The command is logged as the client sent it (`.`, even nothing); a text follows `: `.
        let (cmd, text) = match kind {
            "postscreen.command-pipelining" | "postscreen.non-smtp-command" => {
                r.split_once(": ").unwrap_or((r, ""))
            }
            _ => (r, ""),
        };
        put_client(ev, &e);
        if !cmd.is_empty() {
            ev.put("smtp_command", cmd);
        }
        put_text(ev, text);
        return Some(kind);
    }
    for cmd in ["DATA", "BDAT"] {
        if let Some(r) = b
            .strip_prefix(cmd)
            .and_then(|r| r.strip_prefix(" without valid RCPT from "))
        {
            let (e, _) = lex::endpoint(r)?;
            put_client(ev, &e);
            ev.put("smtp_command", cmd);
            return Some("postscreen.data-without-rcpt");
        }
    }
    const LISTED: &[(&str, &str)] = &[
        ("PASS NEW ", "postscreen.pass-new"),
        ("PASS OLD ", "postscreen.pass-old"),
        ("WHITELISTED ", "postscreen.allowlisted"),
        ("ALLOWLISTED ", "postscreen.allowlisted"),
        ("BLACKLISTED ", "postscreen.denylisted"),
        ("DENYLISTED ", "postscreen.denylisted"),
        ("WHITELIST VETO ", "postscreen.allowlist-veto"),
        ("ALLOWLIST VETO ", "postscreen.allowlist-veto"),
        ("DISCONNECT ", "postscreen.disconnect"),
    ];
    if let Some((word, r, kind)) = LISTED
        .iter()
        .find_map(|(p, k)| b.strip_prefix(p).map(|r| (&b[..p.len() - 1], r, *k)))
    {
        let (e, r) = lex::endpoint(r)?;
        if !e.host.is_empty() || !r.trim().is_empty() {
            return None;
        }
        put_client(ev, &e);
        if matches!(
            kind,
            "postscreen.allowlisted" | "postscreen.denylisted" | "postscreen.allowlist-veto"
        ) {
            ev.put("result", word);
        }
        return Some(kind);
    }
    if b.starts_with("cache ") {
        // `verify` logs the same for its own cache; an untagged line naming that cache is not ours.
        if lex::find(b, "verify").is_some() {
            return None;
        }
        return super::verify::cache_cleanup(ev, b).then_some("postscreen.cache-cleanup");
    }
    if let Some(r) = b.strip_prefix("warning: ") {
        ev.put("severity", "warning");
        if let Some(reason) = r.strip_prefix("getpeername: ") {
            put_text(ev, reason.strip_suffix(" -- dropping this connection")?);
            return Some("postscreen.getpeername-failed");
        }
        if r.starts_with("dnsblog reply timeout ") {
            ev.put("additional_info", r);
            return Some("postscreen.dnsblog-timeout");
        }
        return None;
    }
    for (prefix, state) in [
        ("entering STRESS mode with ", "entering"),
        ("leaving STRESS mode with ", "leaving"),
    ] {
        if let Some(r) = b.strip_prefix(prefix) {
            ev.put_int("count", lex::int(r.strip_suffix(" connections")?)?);
            ev.put("result", state);
            return Some("postscreen.stress-mode");
        }
    }
    if let Some(r) = b.strip_prefix("table ") {
        let table = r.strip_suffix(" has changed - finishing in the background")?;
        ev.put("additional_info", table);
        return Some("postscreen.table-changed");
    }
    if b.starts_with('[') {
        let (e, r) = lex::endpoint(b)?;
        let keywords = r.strip_prefix(": discarding EHLO keywords: ")?;
        put_client(ev, &e);
        ev.put("additional_info", keywords);
        return Some("postscreen.discarding-ehlo-keywords");
    }
    None
}

/// `NOQUEUE: reject: CMD from [IP]:PORT: REPLY[; from=<S>, to=<R>, proto=P, helo=<H>]`.
fn reject<'a>(ev: &mut LineEvent<'a>, r: &'a str) -> Option<&'static str> {
    let (cmd, r) = r.split_once(" from ")?;
    if cmd.is_empty() || !cmd.bytes().all(|c| c.is_ascii_uppercase()) {
        return None;
    }
    let (e, r) = lex::endpoint(r)?;
    if !e.host.is_empty() {
        return None;
    }
    let r = r.strip_prefix(": ")?;
    put_client(ev, &e);
    ev.put("smtp_command", cmd);
    ev.put("result", "reject");
    let (text, context) = split_context(r);
    put_reply(ev, text);
    if let Some(c) = context {
        put_context(ev, c);
    }
    Some("postscreen.reject")
}
