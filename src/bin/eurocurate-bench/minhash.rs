//! `eurocurate bench minhash`: near-duplicate detection quality on a
//! generated corpus with known Jaccard levels, full-dedup speed per core,
//! and (with `--scale-docs`) time and peak memory of each phase at scale.
//!
//! The corpus is made here, deterministically: families of an original
//! (word-bigram text from the fixtures) and 0–3 copies edited (substitutions,
//! insertions, deletions) until their exact 5-gram Jaccard to the original
//! falls to a chosen level. Ground truth is the exact Jaccard of every pair in
//! a family (and of any cross-family pair the tool links).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;
use rayon::prelude::*;

use crate::common::{cpu_seconds, peak_rss, reset_peak_rss};
use crate::textgen::{Rng, TextGen};
use eurocurate::exec::local::{self, RunOptions};
use eurocurate::exec::progress::ProgressMode;
use eurocurate::pipeline::{plan, spec};
use eurocurate::stages::dedup::minhash::signature::{jaccard, shingle_set};

/// Target Jaccard levels of the copies; those at or above
/// the default threshold (0.55) are duplicates, the rest must survive.
const LEVELS: [f64; 9] = [1.0, 0.95, 0.9, 0.85, 0.75, 0.7, 0.6, 0.5, 0.3];
const NGRAM: usize = 5;
const THRESHOLD: f64 = 0.55;

struct Doc {
    id: String,
    family: usize,
    text: String,
}

/// Edits `words` until the exact Jaccard to `orig` is at most `level`.
fn edit_to(gen: &TextGen, rng: &mut Rng, words: &[String], orig: &HashSet<u64>, level: f64) -> (String, f64) {
    let mut w = words.to_vec();
    if level >= 1.0 {
        return (w.join(" "), 1.0);
    }
    // Each edit changes up to `NGRAM` shingles; start near the estimate.
    let s = orig.len().max(1) as f64;
    let mut batch = ((s * (1.0 - level) / (NGRAM as f64 * (1.0 + level))) * 0.8).floor() as usize;
    loop {
        for _ in 0..batch.max(1) {
            let at = rng.below(w.len().max(1));
            match rng.below(4) {
                0 if w.len() > NGRAM + 1 => {
                    w.remove(at);
                }
                1 => w.insert(at, gen.any_word(rng).to_string()),
                _ => w[at] = format!("{}{}", gen.any_word(rng), rng.below(26) as u8 as char),
            }
        }
        batch = 1;
        let text = w.join(" ");
        let j = jaccard(orig, &shingle_set(&text, NGRAM));
        if j <= level {
            return (text, j);
        }
    }
}

fn make_corpus(gen: &TextGen, docs: usize, seed: u64) -> Vec<Doc> {
    let mut rng = Rng::new(seed);
    let mut out = Vec::with_capacity(docs);
    let mut family = 0;
    while out.len() < docs {
        let len = 60 + rng.below(240);
        let words = gen.words(&mut rng, len);
        let orig = shingle_set(&words.join(" "), NGRAM);
        out.push(Doc {
            id: format!("f{family}-0"),
            family,
            text: words.join(" "),
        });
        for k in 1..=rng.below(4) {
            let level = LEVELS[rng.below(LEVELS.len())];
            let (text, _) = edit_to(gen, &mut rng, &words, &orig, level);
            out.push(Doc {
                id: format!("f{family}-{k}"),
                family,
                text,
            });
        }
        family += 1;
    }
    // Copies should not always follow their original.
    for i in (1..out.len()).rev() {
        out.swap(i, rng.below(i + 1));
    }
    out
}

fn write_jsonl(docs: &[Doc], path: &Path) -> anyhow::Result<u64> {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path)?);
    let mut bytes = 0;
    for d in docs {
        let line = serde_json::to_string(&serde_json::json!({"id": d.id, "text": d.text, "family": d.family}))?;
        f.write_all(line.as_bytes())?;
        f.write_all(b"\n")?;
        bytes += d.text.len() as u64;
    }
    f.flush()?;
    Ok(bytes)
}

