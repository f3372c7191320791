//! `language_id` per line or per paragraph (`granularity: line | paragraph`)
//! for documents that mix languages: a Maltese page with English
//! navigation, a bilingual notice, a forum thread that switches language.
//!
//! HPLT labels every line of a document on its own (monotextor's
//! `langid-seg`, heliport per line into `seg_langs`) and drops documents
//! where too few lines are in the document's language; FineWeb-2 and
//! datatrove decide once per document. Here every unit (line, or block of
//! lines between blank lines) long enough to decide on is decided by the
//! same two stages and thresholds as a whole document. Shorter units
//! (headings, menu items, dates, blank lines) cannot be identified reliably,
//! so they take the language of the next unit decided on its own (a short
//! line usually introduces what follows: a heading, a label; between two
//! units of one language that is their language), at the end of the
//! document that of the last one. When no unit is long enough, the whole
//! document is decided as one. The
//! document's language is the one with the most characters, its score the
//! character-weighted mean score of its own units, and `lid_shares` holds
//! every language's share of the characters. `keep_units` can then remove
//! the units in other languages from the text (counted per language).

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::{Decider, Outcome};
use crate::stats::Counters;

/// How much text one language decision covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Granularity {
    /// One decision for the whole document (its first `sample_chars` characters).
    #[default]
    Document,
    /// One decision per block of lines between blank lines.
    Paragraph,
    /// One decision per line.
    Line,
}

/// Which units (lines or paragraphs) stay in a kept document's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum KeepUnits {
    /// Every unit: the text is not changed.
    #[default]
    All,
    /// Units in one of `languages`; units in other languages and units
    /// under their threshold (`und`) are removed.
    KeptLanguages,
    /// Units in the document's language only.
    DocumentLanguage,
}

/// One unit of a document.
#[derive(Debug, Clone, Copy)]
struct Unit {
    /// Byte range of its text (without the separating newlines).
    start: usize,
    end: usize,
    /// Characters (the newlines inside a paragraph not counted).
    chars: usize,
    /// Index of its label in the document's label list, once known.
    label: usize,
    /// Its own score, when it was decided on its own.
    score: Option<f32>,
}

/// The outcome for a whole document.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitsOutcome {
    /// The document's language (`und` when no unit has one).
    pub lang: String,
    /// Character-weighted mean score of the units decided as `lang` on their own.
    pub score: f32,
    /// The model's own label for `lang` (from its longest unit).
    pub raw_label: Option<String>,
    /// Verdict on the document's language.
    pub outcome: Outcome,
    /// Every label's share of the document's characters, largest first.
    pub shares: Vec<(String, f64)>,
    /// The rewritten text, when `keep_units` removed units.
    pub text: Option<String>,
    /// Units removed.
    pub dropped: usize,
}

/// Splits, labels and tallies; buffers are reused between documents.
#[derive(Default)]
pub struct UnitLabeller {
    units: Vec<Unit>,
    labels: Vec<String>,
}

