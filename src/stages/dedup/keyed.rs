//! The engine behind `exact_dedup` and `url_dedup`: documents with the same
//! 128-bit key are duplicates; one per key survives.
//!
//! Phases, memory bounded by design:
//! 1. collect (end of the upstream phase): each task writes `(key, priority,
//!    ordinal, id)` records grouped by key bucket into one side file; at most
//!    [`super::sidefile::SPILL_BYTES`] are buffered.
//! 2. reduce `find_duplicates`: one task per bucket loads that bucket from
//!    every upstream file (1/B of all keys), sorts, and writes for each
//!    duplicate the ordinal to drop and the id of the copy that is kept.
//! 3. filter (start of the downstream phase): task t streams its part of each
//!    bucket file and drops those ordinals, naming the kept id in rejected/.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::sidefile::{read_task_slice, BucketedWriter, ChunkFile, TaskSlicedWriter};
use crate::document::Document;
use crate::stages::{Barrier, ReduceStep, Stage, TaskContext, Verdict};
use crate::stats::{Counters, TaskStats};

/// What makes two documents duplicates, and which copy wins.
pub trait DedupKey: Clone + Send + Sync + 'static {
    /// The key of a document; `None` leaves the document out (kept, counted).
    fn key(&self, doc: &Document) -> Option<u128>;

    /// Higher wins within a key; ties go to the first in input order.
    fn priority(&self, _doc: &Document) -> u64 {
        0
    }

    /// Hash buckets = tasks of the reduce phase.
    fn buckets(&self, upstream_tasks: usize) -> usize;

    /// Reason recorded in rejected/.
    fn reason(&self) -> &'static str;

    /// Counter for documents without a key.
    fn unkeyed_counter(&self) -> &'static str {
        "unkeyed"
    }
}

fn collect_path(work: &Path, task: usize) -> PathBuf {
    work.join("collect").join(format!("task-{task:05}.bin"))
}

fn dups_path(work: &Path, bucket: usize) -> PathBuf {
    work.join("duplicates").join(format!("bucket-{bucket:05}.bin"))
}

fn bucket_of(h: u128, buckets: usize) -> usize {
    (((h >> 64) as u64 as u128 * buckets as u128) >> 64) as usize
}

struct Collector<K> {
    key: K,
    out: BucketedWriter,
    ordinal: u64,
    unkeyed: u64,
}

impl<K: DedupKey> Stage for Collector<K> {
    fn process(&mut self, doc: &mut Document, _counters: &mut Counters) -> anyhow::Result<Verdict> {
        let ordinal = self.ordinal;
        self.ordinal += 1;
        let Some(h) = self.key.key(doc) else {
            self.unkeyed += 1;
            return Ok(Verdict::Keep);
        };
        let id = doc.id.as_bytes();
        self.out.push(
            bucket_of(h, self.out.buckets()),
            &[
                &h.to_le_bytes(),
                &self.key.priority(doc).to_le_bytes(),
                &ordinal.to_le_bytes(),
                &(id.len() as u32).to_le_bytes(),
                id,
            ],
        )?;
        Ok(Verdict::Keep)
    }

    fn finish(&mut self, counters: &mut Counters) -> anyhow::Result<()> {
        self.out.finish()?;
        counters.add("hashed", self.ordinal - self.unkeyed);
        if self.unkeyed > 0 {
            counters.add(self.key.unkeyed_counter(), self.unkeyed);
        }
        Ok(())
    }
}

/// One keyed document as seen by the reduce step.
struct Entry {
    hash: u128,
    priority: u64,
    task: u32,
    ordinal: u64,
    id: String,
}

fn parse_records(task: u32, mut raw: &[u8], out: &mut Vec<Entry>) -> anyhow::Result<()> {
    while !raw.is_empty() {
        anyhow::ensure!(raw.len() >= 36, "truncated record in collect file");
        let hash = u128::from_le_bytes(raw[0..16].try_into().unwrap());
        let priority = u64::from_le_bytes(raw[16..24].try_into().unwrap());
        let ordinal = u64::from_le_bytes(raw[24..32].try_into().unwrap());
        let id_len = u32::from_le_bytes(raw[32..36].try_into().unwrap()) as usize;
        anyhow::ensure!(raw.len() >= 36 + id_len, "truncated id in collect file");
        let id = String::from_utf8_lossy(&raw[36..36 + id_len]).into_owned();
        out.push(Entry {
            hash,
            priority,
            task,
            ordinal,
            id,
        });
        raw = &raw[36 + id_len..];
    }
    Ok(())
}

/// The collect/reduce/filter halves of every [`DedupKey`].
impl<K: DedupKey> Barrier for K {
    fn collector(&self, ctx: &TaskContext) -> anyhow::Result<Box<dyn Stage>> {
        Ok(Box::new(Collector {
            key: self.clone(),
            out: BucketedWriter::create(&collect_path(&ctx.work_dir, ctx.task), self.buckets(ctx.tasks))?,
            ordinal: 0,
            unkeyed: 0,
        }))
    }

    fn reduce_steps(&self, upstream_tasks: usize) -> Vec<ReduceStep> {
        vec![ReduceStep {
            name: "find_duplicates",
            tasks: self.buckets(upstream_tasks),
        }]
    }

