//! `gopher_repetition`: repetition heuristics of the Gopher paper (table
//! A1), as datatrove's `GopherRepetitionFilter`: duplicate paragraphs and
//! lines (by count and by characters), the character share of the most
//! frequent 2-, 3-, 4-gram, and of duplicated 5- to 10-grams. Every measure
//! is one pass with hashing, linear in the text, so a 50 MB line costs what
//! 50 MB of short lines cost.
//!
//! One deliberate difference: the reference compares duplicated n-grams by
//! their words joined without spaces, so `ab c` and `a bc` collide; here
//! n-grams are compared as word sequences.

use rustc_hash::FxHashMap;

use super::{chars, find_duplicates, first_failing, quality_filter, Check, ForLang, Measured};
use crate::document::Document;
use crate::stages::annotate::Threshold;
use crate::stages::Rejection;
use crate::stats::Counters;

quality_filter! {
    kind: "gopher_repetition",
    layer: gopher_repetition,
    summary: "Gopher repetition: duplicate lines/paragraphs, top 2–4-grams, duplicated 5–10-grams (character shares).",
    config: GopherRepetitionConfig,
    values: GopherRepetitionValues,
    resolved: GopherRepetition,
    check: judge,
    filter: FILTER,
    fields {
        dup_line_frac: f64 = 0.3 => "Most duplicate lines, share of lines",
        dup_para_frac: f64 = 0.3 => "Most duplicate paragraphs, share of paragraphs",
        dup_line_char_frac: f64 = 0.2 => "Most characters in duplicate lines",
        dup_para_char_frac: f64 = 0.2 => "Most characters in duplicate paragraphs",
        top_2_gram: f64 = 0.2 => "Most characters in the most frequent 2-gram",
        top_3_gram: f64 = 0.18 => "Most characters in the most frequent 3-gram",
        top_4_gram: f64 = 0.16 => "Most characters in the most frequent 4-gram",
        dup_5_gram: f64 = 0.15 => "Most characters in duplicated 5-grams",
        dup_6_gram: f64 = 0.14 => "Most characters in duplicated 6-grams",
        dup_7_gram: f64 = 0.13 => "Most characters in duplicated 7-grams",
        dup_8_gram: f64 = 0.12 => "Most characters in duplicated 8-grams",
        dup_9_gram: f64 = 0.11 => "Most characters in duplicated 9-grams",
        dup_10_gram: f64 = 0.10 => "Most characters in duplicated 10-grams",
    }
}

/// What the filter measures on one document (fractions of the text).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Measures {
    pub dup_para_frac: f64,
    pub dup_para_char_frac: f64,
    pub dup_line_frac: f64,
    pub dup_line_char_frac: f64,
    /// n = 2, 3, 4.
    pub top_gram: [f64; 3],
    /// n = 5..=10.
    pub dup_gram: [f64; 6],
}

/// Word ids and the words' lengths in characters.
struct Grams {
    ids: Vec<u32>,
    prefix_chars: Vec<usize>,
}

impl Grams {
    fn new(tokens: &[&str]) -> Self {
        let mut index: FxHashMap<&str, u32> = FxHashMap::default();
        index.reserve(tokens.len() / 2);
        let mut ids = Vec::with_capacity(tokens.len());
        let mut prefix_chars = Vec::with_capacity(tokens.len() + 1);
        prefix_chars.push(0);
        for t in tokens {
            let next = index.len() as u32;
            ids.push(*index.entry(t).or_insert(next));
            prefix_chars.push(prefix_chars.last().unwrap() + chars(t));
        }
        Grams { ids, prefix_chars }
    }

    fn len(&self) -> usize {
        self.prefix_chars.len() - 1
    }

    fn chars(&self, i: usize, n: usize) -> usize {
        self.prefix_chars[i + n] - self.prefix_chars[i]
    }
}

/// The n-grams of one length, each named by an exact id (no hashing of the
/// words, so no collisions): equal n-grams have equal ids, numbered in the
/// order of their first occurrence. The (n+1)-grams are numbered from the
/// pairs (n-gram id, next word id), so every length costs one pass.
struct Level {
    n: usize,
    /// The id of the n-gram starting at each position.
    ids: Vec<u32>,
    /// Occurrences and first position per id.
    count: Vec<u32>,
    first: Vec<u32>,
    pairs: FxHashMap<u64, u32>,
}

impl Level {
    fn unigrams(g: &Grams) -> Self {
        let mut l = Level {
            n: 1,
            ids: g.ids.clone(),
            count: Vec::new(),
            first: Vec::new(),
            pairs: FxHashMap::default(),
        };
        l.tally();
        l
    }

    fn tally(&mut self) {
        self.count.clear();
        self.first.clear();
        for (i, &id) in self.ids.iter().enumerate() {
            if id as usize == self.count.len() {
                self.count.push(0);
                self.first.push(i as u32);
            }
            self.count[id as usize] += 1;
        }
    }

