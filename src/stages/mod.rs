//! Stages: what happens to a document between reading and writing.
//!
//! A streaming [`Stage`] sees one document at a time and keeps it, drops it
//! with a reason, or rewrites it in place. A [`Barrier`] needs to have seen
//! every document before it can decide (exact or near-duplicate removal); the
//! planner splits the pipeline into phases around it.

pub mod annotate;
pub mod contract;
/// Families of stages that share a folder (one file per stage inside).
pub mod dedup;
pub mod quality;
pub mod registry;

// The registry: one line per stage, in the order `eurocurate stages` lists
// them. `file::Config` also declares the stage's module.
registry::stages![
    html_extract::HtmlExtractConfig,
    normalize::NormalizeConfig,
    lid::LanguageIdConfig,
    length_filter::LengthFilterConfig,
    sample::SampleConfig,
    url_filter::UrlFilterConfig,
    rules::RulesConfig,
    tokenize::TokenizeConfig,
    pii::PiiConfig,
    quality::gopher_quality::GopherQualityConfig,
    quality::gopher_repetition::GopherRepetitionConfig,
    quality::c4::C4QualityConfig,
    quality::fineweb::FinewebQualityConfig,
    dedup::exact::ExactDedupConfig,
    dedup::minhash::MinhashDedupConfig,
    dedup::url::UrlDedupConfig,
    dedup::line::LineDedupConfig,
    decontaminate::DecontaminateConfig,
    classify::ClassifyConfig,
];

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use crate::document::Document;
use crate::stats::Counters;

/// Something a stage config builds once (compiled rules, loaded lists) and
/// shares with validation and every task. Its `Debug` is empty so that it
/// never enters the run fingerprint, which hashes the configs' `Debug`.
pub struct BuiltOnce<T>(std::sync::OnceLock<std::sync::Arc<T>>);

impl<T> Default for BuiltOnce<T> {
    fn default() -> Self {
        BuiltOnce(std::sync::OnceLock::new())
    }
}

impl<T> Clone for BuiltOnce<T> {
    fn clone(&self) -> Self {
        BuiltOnce(self.0.clone())
    }
}

impl<T> std::fmt::Debug for BuiltOnce<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BuiltOnce")
    }
}

impl<T> BuiltOnce<T> {
    /// The value, built by `build` on first use.
    pub fn get_or_build(&self, build: impl FnOnce() -> anyhow::Result<T>) -> anyhow::Result<std::sync::Arc<T>> {
        if let Some(v) = self.0.get() {
            return Ok(v.clone());
        }
        let v = std::sync::Arc::new(build()?);
        Ok(self.0.get_or_init(|| v).clone())
    }
}

/// What a stage decided about one document.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// Pass the (possibly rewritten) document on.
    Keep,
    /// Remove the document; it goes to `rejected/` with this reason.
    Drop(Rejection),
}

pub use crate::document::Rejection;

impl Verdict {
    /// A drop with a fixed reason and no detail.
    pub fn drop(reason: &'static str) -> Self {
        Verdict::Drop(Rejection::new(reason))
    }

    /// A drop with a fixed reason and a free-form detail (the matched rule, the
    /// kept duplicate, the measured value).
    pub fn drop_with(reason: &'static str, detail: impl Into<String>) -> Self {
        Verdict::Drop(Rejection {
            reason: Cow::Borrowed(reason),
            detail: Some(detail.into()),
        })
    }
}

/// A per-task instance of a streaming stage. Built fresh for every task so it
/// may keep state (buffers, open files) without locking.
pub trait Stage: Send {
    /// Look at one document; rewrite it in place or decide to drop it.
    fn process(&mut self, doc: &mut Document, counters: &mut Counters) -> anyhow::Result<Verdict>;

    /// Filters: like `process`, recording each measure (and, when
    /// `measured.on()`, every failing check rather than the first) for
    /// `mode: annotate`. A filter implements this and lets `process` call it
    /// with [`annotate::Measured::off`].
    fn judge(
        &mut self,
        doc: &mut Document,
        counters: &mut Counters,
        _measured: &mut annotate::Measured,
    ) -> anyhow::Result<Verdict> {
        self.process(doc, counters)
    }

    /// Called once after the last document of the task, before outputs are
    /// committed; barrier collectors flush their side files here.
    fn finish(&mut self, _counters: &mut Counters) -> anyhow::Result<()> {
        Ok(())
    }
}

/// Where a task's stage instance runs: which phase and task, and where it
/// may put side files. Side files live under `work_dir` and are named by
/// task so that reruns overwrite rather than duplicate them.
#[derive(Debug, Clone)]
pub struct TaskContext {
    /// Scratch folder for this barrier/stage (created by the executor).
    pub work_dir: PathBuf,
    pub phase: usize,
    pub task: usize,
    /// Number of tasks in this phase.
    pub tasks: usize,
}

