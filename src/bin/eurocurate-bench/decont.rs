//! Benchmark decontamination: recall of planted benchmark items and false
//! positives on clean documents per language (gold fields written by
//! `benches/decont/make_items.py`), documents per CPU-second, and index
//! memory and lookup cost per million benchmark n-grams on generated items.

use std::collections::BTreeMap;
use std::io::BufRead;
use std::path::Path;
use std::sync::Arc;

use eurocurate::stages::decontaminate::index::{IndexBuilder, IndexParams};
use eurocurate::stages::decontaminate::items::Item;
use eurocurate::stages::decontaminate::{DecontaminateConfig, Matcher};
use serde_json::Value;

use crate::common::{cpu_seconds, peak_rss, reset_peak_rss};

struct Doc {
    text: String,
    lang: String,
    gold: Option<String>,
    variant: String,
}

fn read_docs(path: &Path) -> anyhow::Result<Vec<Doc>> {
    let f = std::io::BufReader::new(std::fs::File::open(path)?);
    let mut out = Vec::new();
    for line in f.lines() {
        let v: Value = serde_json::from_str(&line?)?;
        out.push(Doc {
            text: v["text"].as_str().unwrap_or_default().to_string(),
            lang: v["lang"].as_str().unwrap_or("und").to_string(),
            gold: v["gold_item"].as_str().map(str::to_string),
            variant: v["variant"].as_str().unwrap_or("clean").to_string(),
        });
    }
    Ok(out)
}

/// The stage's config with its defaults, or with the given settings.
fn config(items: &Path, settings: serde_json::Value) -> anyhow::Result<DecontaminateConfig> {
    let mut v = serde_json::json!({"benchmarks": [{"path": items.to_string_lossy()}]});
    if let (Some(o), Some(s)) = (v.as_object_mut(), settings.as_object()) {
        o.extend(s.clone());
    }
    Ok(serde_json::from_value(v)?)
}

fn matcher(cfg: &DecontaminateConfig) -> anyhow::Result<Matcher> {
    Ok(Matcher::new(cfg.index()?, cfg.min_overlap, cfg.short_item_coverage))
}

#[derive(Default)]
struct Tally {
    planted: u64,
    found: u64,
    clean: u64,
    false_pos: u64,
}

/// Runs every document through a matcher; returns per-language tallies, per
/// variant tallies and the CPU seconds of matching.
fn evaluate(m: &mut Matcher, docs: &[Doc]) -> (BTreeMap<String, Tally>, BTreeMap<String, Tally>, f64) {
    let mut by_lang: BTreeMap<String, Tally> = BTreeMap::new();
    let mut by_variant: BTreeMap<String, Tally> = BTreeMap::new();
    let t0 = cpu_seconds();
    let found: Vec<Vec<String>> = docs
        .iter()
        .map(|d| {
            m.find(&d.text)
                .iter()
                .map(|f| m.index.item(f.item).id.to_string())
                .collect()
        })
        .collect();
    let cpu = cpu_seconds() - t0;
    for (d, f) in docs.iter().zip(found) {
        for t in [
            by_lang.entry(d.lang.clone()).or_default(),
            by_variant.entry(d.variant.clone()).or_default(),
        ] {
            match &d.gold {
                Some(g) => {
                    t.planted += 1;
                    t.found += f.contains(g) as u64;
                }
                None => {
                    t.clean += 1;
                    t.false_pos += !f.is_empty() as u64;
                }
            }
        }
    }
    (by_lang, by_variant, cpu)
}

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 {
        f64::NAN
    } else {
        a as f64 / b as f64
    }
}

