//! The local executor: every phase's pending tasks on a rayon pool, phases
//! in order, resume from markers.

use std::time::Instant;

use anyhow::{bail, Context};
use rayon::prelude::*;

use super::progress::{say, PhaseProgress, ProgressMode};
use super::task::run_task;
use super::{check_losses, identity, input_bytes, markers, merge_phase_stats, pending_tasks, sweep_temp_files};
use crate::pipeline::plan::Plan;
use crate::stats::TaskStats;

/// Options of `eurocurate run`.
#[derive(Debug, Clone, Copy)]
pub struct RunOptions {
    /// Threads; `None` = executor.workers or all cores.
    pub workers: Option<usize>,
    /// Remove what an earlier run left in the output (markers, stats,
    /// outputs, rejected/) and start over.
    pub restart: bool,
    /// Take over the output's lock even when another run seems to hold it.
    pub force: bool,
    pub progress: ProgressMode,
}

/// What a run did, per phase.
#[derive(Debug, Default)]
pub struct RunSummary {
    pub phases: Vec<TaskStats>,
    /// Tasks executed now (not skipped as already done).
    pub tasks_run: usize,
    pub tasks_skipped: usize,
}

/// Worker threads: the command line's, else the file's `executor.workers`,
/// else every core.
pub fn worker_count(cli: Option<usize>, file: Option<usize>) -> usize {
    cli.or(file)
        .unwrap_or_else(|| std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1))
}

/// Runs (or resumes) the whole plan on this machine.
pub fn run(plan: &Plan, opts: RunOptions) -> anyhow::Result<RunSummary> {
    let workers = worker_count(opts.workers, plan.spec.executor.workers);
    let _lock = super::lock::acquire(&plan.out, opts.force)?;
    if opts.restart {
        super::clear_previous_run(plan)?;
    }
    std::fs::create_dir_all(&plan.out)
        .with_context(|| format!("cannot create output folder {}", plan.out.display()))?;
    markers::check_identity(&plan.out, &identity(plan))?;
    markers::write_plan_summary(plan)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(workers)
        .thread_name(|i| format!("eurocurate-worker-{i}"))
        .build()?;
    let mut summary = RunSummary::default();
    for phase in &plan.phases {
        let todo = pending_tasks(plan, phase)?;
        summary.tasks_skipped += phase.tasks - todo.len();
        if todo.is_empty() {
            say(&format!(
                "phase {} `{}`: all {} tasks already done",
                phase.index, phase.name, phase.tasks
            ));
            let merged = merge_phase_stats(plan, phase)?;
            check_losses(plan.spec.input.on_error, phase, &merged)?;
            summary.phases.push(merged);
            continue;
        }
        let t0 = Instant::now();
        let label = format!("phase {}/{} {}", phase.index + 1, plan.phases.len(), phase.name);
        let prog = PhaseProgress::start(opts.progress, label, input_bytes(plan, phase, &todo), todo.len() as u64);
        let counters = prog.counters.clone();
        let results: Vec<(usize, anyhow::Result<TaskStats>)> = pool.install(|| {
            todo.par_iter()
                .map(|&t| (t, run_task(plan, phase, t, &counters)))
                .collect()
        });
        prog.finish();
        let mut failures = Vec::new();
        for (t, r) in results {
            match r {
                Ok(stats) => {
                    summary.tasks_run += 1;
                    if let Some(rs) = &stats.reader {
                        for p in &rs.problems {
                            say(&format!("warning: {p}"));
                        }
                        let listed = rs.problems.len() as u64;
                        let damaged: u64 = rs
                            .skipped
                            .0
                            .iter()
                            .filter(|(k, _)| !crate::stats::is_routine_skip(k))
                            .map(|(_, v)| v)
                            .sum();
                        if damaged > listed {
                            say(&format!(
                                "warning: task {t}: {} more problems not listed (see its stats)",
                                damaged - listed
                            ));
                        }
                    }
                }
                Err(e) => failures.push(format!("task {t}: {e:#}")),
            }
        }
        if !failures.is_empty() {
            bail!(
                "phase {} `{}`: {} of {} tasks failed (finished tasks are kept; rerun to resume):\n  {}",
                phase.index,
                phase.name,
                failures.len(),
                todo.len(),
                failures.join("\n  ")
            );
        }
        let merged = merge_phase_stats(plan, phase)?;
        say(&format!(
            "phase {} `{}`: {} tasks in {:.1}s, {} docs out",
            phase.index,
            phase.name,
            todo.len(),
            t0.elapsed().as_secs_f64(),
            merged.output.docs
        ));
        check_losses(plan.spec.input.on_error, phase, &merged)?;
        summary.phases.push(merged);
    }
    sweep_temp_files(&plan.out);
    if let Some(rej) = plan.spec.output.rejected_dir() {
        sweep_temp_files(&rej);
    }
    Ok(summary)
}

