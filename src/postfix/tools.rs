//! Messages of Postfix's small programs and helper daemons: `postdrop`, `sendmail`, `postmap`,
//! `postalias`, `tlsmgr`, `trivial-rewrite`, `showq`, `postqueue`, `postlog`, `proxymap`, `spawn`, `flush`,
//! `qmqpd`, `postconf`, `postcat`.
//!
//! | kind | message |
//! | --- | --- |
//! | `postdrop.submission-problem` | `warning: uid=N: REASON` (e.g. `File too large`) |
//! | `postdrop.queue-file-error` | `warning: mail_queue_enter: create file F: REASON` |
//! | `postdrop.not-allowed`, `postqueue.not-allowed` | `fatal: User U(N) is not allowed to submit mail` |
//! | `sendmail.submission-failed` | `fatal: SENDER(UID): REASON` (`message file too big`, `No recipient addresses found in message header`) |
//! | `postmap.duplicate-entry` (`postalias.`) | `warning: F: duplicate entry: "KEY"` |
//! | `tlsmgr.non-postfix-directory` | `warning: request to update table T in non-postfix directory D` |
//! | `trivial-rewrite.lookup-failure` | `warning: MAPS lookup failure` |
//! | `trivial-rewrite.map-warning` | `warning: dict_ldap_lookup: ...` (a lookup table's own diagnostic) |
//! | `trivial-rewrite.domain-listed-twice` | `warning: do not list domain D in BOTH P and Q` |
//! | `postqueue.system-down` | `warning: Mail system is down -- accessing queue directly ...` |
//! | `spawn.command-exit`, `spawn.command-killed` | `warning: command P exit status N` |
//! | `proxymap.unapproved-table` | `warning: request for unapproved table: "T"` |
//! | `qmqpd.connect`, `qmqpd.disconnect`, `qmqpd.client` | `connect from H[IP]`, `QID: client=H[IP]` |
//! | `postlog.message` | any text written with postlog(1) |
//! | `DAEMON.config-override` | `warning: F, line N: overriding earlier entry: P=V` |

use super::common;
use super::delivery::kind;
use super::lex::{self, QueueId};
use super::Msg;
use crate::event::{LineEvent, Name};

/// Recognises a message of one of the small programs.
pub fn parse<'a>(m: &Msg<'a>, ev: &mut LineEvent<'a>) -> Option<&'static str> {
    let Some((_, level, rest)) = common::severity(m.body) else {
        return plain(m, ev);
    };
    let kind = match m.daemon {
        "postdrop" => postdrop(rest, ev),
        "sendmail" => sendmail(level, rest, ev),
        "postmap" | "postalias" => duplicate_entry(m, rest, ev),
        "tlsmgr" => non_postfix_directory(rest, ev),
        "trivial-rewrite" => trivial_rewrite(rest, ev),
        "postqueue" => postqueue(rest, ev),
        "spawn" => spawn(rest, ev),
        "proxymap" => {
            let table = rest
                .strip_prefix("request for unapproved table: \"")?
                .strip_suffix('"')?;
            ev.put(Name::map_name, table);
            Some("proxymap.unapproved-table")
        }
        _ => None,
    };
    match kind {
        Some(k) => {
            ev.put(Name::severity, level);
            Some(k)
        }
        None => config_override(m, level, rest, ev),
    }
}

/// Messages without a severity prefix.
fn plain<'a>(m: &Msg<'a>, ev: &mut LineEvent<'a>) -> Option<&'static str> {
    match m.daemon {
        "qmqpd" => {
            let b = m.body;
            let (kind, rest) = if let Some(r) = b.strip_prefix("connect from ") {
                ("qmqpd.connect", r)
            } else if let Some(r) = b.strip_prefix("disconnect from ") {
                ("qmqpd.disconnect", r)
            } else if let (QueueId::Id(_), Some(r)) = (m.queue, b.strip_prefix("client=")) {
                ("qmqpd.client", r)
            } else {
                return None;
            };
            let (e, after) = lex::endpoint(rest)?;
            if !after.is_empty() {
                return None;
            }
            if !e.host.is_empty() && e.host != "unknown" {
                ev.put(Name::src_host, e.host);
            }
            ev.put(Name::src_ip, e.addr);
            if let Some(p) = e.port {
                ev.put_int(Name::src_port, p.into());
            }
            Some(kind)
        }
        "postlog" => {
            ev.put(Name::additional_info, m.text);
            Some("postlog.message")
        }
        "postqueue" => {
            system_down(m.body)?;
            ev.put(Name::additional_info, m.body);
            Some("postqueue.system-down")
        }
        _ => None,
    }
}