/// Quality and speed on the test set, then the index cost on generated items.
pub fn run(items: &Path, docs_path: &Path, sweep: bool, scale_ngrams: &[u64]) -> anyhow::Result<()> {
    let docs = read_docs(docs_path)?;
    let bytes: usize = docs.iter().map(|d| d.text.len()).sum();
    let cfg = config(items, serde_json::json!({}))?;
    let t0 = cpu_seconds();
    let index = cfg.index()?;
    let build = cpu_seconds() - t0;
    println!(
        "index: {} items ({} too short), {} distinct 13-grams, {} (n-gram, item) pairs, {:.1} MB, built in {build:.2} CPU-s",
        index.stats.items,
        index.stats.items_too_short,
        index.stats.distinct_ngrams,
        index.stats.entries,
        index.memory_bytes() as f64 / 1e6
    );
    let mut m = matcher(&cfg)?;
    drop(index);
    let (by_lang, by_variant, cpu) = evaluate(&mut m, &docs);
    println!(
        "defaults (ngram {}, min_overlap {}, short_item_coverage {}):",
        cfg.ngram, cfg.min_overlap, cfg.short_item_coverage
    );
    println!("  lang  planted  recall   clean  false_pos  fp_rate");
    let mut worst: Option<(String, f64)> = None;
    let mut worst_fp: Option<(String, f64)> = None;
    for (lang, t) in &by_lang {
        let r = ratio(t.found, t.planted);
        let fp = ratio(t.false_pos, t.clean);
        println!(
            "  {lang:<4} {:>8}  {r:>6.4}  {:>6}  {:>9}  {:>6.4}%",
            t.planted,
            t.clean,
            t.false_pos,
            fp * 100.0
        );
        if worst.as_ref().is_none_or(|w| r < w.1) {
            worst = Some((lang.clone(), r));
        }
        if worst_fp.as_ref().is_none_or(|w| fp > w.1) {
            worst_fp = Some((lang.clone(), fp));
        }
    }
    for (v, t) in &by_variant {
        if t.planted > 0 {
            println!(
                "  variant {v:<7} recall {:.4} ({} docs)",
                ratio(t.found, t.planted),
                t.planted
            );
        }
    }
    if let (Some(w), Some(f)) = (worst, worst_fp) {
        println!(
            "RESULT eurocurate worst_recall={:.4} ({}) worst_fp_rate={:.4}% ({})",
            w.1,
            w.0,
            f.1 * 100.0,
            f.0
        );
    }
    println!(
        "RESULT eurocurate docs_per_cpu_second={:.0} mb_per_cpu_second={:.1} ({} docs, matching only; index build {build:.2} CPU-s)",
        docs.len() as f64 / cpu.max(1e-9),
        bytes as f64 / 1e6 / cpu.max(1e-9),
        docs.len()
    );
    if sweep {
        println!("sweep (worst language recall, all-language false-positive rate):");
        let settings = [8usize, 10, 12, 13]
            .into_iter()
            .flat_map(|n| [1e-9, 0.1, 0.15, 0.2, 0.3, 0.5].map(|mo| (n, mo, 0.5)))
            .chain([0.0, 0.4, 0.6, 0.7].map(|c| (13, 0.2, c)));
        for (n, mo, cov) in settings {
            let cfg = config(
                items,
                serde_json::json!({"ngram": n, "min_overlap": mo, "short_item_coverage": cov}),
            )?;
            let mut m = matcher(&cfg)?;
            let (by_lang, _, _) = evaluate(&mut m, &docs);
            let worst = by_lang
                .iter()
                .filter(|(_, t)| t.planted > 0)
                .map(|(l, t)| (ratio(t.found, t.planted), l.clone()))
                .min_by(|a, b| a.0.total_cmp(&b.0))
                .unwrap_or((f64::NAN, String::new()));
            let (fp, clean) = by_lang.values().fold((0, 0), |a, t| (a.0 + t.false_pos, a.1 + t.clean));
            let label = if mo < 1e-6 {
                "any n-gram".to_string()
            } else {
                format!("{mo}")
            };
            println!(
                "  ngram {n:>2} min_overlap {label:<10} short_item_coverage {cov:.1}  worst recall {:.4} ({})  false positives {fp}/{clean} = {:.4}%",
                worst.0,
                worst.1,
                ratio(fp, clean) * 100.0
            );
        }
    }
    for &n in scale_ngrams {
        index_cost(n)?;
    }
    Ok(())
}

/// Index memory and lookup cost for generated items holding `ngrams`
/// distinct 13-grams (100-word items of random words).
fn index_cost(ngrams: u64) -> anyhow::Result<()> {
    let mut rng = eurocurate::rng::Rng::new(26);
    // letters only: digits normalise to `0` and would make every item one template
    let words = crate::decont_sharded::vocabulary(&mut rng);
    let per_item = 88u64; // 100 words -> 88 13-grams
    let items = ngrams / per_item;
    reset_peak_rss();
    let rss0 = peak_rss();
    let t0 = cpu_seconds();
    let mut b = IndexBuilder::new(IndexParams {
        n: 13,
        min_words: 8,
        max_items_per_ngram: 100,
    });
    let mut sample_doc = String::new();
    for i in 0..items {
        let text: Vec<&str> = (0..100)
            .map(|_| words[(rng.next_u64() % words.len() as u64) as usize].as_str())
            .collect();
        let text = text.join(" ");
        if i % (items / 20).max(1) == 0 {
            sample_doc.push_str(&text);
            sample_doc.push('\n');
        }
        b.add(Item {
            benchmark: "gen".into(),
            lang: "xx".into(),
            id: format!("{i}"),
            parts: vec![text],
            printed: None,
        })?;
    }
    let index = Arc::new(b.finish());
    let build = cpu_seconds() - t0;
    let peak = peak_rss().saturating_sub(rss0);
    // documents of random words: every n-gram is looked up, almost none is found
    let doc: String = (0..1000)
        .map(|_| words[(rng.next_u64() % words.len() as u64) as usize].as_str())
        .collect::<Vec<_>>()
        .join(" ");
    let mut m = Matcher::new(index.clone(), 0.2, 0.5);
    let rounds = 2000;
    let t0 = cpu_seconds();
    let mut found = 0;
    for _ in 0..rounds {
        found += m.find(&doc).len();
    }
    let cpu = cpu_seconds() - t0;
    let lookups = rounds as f64 * 988.0;
    let hit = m.find(&sample_doc).len();
    let mill = index.stats.entries as f64 / 1e6;
    println!(
        "index cost at {:.1} M n-grams: {:.1} MB held ({:.1} MB per million), build peak +{:.0} MB, build {:.2} CPU-s ({:.2} per million), lookup {:.0} ns per document n-gram incl. normalising ({found} chance hits; {hit} planted found)",
        mill,
        index.memory_bytes() as f64 / 1e6,
        index.memory_bytes() as f64 / 1e6 / mill,
        peak as f64 / 1e6,
        build,
        build / mill,
        cpu * 1e9 / lookups
    );
    Ok(())
}
