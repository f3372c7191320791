//! Main-text extraction from HTML pages: the article's paragraphs,
//! headings, lists, quotes and (optionally) tables, without navigation,
//! cookie banners, share buttons, related links or comments.
//!
//! The approach follows trafilatura: clean the tree of non-text elements,
//! find the content container by markup (`article`, `entry-content`,
//! `itemprop=articleBody`, `main`, …), drop boilerplate inside it by
//! class/id and by link density, and fall back to jusText's
//! stop-word-and-length classifier over the whole page when no container
//! yields text. The fallback uses the stop words of all 24 EU languages
//! from `langs/`, so pages without semantic markup work in every one.
//! Nothing recurses, so hostile nesting cannot overflow a stack.

pub mod blocks;
pub mod dom;
pub mod justext;
pub mod meta;
pub mod rules;

use blocks::{Block, BlockKind};
use dom::Dom;
pub use meta::PageMeta;

/// What to keep besides the running text.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub tables: bool,
    pub comments: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            tables: true,
            comments: false,
        }
    }
}

/// The main text of a page and what the page says about itself.
#[derive(Debug, Clone, Default)]
pub struct Extraction {
    /// Blocks separated by line breaks; empty when nothing was found.
    pub text: String,
    pub meta: PageMeta,
    /// How the text was found: `container` or `justext`.
    pub method: &'static str,
}

/// Below this many characters a container's text is not trusted alone
/// (trafilatura's `MIN_EXTRACTED_SIZE`).
const MIN_EXTRACTED: usize = 250;
/// Share of link text above which a short element is navigation.
const LINK_SHARE: f64 = 0.8;

/// Per-node text statistics over the cleaned tree.
struct Stats {
    chars: Vec<u32>,
    link_chars: Vec<u32>,
    links: Vec<u32>,
    short_links: Vec<u32>,
}

fn stats(dom: &Dom, skip: &[bool]) -> Stats {
    let n = dom.nodes.len();
    let mut s = Stats {
        chars: vec![0; n],
        link_chars: vec![0; n],
        links: vec![0; n],
        short_links: vec![0; n],
    };
    for i in (0..n).rev() {
        if skip[i] {
            s.chars[i] = 0;
            s.link_chars[i] = 0;
            s.links[i] = 0;
            s.short_links[i] = 0;
            continue;
        }
        let node = &dom.nodes[i];
        if node.tag.is_empty() {
            s.chars[i] = node.text.trim().chars().count() as u32;
        } else if node.tag == "a" {
            s.link_chars[i] = s.chars[i];
            if s.chars[i] > 0 {
                s.links[i] += 1;
                if s.chars[i] < 10 {
                    s.short_links[i] += 1;
                }
            }
        }
        if i > 0 {
            let p = node.parent as usize;
            s.chars[p] += s.chars[i];
            s.link_chars[p] += s.link_chars[i];
            s.links[p] += s.links[i];
            s.short_links[p] += s.short_links[i];
        }
    }
    s
}

/// True when `i` has no element sibling after it that is still in the page.
fn is_last(dom: &Dom, skip: &[bool], i: usize) -> bool {
    let p = dom.nodes[i].parent as usize;
    let end = dom.nodes[p].end as usize;
    let mut j = dom.nodes[i].end as usize;
    while j < end {
        if !dom.nodes[j].tag.is_empty() && !skip[j] {
            return false;
        }
        j = dom.nodes[j].end as usize;
    }
    true
}

/// trafilatura's link-density test: short elements that are mostly links,
/// or mostly short links, are navigation.
fn link_dense(dom: &Dom, s: &Stats, skip: &[bool], i: usize) -> bool {
    if s.links[i] == 0 {
        return false;
    }
    let len = s.chars[i] as usize;
    let tag = dom.nodes[i].tag;
    let last = is_last(dom, skip, i);
    let limit = match (tag, last) {
        ("p", true) => 60,
        ("p", false) => 30,
        (_, true) => 300,
        _ => 100,
    };
    if s.links[i] == 1 && s.link_chars[i] > 100 && s.link_chars[i] as f64 > len as f64 * 0.9 {
        return true;
    }
    if len < limit {
        return s.link_chars[i] as f64 > len as f64 * LINK_SHARE
            || (s.links[i] > 1 && s.short_links[i] as f64 / s.links[i] as f64 > LINK_SHARE);
    }
    s.links[i] > 4 && s.link_chars[i] as f64 > len as f64 * 0.75 && s.link_chars[i] < 100 * s.links[i]
}

