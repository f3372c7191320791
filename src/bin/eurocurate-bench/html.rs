//! `eurocurate bench html`: charset decoding plus main-text extraction on
//! real pages, one core: pages/s, MB/s of HTML and peak memory. With
//! `--out`, also writes what was extracted, one JSON line per page, for
//! `benches/html-vs-trafilatura.sh` to score against the trafilatura
//! evaluation corpus.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;

use eurocurate::html::{extract, Options};
use eurocurate::io::charset;

/// The pages to run: `.html`/`.htm` files under the given folders, the
/// given files, and the paths listed one per line in `list`.
fn pages(paths: &[PathBuf], list: Option<&Path>) -> anyhow::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(p)
                .with_context(|| format!("cannot list {}", p.display()))?
                .flatten()
                .map(|e| e.path())
                .filter(|f| f.extension().is_some_and(|e| e == "html" || e == "htm"))
                .collect();
            found.sort();
            out.extend(found);
        } else {
            out.push(p.clone());
        }
    }
    if let Some(list) = list {
        let text = std::fs::read_to_string(list).with_context(|| format!("cannot read {}", list.display()))?;
        out.extend(text.lines().filter(|l| !l.trim().is_empty()).map(PathBuf::from));
    }
    anyhow::ensure!(
        !out.is_empty(),
        "no pages given: pass folders of .html files, files, or --list"
    );
    Ok(out)
}

/// Runs the benchmark; see the module documentation.
pub fn run(paths: &[PathBuf], list: Option<&Path>, out: Option<&Path>, rounds: usize) -> anyhow::Result<()> {
    let files = pages(paths, list)?;
    let mut bodies = Vec::with_capacity(files.len());
    for f in &files {
        bodies.push(std::fs::read(f).with_context(|| format!("cannot read {}", f.display()))?);
    }
    let bytes: usize = bodies.iter().map(Vec::len).sum();
    let opts = Options::default();
    let mut results = Vec::new();
    let (mut best_cpu, mut best_wall) = (f64::MAX, f64::MAX);
    for round in 0..rounds.max(1) {
        let (cpu0, wall0) = (crate::common::cpu_seconds(), Instant::now());
        let mut chars = 0usize;
        for body in &bodies {
            let html = charset::decode(body, "", None).map(|d| d.0).unwrap_or_default();
            let got = extract(&html, &opts);
            chars += got.text.len();
            if round == 0 {
                results.push(got);
            }
        }
        std::hint::black_box(chars);
        best_cpu = best_cpu.min(crate::common::cpu_seconds() - cpu0);
        best_wall = best_wall.min(wall0.elapsed().as_secs_f64());
    }
    if let Some(out) = out {
        let mut w = std::io::BufWriter::new(
            std::fs::File::create(out).with_context(|| format!("cannot create {}", out.display()))?,
        );
        for (f, r) in files.iter().zip(&results) {
            let line = serde_json::json!({
                "file": f.display().to_string(),
                "text": r.text,
                "method": r.method,
                "title": r.meta.title,
                "date": r.meta.date,
                "author": r.meta.author,
            });
            writeln!(w, "{line}")?;
        }
        w.flush()?;
    }
    let cpu = best_cpu.max(1e-9);
    let empty = results.iter().filter(|r| r.text.is_empty()).count();
    println!(
        "html_extract: {} pages, {:.1} MB, {} with no text; one core, best of {} rounds:",
        files.len(),
        bytes as f64 / 1e6,
        empty,
        rounds.max(1)
    );
    println!(
        "  {:.0} pages/s per core, {:.1} MB/s per core (CPU {:.2} s, wall {:.2} s), peak RSS {:.0} MB",
        files.len() as f64 / cpu,
        bytes as f64 / 1e6 / cpu,
        cpu,
        best_wall,
        crate::common::peak_rss() as f64 / 1e6
    );
    Ok(())
}
