//! `eurocurate bench pii`: recall and look-alike false positives of the
//! `pii` stage on the independent evaluation set (`fixtures/pii-eval/`,
//! built by `benches/pii-eval/generate.py` from libphonenumber's example
//! numbers and python-stdnum-validated identifiers; no code shared with the
//! detector), with and without the document language, and its speed.
//!
//! Set `EUROCURATE_SHOW_PII_ERRORS=1` to print every miss, look-alike taken
//! and piece of a token replaced, with its text; `EUROCURATE_PII_SPEED_ONLY`
//! to `dense`, `sentences` or `ordinary` to skip the evaluation and time only
//! that text (for `perf record`).

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Context;
use serde::Deserialize;

use eurocurate::document::Document;
use eurocurate::stages::pii::{PiiConfig, PiiStage, Signals};

/// The committed evaluation set.
pub const EVAL_SET: &str = "fixtures/pii-eval/eval.jsonl";

/// One expected finding.
#[derive(Debug, Clone, Deserialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    #[serde(rename = "type")]
    pub kind: String,
}

/// Where the look-alike of an item is.
#[derive(Debug, Clone, Deserialize)]
pub struct LookAlike {
    pub start: usize,
    pub end: usize,
}

/// One sentence of the evaluation set.
#[derive(Debug, Clone, Deserialize)]
pub struct Item {
    pub text: String,
    pub lang: String,
    pub html_lang: Option<String>,
    pub url: Option<String>,
    /// Which page signals the item has (`none`, `html_lang`, `url_cc`, `both`, `url_generic`).
    pub signal: String,
    pub country: Option<String>,
    pub keyword: bool,
    pub category: String,
    pub spans: Vec<Span>,
    pub lookalike: Option<LookAlike>,
    /// National IDs: `always`, `region` or `keyword` (what the number needs to be identifiable).
    #[serde(default)]
    pub strength: Option<String>,
    /// DK CPR: whether the number carries the (pre-2007) mod-11 check.
    #[serde(default)]
    pub mod11: Option<bool>,
}

impl Item {
    /// Whether the page says where it is from (html_lang or a country domain).
    fn has_region_signal(&self) -> bool {
        matches!(self.signal.as_str(), "html_lang" | "url_cc" | "both")
    }

    /// Whether a miss of this item counts against the target: national IDs
    /// that need a keyword or a region count only when they have one
    /// (`with_lang` is a region); the others are reported apart.
    pub fn gated(&self, with_lang: bool) -> bool {
        let strength = match (self.strength.as_deref(), self.mod11) {
            (_, Some(false)) => "keyword",
            (Some(s), _) => s,
            (None, _) => return true,
        };
        self.keyword
            || match strength {
                "always" => true,
                "region" => with_lang || self.has_region_signal(),
                _ => false,
            }
    }
}

/// Reads the evaluation set.
pub fn load(path: &Path) -> anyhow::Result<Vec<Item>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("pii evaluation set {} (run from the repository root)", path.display()))?;
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .enumerate()
        .map(|(i, l)| serde_json::from_str(l).with_context(|| format!("{}:{}", path.display(), i + 1)))
        .collect()
}

/// Found / total.
#[derive(Debug, Default, Clone, Copy)]
pub struct Count {
    pub hit: u64,
    pub total: u64,
}

impl Count {
    fn add(&mut self, hit: bool) {
        self.total += 1;
        self.hit += u64::from(hit);
    }
    /// hit / total (1 when empty).
    pub fn rate(&self) -> f64 {
        if self.total == 0 {
            1.0
        } else {
            self.hit as f64 / self.total as f64
        }
    }
}

/// The outcome of one pass over the set.
#[derive(Debug, Default)]
pub struct Scores {
    /// Recall per type over gated items.
    pub by_type: BTreeMap<String, Count>,
    /// Recall per type and country (gated items).
    pub by_country: BTreeMap<(String, String), Count>,
    /// Recall per category (written style of phones, ID scheme, ...), gated items.
    pub by_category: BTreeMap<(String, String), Count>,
    /// Recall of national IDs reported but not gated (no keyword, no region).
    pub ungated: BTreeMap<String, Count>,
    /// Look-alikes scrubbed (hit = wrongly taken) per kind.
    pub lookalikes: BTreeMap<String, Count>,
    /// Findings that are not a whole token.
    pub fragments: u64,
    /// Findings in positive items other than the expected one.
    pub extra: u64,
    /// Expected spans found whole but as another type.
    pub other_type: u64,
}

