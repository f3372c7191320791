//! The normalised word form both near-duplicate detection (`minhash_dedup`)
//! and benchmark decontamination (`decontaminate`) compare text in, following
//! datatrove's `simplify_text` defaults so thresholds carry over: lowercase,
//! numbers → `0`, punctuation and symbols → space, whitespace collapsed,
//! diacritics stripped (NFD minus combining marks). Every EU language
//! separates words with spaces once punctuation is gone (elisions like
//! `l'homme` become `l homme`, as in datatrove), so words are the
//! space-separated tokens of the normalised text.

use std::sync::LazyLock;

use unicode_normalization::char::{decompose_canonical, is_combining_mark};

use super::chars::is_numeric;

/// Writes the normalised form of `text` into `out`: words separated by
/// single spaces, no leading or trailing space.
pub fn simplify(text: &str, out: &mut String) {
    out.clear();
    let mut space = false;
    let mut in_number = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let role = if c.is_ascii() {
            if c.is_ascii_alphabetic() {
                push_space(out, &mut space);
                out.push(c.to_ascii_lowercase());
                in_number = false;
                continue;
            } else if c.is_ascii_digit() {
                Role::Number
            } else {
                Role::Other
            }
        } else {
            role(c)
        };
        match role {
            Role::Number => {
                if !in_number {
                    push_space(out, &mut space);
                    out.push('0');
                    in_number = true;
                }
            }
            // decimal or thousands separator inside a number
            _ if in_number && matches!(c, '.' | ',' | '٫') && chars.peek().is_some_and(|&n| is_numeric(n)) => {}
            Role::Letter(fold, len) => {
                push_space(out, &mut space);
                in_number = false;
                out.extend(&fold[..len as usize]);
            }
            Role::LongLetter => {
                push_space(out, &mut space);
                in_number = false;
                fold_letter(c, |d| out.push(d));
            }
            // a mark after a letter belongs to it; stripped like diacritics
            Role::Mark => {}
            Role::Other => {
                in_number = false;
                space = !out.is_empty();
            }
        }
    }
}

/// What [`simplify`] does with a character.
#[derive(Clone, Copy)]
enum Role {
    /// A digit or other number: one `0` per run.
    Number,
    /// A letter and its folded form (up to three characters).
    Letter([char; 3], u8),
    /// A letter whose folded form is longer (folded when met).
    LongLetter,
    /// A combining mark: dropped.
    Mark,
    /// Punctuation, symbols, space: a word break.
    Other,
}

/// The role of a non-ASCII character: from a table below U+0800 (the
/// alphabets of the EU languages and their neighbours; the standard
/// library's Unicode searches were a sixth of MinHash's time), computed
/// above it.
fn role(c: char) -> Role {
    static TABLE: LazyLock<Vec<Role>> = LazyLock::new(|| {
        (0x80..0x800u32)
            .map(|cp| char::from_u32(cp).map_or(Role::Other, role_of))
            .collect()
    });
    match (c as u32).checked_sub(0x80) {
        Some(i) if i < 0x780 => TABLE[i as usize],
        _ => role_of(c),
    }
}

fn role_of(c: char) -> Role {
    if c.is_numeric() {
        Role::Number
    } else if c.is_alphabetic() {
        let (mut fold, mut len) = (['\0'; 3], 0usize);
        fold_letter(c, |d| {
            if len < 3 {
                fold[len] = d;
            }
            len += 1;
        });
        if len <= 3 {
            Role::Letter(fold, len as u8)
        } else {
            Role::LongLetter
        }
    } else if is_combining_mark(c) {
        Role::Mark
    } else {
        Role::Other
    }
}

/// Lowercase, then canonical decomposition without the combining marks.
fn fold_letter(c: char, mut push: impl FnMut(char)) {
    // char-wise lowercase folds final sigma: ς and σ are one letter here
    for l in c.to_lowercase().map(|l| if l == 'ς' { 'σ' } else { l }) {
        decompose_canonical(l, |d| {
            if !is_combining_mark(d) {
                push(d)
            }
        });
    }
}

fn push_space(out: &mut String, space: &mut bool) {
    if *space {
        out.push(' ');
        *space = false;
    }
}

#[cfg(test)]
mod tests {
    use unicode_normalization::char::{decompose_canonical, is_combining_mark};

    /// The normalisation as the standard library's Unicode functions give
    /// it, character by character (the implementation before the table).
    fn reference(text: &str, out: &mut String) {
        out.clear();
        let mut space = false;
        let mut in_number = false;
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            if c.is_ascii_alphabetic() {
                super::push_space(out, &mut space);
                out.push(c.to_ascii_lowercase());
                in_number = false;
            } else if c.is_ascii_digit() || (!c.is_ascii() && c.is_numeric()) {
                if !in_number {
                    super::push_space(out, &mut space);
                    out.push('0');
                    in_number = true;
                }
            } else if in_number && matches!(c, '.' | ',' | '٫') && chars.peek().is_some_and(|n| n.is_numeric()) {
                // decimal or thousands separator inside a number
            } else if !c.is_ascii() && c.is_alphabetic() {
                super::push_space(out, &mut space);
                in_number = false;
                // char-wise lowercase folds final sigma: ς and σ are one letter here
                for l in c.to_lowercase().map(|l| if l == 'ς' { 'σ' } else { l }) {
                    decompose_canonical(l, |d| {
                        if !is_combining_mark(d) {
                            out.push(d)
                        }
                    });
                }
            } else if !c.is_ascii() && is_combining_mark(c) {
                // a mark after a letter belongs to it; stripped like diacritics
            } else {
                in_number = false;
                space = !out.is_empty();
            }
        }
    }

    #[test]
    fn the_table_gives_what_the_unicode_functions_give() {
        let (mut a, mut b) = (String::new(), String::new());
        let chars = (0x80..0x3400u32).chain(0x1D400..0x1D800).filter_map(char::from_u32);
        for c in chars {
            for t in [
                format!("{c}"),
                format!("a{c}b"),
                format!("1{c}2 x"),
                format!("x 1{c}"),
                format!("É{c}{c}ß"),
            ] {
                super::simplify(&t, &mut a);
                reference(&t, &mut b);
                assert_eq!(a, b, "U+{:04X} in {t:?}", c as u32);
            }
        }
        let text = "L'ÉTÉ 1.234,5 ΣΟΦΊΑ ς İstanbul Ⅻ ½ ٣٫٥ naïve Ǆ ﬁ — ok!";
        super::simplify(text, &mut a);
        reference(text, &mut b);
        assert_eq!(a, b);
    }
}
