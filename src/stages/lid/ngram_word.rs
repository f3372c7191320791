//! The words of a text as the n-gram model reads them (see
//! [`super::words`]), each lower-cased straight into a UTF-8 buffer from
//! which every feature is hashed in place.

use std::ops::Range;
use std::sync::OnceLock;

use super::{HASHED_CHARS, WORD_CHARS};

/// Room for a word: [`WORD_CHARS`] characters, the last of which may
/// lower-case to three, and the two padding spaces.
pub(super) const MAX_CHARS: usize = WORD_CHARS + 2 + 2;

/// One lower-cased word as UTF-8, laid out so that every feature can be
/// hashed straight from the buffer: a spare byte, a space, the word, a
/// space. The hash of a feature covers its kind byte followed by its text,
/// so the byte just before the feature is set to the kind for the hash and
/// restored after it.
pub(super) struct Word {
    bytes: [u8; 4 * MAX_CHARS + 1],
    /// Byte offset of padded character `j` (0 is the leading space); one
    /// more entry for the end of the trailing space.
    offs: [u16; MAX_CHARS + 1],
    /// Characters of the word, without the padding.
    chars: usize,
}

impl Word {
    pub(super) fn new() -> Self {
        let mut w = Word {
            bytes: [0; 4 * MAX_CHARS + 1],
            offs: [0; MAX_CHARS + 1],
            chars: 0,
        };
        w.clear();
        w
    }

    pub(super) fn clear(&mut self) {
        self.bytes[1] = b' ';
        self.offs[0] = 1;
        self.offs[1] = 2;
        self.chars = 0;
    }

    /// End of the word's bytes (start of the trailing space).
    pub(super) fn end(&self) -> usize {
        self.offs[self.chars + 1] as usize
    }

    pub(super) fn push(&mut self, c: char) {
        let at = self.end();
        let len = c.encode_utf8(&mut self.bytes[at..]).len();
        self.chars += 1;
        self.offs[self.chars + 1] = (at + len) as u16;
    }

    /// Drops trailing apostrophes and hyphens.
    pub(super) fn trim_end(&mut self) {
        while self.chars > 0 && matches!(self.bytes[self.end() - 1], b'\'' | b'-') {
            self.chars -= 1;
        }
    }

    /// Writes the trailing space (after the last [`Word::push`]).
    pub(super) fn finish(&mut self) {
        let at = self.end();
        self.bytes[at] = b' ';
        self.offs[self.chars + 2] = (at + 1) as u16;
    }

    /// The word (without padding).
    pub(super) fn word(&self) -> &str {
        // The buffer only ever receives whole characters from `encode_utf8`.
        std::str::from_utf8(&self.bytes[2..self.end()]).expect("a word is UTF-8")
    }

    /// Hash of `bytes[from..to]` preceded by `kind`.
    pub(super) fn hash_at(&mut self, kind: u8, from: usize, to: usize) -> u32 {
        let saved = self.bytes[from - 1];
        self.bytes[from - 1] = kind;
        let h = xxhash_rust::xxh3::xxh3_64(&self.bytes[from - 1..to]) as u32;
        self.bytes[from - 1] = saved;
        h
    }

    /// Hash of the whole word (kind 0; its first [`HASHED_CHARS`] characters).
    pub(super) fn word_hash(&mut self) -> u32 {
        let to = self.offs[1 + self.chars.min(HASHED_CHARS)] as usize;
        self.hash_at(0, 2, to)
    }

    /// Start positions (in padded characters) of the `n`-grams of the
    /// padded word; for `n` = 1 the padding spaces are left out.
    pub(super) fn windows(&self, n: usize) -> Range<usize> {
        if n == 1 {
            1..self.chars + 1
        } else {
            0..(self.chars + 3).saturating_sub(n)
        }
    }

    /// Hash of the `n`-gram that starts at padded character `j`.
    pub(super) fn gram_hash(&mut self, n: usize, j: usize) -> u32 {
        let (from, to) = (self.offs[j] as usize, self.offs[j + n] as usize);
        self.hash_at(n as u8, from, to)
    }
}

/// Per character below [`FAST_CHARS`]: bit 31 set when alphabetic, bit 30
/// set when its lower case is more than one character, else the lower case.
fn char_table() -> &'static [u32; FAST_CHARS] {
    static TABLE: OnceLock<Box<[u32; FAST_CHARS]>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut t = Box::new([0u32; FAST_CHARS]);
        for (i, slot) in t.iter_mut().enumerate() {
            let c = char::from_u32(i as u32).unwrap_or('\0');
            let mut lower = c.to_lowercase();
            let first = lower.next().unwrap_or(c);
            let multi = lower.next().is_some();
            *slot = first as u32 | (u32::from(c.is_alphabetic()) << 31) | (u32::from(multi) << 30);
        }
        t
    })
}

/// Characters covered by [`char_table`]: Latin-1, Latin Extended-A and -B,
/// IPA, Greek and Cyrillic.
const FAST_CHARS: usize = 0x530;
const ALPHA: u32 = 1 << 31;
const MULTI: u32 = 1 << 30;

/// Calls `f(word)` for every word of `text` (see [`words`]); the word is
/// finished (padded) when `f` sees it.
pub(super) fn scan_words(text: &str, mut f: impl FnMut(&mut Word)) {
    let mut scanner = Scanner::new(text);
    let mut word = Word::new();
    while scanner.next_into(&mut word) {
        f(&mut word);
    }
}

/// Reads the words of a text one at a time (see [`words`]).
pub(super) struct Scanner<'t> {
    chars: std::str::Chars<'t>,
    table: &'static [u32; FAST_CHARS],
}

impl<'t> Scanner<'t> {
    pub(super) fn new(text: &'t str) -> Self {
        Scanner {
            chars: text.chars(),
            table: char_table(),
        }
    }

    /// Reads the next word into `word` (finished), or returns false at the
    /// end of the text.
    pub(super) fn next_into(&mut self, word: &mut Word) -> bool {
        word.clear();
        for c in self.chars.by_ref() {
            let c = if c == '’' || c == 'ʼ' { '\'' } else { c };
            let letter = if c.is_ascii() {
                if c.is_ascii_alphabetic() || ((c == '\'' || c == '-') && word.chars > 0) {
                    if word.chars < WORD_CHARS {
                        word.push(c.to_ascii_lowercase());
                    }
                    true
                } else {
                    false
                }
            } else if (c as usize) < FAST_CHARS {
                let t = self.table[c as usize];
                if t & ALPHA != 0 && word.chars < WORD_CHARS {
                    match char::from_u32(t & !(ALPHA | MULTI)) {
                        Some(l) if t & MULTI == 0 => word.push(l),
                        _ => c.to_lowercase().for_each(|l| word.push(l)),
                    }
                }
                t & ALPHA != 0
            } else if c.is_alphabetic() {
                if word.chars < WORD_CHARS {
                    c.to_lowercase().for_each(|l| word.push(l));
                }
                true
            } else {
                false
            };
            if !letter {
                word.trim_end();
                if word.chars > 0 {
                    word.finish();
                    return true;
                }
                word.clear();
            }
        }
        word.trim_end();
        if word.chars > 0 {
            word.finish();
            return true;
        }
        false
    }
}
