//! `eurocurate bench tokenize`: JSONL → `tokenize` → Megatron shards on one
//! worker; tokens/s and MB/s per core, peak RSS.

use std::path::Path;
use std::time::Instant;

use crate::common::{cpu_seconds, peak_rss, reset_peak_rss};
use eurocurate::exec::local::{self, RunOptions};
use eurocurate::exec::progress::ProgressMode;
use eurocurate::pipeline::{plan, spec};

/// Tokenizes `input` (JSONL with `lang`) into shards under `dir` on one
/// worker and prints tokens/s per core and peak RSS.
pub fn run(input: &Path, tokenizer: &Path, eos: &str, dir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)?;
    let out = dir.join("tokenize-out");
    let _ = std::fs::remove_dir_all(&out);
    let yaml = format!(
        "name: bench-tokenize\ninput:\n  kind: jsonl\n  paths: [\"{}\"]\n  lang_field: lang\nstages:\n  - kind: tokenize\n    tokenizer: \"{}\"\n    eos: \"{eos}\"\noutput:\n  kind: megatron\n  path: {}\n  partition_by: lang\n  keep_rejected: false\nexecutor:\n  tasks: 1\n",
        input.display(),
        tokenizer.display(),
        out.display()
    );
    let file = dir.join("tokenize.yaml");
    std::fs::write(&file, &yaml)?;
    let plan = plan::build(spec::parse(&file, &yaml, |_| None)?, &file)?;
    reset_peak_rss();
    let (cpu0, t0) = (cpu_seconds(), Instant::now());
    let summary = local::run(
        &plan,
        RunOptions {
            workers: Some(1),
            restart: false,
            force: false,
            progress: ProgressMode::Quiet,
        },
    )?;
    let (cpu, wall) = ((cpu_seconds() - cpu0).max(1e-3), t0.elapsed().as_secs_f64());
    let st = &summary.phases[0];
    let tokens = st.stages[0].counters.get("tokens");
    let bytes = st.reader.as_ref().map_or(0, |r| r.docs.bytes);
    println!(
        "  eurocurate  tokenize -> megatron, 1 worker: {wall:.2}s wall, {cpu:.2}s cpu: {:.0} tokens/s per core, {:.2} MB/s per core, {:.0} docs/s per core; {tokens} tokens; peak RSS {:.0} MB",
        tokens as f64 / cpu,
        bytes as f64 / 1e6 / cpu,
        st.output.docs as f64 / cpu,
        peak_rss() as f64 / 1e6
    );
    println!("RESULT eurocurate_tokens_per_core={:.3}", tokens as f64 / cpu);
    Ok(())
}
