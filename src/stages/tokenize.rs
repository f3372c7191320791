//! `tokenize`: turns text into token ids with a Hugging Face
//! `tokenizer.json`, optionally between BOS and EOS tokens. Byte-level BPE
//! tokenizers (GPT-2, Llama 3, those `tokenizer train` writes) go through
//! [`crate::bpe`], several times faster with the same ids; any other
//! pipeline through the `tokenizers` crate (the same Rust code the Python
//! library runs). The stage counts the documents of each path
//! (`docs_fast_path`, `docs_tokenizers_crate`). It is the last stage of a
//! pipeline; the `megatron` output writes the ids as shards. Tasks run in
//! parallel on all cores, each with the tokenizer loaded once per process.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use serde::Deserialize;
use tokenizers::Tokenizer;

use crate::bpe::{parse_tokenizer, Engine, Scratch, WORD_CACHE};

use super::{BuiltOnce, Stage, StageConfig, TaskContext, ValidateContext, Verdict};
use crate::document::Document;
use crate::stages::contract::{Describe, Produces};
use crate::stats::Counters;

/// Token ids from a Hugging Face `tokenizer.json` (optional BOS/EOS); the last stage, feeding the
/// `megatron` output.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenizeConfig {
    /// Path of a Hugging Face `tokenizer.json`.
    pub tokenizer: PathBuf,
    /// Token put before every document (e.g. `<s>`).
    #[serde(default)]
    pub bos: Option<String>,
    /// Token put after every document (e.g. `</s>`, Megatron's end-of-document).
    #[serde(default)]
    pub eos: Option<String>,
    /// Let the tokenizer's own post-processor add its special tokens.
    #[serde(default)]
    pub add_special_tokens: bool,
    /// Use the fast byte-level BPE path when the tokenizer.json is one it
    /// implements (same ids); `false` forces the `tokenizers` crate.
    #[serde(default = "yes")]
    pub fast_path: bool,
    /// Drop documents that give no tokens (empty text).
    #[serde(default = "yes")]
    pub drop_empty: bool,
    #[serde(skip)]
    loaded: BuiltOnce<Loaded>,
}

fn yes() -> bool {
    true
}

/// The tokenizer and the ids of the configured BOS/EOS.
pub struct Loaded {
    pub engine: Engine,
    pub bos: Option<u32>,
    pub eos: Option<u32>,
    pub vocab_size: usize,
}

impl Describe for TokenizeConfig {
    const KIND: &'static str = "tokenize";
    const PRODUCES: Produces = Produces::Tokens;
}

/// Loads `path` with a message that names the file and what is wrong.
pub fn load_tokenizer(path: &std::path::Path) -> anyhow::Result<Tokenizer> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read tokenizer {}", path.display()))?;
    parse_tokenizer(path, &bytes)
}

impl TokenizeConfig {
    /// The tokenizer, loaded once per process.
    pub fn loaded(&self) -> anyhow::Result<Arc<Loaded>> {
        self.loaded.get_or_build(|| {
            let path = &self.tokenizer;
            let engine = Engine::load(path, self.fast_path)?;
            let id = |t: &Option<String>, what: &str| -> anyhow::Result<Option<u32>> {
                t.as_ref()
                    .map(|t| {
                        engine
                            .token_to_id(t)
                            .with_context(|| format!("tokenize: `{what}: {t}` is not a token of {}", path.display()))
                    })
                    .transpose()
            };
            Ok(Loaded {
                bos: id(&self.bos, "bos")?,
                eos: id(&self.eos, "eos")?,
                vocab_size: engine.vocab_size(),
                engine,
            })
        })
    }
}

impl StageConfig for TokenizeConfig {
    fn reads(&self) -> anyhow::Result<Vec<crate::stages::FileDigest>> {
        Ok(vec![crate::stages::file_digest(&self.tokenizer)?])
    }

    fn metadata(&self) -> Vec<crate::meta_schema::MetaField> {
        use crate::meta_schema::{MetaField, MetaType};
        vec![MetaField::new(
            "tokens",
            MetaType::Int,
            "number of token ids (tokenize)",
        )]
    }

    fn validate(&self, _ctx: &ValidateContext) -> anyhow::Result<()> {
        self.loaded().map(|_| ())
    }

    fn build(&self, _ctx: &TaskContext) -> anyhow::Result<Box<dyn Stage>> {
        Ok(Box::new(TokenizeStage {
            loaded: self.loaded()?,
            add_special: self.add_special_tokens,
            drop_empty: self.drop_empty,
            scratch: Scratch::new(WORD_CACHE),
            ids: Vec::new(),
            docs: 0,
        }))
    }

    fn token_vocab(&self) -> Option<usize> {
        self.loaded().ok().map(|l| l.vocab_size)
    }
}

struct TokenizeStage {
    loaded: Arc<Loaded>,
    add_special: bool,
    drop_empty: bool,
    /// The fast path's word cache and buffers, for this task.
    scratch: Scratch,
    /// The body's ids, reused across documents.
    ids: Vec<u32>,
    docs: u64,
}

impl Stage for TokenizeStage {
    fn process(&mut self, doc: &mut Document, counters: &mut Counters) -> anyhow::Result<Verdict> {
        let body = &mut self.ids;
        body.clear();
        self.loaded
            .engine
            .encode(&doc.text, self.add_special, &mut self.scratch, body)
            .with_context(|| format!("tokenizing {}", doc.id))?;
        self.docs += 1;
        if body.is_empty() && self.drop_empty {
            return Ok(Verdict::drop("no_tokens"));
        }
        let mut ids = Vec::with_capacity(body.len() + 2);
        ids.extend(self.loaded.bos);
        ids.extend_from_slice(body);
        ids.extend(self.loaded.eos);
        counters.add("tokens", ids.len() as u64);
        let mut key = String::from("tokens:");
        key.push_str(doc.lang_or_und());
        counters.add(&key, ids.len() as u64);
        doc.meta.insert("tokens".into(), ids.len().into());
        doc.tokens = Some(ids);
        Ok(Verdict::Keep)
    }

    fn finish(&mut self, counters: &mut Counters) -> anyhow::Result<()> {
        counters.add(self.loaded.engine.counter(), self.docs);
        Ok(())
    }
}
