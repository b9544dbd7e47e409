//! The delivery-status line every delivery agent logs, and the pieces of outbound grammar the outbound
//! modules share.
//!
//! Postfix's `log_adhoc()` writes one line per recipient and delivery attempt, whichever agent made it
//! (`smtp`, `lmtp`, `local`, `virtual`, `pipe`, `error`, `retry`, `discard`, and `qmgr` itself when it defers
//! a whole destination):
//!
//! ```text
//! QID: to=<R>[, orig_to=<O>], relay=RELAY[, conn_use=K], delay=D, delays=a/b/c/d[, tls=F], dsn=X.Y.Z, status=STATUS (TEXT)
//! ```
//!
//! `RELAY` is `name[address]:port` for a network hop, `name[socket-path]` for a UNIX-domain one, or a
//! transport name (`local`, `virtual`, `dovecot`, `none`). The kind is `DAEMON.delivery`; the fields are those
//! the correlation and Exabeam's `mix-email-sent` / `statusdeferred` parsers rely on, taken the way Postfix
//! meant them: the port is the number after `]:`, an IPv6 address is whole, and when the relay is `none` the
//! remote end named in the text (`connect to H[IP]:25: ...`, `host H[IP] said: ...`) is the destination.
//!
//! The other messages of the local-side agents are recognised here too: `warning: QID: SERVICE service
//! failure` (the `defer`, `trace` or `verify` daemon could not be reached) and local's NIS warning.

use super::common;
use super::lex::{self, Endpoint, QueueId};
use super::Msg;
use crate::event::{LineEvent, Name};

/// The kind `DAEMON.SUFFIX` as a `&'static str`, for the daemons listed: `kind!(m.daemon, ["smtp",
/// "lmtp"], "delivery")` is `Some("lmtp.delivery")` for `lmtp`, `None` for a daemon not listed.
macro_rules! kind {
    ($daemon:expr, [$($d:literal),+ $(,)?], $suffix:literal) => {
        match $daemon {
            $($d => Some(concat!($d, ".", $suffix)),)+
            _ => None,
        }
    };
}
pub(crate) use kind;

/// The agents whose delivery lines this module reads (`oqmgr` and `qmgr` log them for whole destinations).
macro_rules! delivery_kind {
    ($daemon:expr, $suffix:literal) => {
        kind!(
            $daemon,
            [
                "smtp", "lmtp", "local", "virtual", "pipe", "error", "retry", "discard", "qmgr",
                "oqmgr"
            ],
            $suffix
        )
    };
}

/// Recognises a message of a local-side delivery agent (`local`, `virtual`, `pipe`, `error`, `retry`,
/// `discard`).
pub fn parse<'a>(m: &Msg<'a>, ev: &mut LineEvent<'a>) -> Option<&'static str> {
    if m.body.starts_with("to=") {
        let d = read(m.body)?;
        if headerless(ev) && !agent_fits(m.daemon, &d) {
            return None;
        }
        push(&d, m.daemon, ev);
        return delivery_kind!(m.daemon, "delivery");
    }
    let (_, level, rest) = common::severity(m.body)?;
    if let Some(reason) = rest.strip_prefix("dict_nis_init: ") {
        ev.put(Name::severity, level);
        ev.put(Name::additional_info, reason);
        return delivery_kind!(m.daemon, "nis-disabled");
    }
    // Any agent may log it; without a tag it is attributed to `error`, the agent that handles deferred mail.
    if !headerless(ev) || m.daemon == "error" {
        if let Some(kind) = service_failure(m, level, rest, ev) {
            return Some(kind);
        }
    }
    None
}

/// `warning: QID: SERVICE service failure`: the `defer`, `trace`, `flush` or `verify` daemon did not answer.
pub(crate) fn service_failure<'a>(
    m: &Msg<'a>,
    level: &'static str,
    rest: &'a str,
    ev: &mut LineEvent<'a>,
) -> Option<&'static str> {
    let (QueueId::Id(id), text) = lex::split_queue_id(rest) else {
        return None;
    };
    let service = text.strip_suffix(" service failure")?;
    if service.is_empty() || service.contains(' ') {
        return None;
    }
    let kind = delivery_kind!(m.daemon, "service-failure")?;
    ev.queue_id = Some(id);
    ev.put(Name::severity, level);
    ev.put(Name::service, service);
    ev.put(Name::additional_info, text);
    Some(kind)
}

