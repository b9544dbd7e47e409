//! The pipeline: framing, then Postfix grammar, then Exabeam labels, then correlation, then output.
//!
//! An [`Engine`] owns every piece of state (the year clock, open messages); it reads no clock, file or
//! environment of its own, so the same engine runs natively, in a WASI component and in a browser.

use std::borrow::Cow;

use crate::config::{Config, ConfigError};
use crate::correlate::{Correlator, Message};
use crate::event::{Field, LineEvent, Name, Value};
use crate::exabeam;
use crate::input::{LineSplitter, MAX_LINE};
use crate::output::Sink;
use crate::postfix;
use crate::syslog;
use crate::time::YearClock;

/// Version of the `--state` document; bumped when its shape changes.
const STATE_VERSION: u32 = 1;

#[derive(serde::Serialize, serde::Deserialize)]
struct State {
    version: u32,
    clock: YearClock,
    correlate: crate::correlate::CorrelatorState,
}

/// Longest prefix of a line that framing and grammar read; the rest is kept in `raw` only.
pub const MAX_PARSED: usize = 64 << 10;

/// With the `trap-marker` feature (test guests only), a line containing this panics the engine.
#[cfg(feature = "trap-marker")]
pub const TRAP_MARKER: &[u8] = b"POSTFIX-ENRICH-TRAP";

/// The enrichment engine.
#[derive(Debug)]
pub struct Engine {
    config: Config,
    clock: YearClock,
    correlator: Correlator,
    splitter: LineSplitter,
    done: Vec<Message>,
    /// A field list for each line of a batch, reused from batch to batch.
    fields: Vec<FieldBuffer>,
    /// How many finished messages there were after each line of a batch.
    ends: Vec<usize>,
}

/// Lines processed together, phase by phase: the engine parses a batch, then correlates it, then writes
/// its records, so that each phase's code stays in the instruction cache.
pub const BATCH: usize = 64;

impl Engine {
    /// An engine for `config`. `now_secs` is the caller's wall clock (Unix seconds): it only picks the year of
    /// year-less time stamps when the configuration names none.
    pub fn new(config: Config, now_secs: i64) -> Result<Engine, ConfigError> {
        config.check()?;
        let clock = YearClock::new(config.year, now_secs, config.offset_s());
        let correlator = Correlator::new(
            config.limits,
            &config.org_email_domains,
            config.content_filter_relays()?,
        );
        Ok(Engine {
            config,
            clock,
            correlator,
            splitter: LineSplitter::new(),
            done: Vec::new(),
            fields: Vec::new(),
            ends: Vec::new(),
        })
    }

    /// The configuration in force.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Processes one line (without its newline).
    pub fn process_line(&mut self, line: &[u8], sink: &mut dyn Sink) {
        self.process_lines(&[line], sink);
    }

    /// Processes lines (each without its newline), as [`Engine::process_line`] would one by one.
    pub fn process_lines<L: AsRef<[u8]>>(&mut self, lines: &[L], sink: &mut dyn Sink) {
        for batch in lines.chunks(BATCH) {
            let batch: Vec<Line<'_>> = (batch.iter())
                .map(|l| {
                    let (cut, dropped) = crate::input::cut(l.as_ref());
                    Line::decoded(cut, dropped)
                })
                .collect();
            self.process_batch(&batch, sink);
        }
    }

    /// Processes a chunk of a stream: whole lines are processed now, a trailing partial line waits for the
    /// next chunk or [`Engine::finish`].
    pub fn process_chunk(&mut self, chunk: &[u8], sink: &mut dyn Sink) {
        // One UTF-8 check of the whole chunk costs much less than one per line; a line that lies in its valid
        // part is then taken as text as it is (a partial character at the end is checked with its line).
        let chunk_text = match std::str::from_utf8(chunk) {
            Ok(t) => t,
            Err(e) => std::str::from_utf8(&chunk[..e.valid_up_to()]).unwrap_or_default(),
        };
        let base = chunk.as_ptr() as usize;
        let mut splitter = std::mem::take(&mut self.splitter);
        let mut batch: Vec<Line<'_>> = Vec::with_capacity(BATCH);
        splitter.feed(chunk, |line, dropped| {
            // A line straight from the chunk is a slice of it: its offset says where it is in `chunk_text`. A
            // line assembled in the splitter's own buffer lies outside the chunk, and `get` then finds
            // nothing: that one (at most one a chunk, or one not UTF-8) is copied, as the buffer is reused.
            let at = (line.as_ptr() as usize).wrapping_sub(base);
            let text = match chunk_text.get(at..at.saturating_add(line.len())) {
                Some(known) => Cow::Borrowed(known),
                None => Cow::Owned(decode(line).into_owned()),
            };
            batch.push(Line {
                text,
                len: line.len(),
                dropped,
            });
            if batch.len() == BATCH {
                self.process_batch(&batch, sink);
                batch.clear();
            }
        });
        self.process_batch(&batch, sink);
        self.splitter = splitter;
    }