/// True when `start..end` begins and ends a token of `text`: a maximal run
/// of non-whitespace, stripped of surrounding `,.;:()[]{}<>"'` and quotes.
pub fn is_whole_token(text: &str, start: usize, end: usize) -> bool {
    let strip = |c: char| ",.;:()[]{}<>\"'«»„“”‘’!?*".contains(c);
    let token_start = text[..start]
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_whitespace())
        .map_or(0, |(i, c)| i + c.len_utf8());
    let token_end = text[end..].find(char::is_whitespace).map_or(text.len(), |i| end + i);
    let lead = &text[token_start..start];
    let trail = &text[end..token_end];
    // A label glued with a colon (`IBAN:DE89…`) is a word of its own.
    let lead_ok = lead.chars().all(strip) || lead.rsplit_once(':').is_some_and(|(_, rest)| rest.chars().all(strip));
    lead_ok && trail.chars().all(strip)
}

fn show(what: &str, item: &Item, with_lang: bool, detail: &str) {
    if std::env::var_os("EUROCURATE_SHOW_PII_ERRORS").is_some() {
        let mode = if with_lang { "lang" } else { "nolang" };
        eprintln!(
            "{what} [{} {} {} kw={} {mode}] {detail} in: {}",
            item.category, item.lang, item.signal, item.keyword, item.text
        );
    }
}

/// Runs the stage over every item, with the language or without it (the
/// page signals are given in both cases).
pub fn evaluate(stage: &PiiStage, items: &[Item], with_lang: bool) -> Scores {
    let mut s = Scores::default();
    for item in items {
        let signals = Signals {
            lang: with_lang.then_some(item.lang.as_str()),
            html_lang: item.html_lang.as_deref(),
            url: item.url.as_deref(),
        };
        let found = stage.find_with(&item.text, &signals);
        for f in &found {
            if !is_whole_token(&item.text, f.start, f.end) {
                s.fragments += 1;
                show("fragment", item, with_lang, &item.text[f.start..f.end]);
            }
        }
        for span in &item.spans {
            // Scrubbed is scrubbed: a Danish number written `90.12.34.56`
            // replaced as an address counts, and is reported as another type.
            let exact = found.iter().find(|f| f.start == span.start && f.end == span.end);
            let hit = exact.is_some();
            if exact.is_some_and(|f| stage.kind_of(f) != span.kind) {
                s.other_type += 1;
            }
            if !hit {
                let got: Vec<String> = found
                    .iter()
                    .map(|f| format!("{}={}", stage.rule_of(f), &item.text[f.start..f.end]))
                    .collect();
                show(
                    "missed",
                    item,
                    with_lang,
                    &format!("{} `{}` (found {got:?})", span.kind, &item.text[span.start..span.end]),
                );
            }
            if item.gated(with_lang) {
                s.by_type.entry(span.kind.clone()).or_default().add(hit);
                let country = item.country.clone().unwrap_or_else(|| "-".into());
                s.by_country.entry((span.kind.clone(), country)).or_default().add(hit);
                s.by_category
                    .entry((span.kind.clone(), item.category.clone()))
                    .or_default()
                    .add(hit);
            } else {
                s.ungated.entry(item.category.clone()).or_default().add(hit);
            }
        }
        let expected = |f: &eurocurate::stages::pii::detect::Finding| {
            item.spans.iter().any(|sp| sp.start == f.start && sp.end == f.end)
        };
        if let Some(la) = &item.lookalike {
            let taken = found.iter().any(|f| f.start < la.end && la.start < f.end);
            if taken {
                let got: Vec<String> = found
                    .iter()
                    .map(|f| format!("{}={}", stage.rule_of(f), &item.text[f.start..f.end]))
                    .collect();
                show("look-alike taken", item, with_lang, &format!("{got:?}"));
            }
            s.lookalikes.entry(item.category.clone()).or_default().add(taken);
        } else {
            s.extra += found.iter().filter(|f| !expected(f)).count() as u64;
        }
    }
    s
}

