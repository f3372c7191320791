//! `classify`: scores documents with a fastText supervised model (the
//! shipped quality model, or any model by path: DCLM's quality classifier,
//! a model from `eurocurate classifier train`) and writes the probability of
//! each label to a typed column `<prefix>.score_<label>`; optionally keeps
//! only documents above a per-language threshold, or the top p% of each
//! language.
//!
//! The text is scored as one line (newlines read as spaces), as datatrove's
//! fastText filters do, so scores equal the reference library's on the
//! same text. Percentile mode needs every score of a language before it can
//! decide, so it runs as a barrier: the collector scores each document and
//! records `(score, tie key)` per language; one reduce task per language
//! bucket sorts them and finds the cut-off that keeps `round(p% × n)`
//! documents; the filter keeps documents at or above it. Ties in score are
//! ordered by a hash of the document id, so exactly that many are kept
//! whatever the input order and the number of tasks. The reduce holds 8
//! bytes per document of its languages (100 M documents of one language:
//! 800 MB).

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;

use super::contract::Describe;
use super::dedup::sidefile::{BucketedWriter, ChunkFile};
use super::{Barrier, BuiltOnce, ReduceStep, Stage, StageConfig, TaskContext, ValidateContext, Verdict};
use crate::document::Document;
use crate::fasttext::{Model, Scratch};
use crate::langs::Langs;
use crate::meta_schema::{MetaField, MetaType};
use crate::stats::{Counters, TaskStats};

/// The shipped quality model (see `models/README.md`): prose vs. boilerplate.
pub const EMBEDDED_QUALITY: &[u8] = include_bytes!("../../models/quality.bin");

/// What `classify` does with the scores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Select {
    /// Keep every document; only write the score columns.
    #[default]
    None,
    /// Keep documents whose score of `label` is at least the language's `min_score`.
    Threshold,
    /// Keep the best `keep_percent`% of each language by the score of `label` (a barrier).
    Percentile,
}

fn prefix() -> String {
    "classify".into()
}

fn langs_dir() -> PathBuf {
    PathBuf::from("langs")
}

/// fastText classifier scores as typed columns `<prefix>.score_<label>` (the shipped quality model, or any supervised model by path); `select: threshold` keeps documents at or above a per-language `min_score`, `select: percentile` keeps the top `keep_percent`% of each language (runs as a barrier: score → cut-offs → filter).
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClassifyConfig {
    /// fastText supervised model (.bin/.ftz); the shipped quality model (`models/quality.bin`, labels `hq` and `lq`) when absent.
    #[serde(default)]
    pub model: Option<PathBuf>,
    /// Labels (without `__label__`) whose probability is written; every label of the model when empty.
    #[serde(default)]
    pub labels: Vec<String>,
    /// Column prefix: columns are `<prefix>.score_<label>` (`whatif --where "classify.score_hq > 0.4"`).
    #[serde(default = "prefix")]
    pub prefix: String,
    /// `none` (annotate only), `threshold` or `percentile`.
    #[serde(default)]
    pub select: Select,
    /// The label whose score selects (default: the first of `labels`, else `hq` when the model has it, else the model's first label).
    #[serde(default)]
    pub label: Option<String>,
    /// Threshold mode: the least score kept, for every language (overrides langs files' `quality.classify.min_score`; built-in 0.5).
    #[serde(default)]
    pub min_score: Option<f64>,
    /// Percentile mode: the share of each language kept, in percent (overrides langs files' `quality.classify.keep_percent`; built-in 50).
    #[serde(default)]
    pub keep_percent: Option<f64>,
    /// Percentile mode: reduce tasks (languages are hashed into them; default: upstream tasks, at most 24).
    #[serde(default)]
    pub buckets: Option<usize>,
    /// Folder of per-language settings (`quality.classify.min_score`, `quality.classify.keep_percent`).
    #[serde(default = "langs_dir")]
    pub langs_dir: PathBuf,
    #[serde(skip)]
    built: BuiltOnce<Built>,
}

