//! `eurocurate-bench rules`: throughput of the `rules` stage per core for
//! word lists of 0, 100 and 10,000 words and for 10, 100 and 1,000 line
//! regexes, on generated text from the fixtures' languages (goals: ≥ 100
//! MB/s per core with 10,000 words, ≥ 30 MB/s with 1,000 regexes).

use std::time::Instant;

use crate::common::{cpu_seconds, peak_rss};
use crate::textgen::TextGen;
use eurocurate::langs::rules::{Compiled, LineRule, Rules, WordList};
use eurocurate::rng::Rng;
use eurocurate::stages::rules::{apply_with, Scratch};

/// Words no text holds (so the scan, not the matches, is measured), and
/// some that it does (so matching costs something).
fn word_list(gen: &TextGen, rng: &mut Rng, n: usize) -> Vec<String> {
    (0..n)
        .map(|i| {
            if i % 100 == 0 {
                gen.any_word(rng).to_lowercase()
            } else {
                format!("zq{i}x{}", rng.below(1000))
            }
        })
        .collect()
}

fn rules_with(words: Vec<String>, regexes: usize) -> Rules {
    let mut r = Rules::default();
    if !words.is_empty() {
        r.words.push(WordList {
            id: "bench-words".into(),
            reason: "bench".into(),
            source: "generated".into(),
            words,
            ignore_diacritics: false,
            action: eurocurate::langs::rules::Action::Tag,
            min_count: 1_000_000,
            min_share: 0.0,
        });
    }
    for i in 0..regexes {
        r.lines.push(LineRule {
            id: format!("bench-re-{i}"),
            reason: "bench".into(),
            source: "generated".into(),
            phrases: vec![],
            patterns: vec![format!(r"^\s*(share|teilen|condividi)\s+{i}\b")],
        });
    }
    r
}

/// Runs the bench on `mb` MB of text, `rounds` passes each.
pub fn run(mb: usize, rounds: usize) -> anyhow::Result<()> {
    let gen = TextGen::from_fixtures()?;
    let mut rng = Rng::new(2026);
    let docs: Vec<String> = {
        let mut v = Vec::new();
        let mut total = 0;
        while total < mb << 20 {
            let size = 2000 + rng.below(4000);
            let t = gen.text(&mut rng, size);
            total += t.len();
            v.push(t);
        }
        v
    };
    let bytes: usize = docs.iter().map(String::len).sum();
    println!(
        "rules stage on {} documents, {:.1} MB of text (one core, {rounds} rounds)",
        docs.len(),
        bytes as f64 / 1e6
    );
    println!("{:<24} {:>14} {:>12}", "rule set", "MB/s per core", "peak RSS MB");
    let cases: Vec<(String, Rules)> = vec![
        ("0 words".into(), rules_with(vec![], 0)),
        ("100 words".into(), rules_with(word_list(&gen, &mut rng, 100), 0)),
        ("10,000 words".into(), rules_with(word_list(&gen, &mut rng, 10_000), 0)),
        ("10 regexes".into(), rules_with(vec![], 10)),
        ("100 regexes".into(), rules_with(vec![], 100)),
        ("1,000 regexes".into(), rules_with(vec![], 1000)),
    ];
    for (name, rules) in cases {
        let c = Compiled::build(Some(&rules), None)?;
        let cpu0 = cpu_seconds();
        let t0 = Instant::now();
        let mut fired = 0usize;
        let mut scratch = Scratch::default();
        for _ in 0..rounds {
            for d in &docs {
                fired += apply_with(&c, d, None, false, &mut scratch).fired.len();
            }
        }
        let cpu = (cpu_seconds() - cpu0).max(1e-6);
        let _ = t0;
        // With no rules there is nothing to time: the stage returns at once.
        let speed = if cpu < 0.01 {
            "no work".to_string()
        } else {
            format!("{:.1}", (bytes * rounds) as f64 / 1e6 / cpu)
        };
        println!(
            "{name:<24} {speed:>14} {:>12.0}   ({fired} rule firings)",
            peak_rss() as f64 / 1e6
        );
    }
    Ok(())
}
