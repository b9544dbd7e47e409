//! `master` and `postfix-script` messages, and those logged under the bare tag `postfix` (the `postfix`
//! command itself): starting, reloading and stopping the mail system, and the master's process supervision.
//!
//! | kind | message |
//! | --- | --- |
//! | `master.started` | `daemon started -- version V, configuration D` |
//! | `master.reload` | `reload -- version V, configuration D` |
//! | `master.terminating` | `terminating on signal N` |
//! | `master.exit` | `master exit time has arrived` |
//! | `master.process-exit` | `warning: process P pid N exit status N` |
//! | `master.process-killed` | `warning: process P pid N killed by signal N` |
//! | `master.process-limit` | `warning: service "S" (L) has reached its process limit "N": ...` (and its advice lines) |
//! | `master.bad-command-startup` | `warning: P: bad command startup -- throttling` |
//! | `postfix-script.starting` (`refreshing`, `stopping`, `aborting`, `waiting`) | `starting the Postfix mail system` |
//! | `postfix-script.not-running`, `.already-running`, `.running` | `fatal: the Postfix mail system is not running` |
//! | `postfix-script.symlink-leaves-directory` | `warning: symlink leaves directory: P` |
//! | `postfix-script.permission-problem` | `warning: not owned by root: P` (and the other `postfix check` findings) |
//! | `postfix.tcp-map-error` | `warning: read TCP map reply from M: REASON`, `warning: connect to TCP map M: REASON` |
//! | `DAEMON.config-override` | `warning: F, line N: overriding earlier entry: P=V` |

use super::common;
use super::delivery::kind;
use super::lex;
use super::tools;
use super::Msg;
use crate::event::{LineEvent, Name};

/// Recognises a message of master, postfix-script or the `postfix` command.
pub fn parse<'a>(m: &Msg<'a>, ev: &mut LineEvent<'a>) -> Option<&'static str> {
    match m.daemon {
        "master" => master(m, ev),
        "postfix-script" => script(m, ev),
        "postfix" => postfix(m, ev),
        _ => None,
    }
}

fn master<'a>(m: &Msg<'a>, ev: &mut LineEvent<'a>) -> Option<&'static str> {
    let b = m.body;
    if let Some((kind, rest)) = b
        .strip_prefix("daemon started -- version ")
        .map(|r| ("master.started", r))
        .or_else(|| {
            b.strip_prefix("reload -- version ")
                .map(|r| ("master.reload", r))
        })
    {
        let (version, dir) = rest.split_once(", configuration ")?;
        ev.put(Name::version, version);
        ev.put(Name::config_dir, dir);
        return Some(kind);
    }
    if let Some(n) = b.strip_prefix("terminating on signal ") {
        ev.put_int(Name::signal, lex::int(n)?);
        return Some("master.terminating");
    }
    if b == "master exit time has arrived" {
        return Some("master.exit");
    }
    let (_, level, rest) = common::severity(b)?;
    let kind = if let Some(t) = rest.strip_prefix("process ") {
        let (path, t) = t.split_once(" pid ")?;
        let (pid, t) = lex::word(t);
        let pid = lex::int(pid)?;
        let kind = if let Some(n) = t.strip_prefix("exit status ") {
            ev.put_int(Name::exit_status, lex::int(n)?);
            "master.process-exit"
        } else {
            ev.put_int(
                Name::signal,
                lex::int(t.strip_prefix("killed by signal ")?)?,
            );
            "master.process-killed"
        };
        ev.put(Name::process_path, path);
        ev.put_int(Name::child_pid, pid);
        kind
    } else if let Some(t) = rest.strip_prefix("service \"") {
        let (service, t) = t.split_once("\" (")?;
        let (_, t) = t.split_once(") has reached its process limit \"")?;
        let (limit, _) = t.split_once('"')?;
        ev.put(Name::service, service);
        ev.put_int(Name::process_limit, lex::int(limit)?);
        ev.put(Name::additional_info, rest);
        "master.process-limit"
    } else if rest.starts_with("to avoid this condition, increase the process count")
        || rest.starts_with("see https://www.postfix.org/STRESS_README.html")
        || rest.starts_with("see http://www.postfix.org/STRESS_README.html")
    {
        ev.put(Name::additional_info, rest);
        "master.process-limit"
    } else if let Some(path) = rest.strip_suffix(": bad command startup -- throttling") {
        ev.put(Name::process_path, path);
        "master.bad-command-startup"
    } else {
        return tools::config_override(m, level, rest, ev);
    };
    ev.put(Name::severity, level);
    Some(kind)
}

