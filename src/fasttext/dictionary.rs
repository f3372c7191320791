//! The dictionary: words and labels, and how a line of text becomes input
//! rows, exactly as fastText's `Dictionary::getLine` does it: whitespace
//! tokens, the word's row, its character n-grams (`minn..=maxn` characters of
//! `<word>`, hashed into `bucket` rows), word n-grams (`wordNgrams`), the
//! end-of-sentence token `</s>`, and a pruned n-gram index for quantized
//! models with a cutoff.

use std::io::BufRead;

use super::args::Args;
use super::reader::{damaged, FormatError, Reader};

/// The end-of-sentence token fastText adds at every newline.
pub const EOS: &[u8] = b"</s>";
/// Tokens starting with this are labels (fastText's default `-label`, which
/// is not saved in the model file).
pub const LABEL_PREFIX: &[u8] = b"__label__";
/// The bytes fastText splits words on (`Dictionary::readWord`): space,
/// `\n \r \t \v \f` and NUL.
pub const SPACE: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 7 {
        t[b" \n\r\t\x0b\x0c\0"[i] as usize] = true;
        i += 1;
    }
    t
};

/// fastText's word and n-gram hash: 32-bit FNV-1a, except that each byte is
/// sign-extended first (`uint32_t(int8_t(c))`), as the released models were
/// trained with signed `char`.
#[inline]
pub fn fnv_step(h: u32, byte: u8) -> u32 {
    (h ^ (byte as i8 as i32 as u32)).wrapping_mul(16_777_619)
}

/// The FNV offset basis fastText starts from.
pub const FNV_START: u32 = 2_166_136_261;

/// The hash of a whole word.
pub fn hash(word: &[u8]) -> u32 {
    word.iter().fold(FNV_START, |h, &b| fnv_step(h, b))
}

/// Where the n-gram rows of a pruned model are: fastText keeps a hash map
/// from bucket to row, looked up once per n-gram of every word (most of its
/// language-ID time). Here a bitmap says which buckets are kept (a quarter
/// of a byte per bucket: 250 KB for lid.176's 2M buckets), and a kept
/// bucket's *rank* (how many kept buckets come before it: a per-64 count
/// plus a popcount) names its row. The model stores the n-gram rows in rank
/// order ([`PrunedIndex::rows`] says which file row each rank is), so a
/// lookup reads one bitmap word and one count, with no further indirection.
#[derive(Debug, Clone)]
pub struct PrunedIndex {
    bits: Vec<u64>,
    before: Vec<u32>,
    rows: Vec<i32>,
}

impl PrunedIndex {
    /// From (bucket, row) pairs in file order; for a bucket that appears
    /// twice the later pair wins, as in fastText's map.
    fn new(mut pairs: Vec<(i32, i32)>, bucket: i32) -> Result<PrunedIndex, FormatError> {
        for &(b, r) in &pairs {
            if b < 0 || b >= bucket || r < 0 {
                return Err(damaged(format!(
                    "pruned index maps bucket {b} to row {r}, outside 0..{bucket}"
                )));
            }
        }
        // Stable: among equal buckets the last in file order is last.
        pairs.sort_by_key(|&(b, _)| b);
        let mut kept: Vec<(i32, i32)> = Vec::with_capacity(pairs.len());
        for p in pairs {
            match kept.last_mut() {
                Some(last) if last.0 == p.0 => *last = p,
                _ => kept.push(p),
            }
        }
        let words = (bucket as usize).div_ceil(64);
        let mut bits = vec![0u64; words];
        for &(b, _) in &kept {
            bits[b as usize / 64] |= 1 << (b % 64);
        }
        let mut before = Vec::with_capacity(words);
        let mut seen = 0u32;
        for w in &bits {
            before.push(seen);
            seen += w.count_ones();
        }
        Ok(PrunedIndex {
            bits,
            before,
            rows: kept.into_iter().map(|(_, r)| r).collect(),
        })
    }

