//! Word n-gram hashes over normalised text, the same for benchmark items
//! and documents: each line is normalised as `minhash_dedup` normalises text
//! (`text::simplify`: lowercase, digits, punctuation, diacritics), its words
//! are hashed, and n consecutive word hashes combine into one 64-bit n-gram
//! hash by a rolling polynomial, so a document's n-grams cost O(1) each
//! whatever n is. Lines are kept per word so `remove` can cut the lines a
//! match touches; n-grams run across line breaks, so text split over lines
//! still matches. Words of one character after normalisation are skipped on
//! both sides: choice and prompt labels (`A.`, `(b)`, `Q:`, `1)` — numbers
//! are `0`) stand between the parts of a printed item and would otherwise
//! break every gram across them.

use xxhash_rust::xxh3::xxh3_64;

/// Multiplier of the rolling polynomial (odd, so multiplication mod 2^64 is
/// a bijection).
const BASE: u64 = 0x9E37_79B9_7F4A_7C15;

/// The words of a text as hashes, with the line each word is on.
#[derive(Default)]
pub struct Words {
    pub hashes: Vec<u64>,
    pub lines: Vec<u32>,
    norm: String,
}

impl Words {
    /// Replaces the content with the words of `text`.
    pub fn read(&mut self, text: &str) {
        self.hashes.clear();
        self.lines.clear();
        for (i, line) in text.split('\n').enumerate() {
            crate::text::simplify::simplify(line, &mut self.norm);
            for w in self.norm.split(' ').filter(|w| w.chars().nth(1).is_some()) {
                self.hashes.push(xxh3_64(w.as_bytes()));
                self.lines.push(i as u32);
            }
        }
    }

    pub fn len(&self) -> usize {
        self.hashes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.hashes.is_empty()
    }
}

/// Mixes the polynomial value with the gram length (splitmix64's
/// finaliser), so grams of different lengths never share a value by
/// construction and the bits are spread for the index's buckets.
#[inline]
fn finish(h: u64, len: usize) -> u64 {
    let mut z = h ^ (len as u64).wrapping_mul(0xD6E8_FEB8_6659_FD93);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Calls `each(position, hash)` for every gram of `len` consecutive words.
pub fn for_each_gram(words: &[u64], len: usize, mut each: impl FnMut(usize, u64)) {
    if len == 0 || words.len() < len {
        return;
    }
    let top = (1..len).fold(1u64, |p, _| p.wrapping_mul(BASE));
    let mut h = words[..len].iter().fold(0u64, |h, &w| h.wrapping_mul(BASE).wrapping_add(w));
    each(0, finish(h, len));
    for i in 1..=words.len() - len {
        h = h
            .wrapping_sub(words[i - 1].wrapping_mul(top))
            .wrapping_mul(BASE)
            .wrapping_add(words[i + len - 1]);
        each(i, finish(h, len));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grams(text: &str, n: usize) -> Vec<u64> {
        let mut w = Words::default();
        w.read(text);
        let mut out = Vec::new();
        for_each_gram(&w.hashes, n, |_, h| out.push(h));
        out
    }

    #[test]
    fn rolling_equals_direct() {
        let text = "one two three four five six seven eight";
        let all = grams(text, 3);
        assert_eq!(all.len(), 6);
        assert_eq!(all[4], grams("five six seven", 3)[0]);
    }

    #[test]
    fn case_punctuation_diacritics_and_line_breaks_do_not_matter() {
        assert_eq!(grams("Ça, c'est: l'été!", 3), grams("ca c EST\nl ete", 3));
    }

    #[test]
    fn lines_are_kept_per_word() {
        let mut w = Words::default();
        w.read("ab c d\n\nef");
        assert_eq!(w.lines, [0, 2], "one-letter words are skipped");
    }
}
