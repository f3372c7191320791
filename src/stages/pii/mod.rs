//! `pii`: finds and scrubs personal data with European coverage: e-mail,
//! IPv4/IPv6, phone numbers of every EU country (libphonenumber metadata),
//! IBANs (mod 97), payment cards (Luhn + issuer ranges) and national
//! identifiers of 17 schemes, each confirmed by its checksum.
//!
//! Patterns are data (`pii/rules.yaml`, extensible by partners); checksums
//! are code ([`checksums`]). A candidate that fails its checksum is left
//! alone, which is what keeps order numbers, dates and prices untouched.
//! National phone numbers and IDs are read against the countries the
//! document points to ([`region`]: `lang`, the page's `html_lang`, the URL's
//! country domain), or after a keyword. A number written as one bare run of
//! digits is weaker evidence than one grouped as people write numbers: it
//! is read only as a fixed-line or mobile number of those countries, and not
//! right after a word that labels it as something else (`not_after` in the
//! rules: order, invoice, ISBN, ID ...). A candidate that is only part of a
//! longer token is never reported, so a replacement never leaves a piece.

pub mod checksums;
pub mod detect;
pub mod phone;
pub mod region;
pub mod rules;
pub mod scan;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use serde::Deserialize;
use serde_json::{json, Value};

use super::{BuiltOnce, Stage, StageConfig, TaskContext, ValidateContext, Verdict};
use crate::document::Document;
use crate::stages::contract::Describe;
use crate::stats::Counters;
use detect::{DetectOptions, Finding};
pub use region::Signals;
use rules::RuleSet;

/// What to do with findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PiiAction {
    /// Replace each finding by a typed placeholder such as `<EMAIL>`.
    Replace,
    /// Replace letters and digits of each finding by `*`, keeping its shape.
    Mask,
    /// Leave the text; list findings in `metadata.pii`.
    Tag,
    /// Drop documents with more than `max_findings` findings; tag the rest.
    DropDocument,
}

/// E-mails, IPv4/IPv6, phones of every EU country (libphonenumber's metadata; national numbers read
/// against the countries the document points to: `lang`, the page's `html_lang`, the URL's country
/// domain, a keyword), IBANs (mod 97), cards (Luhn + issuer), 17 national IDs with their checksums (ES,
/// IT, PL, BE, EE/LT, FR, DE, HR, NL, PT, SE, FI, DK, RO, BG, CZ/SK, SI); only whole tokens, never a
/// piece; replace, mask, tag or drop. Rules are data in `pii/rules.yaml`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PiiConfig {
    /// What happens to findings.
    #[serde(default = "replace")]
    pub action: PiiAction,
    /// Only these finding types (EMAIL, IP, PHONE, IBAN, CARD, NATIONAL_ID).
    #[serde(default)]
    pub types: Option<Vec<String>>,
    /// A rules file replacing the built-in `pii/rules.yaml`.
    #[serde(default)]
    pub rules: Option<PathBuf>,
    /// Placeholder per type for `replace` (default `<TYPE>`).
    #[serde(default)]
    pub placeholders: BTreeMap<String, String>,
    /// Keep private/loopback/documentation addresses.
    #[serde(default = "yes")]
    pub spare_private_ips: bool,
    /// For `drop_document`: the most findings a kept document may have.
    #[serde(default)]
    pub max_findings: usize,
    /// The rules, compiled once and shared by validation and every task.
    #[serde(skip)]
    compiled: BuiltOnce<RuleSet>,
}

fn replace() -> PiiAction {
    PiiAction::Replace
}

fn yes() -> bool {
    true
}

impl Describe for PiiConfig {
    const KIND: &'static str = "pii";
}

impl PiiConfig {
    fn rule_set(&self) -> anyhow::Result<Arc<RuleSet>> {
        self.compiled
            .get_or_build(|| RuleSet::load(self.rules.as_deref(), self.types.as_deref()))
    }
}

impl StageConfig for PiiConfig {
    fn reads(&self) -> anyhow::Result<Vec<crate::stages::FileDigest>> {
        Ok(vec![match &self.rules {
            Some(p) => crate::stages::file_digest(p)?,
            None => crate::stages::text_digest("built-in pii/rules.yaml", rules::BUILTIN_RULES),
        }])
    }

    fn metadata(&self) -> Vec<crate::meta_schema::MetaField> {
        use crate::meta_schema::{list_of, MetaField, MetaType};
        let fields = [
            ("type", MetaType::Str),
            ("rule", MetaType::Str),
            ("start", MetaType::Int),
            ("end", MetaType::Int),
        ];
        vec![MetaField::new(
            "pii",
            list_of(&fields),
            "personal data found, with `action: tag`: type, rule and byte span (pii)",
        )]
    }

