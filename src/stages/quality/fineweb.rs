//! `fineweb_quality`: FineWeb's line rules (Penedo et al. 2024), as
//! datatrove's `FineWebQualityFilter`: share of lines ending in terminal
//! punctuation, share of short lines, characters in duplicate lines, and
//! newlines per word (list-like pages).

use super::{chars, find_duplicates, first_failing, quality_filter, Check, ForLang, Measured};
use crate::document::Document;
use crate::stages::Rejection;
use crate::stats::Counters;
use crate::text::punct;

quality_filter! {
    kind: "fineweb_quality",
    layer: fineweb_quality,
    summary: "FineWeb line rules: punctuated lines, short lines, duplicate line characters, newlines per word.",
    config: FinewebQualityConfig,
    values: FinewebQualityValues,
    resolved: FinewebQuality,
    check: judge,
    filter: FILTER,
    fields {
        line_punct_thr: f64 = 0.12 => "Fewest lines ending in terminal punctuation, share",
        line_punct_exclude_zero: bool = false => "Keep pages where no line ends in punctuation",
        short_line_thr: f64 = 0.67 => "Most short lines, share",
        short_line_length: f64 = 30.0 => "A line this long or shorter is short, characters",
        char_duplicates_ratio: f64 = 0.01 => "Most characters in duplicate lines, share",
        new_line_ratio: f64 = 0.3 => "Most newlines per word",
    }
}

/// What the filter measures on one document.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Measures {
    pub lines: usize,
    pub line_punct_ratio: f64,
    pub short_line_ratio: f64,
    pub char_dup_ratio: f64,
    pub new_line_ratio: f64,
}

/// Measures `text` split into `tokens`.
pub fn measure(text: &str, tokens: &[&str], short_line_length: f64) -> Measures {
    let lines: Vec<&str> = text.split('\n').filter(|l| !l.trim().is_empty()).collect();
    if lines.is_empty() {
        return Measures::default();
    }
    let n = lines.len() as f64;
    let term = punct::terminal();
    let punct = lines
        .iter()
        .filter(|l| l.chars().next_back().is_some_and(|c| term.contains(c)))
        .count();
    let short = lines.iter().filter(|l| chars(l) as f64 <= short_line_length).count();
    let (_, dup_chars) = find_duplicates(lines.iter().copied());
    let newlines = text.bytes().filter(|b| *b == b'\n').count();
    let non_newline = (chars(text) - newlines).max(1);
    Measures {
        lines: lines.len(),
        line_punct_ratio: punct as f64 / n,
        short_line_ratio: short as f64 / n,
        char_dup_ratio: dup_chars as f64 / non_newline as f64,
        new_line_ratio: newlines as f64 / tokens.len().max(1) as f64,
    }
}

/// The threshold table: which parameter bounds which measure, and the
/// reason a failing document is dropped for (read by `whatif` too).
pub mod rows {
    use crate::stages::annotate::Threshold;
    pub const PUNCT: Threshold = Threshold::min("line_punct_ratio", "line_punct_ratio", "line_punct_thr");
    pub const SHORT: Threshold = Threshold::max("short_line_ratio", "short_line_ratio", "short_line_thr");
    pub const DUP: Threshold = Threshold::max("char_dup_ratio", "char_dup_ratio", "char_duplicates_ratio");
    pub const LIST: Threshold = Threshold::max("list_ratio", "new_line_ratio", "new_line_ratio");
}

/// What `mode: annotate` and `whatif` know of this filter.
pub const FILTER: crate::stages::annotate::FilterDecl = crate::stages::annotate::FilterDecl {
    thresholds: &[rows::PUNCT, rows::SHORT, rows::DUP, rows::LIST],
    other_measures: &[],
    zero_is_off: false,
};

/// The first failing check, in the reference's order.
pub fn decide(m: &Measures, t: &FinewebQuality, lang: &str) -> Option<Rejection> {
    decide_into(m, t, lang, &mut Measured::off())
}

