//! A minimal JSON writer for the hot path: records are written straight into a byte buffer, key by key,
//! with no intermediate tree. Everything written is whole `str`s or ASCII, so the buffer holds UTF-8.
//!
//! The buffer is a `Vec<u8>` rather than a `String` so that a short string can be copied as two words (see
//! [`push`]) without `unsafe`.

use std::io::Write as _;

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
#[inline(always)]
fn word_needs_escape(w: u64) -> bool {
    escape_bits(w) != 0
}

/// Non-zero when any byte of `w` needs escaping. Each test sets the high bit of a byte below 0x80 that it
/// matches; a carry or borrow from a lower byte can set another one only above a match (or above a byte
/// 0xFF, which UTF-8 never has), so the result is exact for "any byte", not for which one. Every test is
/// masked by the same `!w & HI` (the quote, backslash and DEL are all below 0x80), and the tests are ORed
/// without branches so that several words cost one branch.
#[inline(always)]
fn escape_bits(w: u64) -> u64 {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let below_0x20 = w.wrapping_sub(LO * 0x20);
    let quote = (w ^ (LO * b'"' as u64)).wrapping_sub(LO);
    let backslash = (w ^ (LO * b'\\' as u64)).wrapping_sub(LO);
    // DEL (0x7F) is the one byte below 0x80 that a 1 added carries into the high bit.
    let del = w.wrapping_add(LO);
    (below_0x20 | quote | backslash | del) & !w & HI
}

/// Whether any byte of `b` needs escaping. Reads whole words, overlapping at the end rather than falling back
/// to a byte loop: most strings written are short (host names, addresses) and need no escape at all.
#[inline]
fn needs_escape(b: &[u8]) -> bool {
    let word = |i: usize| u64::from_le_bytes(b[i..i + 8].try_into().expect("8 bytes"));
    let half = |i: usize| u64::from(u32::from_le_bytes(b[i..i + 4].try_into().expect("4 bytes")));
    let n = b.len();
    if n >= 16 {
        let mut i = 0;
        while i + 16 <= n {
            if escape_bits(word(i)) | escape_bits(word(i + 8)) != 0 {
                return true;
            }
            i += 16;
        }
        i < n && escape_bits(word(n - 16)) | escape_bits(word(n - 8)) != 0
    } else if n >= 8 {
        escape_bits(word(0)) | escape_bits(word(n - 8)) != 0
    } else if n >= 4 {
        escape_bits(half(0) | half(n - 4) << 32) != 0
    } else {
        b.iter().any(|&c| ESCAPE[c as usize])
    }
}

/// Appends `s`. In WebAssembly a copy of variable length is a call into the host (`memory.copy`); most
/// strings written are short, and one of 4 to 16 bytes is made here of two overlapping copies of constant
/// length, each a load and a store: on the bench corpus the component ran 6.3% fewer instructions (9,883 a
/// line against 10,551), and took about 6% less CPU in alternating runs. (A `reserve` before the two copies,
/// which reserve for themselves, cost 2.7% of the instructions.)
#[inline(always)]
pub fn push(out: &mut Vec<u8>, s: &str) {
    let b = s.as_bytes();
    match b.len() {
        8..=16 => push_overlapping::<8>(out, b),
        4..=7 => push_overlapping::<4>(out, b),
        _ => out.extend_from_slice(b),
    }
}

/// Appends `b` (of `W` to `2 * W` bytes) as its first `W` bytes, then its last `W` written over the first
/// from `n - W` on (the same bytes where the two overlap).
#[inline(always)]
fn push_overlapping<const W: usize>(out: &mut Vec<u8>, b: &[u8]) {
    let (n, at) = (b.len(), out.len());
    out.extend_from_slice(&b[..W]);
    out.truncate(at + n - W);
    out.extend_from_slice(&b[n - W..]);
}

/// Appends `s` as a JSON string literal (quoted and escaped).
// Inlined, with the escaping out of line: the call itself cost a good part of writing a short value. The
// three pushes are [`plain`]'s, written again on purpose: with `string_was_plain(out, s)` the component ran
// 1% more instructions, with `plain(out, s)` or a helper shared with `plain` (even `#[inline(always)]`)
// 2.9% more (9,707 a line against 9,436), LLVM inlining differently (the native build ran the same
// instructions with these two).
#[inline]
pub fn string(out: &mut Vec<u8>, s: &str) {
    if needs_escape(s.as_bytes()) {
        return escaped(out, s);
    }
    out.push(b'"');
    push(out, s);
    out.push(b'"');
}

/// [`string`], saying whether `s` needed no escaping (then every slice of it needs none either).
#[inline]
pub fn string_was_plain(out: &mut Vec<u8>, s: &str) -> bool {
    if needs_escape(s.as_bytes()) {
        escaped(out, s);
        return false;
    }
    plain(out, s);
    true
}

