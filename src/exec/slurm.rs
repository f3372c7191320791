//! The Slurm executor: one job array per phase, chained with
//! `--dependency=afterok`, each array task running `eurocurate task`.
//!
//! eurocurate does not schedule nodes; it writes readable sbatch scripts
//! under `<output>/_slurm/`, submits them, and reads markers, `squeue` and
//! the task logs back for `eurocurate status`. Resubmitting submits only the
//! tasks without markers, so a failed or cancelled run is finished, never
//! redone.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context};
use serde::{Deserialize, Serialize};

use super::markers::{plan_summary_path, write_plan_summary, PlanSummary};
use super::{identity, markers, pending_tasks};
use crate::io::atomic::write_file;
use crate::pipeline::plan::Plan;
use crate::pipeline::spec::ExecutorKind;

/// Options of `eurocurate submit`.
#[derive(Debug, Clone, Copy, Default)]
pub struct SubmitOptions {
    /// Write the scripts and print the sbatch commands, submit nothing.
    pub dry_run: bool,
    /// Times a failed task is retried inside its array task before it fails.
    pub retries: u32,
    /// Remove what an earlier run wrote to the output first (once no job of
    /// an earlier submission is queued or running).
    pub restart: bool,
}

/// One submitted (or, with `--dry-run`, planned) job array.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Submission {
    pub phase: usize,
    /// Slurm job id (`None` for a dry run).
    pub job_id: Option<String>,
    /// Array indices, Slurm syntax (`0-3,7`).
    pub array: String,
    /// The job it waits for.
    pub after: Option<String>,
    pub script: PathBuf,
    /// The command line, for the user's log.
    pub command: Vec<String>,
}

fn slurm_dir(out: &Path) -> PathBuf {
    out.join("_slurm")
}

/// Log file pattern of phase `p` (Slurm fills `%a` and `%A`).
fn log_pattern(out: &Path, p: usize) -> PathBuf {
    slurm_dir(out)
        .join("logs")
        .join(format!("phase-{p}-task-%a-job-%A.log"))
}

/// Single-quotes a word for bash.
pub fn sh_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

fn absolute(p: &Path) -> anyhow::Result<PathBuf> {
    let abs = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir()?.join(p)
    };
    Ok(abs)
}

/// The sbatch script of phase `p` (array and dependency come from the command line).
pub fn script(
    plan: &Plan,
    p: usize,
    retries: u32,
    binary: &Path,
    pipeline: &Path,
    cwd: &Path,
) -> anyhow::Result<String> {
    let phase = &plan.phases[p];
    let ex = &plan.spec.executor;
    let out = absolute(&plan.out)?;
    let mut s = String::new();
    let _ = writeln!(s, "#!/bin/bash");
    let _ = writeln!(
        s,
        "# eurocurate: pipeline `{}`, phase {p} `{}` ({} tasks).",
        plan.spec.name, phase.name, phase.tasks
    );
    let _ = writeln!(
        s,
        "# Written by `eurocurate submit`, which passes --array and --dependency."
    );
    let _ = writeln!(s, "#SBATCH --job-name=ec-{}-p{p}", plan.spec.name);
    let _ = writeln!(s, "#SBATCH --chdir={}", cwd.display());
    let _ = writeln!(s, "#SBATCH --output={}", log_pattern(&out, p).display());
    let mut opt = |name: &str, v: Option<String>| {
        if let Some(v) = v {
            let _ = writeln!(s, "#SBATCH --{name}={v}");
        }
    };
    opt("partition", ex.partition.clone());
    opt("account", ex.account.clone());
    opt("qos", ex.qos.clone());
    opt("time", ex.time.clone());
    opt("cpus-per-task", ex.cpus_per_task.map(|c| c.to_string()));
    opt("mem-per-cpu", ex.mem_per_cpu.clone());
    for extra in &ex.extra_sbatch {
        let _ = writeln!(s, "#SBATCH {extra}");
    }
    let _ = writeln!(s, "set -euo pipefail");
    let _ = writeln!(s, "export EUROCURATE_PHASE={p}");
    let _ = writeln!(s, "export EUROCURATE_TASK=\"$SLURM_ARRAY_TASK_ID\"");
    for (k, v) in &ex.env {
        if !k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') || k.is_empty() {
            bail!("executor.env: `{k}` is not a valid environment variable name");
        }
        let _ = writeln!(s, "export {k}={}", sh_quote(v));
    }
    for line in &ex.setup {
        let _ = writeln!(s, "{line}");
    }
    let _ = writeln!(s, "attempt=0");
    let _ = writeln!(
        s,
        "until {} task {} --phase {p} --task \"$SLURM_ARRAY_TASK_ID\" --tasks {}; do",
        sh_quote(&binary.display().to_string()),
        sh_quote(&pipeline.display().to_string()),
        phase.tasks
    );
    let _ = writeln!(s, "  attempt=$((attempt + 1))");
    let _ = writeln!(s, "  if [ \"$attempt\" -gt {retries} ]; then");
    let _ = writeln!(
        s,
        "    echo \"eurocurate: phase {p} task $SLURM_ARRAY_TASK_ID failed ($attempt attempt(s))\" >&2"
    );
    let _ = writeln!(s, "    exit 1");
    let _ = writeln!(s, "  fi");
    let _ = writeln!(
        s,
        "  echo \"eurocurate: phase {p} task $SLURM_ARRAY_TASK_ID failed; retry $attempt of {retries}\" >&2"
    );
    let _ = writeln!(s, "done");
    Ok(s)
}

