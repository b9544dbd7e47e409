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

/// Declares [`Name`]: one variant per field name, spelled as the output writes it.
macro_rules! names {
    ($($(#[$doc:meta])* $name:ident,)+) => {
        /// The name of a field of the common information model (`src_ip`, `dest_email_address`, ...), as one
        /// byte: parsers push it, and later stages find a field by comparing a byte or by indexing a table,
        /// never by comparing text. Variants are spelled as the output writes them.
        #[allow(non_camel_case_types)]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[repr(u8)]
        pub enum Name {
            $($(#[$doc])* $name,)+
        }

        /// Number of [`Name`]s.
        pub const NAMES: usize = [$(stringify!($name),)+].len();

        impl Name {
            /// Every name, in declaration order (`Name::ALL[n as usize] == n`).
            pub const ALL: [Name; NAMES] = [$(Name::$name,)+];
            const TEXT: [&'static str; NAMES] = [$(stringify!($name),)+];
            const MEMBER: [&'static str; NAMES] = [$(concat!(",\"", stringify!($name), "\":"),)+];
        }
    };
}

names! {
    // SMTP client (smtpd, postscreen, cleanup origin).
    /// SMTP client host name (`unknown` when it has none).
    src_host,
    /// SMTP client address.
    src_ip,
    /// SMTP client port.
    src_port,
    /// The original client a proxy or content filter passes on (`orig_client=`).
    orig_client,
    // Remote server (smtp/lmtp relay, `connect to`).
    /// Remote server host name.
    dest_host,
    /// Remote server address.
    dest_ip,
    /// Remote server port.
    dest_port,
    /// `relay=` as logged: `host[ip]:port`, `local`, `none`, a transport.
    relay,
    // Envelope sender and recipients.
    /// Envelope sender (`from=`; empty for bounces).
    sender,
    /// The sender's address, as Exabeam names it.
    email_address,
    /// The sender's domain.
    email_domain,
    /// Envelope recipient (`to=`).
    dest_email_address,
    /// The recipient's domain.
    dest_email_domain,
    /// The recipient's local part.
    dest_user,
    /// Recipients of the line, as Exabeam names them.
    email_recipients,
    /// The recipient before alias expansion (`orig_to=`).
    orig_to,
    // SASL and TLS.
    /// SASL mechanism.
    sasl_method,
    /// SASL sender (`sasl_sender=`).
    sasl_sender,
    /// SASL user name (`sasl_username=`).
    user,
    /// TLS protocol version.
    tls_protocol,
    /// TLS cipher.
    tls_cipher,
    /// TLS trust level (`Trusted`, `Verified`, `Untrusted`, `Anonymous`).
    tls_trust,
    /// TLS features a delivery used (`tls=`, Postfix 3.10 and later).
    tls_features,
    // Outcome.
    /// Postfix's status word or action (`sent`, `deferred`, `reject`...).
    result,
    /// DSN code.
    dsn,
    /// Reply or reason text.
    additional_info,
    /// Diagnostic prefix: `warning`, `error`, `fatal`, `panic`.
    severity,
    // SMTP session and rejects.
    /// SMTP reply code of a reject (a number).
    reject_code,
    /// Enhanced status code of a reject.
    reject_dsn,
    /// SMTP command a reply answered (`RCPT`, `DATA`, `end of DATA`...).
    smtp_command,
    /// HELO/EHLO name.
    helo,
    /// `SMTP` or `ESMTP`.
    proto,
    // Timing and size.
    /// Total delay in seconds (a decimal).
    delay,
    /// `a/b/c/d` delay breakdown.
    delays,
    /// Times the connection was reused (a number).
    conn_use,
    /// Message size in bytes.
    bytes,
    /// Envelope recipient count.
    num_recipients,
    /// Messages a tool acted on (postsuper).
    num_messages,
    // Cleanup.
    /// `Message-ID` header value.
    internet_message_id,
    /// Header a header or body check matched.
    header_name,
    /// That header's value.
    header_value,
    /// Decoded subject.
    email_subject,
    /// Attachment file name.
    file_name,
    // Links between queue files.
    /// Queue id this one continues (content filter, `orig_queue_id=`).
    orig_queue_id,
    /// Queue id the next hop gave the message (`queued as`).
    queued_as,
    /// Queue id of the non-delivery notification a bounce created.
    ndr_queue_id,
    // Counters (anvil statistics, smtpd rate limits).
    /// A count (connections, rates).
    count,
    /// The interval a count covers (`60s`).
    interval,
    /// Service or transport a line names.
    service,
    // DNSBL.
    /// DNS block list domain.
    dnsbl_domain,
    /// postscreen's combined DNSBL rank of the client (a number).
    dnsbl_rank,
    // Local submission.
    /// User id of a local submission or a tool (pickup, sendmail, postdrop).
    uid,
    // master, postfix(1), postsuper and the other tools.
    /// Process id of a child process.
    child_pid,
    /// Exit status of a child process.
    exit_status,
    /// Signal that ended a child process.
    signal,
    /// Program path a tool names.
    process_path,
    /// A service's process limit.
    process_limit,
    /// Configuration directory.
    config_dir,
    /// Configuration parameter a line names.
    parameter,
    /// Postfix version.
    version,
    /// File a line names.
    file_path,
    /// Line number in that file.
    line_number,
    /// Lookup table name.
    map_name,
    /// Lookup key.
    map_key,
}

impl Name {
    /// The name as the output writes it.
    #[inline]
    pub fn as_str(self) -> &'static str {
        Name::TEXT[self as usize]
    }

    /// The name as a JSON member after the first, `,"name":`: one copy per field written, not three.
    #[inline]
    pub fn json_member(self) -> &'static str {
        Name::MEMBER[self as usize]
    }

    /// The name spelled `text`, if there is one (for configuration and tests; parsers use the variants).
    pub fn of(text: &str) -> Option<Name> {
        Name::ALL.into_iter().find(|n| n.as_str() == text)
    }
}

impl std::fmt::Display for Name {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A named field of the common information model.
pub type Field<'a> = (Name, Value<'a>);

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
    pub fn get(&self, name: Name) -> Option<&Value<'a>> {
        self.fields.iter().find(|(n, _)| *n == name).map(|(_, v)| v)
    }

    /// The first value of the field `name` as text.
    pub fn get_str(&self, name: Name) -> Option<&str> {
        self.get(name).and_then(Value::as_str)
    }

    /// The first value of the field `name` as an integer.
    pub fn get_int(&self, name: Name) -> Option<i64> {
        self.get(name).and_then(Value::as_int)
    }

    /// Adds a text field borrowed from the line.
    pub fn put(&mut self, name: Name, value: &'a str) {
        self.fields.push((name, Value::Str(Cow::Borrowed(value))));
    }

    /// Adds a text field that is not a slice of the line (decoded, unescaped).
    pub fn put_owned(&mut self, name: Name, value: String) {
        self.fields.push((name, Value::Str(Cow::Owned(value))));
    }

    /// Adds an integer field.
    pub fn put_int(&mut self, name: Name, value: i64) {
        self.fields.push((name, Value::Int(value)));
    }

    /// Adds a decimal field.
    pub fn put_float(&mut self, name: Name, value: f64) {
        self.fields.push((name, Value::Float(value)));
    }

    /// Adds `name` from decimal text when it parses as a whole number; otherwise the field is left out.
    pub fn put_int_text(&mut self, name: Name, text: &str) {
        if let Ok(n) = text.parse::<i64>() {
            self.put_int(name, n);
        }
    }

    /// Adds `name` from decimal text when it parses as a finite number; otherwise the field is left out.
    pub fn put_float_text(&mut self, name: Name, text: &str) {
        match text.parse::<f64>() {
            Ok(f) if f.is_finite() => self.put_float(name, f),
            _ => {}
        }
    }
}
