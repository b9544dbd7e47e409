//! Re-framing postlogd's lines (`Dec 04 21:19:43 mx postfix/smtp[8786]: text`) as a log shipper would ship
//! them: RFC 5424 syslog and JSON envelopes. The product must see the same messages in every framing.

/// A postlogd line taken apart.
#[derive(Debug, PartialEq)]
pub struct Parts<'a> {
    /// RFC 3339 UTC time, e.g. `2026-12-04T21:19:43Z`.
    pub time: String,
    /// The host label.
    pub host: &'a str,
    /// The program, e.g. `postfix/submission/smtpd`.
    pub app: &'a str,
    /// The process id.
    pub pid: &'a str,
    /// The message after `]: `.
    pub msg: &'a str,
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Splits one line; `None` when it is not in postlogd's form. The instance runs with `TZ=UTC`.
pub fn parse(line: &str, year: i32) -> Option<Parts<'_>> {
    let month = MONTHS.iter().position(|m| line.get(..3) == Some(*m))? + 1;
    let day: u32 = line.get(4..6)?.trim().parse().ok()?;
    let clock = line.get(7..15)?;
    let rest = line.get(16..)?;
    let (host, rest) = rest.split_once(' ')?;
    let (tag, msg) = rest.split_once(": ")?;
    let (app, pid) = tag.strip_suffix(']')?.split_once('[')?;
    Some(Parts {
        time: format!("{year:04}-{month:02}-{day:02}T{clock}Z"),
        host,
        app,
        pid,
        msg,
    })
}

/// `<22>1 TIME HOST APP PID - - MSG` (facility mail, severity info).
pub fn rfc5424(p: &Parts) -> String {
    format!(
        "<22>1 {} {} {} {} - - {}",
        p.time, p.host, p.app, p.pid, p.msg
    )
}

/// A JSON string literal.
pub fn json_str(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 2);
    o.push('"');
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            '\n' => o.push_str("\\n"),
            '\r' => o.push_str("\\r"),
            '\t' => o.push_str("\\t"),
            c if (c as u32) < 0x20 => o.push_str(&format!("\\u{:04x}", c as u32)),
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

/// `{"message": MSG, "timestamp": TIME, "host": HOST, "appname": APP, "procid": PID}`.
pub fn json(p: &Parts) -> String {
    format!(
        "{{\"message\": {}, \"timestamp\": {}, \"host\": {}, \"appname\": {}, \"procid\": {}}}",
        json_str(p.msg),
        json_str(&p.time),
        json_str(p.host),
        json_str(p.app),
        json_str(p.pid)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postlogd_line() {
        let l = "Dec 04 21:19:43 mx postfix/submission/smtpd[8786]: 4jh4Bl4Tq5z1SWt9: client=localhost[127.0.0.1]:4711";
        let p = parse(l, 2026).unwrap();
        assert_eq!(p.time, "2026-12-04T21:19:43Z");
        assert_eq!(
            (p.host, p.app, p.pid),
            ("mx", "postfix/submission/smtpd", "8786")
        );
        assert_eq!(
            rfc5424(&p),
            "<22>1 2026-12-04T21:19:43Z mx postfix/submission/smtpd 8786 - - 4jh4Bl4Tq5z1SWt9: client=localhost[127.0.0.1]:4711"
        );
        assert!(json(&p).starts_with("{\"message\": \"4jh4Bl4Tq5z1SWt9: client="));
    }
}