/// The `quality.classify` section of a langs file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClassifyLayer {
    /// Least score kept in threshold mode.
    pub min_score: Option<f64>,
    /// Share kept in percentile mode, in percent.
    pub keep_percent: Option<f64>,
}

/// The per-language values, resolved in layers.
#[derive(Debug, Clone, Default)]
pub struct ClassifyThresholds(pub ClassifyLayer);

impl super::quality::Layered for ClassifyThresholds {
    type Layer = ClassifyLayer;
    const SECTION: &'static str = "classify";
    fn apply(&mut self, layer: &ClassifyLayer) {
        if layer.min_score.is_some() {
            self.0.min_score = layer.min_score;
        }
        if layer.keep_percent.is_some() {
            self.0.keep_percent = layer.keep_percent;
        }
    }
}

impl Describe for ClassifyConfig {
    const KIND: &'static str = "classify";
    const LANGS_KEYS: &'static [&'static str] = &["quality.classify"];
}

/// What is built once: the model, the columns, the selecting label and the
/// per-language values.
struct Built {
    model: Model,
    /// (index among the model's labels, column name).
    columns: Vec<(usize, String)>,
    /// Index of the selecting label and its column.
    by: usize,
    by_column: String,
    by_name: String,
    langs: Langs,
}

const MIN_SCORE: f64 = 0.5;
const KEEP_PERCENT: f64 = 50.0;

impl ClassifyConfig {
    fn built(&self) -> anyhow::Result<Arc<Built>> {
        self.built.get_or_build(|| {
            let model = match &self.model {
                Some(p) => Model::load(p)?,
                None => Model::from_bytes(EMBEDDED_QUALITY)
                    .map_err(|e| anyhow::anyhow!("the shipped quality model is damaged: {e}"))?,
            };
            let names: Vec<&str> = model
                .labels()
                .iter()
                .map(|l| l.strip_prefix("__label__").unwrap_or(l))
                .collect();
            let find = |l: &str| -> anyhow::Result<usize> {
                names.iter().position(|n| *n == l).ok_or_else(|| {
                    anyhow::anyhow!(
                        "classify: the model has no label `{l}` (it has: {})",
                        names.join(", ")
                    )
                })
            };
            let wanted: Vec<usize> = if self.labels.is_empty() {
                (0..names.len()).collect()
            } else {
                self.labels.iter().map(|l| find(l)).collect::<anyhow::Result<_>>()?
            };
            let by = match (&self.label, self.labels.first()) {
                (Some(l), _) => find(l)?,
                (None, Some(first)) => find(first)?,
                (None, None) => names.iter().position(|n| *n == "hq").unwrap_or(0),
            };
            let column = |i: usize| format!("{}.score_{}", self.prefix, column_safe(names[i]));
            let mut columns: Vec<(usize, String)> = wanted.iter().map(|&i| (i, column(i))).collect();
            if !wanted.contains(&by) {
                columns.push((by, column(by)));
            }
            Ok(Built {
                by_column: column(by),
                by_name: names[by].to_string(),
                by,
                columns,
                langs: Langs::resolve(&self.langs_dir)?,
                model,
            })
        })
    }

    /// The values for `lang`: the pipeline's, else the langs files' layers, else built-in.
    fn resolved(&self, langs: &Langs, lang: &str) -> anyhow::Result<(f64, f64)> {
        use super::quality::{layer_in, Layered};
        let mut t = ClassifyThresholds::default();
        for file in std::iter::once(&langs.defaults).chain(langs.by_iso.get(lang)) {
            if let Some(layer) = layer_in::<ClassifyThresholds>(file)? {
                t.apply(&layer);
            }
        }
        Ok((
            self.min_score.or(t.0.min_score).unwrap_or(MIN_SCORE),
            self.keep_percent.or(t.0.keep_percent).unwrap_or(KEEP_PERCENT),
        ))
    }

