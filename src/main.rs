//! The `eurocurate` command line. Parsing only; every command is a function
//! in `eurocurate::commands`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use eurocurate::commands;

#[derive(Parser)]
#[command(
    name = "eurocurate",
    version,
    about = "Clean, deduplicated, tokenized training data from web crawls, for all 24 EU languages"
)]
struct Cli {
    /// No progress bars or log lines (errors are still printed).
    #[arg(long, short, global = true)]
    quiet: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run (or resume) a pipeline on this machine, on all cores.
    Run {
        pipeline: PathBuf,
        /// Worker threads (default: executor.workers, else all cores). Output does not depend on it.
        #[arg(long, short)]
        workers: Option<usize>,
        /// Start over: remove what an earlier run wrote to the output (markers, stats,
        /// outputs, rejected/) instead of resuming it.
        #[arg(long)]
        restart: bool,
        /// Take over the output's lock from a run that seems to hold it (stale after a crash,
        /// or on another machine).
        #[arg(long)]
        force: bool,
    },
    /// Check a pipeline file, its stages and its inputs without running it.
    Validate { pipeline: PathBuf },
    /// Show the phases and tasks of a pipeline and what each reads and writes.
    Plan {
        pipeline: PathBuf,
        /// Print the plan as JSON.
        #[arg(long)]
        json: bool,
    },
    /// List every stage kind with its parameters.
    Stages {
        /// Show only this kind.
        kind: Option<String>,
    },
    /// Print the stats of a run folder as tables.
    Stats {
        outdir: PathBuf,
        /// Print merged stats as JSON instead.
        #[arg(long)]
        json: bool,
    },
    /// Write a self-contained HTML report of a run folder (charts, no network).
    Report {
        outdir: PathBuf,
        /// Where to write it (default OUTDIR/report.html).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Print sample documents of a run, kept or rejected, with their metadata.
    Inspect {
        outdir: PathBuf,
        #[arg(long)]
        lang: Option<String>,
        /// Sample rejected documents instead of kept ones.
        #[arg(long)]
        rejected: bool,
        /// Only documents dropped by this stage kind (with --rejected).
        #[arg(long)]
        stage: Option<String>,
        /// Only documents dropped for this reason (with --rejected).
        #[arg(long)]
        reason: Option<String>,
        /// Only documents dropped by this rule id of the `rules` stage.
        #[arg(long)]
        rule: Option<String>,
        #[arg(short, default_value_t = 20)]
        n: usize,
        /// Same seed, same sample.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Characters of text shown per document.
        #[arg(long, default_value_t = 600)]
        chars: usize,
        /// Print the records as JSON lines.
        #[arg(long)]
        json: bool,
    },
    /// What changed between two runs: documents per stage, reason and language.
    Diff {
        a: PathBuf,
        b: PathBuf,
        /// Also list numbers that did not change.
        #[arg(long)]
        all: bool,
    },
    /// Run one task of one phase (for Slurm arrays and other launchers).
    Task {
        pipeline: PathBuf,
        #[arg(long)]
        phase: usize,
        /// Task index (e.g. $SLURM_ARRAY_TASK_ID).
        #[arg(long)]
        task: usize,
        /// Number of tasks the launcher runs for this phase; checked against the plan.
        #[arg(long)]
        tasks: Option<usize>,
    },
    /// Submit a pipeline to Slurm: one job array per phase, chained by dependencies.
    Submit {
        pipeline: PathBuf,
        /// Write the sbatch scripts under <output>/_slurm/ and print the commands; submit nothing.
        #[arg(long)]
        dry_run: bool,
        /// Retries of a failed task inside its array task.
        #[arg(long, default_value_t = 0)]
        retries: u32,
        /// Start over: remove what an earlier run wrote to the output before submitting.
        #[arg(long)]
        restart: bool,
    },
    /// Per phase: tasks done, running, pending and failed (with the failed tasks' logs).
    Status { outdir: PathBuf },
    /// Train a byte-level BPE tokenizer with fair shares for every language.
    Tokenizer {
        #[command(subcommand)]
        which: TokenizerCommand,
    },
    /// Look at and combine Megatron shards.
    Shards {
        #[command(subcommand)]
        which: ShardsCommand,
    },
    /// Language identification: train the second-stage n-gram model.
    Lid {
        #[command(subcommand)]
        which: LidCommand,
    },
    /// Per-language settings in langs/.
    Langs {
        #[command(subcommand)]
        which: LangsCommand,
    },
    /// Measure throughput and peak memory of the readers and writers.
    Bench {
        #[command(subcommand)]
        which: BenchCommand,
    },
}

#[derive(Subcommand)]
enum TokenizerCommand {
    /// Train on JSONL documents (with `lang`), write tokenizer.json, print
    /// tokens per word per language.
    Train(eurocurate::tokens::TrainOptions),
}

#[derive(Subcommand)]
enum ShardsCommand {
    /// Counts, dtype and the first documents of a shard or an output folder.
    Inspect {
        /// A shard prefix (without .bin/.idx) or a folder of shards.
        path: PathBuf,
        /// Decode the first documents with this tokenizer.json.
        #[arg(long)]
        tokenizer: Option<PathBuf>,
        /// Documents shown per shard.
        #[arg(short, default_value_t = 2)]
        n: usize,
    },
    /// Concatenate shards into one (Megatron's merge), optionally in a seeded random order.
    Merge {
        /// Output prefix.
        #[arg(long)]
        out: PathBuf,
        /// Shard prefixes, or folders of shards, in order.
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
        /// Write documents in a random order drawn with this seed.
        #[arg(long)]
        shuffle_seed: Option<u64>,
    },
}

#[derive(Subcommand)]
enum LidCommand {
    /// Train the n-gram model that `language_id` uses to decide between
    /// close languages, from one <lang>.txt per language; prints what it read.
    Train(eurocurate::stages::lid::train::TrainOptions),
}

#[derive(Subcommand)]
enum LangsCommand {
    /// Propose a language's quality thresholds from a sample of its text, so
    /// each removes the share of it that the reference language's removes of
    /// the reference sample (FineWeb-2's method); prints a YAML block.
    Calibrate(eurocurate::langs::calibrate::Options),
    /// Check every file of a langs folder: unknown or misspelt keys, wrong
    /// types and values, with file:line. Exits non-zero on any error.
    Check {
        /// The folder (default: ./langs).
        dir: Option<PathBuf>,
    },
    /// A language's content rules on sample documents: which rule fired
    /// where, and per rule the documents and characters it removes (and the
    /// documents only it removes).
    Test {
        /// ISO 639-1 code (`mt`).
        iso: String,
        /// JSONL documents (`text`, optional `url`).
        #[arg(required = true)]
        samples: Vec<PathBuf>,
        /// The langs folder (default: ./langs when present, else the compiled-in files).
        #[arg(long)]
        langs_dir: Option<PathBuf>,
        /// Documents shown in detail.
        #[arg(long, default_value_t = 10)]
        show: usize,
    },
    /// Every effective per-language value of a language and the layer that
    /// set it (built-in, defaults.yaml, <iso>.yaml, pipeline).
    Show {
        /// ISO 639-1 code (`mt`).
        iso: String,
        /// The langs folder (default: ./langs when present, else the compiled-in files).
        #[arg(long)]
        langs_dir: Option<PathBuf>,
        /// Also apply the stage parameters of this pipeline (they override every language).
        #[arg(long)]
        pipeline: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum BenchCommand {
    /// JSONL.zst -> normalize -> JSONL.zst on one core, vs `zstd -dc | wc -c`.
    Passthrough {
        /// Size of the generated input (uncompressed MB).
        #[arg(long, default_value_t = 200)]
        size_mb: u64,
        /// Folder for the generated corpus and outputs.
        #[arg(long, default_value = "target/bench")]
        dir: PathBuf,
    },
    /// PII precision/recall on injected data and speed on ordinary text.
    Pii {
        /// Size of the ordinary-text corpus for the speed run (MB).
        #[arg(long, default_value_t = 100)]
        speed_mb: u64,
        #[arg(long, default_value_t = 2026)]
        seed: u64,
        /// Rounds of injection over the fixture text (one seed each).
        #[arg(long, default_value_t = 10)]
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
    /// WARC.gz reading on one core.
    Warc {
        #[arg(long, default_value_t = 200)]
        size_mb: u64,
        #[arg(long, default_value = "target/bench")]
        dir: PathBuf,
    },
}

/// mimalloc: tokenization, JSON parsing and the filters allocate many small
/// strings; glibc malloc took a fifth of tokenization time.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // `eurocurate inspect out | head` should end quietly like any Unix tool,
    // not panic on the closed pipe.
    // SAFETY: restoring the default disposition of one signal, before any
    // thread exists.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = Cli::parse();
    commands::set_quiet(cli.quiet);
    let result = match cli.command {
        Command::Run {
            pipeline,
            workers,
            restart,
            force,
        } => commands::run(&pipeline, workers, restart, force, cli.quiet),
        Command::Validate { pipeline } => commands::validate(&pipeline),
        Command::Plan { pipeline, json } => commands::plan(&pipeline, json),
        Command::Stages { kind } => commands::stages(kind.as_deref()),
        Command::Stats { outdir, json } => commands::stats(&outdir, json),
        Command::Task {
            pipeline,
            phase,
            task,
            tasks,
        } => commands::task(&pipeline, phase, task, tasks),
        Command::Submit {
            pipeline,
            dry_run,
            retries,
            restart,
        } => commands::submit(&pipeline, dry_run, retries, restart),
        Command::Status { outdir } => commands::status(&outdir),
        Command::Tokenizer {
            which: TokenizerCommand::Train(o),
        } => eurocurate::tokens::train(&o).map(|fert| {
            print!("{}", eurocurate::tokens::table(&fert, &o.out, o.vocab_size));
        }),
        Command::Shards {
            which: ShardsCommand::Inspect { path, tokenizer, n },
        } => commands::shards_inspect(&path, tokenizer.as_deref(), n),
        Command::Shards {
            which:
                ShardsCommand::Merge {
                    out,
                    inputs,
                    shuffle_seed,
                },
        } => commands::shards_merge(&inputs, &out, shuffle_seed),
        Command::Report { outdir, out } => eurocurate::report::html::write_report(&outdir, out.as_deref()).map(|p| {
            println!("{}", p.display());
        }),
        Command::Inspect {
            outdir,
            lang,
            rejected,
            stage,
            reason,
            rule,
            n,
            seed,
            chars,
            json,
        } => {
            let filter = eurocurate::report::inspect::Filter {
                lang,
                rejected: rejected || stage.is_some() || reason.is_some() || rule.is_some(),
                stage,
                reason,
                rule,
            };
            eurocurate::report::inspect::sample(&outdir, &filter, n, seed).map(|(records, matched)| {
                if json {
                    for r in &records {
                        println!("{r}");
                    }
                } else {
                    print!("{}", eurocurate::report::inspect::render(&records, matched, chars));
                }
            })
        }
        Command::Diff { a, b, all } => eurocurate::report::inspect::diff(&a, &b, all).map(|s| print!("{s}")),
        Command::Lid {
            which: LidCommand::Train(o),
        } => eurocurate::stages::lid::train::run(&o),
        Command::Langs {
            which: LangsCommand::Calibrate(o),
        } => eurocurate::langs::calibrate::run(&o).map(|y| print!("{y}")),
        Command::Langs {
            which: LangsCommand::Check { dir },
        } => commands::langs_check(dir.as_deref()),
        Command::Langs {
            which:
                LangsCommand::Test {
                    iso,
                    samples,
                    langs_dir,
                    show,
                },
        } => commands::langs_test(&iso, &samples, langs_dir.as_deref(), show),
        Command::Langs {
            which:
                LangsCommand::Show {
                    iso,
                    langs_dir,
                    pipeline,
                },
        } => commands::langs_show(&iso, langs_dir.as_deref(), pipeline.as_deref()),
        Command::Bench { which } => match which {
            BenchCommand::Passthrough { size_mb, dir } => eurocurate::bench::passthrough(&dir, size_mb),
            BenchCommand::Warc { size_mb, dir } => eurocurate::bench::warc(&dir, size_mb),
            BenchCommand::Rules { mb, rounds } => eurocurate::bench::rules::run(mb, rounds.max(1)),
            BenchCommand::Html {
                pages,
                list,
                out,
                rounds,
            } => eurocurate::bench::html::run(&pages, list.as_deref(), out.as_deref(), rounds),
            BenchCommand::Lid { heldout } => eurocurate::bench::lid::run(&heldout),
            BenchCommand::Minhash {
                docs,
                tasks,
                scale_docs,
                dir,
            } => eurocurate::bench::minhash::run(&dir, docs, tasks, scale_docs),
            BenchCommand::Quality {
                input,
                decisions,
                langs_dir,
                lang,
                rounds,
            } => eurocurate::bench::quality::run(
                &input,
                decisions.as_deref(),
                &langs_dir,
                lang.as_deref(),
                rounds.max(1),
            ),
            BenchCommand::Tokenize {
                input,
                tokenizer,
                eos,
                dir,
            } => eurocurate::bench::tokenize::run(&input, &tokenizer, &eos, &dir),
            BenchCommand::Pii {
                speed_mb,
                seed,
                rounds,
                dir,
            } => eurocurate::bench::pii_bench(&dir, speed_mb, seed, rounds),
        },
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
