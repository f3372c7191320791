//! Supervised fastText training in Rust: the same model (mean of word,
//! character n-gram and word n-gram rows, linear output layer), the same
//! dictionary (`minCount`, words sorted by count, labels after words), the
//! same update (SGD with a learning rate decaying linearly to zero over
//! `epoch` passes, gradient divided by the number of input rows, Hogwild
//! threads sharing the matrices without locks) as fastText 0.9's
//! `FastText::train` for `-supervised`, and a model file in its `.bin`
//! format that the official library loads.
//!
//! Why our own: the classifier the `classify` stage runs must be trainable
//! without a C++ toolchain on the clusters our users have, and the result
//! must be the file fastText itself would read.

mod dict;
mod sgd;

use super::args::Loss;
use super::Model;

pub use dict::Example;

/// fastText's `-supervised` options (its defaults unless noted).
#[derive(Debug, Clone)]
pub struct TrainOptions {
    /// Size of the hidden vector (fastText: 100).
    pub dim: usize,
    /// Passes over the data (fastText: 5).
    pub epoch: u32,
    /// Initial learning rate (fastText: 0.1), decayed linearly to 0.
    pub lr: f32,
    /// Longest word n-gram (fastText: 1, words only).
    pub word_ngrams: u32,
    /// Words seen fewer times are left out of the dictionary (fastText: 1).
    pub min_count: u64,
    /// Labels seen fewer times are left out (fastText: 0).
    pub min_count_label: u64,
    /// Shortest and longest character n-gram (fastText supervised: 0, 0 = none).
    pub minn: u32,
    pub maxn: u32,
    /// Hash buckets for character and word n-grams (fastText: 2,000,000).
    pub bucket: u32,
    /// `Softmax` or `OneVsAll` (multi-label).
    pub loss: Loss,
    /// Hogwild threads (1 = deterministic for a given seed).
    pub threads: usize,
    /// Seed of the initial weights and of each thread's label choice.
    pub seed: u64,
    /// Tokens a thread processes between learning-rate updates (fastText: 100).
    pub lr_update_rate: u64,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions {
            dim: 100,
            epoch: 5,
            lr: 0.1,
            word_ngrams: 1,
            min_count: 1,
            min_count_label: 0,
            minn: 0,
            maxn: 0,
            bucket: 2_000_000,
            loss: Loss::Softmax,
            threads: 1,
            seed: 0,
            lr_update_rate: 100,
        }
    }
}

/// A trained model: the file bytes and the same model loaded.
pub struct Trained {
    pub bytes: Vec<u8>,
    pub model: Model,
    /// Average loss over the last epoch's examples.
    pub loss: f64,
    pub words: usize,
    pub labels: usize,
    pub tokens: i64,
}

/// Trains on `examples` (labels are names without `__label__`).
pub fn train(examples: &[Example], o: &TrainOptions) -> anyhow::Result<Trained> {
    anyhow::ensure!(
        matches!(o.loss, Loss::Softmax | Loss::OneVsAll),
        "classifier train: only the softmax and one-vs-all losses are implemented"
    );
    anyhow::ensure!(
        (1..=1 << 16).contains(&o.dim),
        "classifier train: dim {} is not in 1..=65536",
        o.dim
    );
    anyhow::ensure!(
        o.epoch > 0 && o.lr > 0.0,
        "classifier train: epoch and lr must be positive"
    );
    anyhow::ensure!(
        o.maxn == 0 || (o.minn >= 1 && o.minn <= o.maxn),
        "classifier train: character n-grams need 1 <= minn <= maxn (or maxn 0 for none)"
    );
    // fastText's rule: without n-grams no bucket rows are allocated.
    let mut o = o.clone();
    if o.maxn == 0 && o.word_ngrams <= 1 {
        o.bucket = 0;
    }
    let o = &o;
    let built = dict::build(examples, o)?;
    anyhow::ensure!(
        !built.labels.is_empty(),
        "classifier train: no label is seen at least {} times; check the label field",
        o.min_count_label
    );
    let nlabels = built.labels.len();
    let rows = built.nwords + o.bucket as usize;
    let (input, output, loss) = sgd::run(&built.lines, rows, nlabels, built.ntokens, o);
    let mut bytes = built.header;
    super::write::dense_matrix(&mut bytes, rows, o.dim, input.into_iter());
    super::write::dense_matrix(&mut bytes, nlabels, o.dim, output.into_iter());
    let model = Model::from_bytes(&bytes)
        .map_err(|e| anyhow::anyhow!("classifier train: the written model does not read back: {e}"))?;
    Ok(Trained {
        bytes,
        model,
        loss,
        words: built.nwords,
        labels: nlabels,
        tokens: built.ntokens,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ex(text: &str, label: &str) -> Example {
        Example {
            text: text.into(),
            labels: vec![label.into()],
        }
    }

    /// Two separable classes: the written file reads back with the labels
    /// fastText would store, words sorted by count, and predicts both right;
    /// one thread and one seed give the same bytes twice.
    #[test]
    fn trains_a_model_that_reads_back_and_separates_two_classes() {
        let mut data = Vec::new();
        for i in 0..200 {
            data.push(ex(&format!("the cat sat on the mat {i}"), "animal"));
            data.push(ex(&format!("click save then open settings {i}"), "ui"));
        }
        let o = TrainOptions {
            dim: 8,
            epoch: 5,
            lr: 0.5,
            word_ngrams: 2,
            minn: 2,
            maxn: 3,
            bucket: 1000,
            ..TrainOptions::default()
        };
        let t = train(&data, &o).unwrap();
        assert_eq!(t.labels, 2);
        assert_eq!(t.model.labels(), ["__label__animal", "__label__ui"]);
        assert_eq!(t.model.predict("a cat on a mat", 1, 0.0)[0].0, "__label__animal");
        assert_eq!(t.model.predict("open the settings", 1, 0.0)[0].0, "__label__ui");
        assert_eq!(train(&data, &o).unwrap().bytes, t.bytes);
        let ova = train(
            &data,
            &TrainOptions {
                loss: Loss::OneVsAll,
                ..o.clone()
            },
        )
        .unwrap();
        assert_eq!(ova.model.predict("save settings", 1, 0.0)[0].0, "__label__ui");
    }
}
