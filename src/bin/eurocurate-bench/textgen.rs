//! Seeded synthetic text for benchmarks: word-bigram walks over the fixture
//! documents. Real scripts, real word frequencies and word pairs, but no long
//! verbatim repeats, so compressors and dedup see text like the web's rather
//! than copies of the fixtures.

use std::collections::HashMap;

pub use eurocurate::rng::Rng;

struct Chain {
    words: Vec<String>,
    next: HashMap<usize, Vec<usize>>,
}

/// Word-bigram chains, one per fixture document.
pub struct TextGen {
    chains: Vec<Chain>,
}

impl TextGen {
    /// Chains built from the shipped fixture texts (run from the repository root).
    pub fn from_fixtures() -> anyhow::Result<Self> {
        let docs = crate::common::fixture_docs()?;
        anyhow::ensure!(!docs.is_empty(), "no fixture texts found");
        let chains: Vec<Chain> = docs
            .iter()
            .map(|d| {
                let words: Vec<String> = d.text.split_whitespace().map(str::to_string).collect();
                let mut index: HashMap<&str, usize> = HashMap::new();
                for (i, w) in words.iter().enumerate() {
                    index.entry(w.as_str()).or_insert(i);
                }
                let mut next: HashMap<usize, Vec<usize>> = HashMap::new();
                for pair in words.windows(2) {
                    next.entry(index[pair[0].as_str()])
                        .or_default()
                        .push(index[pair[1].as_str()]);
                }
                Chain { words, next }
            })
            .filter(|c| c.words.len() > 20)
            .collect();
        Ok(TextGen { chains })
    }

    /// A text of at least `min_bytes` bytes from one random chain, with a
    /// line break about every 40 words.
    pub fn text(&self, rng: &mut Rng, min_bytes: usize) -> String {
        let mut text = String::with_capacity(min_bytes + 100);
        let chain = &self.chains[rng.below(self.chains.len())];
        let mut w = rng.below(chain.words.len());
        while text.len() < min_bytes {
            text.push_str(&chain.words[w]);
            w = self.step(chain, w, rng);
            text.push(if rng.below(40) == 0 { '\n' } else { ' ' });
        }
        text.truncate(text.trim_end().len());
        text
    }

    /// `n` words from one random chain.
    pub fn words(&self, rng: &mut Rng, n: usize) -> Vec<String> {
        let chain = &self.chains[rng.below(self.chains.len())];
        let mut w = rng.below(chain.words.len());
        (0..n)
            .map(|_| {
                let word = chain.words[w].clone();
                w = self.step(chain, w, rng);
                word
            })
            .collect()
    }

    /// One word from any chain (for edits).
    pub fn any_word(&self, rng: &mut Rng) -> &str {
        let chain = &self.chains[rng.below(self.chains.len())];
        &chain.words[rng.below(chain.words.len())]
    }

    fn step(&self, chain: &Chain, w: usize, rng: &mut Rng) -> usize {
        match chain.next.get(&w) {
            Some(succ) if rng.below(8) != 0 => succ[rng.below(succ.len())],
            _ => rng.below(chain.words.len()),
        }
    }
}
