//! Analytics over finished runs: `whatif` re-decides an annotated run's
//! documents under changed thresholds from its Parquet output alone,
//! without rereading the crawl.
//!
//! Built on the arrow/parquet crates the writers already use, with rayon
//! over files: a projection reads only the columns a decision needs. Nothing
//! here runs on the per-document path of a pipeline.

pub mod decide;
pub mod grammar;
pub mod scan;
pub mod write;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use rayon::prelude::*;

use crate::exec::markers;
use crate::io::read_back::{data_files, Which};

pub use decide::Rules;
pub use grammar::{parse_set, parse_where, Set, Where};
pub use scan::{ByLang, Tally, Volume};

/// What `whatif` found.
#[derive(Debug, serde::Serialize)]
pub struct WhatIf {
    pub files: usize,
    pub by_lang: ByLang,
    /// Why the answer may differ from a rerun's, if it may.
    pub notes: Vec<String>,
    /// Documents written by `--write`.
    pub written: Option<u64>,
}

/// Re-decides the annotated run in `outdir` under `sets` and `wheres`;
/// with `write`, writes the kept documents there.
pub fn whatif(outdir: &Path, sets: &[Set], wheres: &[Where], write: Option<&Path>) -> anyhow::Result<WhatIf> {
    let summary_path = markers::plan_summary_path(outdir);
    let summary: markers::PlanSummary = serde_json::from_slice(&std::fs::read(&summary_path).with_context(|| {
        format!(
            "{} is not a run folder (no {})",
            outdir.display(),
            summary_path.display()
        )
    })?)
    .with_context(|| format!("damaged {}", summary_path.display()))?;
    if summary.stages.is_empty() {
        bail!(
            "{} records no stages (a run of an older eurocurate); rerun it to use `whatif`",
            summary_path.display()
        );
    }
    let rules = Rules::new(&summary.stages, sets, wheres)?;
    let all = data_files(outdir, Which::Kept);
    let files: Vec<PathBuf> = all
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "parquet"))
        .cloned()
        .collect();
    if files.is_empty() {
        bail!(
            "{} has no Parquet output{}: `whatif` reads typed annotation columns; run the pipeline with `output.kind: parquet`",
            outdir.display(),
            if all.is_empty() { "" } else { " (only JSONL)" }
        );
    }
    let by_lang = scan::tally(&files, &rules)?;
    let written = match write {
        None => None,
        Some(dir) => {
            if dir.starts_with(outdir) || outdir.starts_with(dir) {
                bail!(
                    "--write {}: choose a folder outside the run folder {}",
                    dir.display(),
                    outdir.display()
                );
            }
            let counts = files
                .par_iter()
                .map(|f| write::write_file(f, outdir, dir, &rules))
                .collect::<anyhow::Result<Vec<u64>>>()?;
            Some(counts.iter().sum())
        }
    };
    Ok(WhatIf {
        files: files.len(),
        by_lang,
        notes: rules.notes.clone(),
        written,
    })
}

fn signed(new: u64, old: u64) -> String {
    let d = new as i128 - old as i128;
    let pct = if old == 0 { 0.0 } else { 100.0 * d as f64 / old as f64 };
    format!("{d:+} ({pct:+.1}%)")
}

/// The table `eurocurate whatif` prints.
pub fn render(w: &WhatIf) -> String {
    let mut s = String::new();
    let mut total = Tally::default();
    let _ = writeln!(
        s,
        "{:<6} {:>10} {:>10} {:>10} {:>20} {:>8} {:>8} {:>14} {:>14} {:>20}",
        "lang", "annotated", "run docs", "whatif", "change", "gained", "lost", "run words", "whatif words", "change"
    );
    let mut line = |lang: &str, t: &Tally| {
        let _ = writeln!(
            s,
            "{:<6} {:>10} {:>10} {:>10} {:>20} {:>8} {:>8} {:>14} {:>14} {:>20}",
            lang,
            t.seen.docs,
            t.run.docs,
            t.whatif.docs,
            signed(t.whatif.docs, t.run.docs),
            t.gained,
            t.lost,
            t.run.words,
            t.whatif.words,
            signed(t.whatif.words, t.run.words)
        );
    };
    for (lang, t) in &w.by_lang {
        line(lang, t);
        total.seen.docs += t.seen.docs;
        total.seen.words += t.seen.words;
        total.run.docs += t.run.docs;
        total.run.words += t.run.words;
        total.run.bytes += t.run.bytes;
        total.whatif.docs += t.whatif.docs;
        total.whatif.words += t.whatif.words;
        total.whatif.bytes += t.whatif.bytes;
        total.gained += t.gained;
        total.lost += t.lost;
    }
    line("all", &total);
    let _ = writeln!(
        s,
        "bytes: run {}, whatif {} ({}); {} files; words are whitespace words of the text as the last annotated stage saw it",
        total.run.bytes,
        total.whatif.bytes,
        signed(total.whatif.bytes, total.run.bytes),
        w.files
    );
    if w.notes.is_empty() {
        let _ = writeln!(
            s,
            "exact: no barrier runs after an annotated stage, so a rerun with these thresholds keeps these documents"
        );
    }
    for n in &w.notes {
        let _ = writeln!(s, "{n}");
    }
    if let Some(n) = w.written {
        let _ = writeln!(s, "wrote {n} documents");
    }
    s
}
