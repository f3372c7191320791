//! `eurocurate tokenizer train`: a byte-level BPE tokenizer trained on a
//! sample in which every language gets a fair share (temperature sampling:
//! a language's share ∝ its share of the text^alpha, as mT5/XLM-R do), so
//! Maltese or Irish words are not all split into bytes; and the fertility
//! (tokens per word) it reaches in each language.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::Context;
use tokenizers::decoders::byte_level::ByteLevel;
use tokenizers::models::bpe::{BpeTrainerBuilder, BPE};
use tokenizers::models::TrainerWrapper;
use tokenizers::{AddedToken, Tokenizer};

use crate::document::Document;

/// Options of `tokenizer train` (also its command line).
#[derive(Debug, Clone, clap::Args)]
pub struct TrainOptions {
    /// JSONL documents with `lang`.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// Where tokenizer.json goes.
    #[arg(long)]
    pub out: PathBuf,
    #[arg(long, default_value_t = 32_000)]
    pub vocab_size: usize,
    /// Temperature exponent of the language shares (1: as in the data;
    /// lower favours small languages).
    #[arg(long, default_value_t = 0.3)]
    pub alpha: f64,
    /// Explicit language weights that replace the computed shares, e.g.
    /// `--weight mt=2 --weight en=1`.
    #[arg(long = "weight")]
    pub weights: Vec<String>,
    /// Characters of text in the training sample (0: all the input once).
    #[arg(long, default_value_t = 0)]
    pub sample_chars: u64,
    #[arg(long, value_delimiter = ',', default_value = "<s>,</s>,<pad>,<unk>")]
    pub special_tokens: Vec<String>,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

/// Fertility of one language.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Fertility {
    pub lang: String,
    pub documents: usize,
    pub words: u64,
    pub tokens: u64,
    /// Share of the training sample.
    pub sample_share: f64,
}

impl Fertility {
    pub fn tokens_per_word(&self) -> f64 {
        self.tokens as f64 / self.words.max(1) as f64
    }
}

/// The share of the sample each language gets.
pub fn shares(chars: &BTreeMap<String, u64>, alpha: f64, weights: &BTreeMap<String, f64>) -> BTreeMap<String, f64> {
    let total: u64 = chars.values().sum();
    let raw: BTreeMap<String, f64> = chars
        .iter()
        .map(|(l, c)| {
            let w = weights
                .get(l)
                .copied()
                .unwrap_or_else(|| (*c as f64 / total.max(1) as f64).powf(alpha));
            (l.clone(), w)
        })
        .collect();
    let sum: f64 = raw.values().sum();
    raw.into_iter()
        .map(|(l, w)| (l, w / sum.max(f64::MIN_POSITIVE)))
        .collect()
}

