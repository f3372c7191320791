//! Distributions of a run's numeric metadata columns per language — the
//! measures of filters in `mode: annotate` and any stage's scores (a
//! classifier's `classify.<label>`) — with the threshold each language was
//! judged by, for `report` and `diff`.
//!
//! Two parallel passes over the Parquet outputs, reading only `lang`, the
//! Float columns and the `<prefix>.keep` verdicts (a projection), in bounded
//! memory whatever the number of documents:
//!
//! 1. per language and column: count, min, max and a fixed-size sample (the
//!    `SAMPLE` rows of smallest hash of (file, row): mergeable, the same
//!    whatever the number of threads), from which each histogram's range is
//!    chosen robustly (the central 99% when far tails would squash it);
//! 2. the histogram itself ([`BINS`] bins, values outside the range counted
//!    below/above it) and, for every threshold, the documents on its failing
//!    side, counted exactly.

use std::collections::{BTreeMap, BinaryHeap};
use std::fs::File;
use std::path::{Path, PathBuf};

use anyhow::Context;
use arrow_array::{Array, BooleanArray, RecordBatch, StringArray, StructArray};
use parquet::arrow::arrow_reader::{ParquetRecordBatchReader, ParquetRecordBatchReaderBuilder};
use parquet::arrow::ProjectionMask;
use parquet::basic::Type as Physical;

use crate::analytics::decide::Numbers;
use crate::exec::markers::{self, PlanSummary};
use crate::io::read_back::{data_files, fold_files, Which};
use crate::stages::annotate::{Bound, Mode};

/// Bins of a histogram: fine enough for quantiles (`diff`); the report draws
/// them in groups of [`BINS`] / [`SHOWN_BINS`].
pub const BINS: usize = 240;
/// Bars drawn per histogram.
pub const SHOWN_BINS: usize = 48;
/// Rows sampled per language and column to choose a histogram's range.
const SAMPLE: usize = 1024;

/// A threshold on one measure of one language.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Mark {
    /// The parameter (`min_doc_words`).
    pub param: String,
    /// `min`: values below fail; `max`: values above fail.
    pub bound: &'static str,
    pub value: f64,
    /// A threshold of 0 on a filter where 0 turns the check off.
    pub off: bool,
    /// Documents on the failing side.
    pub failing: u64,
}

impl Mark {
    fn fails(&self, x: f64) -> bool {
        !self.off && self.bound_kind().fails(x, self.value)
    }

    fn bound_kind(&self) -> Bound {
        if self.bound == "min" {
            Bound::Min
        } else {
            Bound::Max
        }
    }
}

/// One language's distribution of one column.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Dist {
    /// Documents with a value (null: the check did not apply).
    pub n: u64,
    pub min: f64,
    pub max: f64,
    /// The histogram's range; values outside are counted in `below`/`above`.
    pub lo: f64,
    pub hi: f64,
    pub below: u64,
    pub above: u64,
    pub bins: Vec<u64>,
    pub marks: Vec<Mark>,
}

impl Dist {
    /// Counts `x` in its bin, or at the edge it lies beyond.
    fn bin(&mut self, x: f64) {
        if x < self.lo {
            self.below += 1;
        } else if x > self.hi {
            self.above += 1;
        } else {
            let last = self.bins.len() - 1;
            let scale = self.bins.len() as f64 / (self.hi - self.lo);
            self.bins[(((x - self.lo) * scale) as usize).min(last)] += 1;
        }
    }

    /// The largest share of documents a threshold of this column fails.
    pub fn worst_share(&self) -> f64 {
        self.marks
            .iter()
            .filter(|m| !m.off)
            .map(|m| m.failing as f64 / self.n.max(1) as f64)
            .fold(0.0, f64::max)
    }

