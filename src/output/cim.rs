//! The `cim` format: the record shapes of `output.md`, field names of the Exabeam common information model.

use crate::correlate::Message;
use crate::event::{same_name, LineEvent, Tag, Value};
use crate::json;

/// Writes one line record (without the trailing newline).
pub fn write_line(out: &mut String, ev: &LineEvent<'_>) {
    out.push_str("{\"event_kind\":\"line\",\"raw\":");
    json::string(out, ev.raw);
    out.push_str(",\"time\":");
    match ev.time {
        Some(t) => {
            out.push('"');
            t.write_rfc3339(out);
            out.push('"');
        }
        None => out.push_str("null"),
    }
    json::opt_str(out, "host", ev.host);
    json::opt_str(out, "process_name", ev.process_name);
    json::key(out, "process_id");
    match ev.process_id {
        Some(p) => json::int(out, p as i64),
        None => out.push_str("null"),
    }
    json::opt_str(out, "daemon", ev.daemon);
    json::opt_str(out, "postfix_kind", Some(ev.kind));
    json::opt_str(out, "queue_id", ev.queue_id);
    if ev.queue_id.is_some() {
        json::opt_str(out, "message_id", ev.queue_id);
    }
    json::opt_str(out, "parser", ev.parser);
    json::opt_str(out, "activity_type", ev.activity_type);
    json::opt_str(out, "event_type", ev.event_type);
    for (i, (name, value)) in ev.fields.iter().enumerate() {
        // The first value of a name wins; a module never means to write a key twice.
        if ev.fields[..i].iter().any(|(n, _)| same_name(n, name)) || same_name(name, "message_id") {
            continue;
        }
        json::key(out, name);
        write_value(out, value);
    }
    write_tags(out, &ev.tags);
    out.push('}');
}

fn write_value(out: &mut String, v: &Value<'_>) {
    match v {
        Value::Str(s) => json::string(out, s),
        Value::Int(n) => json::int(out, *n),
        Value::Float(f) => json::float(out, *f),
    }
}

/// `"tags":[...],"mitre":[...]`: the tags, then the sorted union of their techniques.
fn write_tags(out: &mut String, tags: &[Tag]) {
    json::key(out, "tags");
    out.push('[');
    for (i, t) in tags.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str("{\"rule_id\":");
        json::string(out, &t.rule_id);
        out.push_str(",\"score\":");
        json::int(out, t.score);
        json::str_array(out, "mitre", &t.mitre);
        json::str_array(out, "use_cases", &t.use_cases);
        json::opt_str(out, "model", t.model.as_deref());
        json::opt_str(out, "reason", Some(&t.reason));
        out.push('}');
    }
    out.push(']');
    let mut mitre: Vec<&str> = tags
        .iter()
        .flat_map(|t| t.mitre.iter().map(String::as_str))
        .collect();
    mitre.sort_unstable();
    mitre.dedup();
    json::str_array(out, "mitre", &mitre);
}

fn opt_int(out: &mut String, k: &str, v: Option<i64>) {
    json::key(out, k);
    match v {
        Some(n) => json::int(out, n),
        None => out.push_str("null"),
    }
}

/// Writes one message record (without the trailing newline).
pub fn write_message(out: &mut String, m: &Message) {
    out.push_str("{\"event_kind\":\"message\"");
    json::opt_str(out, "queue_id", Some(&m.queue_id));
    json::opt_str(out, "message_id", Some(&m.queue_id));
    json::opt_str(out, "internet_message_id", m.internet_message_id.as_deref());
    json::opt_str(out, "host", m.host.as_deref());
    json::opt_str(
        out,
        "time_first",
        m.time_first.map(|t| t.rfc3339()).as_deref(),
    );
    json::opt_str(
        out,
        "time_last",
        m.time_last.map(|t| t.rfc3339()).as_deref(),
    );
    json::opt_str(out, "src_host", m.src_host.as_deref());
    json::opt_str(out, "src_ip", m.src_ip.as_deref());
    opt_int(out, "src_port", m.src_port.map(i64::from));
    json::opt_str(out, "user", m.user.as_deref());
    json::opt_str(out, "sender", m.sender.as_deref());
    opt_int(out, "bytes", m.bytes);
    opt_int(out, "num_recipients", m.num_recipients);
    json::opt_str(out, "email_subject", m.email_subject.as_deref());
    json::str_array(out, "attachments", &m.attachments);
    json::key(out, "recipients");
    out.push('[');
    for (i, r) in m.recipients.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str("{\"address\":");
        json::string(out, &r.address);
        json::opt_str(out, "orig_to", r.orig_to.as_deref());
        json::opt_str(out, "status", Some(r.status.as_str()));
        json::opt_str(out, "dsn", r.dsn.as_deref());
        json::opt_str(out, "dest_host", r.dest_host.as_deref());
        json::opt_str(out, "dest_ip", r.dest_ip.as_deref());
        opt_int(out, "dest_port", r.dest_port.map(i64::from));
        json::key(out, "delay");
        match r.delay {
            Some(d) => json::float(out, d),
            None => out.push_str("null"),
        }
        json::opt_str(out, "response", r.response.as_deref());
        opt_int(out, "attempts", Some(r.attempts as i64));
        out.push('}');
    }
    out.push(']');
    json::opt_str(out, "result", Some(m.result()));
    let (activity, event) = m.activity();
    json::opt_str(out, "activity_type", activity);
    json::opt_str(out, "event_type", event);
    json::opt_str(out, "direction", m.direction.map(|d| d.as_str()));
    json::opt_str(out, "orig_queue_id", m.orig_queue_id.as_deref());
    json::opt_str(out, "link", m.link.map(|l| l.as_str()));
    json::key(out, "complete");
    out.push_str(if m.complete { "true" } else { "false" });
    write_tags(out, &m.tags);
    out.push('}');
}