/// The default stage, as a pipeline would build it.
#[cfg(test)]
pub fn default_stage() -> anyhow::Result<PiiStage> {
    let cfg: PiiConfig = serde_json::from_str("{}")?;
    PiiStage::from_config(&cfg)
}

const TYPES: &[&str] = &["EMAIL", "IP", "PHONE", "IBAN", "CARD", "NATIONAL_ID"];

fn print_tables(items: &[Item], with: &Scores, without: &Scores) {
    println!("  recall per type (gated items)       with lang            without lang");
    for t in TYPES {
        let (a, b) = (
            with.by_type.get(*t).copied().unwrap_or_default(),
            without.by_type.get(*t).copied().unwrap_or_default(),
        );
        println!(
            "  {t:<12} {:>22} {:>7.4} {:>14} {:>7.4}",
            format!("{}/{}", a.hit, a.total),
            a.rate(),
            format!("{}/{}", b.hit, b.total),
            b.rate()
        );
    }
    let ungated: Vec<String> = with
        .ungated
        .keys()
        .chain(without.ungated.keys())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .map(|k| {
            let (a, b) = (
                with.ungated.get(k).copied().unwrap_or_default(),
                without.ungated.get(k).copied().unwrap_or_default(),
            );
            format!("{k} {}/{} | {}/{}", a.hit, a.total, b.hit, b.total)
        })
        .collect();
    println!(
        "  national IDs without keyword or region, reported not gated (with | without lang): {}",
        ungated.join(", ")
    );
    println!(
        "  recall per country                    PHONE with/without   NATIONAL_ID with/without   IBAN with/without"
    );
    let countries: std::collections::BTreeSet<String> = items.iter().filter_map(|i| i.country.clone()).collect();
    for c in &countries {
        let cell = |s: &Scores, t: &str| {
            s.by_country
                .get(&(t.to_string(), c.clone()))
                .map_or("-".to_string(), |n| format!("{:.3}", n.rate()))
        };
        println!(
            "  {c:<4} {:>26} {:>6} {:>16} {:>6} {:>16} {:>6}",
            cell(with, "PHONE"),
            cell(without, "PHONE"),
            cell(with, "NATIONAL_ID"),
            cell(without, "NATIONAL_ID"),
            cell(with, "IBAN"),
            cell(without, "IBAN")
        );
    }
    println!("  recall per category (with | without lang)");
    for ((t, cat), a) in &with.by_category {
        let b = without
            .by_category
            .get(&(t.clone(), cat.clone()))
            .copied()
            .unwrap_or_default();
        println!(
            "    {t:<12} {cat:<20} {:>10} {:>7.4} | {:>10} {:>7.4}",
            format!("{}/{}", a.hit, a.total),
            a.rate(),
            format!("{}/{}", b.hit, b.total),
            b.rate()
        );
    }
    println!("  look-alikes wrongly scrubbed          with lang            without lang");
    for (k, a) in &with.lookalikes {
        let b = without.lookalikes.get(k).copied().unwrap_or_default();
        println!(
            "  {k:<16} {:>18} {:>7.4} {:>14} {:>7.4}",
            format!("{}/{}", a.hit, a.total),
            a.rate(),
            format!("{}/{}", b.hit, b.total),
            b.rate()
        );
    }
    println!(
        "  findings that are not a whole token: {} with lang, {} without; other findings in positive items: {} / {}; found whole as another type: {} / {}",
        with.fragments, without.fragments, with.extra, without.extra, with.other_type, without.other_type
    );
}

