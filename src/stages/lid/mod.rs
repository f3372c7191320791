//! `language_id`: fastText language identification (lid.176 embedded;
//! GlotLID/OpenLID by path), thresholds per language from `langs/`.

pub mod labels;
pub mod model;
pub mod ngram;
pub mod refine;
pub mod train;

use std::path::PathBuf;
use std::sync::Arc;

use serde::{Deserialize, Deserializer};
use serde_json::{json, Value};

use super::{BuiltOnce, Stage, StageConfig, TaskContext, ValidateContext, Verdict};
use crate::document::Document;
use crate::fasttext::{Model, Scratch};
use crate::langs::{Langs, EU24};
use crate::meta_schema::{list_of, MetaField, MetaType};
use crate::stages::contract::Describe;
use crate::stats::Counters;

/// Which languages are kept.
#[derive(Debug, Clone, PartialEq)]
pub enum LanguageSet {
    /// The 24 official EU languages.
    Eu24,
    /// These ISO 639-1 codes (or the model's codes for others).
    List(Vec<String>),
}

impl<'de> Deserialize<'de> for LanguageSet {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            One(String),
            Many(Vec<String>),
        }
        match Raw::deserialize(d)? {
            Raw::One(s) if s == "eu24" => Ok(LanguageSet::Eu24),
            Raw::One(s) => Err(serde::de::Error::custom(format!(
                "`languages: {s}`: use `eu24` or a list of codes like [mt, ga]"
            ))),
            Raw::Many(v) => Ok(LanguageSet::List(v)),
        }
    }
}

impl serde::Serialize for LanguageSet {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            LanguageSet::Eu24 => s.serialize_str("eu24"),
            LanguageSet::List(v) => serde::Serialize::serialize(v, s),
        }
    }
}

impl schemars::JsonSchema for LanguageSet {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "LanguageSet".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "`eu24` (the 24 official EU languages) or a list of ISO 639-1 codes",
            "anyOf": [
                {"const": "eu24"},
                {"type": "array", "items": {"type": "string"}}
            ]
        })
    }
}

impl LanguageSet {
    /// True when `lang` is kept.
    pub fn contains(&self, lang: &str) -> bool {
        match self {
            LanguageSet::Eu24 => EU24.contains(&lang),
            LanguageSet::List(v) => v.iter().any(|l| l == lang),
        }
    }
}

/// What happens to documents outside the language set or under threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Other {
    /// Drop them (reasons `other_language`, `low_score`, `no_text`).
    Drop,
    /// Keep them, labelled with their language (`und` under threshold), so
    /// `partition_by: lang` routes them to their own folders.
    Keep,
}

fn eu24() -> LanguageSet {
    LanguageSet::Eu24
}
fn half() -> f32 {
    0.5
}
fn langs_dir() -> PathBuf {
    PathBuf::from("langs")
}
fn three() -> usize {
    3
}
fn drop_other() -> Other {
    Other::Drop
}
fn sample() -> usize {
    10_000
}
fn yes() -> bool {
    true
}

/// fastText LID (lid.176 compiled in; GlotLID/OpenLID by path), ISO 639-1 codes, per-language
/// thresholds from `langs/<iso>.yaml`, drop or route other languages.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LanguageIdConfig {
    /// fastText model file (.bin/.ftz); the embedded lid.176 when absent.
    #[serde(default)]
    pub model: Option<PathBuf>,
    /// Languages kept.
    #[serde(default = "eu24")]
    pub languages: LanguageSet,
    /// Threshold for languages whose langs/ file sets none.
    #[serde(default = "half")]
    pub min_score: f32,
    /// Folder of per-language settings (`lid_threshold`).
    #[serde(default = "langs_dir")]
    pub langs_dir: PathBuf,
    /// How many top predictions go to `metadata.lid_top` (0: none).
    #[serde(default = "three")]
    pub keep_top_k: usize,
    /// Other languages and low scores: drop, or keep labelled (und under threshold).
    #[serde(default = "drop_other")]
    pub other: Other,
    /// Characters of a document the prediction reads (prefix); bounds the
    /// cost of huge documents.
    #[serde(default = "sample")]
    pub sample_chars: usize,
    /// When the model's top label is outside `languages`, take the best kept
    /// language of its top 20 instead, if that clears its own threshold. The
    /// model splits Croatian with sr/bs/sh and Danish with no; without this a
    /// third of Croatian text is lost. Text in those sibling languages is then
    /// labelled with the kept one; set false to drop it as another language.
    #[serde(default = "yes")]
    pub closed_set: bool,
    /// Second stage (`refine.rs`): within groups of languages fastText
    /// confuses, an n-gram model decides. It runs before `closed_set`,
    /// which then applies only where the second stage did not decide.
    #[serde(default = "yes")]
    pub refine: bool,
    /// n-gram model file from `eurocurate lid train`; the embedded one when absent.
    #[serde(default)]
    pub refine_model: Option<PathBuf>,
    /// The langs/ settings, read once for validation and every task.
    #[serde(skip)]
    langs: BuiltOnce<Langs>,
}

