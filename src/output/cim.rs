//! The `cim` format: the record shapes of `output.md`, field names of the Exabeam common information model.

use crate::correlate::Message;
use crate::event::{LineEvent, Tag, Value, NAMES};
use crate::json;
use crate::time::Timestamp;

/// Writes `,"name":` for a literal name: one copy of one literal rather than three pieces.
macro_rules! member {
    ($out:expr, $name:literal) => {
        $out.extend_from_slice(concat!(",\"", $name, "\":").as_bytes())
    };
}

/// Writes one line record (without the trailing newline).
pub fn write_line(out: &mut Vec<u8>, ev: &LineEvent<'_>) {
    out.extend_from_slice(b"{\"event_kind\":\"line\",\"raw\":");
    // Most values are slices of the line: when the line needs no escaping, neither do they, and they are
    // copied without looking at their bytes again.
    let line = Line {
        raw: ev.raw,
        plain: json::string_was_plain(out, ev.raw),
    };
    member!(out, "time");
    time_value(out, ev.time);
    member!(out, "host");
    line.opt_string(out, ev.host);
    member!(out, "process_name");
    line.opt_string(out, ev.process_name);
    member!(out, "process_id");
    match ev.process_id {
        Some(p) => json::int(out, p as i64),
        None => out.extend_from_slice(b"null"),
    }
    member!(out, "daemon");
    line.opt_string(out, ev.daemon);
    // Kinds and labels are the engine's own names: plain.
    member!(out, "postfix_kind");
    json::plain(out, ev.kind);
    member!(out, "queue_id");
    line.opt_string(out, ev.queue_id);
    if let Some(q) = ev.queue_id {
        member!(out, "message_id");
        line.string(out, q);
    }
    member!(out, "parser");
    opt_plain(out, ev.parser);
    member!(out, "activity_type");
    opt_plain(out, ev.activity_type);
    member!(out, "event_type");
    opt_plain(out, ev.event_type);
    // The first value of a name wins; a module never means to write a key twice.
    let mut seen = [0u64; NAMES.div_ceil(64)];
    for (name, value) in &ev.fields {
        let (word, bit) = (*name as usize / 64, 1 << (*name as usize % 64));
        if seen[word] & bit != 0 {
            continue;
        }
        seen[word] |= bit;
        json::push(out, name.json_member());
        match value {
            Value::Str(s) => line.string(out, s),
            Value::Int(n) => json::int(out, *n),
            Value::Float(f) => json::float(out, *f),
        }
    }
    write_tags(out, &ev.tags);
    out.push(b'}');
}

/// The raw text of a line record, and whether it was written without escapes.
struct Line<'a> {
    raw: &'a str,
    plain: bool,
}

impl Line<'_> {
    /// Writes `s` as a JSON string, skipping the escape scan for a slice of a plain line (told by address:
    /// a value decoded into a buffer of its own lies elsewhere and is scanned).
    fn string(&self, out: &mut Vec<u8>, s: &str) {
        let (raw, at) = (self.raw.as_ptr() as usize, s.as_ptr() as usize);
        if self.plain && at >= raw && at + s.len() <= raw + self.raw.len() {
            json::plain(out, s);
        } else {
            json::string(out, s);
        }
    }

    fn opt_string(&self, out: &mut Vec<u8>, v: Option<&str>) {
        match v {
            Some(s) => self.string(out, s),
            None => out.extend_from_slice(b"null"),
        }
    }
}

fn opt_plain(out: &mut Vec<u8>, v: Option<&str>) {
    match v {
        Some(s) => json::plain(out, s),
        None => out.extend_from_slice(b"null"),
    }
}

/// `"tags":[...],"mitre":[...]`: the tags, then the sorted union of their techniques.
fn write_tags(out: &mut Vec<u8>, tags: &[Tag]) {
    if tags.is_empty() {
        // Nearly every record: no rule fired.
        out.extend_from_slice(b",\"tags\":[],\"mitre\":[]");
        return;
    }
    member!(out, "tags");
    out.push(b'[');
    for (i, t) in tags.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b"{\"rule_id\":");
        json::string(out, &t.rule_id);
        member!(out, "score");
        json::int(out, t.score);
        json::str_array(out, "mitre", &t.mitre);
        json::str_array(out, "use_cases", &t.use_cases);
        member!(out, "model");
        json::opt_string(out, t.model.as_deref());
        member!(out, "reason");
        json::string(out, &t.reason);
        out.push(b'}');
    }
    out.push(b']');
    let mut mitre: Vec<&str> = tags
        .iter()
        .flat_map(|t| t.mitre.iter().map(String::as_str))
        .collect();
    mitre.sort_unstable();
    mitre.dedup();
    json::str_array(out, "mitre", &mitre);
}

/// A time as a JSON string, or `null`.
fn time_value(out: &mut Vec<u8>, v: Option<Timestamp>) {
    match v {
        Some(t) => t.write_rfc3339_quoted(out),
        None => out.extend_from_slice(b"null"),
    }
}

/// An integer, or `null`.
fn int_or_null(out: &mut Vec<u8>, v: Option<i64>) {
    match v {
        Some(n) => json::int(out, n),
        None => out.extend_from_slice(b"null"),
    }
}

