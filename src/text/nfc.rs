//! NFC composition with a fast path for text that is already composed
//! (nearly all web text), shared by extraction and `normalize`.

use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

/// `s` in NFC when it is not already, cheaply decided for the common
/// case of text that is.
pub fn to_nfc(s: &str) -> Option<String> {
    (!nfc_stable_fast(s) && is_nfc_quick(s.chars()) != IsNormalized::Yes).then(|| s.nfc().collect())
}

/// True when every character of `s` is certainly NFC-stable (quick-check
/// Yes and combining class 0), decided from UTF-8 lead bytes alone. Covers
/// Latin, Greek and Cyrillic text and common punctuation; anything else
/// falls back to the full Unicode quick check. Exhaustively tested below.
pub fn nfc_stable_fast(s: &str) -> bool {
    let b = s.as_bytes();
    // Code points below U+0300 are all stable; their UTF-8 bytes are < 0xCC.
    let mut low = true;
    for chunk in b.chunks(64) {
        let mut all = true;
        for &c in chunk {
            all &= c < 0xcc;
        }
        if !all {
            low = false;
            break;
        }
    }
    if low {
        return true;
    }
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c < 0xcc {
            i += 1;
            continue;
        }
        let n1 = b.get(i + 1).copied().unwrap_or(0);
        let n2 = b.get(i + 2).copied().unwrap_or(0);
        let ok = match c {
            // U+0380..U+03FF Greek, except U+0387 ANO TELEIA.
            0xce => n1 != 0x87,
            0xcf => true,
            // U+0400..U+047F, U+04C0..U+052F Cyrillic; U+0480..U+04BF minus combining U+0483..U+0489.
            0xd0 | 0xd1 | 0xd3 | 0xd4 => true,
            0xd2 => !(0x83..=0x89).contains(&n1),
            // U+2000..U+203F except U+2000/U+2001; U+2040..U+20BF; U+2140..U+22FF; U+2300..U+23FF except U+2329/U+232A.
            0xe2 => match n1 {
                0x80 => n2 != 0x80 && n2 != 0x81,
                0x81 | 0x82 | 0x85..=0x8b => true,
                0x8c => n2 != 0xa9 && n2 != 0xaa,
                _ => false,
            },
            _ => false,
        };
        if !ok {
            return false;
        }
        i += 1;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_nfc_check_never_claims_an_unstable_character() {
        use unicode_normalization::char::canonical_combining_class;
        for cp in 0..=0x10ffffu32 {
            let Some(c) = char::from_u32(cp) else { continue };
            let s = c.to_string();
            if nfc_stable_fast(&s) {
                assert_eq!(is_nfc_quick(s.chars()), IsNormalized::Yes, "U+{cp:04X}");
                assert_eq!(canonical_combining_class(c), 0, "U+{cp:04X}");
            }
        }
        assert!(nfc_stable_fast("Ħal Qormi, Αθήνα, София – “quoted” …"));
        assert!(!nfc_stable_fast("cafe\u{301}"));
    }
}
