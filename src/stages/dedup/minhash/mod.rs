//! `minhash_dedup` (barrier): near-duplicate removal with MinHash LSH.
//!
//! One YAML entry becomes four phases:
//! 1. signatures — the collector at the end of the upstream phase signs every
//!    document and writes, per band, runs sorted by band hash
//!    ([`collect`]); plus, for verification, a bottom-k sample of each
//!    document's shingles (exact similarity for texts up to k shingles) and
//!    the document ids.
//! 2. buckets — one task per band (or band × hash range) merges the sorted
//!    runs of every upstream task and emits candidate pairs, verified on the
//!    samples when `verify` is on ([`buckets`]).
//! 3. clusters — one task runs union-find over compact integer ids, and with
//!    `verify` splits each component into stars around documents every member
//!    is verified against, so no document is removed as a duplicate of one
//!    it is not similar to; it writes, per upstream task, the documents to
//!    remove ([`clusters`]).
//! 4. filter — each downstream task streams its removal list alongside its
//!    documents and records `minhash_cluster_size` on the ones it keeps
//!    ([`filter`]); stages after the barrier follow in that phase.

mod buckets;
mod clusters;
mod collect;
mod filter;
mod samples;
pub mod signature;

use std::path::{Path, PathBuf};

use anyhow::bail;
use serde::Deserialize;

use crate::document::Document;
use crate::stages::contract::{Describe, Role};
use crate::stages::{Barrier, ReduceStep, Stage, StageConfig, TaskContext, ValidateContext};
use crate::stats::TaskStats;
use signature::MinHasher;

/// Which document of a cluster survives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Keep {
    /// The first in input order.
    First,
    /// The longest text (ties: first).
    Longest,
    /// The highest numeric metadata field `keep_field` (ties: first).
    Highest,
}

/// Near duplicates by MinHash LSH (5-grams, 14 × 6 hashes), candidates verified on shingle samples (Jaccard ≥ 0.55),
/// survivor first/longest/highest field; four phases: signatures → buckets → clusters → filter.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MinhashDedupConfig {
    /// Words per shingle, after normalisation (lowercase, numbers, punctuation, diacritics).
    #[serde(default = "d_ngram")]
    pub ngram: usize,
    /// LSH bands; a pair sharing one band is a candidate.
    #[serde(default = "d_buckets")]
    pub buckets: usize,
    /// Hashes per band (buckets x hashes_per_bucket = signature length).
    #[serde(default = "d_rows")]
    pub hashes_per_bucket: usize,
    /// Seed of the hash permutations.
    #[serde(default = "d_seed")]
    pub seed: u64,
    /// Which document of a cluster survives.
    #[serde(default = "d_keep")]
    pub keep: Keep,
    /// Numeric metadata field for keep: highest.
    #[serde(default)]
    pub keep_field: Option<String>,
    /// Only same-language documents are duplicates.
    #[serde(default)]
    pub per_language: bool,
    /// Remove only documents whose Jaccard similarity to the kept one reaches `threshold`.
    #[serde(default = "d_true")]
    pub verify: bool,
    /// Jaccard similarity (on the shingle samples) a candidate pair needs to count as duplicates.
    #[serde(default = "d_threshold")]
    pub threshold: f64,
    /// Shingles kept per document for verification (bottom-k; exact below k; 4 B each on disk).
    #[serde(default = "d_sample")]
    pub verify_sample: usize,
    /// Split each band's merge by hash range over this many tasks.
    #[serde(default = "d_one")]
    pub tasks_per_bucket: usize,
    #[serde(skip)]
    hasher: crate::stages::BuiltOnce<MinHasher>,
}

fn d_ngram() -> usize {
    5
}
fn d_buckets() -> usize {
    14
}
/// 6 rather than datatrove's 8: looser bands find more of the near
/// duplicates (recall on planted copies 0.993 against datatrove's 0.984 with
/// 14 × 8, `benches/minhash-calibrate.sh`), and verification removes the
/// extra chance candidates, so precision does not pay for it; 84 hashes also
/// sign faster than 112.
fn d_rows() -> usize {
    6
}
fn d_seed() -> u64 {
    1
}
fn d_keep() -> Keep {
    Keep::First
}
fn d_true() -> bool {
    true
}
/// Chosen on planted near duplicates of the calibration text
/// (`benches/minhash-calibrate.sh`): about the highest threshold that keeps
/// the recall of the LSH bands alone (0.993 with and without it). A 3% word edit already
/// changes ~15% of the 5-gram shingles, so 0.8 rejected what users call near
/// duplicates; candidates below 0.55 are the bands' chance collisions.
fn d_threshold() -> f64 {
    0.55
}
fn d_sample() -> usize {
    256
}
fn d_one() -> usize {
    1
}

impl Describe for MinhashDedupConfig {
    const KIND: &'static str = "minhash_dedup";
    const ROLE: Role = Role::Barrier;
}

impl MinhashDedupConfig {
    fn hasher(&self) -> std::sync::Arc<MinHasher> {
        self.hasher
            .get_or_build(|| {
                Ok(MinHasher::new(
                    self.ngram,
                    self.buckets,
                    self.hashes_per_bucket,
                    self.seed,
                ))
            })
            .expect("building the hash family cannot fail")
    }

