//! `sample`: keeps a seeded, reproducible fraction of documents.
//!
//! The decision is a hash of the document id and the seed, so it is the same
//! whatever the number of tasks or workers, and the same on every rerun.

use serde::Deserialize;

use super::{Stage, StageConfig, TaskContext, Verdict};
use crate::document::Document;
use crate::stages::contract::Describe;
use crate::stats::Counters;

/// Reproducible fraction by a seeded hash of the id.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SampleConfig {
    /// Fraction of documents kept.
    pub rate: f64,
    /// Change it to draw a different sample.
    #[serde(default)]
    pub seed: u64,
}

impl Describe for SampleConfig {
    const KIND: &'static str = "sample";
}

impl StageConfig for SampleConfig {
    fn validate(&self, _ctx: &super::ValidateContext) -> anyhow::Result<()> {
        anyhow::ensure!(
            self.rate > 0.0 && self.rate <= 1.0,
            "sample: `rate: {}` must be in (0, 1]",
            self.rate
        );
        Ok(())
    }

    fn build(&self, _ctx: &TaskContext) -> anyhow::Result<Box<dyn Stage>> {
        Ok(Box::new(self.clone()))
    }
}

impl Stage for SampleConfig {
    fn process(&mut self, doc: &mut Document, _counters: &mut Counters) -> anyhow::Result<Verdict> {
        let h = xxhash_rust::xxh3::xxh3_64_with_seed(doc.id.as_bytes(), self.seed);
        // Top 53 bits as a uniform number in [0, 1).
        let u = (h >> 11) as f64 / (1u64 << 53) as f64;
        Ok(if u < self.rate {
            Verdict::Keep
        } else {
            Verdict::drop("not_sampled")
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_about_the_rate_and_is_reproducible() {
        let mut s = SampleConfig { rate: 0.25, seed: 7 };
        let mut c = Counters::default();
        let kept: Vec<bool> = (0..10_000)
            .map(|i| s.process(&mut Document::new(format!("doc-{i}"), "x"), &mut c).unwrap() == Verdict::Keep)
            .collect();
        let n = kept.iter().filter(|k| **k).count();
        assert!((2300..2700).contains(&n), "{n}");
        let again: Vec<bool> = (0..10_000)
            .map(|i| s.process(&mut Document::new(format!("doc-{i}"), "x"), &mut c).unwrap() == Verdict::Keep)
            .collect();
        assert_eq!(kept, again);
        let mut other = SampleConfig { rate: 0.25, seed: 8 };
        let differ = (0..1000)
            .filter(|i| {
                (other
                    .process(&mut Document::new(format!("doc-{i}"), "x"), &mut c)
                    .unwrap()
                    == Verdict::Keep)
                    != kept[*i]
            })
            .count();
        assert!(differ > 100, "a new seed draws a new sample");
    }
}
