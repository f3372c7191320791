//! Writing a supervised model in fastText's `.bin` format (file format
//! version 12, as fastText 0.9 writes it), so the official library and
//! `fasttext-predict` load what `eurocurate classifier train` makes.
//!
//! Layout (fastText's `FastText::saveModel`): magic and version; the
//! arguments (`Args::save`: dim, ws, epoch, minCount, neg, wordNgrams, loss,
//! model, bucket, minn, maxn, lrUpdateRate as `i32`, t as `f64`); the
//! dictionary (`Dictionary::save`: size, nwords, nlabels as `i32`, ntokens
//! and pruned-index size as `i64`, then each entry as a NUL-terminated
//! string, an `i64` count and an `i8` type); a `false` quantization flag and
//! the dense input matrix (`i64` rows, `i64` columns, row-major `f32`); a
//! `false` output-quantization flag and the dense output matrix.

use super::args::{Loss, MAGIC, MAX_VERSION};

/// The saved training arguments (fastText writes all of them; inference reads a few).
#[derive(Debug, Clone)]
pub struct SavedArgs {
    pub dim: i32,
    pub ws: i32,
    pub epoch: i32,
    pub min_count: i32,
    pub neg: i32,
    pub word_ngrams: i32,
    pub loss: Loss,
    pub bucket: i32,
    pub minn: i32,
    pub maxn: i32,
    pub lr_update_rate: i32,
    pub t: f64,
}

/// One dictionary entry: bytes, count, and whether it is a label.
#[derive(Debug, Clone)]
pub struct Entry {
    pub word: Vec<u8>,
    pub count: i64,
    pub label: bool,
}

fn loss_code(loss: Loss) -> i32 {
    match loss {
        Loss::HierarchicalSoftmax => 1,
        Loss::NegativeSampling => 2,
        Loss::Softmax => 3,
        Loss::OneVsAll => 4,
    }
}

/// Header, arguments and dictionary (words before labels), as bytes.
pub fn header_and_dictionary(args: &SavedArgs, entries: &[Entry], ntokens: i64) -> Vec<u8> {
    let mut out = Vec::new();
    let i32s = |out: &mut Vec<u8>, v: &[i32]| v.iter().for_each(|x| out.extend_from_slice(&x.to_le_bytes()));
    i32s(&mut out, &[MAGIC, MAX_VERSION]);
    i32s(
        &mut out,
        &[
            args.dim,
            args.ws,
            args.epoch,
            args.min_count,
            args.neg,
            args.word_ngrams,
            loss_code(args.loss),
            3, // supervised
            args.bucket,
            args.minn,
            args.maxn,
            args.lr_update_rate,
        ],
    );
    out.extend_from_slice(&args.t.to_le_bytes());
    let nlabels = entries.iter().filter(|e| e.label).count() as i32;
    i32s(
        &mut out,
        &[entries.len() as i32, entries.len() as i32 - nlabels, nlabels],
    );
    out.extend_from_slice(&ntokens.to_le_bytes());
    out.extend_from_slice(&(-1i64).to_le_bytes()); // no pruned index
    for e in entries {
        out.extend_from_slice(&e.word);
        out.push(0);
        out.extend_from_slice(&e.count.to_le_bytes());
        out.push(e.label as u8);
    }
    out
}

/// Appends a dense matrix with its (absent) quantization flag.
pub fn dense_matrix(out: &mut Vec<u8>, rows: usize, cols: usize, data: impl Iterator<Item = f32>) {
    out.push(0);
    out.extend_from_slice(&(rows as i64).to_le_bytes());
    out.extend_from_slice(&(cols as i64).to_le_bytes());
    out.reserve(rows * cols * 4);
    for v in data {
        out.extend_from_slice(&v.to_le_bytes());
    }
}
