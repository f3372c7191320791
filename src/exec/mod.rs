//! Executors: run a plan's phases, task by task, with resume.

pub mod local;
pub mod markers;
pub mod progress;
pub mod slurm;
pub mod task;

use std::path::Path;

use anyhow::Context;

use crate::pipeline::plan::{Phase, PhaseKind, Plan, Source};
use crate::stats::TaskStats;

/// Identity of a plan: changes whenever something that shapes the output changes.
pub fn identity(plan: &Plan) -> markers::RunIdentity {
    let spec = &plan.spec;
    let shape = format!(
        "{:?}|{:?}|{:?}|{:?}",
        spec.input,
        spec.stages
            .iter()
            .map(|s| format!("{:?}", s.config))
            .collect::<Vec<_>>(),
        spec.output,
        plan.assignment
    );
    markers::RunIdentity {
        pipeline: spec.name.clone(),
        fingerprint: format!("{:016x}", xxhash_rust::xxh3::xxh3_64(shape.as_bytes())),
        tasks: plan.map_tasks(),
    }
}

/// Tasks of `phase` without a completion marker.
pub fn pending_tasks(plan: &Plan, phase: &Phase) -> anyhow::Result<Vec<usize>> {
    let mut todo = Vec::new();
    for t in 0..phase.tasks {
        if markers::read_marker(&plan.out, phase.index, t)?.is_none() {
            todo.push(t);
        }
    }
    Ok(todo)
}

/// Merges the markers of a finished phase into `_stats/phase-P.json`.
pub fn merge_phase_stats(plan: &Plan, phase: &Phase) -> anyhow::Result<TaskStats> {
    let mut all = Vec::with_capacity(phase.tasks);
    for t in 0..phase.tasks {
        let s = markers::read_marker(&plan.out, phase.index, t)?
            .with_context(|| format!("task {t} of phase {} has no marker", phase.index))?;
        all.push(s);
    }
    let merged = TaskStats::merge_phase(&all);
    let path = markers::phase_stats_path(&plan.out, phase.index);
    crate::io::atomic::write_file(&path, &serde_json::to_vec_pretty(&merged)?)?;
    let last = phase.index + 1 == plan.phases.len();
    if last && plan.spec.output.kind == crate::pipeline::spec::OutputFormat::Megatron {
        crate::io::megatron::write_manifest(&plan.out)?;
    }
    Ok(merged)
}

/// Bytes phase `phase` will read for the given tasks (for progress totals).
pub fn input_bytes(plan: &Plan, phase: &Phase, tasks: &[usize]) -> u64 {
    match &phase.kind {
        PhaseKind::Map {
            source: Source::Input, ..
        } => tasks
            .iter()
            .map(|&t| {
                plan.assignment
                    .get(t)
                    .map(|u| u.iter().map(|x| x.bytes).sum::<u64>())
                    .unwrap_or(0)
            })
            .sum(),
        PhaseKind::Map {
            source: Source::Spool(p),
            ..
        } => tasks
            .iter()
            .map(|&t| std::fs::metadata(plan.spool_path(*p, t)).map(|m| m.len()).unwrap_or(0))
            .sum(),
        PhaseKind::Reduce { .. } => 0,
    }
}

/// Removes `.<name>.tmp` leftovers of killed runs under `dir`.
pub fn sweep_temp_files(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        let name = e.file_name().to_string_lossy().into_owned();
        if p.is_dir() {
            sweep_temp_files(&p);
        } else if name.starts_with('.') && name.ends_with(".tmp") {
            let _ = std::fs::remove_file(&p);
        }
    }
}
