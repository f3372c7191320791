//! Character n-gram language model: the second stage of `language_id`.
//!
//! fastText's lid.176 is fast and broad but mixes up close languages
//! (Slovak/Czech, Croatian/Serbian/Slovene, Maltese/Italian/English, Irish/
//! English …), and those are the languages with the least data. A naive
//! Bayes model over character n-grams (orders 1–5, inside word boundaries)
//! and whole words separates them well (HeLI's finding) and is cheap to
//! train, so eurocurate trains it itself (`eurocurate lid train`) and
//! `language_id` asks it only to choose within a small candidate set.
//!
//! File format (little-endian, zstd-compressed): magic `ECNGRAM2`, the class
//! names, per class the log-probability of an unseen feature of each kind
//! and the class's per-word bias, then the features: sorted 32-bit hashes, per hash the number of
//! classes that have it, and per (hash, class) the class index and the
//! log-probability quantised to 0.1 nats.

use std::io::{Read, Write};

use anyhow::{bail, ensure, Context};
use rustc_hash::FxHashMap;

/// Feature kinds: 0 is a whole word, 1..=MAX_ORDER a character n-gram.
pub const MAX_ORDER: usize = 5;
/// Number of feature kinds.
pub const KINDS: usize = MAX_ORDER + 1;
const MAGIC: &[u8; 8] = b"ECNGRAM2";
/// Quantisation step of the stored log-probabilities (nats).
const STEP: f32 = 0.1;

/// A trained model, ready to score.
#[derive(Debug, Clone)]
pub struct NgramModel {
    /// Class names (ISO 639-1 for the EU languages, the model's code for
    /// others), in index order.
    pub langs: Vec<String>,
    /// Log-probability of an unseen feature, per class and kind.
    floor: Vec<[f32; KINDS]>,
    /// Per-word score added to each class: a prior chosen on calibration
    /// text (`eurocurate lid train --calibrate`), 0 when not calibrated.
    pub bias: Vec<f32>,
    /// Feature hash → range in `entries`.
    index: FxHashMap<u32, (u32, u16)>,
    /// (class, quantised −log-probability).
    entries: Vec<(u8, u8)>,
}

/// Calls `f(word)` for every word of `text`: letters with inner apostrophes
/// and hyphens, lowercased, at most 64 characters.
pub fn words(text: &str, mut f: impl FnMut(&[char])) {
    let mut word: Vec<char> = Vec::with_capacity(32);
    let mut flush = |word: &mut Vec<char>| {
        while word.last().is_some_and(|&c| c == '-' || c == '\'') {
            word.pop();
        }
        if !word.is_empty() {
            f(word);
        }
        word.clear();
    };
    for c in text.chars() {
        let c = if c == '’' || c == 'ʼ' { '\'' } else { c };
        if c.is_alphabetic() || ((c == '\'' || c == '-') && !word.is_empty()) {
            if word.len() < 64 {
                word.extend(c.to_lowercase());
            }
        } else {
            flush(&mut word);
        }
    }
    flush(&mut word);
}

/// Calls `f(kind, hash)` for the features of one word: the word itself
/// (kind 0), then the character n-grams of the word padded with one space
/// on each side, longest first (kinds MAX_ORDER..=1).
pub fn word_features(w: &[char], mut f: impl FnMut(usize, u32)) {
    let mut buf = [0u8; 4 * 64];
    f(0, hash(0, w, &mut buf));
    let mut padded = Vec::with_capacity(w.len() + 2);
    padded.push(' ');
    padded.extend_from_slice(w);
    padded.push(' ');
    for n in (1..=MAX_ORDER).rev() {
        for g in padded.windows(n) {
            if n == 1 && g[0] == ' ' {
                continue;
            }
            f(n, hash(n as u8, g, &mut buf));
        }
    }
}

/// Calls `f(kind, hash)` for every feature of every word of `text`.
pub fn features(text: &str, mut f: impl FnMut(usize, u32)) {
    words(text, |w| word_features(w, &mut f));
}

fn hash(kind: u8, chars: &[char], buf: &mut [u8; 256]) -> u32 {
    buf[0] = kind;
    let mut len = 1;
    for &c in chars.iter().take(63) {
        len += c.encode_utf8(&mut buf[len..]).len();
    }
    xxhash_rust::xxh3::xxh3_64(&buf[..len]) as u32
}

/// Per-class totals and counts, the input of [`NgramModel::from_counts`].
#[derive(Debug, Default, Clone)]
pub struct ClassCounts {
    /// Feature hash → count.
    pub counts: FxHashMap<u32, (u8, u32)>,
    /// Features seen per kind.
    pub totals: [u64; KINDS],
}

impl ClassCounts {
    /// Adds every feature of `text`.
    pub fn add_text(&mut self, text: &str) {
        features(text, |kind, h| {
            self.totals[kind] += 1;
            let e = self.counts.entry(h).or_insert((kind as u8, 0));
            e.1 += 1;
        });
    }
}

