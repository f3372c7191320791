//! `eurocurate-bench lid`: accuracy of the embedded language identifier on a
//! held-out folder of real sentences (`<iso>.txt`, one per line), and its
//! speed on 1 KB documents. `benches/lid-accuracy.sh` builds the folder and
//! times the reference fastText on the same documents.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::time::Instant;

use anyhow::Context;

use eurocurate::document::Document;
use eurocurate::fasttext::Scratch;
use eurocurate::langs::EU24;
use eurocurate::stages::lid::{model, predict, prepare, LanguageIdConfig};
use eurocurate::stages::{StageConfig, TaskContext};

use crate::common::thread_cpu_seconds;
use eurocurate::stats::Counters;

/// Pairs that language identifiers confuse, reported separately.
const WEAK_PAIRS: &[(&str, &[&str])] = &[
    ("hr", &["sr", "bs", "sh"]),
    ("cs", &["sk"]),
    ("sk", &["cs"]),
    ("ga", &["gd"]),
    ("mt", &["it", "ar"]),
];

/// Runs the evaluation on `dir` (open and closed label set) and prints
/// per-language accuracy and speed.
pub fn run(dir: &Path) -> anyhow::Result<()> {
    accuracy(dir, Mode::ArgmaxOpen)?;
    accuracy(dir, Mode::ArgmaxClosed)?;
    accuracy(dir, Mode::Stage)?;
    speed(dir)
}

/// How a sentence's language is decided in an evaluation.
#[derive(Clone, Copy, PartialEq)]
enum Mode {
    /// The model's top label.
    ArgmaxOpen,
    /// The best EU24 label of the model's top 20.
    ArgmaxClosed,
    /// The `language_id` stage with its defaults and the langs/ thresholds:
    /// a sentence under its threshold leaves as `und` and counts as wrong.
    Stage,
}

fn accuracy(dir: &Path, mode: Mode) -> anyhow::Result<()> {
    let model = model::load(None)?;
    let (mut line, mut scratch) = (String::new(), Scratch::default());
    let cfg: LanguageIdConfig = serde_json::from_value(serde_json::json!({}))?;
    let ctx = TaskContext::standalone();
    let mut stage = cfg.build(&ctx)?;
    let mut counters = Counters::default();
    let mut per_lang: BTreeMap<String, (usize, usize, BTreeMap<String, usize>)> = BTreeMap::new();
    for iso in EU24 {
        let path = dir.join(format!("{iso}.txt"));
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let entry = per_lang.entry(iso.to_string()).or_default();
        for sentence in text.lines().map(str::trim).filter(|s| s.chars().count() >= 40) {
            let got = match mode {
                Mode::Stage => {
                    let mut doc = Document::new("s", sentence);
                    stage.process(&mut doc, &mut counters)?;
                    doc.lang.unwrap_or_else(|| "und".into())
                }
                Mode::ArgmaxOpen | Mode::ArgmaxClosed => {
                    prepare(sentence, usize::MAX, &mut line);
                    let preds = predict(
                        &model,
                        &mut scratch,
                        &line,
                        if mode == Mode::ArgmaxClosed { 20 } else { 1 },
                    );
                    let top = if mode == Mode::ArgmaxClosed {
                        preds
                            .iter()
                            .find(|p| EU24.contains(&p.label.lang.as_str()))
                            .or(preds.first())
                    } else {
                        preds.first()
                    };
                    top.map(|p| p.label.lang.clone()).unwrap_or_else(|| "und".into())
                }
            };
            entry.0 += 1;
            if got == iso {
                entry.1 += 1;
            } else {
                *entry.2.entry(got).or_default() += 1;
            }
        }
    }
    anyhow::ensure!(!per_lang.is_empty(), "no <iso>.txt files in {}", dir.display());
    let how = match mode {
        Mode::ArgmaxOpen => "model top label (open set)",
        Mode::ArgmaxClosed => "best EU24 label of the top 20 (closed set)",
        Mode::Stage => "language_id stage, defaults and langs/ thresholds (und = wrong)",
    };
    println!(
        "lid  lid.176.ftz, {how}, held-out sentences >= 40 characters from {}",
        dir.display()
    );
    println!("  {:<4} {:>6} {:>9}  most frequent errors", "lang", "n", "accuracy");
    let mut sum = 0.0;
    for (iso, (n, ok, errors)) in &per_lang {
        let acc = *ok as f64 / (*n).max(1) as f64;
        sum += acc;
        let mut errs: Vec<(&String, &usize)> = errors.iter().collect();
        errs.sort_by(|a, b| b.1.cmp(a.1));
        let shown: Vec<String> = errs.iter().take(3).map(|(l, c)| format!("{l}:{c}")).collect();
        println!("  {iso:<4} {n:>6} {:>8.2}%  {}", 100.0 * acc, shown.join(" "));
    }
    let missing: Vec<&str> = EU24.iter().copied().filter(|l| !per_lang.contains_key(*l)).collect();
    println!(
        "  macro-average accuracy over {} languages: {:.2}%{}",
        per_lang.len(),
        100.0 * sum / per_lang.len() as f64,
        if missing.is_empty() {
            String::new()
        } else {
            format!(" (no held-out data for: {})", missing.join(", "))
        }
    );
    for (lang, confusable) in WEAK_PAIRS {
        if let Some((n, _, errors)) = per_lang.get(*lang) {
            let c: usize = confusable.iter().map(|x| errors.get(*x).copied().unwrap_or(0)).sum();
            println!("  weak pair {lang} -> {}: {c} of {n} sentences", confusable.join("/"));
        }
    }
    Ok(())
}

