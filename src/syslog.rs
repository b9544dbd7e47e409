//! Framing: finds the time, host, program, pid and message of a line, however it was shipped.
//!
//! Recognised, in the order tried:
//! - JSON objects as shippers wrap lines (Vector, Fluent Bit, Docker, journald `-o json`): see [`Envelope`];
//! - RFC 5424: `<22>1 2026-12-04T19:40:01.123Z host postfix/smtp 12 - - message`;
//! - RFC 3339 syslog: `2026-12-04T19:40:01.123456+00:00 host postfix/smtp[12]: message`;
//! - RFC 3164 (with or without `<PRI>`): `Dec  4 19:40:01 host postfix/smtp[12]: message`;
//! - the year-first form `2013 Jun 10 06:27:30.123 host postfix/smtp[12]: message`;
//! - a tag without time (`postfix/postfix-script: ...`), a host and tag without time (`mx postfix/smtp[1]: ...`);
//! - anything else is a bare message.
//!
//! The same Postfix message gives the same [`Frame`] in every form, so everything downstream is framing-blind.

use crate::time::{month_number, Timestamp, YearClock};

/// What framing found in a line.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Frame<'a> {
    /// When the line was logged (UTC).
    pub time: Option<Timestamp>,
    /// The logging host.
    pub host: Option<&'a str>,
    /// The syslog tag (program name), e.g. `postfix/submission/smtpd`.
    pub program: Option<&'a str>,
    /// The process id.
    pub pid: Option<u32>,
    /// The message after the tag.
    pub message: &'a str,
}

/// Frames a text line (not a JSON envelope).
pub fn frame<'a>(line: &'a str, clock: &mut YearClock) -> Frame<'a> {
    let b = line.as_bytes();
    let mut c = Cursor { s: line, i: 0 };
    // Priority `<NN>`: RFC 5424 when followed by the version `1 `, else RFC 3164 with a priority.
    if b.first() == Some(&b'<') {
        if let Some(end) = b.iter().take(5).position(|&x| x == b'>') {
            if end > 1 && b[1..end].iter().all(u8::is_ascii_digit) {
                c.i = end + 1;
                if b.get(c.i) == Some(&b'1') && b.get(c.i + 1) == Some(&b' ') {
                    c.i += 2;
                    if let Some(f) = rfc5424(c.clone(), clock) {
                        return f;
                    }
                    c.i = end + 1;
                }
            }
        }
    }
    let start = c.i;
    if let Some(time) = timestamp(&mut c, clock) {
        if let Some(f) = host_and_tag(c.clone(), Some(time)) {
            return f;
        }
    }
    c.i = start;
    // Tag without time, possibly with a host before it, possibly with leading blanks.
    c.skip_spaces();
    if let Some(f) = tag(c.clone(), None, None) {
        if looks_like_program(f.program) {
            return f;
        }
    }
    if let Some(f) = host_and_tag(c.clone(), None) {
        if looks_like_program(f.program) {
            return f;
        }
    }
    Frame {
        message: line,
        ..Frame::default()
    }
}

/// A tag without a time stamp is taken only when it names a known program family, so that a bare message
/// such as `warning: foo: bar` is not read as a tag `warning`.
fn looks_like_program(p: Option<&str>) -> bool {
    p.is_some_and(|p| p.starts_with("postfix") || p.contains('/'))
}

#[derive(Clone)]
struct Cursor<'a> {
    s: &'a str,
    i: usize,
}

impl<'a> Cursor<'a> {
    fn bytes(&self) -> &'a [u8] {
        self.s.as_bytes()
    }
    fn peek(&self) -> Option<u8> {
        self.bytes().get(self.i).copied()
    }
    fn eat(&mut self, ch: u8) -> bool {
        if self.peek() == Some(ch) {
            self.i += 1;
            true
        } else {
            false
        }
    }
    fn skip_spaces(&mut self) {
        while self.peek() == Some(b' ') {
            self.i += 1;
        }
    }
    /// A run of ASCII digits, at most `max` long, as a number.
    fn digits(&mut self, min: usize, max: usize) -> Option<u32> {
        let b = self.bytes();
        let start = self.i;
        let mut n: u32 = 0;
        while self.i < b.len() && self.i - start < max && b[self.i].is_ascii_digit() {
            n = n.checked_mul(10)?.checked_add((b[self.i] - b'0') as u32)?;
            self.i += 1;
        }
        (self.i - start >= min).then_some(n)
    }
    /// The run of bytes up to the next space (or the end).
    fn word(&mut self) -> &'a str {
        let b = self.bytes();
        let start = self.i;
        while self.i < b.len() && b[self.i] != b' ' {
            self.i += 1;
        }
        &self.s[start..self.i]
    }
    fn rest(&self) -> &'a str {
        &self.s[self.i.min(self.s.len())..]
    }
}

