//! `eurocurate mix MIX.yaml --submit`: one Slurm job array per phase,
//! chained with `--dependency=afterok`, each array task running
//! `eurocurate mix MIX.yaml --phase P --task $SLURM_ARRAY_TASK_ID`. Phases
//! with every task done are skipped, so resubmitting finishes a run.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use anyhow::{bail, Context};

use super::run::PHASES;
use super::MixRun;
use crate::exec::slurm::{array_spec, sh_quote, Submission};

/// The sbatch script of phase `p`.
pub fn script(mix: &MixRun, p: usize, binary: &Path, file: &Path, cwd: &Path) -> anyhow::Result<String> {
    let ex = &mix.spec.executor;
    let out = std::path::absolute(&mix.out)?;
    let mut s = String::new();
    let _ = writeln!(s, "#!/bin/bash");
    let _ = writeln!(
        s,
        "# eurocurate: mix `{}`, phase {p} `{}` ({} tasks). Written by `eurocurate mix --submit`.",
        mix.spec.name,
        PHASES[p],
        mix.tasks(p)
    );
    let _ = writeln!(s, "#SBATCH --job-name=ec-mix-{}-p{p}", mix.spec.name);
    let _ = writeln!(s, "#SBATCH --chdir={}", cwd.display());
    let _ = writeln!(
        s,
        "#SBATCH --output={}/_slurm/logs/phase-{p}-task-%a-job-%A.log",
        out.display()
    );
    for (name, v) in [
        ("partition", ex.partition.clone()),
        ("account", ex.account.clone()),
        ("qos", ex.qos.clone()),
        ("time", ex.time.clone()),
        ("cpus-per-task", ex.cpus_per_task.map(|c| c.to_string())),
        ("mem-per-cpu", ex.mem_per_cpu.clone()),
    ] {
        if let Some(v) = v {
            let _ = writeln!(s, "#SBATCH --{name}={v}");
        }
    }
    for extra in &ex.extra_sbatch {
        let _ = writeln!(s, "#SBATCH {extra}");
    }
    let _ = writeln!(s, "set -euo pipefail");
    for (k, v) in &ex.env {
        if k.is_empty() || !k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            bail!("executor.env: `{k}` is not a valid environment variable name");
        }
        let _ = writeln!(s, "export {k}={}", sh_quote(v));
    }
    for line in &ex.setup {
        let _ = writeln!(s, "{line}");
    }
    let _ = writeln!(
        s,
        "exec {} mix {} --phase {p} --task \"$SLURM_ARRAY_TASK_ID\" --tasks {}",
        sh_quote(&binary.display().to_string()),
        sh_quote(&file.display().to_string()),
        mix.tasks(p)
    );
    Ok(s)
}

/// Writes the scripts and submits (or, with `dry_run`, prints) every phase
/// with unfinished tasks. Returns what to print: the sbatch command lines of
/// a dry run, or each phase's job id; nothing when every task is done.
pub fn submit(mix: &MixRun, dry_run: bool) -> anyhow::Result<Vec<String>> {
    let sbatch = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join("sbatch"))
            .find(|p| p.is_file())
    });
    if sbatch.is_none() && !dry_run {
        bail!("`sbatch` is not on PATH: submit from a Slurm login node, or use `--dry-run` to only write the scripts");
    }
    let dir = mix.out.join("_slurm");
    std::fs::create_dir_all(dir.join("logs")).with_context(|| format!("cannot create {}", dir.display()))?;
    markers_check(mix)?;
    mix.write_summary()?;
    let binary = match &mix.spec.executor.binary {
        Some(b) => std::path::absolute(b)?,
        None => std::env::current_exe().context("cannot locate the eurocurate binary")?,
    };
    let file = std::path::absolute(&mix.file)?;
    let cwd = std::env::current_dir()?;
    let mut after: Option<String> = None;
    let mut lines = Vec::new();
    let mut submitted = Vec::new();
    for (p, phase) in PHASES.iter().enumerate() {
        let path = dir.join(format!("mix-phase-{p}.sbatch"));
        crate::io::atomic::write_file(&path, script(mix, p, &binary, &file, &cwd)?.as_bytes())?;
        let todo: Vec<usize> = (0..mix.tasks(p))
            .filter(|&t| {
                crate::exec::markers::read_marker(&mix.out, p, t)
                    .ok()
                    .flatten()
                    .is_none()
            })
            .collect();
        if todo.is_empty() {
            continue;
        }
        let mut array = array_spec(&todo);
        if let Some(max) = mix.spec.executor.max_array_parallel {
            array = format!("{array}%{max}");
        }
        let mut cmd = vec!["--parsable".to_string(), format!("--array={array}")];
        if let Some(dep) = &after {
            cmd.push(format!("--dependency=afterok:{dep}"));
        }
        cmd.push(path.display().to_string());
        if dry_run {
            lines.push(format!("sbatch {}", cmd.join(" ")));
        }
        let waits_for = after.clone();
        after = Some(if dry_run {
            format!("<job of phase {p}>")
        } else {
            let o = Command::new(sbatch.as_ref().expect("checked above"))
                .args(&cmd)
                .output()
                .context("cannot run sbatch")?;
            if !o.status.success() {
                crate::exec::slurm::record_submissions(&mix.out, &submitted)?;
                bail!(
                    "Slurm refused phase {p}: {}; jobs already submitted stay queued (see `squeue`)",
                    String::from_utf8_lossy(&o.stderr).trim()
                );
            }
            String::from_utf8_lossy(&o.stdout)
                .trim()
                .split(';')
                .next()
                .unwrap_or("")
                .to_string()
        });
        if let (false, Some(id)) = (dry_run, &after) {
            lines.push(format!("phase {p} `{phase}`: job {id} (array {array})"));
            submitted.push(Submission {
                phase: p,
                job_id: after.clone(),
                array,
                after: waits_for,
                script: path,
                command: cmd,
            });
        }
    }
    if !dry_run {
        // `eurocurate status OUT` asks Slurm about these jobs.
        crate::exec::slurm::record_submissions(&mix.out, &submitted)?;
    }
    Ok(lines)
}

fn markers_check(mix: &MixRun) -> anyhow::Result<()> {
    crate::exec::markers::check_identity(&mix.out, &mix.identity())
}
