//! The benchmark index: every item's n-gram hashes with the items that hold
//! them, as two flat sorted arrays (8-byte hash, 4-byte item) behind a
//! 65,536-bucket table. 12 bytes per (n-gram, item) pair, no per-entry
//! allocation, and a lookup is one bucket read plus a binary search over the
//! few entries of one bucket.
//!
//! The hash space is cut into `shards` contiguous ranges (one for an index
//! built in memory); each range has its own arrays and bucket table, so a
//! large benchmark set is built one range per task with bounded memory, and
//! read back memory-mapped ([`super::shards`]).

use super::items::Item;
use super::ngrams::{for_each_gram, Words};
use super::shards::Mapped;

pub const BUCKET_BITS: u32 = 16;

/// The shard (hash range) of `h` among `shards`, and its bucket there: the
/// high and low 64 bits of `h × shards`, so both grow with `h` and the
/// arrays of a shard stay sorted by bucket.
#[inline]
pub fn place(h: u64, shards: u64) -> (usize, usize) {
    let x = h as u128 * shards as u128;
    ((x >> 64) as usize, ((x as u64) >> (64 - BUCKET_BITS)) as usize)
}

/// Who an item is, for counters, rejections and findings.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemInfo {
    pub benchmark: u32,
    pub lang: u32,
    pub id: String,
    /// Distinct n-grams of the item in the index (1 for a short item matched whole).
    pub ngrams: u32,
    /// Words of the item (passage, question, answer).
    pub words: u32,
    /// The item this entry is a view of (itself, or the printed form of a
    /// multiple-choice item: question followed by every choice).
    pub canonical: u32,
}

/// What building the index found, for the run's counters and the bench.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IndexStats {
    pub items: u64,
    /// Items with fewer than `min_words` words: too short to tell a leak from chance.
    pub items_too_short: u64,
    /// Items shorter than n words, matched by their whole text.
    pub items_whole: u64,
    /// (n-gram, item) pairs kept.
    pub entries: u64,
    /// Distinct n-gram hashes kept.
    pub distinct_ngrams: u64,
    /// Distinct n-grams dropped because more than `max_items_per_ngram` items hold them (templates).
    pub common_ngrams: u64,
}

/// An item of the index, borrowed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ItemRef<'a> {
    pub benchmark: u32,
    pub lang: u32,
    pub id: &'a str,
    pub ngrams: u32,
    pub words: u32,
    pub canonical: u32,
}

/// Settings of an index build.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct IndexParams {
    pub n: usize,
    pub min_words: usize,
    pub max_items_per_ngram: usize,
}

/// One hash range of the index.
pub struct Shard {
    /// Sorted n-gram hashes, one per (n-gram, item) pair.
    pub hashes: Vec<u64>,
    /// The item of each entry of `hashes`.
    pub owners: Vec<u32>,
    /// `buckets[b]..buckets[b + 1]` are the entries of bucket `b`.
    pub buckets: Vec<u32>,
}

/// Where the arrays and item records live.
pub(super) enum Store {
    Memory { shard: Shard, items: Vec<ItemInfo> },
    Mapped(Mapped),
}

/// The n-grams of every benchmark item.
pub struct Index {
    pub params: IndexParams,
    pub benchmarks: Vec<String>,
    pub langs: Vec<String>,
    pub(super) store: Store,
    /// Gram lengths other than n some item uses (items shorter than n
    /// matched whole, short items with shorter grams), ascending.
    pub whole_lengths: Vec<usize>,
    pub stats: IndexStats,
}

/// The entries of `h` in one shard's arrays.
#[inline]
pub(super) fn lookup<'a>(hashes: &[u64], owners: &'a [u32], buckets: &[u32], bucket: usize, h: u64) -> &'a [u32] {
    let (lo, hi) = (buckets[bucket] as usize, buckets[bucket + 1] as usize);
    let slice = &hashes[lo..hi];
    let start = slice.partition_point(|&x| x < h);
    if start == slice.len() || slice[start] != h {
        return &[];
    }
    let end = start + slice[start..].partition_point(|&x| x == h);
    &owners[lo + start..lo + end]
}