    fn buckets_for(&self, upstream: usize) -> usize {
        self.buckets.unwrap_or(upstream.min(24)).max(1)
    }

    fn scorer(&self) -> anyhow::Result<Scorer> {
        Ok(Scorer {
            built: self.built()?,
            scratch: Scratch::default(),
            line: String::new(),
        })
    }
}

/// A label name as a column suffix: letters, digits and `_`.
fn column_safe(label: &str) -> String {
    label
        .chars()
        .map(|c| if c.is_alphanumeric() || c == '_' { c } else { '_' })
        .collect()
}

impl StageConfig for ClassifyConfig {
    fn validate(&self, _ctx: &ValidateContext) -> anyhow::Result<()> {
        anyhow::ensure!(
            !self.prefix.is_empty()
                && self
                    .prefix
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
            "classify: prefix `{}`: use lower-case letters, digits and `_`",
            self.prefix
        );
        if let Some(s) = self.min_score {
            anyhow::ensure!((0.0..=1.0).contains(&s), "classify: min_score {s} is not in 0..=1");
        }
        if let Some(p) = self.keep_percent {
            anyhow::ensure!((0.0..=100.0).contains(&p), "classify: keep_percent {p} is not in 0..=100");
        }
        anyhow::ensure!(self.buckets != Some(0), "classify: `buckets: 0`; use at least one");
        let b = self.built()?;
        // Every langs value must be valid too, before any work is done.
        for iso in std::iter::once("und").chain(b.langs.by_iso.keys().map(String::as_str)) {
            let (s, p) = self.resolved(&b.langs, iso)?;
            anyhow::ensure!(
                (0.0..=1.0).contains(&s) && (0.0..=100.0).contains(&p),
                "classify: langs value for `{iso}`: min_score {s} must be in 0..=1 and keep_percent {p} in 0..=100"
            );
        }
        Ok(())
    }

    fn build(&self, _ctx: &TaskContext) -> anyhow::Result<Box<dyn Stage>> {
        Ok(Box::new(ClassifyStage {
            scorer: self.scorer()?,
            select: self.select,
            config: self.clone(),
            thresholds: HashMap::new(),
        }))
    }

    fn as_barrier(&self) -> Option<&dyn Barrier> {
        (self.select == Select::Percentile).then_some(self as &dyn Barrier)
    }

    fn metadata(&self) -> Vec<MetaField> {
        match self.built() {
            Ok(b) => b
                .columns
                .iter()
                .map(|(_, c)| MetaField::new(c, MetaType::Float, "classify: probability of the label (fastText)"))
                .collect(),
            Err(_) => Vec::new(),
        }
    }

    /// Threshold mode records each language's `min_score` under the score
    /// column's measure name, so `report` draws it on that histogram.
    /// (Percentile cut-offs exist only after the reduce; none is recorded.)
    fn thresholds(&self) -> anyhow::Result<super::ResolvedThresholds> {
        let mut out = super::ResolvedThresholds::new();
        if self.select != Select::Threshold {
            return Ok(out);
        }
        let b = self.built()?;
        let measure = b.by_column.split_once('.').map_or(b.by_column.as_str(), |(_, m)| m);
        for lang in b.langs.by_iso.keys().map(String::as_str).chain(["default"]) {
            let (min_score, _) = self.resolved(&b.langs, if lang == "default" { "" } else { lang })?;
            out.insert(lang.to_string(), [(measure.to_string(), min_score)].into());
        }
        Ok(out)
    }

    fn reads(&self) -> anyhow::Result<Vec<super::FileDigest>> {
        let mut files = Langs::digests(&self.langs_dir)?;
        match &self.model {
            Some(m) => files.push(super::file_digest(m)?),
            None => files.push((
                "shipped quality model".into(),
                format!("{:032x}", xxhash_rust::xxh3::xxh3_128(EMBEDDED_QUALITY)),
            )),
        }
        Ok(files)
    }
}