/// Whether a line came without a syslog tag, so that its daemon is being guessed (see `INFER_ORDER`).
pub(crate) fn headerless(ev: &LineEvent<'_>) -> bool {
    ev.daemon.is_none()
}

/// For a line without a tag: whether the relay says the line is `daemon`'s. `local` and `virtual` name
/// themselves, `discard` and `error` log `relay=none`, `pipe` names its own transport.
fn agent_fits(daemon: &str, d: &Delivery<'_>) -> bool {
    match daemon {
        "local" | "virtual" => d.relay == daemon,
        "discard" => d.relay == "none" && d.status == "sent",
        "error" => d.relay == "none" && d.status != "sent",
        "pipe" => {
            !matches!(d.relay, "none" | "local" | "virtual" | "")
                && !d.relay.contains('[')
                && !d.relay.contains(':')
        }
        _ => false,
    }
}

/// A delivery-status line, read but not yet pushed as fields.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Delivery<'a> {
    /// `to=`: the recipient (without its angle brackets).
    pub to: &'a str,
    /// `orig_to=`: the recipient before alias or virtual rewriting.
    pub orig_to: Option<&'a str>,
    /// `relay=`: as written.
    pub relay: &'a str,
    /// `conn_use=`.
    pub conn_use: Option<&'a str>,
    /// `delay=`.
    pub delay: Option<&'a str>,
    /// `delays=`.
    pub delays: Option<&'a str>,
    /// `tls=` (Postfix 3.10 and later): the TLS features used.
    pub tls: Option<&'a str>,
    /// `dsn=`.
    pub dsn: Option<&'a str>,
    /// The `status=` word.
    pub status: &'a str,
    /// The text in the parentheses after the status word.
    pub text: Option<&'a str>,
}

/// Reads a delivery-status line (`to=<R>, ..., status=S (TEXT)`). `None` unless it starts with `to=` and
/// carries a `status=`: a line cut before its status is not a delivery report.
pub(crate) fn read(body: &str) -> Option<Delivery<'_>> {
    let mut it = lex::pairs(body);
    let first = it.next().filter(|p| p.key == "to")?;
    let mut d = Delivery {
        to: first.value,
        ..Delivery::default()
    };
    let mut seen_status = false;
    for p in it {
        match p.key {
            "orig_to" => d.orig_to = Some(p.value),
            "relay" => d.relay = p.value,
            "conn_use" => d.conn_use = Some(p.value),
            "delay" => d.delay = Some(p.value),
            "delays" => d.delays = Some(p.value),
            "tls" => d.tls = Some(p.value),
            "dsn" => d.dsn = Some(p.value),
            "status" => {
                d.status = p.value;
                d.text = p.text;
                seen_status = true;
                break;
            }
            _ => {}
        }
    }
    (seen_status && !d.status.is_empty()).then_some(d)
}

/// Pushes the fields of a delivery line logged by `daemon`.
pub(crate) fn push<'a>(d: &Delivery<'a>, daemon: &str, ev: &mut LineEvent<'a>) {
    if !d.to.is_empty() {
        ev.put(Name::dest_email_address, d.to);
        let domain = lex::domain(d.to);
        if let Some(dom) = domain {
            ev.put(Name::dest_email_domain, dom);
        }
        ev.put(Name::email_recipients, d.to);
        if daemon == "local" || domain.is_some_and(|x| x.eq_ignore_ascii_case("localhost")) {
            ev.put(Name::dest_user, lex::local_part(d.to));
        }
    }
    if let Some(o) = d.orig_to {
        ev.put(Name::orig_to, o);
    }
    let relay_end = lex::endpoint(d.relay)
        .filter(|(e, rest)| rest.is_empty() && !e.host.contains(['<', '(', ' ']));
    match relay_end {
        Some((e, _)) => push_dest(ev, &e, Some(d.relay)),
        None if !d.relay.is_empty() => ev.put(Name::relay, d.relay),
        None => {}
    }
    if let Some(n) = d.conn_use {
        ev.put_int_text(Name::conn_use, n);
    }
    if let Some(x) = d.delay {
        ev.put_float_text(Name::delay, x);
    }
    if let Some(x) = d.delays {
        ev.put(Name::delays, x);
    }
    if let Some(x) = d.tls {
        ev.put(Name::tls_features, x);
    }
    if let Some(x) = d.dsn {
        ev.put(Name::dsn, x);
    }
    ev.put(Name::result, d.status);
    let Some(text) = d.text else { return };
    ev.put(Name::additional_info, text);
    if let Some(q) = new_queue_id(text) {
        ev.put(Name::queued_as, q);
    }
    remote_in_text(text, relay_end.is_none(), ev);
}

