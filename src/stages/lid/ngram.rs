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
//!
//! Scoring runs for most documents of a crawl, so it works on the bytes:
//! words are lower-cased straight into a UTF-8 buffer (a table for the
//! Latin, Greek and Cyrillic blocks instead of the general Unicode path),
//! features are hashed from that buffer in place, and the features live in
//! an open-addressing table ([`FeatureIndex`]) where a lookup touches one
//! cache line for the key and one for its classes.

use std::io::{Read, Write};

use anyhow::{bail, ensure, Context};
use rustc_hash::FxHashMap;

#[path = "ngram_index.rs"]
mod index;
#[path = "ngram_word.rs"]
mod word;

use index::FeatureIndex;
use word::{scan_words, Scanner, Word, MAX_CHARS};

/// Feature kinds: 0 is a whole word, 1..=MAX_ORDER a character n-gram.
pub const MAX_ORDER: usize = 5;
/// Number of feature kinds.
pub const KINDS: usize = MAX_ORDER + 1;
const MAGIC: &[u8; 8] = b"ECNGRAM2";
/// Quantisation step of the stored log-probabilities (nats).
const STEP: f32 = 0.1;
/// Characters of a word that are read (longer words are cut).
const WORD_CHARS: usize = 64;
/// Characters of a word that its whole-word hash reads.
const HASHED_CHARS: usize = 63;

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
    /// Feature hash → its (class, quantised −log-probability) entries.
    index: FeatureIndex,
}

/// Calls `f(word)` for every word of `text`: letters with inner apostrophes
/// and hyphens, lowercased, at most 64 characters.
pub fn words(text: &str, mut f: impl FnMut(&[char])) {
    let mut chars: Vec<char> = Vec::with_capacity(WORD_CHARS + 4);
    scan_words(text, |w| {
        chars.clear();
        chars.extend(w.word().chars());
        f(&chars);
    });
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

/// Hash of a feature: its kind byte, then the UTF-8 of its first 63
/// characters (what [`Word`] hashes straight from its buffer).
fn hash(kind: u8, chars: &[char], buf: &mut [u8; 256]) -> u32 {
    buf[0] = kind;
    let mut len = 1;
    for &c in chars.iter().take(HASHED_CHARS) {
        len += c.encode_utf8(&mut buf[len..]).len();
    }
    xxhash_rust::xxh3::xxh3_64(&buf[..len]) as u32
}

/// Calls `f(kind, hash)` for every feature of every word of `text`.
pub fn features(text: &str, mut f: impl FnMut(usize, u32)) {
    scan_words(text, |w| {
        f(0, w.word_hash());
        for n in (1..=MAX_ORDER).rev() {
            for j in w.windows(n) {
                f(n, w.gram_hash(n, j));
            }
        }
    });
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

/// Buffers of one [`NgramModel::score`] call, per candidate.
struct Scoring<'m> {
    index: &'m FeatureIndex,
    /// Class → candidate position, `u8::MAX` for other classes.
    slot: [u8; 256],
    /// Floor per kind and candidate (`floor[kind * n + i]`).
    floor: Vec<f32>,
    bias: Vec<f32>,
    acc: Vec<f32>,
    /// Features of one kind of one word: their hashes, then their entries.
    grams: Vec<u32>,
    found: Vec<(u32, u32)>,
}

impl Scoring<'_> {
    /// True when one of `entries` belongs to a candidate.
    fn known(&self, entries: &[(u8, u8)]) -> bool {
        entries.iter().any(|&(c, _)| self.slot[c as usize] != u8::MAX)
    }

    /// Adds one word's score to `out`: HeLI's back-off, as documented on
    /// [`NgramModel::score`]. The additions happen in the same order as
    /// the straightforward loop over candidates (floor first, then the
    /// known entries of each feature), so the scores are bit for bit
    /// those of that loop.
    fn word(&mut self, p: &mut Pending, out: &mut [f32]) {
        let whole = p.entries.expect("looked up");
        if p.known {
            self.found.clear();
            self.found.push(whole);
            self.add(0, out);
            return;
        }
        for kind in (1..=MAX_ORDER).rev() {
            self.found.clear();
            if kind == MAX_ORDER && p.grams_ready {
                // Hashed and requested while the word waited.
                for &h in &p.grams[..p.n_grams] {
                    let r = self.index.find(h);
                    self.index.prefetch_entries(r);
                    self.found.push(r);
                }
            } else {
                // All of the kind's lookups in flight at once.
                self.grams.clear();
                for j in p.word.windows(kind) {
                    let h = p.word.gram_hash(kind, j);
                    self.index.prefetch_slot(h);
                    self.grams.push(h);
                }
                for &h in &self.grams {
                    let r = self.index.find(h);
                    self.index.prefetch_entries(r);
                    self.found.push(r);
                }
            }
            if !self.found.is_empty() && self.add(kind, out) {
                return;
            }
        }
    }

    /// Scores the word by the features of `kind` in `found` when one of
    /// them is known to a candidate (always for whole words, known by then,
    /// and for 1-grams, the last resort); returns whether it did.
    fn add(&mut self, kind: usize, out: &mut [f32]) -> bool {
        let n = self.acc.len();
        let floor = &self.floor[kind * n..(kind + 1) * n];
        self.acc.fill(0.0);
        let mut known = false;
        for &r in &self.found {
            for (a, &f) in self.acc.iter_mut().zip(floor) {
                *a += f;
            }
            for &(c, q) in self.index.entries(r) {
                let s = self.slot[c as usize];
                if s != u8::MAX {
                    known = true;
                    self.acc[s as usize] += dequantise(q) - floor[s as usize];
                }
            }
        }
        if !(known || kind == 0 || kind == 1) {
            return false;
        }
        let g = self.found.len() as f32;
        for ((o, a), b) in out.iter_mut().zip(&self.acc).zip(&self.bias) {
            *o += a / g + b;
        }
        true
    }
}