/// Scores documents and writes the columns.
struct Scorer {
    built: Arc<Built>,
    scratch: Scratch,
    line: String,
}

impl Scorer {
    /// Writes every column and returns the score of the selecting label.
    fn score(&mut self, doc: &mut Document) -> f32 {
        let b = &*self.built;
        self.line.clear();
        self.line
            .extend(doc.text.chars().map(|c| if c == '\n' { ' ' } else { c }));
        let n = b.model.labels().len();
        let top = b.model.predict_with(&mut self.scratch, &self.line, n, 0.0);
        let prob = |i: usize| -> f32 {
            let want = b.model.labels()[i].as_str();
            top.iter().find(|(l, _)| *l == want).map_or(0.0, |&(_, p)| p)
        };
        for (i, column) in &b.columns {
            doc.meta.insert(column.clone(), serde_json::Value::from(prob(*i) as f64));
        }
        prob(b.by)
    }
}

/// The streaming stage (`select: none | threshold`).
struct ClassifyStage {
    scorer: Scorer,
    select: Select,
    config: ClassifyConfig,
    /// min_score per language, resolved once.
    thresholds: HashMap<String, f64>,
}

impl Stage for ClassifyStage {
    fn process(&mut self, doc: &mut Document, counters: &mut Counters) -> anyhow::Result<Verdict> {
        let score = self.scorer.score(doc);
        if self.select != Select::Threshold {
            return Ok(Verdict::Keep);
        }
        let lang = doc.lang_or_und();
        let min = match self.thresholds.get(lang) {
            Some(&m) => m,
            None => {
                let m = self.config.resolved(&self.scorer.built.langs, lang)?.0;
                self.thresholds.insert(lang.to_string(), m);
                m
            }
        };
        if (score as f64) < min {
            counters.add("below_threshold", 1);
            return Ok(Verdict::drop_with(
                "low_classifier_score",
                format!("score_{}={score:.4} < {min} ({lang})", self.scorer.built.by_name),
            ));
        }
        Ok(Verdict::Keep)
    }
}

/// The order of documents in percentile mode: score, then a hash of the
/// id (ties), as one integer (scores are non-negative, so their bits sort
/// as the numbers do).
fn rank_key(score: f32, id: &str) -> u64 {
    ((score.max(0.0).to_bits() as u64) << 32) | (xxhash_rust::xxh3::xxh3_64(id.as_bytes()) & 0xFFFF_FFFF)
}

fn lang_bucket(lang: &str, buckets: usize) -> usize {
    (xxhash_rust::xxh3::xxh3_64(lang.as_bytes()) % buckets as u64) as usize
}

fn collect_path(work: &Path, task: usize) -> PathBuf {
    work.join("scores").join(format!("task-{task:05}.bin"))
}

fn cutoffs_path(work: &Path, bucket: usize) -> PathBuf {
    work.join("cutoffs").join(format!("bucket-{bucket:05}.json"))
}

/// The collector of percentile mode: scores, writes the columns, records
/// `(lang, rank key)` in its language's bucket.
struct Collector {
    scorer: Scorer,
    out: BucketedWriter,
    scored: u64,
}

impl Stage for Collector {
    fn process(&mut self, doc: &mut Document, _counters: &mut Counters) -> anyhow::Result<Verdict> {
        let score = self.scorer.score(doc);
        let key = rank_key(score, &doc.id);
        let lang = doc.lang_or_und().as_bytes();
        let lang = &lang[..lang.len().min(255)];
        self.out.push(
            lang_bucket(doc.lang_or_und(), self.out.buckets()),
            &[&[lang.len() as u8], lang, &key.to_le_bytes()],
        )?;
        self.scored += 1;
        Ok(Verdict::Keep)
    }

