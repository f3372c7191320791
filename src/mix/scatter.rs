//! Phase `scatter`, the first stage of the two-stage shuffle: each task
//! reads its spool once and sends every copy of every document to a bucket
//! drawn from the seed, the document and the copy number. Buckets are
//! bounded (`shuffle_buffer_tokens`), so the second stage shuffles each in
//! memory; bucket then position within it is a uniform random order of all
//! copies, whatever the number of tasks or workers.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::count;
use super::layout;
use super::solve::{self, copies, doc_key};
use super::MixRun;
use std::io::Write;

use crate::io::megatron::{ShardReader, ShardWriter};

/// One line of an output sidecar: which document a sequence is.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SeqRow {
    pub id: String,
    pub lang: String,
    pub source: String,
    /// Copy number (0 for the first copy).
    pub copy: u32,
}

/// The bucket of copy `copy` of the document with `key`.
pub fn bucket_of(key: u64, copy: u32, buckets: usize) -> usize {
    let h = xxhash_rust::xxh3::xxh3_64_with_seed(&copy.to_le_bytes(), key);
    (h % buckets as u64) as usize
}

/// The copies the plan's fill gives a document on top of its scale's: the
/// times its key appears in the sorted fill.
pub fn extra_copies(fill: &[u64], key: u64) -> u32 {
    (fill.partition_point(|k| *k <= key) - fill.partition_point(|k| *k < key)) as u32
}

/// Runs scatter task `t`; returns the copies written.
pub fn run(mix: &MixRun, t: usize) -> anyhow::Result<u64> {
    let plan = solve::read(&mix.out)?;
    let langs: BTreeMap<&str, (f64, u32, &[u64])> = plan
        .languages
        .iter()
        .map(|l| {
            (
                l.lang.as_str(),
                (f64::from_bits(l.scale_bits), l.max_repeat, l.fill.as_slice()),
            )
        })
        .collect();
    let source = &mix.sources[mix.units[t].input];
    let spool = ShardReader::open(&layout::spool(&mix.out, t))?;
    let mut shards = Vec::with_capacity(mix.buckets);
    let mut sides = Vec::with_capacity(mix.buckets);
    for b in 0..mix.buckets {
        let p = layout::bucket(&mix.out, t, b);
        shards.push(ShardWriter::create(&p, mix.dtype)?);
        // Plain JSONL: a zstd writer's 4 MB frame buffer per bucket would make
        // memory grow with the number of buckets.
        sides.push(crate::io::atomic::AtomicFile::create(&layout::bucket_sidecar(&p))?);
    }
    let mut i = 0usize;
    let mut written = 0u64;
    count::read_table(&mix.out, t, |row| {
        let at = i;
        i += 1;
        let (scale, cap, fill) = langs[row.lang.as_str()];
        let key = doc_key(mix.spec.seed, source, &row.id);
        let n = copies(scale, row.w, solve::unit_draw(key), cap) + extra_copies(fill, key);
        if n == 0 {
            return Ok(());
        }
        anyhow::ensure!(
            at < spool.len(),
            "spool of task {t} is shorter than its table; rerun with --restart"
        );
        let ids = spool.get(at)?;
        for copy in 0..n {
            let b = bucket_of(key, copy, mix.buckets);
            shards[b].add(&ids)?;
            serde_json::to_writer(
                &mut sides[b],
                &SeqRow {
                    id: row.id.clone(),
                    lang: row.lang.clone(),
                    source: source.clone(),
                    copy,
                },
            )?;
            sides[b].write_all(b"\n")?;
            written += 1;
        }
        Ok(())
    })?;
    for (s, side) in shards.into_iter().zip(sides) {
        s.finish()?;
        side.commit()?;
    }
    Ok(written)
}