/// Words in flight in [`NgramModel::score`]: the feature table is far
/// larger than the caches, so each lookup is requested some words before
/// it is needed. Word k's slot is requested when it is read; at k +
/// [`LOOK`] its entries; at k + [`CHECK`] it is known whether a candidate
/// knows the word, and if not, the slots of its 5-grams are requested;
/// at k + [`AHEAD`] it is scored.
const AHEAD: usize = 16;
const LOOK: usize = 5;
const CHECK: usize = 10;

/// One word in flight.
struct Pending {
    word: Word,
    hash: u32,
    /// Range of its whole-word entries, once looked up.
    entries: Option<(u32, u32)>,
    /// A candidate knows the whole word.
    known: bool,
    /// Hashes of its 5-grams, when they were computed ahead.
    grams: [u32; MAX_CHARS],
    n_grams: usize,
    grams_ready: bool,
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
        let mut features: Vec<(u32, Vec<(u8, u8)>)> = by_hash.into_iter().collect();
        for (_, v) in &mut features {
            v.sort_unstable();
        }
        let index = FeatureIndex::build(features.len(), |i| features[i].0, |i| &features[i].1)?;
        Ok(Self {
            langs: classes.iter().map(|(l, _)| l.clone()).collect(),
            bias: vec![0.0; floor.len()],
            floor,
            index,
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
        let n = candidates.len();
        out.clear();
        out.resize(n, 0.0);
        let mut sc = Scoring {
            index: &self.index,
            slot: [u8::MAX; 256],
            floor: vec![0.0; KINDS * n],
            bias: candidates.iter().map(|&c| self.bias[c]).collect(),
            acc: vec![0.0; n],
            grams: Vec::with_capacity(WORD_CHARS + 2),
            found: Vec::with_capacity(WORD_CHARS + 2),
        };
        for (i, &c) in candidates.iter().enumerate() {
            sc.slot[c] = i as u8;
            for kind in 0..KINDS {
                sc.floor[kind * n + i] = self.floor[c][kind];
            }
        }
        let mut ring: Vec<Pending> = (0..AHEAD)
            .map(|_| Pending {
                word: Word::new(),
                hash: 0,
                entries: None,
                known: false,
                grams: [0; MAX_CHARS],
                n_grams: 0,
                grams_ready: false,
            })
            .collect();
        let index = &self.index;
        let look = |p: &mut Pending| {
            if p.entries.is_none() {
                let r = index.find(p.hash);
                index.prefetch_entries(r);
                p.entries = Some(r);
            }
        };
        let check = |sc: &Scoring, p: &mut Pending| {
            let r = p.entries.expect("looked up");
            p.known = sc.known(index.entries(r));
            if !p.known && !p.grams_ready {
                p.n_grams = 0;
                for j in p.word.windows(MAX_ORDER) {
                    let h = p.word.gram_hash(MAX_ORDER, j);
                    index.prefetch_slot(h);
                    p.grams[p.n_grams] = h;
                    p.n_grams += 1;
                }
                p.grams_ready = true;
            }
        };
        let mut scanner = Scanner::new(text);
        let mut k = 0;
        loop {
            let p = &mut ring[k % AHEAD];
            if k >= AHEAD {
                sc.word(p, out);
            }
            if !scanner.next_into(&mut p.word) {
                break;
            }
            p.hash = p.word.word_hash();
            index.prefetch_slot(p.hash);
            p.entries = None;
            p.grams_ready = false;
            if k >= LOOK {
                look(&mut ring[(k - LOOK) % AHEAD]);
            }
            if k >= CHECK {
                check(&sc, &mut ring[(k - CHECK) % AHEAD]);
            }
            k += 1;
        }
        // The last words (the loop scored up to word k − AHEAD): the rest
        // of their lookups, then their scores.
        let n_words = k;
        let first = if n_words >= AHEAD { n_words - AHEAD + 1 } else { 0 };
        for j in first..n_words {
            let p = &mut ring[j % AHEAD];
            look(p);
            if j + CHECK >= n_words {
                check(&sc, p);
            }
        }
        for j in first..n_words {
            sc.word(&mut ring[j % AHEAD], out);
        }
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
        let mut enc = zstd::Encoder::new(Vec::new(), 19)?;
        enc.write_all(&self.to_raw())?;
        Ok(enc.finish()?)
    }

    /// The serialised model before compression.
    fn to_raw(&self) -> Vec<u8> {
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
        let features = self.index.sorted();
        raw.extend_from_slice(&(features.len() as u32).to_le_bytes());
        for &(h, _) in &features {
            raw.extend_from_slice(&h.to_le_bytes());
        }
        for (_, e) in &features {
            raw.push(e.len() as u8);
        }
        for (_, e) in &features {
            for &(c, q) in *e {
                raw.push(c);
                raw.push(q);
            }
        }
        raw
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
        let hashes = take(4 * n_keys)?;
        let lens = take(n_keys)?;
        let total: usize = lens.iter().map(|&l| l as usize).sum();
        let flat = take(2 * total)?;
        ensure!(
            flat.chunks_exact(2).all(|e| (e[0] as usize) < n_classes),
            "n-gram model names a class it does not have; train it again"
        );
        let entries: Vec<(u8, u8)> = flat.chunks_exact(2).map(|c| (c[0], c[1])).collect();
        let mut starts = Vec::with_capacity(n_keys + 1);
        starts.push(0usize);
        for &len in lens {
            starts.push(starts[starts.len() - 1] + len as usize);
        }
        let index = FeatureIndex::build(
            n_keys,
            |i| u32::from_le_bytes(hashes[4 * i..4 * i + 4].try_into().expect("4 bytes")),
            |i| &entries[starts[i]..starts[i + 1]],
        )?;
        Ok(Self {
            langs,
            floor,
            bias,
            index,
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

#[cfg(test)]
#[path = "ngram_tests.rs"]
mod tests;
