//! `report`'s distributions at scale: the two projected passes of
//! `report::dist` over `whatif`'s generated annotated output (10 M
//! documents, 24 languages, 21 measure columns), timed in CPU seconds with
//! peak RSS; the distributions go to JSON for benches/report-scale.sh, which
//! compares them with the same histograms computed by polars.

use std::path::Path;
use std::time::Instant;

use anyhow::Context;

/// Generates (once) and scans `docs` documents.
pub fn run(dir: &Path, docs: u64, json: Option<&Path>) -> anyhow::Result<()> {
    super::whatif::generate(dir, docs, 2026).context("generating the annotated corpus")?;
    super::common::reset_peak_rss();
    let cpu0 = super::common::cpu_seconds();
    let t = Instant::now();
    let d = eurocurate::report::dist::scan(dir)?;
    let (wall, cpu) = (t.elapsed().as_secs_f64(), super::common::cpu_seconds() - cpu0);
    let seen: u64 = d.values().map(|l| l.docs).sum();
    anyhow::ensure!(seen == docs, "read {seen} of {docs} documents");
    let columns = d.values().map(|l| l.columns.len()).max().unwrap_or(0);
    for (lang, l) in &d {
        for (c, x) in &l.columns {
            let binned = x.below + x.above + x.bins.iter().sum::<u64>();
            anyhow::ensure!(binned == x.n, "{lang} {c}: {binned} binned of {} measured", x.n);
        }
    }
    println!(
        "report distributions: {seen} docs, {} languages x {columns} columns, {wall:.1}s wall, {cpu:.1} CPU s on {} threads ({:.2} M docs per CPU second); peak RSS {} MB",
        d.len(),
        rayon::current_num_threads(),
        seen as f64 / cpu.max(1e-9) / 1e6,
        super::common::peak_rss() / 1_000_000
    );
    if let Some(path) = json {
        std::fs::write(path, serde_json::to_vec(&d)?)?;
    }
    Ok(())
}
