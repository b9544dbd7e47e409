//! The library component (`postfix_enrich.wasm`): the WIT world in `wit/` over [`Engine`].
//!
//! Thin on purpose: every decision stays in the core. The typed methods convert the core's records into the
//! WIT records in a [`Sink`]; the text methods run the same [`NdjsonSink`] as the native command, so the two
//! front ends print the same bytes.

use std::cell::RefCell;

use crate::correlate::{self, Message, Status};
use crate::event::{LineEvent, Value};
use crate::output::{Format, NdjsonSink, Sink};
use crate::{Config, Engine};

wit_bindgen::generate!({
    path: "wit",
    world: "enricher",
});

use exports::postfix::enrich::enrich as wit;

struct Component;

impl wit::Guest for Component {
    type Engine = Resource;
}

/// The state behind one `engine` resource. WIT methods take `&self`, hence the cell.
struct Resource {
    engine: RefCell<Engine>,
    json: RefCell<NdjsonSink>,
}

impl wit::GuestEngine for Resource {
    fn create(config: String, now: i64) -> Result<wit::Engine, wit::ConfigError> {
        let engine = Config::from_json(&config)
            .and_then(|c| Engine::new(c, now))
            .map_err(|e| wit::ConfigError { message: e.0 })?;
        Ok(wit::Engine::new(Resource {
            engine: RefCell::new(engine),
            json: RefCell::new(NdjsonSink::default()),
        }))
    }

    fn set_output(&self, format: String, no_lines: bool) -> Result<(), wit::ConfigError> {
        let format = Format::parse(&format).map_err(|message| wit::ConfigError { message })?;
        let mut json = self.json.borrow_mut();
        json.format = format;
        json.no_lines = no_lines;
        Ok(())
    }

    fn process(&self, line: Vec<u8>) -> Vec<wit::Event> {
        let mut sink = Events(Vec::new());
        self.engine.borrow_mut().process_line(&line, &mut sink);
        sink.0
    }

    fn process_batch(&self, lines: Vec<Vec<u8>>) -> Vec<wit::Event> {
        let mut sink = Events(Vec::with_capacity(lines.len()));
        self.engine.borrow_mut().process_lines(&lines, &mut sink);
        sink.0
    }

    fn process_json(&self, chunk: Vec<u8>) -> Vec<u8> {
        let mut json = self.json.borrow_mut();
        self.engine.borrow_mut().process_chunk(&chunk, &mut *json);
        // The next chunk starts with the room this one needed: growing the buffer from empty on every call
        // cost more than a tenth of the component's time.
        let room = json.buf.capacity();
        std::mem::replace(&mut json.buf, Vec::with_capacity(room))
    }

    fn finish_json(&self) -> Vec<u8> {
        let mut json = self.json.borrow_mut();
        self.finish_into(&mut json);
        std::mem::take(&mut json.buf)
    }

    fn process_json_to_sink(&self, chunk: Vec<u8>) {
        let mut json = self.json.borrow_mut();
        self.engine.borrow_mut().process_chunk(&chunk, &mut *json);
        // The buffer stays: the host reads it in place, and the next chunk writes over it.
        write_out(&mut json.buf);
    }

    fn finish_json_to_sink(&self) {
        let mut json = self.json.borrow_mut();
        self.finish_into(&mut json);
        write_out(&mut json.buf);
    }

    fn flush(&self) -> Vec<wit::Event> {
        let mut sink = Events(Vec::new());
        self.engine.borrow_mut().flush(&mut sink);
        sink.0
    }
}

impl Resource {
    /// Ends the stream into `json`: the last line if it had no newline, then every open message record.
    fn finish_into(&self, json: &mut NdjsonSink) {
        let mut engine = self.engine.borrow_mut();
        engine.finish(json);
        engine.flush(json);
    }
}

