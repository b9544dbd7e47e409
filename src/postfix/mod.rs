//! Postfix grammar: turns a framed message into a `postfix_kind` and normalised fields.
//!
//! One module per daemon (or per family of daemons that share a line shape, as the delivery agents share
//! [`delivery`]). Each module exposes `parse(&Msg, &mut LineEvent) -> Option<kind>`: it recognises the
//! message shapes of its daemon, pushes the fields it finds and returns the kind, or returns `None` and the
//! dispatcher undoes whatever it pushed. Lines no module knows fall back to [`common`] (severity-prefixed
//! warnings, fatal errors), and only then to `unknown`.
//!
//! # Field names
//!
//! Modules push the Exabeam common information model's names (`output.md`) as [`Name`](crate::event::Name)
//! variants, always the same one for the same meaning:
//!
//! | meaning | fields |
//! | --- | --- |
//! | SMTP client (smtpd, postscreen, cleanup origin) | `src_host`, `src_ip`, `src_port` |
//! | remote server (smtp/lmtp relay, `connect to`) | `dest_host`, `dest_ip`, `dest_port` |
//! | envelope sender | `sender`, `email_address`, `email_domain` |
//! | envelope recipient | `dest_email_address`, `dest_email_domain`, `email_recipients`; `orig_to` |
//! | SASL | `sasl_method`, `user` (the SASL user name), `sasl_sender` |
//! | outcome | `result` (Postfix's status word or action), `dsn`, `additional_info` (reply / reason text) |
//! | SMTP reject | `reject_code` (int), `reject_dsn`, `smtp_command` (`RCPT`, `DATA`...), `helo`, `proto` |
//! | timing | `delay` (float s), `delays` (`a/b/c/d`), `conn_use` (int) |
//! | size | `bytes` (int), `num_recipients` (int) |
//! | cleanup | `internet_message_id`, `header_name`, `header_value`, `email_subject`, `file_name` |
//! | links between queue files | `orig_queue_id`, `orig_client`, `queued_as` (content filter), `ndr_queue_id` (bounce) |
//! | counters (anvil statistics, smtpd rate limits) | `count` (int), `interval` (`60s`), `service` |
//! | DNSBL | `dnsbl_domain`, `dnsbl_rank` (int) |
//! | severity prefix | `severity` (`warning`, `fatal`, `panic`, `error`) |

pub mod anvil;
pub mod bounce;
pub mod cleanup;
pub mod common;
pub mod delivery;
pub mod dnsblog;
pub mod lex;
pub mod master;
pub mod mime;
pub mod pickup;
pub mod postscreen;
pub mod postsuper;
pub mod qmgr;
pub mod scache;
pub mod smtp;
pub mod smtpd;
pub mod tlsproxy;
pub mod tools;
pub mod verify;

use crate::event::{LineEvent, NOT_POSTFIX, UNKNOWN};
use crate::syslog::Frame;
use lex::QueueId;

/// A Postfix message, split into its queue id prefix and the text after it.
#[derive(Debug, Clone, Copy)]
pub struct Msg<'a> {
    /// The daemon the message is parsed as (`smtp`, `smtpd`, ...).
    pub daemon: &'a str,
    /// The whole message after the syslog tag.
    pub text: &'a str,
    /// The queue id prefix, if any.
    pub queue: QueueId<'a>,
    /// The text after the queue id prefix (the whole text when there is none).
    pub body: &'a str,
}

/// A daemon's parser: recognises a message and returns its kind.
pub type ParseFn = for<'a> fn(&Msg<'a>, &mut LineEvent<'a>) -> Option<&'static str>;

/// The parser of each daemon name, and the project's parser name reported for its kinds.
fn parser_for(daemon: &str) -> Option<(ParseFn, &'static str)> {
    Some(match daemon {
        "smtpd" => (smtpd::parse, "postfix-enrich/smtpd"),
        "postscreen" => (postscreen::parse, "postfix-enrich/postscreen"),
        "cleanup" => (cleanup::parse, "postfix-enrich/cleanup"),
        "qmgr" | "oqmgr" => (qmgr::parse, "postfix-enrich/qmgr"),
        "smtp" | "lmtp" => (smtp::parse, "postfix-enrich/smtp"),
        "local" | "virtual" | "pipe" | "error" | "retry" | "discard" => {
            (delivery::parse, "postfix-enrich/delivery")
        }
        "bounce" | "defer" | "trace" => (bounce::parse, "postfix-enrich/bounce"),
        "pickup" => (pickup::parse, "postfix-enrich/pickup"),
        "postsuper" => (postsuper::parse, "postfix-enrich/postsuper"),
        "anvil" => (anvil::parse, "postfix-enrich/anvil"),
        "scache" => (scache::parse, "postfix-enrich/scache"),
        "dnsblog" => (dnsblog::parse, "postfix-enrich/dnsblog"),
        "tlsproxy" => (tlsproxy::parse, "postfix-enrich/tlsproxy"),
        "verify" => (verify::parse, "postfix-enrich/verify"),
        "master" | "postfix-script" | "postfix" => (master::parse, "postfix-enrich/master"),
        "postdrop" | "sendmail" | "postmap" | "tlsmgr" | "trivial-rewrite" | "showq"
        | "postqueue" | "postlog" | "postlogd" | "proxymap" | "spawn" | "flush" | "qmqpd"
        | "postalias" | "postconf" | "postcat" | "local-rewrite" => {
            (tools::parse, "postfix-enrich/tools")
        }
        _ => return None,
    })
}

