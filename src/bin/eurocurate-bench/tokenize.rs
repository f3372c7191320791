//! `eurocurate-bench tokenize`: JSONL → `tokenize` → Megatron shards on one
//! worker, once through the fast byte-level BPE path and once through the
//! `tokenizers` crate (`fast_path: false`), each in a child process of its
//! own so that CPU time and peak RSS are that run's alone; tokens/s and
//! MB/s per core, peak RSS, and whether both wrote the same shards.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

/// One run: CPU seconds (user + system), peak RSS in bytes, wall seconds.
struct Measured {
    cpu: f64,
    rss: u64,
    wall: f64,
}

/// Runs `eurocurate run PIPELINE --workers 1` as a child and takes its
/// resource use from `wait4`.
fn run_child(pipeline: &Path) -> anyhow::Result<Measured> {
    let t0 = Instant::now();
    let child = Command::new(crate::common::product_binary()?)
        .arg("--quiet")
        .arg("run")
        .arg(pipeline)
        .args(["--workers", "1", "--restart"])
        .spawn()?;
    let mut status = 0;
    // SAFETY: an all-zero rusage is valid; wait4 fills it for our own child.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = child.id() as libc::pid_t;
    // SAFETY: `pid` is our child, not yet waited for; the pointers are live.
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut ru) };
    anyhow::ensure!(
        r == pid,
        "waiting for the benchmark run: {}",
        std::io::Error::last_os_error()
    );
    anyhow::ensure!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "the benchmark run of {} failed (status {status})",
        pipeline.display()
    );
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    Ok(Measured {
        cpu: (secs(ru.ru_utime) + secs(ru.ru_stime)).max(1e-3),
        rss: ru.ru_maxrss as u64 * 1024,
        wall: t0.elapsed().as_secs_f64(),
    })
}

/// Tokenizes `input` (JSONL with `lang`) into shards under `dir` on one
/// worker, with each engine, and prints tokens/s per core and peak RSS.
pub fn run(input: &Path, tokenizer: &Path, eos: &str, dir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)?;
    let bytes = std::fs::metadata(input)?.len();
    let mut shards = Vec::new();
    let mut per_core = Vec::new();
    for (name, fast) in [("fast path", true), ("tokenizers crate", false)] {
        let out = dir.join(if fast { "tokenize-out" } else { "tokenize-out-crate" });
        let _ = std::fs::remove_dir_all(&out);
        let yaml = format!(
            "name: bench-tokenize\ninput:\n  kind: jsonl\n  paths: [\"{}\"]\n  lang_field: lang\nstages:\n  - kind: tokenize\n    tokenizer: \"{}\"\n    eos: \"{eos}\"\n    fast_path: {fast}\noutput:\n  kind: megatron\n  path: {}\n  partition_by: lang\n  keep_rejected: false\nexecutor:\n  tasks: 1\n",
            input.display(),
            tokenizer.display(),
            out.display()
        );
        let file = dir.join(format!("tokenize-{}.yaml", if fast { "fast" } else { "crate" }));
        std::fs::write(&file, &yaml)?;
        let m = run_child(&file)?;
        let manifest: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("manifest.json"))?)?;
        let tokens = manifest["tokens"].as_u64().unwrap_or(0);
        let docs = manifest["documents"].as_u64().unwrap_or(0);
        println!(
            "  eurocurate  tokenize ({name}) -> megatron, 1 worker: {:.2}s wall, {:.2}s cpu: {:.0} tokens/s per core, {:.2} MB/s per core, {:.0} docs/s per core; {tokens} tokens; peak RSS {:.0} MB",
            m.wall,
            m.cpu,
            tokens as f64 / m.cpu,
            bytes as f64 / 1e6 / m.cpu,
            docs as f64 / m.cpu,
            m.rss as f64 / 1e6
        );
        per_core.push(tokens as f64 / m.cpu);
        shards.push(shard_bytes(&out)?);
    }
    anyhow::ensure!(
        shards[0] == shards[1],
        "the fast path's shards differ from the tokenizers crate's: report this with the tokenizer.json"
    );
    println!(
        "  same shards from both engines; fast path / tokenizers crate: {:.2}x",
        per_core[0] / per_core[1]
    );
    println!("RESULT eurocurate_tokens_per_core={:.3}", per_core[0]);
    println!("RESULT eurocurate_crate_tokens_per_core={:.3}", per_core[1]);
    Ok(())
}

/// The token files (`.bin`) under `dir`, by path relative to it.
fn shard_bytes(dir: &Path) -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    let mut out = Vec::new();
    for prefix in eurocurate::io::megatron::find_shards(dir) {
        let bin = prefix.with_extension("bin");
        let rel = bin.strip_prefix(dir).unwrap_or(&bin).display().to_string();
        out.push((rel, std::fs::read(&bin)?));
    }
    out.sort();
    Ok(out)
}
