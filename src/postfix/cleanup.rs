//! `cleanup` messages: the Message-ID of each new queue file, and what header/body checks and milters did
//! to the message.
//!
//! | kind | message |
//! | --- | --- |
//! | `cleanup.message-id`, `cleanup.resent-message-id` | `QID: message-id=<ID>` (`internet_message_id`, without the brackets) |
//! | `cleanup.header-warning` / `cleanup.body-warning` | `QID: warning: header NAME: VALUE from ORIGIN; from=<S> to=<R> proto=P helo=<H>[: TEXT]` (actions `warning` and `info`; `body LINE` for body checks) |
//! | `cleanup.reject`, `.discard`, `.hold`, `.redirect`, `.replace`, `.prepend`, `.filter`, `.pass`, `.delay`, `.bcc`, `.strip` | the same shape with the other header/body check actions (and `reject: mime-error ...`) |
//! | `cleanup.milter-header-check` / `cleanup.milter-body-check` | `QID: milter-header-ACTION: header NAME: VALUE from H[IP]; ...` (`milter_header_checks`) |
//! | `cleanup.milter-reject`, `.milter-hold`, `.milter-discard` | `QID: milter-reject: END-OF-MESSAGE from H[IP]: 5.7.1 TEXT; from=<S> to=<R> proto=P helo=<H>` |
//! | `cleanup.map-lookup-problem`, `.message-rejected`, `.size-limit-exceeded` | `warning: QID: sender_canonical_maps map lookup problem for A -- message not accepted, try again later`, `warning: QID: message rejected: ...`, `warning: QID: queue file size limit exceeded` |
//! | `cleanup.milter-warning`, `.milter-connect-failed`, `.map-warning`, `.database-older-than-source` | `warning: milter M: ...`, `warning: connect to Milter service M: ...`, `warning: dict_ldap_...: ...`, `warning: database D is older than source file F` (tagged lines only: other daemons log them too) |
//!
//! A header check line carries `header_name`, `header_value` (the header text as logged, up to the
//! origin), `result` (the action), the origin as `src_host`/`src_ip`/`src_port` (none for `local`), the
//! context list as `sender`, `dest_email_address` (the last recipient only), `proto`, `helo`, and the
//! action's optional text as `additional_info`. A `Subject` gives `email_subject`: the subject alone,
//! unfolded and RFC 2047 decoded; a `Content-Disposition` or `Content-Type` naming a file gives
//! `file_name`, decoded ([`super::mime`]).

use std::borrow::Cow;

use super::lex::{self, QueueId};
use super::mime;
use super::smtpd::{put_client, put_context, put_reply, put_text, split_context, tagged};
use super::Msg;
use crate::event::LineEvent;

/// Recognises a `cleanup` message; see the module docs for the shapes.
pub fn parse<'a>(m: &Msg<'a>, ev: &mut LineEvent<'a>) -> Option<&'static str> {
    let b = m.body;
    if let Some(rest) = b.strip_prefix("warning: ") {
        return warning(m, ev, rest);
    }
    if !matches!(m.queue, QueueId::Id(_)) {
        return None;
    }
    if let Some(v) = b.strip_prefix("message-id=") {
        put_message_id(ev, v);
        return Some("cleanup.message-id");
    }
    if let Some(v) = b.strip_prefix("resent-message-id=") {
        put_message_id(ev, v);
        return Some("cleanup.resent-message-id");
    }
    let (action, rest) = b.split_once(": ")?;
    if let Some(kind) = milter_reply(m, ev, action, rest) {
        return Some(kind);
    }
    let (milter, word) = match action.strip_prefix("milter-") {
        Some(r) => {
            let (class, word) = r.split_once('-')?;
            if !matches!(class, "header" | "body") || !rest.starts_with(class) {
                return None;
            }
            (true, word)
        }
        None => (false, action),
    };
    check(ev, milter, word, rest)
}

/// `internet_message_id`: the id without its angle brackets; the raw value when it has none; nothing when
/// it is empty (`message-id=<>`, logged when the message had none). Some mailers RFC 2047-encode the whole
/// Message-ID header (`message-id==?UTF-8?B?PDE5?=? =?UTF-8?B?...?=`): that is unfolded and decoded.
fn put_message_id<'a>(ev: &mut LineEvent<'a>, v: &'a str) {
    let v = v.trim();
    if !v.starts_with('<') && lex::find(v, "=?").is_some() {
        let decoded = mime::decode_words(&mime::unfold(v, 12)).into_owned();
        let id = unbracket(decoded.trim()).trim();
        if !id.is_empty() {
            ev.put_owned("internet_message_id", id.to_owned());
        }
        return;
    }
    let id = unbracket(v);
    if !id.is_empty() {
        ev.put("internet_message_id", id);
    }
}