    /// Moves to the n-grams one word longer.
    fn extend(&mut self, g: &Grams) {
        let n = self.n + 1;
        let all_distinct = self.count.len() == self.ids.len();
        self.ids.truncate((g.len() + 1).saturating_sub(n));
        if all_distinct {
            // every (n-1)-gram occurs once, so every n-gram does: number
            // them by position
            for (i, id) in self.ids.iter_mut().enumerate() {
                *id = i as u32;
            }
        } else {
            self.pairs.clear();
            self.pairs.reserve(self.ids.len());
            for (i, id) in self.ids.iter_mut().enumerate() {
                let key = (*id as u64) << 32 | g.ids[i + n - 1] as u64;
                let next = self.pairs.len() as u32;
                *id = *self.pairs.entry(key).or_insert(next);
            }
        }
        self.n = n;
        self.tally();
    }

    /// Characters of the most frequent n-gram joined with spaces, times its
    /// count; ties go to the n-gram seen first.
    fn top(&self, g: &Grams) -> usize {
        let mut best: Option<(u32, usize)> = None;
        for (id, &c) in self.count.iter().enumerate() {
            if best.is_none_or(|(b, _)| c > b) {
                best = Some((c, id));
            }
        }
        best.map_or(0, |(c, id)| {
            (g.chars(self.first[id] as usize, self.n) + self.n - 1) * c as usize
        })
    }

    /// Characters in n-grams seen before, skipping past each repeat.
    fn duplicated(&self, g: &Grams, seen: &mut Vec<bool>) -> usize {
        if self.count.len() == self.ids.len() {
            return 0;
        }
        seen.clear();
        seen.resize(self.count.len(), false);
        let (mut i, mut repeated) = (0, 0);
        while i < self.ids.len() {
            let id = self.ids[i] as usize;
            if !seen[id] {
                seen[id] = true;
                i += 1;
            } else {
                repeated += g.chars(i, self.n);
                i += self.n;
            }
        }
        repeated
    }
}

/// Measures `text` split into `tokens`.
pub fn measure(text: &str, tokens: &[&str]) -> Measures {
    let total = chars(text).max(1) as f64;
    let trimmed = text.trim();
    let mut paragraphs: Vec<&str> = Vec::new();
    let mut rest = trimmed;
    while let Some(at) = rest.find("\n\n") {
        paragraphs.push(&rest[..at]);
        rest = rest[at..].trim_start_matches('\n');
    }
    paragraphs.push(rest);
    let (pd, pc) = find_duplicates(paragraphs.iter().copied());
    let lines: Vec<&str> = split_newline_runs(text);
    let (ld, lc) = find_duplicates(lines.iter().copied());
    let grams = Grams::new(tokens);
    let mut level = Level::unigrams(&grams);
    let mut seen = Vec::new();
    let mut m = Measures {
        dup_para_frac: pd as f64 / paragraphs.len() as f64,
        dup_para_char_frac: pc as f64 / total,
        dup_line_frac: ld as f64 / lines.len().max(1) as f64,
        dup_line_char_frac: lc as f64 / total,
        ..Default::default()
    };
    for k in 0..3 {
        level.extend(&grams);
        m.top_gram[k] = level.top(&grams) as f64 / total;
    }
    for k in 0..6 {
        level.extend(&grams);
        m.dup_gram[k] = level.duplicated(&grams, &mut seen) as f64 / total;
    }
    m
}

/// Python `re.split("\n+", text)`.
fn split_newline_runs(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find('\n') {
        out.push(&rest[..at]);
        rest = rest[at..].trim_start_matches('\n');
    }
    out.push(rest);
    out
}

/// What `mode: annotate` and `whatif` know of this filter: the threshold
/// table (reason, measure, parameter; every check is an upper bound), in the
/// order the checks run.
pub const FILTER: crate::stages::annotate::FilterDecl = crate::stages::annotate::FilterDecl {
    thresholds: &[
        Threshold::max("dup_para_frac", "dup_para_frac", "dup_para_frac"),
        Threshold::max("dup_para_char_frac", "dup_para_char_frac", "dup_para_char_frac"),
        Threshold::max("dup_line_frac", "dup_line_frac", "dup_line_frac"),
        Threshold::max("dup_line_char_frac", "dup_line_char_frac", "dup_line_char_frac"),
        Threshold::max("top_2_gram", "top_2_gram", "top_2_gram"),
        Threshold::max("top_3_gram", "top_3_gram", "top_3_gram"),
        Threshold::max("top_4_gram", "top_4_gram", "top_4_gram"),
        Threshold::max("duplicated_5_n_grams", "dup_5_gram", "dup_5_gram"),
        Threshold::max("duplicated_6_n_grams", "dup_6_gram", "dup_6_gram"),
        Threshold::max("duplicated_7_n_grams", "dup_7_gram", "dup_7_gram"),
        Threshold::max("duplicated_8_n_grams", "dup_8_gram", "dup_8_gram"),
        Threshold::max("duplicated_9_n_grams", "dup_9_gram", "dup_9_gram"),
        Threshold::max("duplicated_10_n_grams", "dup_10_gram", "dup_10_gram"),
    ],
    other_measures: &[],
    zero_is_off: true,
};

