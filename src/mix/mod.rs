//! `eurocurate mix`: from filtered (or tokenized) run outputs to a training
//! mix — per-language token budgets met by repeating or subsampling
//! documents in proportion to a weight (a quality score, or the duplicate
//! cluster size through a rehydration table), at most `max_repeat` copies of
//! one document, written as globally shuffled Megatron shards with a
//! manifest and MD5s.
//!
//! It runs as phases of independent tasks, like a pipeline, with the same
//! markers, lock, run identity and resume (`exec`):
//!
//! | phase | tasks | does |
//! |---|---|---|
//! | 0 `count` | one per input file or shard | tokenize, weigh, spool ids and a document table |
//! | 1 `plan` | 1 | per language, the scale that meets the budget (or refuse) |
//! | 2 `scatter` | one per input file or shard | every copy to a seeded bucket |
//! | 3 `shuffle` | one per bucket | permute one bucket in memory, write `part-B` |
//! | 4 `manifest` | 1 | `manifest.json`, `md5sums.txt` |
//!
//! Every random choice comes from the seed and the document id, so the
//! bytes depend on the inputs, the mix file and the seed only.

pub mod count;
pub mod layout;
pub mod manifest;
pub mod run;
pub mod scatter;
pub mod shuffle;
pub mod solve;
pub mod spec;
pub mod submit;
pub mod weights;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::bpe::Engine;
use crate::io::megatron::TokenDtype;

/// The tokenizer of text inputs and its BOS/EOS ids.
pub struct MixTokenizer {
    pub engine: Engine,
    pub bos: Option<u32>,
    pub eos: Option<u32>,
}

/// A loaded mix: its file, inputs, weights and shape.
pub struct MixRun {
    pub spec: spec::MixSpec,
    pub file: PathBuf,
    pub out: PathBuf,
    pub units: Vec<layout::Unit>,
    /// Source name of each input.
    pub sources: Vec<String>,
    pub weighers: BTreeMap<String, weights::Weigher>,
    pub tokenizer: Option<MixTokenizer>,
    pub dtype: TokenDtype,
    /// Tasks of the shuffle phase.
    pub buckets: usize,
    /// Every file the mix reads, with its digest (run identity).
    pub reads: Vec<crate::digest::FileDigest>,
}

impl MixRun {
    /// Loads and checks a mix file, finds its inputs, loads the tokenizer.
    pub fn load(file: &Path) -> anyhow::Result<MixRun> {
        let spec = spec::load(file)?;
        // Paths are relative to the working directory, as in pipeline files.
        let base = PathBuf::new();
        let units = layout::units(&spec, &base)?;
        let langs: Vec<String> = spec.budgets.keys().cloned().collect();
        let weighers = weights::weighers(spec.weight.as_ref(), &langs, &base)?;
        let mut reads = Vec::new();
        let needs_tokenizer = units.iter().any(|u| matches!(u.kind, layout::UnitKind::Text(_)));
        let tokenizer = match &spec.tokenizer {
            Some(p) => {
                let p = weights::resolve(&base, p);
                reads.push(crate::digest::file_digest(&p)?);
                let engine = Engine::load(&p, true)?;
                let id = |t: &Option<String>, what: &str| -> anyhow::Result<Option<u32>> {
                    t.as_ref()
                        .map(|t| {
                            engine.token_to_id(t).with_context(|| {
                                format!("{}: `{what}: {t}` is not a token of {}", file.display(), p.display())
                            })
                        })
                        .transpose()
                };
                Some(MixTokenizer {
                    bos: id(&spec.bos, "bos")?,
                    eos: id(&spec.eos, "eos")?,
                    engine,
                })
            }
            None if needs_tokenizer => anyhow::bail!(
                "{}: inputs hold JSONL/Parquet documents, so the mix needs `tokenizer:` (a tokenizer.json)",
                file.display()
            ),
            None => None,
        };
        let dtype = match (&tokenizer, units.first().map(|u| &u.kind)) {
            (Some(t), _) => TokenDtype::for_vocab(t.engine.vocab_size()),
            (None, Some(layout::UnitKind::Shard { prefix, .. })) => {
                crate::io::megatron::ShardReader::open(prefix)?.dtype
            }
            _ => TokenDtype::Int32,
        };
        if let Some(r) = spec.weight.as_ref().and_then(|w| w.rehydration.as_ref()) {
            reads.push(crate::digest::file_digest(&weights::resolve(&base, r))?);
        }
        for u in &units {
            // Size and modification time: a changed input is a changed run,
            // without reading terabytes to know it.
            let paths: Vec<PathBuf> = match &u.kind {
                layout::UnitKind::Text(p) => vec![p.clone()],
                layout::UnitKind::Shard { prefix, sidecar } => {
                    let (b, i) = crate::io::megatron::paths(prefix);
                    vec![b, i, sidecar.clone()]
                }
            };
            for p in paths {
                let m = std::fs::metadata(&p).with_context(|| format!("cannot read {}", p.display()))?;
                let mtime = m
                    .modified()
                    .ok()
                    .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                    .map(|d| d.as_nanos())
                    .unwrap_or(0);
                reads.push((p.display().to_string(), format!("{} bytes, mtime {mtime}", m.len())));
            }
        }
        let buckets = spec.total_budget().div_ceil(spec.output.shuffle_buffer_tokens).max(1) as usize;
        let out = weights::resolve(&base, &spec.output.path);
        Ok(MixRun {
            sources: spec.inputs.iter().map(|i| i.source_name()).collect(),
            spec,
            file: file.to_path_buf(),
            out,
            units,
            weighers,
            tokenizer,
            dtype,
            buckets,
            reads,
        })
    }
}
