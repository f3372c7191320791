//! `eurocurate classifier train`: a fastText supervised model from labelled
//! JSONL (labels from people or from an LLM annotation run), with a
//! held-out split and its accuracy printed overall, per label and per
//! language, written in fastText's `.bin` format for the `classify` stage
//! (and for fastText itself).

use std::collections::BTreeMap;
use std::io::{BufRead, Write};
use std::path::PathBuf;

use anyhow::Context;

use crate::fasttext::train::{train, Example, TrainOptions};
use crate::fasttext::Loss;

/// Arguments of `classifier train`.
#[derive(Debug, clap::Args)]
pub struct TrainArgs {
    /// Labelled JSONL files (`.jsonl`, `.jsonl.gz`, `.jsonl.zst`), one example a line.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// Where to write the model (fastText `.bin`).
    #[arg(long, short)]
    pub out: PathBuf,
    /// The field holding the text.
    #[arg(long, default_value = "text")]
    pub text_field: String,
    /// The field holding the label: a string, or a list of strings for several labels.
    #[arg(long, default_value = "label")]
    pub label_field: String,
    /// A field holding the language, for per-language held-out accuracy (optional).
    #[arg(long, default_value = "lang")]
    pub lang_field: String,
    /// Share of examples held out for the accuracy, chosen by a hash of the text (0 for none).
    #[arg(long, default_value_t = 0.1)]
    pub holdout: f64,
    /// Write the split as fastText text files (DIR/train.txt, DIR/heldout.txt:
    /// `__label__x text` a line), so the reference fastText can train on exactly the same examples.
    #[arg(long, value_name = "DIR")]
    pub write_split: Option<PathBuf>,
    /// Size of the hidden vector.
    #[arg(long, default_value_t = 100)]
    pub dim: usize,
    /// Passes over the training examples.
    #[arg(long, default_value_t = 5)]
    pub epoch: u32,
    /// Initial learning rate, decayed linearly to 0.
    #[arg(long, default_value_t = 0.1)]
    pub lr: f32,
    /// Longest word n-gram (1 = words only).
    #[arg(long, default_value_t = 1)]
    pub word_ngrams: u32,
    /// Words seen fewer times are left out.
    #[arg(long, default_value_t = 1)]
    pub min_count: u64,
    /// Shortest character n-gram (with --maxn).
    #[arg(long, default_value_t = 0)]
    pub minn: u32,
    /// Longest character n-gram (0 = none).
    #[arg(long, default_value_t = 0)]
    pub maxn: u32,
    /// Hash buckets of character and word n-grams (rows of the model: the size driver).
    #[arg(long, default_value_t = 2_000_000)]
    pub bucket: u32,
    /// `softmax` (one label per example) or `ova` (one-vs-all, several labels per example).
    #[arg(long, default_value = "softmax", value_parser = ["softmax", "ova"])]
    pub loss: String,
    /// Hogwild threads (1 gives the same model for the same seed every time).
    #[arg(long, default_value_t = 1)]
    pub threads: usize,
    /// Seed of the initial weights.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
}

/// One example read, with its language.
struct Read {
    example: Example,
    lang: Option<String>,
}

fn read_examples(a: &TrainArgs) -> anyhow::Result<(Vec<Read>, u64)> {
    let mut out = Vec::new();
    let mut skipped = 0u64;
    for path in &a.inputs {
        let counter = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
        let reader = std::io::BufReader::new(
            crate::io::compress::open(path, 0, counter).with_context(|| format!("cannot read {}", path.display()))?,
        );
        for (i, line) in reader.lines().enumerate() {
            let line = line.with_context(|| format!("{}:{}: cannot read the line", path.display(), i + 1))?;
            if line.trim().is_empty() {
                continue;
            }
            let at = || format!("{}:{}", path.display(), i + 1);
            let v: serde_json::Value = match serde_json::from_str(&line) {
                Ok(v) => v,
                Err(e) => {
                    eprintln!("{}: not JSON ({e}); skipped", at());
                    skipped += 1;
                    continue;
                }
            };
            let Some(text) = v.get(&a.text_field).and_then(|t| t.as_str()) else {
                eprintln!("{}: no string field `{}`; skipped", at(), a.text_field);
                skipped += 1;
                continue;
            };
            let labels: Vec<String> = match v.get(&a.label_field) {
                Some(serde_json::Value::String(s)) => vec![s.clone()],
                Some(serde_json::Value::Array(xs)) => {
                    xs.iter().filter_map(|x| x.as_str().map(str::to_string)).collect()
                }
                Some(serde_json::Value::Number(n)) => vec![n.to_string()],
                Some(serde_json::Value::Bool(b)) => vec![b.to_string()],
                _ => Vec::new(),
            };
            if labels.is_empty() {
                eprintln!("{}: no label in field `{}`; skipped", at(), a.label_field);
                skipped += 1;
                continue;
            }
            if let Some(bad) = labels.iter().find(|l| l.is_empty() || l.contains(char::is_whitespace)) {
                anyhow::bail!(
                    "{}: label `{bad}` is empty or contains white space, which fastText cannot store; rename it (e.g. `{}`)",
                    at(),
                    bad.split_whitespace().collect::<Vec<_>>().join("_")
                );
            }
            let lang = v.get(&a.lang_field).and_then(|l| l.as_str()).map(str::to_string);
            out.push(Read {
                example: Example {
                    text: text.to_string(),
                    labels,
                },
                lang,
            });
        }
    }
    Ok((out, skipped))
}

/// True when the example is held out: by a hash of its text, so the split
/// does not depend on file order and duplicates stay on one side.
fn held_out(text: &str, share: f64) -> bool {
    let h = xxhash_rust::xxh3::xxh3_64(text.as_bytes());
    (h >> 11) as f64 / (1u64 << 53) as f64 <= share && share > 0.0
}

