//! Reads back what the output writers wrote: the documents of a run folder
//! (kept output or rejected/), JSONL or Parquet, as the JSON records the
//! writers produced (typed Parquet metadata and `metadata_extra` become one
//! `metadata` object again), files in parallel. The report, `inspect` and
//! `diff` read run folders only through here.

use std::io::BufRead;
use std::path::{Path, PathBuf};

use anyhow::Context;
use rayon::prelude::*;

/// Which documents of a run folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    Kept,
    Rejected,
}

/// The data files of `which` under `outdir`, in name order.
pub fn data_files(outdir: &Path, which: Which) -> Vec<PathBuf> {
    fn walk(dir: &Path, skip_rejected: bool, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with('_') || name.starts_with('.') || (skip_rejected && name == "rejected") {
                continue;
            }
            if p.is_dir() {
                walk(&p, skip_rejected, out);
            } else if name.ends_with(".jsonl.zst") || name.ends_with(".jsonl") || name.ends_with(".parquet") {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    match which {
        Which::Kept => walk(outdir, true, &mut out),
        Which::Rejected => walk(&outdir.join("rejected"), false, &mut out),
    }
    out.sort();
    out
}

/// Calls `f` with every record of `path` as JSON (Parquet rows become the
/// same fields as JSONL records).
pub fn for_each_record(path: &Path, mut f: impl FnMut(serde_json::Value)) -> anyhow::Result<()> {
    let name = path.to_string_lossy();
    if name.ends_with(".parquet") {
        return parquet_records(path, f);
    }
    let file = std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let reader: Box<dyn BufRead> = if name.ends_with(".zst") {
        Box::new(std::io::BufReader::new(zstd::stream::read::Decoder::new(file)?))
    } else {
        Box::new(std::io::BufReader::new(file))
    };
    for (i, line) in reader.split(b'\n').enumerate() {
        let line = line.with_context(|| format!("{}: record {}", path.display(), i + 1))?;
        if line.is_empty() {
            continue;
        }
        let v: serde_json::Value =
            serde_json::from_slice(&line).with_context(|| format!("{}:{}: not JSON", path.display(), i + 1))?;
        f(v);
    }
    Ok(())
}

fn parquet_records(path: &Path, mut f: impl FnMut(serde_json::Value)) -> anyhow::Result<()> {
    let file = std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let reader = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file)
        .and_then(|b| b.build())
        .with_context(|| format!("{} is not a readable Parquet file", path.display()))?;
    for batch in reader {
        let batch = batch.with_context(|| format!("cannot read {}", path.display()))?;
        for row in 0..batch.num_rows() {
            let mut m = super::parquet_in::row_json(&batch, row);
            // Typed metadata and the undeclared rest become one object again.
            if let Some(serde_json::Value::String(extra)) = m.remove("metadata_extra") {
                if let Ok(serde_json::Value::Object(extra)) = serde_json::from_str(&extra) {
                    let meta = m
                        .entry("metadata")
                        .or_insert_with(|| serde_json::Value::Object(Default::default()));
                    if let Some(meta) = meta.as_object_mut() {
                        meta.extend(extra);
                    }
                }
            }
            if let Some(meta) = m.get_mut("metadata").and_then(|v| v.as_object_mut()) {
                meta.retain(|_, v| !v.is_null());
            }
            f(serde_json::Value::Object(m));
        }
    }
    Ok(())
}

/// Runs `per_file` on every file in parallel and merges the results.
pub fn fold_files<T: Send + Default>(
    files: &[PathBuf],
    per_file: impl Fn(&Path) -> anyhow::Result<T> + Sync,
    merge: impl Fn(T, T) -> T + Sync + Send,
) -> anyhow::Result<T> {
    files
        .par_iter()
        .map(|p| per_file(p))
        .try_reduce(T::default, |a, b| Ok(merge(a, b)))
}
