//! Running a mix: its phases in order, each phase's pending tasks on a
//! thread pool (or one task for a Slurm array index), with the markers,
//! lock and run identity every eurocurate run uses, so a mix resumes where
//! it stopped and refuses to mix outputs of two configurations.

use std::time::Instant;

use anyhow::{bail, Context};
use rayon::prelude::*;

use super::solve::MixPlan;
use super::{count, layout, manifest, scatter, shuffle, solve, MixRun};
use crate::exec::markers::{self, RunIdentity};
use crate::exec::progress::say;
use crate::stats::TaskStats;

/// Phase names, in order.
pub const PHASES: [&str; 5] = ["count", "plan", "scatter", "shuffle", "manifest"];

/// Index of the plan phase.
pub const PLAN_PHASE: usize = 1;

impl MixRun {
    /// Tasks of phase `p`.
    pub fn tasks(&self, p: usize) -> usize {
        match p {
            0 | 2 => self.units.len(),
            3 => self.buckets,
            _ => 1,
        }
    }

    /// The run identity: everything that shapes the bytes (not the executor).
    pub fn identity(&self) -> RunIdentity {
        let s = &self.spec;
        let shape = format!(
            "{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{}|{:?}|{:?}|{}|{:?}|{:?}",
            s.inputs,
            s.tokenizer,
            s.bos,
            s.eos,
            s.budgets,
            s.total_tokens,
            s.max_repeat,
            s.if_short,
            s.weight,
            s.seed,
            s.output,
            self.units
        );
        RunIdentity {
            pipeline: format!("mix:{}", s.name),
            fingerprint: format!("{:016x}", xxhash_rust::xxh3::xxh3_64(shape.as_bytes())),
            tasks: self.units.len(),
            files: self.reads.iter().cloned().collect(),
        }
    }

    /// The phases and their task counts, for `eurocurate status`.
    pub fn write_summary(&self) -> anyhow::Result<()> {
        let summary = markers::PlanSummary {
            kind: "mix".into(),
            pipeline: self.spec.name.clone(),
            phases: PHASES
                .iter()
                .enumerate()
                .map(|(index, name)| markers::PhaseSummary {
                    index,
                    name: name.to_string(),
                    tasks: self.tasks(index),
                })
                .collect(),
            on_error: Default::default(),
            // A mix has no stages (nothing for `whatif` to re-decide).
            stages: Vec::new(),
        };
        markers::write_summary(&self.out, &summary)
    }

    /// Runs task `t` of phase `p` and writes its marker.
    pub fn run_task(&self, p: usize, t: usize) -> anyhow::Result<TaskStats> {
        let t0 = Instant::now();
        let docs = match p {
            0 => count::run(self, t)?,
            1 => {
                let plan = solve::run(self)?;
                plan.languages.iter().map(|l| l.planned_copies).sum()
            }
            2 => scatter::run(self, t)?,
            3 => shuffle::run(self, t)?,
            4 => manifest::run(self)?,
            _ => bail!("a mix has phases 0..{}; there is no phase {p}", PHASES.len() - 1),
        };
        let mut stats = TaskStats {
            phase: p,
            phase_name: PHASES[p].to_string(),
            task: t,
            seconds: t0.elapsed().as_secs_f64(),
            ..Default::default()
        };
        stats.output.docs = docs;
        markers::write_marker(&self.out, &stats)?;
        Ok(stats)
    }

    fn pending(&self, p: usize) -> anyhow::Result<Vec<usize>> {
        let mut todo = Vec::new();
        for t in 0..self.tasks(p) {
            if markers::read_marker(&self.out, p, t)?.is_none() {
                todo.push(t);
            }
        }
        Ok(todo)
    }

    /// Removes what an earlier run of a mix wrote here (markers, scratch,
    /// shards, manifest), nothing else.
    pub fn clear(&self) -> anyhow::Result<()> {
        for d in ["_markers", "_work", "_slurm"] {
            let p = self.out.join(d);
            if p.exists() {
                std::fs::remove_dir_all(&p).with_context(|| format!("cannot remove {}", p.display()))?;
            }
        }
        if let Ok(entries) = std::fs::read_dir(&self.out) {
            for e in entries.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                if name.starts_with("part-") || name == "manifest.json" || name == "md5sums.txt" {
                    std::fs::remove_file(e.path()).with_context(|| format!("cannot remove {}", e.path().display()))?;
                }
            }
        }
        Ok(())
    }
}

