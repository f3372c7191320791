//! `whatif` at scale: generated annotated Parquet output (the schema the
//! run writes: `gopher_quality` and `gopher_repetition` in `mode: annotate`,
//! 21 measure columns, 24 languages), then `whatif` with changed thresholds
//! and a condition, timed in CPU seconds and wall time, with peak RSS.
//!
//! The texts are short: `whatif` reads only the columns it decides on (a
//! projection), never `text`, so their length does not enter its cost.

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use arrow_array::{
    ArrayRef, BooleanArray, Float32Array, Float64Array, Int64Array, RecordBatch, StringArray, StructArray,
};
use eurocurate::exec::markers::{PlanSummary, StageSummary};
use eurocurate::meta_schema::{MetaField, MetaType};
use eurocurate::stages::annotate::{self, FilterDecl, Mode};
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::WriterProperties;
use rayon::prelude::*;

const LANGS: [&str; 24] = [
    "bg", "cs", "da", "de", "el", "en", "es", "et", "fi", "fr", "ga", "hr", "hu", "it", "lt", "lv", "mt", "nl", "pl",
    "pt", "ro", "sk", "sl", "sv",
];
const STAGES: [&str; 2] = ["gopher_quality", "gopher_repetition"];
const FILES_PER_LANG: usize = 2;
const BATCH: usize = 65_536;

fn decl(kind: &str) -> &'static FilterDecl {
    eurocurate::stages::registry::filter_decl(kind).expect("a filter")
}

/// Writes `docs` generated annotated documents under `dir` (once: a folder
/// that already holds them is reused).
pub fn generate(dir: &Path, docs: u64, seed: u64) -> anyhow::Result<()> {
    let stamp = dir.join("_generated.txt");
    let want = format!("{docs} {seed}");
    if std::fs::read_to_string(&stamp).ok().as_deref() == Some(want.as_str()) {
        return Ok(());
    }
    let _ = std::fs::remove_dir_all(dir);
    let fields: Vec<MetaField> =
        eurocurate::meta_schema::merge(STAGES.iter().flat_map(|k| annotate::fields(k, decl(k))));
    let schema = eurocurate::io::parquet_out::schema(&fields);
    let files = LANGS.len() * FILES_PER_LANG;
    let per_file = docs / files as u64;
    (0..files).into_par_iter().try_for_each(|f| -> anyhow::Result<()> {
        let lang = LANGS[f / FILES_PER_LANG];
        let n = per_file + u64::from((f as u64) < docs % files as u64);
        let path = dir.join(lang).join(format!("part-{f:05}.parquet"));
        std::fs::create_dir_all(path.parent().unwrap())?;
        let props = WriterProperties::builder()
            .set_compression(Compression::ZSTD(ZstdLevel::try_new(3)?))
            .set_max_row_group_row_count(Some(100_000))
            .build();
        let mut w = ArrowWriter::try_new(std::fs::File::create(&path)?, schema.clone(), Some(props))?;
        let mut rng = eurocurate::rng::Rng::new(seed ^ (f as u64).wrapping_mul(0x9E37_79B9));
        let mut done = 0u64;
        while done < n {
            let rows = BATCH.min((n - done) as usize);
            let ids: StringArray = (0..rows).map(|i| Some(format!("g{f}-{}", done + i as u64))).collect();
            let texts: StringArray = (0..rows)
                .map(|i| Some(format!("generated document {}", done + i as u64)))
                .collect();
            let urls: StringArray = (0..rows).map(|_| None::<&str>).collect();
            let langs: StringArray = (0..rows).map(|_| Some(lang)).collect();
            let scores: Float32Array = (0..rows).map(|_| Some(0.5 + rng.unit() as f32 / 2.0)).collect();
            let sources: StringArray = (0..rows).map(|_| Some("generated")).collect();
            let meta = metadata(&fields, rows, &mut rng);
            let extra: StringArray = (0..rows).map(|_| None::<&str>).collect();
            let cols: Vec<ArrayRef> = vec![
                Arc::new(ids),
                Arc::new(texts),
                Arc::new(urls),
                Arc::new(langs),
                Arc::new(scores),
                Arc::new(sources),
                meta,
                Arc::new(extra),
            ];
            w.write(&RecordBatch::try_new(schema.clone(), cols)?)?;
            done += rows as u64;
        }
        w.close()?;
        Ok(())
    })?;
    let summary = PlanSummary {
        kind: "pipeline".into(),
        pipeline: "whatif-bench".into(),
        phases: Vec::new(),
        on_error: Default::default(),
        stages: STAGES
            .iter()
            .map(|k| StageSummary {
                kind: k.to_string(),
                prefix: k.to_string(),
                mode: Mode::Annotate,
                barrier: false,
                thresholds: [("default".to_string(), generated_thresholds(decl(k)))].into(),
            })
            .collect(),
    };
    let markers = eurocurate::exec::markers::plan_summary_path(dir);
    std::fs::create_dir_all(markers.parent().unwrap())?;
    std::fs::write(&markers, serde_json::to_vec_pretty(&summary)?)?;
    std::fs::write(&stamp, want)?;
    Ok(())
}

/// The threshold each generated check fails beyond: the lowest or highest
/// 10% of its uniform range.
fn threshold_of(t: &annotate::Threshold) -> f64 {
    let scale = if t.measure == "words" || t.measure == "stop_words" {
        2000.0
    } else {
        1.0
    };
    match t.bound {
        annotate::Bound::Min => 0.1 * scale,
        annotate::Bound::Max => 0.9 * scale,
    }
}

