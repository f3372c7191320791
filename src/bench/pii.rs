//! `eurocurate bench pii`: precision and recall of the `pii` stage on a
//! generated multilingual corpus with injected PII and look-alikes, and its
//! speed on ordinary web text.
//!
//! The corpus is real text (the fixture documents, 24 languages) with, per
//! document, a few injected values: valid ones (e-mails, phones of the
//! document's country, IBANs, cards, IPs, national IDs) that must be found,
//! and look-alikes that must not (one-digit-corrupted IDs, dates, prices,
//! order numbers, private addresses, file names with `@`).
//!
//! Set `EUROCURATE_SHOW_PII_ERRORS=1` to print every false positive and
//! missed value with its context, to see what a rule gets wrong.

use std::collections::BTreeMap;
use std::time::Instant;

use crate::document::Document;
use crate::stages::pii::generate::{self, Rng};
use crate::stages::pii::{PiiConfig, PiiStage};
use crate::stages::{StageConfig, TaskContext};
use crate::stats::Counters;

/// An injected value: where it is and whether it must be found.
#[derive(Debug, Clone)]
pub struct Injected {
    pub start: usize,
    pub end: usize,
    /// Finding type it must be reported as (EMAIL, PHONE, ...).
    pub kind: &'static str,
    /// True for real PII, false for a look-alike.
    pub positive: bool,
}

/// National-ID rules by the language whose documents carry them.
const ID_BY_LANG: &[(&str, &str, &str)] = &[
    ("es", "es_dni", "DNI"),
    ("it", "it_codice_fiscale", "codice fiscale"),
    ("fr", "fr_nir", "numéro de sécurité sociale"),
    ("fi", "fi_hetu", "henkilötunnus"),
    ("sv", "se_personnummer", "personnummer"),
    ("nl", "nl_bsn", "BSN"),
    ("pl", "pl_pesel", "PESEL"),
    ("et", "ee_lt_personal_code", "isikukood"),
    ("lt", "ee_lt_personal_code", "asmens kodas"),
    ("de", "de_tax_id", "Steuer-ID"),
    ("hr", "hr_oib", "OIB"),
    ("pt", "pt_nif", "NIF"),
    ("da", "dk_cpr", "CPR"),
    ("ro", "ro_cnp", "CNP"),
    ("bg", "bg_egn", "ЕГН"),
    ("cs", "cz_sk_birth_number", "rodné číslo"),
    ("sk", "cz_sk_birth_number", "rodné číslo"),
    ("sl", "si_emso", "EMŠO"),
];

/// Builds the evaluation corpus from carrier documents (which need `lang`).
pub fn corpus(carriers: &[Document], seed: u64) -> Vec<(Document, Vec<Injected>)> {
    let mut rng = Rng::new(seed);
    // IDs that are only identifiable next to their name are always written so.
    let rules = crate::stages::pii::rules::RuleSet::load(None, None).expect("built-in rules parse");
    let keyword_only: Vec<String> = rules
        .rules
        .iter()
        .filter(|r| r.context == crate::stages::pii::rules::Scope::Keyword)
        .map(|r| r.name.clone())
        .collect();
    let mut out = Vec::new();
    for (n, carrier) in carriers.iter().enumerate() {
        let lang = carrier.lang.clone().unwrap_or_else(|| "en".into());
        let mut text = carrier.text.clone();
        let mut truth = Vec::new();
        for _ in 0..(2 + rng.below(4)) {
            let (label, value, kind, positive) = injection(&lang, &keyword_only, &mut rng);
            text.push('\n');
            text.push_str(&label);
            let start = text.len();
            text.push_str(&value);
            truth.push(Injected {
                start,
                end: text.len(),
                kind,
                positive,
            });
            text.push_str(". ");
        }
        let mut doc = Document::new(format!("pii-eval-{n}"), text);
        doc.lang = Some(lang);
        out.push((doc, truth));
    }
    out
}

