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
use crate::event::{LineEvent, Name};

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
        ev.put(Name::smtp_command, "CONNECT");
        ev.put(Name::result, "reject");
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
        ev.put_int(Name::bytes, lex::int(n)?);
        ev.put_float_text(Name::delay, t);
        put_client(ev, &e);
        put_text(ev, r.strip_prefix(": ").unwrap_or(r));
        return Some("postscreen.pregreet");
    }
    if let Some(r) = b.strip_prefix("DNSBL rank ") {
        let (n, r) = r.split_once(" for ")?;
        let (e, _) = lex::endpoint(r)?;
        ev.put_int(Name::dnsbl_rank, lex::int(n)?);
        put_client(ev, &e);
        return Some("postscreen.dnsbl");
    }
    if let Some(r) = b.strip_prefix("HANGUP after ") {
        let (t, r) = r.split_once(" from ")?;
        let (e, r) = lex::endpoint(r)?;
        ev.put_float_text(Name::delay, t);
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
            ev.put(Name::smtp_command, cmd);
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
            ev.put(Name::smtp_command, cmd);
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
            ev.put(Name::result, word);
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
        ev.put(Name::severity, "warning");
        if let Some(reason) = r.strip_prefix("getpeername: ") {
            put_text(ev, reason.strip_suffix(" -- dropping this connection")?);
            return Some("postscreen.getpeername-failed");
        }
        if r.starts_with("dnsblog reply timeout ") {
            ev.put(Name::additional_info, r);
            return Some("postscreen.dnsblog-timeout");
        }
        return None;
    }
    for (prefix, state) in [
        ("entering STRESS mode with ", "entering"),
        ("leaving STRESS mode with ", "leaving"),
    ] {
        if let Some(r) = b.strip_prefix(prefix) {
            ev.put_int(Name::count, lex::int(r.strip_suffix(" connections")?)?);
            ev.put(Name::result, state);
            return Some("postscreen.stress-mode");
        }
    }
    if let Some(r) = b.strip_prefix("table ") {
        let table = r.strip_suffix(" has changed - finishing in the background")?;
        ev.put(Name::additional_info, table);
        return Some("postscreen.table-changed");
    }
    if b.starts_with('[') {
        let (e, r) = lex::endpoint(b)?;
        let keywords = r.strip_prefix(": discarding EHLO keywords: ")?;
        put_client(ev, &e);
        ev.put(Name::additional_info, keywords);
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
    ev.put(Name::smtp_command, cmd);
    ev.put(Name::result, "reject");
    let (text, context) = split_context(r);
    put_reply(ev, text);
    if let Some(c) = context {
        put_context(ev, c);
    }
    Some("postscreen.reject")
}

#[cfg(test)]
mod tests {
    use crate::event::Name;
    use crate::postfix::smtpd::testing::{exact, framed, parse, V::*};

    #[test]
    fn command_time_limit() {
        let ev = parse("Jun  8 23:14:28 proxy2 postfix/postscreen[473]: COMMAND TIME LIMIT from [192.0.2.77]:3608 after CONNECT");
        exact(
            &ev,
            "postscreen.command-time-limit",
            &[
                ("src_ip", S("192.0.2.77")),
                ("src_port", I(3608)),
                ("smtp_command", S("CONNECT")),
            ],
        );
    }

    #[test]
    fn command_count_and_length_limit() {
        let ev = parse("Jun  8 23:14:54 proxy2 postfix/postscreen[473]: COMMAND COUNT LIMIT from [192.0.2.26]:15592 after RCPT");
        exact(
            &ev,
            "postscreen.command-count-limit",
            &[
                ("src_ip", S("192.0.2.26")),
                ("src_port", I(15592)),
                ("smtp_command", S("RCPT")),
            ],
        );
        let ev = parse("Jan 1 00:00:00 hostname postfix/postscreen[12345]: COMMAND LENGTH LIMIT from [123.45.67.89]:12345 after HELO");
        exact(
            &ev,
            "postscreen.command-length-limit",
            &[
                ("src_ip", S("123.45.67.89")),
                ("src_port", I(12345)),
                ("smtp_command", S("HELO")),
            ],
        );
    }

    #[test]
    fn pregreet() {
        let ev = parse(
            r"Dec 23 19:39:13 xxx postfix/postscreen[21057]: PREGREET 14 after 0.08 from [192.0.2.2]:59415: EHLO ylmf-pc\r\n",
        );
        exact(
            &ev,
            "postscreen.pregreet",
            &[
                ("bytes", I(14)),
                ("delay", F(0.08)),
                ("src_ip", S("192.0.2.2")),
                ("src_port", I(59415)),
                ("additional_info", S(r"EHLO ylmf-pc\r\n")),
            ],
        );
    }