/// Any of the time stamp forms at the cursor; on success the cursor stands after it.
fn timestamp(c: &mut Cursor, clock: &mut YearClock) -> Option<Timestamp> {
    let start = c.i;
    if let Some((len, t)) = remembered(&c.bytes()[start..], clock) {
        c.i = start + len;
        return Some(fraction(c, t));
    }
    let first = c.peek()?;
    let t = if first.is_ascii_digit() {
        let save = c.i;
        let year = c.digits(4, 4)? as i32;
        if c.eat(b'-') {
            return iso_after_year(c, year, clock.offset_s());
        }
        // `2013 Jun 10 06:27:30.123`
        if !c.eat(b' ') {
            c.i = save;
            return None;
        }
        let (month, day, h, m, s) = month_day_time(c)?;
        Timestamp::from_civil(year, month, day, h, m, s)?.shifted(-clock.offset_s())
    } else {
        let before = clock.clone();
        let (month, day, h, m, s) = month_day_time(c)?;
        let t = clock.resolve(month, day, h, m, s)?;
        remember(&c.bytes()[start..c.i], before, t, clock);
        return Some(fraction(c, t));
    };
    remember(&c.bytes()[start..c.i], clock.clone(), t, clock);
    Some(fraction(c, t))
}

/// The last time stamp read to the second: its text, the clock before and after, and the instant. Lines
/// come in bursts within one second, and reading the same text with the same clock gives the same result
/// (the readers of these forms look at no byte past the seconds).
struct Remembered {
    /// The text as three little-endian words, zero-padded, and a mask of its bytes: comparing a line's
    /// first 24 bytes with it is a few word operations instead of a `memcmp` call, which is a byte loop in
    /// the WASI build.
    words: [u64; 3],
    mask: [u64; 3],
    len: usize,
    before: YearClock,
    after: YearClock,
    time: Timestamp,
}

thread_local! {
    static LAST_STAMP: std::cell::RefCell<Option<Remembered>> = const { std::cell::RefCell::new(None) };
}

/// The remembered time stamp, if `b` starts with its text and the clock is as it was; the clock then moves
/// as it did.
fn remembered(b: &[u8], clock: &mut YearClock) -> Option<(usize, Timestamp)> {
    LAST_STAMP.with_borrow(|last| {
        let r = last.as_ref()?;
        // A line shorter than 24 bytes is read afresh: too short to be worth the care.
        let w = words(b.get(..24)?);
        let differ = (0..3).fold(0, |acc, i| acc | ((w[i] ^ r.words[i]) & r.mask[i]));
        if differ != 0 || *clock != r.before {
            return None;
        }
        clock.clone_from(&r.after);
        Some((r.len, r.time))
    })
}

fn remember(text: &[u8], before: YearClock, time: Timestamp, after: &YearClock) {
    let mut padded = [0; 24];
    let mut ones = [0; 24];
    let (Some(t), Some(o)) = (padded.get_mut(..text.len()), ones.get_mut(..text.len())) else {
        return;
    };
    t.copy_from_slice(text);
    o.fill(0xff);
    LAST_STAMP.set(Some(Remembered {
        words: words(&padded),
        mask: words(&ones),
        len: text.len(),
        before,
        after: after.clone(),
        time,
    }));
}

/// The first 24 bytes of `b` as three little-endian words.
fn words(b: &[u8]) -> [u64; 3] {
    let word = |i: usize| u64::from_le_bytes(b[i..i + 8].try_into().expect("8 bytes"));
    [word(0), word(8), word(16)]
}