/// Options of a local mix run.
#[derive(Debug, Clone, Copy, Default)]
pub struct MixOptions {
    pub workers: Option<usize>,
    pub restart: bool,
    pub force: bool,
    /// Stop after the plan phase (counting is kept for the real run).
    pub dry_run: bool,
}

/// Runs (or resumes) a mix on this machine; returns its plan.
pub fn run_local(mix: &MixRun, opts: MixOptions) -> anyhow::Result<MixPlan> {
    let workers = crate::exec::local::worker_count(opts.workers, mix.spec.executor.workers);
    let _lock = crate::exec::lock::acquire(&mix.out, opts.force)?;
    if opts.restart {
        mix.clear()?;
    }
    markers::check_identity(&mix.out, &mix.identity())?;
    mix.write_summary()?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(workers)
        .thread_name(|i| format!("eurocurate-mix-{i}"))
        .build()?;
    let last = if opts.dry_run { PLAN_PHASE } else { PHASES.len() - 1 };
    for (p, name) in PHASES.iter().enumerate().take(last + 1) {
        let todo = mix.pending(p)?;
        if todo.is_empty() {
            say(&format!(
                "phase {p} `{}`: all {} tasks already done",
                name,
                mix.tasks(p)
            ));
        } else {
            let t0 = Instant::now();
            let results: Vec<(usize, anyhow::Result<TaskStats>)> =
                pool.install(|| todo.par_iter().map(|&t| (t, mix.run_task(p, t))).collect());
            let failures: Vec<String> = results
                .into_iter()
                .filter_map(|(t, r)| r.err().map(|e| format!("task {t}: {e:#}")))
                .collect();
            if !failures.is_empty() {
                bail!(
                    "mix phase {p} `{}`: {} of {} tasks failed (finished tasks are kept; rerun to resume):\n  {}",
                    name,
                    failures.len(),
                    todo.len(),
                    failures.join("\n  ")
                );
            }
            say(&format!(
                "phase {p} `{}`: {} tasks in {:.1}s",
                name,
                todo.len(),
                t0.elapsed().as_secs_f64()
            ));
        }
        if p == PLAN_PHASE && !opts.dry_run {
            say(&solve::read(&mix.out)?.table());
        }
    }
    crate::exec::sweep_temp_files(&mix.out);
    solve::read(&mix.out)
}

/// Runs one task (a Slurm array index); earlier phases must be complete.
pub fn run_one(mix: &MixRun, p: usize, t: usize, tasks: Option<usize>) -> anyhow::Result<TaskStats> {
    anyhow::ensure!(
        p < PHASES.len(),
        "a mix has phases 0..{}; there is no phase {p}",
        PHASES.len() - 1
    );
    let n = mix.tasks(p);
    if let Some(k) = tasks {
        anyhow::ensure!(
            k == n,
            "the launcher runs {k} tasks for phase {p}, but the mix plans {n}: the inputs or the mix file changed since submission; resubmit"
        );
    }
    anyhow::ensure!(
        t < n,
        "phase {p} `{}` has {n} tasks; task {t} does not exist",
        PHASES[p]
    );
    std::fs::create_dir_all(&mix.out)?;
    markers::check_identity(&mix.out, &mix.identity())?;
    mix.write_summary()?;
    for (q, name) in PHASES.iter().enumerate().take(p) {
        let missing = mix.pending(q)?;
        if let Some(first) = missing.first() {
            bail!(
                "phase {q} `{name}` is not finished ({} tasks pending, e.g. task {first}); run it first",
                missing.len()
            );
        }
    }
    if let Some(done) = markers::read_marker(&mix.out, p, t)? {
        say(&format!("phase {p} task {t}: already done"));
        return Ok(done);
    }
    let stats = mix.run_task(p, t)?;
    if p == PLAN_PHASE {
        say(&solve::read(&mix.out)?.table());
    }
    Ok(stats)
}

/// The files of a finished mix, for messages.
pub fn describe(mix: &MixRun) -> String {
    format!(
        "{} shards, manifest.json and md5sums.txt in {}",
        (0..mix.buckets)
            .filter(|&b| crate::io::megatron::paths(&layout::part(&mix.out, b)).1.is_file())
            .count(),
        mix.out.display()
    )
}
