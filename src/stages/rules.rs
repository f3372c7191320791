//! `rules`: the partners' content rules of each document's language (and of
//! `langs/defaults.yaml`) — word lists, line patterns, document patterns,
//! URL/domain lists — in one pass over the text. Drops use one reason,
//! `rule`, with the rule id first in the detail; every firing rule is
//! counted per rule id and language (`fired:<id>:<lang>`, `dropped:…`,
//! `tagged:…`, `lines_removed:…`, `chars_removed:…`).

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use serde::Deserialize;
use serde_json::{json, Value};

use super::{BuiltOnce, Stage, StageConfig, TaskContext, ValidateContext, Verdict};
use crate::document::Document;
use crate::langs::rules::patterns::PatternScratch;
use crate::langs::rules::{count_words, fold_into, lower_into, whole_word, Action, Compiled};
use crate::langs::Langs;
use crate::meta_schema::{list_of, MetaField, MetaType};
use crate::stages::contract::Describe;
use crate::stats::Counters;

/// The language partners' own content rules from `langs/` (word lists with count/share thresholds, line
/// phrases and patterns, document patterns, URL lists): drop, tag or remove lines in one pass; reason
/// `rule` with the rule id, counted per rule and language.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RulesConfig {
    /// Folder of per-language settings (`rules:` in `<iso>.yaml` and `defaults.yaml`).
    #[serde(default = "langs_dir")]
    pub langs_dir: PathBuf,
    #[serde(skip)]
    built: BuiltOnce<ByLang>,
}

fn langs_dir() -> PathBuf {
    PathBuf::from(crate::langs::DEFAULT_DIR)
}

/// Compiled rules per language; `fallback` holds the defaults alone.
#[derive(Debug)]
pub struct ByLang {
    by_lang: HashMap<String, Arc<Compiled>>,
    fallback: Arc<Compiled>,
}

impl ByLang {
    /// Compiles the rules of every language found in `langs`.
    pub fn build(langs: &Langs) -> anyhow::Result<Self> {
        let defaults = langs.defaults.rules.as_ref();
        let fallback = Arc::new(Compiled::build(None, defaults).map_err(|e| anyhow::anyhow!("defaults.yaml: {e:#}"))?);
        let mut by_lang = HashMap::new();
        for (iso, f) in &langs.by_iso {
            let c = Compiled::build(f.rules.as_ref(), defaults).map_err(|e| anyhow::anyhow!("{iso}.yaml: {e:#}"))?;
            by_lang.insert(iso.clone(), Arc::new(c));
        }
        Ok(ByLang { by_lang, fallback })
    }

    /// The rules for a document language.
    pub fn get(&self, lang: Option<&str>) -> &Arc<Compiled> {
        lang.and_then(|l| self.by_lang.get(l)).unwrap_or(&self.fallback)
    }
}

impl RulesConfig {
    fn by_lang(&self) -> anyhow::Result<Arc<ByLang>> {
        self.built
            .get_or_build(|| ByLang::build(&Langs::resolve(&self.langs_dir)?))
    }
}

impl Describe for RulesConfig {
    const KIND: &'static str = "rules";
    /// A filter without a threshold table: rules decide; there is no threshold to change afterwards.
    const FILTER: Option<&'static crate::stages::annotate::FilterDecl> = Some(&crate::stages::annotate::FilterDecl {
        thresholds: &[],
        other_measures: &[],
        zero_is_off: false,
    });
    const LANGS_KEYS: &'static [&'static str] = &["rules"];
}

impl StageConfig for RulesConfig {
    fn validate(&self, _ctx: &ValidateContext) -> anyhow::Result<()> {
        self.by_lang().map(|_| ())
    }

    fn build(&self, _ctx: &TaskContext) -> anyhow::Result<Box<dyn Stage>> {
        Ok(Box::new(RulesStage {
            rules: self.by_lang()?,
            scratch: Scratch::default(),
        }))
    }

    fn metadata(&self) -> Vec<MetaField> {
        vec![MetaField::new(
            "rule_tags",
            list_of(&[("id", MetaType::Str), ("count", MetaType::Int)]),
            "rules with `action: tag` that fired, with their match counts (rules)",
        )]
    }

    fn reads(&self) -> anyhow::Result<Vec<super::FileDigest>> {
        Langs::digests(&self.langs_dir)
    }
}

