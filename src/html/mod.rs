//! Main-text extraction from HTML pages: the article's paragraphs,
//! headings, lists, quotes and (optionally) tables, without navigation,
//! cookie banners, share buttons, related links or comments.
//!
//! The approach is trafilatura's cascade, each step engaging only when the
//! ones before it found too little: parse as a browser with scripts off
//! would (scripts, styles, SVG and unread attributes dropped first,
//! [`raw_text`]; tokenized by runs of bytes, `tokenizer`, into html5ever's
//! tree builder); clean the tree of non-text elements ([`prune`]); take
//! the content container found by markup (`article`, `entry-content`,
//! `itemprop=articleBody`, `main`, …) pruned of boilerplate by class/id
//! and link density; recover stray paragraphs; prefer [`readability`]'s
//! scoring of the raw page when it finds far more; check short or doubtful
//! results with [`justext`]'s stop-word classifier; fall back to the
//! [`baseline`] (JSON-LD article bodies, `<article>`s, every paragraph);
//! and retry leniently when the result covers little of the page. jusText
//! uses the stop words of all 24 EU languages from `langs/`, so pages
//! without semantic markup work in every one. Nothing recurses, so hostile
//! nesting cannot overflow a stack.
//!
//! Boilerplate rules prune blocks, never an inline element inside a
//! sentence of a kept block ([`dom::Dom::in_sentence`]; hidden ones
//! excepted), so no sentence comes out with a hole. Rows of layout tables
//! are blocks, not table rows, and wild text that ends the cascade is read
//! as the unmarked container it usually is, so the same article gives the
//! same text under a semantic, a div-soup or a table-layout template.

pub mod baseline;
pub mod blocks;
pub mod dom;
pub mod justext;
pub mod meta;
pub mod prune;
pub mod raw_text;
pub mod readability;
pub mod rules;
mod tokenizer;
mod tree;

use blocks::{Block, BlockKind};
use dom::Dom;
pub use meta::PageMeta;
use prune::Page;

/// What to keep besides the running text.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Keep tables, one line per row (data tables carry real content).
    pub tables: bool,
    /// Keep readers' comment sections (off: they are not the page's text).
    pub comments: bool,
    /// jusText's stop lists (the same `langs/` settings as the filters);
    /// `None`: the compiled-in files'.
    pub stoplists: Option<&'static justext::StopLists>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            tables: true,
            comments: false,
            stoplists: None,
        }
    }
}

/// The main text of a page and what the page says about itself.
#[derive(Debug, Clone, Default)]
pub struct Extraction {
    /// Blocks separated by line breaks; empty when nothing was found.
    pub text: String,
    /// Title, date, author, canonical URL and TDM signals of the page.
    pub meta: PageMeta,
    /// Which step found the text: `container`, `wild`, `readability`,
    /// `justext`, `baseline` or `recall`; empty when none did.
    pub method: &'static str,
}

/// Below this many characters a container's text is not trusted alone
/// (trafilatura's `MIN_EXTRACTED_SIZE`).
const MIN_EXTRACTED: usize = 250;
/// Results shorter than this, covering less than [`ESCALATION_SHARE`]
/// of the page's text, are retried in recall mode.
const ESCALATION_MAX: usize = 3000;
const ESCALATION_SHARE: f64 = 0.2;
/// Text loose in a `div` this long is a paragraph without its `<p>`
/// (jusText's length for a block that can be good on its own).
const LOOSE_PARAGRAPH: usize = 200;

/// Characters in a list of blocks.
fn len(blocks: &[Block]) -> usize {
    blocks.iter().map(|b| b.text.chars().count()).sum()
}