    #[test]
    fn reject_dnsbl() {
        let ev = parse("May  5 15:51:11 xxx postfix/postscreen[1148]: NOQUEUE: reject: RCPT from [216.245.194.173]:60591: 550 5.7.1 Service unavailable; client [216.245.194.173] blocked using rbl.example.com; from=<spammer@example.com>, to=<goodguy@example.com>, proto=ESMTP, helo=<badguy.example.com>");
        exact(&ev, "postscreen.reject", &[
            ("src_ip", S("216.245.194.173")),
            ("src_port", I(60591)),
            ("smtp_command", S("RCPT")),
            ("result", S("reject")),
            ("reject_code", I(550)),
            ("reject_dsn", S("5.7.1")),
            ("dnsbl_domain", S("rbl.example.com")),
            ("additional_info", S("Service unavailable; client [216.245.194.173] blocked using rbl.example.com")),
            ("sender", S("spammer@example.com")),
            ("email_address", S("spammer@example.com")),
            ("email_domain", S("example.com")),
            ("dest_email_address", S("goodguy@example.com")),
            ("dest_email_domain", S("example.com")),
            ("email_recipients", S("goodguy@example.com")),
            ("proto", S("ESMTP")),
            ("helo", S("badguy.example.com")),
        ]);
    }

    #[test]
    fn reject_other_reason_and_after_220() {
        let ev = parse("May  8 08:26:55 mail postfix/postscreen[22055]: NOQUEUE: reject: RCPT from [157.122.148.242]:47407: 9999 text ...");
        exact(
            &ev,
            "postscreen.reject",
            &[
                ("src_ip", S("157.122.148.242")),
                ("src_port", I(47407)),
                ("smtp_command", S("RCPT")),
                ("result", S("reject")),
                ("additional_info", S("9999 text ...")),
            ],
        );
        // The deep-protocol tests' reject after the 220 greeting (postscreen_smtpd.c format).
        let l = framed("postscreen", "NOQUEUE: reject: RCPT from [2001:db8::77]:52032: 450 4.3.2 Service currently unavailable; from=<a@b.example>, to=<c@d.example>, proto=ESMTP, helo=<x.example>");
        let ev = parse(&l);
        assert_eq!(ev.kind, "postscreen.reject");
        assert_eq!(
            (ev.get_str(Name::src_ip), ev.get_int(Name::src_port)),
            (Some("2001:db8::77"), Some(52032))
        );
        assert_eq!(
            (ev.get_int(Name::reject_code), ev.get_str(Name::reject_dsn)),
            (Some(450), Some("4.3.2"))
        );
        assert_eq!(
            ev.get_str(Name::additional_info),
            Some("Service currently unavailable")
        );
        assert_eq!(ev.get_str(Name::helo), Some("x.example"));
    }

    #[test]
    fn reject_busy() {
        let ev = parse("Jan 1 00:00:00 hostname postfix/postscreen[12345]: NOQUEUE: reject: CONNECT from [123.45.67.89]:12345: too many connections");
        exact(
            &ev,
            "postscreen.reject",
            &[
                ("src_ip", S("123.45.67.89")),
                ("src_port", I(12345)),
                ("smtp_command", S("CONNECT")),
                ("result", S("reject")),
                ("additional_info", S("too many connections")),
            ],
        );
        let ev = parse("NOQUEUE: reject: CONNECT from [5.6.7.8]:1337: all server ports busy");
        assert_eq!(
            (ev.kind, ev.daemon),
            ("postscreen.reject", Some("postscreen"))
        );
        assert_eq!(
            ev.get_str(Name::additional_info),
            Some("all server ports busy")
        );
        // postscreen.c's other wording.
        let l = framed(
            "postscreen",
            "reject: connect from [192.0.2.8]:4711: all screening ports busy",
        );
        exact(
            &parse(&l),
            "postscreen.reject",
            &[
                ("src_ip", S("192.0.2.8")),
                ("src_port", I(4711)),
                ("smtp_command", S("CONNECT")),
                ("result", S("reject")),
                ("additional_info", S("all screening ports busy")),
            ],
        );
    }

    #[test]
    fn hangup() {
        let ev = parse("Dec 24 00:54:36 xxx postfix/postscreen[22515]: HANGUP after 16 from [192.0.2.3]:48119 in tests after SMTP handshake");
        exact(
            &ev,
            "postscreen.hangup",
            &[
                ("delay", F(16.0)),
                ("src_ip", S("192.0.2.3")),
                ("src_port", I(48119)),
                ("additional_info", S("tests after SMTP handshake")),
            ],
        );
    }

