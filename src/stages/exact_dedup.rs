//! `exact_dedup` (barrier): removes documents whose normalised text is
//! identical to an earlier one. The first occurrence in input order wins.
//!
//! Phases, memory bounded by design:
//! 1. collect (end of the upstream phase): each task hashes every document
//!    (xxh3-128) and writes `(hash, ordinal, id)` records, grouped by hash
//!    bucket, into one side file; at most [`SPILL_BYTES`] are buffered.
//! 2. reduce `find_duplicates`: one task per bucket loads that bucket from
//!    every upstream file (1/B of all hashes), sorts, and writes for each
//!    duplicate the ordinal to drop and the id of the copy that is kept.
//! 3. filter (start of the downstream phase): task t reads its part of each
//!    bucket file and drops those ordinals, naming the kept id in rejected/.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use serde::Deserialize;
use xxhash_rust::xxh3::Xxh3;

use super::{Barrier, ReduceStep, Stage, StageConfig, TaskContext, Verdict};
use crate::document::Document;
use crate::io::atomic::AtomicFile;
use crate::pipeline::registry::{Describe, ParamDoc, StageDoc};
use crate::stats::Counters;

/// Bytes a collector buffers before it appends a chunk to its side file.
pub const SPILL_BYTES: usize = 32 << 20;

/// How text is normalised before hashing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum HashText {
    /// Byte-identical text only.
    None,
    /// Ignore differences in runs of whitespace and leading/trailing space.
    Whitespace,
    /// Also ignore case.
    Lowercase,
}

/// Parameters of `exact_dedup`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExactDedupConfig {
    #[serde(default = "ws")]
    pub normalize: HashText,
    /// Only documents of the same language count as duplicates.
    #[serde(default)]
    pub per_language: bool,
    /// Hash buckets = tasks of the reduce phase (default: upstream tasks).
    #[serde(default)]
    pub buckets: Option<usize>,
}

fn ws() -> HashText {
    HashText::Whitespace
}

impl Describe for ExactDedupConfig {
    const DOC: StageDoc = StageDoc {
        kind: "exact_dedup",
        summary: "removes exact duplicates (xxh3-128 of normalised text); the first in input order is kept",
        barrier: true,
        params: &[
            ParamDoc {
                name: "normalize",
                ty: "none | whitespace | lowercase",
                default: "whitespace",
                doc: "what differences do not count",
            },
            ParamDoc {
                name: "per_language",
                ty: "bool",
                default: "false",
                doc: "only same-language documents are duplicates",
            },
            ParamDoc {
                name: "buckets",
                ty: "integer",
                default: "upstream tasks",
                doc: "hash buckets, one reduce task each (memory per task ~ 80 B x docs / buckets)",
            },
        ],
    };
}

impl StageConfig for ExactDedupConfig {
    fn kind(&self) -> &'static str {
        "exact_dedup"
    }

    fn validate(&self, _ctx: &super::ValidateContext) -> anyhow::Result<()> {
        if self.buckets == Some(0) {
            bail!("exact_dedup: `buckets: 0`; use at least one bucket");
        }
        Ok(())
    }

    fn build(&self, _ctx: &TaskContext) -> anyhow::Result<Box<dyn Stage>> {
        bail!("exact_dedup is a barrier and runs as collect/reduce/filter phases")
    }

    fn as_barrier(&self) -> Option<&dyn Barrier> {
        Some(self)
    }
}

impl ExactDedupConfig {
    fn bucket_count(&self, upstream_tasks: usize) -> usize {
        self.buckets.unwrap_or(upstream_tasks).max(1)
    }

