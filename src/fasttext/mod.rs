//! fastText classifier inference in Rust: loads supervised `.bin` (dense)
//! and `.ftz` (product-quantized, optionally pruned) models from bytes or a
//! path and predicts labels with the same tokenization, hashing and
//! arithmetic as fastText 0.9, so its probabilities match the C++ tool's.
//!
//! Why not the C++ library: its pruned n-gram index is a hash map looked up
//! once per character n-gram of every word (most of the language-ID time),
//! its models want a file path, and it needs a C++ build. Here the index is
//! a dense rank table, buffers are reused per [`Scratch`], and a [`Model`] is
//! plain read-only data shared across threads in an `Arc`.

mod args;
mod dictionary;
mod heap;
mod matrix;
mod predict;
mod reader;
#[cfg(test)]
mod tests;
pub mod train;
mod write;

use std::io::BufRead;
use std::path::Path;

pub use args::{Kind, Loss};
pub use reader::FormatError;

use args::Args;
use dictionary::{Dictionary, LineScratch};
use matrix::Matrix;
use predict::Head;
use reader::{damaged, Reader};

/// A loaded supervised fastText model.
#[derive(Debug, Clone)]
pub struct Model {
    args: Args,
    dict: Dictionary,
    input: Matrix,
    output: Matrix,
    head: Head,
    /// Whether the file's input matrix was product-quantized (it may be
    /// held decoded).
    quantized: bool,
}

/// The largest quantized input matrix (in values) held decoded as `f32`:
/// 64 MB, twenty times lid.176's.
const MAX_DECODED_VALUES: usize = 16 << 20;

/// Per-caller buffers, reused between predictions (one per thread).
#[derive(Debug, Default, Clone)]
pub struct Scratch {
    line: LineScratch,
    hidden: Vec<f32>,
    output: Vec<f32>,
    top: Vec<(f32, i32)>,
}

impl Model {
    /// Parses a model held in memory (such as one compiled into the binary).
    pub fn from_bytes(bytes: &[u8]) -> Result<Model, FormatError> {
        Self::from_reader(bytes, bytes.len() as u64)
    }

    /// Parses a model from a stream of `len` bytes, checking every declared
    /// size against what is left, so a damaged file is an error.
    pub fn from_reader<R: BufRead>(inner: R, len: u64) -> Result<Model, FormatError> {
        let mut r = Reader::new(inner, len);
        let args = Args::read(&mut r)?;
        match args.kind {
            Kind::Supervised => {}
            Kind::Cbow => return Err(FormatError::NotClassifier("cbow")),
            Kind::SkipGram => return Err(FormatError::NotClassifier("skipgram")),
        }
        let dict = Dictionary::read(&mut r, &args)?;
        let quant = r.bool("input quantization flag")?;
        let input = Matrix::read(&mut r, quant, "input matrix")?;
        if !quant && dict.is_pruned() {
            return Err(damaged(
                "a dense model with a pruned dictionary, which fastText rejects too (its issue #332)",
            ));
        }
        let qout = r.bool("output quantization flag")?;
        let output = Matrix::read(&mut r, quant && qout, "output matrix")?;
        r.finish()?;
        let nlabels = dict.labels().len();
        if nlabels == 0 {
            return Err(damaged("the model has no labels"));
        }
        if input.cols() != args.dim || output.cols() != args.dim {
            return Err(damaged(format!(
                "dim is {} but the matrices have {} and {} columns",
                args.dim,
                input.cols(),
                output.cols()
            )));
        }
        if (input.rows() as u64) < dict.rows_needed() {
            return Err(damaged(format!(
                "the input matrix has {} rows, the dictionary refers to {}",
                input.rows(),
                dict.rows_needed()
            )));
        }
        if output.rows() != nlabels {
            return Err(damaged(format!(
                "the output matrix has {} rows for {nlabels} labels",
                output.rows()
            )));
        }
        let head = Head::new(args.loss, dict.label_counts())?;
        let input = match dict.pruned_index() {
            Some(p) => input.reordered(dict.nwords(), p.rows()),
            None => input,
        };
        Ok(Model {
            args,
            dict,
            input: input.decoded(MAX_DECODED_VALUES),
            output,
            head,
            quantized: quant,
        })
    }

    /// Loads the model file at `path`; errors name the file and what to do.
    pub fn load(path: &Path) -> anyhow::Result<Model> {
        let file = std::fs::File::open(path)
            .map_err(|e| anyhow::anyhow!("fastText model {} cannot be opened: {e}", path.display()))?;
        let len = file
            .metadata()
            .map_err(|e| anyhow::anyhow!("fastText model {} cannot be read: {e}", path.display()))?
            .len();
        Self::from_reader(std::io::BufReader::with_capacity(1 << 16, file), len)
            .map_err(|e| anyhow::anyhow!("{} {e}", path.display()))
    }

    /// The labels, in the model's order (most frequent in training first).
    pub fn labels(&self) -> &[String] {
        self.dict.labels()
    }

    /// The dimension of the hidden (sentence) vector.
    pub fn dim(&self) -> usize {
        self.args.dim
    }

    /// The training loss, which decides how scores are computed.
    pub fn loss(&self) -> Loss {
        self.args.loss
    }

    /// Whether the input matrix is product-quantized (`.ftz`).
    pub fn is_quantized(&self) -> bool {
        self.quantized
    }

    /// The best `k` labels of `text` with probability at least `threshold`,
    /// best first, as `fasttext predict-prob` gives them. `text` is read as
    /// one line: up to its first newline, then the end-of-sentence token.
    /// Allocates its buffers; use [`Model::predict_with`] in loops.
    pub fn predict(&self, text: &str, k: usize, threshold: f32) -> Vec<(&str, f32)> {
        self.predict_with(&mut Scratch::default(), text, k, threshold)
    }

    /// [`Model::predict`] with reused buffers.
    pub fn predict_with<'m>(&'m self, s: &mut Scratch, text: &str, k: usize, threshold: f32) -> Vec<(&'m str, f32)> {
        if !self.hidden(s, text) {
            return Vec::new();
        }
        let k = k.min(self.labels().len());
        self.head
            .predict(&self.output, &s.hidden, k, threshold, &mut s.output, &mut s.top);
        s.top
            .iter()
            .map(|&(score, label)| (self.labels()[label as usize].as_str(), score.exp()))
            .collect()
    }

    /// The sentence vector of `text` (`fasttext print-sentence-vectors` for
    /// a supervised model): the mean of its input rows, zeros when it has
    /// none.
    pub fn sentence_vector(&self, s: &mut Scratch, text: &str) -> Vec<f32> {
        if !self.hidden(s, text) {
            return vec![0.0; self.dim()];
        }
        s.hidden.clone()
    }

    /// The mean input row of `text` into `s.hidden`; false when the line
    /// has no rows (fastText then predicts nothing).
    fn hidden(&self, s: &mut Scratch, text: &str) -> bool {
        self.dict.line(text.as_bytes(), &mut s.line);
        if s.line.rows.is_empty() {
            return false;
        }
        s.hidden.resize(self.args.dim, 0.0);
        self.input.average_rows(&mut s.hidden, &s.line.rows);
        true
    }
}