/// `<id>` -> `id`; an id cut off before its `>` keeps what there is.
fn unbracket(v: &str) -> &str {
    match v.strip_prefix('<') {
        Some(inner) => inner.strip_suffix('>').unwrap_or(inner),
        None => v,
    }
}

/// The kinds of the header/body check actions (`cleanup_act`), as logged.
fn action_kind(word: &str, body: bool) -> Option<&'static str> {
    Some(match word {
        "warning" | "info" if body => "cleanup.body-warning",
        "warning" | "info" => "cleanup.header-warning",
        "reject" => "cleanup.reject",
        "discard" => "cleanup.discard",
        "hold" => "cleanup.hold",
        "redirect" => "cleanup.redirect",
        "replace" => "cleanup.replace",
        "prepend" => "cleanup.prepend",
        "filter" => "cleanup.filter",
        "pass" => "cleanup.pass",
        "delay" => "cleanup.delay",
        "bcc" => "cleanup.bcc",
        "strip" => "cleanup.strip",
        _ => return None,
    })
}

/// `ACTION: header|body|content|mime-error TEXT from ORIGIN; from=<S> to=<R> proto=P helo=<H>[: TEXT]`.
fn check<'a>(
    ev: &mut LineEvent<'a>,
    milter: bool,
    word: &'a str,
    rest: &'a str,
) -> Option<&'static str> {
    let (class, logged) = lex::word(rest);
    let is_header = class == "header";
    if !matches!(class, "header" | "body" | "content" | "mime-error") {
        return None;
    }
    let kind = match (milter, action_kind(word, !is_header)?) {
        (false, k) => k,
        (true, _) if is_header => "cleanup.milter-header-check",
        (true, _) => "cleanup.milter-body-check",
    };
    let (logged, origin, context) = split_origin(logged);
    ev.put("result", word);
    if is_header {
        put_header(ev, logged);
    } else {
        ev.put("header_value", logged);
    }
    if let Some((e, _)) = lex::endpoint(origin) {
        put_client(ev, &e);
    }
    let text = match context {
        Some((list, text)) => {
            put_context(ev, list);
            text
        }
        None => None,
    };
    match text {
        Some(t) if word == "reject" => put_reply(ev, t),
        Some(t) => put_text(ev, t),
        None => {}
    }
    Some(kind)
}

/// Pushes `header_name`, `header_value` and, for a subject or an attachment header, the decoded
/// `email_subject` or `file_name`.
fn put_header<'a>(ev: &mut LineEvent<'a>, logged: &'a str) {
    let Some((name, value)) = logged
        .split_once(':')
        .filter(|(n, _)| !n.is_empty() && !n.contains(' '))
    else {
        ev.put("header_value", logged);
        return;
    };
    let value = value.trim_start();
    ev.put("header_name", name);
    ev.put("header_value", value);
    // Folds are judged by line width, which counts from the start of the header line.
    let lead = logged.len() - value.len();
    if name.eq_ignore_ascii_case("subject") {
        let subject = match mime::unfold(value, lead) {
            Cow::Borrowed(s) => mime::decode_words(s),
            Cow::Owned(s) => Cow::Owned(mime::decode_words(&s).into_owned()),
        };
        put_cow(ev, "email_subject", trim_cow(subject));
    } else if name.eq_ignore_ascii_case("content-disposition")
        || name.eq_ignore_ascii_case("content-type")
    {
        let file = match mime::unfold(value, lead) {
            Cow::Borrowed(s) => mime::file_name(s),
            Cow::Owned(s) => mime::file_name(&s).map(|f| Cow::Owned(f.into_owned())),
        };
        if let Some(f) = file {
            put_cow(ev, "file_name", f);
        }
    }
}

fn trim_cow(c: Cow<'_, str>) -> Cow<'_, str> {
    match c {
        Cow::Borrowed(s) => Cow::Borrowed(s.trim()),
        Cow::Owned(s) if s.trim().len() == s.len() => Cow::Owned(s),
        Cow::Owned(s) => Cow::Owned(s.trim().to_owned()),
    }
}

fn put_cow<'a>(ev: &mut LineEvent<'a>, name: &'static str, v: Cow<'a, str>) {
    match v {
        Cow::Borrowed(s) => ev.put(name, s),
        Cow::Owned(s) => ev.put_owned(name, s),
    }
}

/// Whether an origin is one cleanup logs: `local`, `unknown`, or `NAME[ADDR][:PORT]`.
fn is_origin(o: &str) -> bool {
    matches!(o, "local" | "unknown" | "none")
        || lex::endpoint(o).is_some_and(|(e, rest)| rest.is_empty() && !e.host.is_empty())
}

