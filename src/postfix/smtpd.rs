//! `smtpd` messages: the SMTP server's sessions, the queue files it opens, and what its restrictions,
//! milters, SASL and TLS layers decide about a client.
//!
//! | kind | message |
//! | --- | --- |
//! | `smtpd.connect` / `smtpd.disconnect` | `connect from H[IP]`, `disconnect from H[IP] ehlo=1 ... commands=N` |
//! | `smtpd.client` | `QID: client=H[IP][:port][, sasl_method=M, sasl_username=U][, sasl_sender=S][, orig_queue_id=Q, orig_client=C]` |
//! | `smtpd.reject`, `.reject-warning`, `.milter-reject`, `.milter-hold`, `.milter-discard`, `.discard`, `.hold`, `.redirect`, `.filter`, `.warn`, `.info`, `.bcc`, `.delay`, `.hangup`, `.abort` | `QID\|NOQUEUE: ACTION: CMD from H[IP]: REPLY; from=<S> to=<R> proto=P helo=<H>` |
//! | `smtpd.proxy-accept` / `smtpd.proxy-reject` | `proxy-accept: END-OF-MESSAGE: REPLY; from=<S> ...` (before-queue filter) |
//! | `smtpd.lost-connection`, `.timeout`, `.too-many-errors`, `.bare-newline` | `[QID: ]REASON after CMD [(N bytes)] from H[IP]` |
//! | `smtpd.improper-pipelining` | `improper command pipelining after CMD from H[IP]: TEXT` |
//! | `smtpd.tls-established`, `smtpd.ssl-accept-error` | `Trusted TLS connection established from H[IP]: ...`, `SSL_accept error from H[IP]: ...` |
//! | `smtpd.discarding-ehlo-keywords`, `smtpd.table-changed` | `discarding EHLO keywords: ...`, `table T has changed -- restarting` |
//! | `smtpd.sasl-failed`, `.sasl-aborted` | `warning: H[IP]: SASL LOGIN authentication failed: REASON[, sasl_username=U]` |
//! | `smtpd.sasl-error`, `.sasl-connect-failed` | `warning: SASL authentication failure: ...`, `warning: SASL: Connect to private/auth failed: ...` |
//! | `smtpd.hostname-unresolved`, `.address-not-listed`, `.hostname-verification-failed` | `warning: hostname H does not resolve to address IP`, `warning: IP: address not listed for hostname H`, `warning: IP: hostname H verification failed: ...` |
//! | `smtpd.rbl-lookup-error` | `warning: 4.3.2.1.zen.spamhaus.org: RBL lookup error: ...` |
//! | `smtpd.illegal-address-syntax`, `smtpd.non-smtp-command` | `warning: Illegal address syntax from H[IP] in MAIL command: ...`, `warning: non-SMTP command from H[IP]: ...` |
//! | `smtpd.limit-exceeded` | `warning: Connection rate limit exceeded: N from H[IP] for service S` (and the other anvil limits) |
//! | `smtpd.tls-library-problem`, `.policy-problem`, `.milter-connect-failed`, `.milter-warning`, `.database-older-than-source` | `warning: TLS library problem: ...`, `warning: problem talking to server S: ...`, `warning: connect to Milter service M: ...`, `warning: milter M: ...`, `warning: database D is older than source file F` |
//!
//! The helpers that read a client, an SMTP reply and the `from=<> to=<> proto= helo=<>` list are shared
//! with `postscreen` and `cleanup`, which log the same shapes.

use super::lex::{self, Endpoint, QueueId};
use super::Msg;
use crate::event::{LineEvent, Name};

/// Recognises an `smtpd` message; see the module docs for the shapes.
pub fn parse<'a>(m: &Msg<'a>, ev: &mut LineEvent<'a>) -> Option<&'static str> {
    let b = m.body;
    if let Some(rest) = b.strip_prefix("warning: ") {
        return warning(m, ev, rest);
    }
    if let Some(rest) = b.strip_prefix("client=") {
        return client(ev, rest);
    }
    if let Some(kind) = action(m, ev) {
        return Some(kind);
    }
    if let Some(kind) = session_end(ev, b) {
        return Some(kind);
    }
    if m.queue != QueueId::None {
        return None;
    }
    if let Some(rest) = b.strip_prefix("connect from ") {
        let (e, rest) = lex::endpoint(rest)?;
        if !rest.trim().is_empty() {
            return None;
        }
        put_client(ev, &e);
        return Some("smtpd.connect");
    }
    if let Some(rest) = b.strip_prefix("disconnect from ") {
        let (e, rest) = lex::endpoint(rest)?;
        let counters = rest.trim();
        if !(rest.is_empty() || rest.starts_with(' ')) {
            return None;
        }
        put_client(ev, &e);
        if !counters.is_empty() {
            ev.put(Name::additional_info, counters);
        }
        return Some("smtpd.disconnect");
    }
    if let Some(rest) = b.strip_prefix("improper command pipelining after ") {
        let (cmd, rest) = rest.split_once(" from ")?;
        let (e, rest) = lex::endpoint(rest)?;
        put_command(ev, cmd)?;
        put_client(ev, &e);
        put_text(ev, rest.strip_prefix(':').unwrap_or(rest).trim_start());
        return Some("smtpd.improper-pipelining");
    }
    if let Some(rest) = b.strip_prefix("SSL_accept error from ") {
        let (e, rest) = lex::endpoint(rest)?;
        put_client(ev, &e);
        put_text(ev, rest.strip_prefix(": ")?);
        return Some("smtpd.ssl-accept-error");
    }
    if let Some(rest) = b.strip_prefix("discarding EHLO keywords: ") {
        ev.put(Name::additional_info, rest);
        return Some("smtpd.discarding-ehlo-keywords");
    }
    if let Some(rest) = b.strip_prefix("table ") {
        let table = rest.strip_suffix(" has changed -- restarting")?;
        ev.put(Name::additional_info, table);
        return Some("smtpd.table-changed");
    }
    tls_summary(ev, b, " from ", put_client, "smtpd.tls-established")
}

/// Whether the line was tagged as daemon `m.daemon` (rather than inferred from an untagged message):
/// generic diagnostics that any daemon may log are claimed only then.
pub(crate) fn tagged(m: &Msg<'_>, ev: &LineEvent<'_>) -> bool {
    ev.daemon
        .is_some_and(|d| d.split('-').next() == Some(m.daemon))
}

/// Pushes an SMTP client: `src_host` unless empty or `unknown` (reverse DNS failed), `src_ip` unless
/// `unknown`, and `src_port` when logged.
pub(crate) fn put_client<'a>(ev: &mut LineEvent<'a>, e: &Endpoint<'a>) {
    if !e.host.is_empty() && e.host != "unknown" {
        ev.put(Name::src_host, e.host);
    }
    if !e.addr.is_empty() && e.addr != "unknown" {
        ev.put(Name::src_ip, e.addr);
    }
    if let Some(p) = e.port {
        ev.put_int(Name::src_port, p as i64);
    }
}

/// Pushes a remote server (the other end of an outgoing connection): `dest_host`, `dest_ip`, `dest_port`.
pub(crate) fn put_server<'a>(ev: &mut LineEvent<'a>, e: &Endpoint<'a>) {
    if !e.host.is_empty() && e.host != "unknown" {
        ev.put(Name::dest_host, e.host);
    }
    if !e.addr.is_empty() && e.addr != "unknown" {
        ev.put(Name::dest_ip, e.addr);
    }
    if let Some(p) = e.port {
        ev.put_int(Name::dest_port, p as i64);
    }
}

/// Pushes `additional_info` unless the text is empty.
pub(crate) fn put_text<'a>(ev: &mut LineEvent<'a>, text: &'a str) {
    let text = text.trim_end();
    if !text.is_empty() {
        ev.put(Name::additional_info, text);
    }
}

/// Pushes the SMTP command or protocol stage (`RCPT`, `END-OF-MESSAGE`); `None` when `cmd` is not one.
fn put_command<'a>(ev: &mut LineEvent<'a>, cmd: &'a str) -> Option<()> {
    let ok = !cmd.is_empty()
        && cmd.len() <= 20
        && cmd
            .bytes()
            .all(|c| c.is_ascii_uppercase() || c == b'-' || c == b'_');
    ok.then(|| ev.put(Name::smtp_command, cmd))
}

/// Pushes an envelope sender: `sender` (empty for the null sender `<>`), and `email_address` and
/// `email_domain` when there is an address.
pub(crate) fn put_sender<'a>(ev: &mut LineEvent<'a>, addr: &'a str) {
    ev.put(Name::sender, addr);
    if !addr.is_empty() {
        ev.put(Name::email_address, addr);
        if let Some(d) = lex::domain(addr) {
            ev.put(Name::email_domain, d);
        }
    }
}

/// Pushes an envelope recipient: `dest_email_address`, `dest_email_domain`, `email_recipients`.
pub(crate) fn put_recipient<'a>(ev: &mut LineEvent<'a>, addr: &'a str) {
    if addr.is_empty() {
        return;
    }
    ev.put(Name::dest_email_address, addr);
    if let Some(d) = lex::domain(addr) {
        ev.put(Name::dest_email_domain, d);
    }
    ev.put(Name::email_recipients, addr);
}