/// Timed passes per setting, each `ROUNDS` times over the speed documents.
const PASSES: usize = 5;
const ROUNDS: usize = 4;

fn speed(dir: &Path) -> anyhow::Result<()> {
    let model = model::load(None)?;
    let mut line = String::new();
    let mut all_sentences = Vec::new();
    for iso in EU24 {
        if let Ok(text) = std::fs::read_to_string(dir.join(format!("{iso}.txt"))) {
            all_sentences.extend(
                text.lines()
                    .map(str::trim)
                    .filter(|s| s.chars().count() >= 40)
                    .map(str::to_string),
            );
        }
    }
    // Speed on 1 KB documents made of the held-out sentences.
    let mut docs = Vec::new();
    let mut cur = String::new();
    for s in &all_sentences {
        cur.push_str(s);
        cur.push(' ');
        if cur.len() >= 1000 {
            docs.push(std::mem::take(&mut cur));
        }
    }
    let speed_file = dir.join("speed-1kb.txt");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&speed_file).context("cannot write the speed corpus")?);
    for d in &docs {
        writeln!(f, "{}", d.trim_end())?;
    }
    f.flush()?;
    let bytes: usize = docs.iter().map(String::len).sum();
    let mut scratch = Scratch::default();
    let mut ours = Vec::new();
    // Each pass over the documents is timed on its own; the best pass is
    // reported (the machine may be shared) with the median next to it.
    for k in [1, 20] {
        let mut rates = Vec::new();
        let t0 = Instant::now();
        for _ in 0..PASSES {
            let cpu0 = thread_cpu_seconds();
            for _ in 0..ROUNDS {
                for d in &docs {
                    prepare(d, 10_000, &mut line);
                    std::hint::black_box(predict(&model, &mut scratch, &line, k));
                }
            }
            rates.push((ROUNDS * docs.len()) as f64 / (thread_cpu_seconds() - cpu0).max(1e-6));
        }
        rates.sort_by(f64::total_cmp);
        let (best, median) = (rates[PASSES - 1], rates[PASSES / 2]);
        println!(
            "  speed k={k:<2}   eurocurate (Rust fastText): {PASSES} passes of {} predictions on 1 KB documents in {:.2} s: best {best:.0} predictions/s per core ({:.1} MB/s), median {median:.0}",
            ROUNDS * docs.len(),
            t0.elapsed().as_secs_f64(),
            best * bytes as f64 / docs.len() as f64 / 1e6,
        );
        ours.push(best);
    }
    println!("RESULT eurocurate_predictions_per_core={:.1}", ours[0]);
    match reference_speed(&speed_file) {
        Ok(theirs) => {
            for ((k, o), t) in [1, 20].iter().zip(&ours).zip(&theirs) {
                println!(
                    "  speed k={k:<2}   reference C++ fastText (PyPI fasttext-predict, same documents): best {t:.0} predictions/s per core; eurocurate / reference {:.2}x",
                    o / t
                );
            }
            println!("RESULT reference_predictions_per_core={:.1}", theirs[0]);
        }
        Err(e) => println!("  reference C++ fastText not measured: {e:#}"),
    }
    Ok(())
}

/// Times the C++ fastText on the speed corpus through PyPI
/// `fasttext-predict` (the reference of `fixtures/lid-reference.jsonl.zst`)
/// in the Python named by `EUROCURATE_LID_REFERENCE_PYTHON` (default
/// `python3`): predictions per CPU second of that process for k = 1 and 20,
/// best of three passes.
fn reference_speed(speed_file: &Path) -> anyhow::Result<Vec<f64>> {
    const SCRIPT: &str = r#"
import sys, time, fasttext
m = fasttext.load_model(sys.argv[1])
docs = [l.rstrip("\n") for l in open(sys.argv[2], encoding="utf-8")]
out = []
for k in (1, 20):
    rates = []
    for _ in range(3):
        t0 = time.thread_time()
        for d in docs:
            m.predict(d[:10000], k=k)
        rates.append(len(docs) / (time.thread_time() - t0))
    out.append(max(rates))
print(" ".join(f"{x:.3f}" for x in out))
"#;
    crate::common::reference_fasttext_numbers(
        "EUROCURATE_LID_REFERENCE_PYTHON",
        "fasttext-predict==0.9.2.4",
        SCRIPT,
        model::EMBEDDED_LID176,
        speed_file,
    )
}
