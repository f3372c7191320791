//! What to leave out of a page before extraction, as flags on subtree
//! roots: elements that never hold text (`dead`), and boilerplate by
//! class/id/style and by link density in three strengths (`pruned`,
//! `unguarded`, `lenient`) that the extraction cascade picks from.
//! Flagging roots, not ranges, lets a container inside a flagged region (a
//! blog post in a `widget` div) still be found and pruned from itself down,
//! as trafilatura prunes the chosen subtree.

use std::sync::LazyLock;

use regex::Regex;

use super::blocks::{self, Block};
use super::dom::Dom;
use super::{rules, Options, MIN_EXTRACTED};

/// Cookie and consent banners by their (English, even on localised
/// templates) class or id: compound names and consent-platform vendors,
/// not bare `cookie`, which pages about cookies use on their content.
static CONSENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)cookie[-_]?(?:banner|bar|consent|law|notice|policy|description)|notice[-_]{0,2}cookie|consent[-_]?(?:banner|manager|sdk)|borlabs|cookiebot|cmplz|onetrust|moove[-_]?gdpr",
    )
    .expect("built-in pattern")
});

/// A first line that is only a share/print button label or a "more on
/// this" lead-in (trafilatura's `textfilter`): the block is chrome.
static SHARE_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^\W*(Drucken|E-?Mail|Facebook|Flipboard|Google|Instagram|Linkedin|Mail|PDF|Pinterest|Pocket|Print|QQ|Reddit|Twitter|WeChat|WeiBo|Whatsapp|Xing|Mehr zum Thema:?|More on this.{0,8})$",
    )
    .expect("built-in pattern")
});

/// Elements whose content a reader never sees as text: the head and
/// what scripts and styles carry.
fn is_unrendered(tag: &str) -> bool {
    matches!(tag, "head" | "title" | "script" | "style" | "template")
}

/// Share of link text above which a short element is navigation.
const LINK_SHARE: f64 = 0.8;

/// Per-node text statistics over the cleaned tree.
pub(crate) struct Stats {
    /// Visible characters in each subtree.
    pub(crate) chars: Vec<u32>,
    /// Of those, characters inside links.
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
            s.chars[i] = node.chars;
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
    if tag == "tr" && s.links[i] < 2 {
        // A row with one link is a data row that links its subject; a
        // row of several is a menu in a table layout.
        return false;
    }
    if tag == "table" {
        // Tables: only long ones, and by share of link text alone.
        let share = if len < 1000 { 0.8 } else { 0.5 };
        return len >= 200 && s.link_chars[i] as f64 > share * len as f64;
    }
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
    matches!(reason, "boilerplate" | "hidden" | "hidden_name")
}

/// Flags the link-dense elements (roots only) given the current `skip`.
fn flag_link_dense(dom: &Dom, skip: &mut [bool]) {
    let s = stats(dom, skip);
    for i in 0..dom.nodes.len() {
        if !skip[i]
            && matches!(dom.nodes[i].tag, "div" | "ul" | "ol" | "dl" | "p" | "table" | "tr")
            && link_dense(dom, &s, skip, i)
        {
            skip[i] = true;
        }
    }
}

/// A parsed page with its pruning decisions.
pub(crate) struct Page<'a> {
    /// The page.
    pub dom: Dom<'a>,
    /// What the caller wants kept.
    pub opts: Options,
    /// The `body` element (the root when there is none).
    pub body: usize,
    /// Subtrees that never hold main text (media, forms, navigation,
    /// footers) plus every class/id/style rule plus link-dense elements.
    pruned: Vec<bool>,
    /// `pruned` without the guarded rules (boilerplate and hidden).
    unguarded: Vec<bool>,
    /// Subtrees that never hold main text.
    dead: Vec<bool>,
    /// `<noscript>` elements: out of every pruning, but readability reads
    /// them.
    noscripts: Vec<usize>,
    /// Comment sections and appended articles, for [`Page::lenient`].
    never_text: Vec<usize>,
    /// Visible characters per subtree.
    pub raw: Stats,
    clean: Stats,
    pruned_stats: Stats,
    /// First element matching each content-container rule.
    pub containers: [Option<usize>; rules::BODY_RULES],
    /// Characters in the page's `<p>` elements (never-text ones left out):
    /// a page that writes its prose in paragraphs does not write it in
    /// bare `div`s.
    pub p_chars: usize,
}