/// Every parameter's generated threshold, as the run would record it.
fn generated_thresholds(d: &FilterDecl) -> std::collections::BTreeMap<String, f64> {
    d.thresholds
        .iter()
        .map(|t| (t.param.to_string(), threshold_of(t)))
        .collect()
}

/// Per stage: keep, reason and fails of each row.
type Verdicts = (Vec<bool>, Vec<Option<String>>, Vec<Option<String>>);

/// The `metadata` struct of `rows` documents: each measure uniform in
/// [0, 1) (word-like counts scaled to [0, 2000)), each check failing on its
/// 10% tail, verdicts and reasons consistent with the checks.
fn metadata(fields: &[MetaField], rows: usize, rng: &mut eurocurate::rng::Rng) -> ArrayRef {
    let mut values: std::collections::HashMap<String, Vec<f64>> = Default::default();
    for f in fields.iter().filter(|f| f.ty == MetaType::Float) {
        let scale = if f.name.ends_with(".words") || f.name.ends_with(".stop_words") {
            2000.0
        } else {
            1.0
        };
        values.insert(f.name.clone(), (0..rows).map(|_| rng.unit() * scale).collect());
    }
    let mut cols: Vec<ArrayRef> = Vec::new();
    let mut verdicts: std::collections::HashMap<String, Verdicts> = Default::default();
    for k in STAGES {
        let d = decl(k);
        let mut keep = vec![true; rows];
        let mut reason = vec![None; rows];
        let mut fails: Vec<Option<String>> = vec![None; rows];
        for t in d.thresholds {
            let v = &values[&format!("{k}.{}", t.measure)];
            let threshold = threshold_of(t);
            for i in 0..rows {
                if t.bound.fails(v[i], threshold) {
                    keep[i] = false;
                    reason[i].get_or_insert_with(|| t.reason.to_string());
                    match &mut fails[i] {
                        Some(s) => {
                            s.push(',');
                            s.push_str(t.reason);
                        }
                        None => fails[i] = Some(t.reason.to_string()),
                    }
                }
            }
        }
        verdicts.insert(k.to_string(), (keep, reason, fails));
    }
    for f in fields {
        let prefix = f.name.split('.').next().unwrap_or_default();
        let col: ArrayRef = match f.ty {
            MetaType::Float => Arc::new(Float64Array::from(values[&f.name].clone())),
            MetaType::Bool => Arc::new(BooleanArray::from(verdicts[prefix].0.clone())),
            MetaType::Str if f.name.ends_with(".reason") => Arc::new(StringArray::from(verdicts[prefix].1.clone())),
            MetaType::Str => Arc::new(StringArray::from(verdicts[prefix].2.clone())),
            MetaType::Int if f.name == annotate::WORDS_COLUMN => Arc::new(Int64Array::from_iter_values(
                (0..rows).map(|_| 50 + rng.below(1500) as i64),
            )),
            MetaType::Int => Arc::new(Int64Array::from_iter_values(
                (0..rows).map(|_| 300 + rng.below(9000) as i64),
            )),
            _ => unreachable!("annotation fields are float, bool, str or int"),
        };
        cols.push(col);
    }
    let struct_fields = match eurocurate::meta_schema::struct_type(fields) {
        arrow_schema::DataType::Struct(f) => f,
        _ => unreachable!(),
    };
    Arc::new(StructArray::new(struct_fields, cols, None))
}

/// Generates (once) and runs `whatif` over `docs` documents.
pub fn run(dir: &Path, docs: u64, rounds: usize) -> anyhow::Result<()> {
    let t = Instant::now();
    generate(dir, docs, 2026).context("generating the annotated corpus")?;
    let measures: usize = STAGES.iter().map(|k| decl(k).measures().len()).sum();
    println!(
        "corpus: {docs} annotated documents, {} languages, {measures} measure columns, {} files under {} (ready in {:.1}s)",
        LANGS.len(),
        LANGS.len() * FILES_PER_LANG,
        dir.display(),
        t.elapsed().as_secs_f64()
    );
    let sets: Vec<_> = [
        "gopher_quality.min_doc_words=150",
        "gopher_quality.max_non_alpha_words_ratio=0.05",
        "gopher_repetition.dup_line_frac=0.95",
        "gopher_repetition.top_2_gram@fi=0.8",
    ]
    .iter()
    .map(|s| eurocurate::analytics::parse_set(s))
    .collect::<anyhow::Result<_>>()?;
    let wheres = [eurocurate::analytics::parse_where("gopher_quality.hash_ratio < 0.95")?];
    super::common::reset_peak_rss();
    for round in 0..rounds {
        let cpu0 = super::common::cpu_seconds();
        let t = Instant::now();
        let w = eurocurate::analytics::whatif(dir, &sets, &wheres, None)?;
        let (wall, cpu) = (t.elapsed().as_secs_f64(), super::common::cpu_seconds() - cpu0);
        let seen: u64 = w.by_lang.values().map(|t| t.seen.docs).sum();
        let kept: u64 = w.by_lang.values().map(|t| t.whatif.docs).sum();
        let run: u64 = w.by_lang.values().map(|t| t.run.docs).sum();
        anyhow::ensure!(seen == docs, "read {seen} of {docs} documents");
        println!(
            "round {}: whatif over {seen} docs in {wall:.1}s wall, {cpu:.1} CPU s on {} threads ({:.2} M docs per CPU second); run kept {run}, whatif keeps {kept}; peak RSS {} MB",
            round + 1,
            rayon::current_num_threads(),
            seen as f64 / cpu.max(1e-9) / 1e6,
            super::common::peak_rss() / 1_000_000
        );
    }
    Ok(())
}
