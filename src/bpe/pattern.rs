//! The pre-tokenizer split patterns, matched by hand: the GPT-2 pattern
//! (`ByteLevel` with `use_regex`) and the cl100k / Llama-3 pattern. Each
//! function returns where the regex's match starting at `i` ends, with the
//! regex's leftmost-first, greedy, backtracking semantics worked out per
//! alternative (see the comments), so the words are the ones fancy-regex
//! finds, without a regex engine or offsets.

use super::unicode::{ranges, Classes, Cls};

/// `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`
pub const GPT2: &str = r"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";
/// The cl100k_base pattern, which Llama 3 uses too.
pub const CL100K: &str = r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

/// Which pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Gpt2,
    Cl100k,
}

impl Kind {
    /// The pattern whose regex is exactly `re`, if the fast path has it.
    pub fn of_regex(re: &str) -> Option<Kind> {
        match re {
            GPT2 => Some(Kind::Gpt2),
            CL100K => Some(Kind::Cl100k),
            _ => None,
        }
    }
}

/// Splits text into the pattern's matches. Both patterns match every
/// character (their last alternatives cover letters, numbers, white space
/// and everything else), so the matches tile the text.
pub struct Splitter {
    kind: Kind,
    cls: Classes,
    /// The characters `(?i:x)` matches for the contraction letters s t r e
    /// v m l d (case folding adds `ſ` to `s`), from regex-syntax.
    fold: [Vec<char>; 8],
}

const LETTERS: [char; 8] = ['s', 't', 'r', 'e', 'v', 'm', 'l', 'd'];

#[inline]
fn char_at(s: &str, i: usize) -> Option<char> {
    s.get(i..).and_then(|t| t.chars().next())
}

impl Splitter {
    pub fn new(kind: Kind) -> Splitter {
        let fold = LETTERS.map(|l| {
            let mut set: Vec<char> = ranges(&format!("(?i:{l})"))
                .into_iter()
                .flat_map(|(a, b)| (a..=b).collect::<Vec<_>>())
                .collect();
            if kind == Kind::Gpt2 {
                set = vec![l];
            }
            set
        });
        Splitter {
            kind,
            cls: Classes::new(),
            fold,
        }
    }

    /// Calls `word` with each match of the pattern in `s`, in order.
    #[inline]
    pub fn split<'a>(&self, s: &'a str, mut word: impl FnMut(&'a str)) {
        let mut i = 0;
        while i < s.len() {
            let e = match self.kind {
                Kind::Gpt2 => self.gpt2(s, i),
                Kind::Cl100k => self.cl100k(s, i),
            };
            debug_assert!(e > i);
            word(&s[i..e]);
            i = e;
        }
    }

    #[inline]
    fn class(&self, c: char) -> Cls {
        self.cls.of(c)
    }

    /// End of the run of characters of class `k` from `i`.
    #[inline]
    fn run(&self, s: &str, i: usize, k: Cls) -> usize {
        let mut j = i;
        for c in s[i..].chars() {
            if self.class(c) != k {
                break;
            }
            j += c.len_utf8();
        }
        j
    }

    /// `'s|'t|'re|'ve|'m|'ll|'d` after the apostrophe at `i` (its letters
    /// case-folded for cl100k): the end of the match.
    fn contraction(&self, s: &str, i: usize) -> Option<usize> {
        let is = |c: Option<char>, l: usize| c.is_some_and(|c| self.fold[l].contains(&c));
        let j = i + 1;
        let c1 = char_at(s, j)?;
        let j2 = j + c1.len_utf8();
        // s t m d
        if [0, 1, 5, 7].iter().any(|&l| is(Some(c1), l)) {
            return Some(j2);
        }
        let c2 = char_at(s, j2);
        let two = |a: usize, b: usize| is(Some(c1), a) && is(c2, b);
        if two(2, 3) || two(4, 3) || two(6, 6) {
            return Some(j2 + c2.map_or(0, char::len_utf8));
        }
        None
    }

    /// `\s+(?!\S)|\s+` at white space `i`: the whole run when it ends the
    /// text; else the run but its last character (which then goes with the
    /// next word), unless the run is a single character.
    #[inline]
    fn spaces(&self, s: &str, i: usize) -> usize {
        let (mut j, mut last) = (i, i);
        for c in s[i..].chars() {
            if self.class(c) != Cls::Space {
                break;
            }
            last = j;
            j += c.len_utf8();
        }
        if j == s.len() || last == i {
            j
        } else {
            last
        }
    }

    fn gpt2(&self, s: &str, i: usize) -> usize {
        let b = s.as_bytes()[i];
        if b == b'\'' {
            if let Some(e) = self.contraction(s, i) {
                return e;
            }
        }
        // ` ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+`: a space takes the run
        // after it along, whatever its class (but white space).
        if b == b' ' {
            if let Some(c2) = char_at(s, i + 1) {
                let k = self.class(c2);
                if k != Cls::Space {
                    return self.run(s, i + 1, k);
                }
            }
        }
        let c = char_at(s, i).expect("i < len");
        match self.class(c) {
            Cls::Space => self.spaces(s, i),
            k => self.run(s, i, k),
        }
    }

    fn cl100k(&self, s: &str, i: usize) -> usize {
        let b = s.as_bytes()[i];
        if b == b'\'' {
            if let Some(e) = self.contraction(s, i) {
                return e;
            }
        }
        let c = char_at(s, i).expect("i < len");
        let k = self.class(c);
        let n = i + c.len_utf8();
        // `[^\r\n\p{L}\p{N}]?\p{L}+`
        if k == Cls::Letter {
            return self.run(s, n, Cls::Letter);
        }
        let next = char_at(s, n).map(|c| self.class(c));
        if k != Cls::Number && b != b'\r' && b != b'\n' && next == Some(Cls::Letter) {
            return self.run(s, n, Cls::Letter);
        }
        // `\p{N}{1,3}`
        if k == Cls::Number {
            let mut j = n;
            for c in s[n..].chars().take(2) {
                if self.class(c) != Cls::Number {
                    break;
                }
                j += c.len_utf8();
            }
            return j;
        }
        // ` ?[^\s\p{L}\p{N}]+[\r\n]*`
        let other = if k == Cls::Other {
            Some(i)
        } else if b == b' ' && next == Some(Cls::Other) {
            Some(n)
        } else {
            None
        };
        if let Some(from) = other {
            let j = self.run(s, from, Cls::Other);
            return j + s.as_bytes()[j..]
                .iter()
                .take_while(|&&b| b == b'\r' || b == b'\n')
                .count();
        }
        // White space. `\s*[\r\n]+`: the greedy `\s*` backs off to the last
        // CR or LF of the run, which `[\r\n]+` then takes.
        let mut j = i;
        let mut newline = None;
        for c in s[i..].chars() {
            if self.class(c) != Cls::Space {
                break;
            }
            if c == '\r' || c == '\n' {
                newline = Some(j);
            }
            j += c.len_utf8();
        }
        match newline {
            Some(p) => p + 1,
            None => self.spaces(s, i),
        }
    }
}
