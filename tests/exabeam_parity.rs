//! Exabeam parity: for each of Exabeam's six Postfix parsers (`exabeam-parsers.json`, `rules.md` E.1), real
//! corpus lines that the parser takes, run through the public engine and read back from the NDJSON a user
//! sees, with every field that parser means asserted at the value Postfix meant.
//!
//! Where Exabeam's regexes go wrong the expectation is Postfix's meaning, not Exabeam's capture (`rules.md`
//! E.1 and F.4): the relay port written after the bracket, whole IPv6 addresses, a queue id that is null on a
//! `connect to` line, the subject without its ` from host[ip]` origin, and the three failure parsers (whose
//! conditions need `]:`) still taking RFC 5424 lines. Each line with a syslog header is also re-framed as
//! RFC 5424 and as a shipper's JSON envelope, which must give the same record.
//!
//! Lines are copied verbatim from `tests/corpus/public` (the test checks this). The corpus has only two
//! `header Subject:` lines, so the subject parser also takes real Postfix 3.7 lines from `examples/sample.log`
//! and the worked example of `rules.md` E.7; their `source` says so.

use postfix_enrich::{Config, Engine, NdjsonSink};
use serde_json::{json, Value};

/// Year of the year-less (RFC 3164) time stamps.
const YEAR: i32 = 2026;

/// One of Exabeam's parsers: its labels and every field it extracts.
struct Parser {
    name: &'static str,
    activity_type: &'static str,
    event_type: &'static str,
    /// The field names the parser's patterns capture; every case states each of them (null = not on the line).
    fields: &'static [&'static str],
}

const DELIVERY_FAILURE: Parser = Parser {
    name: "postfix-postfix-str-email-send-fail-deliveryfailure",
    activity_type: "email-send:fail",
    event_type: "dlp-email-alert-out-failed",
    fields: &[
        "time",
        "host",
        "process_name",
        "process_id",
        "message_id",
        "additional_info",
        "dest_host",
        "dest_ip",
        "dest_port",
    ],
};

const STATUS_DEFERRED: Parser = Parser {
    name: "postfix-postfix-str-email-send-fail-statusdeferred",
    activity_type: "email-send:fail",
    event_type: "dlp-email-alert-out-failed",
    fields: &[
        "time",
        "host",
        "process_name",
        "process_id",
        "message_id",
        "email_recipients",
        "result",
        "additional_info",
        "dest_host",
        "dest_ip",
        "dest_port",
    ],
};

const CONNECTION_FAIL: Parser = Parser {
    name: "postfix-postfix-str-smtp-close-connectionfail",
    activity_type: "network-traffic:fail",
    event_type: "network-connection-failed",
    fields: &[
        "time",
        "host",
        "process_name",
        "process_id",
        "message_id",
        "dest_host",
        "dest_ip",
        "dest_port",
        "additional_info",
    ],
};

const EMAIL_SUBJECT: Parser = Parser {
    name: "postfix-postfix-str-email-subject",
    activity_type: "email-send:success",
    event_type: "dlp-email-alert-out",
    fields: &[
        "time",
        "host",
        "message_id",
        "email_subject",
        "email_address",
        "email_domain",
        "email_recipients",
        "dest_email_address",
        "dest_email_domain",
        "src_host",
        "src_ip",
        "src_port",
    ],
};

const EMAIL_SENT: Parser = Parser {
    name: "postfix-postfix-mix-email-sent",
    activity_type: "email-send:success",
    event_type: "dlp-email-alert-out",
    fields: &[
        "time",
        "message_id",
        "host",
        "dest_user",
        "dest_email_address",
        "dest_email_domain",
        "dest_host",
        "dest_ip",
        "dest_port",
        "result",
        "bytes",
    ],
};

const EMAIL_QUEUE: Parser = Parser {
    name: "postfix-postfix-kv-email-queue",
    activity_type: "email-send:success",
    event_type: "dlp-email-alert-out",
    fields: &[
        "time",
        "host",
        "message_id",
        "user",
        "src_user",
        "src_host",
        "email_address",
        "email_domain",
        "bytes",
        "num_recipients",
        "dest_email_address",
        "dest_email_domain",
    ],
};

/// The six parsers with their selection conditions (substrings of the raw line), in the catalogue's order.
const CONDITIONS: &[(&str, &[&str])] = &[
    (DELIVERY_FAILURE.name, &["postfix/smtp[", "] said:", "]:"]),
    (STATUS_DEFERRED.name, &["postfix", "status=deferred", "]:"]),
    (CONNECTION_FAIL.name, &["postfix", "]: connect to", "]:"]),
    (EMAIL_SUBJECT.name, &["postfix", "header Subject:"]),
    (EMAIL_SENT.name, &["postfix", "dsn=2.", "status=sent"]),
    (EMAIL_QUEUE.name, &["postfix", "from=<", "nrcpt="]),
];

/// A corpus line and the fields it must give.
struct Case {
    /// The corpus file the line was copied from.
    source: &'static str,
    line: &'static str,
    want: Value,
}

fn engine() -> Engine {
    let config = Config {
        year: Some(YEAR),
        ..Config::default()
    };
    Engine::new(config, 0).expect("default configuration is valid")
}

/// The line records (parsed NDJSON) of `input`, one per line.
fn line_records(input: &str) -> Vec<Value> {
    let mut engine = engine();
    let mut sink = NdjsonSink::default();
    engine.process_chunk(input.as_bytes(), &mut sink);
    engine.finish(&mut sink);
    engine.flush(&mut sink);
    String::from_utf8(sink.buf)
        .expect("NDJSON is UTF-8")
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).expect("every output line is JSON"))
        .filter(|r| r["event_kind"] == "line")
        .collect()
}

fn record(line: &str) -> Value {
    let mut recs = line_records(line);
    assert_eq!(recs.len(), 1, "one line record for {line}");
    recs.pop().unwrap()
}

/// A line record without `raw`, the one key that differs between framings of the same message.
fn without_raw(mut r: Value) -> Value {
    r.as_object_mut().unwrap().remove("raw");
    r
}

/// The line re-framed as RFC 5424 and as a JSON envelope, from the header the engine read and the message
/// after the tag. `None` for a bare message (no header to re-frame).
fn reframed(line: &str, rec: &Value) -> Option<[String; 2]> {
    let prog = rec["process_name"].as_str()?;
    let (_, msg) = line.split_once("]: ")?;
    let time = rec["time"].as_str().expect("a framed line has a time");
    let host = rec["host"].as_str().expect("a framed line has a host");
    let pid = rec["process_id"].as_u64().expect("a framed line has a pid");
    let rfc5424 = format!("<22>1 {time} {host} {prog} {pid} - - {msg}");
    let envelope = json!({
        "message": msg, "timestamp": time, "host": host, "appname": prog, "procid": pid,
    })
    .to_string();
    Some([rfc5424, envelope])
}

