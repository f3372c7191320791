//! MinHash signatures: text normalisation, word n-gram shingles, and
//! `bands × rows` min-wise hashes with universal hashing mod 2^61 − 1.
//!
//! Normalisation follows datatrove's `simplify_text` defaults so thresholds
//! carry over: lowercase, numbers → `0`, punctuation and symbols → space,
//! whitespace collapsed, diacritics stripped (NFD minus combining marks).
//! Every EU language separates words with spaces once punctuation is gone
//! (elisions like `l'homme` become `l homme`, as in datatrove), so words are
//! the space-separated tokens of the normalised text.

use xxhash_rust::xxh3::{xxh3_64, xxh3_64_with_seed};

/// The Mersenne prime 2^61 − 1, modulus of the permutations.
pub const MERSENNE: u64 = (1 << 61) - 1;

/// Reusable buffers, so signing a document allocates nothing.
#[derive(Default)]
pub struct Scratch {
    norm: String,
    shingles: Vec<u64>,
}

pub use crate::text::simplify::simplify;

/// Parameters of the hash family; identical on every task of a run.
#[derive(Debug, Clone)]
pub struct MinHasher {
    pub ngram: usize,
    pub bands: usize,
    pub rows: usize,
    a: Vec<u64>,
    b: Vec<u64>,
}

#[inline]
fn mulmod(a: u64, x: u64, b: u64) -> u64 {
    let p = a as u128 * x as u128 + b as u128;
    let r = (p as u64 & MERSENNE) + (p >> 61) as u64;
    let r = (r & MERSENNE) + (r >> 61);
    if r >= MERSENNE {
        r - MERSENNE
    } else {
        r
    }
}

/// `(a·x + b) mod (2^61 − 1)`, the same value as [`mulmod`], from 32-bit
/// partial products: 2^64 ≡ 8 and 2^61 ≡ 1, so every term folds without a
/// 128-bit product, in operations the compiler turns into vector
/// instructions (eight hashes at once with AVX-512, four with AVX2).
#[inline(always)]
fn mulmod_split(a: u64, x: u64, b: u64) -> u64 {
    const LOW: u64 = 0xFFFF_FFFF;
    let (a_lo, a_hi, x_lo, x_hi) = (a & LOW, a >> 32, x & LOW, x >> 32);
    let lo = a_lo * x_lo; // < 2^64
    let mid = a_hi * x_lo + a_lo * x_hi; // < 2^62 (a_hi, x_hi < 2^29)
    let hi = a_hi * x_hi; // < 2^58
                          // a·x = hi·2^64 + mid·2^32 + lo; mid·2^32 = (mid >> 29)·2^61 + (mid mod 2^29)·2^32
    let r = (hi << 3) + (mid >> 29) + ((mid & 0x1FFF_FFFF) << 32) + (lo & MERSENNE) + (lo >> 61) + b; // < 2^64
    let r = (r & MERSENNE) + (r >> 61); // < 2^61 + 8
    if r >= MERSENNE {
        r - MERSENNE
    } else {
        r
    }
}

/// Lanes computed side by side: one AVX-512 register of u64.
const LANES: usize = 8;

