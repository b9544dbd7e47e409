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

const DIGIT: u8 = 1;
const UPPER_HEX: u8 = 2;
const OTHER: u8 = 4;

/// Class of each byte in a queue id: a digit, `A`-`F`, another letter, or 0 for a byte that ends it.
const ID_CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] = if b.is_ascii_digit() {
            DIGIT
        } else if matches!(b, b'A'..=b'F') {
            UPPER_HEX
        } else if b.is_ascii_alphabetic() {
            OTHER
        } else {
            0
        };
        c += 1;
    }
    t
};

/// Splits a leading queue id (`QID: rest`) off a message.
///
/// Queue ids are short upper-case hex (`7EE668039`), long ids (`3mPVKl0Mhjz7sXv`, `enable_long_queue_ids`),
/// or anonymised ids with a suffix (`7E1AEC2C388XXXX`). A word followed by a colon is not one: an id is 5 to
/// 24 alphanumerics (a short id is 5 hex digits of microseconds and up to 16 of inode number, a long one
/// up to 23 characters) and either all upper-case hex, or mixed with at least one digit.
pub fn split_queue_id(msg: &str) -> (QueueId<'_>, &str) {
    let b = msg.as_bytes();
    let mut i = 0;
    // One table look-up per byte, no branch on its class: this runs on every line.
    let (mut digits, mut other) = (0u32, 0u8);
    while let Some(&c) = b.get(i).filter(|_| i <= 24) {
        let class = ID_CLASS[c as usize];
        if class == 0 {
            break;
        }
        digits += u32::from(class & DIGIT);
        other |= class & OTHER;
        i += 1;
    }
    let lower_or_nonhex = other != 0;
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

/// Offset of the last `b` (an ASCII byte, so the offset is a character boundary). A plain loop: the std
/// `rfind(char)` goes through `memrchr` and a `memcmp` per hit, costly on the short strings searched here.
pub fn rfind_byte(s: &str, b: u8) -> Option<usize> {
    debug_assert!(b.is_ascii());
    s.bytes().rposition(|c| c == b)
}

/// The domain of an address (after the last `@`), if it has one.
pub fn domain(addr: &str) -> Option<&str> {
    rfind_byte(addr, b'@')
        .map(|i| &addr[i + 1..])
        .filter(|d| !d.is_empty())
}

/// The local part of an address (before the last `@`), or the whole address when it has no `@`.
pub fn local_part(addr: &str) -> &str {
    rfind_byte(addr, b'@').map_or(addr, |i| &addr[..i])
}

/// Byte-wise substring search; `find(s, "x")` is the offset of the first `x`.
pub fn find(hay: &str, needle: &str) -> Option<usize> {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    let Some(&first) = n.first() else {
        return Some(0);
    };
    let last = h.len().checked_sub(n.len())?;
    let is_at = |i: usize| h.get(i..i + n.len()) == Some(n);
    // Eight candidate offsets at a time: the zero-byte test of `word ^ first` marks every byte equal to
    // `first` (and at worst a few others after one, which the comparison rejects).
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let mut i = 0;
    while i + 8 <= last + 1 {
        let w = u64::from_le_bytes(h[i..i + 8].try_into().expect("8 bytes"));
        let x = w ^ (LO * u64::from(first));
        let mut marks = x.wrapping_sub(LO) & !x & HI;
        while marks != 0 {
            let j = i + (marks.trailing_zeros() / 8) as usize;
            if is_at(j) {
                return Some(j);
            }
            marks &= marks - 1;
        }
        i += 8;
    }
    (i..=last).find(|&j| h[j] == first && is_at(j))
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

const KEY: u8 = 1;
const SEPARATOR: u8 = 2;

/// What a byte can be in a `key=value` list: part of a key (alphanumerics, `_`, `-`), or a separator
/// (`,` or space). One look-up instead of a chain of comparisons per byte.
const PAIR_CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        if b.is_ascii_alphanumeric() || b == b'_' || b == b'-' {
            t[c] = KEY;
        } else if b == b',' || b == b' ' {
            t[c] = SEPARATOR;
        }
        c += 1;
    }
    t
};

/// `str::split_once` for a string needle, through [`find`]: the standard searcher sets up a two-way search
/// for every call, which costs more than the search itself on a short line.
pub fn split_once<'a>(s: &'a str, needle: &str) -> Option<(&'a str, &'a str)> {
    let i = find(s, needle)?;
    Some((&s[..i], &s[i + needle.len()..]))
}

/// `str::rfind` for a string needle: the last place of `needle` in `hay`, looked for from the end byte by
/// byte, which is quick where this is used (a marker near the end of a line) and sets nothing up.
pub fn rfind(hay: &str, needle: &str) -> Option<usize> {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    let Some(&first) = n.first() else {
        return Some(h.len());
    };
    let mut at = h.len().checked_sub(n.len())?;
    loop {
        if h[at] == first && &h[at..at + n.len()] == n {
            return Some(at);
        }
        at = at.checked_sub(1)?;
    }
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
        while b.get(i).is_some_and(|&c| PAIR_CLASS[c as usize] & KEY != 0) {
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
            while b
                .get(i)
                .is_some_and(|&c| PAIR_CLASS[c as usize] & SEPARATOR == 0)
            {
                i += 1;
            }
            value = &self.s[vstart..i];
        }
        let mut text = None;
        if key == "status" && b.get(i) == Some(&b' ') && b.get(i + 1) == Some(&b'(') {
            let open = i + 2;
            let close = rfind_byte(self.s, b')')
                .filter(|&c| c >= open)
                .unwrap_or(b.len());
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
    // A plain loop: words are short, and `str::find` sets up a search (and in the WASI build calls `memcmp`).
    match s.bytes().position(|c| c == b' ') {
        Some(i) => (&s[..i], &s[i + 1..]),
        None => (s, ""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_searches_agree_with_std() {
        let line = "host mx.example.com[192.0.2.1] said: 550 5.1.1 unknown (in reply to RCPT TO command) (port 25)";
        for needle in [
            " (in reply to ",
            "(port ",
            ": ",
            " said",
            "h",
            ")",
            "absent",
            "",
            line,
        ] {
            assert_eq!(rfind(line, needle), line.rfind(needle), "{needle:?}");
            assert_eq!(
                split_once(line, needle),
                line.split_once(needle),
                "{needle:?}"
            );
        }
        assert_eq!(rfind("ab", "abc"), None);
    }

    #[test]
    fn find_agrees_with_str_find_at_every_offset() {
        // The word-at-a-time scan must see a match at any offset, also after a near miss or a byte one below.
        let hay =
            "status=sent (250 2.0.0 Ok: queued as 3E4D2E0C2) ]] said:] sai] said: ✓ \u{1}\u{0}]x";
        for start in 0..hay.len() {
            let Some(h) = hay.get(start..) else { continue };
            for needle in [
                "] said:",
                "]",
                "sa",
                "✓ ",
                "\u{1}\u{0}",
                "x",
                "queued as ",
                "nope",
                "",
            ] {
                assert_eq!(find(h, needle), h.find(needle), "{h:?} {needle:?}");
            }
        }
        assert_eq!(find("", "a"), None);
        assert_eq!(find("ab", "abc"), None);
    }

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