/// `Mmm dd HH:MM:SS` with the day space-padded, zero-padded or bare.
fn month_day_time(c: &mut Cursor) -> Option<(u32, u32, u32, u32, u32)> {
    let b = c.bytes();
    let month = month_number(b.get(c.i..c.i + 3)?)?;
    c.i += 3;
    if !c.eat(b' ') {
        return None;
    }
    c.skip_spaces();
    let day = c.digits(1, 2)?;
    if !c.eat(b' ') {
        return None;
    }
    let (h, m, s) = hms(c)?;
    Some((month, day, h, m, s))
}

fn hms(c: &mut Cursor) -> Option<(u32, u32, u32)> {
    let h = c.digits(2, 2)?;
    c.eat(b':').then_some(())?;
    let m = c.digits(2, 2)?;
    c.eat(b':').then_some(())?;
    let s = c.digits(2, 2)?;
    Some((h, m, s))
}

/// An optional `.fff` fraction after the seconds.
fn fraction(c: &mut Cursor, t: Timestamp) -> Timestamp {
    if c.peek() == Some(b'.') || c.peek() == Some(b',') {
        let b = c.bytes();
        let start = c.i + 1;
        let mut end = start;
        while end < b.len() && b[end].is_ascii_digit() {
            end += 1;
        }
        if end > start {
            c.i = end;
            return t.with_fraction(&b[start..end]);
        }
    }
    t
}

/// The rest of an RFC 3339 time stamp after `YYYY-`; a missing zone means the configured one.
fn iso_after_year(c: &mut Cursor, year: i32, default_offset: i64) -> Option<Timestamp> {
    let month = c.digits(2, 2)?;
    c.eat(b'-').then_some(())?;
    let day = c.digits(2, 2)?;
    if !(c.eat(b'T') || c.eat(b't') || c.eat(b' ')) {
        return None;
    }
    let (h, m, s) = hms(c)?;
    let t = fraction(c, Timestamp::from_civil(year, month, day, h, m, s)?);
    let offset = match c.peek() {
        Some(b'Z') | Some(b'z') => {
            c.i += 1;
            0
        }
        Some(sign @ (b'+' | b'-')) => {
            c.i += 1;
            let oh = c.digits(2, 2)? as i64;
            c.eat(b':');
            let om = c.digits(2, 2)? as i64;
            let off = oh * 3600 + om * 60;
            if sign == b'-' {
                -off
            } else {
                off
            }
        }
        _ => default_offset,
    };
    Some(t.shifted(-offset))
}

/// ` host tag[pid]: message` after a time stamp (or at the start of a line when `time` is `None`).
fn host_and_tag<'a>(mut c: Cursor<'a>, time: Option<Timestamp>) -> Option<Frame<'a>> {
    c.skip_spaces();
    let host = c.word();
    if host.is_empty() || host.ends_with(':') {
        return None;
    }
    c.skip_spaces();
    tag(c, time, Some(host))
}

/// `tag[pid]: message` or `tag: message`.
fn tag<'a>(mut c: Cursor<'a>, time: Option<Timestamp>, host: Option<&'a str>) -> Option<Frame<'a>> {
    let b = c.bytes();
    let start = c.i;
    while c.i < b.len() && !matches!(b[c.i], b'[' | b':' | b' ') {
        c.i += 1;
    }
    if c.i == start || c.i >= b.len() {
        return None;
    }
    let program = &c.s[start..c.i];
    let mut pid = None;
    if c.eat(b'[') {
        let p = c.digits(1, 10)?;
        c.eat(b']').then_some(())?;
        pid = Some(p);
    }
    c.eat(b':').then_some(())?;
    c.eat(b' ');
    Some(Frame {
        time,
        host,
        program: Some(program),
        pid,
        message: c.rest(),
    })
}

/// RFC 5424 after `<PRI>1 `: `TIMESTAMP HOST APP PROCID MSGID SD MSG`, `-` for nil.
fn rfc5424<'a>(mut c: Cursor<'a>, clock: &mut YearClock) -> Option<Frame<'a>> {
    let time = if c.eat(b'-') {
        None
    } else {
        let year = c.digits(4, 4)? as i32;
        c.eat(b'-').then_some(())?;
        Some(iso_after_year(&mut c, year, clock.offset_s())?)
    };
    c.eat(b' ').then_some(())?;
    let host = nil(c.word());
    c.eat(b' ').then_some(())?;
    let program = nil(c.word());
    c.eat(b' ').then_some(())?;
    let procid = nil(c.word());
    c.eat(b' ').then_some(())?;
    let _msgid = c.word();
    c.eat(b' ');
    structured_data(&mut c)?;
    c.eat(b' ');
    let mut message = c.rest();
    message = message.strip_prefix('\u{feff}').unwrap_or(message);
    Some(Frame {
        time,
        host,
        program,
        pid: procid.and_then(|p| p.parse().ok()),
        message,
    })
}