    /// Ends a stream fed by [`Engine::process_chunk`]: processes its last line if it had no newline.
    pub fn finish(&mut self, sink: &mut dyn Sink) {
        let mut splitter = std::mem::take(&mut self.splitter);
        splitter.finish(|line, dropped| self.process_batch(&[Line::decoded(line, dropped)], sink));
        self.splitter = splitter;
    }

    /// The engine's state (open messages, the year clock) as JSON, for `--state`: a restarted engine that
    /// imports it continues as if it had never stopped.
    pub fn export_state(&self) -> String {
        let st = State {
            version: STATE_VERSION,
            clock: self.clock.clone(),
            correlate: self.correlator.export(),
        };
        serde_json::to_string(&st).expect("state serialises")
    }

    /// Restores a state [`Engine::export_state`] wrote. On error the engine is unchanged.
    pub fn import_state(&mut self, text: &str) -> Result<(), ConfigError> {
        let st: State =
            serde_json::from_str(text).map_err(|e| ConfigError(format!("state: {e}")))?;
        if st.version != STATE_VERSION {
            return Err(ConfigError(format!(
                "state: version {} is not {STATE_VERSION}",
                st.version
            )));
        }
        let relays = self.config.content_filter_relays()?;
        let mut correlator =
            Correlator::new(self.config.limits, &self.config.org_email_domains, relays);
        correlator.import(st.correlate);
        self.correlator = correlator;
        self.clock = st.clock;
        Ok(())
    }

    /// Emits every open message record (end of input).
    pub fn flush(&mut self, sink: &mut dyn Sink) {
        self.correlator.flush(&mut self.done);
        for m in self.done.drain(..) {
            sink.message(&m);
        }
    }

    /// Processes lines phase by phase: frames and parses them all, then correlates them all, then writes
    /// their records (each line's record followed by the message records it completed). One line at a time,
    /// the three phases took turns in the instruction cache; in a component, whose machine code is larger,
    /// that cost a tenth of its time.
    fn process_batch(&mut self, batch: &[Line<'_>], sink: &mut dyn Sink) {
        // Test builds only: a way to make the component trap on a chosen line, so that hosts can prove
        // they lose no other line when the guest dies.
        #[cfg(feature = "trap-marker")]
        if (batch.iter())
            .any(|l| (l.text.as_bytes().windows(TRAP_MARKER.len())).any(|w| w == TRAP_MARKER))
        {
            panic!("trap-marker: line contains POSTFIX-ENRICH-TRAP");
        }
        if self.fields.len() < batch.len() {
            self.fields.resize_with(batch.len(), FieldBuffer::default);
        }
        let envelopes: Vec<_> = batch.iter().map(|l| syslog::envelope(&l.text)).collect();
        let events: Vec<_> = (batch.iter().zip(&envelopes).zip(&mut self.fields))
            .map(|((line, envelope), fields)| {
                let mut ev = fields.parse(&line.text, envelope.as_ref(), &mut self.clock);
                line.note_cut(&mut ev);
                ev
            })
            .collect();
        self.ends.clear();
        for ev in &events {
            self.correlator.feed(ev, &mut self.done);
            self.ends.push(self.done.len());
        }
        let mut from = 0;
        for (ev, &end) in events.iter().zip(&self.ends) {
            sink.line(ev);
            for m in &self.done[from..end] {
                sink.message(m);
            }
            from = end;
        }
        for m in self.done.drain(..) {
            self.correlator.recycle(m);
        }
        for (ev, fields) in events.into_iter().zip(&mut self.fields) {
            fields.give_back(ev);
        }
    }
}

/// A line to process: its text, and how long it was.
struct Line<'a> {
    /// The line as text (invalid UTF-8 replaced), cut to [`MAX_LINE`] bytes.
    text: Cow<'a, str>,
    /// Its length in bytes as received, after the cut.
    len: usize,
    /// Bytes cut from its end.
    dropped: usize,
}