/// Runs the evaluation and the speed measurement and prints both.
pub fn run(eval_set: &Path, speed_docs: &[Document], rounds: u64) -> anyhow::Result<()> {
    let cfg: PiiConfig = serde_json::from_str("{}")?;
    let stage = PiiStage::from_config(&cfg)?;
    let items = load(eval_set)?;
    let positives = items.iter().filter(|i| !i.spans.is_empty()).count();
    println!(
        "pii  independent evaluation set {} : {} items ({positives} personal data, {} look-alikes), 24 languages",
        eval_set.display(),
        items.len(),
        items.len() - positives
    );
    // For profiling (`perf record`): only the speed of one corpus.
    let only = std::env::var("EUROCURATE_PII_SPEED_ONLY").ok();
    if only.is_none() {
        let with = evaluate(&stage, &items, true);
        let without = evaluate(&stage, &items, false);
        print_tables(&items, &with, &without);
    }
    // Dense text: real documents (the UDHR fixtures, 24 languages) each
    // carrying two to five sentences of the set.
    let mut dense = crate::common::fixture_docs()?;
    for (n, d) in dense.iter_mut().enumerate() {
        for k in 0..(2 + n % 4) {
            d.text.push('\n');
            d.text.push_str(&items[(n * 7 + k * 1009) % items.len()].text);
        }
    }
    // The set's sentences alone, with their page signals.
    let sentences: Vec<Document> = items
        .iter()
        .enumerate()
        .map(|(n, i)| {
            let mut d = Document::new(format!("pii-eval-{n}"), i.text.clone());
            d.lang = Some(i.lang.clone());
            d.url = i.url.clone();
            if let Some(h) = &i.html_lang {
                d.meta.insert("html_lang".into(), h.clone().into());
            }
            d
        })
        .collect();
    let rounds = rounds.max(1) as usize;
    let mut corpora = vec![
        crate::pii_speed::Corpus {
            label: "dense",
            docs: dense,
            rounds,
        },
        crate::pii_speed::Corpus {
            label: "sentences",
            docs: sentences,
            rounds: rounds.div_ceil(2),
        },
        crate::pii_speed::Corpus {
            label: "ordinary",
            docs: speed_docs.to_vec(),
            rounds: 1,
        },
    ];
    corpora.retain(|c| only.as_deref().is_none_or(|o| o == c.label));
    crate::pii_speed::run(&cfg, &corpora)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scores() -> (Vec<Item>, Scores, Scores) {
        let items = load(Path::new(EVAL_SET)).unwrap();
        let stage = default_stage().unwrap();
        let with = evaluate(&stage, &items, true);
        let without = evaluate(&stage, &items, false);
        (items, with, without)
    }

    #[test]
    fn the_independent_set_is_found_with_and_without_language() {
        let (items, with, without) = scores();
        assert!(items.len() > 5000);
        let mut failures = Vec::new();
        for t in TYPES {
            let (a, b) = (with.by_type[*t], without.by_type[*t]);
            assert!(a.total >= 200, "{t}: only {} items", a.total);
            // Targets: 0.98 with the language, 0.95 without (reached: PHONE
            // 0.9912 and 0.9728, every other type at least 0.998).
            let target_with = 0.98;
            let target_without = 0.95;
            if a.rate() < target_with {
                failures.push(format!("{t} with lang {:.4} ({}/{})", a.rate(), a.hit, a.total));
            }
            if b.rate() < target_without {
                failures.push(format!("{t} without lang {:.4} ({}/{})", b.rate(), b.hit, b.total));
            }
        }
        for (kind, c) in with.lookalikes.iter().chain(&without.lookalikes) {
            assert!(c.total >= 100, "{kind}: only {} look-alikes", c.total);
            if c.rate() > 0.01 {
                failures.push(format!(
                    "look-alike {kind} scrubbed {:.4} ({}/{})",
                    c.rate(),
                    c.hit,
                    c.total
                ));
            }
        }
        if with.fragments + without.fragments > 0 {
            failures.push(format!(
                "{} findings are pieces of a token",
                with.fragments + without.fragments
            ));
        }
        assert!(failures.is_empty(), "{failures:#?}");
    }

    #[test]
    fn whole_tokens_are_told_from_pieces() {
        let t = "IP 1:2:3:4:5:6:7:8:9 and (+33 6 48 78 96 07), IBAN:DE89.";
        let at = |s: &str| t.find(s).unwrap();
        assert!(!is_whole_token(t, at("1:2"), at("1:2") + 15));
        assert!(is_whole_token(t, at("+33"), at("+33") + 17));
        assert!(is_whole_token(t, at("DE89"), at("DE89") + 4));
        assert!(!is_whole_token(t, at("2:3"), at("2:3") + 3));
    }
}