/// The keys of the context list smtpd, postscreen and cleanup append to what they log.
fn is_context_key(k: &str) -> bool {
    matches!(
        k,
        "from" | "to" | "proto" | "helo" | "sasl_method" | "sasl_username" | "sasl_sender"
    )
}

/// Splits `TEXT; from=<S> to=<R> proto=P helo=<H>` (smtpd's `log_whatsup`, postscreen's comma-separated
/// variant) at the `;` after which only that context list follows. The text itself may hold `;` (a DNSBL
/// reply: `Service unavailable; Client host [IP] blocked using D; URL`). Without such a `;` the whole is
/// text (a line cut short).
pub(crate) fn split_context(s: &str) -> (&str, Option<&str>) {
    let mut from = 0;
    while let Some(off) = s[from..].find(';') {
        let p = from + off;
        let after = &s[p + 1..];
        if after.trim().is_empty() {
            return (&s[..p], None);
        }
        if after.starts_with(' ') {
            let mut it = lex::pairs(after);
            let mut n = 0;
            for pair in it.by_ref() {
                if !is_context_key(pair.key) {
                    n = 0;
                    break;
                }
                n += 1;
            }
            if n > 0 && it.rest().trim().is_empty() {
                return (&s[..p], Some(after));
            }
        }
        from = p + 1;
    }
    (s, None)
}

/// Pushes the fields of a context list (`from=<S> to=<R> proto=P helo=<H> sasl_username=U`); returns what
/// follows the last pair.
pub(crate) fn put_context<'a>(ev: &mut LineEvent<'a>, list: &'a str) -> &'a str {
    let mut it = lex::pairs(list);
    for p in it.by_ref() {
        match p.key {
            "from" => put_sender(ev, p.value),
            "to" => put_recipient(ev, p.value),
            "proto" if !p.value.is_empty() => ev.put(Name::proto, p.value),
            "helo" if !p.value.is_empty() => ev.put(Name::helo, p.value),
            "sasl_method" => ev.put(Name::sasl_method, p.value),
            "sasl_username" => ev.put(Name::user, p.value),
            "sasl_sender" => ev.put(Name::sasl_sender, p.value),
            _ => {}
        }
    }
    it.rest()
}

/// Whether `w` is an enhanced status code (`5.7.1`, `4.2.0`, `5.12.345`).
fn is_dsn(w: &str) -> bool {
    let mut parts = w.split('.');
    let class = parts.next().unwrap_or("");
    matches!(class, "2" | "4" | "5")
        && parts.clone().count() == 2
        && parts.all(|p| (1..=3).contains(&p.len()) && p.bytes().all(|c| c.is_ascii_digit()))
}

/// Pushes an SMTP reply as smtpd and postscreen log it: `reject_code` (int), `reject_dsn`, `dnsbl_domain`
/// (`... blocked using D`), and `additional_info` = the reply text, without the `<address>: ` that names
/// what was rejected (the address is in `from=`/`to=`/`helo=`).
pub(crate) fn put_reply<'a>(ev: &mut LineEvent<'a>, reply: &'a str) {
    let mut t = reply.trim_start();
    let b = t.as_bytes();
    if b.len() >= 3
        && b[..3].iter().all(u8::is_ascii_digit)
        && matches!(b.get(3), None | Some(b' '))
    {
        ev.put_int(Name::reject_code, lex::int(&t[..3]).unwrap_or(0));
        t = t[3..].trim_start();
    }
    let (w, rest) = lex::word(t);
    if is_dsn(w) {
        ev.put(Name::reject_dsn, w);
        t = rest;
    }
    if let Some(at) = lex::find(t, "blocked using ") {
        let d = &t[at + 14..];
        let end = d
            .find(|c: char| c == ';' || c == ',' || c.is_whitespace())
            .unwrap_or(d.len());
        if end > 0 {
            ev.put(Name::dnsbl_domain, &d[..end]);
        }
    }
    if let Some(rest) = t.strip_prefix('<').and_then(|r| r.split_once(">: ")) {
        t = rest.1;
    } else if let Some(rest) = t.strip_prefix(": ") {
        t = rest;
    }
    put_text(ev, t);
}

/// The queue id in a `queued as QID` reply text, if any.
pub(crate) fn queued_as(text: &str) -> Option<&str> {
    let at = lex::find(text, "queued as ")?;
    let id = &text[at + 10..];
    let n = id.bytes().take_while(u8::is_ascii_alphanumeric).count();
    (n >= 5).then(|| &id[..n])
}

/// `client=H[IP][:port], sasl_method=M, sasl_username=U, sasl_sender=S, orig_queue_id=Q, orig_client=C`.
fn client<'a>(ev: &mut LineEvent<'a>, rest: &'a str) -> Option<&'static str> {
    let (e, after) = lex::endpoint(rest)?;
    if !(after.is_empty() || after.starts_with(',')) {
        return None;
    }
    put_client(ev, &e);
    for p in lex::pairs(after) {
        match p.key {
            "sasl_method" => ev.put(Name::sasl_method, p.value),
            "sasl_username" => ev.put(Name::user, p.value),
            "sasl_sender" => ev.put(Name::sasl_sender, p.value),
            "orig_queue_id" => ev.put(Name::orig_queue_id, p.value),
            "orig_client" => ev.put(Name::orig_client, p.value),
            _ => {}
        }
    }
    Some("smtpd.client")
}

/// The kind of each action word `log_whatsup` and the milter code log.
const ACTIONS: &[(&str, &str)] = &[
    ("reject", "smtpd.reject"),
    ("reject_warning", "smtpd.reject-warning"),
    ("milter-reject", "smtpd.milter-reject"),
    ("milter-discard", "smtpd.milter-discard"),
    ("milter-hold", "smtpd.milter-hold"),
    ("discard", "smtpd.discard"),
    ("hold", "smtpd.hold"),
    ("redirect", "smtpd.redirect"),
    ("filter", "smtpd.filter"),
    ("warn", "smtpd.warn"),
    ("info", "smtpd.info"),
    ("bcc", "smtpd.bcc"),
    ("delay", "smtpd.delay"),
    ("hangup", "smtpd.hangup"),
    ("abort", "smtpd.abort"),
];

/// `QID|NOQUEUE: ACTION: CMD from H[IP]: TEXT; from=<S> to=<R> proto=P helo=<H>` and the before-queue
/// filter's `proxy-accept|proxy-reject: END-OF-MESSAGE: REPLY; ...`.
fn action<'a>(m: &Msg<'a>, ev: &mut LineEvent<'a>) -> Option<&'static str> {
    let (word, rest) = lex::split_once(m.body, ": ")?;
    if let Some(outcome) = word.strip_prefix("proxy-") {
        let kind = match outcome {
            "accept" => "smtpd.proxy-accept",
            "reject" => "smtpd.proxy-reject",
            _ => return None,
        };
        let (stage, rest) = rest.split_once(':')?;
        put_command(ev, stage)?;
        ev.put(Name::result, word);
        let (text, context) = split_context(rest.trim_start());
        if let Some(c) = context {
            put_context(ev, c);
        }
        if outcome == "accept" {
            put_text(ev, text);
            if let Some(q) = queued_as(text) {
                ev.put(Name::queued_as, q);
            }
        } else {
            put_reply(ev, text);
        }
        return Some(kind);
    }
    if m.queue == QueueId::None {
        return None;
    }
    let kind = ACTIONS.iter().find(|(w, _)| *w == word)?.1;
    let (cmd, rest) = lex::split_once(rest, " from ")?;
    let rest = match lex::endpoint(rest) {
        // `[IP]:PORT` without a name is postscreen's way of naming a client.
        Some((e, _)) if e.host.is_empty() => return None,
        Some((e, rest)) => {
            put_client(ev, &e);
            rest
        }
        // A client that log sanitising replaced (`RCPT from <censored>: ...`): the rest still counts.
        None => &rest[rest.find(": ")?..],
    };
    put_command(ev, cmd)?;
    ev.put(Name::result, word);
    let (text, context) = split_context(rest.strip_prefix(':').unwrap_or(rest).trim_start());
    put_reply(ev, text);
    if let Some(c) = context {
        put_context(ev, c);
    }
    Some(kind)
}

/// `[QID: ]REASON after CMD [(N bytes)] from H[IP]`: how a session ended abnormally.
fn session_end<'a>(ev: &mut LineEvent<'a>, body: &'a str) -> Option<&'static str> {
    const REASONS: &[(&str, &str)] = &[
        ("lost connection after ", "smtpd.lost-connection"),
        ("timeout after ", "smtpd.timeout"),
        ("too many errors after ", "smtpd.too-many-errors"),
        ("bare <LF> received after ", "smtpd.bare-newline"),
    ];
    let (rest, kind) = REASONS
        .iter()
        .find_map(|(p, k)| body.strip_prefix(p).map(|r| (r, *k)))?;
    let (cmd, rest) = rest.split_once(' ')?;
    let rest = match rest.strip_prefix('(') {
        Some(r) => {
            let (n, r) = r.split_once(" bytes) ")?;
            ev.put_int(Name::bytes, lex::int(n)?);
            r
        }
        None => rest,
    };
    let (e, tail) = lex::endpoint(rest.strip_prefix("from ")?)?;
    if !tail.trim().is_empty() {
        return None;
    }
    put_command(ev, cmd)?;
    put_client(ev, &e);
    Some(kind)
}

