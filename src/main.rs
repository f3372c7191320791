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
        /// Print the stage table of README.md (Markdown) instead.
        #[arg(long)]
        markdown: bool,
    },
    /// Print the JSON Schema of pipeline files, for editors: save it and point
    /// VS Code's YAML extension at it (`# yaml-language-server: $schema=eurocurate.schema.json`).
    Schema,
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
    /// What an annotated run keeps under other thresholds, per language, from its Parquet output.
    Whatif(commands::whatif::WhatIfArgs),
    /// What changed between two runs: documents per stage, reason and language; for annotated
    /// runs, each measure's distribution per language (p10/p50/p90) and the documents kept.
    Diff {
        a: PathBuf,
        b: PathBuf,
        /// Also list numbers that did not change.
        #[arg(long)]
        all: bool,
        /// Print the differences as JSON.
        #[arg(long)]
        json: bool,
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
        /// Start over when the output holds a run of another configuration (a file it
        /// reads changed): the first task to see it clears the earlier run, the others wait.
        #[arg(long)]
        restart: bool,
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
    /// Quality classifiers: train a fastText supervised model for the `classify` stage.
    Classifier {
        #[command(subcommand)]
        which: ClassifierCommand,
    },
    /// Language identification: train the second-stage n-gram model.
    Lid {
        #[command(subcommand)]
        which: LidCommand,
    },
    /// Make a training mix from run outputs: per-language token budgets, repetition
    /// by weight (quality, rehydration), globally shuffled Megatron shards, manifest, MD5s.
    Mix(commands::mix::MixArgs),
    /// Benchmark decontamination findings of a run.
    Decont {
        #[command(subcommand)]
        which: DecontCommand,
    },
    /// Per-language settings in langs/.
    Langs {
        #[command(subcommand)]
        which: LangsCommand,
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
enum DecontCommand {
    /// Per benchmark and language: items found, documents affected, top
    /// domains; then the most contaminated items with their document ids.
    Report {
        outdir: PathBuf,
        /// Items listed.
        #[arg(long, default_value_t = 20)]
        top: usize,
        /// Document ids listed per item.
        #[arg(long, default_value_t = 10)]
        docs: usize,
    },
}

#[derive(Subcommand)]
enum ClassifierCommand {
    /// Train a fastText supervised model (`.bin`, loadable by fastText) from labelled
    /// JSONL; prints the held-out accuracy overall, per label and per language.
    Train(commands::classifier::TrainArgs),
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
    Calibrate(eurocurate::commands::langs_calibrate::Options),
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
        Command::Stages { kind, markdown } => commands::stages(kind.as_deref(), markdown),
        Command::Schema => commands::schema(),
        Command::Stats { outdir, json } => commands::stats(&outdir, json),
        Command::Task {
            pipeline,
            phase,
            task,
            tasks,
            restart,
        } => commands::task(&pipeline, phase, task, tasks, restart),
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
        Command::Decont {
            which: DecontCommand::Report { outdir, top, docs },
        } => commands::decont_report(&outdir, top, docs),
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
        Command::Whatif(a) => commands::whatif::run(&a),
        Command::Diff { a, b, all, json } => {
            eurocurate::report::measures_diff::diff_output(&a, &b, all, json).map(|s| print!("{s}"))
        }
        Command::Mix(a) => commands::mix::mix(&a),
        Command::Classifier {
            which: ClassifierCommand::Train(a),
        } => commands::classifier::run(&a),
        Command::Lid {
            which: LidCommand::Train(o),
        } => eurocurate::stages::lid::train::run(&o),
        Command::Langs {
            which: LangsCommand::Calibrate(o),
        } => eurocurate::commands::langs_calibrate::run(&o).map(|y| print!("{y}")),
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
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
