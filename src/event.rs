//! The typed line event: what one input line says, after framing and Postfix grammar.
//!
//! Every stage after parsing (correlation, rules, output mapping) reads this type, never the raw text again.
//! Values borrow from the input line where they can, so the hot path copies nothing it does not have to.

use std::borrow::Cow;

use crate::time::Timestamp;

/// A field value. Numbers stay numbers so that the JSON output types them as the contract says.
#[derive(Debug, Clone, PartialEq)]
pub enum Value<'a> {
    /// Text, borrowed from the line or decoded (RFC 2047 subjects, unescaped bytes).
    Str(Cow<'a, str>),
    /// A whole number: ports, sizes, counts, codes.
    Int(i64),
    /// A decimal number: delays in seconds.
    Float(f64),
}

impl<'a> Value<'a> {
    /// The text of a string value, `None` for numbers.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The value of an integer field, `None` otherwise.
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Value::Int(n) => Some(*n),
            _ => None,
        }
    }

    /// The value of a numeric field as a float (integers widen).
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Int(n) => Some(*n as f64),
            Value::Float(f) => Some(*f),
            Value::Str(_) => None,
        }
    }

    /// An owned copy that outlives the input line.
    pub fn into_owned(self) -> Value<'static> {
        match self {
            Value::Str(s) => Value::Str(Cow::Owned(s.into_owned())),
            Value::Int(n) => Value::Int(n),
            Value::Float(f) => Value::Float(f),
        }
    }
}

/// A named field of the common information model (`src_ip`, `dest_email_address`, ...).
pub type Field<'a> = (&'static str, Value<'a>);

/// A rule that fired on a record (filled by the rules stage; empty until then).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Tag {
    /// Exabeam rule id of the catalogue, e.g. `EM-DED`.
    pub rule_id: String,
    /// Risk score the rule adds.
    pub score: i64,
    /// MITRE ATT&CK technique ids.
    pub mitre: Vec<String>,
    /// Exabeam use cases, e.g. `Data Leak`.
    pub use_cases: Vec<String>,
    /// The behavioural model behind the rule, if any.
    pub model: Option<String>,
    /// In words, what made the rule fire.
    pub reason: String,
}

/// One input line, parsed. Exactly one is produced for every input line, whatever it holds.
#[derive(Debug, Clone, PartialEq)]
pub struct LineEvent<'a> {
    /// The input line as received (invalid UTF-8 already replaced by U+FFFD).
    pub raw: &'a str,
    /// When the line was logged, in UTC.
    pub time: Option<Timestamp>,
    /// The host that logged the line.
    pub host: Option<&'a str>,
    /// The syslog tag, e.g. `postfix/smtp` or `postfix/submission/smtpd`.
    pub process_name: Option<&'a str>,
    /// The process id of the tag.
    pub process_id: Option<u32>,
    /// The Postfix daemon (`smtp`, `smtpd`, `qmgr`...): the last part of the tag.
    pub daemon: Option<&'a str>,
    /// `daemon.kind`, `unknown` or `not-postfix`.
    pub kind: &'static str,
    /// The Postfix queue id, if the line names one.
    pub queue_id: Option<&'a str>,
    /// The Exabeam parser that takes this line, else the project's parser for the kind.
    pub parser: Option<&'static str>,
    /// CIM 2.0 activity type.
    pub activity_type: Option<&'static str>,
    /// Legacy Exabeam event type.
    pub event_type: Option<&'static str>,
    /// Normalised fields, in the order the grammar found them.
    pub fields: Vec<Field<'a>>,
    /// Rules that fired on this line.
    pub tags: Vec<Tag>,
}

/// Whether two field names are equal; cheap when they are the same literal or differ in length or first
/// byte, which is nearly always (lookups by name run several times per line).
#[inline]
pub fn same_name(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && (std::ptr::eq(a.as_ptr(), b.as_ptr())
            || (a.as_bytes().first() == b.as_bytes().first()
                && a.as_bytes().last() == b.as_bytes().last()
                && a == b))
}

/// Kind of a line that is not a Postfix line at all.
pub const NOT_POSTFIX: &str = "not-postfix";
/// Kind of a Postfix line whose message is not recognised.
pub const UNKNOWN: &str = "unknown";

impl<'a> LineEvent<'a> {
    /// An event that knows only its raw text: the starting point of parsing.
    pub fn new(raw: &'a str) -> Self {
        LineEvent {
            raw,
            time: None,
            host: None,
            process_name: None,
            process_id: None,
            daemon: None,
            kind: NOT_POSTFIX,
            queue_id: None,
            parser: None,
            activity_type: None,
            event_type: None,
            fields: Vec::new(),
            tags: Vec::new(),
        }
    }

    /// The first value of the field `name`.
    pub fn get(&self, name: &str) -> Option<&Value<'a>> {
        self.fields
            .iter()
            .find(|(n, _)| same_name(n, name))
            .map(|(_, v)| v)
    }

    /// The first value of the field `name` as text.
    pub fn get_str(&self, name: &str) -> Option<&str> {
        self.get(name).and_then(Value::as_str)
    }

    /// The first value of the field `name` as an integer.
    pub fn get_int(&self, name: &str) -> Option<i64> {
        self.get(name).and_then(Value::as_int)
    }

    /// Adds a text field borrowed from the line.
    pub fn put(&mut self, name: &'static str, value: &'a str) {
        self.fields.push((name, Value::Str(Cow::Borrowed(value))));
    }

    /// Adds a text field that is not a slice of the line (decoded, unescaped).
    pub fn put_owned(&mut self, name: &'static str, value: String) {
        self.fields.push((name, Value::Str(Cow::Owned(value))));
    }

    /// Adds an integer field.
    pub fn put_int(&mut self, name: &'static str, value: i64) {
        self.fields.push((name, Value::Int(value)));
    }

    /// Adds a decimal field.
    pub fn put_float(&mut self, name: &'static str, value: f64) {
        self.fields.push((name, Value::Float(value)));
    }

    /// Adds `name` from decimal text when it parses as a whole number; otherwise the field is left out.
    pub fn put_int_text(&mut self, name: &'static str, text: &str) {
        if let Ok(n) = text.parse::<i64>() {
            self.put_int(name, n);
        }
    }

    /// Adds `name` from decimal text when it parses as a finite number; otherwise the field is left out.
    pub fn put_float_text(&mut self, name: &'static str, text: &str) {
        match text.parse::<f64>() {
            Ok(f) if f.is_finite() => self.put_float(name, f),
            _ => {}
        }
    }
}
