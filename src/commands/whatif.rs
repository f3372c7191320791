//! `eurocurate whatif OUTDIR`: what an annotated run would keep under other
//! thresholds, per language, from its Parquet output alone.

use std::path::PathBuf;

/// Arguments of `whatif`.
#[derive(Debug, clap::Args)]
pub struct WhatIfArgs {
    /// Output folder of a run whose filters ran with `mode: annotate` and `output.kind: parquet`.
    pub outdir: PathBuf,
    /// Change a threshold: STAGE.PARAM=NUMBER, or STAGE.PARAM@ISO=NUMBER for one language
    /// (STAGE: the stage's `name:`, else its kind; PARAM: one of its thresholds). Repeatable.
    #[arg(long = "set", value_name = "STAGE.PARAM[@ISO]=NUMBER")]
    pub sets: Vec<String>,
    /// Keep only documents with COLUMN OP NUMBER (OP: < <= > >= == !=; COLUMN: a metadata
    /// column such as `gopher_quality.words`, or `lang_score`; null fails). Repeatable.
    #[arg(long = "where", value_name = "\"COLUMN OP NUMBER\"")]
    pub wheres: Vec<String>,
    /// Write the selected documents as Parquet under DIR (same file layout as the run).
    #[arg(long, value_name = "DIR")]
    pub write: Option<PathBuf>,
    /// Print the result as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Runs `whatif` and prints its table (or JSON).
pub fn run(a: &WhatIfArgs) -> anyhow::Result<()> {
    let sets = a
        .sets
        .iter()
        .map(|s| crate::analytics::parse_set(s))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let wheres = a
        .wheres
        .iter()
        .map(|s| crate::analytics::parse_where(s))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let w = crate::analytics::whatif(&a.outdir, &sets, &wheres, a.write.as_deref())?;
    if a.json {
        println!("{}", serde_json::to_string_pretty(&w)?);
    } else {
        print!("{}", crate::analytics::render(&w));
    }
    Ok(())
}
