//! Partners' content rules, as data in `langs/<iso>.yaml` (`rules:`) and
//! `langs/defaults.yaml` (for every language): word lists, line patterns,
//! document patterns and URL/domain lists, each with an id, a one-line reason
//! and its source/licence. Compiled once per language into one Aho–Corasick
//! automaton per word-list mode ([`wordscan`]), one over the phrases, and
//! per pattern kind the regexes behind an Aho–Corasick prefilter of their
//! required literals ([`patterns`]), so a document is scanned a fixed number
//! of times whatever the number of rules.

use std::collections::{HashMap, HashSet};

use aho_corasick::AhoCorasick;
use anyhow::{bail, Context};
use regex::Regex;
use serde::Deserialize;

mod fold;
mod literals;
pub mod patterns;
mod wordscan;

pub use fold::{count_words, fold_into, lower_into};
use patterns::Patterns;
pub use wordscan::WordAutomaton;

/// Compiled size limit of one rule's regex (regex's own default is 10 MiB);
/// a pattern over it is an error naming the rule.
pub const REGEX_SIZE_LIMIT: usize = 1 << 20;

/// What a matching rule does to the document.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// Drop the document (reason `rule`, the rule id in the detail).
    #[default]
    Drop,
    /// Keep it and list the rule in `metadata.rule_tags`.
    Tag,
}

/// The `rules:` block of a langs file.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Rules {
    #[serde(default)]
    pub words: Vec<WordList>,
    #[serde(default)]
    pub lines: Vec<LineRule>,
    #[serde(default)]
    pub documents: Vec<DocRule>,
    #[serde(default)]
    pub urls: Vec<UrlRule>,
}

/// Whole words (or phrases), case-insensitive; the document is dropped or
/// tagged when at least `min_count` of them occur and they make at least
/// `min_share` of its words.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct WordList {
    pub id: String,
    pub reason: String,
    pub source: String,
    pub words: Vec<String>,
    #[serde(default)]
    pub ignore_diacritics: bool,
    #[serde(default)]
    pub action: Action,
    #[serde(default = "one")]
    pub min_count: usize,
    #[serde(default)]
    pub min_share: f64,
}

fn one() -> usize {
    1
}

/// Lines that contain one of the phrases (literal, case-insensitive) or
/// match one of the patterns (regexes, case-insensitive) are removed.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LineRule {
    pub id: String,
    pub reason: String,
    pub source: String,
    #[serde(default)]
    pub phrases: Vec<String>,
    #[serde(default)]
    pub patterns: Vec<String>,
}

/// A regex over the whole text (case-insensitive, `(?m)` lines) that drops
/// or tags the document.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DocRule {
    pub id: String,
    pub reason: String,
    pub source: String,
    pub pattern: String,
    #[serde(default)]
    pub action: Action,
}

/// Domains (and their subdomains) whose documents are dropped or tagged.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct UrlRule {
    pub id: String,
    pub reason: String,
    pub source: String,
    pub domains: Vec<String>,
    #[serde(default)]
    pub action: Action,
}

/// Lowercase, and without diacritics when `fold` (NFD, marks dropped).
pub fn normalize(s: &str, fold: bool) -> String {
    let mut out = String::new();
    if fold {
        fold_into(s, &mut out);
    } else {
        lower_into(s, &mut out);
    }
    out
}

fn regex(rule: &str, pattern: &str) -> anyhow::Result<Regex> {
    let re = regex::RegexBuilder::new(pattern)
        .case_insensitive(true)
        .multi_line(true)
        .size_limit(REGEX_SIZE_LIMIT)
        .build()
        .map_err(|e| anyhow::anyhow!("rule `{rule}`: pattern `{pattern}` is not a valid regex or is too large: {e}"))?;
    if re.is_match("") {
        bail!("rule `{rule}`: pattern `{pattern}` matches the empty string (it would fire everywhere)");
    }
    Ok(re)
}