/// Runs one task (for Slurm arrays and other launchers). Upstream phases must
/// be complete; when this was the phase's last task, its stats are merged.
///
/// With `restart`, an output holding a run of another configuration is
/// cleared first ([`restart_once`]) instead of refused.
pub fn run_one(
    plan: &Plan,
    phase_index: usize,
    task: usize,
    tasks: Option<usize>,
    restart: bool,
) -> anyhow::Result<TaskStats> {
    let phase = plan
        .phases
        .get(phase_index)
        .with_context(|| format!("no phase {phase_index}; the plan has {} phases", plan.phases.len()))?;
    if let Some(n) = tasks {
        if n != phase.tasks {
            bail!(
                "the launcher runs {n} tasks for phase {phase_index}, but the pipeline plans {}: the input or `executor.tasks` changed since submission; resubmit",
                phase.tasks
            );
        }
    }
    if task >= phase.tasks {
        bail!(
            "phase {phase_index} has {} tasks (0..{}); task {task} does not exist",
            phase.tasks,
            phase.tasks - 1
        );
    }
    std::fs::create_dir_all(&plan.out)?;
    if let Err(refused) = markers::check_identity(&plan.out, &identity(plan)) {
        if !restart {
            return Err(refused);
        }
        restart_once(plan)?;
    }
    // The first task of a run started by another launcher records the plan.
    if !markers::plan_summary_path(&plan.out).is_file() {
        markers::write_plan_summary(plan)?;
    }
    for earlier in &plan.phases[..phase_index] {
        let missing = pending_tasks(plan, earlier)?;
        if !missing.is_empty() {
            bail!(
                "phase {} is not finished ({} tasks pending, e.g. task {}); run it first",
                earlier.index,
                missing.len(),
                missing[0]
            );
        }
    }
    if let Some(done) = markers::read_marker(&plan.out, phase_index, task)? {
        say(&format!("phase {phase_index} task {task}: already done"));
        check_losses(plan.spec.input.on_error, phase, &done)?;
        return Ok(done);
    }
    let counters = super::progress::PhaseCounters::default();
    let stats = run_task(plan, phase, task, &counters)?;
    if pending_tasks(plan, phase)?.is_empty() {
        merge_phase_stats(plan, phase)?;
    }
    check_losses(plan.spec.input.on_error, phase, &stats)?;
    Ok(stats)
}

/// `task --restart` when the output holds a run of another configuration:
/// a launcher starts many tasks at once, so exactly one of them (the one
/// that creates the claim file for this configuration) clears the earlier
/// run and records the new identity; the others wait until it has.
fn restart_once(plan: &Plan) -> anyhow::Result<()> {
    let id = identity(plan);
    let key = xxhash_rust::xxh3::xxh3_64(serde_json::to_string(&id)?.as_bytes());
    let claim = plan.out.join(format!("_restart-{key:016x}"));
    match std::fs::OpenOptions::new().write(true).create_new(true).open(&claim) {
        Ok(_) => {
            super::clear_previous_run(plan)?;
            markers::check_identity(&plan.out, &id)
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            let started = std::time::Instant::now();
            loop {
                if markers::check_identity(&plan.out, &id).is_ok() {
                    return Ok(());
                }
                if started.elapsed() > std::time::Duration::from_secs(600) {
                    bail!(
                        "another task claimed the restart of {} ({}) but has not cleared it in 10 minutes; \
                         if it died, remove that file and start again",
                        plan.out.display(),
                        claim.display()
                    );
                }
                std::thread::sleep(std::time::Duration::from_millis(200));
            }
        }
        Err(e) => Err(e).with_context(|| format!("cannot create {}", claim.display())),
    }
}