/// [`decide`], recording the measures into `sink`. With
/// `line_punct_exclude_zero`, a page without punctuated lines has no
/// punctuation check at all (its measure stays unrecorded).
pub fn decide_into(m: &Measures, t: &FinewebQuality, lang: &str, sink: &mut Measured) -> Option<Rejection> {
    if m.lines == 0 {
        return Some(Rejection::new("empty"));
    }
    let mut checks = Vec::with_capacity(4);
    if !(m.line_punct_ratio == 0.0 && t.line_punct_exclude_zero) {
        checks.push(Check::new(&rows::PUNCT, m.line_punct_ratio, t.line_punct_thr));
    }
    checks.extend([
        Check::new(&rows::SHORT, m.short_line_ratio, t.short_line_thr),
        Check::new(&rows::DUP, m.char_dup_ratio, t.char_duplicates_ratio),
        Check::new(&rows::LIST, m.new_line_ratio, t.new_line_ratio),
    ]);
    first_failing(&checks, FILTER.zero_is_off, lang, sink)
}

/// Measures and decides one document with the settings of its language.
pub fn check(doc: &mut Document, f: &ForLang<FinewebQuality>, counters: &mut Counters) -> Option<Rejection> {
    judge(doc, f, counters, &mut Measured::off())
}

/// [`check`], recording the measures into `sink`.
pub fn judge(
    doc: &mut Document,
    f: &ForLang<FinewebQuality>,
    _counters: &mut Counters,
    sink: &mut Measured,
) -> Option<Rejection> {
    let mut tokens = Vec::new();
    f.words.split(&doc.text, &mut tokens);
    decide_into(
        &measure(&doc.text, &tokens, f.thresholds.short_line_length),
        &f.thresholds,
        &f.lang,
        sink,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::words::WordSplitter;

    fn reason(text: &str) -> Option<String> {
        let mut t = Vec::new();
        WordSplitter::default().split(text, &mut t);
        decide(&measure(text, &t, 30.0), &FinewebQuality::default(), "en")
            .map(|r| format!("{}: {}", r.reason, r.detail.unwrap_or_default()))
    }

    #[test]
    fn hand_checked() {
        let long = "This line is long enough to not count as a short one at all.";
        assert_eq!(
            reason(&format!("{long}\nAnother long line that also ends properly, see.")),
            None
        );
        assert_eq!(reason("\n \n"), Some("empty: ".into()));
        // 1 of 9 lines punctuated: 0.111 < 0.12
        let mut lines: Vec<String> = (0..8).map(|i| format!("{long} item {i}")).collect();
        lines.push(long.into());
        assert_eq!(
            reason(&lines.join("\n")).unwrap(),
            "line_punct_ratio: line_punct_ratio=0.1111 < 0.12 (en)"
        );
        let short = format!("{long}\nHome.\nAbout.\nContact.");
        assert_eq!(
            reason(&short).unwrap(),
            "short_line_ratio: short_line_ratio=0.75 > 0.67 (en)"
        );
        let dup = format!("{long}\n{long}\nA different closing line that is long enough.");
        assert!(reason(&dup).unwrap().starts_with("char_dup_ratio"));
        let list = "Eins zwei drei.\nVier fünf sechs.\nSieben acht neun.\nZehn elf zwölf.";
        assert!(reason(list).unwrap().starts_with("short_line_ratio"));
        let listy = "Πρώτη γραμμή είναι αρκετά μεγάλη για να μετρήσει.\nΔεύτερη γραμμή επίσης αρκετά μεγάλη εδώ.\nΤρίτη γραμμή, και αυτή μεγάλη αρκετά.\nΤέταρτη.";
        assert_eq!(reason(listy), None);
        // a list of one-word lines: 5 newlines for 6 tokens
        let items = "Milk and bread for the week.\nEggs\nTea\nRice\nOats\nFlour";
        assert!(reason(items).unwrap().starts_with("short_line_ratio"));
    }
}
