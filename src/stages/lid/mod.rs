//! `language_id`: fastText language identification (lid.176 embedded;
//! GlotLID/OpenLID by path), an n-gram second stage within confusable
//! languages (`refine.rs`), thresholds per language from `langs/`, per
//! document or per line or paragraph (`lines.rs`).

pub mod labels;
pub mod lines;
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
fn forty() -> usize {
    40
}

/// fastText LID (lid.176 compiled in; GlotLID/OpenLID by path) with an n-gram second stage
/// within languages it confuses, ISO 639-1 codes, per-language thresholds from
/// `langs/<iso>.yaml`; per document, or per line or paragraph with each language's share
/// (mixed-language pages); drop or route other languages.
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
    /// `document`: one language per document. `line` or `paragraph` (blocks
    /// of lines between blank lines), for documents that mix languages:
    /// each unit is decided on its own (shorter ones take the language of
    /// the next unit); the document's language is the one with the most
    /// characters, `metadata.lid_shares` has each language's share.
    #[serde(default)]
    pub granularity: lines::Granularity,
    /// Line and paragraph granularity: units with fewer characters (after
    /// trimming) are not decided on their own; they take the language of
    /// the next unit (or of the last one at the end of the document).
    #[serde(default = "forty")]
    pub min_unit_chars: usize,
    /// Line and paragraph granularity: which units stay in a kept
    /// document's text (`all`, `kept_languages`: those in `languages`,
    /// `document_language`); removed units are counted per language and in
    /// `metadata.lid_units_dropped`.
    #[serde(default)]
    pub keep_units: lines::KeepUnits,
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
        let mut fields = vec![
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
        ];
        if self.granularity != lines::Granularity::Document {
            fields.push(MetaField::new(
                "lid_shares",
                list_of(&[("lang", MetaType::Str), ("share", MetaType::Float)]),
                "each language's share of the characters, largest first; `und` for units under their threshold (language_id, granularity line or paragraph)",
            ));
            fields.push(MetaField::new(
                "lid_units_dropped",
                MetaType::Int,
                "lines or paragraphs removed by `keep_units` (language_id)",
            ));
        }
        fields
    }

    fn validate(&self, _ctx: &ValidateContext) -> anyhow::Result<()> {
        anyhow::ensure!(
            (0.0..=1.0).contains(&self.min_score),
            "language_id: min_score {} is not in 0..=1",
            self.min_score
        );
        anyhow::ensure!(self.sample_chars > 0, "language_id: sample_chars must be positive");
        anyhow::ensure!(
            self.keep_units == lines::KeepUnits::All || self.granularity != lines::Granularity::Document,
            "language_id: keep_units removes lines or paragraphs; set granularity: line or paragraph"
        );
        self.langs()?;
        if self.refine {
            refine::load(self.refine_model.as_deref())?;
        }
        model::load(self.model.as_deref()).map(|_| ())
    }

    fn build(&self, _ctx: &TaskContext) -> anyhow::Result<Box<dyn Stage>> {
        Ok(Box::new(LanguageId {
            decider: Decider::new(self)?,
            model_name: self
                .model
                .as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_else(|| model::EMBEDDED_NAME.into()),
            cfg: self.clone(),
            units: lines::UnitLabeller::default(),
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
    // A text of at most `max_chars` bytes has at most that many characters:
    // most documents need no count.
    let end = if text.len() <= max_chars {
        text.len()
    } else {
        text.char_indices().nth(max_chars).map_or(text.len(), |(i, _)| i)
    };
    let text = &text[..end];
    let mut from = 0;
    for i in memchr::memchr2_iter(b'\n', b'\r', text.as_bytes()) {
        out.push_str(&text[from..i]);
        out.push(' ');
        from = i + 1;
    }
    out.push_str(&text[from..]);
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

/// What `language_id` decided for one text: a document, or one line or
/// paragraph of it (`granularity`).
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    /// Best predictions, the chosen language first (after the second stage
    /// and the closed set); empty only for [`Outcome::NoText`].
    pub preds: Vec<Prediction>,
    /// fastText's language when the second stage chose another.
    pub refined_from: Option<String>,
    /// fastText's top language when the closed set promoted a kept one.
    pub promoted_from: Option<String>,
    /// What happens to the text.
    pub outcome: Outcome,
}

/// The verdict on one text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Outcome {
    /// No letters (or no prediction): nothing to identify.
    NoText,
    /// A language of `languages`, at or over its threshold.
    Kept,
    /// A language outside `languages`.
    Other,
    /// Under the threshold of its language (the threshold).
    LowScore(f32),
}

impl Decision {
    /// The chosen language (`und` when there is none).
    pub fn lang(&self) -> &str {
        self.preds.first().map_or("und", |p| p.label.lang.as_str())
    }

    /// The chosen language's score (0 when there is none).
    pub fn score(&self) -> f32 {
        self.preds.first().map_or(0.0, |p| p.score)
    }

    /// The language a text with this decision is labelled with: `und` under
    /// the threshold or without text.
    pub fn label(&self) -> &str {
        match self.outcome {
            Outcome::Kept | Outcome::Other => self.lang(),
            Outcome::NoText | Outcome::LowScore(_) => "und",
        }
    }
}

/// The models and settings one task decides with, and its buffers.
pub struct Decider {
    model: Arc<Model>,
    langs: Arc<Langs>,
    refiner: Option<Arc<refine::Refiner>>,
    languages: LanguageSet,
    min_score: f32,
    keep_top_k: usize,
    sample_chars: usize,
    closed_set: bool,
    line: String,
    scratch: Scratch,
}

impl Decider {
    fn new(cfg: &LanguageIdConfig) -> anyhow::Result<Self> {
        Ok(Decider {
            model: model::load(cfg.model.as_deref())?,
            langs: cfg.langs()?,
            refiner: if cfg.refine {
                Some(refine::load(cfg.refine_model.as_deref())?)
            } else {
                None
            },
            languages: cfg.languages.clone(),
            min_score: cfg.min_score,
            keep_top_k: cfg.keep_top_k,
            sample_chars: cfg.sample_chars,
            closed_set: cfg.closed_set,
            line: String::new(),
            scratch: Scratch::default(),
        })
    }

    /// The threshold of `lang` (its langs/ file, else `min_score`).
    pub fn threshold(&self, lang: &str) -> f32 {
        self.langs.lid_threshold(lang, self.min_score)
    }

    /// True when `lang` is one of the kept languages.
    pub fn keeps(&self, lang: &str) -> bool {
        self.languages.contains(lang)
    }

    /// Decides the language of `text`: fastText on its first `sample_chars`
    /// characters, the second stage where fastText's likely labels are
    /// confusable, the closed set, the threshold.
    pub fn decide(&mut self, text: &str) -> Decision {
        let mut d = Decision {
            preds: Vec::new(),
            refined_from: None,
            promoted_from: None,
            outcome: Outcome::NoText,
        };
        if !text.chars().any(char::is_alphabetic) {
            return d;
        }
        prepare(text, self.sample_chars, &mut self.line);
        let k = if self.closed_set || self.refiner.is_some() {
            20
        } else {
            self.keep_top_k.max(1)
        };
        let mut preds = predict(&self.model, &mut self.scratch, &self.line, k);
        let refined = self.refiner.as_ref().and_then(|r| r.refine(&self.line, &preds));
        if let Some(r) = &refined {
            if r.lang != preds[0].label.lang {
                d.refined_from = Some(preds[0].label.lang.clone());
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
        if self.closed_set && refined.is_none() {
            // The model's top label is outside the set: take the best kept
            // language instead, if it clears its own threshold.
            if let Some(i) = preds.iter().position(|p| self.languages.contains(&p.label.lang)) {
                let t = self.threshold(&preds[i].label.lang);
                if i > 0 && preds[i].score >= t {
                    let best = preds.remove(i);
                    d.promoted_from = Some(preds[0].label.lang.clone());
                    preds.insert(0, best);
                }
            }
        }
        preds.truncate(self.keep_top_k.max(1));
        let Some(top) = preds.first() else {
            return d;
        };
        let threshold = self.threshold(&top.label.lang);
        d.outcome = if !self.languages.contains(&top.label.lang) {
            Outcome::Other
        } else if top.score < threshold {
            Outcome::LowScore(threshold)
        } else {
            Outcome::Kept
        };
        d.preds = preds;
        d
    }
}

/// The per-task stage.
pub struct LanguageId {
    decider: Decider,
    model_name: String,
    cfg: LanguageIdConfig,
    units: lines::UnitLabeller,
}

impl Stage for LanguageId {
    fn process(&mut self, doc: &mut Document, counters: &mut Counters) -> anyhow::Result<Verdict> {
        if self.cfg.granularity == lines::Granularity::Document {
            let d = self.decider.decide(&doc.text);
            return Ok(self.apply(doc, &d, counters));
        }
        let u = self.units.run(
            &mut self.decider,
            &doc.text,
            self.cfg.granularity,
            self.cfg.min_unit_chars,
            self.cfg.keep_units,
            counters,
        );
        Ok(self.apply_units(doc, u, counters))
    }
}

impl LanguageId {
    /// Writes a document-level decision to the document: language, score,
    /// metadata, counters, verdict.
    fn apply(&self, doc: &mut Document, d: &Decision, counters: &mut Counters) -> Verdict {
        let keep_anyway = self.cfg.other == Other::Keep;
        let Some(top) = d.preds.first() else {
            counters.add("no_text", 1);
            doc.lang = Some("und".into());
            doc.lang_score = Some(0.0);
            return if keep_anyway { Verdict::Keep } else { Verdict::drop("no_text") };
        };
        if let Some(from) = &d.refined_from {
            doc.meta.insert("lid_refined".into(), Value::String(from.clone()));
            counters.add(&format!("refined:{from}>{}", top.label.lang), 1);
        }
        if let Some(from) = &d.promoted_from {
            counters.add(&format!("promoted:{from}>{}", top.label.lang), 1);
        }
        let lang = top.label.lang.as_str();
        if self.cfg.keep_top_k > 0 {
            let list: Vec<Value> = d
                .preds
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
        doc.lang_score = Some(top.score);
        counters.add(&format!("predicted:{lang}"), 1);
        match d.outcome {
            Outcome::Other => {
                doc.lang = Some(lang.to_string());
                if keep_anyway {
                    Verdict::Keep
                } else {
                    Verdict::drop_with("other_language", format!("{lang} {:.3}", top.score))
                }
            }
            Outcome::LowScore(threshold) => {
                doc.lang = Some("und".into());
                if keep_anyway {
                    Verdict::Keep
                } else {
                    Verdict::drop_with("low_score", format!("{lang} {:.3} < {threshold}", top.score))
                }
            }
            Outcome::Kept | Outcome::NoText => {
                counters.add(&format!("docs:{lang}"), 1);
                counters.add(&format!("bytes:{lang}"), doc.text.len() as u64);
                doc.lang = Some(lang.to_string());
                Verdict::Keep
            }
        }
    }

    /// Writes a line- or paragraph-level outcome to the document.
    fn apply_units(&self, doc: &mut Document, u: lines::UnitsOutcome, counters: &mut Counters) -> Verdict {
        let keep_anyway = self.cfg.other == Other::Keep;
        doc.meta.insert("lid_shares".into(), lines::shares_json(&u.shares));
        doc.meta
            .insert("lid_units_dropped".into(), Value::from(u.dropped as u64));
        doc.meta
            .insert("lid_model".into(), Value::String(self.model_name.clone()));
        if let Some(raw) = &u.raw_label {
            doc.meta.insert("lid_label".into(), Value::String(raw.clone()));
        }
        doc.lang_score = Some(u.score);
        match u.outcome {
            Outcome::NoText => {
                counters.add("no_text", 1);
                doc.lang = Some("und".into());
                if keep_anyway {
                    Verdict::Keep
                } else {
                    Verdict::drop("no_text")
                }
            }
            Outcome::LowScore(_) => {
                doc.lang = Some("und".into());
                if keep_anyway {
                    Verdict::Keep
                } else {
                    Verdict::drop_with("low_score", "no line or paragraph over its language's threshold")
                }
            }
            Outcome::Other => {
                counters.add(&format!("predicted:{}", u.lang), 1);
                let detail = format!("{} {:.3} ({:.0}% of the characters)", u.lang, u.score, 100.0 * share_of(&u));
                doc.lang = Some(u.lang);
                if keep_anyway {
                    Verdict::Keep
                } else {
                    Verdict::drop_with("other_language", detail)
                }
            }
            Outcome::Kept => {
                counters.add(&format!("predicted:{}", u.lang), 1);
                if let Some(text) = u.text {
                    doc.text = text;
                }
                counters.add(&format!("docs:{}", u.lang), 1);
                counters.add(&format!("bytes:{}", u.lang), doc.text.len() as u64);
                doc.lang = Some(u.lang);
                Verdict::Keep
            }
        }
    }
}

/// The document language's share of the characters.
fn share_of(u: &lines::UnitsOutcome) -> f64 {
    u.shares.iter().find(|(l, _)| *l == u.lang).map_or(0.0, |(_, s)| *s)
}

#[cfg(test)]
mod lines_tests;
#[cfg(test)]
mod refine_tests;
#[cfg(test)]
mod tests;