fn nil(s: &str) -> Option<&str> {
    (s != "-" && !s.is_empty()).then_some(s)
}

/// Skips `-` or one or more `[id k="v" ...]` elements (with `\]` and `\"` escapes inside values).
fn structured_data(c: &mut Cursor) -> Option<()> {
    if c.eat(b'-') {
        return Some(());
    }
    let b = c.bytes();
    while c.peek() == Some(b'[') {
        let mut in_quotes = false;
        c.i += 1;
        loop {
            let ch = *b.get(c.i)?;
            c.i += 1;
            match ch {
                b'\\' if in_quotes => c.i += 1,
                b'"' => in_quotes = !in_quotes,
                b']' if !in_quotes => break,
                _ => {}
            }
        }
    }
    Some(())
}

/// A line as a shipper wraps it in JSON: the message and what the shipper knew about it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Envelope {
    /// `message`, `MESSAGE`, `log` or `msg`.
    pub message: String,
    /// `host` (a string or `{"name": ...}`), `host.name`, `hostname`, `_HOSTNAME`.
    pub host: Option<String>,
    /// `appname`, `ident`, `program`, `SYSLOG_IDENTIFIER`, `process.name`.
    pub program: Option<String>,
    /// `procid`, `pid`, `_PID`, `process.pid`.
    pub pid: Option<u32>,
    /// `@timestamp`, `timestamp`, `time` (RFC 3339 or epoch seconds), `__REALTIME_TIMESTAMP` (epoch µs).
    pub time: Option<Timestamp>,
}

/// Reads a JSON envelope; `None` when the line is not a JSON object with a message.
pub fn envelope(line: &str) -> Option<Envelope> {
    if !line.trim_start().starts_with('{') {
        return None;
    }
    let v: serde_json::Value = serde_json::from_str(line).ok()?;
    let obj = v.as_object()?;
    let text = |keys: &[&str]| -> Option<String> {
        keys.iter()
            .find_map(|k| lookup(obj, k))
            .and_then(|v| match v {
                serde_json::Value::String(s) => Some(s.clone()),
                serde_json::Value::Number(n) => Some(n.to_string()),
                _ => None,
            })
    };
    let message = text(&["message", "MESSAGE", "log", "msg"])?;
    let mut env = Envelope {
        message: message.trim_end_matches(['\n', '\r']).to_string(),
        host: text(&[
            "host.name",
            "host.hostname",
            "hostname",
            "_HOSTNAME",
            "host",
        ]),
        program: text(&[
            "appname",
            "ident",
            "program",
            "SYSLOG_IDENTIFIER",
            "process.name",
            "app_name",
        ]),
        pid: text(&["procid", "pid", "_PID", "process.pid", "SYSLOG_PID"])
            .and_then(|p| p.parse().ok()),
        time: None,
    };
    if let Some(us) = text(&["__REALTIME_TIMESTAMP"]).and_then(|t| t.parse::<i64>().ok()) {
        env.time = Some(Timestamp {
            secs: us.div_euclid(1_000_000),
            nanos: (us.rem_euclid(1_000_000) * 1000) as u32,
            frac_digits: 6,
        });
    } else if let Some(t) = text(&["@timestamp", "timestamp", "time", "date"]) {
        env.time = parse_time_value(&t);
    }
    Some(env)
}

/// A key, dotted keys also looked up as nested objects (`host.name` in `{"host":{"name":..}}`).
fn lookup<'v>(
    obj: &'v serde_json::Map<String, serde_json::Value>,
    key: &str,
) -> Option<&'v serde_json::Value> {
    if let Some(v) = obj.get(key) {
        if !v.is_object() {
            return Some(v);
        }
    }
    let (head, tail) = key.split_once('.')?;
    lookup(obj.get(head)?.as_object()?, tail)
}