    /// Quantile `p` (0..=1), interpolated within its bin (values outside the
    /// range spread over [min, lo) and (hi, max]).
    pub fn quantile(&self, p: f64) -> f64 {
        if self.n == 0 {
            return f64::NAN;
        }
        let rank = p.clamp(0.0, 1.0) * self.n as f64;
        let width = (self.hi - self.lo) / self.bins.len() as f64;
        let spans = std::iter::once((self.min, self.lo, self.below))
            .chain(self.bins.iter().enumerate().map(|(i, c)| {
                let a = self.lo + i as f64 * width;
                (a, a + width, *c)
            }))
            .chain(std::iter::once((self.hi, self.max, self.above)));
        let mut seen = 0.0;
        for (a, b, c) in spans {
            let c = c as f64;
            if c > 0.0 && seen + c >= rank {
                return a + (b - a) * ((rank - seen) / c).clamp(0.0, 1.0);
            }
            seen += c;
        }
        self.max
    }
}

/// One language: its documents, those every annotated filter keeps, and the
/// distribution of each column.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct LangDists {
    pub docs: u64,
    pub kept: u64,
    pub columns: BTreeMap<String, Dist>,
}

impl LangDists {
    /// Columns, the worst-hit (largest share failing a threshold) first,
    /// then those without a threshold, by name.
    pub fn worst_first(&self) -> Vec<(&String, &Dist)> {
        let mut v: Vec<_> = self.columns.iter().collect();
        v.sort_by(|a, b| {
            let key = |d: &Dist| (d.marks.iter().any(|m| !m.off), d.worst_share());
            let (ka, kb) = (key(a.1), key(b.1));
            kb.0.cmp(&ka.0)
                .then(kb.1.partial_cmp(&ka.1).unwrap_or(std::cmp::Ordering::Equal))
                .then(a.0.cmp(b.0))
        });
        v
    }
}

/// Every language's distributions.
pub type Distributions = BTreeMap<String, LangDists>;

/// Which columns to read: Float columns whose prefix is a stage of the run
/// (all dotted Float columns when the run recorded no stages), and the
/// verdicts of its annotated stages.
struct Wanted {
    prefixes: Option<Vec<String>>,
    keeps: Vec<String>,
}

impl Wanted {
    fn of(plan: Option<&PlanSummary>) -> Wanted {
        let stages = plan.map(|p| p.stages.as_slice()).unwrap_or_default();
        Wanted {
            prefixes: (!stages.is_empty()).then(|| stages.iter().map(|s| s.prefix.clone()).collect()),
            keeps: stages
                .iter()
                .filter(|s| s.mode == Mode::Annotate)
                .map(|s| format!("{}.keep", s.prefix))
                .collect(),
        }
    }

    fn measure(&self, name: &str) -> bool {
        let Some((prefix, _)) = name.split_once('.') else {
            return false;
        };
        match &self.prefixes {
            Some(p) => p.iter().any(|x| x == prefix),
            None => prefix != "annotate",
        }
    }
}

/// Opens `path` with a projection on `lang`, the wanted Float columns and
/// the verdicts.
fn open(path: &Path, wanted: &Wanted) -> anyhow::Result<ParquetRecordBatchReader> {
    let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let builder = ParquetRecordBatchReaderBuilder::try_new(file)
        .with_context(|| format!("{} is not a readable Parquet file", path.display()))?
        .with_batch_size(65_536);
    let schema = builder.parquet_schema();
    let leaves: Vec<usize> = schema
        .columns()
        .iter()
        .enumerate()
        .filter(|(_, c)| match c.path().parts() {
            [top] => top == "lang",
            [top, name] if top == "metadata" => match c.physical_type() {
                Physical::DOUBLE | Physical::FLOAT => wanted.measure(name),
                Physical::BOOLEAN => wanted.keeps.contains(name),
                _ => false,
            },
            _ => false,
        })
        .map(|(i, _)| i)
        .collect();
    let mask = ProjectionMask::leaves(schema, leaves);
    builder
        .with_projection(mask)
        .build()
        .with_context(|| format!("cannot read {}", path.display()))
}

/// A batch's rows in runs of one language: (start, end, language).
fn lang_runs(batch: &RecordBatch) -> Vec<(usize, usize, String)> {
    let langs = batch
        .column_by_name("lang")
        .and_then(|c| c.as_any().downcast_ref::<StringArray>());
    let lang_of = |i: usize| langs.filter(|l| l.is_valid(i)).map_or("und", |l| l.value(i));
    let mut out: Vec<(usize, usize, String)> = Vec::new();
    for i in 0..batch.num_rows() {
        match out.last_mut() {
            Some(r) if r.2 == lang_of(i) => r.1 = i + 1,
            _ => out.push((i, i + 1, lang_of(i).to_string())),
        }
    }
    out
}

