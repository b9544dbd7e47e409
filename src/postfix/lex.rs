//! The tokenizer: small, allocation-free scanners over the bytes of a Postfix message.
//!
//! Postfix writes a handful of token shapes again and again; each has one scanner here, shared by every
//! daemon module: the queue id prefix, `name[address]:port`, `<address>`, `key=value` lists (comma- or
//! space-separated, with `<...>` values and a trailing `status=word (text)`), and numbers.

/// Where a message's queue id prefix stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueId<'a> {
    /// `7E1AEC2C388: ...` or a long id `3mPVKl0Mhjz7sXv: ...`.
    Id(&'a str),
    /// `NOQUEUE: ...`: the transaction got no queue file.
    NoQueue,
    /// No queue id prefix.
    None,
}

/// Splits a leading queue id (`QID: rest`) off a message.
///
/// Queue ids are short upper-case hex (`7EE668039`), long ids (`3mPVKl0Mhjz7sXv`, `enable_long_queue_ids`),
/// or anonymised ids with a suffix (`7E1AEC2C388XXXX`). A word followed by a colon is not one: an id is 5 to
/// 24 alphanumerics (a short id is 5 hex digits of microseconds and up to 16 of inode number, a long one
/// up to 23 characters) and either all upper-case hex, or mixed with at least one digit.
pub fn split_queue_id(msg: &str) -> (QueueId<'_>, &str) {
    let b = msg.as_bytes();
    let mut i = 0;
    let (mut digits, mut lower_or_nonhex) = (0, false);
    while i < b.len() && i <= 24 && b[i].is_ascii_alphanumeric() {
        if b[i].is_ascii_digit() {
            digits += 1;
        } else if !matches!(b[i], b'A'..=b'F') {
            lower_or_nonhex = true;
        }
        i += 1;
    }
    if !(5..=24).contains(&i)
        || b.get(i) != Some(&b':')
        || !matches!(b.get(i + 1), Some(b' ') | None)
    {
        return (QueueId::None, msg);
    }
    let rest = msg.get(i + 2..).unwrap_or("");
    let word = &msg[..i];
    if word == "NOQUEUE" {
        return (QueueId::NoQueue, rest);
    }
    if digits > 0 && (!lower_or_nonhex || i >= 8) {
        (QueueId::Id(word), rest)
    } else {
        (QueueId::None, msg)
    }
}

/// A remote end as Postfix writes it: `name[address]` and optionally `:port`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Endpoint<'a> {
    /// The name (`unknown` when reverse DNS failed; empty in postscreen's `[address]`).
    pub host: &'a str,
    /// The address in the brackets: IPv4, IPv6 (whole, `ipv6:` prefix kept off), or a socket path.
    pub addr: &'a str,
    /// The port after the closing bracket.
    pub port: Option<u16>,
}

/// Reads `name[address][:port]` at the start of `s`; returns it and the rest after it.
pub fn endpoint(s: &str) -> Option<(Endpoint<'_>, &str)> {
    let b = s.as_bytes();
    let open = b
        .iter()
        .position(|&c| c == b'[' || c == b' ' || c == b',')?;
    if b[open] != b'[' {
        return None;
    }
    let close = open + 1 + b[open + 1..].iter().position(|&c| c == b']')?;
    let host = &s[..open];
    let mut addr = &s[open + 1..close];
    if addr.len() > 5 && addr.as_bytes()[..5].eq_ignore_ascii_case(b"ipv6:") {
        addr = &addr[5..];
    }
    let mut rest = &s[close + 1..];
    let mut port = None;
    if let Some(after) = rest.strip_prefix(':') {
        let n = after.bytes().take_while(u8::is_ascii_digit).count();
        if n > 0 {
            port = after[..n].parse().ok();
            rest = &after[n..];
        }
    }
    Some((Endpoint { host, addr, port }, rest))
}

/// Finds the first `name[address]` after `marker` (e.g. `" from "`), anywhere in `s`.
pub fn endpoint_after<'a>(s: &'a str, marker: &str) -> Option<(Endpoint<'a>, &'a str)> {
    let at = find(s, marker)?;
    endpoint(&s[at + marker.len()..])
}

