//! `html_extract`: turns a crawled HTML page into its main text (see
//! [`crate::html`]), keeps the page's title, date, author and canonical URL
//! in metadata, and honours text-and-data-mining reservations (EU DSM
//! directive, art. 4(3)): the TDMRep `tdm-reservation` header and meta tag,
//! robots `noai`/`noimageai` (meta tag or `X-Robots-Tag` header), and a
//! per-domain opt-out list.
//!
//! Every page that leaves is accounted for: reserved pages, pages too
//! large to parse, binary payloads, non-HTML media types and pages without
//! main text are dropped with their reason; plain-text records pass
//! unchanged.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;

use serde::Deserialize;
use serde_json::Value;

use super::url_filter::{listed_domain, read_domain_list};
use super::{BuiltOnce, Stage, StageConfig, TaskContext, ValidateContext, Verdict};
use crate::document::Document;
use crate::html::{self, meta::robots_has, Options};
use crate::meta_schema::{MetaField, MetaType};
use crate::stages::contract::Describe;
use crate::stats::Counters;

/// What to do with a page whose rights holder reserved text and data mining.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum TdmAction {
    /// Remove it (to `rejected/`, reason `tdm_optout`).
    Drop,
    /// Keep it with `metadata.tdm_optout` naming the signal.
    Tag,
    /// Do not look (for corpora whose licence was cleared otherwise).
    Ignore,
}

/// Main text of HTML pages (paragraphs, headings, lists, tables; no menus, cookie banners, share
/// buttons, related links, comments), title/date/author/canonical URL in metadata; drops pages that
/// reserve text-and-data mining (TDMRep `tdm-reservation` header or meta, robots `noai`/`noimageai`,
/// opt-out domain list) or `tag`s them; binary, oversized and empty pages dropped with their reason.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HtmlExtractConfig {
    /// Keep tables (one line per row).
    #[serde(default = "yes")]
    pub tables: bool,
    /// Keep readers' comment sections.
    #[serde(default)]
    pub comments: bool,
    /// Pages with less main text are dropped `too_short`.
    #[serde(default = "min_chars")]
    pub min_chars: usize,
    /// Larger pages are dropped `html_too_large` before parsing, which
    /// bounds a task's memory (a parsed page takes ~20× its size).
    #[serde(default = "max_html_bytes")]
    pub max_html_bytes: usize,
    /// What happens to pages that reserve text and data mining.
    #[serde(default = "drop")]
    pub tdm_optout: TdmAction,
    /// Files of opted-out domains, one per line.
    #[serde(default)]
    pub optout_domains: Vec<PathBuf>,
    /// Folder of per-language settings: jusText's stop lists are the
    /// languages' `stopwords:`, as for the filters.
    #[serde(default = "langs_dir")]
    pub langs_dir: PathBuf,
    #[serde(skip)]
    domains: BuiltOnce<HashSet<String>>,
    #[serde(skip)]
    stoplists: BuiltOnce<&'static crate::html::justext::StopLists>,
}

fn langs_dir() -> PathBuf {
    PathBuf::from(crate::langs::DEFAULT_DIR)
}

impl HtmlExtractConfig {
    /// jusText's stop lists from `langs_dir`, built once per process (and
    /// kept for it: a process runs a handful of pipelines at most).
    fn stoplists(&self) -> anyhow::Result<&'static crate::html::justext::StopLists> {
        let lists = self.stoplists.get_or_build(|| {
            let langs = crate::langs::Langs::resolve(&self.langs_dir)?;
            Ok(&*Box::leak(Box::new(crate::html::justext::StopLists::from_langs(
                &langs,
            ))))
        })?;
        Ok(*lists)
    }
}

fn yes() -> bool {
    true
}
fn min_chars() -> usize {
    50
}
fn max_html_bytes() -> usize {
    10 << 20
}
fn drop() -> TdmAction {
    TdmAction::Drop
}

impl Describe for HtmlExtractConfig {
    const KIND: &'static str = "html_extract";
    const LANGS_KEYS: &'static [&'static str] = &["stopwords"];
}

impl HtmlExtractConfig {
    fn domains(&self) -> anyhow::Result<Arc<HashSet<String>>> {
        self.domains.get_or_build(|| {
            let mut all = HashSet::new();
            for f in &self.optout_domains {
                all.extend(read_domain_list(f).map_err(|e| anyhow::anyhow!("html_extract.optout_domains: {e:#}"))?);
            }
            Ok(all)
        })
    }
}

