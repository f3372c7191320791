//! A sharded index on disk, for benchmark sets too large to index in every
//! process: an index phase before the first map phase builds it, one task
//! per hash range (`shard-NNNNN.bin`: that range's pairs, read from every
//! benchmark file but kept only when in range, so a task holds 1/shards of
//! the pairs), then one task writes the item table (`items.bin`, `ids.bin`,
//! `index.json`) with each item's n-gram count less its template n-grams.
//! Map tasks memory-map the files: every task on a node shares the same
//! pages, which the system reads on demand and may evict, so a task's own
//! memory does not grow with the benchmark set.
//!
//! Layout (little-endian, every array 8-byte aligned): a shard file is
//! `EUDCSHD1`, the entry count (u64), the bucket table ((2^16 + 1) u32,
//! padded), the hashes (u64) and the owners (u32); an item record is
//! benchmark, lang, n-grams, words, canonical (u32 each), padding, and the
//! end of its id in `ids.bin` (u64).

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use memmap2::Mmap;
use serde::{Deserialize, Serialize};

use super::index::{finish_pairs, lookup, place, Index, IndexBuilder, IndexParams, IndexStats, ItemRef, Store};
use super::items::BenchmarkFiles;
use crate::io::atomic::AtomicFile;

#[cfg(target_endian = "big")]
compile_error!("decontaminate's index files are read in place as little-endian arrays");

const MAGIC: &[u8; 8] = b"EUDCSHD1";
const BUCKETS: usize = (1 << super::index::BUCKET_BITS) + 1;
/// Header bytes of a shard file: magic, count, bucket table padded to 8.
const HEADER: usize = 16 + (BUCKETS * 4).div_ceil(8) * 8;
const RECORD: usize = 32;

/// What the item step writes next to the arrays.
#[derive(Debug, Serialize, Deserialize)]
struct Meta {
    params: IndexParams,
    shards: u64,
    benchmarks: Vec<String>,
    langs: Vec<String>,
    whole_lengths: Vec<usize>,
    items: u64,
    /// Item records (views) in `items.bin`.
    records: u64,
    items_too_short: u64,
    items_whole: u64,
    entries: u64,
    distinct_ngrams: u64,
    common_ngrams: u64,
}

/// What a shard task reports for the item step.
#[derive(Debug, Default, Serialize, Deserialize)]
struct ShardStats {
    entries: u64,
    distinct: u64,
    common: u64,
    /// (item, n-grams of it left out as templates).
    dropped: Vec<(u32, u32)>,
}

fn shard_path(dir: &Path, k: usize) -> PathBuf {
    dir.join(format!("shard-{k:05}.bin"))
}

fn shard_stats_path(dir: &Path, k: usize) -> PathBuf {
    dir.join(format!("shard-{k:05}.json"))
}

fn read_all(files: &[BenchmarkFiles], builder: &mut IndexBuilder, each: &mut dyn FnMut(&mut IndexBuilder)) -> anyhow::Result<()> {
    let mut failed = None;
    for f in files {
        f.read(&mut |item| {
            if failed.is_none() {
                match builder.add(item) {
                    Ok(_) => each(builder),
                    Err(e) => failed = Some(e),
                }
            }
        })?;
    }
    failed.map_or(Ok(()), Err)
}

/// Index step 1, task `k` of `shards`: the pairs of hash range `k`.
pub fn build_shard(
    files: &[BenchmarkFiles],
    params: IndexParams,
    dir: &Path,
    k: usize,
    shards: u64,
) -> anyhow::Result<IndexStats> {
    std::fs::create_dir_all(dir).with_context(|| format!("decontaminate: cannot create {}", dir.display()))?;
    let mut b = IndexBuilder::for_shard(params, k, shards);
    read_all(files, &mut b, &mut |_| {})?;
    let stats = b.stats().clone();
    let pairs = finish_pairs(b.take_pairs(), params.max_items_per_ngram, shards);
    let path = shard_path(dir, k);
    let mut out = AtomicFile::create(&path)?;
    let shard = &pairs.shard;
    let mut head = Vec::with_capacity(HEADER);
    head.extend_from_slice(MAGIC);
    head.extend_from_slice(&(shard.hashes.len() as u64).to_le_bytes());
    for b in &shard.buckets {
        head.extend_from_slice(&b.to_le_bytes());
    }
    head.resize(HEADER, 0);
    out.write_all(&head)?;
    let mut buf = std::io::BufWriter::with_capacity(1 << 20, &mut out);
    for h in &shard.hashes {
        buf.write_all(&h.to_le_bytes())?;
    }
    for o in &shard.owners {
        buf.write_all(&o.to_le_bytes())?;
    }
    buf.flush()?;
    drop(buf);
    out.commit()
        .with_context(|| format!("decontaminate: cannot write index shard {}", path.display()))?;
    let report = ShardStats {
        entries: shard.hashes.len() as u64,
        distinct: pairs.distinct,
        common: pairs.common,
        dropped: pairs.dropped,
    };
    crate::io::atomic::write_file(&shard_stats_path(dir, k), &serde_json::to_vec(&report)?)?;
    Ok(IndexStats {
        entries: report.entries,
        distinct_ngrams: report.distinct,
        common_ngrams: report.common,
        ..stats
    })
}

