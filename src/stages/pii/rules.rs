//! The rule file (`pii/rules.yaml`): what to look for, as data partners can
//! extend, compiled into one prefilter plus one regex per rule.

use std::path::Path;

use anyhow::{bail, Context};
use regex::{Regex, RegexSet, RegexSetBuilder};
use serde::Deserialize;

use super::checksums;

/// The rules shipped with eurocurate (used when the stage names no file).
pub const BUILTIN_RULES: &str = include_str!("../../../pii/rules.yaml");

/// When a rule may fire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Everywhere: the pattern and validator are specific enough.
    Always,
    /// Only in documents of the rule's languages, or right after a keyword.
    LanguageOrKeyword,
    /// Only right after a keyword (numbers whose check digit alone is weak).
    Keyword,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    rules: Vec<RuleSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleSpec {
    name: String,
    #[serde(rename = "type")]
    kind: String,
    pattern: String,
    validate: String,
    context: Scope,
    #[serde(default)]
    languages: Vec<String>,
    #[serde(default)]
    keywords: Vec<String>,
    #[serde(default)]
    not_after: Vec<String>,
}

/// How a candidate is confirmed.
#[derive(Debug, Clone, Copy)]
pub enum Validator {
    /// A checksum from [`checksums`].
    Checksum(fn(&str) -> bool),
    Email,
    Ipv4,
    Ipv6,
    Phone,
    /// IBAN: the match is cut to the country's length, then mod 97.
    Iban,
}

/// Validators that are not plain checksums.
pub const SPECIAL_VALIDATORS: &[&str] = &["email", "ipv4", "ipv6", "phone", "iban"];

/// One compiled rule.
#[derive(Debug, Clone)]
pub struct Rule {
    pub name: String,
    pub kind: String,
    pub regex: Regex,
    pub validator: Validator,
    pub context: Scope,
    pub languages: Vec<String>,
    /// Lower-cased.
    pub keywords: Vec<String>,
    /// Any keyword at the start of a word, case-insensitive.
    pub keyword_regex: Option<Regex>,
    /// Words that label a number as something else (`Bestellnr.`, `ISBN`,
    /// `faktura`): right before a bare number they outweigh a weak match.
    pub not_after_regex: Option<Regex>,
}

/// One case-insensitive pattern for a rule's keywords, each at the start
/// of a word (`tel` in `Tel.` and `Telefon`, not in `hotel`).
fn keyword_regex(keywords: &[String]) -> anyhow::Result<Option<Regex>> {
    if keywords.is_empty() {
        return Ok(None);
    }
    let alternatives: Vec<String> = keywords.iter().map(|k| regex::escape(&k.to_lowercase())).collect();
    Ok(Some(Regex::new(&format!(
        "(?i)(?:^|[^\\p{{L}}\\p{{N}}])(?:{})",
        alternatives.join("|")
    ))?))
}

/// One case-insensitive pattern for a rule's `not_after` words, each a
/// whole word (`id`, not the start of `idag`) unless it ends with `*`
/// (`bestell*` for `Bestellnummer`, `Bestellnr.`).
fn whole_word_regex(words: &[String]) -> anyhow::Result<Option<Regex>> {
    if words.is_empty() {
        return Ok(None);
    }
    let alternatives: Vec<String> = words
        .iter()
        .map(|w| {
            let w = w.to_lowercase();
            match w.strip_suffix('*') {
                Some(stem) => regex::escape(stem),
                None => format!("{}(?:[^\\p{{L}}]|$)", regex::escape(&w)),
            }
        })
        .collect();
    Ok(Some(Regex::new(&format!(
        "(?i)(?:^|[^\\p{{L}}\\p{{N}}])(?:{})",
        alternatives.join("|")
    ))?))
}