struct RulesStage {
    rules: Arc<ByLang>,
    scratch: Scratch,
}

/// Where a rule fired.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub rule: String,
    /// 1-based line number.
    pub line: usize,
    /// The matched text (a word, a phrase, a line, a domain).
    pub matched: String,
}

/// What the rules decide for one document.
#[derive(Debug, Default)]
pub struct Outcome {
    /// The first rule that drops the document, with its detail.
    pub drop: Option<(String, String)>,
    /// Rules with `action: tag` that fired, with counts.
    pub tags: Vec<(String, u64)>,
    /// The text without removed lines, when a line rule fired.
    pub text: Option<String>,
    /// Every rule that fired: id → (matches, lines removed, characters removed).
    pub fired: Vec<(String, u64, u64, u64)>,
    /// Where each rule fired (only when asked for).
    pub hits: Vec<Hit>,
}

/// Line numbers of increasing byte offsets, counted once through the text.
struct LineCounter<'a> {
    text: &'a [u8],
    at: usize,
    line: usize,
}

impl<'a> LineCounter<'a> {
    fn new(text: &'a str) -> Self {
        LineCounter {
            text: text.as_bytes(),
            at: 0,
            line: 1,
        }
    }

    /// The 1-based line of `byte` (not before the last one asked).
    fn line_of(&mut self, byte: usize) -> usize {
        let byte = byte.max(self.at);
        self.line += memchr::memchr_iter(b'\n', &self.text[self.at..byte]).count();
        self.at = byte;
        self.line
    }
}

/// Buffers reused from one document to the next, so that a document
/// without hits allocates nothing.
#[derive(Debug, Default)]
pub struct Scratch {
    lower: String,
    folded: String,
    counts: Vec<u64>,
    patterns: PatternScratch,
    /// Bytes the engines have scanned or searched so far: the work done,
    /// counted (the tests check it grows linearly with the text).
    pub ops: u64,
}

/// Applies compiled rules to a text (and URL); `explain` also records where.
pub fn apply(c: &Compiled, text: &str, url: Option<&str>, explain: bool) -> Outcome {
    apply_with(c, text, url, explain, &mut Scratch::default())
}

