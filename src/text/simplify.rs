//! The normalised word form both near-duplicate detection (`minhash_dedup`)
//! and benchmark decontamination (`decontaminate`) compare text in, following
//! datatrove's `simplify_text` defaults so thresholds carry over: lowercase,
//! numbers → `0`, punctuation and symbols → space, whitespace collapsed,
//! diacritics stripped (NFD minus combining marks). Every EU language
//! separates words with spaces once punctuation is gone (elisions like
//! `l'homme` become `l homme`, as in datatrove), so words are the
//! space-separated tokens of the normalised text.

use unicode_normalization::char::{decompose_canonical, is_combining_mark};

/// Writes the normalised form of `text` into `out`: words separated by
/// single spaces, no leading or trailing space.
pub fn simplify(text: &str, out: &mut String) {
    out.clear();
    let mut space = false;
    let mut in_number = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_alphabetic() {
            push_space(out, &mut space);
            out.push(c.to_ascii_lowercase());
            in_number = false;
        } else if c.is_ascii_digit() || (!c.is_ascii() && c.is_numeric()) {
            if !in_number {
                push_space(out, &mut space);
                out.push('0');
                in_number = true;
            }
        } else if in_number && matches!(c, '.' | ',' | '٫') && chars.peek().is_some_and(|n| n.is_numeric()) {
            // decimal or thousands separator inside a number
        } else if !c.is_ascii() && c.is_alphabetic() {
            push_space(out, &mut space);
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

fn push_space(out: &mut String, space: &mut bool) {
    if *space {
        out.push(' ');
        *space = false;
    }
}
