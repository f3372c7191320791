//! `url_dedup` (barrier): one document per normalised URL. Crawls fetch the
//! same page many times (http and https, tracking fragments, `:443`); the
//! copies are rarely byte-identical, so text hashing misses them. The phases
//! are those of [`super::keyed`]; documents without a URL are kept and counted.

use anyhow::bail;
use serde::Deserialize;
use xxhash_rust::xxh3::Xxh3;

use super::keyed::DedupKey;
use crate::document::Document;
use crate::stages::contract::{Describe, Role};
use crate::stages::{Barrier, Stage, StageConfig, TaskContext, ValidateContext};

/// Which copy of a URL survives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum KeepUrl {
    First,
    Longest,
}

/// One document per normalised URL (scheme, host case, default port, fragment, trailing slash ignored).
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UrlDedupConfig {
    /// Also ignore the query string (`?utm_source=...`).
    #[serde(default)]
    pub ignore_query: bool,
    /// Which copy survives.
    #[serde(default = "first")]
    pub keep: KeepUrl,
    /// Hash buckets = tasks of the reduce phase (default: upstream tasks).
    #[serde(default)]
    pub buckets: Option<usize>,
}

fn first() -> KeepUrl {
    KeepUrl::First
}

impl Describe for UrlDedupConfig {
    const KIND: &'static str = "url_dedup";
    const ROLE: Role = Role::Barrier;
}

impl StageConfig for UrlDedupConfig {
    fn validate(&self, _ctx: &ValidateContext) -> anyhow::Result<()> {
        if self.buckets == Some(0) {
            bail!("url_dedup: `buckets: 0`; use at least one bucket");
        }
        Ok(())
    }

    fn build(&self, _ctx: &TaskContext) -> anyhow::Result<Box<dyn Stage>> {
        bail!("url_dedup is a barrier and runs as collect/reduce/filter phases")
    }

    fn as_barrier(&self) -> Option<&dyn Barrier> {
        Some(self)
    }
}

impl DedupKey for UrlDedupConfig {
    fn key(&self, doc: &Document) -> Option<u128> {
        let url = doc.url.as_deref()?.trim();
        if url.is_empty() {
            return None;
        }
        let mut h = Xxh3::new();
        h.update(crate::text::url::comparison_form(url, self.ignore_query).as_bytes());
        Some(h.digest128())
    }

    fn priority(&self, doc: &Document) -> u64 {
        match self.keep {
            KeepUrl::First => 0,
            KeepUrl::Longest => doc.text.len() as u64,
        }
    }

    fn buckets(&self, upstream_tasks: usize) -> usize {
        self.buckets.unwrap_or(upstream_tasks).max(1)
    }

    fn reason(&self) -> &'static str {
        "duplicate_url"
    }

    fn unkeyed_counter(&self) -> &'static str {
        "no_url"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stages::dedup::keyed::run_in_memory;
    use crate::stages::Verdict;

    #[test]
    fn url_normalisation() {
        let n = |u| crate::text::url::comparison_form(u, false);
        assert_eq!(n("https://WWW.Example.eu:443/a/b/#top"), "www.example.eu/a/b");
        assert_eq!(n("http://www.example.eu/a/b"), "www.example.eu/a/b");
        assert_eq!(n("http://example.eu/?q=1"), "example.eu?q=1");
        assert_ne!(n("http://example.eu/a?q=1"), n("http://example.eu/a?q=2"));
        assert_eq!(
            crate::text::url::comparison_form("http://example.eu/a?q=1", true),
            "example.eu/a"
        );
        assert_eq!(n("https://example.eu:8443/a"), "example.eu:8443/a");
        assert_ne!(n("https://example.eu/A"), n("https://example.eu/a"));
    }

    #[test]
    fn keeps_one_document_per_url() {
        let doc = |id: &str, url: Option<&str>, text: &str| {
            let mut d = Document::new(id, text);
            d.url = url.map(str::to_string);
            d
        };
        let docs = vec![
            vec![doc("a", Some("http://x.eu/p"), "short"), doc("n", None, "no url")],
            vec![
                doc("b", Some("https://x.eu/p/"), "much longer text"),
                doc("c", Some("https://x.eu/q"), "q"),
            ],
        ];
        let mut cfg = UrlDedupConfig {
            ignore_query: false,
            keep: KeepUrl::First,
            buckets: Some(2),
        };
        let show = |cfg: &UrlDedupConfig| -> Vec<String> {
            run_in_memory(cfg, &docs)
                .into_iter()
                .map(|(v, _)| match v {
                    Verdict::Keep => "keep".into(),
                    Verdict::Drop(r) => format!("{}: {}", r.reason, r.detail.unwrap()),
                })
                .collect()
        };
        assert_eq!(show(&cfg), ["keep", "keep", "duplicate_url: duplicate of a", "keep"]);
        cfg.keep = KeepUrl::Longest;
        assert_eq!(show(&cfg), ["duplicate_url: duplicate of b", "keep", "keep", "keep"]);
    }
}
