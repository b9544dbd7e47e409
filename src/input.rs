//! Input framing into lines: the one place that decides what a line is, so every front end agrees.
//!
//! A line ends at `\n`; a `\r` before it is dropped (CRLF files); the last line needs no newline. A line
//! longer than [`MAX_LINE`] is cut there and the rest of it skipped, with the cut reported on the record.

/// Longest line kept whole. Postfix itself logs at most a few kilobytes; anything longer is not a log line
/// but must still cost bounded memory.
pub const MAX_LINE: usize = 8 << 20;

/// Splits a stream, fed in chunks of any size, into lines.
#[derive(Debug, Default)]
pub struct LineSplitter {
    partial: Vec<u8>,
    /// Bytes dropped from the current line past [`MAX_LINE`].
    dropped: usize,
}

impl LineSplitter {
    /// A splitter with nothing buffered.
    pub fn new() -> Self {
        Self::default()
    }

    /// Feeds a chunk; calls `f(line, dropped_bytes)` for every line it completes.
    pub fn feed(&mut self, mut chunk: &[u8], mut f: impl FnMut(&[u8], usize)) {
        while let Some(nl) = find_newline(chunk) {
            let (head, tail) = (&chunk[..nl], &chunk[nl + 1..]);
            if self.partial.is_empty() && self.dropped == 0 {
                let (line, dropped) = cut(strip_cr(head));
                f(line, dropped);
            } else {
                self.push(head);
                f(strip_cr(&self.partial), self.dropped);
                self.partial.clear();
                self.dropped = 0;
            }
            chunk = tail;
        }
        self.push(chunk);
    }

    /// Ends the stream: the last line, if it had no newline.
    pub fn finish(&mut self, mut f: impl FnMut(&[u8], usize)) {
        if !self.partial.is_empty() || self.dropped > 0 {
            f(strip_cr(&self.partial), self.dropped);
        }
        self.partial.clear();
        self.dropped = 0;
    }

    fn push(&mut self, bytes: &[u8]) {
        let room = MAX_LINE.saturating_sub(self.partial.len());
        let take = room.min(bytes.len());
        self.partial.extend_from_slice(&bytes[..take]);
        self.dropped += bytes.len() - take;
    }
}

/// The offset of the first `\n`, sixteen bytes a step: the splitter looks at every input byte. The test of a
/// block is written so that LLVM makes it one vector compare (SSE2 natively, `simd128` in the components,
/// where eight bytes a step in words took twice the instructions); the block that holds a `\n` is then
/// searched in its two words.
fn find_newline(b: &[u8]) -> Option<usize> {
    let mut blocks = b.chunks_exact(16);
    for (n, block) in (&mut blocks).enumerate() {
        if block.iter().fold(0, |any, &c| any | u8::from(c == b'\n')) != 0 {
            return Some(n * 16 + first_newline_in(block));
        }
    }
    let rest = blocks.remainder();
    let at = b.len() - rest.len();
    rest.iter().position(|&c| c == b'\n').map(|p| at + p)
}

/// The offset of the first `\n` in a 16-byte block that holds one, a word at a time (SWAR: a byte that
/// equals `\n` becomes the lowest zero byte of the word, whose high bit the subtraction sets; bytes above
/// it may be marked falsely, never those below).
fn first_newline_in(block: &[u8]) -> usize {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let marks = |at: usize| {
        let w = u64::from_le_bytes(block[at..at + 8].try_into().expect("8 bytes"))
            ^ (LO * b'\n' as u64);
        w.wrapping_sub(LO) & !w & HI
    };
    match marks(0) {
        0 => 8 + (marks(8).trailing_zeros() / 8) as usize,
        m => (m.trailing_zeros() / 8) as usize,
    }
}

/// A whole line cut to [`MAX_LINE`], and how many bytes were cut off.
pub fn cut(line: &[u8]) -> (&[u8], usize) {
    if line.len() > MAX_LINE {
        (&line[..MAX_LINE], line.len() - MAX_LINE)
    } else {
        (line, 0)
    }
}

fn strip_cr(line: &[u8]) -> &[u8] {
    line.strip_suffix(b"\r").unwrap_or(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(chunks: &[&[u8]]) -> Vec<(Vec<u8>, usize)> {
        let mut s = LineSplitter::new();
        let mut out = Vec::new();
        for c in chunks {
            s.feed(c, |l, d| out.push((l.to_vec(), d)));
        }
        s.finish(|l, d| out.push((l.to_vec(), d)));
        out
    }

    #[test]
    fn lines_across_chunks() {
        let got = split(&[b"ab", b"c\r\n\nde", b"f"]);
        assert_eq!(
            got,
            vec![(b"abc".to_vec(), 0), (vec![], 0), (b"def".to_vec(), 0)]
        );
        assert_eq!(split(&[b"x\n"]).len(), 1);
        assert!(split(&[b""]).is_empty());
    }

    #[test]
    fn the_first_newline_is_found_at_every_place_among_bytes_that_look_like_one() {
        // Bytes one bit or one borrow away from `\n`, which a word-at-a-time test could take for it.
        let near = [0x0b, 0x09, 0x8a, 0x00, 0x01, 0xff, 0x0e, 0x2a];
        for len in 0..50 {
            let base: Vec<u8> = (0..len).map(|i| near[i % near.len()]).collect();
            assert_eq!(find_newline(&base), None, "none in {len} bytes");
            for first in 0..len {
                for second in [None, Some(first + 1), Some(first + 8), Some(len - 1)] {
                    let mut b = base.clone();
                    b[first] = b'\n';
                    if let Some(s) = second.filter(|&s| s > first && s < len) {
                        b[s] = b'\n';
                    }
                    assert_eq!(
                        find_newline(&b),
                        Some(first),
                        "{len} bytes, first at {first}"
                    );
                }
            }
        }
    }

    #[test]
    fn newline_search_agrees_with_a_plain_scan() {
        let text = b"0123456789abcdef\n\x80\x0a\xff\n0123456\n\n";
        for start in 0..text.len() {
            let s = &text[start..];
            assert_eq!(
                find_newline(s),
                s.iter().position(|&c| c == b'\n'),
                "from {start}"
            );
        }
    }

    #[test]
    fn long_lines_are_cut_not_lost() {
        let big = vec![b'a'; MAX_LINE + 10];
        let got = split(&[&big, b"\nnext\n"]);
        assert_eq!(got.len(), 2);
        assert_eq!((got[0].0.len(), got[0].1), (MAX_LINE, 10));
        // The same line whole inside one chunk is cut the same way.
        let mut one = big.clone();
        one.extend_from_slice(b"\nnext\n");
        let got = split(&[&one]);
        assert_eq!(got.len(), 2);
        assert_eq!((got[0].0.len(), got[0].1), (MAX_LINE, 10));
        assert_eq!(got[1].0, b"next");
    }
}