/// An RFC 3339 time or epoch seconds (with an optional fraction).
fn parse_time_value(t: &str) -> Option<Timestamp> {
    let mut c = Cursor { s: t, i: 0 };
    if let Some(year) = c.digits(4, 4) {
        if c.eat(b'-') {
            return iso_after_year(&mut c, year as i32, 0);
        }
    }
    let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
    let secs: i64 = whole.parse().ok()?;
    if !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(
        Timestamp {
            secs,
            nanos: 0,
            frac_digits: 0,
        }
        .with_fraction(frac.as_bytes()),
    )
}

/// Frames an envelope: a message that carries its own syslog header is framed as text, and what the header
/// lacks comes from the envelope; a bare message takes everything from the envelope.
pub fn frame_envelope<'a>(env: &'a Envelope, clock: &mut YearClock) -> Frame<'a> {
    let inner = frame(&env.message, clock);
    if inner.program.is_some() {
        return Frame {
            time: inner.time.or(env.time),
            host: inner.host.or(env.host.as_deref()),
            pid: inner.pid.or(env.pid),
            ..inner
        };
    }
    Frame {
        time: env.time,
        host: env.host.as_deref(),
        program: env.program.as_deref(),
        pid: env.pid,
        message: &env.message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clock() -> YearClock {
        YearClock::new(Some(2026), 0, 0)
    }

    const MSG: &str =
        "7E1AEC2C388: to=<a@b.example>, relay=none, delay=1, dsn=4.4.1, status=deferred (x)";

    #[test]
    fn a_repeated_time_stamp_follows_the_clock_it_is_read_with() {
        // The same text read again after the year rolled over (and back) must not reuse the earlier year.
        let mut c = clock();
        let year = |line: &str, c: &mut YearClock| frame(line, c).time.map(|t| t.date().0);
        let dec = format!("Dec 31 23:59:59 mx1 postfix/smtp[12]: {MSG}");
        assert_eq!(year(&dec, &mut c), Some(2026));
        assert_eq!(year(&dec, &mut c), Some(2026));
        let jan = format!("Jan  1 00:00:01 mx1 postfix/smtp[12]: {MSG}");
        assert_eq!(year(&jan, &mut c), Some(2027));
        assert_eq!(year(&dec, &mut c), Some(2026));
        // Another clock (another engine in this thread) reads the same text in its own year.
        assert_eq!(
            year(&dec, &mut YearClock::new(Some(2013), 0, 0)),
            Some(2013)
        );
        // The fraction is read for each line, not remembered with the second.
        let (a, b) = (
            format!("2013 Jun 10 06:27:30.123 gds39d postfix/smtp[1]: {MSG}"),
            format!("2013 Jun 10 06:27:30.5 gds39d postfix/smtp[1]: {MSG}"),
        );
        let (f, g) = (frame(&a, &mut c), frame(&b, &mut c));
        assert_eq!(f.time.map(|t| t.secs), g.time.map(|t| t.secs));
        assert_eq!(
            (f.time.map(|t| t.nanos), g.time.map(|t| t.nanos)),
            (Some(123_000_000), Some(500_000_000))
        );
    }

    #[test]
    fn a_time_stamp_is_reused_only_for_the_same_text() {
        let mut c = clock();
        let secs = |line: &str, c: &mut YearClock| frame(line, c).time.map(|t| t.secs);
        let a = secs(
            &format!("Dec 31 23:59:59 mx1 postfix/smtp[12]: {MSG}"),
            &mut c,
        );
        // Each byte of the remembered text counts, the last of the seconds and the first of the month.
        let b = secs(
            &format!("Dec 31 23:59:58 mx1 postfix/smtp[12]: {MSG}"),
            &mut c,
        );
        assert_eq!(b, a.map(|s| s - 1));
        let nov = secs(
            &format!("Nov 30 23:59:58 mx1 postfix/smtp[12]: {MSG}"),
            &mut c,
        );
        assert_eq!(nov, b.map(|s| s - 31 * 86_400));
        // Bytes after the time stamp (within the first 24) are no part of it.
        let other_host = secs(
            &format!("Nov 30 23:59:58 x postfix/smtp[12]: {MSG}"),
            &mut c,
        );
        assert_eq!(other_host, nov);
        // A line shorter than 24 bytes is read afresh, not compared past its end.
        let short = frame("Nov 30 23:59:57 h p: x", &mut c);
        assert_eq!(short.time.map(|t| t.secs), nov.map(|s| s - 1));
        assert_eq!(short.message, "x");
    }

    #[test]
    fn every_framing_gives_the_same_frame() {
        let lines = [
            format!("Dec  4 19:40:01 mx1 postfix/smtp[12]: {MSG}"),
            format!("Dec 04 19:40:01 mx1 postfix/smtp[12]: {MSG}"),
            format!("<22>Dec 4 19:40:01 mx1 postfix/smtp[12]: {MSG}"),
            format!("2026-12-04T19:40:01+00:00 mx1 postfix/smtp[12]: {MSG}"),
            format!("2026-12-04T20:40:01.000+01:00 mx1 postfix/smtp[12]: {MSG}"),
            format!("<22>1 2026-12-04T19:40:01Z mx1 postfix/smtp 12 - - {MSG}"),
            format!(
                "<22>1 2026-12-04T19:40:01Z mx1 postfix/smtp 12 ID47 [ex@1 a=\"b]\\\"\"] {MSG}"
            ),
            format!("2026 Dec 04 19:40:01 mx1 postfix/smtp[12]: {MSG}"),
        ];
        for line in &lines {
            let f = frame(line, &mut clock());
            assert_eq!(
                f.time.map(|t| t.secs),
                Timestamp::from_civil(2026, 12, 4, 19, 40, 1).map(|t| t.secs),
                "{line}"
            );
            assert_eq!(
                (f.host, f.program, f.pid, f.message),
                (Some("mx1"), Some("postfix/smtp"), Some(12), MSG),
                "{line}"
            );
        }
    }

    #[test]
    fn json_envelopes() {
        let vector = format!(
            r#"{{"message":"{MSG}","timestamp":"2026-12-04T19:40:01Z","hostname":"mx1","appname":"postfix/smtp","procid":12}}"#
        );
        let journald = format!(
            r#"{{"MESSAGE":"{MSG}","SYSLOG_IDENTIFIER":"postfix/smtp","_PID":"12","_HOSTNAME":"mx1","__REALTIME_TIMESTAMP":"1796413201000000"}}"#
        );
        let wrapped = format!(
            r#"{{"message":"Dec  4 19:40:01 mx1 postfix/smtp[12]: {MSG}","@timestamp":"2026-12-04T19:40:02.5Z"}}"#
        );
        let nested = format!(
            r#"{{"message":"{MSG}","@timestamp":"2026-12-04T19:40:01Z","host":{{"name":"mx1"}},"process":{{"name":"postfix/smtp","pid":12}}}}"#
        );
        for line in [vector, journald, wrapped, nested] {
            let env = envelope(&line).expect(&line);
            let f = frame_envelope(&env, &mut clock());
            assert_eq!(f.time.map(|t| t.secs), Some(1_796_413_201), "{line}");
            assert_eq!(
                (f.host, f.program, f.pid, f.message),
                (Some("mx1"), Some("postfix/smtp"), Some(12), MSG),
                "{line}"
            );
        }
    }

    #[test]
    fn partial_headers() {
        let f = frame(
            "postfix/postfix-script: fatal: the Postfix mail system is not running",
            &mut clock(),
        );
        assert_eq!(
            (f.program, f.message),
            (
                Some("postfix/postfix-script"),
                "fatal: the Postfix mail system is not running"
            )
        );
        let f = frame(
            " postfix/smtp[8909]: connect to x[1.2.3.4]: Connection refused",
            &mut clock(),
        );
        assert_eq!((f.program, f.pid), (Some("postfix/smtp"), Some(8909)));
        let f = frame(
            "scorpion postfix/smtp[9144]: connect to x[1.2.3.4]: refused",
            &mut clock(),
        );
        assert_eq!(
            (f.host, f.program),
            (Some("scorpion"), Some("postfix/smtp"))
        );
        let f = frame(
            "warning: unknown[1.2.3.4]: SASL LOGIN authentication failed: x",
            &mut clock(),
        );
        assert_eq!(
            (f.program, f.message),
            (
                None,
                "warning: unknown[1.2.3.4]: SASL LOGIN authentication failed: x"
            )
        );
    }
}