impl NgramModel {
    /// Builds a model from per-class counts: a feature is kept for a class
    /// when it occurs at least `min_count` times there; its log-probability
    /// is its share of the class's features of its kind, and an unseen
    /// feature gets the log-probability of half an occurrence minus
    /// `penalty` (HeLI's penalty: what the language does not have is strong
    /// evidence; it also keeps a class trained on a word list, without
    /// word frequencies, from losing to one that knows the frequent words).
    pub fn from_counts(classes: &[(String, ClassCounts)], min_count: u32, penalty: f32) -> anyhow::Result<Self> {
        ensure!(
            !classes.is_empty(),
            "no training text: give a folder with one <lang>.txt per language"
        );
        ensure!(classes.len() <= 255, "at most 255 languages, got {}", classes.len());
        let mut floor = Vec::new();
        let mut by_hash: FxHashMap<u32, Vec<(u8, u8)>> = FxHashMap::default();
        for (ci, (_, cc)) in classes.iter().enumerate() {
            let mut fl = [0f32; KINDS];
            for (f, &total) in fl.iter_mut().zip(&cc.totals) {
                *f = (0.5 / total.max(1) as f64).ln() as f32 - penalty;
            }
            floor.push(fl);
            for (&h, &(kind, n)) in &cc.counts {
                if n < min_count {
                    continue;
                }
                let lp = (n as f64 / cc.totals[kind as usize].max(1) as f64).ln() as f32;
                by_hash.entry(h).or_default().push((ci as u8, quantise(lp)));
            }
        }
        let mut hashes: Vec<u32> = by_hash.keys().copied().collect();
        hashes.sort_unstable();
        let mut index = FxHashMap::default();
        let mut entries = Vec::new();
        for h in hashes {
            let mut v = by_hash.remove(&h).unwrap_or_default();
            v.sort_unstable();
            index.insert(h, (entries.len() as u32, v.len() as u16));
            entries.extend(v);
        }
        Ok(Self {
            langs: classes.iter().map(|(l, _)| l.clone()).collect(),
            bias: vec![0.0; floor.len()],
            floor,
            index,
            entries,
        })
    }

    /// Index of a class, if the model has it.
    pub fn class(&self, lang: &str) -> Option<usize> {
        self.langs.iter().position(|l| l == lang)
    }

    /// Score of `text` under each class of `candidates` (class indexes),
    /// in the same order, and the number of words read. HeLI's back-off:
    /// a word the model knows (in any candidate) is scored by its word
    /// log-probabilities; otherwise by the mean log-probability of its
    /// longest n-grams that some candidate knows. Each word counts once,
    /// so long words do not outweigh short ones and the correlated lower
    /// orders add no noise.
    pub fn score(&self, text: &str, candidates: &[usize], out: &mut Vec<f32>) -> usize {
        out.clear();
        out.resize(candidates.len(), 0.0);
        let mut slot = [u8::MAX; 256];
        for (i, &c) in candidates.iter().enumerate() {
            slot[c] = i as u8;
        }
        let mut acc = vec![0f32; candidates.len()];
        let mut grams: Vec<u32> = Vec::with_capacity(64);
        let mut padded: Vec<char> = Vec::with_capacity(66);
        let mut buf = [0u8; 4 * 64];
        let mut n_words = 0;
        words(text, |w| {
            n_words += 1;
            // Longest evidence first: the word, then 5-grams … 1-grams, each
            // computed only when the longer kinds were unknown.
            for kind in [0, 5, 4, 3, 2, 1] {
                grams.clear();
                if kind == 0 {
                    grams.push(hash(0, w, &mut buf));
                } else {
                    if padded.is_empty() {
                        padded.push(' ');
                        padded.extend_from_slice(w);
                        padded.push(' ');
                    }
                    for g in padded.windows(kind) {
                        if !(kind == 1 && g[0] == ' ') {
                            grams.push(hash(kind as u8, g, &mut buf));
                        }
                    }
                }
                if grams.is_empty() {
                    continue;
                }
                acc.iter_mut().for_each(|a| *a = 0.0);
                let mut known = false;
                for h in &grams {
                    for (i, &c) in candidates.iter().enumerate() {
                        acc[i] += self.floor[c][kind];
                    }
                    if let Some(&(start, len)) = self.index.get(h) {
                        for &(c, q) in &self.entries[start as usize..start as usize + len as usize] {
                            let s = slot[c as usize];
                            if s != u8::MAX {
                                known = true;
                                acc[s as usize] += dequantise(q) - self.floor[c as usize][kind];
                            }
                        }
                    }
                }
                if known || kind == 1 {
                    let n = grams.len() as f32;
                    for ((o, a), &c) in out.iter_mut().zip(&acc).zip(candidates) {
                        *o += a / n + self.bias[c];
                    }
                    break;
                }
            }
            padded.clear();
        });
        n_words
    }

