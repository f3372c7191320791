//! What the benches share (peak RSS, CPU seconds, the fixture documents),
//! and the I/O benches: throughput and peak memory of the I/O path, measured
//! on one core against the machine's own decompression ceiling.

use std::io::{BufRead, Write};
use std::path::Path;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;

use eurocurate::exec::local::{self, RunOptions};
use eurocurate::exec::progress::ProgressMode;
use eurocurate::io::units::{Part, Unit};
use eurocurate::io::{DocReader, ReadItem};
use eurocurate::pipeline::{plan, spec};
use eurocurate::stats::ReaderStats;

/// The `eurocurate` binary next to this one (the benches that time a
/// whole run do it in a child process of the product).
pub fn product_binary() -> anyhow::Result<std::path::PathBuf> {
    let me = std::env::current_exe()?;
    let product = me.with_file_name(format!("eurocurate{}", std::env::consts::EXE_SUFFIX));
    anyhow::ensure!(
        product.is_file(),
        "{} is missing: build both binaries (`cargo build --release`)",
        product.display()
    );
    Ok(product)
}

/// Peak resident set size of this process, in bytes (Linux `VmHWM`).
pub fn peak_rss() -> u64 {
    proc_status_kb("VmHWM:") * 1024
}

fn proc_status_kb(key: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(key))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

/// User+system CPU seconds of this process so far.
pub fn cpu_seconds() -> f64 {
    // utime and stime are fields 14 and 15 of /proc/self/stat.
    proc_stat_seconds(11)
}

/// CPU seconds of the calling thread (nanosecond clock; /proc's ticks are
/// 10 ms, too coarse for one timed pass, and wall time counts the load).
pub fn thread_cpu_seconds() -> f64 {
    let mut t = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `t` is a valid timespec for the call to write.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) };
    t.tv_sec as f64 + t.tv_nsec as f64 * 1e-9
}

/// Runs a reference fastText `script` in the Python named by `python_var`
/// (default `python3`) with a temporary copy of `model` and `speed_file` as
/// its arguments, and returns the numbers it prints. `pip` says what that
/// Python needs, for the error message.
pub fn reference_fasttext_numbers(
    python_var: &str,
    pip: &str,
    script: &str,
    model: &[u8],
    speed_file: &std::path::Path,
) -> anyhow::Result<Vec<f64>> {
    use anyhow::Context;
    let python = std::env::var(python_var).unwrap_or_else(|_| "python3".into());
    let model_file = std::env::temp_dir().join(format!("eurocurate-bench-model-{}.bin", std::process::id()));
    std::fs::write(&model_file, model).context("cannot write the model for the reference")?;
    let run = std::process::Command::new(&python)
        .arg("-c")
        .arg(script)
        .arg(&model_file)
        .arg(speed_file)
        .output();
    let _ = std::fs::remove_file(&model_file);
    let run = run.with_context(|| format!("cannot run {python}"))?;
    anyhow::ensure!(
        run.status.success(),
        "{python} failed ({}); set {python_var} to a Python with `pip install {pip}`",
        String::from_utf8_lossy(&run.stderr)
            .lines()
            .last()
            .unwrap_or("no message")
    );
    String::from_utf8_lossy(&run.stdout)
        .split_whitespace()
        .map(|x| x.parse::<f64>().context("unexpected output of the reference script"))
        .collect()
}

/// The machine's 1, 5 and 15 minute load averages, as `/proc/loadavg` says.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

/// User+system CPU seconds of waited-for child processes (fields 16, 17).
fn children_cpu_seconds() -> f64 {
    proc_stat_seconds(13)
}

/// Sum of two consecutive clock-tick fields of /proc/self/stat, counted
/// from the field after `(comm)`, in seconds (USER_HZ is 100 on Linux).
fn proc_stat_seconds(first: usize) -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(first) + ticks(first + 1)) / 100.0
}