/// Removed id → kept id, from a run's rejected/ folder.
fn removals(out: &Path) -> anyhow::Result<BTreeMap<String, String>> {
    let mut map = BTreeMap::new();
    let dir = out.join("rejected");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .with_context(|| format!("no rejected/ in {}", out.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".jsonl.zst"))
        .collect();
    files.sort();
    for f in files {
        let raw = zstd::decode_all(std::fs::File::open(&f)?)?;
        for line in raw.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
            let v: serde_json::Value = serde_json::from_slice(line)?;
            let detail = v["detail"].as_str().unwrap_or("");
            let kept = detail
                .strip_prefix("near-duplicate of ")
                .and_then(|r| r.rsplit_once(" (cluster of "))
                .map(|(k, _)| k.to_string())
                .context("rejected record without a kept id")?;
            map.insert(v["id"].as_str().unwrap_or("").to_string(), kept);
        }
    }
    Ok(map)
}

struct RunResult {
    removed: BTreeMap<String, String>,
    cpu: f64,
    wall: f64,
    rss: u64,
}

fn run_dedup(dir: &Path, input: &Path, name: &str, stage: &str, tasks: usize) -> anyhow::Result<RunResult> {
    let out = dir.join(name);
    let _ = std::fs::remove_dir_all(&out);
    let yaml = format!(
        "name: bench-minhash\ninput:\n  kind: jsonl\n  paths: [\"{}\"]\n  split_mb: 4\nstages:\n  - {stage}\noutput:\n  kind: jsonl\n  path: {}\nexecutor:\n  tasks: {tasks}\n",
        input.display(),
        out.display()
    );
    let pipeline = dir.join(format!("{name}.yaml"));
    std::fs::write(&pipeline, &yaml)?;
    let plan = plan::build(spec::parse(&pipeline, &yaml, |_| None)?, &pipeline)?;
    reset_peak_rss();
    let (cpu0, t0) = (cpu_seconds(), Instant::now());
    local::run(
        &plan,
        RunOptions {
            workers: None,
            restart: false,
            force: false,
            progress: ProgressMode::Quiet,
        },
    )?;
    Ok(RunResult {
        cpu: (cpu_seconds() - cpu0).max(1e-3),
        wall: t0.elapsed().as_secs_f64(),
        rss: peak_rss(),
        removed: removals(&out)?,
    })
}

/// Pair precision/recall against exact Jaccard, and detection per level.
fn evaluate(docs: &[Doc], removed: &BTreeMap<String, String>) {
    let index: HashMap<&str, usize> = docs.iter().enumerate().map(|(i, d)| (d.id.as_str(), i)).collect();
    let shingles: Vec<HashSet<u64>> = docs.par_iter().map(|d| shingle_set(&d.text, NGRAM)).collect();
    let root = |i: usize| -> usize { removed.get(&docs[i].id).map_or(i, |k| index[k.as_str()]) };
    let mut by_family: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    let mut by_root: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, d) in docs.iter().enumerate() {
        by_family.entry(d.family).or_default().push(i);
        by_root.entry(root(i)).or_default().push(i);
    }
    let mut truth = 0usize;
    let (mut found, mut resolved, mut predicted, mut correct) = (0usize, 0usize, 0usize, 0usize);
    let is_removed = |i: usize| removed.contains_key(&docs[i].id);
    // copies per exact-Jaccard band: (n, same cluster, copy or original removed)
    let bands = [(1.0, 1.01), (0.9, 1.0), (0.8, 0.9), (0.7, 0.8), (0.5, 0.7), (0.0, 0.5)];
    let mut per_band = vec![(0usize, 0usize, 0usize); bands.len()];
    for members in by_family.values() {
        for (x, &a) in members.iter().enumerate() {
            for &b in &members[x + 1..] {
                let j = jaccard(&shingles[a], &shingles[b]);
                let same = root(a) == root(b);
                let gone = is_removed(a) || is_removed(b);
                if j >= THRESHOLD {
                    truth += 1;
                    found += same as usize;
                    resolved += gone as usize;
                }
                let is_orig = |i: usize| docs[i].id.ends_with("-0");
                if is_orig(a) || is_orig(b) {
                    let band = bands.iter().position(|(lo, hi)| j >= *lo && j < *hi).unwrap_or(0);
                    per_band[band].0 += 1;
                    per_band[band].1 += same as usize;
                    per_band[band].2 += gone as usize;
                }
            }
        }
    }
    for members in by_root.values() {
        for (x, &a) in members.iter().enumerate() {
            for &b in &members[x + 1..] {
                predicted += 1;
                correct += (jaccard(&shingles[a], &shingles[b]) >= THRESHOLD) as usize;
            }
        }
    }
    let removal_ok = removed
        .iter()
        .filter(|(r, k)| jaccard(&shingles[index[r.as_str()]], &shingles[index[k.as_str()]]) >= THRESHOLD)
        .count();
    let pct = |a: usize, b: usize| a as f64 / b.max(1) as f64;
    println!(
        "    removals: {} documents, {removal_ok} with exact Jaccard >= {THRESHOLD} to the document kept: precision {:.4}",
        removed.len(),
        pct(removal_ok, removed.len())
    );
    println!(
        "    pairs with exact Jaccard >= {THRESHOLD}: {truth}; {resolved} no longer both in the output: recall {:.4}",
        pct(resolved, truth)
    );
    println!(
        "    strict cluster view: {found} of those pairs in one cluster (recall {:.4}); {predicted} pairs share a cluster, {correct} of them >= {THRESHOLD} (precision {:.4})",
        pct(found, truth),
        pct(correct, predicted)
    );
    let line: Vec<String> = bands
        .iter()
        .zip(&per_band)
        .map(|((lo, hi), (n, same, gone))| {
            let label = if *lo >= 1.0 {
                "=1.0".to_string()
            } else {
                format!("{lo:.1}-{hi:.1}")
            };
            if *lo >= THRESHOLD {
                format!("{label}: {:.1}% resolved of {n}", 100.0 * pct(*gone, *n))
            } else {
                format!("{label}: {:.1}% linked of {n}", 100.0 * pct(*same, *n))
            }
        })
        .collect();
    println!("    original-copy pairs by exact Jaccard: {}", line.join(", "));
}

