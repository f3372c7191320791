//! The planner: turns a pipeline into phases of independent tasks.
//!
//! Barrier stages split the stage list. A pipeline `a, b, B, c` with barrier
//! `B` becomes:
//! phase 0 reads the input, runs `a, b` and B's collector, spools documents;
//! phase 1.. are B's reduce steps;
//! the last phase reads the spool, runs B's filter and `c`, writes the output.
//! Stages with prepare steps (`decontaminate`'s sharded index) get phases of
//! their own before all of these.

use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::Serialize;

use super::spec::{InputFormat, PipelineSpec};
use crate::io::units::{self, Unit};
use crate::meta_schema::MetaField;
use crate::stages::{StageConfig, ValidateContext};

/// A stage as it runs inside a map phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "role", content = "stage", rename_all = "snake_case")]
pub enum StageRole {
    /// A streaming stage (index in `stages:`).
    Stream(usize),
    /// A barrier's collector, at the end of the phase before it.
    Collect(usize),
    /// A barrier's filter, at the start of the phase after it.
    Filter(usize),
}

impl StageRole {
    /// Index in `stages:`.
    pub fn index(&self) -> usize {
        match *self {
            StageRole::Stream(i) | StageRole::Collect(i) | StageRole::Filter(i) => i,
        }
    }
}

/// Where a map phase reads documents from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    Input,
    /// The spool written by an earlier map phase (same task numbers).
    Spool(usize),
}

/// Where a map phase writes surviving documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Sink {
    Output,
    Spool,
}

/// What a phase does.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum PhaseKind {
    /// Streams documents through stages.
    Map {
        source: Source,
        stages: Vec<StageRole>,
        sink: Sink,
    },
    /// One prepare step of a stage (before the first map phase): builds
    /// what the stage's tasks read, under the stage's work folder.
    Prepare { stage: usize, step: usize },
    /// One reduce step of a barrier.
    Reduce {
        barrier: usize,
        step: usize,
        /// Tasks of the map phase that fed the barrier.
        upstream_tasks: usize,
    },
}

/// One phase: `tasks` independent tasks, all finished before the next phase.
#[derive(Debug, Clone, Serialize)]
pub struct Phase {
    pub index: usize,
    pub name: String,
    pub tasks: usize,
    pub kind: PhaseKind,
}

/// The full plan of a pipeline run.
#[derive(Debug)]
pub struct Plan {
    pub spec: PipelineSpec,
    pub pipeline_file: PathBuf,
    pub phases: Vec<Phase>,
    /// Input units of each task of phase 0.
    pub assignment: Vec<Vec<Unit>>,
    /// Output folder (also holds _markers, _stats, _work).
    pub out: PathBuf,
    /// Every metadata field the input and the stages declare, typed: the
    /// `metadata` struct column of Parquet outputs (the same in every file).
    pub metadata: Vec<MetaField>,
    /// Every file the stages read, with a digest of its bytes: part of the
    /// run's identity (a resumed run refuses when one changed).
    pub reads: Vec<crate::stages::FileDigest>,
}

impl Plan {
    /// Scratch folder of barrier `stage`.
    pub fn barrier_dir(&self, stage: usize) -> PathBuf {
        let kind = self.spec.stages[stage].config.kind();
        self.out.join("_work").join(format!("stage-{stage:02}-{kind}"))
    }

    /// Spool file written by `task` of map phase `phase`.
    pub fn spool_path(&self, phase: usize, task: usize) -> PathBuf {
        self.out
            .join("_work")
            .join(format!("spool-phase-{phase}"))
            .join(format!("part-{task:05}.jsonl.zst"))
    }

    /// The config of stage `i`.
    pub fn stage(&self, i: usize) -> &dyn StageConfig {
        self.spec.stages[i].config.as_ref()
    }

    /// Vocabulary size of the pipeline's `tokenize` stage, if any.
    pub fn token_vocab(&self) -> Option<usize> {
        self.spec.stages.iter().find_map(|s| s.config.token_vocab())
    }

    /// Number of tasks of phase 0 (and of every map phase).
    pub fn map_tasks(&self) -> usize {
        self.assignment.len()
    }
}