/// `sig[i] = min over x of (a[i]·x + b[i]) mod (2^61 − 1)`.
#[inline(always)]
fn min_hashes_portable(a: &[u64], b: &[u64], shingles: &[u64], sig: &mut [u64]) {
    let mut chunks = a
        .chunks_exact(LANES)
        .zip(b.chunks_exact(LANES))
        .zip(sig.chunks_exact_mut(LANES));
    for ((a, b), sig) in &mut chunks {
        let (a, b): (&[u64; LANES], &[u64; LANES]) = (a.try_into().unwrap(), b.try_into().unwrap());
        let mut m = [u64::MAX; LANES];
        for &x in shingles {
            for l in 0..LANES {
                m[l] = m[l].min(mulmod_split(a[l], x, b[l]));
            }
        }
        sig.copy_from_slice(&m);
    }
    let done = a.len() / LANES * LANES;
    for i in done..a.len() {
        sig[i] = shingles
            .iter()
            .map(|&x| mulmod(a[i], x, b[i]))
            .min()
            .unwrap_or(u64::MAX);
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512vl")]
unsafe fn min_hashes_avx512(a: &[u64], b: &[u64], shingles: &[u64], sig: &mut [u64]) {
    min_hashes_portable(a, b, shingles, sig)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn min_hashes_avx2(a: &[u64], b: &[u64], shingles: &[u64], sig: &mut [u64]) {
    min_hashes_portable(a, b, shingles, sig)
}

/// [`min_hashes_portable`] compiled for the widest vectors this CPU has
/// (the binary itself targets any x86-64).
fn min_hashes(a: &[u64], b: &[u64], shingles: &[u64], sig: &mut [u64]) {
    #[cfg(target_arch = "x86_64")]
    {
        // SAFETY: each feature is detected on this CPU first (std caches it).
        if is_x86_feature_detected!("avx512f") && is_x86_feature_detected!("avx512vl") {
            return unsafe { min_hashes_avx512(a, b, shingles, sig) };
        }
        if is_x86_feature_detected!("avx2") {
            return unsafe { min_hashes_avx2(a, b, shingles, sig) };
        }
    }
    min_hashes_portable(a, b, shingles, sig)
}

impl MinHasher {
    /// `bands × rows` permutations drawn from `seed`.
    pub fn new(ngram: usize, bands: usize, rows: usize, seed: u64) -> Self {
        let mut rng = crate::rng::Rng::new(seed);
        let n = bands * rows;
        let mut a = Vec::with_capacity(n);
        let mut b = Vec::with_capacity(n);
        for _ in 0..n {
            a.push(1 + rng.next_u64() % (MERSENNE - 1));
            b.push(rng.next_u64() % MERSENNE);
        }
        MinHasher {
            ngram: ngram.max(1),
            bands,
            rows,
            a,
            b,
        }
    }

    /// Number of hashes in a signature.
    pub fn len(&self) -> usize {
        self.a.len()
    }

    /// True when the signature has no hashes (never for a valid config).
    pub fn is_empty(&self) -> bool {
        self.a.is_empty()
    }

    /// The signature of `text` into `sig`; false when the text has no words.
    /// A text shorter than one n-gram is a single shingle of all its words.
    pub fn sign(&self, text: &str, scratch: &mut Scratch, sig: &mut Vec<u64>) -> bool {
        simplify(text, &mut scratch.norm);
        shingles(&scratch.norm, self.ngram, &mut scratch.shingles);
        if scratch.shingles.is_empty() {
            return false;
        }
        scratch.shingles.sort_unstable();
        scratch.shingles.dedup();
        sig.clear();
        sig.resize(self.len(), u64::MAX);
        min_hashes(&self.a, &self.b, &scratch.shingles, sig);
        true
    }

    /// The hash of band `band` of `sig`; `salt` separates languages when
    /// dedup is per language (0 otherwise).
    pub fn band_hash(&self, sig: &[u64], band: usize, salt: u64) -> u64 {
        let rows = &sig[band * self.rows..(band + 1) * self.rows];
        let mut bytes = [0u8; 8 * 64];
        let n = rows.len().min(64);
        for (i, r) in rows[..n].iter().enumerate() {
            bytes[i * 8..i * 8 + 8].copy_from_slice(&r.to_le_bytes());
        }
        xxh3_64_with_seed(&bytes[..n * 8], band as u64 ^ salt)
    }
}

/// The distinct shingles of `text`, for exact Jaccard similarity (the
/// ground truth the signatures estimate).
pub fn shingle_set(text: &str, ngram: usize) -> std::collections::HashSet<u64> {
    let (mut norm, mut out) = (String::new(), Vec::new());
    simplify(text, &mut norm);
    shingles(&norm, ngram.max(1), &mut out);
    out.into_iter().collect()
}

/// Exact Jaccard similarity of two shingle sets (0 when both are empty).
pub fn jaccard(a: &std::collections::HashSet<u64>, b: &std::collections::HashSet<u64>) -> f64 {
    let inter = a.iter().filter(|x| b.contains(x)).count();
    let union = a.len() + b.len() - inter;
    if union == 0 {
        0.0
    } else {
        inter as f64 / union as f64
    }
}

/// The shingle hashes (61-bit) of the word n-grams of normalised `norm`.
fn shingles(norm: &str, n: usize, out: &mut Vec<u64>) {
    out.clear();
    if norm.is_empty() {
        return;
    }
    let bytes = norm.as_bytes();
    let mut starts: Vec<usize> = Vec::with_capacity(bytes.len() / 5 + 1);
    starts.push(0);
    starts.extend(memchr::memchr_iter(b' ', bytes).map(|i| i + 1));
    let words = starts.len();
    if words < n {
        out.push(xxh3_64(bytes) & MERSENNE);
        return;
    }
    for i in 0..=words - n {
        let end = if i + n < words { starts[i + n] - 1 } else { bytes.len() };
        out.push(xxh3_64(&bytes[starts[i]..end]) & MERSENNE);
    }
}

impl Scratch {
    /// The bottom-`k` sample of the last signed text's shingles: the `k`
    /// smallest distinct 32-bit shingle hashes, ascending. A text with fewer
    /// than `k` shingles is sampled whole, so its similarities are exact.
    pub fn sample(&self, k: usize, out: &mut Vec<u32>) {
        out.clear();
        out.extend(self.shingles.iter().map(|x| (x >> 29) as u32));
        out.sort_unstable();
        out.dedup();
        out.truncate(k);
    }
}

/// Jaccard similarity from two bottom-`k` samples (ascending, distinct):
/// exact when both texts were sampled whole, else the bottom-k estimate
/// (the share of the union's `k` smallest hashes found in both).
pub fn sample_jaccard(a: &[u32], b: &[u32], k: usize) -> f64 {
    let (mut i, mut j, mut union, mut both) = (0, 0, 0usize, 0usize);
    let whole = a.len() < k && b.len() < k;
    while (i < a.len() || j < b.len()) && (whole || union < k) {
        match (a.get(i), b.get(j)) {
            (Some(x), Some(y)) if x == y => {
                both += 1;
                i += 1;
                j += 1;
            }
            (Some(x), Some(y)) if x < y => i += 1,
            (Some(_), Some(_)) => j += 1,
            (Some(_), None) => i += 1,
            _ => j += 1,
        }
        union += 1;
    }
    if union == 0 {
        0.0
    } else {
        both as f64 / union as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn simple(s: &str) -> String {
        let mut out = String::new();
        simplify(s, &mut out);
        out
    }

    #[test]
    fn simplify_like_datatrove() {
        assert_eq!(simple("  Hello,   World!\n\tIt's 2024."), "hello world it s 0");
        assert_eq!(simple("Prix: 1.234,56 € — très élevé"), "prix 0 tres eleve");
        assert_eq!(simple("L'Ħajja f'Malta ġiet"), "l ħajja f malta giet");
        assert_eq!(simple("Ο Άγιος ΝΙΚΌΛΑΟΣ ζωής"), "ο αγιοσ νικολαοσ ζωησ");
        assert_eq!(simple("Здравей, свят"), "здравеи свят");
        assert_eq!(simple("D'fhógair an tAire"), "d fhogair an taire");
        assert_eq!(simple("e\u{301}te\u{301}"), "ete");
        assert_eq!(simple("a1b22c"), "a0b0c");
        assert_eq!(simple("!!!"), "");
    }

    #[test]
    fn shingles_are_word_ngrams() {
        let mut out = Vec::new();
        shingles("a b c d", 2, &mut out);
        assert_eq!(out.len(), 3);
        assert_eq!(out[0], xxh3_64(b"a b") & MERSENNE);
        assert_eq!(out[2], xxh3_64(b"c d") & MERSENNE);
        shingles("a b", 5, &mut out);
        assert_eq!(out, vec![xxh3_64(b"a b") & MERSENNE]);
        shingles("", 5, &mut out);
        assert!(out.is_empty());
    }

    #[test]
    fn mulmod_is_exact() {
        for (a, x, b) in [
            (MERSENNE - 1, MERSENNE - 1, MERSENNE - 1),
            (3, 5, 7),
            (1 << 60, 1 << 60, 0),
        ] {
            let want = ((a as u128 * x as u128 + b as u128) % MERSENNE as u128) as u64;
            assert_eq!(mulmod(a, x, b), want);
        }
    }

    fn jaccard_of(h: &MinHasher, a: &str, b: &str, k: usize) -> f64 {
        let (mut sig, mut s1, mut s2) = (Vec::new(), Vec::new(), Vec::new());
        let mut scratch = Scratch::default();
        assert!(h.sign(a, &mut scratch, &mut sig));
        scratch.sample(k, &mut s1);
        assert!(h.sign(b, &mut scratch, &mut sig));
        scratch.sample(k, &mut s2);
        sample_jaccard(&s1, &s2, k)
    }

    #[test]
    fn samples_give_exact_or_estimated_jaccard() {
        let h = MinHasher::new(1, 14, 8, 7);
        // 100 shared words out of 150 distinct: Jaccard 2/3.
        let shared: Vec<String> = (0..100).map(|i| format!("w{}", word(i))).collect();
        let extra = |p: &str| (0..25).map(|i| format!("{p}{}", word(i))).collect::<Vec<_>>().join(" ");
        let a = format!("{} {}", shared.join(" "), extra("a"));
        let b = format!("{} {}", shared.join(" "), extra("b"));
        assert!((jaccard_of(&h, &a, &b, 256) - 2.0 / 3.0).abs() < 1e-9);
        assert!((jaccard_of(&h, &a, &b, 64) - 2.0 / 3.0).abs() < 0.15);
        assert_eq!(jaccard_of(&h, &a, &a, 64), 1.0);
        assert!(jaccard_of(&h, &a, "zz yy xx", 64) < 0.05);
        assert_eq!(sample_jaccard(&[], &[], 8), 0.0);
        assert_eq!(sample_jaccard(&[1, 2, 3], &[2, 3, 4], 8), 0.5);
        // bottom-2 of the union {1,2,3,4} is {1,2}: only 2 is in both
        assert_eq!(sample_jaccard(&[1, 2, 3], &[2, 3, 4], 2), 0.5);
    }

    fn word(i: usize) -> String {
        // letters only: digits would be normalised to 0
        let mut s = String::new();
        let mut n = i + 1;
        while n > 0 {
            s.push((b'a' + (n % 26) as u8) as char);
            n /= 26;
        }
        s
    }

    #[test]
    fn split_products_equal_the_128_bit_product() {
        let mut rng = crate::rng::Rng::new(7);
        let edges = [
            0,
            1,
            2,
            MERSENNE - 1,
            MERSENNE,
            (1 << 32) - 1,
            1 << 32,
            (1 << 60) + 12345,
        ];
        for _ in 0..200_000 {
            let a = 1 + rng.next_u64() % (MERSENNE - 1);
            let b = rng.next_u64() % MERSENNE;
            let x = rng.next_u64() & MERSENNE;
            assert_eq!(mulmod_split(a, x, b), mulmod(a, x, b), "{a} {x} {b}");
        }
        for &a in &edges[1..4] {
            for &x in &edges {
                for &b in &edges[..4] {
                    assert_eq!(mulmod_split(a, x, b), mulmod(a, x, b), "{a} {x} {b}");
                }
            }
        }
        // every dispatch level gives the scalar minimum
        let h = MinHasher::new(5, 14, 8, 3);
        let shingles: Vec<u64> = (0..300).map(|_| rng.next_u64() & MERSENNE).collect();
        let mut fast = vec![0; h.len()];
        min_hashes(&h.a, &h.b, &shingles, &mut fast);
        let slow: Vec<u64> = (0..h.len())
            .map(|i| shingles.iter().map(|&x| mulmod(h.a[i], x, h.b[i])).min().unwrap())
            .collect();
        assert_eq!(fast, slow);
        let mut odd = vec![0; 13];
        min_hashes_portable(&h.a[..13], &h.b[..13], &shingles, &mut odd);
        assert_eq!(odd, slow[..13]);
    }

    #[test]
    fn signatures_depend_on_seed_only() {
        let t = "the quick brown fox jumps over the lazy dog again and again";
        let (mut s1, mut s2, mut s3) = (Vec::new(), Vec::new(), Vec::new());
        let mut sc = Scratch::default();
        MinHasher::new(5, 14, 8, 1).sign(t, &mut sc, &mut s1);
        MinHasher::new(5, 14, 8, 1).sign(t, &mut sc, &mut s2);
        MinHasher::new(5, 14, 8, 2).sign(t, &mut sc, &mut s3);
        assert_eq!(s1, s2);
        assert_ne!(s1, s3);
        assert_eq!(s1.len(), 112);
        assert!(s1.iter().all(|h| *h < MERSENNE));
    }
}