    #[test]
    fn dnsbl_rank() {
        let ev = parse(
            "Jul  1 03:55:34 xxx postfix/postscreen[188902]: DNSBL rank 6 for [192.0.2.30]:52340",
        );
        exact(
            &ev,
            "postscreen.dnsbl",
            &[
                ("dnsbl_rank", I(6)),
                ("src_ip", S("192.0.2.30")),
                ("src_port", I(52340)),
            ],
        );
    }

    #[test]
    fn allow_and_deny_lists() {
        for (line, kind, word) in [
            ("Jan 1 00:00:00 hostname postfix/postscreen[12345]: ALLOWLISTED [123.45.67.89]:12345", "postscreen.allowlisted", "ALLOWLISTED"),
            ("Jan 1 00:00:00 hostname postfix/postscreen[12345]: WHITELISTED [123.45.67.89]:12345", "postscreen.allowlisted", "WHITELISTED"),
            ("Jan 1 00:00:00 hostname postfix/postscreen[12345]: DENYLISTED [123.45.67.89]:12345", "postscreen.denylisted", "DENYLISTED"),
            ("Jan 1 00:00:00 hostname postfix/postscreen[12345]: BLACKLISTED [123.45.67.89]:12345", "postscreen.denylisted", "BLACKLISTED"),
            ("Jan 1 00:00:00 hostname postfix/postscreen[12345]: WHITELIST VETO [123.45.67.89]:12345", "postscreen.allowlist-veto", "WHITELIST VETO"),
        ] {
            exact(&parse(line), kind, &[
                ("src_ip", S("123.45.67.89")),
                ("src_port", I(12345)),
                ("result", S(word)),
            ]);
        }
        let ev = parse("ALLOWLIST VETO [61.238.241.86]:53024");
        assert_eq!(
            (ev.kind, ev.get_str(Name::result)),
            ("postscreen.allowlist-veto", Some("ALLOWLIST VETO"))
        );
    }

    #[test]
    fn pass_old_and_new() {
        let ev = parse(
            "Jan 1 00:00:00 hostname postfix/postscreen[12345]: PASS OLD [123.45.67.89]:12345",
        );
        exact(
            &ev,
            "postscreen.pass-old",
            &[("src_ip", S("123.45.67.89")), ("src_port", I(12345))],
        );
        let ev = parse(
            "Jan 1 00:00:00 hostname postfix/postscreen[12345]: PASS NEW [123.45.67.89]:12345",
        );
        exact(
            &ev,
            "postscreen.pass-new",
            &[("src_ip", S("123.45.67.89")), ("src_port", I(12345))],
        );
        let ev = parse("PASS NEW [2607:f8b0:4003:c01::23a]:36051");
        assert_eq!(
            (ev.kind, ev.get_str(Name::src_ip)),
            ("postscreen.pass-new", Some("2607:f8b0:4003:c01::23a"))
        );
    }

    #[test]
    fn connect_and_disconnect() {
        let ev = parse("Jan 1 00:00:00 hostname postfix/postscreen[12345]: CONNECT from [123.45.67.89]:12345 to [123.45.67.89]:25");
        exact(
            &ev,
            "postscreen.connect",
            &[
                ("src_ip", S("123.45.67.89")),
                ("src_port", I(12345)),
                ("dest_ip", S("123.45.67.89")),
                ("dest_port", I(25)),
            ],
        );
        let ev = parse(
            "Jan 1 00:00:00 hostname postfix/postscreen[12345]: DISCONNECT [123.45.67.89]:12345",
        );
        exact(
            &ev,
            "postscreen.disconnect",
            &[("src_ip", S("123.45.67.89")), ("src_port", I(12345))],
        );
    }