/// Validates every stage and input file, then builds the plan. Nothing is
/// written; a wrong config or unreadable input fails here, before any work.
pub fn build(spec: PipelineSpec, pipeline_file: &Path) -> anyhow::Result<Plan> {
    let vctx = ValidateContext { pipeline_file };
    for (i, entry) in spec.stages.iter().enumerate() {
        entry.config.validate(&vctx).with_context(|| {
            format!(
                "{}: stage {} (`{}`)",
                pipeline_file.display(),
                i + 1,
                entry.config.kind()
            )
        })?;
    }
    let files = units::expand_paths(&spec.input).with_context(|| format!("{}: input", pipeline_file.display()))?;
    if spec.input.kind == InputFormat::Parquet {
        let columns = crate::io::parquet_columns(&spec.input);
        for f in &files {
            crate::io::parquet_in::check_schema(f, &columns)?;
        }
    }
    let mut reads = Vec::new();
    for (i, entry) in spec.stages.iter().enumerate() {
        reads.extend(entry.config.reads().with_context(|| {
            format!(
                "{}: stage {} (`{}`)",
                pipeline_file.display(),
                i + 1,
                entry.config.kind()
            )
        })?);
    }
    reads.sort();
    reads.dedup();
    let metadata = crate::meta_schema::merge(
        crate::io::reader_metadata(&spec.input, &files)
            .into_iter()
            .chain(spec.stages.iter().flat_map(|s| s.config.metadata())),
    );
    let all_units = units::units(&spec.input, &files)?;
    let tasks = spec.executor.tasks.unwrap_or(all_units.len().max(1));
    let assignment = units::assign(&all_units, tasks);
    let out = spec.output.path.clone();
    let phases = phases(&spec, tasks);
    Ok(Plan {
        spec,
        pipeline_file: pipeline_file.to_path_buf(),
        phases,
        assignment,
        out,
        metadata,
        reads,
    })
}

fn phases(spec: &PipelineSpec, tasks: usize) -> Vec<Phase> {
    let mut phases = Vec::new();
    for (i, entry) in spec.stages.iter().enumerate() {
        for (step, rs) in entry.config.prepare_steps().into_iter().enumerate() {
            phases.push(Phase {
                index: phases.len(),
                name: format!("{}:{}", entry.config.kind(), rs.name),
                tasks: rs.tasks,
                kind: PhaseKind::Prepare { stage: i, step },
            });
        }
    }
    let mut current: Vec<StageRole> = Vec::new();
    let mut source = Source::Input;
    for (i, entry) in spec.stages.iter().enumerate() {
        match entry.config.as_barrier() {
            None => current.push(StageRole::Stream(i)),
            Some(barrier) => {
                current.push(StageRole::Collect(i));
                let spool_phase = push_map(
                    &mut phases,
                    spec,
                    tasks,
                    source,
                    std::mem::take(&mut current),
                    Sink::Spool,
                );
                for (step, rs) in barrier.reduce_steps(tasks).into_iter().enumerate() {
                    let index = phases.len();
                    phases.push(Phase {
                        index,
                        name: format!("{}:{}", entry.config.kind(), rs.name),
                        tasks: rs.tasks,
                        kind: PhaseKind::Reduce {
                            barrier: i,
                            step,
                            upstream_tasks: tasks,
                        },
                    });
                }
                source = Source::Spool(spool_phase);
                current.push(StageRole::Filter(i));
            }
        }
    }
    push_map(&mut phases, spec, tasks, source, current, Sink::Output);
    phases
}

/// Appends a map phase and returns its index.
fn push_map(
    phases: &mut Vec<Phase>,
    spec: &PipelineSpec,
    tasks: usize,
    source: Source,
    stages: Vec<StageRole>,
    sink: Sink,
) -> usize {
    let index = phases.len();
    phases.push(Phase {
        index,
        name: map_name(index, &stages, spec),
        tasks,
        kind: PhaseKind::Map { source, stages, sink },
    });
    index
}

