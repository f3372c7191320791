//! `eurocurate langs calibrate`: proposes a language's quality thresholds
//! from a sample of its text, the way FineWeb-2 adapted English thresholds:
//! a threshold is moved so that it removes the same share of the language's
//! sample as the reference language's threshold removes of the reference
//! sample. Prints a YAML block a partner reviews and pastes (or `--write`s)
//! into `langs/<iso>.yaml`, with the evidence as comments.
//!
//! With `--max-drop SHARE` it applies the clean-keep rule instead: the
//! sample is clean text of the language, so a threshold that drops more than
//! SHARE of it is wrong for the language (a reference value computed with
//! other text or other word splitting) and moves to the value that drops at
//! most SHARE; every other threshold keeps its value. `--write` then edits
//! only the moved keys in place, recording the old value, the new one, the
//! sample and the command above each.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::document::Document;
use crate::langs::Langs;
use crate::stages::quality::{
    c4, fineweb, gopher_quality as gq, gopher_repetition as gr, Bound, ForLang, Layered, PerLang,
};

/// Marker before the block `--write` replaces.
pub const MARKER: &str = "# --- quality thresholds (eurocurate langs calibrate) ---";

/// Stop words Gopher checks for (it used 8 for English).
const STOP_WORDS: usize = 8;

/// Options of `langs calibrate` (also its command line).
#[derive(Debug, Clone, clap::Args)]
pub struct Options {
    /// ISO 639-1 code of the language.
    #[arg(long)]
    pub lang: String,
    /// Sample of the language: JSONL (.gz/.zst) documents or .txt lines.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// Reference language of `reference`.
    #[arg(long, default_value = "en")]
    pub reference_lang: String,
    /// Sample of the reference language (same formats); without it the
    /// block shows current values and what they remove.
    #[arg(long)]
    pub reference: Vec<PathBuf>,
    /// Lines of a `.txt` input joined into one document (one a line, as
    /// the document's own lines).
    #[arg(long, default_value_t = 1)]
    pub group: usize,
    /// `.txt` inputs: group the lines in this many seeded random orders
    /// (each order gives a document set; 0: file order). For sorted
    /// sentence lists, such as Leipzig's, whose neighbours share their first
    /// words and whose number-led lines come first; several orders smooth
    /// the measured shares of a small sample.
    #[arg(long, default_value_t = 0)]
    pub shuffle: usize,
    /// Documents read per sample at most.
    #[arg(long, default_value_t = 100_000)]
    pub max_docs: usize,
    /// Propose only these keys (comma-separated); others keep their value.
    #[arg(long, value_delimiter = ',')]
    pub only: Option<Vec<String>>,
    #[arg(long, default_value = "langs")]
    pub langs_dir: PathBuf,
    /// Clean-keep rule: the inputs are clean text of the language; a
    /// threshold dropping more than this share of it (e.g. 0.01) moves to
    /// the value that drops at most this share, the others stay.
    #[arg(long, conflicts_with = "reference")]
    pub max_drop: Option<f64>,
    /// What the sample is (source, licence, role), recorded with each value
    /// `--max-drop --write` moves.
    #[arg(long)]
    pub sample_note: Option<String>,
    /// With `--max-drop`: first raise every `gopher_repetition` threshold
    /// stricter than Gopher's published, language-independent value
    /// (datatrove's `GopherRepetitionFilter` defaults) to that value.
    /// Repetition measures duplicated content, not the language, and clean
    /// sentence samples cannot show a document's natural repetition, so
    /// this floor is a rule, not a value fitted to the sample.
    #[arg(long, requires = "max_drop")]
    pub repetition_floor: bool,
    /// Replace the calibrated block of langs/<lang>.yaml with the result
    /// (with `--max-drop`: rewrite only the moved keys, in place).
    #[arg(long)]
    pub write: bool,
}

/// One calibratable threshold: where it lives and how to measure its metric.
pub(super) struct Metric {
    pub(super) filter: &'static str,
    pub(super) key: &'static str,
    pub(super) bound: Bound,
}