/// The shipped JSONL fixture documents, with `lang` taken from their ids
/// (`udhr-<lang>-<n>`); real text in the 24 languages.
pub fn fixture_docs() -> anyhow::Result<Vec<eurocurate::document::Document>> {
    let mut docs = Vec::new();
    for f in ["fixtures/udhr-part1.jsonl.zst", "fixtures/udhr-part2.jsonl.gz"] {
        let mut part = eurocurate::io::jsonl::read_documents(Path::new(f), usize::MAX)
            .with_context(|| format!("bench needs the fixtures; run it from the repository root ({f})"))?;
        for d in &mut part {
            d.lang = d.id.split('-').nth(1).map(str::to_string);
        }
        docs.extend(part.into_iter().filter(|d| d.id.starts_with("udhr-")));
    }
    Ok(docs)
}

/// `eurocurate bench pii`: recall per type and country, with and without
/// the language, and look-alikes scrubbed per kind, on the independent set
/// `fixtures/pii-eval/eval.jsonl`; speed (see `pii_speed`) on dense text,
/// each pass going `rounds` times over it, on the set's sentences and on
/// `speed_mb` MB of ordinary text, written as plain
/// JSONL to `dir/pii-speed.jsonl` so other tools can be timed on the same
/// data. (`seed` is kept for the command line; the set is fixed.)
pub fn pii_bench(dir: &Path, speed_mb: u64, _seed: u64, rounds: u64) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)?;
    let source = dir.join(format!("passthrough-{speed_mb}mb.jsonl.zst"));
    if !source.is_file() {
        make_jsonl(&source, speed_mb)?;
    }
    let speed_docs = eurocurate::io::jsonl::read_documents(&source, usize::MAX)?;
    let plain = dir.join("pii-speed.jsonl");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&plain)?);
    for d in &speed_docs {
        serde_json::to_writer(&mut out, &serde_json::json!({"id": d.id, "text": d.text}))?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    crate::pii::run(Path::new(crate::pii::EVAL_SET), &speed_docs, rounds)
}

/// Texts of the shipped fixtures, the seed of generated corpora.
/// Writes about `size_mb` MB (uncompressed) of JSONL.zst of ~2 KB
/// documents from [`crate::textgen::TextGen`]; zstd sees a ratio (~3.4x at level
/// 3) like real web text rather than the 100x of copied documents.
fn make_jsonl(path: &Path, size_mb: u64) -> anyhow::Result<(u64, u64)> {
    let gen = crate::textgen::TextGen::from_fixtures()?;
    let file = std::fs::File::create(path)?;
    let mut enc = zstd::stream::write::Encoder::new(std::io::BufWriter::new(file), 3)?;
    let (mut bytes, mut docs) = (0u64, 0u64);
    let target = size_mb * 1_000_000;
    let mut rng = crate::textgen::Rng::new(1);
    while bytes < target {
        let text = gen.text(&mut rng, 2000);
        let line = serde_json::to_string(&serde_json::json!({
            "id": format!("doc-{docs}"),
            "text": text,
            "url": format!("https://example.eu/{docs}")
        }))?;
        enc.write_all(line.as_bytes())?;
        enc.write_all(b"\n")?;
        bytes += line.len() as u64 + 1;
        docs += 1;
    }
    enc.finish()?.flush()?;
    Ok((bytes, docs))
}