/// [`apply`] with buffers kept between documents.
pub fn apply_with(c: &Compiled, text: &str, url: Option<&str>, explain: bool, s: &mut Scratch) -> Outcome {
    let mut out = Outcome::default();
    let mut fired: HashMap<String, (u64, u64, u64)> = HashMap::new();
    let fire = |out: &mut Outcome,
                fired: &mut HashMap<String, (u64, u64, u64)>,
                id: &str,
                action: Action,
                n: u64,
                detail: String| {
        fired.entry(id.to_string()).or_default().0 += n;
        match action {
            Action::Drop if out.drop.is_none() => out.drop = Some((id.to_string(), detail)),
            Action::Drop => {}
            Action::Tag => out.tags.push((id.to_string(), n)),
        }
    };
    let Scratch {
        lower,
        folded,
        counts,
        patterns,
        ops,
    } = s;
    // URL lists: the host and each parent domain.
    if let Some(h) = url.and_then(crate::text::url::host).filter(|_| !c.domains.is_empty()) {
        let mut d = h.as_str();
        loop {
            if let Some(&i) = c.domains.get(d) {
                let r = &c.urls[i];
                if explain {
                    out.hits.push(Hit {
                        rule: r.id.clone(),
                        line: 0,
                        matched: h.clone(),
                    });
                }
                fire(
                    &mut out,
                    &mut fired,
                    &r.id,
                    r.action,
                    1,
                    format!("{}: domain {d}", r.id),
                );
                break;
            }
            match d.split_once('.') {
                Some((_, parent)) if parent.contains('.') => d = parent,
                _ => break,
            }
        }
    }
    // The lowercase text, made once for the case-folding word lists, the
    // line phrases and the regexes' literal prefilter.
    if c.needs_lower() {
        lower_into(text, lower);
        *ops += text.len() as u64;
    } else {
        lower.clear();
    }
    let lower = lower.as_str();
    // Document patterns.
    if let Some(set) = &c.doc_patterns {
        for i in set.document_matches(text, lower, patterns, ops) {
            let r = &c.documents[i];
            if explain {
                if let Some((at, end)) = set.find(i, text) {
                    out.hits.push(Hit {
                        rule: r.id.clone(),
                        line: LineCounter::new(text).line_of(at),
                        matched: text[at..end].to_string(),
                    });
                }
            }
            fire(
                &mut out,
                &mut fired,
                &r.id,
                r.action,
                1,
                format!("{}: pattern `{}`", r.id, r.pattern),
            );
        }
    }
    // Word lists: one automaton per mode over the normalised text.
    if !c.matchers.is_empty() {
        counts.clear();
        counts.resize(c.words.len(), 0);
        let mut words_total = 0usize;
        let mut counted_lower = false;
        for m in &c.matchers {
            let norm: &str = if m.fold {
                fold_into(text, folded);
                *ops += text.len() as u64;
                folded
            } else {
                lower
            };
            // Folding only drops characters, never whitespace: the lowercase
            // text has at least as many words.
            if !counted_lower {
                words_total = words_total.max(count_words(norm));
                counted_lower = !m.fold;
            }
            *ops += norm.len() as u64;
            let mut lines = LineCounter::new(norm);
            m.ac.for_each(norm, |p, start, end| {
                if !whole_word(norm, start, end) {
                    return;
                }
                for &l in &m.lists[p] {
                    counts[l] += 1;
                    if explain {
                        out.hits.push(Hit {
                            rule: c.words[l].id.clone(),
                            line: lines.line_of(start),
                            matched: norm[start..end].to_string(),
                        });
                    }
                }
            });
        }
        for (l, &n) in counts.iter().enumerate() {
            let w = &c.words[l];
            let share = n as f64 / words_total.max(1) as f64;
            if n > 0 && n as usize >= w.min_count && share >= w.min_share {
                let detail = format!(
                    "{}: {n} listed words ({:.1}% of {words_total}) ≥ min_count {} and min_share {}",
                    w.id,
                    100.0 * share,
                    w.min_count,
                    w.min_share
                );
                fire(&mut out, &mut fired, &w.id, w.action, n, detail);
            } else if n > 0 {
                fired.entry(w.id.clone()).or_default().0 += n;
            }
        }
    }
    // Line rules: a line with a phrase, or else matching a pattern, is
    // removed. One search over the whole text first: most documents hold
    // none, and then no line is looked at one by one.
    let phrase_hit = c.phrases.as_ref().is_some_and(|(ac, _)| {
        *ops += lower.len() as u64;
        ac.is_match(lower)
    });
    // Lines the patterns match (ascending), with the line rule.
    let mut by_pattern: Vec<(usize, usize)> = Vec::new();
    if let Some((set, rules)) = &c.line_patterns {
        set.lines(text, lower, patterns, ops, |no, r| by_pattern.push((no, rules[r])));
    }
    if phrase_hit || !by_pattern.is_empty() {
        let mut kept = String::with_capacity(text.len());
        let (mut removed_any, mut kept_any) = (false, false);
        let mut next_pattern = by_pattern.iter().peekable();
        // The lowercase text's lines are the text's lines lowercased.
        for ((no, line), lower_line) in text.split('\n').enumerate().zip(lower.split('\n')) {
            let mut rule = None;
            if phrase_hit {
                if let Some((ac, rules)) = &c.phrases {
                    *ops += lower_line.len() as u64;
                    if let Some(m) = ac.find(lower_line) {
                        rule = Some(rules[m.pattern().as_usize()]);
                    }
                }
            }
            if let Some(&(_, r)) = next_pattern.next_if(|(n, _)| *n == no) {
                rule = rule.or(Some(r));
            }
            match rule {
                Some(i) => {
                    removed_any = true;
                    let id = &c.lines[i].id;
                    let e = fired.entry(id.clone()).or_default();
                    e.0 += 1;
                    e.1 += 1;
                    e.2 += line.chars().count() as u64 + 1;
                    if explain {
                        out.hits.push(Hit {
                            rule: id.clone(),
                            line: no + 1,
                            matched: line.chars().take(120).collect(),
                        });
                    }
                }
                None => {
                    if kept_any {
                        kept.push('\n');
                    }
                    kept_any = true;
                    kept.push_str(line);
                }
            }
        }
        if removed_any {
            out.text = Some(kept);
        }
    }
    let mut f: Vec<(String, u64, u64, u64)> = fired.into_iter().map(|(k, (a, b, c))| (k, a, b, c)).collect();
    f.sort();
    out.fired = f;
    out
}