fn check(parser: &Parser, cases: &[Case]) {
    for case in cases {
        let line = case.line;
        let rec = record(line);
        assert_eq!(rec["parser"], parser.name, "parser of {line}");
        assert_eq!(rec["activity_type"], parser.activity_type, "{line}");
        assert_eq!(rec["event_type"], parser.event_type, "{line}");
        let want = case.want.as_object().expect("want is an object");
        for f in parser.fields {
            assert!(
                want.contains_key(*f),
                "the case of {line} does not state {f}"
            );
        }
        for (k, v) in want {
            assert_eq!(rec.get(k).unwrap_or(&Value::Null), v, "{k} of {line}");
        }
        if let Some(forms) = reframed(line, &rec) {
            for form in forms {
                let again = record(&form);
                assert_eq!(
                    without_raw(again),
                    without_raw(rec.clone()),
                    "{form} differs from {line}"
                );
            }
        }
    }
    let framed = cases
        .iter()
        .filter(|c| c.source != E7)
        .filter(|c| reframed(c.line, &record(c.line)).is_some())
        .count();
    assert!(
        framed >= 5,
        "{}: {framed} real lines with a header",
        parser.name
    );
}

/// The `(file, line)` pairs of every case, for the provenance check.
fn all_cases() -> Vec<Case> {
    [
        delivery_failure_cases(),
        status_deferred_cases(),
        connection_fail_cases(),
        email_subject_cases(),
        email_sent_cases(),
        email_queue_cases(),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// `source` of the lines taken from `rules.md` E.7 (the spec's worked example, not a corpus file).
const E7: &str = "rules.md E.7";

/// A case's source file: a corpus file name, or a path in the repository (`examples/sample.log`).
fn source_path(file: &str) -> String {
    let root = env!("CARGO_MANIFEST_DIR");
    if file.contains('/') {
        format!("{root}/{file}")
    } else {
        format!("{root}/tests/corpus/public/{file}")
    }
}

fn corpus_lines(file: &str) -> Option<Vec<String>> {
    let path = source_path(file);
    let text = if file.ends_with(".gz") {
        // No gzip crate in the build: use the system's gzip where there is one.
        let out = std::process::Command::new("gzip")
            .args(["-dc", &path])
            .output()
            .ok()
            .filter(|o| o.status.success())?;
        String::from_utf8(out.stdout).expect("corpus is UTF-8")
    } else {
        std::fs::read_to_string(&path).expect("corpus file")
    };
    Some(text.lines().map(str::to_string).collect())
}

#[test]
fn case_lines_are_verbatim_corpus_lines() {
    let mut files: Vec<&str> = Vec::new();
    let cases = all_cases();
    for c in cases.iter().filter(|c| c.source != E7) {
        if !files.contains(&c.source) {
            files.push(c.source);
        }
    }
    for file in files {
        let Some(lines) = corpus_lines(file) else {
            eprintln!("{file}: no gzip here, its lines are not checked");
            continue;
        };
        for c in cases.iter().filter(|c| c.source == file) {
            assert!(
                lines.iter().any(|l| l == c.line),
                "not a line of {file}: {}",
                c.line
            );
        }
    }
}

/// Which parser Exabeam selects for a raw line: the first whose condition substrings all occur.
fn exabeam_selects(raw: &str) -> Option<&'static str> {
    CONDITIONS
        .iter()
        .find(|(_, conds)| conds.iter().all(|c| raw.contains(c)))
        .map(|(name, _)| *name)
}

/// Over every line of the uncompressed corpus files and of `examples/sample.log` (a real Postfix 3.7 log),
/// the engine picks the parser Exabeam's conditions pick, except where Exabeam is wrong: a bare message (no
/// `postfix` in it, so no parser's conditions hold), a qmgr line written `from=user@host` without the angle
/// brackets, and a cleanup `reject: header Subject:` line, which Exabeam's subject parser labels a sent
/// message although cleanup rejected it.
#[test]
fn parser_selection_matches_exabeam_on_the_corpus() {
    let root = env!("CARGO_MANIFEST_DIR");
    let mut files: Vec<_> = std::fs::read_dir(format!("{root}/tests/corpus/public"))
        .expect("corpus directory")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "log"))
        .collect();
    files.sort();
    files.push(format!("{root}/examples/sample.log").into());
    let six: Vec<&str> = CONDITIONS.iter().map(|(n, _)| *n).collect();
    let (mut same, mut bare, mut unbracketed, mut rejected) = (0, 0, 0, 0);
    for path in files {
        let text = std::fs::read_to_string(&path).expect("corpus file");
        let recs = line_records(&text);
        assert_eq!(recs.len(), text.lines().count(), "{}", path.display());
        for (line, rec) in text.lines().zip(&recs) {
            let ours = rec["parser"].as_str().filter(|p| six.contains(p));
            let theirs = exabeam_selects(line);
            if ours == theirs {
                same += 1;
            } else if theirs.is_none() && !line.contains("postfix") {
                bare += 1;
            } else if theirs.is_none()
                && ours == Some(EMAIL_QUEUE.name)
                && line.contains("from=")
                && !line.contains("from=<")
            {
                unbracketed += 1;
            } else if theirs == Some(EMAIL_SUBJECT.name)
                && ours.is_none()
                && rec["postfix_kind"] == "cleanup.reject"
            {
                rejected += 1;
            } else {
                panic!("{line}\n  Exabeam: {theirs:?}\n  engine:  {ours:?}");
            }
        }
    }
    assert!(same > 1800, "{same} lines agree");
    assert!(
        bare > 0 && unbracketed == 3 && rejected == 1,
        "{bare} bare, {unbracketed} unbracketed, {rejected} rejected"
    );
}

