//! A large benchmark set through `decontaminate`'s sharded index: a
//! generated JSONL benchmark file of the given size, the index phase's tasks
//! run one after the other in this process (the peak RSS of each task
//! measured apart), then matching on the memory-mapped index. Shows whether
//! memory per task stays bounded as the benchmark set grows.

use std::io::Write;
use std::path::{Path, PathBuf};

use eurocurate::stages::decontaminate::{DecontaminateConfig, Matcher};
use eurocurate::stages::{StageConfig, TaskContext};
use eurocurate::stats::TaskStats;

use crate::common::{cpu_seconds, peak_rss, reset_peak_rss};

/// Words of the generated vocabulary (random 4–9 letter strings).
pub fn vocabulary(rng: &mut eurocurate::rng::Rng) -> Vec<String> {
    (0..50_000)
        .map(|_| {
            let len = 4 + (rng.next_u64() % 6) as usize;
            (0..len).map(|_| (b'a' + (rng.next_u64() % 26) as u8) as char).collect()
        })
        .collect()
}

fn sentence(rng: &mut eurocurate::rng::Rng, vocab: &[String], words: usize) -> String {
    (0..words)
        .map(|_| vocab[(rng.next_u64() % vocab.len() as u64) as usize].as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A benchmark file of about `mb` MB: QA items of a 60-word question and a
/// 40-word answer (88 13-grams each).
fn generate(path: &Path, mb: u64) -> anyhow::Result<()> {
    if std::fs::metadata(path).is_ok_and(|m| m.len() >= mb << 20) {
        return Ok(());
    }
    let mut rng = eurocurate::rng::Rng::new(26);
    let vocab = vocabulary(&mut rng);
    let tmp = path.with_extension("tmp");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&tmp)?);
    let (mut bytes, mut i) = (0u64, 0u64);
    while bytes < mb << 20 {
        let lang = ["de", "fr", "pl", "sv"][(i % 4) as usize];
        let line = serde_json::json!({
            "id": format!("g{i}"),
            "benchmark": format!("gen{}", i % 7),
            "lang": lang,
            "question": sentence(&mut rng, &vocab, 60),
            "answer": sentence(&mut rng, &vocab, 40),
        })
        .to_string();
        bytes += line.len() as u64 + 1;
        writeln!(out, "{line}")?;
        i += 1;
    }
    out.flush()?;
    drop(out);
    std::fs::rename(&tmp, path)?;
    Ok(())
}

/// Resident anonymous memory now (heap; not the mapped index files).
fn rss_anon() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("RssAnon:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse::<u64>().ok())
        })
        .unwrap_or(0)
        * 1024
}

pub fn run(dir: &Path, mb: u64, shards: usize) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)?;
    let items: PathBuf = dir.join(format!("bench-{mb}mb.jsonl"));
    generate(&items, mb)?;
    let work = dir.join(format!("work-{mb}mb-{shards}"));
    let _ = std::fs::remove_dir_all(&work);
    let cfg: DecontaminateConfig = serde_json::from_value(serde_json::json!({
        "benchmarks": [{"path": items.to_string_lossy()}],
        "index_shards": shards,
    }))?;
    let steps = cfg.prepare_steps();
    anyhow::ensure!(steps.len() == 2, "index_shards {shards} plans no index phase");
    let mut peaks = Vec::new();
    let mut cpu = Vec::new();
    let mut ngrams = 0u64;
    for (step, rs) in steps.iter().enumerate() {
        for task in 0..rs.tasks {
            let ctx = TaskContext {
                work_dir: work.clone(),
                phase: step,
                task,
                tasks: rs.tasks,
            };
            reset_peak_rss();
            let t0 = cpu_seconds();
            let mut stats = TaskStats::default();
            cfg.prepare(step, &ctx, &mut stats)?;
            cpu.push((step, cpu_seconds() - t0));
            peaks.push((step, peak_rss()));
            ngrams += stats.counters.get("index_entries");
        }
    }
    let max_peak = |s: usize| peaks.iter().filter(|p| p.0 == s).map(|p| p.1).max().unwrap_or(0);
    let sum_cpu = |s: usize| cpu.iter().filter(|p| p.0 == s).map(|p| p.1).sum::<f64>();
    let mill = ngrams as f64 / 1e6;
    println!(
        "sharded index of a {mb} MB benchmark set ({:.1} M (n-gram, item) pairs), {shards} shards: index tasks peak RSS max {:.0} MB, item task {:.0} MB; build {:.1} CPU-s ({:.2} per million pairs; every index task reads the whole set)",
        mill,
        max_peak(0) as f64 / 1e6,
        max_peak(1) as f64 / 1e6,
        sum_cpu(0) + sum_cpu(1),
        (sum_cpu(0) + sum_cpu(1)) / mill.max(1e-9)
    );
    // a map task: the mapped index, documents of generated words with every
    // 100th one holding an item of the set
    reset_peak_rss();
    let anon0 = rss_anon();
    let index = cfg.index_for(&work)?;
    let mut m = Matcher::new(index.clone(), cfg.min_overlap, cfg.short_item_coverage);
    let mut rng = eurocurate::rng::Rng::new(7);
    let vocab = vocabulary(&mut eurocurate::rng::Rng::new(99));
    use std::io::BufRead;
    let planted = std::io::BufReader::new(std::fs::File::open(&items)?)
        .lines()
        .step_by(20_000)
        .take(50)
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(&l.expect("generated file")).expect("generated JSON");
            format!(
                "{} {}",
                v["question"].as_str().unwrap_or(""),
                v["answer"].as_str().unwrap_or("")
            )
        })
        .collect::<Vec<_>>();
    let docs: Vec<String> = (0..2000)
        .map(|i| {
            let mut d = sentence(&mut rng, &vocab, 500);
            if i % 40 == 0 {
                d.push('\n');
                d.push_str(&planted[(i / 40) % planted.len()]);
            }
            d
        })
        .collect();
    let words: usize = docs.iter().map(|d| d.split(' ').count()).sum();
    let t0 = cpu_seconds();
    let found = docs.iter().filter(|d| !m.find(d).is_empty()).count();
    let secs = cpu_seconds() - t0;
    println!(
        "  map task on the mapped index: {} of {} planted documents found, peak RSS {:.0} MB (anonymous {:.0} MB; the rest are index pages the system maps and may evict, shared by every task on the node), {:.0} ns per document word, {:.0} documents per CPU-second",
        found,
        docs.len().div_ceil(40),
        peak_rss() as f64 / 1e6,
        rss_anon().saturating_sub(anon0) as f64 / 1e6,
        secs * 1e9 / words as f64,
        docs.len() as f64 / secs.max(1e-9)
    );
    Ok(())
}
