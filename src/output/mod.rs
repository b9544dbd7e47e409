//! Output mapping: the typed records written as NDJSON in the chosen field naming.
//!
//! `cim` is the Exabeam common information model of `output.md`, the default. The record types are the same
//! for every format; only the names and nesting change, so a format is one writer module.

pub mod cim;

use crate::correlate::Message;
use crate::event::LineEvent;

/// Field naming of the output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// Exabeam CIM names, flat (`output.md`).
    #[default]
    Cim,
}

impl Format {
    /// Parses `cim`; other names are an error naming the value.
    pub fn parse(name: &str) -> Result<Format, String> {
        match name {
            "cim" => Ok(Format::Cim),
            "ecs" | "ocsf" => Err(format!(
                "--format {name}: not available in this build yet (only cim)"
            )),
            other => Err(format!(
                "--format {other}: unknown format (expected cim, ecs or ocsf)"
            )),
        }
    }
}

/// Where the engine's records go. The NDJSON writer is one sink; the WIT component's typed records another.
pub trait Sink {
    /// A line record: called exactly once per input line, in input order.
    fn line(&mut self, ev: &LineEvent<'_>);
    /// A message record, when correlation emits one.
    fn message(&mut self, m: &Message);
}

/// A sink that appends NDJSON to a byte buffer.
#[derive(Debug, Default)]
pub struct NdjsonSink {
    /// The text written so far, UTF-8; the caller drains it. Bytes rather than a `String`: see [`crate::json`].
    pub buf: Vec<u8>,
    /// Field naming.
    pub format: Format,
    /// Leave out line records (`--no-lines`).
    pub no_lines: bool,
}

impl Sink for NdjsonSink {
    fn line(&mut self, ev: &LineEvent<'_>) {
        if !self.no_lines {
            match self.format {
                Format::Cim => cim::write_line(&mut self.buf, ev),
            }
            self.buf.push(b'\n');
        }
    }

    fn message(&mut self, m: &Message) {
        match self.format {
            Format::Cim => cim::write_message(&mut self.buf, m),
        }
        self.buf.push(b'\n');
    }
}
