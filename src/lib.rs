//! eurocurate: turns raw web crawls into clean, deduplicated training data
//! for open European LLMs in all 24 official EU languages.
//!
//! The library is what the `eurocurate` binary is thin over:
//! [`pipeline`] parses and plans YAML pipelines, [`io`] reads crawls and
//! writes shards, [`stages`] holds the per-document logic, [`exec`] runs
//! phases locally (rayon) or as single tasks for cluster launchers, and
//! [`stats`] records what every stage kept and removed.

pub mod analytics;
pub mod bpe;
pub mod commands;
pub mod digest;
pub mod document;
pub mod exec;
pub mod fasttext;
pub mod html;
pub mod io;
pub mod langs;
pub mod meta_schema;
pub mod mix;
pub mod pipeline;
pub mod report;
pub mod rng;
pub mod stages;
pub mod stats;
pub mod text;
pub mod tokens;

pub use document::Document;