fn map_name(index: usize, stages: &[StageRole], spec: &PipelineSpec) -> String {
    if stages.is_empty() {
        return if index == 0 {
            "copy".into()
        } else {
            format!("map-{index}")
        };
    }
    stages
        .iter()
        .map(|r| {
            let kind = spec.stages[r.index()].config.kind();
            match r {
                StageRole::Stream(_) => kind.to_string(),
                StageRole::Collect(_) => format!("{kind}:collect"),
                StageRole::Filter(_) => format!("{kind}:filter"),
            }
        })
        .collect::<Vec<_>>()
        .join(" > ")
}

/// Human-readable plan for `eurocurate plan`.
pub fn describe(plan: &Plan) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let total_units: usize = plan.assignment.iter().map(Vec::len).sum();
    let total_bytes: u64 = plan.assignment.iter().flatten().map(|u| u.bytes).sum();
    let _ = writeln!(
        s,
        "pipeline `{}` ({}): {} phase(s), input {} slice(s), {}",
        plan.spec.name,
        plan.pipeline_file.display(),
        plan.phases.len(),
        total_units,
        human_bytes(total_bytes)
    );
    for phase in &plan.phases {
        let _ = writeln!(s, "\nphase {} `{}`: {} task(s)", phase.index, phase.name, phase.tasks);
        match &phase.kind {
            PhaseKind::Map { source, stages, sink } => {
                let reads = match source {
                    Source::Input => {
                        let mut files: Vec<_> = plan.assignment.iter().flatten().map(|u| &u.path).collect();
                        files.dedup();
                        format!(
                            "{:?} input ({} files, {} slices)",
                            plan.spec.input.kind,
                            files.len(),
                            total_units
                        )
                        .to_lowercase()
                    }
                    Source::Spool(p) => format!(
                        "spool of phase {p}: {}",
                        plan.spool_path(*p, 0).parent().unwrap().display()
                    ),
                };
                let _ = writeln!(s, "  reads:  {reads}");
                if !stages.is_empty() {
                    let _ = writeln!(s, "  stages: {}", map_name(phase.index, stages, &plan.spec));
                }
                let writes = match sink {
                    Sink::Output => format!(
                        "{:?} to {}{}",
                        plan.spec.output.kind,
                        plan.out.display(),
                        if plan.spec.output.partition_by.is_some() {
                            "/<lang>/"
                        } else {
                            "/"
                        }
                    )
                    .to_lowercase(),
                    Sink::Spool => format!("spool {}", plan.spool_path(phase.index, 0).parent().unwrap().display()),
                };
                let _ = writeln!(s, "  writes: {writes}");
                for r in stages {
                    if let StageRole::Collect(i) = r {
                        let _ = writeln!(
                            s,
                            "          + {} side files in {}",
                            plan.stage(*i).kind(),
                            plan.barrier_dir(*i).display()
                        );
                    }
                }
                if let Some(rej) = plan.spec.output.rejected_dir() {
                    let _ = writeln!(s, "          + dropped documents to {}", rej.display());
                }
                if *source == Source::Input {
                    for (t, units) in plan.assignment.iter().enumerate().take(8) {
                        let list: Vec<String> = units.iter().map(Unit::describe).collect();
                        let _ = writeln!(
                            s,
                            "  task {t}: {}",
                            if list.is_empty() {
                                "(nothing)".into()
                            } else {
                                list.join(", ")
                            }
                        );
                    }
                    if plan.assignment.len() > 8 {
                        let _ = writeln!(s, "  ... {} more tasks", plan.assignment.len() - 8);
                    }
                }
            }
            PhaseKind::Reduce { barrier, .. } => {
                let _ = writeln!(s, "  reads/writes: {}", plan.barrier_dir(*barrier).display());
            }
            PhaseKind::Prepare { stage, .. } => {
                let _ = writeln!(s, "  writes: {}", plan.barrier_dir(*stage).display());
            }
        }
    }
    s
}

/// `1.5 MB` style sizes for plans and logs.
pub fn human_bytes(b: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    let mut v = b as f64;
    let mut u = 0;
    while v >= 1000.0 && u < UNITS.len() - 1 {
        v /= 1000.0;
        u += 1;
    }
    if u == 0 {
        format!("{b} B")
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}
