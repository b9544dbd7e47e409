//! The keys of recently removed messages, for the out-of-order grace: a bounded first-in first-out list of
//! (log time of the removal, key), with a counting filter over it.
//!
//! A key enters at every removal and leaves a few thousand removals later, but is looked up only when a
//! line names a queue id that is not open, which is rare. So entering and leaving must cost little and a
//! look-up may cost more. A hash table of the keys cost about a tenth of all correlation's time on the
//! benchmark corpus (a write into a table of thousands of keys at every removal, long out of the cache, and
//! sweeps of the keys that left the list). The filter costs one counter up at entry and one down at exit,
//! in a table of [`COUNTERS`] that stays in the cache; a look-up scans the list only when the key's counter
//! is above zero, and then scans the keys' fingerprints, sixteen at a time.
//!
//! At most a few thousand fingerprints are scanned, in about a microsecond. On a log of delivery and
//! `removed` lines only, where the first line of every message is looked up, correlation ran 1,333
//! instructions a line against the hash table's 1,145, in the same time.

use std::collections::VecDeque;
use std::hash::BuildHasher;

use super::{Key, REMOVED_KEEP};
use crate::hash::FxBuild;

/// Counters of the filter, a power of two: eight for every key of a full list ([`REMOVED_KEEP`]), so that a
/// look-up of a key not in the list meets a counter above zero, and scans the list, in under one look-up in
/// eight.
const COUNTERS: usize = (8 * REMOVED_KEEP).next_power_of_two();

// A `u16` counter counts more keys than the list ever holds (its bound, and one more before a prune).
const _: () = assert!(REMOVED_KEEP < u16::MAX as usize);

/// The recently removed keys, oldest first.
#[derive(Debug)]
pub(super) struct Removed {
    list: VecDeque<(i64, Key)>,
    /// The fingerprint of each key of `list`, in the same order: what a look-up scans, 4 bytes a key
    /// rather than a whole entry, and sixteen at a time.
    fingerprints: VecDeque<u32>,
    /// For each counter, how many keys in `list` hash to it.
    counts: Box<[u16]>,
}

impl Default for Removed {
    fn default() -> Removed {
        Removed {
            list: VecDeque::new(),
            fingerprints: VecDeque::new(),
            counts: vec![0; COUNTERS].into_boxed_slice(),
        }
    }
}

/// The high half of the key's hash, the better mixed of FxHash's.
fn fingerprint(key: &Key) -> u32 {
    (FxBuild::default().hash_one(key) >> 32) as u32
}

/// The counter of a fingerprint: its high bits.
fn counter(fingerprint: u32) -> usize {
    (fingerprint >> (32 - COUNTERS.trailing_zeros())) as usize
}

impl Removed {
    /// Enters the removal of `key` at log time `at`, after every earlier one.
    pub(super) fn push(&mut self, at: i64, key: Key) {
        let fp = fingerprint(&key);
        self.counts[counter(fp)] += 1;
        self.fingerprints.push_back(fp);
        self.list.push_back((at, key));
    }

    /// Forgets the removals logged before `oldest` and, oldest first, those beyond the `keep` latest.
    pub(super) fn prune(&mut self, oldest: i64, keep: usize) {
        while let Some((t, _)) = self.list.front() {
            if *t >= oldest && self.list.len() <= keep {
                break;
            }
            self.list.pop_front();
            if let Some(fp) = self.fingerprints.pop_front() {
                self.counts[counter(fp)] -= 1;
            }
        }
    }

    /// Whether `key` has a removal in the list: while any of its removals is, if it was removed twice.
    /// `&mut` only to lay the fingerprints out in one slice, which moves them when the ring has wrapped:
    /// rarely, as look-ups are rare.
    pub(super) fn contains(&mut self, key: &Key) -> bool {
        let fp = fingerprint(key);
        if self.counts[counter(fp)] == 0 {
            return false;
        }
        let list = &self.list;
        // A chunk is tested without a branch, which the compiler turns into a few vector compares; only a
        // chunk with a match is looked at key by key.
        let chunks = self.fingerprints.make_contiguous().chunks(16);
        chunks.enumerate().any(|(n, chunk)| {
            chunk.iter().fold(false, |any, &other| any | (other == fp))
                && (chunk.iter().enumerate())
                    .any(|(i, &other)| other == fp && list[16 * n + i].1 == *key)
        })
    }

    /// The removals, oldest first.
    pub(super) fn iter(&self) -> impl Iterator<Item = &(i64, Key)> {
        self.list.iter()
    }

    /// Number of removals held.
    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.list.len()
    }

    /// Forgets every removal.
    pub(super) fn clear(&mut self) {
        self.list.clear();
        self.fingerprints.clear();
        self.counts.fill(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(i: u32) -> Key {
        Key::new(&format!("{:010X}", 0x1000_0000 + i), Some("mx1"))
    }

    #[test]
    fn a_key_is_held_while_any_of_its_removals_is_in_the_list() {
        let mut r = Removed::default();
        r.push(0, key(1));
        r.push(0, key(2));
        r.push(5, key(1));
        assert!(r.contains(&key(1)) && r.contains(&key(2)));
        assert!(!r.contains(&key(3)));
        // The first removal of key 1 and that of key 2 go; key 1's second stays.
        r.prune(5, 10);
        assert_eq!(r.len(), 1);
        assert!(r.contains(&key(1)));
        assert!(!r.contains(&key(2)));
        // The bound forgets the oldest whatever its time.
        r.push(5, key(4));
        r.prune(0, 1);
        assert!(!r.contains(&key(1)) && r.contains(&key(4)));
    }

    #[test]
    fn look_ups_agree_with_the_list_and_the_counters_empty_with_it() {
        // More keys than counters, so that many share one: the filter passes them on to the list.
        let mut r = Removed::default();
        let n = 2 * COUNTERS as u32;
        for i in 0..n {
            r.push(i64::from(i), key(i));
            r.prune(i64::from(i) - 1000, 4096);
        }
        assert_eq!(r.len(), 1001);
        for i in (0..n).step_by(7) {
            let want = i >= n - 1001;
            assert_eq!(r.contains(&key(i)), want, "key {i}");
        }
        assert_eq!(
            r.counts.iter().map(|&c| usize::from(c)).sum::<usize>(),
            1001
        );
        r.prune(i64::MAX, 0);
        assert_eq!(r.len(), 0);
        assert!(
            r.counts.iter().all(|&c| c == 0),
            "a counter outlived its key"
        );
    }
}