impl Rules {
    /// Every rule id, in file order.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.words
            .iter()
            .map(|r| r.id.as_str())
            .chain(self.lines.iter().map(|r| r.id.as_str()))
            .chain(self.documents.iter().map(|r| r.id.as_str()))
            .chain(self.urls.iter().map(|r| r.id.as_str()))
    }

    /// Checks what parsing cannot: ids unique and non-empty, no empty word,
    /// phrase or domain, regexes valid, within the size limit and never
    /// matching the empty string, thresholds in range.
    pub fn check(&self) -> anyhow::Result<()> {
        let mut seen = HashSet::new();
        for id in self.ids() {
            if id.trim().is_empty() {
                bail!("a rule has an empty id");
            }
            if !seen.insert(id) {
                bail!("rule id `{id}` is used twice");
            }
        }
        for w in &self.words {
            if let Some(e) = w
                .words
                .iter()
                .find(|x| normalize(x.trim(), w.ignore_diacritics).is_empty())
            {
                bail!(
                    "rule `{}`: empty word `{e}` (it would match everywhere; marks alone are empty once diacritics are ignored)",
                    w.id
                );
            }
            if w.words.is_empty() {
                bail!("rule `{}`: no words", w.id);
            }
            if !(0.0..=1.0).contains(&w.min_share) || w.min_count == 0 {
                bail!("rule `{}`: min_count must be ≥ 1 and min_share in 0..=1", w.id);
            }
        }
        for l in &self.lines {
            if l.phrases.is_empty() && l.patterns.is_empty() {
                bail!("rule `{}`: no phrases or patterns", l.id);
            }
            if let Some(e) = l.phrases.iter().find(|x| x.trim().is_empty()) {
                bail!("rule `{}`: empty phrase `{e}` (it would match every line)", l.id);
            }
            for p in &l.patterns {
                regex(&l.id, p)?;
            }
        }
        for d in &self.documents {
            regex(&d.id, &d.pattern)?;
        }
        for u in &self.urls {
            if let Some(e) = u.domains.iter().find(|x| x.trim().is_empty()) {
                bail!("rule `{}`: empty domain `{e}`", u.id);
            }
        }
        Ok(())
    }
}

/// One word-list automaton: its patterns and, per pattern, the lists it belongs to.
#[derive(Debug)]
pub struct WordMatcher {
    pub ac: WordAutomaton,
    pub lists: Vec<Vec<usize>>,
    pub fold: bool,
}

/// The rules of one language (its own plus `defaults.yaml`'s), compiled.
#[derive(Debug)]
pub struct Compiled {
    pub words: Vec<WordList>,
    pub matchers: Vec<WordMatcher>,
    pub lines: Vec<LineRule>,
    /// Literal phrases (lowercase) → line rule index.
    pub phrases: Option<(AhoCorasick, Vec<usize>)>,
    /// Line regexes → line rule index.
    pub line_patterns: Option<(Patterns, Vec<usize>)>,
    pub documents: Vec<DocRule>,
    /// One regex per document rule.
    pub doc_patterns: Option<Patterns>,
    pub urls: Vec<UrlRule>,
    /// Domain (lowercase) → URL rule index.
    pub domains: HashMap<String, usize>,
}