/// `warning: FILE, line N: overriding earlier entry: P=V`: a parameter given twice in main.cf (any program
/// that reads main.cf logs it).
pub(crate) fn config_override<'a>(
    m: &Msg<'a>,
    level: &'static str,
    rest: &'a str,
    ev: &mut LineEvent<'a>,
) -> Option<&'static str> {
    let (place, entry) = rest.split_once(": overriding earlier entry: ")?;
    let (file, line) = place.split_once(", line ")?;
    let line = lex::int(line)?;
    let (param, _) = entry.split_once('=')?;
    let kind = super::common::config_override_kind(m.daemon)?;
    ev.put(Name::severity, level);
    ev.put(Name::file_path, file);
    ev.put_int(Name::line_number, line);
    ev.put(Name::parameter, param);
    ev.put(Name::additional_info, entry);
    Some(kind)
}

/// `uid=N: REASON`, `mail_queue_enter: create file F: REASON`, `User U(N) is not allowed to submit mail`.
fn postdrop<'a>(rest: &'a str, ev: &mut LineEvent<'a>) -> Option<&'static str> {
    if let Some(t) = rest.strip_prefix("uid=") {
        let (uid, reason) = t.split_once(": ")?;
        ev.put_int(Name::uid, lex::int(uid)?);
        ev.put(Name::additional_info, reason);
        return Some("postdrop.submission-problem");
    }
    if let Some(t) = rest.strip_prefix("mail_queue_enter: create file ") {
        let (file, reason) = t.split_once(": ")?;
        ev.put(Name::file_path, file);
        ev.put(Name::additional_info, reason);
        return Some("postdrop.queue-file-error");
    }
    not_allowed(rest, ev).map(|_| "postdrop.not-allowed")
}

/// `User NAME(UID) is not allowed to ...` (authorized_submit_users, authorized_mailq_users).
fn not_allowed<'a>(rest: &'a str, ev: &mut LineEvent<'a>) -> Option<()> {
    let t = rest.strip_prefix("User ")?;
    let (who, _) = t.split_once(" is not allowed to ")?;
    let (_, uid) = who.rsplit_once('(')?;
    ev.put_int(Name::uid, lex::int(uid.strip_suffix(')')?)?);
    ev.put(Name::additional_info, rest);
    Some(())
}

/// `fatal: SENDER(UID): REASON`: sendmail could not submit the message.
fn sendmail<'a>(
    level: &'static str,
    rest: &'a str,
    ev: &mut LineEvent<'a>,
) -> Option<&'static str> {
    if level != "fatal" {
        return None;
    }
    let at = lex::find(rest, "): ")?;
    let (sender, uid) = rest[..at].rsplit_once('(')?;
    let uid = lex::int(uid)?;
    if sender.is_empty() || sender.contains(' ') {
        return None;
    }
    super::delivery::push_sender(ev, sender);
    ev.put_int(Name::uid, uid);
    ev.put(Name::additional_info, &rest[at + 3..]);
    Some("sendmail.submission-failed")
}

/// `FILE: duplicate entry: "KEY"` from postmap or postalias.
fn duplicate_entry<'a>(m: &Msg<'a>, rest: &'a str, ev: &mut LineEvent<'a>) -> Option<&'static str> {
    let (file, key) = rest.split_once(": duplicate entry: ")?;
    let key = key.strip_prefix('"')?.strip_suffix('"')?;
    ev.put(Name::map_name, file);
    ev.put(Name::map_key, key);
    kind!(m.daemon, ["postmap", "postalias"], "duplicate-entry")
}

/// `request to update table T in non-postfix directory D` (data_redirect.c).
fn non_postfix_directory<'a>(rest: &'a str, ev: &mut LineEvent<'a>) -> Option<&'static str> {
    let t = rest.strip_prefix("request to update ")?;
    let (_what, t) = lex::word(t);
    let (name, t) = t.split_once(" in non-")?;
    let (_, dir) = t.split_once(" directory ")?;
    ev.put(Name::map_name, name);
    ev.put(Name::file_path, dir);
    Some("tlsmgr.non-postfix-directory")
}

fn trivial_rewrite<'a>(rest: &'a str, ev: &mut LineEvent<'a>) -> Option<&'static str> {
    if let Some(maps) = rest.strip_suffix(" lookup failure") {
        if maps.contains(' ') {
            return None;
        }
        ev.put(Name::map_name, maps);
        return Some("trivial-rewrite.lookup-failure");
    }
    if rest.starts_with("dict_") {
        let (func, _) = rest.split_once(": ")?;
        if func.contains(' ') {
            return None;
        }
        ev.put(Name::additional_info, rest);
        return Some("trivial-rewrite.map-warning");
    }
    if rest.starts_with("do not list domain ") && lex::find(rest, " in BOTH ").is_some() {
        ev.put(Name::additional_info, rest);
        return Some("trivial-rewrite.domain-listed-twice");
    }
    None
}

