//! The choice between the fast path and the `tokenizers` crate, made once
//! per tokenizer.json, and one `encode` for both (the `tokenize` stage and
//! `tokenizer train`'s fertility use it).

use std::path::Path;

use anyhow::Context;
use tokenizers::Tokenizer;

use super::{FastBpe, Scratch};

/// Which code encodes.
pub enum Engine {
    Fast(Box<FastBpe>),
    /// The `tokenizers` crate, and why the fast path does not apply.
    Library(Box<Tokenizer>, String),
}

/// Words whose BPE split each worker keeps (about 100 B each).
pub const WORD_CACHE: usize = 250_000;

/// Parses tokenizer.json with the `tokenizers` crate, with a message that
/// names the file and what is wrong.
pub fn parse_tokenizer(path: &Path, bytes: &[u8]) -> anyhow::Result<Tokenizer> {
    Tokenizer::from_bytes(bytes)
        .map_err(|e| anyhow::anyhow!("{} is not a valid Hugging Face tokenizer.json: {e}", path.display()))
}

impl Engine {
    /// The fast path when it implements `path`'s pipeline exactly (and
    /// `fast` allows it), else the library (with a note on stderr saying
    /// why, since it is slower).
    pub fn load(path: &Path, fast: bool) -> anyhow::Result<Engine> {
        let bytes = std::fs::read(path).with_context(|| format!("cannot read tokenizer {}", path.display()))?;
        let chosen = if fast {
            FastBpe::from_json(&bytes)
        } else {
            Err("`fast_path: false`".to_string())
        };
        Ok(match chosen {
            Ok(f) => Engine::Fast(Box::new(f)),
            Err(why) => {
                let mut tokenizer = parse_tokenizer(path, &bytes)?;
                if fast {
                    eprintln!(
                    "note: {} goes through the tokenizers crate, not the faster byte-level BPE path, which does not implement {why}",
                    path.display()
                    );
                }
                // BPE remembers how it split a word, but only its first
                // 10,000 words: too few for 24 languages. A larger, still
                // bounded cache (per worker thread) skips most merges.
                let mut model = tokenizer.get_model().clone();
                model.resize_cache(WORD_CACHE);
                tokenizer.with_model(model);
                Engine::Library(Box::new(tokenizer), why)
            }
        })
    }

    /// Appends the ids of `text` to `out`.
    pub fn encode(
        &self,
        text: &str,
        add_special: bool,
        scratch: &mut Scratch,
        out: &mut Vec<u32>,
    ) -> anyhow::Result<()> {
        match self {
            Engine::Fast(f) => f.encode(text, add_special, scratch, out),
            Engine::Library(t, _) => out.extend_from_slice(
                t.encode_fast(text, add_special)
                    .map_err(|e| anyhow::anyhow!("{e}"))?
                    .get_ids(),
            ),
        }
        Ok(())
    }

    /// The id of a token (added tokens first).
    pub fn token_to_id(&self, token: &str) -> Option<u32> {
        match self {
            Engine::Fast(f) => f.token_to_id(token),
            Engine::Library(t, _) => t.token_to_id(token),
        }
    }

    /// Vocabulary size with the added tokens.
    pub fn vocab_size(&self) -> usize {
        match self {
            Engine::Fast(f) => f.vocab_size(),
            Engine::Library(t, _) => t.get_vocab_size(true),
        }
    }

    /// The counter of documents that went this way.
    pub fn counter(&self) -> &'static str {
        match self {
            Engine::Fast(_) => "docs_fast_path",
            Engine::Library(..) => "docs_tokenizers_crate",
        }
    }
}