impl UnitLabeller {
    /// Labels every unit of `text` and decides the document.
    #[allow(clippy::too_many_arguments)]
    pub fn run(
        &mut self,
        decider: &mut Decider,
        text: &str,
        granularity: Granularity,
        min_unit_chars: usize,
        keep: KeepUnits,
        counters: &mut Counters,
    ) -> UnitsOutcome {
        self.units.clear();
        self.labels.clear();
        split(text, granularity, &mut self.units);
        let mut raw_labels: Vec<(usize, usize, String)> = Vec::new();
        let mut any_own = false;
        for u in self.units.iter_mut() {
            let s = &text[u.start..u.end];
            if s.trim().chars().count() < min_unit_chars || !s.chars().any(char::is_alphabetic) {
                u.label = usize::MAX;
                continue;
            }
            let d = decider.decide(s);
            u.label = intern(&mut self.labels, d.label());
            u.score = Some(d.score());
            any_own = true;
            if let (Outcome::Kept | Outcome::Other, Some(top)) = (d.outcome, d.preds.first()) {
                raw_labels.push((u.label, u.chars, top.label.raw.clone()));
            }
        }
        if !any_own {
            // No unit is long enough on its own: the document is one unit.
            let d = decider.decide(text);
            let label = intern(&mut self.labels, d.label());
            for u in self.units.iter_mut() {
                u.label = label;
            }
            if let (Outcome::Kept | Outcome::Other, Some(top)) = (d.outcome, d.preds.first()) {
                raw_labels.push((label, text.len(), top.label.raw.clone()));
                if let Some(u) = self.units.iter_mut().max_by_key(|u| u.chars) {
                    u.score = Some(d.score());
                }
            }
        } else {
            inherit(&mut self.units);
        }

        // Characters per label.
        let mut chars = vec![0usize; self.labels.len()];
        let mut units = vec![0u64; self.labels.len()];
        let mut weighted = vec![0f64; self.labels.len()];
        let mut own_chars = vec![0usize; self.labels.len()];
        let mut inherited = 0;
        for u in &self.units {
            chars[u.label] += u.chars;
            units[u.label] += 1;
            if let Some(s) = u.score {
                weighted[u.label] += s as f64 * u.chars as f64;
                own_chars[u.label] += u.chars;
            } else {
                inherited += 1;
            }
        }
        for (i, l) in self.labels.iter().enumerate() {
            counters.add(&format!("units:{l}"), units[i]);
            counters.add(&format!("unit_chars:{l}"), chars[i] as u64);
        }
        counters.add("units_inherited", inherited);
        let total: usize = chars.iter().sum();
        let mut shares: Vec<(String, f64)> = self
            .labels
            .iter()
            .zip(&chars)
            .map(|(l, &c)| (l.clone(), c as f64 / total.max(1) as f64))
            .collect();
        shares.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));

        // The document's language: most characters, kept languages first
        // when the others are being removed anyway.
        let best = |only_kept: bool| {
            (0..self.labels.len())
                .filter(|&i| self.labels[i] != "und" && (!only_kept || decider.keeps(&self.labels[i])))
                .max_by(|&a, &b| chars[a].cmp(&chars[b]).then_with(|| self.labels[b].cmp(&self.labels[a])))
        };
        let winner = match keep {
            KeepUnits::KeptLanguages => best(true).or_else(|| best(false)),
            KeepUnits::All | KeepUnits::DocumentLanguage => best(false),
        };
        let Some(w) = winner else {
            // Every unit is under its threshold (or letterless).
            let outcome = if self.labels.is_empty() || text.chars().all(|c| !c.is_alphabetic()) {
                Outcome::NoText
            } else {
                Outcome::LowScore(decider.min_score)
            };
            return UnitsOutcome {
                lang: "und".into(),
                score: 0.0,
                raw_label: None,
                outcome,
                shares,
                text: None,
                dropped: 0,
            };
        };
        let lang = self.labels[w].clone();
        let score = if own_chars[w] > 0 {
            (weighted[w] / own_chars[w] as f64) as f32
        } else {
            0.0
        };
        let raw_label = raw_labels
            .iter()
            .filter(|(l, _, _)| *l == w)
            .max_by_key(|(_, c, _)| *c)
            .map(|(_, _, r)| r.clone());
        let outcome = if decider.keeps(&lang) {
            Outcome::Kept
        } else {
            Outcome::Other
        };

        // Units removed from a kept document.
        let (mut new_text, mut dropped) = (None, 0);
        if outcome == Outcome::Kept && keep != KeepUnits::All {
            let stays = |u: &Unit| match keep {
                KeepUnits::All => true,
                KeepUnits::KeptLanguages => {
                    let l = &self.labels[u.label];
                    l != "und" && decider.keeps(l)
                }
                KeepUnits::DocumentLanguage => u.label == w,
            };
            if self.units.iter().any(|u| !stays(u)) {
                let sep = if granularity == Granularity::Paragraph { "\n\n" } else { "\n" };
                let mut out = String::with_capacity(text.len());
                let mut first = true;
                for u in &self.units {
                    if stays(u) {
                        if !first {
                            out.push_str(sep);
                        }
                        first = false;
                        out.push_str(&text[u.start..u.end]);
                    } else {
                        dropped += 1;
                        let l = &self.labels[u.label];
                        counters.add(&format!("units_dropped:{l}"), 1);
                        counters.add(&format!("unit_chars_dropped:{l}"), u.chars as u64);
                    }
                }
                new_text = Some(out);
            }
        }
        UnitsOutcome {
            lang,
            score,
            raw_label,
            outcome,
            shares,
            text: new_text,
            dropped,
        }
    }
}