/// Splits the context list after a header check's `;` from the action's optional `: TEXT`.
fn context_and_text(after: &str) -> Option<(&str, Option<&str>)> {
    fn whole(s: &str) -> bool {
        let mut it = lex::pairs(s);
        let mut n = 0;
        for p in it.by_ref() {
            if !matches!(p.key, "from" | "to" | "proto" | "helo") {
                return false;
            }
            n += 1;
        }
        n > 0 && it.rest().trim().is_empty()
    }
    if after.trim().is_empty() {
        return Some(("", None));
    }
    if !after.starts_with(' ') {
        return None;
    }
    if whole(after) {
        return Some((after, None));
    }
    let mut from = 0;
    while let Some(off) = lex::find(&after[from..], ": ") {
        let c = from + off;
        if whole(&after[..c]) {
            return Some((&after[..c], Some(&after[c + 2..])));
        }
        from = c + 2;
    }
    None
}

/// Splits `TEXT from ORIGIN; CONTEXT[: OPTIONAL]` into the logged text, the origin and the context. The
/// text may itself hold ` from ` and `;`: the split is at the first `;` that the context follows, and at
/// the last ` from ` before it. A line cut before that `;` is all text.
#[allow(clippy::type_complexity)]
fn split_origin(s: &str) -> (&str, &str, Option<(&str, Option<&str>)>) {
    let mut from = 0;
    while let Some(off) = s[from..].find(';') {
        let p = from + off;
        if let Some(ctx) = context_and_text(&s[p + 1..]) {
            let before = &s[..p];
            if let Some(i) = before.rfind(" from ") {
                let origin = &before[i + 6..];
                if is_origin(origin) {
                    return (&before[..i], origin, Some(ctx));
                }
            }
        }
        from = p + 1;
    }
    (s, "", None)
}

/// `milter-reject|milter-hold|milter-discard: STAGE from H[IP]: TEXT; from=<S> to=<R> proto=P helo=<H>`.
/// An untagged line is cleanup's only at END-OF-MESSAGE; earlier stages are smtpd's milters.
fn milter_reply<'a>(
    m: &Msg<'a>,
    ev: &mut LineEvent<'a>,
    action: &'a str,
    rest: &'a str,
) -> Option<&'static str> {
    let kind = match action {
        "milter-reject" => "cleanup.milter-reject",
        "milter-hold" => "cleanup.milter-hold",
        "milter-discard" => "cleanup.milter-discard",
        _ => return None,
    };
    let (stage, rest) = rest.split_once(" from ")?;
    if stage.is_empty() || !stage.bytes().all(|c| c.is_ascii_uppercase() || c == b'-') {
        return None;
    }
    if stage != "END-OF-MESSAGE" && !tagged(m, ev) {
        return None;
    }
    let (e, rest) = lex::endpoint(rest)?;
    let rest = rest.strip_prefix(": ")?;
    ev.put("smtp_command", stage);
    ev.put("result", action);
    put_client(ev, &e);
    let (text, context) = split_context(rest);
    put_reply(ev, text);
    if let Some(c) = context {
        put_context(ev, c);
    }
    Some(kind)
}

/// `warning: ...` messages of cleanup.
fn warning<'a>(m: &Msg<'a>, ev: &mut LineEvent<'a>, rest: &'a str) -> Option<&'static str> {
    ev.put("severity", "warning");
    if let (QueueId::Id(id), text) = lex::split_queue_id(rest) {
        let kind = if lex::find(text, " map lookup problem").is_some() {
            "cleanup.map-lookup-problem"
        } else if text.starts_with("message rejected: ") {
            "cleanup.message-rejected"
        } else if text == "queue file size limit exceeded" {
            "cleanup.size-limit-exceeded"
        } else {
            return None;
        };
        ev.queue_id = Some(id);
        ev.put("additional_info", text);
        return Some(kind);
    }
    if !tagged(m, ev) {
        return None;
    }
    let kind = if let Some(r) = rest.strip_prefix("milter ") {
        put_text(ev, r);
        "cleanup.milter-warning"
    } else if let Some(r) = rest.strip_prefix("connect to Milter service ") {
        put_text(ev, r);
        "cleanup.milter-connect-failed"
    } else if rest.starts_with("dict_") {
        put_text(ev, rest);
        "cleanup.map-warning"
    } else if rest.starts_with("database ")
        && lex::find(rest, " is older than source file ").is_some()
    {
        ev.put("additional_info", rest);
        "cleanup.database-older-than-source"
    } else {
        return None;
    };
    Some(kind)
}
