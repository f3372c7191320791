//! Dedup barriers: exact text, URL, repeated lines and near duplicates
//! (MinHash LSH). Each needs every document before it decides, so the planner
//! runs it as collect, reduce and filter phases; side files keep memory
//! bounded however large the corpus.

pub mod exact;
pub mod keyed;
pub mod line;
pub mod minhash;
pub mod sidefile;
pub mod url;
