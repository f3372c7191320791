//! `gopher_quality`: the Gopher paper's document heuristics (Rae et al.
//! 2021, table A1), as datatrove's `GopherQualityFilter`: word count, mean
//! word length, `#` and ellipsis per word, bullet and ellipsis lines, share
//! of words with a letter, stop words present. Checks run in that order and
//! the first failing one is the reason; a value of 0 turns a check off.

use rustc_hash::FxHashSet;

use serde::Deserialize;

use super::{chars, first_failing, python_splitlines, quality_filter, Check, ForLang, Measured};
use crate::document::Document;
use crate::stages::Rejection;
use crate::stats::Counters;
use crate::text::chars::is_alphabetic;
use crate::text::punct;

/// A stop-word set; in YAML a list of words (matched case-sensitively, as
/// the reference does).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StopSet(pub FxHashSet<String>);

impl StopSet {
    pub fn of(words: &[&str]) -> Self {
        StopSet(words.iter().map(|w| w.to_string()).collect())
    }
}

impl serde::Serialize for StopSet {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut words: Vec<&String> = self.0.iter().collect();
        words.sort();
        words.serialize(s)
    }
}

impl schemars::JsonSchema for StopSet {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "StopSet".into()
    }
    fn json_schema(g: &mut schemars::SchemaGenerator) -> schemars::Schema {
        <Vec<String>>::json_schema(g)
    }
}

impl<'de> Deserialize<'de> for StopSet {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(StopSet(Vec::<String>::deserialize(d)?.into_iter().collect()))
    }
}

quality_filter! {
    kind: "gopher_quality",
    layer: gopher_quality,
    summary: "Gopher document heuristics: word count, mean word length, `#`/ellipsis per word, bullet/ellipsis lines, alphabetic words, stop words.",
    config: GopherQualityConfig,
    values: GopherQualityValues,
    resolved: GopherQuality,
    check: judge,
    filter: FILTER,
    fields {
        min_doc_words: f64 = 50.0 => "Fewest words (tokens with a non-punctuation character)",
        max_doc_words: f64 = 100000.0 => "Most words",
        min_avg_word_length: f64 = 3.0 => "Shortest mean word length, characters",
        max_avg_word_length: f64 = 10.0 => "Longest mean word length, characters",
        max_symbol_word_ratio: f64 = 0.1 => "Most `#`, and most `...`/`…`, per token",
        max_bullet_lines_ratio: f64 = 0.9 => "Most lines starting with a bullet (• or -)",
        max_ellipsis_lines_ratio: f64 = 0.3 => "Most lines ending with an ellipsis",
        max_non_alpha_words_ratio: f64 = 0.8 => "Fewest tokens with a letter, as a share (the reference's name)",
        min_stop_words: f64 = 2.0 => "Fewest distinct stop words present",
        stop_words: StopSet = StopSet::of(&["the", "be", "to", "of", "and", "that", "have", "with"]), shown "[the, be, to, of, and, that, have, with]" => "The language's stop words (langs/<iso>.yaml sets them per language)",
    }
}

/// What the filter measures on one document.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Measures {
    pub tokens: usize,
    pub words: usize,
    pub avg_word_length: f64,
    pub hash_ratio: f64,
    pub ellipsis_ratio: f64,
    pub bullet_lines_ratio: f64,
    pub ellipsis_lines_ratio: f64,
    pub alpha_words_ratio: f64,
    pub stop_words: usize,
}

/// Measures `text` split into `tokens`.
pub fn measure(text: &str, tokens: &[&str], stop_words: &StopSet) -> Measures {
    let p = punct::punctuation();
    let (mut words, mut word_chars, mut alpha) = (0usize, 0usize, 0usize);
    let mut stops: FxHashSet<&str> = FxHashSet::default();
    for t in tokens {
        if t.chars().any(|c| !p.contains(c)) {
            words += 1;
            word_chars += chars(t);
        }
        if t.chars().any(is_alphabetic) {
            alpha += 1;
        }
        if stop_words.0.contains(*t) {
            stops.insert(t);
        }
    }
    let n = tokens.len().max(1) as f64;
    let lines = python_splitlines(text);
    let nl = lines.len().max(1) as f64;
    let bullets = lines
        .iter()
        .filter(|l| {
            let l = l.trim_start();
            l.starts_with('•') || l.starts_with('-')
        })
        .count();
    let ell_lines = lines
        .iter()
        .filter(|l| {
            let l = l.trim_end();
            l.ends_with("...") || l.ends_with('…')
        })
        .count();
    Measures {
        tokens: tokens.len(),
        words,
        avg_word_length: if words == 0 {
            0.0
        } else {
            word_chars as f64 / words as f64
        },
        hash_ratio: text.matches('#').count() as f64 / n,
        ellipsis_ratio: (text.matches("...").count() + text.matches('…').count()) as f64 / n,
        bullet_lines_ratio: bullets as f64 / nl,
        ellipsis_lines_ratio: ell_lines as f64 / nl,
        alpha_words_ratio: alpha as f64 / n,
        stop_words: stops.len(),
    }
}

