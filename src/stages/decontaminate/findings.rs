//! The findings side file: one JSON line per (document, benchmark item)
//! found, written by each task under the stage's work folder
//! (`_work/stage-NN-decontaminate/findings-pP-tTTTTT.jsonl`) so a team can
//! review what a run found — with `action: tag` before purging anything.

use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::{Deserialize, Serialize};

/// One benchmark item found in one document.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Finding {
    pub doc: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc_lang: Option<String>,
    pub benchmark: String,
    /// The item's language.
    pub lang: String,
    pub item: String,
    pub overlap: f64,
    /// Distinct n-grams of the item found in the document.
    pub matched: u32,
    /// Distinct n-grams of the item.
    pub ngrams: u32,
    /// What was done: drop, remove or tag.
    pub action: String,
}

/// The findings files of every `decontaminate` stage of the run in `outdir`.
pub fn files(outdir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let work = outdir.join("_work");
    let mut out = Vec::new();
    let Ok(dirs) = std::fs::read_dir(&work) else {
        return Ok(out);
    };
    for d in dirs.flatten() {
        let name = d.file_name().to_string_lossy().to_string();
        if !(name.starts_with("stage-") && name.ends_with("-decontaminate")) {
            continue;
        }
        for f in std::fs::read_dir(d.path())?.flatten() {
            let fname = f.file_name().to_string_lossy().to_string();
            if fname.starts_with("findings-") && fname.ends_with(".jsonl") {
                out.push(f.path());
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Every finding of the run in `outdir`.
pub fn read_all(outdir: &Path) -> anyhow::Result<Vec<Finding>> {
    let mut out = Vec::new();
    for path in files(outdir)? {
        let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
        for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
            out.push(
                serde_json::from_str(line)
                    .with_context(|| format!("{}:{}: damaged findings line", path.display(), i + 1))?,
            );
        }
    }
    Ok(out)
}
