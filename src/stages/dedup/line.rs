//! `line_dedup` (barrier): removes lines that repeat across documents —
//! cookie banners, navigation, "share this" blocks that extraction let
//! through. C4-style: the first document to carry a line keeps it (or none
//! does, with `keep_first: false`); the others lose it. A line counts once per
//! document; a document without a line carried elsewhere keeps all its
//! copies (repeats inside one document are `gopher_repetition`'s job).
//!
//! Phases: collect writes `(line hash, task, ordinal, line)` per line into
//! hash buckets; reduce `find_repeated_lines` loads one
//! bucket (memory ≈ 20 B × line occurrences / buckets), finds hashes carried by
//! at least `min_docs` documents and writes, per task, which lines to drop;
//! the filter rewrites documents and drops those left (nearly) empty.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use serde::Deserialize;
use xxhash_rust::xxh3::xxh3_64;

use super::sidefile::{read_task_slice, BucketedWriter, ChunkFile, TaskSlicedWriter};
use crate::document::Document;
use crate::stages::contract::{Describe, Role};
use crate::stages::{Barrier, ReduceStep, Stage, StageConfig, TaskContext, ValidateContext, Verdict};
use crate::stats::{Counters, TaskStats};

/// Bytes of one collected line record.
const RECORD: usize = 20;

/// C4-style removal of lines repeated across documents (boilerplate); drops documents left empty.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LineDedupConfig {
    /// A line carried by at least this many documents is repeated.
    #[serde(default = "two")]
    pub min_docs: usize,
    /// The first document carrying a repeated line keeps it.
    #[serde(default = "yes")]
    pub keep_first: bool,
    /// Shorter lines (after trimming, in characters) are never removed:
    /// headings and one-word lines repeat legitimately.
    #[serde(default = "ten")]
    pub min_chars: usize,
    /// Documents left with fewer characters are dropped.
    #[serde(default = "one")]
    pub min_doc_chars: usize,
    /// Hash buckets = tasks of the reduce phase (default: upstream tasks).
    #[serde(default)]
    pub buckets: Option<usize>,
}

fn two() -> usize {
    2
}
fn ten() -> usize {
    10
}
fn one() -> usize {
    1
}
fn yes() -> bool {
    true
}

impl Describe for LineDedupConfig {
    const KIND: &'static str = "line_dedup";
    const ROLE: Role = Role::Barrier;
}

impl StageConfig for LineDedupConfig {
    fn metadata(&self) -> Vec<crate::meta_schema::MetaField> {
        use crate::meta_schema::{MetaField, MetaType};
        vec![MetaField::new(
            "line_dedup_removed",
            MetaType::Int,
            "lines removed as repeated across documents (line_dedup)",
        )]
    }

    fn validate(&self, _ctx: &ValidateContext) -> anyhow::Result<()> {
        if self.buckets == Some(0) {
            bail!("line_dedup: `buckets: 0`; use at least one bucket");
        }
        if self.min_docs < 2 {
            bail!(
                "line_dedup: `min_docs: {}`; a line is repeated in at least 2 documents",
                self.min_docs
            );
        }
        Ok(())
    }

    fn build(&self, _ctx: &TaskContext) -> anyhow::Result<Box<dyn Stage>> {
        bail!("line_dedup is a barrier and runs as collect/reduce/filter phases")
    }

    fn as_barrier(&self) -> Option<&dyn Barrier> {
        Some(self)
    }
}

impl LineDedupConfig {
    fn bucket_count(&self, upstream_tasks: usize) -> usize {
        self.buckets.unwrap_or(upstream_tasks).max(1)
    }

    /// `(line number, hash)` of each eligible line of `text`.
    fn line_hashes(&self, text: &str, out: &mut Vec<(u32, u64)>) {
        out.clear();
        for (i, line) in text.split('\n').enumerate() {
            let t = line.trim();
            if t.len() < self.min_chars || t.chars().count() < self.min_chars {
                continue;
            }
            out.push((i as u32, xxh3_64(t.as_bytes())));
        }
    }
}

fn collect_path(work: &Path, task: usize) -> PathBuf {
    work.join("collect").join(format!("task-{task:05}.bin"))
}

fn removals_path(work: &Path, bucket: usize) -> PathBuf {
    work.join("remove").join(format!("bucket-{bucket:05}.bin"))
}

fn bucket_of(h: u64, buckets: usize) -> usize {
    ((h as u128 * buckets as u128) >> 64) as usize
}

struct Collector {
    cfg: LineDedupConfig,
    task: u32,
    out: BucketedWriter,
    ordinal: u32,
    lines: Vec<(u32, u64)>,
    collected: u64,
}

