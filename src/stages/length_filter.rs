//! `length_filter`: drops documents outside character and word bounds.

use serde::Deserialize;

use super::{Stage, StageConfig, TaskContext, Verdict};
use crate::document::Document;
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
}

impl Stage for LengthFilterConfig {
    fn process(&mut self, doc: &mut Document, _counters: &mut Counters) -> anyhow::Result<Verdict> {
        if self.min_chars.is_some() || self.max_chars.is_some() {
            let n = doc.text.chars().count();
            if let Some(min) = self.min_chars.filter(|&m| n < m) {
                return Ok(Verdict::drop_with("too_few_chars", format!("{n} < {min}")));
            }
            if let Some(max) = self.max_chars.filter(|&m| n > m) {
                return Ok(Verdict::drop_with("too_many_chars", format!("{n} > {max}")));
            }
        }
        if self.min_words.is_some() || self.max_words.is_some() {
            let n = doc.text.split_whitespace().count();
            if let Some(min) = self.min_words.filter(|&m| n < m) {
                return Ok(Verdict::drop_with("too_few_words", format!("{n} < {min}")));
            }
            if let Some(max) = self.max_words.filter(|&m| n > m) {
                return Ok(Verdict::drop_with("too_many_words", format!("{n} > {max}")));
            }
        }
        Ok(Verdict::Keep)
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