fn postqueue<'a>(rest: &'a str, ev: &mut LineEvent<'a>) -> Option<&'static str> {
    if system_down(rest).is_some() {
        ev.put(Name::additional_info, rest);
        return Some("postqueue.system-down");
    }
    not_allowed(rest, ev).map(|_| "postqueue.not-allowed")
}

/// postqueue's ways of saying the mail system is down.
fn system_down(s: &str) -> Option<()> {
    (s.starts_with("Mail system is down")
        || s.ends_with(" - mail system is down")
        || s.starts_with("Queue report unavailable"))
    .then_some(())
}

/// `command P exit status N` / `command P killed by signal N`.
fn spawn<'a>(rest: &'a str, ev: &mut LineEvent<'a>) -> Option<&'static str> {
    let t = rest.strip_prefix("command ")?;
    if let Some((path, n)) = t.rsplit_once(" exit status ") {
        ev.put(Name::process_path, path);
        ev.put_int(Name::exit_status, lex::int(n)?);
        return Some("spawn.command-exit");
    }
    let (path, n) = t.rsplit_once(" killed by signal ")?;
    ev.put(Name::process_path, path);
    ev.put_int(Name::signal, lex::int(n)?);
    Some("spawn.command-killed")
}

#[cfg(test)]
mod tests {
    use super::super::delivery::testing::{line, tagged};
    use super::*;

    #[test]
    fn postdrop_file_too_large() {
        let ev = line("warning: uid=0: File too large");
        assert_eq!(ev.kind, "postdrop.submission-problem");
        assert_eq!(ev.daemon, Some("postdrop"));
        assert_eq!(ev.get_int(Name::uid), Some(0));
        assert_eq!(ev.get_str(Name::additional_info), Some("File too large"));
        assert_eq!(ev.get_str(Name::severity), Some("warning"));
    }

    #[test]
    fn postdrop_queue_file() {
        let ev = line("Jan 21 00:00:01 host postfix/postdrop[12345]: warning: mail_queue_enter: create file maildrop/123456.12345: Read-only file system");
        assert_eq!(ev.kind, "postdrop.queue-file-error");
        assert_eq!(ev.get_str(Name::file_path), Some("maildrop/123456.12345"));
        assert_eq!(
            ev.get_str(Name::additional_info),
            Some("Read-only file system")
        );
    }

    #[test]
    fn sendmail_fatal() {
        let ev = line("fatal: root(0): message file too big");
        assert_eq!(ev.kind, "sendmail.submission-failed");
        assert_eq!(ev.daemon, Some("sendmail"));
        assert_eq!(ev.get_str(Name::sender), Some("root"));
        assert_eq!(ev.get_int(Name::uid), Some(0));
        assert_eq!(
            ev.get_str(Name::additional_info),
            Some("message file too big")
        );
        assert_eq!(ev.get_str(Name::severity), Some("fatal"));
        // Gap kind, from sendmail.c's format string.
        let ev = line("Jun 10 06:27:31 mx postfix/sendmail[5436]: fatal: alice@example.com(1000): No recipient addresses found in message header");
        assert_eq!(ev.kind, "sendmail.submission-failed");
        assert_eq!(ev.get_str(Name::email_address), Some("alice@example.com"));
        assert_eq!(ev.get_int(Name::uid), Some(1000));
    }

    #[test]
    fn postmap_duplicate() {
        let ev = line("warning: /etc/postfix/conf.d/users.db: duplicate entry: \"xxx@yyy.com\"");
        assert_eq!(ev.kind, "postmap.duplicate-entry");
        assert_eq!(
            ev.get_str(Name::map_name),
            Some("/etc/postfix/conf.d/users.db")
        );
        assert_eq!(ev.get_str(Name::map_key), Some("xxx@yyy.com"));
    }

    #[test]
    fn tlsmgr_directory() {
        let ev = line("warning: request to update table btree:/var/spool/postfix/smtpd_scache in non-postfix directory /var/spool/postfix");
        assert_eq!(ev.kind, "tlsmgr.non-postfix-directory");
        assert_eq!(
            ev.get_str(Name::map_name),
            Some("btree:/var/spool/postfix/smtpd_scache")
        );
        assert_eq!(ev.get_str(Name::file_path), Some("/var/spool/postfix"));
    }