/// Appends `s` quoted without looking for bytes to escape: for text known to have none (the engine's own
/// names, or a slice of text that [`string_was_plain`] found plain).
#[inline]
pub fn plain(out: &mut Vec<u8>, s: &str) {
    debug_assert!(!needs_escape(s.as_bytes()), "{s:?} needs escaping");
    out.push(b'"');
    push(out, s);
    out.push(b'"');
}

/// [`string`] of text that has something to escape.
#[cold]
#[inline(never)]
fn escaped(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
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
            let esc: &[u8] = match c {
                b'"' => b"\\\"",
                b'\\' => b"\\\\",
                b'\n' => b"\\n",
                b'\r' => b"\\r",
                b'\t' => b"\\t",
                _ => b"",
            };
            out.extend_from_slice(&b[start..i]);
            if esc.is_empty() {
                let _ = write!(out, "\\u{:04x}", c);
            } else {
                out.extend_from_slice(esc);
            }
            start = i + 1;
        }
        i += 1;
    }
    out.extend_from_slice(&b[start..]);
    out.push(b'"');
}

/// Appends a float the way JSON wants it (finite; shortest round-trip form). Non-finite values become `null`.
pub fn float(out: &mut Vec<u8>, f: f64) {
    if !f.is_finite() {
        out.extend_from_slice(b"null");
        return;
    }
    // Postfix logs delays with at most three decimals. Such a value is exactly the double nearest n/1000, and
    // no other decimal of at most three decimals lies that near below a million, so its shortest round-trip
    // form is those digits, trailing zeros dropped: what `{}` prints, without the formatting machinery.
    let n = (f * 1000.0).round();
    if f.is_sign_positive() && f < 1e6 && n / 1000.0 == f {
        let n = n as i64;
        int(out, n / 1000);
        let mut frac = n % 1000;
        if frac != 0 {
            out.push(b'.');
            let mut digits = 3;
            while frac % 10 == 0 {
                frac /= 10;
                digits -= 1;
            }
            let mut buf = [b'0'; 3];
            for d in buf[..digits].iter_mut().rev() {
                *d = b'0' + (frac % 10) as u8;
                frac /= 10;
            }
            out.extend_from_slice(&buf[..digits]);
        }
        return;
    }
    let _ = write!(out, "{f}");
}

/// Appends an integer (without the formatting machinery: this runs several times per record).
pub fn int(out: &mut Vec<u8>, n: i64) {
    // Nearly every value (ports, sizes, process ids, counts) fits 32 bits, where division by a constant is a
    // multiplication (in WebAssembly too, unlike for 64 bits).
    let Ok(v) = u32::try_from(n.unsigned_abs()) else {
        return big_int(out, n);
    };
    if n < 0 {
        out.push(b'-');
    }
    if v < 1_000 {
        leading_digits(out, v);
    } else if v < 1_000_000 {
        leading_digits(out, v / 1_000);
        push_digits3(out, v % 1_000);
    } else if v < 1_000_000_000 {
        leading_digits(out, v / 1_000_000);
        push_digits3(out, v / 1_000 % 1_000);
        push_digits3(out, v % 1_000);
    } else {
        leading_digits(out, v / 1_000_000_000);
        push_digits3(out, v / 1_000_000 % 1_000);
        push_digits3(out, v / 1_000 % 1_000);
        push_digits3(out, v % 1_000);
    }
}

/// [`int`] of a value beyond 32 bits.
#[cold]
#[inline(never)]
fn big_int(out: &mut Vec<u8>, n: i64) {
    let _ = write!(out, "{n}");
}

/// Three ASCII digits of each number below 1000, `000` to `999`.
const DIGITS3: [u8; 3000] = {
    let mut t = [0u8; 3000];
    let mut i = 0;
    while i < 1000 {
        t[3 * i] = b'0' + (i / 100) as u8;
        t[3 * i + 1] = b'0' + (i / 10 % 10) as u8;
        t[3 * i + 2] = b'0' + (i % 10) as u8;
        i += 1;
    }
    t
};

/// Appends the three digits of `g` (below 1000), leading zeros included.
// Slices of constant length: each copy is a store or two, not a call (in WebAssembly, a call to the host).
#[inline]
pub(crate) fn push_digits3(out: &mut Vec<u8>, g: u32) {
    let i = g as usize * 3;
    if let Some(s) = DIGITS3.get(i..i + 3) {
        out.extend_from_slice(s);
    }
}

/// Appends `g` (below 1000) without leading zeros.
#[inline]
fn leading_digits(out: &mut Vec<u8>, g: u32) {
    let i = g as usize * 3;
    if g >= 100 {
        push_digits3(out, g);
    } else if g >= 10 {
        if let Some(s) = DIGITS3.get(i + 1..i + 3) {
            out.extend_from_slice(s);
        }
    } else {
        out.push(b'0' + g as u8);
    }
}

