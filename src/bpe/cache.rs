//! Word → ids, per worker: most words of real text repeat, so most never
//! reach the merge loop. Bounded: when full it starts again empty, which
//! keeps memory fixed and lets the cache follow a change of language.
//!
//! Words of up to 15 bytes (nearly all) are kept packed in the table's own
//! slots, with up to 3 ids beside them: no allocation per word, and a
//! lookup reads one slot rather than a slot, a boxed key and the ids. The
//! lookup's cache miss is still most of the fast path's time (perf).

use rustc_hash::FxHashMap;

/// Words longer than this are not kept (rare, and they would crowd out the
/// short ones).
const MAX_WORD: usize = 128;

/// Ids of one word: inline when few, else a range of the arena.
#[derive(Clone, Copy)]
enum Ids {
    Inline(u8, [u32; 3]),
    Arena(u32, u32),
}

pub struct WordCache {
    /// Words of at most 15 bytes, packed with their length.
    short: FxHashMap<u128, Ids>,
    long: FxHashMap<Box<[u8]>, Ids>,
    arena: Vec<u32>,
    capacity: usize,
}

/// The word's bytes and length in one integer, if it fits.
#[inline]
fn pack(word: &[u8]) -> Option<u128> {
    if word.len() > 15 {
        return None;
    }
    let mut b = [0u8; 16];
    b[..word.len()].copy_from_slice(word);
    b[15] = word.len() as u8;
    Some(u128::from_le_bytes(b))
}

impl WordCache {
    pub fn new(capacity: usize) -> WordCache {
        WordCache {
            short: FxHashMap::default(),
            long: FxHashMap::default(),
            arena: Vec::new(),
            capacity,
        }
    }

    #[inline]
    pub fn get(&self, word: &[u8]) -> Option<&[u32]> {
        let ids = match pack(word) {
            Some(k) => self.short.get(&k),
            None => self.long.get(word),
        }?;
        Some(match ids {
            Ids::Inline(n, a) => &a[..*n as usize],
            Ids::Arena(s, n) => &self.arena[*s as usize..(*s + *n) as usize],
        })
    }

    pub fn insert(&mut self, word: &[u8], ids: &[u32]) {
        if word.len() > MAX_WORD || self.capacity == 0 {
            return;
        }
        if self.short.len() + self.long.len() >= self.capacity || self.arena.len() + ids.len() > u32::MAX as usize {
            self.short.clear();
            self.long.clear();
            self.arena.clear();
        }
        let v = if ids.len() <= 3 {
            let mut a = [0u32; 3];
            a[..ids.len()].copy_from_slice(ids);
            Ids::Inline(ids.len() as u8, a)
        } else {
            let start = self.arena.len() as u32;
            self.arena.extend_from_slice(ids);
            Ids::Arena(start, ids.len() as u32)
        };
        match pack(word) {
            Some(k) => self.short.insert(k, v),
            None => self.long.insert(word.into(), v),
        };
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.short.len() + self.long.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_words_until_full_then_starts_again() {
        let mut c = WordCache::new(3);
        c.insert(b"ab", &[1, 2]);
        c.insert(b"c", &[3]);
        let long = [b'y'; 20];
        c.insert(&long, &[6, 7, 8, 9]);
        assert_eq!(c.get(b"ab"), Some(&[1, 2][..]));
        assert_eq!(c.get(b"c"), Some(&[3][..]));
        assert_eq!(c.get(&long), Some(&[6, 7, 8, 9][..]));
        // "ab" and "ab\0" pack apart (the length is part of the key)
        assert_eq!(c.get(b"ab\0"), None);
        assert_eq!(c.get(b""), None);
        c.insert(b"d", &[4]);
        assert_eq!(c.len(), 1);
        assert_eq!(c.get(b"ab"), None);
        assert_eq!(c.get(b"d"), Some(&[4][..]));
        c.insert(&[b'x'; MAX_WORD + 1], &[5]);
        assert_eq!(c.len(), 1);
    }
}
