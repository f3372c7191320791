//! The character classes the split patterns use (`\p{L}`, `\p{N}`, `\s`),
//! taken from `regex-syntax`: the same tables, of the same Unicode version,
//! that the `tokenizers` crate's regex engine (fancy-regex over `regex`)
//! matches with, so the hand-written splitter cannot drift from it when
//! Unicode adds letters.

use regex_syntax::hir::{Class, HirKind};

/// Class of one character; the three named ones are disjoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Cls {
    /// Anything else (punctuation, symbols, marks, controls that are not
    /// white space, …).
    Other = 0,
    /// `\p{L}`.
    Letter = 1,
    /// `\p{N}`.
    Number = 2,
    /// `\s` (Unicode `White_Space`).
    Space = 3,
}

/// Code points per block of the two-level table.
const BLOCK: usize = 128;
const BLOCKS: usize = 0x11_0000 / BLOCK;

/// A two-level lookup table: block index, then the deduplicated blocks.
pub struct Classes {
    ascii: [Cls; 128],
    index: Vec<u16>,
    blocks: Vec<[Cls; BLOCK]>,
}

/// The code point ranges of a one-class regex such as `\p{L}`.
pub(crate) fn ranges(pattern: &str) -> Vec<(char, char)> {
    let hir = regex_syntax::ParserBuilder::new()
        .build()
        .parse(pattern)
        .expect("built-in character class parses");
    match hir.kind() {
        HirKind::Class(Class::Unicode(c)) => c.ranges().iter().map(|r| (r.start(), r.end())).collect(),
        other => unreachable!("{pattern} is a Unicode class, not {other:?}"),
    }
}

impl Classes {
    pub fn new() -> Classes {
        let mut all = vec![Cls::Other; 0x11_0000];
        for (pattern, cls) in [(r"\p{L}", Cls::Letter), (r"\p{N}", Cls::Number), (r"\s", Cls::Space)] {
            for (a, b) in ranges(pattern) {
                all[a as usize..=b as usize].fill(cls);
            }
        }
        let mut ascii = [Cls::Other; 128];
        ascii.copy_from_slice(&all[..128]);
        let mut seen: rustc_hash::FxHashMap<[Cls; BLOCK], u16> = Default::default();
        let mut blocks = Vec::new();
        let index = (0..BLOCKS)
            .map(|b| {
                let mut block = [Cls::Other; BLOCK];
                block.copy_from_slice(&all[b * BLOCK..(b + 1) * BLOCK]);
                *seen.entry(block).or_insert_with(|| {
                    blocks.push(block);
                    (blocks.len() - 1) as u16
                })
            })
            .collect();
        Classes { ascii, index, blocks }
    }

    #[inline]
    pub fn of(&self, c: char) -> Cls {
        let c = c as usize;
        if c < 128 {
            self.ascii[c]
        } else {
            self.blocks[self.index[c / BLOCK] as usize][c % BLOCK]
        }
    }
}

impl Default for Classes {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_agree_with_the_regex_engine() {
        let t = Classes::new();
        let (l, n, s) = (
            regex::Regex::new(r"^\p{L}$").unwrap(),
            regex::Regex::new(r"^\p{N}$").unwrap(),
            regex::Regex::new(r"^\s$").unwrap(),
        );
        for c in (0..0x11_0000u32).step_by(7).filter_map(char::from_u32) {
            let mut buf = [0u8; 4];
            let s1 = c.encode_utf8(&mut buf);
            let want = if l.is_match(s1) {
                Cls::Letter
            } else if n.is_match(s1) {
                Cls::Number
            } else if s.is_match(s1) {
                Cls::Space
            } else {
                Cls::Other
            };
            assert_eq!(t.of(c), want, "{c:?} U+{:04X}", c as u32);
        }
    }
}
