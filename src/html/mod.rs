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
pub mod readability;
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
/// Results shorter than this, covering less than [`ESCALATION_SHARE`]
/// of the page's text, are retried in recall mode.
const ESCALATION_MAX: usize = 3000;
const ESCALATION_SHARE: f64 = 0.2;
/// Share of link text above which a short element is navigation.
const LINK_SHARE: f64 = 0.8;

/// Per-node text statistics over the cleaned tree.
pub(crate) struct Stats {
    pub(crate) chars: Vec<u32>,
    pub(crate) link_chars: Vec<u32>,
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
            s.chars[i] = node.text.trim_ascii().chars().count() as u32;
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

/// Whether a discard rule's removals are undone when they would leave
/// too little of the container (trafilatura's over-pruning guard).
fn guarded(reason: &str) -> bool {
    matches!(reason, "boilerplate" | "hidden")
}

/// Flags the link-dense elements (roots only) given the current `skip`.
fn flag_link_dense(dom: &Dom, skip: &mut [bool]) {
    let s = stats(dom, skip);
    for i in 0..dom.nodes.len() {
        if !skip[i]
            && matches!(dom.nodes[i].tag, "div" | "ul" | "ol" | "dl" | "p" | "td" | "tr")
            && link_dense(dom, &s, skip, i)
        {
            skip[i] = true;
        }
    }
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
    let mut invisible = vec![false; n];
    for (i, node) in dom.nodes.iter().enumerate() {
        if matches!(node.tag, "script" | "style" | "noscript" | "template" | "head") {
            invisible[i..node.end as usize].fill(true);
        }
    }
    let raw = stats(&dom, &invisible);
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
    let clean = stats(&dom, &dead);
    // 2. Boilerplate by class, id and style, then by link density, in two
    // variants: with and without the guarded rules. Only the root of each
    // dropped subtree is flagged, so a container inside a flagged region (a
    // blog post in a `widget` div) is still found and pruned from itself
    // down, as trafilatura prunes the chosen subtree.
    let mut pruned = dead.clone();
    let mut unguarded = dead.clone();
    // Only what is never text: comment sections and appended articles.
    let mut lenient = dead.clone();
    for (i, node) in dom.nodes.iter().enumerate() {
        if dead[i] || node.tag.is_empty() {
            continue;
        }
        if let Some(reason) = rules::discard_reason(&dom, i, opts.comments) {
            pruned[i] = true;
            unguarded[i] |= !guarded(reason);
            lenient[i] |= matches!(reason, "comments" | "appended_article");
        }
    }
    flag_link_dense(&dom, &mut pruned);
    flag_link_dense(&dom, &mut unguarded);
    flag_link_dense(&dom, &mut lenient);
    let pruned_stats = stats(&dom, &pruned);
    let unguarded_stats = stats(&dom, &unguarded);
    // The pruned variant, unless it leaves a seventh or less of `c`'s text.
    let variant = |c: usize| -> (&[bool], &Stats) {
        if pruned_stats.chars[c] as u64 * 7 > clean.chars[c] as u64 {
            (&pruned, &pruned_stats)
        } else {
            (&unguarded, &unguarded_stats)
        }
    };

    // 3. The content container, by markup, most specific rule first.
    let mut best: Vec<Block> = Vec::new();
    for rule in 0..rules::BODY_RULES {
        let Some(c) = (0..n).find(|&i| !dead[i] && !dom.nodes[i].tag.is_empty() && rules::is_body(&dom, i, rule))
        else {
            continue;
        };
        let (skip, _) = variant(c);
        let blocks = polish(&dom, blocks::collect(&dom, c, opts.tables, &|i| skip[i]));
        if blocks.len() > 1 || blocks.iter().map(|b| b.text.len()).sum::<usize>() >= MIN_EXTRACTED {
            best = blocks;
            break;
        }
    }
    let len = |b: &[Block]| -> usize { b.iter().map(|b| b.text.chars().count()).sum() };
    let mut method = "container";
    // Too little: recover paragraphs, quotes, code and tables from the
    // whole pruned page (trafilatura's "wild text").
    if len(&best) < MIN_EXTRACTED {
        let (skip, _) = variant(body);
        let seen: std::collections::HashSet<String> = best.iter().map(|b| b.text.clone()).collect();
        let wild = blocks::collect(&dom, body, opts.tables, &|i| skip[i])
            .into_iter()
            .filter(|b| {
                matches!(
                    b.kind,
                    BlockKind::Paragraph | BlockKind::Quote | BlockKind::Code | BlockKind::TableRow
                ) && !seen.contains(&b.text)
            });
        best.extend(wild);
        best.sort_by_key(|b| b.pos);
        method = "wild";
    }
    // 4. Readability's prose scoring, when it finds much more than the
    // container (or the container has no paragraphs).
    let (skip, st) = (&unguarded[..], &unguarded_stats);
    let algo: Vec<Block> = readability::main_nodes(&dom, skip, st, body)
        .into_iter()
        .flat_map(|c| {
            let b = blocks::collect(&dom, c, opts.tables, &|i| skip[i]);
            if dom.nodes[c].tag == "p" || b.len() <= 1 {
                b
            } else {
                polish(&dom, b)
            }
        })
        .collect();
    let (own_len, algo_len) = (len(&best), len(&algo));
    let no_paragraphs = !best.iter().any(|b| b.kind == BlockKind::Paragraph);
    let tables = best.iter().filter(|b| b.kind == BlockKind::TableRow).count();
    let paragraphs = best.iter().filter(|b| b.kind == BlockKind::Paragraph).count();
    let prefer_algo = algo_len != 0
        && algo_len != own_len
        && own_len <= 2 * algo_len
        && (own_len < MIN_EXTRACTED
            || (algo_len > 4 * own_len)
            || (algo_len > 2 * MIN_EXTRACTED && (no_paragraphs || tables > paragraphs)));
    if prefer_algo {
        best = algo;
        method = "readability";
    }
    // 5. Still too little: jusText over the whole page.
    let (pruned_body, _) = variant(body);
    let justext_blocks = || {
        let all = blocks::collect(&dom, body, opts.tables, &|i| pruned_body[i]);
        justext::good_blocks(&all)
            .into_iter()
            .map(|k| all[k].clone())
            .collect::<Vec<Block>>()
    };
    if len(&best) < MIN_EXTRACTED {
        let jt = justext_blocks();
        if len(&jt) > len(&best) {
            best = jt;
            method = "justext";
        }
    }
    // 6. Still too little: the article text of the page's JSON-LD.
    if let Some(article) = meta.article_body.as_deref() {
        let article_len = article.chars().count();
        if len(&best) < MIN_EXTRACTED && article_len > 100 && article_len > len(&best) {
            best = article
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(|l| Block {
                    text: l.to_string(),
                    kind: BlockKind::Paragraph,
                    link_chars: 0,
                    owner: body,
                    pos: body,
                })
                .collect();
            method = "json_ld";
        }
    }
    // Or every paragraph, quote and code block of the page, whatever
    // the rules said about where they sit (trafilatura's baseline).
    if len(&best) < MIN_EXTRACTED {
        let raw_blocks: Vec<Block> = blocks::collect(&dom, body, opts.tables, &|i| invisible[i])
            .into_iter()
            .filter(|b| matches!(b.kind, BlockKind::Paragraph | BlockKind::Quote | BlockKind::Code))
            .collect();
        if len(&raw_blocks) > len(&best) {
            best = raw_blocks;
            method = "baseline";
        }
    }
    // 7. A short result covering little of the page suggests a layout the
    // rules missed: try again without the class/id rules (but for comment
    // sections; keeping loose text), and jusText likewise; take one if
    // clearly longer (trafilatura's recall escalation).
    let current = len(&best);
    if current > 0 && current < ESCALATION_MAX && (current as f64) < ESCALATION_SHARE * raw.chars[body] as f64 {
        let recall: Vec<Block> = (0..rules::BODY_RULES)
            .filter_map(|rule| {
                (0..n).find(|&i| !dead[i] && !dom.nodes[i].tag.is_empty() && rules::is_body(&dom, i, rule))
            })
            .map(|c| blocks::collect(&dom, c, opts.tables, &|i| lenient[i]))
            .find(|b| b.len() > 1 || len(b) >= MIN_EXTRACTED)
            .unwrap_or_default();
        let all = blocks::collect(&dom, body, opts.tables, &|i| pruned_body[i]);
        let jt: Vec<Block> = justext::good_blocks(&all).into_iter().map(|k| all[k].clone()).collect();
        let (r_len, j_len) = (len(&recall), len(&jt));
        if j_len > r_len && j_len as f64 > 2.0 * current as f64 {
            best = jt;
            method = "justext";
        } else if r_len >= MIN_EXTRACTED && r_len as f64 > 1.5 * current as f64 {
            best = recall;
            method = "recall";
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
fn polish(dom: &Dom, mut blocks: Vec<Block>) -> Vec<Block> {
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
    // A heading whose section lost everything ("More on this topic" over
    // a removed link list) is followed by a heading of the same or a higher
    // rank.
    let rank = |b: &Block| {
        dom.nodes[b.owner]
            .tag
            .strip_prefix('h')
            .and_then(|d| d.parse::<u8>().ok())
    };
    let keep: Vec<bool> = (0..blocks.len())
        .map(|i| match (rank(&blocks[i]), blocks.get(i + 1).and_then(rank)) {
            (Some(a), Some(b)) => b > a,
            _ => true,
        })
        .collect();
    let mut keep = keep.into_iter();
    blocks.retain(|_| keep.next().unwrap_or(true));
    blocks
}

#[cfg(test)]
mod tests;