impl<'a> Line<'a> {
    /// `line` (already cut to [`MAX_LINE`] bytes, `dropped` bytes cut from it) as text.
    fn decoded(line: &'a [u8], dropped: usize) -> Line<'a> {
        Line {
            text: decode(line),
            len: line.len(),
            dropped,
        }
    }

    /// Says in `additional_info` what of the line was not read: bytes cut from its end, or bytes past
    /// [`MAX_PARSED`].
    fn note_cut(&self, ev: &mut LineEvent<'_>) {
        if self.dropped > 0 {
            ev.put_owned(
                Name::additional_info,
                format!(
                    "line of {} bytes cut to its first {MAX_LINE} bytes",
                    self.len + self.dropped
                ),
            );
        } else if self.text.len() > MAX_PARSED {
            ev.put_owned(
                Name::additional_info,
                format!(
                    "fields read from the first {MAX_PARSED} bytes of {}",
                    self.text.len()
                ),
            );
        }
    }
}

/// A line as text: borrowed when it is valid UTF-8, as nearly every line is (`from_utf8` is much faster than
/// the lossy decoder), else with U+FFFD for what is not.
pub fn decode(line: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(line) {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => String::from_utf8_lossy(line),
    }
}

/// A field list reused from line to line, so that parsing allocates (and grows) no list of its own once the
/// buffer has held the longest line's fields. The engine keeps one for each line of a batch; so does a
/// benchmark that times parsing as the engine does it.
#[derive(Debug, Default)]
pub struct FieldBuffer(Vec<Field<'static>>);

impl FieldBuffer {
    /// [`parse_line`] into this buffer's allocation.
    pub fn parse<'a>(
        &mut self,
        text: &'a str,
        envelope: Option<&'a syslog::Envelope>,
        clock: &mut YearClock,
    ) -> LineEvent<'a> {
        parse_line_into(text, envelope, clock, recycle(std::mem::take(&mut self.0)))
    }

    /// Takes back the field list of an event that is done with.
    pub fn give_back(&mut self, ev: LineEvent<'_>) {
        self.0 = recycle(ev.fields);
    }
}

/// Empties a field buffer and gives it back with another lifetime. Collecting a `Vec`'s own iterator into
/// a `Vec` of an element type of the same layout reuses its allocation (std's in-place collection), so the
/// buffer outlives the line it held without any `unsafe`; the `map` never runs on an empty vector.
fn recycle<'b>(mut fields: Vec<Field<'_>>) -> Vec<Field<'b>> {
    fields.clear();
    fields
        .into_iter()
        .map(|(name, _)| (name, Value::Int(0)))
        .collect()
}

/// Frames and parses one line of text into its event. `envelope` is the line's JSON wrapping, if it has one.
pub fn parse_line<'a>(
    text: &'a str,
    envelope: Option<&'a syslog::Envelope>,
    clock: &mut YearClock,
) -> LineEvent<'a> {
    parse_line_into(text, envelope, clock, Vec::new())
}

/// [`parse_line`] with an empty buffer for the fields, to reuse an allocation.
fn parse_line_into<'a>(
    text: &'a str,
    envelope: Option<&'a syslog::Envelope>,
    clock: &mut YearClock,
    fields: Vec<Field<'a>>,
) -> LineEvent<'a> {
    let parsed = if text.len() > MAX_PARSED {
        &text[..floor_char_boundary(text, MAX_PARSED)]
    } else {
        text
    };
    let frame = match envelope {
        Some(env) => syslog::frame_envelope(env, clock),
        None => syslog::frame(parsed, clock),
    };
    let mut ev = LineEvent::new(text);
    ev.fields = fields;
    ev.time = frame.time;
    ev.host = frame.host;
    ev.process_name = frame.program;
    ev.process_id = frame.pid;
    postfix::parse(&frame, &mut ev);
    exabeam::classify(&mut ev, frame.message);
    ev
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}
