//! A fast path for byte-level BPE tokenizer.json files (GPT-2, cl100k /
//! Llama-3, and those `eurocurate tokenizer train` writes): the same ids as
//! the `tokenizers` crate, without its general machinery — the split
//! pattern matched by hand instead of by fancy-regex, no offset tracking,
//! no per-word strings, a bounded word cache per worker and buffers reused
//! across documents. [`FastBpe::from_json`] takes only pipelines it
//! implements exactly and otherwise says why, so the caller can fall back to
//! the library.

mod added;
mod cache;
mod engine;
mod merges;
mod pattern;
mod spec;
mod unicode;

use rustc_hash::FxHashMap;

use added::{Added, Piece};
use cache::WordCache;
use merges::{Model, Work};
use pattern::Splitter;
use spec::{Prefix, Spec};

pub use engine::{parse_tokenizer, Engine, WORD_CACHE};
pub use pattern::{CL100K, GPT2};

/// A tokenizer.json the fast path encodes exactly.
pub struct FastBpe {
    added: Added,
    splitter: Splitter,
    prefix: Prefix,
    model: Model,
    template: (Vec<u32>, Vec<u32>),
    vocab: FxHashMap<String, u32>,
    added_ids: FxHashMap<String, u32>,
}

/// One worker's cache and buffers.
pub struct Scratch {
    cache: WordCache,
    work: Work,
    buf: String,
}

impl Scratch {
    /// With room for `words` cached words (0: no cache).
    pub fn new(words: usize) -> Scratch {
        Scratch {
            cache: WordCache::new(words),
            work: Work::default(),
            buf: String::new(),
        }
    }
}

impl FastBpe {
    /// The fast path for this tokenizer.json, or what in it the fast path
    /// does not implement (a noun phrase for the user, e.g. "the normalizer
    /// {...}").
    pub fn from_json(bytes: &[u8]) -> Result<FastBpe, String> {
        let s = Spec::parse(bytes)?;
        let model = Model::new(&s.vocab, &s.merges, s.ignore_merges)?;
        let added_ids = s.added.iter().map(|(c, id, _)| (c.clone(), *id)).collect();
        Ok(FastBpe {
            added: Added::new(s.added)?,
            splitter: Splitter::new(s.pattern),
            prefix: s.prefix,
            model,
            template: s.template,
            vocab: s.vocab,
            added_ids,
        })
    }

    /// The id of `token` (an added token first, as the library looks it up).
    pub fn token_to_id(&self, token: &str) -> Option<u32> {
        self.added_ids.get(token).or_else(|| self.vocab.get(token)).copied()
    }

    /// Vocabulary size with the added tokens, counted as the library does.
    pub fn vocab_size(&self) -> usize {
        let overlap = self.added_ids.keys().filter(|t| self.vocab.contains_key(*t)).count();
        self.vocab.len() + self.added_ids.len() - overlap
    }

    /// Appends the ids of `text` to `out`; `add_special`: with the
    /// post-processor's special tokens (as `encode(text, true)`).
    pub fn encode(&self, text: &str, add_special: bool, s: &mut Scratch, out: &mut Vec<u32>) {
        if add_special {
            out.extend_from_slice(&self.template.0);
        }
        let mut buf = std::mem::take(&mut s.buf);
        self.added.split(text, |p| match p {
            Piece::Token(id) => out.push(id),
            Piece::Text(t) => {
                if self.prefix == Prefix::Piece && !t.starts_with(' ') {
                    buf.clear();
                    buf.push(' ');
                    buf.push_str(t);
                    self.splitter.split(&buf, |w| self.word(w, s, out));
                } else {
                    self.splitter.split(t, |w| self.word(w, s, out));
                }
            }
        });
        s.buf = buf;
        if add_special {
            out.extend_from_slice(&self.template.1);
        }
    }

    #[inline]
    fn word(&self, w: &str, s: &mut Scratch, out: &mut Vec<u32>) {
        if self.prefix == Prefix::Word && !w.starts_with(' ') {
            let mut spaced = String::with_capacity(w.len() + 1);
            spaced.push(' ');
            spaced.push_str(w);
            return self.bytes(spaced.as_bytes(), s, out);
        }
        self.bytes(w.as_bytes(), s, out)
    }

    #[inline]
    fn bytes(&self, w: &[u8], s: &mut Scratch, out: &mut Vec<u32>) {
        if w.len() == 1 {
            out.push(self.model.byte_ids[w[0] as usize]);
            return;
        }
        if let Some(ids) = s.cache.get(w) {
            out.extend_from_slice(ids);
            return;
        }
        let start = out.len();
        self.model.encode(w, &mut s.work, out);
        s.cache.insert(w, &out[start..]);
    }
}
