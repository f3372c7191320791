//! Unicode letter, digit and number classes with a table for the alphabets of the
//! EU languages and their neighbours (below U+0800: Latin, Greek, Cyrillic,
//! Armenian, Hebrew, Arabic). The standard library's `char::is_alphabetic`
//! `is_alphanumeric` and `is_numeric` search a compressed table for every non-ASCII
//! character; the filters ask once per character of every word, so on
//! accented text that search was a visible share of the whole filter
//! chain. Above the table the standard library answers, so the results are
//! the same for every character (tested against it for all of U+0000–U+0FFF).

use std::sync::LazyLock;

/// Characters the table covers: everything below it.
const COVERED: u32 = 0x800;

/// One bit per character below [`COVERED`], per class.
struct Table {
    alphabetic: [u64; (COVERED / 64) as usize],
    alphanumeric: [u64; (COVERED / 64) as usize],
    numeric: [u64; (COVERED / 64) as usize],
}

static TABLE: LazyLock<Table> = LazyLock::new(|| {
    let mut t = Table {
        alphabetic: [0; (COVERED / 64) as usize],
        alphanumeric: [0; (COVERED / 64) as usize],
        numeric: [0; (COVERED / 64) as usize],
    };
    for cp in 0..COVERED {
        let Some(c) = char::from_u32(cp) else { continue };
        let (word, bit) = ((cp / 64) as usize, 1u64 << (cp % 64));
        if c.is_alphabetic() {
            t.alphabetic[word] |= bit;
        }
        if c.is_alphanumeric() {
            t.alphanumeric[word] |= bit;
        }
        if c.is_numeric() {
            t.numeric[word] |= bit;
        }
    }
    t
});

/// Same as [`char::is_alphabetic`].
#[inline]
pub fn is_alphabetic(c: char) -> bool {
    class(c, char::is_ascii_alphabetic, |t| &t.alphabetic, char::is_alphabetic)
}

/// Same as [`char::is_alphanumeric`].
#[inline]
pub fn is_alphanumeric(c: char) -> bool {
    class(
        c,
        char::is_ascii_alphanumeric,
        |t| &t.alphanumeric,
        char::is_alphanumeric,
    )
}

/// Same as [`char::is_numeric`].
#[inline]
pub fn is_numeric(c: char) -> bool {
    class(c, char::is_ascii_digit, |t| &t.numeric, char::is_numeric)
}

/// ASCII by its own test, the rest of the table by its bit, above it the
/// standard library.
#[inline(always)]
fn class(
    c: char,
    ascii: fn(&char) -> bool,
    bits: fn(&Table) -> &[u64; (COVERED / 64) as usize],
    above: fn(char) -> bool,
) -> bool {
    let cp = c as u32;
    if cp < 0x80 {
        ascii(&c)
    } else if cp < COVERED {
        bits(&TABLE)[(cp / 64) as usize] & (1 << (cp % 64)) != 0
    } else {
        above(c)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn classes_equal_the_standard_librarys() {
        for cp in (0..0x1000).chain(0x1E00..0x2100).chain(0x10000..0x10100) {
            let Some(c) = char::from_u32(cp) else { continue };
            assert_eq!(super::is_alphabetic(c), c.is_alphabetic(), "U+{cp:04X}");
            assert_eq!(super::is_alphanumeric(c), c.is_alphanumeric(), "U+{cp:04X}");
            assert_eq!(super::is_numeric(c), c.is_numeric(), "U+{cp:04X}");
        }
    }
}
