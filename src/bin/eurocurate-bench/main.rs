//! `eurocurate-bench`: throughput, peak memory and quality measurements of
//! eurocurate's stages, readers and writers, side by side with reference
//! tools in the scripts under `benches/`. A separate binary, so the product
//! binary (`eurocurate`) carries no generator or evaluation code.
//!
//! Benchmarks print numbers; they never assert on time.

mod classify;
mod common;
mod decont;
mod decont_sharded;
mod html;
mod lid;
mod minhash;
mod pii;
mod pii_speed;
mod quality;
mod report_dist;
mod rules;
mod textgen;
mod tokenize;
mod whatif;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "eurocurate-bench",
    version,
    about = "Measure eurocurate: throughput per core, peak memory, and quality against reference tools"
)]
struct Cli {
    #[command(subcommand)]
    which: BenchCommand,
}

#[derive(Subcommand)]
enum BenchCommand {
    /// `classify` with the shipped quality model on 1 KB documents: docs/s per core and
    /// peak RSS, beside the reference C++ fastText on the same documents.
    Classify {
        /// Documents scored per pass.
        #[arg(long, default_value_t = 20_000)]
        docs: usize,
        #[arg(long, default_value = "target/bench")]
        dir: PathBuf,
    },
    /// JSONL.zst -> normalize -> JSONL.zst on one core, vs `zstd -dc | wc -c`.
    Passthrough {
        /// Size of the generated input (uncompressed MB).
        #[arg(long, default_value_t = 200)]
        size_mb: u64,
        /// Folder for the generated corpus and outputs.
        #[arg(long, default_value = "target/bench")]
        dir: PathBuf,
    },
    /// PII recall and look-alikes on the independent set; speed on dense, sentence-only and ordinary text.
    Pii {
        /// Size of the ordinary-text corpus for the speed run (MB).
        #[arg(long, default_value_t = 100)]
        speed_mb: u64,
        #[arg(long, default_value_t = 2026)]
        seed: u64,
        /// How many times each timed pass goes over the dense corpus (~0.4 MB).
        #[arg(long, default_value_t = 20)]
        rounds: u64,
        #[arg(long, default_value = "target/bench")]
        dir: PathBuf,
    },
    /// Language-ID accuracy on held-out sentences (<iso>.txt files) and speed on 1 KB documents.
    Lid {
        /// Folder with one <iso>.txt per language (see benches/lid-accuracy.sh).
        #[arg(long)]
        heldout: PathBuf,
    },
    /// Near-duplicate quality (precision/recall vs exact Jaccard) and speed
    /// of minhash_dedup on a generated corpus; optionally the phases at scale.
    Minhash {
        /// Documents in the generated quality corpus.
        #[arg(long, default_value_t = 20_000)]
        docs: usize,
        /// Tasks of the map phases.
        #[arg(long, default_value_t = 4)]
        tasks: usize,
        /// Also run this many short documents through all phases, reporting
        /// time and peak RSS per phase.
        #[arg(long)]
        scale_docs: Option<u64>,
        #[arg(long, default_value = "target/bench")]
        dir: PathBuf,
    },
    /// The quality filters on a JSONL corpus: decisions of each filter on its
    /// own (for benches/quality-vs-datatrove.sh) and the chained speed.
    Quality {
        input: PathBuf,
        /// Write one JSON line per document and filter: keep, reason, detail.
        #[arg(long)]
        decisions: Option<PathBuf>,
        #[arg(long, default_value = "langs")]
        langs_dir: PathBuf,
        /// Settings (thresholds, stop words, word splitting) of this language for
        /// every document; without it each document's `lang`, English when absent.
        #[arg(long)]
        lang: Option<String>,
        /// Timed passes over the corpus (the time is per pass).
        #[arg(long, default_value_t = 3)]
        rounds: usize,
    },
    /// JSONL -> tokenize -> Megatron shards on one worker: tokens/s per core, peak RSS.
    Tokenize {
        input: PathBuf,
        #[arg(long)]
        tokenizer: PathBuf,
        #[arg(long, default_value = "</s>")]
        eos: String,
        #[arg(long, default_value = "target/bench")]
        dir: PathBuf,
    },
    /// The `rules` stage: MB/s per core for 0, 100 and 10,000 words and 10,
    /// 100 and 1,000 regexes.
    Rules {
        /// Generated text, MB.
        #[arg(long, default_value_t = 50)]
        mb: usize,
        #[arg(long, default_value_t = 3)]
        rounds: usize,
    },
    /// Charset decoding and main-text extraction of HTML pages on one core;
    /// optionally writes the extracted text (benches/html-vs-trafilatura.sh).
    Html {
        /// Folders of .html files, or files.
        pages: Vec<PathBuf>,
        /// A file listing page paths, one per line.
        #[arg(long)]
        list: Option<PathBuf>,
        /// Write {file, text, method, title, date, author} per page as JSONL.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Timed passes (the best is reported).
        #[arg(long, default_value_t = 3)]
        rounds: usize,
    },
    /// Benchmark decontamination: recall of planted items and false positives
    /// per language, documents per CPU-second, index cost per million n-grams.
    Decont {
        /// Benchmark items (JSONL, from benches/decont/make_items.py).
        items: PathBuf,
        /// Documents with `gold_item` (planted item id, null for clean ones).
        docs: PathBuf,
        /// Also print recall and false positives for other n and min_overlap.
        #[arg(long)]
        sweep: bool,
        /// Index memory and lookup cost for generated items of this many n-grams (repeatable).
        #[arg(long)]
        scale_ngrams: Vec<u64>,
    },
    /// A generated benchmark set of `mb` MB through decontaminate's sharded
    /// index: peak RSS per index task and per map task.
    DecontSharded {
        /// Size of the generated benchmark JSONL in MB.
        #[arg(long, default_value_t = 1024)]
        mb: u64,
        /// Index shards (index tasks).
        #[arg(long, default_value_t = 8)]
        shards: usize,
        /// Folder for the generated set and the index.
        #[arg(long, default_value = "target/decont/gen")]
        dir: PathBuf,
    },
    /// WARC.gz reading on one core.
    /// `whatif` over generated annotated Parquet output (24 languages, 21 measure columns).
    Whatif {
        /// Documents generated (once; the folder is reused).
        #[arg(long, default_value_t = 10_000_000)]
        docs: u64,
        #[arg(long, default_value = "target/bench/whatif")]
        dir: PathBuf,
        #[arg(long, default_value_t = 3)]
        rounds: usize,
    },
    /// `report`'s distributions pass over the same generated annotated output as `whatif`.
    ReportDist {
        /// Documents generated (once; the folder is reused).
        #[arg(long, default_value_t = 10_000_000)]
        docs: u64,
        #[arg(long, default_value = "target/bench/whatif")]
        dir: PathBuf,
        /// Write the distributions as JSON here (for the reference's comparison).
        #[arg(long)]
        json: Option<PathBuf>,
    },
    Warc {
        #[arg(long, default_value_t = 200)]
        size_mb: u64,
        #[arg(long, default_value = "target/bench")]
        dir: PathBuf,
    },
}