impl Describe for LanguageIdConfig {
    const KIND: &'static str = "language_id";
    /// A filter without a threshold table: its score and label are metadata already (`lang_score`, `lid_label`); per-language thresholds come from langs files, so only the verdict is annotated.
    const FILTER: Option<&'static crate::stages::annotate::FilterDecl> = Some(&crate::stages::annotate::FilterDecl {
        thresholds: &[],
        other_measures: &[],
        zero_is_off: false,
    });
    const LANGS_KEYS: &'static [&'static str] = &["lid_threshold"];
}

impl LanguageIdConfig {
    /// Per-language settings from `langs_dir`.
    pub fn langs(&self) -> anyhow::Result<Arc<Langs>> {
        self.langs.get_or_build(|| Langs::resolve(&self.langs_dir))
    }
}

impl StageConfig for LanguageIdConfig {
    fn reads(&self) -> anyhow::Result<Vec<crate::stages::FileDigest>> {
        let mut files = Langs::digests(&self.langs_dir)?;
        for m in [&self.model, &self.refine_model].into_iter().flatten() {
            files.push(crate::stages::file_digest(m)?);
        }
        Ok(files)
    }

    fn metadata(&self) -> Vec<MetaField> {
        let s = |name: &str, doc: &str| MetaField::new(name, MetaType::Str, doc);
        vec![
            MetaField::new(
                "lid_top",
                list_of(&[("lang", MetaType::Str), ("score", MetaType::Float)]),
                "best language labels with their scores, best first (language_id)",
            ),
            s("lid_label", "the model's own label of the best language (language_id)"),
            s(
                "lid_script",
                "script of the best label, for models that name one (language_id)",
            ),
            s("lid_model", "the language-ID model used (language_id)"),
            s(
                "lid_refined",
                "fastText's language when the n-gram second stage chose another (language_id)",
            ),
        ]
    }

    fn validate(&self, _ctx: &ValidateContext) -> anyhow::Result<()> {
        anyhow::ensure!(
            (0.0..=1.0).contains(&self.min_score),
            "language_id: min_score {} is not in 0..=1",
            self.min_score
        );
        anyhow::ensure!(self.sample_chars > 0, "language_id: sample_chars must be positive");
        self.langs()?;
        if self.refine {
            refine::load(self.refine_model.as_deref())?;
        }
        model::load(self.model.as_deref()).map(|_| ())
    }

    fn build(&self, _ctx: &TaskContext) -> anyhow::Result<Box<dyn Stage>> {
        Ok(Box::new(LanguageId {
            model: model::load(self.model.as_deref())?,
            langs: self.langs()?,
            model_name: self
                .model
                .as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_else(|| model::EMBEDDED_NAME.into()),
            refiner: if self.refine {
                Some(refine::load(self.refine_model.as_deref())?)
            } else {
                None
            },
            cfg: self.clone(),
            line: String::new(),
            scratch: Scratch::default(),
        }))
    }
}

/// One prediction, decoded.
#[derive(Debug, Clone, PartialEq)]
pub struct Prediction {
    pub label: labels::Label,
    pub score: f32,
}

/// Prepares text the way fastText's own tools feed it: one line (newlines
/// become spaces), at most `max_chars` characters, ending in a newline so
/// the end-of-sentence token is counted as in `fasttext predict`.
pub fn prepare(text: &str, max_chars: usize, out: &mut String) {
    out.clear();
    let end = text.char_indices().nth(max_chars).map(|(i, _)| i).unwrap_or(text.len());
    out.extend(
        text[..end]
            .chars()
            .map(|c| if c == '\n' || c == '\r' { ' ' } else { c }),
    );
    out.push('\n');
}

/// Top-`k` predictions for `text` (already prepared); `scratch` holds the
/// buffers reused between calls.
pub fn predict(model: &Model, scratch: &mut Scratch, prepared: &str, k: usize) -> Vec<Prediction> {
    model
        .predict_with(scratch, prepared, k.max(1), 0.0)
        .into_iter()
        .map(|(label, prob)| Prediction {
            label: labels::decode(label),
            score: prob.min(1.0),
        })
        .collect()
}