/// Extracts the main text of `html`.
pub fn extract(html: &str, opts: &Options) -> Extraction {
    let parsed = dom::parse(&raw_text::slim_markup(html));
    let dom = Dom::new(&parsed);
    let meta = meta::read(&dom);
    let page = Page::new(dom, *opts);
    let (mut best, mut method) = (container(&page), "container");
    if len(&best) < MIN_EXTRACTED {
        best = with_wild_text(&page, best);
        method = "wild";
    }
    let mut unclean = false;
    let own = Shape::of(&page.dom, &best);
    if own.readability_may_win(&page) {
        let (algo, algo_unclean) = readability(&page);
        if own.prefers(len(&algo)) {
            (best, method, unclean) = (algo, "readability", algo_unclean);
        }
    }
    // jusText over the pruned page serves two steps; it runs at most once.
    let mut justext_result: Option<Vec<Block>> = None;
    let mut justext = || {
        justext_result
            .get_or_insert_with(|| justext_blocks(&page, page.variant(page.body)))
            .clone()
    };
    // trafilatura double-checks a short result with jusText over the
    // pruned page, and readability's when it holds navigation, figures or
    // form parts with jusText over the whole page (it judges chrome by
    // itself).
    if unclean {
        let jt = justext_blocks(&page, &page.basic_cleaning(true));
        if !jt.is_empty() && len(&best) <= 3 * len(&jt) {
            (best, method) = (jt, "justext");
        }
    } else if len(&best) < MIN_EXTRACTED {
        let jt = justext();
        if len(&jt) > len(&best) {
            (best, method) = (jt, "justext");
        }
    }
    if len(&best) < MIN_EXTRACTED {
        let all = baseline::extract(&page);
        if len(&all) > len(&best) {
            (best, method) = (all, "baseline");
        }
    }
    let current = len(&best);
    if current > 0 && current < ESCALATION_MAX && (current as f64) < ESCALATION_SHARE * page.raw.chars[page.body] as f64
    {
        // trafilatura's recall escalation: a short result covering little
        // of the page suggests a layout the rules missed.
        let recall = lenient_container(&page);
        let jt = justext();
        let (r_len, j_len) = (len(&recall), len(&jt));
        if j_len > r_len && j_len as f64 > 2.0 * current as f64 {
            (best, method) = (jt, "justext");
        } else if r_len >= MIN_EXTRACTED && r_len as f64 > 1.5 * current as f64 {
            (best, method) = (recall, "recall");
        }
    }
    // Wild text kept to the end is read as the unmarked container it
    // usually is (decided last, so no step above judges it by more text).
    if method == "wild" {
        best = implicit_container(&page, &best).unwrap_or(best);
    }
    // NFC: the form training text is compared and deduplicated in (pages
    // mix precomposed and decomposed letters).
    let text = join(&best);
    Extraction {
        text: crate::text::nfc::to_nfc(&text).unwrap_or(text),
        meta,
        method: if best.is_empty() { "" } else { method },
    }
}

/// The blocks of the first content container, by rule order, that yields
/// more than one block or enough text.
fn container(page: &Page) -> Vec<Block> {
    page.containers
        .iter()
        .flatten()
        .map(|&c| polish(page.collect(c, page.variant(c)), page.p_chars))
        .find(|b| prune::enough(b))
        .unwrap_or_default()
}

/// `best` plus the paragraphs, quotes, code and tables of the whole pruned
/// page it lacks, in page order (trafilatura's "wild text").
fn with_wild_text(page: &Page, mut best: Vec<Block>) -> Vec<Block> {
    let seen: std::collections::HashSet<String> = best.iter().map(|b| b.text.clone()).collect();
    let wild = page
        .collect(page.body, page.variant(page.body))
        .into_iter()
        .filter(|b| {
            matches!(
                b.kind,
                BlockKind::Paragraph | BlockKind::Quote | BlockKind::Code | BlockKind::TableRow
            ) && !seen.contains(&b.text)
        });
    best.extend(wild);
    best.sort_by_key(|b| b.pos);
    best
}

/// Share of the wild paragraphs' text an element must hold to be read as
/// the page's unmarked content container.
const IMPLICIT_SHARE: f64 = 0.8;