/// Index step 2 (one task, after every shard): the item table.
pub fn build_items(files: &[BenchmarkFiles], params: IndexParams, dir: &Path, shards: u64) -> anyhow::Result<IndexStats> {
    let mut dropped = std::collections::HashMap::new();
    let (mut entries, mut distinct, mut common) = (0, 0, 0);
    for k in 0..shards as usize {
        let path = shard_stats_path(dir, k);
        let s: ShardStats = serde_json::from_slice(
            &std::fs::read(&path).with_context(|| format!("decontaminate: index shard {} is missing", path.display()))?,
        )
        .with_context(|| format!("decontaminate: {} is damaged; delete the run's _work folder", path.display()))?;
        entries += s.entries;
        distinct += s.distinct;
        common += s.common;
        for (item, n) in s.dropped {
            *dropped.entry(item).or_insert(0u32) += n;
        }
    }
    let mut records = std::io::BufWriter::new(AtomicFile::create(&dir.join("items.bin"))?);
    let mut ids = std::io::BufWriter::new(AtomicFile::create(&dir.join("ids.bin"))?);
    let (mut n, mut id_end) = (0u32, 0u64);
    let mut b = IndexBuilder::for_items(params);
    let mut failed: Option<anyhow::Error> = None;
    read_all(files, &mut b, &mut |b| {
        for it in b.take_items() {
            let ngrams = it.ngrams - dropped.get(&n).copied().unwrap_or(0);
            id_end += it.id.len() as u64;
            let mut rec = [0u8; RECORD];
            for (i, v) in [it.benchmark, it.lang, ngrams, it.words, it.canonical].iter().enumerate() {
                rec[i * 4..i * 4 + 4].copy_from_slice(&v.to_le_bytes());
            }
            rec[24..].copy_from_slice(&id_end.to_le_bytes());
            if let Err(e) = records.write_all(&rec).and_then(|_| ids.write_all(it.id.as_bytes())) {
                failed.get_or_insert(e.into());
            }
            n += 1;
        }
    })?;
    if let Some(e) = failed {
        return Err(e).context("decontaminate: cannot write the item table");
    }
    let (benchmarks, langs, whole) = b.names();
    let mut whole_lengths = whole.to_vec();
    whole_lengths.sort_unstable();
    let stats = b.stats().clone();
    let meta = Meta {
        params,
        shards,
        benchmarks: benchmarks.to_vec(),
        langs: langs.to_vec(),
        whole_lengths,
        items: stats.items,
        records: n as u64,
        items_too_short: stats.items_too_short,
        items_whole: stats.items_whole,
        entries,
        distinct_ngrams: distinct,
        common_ngrams: common,
    };
    for w in [records, ids] {
        w.into_inner()
            .map_err(|e| e.into_error())?
            .commit()
            .context("decontaminate: cannot write the item table")?;
    }
    crate::io::atomic::write_file(&dir.join("index.json"), &serde_json::to_vec_pretty(&meta)?)?;
    Ok(IndexStats {
        entries,
        distinct_ngrams: distinct,
        common_ngrams: common,
        ..stats
    })
}

/// The memory-mapped files of a sharded index.
pub struct Mapped {
    shards: Vec<(Mmap, usize)>,
    records: Mmap,
    ids: Mmap,
}

fn map(path: &Path) -> anyhow::Result<Mmap> {
    let f = std::fs::File::open(path).with_context(|| {
        format!(
            "decontaminate: index file {} is missing; the index phase did not finish",
            path.display()
        )
    })?;
    // SAFETY: the index files are written once under a temporary name and
    // renamed; nothing writes them while a run maps them.
    unsafe { Mmap::map(&f) }.with_context(|| format!("decontaminate: cannot map {}", path.display()))
}