    fn finish(&mut self, counters: &mut Counters) -> anyhow::Result<()> {
        counters.add("scored", self.scored);
        self.out.finish()
    }
}

/// One language's decision: keep keys at or above `cutoff` (`None`: keep none).
#[derive(Debug, Clone, serde::Serialize, Deserialize)]
struct Cutoff {
    cutoff: Option<u64>,
    docs: u64,
    kept: u64,
    keep_percent: f64,
    /// The score at the cut-off, for the rejected/ detail.
    score: f32,
}

impl Barrier for ClassifyConfig {
    fn collector(&self, ctx: &TaskContext) -> anyhow::Result<Box<dyn Stage>> {
        Ok(Box::new(Collector {
            scorer: self.scorer()?,
            out: BucketedWriter::create(&collect_path(&ctx.work_dir, ctx.task), self.buckets_for(ctx.tasks))?,
            scored: 0,
        }))
    }

    fn reduce_steps(&self, upstream_tasks: usize) -> Vec<ReduceStep> {
        vec![ReduceStep {
            name: "cutoffs",
            tasks: self.buckets_for(upstream_tasks),
        }]
    }

    fn reduce(&self, _step: usize, ctx: &TaskContext, upstream_tasks: usize, stats: &mut TaskStats) -> anyhow::Result<()> {
        let built = self.built()?;
        let mut by_lang: BTreeMap<String, Vec<u64>> = BTreeMap::new();
        for t in 0..upstream_tasks {
            let mut file = ChunkFile::open(&collect_path(&ctx.work_dir, t), "the scoring phase")?;
            for raw in file.read_key(ctx.task as u32)? {
                let mut s = &raw[..];
                while !s.is_empty() {
                    let n = s[0] as usize;
                    anyhow::ensure!(s.len() >= 1 + n + 8, "damaged {}: truncated record", file.path().display());
                    let lang = String::from_utf8_lossy(&s[1..1 + n]).into_owned();
                    let key = u64::from_le_bytes(s[1 + n..9 + n].try_into().expect("8 bytes"));
                    by_lang.entry(lang).or_default().push(key);
                    s = &s[9 + n..];
                }
            }
        }
        let mut out: BTreeMap<String, Cutoff> = BTreeMap::new();
        for (lang, mut keys) in by_lang {
            let p = self.resolved(&built.langs, &lang)?.1;
            let n = keys.len() as u64;
            let k = ((p / 100.0) * n as f64).round() as u64;
            keys.sort_unstable_by(|a, b| b.cmp(a));
            let cutoff = (k > 0).then(|| keys[k as usize - 1]);
            let kept = cutoff.map_or(0, |c| keys.iter().take_while(|&&x| x >= c).count() as u64);
            stats.counters.add(&format!("kept:{lang}"), kept);
            out.insert(
                lang,
                Cutoff {
                    cutoff,
                    docs: n,
                    kept,
                    keep_percent: p,
                    score: cutoff.map_or(f32::INFINITY, |c| f32::from_bits((c >> 32) as u32)),
                },
            );
        }
        let path = cutoffs_path(&ctx.work_dir, ctx.task);
        std::fs::create_dir_all(path.parent().expect("a folder"))?;
        crate::io::atomic::write_file(&path, serde_json::to_string_pretty(&out)?.as_bytes())
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))
    }

    fn filter(&self, ctx: &TaskContext, upstream_tasks: usize) -> anyhow::Result<Box<dyn Stage>> {
        let mut cutoffs: HashMap<String, Cutoff> = HashMap::new();
        for b in 0..self.buckets_for(upstream_tasks) {
            let path = cutoffs_path(&ctx.work_dir, b);
            let text = std::fs::read_to_string(&path)
                .map_err(|e| anyhow::anyhow!("missing {} ({e}); rerun the cutoffs phase", path.display()))?;
            let part: BTreeMap<String, Cutoff> =
                serde_json::from_str(&text).map_err(|e| anyhow::anyhow!("damaged {}: {e}", path.display()))?;
            cutoffs.extend(part);
        }
        Ok(Box::new(PercentileFilter {
            cutoffs,
            column: self.built()?.by_column.clone(),
            scorer: self.scorer()?,
        }))
    }
}