pub(super) const METRICS: &[Metric] = &[
    Metric {
        filter: "gopher_quality",
        key: "min_doc_words",
        bound: Bound::Min,
    },
    Metric {
        filter: "gopher_quality",
        key: "max_doc_words",
        bound: Bound::Max,
    },
    Metric {
        filter: "gopher_quality",
        key: "min_avg_word_length",
        bound: Bound::Min,
    },
    Metric {
        filter: "gopher_quality",
        key: "max_avg_word_length",
        bound: Bound::Max,
    },
    Metric {
        filter: "gopher_quality",
        key: "max_symbol_word_ratio",
        bound: Bound::Max,
    },
    Metric {
        filter: "gopher_quality",
        key: "max_bullet_lines_ratio",
        bound: Bound::Max,
    },
    Metric {
        filter: "gopher_quality",
        key: "max_ellipsis_lines_ratio",
        bound: Bound::Max,
    },
    Metric {
        filter: "gopher_quality",
        key: "max_non_alpha_words_ratio",
        bound: Bound::Min,
    },
    Metric {
        filter: "gopher_repetition",
        key: "dup_line_frac",
        bound: Bound::Max,
    },
    Metric {
        filter: "gopher_repetition",
        key: "dup_para_frac",
        bound: Bound::Max,
    },
    Metric {
        filter: "gopher_repetition",
        key: "dup_line_char_frac",
        bound: Bound::Max,
    },
    Metric {
        filter: "gopher_repetition",
        key: "dup_para_char_frac",
        bound: Bound::Max,
    },
    Metric {
        filter: "gopher_repetition",
        key: "top_2_gram",
        bound: Bound::Max,
    },
    Metric {
        filter: "gopher_repetition",
        key: "top_3_gram",
        bound: Bound::Max,
    },
    Metric {
        filter: "gopher_repetition",
        key: "top_4_gram",
        bound: Bound::Max,
    },
    Metric {
        filter: "gopher_repetition",
        key: "dup_5_gram",
        bound: Bound::Max,
    },
    Metric {
        filter: "gopher_repetition",
        key: "dup_6_gram",
        bound: Bound::Max,
    },
    Metric {
        filter: "gopher_repetition",
        key: "dup_7_gram",
        bound: Bound::Max,
    },
    Metric {
        filter: "gopher_repetition",
        key: "dup_8_gram",
        bound: Bound::Max,
    },
    Metric {
        filter: "gopher_repetition",
        key: "dup_9_gram",
        bound: Bound::Max,
    },
    Metric {
        filter: "gopher_repetition",
        key: "dup_10_gram",
        bound: Bound::Max,
    },
    Metric {
        filter: "c4_quality",
        key: "min_num_sentences",
        bound: Bound::Min,
    },
    Metric {
        filter: "fineweb_quality",
        key: "line_punct_thr",
        bound: Bound::Min,
    },
    Metric {
        filter: "fineweb_quality",
        key: "short_line_thr",
        bound: Bound::Max,
    },
    Metric {
        filter: "fineweb_quality",
        key: "char_duplicates_ratio",
        bound: Bound::Max,
    },
    Metric {
        filter: "fineweb_quality",
        key: "new_line_ratio",
        bound: Bound::Max,
    },
];

/// The four filters' settings for one language.
pub(super) struct Settings {
    gq: std::sync::Arc<ForLang<gq::GopherQuality>>,
    gr: std::sync::Arc<ForLang<gr::GopherRepetition>>,
    c4: std::sync::Arc<ForLang<c4::C4Quality>>,
    fw: std::sync::Arc<ForLang<fineweb::FinewebQuality>>,
}

fn settings(dir: &Path, lang: &str) -> anyhow::Result<Settings> {
    fn one<T: Layered>(dir: &Path, lang: &str) -> anyhow::Result<std::sync::Arc<ForLang<T>>>
    where
        T::Layer: Default,
    {
        Ok(PerLang::<T>::build(dir, &T::Layer::default())?.for_lang(lang).clone())
    }
    Ok(Settings {
        gq: one(dir, lang)?,
        gr: one(dir, lang)?,
        c4: one(dir, lang)?,
        fw: one(dir, lang)?,
    })
}