/// `Anonymous|Untrusted|Trusted|Verified TLS connection established|reused DIR H[IP][:port][ to SNI]: TEXT`
/// (`tls_log_summary`); `dir` is ` from ` for a server, ` to ` for a client. Pushes the trust level as
/// `result`, the remote end through `put` and the protocol and cipher text as `additional_info`, and
/// returns `kind`.
pub(crate) fn tls_summary<'a>(
    ev: &mut LineEvent<'a>,
    body: &'a str,
    dir: &str,
    put: fn(&mut LineEvent<'a>, &Endpoint<'a>),
    kind: &'static str,
) -> Option<&'static str> {
    let (level, rest) = body.split_once(" TLS connection ")?;
    if !matches!(level, "Anonymous" | "Untrusted" | "Trusted" | "Verified") {
        return None;
    }
    let rest = rest
        .strip_prefix("established")
        .or_else(|| rest.strip_prefix("reused"))?;
    let (e, rest) = lex::endpoint(rest.strip_prefix(dir)?)?;
    let text = match rest.strip_prefix(": ") {
        Some(t) => t,
        None => rest.strip_prefix(" to ")?.split_once(": ")?.1,
    };
    put(ev, &e);
    ev.put(Name::result, level);
    put_text(ev, text);
    Some(kind)
}

/// The IPv4 address and DNSBL zone of a DNSBL query name (`4.3.2.1.zen.spamhaus.org` -> `1.2.3.4`,
/// `zen.spamhaus.org`); `None` for other names (an RHSBL query, IPv6 nibbles).
pub(crate) fn dnsbl_query(q: &str) -> Option<(String, &str)> {
    let mut octets = [""; 4];
    let mut rest = q;
    for o in octets.iter_mut() {
        let (label, r) = rest.split_once('.')?;
        if label.is_empty() || label.len() > 3 || lex::int(label)? > 255 {
            return None;
        }
        *o = label;
        rest = r;
    }
    if rest.is_empty() {
        return None;
    }
    Some((
        format!("{}.{}.{}.{}", octets[3], octets[2], octets[1], octets[0]),
        rest,
    ))
}

/// `warning: ...` messages that say something about a client or a service smtpd depends on.
fn warning<'a>(m: &Msg<'a>, ev: &mut LineEvent<'a>, rest: &'a str) -> Option<&'static str> {
    ev.put(Name::severity, "warning");
    if let Some((e, after)) = lex::endpoint(rest) {
        // `H[IP][:port]: SASL MECH authentication failed: REASON, sasl_username=U`.
        let sasl = after.strip_prefix(": SASL ")?;
        let (mech, what) = sasl.split_once(' ')?;
        put_client(ev, &e);
        ev.put(Name::sasl_method, mech);
        if let Some(reason) = what.strip_prefix("authentication failed") {
            let reason = reason.strip_prefix(':').unwrap_or(reason).trim();
            let (reason, user) = match reason.rfind(", sasl_username=") {
                Some(i) => (&reason[..i], Some(&reason[i + 16..])),
                None => (reason, None),
            };
            if let Some(u) = user.filter(|u| !u.is_empty() && *u != "(unavailable)") {
                ev.put(Name::user, u);
            }
            put_text(ev, reason);
            return Some("smtpd.sasl-failed");
        }
        return (what == "authentication aborted").then_some("smtpd.sasl-aborted");
    }
    if let Some(r) = rest.strip_prefix("hostname ") {
        let (host, r) = r.split_once(" does not resolve to address ")?;
        let (ip, reason) = r.split_once(": ").unwrap_or((r, ""));
        ev.put(Name::src_host, host);
        ev.put(Name::src_ip, ip.trim_end());
        put_text(ev, reason);
        return Some("smtpd.hostname-unresolved");
    }
    if let Some(r) = rest.strip_prefix("SASL authentication ") {
        let (_, reason) = r.split_once(": ")?;
        put_text(ev, reason);
        return Some("smtpd.sasl-error");
    }
    if let Some(r) = rest.strip_prefix("SASL: Connect to ") {
        put_text(ev, r);
        return Some("smtpd.sasl-connect-failed");
    }
    if let Some(r) = rest.strip_prefix("Illegal address syntax from ") {
        let (e, r) = lex::endpoint(r)?;
        let (cmd, addr) = r.strip_prefix(" in ")?.split_once(" command: ")?;
        put_command(ev, cmd)?;
        put_client(ev, &e);
        put_text(ev, addr);
        return Some("smtpd.illegal-address-syntax");
    }
    if let Some(r) = rest.strip_prefix("non-SMTP command from ") {
        let (e, r) = lex::endpoint(r)?;
        put_client(ev, &e);
        put_text(ev, r.strip_prefix(": ").unwrap_or(r));
        return Some("smtpd.non-smtp-command");
    }
    if let Some(at) = lex::find(rest, " limit exceeded: ") {
        let (n, r) = rest[at + 17..].split_once(" from ")?;
        let (e, r) = lex::endpoint(r)?;
        let service = r.strip_prefix(" for service ")?;
        put_client(ev, &e);
        ev.put_int(Name::count, lex::int(n)?);
        ev.put(Name::service, service);
        ev.put(Name::additional_info, rest);
        return Some("smtpd.limit-exceeded");
    }
    if let Some(r) = rest.strip_prefix("TLS library problem: ") {
        // The TLS client (smtp) logs the same.
        if !tagged(m, ev) {
            return None;
        }
        put_text(ev, r);
        return Some("smtpd.tls-library-problem");
    }
    if let Some(r) = rest.strip_prefix("problem talking to server ") {
        put_text(ev, r);
        return Some("smtpd.policy-problem");
    }
    if let Some(r) = rest.strip_prefix("connect to Milter service ") {
        put_text(ev, r);
        return Some("smtpd.milter-connect-failed");
    }
    if let Some(r) = rest.strip_prefix("milter ") {
        put_text(ev, r);
        return Some("smtpd.milter-warning");
    }
    if rest.starts_with("database ") && lex::find(rest, " is older than source file ").is_some() {
        if !tagged(m, ev) {
            return None;
        }
        ev.put(Name::additional_info, rest);
        return Some("smtpd.database-older-than-source");
    }
    // `IP: address not listed for hostname H`, `IP: hostname H verification failed: R`,
    // `QUERY: RBL lookup error: R`.
    let (first, r) = rest.split_once(": ")?;
    if let Some(host) = r.strip_prefix("address not listed for hostname ") {
        ev.put(Name::src_ip, first);
        ev.put(Name::src_host, host.trim_end());
        return Some("smtpd.address-not-listed");
    }
    if let Some(r) = r.strip_prefix("hostname ") {
        let (host, reason) = r.split_once(" verification failed")?;
        ev.put(Name::src_ip, first);
        ev.put(Name::src_host, host);
        put_text(ev, reason.strip_prefix(": ").unwrap_or(reason));
        return Some("smtpd.hostname-verification-failed");
    }
    if r.starts_with("RBL lookup error: ") {
        if let Some((ip, zone)) = dnsbl_query(first) {
            ev.put_owned(Name::src_ip, ip);
            ev.put(Name::dnsbl_domain, zone);
        }
        ev.put(Name::additional_info, rest);
        return Some("smtpd.rbl-lookup-error");
    }
    None
}

/// Test helpers shared by the daemon modules' tests: parse a whole line through the engine's dispatcher
/// and compare the fields it yields.
#[cfg(test)]
pub(crate) mod testing {
    use crate::engine::parse_line;
    use crate::event::{LineEvent, Value};
    use crate::time::YearClock;

    /// An expected field value.
    #[derive(Debug, Clone, Copy, PartialEq)]
    pub enum V<'s> {
        /// Text.
        S(&'s str),
        /// A whole number.
        I(i64),
        /// A decimal number.
        F(f64),
    }

    /// Frames and parses one whole log line.
    pub fn parse(line: &str) -> LineEvent<'_> {
        parse_line(line, None, &mut YearClock::new(Some(2026), 0, 0))
    }

    /// A line of `daemon` carrying `msg`, for examples the corpus has without their syslog header.
    pub fn framed(daemon: &str, msg: &str) -> String {
        format!("Oct 26 18:13:50 mx postfix/{daemon}[4711]: {msg}")
    }

    /// Asserts the kind and that the fields are exactly `want` (each once, with that value).
    #[track_caller]
    pub fn exact(ev: &LineEvent<'_>, kind: &str, want: &[(&str, V<'_>)]) {
        assert_eq!(ev.kind, kind, "kind of {:?}", ev.raw);
        let got: Vec<(&str, V<'_>)> = ev
            .fields
            .iter()
            .map(|(n, v)| {
                let v = match v {
                    Value::Str(s) => V::S(s),
                    Value::Int(i) => V::I(*i),
                    Value::Float(f) => V::F(*f),
                };
                (n.as_str(), v)
            })
            .collect();
        for w in want {
            assert!(got.contains(w), "missing {w:?} in {got:?}");
        }
        for g in &got {
            assert!(want.iter().any(|w| w.0 == g.0), "unexpected {g:?}");
        }
        assert_eq!(got.len(), want.len(), "duplicate fields in {got:?}");
    }
}

#[cfg(test)]
mod tests {
    use super::testing::{exact, framed, parse, V::*};
    use crate::event::Name;