/// Wild text taken as what it is on most pages without container markup:
/// the paragraphs of one element. The deepest element holding
/// [`IMPLICIT_SHARE`] of the wild paragraphs' text is pruned and collected
/// as a marked container would be, and its headings, lists, quotes and
/// loose text from the first wild paragraph on (and the headings right
/// before it), at the level of those paragraphs, join the wild blocks. The
/// same body then gives the same text whether the template marks its
/// container (`<article>`) or not (div soup, table layouts), while what
/// sits around the article in other elements stays out.
fn implicit_container(page: &Page, wild: &[Block]) -> Option<Vec<Block>> {
    let nodes = &page.dom.nodes;
    let paragraphs: Vec<&Block> = wild.iter().filter(|b| b.kind == BlockKind::Paragraph).collect();
    let mut acc = vec![0usize; nodes.len()];
    let mut total = 0;
    // Counted at the paragraph's parent: the container holds paragraphs,
    // however long one of them is.
    for b in &paragraphs {
        let n = b.text.chars().count();
        acc[nodes[b.owner].parent as usize] += n;
        total += n;
    }
    if len(wild) < MIN_EXTRACTED {
        return None;
    }
    for i in (1..nodes.len()).rev() {
        let p = nodes[i].parent as usize;
        acc[p] += acc[i];
    }
    // The qualifying elements form a chain from the root down; the last
    // one in document order is the deepest.
    let need = (IMPLICIT_SHARE * total as f64).ceil() as usize;
    let c = (page.body..nodes[page.body].end as usize)
        .rev()
        .find(|&i| !nodes[i].tag.is_empty() && acc[i] >= need)?;
    if c == page.body {
        return None;
    }
    let inside: Vec<&Block> = paragraphs
        .iter()
        .copied()
        .filter(|b| page.dom.contains(c, b.owner))
        .collect();
    let first = inside.first()?.pos;
    // The element a block stands in, out of any lists around it.
    let level = |o: usize| {
        let mut p = nodes[o].parent as usize;
        while p > 0 && matches!(nodes[p].tag, "ul" | "ol" | "dl" | "li" | "dt" | "dd" | "menu") {
            p = nodes[p].parent as usize;
        }
        p
    };
    let levels: std::collections::HashSet<usize> = inside.iter().map(|b| level(b.owner)).collect();
    let seen: std::collections::HashSet<&str> = wild.iter().map(|b| b.text.as_str()).collect();
    let own: Vec<Block> = polish(page.collect(c, page.variant(c)), page.p_chars)
        .into_iter()
        .filter(|b| levels.contains(&level(b.owner)))
        .collect();
    // Headings right before the first paragraph title the text.
    let lead = own
        .iter()
        .rposition(|b| b.pos < first && b.kind != BlockKind::Heading)
        .map_or(0, |k| k + 1);
    let mut out = wild.to_vec();
    out.extend(
        own.into_iter()
            .enumerate()
            .filter(|(k, b)| {
                (b.pos > first || (*k >= lead && b.kind == BlockKind::Heading)) && !seen.contains(b.text.as_str())
            })
            .map(|(_, b)| b),
    );
    out.sort_by_key(|b| b.pos);
    Some(out)
}

/// The elements readability's scoring picks, as blocks, and whether they
/// hold elements that call for a second opinion.
fn readability(page: &Page) -> (Vec<Block>, bool) {
    let art = readability::article(&page.dom, &page.readability_input(), page.body);
    let mut skip = art.removed;
    for &c in &art.nodes {
        page.clean_within(c, &mut skip);
    }
    let blocks = art
        .nodes
        .into_iter()
        .flat_map(|c| {
            let node = &page.dom.nodes[c];
            if node.tag.is_empty() {
                let mut text = String::new();
                dom::push_collapsed(&mut text, node.text);
                return vec![Block {
                    text: text.trim().to_string(),
                    kind: BlockKind::Paragraph,
                    link_chars: 0,
                    owner: node.parent as usize,
                    pos: c,
                }];
            }
            let b = page.collect(c, &skip);
            if node.tag == "p" || b.len() <= 1 {
                b
            } else {
                let p_chars = b
                    .iter()
                    .filter(|b| b.kind == BlockKind::Paragraph)
                    .map(|b| b.text.len())
                    .sum();
                polish(b, p_chars)
            }
        })
        .collect();
    (blocks, art.unclean)
}

/// What trafilatura looks at in its own result to decide whether
/// readability's should replace it.
struct Shape {
    /// Characters.
    len: usize,
    /// Made of no paragraphs, or of more tables than paragraphs.
    deficient: bool,
}