/// The filter of percentile mode: keeps documents ranked at or above their
/// language's cut-off, reading the score the collector wrote.
struct PercentileFilter {
    cutoffs: HashMap<String, Cutoff>,
    column: String,
    /// Scores again a document whose column was lost (never in a normal run).
    scorer: Scorer,
}

impl Stage for PercentileFilter {
    fn process(&mut self, doc: &mut Document, _counters: &mut Counters) -> anyhow::Result<Verdict> {
        let score = match doc.meta.get(&self.column).and_then(|v| v.as_f64()) {
            Some(s) => s as f32,
            None => self.scorer.score(doc),
        };
        let lang = doc.lang_or_und();
        let Some(c) = self.cutoffs.get(lang) else {
            anyhow::bail!("classify: no cut-off for language `{lang}`; the scoring phase did not see it — rerun with --restart");
        };
        if c.cutoff.is_some_and(|cut| rank_key(score, &doc.id) >= cut) {
            return Ok(Verdict::Keep);
        }
        Ok(Verdict::drop_with(
            "below_percentile",
            format!(
                "{}={score:.4} < {:.4}, cut-off keeping {}% of {} ({} of {})",
                self.column, c.score, c.keep_percent, lang, c.kept, c.docs
            ),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn config(json: &str) -> ClassifyConfig {
        serde_json::from_str(json).unwrap()
    }

    /// The reference fastText's probabilities (`scripts/classify_reference.py`)
    /// on 1,000 fixture documents, to 1e-4, for every label of the shipped model.
    #[test]
    fn scores_equal_the_reference_fasttext() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/classify-reference.jsonl.zst");
        let mut text = String::new();
        zstd::stream::read::Decoder::new(std::fs::File::open(&path).unwrap())
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        let cfg = config("{}");
        let mut stage = cfg.build(&TaskContext::standalone()).unwrap();
        let (mut n, mut worst) = (0, 0f64);
        for line in text.lines() {
            let r: serde_json::Value = serde_json::from_str(line).unwrap();
            let mut doc = Document::new(r["id"].as_str().unwrap(), r["text"].as_str().unwrap());
            assert_eq!(stage.process(&mut doc, &mut Counters::default()).unwrap(), Verdict::Keep);
            let scores = r["scores"].as_object().unwrap();
            assert_eq!(scores.len(), cfg.metadata().len());
            for (label, want) in scores {
                let got = doc.meta[&format!("classify.score_{label}")].as_f64().unwrap();
                worst = worst.max((got - want.as_f64().unwrap()).abs());
            }
            n += 1;
        }
        assert_eq!(n, 1000);
        assert!(worst <= 1e-4, "largest difference {worst}");
    }

    #[test]
    fn thresholds_resolve_per_language_from_langs_files() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("defaults.yaml"), "quality:\n  classify:\n    min_score: 0.0\n").unwrap();
        std::fs::write(dir.path().join("fi.yaml"), "quality:\n  classify:\n    min_score: 1.0\n").unwrap();
        let cfg = config(&format!(
            r#"{{"select": "threshold", "langs_dir": {:?}}}"#,
            dir.path().display().to_string()
        ));
        cfg.validate(&ValidateContext {
            pipeline_file: Path::new("p.yaml"),
        })
        .unwrap();
        let mut stage = cfg.build(&TaskContext::standalone()).unwrap();
        let mut doc = |lang: &str| {
            // Interface text: a low `hq` score, above 0.0 and below 1.0.
            let mut d = Document::new("d", "Tallenna\nPeruuta\nAvaa tiedosto\nAsetukset");
            d.lang = Some(lang.into());
            stage.process(&mut d, &mut Counters::default()).unwrap()
        };
        assert_eq!(doc("et"), Verdict::Keep);
        assert!(matches!(doc("fi"), Verdict::Drop(r) if r.reason == "low_classifier_score" && r.detail.as_deref().unwrap().ends_with("(fi)")));
        // What the run records for `report` to draw: each language's cut-off
        // under the score column's measure name, the fallback as `default`.
        let recorded = cfg.thresholds().unwrap();
        assert_eq!(recorded["fi"]["score_hq"], 1.0);
        assert_eq!(recorded["default"]["score_hq"], 0.0);
        // The pipeline's value overrides every language's.
        let cfg = config(&format!(
            r#"{{"select": "threshold", "min_score": 0.0, "langs_dir": {:?}}}"#,
            dir.path().display().to_string()
        ));
        let mut d = Document::new("d", "text");
        d.lang = Some("fi".into());
        assert_eq!(cfg.build(&TaskContext::standalone()).unwrap().process(&mut d, &mut Counters::default()).unwrap(), Verdict::Keep);
    }

