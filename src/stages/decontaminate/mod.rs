//! `decontaminate`: finds benchmark items (test sets) in the training data
//! by word n-gram overlap and drops the document, removes the lines that
//! hold the match, or tags it — counted per benchmark and language, with
//! every finding written to a side file that `eurocurate decont report`
//! lists for review.
//!
//! Matching follows datatrove's n-gram decontamination (normalised words,
//! n-grams running across the question/answer boundary) and goes further:
//! an item counts as found when a share `min_overlap` of its distinct
//! n-grams occur in the document, so a leak with edits is still found while
//! one shared phrase is not a leak; items shorter than n words match by
//! their whole text.

pub mod findings;
pub mod index;
pub mod items;
pub mod ngrams;
pub mod shards;

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use serde::Deserialize;
use serde_json::{json, Value};

use self::findings::Finding;
use self::index::{Index, IndexBuilder, IndexParams};
use self::items::BenchmarkFiles;
use self::ngrams::{for_each_gram, Words};
use super::{BuiltOnce, Stage, StageConfig, TaskContext, ValidateContext, Verdict};
use crate::document::Document;
use crate::io::atomic::AtomicFile;
use crate::stages::contract::Describe;
use crate::stats::Counters;

fn thirteen() -> usize {
    13
}
fn min_overlap_default() -> f64 {
    0.2
}
fn half() -> f64 {
    0.5
}
fn eight() -> usize {
    8
}
fn hundred() -> usize {
    100
}

/// Benchmark bytes up to which the index is built in memory by every process.
const IN_MEMORY_BYTES: u64 = 256 << 20;
/// Benchmark bytes per index shard above that.
const BYTES_PER_SHARD: u64 = 128 << 20;

/// What to do with a document that holds a benchmark item.
#[derive(Debug, Clone, Copy, Default, Deserialize, schemars::JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// Drop the document (to `rejected/`, reason `decontaminated`).
    #[default]
    Drop,
    /// Remove the lines that hold the matched n-grams; a document left empty is dropped.
    Remove,
    /// Keep the document and list the items found in metadata `decontamination`.
    Tag,
}

impl Action {
    fn name(self) -> &'static str {
        match self {
            Action::Drop => "drop",
            Action::Remove => "remove",
            Action::Tag => "tag",
        }
    }
}

/// Finds benchmark items (passage, question, answer; read from the JSONL or Parquet files you name, any benchmark in any language) in documents by word n-gram overlap on normalised text, n-grams running across the question/answer boundary; drops the document, removes the matched lines, or tags it. Counted per benchmark × language; `eurocurate decont report OUT` lists the most contaminated items with their documents.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DecontaminateConfig {
    /// Benchmark files: `path` (file or glob), `name` and `lang` for the whole file or per-row
    /// `fields`, and which fields hold the id, passage, question, choices and answer.
    pub benchmarks: Vec<BenchmarkFiles>,
    /// Words per n-gram. 13 as DCLM, dolma and GPT-3 (datatrove uses 12): one more word
    /// makes chance matches of common phrases rarer, and the overlap share below keeps
    /// edited leaks found.
    #[serde(default = "thirteen")]
    pub ngram: usize,
    /// Share of an item's distinct n-grams a document must hold for the item to count as
    /// found. 0.2: an item with one word in 20 changed keeps about a third of its 13-grams.
    #[serde(default = "min_overlap_default")]
    pub min_overlap: f64,
    /// Items shorter than 3 × `ngram` words (searched with shorter grams) must also have this
    /// share of their words covered by the matched grams: a few grams of a short item are a
    /// phrase it shares with ordinary text (two option descriptions that differ in one clause),
    /// not a leak. 0.5: one changed word leaves at least two thirds of a short item covered.
    #[serde(default = "half")]
    pub short_item_coverage: f64,
    /// Items with fewer words are not searched (too short to tell a leak from chance);
    /// items with at least this many but fewer than `ngram` words match by their whole text.
    #[serde(default = "eight")]
    pub min_words: usize,
    /// An n-gram more items than this share (a prompt template, an instruction) is not
    /// evidence of any one of them and is left out of the index.
    #[serde(default = "hundred")]
    pub max_items_per_ngram: usize,
    /// drop | remove | tag.
    #[serde(default)]
    pub action: Action,
    /// Hash ranges of the index. 1: every process builds the whole index in memory from the
    /// benchmark files (fast to start; about 12 bytes per benchmark n-gram). More: an index
    /// phase before the first map phase builds one range per task and map tasks memory-map
    /// them, so no task holds the whole index. 0: 1 up to 256 MB of benchmark files, else one
    /// per 128 MB (an index task then peaks near 0.6 GB).
    #[serde(default)]
    pub index_shards: usize,
    #[serde(skip)]
    built: BuiltOnce<Index>,
}