    #[test]
    fn trivial_rewrite_warnings() {
        // Both may come from other daemons too (cleanup, smtpd); tagged here.
        let (kind, ev) = tagged(
            "trivial-rewrite",
            "warning: virtual_alias_domains lookup failure",
            parse,
        );
        assert_eq!(kind, Some("trivial-rewrite.lookup-failure"));
        assert_eq!(ev.get_str(Name::map_name), Some("virtual_alias_domains"));
        let (kind, ev) = tagged(
            "trivial-rewrite",
            "warning: dict_ldap_lookup: Search error -1: Can't contact LDAP server ",
            parse,
        );
        assert_eq!(kind, Some("trivial-rewrite.map-warning"));
        assert_eq!(
            ev.get_str(Name::additional_info),
            Some("dict_ldap_lookup: Search error -1: Can't contact LDAP server ")
        );
    }

    #[test]
    fn showq_config_override() {
        let ev = line("May 10 09:22:21 vm-debian10 postfix/showq[5905]: warning: /etc/postfix/main.cf, line 51: overriding earlier entry: relayhost=");
        assert_eq!(ev.kind, "showq.config-override");
        assert_eq!(ev.get_str(Name::file_path), Some("/etc/postfix/main.cf"));
        assert_eq!(ev.get_int(Name::line_number), Some(51));
        assert_eq!(ev.get_str(Name::parameter), Some("relayhost"));
        assert_eq!(ev.get_str(Name::additional_info), Some("relayhost="));
    }

    // Daemons without a corpus line; built from the format strings of their sources.
    #[test]
    fn helper_daemons() {
        let ev = line("Jun 10 06:27:31 mx postfix/postqueue[5436]: warning: Mail system is down -- accessing queue directly (Connect to the showq service: No such file or directory)");
        assert_eq!(ev.kind, "postqueue.system-down");
        let ev = line("Jun 10 06:27:31 mx postfix/spawn[5436]: warning: command /usr/bin/policyd exit status 1");
        assert_eq!(ev.kind, "spawn.command-exit");
        assert_eq!(ev.get_int(Name::exit_status), Some(1));
        let ev = line("Jun 10 06:27:31 mx postfix/proxymap[5436]: warning: request for unapproved table: \"mysql:/etc/postfix/x.cf\"");
        assert_eq!(ev.kind, "proxymap.unapproved-table");
        assert_eq!(ev.get_str(Name::map_name), Some("mysql:/etc/postfix/x.cf"));
        let ev = line(
            "Jun 10 06:27:31 mx postfix/qmqpd[5436]: connect from ezmlm.example.org[192.0.2.4]",
        );
        assert_eq!(ev.kind, "qmqpd.connect");
        assert_eq!(ev.get_str(Name::src_ip), Some("192.0.2.4"));
        let ev = line("Jun 10 06:27:31 mx postfix/qmqpd[5436]: 1A2B3C4D5E: client=ezmlm.example.org[192.0.2.4]");
        assert_eq!(ev.kind, "qmqpd.client");
        assert_eq!(ev.get_str(Name::src_host), Some("ezmlm.example.org"));
        let ev = line("Jun 10 06:27:31 mx postfix/flush[5436]: warning: timeout while waiting for data from x");
        assert_eq!(ev.kind, "flush.warning");
        let ev = line("Jun 10 06:27:31 mx postfix/postlog[5436]: backup finished");
        assert_eq!(ev.kind, "postlog.message");
        assert_eq!(ev.get_str(Name::additional_info), Some("backup finished"));
    }

    #[test]
    fn fragments_are_not_taken() {
        // Field fragments of grok's sub-pattern tests: no Postfix program logs them as a line.
        for text in [
            "0.2/0.02/0.04/3.3",
            "1.example.com.si[private/dovecot-lmtp]",
            "dane/!requiretls:nostarttls",
            "may?",
            "ehlo=2 starttls=1 mail=1 rcpt=0/1 data=0/1 quit=1 commands=5/7",
        ] {
            for daemon in [
                "qmgr",
                "smtp",
                "local",
                "virtual",
                "pipe",
                "error",
                "discard",
                "pickup",
                "bounce",
                "postsuper",
                "master",
                "sendmail",
                "postdrop",
                "postmap",
                "tlsmgr",
                "trivial-rewrite",
                "postfix-script",
            ] {
                let (queue, body) = lex::split_queue_id(text);
                let mut ev = LineEvent::new(text);
                let m = Msg {
                    daemon,
                    text,
                    queue,
                    body,
                };
                let (f, _) = super::super::parser_for(daemon).expect("a daemon");
                assert_eq!(f(&m, &mut ev), None, "{daemon}: {text}");
            }
        }
    }
}
