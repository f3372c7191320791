//! Speed of the `pii` stage on one core, on three kinds of text:
//!
//! - **dense**: the UDHR fixture documents (24 languages, real prose with
//!   article numbers and dates), each carrying two to five sentences of the
//!   evaluation set (phones, IBANs, cards, IDs, e-mails, addresses and their
//!   look-alikes): about three findings and more number candidates per KB,
//!   as on contact, imprint and directory pages;
//! - **sentences**: the evaluation set's sentences alone (one value in every
//!   ~90 bytes: the worst case, a list of contacts);
//! - **ordinary**: generated web-like text with almost no candidates.
//!
//! Each figure is the median of several passes (after an untimed one that
//! compiles what is compiled on first use), with their spread, in CPU
//! seconds of the timing thread (`CLOCK_THREAD_CPUTIME_ID`, nanoseconds), so
//! the load of a shared machine does not count; the documents are copied
//! before the clock starts, so only the stage's own work is timed.

use eurocurate::document::Document;
use eurocurate::stages::pii::PiiConfig;
use eurocurate::stages::{StageConfig, TaskContext};
use eurocurate::stats::Counters;

use crate::common::{load_average, thread_cpu_seconds};

/// Timed passes per corpus (the median is reported).
const PASSES: usize = 5;

/// The finding types the stage counts.
const TYPES: &[&str] = &["EMAIL", "IP", "PHONE", "IBAN", "CARD", "NATIONAL_ID"];

/// One corpus to time: its documents and how many times a pass goes over them.
pub struct Corpus<'a> {
    pub label: &'a str,
    pub docs: Vec<Document>,
    pub rounds: usize,
}

/// What the passes over one corpus measured.
pub struct Speed {
    /// MB/s per core of each pass, sorted.
    pub rates: Vec<f64>,
    /// Bytes of one pass.
    pub bytes: usize,
    /// Findings in one pass.
    pub findings: u64,
}

impl Speed {
    /// The median pass.
    pub fn median(&self) -> f64 {
        self.rates[self.rates.len() / 2]
    }
}

/// Runs the stage built from `cfg` over `corpus` in [`PASSES`] timed passes.
pub fn measure(cfg: &PiiConfig, corpus: &Corpus) -> anyhow::Result<Speed> {
    let ctx = TaskContext::standalone();
    let mut stage = cfg.build(&ctx)?;
    let bytes = corpus.docs.iter().map(|d| d.text.len()).sum::<usize>() * corpus.rounds;
    let (mut rates, mut findings) = (Vec::with_capacity(PASSES), 0);
    // One untimed pass first: patterns compiled on first use are a cost
    // paid once per process, not per megabyte.
    for pass in 0..=PASSES {
        // Copies made before the clock starts: the stage rewrites what it scrubs.
        let mut docs: Vec<Document> = (0..corpus.rounds).flat_map(|_| corpus.docs.iter().cloned()).collect();
        let mut counters = Counters::default();
        let cpu0 = thread_cpu_seconds();
        for doc in &mut docs {
            stage.process(doc, &mut counters)?;
        }
        let cpu = (thread_cpu_seconds() - cpu0).max(1e-9);
        drop(docs);
        if pass == 0 {
            continue;
        }
        rates.push(bytes as f64 / 1e6 / cpu);
        findings = TYPES.iter().map(|t| counters.get(t)).sum();
    }
    rates.sort_by(f64::total_cmp);
    Ok(Speed { rates, bytes, findings })
}

/// Times every corpus and prints one line each; returns the medians.
pub fn run(cfg: &PiiConfig, corpora: &[Corpus]) -> anyhow::Result<Vec<f64>> {
    println!(
        "  speed, one core: thread CPU time, median of {PASSES} passes (min-max); load average {}",
        load_average()
    );
    let mut medians = Vec::new();
    for c in corpora {
        let s = measure(cfg, c)?;
        println!(
            "  {:<10} {} docs x {} rounds = {:.1} MB per pass, {:.2} findings per KB: {:.1} MB/s per core ({:.1}-{:.1})",
            c.label,
            c.docs.len(),
            c.rounds,
            s.bytes as f64 / 1e6,
            s.findings as f64 / (s.bytes as f64 / 1e3).max(1e-9),
            s.median(),
            s.rates[0],
            s.rates[s.rates.len() - 1],
        );
        medians.push(s.median());
    }
    println!("  load average after: {}", load_average());
    Ok(medians)
}
