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
use std::ops::Range;
use std::sync::OnceLock;

use anyhow::{bail, ensure, Context};
use rustc_hash::FxHashMap;

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

/// Room for a word: [`WORD_CHARS`] characters, the last of which may
/// lower-case to three, and the two padding spaces.
const MAX_CHARS: usize = WORD_CHARS + 2 + 2;

/// One lower-cased word as UTF-8, laid out so that every feature can be
/// hashed straight from the buffer: a spare byte, a space, the word, a
/// space. The hash of a feature covers its kind byte followed by its text,
/// so the byte just before the feature is set to the kind for the hash and
/// restored after it.
struct Word {
    bytes: [u8; 4 * MAX_CHARS + 1],
    /// Byte offset of padded character `j` (0 is the leading space); one
    /// more entry for the end of the trailing space.
    offs: [u16; MAX_CHARS + 1],
    /// Characters of the word, without the padding.
    chars: usize,
}

impl Word {
    fn new() -> Self {
        let mut w = Word {
            bytes: [0; 4 * MAX_CHARS + 1],
            offs: [0; MAX_CHARS + 1],
            chars: 0,
        };
        w.clear();
        w
    }

    fn clear(&mut self) {
        self.bytes[1] = b' ';
        self.offs[0] = 1;
        self.offs[1] = 2;
        self.chars = 0;
    }

    /// End of the word's bytes (start of the trailing space).
    fn end(&self) -> usize {
        self.offs[self.chars + 1] as usize
    }

    fn push(&mut self, c: char) {
        let at = self.end();
        let len = c.encode_utf8(&mut self.bytes[at..]).len();
        self.chars += 1;
        self.offs[self.chars + 1] = (at + len) as u16;
    }

    /// Drops trailing apostrophes and hyphens.
    fn trim_end(&mut self) {
        while self.chars > 0 && matches!(self.bytes[self.end() - 1], b'\'' | b'-') {
            self.chars -= 1;
        }
    }

    /// Writes the trailing space (after the last [`Word::push`]).
    fn finish(&mut self) {
        let at = self.end();
        self.bytes[at] = b' ';
        self.offs[self.chars + 2] = (at + 1) as u16;
    }

    /// The word (without padding).
    fn word(&self) -> &str {
        // The buffer only ever receives whole characters from `encode_utf8`.
        std::str::from_utf8(&self.bytes[2..self.end()]).expect("a word is UTF-8")
    }

    /// Hash of `bytes[from..to]` preceded by `kind`.
    fn hash_at(&mut self, kind: u8, from: usize, to: usize) -> u32 {
        let saved = self.bytes[from - 1];
        self.bytes[from - 1] = kind;
        let h = xxhash_rust::xxh3::xxh3_64(&self.bytes[from - 1..to]) as u32;
        self.bytes[from - 1] = saved;
        h
    }

    /// Hash of the whole word (kind 0; its first [`HASHED_CHARS`] characters).
    fn word_hash(&mut self) -> u32 {
        let to = self.offs[1 + self.chars.min(HASHED_CHARS)] as usize;
        self.hash_at(0, 2, to)
    }

    /// Start positions (in padded characters) of the `n`-grams of the
    /// padded word; for `n` = 1 the padding spaces are left out.
    fn windows(&self, n: usize) -> Range<usize> {
        if n == 1 {
            1..self.chars + 1
        } else {
            0..(self.chars + 3).saturating_sub(n)
        }
    }

    /// Hash of the `n`-gram that starts at padded character `j`.
    fn gram_hash(&mut self, n: usize, j: usize) -> u32 {
        let (from, to) = (self.offs[j] as usize, self.offs[j + n] as usize);
        self.hash_at(n as u8, from, to)
    }
}