/// Quality and speed on `docs` generated documents; writes the corpus as
/// plain JSONL to `dir/minhash-corpus.jsonl` for other tools.
pub fn run(dir: &Path, docs: usize, tasks: usize, scale_docs: Option<u64>) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)?;
    let gen = TextGen::from_fixtures()?;
    let t0 = Instant::now();
    let corpus = make_corpus(&gen, docs, 7);
    let input = dir.join("minhash-corpus.jsonl");
    let bytes = write_jsonl(&corpus, &input)?;
    let families = corpus.iter().map(|d| d.family).max().map_or(0, |f| f + 1);
    println!(
        "minhash_dedup  corpus: {} docs in {families} families, {:.1} MB of text, made in {:.1}s ({})",
        corpus.len(),
        bytes as f64 / 1e6,
        t0.elapsed().as_secs_f64(),
        input.display()
    );
    let mut first: Option<BTreeMap<String, String>> = None;
    for (name, stage) in [
        ("verify", "kind: minhash_dedup"),
        ("no-verify", "{kind: minhash_dedup, verify: false}"),
    ] {
        let r = run_dedup(dir, &input, &format!("minhash-out-{name}"), stage, tasks)?;
        println!(
            "  {name:<10} {tasks} tasks: {:.2}s wall, {:.2}s cpu: {:.0} docs/s per core, {:.1} MB/s per core (all four phases); peak RSS {:.0} MB",
            r.wall,
            r.cpu,
            corpus.len() as f64 / r.cpu,
            bytes as f64 / 1e6 / r.cpu,
            r.rss as f64 / 1e6
        );
        evaluate(&corpus, &r.removed);
        if first.is_none() {
            first = Some(r.removed);
        }
    }
    let one = run_dedup(dir, &input, "minhash-out-1task", "kind: minhash_dedup", 1)?;
    println!(
        "  1 task vs {tasks} tasks: {}",
        if Some(&one.removed) == first.as_ref() {
            "identical removals"
        } else {
            "DIFFERENT removals"
        }
    );
    if let Some(n) = scale_docs {
        scale(dir, &gen, n)?;
    }
    Ok(())
}