impl Settings {
    /// The current threshold of `m`, read by name from its filter's
    /// resolved thresholds (the filter declares them once).
    pub(super) fn current(&self, m: &Metric) -> f64 {
        let value = match m.filter {
            "gopher_quality" => serde_json::to_value(&self.gq.thresholds),
            "gopher_repetition" => serde_json::to_value(&self.gr.thresholds),
            "c4_quality" => serde_json::to_value(&self.c4.thresholds),
            _ => serde_json::to_value(&self.fw.thresholds),
        };
        value
            .ok()
            .and_then(|v| v.get(m.key)?.as_f64())
            .unwrap_or_else(|| unreachable!("{} has no numeric threshold {}", m.filter, m.key))
    }

    /// Every metric of one document, keyed like its threshold, plus the
    /// stop-word list entries the document contains.
    pub(super) fn measure(
        &self,
        doc: &Document,
        stop_list: &[String],
        found: &mut HashMap<String, usize>,
    ) -> HashMap<&'static str, f64> {
        let mut tokens = Vec::new();
        self.gq.words.split(&doc.text, &mut tokens);
        let g = gq::measure(&doc.text, &tokens, &self.gq.thresholds.stop_words);
        let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::new();
        for t in &tokens {
            if seen.insert(t) && stop_list.iter().any(|s| s == t) {
                *found.entry(t.to_string()).or_default() += 1;
            }
        }
        // all four filters of one language split words by the same rules
        let r = gr::measure(&doc.text, &tokens);
        let f = fineweb::measure(&doc.text, &tokens, self.fw.thresholds.short_line_length);
        let mut c4t = self.c4.thresholds.clone();
        c4t.min_num_sentences = 1.0;
        let c = c4::apply(&doc.text, &c4t, &self.c4.words);
        let mut m = HashMap::new();
        m.insert("min_doc_words", g.words as f64);
        m.insert("max_doc_words", g.words as f64);
        m.insert("min_avg_word_length", g.avg_word_length);
        m.insert("max_avg_word_length", g.avg_word_length);
        m.insert("max_symbol_word_ratio", g.hash_ratio.max(g.ellipsis_ratio));
        m.insert("max_bullet_lines_ratio", g.bullet_lines_ratio);
        m.insert("max_ellipsis_lines_ratio", g.ellipsis_lines_ratio);
        m.insert("max_non_alpha_words_ratio", g.alpha_words_ratio);
        m.insert("dup_line_frac", r.dup_line_frac);
        m.insert("dup_para_frac", r.dup_para_frac);
        m.insert("dup_line_char_frac", r.dup_line_char_frac);
        m.insert("dup_para_char_frac", r.dup_para_char_frac);
        for (i, k) in ["top_2_gram", "top_3_gram", "top_4_gram"].into_iter().enumerate() {
            m.insert(k, r.top_gram[i]);
        }
        for (i, k) in [
            "dup_5_gram",
            "dup_6_gram",
            "dup_7_gram",
            "dup_8_gram",
            "dup_9_gram",
            "dup_10_gram",
        ]
        .into_iter()
        .enumerate()
        {
            m.insert(k, r.dup_gram[i]);
        }
        m.insert(
            "min_num_sentences",
            if c.rejection.is_some() { 0.0 } else { c.sentences as f64 },
        );
        m.insert("line_punct_thr", f.line_punct_ratio);
        m.insert("short_line_thr", f.short_line_ratio);
        m.insert("char_duplicates_ratio", f.char_dup_ratio);
        m.insert("new_line_ratio", f.new_line_ratio);
        m
    }
}