fn delivery_failure_cases() -> Vec<Case> {
    vec![
        // Exabeam: no process, pid or queue id (its first pattern wants `]` then the queue id, but Postfix
        // writes `]: `), no port (its port group follows the address inside the bracket).
        Case {
            source: "fgforrest-deliverability.log",
            line: r#"2013 Jun 10 06:48:17.123 gds39d postfix/smtp[31121]: 9CD1E3FC546XXXX: to=<b4b4@h4b0r4k.eo>, relay=mail.taborak.cz[212.47.19.70]:25, delay=235532, delays=235532/0.12/0.22/0.06, dsn=4.2.2, status=deferred (host mail.taborak.cz[212.47.19.70] said: 452 4.2.2 <baba@taborak.cz> Mailbox has exceeded the limit (in reply to RCPT TO command))"#,
            want: json!({
                "time": "2013-06-10T06:48:17.123Z", "host": "gds39d",
                "process_name": "postfix/smtp", "process_id": 31121,
                "message_id": "9CD1E3FC546XXXX", "queue_id": "9CD1E3FC546XXXX",
                "additional_info": "host mail.taborak.cz[212.47.19.70] said: 452 4.2.2 <baba@taborak.cz> Mailbox has exceeded the limit (in reply to RCPT TO command)",
                "dest_host": "mail.taborak.cz", "dest_ip": "212.47.19.70", "dest_port": 25,
                "email_recipients": "b4b4@h4b0r4k.eo", "dest_email_address": "b4b4@h4b0r4k.eo",
                "result": "deferred", "dsn": "4.2.2", "reject_code": 452,
                "smtp_command": "RCPT TO",
            }),
        },
        // The informational reply line: no recipient and no port on the line; the reply text is the info.
        Case {
            source: "fgforrest-deliverability.log",
            line: r#"2013 Jun 10 08:00:06.123 gds39d postfix/smtp[18797]: 0FF62C2C113XXXX: host server1.4shop.cz[82.208.7.108] said: 451 Please try again later. Greylisting. (in reply to RCPT TO command)"#,
            want: json!({
                "time": "2013-06-10T08:00:06.123Z", "host": "gds39d",
                "process_name": "postfix/smtp", "process_id": 18797,
                "message_id": "0FF62C2C113XXXX",
                "additional_info": "Please try again later. Greylisting.",
                "dest_host": "server1.4shop.cz", "dest_ip": "82.208.7.108", "dest_port": null,
                "reject_code": 451, "smtp_command": "RCPT TO", "email_recipients": null,
                "result": null,
            }),
        },
        Case {
            source: "fgforrest-deliverability.log",
            line: r#"2013 Jun 10 08:00:04.123 gds39d postfix/smtp[18780]: 20DC43FC069XXXX: to=<1uf0@vs3-pr0-d3h1.eo>, relay=vse-pro-deti.cz[81.95.96.29]:25, delay=0.09, delays=0.01/0/0.05/0.02, dsn=5.7.1, status=bounced (host vse-pro-deti.cz[81.95.96.29] said: 554 5.7.1 <info@vse-pro-deti.cz>: Relay access denied (in reply to RCPT TO command))"#,
            want: json!({
                "time": "2013-06-10T08:00:04.123Z", "host": "gds39d",
                "process_name": "postfix/smtp", "process_id": 18780,
                "message_id": "20DC43FC069XXXX",
                "additional_info": "host vse-pro-deti.cz[81.95.96.29] said: 554 5.7.1 <info@vse-pro-deti.cz>: Relay access denied (in reply to RCPT TO command)",
                "dest_host": "vse-pro-deti.cz", "dest_ip": "81.95.96.29", "dest_port": 25,
                "dest_email_address": "1uf0@vs3-pr0-d3h1.eo", "dest_email_domain": "vs3-pr0-d3h1.eo",
                "result": "bounced", "dsn": "5.7.1", "reject_code": 554, "reject_dsn": "5.7.1",
            }),
        },
        // A multi-line reply Postfix joined into one line, on a reused connection.
        Case {
            source: "fgforrest-deliverability.log",
            line: r#"2013 Jun 10 09:29:10.123 gds39d postfix/smtp[11106]: C03C7C2C13DXXXX: to=<d4v1d.kupp0@af41i.e0f>, relay=gmail-smtp-in.l.google.com[173.194.70.27]:25, conn_use=3, delay=0.06, delays=0/0/0.02/0.03, dsn=5.1.1, status=bounced (host gmail-smtp-in.l.google.com[173.194.70.27] said: 550-5.1.1 The email account that you tried to reach does not exist. Please try 550-5.1.1 double-checking the recipient's email address for typos or 550-5.1.1 unnecessary spaces. Learn more at 550 5.1.1 http://support.google.com/mail/bin/answer.py?answer=6596 v46si7276864een.167 - gsmtp (in reply to RCPT TO command))"#,
            want: json!({
                "time": "2013-06-10T09:29:10.123Z", "host": "gds39d",
                "process_name": "postfix/smtp", "process_id": 11106,
                "message_id": "C03C7C2C13DXXXX",
                "additional_info": "host gmail-smtp-in.l.google.com[173.194.70.27] said: 550-5.1.1 The email account that you tried to reach does not exist. Please try 550-5.1.1 double-checking the recipient's email address for typos or 550-5.1.1 unnecessary spaces. Learn more at 550 5.1.1 http://support.google.com/mail/bin/answer.py?answer=6596 v46si7276864een.167 - gsmtp (in reply to RCPT TO command)",
                "dest_host": "gmail-smtp-in.l.google.com", "dest_ip": "173.194.70.27",
                "dest_port": 25, "conn_use": 3, "dest_email_address": "d4v1d.kupp0@af41i.e0f",
                "result": "bounced", "dsn": "5.1.1", "reject_code": 550, "reject_dsn": "5.1.1",
            }),
        },
        // Exabeam's time pattern wants `MMM dd` and its host pattern the RFC 3164 layout: neither reads
        // this RFC 3339 header.
        Case {
            source: "kumina-postfix-exporter.log",
            line: r#"2020-03-19T09:29:05.858036+00:00 638fbdd7968d postfix/smtp[156]: CA1AD20189: to=<example@yahoo.com>, relay=mta5.am0.yahoodns.net[67.195.228.106]:25, delay=69785, delays=69745/38/2.3/0.17, dsn=4.7.0, status=deferred (host mta5.am0.yahoodns.net[67.195.228.106] said: 421 4.7.0 [TSS04] Messages from 192.36.214.188 temporarily deferred due to user complaints - 4.16.55.1; see https://help.yahoo.com/kb/postmaster/SLN3434.html (in reply to MAIL FROM command))"#,
            want: json!({
                "time": "2020-03-19T09:29:05.858036Z", "host": "638fbdd7968d",
                "process_name": "postfix/smtp", "process_id": 156, "message_id": "CA1AD20189",
                "additional_info": "host mta5.am0.yahoodns.net[67.195.228.106] said: 421 4.7.0 [TSS04] Messages from 192.36.214.188 temporarily deferred due to user complaints - 4.16.55.1; see https://help.yahoo.com/kb/postmaster/SLN3434.html (in reply to MAIL FROM command)",
                "dest_host": "mta5.am0.yahoodns.net", "dest_ip": "67.195.228.106", "dest_port": 25,
                "dest_email_address": "example@yahoo.com", "result": "deferred", "dsn": "4.7.0",
                "smtp_command": "MAIL FROM",
            }),
        },
        Case {
            source: "kumina-postfix-exporter.log",
            line: r#"Dec 29 02:54:09 mail postfix/smtp[7648]: 732BB407C3: host mail.domain.com[1.1.1.1] said: 451 DT:SPM 163 mx13,P8CowECpNVM_oEVaenoEAQ--.23796S3 1514512449, please try again 15min later (in reply to end of DATA command)"#,
            want: json!({
                "time": "2026-12-29T02:54:09Z", "host": "mail",
                "process_name": "postfix/smtp", "process_id": 7648, "message_id": "732BB407C3",
                "additional_info": "DT:SPM 163 mx13,P8CowECpNVM_oEVaenoEAQ--.23796S3 1514512449, please try again 15min later",
                "dest_host": "mail.domain.com", "dest_ip": "1.1.1.1", "dest_port": null,
                "reject_code": 451, "smtp_command": "end of DATA",
            }),
        },
        // IPv6 relay, and an IPv6 address inside the reply that must not be taken for it. A bare message:
        // Exabeam takes no headerless line (its conditions need `postfix/smtp[`).
        Case {
            source: "grok-patterns.log",
            line: r#"4E74613FE76: to=<redacted@gmail.com>, relay=gmail-smtp-in.l.google.com[2607:f8b0:400e:c04::1b]:25, delay=1.9, delays=0.05/0/1.1/0.71, dsn=5.7.1, status=bounced (host gmail-smtp-in.l.google.com[2607:f8b0:400e:c04::1b] said: 550-5.7.1 [2607:4100:3:25:100::2      12] Our system has detected that this 550-5.7.1 message is likely unsolicited mail. To reduce the amount of spam sent 550-5.7.1 to Gmail, this message has been blocked. Please visit 550-5.7.1 http://support.google.com/mail/bin/answer.py?hl=en&answer=188131 for 550 5.7.1 more information. qc12si8475009pab.211 - gsmtp (in reply to end of DATA command))"#,
            want: json!({
                "time": null, "host": null, "process_name": null, "process_id": null,
                "daemon": "smtp", "message_id": "4E74613FE76",
                "additional_info": "host gmail-smtp-in.l.google.com[2607:f8b0:400e:c04::1b] said: 550-5.7.1 [2607:4100:3:25:100::2      12] Our system has detected that this 550-5.7.1 message is likely unsolicited mail. To reduce the amount of spam sent 550-5.7.1 to Gmail, this message has been blocked. Please visit 550-5.7.1 http://support.google.com/mail/bin/answer.py?hl=en&answer=188131 for 550 5.7.1 more information. qc12si8475009pab.211 - gsmtp (in reply to end of DATA command)",
                "dest_host": "gmail-smtp-in.l.google.com", "dest_ip": "2607:f8b0:400e:c04::1b",
                "dest_port": 25, "dest_email_address": "redacted@gmail.com", "result": "bounced",
            }),
        },
    ]
}