    /// The 128-bit hash of a document under this config.
    pub fn hash(&self, doc: &Document) -> u128 {
        let mut h = Xxh3::new();
        if self.per_language {
            h.update(doc.lang_or_und().as_bytes());
            h.update(&[0]);
        }
        match self.normalize {
            HashText::None => h.update(doc.text.as_bytes()),
            HashText::Whitespace | HashText::Lowercase => {
                let mut first = true;
                for word in doc.text.split_whitespace() {
                    if !first {
                        h.update(b" ");
                    }
                    first = false;
                    if self.normalize == HashText::Lowercase {
                        h.update(word.to_lowercase().as_bytes());
                    } else {
                        h.update(word.as_bytes());
                    }
                }
            }
        }
        h.digest128()
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

/// Collector: buffers records per bucket and appends them as chunks.
/// File layout: chunks `[bucket u32][len u32][records]`, then the chunk
/// index `[(bucket u32, offset u64, len u32)]*`, then `[chunks u64]`.
struct Collector {
    cfg: ExactDedupConfig,
    buckets: usize,
    file: Option<AtomicFile>,
    buffers: Vec<Vec<u8>>,
    buffered: usize,
    offset: u64,
    index: Vec<(u32, u64, u32)>,
    ordinal: u64,
}

impl Collector {
    fn spill(&mut self) -> anyhow::Result<()> {
        let file = self.file.as_mut().expect("open until finish");
        for (b, buf) in self.buffers.iter_mut().enumerate() {
            if buf.is_empty() {
                continue;
            }
            file.write_all(&(b as u32).to_le_bytes())?;
            file.write_all(&(buf.len() as u32).to_le_bytes())?;
            file.write_all(buf)?;
            self.index.push((b as u32, self.offset + 8, buf.len() as u32));
            self.offset += 8 + buf.len() as u64;
            buf.clear();
        }
        self.buffered = 0;
        Ok(())
    }
}

impl Stage for Collector {
    fn process(&mut self, doc: &mut Document, _counters: &mut Counters) -> anyhow::Result<Verdict> {
        let h = self.cfg.hash(doc);
        let b = bucket_of(h, self.buckets);
        let buf = &mut self.buffers[b];
        let before = buf.len();
        buf.extend_from_slice(&h.to_le_bytes());
        buf.extend_from_slice(&self.ordinal.to_le_bytes());
        let id = doc.id.as_bytes();
        buf.extend_from_slice(&(id.len() as u32).to_le_bytes());
        buf.extend_from_slice(id);
        self.buffered += buf.len() - before;
        self.ordinal += 1;
        if self.buffered >= SPILL_BYTES || buf.len() > u32::MAX as usize / 2 {
            self.spill()?;
        }
        Ok(Verdict::Keep)
    }

    fn finish(&mut self, counters: &mut Counters) -> anyhow::Result<()> {
        self.spill()?;
        let mut file = self.file.take().expect("finish once");
        for (b, off, len) in &self.index {
            file.write_all(&b.to_le_bytes())?;
            file.write_all(&off.to_le_bytes())?;
            file.write_all(&len.to_le_bytes())?;
        }
        file.write_all(&(self.index.len() as u64).to_le_bytes())?;
        file.commit()?;
        counters.add("hashed", self.ordinal);
        Ok(())
    }
}

/// One hashed document as seen by the reduce step.
struct Entry {
    hash: u128,
    task: u32,
    ordinal: u64,
    id: String,
}

fn read_chunk_index(file: &mut File, path: &Path) -> anyhow::Result<Vec<(u32, u64, u32)>> {
    let len = file.metadata()?.len();
    if len < 8 {
        bail!(
            "{} is too short to be a collect file; rerun the upstream phase",
            path.display()
        );
    }
    file.seek(SeekFrom::Start(len - 8))?;
    let mut n = [0u8; 8];
    file.read_exact(&mut n)?;
    let n = u64::from_le_bytes(n);
    let index_bytes = n
        .checked_mul(16)
        .filter(|b| *b + 8 <= len)
        .with_context(|| format!("{} has a damaged index", path.display()))?;
    file.seek(SeekFrom::Start(len - 8 - index_bytes))?;
    let mut raw = vec![0u8; index_bytes as usize];
    file.read_exact(&mut raw)?;
    Ok(raw
        .chunks_exact(16)
        .map(|c| {
            (
                u32::from_le_bytes(c[0..4].try_into().unwrap()),
                u64::from_le_bytes(c[4..12].try_into().unwrap()),
                u32::from_le_bytes(c[12..16].try_into().unwrap()),
            )
        })
        .collect())
}

fn parse_records(task: u32, mut raw: &[u8], out: &mut Vec<Entry>) -> anyhow::Result<()> {
    while !raw.is_empty() {
        anyhow::ensure!(raw.len() >= 28, "truncated record in collect file");
        let hash = u128::from_le_bytes(raw[0..16].try_into().unwrap());
        let ordinal = u64::from_le_bytes(raw[16..24].try_into().unwrap());
        let id_len = u32::from_le_bytes(raw[24..28].try_into().unwrap()) as usize;
        anyhow::ensure!(raw.len() >= 28 + id_len, "truncated id in collect file");
        let id = String::from_utf8_lossy(&raw[28..28 + id_len]).into_owned();
        out.push(Entry {
            hash,
            task,
            ordinal,
            id,
        });
        raw = &raw[28 + id_len..];
    }
    Ok(())
}

impl Barrier for ExactDedupConfig {
    fn collector(&self, ctx: &TaskContext) -> anyhow::Result<Box<dyn Stage>> {
        let buckets = self.bucket_count(ctx.tasks);
        Ok(Box::new(Collector {
            cfg: self.clone(),
            buckets,
            file: Some(AtomicFile::create(&collect_path(&ctx.work_dir, ctx.task))?),
            buffers: vec![Vec::new(); buckets],
            buffered: 0,
            offset: 0,
            index: Vec::new(),
            ordinal: 0,
        }))
    }

    fn reduce_steps(&self, upstream_tasks: usize) -> Vec<ReduceStep> {
        vec![ReduceStep {
            name: "find_duplicates",
            tasks: self.bucket_count(upstream_tasks),
        }]
    }

    fn reduce(
        &self,
        _step: usize,
        ctx: &TaskContext,
        upstream_tasks: usize,
        counters: &mut Counters,
    ) -> anyhow::Result<()> {
        let bucket = ctx.task as u32;
        let mut entries = Vec::new();
        for t in 0..upstream_tasks {
            let path = collect_path(&ctx.work_dir, t);
            let mut file = File::open(&path)
                .with_context(|| format!("missing {}; the upstream phase did not finish", path.display()))?;
            for (b, off, len) in read_chunk_index(&mut file, &path)? {
                if b != bucket {
                    continue;
                }
                file.seek(SeekFrom::Start(off))?;
                let mut raw = vec![0u8; len as usize];
                file.read_exact(&mut raw)?;
                parse_records(t as u32, &raw, &mut entries).with_context(|| format!("damaged {}", path.display()))?;
            }
        }
        entries.sort_unstable_by_key(|e| (e.hash, e.task, e.ordinal));
        // (task, ordinal, kept id) of every document to drop.
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
        // Records sorted by task, then a per-task offset table and the task count.
        let mut out = AtomicFile::create(&dups_path(&ctx.work_dir, ctx.task))?;
        let mut offsets = vec![0u64; upstream_tasks + 1];
        let mut pos = 0u64;
        let mut next_task = 0usize;
        for (task, ordinal, kept) in &drops {
            while next_task <= *task as usize {
                offsets[next_task] = pos;
                next_task += 1;
            }
            let id = entries[*kept].id.as_bytes();
            out.write_all(&ordinal.to_le_bytes())?;
            out.write_all(&(id.len() as u32).to_le_bytes())?;
            out.write_all(id)?;
            pos += 12 + id.len() as u64;
        }
        while next_task <= upstream_tasks {
            offsets[next_task] = pos;
            next_task += 1;
        }
        for o in &offsets {
            out.write_all(&o.to_le_bytes())?;
        }
        out.write_all(&(upstream_tasks as u64).to_le_bytes())?;
        out.commit()?;
        Ok(())
    }

    fn filter(&self, ctx: &TaskContext, upstream_tasks: usize) -> anyhow::Result<Box<dyn Stage>> {
        let mut drop: HashMap<u64, String> = HashMap::new();
        for b in 0..self.bucket_count(upstream_tasks) {
            let path = dups_path(&ctx.work_dir, b);
            let file = File::open(&path)
                .with_context(|| format!("missing {}; the duplicate search did not finish", path.display()))?;
            let len = file.metadata()?.len();
            let mut r = BufReader::new(file);
            let tasks = (upstream_tasks + 1) as u64;
            anyhow::ensure!(len >= 8 + tasks * 8, "damaged {}", path.display());
            let table_at = len - 8 - tasks * 8;
            r.seek(SeekFrom::Start(table_at + ctx.task as u64 * 8))?;
            let mut w = [0u8; 16];
            r.read_exact(&mut w)?;
            let start = u64::from_le_bytes(w[0..8].try_into().unwrap());
            let end = u64::from_le_bytes(w[8..16].try_into().unwrap());
            r.seek(SeekFrom::Start(start))?;
            let mut raw = vec![0u8; (end - start) as usize];
            r.read_exact(&mut raw)?;
            let mut s = &raw[..];
            while s.len() >= 12 {
                let ordinal = u64::from_le_bytes(s[0..8].try_into().unwrap());
                let n = u32::from_le_bytes(s[8..12].try_into().unwrap()) as usize;
                drop.insert(ordinal, String::from_utf8_lossy(&s[12..12 + n]).into_owned());
                s = &s[12 + n..];
            }
        }
        Ok(Box::new(Filter { drop, ordinal: 0 }))
    }
}

struct Filter {
    drop: HashMap<u64, String>,
    ordinal: u64,
}

impl Stage for Filter {
    fn process(&mut self, _doc: &mut Document, _counters: &mut Counters) -> anyhow::Result<Verdict> {
        let ord = self.ordinal;
        self.ordinal += 1;
        Ok(match self.drop.remove(&ord) {
            Some(kept) => Verdict::drop_with("duplicate", format!("duplicate of {kept}")),
            None => Verdict::Keep,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(normalize: HashText) -> ExactDedupConfig {
        ExactDedupConfig {
            normalize,
            per_language: false,
            buckets: Some(3),
        }
    }

    #[test]
    fn hash_normalisation() {
        let a = Document::new("a", "Dia  duit\n a chara");
        let b = Document::new("b", "Dia duit a chara ");
        let c = Document::new("c", "DIA duit a chara");
        assert_ne!(cfg(HashText::None).hash(&a), cfg(HashText::None).hash(&b));
        assert_eq!(cfg(HashText::Whitespace).hash(&a), cfg(HashText::Whitespace).hash(&b));
        assert_ne!(cfg(HashText::Whitespace).hash(&a), cfg(HashText::Whitespace).hash(&c));
        assert_eq!(cfg(HashText::Lowercase).hash(&a), cfg(HashText::Lowercase).hash(&c));
    }

    #[test]
    fn collect_reduce_filter_keeps_first_occurrence() {
        let dir = tempfile::tempdir().unwrap();
        let c = cfg(HashText::Whitespace);
        let tasks = 2;
        let docs = [vec!["alpha", "beta", "alpha", "gamma"], vec!["beta", "delta", "alpha"]];
        let ctx = |task| TaskContext {
            work_dir: dir.path().into(),
            phase: 0,
            task,
            tasks,
        };
        for (t, texts) in docs.iter().enumerate() {
            let mut col = c.collector(&ctx(t)).unwrap();
            for (i, text) in texts.iter().enumerate() {
                let mut d = Document::new(format!("t{t}-{i}"), *text);
                col.process(&mut d, &mut Counters::default()).unwrap();
            }
            col.finish(&mut Counters::default()).unwrap();
        }
        let mut counters = Counters::default();
        for b in 0..3 {
            c.reduce(0, &ctx(b), tasks, &mut counters).unwrap();
        }
        assert_eq!(counters.get("duplicates"), 3);
        let mut verdicts = Vec::new();
        for (t, texts) in docs.iter().enumerate() {
            let mut f = c.filter(&ctx(t), tasks).unwrap();
            for text in texts {
                let v = f
                    .process(&mut Document::new("x", *text), &mut Counters::default())
                    .unwrap();
                verdicts.push(match v {
                    Verdict::Keep => "keep".to_string(),
                    Verdict::Drop(r) => r.detail.unwrap(),
                });
            }
        }
        assert_eq!(
            verdicts,
            [
                "keep",
                "keep",
                "duplicate of t0-0",
                "keep",
                "duplicate of t0-1",
                "keep",
                "duplicate of t0-0"
            ]
        );
    }
}