/// Per character below [`FAST_CHARS`]: bit 31 set when alphabetic, bit 30
/// set when its lower case is more than one character, else the lower case.
fn char_table() -> &'static [u32; FAST_CHARS] {
    static TABLE: OnceLock<Box<[u32; FAST_CHARS]>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut t = Box::new([0u32; FAST_CHARS]);
        for (i, slot) in t.iter_mut().enumerate() {
            let c = char::from_u32(i as u32).unwrap_or('\0');
            let mut lower = c.to_lowercase();
            let first = lower.next().unwrap_or(c);
            let multi = lower.next().is_some();
            *slot = first as u32 | (u32::from(c.is_alphabetic()) << 31) | (u32::from(multi) << 30);
        }
        t
    })
}

/// Characters covered by [`char_table`]: Latin-1, Latin Extended-A and -B,
/// IPA, Greek and Cyrillic.
const FAST_CHARS: usize = 0x530;
const ALPHA: u32 = 1 << 31;
const MULTI: u32 = 1 << 30;

/// Calls `f(word)` for every word of `text` (see [`words`]); the word is
/// finished (padded) when `f` sees it.
fn scan_words(text: &str, mut f: impl FnMut(&mut Word)) {
    let mut scanner = Scanner::new(text);
    let mut word = Word::new();
    while scanner.next_into(&mut word) {
        f(&mut word);
    }
}

/// Reads the words of a text one at a time (see [`words`]).
struct Scanner<'t> {
    chars: std::str::Chars<'t>,
    table: &'static [u32; FAST_CHARS],
}

impl<'t> Scanner<'t> {
    fn new(text: &'t str) -> Self {
        Scanner {
            chars: text.chars(),
            table: char_table(),
        }
    }

    /// Reads the next word into `word` (finished), or returns false at the
    /// end of the text.
    fn next_into(&mut self, word: &mut Word) -> bool {
        word.clear();
        for c in self.chars.by_ref() {
            let c = if c == '’' || c == 'ʼ' { '\'' } else { c };
            let letter = if c.is_ascii() {
                if c.is_ascii_alphabetic() || ((c == '\'' || c == '-') && word.chars > 0) {
                    if word.chars < WORD_CHARS {
                        word.push(c.to_ascii_lowercase());
                    }
                    true
                } else {
                    false
                }
            } else if (c as usize) < FAST_CHARS {
                let t = self.table[c as usize];
                if t & ALPHA != 0 && word.chars < WORD_CHARS {
                    match char::from_u32(t & !(ALPHA | MULTI)) {
                        Some(l) if t & MULTI == 0 => word.push(l),
                        _ => c.to_lowercase().for_each(|l| word.push(l)),
                    }
                }
                t & ALPHA != 0
            } else if c.is_alphabetic() {
                if word.chars < WORD_CHARS {
                    c.to_lowercase().for_each(|l| word.push(l));
                }
                true
            } else {
                false
            };
            if !letter {
                word.trim_end();
                if word.chars > 0 {
                    word.finish();
                    return true;
                }
                word.clear();
            }
        }
        word.trim_end();
        if word.chars > 0 {
            word.finish();
            return true;
        }
        false
    }
}

/// Feature hash → entries, as an open-addressing table with linear probing.
/// `slots[s + 1]` holds the key in slot `s` and the end of its entries;
/// its entries start where those of slot `s − 1` end (`slots[0]` is the
/// start of slot 0's), so the entries lie in slot order and a slot is empty
/// when its range is. Keys are hashes already: their low bits pick the slot.
#[derive(Debug, Clone)]
struct FeatureIndex {
    slots: Vec<(u32, u32)>,
    mask: usize,
    /// (class, quantised −log-probability), in slot order.
    entries: Vec<(u8, u8)>,
}

