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
//! origin; for a body check the body line), `result` (the action), the origin as `src_host`/`src_ip`/`src_port` (none for `local`), the
//! context list as `sender`, `dest_email_address` (the last recipient only), `proto`, `helo`, and the
//! action's optional text as `additional_info`. A `Subject` gives `email_subject`: the subject alone,
//! unfolded and RFC 2047 decoded; a `Content-Disposition` or `Content-Type` naming a file gives
//! `file_name`, decoded ([`super::mime`]).

use std::borrow::Cow;

use super::lex::{self, QueueId};
use super::mime;
use super::smtpd::{put_client, put_context, put_reply, put_text, split_context, tagged};
use super::Msg;
use crate::event::{LineEvent, Name};

/// Recognises a `cleanup` message; see the module docs for the shapes.
pub fn parse<'a>(m: &Msg<'a>, ev: &mut LineEvent<'a>) -> Option<&'static str> {
    let b = m.body;
    // The Message-ID line is recognised without a queue id too (test tables strip it).
    if let Some(v) = b.strip_prefix("message-id=") {
        put_message_id(ev, v);
        return Some("cleanup.message-id");
    }
    if !matches!(m.queue, QueueId::Id(_)) {
        return warning(m, ev, b.strip_prefix("warning: ")?);
    }
    if let Some(v) = b.strip_prefix("resent-message-id=") {
        put_message_id(ev, v);
        return Some("cleanup.resent-message-id");
    }
    let (action, rest) = lex::split_once(b, ": ")?;
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
            ev.put_owned(Name::internet_message_id, id.to_owned());
        }
        return;
    }
    let id = unbracket(v);
    if !id.is_empty() {
        ev.put(Name::internet_message_id, id);
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
    ev.put(Name::result, word);
    if is_header {
        put_header(ev, logged);
    } else {
        ev.put(Name::header_value, logged);
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
        ev.put(Name::header_value, logged);
        return;
    };
    let value = value.trim_start();
    ev.put(Name::header_name, name);
    ev.put(Name::header_value, value);
    // Folds are judged by line width, which counts from the start of the header line.
    let lead = logged.len() - value.len();
    if name.eq_ignore_ascii_case("subject") {
        let subject = match mime::unfold(value, lead) {
            Cow::Borrowed(s) => mime::decode_words(s),
            Cow::Owned(s) => Cow::Owned(mime::decode_words(&s).into_owned()),
        };
        put_cow(ev, Name::email_subject, trim_cow(subject));
    } else if name.eq_ignore_ascii_case("content-disposition")
        || name.eq_ignore_ascii_case("content-type")
    {
        let file = match mime::unfold(value, lead) {
            Cow::Borrowed(s) => mime::file_name(s),
            Cow::Owned(s) => mime::file_name(&s).map(|f| Cow::Owned(f.into_owned())),
        };
        if let Some(f) = file {
            put_cow(ev, Name::file_name, f);
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

fn put_cow<'a>(ev: &mut LineEvent<'a>, name: Name, v: Cow<'a, str>) {
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
            if let Some(i) = lex::rfind(before, " from ") {
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
    ev.put(Name::smtp_command, stage);
    ev.put(Name::result, action);
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
    ev.put(Name::severity, "warning");
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
        ev.put(Name::additional_info, text);
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
        ev.put(Name::additional_info, rest);
        "cleanup.database-older-than-source"
    } else {
        return None;
    };
    Some(kind)
}

#[cfg(test)]
mod tests {
    use crate::event::Name;
    use crate::postfix::smtpd::testing::{exact, framed, parse, V::*};

    #[test]
    fn message_id() {
        let ev = parse("Mar  6 09:44:51 letterman postfix/cleanup[16382]: 3C3CE205E3: message-id=<1769646355.10117466.1583484291216@mail-processor-wa1>");
        assert_eq!(ev.queue_id, Some("3C3CE205E3"));
        exact(
            &ev,
            "cleanup.message-id",
            &[(
                "internet_message_id",
                S("1769646355.10117466.1583484291216@mail-processor-wa1"),
            )],
        );
    }

    #[test]
    fn empty_cut_off_and_unbracketed_message_ids() {
        exact(
            &parse(&framed("cleanup", "4104E3D: message-id=<>")),
            "cleanup.message-id",
            &[],
        );
        exact(
            &parse(&framed("cleanup", "4104E3D: message-id=")),
            "cleanup.message-id",
            &[],
        );
        exact(
            &parse(&framed("cleanup", "4104E3D: message-id=<")),
            "cleanup.message-id",
            &[],
        );
        let l = framed("cleanup", "4104E3D: message-id=<abc@ex");
        let ev = parse(&l);
        assert_eq!(ev.get_str(Name::internet_message_id), Some("abc@ex"));
        let ev = parse("2013 Jun 10 07:59:35.123 gds39d postfix/cleanup[21801]: 260103FC068XXXX: message-id=msgId-260103FC068XXXX");
        assert_eq!(
            ev.get_str(Name::internet_message_id),
            Some("msgId-260103FC068XXXX")
        );
    }

    #[test]
    fn an_encoded_and_folded_message_id() {
        // grok-patterns.log: a mailer RFC 2047-encoded the Message-ID header, and folded it.
        let l = framed("cleanup", "ADD961003206D: message-id==?UTF-8?B?PDE5?=? =?UTF-8?B?MTIyMDExMjkxNjYxMUBDbGllbnQtMDQ1LnJ1YmluZXR0ZXJpZS5sb2NhbD4=?=");
        let ev = parse(&l);
        exact(
            &ev,
            "cleanup.message-id",
            &[(
                "internet_message_id",
                S("191220112916611@Client-045.rubinetterie.local"),
            )],
        );
    }

    #[test]
    fn resent_message_id() {
        let l = framed(
            "cleanup",
            "3mL1Hq0Tgvz7sWh: resent-message-id=<3mL1Hq0Tgvz7sWh@mx14.example.net>",
        );
        exact(
            &parse(&l),
            "cleanup.resent-message-id",
            &[("internet_message_id", S("3mL1Hq0Tgvz7sWh@mx14.example.net"))],
        );
    }

    #[test]
    fn info_header() {
        let ev = parse("2013 Jun 18 17:34:07.123 gds39d postfix/cleanup[14685]: 3bYsfs23wBzs7Dv: info: header client-id: test-mail-module from localhost[127.0.0.1]; from=<liska@fg.cz> to=<liska@fg.cz> proto=ESMTP helo=<jlinb>");
        assert_eq!(ev.queue_id, Some("3bYsfs23wBzs7Dv"));
        exact(
            &ev,
            "cleanup.header-warning",
            &[
                ("result", S("info")),
                ("header_name", S("client-id")),
                ("header_value", S("test-mail-module")),
                ("src_host", S("localhost")),
                ("src_ip", S("127.0.0.1")),
                ("sender", S("liska@fg.cz")),
                ("email_address", S("liska@fg.cz")),
                ("email_domain", S("fg.cz")),
                ("dest_email_address", S("liska@fg.cz")),
                ("dest_email_domain", S("fg.cz")),
                ("email_recipients", S("liska@fg.cz")),
                ("proto", S("ESMTP")),
                ("helo", S("jlinb")),
            ],
        );
    }

    #[test]
    fn warning_header_subject() {
        let l = framed("cleanup", "D8B07E3DB6: warning: header Subject: https://drive.google.com/file/d/0B8wxcvprDYVdlVsdf1kzOVkdisarmed/view?usp=sharing from o1678917x173.outbound-mail.sendgrid.net[167.89.17.173]; from=<bounces+2320708-7653-frank.test=hsdjasdd.co.uk@sendgrid.net> to=<frank.test@hsdjasdd.co.uk> proto=ESMTP helo=<o1678917x173.outbound-mail.sendgrid.net>");
        let ev = parse(&l);
        let url =
            "https://drive.google.com/file/d/0B8wxcvprDYVdlVsdf1kzOVkdisarmed/view?usp=sharing";
        exact(
            &ev,
            "cleanup.header-warning",
            &[
                ("result", S("warning")),
                ("header_name", S("Subject")),
                ("header_value", S(url)),
                ("email_subject", S(url)),
                ("src_host", S("o1678917x173.outbound-mail.sendgrid.net")),
                ("src_ip", S("167.89.17.173")),
                (
                    "sender",
                    S("bounces+2320708-7653-frank.test=hsdjasdd.co.uk@sendgrid.net"),
                ),
                (
                    "email_address",
                    S("bounces+2320708-7653-frank.test=hsdjasdd.co.uk@sendgrid.net"),
                ),
                ("email_domain", S("sendgrid.net")),
                ("dest_email_address", S("frank.test@hsdjasdd.co.uk")),
                ("dest_email_domain", S("hsdjasdd.co.uk")),
                ("email_recipients", S("frank.test@hsdjasdd.co.uk")),
                ("proto", S("ESMTP")),
                ("helo", S("o1678917x173.outbound-mail.sendgrid.net")),
            ],
        );
        assert_eq!(ev.parser, Some("postfix-postfix-str-email-subject"));
    }

    #[test]
    fn worked_example_subject_and_attachment() {
        // rules.md E.7.
        let ev = parse("Mar 18 09:12:01 mx1 postfix/cleanup[2105]: 4F1A2B3C4D: warning: header Subject: My resume - John Doe from wks-17.corp.example[10.1.2.17]; from=<john.doe@corp.example> to=<partner@fabrikam.example> proto=ESMTP helo=<wks-17>");
        assert_eq!(
            ev.get_str(Name::email_subject),
            Some("My resume - John Doe")
        );
        assert_eq!(ev.get_str(Name::header_value), Some("My resume - John Doe"));
        assert_eq!(ev.get_str(Name::src_host), Some("wks-17.corp.example"));
        assert_eq!(ev.get_str(Name::src_ip), Some("10.1.2.17"));
        assert_eq!(ev.get_str(Name::sender), Some("john.doe@corp.example"));
        assert_eq!(
            ev.get_str(Name::dest_email_address),
            Some("partner@fabrikam.example")
        );
        assert_eq!(ev.get_str(Name::helo), Some("wks-17"));
        let ev = parse("Mar 18 09:12:01 mx1 postfix/cleanup[2105]: 4F1A2B3C4D: warning: header Content-Disposition: attachment; filename=\"John_Doe_CV.pdf\" from wks-17.corp.example[10.1.2.17]; from=<john.doe@corp.example> to=<partner@fabrikam.example> proto=ESMTP helo=<wks-17>");
        assert_eq!(ev.kind, "cleanup.header-warning");
        assert_eq!(ev.get_str(Name::header_name), Some("Content-Disposition"));
        assert_eq!(
            ev.get_str(Name::header_value),
            Some("attachment; filename=\"John_Doe_CV.pdf\"")
        );
        assert_eq!(ev.get_str(Name::file_name), Some("John_Doe_CV.pdf"));
        assert_eq!(ev.get_str(Name::email_subject), None);
    }

    #[test]
    fn encoded_subject_from_local() {
        let l = framed("cleanup", "D95341E50350: info: header Subject: =?utf-8?Q?Gr=C3=BC=C3=9Fe?= =?utf-8?Q?_=E2=80=92?= test from local; from=<from@example.com> to=<to@example.com>");
        exact(
            &parse(&l),
            "cleanup.header-warning",
            &[
                ("result", S("info")),
                ("header_name", S("Subject")),
                (
                    "header_value",
                    S("=?utf-8?Q?Gr=C3=BC=C3=9Fe?= =?utf-8?Q?_=E2=80=92?= test"),
                ),
                ("email_subject", S("Grüße ‒ test")),
                ("sender", S("from@example.com")),
                ("email_address", S("from@example.com")),
                ("email_domain", S("example.com")),
                ("dest_email_address", S("to@example.com")),
                ("dest_email_domain", S("example.com")),
                ("email_recipients", S("to@example.com")),
            ],
        );
    }

    #[test]
    fn folded_subjects() {
        // Postfix logs the CR LF of a folded header as `?`.
        let l = framed("cleanup", "1A2B3C4D5E: warning: header Subject: =?UTF-8?B?UsOpdW5pb24gZGUgbCfDqXF1aXBl?=? =?UTF-8?B?IGRlIGRpcmVjdGlvbg==?= from mx.example[192.0.2.1]; from=<a@b.example> to=<c@d.example> proto=ESMTP helo=<mx.example>");
        assert_eq!(
            parse(&l).get_str(Name::email_subject),
            Some("Réunion de l'équipe de direction")
        );
        let l = framed("cleanup", "1A2B3C4D5E: warning: header Subject: Quarterly results of the northern region sales team, all products and? services from unknown[192.0.2.1]; from=<a@b.example> to=<c@d.example> proto=ESMTP helo=<x>");
        let ev = parse(&l);
        assert_eq!(
            ev.get_str(Name::email_subject),
            Some("Quarterly results of the northern region sales team, all products and services")
        );
        assert_eq!(
            (ev.get_str(Name::src_host), ev.get_str(Name::src_ip)),
            (None, Some("192.0.2.1"))
        );
        let l = framed("cleanup", "1A2B3C4D5E: warning: header Subject: Are you free? Lunch from local; from=<a@b.example> to=<c@d.example>");
        assert_eq!(
            parse(&l).get_str(Name::email_subject),
            Some("Are you free? Lunch")
        );
    }

    #[test]
    fn subject_holding_from_and_semicolons() {
        let l = framed("cleanup", "1A2B3C4D5E: warning: header Subject: Greetings from Paris; see you from home from mx.example[192.0.2.1]:4711; from=<a@b.example> to=<c@d.example> proto=ESMTP helo=<mx.example>: logged");
        let ev = parse(&l);
        assert_eq!(
            ev.get_str(Name::email_subject),
            Some("Greetings from Paris; see you from home")
        );
        assert_eq!(ev.get_int(Name::src_port), Some(4711));
        assert_eq!(ev.get_str(Name::additional_info), Some("logged"));
    }

    #[test]
    fn attachment_names() {
        let l = framed("cleanup", "413E164734: info: header Content-Disposition: attachment;? filename=\"=?UTF-8?B?SU5WT0lDRV/Dtl/DpF/DvF/igqxfZGhrZmpzX2pkb2ZrYWpzbGRrZmpfbHNq?= =?UTF-8?B?ZGFsa2ZqaF9hZGprZnNhaGZkamtfR3LDvMOfZV9paGtmaHNha2pfZGZhaHNf?= =?UTF-8?B? from localhost[127.0.0.1]; from=<from@example.com> to=<to@example.com> proto=ESMTP helo=<localhost.localdomain>");
        let ev = parse(&l);
        assert_eq!(
            ev.get_str(Name::file_name),
            Some("INVOICE_ö_ä_ü_€_dhkfjs_jdofkajsldkfj_lsjdalkfjh_adjkfsahfdjk_Grüße_ihkfhsakj_dfahs_")
        );
        assert_eq!(ev.get_str(Name::helo), Some("localhost.localdomain"));
        for (value, name) in [
            ("attachment; filename*=UTF-8''%E2%82%AC.pdf", "€.pdf"),
            (
                "attachment;? filename*0*=UTF-8''%E2%82%AC;? filename*1=\".pdf\"",
                "€.pdf",
            ),
        ] {
            let l = framed("cleanup", &format!("1A2B3C4D5E: warning: header content-disposition: {value} from local; from=<a@b.example> to=<c@d.example>"));
            assert_eq!(parse(&l).get_str(Name::file_name), Some(name), "{value}");
        }
        let l = framed("cleanup", "1A2B3C4D5E: warning: header Content-Type: application/pdf; name=\"=?iso-8859-1?Q?R=E9sum=E9.pdf?=\" from local; from=<a@b.example> to=<c@d.example>");
        assert_eq!(parse(&l).get_str(Name::file_name), Some("Résumé.pdf"));
        let l = framed("cleanup", "1A2B3C4D5E: warning: header Content-Type: text/plain; charset=utf-8 from local; from=<a@b.example> to=<c@d.example>");
        assert_eq!(parse(&l).get_str(Name::file_name), None);
    }

    #[test]
    fn prepend() {
        let l = framed("cleanup", "48rT2v1hQrz1J0N: prepend: header X-Spam-Status: Yes, score=45.1 required=10.0 tests=ADVANCE_FE from mx2.example.org[192.0.2.41]; from=<SRS0=1sN3=5P=example.org=noreply@srs.example.org> to=<recipient@example.net> proto=ESMTP helo=<mx2.example.org>: X-Spam-Status: Yes");
        exact(
            &parse(&l),
            "cleanup.prepend",
            &[
                ("result", S("prepend")),
                ("header_name", S("X-Spam-Status")),
                (
                    "header_value",
                    S("Yes, score=45.1 required=10.0 tests=ADVANCE_FE"),
                ),
                ("src_host", S("mx2.example.org")),
                ("src_ip", S("192.0.2.41")),
                (
                    "sender",
                    S("SRS0=1sN3=5P=example.org=noreply@srs.example.org"),
                ),
                (
                    "email_address",
                    S("SRS0=1sN3=5P=example.org=noreply@srs.example.org"),
                ),
                ("email_domain", S("srs.example.org")),
                ("dest_email_address", S("recipient@example.net")),
                ("dest_email_domain", S("example.net")),
                ("email_recipients", S("recipient@example.net")),
                ("proto", S("ESMTP")),
                ("helo", S("mx2.example.org")),
                ("additional_info", S("X-Spam-Status: Yes")),
            ],
        );
    }

    #[test]
    fn reject_hold_discard_redirect_replace() {
        // cleanup_message.c's cleanup_act_log format with the other header/body check actions.
        let l = framed("cleanup", "4F1A2B3C4D: reject: header Subject: Buy now from mx.example[192.0.2.1]; from=<s@x.example> to=<r@y.example> proto=ESMTP helo=<mx.example>: 5.7.1 message content rejected");
        let ev = parse(&l);
        exact(
            &ev,
            "cleanup.reject",
            &[
                ("result", S("reject")),
                ("header_name", S("Subject")),
                ("header_value", S("Buy now")),
                ("email_subject", S("Buy now")),
                ("src_host", S("mx.example")),
                ("src_ip", S("192.0.2.1")),
                ("sender", S("s@x.example")),
                ("email_address", S("s@x.example")),
                ("email_domain", S("x.example")),
                ("dest_email_address", S("r@y.example")),
                ("dest_email_domain", S("y.example")),
                ("email_recipients", S("r@y.example")),
                ("proto", S("ESMTP")),
                ("helo", S("mx.example")),
                ("reject_dsn", S("5.7.1")),
                ("additional_info", S("message content rejected")),
            ],
        );
        let l = framed("cleanup", "4F1A2B3C4D: reject: body Click here to win from mx.example[192.0.2.1]; from=<s@x.example> to=<r@y.example> proto=ESMTP helo=<mx.example>: 5.7.1 Spam");
        let ev = parse(&l);
        assert_eq!(ev.kind, "cleanup.reject");
        assert_eq!(
            (
                ev.get_str(Name::header_name),
                ev.get_str(Name::header_value)
            ),
            (None, Some("Click here to win"))
        );
        for (action, kind, text) in [
            ("hold", "cleanup.hold", "Held for review"),
            ("discard", "cleanup.discard", "Not wanted"),
            ("redirect", "cleanup.redirect", "quarantine@corp.example"),
            ("replace", "cleanup.replace", "X-Mailer: hidden"),
        ] {
            let l = framed("cleanup", &format!("4F1A2B3C4D: {action}: header X-Mailer: Foo 1.0 from local; from=<root@host.example> to=<a@b.example>: {text}"));
            let ev = parse(&l);
            assert_eq!(ev.kind, kind);
            assert_eq!(ev.get_str(Name::result), Some(action));
            assert_eq!(ev.get_str(Name::header_value), Some("Foo 1.0"));
            assert_eq!(ev.get_str(Name::additional_info), Some(text));
            assert_eq!(ev.get_str(Name::src_ip), None);
        }
        let l = framed("cleanup", "4F1A2B3C4D: warning: body <script>alert(1)</script> from mx.example[192.0.2.1]; from=<s@x.example> to=<r@y.example> proto=SMTP helo=<mx.example>");
        assert_eq!(parse(&l).kind, "cleanup.body-warning");
    }

    #[test]
    fn mime_error_reject() {
        // cleanup_mime_error_callback's format.
        let l = framed("cleanup", "4F1A2B3C4D: reject: mime-error nesting level exceeded: Content-Type: multipart/mixed from mx.example[192.0.2.1]; from=<s@x.example> to=<r@y.example>");
        let ev = parse(&l);
        assert_eq!(ev.kind, "cleanup.reject");
        assert_eq!(
            ev.get_str(Name::header_value),
            Some("nesting level exceeded: Content-Type: multipart/mixed")
        );
        assert_eq!(ev.get_str(Name::src_ip), Some("192.0.2.1"));
    }

    #[test]
    fn milter_reject_hold_discard() {
        let ev = parse("Jan 1 00:00:00 hostname postfix/cleanup[12345]: 123456789AB: milter-reject: END-OF-MESSAGE from example.com[123.45.67.89]: 123 1.2.3 Reasons; from=<user@example.com> to=<user@example.com> proto=ESMTP helo=<example.com>");
        exact(
            &ev,
            "cleanup.milter-reject",
            &[
                ("smtp_command", S("END-OF-MESSAGE")),
                ("result", S("milter-reject")),
                ("src_host", S("example.com")),
                ("src_ip", S("123.45.67.89")),
                ("reject_code", I(123)),
                ("additional_info", S("1.2.3 Reasons")),
                ("sender", S("user@example.com")),
                ("email_address", S("user@example.com")),
                ("email_domain", S("example.com")),
                ("dest_email_address", S("user@example.com")),
                ("dest_email_domain", S("example.com")),
                ("email_recipients", S("user@example.com")),
                ("proto", S("ESMTP")),
                ("helo", S("example.com")),
            ],
        );
        let ev = parse("4104E3D: milter-reject: END-OF-MESSAGE from 061238241086.static.ctinets.com[61.238.241.86]: 5.7.1 Blocked by SpamAssassin; from=<wumt5@cchfdc.com> to=<voorzitter@example.com> proto=ESMTP helo=<ecsolved.com>");
        assert_eq!(
            (ev.kind, ev.daemon),
            ("cleanup.milter-reject", Some("cleanup"))
        );
        assert_eq!(ev.get_str(Name::reject_dsn), Some("5.7.1"));
        assert_eq!(
            ev.get_str(Name::additional_info),
            Some("Blocked by SpamAssassin")
        );
        // cleanup_milter.c's hold and discard texts.
        for (action, kind, text) in [
            (
                "milter-hold",
                "cleanup.milter-hold",
                "milter triggers HOLD action",
            ),
            (
                "milter-discard",
                "cleanup.milter-discard",
                "milter triggers DISCARD action",
            ),
        ] {
            let l = framed("cleanup", &format!("4F1A2B3C4D: {action}: END-OF-MESSAGE from mx.example[192.0.2.1]: {text}; from=<s@x.example> to=<r@y.example> proto=ESMTP helo=<mx.example>"));
            let ev = parse(&l);
            assert_eq!(ev.kind, kind);
            assert_eq!(ev.get_str(Name::additional_info), Some(text));
        }
    }

    #[test]
    fn milter_header_check() {
        let l = framed("cleanup", "4104E3D: milter-header-redirect: header X-Spam-Status: Yes, score=39.3 required=5.0 tests=ADVANCE_FE from 061238241086.static.ctinets.com[61.238.241.86]; from=<wumt5@cchfdc.com> to=<voorzitter@example.com> proto=ESMTP helo=<ecsolved.com>: tom@example.com");
        exact(
            &parse(&l),
            "cleanup.milter-header-check",
            &[
                ("result", S("redirect")),
                ("header_name", S("X-Spam-Status")),
                (
                    "header_value",
                    S("Yes, score=39.3 required=5.0 tests=ADVANCE_FE"),
                ),
                ("src_host", S("061238241086.static.ctinets.com")),
                ("src_ip", S("61.238.241.86")),
                ("sender", S("wumt5@cchfdc.com")),
                ("email_address", S("wumt5@cchfdc.com")),
                ("email_domain", S("cchfdc.com")),
                ("dest_email_address", S("voorzitter@example.com")),
                ("dest_email_domain", S("example.com")),
                ("email_recipients", S("voorzitter@example.com")),
                ("proto", S("ESMTP")),
                ("helo", S("ecsolved.com")),
                ("additional_info", S("tom@example.com")),
            ],
        );
    }

    #[test]
    fn map_lookup_problem() {
        let ev = parse("warning: 9BECF3F19D: sender_canonical_maps map lookup problem for sender@example.com -- message not accepted, try again later");
        assert_eq!(
            (ev.daemon, ev.queue_id),
            (Some("cleanup"), Some("9BECF3F19D"))
        );
        exact(&ev, "cleanup.map-lookup-problem", &[
            ("severity", S("warning")),
            ("additional_info", S("sender_canonical_maps map lookup problem for sender@example.com -- message not accepted, try again later")),
        ]);
        let l = framed(
            "cleanup",
            "warning: 9BECF3F19D: queue file size limit exceeded",
        );
        assert_eq!(parse(&l).kind, "cleanup.size-limit-exceeded");
        let l = framed(
            "cleanup",
            "warning: 9BECF3F19D: message rejected: hopcount exceeded",
        );
        assert_eq!(parse(&l).kind, "cleanup.message-rejected");
    }

    #[test]
    fn diagnostics_of_tagged_lines() {
        let l = framed("cleanup", "warning: dict_ldap_get_values[1]: DN uid=mguiraud,ou=people,dc=neotion,dc=com not found, skipping ");
        exact(&parse(&l), "cleanup.map-warning", &[
            ("severity", S("warning")),
            ("additional_info", S("dict_ldap_get_values[1]: DN uid=mguiraud,ou=people,dc=neotion,dc=com not found, skipping")),
        ]);
        for (msg, kind) in [
            ("warning: milter inet:127.0.0.1:8891: can't read SMFIC_BODYEOB reply packet header: Connection reset by peer", "cleanup.milter-warning"),
            ("warning: connect to Milter service unix:/run/opendkim.sock: No such file or directory", "cleanup.milter-connect-failed"),
            ("warning: database /etc/postfix/canonical.db is older than source file /etc/postfix/canonical", "cleanup.database-older-than-source"),
        ] {
            assert_eq!(parse(&framed("cleanup", msg)).kind, kind, "{msg}");
            // Without a tag the same text may be any daemon's: cleanup does not claim it.
            assert_ne!(parse(msg).daemon, Some("cleanup"), "{msg}");
        }
    }

    #[test]
    fn not_cleanup() {
        for msg in [
            "Unsupported",
            "3C3CE205E3: info: headers",
            "3C3CE205E3: unknown: header Subject: x from local;",
            "3C3CE205E3: milter-nonsense: x",
            "3C3CE205E3: milter-reject: x",
        ] {
            let l = framed("cleanup", msg);
            let ev = parse(&l);
            assert!(
                !ev.kind.starts_with("cleanup.") || ev.kind == "cleanup.warning",
                "{msg}: {}",
                ev.kind
            );
        }
        // smtpd's milter stages are not cleanup's when the line has no tag.
        let ev = parse("NOQUEUE: milter-reject: RCPT from mailrelay.example.com[8.8.8.8]: 451 4.7.1 Greylisting in action, please come back later; from=<support@example.com> to=<example@example.org> proto=ESMTP helo=<mailrelay.example.com>");
        assert_eq!(ev.kind, "smtpd.milter-reject");
        let ev = parse("1D8CC1CA0A7F: milter-reject: DATA from h.example[192.0.2.151]: 550 5.7.1 Command rejected; from=<s@x.example> to=<r@y.example> proto=ESMTP helo=<h.example>");
        assert_eq!(ev.kind, "smtpd.milter-reject");
    }
}
