//! Annotation mode: a filter that writes what it measured and what it would
//! have decided, instead of dropping.
//!
//! Choosing thresholds is the slow part of building a corpus. With
//! `mode: annotate` on a filter stage, every document goes on, carrying
//! typed metadata columns (prefix = the stage's `name:`, else its kind):
//!
//! - `<prefix>.<measure>`: each value the filter measured (Float64; null when
//!   the check does not apply to the document, e.g. word length of a text
//!   without words);
//! - `<prefix>.keep`: the verdict the filter would have given;
//! - `<prefix>.reason`: the reason it would have dropped for (the first
//!   failing check, as `rejected/` would say), null when kept;
//! - `<prefix>.fails`: every failing check's reason, comma-separated, so a
//!   changed threshold can be re-decided without the others (`whatif`);
//! - `annotate.words`, `annotate.bytes`: whitespace words and UTF-8 bytes of
//!   the text as the last annotated stage saw it (`whatif` counts with them).
//!
//! A filter declares its measures and thresholds once ([`FilterDecl`], on
//! its [`super::contract::Describe`]); its code measures through
//! [`Measured`] and returns its verdict as always. The framework
//! ([`Annotated`]) turns that into a drop (`mode: filter`) or into columns.

use std::fmt;

use crate::document::Document;
use crate::meta_schema::{MetaField, MetaType};
use crate::stats::Counters;

use super::{Barrier, FileDigest, Stage, StageConfig, TaskContext, ValidateContext, Verdict};

/// What a filter stage does with its verdict (`mode:` in the pipeline).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Drop the documents that fail (the default).
    #[default]
    Filter,
    /// Keep every document and write the measures and the would-be verdict as metadata columns.
    Annotate,
}

/// Whether a threshold is a lower or an upper bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    /// Values below the threshold fail.
    Min,
    /// Values above the threshold fail.
    Max,
}

impl Bound {
    /// True when `value` fails a `threshold` of this bound.
    pub fn fails(self, value: f64, threshold: f64) -> bool {
        match self {
            Bound::Min => value < threshold,
            Bound::Max => value > threshold,
        }
    }
}

/// One row of a filter's threshold table: the check that drops for `reason`
/// compares the measure `measure` against the parameter `param`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Threshold {
    pub reason: &'static str,
    pub measure: &'static str,
    pub bound: Bound,
    pub param: &'static str,
}

impl Threshold {
    /// A lower bound: `measure < param` drops with `reason`.
    pub const fn min(reason: &'static str, measure: &'static str, param: &'static str) -> Self {
        Threshold {
            reason,
            measure,
            bound: Bound::Min,
            param,
        }
    }

    /// An upper bound: `measure > param` drops with `reason`.
    pub const fn max(reason: &'static str, measure: &'static str, param: &'static str) -> Self {
        Threshold {
            reason,
            measure,
            bound: Bound::Max,
            param,
        }
    }
}

/// What a filter declares about its decisions, once: the threshold table
/// (the one place that says which parameter compares which measure, read by
/// the filter itself and by `whatif`), measures outside the table, and
/// whether a threshold of 0 turns its check off.
#[derive(Debug, Clone, Copy)]
pub struct FilterDecl {
    pub thresholds: &'static [Threshold],
    /// Measures written that no threshold of the table compares.
    pub other_measures: &'static [&'static str],
    /// The Gopher convention: a threshold of 0 skips its check.
    pub zero_is_off: bool,
}

impl FilterDecl {
    /// Every measure column, in table order, each once.
    pub fn measures(&self) -> Vec<&'static str> {
        let mut out: Vec<&'static str> = Vec::new();
        for m in self
            .thresholds
            .iter()
            .map(|t| t.measure)
            .chain(self.other_measures.iter().copied())
        {
            if !out.contains(&m) {
                out.push(m);
            }
        }
        out
    }

    /// The rows of `param` (one parameter may bound several measures).
    pub fn rows_of(&self, param: &str) -> Vec<&'static Threshold> {
        self.thresholds.iter().filter(|t| t.param == param).collect()
    }

    /// Every parameter of the table, each once.
    pub fn params(&self) -> Vec<&'static str> {
        let mut out: Vec<&'static str> = Vec::new();
        for t in self.thresholds {
            if !out.contains(&t.param) {
                out.push(t.param);
            }
        }
        out
    }
}

/// Where a filter puts its measures. Off in `mode: filter` (recording costs
/// one branch); on in `mode: annotate`, where the filter must also run every
/// check rather than stop at the first failing one, so that each measure and
/// each failing reason is known.
#[derive(Debug, Default)]
pub struct Measured {
    on: bool,
    values: Vec<(&'static str, f64)>,
    fails: Vec<String>,
}

impl Measured {
    /// A sink that records nothing (`mode: filter`).
    pub fn off() -> Self {
        Measured::default()
    }