/// The reference ceiling: `zstd -dc FILE | wc -c` when the zstd tool exists,
/// else the same decoder in-process. Returns (MB/s wall, MB per CPU-second,
/// how it was measured).
fn zstd_ceiling(path: &Path) -> anyhow::Result<(f64, f64, String)> {
    let have_tool = std::process::Command::new("zstd")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    let (child0, own0) = (children_cpu_seconds(), cpu_seconds());
    let t0 = Instant::now();
    let bytes: u64 = if have_tool {
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("zstd -dc '{}' | wc -c", path.display()))
            .output()?;
        String::from_utf8_lossy(&out.stdout).trim().parse().unwrap_or(0)
    } else {
        let mut d = zstd::stream::read::Decoder::new(std::fs::File::open(path)?)?;
        std::io::copy(&mut d, &mut std::io::sink())?
    };
    let secs = t0.elapsed().as_secs_f64();
    let cpu = (children_cpu_seconds() - child0 + cpu_seconds() - own0).max(1e-3);
    let how = if have_tool {
        "`zstd -dc | wc -c`"
    } else {
        "in-process zstd decode (zstd tool not installed)"
    };
    Ok((bytes as f64 / 1e6 / secs, bytes as f64 / 1e6 / cpu, how.to_string()))
}

/// Resets this process's peak RSS so the next measurement covers only
/// what follows (Linux >= 4.0; harmless elsewhere).
pub fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// JSONL.zst -> normalize -> JSONL.zst on one worker, at the default output
/// level (3) and at level 1.
pub fn passthrough(dir: &Path, size_mb: u64) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)?;
    let input = dir.join(format!("passthrough-{size_mb}mb.jsonl.zst"));
    let (bytes, docs) = if input.is_file() {
        count_jsonl(&input)?
    } else {
        make_jsonl(&input, size_mb)?
    };
    let compressed = std::fs::metadata(&input)?.len();
    let (ceiling, ceiling_cpu, how) = zstd_ceiling(&input)?;
    println!("passthrough  JSONL.zst -> normalize -> JSONL.zst, 1 worker");
    println!(
        "  input        {:.1} MB uncompressed ({:.1}x zstd), {docs} docs ({})",
        bytes as f64 / 1e6,
        bytes as f64 / compressed as f64,
        input.display()
    );
    println!("  ceiling      {ceiling:.1} MB/s wall, {ceiling_cpu:.1} MB per CPU-second, by {how}");
    for level in [3, 1] {
        let out = dir.join(format!("passthrough-{size_mb}mb-out-l{level}"));
        let _ = std::fs::remove_dir_all(&out);
        let yaml = format!(
            "name: bench-passthrough\ninput:\n  kind: jsonl\n  paths: [\"{}\"]\nstages:\n  - kind: normalize\noutput:\n  kind: jsonl\n  path: {}\n  keep_rejected: false\n  compression_level: {level}\nexecutor:\n  tasks: 1\n",
            input.display(),
            out.display()
        );
        let pipeline = dir.join(format!("passthrough-l{level}.yaml"));
        std::fs::write(&pipeline, &yaml)?;
        let plan = plan::build(spec::parse(&pipeline, &yaml, |_| None)?, &pipeline)?;
        reset_peak_rss();
        let cpu0 = cpu_seconds();
        let t0 = Instant::now();
        local::run(
            &plan,
            RunOptions {
                workers: Some(1),
                restart: false,
                force: false,
                progress: ProgressMode::Quiet,
            },
        )?;
        let wall = t0.elapsed().as_secs_f64();
        let cpu = (cpu_seconds() - cpu0).max(1e-3);
        let mb = bytes as f64 / 1e6;
        println!(
            "  level {level:<2}     {wall:.2} s wall, {cpu:.2} s cpu: {:.1} MB/s per core, {:.0} docs/s per core; {:.0}% of the wall ceiling, {:.0}% of the per-CPU-second ceiling; peak RSS {:.1} MB",
            mb / cpu,
            docs as f64 / cpu,
            100.0 * (mb / cpu) / ceiling,
            100.0 * (mb / cpu) / ceiling_cpu,
            peak_rss() as f64 / 1e6
        );
    }
    Ok(())
}

fn count_jsonl(path: &Path) -> anyhow::Result<(u64, u64)> {
    let d = zstd::stream::read::Decoder::new(std::fs::File::open(path)?)?;
    let mut r = std::io::BufReader::new(d);
    let (mut bytes, mut docs) = (0u64, 0u64);
    let mut line = Vec::new();
    loop {
        line.clear();
        let n = r.read_until(b'\n', &mut line)?;
        if n == 0 {
            return Ok((bytes, docs));
        }
        bytes += n as u64;
        docs += 1;
    }
}