fn fasttext_line(e: &Example) -> String {
    let mut s = String::new();
    for l in &e.labels {
        s.push_str("__label__");
        s.push_str(l);
        s.push(' ');
    }
    s.extend(e.text.chars().map(|c| if c == '\n' || c == '\r' { ' ' } else { c }));
    s.push('\n');
    s
}

fn write_split(dir: &std::path::Path, train: &[&Read], test: &[&Read]) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    for (name, set) in [("train.txt", train), ("heldout.txt", test)] {
        let mut text = String::new();
        for r in set {
            text.push_str(&fasttext_line(&r.example));
        }
        crate::io::atomic::write_file(&dir.join(name), text.as_bytes())
            .with_context(|| format!("cannot write {}", dir.join(name).display()))?;
    }
    Ok(())
}

/// Runs `classifier train`.
pub fn run(a: &TrainArgs) -> anyhow::Result<()> {
    let (all, skipped) = read_examples(a)?;
    anyhow::ensure!(
        !all.is_empty(),
        "no labelled example in the inputs; check --text-field and --label-field"
    );
    anyhow::ensure!(
        (0.0..1.0).contains(&a.holdout),
        "--holdout {} is not in [0, 1)",
        a.holdout
    );
    let (test, train_set): (Vec<&Read>, Vec<&Read>) = all.iter().partition(|r| held_out(&r.example.text, a.holdout));
    anyhow::ensure!(!train_set.is_empty(), "every example is held out; lower --holdout");
    if let Some(dir) = &a.write_split {
        write_split(dir, &train_set, &test)?;
    }
    let o = TrainOptions {
        dim: a.dim,
        epoch: a.epoch,
        lr: a.lr,
        word_ngrams: a.word_ngrams,
        min_count: a.min_count,
        min_count_label: 0,
        minn: a.minn,
        maxn: a.maxn,
        bucket: a.bucket,
        loss: if a.loss == "ova" { Loss::OneVsAll } else { Loss::Softmax },
        threads: a.threads.max(1),
        seed: a.seed,
        lr_update_rate: 100,
    };
    let examples: Vec<Example> = train_set.iter().map(|r| r.example.clone()).collect();
    let started = std::time::Instant::now();
    let t = train(&examples, &o)?;
    let secs = started.elapsed().as_secs_f64();
    let mut stdout = std::io::stdout().lock();
    writeln!(
        stdout,
        "read {} examples ({skipped} skipped); trained on {}, held out {}; {} words, {} labels, {} tokens; {secs:.1} s, loss {:.4}",
        all.len(),
        train_set.len(),
        test.len(),
        t.words,
        t.labels,
        t.tokens,
        t.loss
    )?;
    if !test.is_empty() {
        let report = evaluate(&t.model, &test);
        write!(stdout, "{report}")?;
    }
    if let Some(dir) = &a.write_split {
        // Our top label and probability per held-out line, for the
        // reference fastText to compare with its own predictions.
        let mut s = crate::fasttext::Scratch::default();
        let mut text = String::new();
        for r in &test {
            let line = r.example.text.replace(['\n', '\r'], " ");
            let top = t.model.predict_with(&mut s, &line, 1, 0.0);
            let (l, p) = top.first().copied().unwrap_or(("", 0.0));
            text.push_str(&format!("{l}\t{p}\n"));
        }
        let path = dir.join("heldout.predictions");
        crate::io::atomic::write_file(&path, text.as_bytes())
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    crate::io::atomic::write_file(&a.out, &t.bytes).with_context(|| format!("cannot write {}", a.out.display()))?;
    writeln!(stdout, "wrote {} ({} bytes)", a.out.display(), t.bytes.len())?;
    Ok(())
}

/// Held-out accuracy: the top label is one of the example's labels
/// (fastText's precision at 1), overall, per true label and per language.
fn evaluate(model: &crate::fasttext::Model, test: &[&Read]) -> String {
    let mut s = crate::fasttext::Scratch::default();
    let mut by_label: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    let mut by_lang: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    let (mut right, mut n) = (0u64, 0u64);
    for r in test {
        let text: String = r.example.text.replace(['\n', '\r'], " ");
        let top = model.predict_with(&mut s, &text, 1, 0.0);
        let ok = top.first().is_some_and(|(l, _)| {
            r.example
                .labels
                .iter()
                .any(|x| l.strip_prefix("__label__") == Some(x.as_str()))
        });
        right += ok as u64;
        n += 1;
        let e = by_label.entry(r.example.labels[0].clone()).or_default();
        e.0 += ok as u64;
        e.1 += 1;
        if let Some(l) = &r.lang {
            let e = by_lang.entry(l.clone()).or_default();
            e.0 += ok as u64;
            e.1 += 1;
        }
    }
    let pct = |(a, b): (u64, u64)| 100.0 * a as f64 / b.max(1) as f64;
    let mut out = format!("held-out accuracy {:.2}% ({right}/{n})\n", pct((right, n)));
    for (what, table) in [("label", &by_label), ("language", &by_lang)] {
        if table.len() < 2 && what == "language" {
            continue;
        }
        let worst = table
            .iter()
            .min_by(|a, b| pct(*a.1).total_cmp(&pct(*b.1)))
            .map(|(k, v)| format!("{k} {:.2}%", pct(*v)))
            .unwrap_or_default();
        out.push_str(&format!("  per {what} (worst: {worst}):\n"));
        for (k, v) in table {
            out.push_str(&format!("    {k:<12} {:6.2}%  ({}/{})\n", pct(*v), v.0, v.1));
        }
    }
    out
}