#[test]
fn delivery_failure() {
    check(&DELIVERY_FAILURE, &delivery_failure_cases());
}

fn status_deferred_cases() -> Vec<Case> {
    vec![
        // No destination on the line: the name lookup failed.
        Case {
            source: "fgforrest-deliverability.log",
            line: r#"2013 Jun 10 15:34:42.123 gds39d postfix/smtp[12216]: 3bYscs22wBz37Dv: to=<azv-test@example.com>, relay=none, delay=35, delays=0/0/35/0, dsn=4.4.3, status=deferred (Host or domain name not found. Name service error for name=cedefop.eu.int type=MX: Host not found, try again)"#,
            want: json!({
                "time": "2013-06-10T15:34:42.123Z", "host": "gds39d",
                "process_name": "postfix/smtp", "process_id": 12216,
                "message_id": "3bYscs22wBz37Dv", "email_recipients": "azv-test@example.com",
                "dest_email_address": "azv-test@example.com", "dest_email_domain": "example.com",
                "result": "deferred", "dsn": "4.4.3",
                "additional_info": "Host or domain name not found. Name service error for name=cedefop.eu.int type=MX: Host not found, try again",
                "dest_host": null, "dest_ip": null, "dest_port": null,
            }),
        },
        // The destination is in the reason's `connect to HOST[IP]:PORT`.
        Case {
            source: "fgforrest-deliverability.log",
            line: r#"2013 Jun 10 06:28:18.123 gds39d postfix/smtp[16152]: 7E1AEC2C388XXXX: to=<k0i3u1e0v4@f1eh43i4.e0f>, relay=none, delay=71766, delays=71766/0.01/0.29/0, dsn=4.4.1, status=deferred (connect to michaela.com[176.74.176.167]:25: Connection refused)"#,
            want: json!({
                "time": "2013-06-10T06:28:18.123Z", "host": "gds39d",
                "process_name": "postfix/smtp", "process_id": 16152,
                "message_id": "7E1AEC2C388XXXX", "email_recipients": "k0i3u1e0v4@f1eh43i4.e0f",
                "result": "deferred", "dsn": "4.4.1",
                "additional_info": "connect to michaela.com[176.74.176.167]:25: Connection refused",
                "dest_host": "michaela.com", "dest_ip": "176.74.176.167", "dest_port": 25,
            }),
        },
        // The error daemon deferring for a destination qmgr marked dead.
        Case {
            source: "fgforrest-deliverability.log",
            line: r#"2013 Jun 10 06:53:17.123 gds39d postfix/error[10717]: 83BFF3FCD20XXXX: to=<ifaj@s3yu4f.eo>, relay=none, delay=235726, delays=235726/0.17/0/0.01, dsn=4.4.1, status=deferred (delivery temporarily suspended: connect to SEYNAM.CZ[93.185.104.28]:25: Connection refused)"#,
            want: json!({
                "time": "2013-06-10T06:53:17.123Z", "host": "gds39d",
                "process_name": "postfix/error", "process_id": 10717, "daemon": "error",
                "message_id": "83BFF3FCD20XXXX", "email_recipients": "ifaj@s3yu4f.eo",
                "result": "deferred", "dsn": "4.4.1",
                "additional_info": "delivery temporarily suspended: connect to SEYNAM.CZ[93.185.104.28]:25: Connection refused",
                "dest_host": "SEYNAM.CZ", "dest_ip": "93.185.104.28", "dest_port": 25,
            }),
        },
        // Exabeam reads the destination only from `connect to`; Postfix names it in the relay too.
        Case {
            source: "fgforrest-deliverability.log",
            line: r#"2013 Jun 10 09:32:11.123 gds39d postfix/smtp[12937]: 27C39C2C33EXXXX: to=<p4hr1ek3@0r4ua3f41i.sk>, relay=mail.orangemail.sk[213.151.200.4]:25, delay=0.06, delays=0/0/0.06/0, dsn=4.7.0, status=deferred (host mail.orangemail.sk[213.151.200.4] refused to talk to me: 421 4.7.0 Not allowed.)"#,
            want: json!({
                "time": "2013-06-10T09:32:11.123Z", "host": "gds39d",
                "process_name": "postfix/smtp", "process_id": 12937,
                "message_id": "27C39C2C33EXXXX", "email_recipients": "p4hr1ek3@0r4ua3f41i.sk",
                "result": "deferred", "dsn": "4.7.0",
                "additional_info": "host mail.orangemail.sk[213.151.200.4] refused to talk to me: 421 4.7.0 Not allowed.",
                "dest_host": "mail.orangemail.sk", "dest_ip": "213.151.200.4", "dest_port": 25,
                "reject_code": 421, "reject_dsn": "4.7.0",
            }),
        },
        Case {
            source: "fgforrest-deliverability.log",
            line: r#"2013 Jun 10 15:31:38.123 gds39d postfix/smtp[8016]: 7F4193FC11BXXXX: to=<f4re3i4.ov0o1i0v4@au41i.e0f>, relay=mail.gnail.com[203.158.21.1]:25, delay=15, delays=0/0/15/0, dsn=4.4.2, status=deferred (lost connection with mail.gnail.com[203.158.21.1] while receiving the initial server greeting)"#,
            want: json!({
                "time": "2013-06-10T15:31:38.123Z", "host": "gds39d",
                "process_name": "postfix/smtp", "process_id": 8016,
                "message_id": "7F4193FC11BXXXX", "email_recipients": "f4re3i4.ov0o1i0v4@au41i.e0f",
                "result": "deferred", "dsn": "4.4.2",
                "additional_info": "lost connection with mail.gnail.com[203.158.21.1] while receiving the initial server greeting",
                "dest_host": "mail.gnail.com", "dest_ip": "203.158.21.1", "dest_port": 25,
            }),
        },
        Case {
            source: "kumina-postfix-exporter.log",
            line: r#"Mar 14 03:25:38 letterman postfix/smtp[6656]: 5BECF63C4A: to=<example@icloud.se>, relay=none, delay=44899, delays=44869/0/30/0, dsn=4.4.1, status=deferred (connect to icloud.se[17.253.142.4]:25: Connection timed out)"#,
            want: json!({
                "time": "2026-03-14T03:25:38Z", "host": "letterman",
                "process_name": "postfix/smtp", "process_id": 6656,
                "message_id": "5BECF63C4A", "email_recipients": "example@icloud.se",
                "result": "deferred", "dsn": "4.4.1",
                "additional_info": "connect to icloud.se[17.253.142.4]:25: Connection timed out",
                "dest_host": "icloud.se", "dest_ip": "17.253.142.4", "dest_port": 25,
            }),
        },
        // A bare message (grok's POSTFIX_ERROR sample): the host that dropped the connection, no port.
        Case {
            source: "grok-patterns.log",
            line: r#"2DC5552A34: to=<user@yahoo.com>, relay=none, delay=63495, delays=63350/144/0/0, dsn=4.4.2, status=deferred (delivery temporarily suspended: lost connection with mta7.am0.yahoodns.net[98.136.216.22] while sending RCPT TO)"#,
            want: json!({
                "time": null, "host": null, "process_name": null, "process_id": null,
                "message_id": "2DC5552A34", "email_recipients": "user@yahoo.com",
                "result": "deferred", "dsn": "4.4.2",
                "additional_info": "delivery temporarily suspended: lost connection with mta7.am0.yahoodns.net[98.136.216.22] while sending RCPT TO",
                "dest_host": "mta7.am0.yahoodns.net", "dest_ip": "98.136.216.22", "dest_port": null,
            }),
        },
    ]
}

