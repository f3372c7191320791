//! One task of one phase: the unit of work every executor (local threads,
//! Slurm array index, any other launcher) runs. A task reads its own slice,
//! writes its own files under temporary names, renames them, and only then
//! writes its marker.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;

use super::markers;
use super::progress::PhaseCounters;
use crate::document::Document;
use crate::io::jsonl::{JsonlFields, JsonlReader};
use crate::io::jsonl_out::{DocJson, JsonlZstWriter};
use crate::io::megatron::TokenDtype;
use crate::io::output::{OutputWriter, RejectedWriter};
use crate::io::units::{Part, Unit};
use crate::io::{self, DocReader, ReadItem};
use crate::pipeline::plan::{Phase, PhaseKind, Plan, Sink, Source, StageRole};
use crate::pipeline::spec::InvalidUtf8;
use crate::stages::{Stage, TaskContext, Verdict};
use crate::stats::{ReaderStats, StageStats, TaskStats};

/// Spool files between phases favour speed over size.
const SPOOL_LEVEL: i32 = 1;

/// Runs task `task` of `phase` and writes its marker. Returns its stats.
/// When another attempt of the same task commits first, this one discards
/// its files and returns that attempt's stats.
pub fn run_task(plan: &Plan, phase: &Phase, task: usize, progress: &PhaseCounters) -> anyhow::Result<TaskStats> {
    let t0 = Instant::now();
    let mut stats = match &phase.kind {
        PhaseKind::Map { source, stages, sink } => {
            match run_map(plan, phase, task, *source, stages, *sink, progress)? {
                Some(stats) => stats,
                None => return first_attempt_won(plan, phase, task, progress),
            }
        }
        PhaseKind::Prepare { stage, step } => {
            let ctx = TaskContext {
                work_dir: plan.barrier_dir(*stage),
                phase: phase.index,
                task,
                tasks: phase.tasks,
            };
            let mut stats = TaskStats::default();
            plan.stage(*stage).prepare(*step, &ctx, &mut stats)?;
            stats
        }
        PhaseKind::Reduce {
            barrier,
            step,
            upstream_tasks,
        } => {
            let cfg = plan.stage(*barrier);
            let b = cfg
                .as_barrier()
                .context("planner put a non-barrier in a reduce phase")?;
            let ctx = TaskContext {
                work_dir: plan.barrier_dir(*barrier),
                phase: phase.index,
                task,
                tasks: phase.tasks,
            };
            let mut stats = TaskStats::default();
            b.reduce(*step, &ctx, *upstream_tasks, &mut stats)?;
            stats
        }
    };
    stats.phase = phase.index;
    stats.phase_name = phase.name.clone();
    stats.task = task;
    stats.seconds = t0.elapsed().as_secs_f64();
    if markers::read_marker(&plan.out, phase.index, task)?.is_some() {
        return first_attempt_won(plan, phase, task, progress);
    }
    markers::write_marker(&plan.out, &stats)?;
    progress.tasks_done.fetch_add(1, Ordering::Relaxed);
    Ok(stats)
}

/// Another attempt of the same task (a Slurm requeue of a task whose first
/// attempt still ran) committed first: its result stands, this attempt's
/// files were discarded, and this attempt ends cleanly with that result.
fn first_attempt_won(plan: &Plan, phase: &Phase, task: usize, progress: &PhaseCounters) -> anyhow::Result<TaskStats> {
    super::progress::say(&format!(
        "phase {} task {task}: another attempt committed first; its result stands, this attempt's files are discarded",
        phase.index
    ));
    progress.tasks_done.fetch_add(1, Ordering::Relaxed);
    markers::read_marker(&plan.out, phase.index, task)?.context("the other attempt's marker disappeared")
}

/// The document stream of a map task: its input units one after the other,
/// or its spool file.
struct TaskSource<'a> {
    plan: &'a Plan,
    units: Vec<Unit>,
    next_unit: usize,
    current: Option<Box<dyn DocReader>>,
    counter: Arc<AtomicU64>,
}

impl DocReader for TaskSource<'_> {
    fn next_item(&mut self, stats: &mut ReaderStats) -> anyhow::Result<Option<ReadItem>> {
        loop {
            if let Some(r) = self.current.as_mut() {
                if let Some(item) = r.next_item(stats)? {
                    return Ok(Some(item));
                }
                self.current = None;
            }
            let Some(unit) = self.units.get(self.next_unit) else {
                return Ok(None);
            };
            self.next_unit += 1;
            stats.files += 1;
            if unit.bytes == 0 {
                stats.skip("empty_file", format!("{}: empty file", unit.path.display()));
                continue;
            }
            match io::open_unit(&self.plan.spec.input, unit, self.counter.clone()) {
                Ok(r) => self.current = Some(r),
                Err(e) => stats.lose(
                    "unreadable_file",
                    &unit.path.display().to_string(),
                    unit.describe(),
                    format!("{e:#}"),
                ),
            }
        }
    }
}

/// A stage instance with its funnel counters.
struct Running {
    stage: Box<dyn Stage>,
    /// Also names the stage (`kind`, with `:collect`/`:filter`) and its index.
    stats: StageStats,
}

