//! The commands of the CLI, each a small function over the library.

pub mod classifier;
pub mod langs_calibrate;
pub mod langs_clean_keep;
pub mod langs_show;
pub mod langs_test;
pub mod mix;
pub mod whatif;

use std::path::{Path, PathBuf};

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
pub fn run(pipeline: &Path, workers: Option<usize>, restart: bool, force: bool, quiet: bool) -> anyhow::Result<()> {
    let plan = load_plan(pipeline)?;
    let summary = local::run(
        &plan,
        RunOptions {
            workers,
            restart,
            force,
            progress: ProgressMode::detect(quiet),
        },
    )?;
    let last = summary.phases.last();
    let lost = summary
        .phases
        .iter()
        .filter_map(|p| p.reader.as_ref())
        .filter(|r| r.lost_total() > 0)
        .map(|r| {
            format!(
                "; input lost and skipped (on_error: skip): {}",
                crate::exec::describe_losses(r).lines().next().unwrap_or_default()
            )
        })
        .collect::<String>();
    say(&format!(
        "done: {} tasks run, {} already done; {} documents written to {}{lost}; `eurocurate stats {}` for details",
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

/// `eurocurate schema`.
pub fn schema() -> anyhow::Result<()> {
    println!(
        "{}",
        serde_json::to_string_pretty(&crate::pipeline::spec::json_schema())?
    );
    Ok(())
}

/// The README's stage table: one row per kind, generated from the config
/// types (a test keeps README.md equal to it).
pub fn stage_table() -> String {
    let mut s = String::from("| kind | role | what it does | parameters |\n|---|---|---|---|\n");
    for d in registry::docs() {
        let role = match (d.role, d.produces) {
            (registry::Role::Barrier, _) => "barrier",
            (_, registry::Produces::Tokens) => "stream → tokens",
            _ => "stream",
        };
        let params: Vec<String> = d.params.iter().map(|p| format!("`{}`", p.name)).collect();
        s.push_str(&format!(
            "| `{}` | {role} | {} | {} |\n",
            d.kind,
            d.summary.replace('|', "\\|"),
            params.join(", ")
        ));
    }
    s
}

/// `eurocurate stages`.
pub fn stages(kind: Option<&str>, markdown: bool) -> anyhow::Result<()> {
    if markdown {
        print!("{}", stage_table());
        return Ok(());
    }
    let docs: Vec<_> = match kind {
        Some(k) => match registry::doc(k) {
            Some(d) => vec![d],
            None => {
                let hint = crate::text::suggest::did_you_mean(k, registry::KINDS.iter().copied())
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_default();
                anyhow::bail!("unknown stage kind `{k}`{hint} (valid: {})", registry::KINDS.join(", "));
            }
        },
        None => registry::docs(),
    };
    for d in docs {
        println!(
            "{}{}\n  {}",
            d.kind,
            match (d.role, d.produces) {
                (registry::Role::Barrier, _) => "  (barrier)",
                (_, registry::Produces::Tokens) => "  (produces token ids; last stage)",
                _ => "",
            },
            d.summary
        );
        for p in &d.params {
            println!("    {:<18} {:<30} default {:<16} {}", p.name, p.ty, p.default, p.doc);
        }
        if let Some(f) = registry::filter_decl(d.kind) {
            println!("    {:<18} {:<30} default {:<16} filter drops; annotate keeps every document and writes `<name>.<measure>`, `.keep`, `.reason`, `.fails` (README: whatif)", "mode", "filter | annotate", "filter");
            let rows: Vec<String> = f
                .thresholds
                .iter()
                .map(|t| {
                    let op = if t.bound == crate::stages::annotate::Bound::Min {
                        ">="
                    } else {
                        "<="
                    };
                    format!("{} {op} {}", t.measure, t.param)
                })
                .collect();
            if !rows.is_empty() {
                println!("  whatif --set {}.PARAM keeps: {}", d.kind, rows.join(", "));
            }
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
        print!("{}", crate::report::decont::section(outdir, 10, 5)?);
    }
    Ok(())
}

/// `eurocurate decont report`: the contamination a run's `decontaminate`
/// stages found, most contaminated items first, with their document ids.
pub fn decont_report(outdir: &Path, top: usize, docs: usize) -> anyhow::Result<()> {
    crate::report::load_run(outdir)?;
    let s = crate::report::decont::section(outdir, top, docs)?;
    anyhow::ensure!(
        !s.is_empty(),
        "{} has no decontamination findings: the run has no `decontaminate` stage, or it found nothing",
        outdir.display()
    );
    print!("{s}");
    Ok(())
}

/// `eurocurate task`.
pub fn task(pipeline: &Path, phase: usize, task: usize, tasks: Option<usize>, restart: bool) -> anyhow::Result<()> {
    let plan = load_plan(pipeline)?;
    let stats = local::run_one(&plan, phase, task, tasks, restart)?;
    say(&format!(
        "phase {phase} task {task}: {} docs out, {} rejected, {:.1}s",
        stats.output.docs, stats.rejected.docs, stats.seconds
    ));
    Ok(())
}

/// `eurocurate submit`.
pub fn submit(pipeline: &Path, dry_run: bool, retries: u32, restart: bool) -> anyhow::Result<()> {
    let plan = load_plan(pipeline)?;
    let subs = crate::exec::slurm::submit(
        &plan,
        crate::exec::slurm::SubmitOptions {
            dry_run,
            retries,
            restart,
        },
    )?;
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

/// Shard prefixes named by `path`: the shard itself, or every shard in a folder.
fn shard_prefixes(path: &Path) -> anyhow::Result<Vec<PathBuf>> {
    if path.is_dir() {
        let found = crate::io::megatron::find_shards(path);
        anyhow::ensure!(!found.is_empty(), "no .idx/.bin shards under {}", path.display());
        Ok(found)
    } else {
        let s = path.to_string_lossy();
        let prefix = s.strip_suffix(".idx").or_else(|| s.strip_suffix(".bin")).unwrap_or(&s);
        Ok(vec![PathBuf::from(prefix)])
    }
}

/// `eurocurate shards inspect`.
pub fn shards_inspect(path: &Path, tokenizer: Option<&Path>, n: usize) -> anyhow::Result<()> {
    let tok = tokenizer.map(crate::stages::tokenize::load_tokenizer).transpose()?;
    let (mut docs, mut tokens) = (0u64, 0u64);
    for prefix in shard_prefixes(path)? {
        let r = crate::io::megatron::ShardReader::open(&prefix)?;
        println!(
            "{}: {} documents, {} tokens, {:?}",
            prefix.display(),
            r.len(),
            r.tokens(),
            r.dtype
        );
        docs += r.len() as u64;
        tokens += r.tokens();
        for i in 0..n.min(r.len()) {
            let ids = r.get(i)?;
            match &tok {
                Some(t) => {
                    let text = t.decode(&ids, false).map_err(|e| anyhow::anyhow!("decoding: {e}"))?;
                    let short: String = text.chars().take(300).collect();
                    println!("  [{i}] {} tokens: {short}", ids.len());
                }
                None => {
                    let head: Vec<String> = ids.iter().take(24).map(u32::to_string).collect();
                    println!("  [{i}] {} tokens: {} …", ids.len(), head.join(" "));
                }
            }
        }
    }
    println!("total: {docs} documents, {tokens} tokens");
    Ok(())
}

/// `eurocurate shards merge`.
pub fn shards_merge(inputs: &[PathBuf], out: &Path, shuffle_seed: Option<u64>) -> anyhow::Result<()> {
    let mut prefixes = Vec::new();
    for p in inputs {
        prefixes.extend(shard_prefixes(p)?);
    }
    let info = crate::io::megatron::merge(&prefixes, out, shuffle_seed)?;
    println!(
        "{}: {} documents, {} tokens from {} shards",
        out.display(),
        info.documents,
        info.tokens,
        prefixes.len()
    );
    Ok(())
}

/// `eurocurate langs check`.
pub fn langs_check(dir: Option<&Path>) -> anyhow::Result<()> {
    let dir = dir.unwrap_or(Path::new(crate::langs::DEFAULT_DIR));
    let mut errors = crate::langs::Langs::check_dir(dir)?;
    if errors.is_empty() {
        // Sections are checked against the stages that read them.
        let langs = crate::langs::Langs::resolve(dir)?;
        if let Err(e) = registry::check_langs(&langs) {
            errors.push(format!("{e:#}"));
        }
        errors.extend(crate::stages::quality::check_sections(&langs));
    }
    if errors.is_empty() {
        println!("{}: every file is valid", dir.display());
        return Ok(());
    }
    for e in &errors {
        eprintln!("{e}");
    }
    anyhow::bail!("{}: {} file(s) with errors", dir.display(), errors.len())
}

/// `eurocurate langs show`.
pub fn langs_show(iso: &str, langs_dir: Option<&Path>, pipeline: Option<&Path>) -> anyhow::Result<()> {
    let dir = langs_dir.unwrap_or(Path::new(crate::langs::DEFAULT_DIR));
    let langs = crate::langs::Langs::resolve(dir)?;
    let origin = if dir.is_dir() {
        format!("{}/", dir.display())
    } else {
        "the compiled-in files".to_string()
    };
    print!("{}", langs_show::show(&langs, &origin, iso, pipeline)?);
    Ok(())
}

/// `eurocurate langs test`.
pub fn langs_test(iso: &str, samples: &[PathBuf], langs_dir: Option<&Path>, show: usize) -> anyhow::Result<()> {
    let dir = langs_dir.unwrap_or(Path::new(crate::langs::DEFAULT_DIR));
    let langs = crate::langs::Langs::resolve(dir)?;
    let paths: Vec<&Path> = samples.iter().map(PathBuf::as_path).collect();
    print!("{}", langs_test::run(&langs, iso, &paths, show)?);
    Ok(())
}
