//! `eurocurate-bench classify`: speed of the `classify` stage with the
//! shipped quality model on 1 KB documents (made of the UDHR fixture text in
//! 24 languages; speed only, no quality is measured on it), in documents per
//! CPU second of one thread and peak RSS, beside the reference C++ fastText
//! (PyPI `fasttext-wheel`/`fasttext-predict`) scoring the same documents in
//! the Python named by `EUROCURATE_CLASSIFY_REFERENCE_PYTHON` (default
//! `python3`) — its probabilities of every label, as the stage writes them.

use std::io::Write;
use std::path::Path;

use anyhow::Context;
use eurocurate::document::Document;
use eurocurate::stages::classify::{ClassifyConfig, EMBEDDED_QUALITY};
use eurocurate::stages::{StageConfig, TaskContext};
use eurocurate::stats::Counters;

use crate::common::thread_cpu_seconds;

const PASSES: usize = 5;

pub fn run(dir: &Path, docs_wanted: usize) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)?;
    // 1 KB documents: consecutive fixture lines of one language.
    let mut docs: Vec<String> = Vec::new();
    let fixtures = super::common::fixture_docs()?;
    'outer: loop {
        for d in &fixtures {
            let mut cur = String::new();
            for line in d.text.lines() {
                cur.push_str(line);
                cur.push('\n');
                if cur.len() >= 1000 {
                    docs.push(std::mem::take(&mut cur));
                    if docs.len() >= docs_wanted {
                        break 'outer;
                    }
                }
            }
        }
        anyhow::ensure!(!docs.is_empty(), "the fixtures make no 1 KB document");
    }
    let bytes: usize = docs.iter().map(String::len).sum();
    let speed_file = dir.join("classify-1kb.txt");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&speed_file).context("cannot write the speed corpus")?);
    for d in &docs {
        writeln!(f, "{}", d.replace('\n', " ").trim_end())?;
    }
    f.flush()?;
    let cfg: ClassifyConfig = serde_json::from_str("{}")?;
    let ctx = TaskContext {
        work_dir: dir.to_path_buf(),
        phase: 0,
        task: 0,
        tasks: 1,
    };
    let mut stage = cfg.build(&ctx)?;
    let mut counters = Counters::default();
    let mut rates = Vec::new();
    for _ in 0..PASSES {
        let cpu0 = thread_cpu_seconds();
        for (i, text) in docs.iter().enumerate() {
            let mut doc = Document::new(i.to_string(), text);
            std::hint::black_box(stage.process(&mut doc, &mut counters)?);
        }
        rates.push(docs.len() as f64 / (thread_cpu_seconds() - cpu0).max(1e-6));
    }
    rates.sort_by(f64::total_cmp);
    let (best, median) = (rates[PASSES - 1], rates[PASSES / 2]);
    println!(
        "classify (shipped quality model, {} bytes): {} documents of {:.0} bytes on average",
        EMBEDDED_QUALITY.len(),
        docs.len(),
        bytes as f64 / docs.len() as f64
    );
    println!(
        "  eurocurate: best {best:.0} docs/s per core, median {median:.0} ({:.1} MB/s); peak RSS {:.0} MB",
        best * bytes as f64 / docs.len() as f64 / 1e6,
        super::common::peak_rss() as f64 / 1e6
    );
    println!("RESULT eurocurate_classify_docs_per_core={best:.1}");
    match reference(&speed_file) {
        Ok((rate, rss)) => {
            println!(
                "  reference C++ fastText (Python binding, every label's probability): best {rate:.0} docs/s per core; peak RSS {:.0} MB; eurocurate / reference {:.2}x",
                rss / 1e3,
                best / rate
            );
            println!("RESULT reference_classify_docs_per_core={rate:.1}");
        }
        Err(e) => println!("  reference not measured: {e:#}"),
    }
    Ok(())
}

fn reference(speed_file: &Path) -> anyhow::Result<(f64, f64)> {
    const SCRIPT: &str = r#"
import resource, sys, time, fasttext
m = fasttext.load_model(sys.argv[1])
docs = [l.rstrip("\n") for l in open(sys.argv[2], encoding="utf-8")]
rates = []
for _ in range(3):
    t0 = time.thread_time()
    for d in docs:
        m.predict(d, k=-1)
    rates.append(len(docs) / (time.thread_time() - t0))
print(f"{max(rates):.3f} {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}")
"#;
    let v = crate::common::reference_fasttext_numbers(
        "EUROCURATE_CLASSIFY_REFERENCE_PYTHON",
        "fasttext-wheel==0.9.2",
        SCRIPT,
        EMBEDDED_QUALITY,
        speed_file,
    )?;
    anyhow::ensure!(v.len() == 2, "unexpected output of the reference script: {v:?}");
    Ok((v[0], v[1]))
}