impl Stage for Collector {
    fn process(&mut self, doc: &mut Document, _counters: &mut Counters) -> anyhow::Result<Verdict> {
        let ordinal = self.ordinal;
        self.ordinal = ordinal
            .checked_add(1)
            .context("line_dedup: more than 4 billion documents in one task")?;
        self.cfg.line_hashes(&doc.text, &mut self.lines);
        let buckets = self.out.buckets();
        for &(line, h) in &self.lines {
            let parts: [&[u8]; 4] = [
                &h.to_le_bytes(),
                &self.task.to_le_bytes(),
                &ordinal.to_le_bytes(),
                &line.to_le_bytes(),
            ];
            self.out.push(bucket_of(h, buckets), &parts)?;
        }
        self.collected += self.lines.len() as u64;
        Ok(Verdict::Keep)
    }

    fn finish(&mut self, counters: &mut Counters) -> anyhow::Result<()> {
        self.out.finish()?;
        counters.add("lines_hashed", self.collected);
        Ok(())
    }
}

impl Barrier for LineDedupConfig {
    fn collector(&self, ctx: &TaskContext) -> anyhow::Result<Box<dyn Stage>> {
        Ok(Box::new(Collector {
            cfg: self.clone(),
            task: ctx.task as u32,
            out: BucketedWriter::create(&collect_path(&ctx.work_dir, ctx.task), self.bucket_count(ctx.tasks))?,
            ordinal: 0,
            lines: Vec::new(),
            collected: 0,
        }))
    }

    fn reduce_steps(&self, upstream_tasks: usize) -> Vec<ReduceStep> {
        vec![ReduceStep {
            name: "find_repeated_lines",
            tasks: self.bucket_count(upstream_tasks),
        }]
    }

    fn reduce(
        &self,
        _step: usize,
        ctx: &TaskContext,
        upstream_tasks: usize,
        stats: &mut TaskStats,
    ) -> anyhow::Result<()> {
        // (hash, task, ordinal, line) packed so one sort orders by all four.
        let mut records: Vec<(u64, u64, u32)> = Vec::new();
        for t in 0..upstream_tasks {
            let mut file = ChunkFile::open(&collect_path(&ctx.work_dir, t), "the upstream phase")?;
            for raw in file.read_key(ctx.task as u32)? {
                if raw.len() % RECORD != 0 {
                    bail!("damaged {}; rerun the upstream phase", file.path().display());
                }
                records.extend(raw.chunks_exact(RECORD).map(|r| {
                    let h = u64::from_le_bytes(r[0..8].try_into().unwrap());
                    let task = u32::from_le_bytes(r[8..12].try_into().unwrap()) as u64;
                    let ord = u32::from_le_bytes(r[12..16].try_into().unwrap()) as u64;
                    (h, task << 32 | ord, u32::from_le_bytes(r[16..20].try_into().unwrap()))
                }));
            }
        }
        records.sort_unstable();
        // (task, ordinal, line) of every line occurrence to remove.
        let mut drops: Vec<(u64, u32)> = Vec::new();
        let (mut repeated, mut most) = (0u64, 0usize);
        let mut i = 0;
        while i < records.len() {
            let mut j = i + 1;
            while j < records.len() && records[j].0 == records[i].0 {
                j += 1;
            }
            let group = &records[i..j];
            let docs = 1 + group.windows(2).filter(|w| w[0].1 != w[1].1).count();
            if docs >= self.min_docs {
                repeated += 1;
                most = most.max(docs);
                let first_doc = group[0].1;
                drops.extend(
                    group
                        .iter()
                        .filter(|r| !(self.keep_first && r.1 == first_doc))
                        .map(|r| (r.1, r.2)),
                );
            }
            i = j;
        }
        drops.sort_unstable();
        let c = &mut stats.counters;
        let distinct = records.len() - records.windows(2).filter(|w| w[0].0 == w[1].0).count();
        c.add("distinct_lines", distinct as u64);
        c.add("repeated_lines", repeated);
        c.add("line_occurrences_removed", drops.len() as u64);
        c.max("max_docs_per_line", most as u64);
        // (ordinal u32, line u32) records, sliced by upstream task
        let mut out = TaskSlicedWriter::create(&removals_path(&ctx.work_dir, ctx.task), upstream_tasks)?;
        for (doc, line) in &drops {
            let mut record = [0u8; 8];
            record[..4].copy_from_slice(&(*doc as u32).to_le_bytes());
            record[4..].copy_from_slice(&line.to_le_bytes());
            out.write((doc >> 32) as usize, &record)?;
        }
        out.finish()
    }

