//! Completion markers and stats files: the on-disk record of what is done.
//!
//! A task's marker is written (atomically) only after all its outputs have
//! been renamed into place, so "marker present" means "outputs complete".
//! A rerun skips every task that has a marker.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use serde::{Deserialize, Serialize};

use crate::io::atomic::write_file;
use crate::stats::TaskStats;

/// Marker of one task.
pub fn marker_path(out: &Path, phase: usize, task: usize) -> PathBuf {
    out.join("_markers")
        .join(format!("phase-{phase}"))
        .join(format!("task-{task:05}.json"))
}

/// Merged stats of one phase.
pub fn phase_stats_path(out: &Path, phase: usize) -> PathBuf {
    out.join("_stats").join(format!("phase-{phase}.json"))
}

/// Records that a task finished, with its stats.
pub fn write_marker(out: &Path, stats: &TaskStats) -> anyhow::Result<()> {
    let path = marker_path(out, stats.phase, stats.task);
    write_file(&path, &serde_json::to_vec_pretty(stats)?)
        .with_context(|| format!("cannot write marker {}", path.display()))
}

/// The stats of a finished task, or `None` when it has not finished.
pub fn read_marker(out: &Path, phase: usize, task: usize) -> anyhow::Result<Option<TaskStats>> {
    let path = marker_path(out, phase, task);
    match std::fs::read(&path) {
        Ok(bytes) => Ok(Some(serde_json::from_slice(&bytes).with_context(|| {
            format!("damaged marker {}; delete it to redo the task", path.display())
        })?)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
    }
}

/// Identity of the run configuration, stored with the markers so a rerun
/// with a different config cannot silently mix old and new outputs.
#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub struct RunIdentity {
    pub pipeline: String,
    pub fingerprint: String,
    pub tasks: usize,
    /// Every file the stages read (langs, rules, block lists, tokenizer,
    /// model) → digest of its bytes.
    #[serde(default)]
    pub files: std::collections::BTreeMap<String, String>,
}

/// Writes the identity on the first run, checks it on later ones.
pub fn check_identity(out: &Path, id: &RunIdentity) -> anyhow::Result<()> {
    let path = out.join("_markers").join("run.json");
    match std::fs::read(&path) {
        Ok(bytes) => {
            let old: RunIdentity =
                serde_json::from_slice(&bytes).with_context(|| format!("damaged {}", path.display()))?;
            let changed: Vec<String> = old
                .files
                .iter()
                .filter(|(f, d)| id.files.get(*f) != Some(*d))
                .map(|(f, _)| {
                    if id.files.contains_key(f) {
                        format!("{f} changed")
                    } else {
                        format!("{f} is no longer read")
                    }
                })
                .chain(
                    id.files
                        .keys()
                        .filter(|f| !old.files.contains_key(*f))
                        .map(|f| format!("{f} is read now")),
                )
                .collect();
            // Runs recorded before files were part of the identity have none.
            let compared = !old.files.is_empty();
            if compared && old.fingerprint == id.fingerprint && old.tasks == id.tasks && !changed.is_empty() {
                bail!(
                    "{} holds a run that read other versions of its files: {}. \
                     Resuming would mix outputs made with two configurations: rerun with `--restart` to start over, \
                     or restore the file(s).",
                    out.display(),
                    changed.join("; ")
                );
            }
            if old.pipeline != id.pipeline || old.fingerprint != id.fingerprint || old.tasks != id.tasks {
                bail!(
                    "{} holds a run of a different configuration (pipeline `{}`, {} tasks, fingerprint {}; now `{}`, {} tasks, {}). \
                     Resuming would mix outputs: write to a new output path, or rerun with `--restart` to start over.",
                    out.display(), old.pipeline, old.tasks, old.fingerprint, id.pipeline, id.tasks, id.fingerprint
                );
            }
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            write_file(&path, &serde_json::to_vec_pretty(id)?)?;
            Ok(())
        }
        Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
    }
}

/// Phases and task counts of a run, kept next to the markers so `status`
/// works from the output folder alone.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PlanSummary {
    /// What ran: `pipeline` (the default) or `mix`.
    #[serde(default = "pipeline_kind")]
    pub kind: String,
    pub pipeline: String,
    pub phases: Vec<PhaseSummary>,
    /// Whether lost input fails the run (`status` fails with it too).
    #[serde(default)]
    pub on_error: crate::pipeline::spec::OnError,
    /// The stages in order, as `whatif` needs them (which annotate, which
    /// are barriers); empty for runs recorded before it was kept.
    #[serde(default)]
    pub stages: Vec<StageSummary>,
}

/// One stage of [`PlanSummary`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StageSummary {
    pub kind: String,
    /// Prefix of its annotation columns (`name:`, else the kind).
    pub prefix: String,
    pub mode: crate::stages::annotate::Mode,
    pub barrier: bool,
    /// The numeric thresholds the stage judged each language by (`default`:
    /// languages without a langs file), for `report` and `diff`; empty for
    /// stages without thresholds and runs recorded before they were kept.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub thresholds: crate::stages::ResolvedThresholds,
}

/// One phase of [`PlanSummary`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PhaseSummary {
    pub index: usize,
    pub name: String,
    pub tasks: usize,
}

fn pipeline_kind() -> String {
    "pipeline".into()
}

/// Where the plan summary lives.
pub fn plan_summary_path(out: &Path) -> PathBuf {
    out.join("_markers").join("plan.json")
}

/// Writes `_markers/plan.json`.
pub fn write_plan_summary(plan: &crate::pipeline::plan::Plan) -> anyhow::Result<()> {
    let summary = PlanSummary {
        kind: pipeline_kind(),
        pipeline: plan.spec.name.clone(),
        on_error: plan.spec.input.on_error,
        stages: plan
            .spec
            .stages
            .iter()
            .map(|e| {
                Ok(StageSummary {
                    kind: e.config.kind().to_string(),
                    prefix: e.prefix.clone(),
                    mode: e.mode,
                    barrier: e.config.as_barrier().is_some(),
                    thresholds: e.config.thresholds()?,
                })
            })
            .collect::<anyhow::Result<_>>()?,
        phases: plan
            .phases
            .iter()
            .map(|p| PhaseSummary {
                index: p.index,
                name: p.name.clone(),
                tasks: p.tasks,
            })
            .collect(),
    };
    write_summary(&plan.out, &summary)
}

/// Writes the summary of any run made of phases (a pipeline, a mix), so
/// `status` can read its output folder.
pub fn write_summary(out: &Path, summary: &PlanSummary) -> anyhow::Result<()> {
    write_file(&plan_summary_path(out), &serde_json::to_vec_pretty(summary)?)?;
    Ok(())
}