/// The Float columns of a batch's `metadata`, by name.
fn measures<'a>(batch: &'a RecordBatch, wanted: &Wanted) -> Vec<(String, Numbers<'a>)> {
    let Some(meta) = batch
        .column_by_name("metadata")
        .and_then(|c| c.as_any().downcast_ref::<StructArray>())
    else {
        return Vec::new();
    };
    meta.column_names()
        .into_iter()
        .zip(meta.columns())
        .filter(|(name, c)| wanted.measure(name) && !matches!(c.data_type(), arrow_schema::DataType::Boolean))
        .filter_map(|(name, c)| Some((name.to_string(), Numbers::of(c)?)))
        .collect()
}

/// SplitMix64: the sample's row hash.
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// Pass 1 for one language and column.
#[derive(Debug, Default)]
struct First {
    n: u64,
    min: f64,
    max: f64,
    /// (row hash, value bits): the SAMPLE smallest hashes.
    sample: BinaryHeap<(u64, u64)>,
}

impl First {
    fn add(&mut self, hash: u64, x: f64) {
        if self.n == 0 {
            (self.min, self.max) = (x, x);
        } else {
            self.min = self.min.min(x);
            self.max = self.max.max(x);
        }
        self.n += 1;
        self.offer(hash, x.to_bits());
    }

    fn offer(&mut self, hash: u64, bits: u64) {
        if self.sample.len() < SAMPLE {
            self.sample.push((hash, bits));
        } else if self.sample.peek().is_some_and(|top| hash < top.0) {
            self.sample.pop();
            self.sample.push((hash, bits));
        }
    }

    fn merge(&mut self, o: First) {
        if o.n == 0 {
            return;
        }
        if self.n == 0 {
            (self.min, self.max) = (o.min, o.max);
        } else {
            self.min = self.min.min(o.min);
            self.max = self.max.max(o.max);
        }
        self.n += o.n;
        for (h, b) in o.sample {
            self.offer(h, b);
        }
    }

    /// The histogram range: [min, max], or the central 99% of the sample
    /// when the tails would stretch the range more than fourfold; widened to
    /// take in every threshold that lies within [min, max].
    /// A distribution with no values binned yet, over the range this pass chose.
    fn empty_dist(&self, marks: Vec<Mark>) -> Dist {
        let (lo, hi) = self.range(&marks);
        Dist {
            n: self.n,
            min: self.min,
            max: self.max,
            lo,
            hi,
            below: 0,
            above: 0,
            bins: vec![0; BINS],
            marks,
        }
    }

    fn range(&self, marks: &[Mark]) -> (f64, f64) {
        let mut s: Vec<f64> = self.sample.iter().map(|(_, b)| f64::from_bits(*b)).collect();
        s.sort_by(f64::total_cmp);
        let q = |p: f64| s[((s.len() - 1) as f64 * p).round() as usize];
        let (qlo, qhi) = (q(0.005), q(0.995));
        let (mut lo, mut hi) = if self.max - self.min <= 4.0 * (qhi - qlo) {
            (self.min, self.max)
        } else {
            (qlo, qhi)
        };
        for m in marks.iter().filter(|m| !m.off) {
            if (self.min..=self.max).contains(&m.value) {
                lo = lo.min(m.value);
                hi = hi.max(m.value);
            }
        }
        if hi <= lo {
            hi = lo + 1.0;
        }
        (lo, hi)
    }
}

type FirstPass = BTreeMap<String, BTreeMap<String, First>>;