    #[test]
    fn sasl_failed() {
        let ev = parse("Dec  2 22:24:22 hel postfix/smtpd[7676]: warning: 114-44-142-233.dynamic.hinet.net[114.44.142.233]: SASL CRAM-MD5 authentication failed: PDc3OTEwNTkyNTEyMzA2NDIuMTIyODI1MzA2MUBoZWw+");
        exact(
            &ev,
            "smtpd.sasl-failed",
            &[
                ("severity", S("warning")),
                ("src_host", S("114-44-142-233.dynamic.hinet.net")),
                ("src_ip", S("114.44.142.233")),
                ("sasl_method", S("CRAM-MD5")),
                (
                    "additional_info",
                    S("PDc3OTEwNTkyNTEyMzA2NDIuMTIyODI1MzA2MUBoZWw+"),
                ),
            ],
        );
    }

    #[test]
    fn sasl_failed_with_user_port_and_ipv6() {
        let ev = parse("May  6 09:25:41 mail postfix/smtps/smtpd[16997]: warning: unknown[203.0.113.10]: SASL LOGIN authentication failed: (reason unavailable), sasl_username=postmaster@example.org");
        exact(
            &ev,
            "smtpd.sasl-failed",
            &[
                ("severity", S("warning")),
                ("src_ip", S("203.0.113.10")),
                ("sasl_method", S("LOGIN")),
                ("user", S("postmaster@example.org")),
                ("additional_info", S("(reason unavailable)")),
            ],
        );
        let ev = parse("Aug 4 16:47:52 mail3 postfix/smtpd[31152]: warning: unknown[192.0.2.237]:55729: SASL LOGIN authentication failed: authentication failure");
        assert_eq!(ev.get_int(Name::src_port), Some(55729));
        let ev = parse("Oct 19 19:56:07 longbeach postfix/smtpd[2309]: warning: unknown[2001:db8::a11:beef:7ac0]: SASL LOGIN authentication failed: UGFzc3dvcmQ6");
        assert_eq!(ev.get_str(Name::src_ip), Some("2001:db8::a11:beef:7ac0"));
        let ev = parse("Aug 3 15:30:49 ksusha postfix/smtpd[17041]: warning: mail.foldsandwalker.com[98.191.84.74]: SASL Plain authentication failed:");
        exact(
            &ev,
            "smtpd.sasl-failed",
            &[
                ("severity", S("warning")),
                ("src_host", S("mail.foldsandwalker.com")),
                ("src_ip", S("98.191.84.74")),
                ("sasl_method", S("Plain")),
            ],
        );
    }

    #[test]
    fn sasl_aborted_and_unavailable_user() {
        // Postfix's smtpd_sasl_glue.c formats.
        let l = framed(
            "smtpd",
            "warning: unknown[192.0.2.9]: SASL LOGIN authentication aborted",
        );
        exact(
            &parse(&l),
            "smtpd.sasl-aborted",
            &[
                ("severity", S("warning")),
                ("src_ip", S("192.0.2.9")),
                ("sasl_method", S("LOGIN")),
            ],
        );
        let l = framed("smtpd", "warning: unknown[192.0.2.9]: SASL PLAIN authentication failed: bad protocol / cancel, sasl_username=(unavailable)");
        let ev = parse(&l);
        assert_eq!(ev.get_str(Name::user), None);
        assert_eq!(
            ev.get_str(Name::additional_info),
            Some("bad protocol / cancel")
        );
    }

    #[test]
    fn disconnect_with_command_counters() {
        let ev = parse("Feb 10 13:26:34 srv postfix/smtpd[123]: disconnect from unknown[192.0.2.1] helo=1 auth=0/1 quit=1 commands=2/3");
        exact(
            &ev,
            "smtpd.disconnect",
            &[
                ("src_ip", S("192.0.2.1")),
                ("additional_info", S("helo=1 auth=0/1 quit=1 commands=2/3")),
            ],
        );
        let l = framed("smtpd", "disconnect from unknown[unknown] commands=0/0");
        exact(
            &parse(&l),
            "smtpd.disconnect",
            &[("additional_info", S("commands=0/0"))],
        );
    }

    #[test]
    fn disconnect_without_counters() {
        let ev = parse("2013 Jun 12 06:35:24.123 gds39d postfix/smtpd[25425]: disconnect from localhost[127.0.0.1]");
        exact(
            &ev,
            "smtpd.disconnect",
            &[("src_host", S("localhost")), ("src_ip", S("127.0.0.1"))],
        );
    }

    #[test]
    fn connect() {
        let ev = parse("2020-03-19T09:29:27.657686+00:00 638fbdd7968d postfix/smtpd[87]: connect from localhost[127.0.0.1]");
        exact(
            &ev,
            "smtpd.connect",
            &[("src_host", S("localhost")), ("src_ip", S("127.0.0.1"))],
        );
        let l = framed("smtpd", "connect from unknown[unknown]");
        exact(&parse(&l), "smtpd.connect", &[]);
    }

    #[test]
    fn client_with_sasl() {
        let ev = parse("Oct 30 13:19:26 mailgw-out1 postfix/smtpd[27530]: EB4B2C19E2: client=xxx[1.2.3.4], sasl_method=PLAIN, sasl_username=user@domain");
        assert_eq!(ev.queue_id, Some("EB4B2C19E2"));
        exact(
            &ev,
            "smtpd.client",
            &[
                ("src_host", S("xxx")),
                ("src_ip", S("1.2.3.4")),
                ("sasl_method", S("PLAIN")),
                ("user", S("user@domain")),
            ],
        );
    }

    #[test]
    fn client_forwarded_by_a_content_filter() {
        // Postfix's smtpd.c format, with XFORWARD attributes and client port logging.
        let l = framed("smtpd", "3mPVKl0Mhjz7sXv: client=localhost[::1]:41234, sasl_method=LOGIN, sasl_username=jdoe, sasl_sender=a@b.example, orig_queue_id=4F1A2B3C4D, orig_client=wks-17.corp.example[10.1.2.17]");
        let ev = parse(&l);
        assert_eq!(ev.queue_id, Some("3mPVKl0Mhjz7sXv"));
        exact(
            &ev,
            "smtpd.client",
            &[
                ("src_host", S("localhost")),
                ("src_ip", S("::1")),
                ("src_port", I(41234)),
                ("sasl_method", S("LOGIN")),
                ("user", S("jdoe")),
                ("sasl_sender", S("a@b.example")),
                ("orig_queue_id", S("4F1A2B3C4D")),
                ("orig_client", S("wks-17.corp.example[10.1.2.17]")),
            ],
        );
    }

    #[test]
    fn lost_connection() {
        let ev = parse("Feb 18 09:45:10 xxx postfix/smtpd[42]: lost connection after CONNECT from spammer.example.com[192.0.2.10]");
        exact(
            &ev,
            "smtpd.lost-connection",
            &[
                ("smtp_command", S("CONNECT")),
                ("src_host", S("spammer.example.com")),
                ("src_ip", S("192.0.2.10")),
            ],
        );
        let ev = parse("Sep 17 18:19:20 mxhost postfix/smtpd[12345]: NOQUEUE: lost connection after CONNECT from unknown[192.0.2.25]");
        exact(
            &ev,
            "smtpd.lost-connection",
            &[("smtp_command", S("CONNECT")), ("src_ip", S("192.0.2.25"))],
        );
        let l = framed(
            "smtpd",
            "lost connection after DATA (7774180 bytes) from unknown[72.13.58.7]",
        );
        exact(
            &parse(&l),
            "smtpd.lost-connection",
            &[
                ("bytes", I(7774180)),
                ("smtp_command", S("DATA")),
                ("src_ip", S("72.13.58.7")),
            ],
        );
        let ev = parse("Dec 13 09:32:50 marcos postfix/smtpd[24754]: lost connection after AUTH from rrcs-24-213-217-114.nys.biz.rr.com[2001:db8::a11:beef:7ac0]");
        assert_eq!(ev.get_str(Name::src_ip), Some("2001:db8::a11:beef:7ac0"));
    }

    #[test]
    fn timeout_too_many_errors_and_bare_newline() {
        let l = framed("smtpd", "timeout after CONNECT from unknown[177.227.18.3]");
        exact(
            &parse(&l),
            "smtpd.timeout",
            &[
                ("smtp_command", S("CONNECT")),
                ("src_ip", S("177.227.18.3")),
            ],
        );
        let ev = parse("Jun  3 06:25:43 srv postfix/smtpd[29306]: too many errors after RCPT from example.com[192.0.2.11]");
        exact(
            &ev,
            "smtpd.too-many-errors",
            &[
                ("smtp_command", S("RCPT")),
                ("src_host", S("example.com")),
                ("src_ip", S("192.0.2.11")),
            ],
        );
        let l = framed(
            "smtpd",
            "bare <LF> received after CONNECT from example.net[1.2.3.4]",
        );
        exact(
            &parse(&l),
            "smtpd.bare-newline",
            &[
                ("smtp_command", S("CONNECT")),
                ("src_host", S("example.net")),
                ("src_ip", S("1.2.3.4")),
            ],
        );
    }

