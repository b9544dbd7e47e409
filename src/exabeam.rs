//! Exabeam parity: which of Exabeam's six Postfix parsers (`exabeam-parsers.json`) takes a line, and the
//! activity and event type that parser gives it.
//!
//! Exabeam selects a parser by substrings of the raw line; here the same choice is made on the parsed line
//! (its daemon, kind and fields), in the catalogue's order, so that it does not depend on the framing: an
//! RFC 5424 or JSON-wrapped line is taken by the same parser as its RFC 3164 twin. The fields are the
//! grammar's own, extracted correctly where Exabeam's regexes go wrong (`rules.md` E.1).

use crate::event::{LineEvent, Name};
use crate::postfix::lex;

/// `postfix-postfix-str-email-send-fail-deliveryfailure`: an smtp line quoting a remote reply.
pub const DELIVERY_FAILURE: &str = "postfix-postfix-str-email-send-fail-deliveryfailure";
/// `postfix-postfix-str-email-send-fail-statusdeferred`: a deferred delivery.
pub const STATUS_DEFERRED: &str = "postfix-postfix-str-email-send-fail-statusdeferred";
/// `postfix-postfix-str-smtp-close-connectionfail`: `connect to HOST[IP]:PORT: reason`.
pub const CONNECTION_FAIL: &str = "postfix-postfix-str-smtp-close-connectionfail";
/// `postfix-postfix-str-email-subject`: a cleanup `header Subject:` warning.
pub const EMAIL_SUBJECT: &str = "postfix-postfix-str-email-subject";
/// `postfix-postfix-mix-email-sent`: a delivery with `status=sent` and a 2.x.x DSN.
pub const EMAIL_SENT: &str = "postfix-postfix-mix-email-sent";
/// `postfix-postfix-kv-email-queue`: qmgr `from=<...>, size=..., nrcpt=...`.
pub const EMAIL_QUEUE: &str = "postfix-postfix-kv-email-queue";

const SEND_OK: (&str, &str) = ("email-send:success", "dlp-email-alert-out");
const SEND_FAIL: (&str, &str) = ("email-send:fail", "dlp-email-alert-out-failed");
const NET_FAIL: (&str, &str) = ("network-traffic:fail", "network-connection-failed");

/// Labels `ev` with the Exabeam parser that takes it, or with the activity its own kind implies.
pub fn classify(ev: &mut LineEvent<'_>, message: &str) {
    let kind = ev.kind;
    let delivery = kind.ends_with(".delivery") || kind == "qmgr.expired";
    let result = if delivery {
        ev.get_str(Name::result)
    } else {
        None
    };
    let labels = if ev.daemon == Some("smtp") && lex::find(message, "] said:").is_some() {
        Some((DELIVERY_FAILURE, SEND_FAIL))
    } else if result == Some("deferred") {
        Some((STATUS_DEFERRED, SEND_FAIL))
    } else if kind.ends_with(".connect-failed") && message.starts_with("connect to ") {
        Some((CONNECTION_FAIL, NET_FAIL))
    } else if kind == "cleanup.header-warning"
        && ev
            .get_str(Name::header_name)
            .is_some_and(|h| h.eq_ignore_ascii_case("subject"))
    {
        Some((EMAIL_SUBJECT, SEND_OK))
    } else if result == Some("sent") && ev.get_str(Name::dsn).is_some_and(|d| d.starts_with("2.")) {
        Some((EMAIL_SENT, SEND_OK))
    } else if kind == "qmgr.queued" {
        Some((EMAIL_QUEUE, SEND_OK))
    } else {
        None
    };
    if let Some((parser, (activity, event))) = labels {
        ev.parser = Some(parser);
        ev.activity_type = Some(activity);
        ev.event_type = Some(event);
    } else if let Some(r) = result.filter(|r| !r.contains("deliverable")) {
        // Deliveries no Exabeam parser takes (bounced, expired, sent without 2.x.x) still have an activity;
        // address-verification probes (`deliverable`, `undeliverable`) are no send (rules.md E.3.10).
        let (activity, event) = if r == "sent" { SEND_OK } else { SEND_FAIL };
        ev.activity_type = Some(activity);
        ev.event_type = Some(event);
    }
}