    fn reduce(
        &self,
        _step: usize,
        ctx: &TaskContext,
        upstream_tasks: usize,
        stats: &mut TaskStats,
    ) -> anyhow::Result<()> {
        let counters = &mut stats.counters;
        let bucket = ctx.task as u32;
        let mut entries = Vec::new();
        for t in 0..upstream_tasks {
            let mut file = ChunkFile::open(&collect_path(&ctx.work_dir, t), "the upstream phase")?;
            for raw in file.read_key(bucket)? {
                parse_records(t as u32, &raw, &mut entries)
                    .map_err(|e| anyhow::anyhow!("damaged {}: {e}", file.path().display()))?;
            }
        }
        entries.sort_unstable_by_key(|e| (e.hash, std::cmp::Reverse(e.priority), e.task, e.ordinal));
        // (task, ordinal, kept) of every document to drop.
        let mut drops: Vec<(u32, u64, usize)> = Vec::new();
        let mut i = 0;
        let mut largest = 0usize;
        while i < entries.len() {
            let mut j = i + 1;
            while j < entries.len() && entries[j].hash == entries[i].hash {
                drops.push((entries[j].task, entries[j].ordinal, i));
                j += 1;
            }
            if j - i > 1 {
                counters.add("clusters", 1);
                largest = largest.max(j - i);
            }
            i = j;
        }
        counters.add("hashes", entries.len() as u64);
        counters.add("duplicates", drops.len() as u64);
        counters.max("max_cluster_size", largest as u64);
        drops.sort_unstable();
        let mut out = TaskSlicedWriter::create(&dups_path(&ctx.work_dir, ctx.task), upstream_tasks)?;
        let mut record = Vec::new();
        for (task, ordinal, kept) in &drops {
            let id = entries[*kept].id.as_bytes();
            record.clear();
            record.extend_from_slice(&ordinal.to_le_bytes());
            record.extend_from_slice(&(id.len() as u32).to_le_bytes());
            record.extend_from_slice(id);
            out.write(*task as usize, &record)?;
        }
        out.finish()
    }

    fn filter(&self, ctx: &TaskContext, upstream_tasks: usize) -> anyhow::Result<Box<dyn Stage>> {
        let mut drop: HashMap<u64, String> = HashMap::new();
        for b in 0..self.buckets(upstream_tasks) {
            let path = dups_path(&ctx.work_dir, b);
            let raw = read_task_slice(&path, upstream_tasks, ctx.task, "the duplicate search")?;
            let mut s = &raw[..];
            while s.len() >= 12 {
                let ordinal = u64::from_le_bytes(s[0..8].try_into().unwrap());
                let n = u32::from_le_bytes(s[8..12].try_into().unwrap()) as usize;
                anyhow::ensure!(s.len() >= 12 + n, "damaged {}", path.display());
                drop.insert(ordinal, String::from_utf8_lossy(&s[12..12 + n]).into_owned());
                s = &s[12 + n..];
            }
        }
        Ok(Box::new(Filter {
            reason: self.reason(),
            drop,
            ordinal: 0,
        }))
    }
}

struct Filter {
    reason: &'static str,
    drop: HashMap<u64, String>,
    ordinal: u64,
}

impl Stage for Filter {
    fn process(&mut self, _doc: &mut Document, _counters: &mut Counters) -> anyhow::Result<Verdict> {
        let ord = self.ordinal;
        self.ordinal += 1;
        Ok(match self.drop.remove(&ord) {
            Some(kept) => Verdict::drop_with(self.reason, format!("duplicate of {kept}")),
            None => Verdict::Keep,
        })
    }
}

/// Runs collect, reduce and filter of `barrier` in one process over
/// `tasks` lists of documents and returns each document's verdict and
/// (possibly rewritten) text, for tests.
#[cfg(test)]
pub fn run_in_memory(barrier: &dyn Barrier, docs: &[Vec<Document>]) -> Vec<(Verdict, String)> {
    run_in_memory_docs(barrier, docs)
        .into_iter()
        .map(|(v, d)| (v, d.text))
        .collect()
}

/// [`run_in_memory`], returning each whole document after the filter phase
/// (its metadata included).
#[cfg(test)]
pub fn run_in_memory_docs(barrier: &dyn Barrier, docs: &[Vec<Document>]) -> Vec<(Verdict, Document)> {
    let dir = tempfile::tempdir().unwrap();
    let tasks = docs.len();
    let ctx = |task, n| TaskContext {
        work_dir: dir.path().into(),
        phase: 0,
        task,
        tasks: n,
    };
    for (t, list) in docs.iter().enumerate() {
        let mut col = barrier.collector(&ctx(t, tasks)).unwrap();
        for d in list {
            let mut d = d.clone();
            assert_eq!(col.process(&mut d, &mut Counters::default()).unwrap(), Verdict::Keep);
        }
        col.finish(&mut Counters::default()).unwrap();
    }
    for step in barrier.reduce_steps(tasks).iter().enumerate() {
        for t in 0..step.1.tasks {
            barrier
                .reduce(step.0, &ctx(t, step.1.tasks), tasks, &mut TaskStats::default())
                .unwrap();
        }
    }
    let mut out = Vec::new();
    for (t, list) in docs.iter().enumerate() {
        let mut f = barrier.filter(&ctx(t, tasks), tasks).unwrap();
        for d in list {
            let mut d = d.clone();
            let v = f.process(&mut d, &mut Counters::default()).unwrap();
            out.push((v, d));
        }
        f.finish(&mut Counters::default()).unwrap();
    }
    out
}