    #[test]
    fn reject_helo() {
        let ev = parse("Feb 21 09:21:54 xxx postfix/smtpd[14398]: NOQUEUE: reject: RCPT from example.com[192.0.43.10]: 450 4.7.1 : Helo command rejected: Host not found; from=<> to=<> proto=ESMTP helo=");
        assert_eq!(ev.queue_id, None);
        exact(
            &ev,
            "smtpd.reject",
            &[
                ("smtp_command", S("RCPT")),
                ("result", S("reject")),
                ("src_host", S("example.com")),
                ("src_ip", S("192.0.43.10")),
                ("reject_code", I(450)),
                ("reject_dsn", S("4.7.1")),
                (
                    "additional_info",
                    S("Helo command rejected: Host not found"),
                ),
                ("sender", S("")),
                ("proto", S("ESMTP")),
            ],
        );
        let ev = parse("Jan 31 13:55:24 xxx postfix-incoming/smtpd[3462]: NOQUEUE: reject: EHLO from s271272.static.corbina.ru[78.107.251.238]: 504 5.5.2 <User>: Helo command rejected: need fully-qualified hostname; proto=SMTP helo=<User>");
        assert_eq!(ev.get_str(Name::smtp_command), Some("EHLO"));
        assert_eq!(ev.get_str(Name::helo), Some("User"));
    }

    #[test]
    fn reject_relay_access_denied() {
        let ev = parse("Jul 12 07:47:48 saturn postfix/smtpd[8738]: NOQUEUE: reject: RCPT from 1-2-3-4-example.com[1.2.3.4]: 554 5.7.1 <smtp@example.com>: Relay access denied; from=<john@example.com> to=<smtp@example.org> proto=SMTP helo=<198.51.100.17>");
        exact(
            &ev,
            "smtpd.reject",
            &[
                ("smtp_command", S("RCPT")),
                ("result", S("reject")),
                ("src_host", S("1-2-3-4-example.com")),
                ("src_ip", S("1.2.3.4")),
                ("reject_code", I(554)),
                ("reject_dsn", S("5.7.1")),
                ("additional_info", S("Relay access denied")),
                ("sender", S("john@example.com")),
                ("email_address", S("john@example.com")),
                ("email_domain", S("example.com")),
                ("dest_email_address", S("smtp@example.org")),
                ("dest_email_domain", S("example.org")),
                ("email_recipients", S("smtp@example.org")),
                ("proto", S("SMTP")),
                ("helo", S("198.51.100.17")),
            ],
        );
        let ev = parse("Dec  8 11:13:01 flash postfix/smtpd[66532]: NOQUEUE: reject: RCPT from v6-example-host.net[2001:123:456:123::1]: 554 5.7.1 <foobar@nonlocaldomain.com>: Relay access denied; from=<foo@bar.co> to=<foobar@nonlocaldomain.com> proto=ESMTP helo=<foo.bar.co>");
        assert_eq!(ev.get_str(Name::src_ip), Some("2001:123:456:123::1"));
    }

    #[test]
    fn reject_recipient_cut_short() {
        let ev = parse("Aug 10 10:55:38 f-vanier-bourgeois postfix/smtpd[2162]: NOQUEUE: reject: VRFY from 72-53-132-234.cpe.distributel.net[72.53.132.234]: 550 5.1.1 : Recipient address rejected: User unknown in local recipient tab");
        exact(
            &ev,
            "smtpd.reject",
            &[
                ("smtp_command", S("VRFY")),
                ("result", S("reject")),
                ("src_host", S("72-53-132-234.cpe.distributel.net")),
                ("src_ip", S("72.53.132.234")),
                ("reject_code", I(550)),
                ("reject_dsn", S("5.1.1")),
                (
                    "additional_info",
                    S("Recipient address rejected: User unknown in local recipient tab"),
                ),
            ],
        );
    }

    #[test]
    fn reject_sender() {
        let ev = parse("Jul 18 23:12:56 xxx postfix/smtpd[8738]: NOQUEUE: reject: RCPT from foo[192.51.100.43]: 554 5.7.1 <foo@bad.domain>: Sender address rejected: match bad.domain; from=<foo@bad.domain> to=<foo@porcupine.org> proto=SMTP helo=<192.51.100.43>");
        assert_eq!(ev.kind, "smtpd.reject");
        assert_eq!(
            ev.get_str(Name::additional_info),
            Some("Sender address rejected: match bad.domain")
        );
        assert_eq!(ev.get_str(Name::email_domain), Some("bad.domain"));
        assert_eq!(ev.get_str(Name::dest_email_domain), Some("porcupine.org"));
        let l = framed("smtpd", "NOQUEUE: reject: RCPT from unknown[2001:980:cfb1:1:82f:f74e:a45c:3033]: 504 5.5.2 <aap@henk>: Sender address rejected: need fully-qualified address; from=<aap@henk> to=<user@example.com> proto=SMTP helo=<test>");
        let ev = parse(&l);
        assert_eq!(
            ev.get_str(Name::src_ip),
            Some("2001:980:cfb1:1:82f:f74e:a45c:3033")
        );
        assert_eq!(ev.get_str(Name::email_domain), Some("henk"));
    }

    #[test]
    fn reject_other_reason() {
        let ev = parse("May 11 04:02:37 host1 postfix/smtpd[26897]: NOQUEUE: reject: RCPT from unknown[192.168.1.1]: 554 5.7.1 Service unavailable");
        exact(
            &ev,
            "smtpd.reject",
            &[
                ("smtp_command", S("RCPT")),
                ("result", S("reject")),
                ("src_ip", S("192.168.1.1")),
                ("reject_code", I(554)),
                ("reject_dsn", S("5.7.1")),
                ("additional_info", S("Service unavailable")),
            ],
        );
        let ev = parse("May  8 08:26:55 mail postfix/smtpd[27712]: NOQUEUE: reject: MAIL from localhost[127.0.0.1]: 452 Insufficient system storage");
        assert_eq!(ev.get_int(Name::reject_code), Some(452));
        assert_eq!(ev.get_str(Name::reject_dsn), None);
        assert_eq!(
            ev.get_str(Name::additional_info),
            Some("Insufficient system storage")
        );
    }

    #[test]
    fn reject_client_host() {
        let ev = parse("Dec 21 21:17:29 xxx postfix/smtpd[7150]: NOQUEUE: reject: RCPT from badserver.example.com[93.184.216.34]: 450 4.7.1 Client host rejected: cannot find your hostname, [93.184.216.34]; from=<badactor@example.com> to=<goodguy@example.com> proto=ESMTP helo=<badserver.example.com>");
        assert_eq!(ev.kind, "smtpd.reject");
        assert_eq!(
            ev.get_str(Name::additional_info),
            Some("Client host rejected: cannot find your hostname, [93.184.216.34]")
        );
        assert_eq!(ev.get_str(Name::helo), Some("badserver.example.com"));
        let ev = parse("Jun  1 19:00:55 mail postfix/smtpd[7749]: NOQUEUE: reject: CONNECT from unknown[192.0.2.114]: 450 4.7.25 Client host rejected: cannot find your hostname, [178.215.236.114]; proto=SMTP");
        assert_eq!(ev.get_str(Name::smtp_command), Some("CONNECT"));
        assert_eq!(ev.get_str(Name::reject_dsn), Some("4.7.25"));
        assert_eq!(ev.get_str(Name::proto), Some("SMTP"));
    }

