//! The file header (magic number, format version) and the training
//! arguments fastText saves with a model: the ones inference needs are the
//! dimension, loss, model kind, n-gram settings and bucket count.

use std::io::BufRead;

use super::reader::{damaged, FormatError, Reader};

/// fastText's file magic number (`FASTTEXT_FILEFORMAT_MAGIC_INT32`).
pub const MAGIC: i32 = 793_712_314;
/// The newest file format version fastText writes (`FASTTEXT_VERSION`, "1b").
pub const MAX_VERSION: i32 = 12;

/// How the output layer turns the hidden vector into label scores.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Loss {
    /// Hierarchical softmax over a Huffman tree of the label counts.
    HierarchicalSoftmax,
    /// Negative sampling: independent sigmoids at prediction time.
    NegativeSampling,
    /// Softmax over all labels.
    Softmax,
    /// One-vs-all: independent sigmoids (multi-label).
    OneVsAll,
}

/// What kind of model the file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Cbow,
    SkipGram,
    Supervised,
}

/// The saved arguments inference uses.
#[derive(Debug, Clone, PartialEq)]
pub struct Args {
    pub version: i32,
    pub dim: usize,
    pub word_ngrams: i32,
    pub loss: Loss,
    pub kind: Kind,
    pub bucket: i32,
    pub minn: i32,
    pub maxn: i32,
}

impl Args {
    /// Reads the magic number, version and arguments.
    pub fn read<R: BufRead>(r: &mut Reader<R>) -> Result<Args, FormatError> {
        if r.left() < 8 || r.i32("magic number")? != MAGIC {
            return Err(FormatError::NotFastText);
        }
        let version = r.i32("format version")?;
        if version > MAX_VERSION {
            return Err(FormatError::Version(version));
        }
        let dim = r.i32("dim")?;
        for what in ["ws", "epoch", "minCount", "neg"] {
            r.i32(what)?;
        }
        let word_ngrams = r.i32("wordNgrams")?;
        let loss = match r.i32("loss")? {
            1 => Loss::HierarchicalSoftmax,
            2 => Loss::NegativeSampling,
            3 => Loss::Softmax,
            4 => Loss::OneVsAll,
            other => return Err(damaged(format!("unknown loss {other}"))),
        };
        let kind = match r.i32("model")? {
            1 => Kind::Cbow,
            2 => Kind::SkipGram,
            3 => Kind::Supervised,
            other => return Err(damaged(format!("unknown model kind {other}"))),
        };
        let bucket = r.i32("bucket")?;
        let minn = r.i32("minn")?;
        let mut maxn = r.i32("maxn")?;
        r.i32("lrUpdateRate")?;
        r.f64("t")?;
        if !(1..=1 << 16).contains(&dim) {
            return Err(damaged(format!("dim {dim} is out of range")));
        }
        if bucket < 0 {
            return Err(damaged(format!("bucket {bucket} is negative")));
        }
        // fastText: supervised models of version 11 had no character n-grams.
        if version == 11 && kind == Kind::Supervised {
            maxn = 0;
        }
        Ok(Args {
            version,
            dim: dim as usize,
            word_ngrams,
            loss,
            kind,
            bucket,
            minn,
            maxn,
        })
    }
}