/// All rules plus the prefilters that find which rules can match at all.
///
/// Rules validated by a checksum, `phone`, `iban` or `ipv4` are numbers:
/// they are looked for only within runs of tokens that hold a digit (or are
/// short upper-case groups, as in `GB82 WEST 1234 …`), which keeps dense
/// multilingual text fast. E-mail and IPv6 rules look at the whole text
/// when it has an `@` or a colon between hex digits.
#[derive(Debug, Clone)]
pub struct RuleSet {
    pub rules: Vec<Rule>,
    /// Indices of the rules matched against the whole text.
    pub text_rules: Vec<usize>,
    /// Indices of the number rules, and their set (run on number runs).
    pub number_rules: Vec<usize>,
    pub number_prefilter: RegexSet,
}

impl Rule {
    /// Whether candidates of this rule are numbers (see [`RuleSet`]).
    pub fn is_number(&self) -> bool {
        matches!(
            self.validator,
            Validator::Checksum(_) | Validator::Phone | Validator::Iban | Validator::Ipv4
        )
    }
}

impl RuleSet {
    /// Loads rules from `path`, or the built-in rules; keeps only `types` when given.
    pub fn load(path: Option<&Path>, types: Option<&[String]>) -> anyhow::Result<Self> {
        let (src, origin) = match path {
            Some(p) => (
                std::fs::read_to_string(p).with_context(|| format!("pii: cannot read rules file {}", p.display()))?,
                p.display().to_string(),
            ),
            None => (BUILTIN_RULES.to_string(), "built-in pii/rules.yaml".to_string()),
        };
        let file: RuleFile = serde_saphyr::from_str(&src).map_err(|e| {
            let at = e
                .location()
                .map(|l| format!(":{}:{}", l.line(), l.column()))
                .unwrap_or_default();
            anyhow::anyhow!("pii rules {origin}{at}: {}", e.without_snippet())
        })?;
        let mut rules = Vec::new();
        for spec in file.rules {
            if let Some(types) = types {
                if !types.iter().any(|t| t.eq_ignore_ascii_case(&spec.kind)) {
                    continue;
                }
            }
            let validator = match spec.validate.as_str() {
                "email" => Validator::Email,
                "ipv4" => Validator::Ipv4,
                "ipv6" => Validator::Ipv6,
                "phone" => Validator::Phone,
                "iban" => Validator::Iban,
                other => match checksums::by_name(other) {
                    Some(f) => Validator::Checksum(f),
                    None => bail!(
                        "pii rules {origin}: rule `{}` names unknown validator `{other}` (valid: {}, {})",
                        spec.name,
                        SPECIAL_VALIDATORS.join(", "),
                        checksums::NAMES.join(", ")
                    ),
                },
            };
            let regex = Regex::new(&spec.pattern)
                .with_context(|| format!("pii rules {origin}: rule `{}` has an invalid pattern", spec.name))?;
            let keyword_regex = keyword_regex(&spec.keywords)
                .with_context(|| format!("pii rules {origin}: rule `{}` has invalid keywords", spec.name))?;
            let not_after_regex = whole_word_regex(&spec.not_after)
                .with_context(|| format!("pii rules {origin}: rule `{}` has invalid not_after words", spec.name))?;
            rules.push(Rule {
                name: spec.name,
                kind: spec.kind,
                regex,
                validator,
                context: spec.context,
                languages: spec.languages,
                keyword_regex,
                not_after_regex,
                keywords: spec.keywords.iter().map(|k| k.to_lowercase()).collect(),
            });
        }
        if let Some(types) = types {
            for t in types {
                if !rules.iter().any(|r| r.kind.eq_ignore_ascii_case(t)) {
                    bail!("pii: no rule of type `{t}` in {origin}");
                }
            }
        }
        let (number_rules, text_rules): (Vec<usize>, Vec<usize>) =
            (0..rules.len()).partition(|&i| rules[i].is_number());
        let set = |which: &[usize]| {
            RegexSetBuilder::new(which.iter().map(|&i| rules[i].regex.as_str()))
                .dfa_size_limit(16 << 20)
                .build()
        };
        let number_prefilter = set(&number_rules)?;
        Ok(RuleSet {
            rules,
            text_rules,
            number_rules,
            number_prefilter,
        })
    }
}
