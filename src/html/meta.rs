//! Page metadata (title, date, author, canonical URL, language) and the
//! machine-readable text-and-data-mining reservations a page declares.

use serde_json::Value;

use super::dom::Dom;

/// What the page says about itself.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PageMeta {
    /// `og:title`, else `<title>`, else the first `<h1>`.
    pub title: Option<String>,
    /// Publication date as the page writes it (meta tags, JSON-LD, `<time>`).
    pub date: Option<String>,
    /// Author name(s) from meta tags or JSON-LD (URLs are skipped).
    pub author: Option<String>,
    /// `<link rel=canonical>`, else `og:url`: the page's own address.
    pub canonical: Option<String>,
    /// `<html lang>`: what the page claims, for comparison with LID.
    pub lang: Option<String>,
    /// `<meta name="tdm-reservation" content="1">` (TDMRep).
    pub tdm_reservation: bool,
    /// `<meta name="tdm-policy">`: where the rights holder's licence offer is.
    pub tdm_policy: Option<String>,
    /// `noai` in a robots meta tag.
    pub robots_noai: bool,
    /// `noimageai` in a robots meta tag.
    pub robots_noimageai: bool,
}

fn set(slot: &mut Option<String>, value: Option<&str>) {
    if slot.is_none() {
        if let Some(v) = value.map(str::trim).filter(|v| !v.is_empty()) {
            *slot = Some(v.split_whitespace().collect::<Vec<_>>().join(" "));
        }
    }
}

/// Whether a robots directive list (`noindex, noai`) holds `token`.
pub fn robots_has(content: &str, token: &str) -> bool {
    content
        .split([',', ' ', ';'])
        .any(|t| t.trim().eq_ignore_ascii_case(token))
}

/// Reads metadata from `<head>` tags, JSON-LD and the first `<h1>`.
pub fn read(dom: &Dom) -> PageMeta {
    let mut m = PageMeta::default();
    let (mut og_title, mut title_tag, mut h1) = (None, None, None);
    let (mut meta_date, mut time_date, mut meta_author) = (None, None, None);
    let mut og_url = None;
    for (i, n) in dom.nodes.iter().enumerate() {
        match n.tag {
            "html" => set(&mut m.lang, dom.attr(i, "lang")),
            "title" => set(&mut title_tag, Some(&dom.text_of(i))),
            "h1" => set(&mut h1, Some(&dom.text_of(i))),
            "time" => set(&mut time_date, dom.attr(i, "datetime")),
            "link" => {
                let rel = dom.attr(i, "rel").unwrap_or("");
                if rel.split_whitespace().any(|r| r.eq_ignore_ascii_case("canonical")) {
                    set(&mut m.canonical, dom.attr(i, "href"));
                }
            }
            "meta" => {
                let key = dom
                    .attr(i, "name")
                    .or_else(|| dom.attr(i, "property"))
                    .or_else(|| dom.attr(i, "itemprop"))
                    .unwrap_or("")
                    .to_ascii_lowercase();
                let content = dom.attr(i, "content").or_else(|| dom.attr(i, "datetime"));
                match key.as_str() {
                    "og:title" | "twitter:title" => set(&mut og_title, content),
                    "og:url" => set(&mut og_url, content),
                    "author" | "article:author" | "dc.creator" | "byl" | "parsely-author"
                        if !content.is_some_and(|c| c.starts_with("http")) =>
                    {
                        set(&mut meta_author, content)
                    }
                    "article:published_time"
                    | "datepublished"
                    | "date"
                    | "dc.date"
                    | "dc.date.issued"
                    | "pubdate"
                    | "publish-date"
                    | "og:published_time"
                    | "sailthru.date"
                    | "parsely-pub-date" => set(&mut meta_date, content),
                    "tdm-reservation" => {
                        m.tdm_reservation |= content.is_some_and(|c| c.trim() == "1");
                    }
                    "tdm-policy" => set(&mut m.tdm_policy, content),
                    "robots" | "googlebot" | "bingbot" | "ccbot" | "gptbot" => {
                        let c = content.unwrap_or("");
                        m.robots_noai |= robots_has(c, "noai");
                        m.robots_noimageai |= robots_has(c, "noimageai");
                    }
                    _ => {}
                }
            }
            "script" => {
                if let Some(v) = json_ld_block(dom, i) {
                    json_ld(&v, &mut meta_date, &mut meta_author, &mut og_title);
                }
            }
            _ => {}
        }
    }
    m.title = og_title.or(title_tag).or(h1);
    m.date = meta_date.or(time_date);
    m.author = meta_author;
    if m.canonical.is_none() {
        m.canonical = og_url;
    }
    m
}

