//! The texts of one message, kept back to back in one buffer: a message's sender, subject, recipients'
//! relays and responses are spans of it. Filling a field is one copy onto the end of the buffer, where a
//! `String` per field took an allocation (or a pooled buffer) for each; emitting and recycling a message
//! moves one buffer, not fifteen.

/// Where a text lies in its message's [`Texts`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    at: u32,
    len: u32,
}

impl Span {
    /// The bytes of the buffer it names.
    fn range(self) -> std::ops::Range<usize> {
        let at = self.at as usize;
        at..at + self.len as usize
    }
}

/// Superseded bytes that a message may hold before its texts are compacted: a message deferred for days
/// rewrites its recipients' responses at every retry.
const COMPACT_AFTER: usize = 4096;

/// Room a new buffer starts with: three messages in four need no more (their texts take 128 to 255 bytes
/// on the benchmark corpus), where growing from nothing took six reallocations, each a copy to new memory.
const FIRST_ROOM: usize = 256;

/// A message's texts. Spans stay valid until [`Texts::clear`] or a compaction, which rewrites them all.
#[derive(Debug, Clone, Default)]
pub struct Texts {
    buf: String,
    /// Bytes of the buffer that no span names any more.
    garbage: usize,
}

impl Texts {
    /// The text of `s`; empty if `s` is not of this buffer (never so for spans it gave).
    pub fn get(&self, s: Span) -> &str {
        self.buf.get(s.range()).unwrap_or_default()
    }

    /// The text of `s`, if set.
    pub fn opt(&self, s: Option<Span>) -> Option<&str> {
        s.map(|s| self.get(s))
    }

    /// The bytes of `s`: for comparisons, which need not find where characters start.
    fn bytes(&self, s: Span) -> &[u8] {
        self.buf.as_bytes().get(s.range()).unwrap_or_default()
    }

    /// Appends `v` and gives its span. A buffer past 4 GiB (which no message reaches: fields are read from
    /// a line's first 64 KiB, and superseded texts are compacted away) keeps `v` as empty text rather than
    /// fail.
    pub fn put(&mut self, v: &str) -> Span {
        let at = self.buf.len();
        match at.checked_add(v.len()) {
            Some(end) if end <= u32::MAX as usize => {
                self.buf.push_str(v);
                // Both fit 32 bits: their sum does.
                Span {
                    at: at as u32,
                    len: v.len() as u32,
                }
            }
            _ => Span::default(),
        }
    }

    /// Sets `slot` to `v` unless it is set already.
    pub fn set_if_none(&mut self, slot: &mut Option<Span>, v: Option<&str>) {
        if let (None, Some(v)) = (*slot, v) {
            *slot = Some(self.put(v));
        }
    }

    /// Sets `slot` to `v` (or unsets it). A text equal to the one it replaces is kept where it is: retried
    /// deliveries log the same relay and status again and again.
    #[inline(always)]
    pub fn assign(&mut self, slot: &mut Option<Span>, v: Option<&str>) {
        if let Some(old) = *slot {
            if v.is_some_and(|v| self.bytes(old) == v.as_bytes()) {
                return;
            }
            self.garbage += old.len as usize;
        }
        *slot = v.map(|v| self.put(v));
    }

    /// Whether superseded texts take enough room to be worth a compaction.
    pub fn wasteful(&self) -> bool {
        self.garbage > COMPACT_AFTER && 2 * self.garbage > self.buf.len()
    }

    /// An empty buffer with room for most messages' texts at once.
    pub fn with_room() -> Texts {
        Texts {
            buf: String::with_capacity(FIRST_ROOM),
            garbage: 0,
        }
    }

    /// Empties the buffer, keeping its allocation.
    pub fn clear(&mut self) {
        self.buf.clear();
        self.garbage = 0;
    }

    /// Bytes allocated.
    pub fn capacity(&self) -> usize {
        self.buf.capacity()
    }

    /// The texts of `spans` (each given to `f` in turn) copied into a new buffer without the superseded
    /// ones, each span rewritten to its new place.
    pub fn compact(&mut self, f: impl FnOnce(&mut dyn FnMut(&mut Span))) {
        let old = std::mem::take(self);
        self.buf.reserve(old.buf.len().saturating_sub(old.garbage));
        f(&mut |s: &mut Span| *s = self.put(old.get(*s)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_are_kept_back_to_back_and_read_by_span() {
        let mut t = Texts::default();
        let a = t.put("alice@example.com");
        let b = t.put("");
        let c = t.put("Grüße");
        assert_eq!(
            (t.get(a), t.get(b), t.get(c)),
            ("alice@example.com", "", "Grüße")
        );
        assert_eq!(t.opt(None), None);
    }

    #[test]
    fn an_equal_text_is_not_written_again_and_a_new_one_leaves_garbage() {
        let mut t = Texts::default();
        let mut slot = None;
        t.assign(&mut slot, Some("mx.example.com"));
        let first = slot;
        t.assign(&mut slot, Some("mx.example.com"));
        assert_eq!(slot, first);
        assert_eq!(t.garbage, 0);
        t.assign(&mut slot, Some("mx2.example.com"));
        assert_eq!(t.opt(slot), Some("mx2.example.com"));
        assert_eq!(t.garbage, "mx.example.com".len());
        t.assign(&mut slot, None);
        assert_eq!(slot, None);
        let mut kept = Some(t.put("kept"));
        t.set_if_none(&mut kept, Some("other"));
        assert_eq!(t.opt(kept), Some("kept"));
    }

    #[test]
    fn compaction_keeps_every_live_text_and_drops_the_superseded() {
        let mut t = Texts::default();
        let mut live = [None, None];
        for i in 0..1000 {
            t.assign(
                &mut live[0],
                Some(&format!("response number {i} of a deferred delivery")),
            );
        }
        t.assign(&mut live[1], Some("mx.example.com"));
        assert!(t.wasteful());
        let mut spans: Vec<Span> = live.iter().flatten().copied().collect();
        t.compact(|re| spans.iter_mut().for_each(re));
        assert!(!t.wasteful());
        assert_eq!(
            t.get(spans[0]),
            "response number 999 of a deferred delivery"
        );
        assert_eq!(t.get(spans[1]), "mx.example.com");
        assert_eq!(
            t.buf.len(),
            spans.iter().map(|s| s.len as usize).sum::<usize>()
        );
    }
}