    #[test]
    fn unknown_labels_and_bad_values_are_errors() {
        let v = ValidateContext {
            pipeline_file: Path::new("p.yaml"),
        };
        let e = config(r#"{"labels": ["nope"]}"#).validate(&v).unwrap_err().to_string();
        assert!(e.contains("no label `nope`") && e.contains("hq"), "{e}");
        assert!(config(r#"{"keep_percent": 120}"#).validate(&v).is_err());
        assert!(serde_json::from_str::<ClassifyConfig>(r#"{"treshold": 1}"#).is_err());
    }

    /// Percentile mode through collect → reduce → filter: exactly
    /// round(p% × n) per language, the same set with 1 or 3 tasks.
    #[test]
    fn percentile_keeps_exact_counts_per_language() {
        let texts = [
            "The committee met on Tuesday and agreed on the budget for next year after a long debate.",
            "Save\nCancel\nOpen file\nPreferences\nQuit",
            "Die Regierung hat am Montag neue Regeln für den Verkehr in den Städten vorgestellt.",
            "Datei öffnen\nSpeichern unter\nEinstellungen",
        ];
        let docs: Vec<Document> = (0..203)
            .map(|i| {
                let mut d = Document::new(format!("d{i}"), format!("{} {i}", texts[i % 4]));
                d.lang = Some(if i % 4 < 2 { "en" } else { "de" }.into());
                d
            })
            .collect();
        let cfg = config(r#"{"select": "percentile", "keep_percent": 37}"#);
        let barrier = cfg.as_barrier().unwrap();
        let mut sets = Vec::new();
        for tasks in [1usize, 3] {
            let split: Vec<Vec<Document>> = (0..tasks)
                .map(|t| docs.iter().skip(t).step_by(tasks).cloned().collect())
                .collect();
            let out = super::super::dedup::keyed::run_in_memory_docs(barrier, &split);
            let mut kept: Vec<String> = Vec::new();
            for lang in ["en", "de"] {
                let n = docs.iter().filter(|d| d.lang.as_deref() == Some(lang)).count();
                let k = out
                    .iter()
                    .filter(|(v, d)| *v == Verdict::Keep && d.lang.as_deref() == Some(lang))
                    .count();
                assert_eq!(k, (0.37 * n as f64).round() as usize, "{lang}, {tasks} tasks");
            }
            kept.extend(out.iter().filter(|(v, _)| *v == Verdict::Keep).map(|(_, d)| d.id.clone()));
            kept.sort();
            sets.push(kept);
            assert!(out.iter().any(|(v, _)| matches!(v, Verdict::Drop(r) if r.reason == "below_percentile")));
        }
        assert_eq!(sets[0], sets[1]);
    }
}