/// The parsed content of element `i` when it is a JSON-LD script
/// (`<script type="application/ld+json">`) holding valid JSON.
pub(crate) fn json_ld_block(dom: &Dom, i: usize) -> Option<Value> {
    let is_json_ld = dom.nodes[i].tag == "script"
        && dom
            .attr(i, "type")
            .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/ld+json"));
    if !is_json_ld {
        return None;
    }
    let raw: String = dom.nodes[i + 1..dom.nodes[i].end as usize]
        .iter()
        .map(|n| n.text)
        .collect();
    serde_json::from_str(&raw).ok()
}

/// Article fields of a JSON-LD block (an object, a list or an `@graph`).
fn json_ld(v: &Value, date: &mut Option<String>, author: &mut Option<String>, title: &mut Option<String>) {
    let mut todo = vec![v];
    let mut seen = 0;
    while let Some(v) = todo.pop() {
        seen += 1;
        if seen > 1000 {
            return;
        }
        match v {
            Value::Array(a) => todo.extend(a.iter()),
            Value::Object(o) => {
                set(date, o.get("datePublished").and_then(Value::as_str));
                set(title, o.get("headline").and_then(Value::as_str));
                match o.get("author") {
                    Some(Value::String(s)) => set(author, Some(s)),
                    Some(Value::Object(a)) => set(author, a.get("name").and_then(Value::as_str)),
                    Some(Value::Array(list)) => {
                        let names: Vec<&str> = list
                            .iter()
                            .filter_map(|a| a.get("name").and_then(Value::as_str).or(a.as_str()))
                            .collect();
                        if !names.is_empty() {
                            set(author, Some(&names.join(", ")));
                        }
                    }
                    _ => {}
                }
                if let Some(g) = o.get("@graph") {
                    todo.push(g);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::html::dom::parse;

    #[test]
    fn head_tags_and_json_ld() {
        let page = parse(
            r#"<html lang="de"><head><title>Seite | Verlag</title>
            <meta property="og:title" content="Die Seite">
            <link rel="canonical" href="https://example.de/a">
            <meta name="tdm-reservation" content="1"><meta name="tdm-policy" content="https://example.de/tdm.json">
            <meta name="robots" content="index, noai, noimageai">
            <script type="application/ld+json">{"@graph":[{"@type":"NewsArticle","datePublished":"2024-05-01","articleBody":"Der Text.","author":[{"name":"A. Muster"}]}]}</script>
            </head><body><h1>X</h1></body></html>"#,
        );
        let m = read(&Dom::new(&page));
        assert_eq!(m.title.as_deref(), Some("Die Seite"));
        assert_eq!(m.lang.as_deref(), Some("de"));
        assert_eq!(m.canonical.as_deref(), Some("https://example.de/a"));
        assert_eq!(m.date.as_deref(), Some("2024-05-01"));
        assert_eq!(m.author.as_deref(), Some("A. Muster"));
        assert!(m.tdm_reservation && m.robots_noai && m.robots_noimageai);
        assert_eq!(m.tdm_policy.as_deref(), Some("https://example.de/tdm.json"));
    }

    #[test]
    fn no_reservation_unless_declared() {
        let page = parse(r#"<meta name="tdm-reservation" content="0"><meta name="robots" content="noindex">"#);
        let m = read(&Dom::new(&page));
        assert!(!m.tdm_reservation && !m.robots_noai && !m.robots_noimageai);
    }
}