impl<'a> Page<'a> {
    /// Decides what to leave out of `dom`.
    pub fn new(dom: Dom<'a>, opts: Options) -> Self {
        let n = dom.nodes.len();
        let body = dom.find("body").unwrap_or(0);
        let mut invisible = vec![false; n];
        for (i, node) in dom.nodes.iter().enumerate() {
            if is_unrendered(node.tag) || node.tag == "noscript" {
                invisible[i..node.end as usize].fill(true);
            }
        }
        let raw = stats(&dom, &invisible);
        let mut dead = vec![false; n];
        let mut noscripts = Vec::new();
        let mut forms = Vec::new();
        let mut i = 0;
        while i < n {
            let node = &dom.nodes[i];
            let end = node.end as usize;
            if node.tag == "noscript" {
                // Flagged at the root only: readability reads inside.
                dead[i] = true;
                noscripts.push(i);
                i += 1;
            } else if node.tag == "form" {
                forms.push(i);
                i += 1;
            } else if !node.tag.is_empty() && rules::is_cleaned(&dom, i) {
                dead[i..end].fill(true);
                i = end;
            } else {
                i += 1;
            }
        }
        let mut clean = stats(&dom, &dead);
        // Forms go once the rest is gone, except one holding most of what
        // is left: a layout wrapper (ASP.NET), not a widget.
        let total = clean.chars[0];
        let mut dropped = false;
        for &f in &forms {
            if !dead[f] && clean.chars[f] * 2 <= total {
                dead[f..dom.nodes[f].end as usize].fill(true);
                dropped = true;
            }
        }
        if dropped {
            clean = stats(&dom, &dead);
        }
        let (mut pruned, mut unguarded) = (dead.clone(), dead.clone());
        let mut never_text = Vec::new();
        let mut containers = [None; rules::BODY_RULES];
        for (i, node) in dom.nodes.iter().enumerate() {
            if dead[i] || node.tag.is_empty() {
                continue;
            }
            for (rule, slot) in containers.iter_mut().enumerate() {
                if slot.is_none() && !invisible[i] && rules::is_body(&dom, i, rule) {
                    *slot = Some(i);
                }
            }
            // Boilerplate rules prune blocks; an inline element inside a
            // sentence stays with it (hidden ones excepted).
            let reason = rules::discard_reason(&dom, i, opts.comments).filter(|&r| dom.prunable(i) || r == "hidden");
            if let Some(reason) = reason {
                pruned[i] = true;
                unguarded[i] |= !guarded(reason);
                if matches!(reason, "comments" | "appended_article") {
                    never_text.push(i);
                }
            }
        }
        let p_chars = (0..n)
            .filter(|&i| dom.nodes[i].tag == "p" && !dead[i] && !invisible[i])
            .map(|i| clean.chars[i] as usize)
            .sum();
        flag_link_dense(&dom, &mut pruned);
        flag_link_dense(&dom, &mut unguarded);
        let pruned_stats = stats(&dom, &pruned);
        Page {
            dom,
            opts,
            body,
            dead,
            noscripts,
            never_text,
            pruned,
            unguarded,
            raw,
            clean,
            pruned_stats,
            containers,
            p_chars,
        }
    }