impl Describe for DecontaminateConfig {
    const KIND: &'static str = "decontaminate";
}

impl DecontaminateConfig {
    fn params(&self) -> IndexParams {
        IndexParams {
            n: self.ngram,
            min_words: self.min_words,
            max_items_per_ngram: self.max_items_per_ngram,
        }
    }

    /// Hash ranges of the index (`index_shards`, or its automatic choice).
    pub fn shards(&self) -> usize {
        if self.index_shards > 0 {
            return self.index_shards;
        }
        let bytes: u64 = self
            .benchmarks
            .iter()
            .filter_map(|b| b.files().ok())
            .flatten()
            .filter_map(|f| std::fs::metadata(f).ok())
            .map(|m| m.len())
            .sum();
        if bytes <= IN_MEMORY_BYTES {
            1
        } else {
            bytes.div_ceil(BYTES_PER_SHARD) as usize
        }
    }

    /// The index a task uses: the sharded index the index phase wrote under
    /// `work_dir`, or the in-memory one; opened once per process.
    pub fn index_for(&self, work_dir: &std::path::Path) -> anyhow::Result<Arc<Index>> {
        match self.shards() {
            1 => self.index(),
            _ => self
                .built
                .get_or_build(|| shards::open(&work_dir.join("index"), self.params())),
        }
    }

    /// The index, read from the benchmark files once per process and shared
    /// by every task.
    pub fn index(&self) -> anyhow::Result<Arc<Index>> {
        self.built.get_or_build(|| {
            let mut builder = IndexBuilder::new(self.params());
            let mut failed = None;
            for files in &self.benchmarks {
                files.read(&mut |item| {
                    if let Err(e) = builder.add(item) {
                        failed.get_or_insert(e);
                    }
                })?;
            }
            if let Some(e) = failed {
                return Err(e);
            }
            let index = builder.finish();
            anyhow::ensure!(
                !index.is_empty(),
                "decontaminate: none of the {} benchmark items has {} words or more; check the field names \
                 (`fields:`) or lower `min_words`",
                index.stats.items,
                self.min_words
            );
            Ok(index)
        })
    }
}

impl StageConfig for DecontaminateConfig {
    fn validate(&self, _ctx: &ValidateContext) -> anyhow::Result<()> {
        anyhow::ensure!(
            !self.benchmarks.is_empty(),
            "decontaminate: `benchmarks` is empty; name at least one benchmark file"
        );
        anyhow::ensure!(
            (1..=64).contains(&self.ngram),
            "decontaminate: ngram {} is not in 1..=64",
            self.ngram
        );
        anyhow::ensure!(
            self.min_overlap > 0.0 && self.min_overlap <= 1.0,
            "decontaminate: min_overlap {} is not in (0, 1]",
            self.min_overlap
        );
        anyhow::ensure!(
            (0.0..=1.0).contains(&self.short_item_coverage),
            "decontaminate: short_item_coverage {} is not in [0, 1]",
            self.short_item_coverage
        );
        anyhow::ensure!(
            self.max_items_per_ngram >= 1,
            "decontaminate: max_items_per_ngram must be at least 1"
        );
        for b in &self.benchmarks {
            b.files()?;
        }
        Ok(())
    }

    fn reads(&self) -> anyhow::Result<Vec<crate::stages::FileDigest>> {
        let mut out = Vec::new();
        for b in &self.benchmarks {
            for f in b.files()? {
                out.push(crate::stages::file_digest(&f)?);
            }
        }
        Ok(out)
    }

    fn metadata(&self) -> Vec<crate::meta_schema::MetaField> {
        use crate::meta_schema::{list_of, MetaField, MetaType};
        let fields = [
            ("benchmark", MetaType::Str),
            ("lang", MetaType::Str),
            ("item", MetaType::Str),
            ("overlap", MetaType::Float),
        ];
        vec![MetaField::new(
            "decontamination",
            list_of(&fields),
            "benchmark items found, with `action: tag`: benchmark, item language and id, share of the item's n-grams found (decontaminate)",
        )]
    }

    fn prepare_steps(&self) -> Vec<super::ReduceStep> {
        match self.shards() {
            1 => Vec::new(),
            n => vec![
                super::ReduceStep {
                    name: "index",
                    tasks: n,
                },
                super::ReduceStep {
                    name: "index-items",
                    tasks: 1,
                },
            ],
        }
    }

    fn prepare(&self, step: usize, ctx: &TaskContext, stats: &mut crate::stats::TaskStats) -> anyhow::Result<()> {
        let dir = ctx.work_dir.join("index");
        let shards = self.shards() as u64;
        let s = match step {
            0 => shards::build_shard(&self.benchmarks, self.params(), &dir, ctx.task, shards)?,
            _ => shards::build_items(&self.benchmarks, self.params(), &dir, shards)?,
        };
        let c = &mut stats.counters;
        if step == 0 {
            c.add("index_ngrams", s.distinct_ngrams);
            c.add("index_template_ngrams", s.common_ngrams);
            c.add("index_entries", s.entries);
        } else {
            c.add("index_items", s.items);
            c.add("index_items_too_short", s.items_too_short);
        }
        Ok(())
    }