fn script<'a>(m: &Msg<'a>, ev: &mut LineEvent<'a>) -> Option<&'static str> {
    let (level, text) = match common::severity(m.body) {
        Some((_, level, rest)) => (Some(level), rest),
        None => (None, m.body),
    };
    let kind = if let Some(rest) = text.strip_prefix("the Postfix mail system is ") {
        if rest == "not running" {
            "postfix-script.not-running"
        } else if rest == "already running" {
            "postfix-script.already-running"
        } else if rest.starts_with("running") {
            ev.put(Name::additional_info, rest);
            "postfix-script.running"
        } else {
            return None;
        }
    } else if let Some((verb, rest)) = text.split_once(" the Postfix mail system") {
        let kind = match verb {
            "starting" => "postfix-script.starting",
            "refreshing" => "postfix-script.refreshing",
            "stopping" => "postfix-script.stopping",
            "aborting" => "postfix-script.aborting",
            "waiting for" => "postfix-script.waiting",
            _ => return None,
        };
        if !rest.is_empty() {
            ev.put(Name::additional_info, rest.trim_start());
        }
        kind
    } else if let Some(path) = text.strip_prefix("symlink leaves directory: ") {
        ev.put(Name::file_path, path);
        "postfix-script.symlink-leaves-directory"
    } else if let Some((problem, path)) = text.split_once(": ").filter(|(p, _)| {
        p.starts_with("not owned by ")
            || *p == "group or other writable"
            || p.starts_with("not set-gid")
            || *p == "damaged message"
    }) {
        ev.put(Name::file_path, path);
        ev.put(Name::additional_info, problem);
        "postfix-script.permission-problem"
    } else {
        return level.and_then(|l| tools::config_override(m, l, text, ev));
    };
    if let Some(l) = level {
        ev.put(Name::severity, l);
    }
    Some(kind)
}

fn postfix<'a>(m: &Msg<'a>, ev: &mut LineEvent<'a>) -> Option<&'static str> {
    let (_, level, rest) = common::severity(m.body)?;
    if let Some(t) = rest
        .strip_prefix("read TCP map reply from ")
        .or_else(|| rest.strip_prefix("connect to TCP map "))
    {
        let (map, reason) = t.split_once(": ")?;
        ev.put(Name::severity, level);
        ev.put(Name::map_name, map);
        ev.put(Name::additional_info, reason);
        return kind!(m.daemon, ["postfix"], "tcp-map-error");
    }
    tools::config_override(m, level, rest, ev)
}

#[cfg(test)]
mod tests {
    use super::super::delivery::testing::{line, tagged};
    use super::*;

    #[test]
    fn started_and_reload() {
        let ev = line("May 10 10:33:55 vm-debian10 postfix/master[6284]: daemon started -- version 3.4.5, configuration /etc/postfix");
        assert_eq!(ev.kind, "master.started");
        assert_eq!(ev.get_str(Name::version), Some("3.4.5"));
        assert_eq!(ev.get_str(Name::config_dir), Some("/etc/postfix"));
        let ev = line("May 10 09:13:28 vm-debian10 postfix/master[5692]: reload -- version 3.4.5, configuration /etc/postfix");
        assert_eq!(ev.kind, "master.reload");
        assert_eq!(ev.get_str(Name::version), Some("3.4.5"));
        let ev = line("daemon started -- version 2.11.0, configuration /etc/postfix");
        assert_eq!(ev.kind, "master.started");
        assert_eq!(ev.daemon, Some("master"));
    }

    #[test]
    fn terminating() {
        let ev = line("May 13 09:37:36 vm-debian10 postfix/master[2291]: terminating on signal 15");
        assert_eq!(ev.kind, "master.terminating");
        assert_eq!(ev.get_int(Name::signal), Some(15));
    }

    #[test]
    fn process_exit_and_killed() {
        let ev = line("May  8 08:26:55 mail postfix/master[1741]: warning: process /usr/libexec/postfix/cleanup pid 27541 exit status 1");
        assert_eq!(ev.kind, "master.process-exit");
        assert_eq!(
            ev.get_str(Name::process_path),
            Some("/usr/libexec/postfix/cleanup")
        );
        assert_eq!(ev.get_int(Name::child_pid), Some(27541));
        assert_eq!(ev.get_int(Name::exit_status), Some(1));
        assert_eq!(ev.get_str(Name::severity), Some("warning"));
        let ev =
            line("warning: process /usr/local/libexec/postfix/smtpd pid 46234 killed by signal 11");
        assert_eq!(ev.kind, "master.process-killed");
        assert_eq!(ev.get_int(Name::signal), Some(11));
        assert_eq!(ev.get_int(Name::child_pid), Some(46234));
    }