/// Trains, writes `out`, and returns the fertility per language on the input.
pub fn train(o: &TrainOptions) -> anyhow::Result<Vec<Fertility>> {
    let mut by_lang: BTreeMap<String, Vec<Document>> = BTreeMap::new();
    for p in &o.inputs {
        for d in crate::io::jsonl::read_documents(p, usize::MAX)? {
            let lang = d.lang.clone().unwrap_or_else(|| "und".into());
            by_lang.entry(lang).or_default().push(d);
        }
    }
    anyhow::ensure!(!by_lang.is_empty(), "no documents in {:?}", o.inputs);
    let chars: BTreeMap<String, u64> = by_lang
        .iter()
        .map(|(l, ds)| (l.clone(), ds.iter().map(|d| d.text.chars().count() as u64).sum()))
        .collect();
    let total: u64 = chars.values().sum();
    let budget = if o.sample_chars == 0 { total } else { o.sample_chars };
    let share = shares(&chars, o.alpha, &parse_weights(&o.weights)?);
    // Each language's documents, repeated (at most 10 times) or cut to its share.
    let mut sample: Vec<&str> = Vec::new();
    for (lang, docs) in &by_lang {
        let want = (budget as f64 * share[lang]) as u64;
        let cap = chars[lang] * 10;
        let mut taken = 0u64;
        'fill: while taken < want.min(cap) {
            for d in docs {
                if taken >= want.min(cap) {
                    break 'fill;
                }
                sample.push(&d.text);
                taken += d.text.chars().count().max(1) as u64;
            }
        }
    }
    let mut rng = crate::rng::Rng::new(o.seed);
    for i in (1..sample.len()).rev() {
        sample.swap(i, rng.below(i + 1));
    }
    let mut tokenizer = Tokenizer::new(BPE::default());
    tokenizer.with_pre_tokenizer(Some(tokenizers::pre_tokenizers::byte_level::ByteLevel::new(
        false, true, true,
    )));
    tokenizer.with_decoder(Some(ByteLevel::default()));
    let specials: Vec<AddedToken> = o
        .special_tokens
        .iter()
        .map(|t| AddedToken::from(t.clone(), true))
        .collect();
    let mut trainer: TrainerWrapper = BpeTrainerBuilder::new()
        .vocab_size(o.vocab_size)
        .min_frequency(2)
        .show_progress(false)
        .special_tokens(specials)
        .initial_alphabet(
            tokenizers::pre_tokenizers::byte_level::ByteLevel::alphabet()
                .into_iter()
                .collect(),
        )
        .build()
        .into();
    tokenizer
        .train(&mut trainer, sample.iter().copied())
        .map_err(|e| anyhow::anyhow!("training failed: {e}"))?;
    if let Some(parent) = o.out.parent() {
        std::fs::create_dir_all(parent)?;
    }
    tokenizer
        .save(&o.out, false)
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", o.out.display()))?;
    let engine = crate::bpe::Engine::load(&o.out, true)?;
    let mut scratch = crate::bpe::Scratch::new(crate::bpe::WORD_CACHE);
    let mut ids = Vec::new();
    by_lang
        .iter()
        .map(|(lang, docs)| {
            let mut f = Fertility {
                lang: lang.clone(),
                documents: docs.len(),
                words: 0,
                tokens: 0,
                sample_share: share[lang],
            };
            for d in docs {
                f.words += d.text.split_whitespace().count() as u64;
                ids.clear();
                engine
                    .encode(&d.text, false, &mut scratch, &mut ids)
                    .with_context(|| format!("encoding {}", d.id))?;
                f.tokens += ids.len() as u64;
            }
            Ok(f)
        })
        .collect()
}

/// The fertility table `tokenizer train` prints.
pub fn table(fert: &[Fertility], out: &Path, vocab: usize) -> String {
    let mut s = format!(
        "{} written ({vocab} tokens)\n\n  lang  docs     words    tokens  tokens/word  sample share\n",
        out.display()
    );
    for f in fert {
        s.push_str(&format!(
            "  {:<4} {:>5} {:>9} {:>9} {:>12.2} {:>12.1}%\n",
            f.lang,
            f.documents,
            f.words,
            f.tokens,
            f.tokens_per_word(),
            100.0 * f.sample_share
        ));
    }
    s
}

/// Parses `lang=weight` pairs.
pub fn parse_weights(items: &[String]) -> anyhow::Result<BTreeMap<String, f64>> {
    items
        .iter()
        .map(|kv| {
            let (k, v) = kv
                .split_once('=')
                .with_context(|| format!("`{kv}`: write a weight as lang=number"))?;
            let w: f64 = v.parse().with_context(|| format!("`{kv}`: `{v}` is not a number"))?;
            anyhow::ensure!(w > 0.0, "`{kv}`: a weight must be positive");
            Ok((k.to_string(), w))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_languages_get_a_larger_share_than_their_data() {
        let chars: BTreeMap<String, u64> = [("en".to_string(), 9_000u64), ("mt".to_string(), 1_000)].into();
        let s = shares(&chars, 0.3, &BTreeMap::new());
        assert!(s["mt"] > 0.1 && s["mt"] < 0.5, "{s:?}");
        assert!((s.values().sum::<f64>() - 1.0).abs() < 1e-9);
        assert!((shares(&chars, 1.0, &BTreeMap::new())["mt"] - 0.1).abs() < 1e-9);
        let w = parse_weights(&["mt=3".into(), "en=1".into()]).unwrap();
        assert!((shares(&chars, 0.3, &w)["mt"] - 0.75).abs() < 1e-9);
        assert!(parse_weights(&["mt".into()]).is_err());
    }
}
