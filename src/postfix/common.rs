//! Messages any daemon can log: the severity-prefixed diagnostics of Postfix's `msg_warn`, `msg_error`,
//! `msg_fatal` and `msg_panic` (`warning: ...`, `error: ...`, `fatal: ...`, `panic: ...`).
//!
//! Daemon modules recognise the diagnostics that carry meaning (SASL failures, DNS mismatches, TLS
//! problems); whatever diagnostic they do not know lands here as `DAEMON.warning` (or `.fatal`, ...),
//! with the text in `additional_info` and, where one is named, the remote end.

use super::lex;
use super::Msg;
use crate::event::{LineEvent, Name};

macro_rules! generic_kinds {
    ($($d:literal),* $(,)?) => {
        /// `(daemon, [warning, error, fatal, panic, config-override] kinds)`: kinds are `&'static str`, so
        /// the ones every daemon can log are spelt out here once.
        const KINDS: &[(&str, [&str; 5])] = &[
            $(($d, [
                concat!($d, ".warning"),
                concat!($d, ".error"),
                concat!($d, ".fatal"),
                concat!($d, ".panic"),
                concat!($d, ".config-override"),
            ]),)*
        ];
    };
}

/// Index of the `config-override` kind in a [`KINDS`] row (after the four severities).
const CONFIG_OVERRIDE: usize = 4;

generic_kinds!(
    "smtpd",
    "postscreen",
    "cleanup",
    "qmgr",
    "oqmgr",
    "smtp",
    "lmtp",
    "local",
    "virtual",
    "pipe",
    "error",
    "retry",
    "discard",
    "bounce",
    "defer",
    "trace",
    "pickup",
    "postsuper",
    "anvil",
    "scache",
    "dnsblog",
    "tlsproxy",
    "verify",
    "master",
    "postfix-script",
    "postfix",
    "postdrop",
    "sendmail",
    "postmap",
    "tlsmgr",
    "trivial-rewrite",
    "showq",
    "postqueue",
    "postlog",
    "postlogd",
    "proxymap",
    "spawn",
    "flush",
    "qmqpd",
    "postalias",
    "postconf",
    "postcat",
    "local-rewrite",
);

/// The `DAEMON.config-override` kind of a daemon: any program that reads main.cf can log
/// `overriding earlier entry`.
pub(crate) fn config_override_kind(daemon: &str) -> Option<&'static str> {
    KINDS
        .iter()
        .find(|(d, _)| *d == daemon)
        .map(|(_, k)| k[CONFIG_OVERRIDE])
}

/// The severity of a diagnostic prefix and the text after it.
pub fn severity(body: &str) -> Option<(usize, &'static str, &str)> {
    const PREFIXES: [(&str, &str); 4] = [
        ("warning: ", "warning"),
        ("error: ", "error"),
        ("fatal: ", "fatal"),
        ("panic: ", "panic"),
    ];
    PREFIXES
        .iter()
        .enumerate()
        .find_map(|(i, (p, name))| body.strip_prefix(p).map(|rest| (i, *name, rest)))
}

/// Recognises a severity-prefixed diagnostic of any daemon.
pub fn parse<'a>(m: &Msg<'a>, ev: &mut LineEvent<'a>) -> Option<&'static str> {
    let (i, name, rest) = severity(m.body)?;
    let kinds = KINDS.iter().find(|(d, _)| *d == m.daemon)?.1;
    ev.put(Name::severity, name);
    // `warning: host[addr]: text` names a remote end; daemons that connect out name a server.
    if let Some((e, after)) = lex::endpoint(rest).filter(|(e, _)| !e.host.contains(' ')) {
        let (h, ip, port) = if matches!(m.daemon, "smtp" | "lmtp") {
            (Name::dest_host, Name::dest_ip, Name::dest_port)
        } else {
            (Name::src_host, Name::src_ip, Name::src_port)
        };
        if !e.host.is_empty() {
            ev.put(h, e.host);
        }
        ev.put(ip, e.addr);
        if let Some(p) = e.port {
            ev.put_int(port, p as i64);
        }
        ev.put(
            Name::additional_info,
            after.trim_start_matches(':').trim_start(),
        );
    } else {
        ev.put(Name::additional_info, rest);
    }
    Some(kinds[i])
}