/// The threshold table: which parameter bounds which measure, and the
/// reason a failing document is dropped for (read by `whatif` too).
pub mod rows {
    use crate::stages::annotate::Threshold;
    pub const SHORT_DOC: Threshold = Threshold::min("gopher_short_doc", "words", "min_doc_words");
    pub const LONG_DOC: Threshold = Threshold::max("gopher_long_doc", "words", "max_doc_words");
    pub const SHORT_WORDS: Threshold =
        Threshold::min("gopher_below_avg_threshold", "avg_word_length", "min_avg_word_length");
    pub const LONG_WORDS: Threshold =
        Threshold::max("gopher_above_avg_threshold", "avg_word_length", "max_avg_word_length");
    pub const HASHES: Threshold = Threshold::max("gopher_too_many_hashes", "hash_ratio", "max_symbol_word_ratio");
    pub const ELLIPSIS: Threshold =
        Threshold::max("gopher_too_many_ellipsis", "ellipsis_ratio", "max_symbol_word_ratio");
    pub const BULLETS: Threshold = Threshold::max(
        "gopher_too_many_bullets",
        "bullet_lines_ratio",
        "max_bullet_lines_ratio",
    );
    pub const END_ELLIPSIS: Threshold = Threshold::max(
        "gopher_too_many_end_ellipsis",
        "ellipsis_lines_ratio",
        "max_ellipsis_lines_ratio",
    );
    pub const ALPHA: Threshold = Threshold::min(
        "gopher_below_alpha_threshold",
        "alpha_words_ratio",
        "max_non_alpha_words_ratio",
    );
    pub const STOP_WORDS: Threshold = Threshold::min("gopher_enough_stop_words", "stop_words", "min_stop_words");
}

/// What `mode: annotate` and `whatif` know of this filter.
pub const FILTER: crate::stages::annotate::FilterDecl = crate::stages::annotate::FilterDecl {
    thresholds: &[
        rows::SHORT_DOC,
        rows::LONG_DOC,
        rows::SHORT_WORDS,
        rows::LONG_WORDS,
        rows::HASHES,
        rows::ELLIPSIS,
        rows::BULLETS,
        rows::END_ELLIPSIS,
        rows::ALPHA,
        rows::STOP_WORDS,
    ],
    other_measures: &[],
    zero_is_off: true,
};

/// The first failing check, in the reference's order.
pub fn decide(m: &Measures, t: &GopherQuality, lang: &str) -> Option<Rejection> {
    decide_into(m, t, lang, &mut Measured::off())
}

/// [`decide`], recording the measures into `sink`.
pub fn decide_into(m: &Measures, t: &GopherQuality, lang: &str, sink: &mut Measured) -> Option<Rejection> {
    let w = m.words as f64;
    let mut checks = vec![
        Check::new(&rows::SHORT_DOC, w, t.min_doc_words),
        Check::new(&rows::LONG_DOC, w, t.max_doc_words),
    ];
    if m.words > 0 {
        let avg = m.avg_word_length;
        checks.push(Check::new(&rows::SHORT_WORDS, avg, t.min_avg_word_length));
        checks.push(Check::new(&rows::LONG_WORDS, avg, t.max_avg_word_length));
    }
    if m.tokens > 0 {
        checks.extend([
            Check::new(&rows::HASHES, m.hash_ratio, t.max_symbol_word_ratio),
            Check::new(&rows::ELLIPSIS, m.ellipsis_ratio, t.max_symbol_word_ratio),
            Check::new(&rows::BULLETS, m.bullet_lines_ratio, t.max_bullet_lines_ratio),
            Check::new(&rows::END_ELLIPSIS, m.ellipsis_lines_ratio, t.max_ellipsis_lines_ratio),
            Check::new(&rows::ALPHA, m.alpha_words_ratio, t.max_non_alpha_words_ratio),
            Check::new(&rows::STOP_WORDS, m.stop_words as f64, t.min_stop_words),
        ]);
    }
    first_failing(&checks, FILTER.zero_is_off, lang, sink)
}