impl Compiled {
    /// Compiles `own` and `defaults` together (both checked first).
    pub fn build(own: Option<&Rules>, defaults: Option<&Rules>) -> anyhow::Result<Self> {
        let mut all = Rules::default();
        for r in [defaults, own].into_iter().flatten() {
            r.check()?;
            all.words.extend(r.words.iter().cloned());
            all.lines.extend(r.lines.iter().cloned());
            all.documents.extend(r.documents.iter().cloned());
            all.urls.extend(r.urls.iter().cloned());
        }
        all.check().context("defaults.yaml and the language's file together")?;
        let mut matchers = Vec::new();
        for fold in [false, true] {
            let mut index: HashMap<String, Vec<usize>> = HashMap::new();
            for (i, w) in all
                .words
                .iter()
                .enumerate()
                .filter(|(_, w)| w.ignore_diacritics == fold)
            {
                for word in &w.words {
                    let key = normalize(word.trim(), fold);
                    let e = index.entry(key).or_default();
                    if !e.contains(&i) {
                        e.push(i);
                    }
                }
            }
            if index.is_empty() {
                continue;
            }
            let (patterns, lists): (Vec<String>, Vec<Vec<usize>>) = index.into_iter().unzip();
            let ac = WordAutomaton::build(&patterns).context("building the word automaton")?;
            matchers.push(WordMatcher { ac, lists, fold });
        }
        let mut phrase_pats = Vec::new();
        let mut phrase_rules = Vec::new();
        let mut line_pats = Vec::new();
        let mut line_rules = Vec::new();
        for (i, l) in all.lines.iter().enumerate() {
            for p in &l.phrases {
                phrase_pats.push(normalize(p, false));
                phrase_rules.push(i);
            }
            for p in &l.patterns {
                line_pats.push(p.clone());
                line_rules.push(i);
            }
        }
        let set = |pats: &[String]| -> anyhow::Result<Option<Patterns>> {
            (!pats.is_empty()).then(|| Patterns::build(pats)).transpose()
        };
        let phrases = if phrase_pats.is_empty() {
            None
        } else {
            Some((AhoCorasick::new(&phrase_pats)?, phrase_rules))
        };
        let line_patterns = set(&line_pats)?.map(|s| (s, line_rules));
        let doc_pats: Vec<String> = all.documents.iter().map(|d| d.pattern.clone()).collect();
        let doc_patterns = set(&doc_pats)?;
        let mut domains = HashMap::new();
        for (i, u) in all.urls.iter().enumerate() {
            for d in &u.domains {
                domains.insert(crate::text::url::domain(d.trim().trim_start_matches("*.")), i);
            }
        }
        Ok(Compiled {
            words: all.words,
            matchers,
            lines: all.lines,
            phrases,
            line_patterns,
            documents: all.documents,
            doc_patterns,
            urls: all.urls,
            domains,
        })
    }

    /// True when the lowercase text is needed (case-folding word lists,
    /// line rules, document regexes with literals).
    pub fn needs_lower(&self) -> bool {
        self.matchers.iter().any(|m| !m.fold)
            || self.phrases.is_some()
            || self.line_patterns.is_some()
            || self.doc_patterns.as_ref().is_some_and(Patterns::has_literals)
    }

    /// True when there is nothing to apply.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty() && self.lines.is_empty() && self.documents.is_empty() && self.urls.is_empty()
    }
}

/// True when `text[start..end]` is a whole word (not inside a longer one).
pub fn whole_word(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(yaml: &str) -> anyhow::Result<Rules> {
        Ok(serde_saphyr::from_str(yaml)?)
    }

    #[test]
    fn broken_rules_are_errors_naming_the_rule() {
        let dup = "words:\n  - {id: a, reason: r, source: s, words: [x]}\nlines:\n  - {id: a, reason: r, source: s, phrases: [y]}\n";
        assert!(rules(dup)
            .unwrap()
            .check()
            .unwrap_err()
            .to_string()
            .contains("`a` is used twice"));
        let bad = "documents:\n  - {id: bad-re, reason: r, source: s, pattern: \"(unclosed\"}\n";
        let e = rules(bad).unwrap().check().unwrap_err().to_string();
        assert!(e.contains("bad-re") && e.contains("(unclosed"), "{e}");
        let empty = "lines:\n  - {id: anything, reason: r, source: s, patterns: [\"x*\"]}\n";
        assert!(rules(empty)
            .unwrap()
            .check()
            .unwrap_err()
            .to_string()
            .contains("empty string"));
        let huge = "documents:\n  - {id: huge, reason: r, source: s, pattern: '\\w{2000}'}\n";
        let e = rules(huge).unwrap().check().unwrap_err().to_string();
        assert!(e.contains("huge") && e.contains("too large"), "{e}");
        assert!(rules("wordz: []\n").is_err(), "unknown keys are errors");
    }

    #[test]
    fn folding_drops_diacritics_and_case() {
        assert_eq!(normalize("Ħażin Šūdas", true), "hazin sudas");
        assert_eq!(normalize("Ħażin", false), "ħażin");
        assert!(whole_word("a kurva b", 2, 7) && !whole_word("akurvab", 1, 6));
    }
}