    /// A sink that records (`mode: annotate`).
    pub fn recording() -> Self {
        Measured {
            on: true,
            ..Default::default()
        }
    }

    /// True when measures are wanted: the filter must evaluate every check.
    pub fn on(&self) -> bool {
        self.on
    }

    /// Records one measure.
    pub fn set(&mut self, measure: &'static str, value: f64) {
        if self.on {
            self.values.push((measure, value));
        }
    }

    /// Records that the check of `reason` fails.
    pub fn failed(&mut self, reason: &str) {
        if self.on && !self.fails.iter().any(|f| f == reason) {
            self.fails.push(reason.to_string());
        }
    }

    fn clear(&mut self) {
        self.values.clear();
        self.fails.clear();
    }
}

/// The metadata fields an annotating stage with `prefix` writes.
pub fn fields(prefix: &str, decl: &FilterDecl) -> Vec<MetaField> {
    let mut out = vec![
        MetaField::new(
            &format!("{prefix}.keep"),
            MetaType::Bool,
            "annotate: whether the filter would keep the document",
        ),
        MetaField::new(
            &format!("{prefix}.reason"),
            MetaType::Str,
            "annotate: the reason it would drop for (first failing check)",
        ),
        MetaField::new(
            &format!("{prefix}.fails"),
            MetaType::Str,
            "annotate: every failing check, comma-separated",
        ),
    ];
    for m in decl.measures() {
        out.push(MetaField::new(
            &format!("{prefix}.{m}"),
            MetaType::Float,
            "annotate: measured value",
        ));
    }
    out.push(MetaField::new(
        WORDS_COLUMN,
        MetaType::Int,
        "annotate: whitespace words of the text",
    ));
    out.push(MetaField::new(
        BYTES_COLUMN,
        MetaType::Int,
        "annotate: UTF-8 bytes of the text",
    ));
    out
}

/// Words of the document as the last annotated stage saw it.
pub const WORDS_COLUMN: &str = "annotate.words";
/// UTF-8 bytes of the document as the last annotated stage saw it.
pub const BYTES_COLUMN: &str = "annotate.bytes";

/// A stage config with its `name:` and `mode:`: what `stages:` entries hold.
/// Everything but building and metadata is the inner config's.
pub struct Annotated {
    pub inner: Box<dyn StageConfig>,
    /// The `name:` given, if any.
    pub name: Option<String>,
    pub mode: Mode,
    /// Column prefix: the `name:`, else the kind.
    pub prefix: String,
}

impl fmt::Debug for Annotated {
    // The run fingerprint hashes this: mode and name are part of it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.mode, &self.name) {
            (Mode::Filter, None) => self.inner.fmt(f),
            _ => write!(f, "{:?} {:?} {:?}", self.mode, self.name, self.inner),
        }
    }
}

impl super::contract::Declared for Annotated {
    fn kind(&self) -> &'static str {
        self.inner.kind()
    }
    fn role(&self) -> super::contract::Role {
        self.inner.role()
    }
    fn produces(&self) -> super::contract::Produces {
        self.inner.produces()
    }
    fn filter_decl(&self) -> Option<&'static FilterDecl> {
        self.inner.filter_decl()
    }
}

impl StageConfig for Annotated {
    fn validate(&self, ctx: &ValidateContext) -> anyhow::Result<()> {
        self.inner.validate(ctx)
    }

    fn build(&self, ctx: &TaskContext) -> anyhow::Result<Box<dyn Stage>> {
        let inner = self.inner.build(ctx)?;
        Ok(match (self.mode, self.inner.filter_decl()) {
            (Mode::Annotate, Some(decl)) => Box::new(AnnotatingStage {
                inner,
                keep: format!("{}.keep", self.prefix),
                reason: format!("{}.reason", self.prefix),
                fails: format!("{}.fails", self.prefix),
                measures: decl
                    .measures()
                    .into_iter()
                    .map(|m| (m, format!("{}.{m}", self.prefix)))
                    .collect(),
                measured: Measured::recording(),
            }),
            _ => inner,
        })
    }

    fn as_barrier(&self) -> Option<&dyn Barrier> {
        self.inner.as_barrier()
    }

    fn token_vocab(&self) -> Option<usize> {
        self.inner.token_vocab()
    }

    fn metadata(&self) -> Vec<MetaField> {
        let mut out = self.inner.metadata();
        if let (Mode::Annotate, Some(decl)) = (self.mode, self.inner.filter_decl()) {
            out.extend(fields(&self.prefix, decl));
        }
        out
    }