/// Writes `,"key":`: a member after the first (every record writes its first member literally).
// Always inlined: `k` is nearly always a literal, and its copy then compiles to a few stores, not a call.
#[inline(always)]
pub fn key(out: &mut Vec<u8>, k: &str) {
    out.extend_from_slice(b",\"");
    out.extend_from_slice(k.as_bytes());
    out.extend_from_slice(b"\":");
}

/// Writes `"value"` or `null`.
#[inline]
pub fn opt_string(out: &mut Vec<u8>, v: Option<&str>) {
    match v {
        Some(s) => string(out, s),
        None => out.extend_from_slice(b"null"),
    }
}

/// Writes `"key":[...]` of strings.
pub fn str_array<S: AsRef<str>>(out: &mut Vec<u8>, k: &str, items: impl IntoIterator<Item = S>) {
    key(out, k);
    out.push(b'[');
    for (i, s) in items.into_iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        string(out, s.as_ref());
    }
    out.push(b']');
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `write` appends to an empty buffer, as text.
    fn text(write: impl FnOnce(&mut Vec<u8>)) -> String {
        let mut out = Vec::new();
        write(&mut out);
        String::from_utf8(out).expect("the writer writes UTF-8")
    }

    #[test]
    fn push_appends_every_length_and_character_exactly() {
        // The short copies cut the text at fixed offsets, through characters too: each must still append
        // exactly the text, after whatever the buffer held.
        for len in 0..40 {
            for at in 0..=len {
                for wide in ["é", "✓", "𝄞"] {
                    let s = format!("{}{wide}{}", "a".repeat(at), "b".repeat(len - at));
                    let out = text(|o| {
                        o.extend_from_slice(b"head ");
                        push(o, &s);
                    });
                    assert_eq!(out, format!("head {s}"));
                }
            }
        }
    }

    #[test]
    fn integers() {
        let u32_max = i64::from(u32::MAX);
        let mut values = vec![
            0i64,
            7,
            -7,
            1234567890,
            i64::MIN,
            i64::MAX,
            u32_max,
            u32_max + 1,
        ];
        values.extend([
            -u32_max,
            -u32_max - 1,
            i64::MIN + 1,
            4_000_000_000,
            999_999_999_999,
        ]);
        // Every number of digits, at its edges and with zeros inside.
        let mut p = 1i64;
        for _ in 0..19 {
            values.extend([p - 1, p, p + 1, 2 * p - 1, 3 * p + 7, -p, -(p - 1)]);
            p = p.saturating_mul(10);
        }
        values.extend(-1000..=1000);
        values.extend((0..200).map(|i| 1_000_003 * i));
        for n in values {
            assert_eq!(text(|o| int(o, n)), n.to_string());
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
            let out = text(|o| string(o, s));
            let back: String = serde_json::from_str(&out).unwrap();
            assert_eq!(back, s);
        }
    }

    #[test]
    fn finds_an_escape_at_any_offset_of_any_length() {
        // The fast test reads overlapping words: a byte to escape must be seen wherever it sits.
        for len in 0..40 {
            for at in 0..len {
                for bad in [b'"', b'\\', b'\n', 0x01, 0x1f, 0x7f] {
                    let mut b = vec![b'a'; len];
                    b[at] = bad;
                    let s = String::from_utf8(b).unwrap();
                    let out = text(|o| string(o, &s));
                    let back: String = serde_json::from_str(&out).unwrap();
                    assert_eq!(back, s);
                    // serde_json leaves DEL raw; this writer escapes it like the other controls.
                    assert!(!out.bytes().any(|c| c < 0x20 || c == 0x7f), "{out:?}");
                }
            }
        }
    }

    #[test]
    fn the_word_test_is_exact_for_any_two_bytes() {
        // Every pair of byte values at every pair of places in a word of plain text: the word needs escaping
        // exactly when one of them does (a byte 0xFF, never in UTF-8, may only add a false alarm).
        for i in 0..8 {
            for j in i + 1..8 {
                for b1 in 0..=255u8 {
                    for b2 in 0..=255u8 {
                        let mut w = [b'a'; 8];
                        w[i] = b1;
                        w[j] = b2;
                        let found = escape_bits(u64::from_le_bytes(w)) != 0;
                        let want = ESCAPE[b1 as usize] || ESCAPE[b2 as usize];
                        if b1 == 0xff || b2 == 0xff {
                            assert!(found || !want, "{w:?}");
                        } else {
                            assert_eq!(found, want, "{w:?}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn floats_print_as_display_does() {
        // The fast path for up to three decimals must agree with `{}` wherever it applies, and leave the rest.
        let mut values: Vec<f64> = (0..200_000).map(|n| n as f64 / 1000.0).collect();
        values.extend([
            0.1 + 0.2,
            1e-7,
            123456.789,
            999_999.999,
            1e6,
            1e300,
            -0.0,
            -1.5,
            0.0005,
            2.675,
        ]);
        values.extend((1..2000).map(|n| n as f64 * 0.37));
        for f in values {
            assert_eq!(text(|o| float(o, f)), format!("{f}"), "{f:?}");
        }
    }
}