fn injection(lang: &str, keyword_only: &[String], rng: &mut Rng) -> (String, String, &'static str, bool) {
    let positive = rng.below(2) == 0;
    let id_rule = ID_BY_LANG.iter().find(|(l, _, _)| *l == lang);
    match rng.below(9) {
        0 => {
            let v = generate::valid("email", rng);
            if positive {
                ("E-mail: ".into(), v, "EMAIL", true)
            } else {
                (
                    "Logo: ".into(),
                    format!("logo-{}@2x.png", rng.below(100)),
                    "EMAIL",
                    false,
                )
            }
        }
        1 => {
            if positive {
                let v = generate::phone(lang, rng.below(2) == 0, rng).unwrap_or_else(|| generate::valid("email", rng));
                let kind = if v.contains('@') { "EMAIL" } else { "PHONE" };
                ("Tel.: ".into(), v, kind, true)
            } else {
                let v = match rng.below(3) {
                    0 => format!(
                        "{:02}.{:02}.{}",
                        1 + rng.below(28),
                        1 + rng.below(12),
                        1990 + rng.below(35)
                    ),
                    1 => format!("{}.{:03},{:02} EUR", 1 + rng.below(99), rng.below(1000), rng.below(100)),
                    _ => format!(
                        "978-{}-{}-{}-{}",
                        rng.below(10),
                        rng.digits(3),
                        rng.digits(5),
                        rng.below(10)
                    ),
                };
                ("Ref.: ".into(), v, "PHONE", false)
            }
        }
        2 => corrupted_or_valid("iban", "IBAN: ", "IBAN", positive, rng),
        3 => corrupted_or_valid("payment_card", "Card: ", "CARD", positive, rng),
        4 => {
            if positive {
                ("IP: ".into(), generate::valid("ipv4", rng), "IP", true)
            } else {
                let v = match rng.below(2) {
                    0 => format!("192.168.{}.{}", rng.below(256), 1 + rng.below(254)),
                    _ => format!(
                        "{}.{}.{}.{}.{}",
                        rng.below(10),
                        rng.below(20),
                        rng.below(10),
                        rng.below(99),
                        rng.below(9)
                    ),
                };
                ("Host: ".into(), v, "IP", false)
            }
        }
        5 => ("IPv6: ".into(), generate::valid("ipv6", rng), "IP", true),
        6 | 7 => match id_rule {
            Some((_, rule, keyword)) => {
                let needs_keyword = keyword_only.iter().any(|r| r == rule);
                let label = if needs_keyword || rng.below(2) == 0 {
                    format!("{keyword}: ")
                } else {
                    "Nr.: ".to_string()
                };
                corrupted_or_valid(rule, &label, "NATIONAL_ID", positive, rng)
            }
            None => {
                // Languages without a national ID here get a foreign one with its keyword.
                let (_, rule, keyword) = *rng.pick(ID_BY_LANG);
                corrupted_or_valid(rule, &format!("{keyword}: "), "NATIONAL_ID", positive, rng)
            }
        },
        _ => {
            // An order number of an ID-like length: must not be reported.
            let len = *rng.pick(&[9usize, 10, 11, 13]);
            (
                "Order no. ".into(),
                format!("{}{}", 1 + rng.below(9), rng.digits(len - 1)),
                "NATIONAL_ID",
                false,
            )
        }
    }
}

fn corrupted_or_valid(
    rule: &str,
    label: &str,
    kind: &'static str,
    positive: bool,
    rng: &mut Rng,
) -> (String, String, &'static str, bool) {
    let v = generate::valid(rule, rng);
    if positive {
        (label.to_string(), v, kind, true)
    } else {
        (label.to_string(), generate::corrupt(&v, rng), kind, false)
    }
}

/// Per-type counts of the evaluation.
#[derive(Debug, Default, Clone, Copy)]
pub struct Score {
    pub tp: u64,
    pub fp: u64,
    pub fn_: u64,
}

impl Score {
    /// tp / (tp + fp).
    pub fn precision(&self) -> f64 {
        self.tp as f64 / (self.tp + self.fp).max(1) as f64
    }
    /// tp / (tp + fn).
    pub fn recall(&self) -> f64 {
        self.tp as f64 / (self.tp + self.fn_).max(1) as f64
    }
}

/// Precision and recall per type: a finding is a true positive when it
/// covers exactly an injected positive of its type; anything else found is
/// a false positive; an injected positive not found is a false negative.
pub fn evaluate(stage: &PiiStage, corpus: &[(Document, Vec<Injected>)]) -> BTreeMap<String, Score> {
    let mut scores: BTreeMap<String, Score> = BTreeMap::new();
    for (doc, truth) in corpus {
        let found = stage.find(&doc.text, doc.lang.as_deref());
        let mut matched = vec![false; truth.len()];
        for f in &found {
            let kind = stage.kind_of(f).to_string();
            let hit = truth
                .iter()
                .position(|t| t.positive && t.start == f.start && t.end == f.end && t.kind == kind);
            match hit {
                Some(i) => {
                    matched[i] = true;
                    scores.entry(kind).or_default().tp += 1;
                }
                None => {
                    if std::env::var_os("EUROCURATE_SHOW_PII_ERRORS").is_some() {
                        let lo = f.start.saturating_sub(30);
                        let lo = (lo..f.start).find(|&i| doc.text.is_char_boundary(i)).unwrap_or(f.start);
                        eprintln!(
                            "false positive {kind} ({}) [{}] `{}` in …{}",
                            stage.rule_of(f),
                            doc.lang_or_und(),
                            &doc.text[f.start..f.end],
                            &doc.text[lo..f.end]
                        );
                    }
                    scores.entry(kind).or_default().fp += 1
                }
            }
        }
        for (t, m) in truth.iter().zip(&matched) {
            if t.positive && !m && std::env::var_os("EUROCURATE_SHOW_PII_ERRORS").is_some() {
                eprintln!(
                    "missed {} [{}] `{}`",
                    t.kind,
                    doc.lang_or_und(),
                    &doc.text[t.start..t.end]
                );
            }
            if t.positive && !m {
                scores.entry(t.kind.to_string()).or_default().fn_ += 1;
            }
        }
    }
    scores
}