    /// The best class of `candidates` for `text`, with the margin over the
    /// second best per feature read (0 when there is one candidate or no
    /// feature).
    pub fn best(&self, text: &str, candidates: &[usize]) -> Option<(usize, f32)> {
        let mut scores = Vec::with_capacity(candidates.len());
        let n = self.score(text, candidates, &mut scores);
        if n == 0 {
            return None;
        }
        let mut order: Vec<usize> = (0..candidates.len()).collect();
        order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
        let best = *order.first()?;
        let margin = order
            .get(1)
            .map(|&s| (scores[best] - scores[s]) / n as f32)
            .unwrap_or(0.0);
        Some((candidates[best], margin))
    }

    /// Serialises the model (zstd-compressed).
    pub fn to_bytes(&self) -> anyhow::Result<Vec<u8>> {
        let mut raw = Vec::new();
        raw.extend_from_slice(MAGIC);
        raw.push(self.langs.len() as u8);
        for l in &self.langs {
            raw.push(l.len() as u8);
            raw.extend_from_slice(l.as_bytes());
        }
        for (fl, b) in self.floor.iter().zip(&self.bias) {
            for f in fl.iter().chain([b]) {
                raw.extend_from_slice(&f.to_le_bytes());
            }
        }
        let mut keys: Vec<(u32, (u32, u16))> = self.index.iter().map(|(&h, &r)| (h, r)).collect();
        keys.sort_unstable_by_key(|&(_, (start, _))| start);
        raw.extend_from_slice(&(keys.len() as u32).to_le_bytes());
        for &(h, _) in &keys {
            raw.extend_from_slice(&h.to_le_bytes());
        }
        for &(_, (_, len)) in &keys {
            raw.push(len as u8);
        }
        for &(c, q) in &self.entries {
            raw.push(c);
            raw.push(q);
        }
        let mut enc = zstd::Encoder::new(Vec::new(), 19)?;
        enc.write_all(&raw)?;
        Ok(enc.finish()?)
    }

    /// Reads a model written by [`NgramModel::to_bytes`].
    pub fn from_bytes(bytes: &[u8]) -> anyhow::Result<Self> {
        let mut raw = Vec::new();
        zstd::Decoder::new(bytes)
            .and_then(|mut d| d.read_to_end(&mut raw))
            .context("not a zstd-compressed n-gram model")?;
        let mut cur = Cursor { raw: &raw, pos: 0 };
        let mut take = |n: usize| cur.take(n);
        if take(8)? != MAGIC {
            bail!("not an eurocurate n-gram model (wrong magic); make one with `eurocurate lid train`");
        }
        let n_classes = take(1)?[0] as usize;
        let mut langs = Vec::with_capacity(n_classes);
        for _ in 0..n_classes {
            let len = take(1)?[0] as usize;
            langs.push(String::from_utf8(take(len)?.to_vec()).context("class name is not UTF-8")?);
        }
        let mut floor = Vec::with_capacity(n_classes);
        let mut bias = Vec::with_capacity(n_classes);
        for _ in 0..n_classes {
            let mut fl = [0f32; KINDS];
            for f in &mut fl {
                *f = f32::from_le_bytes(take(4)?.try_into().expect("4 bytes"));
            }
            floor.push(fl);
            bias.push(f32::from_le_bytes(take(4)?.try_into().expect("4 bytes")));
        }
        let n_keys = u32::from_le_bytes(take(4)?.try_into().expect("4 bytes")) as usize;
        let hashes: Vec<u32> = take(4 * n_keys)?
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes(c.try_into().expect("4 bytes")))
            .collect();
        let lens = take(n_keys)?.to_vec();
        let total: usize = lens.iter().map(|&l| l as usize).sum();
        let entries: Vec<(u8, u8)> = take(2 * total)?.chunks_exact(2).map(|c| (c[0], c[1])).collect();
        ensure!(
            entries.iter().all(|&(c, _)| (c as usize) < n_classes),
            "n-gram model names a class it does not have; train it again"
        );
        let mut index = FxHashMap::with_capacity_and_hasher(n_keys, Default::default());
        let mut start = 0u32;
        for (h, len) in hashes.into_iter().zip(lens) {
            index.insert(h, (start, len as u16));
            start += len as u32;
        }
        Ok(Self {
            langs,
            floor,
            bias,
            index,
            entries,
        })
    }
}

/// Reads the serialised model front to back.
struct Cursor<'a> {
    raw: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> anyhow::Result<&'a [u8]> {
        let Some(s) = self.raw.get(self.pos..self.pos + n) else {
            bail!(
                "n-gram model is truncated at byte {}; train it again with `eurocurate lid train`",
                self.pos
            )
        };
        self.pos += n;
        Ok(s)
    }
}

fn quantise(lp: f32) -> u8 {
    (-lp / STEP).round().clamp(0.0, 255.0) as u8
}

fn dequantise(q: u8) -> f32 {
    -(q as f32) * STEP
}