/// Sorted (hash, item) pairs of one shard with template n-grams left out.
pub struct Pairs {
    pub shard: Shard,
    /// (item, n-grams of it left out as templates), by item.
    pub dropped: Vec<(u32, u32)>,
    pub distinct: u64,
    pub common: u64,
}

/// Sorts `pairs`, leaves out n-grams more than `max_items` items share, and
/// builds the bucket table of shard `shard` of `shards`.
pub fn finish_pairs(mut pairs: Vec<(u64, u32)>, max_items: usize, shards: u64) -> Pairs {
    pairs.sort_unstable();
    pairs.dedup();
    let mut hashes = Vec::with_capacity(pairs.len());
    let mut owners = Vec::with_capacity(pairs.len());
    let mut dropped: Vec<(u32, u32)> = Vec::new();
    let (mut distinct, mut common) = (0, 0);
    let mut i = 0;
    while i < pairs.len() {
        let h = pairs[i].0;
        let mut j = i;
        while j < pairs.len() && pairs[j].0 == h {
            j += 1;
        }
        if j - i > max_items {
            // a prompt template or instruction every item repeats: evidence of nothing
            common += 1;
            dropped.extend(pairs[i..j].iter().map(|p| (p.1, 1)));
        } else {
            distinct += 1;
            for p in &pairs[i..j] {
                hashes.push(p.0);
                owners.push(p.1);
            }
        }
        i = j;
    }
    drop(pairs);
    dropped.sort_unstable();
    dropped.dedup_by(|b, a| {
        if a.0 == b.0 {
            a.1 += b.1;
            true
        } else {
            false
        }
    });
    let mut buckets = vec![0u32; (1 << BUCKET_BITS) + 1];
    for &h in &hashes {
        buckets[place(h, shards).1 + 1] += 1;
    }
    for b in 1..buckets.len() {
        buckets[b] += buckets[b - 1];
    }
    Pairs {
        shard: Shard {
            hashes,
            owners,
            buckets,
        },
        dropped,
        distinct,
        common,
    }
}

/// Collects items and turns them into an [`Index`].
pub struct IndexBuilder {
    params: IndexParams,
    benchmarks: Vec<String>,
    langs: Vec<String>,
    items: Vec<ItemInfo>,
    pairs: Vec<(u64, u32)>,
    whole_lengths: Vec<usize>,
    words: Words,
    stats: IndexStats,
    scratch: Vec<u64>,
    /// Items (views) added so far: the next item's number.
    next: u32,
    /// Keep only the pairs of this shard (of `.1`); `None`: every pair.
    only_shard: Option<(usize, u64)>,
    /// Keep item records (an index shard's build needs only their numbers).
    keep_items: bool,
}

fn intern(names: &mut Vec<String>, name: &str) -> u32 {
    match names.iter().position(|n| n == name) {
        Some(i) => i as u32,
        None => {
            names.push(name.to_string());
            (names.len() - 1) as u32
        }
    }
}

impl IndexBuilder {
    pub fn new(params: IndexParams) -> Self {
        IndexBuilder {
            params,
            benchmarks: Vec::new(),
            langs: Vec::new(),
            items: Vec::new(),
            pairs: Vec::new(),
            whole_lengths: Vec::new(),
            words: Words::default(),
            stats: IndexStats::default(),
            scratch: Vec::new(),
            next: 0,
            only_shard: None,
            keep_items: true,
        }
    }

    /// A builder for one shard's pairs: no item records are kept, so its
    /// memory is that shard's share of the pairs.
    pub fn for_shard(params: IndexParams, shard: usize, shards: u64) -> Self {
        IndexBuilder {
            only_shard: Some((shard, shards)),
            keep_items: false,
            ..Self::new(params)
        }
    }