#[test]
fn status_deferred() {
    check(&STATUS_DEFERRED, &status_deferred_cases());
}

fn connection_fail_cases() -> Vec<Case> {
    vec![
        // IPv6 and the submission port. Exabeam's queue-id pattern cannot match a line without a queue id:
        // message_id is null, never the word `connect`.
        Case {
            source: "wazuh.log",
            line: r#"May 10 09:21:32 vm-debian10 postfix/smtp[5901]: connect to smtp.gmail.com[2a00:1450:400c:c00::6d]:587: Network is unreachable"#,
            want: json!({
                "time": "2026-05-10T09:21:32Z", "host": "vm-debian10",
                "process_name": "postfix/smtp", "process_id": 5901,
                "message_id": null, "queue_id": null,
                "dest_host": "smtp.gmail.com", "dest_ip": "2a00:1450:400c:c00::6d", "dest_port": 587,
                "additional_info": "Network is unreachable",
            }),
        },
        Case {
            source: "fgforrest-deliverability.log",
            line: r#"2013 Jun 10 06:28:18.123 gds39d postfix/smtp[16152]: connect to michaela.com[176.74.176.167]:25: Connection refused"#,
            want: json!({
                "time": "2013-06-10T06:28:18.123Z", "host": "gds39d",
                "process_name": "postfix/smtp", "process_id": 16152, "message_id": null,
                "dest_host": "michaela.com", "dest_ip": "176.74.176.167", "dest_port": 25,
                "additional_info": "Connection refused",
            }),
        },
        Case {
            source: "fgforrest-deliverability.log",
            line: r#"2013 Jun 10 06:53:19.123 gds39d postfix/smtp[10676]: connect to sezn.cz[217.11.249.74]:25: No route to host"#,
            want: json!({
                "time": "2013-06-10T06:53:19.123Z", "host": "gds39d",
                "process_name": "postfix/smtp", "process_id": 10676, "message_id": null,
                "dest_host": "sezn.cz", "dest_ip": "217.11.249.74", "dest_port": 25,
                "additional_info": "No route to host",
            }),
        },
        Case {
            source: "fgforrest-deliverability.log",
            line: r#"2013 Jun 10 06:43:38.123 gds39d postfix/smtp[19496]: connect to cetrum.cz[46.28.105.16]:25: Connection timed out"#,
            want: json!({
                "time": "2013-06-10T06:43:38.123Z", "host": "gds39d",
                "process_name": "postfix/smtp", "process_id": 19496, "message_id": null,
                "dest_host": "cetrum.cz", "dest_ip": "46.28.105.16", "dest_port": 25,
                "additional_info": "Connection timed out",
            }),
        },
        Case {
            source: "fgforrest-real-mail.log.2.gz",
            line: r#"2013 Jun 10 06:38:17.123 gds39d postfix/smtp[8150]: connect to mx.valek.cz[82.113.55.91]:25: Connection refused"#,
            want: json!({
                "time": "2013-06-10T06:38:17.123Z", "host": "gds39d",
                "process_name": "postfix/smtp", "process_id": 8150, "message_id": null,
                "dest_host": "mx.valek.cz", "dest_ip": "82.113.55.91", "dest_port": 25,
                "additional_info": "Connection refused",
            }),
        },
        Case {
            source: "grok-patterns.log",
            line: r#"connect to aspmx.l.google.com[2a00:1450:400b:c02::1a]:25: Network is unreachable"#,
            want: json!({
                "time": null, "host": null, "process_name": null, "process_id": null,
                "daemon": "smtp", "message_id": null,
                "dest_host": "aspmx.l.google.com", "dest_ip": "2a00:1450:400b:c02::1a",
                "dest_port": 25, "additional_info": "Network is unreachable",
            }),
        },
    ]
}

#[test]
fn connection_fail() {
    check(&CONNECTION_FAIL, &connection_fail_cases());
}