    #[test]
    fn protocol_violations_after_a_command() {
        let ev = parse("Jan 1 00:00:00 hostname postfix/postscreen[12345]: NON-SMTP COMMAND from [123.45.67.89]:12345 after CONNECT: GET / HTTP/1.1");
        exact(
            &ev,
            "postscreen.non-smtp-command",
            &[
                ("src_ip", S("123.45.67.89")),
                ("src_port", I(12345)),
                ("smtp_command", S("CONNECT")),
                ("additional_info", S("GET / HTTP/1.1")),
            ],
        );
        let ev = parse(
            r"Jan 1 00:00:00 hostname postfix/postscreen[12345]: COMMAND PIPELINING from [123.45.67.89]:12345 after : \r\n",
        );
        exact(
            &ev,
            "postscreen.command-pipelining",
            &[
                ("src_ip", S("123.45.67.89")),
                ("src_port", I(12345)),
                ("additional_info", S(r"\r\n")),
            ],
        );
        let ev = parse(r"COMMAND PIPELINING from [88.208.233.4]:42606 after .: \n");
        assert_eq!(
            (
                ev.get_str(Name::smtp_command),
                ev.get_str(Name::additional_info)
            ),
            (Some("."), Some(r"\n"))
        );
        let ev = parse(
            r"Jan 1 00:00:00 hostname postfix/postscreen[12345]: BARE NEWLINE from [123.45.67.89]:12345 after \000\000\000",
        );
        exact(
            &ev,
            "postscreen.bare-newline",
            &[
                ("src_ip", S("123.45.67.89")),
                ("src_port", I(12345)),
                ("smtp_command", S(r"\000\000\000")),
            ],
        );
    }

    #[test]
    fn data_without_valid_rcpt() {
        let ev = parse("Jan 1 00:00:00 hostname postfix/postscreen[12345]: DATA without valid RCPT from [123.45.67.89]:12345");
        exact(
            &ev,
            "postscreen.data-without-rcpt",
            &[
                ("src_ip", S("123.45.67.89")),
                ("src_port", I(12345)),
                ("smtp_command", S("DATA")),
            ],
        );
        let ev = parse("Jan 1 00:00:00 hostname postfix/postscreen[12345]: BDAT without valid RCPT from [123.45.67.89]:12345");
        assert_eq!(ev.get_str(Name::smtp_command), Some("BDAT"));
    }

    #[test]
    fn cache_cleanup() {
        let msg = "cache btree:/var/lib/postfix-in/postscreen_cache full cleanup: retained=242 dropped=7 entries";
        let ev = parse(msg);
        assert_eq!(ev.daemon, Some("postscreen"));
        exact(
            &ev,
            "postscreen.cache-cleanup",
            &[("result", S("full")), ("additional_info", S(msg))],
        );
    }

    #[test]
    fn getpeername_and_error() {
        let ev = parse(
            "warning: getpeername: Transport endpoint is not connected -- dropping this connection",
        );
        exact(
            &ev,
            "postscreen.getpeername-failed",
            &[
                ("severity", S("warning")),
                ("additional_info", S("Transport endpoint is not connected")),
            ],
        );
        let ev = parse("Jan 1 00:00:00 hostname postfix/postscreen[12345]: error: open /example: No such file or directory");
        exact(
            &ev,
            "postscreen.error",
            &[
                ("severity", S("error")),
                (
                    "additional_info",
                    S("open /example: No such file or directory"),
                ),
            ],
        );
    }

    #[test]
    fn stress_tables_and_ehlo() {
        // postscreen.c, postscreen_dnsbl.c and postscreen_smtpd.c formats.
        let l = framed("postscreen", "entering STRESS mode with 70 connections");
        exact(
            &parse(&l),
            "postscreen.stress-mode",
            &[("count", I(70)), ("result", S("entering"))],
        );
        let l = framed(
            "postscreen",
            "table hash:/etc/postfix/postscreen_access has changed - finishing in the background",
        );
        exact(
            &parse(&l),
            "postscreen.table-changed",
            &[("additional_info", S("hash:/etc/postfix/postscreen_access"))],
        );
        let l = framed(
            "postscreen",
            "[192.0.2.4]:5100: discarding EHLO keywords: SILENT-DISCARD",
        );
        exact(
            &parse(&l),
            "postscreen.discarding-ehlo-keywords",
            &[
                ("src_ip", S("192.0.2.4")),
                ("src_port", I(5100)),
                ("additional_info", S("SILENT-DISCARD")),
            ],
        );
        let l = framed(
            "postscreen",
            "warning: dnsblog reply timeout 10s for zen.spamhaus.org",
        );
        exact(
            &parse(&l),
            "postscreen.dnsblog-timeout",
            &[
                ("severity", S("warning")),
                (
                    "additional_info",
                    S("dnsblog reply timeout 10s for zen.spamhaus.org"),
                ),
            ],
        );
    }

    #[test]
    fn not_postscreen() {
        for msg in [
            "foo",
            "PASS NEW",
            "PASS NEW host[1.2.3.4]:5",
            "CONNECT from [1.2.3.4]:5",
            "DNSBL rank x for [1.2.3.4]:5",
        ] {
            let l = framed("postscreen", msg);
            assert_eq!(parse(&l).kind, "unknown", "{msg}");
        }
    }
}
