//! `eurocurate bench quality`: the four quality filters on a JSONL corpus,
//! each on its own (keep/drop and reason per document, written for a
//! comparison with the reference implementation) and chained (speed per
//! core, as a pipeline runs them: a document dropped by one filter is not
//! seen by the next).
//!
//! Settings come from the langs folder: with `--lang ISO` every document
//! gets that language's values and word splitting; without it each
//! document its own `lang`, English when it has none.

use std::io::Write;
use std::path::Path;
use std::time::Instant;

use crate::common::cpu_seconds;
use eurocurate::document::Document;
use eurocurate::stages::quality::{c4, fineweb, gopher_quality as gq, gopher_repetition as gr, PerLang};
use eurocurate::stats::Counters;

fn per<T: eurocurate::stages::quality::Layered>(langs: &Path) -> anyhow::Result<PerLang<T>>
where
    T::Layer: Default,
{
    PerLang::<T>::build(langs, &T::Layer::default())
}

/// Runs the filters with the settings from `langs` over `input`: those of
/// `lang` for every document when given, else of each document's `lang`
/// (English when it has none).
pub fn run(
    input: &Path,
    decisions: Option<&Path>,
    langs: &Path,
    lang: Option<&str>,
    rounds: usize,
) -> anyhow::Result<()> {
    let docs = eurocurate::io::jsonl::read_documents(input, usize::MAX)?;
    let bytes: usize = docs.iter().map(|d| d.text.len()).sum();
    let (gl, rl, c4l, fl) = (
        per::<gq::GopherQuality>(langs)?,
        per::<gr::GopherRepetition>(langs)?,
        per::<c4::C4Quality>(langs)?,
        per::<fineweb::FinewebQuality>(langs)?,
    );
    let lang_of = |d: &Document| -> String { lang.or(d.lang.as_deref()).unwrap_or("en").to_string() };
    if let Some(l) = lang {
        // a language without a file would silently run the defaults
        anyhow::ensure!(
            gl.for_lang(l).lang == l,
            "no langs file for {l:?} in {}",
            langs.display()
        );
    }
    let mut counters = Counters::default();
    if let Some(out) = decisions {
        let mut w = std::io::BufWriter::new(std::fs::File::create(out)?);
        for d in &docs {
            let l = lang_of(d);
            let (g, r, c4s, f) = (gl.for_lang(&l), rl.for_lang(&l), c4l.for_lang(&l), fl.for_lang(&l));
            // each filter on its own copy: c4_quality rewrites the text
            let copy = || d.clone();
            let verdicts = [
                ("gopher_quality", gq::check(&mut copy(), g, &mut counters)),
                ("gopher_repetition", gr::check(&mut copy(), r, &mut counters)),
                ("c4_quality", c4::check(&mut copy(), c4s, &mut counters)),
                ("fineweb_quality", fineweb::check(&mut copy(), f, &mut counters)),
            ];
            // the word splitting the filters used, to compare with the reference's
            let mut words = Vec::new();
            g.words.split(&d.text, &mut words);
            for (name, v) in verdicts {
                let mut line = serde_json::json!({
                    "id": d.id,
                    "lang": l,
                    "filter": name,
                    "keep": v.is_none(),
                    "reason": v.as_ref().map(|r| r.reason.to_string()),
                    "detail": v.and_then(|r| r.detail),
                });
                if name == "gopher_quality" {
                    line["words"] = serde_json::json!(words);
                }
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
            let l = lang_of(d);
            let (g, r, c4s, f) = (gl.for_lang(&l), rl.for_lang(&l), c4l.for_lang(&l), fl.for_lang(&l));
            let mut d: Document = d.clone();
            let c = &mut counters;
            if gq::check(&mut d, g, c).is_some() || gr::check(&mut d, r, c).is_some() {
                continue;
            }
            if c4::check(&mut d, c4s, c).is_some() || fineweb::check(&mut d, f, c).is_some() {
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