/// `bytes[at..]` as `len` values of `T` (little-endian, aligned: checked).
fn cast<T>(bytes: &[u8], at: usize, len: usize) -> &[T] {
    let size = std::mem::size_of::<T>();
    let part = &bytes[at..at + len * size];
    assert_eq!(part.as_ptr() as usize % std::mem::align_of::<T>(), 0, "index array misaligned");
    // SAFETY: in bounds (sliced above), aligned (checked), and every bit
    // pattern is a valid u32/u64.
    unsafe { std::slice::from_raw_parts(part.as_ptr().cast::<T>(), len) }
}

impl Mapped {
    #[inline]
    pub fn owners_of(&self, h: u64) -> &[u32] {
        let (k, b) = place(h, self.shards.len() as u64);
        let (m, count) = &self.shards[k];
        let buckets = cast::<u32>(m, 16, BUCKETS);
        let hashes = cast::<u64>(m, HEADER, *count);
        let owners = cast::<u32>(m, HEADER + count * 8, *count);
        lookup(hashes, owners, buckets, b, h)
    }

    #[inline]
    pub fn item(&self, i: u32) -> ItemRef<'_> {
        let rec = &self.records[i as usize * RECORD..(i as usize + 1) * RECORD];
        let u = |k: usize| u32::from_le_bytes(rec[k * 4..k * 4 + 4].try_into().expect("4 bytes"));
        let end = u64::from_le_bytes(rec[24..32].try_into().expect("8 bytes")) as usize;
        let start = match i {
            0 => 0,
            _ => {
                let prev = &self.records[(i as usize - 1) * RECORD + 24..i as usize * RECORD];
                u64::from_le_bytes(prev.try_into().expect("8 bytes")) as usize
            }
        };
        ItemRef {
            benchmark: u(0),
            lang: u(1),
            ngrams: u(2),
            words: u(3),
            canonical: u(4),
            id: std::str::from_utf8(&self.ids[start..end]).unwrap_or("?"),
        }
    }

    /// Bytes mapped (not held: the system pages them in and out).
    pub fn mapped_bytes(&self) -> usize {
        self.shards.iter().map(|(m, _)| m.len()).sum::<usize>() + self.records.len() + self.ids.len()
    }
}

/// Opens the sharded index the index phase wrote under `dir`.
pub fn open(dir: &Path, params: IndexParams) -> anyhow::Result<Index> {
    let meta_path = dir.join("index.json");
    let meta: Meta = serde_json::from_slice(&std::fs::read(&meta_path).with_context(|| {
        format!(
            "decontaminate: {} is missing; the index phase did not finish",
            meta_path.display()
        )
    })?)
    .with_context(|| format!("decontaminate: {} is damaged; delete the run's _work folder", meta_path.display()))?;
    anyhow::ensure!(
        meta.params == params,
        "decontaminate: the index in {} was built with other settings; delete the run's _work folder",
        dir.display()
    );
    let mut shards = Vec::new();
    for k in 0..meta.shards as usize {
        let path = shard_path(dir, k);
        let m = map(&path)?;
        anyhow::ensure!(
            m.len() >= HEADER && &m[..8] == MAGIC,
            "decontaminate: {} is not an index shard",
            path.display()
        );
        let count = u64::from_le_bytes(m[8..16].try_into().expect("8 bytes")) as usize;
        anyhow::ensure!(
            m.len() == HEADER + count * 12,
            "decontaminate: {} is truncated",
            path.display()
        );
        shards.push((m, count));
    }
    let records = map(&dir.join("items.bin"))?;
    let ids = map(&dir.join("ids.bin"))?;
    anyhow::ensure!(
        records.len() as u64 == meta.records * RECORD as u64,
        "decontaminate: {} is truncated",
        dir.join("items.bin").display()
    );
    Ok(Index {
        params,
        benchmarks: meta.benchmarks.clone(),
        langs: meta.langs.clone(),
        whole_lengths: meta.whole_lengths.clone(),
        stats: IndexStats {
            items: meta.items,
            items_too_short: meta.items_too_short,
            items_whole: meta.items_whole,
            entries: meta.entries,
            distinct_ngrams: meta.distinct_ngrams,
            common_ngrams: meta.common_ngrams,
        },
        store: Store::Mapped(Mapped { shards, records, ids }),
    })
}
