//! A minimal JSON writer for the hot path: records are written straight into a `String`, key by key,
//! with no intermediate tree.

use std::fmt::Write as _;

/// Bytes that need escaping inside a JSON string: controls, `"`, `\\` and DEL.
const ESCAPE: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 0x20 {
        t[i] = true;
        i += 1;
    }
    t[b'"' as usize] = true;
    t[b'\\' as usize] = true;
    t[0x7f] = true;
    t
};

/// Whether any of the eight bytes of `w` needs escaping (SWAR: a byte below 0x20, `"`, `\\` or DEL).
#[inline]
fn word_needs_escape(w: u64) -> bool {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let zero_byte = |x: u64| x.wrapping_sub(LO) & !x & HI;
    let below_0x20 = w.wrapping_sub(LO * 0x20) & !w & HI;
    below_0x20 != 0
        || zero_byte(w ^ (LO * b'"' as u64)) != 0
        || zero_byte(w ^ (LO * b'\\' as u64)) != 0
        || zero_byte(w ^ (LO * 0x7f)) != 0
}

/// Appends `s` as a JSON string literal (quoted and escaped).
pub fn string(out: &mut String, s: &str) {
    out.push('"');
    let b = s.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < b.len() {
        // Most text needs no escape: skip it eight bytes at a time.
        if i + 8 <= b.len() {
            let w = u64::from_le_bytes(b[i..i + 8].try_into().expect("8 bytes"));
            if !word_needs_escape(w) {
                i += 8;
                continue;
            }
        }
        let c = b[i];
        if ESCAPE[c as usize] {
            let esc: &str = match c {
                b'"' => "\\\"",
                b'\\' => "\\\\",
                b'\n' => "\\n",
                b'\r' => "\\r",
                b'\t' => "\\t",
                _ => "",
            };
            out.push_str(&s[start..i]);
            if esc.is_empty() {
                let _ = write!(out, "\\u{:04x}", c);
            } else {
                out.push_str(esc);
            }
            start = i + 1;
        }
        i += 1;
    }
    out.push_str(&s[start..]);
    out.push('"');
}

/// Appends a float the way JSON wants it (finite; shortest round-trip form). Non-finite values become `null`.
pub fn float(out: &mut String, f: f64) {
    if f.is_finite() {
        let _ = write!(out, "{f}");
    } else {
        out.push_str("null");
    }
}

/// Appends an integer (without the formatting machinery: this runs several times per record).
pub fn int(out: &mut String, n: i64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    let mut v = n.unsigned_abs();
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    if n < 0 {
        out.push('-');
    }
    out.push_str(std::str::from_utf8(&buf[i..]).expect("digits"));
}

/// Writes `,"key":`: a member after the first (every record writes its first member literally).
#[inline]
pub fn key(out: &mut String, k: &str) {
    out.push_str(",\"");
    out.push_str(k);
    out.push_str("\":");
}

/// Writes `"key":"value"` or `"key":null`.
pub fn opt_str(out: &mut String, k: &str, v: Option<&str>) {
    key(out, k);
    match v {
        Some(s) => string(out, s),
        None => out.push_str("null"),
    }
}

/// Writes `"key":[...]` of strings.
pub fn str_array<S: AsRef<str>>(out: &mut String, k: &str, items: &[S]) {
    key(out, k);
    out.push('[');
    for (i, s) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        string(out, s.as_ref());
    }
    out.push(']');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers() {
        for n in [0i64, 7, -7, 1234567890, i64::MIN, i64::MAX] {
            let mut out = String::new();
            int(&mut out, n);
            assert_eq!(out, n.to_string());
        }
    }

    #[test]
    fn escapes_like_serde_json() {
        let long = format!(
            "{}\"{}\\{}",
            "x".repeat(17),
            "y".repeat(9),
            "\u{1}".repeat(3)
        );
        for s in [
            long.as_str(),
            "plain",
            "q\"b\\",
            "ctl\u{1}\u{1f}\n\r\t",
            "utf8 ✓ \u{fffd}",
            "\u{7f}",
        ] {
            let mut out = String::new();
            string(&mut out, s);
            let back: String = serde_json::from_str(&out).unwrap();
            assert_eq!(back, s);
        }
    }
}