/// The queue id a hop handed the message on under: `... queued as NEWQID` (a content filter or the next
/// MTA) or `forwarded as NEWQID` (local alias expansion).
fn new_queue_id(text: &str) -> Option<&str> {
    ["queued as ", "forwarded as "].iter().find_map(|marker| {
        let at = lex::find(text, marker)? + marker.len();
        let rest = &text[at..];
        let n = rest.bytes().take_while(u8::is_ascii_alphanumeric).count();
        (5..=32).contains(&n).then(|| &rest[..n])
    })
}

/// The remote end and reply a delivery text names (`connect to H[IP]:PORT: reason`, `host H[IP] said:
/// REPLY (in reply to CMD command)`, `host H[IP] refused to talk to me: REPLY`, `lost connection with
/// H[IP] while ...`, `conversation with H[IP] timed out while ...`), possibly after `delivery temporarily
/// suspended: `. The destination is taken from it only when the relay named none (`with_dest`).
fn remote_in_text<'a>(text: &'a str, with_dest: bool, ev: &mut LineEvent<'a>) {
    let t = text
        .strip_prefix("delivery temporarily suspended: ")
        .unwrap_or(text);
    let (marker, replies) = if t.starts_with("connect to ") {
        ("connect to ", false)
    } else if t.starts_with("host ") {
        ("host ", true)
    } else if t.starts_with("lost connection with ") {
        ("lost connection with ", false)
    } else if t.starts_with("conversation with ") {
        ("conversation with ", false)
    } else {
        return;
    };
    let Some((e, rest)) = lex::endpoint(&t[marker.len()..]) else {
        return;
    };
    if with_dest {
        // The line already has `relay=none`: a socket path here adds nothing but the host name.
        push_dest(ev, &e, None);
        if e.port.is_none() {
            if let Some(p) = legacy_port(rest) {
                ev.put_int(Name::dest_port, p);
            }
        }
    }
    if replies {
        let reply = rest
            .strip_prefix(" said: ")
            .or_else(|| rest.strip_prefix(" refused to talk to me: "));
        if let Some(r) = reply {
            push_reply(ev, r, false);
        }
    }
}

/// `... (port 25)` at the end of an old (Postfix < 2.3) `connect to H[IP]: reason (port 25)` text.
pub(crate) fn legacy_port(s: &str) -> Option<i64> {
    let s = s.trim_end_matches(')');
    let at = lex::rfind(s, "(port ")?;
    lex::int(&s[at + 6..])
}

/// Whether the text in brackets is a network address (IPv4 or IPv6, hex digits, dots and colons) rather
/// than a UNIX-domain socket path or a placeholder.
pub(crate) fn is_address(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|c| c.is_ascii_hexdigit() || c == b'.' || c == b':')
        && s.bytes().any(|c| c.is_ascii_digit())
}

/// Pushes a remote server: `dest_host` (left out when reverse DNS gave `unknown`), `dest_ip` and
/// `dest_port`; a UNIX-domain socket (`name[private/lmtp]`) is kept whole in `relay` (the text `seen`)
/// instead of `dest_ip`.
pub(crate) fn push_dest<'a>(ev: &mut LineEvent<'a>, e: &Endpoint<'a>, seen: Option<&'a str>) {
    if !e.host.is_empty() && e.host != "unknown" {
        ev.put(Name::dest_host, e.host);
    }
    if is_address(e.addr) {
        ev.put(Name::dest_ip, e.addr);
    } else if let Some(s) = seen {
        ev.put(Name::relay, s);
    }
    if let Some(p) = e.port {
        ev.put_int(Name::dest_port, p.into());
    }
}

/// Reads `name[address][:port]` at the start of `s` as a remote server and pushes it; returns the rest.
pub(crate) fn dest_at<'a>(ev: &mut LineEvent<'a>, s: &'a str) -> Option<&'a str> {
    let (e, rest) = lex::endpoint(s)?;
    if e.host.contains(['<', '(', '=']) {
        return None;
    }
    push_dest(ev, &e, Some(&s[..s.len() - rest.len()]));
    Some(rest)
}