    /// How a cluster's survivor is ranked: higher wins, ties go to input order.
    fn priority(&self, doc: &Document) -> f64 {
        match self.keep {
            Keep::First => 0.0,
            Keep::Longest => doc.text.len() as f64,
            Keep::Highest => self
                .keep_field
                .as_deref()
                .and_then(|f| doc.meta.get(f))
                .and_then(|v| v.as_f64().or_else(|| v.as_str().and_then(|s| s.trim().parse().ok())))
                .unwrap_or(f64::NEG_INFINITY),
        }
    }
}

impl StageConfig for MinhashDedupConfig {
    fn metadata(&self) -> Vec<crate::meta_schema::MetaField> {
        use crate::meta_schema::{MetaField, MetaType};
        vec![MetaField::new(
            filter::CLUSTER_SIZE_FIELD,
            MetaType::Int,
            "documents in the kept document's near-duplicate cluster, itself included; 1 when it had no duplicate (minhash_dedup)",
        )]
    }

    fn validate(&self, _ctx: &ValidateContext) -> anyhow::Result<()> {
        if self.ngram == 0 {
            bail!("minhash_dedup: `ngram: 0`; use at least 1 word per shingle");
        }
        if self.buckets == 0 || self.hashes_per_bucket == 0 || self.hashes_per_bucket > 64 {
            bail!("minhash_dedup: `buckets` must be at least 1 and `hashes_per_bucket` between 1 and 64");
        }
        if self.verify_sample < 16 {
            bail!(
                "minhash_dedup: `verify_sample: {}`; use at least 16 shingles",
                self.verify_sample
            );
        }
        if self.tasks_per_bucket == 0 {
            bail!("minhash_dedup: `tasks_per_bucket: 0`; use at least 1");
        }
        if !(0.0..=1.0).contains(&self.threshold) {
            bail!(
                "minhash_dedup: `threshold: {}` is not a Jaccard similarity between 0 and 1",
                self.threshold
            );
        }
        if self.keep == Keep::Highest && self.keep_field.is_none() {
            bail!("minhash_dedup: `keep: highest` needs `keep_field: <metadata field>`");
        }
        Ok(())
    }

    fn build(&self, _ctx: &TaskContext) -> anyhow::Result<Box<dyn Stage>> {
        bail!("minhash_dedup is a barrier and runs as signatures/buckets/clusters/filter phases")
    }

    fn as_barrier(&self) -> Option<&dyn Barrier> {
        Some(self)
    }
}

impl Barrier for MinhashDedupConfig {
    fn collector(&self, ctx: &TaskContext) -> anyhow::Result<Box<dyn Stage>> {
        Ok(Box::new(collect::Collector::new(self, ctx)?))
    }

    fn reduce_steps(&self, _upstream_tasks: usize) -> Vec<ReduceStep> {
        vec![
            ReduceStep {
                name: "buckets",
                tasks: self.buckets * self.tasks_per_bucket,
            },
            ReduceStep {
                name: "clusters",
                tasks: 1,
            },
        ]
    }

    fn reduce(
        &self,
        step: usize,
        ctx: &TaskContext,
        upstream_tasks: usize,
        stats: &mut TaskStats,
    ) -> anyhow::Result<()> {
        match step {
            0 => buckets::run(self, ctx, upstream_tasks, &mut stats.counters),
            _ => clusters::run(self, ctx, upstream_tasks, stats),
        }
    }

    fn filter(&self, ctx: &TaskContext, _upstream_tasks: usize) -> anyhow::Result<Box<dyn Stage>> {
        Ok(Box::new(filter::Filter::open(&paths::remove(&ctx.work_dir, ctx.task))?))
    }
}

/// Where the phases keep their side files, all under the barrier's folder.
mod paths {
    use super::*;

    pub fn signatures(work: &Path, task: usize) -> PathBuf {
        work.join("signatures").join(format!("task-{task:05}.bin"))
    }
    pub fn samples(work: &Path, task: usize) -> PathBuf {
        work.join("samples").join(format!("task-{task:05}.bin"))
    }
    pub fn sample_offsets(work: &Path, task: usize) -> PathBuf {
        work.join("samples").join(format!("task-{task:05}.idx"))
    }
    pub fn id_offsets(work: &Path, task: usize) -> PathBuf {
        work.join("ids").join(format!("task-{task:05}.idx"))
    }
    pub fn ids(work: &Path, task: usize) -> PathBuf {
        work.join("ids").join(format!("task-{task:05}.txt"))
    }
    pub fn priorities(work: &Path, task: usize) -> PathBuf {
        work.join("ids").join(format!("task-{task:05}.prio"))
    }
    pub fn pairs(work: &Path, bucket_task: usize) -> PathBuf {
        work.join("pairs").join(format!("bucket-{bucket_task:05}.bin"))
    }
    pub fn remove(work: &Path, task: usize) -> PathBuf {
        work.join("remove").join(format!("task-{task:05}.bin"))
    }
}

#[cfg(test)]
mod tests;