/// The first failing check, in the reference's order.
pub fn decide(m: &Measures, t: &GopherRepetition, lang: &str) -> Option<Rejection> {
    decide_into(m, t, lang, &mut Measured::off())
}

/// [`decide`], recording the measures into `sink`.
pub fn decide_into(m: &Measures, t: &GopherRepetition, lang: &str, sink: &mut Measured) -> Option<Rejection> {
    let checks = [
        Check::new(&FILTER.thresholds[0], m.dup_para_frac, t.dup_para_frac),
        Check::new(&FILTER.thresholds[1], m.dup_para_char_frac, t.dup_para_char_frac),
        Check::new(&FILTER.thresholds[2], m.dup_line_frac, t.dup_line_frac),
        Check::new(&FILTER.thresholds[3], m.dup_line_char_frac, t.dup_line_char_frac),
        Check::new(&FILTER.thresholds[4], m.top_gram[0], t.top_2_gram),
        Check::new(&FILTER.thresholds[5], m.top_gram[1], t.top_3_gram),
        Check::new(&FILTER.thresholds[6], m.top_gram[2], t.top_4_gram),
        Check::new(&FILTER.thresholds[7], m.dup_gram[0], t.dup_5_gram),
        Check::new(&FILTER.thresholds[8], m.dup_gram[1], t.dup_6_gram),
        Check::new(&FILTER.thresholds[9], m.dup_gram[2], t.dup_7_gram),
        Check::new(&FILTER.thresholds[10], m.dup_gram[3], t.dup_8_gram),
        Check::new(&FILTER.thresholds[11], m.dup_gram[4], t.dup_9_gram),
        Check::new(&FILTER.thresholds[12], m.dup_gram[5], t.dup_10_gram),
    ];
    first_failing(&checks, FILTER.zero_is_off, lang, sink)
}

/// Measures and decides one document with the settings of its language.
pub fn check(doc: &mut Document, f: &ForLang<GopherRepetition>, counters: &mut Counters) -> Option<Rejection> {
    judge(doc, f, counters, &mut Measured::off())
}

/// [`check`], recording the measures into `sink`.
pub fn judge(
    doc: &mut Document,
    f: &ForLang<GopherRepetition>,
    _counters: &mut Counters,
    sink: &mut Measured,
) -> Option<Rejection> {
    if doc.text.is_empty() {
        return Some(Rejection::new("empty"));
    }
    let mut tokens = Vec::new();
    f.words.split(&doc.text, &mut tokens);
    decide_into(&measure(&doc.text, &tokens), &f.thresholds, &f.lang, sink)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::words::WordSplitter;

    fn m(text: &str) -> Measures {
        let mut t = Vec::new();
        WordSplitter::default().split(text, &mut t);
        measure(text, &t)
    }

    #[test]
    fn hand_checked_measures() {
        // lines: a, b, a, a -> 2 duplicates of 4; 2 chars of 7
        let x = m("a\nb\na\na");
        assert_eq!(x.dup_line_frac, 0.5);
        assert!((x.dup_line_char_frac - 2.0 / 7.0).abs() < 1e-12);
        // paragraphs split on blank lines, text stripped first
        let p = m("\nxx\n\nyy\n\n\nxx\n");
        assert!((p.dup_para_frac - 1.0 / 3.0).abs() < 1e-12);
        // "a b a b a b": top 2-gram "a b" x3 -> 3 chars x 3 = 9 of 11
        let g = m("a b a b a b");
        assert!((g.top_gram[0] - 9.0 / 11.0).abs() < 1e-12);
        // ten words repeated twice: the second copy is one duplicated 5-gram
        // run after another: 2 x 5 words of 4 chars = 40 chars... of 99
        let ten = "αβγδ εζηθ ικλμ νξοπ ρστυ φχψω abcd efgh ijkl mnop";
        let d = m(&format!("{ten} {ten}"));
        assert!((d.dup_gram[0] - 40.0 / 99.0).abs() < 1e-12, "{:?}", d.dup_gram);
        assert!((d.dup_gram[5] - 40.0 / 99.0).abs() < 1e-12);
    }

    #[test]
    fn reasons_follow_the_reference_order() {
        let t = GopherRepetition::default();
        let r = |s: &str| decide(&m(s), &t, "en").map(|r| r.reason.to_string());
        assert_eq!(
            r("same line here\nsame line here\nsame line here\nother"),
            Some("dup_line_frac".into())
        );
        assert_eq!(r("one\n\none\n\ntwo"), Some("dup_para_frac".into()));
        let varied: String = (0..200).map(|i| format!("w{i} ")).collect();
        assert_eq!(r(&varied), None);
        assert_eq!(r(&"spam eggs ".repeat(50)), Some("top_2_gram".into()));
    }

    #[test]
    fn one_huge_line_is_measured() {
        // 200,000 words on one line: every measure is a hash pass (a
        // quadratic one would not finish)
        let line: String = (0..200_000).map(|i| format!("w{} ", i % 20_000)).collect();
        let x = m(&line);
        assert!(x.dup_gram[0] > 0.7 && x.dup_line_frac == 0.0, "{x:?}");
    }
}
