//! `length_filter`: drops documents outside character and word bounds.

use serde::Deserialize;

use super::{Stage, StageConfig, TaskContext, Verdict};
use crate::document::Document;
use crate::stages::annotate::{Bound, FilterDecl, Measured, Threshold};
use crate::stages::contract::Describe;
use crate::stats::Counters;

/// Bounds on characters and words.
///
/// Unset bounds are not checked.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LengthFilterConfig {
    /// Fewest characters (Unicode scalar values).
    #[serde(default)]
    pub min_chars: Option<usize>,
    /// Most characters.
    #[serde(default)]
    pub max_chars: Option<usize>,
    /// Fewest whitespace-separated words.
    #[serde(default)]
    pub min_words: Option<usize>,
    /// Most whitespace-separated words.
    #[serde(default)]
    pub max_words: Option<usize>,
}

impl Describe for LengthFilterConfig {
    const KIND: &'static str = "length_filter";
    const FILTER: Option<&'static FilterDecl> = Some(&FILTER);
}

impl StageConfig for LengthFilterConfig {
    fn validate(&self, _ctx: &super::ValidateContext) -> anyhow::Result<()> {
        for (what, lo, hi) in [
            ("chars", self.min_chars, self.max_chars),
            ("words", self.min_words, self.max_words),
        ] {
            if let (Some(lo), Some(hi)) = (lo, hi) {
                anyhow::ensure!(lo <= hi, "length_filter: min_{what} ({lo}) is larger than max_{what} ({hi}); every document would be dropped");
            }
        }
        Ok(())
    }

    fn build(&self, _ctx: &TaskContext) -> anyhow::Result<Box<dyn Stage>> {
        Ok(Box::new(self.clone()))
    }

    fn thresholds(&self) -> anyhow::Result<super::ResolvedThresholds> {
        let set = [
            ("min_chars", self.min_chars),
            ("max_chars", self.max_chars),
            ("min_words", self.min_words),
            ("max_words", self.max_words),
        ];
        let bounds = set
            .into_iter()
            .filter_map(|(k, v)| Some((k.to_string(), v? as f64)))
            .collect();
        Ok([("default".to_string(), bounds)].into())
    }
}

/// The threshold table (read by `mode: annotate` and `whatif`).
const MIN_CHARS: Threshold = Threshold::min("too_few_chars", "chars", "min_chars");
const MAX_CHARS: Threshold = Threshold::max("too_many_chars", "chars", "max_chars");
const MIN_WORDS: Threshold = Threshold::min("too_few_words", "words", "min_words");
const MAX_WORDS: Threshold = Threshold::max("too_many_words", "words", "max_words");

/// What `mode: annotate` and `whatif` know of this filter.
pub const FILTER: FilterDecl = FilterDecl {
    thresholds: &[MIN_CHARS, MAX_CHARS, MIN_WORDS, MAX_WORDS],
    other_measures: &[],
    zero_is_off: false,
};

impl Stage for LengthFilterConfig {
    fn process(&mut self, doc: &mut Document, counters: &mut Counters) -> anyhow::Result<Verdict> {
        self.judge(doc, counters, &mut Measured::off())
    }

    fn judge(&mut self, doc: &mut Document, _counters: &mut Counters, m: &mut Measured) -> anyhow::Result<Verdict> {
        let mut first: Option<Verdict> = None;
        // Annotate mode measures both, so that `whatif` can add a bound the run did not set.
        let annotating = m.on();
        if annotating || self.min_chars.is_some() || self.max_chars.is_some() {
            let n = doc.text.chars().count();
            m.set("chars", n as f64);
            check(&MIN_CHARS, n, self.min_chars, m, &mut first);
            check(&MAX_CHARS, n, self.max_chars, m, &mut first);
        }
        if (first.is_none() || annotating) && (annotating || self.min_words.is_some() || self.max_words.is_some()) {
            let n = doc.text.split_whitespace().count();
            m.set("words", n as f64);
            check(&MIN_WORDS, n, self.min_words, m, &mut first);
            check(&MAX_WORDS, n, self.max_words, m, &mut first);
        }
        Ok(first.unwrap_or(Verdict::Keep))
    }
}

/// One bound: records a failure, and keeps the first as the verdict.
fn check(row: &Threshold, n: usize, bound: Option<usize>, m: &mut Measured, first: &mut Option<Verdict>) {
    if let Some(b) = bound.filter(|&b| row.bound.fails(n as f64, b as f64)) {
        m.failed(row.reason);
        let op = if row.bound == Bound::Min { "<" } else { ">" };
        first.get_or_insert_with(|| Verdict::drop_with(row.reason, format!("{n} {op} {b}")));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_characters_not_bytes() {
        let mut f = LengthFilterConfig {
            min_chars: Some(5),
            max_chars: Some(6),
            min_words: None,
            max_words: None,
        };
        // Five Greek letters are ten bytes but five characters.
        let mut doc = Document::new("d", "αβγδε");
        assert_eq!(f.process(&mut doc, &mut Counters::default()).unwrap(), Verdict::Keep);
        let mut doc = Document::new("d", "αβγ");
        assert!(
            matches!(f.process(&mut doc, &mut Counters::default()).unwrap(), Verdict::Drop(r) if r.reason == "too_few_chars")
        );
    }

    #[test]
    fn word_bounds() {
        let mut f = LengthFilterConfig {
            min_chars: None,
            max_chars: None,
            min_words: Some(2),
            max_words: Some(3),
        };
        let mut c = Counters::default();
        assert!(
            matches!(f.process(&mut Document::new("a", "one"), &mut c).unwrap(), Verdict::Drop(r) if r.reason == "too_few_words")
        );
        assert_eq!(
            f.process(&mut Document::new("b", "one two"), &mut c).unwrap(),
            Verdict::Keep
        );
        assert!(
            matches!(f.process(&mut Document::new("c", "a b c d"), &mut c).unwrap(), Verdict::Drop(r) if r.reason == "too_many_words")
        );
    }
}