/// An SMTP reply as Postfix quotes it: `550 5.7.1 text`, `421-4.7.0 text`, or just text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Reply<'a> {
    /// The three-digit reply code, when the reply starts with a clean one (2xx to 5xx).
    pub code: Option<i64>,
    /// The enhanced status code after it (`5.7.1`), if any.
    pub dsn: Option<&'a str>,
    /// The text after code and status code.
    pub text: &'a str,
    /// The command it answered, from a trailing `(in reply to CMD command)`.
    pub command: Option<&'a str>,
}

/// Splits a quoted SMTP reply into code, enhanced status code, text and the command it answered.
pub(crate) fn reply(s: &str) -> Reply<'_> {
    let mut body = s;
    let mut command = None;
    if let Some(at) = lex::rfind(s, " (in reply to ") {
        let tail = &s[at + 14..];
        if let Some(cmd) = tail.strip_suffix(" command)") {
            command = Some(cmd);
            body = &s[..at];
        }
    }
    let b = body.as_bytes();
    let clean = b.len() >= 3
        && matches!(b[0], b'2'..=b'5')
        && b[1].is_ascii_digit()
        && b[2].is_ascii_digit()
        && matches!(b.get(3), None | Some(b' ') | Some(b'-'));
    if !clean {
        return Reply {
            code: None,
            dsn: None,
            text: body,
            command,
        };
    }
    let code = lex::int(&body[..3]);
    let mut rest = body.get(4..).unwrap_or("");
    let (first, after) = lex::word(rest);
    let mut dsn = None;
    if is_dsn(first) {
        dsn = Some(first);
        rest = after;
    }
    Reply {
        code,
        dsn,
        text: rest,
        command,
    }
}

/// `X.Y.Z` with X in 2, 4, 5 and Y, Z of one to three digits.
fn is_dsn(s: &str) -> bool {
    let mut parts = s.split('.');
    let ok =
        |p: Option<&str>| p.is_some_and(|p| (1..=3).contains(&p.len()) && lex::int(p).is_some());
    matches!(s.as_bytes().first(), Some(b'2' | b'4' | b'5'))
        && s.as_bytes().get(1) == Some(&b'.')
        && ok(parts.next())
        && ok(parts.next())
        && ok(parts.next())
        && parts.next().is_none()
}

/// Pushes a remote reply: `reject_code`, `reject_dsn`, `smtp_command`, and its text as `additional_info`
/// when `with_text` (a delivery line keeps its whole parenthesised text there instead).
pub(crate) fn push_reply<'a>(ev: &mut LineEvent<'a>, s: &'a str, with_text: bool) {
    let r = reply(s);
    if let Some(c) = r.code {
        ev.put_int(Name::reject_code, c);
    }
    if let Some(d) = r.dsn {
        ev.put(Name::reject_dsn, d);
    }
    if with_text {
        ev.put(Name::additional_info, r.text);
    }
    if let Some(c) = r.command {
        ev.put(Name::smtp_command, c);
    }
}

/// Pushes an envelope sender: `sender` always (`""` for the null sender `<>`), `email_address` and
/// `email_domain` when it is a full address.
pub(crate) fn push_sender<'a>(ev: &mut LineEvent<'a>, sender: &'a str) {
    ev.put(Name::sender, sender);
    if let Some(d) = lex::domain(sender) {
        ev.put(Name::email_address, sender);
        ev.put(Name::email_domain, d);
    }
}

/// Strips a fixed phrase and then `: ` from the start of `s`, allowing a run of `X` between the two: the
/// anonymised FgForrest log appended `XXXX` to every word before a colon (`enabling PIX
/// workaroundsXXXX: ...`), not only to queue ids.
pub(crate) fn after_phrase<'a>(s: &'a str, phrase: &str) -> Option<&'a str> {
    s.strip_prefix(phrase)?
        .trim_start_matches('X')
        .strip_prefix(": ")
}

/// Test helpers shared by the outbound modules' tests.
#[cfg(test)]
pub(crate) mod testing {
    use super::super::{lex, Msg, ParseFn};
    use crate::engine::parse_line;
    use crate::event::LineEvent;
    use crate::time::YearClock;