/// Strips one pair of angle brackets: `<a@b>` -> `a@b`, `<>` -> ``; other text is returned as is.
pub fn unangle(s: &str) -> &str {
    s.strip_prefix('<')
        .and_then(|t| t.strip_suffix('>'))
        .unwrap_or(s)
}

/// The domain of an address (after the last `@`), if it has one.
pub fn domain(addr: &str) -> Option<&str> {
    addr.rfind('@')
        .map(|i| &addr[i + 1..])
        .filter(|d| !d.is_empty())
}

/// The local part of an address (before the last `@`), or the whole address when it has no `@`.
pub fn local_part(addr: &str) -> &str {
    addr.rfind('@').map_or(addr, |i| &addr[..i])
}

/// Byte-wise substring search; `find(s, "x")` is the offset of the first `x`.
pub fn find(hay: &str, needle: &str) -> Option<usize> {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    if n.is_empty() {
        return Some(0);
    }
    if n.len() > h.len() {
        return None;
    }
    let first = n[0];
    let last = h.len() - n.len();
    let mut i = 0;
    while i <= last {
        match h[i..=last].iter().position(|&c| c == first) {
            None => return None,
            Some(p) => {
                i += p;
                if &h[i..i + n.len()] == n {
                    return Some(i);
                }
                i += 1;
            }
        }
    }
    None
}

/// One `key=value` of a Postfix list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pair<'a> {
    /// The key, e.g. `to`, `relay`, `status`.
    pub key: &'a str,
    /// The value without its angle brackets; for `status` the word only.
    pub value: &'a str,
    /// For `status=word (text)`: the text in the parentheses (to the last `)` of the line).
    pub text: Option<&'a str>,
}

/// Iterates the `key=value` pairs of a Postfix list.
///
/// Handles both the comma-separated lists of delivery agents (`to=<a>, relay=x[1.2.3.4]:25, delay=1,
/// ..., status=sent (250 ok)`) and the space-separated ones of smtpd and cleanup (`from=<a> to=<b>
/// proto=ESMTP helo=<h>`). An `<...>` value runs to its closing bracket, spaces included. A `status=`
/// value is one word, and the parenthesised text after it runs to the last `)` of the input.
/// Iteration stops at the first token that is not `key=value`; [`Pairs::rest`] is what remains.
#[derive(Debug, Clone)]
pub struct Pairs<'a> {
    s: &'a str,
    i: usize,
}

/// Starts a [`Pairs`] iterator over `s`.
pub fn pairs(s: &str) -> Pairs<'_> {
    Pairs { s, i: 0 }
}

impl<'a> Pairs<'a> {
    /// What follows the last pair read.
    pub fn rest(&self) -> &'a str {
        &self.s[self.i..]
    }
}

impl<'a> Iterator for Pairs<'a> {
    type Item = Pair<'a>;

    fn next(&mut self) -> Option<Pair<'a>> {
        let b = self.s.as_bytes();
        let mut i = self.i;
        while i < b.len() && (b[i] == b' ' || b[i] == b',') {
            i += 1;
        }
        let kstart = i;
        while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'-') {
            i += 1;
        }
        if i == kstart || b.get(i) != Some(&b'=') {
            return None;
        }
        let key = &self.s[kstart..i];
        i += 1;
        let vstart = i;
        let value;
        if b.get(i) == Some(&b'<') {
            // To the `>` that is followed by a separator or the end (addresses may hold `>` when malformed).
            let mut j = i + 1;
            let mut end = None;
            while j < b.len() {
                if b[j] == b'>'
                    && matches!(b.get(j + 1), None | Some(b',') | Some(b' ') | Some(b'>'))
                {
                    end = Some(j);
                    break;
                }
                j += 1;
            }
            match end {
                Some(e) => {
                    value = &self.s[vstart + 1..e];
                    i = e + 1;
                    // A doubled `>>` as some logs have: swallow it.
                    while b.get(i) == Some(&b'>') {
                        i += 1;
                    }
                }
                None => {
                    // Unterminated (a truncated line): the value is the rest up to a separator.
                    while i < b.len() && b[i] != b',' && b[i] != b' ' {
                        i += 1;
                    }
                    value = &self.s[vstart + 1..i];
                }
            }
        } else {
            while i < b.len() && b[i] != b',' && b[i] != b' ' {
                i += 1;
            }
            value = &self.s[vstart..i];
        }
        let mut text = None;
        if key == "status" && b.get(i) == Some(&b' ') && b.get(i + 1) == Some(&b'(') {
            let open = i + 2;
            let close = self.s.rfind(')').filter(|&c| c >= open).unwrap_or(b.len());
            text = Some(&self.s[open..close]);
            i = (close + 1).min(b.len());
        }
        self.i = i;
        Some(Pair { key, value, text })
    }
}

