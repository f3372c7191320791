//! Phase `count`: one task per input unit. Reads the documents of the
//! budget languages, tokenizes text (the `tokenize` stage's tokenizer path)
//! or takes a shard's ids, weighs each document, and spools the ids (a
//! Megatron shard) with a document table: id, language, tokens, weight.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{bail, Context};
use serde::{Deserialize, Serialize};

use super::layout::{self, Unit, UnitKind};
use super::MixRun;
use crate::bpe::{Scratch, WORD_CACHE};
use crate::io::jsonl_out::JsonlZstWriter;
use crate::io::megatron::{ShardReader, ShardWriter};
use crate::io::read_back::for_each_record;

/// One row of a document table.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DocRow {
    pub id: String,
    pub lang: String,
    pub tokens: u64,
    /// Weight (relative number of copies).
    pub w: f64,
}

/// Per-language counts of one count task.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct CountSummary {
    /// Documents and tokens spooled, per budget language.
    pub spooled: BTreeMap<String, (u64, u64)>,
    /// Documents of languages without a budget (left out), per language.
    pub not_in_mix: BTreeMap<String, u64>,
    /// Documents without text or with no tokens.
    pub empty: u64,
}

/// The id, language and metadata of a record.
fn fields(rec: &serde_json::Value, fallback_id: impl FnOnce() -> String) -> (String, String) {
    let id = match rec.get("id") {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(serde_json::Value::Number(n)) => n.to_string(),
        _ => fallback_id(),
    };
    let lang = rec
        .get("lang")
        .and_then(|l| l.as_str())
        .map(|l| crate::text::lang_code::to_iso639_1(l).to_string())
        .unwrap_or_else(|| "und".into());
    (id, lang)
}

/// Runs count task `t`.
pub fn run(mix: &MixRun, t: usize) -> anyhow::Result<u64> {
    let unit: &Unit = &mix.units[t];
    let out = &mix.out;
    let mut spool = ShardWriter::create(&layout::spool(out, t), mix.dtype)?;
    let mut table = JsonlZstWriter::create(&layout::doc_table(out, t), 1)?;
    let mut summary = CountSummary::default();
    let mut failure: Option<anyhow::Error> = None;
    let mut keep = |id: String, lang: String, meta: Option<&serde_json::Value>, ids: &[u32], n: usize, file: &Path| {
        let w = mix.weighers[&lang]
            .weight(meta)
            .map_err(|why| anyhow::anyhow!("{} record {}: {why}", file.display(), n + 1))?;
        spool.add(ids)?;
        table.write_record(&DocRow {
            id,
            lang: lang.clone(),
            tokens: ids.len() as u64,
            w,
        })?;
        let e = summary.spooled.entry(lang).or_default();
        e.0 += 1;
        e.1 += ids.len() as u64;
        anyhow::Ok(())
    };
    let mut not_in_mix: BTreeMap<String, u64> = BTreeMap::new();
    let mut empty = 0u64;
    match &unit.kind {
        UnitKind::Text(file) => {
            let tok = mix
                .tokenizer
                .as_ref()
                .context("text inputs need `tokenizer:` in the mix file")?;
            let mut scratch = Scratch::new(WORD_CACHE);
            let mut ids = Vec::new();
            let mut n = 0usize;
            for_each_record(file, |rec| {
                let i = n;
                n += 1;
                if failure.is_some() {
                    return;
                }
                let (id, lang) = fields(&rec, || format!("{}:{}", file.display(), i + 1));
                if !mix.weighers.contains_key(&lang) {
                    *not_in_mix.entry(lang).or_default() += 1;
                    return;
                }
                let Some(text) = rec.get("text").and_then(|t| t.as_str()).filter(|t| !t.is_empty()) else {
                    empty += 1;
                    return;
                };
                ids.clear();
                ids.extend(tok.bos);
                if let Err(e) = tok.engine.encode(text, false, &mut scratch, &mut ids) {
                    failure = Some(e.context(format!("{} record {}: cannot tokenize", file.display(), i + 1)));
                    return;
                }
                ids.extend(tok.eos);
                if let Err(e) = keep(id, lang, rec.get("metadata"), &ids, i, file) {
                    failure = Some(e);
                }
            })?;
        }
        UnitKind::Shard { prefix, sidecar } => {
            let shard = ShardReader::open(prefix)?;
            if shard.dtype != mix.dtype {
                bail!(
                    "{} holds {:?} ids but this mix writes {:?} (its tokenizer or first shard decides); \
                     mix shards of one tokenizer",
                    prefix.display(),
                    shard.dtype,
                    mix.dtype
                );
            }
            let mut n = 0usize;
            for_each_record(sidecar, |rec| {
                let i = n;
                n += 1;
                if failure.is_some() || i >= shard.len() {
                    return;
                }
                let (id, lang) = fields(&rec, || format!("{}:{}", prefix.display(), i));
                if !mix.weighers.contains_key(&lang) {
                    *not_in_mix.entry(lang).or_default() += 1;
                    return;
                }
                let r = shard.get(i).and_then(|ids| {
                    if ids.is_empty() {
                        empty += 1;
                        return Ok(());
                    }
                    keep(id, lang, rec.get("metadata"), &ids, i, sidecar)
                });
                if let Err(e) = r {
                    failure = Some(e);
                }
            })?;
            if n != shard.len() {
                bail!(
                    "{} has {n} records but {} holds {} sequences; a sidecar lists every sequence of its shard, in order",
                    sidecar.display(),
                    prefix.display(),
                    shard.len()
                );
            }
        }
    }
    if let Some(e) = failure {
        return Err(e);
    }
    summary.not_in_mix = not_in_mix;
    summary.empty = empty;
    let docs = summary.spooled.values().map(|v| v.0).sum();
    spool.finish()?;
    table.commit()?;
    crate::io::atomic::write_file(&layout::count_summary(out, t), &serde_json::to_vec_pretty(&summary)?)?;
    Ok(docs)
}

/// Reads count task `t`'s document table, row by row.
pub fn read_table(out: &Path, t: usize, mut f: impl FnMut(DocRow) -> anyhow::Result<()>) -> anyhow::Result<()> {
    let path = layout::doc_table(out, t);
    let mut failure = None;
    for_each_record(&path, |v| {
        if failure.is_some() {
            return;
        }
        let r = serde_json::from_value::<DocRow>(v)
            .with_context(|| format!("damaged {}; rerun with --restart", path.display()))
            .and_then(&mut f);
        if let Err(e) = r {
            failure = Some(e);
        }
    })?;
    failure.map_or(Ok(()), Err)
}
