//! A seeded generator for everything that must be repeatable: samples,
//! shuffles, generated benchmark corpora.

/// splitmix64 (Steele et al.): small, well mixed, deterministic across
/// platforms and runs. The project's one generator: samples, shuffles,
/// MinHash permutations, generated benchmark corpora.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator whose first state is `seed` itself.
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        self.below(1 << 30) as f64 / (1u64 << 30) as f64
    }
}