    /// Whether `bucket` is kept, and its rank if so (any value if not);
    /// without a branch, so a word's lookups overlap in the CPU.
    #[inline(always)]
    fn rank(&self, bucket: u32) -> (bool, u32) {
        let at = (bucket / 64) as usize;
        let (word, before) = (self.bits[at], self.before[at]);
        let bit = bucket % 64;
        let below = (word & ((1u64 << bit) - 1)).count_ones();
        ((word >> bit) & 1 == 1, before + below)
    }

    /// The n-gram row (after the words) the model file gives each rank.
    pub fn rows(&self) -> &[i32] {
        &self.rows
    }

    /// The largest row it maps to.
    fn max_row(&self) -> Option<i32> {
        self.rows.iter().copied().max()
    }
}

/// Which n-gram buckets have rows.
#[derive(Debug, Clone)]
enum Buckets {
    /// Every bucket: row `nwords + bucket`.
    All,
    /// None (a model pruned to words only).
    None,
    /// Those of the pruned index: row `nwords + rank`, the model keeping
    /// its n-gram rows in rank order (see [`PrunedIndex`]).
    Pruned(PrunedIndex),
}

/// A model's dictionary.
#[derive(Debug, Clone)]
pub struct Dictionary {
    /// Words, then labels (the table's ids index this).
    words: Vec<Box<[u8]>>,
    nwords: i32,
    labels: Vec<String>,
    label_counts: Vec<i64>,
    /// fastText's open-addressing table `word2int`, probed from
    /// `hash % len` (same size and insertion order, so the same ids); each
    /// slot keeps its word's hash, so a probe compares bytes only when the
    /// hashes are equal.
    table: Vec<Slot>,
    /// `% table.len()` without a division.
    table_mod: FastMod,
    /// Each word's input rows (itself and its character n-grams), flat.
    subwords: Vec<i32>,
    subword_starts: Vec<u32>,
    buckets: Buckets,
    eos: i32,
    eos_hash: u32,
    minn: i32,
    maxn: i32,
    bucket: i32,
    /// `% bucket` for 32-bit n-gram hashes without a division.
    bucket_mod: FastMod,
    word_ngrams: i32,
}

/// One slot of the word table: the word's id (-1: empty) and its hash.
#[derive(Debug, Clone, Copy)]
struct Slot {
    id: i32,
    hash: u32,
}

const EMPTY: Slot = Slot { id: -1, hash: 0 };

/// Lemire's "faster remainder by direct computation" (`fastmod_u32`):
/// `a % d` for any 32-bit `a` and `d > 0` from two multiplications; exact.
#[derive(Debug, Clone, Copy)]
struct FastMod {
    d: u32,
    m: u64,
}

impl FastMod {
    fn new(d: u32) -> FastMod {
        let d = d.max(1);
        FastMod {
            d,
            m: (u64::MAX / d as u64).wrapping_add(1),
        }
    }

    #[inline]
    fn rem(self, a: u32) -> u32 {
        let low = self.m.wrapping_mul(a as u64);
        ((low as u128 * self.d as u128) >> 64) as u32
    }
}

/// Reusable buffers for turning a line into rows.
#[derive(Debug, Default, Clone)]
pub struct LineScratch {
    /// The input rows of the line (what fastText averages).
    pub rows: Vec<i32>,
    hashes: Vec<i32>,
    wrapped: Vec<u8>,
    buckets: Vec<u32>,
}

