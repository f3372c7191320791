//! The commands of the CLI, each a small function over the library.

use std::path::Path;

use crate::exec::local::{self, RunOptions};
use crate::exec::progress::{self, say, ProgressMode};
use crate::pipeline::{plan, registry, spec};

/// Silences informational output.
pub fn set_quiet(quiet: bool) {
    progress::set_quiet(quiet);
}

fn load_plan(pipeline: &Path) -> anyhow::Result<plan::Plan> {
    let spec = spec::load(pipeline)?;
    plan::build(spec, pipeline)
}

/// `eurocurate run`.
pub fn run(pipeline: &Path, workers: Option<usize>, quiet: bool) -> anyhow::Result<()> {
    let plan = load_plan(pipeline)?;
    let summary = local::run(
        &plan,
        RunOptions {
            workers,
            progress: ProgressMode::detect(quiet),
        },
    )?;
    let last = summary.phases.last();
    say(&format!(
        "done: {} tasks run, {} already done; {} documents written to {}; `eurocurate stats {}` for details",
        summary.tasks_run,
        summary.tasks_skipped,
        last.map(|p| p.output.docs).unwrap_or(0),
        plan.out.display(),
        plan.out.display()
    ));
    Ok(())
}

/// `eurocurate validate`.
pub fn validate(pipeline: &Path) -> anyhow::Result<()> {
    let plan = load_plan(pipeline)?;
    println!(
        "{}: ok (pipeline `{}`, {} stages, {} phases, {} tasks)",
        pipeline.display(),
        plan.spec.name,
        plan.spec.stages.len(),
        plan.phases.len(),
        plan.map_tasks()
    );
    Ok(())
}

/// `eurocurate plan`.
pub fn plan(pipeline: &Path, json: bool) -> anyhow::Result<()> {
    let plan = load_plan(pipeline)?;
    if json {
        let v = serde_json::json!({
            "name": plan.spec.name,
            "phases": plan.phases,
            "assignment": plan.assignment,
            "output": plan.out,
        });
        println!("{}", serde_json::to_string_pretty(&v)?);
    } else {
        print!("{}", plan::describe(&plan));
    }
    Ok(())
}

/// `eurocurate stages`.
pub fn stages(kind: Option<&str>) -> anyhow::Result<()> {
    let docs: Vec<_> = match kind {
        Some(k) => match registry::doc(k) {
            Some(d) => vec![d],
            None => {
                let hint = crate::pipeline::suggest::did_you_mean(k, registry::KINDS.iter().copied())
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_default();
                anyhow::bail!("unknown stage kind `{k}`{hint} (valid: {})", registry::KINDS.join(", "));
            }
        },
        None => registry::DOCS.iter().collect(),
    };
    for d in docs {
        println!(
            "{}{}\n  {}",
            d.kind,
            if d.barrier { "  (barrier)" } else { "" },
            d.summary
        );
        for p in d.params {
            println!("    {:<18} {:<30} default {:<16} {}", p.name, p.ty, p.default, p.doc);
        }
        println!();
    }
    Ok(())
}

/// `eurocurate stats`.
pub fn stats(outdir: &Path, json: bool) -> anyhow::Result<()> {
    let run = crate::report::load_run(outdir)?;
    if json {
        println!("{}", serde_json::to_string_pretty(&run.phases)?);
    } else {
        print!("{}", crate::report::tables(&run));
    }
    Ok(())
}

/// `eurocurate task`.
pub fn task(pipeline: &Path, phase: usize, task: usize, tasks: Option<usize>) -> anyhow::Result<()> {
    let plan = load_plan(pipeline)?;
    let stats = local::run_one(&plan, phase, task, tasks)?;
    say(&format!(
        "phase {phase} task {task}: {} docs out, {} rejected, {:.1}s",
        stats.output.docs, stats.rejected.docs, stats.seconds
    ));
    Ok(())
}

/// `eurocurate submit`.
pub fn submit(pipeline: &Path, dry_run: bool, retries: u32) -> anyhow::Result<()> {
    let plan = load_plan(pipeline)?;
    let subs = crate::exec::slurm::submit(&plan, crate::exec::slurm::SubmitOptions { dry_run, retries })?;
    if subs.is_empty() {
        println!(
            "nothing to submit: every task of every phase has finished (see `eurocurate status {}`)",
            plan.out.display()
        );
    }
    for s in &subs {
        match &s.job_id {
            Some(id) => println!(
                "phase {}: job {id} (array {}){}",
                s.phase,
                s.array,
                s.after.as_ref().map(|a| format!(" after {a}")).unwrap_or_default()
            ),
            None => println!("phase {}: would run `{}`", s.phase, s.command.join(" ")),
        }
    }
    Ok(())
}

/// `eurocurate status`.
pub fn status(outdir: &Path) -> anyhow::Result<()> {
    print!("{}", crate::exec::slurm::status(outdir)?);
    Ok(())
}