    /// A builder for item records only (the item table of a sharded index).
    pub fn for_items(params: IndexParams) -> Self {
        IndexBuilder {
            only_shard: Some((usize::MAX, 1)),
            ..Self::new(params)
        }
    }

    /// Item records added since the last call (with `for_items`).
    pub fn take_items(&mut self) -> Vec<ItemInfo> {
        std::mem::take(&mut self.items)
    }

    /// Interned benchmark and language names, and gram lengths other than n.
    pub fn names(&self) -> (&[String], &[String], &[usize]) {
        (&self.benchmarks, &self.langs, &self.whole_lengths)
    }

    pub fn stats(&self) -> &IndexStats {
        &self.stats
    }

    /// Takes the pairs collected (with `for_shard`).
    pub fn take_pairs(&mut self) -> Vec<(u64, u32)> {
        std::mem::take(&mut self.pairs)
    }

    /// Adds one item's n-grams (or its whole text when shorter than n),
    /// and those of its printed form when it has one.
    pub fn add(&mut self, item: Item) -> anyhow::Result<()> {
        self.stats.items += 1;
        let canonical = self.next;
        if !self.add_view(&item.parts, &item, canonical)? {
            self.stats.items_too_short += 1;
            return Ok(());
        }
        if let Some(printed) = &item.printed {
            self.add_view(printed, &item, canonical)?;
        }
        Ok(())
    }

    /// The gram length for an item of `len` words: n, or for items shorter
    /// than 3n a third of their length (at least `min_words`), so that one
    /// changed word in 20 still leaves a share of intact grams (a 20-word
    /// item has no intact 13-gram when its middle word changed, but 5 of
    /// its 13 8-grams); items shorter than n match whole.
    fn gram_len(&self, len: usize) -> usize {
        let n = self.params.n;
        if len < n {
            len
        } else {
            len.div_ceil(3).max(self.params.min_words).min(n)
        }
    }

    fn add_view(&mut self, parts: &[String], item: &Item, canonical: u32) -> anyhow::Result<bool> {
        self.words.read(&parts.join("\n"));
        let len = self.words.len();
        if len < self.params.min_words.max(1) {
            return Ok(false);
        }
        let gram = self.gram_len(len);
        if len < self.params.n {
            self.stats.items_whole += 1;
        }
        if gram != self.params.n && !self.whole_lengths.contains(&gram) {
            self.whole_lengths.push(gram);
        }
        let idx = self.next;
        self.next = idx
            .checked_add(1)
            .ok_or_else(|| anyhow::anyhow!("decontaminate: more than 4 billion benchmark items"))?;
        self.scratch.clear();
        for_each_gram(&self.words.hashes, gram, |_, h| self.scratch.push(h));
        self.scratch.sort_unstable();
        self.scratch.dedup();
        match self.only_shard {
            None => self.pairs.extend(self.scratch.iter().map(|&h| (h, idx))),
            Some((k, shards)) => self
                .pairs
                .extend(self.scratch.iter().filter(|&&h| place(h, shards).0 == k).map(|&h| (h, idx))),
        }
        let benchmark = intern(&mut self.benchmarks, &item.benchmark);
        let lang = intern(&mut self.langs, &item.lang);
        if self.keep_items {
            self.items.push(ItemInfo {
                benchmark,
                lang,
                id: item.id.clone(),
                ngrams: self.scratch.len() as u32,
                words: len as u32,
                canonical,
            });
        }
        Ok(true)
    }