impl Dictionary {
    /// Reads the dictionary section.
    pub fn read<R: BufRead>(r: &mut Reader<R>, args: &Args) -> Result<Dictionary, FormatError> {
        let size = r.count32("dictionary size")?;
        let nwords = r.count32("word count")?;
        let nlabels = r.count32("label count")?;
        r.i64("token count")?;
        let pruned = r.i64("pruned index size")?;
        if nwords.checked_add(nlabels) != Some(size) {
            return Err(damaged(format!(
                "the dictionary has {size} entries but {nwords} words and {nlabels} labels"
            )));
        }
        // Each entry takes at least 10 bytes (NUL, count, type).
        if size as u64 * 10 > r.left() {
            return Err(damaged(format!(
                "the dictionary declares {size} entries, more than the {} bytes left can hold",
                r.left()
            )));
        }
        let mut labels = Vec::with_capacity(nlabels);
        let mut label_counts = Vec::with_capacity(nlabels);
        let mut all = Vec::with_capacity(size);
        for i in 0..size {
            let what = format!("dictionary entry {i} of {size}");
            let word = r.cstring(&what)?;
            let count = r.i64(&what)?;
            let kind = r.u8(&what)?;
            let expected = if i < nwords { 0 } else { 1 };
            if kind != expected {
                return Err(damaged(format!(
                    "{what} has type {kind}; words (0) must come before labels (1)"
                )));
            }
            if i >= nwords {
                labels.push(String::from_utf8_lossy(&word).into_owned());
                label_counts.push(count);
            }
            all.push(word.into_boxed_slice());
        }
        let buckets = if pruned < 0 {
            Buckets::All
        } else if pruned == 0 {
            Buckets::None
        } else {
            let n = usize::try_from(pruned).map_err(|_| damaged("pruned index size overflows"))?;
            if n as u64 * 8 > r.left() {
                return Err(damaged(format!(
                    "the pruned index declares {n} entries, more than the {} bytes left can hold",
                    r.left()
                )));
            }
            let mut pairs = Vec::with_capacity(n);
            for _ in 0..n {
                let b = r.i32("pruned index")?;
                let row = r.i32("pruned index")?;
                pairs.push((b, row));
            }
            Buckets::Pruned(PrunedIndex::new(pairs, args.bucket)?)
        };
        // word2int: ceil(size / 0.7) slots, entries inserted in file order.
        let slots = (size as f64 / 0.7).ceil() as usize;
        let mut table = vec![EMPTY; slots];
        let table_mod = FastMod::new(slots as u32);
        for (i, w) in all.iter().enumerate() {
            let h = hash(w);
            let slot = probe(&table, table_mod, &all, w, h);
            table[slot] = Slot { id: i as i32, hash: h };
        }
        let mut d = Dictionary {
            words: all,
            nwords: nwords as i32,
            labels,
            label_counts,
            table,
            table_mod,
            subwords: Vec::new(),
            subword_starts: Vec::new(),
            buckets,
            eos: -1,
            eos_hash: hash(EOS),
            minn: args.minn,
            maxn: args.maxn,
            bucket: args.bucket,
            bucket_mod: FastMod::new(args.bucket.max(1) as u32),
            word_ngrams: args.word_ngrams,
        };
        d.eos = d.find(EOS, d.eos_hash);
        d.init_subwords();
        Ok(d)
    }

    /// Precomputes each word's rows (fastText's `initNgrams`).
    fn init_subwords(&mut self) {
        let mut subwords = Vec::new();
        let mut starts = Vec::with_capacity(self.nwords as usize + 1);
        let (mut wrapped, mut buckets) = (Vec::new(), Vec::new());
        for i in 0..self.nwords as usize {
            starts.push(subwords.len() as u32);
            subwords.push(i as i32);
            if &*self.words[i] != EOS {
                wrap(&self.words[i], &mut wrapped);
                self.char_ngrams(&wrapped, &mut buckets, &mut subwords);
            }
        }
        starts.push(subwords.len() as u32);
        self.subwords = subwords;
        self.subword_starts = starts;
    }

    /// The labels, in the model's order.
    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    /// How often each label occurred in training (the Huffman tree's weights).
    pub fn label_counts(&self) -> &[i64] {
        &self.label_counts
    }

    /// The input rows this dictionary can refer to: at least this many rows
    /// must be in the input matrix.
    pub fn rows_needed(&self) -> u64 {
        let ngram_rows = match &self.buckets {
            Buckets::All if self.uses_buckets() => self.bucket as u64,
            Buckets::All | Buckets::None => 0,
            Buckets::Pruned(p) => p.max_row().map_or(0, |m| m as u64 + 1),
        };
        self.nwords as u64 + ngram_rows
    }

    /// Whether any n-gram row can be asked for.
    fn uses_buckets(&self) -> bool {
        self.maxn > 0 || self.word_ngrams > 1
    }

    /// Whether the n-grams go through a pruned index (quantized with cutoff).
    pub fn is_pruned(&self) -> bool {
        !matches!(self.buckets, Buckets::All)
    }