/// Runs the evaluation and the speed measurement and prints both.
pub fn run(carrier_docs: Vec<Document>, speed_docs: &[Document], seed: u64, rounds: u64) -> anyhow::Result<()> {
    let cfg: PiiConfig = serde_json::from_str("{}")?;
    let ctx = TaskContext {
        work_dir: std::env::temp_dir(),
        phase: 0,
        task: 0,
        tasks: 1,
    };
    let stage = PiiStage::from_config(&cfg)?;
    // Several rounds of injections over the same carrier text, for stable rates.
    let corpus: Vec<_> = (0..rounds.max(1))
        .flat_map(|r| corpus(&carrier_docs, seed + r))
        .collect();
    let injected: usize = corpus.iter().map(|(_, t)| t.len()).sum();
    println!(
        "pii  precision/recall on {} documents (24 languages) with {injected} injected values (seeds {seed}..{})",
        corpus.len(),
        seed + rounds.max(1) - 1
    );
    println!(
        "  {:<12} {:>6} {:>6} {:>6} {:>10} {:>8}",
        "type", "tp", "fp", "fn", "precision", "recall"
    );
    for (kind, s) in evaluate(&stage, &corpus) {
        println!(
            "  {kind:<12} {:>6} {:>6} {:>6} {:>10.4} {:>8.4}",
            s.tp,
            s.fp,
            s.fn_,
            s.precision(),
            s.recall()
        );
    }
    // Speed on the evaluation corpus itself (several values per document).
    let dense: usize = corpus.iter().map(|(d, _)| d.text.len()).sum();
    let cpu0 = super::cpu_seconds();
    let mut hits = 0;
    for (d, _) in &corpus {
        hits += stage.find(&d.text, d.lang.as_deref()).len();
    }
    let cpu = (super::cpu_seconds() - cpu0).max(1e-3);
    println!(
        "  dense text   {} docs, {:.1} MB, {hits} findings: {:.1} MB/s per core, {:.0} docs/s per core",
        corpus.len(),
        dense as f64 / 1e6,
        dense as f64 / 1e6 / cpu,
        corpus.len() as f64 / cpu
    );
    // Speed on ordinary text with few hits, one core.
    let mut st = cfg.build(&ctx)?;
    let bytes: usize = speed_docs.iter().map(|d| d.text.len()).sum();
    let mut counters = Counters::default();
    let t0 = Instant::now();
    let cpu0 = super::cpu_seconds();
    for d in speed_docs {
        let mut doc = d.clone();
        st.process(&mut doc, &mut counters)?;
    }
    let cpu = (super::cpu_seconds() - cpu0).max(1e-3);
    let wall = t0.elapsed().as_secs_f64();
    println!(
        "  speed        {} docs, {:.1} MB in {wall:.2} s ({cpu:.2} s cpu): {:.1} MB/s per core, {:.0} docs/s per core; {} documents with findings",
        speed_docs.len(),
        bytes as f64 / 1e6,
        bytes as f64 / 1e6 / cpu,
        speed_docs.len() as f64 / cpu,
        counters.get("documents_with_pii")
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn precision_and_recall_hold_on_the_injected_corpus() {
        let carriers = crate::bench::fixture_docs().unwrap();
        let corpus: Vec<_> = (0..2).flat_map(|r| corpus(&carriers, 40 + r)).collect();
        let stage = PiiStage::from_config(&serde_json::from_str("{}").unwrap()).unwrap();
        let scores = evaluate(&stage, &corpus);
        for kind in ["CARD", "EMAIL", "IBAN", "IP", "NATIONAL_ID", "PHONE"] {
            let s = scores[kind];
            assert!(s.tp > 50, "{kind}: too few injected ({s:?})");
            assert!(s.precision() >= 0.98 && s.recall() >= 0.95, "{kind}: {s:?}");
        }
    }
}
