//! `eurocurate bench quality`: the four quality filters on a JSONL corpus,
//! each on its own (keep/drop and reason per document, written for a
//! comparison with the reference implementation) and chained (speed per
//! core, as a pipeline runs them: a document dropped by one filter is not
//! seen by the next).

use std::io::Write;
use std::path::Path;
use std::time::Instant;

use super::cpu_seconds;
use crate::document::Document;
use crate::stages::quality::{c4, fineweb, gopher_quality as gq, gopher_repetition as gr, PerLang};
use crate::stats::Counters;

fn per<T: crate::stages::quality::Layered>(
    langs: &Path,
) -> anyhow::Result<std::sync::Arc<crate::stages::quality::ForLang<T>>>
where
    T::Layer: Default,
{
    Ok(PerLang::<T>::build(langs, &T::Layer::default())?.for_lang("en").clone())
}

/// Runs the filters with English settings from `langs` over `input`.
pub fn run(input: &Path, decisions: Option<&Path>, langs: &Path, rounds: usize) -> anyhow::Result<()> {
    let docs = crate::io::jsonl::read_documents(input, usize::MAX)?;
    let bytes: usize = docs.iter().map(|d| d.text.len()).sum();
    let (g, r, c4s, f) = (
        per::<gq::GopherQuality>(langs)?,
        per::<gr::GopherRepetition>(langs)?,
        per::<c4::C4Quality>(langs)?,
        per::<fineweb::FinewebQuality>(langs)?,
    );
    let mut counters = Counters::default();
    if let Some(out) = decisions {
        let mut w = std::io::BufWriter::new(std::fs::File::create(out)?);
        for d in &docs {
            // each filter on its own copy: c4_quality rewrites the text
            let copy = || d.clone();
            let verdicts = [
                ("gopher_quality", gq::check(&mut copy(), &g, &mut counters)),
                ("gopher_repetition", gr::check(&mut copy(), &r, &mut counters)),
                ("c4_quality", c4::check(&mut copy(), &c4s, &mut counters)),
                ("fineweb_quality", fineweb::check(&mut copy(), &f, &mut counters)),
            ];
            for (name, v) in verdicts {
                let line = serde_json::json!({
                    "id": d.id,
                    "filter": name,
                    "keep": v.is_none(),
                    "reason": v.as_ref().map(|r| r.reason.to_string()),
                    "detail": v.and_then(|r| r.detail),
                });
                writeln!(w, "{line}")?;
            }
        }
        w.flush()?;
    }
    let cpu0 = cpu_seconds();
    let t0 = Instant::now();
    let mut kept = 0usize;
    for _ in 0..rounds {
        kept = 0;
        for d in &docs {
            let mut d: Document = d.clone();
            let c = &mut counters;
            if gq::check(&mut d, &g, c).is_some() || gr::check(&mut d, &r, c).is_some() {
                continue;
            }
            if c4::check(&mut d, &c4s, c).is_some() || fineweb::check(&mut d, &f, c).is_some() {
                continue;
            }
            kept += 1;
        }
    }
    let cpu = (cpu_seconds() - cpu0).max(1e-3) / rounds as f64;
    let wall = t0.elapsed().as_secs_f64() / rounds as f64;
    println!(
        "  eurocurate  4 filters chained, {} docs, {:.1} MB: {wall:.2}s wall, {cpu:.2}s cpu per round: {:.0} docs/s per core, {:.2} MB/s per core; {kept} kept",
        docs.len(),
        bytes as f64 / 1e6,
        docs.len() as f64 / cpu,
        bytes as f64 / 1e6 / cpu
    );
    println!("RESULT eurocurate_docs_per_core={:.3}", docs.len() as f64 / cpu);
    Ok(())
}