impl StageConfig for HtmlExtractConfig {
    fn reads(&self) -> anyhow::Result<Vec<crate::stages::FileDigest>> {
        let mut files = crate::langs::Langs::digests(&self.langs_dir)?;
        for p in &self.optout_domains {
            files.push(crate::stages::file_digest(p)?);
        }
        Ok(files)
    }

    fn metadata(&self) -> Vec<MetaField> {
        let s = |name: &str, doc: &str| MetaField::new(name, MetaType::Str, doc);
        vec![
            s("title", "page title (html_extract)"),
            s("date", "publication date as the page states it (html_extract)"),
            s("author", "author as the page states it (html_extract)"),
            s("canonical_url", "the page's canonical URL (html_extract)"),
            s("html_lang", "the page's declared `lang` (html_extract)"),
            s("extraction", "which extraction step produced the text (html_extract)"),
            s(
                "tdm_optout",
                "text-and-data-mining reservation seen, with `tdm_optout: tag` (html_extract)",
            ),
            s("tdm_policy", "the TDMRep policy URL of a reserved page (html_extract)"),
        ]
    }

    fn validate(&self, _ctx: &ValidateContext) -> anyhow::Result<()> {
        self.stoplists()?;
        self.domains().map(|_| ())
    }

    fn build(&self, _ctx: &TaskContext) -> anyhow::Result<Box<dyn Stage>> {
        Ok(Box::new(HtmlExtract {
            cfg: self.clone(),
            domains: self.domains()?,
            stoplists: self.stoplists()?,
        }))
    }
}

struct HtmlExtract {
    cfg: HtmlExtractConfig,
    domains: Arc<HashSet<String>>,
    stoplists: &'static crate::html::justext::StopLists,
}

/// A header of the crawled HTTP response (names are lower-cased by the WARC reader).
fn header<'a>(doc: &'a Document, name: &str) -> Option<&'a str> {
    doc.meta.get("http_headers")?.get(name)?.as_str()
}

/// The reservation a page's HTTP response or URL declares, before parsing.
fn reserved_by_transport(doc: &Document, domains: &HashSet<String>) -> Option<String> {
    if header(doc, "tdm-reservation").is_some_and(|v| v.split(',').any(|p| p.trim() == "1")) {
        return Some("tdm-reservation header".into());
    }
    if let Some(tag) = header(doc, "x-robots-tag") {
        for token in ["noai", "noimageai"] {
            if robots_has(tag, token) {
                return Some(format!("X-Robots-Tag {token}"));
            }
        }
    }
    let host = doc.url.as_deref().and_then(crate::text::url::host)?;
    listed_domain(domains, &host).map(|d| format!("opt-out domain list: {d}"))
}

/// Share of control characters and replacement characters that marks a
/// payload as binary rather than text in an unknown encoding.
fn looks_binary(text: &str) -> bool {
    let (mut n, mut bad) = (0usize, 0usize);
    for c in text.chars().take(64 * 1024) {
        n += 1;
        if c == '\u{fffd}' || (c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}')) {
            bad += 1;
        }
    }
    n > 0 && bad * 50 > n
}

impl Stage for HtmlExtract {
    fn process(&mut self, doc: &mut Document, counters: &mut Counters) -> anyhow::Result<Verdict> {
        let mime = doc
            .meta
            .get("content_type")
            .and_then(Value::as_str)
            .map(|m| m.split(';').next().unwrap_or("").trim().to_ascii_lowercase())
            .unwrap_or_default();
        let is_html = match mime.as_str() {
            "text/html" | "application/xhtml+xml" => true,
            "text/plain" => false,
            "" => doc.text.trim_start().starts_with('<'),
            other => return Ok(Verdict::drop_with("not_html", format!("media type {other}"))),
        };
        if !is_html {
            counters.add("plain_text", 1);
            return Ok(Verdict::Keep);
        }
        if self.cfg.tdm_optout != TdmAction::Ignore {
            if let Some(signal) = reserved_by_transport(doc, &self.domains) {
                if let Some(v) = self.reserved(doc, signal, counters) {
                    return Ok(v);
                }
            }
        }
        if doc.text.len() > self.cfg.max_html_bytes {
            return Ok(Verdict::drop_with(
                "html_too_large",
                format!("{} bytes > max_html_bytes {}", doc.text.len(), self.cfg.max_html_bytes),
            ));
        }
        if looks_binary(&doc.text) {
            return Ok(Verdict::drop_with(
                "binary_content",
                "control or undecodable bytes in the payload",
            ));
        }
        let got = html::extract(
            &doc.text,
            &Options {
                tables: self.cfg.tables,
                comments: self.cfg.comments,
                stoplists: Some(self.stoplists),
            },
        );
        let m = &got.meta;
        // One signal per page: a page tagged from its headers is not tagged again.
        if self.cfg.tdm_optout != TdmAction::Ignore && !doc.meta.contains_key("tdm_optout") {
            let signal = if m.tdm_reservation {
                Some("meta tdm-reservation")
            } else if m.robots_noai {
                Some("robots noai")
            } else if m.robots_noimageai {
                Some("robots noimageai")
            } else {
                None
            };
            if let Some(signal) = signal {
                if let Some(p) = &m.tdm_policy {
                    doc.meta.insert("tdm_policy".into(), Value::String(p.clone()));
                }
                if let Some(v) = self.reserved(doc, signal.to_string(), counters) {
                    return Ok(v);
                }
            }
        }
        for (key, value) in [
            ("title", &m.title),
            ("date", &m.date),
            ("author", &m.author),
            ("canonical_url", &m.canonical),
            ("html_lang", &m.lang),
        ] {
            if let Some(v) = value {
                doc.meta.insert(key.into(), Value::String(v.clone()));
            }
        }
        if got.text.is_empty() {
            return Ok(Verdict::drop("no_main_text"));
        }
        let chars = got.text.chars().count();
        if chars < self.cfg.min_chars {
            return Ok(Verdict::drop_with(
                "too_short",
                format!("{chars} characters < min_chars {}", self.cfg.min_chars),
            ));
        }
        counters.add(&format!("method:{}", got.method), 1);
        doc.meta
            .insert("extraction".into(), Value::String(got.method.to_string()));
        doc.text = got.text;
        Ok(Verdict::Keep)
    }
}