impl TaskContext {
    /// The context of a stage built outside a run (tests, benches): the
    /// only task of its phase, side files in the system's temporary folder.
    pub fn standalone() -> Self {
        TaskContext {
            work_dir: std::env::temp_dir(),
            phase: 0,
            task: 0,
            tasks: 1,
        }
    }
}

/// Facts a stage may check before any work starts.
#[derive(Debug, Clone)]
pub struct ValidateContext<'a> {
    /// The pipeline file, for messages.
    pub pipeline_file: &'a Path,
}

/// The typed, validated parameters of one stage in the pipeline YAML.
///
/// `kind()`, `role()` and `produces()` come from the config's
/// [`contract::Describe`] declaration. Every pipeline entry is wrapped in
/// [`annotate::Annotated`], which forwards each method: a method added here
/// must be forwarded there too, or the wrapper's default silently wins.
pub trait StageConfig: contract::Declared + Send + Sync + std::fmt::Debug {
    /// Checks that need the file system (block lists, models) so that a wrong
    /// config fails before any work is done.
    fn validate(&self, _ctx: &ValidateContext) -> anyhow::Result<()> {
        Ok(())
    }

    /// A fresh instance for one task (streaming stages only).
    fn build(&self, ctx: &TaskContext) -> anyhow::Result<Box<dyn Stage>>;

    /// `Some` for stages that need every document before deciding.
    fn as_barrier(&self) -> Option<&dyn Barrier> {
        None
    }

    /// Vocabulary size of a stage that produces token ids (`tokenize`), so
    /// the output can choose its id width.
    fn token_vocab(&self) -> Option<usize> {
        None
    }

    /// The metadata fields the stage writes, with their types: the typed
    /// columns of Parquet outputs come from these declarations.
    fn metadata(&self) -> Vec<crate::meta_schema::MetaField> {
        Vec::new()
    }

    /// Every file the stage reads (langs files, rules, block lists, models,
    /// tokenizers), as (name, content digest): part of the run's identity,
    /// so a resumed run refuses when one of them changed.
    fn reads(&self) -> anyhow::Result<Vec<FileDigest>> {
        Ok(Vec::new())
    }

    /// Steps that build what the stage's tasks then read (a sharded index
    /// of the files it reads), each run as a phase of its own before the
    /// first map phase, writing under the stage's work folder. None by default.
    fn prepare_steps(&self) -> Vec<ReduceStep> {
        Vec::new()
    }

    /// Runs task `ctx.task` of prepare step `step`.
    fn prepare(&self, step: usize, _ctx: &TaskContext, _stats: &mut crate::stats::TaskStats) -> anyhow::Result<()> {
        anyhow::bail!("stage `{}` has no prepare step {step}", self.kind())
    }

    /// The numeric thresholds in force, per language (`default`: every
    /// language without its own langs file), as parameter → value. Recorded
    /// with the run (`_markers/plan.json`) so that `report` and `diff` draw
    /// the value each language was judged by. None by default.
    fn thresholds(&self) -> anyhow::Result<ResolvedThresholds> {
        Ok(ResolvedThresholds::new())
    }
}

/// Per language (or `default`), parameter → threshold value.
pub type ResolvedThresholds = std::collections::BTreeMap<String, std::collections::BTreeMap<String, f64>>;

pub use crate::digest::{file_digest, text_digest, FileDigest};

/// A step between the collect and filter halves of a barrier, run as its own
/// phase with `tasks` independent tasks.
#[derive(Debug, Clone)]
pub struct ReduceStep {
    pub name: &'static str,
    pub tasks: usize,
}

/// A stage that must see all documents before deciding (dedup). It is split
/// into phases: a collector at the end of the phase before it, reduce steps,
/// and a filter at the start of the phase after it.
pub trait Barrier: Send + Sync {
    /// Stage appended to the upstream phase: records what the barrier needs
    /// (hashes, signatures) in side files under `ctx.work_dir`. It must keep
    /// every document; documents are numbered in the order it sees them.
    fn collector(&self, ctx: &TaskContext) -> anyhow::Result<Box<dyn Stage>>;

    /// The reduce steps, given how many tasks the upstream phase has.
    fn reduce_steps(&self, upstream_tasks: usize) -> Vec<ReduceStep>;

    /// Runs one task of a reduce step. `ctx.work_dir` is the barrier's folder,
    /// shared by all its steps. Counters and examples go to `stats`.
    fn reduce(
        &self,
        step: usize,
        ctx: &TaskContext,
        upstream_tasks: usize,
        stats: &mut crate::stats::TaskStats,
    ) -> anyhow::Result<()>;

    /// Stage prepended to the downstream phase: drops what the barrier
    /// decided, seeing documents in the same order as the collector did.
    fn filter(&self, ctx: &TaskContext, upstream_tasks: usize) -> anyhow::Result<Box<dyn Stage>>;
}