    fn filter(&self, ctx: &TaskContext, upstream_tasks: usize) -> anyhow::Result<Box<dyn Stage>> {
        let mut drops: Vec<(u32, u32)> = Vec::new();
        for b in 0..self.bucket_count(upstream_tasks) {
            let path = removals_path(&ctx.work_dir, b);
            let raw = read_task_slice(&path, upstream_tasks, ctx.task, "the repeated-line search")?;
            drops.extend(raw.chunks_exact(8).map(|r| {
                (
                    u32::from_le_bytes(r[0..4].try_into().unwrap()),
                    u32::from_le_bytes(r[4..8].try_into().unwrap()),
                )
            }));
        }
        drops.sort_unstable();
        Ok(Box::new(Filter {
            min_doc_chars: self.min_doc_chars,
            drops,
            at: 0,
            ordinal: 0,
        }))
    }
}

struct Filter {
    min_doc_chars: usize,
    /// (ordinal, line) to remove, sorted.
    drops: Vec<(u32, u32)>,
    at: usize,
    ordinal: u32,
}

impl Stage for Filter {
    fn process(&mut self, doc: &mut Document, counters: &mut Counters) -> anyhow::Result<Verdict> {
        let ord = self.ordinal;
        self.ordinal += 1;
        let start = self.at;
        while self.at < self.drops.len() && self.drops[self.at].0 == ord {
            self.at += 1;
        }
        if start == self.at {
            return Ok(Verdict::Keep);
        }
        let lines = &self.drops[start..self.at];
        let before = doc.text.len();
        let mut kept = String::with_capacity(before);
        let mut next = 0;
        for (i, line) in doc.text.split('\n').enumerate() {
            if next < lines.len() && lines[next].1 as usize == i {
                next += 1;
                continue;
            }
            if !kept.is_empty() {
                kept.push('\n');
            }
            kept.push_str(line);
        }
        doc.text = kept;
        counters.add("lines_removed", lines.len() as u64);
        counters.add("chars_removed", (before - doc.text.len()) as u64);
        doc.meta.insert("line_dedup_removed".into(), lines.len().into());
        if doc.text.trim().chars().count() < self.min_doc_chars {
            return Ok(Verdict::drop_with(
                "empty_after_line_dedup",
                format!("{} repeated lines removed", lines.len()),
            ));
        }
        Ok(Verdict::Keep)
    }

    fn finish(&mut self, _counters: &mut Counters) -> anyhow::Result<()> {
        if self.at < self.drops.len() {
            bail!(
                "line_dedup: removals name document {} but the task saw only {}; the spool and the dedup state disagree, delete _work/ and rerun",
                self.drops[self.at].0,
                self.ordinal
            );
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stages::dedup::keyed::run_in_memory;

    fn cfg() -> LineDedupConfig {
        serde_json::from_str("{\"buckets\": 3}").unwrap()
    }

    #[test]
    fn repeated_lines_leave_all_but_the_first_document() {
        let banner = "Accept all cookies to continue browsing";
        let docs = vec![
            vec![
                Document::new("a", format!("Title A\nReal text of the first page.\n{banner}")),
                Document::new("b", format!("{banner}\nOther words entirely, page two.\n  {banner}  ")),
            ],
            vec![
                Document::new("c", format!("Title C\n{banner}\nThird page body text here.")),
                Document::new("d", banner.to_string()),
            ],
        ];
        let out = run_in_memory(&cfg(), &docs);
        let texts: Vec<&str> = out.iter().map(|(_, t)| t.as_str()).collect();
        assert_eq!(texts[0], format!("Title A\nReal text of the first page.\n{banner}"));
        assert_eq!(texts[1], "Other words entirely, page two.");
        assert_eq!(texts[2], "Title C\nThird page body text here.");
        assert!(matches!(&out[3].0, Verdict::Drop(r) if r.reason == "empty_after_line_dedup"));
        assert_eq!(out[1].0, Verdict::Keep);

        let mut none = cfg();
        none.keep_first = false;
        let out = run_in_memory(&none, &docs);
        assert_eq!(out[0].1, "Title A\nReal text of the first page.");
    }

    #[test]
    fn short_lines_and_single_documents_are_left_alone() {
        let docs = vec![vec![
            Document::new("a", "Home\nunique line number one\nunique line number one"),
            Document::new("b", "Home\nanother unique line"),
        ]];
        let out = run_in_memory(&cfg(), &docs);
        assert_eq!(out[0].1, "Home\nunique line number one\nunique line number one");
        assert_eq!(out[1].1, "Home\nanother unique line");
    }
}