impl FeatureIndex {
    /// Builds the table from `n` features, the `i`-th with hash
    /// `hash_of(i)` and entries `entries_of(i)`; hashes without entries are
    /// left out (they change no score), a repeated hash is an error.
    fn build<'a>(
        n: usize,
        hash_of: impl Fn(usize) -> u32,
        entries_of: impl Fn(usize) -> &'a [(u8, u8)],
    ) -> anyhow::Result<Self> {
        ensure!(
            n < u32::MAX as usize / 2,
            "n-gram model has {n} features, more than this build can index"
        );
        // At most two thirds full: short probe runs, one cache line.
        let cap = (n * 3 / 2 + 1).next_power_of_two().max(16);
        let mask = cap - 1;
        // First the keys, each with its feature's number + 1 (0: empty)...
        let mut slots = huge_vec(cap + 1);
        slots.resize(cap + 1, (0u32, 0u32));
        let mut total = 0usize;
        for i in 0..n {
            let (h, e) = (hash_of(i), entries_of(i));
            if e.is_empty() {
                continue;
            }
            let mut s = h as usize & mask;
            while slots[s + 1].1 != 0 {
                ensure!(
                    slots[s + 1].0 != h,
                    "n-gram model lists feature {h:#010x} twice; it is damaged, train it again"
                );
                s = (s + 1) & mask;
            }
            slots[s + 1] = (h, i as u32 + 1);
            total += e.len();
        }
        ensure!(
            total < u32::MAX as usize,
            "n-gram model has {total} entries, more than this build can index"
        );
        // ...then the entries in slot order, each slot with where its entries end.
        let mut entries = huge_vec(total);
        for slot in &mut slots[1..] {
            if slot.1 != 0 {
                entries.extend_from_slice(entries_of(slot.1 as usize - 1));
            }
            slot.1 = entries.len() as u32;
        }
        Ok(Self { slots, mask, entries })
    }

    /// Range in `entries` of the features of `h` (empty when the table
    /// does not have it).
    #[inline]
    fn find(&self, h: u32) -> (u32, u32) {
        let mut s = h as usize & self.mask;
        loop {
            let (k, end) = self.slots[s + 1];
            let start = self.slots[s].1;
            if start == end || k == h {
                return (start, if k == h { end } else { start });
            }
            s = (s + 1) & self.mask;
        }
    }

    /// Entries of a range from [`FeatureIndex::find`].
    #[inline]
    fn entries(&self, (start, end): (u32, u32)) -> &[(u8, u8)] {
        &self.entries[start as usize..end as usize]
    }

    /// Entries of slot `s`.
    fn entries_of(&self, s: usize) -> &[(u8, u8)] {
        self.entries((self.slots[s].1, self.slots[s + 1].1))
    }

    /// Asks the CPU to load the slot of `h` ahead of [`FeatureIndex::find`].
    #[inline]
    fn prefetch_slot(&self, h: u32) {
        prefetch(self.slots.as_ptr().wrapping_add(h as usize & self.mask));
    }

    /// Asks the CPU to load the entries of a range ahead of their use.
    #[inline]
    fn prefetch_entries(&self, (start, _): (u32, u32)) {
        prefetch(self.entries.as_ptr().wrapping_add(start as usize));
    }

    /// Every (hash, entries), in hash order.
    fn sorted(&self) -> Vec<(u32, &[(u8, u8)])> {
        let mut v: Vec<(u32, &[(u8, u8)])> = (0..self.slots.len() - 1)
            .map(|s| (self.slots[s + 1].0, self.entries_of(s)))
            .filter(|(_, e)| !e.is_empty())
            .collect();
        v.sort_unstable_by_key(|&(h, _)| h);
        v
    }
}

/// An empty vector with room for `cap` items, which Linux is asked to back
/// with 2 MB pages where it can (before they are first written): the
/// feature table is read at random, and with 4 KB pages most lookups would
/// miss the TLB as well as the caches.
fn huge_vec<T>(cap: usize) -> Vec<T> {
    let v = Vec::with_capacity(cap);
    #[cfg(target_os = "linux")]
    {
        const HUGE: usize = 2 << 20;
        let start = (v.as_ptr() as usize).next_multiple_of(HUGE);
        let end = (v.as_ptr() as usize + cap * std::mem::size_of::<T>()) / HUGE * HUGE;
        if end > start {
            // SAFETY: advice on whole pages inside the vector's allocation;
            // it changes how they are backed, never what they hold.
            unsafe { libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_HUGEPAGE) };
        }
    }
    v
}

/// A hint to load the cache line of `p`; memory latency, not computing,
/// is what scoring waits for.
#[inline]
fn prefetch<T>(p: *const T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch is a hint; it never faults, whatever the address.
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(p.cast())
    };
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
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