/// Daemons tried, in this order, on a message that came without a syslog tag.
const INFER_ORDER: &[&str] = &[
    "qmgr",
    "cleanup",
    "smtp",
    "local",
    "virtual",
    "pipe",
    "error",
    "discard",
    "smtpd",
    "postscreen",
    "pickup",
    "bounce",
    "postsuper",
    "anvil",
    "scache",
    "dnsblog",
    "tlsproxy",
    "verify",
    "master",
    "sendmail",
    "postdrop",
    "postmap",
    "tlsmgr",
    "trivial-rewrite",
    "postfix-script",
];

/// Whether a syslog tag belongs to Postfix: `postfix`, `postfix/smtp`, `postfix-out/smtp`, `postfix1/qmgr`.
pub fn is_postfix_program(program: &str) -> bool {
    program.starts_with("postfix")
}

/// The daemon of a Postfix tag: its last path element (`postfix/submission/smtpd` -> `smtpd`); the bare
/// tag `postfix` (the `postfix` command itself) is its own daemon.
pub fn daemon_of(program: &str) -> Option<&str> {
    if program == "postfix" {
        return Some(program);
    }
    lex::rfind_byte(program, b'/')
        .map(|i| &program[i + 1..])
        .filter(|d| !d.is_empty())
}

/// Parses the Postfix part of a framed line into `ev`.
pub fn parse<'a>(frame: &Frame<'a>, ev: &mut LineEvent<'a>) {
    let (queue, body) = lex::split_queue_id(frame.message);
    if let QueueId::Id(id) = queue {
        ev.queue_id = Some(id);
    }
    let text = frame.message;
    match frame.program {
        Some(p) if !is_postfix_program(p) => ev.kind = NOT_POSTFIX,
        Some(p) => {
            let named = daemon_of(p);
            // A service-named daemon (`smtp-amavis`) is read as the daemon before the dash.
            let known = named.and_then(|d| {
                parser_for(d).map(|x| (d, x)).or_else(|| {
                    let base = &d[..d.find('-')?];
                    parser_for(base).map(|x| (base, x))
                })
            });
            ev.daemon = named;
            match known {
                Some((daemon, (f, name))) => {
                    let m = Msg {
                        daemon,
                        text,
                        queue,
                        body,
                    };
                    run(f, name, &m, ev);
                }
                None => infer(text, queue, body, ev),
            }
        }
        None => infer(text, queue, body, ev),
    }
}

fn run<'a>(f: ParseFn, name: &'static str, m: &Msg<'a>, ev: &mut LineEvent<'a>) -> bool {
    let before = ev.fields.len();
    if let Some(kind) = f(m, ev).or_else(|| common::parse(m, ev)) {
        ev.kind = kind;
        ev.parser = Some(name);
        true
    } else {
        ev.fields.truncate(before);
        ev.kind = UNKNOWN;
        false
    }
}

/// A message without a Postfix tag: tried as each daemon in turn. Recognised, it is a Postfix line of that
/// daemon; otherwise it is not a Postfix line.
fn infer<'a>(text: &'a str, queue: QueueId<'a>, body: &'a str, ev: &mut LineEvent<'a>) {
    let tagged = ev.daemon.is_some();
    for &daemon in INFER_ORDER {
        let (f, name) = parser_for(daemon).expect("every inferred daemon has a parser");
        let m = Msg {
            daemon,
            text,
            queue,
            body,
        };
        let before = ev.fields.len();
        if let Some(kind) = f(&m, ev) {
            ev.kind = kind;
            ev.parser = Some(name);
            if !tagged {
                ev.daemon = Some(daemon);
            }
            return;
        }
        ev.fields.truncate(before);
    }
    ev.kind = if tagged || ev.process_name.is_some_and(is_postfix_program) {
        UNKNOWN
    } else {
        NOT_POSTFIX
    };
}