    /// Sorts the pairs, drops template n-grams, builds the bucket table.
    pub fn finish(mut self) -> Index {
        let pairs = finish_pairs(
            std::mem::take(&mut self.pairs),
            self.params.max_items_per_ngram,
            1,
        );
        for &(item, n) in &pairs.dropped {
            self.items[item as usize].ngrams -= n;
        }
        self.whole_lengths.sort_unstable();
        self.stats.entries = pairs.shard.hashes.len() as u64;
        self.stats.distinct_ngrams = pairs.distinct;
        self.stats.common_ngrams = pairs.common;
        Index {
            params: self.params,
            benchmarks: self.benchmarks,
            langs: self.langs,
            store: Store::Memory {
                shard: pairs.shard,
                items: self.items,
            },
            whole_lengths: self.whole_lengths,
            stats: self.stats,
        }
    }
}

impl Index {
    /// The items holding n-gram `h` (empty for most).
    #[inline]
    pub fn owners_of(&self, h: u64) -> &[u32] {
        match &self.store {
            Store::Memory { shard, .. } => {
                let (_, b) = place(h, 1);
                lookup(&shard.hashes, &shard.owners, &shard.buckets, b, h)
            }
            Store::Mapped(m) => m.owners_of(h),
        }
    }

    /// Item `i`.
    #[inline]
    pub fn item(&self, i: u32) -> ItemRef<'_> {
        match &self.store {
            Store::Memory { items, .. } => {
                let it = &items[i as usize];
                ItemRef {
                    benchmark: it.benchmark,
                    lang: it.lang,
                    id: &it.id,
                    ngrams: it.ngrams,
                    words: it.words,
                    canonical: it.canonical,
                }
            }
            Store::Mapped(m) => m.item(i),
        }
    }

    /// Benchmark name and language of item `i`.
    pub fn names_of(&self, i: u32) -> (&str, &str) {
        let it = self.item(i);
        (&self.benchmarks[it.benchmark as usize], &self.langs[it.lang as usize])
    }

    /// Bytes the index holds in memory (arrays and item records); a mapped
    /// index holds only its names and the mapping's pages the system keeps.
    pub fn memory_bytes(&self) -> usize {
        match &self.store {
            Store::Memory { shard, items } => {
                shard.hashes.capacity() * 8
                    + shard.owners.capacity() * 4
                    + shard.buckets.capacity() * 4
                    + items
                        .iter()
                        .map(|i| std::mem::size_of::<ItemInfo>() + i.id.capacity())
                        .sum::<usize>()
            }
            Store::Mapped(m) => m.mapped_bytes(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.stats.entries == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: &str, text: &str) -> Item {
        Item {
            benchmark: "b".into(),
            lang: "en".into(),
            id: id.into(),
            parts: vec![text.into()],
            printed: None,
        }
    }

    #[test]
    fn lookup_finds_every_owner_and_nothing_else() {
        let params = IndexParams {
            n: 3,
            min_words: 3,
            max_items_per_ngram: 10,
        };
        let mut b = IndexBuilder::new(params);
        b.add(item("1", "alpha beta gamma delta")).unwrap();
        b.add(item("2", "beta gamma delta epsilon")).unwrap();
        b.add(item("3", "x")).unwrap();
        let idx = b.finish();
        assert_eq!(idx.stats.items_too_short, 1);
        let mut w = Words::default();
        w.read("beta gamma delta");
        let mut found = Vec::new();
        for_each_gram(&w.hashes, 3, |_, h| found.extend_from_slice(idx.owners_of(h)));
        assert_eq!(found, [0, 1]);
        w.read("gamma beta delta");
        for_each_gram(&w.hashes, 3, |_, h| assert!(idx.owners_of(h).is_empty()));
    }

    #[test]
    fn template_ngrams_are_dropped() {
        let params = IndexParams {
            n: 2,
            min_words: 2,
            max_items_per_ngram: 2,
        };
        let mut b = IndexBuilder::new(params);
        for i in 0..3 {
            b.add(item(&i.to_string(), &format!("answer this {}", ["wa", "wb", "wc"][i]))).unwrap();
        }
        let idx = b.finish();
        assert_eq!(idx.stats.common_ngrams, 1);
        assert!((0..3).all(|i| idx.item(i).ngrams == 1));
    }
}