    fn build(&self, ctx: &TaskContext) -> anyhow::Result<Box<dyn Stage>> {
        Ok(Box::new(Decontaminator {
            matcher: Matcher::new(self.index_for(&ctx.work_dir)?, self.min_overlap, self.short_item_coverage),
            action: self.action,
            findings_path: ctx
                .work_dir
                .join(format!("findings-p{}-t{:05}.jsonl", ctx.phase, ctx.task)),
            findings: None,
        }))
    }
}

/// One item found in one document.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub item: u32,
    /// Distinct n-grams of the item the document holds.
    pub matched: u32,
    /// `matched` over the item's n-grams.
    pub overlap: f64,
}

/// Finds items in documents; one per task (it keeps buffers).
pub struct Matcher {
    pub index: Arc<Index>,
    min_overlap: f64,
    short_item_coverage: f64,
    words: Words,
    /// (item, n-gram hash, word position, gram length) of every index hit.
    hits: Vec<(u32, u64, u32, u32)>,
    /// Word spans of one item's distinct matched grams.
    spans: Vec<(u32, u32)>,
}

impl Matcher {
    /// `min_overlap` and `short_item_coverage` as in [`DecontaminateConfig`].
    pub fn new(index: Arc<Index>, min_overlap: f64, short_item_coverage: f64) -> Self {
        Matcher {
            index,
            min_overlap,
            short_item_coverage,
            words: Words::default(),
            hits: Vec::new(),
            spans: Vec::new(),
        }
    }

    /// The items found in `text`, most overlapping first.
    pub fn find(&mut self, text: &str) -> Vec<Found> {
        self.words.read(text);
        self.hits.clear();
        let index = &self.index;
        let hits = &mut self.hits;
        let n = index.params.n;
        for len in std::iter::once(n).chain(index.whole_lengths.iter().copied()) {
            for_each_gram(&self.words.hashes, len, |pos, h| {
                for &item in index.owners_of(h) {
                    hits.push((item, h, pos as u32, len as u32));
                }
            });
        }
        if hits.is_empty() {
            return Vec::new();
        }
        hits.sort_unstable();
        let mut found: Vec<Found> = Vec::new();
        let mut i = 0;
        let spans = &mut self.spans;
        while i < hits.len() {
            let item = hits[i].0;
            let (mut distinct, mut last) = (0u32, None);
            spans.clear();
            while i < hits.len() && hits[i].0 == item {
                if last != Some(hits[i].1) {
                    distinct += 1;
                    last = Some(hits[i].1);
                    // the first place of each distinct gram: a phrase repeated is one phrase
                    spans.push((hits[i].2, hits[i].2 + hits[i].3));
                }
                i += 1;
            }
            let info = index.item(item);
            let overlap = distinct as f64 / info.ngrams.max(1) as f64;
            let covered = overlap >= self.min_overlap
                && (info.words as usize >= 3 * n
                    || covered_words(spans) as f64 >= self.short_item_coverage * info.words as f64);
            if covered {
                // one finding per item: its best view
                match found.iter_mut().find(|f| f.item == info.canonical) {
                    Some(f) if f.overlap >= overlap => {}
                    Some(f) => {
                        f.matched = distinct;
                        f.overlap = overlap;
                    }
                    None => found.push(Found {
                        item: info.canonical,
                        matched: distinct,
                        overlap,
                    }),
                }
            }
        }
        found.sort_by(|a, b| b.overlap.total_cmp(&a.overlap).then(a.item.cmp(&b.item)));
        found
    }

    /// The lines (of the text last given to [`Matcher::find`]) that hold an
    /// n-gram of one of `found`, ascending.
    pub fn matched_lines(&self, found: &[Found]) -> Vec<u32> {
        let mut items: Vec<u32> = found.iter().map(|f| f.item).collect();
        items.sort_unstable();
        let mut lines = Vec::new();
        for &(item, _, pos, len) in &self.hits {
            if items.binary_search(&self.index.item(item).canonical).is_ok() {
                let (a, b) = (
                    self.words.lines[pos as usize],
                    self.words.lines[(pos + len - 1) as usize],
                );
                lines.extend(a..=b);
            }
        }
        lines.sort_unstable();
        lines.dedup();
        lines
    }
}

/// Words covered by the union of `spans` (sorted in place).
fn covered_words(spans: &mut [(u32, u32)]) -> u32 {
    spans.sort_unstable();
    let (mut total, mut end) = (0, 0);
    for &(a, b) in spans.iter() {
        let a = a.max(end);
        if b > a {
            total += b - a;
            end = b;
        }
    }
    total
}

