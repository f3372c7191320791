//! The benchmark index: every item's n-gram hashes with the items that hold
//! them, as two flat sorted arrays (8-byte hash, 4-byte item) behind a
//! 65,536-bucket table on the hash's top bits. 12 bytes per (n-gram, item)
//! pair, no per-entry allocation, and a lookup is one bucket read plus a
//! binary search over the few entries of one bucket.

use super::items::Item;
use super::ngrams::{for_each_gram, Words};

const BUCKET_BITS: u32 = 16;

/// Who an item is, for counters, rejections and findings.
#[derive(Debug, Clone)]
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

/// Settings of an index build.
#[derive(Debug, Clone, Copy)]
pub struct IndexParams {
    pub n: usize,
    pub min_words: usize,
    pub max_items_per_ngram: usize,
}

/// The n-grams of every benchmark item.
pub struct Index {
    pub params: IndexParams,
    pub benchmarks: Vec<String>,
    pub langs: Vec<String>,
    pub items: Vec<ItemInfo>,
    /// Sorted n-gram hashes, one per (n-gram, item) pair.
    hashes: Vec<u64>,
    /// The item of each entry of `hashes`.
    owners: Vec<u32>,
    /// `buckets[b]..buckets[b + 1]` are the entries whose hash has top bits `b`.
    buckets: Vec<u32>,
    /// Gram lengths other than n some item uses (items shorter than n
    /// matched whole, short items with shorter grams), ascending.
    pub whole_lengths: Vec<usize>,
    pub stats: IndexStats,
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
        }
    }

    /// Adds one item's n-grams (or its whole text when shorter than n),
    /// and those of its printed form when it has one.
    pub fn add(&mut self, item: Item) -> anyhow::Result<()> {
        self.stats.items += 1;
        let canonical = self.items.len() as u32;
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
        let idx = u32::try_from(self.items.len())
            .map_err(|_| anyhow::anyhow!("decontaminate: more than 4 billion benchmark items"))?;
        self.scratch.clear();
        for_each_gram(&self.words.hashes, gram, |_, h| self.scratch.push(h));
        self.scratch.sort_unstable();
        self.scratch.dedup();
        self.pairs.extend(self.scratch.iter().map(|&h| (h, idx)));
        let benchmark = intern(&mut self.benchmarks, &item.benchmark);
        let lang = intern(&mut self.langs, &item.lang);
        self.items.push(ItemInfo {
            benchmark,
            lang,
            id: item.id.clone(),
            ngrams: self.scratch.len() as u32,
            words: len as u32,
            canonical,
        });
        Ok(true)
    }

    /// Sorts the pairs, drops template n-grams, builds the bucket table.
    pub fn finish(mut self) -> Index {
        let mut pairs = std::mem::take(&mut self.pairs);
        pairs.sort_unstable();
        pairs.dedup();
        let mut hashes = Vec::with_capacity(pairs.len());
        let mut owners = Vec::with_capacity(pairs.len());
        let mut i = 0;
        while i < pairs.len() {
            let h = pairs[i].0;
            let mut j = i;
            while j < pairs.len() && pairs[j].0 == h {
                j += 1;
            }
            if j - i > self.params.max_items_per_ngram {
                // a prompt template or instruction every item repeats: evidence of nothing
                self.stats.common_ngrams += 1;
                for p in &pairs[i..j] {
                    self.items[p.1 as usize].ngrams -= 1;
                }
            } else {
                self.stats.distinct_ngrams += 1;
                for p in &pairs[i..j] {
                    hashes.push(p.0);
                    owners.push(p.1);
                }
            }
            i = j;
        }
        drop(pairs);
        let mut buckets = vec![0u32; (1 << BUCKET_BITS) + 1];
        for h in &hashes {
            buckets[(h >> (64 - BUCKET_BITS)) as usize + 1] += 1;
        }
        for b in 1..buckets.len() {
            buckets[b] += buckets[b - 1];
        }
        self.whole_lengths.sort_unstable();
        self.stats.entries = hashes.len() as u64;
        Index {
            params: self.params,
            benchmarks: self.benchmarks,
            langs: self.langs,
            items: self.items,
            hashes,
            owners,
            buckets,
            whole_lengths: self.whole_lengths,
            stats: self.stats,
        }
    }
}

impl Index {
    /// The items holding n-gram `h` (empty for most).
    #[inline]
    pub fn owners_of(&self, h: u64) -> &[u32] {
        let b = (h >> (64 - BUCKET_BITS)) as usize;
        let (lo, hi) = (self.buckets[b] as usize, self.buckets[b + 1] as usize);
        let slice = &self.hashes[lo..hi];
        let start = slice.partition_point(|&x| x < h);
        if start == slice.len() || slice[start] != h {
            return &[];
        }
        let end = start + slice[start..].partition_point(|&x| x == h);
        &self.owners[lo + start..lo + end]
    }

    /// Bytes the index holds (arrays and item records).
    pub fn memory_bytes(&self) -> usize {
        self.hashes.capacity() * 8
            + self.owners.capacity() * 4
            + self.buckets.capacity() * 4
            + self
                .items
                .iter()
                .map(|i| std::mem::size_of::<ItemInfo>() + i.id.capacity())
                .sum::<usize>()
    }

    pub fn is_empty(&self) -> bool {
        self.hashes.is_empty()
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
        assert!(idx.items.iter().all(|i| i.ngrams == 1));
    }
}