/// The corpus holds only two `header Subject:` lines, both bare messages that Exabeam cannot take. The
/// others are not corpus lines: real Postfix 3.7 output from `examples/sample.log` (the live test's log), and
/// the worked example of `rules.md` E.7.
fn email_subject_cases() -> Vec<Case> {
    vec![
        // Exabeam's `Subject:\s*([^;]+)` takes "URL from o1678917x173...[167.89.17.173]": the subject
        // ends at the last ` from ` before `; from=<`.
        Case {
            source: "grok-patterns.log",
            line: r#"D8B07E3DB6: warning: header Subject: https://drive.google.com/file/d/0B8wxcvprDYVdlVsdf1kzOVkdisarmed/view?usp=sharing from o1678917x173.outbound-mail.sendgrid.net[167.89.17.173]; from=<bounces+2320708-7653-frank.test=hsdjasdd.co.uk@sendgrid.net> to=<frank.test@hsdjasdd.co.uk> proto=ESMTP helo=<o1678917x173.outbound-mail.sendgrid.net>"#,
            want: json!({
                "time": null, "host": null, "message_id": "D8B07E3DB6", "daemon": "cleanup",
                "header_name": "Subject", "result": "warning",
                "email_subject": "https://drive.google.com/file/d/0B8wxcvprDYVdlVsdf1kzOVkdisarmed/view?usp=sharing",
                "email_address": "bounces+2320708-7653-frank.test=hsdjasdd.co.uk@sendgrid.net",
                "email_domain": "sendgrid.net",
                "email_recipients": "frank.test@hsdjasdd.co.uk",
                "dest_email_address": "frank.test@hsdjasdd.co.uk",
                "dest_email_domain": "hsdjasdd.co.uk",
                "src_host": "o1678917x173.outbound-mail.sendgrid.net", "src_ip": "167.89.17.173",
                "src_port": null, "helo": "o1678917x173.outbound-mail.sendgrid.net", "proto": "ESMTP",
            }),
        },
        // RFC 2047: the space between two encoded words goes, the one before plain text stays. A local
        // submission has no client.
        Case {
            source: "grok-patterns.log",
            line: r#"D95341E50350: info: header Subject: =?utf-8?Q?Gr=C3=BC=C3=9Fe?= =?utf-8?Q?_=E2=80=92?= test from local; from=<from@example.com> to=<to@example.com>"#,
            want: json!({
                "time": null, "host": null, "message_id": "D95341E50350", "result": "info",
                "email_subject": "Grüße ‒ test",
                "email_address": "from@example.com", "email_domain": "example.com",
                "email_recipients": "to@example.com", "dest_email_address": "to@example.com",
                "dest_email_domain": "example.com",
                "src_host": null, "src_ip": null, "src_port": null,
            }),
        },
        Case {
            source: "examples/sample.log",
            line: r#"Dec 04 21:44:54 mx postfix/cleanup[20037]: 4jh4lp5J4Fz1SZJD: warning: header Subject: Quarterly report from localhost[127.0.0.1]; from=<alice@live.test> to=<bob@ok.test> proto=ESMTP helo=<client.live.test>"#,
            want: json!({
                "time": "2026-12-04T21:44:54Z", "host": "mx", "message_id": "4jh4lp5J4Fz1SZJD",
                "process_name": "postfix/cleanup", "process_id": 20037,
                "email_subject": "Quarterly report",
                "email_address": "alice@live.test", "email_domain": "live.test",
                "email_recipients": "bob@ok.test", "dest_email_address": "bob@ok.test",
                "dest_email_domain": "ok.test",
                "src_host": "localhost", "src_ip": "127.0.0.1", "src_port": null,
            }),
        },
        Case {
            source: "examples/sample.log",
            line: r#"Dec 04 21:44:54 mx postfix/cleanup[20037]: 4jh4lp5Kd0z1SZ5G: warning: header Subject: =?UTF-8?B?R3LDvMOfZSBhdXMgS8O2bG4g4oCTIMOcYmVyc2ljaHQ=?= from localhost[127.0.0.1]; from=<alice@live.test> to=<y@spam.test> proto=ESMTP helo=<client.live.test>"#,
            want: json!({
                "time": "2026-12-04T21:44:54Z", "host": "mx", "message_id": "4jh4lp5Kd0z1SZ5G",
                "email_subject": "Grüße aus Köln – Übersicht",
                "email_address": "alice@live.test", "email_domain": "live.test",
                "email_recipients": "y@spam.test", "dest_email_address": "y@spam.test",
                "dest_email_domain": "spam.test",
                "src_host": "localhost", "src_ip": "127.0.0.1", "src_port": null,
            }),
        },
        // A folded header: Postfix logs the line break as `?`, which is not part of the subject.
        Case {
            source: "examples/sample.log",
            line: r#"Dec 04 21:44:54 mx postfix/cleanup[20038]: 4jh4lp68tkz1SZJJ: warning: header Subject: Re: Fwd: Minutes of the architecture review board, action items for? the migration of the legacy billing system from localhost[127.0.0.1]; from=<dave@live.test> to=<frank@ok.test> proto=ESMTP helo=<client.live.test>"#,
            want: json!({
                "time": "2026-12-04T21:44:54Z", "host": "mx", "message_id": "4jh4lp68tkz1SZJJ",
                "email_subject": "Re: Fwd: Minutes of the architecture review board, action items for the migration of the legacy billing system",
                "email_address": "dave@live.test", "email_domain": "live.test",
                "email_recipients": "frank@ok.test", "dest_email_address": "frank@ok.test",
                "dest_email_domain": "ok.test",
                "src_host": "localhost", "src_ip": "127.0.0.1", "src_port": null,
            }),
        },
        // ISO-8859-1, and the client's port after the bracket.
        Case {
            source: "examples/sample.log",
            line: r#"Dec 04 21:44:54 mx postfix/cleanup[20037]: 4jh4lp6dY9z1SZJL: warning: header Subject: =?ISO-8859-1?Q?R=E9sum=E9_f=FCr_J=FCrgen?= from localhost[127.0.0.1]:44118; from=<carol@live.test> to=<k3@ok.test> proto=ESMTP helo=<client.live.test>"#,
            want: json!({
                "time": "2026-12-04T21:44:54Z", "host": "mx", "message_id": "4jh4lp6dY9z1SZJL",
                "email_subject": "Résumé für Jürgen",
                "email_address": "carol@live.test", "email_domain": "live.test",
                "email_recipients": "k3@ok.test", "dest_email_address": "k3@ok.test",
                "dest_email_domain": "ok.test",
                "src_host": "localhost", "src_ip": "127.0.0.1", "src_port": 44118,
            }),
        },
        // An address and a ` /` inside the subject; a local submission has no client.
        Case {
            source: "examples/sample.log",
            line: r#"Dec 04 21:44:54 mx postfix/cleanup[20038]: 4jh4lp6t5Gz1SZ7C: warning: header Subject: Cron <root@mx> /usr/local/bin/backup.sh from local; from=<dave@live.test> to=<b03@bad.test>"#,
            want: json!({
                "time": "2026-12-04T21:44:54Z", "host": "mx", "message_id": "4jh4lp6t5Gz1SZ7C",
                "email_subject": "Cron <root@mx> /usr/local/bin/backup.sh",
                "email_address": "dave@live.test", "email_domain": "live.test",
                "email_recipients": "b03@bad.test", "dest_email_address": "b03@bad.test",
                "dest_email_domain": "bad.test",
                "src_host": null, "src_ip": null, "src_port": null,
            }),
        },
        // Exabeam: email_subject "My resume - John Doe from wks-17.corp.example[10.1.2.17]" (E.7).
        Case {
            source: E7,
            line: r#"Mar 18 09:12:01 mx1 postfix/cleanup[2105]: 4F1A2B3C4D: warning: header Subject: My resume - John Doe from wks-17.corp.example[10.1.2.17]; from=<john.doe@corp.example> to=<partner@fabrikam.example> proto=ESMTP helo=<wks-17>"#,
            want: json!({
                "time": "2026-03-18T09:12:01Z", "host": "mx1", "message_id": "4F1A2B3C4D",
                "email_subject": "My resume - John Doe",
                "email_address": "john.doe@corp.example", "email_domain": "corp.example",
                "email_recipients": "partner@fabrikam.example",
                "dest_email_address": "partner@fabrikam.example",
                "dest_email_domain": "fabrikam.example",
                "src_host": "wks-17.corp.example", "src_ip": "10.1.2.17", "src_port": null,
                "helo": "wks-17",
            }),
        },
    ]
}

#[test]
fn email_subject() {
    check(&EMAIL_SUBJECT, &email_subject_cases());
}

