//! Where a mix keeps its files, and the units its first phases read: one
//! task per input file (JSONL/Parquet) or per Megatron shard, so the output
//! depends on the inputs, never on the number of workers or Slurm tasks.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};

use super::spec::MixSpec;
use crate::io::read_back::{data_files, Which};

/// What one unit is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnitKind {
    /// A JSONL or Parquet file of documents.
    Text(PathBuf),
    /// A Megatron shard prefix and its per-document sidecar.
    Shard { prefix: PathBuf, sidecar: PathBuf },
}

/// One task's input of the count and scatter phases.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    /// Index in `inputs:`.
    pub input: usize,
    pub kind: UnitKind,
}

impl Unit {
    /// The file a message should name.
    pub fn path(&self) -> &Path {
        match &self.kind {
            UnitKind::Text(p) => p,
            UnitKind::Shard { prefix, .. } => prefix,
        }
    }
}

/// The sidecar of a shard prefix, when present.
pub fn sidecar_of(prefix: &Path) -> Option<PathBuf> {
    let s = prefix.as_os_str().to_string_lossy();
    [".docs.jsonl.zst", ".docs.jsonl"]
        .iter()
        .map(|ext| PathBuf::from(format!("{s}{ext}")))
        .find(|p| p.is_file())
}

/// Every unit of every input, inputs in order, files in name order.
pub fn units(spec: &MixSpec, base: &Path) -> anyhow::Result<Vec<Unit>> {
    let mut out = Vec::new();
    for (i, input) in spec.inputs.iter().enumerate() {
        let path = super::weights::resolve(base, &input.path);
        let idx = PathBuf::from(format!("{}.idx", path.display()));
        let shards = if idx.is_file() {
            vec![path.clone()]
        } else if path.is_dir() {
            crate::io::megatron::find_shards(&path)
        } else {
            Vec::new()
        };
        if !shards.is_empty() {
            for prefix in shards {
                let sidecar = sidecar_of(&prefix).with_context(|| {
                    format!(
                        "{}.idx has no sidecar {}.docs.jsonl[.zst]: shards alone carry no language or metadata; \
                         mix the run's JSONL/Parquet output with the tokenizer instead, or write the sidecar \
                         (one JSON record per sequence, in shard order, with `id`, `lang`, `metadata`)",
                        prefix.display(),
                        prefix.display()
                    )
                })?;
                out.push(Unit {
                    input: i,
                    kind: UnitKind::Shard { prefix, sidecar },
                });
            }
            continue;
        }
        let files = if path.is_file() {
            vec![path.clone()]
        } else if path.is_dir() {
            data_files(&path, Which::Kept)
        } else {
            bail!(
                "inputs[{i}]: {} does not exist (paths are relative to the working directory)",
                path.display()
            );
        };
        if files.is_empty() {
            bail!(
                "inputs[{i}]: {} holds no JSONL, Parquet or Megatron shards (rejected/ and _* folders are not read)",
                path.display()
            );
        }
        out.extend(files.into_iter().map(|f| Unit {
            input: i,
            kind: UnitKind::Text(f),
        }));
    }
    Ok(out)
}

/// The mix's scratch folder.
pub fn work(out: &Path) -> PathBuf {
    out.join("_work").join("mix")
}

/// The token spool of count task `t`.
pub fn spool(out: &Path, t: usize) -> PathBuf {
    work(out).join("count").join(format!("task-{t:05}"))
}

/// The document table of count task `t` (one record per spooled document).
pub fn doc_table(out: &Path, t: usize) -> PathBuf {
    work(out).join("count").join(format!("task-{t:05}.docs.jsonl.zst"))
}

/// What count task `t` saw, per language.
pub fn count_summary(out: &Path, t: usize) -> PathBuf {
    work(out).join("count").join(format!("task-{t:05}.json"))
}

/// The solved plan.
pub fn plan_file(out: &Path) -> PathBuf {
    work(out).join("plan.json")
}

/// Bucket `b` of scatter task `t`.
pub fn bucket(out: &Path, t: usize, b: usize) -> PathBuf {
    work(out).join("buckets").join(format!("t{t:05}-b{b:05}"))
}

/// What shuffle task `b` wrote.
pub fn shuffle_summary(out: &Path, b: usize) -> PathBuf {
    work(out).join("shuffle").join(format!("task-{b:05}.json"))
}

/// Output shard `b`.
pub fn part(out: &Path, b: usize) -> PathBuf {
    out.join(format!("part-{b:05}"))
}

/// The sidecar of a bucket (plain JSONL: scratch).
pub fn bucket_sidecar(prefix: &Path) -> PathBuf {
    PathBuf::from(format!("{}.docs.jsonl", prefix.display()))
}

/// The sidecar of a shard prefix this mix writes.
pub fn sidecar(prefix: &Path) -> PathBuf {
    PathBuf::from(format!("{}.docs.jsonl.zst", prefix.display()))
}
