//! Phase 1, signatures: signs every document and writes its band hashes as
//! sorted runs, so that the buckets phase can merge instead of sort.
//!
//! Side files of task T: `signatures/task-T.bin` (chunks keyed by band ×
//! hash-range part, records `(band hash u64, ordinal u32)` sorted), and when
//! verifying `samples/task-T.{idx,bin}` (each document's bottom-k shingle
//! sample, at most 4 × `verify_sample` bytes).
//! `ids/task-T.{idx,txt}` hold the ids (to name the kept copy in rejected/),
//! `ids/task-T.prio` the survivor ranking when `keep` is not `first`.

use std::io::Write;
use std::sync::Arc;

use xxhash_rust::xxh3::xxh3_64;

use super::signature::{MinHasher, Scratch};
use super::{paths, Keep, MinhashDedupConfig};
use crate::document::Document;
use crate::io::atomic::AtomicFile;
use crate::stages::dedup::sidefile::ChunkWriter;
use crate::stages::{Stage, TaskContext, Verdict};
use crate::stats::Counters;

/// Band records a collector holds before it sorts and spills them
/// (12 bytes each: 48 MB).
const SPILL_RECORDS: usize = 4 << 20;

/// Bytes of one band record.
pub const RECORD: usize = 12;

/// The side files of one task, open until `finish`.
struct Files {
    runs: ChunkWriter,
    /// (offsets, samples) when verifying.
    samples: Option<(AtomicFile, AtomicFile)>,
    id_offsets: AtomicFile,
    ids: AtomicFile,
    priorities: Option<AtomicFile>,
}

/// The signatures phase's stage at the end of the upstream phase.
pub struct Collector {
    cfg: MinhashDedupConfig,
    hasher: Arc<MinHasher>,
    parts: usize,
    files: Option<Files>,
    id_bytes: u64,
    /// Per band: (hash, ordinal) not yet spilled.
    bands: Vec<Vec<(u64, u32)>>,
    buffered: usize,
    ordinal: u32,
    unsigned: u64,
    scratch: Scratch,
    sig: Vec<u64>,
    sample: Vec<u32>,
    sample_bytes: u64,
    run: Vec<u8>,
}

impl Collector {
    pub fn new(cfg: &MinhashDedupConfig, ctx: &TaskContext) -> anyhow::Result<Self> {
        let w = &ctx.work_dir;
        let t = ctx.task;
        Ok(Collector {
            cfg: cfg.clone(),
            hasher: cfg.hasher(),
            parts: cfg.tasks_per_bucket,
            files: Some(Files {
                runs: ChunkWriter::create(&paths::signatures(w, t))?,
                samples: if cfg.verify {
                    Some((
                        AtomicFile::create(&paths::sample_offsets(w, t))?,
                        AtomicFile::create(&paths::samples(w, t))?,
                    ))
                } else {
                    None
                },
                id_offsets: AtomicFile::create(&paths::id_offsets(w, t))?,
                ids: AtomicFile::create(&paths::ids(w, t))?,
                priorities: (cfg.keep != Keep::First)
                    .then(|| AtomicFile::create(&paths::priorities(w, t)))
                    .transpose()?,
            }),
            id_bytes: 0,
            bands: vec![Vec::new(); cfg.buckets],
            buffered: 0,
            ordinal: 0,
            unsigned: 0,
            scratch: Scratch::default(),
            sig: Vec::new(),
            sample: Vec::new(),
            sample_bytes: 0,
            run: Vec::new(),
        })
    }

    /// Sorts each band's buffer and appends it as one run per hash-range part.
    fn spill(&mut self) -> anyhow::Result<()> {
        let runs = &mut self.files.as_mut().expect("open until finish").runs;
        for (band, records) in self.bands.iter_mut().enumerate() {
            records.sort_unstable();
            let mut start = 0;
            for part in 0..self.parts {
                let end = if part + 1 == self.parts {
                    records.len()
                } else {
                    let limit = part_start(part + 1, self.parts);
                    start + records[start..].partition_point(|r| r.0 < limit)
                };
                self.run.clear();
                for (h, o) in &records[start..end] {
                    self.run.extend_from_slice(&h.to_le_bytes());
                    self.run.extend_from_slice(&o.to_le_bytes());
                }
                runs.write_chunk((band * self.parts + part) as u32, &self.run)?;
                start = end;
            }
            records.clear();
        }
        self.buffered = 0;
        Ok(())
    }
}

/// First band hash of hash-range part `part` of `parts`.
pub fn part_start(part: usize, parts: usize) -> u64 {
    ((part as u128 * (1u128 << 64)) / parts as u128) as u64
}

impl Stage for Collector {
    fn process(&mut self, doc: &mut Document, _counters: &mut Counters) -> anyhow::Result<Verdict> {
        let ordinal = self.ordinal;
        self.ordinal = ordinal.checked_add(1).ok_or_else(|| {
            anyhow::anyhow!("minhash_dedup: more than 4 billion documents in one task; use more tasks")
        })?;
        let files = self.files.as_mut().expect("open until finish");
        files.id_offsets.write_all(&self.id_bytes.to_le_bytes())?;
        files.ids.write_all(doc.id.as_bytes())?;
        self.id_bytes += doc.id.len() as u64;
        if let Some(p) = &mut files.priorities {
            p.write_all(&self.cfg.priority(doc).to_le_bytes())?;
        }
        let signed = self.hasher.sign(&doc.text, &mut self.scratch, &mut self.sig);
        if let Some((idx, data)) = &mut files.samples {
            idx.write_all(&self.sample_bytes.to_le_bytes())?;
            if signed {
                self.scratch.sample(self.cfg.verify_sample, &mut self.sample);
                for h in &self.sample {
                    data.write_all(&h.to_le_bytes())?;
                }
                self.sample_bytes += 4 * self.sample.len() as u64;
            }
        }
        if !signed {
            self.unsigned += 1;
            return Ok(Verdict::Keep);
        }
        let salt = if self.cfg.per_language {
            xxh3_64(doc.lang_or_und().as_bytes())
        } else {
            0
        };
        for band in 0..self.cfg.buckets {
            let h = self.hasher.band_hash(&self.sig, band, salt);
            self.bands[band].push((h, ordinal));
        }
        self.buffered += self.cfg.buckets;
        if self.buffered >= SPILL_RECORDS {
            self.spill()?;
        }
        Ok(Verdict::Keep)
    }

    fn finish(&mut self, counters: &mut Counters) -> anyhow::Result<()> {
        self.spill()?;
        let mut files = self.files.take().expect("finish once");
        files.id_offsets.write_all(&self.id_bytes.to_le_bytes())?;
        files.runs.finish()?;
        if let Some((mut idx, data)) = files.samples {
            idx.write_all(&self.sample_bytes.to_le_bytes())?;
            data.commit()?;
            idx.commit()?;
        }
        if let Some(p) = files.priorities {
            p.commit()?;
        }
        // The id offsets commit last: their presence marks a complete collect.
        files.ids.commit()?;
        files.id_offsets.commit()?;
        counters.add("signed", (self.ordinal as u64) - self.unsigned);
        if self.unsigned > 0 {
            counters.add("no_words", self.unsigned);
        }
        Ok(())
    }
}