/// Parses a decimal whole number of ASCII digits (no sign), `None` on anything else or overflow.
pub fn int(s: &str) -> Option<i64> {
    if s.is_empty() || s.len() > 18 || !s.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// `a b` -> (`a`, `b`): the first space-separated word and the rest (without the space).
pub fn word(s: &str) -> (&str, &str) {
    match s.find(' ') {
        Some(i) => (&s[..i], &s[i + 1..]),
        None => (s, ""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queue_ids() {
        assert_eq!(
            split_queue_id("7EE668039: removed"),
            (QueueId::Id("7EE668039"), "removed")
        );
        assert_eq!(
            split_queue_id("3mPVKl0Mhjz7sXv: removed"),
            (QueueId::Id("3mPVKl0Mhjz7sXv"), "removed")
        );
        assert_eq!(
            split_queue_id("7E1AEC2C388XXXX: removed"),
            (QueueId::Id("7E1AEC2C388XXXX"), "removed")
        );
        assert_eq!(split_queue_id("NOQUEUE: reject: x").0, QueueId::NoQueue);
        for not in [
            "warning: x",
            "statistics: max",
            "connect to x[1.2.3.4]:25: y",
            "fatal: z",
            "BADFACE: z",
        ] {
            assert_eq!(split_queue_id(not).0, QueueId::None, "{not}");
        }
    }

    #[test]
    fn endpoints() {
        let (e, rest) = endpoint("mx.example[192.0.2.1]:25, delay=1").unwrap();
        assert_eq!(
            (e.host, e.addr, e.port, rest),
            ("mx.example", "192.0.2.1", Some(25), ", delay=1")
        );
        let (e, _) = endpoint("v6.example[2001:db8::1]:587").unwrap();
        assert_eq!((e.addr, e.port), ("2001:db8::1", Some(587)));
        let (e, _) = endpoint("unknown[IPv6:2001:db8::2]").unwrap();
        assert_eq!((e.host, e.addr, e.port), ("unknown", "2001:db8::2", None));
        let (e, _) = endpoint("[192.0.2.3]:4711").unwrap();
        assert_eq!((e.host, e.addr, e.port), ("", "192.0.2.3", Some(4711)));
        assert!(endpoint("none, delay=1").is_none());
        let (e, _) = endpoint("x[98.1é8.112.37]:25").unwrap();
        assert_eq!(e.addr, "98.1é8.112.37");
    }

    #[test]
    fn delivery_pairs() {
        let s = "to=<a@b.example>, orig_to=<x@y>, relay=mx[192.0.2.1]:25, delay=1.1, delays=0.1/0/0.5/0.5, \
                 dsn=2.0.0, status=sent (250 2.0.0 OK (id 5) queued)";
        let v: Vec<_> = pairs(s).collect();
        assert_eq!(
            v[0],
            Pair {
                key: "to",
                value: "a@b.example",
                text: None
            }
        );
        assert_eq!(v[2].value, "mx[192.0.2.1]:25");
        assert_eq!(
            v[6],
            Pair {
                key: "status",
                value: "sent",
                text: Some("250 2.0.0 OK (id 5) queued")
            }
        );
        let smtpd = "from=<> to=<a b@c> proto=ESMTP helo=<[1.2.3.4]>";
        let v: Vec<_> = pairs(smtpd).map(|p| p.value).collect();
        assert_eq!(v, ["", "a b@c", "ESMTP", "[1.2.3.4]"]);
        let mut it = pairs("from=<u@e.com>>, size=12, nrcpt=1 (queue active)");
        assert_eq!(it.next().unwrap().value, "u@e.com");
        assert_eq!(it.nth(1).unwrap().value, "1");
        assert_eq!(it.rest(), " (queue active)");
    }
}