    /// Frames and parses a whole line, as the CLI does.
    pub(crate) fn line(text: &str) -> LineEvent<'_> {
        parse_line(text, None, &mut YearClock::new(Some(2026), 0, 0))
    }

    /// Runs one module's parser on a message as if it came under the tag of `daemon` (for lines whose
    /// daemon cannot be told without a tag).
    pub(crate) fn tagged<'a>(
        daemon: &'a str,
        text: &'a str,
        f: ParseFn,
    ) -> (Option<&'static str>, LineEvent<'a>) {
        let (queue, body) = lex::split_queue_id(text);
        let mut ev = LineEvent::new(text);
        ev.daemon = Some(daemon);
        if let lex::QueueId::Id(id) = queue {
            ev.queue_id = Some(id);
        }
        let m = Msg {
            daemon,
            text,
            queue,
            body,
        };
        (f(&m, &mut ev), ev)
    }
}

#[cfg(test)]
mod tests {
    use super::testing::{line, tagged};
    use super::*;
    use crate::event::Value;

    fn float(ev: &LineEvent<'_>, name: Name) -> Option<f64> {
        ev.get(name).and_then(Value::as_f64)
    }

    #[test]
    fn local_forwarded_headerless() {
        let ev = line("3mLQKH6hqhz7sWK: to=<logspam@system.alerts>, relay=local, delay=3.1, delays=1.8/0.86/0/0.44, dsn=2.0.0, status=sent (forwarded as 3mLQKK4rDdz7sVS)");
        assert_eq!(ev.kind, "local.delivery");
        assert_eq!(ev.daemon, Some("local"));
        assert_eq!(ev.queue_id, Some("3mLQKH6hqhz7sWK"));
        assert_eq!(
            ev.get_str(Name::dest_email_address),
            Some("logspam@system.alerts")
        );
        assert_eq!(ev.get_str(Name::dest_email_domain), Some("system.alerts"));
        assert_eq!(
            ev.get_str(Name::email_recipients),
            Some("logspam@system.alerts")
        );
        assert_eq!(ev.get_str(Name::dest_user), Some("logspam"));
        assert_eq!(ev.get_str(Name::relay), Some("local"));
        assert_eq!(float(&ev, Name::delay), Some(3.1));
        assert_eq!(ev.get_str(Name::delays), Some("1.8/0.86/0/0.44"));
        assert_eq!(ev.get_str(Name::dsn), Some("2.0.0"));
        assert_eq!(ev.get_str(Name::result), Some("sent"));
        assert_eq!(
            ev.get_str(Name::additional_info),
            Some("forwarded as 3mLQKK4rDdz7sVS")
        );
        assert_eq!(ev.get_str(Name::queued_as), Some("3mLQKK4rDdz7sVS"));
        assert!(ev.get(Name::dest_ip).is_none());
    }

    #[test]
    fn local_bounced_without_brackets() {
        let ev = line("892A0205B6: to=ghdsgfhdslfh@localhost, relay=local, delay=0.05, delays=0.02/0/0/0.02, dsn=5.1.1, status=bounced (unknown user: \"ghdsgfhdslfh\")");
        assert_eq!(ev.kind, "local.delivery");
        assert_eq!(
            ev.get_str(Name::dest_email_address),
            Some("ghdsgfhdslfh@localhost")
        );
        assert_eq!(ev.get_str(Name::dest_user), Some("ghdsgfhdslfh"));
        assert_eq!(ev.get_str(Name::result), Some("bounced"));
        assert_eq!(ev.get_str(Name::dsn), Some("5.1.1"));
        assert_eq!(
            ev.get_str(Name::additional_info),
            Some("unknown user: \"ghdsgfhdslfh\"")
        );
    }

    #[test]
    fn local_orig_to_command() {
        let ev = line("2A22C263F6: to=user@hostname.example.com, orig_to=root@localhost, relay=local, delay=0.07, delays=0.04/0/0/0.03, dsn=2.0.0, status=sent (delivered to command: procmail -a \"$EXTENSION\")");
        assert_eq!(ev.kind, "local.delivery");
        assert_eq!(ev.get_str(Name::orig_to), Some("root@localhost"));
        assert_eq!(ev.get_str(Name::dest_user), Some("user"));
        assert_eq!(
            ev.get_str(Name::additional_info),
            Some("delivered to command: procmail -a \"$EXTENSION\"")
        );
    }