fn first_pass(files: &[PathBuf], wanted: &Wanted) -> anyhow::Result<FirstPass> {
    let index: BTreeMap<&Path, u64> = files.iter().enumerate().map(|(i, p)| (p.as_path(), i as u64)).collect();
    fold_files(
        files,
        |path| {
            let mut out = FirstPass::new();
            let mut row = index[path] << 40;
            for batch in open(path, wanted)? {
                let batch = batch.with_context(|| format!("{}: damaged row group", path.display()))?;
                let runs = lang_runs(&batch);
                for (name, col) in measures(&batch, wanted) {
                    for (start, end, lang) in &runs {
                        let f = out.entry(lang.clone()).or_default().entry(name.clone()).or_default();
                        for i in *start..*end {
                            if let Some(x) = col.get(i).filter(|x| !x.is_nan()) {
                                f.add(mix(row + i as u64), x);
                            }
                        }
                    }
                }
                row += batch.num_rows() as u64;
            }
            Ok(out)
        },
        |mut a, b| {
            for (lang, cols) in b {
                let e = a.entry(lang).or_default();
                for (name, f) in cols {
                    e.entry(name).or_default().merge(f);
                }
            }
            a
        },
    )
}

/// The thresholds of column `name` for `lang`, from the stages the run
/// recorded: the rows of the stage's threshold table that bound this
/// measure, at the value resolved for the language (else `default`).
fn marks_of(plan: Option<&PlanSummary>, name: &str, lang: &str) -> Vec<Mark> {
    let Some((prefix, measure)) = name.split_once('.') else {
        return Vec::new();
    };
    let Some(stage) = plan.and_then(|p| p.stages.iter().find(|s| s.prefix == prefix)) else {
        return Vec::new();
    };
    let values = stage.thresholds.get(lang).or_else(|| stage.thresholds.get("default"));
    let Some(decl) = crate::stages::registry::filter_decl(&stage.kind) else {
        // A stage without a threshold table (`classify`) records its cut-off
        // under the measure's own name: the least value kept.
        return values
            .and_then(|v| v.get(measure))
            .map(|&value| Mark {
                param: measure.to_string(),
                bound: "min",
                value,
                off: false,
                failing: 0,
            })
            .into_iter()
            .collect();
    };
    decl.thresholds
        .iter()
        .filter(|t| t.measure == measure)
        .filter_map(|t| {
            let value = *values?.get(t.param)?;
            Some(Mark {
                param: t.param.to_string(),
                bound: if t.bound == Bound::Min { "min" } else { "max" },
                value,
                off: decl.zero_is_off && value == 0.0,
                failing: 0,
            })
        })
        .collect()
}

fn second_pass(files: &[PathBuf], wanted: &Wanted, empty: &Distributions) -> anyhow::Result<Distributions> {
    fold_files(
        files,
        |path| {
            let mut out = empty.clone();
            for batch in open(path, wanted)? {
                let batch = batch.with_context(|| format!("{}: damaged row group", path.display()))?;
                let runs = lang_runs(&batch);
                let meta = batch
                    .column_by_name("metadata")
                    .and_then(|c| c.as_any().downcast_ref::<StructArray>());
                let keeps: Vec<&BooleanArray> = wanted
                    .keeps
                    .iter()
                    .filter_map(|k| meta?.column_by_name(k)?.as_any().downcast_ref::<BooleanArray>())
                    .collect();
                for (start, end, lang) in &runs {
                    let l = out.entry(lang.clone()).or_default();
                    l.docs += (end - start) as u64;
                    l.kept += (*start..*end)
                        .filter(|&i| keeps.iter().all(|k| !k.is_valid(i) || k.value(i)))
                        .count() as u64;
                }
                for (name, col) in measures(&batch, wanted) {
                    for (start, end, lang) in &runs {
                        let Some(d) = out.get_mut(lang).and_then(|l| l.columns.get_mut(&name)) else {
                            continue;
                        };
                        for i in *start..*end {
                            let Some(x) = col.get(i).filter(|x| !x.is_nan()) else {
                                continue;
                            };
                            d.bin(x);
                            for m in d.marks.iter_mut() {
                                m.failing += m.fails(x) as u64;
                            }
                        }
                    }
                }
            }
            Ok(out)
        },
        |mut a, b| {
            for (lang, l) in b {
                let e = a.entry(lang).or_default();
                e.docs += l.docs;
                e.kept += l.kept;
                for (name, d) in l.columns {
                    match e.columns.get_mut(&name) {
                        None => {
                            e.columns.insert(name, d);
                        }
                        Some(x) => {
                            x.below += d.below;
                            x.above += d.above;
                            for (s, o) in x.bins.iter_mut().zip(&d.bins) {
                                *s += o;
                            }
                            for (s, o) in x.marks.iter_mut().zip(&d.marks) {
                                s.failing += o.failing;
                            }
                        }
                    }
                }
            }
            a
        },
    )
}

