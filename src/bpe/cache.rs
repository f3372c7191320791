//! Word → ids, per worker: most words of real text repeat, so most never
//! reach the merge loop. Bounded: when full it starts again empty, which
//! keeps memory fixed and lets the cache follow a change of language.

use rustc_hash::FxHashMap;

/// Words longer than this are not kept (rare, and they would crowd out the
/// short ones).
const MAX_WORD: usize = 128;

pub struct WordCache {
    /// Word → (start, len) in `ids`.
    map: FxHashMap<Box<[u8]>, (u32, u32)>,
    ids: Vec<u32>,
    capacity: usize,
}

impl WordCache {
    pub fn new(capacity: usize) -> WordCache {
        WordCache {
            map: FxHashMap::default(),
            ids: Vec::new(),
            capacity,
        }
    }

    #[inline]
    pub fn get(&self, word: &[u8]) -> Option<&[u32]> {
        self.map
            .get(word)
            .map(|&(s, n)| &self.ids[s as usize..(s + n) as usize])
    }

    pub fn insert(&mut self, word: &[u8], ids: &[u32]) {
        if word.len() > MAX_WORD || self.capacity == 0 {
            return;
        }
        if self.map.len() >= self.capacity || self.ids.len() + ids.len() > u32::MAX as usize {
            self.map.clear();
            self.ids.clear();
        }
        let start = self.ids.len() as u32;
        self.ids.extend_from_slice(ids);
        self.map.insert(word.into(), (start, ids.len() as u32));
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.map.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_words_until_full_then_starts_again() {
        let mut c = WordCache::new(2);
        c.insert(b"ab", &[1, 2]);
        c.insert(b"c", &[3]);
        assert_eq!(c.get(b"ab"), Some(&[1, 2][..]));
        assert_eq!(c.get(b"c"), Some(&[3][..]));
        c.insert(b"d", &[4]);
        assert_eq!(c.len(), 1);
        assert_eq!(c.get(b"ab"), None);
        assert_eq!(c.get(b"d"), Some(&[4][..]));
        c.insert(&[b'x'; MAX_WORD + 1], &[5]);
        assert_eq!(c.len(), 1);
    }
}