    fn reads(&self) -> anyhow::Result<Vec<FileDigest>> {
        self.inner.reads()
    }

    fn thresholds(&self) -> anyhow::Result<super::ResolvedThresholds> {
        self.inner.thresholds()
    }

    fn prepare_steps(&self) -> Vec<super::ReduceStep> {
        self.inner.prepare_steps()
    }

    fn prepare(&self, step: usize, ctx: &TaskContext, stats: &mut crate::stats::TaskStats) -> anyhow::Result<()> {
        self.inner.prepare(step, ctx, stats)
    }
}

/// A filter in `mode: annotate`: runs it with measures on, writes them and
/// the verdict, keeps the document.
struct AnnotatingStage {
    inner: Box<dyn Stage>,
    keep: String,
    reason: String,
    fails: String,
    /// (measure, its column name).
    measures: Vec<(&'static str, String)>,
    measured: Measured,
}

impl Stage for AnnotatingStage {
    fn process(&mut self, doc: &mut Document, counters: &mut Counters) -> anyhow::Result<Verdict> {
        use serde_json::Value;
        self.measured.clear();
        let verdict = self.inner.judge(doc, counters, &mut self.measured)?;
        for (m, column) in &self.measures {
            let v = self
                .measured
                .values
                .iter()
                .rev()
                .find(|(n, _)| n == m)
                .and_then(|(_, v)| serde_json::Number::from_f64(*v))
                .map(Value::Number)
                .unwrap_or(Value::Null);
            doc.meta.insert(column.clone(), v);
        }
        let (keep, reason) = match &verdict {
            Verdict::Keep => (true, Value::Null),
            Verdict::Drop(r) => {
                counters.add(&format!("would_drop:{}", r.reason), 1);
                // A drop the filter found without a check of its own still
                // counts as a failing check.
                self.measured.failed(&r.reason);
                (false, Value::String(r.reason.to_string()))
            }
        };
        doc.meta.insert(self.keep.clone(), Value::Bool(keep));
        doc.meta.insert(self.reason.clone(), reason);
        let fails = if self.measured.fails.is_empty() {
            Value::Null
        } else {
            Value::String(self.measured.fails.join(","))
        };
        doc.meta.insert(self.fails.clone(), fails);
        let words = doc.text.split_whitespace().count();
        doc.meta.insert(WORDS_COLUMN.into(), Value::from(words as i64));
        doc.meta.insert(BYTES_COLUMN.into(), Value::from(doc.text.len() as i64));
        Ok(Verdict::Keep)
    }

    fn finish(&mut self, counters: &mut Counters) -> anyhow::Result<()> {
        self.inner.finish(counters)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stages::length_filter::LengthFilterConfig;

    fn wrapped(mode: Mode, name: Option<&str>) -> Annotated {
        Annotated {
            inner: Box::new(LengthFilterConfig {
                min_chars: Some(10),
                max_chars: None,
                min_words: Some(5),
                max_words: Some(6),
            }),
            name: name.map(str::to_string),
            mode,
            prefix: name.unwrap_or("length_filter").to_string(),
        }
    }

    #[test]
    fn filter_mode_drops_and_annotate_mode_writes_every_failing_check() {
        let text = "one two three four five six seven"; // 33 chars, 7 words
        let mut counters = Counters::default();
        let mut doc = Document::new("d", text);
        let v = wrapped(Mode::Filter, None)
            .build(&TaskContext::standalone())
            .unwrap()
            .process(&mut doc, &mut counters);
        assert!(matches!(v.unwrap(), Verdict::Drop(r) if r.reason == "too_many_words"));
        assert!(doc.meta.is_empty());

        let cfg = wrapped(Mode::Annotate, Some("len"));
        let names: Vec<String> = cfg.metadata().into_iter().map(|f| f.name).collect();
        assert_eq!(
            names,
            [
                "len.keep",
                "len.reason",
                "len.fails",
                "len.chars",
                "len.words",
                WORDS_COLUMN,
                BYTES_COLUMN
            ]
        );
        let mut doc = Document::new("d", "ab");
        let v = cfg
            .build(&TaskContext::standalone())
            .unwrap()
            .process(&mut doc, &mut counters)
            .unwrap();
        assert_eq!(v, Verdict::Keep);
        let m = &doc.meta;
        assert_eq!(m["len.keep"], false);
        assert_eq!(m["len.reason"], "too_few_chars");
        assert_eq!(m["len.fails"], "too_few_chars,too_few_words");
        assert_eq!(
            (m["len.chars"].as_f64(), m["len.words"].as_f64()),
            (Some(2.0), Some(1.0))
        );
        assert_eq!(counters.0.get("would_drop:too_few_chars"), Some(&1));
    }
}