    #[test]
    fn local_nis_warning() {
        let ev = line("warning: dict_nis_init: NIS domain name not set - NIS lookups disabled");
        assert_eq!(ev.kind, "local.nis-disabled");
        assert_eq!(ev.get_str(Name::severity), Some("warning"));
        assert_eq!(
            ev.get_str(Name::additional_info),
            Some("NIS domain name not set - NIS lookups disabled")
        );
    }

    #[test]
    fn virtual_maildir() {
        let ev = line("Apr  7 15:35:20 123-mail postfix/virtual[20235]: 199041033BE: to=<me@domain.fr>, relay=virtual, delay=0.08, delays=0.08/0/0/0, dsn=2.0.0, status=sent (delivered to maildir)");
        assert_eq!(ev.kind, "virtual.delivery");
        assert_eq!(ev.queue_id, Some("199041033BE"));
        assert_eq!(ev.get_str(Name::dest_email_address), Some("me@domain.fr"));
        assert_eq!(ev.get_str(Name::dest_email_domain), Some("domain.fr"));
        assert!(ev.get(Name::dest_user).is_none());
        assert_eq!(ev.get_str(Name::relay), Some("virtual"));
        assert_eq!(
            ev.get_str(Name::additional_info),
            Some("delivered to maildir")
        );
    }

    #[test]
    fn virtual_headerless_by_relay() {
        let ev = line("B657F2DB195D: to=<postmaster@example.com>, relay=virtual, delay=0.52, delays=0.51/0.01/0/0, dsn=2.0.0, status=sent (delivered to maildir)");
        assert_eq!(ev.kind, "virtual.delivery");
        assert_eq!(ev.daemon, Some("virtual"));
    }

    #[test]
    fn pipe_sent_and_bounced() {
        let ev = line("0F5383D: to=<tom@example.com>, relay=dovecot, delay=4.3, delays=4.1/0.01/0/0.15, dsn=2.0.0, status=sent (delivered via dovecot service)");
        assert_eq!(ev.kind, "pipe.delivery");
        assert_eq!(ev.daemon, Some("pipe"));
        assert_eq!(ev.get_str(Name::relay), Some("dovecot"));
        assert_eq!(
            ev.get_str(Name::additional_info),
            Some("delivered via dovecot service")
        );
        let ev = line("95ECE24E0: to=<tom@example.com>, relay=dovecot, delay=0.12, delays=0.03/0/0/0.08, dsn=5.4.6, status=bounced (mail forwarding loop for tom@example.com)");
        assert_eq!(ev.kind, "pipe.delivery");
        assert_eq!(ev.get_str(Name::result), Some("bounced"));
        assert_eq!(ev.get_str(Name::dsn), Some("5.4.6"));
    }

    #[test]
    fn error_suspended_takes_remote_from_text() {
        let ev = line("2013 Jun 10 06:53:17.123 gds39d postfix/error[10717]: 83BFF3FCD20XXXX: to=<ifaj@s3yu4f.eo>, relay=none, delay=235726, delays=235726/0.17/0/0.01, dsn=4.4.1, status=deferred (delivery temporarily suspended: connect to SEYNAM.CZ[93.185.104.28]:25: Connection refused)");
        assert_eq!(ev.kind, "error.delivery");
        assert_eq!(ev.queue_id, Some("83BFF3FCD20XXXX"));
        assert_eq!(ev.get_str(Name::relay), Some("none"));
        assert_eq!(ev.get_str(Name::result), Some("deferred"));
        assert_eq!(ev.get_str(Name::dest_host), Some("SEYNAM.CZ"));
        assert_eq!(ev.get_str(Name::dest_ip), Some("93.185.104.28"));
        assert_eq!(ev.get_int(Name::dest_port), Some(25));
        assert_eq!(float(&ev, Name::delay), Some(235726.0));
        assert_eq!(
            ev.get_str(Name::additional_info),
            Some("delivery temporarily suspended: connect to SEYNAM.CZ[93.185.104.28]:25: Connection refused")
        );
    }