/// Reads up to `max` documents: JSONL (plain, .gz, .zst) or `.txt` with
/// `group` lines per document, in file order or in `shuffle` seeded orders.
fn read_sample(paths: &[PathBuf], group: usize, shuffle: usize, max: usize) -> anyhow::Result<Vec<Document>> {
    let mut docs = Vec::new();
    for p in paths {
        if docs.len() >= max {
            break;
        }
        let name = p.to_string_lossy();
        if name.ends_with(".txt") {
            let text = std::fs::read_to_string(p).with_context(|| format!("cannot read {}", p.display()))?;
            let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
            for order in orders(&lines, shuffle) {
                for (i, chunk) in order.chunks(group.max(1)).enumerate() {
                    if docs.len() >= max {
                        break;
                    }
                    docs.push(Document::new(format!("{name}:{i}"), chunk.join("\n")));
                }
            }
        } else {
            docs.extend(crate::io::jsonl::read_documents(p, max - docs.len())?);
        }
    }
    anyhow::ensure!(!docs.is_empty(), "no documents in {:?}", paths);
    Ok(docs)
}

/// `lines` in file order (`shuffle` 0) or in `shuffle` seeded random
/// orders (Fisher-Yates with seeds 1..=shuffle), one after the other.
fn orders<'a>(lines: &[&'a str], shuffle: usize) -> Vec<Vec<&'a str>> {
    if shuffle == 0 {
        return vec![lines.to_vec()];
    }
    (1..=shuffle as u64)
        .map(|seed| {
            let mut rng = crate::rng::Rng::new(seed);
            let mut v = lines.to_vec();
            for i in (1..v.len()).rev() {
                v.swap(i, rng.below(i + 1));
            }
            v
        })
        .collect()
}

pub(super) fn share_dropped(values: &[f64], bound: Bound, t: f64) -> f64 {
    if t == 0.0 {
        return 0.0;
    }
    let n = values
        .iter()
        .filter(|&&v| if bound == Bound::Min { v < t } else { v > t })
        .count();
    n as f64 / values.len().max(1) as f64
}

/// The value at quantile `q` (0..=1) of sorted `v`.
fn quantile(v: &[f64], q: f64) -> f64 {
    let i = ((v.len() - 1) as f64 * q.clamp(0.0, 1.0)).round() as usize;
    v[i]
}

/// Three significant digits.
fn round3(x: f64) -> f64 {
    if x == 0.0 {
        return 0.0;
    }
    let mag = 10f64.powi(2 - x.abs().log10().floor() as i32);
    (x * mag).round() / mag
}