fn email_sent_cases() -> Vec<Case> {
    vec![
        // Exabeam: no port (its port group follows the address inside the bracket), no `dest_user` (not a
        // local address), no `bytes` (Postfix logs no `N bytes in` on a delivery line).
        Case {
            source: "kumina-postfix-exporter.log",
            line: r#"Feb 24 16:18:40 letterman postfix/smtp[59649]: 5270320179: to=<hebj@telia.com>, relay=mail.telia.com[81.236.60.210]:25, delay=2017, delays=0.1/2017/0.03/0.05, dsn=2.0.0, status=sent (250 2.0.0 6FVIjIMwUJwU66FVIjAEB0 mail accepted for delivery)"#,
            want: json!({
                "time": "2026-02-24T16:18:40Z", "host": "letterman", "message_id": "5270320179",
                "process_name": "postfix/smtp", "process_id": 59649, "dest_user": null,
                "dest_email_address": "hebj@telia.com", "dest_email_domain": "telia.com",
                "email_recipients": "hebj@telia.com",
                "dest_host": "mail.telia.com", "dest_ip": "81.236.60.210", "dest_port": 25,
                "result": "sent", "dsn": "2.0.0", "bytes": null, "delay": 2017,
                "additional_info": "250 2.0.0 6FVIjIMwUJwU66FVIjAEB0 mail accepted for delivery",
            }),
        },
        // A relay port other than 25, to a host logged by its address.
        Case {
            source: "msimerson.log",
            line: r#"Jul  5 06:52:11 prd-mx1 postfix/smtp[22030]: 3mPVKl0Mhjz7sXv: to=<56597@continuity.delivery>, relay=10.2.2.85[10.2.2.85]:2527, delay=0.51, delays=0.44/0.01/0.05/0.01, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as 3mPVKl3YVXz2pS5Z)"#,
            want: json!({
                "time": "2026-07-05T06:52:11Z", "host": "prd-mx1", "message_id": "3mPVKl0Mhjz7sXv",
                "dest_user": null,
                "dest_email_address": "56597@continuity.delivery",
                "dest_email_domain": "continuity.delivery",
                "dest_host": "10.2.2.85", "dest_ip": "10.2.2.85", "dest_port": 2527,
                "result": "sent", "bytes": null, "queued_as": "3mPVKl3YVXz2pS5Z",
                "additional_info": "250 2.0.0 Ok: queued as 3mPVKl3YVXz2pS5Z",
            }),
        },
        // A local mailbox delivery: the relay is a transport name, not a host.
        Case {
            source: "kumina-postfix-exporter.log",
            line: r#"Apr  7 15:35:20 123-mail postfix/virtual[20235]: 199041033BE: to=<me@domain.fr>, relay=virtual, delay=0.08, delays=0.08/0/0/0, dsn=2.0.0, status=sent (delivered to maildir)"#,
            want: json!({
                "time": "2026-04-07T15:35:20Z", "host": "123-mail", "message_id": "199041033BE",
                "process_name": "postfix/virtual", "daemon": "virtual", "dest_user": null,
                "dest_email_address": "me@domain.fr", "dest_email_domain": "domain.fr",
                "dest_host": null, "dest_ip": null, "dest_port": null,
                "result": "sent", "bytes": null, "additional_info": "delivered to maildir",
            }),
        },
        Case {
            source: "grok-patterns.log",
            line: r#"May  8 01:15:47 mailserver01 postfix/discard[19593]: 25F2E5E061: to=<george.desantis@test.example.com>, relay=none, delay=0.05, delays=0.05/0/0/0, dsn=2.0.0, status=sent (test.example.com)"#,
            want: json!({
                "time": "2026-05-08T01:15:47Z", "host": "mailserver01", "message_id": "25F2E5E061",
                "daemon": "discard", "dest_user": null,
                "dest_email_address": "george.desantis@test.example.com",
                "dest_email_domain": "test.example.com",
                "dest_host": null, "dest_ip": null, "dest_port": null,
                "result": "sent", "bytes": null, "additional_info": "test.example.com",
            }),
        },
        Case {
            source: "fgforrest-deliverability.log",
            line: r#"2013 Jun 16 16:05:07.123 gds39d postfix/smtp[20945]: 3bZLDk1V50z37Dv: to=<liska@fg.cz>, relay=hermes.fg.cz[193.86.74.5]:25, delay=0.16, delays=0.01/0/0.05/0.1, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as 5058FBC3A)"#,
            want: json!({
                "time": "2013-06-16T16:05:07.123Z", "host": "gds39d", "message_id": "3bZLDk1V50z37Dv",
                "dest_user": null,
                "dest_email_address": "liska@fg.cz", "dest_email_domain": "fg.cz",
                "dest_host": "hermes.fg.cz", "dest_ip": "193.86.74.5", "dest_port": 25,
                "result": "sent", "bytes": null, "delay": 0.16, "delays": "0.01/0/0.05/0.1",
            }),
        },
        // DSN 2.6.0 is still `dsn=2.`; the reply holds `<...@...>` and `[...]` that are not the recipient
        // or the relay.
        Case {
            source: "fgforrest-deliverability.log",
            line: r#"2013 Jun 10 07:59:35.123 gds39d postfix/smtp[18813]: 513E03FC013XXXX: to=<f4khury@h0i0ub3k.eo>, relay=mail.holoubek.cz[62.168.2.238]:25, delay=3.9, delays=0.01/0/0.06/3.8, dsn=2.6.0, status=sent (250 2.6.0 <191446848.2111370843972323.JavaMail.p_prj@fg-www3> [InternalId=152947] Queued mail for delivery)"#,
            want: json!({
                "time": "2013-06-10T07:59:35.123Z", "host": "gds39d", "message_id": "513E03FC013XXXX",
                "dest_user": null,
                "dest_email_address": "f4khury@h0i0ub3k.eo", "dest_email_domain": "h0i0ub3k.eo",
                "dest_host": "mail.holoubek.cz", "dest_ip": "62.168.2.238", "dest_port": 25,
                "result": "sent", "dsn": "2.6.0", "bytes": null,
            }),
        },
        // An IPv6 address and port inside the remote reply are the remote's content filter, not the relay.
        Case {
            source: "fgforrest-real-mail.log.2.gz",
            line: r#"2013 Jun 10 15:31:51.123 gds39d postfix/smtp[6220]: 1513D3FC148XXXX: to=<i3k4ru4@fe.f1hr4u3h.eo>, relay=atlantis.mitranet.cz[93.93.32.2]:25, delay=5.8, delays=0/0/0.52/5.3, dsn=2.0.0, status=sent (250 2.0.0 from MTA(smtp:[2a01:9f40::2]:10025): 250 2.0.0 Ok: queued as ABB693FB23)"#,
            want: json!({
                "time": "2013-06-10T15:31:51.123Z", "host": "gds39d", "message_id": "1513D3FC148XXXX",
                "dest_user": null,
                "dest_email_address": "i3k4ru4@fe.f1hr4u3h.eo", "dest_email_domain": "fe.f1hr4u3h.eo",
                "dest_host": "atlantis.mitranet.cz", "dest_ip": "93.93.32.2", "dest_port": 25,
                "result": "sent", "bytes": null,
                "additional_info": "250 2.0.0 from MTA(smtp:[2a01:9f40::2]:10025): 250 2.0.0 Ok: queued as ABB693FB23",
            }),
        },
        // A bare message: an LMTP socket path in the brackets is not an address.
        Case {
            source: "grok-patterns.log",
            line: r#"AD6E41CDC05C: to=<admin@example.com>, relay=sub1.example.com[private/dovecot-lmtp], delay=0.15, delays=0.04/0/0.02/0.08, dsn=2.0.0, status=sent (250 2.0.0 <admin@example.com> qYyyBMsl9FRuZQAAA15QOA Saved)"#,
            want: json!({
                "time": null, "host": null, "message_id": "AD6E41CDC05C", "dest_user": null,
                "dest_email_address": "admin@example.com", "dest_email_domain": "example.com",
                "dest_host": "sub1.example.com", "dest_ip": null, "dest_port": null,
                "result": "sent", "bytes": null,
            }),
        },
    ]
}