    /// The pruned index, whose rank order the model's n-gram rows must be
    /// put in; `None` when every bucket has its own row.
    pub fn pruned_index(&self) -> Option<&PrunedIndex> {
        match &self.buckets {
            Buckets::Pruned(p) => Some(p),
            _ => None,
        }
    }

    /// How many words the dictionary has (the first input rows).
    pub fn nwords(&self) -> usize {
        self.nwords as usize
    }

    /// The id of `word` (-1 when absent).
    #[inline]
    fn find(&self, word: &[u8], h: u32) -> i32 {
        if self.table.is_empty() {
            return -1;
        }
        self.table[probe(&self.table, self.table_mod, &self.words, word, h)].id
    }

    /// Appends the row of n-gram bucket `id` (fastText's `pushHash`).
    #[inline]
    fn push_bucket(&self, rows: &mut Vec<i32>, id: u32) {
        match &self.buckets {
            Buckets::All => rows.push(self.nwords + id as i32),
            Buckets::None => {}
            Buckets::Pruned(p) => {
                let (kept, rank) = p.rank(id);
                if kept {
                    rows.push(self.nwords + rank as i32);
                }
            }
        }
    }

    /// The character n-gram rows of `<word>` (`computeSubwords`): n-grams of
    /// `minn..=maxn` characters (UTF-8 sequences kept whole), except the
    /// single `<` and `>`. The hash grows with the n-gram, so each byte is
    /// hashed once per start position. The buckets are computed first
    /// (into `buckets`) and looked up after, without branches, so the
    /// lookups of a word (cache misses, mostly) run side by side.
    fn char_ngrams(&self, w: &[u8], buckets: &mut Vec<u32>, rows: &mut Vec<i32>) {
        #[cfg(target_arch = "x86_64")]
        if is_x86_feature_detected!("popcnt") {
            // SAFETY: the CPU has the instruction (the detection is cached by std).
            return unsafe { self.char_ngrams_popcnt(w, buckets, rows) };
        }
        self.char_ngrams_any(w, buckets, rows)
    }

    /// [`Self::char_ngrams`] with the rank's popcount as one instruction:
    /// the binary targets any x86-64, whose baseline lacks it, and the
    /// emulated count was a third of this function's time.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "popcnt")]
    unsafe fn char_ngrams_popcnt(&self, w: &[u8], buckets: &mut Vec<u32>, rows: &mut Vec<i32>) {
        self.char_ngrams_any(w, buckets, rows)
    }

    #[inline(always)]
    fn char_ngrams_any(&self, w: &[u8], buckets: &mut Vec<u32>, rows: &mut Vec<i32>) {
        if self.maxn <= 0 || self.bucket <= 0 {
            return;
        }
        buckets.clear();
        let (minn, maxn) = (self.minn, self.maxn);
        for i in 0..w.len() {
            if w[i] & 0xC0 == 0x80 {
                continue;
            }
            let mut h = FNV_START;
            let mut j = i;
            let mut n = 1;
            while j < w.len() && n <= maxn {
                h = fnv_step(h, w[j]);
                j += 1;
                while j < w.len() && w[j] & 0xC0 == 0x80 {
                    h = fnv_step(h, w[j]);
                    j += 1;
                }
                if n >= minn && !(n == 1 && (i == 0 || j == w.len())) {
                    buckets.push(self.bucket_mod.rem(h));
                }
                n += 1;
            }
        }
        match &self.buckets {
            Buckets::All => rows.extend(buckets.iter().map(|&b| self.nwords + b as i32)),
            Buckets::None => {}
            Buckets::Pruned(p) => {
                // Every rank is written, only the kept ones advance `at`.
                let start = rows.len();
                rows.resize(start + buckets.len(), 0);
                let mut at = start;
                for &b in buckets.iter() {
                    let (kept, rank) = p.rank(b);
                    rows[at] = self.nwords.wrapping_add(rank as i32);
                    at += kept as usize;
                }
                rows.truncate(at);
            }
        }
    }

