//! `eurocurate mix MIX.yaml`: plan, then write a shuffled training mix.

use std::path::Path;

use crate::exec::progress::say;
use crate::mix::run::{self, MixOptions};
use crate::mix::MixRun;

/// What `eurocurate mix` was asked to do.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct MixArgs {
    /// The mix file (YAML). `eurocurate mix --schema` prints its JSON Schema.
    #[arg(required_unless_present = "schema")]
    pub mix: Option<std::path::PathBuf>,
    /// Count and plan only: print, per language, tokens available, budget,
    /// repetition or sampling rate and documents touched; write no shard.
    #[arg(long)]
    pub dry_run: bool,
    /// Worker threads (default: executor.workers, else all cores). Output does not depend on it.
    #[arg(long, short)]
    pub workers: Option<usize>,
    /// Start over: remove what an earlier run of this mix wrote to its output.
    #[arg(long)]
    pub restart: bool,
    /// Take over the output's lock from a run that seems to hold it.
    #[arg(long)]
    pub force: bool,
    /// Submit to Slurm: one job array per phase, chained by dependencies
    /// (with --dry-run: write the scripts and print the sbatch commands).
    #[arg(long)]
    pub submit: bool,
    /// Run one task of this phase (Slurm array tasks and other launchers).
    #[arg(long, requires = "task")]
    pub phase: Option<usize>,
    /// Task index (e.g. $SLURM_ARRAY_TASK_ID).
    #[arg(long, requires = "phase")]
    pub task: Option<usize>,
    /// Number of tasks the launcher runs for this phase; checked against the plan.
    #[arg(long)]
    pub tasks: Option<usize>,
    /// Print the JSON Schema of mix files.
    #[arg(long)]
    pub schema: bool,
}

/// `eurocurate mix`.
pub fn mix(a: &MixArgs) -> anyhow::Result<()> {
    if a.schema {
        println!("{}", serde_json::to_string_pretty(&crate::mix::spec::json_schema())?);
        return Ok(());
    }
    let file: &Path = a.mix.as_deref().expect("clap requires it");
    let mix = MixRun::load(file)?;
    if let (Some(p), Some(t)) = (a.phase, a.task) {
        let s = run::run_one(&mix, p, t, a.tasks)?;
        say(&format!("mix phase {p} task {t}: done in {:.1}s", s.seconds));
        return Ok(());
    }
    if a.submit {
        let lines = crate::mix::submit::submit(&mix, a.dry_run)?;
        if lines.is_empty() {
            println!(
                "nothing to submit: every task of every phase has finished (see `eurocurate status {}`)",
                mix.out.display()
            );
        }
        for line in lines {
            println!("{line}");
        }
        return Ok(());
    }
    let plan = run::run_local(
        &mix,
        MixOptions {
            workers: a.workers,
            restart: a.restart,
            force: a.force,
            dry_run: a.dry_run,
        },
    )?;
    if a.dry_run {
        // The plan table is the answer of a dry run: on stdout, even with --quiet.
        print!("{}", plan.table());
        println!("dry run: nothing written beyond the counts in {}", mix.out.display());
    } else {
        say(&format!(
            "done: {} tokens; {}",
            plan.planned_tokens,
            run::describe(&mix)
        ));
    }
    Ok(())
}