struct Decontaminator {
    matcher: Matcher,
    action: Action,
    findings_path: PathBuf,
    findings: Option<AtomicFile>,
}

impl Decontaminator {
    fn record(&mut self, doc: &Document, found: &[Found]) -> anyhow::Result<()> {
        use std::io::Write;
        if self.findings.is_none() {
            self.findings = Some(AtomicFile::create(&self.findings_path).with_context(|| {
                format!("decontaminate: cannot write findings to {}", self.findings_path.display())
            })?);
        }
        let index = &self.matcher.index;
        let out = self.findings.as_mut().expect("opened above");
        for f in found {
            let info = index.item(f.item);
            let line = serde_json::to_string(&Finding {
                doc: doc.id.clone(),
                url: doc.url.clone(),
                doc_lang: doc.lang.clone(),
                benchmark: index.benchmarks[info.benchmark as usize].clone(),
                lang: index.langs[info.lang as usize].clone(),
                item: info.id.to_string(),
                overlap: (f.overlap * 1000.0).round() / 1000.0,
                matched: f.matched,
                ngrams: info.ngrams,
                action: self.action.name().to_string(),
            })?;
            writeln!(out, "{line}")?;
        }
        Ok(())
    }

    fn count(&self, found: &[Found], counters: &mut Counters) {
        let index = &self.matcher.index;
        let mut pairs: Vec<(u32, u32)> = Vec::new();
        for f in found {
            let info = index.item(f.item);
            let key = (info.benchmark, info.lang);
            let (b, l) = (&index.benchmarks[key.0 as usize], &index.langs[key.1 as usize]);
            counters.add(&format!("items:{b}:{l}"), 1);
            if !pairs.contains(&key) {
                pairs.push(key);
                counters.add(&format!("docs:{b}:{l}"), 1);
            }
        }
        counters.add("contaminated_docs", 1);
    }

    fn describe(&self, found: &[Found]) -> String {
        let index = &self.matcher.index;
        let f = &found[0];
        let info = index.item(f.item);
        let more = if found.len() > 1 {
            format!(" (+{} more items)", found.len() - 1)
        } else {
            String::new()
        };
        format!(
            "benchmark={} lang={} item={} overlap={:.2}{more}",
            index.benchmarks[info.benchmark as usize], index.langs[info.lang as usize], info.id, f.overlap
        )
    }
}

impl Stage for Decontaminator {
    fn process(&mut self, doc: &mut Document, counters: &mut Counters) -> anyhow::Result<Verdict> {
        let found = self.matcher.find(&doc.text);
        if found.is_empty() {
            return Ok(Verdict::Keep);
        }
        self.count(&found, counters);
        self.record(doc, &found)?;
        match self.action {
            Action::Drop => Ok(Verdict::drop_with("decontaminated", self.describe(&found))),
            Action::Tag => {
                let index = &self.matcher.index;
                let list: Vec<Value> = found
                    .iter()
                    .map(|f| {
                        let info = index.item(f.item);
                        json!({
                            "benchmark": index.benchmarks[info.benchmark as usize],
                            "lang": index.langs[info.lang as usize],
                            "item": info.id,
                            "overlap": (f.overlap * 1000.0).round() / 1000.0,
                        })
                    })
                    .collect();
                doc.meta.insert("decontamination".into(), Value::Array(list));
                Ok(Verdict::Keep)
            }
            Action::Remove => {
                let lines = self.matcher.matched_lines(&found);
                counters.add("lines_removed", lines.len() as u64);
                let kept: Vec<&str> = doc
                    .text
                    .split('\n')
                    .enumerate()
                    .filter(|(i, _)| lines.binary_search(&(*i as u32)).is_err())
                    .map(|(_, l)| l)
                    .collect();
                if kept.iter().all(|l| l.trim().is_empty()) {
                    return Ok(Verdict::drop_with("decontaminated", self.describe(&found)));
                }
                doc.text = kept.join("\n");
                Ok(Verdict::Keep)
            }
        }
    }

    fn finish(&mut self, counters: &mut Counters) -> anyhow::Result<()> {
        let stats = &self.matcher.index.stats;
        counters.max("index_items", stats.items);
        counters.max("index_items_too_short", stats.items_too_short);
        counters.max("index_ngrams", stats.distinct_ngrams);
        counters.max("index_template_ngrams", stats.common_ngrams);
        match self.findings.take() {
            Some(f) => {
                f.commit().with_context(|| {
                    format!("decontaminate: cannot commit findings {}", self.findings_path.display())
                })?;
            }
            None => match std::fs::remove_file(&self.findings_path) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(e).context("decontaminate: cannot remove stale findings"),
            },
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