fn run_map(
    plan: &Plan,
    phase: &Phase,
    task: usize,
    source: Source,
    roles: &[StageRole],
    sink: Sink,
    progress: &PhaseCounters,
) -> anyhow::Result<Option<TaskStats>> {
    let counter = Arc::new(AtomicU64::new(0));
    let mut stats = TaskStats::default();
    let mut reader_stats = ReaderStats::default();
    let mut src: Box<dyn DocReader + '_> = match source {
        Source::Input => Box::new(TaskSource {
            plan,
            units: plan.assignment.get(task).cloned().unwrap_or_default(),
            next_unit: 0,
            current: None,
            counter: counter.clone(),
        }),
        Source::Spool(p) => {
            let path = plan.spool_path(p, task);
            let unit = Unit {
                bytes: std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0),
                path,
                part: Part::Whole,
            };
            Box::new(
                JsonlReader::open(&unit, JsonlFields::default(), InvalidUtf8::Replace, counter.clone())
                    .with_context(|| format!("spool of phase {p} task {task} is missing; rerun phase {p}"))?,
            )
        }
    };
    let mut instances: Vec<Running> = Vec::new();
    for role in roles {
        let i = role.index();
        let cfg = plan.stage(i);
        let ctx = TaskContext {
            work_dir: plan.barrier_dir(i),
            phase: phase.index,
            task,
            tasks: phase.tasks,
        };
        let (stage, label) = match role {
            StageRole::Stream(_) => (cfg.build(&ctx)?, cfg.kind().to_string()),
            StageRole::Collect(_) => (
                cfg.as_barrier().context("collect of a non-barrier")?.collector(&ctx)?,
                format!("{}:collect", cfg.kind()),
            ),
            StageRole::Filter(_) => (
                cfg.as_barrier()
                    .context("filter of a non-barrier")?
                    .filter(&ctx, plan.map_tasks())?,
                format!("{}:filter", cfg.kind()),
            ),
        };
        let stats = StageStats {
            index: i,
            kind: label,
            ..Default::default()
        };
        instances.push(Running { stage, stats });
    }
    let out = &plan.spec.output;
    let mut rejected = RejectedWriter::new(out.rejected_dir().as_deref(), phase.index, task, out.compression_level);
    enum Writer {
        Out(OutputWriter),
        Spool(JsonlZstWriter),
    }
    let mut writer = match sink {
        Sink::Output => {
            let w = OutputWriter::new(out, task, Arc::new(plan.metadata.clone()));
            Writer::Out(match plan.token_vocab() {
                Some(vocab) => w.with_tokens(TokenDtype::for_vocab(vocab), out.max_tokens_per_shard),
                None => w,
            })
        }
        Sink::Spool => Writer::Spool(JsonlZstWriter::create(
            &plan.spool_path(phase.index, task),
            SPOOL_LEVEL,
        )?),
    };
    let mut since_report = 0u64;
    let mut last_bytes = 0u64;
    let mut emit = |doc: &Document, stats: &mut TaskStats| -> anyhow::Result<()> {
        match &mut writer {
            Writer::Out(w) => w.write(doc)?,
            Writer::Spool(w) => w.write_doc(&DocJson::of(doc))?,
        }
        stats.output.add(doc.text_bytes());
        let lang = doc.lang_or_und();
        match stats.output_by_lang.get_mut(lang) {
            Some(v) => v.add(doc.text_bytes()),
            None => stats
                .output_by_lang
                .entry(lang.to_string())
                .or_default()
                .add(doc.text_bytes()),
        }
        Ok(())
    };
    while let Some(item) = src.next_item(&mut reader_stats)? {
        since_report += 1;
        if since_report >= 256 {
            progress.docs.fetch_add(since_report, Ordering::Relaxed);
            let b = counter.load(Ordering::Relaxed);
            progress.bytes.fetch_add(b - last_bytes, Ordering::Relaxed);
            last_bytes = b;
            since_report = 0;
        }
        let mut doc = match item {
            ReadItem::Doc(d) => d,
            ReadItem::Reject(d, why) => {
                reader_stats.skipped.add(&format!("rejected:{}", why.reason), 1);
                stats.rejected.add(d.text_bytes());
                rejected.write(&d, phase.index, "input", None, &why)?;
                continue;
            }
        };
        reader_stats.docs.add(doc.text_bytes());
        let mut kept = true;
        for Running { stage, stats: st } in instances.iter_mut() {
            st.input.add(doc.text_bytes());
            let verdict = stage
                .process(&mut doc, &mut st.counters)
                .with_context(|| format!("stage `{}` failed on document {} ({})", st.kind, doc.id, doc.source))?;
            match verdict {
                Verdict::Keep => {
                    st.output.add(doc.text_bytes());
                    st.count_lang(doc.lang_or_und(), None);
                }
                Verdict::Drop(why) => {
                    st.dropped.add(&why.reason, 1);
                    st.count_lang(doc.lang_or_und(), Some(&why.reason));
                    stats.rejected.add(doc.text_bytes());
                    rejected.write(&doc, phase.index, &st.kind, Some(st.index), &why)?;
                    kept = false;
                    break;
                }
            }
        }
        if kept {
            emit(&doc, &mut stats)?;
        }
    }
    progress.docs.fetch_add(since_report, Ordering::Relaxed);
    progress
        .bytes
        .fetch_add(counter.load(Ordering::Relaxed) - last_bytes, Ordering::Relaxed);
    for Running { stage, stats: st } in instances.iter_mut() {
        stage
            .finish(&mut st.counters)
            .with_context(|| format!("stage `{}` failed to finish", st.kind))?;
    }
    if markers::read_marker(&plan.out, phase.index, task)?.is_some() {
        // Another attempt committed first: dropping the writers removes
        // this attempt's temp files.
        return Ok(None);
    }
    match writer {
        Writer::Out(w) => w.commit()?,
        Writer::Spool(w) => w.commit()?,
    }
    rejected.commit()?;
    reader_stats.bytes_read = counter.load(Ordering::Relaxed);
    stats.reader = Some(reader_stats);
    stats.stages = instances.into_iter().map(|r| r.stats).collect();
    Ok(Some(stats))
}
