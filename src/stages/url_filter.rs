//! `url_filter`: drops documents whose URL is on a block list (adult,
//! spam, opted-out or known-bad domains), from files a partner maintains.
//!
//! Block-list file format, one entry per line (`#` starts a comment):
//! a domain (`example.com` blocks it and every subdomain) or `re:<regex>`
//! matched against the whole URL. Plain domain lists such as UT1's work as is.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use regex::RegexSet;
use serde::Deserialize;

use super::{BuiltOnce, Stage, StageConfig, TaskContext, ValidateContext, Verdict};
use crate::document::Document;
use crate::stages::contract::Describe;
use crate::stats::Counters;

/// Domain and pattern block lists (UT1-style files).
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UrlFilterConfig {
    /// Block-list files.
    #[serde(default)]
    pub blocklists: Vec<PathBuf>,
    /// Domains given inline.
    #[serde(default)]
    pub domains: Vec<String>,
    /// Regexes over the whole URL, given inline.
    #[serde(default)]
    pub patterns: Vec<String>,
    /// Drop documents that have no URL at all.
    #[serde(default)]
    pub drop_missing_url: bool,
    /// The block list, read and compiled once for validation and every task.
    #[serde(skip)]
    compiled: BuiltOnce<Compiled>,
}

impl Describe for UrlFilterConfig {
    const KIND: &'static str = "url_filter";
    /// A filter without a threshold table: block lists and patterns decide; there is no threshold to change afterwards.
    const FILTER: Option<&'static crate::stages::annotate::FilterDecl> = Some(&crate::stages::annotate::FilterDecl {
        thresholds: &[],
        other_measures: &[],
        zero_is_off: false,
    });
}

/// The compiled block list, shared by all tasks.
#[derive(Debug)]
struct Compiled {
    domains: HashSet<String>,
    patterns: RegexSet,
    pattern_src: Vec<String>,
}

impl UrlFilterConfig {
    fn compiled(&self) -> anyhow::Result<Arc<Compiled>> {
        self.compiled.get_or_build(|| self.compile())
    }

    fn compile(&self) -> anyhow::Result<Compiled> {
        let mut domains: HashSet<String> = self.domains.iter().map(|d| normalize_domain(d)).collect();
        let mut patterns: Vec<(String, String)> = self
            .patterns
            .iter()
            .map(|p| (p.clone(), format!("url_filter.patterns `{p}`")))
            .collect();
        for file in &self.blocklists {
            let text = std::fs::read_to_string(file)
                .with_context(|| format!("url_filter: cannot read block list {}", file.display()))?;
            for (n, line) in text.lines().enumerate() {
                let entry = line.split('#').next().unwrap_or("").trim();
                if entry.is_empty() {
                    continue;
                }
                match entry.strip_prefix("re:") {
                    Some(re) => patterns.push((re.trim().to_string(), format!("{}:{}", file.display(), n + 1))),
                    None => {
                        domains.insert(normalize_domain(entry));
                    }
                }
            }
        }
        for (re, at) in &patterns {
            regex::Regex::new(re).with_context(|| format!("url_filter: invalid regex `{re}` at {at}"))?;
        }
        let pattern_src: Vec<String> = patterns.into_iter().map(|(re, _)| re).collect();
        Ok(Compiled {
            domains,
            patterns: RegexSet::new(&pattern_src)?,
            pattern_src,
        })
    }
}

/// A block-list entry (`example.com`, `*.example.com`, a URL) as a host in
/// the one comparison form of `text::url`.
fn normalize_domain(d: &str) -> String {
    let d = d.trim().trim_start_matches("*.");
    crate::text::url::host(d).unwrap_or_default()
}

/// The entry of `domains` that covers `host`: `example.com` covers
/// example.com, www.example.com and a.b.example.com.
pub fn listed_domain(domains: &HashSet<String>, host: &str) -> Option<String> {
    let mut suffix = host;
    loop {
        if domains.contains(suffix) {
            return Some(suffix.to_string());
        }
        match suffix.split_once('.') {
            Some((_, rest)) if !rest.is_empty() => suffix = rest,
            _ => return None,
        }
    }
}