/// Generates a WARC.gz (one gzip member per record, like Common Crawl) from
/// the fixture pages and reads it on one core.
pub fn warc(dir: &Path, size_mb: u64) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)?;
    let path = dir.join(format!("bench-{size_mb}mb.warc.gz"));
    if !path.is_file() {
        // The fixture pages, read with the project's own WARC reader.
        let mut pages = Vec::new();
        for f in ["fixtures/crawl-a.warc.gz", "fixtures/crawl-b.warc.gz"] {
            let unit = Unit {
                path: f.into(),
                part: Part::Whole,
                bytes: 1,
            };
            let mut r = eurocurate::io::warc::WarcReader::open(
                &unit,
                vec!["response".into()],
                spec::InvalidUtf8::Replace,
                Arc::new(AtomicU64::new(0)),
            )
            .with_context(|| format!("run from the repository root ({f})"))?;
            let mut st = ReaderStats::default();
            while let Some(ReadItem::Doc(d)) = r.next_item(&mut st)? {
                let ct = d
                    .meta
                    .get("content_type")
                    .and_then(|v| v.as_str())
                    .unwrap_or("text/html");
                pages.push(format!("HTTP/1.1 200 OK\r\nContent-Type: {ct}\r\n\r\n{}", d.text).into_bytes());
            }
        }
        anyhow::ensure!(!pages.is_empty(), "no pages in the fixture crawls");
        let mut out = std::io::BufWriter::new(std::fs::File::create(&path)?);
        let (mut written, mut i) = (0u64, 0usize);
        while written < size_mb * 1_000_000 {
            let http = &pages[i % pages.len()];
            let head = format!(
                "WARC/1.1\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:bench-{i}>\r\nWARC-Target-URI: https://example.eu/{i}\r\nWARC-Date: 2026-11-02T10:00:00Z\r\nContent-Type: application/http; msgtype=response\r\nContent-Length: {}\r\n\r\n",
                http.len()
            );
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
            gz.write_all(head.as_bytes())?;
            gz.write_all(http)?;
            gz.write_all(b"\r\n\r\n")?;
            out.write_all(&gz.finish()?)?;
            written += (head.len() + http.len() + 4) as u64;
            i += 1;
        }
        out.flush()?;
    }
    let compressed = std::fs::metadata(&path)?.len();
    let unit = Unit {
        path: path.clone(),
        part: Part::Whole,
        bytes: compressed,
    };
    let cpu0 = cpu_seconds();
    let t0 = Instant::now();
    let mut r = eurocurate::io::warc::WarcReader::open(
        &unit,
        vec!["response".into()],
        spec::InvalidUtf8::Replace,
        Arc::new(AtomicU64::new(0)),
    )?;
    let mut st = ReaderStats::default();
    let (mut docs, mut bytes) = (0u64, 0u64);
    while let Some(item) = r.next_item(&mut st)? {
        if let ReadItem::Doc(d) = item {
            docs += 1;
            bytes += d.text.len() as u64;
        }
    }
    let wall = t0.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - cpu0;
    println!("warc  WARC.gz reading (gzip member per record), 1 core");
    println!(
        "  input        {:.1} MB compressed, {docs} response records, {:.1} MB of payload",
        compressed as f64 / 1e6,
        bytes as f64 / 1e6
    );
    println!("  wall         {wall:.2} s   cpu {cpu:.2} s");
    println!(
        "  throughput   {:.1} MB/s compressed, {:.1} MB/s payload, {:.0} docs/s per core",
        compressed as f64 / 1e6 / wall,
        bytes as f64 / 1e6 / wall,
        docs as f64 / wall
    );
    println!("  peak RSS     {:.1} MB", peak_rss() as f64 / 1e6);
    Ok(())
}