/// Compresses task numbers into Slurm array syntax: `0-3,5,7-9`.
pub fn array_spec(tasks: &[usize]) -> String {
    let mut parts = Vec::new();
    let mut i = 0;
    while i < tasks.len() {
        let mut j = i;
        while j + 1 < tasks.len() && tasks[j + 1] == tasks[j] + 1 {
            j += 1;
        }
        parts.push(if i == j {
            tasks[i].to_string()
        } else {
            format!("{}-{}", tasks[i], tasks[j])
        });
        i = j + 1;
    }
    parts.join(",")
}

fn which(cmd: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| std::env::split_paths(&paths).map(|d| d.join(cmd)).find(|p| p.is_file()))
}

/// Writes the scripts and submits every phase that has unfinished tasks.
pub fn submit(plan: &Plan, opts: SubmitOptions) -> anyhow::Result<Vec<Submission>> {
    // A pipeline written for `run` can be submitted as is: Slurm's defaults
    // (default partition, account, limits) apply.
    if plan.spec.executor.kind == ExecutorKind::Local && !opts.dry_run {
        crate::exec::progress::say(
            "note: executor.kind is local; submitting with the cluster's default partition and limits",
        );
    }
    let sbatch = which("sbatch");
    if sbatch.is_none() && !opts.dry_run {
        bail!("`sbatch` is not on PATH: submit from a Slurm login node (or load the Slurm module), or use `--dry-run` to only write the scripts");
    }
    let out = absolute(&plan.out)?;
    if !opts.dry_run {
        // Submitting while an earlier submission still runs would run tasks twice.
        let earlier: Vec<String> = std::fs::read_to_string(slurm_dir(&out).join("submissions.jsonl"))
            .unwrap_or_default()
            .lines()
            .filter_map(|l| serde_json::from_str::<Submission>(l).ok()?.job_id)
            .collect();
        let active: Vec<String> = squeue_states(&earlier)
            .keys()
            .map(|(job, i)| format!("{job}_{i}"))
            .collect();
        if !active.is_empty() {
            bail!(
                "jobs of an earlier submission are still queued or running ({}); wait for them (`eurocurate status {}`) or cancel them with scancel, then submit again",
                active.join(", "),
                plan.out.display()
            );
        }
    }
    if opts.restart && !opts.dry_run {
        super::clear_previous_run(plan)?;
    }
    std::fs::create_dir_all(slurm_dir(&out).join("logs"))
        .with_context(|| format!("cannot create {}", slurm_dir(&out).display()))?;
    if !opts.dry_run {
        markers::check_identity(&plan.out, &identity(plan))?;
        write_plan_summary(plan)?;
    }
    let binary = match &plan.spec.executor.binary {
        Some(b) => absolute(b)?,
        None => std::env::current_exe().context("cannot locate the eurocurate binary")?,
    };
    let pipeline = absolute(&plan.pipeline_file)?;
    let cwd = std::env::current_dir()?;
    let mut submitted: Vec<Submission> = Vec::new();
    let mut after: Option<String> = None;
    for phase in &plan.phases {
        let path = slurm_dir(&out).join(format!("phase-{}.sbatch", phase.index));
        write_file(
            &path,
            script(plan, phase.index, opts.retries, &binary, &pipeline, &cwd)?.as_bytes(),
        )?;
        let todo = pending_tasks(plan, phase)?;
        if todo.is_empty() {
            continue;
        }
        let mut array = array_spec(&todo);
        if let Some(max) = plan.spec.executor.max_array_parallel {
            array = format!("{array}%{max}");
        }
        let mut command = vec!["sbatch".to_string(), "--parsable".into(), format!("--array={array}")];
        if let Some(dep) = &after {
            command.push(format!("--dependency=afterok:{dep}"));
        }
        command.push(path.display().to_string());
        let job_id = if opts.dry_run {
            None
        } else {
            let output = Command::new(sbatch.as_ref().expect("checked above"))
                .args(&command[1..])
                .output();
            let output = match output {
                Ok(o) if o.status.success() => o,
                Ok(o) => {
                    return Err(abort(
                        &submitted,
                        phase.index,
                        String::from_utf8_lossy(&o.stderr).trim(),
                    ))
                }
                Err(e) => return Err(abort(&submitted, phase.index, &e.to_string())),
            };
            let id = String::from_utf8_lossy(&output.stdout)
                .trim()
                .split(';')
                .next()
                .unwrap_or("")
                .to_string();
            if id.is_empty() || !id.chars().all(|c| c.is_ascii_digit()) {
                return Err(abort(
                    &submitted,
                    phase.index,
                    &format!("unexpected sbatch output `{id}`"),
                ));
            }
            Some(id)
        };
        // A dry run shows the chain with placeholders for the job ids.
        let next = job_id
            .clone()
            .or_else(|| opts.dry_run.then(|| format!("<job of phase {}>", phase.index)));
        submitted.push(Submission {
            phase: phase.index,
            job_id,
            array,
            after: std::mem::replace(&mut after, next),
            script: path,
            command,
        });
    }
    if !opts.dry_run {
        record_submissions(&out, &submitted)?;
    }
    Ok(submitted)
}