    /// The pruning for the subtree `c`: all rules, unless they leave a
    /// seventh or less of its text, then without the guarded ones.
    pub fn variant(&self, c: usize) -> &[bool] {
        if self.pruned_stats.chars[c] as u64 * 7 > self.clean.chars[c] as u64 {
            &self.pruned
        } else {
            &self.unguarded
        }
    }

    /// The never-text subtrees plus only comment sections, appended
    /// articles and link-dense elements (built when asked: only short
    /// results need it).
    pub fn lenient(&self) -> Vec<bool> {
        let mut skip = self.dead.clone();
        for &i in &self.never_text {
            skip[i] = true;
        }
        flag_link_dense(&self.dom, &mut skip);
        skip
    }

    /// What the fallbacks read (trafilatura's `basic_cleaning`): the page
    /// without scripts, styles, asides, footers, cookie banners and
    /// comment sections, and `with_dead` without the never-text elements
    /// either. Otherwise unpruned: jusText and the baseline judge
    /// navigation by themselves. `<noscript>` content is read unless
    /// `with_dead`.
    pub fn basic_cleaning(&self, with_dead: bool) -> Vec<bool> {
        let mut skip = if with_dead {
            self.dead.clone()
        } else {
            vec![false; self.dom.nodes.len()]
        };
        for &i in &self.never_text {
            skip[i] = true;
        }
        for (i, n) in self.dom.nodes.iter().enumerate() {
            if n.tag.is_empty() || skip[i] {
                continue;
            }
            skip[i] = is_unrendered(n.tag)
                || matches!(n.tag, "svg" | "aside" | "footer" | "fencedframe")
                || (n.tag == "div" && (n.class.contains("footer") || n.id.contains("footer")))
                || ((self.dom.name_matches(&CONSENT, n.class) || self.dom.name_matches(&CONSENT, n.id))
                    && self.dom.prunable(i));
        }
        skip
    }

    /// Characters readability's result can hold at most: the page's text
    /// outside never-text elements, plus `<noscript>` content.
    pub fn readable_chars(&self) -> usize {
        let noscript: usize = self
            .noscripts
            .iter()
            .flat_map(|&i| &self.dom.nodes[i..self.dom.nodes[i].end as usize])
            .map(|n| n.text.trim_ascii().len())
            .sum();
        self.clean.chars[self.body] as usize + noscript
    }

    /// What readability reads: the page without scripts, styles and
    /// comment sections, `<noscript>` content included (readability has
    /// its own rules for the rest).
    pub fn readability_input(&self) -> Vec<bool> {
        let mut skip: Vec<bool> = (self.dom.nodes.iter())
            .map(|n| is_unrendered(n.tag) || n.tag == "fencedframe")
            .collect();
        for &i in &self.never_text {
            skip[i] = true;
        }
        skip
    }

    /// Flags in `skip` the elements under `root` that never hold text,
    /// except `<noscript>`: how trafilatura cleans readability's result
    /// (its own subtree only; what encloses it does not matter).
    pub fn clean_within(&self, root: usize, skip: &mut [bool]) {
        let end = self.dom.nodes[root].end as usize;
        for (i, node) in self.dom.nodes.iter().enumerate().take(end).skip(root) {
            if !node.tag.is_empty() && node.tag != "noscript" && rules::is_cleaned(&self.dom, i) {
                skip[i] = true;
            }
        }
    }

    /// The blocks under `root`, skipping the subtrees flagged in `skip`.
    pub fn collect(&self, root: usize, skip: &[bool]) -> Vec<Block> {
        let mut blocks = blocks::collect(&self.dom, root, self.opts.tables, &|i| skip[i]);
        blocks.retain(|b| !b.text.lines().next().is_some_and(|l| SHARE_LINE.is_match(l)));
        blocks
    }
}

/// True when a container's result is worth keeping.
pub(crate) fn enough(blocks: &[Block]) -> bool {
    blocks.len() > 1 || blocks.iter().map(|b| b.text.len()).sum::<usize>() >= MIN_EXTRACTED
}