/// The per-task stage.
pub struct LanguageId {
    model: Arc<Model>,
    langs: Arc<Langs>,
    model_name: String,
    refiner: Option<Arc<refine::Refiner>>,
    cfg: LanguageIdConfig,
    line: String,
    scratch: Scratch,
}

impl Stage for LanguageId {
    fn process(&mut self, doc: &mut Document, counters: &mut Counters) -> anyhow::Result<Verdict> {
        if !doc.text.chars().any(char::is_alphabetic) {
            counters.add("no_text", 1);
            doc.lang = Some("und".into());
            doc.lang_score = Some(0.0);
            return Ok(match self.cfg.other {
                Other::Drop => Verdict::drop("no_text"),
                Other::Keep => Verdict::Keep,
            });
        }
        prepare(&doc.text, self.cfg.sample_chars, &mut self.line);
        let k = if self.cfg.closed_set || self.refiner.is_some() {
            20
        } else {
            self.cfg.keep_top_k.max(1)
        };
        let mut preds = predict(&self.model, &mut self.scratch, &self.line, k);
        let refined = self.refiner.as_ref().and_then(|r| r.refine(&self.line, &preds));
        if let Some(r) = &refined {
            if r.lang != preds[0].label.lang {
                doc.meta
                    .insert("lid_refined".into(), Value::String(preds[0].label.lang.clone()));
                counters.add(&format!("refined:{}>{}", preds[0].label.lang, r.lang), 1);
            }
            // Keep fastText's own label for the chosen language when it has one.
            let label = match preds.iter().position(|p| p.label.lang == r.lang) {
                Some(i) => preds.remove(i).label,
                None => labels::Label {
                    lang: r.lang.clone(),
                    script: None,
                    raw: r.lang.clone(),
                },
            };
            preds.insert(0, Prediction { label, score: r.score });
        }
        if self.cfg.closed_set && refined.is_none() {
            // The model's top label is outside the set: take the best kept
            // language instead, if it clears its own threshold.
            if let Some(i) = preds.iter().position(|p| self.cfg.languages.contains(&p.label.lang)) {
                let t = self.langs.lid_threshold(&preds[i].label.lang, self.cfg.min_score);
                if i > 0 && preds[i].score >= t {
                    let best = preds.remove(i);
                    counters.add(&format!("promoted:{}>{}", preds[0].label.lang, best.label.lang), 1);
                    preds.insert(0, best);
                }
            }
        }
        preds.truncate(self.cfg.keep_top_k.max(1));
        let Some(top) = preds.first() else {
            doc.lang = Some("und".into());
            return Ok(match self.cfg.other {
                Other::Drop => Verdict::drop("no_text"),
                Other::Keep => Verdict::Keep,
            });
        };
        let lang = top.label.lang.clone();
        if self.cfg.keep_top_k > 0 {
            let list: Vec<Value> = preds
                .iter()
                .map(|p| json!({"lang": p.label.lang, "score": p.score}))
                .collect();
            doc.meta.insert("lid_top".into(), Value::Array(list));
        }
        doc.meta
            .insert("lid_label".into(), Value::String(top.label.raw.clone()));
        if let Some(s) = &top.label.script {
            doc.meta.insert("lid_script".into(), Value::String(s.clone()));
        }
        doc.meta
            .insert("lid_model".into(), Value::String(self.model_name.clone()));
        let threshold = self.langs.lid_threshold(&lang, self.cfg.min_score);
        doc.lang_score = Some(top.score);
        counters.add(&format!("predicted:{lang}"), 1);
        if !self.cfg.languages.contains(&lang) {
            doc.lang = Some(lang.clone());
            return Ok(match self.cfg.other {
                Other::Drop => Verdict::drop_with("other_language", format!("{lang} {:.3}", top.score)),
                Other::Keep => Verdict::Keep,
            });
        }
        if top.score < threshold {
            doc.lang = Some("und".into());
            return Ok(match self.cfg.other {
                Other::Drop => Verdict::drop_with("low_score", format!("{lang} {:.3} < {threshold}", top.score)),
                Other::Keep => Verdict::Keep,
            });
        }
        counters.add(&format!("docs:{lang}"), 1);
        counters.add(&format!("bytes:{lang}"), doc.text.len() as u64);
        doc.lang = Some(lang);
        Ok(Verdict::Keep)
    }
}

#[cfg(test)]
mod refine_tests;
#[cfg(test)]
mod tests;
