//! The second stage of `language_id`: when fastText's best label belongs to
//! a group of languages it confuses, the n-gram model (`ngram.rs`) chooses
//! within the group. The groups include the non-EU neighbours (Serbian,
//! Bosnian, Norwegian, Galician, Catalan, Scottish Gaelic, Macedonian) as
//! classes of their own, so their text is named as what it is instead of
//! being relabelled as the closest EU language.

use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock};

use anyhow::Context;
use rustc_hash::FxHashMap;

use super::ngram::NgramModel;
use super::Prediction;

/// The embedded n-gram model (trained by `eurocurate lid train` on the
/// sources in models/README.md).
pub const EMBEDDED_NGRAM: &[u8] = include_bytes!("../../../models/lid-ngram.bin");

/// Name of the embedded model in metadata and messages.
pub const EMBEDDED_NAME: &str = "lid-ngram.bin (embedded)";

/// Groups of languages that lid.176 confuses, by its labels (`sh` and `no`
/// are its Serbo-Croatian and Norwegian labels: they only trigger the
/// group). English is in two groups (Maltese and Irish text is often
/// labelled English).
pub const GROUPS: &[&[&str]] = &[
    &["cs", "sk"],
    &["hr", "sl", "sr", "bs", "sh"],
    &["pt", "es", "gl", "ca"],
    &["da", "sv", "nb", "nn", "no"],
    &["mt", "it", "en"],
    &["ga", "gd", "en"],
    &["et", "fi"],
    &["lv", "lt"],
    &["bg", "mk"],
];

/// The model and, per fastText label, the candidate classes to score.
pub struct Refiner {
    model: NgramModel,
    /// fastText label → (candidate class indexes, labels whose probability
    /// counts for the group).
    by_label: FxHashMap<String, (Vec<usize>, Vec<String>)>,
}

/// The second stage's decision.
#[derive(Debug, Clone, PartialEq)]
pub struct Refined {
    /// The language chosen by the n-gram model.
    pub lang: String,
    /// fastText's probability of the whole group (the confidence that the
    /// text is one of these languages).
    pub score: f32,
    /// The n-gram model's margin over the runner-up, per feature.
    pub margin: f32,
}

impl Refiner {
    /// Wraps a model, with candidate sets limited to the classes it has.
    pub fn new(model: NgramModel) -> Self {
        let mut by_label: FxHashMap<String, (Vec<usize>, Vec<String>)> = FxHashMap::default();
        for group in GROUPS {
            for &label in *group {
                let entry = by_label.entry(label.to_string()).or_default();
                for &member in *group {
                    if let Some(c) = model.class(member) {
                        if !entry.0.contains(&c) {
                            entry.0.push(c);
                        }
                    }
                    if !entry.1.iter().any(|m| m == member) {
                        entry.1.push(member.to_string());
                    }
                }
            }
        }
        by_label.retain(|_, (c, _)| c.len() > 1);
        Self { model, by_label }
    }

    /// The model.
    pub fn model(&self) -> &NgramModel {
        &self.model
    }

    /// Decides within the group of fastText's best label, or `None` when
    /// that label is in no group (fastText's answer stands).
    pub fn refine(&self, text: &str, preds: &[Prediction]) -> Option<Refined> {
        let top = preds.first()?;
        let (candidates, members) = self.by_label.get(&top.label.lang)?;
        let (best, margin) = self.model.best(text, candidates)?;
        let score: f32 = preds
            .iter()
            .filter(|p| members.contains(&p.label.lang))
            .map(|p| p.score)
            .sum();
        Some(Refined {
            lang: self.model.langs[best].clone(),
            score: score.min(1.0),
            margin,
        })
    }
}

static CACHE: OnceLock<Mutex<FxHashMap<String, Arc<Refiner>>>> = OnceLock::new();

/// The model at `path`, or the embedded one when `None`; loaded once per
/// process.
pub fn load(path: Option<&Path>) -> anyhow::Result<Arc<Refiner>> {
    let key = path.map(|p| p.display().to_string()).unwrap_or_default();
    let cache = CACHE.get_or_init(|| Mutex::new(FxHashMap::default()));
    let mut guard = cache.lock().map_err(|_| anyhow::anyhow!("n-gram model cache poisoned"))?;
    if let Some(r) = guard.get(&key) {
        return Ok(r.clone());
    }
    let model = match path {
        None => NgramModel::from_bytes(EMBEDDED_NGRAM).context("the embedded n-gram model is damaged")?,
        Some(p) => {
            let bytes = std::fs::read(p).with_context(|| {
                format!(
                    "n-gram LID model {} cannot be read; make one with `eurocurate lid train`",
                    p.display()
                )
            })?;
            NgramModel::from_bytes(&bytes).with_context(|| format!("n-gram LID model {}", p.display()))?
        }
    };
    let r = Arc::new(Refiner::new(model));
    guard.insert(key, r.clone());
    Ok(r)
}