    #[test]
    fn error_refused_to_talk_reply() {
        let ev = line("2013 Jun 10 09:38:17.123 gds39d postfix/error[31488]: C89B9C2C38DXXXX: to=<f0huo0v4d@0r4ua3f41i.sk>, relay=none, delay=357, delays=357/0.1/0/0, dsn=4.7.0, status=deferred (delivery temporarily suspended: host mail.orangemail.sk[213.151.200.4] refused to talk to me: 421 4.7.0 Not allowed.)");
        assert_eq!(ev.kind, "error.delivery");
        assert_eq!(ev.get_str(Name::dest_host), Some("mail.orangemail.sk"));
        assert_eq!(ev.get_str(Name::dest_ip), Some("213.151.200.4"));
        assert_eq!(ev.get_int(Name::reject_code), Some(421));
        assert_eq!(ev.get_str(Name::reject_dsn), Some("4.7.0"));
    }

    #[test]
    fn error_headerless_variants() {
        let ev = line("3E29030F8637E: to=<user@yahoo.com>, relay=none, delay=0.01, delays=0.01/0/0/0, dsn=5.1.1, status=undeliverable-but-not-cached (User unknown in virtual alias table)");
        assert_eq!(ev.kind, "error.delivery");
        assert_eq!(
            ev.get_str(Name::result),
            Some("undeliverable-but-not-cached")
        );
        let ev = line("2DC5552A34: to=<user@yahoo.com>, relay=none, delay=63495, delays=63350/144/0/0, dsn=4.4.2, status=deferred (delivery temporarily suspended: lost connection with mta7.am0.yahoodns.net[98.136.216.22] while sending RCPT TO)");
        assert_eq!(ev.kind, "error.delivery");
        assert_eq!(ev.get_str(Name::dest_host), Some("mta7.am0.yahoodns.net"));
        assert_eq!(ev.get_str(Name::dest_ip), Some("98.136.216.22"));
        // The bare line of msimerson, without queue id.
        let ev = line("to=<rcarey@example.tv>, relay=none, delay=165276, delays=165276/0.09/0/0.09, dsn=4.4.1, status=deferred (delivery temporarily suspended: connect to 24.200.177.247[24.200.177.247]:25: Connection timed out)");
        assert_eq!(ev.kind, "error.delivery");
        assert_eq!(ev.queue_id, None);
        assert_eq!(ev.get_str(Name::dest_ip), Some("24.200.177.247"));
        assert_eq!(ev.get_int(Name::dest_port), Some(25));
    }

    #[test]
    fn error_defer_service_failure() {
        let ev = line("warning: 3lyw1l0Nwdz2xGs: defer service failure");
        assert_eq!(ev.kind, "error.service-failure");
        assert_eq!(ev.queue_id, Some("3lyw1l0Nwdz2xGs"));
        assert_eq!(ev.get_str(Name::service), Some("defer"));
        assert_eq!(ev.get_str(Name::severity), Some("warning"));
    }

    #[test]
    fn discard_sent() {
        let ev = line("May  8 01:15:47 mailserver01 postfix/discard[19593]: 25F2E5E061: to=<george.desantis@test.example.com>, relay=none, delay=0.05, delays=0.05/0/0/0, dsn=2.0.0, status=sent (test.example.com)");
        assert_eq!(ev.kind, "discard.delivery");
        assert_eq!(ev.get_str(Name::relay), Some("none"));
        assert_eq!(ev.get_str(Name::additional_info), Some("test.example.com"));
        assert!(ev.get(Name::dest_host).is_none());
        let ev = line("25F2E5E061: to=<george.desantis@test.example.com>, relay=none, delay=0.05, delays=0.05/0/0/0, dsn=2.0.0, status=sent (test.example.com)");
        assert_eq!(ev.kind, "discard.delivery");
    }

    // The gap kinds have no corpus line; these are built from the format strings of Postfix 3.x
    // (`retry` is the `error` agent under another name; local/mailbox.c, local/file.c, local/maildir.c,
    // global/pipe_command.c).
    #[test]
    fn retry_suspended() {
        let ev = line("Jun 10 06:53:17 mx postfix/retry[10717]: 83BFF3FCD20: to=<a@example.org>, relay=none, delay=3600, delays=3600/0.1/0/0, dsn=4.4.1, status=deferred (delivery temporarily suspended: connect to mx.example.org[192.0.2.7]:25: Connection timed out)");
        assert_eq!(ev.kind, "retry.delivery");
        assert_eq!(ev.get_str(Name::dest_ip), Some("192.0.2.7"));
        assert_eq!(ev.get_str(Name::result), Some("deferred"));
    }