    /// The input rows of one line of `text` into `s.rows`, as fastText reads
    /// a line for prediction: whitespace-separated tokens up to the first
    /// newline (or a literal `</s>`), then the end-of-sentence token, which
    /// `fasttext predict` and the Python `predict` always add.
    pub fn line(&self, text: &[u8], s: &mut LineScratch) {
        s.rows.clear();
        s.hashes.clear();
        let end = memchr::memchr(b'\n', text).unwrap_or(text.len());
        let mut rest = &text[..end];
        while let Some(start) = rest.iter().position(|&b| !SPACE[b as usize]) {
            let stop = rest[start..]
                .iter()
                .position(|&b| SPACE[b as usize])
                .map_or(rest.len(), |p| start + p);
            let token = &rest[start..stop];
            rest = &rest[stop..];
            if self.token(token, s) {
                return self.word_ngrams(s);
            }
        }
        self.token(EOS, s);
        self.word_ngrams(s)
    }

    /// Adds one token's rows; true when it ends the line (`</s>`).
    #[inline]
    fn token(&self, token: &[u8], s: &mut LineScratch) -> bool {
        let h = if token == EOS { self.eos_hash } else { hash(token) };
        let wid = if token == EOS { self.eos } else { self.find(token, h) };
        let is_word = if wid < 0 {
            !token.starts_with(LABEL_PREFIX)
        } else {
            wid < self.nwords
        };
        if is_word {
            if wid < 0 {
                if token != EOS {
                    wrap(token, &mut s.wrapped);
                    self.char_ngrams(&s.wrapped, &mut s.buckets, &mut s.rows);
                }
            } else if self.maxn <= 0 {
                s.rows.push(wid);
            } else {
                let (a, b) = (
                    self.subword_starts[wid as usize] as usize,
                    self.subword_starts[wid as usize + 1] as usize,
                );
                s.rows.extend_from_slice(&self.subwords[a..b]);
            }
            s.hashes.push(h as i32);
        }
        token == EOS
    }

    /// Word n-gram rows (`addWordNgrams`): the hashes of `wordNgrams`
    /// consecutive tokens combined with fastText's 116049371 multiplier, in
    /// 64 bits from the sign-extended 32-bit word hashes.
    fn word_ngrams(&self, s: &mut LineScratch) {
        if self.word_ngrams <= 1 || self.bucket <= 0 {
            return;
        }
        let n = self.word_ngrams as usize;
        let bucket = self.bucket as u64;
        let hashes = &s.hashes;
        for i in 0..hashes.len() {
            let mut h = hashes[i] as i64 as u64;
            for &next in &hashes[i + 1..hashes.len().min(i + n)] {
                h = h.wrapping_mul(116_049_371).wrapping_add(next as i64 as u64);
                self.push_bucket(&mut s.rows, (h % bucket) as u32);
            }
        }
    }
}

/// `<word>`: fastText's begin- and end-of-word markers around the bytes.
fn wrap(word: &[u8], out: &mut Vec<u8>) {
    out.clear();
    out.push(b'<');
    out.extend_from_slice(word);
    out.push(b'>');
}

/// The slot of `word` in `table`: its own, or the first empty one after
/// `hash % len` (linear probing, as `Dictionary::find`). `h` is the hash
/// of `word`, so a slot with another hash holds another word.
#[inline]
fn probe(table: &[Slot], len_mod: FastMod, words: &[Box<[u8]>], word: &[u8], h: u32) -> usize {
    let mut id = len_mod.rem(h) as usize;
    loop {
        let slot = table[id];
        if slot.id == -1 || (slot.hash == h && &*words[slot.id as usize] == word) {
            return id;
        }
        id += 1;
        if id == table.len() {
            id = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::FastMod;

    #[test]
    fn fast_remainder_equals_the_remainder() {
        let mut x = 0x9E37_79B9u32;
        for d in [1u32, 2, 3, 7, 2_000, 2_000_000, 10_000_019, u32::MAX - 1, u32::MAX] {
            let f = FastMod::new(d);
            for a in [0u32, 1, d - 1, d, d.wrapping_add(1), u32::MAX, u32::MAX - 1] {
                assert_eq!(f.rem(a), a % d, "{a} % {d}");
            }
            for _ in 0..10_000 {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                assert_eq!(f.rem(x), x % d, "{x} % {d}");
            }
        }
    }
}
