//! Executors: run a plan's phases, task by task, with resume.

pub mod local;
pub mod lock;
pub mod markers;
pub mod progress;
pub mod slurm;
pub mod task;

use std::path::Path;

use anyhow::Context;

use crate::pipeline::plan::{Phase, PhaseKind, Plan, Source};
use crate::pipeline::spec::OnError;
use crate::stats::{ReaderStats, TaskStats};

/// Identity of a plan: changes whenever something that shapes the output
/// changes. `input.on_error` is left out: it decides whether recorded losses
/// fail the run, not what any task writes, so a run that failed on lost input
/// can be accepted by rerunning with `on_error: skip`.
pub fn identity(plan: &Plan) -> markers::RunIdentity {
    let spec = &plan.spec;
    let mut input = spec.input.clone();
    input.on_error = OnError::default();
    let shape = format!(
        "{:?}|{:?}|{:?}|{:?}",
        input,
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
        files: plan.reads.iter().cloned().collect(),
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
        PhaseKind::Reduce { .. } | PhaseKind::Prepare { .. } => 0,
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

/// What the input of a phase lost, one line per cause and per place.
pub fn describe_losses(reader: &ReaderStats) -> String {
    let by_cause: Vec<String> = reader.lost.0.iter().map(|(k, v)| format!("{k}: {v}")).collect();
    let mut s = format!("{} lost ({})", reader.lost_total(), by_cause.join(", "));
    for l in &reader.losses {
        s.push_str(&format!("\n  {l}"));
    }
    let listed = reader.losses.len() as u64;
    if reader.lost_total() > listed {
        s.push_str(&format!(
            "\n  … and {} more (see the task markers under _markers/)",
            reader.lost_total() - listed
        ));
    }
    s
}

/// Fails when phase `stats` lost input and the pipeline does not accept
/// losses (`input.on_error: fail`, the default).
pub fn check_losses(policy: OnError, phase: &Phase, stats: &TaskStats) -> anyhow::Result<()> {
    let Some(reader) = stats.reader.as_ref().filter(|r| r.lost_total() > 0) else {
        return Ok(());
    };
    if policy == OnError::Skip {
        return Ok(());
    }
    anyhow::bail!(
        "phase {} `{}`: input was lost, so the output is incomplete: {}\n\
         Every readable record was processed. Replace the damaged files and rerun with `--restart`, \
         or accept the losses with `input.on_error: skip` (they stay counted in stats and the report).",
        phase.index,
        phase.name,
        describe_losses(reader)
    )
}

/// Removes what a run of this pipeline wrote to its output folder —
/// markers, stats, scratch, Slurm scripts and logs, output files (`part-*`,
/// in partition folders too), the manifest and report — and its rejected/
/// files, so `--restart` starts from nothing. Files the run did not write
/// are left alone.
pub fn clear_previous_run(plan: &Plan) -> anyhow::Result<()> {
    let out = &plan.out;
    if !out.join("_markers").exists() {
        return Ok(());
    }
    let remove_dir = |p: &Path| -> anyhow::Result<()> {
        match std::fs::remove_dir_all(p) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(e).with_context(|| format!("cannot remove {}", p.display())),
        }
    };
    for d in ["_markers", "_stats", "_work", "_slurm"] {
        remove_dir(&out.join(d))?;
    }
    let rejected = plan.spec.output.rejected_dir();
    let written = |name: &str| {
        name.starts_with("part-") || name.starts_with(".part-") || name == "manifest.json" || name == "report.html"
    };
    let mut dirs = vec![out.clone()];
    dirs.extend(rejected.clone());
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for e in entries.flatten() {
            let p = e.path();
            let name = e.file_name().to_string_lossy().into_owned();
            if p.is_dir() {
                // Partition folders (`mt`, `lang=mt`) and the rejected folder.
                if dir == *out {
                    dirs.push(p);
                }
            } else if written(&name) || (Some(&dir) == rejected.as_ref() && name.starts_with("phase-")) {
                std::fs::remove_file(&p).with_context(|| format!("cannot remove {}", p.display()))?;
            }
        }
        if dir != *out {
            let _ = std::fs::remove_dir(&dir); // only when now empty
        }
    }
    progress::say(&format!("restart: cleared the earlier run in {}", out.display()));
    Ok(())
}