    #[test]
    fn local_gap_variants() {
        for (text, result) in [
            ("status=sent (delivered to file: /var/mail/archive)", "sent"),
            ("status=bounced (maildir delivery failed: create maildir file /home/a/Maildir/tmp/1.x: Disk quota exceeded)", "bounced"),
            ("status=bounced (cannot update mailbox /var/mail/a for user a. error writing message: File too large)", "bounced"),
            ("status=deferred (temporary failure)", "deferred"),
        ] {
            let raw = format!("Jun 10 06:53:17 mx postfix/local[1]: 83BFF3FCD20: to=<a@mx.example.org>, relay=local, delay=0.1, delays=0/0/0/0.1, dsn=4.0.0, {text}");
            let ev = line(&raw);
            assert_eq!(ev.kind, "local.delivery", "{raw}");
            assert_eq!(ev.get_str(Name::result), Some(result));
            assert_eq!(ev.get_str(Name::dest_user), Some("a"));
            let inner = &text[text.find('(').unwrap() + 1..text.len() - 1];
            assert_eq!(ev.get_str(Name::additional_info), Some(inner));
        }
    }

    #[test]
    fn pipe_command_output() {
        let ev = line("Jun 10 06:53:17 mx postfix/pipe[1]: 83BFF3FCD20: to=<a@example.org>, relay=spamfilter, delay=0.2, delays=0.1/0/0/0.1, dsn=4.3.0, status=deferred (temporary failure. Command output: spamc: connection refused )");
        assert_eq!(ev.kind, "pipe.delivery");
        assert_eq!(ev.get_str(Name::relay), Some("spamfilter"));
        assert_eq!(
            ev.get_str(Name::additional_info),
            Some("temporary failure. Command output: spamc: connection refused ")
        );
    }

    #[test]
    fn truncated_and_malformed_do_not_count() {
        assert!(read("to=<56597@con").is_none());
        assert!(read("to=<a@b>, relay=x, status=").is_none());
        assert!(read("user@example.com, relay=example.com[1.2.3.4]:25, status=sent (x)").is_none());
        for junk in [
            "to=",
            "to=<",
            "to=<>, status=sent (",
            "to=a, relay=[",
            "to=a, relay=x[1.2.3.4]:99999, status=sent ()",
        ] {
            let _ = line(junk);
        }
    }

    #[test]
    fn replies() {
        let r = reply("550-5.7.1 [2607:4100:3:25:100::2      12] Our system 550 5.7.1 more. qc12si8475009pab.211 - gsmtp (in reply to end of DATA command)");
        assert_eq!(r.code, Some(550));
        assert_eq!(r.dsn, Some("5.7.1"));
        assert!(r.text.starts_with("[2607:4100:3:25:100::2"));
        assert!(r.text.ends_with("gsmtp"));
        assert_eq!(r.command, Some("end of DATA"));
        let r = reply("123 #1.2.3 Reasons");
        assert_eq!((r.code, r.dsn, r.text), (None, None, "123 #1.2.3 Reasons"));
        let r = reply("451 qq write error or disk full (#4.3.0)");
        assert_eq!((r.code, r.dsn), (Some(451), None));
        assert_eq!(r.text, "qq write error or disk full (#4.3.0)");
        assert!(!is_dsn("1.2.3"));
        assert!(is_dsn("5.12.345"));
    }

    #[test]
    fn addresses_and_sockets() {
        assert!(is_address("2607:f8b0:400e:c04::1b"));
        assert!(is_address("199.200.300.131"));
        assert!(!is_address("path"));
        assert!(!is_address("private/dovecot-lmtp"));
        assert!(!is_address("/var/run/dovecot/lmtp"));
        assert_eq!(
            after_phrase(
                "sender non-delivery notificationXXXX: 35B20C2C115",
                "sender non-delivery notification"
            ),
            Some("35B20C2C115")
        );
        assert_eq!(
            after_phrase("enabling PIX workarounds: a", "enabling PIX workarounds"),
            Some("a")
        );
        assert_eq!(
            after_phrase("enabling PIX workaroundsYY: a", "enabling PIX workarounds"),
            None
        );
    }

    #[test]
    fn service_failure_needs_tag_unless_error() {
        let text = "warning: 3lyw1l0Nwdz2xGs: defer service failure";
        let (kind, ev) = tagged("local", text, parse);
        assert_eq!(kind, Some("local.service-failure"));
        assert_eq!(ev.queue_id, Some("3lyw1l0Nwdz2xGs"));
    }
}
