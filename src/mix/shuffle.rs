//! Phase `shuffle`, the second stage: task `b` loads bucket `b` of every
//! scatter task (in task order), permutes the copies with a generator
//! seeded by the seed and `b`, and writes output shard `part-b` with its
//! sidecar. Memory: one bucket (about `shuffle_buffer_tokens` tokens).

use std::collections::BTreeMap;

use anyhow::Context;
use serde::{Deserialize, Serialize};

use super::layout;
use super::scatter::SeqRow;
use super::MixRun;
use crate::io::jsonl_out::JsonlZstWriter;
use crate::io::megatron::{ShardReader, ShardWriter};

/// What one output shard holds.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ShardSummary {
    /// `part-NNNNN` (absent when the bucket was empty).
    pub shard: Option<String>,
    pub documents: u64,
    pub tokens: u64,
    /// Per language: (documents, tokens).
    pub languages: BTreeMap<String, (u64, u64)>,
    /// Per source and language: (documents, tokens).
    pub sources: BTreeMap<String, BTreeMap<String, (u64, u64)>>,
}

/// Runs shuffle task `b`; returns the documents written.
pub fn run(mix: &MixRun, b: usize) -> anyhow::Result<u64> {
    let size = mix.dtype.size();
    let mut bins: Vec<Vec<u8>> = Vec::new();
    let mut lines: Vec<Vec<u8>> = Vec::new();
    // (bucket file, byte offset, byte length, sidecar line)
    let mut entries: Vec<(u32, u64, u64, u32)> = Vec::new();
    for t in 0..mix.units.len() {
        let p = layout::bucket(&mix.out, t, b);
        let r = ShardReader::open(&p)
            .with_context(|| format!("bucket {b} of scatter task {t}; rerun the scatter phase"))?;
        let bin_path = crate::io::megatron::paths(&p).0;
        let bin = std::fs::read(&bin_path).with_context(|| format!("cannot read {}", bin_path.display()))?;
        let side_path = layout::bucket_sidecar(&p);
        let side = std::fs::read(&side_path).with_context(|| format!("cannot read {}", side_path.display()))?;
        let first_line = lines.len();
        lines.extend(
            side.split(|&c| c == b'\n')
                .filter(|l| !l.is_empty())
                .map(<[u8]>::to_vec),
        );
        anyhow::ensure!(
            lines.len() - first_line == r.len(),
            "{} lists {} sequences but its shard holds {}; rerun with --restart",
            side_path.display(),
            lines.len() - first_line,
            r.len()
        );
        let f = bins.len() as u32;
        for i in 0..r.len() {
            entries.push((
                f,
                r.pointers[i] as u64,
                r.lengths[i] as u64 * size as u64,
                (first_line + i) as u32,
            ));
        }
        bins.push(bin);
    }
    let mut rng = crate::rng::Rng::new(mix.spec.seed ^ (b as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    for i in (1..entries.len()).rev() {
        entries.swap(i, rng.below(i + 1));
    }
    let mut summary = ShardSummary::default();
    if !entries.is_empty() {
        let prefix = layout::part(&mix.out, b);
        let mut w = ShardWriter::create(&prefix, mix.dtype)?;
        let mut side = JsonlZstWriter::create(&layout::sidecar(&prefix), 3)?;
        for &(f, at, len, line) in &entries {
            let bytes = &bins[f as usize][at as usize..(at + len) as usize];
            w.add_encoded(bytes)?;
            let row: SeqRow = serde_json::from_slice(&lines[line as usize])?;
            let tokens = len / size as u64;
            let l = summary.languages.entry(row.lang.clone()).or_default();
            l.0 += 1;
            l.1 += tokens;
            let s = summary
                .sources
                .entry(row.source.clone())
                .or_default()
                .entry(row.lang.clone())
                .or_default();
            s.0 += 1;
            s.1 += tokens;
            side.write_record(&row)?;
        }
        let info = w.finish()?;
        side.commit()?;
        summary.shard = Some(format!("part-{b:05}"));
        summary.documents = info.documents;
        summary.tokens = info.tokens;
    }
    crate::io::atomic::write_file(
        &layout::shuffle_summary(&mix.out, b),
        &serde_json::to_vec_pretty(&summary)?,
    )?;
    Ok(summary.documents)
}