/// Appends submitted jobs to `_slurm/submissions.jsonl`, which `status`
/// reads to ask Slurm about them.
pub fn record_submissions(out: &Path, submitted: &[Submission]) -> anyhow::Result<()> {
    let log = slurm_dir(out).join("submissions.jsonl");
    let mut lines = std::fs::read_to_string(&log).unwrap_or_default();
    for s in submitted {
        lines.push_str(&serde_json::to_string(s)?);
        lines.push('\n');
    }
    write_file(&log, lines.as_bytes())?;
    Ok(())
}

/// Cancels what was already submitted and explains what happened.
fn abort(submitted: &[Submission], phase: usize, why: &str) -> anyhow::Error {
    let ids: Vec<&str> = submitted.iter().filter_map(|s| s.job_id.as_deref()).collect();
    let cancelled = if ids.is_empty() {
        "nothing was submitted".to_string()
    } else {
        let ok = Command::new("scancel").args(&ids).status().is_ok_and(|s| s.success());
        if ok {
            format!(
                "the jobs already submitted for earlier phases ({}) were cancelled; nothing is queued",
                ids.join(", ")
            )
        } else {
            format!(
                "could not cancel the jobs already submitted ({}); cancel them with `scancel {}`",
                ids.join(", "),
                ids.join(" ")
            )
        }
    };
    anyhow::anyhow!("Slurm refused phase {phase}: {why}; {cancelled}")
}

/// State of one task as far as files and `squeue` tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum TaskState {
    Done,
    Running,
    Pending,
    Failed,
    NotStarted,
}

/// Jobs Slurm still knows: (job id, array index) -> state code (R, PD, CG, ...).
fn squeue_states(job_ids: &[String]) -> BTreeMap<(String, usize), String> {
    let mut map = BTreeMap::new();
    if job_ids.is_empty() || which("squeue").is_none() {
        return map;
    }
    let Ok(out) = Command::new("squeue")
        .args(["-h", "-r", "-o", "%i %t", "-j", &job_ids.join(",")])
        .output()
    else {
        return map;
    };
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let mut parts = line.split_whitespace();
        let (Some(id), Some(state)) = (parts.next(), parts.next()) else {
            continue;
        };
        if let Some((job, idx)) = id.split_once('_') {
            if let Ok(i) = idx.parse() {
                map.insert((job.to_string(), i), state.to_string());
            }
        }
    }
    map
}