/// Measures and decides one document with the settings of its language.
pub fn check(doc: &mut Document, f: &ForLang<GopherQuality>, counters: &mut Counters) -> Option<Rejection> {
    judge(doc, f, counters, &mut Measured::off())
}

/// [`check`], recording the measures into `sink`.
pub fn judge(
    doc: &mut Document,
    f: &ForLang<GopherQuality>,
    _counters: &mut Counters,
    sink: &mut Measured,
) -> Option<Rejection> {
    let mut tokens = Vec::new();
    f.words.split(&doc.text, &mut tokens);
    let m = measure(&doc.text, &tokens, &f.thresholds.stop_words);
    decide_into(&m, &f.thresholds, &f.lang, sink)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::words::{WordRules, WordSplitter};

    fn run(text: &str, t: &GopherQuality) -> Option<String> {
        let f = ForLang {
            thresholds: t.clone(),
            words: WordSplitter::new(&WordRules::default()),
            lang: "xx".into(),
        };
        check(&mut Document::new("d", text), &f, &mut Counters::default())
            .map(|r| format!("{}: {}", r.reason, r.detail.unwrap()))
    }

    fn english(n: usize) -> String {
        (0..n)
            .map(|i| ["the", "cat", "sat", "with", "a", "hat", "and", "smiled"][i % 8])
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn hand_checked_english() {
        let t = GopherQuality::default();
        assert_eq!(run(&english(80), &t), None);
        assert_eq!(run(&english(40), &t).unwrap(), "gopher_short_doc: words=40 < 50 (xx)");
        // 80 words of 2 letters: mean length 2
        assert_eq!(
            run(&"to ".repeat(80), &t).unwrap(),
            "gopher_below_avg_threshold: avg_word_length=2 < 3 (xx)"
        );
        // 60 words + 10 `#` tokens: 10/70 > 0.1
        let hashes = format!("{} {}", english(60), "# ".repeat(10));
        assert_eq!(
            run(&hashes, &t).unwrap(),
            "gopher_too_many_hashes: hash_ratio=0.1429 > 0.1 (xx)"
        );
        let bullets = (0..10)
            .map(|_| format!("- {}", english(8)))
            .collect::<Vec<_>>()
            .join("\n");
        assert_eq!(
            run(&bullets, &t).unwrap(),
            "gopher_too_many_bullets: bullet_lines_ratio=1 > 0.9 (xx)"
        );
        let ell = (0..10)
            .map(|_| format!("{}...", english(8)))
            .collect::<Vec<_>>()
            .join("\n");
        assert!(run(&ell, &t).unwrap().starts_with("gopher_too_many_ellipsis"));
        let numbers = format!("{} {}", english(50), "123 ".repeat(20));
        assert_eq!(
            run(&numbers, &t).unwrap(),
            "gopher_below_alpha_threshold: alpha_words_ratio=0.7143 < 0.8 (xx)"
        );
        let no_stop = "cat sat hat smiled ".repeat(20);
        assert_eq!(
            run(&no_stop, &t).unwrap(),
            "gopher_enough_stop_words: stop_words=0 < 2 (xx)"
        );
    }

    #[test]
    fn other_languages_and_scripts() {
        let mut t = GopherQuality {
            stop_words: StopSet::of(&["και", "το", "να"]),
            ..Default::default()
        };
        let el = "και το σπίτι να είναι μεγάλο ".repeat(10);
        assert_eq!(run(&el, &t), None);
        // Finnish: long words; the English bound drops good text, a calibrated one keeps it
        // mean length (23 + 13 + 9 + 14 + 18 + 2 + 5) / 7 = 12
        let fi =
            "Perustuslakivaliokunnan puheenjohtaja esitteli lakiehdotuksen yksityiskohtaisesti ja siitä ".repeat(8);
        t.stop_words = StopSet::of(&["ja", "siitä"]);
        assert!(run(&fi, &t).unwrap().starts_with("gopher_above_avg_threshold"));
        t.max_avg_word_length = 12.5;
        assert_eq!(run(&fi, &t), None);
        assert!(run("", &GopherQuality::default())
            .unwrap()
            .starts_with("gopher_short_doc"));
    }
}
