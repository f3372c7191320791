//! Each token's summed input rows, remembered per thread.
//!
//! A document's hidden vector is the mean of its tokens' rows: the word's
//! own row and one row per character n-gram (lid.176: about ten per word).
//! Looking those up — hashing every n-gram, finding its bucket in the pruned
//! index, decoding its product-quantized row — was most of language ID's
//! time, and web text repeats the same few thousand words. So the sum of a
//! token's rows is computed once and kept in a direct-mapped table keyed by
//! the token's bytes; a document then costs one lookup and one vector
//! addition per token. Sums are added token by token instead of row by row,
//! which changes the last bits of the float sum only (the reference test
//! holds probabilities to 1e-4).

/// Most slots: 2^15 tokens; with lid.176's 16 columns about 2 MB of sums.
const MAX_SLOTS: usize = 1 << 15;
/// Fewest slots, the size a fresh scratch starts at.
const MIN_SLOTS: usize = 1 << 8;
/// The table never holds more than this many floats (4 MB), so a model with
/// wide rows gets fewer slots.
const MAX_FLOATS: usize = 1 << 20;

/// The cache of one thread.
#[derive(Debug, Default, Clone)]
pub struct TokenCache {
    /// Which model the sums belong to ([`super::Model`]'s id); 0 = none.
    model: u64,
    dim: usize,
    slots: Vec<Slot>,
    /// `slots.len() * dim` floats, slot `i` at `i * dim`.
    sums: Vec<f32>,
    /// Misses since the table last grew: a table that keeps missing grows
    /// (up to its cap), so one short prediction does not pay for a big one.
    misses: usize,
}

#[derive(Debug, Default, Clone)]
struct Slot {
    filled: bool,
    /// The token is a word (labels add no rows and no word-n-gram hash).
    word: bool,
    hash: u32,
    /// How many input rows the sum holds.
    rows: u32,
    key: Vec<u8>,
}

/// What the cache knows of a token.
pub struct Entry<'a> {
    pub word: bool,
    pub rows: u32,
    pub sum: &'a [f32],
}

impl TokenCache {
    /// Prepares the cache for a model with id `model` and `dim` columns; the
    /// sums of another model are forgotten.
    pub fn begin(&mut self, model: u64, dim: usize) {
        if self.model != model || self.dim != dim || self.slots.is_empty() {
            self.model = model;
            self.dim = dim;
            self.resize(MIN_SLOTS.min(self.max_slots()));
        }
    }

    /// The largest power of two within both caps.
    fn max_slots(&self) -> usize {
        let n = (MAX_FLOATS / self.dim.max(1)).clamp(1, MAX_SLOTS);
        1 << (usize::BITS - 1 - n.leading_zeros())
    }

    fn resize(&mut self, slots: usize) {
        let slots = slots.max(1).next_power_of_two();
        self.slots.clear();
        self.slots.resize(slots, Slot::default());
        self.sums.clear();
        self.sums.resize(slots * self.dim, 0.0);
        self.misses = 0;
    }

    #[inline]
    fn index(&self, hash: u32) -> usize {
        // Fibonacci hashing spreads FNV's low-entropy high bits.
        let bits = self.slots.len().trailing_zeros();
        if bits == 0 {
            return 0;
        }
        ((hash as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - bits)) as usize
    }

    /// The token's entry, if cached.
    #[inline]
    pub fn get(&self, hash: u32, token: &[u8]) -> Option<Entry<'_>> {
        let i = self.index(hash);
        let s = &self.slots[i];
        (s.filled && s.hash == hash && s.key == token).then(|| Entry {
            word: s.word,
            rows: s.rows,
            sum: &self.sums[i * self.dim..][..self.dim],
        })
    }

    /// Stores a token (replacing whatever shared its slot) and returns its
    /// zeroed sum for the caller to fill with `rows` rows.
    pub fn insert(&mut self, hash: u32, token: &[u8], word: bool, rows: u32) -> &mut [f32] {
        self.misses += 1;
        if self.misses > 4 * self.slots.len() && self.slots.len() < self.max_slots() {
            self.resize(self.slots.len() * 2);
        }
        let i = self.index(hash);
        let s = &mut self.slots[i];
        s.filled = true;
        s.word = word;
        s.hash = hash;
        s.rows = rows;
        s.key.clear();
        s.key.extend_from_slice(token);
        let sum = &mut self.sums[i * self.dim..][..self.dim];
        sum.fill(0.0);
        sum
    }
}

#[cfg(test)]
mod tests {
    use super::TokenCache;

    #[test]
    fn a_token_is_found_only_with_its_own_bytes_and_model() {
        let mut c = TokenCache::default();
        c.begin(1, 4);
        c.insert(7, b"talk", true, 3).copy_from_slice(&[1.0, 2.0, 3.0, 4.0]);
        let e = c.get(7, b"talk").unwrap();
        assert!(e.word && e.rows == 3 && e.sum == [1.0, 2.0, 3.0, 4.0]);
        // Same hash, other bytes: a miss, never the other token's sum.
        assert!(c.get(7, b"tale").is_none());
        c.begin(1, 4);
        assert!(c.get(7, b"talk").is_some());
        c.begin(2, 4);
        assert!(c.get(7, b"talk").is_none());
    }

    #[test]
    fn the_table_grows_while_it_misses_and_stops_at_its_cap() {
        let mut c = TokenCache::default();
        c.begin(1, 16);
        let first = c.slots.len();
        for i in 0..1_000_000u32 {
            let key = i.to_le_bytes();
            c.insert(i.wrapping_mul(2_654_435_761), &key, true, 1);
        }
        assert!(c.slots.len() > first);
        assert!(c.slots.len() <= super::MAX_SLOTS);
        assert!(c.sums.len() <= super::MAX_FLOATS);
    }
}