/// The newest log of a task, if it ever ran.
fn latest_log(out: &Path, phase: usize, task: usize) -> Option<PathBuf> {
    let prefix = format!("phase-{phase}-task-{task}-job-");
    let dir = slurm_dir(out).join("logs");
    std::fs::read_dir(dir)
        .ok()?
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let job: u64 = name.strip_prefix(&prefix)?.strip_suffix(".log")?.parse().ok()?;
            Some((job, e.path()))
        })
        .max_by_key(|(job, _)| *job)
        .map(|(_, p)| p)
}

/// `eurocurate status OUTDIR`: per phase, tasks done, running, pending and
/// failed, with the log of each failed task and its last lines.
pub fn status(out: &Path) -> anyhow::Result<String> {
    let summary_path = plan_summary_path(out);
    let summary: PlanSummary = serde_json::from_slice(&std::fs::read(&summary_path).with_context(|| {
        format!(
            "{} has no {}; it is not the output of a run or submit",
            out.display(),
            summary_path.display()
        )
    })?)?;
    let submissions: Vec<Submission> = std::fs::read_to_string(slurm_dir(out).join("submissions.jsonl"))
        .unwrap_or_default()
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    let job_ids: Vec<String> = submissions.iter().filter_map(|s| s.job_id.clone()).collect();
    let queue = squeue_states(&job_ids);
    let mut s = format!("{} `{}` in {}\n", summary.kind, summary.pipeline, out.display());
    let mut lost = crate::stats::ReaderStats::default();
    for phase in &summary.phases {
        let latest_job = submissions
            .iter()
            .rev()
            .find(|x| x.phase == phase.index)
            .and_then(|x| x.job_id.clone());
        let mut counts: BTreeMap<TaskState, usize> = BTreeMap::new();
        let mut failed = Vec::new();
        for t in 0..phase.tasks {
            let marker = markers::read_marker(out, phase.index, t)?;
            if let Some(r) = marker.as_ref().and_then(|m| m.reader.as_ref()) {
                lost.merge(r);
            }
            let state = if marker.is_some() {
                TaskState::Done
            } else if let Some(code) = latest_job.as_ref().and_then(|j| queue.get(&(j.clone(), t))) {
                if code == "PD" {
                    TaskState::Pending
                } else {
                    TaskState::Running
                }
            } else if let Some(log) = latest_log(out, phase.index, t) {
                failed.push((t, log));
                TaskState::Failed
            } else {
                TaskState::NotStarted
            };
            *counts.entry(state).or_default() += 1;
        }
        let n = |st| counts.get(&st).copied().unwrap_or(0);
        let _ = writeln!(
            s,
            "phase {} `{}`: {} of {} done, {} running, {} pending, {} failed, {} not started{}",
            phase.index,
            phase.name,
            n(TaskState::Done),
            phase.tasks,
            n(TaskState::Running),
            n(TaskState::Pending),
            n(TaskState::Failed),
            n(TaskState::NotStarted),
            latest_job.map(|j| format!(" (job {j})")).unwrap_or_default()
        );
        for (t, log) in failed {
            let text = std::fs::read_to_string(&log).unwrap_or_default();
            let tail: Vec<&str> = text
                .lines()
                .rev()
                .take(5)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            let _ = writeln!(s, "  task {t} failed: {}", log.display());
            for line in tail {
                let _ = writeln!(s, "    | {line}");
            }
        }
    }
    if lost.lost_total() > 0 {
        let what = crate::exec::describe_losses(&lost);
        if summary.on_error == crate::pipeline::spec::OnError::Fail {
            bail!(
                "{s}input was lost, so the output is incomplete: {what}\n\
                 Replace the damaged files and rerun with `--restart`, or accept the losses with `input.on_error: skip`."
            );
        }
        let _ = writeln!(s, "input lost and skipped (on_error: skip): {what}");
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn array_specs_compress_runs() {
        assert_eq!(array_spec(&[0, 1, 2, 3]), "0-3");
        assert_eq!(array_spec(&[0, 2, 3, 4, 9]), "0,2-4,9");
        assert_eq!(array_spec(&[5]), "5");
    }

    #[test]
    fn quoting_survives_quotes() {
        assert_eq!(sh_quote("it's"), r"'it'\''s'");
    }
}