impl Shape {
    fn of(dom: &Dom, blocks: &[Block]) -> Shape {
        let paragraphs = p_count(dom, blocks);
        Shape {
            len: len(blocks),
            deficient: paragraphs == 0 || table_count(dom, blocks) > paragraphs,
        }
    }

    /// False when [`Shape::prefers`] cannot hold whatever readability
    /// finds: the result is long, has paragraphs, and the page has no
    /// room for twice as much text. Spares most pages the scoring.
    fn readability_may_win(&self, page: &Page) -> bool {
        self.len < MIN_EXTRACTED || self.deficient || page.readable_chars() > 2 * self.len
    }

    /// trafilatura's rule for replacing its own result with readability's
    /// (`algo_len` characters): much longer, or the own result is short or
    /// made of tables.
    fn prefers(&self, algo_len: usize) -> bool {
        let own_len = self.len;
        algo_len != 0
            && algo_len != own_len
            && own_len <= 2 * algo_len
            && (own_len < MIN_EXTRACTED || algo_len > 2 * own_len || (algo_len > 2 * MIN_EXTRACTED && self.deficient))
    }
}

/// Paragraphs in `blocks` as trafilatura counts them to tell prose from
/// tables: `<p>` elements (inside rows, list items and quotes too) and
/// text loose in `div`s, which its output also holds as paragraphs.
fn p_count(dom: &Dom, blocks: &[Block]) -> usize {
    let mut owners: Vec<usize> = blocks.iter().map(|b| b.owner).collect();
    owners.dedup();
    owners
        .into_iter()
        .map(|o| match dom.nodes[o].tag {
            "tr" | "li" | "blockquote" | "dd" => dom.nodes[o + 1..dom.nodes[o].end as usize]
                .iter()
                .filter(|n| n.tag == "p")
                .count(),
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "pre" | "dt" => 0,
            _ => 1,
        })
        .sum()
}

/// Tables the rows among `blocks` belong to.
fn table_count(dom: &Dom, blocks: &[Block]) -> usize {
    let mut tables: Vec<usize> = blocks
        .iter()
        .filter(|b| b.kind == BlockKind::TableRow)
        .filter_map(|b| {
            let mut a = b.owner;
            while a != 0 && dom.nodes[a].tag != "table" {
                a = dom.nodes[a].parent as usize;
            }
            (a != 0).then_some(a)
        })
        .collect();
    tables.sort_unstable();
    tables.dedup();
    tables.len()
}

/// The blocks of the whole page jusText keeps.
fn justext_blocks(page: &Page, skip: &[bool]) -> Vec<Block> {
    let all = page.collect(page.body, skip);
    let lists = page.opts.stoplists.unwrap_or_else(justext::StopLists::builtin);
    justext::good_blocks(&all, lists)
        .into_iter()
        .map(|k| all[k].clone())
        .collect()
}

/// The first container's blocks with only comment sections and link-dense
/// elements left out, loose text kept.
fn lenient_container(page: &Page) -> Vec<Block> {
    let lenient = page.lenient();
    page.containers
        .iter()
        .flatten()
        .map(|&c| page.collect(c, &lenient))
        .find(|b| prune::enough(b))
        .unwrap_or_default()
}

/// The blocks as text, one per line, consecutive repeats once.
fn join(blocks: &[Block]) -> String {
    let mut text = String::new();
    let mut prev: Option<&str> = None;
    for b in blocks {
        if prev == Some(b.text.as_str()) {
            continue;
        }
        if !text.is_empty() {
            text.push('\n');
        }
        text.push_str(&b.text);
        prev = Some(&b.text);
    }
    text
}

/// Keeps the blocks a container's text is made of: short text loose in
/// `div`s only when `paragraph_chars` (of the page, or of readability's
/// pick) are few, no headings left dangling at the end.
fn polish(mut blocks: Vec<Block>, paragraph_chars: usize) -> Vec<Block> {
    if paragraph_chars >= MIN_EXTRACTED * 3 {
        blocks.retain(|b| b.kind != BlockKind::Loose || b.text.chars().count() >= LOOSE_PARAGRAPH);
    }
    while blocks.last().is_some_and(|b| b.kind == BlockKind::Heading) {
        blocks.pop();
    }
    blocks
}

#[cfg(test)]
mod tests;