/// Hands `buf` to the host's sink, if it holds anything, and empties it.
fn write_out(buf: &mut Vec<u8>) {
    if !buf.is_empty() {
        postfix::enrich::sink::write(buf);
        buf.clear();
    }
}

/// A sink that collects the WIT records.
struct Events(Vec<wit::Event>);

impl Sink for Events {
    fn line(&mut self, ev: &LineEvent<'_>) {
        self.0.push(wit::Event::Line(wit::LineEvent {
            raw: ev.raw.to_owned(),
            time: ev.time.map(|t| t.rfc3339()),
            host: ev.host.map(str::to_owned),
            process_name: ev.process_name.map(str::to_owned),
            process_id: ev.process_id,
            daemon: ev.daemon.map(str::to_owned),
            postfix_kind: ev.kind.to_owned(),
            queue_id: ev.queue_id.map(str::to_owned),
            parser: ev.parser.map(str::to_owned),
            activity_type: ev.activity_type.map(str::to_owned),
            event_type: ev.event_type.map(str::to_owned),
            fields: ev
                .fields
                .iter()
                .map(|(name, value)| wit::Field {
                    name: name.as_str().to_owned(),
                    value: match value {
                        Value::Str(s) => wit::FieldValue::Text(s.to_string()),
                        Value::Int(n) => wit::FieldValue::Integer(*n),
                        Value::Float(f) => wit::FieldValue::Decimal(*f),
                    },
                })
                .collect(),
            tags: tags(&ev.tags),
        }));
    }

    fn message(&mut self, m: &Message) {
        let (activity_type, event_type) = m.activity();
        self.0.push(wit::Event::Message(wit::MessageEvent {
            queue_id: m.queue_id().to_owned(),
            internet_message_id: m.internet_message_id().map(str::to_owned),
            host: m.host().map(str::to_owned),
            time_first: m.time_first.map(|t| t.rfc3339()),
            time_last: m.time_last.map(|t| t.rfc3339()),
            src_host: m.src_host().map(str::to_owned),
            src_ip: m.src_ip().map(str::to_owned),
            src_port: m.src_port,
            user: m.user().map(str::to_owned),
            sender: m.sender().map(str::to_owned),
            bytes: m.bytes,
            num_recipients: m.num_recipients,
            email_subject: m.email_subject().map(str::to_owned),
            attachments: m.attachments().map(str::to_owned).collect(),
            recipients: m.recipients().map(recipient).collect(),
            result: m.result().to_owned(),
            activity_type: activity_type.map(str::to_owned),
            event_type: event_type.map(str::to_owned),
            orig_queue_id: m.orig_queue_id().map(str::to_owned),
            complete: m.complete,
            tags: tags(&m.tags),
        }));
    }
}

fn recipient(r: correlate::RecipientRef<'_>) -> wit::Recipient {
    wit::Recipient {
        address: r.address().to_owned(),
        orig_to: r.orig_to().map(str::to_owned),
        status: match r.status {
            Status::Sent => wit::RecipientStatus::Sent,
            Status::Deferred => wit::RecipientStatus::Deferred,
            Status::Rejected => wit::RecipientStatus::Rejected,
            Status::Bounced => wit::RecipientStatus::Bounced,
            Status::Expired => wit::RecipientStatus::Expired,
        },
        dsn: r.dsn().map(str::to_owned),
        dest_host: r.dest_host().map(str::to_owned),
        dest_ip: r.dest_ip().map(str::to_owned),
        dest_port: r.dest_port,
        delay: r.delay,
        response: r.response().map(str::to_owned),
        attempts: r.attempts,
    }
}

fn tags(tags: &[crate::event::Tag]) -> Vec<wit::Tag> {
    tags.iter()
        .map(|t| wit::Tag {
            rule_id: t.rule_id.clone(),
            score: t.score,
            mitre: t.mitre.clone(),
            use_cases: t.use_cases.clone(),
            model: t.model.clone(),
            reason: t.reason.clone(),
        })
        .collect()
}

export!(Component);