    #[test]
    fn reject_dnsbl() {
        let ev = parse("Dec 30 18:19:15 xxx postfix/smtpd[1574]: NOQUEUE: reject: RCPT from badguy.example.com[93.184.216.34]: 454 4.7.1 Service unavailable; Client host [93.184.216.34] blocked using rbl.example.com; http://www.example.com/query?ip=93.184.216.34; from=<spammer@example.com> to=<goodguy@example.com> proto=ESMTP helo=<badguy.example.com>");
        exact(&ev, "smtpd.reject", &[
            ("smtp_command", S("RCPT")),
            ("result", S("reject")),
            ("src_host", S("badguy.example.com")),
            ("src_ip", S("93.184.216.34")),
            ("reject_code", I(454)),
            ("reject_dsn", S("4.7.1")),
            ("dnsbl_domain", S("rbl.example.com")),
            (
                "additional_info",
                S("Service unavailable; Client host [93.184.216.34] blocked using rbl.example.com; http://www.example.com/query?ip=93.184.216.34"),
            ),
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
    fn reject_with_a_queue_id_data_command() {
        let ev = parse("Mar 11 23:27:54 server postfix-smo/submission/smtpd[22427]: 44JCRG5tYPzCqt2: reject: BDAT from signing-milter.example.com[192.0.2.109]: 550 5.5.3 <DATA>: Data command rejected: Multi-recipient bounce; from=<> to=<some@example.com> proto=ESMTP helo=<domain.tld>");
        assert_eq!(
            (ev.daemon, ev.queue_id),
            (Some("smtpd"), Some("44JCRG5tYPzCqt2"))
        );
        exact(
            &ev,
            "smtpd.reject",
            &[
                ("smtp_command", S("BDAT")),
                ("result", S("reject")),
                ("src_host", S("signing-milter.example.com")),
                ("src_ip", S("192.0.2.109")),
                ("reject_code", I(550)),
                ("reject_dsn", S("5.5.3")),
                (
                    "additional_info",
                    S("Data command rejected: Multi-recipient bounce"),
                ),
                ("sender", S("")),
                ("dest_email_address", S("some@example.com")),
                ("dest_email_domain", S("example.com")),
                ("email_recipients", S("some@example.com")),
                ("proto", S("ESMTP")),
                ("helo", S("domain.tld")),
            ],
        );
    }

    #[test]
    fn reject_with_sasl_context_and_sanitised_client() {
        // smtpd_check.c's log_whatsup appends the SASL login of an authenticated client.
        let l = framed("smtpd", "NOQUEUE: reject: RCPT from wks[10.1.2.17]: 550 5.7.1 <x@y.example>: Recipient address rejected: Access denied; from=<a@corp.example> to=<x@y.example> proto=ESMTP helo=<wks> sasl_method=PLAIN sasl_username=jdoe");
        let ev = parse(&l);
        assert_eq!(ev.get_str(Name::user), Some("jdoe"));
        assert_eq!(ev.get_str(Name::sasl_method), Some("PLAIN"));
        let ev = parse("May 28 13:04:38 email2 postfix/smtpd[1433]: NOQUEUE: reject: RCPT from <censored>: 554 5.7.1 <my_email>>: Recipient address rejected: Invalid HELO/EHLO; Must be a FQDN or an address literal, not 'xxx'; from=<client1@1.example.com> to=<my_address> proto=ESMTP helo=");
        assert_eq!(ev.kind, "smtpd.reject");
        assert_eq!(ev.get_str(Name::src_ip), None);
        assert_eq!(
            ev.get_str(Name::additional_info),
            Some("Recipient address rejected: Invalid HELO/EHLO; Must be a FQDN or an address literal, not 'xxx'")
        );
        assert_eq!(ev.get_str(Name::dest_email_address), Some("my_address"));
    }

    #[test]
    fn other_access_actions() {
        let l = framed("smtpd", "NOQUEUE: filter: RCPT from unknown[85.25.255.255]: <mail@sender.com>: Sender address triggers FILTER smtp-amavis:[127.0.0.1]:10024; from=<mail@sender.com> to=<user@domain.com> proto=ESMTP helo=<plutoapp.biz>");
        let ev = parse(&l);
        assert_eq!(
            (ev.kind, ev.get_str(Name::result)),
            ("smtpd.filter", Some("filter"))
        );
        assert_eq!(
            ev.get_str(Name::additional_info),
            Some("Sender address triggers FILTER smtp-amavis:[127.0.0.1]:10024")
        );
        let l = framed("smtpd", "NOQUEUE: discard: MAIL from ccm231.constantcontact.com[208.75.123.231]: <bsdbdsfbw==_4343_sdfbddw==@in.constantcontact.com>: Sender address SPAM; from=<bsdbdsfbw==_4343_sdfbddw==@in.constantcontact.com> proto=ESMTP helo=<ccm231.constantcontact.com>");
        exact(
            &parse(&l),
            "smtpd.discard",
            &[
                ("smtp_command", S("MAIL")),
                ("result", S("discard")),
                ("src_host", S("ccm231.constantcontact.com")),
                ("src_ip", S("208.75.123.231")),
                ("additional_info", S("Sender address SPAM")),
                (
                    "sender",
                    S("bsdbdsfbw==_4343_sdfbddw==@in.constantcontact.com"),
                ),
                (
                    "email_address",
                    S("bsdbdsfbw==_4343_sdfbddw==@in.constantcontact.com"),
                ),
                ("email_domain", S("in.constantcontact.com")),
                ("proto", S("ESMTP")),
                ("helo", S("ccm231.constantcontact.com")),
            ],
        );
        let l = framed("smtpd", "NOQUEUE: reject_warning: RCPT from example.com[93.184.216.34]: 553 5.7.1 <sender@example.com>: Sender address rejected: not owned by user ph123; from=<sender@example.com> to=<recipient@example.com> proto=ESMTP helo=<example.com>");
        let ev = parse(&l);
        assert_eq!(
            (ev.kind, ev.get_str(Name::result)),
            ("smtpd.reject-warning", Some("reject_warning"))
        );
        assert_eq!(ev.get_int(Name::reject_code), Some(553));
    }

    #[test]
    fn hold_redirect_warn_and_info() {
        // Postfix's smtpd_check.c formats (access(5) HOLD, REDIRECT, WARN, INFO actions).
        let cases = [
            ("0B6B23F0F1: hold: RCPT from mx.example[192.0.2.5]: <a@b.example>: Recipient address triggers HOLD action; from=<s@x.example> to=<a@b.example> proto=ESMTP helo=<mx.example>", "smtpd.hold", "hold", "Recipient address triggers HOLD action"),
            ("0B6B23F0F1: redirect: RCPT from mx.example[192.0.2.5]: <a@b.example>: Recipient address triggers REDIRECT c@d.example; from=<s@x.example> to=<a@b.example> proto=ESMTP helo=<mx.example>", "smtpd.redirect", "redirect", "Recipient address triggers REDIRECT c@d.example"),
            ("NOQUEUE: warn: RCPT from mx.example[192.0.2.5]: suspicious sender; from=<s@x.example> to=<a@b.example> proto=ESMTP helo=<mx.example>", "smtpd.warn", "warn", "suspicious sender"),
            ("NOQUEUE: info: MAIL from mx.example[192.0.2.5]: seen; from=<s@x.example> proto=ESMTP helo=<mx.example>", "smtpd.info", "info", "seen"),
        ];
        for (msg, kind, result, info) in cases {
            let l = framed("smtpd", msg);
            let ev = parse(&l);
            assert_eq!(ev.kind, kind, "{msg}");
            assert_eq!(ev.get_str(Name::result), Some(result));
            assert_eq!(ev.get_str(Name::additional_info), Some(info));
            assert_eq!(ev.get_str(Name::src_ip), Some("192.0.2.5"));
            assert_eq!(ev.get_str(Name::sender), Some("s@x.example"));
        }
    }

    #[test]
    fn milter_reject() {
        let ev = parse("Mar 7 02:09:33 server postfix/smtpd[27246]: 1D8CC1CA0A7F: milter-reject: DATA from 66-220-155-151.mail-mail.facebook.com[192.0.2.151]: 550 5.7.1 Command rejected; from=<security@mail.example.com> to=<hostmaster@example.com> proto=ESMTP helo=<192-0-2-151.mail-mail.example.com>");
        assert_eq!(ev.queue_id, Some("1D8CC1CA0A7F"));
        exact(
            &ev,
            "smtpd.milter-reject",
            &[
                ("smtp_command", S("DATA")),
                ("result", S("milter-reject")),
                ("src_host", S("66-220-155-151.mail-mail.facebook.com")),
                ("src_ip", S("192.0.2.151")),
                ("reject_code", I(550)),
                ("reject_dsn", S("5.7.1")),
                ("additional_info", S("Command rejected")),
                ("sender", S("security@mail.example.com")),
                ("email_address", S("security@mail.example.com")),
                ("email_domain", S("mail.example.com")),
                ("dest_email_address", S("hostmaster@example.com")),
                ("dest_email_domain", S("example.com")),
                ("email_recipients", S("hostmaster@example.com")),
                ("proto", S("ESMTP")),
                ("helo", S("192-0-2-151.mail-mail.example.com")),
            ],
        );
    }

    #[test]
    fn proxy_accept_and_reject() {
        let l = framed("smtpd", "proxy-accept: END-OF-MESSAGE: 250 2.0.0 from MTA(smtp:[127.0.0.1]:10013): 250 2.0.0 Ok: queued as DF66E940333; from=<user1@test.example.com> to=<user2@example2.com> proto=ESMTP helo=<[127.0.0.1]>");
        exact(&parse(&l), "smtpd.proxy-accept", &[
            ("smtp_command", S("END-OF-MESSAGE")),
            ("result", S("proxy-accept")),
            ("sender", S("user1@test.example.com")),
            ("email_address", S("user1@test.example.com")),
            ("email_domain", S("test.example.com")),
            ("dest_email_address", S("user2@example2.com")),
            ("dest_email_domain", S("example2.com")),
            ("email_recipients", S("user2@example2.com")),
            ("proto", S("ESMTP")),
            ("helo", S("[127.0.0.1]")),
            ("additional_info", S("250 2.0.0 from MTA(smtp:[127.0.0.1]:10013): 250 2.0.0 Ok: queued as DF66E940333")),
            ("queued_as", S("DF66E940333")),
        ]);
        let l = framed("smtpd", "proxy-reject: END-OF-MESSAGE: 554 5.7.0 Reject, contact postmaster@example.com, id=31619-02 - spam; from=<> to=<user2@example2.com> proto=SMTP helo=<17.33.12.53>");
        let ev = parse(&l);
        assert_eq!(ev.kind, "smtpd.proxy-reject");
        assert_eq!(ev.get_int(Name::reject_code), Some(554));
        assert_eq!(
            ev.get_str(Name::additional_info),
            Some("Reject, contact postmaster@example.com, id=31619-02 - spam")
        );
        let l = framed("smtpd", "proxy-reject: END-OF-MESSAGE: ; from=<user1@test.example.com> to=<user2@example2.com> proto=ESMTP helo=<[192.168.0.16]>");
        let ev = parse(&l);
        assert_eq!(
            (ev.kind, ev.get_str(Name::additional_info)),
            ("smtpd.proxy-reject", None)
        );
    }

    #[test]
    fn hostname_does_not_resolve() {
        let ev = parse("Aug 14 10:00:01 mail postfix/smtpd[1234]: warning: hostname bad.example.com does not resolve to address 192.0.2.44: Name or service not known");
        exact(
            &ev,
            "smtpd.hostname-unresolved",
            &[
                ("severity", S("warning")),
                ("src_host", S("bad.example.com")),
                ("src_ip", S("192.0.2.44")),
                ("additional_info", S("Name or service not known")),
            ],
        );
        let ev = parse("May  8 08:26:55 mail postfix/smtpd[27266]: warning: hostname other.host does not resolve to address 1.2.3.4");
        assert_eq!(
            (ev.get_str(Name::src_ip), ev.get_str(Name::additional_info)),
            (Some("1.2.3.4"), None)
        );
        let l = framed("smtpd", "warning: hostname v6.example does not resolve to address 2001:db8::5: Name or service not known");
        assert_eq!(parse(&l).get_str(Name::src_ip), Some("2001:db8::5"));
    }

    #[test]
    fn address_not_listed_and_verification_failed() {
        // Older Postfix (smtpd_peer.c before 2.3) format.
        let l = framed(
            "smtpd",
            "warning: 192.0.2.7: address not listed for hostname mail.example.net",
        );
        exact(
            &parse(&l),
            "smtpd.address-not-listed",
            &[
                ("severity", S("warning")),
                ("src_ip", S("192.0.2.7")),
                ("src_host", S("mail.example.net")),
            ],
        );
        let ev = parse("May  8 08:26:55 mail postfix/smtpd[5268]: warning: 89.248.162.178: hostname no-reverse-dns-configured.com verification failed: Name or service not known");
        exact(
            &ev,
            "smtpd.hostname-verification-failed",
            &[
                ("severity", S("warning")),
                ("src_ip", S("89.248.162.178")),
                ("src_host", S("no-reverse-dns-configured.com")),
                ("additional_info", S("Name or service not known")),
            ],
        );
    }

    #[test]
    fn improper_pipelining() {
        let ev = parse("Jan 12 11:07:49 emf1pt2-2-35-70 postfix/smtpd[13767]: improper command pipelining after DATA from unknown[181.21.131.88]:");
        exact(
            &ev,
            "smtpd.improper-pipelining",
            &[("smtp_command", S("DATA")), ("src_ip", S("181.21.131.88"))],
        );
        let l = framed(
            "smtpd",
            r"improper command pipelining after EHLO from unknown[2001:968:9999:20:415c:cd2:da8e:d0cf]: MAIL FROM:<>\nRCPT TO:<tom@example.net>\nDATA\nSubject: pipeline test\n\nThis is a test\n.\nQUIT\n\r\n",
        );
        let ev = parse(&l);
        assert_eq!(
            ev.get_str(Name::src_ip),
            Some("2001:968:9999:20:415c:cd2:da8e:d0cf")
        );
        assert_eq!(
            ev.get_str(Name::additional_info),
            Some(
                r"MAIL FROM:<>\nRCPT TO:<tom@example.net>\nDATA\nSubject: pipeline test\n\nThis is a test\n.\nQUIT\n\r\n"
            )
        );
    }

    #[test]
    fn ssl_accept_error() {
        let l = framed(
            "smtpd",
            "SSL_accept error from unknown[72.13.58.7]: lost connection",
        );
        exact(
            &parse(&l),
            "smtpd.ssl-accept-error",
            &[
                ("src_ip", S("72.13.58.7")),
                ("additional_info", S("lost connection")),
            ],
        );
    }

    #[test]
    fn tls_established() {
        let l = framed("smtpd", "Anonymous TLS connection established from julie.example.com[10.163.89.202]: TLSv1.2 with cipher AECDH-AES256-SHA (256/256 bits)");
        exact(
            &parse(&l),
            "smtpd.tls-established",
            &[
                ("src_host", S("julie.example.com")),
                ("src_ip", S("10.163.89.202")),
                ("result", S("Anonymous")),
                (
                    "additional_info",
                    S("TLSv1.2 with cipher AECDH-AES256-SHA (256/256 bits)"),
                ),
            ],
        );
        // With SNI (tls_misc.c: `from NAMADDR to SNI`).
        let l = framed("smtpd", "Untrusted TLS connection established from c.example[192.0.2.3]:4711 to mx.example.net: TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)");
        let ev = parse(&l);
        assert_eq!(
            (ev.get_str(Name::result), ev.get_int(Name::src_port)),
            (Some("Untrusted"), Some(4711))
        );
        assert_eq!(
            ev.get_str(Name::additional_info),
            Some("TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)")
        );
    }

    #[test]
    fn limit_exceeded() {
        let ev = parse("Sep 19 12:10:57 hostname postfix/smtpd[23244]: warning: Connection rate limit exceeded: 31 from spamhost.domain.org[192.0.2.123] for service smtpd");
        exact(&ev, "smtpd.limit-exceeded", &[
            ("severity", S("warning")),
            ("src_host", S("spamhost.domain.org")),
            ("src_ip", S("192.0.2.123")),
            ("count", I(31)),
            ("service", S("smtpd")),
            ("additional_info", S("Connection rate limit exceeded: 31 from spamhost.domain.org[192.0.2.123] for service smtpd")),
        ]);
    }

    #[test]
    fn non_smtp_command() {
        let ev = parse("2024-10-31T12:38:21.817327+00:00 machine postfix/submission/smtpd[2634372]: warning: non-SMTP command from unknown[192.168.1.1]: GET / HTTP/1.1");
        assert_eq!(ev.daemon, Some("smtpd"));
        exact(
            &ev,
            "smtpd.non-smtp-command",
            &[
                ("severity", S("warning")),
                ("src_ip", S("192.168.1.1")),
                ("additional_info", S("GET / HTTP/1.1")),
            ],
        );
    }

    #[test]
    fn rbl_lookup_error() {
        let ev = parse("May  8 08:26:55 mail postfix/smtpd[472]: warning: 199.249.24.179.list.dsbl.org: RBL lookup error: Host or domain name not found. Name service error for name=199.249.24.179.list.dsbl.org type=A: Host not found, try again");
        exact(&ev, "smtpd.rbl-lookup-error", &[
            ("severity", S("warning")),
            ("src_ip", S("179.24.249.199")),
            ("dnsbl_domain", S("list.dsbl.org")),
            ("additional_info", S("199.249.24.179.list.dsbl.org: RBL lookup error: Host or domain name not found. Name service error for name=199.249.24.179.list.dsbl.org type=A: Host not found, try again")),
        ]);
    }

    #[test]
    fn illegal_address_syntax() {
        let ev = parse("May  8 08:26:55 mail postfix/smtpd[32655]: warning: Illegal address syntax from unknown[157.122.148.252] in MAIL command: <adgjlo@78.41.116.116>");
        exact(
            &ev,
            "smtpd.illegal-address-syntax",
            &[
                ("severity", S("warning")),
                ("smtp_command", S("MAIL")),
                ("src_ip", S("157.122.148.252")),
                ("additional_info", S("<adgjlo@78.41.116.116>")),
            ],
        );
    }

    #[test]
    fn discarding_ehlo_keywords_and_table_changed() {
        let l = framed(
            "smtpd",
            "discarding EHLO keywords: CHUNKING ETRN DSN 8BITMIME",
        );
        exact(
            &parse(&l),
            "smtpd.discarding-ehlo-keywords",
            &[("additional_info", S("CHUNKING ETRN DSN 8BITMIME"))],
        );
        let ev = parse("Feb 14 19:05:25 123-mail postfix/smtpd[1517]: table hash:/etc/postfix/virtual_mailbox_maps(0,lock|fold_fix) has changed -- restarting");
        exact(
            &ev,
            "smtpd.table-changed",
            &[(
                "additional_info",
                S("hash:/etc/postfix/virtual_mailbox_maps(0,lock|fold_fix)"),
            )],
        );
    }

    #[test]
    fn sasl_library_messages() {
        let ev = parse("Apr 26 10:55:19 tcc1 postfix/smtpd[21126]: warning: SASL authentication failure: cannot connect to saslauthd server: Permission denied");
        exact(
            &ev,
            "smtpd.sasl-error",
            &[
                ("severity", S("warning")),
                (
                    "additional_info",
                    S("cannot connect to saslauthd server: Permission denied"),
                ),
            ],
        );
        // xsasl_dovecot_server.c, older and newer wording.
        for msg in [
            "warning: SASL: Connect to private/auth failed: No such file or directory",
            "warning: SASL: Connect to Dovecot auth socket 'private/auth' failed: Connection refused",
        ] {
            assert_eq!(parse(&framed("smtpd", msg)).kind, "smtpd.sasl-connect-failed", "{msg}");
        }
    }

    #[test]
    fn services_smtpd_depends_on() {
        // Formats of tls_misc.c, attr_clnt.c, milter8.c and dict_db.c.
        let cases = [
            ("warning: TLS library problem: error:0A000126:SSL routines::unexpected eof while reading:ssl/record/rec_layer_s3.c:689:", "smtpd.tls-library-problem", "error:0A000126:SSL routines::unexpected eof while reading:ssl/record/rec_layer_s3.c:689:"),
            ("warning: problem talking to server private/policy: Connection refused", "smtpd.policy-problem", "private/policy: Connection refused"),
            ("warning: connect to Milter service inet:127.0.0.1:8891: Connection refused", "smtpd.milter-connect-failed", "inet:127.0.0.1:8891: Connection refused"),
            ("warning: milter inet:127.0.0.1:8891: can't read SMFIC_MAIL reply packet header: Broken pipe", "smtpd.milter-warning", "inet:127.0.0.1:8891: can't read SMFIC_MAIL reply packet header: Broken pipe"),
            ("warning: database /etc/postfix/access.db is older than source file /etc/postfix/access", "smtpd.database-older-than-source", "database /etc/postfix/access.db is older than source file /etc/postfix/access"),
        ];
        for (msg, kind, info) in cases {
            let l = framed("smtpd", msg);
            exact(
                &parse(&l),
                kind,
                &[("severity", S("warning")), ("additional_info", S(info))],
            );
        }
    }

    #[test]
    fn generic_diagnostics_fall_back() {
        let ev = parse("Mar 16 12:28:02 123-mail postfix/smtpd[16268]: fatal: file /etc/postfix/main.cf: parameter default_privs: unknown user name value: nobody");
        exact(&ev, "smtpd.fatal", &[
            ("severity", S("fatal")),
            ("additional_info", S("file /etc/postfix/main.cf: parameter default_privs: unknown user name value: nobody")),
        ]);
        // A TLS library problem without a tag may be smtp's: smtpd does not claim it.
        let ev = parse("warning: TLS library problem: error:14082174:SSL routines:SSL3_CHECK_CERT_AND_ALGORITHM:dh key too small:s3_clnt.c:3347:");
        assert_ne!(ev.kind, "smtpd.tls-library-problem");
    }

    #[test]
    fn untagged_lines_are_inferred_as_smtpd() {
        for (msg, kind) in [
            ("connect from 061238241086.static.ctinets.com[61.238.241.86]", "smtpd.connect"),
            ("4104E3D: client=061238241086.static.ctinets.com[61.238.241.86]", "smtpd.client"),
            ("NOQUEUE: reject: RCPT from news.zihan-promo.com[192.36.205.58]: 554 5.7.1 Service unavailable; Helo command [news.zihan-promo.com] blocked using dbl.spamhaus.org; http://www.spamhaus.org/query/dbl?domain=zihan-promo.com; from=<mark.alexander@zihan-promo.com> to=<tom@example.com> proto=ESMTP helo=<news.zihan-promo.com>", "smtpd.reject"),
            ("warning: hostname exemple.com does not resolve to address 185.14.29.32", "smtpd.hostname-unresolved"),
        ] {
            let ev = parse(msg);
            assert_eq!((ev.kind, ev.daemon), (kind, Some("smtpd")), "{msg}");
        }
        let ev = parse("NOQUEUE: reject: RCPT from news.zihan-promo.com[192.36.205.58]: 554 5.7.1 Service unavailable; Helo command [news.zihan-promo.com] blocked using dbl.spamhaus.org; http://www.spamhaus.org/query/dbl?domain=zihan-promo.com; from=<mark.alexander@zihan-promo.com> to=<tom@example.com> proto=ESMTP helo=<news.zihan-promo.com>");
        assert_eq!(ev.get_str(Name::dnsbl_domain), Some("dbl.spamhaus.org"));
    }

    #[test]
    fn not_smtpd() {
        for msg in [
            "NOQUEUE: reject: Unsupported",
            "Unsupported",
            "connect from",
            "disconnect from x",
            "client=",
            "lost connection after",
            "warning: x[1.2.3.4]: something else",
        ] {
            let l = framed("smtpd", msg);
            let ev = parse(&l);
            assert!(
                !ev.kind.starts_with("smtpd.") || ev.kind == "smtpd.warning",
                "{msg}: {}",
                ev.kind
            );
        }
    }

    #[test]
    fn every_prefix_of_a_line_is_safe() {
        let lines = [
            "Dec  2 22:24:22 hel postfix/smtpd[7676]: warning: 114-44-142-233.dynamic.hinet.net[114.44.142.233]: SASL CRAM-MD5 authentication failed: PDc3, sasl_username=é",
            "Mar 11 23:27:54 server postfix-smo/submission/smtpd[22427]: 44JCRG5tYPzCqt2: reject: BDAT from signing-milter.example.com[192.0.2.109]: 550 5.5.3 <DATA>: Data command rejected: Multi-recipient bounce; from=<> to=<some@example.com> proto=ESMTP helo=<domain.tld>",
            "Oct 26 18:13:50 mx postfix/smtpd[1]: 3mPVKl0Mhjz7sXv: client=localhost[::1]:41234, sasl_method=LOGIN, sasl_username=jdoé, orig_queue_id=4F1A2B3C4D, orig_client=w[10.1.2.17]",
            "Oct 26 18:13:50 mx postfix/smtpd[1]: lost connection after DATA (7774180 bytes) from unknown[72.13.58.7]",
            "Oct 26 18:13:50 mx postfix/smtpd[1]: warning: 199.249.24.179.list.dsbl.org: RBL lookup error: Host not found",
            "Oct 26 18:13:50 mx postfix/smtpd[1]: Untrusted TLS connection established from c.example[192.0.2.3]:4711 to mx.example.net: TLSv1.3 with cipher X",
            "Oct 26 18:13:50 mx postfix/smtpd[1]: warning: Connection rate limit exceeded: 31 from spamhost.domain.org[192.0.2.123] for service smtpd",
            "Oct 26 18:13:50 mx postfix/smtpd[1]: proxy-accept: END-OF-MESSAGE: 250 2.0.0 Ok: queued as DF66E940333; from=<a@b> to=<c@d> proto=ESMTP helo=<[127.0.0.1]>",
            r"Dec 23 19:39:13 xxx postfix/postscreen[21057]: PREGREET 14 after 0.08 from [192.0.2.2]:59415: EHLO ylmf-pc\r\n",
            "May  5 15:51:11 xxx postfix/postscreen[1148]: NOQUEUE: reject: RCPT from [216.245.194.173]:60591: 550 5.7.1 Service unavailable; client [216.245.194.173] blocked using rbl.example.com; from=<s@e.com>, to=<g@e.com>, proto=ESMTP, helo=<b.e.com>",
            "Oct 26 18:13:50 mx postfix/postscreen[1]: CONNECT from [123.45.67.89]:12345 to [123.45.67.89]:25",
            "Oct 26 18:13:50 mx postfix/postscreen[1]: HANGUP after 16 from [192.0.2.3]:48119 in tests after SMTP handshake",
            "Oct 26 18:13:50 mx postfix/cleanup[1]: 413E164734: info: header Content-Disposition: attachment;? filename=\"=?UTF-8?B?SU5WT0lDRV/Dtl/DpF/DvF8=?= =?UTF-8?B? from localhost[127.0.0.1]; from=<f@e.com> to=<t@e.com> proto=ESMTP helo=<l>: text",
            "Oct 26 18:13:50 mx postfix/cleanup[1]: 1A2B3C4D5E: warning: header Subject: =?utf-8?Q?Gr=C3=BC=C3=9Fe?=? =?utf-8?Q?_=E2=80=92?= Grüße? täst from mx.example[192.0.2.1]:25; from=<a@b.example> to=<c@d.example> proto=ESMTP helo=<mx>",
            "Oct 26 18:13:50 mx postfix/cleanup[1]: 1A2B3C4D5E: warning: header Content-Type: a/b; name*0*=UTF-8''%E2%82; name*1*=%AC; name*2=\".pdf\" from local; from=<a@b.example>",
            "Oct 26 18:13:50 mx postfix/cleanup[1]: ADD961003206D: message-id==?UTF-8?B?PDE5?=? =?UTF-8?B?MTIy?=",
            "Oct 26 18:13:50 mx postfix/cleanup[1]: 4104E3D: milter-header-redirect: header X: Y from h[61.238.241.86]; from=<w@c.com> to=<v@e.com> proto=ESMTP helo=<e.com>: t@e.com",
            "Oct 26 18:13:50 mx postfix/cleanup[1]: warning: 9BECF3F19D: sender_canonical_maps map lookup problem for s@e.com -- message not accepted",
            "Oct 26 18:13:50 mx postfix/anvil[1]: statistics: max connection rate 1/60s for (127.0.0.1:2525:2001:db8::1) at Jun 10 06:22:30",
            "Oct 26 18:13:50 mx postfix/scache[1]: statistics: max simultaneous domains=1 addresses=1 connection=1",
            "Oct 26 18:13:50 mx postfix/dnsblog[1]: warning: dnsblog_query: lookup error for DNS query 1.2.3.4.zen.example: x",
            "Oct 26 18:13:50 mx postfix/tlsproxy[1]: Trusted TLS connection established to g.example[173.194.222.27]:25: TLSv1.3",
            "Oct 26 18:13:50 mx postfix/verify[1]: cache lmdb:/v/verify_cache full cleanup: retained=724 dropped=6 entries",
        ];
        for line in lines {
            for (i, _) in line.char_indices() {
                let _ = parse(&line[..i]);
                // Message-only prefixes go through the inference of every daemon.
                if let Some(p) = line.find("]: ") {
                    if i > p + 3 {
                        let _ = parse(&line[p + 3..i]);
                    }
                }
            }
        }
    }

    #[test]
    fn dnsbl_query_names() {
        assert_eq!(
            super::dnsbl_query("4.3.2.1.zen.spamhaus.org"),
            Some(("1.2.3.4".to_owned(), "zen.spamhaus.org"))
        );
        for q in [
            "example.com.dbl.spamhaus.org",
            "4.3.2.1",
            "256.3.2.1.x.org",
            "a.b.c.d.e",
        ] {
            assert_eq!(super::dnsbl_query(q), None, "{q}");
        }
    }
}