impl Stage for RulesStage {
    fn process(&mut self, doc: &mut Document, counters: &mut Counters) -> anyhow::Result<Verdict> {
        let c = self.rules.get(doc.lang.as_deref());
        if c.is_empty() {
            return Ok(Verdict::Keep);
        }
        let out = apply_with(c, &doc.text, doc.url.as_deref(), false, &mut self.scratch);
        let lang = doc.lang_or_und().to_string();
        for (id, n, lines, chars) in &out.fired {
            counters.add(&format!("fired:{id}:{lang}"), *n);
            if *lines > 0 {
                counters.add(&format!("lines_removed:{id}:{lang}"), *lines);
                counters.add(&format!("chars_removed:{id}:{lang}"), *chars);
            }
        }
        if let Some((id, detail)) = out.drop {
            counters.add(&format!("dropped:{id}:{lang}"), 1);
            return Ok(Verdict::drop_with("rule", detail));
        }
        if !out.tags.is_empty() {
            for (id, _) in &out.tags {
                counters.add(&format!("tagged:{id}:{lang}"), 1);
            }
            let list: Vec<Value> = out.tags.iter().map(|(id, n)| json!({"id": id, "count": n})).collect();
            doc.meta.insert("rule_tags".into(), Value::Array(list));
        }
        if let Some(text) = out.text {
            if text.trim().is_empty() {
                let ids: Vec<&str> = out.fired.iter().filter(|f| f.2 > 0).map(|f| f.0.as_str()).collect();
                let first = ids.first().copied().unwrap_or("rules");
                counters.add(&format!("dropped:{first}:{lang}"), 1);
                return Ok(Verdict::drop_with(
                    "rule",
                    format!("{first}: every line removed (by {})", ids.join(", ")),
                ));
            }
            doc.text = text;
        }
        Ok(Verdict::Keep)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::langs::rules::Rules;

    fn compiled(yaml: &str) -> Compiled {
        let r: Rules = serde_saphyr::from_str(yaml).unwrap();
        Compiled::build(Some(&r), None).unwrap()
    }

    #[test]
    fn words_lines_patterns_and_domains_in_one_pass() {
        let c = compiled(
            "words:\n  - {id: mt-adult, reason: r, source: s, words: [\"ħażin\", \"kliem ħażin\"], min_count: 2, ignore_diacritics: true}\n\
             lines:\n  - {id: mt-cookies, reason: r, source: s, phrases: [\"dan is-sit juża l-cookies\"], patterns: [\"^aqsam fuq\"]}\n\
             documents:\n  - {id: spam, reason: r, source: s, pattern: \"kazino online\", action: tag}\n\
             urls:\n  - {id: bad-sites, reason: r, source: s, domains: [example.mt]}\n",
        );
        let text =
            "Il-bnedmin kollha.\nDan is-sit juża l-cookies biex jaħdem.\nAqsam fuq Facebook\nIl-kazino online hawn.";
        let o = apply(&c, text, Some("https://news.example.mt/a"), true);
        assert_eq!(o.drop.as_ref().unwrap().0, "bad-sites");
        assert_eq!(o.tags, vec![("spam".to_string(), 1)]);
        assert_eq!(o.text.as_deref(), Some("Il-bnedmin kollha.\nIl-kazino online hawn."));
        assert!(o.hits.iter().any(|h| h.rule == "mt-cookies" && h.line == 2));
        // Folded, whole words only, counted per list.
        let o = apply(&c, "Hazin hawn u HAŻIN hemm, imma ħażinissimu le.", None, false);
        assert_eq!(o.drop.unwrap().0, "mt-adult");
        let o = apply(&c, "Ħażin darba biss.", None, false);
        assert!(o.drop.is_none(), "below min_count");
        assert_eq!(o.fired, vec![("mt-adult".to_string(), 1, 0, 0)]);
    }

    #[test]
    fn hosts_are_read_from_urls() {
        assert_eq!(
            crate::text::url::host("https://User@Sub.Example.MT:8080/x?y").as_deref(),
            Some("sub.example.mt")
        );
        assert_eq!(crate::text::url::host("example.mt/path").as_deref(), Some("example.mt"));
    }
}
