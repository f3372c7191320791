//! Reading an annotated run's Parquet files: only the columns a decision
//! needs (a projection of the `metadata` struct's leaves), every file in
//! parallel, tallied per language.

use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};

use anyhow::Context;
use arrow_array::{Array, Int64Array, RecordBatch, StringArray, StructArray};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::ProjectionMask;

use super::decide::Rules;
use crate::stages::annotate::{BYTES_COLUMN, WORDS_COLUMN};

/// Documents, words and bytes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Volume {
    pub docs: u64,
    pub words: u64,
    pub bytes: u64,
}

impl Volume {
    fn add(&mut self, words: u64, bytes: u64) {
        self.docs += 1;
        self.words += words;
        self.bytes += bytes;
    }

    fn merge(&mut self, o: &Volume) {
        self.docs += o.docs;
        self.words += o.words;
        self.bytes += o.bytes;
    }
}

/// One language's numbers: what the run kept, what the what-if keeps, and
/// the documents that change side.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Tally {
    /// Every annotated document.
    pub seen: Volume,
    pub run: Volume,
    pub whatif: Volume,
    /// Kept by the what-if, dropped by the run.
    pub gained: u64,
    /// Kept by the run, dropped by the what-if.
    pub lost: u64,
}

impl Tally {
    fn merge(&mut self, o: &Tally) {
        self.seen.merge(&o.seen);
        self.run.merge(&o.run);
        self.whatif.merge(&o.whatif);
        self.gained += o.gained;
        self.lost += o.lost;
    }
}

/// Tallies per language.
pub type ByLang = BTreeMap<String, Tally>;

/// The leaves of `file` to read: `lang`, the named children of `metadata`
/// and, when asked, `lang_score`. Names hold dots (`gopher_quality.keep`),
/// so leaves are matched on their path parts, never on a dotted string.
fn mask(builder: &ParquetRecordBatchReaderBuilder<File>, meta: &[String], lang_score: bool) -> ProjectionMask {
    let schema = builder.parquet_schema();
    let leaves: Vec<usize> = schema
        .columns()
        .iter()
        .enumerate()
        .filter(|(_, c)| {
            let parts = c.path().parts();
            match parts {
                [top] => top == "lang" || (lang_score && top == "lang_score"),
                [top, name, ..] => top == "metadata" && meta.iter().any(|m| m == name),
                _ => false,
            }
        })
        .map(|(i, _)| i)
        .collect();
    ProjectionMask::leaves(schema, leaves)
}

/// Opens `path` for reading: all columns, or the projection of `rules`.
pub fn open(
    path: &Path,
    rules: Option<&Rules>,
) -> anyhow::Result<parquet::arrow::arrow_reader::ParquetRecordBatchReader> {
    let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut builder = ParquetRecordBatchReaderBuilder::try_new(file)
        .with_context(|| format!("{} is not a readable Parquet file", path.display()))?
        .with_batch_size(65_536);
    if let Some(rules) = rules {
        let (meta, lang_score) = rules.columns();
        let m = mask(&builder, &meta, lang_score);
        builder = builder.with_projection(m);
    }
    builder
        .build()
        .with_context(|| format!("cannot read {}", path.display()))
}

/// Tallies one file.
pub fn tally_file(path: &Path, rules: &Rules) -> anyhow::Result<ByLang> {
    let mut out = ByLang::new();
    for batch in open(path, Some(rules))? {
        let batch = batch.with_context(|| format!("{}: damaged row group", path.display()))?;
        tally_batch(&batch, rules, &mut out).with_context(|| path.display().to_string())?;
    }
    Ok(out)
}

fn tally_batch(batch: &RecordBatch, rules: &Rules, out: &mut ByLang) -> anyhow::Result<()> {
    let (run, new) = rules.decide(batch)?;
    let langs = batch
        .column_by_name("lang")
        .and_then(|c| c.as_any().downcast_ref::<StringArray>());
    let meta = batch
        .column_by_name("metadata")
        .and_then(|c| c.as_any().downcast_ref::<StructArray>());
    let int = |name: &str| {
        meta.and_then(|m| m.column_by_name(name))
            .and_then(|c| c.as_any().downcast_ref::<Int64Array>())
    };
    let (words, bytes) = (int(WORDS_COLUMN), int(BYTES_COLUMN));
    let get = |a: Option<&Int64Array>, i: usize| a.filter(|a| a.is_valid(i)).map_or(0, |a| a.value(i).max(0) as u64);
    // Rows come in runs of one language (outputs are usually partitioned by
    // it): look the tally up once per run.
    let mut i = 0;
    while i < batch.num_rows() {
        let lang = langs.filter(|l| l.is_valid(i)).map_or("und", |l| l.value(i));
        let t = match out.get_mut(lang) {
            Some(t) => t,
            None => out.entry(lang.to_string()).or_default(),
        };
        while i < batch.num_rows() && langs.filter(|l| l.is_valid(i)).map_or("und", |l| l.value(i)) == lang {
            let (w, b) = (get(words, i), get(bytes, i));
            t.seen.add(w, b);
            if run[i] {
                t.run.add(w, b);
            }
            if new[i] {
                t.whatif.add(w, b);
            }
            t.gained += (new[i] && !run[i]) as u64;
            t.lost += (run[i] && !new[i]) as u64;
            i += 1;
        }
    }
    Ok(())
}

/// Tallies every file in parallel.
pub fn tally(files: &[PathBuf], rules: &Rules) -> anyhow::Result<ByLang> {
    crate::io::read_back::fold_files(
        files,
        |p| tally_file(p, rules),
        |mut a, b| {
            for (lang, t) in b {
                a.entry(lang).or_default().merge(&t);
            }
            a
        },
    )
}