/// `n` short documents, 40% of them near copies of a recent one, through
/// all four phases; time, CPU and peak RSS per phase.
fn scale(dir: &Path, gen: &TextGen, n: u64) -> anyhow::Result<()> {
    const SHARDS: u64 = 8;
    let input = dir.join(format!("minhash-scale-{n}"));
    let t0 = Instant::now();
    if !input.join("done").is_file() {
        std::fs::create_dir_all(&input)?;
        (0..SHARDS)
            .into_par_iter()
            .try_for_each(|shard| -> anyhow::Result<()> {
                let path = input.join(format!("part-{shard:02}.jsonl.zst"));
                let mut enc =
                    zstd::stream::write::Encoder::new(std::io::BufWriter::new(std::fs::File::create(&path)?), 1)?;
                let mut rng = Rng::new(11 + shard);
                let mut recent: Vec<Vec<String>> = Vec::new();
                for i in (shard..n).step_by(SHARDS as usize) {
                    let words = if !recent.is_empty() && rng.below(10) < 4 {
                        let mut w = recent[rng.below(recent.len())].clone();
                        let at = rng.below(w.len());
                        w[at] = gen.any_word(&mut rng).to_string();
                        w
                    } else {
                        let len = 30 + rng.below(40);
                        let w = gen.words(&mut rng, len);
                        if recent.len() < 4096 {
                            recent.push(w.clone());
                        } else {
                            let slot = rng.below(recent.len());
                            recent[slot] = w.clone();
                        }
                        w
                    };
                    let line =
                        serde_json::to_string(&serde_json::json!({"id": format!("s{i}"), "text": words.join(" ")}))?;
                    enc.write_all(line.as_bytes())?;
                    enc.write_all(b"\n")?;
                }
                enc.finish()?.flush()?;
                Ok(())
            })?;
        std::fs::write(input.join("done"), b"")?;
    }
    let size: u64 = (0..SHARDS)
        .map(|s| std::fs::metadata(input.join(format!("part-{s:02}.jsonl.zst"))).map_or(0, |m| m.len()))
        .sum();
    println!(
        "\nscale  {n} short documents, 40% near copies ({:.0} MB zstd in {SHARDS} files, {}; ready in {:.0}s)",
        size as f64 / 1e6,
        input.display(),
        t0.elapsed().as_secs_f64()
    );
    let out = dir.join(format!("minhash-scale-{n}-out"));
    let _ = std::fs::remove_dir_all(&out);
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    let yaml = format!(
        "name: bench-minhash-scale\ninput:\n  kind: jsonl\n  paths: [\"{}/part-*.jsonl.zst\"]\nstages:\n  - kind: minhash_dedup\noutput:\n  kind: jsonl\n  path: {}\n  keep_rejected: false\n  compression_level: 1\nexecutor:\n  tasks: {SHARDS}\n",
        input.display(),
        out.display(),
    );
    let pipeline = dir.join("minhash-scale.yaml");
    std::fs::write(&pipeline, &yaml)?;
    let plan = plan::build(spec::parse(&pipeline, &yaml, |_| None)?, &pipeline)?;
    // Phase by phase, so each phase's peak RSS is its own.
    let pool = rayon::ThreadPoolBuilder::new().num_threads(workers).build()?;
    let (mut total_wall, mut total_cpu) = (0.0, 0.0);
    for phase in &plan.phases {
        reset_peak_rss();
        let (cpu0, t0) = (cpu_seconds(), Instant::now());
        pool.install(|| {
            (0..phase.tasks)
                .into_par_iter()
                .try_for_each(|t| local::run_one(&plan, phase.index, t, Some(phase.tasks), false).map(|_| ()))
        })?;
        let (wall, cpu) = (t0.elapsed().as_secs_f64(), cpu_seconds() - cpu0);
        total_wall += wall;
        total_cpu += cpu;
        println!(
            "  phase {} {:<40} {:>3} tasks {:>8.1}s wall {:>8.1}s cpu  peak RSS {:>7.0} MB",
            phase.index,
            phase.name,
            phase.tasks,
            wall,
            cpu,
            peak_rss() as f64 / 1e6
        );
    }
    let stats = std::fs::read(out.join("_stats").join("phase-2.json"))?;
    let stats: serde_json::Value = serde_json::from_slice(&stats)?;
    println!(
        "  total {total_wall:.1}s wall, {total_cpu:.1}s cpu on {workers} workers: {:.0} docs/s per core; {} duplicates in {} clusters",
        n as f64 / total_cpu,
        stats["counters"]["duplicates"],
        stats["counters"]["clusters"]
    );
    Ok(())
}
