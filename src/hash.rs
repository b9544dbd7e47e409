//! A fast, non-cryptographic hasher for the engine's own maps (queue ids, model keys).
//!
//! The std SipHash resists hash flooding, which these maps do not need: their size is bounded by the
//! configuration and what overflows is evicted, so a flood costs time only within that bound. FxHash (the
//! rustc hasher) is several times faster on the short keys hashed here once per line.

use std::hash::{BuildHasherDefault, Hasher};

/// The FxHash function: a multiply-rotate over machine words.
#[derive(Debug, Default, Clone, Copy)]
pub struct FxHasher {
    hash: u64,
}

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(c.try_into().expect("8 bytes")));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut buf = [0u8; 8];
            buf[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(buf));
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(i as u64);
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.hash
    }
}

/// `HashMap<K, V, FxBuild>` uses [`FxHasher`].
pub type FxBuild = BuildHasherDefault<FxHasher>;