/// Writes one message record (without the trailing newline).
pub fn write_message(out: &mut Vec<u8>, m: &Message) {
    out.extend_from_slice(b"{\"event_kind\":\"message\"");
    member!(out, "queue_id");
    json::string(out, m.queue_id());
    member!(out, "message_id");
    json::string(out, m.queue_id());
    member!(out, "internet_message_id");
    json::opt_string(out, m.internet_message_id());
    member!(out, "host");
    json::opt_string(out, m.host());
    member!(out, "time_first");
    time_value(out, m.time_first);
    member!(out, "time_last");
    time_value(out, m.time_last);
    member!(out, "src_host");
    json::opt_string(out, m.src_host());
    member!(out, "src_ip");
    json::opt_string(out, m.src_ip());
    member!(out, "src_port");
    int_or_null(out, m.src_port.map(i64::from));
    member!(out, "user");
    json::opt_string(out, m.user());
    member!(out, "sender");
    json::opt_string(out, m.sender());
    member!(out, "bytes");
    int_or_null(out, m.bytes);
    member!(out, "num_recipients");
    int_or_null(out, m.num_recipients);
    member!(out, "email_subject");
    json::opt_string(out, m.email_subject());
    json::str_array(out, "attachments", m.attachments());
    member!(out, "recipients");
    out.push(b'[');
    for (i, r) in m.recipients().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b"{\"address\":");
        json::string(out, r.address());
        member!(out, "orig_to");
        json::opt_string(out, r.orig_to());
        member!(out, "status");
        json::string(out, r.status.as_str());
        member!(out, "dsn");
        json::opt_string(out, r.dsn());
        member!(out, "dest_host");
        json::opt_string(out, r.dest_host());
        member!(out, "dest_ip");
        json::opt_string(out, r.dest_ip());
        member!(out, "dest_port");
        int_or_null(out, r.dest_port.map(i64::from));
        member!(out, "delay");
        match r.delay {
            Some(d) => json::float(out, d),
            None => out.extend_from_slice(b"null"),
        }
        member!(out, "response");
        json::opt_string(out, r.response());
        member!(out, "attempts");
        json::int(out, r.attempts as i64);
        out.push(b'}');
    }
    out.push(b']');
    member!(out, "result");
    json::string(out, m.result());
    let (activity, event) = m.activity();
    member!(out, "activity_type");
    json::opt_string(out, activity);
    member!(out, "event_type");
    json::opt_string(out, event);
    member!(out, "direction");
    json::opt_string(out, m.direction.map(|d| d.as_str()));
    member!(out, "orig_queue_id");
    json::opt_string(out, m.orig_queue_id());
    member!(out, "link");
    json::opt_string(out, m.link.map(|l| l.as_str()));
    member!(out, "complete");
    out.extend_from_slice(if m.complete { b"true" } else { b"false" });
    write_tags(out, &m.tags);
    out.push(b'}');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::Name;

    const RAW: &str = "Jun 10 06:27:30 gds39d postfix/smtp[5530]: 3C2A5A0: to=<a@b.cz>, relay=mx.b.cz[1.2.3.4]:25, delay=0.5, dsn=2.0.0, status=sent (250 ok)";

    fn line(fields: Vec<(Name, Value<'static>)>) -> String {
        let mut ev = LineEvent::new(RAW);
        ev.fields = fields;
        let mut out = Vec::new();
        write_line(&mut out, &ev);
        String::from_utf8(out).expect("records are UTF-8")
    }

    fn s(v: &'static str) -> Value<'static> {
        Value::Str(v.into())
    }

    /// The record of a real line as parsed, read back as JSON.
    fn parsed(raw: &str) -> serde_json::Value {
        let ev = crate::engine::parse_line(
            raw,
            None,
            &mut crate::time::YearClock::new(Some(2026), 0, 0),
        );
        let mut out = Vec::new();
        write_line(&mut out, &ev);
        serde_json::from_slice(&out)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out)))
    }

    #[test]
    fn values_are_escaped_whether_cut_from_the_line_or_decoded() {
        // A quote in the line: its slices (the subject) are escaped too.
        let quoted = parsed(
            r#"Dec  4 19:40:01 mx1 postfix/cleanup[7]: 4F1A2B3C4D: warning: header Subject: say "hi" from local; from=<a@b.example> to=<c@d.example>"#,
        );
        assert_eq!(quoted["email_subject"], r#"say "hi""#);
        // A plain line whose subject decodes to a quote: the decoded value lies outside the line and is
        // escaped.
        let decoded = parsed(
            "Dec  4 19:40:01 mx1 postfix/cleanup[7]: 4F1A2B3C4D: warning: header Subject: =?UTF-8?Q?say_=22hi=22?= from local; from=<a@b.example> to=<c@d.example>",
        );
        assert_eq!(decoded["email_subject"], r#"say "hi""#);
        assert_eq!(decoded["queue_id"], "4F1A2B3C4D");
    }

    #[test]
    fn the_first_value_of_a_name_wins() {
        let out = line(vec![
            (Name::dest_host, s("mx.b.cz")),
            (Name::dest_port, Value::Int(25)),
            (Name::dest_host, s("other")),
            (Name::dest_port, Value::Int(26)),
        ]);
        assert!(
            out.contains(r#","dest_host":"mx.b.cz","dest_port":25,"tags""#),
            "{out}"
        );
        assert_eq!(out.matches("\"dest_host\"").count(), 1);
        assert_eq!(out.matches("\"dest_port\"").count(), 1);
    }

    #[test]
    fn every_name_is_written_once_and_as_spelled() {
        // One field of each name, then each again: the set of names written must tell all of them apart.
        let once = Name::ALL.map(|n| (n, s("first")));
        let again = Name::ALL.map(|n| (n, s("again")));
        let out = line(once.into_iter().chain(again).collect());
        for n in Name::ALL {
            assert_eq!(
                out.matches(&format!(r#","{n}":"first""#)).count(),
                1,
                "{n}: {out}"
            );
        }
        assert!(!out.contains("again"), "{out}");
        // Spelled as the output contract names them.
        assert_eq!(Name::dest_email_address.as_str(), "dest_email_address");
        assert_eq!(Name::of("src_ip"), Some(Name::src_ip));
        assert_eq!(Name::of("message_id"), None);
    }
}
