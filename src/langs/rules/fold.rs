//! The text forms the rules match against, written into reused buffers:
//! lowercase (every character by `char::to_lowercase`, without context, so a
//! text's lines lowercase to the lines of its lowercase form), and lowercase
//! without diacritics. Runs of ASCII, most of most EU texts, are copied and
//! lowercased a slice at a time.

use unicode_normalization::UnicodeNormalization;

/// The length of the ASCII run at the start of `b`, eight bytes at a time.
fn ascii_run(b: &[u8]) -> usize {
    let mut i = 0;
    while let Some(w) = b.get(i..i + 8) {
        if u64::from_ne_bytes(w.try_into().unwrap_or_default()) & 0x8080_8080_8080_8080 != 0 {
            break;
        }
        i += 8;
    }
    while b.get(i).is_some_and(u8::is_ascii) {
        i += 1;
    }
    i
}

/// The lowercase of every two-byte character (U+0080..U+07FF: the Latin,
/// Greek and Cyrillic letters of the EU languages) that lowercases to one
/// two-byte or ASCII character; 0 for the others (looked up in full).
fn two_byte_lower() -> &'static [u16; 0x800] {
    static TABLE: std::sync::OnceLock<Box<[u16; 0x800]>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let mut t = Box::new([0u16; 0x800]);
        for (cp, slot) in t.iter_mut().enumerate().skip(0x80) {
            let Some(c) = char::from_u32(cp as u32) else { continue };
            let mut l = c.to_lowercase();
            if let (Some(x), None) = (l.next(), l.next()) {
                if (x as u32) < 0x800 {
                    *slot = x as u16;
                }
            }
        }
        t
    })
}

/// Writes `s` lowercased into `out` (cleared first).
pub fn lower_into(s: &str, out: &mut String) {
    out.clear();
    out.reserve(s.len());
    let b = s.as_bytes();
    let table = two_byte_lower();
    let mut i = 0;
    while i < b.len() {
        let n = ascii_run(&b[i..]);
        if n > 0 {
            let at = out.len();
            out.push_str(&s[i..i + n]);
            out[at..].make_ascii_lowercase();
            i += n;
            if i == b.len() {
                break;
            }
        }
        let x = b[i];
        if (0xC2..0xE0).contains(&x) {
            // A two-byte character (valid UTF-8: a continuation byte follows).
            let cp = ((x as usize & 0x1F) << 6) | (b[i + 1] as usize & 0x3F);
            let l = table[cp];
            if l != 0 {
                out.push(char::from_u32(l as u32).unwrap_or(char::REPLACEMENT_CHARACTER));
                i += 2;
                continue;
            }
        }
        if let Some(c) = s[i..].chars().next() {
            out.extend(c.to_lowercase());
            i += c.len_utf8();
        }
    }
}

/// Letters with a stroke do not decompose: folded by hand.
fn unstroke(c: char) -> char {
    match c {
        'ħ' => 'h',
        'đ' => 'd',
        'ł' => 'l',
        'ø' => 'o',
        'ı' => 'i',
        other => other,
    }
}

/// Writes `s` lowercased and without diacritics (NFD, combining marks
/// dropped) into `out` (cleared first). ASCII characters neither decompose
/// nor reorder with marks around them, so the text is decomposed one
/// non-ASCII run at a time.
pub fn fold_into(s: &str, out: &mut String) {
    out.clear();
    out.reserve(s.len());
    let b = s.as_bytes();
    let mut i = 0;
    while i < s.len() {
        let n = ascii_run(&b[i..]);
        if n > 0 {
            let at = out.len();
            out.push_str(&s[i..i + n]);
            out[at..].make_ascii_lowercase();
            i += n;
        }
        let m = b[i..].iter().position(u8::is_ascii).unwrap_or(b.len() - i);
        if m > 0 {
            out.extend(
                s[i..i + m]
                    .nfd()
                    .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
                    .flat_map(char::to_lowercase)
                    .map(unstroke),
            );
            i += m;
        }
    }
}

/// Per byte: 1 for ASCII white space, 2 for the first byte of a character
/// that may be white space beyond ASCII, 0 otherwise.
const SPACE: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 6 {
        t[[b' ', b'\t', b'\n', 0x0b, 0x0c, b'\r'][i] as usize] = 1;
        i += 1;
    }
    t[0xC2] = 2;
    t[0xE1] = 2;
    t[0xE2] = 2;
    t[0xE3] = 2;
    t
};

/// Is the character at the start of `b` (first byte 0xC2, 0xE1, 0xE2 or
/// 0xE3) white space? U+0085, U+00A0, U+1680, U+2000..U+200A, U+2028,
/// U+2029, U+202F, U+205F and U+3000 are, as `char::is_whitespace` says.
fn wide_space(b: &[u8]) -> bool {
    matches!(
        b,
        [0xC2, 0x85 | 0xA0, ..]
            | [0xE1, 0x9A, 0x80, ..]
            | [0xE3, 0x80, 0x80, ..]
            | [0xE2, 0x80, 0x80..=0x8A | 0xA8 | 0xA9 | 0xAF, ..]
            | [0xE2, 0x81, 0x9F, ..]
    )
}

/// The number of whitespace-separated words (as `str::split_whitespace`):
/// the bytes that are not white space and follow white space (or the
/// start). Bytes after the first of a character are never white space, and
/// follow a first byte that is not, so they start no word.
pub fn count_words(s: &str) -> usize {
    let b = s.as_bytes();
    let (mut n, mut prev_space, mut i) = (0usize, 1u8, 0usize);
    while i < b.len() {
        let mut t = SPACE[b[i] as usize];
        if t == 2 {
            t = u8::from(wide_space(&b[i..]));
            if t == 1 {
                // the whole character is white space
                prev_space = 1;
                i += if b[i] == 0xC2 { 2 } else { 3 };
                continue;
            }
        }
        n += usize::from(prev_space & !t & 1);
        prev_space = t;
        i += 1;
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The definitions the fast paths must equal.
    fn lower_ref(s: &str) -> String {
        s.chars().flat_map(char::to_lowercase).collect()
    }

    fn fold_ref(s: &str) -> String {
        s.nfd()
            .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
            .flat_map(char::to_lowercase)
            .map(unstroke)
            .collect()
    }

    /// Every character, alone and in a word.
    #[test]
    fn every_character_lowercases_and_counts_as_defined() {
        let mut out = String::new();
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            let s = format!("{c}a{c} {c}");
            lower_into(&s, &mut out);
            assert_eq!(out, lower_ref(&s), "{c:?}");
            assert_eq!(count_words(&s), s.split_whitespace().count(), "{c:?}");
        }
    }

    #[test]
    fn fast_paths_equal_the_definitions() {
        let mut out = String::new();
        for s in [
            "",
            "Hello World",
            "Ħażin Šūdas ĐÂŁ Øre İstanbul ΣΟΦΊΑ",
            "e\u{301}te\u{301} A\u{30a}\u{301}x\u{1}\u{85}y",
            "a \u{301} b\u{2003}c\u{a0}d\u{b}e\u{1c}f",
            "\u{85}x\u{1680}y\u{200a}z\u{200b}w\u{2028}\u{2029}v\u{202f}u\u{205f}t\u{3000}s\u{2000}",
            "ǅungla ΐ Ω Ω K Å ẞ ϴ Ꙃ",
        ] {
            lower_into(s, &mut out);
            assert_eq!(out, lower_ref(s));
            fold_into(s, &mut out);
            assert_eq!(out, fold_ref(s));
            assert_eq!(count_words(s), s.split_whitespace().count(), "{s:?}");
        }
    }
}