/// Reads a domain list: one domain per line, `#` starts a comment.
pub fn read_domain_list(path: &std::path::Path) -> anyhow::Result<HashSet<String>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read domain list {}", path.display()))?;
    Ok(text
        .lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter(|l| !l.is_empty())
        .map(normalize_domain)
        .collect())
}

impl StageConfig for UrlFilterConfig {
    fn reads(&self) -> anyhow::Result<Vec<crate::stages::FileDigest>> {
        self.blocklists.iter().map(|p| crate::stages::file_digest(p)).collect()
    }

    fn validate(&self, _ctx: &ValidateContext) -> anyhow::Result<()> {
        self.compiled().map(|_| ())
    }

    fn build(&self, _ctx: &TaskContext) -> anyhow::Result<Box<dyn Stage>> {
        Ok(Box::new(UrlFilter {
            list: self.compiled()?,
            drop_missing_url: self.drop_missing_url,
        }))
    }
}

struct UrlFilter {
    list: Arc<Compiled>,
    drop_missing_url: bool,
}

impl Stage for UrlFilter {
    fn process(&mut self, doc: &mut Document, _counters: &mut Counters) -> anyhow::Result<Verdict> {
        let Some(url) = doc.url.as_deref() else {
            return Ok(if self.drop_missing_url {
                Verdict::drop("missing_url")
            } else {
                Verdict::Keep
            });
        };
        if let Some(listed) = crate::text::url::host(url).and_then(|h| listed_domain(&self.list.domains, &h)) {
            return Ok(Verdict::drop_with("blocked_domain", listed));
        }
        if let Some(i) = self.list.patterns.matches(url).iter().next() {
            return Ok(Verdict::drop_with("blocked_pattern", self.list.pattern_src[i].clone()));
        }
        Ok(Verdict::Keep)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts() {
        assert_eq!(
            crate::text::url::host("https://User@WWW.Example.com:8080/a?b").as_deref(),
            Some("www.example.com")
        );
        assert_eq!(crate::text::url::host("http://[::1]:80/").as_deref(), Some("::1"));
        assert_eq!(crate::text::url::host("http://example.com./x").as_deref(), Some("example.com"));
    }

    #[test]
    fn blocks_domains_subdomains_and_patterns_from_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let list = dir.path().join("block.txt");
        std::fs::write(&list, "# spam\nspam.example\nre:/casino/\n").unwrap();
        let cfg = UrlFilterConfig {
            blocklists: vec![list],
            domains: vec!["Bad.EU".into()],
            patterns: vec![],
            drop_missing_url: false,
            compiled: BuiltOnce::default(),
        };
        let ctx = TaskContext {
            work_dir: dir.path().into(),
            phase: 0,
            task: 0,
            tasks: 1,
        };
        let mut f = cfg.build(&ctx).unwrap();
        let mut c = Counters::default();
        let mut check = |url: Option<&str>| {
            let mut d = Document::new("d", "t");
            d.url = url.map(str::to_string);
            match f.process(&mut d, &mut c).unwrap() {
                Verdict::Keep => "keep".to_string(),
                Verdict::Drop(r) => r.reason.into_owned(),
            }
        };
        assert_eq!(check(Some("https://www.spam.example/x")), "blocked_domain");
        assert_eq!(check(Some("https://news.bad.eu/")), "blocked_domain");
        assert_eq!(check(Some("https://notspam.example/")), "keep");
        assert_eq!(check(Some("https://ok.eu/casino/win")), "blocked_pattern");
        assert_eq!(check(None), "keep");
    }

    #[test]
    fn bad_regex_names_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let list = dir.path().join("block.txt");
        std::fs::write(&list, "ok.example\nre:([unclosed\n").unwrap();
        let cfg = UrlFilterConfig {
            blocklists: vec![list],
            domains: vec![],
            patterns: vec![],
            drop_missing_url: false,
            compiled: BuiltOnce::default(),
        };
        let err = cfg
            .validate(&ValidateContext {
                pipeline_file: std::path::Path::new("p.yaml"),
            })
            .unwrap_err();
        assert!(format!("{err:#}").contains("block.txt:2"), "{err:#}");
    }
}