    // Gap kinds, built from the format strings of master_avail.c and master_spawn.c.
    #[test]
    fn process_limit_and_bad_startup() {
        let ev = line("Jun 10 06:27:31 mx postfix/master[5436]: warning: service \"smtp\" (25) has reached its process limit \"100\": new clients may experience noticeable delays");
        assert_eq!(ev.kind, "master.process-limit");
        assert_eq!(ev.get_str(Name::service), Some("smtp"));
        assert_eq!(ev.get_int(Name::process_limit), Some(100));
        let ev = line("Jun 10 06:27:31 mx postfix/master[5436]: warning: /usr/libexec/postfix/smtpd: bad command startup -- throttling");
        assert_eq!(ev.kind, "master.bad-command-startup");
        assert_eq!(
            ev.get_str(Name::process_path),
            Some("/usr/libexec/postfix/smtpd")
        );
    }

    #[test]
    fn script_lifecycle() {
        let ev = line("May 10 09:13:28 vm-debian10 postfix/postfix-script[5851]: refreshing the Postfix mail system");
        assert_eq!(ev.kind, "postfix-script.refreshing");
        let ev = line("May 10 08:41:57 vm-debian10 postfix/postfix-script[5690]: starting the Postfix mail system");
        assert_eq!(ev.kind, "postfix-script.starting");
        // Gap kind: postfix-script's `$INFO stopping the Postfix mail system`.
        let ev = line("May 10 08:41:57 vm-debian10 postfix/postfix-script[5690]: stopping the Postfix mail system");
        assert_eq!(ev.kind, "postfix-script.stopping");
    }

    #[test]
    fn script_not_running() {
        let ev = line("postfix/postfix-script: fatal: the Postfix mail system is not running");
        assert_eq!(ev.kind, "postfix-script.not-running");
        assert_eq!(ev.get_str(Name::severity), Some("fatal"));
    }

    #[test]
    fn script_symlink() {
        let ev = line("warning: symlink leaves directory: /etc/postfix/./makedefs.out");
        assert_eq!(ev.kind, "postfix-script.symlink-leaves-directory");
        assert_eq!(ev.daemon, Some("postfix-script"));
        assert_eq!(
            ev.get_str(Name::file_path),
            Some("/etc/postfix/./makedefs.out")
        );
    }

    #[test]
    fn bare_postfix_tag() {
        // The checklist's only line has no licence; this one follows dict_tcp.c's format string.
        let ev = line("Jun 10 06:27:31 mx postfix[5436]: warning: read TCP map reply from 127.0.0.1:10023: unexpected EOF (Connection reset by peer)");
        assert_eq!(ev.daemon, Some("postfix"));
        assert_eq!(ev.kind, "postfix.tcp-map-error");
        assert_eq!(ev.get_str(Name::map_name), Some("127.0.0.1:10023"));
        assert_eq!(
            ev.get_str(Name::additional_info),
            Some("unexpected EOF (Connection reset by peer)")
        );
        let ev = line("Jun 10 06:27:31 mx postfix[5436]: fatal: the postfix command is reserved for the superuser");
        assert_eq!(ev.kind, "postfix.fatal");
    }

    #[test]
    fn config_override() {
        let text = "warning: /etc/postfix/main.cf, line 51: overriding earlier entry: relayhost=";
        let (kind, ev) = tagged("master", text, parse);
        assert_eq!(kind, Some("master.config-override"));
        assert_eq!(ev.get_str(Name::parameter), Some("relayhost"));
    }

    #[test]
    fn foreign_lines() {
        for text in [
            "daemon started -- version x",
            "terminating on signal x",
            "warning: process x",
        ] {
            let (kind, _) = tagged("master", text, parse);
            assert_eq!(kind, None, "{text}");
        }
        let (kind, _) = tagged("postfix-script", "starting the Postfix mail system", parse);
        assert_eq!(kind, Some("postfix-script.starting"));
        let (kind, _) = tagged("master", "starting the Postfix mail system", parse);
        assert_eq!(kind, None);
    }
}
