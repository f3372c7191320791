//! Phase 2, buckets: for one band (or one hash range of it), merges the
//! sorted runs of every upstream task and turns documents sharing a band hash
//! into candidate pairs. Memory: one 64 KB buffer per run and the current
//! group; never the band in RAM.
//!
//! Within a group (same band hash, input order) each document is paired with
//! the first of up to [`MAX_REPRESENTATIVES`] representatives it matches;
//! with `verify`, a match needs a sampled Jaccard ≥ `threshold`, and a
//! document that matches none becomes a representative itself. Identical
//! copies thus cost one comparison each, however large the group.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::Write;
use std::os::unix::fs::FileExt;
use std::sync::Arc;

use super::collect::RECORD;
use super::samples::Samples;
use super::signature::sample_jaccard;
use super::{paths, MinhashDedupConfig};
use crate::io::atomic::AtomicFile;
use crate::stages::dedup::sidefile::ChunkFile;
use crate::stages::TaskContext;
use crate::stats::Counters;

/// Distinct variants of a group a document is compared against.
pub const MAX_REPRESENTATIVES: usize = 8;

/// A document of one upstream task: `task << 32 | ordinal`.
pub fn pack(task: u32, ordinal: u32) -> u64 {
    (task as u64) << 32 | ordinal as u64
}

/// A sorted run read through its own buffer from a shared file handle.
struct Run {
    file: Arc<File>,
    pos: u64,
    end: u64,
    buf: Vec<u8>,
    at: usize,
    task: u32,
}

impl Run {
    fn next(&mut self) -> std::io::Result<Option<(u64, u32)>> {
        if self.at + RECORD > self.buf.len() {
            let left = (self.end - self.pos) as usize;
            if left < RECORD {
                return Ok(None);
            }
            let n = left.min(5461 * RECORD);
            self.buf.resize(n, 0);
            self.file.read_exact_at(&mut self.buf, self.pos)?;
            self.pos += n as u64;
            self.at = 0;
        }
        let r = &self.buf[self.at..self.at + RECORD];
        self.at += RECORD;
        Ok(Some((
            u64::from_le_bytes(r[0..8].try_into().unwrap()),
            u32::from_le_bytes(r[8..12].try_into().unwrap()),
        )))
    }
}

/// Runs bucket task `ctx.task` (band = task / tasks_per_bucket).
pub fn run(
    cfg: &MinhashDedupConfig,
    ctx: &TaskContext,
    upstream_tasks: usize,
    counters: &mut Counters,
) -> anyhow::Result<()> {
    let key = ctx.task as u32;
    let mut runs = Vec::new();
    for t in 0..upstream_tasks {
        let path = paths::signatures(&ctx.work_dir, t);
        let chunks = ChunkFile::open(&path, "the signatures phase")?;
        let file = Arc::new(File::open(&path)?);
        for (off, len) in chunks.locate(key) {
            runs.push(Run {
                file: file.clone(),
                pos: off,
                end: off + len,
                buf: Vec::new(),
                at: 0,
                task: t as u32,
            });
        }
    }
    let mut heap = BinaryHeap::with_capacity(runs.len());
    for (i, r) in runs.iter_mut().enumerate() {
        if let Some((h, o)) = r.next()? {
            heap.push(Reverse((h, pack(r.task, o), i)));
        }
    }
    let mut out = AtomicFile::create(&paths::pairs(&ctx.work_dir, ctx.task))?;
    let mut grouper = Grouper {
        verify: cfg.verify,
        threshold: cfg.threshold,
        k: cfg.verify_sample,
        samples: Samples::new(&ctx.work_dir),
        reps: Vec::new(),
        spare: Vec::new(),
        candidates: 0,
        pairs: 0,
        failed: 0,
    };
    let mut group: Vec<u64> = Vec::new();
    let mut current = None;
    let mut records = 0u64;
    while let Some(Reverse((h, doc, i))) = heap.pop() {
        records += 1;
        if current != Some(h) {
            grouper.flush(&group, &mut out)?;
            group.clear();
            current = Some(h);
        }
        group.push(doc);
        if let Some((h2, o)) = runs[i].next()? {
            heap.push(Reverse((h2, pack(runs[i].task, o), i)));
        }
    }
    grouper.flush(&group, &mut out)?;
    out.commit()?;
    counters.add("band_records", records);
    counters.add("candidate_pairs", grouper.candidates);
    counters.add("pairs", grouper.pairs);
    if cfg.verify {
        counters.add("pairs_below_threshold", grouper.failed);
    }
    Ok(())
}

struct Grouper {
    verify: bool,
    threshold: f64,
    k: usize,
    samples: Samples,
    /// (document, sample) of the group's representatives.
    reps: Vec<(u64, Vec<u32>)>,
    spare: Vec<u32>,
    candidates: u64,
    pairs: u64,
    failed: u64,
}

impl Grouper {
    /// Emits the pairs of one group of documents sharing a band hash.
    fn flush(&mut self, group: &[u64], out: &mut AtomicFile) -> anyhow::Result<()> {
        if group.len() < 2 {
            return Ok(());
        }
        self.reps.clear();
        for &doc in group {
            if !self.verify {
                match self.reps.first() {
                    None => self.reps.push((doc, Vec::new())),
                    Some(&(rep, _)) => {
                        self.candidates += 1;
                        self.emit(rep, doc, out)?;
                    }
                }
                continue;
            }
            let mut sk = std::mem::take(&mut self.spare);
            self.samples.read((doc >> 32) as u32, doc as u32, &mut sk)?;
            let mut matched = None;
            for (rep, rep_sk) in &self.reps {
                self.candidates += 1;
                if sample_jaccard(rep_sk, &sk, self.k) >= self.threshold {
                    matched = Some(*rep);
                    break;
                }
                self.failed += 1;
            }
            match matched {
                Some(rep) => {
                    self.emit(rep, doc, out)?;
                    self.spare = sk;
                }
                None if self.reps.len() < MAX_REPRESENTATIVES => self.reps.push((doc, sk)),
                None => self.spare = sk,
            }
        }
        Ok(())
    }

    fn emit(&mut self, a: u64, b: u64, out: &mut AtomicFile) -> anyhow::Result<()> {
        out.write_all(&a.to_le_bytes())?;
        out.write_all(&b.to_le_bytes())?;
        self.pairs += 1;
        Ok(())
    }
}