#[test]
fn email_sent() {
    check(&EMAIL_SENT, &email_sent_cases());
}

fn email_queue_cases() -> Vec<Case> {
    vec![
        // Exabeam's time pattern wants an ISO time with six fractional digits: it reads none of these.
        // `user`/`src_user`/`src_host` come only from `user@host.localdomain`-style senders.
        Case {
            source: "kumina-postfix-exporter.log",
            line: r#"Mar  6 01:13:50 letterman postfix/qmgr[1436]: D3120239C2: from=<sender@example.com>, size=5779, nrcpt=1 (queue active)"#,
            want: json!({
                "time": "2026-03-06T01:13:50Z", "host": "letterman", "message_id": "D3120239C2",
                "process_name": "postfix/qmgr", "process_id": 1436,
                "user": null, "src_user": null, "src_host": null,
                "sender": "sender@example.com",
                "email_address": "sender@example.com", "email_domain": "example.com",
                "bytes": 5779, "num_recipients": 1,
                "dest_email_address": null, "dest_email_domain": null,
            }),
        },
        // The null sender of a bounce: sender is the empty string and there is no address.
        Case {
            source: "msimerson.log",
            line: r#"Jul  5 06:52:11 prd-mx1 postfix/qmgr[20459]: 3mPVKl0Mhjz7sXv: from=<>, size=2666, nrcpt=2 (queue active)"#,
            want: json!({
                "time": "2026-07-05T06:52:11Z", "host": "prd-mx1", "message_id": "3mPVKl0Mhjz7sXv",
                "user": null, "src_user": null, "src_host": null, "sender": "",
                "email_address": null, "email_domain": null,
                "bytes": 2666, "num_recipients": 2,
                "dest_email_address": null, "dest_email_domain": null,
            }),
        },
        Case {
            source: "fgforrest-deliverability.log",
            line: r#"2013 Jun 16 16:05:07.123 gds39d postfix/qmgr[6273]: 3bZLDk1V50z37Dv: from=<liska@fg.cz>, size=793, nrcpt=1 (queue active)"#,
            want: json!({
                "time": "2013-06-16T16:05:07.123Z", "host": "gds39d", "message_id": "3bZLDk1V50z37Dv",
                "user": null, "src_user": null, "src_host": null,
                "email_address": "liska@fg.cz", "email_domain": "fg.cz",
                "bytes": 793, "num_recipients": 1,
                "dest_email_address": null, "dest_email_domain": null,
            }),
        },
        Case {
            source: "fgforrest-deliverability.log",
            line: r#"2013 Jun 10 15:34:07.123 gds39d postfix/qmgr[6273]: 3bYscs22wBz37Dv: from=<no-reply@directmail.fg.cz>, size=9236, nrcpt=1 (queue active)"#,
            want: json!({
                "time": "2013-06-10T15:34:07.123Z", "host": "gds39d", "message_id": "3bYscs22wBz37Dv",
                "user": null, "src_user": null, "src_host": null,
                "email_address": "no-reply@directmail.fg.cz", "email_domain": "directmail.fg.cz",
                "bytes": 9236, "num_recipients": 1,
                "dest_email_address": null, "dest_email_domain": null,
            }),
        },
        Case {
            source: "fgforrest-real-mail.log.2.gz",
            line: r#"2013 Jun 10 07:59:58.123 gds39d postfix/qmgr[6273]: 35B20C2C115XXXX: from=<>, size=2720, nrcpt=1 (queue active)"#,
            want: json!({
                "time": "2013-06-10T07:59:58.123Z", "host": "gds39d", "message_id": "35B20C2C115XXXX",
                "user": null, "src_user": null, "src_host": null, "sender": "",
                "email_address": null, "email_domain": null,
                "bytes": 2720, "num_recipients": 1,
                "dest_email_address": null, "dest_email_domain": null,
            }),
        },
        // Bare messages (msimerson's qmgr samples): a VERP sender with `+` and `=` in the local part.
        Case {
            source: "msimerson.log",
            line: r#"3mfNtc147Bz1M9pl: from=<e13f0bfb.ged.hd0.23.hjdjln+lugoe=maevolen.com@bnc.mailjet.com>, size=79660, nrcpt=1 (queue active)"#,
            want: json!({
                "time": null, "host": null, "message_id": "3mfNtc147Bz1M9pl", "daemon": "qmgr",
                "user": null, "src_user": null, "src_host": null,
                "email_address": "e13f0bfb.ged.hd0.23.hjdjln+lugoe=maevolen.com@bnc.mailjet.com",
                "email_domain": "bnc.mailjet.com",
                "bytes": 79660, "num_recipients": 1,
                "dest_email_address": null, "dest_email_domain": null,
            }),
        },
        // An unqualified local sender is a sender but not an e-mail address.
        Case {
            source: "msimerson.log",
            line: r#"3mfHGL1r9gzyQP: from=<system>, size=813, nrcpt=1 (queue active)"#,
            want: json!({
                "time": null, "host": null, "message_id": "3mfHGL1r9gzyQP",
                "user": null, "src_user": null, "src_host": null, "sender": "system",
                "email_address": null, "email_domain": null,
                "bytes": 813, "num_recipients": 1,
                "dest_email_address": null, "dest_email_domain": null,
            }),
        },
    ]
}

#[test]
fn email_queue() {
    check(&EMAIL_QUEUE, &email_queue_cases());
}

/// Outcomes no Exabeam parser takes still carry the activity they mean (`rules.md` E.3.5): a bounce without
/// a remote reply and an expired message are send failures; an address-verification probe is no send at
/// all (E.3.10).
#[test]
fn outcomes_no_exabeam_parser_takes() {
    let bounced = record(
        r#"2013 Jun 16 14:49:42.123 gds39d postfix/smtp[31323]: 3bYk6B34Hkz37Dv: to=<test@nonexistingserver.cz>, relay=none, delay=0.02, delays=0.01/0/0.01/0, dsn=5.4.4, status=bounced (Host or domain name not found. Name service error for name=nonexistingserver.cz type=A: Host not found)"#,
    );
    let expired = record(
        r#"2013 Jun 15 16:28:52.123 gds39d postfix/qmgr[6273]: 3bYscs22wBz37Dv: from=<no-reply@directmail.fg.cz>, status=expired, returned to sender"#,
    );
    for (rec, result) in [(&bounced, "bounced"), (&expired, "expired")] {
        assert_eq!(rec["result"], result);
        assert!(!rec["parser"]
            .as_str()
            .unwrap()
            .starts_with("postfix-postfix"));
        assert_eq!(rec["activity_type"], "email-send:fail", "{result}");
        assert_eq!(rec["event_type"], "dlp-email-alert-out-failed", "{result}");
    }
    // grok-patterns.log: a probe's verdict, not a delivery.
    let probe = record(
        r#"3E29030F8637E: to=<user@yahoo.com>, relay=none, delay=0.01, delays=0.01/0/0/0, dsn=5.1.1, status=undeliverable-but-not-cached (User unknown in virtual alias table)"#,
    );
    assert_eq!(probe["result"], "undeliverable-but-not-cached");
    assert_eq!(probe["activity_type"], Value::Null);
    assert_eq!(probe["event_type"], Value::Null);
}