/// Runs the calibration and returns the YAML block.
pub fn run(o: &Options) -> anyhow::Result<String> {
    let langs = Langs::load(&o.langs_dir)?;
    let target = settings(&o.langs_dir, &o.lang)?;
    let stop_list: Vec<String> = langs
        .by_iso
        .get(&o.lang)
        .and_then(|f| f.stopwords.as_ref())
        .map(|s| s.words.clone())
        .unwrap_or_default();
    let sample = read_sample(&o.inputs, o.group, o.shuffle, o.max_docs)?;
    if let Some(share) = o.max_drop {
        return super::langs_clean_keep::run(o, &target, &sample, share);
    }
    let mut found = HashMap::new();
    let measured: Vec<HashMap<&str, f64>> = sample
        .iter()
        .map(|d| target.measure(d, &stop_list, &mut found))
        .collect();
    let reference = if o.reference.is_empty() {
        None
    } else {
        let s = settings(&o.langs_dir, &o.reference_lang)?;
        let docs = read_sample(&o.reference, o.group, o.shuffle, o.max_docs)?;
        let mut ignore = HashMap::new();
        let m: Vec<HashMap<&str, f64>> = docs.iter().map(|d| s.measure(d, &[], &mut ignore)).collect();
        Some((s, m))
    };
    let wanted = |k: &str| o.only.as_ref().is_none_or(|only| only.iter().any(|x| x == k));
    let mut y = String::new();
    let _ = writeln!(y, "{MARKER}");
    let names = |ps: &[PathBuf]| {
        ps.iter()
            .map(|p| p.file_name().unwrap_or_default().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let _ = writeln!(
        y,
        "# Sample: {} ({}); `eurocurate langs calibrate` proposes, a partner decides.",
        names(&o.inputs),
        if o.group > 1 {
            format!("{} lines per document", o.group)
        } else {
            "as given".into()
        }
    );
    let _ = writeln!(
        y,
        "# {} documents of {}{}.",
        sample.len(),
        o.lang,
        match &reference {
            Some((_, m)) => format!(
                "; reference {}: {} documents (a threshold here removes the share its {} value removes there)",
                o.reference_lang,
                m.len(),
                o.reference_lang
            ),
            None => String::new(),
        }
    );
    let _ = writeln!(y, "quality:");
    // Keys the file sets that are not measured here (line-end characters,
    // policy phrases, switches) are carried over unchanged.
    let own = langs.by_iso.get(&o.lang).and_then(|f| f.quality.as_ref());
    let carried = |filter: &str| -> Vec<(String, serde_json::Value)> {
        match own.and_then(|q| q.get(filter)).map(|s| s.value.clone()) {
            Some(serde_json::Value::Object(map)) => map
                .into_iter()
                .filter(|(k, _)| k != "stop_words" && !METRICS.iter().any(|m| m.key == k))
                .collect(),
            _ => Vec::new(),
        }
    };
    for filter in ["gopher_quality", "gopher_repetition", "c4_quality", "fineweb_quality"] {
        let _ = writeln!(y, "  {filter}:");
        for (k, v) in carried(filter) {
            let _ = writeln!(y, "    {k}: {v}  # set by hand, kept");
        }
        if filter == "gopher_quality" {
            let mut ranked: Vec<(&String, &usize)> = found.iter().collect();
            ranked.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
            let top: Vec<&(&String, &usize)> = ranked.iter().take(STOP_WORDS).collect();
            if wanted("stop_words") && top.len() >= 2 {
                let words: Vec<String> = top.iter().map(|(w, _)| yaml_str(w)).collect();
                let pct = |n: usize| 100.0 * n as f64 / sample.len() as f64;
                let _ = writeln!(
                    y,
                    "    stop_words: [{}]  # the {} stop words in most documents ({:.0}% .. {:.0}%)",
                    words.join(", "),
                    top.len(),
                    pct(*top[0].1),
                    pct(*top[top.len() - 1].1)
                );
            } else {
                let mut current: Vec<String> = target.gq.thresholds.stop_words.0.iter().map(|w| yaml_str(w)).collect();
                current.sort();
                let _ = writeln!(y, "    stop_words: [{}]  # unchanged", current.join(", "));
            }
        }
        for m in METRICS.iter().filter(|m| m.filter == filter) {
            let now = target.current(m);
            let mut values: Vec<f64> = measured.iter().map(|x| x[m.key]).collect();
            values.sort_by(f64::total_cmp);
            let here = share_dropped(&values, m.bound, now);
            let proposal = match &reference {
                Some((rs, rm)) if wanted(m.key) && now != 0.0 => {
                    let rt = rs.current(m);
                    let rvals: Vec<f64> = rm.iter().map(|x| x[m.key]).collect();
                    let f = share_dropped(&rvals, m.bound, rt);
                    if f == 0.0 {
                        None
                    } else {
                        let q = if m.bound == Bound::Min { f } else { 1.0 - f };
                        Some((round3(quantile(&values, q)), f, rt))
                    }
                }
                _ => None,
            };
            // A metric too discrete here to remove that share (all zeros, all
            // ones) keeps its value: a proposal must land near the share and
            // must not switch the check off.
            let proposal = proposal.filter(|&(p, f, _)| {
                let after = share_dropped(&values, m.bound, p);
                p != 0.0 && (after - f).abs() <= (0.01f64).max(0.25 * f)
            });
            match proposal {
                Some((p, f, rt)) => {
                    let after = share_dropped(&values, m.bound, p);
                    let _ = writeln!(
                        y,
                        "    {}: {}  # {} at {} drops {:.1}% there; here {} drops {:.1}%, {} dropped {:.1}%",
                        m.key,
                        p,
                        o.reference_lang,
                        rt,
                        100.0 * f,
                        p,
                        100.0 * after,
                        now,
                        100.0 * here
                    );
                }
                None => {
                    let _ = writeln!(
                        y,
                        "    {}: {}  # drops {:.1}% here (median {}, p5 {}, p95 {})",
                        m.key,
                        now,
                        100.0 * here,
                        round3(quantile(&values, 0.5)),
                        round3(quantile(&values, 0.05)),
                        round3(quantile(&values, 0.95))
                    );
                }
            }
        }
    }
    if o.write {
        let path = o.langs_dir.join(format!("{}.yaml", o.lang));
        let old = std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
        let head = match old.find(MARKER) {
            Some(i) => &old[..i],
            None => old.as_str(),
        };
        let mut new = head.trim_end().to_string();
        new.push_str("\n\n");
        new.push_str(&y);
        crate::io::atomic::write_file(&path, new.as_bytes())?;
        // the result must still load
        Langs::load(&o.langs_dir).with_context(|| format!("{} no longer parses", path.display()))?;
    }
    Ok(y)
}

fn yaml_str(w: &str) -> String {
    if w.chars().all(|c| c.is_alphanumeric())
        && w.parse::<f64>().is_err()
        && !matches!(w, "y" | "n" | "no" | "on" | "off" | "yes" | "null" | "true" | "false")
    {
        w.to_string()
    } else {
        format!("\"{}\"", w.replace('\\', "\\\\").replace('"', "\\\""))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_calibrated_metric_is_a_threshold_its_filter_declares() {
        for m in METRICS {
            let doc = crate::stages::registry::doc(m.filter).unwrap_or_else(|| panic!("no stage {}", m.filter));
            assert!(
                doc.params.iter().any(|p| p.name == m.key),
                "{}.{} is not a parameter",
                m.filter,
                m.key
            );
        }
    }

    #[test]
    fn thresholds_move_to_the_same_removed_share() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("en.yaml"), "iso: en\n").unwrap();
        std::fs::write(
            dir.path().join("fi.yaml"),
            "iso: fi\nstopwords:\n  source: test\n  words: [ja, on, ei, se]\n",
        )
        .unwrap();
        // English: mean word lengths 4..=13 evenly (10% above 10 is at 11+... )
        let mut en = String::new();
        for i in 0..100 {
            let len = 4 + i % 10;
            en.push_str(&format!("{}\n", vec!["a".repeat(len); 60].join(" ")));
        }
        let mut fi = String::new();
        for i in 0..100 {
            let len = 6 + i % 10;
            fi.push_str(&format!("ja on {}\n", vec!["b".repeat(len); 60].join(" ")));
        }
        std::fs::write(dir.path().join("en.txt"), en).unwrap();
        std::fs::write(dir.path().join("fi.txt"), fi).unwrap();
        let o = Options {
            lang: "fi".into(),
            inputs: vec![dir.path().join("fi.txt")],
            reference_lang: "en".into(),
            reference: vec![dir.path().join("en.txt")],
            group: 1,
            max_docs: 1000,
            only: None,
            langs_dir: dir.path().into(),
            max_drop: None,
            sample_note: None,
            repetition_floor: false,
            shuffle: 0,
            write: true,
        };
        let y = run(&o).unwrap();
        // English word lengths above 10 are 11, 12, 13: 30% dropped. Finnish
        // documents have lengths 6..=15 plus `ja on`: (60 x 12 + 4) / 62 = 11.7
        // keeps 6..=12 and drops 13..=15, the same 30%
        assert!(
            y.contains("max_avg_word_length: 11.7  # en at 10 drops 30.0% there; here 11.7 drops 30.0%"),
            "{y}"
        );
        assert!(y.contains("stop_words: [ja, \"on\"]"), "{y}");
        let written = std::fs::read_to_string(dir.path().join("fi.yaml")).unwrap();
        assert!(written.starts_with("iso: fi\n") && written.contains(MARKER));
        // rerunning replaces the block instead of appending another
        run(&o).unwrap();
        let again = std::fs::read_to_string(dir.path().join("fi.yaml")).unwrap();
        assert_eq!(again.matches(MARKER).count(), 1);
        let langs = Langs::load(dir.path()).unwrap();
        let fi = &langs.by_iso["fi"];
        let q: crate::stages::quality::gopher_quality::GopherQualityValues = fi.quality.as_ref().unwrap()
            ["gopher_quality"]
            .read(fi, "gopher_quality")
            .unwrap();
        assert_eq!(q.max_avg_word_length, Some(11.7));
    }
}
