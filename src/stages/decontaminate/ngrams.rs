//! Word n-gram hashes over normalised text, the same for benchmark items
//! and documents: each line is normalised as `minhash_dedup` normalises text
//! (`text::simplify`: lowercase, digits, punctuation, diacritics), its words
//! are hashed, and n consecutive word hashes combine into one 64-bit n-gram
//! hash by a rolling polynomial, so a document's n-grams cost O(1) each
//! whatever n is. Lines are kept per word so `remove` can cut the lines a
//! match touches; n-grams run across line breaks, so text split over lines
//! still matches. Choice and prompt labels (`A.`, `(b)`, `Q:`, `1)`: one
//! letter or digit followed by `.`, `)`, `:` or `]` and a space or line end)
//! are skipped on both sides: they stand between the parts of a printed item
//! and would otherwise break every gram across them. Other one-letter words
//! are kept — `a`, `i`, `v`, `z`, `å`, `e` carry meaning in many EU
//! languages (Italian `il modificatore a` and `il modificatore b` are
//! different options, not one).

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
    unlabelled: String,
}

impl Words {
    /// Replaces the content with the words of `text`.
    pub fn read(&mut self, text: &str) {
        self.hashes.clear();
        self.lines.clear();
        for (i, line) in text.split('\n').enumerate() {
            let line = if without_labels(line, &mut self.unlabelled) {
                self.unlabelled.as_str()
            } else {
                line
            };
            crate::text::simplify::simplify(line, &mut self.norm);
            for w in self.norm.split(' ').filter(|w| !w.is_empty()) {
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

/// Writes `line` with its choice and prompt labels blanked into `out` and
/// returns true, or returns false when the line has none (the common case,
/// no copy). A label is one letter or digit, at the line start or after a
/// space or opening bracket, followed by `.`, `)`, `:` or `]` and then a
/// space or the line end.
fn without_labels(line: &str, out: &mut String) -> bool {
    let bytes = line.as_bytes();
    let mut found = false;
    let mut prev: Option<char> = None;
    for (i, c) in line.char_indices() {
        let opens = prev.is_none_or(|p| p.is_whitespace() || p == '(' || p == '[');
        let end = i + c.len_utf8();
        if opens
            && c.is_alphanumeric()
            && matches!(bytes.get(end), Some(b'.' | b')' | b':' | b']'))
            && bytes.get(end + 1).is_none_or(|b| b.is_ascii_whitespace())
        {
            if !found {
                out.clear();
                found = true;
            }
            out.push_str(&line[out.len()..i]);
            out.extend(std::iter::repeat_n(' ', c.len_utf8()));
        }
        prev = Some(c);
    }
    if found {
        out.push_str(&line[out.len()..]);
    }
    found
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
        assert_eq!(w.lines, [0, 0, 0, 2]);
    }

    #[test]
    fn labels_are_skipped_and_one_letter_words_are_not() {
        let printed = "Quale opzione?\nA. il modificatore a\n(b) il modificatore b\nQ: Ἀ. x 1) y\nAnswer: B";
        assert_eq!(
            grams(printed, 1),
            grams("Quale opzione il modificatore a il modificatore b x y answer b", 1)
        );
        assert_ne!(grams("il modificatore a", 3), grams("il modificatore b", 3));
        assert_eq!(grams("v. 2. Ř: end", 1), grams("end", 1));
    }
}
