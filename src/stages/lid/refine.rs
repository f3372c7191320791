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

/// Probability from which fastText's second and third labels also bring
/// their groups into the decision.
pub const ALSO: f32 = 0.05;

/// fastText probability under which the n-gram model chooses among all
/// its languages, not only the groups of fastText's labels.
pub const UNSURE: f32 = 0.5;

/// Characters of the text the n-gram model reads: enough to tell close
/// languages apart, and it bounds the second stage's cost on long documents.
pub const REFINE_CHARS: usize = 500;

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
                    for (c, name) in model.langs.iter().enumerate() {
                        if lang_of(name) == member && !entry.0.contains(&c) {
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

    /// Decides within the groups of fastText's likely labels (the best, and
    /// the next two when they have at least [`ALSO`] probability: Irish text
    /// labelled Spanish with Irish second still reaches the Irish group), or
    /// `None` when none of them is in a group (fastText's answer stands).
    pub fn refine(&self, text: &str, preds: &[Prediction]) -> Option<Refined> {
        let top = preds.first()?;
        let mut candidates: Vec<usize> = Vec::new();
        let likely: Vec<&Prediction> = preds
            .iter()
            .take(3)
            .filter(|p| std::ptr::eq(*p, top) || p.score >= ALSO)
            .collect();
        for p in &likely {
            if let Some((c, _)) = self.by_label.get(&p.label.lang) {
                candidates.extend(c);
            }
        }
        if top.score < UNSURE {
            // fastText is unsure: the n-gram model decides among all its
            // languages (short Irish or Maltese text often gets a wrong,
            // low-probability label outside its group).
            candidates.extend(0..self.model.langs.len());
        }
        if candidates.is_empty() {
            return None;
        }
        // The likely labels themselves compete too (French text with English
        // second must be able to stay French).
        for p in &likely {
            for (c, name) in self.model.langs.iter().enumerate() {
                if lang_of(name) == p.label.lang {
                    candidates.push(c);
                }
            }
        }
        candidates.sort_unstable();
        candidates.dedup();
        let end = text.char_indices().nth(REFINE_CHARS).map_or(text.len(), |(i, _)| i);
        let (best, margin) = self.model.best(&text[..end], &candidates)?;
        let lang = lang_of(&self.model.langs[best]);
        // Confidence: fastText's probability that the text is one of the
        // languages the second stage chose among (their labels and the
        // groups' other labels such as `sh`).
        let score: f32 = preds
            .iter()
            .filter(|p| {
                candidates
                    .iter()
                    .any(|&c| lang_of(&self.model.langs[c]) == p.label.lang)
                    || likely.iter().any(|l| {
                        self.by_label
                            .get(&l.label.lang)
                            .is_some_and(|(_, m)| m.contains(&p.label.lang))
                    })
            })
            .map(|p| p.score)
            .sum();
        Some(Refined {
            lang: lang.to_string(),
            score: score.min(1.0),
            margin,
        })
    }
}

/// The language of a model class: classes may be split by script
/// (`sr_cyrl`), as one class per script keeps each script's n-gram
/// probabilities whole.
pub fn lang_of(class: &str) -> &str {
    class.split('_').next().unwrap_or(class)
}

static CACHE: OnceLock<Mutex<FxHashMap<String, Arc<Refiner>>>> = OnceLock::new();

/// The model at `path`, or the embedded one when `None`; loaded once per
/// process.
pub fn load(path: Option<&Path>) -> anyhow::Result<Arc<Refiner>> {
    let key = path.map(|p| p.display().to_string()).unwrap_or_default();
    let cache = CACHE.get_or_init(|| Mutex::new(FxHashMap::default()));
    let mut guard = cache
        .lock()
        .map_err(|_| anyhow::anyhow!("n-gram model cache poisoned"))?;
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
