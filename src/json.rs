//! A minimal JSON writer for the hot path: records are written straight into a `String`, key by key,
//! with no intermediate tree.

use std::fmt::Write as _;

/// Appends `s` as a JSON string literal (quoted and escaped).
pub fn string(out: &mut String, s: &str) {
    out.push('"');
    let b = s.as_bytes();
    let mut start = 0;
    for (i, &c) in b.iter().enumerate() {
        let esc: &str = match c {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0..=0x1f | 0x7f => "",
            _ => continue,
        };
        out.push_str(&s[start..i]);
        if esc.is_empty() {
            let _ = write!(out, "\\u{:04x}", c);
        } else {
            out.push_str(esc);
        }
        start = i + 1;
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

/// Appends an integer.
pub fn int(out: &mut String, n: i64) {
    let _ = write!(out, "{n}");
}

/// Writes `,"key":` (or `"key":` as the first member of an object that `out` just opened).
pub fn key(out: &mut String, k: &str) {
    if !out.ends_with('{') {
        out.push(',');
    }
    out.push('"');
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
    fn escapes_like_serde_json() {
        for s in [
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