impl HtmlExtract {
    /// Applies the configured action to a reserved page: a verdict to
    /// return, or `None` to carry on (tagged).
    fn reserved(&self, doc: &mut Document, signal: String, counters: &mut Counters) -> Option<Verdict> {
        let kind = signal.split(':').next().unwrap_or(&signal).replace(' ', "_");
        counters.add(&format!("tdm_signal:{kind}"), 1);
        match self.cfg.tdm_optout {
            TdmAction::Drop => Some(Verdict::drop_with("tdm_optout", signal)),
            TdmAction::Tag => {
                doc.meta.insert("tdm_optout".into(), Value::String(signal));
                None
            }
            TdmAction::Ignore => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(html: &str, headers: &[(&str, &str)], url: &str) -> Document {
        let mut meta = serde_json::Map::new();
        meta.insert("content_type".into(), Value::String("text/html; charset=utf-8".into()));
        let h: serde_json::Map<String, Value> = headers
            .iter()
            .map(|(k, v)| (k.to_string(), Value::String(v.to_string())))
            .collect();
        meta.insert("http_headers".into(), Value::Object(h));
        Document {
            id: "d".into(),
            text: html.into(),
            url: Some(url.into()),
            source: "test".into(),
            lang: None,
            lang_score: None,
            meta,
            tokens: None,
        }
    }

    const ARTICLE: &str = "<html><head>HEAD</head><body><article><h1>Titel</h1><p>Dies ist ein langer Absatz über \
        die Gemeinde, die am Montag beschlossen hat, dass die Schule im nächsten Jahr saniert wird.</p>\
        <p>Ein zweiter Absatz mit mehr Text.</p></article></body></html>";

    fn stage(yaml: &str) -> HtmlExtract {
        let cfg: HtmlExtractConfig = serde_saphyr::from_str(yaml).unwrap();
        HtmlExtract {
            domains: cfg.domains().unwrap(),
            stoplists: cfg.stoplists().unwrap(),
            cfg,
        }
    }

    #[test]
    fn jus_texts_stop_lists_come_from_langs_dir() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("xx.yaml"),
            "iso: xx\nstopwords:\n  source: test\n  words: [zorp, blib]\n",
        )
        .unwrap();
        let yaml = format!("langs_dir: \"{}\"\n", dir.path().display());
        let cfg: HtmlExtractConfig = serde_saphyr::from_str(&yaml).unwrap();
        let lists = cfg.stoplists().unwrap();
        let shipped = crate::html::justext::StopLists::builtin();
        assert!(lists.is_stop_word("zorp") && !shipped.is_stop_word("zorp"));
        assert!(!lists.is_stop_word("und") && shipped.is_stop_word("und"));
        let files: Vec<String> = cfg.reads().unwrap().into_iter().map(|f| f.0).collect();
        assert!(files.iter().any(|f| f.ends_with("xx.yaml")), "{files:?}");
    }

    fn reason(v: &Verdict) -> Option<&str> {
        match v {
            Verdict::Drop(r) => Some(&r.reason),
            Verdict::Keep => None,
        }
    }