/// `lid_shares` as written to metadata.
pub fn shares_json(shares: &[(String, f64)]) -> Value {
    Value::Array(
        shares
            .iter()
            .map(|(l, s)| json!({"lang": l, "share": (s * 1e4).round() / 1e4}))
            .collect(),
    )
}

fn intern(labels: &mut Vec<String>, label: &str) -> usize {
    match labels.iter().position(|l| l == label) {
        Some(i) => i,
        None => {
            labels.push(label.to_string());
            labels.len() - 1
        }
    }
}

/// Cuts `text` into units: lines (without `\r\n`/`\n`), or paragraphs
/// (maximal runs of non-blank lines; the blank lines between them are not
/// units). Every unit has its byte range and character count.
fn split(text: &str, granularity: Granularity, out: &mut Vec<Unit>) {
    let unit = |start: usize, end: usize| Unit {
        start,
        end,
        chars: text[start..end].chars().filter(|&c| c != '\n' && c != '\r').count(),
        label: usize::MAX,
        score: None,
    };
    let mut para: Option<(usize, usize)> = None;
    let mut pos = 0;
    for line in text.split('\n') {
        let start = pos;
        pos += line.len() + 1;
        let end = start + line.strip_suffix('\r').map_or(line.len(), str::len);
        match granularity {
            Granularity::Document | Granularity::Line => out.push(unit(start, end)),
            Granularity::Paragraph => {
                if text[start..end].trim().is_empty() {
                    if let Some((s, e)) = para.take() {
                        out.push(unit(s, e));
                    }
                } else {
                    para = Some((para.map_or(start, |(s, _)| s), end));
                }
            }
        }
    }
    if let Some((s, e)) = para {
        out.push(unit(s, e));
    }
}

/// Gives every unit without a label that of the next labelled unit, or at
/// the end that of the last one.
fn inherit(units: &mut [Unit]) {
    let mut next = vec![usize::MAX; units.len()];
    let mut seen = usize::MAX;
    for i in (0..units.len()).rev() {
        next[i] = seen;
        if units[i].score.is_some() {
            seen = units[i].label;
        }
    }
    let mut prev = usize::MAX;
    for (i, u) in units.iter_mut().enumerate() {
        if u.score.is_some() {
            prev = u.label;
            continue;
        }
        u.label = if next[i] != usize::MAX { next[i] } else { prev };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ranges(text: &str, g: Granularity) -> Vec<&str> {
        let mut units = Vec::new();
        split(text, g, &mut units);
        units.iter().map(|u| &text[u.start..u.end]).collect()
    }

    #[test]
    fn splits_lines_and_paragraphs() {
        let text = "a b\r\nc\n\n  \nd e\nf\n";
        assert_eq!(ranges(text, Granularity::Line), ["a b", "c", "", "  ", "d e", "f", ""]);
        assert_eq!(ranges(text, Granularity::Paragraph), ["a b\r\nc", "d e\nf"]);
        assert_eq!(ranges("", Granularity::Paragraph), Vec::<&str>::new());
    }

    #[test]
    fn short_units_take_their_neighbours_language() {
        let own = |label| Unit {
            start: 0,
            end: 0,
            chars: 1,
            label,
            score: Some(1.0),
        };
        let short = Unit {
            start: 0,
            end: 0,
            chars: 1,
            label: usize::MAX,
            score: None,
        };
        // short, A, short, A, short, B, short
        let mut u = vec![short, own(0), short, own(0), short, own(1), short];
        inherit(&mut u);
        let got: Vec<usize> = u.iter().map(|u| u.label).collect();
        // The first takes the next; between agreeing neighbours their
        // language; between A and B the next (B); the last the previous.
        assert_eq!(got, [0, 0, 0, 0, 1, 1, 1]);
    }
}