/// The same allocator as the product binary, so the numbers are the product's.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    eurocurate::commands::set_quiet(true);
    let result = match Cli::parse().which {
        BenchCommand::Passthrough { size_mb, dir } => common::passthrough(&dir, size_mb),
        BenchCommand::Warc { size_mb, dir } => common::warc(&dir, size_mb),
        BenchCommand::Rules { mb, rounds } => rules::run(mb, rounds.max(1)),
        BenchCommand::Html {
            pages,
            list,
            out,
            rounds,
        } => html::run(&pages, list.as_deref(), out.as_deref(), rounds),
        BenchCommand::Decont {
            items,
            docs,
            sweep,
            scale_ngrams,
        } => decont::run(&items, &docs, sweep, &scale_ngrams),
        BenchCommand::Whatif { docs, dir, rounds } => whatif::run(&dir, docs, rounds.max(1)),
        BenchCommand::ReportDist { docs, dir, json } => report_dist::run(&dir, docs, json.as_deref()),
        BenchCommand::DecontSharded { mb, shards, dir } => decont_sharded::run(&dir, mb, shards),
        BenchCommand::Lid { heldout } => lid::run(&heldout),
        BenchCommand::Classify { docs, dir } => classify::run(&dir, docs),
        BenchCommand::Minhash {
            docs,
            tasks,
            scale_docs,
            dir,
        } => minhash::run(&dir, docs, tasks, scale_docs),
        BenchCommand::Quality {
            input,
            decisions,
            langs_dir,
            lang,
            rounds,
        } => quality::run(&input, decisions.as_deref(), &langs_dir, lang.as_deref(), rounds.max(1)),
        BenchCommand::Tokenize {
            input,
            tokenizer,
            eos,
            dir,
        } => tokenize::run(&input, &tokenizer, &eos, &dir),
        BenchCommand::Pii {
            speed_mb,
            seed,
            rounds,
            dir,
        } => common::pii_bench(&dir, speed_mb, seed, rounds),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
