//! `exact_dedup` (barrier): removes documents whose normalised text is
//! identical to an earlier one. The first occurrence in input order wins.
//! The phases are those of [`super::keyed`].

use anyhow::bail;
use serde::Deserialize;
use xxhash_rust::xxh3::Xxh3;

use super::keyed::DedupKey;
use crate::document::Document;
use crate::stages::contract::{Describe, Role};
use crate::stages::{Barrier, Stage, StageConfig, TaskContext};

/// How text is normalised before hashing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum HashText {
    /// Byte-identical text only.
    None,
    /// Ignore differences in runs of whitespace and leading/trailing space.
    Whitespace,
    /// Also ignore case.
    Lowercase,
}

/// xxh3-128 of normalised text, first occurrence kept.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExactDedupConfig {
    /// What differences do not count.
    #[serde(default = "ws")]
    pub normalize: HashText,
    /// Only documents of the same language count as duplicates.
    #[serde(default)]
    pub per_language: bool,
    /// Hash buckets = tasks of the reduce phase (default: upstream tasks).
    #[serde(default)]
    pub buckets: Option<usize>,
}

fn ws() -> HashText {
    HashText::Whitespace
}

impl Describe for ExactDedupConfig {
    const KIND: &'static str = "exact_dedup";
    const ROLE: Role = Role::Barrier;
}

impl StageConfig for ExactDedupConfig {
    fn validate(&self, _ctx: &crate::stages::ValidateContext) -> anyhow::Result<()> {
        if self.buckets == Some(0) {
            bail!("exact_dedup: `buckets: 0`; use at least one bucket");
        }
        Ok(())
    }

    fn build(&self, _ctx: &TaskContext) -> anyhow::Result<Box<dyn Stage>> {
        bail!("exact_dedup is a barrier and runs as collect/reduce/filter phases")
    }

    fn as_barrier(&self) -> Option<&dyn Barrier> {
        Some(self)
    }
}

impl DedupKey for ExactDedupConfig {
    fn key(&self, doc: &Document) -> Option<u128> {
        Some(self.hash(doc))
    }

    fn buckets(&self, upstream_tasks: usize) -> usize {
        self.buckets.unwrap_or(upstream_tasks).max(1)
    }

    fn reason(&self) -> &'static str {
        "duplicate"
    }
}

impl ExactDedupConfig {
    /// The 128-bit hash of a document under this config.
    pub fn hash(&self, doc: &Document) -> u128 {
        let mut h = Xxh3::new();
        if self.per_language {
            h.update(doc.lang_or_und().as_bytes());
            h.update(&[0]);
        }
        match self.normalize {
            HashText::None => h.update(doc.text.as_bytes()),
            HashText::Whitespace | HashText::Lowercase => {
                let mut first = true;
                for word in doc.text.split_whitespace() {
                    if !first {
                        h.update(b" ");
                    }
                    first = false;
                    if self.normalize == HashText::Lowercase {
                        h.update(word.to_lowercase().as_bytes());
                    } else {
                        h.update(word.as_bytes());
                    }
                }
            }
        }
        h.digest128()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stages::dedup::keyed::run_in_memory;
    use crate::stages::Verdict;

    fn cfg(normalize: HashText) -> ExactDedupConfig {
        ExactDedupConfig {
            normalize,
            per_language: false,
            buckets: Some(3),
        }
    }

    #[test]
    fn hash_normalisation() {
        let a = Document::new("a", "Dia  duit\n a chara");
        let b = Document::new("b", "Dia duit a chara ");
        let c = Document::new("c", "DIA duit a chara");
        assert_ne!(cfg(HashText::None).hash(&a), cfg(HashText::None).hash(&b));
        assert_eq!(cfg(HashText::Whitespace).hash(&a), cfg(HashText::Whitespace).hash(&b));
        assert_ne!(cfg(HashText::Whitespace).hash(&a), cfg(HashText::Whitespace).hash(&c));
        assert_eq!(cfg(HashText::Lowercase).hash(&a), cfg(HashText::Lowercase).hash(&c));
    }

    #[test]
    fn collect_reduce_filter_keeps_first_occurrence() {
        let docs = [vec!["alpha", "beta", "alpha", "gamma"], vec!["beta", "delta", "alpha"]];
        let docs: Vec<Vec<Document>> = docs
            .iter()
            .enumerate()
            .map(|(t, texts)| {
                texts
                    .iter()
                    .enumerate()
                    .map(|(i, x)| Document::new(format!("t{t}-{i}"), *x))
                    .collect()
            })
            .collect();
        let verdicts: Vec<String> = run_in_memory(&cfg(HashText::Whitespace), &docs)
            .into_iter()
            .map(|(v, _)| match v {
                Verdict::Keep => "keep".to_string(),
                Verdict::Drop(r) => r.detail.unwrap(),
            })
            .collect();
        assert_eq!(
            verdicts,
            [
                "keep",
                "keep",
                "duplicate of t0-0",
                "keep",
                "duplicate of t0-1",
                "keep",
                "duplicate of t0-0"
            ]
        );
    }
}