    fn run(s: &mut HtmlExtract, mut d: Document) -> (Verdict, Document, Counters) {
        let mut c = Counters::default();
        let v = s.process(&mut d, &mut c).unwrap();
        (v, d, c)
    }

    #[test]
    fn extracts_and_keeps_metadata() {
        let page = ARTICLE.replace("HEAD", "<title>T</title><link rel=canonical href='https://e.de/a'>");
        let (v, d, _) = run(&mut stage("{}"), doc(&page, &[], "https://e.de/a?x"));
        assert_eq!(v, Verdict::Keep);
        assert!(d.text.starts_with("Titel\nDies ist ein langer Absatz"), "{}", d.text);
        assert_eq!(d.meta["title"], "T");
        assert_eq!(d.meta["canonical_url"], "https://e.de/a");
        assert!(d.meta["extraction"].is_string());
    }

    #[test]
    fn every_reservation_signal_drops_by_default() {
        let dir = tempfile::tempdir().unwrap();
        let list = dir.path().join("optout.txt");
        std::fs::write(&list, "# opted out\noptout.example\n").unwrap();
        let yaml = format!("optout_domains: [{}]", list.display());
        let cases: Vec<(Document, &str)> = vec![
            (
                doc(ARTICLE, &[("tdm-reservation", "1")], "https://e.de/"),
                "tdm-reservation header",
            ),
            (
                doc(ARTICLE, &[("x-robots-tag", "noai")], "https://e.de/"),
                "X-Robots-Tag noai",
            ),
            (
                doc(ARTICLE, &[("x-robots-tag", "noimageai")], "https://e.de/"),
                "X-Robots-Tag noimageai",
            ),
            (
                doc(
                    &ARTICLE.replace("HEAD", "<meta name='tdm-reservation' content='1'>"),
                    &[],
                    "https://e.de/",
                ),
                "meta tdm-reservation",
            ),
            (
                doc(
                    &ARTICLE.replace("HEAD", "<meta name='robots' content='noai'>"),
                    &[],
                    "https://e.de/",
                ),
                "robots noai",
            ),
            (
                doc(
                    &ARTICLE.replace("HEAD", "<meta name='robots' content='noimageai'>"),
                    &[],
                    "https://e.de/",
                ),
                "robots noimageai",
            ),
            (
                doc(ARTICLE, &[], "https://www.optout.example/page"),
                "opt-out domain list: optout.example",
            ),
        ];
        for (d, want) in cases {
            let (v, _, c) = run(&mut stage(&yaml), d.clone());
            assert_eq!(v, Verdict::drop_with("tdm_optout", want), "{want}");
            assert_eq!(c.0.values().sum::<u64>(), 1, "{want}: one signal counted {:?}", c.0);
            let (v, tagged, _) = run(&mut stage(&format!("{yaml}\ntdm_optout: tag")), d.clone());
            assert_eq!((v, tagged.meta["tdm_optout"].as_str()), (Verdict::Keep, Some(want)));
            let (v, _, _) = run(&mut stage(&format!("{yaml}\ntdm_optout: ignore")), d);
            assert_eq!(v, Verdict::Keep);
        }
        let (v, _, _) = run(
            &mut stage(&yaml),
            doc(ARTICLE, &[("tdm-reservation", "0")], "https://e.de/"),
        );
        assert_eq!(v, Verdict::Keep);
    }

    #[test]
    fn hostile_pages_are_dropped_with_a_reason() {
        let mut s = stage("max_html_bytes: 1000");
        let (v, _, _) = run(&mut s, doc(&"<p>x</p>".repeat(200), &[], "https://e.de/"));
        assert_eq!(reason(&v), Some("html_too_large"));
        let garbage: String = (0..5000u32).map(|i| char::from_u32(i % 32).unwrap()).collect();
        let (v, _, _) = run(&mut stage("{}"), doc(&format!("<html>{garbage}"), &[], "https://e.de/"));
        assert_eq!(reason(&v), Some("binary_content"));
        let (v, _, _) = run(
            &mut stage("{}"),
            doc("<html><body><nav>a</nav></body></html>", &[], "https://e.de/"),
        );
        assert_eq!(reason(&v), Some("no_main_text"));
        let (v, _, _) = run(&mut stage("{}"), doc("<p>short text here</p>", &[], "https://e.de/"));
        assert_eq!(reason(&v), Some("too_short"));
        let mut pdf = doc("%PDF-1.4", &[], "https://e.de/x.pdf");
        pdf.meta
            .insert("content_type".into(), Value::String("application/rss+xml".into()));
        let (v, _, _) = run(&mut stage("{}"), pdf);
        assert_eq!(reason(&v), Some("not_html"));
    }
}