/// Extracts the main text of `html`.
pub fn extract(html: &str, opts: &Options) -> Extraction {
    let page = scraper::Html::parse_document(html);
    let dom = Dom::new(&page);
    let meta = meta::read(&dom);
    let n = dom.nodes.len();
    let body = dom.find("body").unwrap_or(0);

    // 1. Elements that never hold text: scripts, media, forms, page chrome.
    let mut dead = vec![false; n];
    let raw = stats(&dom, &dead);
    let mut i = 0;
    while i < n {
        let node = &dom.nodes[i];
        let end = node.end as usize;
        // A form wrapping the whole page (ASP.NET) is not a form to drop.
        let wraps_page = node.tag == "form" && raw.chars[i] * 2 > raw.chars[body];
        if !node.tag.is_empty() && rules::is_cleaned_tag(node.tag) && !wraps_page {
            dead[i..end].fill(true);
            i = end;
        } else {
            i += 1;
        }
    }
    // 2. Boilerplate by class, id and style; then by link density.
    let mut skip = dead.clone();
    let mut i = 0;
    while i < n {
        if !skip[i] && !dom.nodes[i].tag.is_empty() && rules::discard_reason(&dom, i, opts.comments).is_some() {
            let end = dom.nodes[i].end as usize;
            skip[i..end].fill(true);
            i = end;
        } else {
            i += 1;
        }
    }
    let s = stats(&dom, &skip);
    let mut i = 0;
    while i < n {
        let tag = dom.nodes[i].tag;
        if !skip[i] && matches!(tag, "div" | "ul" | "ol" | "dl" | "p") && link_dense(&dom, &s, &skip, i) {
            let end = dom.nodes[i].end as usize;
            skip[i..end].fill(true);
            i = end;
        } else {
            i += 1;
        }
    }
    let skip_fn = |i: usize| skip[i];

    // 3. The content container, by markup, most specific rule first.
    let mut best: Vec<Block> = Vec::new();
    for rule in 0..rules::BODY_RULES {
        let Some(c) = (0..n).find(|&i| !dead[i] && !dom.nodes[i].tag.is_empty() && rules::is_body(&dom, i, rule))
        else {
            continue;
        };
        if skip[c] {
            continue;
        }
        let blocks = polish(blocks::collect(&dom, c, opts.tables, &skip_fn));
        if blocks.len() > 1 {
            best = blocks;
            break;
        }
    }
    let container_len: usize = best.iter().map(|b| b.text.len()).sum();
    // 4. No container, or too little in it: jusText over the whole page.
    let mut method = "container";
    if container_len < MIN_EXTRACTED {
        let all = blocks::collect(&dom, body, opts.tables, &skip_fn);
        let keep = justext::good_blocks(&all);
        let jt: Vec<Block> = keep.into_iter().map(|k| all[k].clone()).collect();
        let jt_len: usize = jt.iter().map(|b| b.text.len()).sum();
        if jt_len > container_len {
            best = jt;
            method = "justext";
        }
    }
    let mut text = String::new();
    let mut prev: Option<&str> = None;
    for b in &best {
        if prev == Some(b.text.as_str()) {
            continue;
        }
        if !text.is_empty() {
            text.push('\n');
        }
        text.push_str(&b.text);
        prev = Some(&b.text);
    }
    Extraction {
        text,
        meta,
        method: if best.is_empty() { "" } else { method },
    }
}

/// Keeps the blocks a container's text is made of: text loose in `div`s
/// only when the container has little paragraph text, and no headings
/// left dangling at the end.
fn polish(mut blocks: Vec<Block>) -> Vec<Block> {
    let paragraph_chars: usize = blocks
        .iter()
        .filter(|b| b.kind == BlockKind::Paragraph)
        .map(|b| b.text.len())
        .sum();
    if paragraph_chars >= MIN_EXTRACTED * 3 {
        blocks.retain(|b| b.kind != BlockKind::Loose);
    }
    while blocks.last().is_some_and(|b| b.kind == BlockKind::Heading) {
        blocks.pop();
    }
    blocks
}

#[cfg(test)]
mod tests;