    fn validate(&self, _ctx: &ValidateContext) -> anyhow::Result<()> {
        self.rule_set().map(|_| ())
    }

    fn build(&self, _ctx: &TaskContext) -> anyhow::Result<Box<dyn Stage>> {
        Ok(Box::new(PiiStage {
            cfg: self.clone(),
            rules: self.rule_set()?,
        }))
    }
}

/// The per-task instance.
pub struct PiiStage {
    cfg: PiiConfig,
    rules: Arc<RuleSet>,
}

impl PiiStage {
    /// A stage instance straight from its config (for tools and benchmarks).
    pub fn from_config(cfg: &PiiConfig) -> anyhow::Result<Self> {
        Ok(PiiStage {
            cfg: cfg.clone(),
            rules: cfg.rule_set()?,
        })
    }

    /// The finding type of a finding.
    pub fn kind_of(&self, f: &Finding) -> &str {
        &self.rules.rules[f.rule].kind
    }

    /// The rule name of a finding.
    pub fn rule_of(&self, f: &Finding) -> &str {
        &self.rules.rules[f.rule].name
    }

    /// Findings in a text of language `lang` (for tools and tests).
    pub fn find(&self, text: &str, lang: Option<&str>) -> Vec<Finding> {
        self.find_with(
            text,
            &Signals {
                lang,
                ..Signals::default()
            },
        )
    }

    /// Findings in a text with what is known of its origin (language, the
    /// page's declared language, URL): national numbers are read as numbers
    /// of the countries these point to.
    pub fn find_with(&self, text: &str, signals: &Signals) -> Vec<Finding> {
        detect::find(
            &self.rules,
            text,
            signals,
            DetectOptions {
                spare_private_ips: self.cfg.spare_private_ips,
            },
        )
    }

    fn placeholder(&self, kind: &str) -> String {
        self.cfg
            .placeholders
            .get(kind)
            .cloned()
            .unwrap_or_else(|| format!("<{kind}>"))
    }
}

impl Stage for PiiStage {
    fn process(&mut self, doc: &mut Document, counters: &mut Counters) -> anyhow::Result<Verdict> {
        let signals = Signals {
            lang: doc.lang.as_deref(),
            html_lang: doc.meta.get("html_lang").and_then(Value::as_str),
            url: doc.url.as_deref(),
        };
        let findings = self.find_with(&doc.text, &signals);
        if findings.is_empty() {
            return Ok(Verdict::Keep);
        }
        let lang = doc.lang_or_und().to_string();
        counters.add("documents_with_pii", 1);
        for f in &findings {
            let kind = &self.rules.rules[f.rule].kind;
            counters.add(kind, 1);
            counters.add(&format!("{kind}:{lang}"), 1);
        }
        let tag = |doc: &mut Document, rules: &RuleSet| {
            let list: Vec<Value> = findings
                .iter()
                .map(|f| json!({"type": rules.rules[f.rule].kind, "rule": rules.rules[f.rule].name, "start": f.start, "end": f.end}))
                .collect();
            doc.meta.insert("pii".into(), Value::Array(list));
        };
        match self.cfg.action {
            PiiAction::Tag => tag(doc, &self.rules),
            PiiAction::DropDocument => {
                if findings.len() > self.cfg.max_findings {
                    let mut by_type: BTreeMap<&str, usize> = BTreeMap::new();
                    for f in &findings {
                        *by_type.entry(self.rules.rules[f.rule].kind.as_str()).or_default() += 1;
                    }
                    let detail = by_type
                        .iter()
                        .map(|(k, v)| format!("{k}={v}"))
                        .collect::<Vec<_>>()
                        .join(" ");
                    return Ok(Verdict::drop_with("pii", detail));
                }
                tag(doc, &self.rules);
            }
            PiiAction::Replace | PiiAction::Mask => {
                let mut out = String::with_capacity(doc.text.len());
                let mut last = 0;
                for f in &findings {
                    out.push_str(&doc.text[last..f.start]);
                    let span = &doc.text[f.start..f.end];
                    if self.cfg.action == PiiAction::Replace {
                        out.push_str(&self.placeholder(&self.rules.rules[f.rule].kind));
                    } else {
                        out.extend(span.chars().map(|c| if c.is_alphanumeric() { '*' } else { c }));
                    }
                    last = f.end;
                }
                out.push_str(&doc.text[last..]);
                doc.text = out;
            }
        }
        Ok(Verdict::Keep)
    }
}

#[cfg(test)]
mod tests;