/// The distributions of the run in `outdir`; empty when it wrote no
/// Parquet or has no numeric metadata column of a stage (nothing was
/// annotated or scored).
pub fn scan(outdir: &Path) -> anyhow::Result<Distributions> {
    let plan: Option<PlanSummary> = std::fs::read(markers::plan_summary_path(outdir))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok());
    let files: Vec<PathBuf> = data_files(outdir, Which::Kept)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "parquet"))
        .collect();
    scan_files(&files, plan.as_ref())
}

/// [`scan`] over the given Parquet files of a run with this plan.
pub fn scan_files(files: &[PathBuf], plan: Option<&PlanSummary>) -> anyhow::Result<Distributions> {
    let wanted = Wanted::of(plan);
    if files.is_empty() {
        return Ok(Distributions::new());
    }
    let first = first_pass(files, &wanted)?;
    if first.values().all(|cols| cols.is_empty()) {
        return Ok(Distributions::new());
    }
    let mut empty = Distributions::new();
    for (lang, cols) in &first {
        let l: &mut LangDists = empty.entry(lang.clone()).or_default();
        for (name, f) in cols.iter().filter(|(_, f)| f.n > 0) {
            l.columns.insert(name.clone(), f.empty_dist(marks_of(plan, name, lang)));
        }
    }
    second_pass(files, &wanted, &empty)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dist(values: &[f64], marks: Vec<Mark>) -> Dist {
        let mut f = First::default();
        for (i, x) in values.iter().enumerate() {
            f.add(mix(i as u64), *x);
        }
        let mut d = f.empty_dist(marks);
        for &x in values {
            d.bin(x);
        }
        d
    }

    #[test]
    fn far_outliers_go_to_the_edge_counts_and_quantiles_stay_close() {
        // 10,000 values uniform on [0, 1), plus 10 at a million.
        let mut v: Vec<f64> = (0..10_000).map(|i| i as f64 / 10_000.0).collect();
        v.extend(std::iter::repeat_n(1e6, 10));
        let d = dist(&v, Vec::new());
        assert!(d.hi < 2.0, "range [{}, {}] follows the bulk", d.lo, d.hi);
        assert_eq!(d.below + d.above + d.bins.iter().sum::<u64>(), v.len() as u64);
        assert!(d.above >= 10);
        for p in [0.1, 0.5, 0.9] {
            assert!((d.quantile(p) - p).abs() < 0.01, "p{p}: {}", d.quantile(p));
        }
    }

    #[test]
    fn a_threshold_inside_the_values_is_in_the_range() {
        let v: Vec<f64> = (0..1000).map(|i| 0.5 + i as f64 / 4000.0).collect();
        let mark = Mark {
            param: "p".into(),
            bound: "min",
            value: 0.55,
            off: false,
            failing: 0,
        };
        let d = dist(&v, vec![mark.clone()]);
        assert!(d.lo <= 0.55 && d.hi >= 0.55);
        assert!(mark.fails(0.5) && !mark.fails(0.55));
        let off = Mark { off: true, ..mark };
        assert!(!off.fails(0.0));
    }

    #[test]
    fn the_sample_does_not_depend_on_how_files_are_split() {
        let mut whole = First::default();
        let (mut a, mut b) = (First::default(), First::default());
        for i in 0..5000u64 {
            let x = (i * 7919 % 5000) as f64;
            whole.add(mix(i), x);
            if i % 3 == 0 { &mut a } else { &mut b }.add(mix(i), x);
        }
        a.merge(b);
        let sorted = |f: &First| {
            let mut s: Vec<_> = f.sample.iter().copied().collect();
            s.sort();
            s
        };
        assert_eq!(sorted(&whole), sorted(&a));
        assert_eq!((whole.n, whole.min, whole.max), (a.n, a.min, a.max));
    }
}
